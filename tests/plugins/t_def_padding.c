/* Test plugin t_def_padding: an ABI 2.0 indicator plugin (built with this
 * header but declaring minor 0 and 2.0-sized definitions, as a plugin built
 * against the 2.0 header was) whose definition's tail padding (the 4 bytes
 * after hide_priority, counted by indicator_def_size) holds 0xa5 bytes, as a
 * definition built on the heap or by memcpy may. Later minor versions put
 * fields there and after; the core must read them as 0 / NULL
 * (tests/abi/check_abi_next.c). */
#include "kvalind/kv_plugin.h"

#include <stddef.h>

/* struct kv_indicator_def as ABI 2.0 laid it out, padding made a field. */
struct def_2_0 {
	const char *id;
	uint32_t version, type, requires;
	const char *title, *title_nb, *numerator, *denominator;
	int32_t direction;
	const char *denominator_population, *numerator_population, *numerator_part_of;
	uint32_t relation_flags;
	const char *numerator_within, *denominator_within;
	uint32_t hide_priority;
	uint32_t tail_padding;
};
_Static_assert(offsetof(struct def_2_0, hide_priority) ==
		       offsetof(struct kv_indicator_def, hide_priority),
	       "the 2.0 layout is the head of this one");
_Static_assert(sizeof(struct def_2_0) == KV_INDICATOR_DEF_V2_0_SIZE + 4,
	       "a 2.0 definition has 4 bytes of tail padding");

static const struct def_2_0 defs[] = {
	{"T_PADDED", 1, KV_INDICATOR_PROPORTION, 0, "padded", "polstret", "n", "d",
	 KV_NEITHER_IS_BETTER, NULL, NULL, NULL, 0, NULL, NULL, 0, 0xa5a5a5a5u},
};

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
	/* KV_PLUGIN_HEADER spelled out: this is a 2.0 plugin */
	.abi_major = 2, .abi_minor = 0, .struct_size = sizeof(struct kv_indicator_plugin),
	.kind = KV_PLUGIN_INDICATOR, .name = "t_def_padding", .version = "1.0.0",
	.description = "a 2.0 definition with dirty tail padding",
	.indicators = (const struct kv_indicator_def *)defs, .n_indicators = 1,
	.indicator_def_size = sizeof defs[0],
	.init = t_init, .compute = t_compute, .fini = t_fini,
};
