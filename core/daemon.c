/*
 * daemon.c - the daemon's start, its loop and its steps (see daemon.h)
 */
#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "daemon_state.h"
#include "engine.h"
#include "export_run.h"
#include "local_report.h"
#include "log.h"
#include "notify.h"
#include "outbox.h"
#include "privdrop.h"
#include "push.h"
#include "push_run.h"
#include "results.h"
#include "schedule.h"
#include "setup.h"
#include "util.h"

#define CONNECTOR_BACKOFF_MAX 3600
#define PUSH_CHECK_EVERY 60

static volatile sig_atomic_t stop_flag;
static volatile sig_atomic_t reload_flag;

static void on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void on_reload(int sig)
{
	(void)sig;
	reload_flag = 1;
}

struct daemon {
	const char *config_path;
	struct kv_setup s;
	bool loaded;
	struct kv_push_target *push; /* NULL with transport = none */
	char state_dir[4096], state_file[4200], ledger[4200], lock_path[4200];
	char user[256];
	int lock_fd;
	struct kv_daemon_state st;
	struct kv_schedule sched;
	unsigned failures;     /* consecutive failed export steps */
	time_t retry_at;       /* no export step before this */
	time_t next_push_at;
	unsigned push_failures; /* consecutive push steps stopped by a problem not the extracts' */
	bool push_all;          /* the next push step tries every ready extract (after a reload) */
	char outbox_error[1024]; /* the last outbox error logged, so it is logged once */
	char save_error[1024];   /* the same for daemon.state */
	bool report_held;        /* the pending local report failed: not tried again
				  * until the next monthly run, SIGHUP or a restart */
	long tick_ms;
};

static void month_text(kv_month m, char *buf, size_t size)
{
	kv_month_format(m, buf, size);
}

static void time_text(time_t t, char *buf, size_t size)
{
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M", &tm);
}

static kv_month next_month(const struct daemon *d)
{
	return d->st.has_exported ? d->st.exported_through + 1 : d->sched.backfill_from;
}

/* A state that cannot be saved (a full disk) is said once, not per step. */
static void save_state(struct daemon *d)
{
	char err[1024];
	if (kv_daemon_state_save(d->state_file, &d->st, err, sizeof err) != 0) {
		if (strcmp(err, d->save_error) != 0)
			kv_log(KV_LOG_ERROR, "%s", err);
		kv_strlcpy(d->save_error, err, sizeof d->save_error);
	} else if (d->save_error[0] != '\0') {
		kv_log(KV_LOG_INFO, "restored: %s can be written again", d->state_file);
		d->save_error[0] = '\0';
	}
}

static void notify_status(const struct daemon *d, time_t now)
{
	char month[8], when[32];
	kv_month next = next_month(d);
	month_text(next, month, sizeof month);
	time_t due = kv_schedule_due_time(next, d->sched.day, d->sched.hour);
	time_text(due, when, sizeof when);
	if (d->failures > 0)
		kv_notify_status("%s; retrying %s", d->st.last_run_result, month);
	else if (due <= now)
		kv_notify_status("exporting from %s", month);
	else
		kv_notify_status("waiting: %s is due %s", month, when);
}

/* Open (lock) the outbox for one step. The lock is the outbox's own; a
 * command run by a person holds it briefly, so a busy outbox waits a tick.
 * Any other problem (a directory others can write) is an error, logged
 * once until it changes or goes away. */
static bool open_outbox(struct daemon *d, struct kv_outbox *ob)
{
	char err[1024];
	if (kv_outbox_open(ob, d->state_dir, err, sizeof err) != 0) {
		if (ob->busy) {
			kv_log(KV_LOG_DEBUG, "%s", err);
		} else if (strcmp(err, d->outbox_error) != 0) {
			kv_log(KV_LOG_ERROR, "%s; nothing is exported or pushed until it is fixed",
			       err);
			kv_strlcpy(d->outbox_error, err, sizeof d->outbox_error);
		}
		return false;
	}
	if (d->outbox_error[0] != '\0') {
		kv_log(KV_LOG_INFO, "restored: the outbox can be used again");
		d->outbox_error[0] = '\0';
	}
	return true;
}

static bool report_configured(const struct kv_config *cfg)
{
	const char *dir = kv_core_settings(cfg)->local_report.directory;
	return dir != NULL && dir[0] != '\0';
}

static void export_step(struct daemon *d, kv_month from, kv_month to, time_t now)
{
	struct kv_outbox ob = {.lock_fd = -1};
	struct kv_export_summary sum;
	char err[1024], a[8], b[8];
	if (!open_outbox(d, &ob))
		return;
	month_text(from, a, sizeof a);
	month_text(to, b, sizeof b);
	kv_notify_status("exporting %s..%s", a, b);
	kv_log(KV_LOG_INFO, "computing and exporting %s..%s", a, b);
	int rc = kv_export_months(&d->s, &ob, from, to, false, NULL, &sum, err, sizeof err);
	kv_outbox_close(&ob);
	if (stop_flag) {
		kv_log(KV_LOG_INFO, "stopped during the export of %s..%s; nothing of it is half "
				    "written, and it is done again at the next start",
		       a, b);
		return;
	}
	d->st.last_run = kv_clock_now();
	if (rc == 0 && sum.failed == 0) {
		if (d->failures > 0)
			kv_log(KV_LOG_INFO, "restored: %s..%s exported after %u failed attempt%s", a,
			       b, d->failures, d->failures == 1 ? "" : "s");
		d->failures = 0;
		d->retry_at = 0;
		d->st.has_exported = true;
		d->st.exported_through = to;
		kv_snprintf(d->st.last_run_result, sizeof d->st.last_run_result,
			    "ok: %s..%s exported (%zu added, %zu unchanged)%s", a, b, sum.added,
			    sum.unchanged, sum.plugin_failures[0] ? "; some indicators failed" : "");
		kv_log(KV_LOG_INFO, "%s", d->st.last_run_result);
		d->next_push_at = 0; /* push what was just added */
		if (report_configured(d->s.cfg)) {
			/* the month just computed; written after the push */
			d->st.report_pending = true;
			d->st.report_month = to;
			d->report_held = false;
		}
	} else {
		if (rc == 0)
			kv_snprintf(err, sizeof err, "%zu of %zu months could not be exported",
				    sum.failed, sum.months);
		d->failures++;
		time_t wait = 60;
		for (unsigned i = 1; i < d->failures && wait < CONNECTOR_BACKOFF_MAX; i++)
			wait *= 2;
		if (wait > CONNECTOR_BACKOFF_MAX)
			wait = CONNECTOR_BACKOFF_MAX;
		d->retry_at = now + wait;
		kv_snprintf(d->st.last_run_result, sizeof d->st.last_run_result, "failed: %s", err);
		/* complain at growing intervals: the 1st, 2nd, 4th, 8th... failure */
		if ((d->failures & (d->failures - 1)) == 0)
			kv_log(KV_LOG_ERROR, "could not export %s..%s: %s; retrying in %ld s "
					     "(failure %u)",
			       a, b, err, (long)wait, d->failures);
	}
	save_state(d);
}

static void push_step(struct daemon *d, time_t now)
{
	struct kv_outbox ob = {.lock_fd = -1};
	struct kv_push_summary sum;
	char err[1024];
	if (!open_outbox(d, &ob))
		return;
	bool all = d->push_all;
	int rc = kv_push_outbox(&ob, d->push, d->ledger, all, now, NULL, &sum, err, sizeof err);
	kv_outbox_close(&ob);
	d->next_push_at = now + PUSH_CHECK_EVERY;
	d->push_all = false;
	if (rc != 0) {
		kv_log(KV_LOG_ERROR, "%s", err);
		return;
	}
	if (sum.cancelled) {
		kv_log(KV_LOG_INFO, "push: %s", sum.problem);
		return;
	}
	if (sum.delivered + sum.not_delivered == 0)
		return;
	d->st.last_push = now;
	kv_snprintf(d->st.last_push_result, sizeof d->st.last_push_result,
		    "%zu delivered, %zu not delivered (%zu refused), %zu waiting%s%s",
		    sum.delivered, sum.not_delivered, sum.refused, sum.waiting,
		    sum.last_error[0] ? ": " : "", sum.last_error);
	if (sum.stopped) {
		/* The receiver, the connection or the ledger: the same for every
		 * extract, and every due extract now waits as long (its attempt
		 * noted in the outbox, where `kvalind retry` can clear it). When
		 * the outbox could not note it (a full disk), the daemon keeps the
		 * wait itself: 1 minute doubling to 6 hours. Said at the 1st, 2nd,
		 * 4th, 8th... time in a row. */
		d->push_failures++;
		time_t wait = kv_outbox_backoff(d->push_failures);
		if (sum.notes_failed)
			d->next_push_at = now + wait;
		else if (sum.next_attempt > now)
			wait = sum.next_attempt - now;
		if ((d->push_failures & (d->push_failures - 1)) == 0)
			kv_log(KV_LOG_ERROR,
			       "push: %zu delivered, %zu not delivered: %s; trying again in %ld s "
			       "(failure %u)",
			       sum.delivered, sum.not_delivered, sum.problem, (long)wait,
			       d->push_failures);
	} else {
		if (d->push_failures > 0 && sum.delivered > 0) {
			kv_log(KV_LOG_INFO, "restored: push delivers again after %u failed attempt%s",
			       d->push_failures, d->push_failures == 1 ? "" : "s");
			d->push_failures = 0;
		}
		kv_log(sum.not_delivered ? KV_LOG_WARNING : KV_LOG_INFO, "push: %s",
		       d->st.last_push_result);
	}
	save_state(d);
}

/* The office's own report pages ([local_report], local_report.h) for the
 * month last exported, after its push: the aggregates leave first, and a
 * report that fails leaves them alone. It runs as the daemon's user (the
 * privileges are dropped at the start), so the directory it makes is that
 * user's. A failure is logged with the directory and why (never a patient:
 * the report's errors carry none) and tried again at the next monthly run
 * (for that month), after SIGHUP or at a restart, not at every tick: each
 * try reads the record system for 12 to 24 months. */
static void report_step(struct daemon *d, time_t now)
{
	const struct kv_local_report_settings *lr = &kv_core_settings(d->s.cfg)->local_report;
	char err[2048], m[8];
	size_t pages = 0, holders = 0;
	if (!report_configured(d->s.cfg)) {
		/* unset by a reload: nothing to write */
		d->st.report_pending = false;
		save_state(d);
		return;
	}
	const char *dir = lr->directory;
	month_text(d->st.report_month, m, sizeof m);
	kv_notify_status("writing the local report for %s", m);
	int rc = kv_local_report_run(&d->s, d->st.report_month, (int)lr->months, dir, false,
				     &pages, &holders, err, sizeof err);
	if (stop_flag) {
		kv_log(KV_LOG_INFO, "stopped during the local report for %s; it is written at "
				    "the next start",
		       m);
		return;
	}
	d->st.last_report = kv_clock_now();
	if (rc == 0) {
		d->st.report_pending = false;
		d->report_held = false;
		kv_snprintf(d->st.last_report_result, sizeof d->st.last_report_result,
			    "ok: %s, %zu page%s in %s", m, pages, pages == 1 ? "" : "s", dir);
		kv_log(KV_LOG_INFO, "local report for %s: %zu page%s written to %s", m, pages,
		       pages == 1 ? "" : "s", dir);
	} else {
		d->report_held = true;
		kv_snprintf(d->st.last_report_result, sizeof d->st.last_report_result,
			    "failed: %s: %s", dir, err);
		kv_log(KV_LOG_ERROR, "local report for %s not written to %s: %s; the export and "
				     "push go on; it is tried again at the next monthly run, after "
				     "SIGHUP or at a restart",
		       m, dir, err);
	}
	save_state(d);
	notify_status(d, now);
}

static struct kv_push_target *open_push(const struct kv_config *cfg, struct kv_diags *diags)
{
	const char *transport = kv_core_settings(cfg)->push.transport;
	if (transport == NULL || strcmp(transport, "none") == 0)
		return NULL;
	return kv_push_open(cfg, diags);
}

static bool push_configured(const struct kv_config *cfg)
{
	const char *transport = kv_core_settings(cfg)->push.transport;
	return transport != NULL && strcmp(transport, "none") != 0;
}

static void log_diags(const struct kv_diags *dg, const char *what)
{
	for (size_t i = 0; i < dg->n; i++)
		kv_log(KV_LOG_ERROR, "%s: %s", what, dg->msgs[i]);
}

static void reload(struct daemon *d)
{
	struct kv_setup ns;
	struct kv_diags dg = {0};
	struct kv_push_target *np = NULL;
	char dir[4096];
	kv_notify("RELOADING=1");
	kv_log(KV_LOG_INFO, "SIGHUP: reloading %s", d->config_path);
	memset(&ns, 0, sizeof ns);
	enum kv_exit rc = kv_setup_load(d->config_path, &ns, &dg);
	if (rc == KV_EXIT_OK && dg.n == 0 && push_configured(ns.cfg)) {
		np = open_push(ns.cfg, &dg);
		if (np == NULL && dg.n == 0)
			kv_diags_add(&dg, "[push] could not be set up");
	}
	if (rc != KV_EXIT_OK || dg.n > 0) {
		log_diags(&dg, "configuration not reloaded");
		kv_log(KV_LOG_ERROR, "the new configuration has errors; going on with the old one");
		kv_push_close(np);
		kv_setup_free(&ns);
		goto done;
	}
	const char *user = kv_core_settings(ns.cfg)->core.user;
	if (strcmp(user ? user : "", d->user) != 0)
		kv_log(KV_LOG_WARNING, "[core] user changed; that takes effect after a restart");
	if (kv_cli_state_dir(ns.cfg, dir, sizeof dir) == 0 && strcmp(dir, d->state_dir) != 0)
		kv_log(KV_LOG_WARNING, "[core] state_dir changed; that takes effect after a restart "
				       "(still using %s)",
		       d->state_dir);
	kv_setup_free(&d->s);
	d->s = ns;
	d->s.cancel = &stop_flag;
	kv_push_close(d->push);
	d->push = np;
	if (d->push != NULL)
		kv_push_set_cancel(d->push, &stop_flag);
	kv_schedule_from_config(d->s.cfg, &d->sched);
	d->retry_at = 0; /* a fixed database address is tried at once */
	d->report_held = false; /* and a fixed report directory */
	/* a fixed URL or certificate too: every waiting extract, now */
	d->next_push_at = 0;
	d->push_all = true;
	kv_log(KV_LOG_INFO, "configuration reloaded");
done:
	kv_diags_free(&dg);
	kv_notify("READY=1");
}

/* One daemon per state directory: a lock held for the process's life. */
static int take_lock(struct daemon *d)
{
	d->lock_fd = open(d->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (d->lock_fd < 0) {
		kv_log(KV_LOG_ERROR, "could not open \"%s\": %s", d->lock_path, strerror(errno));
		return -1;
	}
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	if (fcntl(d->lock_fd, F_SETLK, &fl) != 0) {
		struct flock who = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
		long pid = fcntl(d->lock_fd, F_GETLK, &who) == 0 ? (long)who.l_pid : 0;
		kv_log(KV_LOG_ERROR, "another kvalind daemon (pid %ld) is running for \"%s\"", pid,
		       d->state_dir);
		return -1;
	}
	char text[32];
	int n = snprintf(text, sizeof text, "%ld\n", (long)getpid());
	if (ftruncate(d->lock_fd, 0) != 0 || write(d->lock_fd, text, (size_t)n) != n)
		kv_log(KV_LOG_WARNING, "could not write the pid into \"%s\"", d->lock_path);
	return 0;
}

/* Everything before the loop. Returns -1 to go on, else an exit code. */
static int start(struct daemon *d)
{
	struct kv_diags dg = {0};
	char err[1024];
	int rc = KV_EXIT_CONFIG;

	/* 1. who we are, before any plugin is loaded */
	struct kv_config *cfg = kv_config_load(d->config_path, &dg);
	if (cfg == NULL || dg.n > 0) {
		kv_diags_print(&dg, stderr);
		kv_config_free(cfg);
		goto done;
	}
	const char *user = kv_core_settings(cfg)->core.user;
	kv_strlcpy(d->user, user ? user : "", sizeof d->user);
	rc = KV_EXIT_FAILURE;
	if (kv_drop_privileges(user, err, sizeof err) != 0) {
		kv_log(KV_LOG_ERROR, "%s", err);
		kv_config_free(cfg);
		goto done;
	}
	/* 2. the state directory and its lock */
	int bad = kv_cli_state_dir(cfg, d->state_dir, sizeof d->state_dir);
	kv_config_free(cfg);
	if (bad != 0)
		goto done;
	if (mkdir(d->state_dir, 0700) != 0 && errno != EEXIST) {
		kv_log(KV_LOG_ERROR, "could not create the state directory \"%s\": %s",
		       d->state_dir, strerror(errno));
		goto done;
	}
	if (kv_check_state_dir(d->state_dir, true, (uid_t)-1, "state directory", err,
			       sizeof err) != 0) {
		kv_log(KV_LOG_ERROR, "[core] state_dir: %s", err);
		goto done;
	}
	(void)kv_snprintf(d->state_file, sizeof d->state_file, "%s/daemon.state", d->state_dir);
	(void)kv_snprintf(d->ledger, sizeof d->ledger, "%s/ledger", d->state_dir);
	(void)kv_snprintf(d->lock_path, sizeof d->lock_path, "%s/daemon.lock", d->state_dir);
	if (take_lock(d) != 0)
		goto done;
	if (kv_daemon_state_load(d->state_file, &d->st, err, sizeof err) != 0) {
		kv_log(KV_LOG_ERROR, "%s", err);
		goto done;
	}
	/* the outbox's directories are checked (and an old outbox adopted) now,
	 * so that a bad one stops the start rather than every step */
	struct kv_outbox ob = {.lock_fd = -1};
	if (kv_outbox_open(&ob, d->state_dir, err, sizeof err) != 0 && !ob.busy) {
		kv_log(KV_LOG_ERROR, "%s", err);
		goto done;
	}
	kv_outbox_close(&ob);
	/* 3. configuration, plugins, push */
	rc = kv_setup_load(d->config_path, &d->s, &dg);
	d->loaded = true;
	if (rc != KV_EXIT_OK || dg.n > 0) {
		kv_diags_print(&dg, stderr);
		if (rc == KV_EXIT_OK)
			rc = KV_EXIT_CONFIG;
		goto done;
	}
	d->s.cancel = &stop_flag;
	kv_schedule_from_config(d->s.cfg, &d->sched);
	rc = KV_EXIT_CONFIG;
	if (push_configured(d->s.cfg) && (d->push = open_push(d->s.cfg, &dg)) == NULL) {
		kv_diags_print(&dg, stderr);
		goto done;
	}
	if (d->push != NULL)
		kv_push_set_cancel(d->push, &stop_flag); /* SIGTERM ends a send at once */
	/* 4. a first look at the record system */
	if (kv_engine_probe(&d->s, err, sizeof err) != 0) {
		kv_log(KV_LOG_ERROR, "%s; retrying in 60 s", err);
		d->failures = 1;
		d->retry_at = kv_clock_now() + 60;
		kv_snprintf(d->st.last_run_result, sizeof d->st.last_run_result, "failed: %s", err);
	} else {
		kv_log(KV_LOG_INFO, "the record system is reachable");
	}
	rc = -1;
done:
	kv_diags_free(&dg);
	return rc;
}

static void install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	sa.sa_flags = SA_RESETHAND; /* a second SIGTERM ends the process at once */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_reload;
	sa.sa_flags = 0;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static long tick_ms(void)
{
	const char *env = getenv("KVALIND_TICK_MS");
	long ms = env ? strtol(env, NULL, 10) : 1000;
	return ms >= 10 && ms <= 60000 ? ms : 1000;
}

int kv_daemon_run(const char *config_path)
{
	struct daemon d;
	memset(&d, 0, sizeof d);
	d.config_path = config_path;
	d.lock_fd = -1;
	d.tick_ms = tick_ms();
	install_signals();
	int rc = start(&d);
	if (rc >= 0)
		goto done;

	char month[8];
	month_text(next_month(&d), month, sizeof month);
	kv_log(KV_LOG_INFO, "kvalind daemon started (pid %ld); next month to export: %s",
	       (long)getpid(), month);
	kv_notify("READY=1");
	notify_status(&d, kv_clock_now());
	while (!stop_flag) {
		if (reload_flag) {
			reload_flag = 0;
			reload(&d);
		}
		time_t now = kv_clock_now();
		/* The clock was set back: a wait longer than any backoff is one that
		 * was computed from a later time, not a reason to wait a year. */
		if (d.retry_at > now + CONNECTOR_BACKOFF_MAX)
			d.retry_at = now;
		if (d.next_push_at > now + kv_outbox_backoff(UINT_MAX))
			d.next_push_at = now;
		kv_month due = kv_schedule_last_due(now, d.sched.day, d.sched.hour);
		kv_month next = next_month(&d);
		if (next <= due && now >= d.retry_at) {
			export_step(&d, next, due, now);
			notify_status(&d, now);
		}
		if (!stop_flag && d.push != NULL && now >= d.next_push_at)
			push_step(&d, now);
		if (!stop_flag && d.st.report_pending && !d.report_held && d.failures == 0)
			report_step(&d, now);
		if (stop_flag)
			break;
		struct timespec ts = {d.tick_ms / 1000, (d.tick_ms % 1000) * 1000000L};
		nanosleep(&ts, NULL); /* a signal ends it early */
	}
	kv_notify("STOPPING=1");
	kv_log(KV_LOG_INFO, "stopping (signal received)");
	rc = KV_EXIT_OK;
done:
	kv_push_close(d.push);
	if (d.loaded)
		kv_setup_free(&d.s);
	if (d.lock_fd >= 0)
		close(d.lock_fd);
	return rc;
}
