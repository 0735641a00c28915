/* Test plugin t_abi_1_0: built for ABI 1.0, whose indicator definitions end
 * at `direction`. The core must accept it and read its definitions with the
 * 1.1 relation fields empty, never past the end of the plugin's array. */
#include "kvalind/kv_plugin.h"

static int t_init(const struct kv_host *h, struct kv_ctx *c, const struct kv_run *r, void **s)
{
	(void)h; (void)c; (void)r; (void)s;
	return KV_OK;
}
static int t_compute(void *s, const struct kv_patient *p, struct kv_result_block *o)
{
	(void)s; (void)p; (void)o;
	return KV_OK;
}
static void t_fini(void *s) { (void)s; }

/* The 1.0 layout, as a plugin built against the 1.0 header has it. */
struct def_1_0 {
	const char *id;
	uint32_t version, type, requires;
	const char *title, *title_nb, *numerator, *denominator;
	int32_t direction;
};
/* Two definitions back to back: the second must be found at the 1.0 stride. */
static const struct def_1_0 defs[] = {
	{"T_OLD_A", 1, KV_INDICATOR_PROPORTION, 0, "a", "a", "n", "d", KV_HIGHER_IS_BETTER},
	{"T_OLD_B", 1, KV_INDICATOR_PROPORTION, 0, "b", "b", "n", "d", KV_LOWER_IS_BETTER},
};

KV_INDICATOR_PLUGIN = {
	.abi_major = KV_ABI_MAJOR, .abi_minor = 0, .struct_size = sizeof(struct kv_indicator_plugin),
	.kind = KV_PLUGIN_INDICATOR, .name = "t_abi_1_0", .version = "1.0.0",
	.description = "from ABI 1.0",
	.indicators = (const struct kv_indicator_def *)(const void *)defs,
	.n_indicators = 2, .indicator_def_size = sizeof(struct def_1_0),
	.init = t_init, .compute = t_compute, .fini = t_fini,
};
