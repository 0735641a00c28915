/*
 * multimorbidity.c - the "multimorbidity" indicator plugin: MM_COMORBIDITY,
 * MM_COMORBID_SEEN and MM_4PLUS of the indicator catalogue (indicators.md,
 * section Multimorbidity)
 *
 * A patient has a chronic category at R when a diagnosis of the category's
 * value set was recorded on or before R ("diagnosis ever"). The 16
 * categories are the value sets CHRONIC_DIABETES .. CHRONIC_EPILEPSY of the
 * catalogue's CHRONIC table; a category counts once however many of its
 * codes a patient has.
 *
 * MM_COMORBIDITY: D = L(R) with at least one category; N = at least
 * `comorbid_categories` (2). MM_COMORBID_SEEN: D = L(R) with at least
 * `comorbid_categories`; N = a face-to-face contact (consultation, home
 * visit, video) in W12. MM_4PLUS: D = L(R); N = at least `many_categories`
 * (4).
 *
 * The seed report's Johns Hopkins ACG indicators (RUB 4-5, frailty marker,
 * predicted risk) need a licensed proprietary grouper and are out of scope;
 * these open indicators stand in for them.
 *
 * compute() finds the first day of each category once (one pass over the
 * diagnoses) and the face-to-face days, then answers every month.
 */
#include <math.h>
#include <stdlib.h>

#include "kv_ind.h"

enum mm_indicator { MM_COMORBIDITY = 0, MM_COMORBID_SEEN, MM_4PLUS, MM_N_INDICATORS };

#define NEEDS_POPULATION (KV_PROVIDES_LIST_PERIODS | KV_PROVIDES_DIAGNOSES)

static const struct kv_indicator_def mm_defs[MM_N_INDICATORS] = {
	[MM_COMORBIDITY] = {
		.id = "MM_COMORBIDITY", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION,
		.title = "patients with a chronic disease who have more than one",
		.title_nb = "pasienter med kronisk tilstand som har mer enn én sykdom",
		.numerator = "2 or more of the 16 chronic disease categories recorded on or "
			     "before R",
		.denominator = "listed patients with 1 or more chronic disease categories",
		.direction = KV_NEITHER_IS_BETTER,
		.denominator_population = "chronic_1plus", .numerator_population = "chronic_2plus",
		.denominator_within = "listed",
		.decisive = "chronic categories", .decisive_unit = "categories",
	},
	[MM_COMORBID_SEEN] = {
		.id = "MM_COMORBID_SEEN", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION | KV_PROVIDES_CONTACTS,
		.title = "patients with 2 or more chronic diseases seen in 12 months",
		.title_nb = "pasienter med 2 eller flere kroniske sykdommer som har hatt "
			    "konsultasjon siste 12 måneder",
		.numerator = "a face-to-face contact (consultation, home visit, video) in W12",
		.denominator = "listed patients with 2 or more chronic disease categories",
		.direction = KV_HIGHER_IS_BETTER,
		.denominator_population = "chronic_2plus",
		/* a face-to-face contact in W12 (window_months <= 12): a contact in
		 * addictive_drugs' window (at least 12 months) */
		.numerator_within = "contact_w12",
		.decisive = "last face-to-face contact", .decisive_unit = NULL,
	},
	[MM_4PLUS] = {
		.id = "MM_4PLUS", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION,
		.title = "listed patients with 4 or more chronic diseases",
		.title_nb = "listepasienter med flere enn 3 kroniske tilstander",
		.numerator = "4 or more of the 16 chronic disease categories recorded on or "
			     "before R",
		.denominator = "listed patients at R",
		.direction = KV_NEITHER_IS_BETTER,
		.denominator_population = "listed",
		/* init: many_categories >= comorbid_categories */
		.numerator_within = "chronic_2plus",
		.decisive = "chronic categories", .decisive_unit = "categories",
	},
};

/* The settings, filled by the core from the table below. */
struct mm_settings {
	int64_t comorbid_categories;
	int64_t many_categories;
	int64_t window_months;
};

static const struct kv_setting mm_keys[] = {
	KV_SETTING(struct mm_settings, comorbid_categories, KV_CONFIG_INT, "2", false, "2..16",
	 "chronic disease categories that make a patient comorbid (MM_COMORBIDITY's "
	 "numerator, MM_COMORBID_SEEN's denominator)"),
	KV_SETTING(struct mm_settings, many_categories, KV_CONFIG_INT, "4", false, "2..16",
	 "chronic disease categories that put a listed patient in MM_4PLUS's numerator; at "
	 "least comorbid_categories"),
	KV_SETTING(struct mm_settings, window_months, KV_CONFIG_INT, "12", false, "1..12",
	 "calendar months, ending with the reference month, in which MM_COMORBID_SEEN looks "
	 "for a face-to-face contact (W12); at most 12, so that the contact lies in the window "
	 "of ADD_PRESCRIBED's denominator (contact_w12)"),
};

/* The CHRONIC table of the catalogue: one value set per category. */
static const char *const mm_categories[] = {
	"CHRONIC_DIABETES",       "CHRONIC_COPD_ASTHMA",    "CHRONIC_IHD",
	"CHRONIC_HEART_FAILURE",  "CHRONIC_ATRIAL_FIBRILLATION",
	"CHRONIC_HYPERTENSION",   "CHRONIC_STROKE_TIA",     "CHRONIC_KIDNEY_DISEASE",
	"CHRONIC_DEMENTIA",       "CHRONIC_DEPRESSION",     "CHRONIC_ANXIETY",
	"CHRONIC_OSTEOARTHRITIS", "CHRONIC_OSTEOPOROSIS",   "CHRONIC_CANCER",
	"CHRONIC_PARKINSON",      "CHRONIC_EPILEPSY",
};
#define MM_N_CATEGORIES (sizeof mm_categories / sizeof mm_categories[0])

struct mm_state {
	const struct mm_settings *set; /* call->settings, borrowed */
	const struct kv_value_set *sets[MM_N_CATEGORIES];
	int comorbid;        /* categories for "comorbid" */
	int many;            /* categories for MM_4PLUS */
	struct kv_ind_months months; /* R and the first day of W12 */

	/* Scratch of the current patient, reused: grows to the largest. */
	kv_date since[MM_N_CATEGORIES]; /* first diagnosis of each category, sorted */
	struct kv_ind_days days;        /* face-to-face days */
};

static void mm_free(void *state)
{
	struct mm_state *s = state;
	if (s == NULL)
		return;
	kv_ind_months_free(&s->months);
	kv_ind_days_free(&s->days);
	free(s);
}

/* ---- init ---------------------------------------------------------------- */

static int read_sets(const struct kv_call *call, struct mm_state *s)
{
	for (size_t c = 0; c < MM_N_CATEGORIES; c++)
		if ((s->sets[c] = kv_ind_need_set(call->host, call->ctx, mm_categories[c])) == NULL)
			return KV_ERROR;
	return KV_OK;
}

static int mm_init(const struct kv_call *call, const struct kv_run *run,
		   struct kv_init_result *res)
{
	const struct kv_host *host = call->host;
	struct kv_ctx *ctx = call->ctx;
	struct mm_state *s = kv_ind_new_state(host, ctx, sizeof *s);
	if (s == NULL)
		return KV_ERROR;
	s->set = call->settings;
	s->comorbid = (int)s->set->comorbid_categories;
	s->many = (int)s->set->many_categories;
	int window = (int)s->set->window_months;
	if (s->comorbid < 2 || s->many < 1 || window < 1) {
		host->set_error(ctx,
				"comorbid_categories (%d) must be at least 2, many_categories "
				"(%d) and window_months (%d) at least 1",
				s->comorbid, s->many, window);
		mm_free(s);
		return KV_ERROR;
	}
	/* MM_4PLUS's numerator is declared within MM_COMORBIDITY's. */
	if (s->many < s->comorbid) {
		host->set_error(ctx,
				"many_categories (%d) must be at least comorbid_categories (%d): "
				"MM_4PLUS's numerator is declared within MM_COMORBIDITY's",
				s->many, s->comorbid);
		mm_free(s);
		return KV_ERROR;
	}
	if (read_sets(call, s) != KV_OK ||
	    kv_ind_months_init(&s->months, host, ctx, run, window) != KV_OK) {
		mm_free(s);
		return KV_ERROR;
	}
	/* lookback_months: contacts in W12 (window_months) */
	res->lookback_months = kv_ind_window_lookback(s->set->window_months, 1);
	res->state = s;
	return KV_OK;
}

/* ---- the patient ----------------------------------------------------------- */

/* The first diagnosis day of every category, sorted, KV_DATE_OPEN for the
 * categories the patient does not have; how many categories there are. A
 * category already found on or before a diagnosis's day is not asked again,
 * so with diagnoses in date order each is looked up until first found. */
static size_t collect_categories(const struct kv_call *call, struct mm_state *s,
				 const struct kv_patient *p)
{
	for (size_t c = 0; c < MM_N_CATEGORIES; c++)
		s->since[c] = KV_DATE_OPEN;
	for (size_t i = 0; i < p->n_diagnoses; i++) {
		const struct kv_diagnosis *d = &p->diagnoses[i];
		for (size_t c = 0; c < MM_N_CATEGORIES; c++)
			if (d->date < s->since[c] &&
			    call->host->in_value_set(s->sets[c], (enum kv_code_kind)d->system,
						     d->code, d->date))
				s->since[c] = d->date;
	}
	kv_ind_dated_sort(s->since, MM_N_CATEGORIES, sizeof s->since[0]);
	size_t n = 0;
	while (n < MM_N_CATEGORIES && s->since[n] != KV_DATE_OPEN)
		n++;
	return n;
}

/* Categories recorded on or before r (s->since is sorted). */
static int categories_at(const struct mm_state *s, size_t n_categories, kv_date r)
{
	int n = 0;
	while ((size_t)n < n_categories && s->since[n] <= r)
		n++;
	return n;
}

/* ---- compute ------------------------------------------------------------- */

static int mm_compute(const struct kv_call *call, const struct kv_patient *p,
		      struct kv_result_block *out)
{
	struct mm_state *s = call->state;
	const struct kv_ind_months *mo = &s->months;
	size_t n_categories = p->n_diagnoses ? collect_categories(call, s, p) : 0;
	bool days_collected = false;
	const bool decisive = KV_RESULT_HAS_DECISIVE(out);
	for (size_t m = 0; m < mo->n; m++) {
		if (!kv_ind_listed_at(p, mo->ref[m]))
			continue;
		kv_ind_mark(out, MM_4PLUS, m, KV_IN_DENOMINATOR);
		int n = categories_at(s, n_categories, mo->ref[m]);
		/* How many categories at R, and the day the last of them was
		 * first recorded (none without a category). */
		const kv_date reached = n > 0 ? s->since[n - 1] : KV_DATE_NONE;
		if (decisive)
			kv_ind_decisive(out, MM_4PLUS, m, reached, (double)n);
		if (n == 0)
			continue;
		if (n >= s->many)
			kv_ind_mark(out, MM_4PLUS, m, KV_IN_NUMERATOR);
		kv_ind_mark(out, MM_COMORBIDITY, m, KV_IN_DENOMINATOR);
		if (decisive)
			kv_ind_decisive(out, MM_COMORBIDITY, m, reached, (double)n);
		if (n < s->comorbid)
			continue;
		kv_ind_mark(out, MM_COMORBIDITY, m, KV_IN_NUMERATOR);
		kv_ind_mark(out, MM_COMORBID_SEEN, m, KV_IN_DENOMINATOR);
		if (!days_collected) {
			if (kv_ind_face_to_face_days(p, &s->days) != 0)
				return kv_ind_out_of_memory(call);
			days_collected = true;
		}
		if (kv_ind_days_any_in(&s->days, mo->from[m], mo->ref[m]))
			kv_ind_mark(out, MM_COMORBID_SEEN, m, KV_IN_NUMERATOR);
		/* the last face-to-face day on or before R, in W12 or not */
		if (decisive)
			kv_ind_decisive(out, MM_COMORBID_SEEN, m,
					kv_ind_days_last_upto(&s->days, mo->ref[m]), NAN);
	}
	return KV_OK;
}

static void mm_fini(const struct kv_call *call)
{
	mm_free(call->state);
}

KV_INDICATOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_INDICATOR, struct kv_indicator_plugin, "multimorbidity",
			 "1.0.0",
			 "multimorbidity over 16 chronic disease categories; the Johns Hopkins "
			 "ACG indicators (RUB, frailty, predicted risk) need a licensed grouper "
			 "and are out of scope"),
	KV_SETTINGS(struct mm_settings, mm_keys),
	KV_INDICATORS(mm_defs),
	.init = mm_init,
	.compute = mm_compute,
	.fini = mm_fini,
};
