/*
 * testutil.h - helpers for kvalind's Check tests: temporary directories,
 * files, the build's test plugins, and running the kvalind binary.
 *
 * Every helper aborts the test (ck_abort) on an unexpected system error, so
 * a test never passes because its set-up silently failed.
 */
#ifndef KVALIND_TESTUTIL_H
#define KVALIND_TESTUTIL_H

#include "ck_aim.h"
#include <stddef.h>
#include <sys/types.h>

/* The build directory ($KV_BUILD_DIR, else "build"). Borrowed. */
const char *tu_build_dir(void);

/* The source tree ($KV_SOURCE_DIR, else "."). Borrowed. */
const char *tu_source_dir(void);
/* The shipped value-set file, conf/valuesets.txt, as an absolute path. */
const char *tu_value_sets(void);

/* A new private directory under /tmp; free the string, remove with tu_rmtree. */
char *tu_mkdtemp(void);
void tu_rmtree(const char *dir);

/* Write text to path with mode (created or truncated). */
void tu_write_file(const char *path, const char *text, mode_t mode);
/* Path "dir/name" in a static buffer of one of 8 rotating slots. */
const char *tu_path(const char *dir, const char *name);
/* Copy the test plugin build/tests/plugins/NAME.so into dir as NAME.so. */
void tu_install_test_plugin(const char *dir, const char *name);
/* Read a whole file; caller frees. */
char *tu_read_file(const char *path);

/* Run build/kvalind with args (NULL-terminated); returns its exit status and
 * fills *out and *err with what it printed (caller frees). */
int tu_run_kvalind(char **out, char **err, const char *arg, ...);
/* Run the program argv[0] (a path) likewise; argv ends with NULL. */
int tu_run_argv(const char *const *argv, char **out, char **err);

Suite *suite_util(void);
Suite *suite_report(void);
Suite *suite_dates(void);
Suite *suite_config(void);
Suite *suite_plugin(void);
Suite *suite_setup(void);
Suite *suite_cli(void);
Suite *suite_valueset(void);
Suite *suite_ledger(void);
Suite *suite_receipt(void);
Suite *suite_disclosure(void);
Suite *suite_disclosure_attack(void);
Suite *suite_cell_key(void);
Suite *suite_outbox(void);
Suite *suite_daemon_parts(void);
Suite *suite_engine_local(void);

#endif /* KVALIND_TESTUTIL_H */
