/*
 * report_html.h - the local report's pages: one self-contained HTML page
 * for the office (index.html) and one per GP (gp-ID.html; no-gp.html for
 * the patients on no GP's list), from a struct kv_local_report
 *
 * Each page: a strict Content-Security-Policy (default-src 'none';
 * style-src 'unsafe-inline'; img-src data:), no JavaScript, no outside
 * resource, charts as inline SVG (svg_chart.h). Every text from the record
 * system or the configuration (office and GP names, patient keys and names)
 * is HTML-escaped. Laid out for a 1366 x 768 screen, and for printing
 * (A4 landscape, each indicator on a page of its own).
 */
#ifndef KVALIND_REPORT_HTML_H
#define KVALIND_REPORT_HTML_H

#include <stdio.h>

#include "report_dir.h"
#include "report_model.h"

/* The page name of holder h ("gp-17.html", "no-gp.html"), into buf. */
void kv_local_report_page_name(const struct kv_local_holder *h, char *buf, size_t len);

/* One page to out: the office's (h NULL) or GP h's. 0, or -1 with err. */
int kv_local_report_page(FILE *out, const struct kv_local_report *m, const struct kv_local_holder *h,
		   char *err, size_t errlen);

/* Every page into the directory dir (report_dir.h: made 0700, refused when
 * others could read it), each 0600 and atomically; the pages of GPs no
 * longer in the model are removed (a page left behind would show a GP's
 * patients as they were). *pages: how many written. 0, or -1 with err. */
int kv_local_report_write(const struct kv_local_report *m, const char *dir, size_t *pages, char *err,
		    size_t errlen);

/* The same into a directory already opened (kv_report_dir_open). */
int kv_local_report_write_into(const struct kv_local_report *m, struct kv_report_dir *d,
			       size_t *pages, char *err, size_t errlen);

#endif /* KVALIND_REPORT_HTML_H */
