/*
 * check_analysis.c - runs every suite of the analysis library; the exit
 * status is the verdict
 */
#include <stdlib.h>

#include "an_test.h"

int main(int argc, char **argv)
{
	SRunner *sr = srunner_create(suite_panel());
	srunner_add_suite(sr, suite_did());
	srunner_add_suite(sr, suite_funnel());
	srunner_add_suite(sr, suite_svg());
	srunner_add_suite(sr, suite_report());
	int rc = ck_aim(sr, argc, argv, "check_analysis");
	if (rc < 0)
		rc = ck_aim_run(sr);
	srunner_free(sr);
	return rc;
}
