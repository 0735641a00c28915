/*
 * ini_store.c - an INI file read into memory through inih
 */
#define _GNU_SOURCE /* fmemopen is POSIX 2008; getline too */
#include "ini_store.h"

#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

struct reader {
	FILE *file;
	struct kv_ini *ini;
	struct kv_diags *diags;
	int lineno;
	char *raw;          /* the current line as read, without its newline */
	size_t raw_cap;
	int last_error_line;
	size_t entries_cap;
	size_t sections_cap;
};

static void add_section(struct reader *r, const char *name, size_t len)
{
	struct kv_ini *ini = r->ini;
	if (ini->n_sections == r->sections_cap) {
		r->sections_cap = r->sections_cap ? r->sections_cap * 2 : 8;
		ini->sections = kv_xrealloc(ini->sections, r->sections_cap, sizeof *ini->sections);
	}
	struct kv_ini_section *s = &ini->sections[ini->n_sections++];
	s->name = kv_xcalloc(len + 1, 1);
	memcpy(s->name, name, len);
	s->line = r->lineno;
}

static void line_error(struct reader *r, const char *msg)
{
	kv_diags_add(r->diags, "%s:%d: %s", r->ini->path, r->lineno, msg);
	r->last_error_line = r->lineno;
}

/* Look at a raw line before inih does: sections, syntax, length. */
static void inspect_line(struct reader *r)
{
	char *s = r->raw;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0' || *s == ';' || *s == '#')
		return;
	if (*s == '[') {
		char *end = strchr(s, ']');
		if (end == NULL) {
			line_error(r, "syntax error: section header without ']'");
			return;
		}
		add_section(r, s + 1, (size_t)(end - s - 1));
		return;
	}
	if (s == r->raw && strpbrk(s, "=:") == NULL)
		line_error(r, "syntax error: expected \"[section]\" or \"key = value\"");
}

static char *reader_fgets(char *str, int num, void *stream)
{
	struct reader *r = stream;
	ssize_t len = getline(&r->raw, &r->raw_cap, r->file);
	if (len < 0)
		return NULL;
	r->lineno++;
	if ((size_t)len != strlen(r->raw)) {
		line_error(r, "line contains a NUL byte");
		r->raw[0] = '\0';
		len = 0;
	}
	while (len > 0 && (r->raw[len - 1] == '\n' || r->raw[len - 1] == '\r'))
		r->raw[--len] = '\0';
	/* A UTF-8 byte order mark, as editors on Windows write it. */
	if (r->lineno == 1 && len >= 3 && memcmp(r->raw, "\xef\xbb\xbf", 3) == 0) {
		memmove(r->raw, r->raw + 3, (size_t)len - 2);
		len -= 3;
	}
	/* inih needs room for CR, LF and NUL after the text. */
	if (len > num - 3) {
		char msg[256];
		kv_snprintf(msg, sizeof msg,
			    "line is %zd bytes long, the limit is %d; split a long connection "
			    "string over indented continuation lines",
			    len, num - 3);
		line_error(r, msg);
		r->raw[0] = '\0';
		len = 0;
	}
	inspect_line(r);
	memcpy(str, r->raw, (size_t)len);
	str[len] = '\n';
	str[len + 1] = '\0';
	return str;
}

/* The text after the first '=' or ':' of the raw line, trimmed. */
static char *raw_value_of_key_line(const char *raw)
{
	const char *eq = strpbrk(raw, "=:");
	char *v = kv_xstrdup(eq ? eq + 1 : "");
	return kv_trim(v);
}

static char *join(char *a, const char *sep, const char *b)
{
	size_t la = strlen(a), ls = strlen(sep), lb = strlen(b);
	char *out = kv_xrealloc(a, la + ls + lb + 1, 1);
	memcpy(out + la, sep, ls);
	memcpy(out + la + ls, b, lb + 1);
	return out;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct reader *r = user;
	struct kv_ini *ini = r->ini;
	bool indented = r->raw[0] == ' ' || r->raw[0] == '\t';

	if (indented && ini->n_entries > 0) {
		struct kv_ini_entry *prev = &ini->entries[ini->n_entries - 1];
		if (strcmp(prev->section, section) == 0 && strcmp(prev->key, name) == 0 &&
		    prev->last_line < r->lineno) {
			char *raw = kv_trim(kv_xstrdup(r->raw));
			prev->value = join(prev->value, "\n", value);
			prev->raw = join(prev->raw, "", raw);
			free(raw);
			prev->last_line = r->lineno;
			return 1;
		}
	}
	if (*name == '\0') {
		line_error(r, "syntax error: missing key name before '='");
		return 1;
	}
	if (ini->n_entries == r->entries_cap) {
		r->entries_cap = r->entries_cap ? r->entries_cap * 2 : 32;
		ini->entries = kv_xrealloc(ini->entries, r->entries_cap, sizeof *ini->entries);
	}
	struct kv_ini_entry *e = &ini->entries[ini->n_entries++];
	memset(e, 0, sizeof *e);
	e->section = kv_xstrdup(section);
	e->key = kv_xstrdup(name);
	e->value = kv_xstrdup(value);
	e->raw = raw_value_of_key_line(r->raw);
	e->line = e->last_line = r->lineno;
	return 1;
}

static struct kv_ini *parse_file(FILE *f, const char *name, struct kv_diags *d)
{
	struct kv_ini *ini = kv_xcalloc(1, sizeof *ini);
	ini->path = kv_xstrdup(name);
	struct reader r = {.file = f, .ini = ini, .diags = d};
	int rc = ini_parse_stream(reader_fgets, &r, handler, &r);
	if (rc > 0) {
		char where[64];
		kv_snprintf(where, sizeof where, ":%d: ", rc);
		if (!kv_diags_contains(d, where))
			kv_diags_add(d, "%s:%d: syntax error", name, rc);
	}
	else if (rc == -2)
		kv_diags_add(d, "%s: out of memory while parsing", name);
	free(r.raw);
	return ini;
}

struct kv_ini *kv_ini_read(const char *path, struct kv_diags *d, struct stat *st_out)
{
	struct kv_ini *ini = NULL;
	FILE *f = NULL;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; a regular
	 * file is read blocking as usual once it is known to be one. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		kv_diags_add(d, "could not open \"%s\": %s", path, strerror(errno));
		goto done;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		kv_diags_add(d, "\"%s\" is not a regular file", path);
		goto done;
	}
	int flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
		kv_diags_add(d, "could not read \"%s\": %s", path, strerror(errno));
		goto done;
	}
	if (st_out != NULL)
		*st_out = st;
	f = fdopen(fd, "r");
	if (f == NULL) {
		kv_diags_add(d, "could not read \"%s\": %s", path, strerror(errno));
		goto done;
	}
	fd = -1;
	ini = parse_file(f, path, d);
	if (ferror(f)) {
		kv_diags_add(d, "could not read \"%s\": %s", path, strerror(errno));
		kv_ini_free(ini);
		ini = NULL;
	}
done:
	if (f != NULL)
		fclose(f);
	if (fd >= 0)
		close(fd);
	return ini;
}

struct kv_ini *kv_ini_read_string(const char *name, const char *text, struct kv_diags *d)
{
	size_t len = strlen(text);
	FILE *f = fmemopen((void *)text, len ? len : 1, "r");
	if (f == NULL) {
		kv_diags_add(d, "%s: %s", name, strerror(errno));
		return NULL;
	}
	if (len == 0) {
		fclose(f);
		f = fmemopen((void *)"\n", 1, "r");
		if (f == NULL)
			return NULL;
	}
	struct kv_ini *ini = parse_file(f, name, d);
	fclose(f);
	return ini;
}

struct kv_ini_entry *kv_ini_find(const struct kv_ini *ini, const char *section, const char *key)
{
	for (size_t i = 0; i < ini->n_entries; i++)
		if (strcmp(ini->entries[i].section, section) == 0 &&
		    strcmp(ini->entries[i].key, key) == 0)
			return &ini->entries[i];
	return NULL;
}

int kv_ini_section_line(const struct kv_ini *ini, const char *section)
{
	for (size_t i = 0; i < ini->n_sections; i++)
		if (strcmp(ini->sections[i].name, section) == 0)
			return ini->sections[i].line;
	return 0;
}

void kv_ini_free(struct kv_ini *ini)
{
	if (ini == NULL)
		return;
	for (size_t i = 0; i < ini->n_entries; i++) {
		free(ini->entries[i].section);
		free(ini->entries[i].key);
		free(ini->entries[i].value);
		free(ini->entries[i].raw);
	}
	for (size_t i = 0; i < ini->n_sections; i++)
		free(ini->sections[i].name);
	free(ini->entries);
	free(ini->sections);
	free(ini->path);
	free(ini);
}
