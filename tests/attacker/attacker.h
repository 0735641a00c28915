/*
 * attacker.h - what the attacker's files share: the published extracts as
 * read, the relations, the truth (for judging only), one month's model as a
 * system of integer interval constraints, and the report counters.
 *
 * attacker.c  reads everything, runs the interval attack (phase 1) and judges
 * search.c    depth-first search for whole integer solutions of a month's model
 * informed.c  the algorithm-aware attack (phase 2, --informed v1|v2)
 * sim.c       the simulator: one month's candidate counts through the office's
 *             algorithm (v2: kvalind's own kv_disclosure_month, v1: sim_v1.c)
 * sim_v1.c    a frozen copy of kvalind's first disclosure algorithm
 */
#ifndef KV_ATTACKER_H
#define KV_ATTACKER_H

#include <stddef.h>
#include <stdint.h>

#define BIG ((int64_t)1000000000)

/* ---- utilities (attacker.c) ---- */

extern const char *label;
extern int verbose;

void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
void month_str(int m, char out[16]);

#define GROW(arr, n, cap)                                                \
	do {                                                             \
		if ((n) >= (cap)) {                                      \
			(cap) = (cap) ? 2 * (cap) : 16;                  \
			(arr) = xrealloc((arr), (cap) * sizeof *(arr));  \
		}                                                        \
	} while (0)

/* An UNSOUND finding: always fatal. */
void problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- indicators and statuses ---- */

extern char **ind_names;
extern size_t n_inds;
extern unsigned char *ind_is_mean; /* numerator not_applicable seen */

enum status {
	ST_NONE, /* no such cell in the extract */
	ST_PUBLISHED,
	ST_SMALL,
	ST_COMPLEMENT,
	ST_SECONDARY,
	ST_NOT_APPLICABLE,
	ST_NOT_COMPUTABLE,
	ST_FAILED,
	ST_WITHHELD,
	ST_COUNT
};
extern const char *const status_names[ST_COUNT];
int is_suppressed(int st);

/* One data.csv row. */
typedef struct {
	int month, ind, extract;
	int st[2];    /* numerator, denominator */
	int64_t v[2]; /* published value, when published */
	char share[24], mean[24];
	int64_t M, B;
	int algorithm;      /* the manifest's "algorithm" (0: none, i.e. 1) */
	int64_t noise;      /* the manifest's perturbation_max (0: no perturbation) */
	char where[96];     /* for messages: extract id, line */
} Obs;

extern Obs *obs;
extern size_t n_obs;

/* ---- relations ---- */

enum { REL_EQUAL, REL_COMPLETE, REL_PARTIAL };

typedef struct {
	int kind;
	int within;   /* "sum T within P": a partial sum of one part */
	int ncells;
	int cell[24]; /* model variables (ind * 3 + 0 N, 1 D, 2 C); [0] is the total */
	int advisory;
	char text[512];
} Relation;

extern Relation *rels;
extern size_t n_rels;

/* ---- the truth (judging, and the simulator's soundness check) ---- */

typedef struct {
	int month, ind;
	int64_t n, d;
	double vsum;
	int has_n, has_d, has_vsum;
} Truth;

extern Truth *truth;
extern size_t n_truth;

/* ---- one month's model ---- */

#define MAXTERMS 32

typedef struct {
	int nterms;
	int var[MAXTERMS];
	int64_t coef[MAXTERMS];
} Lin; /* sum coef * var = 0 */

/*
 * Variable layout: the true counts, ind*3 + 0 N, +1 D, +2 C (complement);
 * then one remainder R per relation. With cell-key perturbation (the
 * month's noise > 0) five more per indicator after those: the acting counts
 * the rules saw, aN = N + nN and aD = D + nD, the acting complement
 * aC = aD - aN (may be negative), and the noises nN, nD in [-noise, noise]
 * (cells declared equal share one noise, as kvalind keys it by population).
 */
static inline int var_n(int ind) { return ind * 3; }
static inline int var_d(int ind) { return ind * 3 + 1; }
static inline int var_c(int ind) { return ind * 3 + 2; }
static inline int var_r(size_t rel) { return (int)(n_inds * 3 + rel); }
static inline int n_true_vars(void) { return (int)(n_inds * 3 + n_rels); }
static inline int var_act(int ind, int k) { return n_true_vars() + ind * 5 + k; }
static inline int var_noise(int ind, int k) { return n_true_vars() + ind * 5 + 3 + k; }
void var_name(int v, char *out, size_t size);

typedef struct {
	int month;
	int nv;       /* variables, the acting counts and noises included */
	int nv_true;  /* the true counts, complements and remainders: [0, nv_true) */
	int64_t M, B;
	int64_t noise; /* cell-key perturbation_max of the month's extracts, 0: none */
	int64_t *lo, *hi;
	int *rep;            /* variable -> its representative (equal cells) */
	unsigned char *used; /* variable exists this month */
	int *status;         /* the most telling status of the variable's cells */
	int64_t *lo0, *hi0;  /* bounds from the statuses alone */
	int64_t *tv;         /* the truth per variable */
	unsigned char *tv_has;
	Lin *lins;
	size_t nlins, caplins;
	int *adj_start, *adj; /* variable -> the lins it occurs in */
	unsigned char *in_eq; /* the variable occurs in a lin */
	int infeasible;
} Model;

/* Integer interval propagation to a fixpoint through every lin (from == -1)
 * or the lins of variable `from`: 0, or -1 when an interval becomes empty. */
int propagate_from(const Model *md, int64_t *lo, int64_t *hi, int from);
static inline int propagate(const Model *md, int64_t *lo, int64_t *hi)
{
	return propagate_from(md, lo, hi, -1);
}
extern long long propagations;

/* The true counts t >= M a published value v can stand for; -1 if none. */
int preimage(int64_t v, int64_t M, int64_t B, int64_t *plo, int64_t *phi);

#endif /* KV_ATTACKER_H */
