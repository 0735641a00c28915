/*
 * report_dir.h - the local report's directory: made 0700 when missing,
 * else refused unless it is a real directory (not a symbolic link) of the
 * running user that neither group nor others can enter; pages written into
 * it 0600 through a temporary file and a rename, so a reader sees the old
 * page or the whole new one and an interrupted run leaves nothing half
 * written. Everything goes through the directory's descriptor, never its
 * path again, so the directory checked is the one written.
 */
#ifndef KVALIND_REPORT_DIR_H
#define KVALIND_REPORT_DIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util.h"

struct kv_report_dir {
	int fd;                 /* the directory, O_DIRECTORY; -1: closed */
	char path[4096];        /* for messages */
	bool created;           /* made by kv_report_dir_open */
};

/* Open path (made 0700 when missing; its parent must exist). 0, or -1 with
 * err naming the path and why (a symbolic link, not a directory, another
 * owner, a mode with group or other bits: "mode 0755"), the directory
 * untouched. */
KV_MUST_CHECK int kv_report_dir_open(struct kv_report_dir *d, const char *path, char *err,
				     size_t errlen);

/* Write the file `name` (a plain name: no '/', not starting with '.') 0600
 * with fill(out, arg), which returns 0 or -1 with err. 0, or -1 with err
 * and the old file, if any, as it was. */
KV_MUST_CHECK int kv_report_dir_write(struct kv_report_dir *d, const char *name,
				      int (*fill)(FILE *out, void *arg, char *err, size_t errlen),
				      void *arg, char *err, size_t errlen);

/* Remove the report's own pages that this run did not write (a GP's page
 * "gp-N.html", "no-gp.html", not in keep[0..n_keep)) and the temporary
 * files of runs that died. Other files are left alone. Returns how many
 * were removed, or -1 with err. */
int kv_report_dir_prune(struct kv_report_dir *d, const char *const *keep, size_t n_keep,
			char *err, size_t errlen);

void kv_report_dir_close(struct kv_report_dir *d);

#endif /* KVALIND_REPORT_DIR_H */
