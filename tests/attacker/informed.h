/*
 * informed.h - the algorithm-aware attack on one month (phase 2, informed.c)
 */
#ifndef KV_INFORMED_H
#define KV_INFORMED_H

#include "attacker.h"

enum { INFORMED_OFF = 0, INFORMED_V1 = 1, INFORMED_V2 = 2 };

extern int informed_version;  /* INFORMED_OFF: phase 1 only */
extern long informed_budget;  /* DFS nodes per search (0: the version's default) */
/* The office's cell key (--cell-key), or NULL: never part of the attack;
 * used to check the attacker's model of perturbed months against the truth
 * and to let the office itself find witnesses in withheld months. */
extern const unsigned char *informed_cell_key;

/* Per-variable verdicts of phase 2 (indexed by representative). */
enum { P2_NONE = 0, P2_OPEN, P2_PINNED, P2_UNDECIDED };

/*
 * Phase 2 on one month whose phase-1 model is md (propagated and probed,
 * feasible): verdict[v] for every representative variable v: P2_OPEN (two
 * kept candidates differ on it), P2_PINNED (every kept candidate has the
 * same value; md->lo[v] = md->hi[v] = that value), P2_UNDECIDED (a search
 * ran out of budget before it could tell), P2_NONE (not attacked: fixed by
 * phase 1 or in no equation). oi/no: the month's rows.
 */
void informed_month(Model *md, const size_t *oi, size_t no, unsigned char *verdict);

/* The figures of phase 2 over every month attacked, one line. */
void informed_report(void);

/* Candidates simulated, and points of perturbed months' models taken as kept. */
void informed_figures(long *simulated, long *model_points);

#endif /* KV_INFORMED_H */
