/* t_indicator_base.h - the complete, well-formed indicator plugin the loader
 * fixtures share (tests/plugins/t_good_indicator.c is it with no defect), so
 * that each fixture says only its defect. A fixture defines what it changes,
 * then includes this header, which defines the settings, the definitions,
 * the callbacks and the descriptor:
 *
 *   T_NAME               the name the descriptor gives (required)
 *   T_THRESHOLD_DEFAULT  the default of the key "threshold" ("3")
 *   T_ID_PREFIX          put before the IDs ALL and MEAN ("T_")
 *   T_MORE_DEFS          definitions after T_ALL and T_MEAN (none)
 *   T_ALL_FLAGS(listed)  T_ALL's flags for a month: in the denominator, in
 *                        the numerator too when listed at R
 *   T_COMPUTE            the descriptor's compute (t_compute); NULL for none
 *
 * It defines objects, not just declarations: include it once, from a
 * fixture's .c only. */
#ifndef KV_TESTS_PLUGINS_T_INDICATOR_BASE_H
#define KV_TESTS_PLUGINS_T_INDICATOR_BASE_H

#include "kvalind/kv_plugin.h"

#include <stdbool.h>
#include <stdlib.h>

#ifndef T_NAME
#error "define T_NAME (the plugin's name) before including t_indicator_base.h"
#endif
#ifndef T_THRESHOLD_DEFAULT
#define T_THRESHOLD_DEFAULT "3"
#endif
#ifndef T_ID_PREFIX
#define T_ID_PREFIX "T_"
#endif
#ifndef T_MORE_DEFS
#define T_MORE_DEFS
#endif
#ifndef T_ALL_FLAGS
#define T_ALL_FLAGS(listed) (KV_IN_DENOMINATOR | ((listed) ? KV_IN_NUMERATOR : 0))
#endif
/* A fixture that leaves compute() out keeps t_compute, unused. */
#ifdef T_COMPUTE
#define T_COMPUTE_UNUSED __attribute__((unused))
#else
#define T_COMPUTE t_compute
#define T_COMPUTE_UNUSED
#endif

/* The settings, filled by the core from the table below. */
struct t_settings {
	int64_t threshold;
	const char *label;
};

static const struct kv_setting keys[] = {
	KV_SETTING(struct t_settings, threshold, KV_CONFIG_INT, T_THRESHOLD_DEFAULT, false, "1..10",
		   "a threshold"),
	KV_SETTING(struct t_settings, label, KV_CONFIG_STRING, NULL, false, NULL, "a label"),
};

static const struct kv_indicator_def defs[] = {
	{T_ID_PREFIX "ALL", 1, KV_INDICATOR_PROPORTION, 0, "every patient", "every patient (nb)", "patients counted", "patients considered", KV_HIGHER_IS_BETTER},
	{T_ID_PREFIX "MEAN", 1, KV_INDICATOR_MEAN, 0, "a mean", "a mean (nb)", "patients counted", "patients considered", KV_HIGHER_IS_BETTER},
	T_MORE_DEFS
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
T_COMPUTE_UNUSED static int t_compute(const struct kv_call *call, const struct kv_patient *p,
				      struct kv_result_block *out)
{
	const struct state *s = call->state;
	for (size_t m = 0; m < out->n_months; m++) {
		bool listed = listed_at(p, s->refs[m]);
		out->flags[m] = T_ALL_FLAGS(listed);
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
	KV_PLUGIN_HEADER(KV_PLUGIN_INDICATOR, struct kv_indicator_plugin, T_NAME,
			 "1.2.3", "a test indicator plugin"),
	KV_SETTINGS(struct t_settings, keys),
	KV_INDICATORS(defs),
	.init = t_init,
	.compute = T_COMPUTE,
	.fini = t_fini,
};

#endif
