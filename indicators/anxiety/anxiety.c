/*
 * anxiety.c - the "anxiety" indicator plugin: the ANX_* indicators and
 * AD_WITH_DIAGNOSIS of the indicator catalogue (indicators.md, section
 * Anxiety)
 *
 *  ANX_PREVALENCE        D: L(R). N: an ANXIETY diagnosis recorded in W12.
 *  ANX_NEW_SOMATIC       D: L(R) with a new ANXIETY diagnosis at d, the last
 *                        such d in W12 with d <= R - 28 days. N: a
 *                        SOMATIC_WORKUP lab result in [d - 28, d + 28].
 *  ANX_ANTIDEPRESSANT    D: L(R) with ANXIETY in W12. N: treated with
 *                        ANTIDEPRESSANT.
 *  ANX_FOLLOWUP_NEW      D: as ANX_NEW_SOMATIC with d <= R - 42 days.
 *                        N: any contact (every kind but admin) in (d, d + 42].
 *  ANX_CONTROL_AD_START  D: L(R) with ANXIETY in W24 and an ANTIDEPRESSANT
 *                        start s in months m-23..m-12. N: a face-to-face
 *                        contact in [s + 6 months, s + 12 months].
 *  ANX_CBT_NEW           D: as ANX_NEW_SOMATIC with d <= R - 90 days.
 *                        N: a CBT_FEE fee (valid on its date) in (d, d + 90].
 *  ANX_BENZODIAZEPINE    D: L(R) with ANXIETY in W12. N: a BENZODIAZEPINE
 *                        prescription issued in W12.
 *  AD_WITH_DIAGNOSIS     D: L(R) treated with ANTIDEPRESSANT. N: DEPRESSION or
 *                        ANXIETY recorded in W24.
 *
 * Terms (indicators.md, common terms and precise rules):
 *  - W12 / W24: the 12 / 24 calendar months ending with m, R included.
 *  - "Treated with X": a regular drug of X in use at R (start <= R < stop) or
 *    a prescription of X issued in W12.
 *  - New diagnosis at d: none of the set in [d - 24 months, d) (rule 5; month
 *    arithmetic clamped, rule 4; the first in the data is new). An
 *    antidepressant start s likewise: a prescription (never a medication-list
 *    row, rule 11) with none in [s - 12 months, s).
 *  - "Within K days after d" is (d, d + K] (rule 6); "from s + 6 months to
 *    s + 12 months" is inclusive at both ends. "Within 28 days before or
 *    after d" is [d - 28, d + 28]: a lab on d is 0 days from d (see
 *    depression.c for the reasoning).
 *  - Every anchored window closes by R (rule 6): d <= R - K for the day
 *    windows, and a start in month m-12 or earlier puts s + 12 months in
 *    month m or earlier, so on or before R. init refuses a configuration
 *    whose windows would reach past R, and one that would break a declared
 *    containment (somatic_workup_days <= followup_days <= cbt_days).
 *  - With the default windows at most one start falls in months m-23..m-12
 *    (two starts are more than 12 months apart); should a configuration allow
 *    more, the latest counts, as "the last such d" does for diagnoses.
 *
 * Windows come from [indicator.anxiety], codes from value sets. compute()
 * reads a patient's events once into sorted day lists
 * (indicators/common/kv_ind.h) and answers every month by binary search.
 */
#include "kvalind/kv_plugin.h"

#include <math.h>
#include <stdlib.h>

#include "kv_ind.h"

/* ---- the catalogue ---------------------------------------------------- */

/* Descriptor order; the index of an indicator in kv_result_block. */
enum anx_indicator {
	ANX_PREVALENCE = 0,
	ANX_NEW_SOMATIC,
	ANX_ANTIDEPRESSANT,
	ANX_FOLLOWUP_NEW,
	ANX_CONTROL_AD_START,
	ANX_CBT_NEW,
	ANX_BENZODIAZEPINE,
	AD_WITH_DIAGNOSIS,
	ANX_N_INDICATORS
};

#define NEEDS_POPULATION (KV_PROVIDES_LIST_PERIODS | KV_PROVIDES_DIAGNOSES)
#define NEEDS_TREATMENT (KV_PROVIDES_MEDICATIONS | KV_PROVIDES_PRESCRIPTIONS)

static const struct kv_indicator_def anx_defs[ANX_N_INDICATORS] = {
	[ANX_PREVALENCE] = {
		.id = "ANX_PREVALENCE", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION,
		.title = "listed patients with anxiety in 12 months",
		.title_nb = "listepasienter med angst siste 12 måneder",
		.numerator = "listed patients with an ANXIETY diagnosis (P74, F41) recorded in W12",
		.denominator = "listed patients at R",
		.direction = KV_NEITHER_IS_BETTER,
		.denominator_population = "listed", .numerator_population = "anxiety_w12",
		/* ANXIETY is the CHRONIC category anxiety; W12 ends at R */
		.numerator_within = "chronic_1plus",
		.decisive = "last anxiety diagnosis", .decisive_unit = NULL,
	},
	[ANX_NEW_SOMATIC] = {
		.id = "ANX_NEW_SOMATIC", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_LABS,
		.title = "new anxiety with somatic work-up",
		.title_nb = "ny angstlidelse med somatisk utredning",
		.numerator = "a SOMATIC_WORKUP lab result (TSH, Hb, HbA1c, creatinine) within 28 days before or after d",
		.denominator = "listed patients whose last new ANXIETY diagnosis d in W12 has d <= R - 28 days",
		.direction = KV_HIGHER_IS_BETTER,
		.denominator_population = "anxiety_new_28d",
		.denominator_within = "anxiety_w12",
		.decisive = "new anxiety diagnosis", .decisive_unit = NULL,
	},
	[ANX_ANTIDEPRESSANT] = {
		.id = "ANX_ANTIDEPRESSANT", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | NEEDS_TREATMENT,
		.title = "patients with anxiety treated with an antidepressant",
		.title_nb = "pasienter med angst som bruker antidepressiva",
		.numerator = "a regular antidepressant (N06A) in use at R or an antidepressant prescription in W12",
		.denominator = "listed patients with an ANXIETY diagnosis recorded in W12",
		.direction = KV_NEITHER_IS_BETTER,
		.denominator_population = "anxiety_w12",
		/* treated as AD_WITH_DIAGNOSIS's denominator is; ANXIETY in W12 is
		 * in its W24 (ad_diagnosis_months >= 12) */
		.numerator_within = "antidepressant_users_dx_w24, antidepressant_users",
		.decisive = "last antidepressant", .decisive_unit = NULL,
	},
	[ANX_FOLLOWUP_NEW] = {
		.id = "ANX_FOLLOWUP_NEW", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_CONTACTS,
		.title = "new anxiety followed up within 6 weeks",
		.title_nb = "ny angstlidelse fulgt opp innen 6 uker",
		.numerator = "a contact of any kind but admin in the 42 days after d",
		.denominator = "listed patients whose last new ANXIETY diagnosis d in W12 has d <= R - 42 days",
		.direction = KV_HIGHER_IS_BETTER,
		/* a new diagnosis in [W12 start, R - 42] is one in [W12 start, R - 28]
		 * (init: followup_days >= somatic_workup_days); the contact in
		 * (d, d + 42] is in W12, within addictive_drugs' window */
		.denominator_population = "anxiety_new_42d",
		.denominator_within = "anxiety_new_28d, anxiety_w12",
		.numerator_within = "contact_w12",
		.decisive = "new anxiety diagnosis", .decisive_unit = NULL,
	},
	[ANX_CONTROL_AD_START] = {
		.id = "ANX_CONTROL_AD_START", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_PRESCRIPTIONS | KV_PROVIDES_CONTACTS,
		.title = "anxiety patients seen 6-12 months after starting an antidepressant",
		.title_nb = "angstpasienter til kontroll 6-12 måneder etter oppstart med antidepressiva",
		.numerator = "a face-to-face contact from s + 6 months to s + 12 months",
		.denominator = "listed patients with ANXIETY in W24 who started an antidepressant (first prescription in 12 months) at s in months m-23..m-12",
		.direction = KV_HIGHER_IS_BETTER,
		/* ANXIETY up to R: the CHRONIC category anxiety */
		.denominator_within = "chronic_1plus, listed",
		.decisive = "antidepressant start", .decisive_unit = NULL,
	},
	[ANX_CBT_NEW] = {
		.id = "ANX_CBT_NEW", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_FEES,
		.title = "new anxiety with cognitive therapy within 90 days",
		.title_nb = "ny angstlidelse med kognitiv terapi innen 90 dager",
		.numerator = "a CBT_FEE fee (2pa, 2pb) billed in the 90 days after d",
		.denominator = "listed patients whose last new ANXIETY diagnosis d in W12 has d <= R - 90 days",
		.direction = KV_HIGHER_IS_BETTER,
		/* init: cbt_days >= followup_days >= somatic_workup_days */
		.denominator_population = "anxiety_new_90d",
		.denominator_within = "anxiety_new_42d, anxiety_new_28d, anxiety_w12",
		.decisive = "new anxiety diagnosis", .decisive_unit = NULL,
	},
	[ANX_BENZODIAZEPINE] = {
		.id = "ANX_BENZODIAZEPINE", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_PRESCRIPTIONS,
		.title = "patients with anxiety prescribed a benzodiazepine",
		.title_nb = "pasienter med angst som har fått resept på benzodiazepin",
		.numerator = "a BENZODIAZEPINE prescription (N05BA, N05CD) issued in W12",
		.denominator = "listed patients with an ANXIETY diagnosis recorded in W12",
		.direction = KV_LOWER_IS_BETTER,
		.denominator_population = "anxiety_w12",
		.decisive = "last benzodiazepine prescription", .decisive_unit = NULL,
	},
	[AD_WITH_DIAGNOSIS] = {
		.id = "AD_WITH_DIAGNOSIS", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | NEEDS_TREATMENT,
		.title = "antidepressant users with a depression or anxiety diagnosis",
		.title_nb = "brukere av antidepressiva med diagnose depresjon eller angst",
		.numerator = "a DEPRESSION or ANXIETY diagnosis recorded in W24",
		.denominator = "listed patients with a regular antidepressant in use at R or an antidepressant prescription in W12",
		.direction = KV_HIGHER_IS_BETTER,
		.denominator_population = "antidepressant_users",
		.numerator_population = "antidepressant_users_dx_w24",
		/* DEPRESSION or ANXIETY up to R: a CHRONIC category */
		.denominator_within = "listed", .numerator_within = "chronic_1plus",
		.decisive = "last depression or anxiety diagnosis", .decisive_unit = NULL,
	},
};

/* ---- configuration ------------------------------------------------------ */

/* The settings, filled by the core from the table below. */
struct anx_settings {
	int64_t new_diagnosis_months;
	int64_t somatic_workup_days;
	int64_t followup_days;
	int64_t cbt_days;
	int64_t ad_start_lookback_months;
	int64_t ad_start_earliest_month;
	int64_t ad_start_latest_month;
	int64_t ad_control_from_months;
	int64_t ad_control_to_months;
	int64_t ad_start_anxiety_months;
	int64_t ad_diagnosis_months;
};

static const struct kv_setting anx_keys[] = {
	KV_SETTING(struct anx_settings, new_diagnosis_months, KV_CONFIG_INT, "24", false, "1..120",
	 "an ANXIETY diagnosis is new when no ANXIETY diagnosis was recorded in this many "
	 "months before it"),
	KV_SETTING(struct anx_settings, somatic_workup_days, KV_CONFIG_INT, "28", false, "1..365",
	 "days before and after a new anxiety diagnosis in which a SOMATIC_WORKUP lab result "
	 "counts in ANX_NEW_SOMATIC (the diagnosis must be at least this many days before R)"),
	KV_SETTING(struct anx_settings, followup_days, KV_CONFIG_INT, "42", false, "1..365",
	 "days after a new anxiety diagnosis in which a contact counts in ANX_FOLLOWUP_NEW (the "
	 "diagnosis must be at least this many days before R); at least somatic_workup_days"),
	KV_SETTING(struct anx_settings, cbt_days, KV_CONFIG_INT, "90", false, "1..365",
	 "days after a new anxiety diagnosis in which a CBT_FEE fee counts in ANX_CBT_NEW (the "
	 "diagnosis must be at least this many days before R); at least followup_days"),
	KV_SETTING(struct anx_settings, ad_start_lookback_months, KV_CONFIG_INT, "12", false, "1..120",
	 "an ANTIDEPRESSANT prescription is a start when none was issued in this many months "
	 "before it"),
	KV_SETTING(struct anx_settings, ad_start_earliest_month, KV_CONFIG_INT, "23", false, "0..119",
	 "months before the reference month of the earliest month in which an antidepressant "
	 "start counts in ANX_CONTROL_AD_START (m-23)"),
	KV_SETTING(struct anx_settings, ad_start_latest_month, KV_CONFIG_INT, "12", false, "0..119",
	 "months before the reference month of the latest month in which an antidepressant "
	 "start counts in ANX_CONTROL_AD_START (m-12); at least ad_control_to_months"),
	KV_SETTING(struct anx_settings, ad_control_from_months, KV_CONFIG_INT, "6", false, "0..120",
	 "months after an antidepressant start from which a face-to-face contact counts in "
	 "ANX_CONTROL_AD_START"),
	KV_SETTING(struct anx_settings, ad_control_to_months, KV_CONFIG_INT, "12", false, "0..120",
	 "months after an antidepressant start up to which (inclusive) a face-to-face contact "
	 "counts in ANX_CONTROL_AD_START"),
	KV_SETTING(struct anx_settings, ad_start_anxiety_months, KV_CONFIG_INT, "24", false, "1..120",
	 "calendar months ending with the reference month in which an ANXIETY diagnosis puts an "
	 "antidepressant starter in ANX_CONTROL_AD_START's denominator (W24)"),
	KV_SETTING(struct anx_settings, ad_diagnosis_months, KV_CONFIG_INT, "24", false, "12..120",
	 "calendar months ending with the reference month in which a DEPRESSION or ANXIETY "
	 "diagnosis counts in AD_WITH_DIAGNOSIS (W24); at least the 12 months of "
	 "DEP_ANTIDEPRESSANT's and ANX_ANTIDEPRESSANT's diagnosis"),
};

struct anx_windows {
	int new_months;        /* look-back of a new diagnosis */
	int workup_days;       /* SOMATIC_WORKUP window around d */
	int followup_days;     /* contact window after d */
	int cbt_days;          /* CBT fee window after d */
	int start_months;      /* look-back of an antidepressant start */
	int start_earliest;    /* starts in months m-earliest .. m-latest */
	int start_latest;
	int control_from;      /* control window: s + from .. s + to months */
	int control_to;
	int anxiety_months;    /* ANXIETY window of ANX_CONTROL_AD_START */
	int diagnosis_months;  /* diagnosis window of AD_WITH_DIAGNOSIS */
};

/* ---- state --------------------------------------------------------------- */

/* The window bounds of one reference month. */
struct anx_month {
	kv_date r;              /* R */
	kv_date w12_from;       /* first day of W12 */
	kv_date start_from;     /* first day of month m-23 */
	kv_date start_to;       /* last day of month m-12 */
	kv_date anxiety_from;   /* first day of W24 (ANX_CONTROL_AD_START) */
	kv_date diagnosis_from; /* first day of W24 (AD_WITH_DIAGNOSIS) */
};

struct anx_state {
	const struct anx_settings *set; /* call->settings, borrowed */
	struct anx_windows win;
	const struct kv_value_set *anxiety, *depression, *somatic, *antidepressant,
	    *benzodiazepine, *cbt_fee;

	size_t n_months;
	struct anx_month *months;
	uint8_t *listed;              /* per month, scratch: in L(R) */

	/* Scratch day lists of the current patient. */
	struct kv_ind_days anx;       /* ANXIETY diagnoses */
	struct kv_ind_days new_anx;   /* new ANXIETY diagnoses */
	struct kv_ind_days mood;      /* DEPRESSION or ANXIETY diagnoses */
	struct kv_ind_days labs;      /* SOMATIC_WORKUP results */
	struct kv_ind_days contacts;  /* contacts of any kind but admin */
	struct kv_ind_days f2f;       /* face-to-face contacts */
	struct kv_ind_days cbt;       /* CBT_FEE fees */
	struct kv_ind_treatment ad;   /* regular ANTIDEPRESSANT, its prescriptions */
	struct kv_ind_days ad_start;  /* antidepressant starts */
	struct kv_ind_days bzd_rx;    /* BENZODIAZEPINE prescriptions */
};

static void anx_free(void *state)
{
	struct anx_state *s = state;
	if (s == NULL)
		return;
	kv_ind_days_free(&s->anx);
	kv_ind_days_free(&s->new_anx);
	kv_ind_days_free(&s->mood);
	kv_ind_days_free(&s->labs);
	kv_ind_days_free(&s->contacts);
	kv_ind_days_free(&s->f2f);
	kv_ind_days_free(&s->cbt);
	kv_ind_treatment_free(&s->ad);
	kv_ind_days_free(&s->ad_start);
	kv_ind_days_free(&s->bzd_rx);
	free(s->months);
	free(s->listed);
	free(s);
}

/* ---- init ---------------------------------------------------------------- */

static int read_windows(const struct kv_call *call, struct anx_state *s)
{
	const struct kv_host *h = call->host;
	struct kv_ctx *c = call->ctx;
	struct anx_windows *w = &s->win;
	w->new_months = (int)s->set->new_diagnosis_months;
	w->workup_days = (int)s->set->somatic_workup_days;
	w->followup_days = (int)s->set->followup_days;
	w->cbt_days = (int)s->set->cbt_days;
	w->start_months = (int)s->set->ad_start_lookback_months;
	w->start_earliest = (int)s->set->ad_start_earliest_month;
	w->start_latest = (int)s->set->ad_start_latest_month;
	w->control_from = (int)s->set->ad_control_from_months;
	w->control_to = (int)s->set->ad_control_to_months;
	w->anxiety_months = (int)s->set->ad_start_anxiety_months;
	w->diagnosis_months = (int)s->set->ad_diagnosis_months;
	/* The denominators of the new-diagnosis indicators are declared within
	 * one another (ANX_CBT_NEW's within ANX_FOLLOWUP_NEW's within
	 * ANX_NEW_SOMATIC's): d <= R - cbt_days must imply d <= R - followup_days
	 * and that d <= R - somatic_workup_days. */
	if (w->followup_days < w->workup_days) {
		h->set_error(c, "followup_days (%d) must be at least somatic_workup_days (%d): "
				"ANX_FOLLOWUP_NEW's denominator is declared within ANX_NEW_SOMATIC's",
			     w->followup_days, w->workup_days);
		return KV_ERROR;
	}
	if (w->cbt_days < w->followup_days) {
		h->set_error(c, "cbt_days (%d) must be at least followup_days (%d): ANX_CBT_NEW's "
				"denominator is declared within ANX_FOLLOWUP_NEW's",
			     w->cbt_days, w->followup_days);
		return KV_ERROR;
	}
	if (w->start_latest > w->start_earliest) {
		h->set_error(c, "ad_start_latest_month (%d) must not exceed ad_start_earliest_month "
				"(%d)", w->start_latest, w->start_earliest);
		return KV_ERROR;
	}
	if (w->control_from > w->control_to) {
		h->set_error(c, "ad_control_from_months (%d) must not exceed ad_control_to_months "
				"(%d)", w->control_from, w->control_to);
		return KV_ERROR;
	}
	/* A start in month m-k has its control window end in month m-k+to:
	 * on or before R only when k >= to (precise rule 6). */
	if (w->start_latest < w->control_to) {
		h->set_error(c, "ad_start_latest_month (%d) must be at least ad_control_to_months "
				"(%d), or the control window would reach past R",
			     w->start_latest, w->control_to);
		return KV_ERROR;
	}
	return KV_OK;
}

static int read_sets(const struct kv_call *call, struct anx_state *s)
{
	const struct kv_host *h = call->host;
	struct kv_ctx *c = call->ctx;
	if ((s->anxiety = kv_ind_need_set(h, c, "ANXIETY")) == NULL ||
	    (s->depression = kv_ind_need_set(h, c, "DEPRESSION")) == NULL ||
	    (s->somatic = kv_ind_need_set(h, c, "SOMATIC_WORKUP")) == NULL ||
	    (s->antidepressant = kv_ind_need_set(h, c, "ANTIDEPRESSANT")) == NULL ||
	    (s->benzodiazepine = kv_ind_need_set(h, c, "BENZODIAZEPINE")) == NULL ||
	    (s->cbt_fee = kv_ind_need_set(h, c, "CBT_FEE")) == NULL)
		return KV_ERROR;
	return KV_OK;
}

static int read_months(const struct kv_call *call, struct anx_state *s, const struct kv_run *run)
{
	const struct anx_windows *w = &s->win;
	s->n_months = run->n_months;
	size_t n = run->n_months ? run->n_months : 1;
	s->months = calloc(n, sizeof *s->months);
	s->listed = calloc(n, sizeof *s->listed);
	if (s->months == NULL || s->listed == NULL) {
		call->host->set_error(call->ctx, "out of memory");
		return KV_ERROR;
	}
	for (size_t m = 0; m < run->n_months; m++) {
		struct anx_month *a = &s->months[m];
		kv_month mo = kv_month_of(run->reference_dates[m]);
		a->r = run->reference_dates[m];
		a->w12_from = kv_month_first_day(mo - 11);
		a->start_from = kv_month_first_day(mo - w->start_earliest);
		a->start_to = kv_month_last_day(mo - w->start_latest);
		a->anxiety_from = kv_month_first_day(mo - (w->anxiety_months - 1));
		a->diagnosis_from = kv_month_first_day(mo - (w->diagnosis_months - 1));
	}
	return KV_OK;
}

static int anx_init(const struct kv_call *call, const struct kv_run *run,
		    struct kv_init_result *res)
{
	const struct kv_host *host = call->host;
	struct kv_ctx *ctx = call->ctx;
	struct anx_state *s = kv_ind_new_state(host, ctx, sizeof *s);
	if (s == NULL)
		return KV_ERROR;
	s->set = call->settings;
	if (read_windows(call, s) != KV_OK || read_sets(call, s) != KV_OK ||
	    read_months(call, s, run) != KV_OK) {
		anx_free(s);
		return KV_ERROR;
	}
	/* W12 with work-up labs up to somatic_workup_days before a diagnosis in
	 * it; an antidepressant start as early as month m - ad_start_earliest_month
	 * with none in the ad_start_lookback_months before it */
	uint32_t labs = 12 + kv_ind_months_for_days(s->set->somatic_workup_days);
	uint32_t starts = (uint32_t)(s->set->ad_start_earliest_month +
				     s->set->ad_start_lookback_months + 1);
	res->lookback_months = labs > starts ? labs : starts;
	res->state = s;
	return KV_OK;
}

/* ---- one patient --------------------------------------------------------- */

/* Make room in every day list; collect face-to-face days and antidepressant
 * treatment. */
static int prepare(const struct kv_call *call, struct anx_state *s, const struct kv_patient *p)
{
	if (kv_ind_days_reset(&s->anx, p->n_diagnoses) != 0 ||
	    kv_ind_days_reset(&s->new_anx, p->n_diagnoses) != 0 ||
	    kv_ind_days_reset(&s->mood, p->n_diagnoses) != 0 ||
	    kv_ind_days_reset(&s->labs, p->n_labs) != 0 ||
	    kv_ind_days_reset(&s->contacts, p->n_contacts) != 0 ||
	    kv_ind_days_reset(&s->cbt, p->n_fees) != 0 ||
	    kv_ind_days_reset(&s->ad_start, p->n_prescriptions) != 0 ||
	    kv_ind_days_reset(&s->bzd_rx, p->n_prescriptions) != 0 ||
	    kv_ind_face_to_face_days(p, &s->f2f) != 0 ||
	    /* antidepressants: regular use and prescriptions (rule 11) */
	    kv_ind_treatment_collect(&s->ad, call->host, s->antidepressant, p) != 0)
		return kv_ind_out_of_memory(call);
	return KV_OK;
}

/* ANXIETY, DEPRESSION-or-ANXIETY and new ANXIETY diagnosis days. */
static void collect_diagnoses(const struct kv_call *call, struct anx_state *s,
			      const struct kv_patient *p)
{
	const struct kv_host *h = call->host;
	for (size_t i = 0; i < p->n_diagnoses; i++) {
		const struct kv_diagnosis *d = &p->diagnoses[i];
		enum kv_code_kind kind = (enum kv_code_kind)d->system;
		if (h->in_value_set(s->anxiety, kind, d->code, d->date)) {
			kv_ind_days_add(&s->anx, d->date);
			kv_ind_days_add(&s->mood, d->date);
		} else if (h->in_value_set(s->depression, kind, d->code, d->date)) {
			kv_ind_days_add(&s->mood, d->date);
		}
	}
	kv_ind_days_finish(&s->anx);
	kv_ind_days_finish(&s->mood);
	kv_ind_episode_starts(&s->anx, s->win.new_months, &s->new_anx);
}

/* Work-up labs; contacts of any kind but admin (rule 13); CBT fees valid on
 * their date (a fee's date is its contact's). Face-to-face days are
 * collected with the buffers (prepare(call, )). */
static void collect_care(const struct kv_call *call, struct anx_state *s,
			 const struct kv_patient *p)
{
	const struct kv_host *h = call->host;
	for (size_t i = 0; i < p->n_labs; i++)
		if (h->in_value_set(s->somatic, KV_CODES_ANALYSIS, p->labs[i].code, p->labs[i].date))
			kv_ind_days_add(&s->labs, p->labs[i].date);
	for (size_t i = 0; i < p->n_contacts; i++) {
		const struct kv_contact *c = &p->contacts[i];
		if (c->kind < KV_CONTACT_CONSULTATION || c->kind >= KV_CONTACT_ADMIN)
			continue;
		kv_ind_days_add(&s->contacts, c->date);
	}
	for (size_t i = 0; i < p->n_fees; i++)
		if (h->in_value_set(s->cbt_fee, KV_CODES_FEE, p->fees[i].code, p->fees[i].date))
			kv_ind_days_add(&s->cbt, p->fees[i].date);
	kv_ind_days_finish(&s->labs);
	kv_ind_days_finish(&s->contacts);
	kv_ind_days_finish(&s->cbt);
}

/* Antidepressant starts (from prescriptions only; the treatment itself is
 * collected with the buffers, prepare(call, )) and benzodiazepine prescriptions.
 * The value set is asked on the issue date; a prescription counts on its
 * own ATC (rule 11). */
static void collect_drugs(const struct kv_call *call, struct anx_state *s,
			  const struct kv_patient *p)
{
	const struct kv_host *h = call->host;
	for (size_t i = 0; i < p->n_prescriptions; i++) {
		const struct kv_prescription *rx = &p->prescriptions[i];
		if (h->in_value_set(s->benzodiazepine, KV_CODES_ATC, rx->atc, rx->date))
			kv_ind_days_add(&s->bzd_rx, rx->date);
	}
	kv_ind_days_finish(&s->bzd_rx);
	kv_ind_episode_starts(&s->ad.rx, s->win.start_months, &s->ad_start);
}

/* D: the last new ANXIETY diagnosis d in W12 with d <= R - days; N: a day of
 * `events` in [d + first, d + days]. */
static void mark_new(const struct anx_state *s, const struct anx_month *a, size_t m,
		     enum anx_indicator ind, int first, int days,
		     const struct kv_ind_days *events, struct kv_result_block *out)
{
	kv_date d;
	if (!kv_ind_days_last_in(&s->new_anx, a->w12_from, a->r - days, &d))
		return;
	kv_ind_mark(out, ind, m, KV_IN_DENOMINATOR);
	if (kv_ind_days_any_in(events, d + first, d + days))
		kv_ind_mark(out, ind, m, KV_IN_NUMERATOR);
	if (KV_RESULT_HAS_DECISIVE(out)) /* the new diagnosis the window follows */
		kv_ind_decisive(out, ind, m, d, NAN);
}

/* ANX_CONTROL_AD_START: the latest start s in months m-23..m-12 of a patient
 * with ANXIETY in W24; N: a face-to-face contact in [s + 6 mo, s + 12 mo]. */
static void mark_ad_start(const struct anx_state *s, const struct anx_month *a, size_t m,
			  struct kv_result_block *out)
{
	kv_date start;
	if (!kv_ind_days_any_in(&s->anx, a->anxiety_from, a->r) ||
	    !kv_ind_days_last_in(&s->ad_start, a->start_from, a->start_to, &start))
		return;
	kv_ind_mark(out, ANX_CONTROL_AD_START, m, KV_IN_DENOMINATOR);
	if (KV_RESULT_HAS_DECISIVE(out)) /* the start the control follows */
		kv_ind_decisive(out, ANX_CONTROL_AD_START, m, start, NAN);
	if (kv_ind_days_any_in(&s->f2f, kv_date_add_months(start, s->win.control_from),
			       kv_date_add_months(start, s->win.control_to)))
		kv_ind_mark(out, ANX_CONTROL_AD_START, m, KV_IN_NUMERATOR);
}

/* Every indicator for a patient in L(R) of month m. */
static void mark_month(const struct anx_state *s, size_t m, struct kv_result_block *out)
{
	const struct anx_month *a = &s->months[m];
	const struct anx_windows *w = &s->win;
	const bool treated = kv_ind_treated(&s->ad, a->w12_from, a->r);
	/* Decisive dates: the last event on or before R, in the window or not;
	 * for the anchored indicators the anchor (mark_new, mark_ad_start). */
	const bool decisive = KV_RESULT_HAS_DECISIVE(out);

	kv_ind_mark(out, ANX_PREVALENCE, m, KV_IN_DENOMINATOR);
	if (decisive)
		kv_ind_decisive(out, ANX_PREVALENCE, m, kv_ind_days_last_upto(&s->anx, a->r), NAN);
	if (kv_ind_days_any_in(&s->anx, a->w12_from, a->r)) {
		kv_ind_mark(out, ANX_PREVALENCE, m, KV_IN_NUMERATOR);
		kv_ind_mark(out, ANX_ANTIDEPRESSANT, m, KV_IN_DENOMINATOR);
		if (treated)
			kv_ind_mark(out, ANX_ANTIDEPRESSANT, m, KV_IN_NUMERATOR);
		kv_ind_mark(out, ANX_BENZODIAZEPINE, m, KV_IN_DENOMINATOR);
		if (kv_ind_days_any_in(&s->bzd_rx, a->w12_from, a->r))
			kv_ind_mark(out, ANX_BENZODIAZEPINE, m, KV_IN_NUMERATOR);
		if (decisive) {
			kv_ind_decisive(out, ANX_ANTIDEPRESSANT, m,
					kv_ind_treatment_last(&s->ad, a->r), NAN);
			kv_ind_decisive(out, ANX_BENZODIAZEPINE, m,
					kv_ind_days_last_upto(&s->bzd_rx, a->r), NAN);
		}
	}

	/* Labs in [d - 28, d + 28]; contacts in (d, d + 42]; fees in (d, d + 90]. */
	mark_new(s, a, m, ANX_NEW_SOMATIC, -w->workup_days, w->workup_days, &s->labs, out);
	mark_new(s, a, m, ANX_FOLLOWUP_NEW, 1, w->followup_days, &s->contacts, out);
	mark_new(s, a, m, ANX_CBT_NEW, 1, w->cbt_days, &s->cbt, out);

	mark_ad_start(s, a, m, out);

	if (treated) {
		kv_ind_mark(out, AD_WITH_DIAGNOSIS, m, KV_IN_DENOMINATOR);
		if (kv_ind_days_any_in(&s->mood, a->diagnosis_from, a->r))
			kv_ind_mark(out, AD_WITH_DIAGNOSIS, m, KV_IN_NUMERATOR);
		if (decisive)
			kv_ind_decisive(out, AD_WITH_DIAGNOSIS, m,
					kv_ind_days_last_upto(&s->mood, a->r), NAN);
	}
}

static int anx_compute(const struct kv_call *call, const struct kv_patient *p,
		       struct kv_result_block *out)
{
	struct anx_state *s = call->state;
	bool any = false;
	for (size_t m = 0; m < s->n_months; m++) {
		s->listed[m] = kv_ind_listed_at(p, s->months[m].r);
		any = any || s->listed[m];
	}
	if (!any)
		return KV_OK;
	if (prepare(call, s, p) != KV_OK)
		return KV_ERROR;
	collect_diagnoses(call, s, p);
	collect_care(call, s, p);
	collect_drugs(call, s, p);
	for (size_t m = 0; m < s->n_months; m++)
		if (s->listed[m])
			mark_month(s, m, out);
	return KV_OK;
}

static void anx_fini(const struct kv_call *call)
{
	anx_free(call->state);
}

KV_INDICATOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_INDICATOR, struct kv_indicator_plugin, "anxiety", "1.0.0",
			 "anxiety: prevalence, somatic work-up, follow-up and cognitive therapy "
			 "of new cases, antidepressant and benzodiazepine treatment, and "
			 "antidepressant users with a diagnosis"),
	KV_SETTINGS(struct anx_settings, anx_keys),
	KV_INDICATORS(anx_defs),
	.init = anx_init,
	.compute = anx_compute,
	.fini = anx_fini,
};
