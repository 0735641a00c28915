/* Test plugin t_abi_1_x: an indicator plugin built against the ABI 1.2
 * header, whose callbacks took (host, ctx, run, &state) and (state, ...)
 * and had no kv_call. The core must refuse it before calling anything,
 * naming both versions. The 1.2 descriptor is spelt out here because the
 * 2.0 header declares kv_indicator_plugin with the new layout. */
#include <stddef.h>
#include <stdint.h>

#include "kvalind/kv_events.h"

struct kv_host;
struct kv_ctx;
struct kv_run;
struct kv_result_block;

/* struct kv_indicator_def of ABI 1.2 */
struct def_1_2 {
	const char *id;
	uint32_t version, type, requires;
	const char *title, *title_nb, *numerator, *denominator;
	int32_t direction;
	const char *denominator_population, *numerator_population, *numerator_part_of;
	uint32_t relation_flags;
	const char *numerator_within, *denominator_within;
	uint32_t hide_priority;
};

/* struct kv_indicator_plugin of ABI 1.2 */
struct plugin_1_2 {
	uint16_t abi_major, abi_minor;
	uint32_t struct_size, kind;
	const char *name, *version, *description;
	const void *config_keys;
	size_t n_config_keys;
	const struct def_1_2 *indicators;
	size_t n_indicators;
	uint32_t indicator_def_size;
	int (*init)(const struct kv_host *, struct kv_ctx *, const struct kv_run *, void **);
	int (*compute)(void *, const struct kv_patient *, struct kv_result_block *);
	void (*fini)(void *);
	uint32_t (*lookback_months)(void *);
};

static int t_init(const struct kv_host *h, struct kv_ctx *c, const struct kv_run *r, void **s)
{
	(void)h; (void)c; (void)r; (void)s;
	return 0;
}
static int t_compute(void *s, const struct kv_patient *p, struct kv_result_block *o)
{
	(void)s; (void)p; (void)o;
	return 0;
}
static void t_fini(void *s) { (void)s; }

static const struct def_1_2 defs[] = {
	{"T_OLD", 1, 1, 0, "a", "a", "n", "d", 1, NULL, NULL, NULL, 0, NULL, NULL, 0},
};

__attribute__((visibility("default"))) const struct plugin_1_2 kv_indicator_plugin = {
	.abi_major = 1, .abi_minor = 2, .struct_size = sizeof(struct plugin_1_2),
	.kind = 2, .name = "t_abi_1_x", .version = "1.0.0", .description = "from ABI 1.2",
	.indicators = defs, .n_indicators = 1, .indicator_def_size = sizeof(struct def_1_2),
	.init = t_init, .compute = t_compute, .fini = t_fini,
};
