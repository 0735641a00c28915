/* t_example_indicator - the shortest complete indicator plugin, quoted in
 * indicators/README.md: of the listed patients, those aged min_age (a
 * setting, 18) or more at R. Built and loaded by the unit tests. */
#include "kvalind/kv_plugin.h"

struct ex_settings {
	int64_t min_age;
};

static const struct kv_setting ex_settings_table[] = {
	KV_SETTING(struct ex_settings, min_age, KV_CONFIG_INT, "18", false, "0..120",
		   "age at R from which a listed patient is counted"),
};

static const struct kv_indicator_def ex_defs[] = {{
	.id = "T_LISTED_ADULTS", .version = 1, .type = KV_INDICATOR_PROPORTION,
	.requires = KV_PROVIDES_LIST_PERIODS,
	.title = "listed patients aged min_age or more",
	.title_nb = "listede pasienter på min_age år eller mer",
	.numerator = "aged min_age or more at R", .denominator = "listed at R",
	.direction = KV_NEITHER_IS_BETTER, .denominator_population = "listed",
}};

static int ex_init(const struct kv_call *call, const struct kv_run *run,
		   struct kv_init_result *res)
{
	(void)call;
	res->state = (void *)run->reference_dates; /* borrowed until fini() */
	res->lookback_months = 1;                  /* reads no windowed events */
	return KV_OK;
}

static bool listed_at(const struct kv_patient *p, kv_date r)
{
	for (size_t i = 0; i < p->n_periods; i++)
		if (p->periods[i].from <= r && r < p->periods[i].to)
			return p->death > r;
	return false;
}

static int ex_compute(const struct kv_call *call, const struct kv_patient *p,
		      struct kv_result_block *out)
{
	const struct ex_settings *set = call->settings;
	const kv_date *ref = call->state;
	for (size_t m = 0; m < out->n_months; m++) {
		if (!listed_at(p, ref[m]))
			continue;
		out->flags[m] = KV_IN_DENOMINATOR;
		if (kv_age_at(p->birth, ref[m]) >= set->min_age)
			out->flags[m] |= KV_IN_NUMERATOR;
	}
	return KV_OK;
}

static void ex_fini(const struct kv_call *call)
{
	(void)call; /* nothing allocated */
}

KV_INDICATOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_INDICATOR, struct kv_indicator_plugin, "t_example_indicator",
			 "1.0.0", "listed patients aged min_age or more"),
	KV_SETTINGS(struct ex_settings, ex_settings_table),
	KV_INDICATORS(ex_defs),
	.init = ex_init,
	.compute = ex_compute,
	.fini = ex_fini,
};
