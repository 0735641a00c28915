/* Test plugin t_unresolved: needs a symbol nothing provides, so RTLD_NOW fails. */
#include "kvalind/kv_plugin.h"

extern int kv_symbol_that_does_not_exist(void);

static int t_init(const struct kv_call *c, const struct kv_run *r, struct kv_init_result *s)
{
	(void)c; (void)r; (void)s;
	return kv_symbol_that_does_not_exist();
}
static int t_compute(const struct kv_call *c, const struct kv_patient *p, struct kv_result_block *o)
{
	(void)c; (void)p; (void)o;
	return KV_OK;
}
static void t_fini(const struct kv_call *c) { (void)c; }
static const struct kv_indicator_def defs[] = {{"T_X", 1, KV_INDICATOR_PROPORTION, 0, "x", "x", "n", "d", KV_HIGHER_IS_BETTER}};

KV_INDICATOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_INDICATOR, struct kv_indicator_plugin, "t_unresolved", "1.0.0",
			 "unresolvable"),
	KV_INDICATORS(defs),
	.init = t_init, .compute = t_compute, .fini = t_fini,
};
