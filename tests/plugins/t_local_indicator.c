/* Test plugin t_local_indicator: for tests/unit/test_engine_local.c. One
 * indicator T_LISTED: the denominator is every patient on a list at R, the
 * numerator the women among them; the decisive date is the start of the
 * period covering R and the value its index, whenever the core asks. */
#include "kvalind/kv_plugin.h"

#include <math.h>

static const struct kv_indicator_def defs[] = {
	{"T_LISTED", 1, KV_INDICATOR_PROPORTION, KV_PROVIDES_LIST_PERIODS, "listed", "listet",
	 "women", "listed patients", KV_HIGHER_IS_BETTER, .decisive = "listed since",
	 .decisive_unit = "period"},
};

static int t_init(const struct kv_call *c, const struct kv_run *run, struct kv_init_result *res)
{
	(void)c;
	res->state = (void *)run;
	res->lookback_months = 1;
	return KV_OK;
}

static int t_compute(const struct kv_call *c, const struct kv_patient *p,
		     struct kv_result_block *out)
{
	const struct kv_run *run = c->state;
	for (size_t m = 0; m < out->n_months; m++) {
		kv_date r = run->reference_dates[m];
		for (size_t i = 0; i < p->n_periods; i++) {
			if (!(p->periods[i].from <= r && r < p->periods[i].to))
				continue;
			out->flags[m] = KV_IN_DENOMINATOR |
					(p->sex == KV_SEX_FEMALE ? KV_IN_NUMERATOR : 0);
			if (KV_RESULT_HAS_DECISIVE(out)) {
				out->decisive_dates[m] = p->periods[i].from;
				out->decisive_values[m] = (double)i;
			}
		}
	}
	return KV_OK;
}

static void t_fini(const struct kv_call *c)
{
	(void)c;
}

KV_INDICATOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_INDICATOR, struct kv_indicator_plugin, "t_local_indicator",
			 "1.0.0", "who is listed, for the local engine's tests"),
	KV_INDICATORS(defs),
	.init = t_init, .compute = t_compute, .fini = t_fini,
};
