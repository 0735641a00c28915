/* Test plugin t_def_padding: a 2.0 indicator plugin whose definition's tail
 * padding (the 4 bytes after hide_priority, counted by indicator_def_size)
 * holds 0xa5 bytes, as a definition built on the heap or by memcpy may. A
 * later minor version may put a field there; the 2.1 test core must read
 * it as 0 (tests/abi/check_abi_next.c). */
#include "kvalind/kv_plugin.h"

#include <string.h>

static struct kv_indicator_def defs[] = {
	{"T_PADDED", 1, KV_INDICATOR_PROPORTION, 0, "padded", "polstret", "n", "d",
	 KV_NEITHER_IS_BETTER},
};

_Static_assert(sizeof defs[0] > KV_INDICATOR_DEF_V2_0_SIZE, "a 2.0 definition has tail padding");

/* Runs at dlopen(), before the core reads the definitions. */
__attribute__((constructor)) static void dirty_padding(void)
{
	memset((char *)&defs[0] + KV_INDICATOR_DEF_V2_0_SIZE, 0xa5,
	       sizeof defs[0] - KV_INDICATOR_DEF_V2_0_SIZE);
}

static int t_init(const struct kv_call *c, const struct kv_run *r, struct kv_init_result *s)
{
	(void)c; (void)r;
	s->lookback_months = 1;
	return KV_OK;
}

static int t_compute(const struct kv_call *c, const struct kv_patient *p,
		     struct kv_result_block *o)
{
	(void)c; (void)p; (void)o;
	return KV_OK;
}

static void t_fini(const struct kv_call *c) { (void)c; }

KV_INDICATOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_INDICATOR, struct kv_indicator_plugin, "t_def_padding",
			 "1.0.0", "a definition with dirty tail padding"),
	KV_INDICATORS(defs),
	.init = t_init, .compute = t_compute, .fini = t_fini,
};
