/*
 * did_table.c - difference-in-differences results laid out like table 10 of
 * the PHT evaluation (see did.h)
 */
#include "did.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define LABEL_MIN 30
#define LABEL_MAX 72
#define INDENT "    "

/* UTF-8 code points in s (continuation bytes not counted). */
static size_t width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

/* Print s padded with spaces to w code points (longer labels are printed
 * whole and push the line right). */
static void padded(FILE *f, const char *indent, const char *s, size_t w)
{
	size_t have = width(indent) + width(s);
	fprintf(f, "%s%s", indent, s);
	for (; have < w; have++)
		fputc(' ', f);
}

static void p_value(char *buf, size_t len, double p)
{
	if (p < 0.001)
		snprintf(buf, len, "<0.001");
	else
		snprintf(buf, len, "%.3f", p);
}

static void numbers(FILE *f, const struct kv_did_table_row *row)
{
	const struct kv_did_result *r = row->result;
	if (!r) {
		fprintf(f, "  (%s)\n", row->error ? row->error : "not estimated");
		return;
	}
	char p[16], ci[48];
	p_value(p, sizeof p, r->p);
	snprintf(ci, sizeof ci, "[%+.3f, %+.3f]", r->ci_low, r->ci_high);
	fprintf(f, "  %+7.3f  %6.3f  %7s  %-18s  %5ld  %7d\n", r->coef, r->se, p, ci, r->n,
		r->clusters);
}

int kv_did_table_write(FILE *f, const char *title, const struct kv_did_table_row *rows, size_t n,
		       const char *note, char *err, size_t errlen)
{
	size_t w = LABEL_MIN;
	for (size_t i = 0; i < n; i++) {
		size_t lw = rows[i].sublabel ? width(INDENT) + width(rows[i].sublabel)
					     : width(rows[i].label ? rows[i].label : "");
		if (lw > w)
			w = lw < LABEL_MAX ? lw : LABEL_MAX;
	}
	if (title)
		fprintf(f, "%s\n\n", title);
	padded(f, "", "Indicator", w);
	fprintf(f, "  %7s  %6s  %7s  %-18s  %5s  %7s\n", "DiD", "SE", "p-value", "95% CI", "N",
		"offices");
	const char *last = NULL;
	for (size_t i = 0; i < n; i++) {
		const char *label = rows[i].label ? rows[i].label : "";
		if (!rows[i].sublabel) {
			padded(f, "", label, w);
			numbers(f, &rows[i]);
			last = NULL;
			continue;
		}
		if (!last || strcmp(last, label) != 0)
			fprintf(f, "%s\n", label);
		last = label;
		padded(f, INDENT, rows[i].sublabel, w);
		numbers(f, &rows[i]);
	}
	if (note)
		fprintf(f, "\n%s\n", note);
	if (fflush(f) != 0 || ferror(f))
		return kv_an_err(err, errlen, "could not write the difference-in-differences table");
	return 0;
}

/* "2015-2017" / "2015-01-2017-06" for a range in unit u. */
static void range_label(struct kv_an_period r, char *buf, size_t len)
{
	bool years = r.first % 12 == 0 && r.last % 12 == 11;
	char a[KV_AN_PERIOD_MAX], b[KV_AN_PERIOD_MAX];
	kv_an_period_label(r.first, years ? KV_AN_YEAR : KV_AN_MONTH, a, sizeof a);
	kv_an_period_label(r.last, years ? KV_AN_YEAR : KV_AN_MONTH, b, sizeof b);
	if (strcmp(a, b) == 0)
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, "%s to %s", a, b);
}

void kv_did_note(const struct kv_did_spec *s, enum kv_an_unit u, char *buf, size_t len)
{
	char before[40], after[40];
	range_label(s->before, before, sizeof before);
	range_label(s->after, after, sizeof after);
	snprintf(buf, len,
		 "Note: before = %s, after = %s. Office and %s fixed effects%s; standard errors "
		 "clustered by office (CR1: G/(G-1) x (N-1)/(N-K)); p-values and 95%% CIs from %s. "
		 "N = office-%ss with a published share.",
		 before, after, u == KV_AN_YEAR ? "year" : "month",
		 s->weighted ? ", weighted by the denominator" : "",
		 s->inference == KV_DID_NORMAL ? "the standard normal"
					       : "t with G-1 degrees of freedom",
		 u == KV_AN_YEAR ? "year" : "month");
}
