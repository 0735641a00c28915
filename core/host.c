/*
 * host.c - the host API: logging, errors, row counts; plugins' settings
 */
#include "host.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

static void host_log(struct kv_ctx *ctx, enum kv_log_level level, const char *fmt, ...)
    KV_PRINTF(3, 4);
static void host_set_error(struct kv_ctx *ctx, const char *fmt, ...) KV_PRINTF(2, 3);

static void prefix_of(const struct kv_ctx *ctx, char *buf, size_t size)
{
	if (kv_snprintf(buf, size, "%s:%s%s%s", kv_plugin_kind_name(ctx->kind), ctx->name,
			ctx->callback ? " " : "", ctx->callback ? ctx->callback : "") != 0)
		buf[size - 1] = '\0';
}

static void host_log(struct kv_ctx *ctx, enum kv_log_level level, const char *fmt, ...)
{
	char prefix[128];
	prefix_of(ctx, prefix, sizeof prefix);
	if (level > KV_LOG_DEBUG)
		level = KV_LOG_DEBUG;
	va_list ap;
	va_start(ap, fmt);
	kv_logv(level, prefix, fmt, ap);
	va_end(ap);
}

static void host_set_error(struct kv_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ctx->error, sizeof ctx->error, fmt, ap);
	va_end(ap);
	for (char *p = ctx->error; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}

/* The count for table and reason (NULL: rows read), or NULL. */
static struct kv_row_count *find_count(const struct kv_ctx *ctx, const char *table,
				       const char *reason)
{
	for (size_t i = 0; i < ctx->n_counts; i++) {
		struct kv_row_count *c = &ctx->counts[i];
		if (strcmp(c->table, table) != 0)
			continue;
		if ((reason == NULL && c->reason == NULL) ||
		    (reason != NULL && c->reason != NULL && strcmp(c->reason, reason) == 0))
			return c;
	}
	return NULL;
}

static void add_count(struct kv_ctx *ctx, const char *table, const char *reason, uint64_t n)
{
	if (table == NULL)
		return;
	struct kv_row_count *c = find_count(ctx, table, reason);
	if (c != NULL) {
		c->n += n;
		return;
	}
	ctx->counts = kv_xrealloc(ctx->counts, ctx->n_counts + 1, sizeof *ctx->counts);
	c = &ctx->counts[ctx->n_counts++];
	c->table = kv_xstrdup(table);
	c->reason = reason ? kv_xstrdup(reason) : NULL;
	c->n = n;
}

static void host_count_rows(struct kv_ctx *ctx, const char *table, uint64_t n)
{
	add_count(ctx, table, NULL, n);
}

static void host_count_bad_rows(struct kv_ctx *ctx, const char *table, const char *reason,
				uint64_t n)
{
	add_count(ctx, table, reason ? reason : "unspecified", n);
}

static const struct kv_value_set *host_value_set(struct kv_ctx *ctx, const char *name)
{
	const struct kv_value_set *set =
	    ctx->value_sets != NULL ? kv_value_sets_find(ctx->value_sets, name) : NULL;
	if (set == NULL)
		host_log(ctx, KV_LOG_ERROR, "value set \"%s\" does not exist in the value-set file",
			 name);
	return set;
}

static bool host_in_value_set(const struct kv_value_set *set, enum kv_code_kind kind,
			      const char *code, kv_date date)
{
	return kv_value_set_contains(set, kind, code, date);
}

static int host_note_pattern(struct kv_ctx *ctx, const char *name)
{
	if (ctx->value_sets == NULL)
		return -1;
	const char *const *names, *const *rules;
	size_t n = kv_value_sets_keywords(ctx->value_sets, &names, &rules);
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

static void host_expect_patients(struct kv_ctx *ctx, uint64_t n)
{
	ctx->expected_patients = n;
}

const struct kv_host kv_host_api = {
	.abi_major = KV_ABI_MAJOR,
	.abi_minor = KV_ABI_MINOR,
	.struct_size = sizeof(struct kv_host),
	.log = host_log,
	.set_error = host_set_error,
	.count_rows = host_count_rows,
	.count_bad_rows = host_count_bad_rows,
	.value_set = host_value_set,
	.in_value_set = host_in_value_set,
	.note_pattern = host_note_pattern,
	.expect_patients = host_expect_patients,
};

/* Each setting's value (explicit, secret, default) into its field. */
static void fill_settings(struct kv_ctx *ctx, const struct kv_plugin_header *h)
{
	ctx->settings = kv_xcalloc(1, h->settings_size ? h->settings_size : 1);
	for (size_t i = 0; i < h->n_settings; i++) {
		const struct kv_setting *st = &h->settings[i];
		const char *v = ctx->cfg != NULL ? kv_config_value(ctx->cfg, ctx->section, &st->key) :
						   st->key.default_value;
		kv_setting_store(st, v, ctx->settings);
	}
}

struct kv_ctx *kv_ctx_new(const struct kv_plugin *p, const struct kv_config *cfg)
{
	struct kv_ctx *ctx = kv_xcalloc(1, sizeof *ctx);
	ctx->kind = p->kind;
	kv_strlcpy(ctx->name, p->name, sizeof ctx->name);
	kv_snprintf(ctx->section, sizeof ctx->section, "%s.%s", kv_plugin_kind_name(p->kind),
		    p->name);
	ctx->cfg = cfg;
	ctx->plugin_keys = kv_plugin_keys(p, &ctx->n_plugin_keys);
	if (p->kind == KV_PLUGIN_CONNECTOR) {
		ctx->core_keys = kv_connector_section_keys;
		ctx->n_core_keys = kv_n_connector_section_keys;
	} else {
		ctx->core_keys = kv_indicator_section_keys;
		ctx->n_core_keys = kv_n_indicator_section_keys;
	}
	fill_settings(ctx, p->header);
	return ctx;
}

void kv_ctx_enter(struct kv_ctx *ctx, const char *callback)
{
	ctx->callback = callback;
	ctx->error[0] = '\0';
}

const char *kv_ctx_error(struct kv_ctx *ctx)
{
	if (ctx->error[0] == '\0')
		kv_snprintf(ctx->error, sizeof ctx->error, "%s() failed without saying why",
			    ctx->callback ? ctx->callback : "a callback");
	return ctx->error;
}

uint64_t kv_ctx_count(const struct kv_ctx *ctx, const char *table, const char *reason)
{
	const struct kv_row_count *c = find_count(ctx, table, reason);
	return c != NULL ? c->n : 0;
}

void kv_ctx_free(struct kv_ctx *ctx)
{
	if (ctx == NULL)
		return;
	for (size_t i = 0; i < ctx->n_counts; i++) {
		free(ctx->counts[i].table);
		free(ctx->counts[i].reason);
	}
	free(ctx->counts);
	free(ctx->settings);
	free(ctx);
}
