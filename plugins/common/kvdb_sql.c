/*
 * kvdb_sql.c - a bounded builder for SQL text, and the PostgreSQL casts
 *
 * Connectors build their statements into fixed buffers (KVDB_SQL_MAX on
 * the stack): text that would not fit marks the builder overflowed instead
 * of being cut, and kvdb_sb_done() then reports it.
 */
#include "kvdb.h"

#include <stdarg.h>
#include <stdio.h>

void kvdb_sb_init(struct kvdb_sb *b, char *buf, size_t size)
{
	b->buf = buf;
	b->size = size;
	b->len = 0;
	b->overflow = size == 0;
	if (size > 0)
		buf[0] = '\0';
}

void kvdb_sb_printf(struct kvdb_sb *b, const char *fmt, ...)
{
	if (b->overflow)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b->buf + b->len, b->size - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->size - b->len) {
		b->overflow = true;
		b->buf[b->len] = '\0';
		return;
	}
	b->len += (size_t)n;
}

int kvdb_sb_done(struct kvdb_ctx *rc, const struct kvdb_sb *b, const char *table,
		 const char *hint)
{
	if (!b->overflow)
		return 0;
	if (hint != NULL)
		return kvdb_error(rc, "the SQL text for table \"%s\" is longer than %zu bytes (%s)",
				  table, b->size, hint);
	return kvdb_error(rc, "the SQL text for table \"%s\" is longer than %zu bytes", table,
			  b->size);
}

const char *kvdb_pg_cast(enum kvdb_type type)
{
	static const char *const cast[] = {
		[KVDB_T_ID] = "int8",       [KVDB_T_INT] = "int4",
		[KVDB_T_FLOAT] = "float8",  [KVDB_T_DATE] = "date",
		[KVDB_T_TIMESTAMP] = "timestamp", [KVDB_T_TEXT] = "text",
	};
	return cast[type];
}
