/*
 * hub_catalogue.c - the indicator catalogue the hub accepts: every indicator
 * plugin in indicator_dir, loaded through the core's secure plugin loader
 * (bare names, safe permissions, ABI and descriptor checks), its definitions
 * copied whole (the relations between indicators included) and the plugin
 * unloaded again. The hub never calls plugin code.
 *
 * The catalogue's series and relations (hub_catalogue_relate, in
 * hub_validate.c) are built once here, as an office builds them over its
 * enabled indicators, for the informed audit of every extract.
 */
#include "hub.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "plugin.h"

static char *dup_or_empty(const char *s)
{
	return kv_xstrdup(s != NULL ? s : "");
}

/* The string fields of a definition. */
static const size_t def_string_fields[] = {
    offsetof(struct kv_indicator_def, id),
    offsetof(struct kv_indicator_def, title),
    offsetof(struct kv_indicator_def, title_nb),
    offsetof(struct kv_indicator_def, numerator),
    offsetof(struct kv_indicator_def, denominator),
    offsetof(struct kv_indicator_def, denominator_population),
    offsetof(struct kv_indicator_def, numerator_population),
    offsetof(struct kv_indicator_def, numerator_part_of),
    offsetof(struct kv_indicator_def, numerator_within),
    offsetof(struct kv_indicator_def, denominator_within),
};

static const char **def_string(struct kv_indicator_def *d, size_t k)
{
	return (const char **)(void *)((char *)d + def_string_fields[k]);
}

/* A copy of def whose strings are the catalogue's own (NULL stays NULL:
 * a population nobody declares is not the population ""). def is the
 * loader's copy at this core's size, so fields of an ABI newer than the
 * plugin's are NULL / 0 already. */
static void copy_def(struct kv_indicator_def *to, const struct kv_indicator_def *def)
{
	*to = *def;
	for (size_t k = 0; k < KV_ARRAY_SIZE(def_string_fields); k++) {
		const char **s = def_string(to, k);
		*s = *s != NULL ? kv_xstrdup(*s) : NULL;
	}
}

static void free_def(struct kv_indicator_def *d)
{
	for (size_t k = 0; k < KV_ARRAY_SIZE(def_string_fields); k++)
		free((void *)*def_string(d, k));
	memset(d, 0, sizeof *d);
}

int hub_catalogue_load(const char *dir, struct hub_catalogue *cat, char *err, size_t errlen)
{
	char **names = NULL;
	int n;
	memset(cat, 0, sizeof *cat);
	if (kv_plugin_check_dir(dir, err, errlen) != 0)
		return -1;
	n = kv_plugin_scan(dir, &names, err, errlen);
	if (n < 0)
		return -1;
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		struct kv_plugin *p = NULL;
		if (kv_plugin_load(dir, names[i], KV_PLUGIN_INDICATOR, &p, err, errlen) != 0) {
			rc = -1;
			break;
		}
		for (size_t j = 0; j < p->indicator->n_indicators; j++) {
			const struct kv_indicator_def *def = kv_plugin_indicator(p, j);
			cat->ind = kv_xrealloc(cat->ind, cat->n + 1, sizeof *cat->ind);
			struct hub_indicator *h = &cat->ind[cat->n++];
			memset(h, 0, sizeof *h);
			h->id = dup_or_empty(def->id);
			h->version = def->version;
			h->type = def->type;
			h->direction = def->direction;
			h->title = dup_or_empty(def->title);
			h->title_nb = dup_or_empty(def->title_nb);
			h->numerator = dup_or_empty(def->numerator);
			h->denominator = dup_or_empty(def->denominator);
			h->plugin = kv_xstrdup(names[i]);
			h->plugin_version = dup_or_empty(p->header->version);
			copy_def(&h->def, def);
		}
		kv_plugin_unload(p);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (rc == 0 && cat->n == 0) {
		kv_snprintf(err, errlen, "no indicator plugins in %s", dir);
		rc = -1;
	}
	if (rc == 0)
		rc = hub_catalogue_relate(cat, err, errlen);
	if (rc != 0)
		hub_catalogue_free(cat);
	return rc;
}

/* hub_catalogue_find and hub_catalogue_relate are in hub_validate.c (the
 * pure validator links without the plugin loader). */

void hub_catalogue_free(struct hub_catalogue *cat)
{
	hub_catalogue_unrelate(cat);
	for (size_t i = 0; i < cat->n; i++) {
		struct hub_indicator *h = &cat->ind[i];
		free(h->title);
		free(h->title_nb);
		free(h->numerator);
		free(h->denominator);
		free(h->plugin);
		free(h->plugin_version);
		if (h->def.id == h->id) /* lent by hub_catalogue_relate */
			h->def.id = NULL;
		free(h->id);
		free_def(&h->def);
	}
	KV_FREE(cat->ind);
	cat->n = 0;
}
