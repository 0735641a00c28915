/*
 * chd.c - the "chd" indicator plugin: CHD_BETA_BLOCKER of the indicator
 * catalogue (indicators.md, section Coronary heart disease)
 *
 * D: the listed population L(R) with an IHD diagnosis ever (recorded on or
 * before R). N: of those, treated with BETA_BLOCKER: a regular drug of the
 * set in use at R (a medication-list row with use_type regular, start <= R
 * < stop) or a prescription of the set (matched on its own ATC code)
 * issued in W12, the `window_months` calendar months ending with the
 * reference month.
 *
 * compute() finds the first IHD diagnosis, the regular beta-blocker periods
 * and the sorted prescription days once, then answers every month by
 * binary search.
 */
#include "kvalind/kv_plugin.h"

#include <stdint.h>
#include <stdlib.h>

enum chd_indicator { CHD_BETA_BLOCKER = 0, CHD_N_INDICATORS };

static const struct kv_indicator_def chd_defs[CHD_N_INDICATORS] = {
	[CHD_BETA_BLOCKER] = {
		.id = "CHD_BETA_BLOCKER", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = KV_PROVIDES_LIST_PERIODS | KV_PROVIDES_DIAGNOSES |
			    KV_PROVIDES_MEDICATIONS | KV_PROVIDES_PRESCRIPTIONS,
		.title = "patients with coronary heart disease treated with a beta blocker",
		.title_nb = "pasienter med koronarsykdom som bruker betablokker",
		.numerator = "a regular beta blocker in use at R or a beta-blocker prescription "
			     "in W12",
		.denominator = "listed patients with an IHD diagnosis recorded on or before R",
		.direction = KV_HIGHER_IS_BETTER,
	},
};

static const struct kv_config_key chd_keys[] = {
	{"window_months", KV_CONFIG_INT, "12", false, "1..120",
	 "calendar months, ending with the reference month, in which a beta-blocker "
	 "prescription counts as treatment (W12)"},
};

struct chd_period {
	kv_date start;
	kv_date stop; /* exclusive */
};

struct chd_state {
	const struct kv_host *host;
	struct kv_ctx *ctx;
	const struct kv_value_set *ihd;
	const struct kv_value_set *beta_blocker;
	size_t n_months;
	kv_date *ref;     /* R of each month */
	kv_date *from;    /* first day of W12 of each month */

	/* Scratch of the current patient, reused: grows to the largest. */
	kv_date *rx;      /* beta-blocker prescription days, sorted */
	size_t n_rx, cap_rx;
	struct chd_period *use; /* regular beta blockers on the medication list */
	size_t n_use, cap_use;
};

static void chd_fini(void *state)
{
	struct chd_state *s = state;
	if (s == NULL)
		return;
	free(s->ref);
	free(s->from);
	free(s->rx);
	free(s->use);
	free(s);
}

static int need_set(struct chd_state *s, const char *name, const struct kv_value_set **out)
{
	*out = s->host->value_set(s->ctx, name);
	if (*out == NULL) {
		s->host->set_error(s->ctx, "value set %s is missing from the value-set file",
				   name);
		return KV_ERROR;
	}
	return KV_OK;
}

static int chd_init(const struct kv_host *host, struct kv_ctx *ctx, const struct kv_run *run,
		    void **state)
{
	*state = NULL;
	struct chd_state *s = calloc(1, sizeof *s);
	if (s == NULL) {
		host->set_error(ctx, "out of memory");
		return KV_ERROR;
	}
	s->host = host;
	s->ctx = ctx;
	int window = (int)host->config_int(ctx, "window_months");
	if (window < 1) {
		host->set_error(ctx, "window_months must be at least 1, not %d", window);
		chd_fini(s);
		return KV_ERROR;
	}
	if (need_set(s, "IHD", &s->ihd) != KV_OK ||
	    need_set(s, "BETA_BLOCKER", &s->beta_blocker) != KV_OK) {
		chd_fini(s);
		return KV_ERROR;
	}
	s->n_months = run->n_months;
	size_t n = run->n_months ? run->n_months : 1;
	s->ref = calloc(n, sizeof *s->ref);
	s->from = calloc(n, sizeof *s->from);
	if (s->ref == NULL || s->from == NULL) {
		host->set_error(ctx, "out of memory");
		chd_fini(s);
		return KV_ERROR;
	}
	for (size_t m = 0; m < run->n_months; m++) {
		s->ref[m] = run->reference_dates[m];
		s->from[m] = kv_month_first_day(kv_month_of(s->ref[m]) - (window - 1));
	}
	*state = s;
	return KV_OK;
}

static int reserve(void **buf, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t want = *cap ? *cap : 16;
	while (want < need)
		want *= 2;
	if (want > SIZE_MAX / size)
		return -1;
	void *p = realloc(*buf, want * size);
	if (p == NULL)
		return -1;
	*buf = p;
	*cap = want;
	return 0;
}

/* In L(R): a list period covering R (valid_to exclusive) and alive at R. */
static bool listed_at(const struct kv_patient *p, kv_date r)
{
	if (p->death <= r)
		return false;
	for (size_t i = 0; i < p->n_periods; i++)
		if (p->periods[i].from <= r && r < p->periods[i].to)
			return true;
	return false;
}

/* The earliest IHD diagnosis, KV_DATE_OPEN when there is none. */
static kv_date ihd_since(const struct chd_state *s, const struct kv_patient *p)
{
	kv_date first = KV_DATE_OPEN;
	for (size_t i = 0; i < p->n_diagnoses; i++) {
		const struct kv_diagnosis *d = &p->diagnoses[i];
		if (d->date < first &&
		    s->host->in_value_set(s->ihd, (enum kv_code_kind)d->system, d->code, d->date))
			first = d->date;
	}
	return first;
}

static int cmp_date(const void *a, const void *b)
{
	kv_date x = *(const kv_date *)a, y = *(const kv_date *)b;
	return (x > y) - (x < y);
}

/* Regular beta blockers on the medication list (the value set asked on the
 * row's start date) and beta-blocker prescriptions, sorted. */
static void collect(struct chd_state *s, const struct kv_patient *p)
{
	const struct kv_host *h = s->host;
	s->n_use = 0;
	for (size_t i = 0; i < p->n_medications; i++) {
		const struct kv_medication *md = &p->medications[i];
		if (md->use_type == KV_USE_REGULAR && md->start < md->stop &&
		    h->in_value_set(s->beta_blocker, KV_CODES_ATC, md->atc, md->start))
			s->use[s->n_use++] = (struct chd_period){md->start, md->stop};
	}
	s->n_rx = 0;
	for (size_t i = 0; i < p->n_prescriptions; i++) {
		const struct kv_prescription *rx = &p->prescriptions[i];
		if (h->in_value_set(s->beta_blocker, KV_CODES_ATC, rx->atc, rx->date))
			s->rx[s->n_rx++] = rx->date;
	}
	if (s->n_rx > 1)
		qsort(s->rx, s->n_rx, sizeof *s->rx, cmp_date);
}

static bool in_use_at(const struct chd_state *s, kv_date r)
{
	for (size_t i = 0; i < s->n_use; i++)
		if (s->use[i].start <= r && r < s->use[i].stop)
			return true;
	return false;
}

/* True when a prescription day lies in [from, to]. */
static bool prescribed_in(const struct chd_state *s, kv_date from, kv_date to)
{
	size_t lo = 0, hi = s->n_rx;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->rx[mid] < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n_rx && s->rx[lo] <= to;
}

static int chd_compute(void *state, const struct kv_patient *p, struct kv_result_block *out)
{
	struct chd_state *s = state;
	if (out->n_indicators != CHD_N_INDICATORS || out->n_months != s->n_months) {
		s->host->set_error(s->ctx, "result block is %zu x %zu, expected %d x %zu",
				   out->n_indicators, out->n_months, CHD_N_INDICATORS,
				   s->n_months);
		return KV_ERROR;
	}
	kv_date since = ihd_since(s, p);
	if (since == KV_DATE_OPEN)
		return KV_OK;
	if (reserve((void **)&s->rx, &s->cap_rx, p->n_prescriptions + 1, sizeof *s->rx) != 0 ||
	    reserve((void **)&s->use, &s->cap_use, p->n_medications + 1, sizeof *s->use) != 0) {
		s->host->set_error(s->ctx, "out of memory for a patient's events");
		return KV_ERROR;
	}
	bool collected = false;
	uint8_t *flags = out->flags + (size_t)CHD_BETA_BLOCKER * out->n_months;
	for (size_t m = 0; m < s->n_months; m++) {
		if (since > s->ref[m] || !listed_at(p, s->ref[m]))
			continue;
		if (!collected) {
			collect(s, p);
			collected = true;
		}
		flags[m] = KV_IN_DENOMINATOR;
		if (in_use_at(s, s->ref[m]) || prescribed_in(s, s->from[m], s->ref[m]))
			flags[m] |= KV_IN_NUMERATOR;
	}
	return KV_OK;
}

KV_INDICATOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_INDICATOR, struct kv_indicator_plugin, "chd", "1.0.0",
			 "coronary heart disease: beta-blocker treatment"),
	KV_CONFIG_KEYS(chd_keys),
	KV_INDICATORS(chd_defs),
	.init = chd_init,
	.compute = chd_compute,
	.fini = chd_fini,
};
