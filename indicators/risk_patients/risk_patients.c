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
#include <math.h>
#include <stdlib.h>

#include "kv_ind.h"

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
		.denominator_within = "listed",
		.decisive = "last face-to-face contact", .decisive_unit = NULL,
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
		/* ELD70_NO_CONTACT's denominator is within it (min_age at most 70) */
		.denominator_population = "aged_65plus", .denominator_within = "listed",
		.decisive = "high-risk drug since", .decisive_unit = NULL,
	},
};

/* The settings, filled by the core from the table below. */
struct risk_settings {
	int64_t window_months;
	int64_t followup_windows;
	int64_t min_contact_days;
	int64_t min_age;
};

static const struct kv_setting risk_keys[] = {
	KV_SETTING(struct risk_settings, window_months, KV_CONFIG_INT, "12", false, "1..60",
	 "calendar months of W12, in which a lost patient had no face-to-face contact, and of "
	 "each earlier window of RISK_LOST_TO_FOLLOWUP"),
	KV_SETTING(struct risk_settings, followup_windows, KV_CONFIG_INT, "2", false, "1..10",
	 "consecutive windows before W12 in each of which RISK_LOST_TO_FOLLOWUP requires "
	 "regular face-to-face contact"),
	KV_SETTING(struct risk_settings, min_contact_days, KV_CONFIG_INT, "2", false, "1..366",
	 "distinct days with a face-to-face contact required in each earlier window of "
	 "RISK_LOST_TO_FOLLOWUP"),
	KV_SETTING(struct risk_settings, min_age, KV_CONFIG_INT, "65", false, "0..70",
	 "age in completed years at R from which a listed patient is in "
	 "RISK_HIGH_RISK_DRUGS's denominator; at most 70, so that it holds ELD70_NO_CONTACT's "
	 "(min_age at least 70)"),
};

struct risk_state {
	const struct risk_settings *set; /* call->settings, borrowed */
	const struct kv_value_set *high_risk;
	int min_age;
	size_t min_days;
	size_t n_windows;     /* earlier windows per month */
	struct kv_ind_months months; /* R, first day of W12; flag: in L(R) */
	/* The earlier windows as month indices into upto: window j of month m
	 * holds upto[early_hi[k]] - upto[early_lo[k]] days, k = m * n_windows + j. */
	uint32_t *early_lo;   /* the month before the window's first */
	uint32_t *early_hi;   /* the window's last month */
	size_t n_upto;
	kv_date *month_end;   /* [i]: the last day of month i of upto */

	/* Scratch of the current patient, reused: grows to the largest. */
	struct kv_ind_days days;      /* distinct face-to-face days */
	uint32_t *upto;               /* [i]: days on or before month_end[i] */
	struct kv_ind_periods drugs;  /* regular HIGH_RISK_ELDERLY rows in use */
};

static void risk_free(void *state)
{
	struct risk_state *s = state;
	if (s == NULL)
		return;
	kv_ind_months_free(&s->months);
	free(s->early_lo);
	free(s->early_hi);
	free(s->month_end);
	free(s->upto);
	kv_ind_days_free(&s->days);
	kv_ind_periods_free(&s->drugs);
	free(s);
}

/* ---- init ---------------------------------------------------------------- */

/* R, W12 and the earlier windows of every month: window j (0 = the one just
 * before W12) is months M-(j+2)w+1 .. M-(j+1)w, whole calendar months. A
 * patient's days are counted once per month end (upto), so each window's
 * count is a difference of two of them. */
static int read_months(const struct kv_call *call, struct risk_state *s, const struct kv_run *run,
		       int window)
{
	if (kv_ind_months_init(&s->months, call->host, call->ctx, run, window) != KV_OK)
		return KV_ERROR;
	size_t n = run->n_months ? run->n_months : 1;
	s->early_lo = calloc(n * s->n_windows, sizeof *s->early_lo);
	s->early_hi = calloc(n * s->n_windows, sizeof *s->early_hi);
	if (s->early_lo == NULL || s->early_hi == NULL) {
		call->host->set_error(call->ctx, "out of memory");
		return KV_ERROR;
	}
	kv_month lo = 0, hi = 0;
	for (size_t m = 0; m < run->n_months; m++) {
		kv_month month = kv_month_of(run->reference_dates[m]);
		kv_month first = month - (kv_month)s->n_windows * window - (window - 1) - 1;
		kv_month last = month - window;
		if (m == 0 || first < lo)
			lo = first;
		if (m == 0 || last > hi)
			hi = last;
	}
	s->n_upto = run->n_months ? (size_t)(hi - lo + 1) : 1;
	s->month_end = calloc(s->n_upto, sizeof *s->month_end);
	s->upto = calloc(s->n_upto, sizeof *s->upto);
	if (s->month_end == NULL || s->upto == NULL) {
		call->host->set_error(call->ctx, "out of memory");
		return KV_ERROR;
	}
	for (size_t i = 0; run->n_months && i < s->n_upto; i++)
		s->month_end[i] = kv_month_last_day(lo + (kv_month)i);
	for (size_t m = 0; m < run->n_months; m++) {
		kv_month month = kv_month_of(run->reference_dates[m]);
		for (size_t j = 0; j < s->n_windows; j++) {
			kv_month last = month - (kv_month)(j + 1) * window;
			s->early_lo[m * s->n_windows + j] = (uint32_t)(last - (window - 1) - 1 - lo);
			s->early_hi[m * s->n_windows + j] = (uint32_t)(last - lo);
		}
	}
	return KV_OK;
}

static int risk_init(const struct kv_call *call, const struct kv_run *run,
		     struct kv_init_result *res)
{
	const struct kv_host *host = call->host;
	struct kv_ctx *ctx = call->ctx;
	struct risk_state *s = kv_ind_new_state(host, ctx, sizeof *s);
	if (s == NULL)
		return KV_ERROR;
	s->set = call->settings;
	int64_t window = s->set->window_months;
	int64_t windows = s->set->followup_windows;
	int64_t days = s->set->min_contact_days;
	s->min_age = (int)s->set->min_age;
	if (window < 1 || window > 600 || windows < 1 || windows > 100 || days < 1) {
		host->set_error(ctx,
				"window_months (%lld), followup_windows (%lld) and "
				"min_contact_days (%lld) must be at least 1",
				(long long)window, (long long)windows, (long long)days);
		risk_free(s);
		return KV_ERROR;
	}
	s->n_windows = (size_t)windows;
	s->min_days = (size_t)days;
	if ((s->high_risk = kv_ind_need_set(host, ctx, "HIGH_RISK_ELDERLY")) == NULL ||
	    read_months(call, s, run, (int)window) != KV_OK) {
		risk_free(s);
		return KV_ERROR;
	}
	/* lookback_months: W12 and followup_windows windows of window_months before it */
	res->lookback_months = kv_ind_window_lookback(s->set->window_months,
					     1 + (uint32_t)s->set->followup_windows);
	res->state = s;
	return KV_OK;
}

/* ---- the patient ----------------------------------------------------------- */

static bool followed_up(const struct risk_state *s, size_t m)
{
	for (size_t j = 0; j < s->n_windows; j++) {
		size_t k = m * s->n_windows + j;
		if (s->upto[s->early_hi[k]] - s->upto[s->early_lo[k]] < s->min_days)
			return false;
	}
	return true;
}

/* upto[i]: the patient's days on or before month_end[i] (days sorted). */
static void count_upto(struct risk_state *s)
{
	size_t d = 0;
	for (size_t i = 0; i < s->n_upto; i++) {
		while (d < s->days.n && s->days.v[d] <= s->month_end[i])
			d++;
		s->upto[i] = (uint32_t)d;
	}
}

static void mark_lost(struct risk_state *s, struct kv_result_block *out)
{
	const struct kv_ind_months *mo = &s->months;
	if (s->days.n < s->min_days * s->n_windows)
		return; /* too few days for every window (none without contacts) */
	count_upto(s);
	for (size_t m = 0; m < mo->n; m++) {
		if (!mo->flag[m] || !followed_up(s, m))
			continue;
		kv_ind_mark(out, RISK_LOST_TO_FOLLOWUP, m, KV_IN_DENOMINATOR);
		if (!kv_ind_days_any_in(&s->days, mo->from[m], mo->ref[m]))
			kv_ind_mark(out, RISK_LOST_TO_FOLLOWUP, m, KV_IN_NUMERATOR);
		/* the last face-to-face day on or before R, in W12 or not */
		if (KV_RESULT_HAS_DECISIVE(out))
			kv_ind_decisive(out, RISK_LOST_TO_FOLLOWUP, m,
					kv_ind_days_last_upto(&s->days, mo->ref[m]), NAN);
	}
}

/* The earliest start of the regular HIGH_RISK_ELDERLY rows in use at r,
 * KV_DATE_NONE when none is. */
static kv_date high_risk_since(const struct risk_state *s, kv_date r)
{
	kv_date since = KV_DATE_NONE;
	for (size_t i = 0; i < s->drugs.n; i++) {
		const struct kv_ind_period *u = &s->drugs.v[i];
		if (u->start <= r && r < u->stop && (since == KV_DATE_NONE || u->start < since))
			since = u->start;
	}
	return since;
}

static void mark_drugs(struct risk_state *s, const struct kv_patient *p,
		       struct kv_result_block *out)
{
	const struct kv_ind_months *mo = &s->months;
	for (size_t m = 0; m < mo->n; m++) {
		if (!mo->flag[m] || kv_age_at(p->birth, mo->ref[m]) < s->min_age)
			continue;
		kv_ind_mark(out, RISK_HIGH_RISK_DRUGS, m, KV_IN_DENOMINATOR);
		if (kv_ind_periods_cover(&s->drugs, mo->ref[m]))
			kv_ind_mark(out, RISK_HIGH_RISK_DRUGS, m, KV_IN_NUMERATOR);
		if (KV_RESULT_HAS_DECISIVE(out))
			kv_ind_decisive(out, RISK_HIGH_RISK_DRUGS, m,
					high_risk_since(s, mo->ref[m]), NAN);
	}
}

/* ---- compute ------------------------------------------------------------- */

static int risk_compute(const struct kv_call *call, const struct kv_patient *p,
			struct kv_result_block *out)
{
	struct risk_state *s = call->state;
	if (!kv_ind_mark_listed(p, &s->months))
		return KV_OK;
	/* Distinct face-to-face days; regular HIGH_RISK_ELDERLY rows of the
	 * medication list, the value set asked on the row's start date. */
	if (kv_ind_face_to_face_days(p, &s->days) != 0 ||
	    kv_ind_regular_use(&s->drugs, call->host, s->high_risk, p) != 0)
		return kv_ind_out_of_memory(call);
	mark_lost(s, out);
	mark_drugs(s, p, out);
	return KV_OK;
}

static void risk_fini(const struct kv_call *call)
{
	risk_free(call->state);
}

KV_INDICATOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_INDICATOR, struct kv_indicator_plugin, "risk_patients",
			 "1.0.0",
			 "risk patients: regular attenders lost to follow-up, high-risk drugs "
			 "for the elderly"),
	KV_SETTINGS(struct risk_settings, risk_keys),
	KV_INDICATORS(risk_defs),
	.init = risk_init,
	.compute = risk_compute,
	.fini = risk_fini,
};
