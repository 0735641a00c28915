/*
 * privdrop.c - switching from root to [core] user, and proving it stuck
 *
 * As root: look the user up (getpwnam_r, a bounded buffer), refuse root
 * (uid 0) and a primary group 0, then initgroups (the user's supplementary
 * groups from the group database, replacing root's), setgid, setuid - the
 * order matters: once the uid is gone, groups can no longer be changed.
 * Then verify instead of trusting the return values: setuid(0) and
 * setgid(0) must fail, real/effective/saved uid and gid must be the user's
 * (getresuid/getresgid), and group 0 must not be among the supplementary
 * groups.
 *
 * Not root: nothing changes. [core] user, if set, must name the user that
 * runs us; a real or saved uid of 0 (a setuid-root binary, a seteuid'd
 * root) is refused, since root could be taken back.
 *
 * Errors: -1 with a one-line message naming the user and what failed.
 * Nothing is printed. Not thread-aware beyond what glibc's set*id already
 * does for all threads: call it before starting any.
 */
#define _GNU_SOURCE /* getresuid, getresgid, initgroups */
#include "privdrop.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "util.h"

/* Room for one passwd entry's strings (glibc suggests 1024; be generous). */
#define KV_PWBUF_SIZE 16384

/* 1 found, 0 no such user, -1 lookup failed (err set). */
static int lookup_user(const char *name, struct passwd *pw, char *buf, size_t buflen, char *err,
		       size_t errlen)
{
	struct passwd *res = NULL;
	int rc = getpwnam_r(name, pw, buf, buflen, &res);
	if (rc != 0 && rc != ENOENT && rc != ESRCH) {
		kv_snprintf(err, errlen, "could not look up user \"%s\": %s", name, strerror(rc));
		return -1;
	}
	return res != NULL ? 1 : 0;
}

/* The name of uid into buf, or "uid N" when it has none. */
static void name_of_uid(uid_t uid, char *buf, size_t size)
{
	struct passwd pw, *res = NULL;
	char pwbuf[KV_PWBUF_SIZE];
	if (getpwuid_r(uid, &pw, pwbuf, sizeof pwbuf, &res) == 0 && res != NULL)
		kv_snprintf(buf, size, "%s (uid %ld)", pw.pw_name, (long)uid);
	else
		kv_snprintf(buf, size, "uid %ld", (long)uid);
}

/* Started as someone else than root: stay, if that is who we should be. */
static int check_unprivileged(const char *user, char *err, size_t errlen)
{
	uid_t r, e, s;
	if (getresuid(&r, &e, &s) != 0) {
		kv_snprintf(err, errlen, "could not read the user ids: %s", strerror(errno));
		return -1;
	}
	if (r == 0 || s == 0) {
		kv_snprintf(err, errlen,
			    "running with effective uid %ld but a real or saved uid of 0 (root "
			    "could be taken back); start kvalind as root with [core] user set, "
			    "or as that user",
			    (long)e);
		return -1;
	}
	if (user == NULL)
		return 0;

	struct passwd pw;
	char pwbuf[KV_PWBUF_SIZE];
	char current[300];
	name_of_uid(e, current, sizeof current);
	int found = lookup_user(user, &pw, pwbuf, sizeof pwbuf, err, errlen);
	if (found < 0)
		return -1;
	if (found == 0) {
		kv_snprintf(err, errlen,
			    "configured to run as \"%s\" but started as %s (and no user \"%s\" "
			    "exists)",
			    user, current, user);
		return -1;
	}
	if (pw.pw_uid != e) {
		kv_snprintf(err, errlen, "configured to run as \"%s\" (uid %ld) but started as %s",
			    user, (long)pw.pw_uid, current);
		return -1;
	}
	return 0;
}

/* Group 0 among the supplementary groups? -1 when they cannot be read. */
static int has_group_zero(void)
{
	int ret = -1;
	gid_t *groups = NULL;
	int n = getgroups(0, NULL);
	if (n < 0)
		goto done;
	groups = kv_xcalloc((size_t)n + 1, sizeof *groups);
	n = getgroups(n, groups);
	if (n < 0)
		goto done;
	ret = 0;
	for (int i = 0; i < n; i++)
		if (groups[i] == 0)
			ret = 1;
done:
	free(groups);
	return ret;
}

/* After the switch: prove it. */
static int verify_dropped(const char *user, uid_t uid, gid_t gid, char *err, size_t errlen)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;
	if (setuid(0) != -1 || setgid(0) != -1) {
		kv_snprintf(err, errlen, "after switching to user \"%s\", root could be taken back "
					 "(setuid(0) or setgid(0) succeeded)",
			    user);
		return -1;
	}
	if (getresuid(&r, &e, &s) != 0 || getresgid(&rg, &eg, &sg) != 0) {
		kv_snprintf(err, errlen, "after switching to user \"%s\", could not read the ids: %s",
			    user, strerror(errno));
		return -1;
	}
	if (r != uid || e != uid || s != uid || rg != gid || eg != gid || sg != gid) {
		kv_snprintf(err, errlen,
			    "after switching to user \"%s\" the ids are uid %ld/%ld/%ld gid "
			    "%ld/%ld/%ld (real/effective/saved), expected uid %ld gid %ld",
			    user, (long)r, (long)e, (long)s, (long)rg, (long)eg, (long)sg,
			    (long)uid, (long)gid);
		return -1;
	}
	int zero = has_group_zero();
	if (zero != 0) {
		kv_snprintf(err, errlen,
			    zero > 0 ? "after switching to user \"%s\", group 0 (root) is still "
				       "among the supplementary groups"
				     : "after switching to user \"%s\", could not read the "
				       "supplementary groups",
			    user);
		return -1;
	}
	return 0;
}

int kv_drop_privileges(const char *user, char *err, size_t errlen)
{
	if (user != NULL && *user == '\0')
		user = NULL;
	if (geteuid() != 0)
		return check_unprivileged(user, err, errlen);

	if (user == NULL) {
		kv_snprintf(err, errlen,
			    "started as root without [core] user: kvalind does not run as root; "
			    "set [core] user to an unprivileged system user (e.g. kvalind)");
		return -1;
	}
	struct passwd pw;
	char pwbuf[KV_PWBUF_SIZE];
	int found = lookup_user(user, &pw, pwbuf, sizeof pwbuf, err, errlen);
	if (found < 0)
		return -1;
	if (found == 0) {
		kv_snprintf(err, errlen, "[core] user \"%s\" does not exist", user);
		return -1;
	}
	if (pw.pw_uid == 0) {
		kv_snprintf(err, errlen,
			    "[core] user \"%s\" is root (uid 0): kvalind does not run as root; "
			    "set it to an unprivileged system user",
			    user);
		return -1;
	}
	if (pw.pw_gid == 0) {
		kv_snprintf(err, errlen,
			    "[core] user \"%s\" has group 0 (root) as its primary group; give it "
			    "an unprivileged group",
			    user);
		return -1;
	}
	/* pw's strings live in pwbuf, which outlives every use below. */
	const uid_t uid = pw.pw_uid;
	const gid_t gid = pw.pw_gid;
	if (initgroups(user, gid) != 0) {
		kv_snprintf(err, errlen, "could not set the groups of user \"%s\": %s", user,
			    strerror(errno));
		return -1;
	}
	if (setgid(gid) != 0) {
		kv_snprintf(err, errlen, "could not switch to group %ld of user \"%s\": %s",
			    (long)gid, user, strerror(errno));
		return -1;
	}
	if (setuid(uid) != 0) {
		kv_snprintf(err, errlen, "could not switch to user \"%s\" (uid %ld): %s", user,
			    (long)uid, strerror(errno));
		return -1;
	}
	return verify_dropped(user, uid, gid, err, errlen);
}
