/*
 * daemon.h - `kvalind daemon`: the unattended monthly job
 *
 * Runs in the foreground (systemd Type=notify). Each month, from [schedule]
 * day and hour (local time) on, it computes the previous month, exports it
 * into the outbox and pushes the outbox; on first start it backfills from
 * [schedule] backfill_from; after downtime it catches up every missed
 * month, oldest first, in one pass. What is done is kept in
 * STATE_DIR/daemon.state (daemon_state.h), so a restart repeats no export and
 * skips no month; the outbox and the ledger keep a push from happening twice.
 * Ready extracts that could not be sent are retried on their own backoff.
 *
 * A failing connector (database down) is retried with a capped backoff
 * (1 minute doubling to 1 hour), complained about at the 1st, 2nd, 4th, 8th...
 * failure, and "restored" is logged once when it works again. A failing
 * indicator plugin marks only its indicators failed in the extracts.
 *
 * Signals only set flags. SIGHUP: reload the configuration; a fully valid
 * one is swapped in, an invalid one is logged and the old one kept, a
 * changed key that needs a restart (state_dir, user) is logged. SIGTERM or
 * SIGINT: stop at the next patient or between steps (no partial extract:
 * extracts appear whole or not at all) and exit 0; a second one exits at
 * once (the handler is reset after the first).
 *
 * Started as root it switches to [core] user before loading any plugin, or
 * refuses (privdrop.h). One daemon per state directory (a lock on
 * STATE_DIR/daemon.lock, which holds its pid).
 *
 * For tests, $KVALIND_CLOCK_FILE replaces the clock (schedule.h) and
 * $KVALIND_TICK_MS (10..60000, default 1000) sets how often it looks.
 */
#ifndef KVALIND_DAEMON_H
#define KVALIND_DAEMON_H

/* Returns an exit code (enum kv_exit): 0 after a clean stop. */
int kv_daemon_run(const char *config_path);

#endif /* KVALIND_DAEMON_H */
