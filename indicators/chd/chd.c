/*
 * chd.c - the "chd" indicator plugin: CHD_BETA_BLOCKER of the indicator
 * catalogue (indicators.md, section Coronary heart disease)
 *
 * D: the listed population L(R) with an IHD diagnosis ever (recorded on or
 * before R). N: of those, treated with BETA_BLOCKER: a regular drug of the
 * set in use at R (a medication-list row with use_type regular, start <= R
 * < stop) or a prescription of the set (matched on its own ATC code)
 * issued in W12, the `window_months` calendar months ending with the
 * reference month.
 *
 * compute() finds the first IHD diagnosis, the regular beta-blocker periods
 * and the sorted prescription days once, then answers every month by
 * binary search.
 */
#include <math.h>
#include <stdlib.h>

#include "kv_ind.h"

enum chd_indicator { CHD_BETA_BLOCKER = 0, CHD_N_INDICATORS };

static const struct kv_indicator_def chd_defs[CHD_N_INDICATORS] = {
	[CHD_BETA_BLOCKER] = {
		.id = "CHD_BETA_BLOCKER", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = KV_PROVIDES_LIST_PERIODS | KV_PROVIDES_DIAGNOSES |
			    KV_PROVIDES_MEDICATIONS | KV_PROVIDES_PRESCRIPTIONS,
		.title = "patients with coronary heart disease treated with a beta blocker",
		.title_nb = "pasienter med koronarsykdom som bruker betablokker",
		.numerator = "a regular beta blocker in use at R or a beta-blocker prescription "
			     "in W12",
		.denominator = "listed patients with an IHD diagnosis recorded on or before R",
		.direction = KV_HIGHER_IS_BETTER,
		/* IHD is the CHRONIC category IHD (CHRONIC_IHD, the same codes) */
		.denominator_within = "chronic_1plus, listed",
		.decisive = "last beta blocker", .decisive_unit = NULL,
	},
};

/* The settings, filled by the core from the table below. */
struct chd_settings {
	int64_t window_months;
};

static const struct kv_setting chd_keys[] = {
	KV_SETTING(struct chd_settings, window_months, KV_CONFIG_INT, "12", false, "1..120",
	 "calendar months, ending with the reference month, in which a beta-blocker "
	 "prescription counts as treatment (W12)"),
};

struct chd_state {
	const struct chd_settings *set; /* call->settings, borrowed */
	const struct kv_value_set *ihd;
	const struct kv_value_set *beta_blocker;
	struct kv_ind_months months;  /* R and the first day of W12 */

	/* Scratch of the current patient, reused: grows to the largest. */
	struct kv_ind_treatment bb;   /* regular beta blockers, prescription days */
};

static void chd_free(void *state)
{
	struct chd_state *s = state;
	if (s == NULL)
		return;
	kv_ind_months_free(&s->months);
	kv_ind_treatment_free(&s->bb);
	free(s);
}

static int chd_init(const struct kv_call *call, const struct kv_run *run,
		    struct kv_init_result *res)
{
	const struct kv_host *host = call->host;
	struct kv_ctx *ctx = call->ctx;
	struct chd_state *s = kv_ind_new_state(host, ctx, sizeof *s);
	if (s == NULL)
		return KV_ERROR;
	s->set = call->settings;
	int window;
	if (kv_ind_config_months(host, ctx, "window_months", s->set->window_months,
				 &window) != KV_OK ||
	    (s->ihd = kv_ind_need_set(host, ctx, "IHD")) == NULL ||
	    (s->beta_blocker = kv_ind_need_set(host, ctx, "BETA_BLOCKER")) == NULL ||
	    kv_ind_months_init(&s->months, host, ctx, run, window) != KV_OK) {
		chd_free(s);
		return KV_ERROR;
	}
	/* lookback_months: prescriptions in W12 (window_months) */
	res->lookback_months = kv_ind_window_lookback(s->set->window_months, 1);
	res->state = s;
	return KV_OK;
}

static int chd_compute(const struct kv_call *call, const struct kv_patient *p,
		       struct kv_result_block *out)
{
	struct chd_state *s = call->state;
	const struct kv_ind_months *mo = &s->months;
	kv_date since = kv_ind_first_diagnosis(call->host, s->ihd, p);
	if (since == KV_DATE_OPEN)
		return KV_OK;
	bool collected = false;
	for (size_t m = 0; m < mo->n; m++) {
		if (since > mo->ref[m] || !kv_ind_listed_at(p, mo->ref[m]))
			continue;
		if (!collected) {
			/* Regular beta blockers on the medication list (the value
			 * set asked on the row's start date) and beta-blocker
			 * prescriptions. */
			if (kv_ind_treatment_collect(&s->bb, call->host, s->beta_blocker, p) != 0)
				return kv_ind_out_of_memory(call);
			collected = true;
		}
		kv_ind_mark(out, CHD_BETA_BLOCKER, m, KV_IN_DENOMINATOR);
		if (kv_ind_treated(&s->bb, mo->from[m], mo->ref[m]))
			kv_ind_mark(out, CHD_BETA_BLOCKER, m, KV_IN_NUMERATOR);
		/* the last day treated on or before R, in W12 or not */
		if (KV_RESULT_HAS_DECISIVE(out))
			kv_ind_decisive(out, CHD_BETA_BLOCKER, m,
					kv_ind_treatment_last(&s->bb, mo->ref[m]), NAN);
	}
	return KV_OK;
}

static void chd_fini(const struct kv_call *call)
{
	chd_free(call->state);
}

KV_INDICATOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_INDICATOR, struct kv_indicator_plugin, "chd", "1.0.0",
			 "coronary heart disease: beta-blocker treatment"),
	KV_SETTINGS(struct chd_settings, chd_keys),
	KV_INDICATORS(chd_defs),
	.init = chd_init,
	.compute = chd_compute,
	.fini = chd_fini,
};
