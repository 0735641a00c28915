/*
 * test_panel.c - the panel: month rows, year aggregation, suppressed
 * months, order, CSV
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "an_test.h"
#include "panel.h"

#define M KV_AN_MISSING

static const struct kv_month_row rows[] = {
	/* out of order on purpose */
	{"b", "control", "X", 2019, 2, 3, 10},
	{"a", "ffs", "X", 2019, 1, 5, 10},
	{"a", "ffs", "X", 2019, 2, M, 12},   /* numerator suppressed */
	{"a", "ffs", "X", 2019, 3, 7, 20},
	{"a", "ffs", "X", 2019, 4, 4, M},    /* denominator suppressed */
	{"a", "ffs", "X", 2020, 1, M, M},    /* the year's only month: missing */
	{"a", "ffs", "X", 2020, 2, 0, 0},    /* published, share undefined */
	{"b", "control", "X", 2019, 1, 2, 10},
	{"o,\"q\"", "control", "X", 2019, 1, 1, 3},
};
#define NROWS (sizeof rows / sizeof rows[0])

static char *csv_of(const struct kv_panel *p)
{
	char *buf = NULL, err[128];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_int_eq(kv_panel_write_csv(p, f, err, sizeof err), 0);
	fclose(f);
	return buf;
}

START_TEST(test_months)
{
	struct kv_panel *p = NULL;
	char err[256];
	ck_assert_int_eq(kv_panel_build(rows, NROWS, KV_AN_MONTH, &p, err, sizeof err), 0);
	ck_assert_uint_eq(kv_panel_count(p), NROWS);
	const struct kv_panel_row *r = kv_panel_row(p, 0);
	ck_assert_str_eq(r->office, "b");   /* "control" < "ffs" */
	ck_assert_int_eq(r->period, kv_an_month(2019, 1));
	char *csv = csv_of(p);
	ck_assert_str_eq(csv,
			 "office,group,period,indicator,numerator,denominator,share\n"
			 "b,control,2019-01,X,2,10,0.2\n"
			 "b,control,2019-02,X,3,10,0.3\n"
			 "\"o,\"\"q\"\"\",control,2019-01,X,1,3,0.3333333333333333\n"
			 "a,ffs,2019-01,X,5,10,0.5\n"
			 "a,ffs,2019-02,X,,12,\n"
			 "a,ffs,2019-03,X,7,20,0.35\n"
			 "a,ffs,2019-04,X,4,,\n"
			 "a,ffs,2020-01,X,,,\n"
			 "a,ffs,2020-02,X,0,0,\n");
	free(csv);
	kv_panel_free(p);
}
END_TEST

START_TEST(test_years)
{
	struct kv_panel *p = NULL;
	char err[256];
	ck_assert_int_eq(kv_panel_build(rows, NROWS, KV_AN_YEAR, &p, err, sizeof err), 0);
	ck_assert_uint_eq(kv_panel_count(p), 4);
	const struct kv_panel_row *a19 = kv_panel_row(p, 2), *a20 = kv_panel_row(p, 3);
	ck_assert_str_eq(a19->office, "a");
	/* only January and March have both counts: (5+7)/(10+20) */
	ck_assert_int_eq(a19->months, 2);
	ck_assert_int_eq(a19->numerator, 12);
	ck_assert_int_eq(a19->denominator, 30);
	ck_assert_double_eq_tol(a19->share, 0.4, 1e-15);
	/* 2020: one month with nothing, one with 0/0 */
	ck_assert_int_eq(a20->months, 1);
	ck_assert_int_eq(a20->numerator, 0);
	ck_assert_int_eq(a20->denominator, 0);
	ck_assert(isnan(a20->share));
	char *csv = csv_of(p);
	ck_assert_str_eq(csv,
			 "office,group,period,indicator,numerator,denominator,share\n"
			 "b,control,2019,X,5,20,0.25\n"
			 "\"o,\"\"q\"\"\",control,2019,X,1,3,0.3333333333333333\n"
			 "a,ffs,2019,X,12,30,0.4\n"
			 "a,ffs,2020,X,0,0,\n");
	free(csv);
	kv_panel_free(p);

	/* a year with no month published at all is a row of missing values */
	const struct kv_month_row none[] = {{"a", "g", "X", 2021, 5, M, 7}};
	ck_assert_int_eq(kv_panel_build(none, 1, KV_AN_YEAR, &p, err, sizeof err), 0);
	ck_assert_int_eq(kv_panel_row(p, 0)->numerator, M);
	ck_assert_int_eq(kv_panel_row(p, 0)->denominator, M);
	ck_assert_int_eq(kv_panel_row(p, 0)->months, 0);
	kv_panel_free(p);
}
END_TEST

START_TEST(test_errors)
{
	struct kv_panel *p = NULL;
	char err[256], longname[120];
	const struct kv_month_row dup[] = {{"a", "g", "X", 2019, 1, 1, 2}, {"a", "g", "X", 2019, 1, 1, 2}};
	ck_assert_int_eq(kv_panel_build(dup, 2, KV_AN_MONTH, &p, err, sizeof err), -1);
	ck_assert_ptr_null(p);
	ck_assert_str_eq(err, "two rows for office \"a\" group \"g\" indicator X 2019-01");
	const struct kv_month_row bad_month[] = {{"a", "g", "X", 2019, 13, 1, 2}};
	ck_assert_int_eq(kv_panel_build(bad_month, 1, KV_AN_MONTH, &p, err, sizeof err), -1);
	const struct kv_month_row neg[] = {{"a", "g", "X", 2019, 1, -3, 2}};
	ck_assert_int_eq(kv_panel_build(neg, 1, KV_AN_MONTH, &p, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "negative count"));
	memset(longname, 'x', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	const struct kv_month_row lng[] = {{longname, "g", "X", 2019, 1, 1, 2}};
	ck_assert_int_eq(kv_panel_build(lng, 1, KV_AN_MONTH, &p, err, sizeof err), -1);
	ck_assert_str_eq(err, "office name longer than 100 bytes");
	ck_assert_int_eq(kv_panel_build(NULL, 0, KV_AN_MONTH, &p, err, sizeof err), 0);
	ck_assert_uint_eq(kv_panel_count(p), 0);
	kv_panel_free(p);
}
END_TEST

START_TEST(test_periods)
{
	struct kv_an_period r;
	char err[128];
	ck_assert_int_eq(kv_an_range_parse("2015..2017", &r, err, sizeof err), 0);
	ck_assert_int_eq(r.first, kv_an_month(2015, 1));
	ck_assert_int_eq(r.last, kv_an_month(2017, 12));
	ck_assert_int_eq(kv_an_range_parse("2018-03..2018-05", &r, err, sizeof err), 0);
	ck_assert_int_eq(r.last - r.first, 2);
	ck_assert_int_eq(kv_an_range_parse("2019", &r, err, sizeof err), 0);
	ck_assert_int_eq(kv_an_range_parse("2019..2018", &r, err, sizeof err), -1);
	ck_assert_int_eq(kv_an_range_parse("2019-13", &r, err, sizeof err), -1);
	ck_assert_int_eq(kv_an_range_parse("19", &r, err, sizeof err), -1);
	ck_assert_int_eq(kv_an_range_parse("2019..", &r, err, sizeof err), -1);
}
END_TEST

START_TEST(test_synth_years)
{
	size_t n;
	const struct kv_month_row *in = an_synth(1, 0.1, 0, &n);
	struct kv_panel *p = NULL;
	char err[256];
	ck_assert_int_eq(kv_panel_build(in, n, KV_AN_YEAR, &p, err, sizeof err), 0);
	ck_assert_uint_eq(kv_panel_count(p), 23 * 8 - 1);
	/* every year's counts are the sums over its months with both counts */
	for (size_t i = 0; i < kv_panel_count(p); i++) {
		const struct kv_panel_row *r = kv_panel_row(p, i);
		long sn = 0, sd = 0;
		int months = 0;
		for (size_t j = 0; j < n; j++)
			if (strcmp(in[j].office, r->office) == 0 && in[j].year == r->period / 12 &&
			    in[j].numerator != M && in[j].denominator != M) {
				sn += in[j].numerator;
				sd += in[j].denominator;
				months++;
			}
		ck_assert_int_eq(r->numerator, sn);
		ck_assert_int_eq(r->denominator, sd);
		ck_assert_int_eq(r->months, months);
	}
	kv_panel_free(p);
}
END_TEST

Suite *suite_panel(void)
{
	Suite *s = suite_create("panel");
	TCase *tc = tcase_create("panel");
	tcase_add_test(tc, test_months);
	tcase_add_test(tc, test_years);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_periods);
	tcase_add_test(tc, test_synth_years);
	suite_add_tcase(s, tc);
	return s;
}
