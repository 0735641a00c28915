/* Test plugin t_abi_major: built for a future, incompatible ABI 3.0. */
#include "kvalind/kv_plugin.h"

#include "t_noop.h"

static const struct kv_indicator_def defs[] = {{"T_X", 1, KV_INDICATOR_PROPORTION, 0, "x", "x", "n", "d", KV_HIGHER_IS_BETTER}};

KV_INDICATOR_PLUGIN = {
	.abi_major = 3, .abi_minor = 0, .struct_size = sizeof(struct kv_indicator_plugin),
	.kind = KV_PLUGIN_INDICATOR, .name = "t_abi_major", .version = "3.0.0",
	.description = "from the future",
	KV_INDICATORS(defs),
	.init = t_init, .compute = t_compute, .fini = t_fini,
};
