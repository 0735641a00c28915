/* cmd_ledger.c - `kvalind ledger` (being written) */
#include <stdio.h>

#include "cli.h"
#include "setup.h"

int kv_cmd_ledger(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("kvalind: error: ledger is not built yet\n", stderr);
	return KV_EXIT_FAILURE;
}
