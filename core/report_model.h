/*
 * report_model.h - what the local report shows, as plain data: the office,
 * the months, the GPs, and per indicator its definition, the office's and
 * each GP's monthly counts and the follow-up list of the last month
 *
 * The report (`kvalind report`, the daemon's [local_report]) is built from
 * one engine run (report_build.c) and written as HTML pages
 * (report_html.c); the renderer sees only this model, so it is tested with
 * a model made by hand. Everything here is the office's own: exact counts
 * and the record system's patient keys. It is written only to the report's
 * directory (report_dir.c), never logged, kept in the state directory or
 * put in the outbox.
 *
 * Strings are borrowed (from the loaded plugins, the engine's members, the
 * configuration); arrays are owned by whoever made the model
 * (kv_local_report_free for report_build.c's).
 */
#ifndef KVALIND_REPORT_MODEL_H
#define KVALIND_REPORT_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kvalind/kv_events.h"

/* One month's cell. den == 0: no patient in the denominator (no share). */
struct kv_local_cell {
	uint64_t num;
	uint64_t den;
	double value_sum;       /* KV_INDICATOR_MEAN: the sum the mean divides */
};

/* A GP, by the record system's list holder id (0: patients on no GP's list). */
struct kv_local_holder {
	uint64_t id;
	const char *name;       /* NULL: the record system gives none */
};

/* A patient who needs follow-up in the last month (see kv_local_indicator). */
struct kv_local_patient {
	const char *key;        /* the record system's own patient key */
	const char *name;       /* NULL: not shown */
	int age;                /* at the month's last day */
	uint8_t sex;            /* enum kv_sex */
	uint64_t holder;        /* list holder id, 0: none */
	kv_date decisive_date;  /* KV_DATE_NONE: none */
	double decisive_value;  /* NAN: none */
};

struct kv_local_indicator {
	const char *id;
	const char *title, *title_nb;
	const char *numerator, *denominator; /* the definition, one line each */
	int32_t direction;      /* enum kv_direction */
	bool mean;              /* KV_INDICATOR_MEAN: value_sum / den, not a share */
	const char *decisive, *decisive_unit; /* column heading, NULL: none */
	bool failed;            /* its plugin failed: no counts */
	struct kv_local_cell *office;  /* n_months */
	struct kv_local_cell *holders; /* n_holders x n_months, [h * n_months + m] */
	/* Who needs follow-up in the last month: where higher is better the
	 * denominator less the numerator (without the check), where lower is
	 * better the numerator; none for a description (neither is better).
	 * Sorted by list holder, then the decisive date (none first, then the
	 * oldest: the most overdue), then the key. */
	struct kv_local_patient *follow;
	size_t n_follow;
};

struct kv_local_report {
	const char *office_name;
	const char *office_id;
	int first_month;        /* month ordinal (year * 12 + month - 1) */
	size_t n_months;        /* the last is the report's month */
	const char *generated;  /* "YYYY-MM-DD HH:MM", shown in the footer */
	struct kv_local_holder *holders; /* ascending id, 0 first when present */
	size_t n_holders;
	struct kv_local_indicator *indicators; /* by id */
	size_t n_indicators;
};

/* Which patients need follow-up for an indicator of this direction and
 * membership: the rule of the pages and of `kvalind patients`' default. */
static inline bool kv_local_needs_follow_up(int32_t direction, bool in_numerator)
{
	return direction > 0 ? !in_numerator : direction < 0 ? in_numerator : false;
}

/* Free the arrays of a model made by kv_report_build (report_build.c). */
void kv_local_report_free(struct kv_local_report *m);

#endif /* KVALIND_REPORT_MODEL_H */
