/*
 * svg_private.h - the frame, scales and axes shared by the chart writers
 * (svg.c); not for callers outside hub/analysis
 */
#ifndef KVALIND_SVG_PRIVATE_H
#define KVALIND_SVG_PRIVATE_H

#include <stdio.h>

#define SVG_W 720.0
#define SVG_H 380.0
#define SVG_LEFT 64.0
#define SVG_RIGHT 24.0
#define SVG_TOP 44.0
#define SVG_BOTTOM 84.0

/* A linear map from data [lo, hi] to the plot area. */
struct svg_scale {
	double lo, hi;          /* data */
	double a, b;            /* pixels of lo and hi */
};

double svg_map(const struct svg_scale *s, double v);
/* A number in user units, '.' as decimal point, 1 decimal. */
void svg_num(FILE *out, double v);
/* A "nice" tick step (1, 2 or 5 x 10^k) giving about `ticks` ticks. */
double svg_nice_step(double lo, double hi, int ticks);
/* Widen [*lo, *hi] to whole steps (and at least one step wide). */
void svg_nice_range(double *lo, double *hi, double step);

/* <svg ...><title>T</title><desc>D</desc><rect background/> */
void svg_begin(FILE *out, const char *title, const char *desc);
void svg_end(FILE *out);
/* Axis lines, ticks and labels. y labels as percentages; x labels by
 * xlabel(value, buf, len). */
void svg_axes(FILE *out, const struct svg_scale *x, const struct svg_scale *y, double xstep,
	      double ystep, void (*xlabel)(double v, char *buf, size_t len), const char *xtitle,
	      const char *ytitle);
/* Legend entry i (two per row, under the x axis): a swatch of `kind`
 * (SVG_KEY_*) in colour `stroke`, then the escaped label. */
enum { SVG_KEY_LINE = 0, SVG_KEY_BAND = 1, SVG_KEY_DASH = 2, SVG_KEY_POINT = 3 };
void svg_legend(FILE *out, int i, int kind, const char *stroke, const char *label);

#endif /* KVALIND_SVG_PRIVATE_H */
