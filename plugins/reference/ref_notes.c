/*
 * ref_notes.c - keyword rules translated into each database's dialect
 *
 * A keyword rule (kv_plugin.h, struct kv_read_request) is a '|'-separated
 * list of words. A note matches when a word occurs case-insensitively,
 * preceded by the start of the text or a character that is not a letter
 * (ASCII or U+00C0..U+017F less U+00D7 and U+00F7), digit or '_', and
 * followed by space, tab, CR, LF, ',', '.', ':' or the end of the text
 * (indicators.md, precise rules 9 and 16).
 *
 * The translation never relies on the database's locale or collation:
 * letters are matched through explicit classes ([lL][mM][gG]) and the
 * boundaries through explicit code-point classes.
 *
 *  PostgreSQL  one ARE per rule, applied with the case-sensitive `~`:
 *              (^|[^a-zA-Z0-9_\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u017F])
 *              (?:W1|W2)([ \t\r\n,.:]|$)
 *  SQLite      one GLOB per word, applied to ' ' || body || ' ' (the padding
 *              stands for the start and the end of the text, which the
 *              boundary classes then accept):
 *              *[^a-zA-Z0-9_À-ÖØ-öø-ſ]W[ <TAB><CR><LF>,.:]*
 *  SQL Server  the same with LIKE ('%' for '*'), on the body cast to
 *              NVARCHAR under a binary (code point) collation (untested
 *              here: no SQL Server is available to the tests)
 *
 * Words may hold ASCII letters and digits and the letters U+00C0..U+017F;
 * anything else (spaces, punctuation, wildcard characters) is refused with
 * an error naming the rule, so no word can carry a dialect's metacharacter.
 * Case variants are generated for ASCII, Latin-1 and Latin Extended-A
 * letters that have a simple one-to-one case pair.
 */
#include "ref.h"

#include <stdio.h>
#include <string.h>

/* The longest pattern text one word may produce (each character becomes a
 * class of at most two 6-byte \u escapes). */
#define WORD_MAX 64
#define PATTERN_MAX 1024

static const char pg_before[] =
	"(^|[^a-zA-Z0-9_\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u017F])(?:";
static const char pg_after[] = ")([ \\t\\r\\n,.:]|$)";
/* UTF-8: À=C3 80, Ö=C3 96, Ø=C3 98, ö=C3 B6, ø=C3 B8, ſ=C5 BF */
static const char glob_before[] =
	"*[^a-zA-Z0-9_\xC3\x80-\xC3\x96\xC3\x98-\xC3\xB6\xC3\xB8-\xC5\xBF]";
static const char glob_after[] = "[ \t\r\n,.:]*";
static const char like_before[] =
	"%[^a-zA-Z0-9_\xC3\x80-\xC3\x96\xC3\x98-\xC3\xB6\xC3\xB8-\xC5\xBF]";
static const char like_after[] = "[ \t\r\n,.:]%";

bool ref_dialect_has_notes(enum kvdb_dialect d)
{
	return d == KVDB_DIALECT_POSTGRES || d == KVDB_DIALECT_SQLITE || d == KVDB_DIALECT_MSSQL;
}

int ref_notes_condition(char *buf, size_t size, enum kvdb_dialect d, const char *param)
{
	int n;
	switch (d) {
	case KVDB_DIALECT_POSTGRES:
		n = snprintf(buf, size, "x.body ~ %s", param);
		break;
	case KVDB_DIALECT_SQLITE:
		n = snprintf(buf, size, "(' ' || x.body || ' ') GLOB %s", param);
		break;
	case KVDB_DIALECT_MSSQL:
		n = snprintf(buf, size,
			     "(N' ' + CAST(x.body AS NVARCHAR(MAX)) + N' ') COLLATE "
			     "Latin1_General_100_BIN2 LIKE %s",
			     param);
		break;
	default:
		return -1;
	}
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* ---- UTF-8 and case pairs ---------------------------------------------- */

/* Decode one UTF-8 character; 0 on an invalid sequence. */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	if (len == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0 && len >= 2 && (s[1] & 0xC0) == 0x80) {
		*cp = ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
		return *cp >= 0x80 ? 2 : 0;
	}
	/* longer sequences encode code points above U+07FF: never a word character */
	return 0;
}

static size_t utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	out[0] = (char)(0xC0 | (cp >> 6));
	out[1] = (char)(0x80 | (cp & 0x3F));
	return 2;
}

static bool is_word_char(uint32_t cp)
{
	return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
	       (cp >= 0xC0 && cp <= 0x17F && cp != 0xD7 && cp != 0xF7);
}

/* The other case of a letter, or the letter itself when it has no simple
 * pair (ß, ı/İ, ĸ, ŉ, ſ, digits). */
static uint32_t other_case(uint32_t cp)
{
	if (cp >= 'a' && cp <= 'z')
		return cp - 'a' + 'A';
	if (cp >= 'A' && cp <= 'Z')
		return cp - 'A' + 'a';
	if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
		return cp + 0x20;
	if (cp >= 0xE0 && cp <= 0xFE && cp != 0xF7)
		return cp - 0x20;
	if (cp == 0xFF)
		return 0x178;
	if (cp == 0x178)
		return 0xFF;
	if ((cp >= 0x100 && cp <= 0x12F) || (cp >= 0x132 && cp <= 0x137) ||
	    (cp >= 0x14A && cp <= 0x177))
		return cp ^ 1; /* even upper, odd lower */
	if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
		return (cp & 1) ? cp + 1 : cp - 1; /* odd upper, even lower */
	return cp;
}

/* ---- one word ---------------------------------------------------------- */

struct pbuf {
	char s[PATTERN_MAX];
	size_t len;
	bool overflow;
};

static void pb_add(struct pbuf *p, const char *s, size_t n)
{
	if (p->overflow || p->len + n >= sizeof(p->s)) {
		p->overflow = true;
		return;
	}
	memcpy(p->s + p->len, s, n);
	p->len += n;
	p->s[p->len] = '\0';
}

static void pb_str(struct pbuf *p, const char *s)
{
	pb_add(p, s, strlen(s));
}

/* One character of a word, as the dialect writes it. */
static void pb_char(struct pbuf *p, enum kvdb_dialect d, uint32_t cp)
{
	char tmp[32];
	if (d == KVDB_DIALECT_POSTGRES && cp >= 0x80) {
		int n = snprintf(tmp, sizeof(tmp), "\\u%04X", (unsigned)cp);
		if (n < 0 || (size_t)n >= sizeof(tmp)) {
			p->overflow = true;
			return;
		}
		pb_add(p, tmp, (size_t)n);
	} else {
		size_t n = utf8_encode(cp, tmp);
		pb_add(p, tmp, n);
	}
}

static void pb_word(struct pbuf *p, enum kvdb_dialect d, const uint32_t *cps, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t o = other_case(cps[i]);
		if (o == cps[i]) {
			pb_char(p, d, cps[i]);
		} else {
			pb_str(p, "[");
			pb_char(p, d, cps[i]);
			pb_char(p, d, o);
			pb_str(p, "]");
		}
	}
}

/* ---- rules ------------------------------------------------------------- */

void ref_notes_free(struct kvdb_mem *m, struct ref_note_rules *r)
{
	for (size_t i = 0; i < r->n_patterns; i++)
		kvdb_free(m, r->patterns[i]);
	kvdb_free(m, r->patterns);
	kvdb_free(m, r->first);
	memset(r, 0, sizeof(*r));
}

static int add_pattern(struct kvdb_ctx *rc, struct kvdb_mem *m, struct ref_note_rules *out,
		       size_t cap, const struct pbuf *p, size_t rule)
{
	if (p->overflow)
		return kvdb_error(rc, "keyword rule %zu is too long to translate", rule + 1);
	if (out->n_patterns == cap)
		return kvdb_error(rc, "keyword rule %zu has too many words", rule + 1);
	char *s = kvdb_alloc(rc, m, p->len + 1, "translating keyword rules");
	if (s == NULL)
		return -1;
	memcpy(s, p->s, p->len + 1);
	out->patterns[out->n_patterns++] = s;
	return 0;
}

int ref_notes_translate(struct kvdb_ctx *rc, struct kvdb_mem *m, enum kvdb_dialect d,
			const char *const *rules, size_t n, struct ref_note_rules *out)
{
	int ret = -1;
	memset(out, 0, sizeof(*out));
	if (n == 0)
		return 0;
	if (!ref_dialect_has_notes(d))
		return kvdb_error(rc, "keyword rules cannot be matched in this database: no "
				      "translation for its DBMS");
	if (n > UINT16_MAX)
		return kvdb_error(rc, "too many keyword rules (%zu; at most %u)", n,
				  (unsigned)UINT16_MAX);

	/* at most one pattern per word: count the words */
	size_t cap = 0;
	for (size_t i = 0; i < n; i++) {
		if (rules[i] == NULL)
			return kvdb_error(rc, "keyword rule %zu is missing", i + 1);
		cap++;
		for (const char *c = rules[i]; *c != '\0'; c++)
			cap += *c == '|';
	}
	out->first = kvdb_calloc(rc, m, n + 1, sizeof(size_t), "translating keyword rules");
	out->patterns = kvdb_calloc(rc, m, cap, sizeof(char *), "translating keyword rules");
	if (out->first == NULL || out->patterns == NULL)
		goto done;
	out->n_rules = n;

	for (size_t i = 0; i < n; i++) {
		const unsigned char *s = (const unsigned char *)rules[i];
		size_t len = strlen(rules[i]);
		struct pbuf pg = {.len = 0};
		out->first[i] = out->n_patterns;
		if (d == KVDB_DIALECT_POSTGRES)
			pb_str(&pg, pg_before);

		size_t pos = 0;
		size_t words = 0;
		for (;;) {
			/* one word: up to '|' or the end */
			uint32_t cps[WORD_MAX];
			size_t nc = 0;
			while (pos < len && s[pos] != '|') {
				uint32_t cp;
				size_t k = utf8_decode(s + pos, len - pos, &cp);
				if (k == 0 || !is_word_char(cp)) {
					kvdb_error(rc,
						   "keyword rule %zu has a character that is not a "
						   "letter or digit (words are separated by '|')",
						   i + 1);
					goto done;
				}
				if (nc == WORD_MAX) {
					kvdb_error(rc, "keyword rule %zu has a word longer than %d "
						       "characters",
						   i + 1, WORD_MAX);
					goto done;
				}
				cps[nc++] = cp;
				pos += k;
			}
			if (nc == 0) {
				kvdb_error(rc, "keyword rule %zu has an empty word", i + 1);
				goto done;
			}
			if (d == KVDB_DIALECT_POSTGRES) {
				if (words > 0)
					pb_str(&pg, "|");
				pb_word(&pg, d, cps, nc);
			} else {
				struct pbuf p = {.len = 0};
				pb_str(&p, d == KVDB_DIALECT_SQLITE ? glob_before : like_before);
				pb_word(&p, d, cps, nc);
				pb_str(&p, d == KVDB_DIALECT_SQLITE ? glob_after : like_after);
				if (add_pattern(rc, m, out, cap, &p, i) != 0)
					goto done;
			}
			words++;
			if (pos == len)
				break;
			pos++; /* the '|' */
		}
		if (d == KVDB_DIALECT_POSTGRES) {
			pb_str(&pg, pg_after);
			if (add_pattern(rc, m, out, cap, &pg, i) != 0)
				goto done;
		}
	}
	out->first[n] = out->n_patterns;
	ret = 0;
done:
	if (ret != 0)
		ref_notes_free(m, out);
	return ret;
}
