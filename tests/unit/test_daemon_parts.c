/*
 * test_daemon_parts.c - the daemon's building blocks, each on its own:
 *
 *   notify        the exact sd_notify datagrams reach a real AF_UNIX socket
 *                 (a path and an abstract '@' name); no socket, no send;
 *                 a socket that is not there is an error
 *   privdrop      as root (in a fork()ed child, never in the test process):
 *                 the drop to "nobody" sticks - uid, gid, no group 0, no
 *                 setuid(0); refusals (no user, unknown user, root) change
 *                 nothing; as that user, a mismatching [core] user is named
 *   schedule      Europe/Oslo: the due moment, month and year ends, both DST
 *                 changes (a skipped and a repeated hour), agreement of
 *                 last_due and due_time over years; the test clock file
 *   daemon_state  fresh, round trip, the written format, unknown keys,
 *                 the local report's keys (written only when set),
 *                 malformed lines named by file:line, atomic 0600 saves
 *
 * Every test restores the environment variables it changes (the suite also
 * runs with CK_FORK=no under valgrind, in one process).
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daemon_state.h"
#include "notify.h"
#include "privdrop.h"
#include "schedule.h"
#include "testutil.h"

/* ---- environment ------------------------------------------------------ */

struct saved_env {
	const char *name;
	char *value; /* NULL: was unset */
};

static struct saved_env env_save(const char *name)
{
	const char *v = getenv(name);
	struct saved_env s = {name, v ? strdup(v) : NULL};
	return s;
}

static void env_restore(struct saved_env *s)
{
	if (s->value != NULL)
		setenv(s->name, s->value, 1);
	else
		unsetenv(s->name);
	free(s->value);
	s->value = NULL;
}

static char *dir;

/* ---- notify ----------------------------------------------------------- */

static struct saved_env saved_notify;
static int rx = -1; /* the test's receiving socket */

static void notify_setup(void)
{
	dir = tu_mkdtemp();
	saved_notify = env_save("NOTIFY_SOCKET");
	rx = -1;
}

static void notify_teardown(void)
{
	env_restore(&saved_notify);
	if (rx >= 0)
		close(rx);
	rx = -1;
	tu_rmtree(dir);
	free(dir);
	dir = NULL;
}

/* Bind the receiving socket to name ("/path" or "@abstract"). */
static void bind_receiver(const char *name)
{
	struct sockaddr_un a;
	memset(&a, 0, sizeof a);
	a.sun_family = AF_UNIX;
	size_t n = strlen(name);
	ck_assert_uint_lt(n, sizeof a.sun_path);
	memcpy(a.sun_path, name, n);
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	if (name[0] == '@')
		a.sun_path[0] = '\0';
	else
		len++;
	rx = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(rx, 0);
	ck_assert_msg(bind(rx, (struct sockaddr *)&a, len) == 0, "bind %s: %s", name,
		      strerror(errno));
}

/* The next datagram, exactly (NUL-terminated in buf); -1 when none waits. */
static ssize_t receive(char *buf, size_t size)
{
	ssize_t n = recv(rx, buf, size - 1, MSG_DONTWAIT);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

#define ASSERT_RECEIVED(expected)                                                      \
	do {                                                                           \
		char got_[2048];                                                       \
		ssize_t n_ = receive(got_, sizeof got_);                               \
		ck_assert_msg(n_ >= 0, "no datagram: %s", strerror(errno));            \
		ck_assert_int_eq(n_, (ssize_t)strlen(expected));                       \
		ck_assert_str_eq(got_, expected);                                      \
	} while (0)

START_TEST(notify_without_socket_sends_nothing)
{
	bind_receiver(tu_path(dir, "notify"));
	unsetenv("NOTIFY_SOCKET");
	ck_assert_int_eq(kv_notify("READY=1"), 0);
	ck_assert_int_eq(kv_notify_status("idle"), 0);
	setenv("NOTIFY_SOCKET", "", 1);
	ck_assert_int_eq(kv_notify("READY=1"), 0);
	char buf[64];
	ck_assert_int_eq(receive(buf, sizeof buf), -1);
	ck_assert(errno == EAGAIN || errno == EWOULDBLOCK);
}
END_TEST

START_TEST(notify_sends_exact_datagrams_to_a_path)
{
	const char *path = tu_path(dir, "notify");
	bind_receiver(path);
	setenv("NOTIFY_SOCKET", path, 1);

	ck_assert_int_eq(kv_notify("READY=1"), 0);
	ASSERT_RECEIVED("READY=1");
	ck_assert_int_eq(kv_notify("READY=1\nSTATUS=waiting for 2023-05"), 0);
	ASSERT_RECEIVED("READY=1\nSTATUS=waiting for 2023-05");
	ck_assert_int_eq(kv_notify_status("last run %s: %d exported", "2023-04", 3), 0);
	ASSERT_RECEIVED("STATUS=last run 2023-04: 3 exported");
	/* A status is one line: a newline in a value cannot add READY=1. */
	ck_assert_int_eq(kv_notify_status("failed: %s", "db down\nREADY=1"), 0);
	ASSERT_RECEIVED("STATUS=failed: db down READY=1");
	ck_assert_int_eq(kv_notify("STOPPING=1"), 0);
	ASSERT_RECEIVED("STOPPING=1");
	char buf[64];
	ck_assert_int_eq(receive(buf, sizeof buf), -1); /* one datagram per call */
}
END_TEST

START_TEST(notify_sends_to_an_abstract_name)
{
	char name[64];
	snprintf(name, sizeof name, "@kvalind-test.%ld.%ld", (long)getpid(), (long)time(NULL));
	bind_receiver(name);
	setenv("NOTIFY_SOCKET", name, 1);
	ck_assert_int_eq(kv_notify("READY=1"), 0);
	ASSERT_RECEIVED("READY=1");
	ck_assert_int_eq(kv_notify_status("next run %s", "2023-06-05 02:00"), 0);
	ASSERT_RECEIVED("STATUS=next run 2023-06-05 02:00");
}
END_TEST

START_TEST(notify_to_a_missing_socket_fails)
{
	setenv("NOTIFY_SOCKET", tu_path(dir, "no-such-socket"), 1);
	errno = 0;
	ck_assert_int_eq(kv_notify("READY=1"), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(kv_notify_status("x"), -1);

	/* Neither a path nor an abstract name, or too long for sun_path. */
	setenv("NOTIFY_SOCKET", "relative/notify", 1);
	ck_assert_int_eq(kv_notify("READY=1"), -1);
	ck_assert_int_eq(errno, EINVAL);
	char longname[200];
	memset(longname, 'x', sizeof longname - 1);
	longname[0] = '/';
	longname[sizeof longname - 1] = '\0';
	setenv("NOTIFY_SOCKET", longname, 1);
	ck_assert_int_eq(kv_notify("READY=1"), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* ---- privdrop --------------------------------------------------------- */

/* What a child found: its report (empty when all was well) and status. */
struct child_report {
	int status;
	char text[1024];
};

/*
 * Run fn in a fork()ed child, so the test process keeps its ids whatever
 * happens (CK_FORK=no runs every test in one process). fn writes what went
 * wrong into msg and returns nonzero, or returns 0.
 */
static void in_child(int (*fn)(const void *arg, char *msg, size_t msglen), const void *arg,
		     struct child_report *r)
{
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		char msg[1024] = "";
		int rc = fn(arg, msg, sizeof msg);
		size_t len = strlen(msg);
		if (write(fds[1], msg, len) != (ssize_t)len)
			rc = 3;
		close(fds[1]);
		_exit(rc == 0 ? 0 : 2);
	}
	close(fds[1]);
	size_t got = 0;
	ssize_t n;
	while ((n = read(fds[0], r->text + got, sizeof r->text - 1 - got)) > 0)
		got += (size_t)n;
	r->text[got] = '\0';
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &r->status, 0), pid);
}

/* Report from a child: the message into msg; returns 1 (failed). */
static int child_fail(char *msg, size_t msglen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int child_fail(char *msg, size_t msglen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, msglen, fmt, ap);
	va_end(ap);
	return 1;
}

static int has_group(gid_t g)
{
	gid_t groups[256];
	int n = getgroups((int)(sizeof groups / sizeof groups[0]), groups);
	for (int i = 0; i < n; i++)
		if (groups[i] == g)
			return 1;
	return n < 0 ? -1 : 0;
}

/* Child: drop to nobody and check every way back to root is closed; then,
 * as nobody, the not-root rules. */
static int drop_to_nobody(const void *arg, char *msg, size_t msglen)
{
	const struct passwd *nobody = arg;
	char err[512] = "";
	/* Root's supplementary groups may be empty: give it group 0 and
	 * another, so their removal is seen. */
	static const gid_t root_groups[] = {0, 4};
	if (setgroups(2, root_groups) != 0 || has_group(0) != 1)
		return child_fail(msg, msglen, "setgroups as root: %s", strerror(errno));
	if (kv_drop_privileges("nobody", err, sizeof err) != 0)
		return child_fail(msg, msglen, "drop failed: %s", err);
	if (getuid() != nobody->pw_uid || geteuid() != nobody->pw_uid)
		return child_fail(msg, msglen, "uid %ld/%ld, expected %ld", (long)getuid(),
				(long)geteuid(), (long)nobody->pw_uid);
	if (getgid() != nobody->pw_gid || getegid() != nobody->pw_gid)
		return child_fail(msg, msglen, "gid %ld/%ld, expected %ld", (long)getgid(),
				(long)getegid(), (long)nobody->pw_gid);
	if (setuid(0) != -1 || errno != EPERM)
		return child_fail(msg, msglen, "setuid(0) did not fail with EPERM");
	if (seteuid(0) != -1 || setgid(0) != -1)
		return child_fail(msg, msglen, "seteuid(0) or setgid(0) succeeded");
	if (has_group(0) != 0 || has_group(4) != 0)
		return child_fail(msg, msglen, "root's supplementary groups are still there");

	/* Now not root: no user, or the same user, is fine... */
	if (kv_drop_privileges(NULL, err, sizeof err) != 0)
		return child_fail(msg, msglen, "as nobody without user: %s", err);
	if (kv_drop_privileges("nobody", err, sizeof err) != 0)
		return child_fail(msg, msglen, "as nobody with user nobody: %s", err);
	/* ...another user is named, with who we are. */
	err[0] = '\0';
	if (kv_drop_privileges("root", err, sizeof err) != -1 ||
	    strstr(err, "configured to run as \"root\"") == NULL ||
	    strstr(err, "started as nobody") == NULL)
		return child_fail(msg, msglen, "as nobody with user root: \"%s\"", err);
	if (kv_drop_privileges("kvalind-no-such-user", err, sizeof err) != -1 ||
	    strstr(err, "kvalind-no-such-user") == NULL || strstr(err, "nobody") == NULL)
		return child_fail(msg, msglen, "as nobody with an unknown user: \"%s\"", err);
	return 0;
}

struct refusal {
	const char *user;
	const char *expect[3]; /* substrings of the message */
};

/* Child: kv_drop_privileges(user) must fail with a message and leave the
 * process root. */
static int must_refuse(const void *arg, char *msg, size_t msglen)
{
	const struct refusal *r = arg;
	char err[512] = "";
	if (kv_drop_privileges(r->user, err, sizeof err) != -1)
		return child_fail(msg, msglen, "user %s: not refused", r->user ? r->user : "(none)");
	for (int i = 0; i < 3 && r->expect[i] != NULL; i++)
		if (strstr(err, r->expect[i]) == NULL)
			return child_fail(msg, msglen, "message \"%s\" lacks \"%s\"", err,
					r->expect[i]);
	if (getuid() != 0 || geteuid() != 0 || getgid() != 0 || getegid() != 0)
		return child_fail(msg, msglen, "a refusal changed the ids");
	return 0;
}

static void assert_child_ok(const struct child_report *r)
{
	ck_assert_msg(WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0,
		      "child (status %d): %s", r->status, r->text);
	ck_assert_msg(r->text[0] == '\0', "child: %s", r->text);
}

/* Not root: the test is skipped, but in CI (CI=true) a skip is a failure. */
static int skip_unless_root(const char *test)
{
	if (geteuid() == 0)
		return 0;
	const char *ci = getenv("CI");
	ck_assert_msg(ci == NULL || (strcmp(ci, "true") != 0 && strcmp(ci, "1") != 0 &&
				     strcmp(ci, "yes") != 0),
		      "%s: needs root, and CI=true, where a skipped test is a failure", test);
	printf("note: %s skipped: needs root (it runs as root in CI)\n", test);
	return 1;
}

START_TEST(root_drops_to_nobody_for_good)
{
	if (skip_unless_root("privdrop: drop to nobody"))
		return;
	struct passwd *pw = getpwnam("nobody");
	ck_assert_msg(pw != NULL, "no user nobody on this system");
	ck_assert_int_ne(pw->pw_uid, 0);
	struct passwd nobody = *pw; /* the uid and gid are what the child needs */
	struct child_report r;
	in_child(drop_to_nobody, &nobody, &r);
	assert_child_ok(&r);
	ck_assert_int_eq(geteuid(), 0); /* the test process is untouched */
}
END_TEST

START_TEST(root_refuses_without_a_usable_user)
{
	if (skip_unless_root("privdrop: refusals as root"))
		return;
	static const struct refusal cases[] = {
	    {NULL, {"started as root without [core] user", "does not run as root", NULL}},
	    {"", {"started as root without [core] user", NULL, NULL}},
	    {"kvalind-no-such-user", {"\"kvalind-no-such-user\" does not exist", NULL, NULL}},
	    {"root", {"\"root\" is root (uid 0)", NULL, NULL}},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct child_report r;
		in_child(must_refuse, &cases[i], &r);
		assert_child_ok(&r);
	}
}
END_TEST

/* Run by an unprivileged user (a developer's machine): the not-root rules
 * in the test process itself, which changes nothing when not root. */
START_TEST(not_root_stays_and_names_a_mismatch)
{
	if (geteuid() == 0) {
		/* covered as nobody inside root_drops_to_nobody_for_good */
		return;
	}
	char err[512] = "";
	ck_assert_msg(kv_drop_privileges(NULL, err, sizeof err) == 0, "%s", err);
	struct passwd *me = getpwuid(geteuid());
	if (me != NULL) {
		char name[256];
		snprintf(name, sizeof name, "%s", me->pw_name);
		ck_assert_msg(kv_drop_privileges(name, err, sizeof err) == 0, "%s", err);
	}
	ck_assert_int_eq(kv_drop_privileges("root", err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "configured to run as \"root\""));
	ck_assert_ptr_nonnull(strstr(err, "but started as"));
}
END_TEST

/* ---- schedule --------------------------------------------------------- */

static struct saved_env saved_tz, saved_clock;

static void schedule_setup(void)
{
	dir = tu_mkdtemp();
	saved_tz = env_save("TZ");
	saved_clock = env_save("KVALIND_CLOCK_FILE");
	struct stat st;
	ck_assert_msg(stat("/usr/share/zoneinfo/Europe/Oslo", &st) == 0,
		      "tzdata is not installed (no Europe/Oslo)");
	setenv("TZ", "Europe/Oslo", 1);
	tzset();
}

static void schedule_teardown(void)
{
	env_restore(&saved_tz);
	env_restore(&saved_clock);
	tzset();
	tu_rmtree(dir);
	free(dir);
	dir = NULL;
}

/* UTC y-m-d H:M:S as epoch seconds, without mktime. */
static time_t utc(int y, int m, int d, int hh, int mm, int ss)
{
	return (time_t)kv_date_from_ymd(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
}

#define MONTH(y, m) ((kv_month)((y) * 12 + (m) - 1))

/* due_time(m) is exactly t, and last_due switches from m - 1 to m at t. */
#define ASSERT_DUE(m, day, hour, t)                                                    \
	do {                                                                           \
		ck_assert_int_eq((long long)kv_schedule_due_time(m, day, hour),        \
				 (long long)(t));                                      \
		ck_assert_int_eq(kv_schedule_last_due((t) - 1, day, hour), (m) - 1);    \
		ck_assert_int_eq(kv_schedule_last_due(t, day, hour), m);              \
	} while (0)

START_TEST(schedule_due_moment_in_oslo)
{
	/* 2023-05-05 01:59 CEST is 2023-05-04 23:59 UTC. */
	ck_assert_int_eq(kv_schedule_last_due(utc(2023, 5, 4, 23, 59, 0), 5, 2), MONTH(2023, 3));
	ck_assert_int_eq(kv_schedule_last_due(utc(2023, 5, 4, 23, 59, 59), 5, 2),
			 MONTH(2023, 3));
	ck_assert_int_eq(kv_schedule_last_due(utc(2023, 5, 5, 0, 0, 0), 5, 2), MONTH(2023, 4));
	ASSERT_DUE(MONTH(2023, 4), 5, 2, utc(2023, 5, 5, 0, 0, 0));
	/* Any time later in May, and up to the due moment in June. */
	ck_assert_int_eq(kv_schedule_last_due(utc(2023, 5, 31, 23, 0, 0), 5, 2), MONTH(2023, 4));
	ck_assert_int_eq(kv_schedule_last_due(utc(2023, 6, 4, 23, 59, 59), 5, 2),
			 MONTH(2023, 4));
	/* Winter time: 02:00 CET is 01:00 UTC. */
	ASSERT_DUE(MONTH(2023, 1), 5, 2, utc(2023, 2, 5, 1, 0, 0));
	/* Midnight and the last hour of the day. */
	ASSERT_DUE(MONTH(2023, 6), 1, 0, utc(2023, 6, 30, 22, 0, 0));
	ASSERT_DUE(MONTH(2023, 11), 28, 23, utc(2023, 12, 28, 22, 0, 0));
}
END_TEST

START_TEST(schedule_across_year_end)
{
	ASSERT_DUE(MONTH(2023, 12), 5, 2, utc(2024, 1, 5, 1, 0, 0));
	/* New Year's Day: December is not due yet, November is the last. */
	ck_assert_int_eq(kv_schedule_last_due(utc(2024, 1, 1, 12, 0, 0), 5, 2), MONTH(2023, 11));
	ck_assert_int_eq(kv_schedule_last_due(utc(2023, 12, 31, 23, 30, 0), 5, 2),
			 MONTH(2023, 11));
	ASSERT_DUE(MONTH(2024, 1), 5, 2, utc(2024, 2, 5, 1, 0, 0));
}
END_TEST

START_TEST(schedule_across_daylight_saving_changes)
{
	/* Due days on either side of 2023-03-26 and 2023-10-29: the UTC hour
	 * follows the offset. */
	ASSERT_DUE(MONTH(2023, 2), 5, 2, utc(2023, 3, 5, 1, 0, 0));   /* CET */
	ASSERT_DUE(MONTH(2023, 3), 5, 2, utc(2023, 4, 5, 0, 0, 0));   /* CEST */
	ASSERT_DUE(MONTH(2023, 9), 5, 2, utc(2023, 10, 5, 0, 0, 0));  /* CEST */
	ASSERT_DUE(MONTH(2023, 10), 5, 2, utc(2023, 11, 5, 1, 0, 0)); /* CET */
	/* The change nights themselves do not move the last due month. */
	for (int s = -7200; s <= 7200; s += 900) {
		ck_assert_int_eq(kv_schedule_last_due(utc(2023, 3, 26, 1, 0, 0) + s, 5, 2),
				 MONTH(2023, 2));
		ck_assert_int_eq(kv_schedule_last_due(utc(2023, 10, 29, 1, 0, 0) + s, 5, 2),
				 MONTH(2023, 9));
	}

	/* A due hour that is skipped: 2023-03-26 02:00 never shows on a
	 * Norwegian clock; due when the clocks jump (01:00 UTC, 03:00 CEST). */
	ASSERT_DUE(MONTH(2023, 2), 26, 2, utc(2023, 3, 26, 1, 0, 0));

	/* A due hour that happens twice: its first occurrence (02:00 CEST, 00:00
	 * UTC), whatever mktime was asked before (glibc guesses from its last
	 * result). 2023-10-29 is day 29, outside the configurable 1..28, so
	 * also 2026-10-25, the same night three years on. */
	for (int prime = 0; prime < 3; prime++) {
		struct tm tm = {.tm_year = 2026 - 1900,
				.tm_mon = prime == 1 ? 0 : 6,
				.tm_mday = 1,
				.tm_hour = 12,
				.tm_isdst = -1};
		if (prime > 0)
			(void)mktime(&tm); /* leave winter or summer time in the cache */
		ASSERT_DUE(MONTH(2026, 9), 25, 2, utc(2026, 10, 25, 0, 0, 0));
		ASSERT_DUE(MONTH(2023, 9), 29, 2, utc(2023, 10, 29, 0, 0, 0));
	}
	/* The second 02:30 (CET, 01:30 UTC) is after the due moment too. */
	ck_assert_int_eq(kv_schedule_last_due(utc(2026, 10, 25, 1, 30, 0), 25, 2),
			 MONTH(2026, 9));
}
END_TEST

START_TEST(schedule_last_due_and_due_time_agree_over_years)
{
	static const int when[][2] = {{5, 2}, {26, 2}, {25, 2}, {1, 0}, {28, 23}, {15, 3}};
	for (size_t w = 0; w < sizeof when / sizeof when[0]; w++) {
		int day = when[w][0], hour = when[w][1];
		time_t prev = 0;
		for (kv_month m = MONTH(2014, 12); m <= MONTH(2031, 12); m++) {
			time_t t = kv_schedule_due_time(m, day, hour);
			ck_assert_msg(t > prev, "due times not increasing at month %d", (int)m);
			ck_assert_int_eq(kv_schedule_last_due(t, day, hour), m);
			ck_assert_int_eq(kv_schedule_last_due(t - 1, day, hour), m - 1);
			/* The due moment is in the month after m, on the day. */
			struct tm lt;
			ck_assert_ptr_nonnull(localtime_r(&t, &lt));
			ck_assert_int_eq((lt.tm_year + 1900) * 12 + lt.tm_mon, m + 1);
			ck_assert_int_eq(lt.tm_mday, day);
			prev = t;
		}
	}
}
END_TEST

START_TEST(clock_reads_the_test_clock_file_each_call)
{
	unsetenv("KVALIND_CLOCK_FILE");
	time_t now = time(NULL);
	ck_assert_int_le(llabs((long long)(kv_clock_now() - now)), 5);

	const char *clock = tu_path(dir, "clock");
	tu_write_file(clock, "1700000000\n", 0644);
	setenv("KVALIND_CLOCK_FILE", clock, 1);
	ck_assert_int_eq((long long)kv_clock_now(), 1700000000LL);
	ck_assert_int_eq((long long)kv_clock_now(), 1700000000LL);
	tu_write_file(clock, "1700086400", 0644); /* one day on, no newline */
	ck_assert_int_eq((long long)kv_clock_now(), 1700086400LL);

	/* Garbage, negative, empty, missing, not a file: the real clock. */
	static const char *const bad[] = {"soon\n", "-5\n", "", "17000x\n", "1e9\n"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		tu_write_file(clock, bad[i], 0644);
		ck_assert_msg(llabs((long long)(kv_clock_now() - time(NULL))) <= 5,
			      "\"%s\" was not refused", bad[i]);
	}
	setenv("KVALIND_CLOCK_FILE", tu_path(dir, "no-such-clock"), 1);
	ck_assert_int_le(llabs((long long)(kv_clock_now() - time(NULL))), 5);
	setenv("KVALIND_CLOCK_FILE", dir, 1);
	ck_assert_int_le(llabs((long long)(kv_clock_now() - time(NULL))), 5);
}
END_TEST

/* ---- daemon_state ----------------------------------------------------- */

static char state_path[4096];

static void state_setup(void)
{
	dir = tu_mkdtemp();
	snprintf(state_path, sizeof state_path, "%s/daemon.state", dir);
}

static void state_teardown(void)
{
	tu_rmtree(dir);
	free(dir);
	dir = NULL;
}

/* The names in dir, sorted by readdir order, joined by spaces. */
static void list_dir(char *buf, size_t size)
{
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	buf[0] = '\0';
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		size_t len = strlen(buf);
		snprintf(buf + len, size - len, "%s%s", len ? " " : "", e->d_name);
	}
	closedir(d);
}

START_TEST(state_missing_file_is_fresh)
{
	struct kv_daemon_state st;
	memset(&st, 0x5a, sizeof st);
	char err[512] = "";
	ck_assert_msg(kv_daemon_state_load(state_path, &st, err, sizeof err) == 0, "%s", err);
	ck_assert(!st.has_exported);
	ck_assert_int_eq(st.exported_through, 0);
	ck_assert_int_eq((long long)st.last_run, 0);
	ck_assert_int_eq((long long)st.last_push, 0);
	ck_assert_str_eq(st.last_run_result, "");
	ck_assert_str_eq(st.last_push_result, "");
}
END_TEST

START_TEST(state_round_trip_and_format)
{
	struct kv_daemon_state st, back;
	memset(&st, 0, sizeof st);
	st.has_exported = true;
	st.exported_through = MONTH(2023, 4);
	st.last_run = 1700000000;
	snprintf(st.last_run_result, sizeof st.last_run_result, "ok: 2023-04 exported");
	st.last_push = 1700000123;
	snprintf(st.last_push_result, sizeof st.last_push_result,
		 "push failed:\nreceiver said\t503\r");
	char err[512] = "";
	ck_assert_msg(kv_daemon_state_save(state_path, &st, err, sizeof err) == 0, "%s", err);

	char *text = tu_read_file(state_path);
	ck_assert_str_eq(text, "version=1\n"
			       "exported_through=2023-04\n"
			       "last_run=1700000000\n"
			       "last_run_result=ok: 2023-04 exported\n"
			       "last_push=1700000123\n"
			       "last_push_result=push failed: receiver said 503 \n");
	free(text);

	memset(&back, 0x5a, sizeof back);
	ck_assert_msg(kv_daemon_state_load(state_path, &back, err, sizeof err) == 0, "%s", err);
	ck_assert(back.has_exported);
	ck_assert_int_eq(back.exported_through, MONTH(2023, 4));
	ck_assert_int_eq((long long)back.last_run, 1700000000LL);
	ck_assert_str_eq(back.last_run_result, "ok: 2023-04 exported");
	ck_assert_int_eq((long long)back.last_push, 1700000123LL);
	ck_assert_str_eq(back.last_push_result, "push failed: receiver said 503 ");

	/* Nothing exported yet, texts empty or with leading spaces, and a long
	 * text cut at 500 bytes without splitting a UTF-8 character. */
	memset(&st, 0, sizeof st);
	snprintf(st.last_run_result, sizeof st.last_run_result, "\n\tindented");
	memset(st.last_push_result, 'a', 499);
	memcpy(st.last_push_result + 499, "\xc3\xb8", 3); /* 'ø' across byte 500 */
	ck_assert_msg(kv_daemon_state_save(state_path, &st, err, sizeof err) == 0, "%s", err);
	ck_assert_msg(kv_daemon_state_load(state_path, &back, err, sizeof err) == 0, "%s", err);
	ck_assert(!back.has_exported);
	ck_assert_int_eq((long long)back.last_run, 0);
	ck_assert_str_eq(back.last_run_result, "  indented");
	ck_assert_uint_eq(strlen(back.last_push_result), 499);
	ck_assert_int_eq(back.last_push_result[498], 'a');
	text = tu_read_file(state_path);
	ck_assert_ptr_null(strstr(text, "exported_through"));
	free(text);
}
END_TEST

/* The local report's keys: absent until a report is tried, then round trip;
 * a pending month is kept until it is written. */
START_TEST(state_local_report_keys)
{
	struct kv_daemon_state st, back;
	char err[512] = "";
	memset(&st, 0, sizeof st);
	st.has_exported = true;
	st.exported_through = MONTH(2023, 4);
	st.report_pending = true;
	st.report_month = MONTH(2023, 4);
	ck_assert_msg(kv_daemon_state_save(state_path, &st, err, sizeof err) == 0, "%s", err);
	char *text = tu_read_file(state_path);
	ck_assert_ptr_null(strstr(text, "last_report"));
	ck_assert_ptr_nonnull(strstr(text, "\nreport_pending=2023-04\n"));
	free(text);
	memset(&back, 0x5a, sizeof back);
	ck_assert_msg(kv_daemon_state_load(state_path, &back, err, sizeof err) == 0, "%s", err);
	ck_assert(back.report_pending);
	ck_assert_int_eq(back.report_month, MONTH(2023, 4));
	ck_assert_int_eq((long long)back.last_report, 0);
	ck_assert_str_eq(back.last_report_result, "");

	st.report_pending = false;
	st.last_report = 1700000456;
	snprintf(st.last_report_result, sizeof st.last_report_result,
		 "failed: /srv/report: mode\n0755");
	ck_assert_msg(kv_daemon_state_save(state_path, &st, err, sizeof err) == 0, "%s", err);
	text = tu_read_file(state_path);
	ck_assert_ptr_nonnull(strstr(text, "\nlast_report=1700000456\n"
					   "last_report_result=failed: /srv/report: mode 0755\n"));
	ck_assert_ptr_null(strstr(text, "report_pending"));
	free(text);
	ck_assert_msg(kv_daemon_state_load(state_path, &back, err, sizeof err) == 0, "%s", err);
	ck_assert(!back.report_pending);
	ck_assert_int_eq((long long)back.last_report, 1700000456LL);
	ck_assert_str_eq(back.last_report_result, "failed: /srv/report: mode 0755");

	tu_write_file(state_path, "version=1\nreport_pending=2023-13\n", 0600);
	ck_assert_int_eq(kv_daemon_state_load(state_path, &back, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, ":2: bad report_pending"));
}
END_TEST

START_TEST(state_ignores_unknown_keys)
{
	tu_write_file(state_path,
		      "version=1\n"
		      "# written by a newer kvalind\n"
		      "next_feature=on\n"
		      "exported_through=2019-12\n"
		      "\n"
		      "last_push=1600000000\n"
		      "last_push_result=3 delivered, 0 waiting", /* no final newline */
		      0600);
	struct kv_daemon_state st;
	char err[512] = "";
	ck_assert_msg(kv_daemon_state_load(state_path, &st, err, sizeof err) == 0, "%s", err);
	ck_assert(st.has_exported);
	ck_assert_int_eq(st.exported_through, MONTH(2019, 12));
	ck_assert_int_eq((long long)st.last_push, 1600000000LL);
	ck_assert_str_eq(st.last_push_result, "3 delivered, 0 waiting");
	ck_assert_int_eq((long long)st.last_run, 0);
}
END_TEST

START_TEST(state_malformed_lines_are_named)
{
	static const struct {
		const char *text;
		int line;
		const char *what;
	} bad[] = {
	    {"version=1\nexported_through 2023-04\n", 2, "expected key=value"},
	    {"version=1\n=2023-04\n", 2, "expected key=value"},
	    {"version=1\nexported_through = 2023-04\n", 2, "bad key"},
	    {"version=1\nExported_Through=2023-04\n", 2, "bad key"},
	    {"version=1\nlast_run=0\nexported_through=2023-13\n", 3, "bad exported_through"},
	    {"version=1\nexported_through=2023-4\n", 2, "bad exported_through"},
	    {"version=1\nexported_through=\n", 2, "bad exported_through"},
	    {"version=1\nlast_run=yesterday\n", 2, "bad last_run"},
	    {"version=1\nlast_push=-1\n", 2, "bad last_push"},
	    {"version=zero\n", 1, "bad version"},
	    {"version=1\nexported_through=2023-01\nexported_through=2023-02\n", 3, "twice"},
	};
	char err[512], want[4200];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		tu_write_file(state_path, bad[i].text, 0600);
		struct kv_daemon_state st;
		memset(&st, 0x5a, sizeof st);
		err[0] = '\0';
		ck_assert_int_eq(kv_daemon_state_load(state_path, &st, err, sizeof err), -1);
		snprintf(want, sizeof want, "%s:%d:", state_path, bad[i].line);
		ck_assert_msg(strstr(err, want) != NULL, "case %zu: \"%s\" lacks \"%s\"", i, err,
			      want);
		ck_assert_msg(strstr(err, bad[i].what) != NULL, "case %zu: \"%s\" lacks \"%s\"",
			      i, err, bad[i].what);
		ck_assert_int_eq(st.last_run_result[0], 0x5a); /* left untouched */
	}

	/* Not a state file at all, and an over-long line. */
	struct kv_daemon_state st;
	tu_write_file(state_path, "", 0600);
	ck_assert_int_eq(kv_daemon_state_load(state_path, &st, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "no version= line"));
	ck_assert_ptr_nonnull(strstr(err, state_path));
	char *longline = calloc(6000, 1);
	ck_assert_ptr_nonnull(longline);
	strcpy(longline, "version=1\nlast_run_result=");
	memset(longline + strlen(longline), 'x', 5000);
	strcat(longline, "\n");
	tu_write_file(state_path, longline, 0600);
	free(longline);
	ck_assert_int_eq(kv_daemon_state_load(state_path, &st, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s:2: line longer than", state_path);
	ck_assert_ptr_nonnull(strstr(err, want));
}
END_TEST

START_TEST(state_save_is_atomic_and_private)
{
	struct kv_daemon_state st;
	memset(&st, 0, sizeof st);
	st.has_exported = true;
	st.exported_through = MONTH(2014, 12);
	char err[512] = "", names[512];
	/* A world-readable old file is replaced, not rewritten in place; a
	 * temporary file that a crash left under this PID does not block it. */
	tu_write_file(state_path, "version=1\n", 0644);
	char stale[4200];
	snprintf(stale, sizeof stale, "%s.tmp.%ld", state_path, (long)getpid());
	tu_write_file(stale, "version=1\nexported_thr", 0600);
	mode_t old_mask = umask(0);
	int rc = kv_daemon_state_save(state_path, &st, err, sizeof err);
	umask(old_mask);
	ck_assert_msg(rc == 0, "%s", err);
	struct stat sb;
	ck_assert_int_eq(stat(state_path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 07777, 0600);
	list_dir(names, sizeof names);
	ck_assert_str_eq(names, "daemon.state"); /* no PATH.tmp.PID left */

	st.exported_through++;
	ck_assert_msg(kv_daemon_state_save(state_path, &st, err, sizeof err) == 0, "%s", err);
	list_dir(names, sizeof names);
	ck_assert_str_eq(names, "daemon.state");
	struct kv_daemon_state back;
	ck_assert_msg(kv_daemon_state_load(state_path, &back, err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(back.exported_through, MONTH(2015, 1));

	/* A directory that is not there: an error naming the file. */
	char missing[4200];
	snprintf(missing, sizeof missing, "%s/gone/daemon.state", dir);
	ck_assert_int_eq(kv_daemon_state_save(missing, &st, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, missing));
	/* A state that could not be read back is not written. */
	st.exported_through = -5;
	ck_assert_int_eq(kv_daemon_state_save(state_path, &st, err, sizeof err), -1);
	ck_assert_msg(kv_daemon_state_load(state_path, &back, err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(back.exported_through, MONTH(2015, 1));
}
END_TEST

Suite *suite_daemon_parts(void)
{
	Suite *s = suite_create("daemon_parts");

	TCase *tc = tcase_create("notify");
	tcase_add_checked_fixture(tc, notify_setup, notify_teardown);
	tcase_add_test(tc, notify_without_socket_sends_nothing);
	tcase_add_test(tc, notify_sends_exact_datagrams_to_a_path);
	tcase_add_test(tc, notify_sends_to_an_abstract_name);
	tcase_add_test(tc, notify_to_a_missing_socket_fails);
	suite_add_tcase(s, tc);

	tc = tcase_create("privdrop");
	tcase_add_test(tc, root_drops_to_nobody_for_good);
	tcase_add_test(tc, root_refuses_without_a_usable_user);
	tcase_add_test(tc, not_root_stays_and_names_a_mismatch);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	tc = tcase_create("schedule");
	tcase_add_checked_fixture(tc, schedule_setup, schedule_teardown);
	tcase_add_test(tc, schedule_due_moment_in_oslo);
	tcase_add_test(tc, schedule_across_year_end);
	tcase_add_test(tc, schedule_across_daylight_saving_changes);
	tcase_add_test(tc, schedule_last_due_and_due_time_agree_over_years);
	tcase_add_test(tc, clock_reads_the_test_clock_file_each_call);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("daemon_state");
	tcase_add_checked_fixture(tc, state_setup, state_teardown);
	tcase_add_test(tc, state_missing_file_is_fresh);
	tcase_add_test(tc, state_round_trip_and_format);
	tcase_add_test(tc, state_local_report_keys);
	tcase_add_test(tc, state_ignores_unknown_keys);
	tcase_add_test(tc, state_malformed_lines_are_named);
	tcase_add_test(tc, state_save_is_atomic_and_private);
	suite_add_tcase(s, tc);
	return s;
}
