/*
 * util.c - bounded strings, numbers and file permission checks
 */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

int kv_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return (n < 0 || (size_t)n >= size) ? -1 : 0;
}

size_t kv_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);
	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

static void out_of_memory(void)
{
	fputs("kvalind: out of memory\n", stderr);
	abort();
}

char *kv_xstrdup(const char *s)
{
	char *p = strdup(s);
	if (p == NULL)
		out_of_memory();
	return p;
}

void *kv_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		out_of_memory();
	return p;
}

void *kv_xrealloc(void *p, size_t n, size_t size)
{
	if (size != 0 && n > ((size_t)-1) / size)
		out_of_memory();
	size_t bytes = n * size;
	void *q = realloc(p, bytes != 0 ? bytes : 1);
	if (q == NULL)
		out_of_memory();
	return q;
}

char *kv_trim(char *s)
{
	char *start = s;
	while (*start == ' ' || *start == '\t' || *start == '\r' || *start == '\n')
		start++;
	size_t len = strlen(start);
	while (len > 0 && (start[len - 1] == ' ' || start[len - 1] == '\t' ||
			   start[len - 1] == '\r' || start[len - 1] == '\n'))
		len--;
	memmove(s, start, len);
	s[len] = '\0';
	return s;
}

int kv_check_not_writable_by_others(const struct stat *st, const char *path, const char *what,
				    char *err, size_t errlen)
{
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		kv_snprintf(err, errlen,
			    "%s \"%s\" is writable by group or others (mode %04o); "
			    "run chmod go-w on it",
			    what, path, (unsigned)(st->st_mode & 07777));
		return -1;
	}
	if (st->st_uid != 0 && st->st_uid != geteuid()) {
		kv_snprintf(err, errlen, "%s \"%s\" is owned by uid %u, not by root or by uid %u",
			    what, path, (unsigned)st->st_uid, (unsigned)geteuid());
		return -1;
	}
	return 0;
}

int kv_check_private(const struct stat *st, const char *path, const char *what, char *err,
		     size_t errlen)
{
	if (st->st_mode & (S_IRWXG | S_IRWXO)) {
		kv_snprintf(err, errlen,
			    "%s \"%s\" is accessible by group or others (mode %04o); "
			    "run chmod 600 on it",
			    what, path, (unsigned)(st->st_mode & 07777));
		return -1;
	}
	return kv_check_not_writable_by_others(st, path, what, err, errlen);
}

/* "uid 107 (kvalind)", or "uid 107" when it has no name. */
static void describe_uid(uid_t uid, char *buf, size_t size)
{
	struct passwd pw, *found = NULL;
	char pwbuf[4096];
	if (getpwuid_r(uid, &pw, pwbuf, sizeof pwbuf, &found) == 0 && found != NULL)
		kv_snprintf(buf, size, "uid %u (%s)", (unsigned)uid, found->pw_name);
	else
		kv_snprintf(buf, size, "uid %u", (unsigned)uid);
}

static void name_of_uid(uid_t uid, char *buf, size_t size)
{
	struct passwd pw, *found = NULL;
	char pwbuf[4096];
	if (getpwuid_r(uid, &pw, pwbuf, sizeof pwbuf, &found) == 0 && found != NULL)
		kv_snprintf(buf, size, "%s", found->pw_name);
	else
		kv_snprintf(buf, size, "%u", (unsigned)uid);
}

int kv_check_state_dir(const char *path, bool follow, uid_t also_uid, const char *what,
		       char *err, size_t errlen)
{
	struct stat st;
	if ((follow ? stat(path, &st) : lstat(path, &st)) != 0) {
		kv_snprintf(err, errlen, "%s \"%s\": %s", what, path, strerror(errno));
		return -1;
	}
	if (S_ISLNK(st.st_mode)) {
		kv_snprintf(err, errlen,
			    "%s \"%s\" is a symbolic link; kvalind keeps its state only in real "
			    "directories (remove the link; kvalind creates the directory)",
			    what, path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		kv_snprintf(err, errlen, "%s \"%s\" is not a directory", what, path);
		return -1;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		kv_snprintf(err, errlen,
			    "%s \"%s\" is writable by group or others (mode %04o): whoever can "
			    "write there could put an extract in the outbox or rewrite the "
			    "ledger; run chmod go-w \"%s\" (kvalind creates it 0700)",
			    what, path, (unsigned)(st.st_mode & 07777), path);
		return -1;
	}
	uid_t me = geteuid();
	if (st.st_uid != me && !(me == 0 && also_uid != (uid_t)-1 && st.st_uid == also_uid)) {
		char owner[128], runs[128], name[64];
		describe_uid(st.st_uid, owner, sizeof owner);
		describe_uid(me, runs, sizeof runs);
		name_of_uid(me, name, sizeof name);
		kv_snprintf(err, errlen,
			    "%s \"%s\" is owned by %s, not by %s that kvalind runs as; run "
			    "chown -R %s \"%s\" (or set [core] user to the user that owns it)",
			    what, path, owner, runs, name, path);
		return -1;
	}
	return 0;
}

bool kv_parse_int64(const char *s, long long *out)
{
	if (s == NULL || *s == '\0')
		return false;
	const char *p = s;
	if (*p == '-' || *p == '+')
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	errno = 0;
	char *end = NULL;
	long long v = strtoll(s, &end, 10);
	if (errno != 0 || end == NULL || *end != '\0')
		return false;
	*out = v;
	return true;
}

bool kv_parse_month(const char *s, int *month_index)
{
	if (s == NULL || strlen(s) != 7 || s[4] != '-')
		return false;
	for (int i = 0; i < 7; i++)
		if (i != 4 && !isdigit((unsigned char)s[i]))
			return false;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	if (y < 1900 || y > 2199 || m < 1 || m > 12)
		return false;
	*month_index = y * 12 + (m - 1);
	return true;
}

bool kv_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"true", "yes", "on", "1"};
	static const char *const no[] = {"false", "no", "off", "0"};
	for (size_t i = 0; i < KV_ARRAY_SIZE(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

int kv_dirname(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL)
		return kv_snprintf(buf, size, ".");
	if (slash == path)
		return kv_snprintf(buf, size, "/");
	return kv_snprintf(buf, size, "%.*s", (int)(slash - path), path);
}

int kv_patient_key_compare(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	bool num = la > 0 && lb > 0 && strspn(a, "0123456789") == la &&
		   strspn(b, "0123456789") == lb;
	if (num && la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a, b);
}

int kv_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (errlen > 0)
		vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}
