/*
 * copd.c - the "copd" indicator plugin: the COPD_* indicators of the
 * indicator catalogue (indicators.md, section COPD)
 *
 * COPD_PREVALENCE: D = the listed population L(R), N = those with a COPD
 * diagnosis ever (recorded on or before R).
 *
 * An exacerbation, for a patient with COPD ever at R, is on day e:
 *  - a COPD_EXACERBATION_DX diagnosis recorded on e;
 *  - an ORAL_STEROID prescription issued on e, unless a regular ORAL_STEROID
 *    medication row is in use on e (start <= e < stop: a renewal of a
 *    maintenance dose is no exacerbation);
 *  - an ORAL_STEROID medication row with use_type course starting on e.
 * A control is a face-to-face contact (consultation, home visit, video) with
 * a diagnosis row linked to it whose code is in COPD; its day is the
 * contact's.
 *
 * COPD_CONTROL_AFTER_EXAC and COPD_CONTROL_6W share one denominator: COPD
 * patients in L(R) whose last exacerbation with e in W12 has e <= R - 42
 * days. The condition is on the last exacerbation of W12 itself: a patient
 * whose last W12 exacerbation is within the 42 days before R is out of D,
 * even when an earlier W12 exacerbation is older (the catalogue says "whose
 * last exacerbation ... has e <= R - 42", not "the last exacerbation with
 * e <= R - 42" as DEP_NEW_SOMATIC does; precise rule 6: no window reaches
 * past R). N of COPD_CONTROL_AFTER_EXAC: a control in (e, R]; N of
 * COPD_CONTROL_6W: a control in (e, e + 42] (which is within (e, R]).
 *
 * Codes come from value sets, the window lengths from the [indicator.copd]
 * section; nothing clinical is a literal here. Each value set is asked on
 * the row's own date (a medication row's: its start). compute() reads a
 * patient's events once into sorted day lists (kv_ind.h) and answers every
 * month of the run from them by binary search.
 */
#include "kvalind/kv_plugin.h"

#include <math.h>
#include <stdlib.h>

#include "kv_ind.h"

/* ---- the catalogue ---------------------------------------------------- */

/* Descriptor order; the index of an indicator in kv_result_block. */
enum copd_indicator {
	COPD_PREVALENCE = 0,
	COPD_CONTROL_AFTER_EXAC,
	COPD_CONTROL_6W,
	COPD_N_INDICATORS
};

/* What the population needs: lists and diagnoses. */
#define NEEDS_POPULATION (KV_PROVIDES_LIST_PERIODS | KV_PROVIDES_DIAGNOSES)
/* What exacerbations and controls need on top: steroids from both the
 * prescriptions and the medication list, and face-to-face contacts that
 * diagnoses are linked to. */
#define NEEDS_CONTROL                                                          \
	(NEEDS_POPULATION | KV_PROVIDES_PRESCRIPTIONS | KV_PROVIDES_MEDICATIONS | \
	 KV_PROVIDES_CONTACTS | KV_PROVIDES_DIAGNOSIS_CONTACT)

static const struct kv_indicator_def copd_defs[COPD_N_INDICATORS] = {
	[COPD_PREVALENCE] = {
		.id = "COPD_PREVALENCE", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_POPULATION,
		.title = "listed patients with COPD",
		.title_nb = "listepasienter med kols",
		.numerator = "listed patients with a COPD diagnosis recorded on or before R",
		.denominator = "listed patients at R",
		.direction = KV_NEITHER_IS_BETTER,
		.denominator_population = "listed", .numerator_population = "copd",
		/* COPD (R95; J43, J44) is within the CHRONIC category COPD/asthma
		 * (R95, R96; J43-J45), also "ever" up to R among L(R) */
		.numerator_within = "chronic_1plus",
		.decisive = "first COPD diagnosis", .decisive_unit = NULL,
	},
	[COPD_CONTROL_AFTER_EXAC] = {
		.id = "COPD_CONTROL_AFTER_EXAC", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_CONTROL,
		.title = "COPD patients with a control after their last exacerbation",
		.title_nb = "kolspasienter med kontroll etter siste forverring",
		.numerator = "a face-to-face contact with a linked COPD diagnosis after e, up to R",
		.denominator = "listed COPD patients whose last exacerbation e in W12 is on or "
			       "before R - 42 days",
		.direction = KV_HIGHER_IS_BETTER,
		.denominator_population = "copd_exacerbation_42d",
		.numerator_population = "copd_control_after_exac",
		/* only listed COPD patients have exacerbations; a control is a
		 * face-to-face contact in (e, R], e in the exacerbation window,
		 * which addictive_drugs' window (at least 12 months) holds */
		.denominator_within = "copd", .numerator_within = "contact_w12",
		.decisive = "exacerbation", .decisive_unit = NULL,
	},
	[COPD_CONTROL_6W] = {
		.id = "COPD_CONTROL_6W", .version = 1, .type = KV_INDICATOR_PROPORTION,
		.requires = NEEDS_CONTROL,
		.title = "COPD patients with a control within 6 weeks after their last exacerbation",
		.title_nb = "kolspasienter med kontroll innen 6 uker etter siste forverring",
		.numerator = "a face-to-face contact with a linked COPD diagnosis within 42 days "
			     "after e",
		.denominator = "listed COPD patients whose last exacerbation e in W12 is on or "
			       "before R - 42 days",
		.direction = KV_HIGHER_IS_BETTER,
		.denominator_population = "copd_exacerbation_42d",
		/* (e, e + 42] lies in (e, R]: e <= R - 42 */
		.denominator_within = "copd", .numerator_within = "copd_control_after_exac",
		.decisive = "exacerbation", .decisive_unit = NULL,
	},
};

/* ---- configuration ------------------------------------------------------ */

/* The settings, filled by the core from the table below. */
struct copd_settings {
	int64_t exacerbation_window_months;
	int64_t control_days;
};

static const struct kv_setting copd_keys[] = {
	KV_SETTING(struct copd_settings, exacerbation_window_months, KV_CONFIG_INT, "12", false, "1..12",
	 "calendar months, ending with the reference month, in which the last exacerbation "
	 "is looked for (W12); at most 12, so that a control lies in the window of "
	 "ADD_PRESCRIBED's denominator (contact_w12)"),
	KV_SETTING(struct copd_settings, control_days, KV_CONFIG_INT, "42", false, "1..365",
	 "days after an exacerbation within which a control counts in COPD_CONTROL_6W, and "
	 "which must have passed by R for the exacerbation to enter the denominator"),
};

/* ---- state --------------------------------------------------------------- */

struct copd_sets {
	const struct kv_value_set *copd;
	const struct kv_value_set *exacerbation_dx;
	const struct kv_value_set *oral_steroid;
};

struct copd_state {
	const struct copd_settings *set; /* call->settings, borrowed */
	struct copd_sets sets;
	kv_date control_days;  /* the 42 days */
	/* R, first day of W12; flag: listed with COPD at R */
	struct kv_ind_months months;

	/* Scratch of the current patient (kv_ind.h). */
	struct kv_ind_days exacerbations;    /* days of an exacerbation */
	struct kv_ind_days controls;         /* days of a control */
	struct kv_ind_periods steroid_use;   /* regular oral steroids in use */
};

static void copd_free(void *state)
{
	struct copd_state *s = state;
	if (s == NULL)
		return;
	kv_ind_days_free(&s->exacerbations);
	kv_ind_days_free(&s->controls);
	kv_ind_periods_free(&s->steroid_use);
	kv_ind_months_free(&s->months);
	free(s);
}

/* ---- init ---------------------------------------------------------------- */

static int read_sets(const struct kv_call *call, struct copd_state *s)
{
	struct copd_sets *v = &s->sets;
	if ((v->copd = kv_ind_need_set(call->host, call->ctx, "COPD")) == NULL)
		return KV_ERROR;
	v->exacerbation_dx = kv_ind_need_set(call->host, call->ctx, "COPD_EXACERBATION_DX");
	if (v->exacerbation_dx == NULL)
		return KV_ERROR;
	if ((v->oral_steroid = kv_ind_need_set(call->host, call->ctx, "ORAL_STEROID")) == NULL)
		return KV_ERROR;
	return KV_OK;
}

/* R and the first day of W12 of every month of the run, and the control
 * window. */
static int read_months(const struct kv_call *call, struct copd_state *s, const struct kv_run *run)
{
	const int window = (int)s->set->exacerbation_window_months;
	s->control_days = (kv_date)s->set->control_days;
	return kv_ind_months_init(&s->months, call->host, call->ctx, run, window);
}

static int copd_init(const struct kv_call *call, const struct kv_run *run,
		     struct kv_init_result *res)
{
	const struct kv_host *host = call->host;
	struct kv_ctx *ctx = call->ctx;
	struct copd_state *s = kv_ind_new_state(host, ctx, sizeof *s);
	if (s == NULL)
		return KV_ERROR;
	s->set = call->settings;
	if (read_sets(call, s) != KV_OK || read_months(call, s, run) != KV_OK) {
		copd_free(s);
		return KV_ERROR;
	}
	/* lookback_months: exacerbations (prescriptions) in W12
	 * (exacerbation_window_months); controls follow them */
	res->lookback_months = kv_ind_window_lookback(s->set->exacerbation_window_months, 1);
	res->state = s;
	return KV_OK;
}

/* ---- the patient's day lists --------------------------------------------- */

static bool is_copd(const struct kv_call *call, const struct copd_state *s,
		    const struct kv_diagnosis *d)
{
	return call->host->in_value_set(s->sets.copd, (enum kv_code_kind)d->system, d->code,
					d->date);
}

/*
 * Exacerbation days from diagnoses, and control days: the day of each
 * face-to-face contact a COPD diagnosis is linked to. A link to a contact
 * the patient does not have is a data-quality finding; the diagnosis then
 * counts as unlinked.
 */
static void collect_diagnoses(const struct kv_call *call, struct copd_state *s,
			      const struct kv_patient *p)
{
	const struct kv_host *h = call->host;
	uint64_t bad_links = 0;
	for (size_t i = 0; i < p->n_diagnoses; i++) {
		const struct kv_diagnosis *d = &p->diagnoses[i];
		if (h->in_value_set(s->sets.exacerbation_dx, (enum kv_code_kind)d->system,
				    d->code, d->date))
			kv_ind_days_add(&s->exacerbations, d->date);
		if (d->contact < 0)
			continue;
		if ((size_t)d->contact >= p->n_contacts) {
			bad_links++;
			continue;
		}
		const struct kv_contact *c = &p->contacts[d->contact];
		if (kv_contact_is_face_to_face(c->kind) && is_copd(call, s, d))
			kv_ind_days_add(&s->controls, c->date);
	}
	if (bad_links)
		h->count_bad_rows(call->ctx, "diagnosis", "linked to a missing contact", bad_links);
}

/*
 * Oral steroids: course rows of the medication list are exacerbations on
 * their start day; regular rows are the periods that make a prescription a
 * maintenance renewal; prescriptions outside those periods are
 * exacerbations on their issue day.
 */
static void collect_steroids(const struct kv_call *call, struct copd_state *s,
			     const struct kv_patient *p)
{
	const struct kv_host *h = call->host;
	for (size_t i = 0; i < p->n_medications; i++) {
		const struct kv_medication *md = &p->medications[i];
		if (md->use_type != KV_USE_COURSE && md->use_type != KV_USE_REGULAR)
			continue;
		if (!h->in_value_set(s->sets.oral_steroid, KV_CODES_ATC, md->atc, md->start))
			continue;
		if (md->use_type == KV_USE_COURSE)
			kv_ind_days_add(&s->exacerbations, md->start);
		else if (md->start < md->stop)
			kv_ind_periods_add(&s->steroid_use, md->start, md->stop);
	}
	for (size_t i = 0; i < p->n_prescriptions; i++) {
		const struct kv_prescription *rx = &p->prescriptions[i];
		if (h->in_value_set(s->sets.oral_steroid, KV_CODES_ATC, rx->atc, rx->date) &&
		    !kv_ind_periods_cover(&s->steroid_use, rx->date))
			kv_ind_days_add(&s->exacerbations, rx->date);
	}
}

static int collect(const struct kv_call *call, struct copd_state *s, const struct kv_patient *p)
{
	if (kv_ind_days_reset(&s->exacerbations,
			      p->n_diagnoses + p->n_medications + p->n_prescriptions) != 0 ||
	    kv_ind_days_reset(&s->controls, p->n_diagnoses) != 0 ||
	    kv_ind_periods_reset(&s->steroid_use, p->n_medications) != 0)
		return kv_ind_out_of_memory(call);
	collect_diagnoses(call, s, p);
	collect_steroids(call, s, p);
	kv_ind_days_finish(&s->exacerbations);
	kv_ind_days_finish(&s->controls);
	return KV_OK;
}

/* ---- one month ----------------------------------------------------------- */

/* The control indicators for a listed COPD patient in month m. */
static void mark_month(const struct copd_state *s, size_t m, struct kv_result_block *out)
{
	const kv_date r = s->months.ref[m];
	kv_date e;
	/* The last exacerbation in W12 decides; it must leave the whole control
	 * window (e, e + control_days] inside ..R. */
	if (!kv_ind_days_last_in(&s->exacerbations, s->months.from[m], r, &e) ||
	    e > r - s->control_days)
		return;
	kv_ind_mark(out, COPD_CONTROL_AFTER_EXAC, m, KV_IN_DENOMINATOR);
	kv_ind_mark(out, COPD_CONTROL_6W, m, KV_IN_DENOMINATOR);
	/* the exacerbation that put the patient in D: a control is due after it */
	if (KV_RESULT_HAS_DECISIVE(out)) {
		kv_ind_decisive(out, COPD_CONTROL_AFTER_EXAC, m, e, NAN);
		kv_ind_decisive(out, COPD_CONTROL_6W, m, e, NAN);
	}
	if (kv_ind_days_any_in(&s->controls, e + 1, r))
		kv_ind_mark(out, COPD_CONTROL_AFTER_EXAC, m, KV_IN_NUMERATOR);
	if (kv_ind_days_any_in(&s->controls, e + 1, e + s->control_days))
		kv_ind_mark(out, COPD_CONTROL_6W, m, KV_IN_NUMERATOR);
}

static int copd_compute(const struct kv_call *call, const struct kv_patient *p,
			struct kv_result_block *out)
{
	struct copd_state *s = call->state;
	struct kv_ind_months *mo = &s->months;
	/* COPD_PREVALENCE for every month; mo->flag[m]: a listed COPD patient,
	 * in the control indicators' population. */
	kv_date since = kv_ind_first_diagnosis(call->host, s->sets.copd, p);
	if (!kv_ind_mark_prevalence(p, since, mo, out, COPD_PREVALENCE))
		return KV_OK;
	if (KV_RESULT_HAS_DECISIVE(out))
		for (size_t m = 0; m < mo->n; m++)
			if (mo->flag[m]) /* in the numerator: since <= R */
				kv_ind_decisive(out, COPD_PREVALENCE, m, since, NAN);
	if (collect(call, s, p) != KV_OK)
		return KV_ERROR;
	if (s->exacerbations.n == 0)
		return KV_OK;
	for (size_t m = 0; m < mo->n; m++)
		if (mo->flag[m])
			mark_month(s, m, out);
	return KV_OK;
}

static void copd_fini(const struct kv_call *call)
{
	copd_free(call->state);
}

KV_INDICATOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_INDICATOR, struct kv_indicator_plugin, "copd", "1.0.0",
			 "COPD: prevalence, control after the last exacerbation"),
	KV_SETTINGS(struct copd_settings, copd_keys),
	KV_INDICATORS(copd_defs),
	.init = copd_init,
	.compute = copd_compute,
	.fini = copd_fini,
};
