/*
 * an.c - periods, names and error text shared by the analysis library
 */
#include "an.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int kv_an_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (err && errlen > 0) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
		if (n < 0)
			err[0] = '\0';
	}
	return -1;
}

int kv_an_name_copy(char dst[KV_AN_NAME_MAX], const char *src, const char *what, char *err,
		    size_t errlen)
{
	if (!src || !src[0])
		return kv_an_err(err, errlen, "empty %s name", what);
	size_t n = strlen(src);
	if (n >= KV_AN_NAME_MAX)
		return kv_an_err(err, errlen, "%s name longer than %d bytes", what,
				 KV_AN_NAME_MAX - 1);
	memcpy(dst, src, n + 1);
	return 0;
}

/* Exactly `digits` decimal digits from s; the value, or -1. */
static int parse_digits(const char *s, int digits)
{
	int v = 0;
	for (int i = 0; i < digits; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int kv_an_period_parse(const char *s, struct kv_an_period *out, char *err, size_t errlen)
{
	size_t n = s ? strlen(s) : 0;
	int y = n >= 4 ? parse_digits(s, 4) : -1;
	if (y < 1900 || y > 2999 || (n != 4 && n != 7))
		return kv_an_err(err, errlen, "bad period \"%.20s\" (expected YYYY or YYYY-MM)",
				 s ? s : "");
	if (n == 4) {
		out->first = kv_an_month(y, 1);
		out->last = kv_an_month(y, 12);
		return 0;
	}
	int m = s[4] == '-' ? parse_digits(s + 5, 2) : -1;
	if (m < 1 || m > 12)
		return kv_an_err(err, errlen, "bad period \"%.20s\" (expected YYYY or YYYY-MM)", s);
	out->first = out->last = kv_an_month(y, m);
	return 0;
}

int kv_an_range_parse(const char *s, struct kv_an_period *out, char *err, size_t errlen)
{
	char a[16], b[16];
	const char *dots = s ? strstr(s, "..") : NULL;
	if (!s)
		return kv_an_err(err, errlen, "missing period range");
	if (!dots) {
		return kv_an_period_parse(s, out, err, errlen);
	}
	size_t la = (size_t)(dots - s), lb = strlen(dots + 2);
	if (la >= sizeof a || lb >= sizeof b)
		return kv_an_err(err, errlen, "bad period range \"%.40s\"", s);
	memcpy(a, s, la);
	a[la] = '\0';
	memcpy(b, dots + 2, lb + 1);
	struct kv_an_period pa, pb;
	if (kv_an_period_parse(a, &pa, err, errlen) < 0 || kv_an_period_parse(b, &pb, err, errlen) < 0)
		return -1;
	if (pb.last < pa.first)
		return kv_an_err(err, errlen, "period range \"%.40s\" ends before it starts", s);
	out->first = pa.first;
	out->last = pb.last;
	return 0;
}

void kv_an_period_label(int m, enum kv_an_unit u, char *buf, size_t len)
{
	if (u == KV_AN_YEAR)
		snprintf(buf, len, "%04d", m / 12);
	else
		snprintf(buf, len, "%04d-%02d", m / 12, m % 12 + 1);
}
