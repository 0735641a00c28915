/* test_outbox.c - (being written) */
#include "testutil.h"

Suite *suite_outbox(void)
{
	return suite_create("outbox");
}
