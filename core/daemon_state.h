/*
 * daemon_state.h - what the daemon has done, kept across restarts
 *
 * STATE_DIR/daemon.state, "key=value" lines, written atomically (temporary
 * file, fsync, rename, directory fsync) after every step, so a restart
 * repeats no export and skips no month:
 *
 *   version=1
 *   exported_through=2023-04     months up to this one are exported
 *                                (absent: none yet; backfill starts at
 *                                [schedule] backfill_from)
 *   last_run=EPOCH               when the last compute/export step ended
 *   last_run_result=TEXT         "ok: 2023-04 exported" / the error
 *   last_push=EPOCH              when the outbox was last pushed
 *   last_push_result=TEXT        "3 delivered, 0 waiting" / the error
 *   last_report=EPOCH            when the local report ([local_report]) was
 *                                last tried (absent: never)
 *   last_report_result=TEXT      "ok: 2023-04, 4 pages in DIR" / the error
 *   report_pending=2023-04       the local report of this month is still to
 *                                be written (absent: none)
 *
 * The last three are written only when set, so a state without a local
 * report reads the same in an older kvalind (which skips unknown keys).
 * Unknown keys are ignored (a newer version may add some); a malformed line
 * (no '=', a key other than [a-z0-9_]+, a bad value, a known key twice) is
 * an error naming the file and line, and so is a file without version=.
 * Empty lines and '#' lines are skipped. TEXT is one line, control
 * characters replaced by spaces, at most 500 bytes (cut on a UTF-8
 * character boundary). On error *st is left untouched.
 *
 * Errors: -1 with err naming the file (and line).
 */
#ifndef KVALIND_DAEMON_STATE_H
#define KVALIND_DAEMON_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "kvalind/kv_events.h"

struct kv_daemon_state {
	bool has_exported;
	kv_month exported_through;
	time_t last_run;
	char last_run_result[512];
	time_t last_push;
	char last_push_result[512];
	time_t last_report;
	char last_report_result[512];
	bool report_pending;
	kv_month report_month; /* with report_pending */
};

/* A missing file is a fresh state (all zero), not an error. */
int kv_daemon_state_load(const char *path, struct kv_daemon_state *st, char *err,
			 size_t errlen);
int kv_daemon_state_save(const char *path, const struct kv_daemon_state *st, char *err,
			 size_t errlen);

#endif /* KVALIND_DAEMON_STATE_H */
