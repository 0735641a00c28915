#define _DEFAULT_SOURCE /* S_IFREG */
/*
 * test_util.c - bounded strings, number parsing, permission checks
 */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "util.h"

START_TEST(snprintf_reports_truncation)
{
	char buf[8];
	ck_assert_int_eq(kv_snprintf(buf, sizeof buf, "%s", "1234567"), 0);
	ck_assert_int_eq(kv_snprintf(buf, sizeof buf, "%s", "12345678"), -1);
	ck_assert_str_eq(buf, "1234567");
	ck_assert_uint_eq(kv_strlcpy(buf, "abcdefghij", sizeof buf), 10);
	ck_assert_str_eq(buf, "abcdefg");
}
END_TEST

START_TEST(parses_numbers_months_booleans)
{
	long long v;
	ck_assert(kv_parse_int64("42", &v) && v == 42);
	ck_assert(kv_parse_int64("-7", &v) && v == -7);
	ck_assert(!kv_parse_int64("", &v));
	ck_assert(!kv_parse_int64("4x", &v));
	ck_assert(!kv_parse_int64(" 4", &v));
	ck_assert(!kv_parse_int64("99999999999999999999", &v));
	int m;
	ck_assert(kv_parse_month("2014-12", &m) && m == 2014 * 12 + 11);
	ck_assert(!kv_parse_month("2014-13", &m));
	ck_assert(!kv_parse_month("2014-1", &m));
	ck_assert(!kv_parse_month("14-12-01", &m));
	bool b;
	ck_assert(kv_parse_bool("Yes", &b) && b);
	ck_assert(kv_parse_bool("off", &b) && !b);
	ck_assert(!kv_parse_bool("maybe", &b));
	char s[] = " \t value \r\n";
	ck_assert_str_eq(kv_trim(s), "value");
}
END_TEST

START_TEST(permission_checks)
{
	struct stat st = {.st_mode = S_IFREG | 0644, .st_uid = geteuid()};
	char err[256];
	ck_assert_int_eq(kv_check_not_writable_by_others(&st, "/x", "file", err, sizeof err), 0);
	st.st_mode = S_IFREG | 0664;
	ck_assert_int_eq(kv_check_not_writable_by_others(&st, "/x", "file", err, sizeof err), -1);
	ck_assert(strstr(err, "writable by group or others") != NULL);
	st.st_mode = S_IFREG | 0600;
	ck_assert_int_eq(kv_check_private(&st, "/s", "secrets file", err, sizeof err), 0);
	st.st_mode = S_IFREG | 0640;
	ck_assert_int_eq(kv_check_private(&st, "/s", "secrets file", err, sizeof err), -1);
	ck_assert(strstr(err, "\"/s\"") != NULL);
}
END_TEST

Suite *suite_util(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");
	tcase_add_test(tc, snprintf_reports_truncation);
	tcase_add_test(tc, parses_numbers_months_booleans);
	tcase_add_test(tc, permission_checks);
	suite_add_tcase(s, tc);
	return s;
}
