/*
 * search.h - depth-first search for whole integer solutions of one month's
 * model (search.c)
 *
 * The search fixes one variable at a time (decision variables first, then
 * those with priority, each kind the narrowest first), propagates
 * the month's equations after every choice (propagate_from), and calls the
 * leaf function on every complete assignment it reaches. It is exhaustive:
 * every integer solution within the starting bounds is reachable, and a
 * branch is only cut when propagation proves it has no solution. Narrow
 * intervals (at most ENUMERATE_WIDTH values) are branched value by value,
 * wider ones by halves.
 *
 * Decision variables: the leaf function (the simulator) may depend on the
 * values of a few variables only (informed.c says which, and why). Those are
 * fixed first; once they are, the search looks for one completion of the
 * others, and the leaf's verdict on it stands for every completion: a leaf
 * that rejects it (S_REJECT) rejects that assignment of the decision
 * variables, and the search goes on with the next one. Without decision
 * variables (decision == NULL) every complete assignment is a leaf of its
 * own, and a rejected leaf only rejects itself.
 *
 * (Limited discrepancy search is used only to find witnesses, never to
 * prove that there is none: informed.c claims nothing from S_NONE then.)
 */
#ifndef KV_SEARCH_H
#define KV_SEARCH_H

#include "attacker.h"

#define ENUMERATE_WIDTH 16

enum { S_GAVE_UP = -1, S_NONE = 0, S_FOUND = 1, S_REJECT = 2 };
enum { ORDER_LOW, ORDER_HIGH, ORDER_PREF };

typedef struct Search Search;

/* The verdict on a complete assignment x (every variable): S_FOUND stops the
 * search, S_REJECT goes on. */
typedef int (*LeafFn)(Search *s, const int64_t *x);

struct Search {
	const Model *md;
	const unsigned char *branch;   /* the variables to fix (NULL: md->in_eq) */
	const unsigned char *decision; /* see above; NULL: every variable decides */
	const unsigned char *prio;     /* NULL, or: among equals, branch on these first */
	int order;                     /* the value tried first: lowest, highest, pref */
	const int64_t *pref;           /* ORDER_PREF: per variable */
	long budget;                   /* nodes (branchings and leaves) per run */
	long max_leaves;               /* leaves per run (0: no limit; then S_GAVE_UP) */
	/* Limited discrepancy: with max_disc >= 0 only leaves reached with
	 * exactly max_disc choices other than the first value (or half) of a
	 * branching reach the leaf function (the others count as rejected), so
	 * runs with max_disc = 0, 1, 2, ... visit assignments in the order of
	 * how far they stray from the preferred values. -1: no limit. */
	int max_disc;
	LeafFn leaf;
	void *ctx;
	/* out */
	long nodes;  /* this run */
	long leaves; /* this run */
	int64_t *x;  /* the last leaf's assignment (nv values, allocated by the caller) */
};

/*
 * Search within [lo, hi] (not modified; propagated first). S_FOUND (s->x
 * holds the accepted assignment), S_NONE (proved: no accepted assignment),
 * S_REJECT (decision != NULL and no decision variable was left to branch on
 * when the one completion was rejected: the whole range is rejected) or
 * S_GAVE_UP (the budget ran out).
 */
int search_run(Search *s, const int64_t *lo, const int64_t *hi);

#endif /* KV_SEARCH_H */
