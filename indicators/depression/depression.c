/*
 * depression.c - the "depression" indicator plugin: the DEP_* indicators of
 * the indicator catalogue (indicators.md, section Depression)
 *
 *  DEP_PREVALENCE      D: L(R). N: a DEPRESSION diagnosis recorded in W12.
 *  DEP_NEW_SOMATIC     D: L(R) with a new DEPRESSION diagnosis at d, the last
 *                      such d in W12 with d <= R - 28 days. N: a
 *                      SOMATIC_WORKUP lab result in [d - 28, d + 28].
 *  DEP_ANTIDEPRESSANT  D: L(R) with DEPRESSION in W12. N: treated with
 *                      ANTIDEPRESSANT (a regular one in use at R, or a
 *                      prescription issued in W12).
 *
 * "New" at d: no DEPRESSION diagnosis in [d - 24 months, d), month
 * arithmetic clamped (precise rules 4 and 5); the first in the data is new.
 *
 * "Within 28 days before or after d" is the closed interval [d - 28, d + 28]:
 * a lab on d itself is 0 days from d, so within 28 days of it. Precise rule
 * 6 makes "after d" exclude d where d's own event is not a follow-up of
 * itself (a contact, a fee "after" a diagnosis); a work-up taken the day the
 * diagnosis is made is the work-up the indicator asks about, and the two
 * halves "before" [d - 28, d) and "after" (d, d + 28] taken strictly would
 * leave out exactly that most common day. The denominator waits until
 * d + 28 <= R, so the window has closed by R (rule 6).
 *
 * Windows come from [indicator.depression], codes from value sets.
 * compute() reads a patient's events once into sorted day lists
 * (indicators/common/kv_ind.h) and answers every month by binary search.
 */
#include "kvalind/kv_plugin.h"

#include <math.h>
#include <stdlib.h>

#include "kv_ind.h"

/* ---- the catalogue ---------------------------------------------------- */

/* Descriptor order; the index of an indicator in kv_result_block. */
enum dep_indicator {
	DEP_PREVALENCE = 0,
	DEP_NEW_SOMATIC,
	DEP_ANTIDEPRESSANT,
	DEP_N_INDICATORS
};

#define NEEDS_POPULATION (KV_PROVIDES_LIST_PERIODS | KV_PROVIDES_DIAGNOSES)
#define NEEDS_TREATMENT (KV_PROVIDES_MEDICATIONS | KV_PROVIDES_PRESCRIPTIONS)

static const struct kv_indicator_def dep_defs[DEP_N_INDICATORS] = {
	[DEP_PREVALENCE] = {
		.id = "DEP_PREVALENCE", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION,
		.title = "listed patients with depression in 12 months",
		.title_nb = "listepasienter med depresjon siste 12 måneder",
		.numerator = "listed patients with a DEPRESSION diagnosis (P76, F32, F33) recorded in W12",
		.denominator = "listed patients at R",
		.direction = KV_NEITHER_IS_BETTER,
		.denominator_population = "listed", .numerator_population = "depression_w12",
		/* DEPRESSION is the CHRONIC category depression; W12 ends at R */
		.numerator_within = "chronic_1plus",
		.decisive = "last depression diagnosis", .decisive_unit = NULL,
	},
	[DEP_NEW_SOMATIC] = {
		.id = "DEP_NEW_SOMATIC", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_LABS,
		.title = "new depression with somatic work-up",
		.title_nb = "ny depresjon med somatisk utredning",
		.numerator = "a SOMATIC_WORKUP lab result (TSH, Hb, HbA1c, creatinine) within 28 days before or after d",
		.denominator = "listed patients whose last new DEPRESSION diagnosis d in W12 has d <= R - 28 days",
		.direction = KV_HIGHER_IS_BETTER,
		.denominator_within = "depression_w12",
		.decisive = "new depression diagnosis", .decisive_unit = NULL,
	},
	[DEP_ANTIDEPRESSANT] = {
		.id = "DEP_ANTIDEPRESSANT", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | NEEDS_TREATMENT,
		.title = "patients with depression treated with an antidepressant",
		.title_nb = "pasienter med depresjon som bruker antidepressiva",
		.numerator = "a regular antidepressant (N06A) in use at R or an antidepressant prescription in W12",
		.denominator = "listed patients with a DEPRESSION diagnosis recorded in W12",
		.direction = KV_NEITHER_IS_BETTER,
		.denominator_population = "depression_w12",
		/* AD_WITH_DIAGNOSIS (plugin anxiety): treated with ANTIDEPRESSANT as
		 * here; DEPRESSION in W12 is in its W24 (ad_diagnosis_months >= 12) */
		.numerator_within = "antidepressant_users_dx_w24, antidepressant_users",
		.decisive = "last antidepressant", .decisive_unit = NULL,
	},
};

/* ---- configuration ------------------------------------------------------ */

/* The settings, filled by the core from the table below. */
struct dep_settings {
	int64_t new_diagnosis_months;
	int64_t somatic_workup_days;
};

static const struct kv_setting dep_keys[] = {
	KV_SETTING(struct dep_settings, new_diagnosis_months, KV_CONFIG_INT, "24", false, "1..120",
	 "a DEPRESSION diagnosis is new when no DEPRESSION diagnosis was recorded in this many "
	 "months before it"),
	KV_SETTING(struct dep_settings, somatic_workup_days, KV_CONFIG_INT, "28", false, "1..365",
	 "days before and after a new depression diagnosis in which a SOMATIC_WORKUP lab result "
	 "counts in DEP_NEW_SOMATIC (the diagnosis must be at least this many days before R)"),
};

/* ---- state --------------------------------------------------------------- */

struct dep_state {
	const struct dep_settings *set; /* call->settings, borrowed */
	int new_months;     /* look-back of a new diagnosis */
	int workup_days;    /* SOMATIC_WORKUP window around d */
	const struct kv_value_set *depression, *somatic, *antidepressant;

	struct kv_ind_months months; /* R, first day of W12; flag: in L(R) */

	/* Scratch day lists of the current patient. */
	struct kv_ind_days dx;        /* DEPRESSION diagnoses */
	struct kv_ind_days new_dx;    /* new DEPRESSION diagnoses */
	struct kv_ind_days labs;      /* SOMATIC_WORKUP results */
	struct kv_ind_treatment ad;   /* regular ANTIDEPRESSANT, its prescriptions */
};

static void dep_free(void *state)
{
	struct dep_state *s = state;
	if (s == NULL)
		return;
	kv_ind_days_free(&s->dx);
	kv_ind_days_free(&s->new_dx);
	kv_ind_days_free(&s->labs);
	kv_ind_treatment_free(&s->ad);
	kv_ind_months_free(&s->months);
	free(s);
}

/* ---- init ---------------------------------------------------------------- */

static int dep_init(const struct kv_call *call, const struct kv_run *run,
		    struct kv_init_result *res)
{
	const struct kv_host *host = call->host;
	struct kv_ctx *ctx = call->ctx;
	struct dep_state *s = kv_ind_new_state(host, ctx, sizeof *s);
	if (s == NULL)
		return KV_ERROR;
	s->set = call->settings;
	s->new_months = (int)s->set->new_diagnosis_months;
	s->workup_days = (int)s->set->somatic_workup_days;
	if ((s->depression = kv_ind_need_set(host, ctx, "DEPRESSION")) == NULL ||
	    (s->somatic = kv_ind_need_set(host, ctx, "SOMATIC_WORKUP")) == NULL ||
	    (s->antidepressant = kv_ind_need_set(host, ctx, "ANTIDEPRESSANT")) == NULL ||
	    kv_ind_months_init(&s->months, host, ctx, run, 12) != KV_OK) {
		dep_free(s);
		return KV_ERROR;
	}
	/* lookback_months: W12, and work-up labs up to somatic_workup_days before a diagnosis in it */
	res->lookback_months = 12 + kv_ind_months_for_days(s->set->somatic_workup_days);
	res->state = s;
	return KV_OK;
}

/* ---- one patient --------------------------------------------------------- */

static int collect(const struct kv_call *call, struct dep_state *s, const struct kv_patient *p)
{
	const struct kv_host *h = call->host;
	if (kv_ind_days_reset(&s->dx, p->n_diagnoses) != 0 ||
	    kv_ind_days_reset(&s->new_dx, p->n_diagnoses) != 0 ||
	    kv_ind_days_reset(&s->labs, p->n_labs) != 0 ||
	    /* treated with ANTIDEPRESSANT: rule 11, the set asked on the row's date */
	    kv_ind_treatment_collect(&s->ad, h, s->antidepressant, p) != 0)
		return kv_ind_out_of_memory(call);
	for (size_t i = 0; i < p->n_diagnoses; i++) {
		const struct kv_diagnosis *d = &p->diagnoses[i];
		if (h->in_value_set(s->depression, (enum kv_code_kind)d->system, d->code, d->date))
			kv_ind_days_add(&s->dx, d->date);
	}
	kv_ind_days_finish(&s->dx);
	kv_ind_episode_starts(&s->dx, s->new_months, &s->new_dx);

	for (size_t i = 0; i < p->n_labs; i++)
		if (h->in_value_set(s->somatic, KV_CODES_ANALYSIS, p->labs[i].code, p->labs[i].date))
			kv_ind_days_add(&s->labs, p->labs[i].date);
	kv_ind_days_finish(&s->labs);
	return KV_OK;
}

/* Every DEP_* for a patient in L(R) of month m. */
static void mark_month(const struct dep_state *s, size_t m, struct kv_result_block *out)
{
	const kv_date r = s->months.ref[m], from = s->months.from[m];
	/* Decisive dates: the last event on or before R, in W12 or not; for
	 * DEP_NEW_SOMATIC the new diagnosis d the work-up belongs to. */
	const bool decisive = KV_RESULT_HAS_DECISIVE(out);

	kv_ind_mark(out, DEP_PREVALENCE, m, KV_IN_DENOMINATOR);
	if (decisive)
		kv_ind_decisive(out, DEP_PREVALENCE, m, kv_ind_days_last_upto(&s->dx, r), NAN);
	if (kv_ind_days_any_in(&s->dx, from, r)) {
		kv_ind_mark(out, DEP_PREVALENCE, m, KV_IN_NUMERATOR);
		kv_ind_mark(out, DEP_ANTIDEPRESSANT, m, KV_IN_DENOMINATOR);
		if (kv_ind_treated(&s->ad, from, r))
			kv_ind_mark(out, DEP_ANTIDEPRESSANT, m, KV_IN_NUMERATOR);
		if (decisive)
			kv_ind_decisive(out, DEP_ANTIDEPRESSANT, m, kv_ind_treatment_last(&s->ad, r),
					NAN);
	}

	kv_date d;
	if (kv_ind_days_last_in(&s->new_dx, from, r - s->workup_days, &d)) {
		kv_ind_mark(out, DEP_NEW_SOMATIC, m, KV_IN_DENOMINATOR);
		if (kv_ind_days_any_in(&s->labs, d - s->workup_days, d + s->workup_days))
			kv_ind_mark(out, DEP_NEW_SOMATIC, m, KV_IN_NUMERATOR);
		if (decisive)
			kv_ind_decisive(out, DEP_NEW_SOMATIC, m, d, NAN);
	}
}

static int dep_compute(const struct kv_call *call, const struct kv_patient *p,
		       struct kv_result_block *out)
{
	struct dep_state *s = call->state;
	if (!kv_ind_mark_listed(p, &s->months))
		return KV_OK;
	if (collect(call, s, p) != KV_OK)
		return KV_ERROR;
	for (size_t m = 0; m < s->months.n; m++)
		if (s->months.flag[m])
			mark_month(s, m, out);
	return KV_OK;
}

static void dep_fini(const struct kv_call *call)
{
	dep_free(call->state);
}

KV_INDICATOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_INDICATOR, struct kv_indicator_plugin, "depression", "1.0.0",
			 "depression: prevalence, somatic work-up of new cases, antidepressant "
			 "treatment"),
	KV_SETTINGS(struct dep_settings, dep_keys),
	KV_INDICATORS(dep_defs),
	.init = dep_init,
	.compute = dep_compute,
	.fini = dep_fini,
};
