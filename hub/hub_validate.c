/*
 * hub_validate.c - everything the hub checks about an extract before it
 * stores any of it: the manifest's schema (json-c), that the manifest
 * describes exactly this data.csv (SHA-256, bytes, rows), the header, every
 * row (core/extract_format.c), the participant (the authenticated office),
 * the month, the catalogue, what the database can hold, and the disclosure
 * rules: that the month is one an office's own disclosure control could have
 * published, down to the informed audit the office runs before a month may
 * leave (kv_disclosure_audit_published over the catalogue's relations).
 *
 * The reason of a refusal is one line: it goes back to the office as the
 * body of a 4xx and ends up in the office's refused/ID/reason.
 */
#include "hub.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "outbox.h"
#include "sha256.h"

#define FAIL(...)                                                              \
	do {                                                                   \
		kv_snprintf(err, errlen, __VA_ARGS__);                         \
		goto fail;                                                     \
	} while (0)

static const char *const manifest_keys[] = {
    "format",          "format_version", "extract_id", "participant", "office_name",
    "kvalind_version", "catalogue_version", "value_set_version", "months", "created",
    "disclosure",      "data"};
static const char *const disclosure_keys[] = {"min_count",	     "rounding_base",
					      "rounding",	     "secondary_suppression",
					      "algorithm",	     "perturbation",
					      "perturbation_max"};
static const char *const data_keys[] = {"file", "rows", "bytes", "sha256"};

/* The catalogue is sorted by id (hub_catalogue_relate). */
static int by_id(const void *a, const void *b)
{
	return strcmp(((const struct hub_indicator *)a)->id, ((const struct hub_indicator *)b)->id);
}

const struct hub_indicator *hub_catalogue_find(const struct hub_catalogue *cat, const char *id)
{
	struct hub_indicator key = {.id = (char *)id};
	if (cat == NULL || cat->n == 0)
		return NULL;
	return bsearch(&key, cat->ind, cat->n, sizeof *cat->ind, by_id);
}

/* Whether err mentions word as a whole word (an indicator id) or quoted
 * (a population name). */
static bool mentions(const char *err, const char *word, bool quoted)
{
	size_t n = strlen(word);
	if (n == 0)
		return false;
	for (const char *p = strstr(err, word); p != NULL; p = strstr(p + 1, word)) {
		char before = p > err ? p[-1] : ' ', after = p[n];
		if (quoted ? before == '"' && after == '"'
			   : !(before == '_' || (before >= 'A' && before <= 'Z') ||
			       (before >= '0' && before <= '9')) &&
				 !(after == '_' || (after >= 'A' && after <= 'Z') ||
				   (after >= '0' && after <= '9')))
			return true;
	}
	return false;
}

int hub_catalogue_relate(struct hub_catalogue *cat, char *err, size_t errlen)
{
	hub_catalogue_unrelate(cat);
	if (cat->n > 1)
		qsort(cat->ind, cat->n, sizeof *cat->ind, by_id);
	for (size_t i = 1; i < cat->n; i++)
		if (strcmp(cat->ind[i - 1].id, cat->ind[i].id) == 0) {
			kv_snprintf(err, errlen, "indicator %s is declared by %s and by %s",
				    cat->ind[i].id,
				    cat->ind[i - 1].plugin ? cat->ind[i - 1].plugin : "?",
				    cat->ind[i].plugin ? cat->ind[i].plugin : "?");
			return -1;
		}
	cat->series = kv_xcalloc(cat->n ? cat->n : 1, sizeof *cat->series);
	for (size_t i = 0; i < cat->n; i++) {
		struct hub_indicator *h = &cat->ind[i];
		struct kv_series *se = &cat->series[i];
		if (h->def.id == NULL)
			h->def.id = h->id;
		se->def = &h->def;
		se->id = h->id;
		se->version = h->version;
		se->type = h->type;
		se->plugin = h->plugin;
		se->computable = true;
	}
	char why[600];
	if (kv_relations_build(cat->series, cat->n, &cat->rel, why, sizeof why) != 0) {
		/* name the plugins of the indicators and populations it names */
		char plugins[300] = "";
		size_t n_plugins = 0;
		for (size_t i = 0; i < cat->n; i++) {
			const struct hub_indicator *h = &cat->ind[i];
			if (h->plugin == NULL || strstr(plugins, h->plugin) != NULL ||
			    !(mentions(why, h->id, false) ||
			      (h->def.numerator_part_of != NULL &&
			       mentions(why, h->def.numerator_part_of, true))))
				continue;
			size_t used = strlen(plugins);
			kv_snprintf(plugins + used, sizeof plugins - used, "%s%s",
				    n_plugins ? ", " : "", h->plugin);
			n_plugins++;
		}
		if (n_plugins > 0)
			kv_snprintf(err, errlen, "indicator plugin%s %s: %s",
				    n_plugins > 1 ? "s" : "", plugins, why);
		else
			kv_snprintf(err, errlen, "%s", why);
		hub_catalogue_unrelate(cat);
		return -1;
	}
	return 0;
}

void hub_catalogue_unrelate(struct hub_catalogue *cat)
{
	KV_FREE(cat->series);
	kv_relations_free(&cat->rel);
	memset(&cat->rel, 0, sizeof cat->rel);
}

/*
 * What json-c lets through and the hub must not: a key that appears twice in
 * one object (json-c keeps the last, silently: the office's manifest and the
 * hub's reading of it could differ), a key with an escape (json-c cuts a
 * key at "\u0000": "format\u0000x" would read as "format"), more keys in an
 * object than the schema has, "\u0000" anywhere (PostgreSQL's jsonb refuses
 * it: the store would fail with a 503 and the office retry for ever) and an
 * unpaired UTF-16 surrogate escape (jsonb refuses that too). text is JSON
 * that json-c accepted.
 */
#define MANIFEST_MAX_DEPTH 8
#define MANIFEST_MAX_KEYS 32

static int hex4(const char *p)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/* Strict UTF-8 (RFC 3629): no overlong forms, no encoded surrogates (which
 * json-c lets through and PostgreSQL refuses), nothing above U+10FFFF. */
static bool valid_utf8(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		size_t k;
		unsigned cp, min;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			k = 1, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			k = 2, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			k = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return false;
		}
		if (n - i <= k)
			return false;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += k + 1;
	}
	return true;
}

struct json_frame {
	bool object, want_key;
	size_t n_keys;
	const char *key[MANIFEST_MAX_KEYS];
	size_t key_len[MANIFEST_MAX_KEYS];
};

static int check_json_text(const char *text, size_t len, char *err, size_t errlen)
{
	struct json_frame st[MANIFEST_MAX_DEPTH];
	int depth = 0;
	if (!valid_utf8((const unsigned char *)text, len))
		FAIL("manifest: not valid UTF-8");
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (c == '{' || c == '[') {
			if (depth == MANIFEST_MAX_DEPTH)
				FAIL("manifest: nested too deeply");
			st[depth].object = c == '{';
			st[depth].want_key = c == '{';
			st[depth].n_keys = 0;
			depth++;
		} else if (c == '}' || c == ']') {
			if (depth > 0)
				depth--;
		} else if (c == ',') {
			if (depth > 0 && st[depth - 1].object)
				st[depth - 1].want_key = true;
		} else if (c == ':') {
			if (depth > 0 && st[depth - 1].object)
				st[depth - 1].want_key = false;
		} else if (c == '"') {
			size_t start = ++i;
			bool escaped = false;
			for (; i < len && text[i] != '"'; i++) {
				if ((unsigned char)text[i] < 0x20) /* json-c takes them raw */
					FAIL("manifest: a control character in a string");
				if (text[i] != '\\')
					continue;
				escaped = true;
				if (++i >= len)
					break;
				if (text[i] != 'u')
					continue;
				int u = i + 4 < len ? hex4(text + i + 1) : -1;
				if (u == 0)
					FAIL("manifest: \\u0000 in a string");
				if (u >= 0xdc00 && u <= 0xdfff)
					FAIL("manifest: an unpaired UTF-16 surrogate escape");
				if (u >= 0xd800 && u <= 0xdbff) {
					int lo = i + 10 < len && text[i + 5] == '\\' && text[i + 6] == 'u'
						     ? hex4(text + i + 7)
						     : -1;
					if (lo < 0xdc00 || lo > 0xdfff)
						FAIL("manifest: an unpaired UTF-16 surrogate escape");
					i += 6;
				}
				i += 4;
			}
			struct json_frame *f = depth > 0 ? &st[depth - 1] : NULL;
			if (f != NULL && f->object && f->want_key) {
				size_t klen = i - start;
				if (escaped)
					FAIL("manifest: an escape sequence in a key");
				for (size_t k = 0; k < f->n_keys; k++)
					if (f->key_len[k] == klen && memcmp(f->key[k], text + start, klen) == 0)
						FAIL("manifest: key \"%.*s\" appears twice in one object",
						     (int)(klen > 40 ? 40 : klen), text + start);
				if (f->n_keys == MANIFEST_MAX_KEYS)
					FAIL("manifest: more than %d keys in an object", MANIFEST_MAX_KEYS);
				f->key[f->n_keys] = text + start;
				f->key_len[f->n_keys++] = klen;
				f->want_key = false;
			}
		}
	}
	return 0;
fail:
	return -1;
}

/* Every key of obj is one of allowed; the first other one goes into *bad. */
static bool only_keys(struct json_object *obj, const char *const *allowed, size_t n,
		      const char **bad)
{
	json_object_object_foreach(obj, key, val)
	{
		(void)val;
		bool known = false;
		for (size_t i = 0; i < n && !known; i++)
			known = strcmp(key, allowed[i]) == 0;
		if (!known) {
			*bad = key;
			return false;
		}
	}
	return true;
}

static struct json_object *get(struct json_object *obj, const char *key, json_type type)
{
	struct json_object *v = NULL;
	if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, type))
		return NULL;
	return v;
}

/* A string member of at most max bytes without control characters (UTF-8
 * is allowed: an office's name may have "\u00c5"). */
static const char *get_string(struct json_object *obj, const char *key, size_t max)
{
	struct json_object *v = get(obj, key, json_type_string);
	if (v == NULL)
		return NULL;
	const char *s = json_object_get_string(v);
	size_t n = (size_t)json_object_get_string_len(v);
	if (n > max || strlen(s) != n)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return NULL;
	return s;
}

static bool get_int(struct json_object *obj, const char *key, int64_t lo, int64_t hi,
		    int64_t *out)
{
	struct json_object *v = get(obj, key, json_type_int);
	if (v == NULL)
		return false;
	*out = json_object_get_int64(v);
	return *out >= lo && *out <= hi;
}

static bool is_timestamp(const char *s)
{
	/* YYYY-MM-DDTHH:MM:SSZ */
	static const char pattern[] = "dddd-dd-ddTdd:dd:ddZ";
	if (s == NULL || strlen(s) != sizeof pattern - 1)
		return false;
	for (size_t i = 0; pattern[i]; i++) {
		if (pattern[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != pattern[i])
			return false;
	}
	return true;
}

/* "YYYY-MM" of a month index. */
static void month_name(int m, char *buf, size_t size)
{
	snprintf(buf, size, "%04d-%02d", m / 12, m % 12 + 1);
}

/* The latest month that has ended, by the hub's clock: with pol->now, the
 * month before the one it is at UTC+14, where months end first (an office
 * exports a month from its own local midnight on, and the hub cannot know
 * the office's zone); else the month before pol->latest_month. */
static int latest_ended_month(const struct hub_policy *pol)
{
	if (pol->now != 0) {
		time_t t = pol->now + 14 * 3600;
		struct tm tm;
		if (gmtime_r(&t, &tm) != NULL)
			return (tm.tm_year + 1900) * 12 + tm.tm_mon - 1;
	}
	return pol->latest_month - 1;
}

/* The manifest; *mp gets its disclosure parameters (what the office
 * controlled the month with, at least as strict as the agreed ones). */
static int check_manifest(const struct hub_policy *pol, const char *participant,
			  const char *key, struct json_object *m, const char *csv, size_t csv_len,
			  struct hub_extract *x, int64_t *rows, struct kv_disclosure_params *mp,
			  char *err, size_t errlen)
{
	const char *bad = NULL, *s;
	int64_t v;
	struct json_object *o;
	if (!json_object_is_type(m, json_type_object))
		FAIL("manifest: not a JSON object");
	if (!only_keys(m, manifest_keys, KV_ARRAY_SIZE(manifest_keys), &bad))
		FAIL("manifest: unknown key \"%.40s\"", bad);
	s = get_string(m, "format", 64);
	if (s == NULL || strcmp(s, KV_EXTRACT_FORMAT_NAME) != 0)
		FAIL("manifest: format is not \"%s\"", KV_EXTRACT_FORMAT_NAME);
	if (!get_int(m, "format_version", KV_EXTRACT_FORMAT_VERSION, KV_EXTRACT_FORMAT_VERSION, &v))
		FAIL("manifest: format_version is not %d", KV_EXTRACT_FORMAT_VERSION);
	s = get_string(m, "participant", KV_EXTRACT_ID_MAX);
	if (s == NULL || !kv_extract_valid_participant(s, strlen(s)))
		FAIL("manifest: participant missing or not a participant id");
	if (strcmp(s, participant) != 0)
		FAIL("manifest: participant \"%s\" is not the authenticated office \"%s\"", s,
		     participant);
	kv_strlcpy(x->participant, s, sizeof x->participant);
	for (size_t i = 0; i < 3; i++) {
		static const char *const vkeys[] = {"kvalind_version", "catalogue_version",
						    "value_set_version"};
		if (get_string(m, vkeys[i], 64) == NULL)
			FAIL("manifest: %s missing or not a short string", vkeys[i]);
	}
	if (json_object_object_get_ex(m, "office_name", &o) &&
	    get_string(m, "office_name", 200) == NULL)
		FAIL("manifest: office_name is not a short string");
	if (!is_timestamp(get_string(m, "created", 32)))
		FAIL("manifest: created is not a UTC time YYYY-MM-DDTHH:MM:SSZ");

	o = get(m, "months", json_type_array);
	if (o == NULL || json_object_array_length(o) != 1)
		FAIL("manifest: months must list exactly one month");
	struct json_object *mo = json_object_array_get_idx(o, 0);
	int month;
	if (!json_object_is_type(mo, json_type_string) ||
	    json_object_get_string_len(mo) != 7 ||
	    !kv_parse_month(json_object_get_string(mo), &month))
		FAIL("manifest: months[0] is not YYYY-MM");
	char limit[16];
	if (month < pol->earliest_month) {
		month_name(pol->earliest_month, limit, sizeof limit);
		FAIL("manifest: month %s is out of range: the hub accepts months from %s on",
		     json_object_get_string(mo), limit);
	}
	if (month > latest_ended_month(pol)) {
		month_name(latest_ended_month(pol), limit, sizeof limit);
		FAIL("manifest: month %s is out of range: it has not ended yet (the latest month "
		     "that has is %s)",
		     json_object_get_string(mo), limit);
	}
	kv_strlcpy(x->month, json_object_get_string(mo), sizeof x->month);

	o = get(m, "disclosure", json_type_object);
	if (o == NULL)
		FAIL("manifest: disclosure missing or not an object");
	if (!only_keys(o, disclosure_keys, KV_ARRAY_SIZE(disclosure_keys), &bad))
		FAIL("manifest: unknown key \"disclosure.%.40s\"", bad);
	int64_t mc, rb;
	if (!get_int(o, "min_count", 1, 1000000, &mc) || !get_int(o, "rounding_base", 1, 1000000, &rb))
		FAIL("manifest: disclosure.min_count and rounding_base must be positive integers");
	if (mc < pol->disclosure.min_count)
		FAIL("manifest: disclosure.min_count %lld is below the agreed %u", (long long)mc,
		     (unsigned)pol->disclosure.min_count);
	if (rb % pol->disclosure.rounding_base != 0)
		FAIL("manifest: disclosure.rounding_base %lld is not a multiple of the agreed %u",
		     (long long)rb, (unsigned)pol->disclosure.rounding_base);
	if (get_string(o, "rounding", 200) == NULL || get(o, "secondary_suppression", json_type_boolean) == NULL)
		FAIL("manifest: disclosure.rounding or secondary_suppression missing");
	int64_t algorithm, noise_max;
	if (!get_int(o, "algorithm", KV_DISCLOSURE_ALGORITHM, KV_DISCLOSURE_ALGORITHM, &algorithm))
		FAIL("manifest: disclosure.algorithm is not %d (an office older than kvalind's "
		     "value-free suppression; upgrade it)",
		     KV_DISCLOSURE_ALGORITHM);
	s = get_string(o, "perturbation", 16);
	if (s == NULL || (strcmp(s, "none") != 0 && strcmp(s, "cell_key") != 0))
		FAIL("manifest: disclosure.perturbation is not \"none\" or \"cell_key\"");
	if (!get_int(o, "perturbation_max", 0, rb, &noise_max) ||
	    (strcmp(s, "none") == 0) != (noise_max == 0))
		FAIL("manifest: disclosure.perturbation_max must be 0 without perturbation and "
		     "1..rounding_base with it");
	memset(mp, 0, sizeof *mp);
	mp->min_count = (uint32_t)mc;
	mp->rounding_base = (uint32_t)rb;
	mp->noise_max = (uint32_t)noise_max;

	o = get(m, "data", json_type_object);
	if (o == NULL)
		FAIL("manifest: data missing or not an object");
	if (!only_keys(o, data_keys, KV_ARRAY_SIZE(data_keys), &bad))
		FAIL("manifest: unknown key \"data.%.40s\"", bad);
	s = get_string(o, "file", 64);
	if (s == NULL || strcmp(s, KV_EXTRACT_CSV_NAME) != 0)
		FAIL("manifest: data.file is not \"%s\"", KV_EXTRACT_CSV_NAME);
	if (!get_int(o, "rows", 0, (int64_t)pol->max_rows, rows))
		FAIL("manifest: data.rows missing or above %zu", pol->max_rows);
	if (!get_int(o, "bytes", 0, INT64_MAX, &v) || (uint64_t)v != csv_len)
		FAIL("manifest: data.bytes is not the size of data.csv (%zu)", csv_len);
	s = get_string(o, "sha256", 64);
	if (s == NULL || !kv_sha256_hex_valid(s, strlen(s)))
		FAIL("manifest: data.sha256 is not 64 lower-case hex digits");
	if (kv_sha256_hex(csv, csv_len, x->csv_sha256, err, errlen) != 0)
		goto fail;
	if (strcmp(s, x->csv_sha256) != 0)
		FAIL("data.csv does not match the manifest's data.sha256");

	/* The extract id: PARTICIPANT_YYYY-MM_HASH16 of this CSV, and the key. */
	char want[160];
	if (kv_outbox_make_id(x->participant, x->month, x->csv_sha256, want, sizeof want) != 0)
		FAIL("manifest: participant id too long for an extract id");
	s = get_string(m, "extract_id", 150);
	if (s == NULL || strcmp(s, want) != 0)
		FAIL("manifest: extract_id is not %s (participant, month, data.csv's SHA-256)", want);
	if (strcmp(key, s) != 0)
		FAIL("Idempotency-Key differs from the manifest's extract_id");
	kv_strlcpy(x->extract_id, s, sizeof x->extract_id);
	return 0;
fail:
	return -1;
}

/* ---- what the database holds -------------------------------------------- */

/* extract_values.indicator_version is an integer column. */
#define DB_VERSION_MAX 2147483647u
/* share is numeric(10,4) and mean numeric(20,2) in extract_values; a
 * proportion's share is at most 1, and a mean is refused long before its
 * column's 18 digits (counts stop below 10^15, extract_format.c). */
#define MEAN_INTEGER_DIGITS_MAX 15

/* The digits before the decimal point of a fixed-point number as written. */
static size_t integer_digits(const char *s)
{
	return strcspn(s, ".");
}

/* ---- what an office's disclosure control can have published ------------- */

/*
 * The counts the rules act on (the true count plus its cell-key noise) that
 * a published count v stands for: rounding's preimage, at least min_count.
 * Primary suppression compares exactly these acting counts, so what it
 * allows is decided here without any noise allowance.
 */
static void acting_range(const struct kv_disclosure_params *p, uint64_t v, uint64_t *lo,
			 uint64_t *hi)
{
	uint64_t base = p->rounding_base, half = base / 2, min = p->min_count;
	uint64_t clamp = (min + base - 1) / base * base;
	*lo = v == clamp || v < min + half ? min : v - half;
	*hi = v + base - 1 - half;
}

/* The mean as kvalind computes it (rule 5: the value sum rounded to the grid
 * of KV_MEAN_SUM_GRID x rounding_base, divided by the published
 * denominator, "%.2f"): is `mean` one of those? Decided where doubles are
 * exact (a sum below 2^52); beyond that no office's sum reaches, true. */
static bool mean_on_grid(const struct kv_disclosure_params *p, const char *mean, uint64_t d)
{
	double grid = (double)KV_MEAN_SUM_GRID * (double)p->rounding_base;
	double m = strtod(mean, NULL), sum = m * (double)d;
	if (!(sum < 4503599627370496.0))
		return true;
	double q0 = floor(sum / grid + 0.5);
	for (int k = -1; k <= 1; k++) {
		double q = q0 + k;
		if (q < 0)
			continue;
		char want[64];
		snprintf(want, sizeof want, "%.2f", q * grid / (double)d);
		if (strcmp(want, mean) == 0)
			return true;
	}
	return false;
}

/*
 * One row against what kvalind writes for an indicator of its type (h) and
 * what its disclosure control can publish under the manifest's parameters
 * (p). Cheap and exact, before the audit; each refusal says which rule.
 */
static int check_row(const struct hub_indicator *h, const struct kv_extract_row *r,
		     const struct kv_disclosure_params *p, char *err, size_t errlen)
{
	enum kv_cell_status ns = r->numerator_status, ds = r->denominator_status;
	bool whole_n = ns == KV_CELL_NOT_COMPUTABLE || ns == KV_CELL_FAILED;
	bool whole_d = ds == KV_CELL_NOT_COMPUTABLE || ds == KV_CELL_FAILED;
	char why[200];
	/* what the database holds */
	if (r->indicator_version > DB_VERSION_MAX)
		FAIL("indicator_version %u is above %u, the largest the hub stores",
		     (unsigned)r->indicator_version, DB_VERSION_MAX);
	if (r->has_share && strtod(r->share, NULL) > 1.0)
		FAIL("share %s is above 1 (a numerator is never above its denominator)", r->share);
	if (r->has_mean && integer_digits(r->mean) > MEAN_INTEGER_DIGITS_MAX)
		FAIL("mean %.30s has more than %d digits before the point", r->mean,
		     MEAN_INTEGER_DIGITS_MAX);
	/* the catalogue's version of the definition: the relations the audit
	 * uses are that version's */
	if (r->indicator_version != h->version)
		FAIL("indicator_version %u is not in the hub's catalogue (%s declares version %u; "
		     "offices and hub upgrade their indicator plugins together)",
		     (unsigned)r->indicator_version, h->plugin ? h->plugin : "its plugin",
		     (unsigned)h->version);
	/* the statuses kvalind gives an indicator of this type */
	if (whole_n || whole_d) {
		if (ns != ds)
			FAIL("numerator %s but denominator %s (an indicator that is not computed "
			     "has both cells so)",
			     kv_extract_status_name(ns), kv_extract_status_name(ds));
		return 0;
	}
	if (ds == KV_CELL_COMPLEMENT || ds == KV_CELL_NOT_APPLICABLE)
		FAIL("denominator %s (only a numerator can be)", kv_extract_status_name(ds));
	if (h->type == KV_INDICATOR_MEAN) {
		if (ns != KV_CELL_NOT_APPLICABLE)
			FAIL("numerator %s (%s is a mean: its numerator is not_applicable)",
			     kv_extract_status_name(ns), r->indicator);
		if (r->has_denominator && !r->has_mean)
			FAIL("mean missing with a published denominator");
	} else {
		if (ns == KV_CELL_NOT_APPLICABLE)
			FAIL("numerator not_applicable (%s is a proportion)", r->indicator);
		if (r->has_mean)
			FAIL("a mean for a proportion");
		if (r->has_numerator && r->has_denominator && !r->has_share)
			FAIL("share missing with both counts published");
		if ((ns == KV_CELL_WITHHELD) != (ds == KV_CELL_WITHHELD))
			FAIL("numerator %s but denominator %s (a withheld month withholds every "
			     "count)",
			     kv_extract_status_name(ns), kv_extract_status_name(ds));
	}
	/* published counts: at least min_count, on the rounding base, the share
	 * theirs (the manifest's parameters, at least as strict as the agreed) */
	if (kv_extract_check_disclosure(r, p, why, sizeof why) != 0)
		FAIL("%s", why);
	if (r->has_numerator && r->has_denominator) {
		uint64_t nlo, nhi, dlo, dhi;
		if (r->numerator > r->denominator)
			FAIL("numerator %llu is above its denominator %llu",
			     (unsigned long long)r->numerator, (unsigned long long)r->denominator);
		acting_range(p, r->numerator, &nlo, &nhi);
		acting_range(p, r->denominator, &dlo, &dhi);
		if (dhi < nlo + p->min_count)
			FAIL("numerator %llu of denominator %llu published: the complement "
			     "(at most %llu) is below min_count %u, so an office suppresses "
			     "this numerator",
			     (unsigned long long)r->numerator, (unsigned long long)r->denominator,
			     (unsigned long long)(dhi > nlo ? dhi - nlo : 0),
			     (unsigned)p->min_count);
	}
	if (r->has_mean && !mean_on_grid(p, r->mean, r->denominator))
		FAIL("mean %s is not a value sum rounded to a multiple of %u divided by the "
		     "published denominator %llu",
		     r->mean, (unsigned)(KV_MEAN_SUM_GRID * p->rounding_base),
		     (unsigned long long)r->denominator);
	return 0;
fail:
	return -1;
}

/*
 * The whole month: a withheld month withholds every count; cells that count
 * one population are published alike (they share their cell-key noise);
 * and the informed audit, over the catalogue's relations, as the office ran
 * it before the month could leave.
 */
static int check_month(const struct hub_policy *pol, const struct hub_extract *x,
		       const struct kv_disclosure_params *p, char *err, size_t errlen)
{
	const struct hub_catalogue *cat = pol->catalogue;
	struct hub_catalogue copy = {0};
	if (cat->series == NULL && cat->n > 0) {
		/* not related (hub_catalogue_relate): relate a copy, in the same
		 * order, rather than audit without the relations */
		copy.ind = kv_xcalloc(cat->n, sizeof *copy.ind);
		memcpy(copy.ind, cat->ind, cat->n * sizeof *copy.ind);
		copy.n = cat->n;
		if (hub_catalogue_relate(&copy, err, errlen) != 0) {
			free(copy.ind);
			return -1;
		}
		cat = &copy;
	}
	struct kv_published *pub = kv_xcalloc(cat->n ? cat->n : 1, sizeof *pub);
	bool withheld = false, counts = false;
	for (size_t i = 0; i < cat->n; i++)
		pub[i].numerator_status = pub[i].denominator_status = KV_CELL_NOT_COMPUTABLE;
	for (size_t i = 0; i < x->n_rows; i++) {
		const struct kv_extract_row *r = &x->rows[i];
		const struct hub_indicator *h = hub_catalogue_find(pol->catalogue, r->indicator);
		struct kv_published *o = &pub[h - pol->catalogue->ind];
		o->numerator_status = (uint8_t)r->numerator_status;
		o->denominator_status = (uint8_t)r->denominator_status;
		o->numerator = r->has_numerator ? r->numerator : 0;
		o->denominator = r->has_denominator ? r->denominator : 0;
		enum kv_cell_status st[2] = {r->numerator_status, r->denominator_status};
		for (int k = 0; k < 2; k++) {
			withheld |= st[k] == KV_CELL_WITHHELD;
			counts |= st[k] == KV_CELL_PUBLISHED || st[k] == KV_CELL_SMALL ||
				  st[k] == KV_CELL_COMPLEMENT || st[k] == KV_CELL_SECONDARY;
		}
	}
	if (withheld && counts)
		FAIL("data.csv: withheld and published or suppressed counts in one month (a "
		     "withheld month withholds every count)");
	for (size_t i = 0; i < cat->rel.n; i++) {
		const struct kv_relation *rel = &cat->rel.items[i];
		if (rel->type != KV_REL_EQUAL)
			continue;
		const struct kv_cell_ref *first = NULL;
		uint64_t v = 0;
		for (size_t k = 0; k <= rel->n_parts; k++) {
			struct kv_cell_ref c = k == 0 ? rel->total : rel->parts[k - 1];
			const struct kv_published *o = &pub[c.series];
			bool is_pub = c.kind == KV_CELL_NUMERATOR
					  ? o->numerator_status == KV_CELL_PUBLISHED
					  : o->denominator_status == KV_CELL_PUBLISHED;
			uint64_t w = c.kind == KV_CELL_NUMERATOR ? o->numerator : o->denominator;
			if (!is_pub)
				continue;
			if (first == NULL) {
				first = k == 0 ? &rel->total : &rel->parts[k - 1];
				v = w;
			} else if (w != v) {
				char a[160], b[160];
				kv_cell_name(cat->series, *first, a, sizeof a);
				kv_cell_name(cat->series, c, b, sizeof b);
				FAIL("data.csv: %s %llu and %s %llu count the same population "
				     "\"%s\" but are published differently",
				     a, (unsigned long long)v, b, (unsigned long long)w,
				     rel->population);
			}
		}
	}
	char first[200] = "";
	long pinned = kv_disclosure_audit_published(cat->series, cat->n, &cat->rel, pub, p, first,
						    sizeof first);
	if (pinned < 0)
		FAIL("data.csv: the published counts contradict each other: no counts fit "
		     "(complement below min_count, numerator above denominator, or the relations)");
	if (pinned > 0)
		FAIL("data.csv: %s could be worked out from the published month (an office's "
		     "disclosure control never publishes such a month)",
		     first[0] ? first : "a hidden count");
	free(pub);
	hub_catalogue_unrelate(&copy);
	free(copy.ind);
	return 0;
fail:
	free(pub);
	hub_catalogue_unrelate(&copy);
	free(copy.ind);
	return -1;
}

static int check_csv(const struct hub_policy *pol, struct hub_extract *x, int64_t rows,
		     const struct kv_disclosure_params *mp, char *err, size_t errlen)
{
	const char *p = x->csv, *end = x->csv + x->csv_len;
	size_t hlen = strlen(KV_EXTRACT_CSV_HEADER);
	if (x->csv_len < hlen || memcmp(p, KV_EXTRACT_CSV_HEADER, hlen) != 0)
		FAIL("data.csv: the header line is not the documented one");
	if (x->csv_len > 0 && end[-1] != '\n')
		FAIL("data.csv: does not end with a line feed");
	p += hlen;
	x->rows = kv_xcalloc((size_t)rows + 1, sizeof *x->rows);
	size_t line = 1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		line++;
		if (x->n_rows >= (size_t)rows)
			FAIL("data.csv: more rows than the manifest's data.rows (%lld)", (long long)rows);
		struct kv_extract_row *r = &x->rows[x->n_rows];
		char why[300];
		if (kv_extract_parse_row(p, (size_t)(nl - p), r, why, sizeof why) != 0)
			FAIL("data.csv line %zu: %s", line, why);
		if (strcmp(r->participant, x->participant) != 0)
			FAIL("data.csv line %zu: participant \"%s\" is not the authenticated office",
			     line, r->participant);
		if (strcmp(r->month, x->month) != 0)
			FAIL("data.csv line %zu: month %s is not in the manifest's months", line,
			     r->month);
		const struct hub_indicator *h = hub_catalogue_find(pol->catalogue, r->indicator);
		if (h == NULL)
			FAIL("data.csv line %zu: unknown indicator %s", line, r->indicator);
		for (size_t i = 0; i < x->n_rows; i++)
			if (strcmp(x->rows[i].indicator, r->indicator) == 0)
				FAIL("data.csv line %zu: indicator %s appears twice", line,
				     r->indicator);
		if (check_row(h, r, mp, why, sizeof why) != 0)
			FAIL("data.csv line %zu: %s %s", line, r->indicator, why);
		x->n_rows++;
		p = nl + 1;
	}
	if (x->n_rows != (size_t)rows)
		FAIL("data.csv has %zu rows, the manifest's data.rows says %lld", x->n_rows,
		     (long long)rows);
	if (x->n_rows == 0)
		FAIL("data.csv has no rows: an extract has one row per enabled indicator");
	return check_month(pol, x, mp, err, errlen);
fail:
	return -1;
}

int hub_validate(const struct hub_policy *pol, const char *participant, const char *key,
		 const char *manifest, size_t manifest_len, const char *csv, size_t csv_len,
		 struct hub_extract *x, char *err, size_t errlen)
{
	memset(x, 0, sizeof *x);
	x->manifest = manifest;
	x->manifest_len = manifest_len;
	x->csv = csv;
	x->csv_len = csv_len;
	struct json_object *m = NULL;
	int64_t rows = 0;
	if (manifest_len == 0 || memchr(manifest, '\0', manifest_len) != NULL)
		FAIL("manifest: empty or not text");
	if (memchr(csv, '\0', csv_len) != NULL)
		FAIL("data.csv: not text");
	struct json_tokener *tok = json_tokener_new();
	if (tok == NULL)
		FAIL("out of memory");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	m = json_tokener_parse_ex(tok, manifest, (int)manifest_len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t used = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (m == NULL || jerr != json_tokener_success) {
		kv_snprintf(err, errlen, "manifest: not JSON (%s)",
			    jerr != json_tokener_success ? json_tokener_error_desc(jerr) : "incomplete");
		goto fail;
	}
	for (; used < manifest_len; used++)
		if (!strchr(" \t\r\n", manifest[used]))
			FAIL("manifest: text after the JSON object");
	if (check_json_text(manifest, manifest_len, err, errlen) != 0)
		goto fail;
	struct kv_disclosure_params mp;
	if (check_manifest(pol, participant, key, m, csv, csv_len, x, &rows, &mp, err,
			   errlen) != 0 ||
	    check_csv(pol, x, rows, &mp, err, errlen) != 0)
		goto fail;
	json_object_put(m);
	return 0;
fail:
	/* one line, whatever the reason quotes from the input */
	for (char *p = err; errlen > 0 && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	json_object_put(m);
	hub_extract_free(x);
	return -1;
}

void hub_extract_free(struct hub_extract *x)
{
	KV_FREE(x->rows);
	x->n_rows = 0;
}
