/*
 * elderly.c - the "elderly" indicator plugin: ELD70_NO_CONTACT of the
 * indicator catalogue (indicators.md, section Elderly)
 *
 * D: the listed population L(R) aged `min_age` (70) or more in completed
 * years at R (precise rule 7: someone born on 29 February has a birthday on
 * 1 March in common years). N: of those, no face-to-face contact
 * (consultation, home visit, video; with anyone at the office) in W12, the
 * `window_months` calendar months ending with the reference month.
 *
 * compute() collects the patient's face-to-face days once, sorted, and
 * answers every month by binary search.
 */
#include <math.h>
#include <stdlib.h>

#include "kv_ind.h"

enum eld_indicator { ELD70_NO_CONTACT = 0, ELD_N_INDICATORS };

static const struct kv_indicator_def eld_defs[ELD_N_INDICATORS] = {
	[ELD70_NO_CONTACT] = {
		.id = "ELD70_NO_CONTACT", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = KV_PROVIDES_LIST_PERIODS | KV_PROVIDES_CONTACTS,
		.title = "patients 70 or older without a face-to-face contact in 12 months",
		.title_nb = "pasienter 70 år eller eldre uten konsultasjon, sykebesøk eller "
			    "videokonsultasjon siste 12 måneder",
		.numerator = "no face-to-face contact (consultation, home visit, video) in W12",
		.denominator = "listed patients aged 70 or more at R",
		.direction = KV_LOWER_IS_BETTER,
		/* RISK_HIGH_RISK_DRUGS's denominator: its min_age is at most 70,
		 * this one's at least 70 (the keys' ranges) */
		.denominator_within = "aged_65plus, listed",
		.decisive = "last face-to-face contact", .decisive_unit = NULL,
	},
};

/* The settings, filled by the core from the table below. */
struct eld_settings {
	int64_t min_age;
	int64_t window_months;
};

static const struct kv_setting eld_keys[] = {
	KV_SETTING(struct eld_settings, min_age, KV_CONFIG_INT, "70", false, "70..150",
	 "age in completed years at R from which a listed patient is in ELD70_NO_CONTACT's "
	 "denominator; at least 70, so that it lies within RISK_HIGH_RISK_DRUGS's (aged_65plus, "
	 "min_age at most 70)"),
	KV_SETTING(struct eld_settings, window_months, KV_CONFIG_INT, "12", false, "1..120",
	 "calendar months, ending with the reference month, without a face-to-face contact "
	 "(W12)"),
};

struct eld_state {
	const struct eld_settings *set; /* call->settings, borrowed */
	int min_age;
	struct kv_ind_months months;  /* R and the first day of W12 */

	/* Scratch of the current patient, reused: grows to the largest. */
	struct kv_ind_days days;      /* face-to-face days */
};

static void eld_free(void *state)
{
	struct eld_state *s = state;
	if (s == NULL)
		return;
	kv_ind_months_free(&s->months);
	kv_ind_days_free(&s->days);
	free(s);
}

static int eld_init(const struct kv_call *call, const struct kv_run *run,
		    struct kv_init_result *res)
{
	const struct kv_host *host = call->host;
	struct kv_ctx *ctx = call->ctx;
	struct eld_state *s = kv_ind_new_state(host, ctx, sizeof *s);
	if (s == NULL)
		return KV_ERROR;
	s->set = call->settings;
	s->min_age = (int)s->set->min_age;
	int window;
	if (kv_ind_config_months(host, ctx, "window_months", s->set->window_months,
				 &window) != KV_OK ||
	    kv_ind_months_init(&s->months, host, ctx, run, window) != KV_OK) {
		eld_free(s);
		return KV_ERROR;
	}
	/* lookback_months: contacts in W12 (window_months) */
	res->lookback_months = kv_ind_window_lookback(s->set->window_months, 1);
	res->state = s;
	return KV_OK;
}

static int eld_compute(const struct kv_call *call, const struct kv_patient *p,
		       struct kv_result_block *out)
{
	struct eld_state *s = call->state;
	const struct kv_ind_months *mo = &s->months;
	if (mo->n == 0 || kv_age_at(p->birth, mo->ref[mo->n - 1]) < s->min_age)
		return KV_OK; /* too young in every month of the run */
	if (kv_ind_face_to_face_days(p, &s->days) != 0)
		return kv_ind_out_of_memory(call);
	for (size_t m = 0; m < mo->n; m++) {
		if (kv_age_at(p->birth, mo->ref[m]) < s->min_age || !kv_ind_listed_at(p, mo->ref[m]))
			continue;
		kv_ind_mark(out, ELD70_NO_CONTACT, m, KV_IN_DENOMINATOR);
		if (!kv_ind_days_any_in(&s->days, mo->from[m], mo->ref[m]))
			kv_ind_mark(out, ELD70_NO_CONTACT, m, KV_IN_NUMERATOR);
		/* the last face-to-face day on or before R, in W12 or not */
		if (KV_RESULT_HAS_DECISIVE(out))
			kv_ind_decisive(out, ELD70_NO_CONTACT, m,
					kv_ind_days_last_upto(&s->days, mo->ref[m]), NAN);
	}
	return KV_OK;
}

static void eld_fini(const struct kv_call *call)
{
	eld_free(call->state);
}

KV_INDICATOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_INDICATOR, struct kv_indicator_plugin, "elderly", "1.0.0",
			 "elderly patients without a face-to-face contact"),
	KV_SETTINGS(struct eld_settings, eld_keys),
	KV_INDICATORS(eld_defs),
	.init = eld_init,
	.compute = eld_compute,
	.fini = eld_fini,
};
