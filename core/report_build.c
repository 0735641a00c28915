/*
 * report_build.c - the local report's model from one engine run
 * (local_report.h, report_model.h)
 */
#include "local_report.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "engine.h"
#include "report_html.h"
#include "report_model.h"
#include "util.h"

void kv_local_report_free(struct kv_local_report *m)
{
	for (size_t i = 0; m->indicators != NULL && i < m->n_indicators; i++) {
		free(m->indicators[i].office);
		free(m->indicators[i].holders);
		free(m->indicators[i].follow);
	}
	free(m->indicators);
	free(m->holders);
	memset(m, 0, sizeof *m);
}

static struct kv_local_cell cell_of(const struct kv_cell *c)
{
	return (struct kv_local_cell){
	    .num = c->numerator, .den = c->denominator, .value_sum = c->value_sum};
}

/* By list holder, then the most overdue first (no decisive date, then the
 * oldest), then by key: the order of `kvalind patients`. */
static int compare_follow(const void *va, const void *vb)
{
	const struct kv_local_patient *a = va, *b = vb;
	if (a->holder != b->holder)
		return a->holder < b->holder ? -1 : 1;
	if (a->decisive_date != b->decisive_date)
		return a->decisive_date < b->decisive_date ? -1 : 1;
	return kv_patient_key_compare(a->key, b->key);
}

static int build_indicator(struct kv_local_indicator *ind, const struct kv_series *se,
			   size_t series_index, const struct kv_result *res,
			   const struct kv_members *mem, kv_month month)
{
	const struct kv_indicator_def *def = se->def;
	*ind = (struct kv_local_indicator){
	    .id = se->id,
	    .title = def->title,
	    .title_nb = def->title_nb,
	    .numerator = def->numerator,
	    .denominator = def->denominator,
	    .direction = def->direction,
	    .mean = se->type == KV_INDICATOR_MEAN,
	    .decisive = def->decisive,
	    .decisive_unit = def->decisive_unit,
	    .failed = se->failed};
	if (se->failed)
		return 0;
	ind->office = calloc(res->n_months, sizeof *ind->office);
	ind->holders = calloc(res->n_holders * res->n_months + 1, sizeof *ind->holders);
	if (ind->office == NULL || ind->holders == NULL)
		return -1;
	for (size_t k = 0; k < res->n_months; k++)
		ind->office[k] = cell_of(&se->cells[k]);
	for (size_t k = 0; se->holder_cells != NULL && k < res->n_holders * res->n_months; k++)
		ind->holders[k] = cell_of(&se->holder_cells[k]);
	size_t n = 0;
	for (size_t r = 0; r < mem->n; r++)
		n += mem->rows[r].series == series_index &&
		     kv_local_needs_follow_up(def->direction,
					       (mem->rows[r].flags & KV_IN_NUMERATOR) != 0);
	ind->follow = calloc(n + 1, sizeof *ind->follow);
	if (ind->follow == NULL)
		return -1;
	kv_date ref = kv_month_last_day(month);
	for (size_t r = 0; r < mem->n; r++) {
		const struct kv_member *row = &mem->rows[r];
		if (row->series != series_index ||
		    !kv_local_needs_follow_up(def->direction, (row->flags & KV_IN_NUMERATOR) != 0))
			continue;
		const struct kv_listed_patient *p = &mem->patients[row->patient];
		ind->follow[ind->n_follow++] = (struct kv_local_patient){
		    .key = p->key,
		    .name = p->name,
		    .age = kv_age_at(p->birth, ref),
		    .sex = p->sex,
		    .holder = p->list_holder,
		    .decisive_date = row->decisive_date,
		    .decisive_value = row->decisive_value};
	}
	if (ind->n_follow > 0)
		qsort(ind->follow, ind->n_follow, sizeof *ind->follow, compare_follow);
	return 0;
}

static int build(struct kv_local_report *m, const struct kv_setup *s, const struct kv_result *res,
		 const struct kv_members *mem, kv_month month, const char *generated)
{
	const struct kv_core_settings *cs = kv_core_settings(s->cfg);
	m->office_id = cs->office.id;
	m->office_name = cs->office.name != NULL ? cs->office.name : cs->office.id;
	m->first_month = res->first_month;
	m->n_months = res->n_months;
	m->generated = generated;
	m->holders = calloc(res->n_holders + 1, sizeof *m->holders);
	m->indicators = calloc(res->n_series + 1, sizeof *m->indicators);
	if (m->holders == NULL || m->indicators == NULL)
		return -1;
	for (size_t h = 0; h < res->n_holders; h++)
		m->holders[m->n_holders++] = (struct kv_local_holder){
		    .id = res->holders[h],
		    .name = res->holders[h] ? kv_members_holder_name(mem, res->holders[h]) : NULL};
	for (size_t i = 0; i < res->n_series; i++) {
		const struct kv_series *se = &res->series[i];
		if (!se->computable)
			continue;
		if (build_indicator(&m->indicators[m->n_indicators++], se, i, res, mem, month) != 0)
			return -1;
	}
	return 0;
}

int kv_local_report_run(struct kv_setup *s, kv_month month, int months, const char *dir,
		  bool progress, size_t *pages, size_t *holders, char *err, size_t errlen)
{
	struct kv_result res = {0};
	struct kv_members mem = {0};
	struct kv_local_report m = {0};
	struct kv_report_dir d = {.fd = -1};
	char generated[32] = "";
	int rc = -1;
	*pages = *holders = 0;
	if (months < KV_LOCAL_REPORT_MONTHS_MIN || months > KV_LOCAL_REPORT_MONTHS_MAX) {
		kv_fail(err, errlen, "a report shows %d to %d months, not %d", KV_LOCAL_REPORT_MONTHS_MIN,
		     KV_LOCAL_REPORT_MONTHS_MAX, months);
		goto done;
	}
	/* the directory first: an unsafe one is refused before the record
	 * system is read */
	if (kv_report_dir_open(&d, dir, err, errlen) != 0)
		goto done;
	mem.indicator = NULL;
	mem.month = month;
	mem.holder_names = true;
	mem.patient_names = kv_core_settings(s->cfg)->local.show_names;
	struct kv_engine_options opts = {.progress = progress, .by_holder = true, .members = &mem};
	if (kv_engine_run_with(s, month - months + 1, month, &opts, &res) != 0) {
		kv_fail(err, errlen, "%s", res.failure);
		goto done;
	}
	if (mem.without_key > 0) {
		kv_fail(err, errlen,
		     "connector \"%s\" gives no patient key for %" PRIu64 " patient%s; it cannot "
		     "list patients for follow-up",
		     s->connector.plugin->name, mem.without_key, mem.without_key == 1 ? "" : "s");
		goto done;
	}
	time_t now = time(NULL);
	struct tm tm;
	if (localtime_r(&now, &tm) != NULL)
		strftime(generated, sizeof generated, "%Y-%m-%d %H:%M", &tm);
	if (build(&m, s, &res, &mem, month, generated) != 0) {
		kv_fail(err, errlen, "out of memory");
		goto done;
	}
	if (kv_local_report_write_into(&m, &d, pages, err, errlen) != 0)
		goto done;
	*holders = m.n_holders;
	rc = 0;
done:
	kv_report_dir_close(&d);
	kv_local_report_free(&m);
	kv_members_free(&mem);
	kv_result_free(&res);
	return rc;
}
