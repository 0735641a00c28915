/*
 * report_dir.c - the local report's directory (report_dir.h)
 */
#define _GNU_SOURCE /* O_DIRECTORY, O_NOFOLLOW, fdopendir */
#include "report_dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TMP_MARK ".tmp."

/* Why path, which open() with O_NOFOLLOW | O_DIRECTORY refused, is no
 * directory to write into. */
static int refuse_kind(const char *path, int open_errno, char *err, size_t errlen)
{
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		return kv_fail(err, errlen,
			    "\"%s\" is a symbolic link; the report is written only into a real "
			    "directory",
			    path);
	if (open_errno == ENOTDIR)
		return kv_fail(err, errlen, "\"%s\" is not a directory", path);
	return kv_fail(err, errlen, "could not open the directory \"%s\": %s", path,
		    strerror(open_errno));
}

int kv_report_dir_open(struct kv_report_dir *d, const char *path, char *err, size_t errlen)
{
	const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	struct stat st;
	d->fd = -1;
	d->created = false;
	size_t len = strlen(path);
	/* "dir/" would follow a link named dir: the name without its slashes */
	while (len > 1 && path[len - 1] == '/')
		len--;
	if (len == 0 || len >= sizeof d->path)
		return kv_fail(err, errlen, "the report's directory \"%s\": %s", path,
			    len == 0 ? "empty" : "too long");
	memcpy(d->path, path, len);
	d->path[len] = '\0';
	int fd = open(d->path, flags);
	if (fd < 0 && errno == ENOENT) {
		if (mkdir(d->path, 0700) != 0 && errno != EEXIST)
			return kv_fail(err, errlen, "could not create the directory \"%s\": %s",
				    d->path, strerror(errno));
		d->created = errno != EEXIST;
		fd = open(d->path, flags);
	}
	if (fd < 0)
		return refuse_kind(d->path, errno, err, errlen);
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return kv_fail(err, errlen, "could not examine \"%s\": %s", d->path, strerror(e));
	}
	/* made by us: exactly 0700, whatever the umask */
	if (d->created && fchmod(fd, 0700) == 0)
		st.st_mode = (st.st_mode & ~(mode_t)07777) | 0700;
	if (st.st_uid != geteuid()) {
		close(fd);
		return kv_fail(err, errlen,
			    "\"%s\" belongs to user %ld, not to the user writing the report (%ld)",
			    d->path, (long)st.st_uid, (long)geteuid());
	}
	if ((st.st_mode & 077) != 0) {
		close(fd);
		return kv_fail(err, errlen,
			    "\"%s\" has mode %04o: others could read the patients in the report; "
			    "make it 0700 (chmod 700) or name another directory",
			    d->path, (unsigned)(st.st_mode & 07777));
	}
	d->fd = fd;
	return 0;
}

static bool plain_name(const char *name)
{
	return name[0] != '\0' && name[0] != '.' && strchr(name, '/') == NULL &&
	       strlen(name) < 200;
}

int kv_report_dir_write(struct kv_report_dir *d, const char *name,
			int (*fill)(FILE *out, void *arg, char *err, size_t errlen), void *arg,
			char *err, size_t errlen)
{
	char tmp[256];
	FILE *out = NULL;
	int rc = -1, fd = -1;
	bool made = false;
	if (d->fd < 0 || !plain_name(name))
		return kv_fail(err, errlen, "no page name \"%s\"", name);
	snprintf(tmp, sizeof tmp, ".%s" TMP_MARK "%ld", name, (long)getpid());
	fd = openat(d->fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		kv_fail(err, errlen, "could not create \"%s/%s\": %s", d->path, tmp, strerror(errno));
		goto done;
	}
	made = true;
	if (fchmod(fd, 0600) != 0 || (out = fdopen(fd, "w")) == NULL) {
		kv_fail(err, errlen, "could not write \"%s/%s\": %s", d->path, tmp, strerror(errno));
		goto done;
	}
	fd = -1; /* out owns it */
	if (fill(out, arg, err, errlen) != 0)
		goto done;
	if (fflush(out) != 0 || ferror(out) || fsync(fileno(out)) != 0) {
		kv_fail(err, errlen, "could not write \"%s/%s\": %s", d->path, tmp, strerror(errno));
		goto done;
	}
	int c = fclose(out);
	out = NULL;
	if (c != 0 || renameat(d->fd, tmp, d->fd, name) != 0) {
		kv_fail(err, errlen, "could not write \"%s/%s\": %s", d->path, name, strerror(errno));
		goto done;
	}
	made = false;
	if (fsync(d->fd) != 0) {
		kv_fail(err, errlen, "could not sync \"%s\": %s", d->path, strerror(errno));
		goto done;
	}
	rc = 0;
done:
	if (out != NULL)
		fclose(out);
	if (fd >= 0)
		close(fd);
	if (made)
		unlinkat(d->fd, tmp, 0);
	return rc;
}

/* "gp-<digits>.html" or "no-gp.html": a page of one GP's, this report's. */
static bool holder_page(const char *name)
{
	if (strcmp(name, "no-gp.html") == 0)
		return true;
	if (strncmp(name, "gp-", 3) != 0)
		return false;
	const char *p = name + 3;
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return strcmp(p, ".html") == 0;
}

/* ".NAME.tmp.PID" of a process that is gone. */
static bool dead_tmp(const char *name)
{
	const char *m = name[0] == '.' ? strstr(name, ".html" TMP_MARK) : NULL;
	if (m == NULL)
		return false;
	char *end;
	long pid = strtol(m + strlen(".html" TMP_MARK), &end, 10);
	return *end == '\0' && pid > 0 && (pid != (long)getpid()) &&
	       kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

int kv_report_dir_prune(struct kv_report_dir *d, const char *const *keep, size_t n_keep,
			char *err, size_t errlen)
{
	int removed = 0;
	int fd = dup(d->fd);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	if (dir == NULL) {
		if (fd >= 0)
			close(fd);
		return kv_fail(err, errlen, "could not read \"%s\": %s", d->path, strerror(errno));
	}
	rewinddir(dir);
	struct dirent *e;
	while ((e = readdir(dir)) != NULL) {
		bool old = holder_page(e->d_name);
		for (size_t i = 0; old && i < n_keep; i++)
			if (strcmp(keep[i], e->d_name) == 0)
				old = false;
		if (!old && !dead_tmp(e->d_name))
			continue;
		if (unlinkat(d->fd, e->d_name, 0) != 0 && errno != ENOENT) {
			int e2 = errno;
			closedir(dir);
			return kv_fail(err, errlen, "could not remove \"%s/%s\": %s", d->path,
				    e->d_name, strerror(e2));
		}
		removed++;
	}
	closedir(dir);
	return removed;
}

void kv_report_dir_close(struct kv_report_dir *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}
