/* Test plugin t_abi_next: an indicator plugin built against the header
 * pretending to be ABI 2.2 (KV_ABI_TEST_NEXT_MINOR, kv_plugin.h), so its
 * descriptor, definitions and every struct it shares with the core end with
 * one more field, abi_test_next.
 *  - The normal 2.2 core refuses it, naming both versions
 *    (tests/unit/test_plugin.c).
 *  - The 2.1 test core runs it beside the 2.1 t_good_connector
 *    (tests/abi/check_abi_next.c); it fails unless every struct the core
 *    hands it has the 2.2 size with abi_test_next empty: the 2.1
 *    connector's smaller patient arrives widened. */
#define KV_ABI_TEST_NEXT_MINOR
#include "kvalind/kv_plugin.h"

/* s (whose struct_size is the maker's sizeof) reaches field f */
#define COVERS(type, s, f) ((s)->struct_size >= offsetof(type, f) + sizeof((s)->f))

static const struct kv_indicator_def defs[] = {
	{"T_NEXT", 1, KV_INDICATOR_PROPORTION, 0, "2.2", "2.2", "n", "d", KV_NEITHER_IS_BETTER},
};

static int t_init(const struct kv_call *c, const struct kv_run *r, struct kv_init_result *s)
{
	if (!COVERS(struct kv_call, c, abi_test_next) || c->abi_test_next != NULL ||
	    !COVERS(struct kv_host, c->host, abi_test_next) || c->host->abi_test_next != NULL ||
	    !COVERS(struct kv_run, r, abi_test_next) || r->abi_test_next != NULL ||
	    !COVERS(struct kv_init_result, s, abi_test_next) || s->abi_test_next != 0) {
		c->host->set_error(c->ctx, "init: a struct lacks the 2.2 field or it is not empty");
		return KV_ERROR;
	}
	s->lookback_months = 1;
	return KV_OK;
}

static int t_compute(const struct kv_call *c, const struct kv_patient *p,
		     struct kv_result_block *o)
{
	if (p->struct_size != sizeof *p || !KV_PATIENT_HAS(p, abi_test_next) ||
	    p->abi_test_next != NULL) {
		c->host->set_error(c->ctx, "compute: a patient of %u bytes, not the 2.2 core's %zu "
			      "with abi_test_next empty", (unsigned)p->struct_size, sizeof *p);
		return KV_ERROR;
	}
	if (!COVERS(struct kv_result_block, o, abi_test_next) || o->abi_test_next != NULL) {
		c->host->set_error(c->ctx, "compute: the result block lacks the 2.2 field");
		return KV_ERROR;
	}
	for (size_t m = 0; m < o->n_months; m++)
		o->flags[m] = KV_IN_DENOMINATOR;
	return KV_OK;
}

static void t_fini(const struct kv_call *c) { (void)c; }

KV_INDICATOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_INDICATOR, struct kv_indicator_plugin, "t_abi_next", "2.2.0",
			 "built for ABI 2.2"),
	KV_INDICATORS(defs),
	.init = t_init, .compute = t_compute, .fini = t_fini,
};
