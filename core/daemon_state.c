/*
 * daemon_state.c - the daemon's state file: load strictly, save atomically
 *
 * Format in daemon_state.h. Loading reads into a local copy and hands it
 * over only when the whole file was good, so a caller's state is never
 * half-overwritten. Strict: every line is key=value with a key of
 * [a-z0-9_] (empty lines and lines starting with '#' are skipped), version=
 * must come and be a positive integer (a higher one is read: newer versions
 * only add keys), known keys appear at most once and must parse, lines are at
 * most KV_STATE_LINE_MAX bytes. Tolerant: keys it does not know are
 * skipped. Values are taken verbatim (no trimming), so a text saved with
 * leading spaces reads back the same.
 *
 * Saving writes "PATH.tmp.PID" (mode 0600), fsyncs, renames over PATH and
 * fsyncs the directory (kv_atomic_*): a crash leaves the old file or the
 * new one (a temporary file a crash left under our own PID is removed
 * first). Texts are written as one line: control characters become
 * spaces, and they are cut at KV_STATE_TEXT_MAX bytes on a UTF-8 character
 * boundary.
 *
 * Errors: -1 with err naming the file, and the line for a bad line.
 */
#include "daemon_state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "results.h"
#include "util.h"

#define KV_STATE_VERSION 1
#define KV_STATE_TEXT_MAX 500
#define KV_STATE_LINE_MAX 4096

_Static_assert(KV_STATE_TEXT_MAX < sizeof((struct kv_daemon_state *)0)->last_run_result,
	       "state texts must fit the struct");

/* src as one line of at most KV_STATE_TEXT_MAX bytes into dst (size >
 * KV_STATE_TEXT_MAX): control characters replaced by spaces, never ending
 * inside a UTF-8 sequence. */
static void one_line(char *dst, size_t size, const char *src)
{
	size_t max = size - 1 < KV_STATE_TEXT_MAX ? size - 1 : KV_STATE_TEXT_MAX;
	size_t n = strnlen(src, max + 1);
	if (n > max) {
		n = max;
		/* Back off over continuation bytes to the start of the cut
		 * character, which then goes too. */
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)src[i];
		dst[i] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
	}
	dst[n] = '\0';
}

static bool parse_time(const char *s, time_t *out)
{
	long long v;
	if (!kv_parse_int64(s, &v) || v < 0 || (long long)(time_t)v != v)
		return false;
	*out = (time_t)v;
	return true;
}

/* Known keys, for the at-most-once rule. */
enum state_key {
	K_VERSION,
	K_EXPORTED,
	K_LAST_RUN,
	K_RUN_RESULT,
	K_LAST_PUSH,
	K_PUSH_RESULT,
	K_LAST_REPORT,
	K_REPORT_RESULT,
	K_REPORT_PENDING,
	K_N
};
static const char *const key_names[K_N] = {
    "version", "exported_through", "last_run", "last_run_result", "last_push",
    "last_push_result", "last_report", "last_report_result", "report_pending",
};

int kv_daemon_state_load(const char *path, struct kv_daemon_state *st, char *err, size_t errlen)
{
	int ret = -1;
	struct kv_daemon_state s;
	memset(&s, 0, sizeof s);
	bool seen[K_N] = {false};
	char line[KV_STATE_LINE_MAX + 2];
	long lineno = 0;

	FILE *fp = fopen(path, "re");
	if (fp == NULL) {
		if (errno == ENOENT) {
			memset(st, 0, sizeof *st); /* never ran: a fresh state */
			return 0;
		}
		kv_snprintf(err, errlen, "could not read state file \"%s\": %s", path,
			    strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, fp) != NULL) {
		lineno++;
		size_t len = strlen(line);
		if (len > 0 && line[len - 1] == '\n') {
			line[--len] = '\0';
		} else if (len >= sizeof line - 1) {
			kv_snprintf(err, errlen, "%s:%ld: line longer than %d bytes", path, lineno,
				    KV_STATE_LINE_MAX);
			goto done;
		} else if (!feof(fp)) {
			/* fgets stopped early without a newline: a NUL byte */
			kv_snprintf(err, errlen, "%s:%ld: NUL byte in line", path, lineno);
			goto done;
		}
		if (line[0] == '\0' || line[0] == '#')
			continue;
		char *eq = strchr(line, '=');
		if (eq == NULL || eq == line) {
			kv_snprintf(err, errlen, "%s:%ld: expected key=value, got \"%.40s\"", path,
				    lineno, line);
			goto done;
		}
		*eq = '\0';
		const char *key = line, *val = eq + 1;
		if (strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(key)) {
			/* "exported_through =..." must not pass as an unknown key */
			kv_snprintf(err, errlen, "%s:%ld: bad key \"%.40s\"", path, lineno, key);
			goto done;
		}
		int k = 0;
		while (k < K_N && strcmp(key, key_names[k]) != 0)
			k++;
		if (k == K_N)
			continue; /* a newer version's key */
		if (seen[k]) {
			kv_snprintf(err, errlen, "%s:%ld: %s given twice", path, lineno, key);
			goto done;
		}
		seen[k] = true;

		bool ok = true;
		long long version;
		int month;
		switch ((enum state_key)k) {
		case K_VERSION:
			ok = kv_parse_int64(val, &version) && version >= KV_STATE_VERSION;
			break;
		case K_EXPORTED:
			ok = kv_parse_month(val, &month);
			if (ok) {
				s.has_exported = true;
				s.exported_through = (kv_month)month;
			}
			break;
		case K_LAST_RUN:
			ok = parse_time(val, &s.last_run);
			break;
		case K_LAST_PUSH:
			ok = parse_time(val, &s.last_push);
			break;
		case K_RUN_RESULT:
			one_line(s.last_run_result, sizeof s.last_run_result, val);
			break;
		case K_PUSH_RESULT:
			one_line(s.last_push_result, sizeof s.last_push_result, val);
			break;
		case K_LAST_REPORT:
			ok = parse_time(val, &s.last_report);
			break;
		case K_REPORT_RESULT:
			one_line(s.last_report_result, sizeof s.last_report_result, val);
			break;
		case K_REPORT_PENDING:
			ok = kv_parse_month(val, &month);
			if (ok) {
				s.report_pending = true;
				s.report_month = (kv_month)month;
			}
			break;
		case K_N:
			break;
		}
		if (!ok) {
			kv_snprintf(err, errlen, "%s:%ld: bad %s \"%.40s\"%s", path, lineno, key, val,
				    k == K_EXPORTED || k == K_REPORT_PENDING ? " (expected YYYY-MM)"
				    : k == K_VERSION ? " (expected a positive integer)"
						     : " (expected seconds since 1970)");
			goto done;
		}
	}
	if (ferror(fp)) {
		kv_snprintf(err, errlen, "could not read state file \"%s\": %s", path,
			    strerror(errno));
		goto done;
	}
	if (!seen[K_VERSION]) {
		kv_snprintf(err, errlen, "%s: not a kvalind state file (no version= line)", path);
		goto done;
	}
	*st = s;
	ret = 0;
done:
	fclose(fp);
	return ret;
}

int kv_daemon_state_save(const char *path, const struct kv_daemon_state *st, char *err,
			 size_t errlen)
{
	char month[16], pending[16];
	char text[KV_STATE_TEXT_MAX + 1];
	int dummy;
	struct kv_atomic_file f;

	if (st->has_exported) {
		kv_month_format(st->exported_through, month, sizeof month);
		if (!kv_parse_month(month, &dummy)) {
			kv_snprintf(err, errlen, "state file \"%s\": month index %ld is out of range",
				    path, (long)st->exported_through);
			return -1;
		}
	}
	if (st->report_pending) {
		kv_month_format(st->report_month, pending, sizeof pending);
		if (!kv_parse_month(pending, &dummy)) {
			kv_snprintf(err, errlen, "state file \"%s\": month index %ld is out of range",
				    path, (long)st->report_month);
			return -1;
		}
	}
	if (st->last_run < 0 || st->last_push < 0 || st->last_report < 0) {
		kv_snprintf(err, errlen, "state file \"%s\": negative time", path);
		return -1;
	}
	/* kv_atomic_open creates "PATH.tmp.PID" exclusively. One with our PID
	 * can only be left by a dead process - a crash during a save, and after
	 * a reboot the daemon may well get the same PID again: remove it, or
	 * every save would fail from then on. */
	char stale[sizeof f.tmp];
	if (kv_snprintf(stale, sizeof stale, "%s.tmp.%ld", path, (long)getpid()) == 0)
		(void)unlink(stale);
	if (kv_atomic_open(&f, path, 0600, err, errlen) != 0)
		return -1;
	fprintf(f.fp, "version=%d\n", KV_STATE_VERSION);
	if (st->has_exported)
		fprintf(f.fp, "exported_through=%s\n", month);
	fprintf(f.fp, "last_run=%lld\n", (long long)st->last_run);
	one_line(text, sizeof text, st->last_run_result);
	fprintf(f.fp, "last_run_result=%s\n", text);
	fprintf(f.fp, "last_push=%lld\n", (long long)st->last_push);
	one_line(text, sizeof text, st->last_push_result);
	fprintf(f.fp, "last_push_result=%s\n", text);
	if (st->last_report != 0) {
		fprintf(f.fp, "last_report=%lld\n", (long long)st->last_report);
		one_line(text, sizeof text, st->last_report_result);
		fprintf(f.fp, "last_report_result=%s\n", text);
	}
	if (st->report_pending)
		fprintf(f.fp, "report_pending=%s\n", pending);
	/* kv_atomic_commit checks ferror, fsyncs, renames, syncs the directory,
	 * and removes the temporary file when anything failed. */
	return kv_atomic_commit(&f, err, errlen);
}
