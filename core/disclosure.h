/*
 * disclosure.h - statistical disclosure control of one month's counts,
 * before anything is written for sending
 *
 * Rules, in order (OpenSAFELY's redaction and rounding are the model):
 *  1. Primary suppression. A count below min_count is suppressed
 *     (KV_CELL_SMALL), zero included. A numerator whose complement
 *     (denominator - numerator) is below min_count is suppressed
 *     (KV_CELL_COMPLEMENT): publishing it would say how many of the
 *     denominator lack it.
 *  2. Secondary suppression. Within each relation (relations.h: equal
 *     populations, complete and partial sums, and every proportion's
 *     denominator = numerator + complement), a hidden cell that needs
 *     protection - a suppressed count, or a hidden complement or remainder
 *     below min_count - must never be the only hidden cell, or it could be
 *     recomputed from the published ones. Where it is, the published cell of
 *     that relation with the smallest true count (parts before totals) is
 *     suppressed too (KV_CELL_SECONDARY), and that is repeated until no
 *     relation has one lone protected hidden cell.
 *  3. Rounding. Every published count t is rounded to the nearest multiple
 *     of rounding_base, halves up; if that falls below min_count, the
 *     smallest multiple of rounding_base at or above min_count is published.
 *     The same true count always gives the same published count.
 *  4. A share is published only from two published counts, and is computed
 *     from the published (rounded) counts. The mean of a mean-type
 *     indicator is published only with its published denominator.
 * Suppressed cells carry their status (the reason), never a number.
 *
 * Months are controlled independently; rounding is what keeps consecutive
 * months from being differenced into counts of single patients, which is
 * why rounding_base is at least 3.
 *
 * Errors: kv_disclosure_month returns -1 with err when a declared relation
 * does not hold on the true counts (nothing of that month may leave).
 */
#ifndef KVALIND_DISCLOSURE_H
#define KVALIND_DISCLOSURE_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "engine.h"
#include "relations.h"

/* The version of these rules, in every manifest ("algorithm"): 1 was
 * kvalind before the rules read no count to choose what to hide. */
#define KV_DISCLOSURE_ALGORITHM 2

/* How many draws of the cell-key noise a month gets before it is withheld. */
#define KV_NOISE_DRAWS 8

struct kv_disclosure_params {
	uint32_t min_count;
	uint32_t rounding_base;
	/* cell-key perturbation (cell_key.h): the largest noise added to a
	 * published count before rounding, 0 for none; and the office's key */
	uint32_t noise_max;
	unsigned char cell_key[32];
};

enum kv_cell_status {
	KV_CELL_PUBLISHED = 0,
	KV_CELL_SMALL,          /* suppressed: below min_count */
	KV_CELL_COMPLEMENT,     /* suppressed: denominator - numerator below min_count */
	KV_CELL_SECONDARY,      /* suppressed: could be recomputed from published cells */
	KV_CELL_NOT_APPLICABLE, /* the numerator of a mean-type indicator */
	KV_CELL_NOT_COMPUTABLE, /* the record system lacks what the indicator needs */
	KV_CELL_FAILED,         /* the indicator's plugin failed in this run */
	KV_CELL_WITHHELD        /* the month's counts are withheld as a whole (rule 5) */
};

/* One indicator in one month, as it may leave the office. */
struct kv_published {
	uint64_t numerator;   /* rounded; meaningful only when published */
	uint64_t denominator; /* rounded; meaningful only when published */
	uint8_t numerator_status;   /* enum kv_cell_status */
	uint8_t denominator_status; /* enum kv_cell_status */
	bool has_share;
	double share;         /* published numerator / published denominator */
	bool has_mean;
	double mean;          /* mean-type: value sum / true denominator */
};

/* [disclosure] of a configuration (its values were checked when loaded),
 * without the cell key. */
void kv_disclosure_params_from_config(const struct kv_config *cfg,
				      struct kv_disclosure_params *p);

/* The same, with the cell key read from (or first made in) the state
 * directory when [disclosure] perturbation = cell_key. 0, or -1 with err. */
KV_MUST_CHECK int kv_disclosure_params_load(const struct kv_config *cfg,
					    struct kv_disclosure_params *p, char *err,
					    size_t errlen);

/* "none" or "cell_key", as the manifest writes it. */
const char *kv_disclosure_perturbation_name(const struct kv_disclosure_params *p);

/* The published value of a true count t >= min_count (rule 3). */
uint64_t kv_disclosure_round(const struct kv_disclosure_params *p, uint64_t t);

/* The value sum a published mean is computed from: the true sum rounded to
 * the nearest multiple of KV_MEAN_SUM_GRID * rounding_base (rule 4). */
#define KV_MEAN_SUM_GRID 10
double kv_disclosure_mean_sum(const struct kv_disclosure_params *p, double value_sum);


/* "published", "suppressed_small", ... as written in extracts. */
const char *kv_cell_status_name(enum kv_cell_status status);

/*
 * The informed audit (rule 6) of a month as published: what the hub runs on
 * an extract it receives, and what kv_disclosure_month runs before a month
 * may leave. series: the catalogue's indicators (id and type are read; the
 * counts are not), rel: their relations, pub: the month's published cells in
 * the same order (a series absent from the extract: status not_computable).
 * Returns how many counts, complements and rests could be worked out
 * exactly (0: none; the first is named in `first`), or -1 when no counts at
 * all fit the published month: one kvalind's disclosure control would never
 * have produced.
 */
long kv_disclosure_audit_published(const struct kv_series *series, size_t n_series,
				   const struct kv_relations *rel, const struct kv_published *pub,
				   const struct kv_disclosure_params *p, char *first,
				   size_t firstlen);

/* Control month m of a result: out gets one entry per series, in the
 * result's order. 0, or -1 with err (a relation does not hold). */
KV_MUST_CHECK int kv_disclosure_month(const struct kv_result *res, const struct kv_relations *rel,
				      const struct kv_disclosure_params *p, size_t m,
				      struct kv_published *out, char *err, size_t errlen);

#endif /* KVALIND_DISCLOSURE_H */
