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

Suite *suite_valueset(void)
{
	Suite *s = suite_create("valueset");
	TCase *tc = tcase_create("valueset");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, shipped_file_matches_the_catalogue);
	tcase_add_test(tc, validity_periods_are_inclusive);
	tcase_add_test(tc, keyword_rules_for_connectors);
	tcase_add_test(tc, errors_name_file_and_line);
	suite_add_tcase(s, tc);
	return s;
}
