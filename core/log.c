/*
 * log.c - the core's log
 */
#include "log.h"

#include <string.h>

static enum kv_log_level current_level = KV_LOG_INFO;
static FILE *log_stream;

static const char *const level_names[] = {"error", "warning", "info", "debug"};

void kv_log_set_level(enum kv_log_level level)
{
	current_level = level;
}

enum kv_log_level kv_log_get_level(void)
{
	return current_level;
}

void kv_log_set_stream(FILE *stream)
{
	log_stream = stream;
}

int kv_log_level_parse(const char *word, enum kv_log_level *level)
{
	for (int i = 0; i <= KV_LOG_DEBUG; i++) {
		if (strcmp(word, level_names[i]) == 0) {
			*level = (enum kv_log_level)i;
			return 0;
		}
	}
	return -1;
}

const char *kv_log_level_name(enum kv_log_level level)
{
	return level <= KV_LOG_DEBUG ? level_names[level] : "?";
}

void kv_logv(enum kv_log_level level, const char *prefix, const char *fmt, va_list ap)
{
	if (level > current_level)
		return;
	char msg[2048];
	vsnprintf(msg, sizeof msg, fmt, ap);
	/* One line per message: a stray newline would let text forge a line. */
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	FILE *out = log_stream ? log_stream : stderr;
	if (prefix != NULL)
		fprintf(out, "kvalind: %s: [%s] %s\n", kv_log_level_name(level), prefix, msg);
	else
		fprintf(out, "kvalind: %s: %s\n", kv_log_level_name(level), msg);
	fflush(out);
}

void kv_log(enum kv_log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kv_logv(level, NULL, fmt, ap);
	va_end(ap);
}
