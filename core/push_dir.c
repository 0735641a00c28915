/*
 * push_dir.c - one extract as two files in a drop directory
 *
 * EXTRACT_ID.csv first, EXTRACT_ID.json (the manifest) last, each copied to
 * a hidden temporary ".EXTRACT_ID.{csv,json}.PID.tmp" in drop_dir and moved
 * into place by kv_atomic_commit (fsync, rename, directory fsync). The
 * temporary names differ from kv_atomic_open's ("PATH.tmp.PID"): a pickup
 * that lists the directory must not see them, so this file opens the
 * temporary file itself and fills the public struct kv_atomic_file.
 *
 * A failure (permissions, a full disk) is KV_PUSH_RETRY with the path and
 * strerror in the detail; no temporary file is left behind. A CSV already
 * moved into place stays (the next attempt replaces it); without its
 * manifest a pickup does not take it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "push_private.h"
#include "util.h"

/* Mode of the delivered files (before the umask): they hold aggregates only
 * and are meant to be picked up, possibly by another user. */
#define DROP_FILE_MODE 0644

static int open_tmp(struct kv_atomic_file *f, const char *path, const char *tmp, char *err,
		    size_t errlen)
{
	memset(f, 0, sizeof *f);
	kv_strlcpy(f->path, path, sizeof f->path);
	kv_strlcpy(f->tmp, tmp, sizeof f->tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, DROP_FILE_MODE);
	if (fd < 0 && errno == EEXIST) {
		/* Left by a process that died with the same pid: ours to remove. */
		unlink(tmp);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
			  DROP_FILE_MODE);
	}
	if (fd < 0) {
		kv_snprintf(err, errlen, "could not create \"%s\": %s", tmp, strerror(errno));
		f->tmp[0] = '\0'; /* nothing to remove */
		return -1;
	}
	f->fp = fdopen(fd, "w");
	if (f->fp == NULL) {
		kv_snprintf(err, errlen, "could not write \"%s\": %s", tmp, strerror(errno));
		close(fd);
		kv_atomic_abort(f);
		return -1;
	}
	return 0;
}

/* Copy src to drop_dir/ID.EXT through a hidden temporary file. */
static int copy_into(const char *src, const char *drop_dir, const char *id, const char *ext,
		     char *err, size_t errlen)
{
	char path[KV_PUSH_PATH_MAX], tmp[KV_PUSH_PATH_MAX], buf[16384];
	struct kv_atomic_file f;
	FILE *in = NULL;
	int ret = -1;
	bool pending = false;

	if (kv_snprintf(path, sizeof path, "%s/%s.%s", drop_dir, id, ext) != 0 ||
	    kv_snprintf(tmp, sizeof tmp, "%s/.%s.%s.%ld.tmp", drop_dir, id, ext,
			(long)getpid()) != 0) {
		kv_snprintf(err, errlen, "path in \"%s\" is too long", drop_dir);
		goto done;
	}
	in = fopen(src, "rb");
	if (in == NULL) {
		kv_snprintf(err, errlen, "cannot read \"%s\": %s", src, strerror(errno));
		goto done;
	}
	if (open_tmp(&f, path, tmp, err, errlen) != 0)
		goto done;
	pending = true;
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
		if (fwrite(buf, 1, n, f.fp) != n) {
			kv_snprintf(err, errlen, "could not write \"%s\": %s", tmp,
				    strerror(errno));
			goto done;
		}
	}
	if (ferror(in)) {
		kv_snprintf(err, errlen, "cannot read \"%s\": %s", src, strerror(errno));
		goto done;
	}
	pending = false; /* commit removes the temporary file itself on failure */
	if (kv_atomic_commit(&f, err, errlen) != 0)
		goto done;
	ret = 0;
done:
	if (pending)
		kv_atomic_abort(&f);
	if (in != NULL)
		fclose(in);
	return ret;
}

enum kv_push_outcome kv_push_dir_send(struct kv_push_target *t, const char *extract_id,
				      const char *manifest, const char *csv, char *detail,
				      size_t detail_len)
{
	char json[KV_PUSH_PATH_MAX];
	struct stat st;

	if (kv_snprintf(json, sizeof json, "%s/%s.json", t->drop_dir, extract_id) != 0) {
		kv_snprintf(detail, detail_len, "path in \"%s\" is too long", t->drop_dir);
		return KV_PUSH_RETRY;
	}
	if (lstat(json, &st) == 0) {
		kv_snprintf(detail, detail_len, "\"%s\" is already there (delivered before)",
			    json);
		return KV_PUSH_DELIVERED;
	}
	if (errno != ENOENT) {
		kv_snprintf(detail, detail_len, "cannot check \"%s\": %s", json, strerror(errno));
		return KV_PUSH_RETRY;
	}
	if (copy_into(csv, t->drop_dir, extract_id, "csv", detail, detail_len) != 0 ||
	    copy_into(manifest, t->drop_dir, extract_id, "json", detail, detail_len) != 0)
		return KV_PUSH_RETRY;
	kv_snprintf(detail, detail_len, "written to \"%s\"", json);
	return KV_PUSH_DELIVERED;
}
