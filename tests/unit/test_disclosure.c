/* test_disclosure.c - (being written) */
#include "testutil.h"

Suite *suite_disclosure(void)
{
	return suite_create("disclosure");
}
