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

/* The kinds a set may hold (enum kv_code_kind runs 1..KINDS - 1). */
#define KINDS ((int)KV_CODES_SNOMED + 1)

/*
 * The lookup index of a set, built once after loading: one hash table over
 * the distinct keys (kind, exact or prefix, code), each key naming the run of
 * entries that have it (in file order) in `order`. A lookup hashes the code
 * whole for the exact entries, and each of its first L characters for every
 * length L some prefix entry of that kind has (ICD-10 categories, ATC "X*"),
 * visiting only the entries whose code matches. The answer is the same as
 * checking every entry in turn.
 */
struct slot {
	uint32_t hash;
	uint32_t first; /* into order; UINT32_MAX: empty slot */
	uint32_t count;
};

struct kv_value_set {
	char name[48];
	struct entry *entries;
	size_t n, cap;
	uint32_t *order;             /* entry indices grouped by key */
	struct slot *slots;          /* mask + 1 of them */
	uint32_t mask;
	uint16_t exact_kinds;        /* bit K: the set has exact entries of kind K */
	uint64_t prefix_lens[KINDS]; /* bit L: a prefix entry of kind K has length L */
	uint64_t first[KINDS];       /* bit c % 64: an entry of kind K starts with c */
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
	/* exactly YYYY-MM-DD: sscanf's %d would also take a sign ("2020-+1-01") */
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return false;
	if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
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

/* FNV-1a, started from the kind, so a prefix's hash grows a character at
 * a time; finished differently for exact and prefix keys. */
static inline uint32_t hash_start(int kind)
{
	return (2166136261u ^ (uint32_t)kind) * 16777619u;
}

static inline uint32_t hash_add(uint32_t h, unsigned char c)
{
	return (h ^ c) * 16777619u;
}

static inline uint32_t hash_end(uint32_t h, bool prefix)
{
	h ^= prefix ? 0x9e3779b9u : 0x85ebca6bu;
	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	return h;
}

static uint32_t key_hash(const struct entry *e)
{
	uint32_t h = hash_start(e->kind);
	for (const char *c = e->code; *c; c++)
		h = hash_add(h, (unsigned char)*c);
	return hash_end(h, e->prefix);
}

static bool same_key(const struct entry *a, const struct entry *b)
{
	return a->kind == b->kind && a->prefix == b->prefix && strcmp(a->code, b->code) == 0;
}

/* The slot of the key of entry e (its own or an empty one). */
static struct slot *find_slot(struct kv_value_set *s, const struct entry *e, uint32_t h)
{
	for (uint32_t i = h & s->mask;; i = (i + 1) & s->mask) {
		struct slot *sl = &s->slots[i];
		if (sl->first == UINT32_MAX ||
		    (sl->hash == h && same_key(&s->entries[s->order[sl->first]], e)))
			return sl;
	}
}

static void build_index(struct kv_value_set *s)
{
	uint32_t size = 8;
	while (size < 2 * s->n)
		size *= 2;
	s->mask = size - 1;
	s->slots = kv_xcalloc(size, sizeof *s->slots);
	for (uint32_t i = 0; i < size; i++)
		s->slots[i].first = UINT32_MAX;
	s->order = kv_xcalloc(s->n ? s->n : 1, sizeof *s->order);
	uint32_t *hashes = kv_xcalloc(s->n ? s->n : 1, sizeof *hashes);
	/* count the entries of each key ... */
	for (size_t i = 0; i < s->n; i++) {
		const struct entry *e = &s->entries[i];
		hashes[i] = key_hash(e);
		s->first[e->kind] |= UINT64_C(1) << ((unsigned char)e->code[0] % 64);
		if (e->prefix)
			s->prefix_lens[e->kind] |= UINT64_C(1) << strlen(e->code);
		else
			s->exact_kinds |= (uint16_t)(1u << e->kind);
		struct slot *sl = find_slot(s, e, hashes[i]);
		if (sl->first == UINT32_MAX) {
			sl->hash = hashes[i];
			sl->first = (uint32_t)i; /* for now: the key's first entry */
			s->order[i] = (uint32_t)i;
		}
		sl->count++;
	}
	/* ... give each key its run of order, then fill the runs in file order */
	uint32_t used = 0;
	uint32_t *fill = kv_xcalloc(size, sizeof *fill);
	for (uint32_t i = 0; i < size; i++) {
		struct slot *sl = &s->slots[i];
		if (sl->first == UINT32_MAX)
			continue;
		fill[i] = used;
		used += sl->count;
	}
	uint32_t *order = kv_xcalloc(s->n ? s->n : 1, sizeof *order);
	for (size_t i = 0; i < s->n; i++) {
		struct slot *sl = find_slot(s, &s->entries[i], hashes[i]);
		order[fill[sl - s->slots]++] = (uint32_t)i;
	}
	for (uint32_t i = 0; i < size; i++)
		if (s->slots[i].first != UINT32_MAX)
			s->slots[i].first = fill[i] - s->slots[i].count;
	free(s->order);
	s->order = order;
	free(fill);
	free(hashes);
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
	for (size_t i = 0; i < vs->n; i++)
		build_index(&vs->sets[i]);
	return vs;
}

void kv_value_sets_free(struct kv_value_sets *vs)
{
	if (vs == NULL)
		return;
	for (size_t i = 0; i < vs->n; i++) {
		free(vs->sets[i].order);
		free(vs->sets[i].slots);
		free(vs->sets[i].entries);
	}
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

/*
 * The matching rule: a code of `kind` is in the set on `date` when some
 * entry of that kind valid on the date matches it (an exact entry equal to
 * it, a prefix entry it starts with) and no such matching entry is an
 * exclusion.
 *
 * The entries of key (kind, prefix, code[0..len)) with hash h: -1 when a
 * valid one excludes, 1 when a valid one includes, else 0.
 */
static int visit(const struct kv_value_set *s, int kind, bool prefix, const char *code,
		 size_t len, uint32_t h, kv_date date)
{
	for (uint32_t i = h & s->mask;; i = (i + 1) & s->mask) {
		const struct slot *sl = &s->slots[i];
		if (sl->first == UINT32_MAX)
			return 0;
		if (sl->hash != h)
			continue;
		const struct entry *e = &s->entries[s->order[sl->first]];
		if (e->kind != kind || e->prefix != prefix || memcmp(e->code, code, len) != 0 ||
		    e->code[len] != '\0')
			continue;
		int in = 0;
		for (uint32_t j = 0; j < sl->count; j++) {
			e = &s->entries[s->order[sl->first + j]];
			if (date < e->from || date > e->to)
				continue;
			if (e->exclude)
				return -1;
			in = 1;
		}
		return in;
	}
}

bool kv_value_set_contains(const struct kv_value_set *set, enum kv_code_kind kind,
			   const char *code, kv_date date)
{
	if (set == NULL || code == NULL || *code == '\0' || (int)kind <= 0 || (int)kind >= KINDS)
		return false;
	/* most lookups end here: no entry of the kind starts with the code's
	 * first character (an indicator asks many sets about each code) */
	if (!((set->first[kind] >> ((unsigned char)code[0] % 64)) & 1))
		return false;
	uint64_t lens = set->prefix_lens[kind];
	uint32_t h = hash_start((int)kind);
	bool in = false;
	size_t n = 0;
	int r;
	/* the prefixes shorter than the code, hashing it as we go */
	for (; code[n] != '\0'; n++) {
		if (n > 0 && ((lens >> n) & 1)) {
			if ((r = visit(set, (int)kind, true, code, n, hash_end(h, true), date)) < 0)
				return false;
			in = in || r > 0;
		}
		if (n == ENTRY_CODE_MAX - 1)
			return in; /* longer than any entry: no other can match */
		h = hash_add(h, (unsigned char)code[n]);
	}
	/* a prefix as long as the code, and the exact entries */
	if ((lens >> n) & 1) {
		if ((r = visit(set, (int)kind, true, code, n, hash_end(h, true), date)) < 0)
			return false;
		in = in || r > 0;
	}
	if (!(set->exact_kinds & (1u << kind)))
		return in;
	if ((r = visit(set, (int)kind, false, code, n, hash_end(h, false), date)) < 0)
		return false;
	return in || r > 0;
}

size_t kv_value_sets_keywords(const struct kv_value_sets *vs, const char *const **names,
			      const char *const **rules)
{
	*names = (const char *const *)vs->keyword_names;
	*rules = (const char *const *)vs->keyword_rules;
	return vs->n_keywords;
}
