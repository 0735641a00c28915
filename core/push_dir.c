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
 * The bytes come from memory (the outbox read and checked them). A failure
 * (permissions, a full disk) is a receiver_wide KV_PUSH_RETRY (every extract
 * would meet it) with the path and strerror in the detail; no temporary file
 * is left behind. A CSV already moved into place stays (the next attempt
 * replaces it); without its manifest a pickup does not take it.
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

/* Write data to drop_dir/ID.EXT through a hidden temporary file. */
static int write_into(const char *data, size_t len, const char *drop_dir, const char *id,
		      const char *ext, char *err, size_t errlen)
{
	char path[KV_PUSH_PATH_MAX], tmp[KV_PUSH_PATH_MAX];
	struct kv_atomic_file f;

	if (kv_snprintf(path, sizeof path, "%s/%s.%s", drop_dir, id, ext) != 0 ||
	    kv_snprintf(tmp, sizeof tmp, "%s/.%s.%s.%ld.tmp", drop_dir, id, ext,
			(long)getpid()) != 0) {
		kv_snprintf(err, errlen, "path in \"%s\" is too long", drop_dir);
		return -1;
	}
	if (open_tmp(&f, path, tmp, err, errlen) != 0)
		return -1;
	if (len > 0 && fwrite(data, 1, len, f.fp) != len) {
		kv_snprintf(err, errlen, "could not write \"%s\": %s", tmp, strerror(errno));
		kv_atomic_abort(&f);
		return -1;
	}
	/* commit removes the temporary file itself on failure */
	return kv_atomic_commit(&f, err, errlen);
}

void kv_push_dir_send(struct kv_push_target *t, const char *extract_id,
		      const struct kv_push_payload *p, struct kv_push_result *r)
{
	char json[KV_PUSH_PATH_MAX];
	struct stat st;

	r->outcome = KV_PUSH_RETRY;
	r->receiver_wide = true;
	if (kv_snprintf(json, sizeof json, "%s/%s.json", t->drop_dir, extract_id) != 0) {
		kv_snprintf(r->detail, sizeof r->detail, "path in \"%s\" is too long", t->drop_dir);
		r->receiver_wide = false;
		return;
	}
	if (lstat(json, &st) == 0) {
		kv_snprintf(r->detail, sizeof r->detail, "\"%s\" is already there (delivered before)",
			    json);
		r->outcome = KV_PUSH_DELIVERED;
		return;
	}
	if (errno != ENOENT) {
		kv_snprintf(r->detail, sizeof r->detail, "cannot check \"%s\": %s", json,
			    strerror(errno));
	} else if (write_into(p->csv, p->csv_len, t->drop_dir, extract_id, "csv", r->detail,
			      sizeof r->detail) == 0 &&
		   write_into(p->manifest, p->manifest_len, t->drop_dir, extract_id, "json",
			      r->detail, sizeof r->detail) == 0) {
		kv_snprintf(r->detail, sizeof r->detail, "written to \"%s\"", json);
		r->outcome = KV_PUSH_DELIVERED;
		r->receiver_wide = false;
		return;
	}
	kv_snprintf(r->status, sizeof r->status,
		    "the drop directory cannot be written (%s) - check [push] drop_dir, its "
		    "permissions and free space",
		    r->detail);
}
