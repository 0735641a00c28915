/* Test plugin t_bad_size: claims a struct_size larger than its symbol. */
#include "kvalind/kv_plugin.h"

static int t_init(const struct kv_call *c, const struct kv_run *r, struct kv_init_result *s)
{
	(void)c; (void)r; (void)s;
	return KV_OK;
}
static int t_compute(const struct kv_call *c, const struct kv_patient *p, struct kv_result_block *o)
{
	(void)c; (void)p; (void)o;
	return KV_OK;
}
static void t_fini(const struct kv_call *c) { (void)c; }
static const struct kv_indicator_def defs[] = {{"T_X", 1, KV_INDICATOR_PROPORTION, 0, "x", "x", "n", "d", KV_HIGHER_IS_BETTER}};

KV_INDICATOR_PLUGIN = {
	.abi_major = KV_ABI_MAJOR, .abi_minor = KV_ABI_MINOR, .struct_size = sizeof(struct kv_indicator_plugin) + 64,
	.kind = KV_PLUGIN_INDICATOR, .name = "t_bad_size", .version = "2.0.0",
	.description = "from the future",
	KV_INDICATORS(defs),
	.init = t_init, .compute = t_compute, .fini = t_fini,
};
