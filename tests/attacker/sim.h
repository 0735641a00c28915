/*
 * sim.h - one month's candidate counts through the office's algorithm, and
 * the comparison of its output with the published month (sim.c)
 */
#ifndef KV_SIM_H
#define KV_SIM_H

#include "attacker.h"

typedef struct SimMonth SimMonth;

/*
 * The simulator's view of one month: the indicators of its rows (oi, no) as
 * kvalind orders them (by id), their types and usability as the statuses
 * show them, the declared relations, and what every extract of the month
 * published. version: 1 or 2 (informed.h). key: the office's cell key when
 * the month is perturbed (md->noise > 0), else NULL; with it the simulator
 * is the office itself, noise included (the attacker never has it: see
 * informed.c for what it is used for). NULL with why when the month cannot
 * be simulated (perturbed and no key, a relation outside the extract, ...).
 */
SimMonth *sim_new(int version, const Model *md, const size_t *oi, size_t no,
		  const unsigned char *key, char *why, size_t whylen);

/* The cell-key noise kvalind gives cell k (0 N, 1 D) of indicator ind with
 * true count t (the month must be perturbed and have the key), in the draw
 * set by sim_set_draw (0 unless set: kvalind draws the noise again, 1, 2,
 * ..., for a month whose first draw the audit could pin). */
int64_t sim_noise(const SimMonth *sm, int ind, int k, uint64_t t);
void sim_set_draw(SimMonth *sm, unsigned draw);
void sim_free(SimMonth *sm);

/*
 * 1 when the candidate x (a value per model variable; representatives are
 * read) gives exactly the published month: statuses, counts, shares as
 * %.4f, means as %.2f (value sums are chosen to fit the published means: a
 * mean constrains only its own value sum). 0 otherwise, with the first
 * difference in diff. Version 1 compares as sim_v1.h describes.
 */
int sim_kept(SimMonth *sm, const Model *md, const int64_t *x, char *diff, size_t difflen);

/* The same for the true counts and value sums of the month (--truth). */
int sim_kept_truth(SimMonth *sm, char *diff, size_t difflen);

/* How many times the simulator ran. */
extern long sim_runs;

#endif /* KV_SIM_H */
