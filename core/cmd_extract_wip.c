/* cmd_extract_wip.c - commands being written in this change */
#include <stdio.h>

#include "cli.h"
#include "setup.h"

#define WIP(fn)                                                                \
	int fn(int argc, char **argv)                                          \
	{                                                                      \
		(void)argc;                                                    \
		(void)argv;                                                    \
		fputs("kvalind: error: not built yet\n", stderr);              \
		return KV_EXIT_FAILURE;                                        \
	}
WIP(kv_cmd_list_relations)
WIP(kv_cmd_export)
WIP(kv_cmd_preview)
WIP(kv_cmd_outbox)
WIP(kv_cmd_approve)
WIP(kv_cmd_reject)
WIP(kv_cmd_push)
