/*
 * disclosure_private.h - one month's counts as a system of linear equations,
 * shared by the suppression rules (disclosure.c) and the audit that checks
 * what is published from an attacker's side (disclosure_audit.c)
 *
 * Cells are numbered 2*s + kind for the real cells of series s (kind 0 the
 * numerator, 1 the denominator), then one complement per series, then one
 * remainder per partial sum.
 *
 * The audit reads only what leaves the office: the statuses, the published
 * (rounded) counts and the equations, which the catalogue's declarations
 * give. It never reads a true count, so the office and the hub reach the
 * same verdict on the same extract.
 */
#ifndef KVALIND_DISCLOSURE_PRIVATE_H
#define KVALIND_DISCLOSURE_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "disclosure.h"

/* One equation: cells[0] = sum of cells[1..n-1]. */
struct equation {
	size_t cells[64];
	size_t n;
	/* The sum of the parts of a population (numerator_part_of) that add up
	 * to at most its count: cells[n-1] is the remainder, which rule 2 does
	 * not count as a hidden cell, so a lone hidden part is protected as in
	 * a complete sum whatever the remainder is. */
	bool parts_sum_with_remainder;
};

struct month_system {
	size_t n_series, n_cells;
	uint64_t *value;     /* true value of each cell (office side; the audit never reads it) */
	bool *real;          /* a cell with a row in the extract (not a complement or remainder) */
	bool *hidden;        /* not published */
	bool *protect;       /* hidden and must not be recomputable */
	uint8_t *status;     /* real cells: enum kv_cell_status */
	uint64_t *published; /* real cells with status published: the published count */
	size_t *noise_group; /* real cells: the first real cell counting the same
				population (equal relations), whose cell-key noise it shares */
	struct equation *eq;
	size_t n_eq;
};

/*
 * Build the equations of a month from the series' types and usability and
 * the relations, with every cell hidden and nothing else set: ms->n_series
 * must be set and the arrays allocated by kv_month_system_alloc.
 * `usable[s]` is false for a series that failed or is not computable (no
 * equation of its own, and its cells stay unknowns in the relations).
 */
void kv_month_system_alloc(struct month_system *ms, size_t n_series,
			   const struct kv_relations *rel);
void kv_month_system_equations(struct month_system *ms, const uint8_t *type,
			       const bool *usable, const struct kv_relations *rel);
void kv_month_system_free(struct month_system *ms);

/*
 * What an attacker who knows the published month and the algorithm can
 * derive about every cell: the set of integer solutions of the equations
 * within the bounds the statuses and the rounding give. Sets pinned[c] for
 * every cell whose value that set fixes (exactly: an integer search, not
 * only interval reasoning; a search that exceeds its budget counts as
 * pinned). Returns the number of pinned cells, or -1 when no counts fit the
 * published month at all (an inconsistent extract).
 */
long kv_disclosure_audit(const struct month_system *ms, const struct kv_disclosure_params *p,
			 bool *pinned);

#endif /* KVALIND_DISCLOSURE_PRIVATE_H */
