/*
 * relations.c - building and checking the relations between indicator counts
 */
#include "relations.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

uint64_t kv_cell_value(const struct kv_series *series, struct kv_cell_ref c, size_t m)
{
	const struct kv_cell *cell = &series[c.series].cells[m];
	return c.kind == KV_CELL_NUMERATOR ? cell->numerator : cell->denominator;
}

void kv_cell_name(const struct kv_series *series, struct kv_cell_ref c, char *buf, size_t size)
{
	if (kv_snprintf(buf, size, "%s.%s", series[c.series].id,
			c.kind == KV_CELL_NUMERATOR ? "numerator" : "denominator") != 0)
		kv_strlcpy(buf, "(name too long)", size);
}

/* The distinct population names the definitions mention, in first-seen
 * order (series are sorted by id, so the order is stable). */
static size_t collect_names(const struct kv_series *series, size_t n_series, const char **names)
{
	size_t n = 0;
	for (size_t i = 0; i < n_series; i++) {
		const struct kv_indicator_def *d = series[i].def;
		const char *mine[3] = {d ? d->numerator_population : NULL,
				       d ? d->denominator_population : NULL,
				       d ? d->numerator_part_of : NULL};
		for (size_t k = 0; k < 3; k++) {
			if (mine[k] == NULL)
				continue;
			bool known = false;
			for (size_t j = 0; j < n && !known; j++)
				known = strcmp(names[j], mine[k]) == 0;
			if (!known)
				names[n++] = mine[k];
		}
	}
	return n;
}

static void add_ref(struct kv_cell_ref **refs, size_t *n, uint32_t series, uint32_t kind)
{
	*refs = kv_xrealloc(*refs, *n + 1, sizeof **refs);
	(*refs)[(*n)++] = (struct kv_cell_ref){series, kind};
}

static struct kv_relation *add_relation(struct kv_relations *out, enum kv_relation_type type,
					const char *population)
{
	out->items = kv_xrealloc(out->items, out->n + 1, sizeof *out->items);
	struct kv_relation *r = &out->items[out->n++];
	memset(r, 0, sizeof *r);
	r->type = type;
	kv_strlcpy(r->population, population, sizeof r->population);
	return r;
}

/* The first cell counting population `name`: numerators first, then
 * denominators (the order kv_relations_build uses for its members). */
static bool first_member(const struct kv_series *series, size_t n_series, const char *name,
			 struct kv_cell_ref *out)
{
	for (int kind = 0; kind < 2; kind++)
		for (uint32_t i = 0; i < n_series; i++) {
			const struct kv_indicator_def *d = series[i].def;
			const char *pop = d == NULL ? NULL
				: kind == 0 ? d->numerator_population : d->denominator_population;
			if (pop != NULL && strcmp(pop, name) == 0) {
				*out = (struct kv_cell_ref){i, (uint32_t)kind};
				return true;
			}
		}
	return false;
}

/* "total >= part" for every population a cell is declared within (ABI
 * 1.2), where an enabled indicator counts that population. */
static int add_within_relations(const struct kv_series *series, size_t n_series,
				struct kv_relations *out, char *err, size_t errlen)
{
	for (uint32_t i = 0; i < n_series; i++) {
		const struct kv_indicator_def *d = series[i].def;
		if (d == NULL)
			continue;
		const char *lists[2] = {d->numerator_within, d->denominator_within};
		const char *own[2] = {d->numerator_population, d->denominator_population};
		for (uint32_t kind = 0; kind < 2; kind++) {
			const char *p = lists[kind];
			while (p != NULL && *p != '\0') {
				while (*p == ' ' || *p == ',')
					p++;
				size_t n = strcspn(p, ", ");
				char name[80];
				if (n == 0)
					break;
				if (n >= sizeof name) {
					kv_snprintf(err, errlen, "indicator %s: a population name in its "
						    "%s_within is too long", series[i].id,
						    kind == 0 ? "numerator" : "denominator");
					return -1;
				}
				memcpy(name, p, n);
				name[n] = '\0';
				p += n;
				struct kv_cell_ref total;
				if ((own[kind] != NULL && strcmp(own[kind], name) == 0) ||
				    !first_member(series, n_series, name, &total))
					continue; /* itself, or a population nobody counts */
				struct kv_relation *r = add_relation(out, KV_REL_SUM_PARTIAL, name);
				r->within = true;
				r->total = total;
				r->n_parts = 1;
				r->parts = kv_xcalloc(1, sizeof *r->parts);
				r->parts[0] = (struct kv_cell_ref){i, kind};
			}
		}
	}
	return 0;
}

/* The parts of a sum in the order secondary suppression hides them: the
 * highest hide_priority first, then by series (indicator id) order. */
static void sort_by_hide_priority(const struct kv_series *series, struct kv_cell_ref *parts,
				  size_t n)
{
	for (size_t i = 1; i < n; i++) { /* insertion sort: stable, n is small */
		struct kv_cell_ref x = parts[i];
		uint32_t px = series[x.series].def->hide_priority;
		size_t j = i;
		while (j > 0 && series[parts[j - 1].series].def->hide_priority < px) {
			parts[j] = parts[j - 1];
			j--;
		}
		parts[j] = x;
	}
}

int kv_relations_build(const struct kv_series *series, size_t n_series, struct kv_relations *out,
		       char *err, size_t errlen)
{
	int ret = -1;
	const char **names = kv_xcalloc(3 * n_series + 1, sizeof *names);
	struct kv_cell_ref *members = NULL;
	size_t n_members = 0;

	memset(out, 0, sizeof *out);
	size_t n_names = collect_names(series, n_series, names);
	for (size_t p = 0; p < n_names; p++) {
		const char *name = names[p];
		/* Cells counting the population: numerators first, then denominators. */
		n_members = 0;
		for (uint32_t i = 0; i < n_series; i++) {
			const struct kv_indicator_def *d = series[i].def;
			if (d && d->numerator_population && strcmp(d->numerator_population, name) == 0)
				add_ref(&members, &n_members, i, KV_CELL_NUMERATOR);
		}
		for (uint32_t i = 0; i < n_series; i++) {
			const struct kv_indicator_def *d = series[i].def;
			if (d && d->denominator_population &&
			    strcmp(d->denominator_population, name) == 0)
				add_ref(&members, &n_members, i, KV_CELL_DENOMINATOR);
		}
		if (n_members >= 2) {
			struct kv_relation *r = add_relation(out, KV_REL_EQUAL, name);
			r->total = members[0];
			r->n_parts = n_members - 1;
			r->parts = kv_xcalloc(r->n_parts, sizeof *r->parts);
			memcpy(r->parts, members + 1, r->n_parts * sizeof *r->parts);
		}

		/* Numerators that are parts of it. */
		struct kv_cell_ref *parts = NULL;
		size_t n_parts = 0, n_complete = 0;
		for (uint32_t i = 0; i < n_series; i++) {
			const struct kv_indicator_def *d = series[i].def;
			if (d && d->numerator_part_of && strcmp(d->numerator_part_of, name) == 0) {
				add_ref(&parts, &n_parts, i, KV_CELL_NUMERATOR);
				if (d->relation_flags & KV_PARTS_COMPLETE)
					n_complete++;
			}
		}
		if (n_parts == 0)
			continue;
		if (n_members == 0) {
			kv_snprintf(err, errlen,
				    "indicator %s declares its numerator part of population \"%s\", "
				    "which no enabled indicator counts",
				    series[parts[0].series].id, name);
			free(parts);
			goto done;
		}
		if (n_complete != 0 && n_complete != n_parts) {
			kv_snprintf(err, errlen,
				    "the parts of population \"%s\" disagree about adding up to all "
				    "of it (KV_PARTS_COMPLETE on %zu of %zu)",
				    name, n_complete, n_parts);
			free(parts);
			goto done;
		}
		sort_by_hide_priority(series, parts, n_parts);
		struct kv_relation *r = add_relation(
		    out, n_complete ? KV_REL_SUM_COMPLETE : KV_REL_SUM_PARTIAL, name);
		r->total = members[0];
		r->parts = parts;
		r->n_parts = n_parts;
	}
	if (add_within_relations(series, n_series, out, err, errlen) != 0)
		goto done;
	ret = 0;
done:
	free(members);
	free(names);
	if (ret != 0)
		kv_relations_free(out);
	return ret;
}

static bool usable(const struct kv_series *series, struct kv_cell_ref c)
{
	return series[c.series].computable && !series[c.series].failed;
}

int kv_relations_check(const struct kv_relations *r, const struct kv_series *series, size_t m,
		       char *err, size_t errlen)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct kv_relation *rel = &r->items[i];
		bool all = usable(series, rel->total);
		for (size_t k = 0; k < rel->n_parts && all; k++)
			all = usable(series, rel->parts[k]);
		if (!all)
			continue;
		uint64_t total = kv_cell_value(series, rel->total, m), sum = 0;
		char a[160], b[160];
		kv_cell_name(series, rel->total, a, sizeof a);
		for (size_t k = 0; k < rel->n_parts; k++) {
			uint64_t v = kv_cell_value(series, rel->parts[k], m);
			if (rel->type == KV_REL_EQUAL && v != total) {
				kv_cell_name(series, rel->parts[k], b, sizeof b);
				kv_snprintf(err, errlen,
					    "%s (%" PRIu64 ") and %s (%" PRIu64 ") are declared to "
					    "count the same population \"%s\" but differ",
					    a, total, b, v, rel->population);
				return -1;
			}
			sum += v;
		}
		if (rel->within && sum > total) {
			kv_cell_name(series, rel->parts[0], b, sizeof b);
			kv_snprintf(err, errlen,
				    "%s (%" PRIu64 ") is declared within population \"%s\", but %s, "
				    "which counts that population, is %" PRIu64,
				    b, sum, rel->population, a, total);
			return -1;
		}
		if ((rel->type == KV_REL_SUM_COMPLETE && sum != total) ||
		    (rel->type == KV_REL_SUM_PARTIAL && sum > total)) {
			kv_snprintf(err, errlen,
				    "the parts of population \"%s\" add up to %" PRIu64 ", but %s is "
				    "%" PRIu64 " (declared %s)",
				    rel->population, sum, a, total,
				    rel->type == KV_REL_SUM_COMPLETE ? "equal" : "at most");
			return -1;
		}
	}
	return 0;
}

void kv_relations_print(const struct kv_relations *r, const struct kv_series *series, FILE *out)
{
	char name[160];
	for (size_t i = 0; i < r->n; i++) {
		const struct kv_relation *rel = &r->items[i];
		kv_cell_name(series, rel->total, name, sizeof name);
		if (rel->type == KV_REL_EQUAL)
			fprintf(out, "equal\t%s", name);
		else
			fprintf(out, "sum\t%s\t%s", name,
				rel->type == KV_REL_SUM_COMPLETE ? "complete"
				: rel->within			 ? "within"
								 : "partial");
		for (size_t k = 0; k < rel->n_parts; k++) {
			kv_cell_name(series, rel->parts[k], name, sizeof name);
			fprintf(out, "\t%s", name);
		}
		fprintf(out, "\n");
	}
}

void kv_relations_free(struct kv_relations *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++)
		free(r->items[i].parts);
	free(r->items);
	r->items = NULL;
	r->n = 0;
}
