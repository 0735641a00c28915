/*
 * schedule.c - which month is due when, and the one clock the daemon reads
 *
 * The due time of month M is the wall-clock time [schedule] day, hour in
 * the month after M, in the local time zone (TZ or /etc/localtime), made
 * unambiguous where daylight saving time makes it ambiguous:
 *
 *   - a wall time that happens twice (autumn, 02:00-03:00 in Norway) is due
 *     at its first occurrence;
 *   - a wall time that does not happen (spring, 02:00-03:00 in Norway) is
 *     due when the clocks jump past it (03:00 summer time).
 *
 * mktime with tm_isdst = -1 alone picks either occurrence depending on its
 * own history (glibc caches its last offset), so both interpretations are
 * asked for and the rule above chooses. kv_schedule_last_due is defined
 * through kv_schedule_due_time, so the two always agree: month M is the
 * last due month exactly from due_time(M) to due_time(M + 1) - 1.
 *
 * No errors: the inputs are validated by the configuration (day 1..28,
 * hour 0..23); the clock falls back to time(NULL).
 */
#include "schedule.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* Does t show as the wall time want (year, month, day, hour, minute)? */
static bool shows_as(time_t t, const struct tm *want)
{
	struct tm lt;
	if (localtime_r(&t, &lt) == NULL)
		return false;
	return lt.tm_year == want->tm_year && lt.tm_mon == want->tm_mon &&
	       lt.tm_mday == want->tm_mday && lt.tm_hour == want->tm_hour &&
	       lt.tm_min == want->tm_min;
}

time_t kv_schedule_due_time(kv_month m, int day, int hour)
{
	const kv_month next = m + 1;
	struct tm want;
	memset(&want, 0, sizeof want);
	want.tm_year = next / 12 - 1900;
	want.tm_mon = next % 12;
	want.tm_mday = day;
	want.tm_hour = hour;

	/* Every interpretation mktime offers: unknown, standard, summer time. */
	time_t cand[3];
	static const int isdst[3] = {-1, 0, 1};
	for (int i = 0; i < 3; i++) {
		struct tm tm = want;
		tm.tm_isdst = isdst[i];
		cand[i] = mktime(&tm);
	}
	/* The first instant that shows as the wanted wall time... */
	time_t best = (time_t)-1;
	for (int i = 0; i < 3; i++)
		if (cand[i] != (time_t)-1 && shows_as(cand[i], &want) &&
		    (best == (time_t)-1 || cand[i] < best))
			best = cand[i];
	if (best != (time_t)-1)
		return best;
	/* ...or, in a gap, the latest interpretation: reading the wall time
	 * with the offset from before the jump lands exactly on the jump. */
	for (int i = 0; i < 3; i++)
		if (cand[i] != (time_t)-1 && (best == (time_t)-1 || cand[i] > best))
			best = cand[i];
	return best;
}

kv_month kv_schedule_last_due(time_t now, int day, int hour)
{
	tzset(); /* localtime_r need not notice a changed TZ; mktime does */
	struct tm lt;
	if (localtime_r(&now, &lt) == NULL)
		return 0;
	/* The month before this one becomes due during this month. */
	kv_month m = (kv_month)((lt.tm_year + 1900) * 12 + lt.tm_mon) - 1;
	if (now < kv_schedule_due_time(m, day, hour))
		m--;
	return m;
}

time_t kv_clock_now(void)
{
	const char *path = getenv("KVALIND_CLOCK_FILE");
	if (path == NULL || *path == '\0')
		return time(NULL);

	time_t ret = (time_t)-1;
	char buf[64];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		goto done;
	size_t len = 0;
	while (len < sizeof buf - 1) {
		ssize_t n = read(fd, buf + len, sizeof buf - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	long long v;
	if (len < sizeof buf - 1 && kv_parse_int64(kv_trim(buf), &v) && v >= 0 &&
	    (long long)(time_t)v == v)
		ret = (time_t)v;
done:
	if (fd >= 0)
		close(fd);
	return ret != (time_t)-1 ? ret : time(NULL);
}

void kv_schedule_from_config(const struct kv_config *cfg, struct kv_schedule *s)
{
	/* every key has a default and was checked, so each value is there */
	const struct kv_schedule_settings *set = &kv_core_settings(cfg)->schedule;
	const char *from = set->backfill_from;
	int m = 0;
	s->day = (int)set->day;
	s->hour = (int)set->hour;
	s->backfill_from = from && kv_parse_month(from, &m) ? m : 2014 * 12 + 11;
}
