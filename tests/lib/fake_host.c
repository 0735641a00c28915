/* fake_host.c - the fake struct kv_host of the plugin, connector and fuzz tests */
#include "fake_host.h"
#include "../../core/setting.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kv_ctx fake_host_default;

static struct kv_ctx *of(struct kv_ctx *ctx)
{
	return ctx != NULL ? ctx : &fake_host_default;
}

/* ---- value sets ----------------------------------------------------------- */

struct fake_entry {
	enum kv_code_kind kind;
	char code[KV_CODE_MAX + 2];
	bool prefix, exclude;
	kv_date from, to;
};

struct kv_value_set {
	char name[64];
	struct fake_entry *entries;
	size_t n, cap;
};

static struct kv_value_set *all_sets;
static size_t n_sets, cap_sets;

static kv_date parse_date(const char *s, kv_date open)
{
	int y, m, d;
	if (s == NULL || strcmp(s, "-") == 0 || sscanf(s, "%d-%d-%d", &y, &m, &d) != 3)
		return open;
	return kv_date_from_ymd(y, m, d);
}

/*
 * ICD-10 by prefix, ATC ending in '*' by prefix, the rest exactly, '!'
 * excludes, each entry valid from .. to (inclusive).
 */
void fake_host_load_value_sets(const char *prog)
{
	const char *src = getenv("KV_SOURCE_DIR"), *bld = getenv("KV_BUILD_DIR");
	char path[4096];
	FILE *f = NULL;
	if (src != NULL) {
		snprintf(path, sizeof path, "%s/conf/valuesets.txt", src);
		f = fopen(path, "r");
	}
	if (f == NULL && bld != NULL) {
		snprintf(path, sizeof path, "%s/../conf/valuesets.txt", bld);
		f = fopen(path, "r");
	}
	if (f == NULL) {
		snprintf(path, sizeof path, "conf/valuesets.txt");
		f = fopen(path, "r");
	}
	if (f == NULL) {
		fprintf(stderr, "%s: cannot find conf/valuesets.txt\n", prog);
		exit(2);
	}
	static const struct {
		const char *word;
		enum kv_code_kind kind;
	} kinds[] = {{"ICPC-2", KV_CODES_ICPC2}, {"ICD-10", KV_CODES_ICD10},
		     {"ATC", KV_CODES_ATC},       {"ANALYSIS", KV_CODES_ANALYSIS},
		     {"FEE", KV_CODES_FEE},       {"FORM", KV_CODES_FORM},
		     {"RXGROUP", KV_CODES_RXGROUP}, {"KEYWORD", KV_CODES_KEYWORD}};
	char line[512];
	while (fgets(line, sizeof line, f) != NULL) {
		char name[64], kind[32], code[64], from[32], to[32];
		int k = sscanf(line, "%63s %31s %63s %31s %31s", name, kind, code, from, to);
		if (k < 3 || name[0] == '#')
			continue;
		size_t ki = 0;
		while (ki < sizeof kinds / sizeof kinds[0] && strcmp(kinds[ki].word, kind) != 0)
			ki++;
		if (ki == sizeof kinds / sizeof kinds[0])
			continue; /* "catalogue 1", "version 1.0" */
		struct kv_value_set *set = NULL;
		for (size_t i = 0; i < n_sets; i++)
			if (strcmp(all_sets[i].name, name) == 0)
				set = &all_sets[i];
		if (set == NULL) {
			if (n_sets == cap_sets) {
				cap_sets = cap_sets ? 2 * cap_sets : 64;
				all_sets = realloc(all_sets, cap_sets * sizeof *all_sets);
			}
			set = &all_sets[n_sets++];
			memset(set, 0, sizeof *set);
			snprintf(set->name, sizeof set->name, "%s", name);
		}
		if (set->n == set->cap) {
			set->cap = set->cap ? 2 * set->cap : 8;
			set->entries = realloc(set->entries, set->cap * sizeof *set->entries);
		}
		struct fake_entry *e = &set->entries[set->n++];
		memset(e, 0, sizeof *e);
		e->kind = kinds[ki].kind;
		const char *c = code;
		if (*c == '!')
			e->exclude = true, c++;
		size_t j = 0;
		for (; *c != '\0' && j < sizeof e->code - 1; c++)
			if (*c != '.')
				e->code[j++] = *c;
		if (j > 0 && e->code[j - 1] == '*')
			e->code[--j] = '\0', e->prefix = true;
		if (e->kind == KV_CODES_ICD10)
			e->prefix = true;
		e->from = parse_date(k >= 4 ? from : NULL, INT32_MIN);
		e->to = parse_date(k >= 5 ? to : NULL, KV_DATE_OPEN);
	}
	fclose(f);
	if (n_sets == 0) {
		fprintf(stderr, "%s: no value sets in %s\n", prog, path);
		exit(2);
	}
}

void fake_host_free_value_sets(void)
{
	for (size_t i = 0; i < n_sets; i++)
		free(all_sets[i].entries);
	free(all_sets);
	all_sets = NULL;
	n_sets = cap_sets = 0;
}

/* ---- the callbacks ---------------------------------------------------------- */

static void fake_log(struct kv_ctx *ctx, enum kv_log_level level, const char *fmt, ...)
    KV_PRINTF(3, 4);
static void fake_log(struct kv_ctx *ctx, enum kv_log_level level, const char *fmt, ...)
{
	static const char *const names[] = {"error", "warning", "info", "debug"};
	char line[1024];
	va_list ap;
	if (ctx == NULL) { /* worker threads log too (kvdb): record nothing */
		if (getenv("FUZZ_VERBOSE") != NULL) {
			va_start(ap, fmt);
			vsnprintf(line, sizeof line, fmt, ap);
			va_end(ap);
			fprintf(stderr, "log: %s\n", line);
		}
		return;
	}
	if (level == KV_LOG_WARNING)
		ctx->warnings++;
	if (level == KV_LOG_ERROR)
		ctx->errors++;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (ctx->verbose || getenv("FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "log: %s\n", line);
	if (ctx->log_len + 8 >= sizeof(ctx->log))
		return;
	int n = snprintf(ctx->log + ctx->log_len, sizeof(ctx->log) - ctx->log_len, "[%s] ",
			 (unsigned)level < 4 ? names[level] : "?");
	if (n > 0)
		ctx->log_len += (size_t)n;
	va_start(ap, fmt);
	n = vsnprintf(ctx->log + ctx->log_len, sizeof(ctx->log) - ctx->log_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		ctx->log_len += (size_t)n;
	if (ctx->log_len + 2 < sizeof(ctx->log))
		ctx->log[ctx->log_len++] = '\n';
	else
		ctx->log_len = sizeof(ctx->log) - 1;
	ctx->log[ctx->log_len] = '\0';
}

static void fake_set_error(struct kv_ctx *ctx, const char *fmt, ...) KV_PRINTF(2, 3);
static void fake_set_error(struct kv_ctx *ctx, const char *fmt, ...)
{
	ctx = of(ctx);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ctx->error, sizeof ctx->error, fmt, ap);
	va_end(ap);
	ctx->n_errors++;
	if (ctx->verbose || getenv("FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "error: %s\n", ctx->error);
}

const char *fake_host_config(struct kv_ctx *ctx, const char *key)
{
	ctx = of(ctx);
	for (size_t i = 0; i < 8 && ctx->config[i][0] != NULL; i++)
		if (strcmp(ctx->config[i][0], key) == 0)
			return ctx->config[i][1];
	if (ctx->plugin != NULL)
		for (size_t i = 0; i < ctx->plugin->n_settings; i++)
			if (strcmp(ctx->plugin->settings[i].key.key, key) == 0)
				return ctx->plugin->settings[i].key.default_value;
	ctx->config_errors++; /* an undeclared key */
	ctx->errors++;
	return NULL;
}

int64_t fake_host_config_int(struct kv_ctx *ctx, const char *key)
{
	const char *v = fake_host_config(ctx, key);
	return v ? strtoll(v, NULL, 10) : 0;
}

void fake_host_fill_settings(struct kv_ctx *ctx, const struct kv_plugin_header *plugin)
{
	ctx = of(ctx);
	ctx->plugin = plugin;
	memset(ctx->settings, 0, sizeof ctx->settings);
	if (plugin->settings_size > sizeof ctx->settings) {
		fprintf(stderr, "fake_host: %s's settings struct (%u bytes) is larger than %zu\n",
			plugin->name, (unsigned)plugin->settings_size, sizeof ctx->settings);
		abort();
	}
	for (size_t i = 0; i < plugin->n_settings; i++) {
		const struct kv_setting *st = &plugin->settings[i];
		const char *v = fake_host_config(ctx, st->key.key);
		/* not checked against the key's bounds: the plugin tests give
		 * values out of range on purpose, to reach init's own checks */
		kv_setting_store(st, v, ctx->settings);
	}
}

struct kv_call fake_host_call(struct kv_ctx *ctx, void *state)
{
	return (struct kv_call){.struct_size = sizeof(struct kv_call), .host = &fake_host,
				.ctx = ctx, .state = state,
				.settings = of(ctx)->settings};
}

static void fake_count_rows(struct kv_ctx *ctx, const char *table, uint64_t n)
{
	ctx = of(ctx);
	if (ctx->strict && (table == NULL || *table == '\0'))
		abort();
	ctx->rows_total += n;
	for (size_t i = 0; i < ctx->n_rows; i++)
		if (strcmp(ctx->rows[i].table, table) == 0) {
			ctx->rows[i].n += n;
			return;
		}
	if (ctx->n_rows < FAKE_HOST_COUNTS) {
		snprintf(ctx->rows[ctx->n_rows].table, sizeof(ctx->rows[0].table), "%s", table);
		ctx->rows[ctx->n_rows++].n = n;
	}
}

static void fake_count_bad(struct kv_ctx *ctx, const char *table, const char *reason,
			   uint64_t n)
{
	ctx = of(ctx);
	if (ctx->strict && (table == NULL || reason == NULL || *reason == '\0' || n == 0))
		abort();
	ctx->bad_total += n;
	for (size_t i = 0; i < ctx->n_bad; i++)
		if (strcmp(ctx->bad[i].table, table) == 0 && strcmp(ctx->bad[i].reason, reason) == 0) {
			ctx->bad[i].n += n;
			return;
		}
	if (ctx->n_bad < FAKE_HOST_COUNTS) {
		snprintf(ctx->bad[ctx->n_bad].table, sizeof(ctx->bad[0].table), "%s", table);
		snprintf(ctx->bad[ctx->n_bad].reason, sizeof(ctx->bad[0].reason), "%s", reason);
		ctx->bad[ctx->n_bad++].n = n;
	}
}

static const struct kv_value_set *fake_value_set(struct kv_ctx *ctx, const char *name)
{
	ctx = of(ctx);
	if (ctx->n_asked < 32)
		ctx->asked[ctx->n_asked++] = name;
	if (ctx->missing_set != NULL && strcmp(ctx->missing_set, name) == 0) {
		ctx->errors++;
		return NULL;
	}
	for (size_t i = 0; i < n_sets; i++)
		if (strcmp(all_sets[i].name, name) == 0)
			return &all_sets[i];
	ctx->errors++;
	return NULL;
}

static bool fake_in_value_set(const struct kv_value_set *set, enum kv_code_kind kind,
			      const char *code, kv_date date)
{
	if (set == NULL || code == NULL || *code == '\0')
		return false;
	bool in = false;
	for (size_t i = 0; i < set->n; i++) {
		const struct fake_entry *e = &set->entries[i];
		if (e->kind != kind || date < e->from || date > e->to)
			continue;
		if (e->prefix ? strncmp(code, e->code, strlen(e->code)) == 0
			      : strcmp(code, e->code) == 0) {
			if (e->exclude)
				return false;
			in = true;
		}
	}
	return in;
}

static int fake_note_pattern(struct kv_ctx *ctx, const char *name)
{
	return strcmp(name, "LMG_NOTE") == 0 ? of(ctx)->note_pattern : -1;
}

static void fake_expect_patients(struct kv_ctx *ctx, uint64_t n)
{
	(void)ctx;
	(void)n;
}

const struct kv_host fake_host = {
	.abi_major = KV_ABI_MAJOR,
	.abi_minor = KV_ABI_MINOR,
	.struct_size = sizeof(struct kv_host),
	.log = fake_log,
	.set_error = fake_set_error,
	.count_rows = fake_count_rows,
	.count_bad_rows = fake_count_bad,
	.value_set = fake_value_set,
	.in_value_set = fake_in_value_set,
	.note_pattern = fake_note_pattern,
	.expect_patients = fake_expect_patients,
};
