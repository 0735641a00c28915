/*
 * medication_review.c - the "medication_review" indicator plugin: LMG_4PLUS
 * of the indicator catalogue (indicators.md, section Medication review)
 *
 * D: the listed population L(R) with at least `min_regular_drugs` regular
 * drugs at R (medication rows in use at R with use_type regular; rows with
 * the same ATC code count once, rows without ATC each count once).
 * N: of those, an LMG_FEE fee billed in W12 (first day of month m-11 .. R)
 * or a journal note written in W12 that matched the LMG_NOTE keyword rule
 * inside the database. When the connector matched no notes, only fees count
 * (a warning says so once per run).
 *
 * compute() sorts the patient's regular drugs by ATC once, so each month
 * counts distinct drugs in one pass; the LMG days are collected once and
 * each month is answered by binary search.
 */
#include "kvalind/kv_plugin.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum lmg_indicator { LMG_4PLUS = 0, LMG_N_INDICATORS };

static const struct kv_indicator_def lmg_defs[LMG_N_INDICATORS] = {
	[LMG_4PLUS] = {
		.id = "LMG_4PLUS", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = KV_PROVIDES_LIST_PERIODS | KV_PROVIDES_MEDICATIONS | KV_PROVIDES_FEES,
		.title = "medication review of patients on 4 or more regular drugs",
		.title_nb = "legemiddelgjennomgang hos pasienter med 4 eller flere faste legemidler",
		.numerator = "fee 2ld or a journal note matching LMG/legemiddelgjennomgang in W12",
		.denominator = "listed patients with at least 4 regular drugs in use at R",
		.direction = KV_HIGHER_IS_BETTER,
	},
};

static const struct kv_config_key lmg_keys[] = {
	{"min_regular_drugs", KV_CONFIG_INT, "4", false, "1..100",
	 "regular drugs in use at the reference date that put a patient in LMG_4PLUS's "
	 "denominator"},
};

/* A regular drug of the current patient; `group` is equal for rows with the
 * same ATC code and unique for rows without one. */
struct lmg_drug {
	const char *atc; /* borrowed from the patient for one compute() call */
	kv_date start;
	kv_date stop;    /* exclusive */
	uint32_t group;
};

struct lmg_state {
	const struct kv_host *host;
	struct kv_ctx *ctx;
	const struct kv_value_set *fee_set;
	int note_pattern;         /* kv_note_match.pattern of LMG_NOTE, -1: none */
	int64_t min_drugs;
	size_t n_months;
	kv_date *ref;             /* R of each month */
	kv_date *w12_from;        /* first day of W12 of each month */
	uint8_t *in_denominator;  /* per month, scratch */

	/* Scratch of the current patient, reused: grows to the largest. */
	struct lmg_drug *drugs;
	size_t n_drugs, cap_drugs;
	kv_date *reviews;         /* days with an LMG fee or note, sorted */
	size_t n_reviews, cap_reviews;
};

static void lmg_fini(void *state)
{
	struct lmg_state *s = state;
	if (s == NULL)
		return;
	free(s->ref);
	free(s->w12_from);
	free(s->in_denominator);
	free(s->drugs);
	free(s->reviews);
	free(s);
}

/* ---- init ---------------------------------------------------------------- */

/* The note half of the numerator: the LMG_NOTE rule's index, or -1 with a
 * warning when notes were not matched in this run. */
static int find_note_pattern(struct lmg_state *s, const struct kv_run *run)
{
	int idx = s->host->note_pattern(s->ctx, "LMG_NOTE");
	if (idx < 0 || (size_t)idx >= run->n_note_patterns) {
		s->host->log(s->ctx, KV_LOG_WARNING,
			     "no LMG_NOTE keyword rule in this run: LMG_4PLUS counts LMG_FEE "
			     "fees only, not journal notes");
		return -1;
	}
	if (!(run->provides & KV_PROVIDES_NOTE_MATCHES)) {
		s->host->log(s->ctx, KV_LOG_WARNING,
			     "the connector does not match journal notes: LMG_4PLUS counts "
			     "LMG_FEE fees only");
		return -1;
	}
	return idx;
}

static int read_months(struct lmg_state *s, const struct kv_run *run)
{
	s->n_months = run->n_months;
	size_t n = run->n_months ? run->n_months : 1;
	s->ref = calloc(n, sizeof *s->ref);
	s->w12_from = calloc(n, sizeof *s->w12_from);
	s->in_denominator = calloc(n, sizeof *s->in_denominator);
	if (s->ref == NULL || s->w12_from == NULL || s->in_denominator == NULL) {
		s->host->set_error(s->ctx, "out of memory");
		return KV_ERROR;
	}
	for (size_t m = 0; m < run->n_months; m++) {
		s->ref[m] = run->reference_dates[m];
		s->w12_from[m] = kv_month_first_day(kv_month_of(s->ref[m]) - 11);
	}
	return KV_OK;
}

static int lmg_init(const struct kv_host *host, struct kv_ctx *ctx, const struct kv_run *run,
		    void **state)
{
	*state = NULL;
	struct lmg_state *s = calloc(1, sizeof *s);
	if (s == NULL) {
		host->set_error(ctx, "out of memory");
		return KV_ERROR;
	}
	s->host = host;
	s->ctx = ctx;
	s->min_drugs = host->config_int(ctx, "min_regular_drugs");
	s->fee_set = host->value_set(ctx, "LMG_FEE");
	if (s->fee_set == NULL) {
		host->set_error(ctx, "value set LMG_FEE is missing from the value-set file");
		lmg_fini(s);
		return KV_ERROR;
	}
	if (read_months(s, run) != KV_OK) {
		lmg_fini(s);
		return KV_ERROR;
	}
	s->note_pattern = find_note_pattern(s, run);
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

/* Rows without ATC sort first, each its own drug; then by ATC code. */
static int cmp_drug(const void *a, const void *b)
{
	const struct lmg_drug *x = a, *y = b;
	bool xe = x->atc[0] == '\0', ye = y->atc[0] == '\0';
	if (xe || ye)
		return (int)ye - (int)xe;
	return strcmp(x->atc, y->atc);
}

/* The patient's regular drugs, grouped by ATC code. */
static void collect_drugs(struct lmg_state *s, const struct kv_patient *p)
{
	s->n_drugs = 0;
	for (size_t i = 0; i < p->n_medications; i++) {
		const struct kv_medication *md = &p->medications[i];
		if (md->use_type != KV_USE_REGULAR || md->start >= md->stop)
			continue;
		s->drugs[s->n_drugs++] = (struct lmg_drug){
		    .atc = md->atc, .start = md->start, .stop = md->stop};
	}
	if (s->n_drugs > 1)
		qsort(s->drugs, s->n_drugs, sizeof *s->drugs, cmp_drug);
	uint32_t group = 0;
	for (size_t i = 0; i < s->n_drugs; i++) {
		struct lmg_drug *d = &s->drugs[i];
		bool same = i > 0 && d->atc[0] != '\0' && strcmp(d->atc, s->drugs[i - 1].atc) == 0;
		if (i > 0 && !same)
			group++;
		d->group = group;
	}
}

/* Distinct regular drugs in use at R (start <= R < stop); stops counting
 * once `enough` is reached. */
static int64_t regular_drugs_at(const struct lmg_state *s, kv_date r, int64_t enough)
{
	int64_t count = 0;
	bool counted = false;
	uint32_t last_group = 0;
	for (size_t i = 0; i < s->n_drugs && count < enough; i++) {
		const struct lmg_drug *d = &s->drugs[i];
		if (d->start > r || d->stop <= r)
			continue;
		if (counted && d->group == last_group)
			continue;
		count++;
		counted = true;
		last_group = d->group;
	}
	return count;
}

/* ---- numerator ----------------------------------------------------------- */

static int cmp_date(const void *a, const void *b)
{
	kv_date x = *(const kv_date *)a, y = *(const kv_date *)b;
	return (x > y) - (x < y);
}

/* Days of an LMG_FEE fee (valid on its date) or an LMG_NOTE note, sorted. */
static void collect_reviews(struct lmg_state *s, const struct kv_patient *p)
{
	s->n_reviews = 0;
	for (size_t i = 0; i < p->n_fees; i++)
		if (s->host->in_value_set(s->fee_set, KV_CODES_FEE, p->fees[i].code,
					  p->fees[i].date))
			s->reviews[s->n_reviews++] = p->fees[i].date;
	if (s->note_pattern >= 0)
		for (size_t i = 0; i < p->n_notes; i++)
			if (p->notes[i].pattern == (uint16_t)s->note_pattern)
				s->reviews[s->n_reviews++] = p->notes[i].date;
	if (s->n_reviews > 1)
		qsort(s->reviews, s->n_reviews, sizeof *s->reviews, cmp_date);
}

/* True when a review day lies in [from, to]: the last day <= to is >= from. */
static bool reviewed_in(const struct lmg_state *s, kv_date from, kv_date to)
{
	size_t lo = 0, hi = s->n_reviews;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->reviews[mid] <= to)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && s->reviews[lo - 1] >= from;
}

/* ---- compute ------------------------------------------------------------- */

static int lmg_compute(void *state, const struct kv_patient *p, struct kv_result_block *out)
{
	struct lmg_state *s = state;
	if (out->n_indicators != LMG_N_INDICATORS || out->n_months != s->n_months) {
		s->host->set_error(s->ctx, "result block is %zu x %zu, expected %d x %zu",
				   out->n_indicators, out->n_months, LMG_N_INDICATORS,
				   s->n_months);
		return KV_ERROR;
	}
	if (p->n_medications == 0)
		return KV_OK;
	if (reserve((void **)&s->drugs, &s->cap_drugs, p->n_medications, sizeof *s->drugs) != 0 ||
	    reserve((void **)&s->reviews, &s->cap_reviews, p->n_fees + p->n_notes + 1,
		    sizeof *s->reviews) != 0) {
		s->host->set_error(s->ctx, "out of memory for a patient's events");
		return KV_ERROR;
	}
	collect_drugs(s, p);
	bool any = false;
	for (size_t m = 0; m < s->n_months; m++) {
		s->in_denominator[m] = listed_at(p, s->ref[m]) &&
				       regular_drugs_at(s, s->ref[m], s->min_drugs) >= s->min_drugs;
		any = any || s->in_denominator[m];
	}
	if (!any)
		return KV_OK;
	collect_reviews(s, p);
	for (size_t m = 0; m < s->n_months; m++) {
		if (!s->in_denominator[m])
			continue;
		uint8_t *flag = &out->flags[(size_t)LMG_4PLUS * out->n_months + m];
		*flag |= KV_IN_DENOMINATOR;
		if (reviewed_in(s, s->w12_from[m], s->ref[m]))
			*flag |= KV_IN_NUMERATOR;
	}
	return KV_OK;
}

KV_INDICATOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_INDICATOR, struct kv_indicator_plugin, "medication_review",
			 "1.0.0",
			 "medication review (legemiddelgjennomgang) of patients on many "
			 "regular drugs"),
	KV_CONFIG_KEYS(lmg_keys),
	KV_INDICATORS(lmg_defs),
	.init = lmg_init,
	.compute = lmg_compute,
	.fini = lmg_fini,
};
