/*
 * test_valueset.c - the value-set file and the matching rules of the
 * catalogue's precise rules 1, 2, 10 and 11
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "valueset.h"

static struct kv_value_sets *vs;

static void setup(void)
{
	struct kv_diags d = {0};
	vs = kv_value_sets_load(tu_value_sets(), &d);
	ck_assert_msg(vs != NULL, "%s", d.n ? d.msgs[0] : "");
	kv_diags_free(&d);
}

static void teardown(void)
{
	kv_value_sets_free(vs);
}

static bool in(const char *set, enum kv_code_kind kind, const char *code, kv_date date)
{
	const struct kv_value_set *s = kv_value_sets_find(vs, set);
	ck_assert_msg(s != NULL, "no value set %s", set);
	char buf[64];
	snprintf(buf, sizeof buf, "%s", code);
	kv_normalise_code(buf, kind);
	return kv_value_set_contains(s, kind, buf, date);
}

START_TEST(shipped_file_matches_the_catalogue)
{
	kv_date d = kv_date_from_ymd(2020, 1, 1);
	ck_assert_str_eq(kv_value_sets_catalogue(vs), "1");
	/* ICD-10 entries are categories; ICPC-2 codes match exactly */
	ck_assert(in("DIABETES", KV_CODES_ICD10, "e11.9", d));
	ck_assert(in("DIABETES", KV_CODES_ICD10, " E119 ", d));
	ck_assert(in("DIABETES", KV_CODES_ICPC2, "t90", d));
	ck_assert(!in("DIABETES", KV_CODES_ICPC2, "T91", d));
	ck_assert(!in("DIABETES", KV_CODES_ICD10, "T90", d));
	ck_assert(!in("DIABETES", KV_CODES_ICD10, "E12", d));
	ck_assert(in("IHD", KV_CODES_ICD10, "I25.1", d));
	ck_assert(!in("IHD", KV_CODES_ICD10, "I26", d));
	ck_assert(in("COPD_EXACERBATION_DX", KV_CODES_ICD10, "J44.10", d));
	ck_assert(!in("COPD_EXACERBATION_DX", KV_CODES_ICD10, "J44.9", d));
	ck_assert(in("CHRONIC_CANCER", KV_CODES_ICD10, "C97", d));
	ck_assert(!in("CHRONIC_CANCER", KV_CODES_ICD10, "C98", d));
	ck_assert(in("CHRONIC_DEMENTIA", KV_CODES_ICD10, "F03", d));
	/* ATC prefixes and exclusions */
	ck_assert(in("STATIN", KV_CODES_ATC, "C10AA05", d));
	ck_assert(!in("STATIN", KV_CODES_ATC, "C10AB05", d));
	ck_assert(in("HIGH_RISK_ELDERLY", KV_CODES_ATC, "N05AH04", d));
	ck_assert(!in("HIGH_RISK_ELDERLY", KV_CODES_ATC, "N05AN01", d));
	ck_assert(in("ADDICTIVE", KV_CODES_RXGROUP, "A", d));
	ck_assert(!in("ADDICTIVE", KV_CODES_RXGROUP, "C", d));
	/* kinds do not mix: an analysis code is not a fee */
	ck_assert(in("LMG_FEE", KV_CODES_FEE, "2ld", d));
	ck_assert(!in("LMG_FEE", KV_CODES_ANALYSIS, "2LD", d));
	ck_assert(in("NOKLUS_FORM", KV_CODES_FORM, "noklus_diabetes", d));
}
END_TEST

START_TEST(validity_periods_are_inclusive)
{
	ck_assert(in("NOKLUS_FORM_FEE", KV_CODES_FEE, "109a", kv_date_from_ymd(2022, 6, 30)));
	ck_assert(!in("NOKLUS_FORM_FEE", KV_CODES_FEE, "109a", kv_date_from_ymd(2022, 7, 1)));
	ck_assert(in("NOKLUS_FORM_FEE", KV_CODES_FEE, "105", kv_date_from_ymd(2023, 7, 1)));
}
END_TEST

START_TEST(keyword_rules_for_connectors)
{
	const char *const *names, *const *rules;
	size_t n = kv_value_sets_keywords(vs, &names, &rules);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(names[0], "LMG_NOTE");
	ck_assert_str_eq(rules[0], "legemiddelgjennomgang|lmg");
}
END_TEST

static void expect_load_error(const char *text, const char *needle)
{
	char *dir = tu_mkdtemp();
	const char *path = tu_path(dir, "vs.txt");
	tu_write_file(path, text, 0644);
	struct kv_diags d = {0};
	ck_assert_ptr_null(kv_value_sets_load(path, &d));
	ck_assert_msg(kv_diags_contains(&d, needle), "\"%s\" not in: %s", needle,
		      d.n ? d.msgs[0] : "no error");
	kv_diags_free(&d);
	tu_rmtree(dir);
	free(dir);
}

START_TEST(errors_name_file_and_line)
{
	const char *head = "catalogue 1\nversion t\n";
	char text[512];
	snprintf(text, sizeof text, "%sX ICD10 E11\n", head);
	expect_load_error(text, "vs.txt:3: unknown code kind \"ICD10\"");
	snprintf(text, sizeof text, "%sX FEE 109 - 2022-06-31\n", head);
	expect_load_error(text, "vs.txt:3: TO \"2022-06-31\" is not a date");
	snprintf(text, sizeof text, "%sX FEE 109 2020-+1-01\n", head); /* a sign is no digit */
	expect_load_error(text, "vs.txt:3: FROM \"2020-+1-01\" is not a date");
	snprintf(text, sizeof text, "%sX FEE 109\nX KEYWORD lmg\n", head);
	expect_load_error(text, "value set X mixes KEYWORD with other kinds");
	snprintf(text, sizeof text, "%sdiabetes ICD-10 E11\n", head);
	expect_load_error(text, "vs.txt:3: value set name \"diabetes\"");
	expect_load_error("X FEE 1\n", "missing \"version VERSION\" line");
	struct kv_diags d = {0};
	ck_assert_ptr_null(kv_value_sets_load("/nonexistent/vs.txt", &d));
	ck_assert(kv_diags_contains(&d, "could not open value sets \"/nonexistent/vs.txt\""));
	kv_diags_free(&d);
}
END_TEST

static struct kv_value_sets *load_text(char **dir, const char *text)
{
	*dir = tu_mkdtemp();
	const char *path = tu_path(*dir, "vs.txt");
	tu_write_file(path, text, 0644);
	struct kv_diags d = {0};
	struct kv_value_sets *v = kv_value_sets_load(path, &d);
	ck_assert_msg(v != NULL, "%s", d.n ? d.msgs[0] : "");
	kv_diags_free(&d);
	return v;
}

static void unload(struct kv_value_sets *v, char *dir)
{
	kv_value_sets_free(v);
	tu_rmtree(dir);
	free(dir);
}

START_TEST(nested_prefixes_periods_and_exclusions)
{
	char *dir;
	struct kv_value_sets *v = load_text(&dir,
		"catalogue 1\nversion t\n"
		"A ICD-10 E1\n"
		"A ICD-10 !E119 2020-01-01 2020-12-31\n"
		"A ICD-10 E11\n"
		"A ATC C10*\n"
		"A ATC !C10AB 2021-01-01\n"
		"A ATC !C10AA05*\n"
		"A ATC N02AA01\n"
		"A FEE 2LD - 2019-12-31\n"
		"A FEE !2LD 2021-01-01\n"
		"A FEE 2LD 2020-06-01\n"
		"A SNOMED 44054006\n");
	const struct kv_value_set *a = kv_value_sets_find(v, "A");
	kv_date y19 = kv_date_from_ymd(2019, 6, 1), y20 = kv_date_from_ymd(2020, 6, 1),
		y21 = kv_date_from_ymd(2021, 6, 1);
	/* categories: the longest does not hide a shorter one's exclusion */
	ck_assert(kv_value_set_contains(a, KV_CODES_ICD10, "E119", y19));
	ck_assert(!kv_value_set_contains(a, KV_CODES_ICD10, "E119", y20));
	ck_assert(!kv_value_set_contains(a, KV_CODES_ICD10, "E1190", y20));
	ck_assert(kv_value_set_contains(a, KV_CODES_ICD10, "E118", y20));
	ck_assert(kv_value_set_contains(a, KV_CODES_ICD10, "E1", y20));
	ck_assert(!kv_value_set_contains(a, KV_CODES_ICD10, "E", y20));
	ck_assert(!kv_value_set_contains(a, KV_CODES_ICD10, "E2", y20));
	/* an ATC exclusion written as a code is exact; with '*' a prefix */
	ck_assert(kv_value_set_contains(a, KV_CODES_ATC, "C10AB", y20));
	ck_assert(!kv_value_set_contains(a, KV_CODES_ATC, "C10AB", y21));
	ck_assert(kv_value_set_contains(a, KV_CODES_ATC, "C10AB05", y21));
	ck_assert(!kv_value_set_contains(a, KV_CODES_ATC, "C10AA05", y19));
	ck_assert(!kv_value_set_contains(a, KV_CODES_ATC, "C10AA0501", y19));
	ck_assert(kv_value_set_contains(a, KV_CODES_ATC, "C10AA07", y19));
	ck_assert(kv_value_set_contains(a, KV_CODES_ATC, "N02AA01", y19));
	ck_assert(!kv_value_set_contains(a, KV_CODES_ATC, "N02AA0", y19));
	ck_assert(!kv_value_set_contains(a, KV_CODES_ATC, "N02AA011", y19));
	/* one exact code, three periods: in, gap, in, then excluded */
	ck_assert(kv_value_set_contains(a, KV_CODES_FEE, "2LD", y19));
	ck_assert(!kv_value_set_contains(a, KV_CODES_FEE, "2LD", kv_date_from_ymd(2020, 3, 1)));
	ck_assert(kv_value_set_contains(a, KV_CODES_FEE, "2LD", y20));
	ck_assert(!kv_value_set_contains(a, KV_CODES_FEE, "2LD", y21));
	/* kinds never mix; an empty or unknown-kind lookup is not in */
	ck_assert(!kv_value_set_contains(a, KV_CODES_ICPC2, "E11", y20));
	ck_assert(!kv_value_set_contains(a, KV_CODES_ANALYSIS, "2LD", y19));
	ck_assert(kv_value_set_contains(a, KV_CODES_SNOMED, "44054006", y19));
	ck_assert(!kv_value_set_contains(a, KV_CODES_SNOMED, "4405400", y19));
	ck_assert(!kv_value_set_contains(a, KV_CODES_FEE, "", y19));
	char longer[80];
	memset(longer, '1', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	memcpy(longer, "C10AA07", 7);
	ck_assert(kv_value_set_contains(a, KV_CODES_ATC, longer, y19));
	longer[0] = 'X';
	ck_assert(!kv_value_set_contains(a, KV_CODES_ATC, longer, y19));
	ck_assert(!kv_value_set_contains(a, (enum kv_code_kind)0, "2LD", y19));
	ck_assert(!kv_value_set_contains(a, (enum kv_code_kind)99, "2LD", y19));
	unload(v, dir);
}
END_TEST

/*
 * The indexed lookup against the rule written out (every entry in turn: a
 * valid matching exclusion wins, else any valid matching inclusion) on
 * random sets of short codes from a small alphabet, so that codes, prefixes
 * and periods collide often.
 */
struct oracle_entry {
	enum kv_code_kind kind;
	bool exclude, prefix;
	char code[8];
	kv_date from, to;
};

static bool oracle(const struct oracle_entry *e, size_t n, enum kv_code_kind kind,
		   const char *code, kv_date date)
{
	bool in = false;
	for (size_t i = 0; i < n; i++) {
		if (e[i].kind != kind || date < e[i].from || date > e[i].to)
			continue;
		if (e[i].prefix ? strncmp(code, e[i].code, strlen(e[i].code)) != 0
				: strcmp(code, e[i].code) != 0)
			continue;
		if (e[i].exclude)
			return false;
		in = true;
	}
	return in;
}

static unsigned rnd(unsigned *state)
{
	*state = *state * 1103515245u + 12345u;
	return (*state >> 16) & 0x7fff;
}

static void random_code(unsigned *st, char *out, size_t max)
{
	size_t len = 1 + rnd(st) % max;
	for (size_t i = 0; i < len; i++)
		out[i] = "AB1"[rnd(st) % 3];
	out[len] = '\0';
}

START_TEST(index_agrees_with_the_rule_on_random_sets)
{
	static const enum kv_code_kind kinds[] = {KV_CODES_ICD10, KV_CODES_ATC, KV_CODES_FEE,
						  KV_CODES_ICPC2};
	static const char *const words[] = {"", "", "ICD-10", "ATC", "", "FEE"};
	static const kv_date years[] = {2018, 2019, 2020, 2021};
	unsigned st = 12345;
	for (int round = 0; round < 200; round++) {
		struct oracle_entry e[40];
		size_t n = 1 + rnd(&st) % 40;
		char *text = malloc(n * 64 + 64), *w = text;
		w += sprintf(w, "catalogue 1\nversion t\n");
		for (size_t i = 0; i < n; i++) {
			e[i].kind = kinds[rnd(&st) % 4];
			e[i].exclude = rnd(&st) % 4 == 0;
			random_code(&st, e[i].code, 5);
			e[i].prefix = e[i].kind == KV_CODES_ICD10 ||
				      (e[i].kind == KV_CODES_ATC && rnd(&st) % 2);
			int from = (int)(rnd(&st) % 5), to = (int)(rnd(&st) % 5);
			if (from > 0 && to > 0 && years[from - 1] > years[to - 1])
				to = 0;
			e[i].from = from ? kv_date_from_ymd((int)years[from - 1], 1, 1) : INT32_MIN;
			e[i].to = to ? kv_date_from_ymd((int)years[to - 1], 12, 31) : KV_DATE_OPEN;
			char f[16] = "-", t[16] = "-";
			if (from)
				snprintf(f, sizeof f, "%d-01-01", (int)years[from - 1]);
			if (to)
				snprintf(t, sizeof t, "%d-12-31", (int)years[to - 1]);
			w += sprintf(w, "R %s %s%s%s %s %s\n",
				     e[i].kind == KV_CODES_ICPC2 ? "ICPC-2" : words[e[i].kind],
				     e[i].exclude ? "!" : "", e[i].code,
				     e[i].kind == KV_CODES_ATC && e[i].prefix ? "*" : "", f, t);
		}
		char *dir;
		struct kv_value_sets *v = load_text(&dir, text);
		const struct kv_value_set *r = kv_value_sets_find(v, "R");
		for (int q = 0; q < 300; q++) {
			enum kv_code_kind kind = kinds[rnd(&st) % 4];
			char code[8];
			random_code(&st, code, 6);
			kv_date date = kv_date_from_ymd(2017 + (int)(rnd(&st) % 6), 6, 1);
			ck_assert_msg(kv_value_set_contains(r, kind, code, date) ==
					      oracle(e, n, kind, code, date),
				      "round %d: kind %d code %s", round, (int)kind, code);
		}
		unload(v, dir);
		free(text);
	}
}
END_TEST

Suite *suite_valueset(void)
{
	Suite *s = suite_create("valueset");
	TCase *tc = tcase_create("valueset");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, shipped_file_matches_the_catalogue);
	tcase_add_test(tc, validity_periods_are_inclusive);
	tcase_add_test(tc, keyword_rules_for_connectors);
	tcase_add_test(tc, errors_name_file_and_line);
	tcase_add_test(tc, nested_prefixes_periods_and_exclusions);
	tcase_add_test(tc, index_agrees_with_the_rule_on_random_sets);
	suite_add_tcase(s, tc);
	return s;
}
