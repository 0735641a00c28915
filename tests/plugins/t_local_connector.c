/* Test plugin t_local_connector: a connector whose patients carry an ABI 2.1
 * origin, for tests/unit/test_engine_local.c. Four patients, read up to any
 * date:
 *   ref 11, key "A-11":  GP 7 from 2020-01-01 to 2023-03-01, then GP 8;
 *   ref 12, key NULL:    GP 8 from 2021-01-01 (the key is then "12");
 *   ref 13, key with a control character and a tab: GP 8 from 2022-01-01;
 *   ref 14, key "B-14":  on no list;
 *   ref 0:               GP 9 from 2021-01-01, but no reference at all (it
 *                        is counted, never listed);
 * and names for patients 11 and 13 and GPs 7 and 8 - with a name for a
 * patient never asked about and a second answer for 11, both to be ignored. */
#include "kvalind/kv_plugin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct t_settings {
	const char *dsn;
};

static const struct kv_setting keys[] = {
	KV_SETTING(struct t_settings, dsn, KV_CONFIG_CONNSTR, NULL, true, NULL, "where"),
};

static int t_open(const struct kv_call *call, struct kv_open_result *res)
{
	(void)call;
	res->state = NULL;
	res->provides = KV_PROVIDES_LIST_PERIODS;
	return KV_OK;
}

/* The request's origin bits, for the test to check (kv_t_origin_bits,
 * found with dlsym would need a second exported symbol; the test reads
 * them from a file instead). */
static void note_origin_bits(uint32_t bits)
{
	const char *path = getenv("KV_T_ORIGIN_BITS_FILE");
	FILE *f = path != NULL ? fopen(path, "w") : NULL;
	if (f != NULL) {
		fprintf(f, "%u\n", (unsigned)bits);
		fclose(f);
	}
}

static int deliver(kv_patient_sink sink, void *arg, const struct kv_read_request *req,
		   uint64_t ref, const char *key, const struct kv_list_period *periods,
		   const uint64_t *holders, size_t n, uint8_t sex)
{
	struct kv_patient p = {.struct_size = sizeof p,
			       .birth = kv_date_from_ymd(1950, 6, 15),
			       .death = KV_DATE_OPEN,
			       .sex = sex,
			       .periods = periods,
			       .n_periods = n};
	bool keys_wanted = (req->origin & KV_ORIGIN_KEY) != 0;
	bool holders_wanted = (req->origin & KV_ORIGIN_HOLDERS) != 0;
	struct kv_patient_origin o = {.struct_size = sizeof o,
				      .local_ref = ref,
				      .list_holder = n > 0 ? holders[n - 1] : 0,
				      .key = keys_wanted ? key : NULL,
				      .period_holders = holders_wanted ? holders : NULL};
	return sink(arg, &p, &o);
}

static int t_read(const struct kv_call *call, const struct kv_read_request *req,
		  kv_patient_sink sink, void *arg)
{
	(void)call;
	note_origin_bits(req->origin);
	const struct kv_list_period p11[] = {
	    {kv_date_from_ymd(2020, 1, 1), kv_date_from_ymd(2023, 3, 1)},
	    {kv_date_from_ymd(2023, 3, 1), KV_DATE_OPEN}};
	const uint64_t h11[] = {7, 8};
	const struct kv_list_period p12[] = {{kv_date_from_ymd(2021, 1, 1), KV_DATE_OPEN}};
	const uint64_t h12[] = {8};
	const struct kv_list_period p13[] = {{kv_date_from_ymd(2022, 1, 1), KV_DATE_OPEN}};
	const uint64_t h13[] = {8};
	const uint64_t h0[] = {9};
	if (deliver(sink, arg, req, 11, "A-11", p11, h11, 2, KV_SEX_FEMALE) != 0 ||
	    deliver(sink, arg, req, 12, NULL, p12, h12, 1, KV_SEX_MALE) != 0 ||
	    deliver(sink, arg, req, 13, "X\033[2J\tY", p13, h13, 1, KV_SEX_FEMALE) != 0 ||
	    deliver(sink, arg, req, 14, "B-14", NULL, NULL, 0, KV_SEX_FEMALE) != 0 ||
	    deliver(sink, arg, req, 0, "none", p12, h0, 1, KV_SEX_FEMALE) != 0)
		return KV_ERROR;
	return KV_OK;
}

static int t_names(const struct kv_call *call, enum kv_name_kind kind, const uint64_t *refs,
		   size_t n, kv_name_sink sink, void *arg)
{
	(void)call;
	(void)refs;
	(void)n;
	if (kind == KV_NAME_PATIENT) {
		sink(arg, 99, "Never Asked");
		sink(arg, 11, "Kari \033]0;Nordmann");
		sink(arg, 11, "Second Answer");
		sink(arg, 13, "Ola");
	} else {
		sink(arg, 7, "Dr. Sju");
		sink(arg, 8, "Dr. Aatte");
	}
	return KV_OK;
}

static void t_close(const struct kv_call *call)
{
	(void)call;
}

KV_CONNECTOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_CONNECTOR, struct kv_connector_plugin, "t_local_connector",
			 "1.0.0", "patients with an origin, for the local engine's tests"),
	KV_SETTINGS(struct t_settings, keys),
	.open = t_open,
	.read = t_read,
	.close = t_close,
	.names = t_names,
};
