/*
 * disclosure_audit.c - what an informed attacker can work out from one
 * published month
 *
 * The attacker has the published month (statuses and rounded counts), the
 * catalogue's relations (kvalind list-relations) and kvalind's source. The
 * suppression rules choose what to hide from the statuses alone
 * (disclosure.c), so knowing the algorithm adds nothing to what the
 * statuses say; the attacker's knowledge is exactly the set of integer
 * vectors that satisfy:
 *   - every equation (relations, and denominator = numerator + complement);
 *   - a published count v: the true count is in the rounding's preimage of
 *     v; suppressed_small: below min_count; suppressed_secondary: at least
 *     min_count, and a numerator's complement at least min_count too;
 *     suppressed_complement: numerator at least min_count, complement below;
 *     a published numerator: its complement at least min_count.
 *
 * A cell is pinned when every vector of that set gives it the same value.
 * The audit decides that exactly, in three steps:
 *   1. integer interval propagation through every equation to a fixpoint,
 *      then shaving: each end value of every narrow interval is tried and
 *      dropped when it propagates to a contradiction;
 *   2. witnesses: a depth-first search finds whole solutions (smallest
 *      values first, then largest first); a cell seen with two values in
 *      witnesses is not pinned;
 *   3. for every cell still seen with one value w, a search for a solution
 *      with the cell below w and one with it above w: if both are proved
 *      impossible, the cell is pinned.
 * Every search has a node budget; a search that runs out counts as
 * "pinned", so the audit can only err towards hiding more.
 */
#include <stdlib.h>
#include <string.h>

#include "disclosure_private.h"
#include "util.h"

#define BIG ((int64_t)1 << 50)
#define PROBE_WIDTH 40        /* shave intervals at most this wide */
#define SEARCH_BUDGET 200000L /* nodes per search */
#define ENUMERATE_WIDTH 16    /* branch on every value of an interval this narrow */
/* Work for the whole audit, in equations tightened: a month of the
 * catalogue takes about 0.5 million (8 ms); a month that needs more than
 * the budget, about a second, has every cell not yet shown free counted as
 * pinned, the same at the office and at the hub (only a forged month could
 * need it, and the hub must not spend longer on one). */
#define AUDIT_WORK_BUDGET 50000000L

static _Thread_local long audit_work; /* this audit's work so far */

struct bounds {
	int64_t *lo, *hi;
};

/* Tighten through one equation; false on a contradiction. */
static bool tighten(const struct equation *e, struct bounds *b, bool *changed)
{
	int64_t sum_lo = 0, sum_hi = 0;
	for (size_t k = 1; k < e->n; k++) {
		sum_lo += b->lo[e->cells[k]];
		sum_hi += b->hi[e->cells[k]];
	}
	size_t t = e->cells[0];
	if (sum_lo > b->lo[t]) {
		b->lo[t] = sum_lo;
		*changed = true;
	}
	if (sum_hi < b->hi[t]) {
		b->hi[t] = sum_hi;
		*changed = true;
	}
	for (size_t k = 1; k < e->n; k++) {
		size_t c = e->cells[k];
		int64_t others_hi = sum_hi - b->hi[c], others_lo = sum_lo - b->lo[c];
		int64_t lo = b->lo[t] - others_hi, hi = b->hi[t] - others_lo;
		if (lo > b->lo[c]) {
			b->lo[c] = lo;
			*changed = true;
		}
		if (hi < b->hi[c]) {
			b->hi[c] = hi;
			*changed = true;
		}
	}
	for (size_t k = 0; k < e->n; k++)
		if (b->lo[e->cells[k]] > b->hi[e->cells[k]])
			return false;
	return true;
}

static bool over_budget(void)
{
	return audit_work > AUDIT_WORK_BUDGET;
}

static bool propagate(const struct month_system *ms, struct bounds *b)
{
	bool changed = true;
	for (int round = 0; changed && round < 10000 && !over_budget(); round++) {
		changed = false;
		audit_work += (long)ms->n_eq;
		for (size_t i = 0; i < ms->n_eq; i++)
			if (!tighten(&ms->eq[i], b, &changed))
				return false;
	}
	return true;
}

/* The interval of true counts a published count v stands for: the
 * rounding's preimage (of counts at least min_count), widened by the
 * largest cell-key noise. */
static void preimage(const struct kv_disclosure_params *p, uint64_t v, int64_t *lo, int64_t *hi)
{
	int64_t base = p->rounding_base, half = base / 2, min = p->min_count;
	int64_t clamp = (min + base - 1) / base * base, noise = p->noise_max;
	int64_t l = (int64_t)v == clamp ? min : (int64_t)v - half;
	if (l < min)
		l = min;
	*lo = l - noise > 0 ? l - noise : 0;
	*hi = (int64_t)v + base - 1 - half + noise;
}

/*
 * What the statuses say. With cell-key perturbation the rules act on the
 * true count plus a noise of at most noise_max either way, so each bound a
 * status gives is widened by it (twice for a complement, the difference of
 * two counts each with its noise).
 */
static void initial(const struct month_system *ms, const struct kv_disclosure_params *p,
		    struct bounds *b)
{
	int64_t min = p->min_count, noise = p->noise_max;
	int64_t at_least = min - noise > 0 ? min - noise : 0;
	int64_t comp_at_least = min - 2 * noise > 0 ? min - 2 * noise : 0;
	for (size_t c = 0; c < ms->n_cells; c++) {
		b->lo[c] = 0;
		b->hi[c] = BIG;
	}
	for (size_t s = 0; s < ms->n_series; s++) {
		for (size_t k = 0; k < 2; k++) {
			size_t c = 2 * s + k;
			switch (ms->status[c]) {
			case KV_CELL_PUBLISHED:
				preimage(p, ms->published[c], &b->lo[c], &b->hi[c]);
				break;
			case KV_CELL_SMALL:
				b->hi[c] = min - 1 + noise;
				break;
			case KV_CELL_COMPLEMENT:
			case KV_CELL_SECONDARY:
				b->lo[c] = at_least;
				break;
			default:
				break;
			}
		}
		/* the complement: what the numerator's status says about it */
		size_t comp = 2 * ms->n_series + s;
		uint8_t n = ms->status[2 * s];
		if (n == KV_CELL_COMPLEMENT)
			b->hi[comp] = min - 1 + 2 * noise;
		else if (n == KV_CELL_PUBLISHED || n == KV_CELL_SECONDARY)
			b->lo[comp] = comp_at_least;
	}
}

static void copy_bounds(struct bounds *to, const struct bounds *from, size_t n)
{
	memcpy(to->lo, from->lo, n * sizeof *to->lo);
	memcpy(to->hi, from->hi, n * sizeof *to->hi);
}

static void alloc_bounds(struct bounds *b, size_t n)
{
	b->lo = kv_xcalloc(n, sizeof *b->lo);
	b->hi = kv_xcalloc(n, sizeof *b->hi);
}

static void free_bounds(struct bounds *b)
{
	free(b->lo);
	free(b->hi);
}

static bool shave(const struct month_system *ms, struct bounds *b, struct bounds *scratch,
		  bool *changed)
{
	size_t n = ms->n_cells;
	for (size_t c = 0; c < n && !over_budget(); c++) {
		for (int end = 0; end < 2; end++) {
			while (b->lo[c] < b->hi[c] && b->hi[c] - b->lo[c] <= PROBE_WIDTH &&
			       !over_budget()) {
				int64_t v = end == 0 ? b->lo[c] : b->hi[c];
				copy_bounds(scratch, b, n);
				scratch->lo[c] = scratch->hi[c] = v;
				if (propagate(ms, scratch))
					break; /* v is possible */
				if (end == 0)
					b->lo[c]++;
				else
					b->hi[c]--;
				*changed = true;
				if (!propagate(ms, b))
					return false;
			}
		}
	}
	return true;
}

/* ---- the integer search --------------------------------------------------- */

struct search {
	const struct month_system *ms;
	const bool *in_equation; /* cells the search must fix (the others are free) */
	long nodes;
	bool high_first;         /* try the largest value first */
	int64_t *solution;
};

enum { FOUND = 1, NONE = 0, GAVE_UP = -1 };

/* Depth-first search for one integer solution within b (already propagated). */
static int dfs(struct search *s, const struct bounds *b)
{
	const struct month_system *ms = s->ms;
	size_t n = ms->n_cells, pick = SIZE_MAX;
	int64_t best = 0;
	for (size_t c = 0; c < n; c++) {
		if (!s->in_equation[c] || b->lo[c] == b->hi[c])
			continue;
		int64_t w = b->hi[c] - b->lo[c];
		if (pick == SIZE_MAX || w < best) {
			pick = c;
			best = w;
		}
	}
	if (pick == SIZE_MAX) {
		for (size_t c = 0; c < n; c++)
			s->solution[c] = b->lo[c];
		return FOUND;
	}
	if (++s->nodes > SEARCH_BUDGET || over_budget())
		return GAVE_UP;

	struct bounds child;
	alloc_bounds(&child, n);
	int result = NONE;
	int64_t lo = b->lo[pick], hi = b->hi[pick];
	bool high = s->high_first && hi < BIG;
	if (hi - lo < ENUMERATE_WIDTH) {
		/* every value, in order */
		for (int64_t i = 0; i <= hi - lo && result == NONE; i++) {
			int64_t v = high ? hi - i : lo + i;
			copy_bounds(&child, b, n);
			child.lo[pick] = child.hi[pick] = v;
			if (propagate(ms, &child))
				result = dfs(s, &child);
		}
	} else {
		/* the end value, then the rest of the interval */
		for (int branch = 0; branch < 2 && result == NONE; branch++) {
			copy_bounds(&child, b, n);
			if (branch == 0) {
				child.lo[pick] = child.hi[pick] = high ? hi : lo;
			} else if (high) {
				child.hi[pick] = hi - 1;
			} else {
				child.lo[pick] = lo + 1;
			}
			if (propagate(ms, &child))
				result = dfs(s, &child);
		}
	}
	free_bounds(&child);
	return result;
}

/* A solution within b with cell c in [lo, hi]: FOUND (in s->solution), NONE
 * or GAVE_UP. */
static int solve_within(struct search *s, const struct bounds *b, size_t c, int64_t lo,
			int64_t hi)
{
	size_t n = s->ms->n_cells;
	struct bounds t;
	alloc_bounds(&t, n);
	copy_bounds(&t, b, n);
	if (lo > t.lo[c])
		t.lo[c] = lo;
	if (hi < t.hi[c])
		t.hi[c] = hi;
	int result = NONE;
	s->nodes = 0;
	if (t.lo[c] <= t.hi[c] && propagate(s->ms, &t))
		result = dfs(s, &t);
	free_bounds(&t);
	return result;
}

static void witness(const int64_t *sol, size_t n, int64_t *seen_lo, int64_t *seen_hi)
{
	for (size_t c = 0; c < n; c++) {
		if (sol[c] < seen_lo[c])
			seen_lo[c] = sol[c];
		if (sol[c] > seen_hi[c])
			seen_hi[c] = sol[c];
	}
}

long kv_disclosure_audit(const struct month_system *ms, const struct kv_disclosure_params *p,
			 bool *pinned)
{
	size_t n = ms->n_cells;
	long result = -1;
	struct bounds b, scratch;
	alloc_bounds(&b, n);
	alloc_bounds(&scratch, n);
	bool *in_equation = kv_xcalloc(n, sizeof *in_equation);
	int64_t *solution = kv_xcalloc(n, sizeof *solution);
	audit_work = 0;
	int64_t *seen_lo = kv_xcalloc(n, sizeof *seen_lo);
	int64_t *seen_hi = kv_xcalloc(n, sizeof *seen_hi);

	for (size_t i = 0; i < ms->n_eq; i++)
		for (size_t k = 0; k < ms->eq[i].n; k++)
			in_equation[ms->eq[i].cells[k]] = true;

	initial(ms, p, &b);
	if (!propagate(ms, &b))
		goto done;
	bool changed = true;
	for (int round = 0; changed && round < 100; round++) {
		changed = false;
		if (!shave(ms, &b, &scratch, &changed))
			goto done;
	}

	/* witnesses: smallest values first, then largest first */
	struct search s = {.ms = ms, .in_equation = in_equation, .solution = solution};
	for (size_t c = 0; c < n; c++) {
		seen_lo[c] = BIG;
		seen_hi[c] = -1;
	}
	bool any = false;
	for (int order = 0; order < 2; order++) {
		s.high_first = order == 1;
		int r = solve_within(&s, &b, 0, 0, BIG);
		if (r == NONE && order == 0)
			goto done; /* no counts fit the published month at all */
		if (r == FOUND) {
			witness(solution, n, seen_lo, seen_hi);
			any = true;
		}
	}

	result = 0;
	for (size_t c = 0; c < n; c++) {
		bool pin;
		if (b.lo[c] == b.hi[c]) {
			pin = true;
		} else if (!in_equation[c]) {
			pin = false; /* free: any value of its interval will do */
		} else if (!any) {
			pin = true; /* the searches gave up: assume the worst */
		} else if (seen_lo[c] < seen_hi[c]) {
			pin = false;
		} else {
			int64_t w = seen_lo[c];
			pin = true;
			for (int side = 0; side < 2 && pin; side++) {
				s.high_first = side == 1;
				int r = side == 0 ? solve_within(&s, &b, c, b.lo[c], w - 1)
						  : solve_within(&s, &b, c, w + 1, b.hi[c]);
				if (r == FOUND) {
					witness(solution, n, seen_lo, seen_hi);
					pin = false;
				}
			}
		}
		pinned[c] = pin;
		result += pin;
	}
done:
	free_bounds(&b);
	free_bounds(&scratch);
	free(in_equation);
	free(solution);
	free(seen_lo);
	free(seen_hi);
	return result;
}
