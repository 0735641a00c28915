/*
 * search.c - depth-first search over one month's model (see search.h)
 */
#include <stdlib.h>
#include <string.h>

#include "search.h"

/* The unfixed variable to branch on: a decision variable if any is left,
 * else any branch variable; among those, one with priority if any, and the
 * narrowest. -1 when every branch variable is fixed. *is_decision says which
 * kind it is. */
static int pick(const Search *s, const int64_t *lo, const int64_t *hi, int *is_decision)
{
	const Model *md = s->md;
	const unsigned char *branch = s->branch ? s->branch : md->in_eq;
	int best = -1, best_dec = 0, best_prio = 0;
	int64_t bw = 0;
	for (int v = 0; v < md->nv; v++) {
		if (!branch[v] || lo[v] == hi[v])
			continue;
		int dec = s->decision == NULL || s->decision[v];
		int prio = s->prio ? s->prio[v] : 0;
		int64_t w = hi[v] - lo[v];
		if (best < 0 || dec > best_dec ||
		    (dec == best_dec && (prio > best_prio || (prio == best_prio && w < bw)))) {
			best = v;
			best_dec = dec;
			best_prio = prio;
			bw = w;
		}
	}
	*is_decision = best_dec;
	return best;
}

/* The k-th value (k = 0, 1, ...) of [lo, hi] in the search's order, or 0
 * with *done set when there is none. */
static int64_t nth_value(const Search *s, int v, int64_t lo, int64_t hi, int64_t k, int *done)
{
	int64_t n = hi - lo + 1;
	*done = k >= n;
	if (*done)
		return 0;
	switch (s->order) {
	case ORDER_HIGH:
		return hi - k;
	case ORDER_PREF: {
		int64_t p = s->pref[v] < lo ? lo : s->pref[v] > hi ? hi : s->pref[v];
		/* p, p+1, p-1, p+2, p-2, ... within [lo, hi] */
		int64_t up = hi - p, down = p - lo, i = 0;
		for (int64_t d = 0;; d++) {
			if (d == 0) {
				if (i++ == k)
					return p;
				continue;
			}
			if (d <= up && i++ == k)
				return p + d;
			if (d <= down && i++ == k)
				return p - d;
		}
	}
	default:
		return lo + k;
	}
}

static int dfs(Search *s, const int64_t *lo, const int64_t *hi, int disc)
{
	const Model *md = s->md;
	size_t nv = (size_t)md->nv;
	int is_decision;
	int v = pick(s, lo, hi, &is_decision);
	if (++s->nodes > s->budget)
		return S_GAVE_UP;
	if (v < 0) {
		for (size_t i = 0; i < nv; i++)
			s->x[i] = lo[i];
		if (s->max_disc >= 0 && disc != s->max_disc)
			return S_REJECT;
		if (s->max_leaves > 0 && s->leaves >= s->max_leaves)
			return S_GAVE_UP;
		s->leaves++;
		return s->leaf(s, s->x);
	}
	int64_t *clo = xrealloc(NULL, nv * sizeof *clo), *chi = xrealloc(NULL, nv * sizeof *chi);
	int result = S_NONE;
	int64_t l = lo[v], h = hi[v];
	int n_children;
	int64_t split = 0;
	if (h - l < ENUMERATE_WIDTH) {
		n_children = (int)(h - l + 1);
	} else {
		n_children = 2;
		split = l + (h - l) / 2; /* [l, split] and [split + 1, h] */
	}
	for (int i = 0; i < n_children && result != S_FOUND && result != S_GAVE_UP; i++) {
		int cdisc = disc + (i > 0);
		if (s->max_disc >= 0 && cdisc > s->max_disc)
			break;
		memcpy(clo, lo, nv * sizeof *clo);
		memcpy(chi, hi, nv * sizeof *chi);
		if (n_children == 2 && h - l >= ENUMERATE_WIDTH) {
			int upper_first = s->order == ORDER_HIGH ||
					  (s->order == ORDER_PREF && s->pref[v] > split);
			int upper = (i == 0) == upper_first;
			if (upper)
				clo[v] = split + 1;
			else
				chi[v] = split;
		} else {
			int done;
			int64_t x = nth_value(s, v, l, h, i, &done);
			if (done)
				break;
			clo[v] = chi[v] = x;
		}
		if (propagate_from(md, clo, chi, v) < 0)
			continue;
		int r = dfs(s, clo, chi, cdisc);
		if (r == S_REJECT && !is_decision) {
			result = S_REJECT; /* the completion of a decision assignment */
			break;
		}
		if (r == S_FOUND || r == S_GAVE_UP)
			result = r;
	}
	free(clo);
	free(chi);
	return result;
}

int search_run(Search *s, const int64_t *lo, const int64_t *hi)
{
	size_t nv = (size_t)s->md->nv;
	int64_t *blo = xrealloc(NULL, nv * sizeof *blo), *bhi = xrealloc(NULL, nv * sizeof *bhi);
	memcpy(blo, lo, nv * sizeof *blo);
	memcpy(bhi, hi, nv * sizeof *bhi);
	s->nodes = s->leaves = 0;
	int r = S_NONE;
	int ok = 1;
	for (size_t v = 0; v < nv; v++)
		ok = ok && blo[v] <= bhi[v];
	if (ok && propagate(s->md, blo, bhi) == 0)
		r = dfs(s, blo, bhi, 0);
	if (r == S_REJECT && s->decision == NULL)
		r = S_NONE; /* the one assignment there is was rejected */
	free(blo);
	free(bhi);
	return r;
}
