/*
 * hub_catalogue.c - the indicator catalogue the hub accepts: every indicator
 * plugin in indicator_dir, loaded through the core's secure plugin loader
 * (bare names, safe permissions, ABI and descriptor checks), its definitions
 * copied and the plugin unloaded again. The hub never calls plugin code.
 */
#include "hub.h"

#include <stdlib.h>
#include <string.h>

#include "plugin.h"

static char *dup_or_empty(const char *s)
{
	return kv_xstrdup(s != NULL ? s : "");
}

static int by_id(const void *a, const void *b)
{
	return strcmp(((const struct hub_indicator *)a)->id, ((const struct hub_indicator *)b)->id);
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
	if (rc == 0) {
		qsort(cat->ind, cat->n, sizeof *cat->ind, by_id);
		for (size_t i = 1; i < cat->n; i++)
			if (strcmp(cat->ind[i - 1].id, cat->ind[i].id) == 0) {
				kv_snprintf(err, errlen, "indicator %s is declared by %s and by %s",
					    cat->ind[i].id, cat->ind[i - 1].plugin, cat->ind[i].plugin);
				rc = -1;
				break;
			}
	}
	if (rc != 0)
		hub_catalogue_free(cat);
	return rc;
}

/* hub_catalogue_find is in hub_validate.c (the pure validator links without
 * the plugin loader). */

void hub_catalogue_free(struct hub_catalogue *cat)
{
	for (size_t i = 0; i < cat->n; i++) {
		struct hub_indicator *h = &cat->ind[i];
		free(h->id);
		free(h->title);
		free(h->title_nb);
		free(h->numerator);
		free(h->denominator);
		free(h->plugin);
		free(h->plugin_version);
	}
	KV_FREE(cat->ind);
	cat->n = 0;
}
