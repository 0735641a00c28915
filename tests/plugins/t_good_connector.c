/* A well-formed connector plugin for the loader and configuration tests,
 * and the shortest complete connector (quoted in plugins/README.md). */
#include "kvalind/kv_plugin.h"

#include "t_magic.h"

/* The settings, filled by the core from the table below. */
struct t_settings {
	const char *dsn;
	const char *password;
	const char *mode;
};

static const struct kv_setting keys[] = {
	KV_SETTING(struct t_settings, dsn, KV_CONFIG_CONNSTR, NULL, true, NULL, "where the data are"),
	KV_SETTING(struct t_settings, password, KV_CONFIG_SECRET, NULL, false, NULL, "the database password"),
	KV_SETTING(struct t_settings, mode, KV_CONFIG_ENUM, "fast", false, "fast|slow", "how to read"),
};

static int t_open(const struct kv_call *call, struct kv_open_result *res)
{
	const char *dsn = ((const struct t_settings *)call->settings)->dsn;
	if (dsn == NULL) {
		call->host->set_error(call->ctx, "no dsn");
		return KV_ERROR;
	}
	res->state = (void *)dsn;
	res->provides = KV_PROVIDES_LIST_PERIODS;
	return KV_OK;
}

static int t_read(const struct kv_call *call, const struct kv_read_request *req,
		  kv_patient_sink sink, void *arg)
{
	(void)call;
	(void)req;
	struct kv_list_period period = {kv_date_from_ymd(2020, 1, 1), KV_DATE_OPEN};
	struct kv_patient p = {.struct_size = sizeof p,
			       .birth = kv_date_from_ymd(1950, 2, 28),
			       .death = KV_DATE_OPEN,
			       .sex = KV_SEX_FEMALE,
			       .periods = &period,
			       .n_periods = 1};
	/* for the core alone (tests/plugins/t_sees_patient.c) */
	struct kv_patient_origin origin = {.struct_size = sizeof origin,
					   .local_ref = KV_T_MAGIC_LOCAL_REF,
					   .list_holder = KV_T_MAGIC_LIST_HOLDER};
	return sink(arg, &p, &origin) == 0 ? KV_OK : KV_ERROR;
}

static void t_close(const struct kv_call *call)
{
	(void)call;
}

KV_CONNECTOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_CONNECTOR, struct kv_connector_plugin, "t_good_connector",
			 "0.9.0", "a test connector plugin"),
	KV_SETTINGS(struct t_settings, keys),
	.open = t_open,
	.read = t_read,
	.close = t_close,
};
