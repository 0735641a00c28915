/*
 * ini_store.h - an INI file read into memory with line numbers, over inih
 *
 * inih (as Debian ships it) stops at 200-byte lines and treats ';' after
 * whitespace as a comment. This layer feeds inih through its own line reader
 * so that it can:
 *  - name the file and line of every key and section,
 *  - report an over-long line as an error naming the line (instead of
 *    inih's silent split),
 *  - keep each value's raw text (comment markers included) next to inih's
 *    value, so connection strings can contain "; ",
 *  - join indented continuation lines of a value (inih's multi-line values).
 * Which of value and raw is used is decided later, by the key's type.
 *
 * Errors go to the caller's kv_diags as "FILE:LINE: message".
 */
#ifndef KVALIND_INI_STORE_H
#define KVALIND_INI_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

struct kv_ini_entry {
	char *section;
	char *key;
	char *value;      /* inih's value, continuation lines joined by '\n' */
	char *raw;        /* the text after '=' unstripped of comments, joined without separator */
	int line;         /* line of the key */
	int last_line;    /* last continuation line (== line if none) */
	bool used;        /* set by validation when a table declares the key */
};

struct kv_ini_section {
	char *name;
	int line;
};

struct kv_ini {
	char *path;
	struct kv_ini_entry *entries;
	size_t n_entries;
	struct kv_ini_section *sections;
	size_t n_sections;
};

/*
 * Read path. Returns a store (caller frees with kv_ini_free) or NULL when the
 * file cannot be opened; syntax errors are added to d and the store keeps what
 * could be read. mode_out, when not NULL, receives the file's struct stat
 * (taken from the open descriptor, so it describes what was read).
 */
struct stat;
struct kv_ini *kv_ini_read(const char *path, struct kv_diags *d, struct stat *st_out);

/* Parse from memory (tests, fuzzing); `name` stands for the path. */
struct kv_ini *kv_ini_read_string(const char *name, const char *text, struct kv_diags *d);

/* The entry for section/key, or NULL. */
struct kv_ini_entry *kv_ini_find(const struct kv_ini *ini, const char *section,
				 const char *key);

/* The section's header line, or 0 when the section does not occur. */
int kv_ini_section_line(const struct kv_ini *ini, const char *section);

void kv_ini_free(struct kv_ini *ini);

#endif /* KVALIND_INI_STORE_H */
