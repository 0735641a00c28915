/*
 * local_report.h - the local report from the record system: one engine run over
 * the months shown (counts per list holder, and the patients of the last
 * month), made into a struct kv_local_report and written as pages
 * (report_html.h). For `kvalind report` and the daemon's [local_report].
 */
#ifndef KVALIND_LOCAL_REPORT_H
#define KVALIND_LOCAL_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "setup.h"

#define KV_LOCAL_REPORT_MONTHS_MIN 12
#define KV_LOCAL_REPORT_MONTHS_MAX 24

/* Compute the `months` months ending at `month` and write the pages into
 * dir. 0 with *pages and *holders (GPs, with "no list" when present), or -1
 * with err (nothing of a patient in it). */
int kv_local_report_run(struct kv_setup *s, kv_month month, int months, const char *dir,
		  bool progress, size_t *pages, size_t *holders, char *err, size_t errlen);

#endif /* KVALIND_LOCAL_REPORT_H */
