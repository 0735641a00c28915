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
	/* With by_holder: n_holders x n_months, [h * n_months + m] for
	 * kv_result.holders[h]; they add up to cells. Else NULL. */
	struct kv_cell *holder_cells;
};

struct kv_result {
	kv_month first_month;
	size_t n_months;
	struct kv_series *series; /* sorted by indicator id */
	size_t n_series;
	uint64_t patients;
	double seconds;
	char failure[1024];       /* why the run failed; "" when it did not */
	/* With kv_engine_options.by_holder (by_holder true): the list holders
	 * seen in any month of the run, ascending (0, on no GP's list, first
	 * when present). */
	bool by_holder;
	uint64_t *holders;
	size_t n_holders;
	char plugin_failures[2048];
};

/* Compute [first, last] (month indexes). Returns 0, or -1 with
 * result->failure set (the connector failed: nothing is usable). A plugin
 * failure does not fail the run; its series are marked failed. */
int kv_engine_run(struct kv_setup *s, kv_month first, kv_month last, bool progress,
		  struct kv_result *result);

void kv_result_free(struct kv_result *result);

/*
 * The office's own follow-up (issue 19): the patients of one month's cells,
 * with what the connector knows of them beside the event model (their
 * origin: the record system's own key and list holders). Held in memory for
 * the run that asks; the engine writes none of it anywhere and logs none of
 * it. Indicator plugins see none of it.
 */
struct kv_listed_patient {
	uint64_t local_ref;            /* the connector's opaque reference */
	char key[KV_PATIENT_KEY_MAX];  /* the record system's own patient key */
	uint64_t list_holder;          /* at the month's reference date; 0: on no list */
	kv_date birth;
	uint8_t sex;                   /* enum kv_sex */
	char *name;                    /* with patient_names, when the connector has it */
};

/* One patient in one indicator's denominator for the month. */
struct kv_member {
	uint32_t patient;              /* index into kv_members.patients */
	uint32_t series;               /* index into kv_result.series */
	uint8_t flags;                 /* KV_IN_DENOMINATOR, KV_IN_NUMERATOR */
	kv_date decisive_date;         /* KV_DATE_NONE: the indicator says none */
	double decisive_value;         /* NAN: none */
};

struct kv_holder_name {
	uint64_t id;
	char *name;
};

struct kv_members {
	/* in */
	const char *indicator;  /* one indicator's ID, or NULL: every computed one */
	kv_month month;         /* within the run */
	bool patient_names;     /* look up the listed patients' names (show_names) */
	bool holder_names;      /* look up the list holders' names */
	/* out: malloc'd, kv_members_free */
	struct kv_listed_patient *patients; /* in delivery order */
	size_t n_patients, cap_patients;
	struct kv_member *rows;             /* a patient's rows are adjacent */
	size_t n, cap;
	struct kv_holder_name *holders;     /* ascending id, those with a name */
	size_t n_holders;
	uint64_t without_key;   /* listed patients the connector gave no reference */
};

/* What a run computes beside the office's counts. */
struct kv_engine_options {
	bool progress;              /* show progress on standard error */
	/* Per list holder: result->holders and every series' holder_cells. The
	 * list holder of a patient in a month is the GP whose list holds the
	 * patient at that month's reference date (0: on no GP's list). */
	bool by_holder;
	/* The patients of one month's cells (one indicator's or all), or NULL. */
	struct kv_members *members;
};

/* kv_engine_run with options. Fails (-1, result->failure) also when
 * members names an indicator the enabled plugins do not compute or a month
 * outside [first, last], or when by_holder or members is asked of a
 * connector that cannot give list holders or patient references. */
int kv_engine_run_with(struct kv_setup *s, kv_month first, kv_month last,
		       const struct kv_engine_options *o, struct kv_result *result);

/* The name of list holder id, or NULL. */
const char *kv_members_holder_name(const struct kv_members *m, uint64_t id);

void kv_members_free(struct kv_members *m);

/* Open and close the connector once: is the record system reachable and
 * complete? 0, or -1 with err naming the connector and why. */
int kv_engine_probe(struct kv_setup *s, char *err, size_t errlen);

/* qsort comparison of two struct kv_series by indicator id. */
int kv_series_compare(const void *a, const void *b);

#endif /* KVALIND_ENGINE_H */
