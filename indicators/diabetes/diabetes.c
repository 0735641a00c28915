/*
 * diabetes.c - the "diabetes" indicator plugin: the DM_* indicators of the
 * indicator catalogue (indicators.md, section Diabetes)
 *
 * Population: DM_PREVALENCE has D = the listed population L(R) and N = those
 * with a DIABETES diagnosis ever (recorded on or before R); every other DM_*
 * indicator has that N as its denominator. Numerators look at the window W12
 * (first day of month m-11 .. R): a Noklus check (form or fee), HbA1c, blood
 * pressure, UACR, and statin treatment at R.
 *
 * Codes come from value sets, thresholds from the [indicator.diabetes]
 * section; nothing clinical is a literal here. compute() reads a patient's
 * events once into sorted per-day series (kv_ind.h, dm_series.h) and
 * answers every month of the run from them by binary search.
 */
#include <math.h>
#include <stdlib.h>

#include "dm_series.h"
#include "kv_ind.h"

/* ---- the catalogue ---------------------------------------------------- */

/* Descriptor order; the index of an indicator in kv_result_block. */
enum dm_indicator {
	DM_PREVALENCE = 0,
	DM_ANNUAL_CHECK,
	DM_HBA1C_MEASURED,
	DM_HBA1C_LT52,
	DM_HBA1C_52_70,
	DM_HBA1C_GT70,
	DM_BP_MEASURED,
	DM_BP_LE140_85,
	DM_BP_141_149,
	DM_BP_GE150_90,
	DM_STATIN,
	DM_UACR_MEASURED,
	DM_ALBUMINURIA,
	DM_N_INDICATORS
};

/* What the population needs: lists and diagnoses. */
#define NEEDS_POPULATION (KV_PROVIDES_LIST_PERIODS | KV_PROVIDES_DIAGNOSES)

static const struct kv_indicator_def dm_defs[DM_N_INDICATORS] = {
	[DM_PREVALENCE] = {
		.id = "DM_PREVALENCE", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION,
		.title = "listed patients with diabetes",
		.title_nb = "listepasienter med diabetes",
		.numerator = "listed patients with a DIABETES diagnosis recorded on or before R",
		.denominator = "listed patients at R",
		.direction = KV_NEITHER_IS_BETTER,
		.denominator_population = "listed", .numerator_population = "diabetes",
		/* DIABETES is the CHRONIC category diabetes (CHRONIC_DIABETES, the
		 * same codes), also "ever" up to R among L(R) */
		.numerator_within = "chronic_1plus",
		.decisive = "first diabetes diagnosis", .decisive_unit = NULL,
	},
	[DM_ANNUAL_CHECK] = {
		.id = "DM_ANNUAL_CHECK", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_FORMS | KV_PROVIDES_FEES,
		.title = "diabetics with a Noklus annual check in 12 months",
		.title_nb = "diabetikere med årskontroll (Noklus) siste 12 måneder",
		.numerator = "a Noklus diabetes form or a valid Noklus fee (105, 100; 109, 109a, 109b until 2022-06-30) in W12",
		.denominator = "listed patients with diabetes",
		.direction = KV_HIGHER_IS_BETTER,
		.denominator_population = "diabetes",
		.decisive = "last annual check", .decisive_unit = NULL,
	},
	[DM_HBA1C_MEASURED] = {
		.id = "DM_HBA1C_MEASURED", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_LABS,
		.title = "diabetics with HbA1c measured in 12 months",
		.title_nb = "diabetikere med målt HbA1c siste 12 måneder",
		.numerator = "an HbA1c result (numeric or text) in W12",
		.denominator = "listed patients with diabetes",
		.direction = KV_HIGHER_IS_BETTER,
		.denominator_population = "diabetes", .numerator_population = "diabetes_hba1c_measured",
		.decisive = "last HbA1c", .decisive_unit = "mmol/mol",
	},
	[DM_HBA1C_LT52] = {
		.id = "DM_HBA1C_LT52", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_LABS,
		.title = "diabetics with last HbA1c below 52 mmol/mol",
		.title_nb = "diabetikere med siste HbA1c under 52 mmol/mol",
		.numerator = "the last numeric HbA1c in W12 is below 52 mmol/mol",
		.denominator = "listed patients with diabetes",
		.direction = KV_HIGHER_IS_BETTER,
		.denominator_population = "diabetes", .numerator_part_of = "diabetes_hba1c_measured",
		.hide_priority = 1,
		.decisive = "last HbA1c", .decisive_unit = "mmol/mol",
	},
	[DM_HBA1C_52_70] = {
		.id = "DM_HBA1C_52_70", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_LABS,
		.title = "diabetics with last HbA1c 52-70 mmol/mol",
		.title_nb = "diabetikere med siste HbA1c 52-70 mmol/mol",
		.numerator = "the last numeric HbA1c in W12 is 52 to 70 mmol/mol",
		.denominator = "listed patients with diabetes",
		.direction = KV_NEITHER_IS_BETTER,
		.denominator_population = "diabetes", .numerator_part_of = "diabetes_hba1c_measured",
		.hide_priority = 2,
		.decisive = "last HbA1c", .decisive_unit = "mmol/mol",
	},
	[DM_HBA1C_GT70] = {
		.id = "DM_HBA1C_GT70", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_LABS,
		.title = "diabetics with last HbA1c above 70 mmol/mol",
		.title_nb = "diabetikere med siste HbA1c over 70 mmol/mol",
		.numerator = "the last numeric HbA1c in W12 is above 70 mmol/mol",
		.denominator = "listed patients with diabetes",
		.direction = KV_LOWER_IS_BETTER,
		.denominator_population = "diabetes", .numerator_part_of = "diabetes_hba1c_measured",
		.hide_priority = 3, /* hidden first: usually the smallest band */
		.decisive = "last HbA1c", .decisive_unit = "mmol/mol",
	},
	[DM_BP_MEASURED] = {
		.id = "DM_BP_MEASURED", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_BLOOD_PRESSURE,
		.title = "diabetics with blood pressure measured in 12 months",
		.title_nb = "diabetikere med målt blodtrykk siste 12 måneder",
		.numerator = "a blood pressure reading in W12",
		.denominator = "listed patients with diabetes",
		.direction = KV_HIGHER_IS_BETTER,
		.denominator_population = "diabetes", .numerator_population = "diabetes_bp_measured",
		.decisive = "last blood pressure", .decisive_unit = "mmHg",
	},
	[DM_BP_LE140_85] = {
		.id = "DM_BP_LE140_85", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_BLOOD_PRESSURE,
		.title = "diabetics with last blood pressure at most 140/85",
		.title_nb = "diabetikere med siste blodtrykk høyst 140/85",
		.numerator = "the last blood pressure in W12 has systolic <= 140 and diastolic <= 85",
		.denominator = "listed patients with diabetes",
		.direction = KV_HIGHER_IS_BETTER,
		.denominator_population = "diabetes", .numerator_part_of = "diabetes_bp_measured", .relation_flags = KV_PARTS_COMPLETE,
		.hide_priority = 1,
		.decisive = "last blood pressure", .decisive_unit = "mmHg",
	},
	[DM_BP_141_149] = {
		.id = "DM_BP_141_149", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_BLOOD_PRESSURE,
		.title = "diabetics with last blood pressure between the bands",
		.title_nb = "diabetikere med siste blodtrykk mellom grensene",
		.numerator = "the last blood pressure in W12 is in neither of the other two bands",
		.denominator = "listed patients with diabetes",
		.direction = KV_NEITHER_IS_BETTER,
		.denominator_population = "diabetes", .numerator_part_of = "diabetes_bp_measured", .relation_flags = KV_PARTS_COMPLETE,
		.hide_priority = 3, /* hidden first: usually the smallest band */
		.decisive = "last blood pressure", .decisive_unit = "mmHg",
	},
	[DM_BP_GE150_90] = {
		.id = "DM_BP_GE150_90", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_BLOOD_PRESSURE,
		.title = "diabetics with last blood pressure at least 150 or 90",
		.title_nb = "diabetikere med siste blodtrykk minst 150 eller 90",
		.numerator = "the last blood pressure in W12 has systolic >= 150 or diastolic >= 90",
		.denominator = "listed patients with diabetes",
		.direction = KV_LOWER_IS_BETTER,
		.denominator_population = "diabetes", .numerator_part_of = "diabetes_bp_measured", .relation_flags = KV_PARTS_COMPLETE,
		.hide_priority = 2,
		.decisive = "last blood pressure", .decisive_unit = "mmHg",
	},
	[DM_STATIN] = {
		.id = "DM_STATIN", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_MEDICATIONS | KV_PROVIDES_PRESCRIPTIONS,
		.title = "diabetics treated with a statin",
		.title_nb = "diabetikere som bruker statin",
		.numerator = "a regular statin in use at R or a statin prescription in W12",
		.denominator = "listed patients with diabetes",
		.direction = KV_HIGHER_IS_BETTER,
		.denominator_population = "diabetes",
		.decisive = "last statin", .decisive_unit = NULL,
	},
	[DM_UACR_MEASURED] = {
		.id = "DM_UACR_MEASURED", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_LABS,
		.title = "diabetics with albuminuria assessed in 12 months",
		.title_nb = "diabetikere med opplysning om albuminuri siste 12 måneder",
		.numerator = "a urine albumin/creatinine result in W12",
		.denominator = "listed patients with diabetes",
		.direction = KV_HIGHER_IS_BETTER,
		.denominator_population = "diabetes", .numerator_population = "diabetes_uacr_measured",
		.decisive = "last UACR", .decisive_unit = "mg/mmol",
	},
	[DM_ALBUMINURIA] = {
		.id = "DM_ALBUMINURIA", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_LABS,
		.title = "diabetics with signs of albuminuria",
		.title_nb = "diabetikere med tegn på albuminuri",
		.numerator = "the last numeric urine albumin/creatinine in W12 is >= 3 mg/mmol",
		.denominator = "listed patients with diabetes",
		.direction = KV_NEITHER_IS_BETTER,
		.denominator_population = "diabetes",
		/* a last numeric UACR in W12 is a UACR result in W12 */
		.numerator_within = "diabetes_uacr_measured",
		.decisive = "last UACR", .decisive_unit = "mg/mmol",
	},
};

/* ---- configuration ------------------------------------------------------ */

/* The settings, filled by the core from the table below. */
struct dm_settings {
	int64_t hba1c_low;
	int64_t hba1c_high;
	int64_t bp_good_systolic;
	int64_t bp_good_diastolic;
	int64_t bp_high_systolic;
	int64_t bp_high_diastolic;
	int64_t uacr_albuminuria;
};

static const struct kv_setting dm_keys[] = {
	KV_SETTING(struct dm_settings, hba1c_low, KV_CONFIG_INT, "52", false, "20..200",
	 "HbA1c in mmol/mol below which the last result counts in DM_HBA1C_LT52 (and from "
	 "which it counts in DM_HBA1C_52_70)"),
	KV_SETTING(struct dm_settings, hba1c_high, KV_CONFIG_INT, "70", false, "20..200",
	 "HbA1c in mmol/mol up to which the last result counts in DM_HBA1C_52_70 (above it, "
	 "DM_HBA1C_GT70)"),
	KV_SETTING(struct dm_settings, bp_good_systolic, KV_CONFIG_INT, "140", false, "50..300",
	 "highest systolic mmHg of a blood pressure in DM_BP_LE140_85"),
	KV_SETTING(struct dm_settings, bp_good_diastolic, KV_CONFIG_INT, "85", false, "20..200",
	 "highest diastolic mmHg of a blood pressure in DM_BP_LE140_85"),
	KV_SETTING(struct dm_settings, bp_high_systolic, KV_CONFIG_INT, "150", false, "50..300",
	 "systolic mmHg from which a blood pressure counts in DM_BP_GE150_90"),
	KV_SETTING(struct dm_settings, bp_high_diastolic, KV_CONFIG_INT, "90", false, "20..200",
	 "diastolic mmHg from which a blood pressure counts in DM_BP_GE150_90"),
	KV_SETTING(struct dm_settings, uacr_albuminuria, KV_CONFIG_INT, "3", false, "1..1000",
	 "urine albumin/creatinine ratio in mg/mmol from which the last result counts as "
	 "albuminuria"),
};

struct dm_limits {
	double hba1c_low, hba1c_high;    /* mmol/mol */
	int good_systolic, good_diastolic;
	int high_systolic, high_diastolic;
	double uacr_albuminuria;         /* mg/mmol */
};

/*
 * HbA1c in % (DCCT) to mmol/mol (IFCC): 10.93 x % - 23.5, not rounded
 * (indicators.md, precise rules 8 and 19). A fixed unit conversion, not a
 * clinical threshold.
 */
#define HBA1C_IFCC_PER_DCCT 10.93
#define HBA1C_IFCC_OFFSET 23.5

/* ---- value sets ---------------------------------------------------------- */

struct dm_sets {
	const struct kv_value_set *diabetes;
	const struct kv_value_set *hba1c_mmol;
	const struct kv_value_set *hba1c_percent;
	const struct kv_value_set *uacr;
	const struct kv_value_set *noklus_fee;
	const struct kv_value_set *noklus_form;
	const struct kv_value_set *statin;
};

/* ---- state --------------------------------------------------------------- */

struct dm_state {
	const struct dm_settings *set; /* call->settings, borrowed */
	struct dm_limits lim;
	struct dm_sets sets;
	/* R, first day of W12; flag: listed with diabetes at R */
	struct kv_ind_months months;

	/* Scratch series of the current patient (kv_ind.h, dm_series.h). */
	struct kv_ind_days checks;     /* Noklus form or fee */
	struct kv_ind_days hba1c_rows; /* every HbA1c result, numeric or not */
	struct dm_values hba1c;        /* numeric HbA1c in mmol/mol, day maximum */
	struct kv_ind_days uacr_rows;  /* every UACR result */
	struct dm_values uacr;         /* numeric UACR, day maximum */
	struct dm_bps bp;              /* worst reading of each day */
	struct kv_ind_treatment statin; /* regular statins, statin prescriptions */
};

static void dm_free(void *state)
{
	struct dm_state *s = state;
	if (s == NULL)
		return;
	kv_ind_days_free(&s->checks);
	kv_ind_days_free(&s->hba1c_rows);
	dm_values_free(&s->hba1c);
	kv_ind_days_free(&s->uacr_rows);
	dm_values_free(&s->uacr);
	dm_bps_free(&s->bp);
	kv_ind_treatment_free(&s->statin);
	kv_ind_months_free(&s->months);
	free(s);
}

/* ---- init ---------------------------------------------------------------- */

static int read_limits(const struct kv_call *call, struct dm_state *s)
{
	const struct kv_host *h = call->host;
	struct dm_limits *l = &s->lim;
	l->hba1c_low = (double)s->set->hba1c_low;
	l->hba1c_high = (double)s->set->hba1c_high;
	l->good_systolic = (int)s->set->bp_good_systolic;
	l->good_diastolic = (int)s->set->bp_good_diastolic;
	l->high_systolic = (int)s->set->bp_high_systolic;
	l->high_diastolic = (int)s->set->bp_high_diastolic;
	l->uacr_albuminuria = (double)s->set->uacr_albuminuria;
	/* The bands must not overlap, or a patient would be in two of them. */
	if (l->hba1c_low > l->hba1c_high) {
		h->set_error(call->ctx, "hba1c_low (%g) must not exceed hba1c_high (%g)",
			     l->hba1c_low, l->hba1c_high);
		return KV_ERROR;
	}
	if (l->good_systolic >= l->high_systolic || l->good_diastolic >= l->high_diastolic) {
		h->set_error(call->ctx,
			     "bp_good_systolic/bp_good_diastolic (%d/%d) must be below "
			     "bp_high_systolic/bp_high_diastolic (%d/%d)",
			     l->good_systolic, l->good_diastolic, l->high_systolic,
			     l->high_diastolic);
		return KV_ERROR;
	}
	return KV_OK;
}

static int read_sets(const struct kv_call *call, struct dm_state *s)
{
	const struct kv_host *h = call->host;
	struct kv_ctx *c = call->ctx;
	struct dm_sets *v = &s->sets;
	if ((v->diabetes = kv_ind_need_set(h, c, "DIABETES")) == NULL ||
	    (v->hba1c_mmol = kv_ind_need_set(h, c, "HBA1C_MMOL")) == NULL ||
	    (v->hba1c_percent = kv_ind_need_set(h, c, "HBA1C_PERCENT")) == NULL ||
	    (v->uacr = kv_ind_need_set(h, c, "UACR")) == NULL ||
	    (v->noklus_fee = kv_ind_need_set(h, c, "NOKLUS_FORM_FEE")) == NULL ||
	    (v->noklus_form = kv_ind_need_set(h, c, "NOKLUS_FORM")) == NULL ||
	    (v->statin = kv_ind_need_set(h, c, "STATIN")) == NULL)
		return KV_ERROR;
	return KV_OK;
}

static int dm_init(const struct kv_call *call, const struct kv_run *run,
		   struct kv_init_result *res)
{
	const struct kv_host *host = call->host;
	struct kv_ctx *ctx = call->ctx;
	struct dm_state *s = kv_ind_new_state(host, ctx, sizeof *s);
	if (s == NULL)
		return KV_ERROR;
	s->set = call->settings;
	/* W12: the first day of month m-11 .. R. */
	if (read_limits(call, s) != KV_OK || read_sets(call, s) != KV_OK ||
	    kv_ind_months_init(&s->months, host, ctx, run, 12) != KV_OK) {
		dm_free(s);
		return KV_ERROR;
	}
	/* lookback_months: forms, fees, labs, blood pressures and prescriptions in W12 */
	res->lookback_months = 12;
	res->state = s;
	return KV_OK;
}

/* ---- the patient's series ------------------------------------------------ */

/* Noklus form completed or Noklus fee billed (valid on its date). */
static void collect_checks(const struct kv_call *call, struct dm_state *s,
			   const struct kv_patient *p)
{
	const struct kv_host *h = call->host;
	for (size_t i = 0; i < p->n_forms; i++)
		if (h->in_value_set(s->sets.noklus_form, KV_CODES_FORM, p->forms[i].type,
				    p->forms[i].date))
			kv_ind_days_add(&s->checks, p->forms[i].date);
	for (size_t i = 0; i < p->n_fees; i++)
		if (h->in_value_set(s->sets.noklus_fee, KV_CODES_FEE, p->fees[i].code,
				    p->fees[i].date))
			kv_ind_days_add(&s->checks, p->fees[i].date);
	kv_ind_days_finish(&s->checks);
}

/* HbA1c (either unit, converted to mmol/mol) and UACR results. */
static void collect_labs(const struct kv_call *call, struct dm_state *s, const struct kv_patient *p)
{
	const struct kv_host *h = call->host;
	for (size_t i = 0; i < p->n_labs; i++) {
		const struct kv_lab_result *l = &p->labs[i];
		if (h->in_value_set(s->sets.hba1c_mmol, KV_CODES_ANALYSIS, l->code, l->date)) {
			kv_ind_days_add(&s->hba1c_rows, l->date);
			if (l->has_value)
				dm_values_add(&s->hba1c, l->date, l->value);
		} else if (h->in_value_set(s->sets.hba1c_percent, KV_CODES_ANALYSIS, l->code,
					   l->date)) {
			kv_ind_days_add(&s->hba1c_rows, l->date);
			if (l->has_value)
				dm_values_add(&s->hba1c, l->date,
					      HBA1C_IFCC_PER_DCCT * l->value - HBA1C_IFCC_OFFSET);
		} else if (h->in_value_set(s->sets.uacr, KV_CODES_ANALYSIS, l->code, l->date)) {
			kv_ind_days_add(&s->uacr_rows, l->date);
			if (l->has_value)
				dm_values_add(&s->uacr, l->date, l->value);
		}
	}
	kv_ind_days_finish(&s->hba1c_rows);
	dm_values_finish(&s->hba1c);
	kv_ind_days_finish(&s->uacr_rows);
	dm_values_finish(&s->uacr);
}

static void collect_bps(struct dm_state *s, const struct kv_patient *p)
{
	for (size_t i = 0; i < p->n_bps; i++)
		dm_bps_add(&s->bp, p->bps[i].date, p->bps[i].systolic, p->bps[i].diastolic);
	dm_bps_finish(&s->bp);
}

static int collect(const struct kv_call *call, struct dm_state *s, const struct kv_patient *p)
{
	if (kv_ind_days_reset(&s->checks, p->n_forms + p->n_fees) != 0 ||
	    kv_ind_days_reset(&s->hba1c_rows, p->n_labs) != 0 ||
	    dm_values_reset(&s->hba1c, p->n_labs) != 0 ||
	    kv_ind_days_reset(&s->uacr_rows, p->n_labs) != 0 ||
	    dm_values_reset(&s->uacr, p->n_labs) != 0 ||
	    dm_bps_reset(&s->bp, p->n_bps) != 0 ||
	    kv_ind_treatment_collect(&s->statin, call->host, s->sets.statin, p) != 0)
		return kv_ind_out_of_memory(call);
	collect_checks(call, s, p);
	collect_labs(call, s, p);
	collect_bps(s, p);
	return KV_OK;
}

/* ---- one month ----------------------------------------------------------- */

static void mark_hba1c(const struct dm_state *s, size_t m, kv_date from, kv_date r,
		       struct kv_result_block *out)
{
	if (kv_ind_days_any_in(&s->hba1c_rows, from, r))
		kv_ind_mark(out, DM_HBA1C_MEASURED, m, KV_IN_NUMERATOR);
	const struct dm_day_value *last = dm_values_last_in(&s->hba1c, from, r);
	if (last == NULL)
		return;
	if (last->value < s->lim.hba1c_low)
		kv_ind_mark(out, DM_HBA1C_LT52, m, KV_IN_NUMERATOR);
	else if (last->value <= s->lim.hba1c_high)
		kv_ind_mark(out, DM_HBA1C_52_70, m, KV_IN_NUMERATOR);
	else
		kv_ind_mark(out, DM_HBA1C_GT70, m, KV_IN_NUMERATOR);
}

static void mark_bp(const struct dm_state *s, size_t m, kv_date from, kv_date r,
		    struct kv_result_block *out)
{
	const struct dm_day_bp *last = dm_bps_last_in(&s->bp, from, r);
	if (last == NULL)
		return;
	kv_ind_mark(out, DM_BP_MEASURED, m, KV_IN_NUMERATOR);
	const struct dm_limits *l = &s->lim;
	if (last->systolic <= l->good_systolic && last->diastolic <= l->good_diastolic)
		kv_ind_mark(out, DM_BP_LE140_85, m, KV_IN_NUMERATOR);
	else if (last->systolic >= l->high_systolic || last->diastolic >= l->high_diastolic)
		kv_ind_mark(out, DM_BP_GE150_90, m, KV_IN_NUMERATOR);
	else
		kv_ind_mark(out, DM_BP_141_149, m, KV_IN_NUMERATOR);
}

static void mark_uacr(const struct dm_state *s, size_t m, kv_date from, kv_date r,
		      struct kv_result_block *out)
{
	if (kv_ind_days_any_in(&s->uacr_rows, from, r))
		kv_ind_mark(out, DM_UACR_MEASURED, m, KV_IN_NUMERATOR);
	const struct dm_day_value *last = dm_values_last_in(&s->uacr, from, r);
	if (last != NULL && last->value >= s->lim.uacr_albuminuria)
		kv_ind_mark(out, DM_ALBUMINURIA, m, KV_IN_NUMERATOR);
}

/*
 * The decisive dates and values (ABI 2.1) of a listed diabetic in month m:
 * the last event of each kind on or before R, inside W12 or not, so that
 * a list shows since when a patient is overdue. HbA1c and UACR values are
 * the day's highest (mmol/mol, mg/mmol), a blood pressure's is the
 * systolic of the day's worst reading. The "measured" indicators take the
 * last result of any kind (its value when numeric), the bands and
 * albuminuria the last numeric one.
 */
static void dm_decisive(const struct dm_state *s, size_t m, kv_date r, struct kv_result_block *out)
{
	kv_date d = kv_ind_days_last_upto(&s->checks, r);
	if (d != KV_DATE_NONE)
		kv_ind_decisive(out, DM_ANNUAL_CHECK, m, d, NAN);
	d = kv_ind_days_last_upto(&s->hba1c_rows, r);
	if (d != KV_DATE_NONE) {
		const struct dm_day_value *v = dm_values_last_in(&s->hba1c, d, d);
		kv_ind_decisive(out, DM_HBA1C_MEASURED, m, d, v != NULL ? v->value : NAN);
	}
	const struct dm_day_value *v = dm_values_last_in(&s->hba1c, KV_DATE_NONE, r);
	if (v != NULL)
		for (int i = DM_HBA1C_LT52; i <= DM_HBA1C_GT70; i++)
			kv_ind_decisive(out, (size_t)i, m, v->date, v->value);
	const struct dm_day_bp *bp = dm_bps_last_in(&s->bp, KV_DATE_NONE, r);
	if (bp != NULL)
		for (int i = DM_BP_MEASURED; i <= DM_BP_GE150_90; i++)
			kv_ind_decisive(out, (size_t)i, m, bp->date, (double)bp->systolic);
	d = kv_ind_treatment_last(&s->statin, r);
	if (d != KV_DATE_NONE)
		kv_ind_decisive(out, DM_STATIN, m, d, NAN);
	d = kv_ind_days_last_upto(&s->uacr_rows, r);
	if (d != KV_DATE_NONE) {
		v = dm_values_last_in(&s->uacr, d, d);
		kv_ind_decisive(out, DM_UACR_MEASURED, m, d, v != NULL ? v->value : NAN);
	}
	v = dm_values_last_in(&s->uacr, KV_DATE_NONE, r);
	if (v != NULL)
		kv_ind_decisive(out, DM_ALBUMINURIA, m, v->date, v->value);
	/* DM_PREVALENCE: the first diagnosis, written by dm_compute */
}

/* Every DM_* but DM_PREVALENCE, for a listed diabetic in month m. */
static void mark_month(const struct dm_state *s, size_t m, struct kv_result_block *out)
{
	const kv_date r = s->months.ref[m], from = s->months.from[m];
	for (int i = DM_PREVALENCE + 1; i < DM_N_INDICATORS; i++)
		kv_ind_mark(out, (size_t)i, m, KV_IN_DENOMINATOR);
	if (kv_ind_days_any_in(&s->checks, from, r))
		kv_ind_mark(out, DM_ANNUAL_CHECK, m, KV_IN_NUMERATOR);
	mark_hba1c(s, m, from, r, out);
	mark_bp(s, m, from, r, out);
	if (kv_ind_treated(&s->statin, from, r))
		kv_ind_mark(out, DM_STATIN, m, KV_IN_NUMERATOR);
	mark_uacr(s, m, from, r, out);
	if (KV_RESULT_HAS_DECISIVE(out))
		dm_decisive(s, m, r, out);
}

static int dm_compute(const struct kv_call *call, const struct kv_patient *p,
		      struct kv_result_block *out)
{
	struct dm_state *s = call->state;
	struct kv_ind_months *mo = &s->months;
	/* DM_PREVALENCE for every month; mo->flag[m]: a listed diabetic, in
	 * the denominator of every other DM_* indicator. */
	kv_date since = kv_ind_first_diagnosis(call->host, s->sets.diabetes, p);
	if (!kv_ind_mark_prevalence(p, since, mo, out, DM_PREVALENCE))
		return KV_OK;
	if (collect(call, s, p) != KV_OK)
		return KV_ERROR;
	const bool decisive = KV_RESULT_HAS_DECISIVE(out);
	for (size_t m = 0; m < mo->n; m++) {
		if (!mo->flag[m])
			continue;
		mark_month(s, m, out);
		if (decisive) /* in DM_PREVALENCE's numerator: since <= R */
			kv_ind_decisive(out, DM_PREVALENCE, m, since, NAN);
	}
	return KV_OK;
}

static void dm_fini(const struct kv_call *call)
{
	dm_free(call->state);
}

KV_INDICATOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_INDICATOR, struct kv_indicator_plugin, "diabetes", "1.0.0",
			 "diabetes care: prevalence, Noklus annual check, HbA1c, blood "
			 "pressure, statin, albuminuria"),
	KV_SETTINGS(struct dm_settings, dm_keys),
	KV_INDICATORS(dm_defs),
	.init = dm_init,
	.compute = dm_compute,
	.fini = dm_fini,
};
