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
#include <math.h>
#include <stdlib.h>

#include "kv_ind.h"

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
		/* contact_w12: ANX_FOLLOWUP_NEW's, COPD_CONTROL_AFTER_EXAC's and
		 * MM_COMORBID_SEEN's numerators are within it (their contacts lie in
		 * 12 months or fewer ending at R; window_months is at least 12) */
		.denominator_population = "contact_w12", .denominator_within = "listed",
		/* an addictive prescription in the same W12 */
		.numerator_within = "addictive_rx_w12",
		.decisive = "last addictive prescription", .decisive_unit = "DDD",
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
		.denominator_population = "addictive_rx_w12", .denominator_within = "listed",
		.decisive = "last addictive prescription", .decisive_unit = "DDD",
	},
};

/* The settings, filled by the core from the table below. */
struct add_settings {
	int64_t window_months;
};

static const struct kv_setting add_keys[] = {
	KV_SETTING(struct add_settings, window_months, KV_CONFIG_INT, "12", false, "12..120",
	 "calendar months, ending with the reference month, in which contacts and addictive "
	 "prescriptions count (W12); at least 12, so that it holds the contacts other "
	 "indicators count in their 12 months (contact_w12)"),
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
	const struct add_settings *set; /* call->settings, borrowed */
	const struct kv_value_set *addictive;
	bool count_null_ddd;  /* ADD_DDD_MEAN is computable in this run */
	struct kv_ind_months months; /* R, first day of W12; flag: in L(R) */

	/* Scratch of the current patient, reused: grows to the largest. */
	struct kv_ind_days contacts; /* days of a contact other than admin */
	struct add_rx *rx;    /* ADDICTIVE prescriptions, sorted by date */
	size_t n_rx, cap_rx;
};

static void add_free(void *state)
{
	struct add_state *s = state;
	if (s == NULL)
		return;
	kv_ind_months_free(&s->months);
	kv_ind_days_free(&s->contacts);
	free(s->rx);
	free(s);
}

/* ---- init ---------------------------------------------------------------- */

static int add_init(const struct kv_call *call, const struct kv_run *run,
		    struct kv_init_result *res)
{
	const struct kv_host *host = call->host;
	struct kv_ctx *ctx = call->ctx;
	struct add_state *s = kv_ind_new_state(host, ctx, sizeof *s);
	if (s == NULL)
		return KV_ERROR;
	s->set = call->settings;
	int window;
	if ((s->addictive = kv_ind_need_set(host, ctx, "ADDICTIVE")) == NULL ||
	    kv_ind_config_months(host, ctx, "window_months", s->set->window_months,
				 &window) != KV_OK ||
	    kv_ind_months_init(&s->months, host, ctx, run, window) != KV_OK) {
		add_free(s);
		return KV_ERROR;
	}
	/* Where ADD_DDD_MEAN is not computable, a missing DDD is no finding. */
	uint32_t need = add_defs[ADD_DDD_MEAN].requires;
	s->count_null_ddd = (run->provides & need) == need;
	/* lookback_months: prescriptions and contacts in W12 (window_months) */
	res->lookback_months = kv_ind_window_lookback(s->set->window_months, 1);
	res->state = s;
	return KV_OK;
}

/* ---- the patient ----------------------------------------------------------- */

/* Precise rule 11: the group decides where it is known, the ATC code only
 * where it is not. */
static bool is_addictive(const struct kv_call *call, const struct add_state *s,
			 const struct kv_prescription *rx)
{
	static const char *const letters[] = {
	    [KV_RX_GROUP_A] = "A", [KV_RX_GROUP_B] = "B",
	    [KV_RX_GROUP_C] = "C", [KV_RX_GROUP_F] = "F"};
	if (rx->group == KV_RX_GROUP_UNKNOWN)
		return call->host->in_value_set(s->addictive, KV_CODES_ATC, rx->atc, rx->date);
	if (rx->group >= sizeof letters / sizeof letters[0])
		return false;
	return call->host->in_value_set(s->addictive, KV_CODES_RXGROUP, letters[rx->group],
					rx->date);
}

static int collect(const struct kv_call *call, struct add_state *s, const struct kv_patient *p)
{
	if (kv_ind_days_reset(&s->contacts, p->n_contacts) != 0 ||
	    kv_ind_reserve((void **)&s->rx, &s->cap_rx, p->n_prescriptions, sizeof *s->rx) != 0)
		return kv_ind_out_of_memory(call);
	for (size_t i = 0; i < p->n_contacts; i++)
		if (p->contacts[i].kind != KV_CONTACT_ADMIN)
			kv_ind_days_add(&s->contacts, p->contacts[i].date);
	kv_ind_days_finish(&s->contacts);

	s->n_rx = 0;
	for (size_t i = 0; i < p->n_prescriptions; i++) {
		const struct kv_prescription *rx = &p->prescriptions[i];
		if (is_addictive(call, s, rx))
			s->rx[s->n_rx++] = (struct add_rx){
			    .date = rx->date, .has_ddd = rx->has_ddd,
			    .ddd = rx->has_ddd ? rx->ddd : 0.0};
	}
	kv_ind_dated_sort(s->rx, s->n_rx, sizeof *s->rx); /* struct add_rx starts with its date */
	return KV_OK;
}

/* ADDICTIVE prescriptions with NULL DDD that were counted as 0 for at least
 * one month: in W12 of a month in which the patient is in ADD_DDD_MEAN. */
static uint64_t null_ddd_counted(const struct add_state *s)
{
	const struct kv_ind_months *mo = &s->months;
	uint64_t n = 0;
	for (size_t i = 0; i < s->n_rx; i++) {
		if (s->rx[i].has_ddd)
			continue;
		for (size_t m = 0; m < mo->n; m++)
			if (mo->flag[m] && mo->from[m] <= s->rx[i].date &&
			    s->rx[i].date <= mo->ref[m]) {
				n++;
				break;
			}
	}
	return n;
}

/* ---- compute ------------------------------------------------------------- */

/* The decisive date and value (ABI 2.1) of both indicators in month m: the
 * last ADDICTIVE prescription on or before R (the first `upto` of s->rx),
 * in W12 or not, and the DDD of that day's ADDICTIVE prescriptions summed
 * (NAN when none of them has a DDD). */
static void add_decisive(const struct add_state *s, size_t m, size_t upto,
			 struct kv_result_block *out)
{
	if (upto == 0)
		return;
	const kv_date day = s->rx[upto - 1].date;
	double ddd = NAN;
	for (size_t i = upto; i > 0 && s->rx[i - 1].date == day; i--)
		if (s->rx[i - 1].has_ddd)
			ddd = isnan(ddd) ? s->rx[i - 1].ddd : ddd + s->rx[i - 1].ddd;
	const uint8_t *f = out->flags;
	for (size_t i = 0; i < ADD_N_INDICATORS; i++)
		if (f[i * out->n_months + m] & KV_IN_DENOMINATOR)
			kv_ind_decisive(out, i, m, day, ddd);
}

static int add_compute(const struct kv_call *call, const struct kv_patient *p,
		       struct kv_result_block *out)
{
	struct add_state *s = call->state;
	const struct kv_ind_months *mo = &s->months;
	if (!kv_ind_mark_listed(p, &s->months) || (p->n_contacts == 0 && p->n_prescriptions == 0))
		return KV_OK;
	if (collect(call, s, p) != KV_OK)
		return KV_ERROR;
	double *ddd = out->values + (size_t)ADD_DDD_MEAN * out->n_months;
	for (size_t m = 0; m < mo->n; m++) {
		if (!mo->flag[m])
			continue;
		size_t lo = kv_ind_dated_count_before(s->rx, s->n_rx, sizeof *s->rx, mo->from[m]);
		size_t hi = kv_ind_dated_count_upto(s->rx, s->n_rx, sizeof *s->rx, mo->ref[m]);
		if (hi > lo) {
			double sum = 0.0;
			for (size_t i = lo; i < hi; i++)
				sum += s->rx[i].ddd;
			kv_ind_mark(out, ADD_DDD_MEAN, m, KV_IN_DENOMINATOR | KV_IN_NUMERATOR);
			ddd[m] = sum;
		}
		if (kv_ind_days_any_in(&s->contacts, mo->from[m], mo->ref[m])) {
			kv_ind_mark(out, ADD_PRESCRIBED, m, KV_IN_DENOMINATOR);
			if (hi > lo)
				kv_ind_mark(out, ADD_PRESCRIBED, m, KV_IN_NUMERATOR);
		}
		if (KV_RESULT_HAS_DECISIVE(out))
			add_decisive(s, m, hi, out);
	}
	if (s->count_null_ddd) {
		uint64_t n = null_ddd_counted(s);
		if (n > 0)
			call->host->count_bad_rows(call->ctx, NULL_DDD_TABLE, NULL_DDD_REASON, n);
	}
	return KV_OK;
}

static void add_fini(const struct kv_call *call)
{
	add_free(call->state);
}

KV_INDICATOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_INDICATOR, struct kv_indicator_plugin, "addictive_drugs",
			 "1.0.0",
			 "addictive drugs (vanedannende legemidler, prescription group A/B): "
			 "share prescribed and mean DDD"),
	KV_SETTINGS(struct add_settings, add_keys),
	KV_INDICATORS(add_defs),
	.init = add_init,
	.compute = add_compute,
	.fini = add_fini,
};
