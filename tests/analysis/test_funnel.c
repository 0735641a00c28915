/*
 * test_funnel.c - exact binomial control limits (against scipy), their
 * shape, the window, deduplication and the flags
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "an_test.h"
#include "funnel.h"

static const struct {
	double p0;
	long n;
} cases[] = {{0.5, 100}, {0.1, 50}, {0.73, 1234}, {0.02, 20}, {0.9, 7}, {0.35, 24000}, {0.6, 1}};

/* Spiegelhalter's limits computed independently with scipy.stats.binom. */
START_TEST(test_limits_scipy)
{
	char cmd[4096];
	int len = snprintf(cmd, sizeof cmd,
			   "/usr/bin/python3 -c 'import sys\n"
			   "from scipy.stats import binom\n"
			   "def lim(p0, n, q):\n"
			   "    r = binom.ppf(q, n, p0)\n"
			   "    f, f1 = binom.cdf(r, n, p0), binom.cdf(r - 1, n, p0)\n"
			   "    return min(1.0, max(0.0, (r - (f - q) / (f - f1)) / n))\n"
			   "for a in sys.argv[1:]:\n"
			   "    p0, n = float(a.split(\":\")[0]), int(a.split(\":\")[1])\n"
			   "    print(\" \".join(repr(lim(p0, n, q)) for q in (0.025, 0.975, 0.001, 0.999)))\n"
			   "'");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		len += snprintf(cmd + len, sizeof cmd - (size_t)len, " %g:%ld", cases[i].p0,
				cases[i].n);
	int st;
	char *out = an_run(cmd, &st);
	ck_assert_msg(st == 0, "scipy failed: %s", out);
	char *line = out;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		double ref[4];
		ck_assert_int_eq(sscanf(line, "%lf %lf %lf %lf", &ref[0], &ref[1], &ref[2], &ref[3]), 4);
		line = strchr(line, '\n') + 1;
		struct kv_funnel_limits l;
		kv_funnel_limits(cases[i].p0, cases[i].n, &l);
		double got[4] = {l.lo95, l.hi95, l.lo998, l.hi998};
		for (int k = 0; k < 4; k++)
			ck_assert_msg(fabs(got[k] - ref[k]) < 1e-9, "p0 %g n %ld limit %d: C %.12g scipy %.12g",
				      cases[i].p0, cases[i].n, k, got[k], ref[k]);
	}
	free(out);
}
END_TEST

START_TEST(test_limits_known)
{
	struct kv_funnel_limits l;
	kv_funnel_limits(0.5, 100, &l);
	/* hand-checked: F(39) = .0176, F(40) = .0284 -> 40 - .31 = 39.69 */
	ck_assert_double_eq_tol(l.lo95, 0.3969, 5e-4);
	ck_assert_double_eq_tol(l.hi95, 0.5931, 5e-4);
	ck_assert_double_eq_tol(l.lo95 + l.hi95, 0.99, 0.01);  /* nearly symmetric */
	ck_assert(l.lo998 < l.lo95 && l.hi998 > l.hi95);
	kv_funnel_limits(0.0, 50, &l);
	ck_assert_double_eq(l.lo95, 0.0);
	ck_assert_double_eq(l.hi998, 0.0);
	kv_funnel_limits(0.5, 0, &l);
	ck_assert(isnan(l.lo95));

	/* narrowing with n: the band at 2n is narrower than at n; from n to
	 * n+1 they ripple by less than 0.01 (the binomial is discrete) */
	const double ps[] = {0.02, 0.1, 0.37, 0.5, 0.8, 0.97};
	for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++) {
		struct kv_funnel_limits prev;
		kv_funnel_limits(ps[k], 4, &prev);
		for (long n = 5; n <= 3000; n++) {
			struct kv_funnel_limits twice;
			kv_funnel_limits(ps[k], n, &l);
			kv_funnel_limits(ps[k], 2 * n, &twice);
			ck_assert_msg(twice.hi95 - twice.lo95 < l.hi95 - l.lo95 &&
				      twice.hi998 - twice.lo998 < l.hi998 - l.lo998,
				      "p0 %g: limits at n %ld not narrower than at n/2", ps[k], 2 * n);
			ck_assert(l.hi95 <= prev.hi95 + 0.01 && l.lo95 >= prev.lo95 - 0.01);
			ck_assert(l.lo998 <= l.lo95 && l.hi998 >= l.hi95);
			ck_assert(l.lo95 >= 0 && l.hi95 <= 1 && l.lo95 <= ps[k] && ps[k] <= l.hi95);
			prev = l;
		}
	}
	kv_funnel_limits(0.5, 1, &l);
	ck_assert_double_eq(l.lo95, 0.0);   /* clamped */
	kv_funnel_limits(0.37, 5000, &l);
	ck_assert_double_eq_tol(l.hi95 - l.lo95, 2 * 1.96 * sqrt(0.37 * 0.63 / 5000), 1e-3);
}
END_TEST

#define ROW(o, g, y, m, n, d) {o, g, "X", y, m, n, d}

START_TEST(test_build_flags)
{
	const struct kv_month_row rows[] = {
		ROW("in", "a", 2022, 12, 50, 100),
		ROW("hi95", "a", 2022, 12, 63, 100),
		ROW("lo95", "a", 2022, 12, 37, 100),
		ROW("hi998", "b", 2022, 6, 80, 100),
		ROW("lo998", "b", 2022, 1, 20, 100),
		ROW("lo998", "b", 2021, 12, 99, 100),      /* before the window */
		ROW("in", "b", 2022, 12, 50, 100),          /* same office, other group */
		ROW("gone", "a", 2020, 5, 10, 10),          /* only outside the window */
		ROW("supp", "a", 2022, 3, KV_AN_MISSING, 9),/* only suppressed */
		ROW("in", "a", 2021, 11, 1, 1000),          /* before the window */
		ROW("other", "a", 2023, 3, 1, 1),           /* another indicator below */
	};
	struct kv_month_row in[sizeof rows / sizeof rows[0]];
	memcpy(in, rows, sizeof rows);
	in[10].indicator = "Y";
	struct kv_panel *p = NULL;
	struct kv_funnel *f = NULL;
	char err[256];
	ck_assert_int_eq(kv_panel_build(in, sizeof in / sizeof in[0], KV_AN_MONTH, &p, err, sizeof err), 0);
	ck_assert_msg(kv_funnel_build(p, "X", NULL, &f, err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(f->last_month, kv_an_month(2022, 12));
	ck_assert_int_eq(f->first_month, kv_an_month(2022, 1));
	ck_assert_uint_eq(f->n_offices, 5);
	ck_assert_uint_eq(f->excluded, 2);
	ck_assert_double_eq(f->p0, 0.5);
	const char *names[] = {"hi95", "hi998", "in", "lo95", "lo998"};
	enum kv_funnel_flag flags[] = {KV_FUNNEL_OUT95, KV_FUNNEL_OUT998, KV_FUNNEL_INSIDE,
				       KV_FUNNEL_OUT95, KV_FUNNEL_OUT998};
	int sides[] = {1, 1, 0, -1, -1};
	for (int i = 0; i < 5; i++) {
		ck_assert_str_eq(f->offices[i].office, names[i]);
		ck_assert_int_eq(f->offices[i].flag, flags[i]);
		ck_assert_int_eq(f->offices[i].side, sides[i]);
		ck_assert_double_eq(f->offices[i].n, 100);
	}
	/* the curves: increasing n over the offices' range, narrowing */
	ck_assert_uint_ge(f->n_grid, 20);
	ck_assert(f->grid[0].n <= 50 && f->grid[f->n_grid - 1].n >= 110);
	for (size_t i = 1; i < f->n_grid; i++) {
		ck_assert(f->grid[i].n > f->grid[i - 1].n);
		ck_assert(f->grid[i].lim.hi95 <= f->grid[i - 1].lim.hi95 + 0.01);
		ck_assert(f->grid[i].lim.lo95 >= f->grid[i - 1].lim.lo95 - 0.01);
	}
	ck_assert(f->grid[f->n_grid - 1].lim.hi95 < f->grid[0].lim.hi95);
	kv_funnel_free(f);

	/* MEAN: x is the mean monthly denominator */
	struct kv_funnel_opts o = {.mode = KV_FUNNEL_N_MEAN, .last_month = kv_an_month(2022, 12)};
	ck_assert_int_eq(kv_funnel_build(p, "X", &o, &f, err, sizeof err), 0);
	ck_assert_double_eq(f->offices[2].n, 100);
	kv_funnel_free(f);

	ck_assert_int_eq(kv_funnel_build(p, "NOPE", NULL, &f, err, sizeof err), -1);
	ck_assert_str_eq(err, "no published month of NOPE");
	o.last_month = kv_an_month(2010, 1);
	ck_assert_int_eq(kv_funnel_build(p, "X", &o, &f, err, sizeof err), -1);
	ck_assert_str_eq(err, "no office with published counts of X in 2009-02 to 2010-01");
	kv_panel_free(p);

	ck_assert_int_eq(kv_panel_build(in, 2, KV_AN_YEAR, &p, err, sizeof err), 0);
	ck_assert_int_eq(kv_funnel_build(p, "X", NULL, &f, err, sizeof err), -1);
	ck_assert_str_eq(err, "a funnel plot needs a panel of months");
	kv_panel_free(p);
}
END_TEST

START_TEST(test_synth_mean_vs_sum)
{
	size_t n;
	const struct kv_month_row *rows = an_synth(3, 0.1, 0, &n);
	struct kv_panel *p = NULL;
	struct kv_funnel *sum = NULL, *mean = NULL;
	char err[256];
	ck_assert_int_eq(kv_panel_build(rows, n, KV_AN_MONTH, &p, err, sizeof err), 0);
	struct kv_funnel_opts o = {.mode = KV_FUNNEL_N_MEAN};
	ck_assert_int_eq(kv_funnel_build(p, "DM_ANNUAL_CHECK", NULL, &sum, err, sizeof err), 0);
	ck_assert_int_eq(kv_funnel_build(p, "DM_ANNUAL_CHECK", &o, &mean, err, sizeof err), 0);
	ck_assert_uint_eq(sum->n_offices, 23);
	ck_assert_double_eq(sum->p0, mean->p0);
	int out_sum = 0, out_mean = 0;
	for (size_t i = 0; i < 23; i++) {
		ck_assert_double_eq(sum->offices[i].share, mean->offices[i].share);
		ck_assert(mean->offices[i].n * mean->offices[i].months ==
			  (double)sum->offices[i].denominator);
		out_sum += sum->offices[i].flag != KV_FUNNEL_INSIDE;
		out_mean += mean->offices[i].flag != KV_FUNNEL_INSIDE;
	}
	ck_assert_int_ge(out_sum, out_mean);
	kv_funnel_free(sum);
	kv_funnel_free(mean);
	kv_panel_free(p);
}
END_TEST

Suite *suite_funnel(void)
{
	Suite *s = suite_create("funnel");
	TCase *tc = tcase_create("funnel");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_limits_scipy);
	tcase_add_test(tc, test_limits_known);
	tcase_add_test(tc, test_build_flags);
	tcase_add_test(tc, test_synth_mean_vs_sum);
	suite_add_tcase(s, tc);
	return s;
}
