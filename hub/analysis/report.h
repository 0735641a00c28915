/*
 * report.h - one HTML page per indicator for one viewer: definition, the
 * funnel plot of the latest 12 months and each visible office's monthly
 * series against its group, inline SVG, no JavaScript
 *
 * Who sees what is the caller's decision, passed as the viewer's list of
 * offices it may see named: a quality lead passes the offices of its own
 * groups, an office passes itself. Those offices are labelled in the
 * funnel (with a title and, when labels are on, a text label), listed in
 * its table and get a series chart per group they belong to; every other
 * office is an anonymous point (no name anywhere in the page, points in
 * position order). The page carries a Content-Security-Policy that allows
 * no script and no external resource, so it stays inert even if opened from
 * a hostile place.
 *
 * The panel is a month panel holding all offices of the indicator (the
 * funnel's overall share and limits are over all of them; the bands are
 * over each group's offices).
 *
 * Output goes to the caller's FILE; deterministic. 0, or -1 with err.
 */
#ifndef KVALIND_REPORT_H
#define KVALIND_REPORT_H

#include <stdio.h>

#include "an.h"
#include "funnel.h"
#include "panel.h"

struct kv_report_indicator {
	const char *id;                 /* DM_ANNUAL_CHECK */
	const char *title;              /* English title */
	const char *title_nb;           /* Norwegian title, or NULL */
	const char *numerator;          /* definitions as in `kvalind list-indicators` */
	const char *denominator;
	const char *better;             /* "higher", "lower" or "neither" */
};

struct kv_report_viewer {
	const char *name;               /* shown in the page: "quality lead, Vestland" */
	const char *const *named;       /* offices this viewer may see by name */
	size_t n_named;
	const char *highlight;          /* the viewer's own office, or NULL */
};

struct kv_report_opts {
	struct kv_funnel_opts funnel;   /* window end, x mode (see funnel.h) */
	int min_offices;                /* for the bands, see series.h */
	bool labels;                    /* text labels for named offices */
	const char *index_href;         /* a link back to the index, or NULL */
};

KV_AN_MUST_CHECK int kv_report_write(FILE *out, const struct kv_panel *month_panel,
				     const struct kv_report_indicator *ind,
				     const struct kv_report_viewer *viewer,
				     const struct kv_report_opts *opts, char *err, size_t errlen);

#endif /* KVALIND_REPORT_H */
