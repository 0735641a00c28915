/*
 * relations.h - the linear relations between indicator counts that
 * disclosure control must respect
 *
 * Plugins declare populations (struct kv_indicator_def, ABI 1.1): cells that
 * count the same population are equal in every month, and numerators that are
 * parts of a population add up to it (exactly, or at most). From those
 * declarations over the enabled indicators this module builds:
 *   KV_REL_EQUAL         every member cell has the same true value
 *   KV_REL_SUM_COMPLETE  total = sum of the parts
 *   KV_REL_SUM_PARTIAL   total = sum of the parts + a remainder >= 0 that is
 *                        never published; also "total >= part" for a cell
 *                        declared within a population (ABI 1.2), with one
 *                        part
 * Implicit, not listed: for every proportion indicator, denominator =
 * numerator + complement (complement never published).
 *
 * The parts of a sum are kept in the order secondary suppression hides
 * them (hide_priority, then indicator id); `kvalind list-relations` prints
 * them in that order.
 *
 * The declarations are checked against each run's true counts
 * (kv_relations_check): a relation that does not hold is a plugin bug, and
 * nothing of that month may leave.
 *
 * Ownership: kv_relations_build fills a struct the caller frees with
 * kv_relations_free; it refers to series by index into the array it was
 * built from.
 */
#ifndef KVALIND_RELATIONS_H
#define KVALIND_RELATIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine.h"
#include "util.h"

enum kv_cell_kind { KV_CELL_NUMERATOR = 0, KV_CELL_DENOMINATOR = 1 };

struct kv_cell_ref {
	uint32_t series; /* index into the result's series */
	uint32_t kind;   /* enum kv_cell_kind */
};

enum kv_relation_type { KV_REL_EQUAL, KV_REL_SUM_COMPLETE, KV_REL_SUM_PARTIAL };

struct kv_relation {
	enum kv_relation_type type;
	char population[72];
	struct kv_cell_ref total;  /* EQUAL: the first member */
	struct kv_cell_ref *parts; /* EQUAL: the other members */
	size_t n_parts;
	bool within;               /* SUM_PARTIAL from a *_within declaration: one part */
};

struct kv_relations {
	struct kv_relation *items;
	size_t n;
};

/* Build from the series' definitions. -1 with err when the declarations
 * contradict each other (parts of a population nobody counts, parts that
 * disagree about being complete). */
KV_MUST_CHECK int kv_relations_build(const struct kv_series *series, size_t n_series,
				     struct kv_relations *out, char *err, size_t errlen);

/* The true value of a cell in month m. */
uint64_t kv_cell_value(const struct kv_series *series, struct kv_cell_ref c, size_t m);

/* Check every relation on month m's true counts (relations touching a series
 * that is not computable or failed are skipped). 0, or -1 with err naming
 * the relation. */
KV_MUST_CHECK int kv_relations_check(const struct kv_relations *r, const struct kv_series *series,
				     size_t m, char *err, size_t errlen);

/* "DM_PREVALENCE.numerator" */
void kv_cell_name(const struct kv_series *series, struct kv_cell_ref c, char *buf, size_t size);

/* The machine-readable listing of `kvalind list-relations`, one relation a
 * line, tab-separated: "equal CELL CELL...", "sum TOTAL complete|partial
 * PART..." (the parts in the order rule 2 hides them) or "sum TOTAL within
 * PART" (a partial sum of one part from a *_within declaration). */
void kv_relations_print(const struct kv_relations *r, const struct kv_series *series, FILE *out);

void kv_relations_free(struct kv_relations *r);

#endif /* KVALIND_RELATIONS_H */
