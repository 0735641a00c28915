/*
 * sim_v1.c - a frozen copy of kvalind's first disclosure algorithm (v1: git
 * c393f6d, core/disclosure.c), its symbols renamed, without its audit loop
 * (sim_v1.h says why that keeps a superset of v1's candidates)
 *
 * Within a month the counts form a small system of linear equations: every
 * relation and every proportion's denominator = numerator + complement.
 * Cells are numbered: 2*s + kind for the real cells of series s, then one
 * complement per series, then one remainder per partial sum.
 */
#include <stdlib.h>
#include <string.h>

#include "sim_v1.h"

struct v1_equation {
	size_t cells[64]; /* cells[0] = sum of cells[1..n-1] */
	size_t n;
};

struct v1_system {
	size_t n_series, n_cells;
	uint64_t *value;
	bool *real;
	bool *hidden;
	bool *protect;
	uint8_t *status;
	struct v1_equation *eq;
	size_t n_eq;
};

static void *v1_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		abort();
	return p;
}

static uint64_t v1_round(const struct kv_disclosure_params *p, uint64_t t)
{
	uint64_t base = p->rounding_base;
	uint64_t r = (t + base / 2) / base * base;
	if (r < p->min_count)
		r = ((uint64_t)p->min_count + base - 1) / base * base;
	return r;
}

static size_t v1_real_cell(struct kv_cell_ref c)
{
	return 2 * (size_t)c.series + c.kind;
}

static void v1_add_equation(struct v1_system *ms, size_t total, const size_t *parts, size_t n)
{
	if (n + 1 > sizeof ms->eq[0].cells / sizeof ms->eq[0].cells[0])
		abort();
	struct v1_equation *grown = realloc(ms->eq, (ms->n_eq + 1) * sizeof *ms->eq);
	if (!grown)
		abort();
	ms->eq = grown;
	struct v1_equation *e = &ms->eq[ms->n_eq++];
	e->cells[0] = total;
	memcpy(e->cells + 1, parts, n * sizeof *parts);
	e->n = n + 1;
}

static void v1_primary(struct v1_system *ms, const struct kv_series *se, size_t s, size_t m,
		       const struct kv_disclosure_params *p)
{
	size_t n = 2 * s, d = 2 * s + 1;
	ms->value[n] = se->cells[m].numerator;
	ms->value[d] = se->cells[m].denominator;
	ms->real[n] = ms->real[d] = true;
	uint8_t whole = KV_CELL_PUBLISHED;
	if (se->failed)
		whole = KV_CELL_FAILED;
	else if (!se->computable)
		whole = KV_CELL_NOT_COMPUTABLE;
	if (whole != KV_CELL_PUBLISHED) {
		ms->status[n] = ms->status[d] = whole;
		ms->hidden[n] = ms->hidden[d] = true;
		return;
	}
	if (ms->value[d] < p->min_count) {
		ms->status[d] = KV_CELL_SMALL;
		ms->hidden[d] = ms->protect[d] = true;
	}
	if (se->type == KV_INDICATOR_MEAN) {
		ms->status[n] = KV_CELL_NOT_APPLICABLE;
		ms->hidden[n] = true;
		return;
	}
	if (ms->value[n] < p->min_count) {
		ms->status[n] = KV_CELL_SMALL;
		ms->hidden[n] = ms->protect[n] = true;
	} else if (ms->value[d] - ms->value[n] < p->min_count) {
		ms->status[n] = KV_CELL_COMPLEMENT;
		ms->hidden[n] = ms->protect[n] = true;
	}
}

/* Rule 2: hide the published cell of e with the smallest true count (parts
 * before the total on a tie). Returns whether it hid one. */
static bool v1_hide_another(struct v1_system *ms, const struct v1_equation *e)
{
	size_t best = SIZE_MAX;
	for (size_t k = e->n; k-- > 0;) {
		size_t c = e->cells[k];
		if (ms->hidden[c] || !ms->real[c])
			continue;
		if (best == SIZE_MAX || ms->value[c] < ms->value[best] ||
		    (ms->value[c] == ms->value[best] && k != 0))
			best = c;
	}
	if (best == SIZE_MAX)
		return false;
	ms->hidden[best] = ms->protect[best] = true;
	ms->status[best] = KV_CELL_SECONDARY;
	return true;
}

static void v1_secondary(struct v1_system *ms)
{
	bool changed = true;
	while (changed) {
		changed = false;
		for (size_t i = 0; i < ms->n_eq; i++) {
			const struct v1_equation *e = &ms->eq[i];
			size_t n_hidden = 0, lone = 0;
			for (size_t k = 0; k < e->n; k++)
				if (ms->hidden[e->cells[k]]) {
					n_hidden++;
					lone = e->cells[k];
				}
			if (n_hidden == 1 && ms->protect[lone] && v1_hide_another(ms, e))
				changed = true;
		}
	}
}

static void v1_build_system(struct v1_system *ms, const struct kv_result *res,
			    const struct kv_relations *rel, size_t m,
			    const struct kv_disclosure_params *p)
{
	size_t ns = res->n_series, n_partial = 0;
	for (size_t i = 0; i < rel->n; i++)
		n_partial += rel->items[i].type == KV_REL_SUM_PARTIAL;
	ms->n_series = ns;
	ms->n_cells = 3 * ns + n_partial;
	ms->value = v1_calloc(ms->n_cells, sizeof *ms->value);
	ms->real = v1_calloc(ms->n_cells, sizeof *ms->real);
	ms->hidden = v1_calloc(ms->n_cells, sizeof *ms->hidden);
	ms->protect = v1_calloc(ms->n_cells, sizeof *ms->protect);
	ms->status = v1_calloc(ms->n_cells, sizeof *ms->status);

	for (size_t s = 0; s < ns; s++)
		v1_primary(ms, &res->series[s], s, m, p);

	/* denominator = numerator + complement, for every proportion */
	for (size_t s = 0; s < ns; s++) {
		const struct kv_series *se = &res->series[s];
		size_t c = 2 * ns + s;
		ms->hidden[c] = true;
		if (se->type != KV_INDICATOR_PROPORTION || se->failed || !se->computable)
			continue;
		ms->value[c] = ms->value[2 * s + 1] - ms->value[2 * s];
		ms->protect[c] = ms->value[c] < p->min_count;
		size_t parts[2] = {2 * s, c};
		v1_add_equation(ms, 2 * s + 1, parts, 2);
	}

	size_t next_remainder = 3 * ns;
	for (size_t i = 0; i < rel->n; i++) {
		const struct kv_relation *r = &rel->items[i];
		size_t total = v1_real_cell(r->total);
		if (r->type == KV_REL_EQUAL) {
			for (size_t k = 0; k < r->n_parts; k++) {
				size_t part = v1_real_cell(r->parts[k]);
				v1_add_equation(ms, total, &part, 1);
			}
			continue;
		}
		size_t parts[64], n = 0;
		for (size_t k = 0; k < r->n_parts && n < 62; k++)
			parts[n++] = v1_real_cell(r->parts[k]);
		if (r->type == KV_REL_SUM_PARTIAL) {
			size_t c = next_remainder++;
			uint64_t sum = 0;
			for (size_t k = 0; k < n; k++)
				sum += ms->value[parts[k]];
			ms->value[c] = ms->value[total] >= sum ? ms->value[total] - sum : 0;
			ms->hidden[c] = true;
			ms->protect[c] = ms->value[c] < p->min_count;
			parts[n++] = c;
		}
		v1_add_equation(ms, total, parts, n);
	}
}

static void v1_free_system(struct v1_system *ms)
{
	free(ms->value);
	free(ms->real);
	free(ms->hidden);
	free(ms->protect);
	free(ms->status);
	free(ms->eq);
}

void sim_v1_month(const struct kv_result *res, const struct kv_relations *rel,
		  const struct kv_disclosure_params *p, size_t m, struct kv_published *out)
{
	struct v1_system ms;
	memset(&ms, 0, sizeof ms);
	v1_build_system(&ms, res, rel, m, p);
	v1_secondary(&ms);
	/* (v1's audit loop would run here: see sim_v1.h) */

	for (size_t s = 0; s < res->n_series; s++) {
		const struct kv_series *se = &res->series[s];
		struct kv_published *o = &out[s];
		memset(o, 0, sizeof *o);
		size_t n = 2 * s, d = 2 * s + 1;
		o->numerator_status = ms.status[n];
		o->denominator_status = ms.status[d];
		if (ms.status[n] == KV_CELL_PUBLISHED)
			o->numerator = v1_round(p, ms.value[n]);
		if (ms.status[d] == KV_CELL_PUBLISHED)
			o->denominator = v1_round(p, ms.value[d]);
		if (ms.status[n] == KV_CELL_PUBLISHED && ms.status[d] == KV_CELL_PUBLISHED &&
		    o->denominator > 0) {
			o->has_share = true;
			o->share = (double)o->numerator / (double)o->denominator;
		}
		if (se->type == KV_INDICATOR_MEAN && ms.status[d] == KV_CELL_PUBLISHED &&
		    ms.value[d] > 0) {
			o->has_mean = true;
			o->mean = se->cells[m].value_sum / (double)ms.value[d];
		}
	}
	v1_free_system(&ms);
}
