/* Test plugin t_bad_setting: declares an integer setting but binds it to a
 * bool field. The loader must refuse it, and check-config report it at the
 * section's file and line, naming the setting. */
#include "kvalind/kv_plugin.h"

#include <stdbool.h>

struct t_settings {
	bool threshold; /* the bug: KV_CONFIG_INT needs int64_t */
};

static const struct kv_setting settings[] = {
	KV_SETTING(struct t_settings, threshold, KV_CONFIG_INT, "3", false, "1..10", "a threshold"),
};

static const struct kv_indicator_def defs[] = {
	{"T_X", 1, KV_INDICATOR_PROPORTION, 0, "x", "x", "n", "d", KV_HIGHER_IS_BETTER},
};

#include "t_noop.h"

KV_INDICATOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_INDICATOR, struct kv_indicator_plugin, "t_bad_setting",
			 "1.0.0", "a setting bound to a field of the wrong type"),
	KV_SETTINGS(struct t_settings, settings),
	KV_INDICATORS(defs),
	.init = t_init, .compute = t_compute, .fini = t_fini,
};
