/*
 * diag.h - a list of error messages collected while checking something
 *
 * Configuration checks report every problem they find, not only the first,
 * the way a compiler does. Messages are copied; kv_diags_free frees them.
 */
#ifndef KVALIND_DIAG_H
#define KVALIND_DIAG_H

#include <stddef.h>
#include <stdio.h>

struct kv_diags {
	char **msgs;
	size_t n;
	size_t cap;
	char *hint;     /* one piece of advice printed after the errors, or NULL */
};

void kv_diags_add(struct kv_diags *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Set the advice printed after the errors (replaces an earlier one). */
void kv_diags_hint(struct kv_diags *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print every message as "kvalind: error: MSG", then "kvalind: hint: ...". */
void kv_diags_print(const struct kv_diags *d, FILE *out);
/* True when some message contains needle (for tests). */
int kv_diags_contains(const struct kv_diags *d, const char *needle);
void kv_diags_free(struct kv_diags *d);

#endif /* KVALIND_DIAG_H */
