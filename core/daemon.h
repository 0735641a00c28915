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
 * A push that stops on a problem that is not the extracts' (push_run.h: the
 * receiver unreachable or refusing us, the ledger not writable) leaves
 * every due extract waiting (1 minute doubling to 6 hours, noted in the
 * outbox, where `kvalind retry` clears it; kept by the daemon itself when a
 * full disk keeps the outbox from noting it), is logged at the 1st, 2nd,
 * 4th, 8th... such push in a row, and "restored" once when one delivers.
 *
 * A failing connector (database down) is retried with a capped backoff
 * (1 minute doubling to 1 hour), complained about at the 1st, 2nd, 4th, 8th...
 * failure, and "restored" is logged once when it works again. A failing
 * indicator plugin marks only its indicators failed in the extracts.
 *
 * Signals only set flags. SIGHUP: reload the configuration; a fully valid
 * one is swapped in, an invalid one is logged and the old one kept, a
 * changed key that needs a restart (state_dir, user) is logged; the next
 * push tries every waiting extract. SIGTERM or SIGINT: stop at the next
 * patient, between steps, or within about 200 ms of a push in progress (the
 * push target watches the same flag; the extract stays ready), with no
 * partial extract (extracts appear whole or not at all), and exit 0; a
 * second one exits at once (the handler is reset after the first).
 *
 * The state directory and the outbox's directories are checked at the start
 * (owner, mode: util.h kv_check_state_dir); a bad one stops it.
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
