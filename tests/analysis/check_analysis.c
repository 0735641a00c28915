/*
 * check_analysis.c - runs every suite of the analysis library; the exit
 * status is the verdict
 */
#include <stdlib.h>

#include "an_test.h"

int main(void)
{
	SRunner *sr = srunner_create(suite_panel());
	srunner_add_suite(sr, suite_did());
	srunner_add_suite(sr, suite_funnel());
	srunner_add_suite(sr, suite_svg());
	srunner_add_suite(sr, suite_report());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
