/*
 * diag.c - collected error messages
 */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void kv_diags_add(struct kv_diags *d, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->msgs = kv_xrealloc(d->msgs, d->cap, sizeof *d->msgs);
	}
	d->msgs[d->n++] = kv_xstrdup(buf);
}

void kv_diags_hint(struct kv_diags *d, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	free(d->hint);
	d->hint = kv_xstrdup(buf);
}

void kv_diags_print(const struct kv_diags *d, FILE *out)
{
	for (size_t i = 0; i < d->n; i++)
		fprintf(out, "kvalind: error: %s\n", d->msgs[i]);
	if (d->hint != NULL)
		fprintf(out, "kvalind: hint: %s\n", d->hint);
}

int kv_diags_contains(const struct kv_diags *d, const char *needle)
{
	for (size_t i = 0; i < d->n; i++)
		if (strstr(d->msgs[i], needle) != NULL)
			return 1;
	return 0;
}

void kv_diags_free(struct kv_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->msgs[i]);
	free(d->msgs);
	free(d->hint);
	d->msgs = NULL;
	d->hint = NULL;
	d->n = d->cap = 0;
}
