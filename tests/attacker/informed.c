/*
 * informed.c - the algorithm-aware attack (phase 2): an attacker who knows
 * the office's disclosure algorithm simulates it over candidate true counts
 * and keeps only the candidates that reproduce the published month.
 *
 * Per month, after phase 1 (attacker.c: the sound interval attack, whose
 * intervals hold every candidate the published month allows):
 *
 *   The candidates are whole months: a value for every model variable (each
 *   indicator's N and D, complements, remainders; cells declared equal are
 *   one variable) satisfying every equation, inside the phase-1 intervals.
 *   A candidate is KEPT when the simulator (sim.c: kvalind's own
 *   kv_disclosure_month for v2, the frozen copy sim_v1.c for v1) turns it
 *   into exactly the published month: statuses, counts, shares as %.4f,
 *   means as %.2f. Value sums are chosen to fit the published means (a mean
 *   constrains nothing but its own value sum).
 *
 *   Soundness: the true counts are always kept. Each month's truth (--truth)
 *   goes through the simulator first; if it does not reproduce the
 *   published month, the attacker's model of the algorithm is wrong:
 *   UNSOUND, and the month is not attacked further.
 *
 *   A variable is PINNED (recovered, if it is a target: attacker.c judges)
 *   when every kept candidate gives it the same value; OPEN when two kept
 *   candidates differ on it. The search (search.c: depth-first, interval
 *   propagation after every choice, exhaustive within its bounds) finds a
 *   kept candidate x0 (smallest values first), one with the largest values
 *   first, and a few that pull every variable still seen at one value w
 *   towards w + 1 (complements and remainders are differences, which the
 *   first two see at one value). Then, for each variable v still seen with
 *   one value w only, it searches for a kept candidate with v < w and one
 *   with v > w. If both searches are exhausted, v is pinned at w; a search
 *   that runs out of its node budget (--budget) leaves v UNDECIDED, never
 *   safe. Only these last searches decide anything; every kept candidate
 *   any search finds widens what is seen of every variable.
 *
 *   Whole months are searched, not relation clusters: with kvalind's
 *   "within" relations nearly every cell of a month is in one connected
 *   system, and the search propagates through it anyway (v2 searches hardly
 *   ever backtrack, see below). For v1 the decision variables (below) keep
 *   the exhaustive searches small.
 *
 *   Which candidates must be simulated (decision variables, search.h): the
 *   search fixes the variables the simulator's verdict may depend on first,
 *   completes the others once and simulates that one completion; a rejected
 *   completion rejects every completion of the same decision values. That
 *   is exact only where the verdict, among candidates inside the phase-1
 *   bounds, depends on the decision variables alone:
 *     v2: on none. Secondary suppression reads only the primary statuses,
 *       which the phase-1 bounds fix (suppressed_small: < M; suppressed_
 *       complement: N >= M and C < M; published or secondary: >= M, and a
 *       numerator's C >= M), rounding maps every count inside a published
 *       count's preimage to that count, shares are computed from the
 *       published counts, means from the published denominator, and the
 *       audit reads only the published month. So the kept set is exactly
 *       the integer points of the phase-1 model, and one simulation per
 *       candidate found confirms it. Should a candidate ever be rejected,
 *       that is reported (MODEL), and the month is searched again with
 *       every candidate simulated.
 *     v1: on the cells of the sum relations ("sum ..." lines: totals,
 *       parts, remainders). v1 compares values only when rule 2 hides "the
 *       published cell with the smallest count" of an equation with one
 *       lone protected hidden cell; an equal relation's equations have two
 *       cells (no choice), and denominator = numerator + complement never
 *       has a lone protected hidden cell (the complement is always hidden,
 *       and when the numerator is published its complement is >= M, so not
 *       protected); v1's remainders are protected when below M, which
 *       depends on the sum's cells. Primary statuses, rounding and shares
 *       are fixed by the bounds as for v2; v1's means divide by the true
 *       denominator, but the value sum is fitted to whatever it is. (v1's
 *       audit loop is left out of the simulator, and the comparison accepts
 *       what it could have added: sim_v1.h. That keeps a superset of v1's
 *       candidates, so every v1 recovery is real.)
 *
 * Perturbed months (cell-key noise, v2): the rules act on each count plus a
 * noise in [-max, max] that depends on the office's secret key. The
 * attacker has no key, so its candidates are pairs (true counts, noises):
 * attacker.c models the acting counts a = t + n with free noises n (one per
 * population, as kvalind keys them), the statuses and rounded values
 * bounding the acting counts exactly. By the argument for v2 above, the kept
 * set is exactly the integer points of that model; its candidates cannot
 * be simulated (a candidate's noise is not the noise the office's key would
 * give it), so they are counted as model points. With the office's key
 * (--cell-key, judging only) the truth still goes through the simulator,
 * and the truth with the key's noises must be a point of the model.
 *
 * Withheld months (v2): every count of the month has the status withheld,
 * and the kept set is every candidate whose would-be publication the
 * office's audit pins: not a linear model, and no blind search finds its
 * members. The search is then seeded with the true counts (kept, as the
 * soundness check showed) and looks for kept candidates that move each
 * variable: x0 + k*u for small integer solutions u of the month's
 * homogeneous equations with u = +-1 at the variable and u in {-1, 0, 1}
 * elsewhere. First u = 0 on every count below min_count and every
 * complement and remainder below min_count + rounding_base, and k a
 * multiple of the rounding base (a translation by the rounding base that
 * leaves the small counts and the thresholds alone keeps a pinned pattern
 * pinned: the preimages shift with it; with noise, only multiples at which
 * every moved count gets the same noise as before are tried). Then u
 * anywhere and k = 1 or the rounding base (a small move keeps the pinned
 * pattern where it does not touch it). u are tried in the order of how few
 * choices other than 0 they need (limited discrepancy search). Witnesses
 * only ever show that a variable is NOT recovered; a withheld month's
 * variable without two witnesses is UNDECIDED, never pinned (the kept set
 * cannot be searched exhaustively). The cells that sit on the thresholds of
 * the pattern that pinned the month (a complement or remainder at its
 * bound, a part at min_count) move with no translation: they stay
 * undecided, unless another pattern elsewhere in the month could pin it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "disclosure.h"
#include "informed.h"
#include "search.h"
#include "sim.h"

int informed_version = INFORMED_OFF;
long informed_budget;
const unsigned char *informed_cell_key;

#define KERNEL_BUDGET 4000 /* nodes per kernel search of a withheld month */
#define KERNEL_LEAVES 40   /* moves u tried per kernel search (3 candidates each) */
#define KERNEL_MAX_DISC 2

/* figures over the whole run */
static long f_months, f_withheld, f_skipped, f_unsound, f_searches, f_nodes, f_kept;
static long f_open, f_pinned, f_undecided, f_model, f_gave_up, f_unsimulated, f_points;
static double f_seconds;

typedef struct {
	Model *md;
	SimMonth *sim;   /* NULL: candidates are not simulated (see the header) */
	int64_t *seen_lo, *seen_hi;
	/* withheld months: the seed and the variable being moved */
	const int64_t *x0;
	int64_t *cand;
	int target;
	int64_t shifts[64];
	int n_shifts;
	int align; /* only shifts whose noise is aligned */
} Ctx;

static void see(Ctx *c, const int64_t *x)
{
	const Model *md = c->md;
	for (int v = 0; v < md->nv; v++) {
		if (md->rep[v] != v || !md->used[v])
			continue;
		if (x[v] < c->seen_lo[v])
			c->seen_lo[v] = x[v];
		if (x[v] > c->seen_hi[v])
			c->seen_hi[v] = x[v];
	}
}

static int leaf_kept(Search *s, const int64_t *x)
{
	Ctx *c = s->ctx;
	char diff[600];
	if (!c->sim) { /* a perturbed month: every point of the model is kept */
		f_points++;
		see(c, x);
		return S_FOUND;
	}
	if (!sim_kept(c->sim, c->md, x, diff, sizeof diff))
		return S_REJECT;
	f_kept++;
	see(c, x);
	return S_FOUND;
}

/* One search within the phase-1 bounds, variable v (or none: -1)
 * restricted to [lo, hi]. An extra witness search (extra) only looks for
 * more kept candidates: it gets a tenth of the budget, and running out of
 * it decides nothing. */
static int run(Ctx *c, Search *s, int order, int v, int64_t lo, int64_t hi, int extra)
{
	const Model *md = c->md;
	size_t nv = (size_t)md->nv;
	int64_t *blo = xrealloc(NULL, nv * sizeof *blo), *bhi = xrealloc(NULL, nv * sizeof *bhi);
	memcpy(blo, md->lo, nv * sizeof *blo);
	memcpy(bhi, md->hi, nv * sizeof *bhi);
	if (v >= 0) {
		if (lo > blo[v])
			blo[v] = lo;
		if (hi < bhi[v])
			bhi[v] = hi;
	}
	s->order = order;
	long budget = informed_budget ? informed_budget
				      : informed_version == INFORMED_V1 ? 2000000 : 20000;
	s->budget = extra ? (budget + 9) / 10 : budget;
	int r = search_run(s, blo, bhi);
	f_searches++;
	f_nodes += s->nodes;
	if (r == S_REJECT && informed_version == INFORMED_V2 && s->decision != NULL) {
		/* v2 keeps every point of the model (see the header): it did not */
		char ms[16];
		month_str(md->month, ms);
		printf("%s: MODEL month %s: a candidate inside the linear model was not kept by "
		       "the v2 simulator; searching the month again with every candidate "
		       "simulated\n", label, ms);
		f_model++;
		s->decision = NULL;
		r = search_run(s, blo, bhi);
		f_searches++;
		f_nodes += s->nodes;
	}
	f_gave_up += r == S_GAVE_UP && !extra;
	free(blo);
	free(bhi);
	return r;
}

/* In a perturbed month: does every count x0 + k * u moves get the same
 * cell-key noise as at x0? (Then the acting counts move exactly as the true
 * ones, and a translation of a pinned pattern stays a pinned pattern.) */
static int noise_aligned(const Ctx *c, const int64_t *u, int64_t k)
{
	const Model *md = c->md;
	for (int v = 0; v < (int)n_inds * 3; v++) {
		if (v % 3 == 2 || md->rep[v] != v || !u[v] || !md->used[v])
			continue;
		if (sim_noise(c->sim, v / 3, v % 3, (uint64_t)c->x0[v]) !=
		    sim_noise(c->sim, v / 3, v % 3, (uint64_t)(c->x0[v] + k * u[v])))
			return 0;
	}
	return 1;
}

/* Candidates x0 + k * u of a withheld month, for the shifts k of the pass
 * (the first three, or the first three whose noise is aligned). */
static int leaf_kernel(Search *s, const int64_t *u)
{
	Ctx *c = s->ctx;
	const Model *md = c->md;
	char diff[600];
	int tried = 0;
	for (int i = 0; i < c->n_shifts && tried < 3; i++) {
		int64_t k = c->shifts[i];
		int ok = 1;
		for (int v = 0; v < md->nv && ok; v++) {
			c->cand[v] = c->x0[v] + k * u[v];
			ok = c->cand[v] >= 0 || v >= md->nv_true;
		}
		if (!ok || (c->align && !noise_aligned(c, u, k)))
			continue;
		tried++;
		if (!sim_kept(c->sim, md, c->cand, diff, sizeof diff))
			continue;
		f_kept++;
		see(c, c->cand);
		if (c->seen_lo[c->target] < c->seen_hi[c->target])
			return S_FOUND;
	}
	return S_REJECT;
}

static void withheld_month(Ctx *c, Search *s, unsigned char *verdict, const unsigned char *target)
{
	Model *md = c->md;
	size_t nv = (size_t)md->nv;
	/* the seed: the true counts (the soundness check simulated them) */
	int64_t *x0 = xrealloc(NULL, nv * sizeof *x0);
	for (size_t v = 0; v < nv; v++)
		x0[v] = md->tv_has[md->rep[v]] ? md->tv[md->rep[v]] : 0;
	s->order = ORDER_PREF;
	s->pref = x0;
	s->decision = NULL;
	int r = run(c, s, ORDER_PREF, -1, 0, 0, 0);
	if (r != S_FOUND) {
		for (size_t v = 0; v < nv; v++)
			if (target[v])
				verdict[v] = P2_UNDECIDED;
		free(x0);
		return;
	}
	memcpy(x0, s->x, nv * sizeof *x0);
	c->x0 = x0;
	c->cand = xrealloc(NULL, nv * sizeof *c->cand);

	int64_t *ulo = xrealloc(NULL, nv * sizeof *ulo), *uhi = xrealloc(NULL, nv * sizeof *uhi);
	int64_t *zero = xrealloc(NULL, nv * sizeof *zero);
	memset(zero, 0, nv * sizeof *zero);
	Search k = *s;
	k.leaf = leaf_kernel;
	k.pref = zero;
	k.order = ORDER_PREF;
	k.decision = NULL;
	k.budget = KERNEL_BUDGET;
	k.max_leaves = KERNEL_LEAVES;
	for (size_t v = 0; v < nv; v++) {
		if (!target[v] || c->seen_lo[v] < c->seen_hi[v])
			continue;
		c->target = (int)v;
		/* pass 0: translations by the rounding base that leave every count
		 * below min_count alone (a pinned pattern stays pinned); pass 1:
		 * moves by one anywhere (the pinned pattern elsewhere stays) */
		for (int pass = 0; pass < 2 && c->seen_lo[v] == c->seen_hi[v]; pass++) {
			/* pass 0: k = B, 2B, or with noise the first few multiples
			 * of B (up to 63) whose noise is aligned; pass 1: k = 1, B */
			c->n_shifts = 0;
			c->align = pass == 0 && md->noise;
			if (pass == 1)
				c->shifts[c->n_shifts++] = 1;
			for (int j = 1; j <= (c->align ? 63 : 2 - pass); j++)
				c->shifts[c->n_shifts++] = j * md->B;
			for (int dir = 1; dir >= -1 && c->seen_lo[v] == c->seen_hi[v]; dir -= 2) {
				if (dir < 0 && x0[v] == 0)
					continue;
				for (size_t w = 0; w < nv; w++) {
					/* pass 0 leaves alone the counts below min_count and
					 * the complements and remainders near it (a pinned
					 * pattern sits on such thresholds) */
					int aux = (int)w < md->nv_true &&
						  ((int)w >= (int)n_inds * 3 || w % 3 == 2);
					int64_t edge = aux ? md->M + md->B : md->M;
					int in = md->in_eq[w] && md->rep[w] == (int)w &&
						 (pass == 1 || x0[w] >= edge);
					ulo[w] = in && x0[w] > 0 ? -1 : 0;
					uhi[w] = in ? 1 : 0;
					if ((int)w >= md->nv_true) { /* acting counts, noises */
						ulo[w] = -BIG;
						uhi[w] = BIG;
					}
				}
				ulo[v] = uhi[v] = dir;
				for (int d = 0; d <= KERNEL_MAX_DISC && c->seen_lo[v] == c->seen_hi[v];
				     d++) {
					k.max_disc = d;
					int kr = search_run(&k, ulo, uhi);
					f_searches++;
					f_nodes += k.nodes;
					if (kr == S_FOUND)
						break;
				}
			}
		}
	}
	for (size_t v = 0; v < nv; v++)
		if (target[v])
			verdict[v] = c->seen_lo[v] < c->seen_hi[v] ? P2_OPEN : P2_UNDECIDED;
	free(ulo);
	free(uhi);
	free(zero);
	free(c->cand);
	free(x0);
}

/* Preferred values and priorities for a search that moves v (-1: none) to
 * `to`: every target still seen at one value w is branched on first and
 * preferred at w + 1 (or w - 1), the rest in the middle of what was seen.
 * Returns how many targets are still seen at one value. */
static int move_pref(const Ctx *c, const unsigned char *target, int64_t *pref,
		     unsigned char *prio, int v, int64_t to)
{
	const Model *md = c->md;
	int single = 0;
	for (int u = 0; u < md->nv; u++) {
		prio[u] = 0;
		if (c->seen_lo[u] > c->seen_hi[u]) {
			pref[u] = md->lo[u];
		} else if (target[u] && c->seen_lo[u] == c->seen_hi[u]) {
			pref[u] = c->seen_lo[u] < md->hi[u] ? c->seen_lo[u] + 1 : c->seen_lo[u] - 1;
			prio[u] = 1;
			single++;
		} else {
			pref[u] = c->seen_lo[u] + (c->seen_hi[u] - c->seen_lo[u]) / 2;
		}
	}
	if (v >= 0) {
		pref[v] = to;
		prio[v] = 2;
	}
	return single;
}

/* With cell-key perturbation and the office's key: the true counts, the
 * noise kvalind gave them in some draw and the acting counts must be a
 * point of the attacker's model (its bounds after phase 1, and every
 * equation). kvalind draws the noise again when the audit could pin a
 * count, so the draw is the first (of KV_NOISE_DRAWS) that fits; with none,
 * the problems of draw 0 are reported. */
static int noise_model_holds(const Model *md, SimMonth *sim, const char *ms, int report);

static void check_noise_model(const Model *md, SimMonth *sim, const char *ms)
{
	for (unsigned draw = 0; draw < KV_NOISE_DRAWS; draw++) {
		sim_set_draw(sim, draw);
		if (noise_model_holds(md, sim, ms, 0))
			return;
	}
	sim_set_draw(sim, 0);
	noise_model_holds(md, sim, ms, 1);
}

static int noise_model_holds(const Model *md, SimMonth *sim, const char *ms, int report)
{
	int holds = 1;
	size_t nv = (size_t)md->nv;
	int64_t *x = xrealloc(NULL, nv * sizeof *x);
	unsigned char *known = xrealloc(NULL, nv);
	memset(known, 0, nv);
	char name[600];
	for (size_t v = 0; v < (size_t)md->nv_true; v++) {
		int r = md->rep[v];
		if (md->tv_has[r]) {
			x[r] = md->tv[r];
			known[r] = 1;
		}
	}
	for (size_t i = 0; i < n_inds; i++) {
		int ii = (int)i;
		int64_t a[2] = {0, 0};
		int have = 0;
		for (int k = ind_is_mean[i] ? 1 : 0; k < 2; k++) {
			int t = md->rep[ii * 3 + k];
			if (!md->used[t] || !known[t])
				continue;
			int64_t n = sim_noise(sim, ii, k, (uint64_t)x[t]);
			a[k] = x[t] + n < 0 ? 0 : x[t] + n;
			int va = md->rep[var_act(ii, k)], vn = md->rep[var_noise(ii, k)];
			if ((known[va] && x[va] != a[k]) || (known[vn] && x[vn] != a[k] - x[t])) {
				holds = 0;
				var_name(va, name, sizeof name);
				if (report)
					problem("month %s: %s: cells declared equal got different "
						"noises", ms, name);
			}
			x[va] = a[k];
			x[vn] = a[k] - x[t];
			known[va] = known[vn] = 1;
			have++;
		}
		if (have == 2 && !ind_is_mean[i]) {
			int vc = md->rep[var_act(ii, 2)];
			x[vc] = a[1] - a[0];
			known[vc] = 1;
		}
	}
	for (size_t v = 0; v < nv; v++)
		if (known[v] && md->rep[v] == (int)v && md->used[v] &&
		    (x[v] < md->lo[v] || x[v] > md->hi[v])) {
			holds = 0;
			var_name((int)v, name, sizeof name);
			if (report)
				problem("month %s: %s = %lld (the truth and its cell-key noise) is outside the "
				"attacker's interval [%lld, %lld]: its model of the noise is wrong", ms,
				name, (long long)x[v], (long long)md->lo[v], (long long)md->hi[v]);
		}
	for (size_t e = 0; e < md->nlins; e++) {
		const Lin *l = &md->lins[e];
		int64_t sum = 0;
		int all = 1;
		for (int j = 0; j < l->nterms && all; j++) {
			all = known[l->var[j]];
			sum += l->coef[j] * x[l->var[j]];
		}
		if (all && sum != 0) {
			holds = 0;
			var_name(l->var[0], name, sizeof name);
			if (report)
				problem("month %s: an equation of %s does not hold for the truth and its "
				"cell-key noise: the attacker's model of the noise is wrong", ms, name);
		}
	}
	free(x);
	free(known);
	return holds;
}

void informed_month(Model *md, const size_t *oi, size_t no, unsigned char *verdict)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	char ms[16], why[1200];
	month_str(md->month, ms);
	size_t nv = (size_t)md->nv;
	f_months++;

	if (md->noise && informed_version == INFORMED_V1) {
		printf("%s: note: month %s not attacked with the algorithm: v1 had no perturbation\n",
		       label, ms);
		f_skipped++;
		return;
	}
	SimMonth *sim = sim_new(informed_version, md, oi, no, md->noise ? informed_cell_key : NULL,
				why, sizeof why);
	if (!sim && !(md->noise && informed_version == INFORMED_V2 && !informed_cell_key)) {
		printf("%s: note: month %s not attacked with the algorithm: %s\n", label, ms, why);
		f_skipped++;
		return;
	}
	if (sim && !sim_kept_truth(sim, why, sizeof why)) {
		problem("month %s: the v%d simulator does not reproduce the published month from the "
			"true counts (the attacker's model of the algorithm is wrong): %s", ms,
			informed_version, why);
		f_unsound++;
		sim_free(sim);
		return;
	}
	if (sim && md->noise)
		check_noise_model(md, sim, ms);
	int withheld = 0;
	for (size_t i = 0; i < no; i++)
		for (int k = 0; k < 2; k++)
			withheld |= obs[oi[i]].st[k] == ST_WITHHELD;
	f_withheld += withheld;

	/* the variables to decide: every true count, complement and remainder
	 * phase 1 left open */
	unsigned char *target = xrealloc(NULL, nv);
	for (size_t v = 0; v < nv; v++)
		target[v] = (int)v < md->nv_true && md->rep[v] == (int)v && md->used[v] &&
			    md->in_eq[v] && md->lo[v] < md->hi[v];
	/* v1's decision variables (see the header) */
	unsigned char *decision = xrealloc(NULL, nv);
	memset(decision, 0, nv);
	if (informed_version == INFORMED_V1)
		for (size_t r = 0; r < n_rels; r++) {
			if (rels[r].advisory || rels[r].kind == REL_EQUAL)
				continue;
			for (int k = 0; k < rels[r].ncells; k++)
				decision[md->rep[rels[r].cell[k]]] = 1;
			if (rels[r].kind == REL_PARTIAL)
				decision[md->rep[var_r(r)]] = 1;
		}

	Ctx c;
	memset(&c, 0, sizeof c);
	c.md = md;
	/* candidates of a perturbed month are not simulated: the office's noise
	 * of another candidate is not the noise the attacker must allow for
	 * (the model's noises are free, so its points are exactly what is kept) */
	c.sim = md->noise ? NULL : sim;
	f_unsimulated += md->noise != 0;
	c.seen_lo = xrealloc(NULL, nv * sizeof *c.seen_lo);
	c.seen_hi = xrealloc(NULL, nv * sizeof *c.seen_hi);
	for (size_t v = 0; v < nv; v++) {
		c.seen_lo[v] = BIG + 1;
		c.seen_hi[v] = -1;
	}
	Search s;
	memset(&s, 0, sizeof s);
	s.md = md;
	s.decision = decision;
	s.budget = informed_budget ? informed_budget
				   : informed_version == INFORMED_V1 ? 2000000 : 20000;
	s.max_disc = -1;
	s.leaf = leaf_kept;
	s.ctx = &c;
	s.x = xrealloc(NULL, nv * sizeof *s.x);

	if (withheld) {
		c.sim = sim; /* with the key, the office itself judges the witnesses */
		if (sim) {
			withheld_month(&c, &s, verdict, target);
		} else {
			for (size_t v = 0; v < nv; v++)
				if (target[v])
					verdict[v] = P2_UNDECIDED;
		}
		goto done;
	}

	int r = run(&c, &s, ORDER_LOW, -1, 0, 0, 0);
	if (r == S_GAVE_UP) {
		for (size_t v = 0; v < nv; v++)
			if (target[v])
				verdict[v] = P2_UNDECIDED;
		goto done;
	}
	if (r != S_FOUND) {
		problem("month %s: the informed search found no kept candidate, but the true counts "
			"are kept (a bug in the search)", ms);
		f_unsound++;
		goto done;
	}
	run(&c, &s, ORDER_HIGH, -1, 0, 0, 1);
	/* witnesses that move every target still seen at one value at once
	 * (complements and remainders are differences: the first two see them
	 * at one value), while they move some */
	int64_t *pref = xrealloc(NULL, nv * sizeof *pref);
	unsigned char *prio = xrealloc(NULL, nv);
	s.pref = pref;
	s.prio = prio;
	for (int round = 0, single = -1; round < 4; round++) {
		int now = move_pref(&c, target, pref, prio, -1, 0);
		if (now == 0 || now == single)
			break;
		single = now;
		run(&c, &s, ORDER_PREF, -1, 0, 0, 1);
	}
	for (size_t v = 0; v < nv; v++) {
		if (!target[v])
			continue;
		if (c.seen_lo[v] < c.seen_hi[v]) {
			verdict[v] = P2_OPEN;
			continue;
		}
		int64_t w = c.seen_lo[v];
		/* each side: the value next to w first, and every other variable
		 * seen at one value pulled away from it */
		int below = S_NONE, above = S_NONE;
		if (w > md->lo[v]) {
			move_pref(&c, target, pref, prio, (int)v, w - 1);
			below = run(&c, &s, ORDER_PREF, (int)v, md->lo[v], w - 1, 0);
		}
		if (c.seen_lo[v] == c.seen_hi[v] && w < md->hi[v]) {
			move_pref(&c, target, pref, prio, (int)v, w + 1);
			above = run(&c, &s, ORDER_PREF, (int)v, w + 1, md->hi[v], 0);
		}
		if (c.seen_lo[v] < c.seen_hi[v]) {
			verdict[v] = P2_OPEN;
		} else if (below == S_GAVE_UP || above == S_GAVE_UP) {
			verdict[v] = P2_UNDECIDED;
		} else {
			/* both sides exhausted (S_NONE, or S_REJECT: the one decision
			 * assignment left was rejected) */
			verdict[v] = P2_PINNED;
			md->lo[v] = md->hi[v] = w;
		}
	}
	free(pref);
	free(prio);
done:
	for (size_t v = 0; v < nv; v++) {
		f_open += verdict[v] == P2_OPEN;
		f_pinned += verdict[v] == P2_PINNED;
		f_undecided += verdict[v] == P2_UNDECIDED;
	}
	free(target);
	free(decision);
	free(c.seen_lo);
	free(c.seen_hi);
	free(s.x);
	sim_free(sim);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	f_seconds += (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}

void informed_report(void)
{
	printf("%s: informed v%d: months %ld (withheld %ld, perturbed %ld, not attacked %ld, "
	       "truth not reproduced %ld); searches %ld (nodes %ld, out of budget %ld); "
	       "candidates simulated %ld, kept %ld (and %ld model points of perturbed months); "
	       "variables open %ld, pinned %ld, undecided %ld; model mismatches %ld; %.2f s\n",
	       label, informed_version, f_months, f_withheld, f_unsimulated, f_skipped, f_unsound,
	       f_searches, f_nodes, f_gave_up, sim_runs, f_kept, f_points, f_open, f_pinned,
	       f_undecided, f_model, f_seconds);
}

void informed_figures(long *simulated, long *model_points)
{
	*simulated = sim_runs;
	*model_points = f_points;
}
