/* Test plugin t_two_descriptors: exports both descriptor symbols. */
#include "kvalind/kv_plugin.h"

KV_INDICATOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_INDICATOR, struct kv_indicator_plugin, "t_two_descriptors",
			 "1.0.0", "two descriptors"),
};
KV_CONNECTOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_CONNECTOR, struct kv_connector_plugin, "t_two_descriptors",
			 "1.0.0", "two descriptors"),
};
