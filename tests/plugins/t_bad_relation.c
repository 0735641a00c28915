/* Test plugin t_bad_relation: a population name with an upper-case letter
 * and a space, which the loader must refuse. */
#include "kvalind/kv_plugin.h"

#include "t_noop.h"

static const struct kv_indicator_def defs[] = {
	{"T_X", 1, KV_INDICATOR_PROPORTION, 0, "x", "x", "n", "d", KV_HIGHER_IS_BETTER,
	 .denominator_population = "Listed patients"},
};

KV_INDICATOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_INDICATOR, struct kv_indicator_plugin, "t_bad_relation",
			 "1.0.0", "bad population name"),
	KV_INDICATORS(defs),
	.init = t_init, .compute = t_compute, .fini = t_fini,
};
