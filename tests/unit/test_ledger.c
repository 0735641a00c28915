/* test_ledger.c - (being written) */
#include "testutil.h"

Suite *suite_ledger(void)
{
	return suite_create("ledger");
}
