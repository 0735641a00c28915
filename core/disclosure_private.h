/*
 * disclosure_private.h - one month's counts as a system of linear equations,
 * shared by the suppression rules (disclosure.c) and the audit that checks
 * them from an outsider's side (disclosure_audit.c)
 *
 * Cells are numbered 2*s + kind for the real cells of series s (kind 0 the
 * numerator, 1 the denominator), then one complement per series, then one
 * remainder per partial sum.
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
};

struct month_system {
	size_t n_series, n_cells;
	uint64_t *value;  /* true value of each cell */
	bool *real;       /* a published-able cell (not a complement or remainder) */
	bool *hidden;     /* not published */
	bool *protect;    /* hidden and must not be recomputable */
	uint8_t *status;  /* real cells: enum kv_cell_status */
	struct equation *eq;
	size_t n_eq;
};

/*
 * What an outsider can derive from the published month (statuses, rounded
 * counts, the equations) by integer interval propagation and probing each
 * narrow interval's values. Sets pinned[c] for every cell whose value that
 * fixes exactly. Returns the number of pinned cells, or -1 when the
 * published month contradicts itself (a bug in the rules).
 */
long kv_disclosure_audit(const struct month_system *ms, const struct kv_disclosure_params *p,
			 bool *pinned);

#endif /* KVALIND_DISCLOSURE_PRIVATE_H */
