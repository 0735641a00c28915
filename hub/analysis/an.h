/*
 * an.h - what every module of the analysis library shares: names, periods,
 * error text
 *
 * The analysis library (hub/analysis/) turns the monthly counts the hub
 * receives into panels, difference-in-differences estimates, funnel plots,
 * SVG charts and HTML reports. It is self-contained: C11, libc, libm and
 * GSL, and the chart frame it shares with the daemon's local report
 * (core/svg_chart.c: libc and libm only); nothing else of the hub or the
 * daemon.
 *
 * Errors: functions return 0, or -1 with a one-line, lower-case message in
 * the caller's err buffer (truncated to errlen, always NUL-terminated when
 * errlen > 0). Nothing is printed.
 *
 * Periods are month ordinals: year * 12 + (month - 1). A month is the
 * period [m, m]; a year y is [y*12, y*12 + 11].
 */
#ifndef KVALIND_AN_H
#define KVALIND_AN_H

#include <stdbool.h>
#include <stddef.h>

#define KV_AN_MUST_CHECK __attribute__((warn_unused_result))

/* Office pseudonyms, group names and indicator IDs are at most this many
 * bytes including the NUL; longer ones are refused with an error. 101: the
 * hub's participant ids, group names and indicator IDs are up to 100. */
#define KV_AN_NAME_MAX 101
/* "YYYY" or "YYYY-MM" and the NUL. */
#define KV_AN_PERIOD_MAX 8

/* A count withheld by disclosure control (or never published). */
#define KV_AN_MISSING (-1L)

enum kv_an_unit {
	KV_AN_MONTH = 0,
	KV_AN_YEAR = 1,
};

/* One period: the first and last month ordinal it covers. */
struct kv_an_period {
	int first;
	int last;
};

static inline int kv_an_month(int year, int month)
{
	return year * 12 + (month - 1);
}

/* Parse "YYYY" (a year) or "YYYY-MM" (a month), years 1900..2999.
 * 0, or -1 with err. */
KV_AN_MUST_CHECK int kv_an_period_parse(const char *s, struct kv_an_period *out, char *err,
					size_t errlen);
/* Parse a range "FROM..TO" of such periods into [first of FROM, last of TO];
 * a single period is a range of one. 0, or -1 with err. */
KV_AN_MUST_CHECK int kv_an_range_parse(const char *s, struct kv_an_period *out, char *err,
				       size_t errlen);
/* "2019" or "2019-04" for the period starting at month ordinal m in unit u,
 * into buf (KV_AN_PERIOD_MAX bytes suffice). */
void kv_an_period_label(int m, enum kv_an_unit u, char *buf, size_t len);

/* Copy a name into a KV_AN_NAME_MAX buffer: -1 with err naming what (e.g.
 * "office") when it is NULL, empty or too long. */
KV_AN_MUST_CHECK int kv_an_name_copy(char dst[KV_AN_NAME_MAX], const char *src, const char *what,
				     char *err, size_t errlen);

/* Format into err (never overflows; errlen 0 is allowed). Always -1, so
 * `return kv_an_err(...)` and `ret = kv_an_err(...)` read naturally. */
int kv_an_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif /* KVALIND_AN_H */
