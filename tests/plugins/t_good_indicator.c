/* A well-formed indicator plugin for the loader tests: two indicators, keys. */
#include "kvalind/kv_plugin.h"

#include <stdbool.h>
#include <stdlib.h>

/* The settings, filled by the core from the table below. */
struct t_settings {
	int64_t threshold;
	const char *label;
};

static const struct kv_setting keys[] = {
	KV_SETTING(struct t_settings, threshold, KV_CONFIG_INT, "3", false, "1..10", "a threshold"),
	KV_SETTING(struct t_settings, label, KV_CONFIG_STRING, NULL, false, NULL, "a label"),
};

static const struct kv_indicator_def defs[] = {
	{"T_ALL", 1, KV_INDICATOR_PROPORTION, 0, "every patient", "every patient (nb)", "patients counted", "patients considered", KV_HIGHER_IS_BETTER},
	{"T_MEAN", 1, KV_INDICATOR_MEAN, 0, "a mean", "a mean (nb)", "patients counted", "patients considered", KV_HIGHER_IS_BETTER},
	/* needs lab results, which the test connector does not provide */
	{"T_LABS", 1, KV_INDICATOR_PROPORTION, KV_PROVIDES_LABS, "needs labs", "trenger lab", "patients with labs", "patients", KV_NEITHER_IS_BETTER},
};

struct state {
	const struct kv_host *host;
	struct kv_ctx *ctx;
	const kv_date *refs;
};

static int t_init(const struct kv_call *call, const struct kv_run *run,
		  struct kv_init_result *res)
{
	const struct kv_host *host = call->host;
	struct kv_ctx *ctx = call->ctx;
	struct state *s = calloc(1, sizeof *s);
	if (s == NULL)
		return KV_ERROR;
	s->host = host;
	s->ctx = ctx;
	s->refs = run->reference_dates;
	host->log(ctx, KV_LOG_INFO, "threshold %lld", (long long)((const struct t_settings *)call->settings)->threshold);
	res->state = s;
	return KV_OK;
}

static bool listed_at(const struct kv_patient *p, kv_date r)
{
	for (size_t i = 0; i < p->n_periods; i++)
		if (p->periods[i].from <= r && p->periods[i].to > r)
			return true;
	return false;
}

/* T_ALL: every patient, numerator if listed at R. T_MEAN: listed patients,
 * value their age at R. */
static int t_compute(const struct kv_call *call, const struct kv_patient *p,
		     struct kv_result_block *out)
{
	const struct state *s = call->state;
	for (size_t m = 0; m < out->n_months; m++) {
		bool listed = listed_at(p, s->refs[m]);
		out->flags[m] = KV_IN_DENOMINATOR | (listed ? KV_IN_NUMERATOR : 0);
		if (listed) {
			out->flags[out->n_months + m] = KV_IN_DENOMINATOR | KV_IN_NUMERATOR;
			out->values[out->n_months + m] = kv_age_at(p->birth, s->refs[m]);
		}
	}
	return KV_OK;
}

static void t_fini(const struct kv_call *call)
{
	free(call->state);
}

KV_INDICATOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_INDICATOR, struct kv_indicator_plugin, "t_good_indicator",
			 "1.2.3", "a test indicator plugin"),
	KV_SETTINGS(struct t_settings, keys),
	KV_INDICATORS(defs),
	.init = t_init,
	.compute = t_compute,
	.fini = t_fini,
};
