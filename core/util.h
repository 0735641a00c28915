/*
 * util.h - small helpers shared by the core: bounded strings, file checks
 *
 * Functions that fail write a one-line, lower-case reason into the caller's
 * buffer (err, errlen) and return -1; they never print.
 */
#ifndef KVALIND_UTIL_H
#define KVALIND_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#define KV_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Free and forget. */
#define KV_FREE(p)                                                             \
	do {                                                                   \
		free(p);                                                       \
		(p) = NULL;                                                    \
	} while (0)

#define KV_MUST_CHECK __attribute__((warn_unused_result))

/* snprintf that reports truncation: 0 when it fit, -1 when it did not (the
 * buffer then holds a truncated, NUL-terminated string). */
int kv_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Copy with truncation, always NUL-terminated; returns strlen(src). */
size_t kv_strlcpy(char *dst, const char *src, size_t size);

/* strdup that aborts on out-of-memory (the core cannot continue without it). */
char *kv_xstrdup(const char *s);
void *kv_xcalloc(size_t n, size_t size);
void *kv_xrealloc(void *p, size_t n, size_t size);

/* Trim space, tab, CR and LF at both ends, in place; returns s. */
char *kv_trim(char *s);

/*
 * Refuse a file or directory that group or others may write, or that is
 * owned by someone other than root or the effective user. `what` names the
 * object in the message ("plugin directory", "configuration file").
 */
KV_MUST_CHECK int kv_check_not_writable_by_others(const struct stat *st, const char *path,
						  const char *what, char *err, size_t errlen);

/* Refuse a file that group or others may read (secrets). */
KV_MUST_CHECK int kv_check_private(const struct stat *st, const char *path, const char *what,
				   char *err, size_t errlen);

/*
 * A directory kvalind keeps its state in ([core] state_dir, the outbox and
 * its directories): what a file planted there could do (reach the receiver,
 * rewrite history) makes it as sensitive as a secret. Refused unless it is
 * a directory (through a symbolic link only when follow), group and others
 * cannot write it, and it is owned by the effective user or, when that is
 * root, by also_uid ((uid_t)-1: nobody else; a root-run `kvalind status`
 * reads the daemon user's directory). The message names the path, the
 * problem and the fix (chmod, chown). `what` names it ("state directory").
 */
KV_MUST_CHECK int kv_check_state_dir(const char *path, bool follow, uid_t also_uid,
				     const char *what, char *err, size_t errlen);

/* Parse a whole decimal integer; false on junk, overflow or empty input. */
bool kv_parse_int64(const char *s, long long *out);
/* Write the message into err (cut to errlen) and return -1: for the
 * `return kv_fail(err, errlen, "...")` of functions that report why. */
int kv_fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Patient keys in the order a person expects: numbers by value (shorter
 * first, as keys have no leading zeros that matter), else as text. */
int kv_patient_key_compare(const char *a, const char *b);

/* Parse YYYY-MM into a month index (year * 12 + month - 1). */
bool kv_parse_month(const char *s, int *month_index);

/* Parse a boolean word: true/false, yes/no, on/off, 1/0 (case-insensitive). */
bool kv_parse_bool(const char *s, bool *out);

/* The directory part of path into buf ("." when none). */
int kv_dirname(const char *path, char *buf, size_t size);

#endif /* KVALIND_UTIL_H */
