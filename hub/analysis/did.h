/*
 * did.h - two-way fixed-effects difference-in-differences on a panel
 *
 * Model, for office i and period t of the panel (unit month or year):
 *
 *     share_it = a_i + b_t + delta * D_it + e_it,   D_it = treated_i * after_t
 *
 * over the rows of one indicator whose group is the treated or the control
 * group, whose period lies wholly inside `before` or `after`, and whose
 * share is not missing. Office and period fixed effects are dummies; the
 * estimate is that of OLS on y ~ D + C(office) + C(period) (or WLS with the
 * period's denominator as weight when `weighted`).
 *
 * Computation: the office effects are partialled out exactly by (weighted)
 * within-office demeaning, then OLS of the demeaned share on the demeaned
 * period dummies and D by Householder QR (GSL); by Frisch-Waugh-Lovell this
 * gives the full regression's coefficient, residuals and the D row of
 * (X'X)^-1 X'. A column whose QR diagonal is below 1e-10 of its norm makes
 * the design singular (an error, never a pseudo-inverse).
 *
 * Standard error: office-clustered sandwich with the CR1 small-sample
 * factor, exactly statsmodels' OLS/WLS fit(cov_type='cluster',
 * cov_kwds={'groups': office}) (its default use_correction=True):
 *
 *     V = G/(G-1) * (N-1)/(N-K) * (X'X)^-1 [sum_g X_g' e_g e_g' X_g] (X'X)^-1
 *
 * with N observations, G offices (clusters) and K = G + T parameters (an
 * intercept, G-1 office and T-1 period dummies, D) - Stata's `reg ...,
 * vce(cluster office)` factor too. For WLS X and e are the sqrt(weight)-
 * scaled ones, as statsmodels does.
 *
 * Inference: KV_DID_T_CLUSTERS (the default) takes the p-value and the 95%
 * CI from Student's t with G-1 degrees of freedom, as Stata does and as
 * statsmodels does with use_t=True. NOTE: statsmodels' own default for
 * cov_type='cluster' is use_t=False, i.e. the standard normal;
 * KV_DID_NORMAL reproduces that. With 10-25 offices t(G-1) is the
 * defensible choice. Distributions are GSL's (gsl_cdf_tdist_*,
 * gsl_cdf_ugaussian_*).
 *
 * The library never changes GSL's error handler and calls GSL only with
 * checked dimensions and a non-singular R.
 */
#ifndef KVALIND_DID_H
#define KVALIND_DID_H

#include "an.h"
#include "panel.h"

enum kv_did_inference {
	KV_DID_T_CLUSTERS = 0,  /* t with G-1 df (Stata; statsmodels use_t=True) */
	KV_DID_NORMAL = 1,      /* standard normal (statsmodels' default) */
};

struct kv_did_spec {
	const char *indicator;          /* borrowed */
	const char *treated;            /* group name, borrowed */
	const char *control;            /* group name, borrowed */
	struct kv_an_period before;     /* e.g. from kv_an_range_parse("2015..2017") */
	struct kv_an_period after;
	bool weighted;                  /* weights = denominators; false by default */
	enum kv_did_inference inference;
};

struct kv_did_result {
	double coef;            /* delta */
	double se;              /* clustered standard error */
	double t;               /* coef / se */
	double p;               /* two-sided */
	double ci_low, ci_high; /* 95% */
	long n;                 /* observations (office-periods) */
	int clusters;           /* G: offices */
	int treated_offices;
	int control_offices;
	int periods;            /* T */
	int params;             /* K = G + T */
	int df;                 /* G-1 for KV_DID_T_CLUSTERS, 0 for KV_DID_NORMAL */
};

/* Estimate. Errors (with text): an empty treated or control group (no row
 * with a share in the periods), the same group as treated and control, an
 * office in both groups, overlapping before and after, fewer than 2
 * clusters, N <= K, a singular design (e.g. no treated office observed both
 * before and after), a design too large for memory, out of memory.
 * 0 with *r filled, or -1 with err. */
KV_AN_MUST_CHECK int kv_did_estimate(const struct kv_panel *p, const struct kv_did_spec *s,
				     struct kv_did_result *r, char *err, size_t errlen);

/* ---- the table (did_table.c) ---------------------------------------------
 * Laid out like table 10 of the PHT evaluation: an indicator heading, and
 * one indented line per comparison (or one line when the entry has no
 * sublabel), columns DiD (signed, 3 decimals), SE, p-value, 95% CI, N and
 * offices; then the note. An entry whose result is NULL shows its error
 * instead of numbers. Labels are UTF-8 and padded by code points. */
struct kv_did_table_row {
	const char *label;                      /* indicator title */
	const char *sublabel;                   /* e.g. "ffs vs control", or NULL */
	const struct kv_did_result *result;     /* NULL when estimation failed */
	const char *error;                      /* shown when result is NULL */
};

/* Write title, the rows and a note; 0, or -1 with err on a write error. */
KV_AN_MUST_CHECK int kv_did_table_write(FILE *f, const char *title,
					const struct kv_did_table_row *rows, size_t n,
					const char *note, char *err, size_t errlen);

/* The standard note for spec s and a panel of unit u, e.g. "Note: before =
 * 2015-2017, after = 2018-2022. Office and year fixed effects; standard
 * errors clustered by office (CR1); p-values and 95% CIs from t with G-1
 * degrees of freedom." into buf. */
void kv_did_note(const struct kv_did_spec *s, enum kv_an_unit u, char *buf, size_t len);

#endif /* KVALIND_DID_H */
