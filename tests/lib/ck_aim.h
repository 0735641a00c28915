/*
 * ck_aim.h - aiming a Check program at one suite or one test case. Include
 * it instead of <check.h>: it records every suite_create(), tcase_create()
 * and suite_add_tcase() (macros over Check's own), so the program knows its
 * suites and cases, which Check does not tell. Each main() builds its
 * SRunner first and calls
 *
 *     int rc = ck_aim(sr, argc, argv, "check_unit");
 *     if (rc >= 0) { srunner_free(sr); return rc; }
 *
 * before any costly set-up. ck_aim() returns -1 (go on and run), or the
 * status to exit with:
 *   --list                 prints "suite<TAB>case" per line, status 0
 *   CK_RUN_SUITE, CK_RUN_CASE naming no suite or case of this program:
 *                          says so on stderr with the list, status 2 (make
 *                          targets running several programs ask each one's
 *                          --list first: tests/lib/ck_pick.sh)
 *   any other argument     usage, status 2
 * ck_aim_run() runs the runner and returns the exit status; an aimed run
 * that ran no test at all is a failure.
 */
#ifndef KV_TESTS_CK_AIM_H
#define KV_TESTS_CK_AIM_H

#include <check.h>

Suite *ck_aim_suite_create(const char *name);
TCase *ck_aim_tcase_create(const char *name);
void ck_aim_suite_add_tcase(Suite *s, TCase *tc);
int ck_aim(SRunner *sr, int argc, char **argv, const char *prog);
int ck_aim_run(SRunner *sr);

#define suite_create(name) ck_aim_suite_create(name)
#define tcase_create(name) ck_aim_tcase_create(name)
#define suite_add_tcase(s, tc) ck_aim_suite_add_tcase(s, tc)

#endif
