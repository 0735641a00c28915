/*
 * disclosure_audit.c - checking a controlled month from an outsider's side
 *
 * The suppression rules guard the relations one at a time; an outsider may
 * combine them, and the rounding intervals, and the facts the statuses give
 * away (a published numerator means its complement is at least min_count).
 * Before a month may leave, this audit does what such an outsider would:
 * every cell gets the interval the published month allows, and the
 * intervals are tightened through every equation until nothing changes;
 * then each value of every narrow interval is tried, and values that lead
 * to a contradiction are dropped ("shaving"). A cell narrowed to one value
 * is pinned: its count, or a difference between months, would be exact.
 * The caller suppresses more until nothing is pinned.
 */
#include <stdlib.h>
#include <string.h>

#include "disclosure_private.h"
#include "util.h"

#define BIG ((int64_t)1 << 50)
#define PROBE_WIDTH 40 /* shave intervals at most this wide */

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

static bool propagate(const struct month_system *ms, struct bounds *b)
{
	bool changed = true;
	for (int round = 0; changed && round < 10000; round++) {
		changed = false;
		for (size_t i = 0; i < ms->n_eq; i++)
			if (!tighten(&ms->eq[i], b, &changed))
				return false;
	}
	return true;
}

/* The interval a published rounded count v stands for. */
static void preimage(const struct kv_disclosure_params *p, uint64_t v, int64_t *lo, int64_t *hi)
{
	int64_t base = p->rounding_base, half = base / 2, min = p->min_count;
	int64_t clamp = (min + base - 1) / base * base;
	*lo = (int64_t)v == clamp ? min : (int64_t)v - half;
	if (*lo < min)
		*lo = min;
	*hi = (int64_t)v + base - 1 - half;
}

static void initial(const struct month_system *ms, const struct kv_disclosure_params *p,
		    struct bounds *b)
{
	int64_t min = p->min_count;
	for (size_t c = 0; c < ms->n_cells; c++) {
		b->lo[c] = 0;
		b->hi[c] = BIG;
	}
	for (size_t s = 0; s < ms->n_series; s++) {
		for (size_t k = 0; k < 2; k++) {
			size_t c = 2 * s + k;
			switch (ms->status[c]) {
			case KV_CELL_PUBLISHED:
				preimage(p, kv_disclosure_round(p, ms->value[c]), &b->lo[c],
					 &b->hi[c]);
				break;
			case KV_CELL_SMALL:
				b->hi[c] = min - 1;
				break;
			case KV_CELL_COMPLEMENT:
			case KV_CELL_SECONDARY:
				b->lo[c] = min;
				break;
			default:
				break;
			}
		}
		/* the complement: what the numerator's status says about it */
		size_t comp = 2 * ms->n_series + s;
		uint8_t n = ms->status[2 * s];
		if (n == KV_CELL_COMPLEMENT)
			b->hi[comp] = min - 1;
		else if (n == KV_CELL_PUBLISHED || n == KV_CELL_SECONDARY)
			b->lo[comp] = min;
	}
}

static bool shave(const struct month_system *ms, struct bounds *b, struct bounds *scratch,
		  bool *changed)
{
	size_t n = ms->n_cells;
	for (size_t c = 0; c < n; c++) {
		for (int end = 0; end < 2; end++) {
			while (b->lo[c] < b->hi[c] && b->hi[c] - b->lo[c] <= PROBE_WIDTH) {
				int64_t v = end == 0 ? b->lo[c] : b->hi[c];
				memcpy(scratch->lo, b->lo, n * sizeof *b->lo);
				memcpy(scratch->hi, b->hi, n * sizeof *b->hi);
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

long kv_disclosure_audit(const struct month_system *ms, const struct kv_disclosure_params *p,
			 bool *pinned)
{
	size_t n = ms->n_cells;
	long result = -1;
	struct bounds b = {kv_xcalloc(n, sizeof *b.lo), kv_xcalloc(n, sizeof *b.hi)};
	struct bounds scratch = {kv_xcalloc(n, sizeof *b.lo), kv_xcalloc(n, sizeof *b.hi)};

	initial(ms, p, &b);
	if (!propagate(ms, &b))
		goto done;
	bool changed = true;
	for (int round = 0; changed && round < 100; round++) {
		changed = false;
		if (!shave(ms, &b, &scratch, &changed))
			goto done;
	}
	result = 0;
	for (size_t c = 0; c < n; c++) {
		pinned[c] = b.lo[c] == b.hi[c];
		result += pinned[c];
	}
done:
	free(b.lo);
	free(b.hi);
	free(scratch.lo);
	free(scratch.hi);
	return result;
}
