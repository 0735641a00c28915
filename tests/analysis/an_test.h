/*
 * an_test.h - the analysis library's Check suites and their helpers
 */
#ifndef KVALIND_AN_TEST_H
#define KVALIND_AN_TEST_H

#include "ck_aim.h"
#include <stdbool.h>
#include <stddef.h>

#include "panel.h"

Suite *suite_panel(void);
Suite *suite_did(void);
Suite *suite_funnel(void);
Suite *suite_svg(void);
Suite *suite_report(void);

/* ---- helpers (an_testutil.c) ------------------------------------------ */

/* A synthetic evaluation: 23 offices (ffs-1..6, grant-1..5, control-01..12),
 * monthly DM_ANNUAL_CHECK counts 2015-01..2022-12 with office, year and
 * office-year noise, about 3% of months suppressed, control-12 starting in
 * 2016, and `effect_ffs` / `effect_grant` added to the treated offices'
 * share from 2018. Deterministic in seed. Rows and their names are static
 * storage overwritten by the next call; *n gets the count. */
const struct kv_month_row *an_synth(unsigned long seed, double effect_ffs, double effect_grant,
				    size_t *n);

/* The source directory (KV_SOURCE_DIR, else "."). */
const char *an_source_dir(void);
/* A new temporary file path (malloc'd; the file exists, empty). */
char *an_tmpfile(const char *suffix);
/* Run a shell command, return its standard output (malloc'd) and exit
 * status in *status. */
char *an_run(const char *cmd, int *status);
/* Write len bytes to path; true on success. */
bool an_write_file(const char *path, const char *data, size_t len);

#endif /* KVALIND_AN_TEST_H */
