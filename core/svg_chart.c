/*
 * svg_chart.c - escaping, numbers, scales, frame, axes, legend and line
 * paths for the charts, and the line chart of monthly shares (svg_chart.h)
 */
#include "svg_chart.h"

#include <math.h>
#include <string.h>

#define FONT "font-family=\"sans-serif\""

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	unsigned int cp;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xE0) == 0xC0) {
		n = 2;
		cp = s[0] & 0x1Fu;
	} else if ((s[0] & 0xF0) == 0xE0) {
		n = 3;
		cp = s[0] & 0x0Fu;
	} else if ((s[0] & 0xF8) == 0xF0) {
		n = 4;
		cp = s[0] & 0x07u;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3Fu);
	}
	static const unsigned int min[] = {0, 0, 0x80, 0x800, 0x10000};
	if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE ||
	    cp == 0xFFFF)
		return 0;
	return n;
}

void kv_xml_escape(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		switch (*p) {
		case '&': fputs("&amp;", out); p++; continue;
		case '<': fputs("&lt;", out); p++; continue;
		case '>': fputs("&gt;", out); p++; continue;
		case '"': fputs("&quot;", out); p++; continue;
		case '\'': fputs("&apos;", out); p++; continue;
		default: break;
		}
		if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') {
			fputc('?', out);
			p++;
			continue;
		}
		size_t n = utf8_len(p);
		if (n == 0) {
			fputc('?', out);
			p++;
			continue;
		}
		fwrite(p, 1, n, out);
		p += n;
	}
}

double kv_svg_map(const struct kv_svg_scale *s, double v)
{
	if (s->hi == s->lo)
		return (s->a + s->b) / 2;
	return s->a + (v - s->lo) / (s->hi - s->lo) * (s->b - s->a);
}

void kv_svg_num(FILE *out, double v)
{
	char buf[64];
	if (!isfinite(v))
		v = 0;
	if (fabs(v) < 0.05)
		v = 0;  /* no "-0.0" */
	snprintf(buf, sizeof buf, "%.1f", v);
	for (char *c = buf; *c; c++)
		if (*c == ',')
			*c = '.';
	fputs(buf, out);
}

double kv_svg_nice_step(double lo, double hi, int ticks)
{
	double range = hi - lo;
	if (!(range > 0))
		return 1;
	double raw = range / (ticks > 1 ? ticks : 1);
	double mag = pow(10, floor(log10(raw)));
	double f = raw / mag;
	return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

void kv_svg_nice_range(double *lo, double *hi, double step)
{
	*lo = floor(*lo / step + 1e-9) * step;
	*hi = ceil(*hi / step - 1e-9) * step;
	if (*hi <= *lo)
		*hi = *lo + step;
}

void kv_svg_begin(FILE *out, const char *title, const char *desc)
{
	fputs("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ", out);
	kv_svg_num(out, KV_SVG_W);
	fputc(' ', out);
	kv_svg_num(out, KV_SVG_H);
	fputs("\" width=\"100%\" role=\"img\" " FONT " font-size=\"12\">\n<title>", out);
	kv_xml_escape(out, title);
	fputs("</title>\n<desc>", out);
	kv_xml_escape(out, desc);
	fputs("</desc>\n<rect class=\"background\" x=\"0\" y=\"0\" width=\"", out);
	kv_svg_num(out, KV_SVG_W);
	fputs("\" height=\"", out);
	kv_svg_num(out, KV_SVG_H);
	fputs("\" fill=\"#ffffff\"/>\n<text class=\"title\" x=\"", out);
	kv_svg_num(out, KV_SVG_LEFT);
	fputs("\" y=\"24\" font-size=\"15\" font-weight=\"bold\">", out);
	kv_xml_escape(out, title);
	fputs("</text>\n", out);
}

void kv_svg_end(FILE *out)
{
	fputs("</svg>\n", out);
}

static void line(FILE *out, const char *cls, double x1, double y1, double x2, double y2,
		 const char *stroke)
{
	fprintf(out, "<line class=\"%s\" x1=\"", cls);
	kv_svg_num(out, x1);
	fputs("\" y1=\"", out);
	kv_svg_num(out, y1);
	fputs("\" x2=\"", out);
	kv_svg_num(out, x2);
	fputs("\" y2=\"", out);
	kv_svg_num(out, y2);
	fprintf(out, "\" stroke=\"%s\" stroke-width=\"1\"/>\n", stroke);
}

static void text(FILE *out, const char *cls, double x, double y, const char *anchor,
		 const char *s)
{
	fprintf(out, "<text class=\"%s\" x=\"", cls);
	kv_svg_num(out, x);
	fputs("\" y=\"", out);
	kv_svg_num(out, y);
	fprintf(out, "\" text-anchor=\"%s\">", anchor);
	kv_xml_escape(out, s);
	fputs("</text>\n", out);
}

void kv_svg_axes(FILE *out, const struct kv_svg_scale *x, const struct kv_svg_scale *y, double xstep,
	      double ystep, void (*xlabel)(double v, char *buf, size_t len), const char *xtitle,
	      const char *ytitle)
{
	double x0 = x->a, x1 = x->b, y0 = y->a, y1 = y->b;
	char buf[64];

	fputs("<g class=\"axes\">\n", out);
	/* y: gridlines, ticks, percentages */
	int ydec = ystep * 100 < 0.999 ? 1 : 0;
	for (long k = lround(ceil(y->lo / ystep - 1e-9)); k * ystep <= y->hi + ystep * 1e-9; k++) {
		double v = (double)k * ystep, py = kv_svg_map(y, v);
		line(out, "grid", x0, py, x1, py, "#e4e4e4");
		line(out, "tick", x0 - 5, py, x0, py, "#333333");
		snprintf(buf, sizeof buf, "%.*f%%", ydec, fabs(v * 100) < 1e-9 ? 0.0 : v * 100);
		text(out, "ticklabel", x0 - 8, py + 4, "end", buf);
	}
	/* x: ticks and labels */
	for (long k = lround(ceil(x->lo / xstep - 1e-9)); k * xstep <= x->hi + xstep * 1e-9; k++) {
		double v = (double)k * xstep, px = kv_svg_map(x, v);
		line(out, "tick", px, y0, px, y0 + 5, "#333333");
		xlabel(v, buf, sizeof buf);
		text(out, "ticklabel", px, y0 + 18, "middle", buf);
	}
	line(out, "axis", x0, y0, x1, y0, "#333333");
	line(out, "axis", x0, y0, x0, y1, "#333333");
	text(out, "axistitle", (x0 + x1) / 2, y0 + 36, "middle", xtitle);
	fputs("<text class=\"axistitle\" x=\"0\" y=\"0\" text-anchor=\"middle\" transform=\"translate(16 ",
	      out);
	kv_svg_num(out, (y0 + y1) / 2);
	fputs(") rotate(-90)\">", out);
	kv_xml_escape(out, ytitle);
	fputs("</text>\n</g>\n", out);
}

void kv_svg_legend(FILE *out, int i, int kind, const char *stroke, const char *label)
{
	double x = KV_SVG_LEFT + (i % 2) * 320.0, y = KV_SVG_H - 26 + (i / 2) * 16.0;
	fputs("<g class=\"legend\">", out);
	switch (kind) {
	case KV_SVG_KEY_BAND:
		fputs("<rect x=\"", out);
		kv_svg_num(out, x);
		fputs("\" y=\"", out);
		kv_svg_num(out, y - 9);
		fprintf(out, "\" width=\"24\" height=\"10\" fill=\"%s\" fill-opacity=\"0.35\"/>", stroke);
		break;
	case KV_SVG_KEY_POINT:
		fputs("<circle cx=\"", out);
		kv_svg_num(out, x + 12);
		fputs("\" cy=\"", out);
		kv_svg_num(out, y - 4);
		fprintf(out, "\" r=\"4\" fill=\"%s\"/>", stroke);
		break;
	default:
		fputs("<line x1=\"", out);
		kv_svg_num(out, x);
		fputs("\" y1=\"", out);
		kv_svg_num(out, y - 4);
		fputs("\" x2=\"", out);
		kv_svg_num(out, x + 24);
		fputs("\" y2=\"", out);
		kv_svg_num(out, y - 4);
		fprintf(out, "\" stroke=\"%s\" stroke-width=\"2\"%s/>", stroke,
			kind == KV_SVG_KEY_DASH ? " stroke-dasharray=\"5 3\"" : "");
		break;
	}
	fputs("<text x=\"", out);
	kv_svg_num(out, x + 30);
	fputs("\" y=\"", out);
	kv_svg_num(out, y);
	fputs("\">", out);
	kv_xml_escape(out, label);
	fputs("</text></g>\n", out);
}

void kv_svg_month_label(double v, bool year_in_january, char *buf, size_t len)
{
	long m = lround(v);
	if (year_in_january && m % 12 == 0)
		snprintf(buf, len, "%04ld", m / 12);
	else
		snprintf(buf, len, "%04ld-%02ld", m / 12, m % 12 + 1);
}

static void point(FILE *out, double x, double y)
{
	kv_svg_num(out, x);
	fputc(',', out);
	kv_svg_num(out, y);
}

size_t kv_svg_runs(FILE *out, int first_month, size_t n, const double *v,
		   const struct kv_svg_scale *xs, const struct kv_svg_scale *ys)
{
	size_t pts = 0;
	for (size_t k = 0; k < n;) {
		if (!isfinite(v[k])) {
			k++;
			continue;
		}
		size_t end = k;
		while (end + 1 < n && isfinite(v[end + 1]))
			end++;
		double y = kv_svg_map(ys, v[k]);
		double x = kv_svg_map(xs, first_month + (double)k);
		fputs(pts ? " M" : "M", out);
		if (end == k) {
			point(out, x - 3, y);
			fputs(" L", out);
			point(out, x + 3, y);
		} else {
			for (size_t j = k; j <= end; j++) {
				if (j > k)
					fputs(" L", out);
				point(out, kv_svg_map(xs, first_month + (double)j), kv_svg_map(ys, v[j]));
			}
		}
		pts += end - k + 1;
		k = end + 1;
	}
	return pts;
}

static void month_label(double v, char *buf, size_t len)
{
	kv_svg_month_label(v, true, buf, len);
}

static int chart_err(char *err, size_t errlen, const char *msg)
{
	if (errlen > 0)
		snprintf(err, errlen, "%s", msg);
	return -1;
}

/* A share axis from 0 to a little above the highest value (at least 10%),
 * so that a GP's line and the office's are read against the same zero. */
static void share_scale(const struct kv_svg_line_chart *c, struct kv_svg_scale *ys, double *step)
{
	double hi = 0;
	for (size_t l = 0; l < c->n_lines; l++)
		for (size_t k = 0; k < c->n; k++)
			if (isfinite(c->lines[l].v[k]))
				hi = fmax(hi, c->lines[l].v[k]);
	hi = fmin(1, fmax(0.1, hi * 1.08));
	double lo = 0;
	*step = kv_svg_nice_step(lo, hi, 5);
	kv_svg_nice_range(&lo, &hi, *step);
	ys->lo = 0;
	ys->hi = fmin(1, hi);
	ys->a = KV_SVG_H - KV_SVG_BOTTOM;
	ys->b = KV_SVG_TOP;
}

int kv_svg_lines(FILE *out, const struct kv_svg_line_chart *c, char *err, size_t errlen)
{
	if (c->n == 0)
		return chart_err(err, errlen, "a chart of no months");
	if (c->n_lines > KV_SVG_LINES_MAX)
		return chart_err(err, errlen, "too many lines for one chart");
	struct kv_svg_scale xs = {.lo = c->first_month,
				  .hi = c->first_month + (double)c->n - 1,
				  .a = KV_SVG_LEFT + 8,
				  .b = KV_SVG_W - KV_SVG_RIGHT - 8};
	if (c->n == 1) {
		xs.lo -= 0.5;
		xs.hi += 0.5;
	}
	double xstep = c->n > 36 ? 12 : c->n > 12 ? 3 : 1, ystep;
	struct kv_svg_scale ys;
	share_scale(c, &ys, &ystep);
	kv_svg_begin(out, c->title, c->desc);
	kv_svg_axes(out, &xs, &ys, xstep, ystep, month_label, "month", "share");
	size_t drawn = 0;
	for (size_t l = 0; l < c->n_lines; l++) {
		const struct kv_svg_line *ln = &c->lines[l];
		fprintf(out, "<path class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\"%s d=\"",
			ln->cls, ln->stroke, ln->dashed ? " stroke-dasharray=\"6 4\"" : "");
		drawn += kv_svg_runs(out, c->first_month, c->n, ln->v, &xs, &ys);
		fputs("\"/>\n", out);
		kv_svg_legend(out, (int)l, ln->dashed ? KV_SVG_KEY_DASH : KV_SVG_KEY_LINE, ln->stroke,
			      ln->label);
	}
	if (drawn == 0 && c->empty != NULL) {
		fputs("<text class=\"nodata\" x=\"", out);
		kv_svg_num(out, (xs.a + xs.b) / 2);
		fputs("\" y=\"", out);
		kv_svg_num(out, KV_SVG_TOP + 16);
		fputs("\" text-anchor=\"middle\" fill=\"#666666\">", out);
		kv_xml_escape(out, c->empty);
		fputs("</text>\n", out);
	}
	kv_svg_end(out);
	if (fflush(out) != 0 || ferror(out))
		return chart_err(err, errlen, "could not write the chart");
	return 0;
}
