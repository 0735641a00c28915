/*
 * did.c - two-way fixed-effects difference-in-differences with
 * office-clustered CR1 standard errors (see did.h for the exact model)
 */
#include "did.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

/* N * (T) doubles at most: 256 MiB. */
#define DID_MAX_CELLS ((size_t)32 * 1024 * 1024)
/* A QR diagonal below this fraction of its column's norm is collinear. */
#define DID_RANK_TOL 1e-10

/* The estimation sample. */
struct sample {
	size_t n;
	int *office;            /* 0..G-1 */
	int *period;            /* period value (month ordinal), then its index */
	double *y, *w, *d;
	const char **names;     /* office names, borrowed from the panel */
	bool *treated;          /* per office */
	int g, t, g_treated;
	int *periods;           /* distinct period values, sorted */
};

static void sample_free(struct sample *s)
{
	free(s->office);
	free(s->period);
	free(s->y);
	free(s->w);
	free(s->d);
	free(s->names);
	free(s->treated);
	free(s->periods);
}

static int int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static bool inside(int first, int last, struct kv_an_period r)
{
	return first >= r.first && last <= r.last;
}

/* Select the rows of the estimation and index offices and periods. */
static int collect(const struct kv_panel *p, const struct kv_did_spec *s, struct sample *smp,
		   char *err, size_t errlen)
{
	size_t rows = kv_panel_count(p);
	size_t cap = rows ? rows : 1;
	smp->office = malloc(cap * sizeof *smp->office);
	smp->period = malloc(cap * sizeof *smp->period);
	smp->y = malloc(cap * sizeof *smp->y);
	smp->w = malloc(cap * sizeof *smp->w);
	smp->d = malloc(cap * sizeof *smp->d);
	smp->names = malloc(cap * sizeof *smp->names);
	smp->treated = malloc(cap * sizeof *smp->treated);
	if (!smp->office || !smp->period || !smp->y || !smp->w || !smp->d || !smp->names ||
	    !smp->treated)
		return kv_an_err(err, errlen, "out of memory for the estimation sample");

	int span = kv_panel_unit(p) == KV_AN_YEAR ? 11 : 0;
	const struct kv_panel_row *prev = NULL;
	for (size_t i = 0; i < rows; i++) {
		const struct kv_panel_row *r = kv_panel_row(p, i);
		if (strcmp(r->indicator, s->indicator) != 0 || isnan(r->share))
			continue;
		bool treated = strcmp(r->group, s->treated) == 0;
		if (!treated && strcmp(r->group, s->control) != 0)
			continue;
		bool after = inside(r->period, r->period + span, s->after);
		if (!after && !inside(r->period, r->period + span, s->before))
			continue;
		if (!prev || strcmp(prev->office, r->office) != 0 ||
		    strcmp(prev->group, r->group) != 0) {
			for (int k = 0; k < smp->g; k++)
				if (strcmp(smp->names[k], r->office) == 0)
					return kv_an_err(err, errlen,
							 "office \"%s\" is in both group \"%s\" and group \"%s\"",
							 r->office, s->treated, s->control);
			smp->names[smp->g] = r->office;
			smp->treated[smp->g] = treated;
			smp->g_treated += treated;
			smp->g++;
		}
		prev = r;
		size_t k = smp->n++;
		smp->office[k] = smp->g - 1;
		smp->period[k] = r->period;
		smp->y[k] = r->share;
		smp->w[k] = s->weighted ? (double)r->denominator : 1.0;
		smp->d[k] = (treated && after) ? 1.0 : 0.0;
	}
	if (smp->g_treated == 0)
		return kv_an_err(err, errlen,
				 "treated group \"%s\" has no office with a share of %s in the periods",
				 s->treated, s->indicator);
	if (smp->g - smp->g_treated == 0)
		return kv_an_err(err, errlen,
				 "control group \"%s\" has no office with a share of %s in the periods",
				 s->control, s->indicator);

	smp->periods = malloc(smp->n * sizeof *smp->periods);
	if (!smp->periods)
		return kv_an_err(err, errlen, "out of memory for the estimation sample");
	memcpy(smp->periods, smp->period, smp->n * sizeof *smp->periods);
	qsort(smp->periods, smp->n, sizeof *smp->periods, int_cmp);
	size_t t = 0;
	for (size_t i = 0; i < smp->n; i++)
		if (t == 0 || smp->periods[t - 1] != smp->periods[i])
			smp->periods[t++] = smp->periods[i];
	smp->t = (int)t;
	for (size_t i = 0; i < smp->n; i++) {
		int *hit = bsearch(&smp->period[i], smp->periods, t, sizeof *smp->periods, int_cmp);
		smp->period[i] = (int)(hit - smp->periods);
	}
	return 0;
}

/* Column j of the reduced design for observation i before demeaning:
 * dummies of periods 1..T-1, then D. */
static double zval(const struct sample *s, size_t i, int j)
{
	if (j == s->t - 1)
		return s->d[i];
	return s->period[i] == j + 1 ? 1.0 : 0.0;
}

static int estimate(const struct sample *s, const struct kv_did_spec *spec,
		    struct kv_did_result *r, char *err, size_t errlen)
{
	int ret = -1;
	size_t n = s->n;
	int m = s->t;   /* T-1 period dummies + D */
	int g = s->g;
	double *sw = NULL, *mean = NULL, *score = NULL, *norm = NULL;
	gsl_matrix *z = NULL;
	gsl_vector *tau = NULL, *yv = NULL, *beta = NULL, *resid = NULL, *h = NULL;

	/* Weighted office means of y (column m) and of every design column. */
	sw = calloc((size_t)g, sizeof *sw);
	mean = calloc((size_t)g * (size_t)(m + 1), sizeof *mean);
	score = calloc((size_t)g, sizeof *score);
	norm = calloc((size_t)m, sizeof *norm);
	z = gsl_matrix_alloc(n, (size_t)m);
	tau = gsl_vector_alloc((size_t)m);
	yv = gsl_vector_alloc(n);
	beta = gsl_vector_alloc((size_t)m);
	resid = gsl_vector_alloc(n);
	h = gsl_vector_calloc(n);
	if (!sw || !mean || !score || !norm || !z || !tau || !yv || !beta || !resid || !h) {
		kv_an_err(err, errlen, "out of memory for the design matrix");
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		int o = s->office[i];
		sw[o] += s->w[i];
		for (int j = 0; j < m; j++)
			mean[(size_t)o * (size_t)(m + 1) + (size_t)j] += s->w[i] * zval(s, i, j);
		mean[(size_t)o * (size_t)(m + 1) + (size_t)m] += s->w[i] * s->y[i];
	}
	for (int o = 0; o < g; o++)
		for (int j = 0; j <= m; j++)
			mean[(size_t)o * (size_t)(m + 1) + (size_t)j] /= sw[o];
	for (size_t i = 0; i < n; i++) {
		const double *mu = &mean[(size_t)s->office[i] * (size_t)(m + 1)];
		double rw = sqrt(s->w[i]);
		for (int j = 0; j < m; j++) {
			double v = rw * (zval(s, i, j) - mu[j]);
			gsl_matrix_set(z, i, (size_t)j, v);
			norm[j] += v * v;
		}
		gsl_vector_set(yv, i, rw * (s->y[i] - mu[m]));
	}

	gsl_linalg_QR_decomp(z, tau);
	for (int j = 0; j < m; j++) {
		double rjj = fabs(gsl_matrix_get(z, (size_t)j, (size_t)j));
		if (norm[j] == 0.0 || rjj <= DID_RANK_TOL * sqrt(norm[j])) {
			if (j == m - 1)
				kv_an_err(err, errlen,
					  "singular design: treated x after is collinear with the office and period effects (is some office of \"%s\" observed both before and after, and some of \"%s\"?)",
					  spec->treated, spec->control);
			else
				kv_an_err(err, errlen,
					  "singular design: the period effects are not identified");
			goto done;
		}
	}
	gsl_linalg_QR_lssolve(z, tau, yv, beta, resid);

	/* The D row of (X'X)^-1 X' is Q's last column over R's last diagonal. */
	double rmm = gsl_matrix_get(z, (size_t)(m - 1), (size_t)(m - 1));
	gsl_vector_set(h, (size_t)(m - 1), 1.0);
	gsl_linalg_QR_Qvec(z, tau, h);
	for (size_t i = 0; i < n; i++)
		score[s->office[i]] += gsl_vector_get(h, i) / rmm * gsl_vector_get(resid, i);
	double meat = 0;
	for (int o = 0; o < g; o++)
		meat += score[o] * score[o];

	long k = (long)g + s->t;
	double c = (double)g / (double)(g - 1) * (double)(n - 1) / (double)((long)n - k);
	r->coef = gsl_vector_get(beta, (size_t)(m - 1));
	r->se = sqrt(c * meat);
	r->t = r->coef / r->se;
	double q;
	if (spec->inference == KV_DID_NORMAL) {
		r->df = 0;
		r->p = 2.0 * gsl_cdf_ugaussian_Q(fabs(r->t));
		q = gsl_cdf_ugaussian_Qinv(0.025);
	} else {
		r->df = g - 1;
		r->p = 2.0 * gsl_cdf_tdist_Q(fabs(r->t), (double)r->df);
		q = gsl_cdf_tdist_Qinv(0.025, (double)r->df);
	}
	r->ci_low = r->coef - q * r->se;
	r->ci_high = r->coef + q * r->se;
	r->n = (long)n;
	r->clusters = g;
	r->treated_offices = s->g_treated;
	r->control_offices = g - s->g_treated;
	r->periods = s->t;
	r->params = (int)k;
	ret = 0;
done:
	free(sw);
	free(mean);
	free(score);
	free(norm);
	gsl_matrix_free(z);
	gsl_vector_free(tau);
	gsl_vector_free(yv);
	gsl_vector_free(beta);
	gsl_vector_free(resid);
	gsl_vector_free(h);
	return ret;
}

int kv_did_estimate(const struct kv_panel *p, const struct kv_did_spec *s,
		    struct kv_did_result *r, char *err, size_t errlen)
{
	int ret = -1;
	struct sample smp = {0};

	memset(r, 0, sizeof *r);
	if (!s->indicator || !s->treated || !s->control) {
		kv_an_err(err, errlen, "difference-in-differences needs an indicator, a treated and a control group");
		goto done;
	}
	if (strcmp(s->treated, s->control) == 0) {
		kv_an_err(err, errlen, "treated and control are the same group \"%s\"", s->treated);
		goto done;
	}
	if (s->before.first > s->before.last || s->after.first > s->after.last) {
		kv_an_err(err, errlen, "empty before or after period");
		goto done;
	}
	if (s->before.last >= s->after.first && s->after.last >= s->before.first) {
		kv_an_err(err, errlen, "the before and after periods overlap");
		goto done;
	}
	if (collect(p, s, &smp, err, errlen) < 0)
		goto done;
	if (smp.g < 2) {
		kv_an_err(err, errlen, "fewer than 2 clusters (offices)");
		goto done;
	}
	if (smp.t < 2) {
		kv_an_err(err, errlen, "only one period with data: no before and after to compare");
		goto done;
	}
	long k = (long)smp.g + smp.t;
	if ((long)smp.n <= k) {
		kv_an_err(err, errlen, "%zu observations for %ld parameters: too few", smp.n, k);
		goto done;
	}
	if (smp.n > DID_MAX_CELLS / (size_t)smp.t) {
		kv_an_err(err, errlen, "design of %zu observations x %d periods is too large", smp.n,
			  smp.t);
		goto done;
	}
	ret = estimate(&smp, s, r, err, errlen);
done:
	sample_free(&smp);
	return ret;
}
