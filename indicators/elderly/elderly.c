/*
 * elderly.c - the "elderly" indicator plugin: ELD70_NO_CONTACT of the
 * indicator catalogue (indicators.md, section Elderly)
 *
 * D: the listed population L(R) aged `min_age` (70) or more in completed
 * years at R (precise rule 7: someone born on 29 February has a birthday on
 * 1 March in common years). N: of those, no face-to-face contact
 * (consultation, home visit, video; with anyone at the office) in W12, the
 * `window_months` calendar months ending with the reference month.
 *
 * compute() collects the patient's face-to-face days once, sorted, and
 * answers every month by binary search.
 */
#include "kvalind/kv_plugin.h"

#include <stdint.h>
#include <stdlib.h>

enum eld_indicator { ELD70_NO_CONTACT = 0, ELD_N_INDICATORS };

static const struct kv_indicator_def eld_defs[ELD_N_INDICATORS] = {
	[ELD70_NO_CONTACT] = {
		.id = "ELD70_NO_CONTACT", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = KV_PROVIDES_LIST_PERIODS | KV_PROVIDES_CONTACTS,
		.title = "patients 70 or older without a face-to-face contact in 12 months",
		.title_nb = "pasienter 70 år eller eldre uten konsultasjon, sykebesøk eller "
			    "videokonsultasjon siste 12 måneder",
		.numerator = "no face-to-face contact (consultation, home visit, video) in W12",
		.denominator = "listed patients aged 70 or more at R",
		.direction = KV_LOWER_IS_BETTER,
	},
};

static const struct kv_config_key eld_keys[] = {
	{"min_age", KV_CONFIG_INT, "70", false, "0..150",
	 "age in completed years at R from which a listed patient is in ELD70_NO_CONTACT's "
	 "denominator"},
	{"window_months", KV_CONFIG_INT, "12", false, "1..120",
	 "calendar months, ending with the reference month, without a face-to-face contact "
	 "(W12)"},
};

struct eld_state {
	const struct kv_host *host;
	struct kv_ctx *ctx;
	int min_age;
	size_t n_months;
	kv_date *ref;     /* R of each month */
	kv_date *from;    /* first day of W12 of each month */

	/* Scratch of the current patient, reused: grows to the largest. */
	kv_date *days;    /* face-to-face days, sorted */
	size_t n_days, cap_days;
};

static void eld_fini(void *state)
{
	struct eld_state *s = state;
	if (s == NULL)
		return;
	free(s->ref);
	free(s->from);
	free(s->days);
	free(s);
}

static int eld_init(const struct kv_host *host, struct kv_ctx *ctx, const struct kv_run *run,
		    void **state)
{
	*state = NULL;
	struct eld_state *s = calloc(1, sizeof *s);
	if (s == NULL) {
		host->set_error(ctx, "out of memory");
		return KV_ERROR;
	}
	s->host = host;
	s->ctx = ctx;
	s->min_age = (int)host->config_int(ctx, "min_age");
	int window = (int)host->config_int(ctx, "window_months");
	if (window < 1) {
		host->set_error(ctx, "window_months must be at least 1, not %d", window);
		eld_fini(s);
		return KV_ERROR;
	}
	s->n_months = run->n_months;
	size_t n = run->n_months ? run->n_months : 1;
	s->ref = calloc(n, sizeof *s->ref);
	s->from = calloc(n, sizeof *s->from);
	if (s->ref == NULL || s->from == NULL) {
		host->set_error(ctx, "out of memory");
		eld_fini(s);
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

static int cmp_date(const void *a, const void *b)
{
	kv_date x = *(const kv_date *)a, y = *(const kv_date *)b;
	return (x > y) - (x < y);
}

static void collect_days(struct eld_state *s, const struct kv_patient *p)
{
	s->n_days = 0;
	bool sorted = true;
	for (size_t i = 0; i < p->n_contacts; i++) {
		if (!kv_contact_is_face_to_face(p->contacts[i].kind))
			continue;
		kv_date d = p->contacts[i].date;
		if (s->n_days > 0 && d < s->days[s->n_days - 1])
			sorted = false;
		s->days[s->n_days++] = d;
	}
	if (!sorted)
		qsort(s->days, s->n_days, sizeof *s->days, cmp_date);
}

/* True when a face-to-face day lies in [from, to]. */
static bool seen_in(const struct eld_state *s, kv_date from, kv_date to)
{
	size_t lo = 0, hi = s->n_days;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->days[mid] < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n_days && s->days[lo] <= to;
}

static int eld_compute(void *state, const struct kv_patient *p, struct kv_result_block *out)
{
	struct eld_state *s = state;
	if (out->n_indicators != ELD_N_INDICATORS || out->n_months != s->n_months) {
		s->host->set_error(s->ctx, "result block is %zu x %zu, expected %d x %zu",
				   out->n_indicators, out->n_months, ELD_N_INDICATORS,
				   s->n_months);
		return KV_ERROR;
	}
	if (s->n_months == 0 || kv_age_at(p->birth, s->ref[s->n_months - 1]) < s->min_age)
		return KV_OK; /* too young in every month of the run */
	if (reserve((void **)&s->days, &s->cap_days, p->n_contacts + 1, sizeof *s->days) != 0) {
		s->host->set_error(s->ctx, "out of memory for a patient's events");
		return KV_ERROR;
	}
	collect_days(s, p);
	uint8_t *flags = out->flags + (size_t)ELD70_NO_CONTACT * out->n_months;
	for (size_t m = 0; m < s->n_months; m++) {
		if (kv_age_at(p->birth, s->ref[m]) < s->min_age || !listed_at(p, s->ref[m]))
			continue;
		flags[m] = KV_IN_DENOMINATOR;
		if (!seen_in(s, s->from[m], s->ref[m]))
			flags[m] |= KV_IN_NUMERATOR;
	}
	return KV_OK;
}

KV_INDICATOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_INDICATOR, struct kv_indicator_plugin, "elderly", "1.0.0",
			 "elderly patients without a face-to-face contact"),
	KV_CONFIG_KEYS(eld_keys),
	KV_INDICATORS(eld_defs),
	.init = eld_init,
	.compute = eld_compute,
	.fini = eld_fini,
};
