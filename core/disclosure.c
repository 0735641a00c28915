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
#include "cell_key.h"
#include "disclosure_private.h"
#include "log.h"
#include "results.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void kv_disclosure_params_from_config(const struct kv_config *cfg, struct kv_disclosure_params *p)
{
	const struct kv_disclosure_settings *set = &kv_core_settings(cfg)->disclosure;
	const char *noise = set->perturbation;
	memset(p, 0, sizeof *p);
	p->min_count = (uint32_t)set->min_count;
	p->rounding_base = (uint32_t)set->rounding_base;
	/* -1, 0 or +1: enough to make where a count crosses min_count
	 * uncertain; more noise moved the evaluation's estimates and made
	 * bounds meet (withheld months) more often (README, "Disclosure
	 * control") */
	if (noise == NULL || strcmp(noise, "cell_key") == 0)
		p->noise_max = 1;
}

int kv_disclosure_params_load(const struct kv_config *cfg, struct kv_disclosure_params *p,
			      char *err, size_t errlen)
{
	kv_disclosure_params_from_config(cfg, p);
	if (p->noise_max == 0)
		return 0;
	char dir[4096];
	const char *value = kv_core_settings(cfg)->core.state_dir;
	if (value == NULL || kv_config_resolve_path(cfg, value, dir, sizeof dir) != 0) {
		kv_snprintf(err, errlen, "the state directory's path is too long");
		return -1;
	}
	return kv_cell_key_load(dir, p->cell_key, err, errlen);
}

const char *kv_disclosure_perturbation_name(const struct kv_disclosure_params *p)
{
	return p->noise_max > 0 ? "cell_key" : "none";
}

uint64_t kv_disclosure_round(const struct kv_disclosure_params *p, uint64_t t)
{
	uint64_t base = p->rounding_base;
	uint64_t r = (t + base / 2) / base * base;
	if (r < p->min_count)
		r = ((uint64_t)p->min_count + base - 1) / base * base;
	return r;
}

double kv_disclosure_mean_sum(const struct kv_disclosure_params *p, double value_sum)
{
	double grid = (double)KV_MEAN_SUM_GRID * (double)p->rounding_base;
	if (!(value_sum > 0)) /* also NaN */
		return 0;
	return floor(value_sum / grid + 0.5) * grid;
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
	case KV_CELL_WITHHELD:
		return "withheld";
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
	e->parts_sum_with_remainder = false;
}

void kv_month_system_alloc(struct month_system *ms, size_t n_series,
			   const struct kv_relations *rel)
{
	size_t n_partial = 0;
	for (size_t i = 0; i < rel->n; i++)
		n_partial += rel->items[i].type == KV_REL_SUM_PARTIAL;
	memset(ms, 0, sizeof *ms);
	ms->n_series = n_series;
	ms->n_cells = 3 * n_series + n_partial;
	size_t n = ms->n_cells ? ms->n_cells : 1;
	ms->value = kv_xcalloc(n, sizeof *ms->value);
	ms->real = kv_xcalloc(n, sizeof *ms->real);
	ms->hidden = kv_xcalloc(n, sizeof *ms->hidden);
	ms->protect = kv_xcalloc(n, sizeof *ms->protect);
	ms->status = kv_xcalloc(n, sizeof *ms->status);
	ms->published = kv_xcalloc(n, sizeof *ms->published);
	ms->noise_group = kv_xcalloc(n_series > 0 ? 2 * n_series : 1, sizeof *ms->noise_group);
	for (size_t c = 0; c < 2 * n_series; c++)
		ms->noise_group[c] = c;
	for (size_t c = 0; c < ms->n_cells; c++) {
		ms->real[c] = c < 2 * n_series;
		ms->hidden[c] = true;
	}
}

void kv_month_system_equations(struct month_system *ms, const uint8_t *type,
			       const bool *usable, const struct kv_relations *rel)
{
	size_t ns = ms->n_series;
	/* denominator = numerator + complement, for every proportion */
	for (size_t s = 0; s < ns; s++) {
		if (type[s] != KV_INDICATOR_PROPORTION || !usable[s])
			continue;
		size_t parts[2] = {2 * s, 2 * ns + s};
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
				ms->noise_group[part] = total;
			}
			continue;
		}
		size_t parts[64], n = 0;
		for (size_t k = 0; k < r->n_parts && n < 62; k++)
			parts[n++] = real_cell(r->parts[k]);
		if (r->type == KV_REL_SUM_PARTIAL)
			parts[n++] = next_remainder++;
		add_equation(ms, total, parts, n);
		ms->eq[ms->n_eq - 1].parts_sum_with_remainder =
		    r->type == KV_REL_SUM_PARTIAL && !r->within;
	}
}

void kv_month_system_free(struct month_system *ms)
{
	free(ms->value);
	free(ms->real);
	free(ms->hidden);
	free(ms->protect);
	free(ms->status);
	free(ms->published);
	free(ms->noise_group);
	free(ms->eq);
	memset(ms, 0, sizeof *ms);
}

/* The count the rules act on: the true count, or with cell-key
 * perturbation the true count plus its noise (never below 0). */
static uint64_t acting_count(const struct kv_disclosure_params *p, const char *name, uint64_t t,
			     unsigned draw)
{
	if (p->noise_max == 0)
		return t;
	int64_t n = kv_cell_key_noise(p->cell_key, name, t, p->noise_max, draw);
	return n < 0 && (uint64_t)-n > t ? 0 : (uint64_t)((int64_t)t + n);
}

/* Primary suppression of series s (rule 1) and the statuses that are not a
 * count's (not computable, failed, the numerator of a mean). names: each
 * real cell's noise name, when perturbation is on. */
static void primary(struct month_system *ms, const struct kv_series *se, size_t s, size_t m,
		    const struct kv_disclosure_params *p, char (*names)[160], unsigned draw)
{
	size_t n = 2 * s, d = 2 * s + 1;
	uint8_t whole = KV_CELL_PUBLISHED;
	if (se->failed)
		whole = KV_CELL_FAILED;
	else if (!se->computable)
		whole = KV_CELL_NOT_COMPUTABLE;
	if (whole != KV_CELL_PUBLISHED) {
		ms->status[n] = ms->status[d] = whole;
		return;
	}
	ms->value[n] = acting_count(p, names ? names[n] : "", se->cells[m].numerator, draw);
	ms->value[d] = acting_count(p, names ? names[d] : "", se->cells[m].denominator, draw);
	ms->hidden[d] = false;
	if (ms->value[d] < p->min_count) {
		ms->status[d] = KV_CELL_SMALL;
		ms->hidden[d] = ms->protect[d] = true;
	}
	if (se->type == KV_INDICATOR_MEAN) {
		ms->status[n] = KV_CELL_NOT_APPLICABLE;
		return;
	}
	ms->hidden[n] = false;
	if (ms->value[n] < p->min_count) {
		ms->status[n] = KV_CELL_SMALL;
		ms->hidden[n] = ms->protect[n] = true;
	} else if (ms->value[d] < ms->value[n] + p->min_count) {
		ms->status[n] = KV_CELL_COMPLEMENT;
		ms->hidden[n] = ms->protect[n] = true;
	}
	/* the complement: protected exactly when the numerator's status says
	 * it is small (suppressed_complement), so this reads no hidden fact */
	size_t c = 2 * ms->n_series + s;
	ms->value[c] = ms->value[d] >= ms->value[n] ? ms->value[d] - ms->value[n] : 0;
	ms->protect[c] = ms->status[n] == KV_CELL_COMPLEMENT;
}

static void hide_secondary(struct month_system *ms, size_t c)
{
	ms->hidden[c] = ms->protect[c] = true;
	ms->status[c] = KV_CELL_SECONDARY;
}

/*
 * Rule 2's choice: the published cell of e to hide, by a fixed order that
 * reads no count: the parts in the order the relation keeps them (its
 * parts' hide_priority, then indicator id), then the total. SIZE_MAX when
 * every real cell of e is hidden already.
 */
static size_t secondary_choice(const struct month_system *ms, const struct equation *e)
{
	for (size_t k = 1; k <= e->n; k++) {
		size_t c = e->cells[k % e->n]; /* cells[1..n-1], then cells[0] */
		if (ms->real[c] && !ms->hidden[c])
			return c;
	}
	return SIZE_MAX;
}

/*
 * Rule 2: while an equation has exactly one hidden cell and that cell needs
 * protection, hide another by the fixed order. Reads only the statuses,
 * never a count: the cells it hides follow from the primary statuses, which
 * the extract shows, so the choice tells an attacker nothing. (A complement
 * needs protection exactly when its numerator is suppressed_complement; a
 * remainder never does, and in a sum of parts it is not counted.)
 */
static void secondary(struct month_system *ms)
{
	bool changed = true;
	while (changed) {
		changed = false;
		for (size_t i = 0; i < ms->n_eq; i++) {
			const struct equation *e = &ms->eq[i];
			size_t n_hidden = 0, lone = 0;
			size_t n = e->parts_sum_with_remainder ? e->n - 1 : e->n;
			for (size_t k = 0; k < n; k++)
				if (ms->hidden[e->cells[k]]) {
					n_hidden++;
					lone = e->cells[k];
				}
			if (n_hidden != 1 || !ms->protect[lone])
				continue;
			size_t c = secondary_choice(ms, e);
			if (c != SIZE_MAX) {
				hide_secondary(ms, c);
				changed = true;
			}
		}
	}
}

/* Rule 3 on every published cell. */
static void round_published(struct month_system *ms, const struct kv_disclosure_params *p)
{
	for (size_t c = 0; c < 2 * ms->n_series; c++)
		ms->published[c] = ms->status[c] == KV_CELL_PUBLISHED
					   ? kv_disclosure_round(p, ms->value[c])
					   : 0;
}

/* The name each real cell's noise is keyed by: cells declared equal (one
 * population) share the first one's name, so they are published alike. */
static char (*noise_names(const struct kv_result *res, const struct kv_relations *rel))[160]
{
	size_t n = 2 * res->n_series;
	char(*names)[160] = kv_xcalloc(n ? n : 1, sizeof *names);
	for (size_t c = 0; c < n; c++)
		kv_cell_name(res->series,
			     (struct kv_cell_ref){(uint32_t)(c / 2), (uint32_t)(c % 2)}, names[c],
			     sizeof names[c]);
	for (size_t i = 0; i < rel->n; i++) {
		const struct kv_relation *r = &rel->items[i];
		if (r->type != KV_REL_EQUAL)
			continue;
		size_t total = real_cell(r->total);
		for (size_t k = 0; k < r->n_parts; k++)
			memcpy(names[real_cell(r->parts[k])], names[total], sizeof names[total]);
	}
	return names;
}

/*
 * Rule 6, the audit: what would be published is attacked from the published
 * side only (disclosure_audit.c). Returns the number of counts an attacker
 * could work out exactly (pinned[] says which), or -1 with err when the
 * candidate contradicts itself (a bug).
 */
static long audit_candidate(struct month_system *ms, const struct kv_disclosure_params *p,
			    bool *pinned, char *err, size_t errlen)
{
	round_published(ms, p);
	long n = kv_disclosure_audit(ms, p, pinned);
	if (n < 0)
		kv_snprintf(err, errlen, "the controlled counts contradict each other "
					 "(a bug in disclosure control)");
	return n;
}

/*
 * The last resort: every count of the month gets the status withheld. Hiding
 * only the cells around a pinned count would make the choice depend on counts
 * that are then hidden, which an attacker who knows the algorithm could use.
 */
static int withhold(struct month_system *ms, const struct kv_disclosure_params *p, char *err,
		    size_t errlen)
{
	for (size_t c = 0; c < 2 * ms->n_series; c++) {
		uint8_t st = ms->status[c];
		if (st == KV_CELL_PUBLISHED || st == KV_CELL_SMALL || st == KV_CELL_COMPLEMENT ||
		    st == KV_CELL_SECONDARY) {
			ms->status[c] = KV_CELL_WITHHELD;
			ms->hidden[c] = true;
		}
	}
	bool *pinned = kv_xcalloc(ms->n_cells ? ms->n_cells : 1, sizeof *pinned);
	long n = audit_candidate(ms, p, pinned, err, errlen);
	free(pinned);
	if (n > 0)
		kv_snprintf(err, errlen, "a withheld month still gives counts away (a bug in "
					 "disclosure control)");
	return n == 0 ? 0 : -1;
}

/* The name of any cell of the system: "ID.numerator", "ID.complement", or
 * "the rest of POPULATION" for a partial sum's remainder. */
static void system_cell_name(const struct kv_series *series, size_t ns,
			     const struct kv_relations *rel, size_t c, char *buf, size_t size)
{
	if (c < 2 * ns) {
		kv_cell_name(series, (struct kv_cell_ref){(uint32_t)(c / 2), (uint32_t)(c % 2)}, buf,
			     size);
		return;
	}
	if (c < 3 * ns) {
		(void)kv_snprintf(buf, size, "%s.complement", series[c - 2 * ns].id);
		return;
	}
	size_t k = c - 3 * ns;
	for (size_t i = 0; i < rel->n; i++) {
		if (rel->items[i].type != KV_REL_SUM_PARTIAL)
			continue;
		if (k-- == 0) {
			(void)kv_snprintf(buf, size, "the rest of \"%s\"", rel->items[i].population);
			return;
		}
	}
	kv_strlcpy(buf, "?", size);
}

static void build_system(struct month_system *ms, const struct kv_result *res,
			 const struct kv_relations *rel, size_t m,
			 const struct kv_disclosure_params *p, unsigned draw)
{
	size_t ns = res->n_series;
	kv_month_system_alloc(ms, ns, rel);
	char(*names)[160] = p->noise_max > 0 ? noise_names(res, rel) : NULL;
	uint8_t *type = kv_xcalloc(ns ? ns : 1, sizeof *type);
	bool *usable = kv_xcalloc(ns ? ns : 1, sizeof *usable);
	for (size_t s = 0; s < ns; s++) {
		type[s] = (uint8_t)res->series[s].type;
		usable[s] = res->series[s].computable && !res->series[s].failed;
		primary(ms, &res->series[s], s, m, p, names, draw);
	}
	kv_month_system_equations(ms, type, usable, rel);
	free(names);
	free(type);
	free(usable);
}

int kv_disclosure_month(const struct kv_result *res, const struct kv_relations *rel,
			const struct kv_disclosure_params *p, size_t m, struct kv_published *out,
			char *err, size_t errlen)
{
	char why[768], month[8];
	kv_month_format(res->first_month + (kv_month)m, month, sizeof month);
	if (kv_relations_check(rel, res->series, m, why, sizeof why) != 0) {
		kv_snprintf(err, errlen, "%s: %s; nothing of this month may leave", month, why);
		return -1;
	}
	/*
	 * Rules 1-6. Where the audit could work out a count and the counts carry
	 * cell-key noise, the noise is drawn again (draw 1, 2, ...) and the month
	 * controlled again: the attacker knows neither draw, so which draw was
	 * published says nothing it can use, and no month that could be pinned
	 * is ever published. Without noise, or after KV_NOISE_DRAWS draws, the
	 * month is withheld.
	 */
	struct month_system ms;
	bool *which = NULL;
	char first[200] = "?";
	for (unsigned draw = 0;; draw++) {
		build_system(&ms, res, rel, m, p, draw);
		secondary(&ms);
		which = kv_xcalloc(ms.n_cells ? ms.n_cells : 1, sizeof *which);
		long pinned = audit_candidate(&ms, p, which, why, sizeof why);
		if (pinned == 0)
			break;
		if (pinned > 0)
			for (size_t c = 0; c < ms.n_cells; c++)
				if (which[c]) {
					system_cell_name(res->series, res->n_series, rel, c, first,
							 sizeof first);
					break;
				}
		if (pinned > 0 && p->noise_max > 0 && draw + 1 < KV_NOISE_DRAWS) {
			kv_log(KV_LOG_INFO,
			       "%s: controlled with cell-key noise draw %u, %s could be worked out "
			       "exactly; drawing the noise again",
			       month, draw, first);
			free(which);
			kv_month_system_free(&ms);
			continue;
		}
		if (pinned > 0 && withhold(&ms, p, why, sizeof why) == 0) {
			kv_log(KV_LOG_WARNING,
			       "%s: withheld: published after suppression, %s could be worked out "
			       "exactly%s; the month's extract carries no counts (status withheld)",
			       month, first,
			       p->noise_max > 0 ? " with every draw of the cell-key noise" : "");
			break;
		}
		kv_snprintf(err, errlen, "%s: %s; nothing of this month may leave", month, why);
		free(which);
		kv_month_system_free(&ms);
		return -1;
	}
	free(which);

	for (size_t s = 0; s < res->n_series; s++) {
		const struct kv_series *se = &res->series[s];
		struct kv_published *o = &out[s];
		memset(o, 0, sizeof *o);
		size_t n = 2 * s, d = 2 * s + 1;
		o->numerator_status = ms.status[n];
		o->denominator_status = ms.status[d];
		if (ms.status[n] == KV_CELL_PUBLISHED)
			o->numerator = ms.published[n];
		if (ms.status[d] == KV_CELL_PUBLISHED)
			o->denominator = ms.published[d];
		if (ms.status[n] == KV_CELL_PUBLISHED && ms.status[d] == KV_CELL_PUBLISHED &&
		    o->denominator > 0) {
			o->has_share = true;
			o->share = (double)o->numerator / (double)o->denominator;
		}
		if (se->type == KV_INDICATOR_MEAN && ms.status[d] == KV_CELL_PUBLISHED &&
		    o->denominator > 0) {
			o->has_mean = true;
			o->mean = kv_disclosure_mean_sum(p, se->cells[m].value_sum) /
				  (double)o->denominator;
		}
	}
	kv_month_system_free(&ms);
	return 0;
}

long kv_disclosure_audit_published(const struct kv_series *series, size_t n_series,
				   const struct kv_relations *rel, const struct kv_published *pub,
				   const struct kv_disclosure_params *p, char *first,
				   size_t firstlen)
{
	struct month_system ms;
	kv_month_system_alloc(&ms, n_series, rel);
	uint8_t *type = kv_xcalloc(n_series ? n_series : 1, sizeof *type);
	bool *usable = kv_xcalloc(n_series ? n_series : 1, sizeof *usable);
	for (size_t s = 0; s < n_series; s++) {
		type[s] = (uint8_t)series[s].type;
		for (size_t k = 0; k < 2; k++) {
			size_t c = 2 * s + k;
			ms.status[c] = k ? pub[s].denominator_status : pub[s].numerator_status;
			ms.hidden[c] = ms.status[c] != KV_CELL_PUBLISHED;
			ms.published[c] = ms.hidden[c] ? 0 : k ? pub[s].denominator : pub[s].numerator;
		}
		usable[s] = pub[s].numerator_status != KV_CELL_NOT_COMPUTABLE &&
			    pub[s].numerator_status != KV_CELL_FAILED &&
			    pub[s].denominator_status != KV_CELL_NOT_COMPUTABLE &&
			    pub[s].denominator_status != KV_CELL_FAILED;
	}
	kv_month_system_equations(&ms, type, usable, rel);
	bool *pinned = kv_xcalloc(ms.n_cells ? ms.n_cells : 1, sizeof *pinned);
	long n = kv_disclosure_audit(&ms, p, pinned);
	if (first != NULL && firstlen > 0) {
		first[0] = '\0';
		for (size_t c = 0; n > 0 && c < ms.n_cells; c++)
			if (pinned[c]) {
				system_cell_name(series, n_series, rel, c, first, firstlen);
				break;
			}
	}
	free(pinned);
	free(type);
	free(usable);
	kv_month_system_free(&ms);
	return n;
}
