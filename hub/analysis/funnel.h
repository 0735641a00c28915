/*
 * funnel.h - funnel plot data: each office's share of the latest 12 months
 * against its denominator, with binomial control limits around the overall
 * share
 *
 * Window: the 12 months ending at opts->last_month (0: the latest month of
 * the indicator in the panel). An office's numerator and denominator are
 * the sums over the months of the window where both counts were published
 * (a suppressed month is left out of both); share y = sum N / sum D. An
 * office with no such month is left out (counted in `excluded`). An office
 * that comes under several groups is one office.
 *
 * x (the "n" of the limits): KV_FUNNEL_N_SUM, the summed denominator, as
 * the issue asks; or KV_FUNNEL_N_MEAN, the mean monthly denominator (sum D
 * / months, rounded for the limits). CAUTION: the indicators are rolling
 * 12-month windows of one patient list, so the sum over 12 months counts
 * each patient about 12 times and SUM limits are about sqrt(12) = 3.5
 * times too narrow for patient-level binomial variation; MEAN is about the
 * number of patients behind the share. The caller chooses; the default
 * (zero) is SUM.
 *
 * Overall share p0 = sum N / sum D over the included offices (the same for
 * either x).
 *
 * Limits: exact binomial, Spiegelhalter (2005, Stat Med 24:1185, appendix
 * A.1.1): for a tail probability q (0.025/0.975 for 95%, 0.001/0.999 for
 * 99.8%) let r be the smallest count with F(r) = P(R <= r) >= q for R ~
 * Binomial(n, p0) (gsl_cdf_binomial_P); the limit is (r - a) / n with a =
 * (F(r) - q) / (F(r) - F(r-1)), which interpolates between the discrete
 * steps; the result is clamped to [0, 1] (at r = 0 the interpolation can
 * go below 0). p0 of 0 or 1 gives limits equal to p0. Because the binomial
 * is discrete the limits still ripple a little as n grows (an upper limit
 * can rise by up to ~0.01 from n to n+1 for n < 20 and p0 near 0.1, by
 * < 0.001 for n > 50); the band at 2n is always narrower than at n.
 *
 * Flags: an office is outside 95% (99.8%) when its share is strictly below
 * the lower or above the upper limit at its own n.
 *
 * Ownership: kv_funnel_build returns a malloc'd funnel the caller frees
 * with kv_funnel_free; its arrays belong to it.
 */
#ifndef KVALIND_FUNNEL_H
#define KVALIND_FUNNEL_H

#include "an.h"
#include "panel.h"

enum kv_funnel_n {
	KV_FUNNEL_N_SUM = 0,    /* summed denominator over the window's months */
	KV_FUNNEL_N_MEAN = 1,   /* mean monthly denominator */
};

enum kv_funnel_flag {
	KV_FUNNEL_INSIDE = 0,
	KV_FUNNEL_OUT95 = 1,    /* outside 95%, inside 99.8% */
	KV_FUNNEL_OUT998 = 2,   /* outside 99.8% */
};

struct kv_funnel_limits {
	double lo95, hi95;
	double lo998, hi998;
};

struct kv_funnel_office {
	char office[KV_AN_NAME_MAX];
	long numerator, denominator;    /* sums over the window */
	int months;                     /* months with both counts */
	double n;                       /* x: see enum kv_funnel_n */
	double share;                   /* y */
	struct kv_funnel_limits lim;    /* at this office's n */
	enum kv_funnel_flag flag;
	int side;                       /* +1 above, -1 below the limit it crosses, 0 inside */
};

struct kv_funnel_point {
	double n;
	struct kv_funnel_limits lim;
};

struct kv_funnel {
	char indicator[KV_AN_NAME_MAX];
	int first_month, last_month;    /* the window, month ordinals */
	enum kv_funnel_n mode;
	double p0;
	long numerator, denominator;    /* over all included offices */
	size_t n_offices;               /* sorted by office name */
	struct kv_funnel_office *offices;
	size_t excluded;                /* offices without a usable month */
	size_t n_grid;                  /* increasing n, for the limit curves */
	struct kv_funnel_point *grid;
};

struct kv_funnel_opts {
	enum kv_funnel_n mode;
	int last_month;         /* month ordinal; 0: the latest in the panel */
	int grid_points;        /* 0: 120 (fewer when the range of n is small) */
};

/* Exact limits for p0 in [0, 1] and n >= 1 (n < 1 gives NAN limits). */
void kv_funnel_limits(double p0, long n, struct kv_funnel_limits *out);

/* Build the funnel of one indicator from a month-unit panel. Errors: a
 * year panel, no row of the indicator, no office with a published month in
 * the window, out of memory. 0 with *out set, or -1 with err. */
KV_AN_MUST_CHECK int kv_funnel_build(const struct kv_panel *p, const char *indicator,
				     const struct kv_funnel_opts *opts, struct kv_funnel **out,
				     char *err, size_t errlen);
void kv_funnel_free(struct kv_funnel *f);

#endif /* KVALIND_FUNNEL_H */
