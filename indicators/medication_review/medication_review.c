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
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kv_ind.h"

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
		.denominator_within = "listed",
		.decisive = "last medication review", .decisive_unit = "drugs",
	},
};

/* The settings, filled by the core from the table below. */
struct lmg_settings {
	int64_t min_regular_drugs;
};

static const struct kv_setting lmg_keys[] = {
	KV_SETTING(struct lmg_settings, min_regular_drugs, KV_CONFIG_INT, "4", false, "1..100",
	 "regular drugs in use at the reference date that put a patient in LMG_4PLUS's "
	 "denominator"),
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
	const struct lmg_settings *set; /* call->settings, borrowed */
	const struct kv_value_set *fee_set;
	int note_pattern;         /* kv_note_match.pattern of LMG_NOTE, -1: none */
	int64_t min_drugs;
	struct kv_ind_months months; /* R, first day of W12; flag: in D */

	/* Scratch of the current patient, reused: grows to the largest. */
	struct lmg_drug *drugs;
	size_t n_drugs, cap_drugs;
	struct kv_ind_days reviews; /* days with an LMG fee or note */
};

static void lmg_free(void *state)
{
	struct lmg_state *s = state;
	if (s == NULL)
		return;
	kv_ind_months_free(&s->months);
	free(s->drugs);
	kv_ind_days_free(&s->reviews);
	free(s);
}

/* ---- init ---------------------------------------------------------------- */

/* The note half of the numerator: the LMG_NOTE rule's index, or -1 with a
 * warning when notes were not matched in this run. */
static int find_note_pattern(const struct kv_call *call, const struct kv_run *run)
{
	int idx = call->host->note_pattern(call->ctx, "LMG_NOTE");
	if (idx < 0 || (size_t)idx >= run->n_note_patterns) {
		call->host->log(call->ctx, KV_LOG_WARNING,
				"no LMG_NOTE keyword rule in this run: LMG_4PLUS counts LMG_FEE "
				"fees only, not journal notes");
		return -1;
	}
	if (!(run->provides & KV_PROVIDES_NOTE_MATCHES)) {
		call->host->log(call->ctx, KV_LOG_WARNING,
				"the connector does not match journal notes: LMG_4PLUS counts "
				"LMG_FEE fees only");
		return -1;
	}
	return idx;
}

static int lmg_init(const struct kv_call *call, const struct kv_run *run,
		    struct kv_init_result *res)
{
	const struct kv_host *host = call->host;
	struct kv_ctx *ctx = call->ctx;
	struct lmg_state *s = kv_ind_new_state(host, ctx, sizeof *s);
	if (s == NULL)
		return KV_ERROR;
	s->set = call->settings;
	s->min_drugs = s->set->min_regular_drugs;
	if ((s->fee_set = kv_ind_need_set(host, ctx, "LMG_FEE")) == NULL ||
	    kv_ind_months_init(&s->months, host, ctx, run, 12) != KV_OK) {
		lmg_free(s);
		return KV_ERROR;
	}
	s->note_pattern = find_note_pattern(call, run);
	/* lookback_months: fees and note matches in W12 */
	res->lookback_months = 12;
	res->state = s;
	return KV_OK;
}

/* ---- population ---------------------------------------------------------- */

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

/* Days of an LMG_FEE fee (valid on its date) or an LMG_NOTE note, sorted. */
static void collect_reviews(const struct kv_call *call, struct lmg_state *s,
			    const struct kv_patient *p)
{
	for (size_t i = 0; i < p->n_fees; i++)
		if (call->host->in_value_set(s->fee_set, KV_CODES_FEE, p->fees[i].code,
					     p->fees[i].date))
			kv_ind_days_add(&s->reviews, p->fees[i].date);
	if (s->note_pattern >= 0)
		for (size_t i = 0; i < p->n_notes; i++)
			if (p->notes[i].pattern == (uint16_t)s->note_pattern)
				kv_ind_days_add(&s->reviews, p->notes[i].date);
	kv_ind_days_finish(&s->reviews);
}

/* ---- compute ------------------------------------------------------------- */

static int lmg_compute(const struct kv_call *call, const struct kv_patient *p,
		       struct kv_result_block *out)
{
	struct lmg_state *s = call->state;
	struct kv_ind_months *mo = &s->months;
	if (p->n_medications == 0)
		return KV_OK;
	if (kv_ind_reserve((void **)&s->drugs, &s->cap_drugs, p->n_medications,
			   sizeof *s->drugs) != 0 ||
	    kv_ind_days_reset(&s->reviews, p->n_fees + p->n_notes) != 0)
		return kv_ind_out_of_memory(call);
	collect_drugs(s, p);
	bool any = false;
	for (size_t m = 0; m < mo->n; m++) {
		mo->flag[m] = kv_ind_listed_at(p, mo->ref[m]) &&
			      regular_drugs_at(s, mo->ref[m], s->min_drugs) >= s->min_drugs;
		any = any || mo->flag[m];
	}
	if (!any)
		return KV_OK;
	collect_reviews(call, s, p);
	const bool decisive = KV_RESULT_HAS_DECISIVE(out);
	for (size_t m = 0; m < mo->n; m++) {
		if (!mo->flag[m])
			continue;
		kv_ind_mark(out, LMG_4PLUS, m, KV_IN_DENOMINATOR);
		if (kv_ind_days_any_in(&s->reviews, mo->from[m], mo->ref[m]))
			kv_ind_mark(out, LMG_4PLUS, m, KV_IN_NUMERATOR);
		/* The last review on or before R, in W12 or not, with the
		 * regular drugs in use at R (all of them, not just enough). */
		if (decisive)
			kv_ind_decisive(out, LMG_4PLUS, m,
					kv_ind_days_last_upto(&s->reviews, mo->ref[m]),
					(double)regular_drugs_at(s, mo->ref[m], INT64_MAX));
	}
	return KV_OK;
}

static void lmg_fini(const struct kv_call *call)
{
	lmg_free(call->state);
}

KV_INDICATOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_INDICATOR, struct kv_indicator_plugin, "medication_review",
			 "1.0.0",
			 "medication review (legemiddelgjennomgang) of patients on many "
			 "regular drugs"),
	KV_SETTINGS(struct lmg_settings, lmg_keys),
	KV_INDICATORS(lmg_defs),
	.init = lmg_init,
	.compute = lmg_compute,
	.fini = lmg_fini,
};
