/*
 * disclosure.c - primary and secondary suppression and rounding of one
 * month's counts (the rules are in disclosure.h)
 *
 * Within a month the counts form a small system of linear equations: every
 * relation from relations.h and every proportion's denominator = numerator +
 * complement. Cells are numbered: 2*s + kind for the real cells of series s,
 * then one complement per series, then one remainder per partial sum.
 */
#include "disclosure.h"
#include "disclosure_private.h"
#include "results.h"

#include <stdlib.h>
#include <string.h>

void kv_disclosure_params_from_config(const struct kv_config *cfg, struct kv_disclosure_params *p)
{
	const char *m = kv_config_core_value(cfg, "disclosure", "min_count");
	const char *b = kv_config_core_value(cfg, "disclosure", "rounding_base");
	p->min_count = (uint32_t)strtoul(m ? m : "5", NULL, 10);
	p->rounding_base = (uint32_t)strtoul(b ? b : "5", NULL, 10);
}

uint64_t kv_disclosure_round(const struct kv_disclosure_params *p, uint64_t t)
{
	uint64_t base = p->rounding_base;
	uint64_t r = (t + base / 2) / base * base;
	if (r < p->min_count)
		r = ((uint64_t)p->min_count + base - 1) / base * base;
	return r;
}

const char *kv_cell_status_name(enum kv_cell_status status)
{
	switch (status) {
	case KV_CELL_PUBLISHED:
		return "published";
	case KV_CELL_SMALL:
		return "suppressed_small";
	case KV_CELL_COMPLEMENT:
		return "suppressed_complement";
	case KV_CELL_SECONDARY:
		return "suppressed_secondary";
	case KV_CELL_NOT_APPLICABLE:
		return "not_applicable";
	case KV_CELL_NOT_COMPUTABLE:
		return "not_computable";
	case KV_CELL_FAILED:
		return "failed";
	}
	return "unknown";
}

static size_t real_cell(struct kv_cell_ref c)
{
	return 2 * (size_t)c.series + c.kind;
}

static void add_equation(struct month_system *ms, size_t total, const size_t *parts, size_t n)
{
	if (n + 1 > sizeof ms->eq[0].cells / sizeof ms->eq[0].cells[0])
		abort(); /* relations are built from a catalogue of dozens of cells */
	ms->eq = kv_xrealloc(ms->eq, ms->n_eq + 1, sizeof *ms->eq);
	struct equation *e = &ms->eq[ms->n_eq++];
	e->cells[0] = total;
	memcpy(e->cells + 1, parts, n * sizeof *parts);
	e->n = n + 1;
}

/* Primary suppression of series s (rule 1) and the statuses that are not a
 * count's (not computable, failed, the numerator of a mean). */
static void primary(struct month_system *ms, const struct kv_series *se, size_t s, size_t m,
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
static bool hide_another(struct month_system *ms, const struct equation *e)
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

static void secondary(struct month_system *ms)
{
	bool changed = true;
	while (changed) {
		changed = false;
		for (size_t i = 0; i < ms->n_eq; i++) {
			const struct equation *e = &ms->eq[i];
			size_t n_hidden = 0, lone = 0;
			for (size_t k = 0; k < e->n; k++)
				if (ms->hidden[e->cells[k]]) {
					n_hidden++;
					lone = e->cells[k];
				}
			if (n_hidden == 1 && ms->protect[lone] && hide_another(ms, e))
				changed = true;
		}
	}
}

/* Hide the published cell with the smallest true count among the
 * equations that contain cell c. */
static bool hide_a_neighbour(struct month_system *ms, size_t c)
{
	size_t best = SIZE_MAX;
	for (size_t i = 0; i < ms->n_eq; i++) {
		const struct equation *e = &ms->eq[i];
		bool has = false;
		for (size_t k = 0; k < e->n && !has; k++)
			has = e->cells[k] == c;
		if (!has)
			continue;
		for (size_t k = 0; k < e->n; k++) {
			size_t o = e->cells[k];
			if (ms->real[o] && !ms->hidden[o] &&
			    (best == SIZE_MAX || ms->value[o] < ms->value[best]))
				best = o;
		}
	}
	if (best == SIZE_MAX)
		return false;
	ms->hidden[best] = ms->protect[best] = true;
	ms->status[best] = KV_CELL_SECONDARY;
	return true;
}

/*
 * Rule 2, then the audit: while an outsider could pin any cell to one value
 * from what would be published, hide more (the pinned cell itself when it is
 * published, else a published neighbour of it) and apply rule 2 again.
 */
static int protect_against_the_audit(struct month_system *ms,
				     const struct kv_disclosure_params *p, char *err,
				     size_t errlen)
{
	int ret = -1;
	bool *pinned = kv_xcalloc(ms->n_cells, sizeof *pinned);
	for (;;) {
		secondary(ms);
		long n = kv_disclosure_audit(ms, p, pinned);
		if (n < 0) {
			kv_snprintf(err, errlen, "the controlled counts contradict each other "
						 "(a bug in disclosure control)");
			goto done;
		}
		if (n == 0)
			break;
		bool hid = false;
		for (size_t c = 0; c < ms->n_cells; c++) {
			if (!pinned[c])
				continue;
			if (ms->real[c] && !ms->hidden[c]) {
				ms->hidden[c] = ms->protect[c] = true;
				ms->status[c] = KV_CELL_SECONDARY;
				hid = true;
			} else if (hide_a_neighbour(ms, c)) {
				hid = true;
			}
		}
		if (!hid) {
			kv_snprintf(err, errlen, "disclosure control could not keep %ld count%s from "
						 "being worked out exactly",
				    n, n == 1 ? "" : "s");
			goto done;
		}
	}
	ret = 0;
done:
	free(pinned);
	return ret;
}

static void build_system(struct month_system *ms, const struct kv_result *res,
			 const struct kv_relations *rel, size_t m,
			 const struct kv_disclosure_params *p)
{
	size_t ns = res->n_series, n_partial = 0;
	for (size_t i = 0; i < rel->n; i++)
		n_partial += rel->items[i].type == KV_REL_SUM_PARTIAL;
	ms->n_series = ns;
	ms->n_cells = 3 * ns + n_partial;
	ms->value = kv_xcalloc(ms->n_cells, sizeof *ms->value);
	ms->real = kv_xcalloc(ms->n_cells, sizeof *ms->real);
	ms->hidden = kv_xcalloc(ms->n_cells, sizeof *ms->hidden);
	ms->protect = kv_xcalloc(ms->n_cells, sizeof *ms->protect);
	ms->status = kv_xcalloc(ms->n_cells, sizeof *ms->status);

	for (size_t s = 0; s < ns; s++)
		primary(ms, &res->series[s], s, m, p);

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
		add_equation(ms, 2 * s + 1, parts, 2);
	}

	size_t next_remainder = 3 * ns;
	for (size_t i = 0; i < rel->n; i++) {
		const struct kv_relation *r = &rel->items[i];
		size_t total = real_cell(r->total);
		if (r->type == KV_REL_EQUAL) {
			for (size_t k = 0; k < r->n_parts; k++) {
				size_t part = real_cell(r->parts[k]);
				add_equation(ms, total, &part, 1);
			}
			continue;
		}
		size_t parts[64], n = 0;
		for (size_t k = 0; k < r->n_parts && n < 62; k++)
			parts[n++] = real_cell(r->parts[k]);
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
		add_equation(ms, total, parts, n);
	}
}

static void free_system(struct month_system *ms)
{
	free(ms->value);
	free(ms->real);
	free(ms->hidden);
	free(ms->protect);
	free(ms->status);
	free(ms->eq);
}

int kv_disclosure_month(const struct kv_result *res, const struct kv_relations *rel,
			const struct kv_disclosure_params *p, size_t m, struct kv_published *out,
			char *err, size_t errlen)
{
	char why[768];
	if (kv_relations_check(rel, res->series, m, why, sizeof why) != 0) {
		char month[8];
		kv_month_format(res->first_month + (kv_month)m, month, sizeof month);
		kv_snprintf(err, errlen, "%s: %s; nothing of this month may leave", month, why);
		return -1;
	}
	struct month_system ms = {0};
	build_system(&ms, res, rel, m, p);
	if (protect_against_the_audit(&ms, p, err, errlen) != 0) {
		char month[8];
		kv_month_format(res->first_month + (kv_month)m, month, sizeof month);
		kv_snprintf(why, sizeof why, "%s", err);
		kv_snprintf(err, errlen, "%s: %s; nothing of this month may leave", month, why);
		free_system(&ms);
		return -1;
	}

	for (size_t s = 0; s < res->n_series; s++) {
		const struct kv_series *se = &res->series[s];
		struct kv_published *o = &out[s];
		memset(o, 0, sizeof *o);
		size_t n = 2 * s, d = 2 * s + 1;
		o->numerator_status = ms.status[n];
		o->denominator_status = ms.status[d];
		if (ms.status[n] == KV_CELL_PUBLISHED)
			o->numerator = kv_disclosure_round(p, ms.value[n]);
		if (ms.status[d] == KV_CELL_PUBLISHED)
			o->denominator = kv_disclosure_round(p, ms.value[d]);
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
	free_system(&ms);
	return 0;
}
