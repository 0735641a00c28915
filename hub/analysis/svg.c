/*
 * svg.c - escaping, numbers, scales, frame, axes and legend for the charts
 * (see svg.h and svg_private.h)
 */
#include "svg.h"

#include <math.h>
#include <string.h>

#include "svg_private.h"

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

double svg_map(const struct svg_scale *s, double v)
{
	if (s->hi == s->lo)
		return (s->a + s->b) / 2;
	return s->a + (v - s->lo) / (s->hi - s->lo) * (s->b - s->a);
}

void svg_num(FILE *out, double v)
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

double svg_nice_step(double lo, double hi, int ticks)
{
	double range = hi - lo;
	if (!(range > 0))
		return 1;
	double raw = range / (ticks > 1 ? ticks : 1);
	double mag = pow(10, floor(log10(raw)));
	double f = raw / mag;
	return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

void svg_nice_range(double *lo, double *hi, double step)
{
	*lo = floor(*lo / step + 1e-9) * step;
	*hi = ceil(*hi / step - 1e-9) * step;
	if (*hi <= *lo)
		*hi = *lo + step;
}

void svg_begin(FILE *out, const char *title, const char *desc)
{
	fputs("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ", out);
	svg_num(out, SVG_W);
	fputc(' ', out);
	svg_num(out, SVG_H);
	fputs("\" width=\"100%\" role=\"img\" " FONT " font-size=\"12\">\n<title>", out);
	kv_xml_escape(out, title);
	fputs("</title>\n<desc>", out);
	kv_xml_escape(out, desc);
	fputs("</desc>\n<rect class=\"background\" x=\"0\" y=\"0\" width=\"", out);
	svg_num(out, SVG_W);
	fputs("\" height=\"", out);
	svg_num(out, SVG_H);
	fputs("\" fill=\"#ffffff\"/>\n<text class=\"title\" x=\"", out);
	svg_num(out, SVG_LEFT);
	fputs("\" y=\"24\" font-size=\"15\" font-weight=\"bold\">", out);
	kv_xml_escape(out, title);
	fputs("</text>\n", out);
}

void svg_end(FILE *out)
{
	fputs("</svg>\n", out);
}

static void line(FILE *out, const char *cls, double x1, double y1, double x2, double y2,
		 const char *stroke)
{
	fprintf(out, "<line class=\"%s\" x1=\"", cls);
	svg_num(out, x1);
	fputs("\" y1=\"", out);
	svg_num(out, y1);
	fputs("\" x2=\"", out);
	svg_num(out, x2);
	fputs("\" y2=\"", out);
	svg_num(out, y2);
	fprintf(out, "\" stroke=\"%s\" stroke-width=\"1\"/>\n", stroke);
}

static void text(FILE *out, const char *cls, double x, double y, const char *anchor,
		 const char *s)
{
	fprintf(out, "<text class=\"%s\" x=\"", cls);
	svg_num(out, x);
	fputs("\" y=\"", out);
	svg_num(out, y);
	fprintf(out, "\" text-anchor=\"%s\">", anchor);
	kv_xml_escape(out, s);
	fputs("</text>\n", out);
}

void svg_axes(FILE *out, const struct svg_scale *x, const struct svg_scale *y, double xstep,
	      double ystep, void (*xlabel)(double v, char *buf, size_t len), const char *xtitle,
	      const char *ytitle)
{
	double x0 = x->a, x1 = x->b, y0 = y->a, y1 = y->b;
	char buf[64];

	fputs("<g class=\"axes\">\n", out);
	/* y: gridlines, ticks, percentages */
	int ydec = ystep * 100 < 0.999 ? 1 : 0;
	for (long k = lround(ceil(y->lo / ystep - 1e-9)); k * ystep <= y->hi + ystep * 1e-9; k++) {
		double v = (double)k * ystep, py = svg_map(y, v);
		line(out, "grid", x0, py, x1, py, "#e4e4e4");
		line(out, "tick", x0 - 5, py, x0, py, "#333333");
		snprintf(buf, sizeof buf, "%.*f%%", ydec, fabs(v * 100) < 1e-9 ? 0.0 : v * 100);
		text(out, "ticklabel", x0 - 8, py + 4, "end", buf);
	}
	/* x: ticks and labels */
	for (long k = lround(ceil(x->lo / xstep - 1e-9)); k * xstep <= x->hi + xstep * 1e-9; k++) {
		double v = (double)k * xstep, px = svg_map(x, v);
		line(out, "tick", px, y0, px, y0 + 5, "#333333");
		xlabel(v, buf, sizeof buf);
		text(out, "ticklabel", px, y0 + 18, "middle", buf);
	}
	line(out, "axis", x0, y0, x1, y0, "#333333");
	line(out, "axis", x0, y0, x0, y1, "#333333");
	text(out, "axistitle", (x0 + x1) / 2, y0 + 36, "middle", xtitle);
	fputs("<text class=\"axistitle\" x=\"0\" y=\"0\" text-anchor=\"middle\" transform=\"translate(16 ",
	      out);
	svg_num(out, (y0 + y1) / 2);
	fputs(") rotate(-90)\">", out);
	kv_xml_escape(out, ytitle);
	fputs("</text>\n</g>\n", out);
}

void svg_legend(FILE *out, int i, int kind, const char *stroke, const char *label)
{
	double x = SVG_LEFT + (i % 2) * 320.0, y = SVG_H - 26 + (i / 2) * 16.0;
	fputs("<g class=\"legend\">", out);
	switch (kind) {
	case SVG_KEY_BAND:
		fputs("<rect x=\"", out);
		svg_num(out, x);
		fputs("\" y=\"", out);
		svg_num(out, y - 9);
		fprintf(out, "\" width=\"24\" height=\"10\" fill=\"%s\" fill-opacity=\"0.35\"/>", stroke);
		break;
	case SVG_KEY_POINT:
		fputs("<circle cx=\"", out);
		svg_num(out, x + 12);
		fputs("\" cy=\"", out);
		svg_num(out, y - 4);
		fprintf(out, "\" r=\"4\" fill=\"%s\"/>", stroke);
		break;
	default:
		fputs("<line x1=\"", out);
		svg_num(out, x);
		fputs("\" y1=\"", out);
		svg_num(out, y - 4);
		fputs("\" x2=\"", out);
		svg_num(out, x + 24);
		fputs("\" y2=\"", out);
		svg_num(out, y - 4);
		fprintf(out, "\" stroke=\"%s\" stroke-width=\"2\"%s/>", stroke,
			kind == SVG_KEY_DASH ? " stroke-dasharray=\"5 3\"" : "");
		break;
	}
	fputs("<text x=\"", out);
	svg_num(out, x + 30);
	fputs("\" y=\"", out);
	svg_num(out, y);
	fputs("\">", out);
	kv_xml_escape(out, label);
	fputs("</text></g>\n", out);
}
