/*
 * log.h - the core's log: one line per message on stderr (or a test's stream)
 *
 * Lines look like "kvalind: error: [connector:reference open] message".
 * Messages never carry identifiers or free text from the record system; the
 * core's own messages name files, keys, plugins and tables only.
 */
#ifndef KVALIND_LOG_H
#define KVALIND_LOG_H

#include <stdarg.h>
#include <stdio.h>

#include "kvalind/kv_plugin.h"

void kv_log_set_level(enum kv_log_level level);
enum kv_log_level kv_log_get_level(void);
/* Where lines go; NULL restores stderr. Borrowed: must outlive its use. */
void kv_log_set_stream(FILE *stream);
/* Parse "error", "warning", "info" or "debug". 0 on success, -1 otherwise. */
int kv_log_level_parse(const char *word, enum kv_log_level *level);
const char *kv_log_level_name(enum kv_log_level level);

/* prefix may be NULL; it is printed in brackets before the message. */
void kv_logv(enum kv_log_level level, const char *prefix, const char *fmt, va_list ap)
    KV_PRINTF(3, 0);
void kv_log(enum kv_log_level level, const char *fmt, ...) KV_PRINTF(2, 3);

#define kv_error(...) kv_log(KV_LOG_ERROR, __VA_ARGS__)
#define kv_warning(...) kv_log(KV_LOG_WARNING, __VA_ARGS__)
#define kv_info(...) kv_log(KV_LOG_INFO, __VA_ARGS__)
#define kv_debug(...) kv_log(KV_LOG_DEBUG, __VA_ARGS__)

#endif /* KVALIND_LOG_H */
