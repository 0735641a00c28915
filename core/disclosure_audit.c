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

/*
 * Propagation is event driven: an equation is looked at again only when a
 * bound of one of its cells changed. `adj` lists each cell's equations.
 */
struct propagation {
	size_t *adj_start; /* n_cells + 1 offsets into adj */
	size_t *adj;
	size_t *queue;     /* a ring of n_eq equations */
	bool *queued;
	size_t n_eq;
};
static _Thread_local struct propagation *prop;

static void prop_init(struct propagation *pr, const struct month_system *ms)
{
	size_t n = ms->n_cells, total = 0;
	pr->n_eq = ms->n_eq;
	pr->adj_start = kv_xcalloc(n + 1, sizeof *pr->adj_start);
	for (size_t i = 0; i < ms->n_eq; i++)
		for (size_t k = 0; k < ms->eq[i].n; k++) {
			pr->adj_start[ms->eq[i].cells[k] + 1]++;
			total++;
		}
	for (size_t c = 0; c < n; c++)
		pr->adj_start[c + 1] += pr->adj_start[c];
	pr->adj = kv_xcalloc(total ? total : 1, sizeof *pr->adj);
	size_t *fill = kv_xcalloc(n ? n : 1, sizeof *fill);
	for (size_t i = 0; i < ms->n_eq; i++)
		for (size_t k = 0; k < ms->eq[i].n; k++) {
			size_t c = ms->eq[i].cells[k];
			pr->adj[pr->adj_start[c] + fill[c]++] = i;
		}
	free(fill);
	pr->queue = kv_xcalloc(ms->n_eq ? ms->n_eq : 1, sizeof *pr->queue);
	pr->queued = kv_xcalloc(ms->n_eq ? ms->n_eq : 1, sizeof *pr->queued);
}

static void prop_free(struct propagation *pr)
{
	free(pr->adj_start);
	free(pr->adj);
	free(pr->queue);
	free(pr->queued);
}

struct ring {
	size_t head, count;
};

static void enqueue(struct ring *r, size_t eq)
{
	if (prop->queued[eq])
		return;
	prop->queued[eq] = true;
	prop->queue[(r->head + r->count++) % prop->n_eq] = eq;
}

static void enqueue_cell(struct ring *r, size_t c)
{
	for (size_t i = prop->adj_start[c]; i < prop->adj_start[c + 1]; i++)
		enqueue(r, prop->adj[i]);
}

/* Tighten through one equation, queueing the equations of every cell whose
 * bound changed; false on a contradiction. */
static bool tighten(const struct equation *e, struct bounds *b, struct ring *r)
{
	int64_t sum_lo = 0, sum_hi = 0;
	for (size_t k = 1; k < e->n; k++) {
		sum_lo += b->lo[e->cells[k]];
		sum_hi += b->hi[e->cells[k]];
	}
	size_t t = e->cells[0];
	bool changed = false;
	if (sum_lo > b->lo[t]) {
		b->lo[t] = sum_lo;
		changed = true;
	}
	if (sum_hi < b->hi[t]) {
		b->hi[t] = sum_hi;
		changed = true;
	}
	if (changed)
		enqueue_cell(r, t);
	for (size_t k = 1; k < e->n; k++) {
		size_t c = e->cells[k];
		int64_t others_hi = sum_hi - b->hi[c], others_lo = sum_lo - b->lo[c];
		int64_t lo = b->lo[t] - others_hi, hi = b->hi[t] - others_lo;
		changed = false;
		if (lo > b->lo[c]) {
			b->lo[c] = lo;
			changed = true;
		}
		if (hi < b->hi[c]) {
			b->hi[c] = hi;
			changed = true;
		}
		if (changed)
			enqueue_cell(r, c);
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

/* Propagate to a fixpoint from the equations of cell `from`, or from every
 * equation (from == SIZE_MAX). False on a contradiction; bounds that are
 * only partly tightened (the work budget ran out) are still sound. */
static bool propagate_from(const struct month_system *ms, struct bounds *b, size_t from)
{
	struct ring r = {0, 0};
	if (from == SIZE_MAX)
		for (size_t i = 0; i < ms->n_eq; i++)
			enqueue(&r, i);
	else
		enqueue_cell(&r, from);
	bool ok = true;
	while (r.count > 0) {
		size_t eq = prop->queue[r.head];
		r.head = (r.head + 1) % prop->n_eq;
		r.count--;
		prop->queued[eq] = false;
		audit_work++;
		if (!ok || over_budget())
			continue; /* drain the queue */
		if (!tighten(&ms->eq[eq], b, &r))
			ok = false;
	}
	return ok;
}

static bool propagate(const struct month_system *ms, struct bounds *b)
{
	return propagate_from(ms, b, SIZE_MAX);
}

static void alloc_bounds(struct bounds *b, size_t n);

/* The interval of counts at least min_count that round to a published v. */
static void preimage(const struct kv_disclosure_params *p, uint64_t v, int64_t *lo, int64_t *hi)
{
	int64_t base = p->rounding_base, half = base / 2, min = p->min_count;
	int64_t clamp = (min + base - 1) / base * base;
	int64_t l = (int64_t)v == clamp ? min : (int64_t)v - half;
	*lo = l < min ? min : l;
	*hi = (int64_t)v + base - 1 - half;
}

/*
 * What a real cell's status says about the count the rules acted on (the
 * true count, or with the noise the true count plus its noise), and what
 * the numerator's status says about that count's complement. Sets the
 * bounds of cell `count` and of `comp` (a complement; SIZE_MAX: none).
 */
static void status_bounds(const struct month_system *ms, const struct kv_disclosure_params *p,
			  size_t c, struct bounds *b, size_t count, size_t comp)
{
	int64_t min = p->min_count;
	switch (ms->status[c]) {
	case KV_CELL_PUBLISHED:
		preimage(p, ms->published[c], &b->lo[count], &b->hi[count]);
		break;
	case KV_CELL_SMALL:
		b->hi[count] = min - 1;
		break;
	case KV_CELL_COMPLEMENT:
	case KV_CELL_SECONDARY:
		b->lo[count] = min;
		break;
	default:
		break;
	}
	if (comp == SIZE_MAX || c % 2 != 0)
		return;
	if (ms->status[c] == KV_CELL_COMPLEMENT)
		b->hi[comp] = min - 1;
	else if (ms->status[c] == KV_CELL_PUBLISHED || ms->status[c] == KV_CELL_SECONDARY)
		b->lo[comp] = min;
}

/* Without noise the rules acted on the true counts themselves. */
static void initial(const struct month_system *ms, const struct kv_disclosure_params *p,
		    struct bounds *b)
{
	for (size_t c = 0; c < ms->n_cells; c++) {
		b->lo[c] = 0;
		b->hi[c] = BIG;
	}
	for (size_t c = 0; c < 2 * ms->n_series; c++)
		status_bounds(ms, p, c, b, c, 2 * ms->n_series + c / 2);
}

/*
 * With cell-key noise the rules acted on acting counts a = t + n, where t is
 * the true count (in the equations) and n the noise of its population, in
 * [-noise_max, noise_max] and the same for every cell counting that
 * population; the statuses bound the acting counts and their complements
 * aD - aN. (The rules clamp an acting count at 0, but every bound a status
 * gives holds for the unclamped count exactly when it holds for the clamped
 * one: an upper bound is at least 0, a lower bound at least min_count.) The
 * system grows by, in order: an acting count per real cell, an acting
 * complement per series, a noise per real cell (used by the first cell of
 * each population). The true counts keep their numbers, so pins of the
 * first ms->n_cells cells are the pins of the counts.
 */
static void noise_model(const struct month_system *ms, const struct kv_disclosure_params *p,
			struct month_system *ext, struct bounds *b)
{
	size_t ns = ms->n_series, n0 = ms->n_cells;
	size_t act = n0, act_comp = n0 + 2 * ns, noise = n0 + 3 * ns;
	int64_t d = p->noise_max;
	memset(ext, 0, sizeof *ext);
	ext->n_series = ns;
	ext->n_cells = n0 + 5 * ns;
	ext->n_eq = ms->n_eq;
	ext->eq = kv_xcalloc(ms->n_eq + 3 * ns + 1, sizeof *ext->eq);
	memcpy(ext->eq, ms->eq, ms->n_eq * sizeof *ext->eq);
	alloc_bounds(b, ext->n_cells);
	for (size_t c = 0; c < ext->n_cells; c++) {
		b->lo[c] = c < n0 ? 0 : -BIG;
		b->hi[c] = BIG;
	}
	for (size_t c = 0; c < 2 * ns; c++) {
		uint8_t st = ms->status[c];
		if (st != KV_CELL_PUBLISHED && st != KV_CELL_SMALL && st != KV_CELL_COMPLEMENT &&
		    st != KV_CELL_SECONDARY)
			continue; /* says nothing about a count */
		struct equation *e = &ext->eq[ext->n_eq++];
		e->n = 3;
		e->cells[0] = act + c;
		e->cells[1] = c;
		e->cells[2] = noise + ms->noise_group[c];
		b->lo[noise + ms->noise_group[c]] = -d;
		b->hi[noise + ms->noise_group[c]] = d;
		status_bounds(ms, p, c, b, act + c, act_comp + c / 2);
	}
	for (size_t s = 0; s < ns; s++) {
		uint8_t st = ms->status[2 * s];
		if (st != KV_CELL_PUBLISHED && st != KV_CELL_COMPLEMENT && st != KV_CELL_SECONDARY)
			continue; /* no fact about the complement */
		struct equation *e = &ext->eq[ext->n_eq++];
		e->n = 3;
		e->cells[0] = act + 2 * s + 1;
		e->cells[1] = act + 2 * s;
		e->cells[2] = act_comp + s;
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
				if (propagate_from(ms, scratch, c))
					break; /* v is possible */
				if (end == 0)
					b->lo[c]++;
				else
					b->hi[c]--;
				*changed = true;
				if (!propagate_from(ms, b, c))
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
			if (propagate_from(ms, &child, pick))
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
			if (propagate_from(ms, &child, pick))
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
	if (t.lo[c] <= t.hi[c] && propagate_from(s->ms, &t, c))
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

long kv_disclosure_audit(const struct month_system *counts, const struct kv_disclosure_params *p,
			 bool *pinned)
{
	long result = -1;
	struct bounds b, scratch;
	struct month_system ext = {0};
	const struct month_system *ms = counts;
	if (p->noise_max > 0) {
		noise_model(counts, p, &ext, &b);
		ms = &ext;
	} else {
		alloc_bounds(&b, counts->n_cells ? counts->n_cells : 1);
		initial(counts, p, &b);
	}
	size_t n = ms->n_cells, n_counts = counts->n_cells;
	alloc_bounds(&scratch, n ? n : 1);
	bool *in_equation = kv_xcalloc(n ? n : 1, sizeof *in_equation);
	int64_t *solution = kv_xcalloc(n ? n : 1, sizeof *solution);
	audit_work = 0;
	int64_t *seen_lo = kv_xcalloc(n ? n : 1, sizeof *seen_lo);
	int64_t *seen_hi = kv_xcalloc(n ? n : 1, sizeof *seen_hi);

	for (size_t i = 0; i < ms->n_eq; i++)
		for (size_t k = 0; k < ms->eq[i].n; k++)
			in_equation[ms->eq[i].cells[k]] = true;
	struct propagation pr;
	prop_init(&pr, ms);
	prop = &pr;

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
		seen_lo[c] = BIG + 1;
		seen_hi[c] = -BIG - 1;
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
	for (size_t c = 0; c < n_counts; c++) {
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
	prop_free(&pr);
	prop = NULL;
	free(ext.eq);
	free_bounds(&b);
	free_bounds(&scratch);
	free(in_equation);
	free(solution);
	free(seen_lo);
	free(seen_hi);
	return result;
}
