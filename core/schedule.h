/*
 * schedule.h - when the daemon computes which month
 *
 * Month M (an index: year * 12 + month - 1) is due at [schedule] day and
 * hour (local time) of the month after M: with day = 5 and hour = 2, April
 * 2023 is due from 2023-05-05 02:00. Pure functions of the time they are
 * given (and of TZ); kv_clock_now is the only place the daemon reads the
 * clock.
 *
 * Daylight saving time: a due hour that happens twice (autumn) is due at
 * its first occurrence; one that is skipped (spring) is due when the clocks
 * jump past it. The two functions always agree: kv_schedule_last_due(t) is
 * M exactly for kv_schedule_due_time(M) <= t < kv_schedule_due_time(M + 1).
 */
#ifndef KVALIND_SCHEDULE_H
#define KVALIND_SCHEDULE_H

#include <time.h>

#include "config.h"
#include "kvalind/kv_events.h"

/* [schedule] of a configuration (values checked when it was loaded). */
struct kv_schedule {
	int day, hour;
	kv_month backfill_from;
};
void kv_schedule_from_config(const struct kv_config *cfg, struct kv_schedule *s);

/* The latest month that is due at now. */
kv_month kv_schedule_last_due(time_t now, int day, int hour);

/* When month m becomes due. */
time_t kv_schedule_due_time(kv_month m, int day, int hour);

/*
 * The time now: time(NULL), or - for tests of the schedule - the number of
 * seconds since the epoch written in the file named by $KVALIND_CLOCK_FILE,
 * re-read at every call (a test moves time by rewriting the file). A file
 * that cannot be read or parsed falls back to time(NULL).
 */
time_t kv_clock_now(void);

#endif /* KVALIND_SCHEDULE_H */
