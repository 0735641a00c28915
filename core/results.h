/*
 * results.h - writing a run's local results: CSV or JSON, and the run summary
 *
 * CSV: office,indicator,indicator_version,month,numerator,denominator,value_sum
 * one row per indicator and month (value_sum empty unless mean-type), sorted
 * by indicator then month; indicators that are not computable for this office
 * or whose plugin failed have no rows and are named in the summary. A run by
 * list holder (kv_result.by_holder) adds a gp column after office: "all" for
 * the office's rows, then each holder's rows ("0": patients on no GP's
 * list), which add up to the office's. JSON holds
 * the same rows plus the summary. These are exact counts for the office's own
 * use: they never leave it as they are.
 */
#ifndef KVALIND_RESULTS_H
#define KVALIND_RESULTS_H

#include <stdio.h>

#include "engine.h"
#include "host.h"

struct kv_result_meta {
	const char *office;
	const char *catalogue_version;
	const char *value_set_version;
	const struct kv_ctx *connector;  /* its row and bad-row counts */
	/* Indicator plugins' data-quality counts (e.g. prescriptions without
	 * DDD in a mean), as count_bad_rows reported them. */
	const struct kv_ctx *const *indicators;
	size_t n_indicators;
};

/* 0, or -1 when writing failed (errno set). */
int kv_results_write_csv(FILE *out, const struct kv_result *res, const struct kv_result_meta *m);
int kv_results_write_json(FILE *out, const struct kv_result *res,
			  const struct kv_result_meta *m);
/* The human-readable run summary. */
void kv_results_write_summary(FILE *out, const struct kv_result *res,
			      const struct kv_result_meta *m);

/* s as a JSON string, quoted and escaped. */
void kv_json_string(FILE *out, const char *s);

/* "YYYY-MM" of a month index into buf (at least 8 bytes). */
void kv_month_format(kv_month month, char *buf, size_t size);

#endif /* KVALIND_RESULTS_H */
