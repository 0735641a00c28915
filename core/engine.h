/*
 * engine.h - the monthly indicator engine: one pass over the record system
 * for every reference month of a run
 *
 * The connector delivers each patient once with all events up to the last
 * reference date; every enabled indicator plugin marks, per indicator and
 * month, whether the patient is in the denominator and the numerator; the
 * engine sums. A numerator outside its denominator, or a failing callback,
 * fails that plugin's results (never silently).
 *
 * Ownership: kv_engine_run fills a result the caller frees with
 * kv_result_free. Counts are exact and local: they never leave the office
 * without disclosure control.
 */
#ifndef KVALIND_ENGINE_H
#define KVALIND_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "setup.h"

struct kv_cell {
	uint64_t numerator;
	uint64_t denominator;
	double value_sum;
};

/* One indicator's series over the run's months. */
struct kv_series {
	const struct kv_indicator_def *def; /* borrowed from the loaded plugin */
	const char *id;        /* borrowed from the plugin descriptor */
	uint32_t version;
	uint32_t type;         /* enum kv_indicator_type */
	const char *plugin;    /* plugin name, borrowed */
	bool computable;       /* the connector provides what it requires */
	uint32_t missing;      /* kv_provides bits it lacks */
	bool failed;           /* its plugin failed during the run */
	struct kv_cell *cells; /* n_months */
};

struct kv_result {
	kv_month first_month;
	size_t n_months;
	struct kv_series *series; /* sorted by indicator id */
	size_t n_series;
	uint64_t patients;
	double seconds;
	char failure[1024];       /* why the run failed; "" when it did not */
	char plugin_failures[2048];
};

/* Compute [first, last] (month indexes). Returns 0, or -1 with
 * result->failure set (the connector failed: nothing is usable). A plugin
 * failure does not fail the run; its series are marked failed. */
int kv_engine_run(struct kv_setup *s, kv_month first, kv_month last, bool progress,
		  struct kv_result *result);

void kv_result_free(struct kv_result *result);

/*
 * The patients of one cell, for the office's own follow-up (`kvalind
 * patients`): every patient in the indicator's denominator for the month,
 * with what the connector knows of it beside the event model (its origin:
 * the record system's own key and the list holder at the end of the read).
 * Held in memory for the run that asks; the engine writes none of it
 * anywhere and logs none of it. Indicator plugins see none of it.
 */
struct kv_member {
	uint64_t local_ref;   /* the record system's own patient key */
	uint64_t list_holder; /* the GP whose list holds the patient, 0: none */
	kv_date birth;
	uint8_t sex;          /* enum kv_sex */
	uint8_t flags;        /* KV_IN_DENOMINATOR, KV_IN_NUMERATOR */
};

struct kv_members {
	const char *indicator;    /* in: the indicator's ID */
	kv_month month;           /* in: the month (within the run) */
	struct kv_member *rows;   /* out: malloc'd, kv_members_free */
	size_t n, cap;
	uint64_t without_key;     /* out: patients the connector gave no key */
};

/* kv_engine_run, also filling m with the patients of m->indicator's cell for
 * m->month. Fails (-1, result->failure) when the indicator is not computed
 * by the enabled plugins or the month is outside [first, last]. */
int kv_engine_run_members(struct kv_setup *s, kv_month first, kv_month last, bool progress,
			  struct kv_result *result, struct kv_members *m);

void kv_members_free(struct kv_members *m);

/* Open and close the connector once: is the record system reachable and
 * complete? 0, or -1 with err naming the connector and why. */
int kv_engine_probe(struct kv_setup *s, char *err, size_t errlen);

/* qsort comparison of two struct kv_series by indicator id. */
int kv_series_compare(const void *a, const void *b);

#endif /* KVALIND_ENGINE_H */
