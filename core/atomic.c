/*
 * atomic.c - all-or-nothing file writes
 */
#include "atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int kv_atomic_open(struct kv_atomic_file *f, const char *path, int mode, char *err, size_t errlen)
{
	memset(f, 0, sizeof *f);
	if (kv_snprintf(f->path, sizeof f->path, "%s", path) != 0 ||
	    kv_snprintf(f->tmp, sizeof f->tmp, "%s.tmp.%ld", path, (long)getpid()) != 0) {
		kv_snprintf(err, errlen, "path \"%s\" is too long", path);
		return -1;
	}
	/* A file of this name can only be left by a process with our pid that
	 * died while writing (a crash before a reboot): it is never complete. */
	if (unlink(f->tmp) != 0 && errno != ENOENT) {
		kv_snprintf(err, errlen, "could not remove \"%s\": %s", f->tmp, strerror(errno));
		return -1;
	}
	int fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode ? mode : 0600);
	if (fd < 0) {
		kv_snprintf(err, errlen, "could not create \"%s\": %s", f->tmp, strerror(errno));
		return -1;
	}
	f->fp = fdopen(fd, "w");
	if (f->fp == NULL) {
		kv_snprintf(err, errlen, "could not write \"%s\": %s", f->tmp, strerror(errno));
		close(fd);
		unlink(f->tmp);
		return -1;
	}
	return 0;
}

void kv_sync_parent_dir(const char *path)
{
	char dir[4096];
	if (kv_dirname(path, dir, sizeof dir) != 0)
		return;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int kv_atomic_commit(struct kv_atomic_file *f, char *err, size_t errlen)
{
	int ret = -1;
	if (fflush(f->fp) != 0 || ferror(f->fp) || fsync(fileno(f->fp)) != 0) {
		kv_snprintf(err, errlen, "could not write \"%s\": %s", f->path, strerror(errno));
		goto done;
	}
	if (fclose(f->fp) != 0) {
		f->fp = NULL;
		kv_snprintf(err, errlen, "could not write \"%s\": %s", f->path, strerror(errno));
		goto done;
	}
	f->fp = NULL;
	if (rename(f->tmp, f->path) != 0) {
		kv_snprintf(err, errlen, "could not rename \"%s\" to \"%s\": %s", f->tmp, f->path,
			    strerror(errno));
		goto done;
	}
	kv_sync_parent_dir(f->path);
	ret = 0;
done:
	if (ret != 0)
		kv_atomic_abort(f);
	return ret;
}

int kv_fsync_dir(const char *dir, char *err, size_t errlen)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0) {
		kv_snprintf(err, errlen, "could not sync directory \"%s\": %s", dir,
			    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

void kv_atomic_abort(struct kv_atomic_file *f)
{
	if (f->fp != NULL)
		fclose(f->fp);
	f->fp = NULL;
	if (f->tmp[0] != '\0')
		unlink(f->tmp);
}
