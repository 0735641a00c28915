/*
 * hub_analysis.c - the hub's side of the analysis library (hub/analysis/):
 * the monthly counts of the current extracts as panel input, who a viewer
 * may see by name, and the HTML pages (an index and one page per
 * indicator) the `report` command writes and the server serves
 *
 * Groups: an office in several groups comes once per group (one month row
 * per office x group x month, as panel.h expects); an office in no group
 * comes once under the group "(none)", which no real group can be called
 * (group names are letters, digits and _ . : = -). A group filter (names,
 * or a prefix such as "financing:") keeps only the rows of matching groups,
 * so an office then appears only under the groups that matched.
 *
 * Only current extracts count (superseded_by IS NULL); withheld counts are
 * KV_AN_MISSING. Everything goes in as bound parameters.
 */
#include "hub.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "funnel.h"
#include "panel.h"
#include "report.h"
/* core/svg_chart.h, not svg.h, which the hub cannot include: its struct
 * kv_series (the analysis library's) shares its name with the core's. */
#include "svg_chart.h"

static PGresult *run(PGconn *db, const char *sql, int n, const char *const *p, char *err,
		     size_t errlen)
{
	PGresult *r = PQexecParams(db, sql, n, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK) {
		kv_snprintf(err, errlen, "database: %s", PQresultErrorMessage(r));
		size_t len = strlen(err);
		while (len > 0 && (err[len - 1] == '\n' || err[len - 1] == ' '))
			err[--len] = '\0';
		PQclear(r);
		return NULL;
	}
	return r;
}

/* A PostgreSQL text[] literal of names that need no quoting inside "..." (the
 * callers pass checked group names); NULL for none. */
static char *array_literal(const char *const *names, size_t n)
{
	if (n == 0)
		return NULL;
	size_t len = 3;
	for (size_t i = 0; i < n; i++)
		len += strlen(names[i]) + 3;
	char *s = kv_xcalloc(1, len);
	size_t o = 0;
	s[o++] = '{';
	for (size_t i = 0; i < n; i++)
		o += (size_t)snprintf(s + o, len - o, "%s\"%s\"", i ? "," : "", names[i]);
	s[o++] = '}';
	s[o] = '\0';
	return s;
}

/* ---- indicators ---------------------------------------------------------- */

static const char *better_of(int direction)
{
	return direction > 0 ? "higher" : direction < 0 ? "lower" : "neither";
}

int hub_db_indicators(PGconn *db, const char *only, struct hub_ind_info **out, size_t *n_out,
		      char *err, size_t errlen)
{
	*out = NULL;
	*n_out = 0;
	const char *p[] = {only};
	/* the latest version of each indicator, and what arrived for it */
	PGresult *r = run(db,
			  "SELECT i.id, i.title, i.title_nb, i.numerator, i.denominator,"
			  " i.direction, i.type = 'mean',"
			  " (SELECT count(DISTINCT e.participant) FROM extracts e"
			  "   JOIN extract_values v ON v.extract_id = e.extract_id"
			  "   WHERE e.superseded_by IS NULL AND v.indicator = i.id),"
			  " (SELECT coalesce(to_char(max(e.month), 'YYYY-MM'), '') FROM extracts e"
			  "   JOIN extract_values v ON v.extract_id = e.extract_id"
			  "   WHERE e.superseded_by IS NULL AND v.indicator = i.id)"
			  " FROM indicators i WHERE ($1::text IS NULL OR i.id = $1)"
			  " AND i.version = (SELECT max(version) FROM indicators j WHERE j.id = i.id)"
			  " ORDER BY i.id",
			  1, p, err, errlen);
	if (r == NULL)
		return -1;
	size_t n = (size_t)PQntuples(r);
	struct hub_ind_info *v = n ? kv_xcalloc(n, sizeof *v) : NULL;
	for (size_t i = 0; i < n; i++) {
		v[i].id = kv_xstrdup(PQgetvalue(r, (int)i, 0));
		v[i].title = kv_xstrdup(PQgetvalue(r, (int)i, 1));
		v[i].title_nb = kv_xstrdup(PQgetvalue(r, (int)i, 2));
		v[i].numerator = kv_xstrdup(PQgetvalue(r, (int)i, 3));
		v[i].denominator = kv_xstrdup(PQgetvalue(r, (int)i, 4));
		v[i].direction = atoi(PQgetvalue(r, (int)i, 5));
		v[i].mean = strcmp(PQgetvalue(r, (int)i, 6), "t") == 0;
		v[i].offices = atoi(PQgetvalue(r, (int)i, 7));
		kv_strlcpy(v[i].latest, PQgetvalue(r, (int)i, 8), sizeof v[i].latest);
	}
	PQclear(r);
	*out = v;
	*n_out = n;
	return 0;
}

void hub_ind_info_free(struct hub_ind_info *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].title);
		free(v[i].title_nb);
		free(v[i].numerator);
		free(v[i].denominator);
	}
	free(v);
}

/* ---- month rows ------------------------------------------------------------ */

int hub_rows_load(PGconn *db, const char *indicator, const char *const *groups, size_t n_groups,
		  const char *prefix, struct hub_rows *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	char *arr = array_literal(groups, n_groups);
	const char *p[] = {indicator, arr, prefix};
	PGresult *r = run(db,
			  "SELECT e.participant, coalesce(g.group_name, '(none)'),"
			  " extract(year FROM e.month)::int, extract(month FROM e.month)::int,"
			  " v.numerator, v.denominator"
			  " FROM extracts e"
			  " JOIN extract_values v ON v.extract_id = e.extract_id AND v.indicator = $1"
			  " LEFT JOIN participant_groups g ON g.participant = e.participant"
			  " WHERE e.superseded_by IS NULL"
			  " AND ($2::text[] IS NULL OR g.group_name = ANY($2::text[]))"
			  " AND ($3::text IS NULL OR left(g.group_name, length($3)) = $3)"
			  " ORDER BY 1, 2, 3, 4",
			  3, p, err, errlen);
	free(arr);
	if (r == NULL)
		return -1;
	size_t n = (size_t)PQntuples(r);
	out->res = r;
	out->n = n;
	out->rows = n ? kv_xcalloc(n, sizeof *out->rows) : NULL;
	for (size_t i = 0; i < n; i++) {
		int k = (int)i;
		struct kv_month_row *m = &out->rows[i];
		m->office = PQgetvalue(r, k, 0);
		m->group = PQgetvalue(r, k, 1);
		m->indicator = indicator;
		m->year = atoi(PQgetvalue(r, k, 2));
		m->month = atoi(PQgetvalue(r, k, 3));
		m->numerator = PQgetisnull(r, k, 4) ? KV_AN_MISSING : atol(PQgetvalue(r, k, 4));
		m->denominator = PQgetisnull(r, k, 5) ? KV_AN_MISSING : atol(PQgetvalue(r, k, 5));
	}
	return 0;
}

void hub_rows_free(struct hub_rows *rows)
{
	free(rows->rows);
	PQclear(rows->res);
	memset(rows, 0, sizeof *rows);
}

/* ---- viewers ----------------------------------------------------------------- */

static void viewer_add(struct hub_viewer *v, const char *office)
{
	v->named = kv_xrealloc(v->named, v->n_named + 1, sizeof *v->named);
	v->named[v->n_named++] = kv_xstrdup(office);
}

enum hub_auth hub_viewer_lead(PGconn *db, const char *name, const char *serial,
			      struct hub_viewer *v, char *err, size_t errlen)
{
	memset(v, 0, sizeof *v);
	const char *p[] = {name};
	PGresult *r = run(db, "SELECT revoked, serial, array_to_string(groups, ', ') FROM leads"
			      " WHERE name = $1",
			  1, p, err, errlen);
	if (r == NULL)
		return HUB_AUTH_DB_ERROR;
	enum hub_auth a = HUB_AUTH_OK;
	if (PQntuples(r) == 0) {
		kv_snprintf(err, errlen, "quality lead %s is not registered", name);
		a = HUB_AUTH_UNKNOWN;
	} else if (strcmp(PQgetvalue(r, 0, 0), "t") == 0) {
		kv_snprintf(err, errlen, "quality lead %s is revoked", name);
		a = HUB_AUTH_REVOKED;
	} else if (serial != NULL && strcmp(PQgetvalue(r, 0, 1), serial) != 0) {
		kv_snprintf(err, errlen,
			    "this certificate is not the one the hub issued to quality lead %s", name);
		a = HUB_AUTH_OTHER_CERT;
	}
	if (a == HUB_AUTH_OK) {
		v->kind = HUB_VIEWER_LEAD;
		kv_strlcpy(v->name, name, sizeof v->name);
		snprintf(v->label, sizeof v->label, "quality lead %.100s (groups %.300s)", name,
			 PQgetvalue(r, 0, 2));
	}
	PQclear(r);
	if (a != HUB_AUTH_OK)
		return a;
	r = run(db,
		"SELECT DISTINCT g.participant FROM participant_groups g, leads l"
		" WHERE l.name = $1 AND g.group_name = ANY(l.groups) ORDER BY 1",
		1, p, err, errlen);
	if (r == NULL) {
		hub_viewer_free(v);
		return HUB_AUTH_DB_ERROR;
	}
	for (int i = 0; i < PQntuples(r); i++)
		viewer_add(v, PQgetvalue(r, i, 0));
	PQclear(r);
	return HUB_AUTH_OK;
}

enum hub_auth hub_viewer_office(PGconn *db, const char *id, const char *serial,
				struct hub_viewer *v, char *err, size_t errlen)
{
	memset(v, 0, sizeof *v);
	enum hub_auth a;
	if (serial != NULL) {
		a = hub_db_check_participant(db, id, serial, err, errlen);
	} else {
		int e = hub_db_participant_exists(db, id, err, errlen);
		a = e < 0 ? HUB_AUTH_DB_ERROR : e == 0 ? HUB_AUTH_UNKNOWN : HUB_AUTH_OK;
		if (e == 0)
			kv_snprintf(err, errlen, "participant %s is not registered", id);
	}
	if (a != HUB_AUTH_OK)
		return a;
	v->kind = HUB_VIEWER_OFFICE;
	kv_strlcpy(v->name, id, sizeof v->name);
	snprintf(v->label, sizeof v->label, "office %.100s, against the anonymous distribution",
		 id);
	viewer_add(v, id);
	return HUB_AUTH_OK;
}

void hub_viewer_anonymous(struct hub_viewer *v)
{
	memset(v, 0, sizeof *v);
	v->kind = HUB_VIEWER_NONE;
	kv_strlcpy(v->label, "anonymous view (no office named)", sizeof v->label);
}

void hub_viewer_free(struct hub_viewer *v)
{
	for (size_t i = 0; i < v->n_named; i++)
		free(v->named[i]);
	free(v->named);
	v->named = NULL;
	v->n_named = 0;
}

/* ---- pages ----------------------------------------------------------------------- */

static void esc(FILE *out, const char *s)
{
	kv_xml_escape(out, s);
}

int hub_report_index(FILE *out, const struct hub_ind_info *inds, size_t n,
		     const struct hub_viewer *v, const char *link_prefix, char *err, size_t errlen)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; img-src data:\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>kvalind-hub: indicators</title>\n<style>\n"
	      "body{font-family:sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#222}\n"
	      "table{border-collapse:collapse}td,th{padding:.2rem .6rem;border-bottom:1px solid #ddd;"
	      "text-align:left}\n</style>\n</head>\n<body>\n<h1>Quality indicators</h1>\n"
	      "<p class=\"viewer\">Shown for ",
	      out);
	esc(out, v->label);
	fprintf(out, " (%zu office%s by name; all others anonymous).</p>\n", v->n_named,
		v->n_named == 1 ? "" : "s");
	fputs("<table class=\"indicators\">\n<tr><th>indicator</th><th>title</th><th>better</th>"
	      "<th>offices</th><th>latest month</th></tr>\n",
	      out);
	for (size_t i = 0; i < n; i++) {
		const struct hub_ind_info *d = &inds[i];
		fputs("<tr><td>", out);
		if (!d->mean && d->offices > 0 && !d->no_page) {
			fputs("<a href=\"", out);
			esc(out, link_prefix);
			esc(out, d->id);
			fputs(".html\">", out);
			esc(out, d->id);
			fputs("</a>", out);
		} else {
			esc(out, d->id);
		}
		fputs("</td><td>", out);
		esc(out, d->title);
		fprintf(out, "</td><td>%s</td><td>%d</td><td>%s</td></tr>\n", better_of(d->direction),
			d->offices,
			d->offices > 0 && d->mean ? "(a mean: no funnel)"
			: d->no_page		  ? "(nothing published in the latest 12 months)"
			: d->latest[0]		  ? d->latest
						  : "-");
	}
	fputs("</table>\n<footer><p>Made by kvalind-hub from the offices' published monthly counts "
	      "(current extracts only).</p></footer>\n</body>\n</html>\n",
	      out);
	if (fflush(out) != 0 || ferror(out)) {
		kv_snprintf(err, errlen, "could not write the index page");
		return -1;
	}
	return 0;
}

int hub_report_page(FILE *out, PGconn *db, const struct hub_ind_info *ind,
		    const struct hub_viewer *v, const char *index_href, char *err, size_t errlen)
{
	if (ind->mean) {
		kv_snprintf(err, errlen, "%s is a mean, not a share: no funnel plot or bands", ind->id);
		return -1;
	}
	struct hub_rows rows;
	if (hub_rows_load(db, ind->id, NULL, 0, NULL, &rows, err, errlen) != 0)
		return -1;
	struct kv_panel *p = NULL;
	int rc = -1;
	if (kv_panel_build(rows.rows, rows.n, KV_AN_MONTH, &p, err, errlen) != 0)
		goto out;
	/* The funnel needs a published share in the latest 12 months. */
	int latest = 0;
	bool usable = false;
	for (size_t i = 0; i < kv_panel_count(p); i++)
		if (kv_panel_row(p, i)->period > latest)
			latest = kv_panel_row(p, i)->period;
	for (size_t i = 0; i < kv_panel_count(p) && !usable; i++) {
		const struct kv_panel_row *pr = kv_panel_row(p, i);
		usable = pr->period > latest - 12 && !isnan(pr->share);
	}
	if (!usable) {
		kv_snprintf(err, errlen, "no published share of %s in its latest 12 months", ind->id);
		rc = 1;
		goto out;
	}
	struct kv_report_indicator ri = {.id = ind->id,
					 .title = ind->title,
					 .title_nb = ind->title_nb[0] ? ind->title_nb : NULL,
					 .numerator = ind->numerator,
					 .denominator = ind->denominator,
					 .better = better_of(ind->direction)};
	struct kv_report_viewer rv = {.name = v->label,
				      .named = (const char *const *)v->named,
				      .n_named = v->n_named,
				      .highlight = v->kind == HUB_VIEWER_OFFICE ? v->name : NULL};
	struct kv_report_opts o = {.funnel = {.mode = KV_FUNNEL_N_MEAN},
				   .min_offices = 3,
				   .labels = v->kind == HUB_VIEWER_LEAD,
				   .index_href = index_href};
	rc = kv_report_write(out, p, &ri, &rv, &o, err, errlen);
out:
	kv_panel_free(p);
	hub_rows_free(&rows);
	return rc;
}
