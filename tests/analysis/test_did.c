/*
 * test_did.c - difference-in-differences against statsmodels (python3 from
 * Debian), recovery of a planted effect, error cases, the table
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "an_test.h"
#include "did.h"

#define TOL 1e-6

struct ref {
	double coef, se, p_z, lo_z, hi_z, p_t, lo_t, hi_t, n, clusters;
};

static struct kv_panel *synth_panel(unsigned long seed, double eff_ffs, double eff_grant,
				    enum kv_an_unit unit)
{
	size_t n;
	const struct kv_month_row *rows = an_synth(seed, eff_ffs, eff_grant, &n);
	struct kv_panel *p = NULL;
	char err[256];
	ck_assert_msg(kv_panel_build(rows, n, unit, &p, err, sizeof err) == 0, "%s", err);
	return p;
}

static struct ref statsmodels(const struct kv_panel *p, const char *treated, bool weighted)
{
	char *csv = an_tmpfile(".csv");
	FILE *f = fopen(csv, "w");
	ck_assert_ptr_nonnull(f);
	char err[256];
	ck_assert_int_eq(kv_panel_write_csv(p, f, err, sizeof err), 0);
	fclose(f);
	char cmd[8192];
	snprintf(cmd, sizeof cmd,
		 "/usr/bin/python3 %s/tests/analysis/did_statsmodels.py %s DM_ANNUAL_CHECK %s control "
		 "2015..2017 2018..2022 %d",
		 an_source_dir(), csv, treated, weighted);
	int st;
	char *out = an_run(cmd, &st);
	struct ref r;
	int got = sscanf(out, "%lf %lf %lf %lf %lf %lf %lf %lf %lf %lf", &r.coef, &r.se, &r.p_z,
			 &r.lo_z, &r.hi_z, &r.p_t, &r.lo_t, &r.hi_t, &r.n, &r.clusters);
	ck_assert_msg(st == 0 && got == 10, "statsmodels failed (status %d): %s", st, out);
	free(out);
	remove(csv);
	free(csv);
	return r;
}

static double max_diff;

static void close_to(const char *what, double c, double py)
{
	double diff = fabs(c - py);
	if (diff > max_diff)
		max_diff = diff;
	ck_assert_msg(diff <= TOL * fmax(1.0, fabs(py)), "%s: C %.12g statsmodels %.12g (diff %.3g)",
		      what, c, py, diff);
}

static struct kv_did_result did(const struct kv_panel *p, const char *treated, bool weighted,
				enum kv_did_inference inf)
{
	struct kv_did_spec s = {.indicator = "DM_ANNUAL_CHECK", .treated = treated,
				.control = "control", .weighted = weighted, .inference = inf};
	char err[256];
	ck_assert_int_eq(kv_an_range_parse("2015..2017", &s.before, err, sizeof err), 0);
	ck_assert_int_eq(kv_an_range_parse("2018..2022", &s.after, err, sizeof err), 0);
	struct kv_did_result r;
	ck_assert_msg(kv_did_estimate(p, &s, &r, err, sizeof err) == 0, "%s", err);
	return r;
}

/* The C estimate in both inference modes against statsmodels' two fits. */
static struct kv_did_result compare(const struct kv_panel *p, const char *treated, bool weighted,
				    const char *label)
{
	struct ref py = statsmodels(p, treated, weighted);
	struct kv_did_result t = did(p, treated, weighted, KV_DID_T_CLUSTERS);
	struct kv_did_result z = did(p, treated, weighted, KV_DID_NORMAL);
	fprintf(stderr,
		"did %-28s C coef %+.10f se %.10f p_t %.10f ci_t [%+.10f, %+.10f] p_z %.10f N %ld G %d\n"
		"    %-28s statsmodels %+.10f se %.10f p_t %.10f ci_t [%+.10f, %+.10f] p_z %.10f N %.0f\n",
		label, t.coef, t.se, t.p, t.ci_low, t.ci_high, z.p, t.n, t.clusters, "", py.coef,
		py.se, py.p_t, py.lo_t, py.hi_t, py.p_z, py.n);
	close_to("coef", t.coef, py.coef);
	close_to("se", t.se, py.se);
	close_to("p (t, G-1)", t.p, py.p_t);
	close_to("ci low (t)", t.ci_low, py.lo_t);
	close_to("ci high (t)", t.ci_high, py.hi_t);
	close_to("p (normal)", z.p, py.p_z);
	close_to("ci low (normal)", z.ci_low, py.lo_z);
	close_to("ci high (normal)", z.ci_high, py.hi_z);
	ck_assert_int_eq(t.n, (long)py.n);
	ck_assert_int_eq(t.clusters, (int)py.clusters);
	ck_assert_int_eq(t.df, t.clusters - 1);
	ck_assert_double_eq(z.se, t.se);
	fprintf(stderr, "    largest |C - statsmodels| so far: %.3g\n", max_diff);
	return t;
}

START_TEST(test_planted_effect_year)
{
	struct kv_panel *p = synth_panel(20240501, 0.15, 0.0, KV_AN_YEAR);
	struct kv_did_result ffs = compare(p, "ffs", false, "ffs vs control (planted)");
	ck_assert_int_eq(ffs.clusters, 18);
	ck_assert_int_eq(ffs.n, 18 * 8 - 1);
	ck_assert_int_eq(ffs.params, 18 + 8);
	ck_assert_msg(ffs.ci_low <= 0.15 && 0.15 <= ffs.ci_high, "95%% CI misses the planted 0.15");
	ck_assert_msg(ffs.p < 0.05, "planted effect not significant: p %g", ffs.p);
	struct kv_did_result grant = compare(p, "grant", false, "grant vs control (none)");
	ck_assert_msg(grant.ci_low <= 0 && 0 <= grant.ci_high, "95%% CI of the null excludes 0");
	kv_panel_free(p);
}
END_TEST

START_TEST(test_null_panel_year)
{
	struct kv_panel *p = synth_panel(77, 0.0, 0.0, KV_AN_YEAR);
	struct kv_did_result r = compare(p, "ffs", false, "ffs vs control (null panel)");
	ck_assert_msg(r.ci_low <= 0 && 0 <= r.ci_high, "95%% CI of the null excludes 0");
	kv_panel_free(p);
}
END_TEST

START_TEST(test_weighted_year)
{
	struct kv_panel *p = synth_panel(20240501, 0.15, 0.0, KV_AN_YEAR);
	struct kv_did_result r = compare(p, "ffs", true, "ffs vs control (WLS)");
	ck_assert_msg(r.ci_low <= 0.15 && 0.15 <= r.ci_high, "WLS CI misses 0.15");
	kv_panel_free(p);
}
END_TEST

START_TEST(test_planted_effect_month)
{
	struct kv_panel *p = synth_panel(20240501, 0.15, 0.0, KV_AN_MONTH);
	struct kv_did_result r = compare(p, "ffs", false, "ffs vs control (months)");
	ck_assert_int_eq(r.periods, 96);
	ck_assert_msg(r.ci_low <= 0.15 && 0.15 <= r.ci_high, "monthly CI misses 0.15");
	kv_panel_free(p);
}
END_TEST

static const char *did_error(const struct kv_panel *p, const char *treated, const char *control,
			     const char *before, const char *after)
{
	static char err[512];
	struct kv_did_spec s = {.indicator = "DM_ANNUAL_CHECK", .treated = treated,
				.control = control};
	ck_assert_int_eq(kv_an_range_parse(before, &s.before, err, sizeof err), 0);
	ck_assert_int_eq(kv_an_range_parse(after, &s.after, err, sizeof err), 0);
	struct kv_did_result r;
	ck_assert_int_eq(kv_did_estimate(p, &s, &r, err, sizeof err), -1);
	return err;
}

START_TEST(test_errors)
{
	struct kv_panel *p = synth_panel(5, 0.1, 0.0, KV_AN_YEAR);
	const char *e = did_error(p, "nobody", "control", "2015..2017", "2018..2022");
	ck_assert_msg(strstr(e, "treated group \"nobody\" has no office"), "%s", e);
	e = did_error(p, "ffs", "none", "2015..2017", "2018..2022");
	ck_assert_msg(strstr(e, "control group \"none\" has no office"), "%s", e);
	e = did_error(p, "ffs", "ffs", "2015..2017", "2018..2022");
	ck_assert_msg(strstr(e, "same group"), "%s", e);
	e = did_error(p, "ffs", "control", "2015..2018", "2018..2022");
	ck_assert_msg(strstr(e, "overlap"), "%s", e);
	/* no period after: D is all zero */
	e = did_error(p, "ffs", "control", "2015..2017", "2030..2031");
	ck_assert_msg(strstr(e, "singular design"), "%s", e);
	/* one period only */
	e = did_error(p, "ffs", "control", "2014", "2015");
	ck_assert_msg(strstr(e, "singular design") || strstr(e, "only one period"), "%s", e);
	kv_panel_free(p);

	/* two offices, each one cluster: fewer than 2 clusters is impossible with
	 * both groups non-empty, so N <= K is what stops a tiny design */
	struct kv_month_row rows[] = {
		{"a", "t", "DM_ANNUAL_CHECK", 2016, 1, 5, 10},
		{"a", "t", "DM_ANNUAL_CHECK", 2019, 1, 8, 10},
		{"b", "c", "DM_ANNUAL_CHECK", 2016, 1, 5, 10},
		{"b", "c", "DM_ANNUAL_CHECK", 2019, 1, 6, 10},
	};
	char err[256];
	ck_assert_int_eq(kv_panel_build(rows, 4, KV_AN_YEAR, &p, err, sizeof err), 0);
	e = did_error(p, "t", "c", "2015..2017", "2018..2022");
	ck_assert_msg(strstr(e, "too few"), "%s", e);
	kv_panel_free(p);

	/* an office in both groups */
	struct kv_month_row both[] = {
		{"a", "t", "DM_ANNUAL_CHECK", 2016, 1, 5, 10},
		{"a", "c", "DM_ANNUAL_CHECK", 2016, 1, 5, 10},
	};
	ck_assert_int_eq(kv_panel_build(both, 2, KV_AN_YEAR, &p, err, sizeof err), 0);
	e = did_error(p, "t", "c", "2015..2017", "2018..2022");
	ck_assert_msg(strstr(e, "in both group"), "%s", e);
	kv_panel_free(p);
}
END_TEST

START_TEST(test_table)
{
	struct kv_panel *p = synth_panel(20240501, 0.15, 0.0, KV_AN_YEAR);
	struct kv_did_result ffs = did(p, "ffs", false, KV_DID_T_CLUSTERS);
	struct kv_did_result grant = did(p, "grant", false, KV_DID_T_CLUSTERS);
	struct kv_did_spec s = {.indicator = "DM_ANNUAL_CHECK"};
	char err[256], note[512];
	ck_assert_int_eq(kv_an_range_parse("2015..2017", &s.before, err, sizeof err), 0);
	ck_assert_int_eq(kv_an_range_parse("2018..2022", &s.after, err, sizeof err), 0);
	kv_did_note(&s, KV_AN_YEAR, note, sizeof note);
	struct kv_did_table_row rows[] = {
		{"Diabetikere med årskontroll (Noklus)", "ffs vs control", &ffs, NULL},
		{"Diabetikere med årskontroll (Noklus)", "grant vs control", &grant, NULL},
		{"Diabetics with signs of albuminuria", NULL, NULL, "no data"},
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_int_eq(kv_did_table_write(f, "Table: difference-in-differences", rows, 3, note, err,
					    sizeof err), 0);
	fclose(f);
	fprintf(stderr, "%s", buf);
	ck_assert_ptr_nonnull(strstr(buf, "Diabetikere med årskontroll (Noklus)\n    ffs vs control"));
	ck_assert_ptr_nonnull(strstr(buf, "    grant vs control"));
	ck_assert_ptr_nonnull(strstr(buf, "(no data)"));
	ck_assert_ptr_nonnull(strstr(buf, "before = 2015 to 2017, after = 2018 to 2022"));
	char coef[32];
	snprintf(coef, sizeof coef, "%+7.3f", ffs.coef);
	ck_assert_ptr_nonnull(strstr(buf, coef));
	free(buf);
	kv_panel_free(p);
}
END_TEST

Suite *suite_did(void)
{
	Suite *s = suite_create("did");
	TCase *tc = tcase_create("did");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_planted_effect_year);
	tcase_add_test(tc, test_null_panel_year);
	tcase_add_test(tc, test_weighted_year);
	tcase_add_test(tc, test_planted_effect_month);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_table);
	suite_add_tcase(s, tc);
	return s;
}
