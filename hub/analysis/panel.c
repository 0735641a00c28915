/*
 * panel.c - building the evaluation panel from monthly counts (see panel.h)
 */
#include "panel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct kv_panel {
	enum kv_an_unit unit;
	struct kv_panel_row *rows;
	size_t n;
};

static int row_cmp(const void *a, const void *b)
{
	const struct kv_panel_row *x = a, *y = b;
	int c = strcmp(x->indicator, y->indicator);
	if (c == 0)
		c = strcmp(x->group, y->group);
	if (c == 0)
		c = strcmp(x->office, y->office);
	if (c == 0)
		c = (x->period > y->period) - (x->period < y->period);
	return c;
}

static bool same_series(const struct kv_panel_row *x, const struct kv_panel_row *y)
{
	return strcmp(x->indicator, y->indicator) == 0 && strcmp(x->group, y->group) == 0 &&
	       strcmp(x->office, y->office) == 0;
}

static double share_of(long num, long den)
{
	if (num == KV_AN_MISSING || den == KV_AN_MISSING || den <= 0)
		return NAN;
	return (double)num / (double)den;
}

/* Copy and check one input row into a month-unit panel row. */
static int take_row(const struct kv_month_row *in, struct kv_panel_row *r, char *err,
		    size_t errlen)
{
	if (kv_an_name_copy(r->office, in->office, "office", err, errlen) < 0 ||
	    kv_an_name_copy(r->group, in->group, "group", err, errlen) < 0 ||
	    kv_an_name_copy(r->indicator, in->indicator, "indicator", err, errlen) < 0)
		return -1;
	if (in->year < 1900 || in->year > 2999 || in->month < 1 || in->month > 12)
		return kv_an_err(err, errlen, "bad month %d-%d for office \"%s\"", in->year,
				 in->month, r->office);
	if ((in->numerator < 0 && in->numerator != KV_AN_MISSING) ||
	    (in->denominator < 0 && in->denominator != KV_AN_MISSING))
		return kv_an_err(err, errlen, "negative count for office \"%s\" %04d-%02d",
				 r->office, in->year, in->month);
	r->period = kv_an_month(in->year, in->month);
	r->numerator = in->numerator;
	r->denominator = in->denominator;
	r->share = share_of(in->numerator, in->denominator);
	r->months = (in->numerator != KV_AN_MISSING && in->denominator != KV_AN_MISSING);
	return 0;
}

/* Collapse sorted month rows into year rows in place; returns the new count. */
static size_t to_years(struct kv_panel_row *rows, size_t n)
{
	size_t out = 0;
	for (size_t i = 0; i < n;) {
		struct kv_panel_row y = rows[i];
		int year = rows[i].period / 12;
		long sn = 0, sd = 0;
		int months = 0;
		size_t j = i;
		for (; j < n && same_series(&rows[j], &rows[i]) && rows[j].period / 12 == year; j++) {
			if (rows[j].numerator != KV_AN_MISSING && rows[j].denominator != KV_AN_MISSING) {
				sn += rows[j].numerator;
				sd += rows[j].denominator;
				months++;
			}
		}
		y.period = year * 12;
		y.months = months;
		y.numerator = months ? sn : KV_AN_MISSING;
		y.denominator = months ? sd : KV_AN_MISSING;
		y.share = share_of(y.numerator, y.denominator);
		rows[out++] = y;
		i = j;
	}
	return out;
}

int kv_panel_build(const struct kv_month_row *rows, size_t n, enum kv_an_unit unit,
		   struct kv_panel **out, char *err, size_t errlen)
{
	int ret = -1;
	struct kv_panel *p = NULL;

	*out = NULL;
	if (unit != KV_AN_MONTH && unit != KV_AN_YEAR) {
		kv_an_err(err, errlen, "unknown panel unit %d", (int)unit);
		goto done;
	}
	p = calloc(1, sizeof *p);
	if (!p || (n > 0 && !(p->rows = calloc(n, sizeof *p->rows)))) {
		kv_an_err(err, errlen, "out of memory for a panel of %zu rows", n);
		goto done;
	}
	p->unit = unit;
	for (size_t i = 0; i < n; i++)
		if (take_row(&rows[i], &p->rows[i], err, errlen) < 0)
			goto done;
	if (n > 0)
		qsort(p->rows, n, sizeof *p->rows, row_cmp);
	for (size_t i = 1; i < n; i++) {
		if (row_cmp(&p->rows[i - 1], &p->rows[i]) == 0) {
			char label[KV_AN_PERIOD_MAX];
			kv_an_period_label(p->rows[i].period, KV_AN_MONTH, label, sizeof label);
			kv_an_err(err, errlen, "two rows for office \"%s\" group \"%s\" indicator %s %s",
				  p->rows[i].office, p->rows[i].group, p->rows[i].indicator, label);
			goto done;
		}
	}
	p->n = unit == KV_AN_YEAR ? to_years(p->rows, n) : n;
	*out = p;
	p = NULL;
	ret = 0;
done:
	kv_panel_free(p);
	return ret;
}

void kv_panel_free(struct kv_panel *p)
{
	if (!p)
		return;
	free(p->rows);
	free(p);
}

enum kv_an_unit kv_panel_unit(const struct kv_panel *p)
{
	return p->unit;
}

size_t kv_panel_count(const struct kv_panel *p)
{
	return p->n;
}

const struct kv_panel_row *kv_panel_row(const struct kv_panel *p, size_t i)
{
	return i < p->n ? &p->rows[i] : NULL;
}

void kv_an_format_double(double x, char *buf, size_t len)
{
	if (!isfinite(x)) {
		snprintf(buf, len, "%s", isnan(x) ? "nan" : x > 0 ? "inf" : "-inf");
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, x);
		if (strtod(buf, NULL) == x)
			return;
	}
}

/* One CSV field, quoted when it must be. */
static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void csv_count(FILE *f, long v)
{
	if (v != KV_AN_MISSING)
		fprintf(f, "%ld", v);
}

int kv_panel_write_csv(const struct kv_panel *p, FILE *f, char *err, size_t errlen)
{
	fputs("office,group,period,indicator,numerator,denominator,share\n", f);
	for (size_t i = 0; i < p->n; i++) {
		const struct kv_panel_row *r = &p->rows[i];
		char label[KV_AN_PERIOD_MAX], share[32] = "";
		kv_an_period_label(r->period, p->unit, label, sizeof label);
		if (!isnan(r->share))
			kv_an_format_double(r->share, share, sizeof share);
		csv_field(f, r->office);
		fputc(',', f);
		csv_field(f, r->group);
		fprintf(f, ",%s,", label);
		csv_field(f, r->indicator);
		fputc(',', f);
		csv_count(f, r->numerator);
		fputc(',', f);
		csv_count(f, r->denominator);
		fprintf(f, ",%s\n", share);
	}
	if (fflush(f) != 0 || ferror(f))
		return kv_an_err(err, errlen, "could not write the panel CSV");
	return 0;
}
