/*
 * engine.c - the monthly indicator engine
 */
#define _POSIX_C_SOURCE 200809L
#include "engine.h"
#include "engine_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void plugin_failed(struct run *r, struct plugin_run *p, const char *why)
{
	p->active = false;
	const char *name = p->loaded->plugin->name;
	kv_error("indicator plugin \"%s\" failed: %s; its results are marked failed", name, why);
	const struct kv_indicator_plugin *ip = p->loaded->plugin->indicator;
	for (size_t i = 0; i < ip->n_indicators; i++)
		p->series[i]->failed = true;
	size_t used = strlen(r->result->plugin_failures);
	kv_snprintf(r->result->plugin_failures + used, sizeof r->result->plugin_failures - used,
		    "%s%s: %s", used ? "; " : "", name, why);
}

static void show_progress(struct run *r, bool final)
{
	double t = now_seconds();
	if (!final && t - r->last_progress < 0.5)
		return;
	r->last_progress = t;
	double elapsed = t - r->started;
	uint64_t done = r->result->patients;
	uint64_t total = r->setup->connector.ctx->expected_patients;
	double rate = elapsed > 0 ? (double)done / elapsed : 0;
	if (total > done && rate > 0 && done * 100 >= total)
		fprintf(stderr, "\rkvalind: %llu of %llu patients, %.0f/s, %.0f s left   ",
			(unsigned long long)done, (unsigned long long)total, rate,
			(double)(total - done) / rate);
	else
		fprintf(stderr, "\rkvalind: %llu patients, %.0f/s, %.1f s%*s",
			(unsigned long long)done, rate, elapsed, 12, "");
	if (final)
		fputc('\n', stderr);
	fflush(stderr);
}

/*
 * The connector's patient as this core's struct: a smaller (older minor)
 * one is copied with the appended fields empty; one smaller than 2.0 is
 * refused. The origin is the core's alone and goes no further.
 */
static int on_patient(void *arg, const struct kv_patient *in,
		      const struct kv_patient_origin *origin)
{
	struct run *r = arg;
	size_t n_months = r->result->n_months;
	if (r->setup->cancel != NULL && *r->setup->cancel) {
		r->cancelled = true;
		return 1; /* the connector stops reading */
	}
	struct kv_patient copy;
	const struct kv_patient *patient = in;
	if (in->struct_size < sizeof copy) {
		if (in->struct_size < KV_PATIENT_V2_0_SIZE) {
			kv_snprintf(r->bad_patient, sizeof r->bad_patient,
				    "the connector delivered a patient of %u bytes, smaller than "
				    "ABI %d.0's %zu",
				    (unsigned)in->struct_size, KV_ABI_MAJOR,
				    (size_t)KV_PATIENT_V2_0_SIZE);
			return 1;
		}
		memset(&copy, 0, sizeof copy);
		memcpy(&copy, in, in->struct_size);
		copy.struct_size = sizeof copy;
		patient = &copy;
	}
	if (r->by_holder && kv_local_patient_holders(r, patient, origin) != 0)
		return 1;
	for (size_t k = 0; k < r->n_plugins; k++) {
		struct plugin_run *p = &r->plugins[k];
		if (!p->active)
			continue;
		size_t cells = p->block.n_indicators * n_months;
		memset(p->block.flags, 0, cells);
		memset(p->block.values, 0, cells * sizeof *p->block.values);
		if (p->block.decisive_dates != NULL)
			kv_local_reset_block(r, p);
		kv_ctx_enter(p->loaded->ctx, "compute");
		if (p->loaded->plugin->indicator->compute(&p->call, patient, &p->block) != KV_OK) {
			plugin_failed(r, p, kv_ctx_error(p->loaded->ctx));
			continue;
		}
		for (size_t i = 0; i < p->block.n_indicators; i++) {
			struct kv_cell *out = p->series[i]->cells;
			const uint8_t *f = p->block.flags + i * n_months;
			const double *v = p->block.values + i * n_months;
			for (size_t m = 0; m < n_months; m++) {
				/* most cells are empty: skip them eight at a time */
				if (m + 8 <= n_months) {
					uint64_t w;
					memcpy(&w, f + m, sizeof w);
					if (w == 0) {
						m += 7;
						continue;
					}
				}
				if (f[m] == 0)
					continue;
				if ((f[m] & KV_IN_NUMERATOR) && !(f[m] & KV_IN_DENOMINATOR)) {
					char why[256];
					kv_snprintf(why, sizeof why,
						    "%s put a patient in the numerator but not the "
						    "denominator",
						    p->series[i]->id);
					plugin_failed(r, p, why);
					goto next_plugin;
				}
				out[m].denominator++;
				if (f[m] & KV_IN_NUMERATOR)
					out[m].numerator++;
				out[m].value_sum += v[m];
			}
		}
		if (r->by_holder || p->member_index != NULL)
			kv_local_after_compute(r, p, patient, origin);
next_plugin:;
	}
	r->result->patients++;
	if (r->progress)
		show_progress(r, false);
	return 0;
}

/*
 * The read request's window: the earliest date any indicator looks at.
 *
 * Each indicator plugin declares, after init (so for its own configuration),
 * how many calendar months before the first reference month its windows
 * reach (kv_init_result.lookback_months); with the catalogue's defaults
 * the longest is 36 (ANX_CONTROL_AD_START: an antidepressant start in months
 * m-23..m-12 with no prescription in the 12 months before it; RISK_*: two
 * 12-month windows before W12). The run reads events from the first day of
 * month first - (the longest declaration). A plugin that declares nothing
 * (0) makes the run read everything, which is always right, only slower; so
 * does a plugin whose windows reach before any event. Plugins that failed
 * init compute nothing and do not count. A backfill starting in 2014-12
 * asks for events from 2011-12, before any history, so only short runs (the
 * monthly one) read less.
 */
static kv_date read_events_from(const struct run *r, kv_month first)
{
	uint32_t longest = 0;
	for (size_t k = 0; k < r->n_plugins; k++) {
		const struct plugin_run *p = &r->plugins[k];
		if (!p->active)
			continue;
		uint32_t months = p->lookback;
		if (months == 0) {
			kv_info("indicator plugin \"%s\" does not declare how far back its windows "
				"look; reading every event",
				p->loaded->plugin->name);
			return 0;
		}
		if (months > longest)
			longest = months;
	}
	/* dates before 1900 are never in the data (and kv_date 0 means "none") */
	if (longest == 0 || (int64_t)first - longest < (int64_t)1901 * 12)
		return 0;
	return kv_month_first_day(first - (kv_month)longest);
}

int kv_series_compare(const void *a, const void *b)
{
	const struct kv_series *x = a, *y = b;
	return strcmp(x->id, y->id);
}

/* Allocate the series of every enabled indicator, sorted by id. */
static void make_series(struct kv_setup *s, struct kv_result *res, uint32_t provides)
{
	size_t n = 0;
	for (size_t k = 0; k < s->n_indicators; k++)
		n += s->indicators[k].plugin->indicator->n_indicators;
	res->series = kv_xcalloc(n, sizeof *res->series);
	res->n_series = 0;
	for (size_t k = 0; k < s->n_indicators; k++) {
		const struct kv_plugin *pl = s->indicators[k].plugin;
		for (size_t i = 0; i < pl->indicator->n_indicators; i++) {
			const struct kv_indicator_def *def = kv_plugin_indicator(pl, i);
			struct kv_series *se = &res->series[res->n_series++];
			se->def = def;
			se->id = def->id;
			se->version = def->version;
			se->type = def->type;
			se->plugin = pl->name;
			se->missing = def->requires & ~provides;
			se->computable = se->missing == 0;
			se->cells = kv_xcalloc(res->n_months, sizeof *se->cells);
		}
	}
	qsort(res->series, res->n_series, sizeof *res->series, kv_series_compare);
}

static struct kv_series *find_series(struct kv_result *res, const char *plugin, const char *id)
{
	for (size_t i = 0; i < res->n_series; i++)
		if (strcmp(res->series[i].id, id) == 0 && strcmp(res->series[i].plugin, plugin) == 0)
			return &res->series[i];
	return NULL;
}

static int check_unique_ids(struct kv_result *res)
{
	for (size_t i = 1; i < res->n_series; i++) {
		if (strcmp(res->series[i].id, res->series[i - 1].id) == 0) {
			kv_snprintf(res->failure, sizeof res->failure,
				    "indicator %s is provided by both \"%s\" and \"%s\"",
				    res->series[i].id, res->series[i - 1].plugin,
				    res->series[i].plugin);
			return -1;
		}
	}
	return 0;
}

int kv_engine_run(struct kv_setup *s, kv_month first, kv_month last, bool progress,
		  struct kv_result *res)
{
	struct kv_engine_options o = {.progress = progress};
	return kv_engine_run_with(s, first, last, &o, res);
}

int kv_engine_run_with(struct kv_setup *s, kv_month first, kv_month last,
		       const struct kv_engine_options *o, struct kv_result *res)
{
	int ret = -1;
	bool progress = o->progress;
	struct kv_members *members = o->members;
	struct kv_call conn_call = kv_call_of(s->connector.ctx, NULL);
	bool conn_open = false;
	kv_date *refs = NULL;
	struct run r = {.setup = s, .result = res, .progress = progress, .members = members,
			.by_holder = o->by_holder};
	const struct kv_connector_plugin *conn = s->connector.plugin->connector;
	struct kv_ctx *cctx = s->connector.ctx;

	memset(res, 0, sizeof *res);
	res->first_month = first;
	res->n_months = (size_t)(last - first + 1);
	r.started = now_seconds();

	kv_ctx_enter(cctx, "open");
	struct kv_open_result opened = {.struct_size = sizeof opened};
	if (conn->open(&conn_call, &opened) != KV_OK) {
		kv_snprintf(res->failure, sizeof res->failure, "connector \"%s\": %s",
			    s->connector.plugin->name, kv_ctx_error(cctx));
		goto done;
	}
	conn_call.state = opened.state;
	conn_open = true;
	uint32_t provides = opened.provides;
	make_series(s, res, provides);
	if (check_unique_ids(res) != 0)
		goto done;

	refs = kv_xcalloc(res->n_months, sizeof *refs);
	for (size_t m = 0; m < res->n_months; m++)
		refs[m] = kv_month_last_day(first + (kv_month)m);
	r.refs = refs;
	const char *const *kw_names = NULL, *const *kw_rules = NULL;
	size_t n_kw = kv_value_sets_keywords(s->value_sets, &kw_names, &kw_rules);
	/* A record system the connector cannot match notes in gets no rules. */
	if (!(provides & KV_PROVIDES_NOTE_MATCHES))
		n_kw = 0;
	struct kv_run run = {
		.struct_size = sizeof run,
		.first_month = first,
		.n_months = res->n_months,
		.reference_dates = refs,
		.provides = provides,
		.note_patterns = kw_names,
		.n_note_patterns = n_kw,
		.catalogue_version = kv_value_sets_catalogue(s->value_sets),
		.value_set_version = kv_value_sets_version(s->value_sets),
	};

	r.n_plugins = s->n_indicators;
	r.plugins = kv_xcalloc(r.n_plugins ? r.n_plugins : 1, sizeof *r.plugins);
	for (size_t k = 0; k < s->n_indicators; k++) {
		struct plugin_run *p = &r.plugins[k];
		const struct kv_indicator_plugin *ip = s->indicators[k].plugin->indicator;
		p->loaded = &s->indicators[k];
		p->series = kv_xcalloc(ip->n_indicators, sizeof *p->series);
		for (size_t i = 0; i < ip->n_indicators; i++)
			p->series[i] = find_series(res, p->loaded->plugin->name,
						   kv_plugin_indicator(p->loaded->plugin, i)->id);
		p->call = kv_call_of(p->loaded->ctx, NULL);
		p->block.struct_size = sizeof p->block;
		p->block.n_indicators = ip->n_indicators;
		p->block.n_months = res->n_months;
		p->block.flags = kv_xcalloc(ip->n_indicators * res->n_months, 1);
		p->block.values = kv_xcalloc(ip->n_indicators * res->n_months, sizeof(double));
		kv_ctx_enter(p->loaded->ctx, "init");
		struct kv_init_result init = {.struct_size = sizeof init};
		if (ip->init(&p->call, &run, &init) != KV_OK) {
			plugin_failed(&r, p, kv_ctx_error(p->loaded->ctx));
			continue;
		}
		p->call.state = init.state;
		p->lookback = init.lookback_months;
		p->initialised = true;
		p->active = true;
	}

	if (kv_local_prepare(&r, first) != 0)
		goto done;

	struct kv_read_request req = {
		.struct_size = sizeof req,
		.to = refs[res->n_months - 1],
		.note_patterns = kw_rules,
		.n_note_patterns = n_kw,
		.memory_budget = kv_setup_memory_budget(s),
		.events_from = read_events_from(&r, first),
		.origin = kv_local_origin_wanted(&r),
	};
	kv_ctx_enter(cctx, "read");
	if (conn->read(&conn_call, &req, on_patient, &r) != KV_OK) {
		if (r.bad_patient[0] != '\0')
			kv_snprintf(res->failure, sizeof res->failure, "connector \"%s\": %s",
				    s->connector.plugin->name, r.bad_patient);
		else if (r.cancelled)
			kv_snprintf(res->failure, sizeof res->failure,
				    "stopped before the run was complete");
		else
			kv_snprintf(res->failure, sizeof res->failure, "connector \"%s\": %s",
				    s->connector.plugin->name, kv_ctx_error(cctx));
		goto done;
	}
	if (r.cancelled || (s->cancel != NULL && *s->cancel)) {
		kv_snprintf(res->failure, sizeof res->failure, "stopped before the run was complete");
		goto done;
	}
	if (progress)
		show_progress(&r, true);
	if (kv_local_finish(&r, &conn_call) != 0)
		goto done;
	ret = 0;
done:
	for (size_t k = 0; k < r.n_plugins; k++) {
		struct plugin_run *p = &r.plugins[k];
		if (p->initialised) {
			kv_ctx_enter(p->loaded->ctx, "fini");
			p->loaded->plugin->indicator->fini(&p->call);
		}
		free(p->series);
		free(p->block.flags);
		free(p->block.values);
		free(p->block.decisive_dates);
		free(p->block.decisive_values);
		free(p->member_index);
	}
	free(r.plugins);
	kv_local_free(&r);
	if (conn_open) {
		kv_ctx_enter(cctx, "close");
		conn->close(&conn_call);
	}
	free(refs);
	res->seconds = now_seconds() - r.started;
	return ret;
}

int kv_engine_probe(struct kv_setup *s, char *err, size_t errlen)
{
	struct kv_call call = kv_call_of(s->connector.ctx, NULL);
	struct kv_open_result opened = {.struct_size = sizeof opened};
	const struct kv_connector_plugin *conn = s->connector.plugin->connector;
	kv_ctx_enter(s->connector.ctx, "open");
	if (conn->open(&call, &opened) != KV_OK) {
		kv_snprintf(err, errlen, "connector \"%s\": %s", s->connector.plugin->name,
			    kv_ctx_error(s->connector.ctx));
		return -1;
	}
	call.state = opened.state;
	kv_ctx_enter(s->connector.ctx, "close");
	conn->close(&call);
	return 0;
}

void kv_result_free(struct kv_result *res)
{
	for (size_t i = 0; i < res->n_series; i++) {
		free(res->series[i].cells);
		free(res->series[i].holder_cells);
	}
	free(res->holders);
	free(res->series);
	memset(res, 0, sizeof *res);
}
