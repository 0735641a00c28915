/*
 * risk_patients.c - the "risk_patients" indicator plugin:
 * RISK_LOST_TO_FOLLOWUP and RISK_HIGH_RISK_DRUGS of the indicator catalogue
 * (indicators.md, section Risk patients)
 *
 * RISK_LOST_TO_FOLLOWUP ("gått regelmessig til oppfølging, men blitt
 * borte"): D = L(R) with face-to-face contacts (consultation, home visit,
 * video; with anyone at the office) on at least `min_contact_days` distinct
 * days in each of the `followup_windows` windows of `window_months` whole
 * calendar months before W12 - by default months m-35..m-24 and m-23..m-12
 * (precise rule 13: distinct days). N = of those, no face-to-face contact in
 * W12 (months m-11..m, up to R).
 *
 * RISK_HIGH_RISK_DRUGS: D = L(R) aged `min_age` (65) or more in completed
 * years at R (precise rule 7). N = of those, a regular drug of
 * HIGH_RISK_ELDERLY in use at R: a medication-list row with use_type
 * regular, start <= R < stop (precise rule 14: the medication list's
 * regular drugs only, never prescriptions or as-needed/course rows).
 *
 * compute() collects a patient's face-to-face days once (sorted, distinct)
 * and counts the days of each window by binary search.
 */
#include "kvalind/kv_plugin.h"

#include <stdint.h>
#include <stdlib.h>

enum risk_indicator { RISK_LOST_TO_FOLLOWUP = 0, RISK_HIGH_RISK_DRUGS, RISK_N_INDICATORS };

static const struct kv_indicator_def risk_defs[RISK_N_INDICATORS] = {
	[RISK_LOST_TO_FOLLOWUP] = {
		.id = "RISK_LOST_TO_FOLLOWUP", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = KV_PROVIDES_LIST_PERIODS | KV_PROVIDES_CONTACTS,
		.title = "patients in regular follow-up who have not been seen for 12 months",
		.title_nb = "pasienter som har gått regelmessig til oppfølging, men blitt borte",
		.numerator = "no face-to-face contact in W12",
		.denominator = "listed patients with face-to-face contacts on 2 or more days in "
			       "each of months m-35..m-24 and m-23..m-12",
		.direction = KV_LOWER_IS_BETTER,
	},
	[RISK_HIGH_RISK_DRUGS] = {
		.id = "RISK_HIGH_RISK_DRUGS", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = KV_PROVIDES_LIST_PERIODS | KV_PROVIDES_MEDICATIONS,
		.title = "patients 65 or older on a high-risk drug for the elderly",
		.title_nb = "pasienter 65 år eller eldre som bruker legemiddel med høy risiko "
			    "for eldre",
		.numerator = "a regular drug of HIGH_RISK_ELDERLY in use at R",
		.denominator = "listed patients aged 65 or more at R",
		.direction = KV_LOWER_IS_BETTER,
	},
};

static const struct kv_config_key risk_keys[] = {
	{"window_months", KV_CONFIG_INT, "12", false, "1..60",
	 "calendar months of W12, in which a lost patient had no face-to-face contact, and of "
	 "each earlier window of RISK_LOST_TO_FOLLOWUP"},
	{"followup_windows", KV_CONFIG_INT, "2", false, "1..10",
	 "consecutive windows before W12 in each of which RISK_LOST_TO_FOLLOWUP requires "
	 "regular face-to-face contact"},
	{"min_contact_days", KV_CONFIG_INT, "2", false, "1..366",
	 "distinct days with a face-to-face contact required in each earlier window of "
	 "RISK_LOST_TO_FOLLOWUP"},
	{"min_age", KV_CONFIG_INT, "65", false, "0..150",
	 "age in completed years at R from which a listed patient is in "
	 "RISK_HIGH_RISK_DRUGS's denominator"},
};

/* A period [start, stop) of a regular HIGH_RISK_ELDERLY drug. */
struct risk_period {
	kv_date start;
	kv_date stop;
};

struct risk_state {
	const struct kv_host *host;
	struct kv_ctx *ctx;
	const struct kv_value_set *high_risk;
	int min_age;
	size_t min_days;
	size_t n_windows;     /* earlier windows per month */
	size_t n_months;
	kv_date *ref;         /* R of each month */
	kv_date *w12_from;    /* first day of W12 of each month */
	kv_date *early_from;  /* [m * n_windows + j]: first day of earlier window j */
	kv_date *early_to;    /* [m * n_windows + j]: its last day */
	uint8_t *listed;      /* per month, scratch: in L(R) */

	/* Scratch of the current patient, reused: grows to the largest. */
	kv_date *days;        /* distinct face-to-face days, sorted */
	size_t n_days, cap_days;
	struct risk_period *drugs;
	size_t n_drugs, cap_drugs;
};

static void risk_fini(void *state)
{
	struct risk_state *s = state;
	if (s == NULL)
		return;
	free(s->ref);
	free(s->w12_from);
	free(s->early_from);
	free(s->early_to);
	free(s->listed);
	free(s->days);
	free(s->drugs);
	free(s);
}

/* ---- init ---------------------------------------------------------------- */

/* R, W12 and the earlier windows of every month: window j (0 = the one just
 * before W12) is months M-(j+2)w+1 .. M-(j+1)w, whole calendar months. */
static int read_months(struct risk_state *s, const struct kv_run *run, int window)
{
	s->n_months = run->n_months;
	size_t n = run->n_months ? run->n_months : 1;
	s->ref = calloc(n, sizeof *s->ref);
	s->w12_from = calloc(n, sizeof *s->w12_from);
	s->early_from = calloc(n * s->n_windows, sizeof *s->early_from);
	s->early_to = calloc(n * s->n_windows, sizeof *s->early_to);
	s->listed = calloc(n, sizeof *s->listed);
	if (s->ref == NULL || s->w12_from == NULL || s->early_from == NULL ||
	    s->early_to == NULL || s->listed == NULL) {
		s->host->set_error(s->ctx, "out of memory");
		return KV_ERROR;
	}
	for (size_t m = 0; m < run->n_months; m++) {
		kv_month month = kv_month_of(run->reference_dates[m]);
		s->ref[m] = run->reference_dates[m];
		s->w12_from[m] = kv_month_first_day(month - (window - 1));
		for (size_t j = 0; j < s->n_windows; j++) {
			kv_month last = month - (kv_month)(j + 1) * window;
			s->early_from[m * s->n_windows + j] = kv_month_first_day(last - (window - 1));
			s->early_to[m * s->n_windows + j] = kv_month_last_day(last);
		}
	}
	return KV_OK;
}

static int risk_init(const struct kv_host *host, struct kv_ctx *ctx, const struct kv_run *run,
		     void **state)
{
	*state = NULL;
	struct risk_state *s = calloc(1, sizeof *s);
	if (s == NULL) {
		host->set_error(ctx, "out of memory");
		return KV_ERROR;
	}
	s->host = host;
	s->ctx = ctx;
	int64_t window = host->config_int(ctx, "window_months");
	int64_t windows = host->config_int(ctx, "followup_windows");
	int64_t days = host->config_int(ctx, "min_contact_days");
	s->min_age = (int)host->config_int(ctx, "min_age");
	if (window < 1 || window > 600 || windows < 1 || windows > 100 || days < 1) {
		host->set_error(ctx,
				"window_months (%lld), followup_windows (%lld) and "
				"min_contact_days (%lld) must be at least 1",
				(long long)window, (long long)windows, (long long)days);
		risk_fini(s);
		return KV_ERROR;
	}
	s->n_windows = (size_t)windows;
	s->min_days = (size_t)days;
	s->high_risk = host->value_set(ctx, "HIGH_RISK_ELDERLY");
	if (s->high_risk == NULL) {
		host->set_error(ctx,
				"value set HIGH_RISK_ELDERLY is missing from the value-set file");
		risk_fini(s);
		return KV_ERROR;
	}
	if (read_months(s, run, (int)window) != KV_OK) {
		risk_fini(s);
		return KV_ERROR;
	}
	*state = s;
	return KV_OK;
}

/* ---- scratch ------------------------------------------------------------- */

static int reserve(void **buf, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t want = *cap ? *cap : 16;
	while (want < need)
		want *= 2;
	if (want > SIZE_MAX / size)
		return -1;
	void *p = realloc(*buf, want * size);
	if (p == NULL)
		return -1;
	*buf = p;
	*cap = want;
	return 0;
}

/* ---- the patient ----------------------------------------------------------- */

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

static int cmp_date(const void *a, const void *b)
{
	kv_date x = *(const kv_date *)a, y = *(const kv_date *)b;
	return (x > y) - (x < y);
}

/* The distinct days with a face-to-face contact, sorted. */
static void collect_days(struct risk_state *s, const struct kv_patient *p)
{
	s->n_days = 0;
	bool sorted = true;
	for (size_t i = 0; i < p->n_contacts; i++) {
		if (!kv_contact_is_face_to_face(p->contacts[i].kind))
			continue;
		kv_date d = p->contacts[i].date;
		if (s->n_days > 0 && d < s->days[s->n_days - 1])
			sorted = false;
		s->days[s->n_days++] = d;
	}
	if (!sorted)
		qsort(s->days, s->n_days, sizeof *s->days, cmp_date);
	size_t w = 0;
	for (size_t i = 0; i < s->n_days; i++)
		if (w == 0 || s->days[i] != s->days[w - 1])
			s->days[w++] = s->days[i];
	s->n_days = w;
}

/* How many days of the series are < date (strictly) or <= date. */
static size_t days_before(const struct risk_state *s, kv_date date, bool strictly)
{
	size_t lo = 0, hi = s->n_days;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strictly ? s->days[mid] < date : s->days[mid] <= date)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Distinct face-to-face days in [from, to]. */
static size_t days_in(const struct risk_state *s, kv_date from, kv_date to)
{
	if (from > to)
		return 0;
	return days_before(s, to, false) - days_before(s, from, true);
}

static bool followed_up(const struct risk_state *s, size_t m)
{
	for (size_t j = 0; j < s->n_windows; j++) {
		size_t k = m * s->n_windows + j;
		if (days_in(s, s->early_from[k], s->early_to[k]) < s->min_days)
			return false;
	}
	return true;
}

static void mark_lost(struct risk_state *s, const struct kv_patient *p,
		      struct kv_result_block *out)
{
	if (p->n_contacts == 0)
		return;
	collect_days(s, p);
	if (s->n_days < s->min_days * s->n_windows)
		return;
	uint8_t *flags = out->flags + (size_t)RISK_LOST_TO_FOLLOWUP * out->n_months;
	for (size_t m = 0; m < s->n_months; m++) {
		if (!s->listed[m] || !followed_up(s, m))
			continue;
		flags[m] = KV_IN_DENOMINATOR;
		if (days_in(s, s->w12_from[m], s->ref[m]) == 0)
			flags[m] |= KV_IN_NUMERATOR;
	}
}

/* Regular HIGH_RISK_ELDERLY rows of the medication list. The value set is
 * asked on the row's start date. */
static void collect_drugs(struct risk_state *s, const struct kv_patient *p)
{
	s->n_drugs = 0;
	for (size_t i = 0; i < p->n_medications; i++) {
		const struct kv_medication *md = &p->medications[i];
		if (md->use_type == KV_USE_REGULAR && md->start < md->stop &&
		    s->host->in_value_set(s->high_risk, KV_CODES_ATC, md->atc, md->start))
			s->drugs[s->n_drugs++] = (struct risk_period){md->start, md->stop};
	}
}

static bool drug_in_use(const struct risk_state *s, kv_date r)
{
	for (size_t i = 0; i < s->n_drugs; i++)
		if (s->drugs[i].start <= r && r < s->drugs[i].stop)
			return true;
	return false;
}

static void mark_drugs(struct risk_state *s, const struct kv_patient *p,
		       struct kv_result_block *out)
{
	collect_drugs(s, p);
	uint8_t *flags = out->flags + (size_t)RISK_HIGH_RISK_DRUGS * out->n_months;
	for (size_t m = 0; m < s->n_months; m++) {
		if (!s->listed[m] || kv_age_at(p->birth, s->ref[m]) < s->min_age)
			continue;
		flags[m] = KV_IN_DENOMINATOR;
		if (drug_in_use(s, s->ref[m]))
			flags[m] |= KV_IN_NUMERATOR;
	}
}

/* ---- compute ------------------------------------------------------------- */

static int risk_compute(void *state, const struct kv_patient *p, struct kv_result_block *out)
{
	struct risk_state *s = state;
	if (out->n_indicators != RISK_N_INDICATORS || out->n_months != s->n_months) {
		s->host->set_error(s->ctx, "result block is %zu x %zu, expected %d x %zu",
				   out->n_indicators, out->n_months, RISK_N_INDICATORS,
				   s->n_months);
		return KV_ERROR;
	}
	bool any = false;
	for (size_t m = 0; m < s->n_months; m++) {
		s->listed[m] = listed_at(p, s->ref[m]);
		any = any || s->listed[m];
	}
	if (!any)
		return KV_OK;
	if (reserve((void **)&s->days, &s->cap_days, p->n_contacts + 1, sizeof *s->days) != 0 ||
	    reserve((void **)&s->drugs, &s->cap_drugs, p->n_medications + 1,
		    sizeof *s->drugs) != 0) {
		s->host->set_error(s->ctx, "out of memory for a patient's events");
		return KV_ERROR;
	}
	mark_lost(s, p, out);
	mark_drugs(s, p, out);
	return KV_OK;
}

KV_INDICATOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_INDICATOR, struct kv_indicator_plugin, "risk_patients",
			 "1.0.0",
			 "risk patients: regular attenders lost to follow-up, high-risk drugs "
			 "for the elderly"),
	KV_CONFIG_KEYS(risk_keys),
	KV_INDICATORS(risk_defs),
	.init = risk_init,
	.compute = risk_compute,
	.fini = risk_fini,
};
