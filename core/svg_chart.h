/*
 * svg_chart.h - charts as standalone SVG text: the frame, scales, axes,
 * legend and line paths shared by the hub's charts (hub/analysis/svg*.c)
 * and the daemon's local report (report_html.c), and a line chart of
 * monthly shares
 *
 * Every chart is an <svg> element with xmlns, a viewBox (KV_SVG_W x
 * KV_SVG_H user units; width 100% so pages scale it), a <title> and <desc>,
 * axes with ticks and labels, and classes on its parts with inline
 * presentation attributes: no JavaScript, no external resources, no ids, so
 * many charts can sit inline in one HTML page. Every string from outside is
 * XML-escaped (kv_xml_escape); numbers are written with '.' whatever the
 * locale; the same input gives the same bytes. Only libc and libm: the
 * hub's analysis library compiles this file into its own tests.
 */
#ifndef KVALIND_SVG_CHART_H
#define KVALIND_SVG_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define KV_SVG_W 720.0
#define KV_SVG_H 380.0
#define KV_SVG_LEFT 64.0
#define KV_SVG_RIGHT 24.0
#define KV_SVG_TOP 44.0
#define KV_SVG_BOTTOM 84.0

/* Write s XML-escaped (& < > " ' as entities; control characters and
 * invalid UTF-8 as '?'). Safe for element text and attribute values, in
 * SVG and in HTML. */
void kv_xml_escape(FILE *out, const char *s);

/* A linear map from data [lo, hi] to the plot area. */
struct kv_svg_scale {
	double lo, hi;          /* data */
	double a, b;            /* pixels of lo and hi */
};

double kv_svg_map(const struct kv_svg_scale *s, double v);
/* A number in user units, '.' as decimal point, 1 decimal. */
void kv_svg_num(FILE *out, double v);
/* A "nice" tick step (1, 2 or 5 x 10^k) giving about `ticks` ticks. */
double kv_svg_nice_step(double lo, double hi, int ticks);
/* Widen [*lo, *hi] to whole steps (and at least one step wide). */
void kv_svg_nice_range(double *lo, double *hi, double step);
/* "YYYY-MM" for month ordinal v (year * 12 + month - 1), "YYYY" in January
 * when year_in_january (a long axis labelled by years). */
void kv_svg_month_label(double v, bool year_in_january, char *buf, size_t len);

/* <svg ...><title>T</title><desc>D</desc><rect background/> */
void kv_svg_begin(FILE *out, const char *title, const char *desc);
void kv_svg_end(FILE *out);
/* Axis lines, ticks and labels. y labels as percentages; x labels by
 * xlabel(value, buf, len). */
void kv_svg_axes(FILE *out, const struct kv_svg_scale *x, const struct kv_svg_scale *y,
		 double xstep, double ystep, void (*xlabel)(double v, char *buf, size_t len),
		 const char *xtitle, const char *ytitle);
/* Legend entry i (two per row, under the x axis): a swatch of `kind`
 * (KV_SVG_KEY_*) in colour `stroke`, then the escaped label. */
enum { KV_SVG_KEY_LINE = 0, KV_SVG_KEY_BAND = 1, KV_SVG_KEY_DASH = 2, KV_SVG_KEY_POINT = 3 };
void kv_svg_legend(FILE *out, int i, int kind, const char *stroke, const char *label);
/* The path data ("M..L..") of the runs of finite values v[0..n) at months
 * first_month + k; a run of one value is a short horizontal stroke.
 * Returns the number of points drawn. */
size_t kv_svg_runs(FILE *out, int first_month, size_t n, const double *v,
		   const struct kv_svg_scale *xs, const struct kv_svg_scale *ys);

/* A line chart of monthly shares (0..1, NAN where there is none): up to
 * KV_SVG_LINES_MAX lines over the same months, each in its colour, dashed
 * or not, with a legend entry. */
#define KV_SVG_LINES_MAX 4
struct kv_svg_line {
	const char *cls;        /* class of its <path>, [a-z0-9-] */
	const char *label;      /* legend */
	const char *stroke;     /* "#rrggbb" */
	bool dashed;
	const double *v;        /* n values, borrowed */
};

struct kv_svg_line_chart {
	const char *title;
	const char *desc;
	int first_month;        /* month ordinal of v[0] */
	size_t n;               /* months */
	const struct kv_svg_line *lines;
	size_t n_lines;
	const char *empty;      /* the text shown when no line has a value */
};

/* 0, or -1 with err (no months, too many lines, a write error). */
int kv_svg_lines(FILE *out, const struct kv_svg_line_chart *c, char *err, size_t errlen);

#endif /* KVALIND_SVG_CHART_H */
