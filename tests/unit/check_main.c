/*
 * check_main.c - runs every unit suite; the exit status is the verdict
 */
#include <stdlib.h>

#include "testutil.h"

int main(int argc, char **argv)
{
	SRunner *sr = srunner_create(suite_util());
	srunner_add_suite(sr, suite_dates());
	srunner_add_suite(sr, suite_config());
	srunner_add_suite(sr, suite_plugin());
	srunner_add_suite(sr, suite_setup());
	srunner_add_suite(sr, suite_valueset());
	srunner_add_suite(sr, suite_cli());
	srunner_add_suite(sr, suite_ledger());
	srunner_add_suite(sr, suite_receipt());
	srunner_add_suite(sr, suite_disclosure());
	srunner_add_suite(sr, suite_disclosure_attack());
	srunner_add_suite(sr, suite_cell_key());
	srunner_add_suite(sr, suite_outbox());
	srunner_add_suite(sr, suite_daemon_parts());
	srunner_add_suite(sr, suite_engine_local());
	srunner_add_suite(sr, suite_report());
	int rc = ck_aim(sr, argc, argv, "check_unit");
	if (rc < 0)
		rc = ck_aim_run(sr);
	srunner_free(sr);
	return rc;
}
