/*
 * svg.h - charts as standalone SVG text: no JavaScript, no external
 * resources, no ids (so many charts can sit inline in one HTML page)
 *
 * Every chart is an <svg> element with xmlns, a viewBox (720 x 380 user
 * units; width 100% so pages scale it), a <title> and <desc>, axes with
 * ticks and labels, and classes on its parts (band, median, office,
 * limit95, limit998, target, point ...) with inline presentation
 * attributes, so it renders the same in a page, in a file of its own and in
 * an image viewer. Every string that comes from outside (titles, office
 * and group names) is XML-escaped; control characters and invalid UTF-8 are
 * replaced by '?'. Numbers are written with '.' whatever the locale.
 * Output is deterministic: the same input gives the same bytes.
 *
 * Functions write to a caller's FILE (a file, or open_memstream for a
 * growing buffer) and return 0, or -1 with err on a write error or bad
 * input; nothing is owned or kept.
 */
#ifndef KVALIND_SVG_H
#define KVALIND_SVG_H

#include <stdio.h>

#include "an.h"
#include "funnel.h"
#include "series.h"
#include "svg_chart.h" /* core/: kv_xml_escape, the frame and axes */

/* (a) an office's monthly series against its group's median and IQR band */
struct kv_svg_series_chart {
	const char *title;              /* e.g. "DM_ANNUAL_CHECK: office-17" */
	const char *office_label;       /* legend for the line, e.g. the office */
	const char *band_label;         /* legend for the band, e.g. "group ffs" */
	const struct kv_series *series; /* borrowed */
};

KV_AN_MUST_CHECK int kv_svg_series(FILE *out, const struct kv_svg_series_chart *c, char *err,
				   size_t errlen);

/* (b) the funnel plot: the 95% and 99.8% limit curves, the overall share,
 * one circle per office. Offices in `named` get a <title> with their name
 * (and a text label when `labels`); all others are anonymous points with
 * neither. Points are written in order of (n, share, name), so their order
 * does not give anonymous offices away. `highlight` (a named office, or
 * NULL) is drawn larger and in another colour. */
struct kv_svg_funnel_chart {
	const char *title;
	const struct kv_funnel *funnel;         /* borrowed */
	const char *const *named;               /* n_named office names, borrowed */
	size_t n_named;
	const char *highlight;
	bool labels;
};

KV_AN_MUST_CHECK int kv_svg_funnel(FILE *out, const struct kv_svg_funnel_chart *c, char *err,
				   size_t errlen);

#endif /* KVALIND_SVG_H */
