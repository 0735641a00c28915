/*
 * cmd_daemon.c - `kvalind daemon` and `kvalind status`
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "daemon.h"
#include "daemon_state.h"
#include "outbox.h"
#include "results.h"
#include "schedule.h"
#include "setup.h"
#include "util.h"

static const char daemon_help[] =
    "Usage: kvalind daemon [--config FILE]\n"
    "\n"
    "Run unattended, in the foreground (for systemd, Type=notify). Each month on\n"
    "[schedule] day and hour it computes the previous month, exports it into the\n"
    "outbox and pushes the outbox. On first start it backfills from [schedule]\n"
    "backfill_from; after downtime it catches up every missed month. Extracts\n"
    "that could not be sent are retried on their own backoff. State is kept in\n"
    "[core] state_dir/daemon.state. With [local_report] directory set, after each\n"
    "monthly run's push it writes the office's own report pages for the month\n"
    "just computed (as `kvalind report`); a report that fails is logged and\n"
    "tried again at the next monthly run, after SIGHUP or at a restart, and\n"
    "never holds back the export or the push.\n"
    "\n"
    "Signals: SIGHUP reloads the configuration (an invalid one is logged and the\n"
    "old one kept) and tries waiting extracts at once; SIGTERM stops cleanly,\n"
    "within a second even during a push (a second SIGTERM at once). Started as\n"
    "root it switches to [core] user, and refuses to run as root without it. It\n"
    "refuses a state directory that group or others can write, or another user\n"
    "owns.\n"
    "\n"
    "  -c, --config FILE   the configuration\n"
    "\n" KV_EXIT_CODES_HELP;

static const char status_help[] =
    "Usage: kvalind status [--config FILE]\n"
    "\n"
    "Show what the daemon has done and will do: whether it runs, the months\n"
    "exported, the last run and its result, the next run, the months pending,\n"
    "the outbox by state, what keeps ready extracts waiting (the receiver's\n"
    "reply, what to check, the next try), refused and quarantined extracts,\n"
    "the last push's result, and the local report's last writing ([local_report]).\n"
    "Reads only the state directory; works whether the daemon runs or not.\n"
    "\n" KV_EXIT_CODES_HELP;

int kv_cmd_daemon(int argc, char **argv)
{
	const char *config = NULL;
	int rc = kv_cli_common_options(argc, argv, "daemon", daemon_help, &config, NULL, NULL);
	if (rc >= 0)
		return rc;
	return kv_daemon_run(kv_cli_config_path(config));
}

/* The pid of the daemon holding STATE_DIR/daemon.lock, or 0. */
static long running_pid(const char *state_dir)
{
	char path[4200];
	if (kv_snprintf(path, sizeof path, "%s/daemon.lock", state_dir) != 0)
		return 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	struct flock fl = {.l_type = F_RDLCK, .l_whence = SEEK_SET};
	long pid = 0;
	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
		pid = (long)fl.l_pid;
	close(fd);
	return pid;
}

static void when(time_t t, char *buf, size_t size)
{
	if (t == 0) {
		kv_strlcpy(buf, "never", size);
		return;
	}
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M", &tm);
}

int kv_cmd_status(int argc, char **argv)
{
	const char *config = NULL;
	struct kv_diags d = {0};
	struct kv_config *cfg = NULL;
	struct kv_outbox_item *items = NULL;
	char state_dir[4096], path[4200], err[1024], t[32], m1[8], m2[8];
	int rc = kv_cli_common_options(argc, argv, "status", status_help, &config, NULL, NULL);
	if (rc >= 0)
		return rc;
	rc = KV_EXIT_CONFIG;
	cfg = kv_config_load(kv_cli_config_path(config), &d);
	if (cfg == NULL || d.n > 0) {
		kv_diags_print(&d, stderr);
		goto done;
	}
	rc = KV_EXIT_FAILURE;
	if (kv_cli_state_dir(cfg, state_dir, sizeof state_dir) != 0)
		goto done;
	struct kv_daemon_state st;
	(void)kv_snprintf(path, sizeof path, "%s/daemon.state", state_dir);
	if (kv_daemon_state_load(path, &st, err, sizeof err) != 0) {
		fprintf(stderr, "kvalind: error: %s\n", err);
		goto done;
	}
	struct kv_schedule sched;
	kv_schedule_from_config(cfg, &sched);
	kv_month backfill = sched.backfill_from;
	int dd = sched.day, hh = sched.hour;

	printf("kvalind status (%s)\n", state_dir);
	long pid = running_pid(state_dir);
	if (pid > 0)
		printf("  daemon:         running (pid %ld)\n", pid);
	else
		printf("  daemon:         not running\n");
	if (st.has_exported) {
		kv_month_format(backfill, m1, sizeof m1);
		kv_month_format(st.exported_through, m2, sizeof m2);
		printf("  exported:       through %s (from %s)\n", m2, m1);
	} else {
		kv_month_format(backfill, m1, sizeof m1);
		printf("  exported:       nothing yet; the backfill starts at %s\n", m1);
	}
	when(st.last_run, t, sizeof t);
	printf("  last run:       %s%s%s\n", t, st.last_run_result[0] ? ": " : "",
	       st.last_run_result);
	time_t now = kv_clock_now();
	kv_month next = st.has_exported ? st.exported_through + 1 : backfill;
	kv_month due = kv_schedule_last_due(now, dd, hh);
	kv_month_format(next, m1, sizeof m1);
	if (next <= due) {
		kv_month_format(due, m2, sizeof m2);
		printf("  next run:       now: %d month%s due (%s..%s)\n", due - next + 1,
		       due - next + 1 == 1 ? "" : "s", m1, m2);
		printf("  months pending: %d\n", due - next + 1);
	} else {
		when(kv_schedule_due_time(next, dd, hh), t, sizeof t);
		printf("  next run:       %s (for %s)\n", t, m1);
		printf("  months pending: 0\n");
	}
	struct kv_outbox ob = {.lock_fd = -1};
	size_t n = 0, count[KV_OUTBOX_N_STATES] = {0};
	(void)kv_snprintf(ob.dir, sizeof ob.dir, "%s/outbox", state_dir);
	if (access(ob.dir, F_OK) == 0) {
		if (kv_outbox_list(&ob, -1, &items, &n, err, sizeof err) != 0) {
			fprintf(stderr, "kvalind: error: %s\n", err);
			goto done;
		}
		for (size_t i = 0; i < n; i++)
			count[items[i].state]++;
	}
	size_t nq = 0;
	struct kv_outbox_item *quarantined = NULL;
	if (access(ob.dir, F_OK) == 0 &&
	    kv_outbox_list_quarantine(&ob, &quarantined, &nq, err, sizeof err) != 0)
		nq = 0;
	free(quarantined);
	printf("  outbox:         %zu pending, %zu ready, %zu sent, %zu rejected, %zu refused",
	       count[KV_OUTBOX_PENDING], count[KV_OUTBOX_READY], count[KV_OUTBOX_SENT],
	       count[KV_OUTBOX_REJECTED], count[KV_OUTBOX_REFUSED]);
	if (nq > 0)
		printf(", %zu quarantined", nq);
	printf("\n");
	/* what keeps ready extracts waiting: the oldest one's reason */
	const struct kv_outbox_item *first = NULL;
	size_t waiting = 0;
	time_t next_try = 0;
	for (size_t i = 0; i < n; i++) {
		const struct kv_outbox_item *it = &items[i];
		if (it->state != KV_OUTBOX_READY || it->attempts == 0)
			continue;
		waiting++;
		if (first == NULL)
			first = it;
		if (next_try == 0 || it->next_attempt < next_try)
			next_try = it->next_attempt;
	}
	if (first != NULL) {
		when(next_try, t, sizeof t);
		printf("  waiting:        %zu ready extract%s not sent yet: %s; next try %s\n",
		       waiting, waiting == 1 ? "" : "s", first->last_error, t);
	}
	if (count[KV_OUTBOX_REFUSED] > 0)
		printf("  refused:        %zu extract%s refused by the receiver as invalid "
		       "('kvalind outbox' shows why; 'kvalind retry --all' sends them again)\n",
		       count[KV_OUTBOX_REFUSED], count[KV_OUTBOX_REFUSED] == 1 ? "" : "s");
	if (nq > 0)
		printf("  quarantined:    %zu found in the outbox that kvalind did not export as "
		       "they are; never sent ('kvalind outbox' lists them)\n",
		       nq);
	when(st.last_push, t, sizeof t);
	printf("  last push:      %s%s%s\n", t, st.last_push_result[0] ? ": " : "",
	       st.last_push_result);
	const char *report_dir = kv_core_settings(cfg)->local_report.directory;
	if ((report_dir != NULL && report_dir[0] != '\0') || st.last_report != 0) {
		when(st.last_report, t, sizeof t);
		printf("  local report:   %s%s%s", t, st.last_report_result[0] ? ": " : "",
		       st.last_report_result);
		if (st.report_pending) {
			kv_month_format(st.report_month, m1, sizeof m1);
			printf(" (the report of %s is still to be written)", m1);
		}
		printf("\n");
	}
	/* a state directory the daemon would refuse */
	const char *user = kv_core_settings(cfg)->core.user;
	uid_t daemon_uid = (uid_t)-1;
	struct passwd pw, *found = NULL;
	char pwbuf[4096];
	if (user != NULL && *user != '\0' &&
	    getpwnam_r(user, &pw, pwbuf, sizeof pwbuf, &found) == 0 && found != NULL)
		daemon_uid = found->pw_uid;
	if (access(state_dir, F_OK) == 0 &&
	    kv_check_state_dir(state_dir, true, daemon_uid, "state directory", err, sizeof err) != 0)
		printf("  warning:        %s\n", err);
	rc = KV_EXIT_OK;
done:
	free(items);
	kv_config_free(cfg);
	kv_diags_free(&d);
	return rc;
}
