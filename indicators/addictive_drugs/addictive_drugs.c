/*
 * addictive_drugs.c - the "addictive_drugs" indicator plugin: ADD_PRESCRIBED
 * and ADD_DDD_MEAN of the indicator catalogue (indicators.md, section
 * Addictive drugs, "vanedannende legemidler")
 *
 * A prescription is ADDICTIVE (precise rule 11) by its own prescription
 * group where the group is known: the group's letter is looked up in the
 * ADDICTIVE value set's RXGROUP entries (A and B), whatever the ATC code, so
 * group C or F is never addictive. Only where the group is NULL is the
 * prescription's own ATC code looked up in the set's ATC entries. The linked
 * medication-list row is not consulted.
 *
 * ADD_PRESCRIBED: D = L(R) with any contact (every kind but admin, with
 * anyone at the office) in W12; N = of those, an ADDICTIVE prescription
 * issued in W12.
 * ADD_DDD_MEAN (mean-type): D = N = L(R) with an ADDICTIVE prescription in
 * W12; the patient's value is the sum of ddd_count over those prescriptions,
 * a NULL ddd_count counting as 0. An ADDICTIVE prescription with NULL DDD
 * that was counted as 0 for at least one month of the run is reported once
 * per run as a data-quality count (table "prescription").
 *
 * W12 is the `window_months` calendar months ending with the reference
 * month. compute() collects a patient's contact days and ADDICTIVE
 * prescriptions once, sorted, and answers every month by binary search.
 */
#include "kvalind/kv_plugin.h"

#include <stdint.h>
#include <stdlib.h>

enum add_indicator { ADD_PRESCRIBED = 0, ADD_DDD_MEAN, ADD_N_INDICATORS };

static const struct kv_indicator_def add_defs[ADD_N_INDICATORS] = {
	[ADD_PRESCRIBED] = {
		.id = "ADD_PRESCRIBED", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = KV_PROVIDES_LIST_PERIODS | KV_PROVIDES_CONTACTS |
			    KV_PROVIDES_PRESCRIPTIONS | KV_PROVIDES_PRESCRIPTION_GROUP,
		.title = "patients seen who were prescribed an addictive drug in 12 months",
		.title_nb = "pasienter med kontakt som fikk resept på vanedannende legemiddel "
			    "siste 12 måneder",
		.numerator = "a prescription of an addictive drug (group A or B; by ATC where the "
			     "group is unknown) issued in W12",
		.denominator = "listed patients with a contact of any kind but admin in W12",
		.direction = KV_LOWER_IS_BETTER,
	},
	[ADD_DDD_MEAN] = {
		.id = "ADD_DDD_MEAN", .version = 1, .type = KV_INDICATOR_MEAN,
		.requires = KV_PROVIDES_LIST_PERIODS | KV_PROVIDES_PRESCRIPTIONS |
			    KV_PROVIDES_PRESCRIPTION_GROUP | KV_PROVIDES_DDD,
		.title = "mean DDD of addictive drugs prescribed in 12 months per patient",
		.title_nb = "gjennomsnittlig antall DDD vanedannende legemidler siste 12 måneder "
			    "per pasient",
		.numerator = "the DDD of the patient's addictive prescriptions in W12 summed "
			     "(unknown DDD counts as 0)",
		.denominator = "listed patients with a prescription of an addictive drug in W12",
		.direction = KV_LOWER_IS_BETTER,
	},
};

static const struct kv_config_key add_keys[] = {
	{"window_months", KV_CONFIG_INT, "12", false, "1..120",
	 "calendar months, ending with the reference month, in which contacts and addictive "
	 "prescriptions count (W12)"},
};

/* The data-quality count of ADD_DDD_MEAN (a fixed phrase, never a value). */
#define NULL_DDD_TABLE "prescription"
#define NULL_DDD_REASON "ddd_count NULL (counted as 0 in ADD_DDD_MEAN)"

/* An ADDICTIVE prescription of the current patient. */
struct add_rx {
	kv_date date;
	bool has_ddd;
	double ddd; /* 0 where has_ddd is false */
};

struct add_state {
	const struct kv_host *host;
	struct kv_ctx *ctx;
	const struct kv_value_set *addictive;
	bool count_null_ddd;  /* ADD_DDD_MEAN is computable in this run */
	size_t n_months;
	kv_date *ref;         /* R of each month */
	kv_date *from;        /* first day of W12 of each month */
	uint8_t *listed;      /* per month, scratch: in L(R) */

	/* Scratch of the current patient, reused: grows to the largest. */
	kv_date *contacts;    /* days of a contact other than admin, sorted */
	size_t n_contacts, cap_contacts;
	struct add_rx *rx;    /* ADDICTIVE prescriptions, sorted by date */
	size_t n_rx, cap_rx;
};

static void add_fini(void *state)
{
	struct add_state *s = state;
	if (s == NULL)
		return;
	free(s->ref);
	free(s->from);
	free(s->listed);
	free(s->contacts);
	free(s->rx);
	free(s);
}

/* ---- init ---------------------------------------------------------------- */

static int read_months(struct add_state *s, const struct kv_run *run, int window)
{
	s->n_months = run->n_months;
	size_t n = run->n_months ? run->n_months : 1;
	s->ref = calloc(n, sizeof *s->ref);
	s->from = calloc(n, sizeof *s->from);
	s->listed = calloc(n, sizeof *s->listed);
	if (s->ref == NULL || s->from == NULL || s->listed == NULL) {
		s->host->set_error(s->ctx, "out of memory");
		return KV_ERROR;
	}
	for (size_t m = 0; m < run->n_months; m++) {
		s->ref[m] = run->reference_dates[m];
		s->from[m] = kv_month_first_day(kv_month_of(s->ref[m]) - (window - 1));
	}
	return KV_OK;
}

static int add_init(const struct kv_host *host, struct kv_ctx *ctx, const struct kv_run *run,
		    void **state)
{
	*state = NULL;
	struct add_state *s = calloc(1, sizeof *s);
	if (s == NULL) {
		host->set_error(ctx, "out of memory");
		return KV_ERROR;
	}
	s->host = host;
	s->ctx = ctx;
	s->addictive = host->value_set(ctx, "ADDICTIVE");
	if (s->addictive == NULL) {
		host->set_error(ctx, "value set ADDICTIVE is missing from the value-set file");
		add_fini(s);
		return KV_ERROR;
	}
	int window = (int)host->config_int(ctx, "window_months");
	if (window < 1) {
		host->set_error(ctx, "window_months must be at least 1, not %d", window);
		add_fini(s);
		return KV_ERROR;
	}
	if (read_months(s, run, window) != KV_OK) {
		add_fini(s);
		return KV_ERROR;
	}
	/* Where ADD_DDD_MEAN is not computable, a missing DDD is no finding. */
	uint32_t need = add_defs[ADD_DDD_MEAN].requires;
	s->count_null_ddd = (run->provides & need) == need;
	*state = s;
	return KV_OK;
}

/* ---- scratch ------------------------------------------------------------- */

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

/* ---- the patient ----------------------------------------------------------- */

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

/* Precise rule 11: the group decides where it is known, the ATC code only
 * where it is not. */
static bool is_addictive(const struct add_state *s, const struct kv_prescription *rx)
{
	static const char *const letters[] = {
	    [KV_RX_GROUP_A] = "A", [KV_RX_GROUP_B] = "B",
	    [KV_RX_GROUP_C] = "C", [KV_RX_GROUP_F] = "F"};
	if (rx->group == KV_RX_GROUP_UNKNOWN)
		return s->host->in_value_set(s->addictive, KV_CODES_ATC, rx->atc, rx->date);
	if (rx->group >= sizeof letters / sizeof letters[0])
		return false;
	return s->host->in_value_set(s->addictive, KV_CODES_RXGROUP, letters[rx->group],
				     rx->date);
}

static int cmp_date(const void *a, const void *b)
{
	kv_date x = *(const kv_date *)a, y = *(const kv_date *)b;
	return (x > y) - (x < y);
}

/* struct add_rx starts with its date. */
static int cmp_rx(const void *a, const void *b)
{
	return cmp_date(a, b);
}

static void collect(struct add_state *s, const struct kv_patient *p)
{
	s->n_contacts = 0;
	for (size_t i = 0; i < p->n_contacts; i++)
		if (p->contacts[i].kind != KV_CONTACT_ADMIN)
			s->contacts[s->n_contacts++] = p->contacts[i].date;
	if (s->n_contacts > 1)
		qsort(s->contacts, s->n_contacts, sizeof *s->contacts, cmp_date);

	s->n_rx = 0;
	for (size_t i = 0; i < p->n_prescriptions; i++) {
		const struct kv_prescription *rx = &p->prescriptions[i];
		if (is_addictive(s, rx))
			s->rx[s->n_rx++] = (struct add_rx){
			    .date = rx->date, .has_ddd = rx->has_ddd,
			    .ddd = rx->has_ddd ? rx->ddd : 0.0};
	}
	if (s->n_rx > 1)
		qsort(s->rx, s->n_rx, sizeof *s->rx, cmp_rx);
}

/* The first index of a date series (`size` bytes an element, each starting
 * with its kv_date) whose date is > `date` (after = true) or >= `date`. */
static size_t bound(const void *base, size_t n, size_t size, kv_date date, bool after)
{
	const unsigned char *b = base;
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		kv_date d = *(const kv_date *)(const void *)(b + mid * size);
		if (after ? d <= date : d < date)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool contact_in(const struct add_state *s, kv_date from, kv_date to)
{
	size_t i = bound(s->contacts, s->n_contacts, sizeof *s->contacts, from, false);
	return i < s->n_contacts && s->contacts[i] <= to;
}

/* ADDICTIVE prescriptions with NULL DDD that were counted as 0 for at least
 * one month: in W12 of a month in which the patient is in ADD_DDD_MEAN. */
static uint64_t null_ddd_counted(const struct add_state *s)
{
	uint64_t n = 0;
	for (size_t i = 0; i < s->n_rx; i++) {
		if (s->rx[i].has_ddd)
			continue;
		for (size_t m = 0; m < s->n_months; m++)
			if (s->listed[m] && s->from[m] <= s->rx[i].date &&
			    s->rx[i].date <= s->ref[m]) {
				n++;
				break;
			}
	}
	return n;
}

/* ---- compute ------------------------------------------------------------- */

static int add_compute(void *state, const struct kv_patient *p, struct kv_result_block *out)
{
	struct add_state *s = state;
	if (out->n_indicators != ADD_N_INDICATORS || out->n_months != s->n_months) {
		s->host->set_error(s->ctx, "result block is %zu x %zu, expected %d x %zu",
				   out->n_indicators, out->n_months, ADD_N_INDICATORS,
				   s->n_months);
		return KV_ERROR;
	}
	bool any = false;
	for (size_t m = 0; m < s->n_months; m++) {
		s->listed[m] = listed_at(p, s->ref[m]);
		any = any || s->listed[m];
	}
	if (!any || (p->n_contacts == 0 && p->n_prescriptions == 0))
		return KV_OK;
	if (reserve((void **)&s->contacts, &s->cap_contacts, p->n_contacts + 1,
		    sizeof *s->contacts) != 0 ||
	    reserve((void **)&s->rx, &s->cap_rx, p->n_prescriptions + 1, sizeof *s->rx) != 0) {
		s->host->set_error(s->ctx, "out of memory for a patient's events");
		return KV_ERROR;
	}
	collect(s, p);
	uint8_t *prescribed = out->flags + (size_t)ADD_PRESCRIBED * out->n_months;
	uint8_t *mean = out->flags + (size_t)ADD_DDD_MEAN * out->n_months;
	double *ddd = out->values + (size_t)ADD_DDD_MEAN * out->n_months;
	for (size_t m = 0; m < s->n_months; m++) {
		if (!s->listed[m])
			continue;
		size_t lo = bound(s->rx, s->n_rx, sizeof *s->rx, s->from[m], false);
		size_t hi = bound(s->rx, s->n_rx, sizeof *s->rx, s->ref[m], true);
		if (hi > lo) {
			double sum = 0.0;
			for (size_t i = lo; i < hi; i++)
				sum += s->rx[i].ddd;
			mean[m] = KV_IN_DENOMINATOR | KV_IN_NUMERATOR;
			ddd[m] = sum;
		}
		if (contact_in(s, s->from[m], s->ref[m])) {
			prescribed[m] = KV_IN_DENOMINATOR;
			if (hi > lo)
				prescribed[m] |= KV_IN_NUMERATOR;
		}
	}
	if (s->count_null_ddd) {
		uint64_t n = null_ddd_counted(s);
		if (n > 0)
			s->host->count_bad_rows(s->ctx, NULL_DDD_TABLE, NULL_DDD_REASON, n);
	}
	return KV_OK;
}

KV_INDICATOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_INDICATOR, struct kv_indicator_plugin, "addictive_drugs",
			 "1.0.0",
			 "addictive drugs (vanedannende legemidler, prescription group A/B): "
			 "share prescribed and mean DDD"),
	KV_CONFIG_KEYS(add_keys),
	KV_INDICATORS(add_defs),
	.init = add_init,
	.compute = add_compute,
	.fini = add_fini,
};
