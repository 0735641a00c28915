/*
 * atomic.h - writing a file so that readers see the old file or the whole
 * new one, never a part: write "PATH.tmp.PID", fsync, rename over PATH,
 * fsync the directory.
 */
#ifndef KVALIND_ATOMIC_H
#define KVALIND_ATOMIC_H

#include <stdio.h>

#include "util.h"

struct kv_atomic_file {
	FILE *fp;
	char path[4096];
	char tmp[4120];
};

/* Open the temporary file (mode 0600 unless mode says otherwise). 0 or -1
 * with err. */
KV_MUST_CHECK int kv_atomic_open(struct kv_atomic_file *f, const char *path, int mode, char *err,
				 size_t errlen);
/* Flush, fsync, rename into place. 0, or -1 with err (the temporary file is
 * removed either way). */
KV_MUST_CHECK int kv_atomic_commit(struct kv_atomic_file *f, char *err, size_t errlen);
/* fsync a directory, so a rename or new entry in it survives a crash. 0 or
 * -1 with err. */
KV_MUST_CHECK int kv_fsync_dir(const char *dir, char *err, size_t errlen);
/* fsync the directory that holds path, best effort (nothing to report: the
 * write itself has succeeded, and a failure here only weakens durability). */
void kv_sync_parent_dir(const char *path);

/* Give up: close and remove the temporary file. */
void kv_atomic_abort(struct kv_atomic_file *f);

#endif /* KVALIND_ATOMIC_H */
