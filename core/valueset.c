/*
 * valueset.c - loading value sets and looking codes up in them
 */
#include "valueset.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Keywords may be longer than codes ("legemiddelgjennomgang"). */
#define ENTRY_CODE_MAX 48

struct entry {
	uint8_t kind;
	bool exclude;
	bool prefix;
	char code[ENTRY_CODE_MAX];
	kv_date from, to;
};

struct kv_value_set {
	char name[48];
	struct entry *entries;
	size_t n, cap;
};

struct kv_value_sets {
	char version[64];
	char catalogue[16];
	struct kv_value_set *sets;
	size_t n, cap;
	char **keyword_names;
	char **keyword_rules;
	size_t n_keywords;
};

_Static_assert((int)KV_CODES_SNOMED == (int)KV_CODE_SNOMED,
	       "a diagnosis's system is passed to in_value_set as its kind");

static const struct {
	const char *word;
	enum kv_code_kind kind;
} kinds[] = {
	{"ICPC-2", KV_CODES_ICPC2}, {"ICD-10", KV_CODES_ICD10},   {"ATC", KV_CODES_ATC},
	{"ANALYSIS", KV_CODES_ANALYSIS}, {"FEE", KV_CODES_FEE}, {"FORM", KV_CODES_FORM},
	{"RXGROUP", KV_CODES_RXGROUP}, {"KEYWORD", KV_CODES_KEYWORD}, {"SNOMED", KV_CODES_SNOMED},
};

void kv_normalise_code(char *code, enum kv_code_kind kind)
{
	kv_trim(code);
	if (kind == KV_CODES_FORM || kind == KV_CODES_KEYWORD)
		return;
	char *w = code;
	for (const char *r = code; *r; r++) {
		if (*r == '.' && (kind == KV_CODES_ICPC2 || kind == KV_CODES_ICD10))
			continue;
		*w++ = (char)toupper((unsigned char)*r);
	}
	*w = '\0';
}

static bool parse_date(const char *s, kv_date *out)
{
	int y, m, d;
	char tail;
	if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || strlen(s) != 10)
		return false;
	if (m < 1 || m > 12 || d < 1 || y < 1900 || y > 2199 || d > kv_days_in_month(y, m))
		return false;
	*out = kv_date_from_ymd(y, m, d);
	return true;
}

static struct kv_value_set *set_for(struct kv_value_sets *vs, const char *name)
{
	for (size_t i = 0; i < vs->n; i++)
		if (strcmp(vs->sets[i].name, name) == 0)
			return &vs->sets[i];
	if (vs->n == vs->cap) {
		vs->cap = vs->cap ? vs->cap * 2 : 32;
		vs->sets = kv_xrealloc(vs->sets, vs->cap, sizeof *vs->sets);
	}
	struct kv_value_set *s = &vs->sets[vs->n++];
	memset(s, 0, sizeof *s);
	kv_strlcpy(s->name, name, sizeof s->name);
	return s;
}

static bool valid_set_name(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n >= 48)
		return false;
	for (const char *p = name; *p; p++)
		if (!(isupper((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_'))
			return false;
	return true;
}

static bool valid_keyword(const char *w)
{
	if (*w == '\0')
		return false;
	for (const char *p = w; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || (unsigned char)*p >= 0x80))
			return false;
	return true;
}

/* One "SET KIND CODE [FROM [TO]]" line. */
static void parse_entry(struct kv_value_sets *vs, char *line, const char *path, int lineno,
			struct kv_diags *d)
{
	char *fields[6];
	int n = 0;
	for (char *tok = strtok(line, " \t"); tok != NULL && n < 6; tok = strtok(NULL, " \t"))
		fields[n++] = tok;
	if (n < 3 || n > 5) {
		kv_diags_add(d, "%s:%d: expected \"SET KIND CODE [FROM [TO]]\"", path, lineno);
		return;
	}
	if (!valid_set_name(fields[0])) {
		kv_diags_add(d, "%s:%d: value set name \"%s\" is not upper case A-Z, 0-9, '_'", path,
			     lineno, fields[0]);
		return;
	}
	struct entry e = {.from = INT32_MIN, .to = KV_DATE_OPEN};
	size_t k;
	for (k = 0; k < KV_ARRAY_SIZE(kinds); k++)
		if (strcmp(fields[1], kinds[k].word) == 0)
			break;
	if (k == KV_ARRAY_SIZE(kinds)) {
		kv_diags_add(d,
			     "%s:%d: unknown code kind \"%s\"; allowed: ICPC-2, ICD-10, ATC, "
			     "ANALYSIS, FEE, FORM, RXGROUP, KEYWORD, SNOMED",
			     path, lineno, fields[1]);
		return;
	}
	e.kind = (uint8_t)kinds[k].kind;
	char *code = fields[2];
	if (*code == '!') {
		e.exclude = true;
		code++;
	}
	size_t len = strlen(code);
	if (len > 0 && code[len - 1] == '*' && e.kind == KV_CODES_ATC) {
		e.prefix = true;
		code[--len] = '\0';
	}
	size_t max = e.kind == KV_CODES_KEYWORD ? ENTRY_CODE_MAX - 1 : KV_CODE_MAX - 1;
	if (len == 0 || len > max) {
		kv_diags_add(d, "%s:%d: code \"%s\" is empty or longer than %zu characters", path,
			     lineno, fields[2], max);
		return;
	}
	if (e.kind == KV_CODES_KEYWORD && (e.exclude || !valid_keyword(code))) {
		kv_diags_add(d,
			     "%s:%d: keyword \"%s\" must be lower-case letters or digits, without "
			     "'!'",
			     path, lineno, fields[2]);
		return;
	}
	kv_strlcpy(e.code, code, sizeof e.code);
	kv_normalise_code(e.code, (enum kv_code_kind)e.kind);
	if (e.kind == KV_CODES_ICD10)
		e.prefix = true;
	if (n >= 4 && strcmp(fields[3], "-") != 0 && !parse_date(fields[3], &e.from)) {
		kv_diags_add(d, "%s:%d: FROM \"%s\" is not a date as YYYY-MM-DD or '-'", path, lineno,
			     fields[3]);
		return;
	}
	if (n == 5 && strcmp(fields[4], "-") != 0 && !parse_date(fields[4], &e.to)) {
		kv_diags_add(d, "%s:%d: TO \"%s\" is not a date as YYYY-MM-DD or '-'", path, lineno,
			     fields[4]);
		return;
	}
	if (e.from > e.to) {
		kv_diags_add(d, "%s:%d: FROM is after TO", path, lineno);
		return;
	}
	struct kv_value_set *s = set_for(vs, fields[0]);
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 8;
		s->entries = kv_xrealloc(s->entries, s->cap, sizeof *s->entries);
	}
	s->entries[s->n++] = e;
}

static void build_keywords(struct kv_value_sets *vs)
{
	for (size_t i = 0; i < vs->n; i++) {
		const struct kv_value_set *s = &vs->sets[i];
		if (s->n == 0 || s->entries[0].kind != KV_CODES_KEYWORD)
			continue;
		size_t len = 1;
		for (size_t j = 0; j < s->n; j++)
			len += strlen(s->entries[j].code) + 1;
		char *rule = kv_xcalloc(len, 1);
		size_t used = 0;
		for (size_t j = 0; j < s->n; j++) {
			size_t n = strlen(s->entries[j].code);
			if (j > 0)
				rule[used++] = '|';
			memcpy(rule + used, s->entries[j].code, n);
			used += n;
		}
		rule[used] = '\0';
		vs->keyword_names = kv_xrealloc(vs->keyword_names, vs->n_keywords + 1, sizeof(char *));
		vs->keyword_rules = kv_xrealloc(vs->keyword_rules, vs->n_keywords + 1, sizeof(char *));
		vs->keyword_names[vs->n_keywords] = kv_xstrdup(s->name);
		vs->keyword_rules[vs->n_keywords] = rule;
		vs->n_keywords++;
	}
}

static void check_sets(struct kv_value_sets *vs, const char *path, struct kv_diags *d)
{
	for (size_t i = 0; i < vs->n; i++) {
		const struct kv_value_set *s = &vs->sets[i];
		bool keyword = false, other = false;
		for (size_t j = 0; j < s->n; j++) {
			if (s->entries[j].kind == KV_CODES_KEYWORD)
				keyword = true;
			else
				other = true;
		}
		if (keyword && other)
			kv_diags_add(d, "%s: value set %s mixes KEYWORD with other kinds", path,
				     s->name);
	}
	if (vs->version[0] == '\0')
		kv_diags_add(d, "%s: missing \"version VERSION\" line", path);
	if (vs->catalogue[0] == '\0')
		kv_diags_add(d, "%s: missing \"catalogue VERSION\" line", path);
}

struct kv_value_sets *kv_value_sets_load(const char *path, struct kv_diags *d)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		kv_diags_add(d, "could not open value sets \"%s\": %s", path, strerror(errno));
		return NULL;
	}
	struct kv_value_sets *vs = kv_xcalloc(1, sizeof *vs);
	size_t errors = d->n;
	char line[512];
	int lineno = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			kv_diags_add(d, "%s:%d: line longer than %zu bytes", path, lineno,
				     sizeof line - 2);
			int c;
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			continue;
		}
		char *hash = strchr(line, '#');
		if (hash != NULL)
			*hash = '\0';
		kv_trim(line);
		if (line[0] == '\0')
			continue;
		char word[32], value[80], tail[8];
		if (sscanf(line, "%31s %79s %7s", word, value, tail) == 2 &&
		    (strcmp(word, "version") == 0 || strcmp(word, "catalogue") == 0)) {
			if (strcmp(word, "version") == 0)
				kv_strlcpy(vs->version, value, sizeof vs->version);
			else
				kv_strlcpy(vs->catalogue, value, sizeof vs->catalogue);
			continue;
		}
		parse_entry(vs, line, path, lineno, d);
	}
	if (ferror(f))
		kv_diags_add(d, "could not read value sets \"%s\": %s", path, strerror(errno));
	fclose(f);
	check_sets(vs, path, d);
	if (d->n > errors) {
		kv_value_sets_free(vs);
		return NULL;
	}
	build_keywords(vs);
	return vs;
}

void kv_value_sets_free(struct kv_value_sets *vs)
{
	if (vs == NULL)
		return;
	for (size_t i = 0; i < vs->n; i++)
		free(vs->sets[i].entries);
	for (size_t i = 0; i < vs->n_keywords; i++) {
		free(vs->keyword_names[i]);
		free(vs->keyword_rules[i]);
	}
	free(vs->keyword_names);
	free(vs->keyword_rules);
	free(vs->sets);
	free(vs);
}

const char *kv_value_sets_version(const struct kv_value_sets *vs)
{
	return vs->version;
}

const char *kv_value_sets_catalogue(const struct kv_value_sets *vs)
{
	return vs->catalogue;
}

const struct kv_value_set *kv_value_sets_find(const struct kv_value_sets *vs, const char *name)
{
	for (size_t i = 0; i < vs->n; i++)
		if (strcmp(vs->sets[i].name, name) == 0)
			return &vs->sets[i];
	return NULL;
}

static bool entry_matches(const struct entry *e, enum kv_code_kind kind, const char *code,
			  kv_date date)
{
	if (e->kind != kind || date < e->from || date > e->to)
		return false;
	if (e->prefix)
		return strncmp(code, e->code, strlen(e->code)) == 0;
	return strcmp(code, e->code) == 0;
}

bool kv_value_set_contains(const struct kv_value_set *set, enum kv_code_kind kind,
			   const char *code, kv_date date)
{
	if (set == NULL || code == NULL || *code == '\0')
		return false;
	bool in = false;
	for (size_t i = 0; i < set->n; i++) {
		const struct entry *e = &set->entries[i];
		if (!entry_matches(e, kind, code, date))
			continue;
		if (e->exclude)
			return false;
		in = true;
	}
	return in;
}

size_t kv_value_sets_keywords(const struct kv_value_sets *vs, const char *const **names,
			      const char *const **rules)
{
	*names = (const char *const *)vs->keyword_names;
	*rules = (const char *const *)vs->keyword_rules;
	return vs->n_keywords;
}
