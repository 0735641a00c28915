/*
 * export_run.h - computing, controlling and queueing a range of months:
 * what `kvalind export` and the daemon's monthly step both do
 *
 * One pass over the record system for the whole range, then month by
 * month: disclosure control, the extract, and an atomic add to the outbox
 * (in pending or ready, by [push] approval). An indicator plugin that fails
 * marks only its own indicators failed in the extracts; the rest go on.
 *
 * Errors: kv_export_months returns -1 when nothing could be exported (the
 * connector failed, the run was stopped, the relations are contradictory):
 * why in err, and nothing was added. Otherwise 0, with per-month outcomes
 * in the summary (a month whose relations do not hold, or whose extract
 * could not be written, is counted failed and logged).
 */
#ifndef KVALIND_EXPORT_RUN_H
#define KVALIND_EXPORT_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "outbox.h"
#include "setup.h"

struct kv_export_summary {
	size_t months, added, unchanged, failed;
	char plugin_failures[2048]; /* "" when every plugin ran */
};

/* The manifest's facts for extracts of this office: participant, office
 * name (only with export_name), versions, disclosure parameters (with the
 * cell key when perturbation is on), now. 0, or -1 with err (the key). */
struct kv_extract_info;
KV_MUST_CHECK int kv_extract_info_from_setup(const struct kv_setup *s,
					     struct kv_extract_info *info, char *err,
					     size_t errlen);

/* report (may be NULL) gets one line per month: "2023-04  ID  added (ready, 37 rows)". */
int kv_export_months(struct kv_setup *s, struct kv_outbox *ob, kv_month from, kv_month to,
		     bool progress, FILE *report, struct kv_export_summary *sum, char *err,
		     size_t errlen);

#endif /* KVALIND_EXPORT_RUN_H */
