/*
 * panel.h - the evaluation panel: one row per office, group, indicator and
 * period, built from the monthly counts the hub received
 *
 * Input: one struct kv_month_row per published cell (office pseudonym,
 * group, indicator, month, numerator, denominator). A count that disclosure
 * control withheld is KV_AN_MISSING. An office in several groups comes once
 * per group (the hub joins its memberships); it then has one panel row per
 * group.
 *
 * Unit month: each input row becomes a panel row as it is; share =
 * numerator / denominator when both are published and the denominator is
 * positive, else NAN (the published count of the other stays in the row).
 *
 * Unit year: a year's numerator and denominator are the sums over those of
 * its months where BOTH counts were published, and share = sum N / sum D
 * (so a denominator-weighted mean of the monthly shares). A month with a
 * suppressed numerator or denominator is left out of both sums, not counted
 * as zero; `months` says how many months went in. A year with no such month
 * has both counts KV_AN_MISSING and share NAN; it is still a row, so the
 * gap shows in the CSV. Note that the monthly indicators are rolling
 * 12-month windows of one patient population: a year's summed denominator
 * counts each patient once per month, which is right for a mean share and
 * wrong as a number of independent patients.
 *
 * Rows are sorted by indicator, group, office, period (byte order), so the
 * same input in any order gives the same panel and the same CSV bytes.
 *
 * Ownership: kv_panel_build copies everything it needs; the panel and its
 * rows belong to the caller until kv_panel_free. Rows returned by
 * kv_panel_row are borrowed from the panel.
 */
#ifndef KVALIND_PANEL_H
#define KVALIND_PANEL_H

#include <stdio.h>

#include "an.h"

struct kv_month_row {
	const char *office;     /* pseudonym, 1..KV_AN_NAME_MAX-1 bytes */
	const char *group;      /* e.g. "ffs", "grant", "control" */
	const char *indicator;  /* e.g. "DM_ANNUAL_CHECK" */
	int year;               /* 1900..2999 */
	int month;              /* 1..12 */
	long numerator;         /* >= 0, or KV_AN_MISSING */
	long denominator;       /* >= 0, or KV_AN_MISSING */
};

struct kv_panel_row {
	char office[KV_AN_NAME_MAX];
	char group[KV_AN_NAME_MAX];
	char indicator[KV_AN_NAME_MAX];
	int period;             /* month ordinal of the period's first month */
	long numerator;         /* KV_AN_MISSING when not published / no month */
	long denominator;
	double share;           /* NAN when missing or the denominator is 0 */
	int months;             /* months with both counts that went in */
};

struct kv_panel;

/* Build a panel in unit (KV_AN_MONTH or KV_AN_YEAR). Errors: a bad name,
 * month or count (negative other than KV_AN_MISSING), the same office,
 * group, indicator and month twice, out of memory. 0 with *out set, or -1
 * with err and *out NULL. */
KV_AN_MUST_CHECK int kv_panel_build(const struct kv_month_row *rows, size_t n,
				    enum kv_an_unit unit, struct kv_panel **out, char *err,
				    size_t errlen);
void kv_panel_free(struct kv_panel *p);

enum kv_an_unit kv_panel_unit(const struct kv_panel *p);
size_t kv_panel_count(const struct kv_panel *p);
/* Row i (0 <= i < kv_panel_count), borrowed. */
const struct kv_panel_row *kv_panel_row(const struct kv_panel *p, size_t i);

/* Write the panel as CSV with the header
 *   office,group,period,indicator,numerator,denominator,share
 * period "YYYY" or "YYYY-MM"; a missing count or share is an empty field;
 * share is the shortest decimal that reads back as the same double; names
 * with a comma, quote or line break are quoted (RFC 4180). 0, or -1 with
 * err on a write error. */
KV_AN_MUST_CHECK int kv_panel_write_csv(const struct kv_panel *p, FILE *f, char *err,
					size_t errlen);

/* The shortest "%.*g" (1..17 digits) of x that reads back as x, into buf
 * (32 bytes suffice). Used wherever a double leaves as text. */
void kv_an_format_double(double x, char *buf, size_t len);

#endif /* KVALIND_PANEL_H */
