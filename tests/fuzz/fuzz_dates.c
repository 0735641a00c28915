/*
 * fuzz_dates.c - every date and month parser, and the date helpers.
 *
 * Each line of the input goes to:
 *   - kv_parse_month (core/util.c): YYYY-MM, 1900..2199; checked against
 *     a reference written here;
 *   - the value-set date parser (core/valueset.c, static: reached through a
 *     one-entry value-set file whose FROM is the line);
 *   - kvdb_parse_date, kvdb_parse_int, kvdb_parse_float (plugins/reference/
 *     kvdb_util.c: the text forms of dates, timestamps and numbers read from
 *     the record system, SQLite's in particular): a date parsed must lie in
 *     0001-01-01..9999-12-31 and print back as its first ten bytes;
 *   - kv_parse_int64 and kv_parse_bool (core/util.c), as configuration
 *     values are.
 * Then the kv_events.h helpers run on the dates found and on dates made from
 * the input's bytes across the whole range the connector accepts: civil
 * round trips, month arithmetic within the helpers' range, ages.
 */
#define _GNU_SOURCE /* memfd_create */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kvalind/kv_events.h"
#include "util.h"
#include "valueset.h"

/* plugins/common/kvdb_util.c */
bool kvdb_parse_date(const char *s, size_t len, bool timestamp, kv_date *out);
bool kvdb_parse_int(const char *s, size_t len, int64_t *out);
bool kvdb_parse_float(const char *s, size_t len, double *out);

#define DATE_MIN (-719162) /* 0001-01-01 */
#define DATE_MAX 2932896   /* 9999-12-31 */

static volatile unsigned long sink;

static void check_round_trip(kv_date d)
{
	int y, m, dd;
	kv_date_to_ymd(d, &y, &m, &dd);
	if (m < 1 || m > 12 || dd < 1 || dd > kv_days_in_month(y, m) ||
	    kv_date_from_ymd(y, m, dd) != d)
		abort();
	kv_month mo = kv_month_of(d);
	if (kv_month_first_day(mo) > d || kv_month_last_day(mo) < d)
		abort();
}

static bool reference_month(const char *s, int *out)
{
	int y, m;
	if (strlen(s) != 7 || s[4] != '-')
		return false;
	for (int i = 0; i < 7; i++)
		if (i != 4 && !isdigit((unsigned char)s[i]))
			return false;
	if (sscanf(s, "%4d-%2d", &y, &m) != 2 || y < 1900 || y > 2199 || m < 1 || m > 12)
		return false;
	*out = y * 12 + m - 1;
	return true;
}

static int vs_fd = -1;
static char vs_path[64];

static void value_set_date(const char *s)
{
	char file[512];
	if (strchr(s, ' ') || strchr(s, '\t') || strchr(s, '#') || *s == '\0' ||
	    kv_snprintf(file, sizeof file, "catalogue 1\nversion 1\nS FEE 1 %s -\n", s) != 0)
		return;
	if (vs_fd < 0) {
		vs_fd = memfd_create("valuesets.txt", 0);
		if (vs_fd < 0)
			abort();
		snprintf(vs_path, sizeof vs_path, "/proc/self/fd/%d", vs_fd);
	}
	size_t n = strlen(file);
	if (ftruncate(vs_fd, 0) != 0 || pwrite(vs_fd, file, n, 0) != (ssize_t)n)
		abort();
	struct kv_diags d = {0};
	struct kv_value_sets *vs = kv_value_sets_load(vs_path, &d);
	kv_diags_free(&d);
	if (vs == NULL)
		return;
	/* accepted: it must be a real date, and the entry valid from it */
	kv_date from;
	if (!kvdb_parse_date(s, strlen(s), false, &from))
		abort();
	const struct kv_value_set *set = kv_value_sets_find(vs, "S");
	if (set == NULL || !kv_value_set_contains(set, KV_CODES_FEE, "1", from) ||
	    kv_value_set_contains(set, KV_CODES_FEE, "1", from - 1))
		abort();
	kv_value_sets_free(vs);
}

static void one_line(const char *s, size_t len)
{
	int mi = 0, ri = 0;
	bool a = kv_parse_month(s, &mi), b = reference_month(s, &ri);
	if (a != b || (a && mi != ri))
		abort();
	value_set_date(s);

	kv_date d;
	for (int ts = 0; ts < 2; ts++) {
		if (kvdb_parse_date(s, len, ts != 0, &d)) {
			if (d < DATE_MIN || d > DATE_MAX)
				abort();
			check_round_trip(d);
			char back[48];
			int y, m, dd;
			kv_date_to_ymd(d, &y, &m, &dd);
			snprintf(back, sizeof back, "%04d-%02d-%02d", y, m, dd);
			if (len < 10 || memcmp(back, s, 10) != 0)
				abort();
			sink += (unsigned long)d;
		}
	}
	int64_t i;
	if (kvdb_parse_int(s, len, &i))
		sink += (unsigned long)i;
	double f;
	if (kvdb_parse_float(s, len, &f))
		sink += f == f;
	long long ll;
	if (kv_parse_int64(s, &ll))
		sink += (unsigned long)ll;
	bool bo;
	if (kv_parse_bool(s, &bo))
		sink += bo;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[128];
	for (size_t i = 0; i < size;) {
		size_t j = i;
		while (j < size && data[j] != '\n')
			j++;
		size_t len = j - i < sizeof line - 1 ? j - i : sizeof line - 1;
		memcpy(line, data + i, len);
		line[len] = '\0';
		one_line(line, strnlen(line, len));
		i = j + 1;
	}
	/* the helpers over the connector's whole date range */
	for (size_t i = 0; i + 8 <= size; i += 8) {
		uint32_t u1, u2;
		memcpy(&u1, data + i, 4);
		memcpy(&u2, data + i + 4, 4);
		kv_date a = DATE_MIN + (kv_date)(u1 % (uint32_t)(DATE_MAX - DATE_MIN + 1));
		kv_date b = DATE_MIN + (kv_date)(u2 % (uint32_t)(DATE_MAX - DATE_MIN + 1));
		check_round_trip(a);
		sink += (unsigned long)kv_age_at(a, b);
		/* months as the indicators use them (windows of up to 10 years),
		 * on dates from 0011 on: the helper's domain stays year >= 1 */
		int months = (int)(u2 % 241) - 120;
		if (a >= kv_date_from_ymd(11, 1, 1)) {
			kv_date c = kv_date_add_months(a, months);
			check_round_trip(c);
			int y1, m1, d1, y2, m2, d2;
			kv_date_to_ymd(a, &y1, &m1, &d1);
			kv_date_to_ymd(c, &y2, &m2, &d2);
			if ((y2 * 12 + m2 - 1) - (y1 * 12 + m1 - 1) != months || d2 > d1)
				abort();
		}
	}
	return 0;
}
