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
 * events once into sorted per-day series (dm_series.h) and answers every
 * month of the run from them by binary search.
 */
#include "kvalind/kv_plugin.h"

#include <stdlib.h>

#include "dm_series.h"

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
	},
	[DM_ANNUAL_CHECK] = {
		.id = "DM_ANNUAL_CHECK", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_FORMS | KV_PROVIDES_FEES,
		.title = "diabetics with a Noklus annual check in 12 months",
		.title_nb = "diabetikere med årskontroll (Noklus) siste 12 måneder",
		.numerator = "a Noklus diabetes form or a valid Noklus fee (105, 100; 109, 109a, 109b until 2022-06-30) in W12",
		.denominator = "listed patients with diabetes",
		.direction = KV_HIGHER_IS_BETTER,
	},
	[DM_HBA1C_MEASURED] = {
		.id = "DM_HBA1C_MEASURED", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_LABS,
		.title = "diabetics with HbA1c measured in 12 months",
		.title_nb = "diabetikere med målt HbA1c siste 12 måneder",
		.numerator = "an HbA1c result (numeric or text) in W12",
		.denominator = "listed patients with diabetes",
		.direction = KV_HIGHER_IS_BETTER,
	},
	[DM_HBA1C_LT52] = {
		.id = "DM_HBA1C_LT52", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_LABS,
		.title = "diabetics with last HbA1c below 52 mmol/mol",
		.title_nb = "diabetikere med siste HbA1c under 52 mmol/mol",
		.numerator = "the last numeric HbA1c in W12 is below 52 mmol/mol",
		.denominator = "listed patients with diabetes",
		.direction = KV_HIGHER_IS_BETTER,
	},
	[DM_HBA1C_52_70] = {
		.id = "DM_HBA1C_52_70", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_LABS,
		.title = "diabetics with last HbA1c 52-70 mmol/mol",
		.title_nb = "diabetikere med siste HbA1c 52-70 mmol/mol",
		.numerator = "the last numeric HbA1c in W12 is 52 to 70 mmol/mol",
		.denominator = "listed patients with diabetes",
		.direction = KV_NEITHER_IS_BETTER,
	},
	[DM_HBA1C_GT70] = {
		.id = "DM_HBA1C_GT70", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_LABS,
		.title = "diabetics with last HbA1c above 70 mmol/mol",
		.title_nb = "diabetikere med siste HbA1c over 70 mmol/mol",
		.numerator = "the last numeric HbA1c in W12 is above 70 mmol/mol",
		.denominator = "listed patients with diabetes",
		.direction = KV_LOWER_IS_BETTER,
	},
	[DM_BP_MEASURED] = {
		.id = "DM_BP_MEASURED", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_BLOOD_PRESSURE,
		.title = "diabetics with blood pressure measured in 12 months",
		.title_nb = "diabetikere med målt blodtrykk siste 12 måneder",
		.numerator = "a blood pressure reading in W12",
		.denominator = "listed patients with diabetes",
		.direction = KV_HIGHER_IS_BETTER,
	},
	[DM_BP_LE140_85] = {
		.id = "DM_BP_LE140_85", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_BLOOD_PRESSURE,
		.title = "diabetics with last blood pressure at most 140/85",
		.title_nb = "diabetikere med siste blodtrykk høyst 140/85",
		.numerator = "the last blood pressure in W12 has systolic <= 140 and diastolic <= 85",
		.denominator = "listed patients with diabetes",
		.direction = KV_HIGHER_IS_BETTER,
	},
	[DM_BP_141_149] = {
		.id = "DM_BP_141_149", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_BLOOD_PRESSURE,
		.title = "diabetics with last blood pressure between the bands",
		.title_nb = "diabetikere med siste blodtrykk mellom grensene",
		.numerator = "the last blood pressure in W12 is in neither of the other two bands",
		.denominator = "listed patients with diabetes",
		.direction = KV_NEITHER_IS_BETTER,
	},
	[DM_BP_GE150_90] = {
		.id = "DM_BP_GE150_90", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_BLOOD_PRESSURE,
		.title = "diabetics with last blood pressure at least 150 or 90",
		.title_nb = "diabetikere med siste blodtrykk minst 150 eller 90",
		.numerator = "the last blood pressure in W12 has systolic >= 150 or diastolic >= 90",
		.denominator = "listed patients with diabetes",
		.direction = KV_LOWER_IS_BETTER,
	},
	[DM_STATIN] = {
		.id = "DM_STATIN", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_MEDICATIONS | KV_PROVIDES_PRESCRIPTIONS,
		.title = "diabetics treated with a statin",
		.title_nb = "diabetikere som bruker statin",
		.numerator = "a regular statin in use at R or a statin prescription in W12",
		.denominator = "listed patients with diabetes",
		.direction = KV_HIGHER_IS_BETTER,
	},
	[DM_UACR_MEASURED] = {
		.id = "DM_UACR_MEASURED", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_LABS,
		.title = "diabetics with albuminuria assessed in 12 months",
		.title_nb = "diabetikere med opplysning om albuminuri siste 12 måneder",
		.numerator = "a urine albumin/creatinine result in W12",
		.denominator = "listed patients with diabetes",
		.direction = KV_HIGHER_IS_BETTER,
	},
	[DM_ALBUMINURIA] = {
		.id = "DM_ALBUMINURIA", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_LABS,
		.title = "diabetics with signs of albuminuria",
		.title_nb = "diabetikere med tegn på albuminuri",
		.numerator = "the last numeric urine albumin/creatinine in W12 is >= 3 mg/mmol",
		.denominator = "listed patients with diabetes",
		.direction = KV_NEITHER_IS_BETTER,
	},
};

/* ---- configuration ------------------------------------------------------ */

static const struct kv_config_key dm_keys[] = {
	{"hba1c_low", KV_CONFIG_INT, "52", false, "20..200",
	 "HbA1c in mmol/mol below which the last result counts in DM_HBA1C_LT52 (and from "
	 "which it counts in DM_HBA1C_52_70)"},
	{"hba1c_high", KV_CONFIG_INT, "70", false, "20..200",
	 "HbA1c in mmol/mol up to which the last result counts in DM_HBA1C_52_70 (above it, "
	 "DM_HBA1C_GT70)"},
	{"bp_good_systolic", KV_CONFIG_INT, "140", false, "50..300",
	 "highest systolic mmHg of a blood pressure in DM_BP_LE140_85"},
	{"bp_good_diastolic", KV_CONFIG_INT, "85", false, "20..200",
	 "highest diastolic mmHg of a blood pressure in DM_BP_LE140_85"},
	{"bp_high_systolic", KV_CONFIG_INT, "150", false, "50..300",
	 "systolic mmHg from which a blood pressure counts in DM_BP_GE150_90"},
	{"bp_high_diastolic", KV_CONFIG_INT, "90", false, "20..200",
	 "diastolic mmHg from which a blood pressure counts in DM_BP_GE150_90"},
	{"uacr_albuminuria", KV_CONFIG_INT, "3", false, "1..1000",
	 "urine albumin/creatinine ratio in mg/mmol from which the last result counts as "
	 "albuminuria"},
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
	const struct kv_host *host;
	struct kv_ctx *ctx;
	struct dm_limits lim;
	struct dm_sets sets;
	size_t n_months;
	kv_date *ref;       /* R of each month */
	kv_date *w12_from;  /* first day of W12 of each month */
	uint8_t *diabetic;  /* per month, scratch: listed with diabetes at R */

	/* Scratch series of the current patient (dm_series.h). */
	struct dm_dates checks;       /* Noklus form or fee */
	struct dm_dates hba1c_rows;   /* every HbA1c result, numeric or not */
	struct dm_values hba1c;       /* numeric HbA1c in mmol/mol, day maximum */
	struct dm_dates uacr_rows;    /* every UACR result */
	struct dm_values uacr;        /* numeric UACR, day maximum */
	struct dm_bps bp;             /* worst reading of each day */
	struct dm_dates statin_rx;    /* statin prescriptions */
	struct dm_periods statin_use; /* regular statins on the medication list */
};

static void dm_fini(void *state)
{
	struct dm_state *s = state;
	if (s == NULL)
		return;
	dm_dates_free(&s->checks);
	dm_dates_free(&s->hba1c_rows);
	dm_values_free(&s->hba1c);
	dm_dates_free(&s->uacr_rows);
	dm_values_free(&s->uacr);
	dm_bps_free(&s->bp);
	dm_dates_free(&s->statin_rx);
	dm_periods_free(&s->statin_use);
	free(s->ref);
	free(s->w12_from);
	free(s->diabetic);
	free(s);
}

/* ---- init ---------------------------------------------------------------- */

static int read_limits(struct dm_state *s)
{
	const struct kv_host *h = s->host;
	struct dm_limits *l = &s->lim;
	l->hba1c_low = (double)h->config_int(s->ctx, "hba1c_low");
	l->hba1c_high = (double)h->config_int(s->ctx, "hba1c_high");
	l->good_systolic = (int)h->config_int(s->ctx, "bp_good_systolic");
	l->good_diastolic = (int)h->config_int(s->ctx, "bp_good_diastolic");
	l->high_systolic = (int)h->config_int(s->ctx, "bp_high_systolic");
	l->high_diastolic = (int)h->config_int(s->ctx, "bp_high_diastolic");
	l->uacr_albuminuria = (double)h->config_int(s->ctx, "uacr_albuminuria");
	/* The bands must not overlap, or a patient would be in two of them. */
	if (l->hba1c_low > l->hba1c_high) {
		h->set_error(s->ctx, "hba1c_low (%g) must not exceed hba1c_high (%g)",
			     l->hba1c_low, l->hba1c_high);
		return KV_ERROR;
	}
	if (l->good_systolic >= l->high_systolic || l->good_diastolic >= l->high_diastolic) {
		h->set_error(s->ctx,
			     "bp_good_systolic/bp_good_diastolic (%d/%d) must be below "
			     "bp_high_systolic/bp_high_diastolic (%d/%d)",
			     l->good_systolic, l->good_diastolic, l->high_systolic,
			     l->high_diastolic);
		return KV_ERROR;
	}
	return KV_OK;
}

/* Look a value set up; fail init naming it when it is missing. */
static int need_set(struct dm_state *s, const char *name, const struct kv_value_set **out)
{
	*out = s->host->value_set(s->ctx, name);
	if (*out == NULL) {
		s->host->set_error(s->ctx, "value set %s is missing from the value-set file",
				   name);
		return KV_ERROR;
	}
	return KV_OK;
}

static int read_sets(struct dm_state *s)
{
	struct dm_sets *v = &s->sets;
	if (need_set(s, "DIABETES", &v->diabetes) != KV_OK ||
	    need_set(s, "HBA1C_MMOL", &v->hba1c_mmol) != KV_OK ||
	    need_set(s, "HBA1C_PERCENT", &v->hba1c_percent) != KV_OK ||
	    need_set(s, "UACR", &v->uacr) != KV_OK ||
	    need_set(s, "NOKLUS_FORM_FEE", &v->noklus_fee) != KV_OK ||
	    need_set(s, "NOKLUS_FORM", &v->noklus_form) != KV_OK ||
	    need_set(s, "STATIN", &v->statin) != KV_OK)
		return KV_ERROR;
	return KV_OK;
}

/* R and the first day of W12 (month m-11) of every month of the run. */
static int read_months(struct dm_state *s, const struct kv_run *run)
{
	s->n_months = run->n_months;
	size_t n = run->n_months ? run->n_months : 1;
	s->ref = calloc(n, sizeof *s->ref);
	s->w12_from = calloc(n, sizeof *s->w12_from);
	s->diabetic = calloc(n, sizeof *s->diabetic);
	if (s->ref == NULL || s->w12_from == NULL || s->diabetic == NULL) {
		s->host->set_error(s->ctx, "out of memory");
		return KV_ERROR;
	}
	for (size_t m = 0; m < run->n_months; m++) {
		s->ref[m] = run->reference_dates[m];
		s->w12_from[m] = kv_month_first_day(kv_month_of(s->ref[m]) - 11);
	}
	return KV_OK;
}

static int dm_init(const struct kv_host *host, struct kv_ctx *ctx, const struct kv_run *run,
		   void **state)
{
	*state = NULL;
	struct dm_state *s = calloc(1, sizeof *s);
	if (s == NULL) {
		host->set_error(ctx, "out of memory");
		return KV_ERROR;
	}
	s->host = host;
	s->ctx = ctx;
	if (read_limits(s) != KV_OK || read_sets(s) != KV_OK || read_months(s, run) != KV_OK) {
		dm_fini(s);
		return KV_ERROR;
	}
	*state = s;
	return KV_OK;
}

/* ---- population ---------------------------------------------------------- */

/* In L(R): a list period covering R (valid_to exclusive) and alive at R. */
static bool listed_at(const struct kv_patient *p, kv_date r)
{
	if (p->death <= r)
		return false;
	for (size_t i = 0; i < p->n_periods; i++)
		if (p->periods[i].from <= r && r < p->periods[i].to)
			return true;
	return false;
}

/* The earliest DIABETES diagnosis, KV_DATE_OPEN when there is none. */
static kv_date diabetes_since(const struct dm_state *s, const struct kv_patient *p)
{
	kv_date first = KV_DATE_OPEN;
	for (size_t i = 0; i < p->n_diagnoses; i++) {
		const struct kv_diagnosis *d = &p->diagnoses[i];
		if (d->date < first &&
		    s->host->in_value_set(s->sets.diabetes, (enum kv_code_kind)d->system, d->code,
					  d->date))
			first = d->date;
	}
	return first;
}

static void mark(struct kv_result_block *out, enum dm_indicator i, size_t m, uint8_t bits)
{
	out->flags[(size_t)i * out->n_months + m] |= bits;
}

/* DM_PREVALENCE for every month; s->diabetic[m] tells the other indicators
 * whether the patient is in their denominator. True when in any. */
static bool mark_population(struct dm_state *s, const struct kv_patient *p,
			    struct kv_result_block *out)
{
	kv_date since = diabetes_since(s, p);
	bool any = false;
	for (size_t m = 0; m < s->n_months; m++) {
		s->diabetic[m] = 0;
		if (!listed_at(p, s->ref[m]))
			continue;
		mark(out, DM_PREVALENCE, m, KV_IN_DENOMINATOR);
		if (since <= s->ref[m]) {
			mark(out, DM_PREVALENCE, m, KV_IN_NUMERATOR);
			s->diabetic[m] = 1;
			any = true;
		}
	}
	return any;
}

/* ---- the patient's series ------------------------------------------------ */

/* Noklus form completed or Noklus fee billed (valid on its date). */
static void collect_checks(struct dm_state *s, const struct kv_patient *p)
{
	const struct kv_host *h = s->host;
	for (size_t i = 0; i < p->n_forms; i++)
		if (h->in_value_set(s->sets.noklus_form, KV_CODES_FORM, p->forms[i].type,
				    p->forms[i].date))
			dm_dates_add(&s->checks, p->forms[i].date);
	for (size_t i = 0; i < p->n_fees; i++)
		if (h->in_value_set(s->sets.noklus_fee, KV_CODES_FEE, p->fees[i].code,
				    p->fees[i].date))
			dm_dates_add(&s->checks, p->fees[i].date);
	dm_dates_finish(&s->checks);
}

/* HbA1c (either unit, converted to mmol/mol) and UACR results. */
static void collect_labs(struct dm_state *s, const struct kv_patient *p)
{
	const struct kv_host *h = s->host;
	for (size_t i = 0; i < p->n_labs; i++) {
		const struct kv_lab_result *l = &p->labs[i];
		if (h->in_value_set(s->sets.hba1c_mmol, KV_CODES_ANALYSIS, l->code, l->date)) {
			dm_dates_add(&s->hba1c_rows, l->date);
			if (l->has_value)
				dm_values_add(&s->hba1c, l->date, l->value);
		} else if (h->in_value_set(s->sets.hba1c_percent, KV_CODES_ANALYSIS, l->code,
					   l->date)) {
			dm_dates_add(&s->hba1c_rows, l->date);
			if (l->has_value)
				dm_values_add(&s->hba1c, l->date,
					      HBA1C_IFCC_PER_DCCT * l->value - HBA1C_IFCC_OFFSET);
		} else if (h->in_value_set(s->sets.uacr, KV_CODES_ANALYSIS, l->code, l->date)) {
			dm_dates_add(&s->uacr_rows, l->date);
			if (l->has_value)
				dm_values_add(&s->uacr, l->date, l->value);
		}
	}
	dm_dates_finish(&s->hba1c_rows);
	dm_values_finish(&s->hba1c);
	dm_dates_finish(&s->uacr_rows);
	dm_values_finish(&s->uacr);
}

static void collect_bps(struct dm_state *s, const struct kv_patient *p)
{
	for (size_t i = 0; i < p->n_bps; i++)
		dm_bps_add(&s->bp, p->bps[i].date, p->bps[i].systolic, p->bps[i].diastolic);
	dm_bps_finish(&s->bp);
}

/* Regular statins on the medication list and statin prescriptions. The
 * value set is asked on the row's start / issue date. */
static void collect_statins(struct dm_state *s, const struct kv_patient *p)
{
	const struct kv_host *h = s->host;
	for (size_t i = 0; i < p->n_medications; i++) {
		const struct kv_medication *md = &p->medications[i];
		if (md->use_type == KV_USE_REGULAR && md->start < md->stop &&
		    h->in_value_set(s->sets.statin, KV_CODES_ATC, md->atc, md->start))
			dm_periods_add(&s->statin_use, md->start, md->stop);
	}
	for (size_t i = 0; i < p->n_prescriptions; i++) {
		const struct kv_prescription *rx = &p->prescriptions[i];
		if (h->in_value_set(s->sets.statin, KV_CODES_ATC, rx->atc, rx->date))
			dm_dates_add(&s->statin_rx, rx->date);
	}
	dm_dates_finish(&s->statin_rx);
}

static int collect(struct dm_state *s, const struct kv_patient *p)
{
	if (dm_dates_reset(&s->checks, p->n_forms + p->n_fees) != 0 ||
	    dm_dates_reset(&s->hba1c_rows, p->n_labs) != 0 ||
	    dm_values_reset(&s->hba1c, p->n_labs) != 0 ||
	    dm_dates_reset(&s->uacr_rows, p->n_labs) != 0 ||
	    dm_values_reset(&s->uacr, p->n_labs) != 0 ||
	    dm_bps_reset(&s->bp, p->n_bps) != 0 ||
	    dm_dates_reset(&s->statin_rx, p->n_prescriptions) != 0 ||
	    dm_periods_reset(&s->statin_use, p->n_medications) != 0) {
		s->host->set_error(s->ctx, "out of memory for a patient's events");
		return KV_ERROR;
	}
	collect_checks(s, p);
	collect_labs(s, p);
	collect_bps(s, p);
	collect_statins(s, p);
	return KV_OK;
}

/* ---- one month ----------------------------------------------------------- */

static void mark_hba1c(const struct dm_state *s, size_t m, kv_date from, kv_date r,
		       struct kv_result_block *out)
{
	if (dm_dates_any_in(&s->hba1c_rows, from, r))
		mark(out, DM_HBA1C_MEASURED, m, KV_IN_NUMERATOR);
	const struct dm_day_value *last = dm_values_last_in(&s->hba1c, from, r);
	if (last == NULL)
		return;
	if (last->value < s->lim.hba1c_low)
		mark(out, DM_HBA1C_LT52, m, KV_IN_NUMERATOR);
	else if (last->value <= s->lim.hba1c_high)
		mark(out, DM_HBA1C_52_70, m, KV_IN_NUMERATOR);
	else
		mark(out, DM_HBA1C_GT70, m, KV_IN_NUMERATOR);
}

static void mark_bp(const struct dm_state *s, size_t m, kv_date from, kv_date r,
		    struct kv_result_block *out)
{
	const struct dm_day_bp *last = dm_bps_last_in(&s->bp, from, r);
	if (last == NULL)
		return;
	mark(out, DM_BP_MEASURED, m, KV_IN_NUMERATOR);
	const struct dm_limits *l = &s->lim;
	if (last->systolic <= l->good_systolic && last->diastolic <= l->good_diastolic)
		mark(out, DM_BP_LE140_85, m, KV_IN_NUMERATOR);
	else if (last->systolic >= l->high_systolic || last->diastolic >= l->high_diastolic)
		mark(out, DM_BP_GE150_90, m, KV_IN_NUMERATOR);
	else
		mark(out, DM_BP_141_149, m, KV_IN_NUMERATOR);
}

static void mark_uacr(const struct dm_state *s, size_t m, kv_date from, kv_date r,
		      struct kv_result_block *out)
{
	if (dm_dates_any_in(&s->uacr_rows, from, r))
		mark(out, DM_UACR_MEASURED, m, KV_IN_NUMERATOR);
	const struct dm_day_value *last = dm_values_last_in(&s->uacr, from, r);
	if (last != NULL && last->value >= s->lim.uacr_albuminuria)
		mark(out, DM_ALBUMINURIA, m, KV_IN_NUMERATOR);
}

/* Every DM_* but DM_PREVALENCE, for a listed diabetic in month m. */
static void mark_month(const struct dm_state *s, size_t m, struct kv_result_block *out)
{
	const kv_date r = s->ref[m], from = s->w12_from[m];
	for (int i = DM_PREVALENCE + 1; i < DM_N_INDICATORS; i++)
		mark(out, (enum dm_indicator)i, m, KV_IN_DENOMINATOR);
	if (dm_dates_any_in(&s->checks, from, r))
		mark(out, DM_ANNUAL_CHECK, m, KV_IN_NUMERATOR);
	mark_hba1c(s, m, from, r, out);
	mark_bp(s, m, from, r, out);
	if (dm_periods_cover(&s->statin_use, r) || dm_dates_any_in(&s->statin_rx, from, r))
		mark(out, DM_STATIN, m, KV_IN_NUMERATOR);
	mark_uacr(s, m, from, r, out);
}

static int dm_compute(void *state, const struct kv_patient *p, struct kv_result_block *out)
{
	struct dm_state *s = state;
	if (out->n_indicators != DM_N_INDICATORS || out->n_months != s->n_months) {
		s->host->set_error(s->ctx, "result block is %zu x %zu, expected %d x %zu",
				   out->n_indicators, out->n_months, DM_N_INDICATORS,
				   s->n_months);
		return KV_ERROR;
	}
	if (!mark_population(s, p, out))
		return KV_OK;
	if (collect(s, p) != KV_OK)
		return KV_ERROR;
	for (size_t m = 0; m < s->n_months; m++)
		if (s->diabetic[m])
			mark_month(s, m, out);
	return KV_OK;
}

KV_INDICATOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_INDICATOR, struct kv_indicator_plugin, "diabetes", "1.0.0",
			 "diabetes care: prevalence, Noklus annual check, HbA1c, blood "
			 "pressure, statin, albuminuria"),
	KV_CONFIG_KEYS(dm_keys),
	KV_INDICATORS(dm_defs),
	.init = dm_init,
	.compute = dm_compute,
	.fini = dm_fini,
};
