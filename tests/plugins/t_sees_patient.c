/* Test plugin t_sees_patient: fails when anything an indicator can reach
 * holds the origin that tests/plugins/t_good_connector.c hands the core
 * beside its patient (a local reference and a list holder, KV_T_MAGIC_*):
 * the patient struct and every event array it points to. The origin is the
 * core's alone; an indicator must see no identifier. */
#include "kvalind/kv_plugin.h"

#include <string.h>

#include "t_magic.h"

static const struct kv_indicator_def defs[] = {
	{"T_NO_ID", 1, KV_INDICATOR_PROPORTION, 0, "no id", "ingen id", "n", "d",
	 KV_NEITHER_IS_BETTER},
};

static int t_init(const struct kv_call *c, const struct kv_run *r, struct kv_init_result *s)
{
	(void)c; (void)r;
	s->lookback_months = 1;
	return KV_OK;
}

/* True when the 8 bytes of v occur in [p, p + n). */
static bool holds(const void *p, size_t n, uint64_t v)
{
	const unsigned char *b = p;
	for (size_t i = 0; p != NULL && i + sizeof v <= n; i++)
		if (memcmp(b + i, &v, sizeof v) == 0)
			return true;
	return false;
}

static bool holds_origin(const void *p, size_t n)
{
	return holds(p, n, KV_T_MAGIC_LOCAL_REF) || holds(p, n, KV_T_MAGIC_LIST_HOLDER);
}

#define ARRAY(a, n) holds_origin((a), (n) * sizeof *(a))

static int t_compute(const struct kv_call *c, const struct kv_patient *p,
		     struct kv_result_block *o)
{
	if (holds_origin(p, p->struct_size) || ARRAY(p->periods, p->n_periods) ||
	    ARRAY(p->contacts, p->n_contacts) || ARRAY(p->fees, p->n_fees) ||
	    ARRAY(p->diagnoses, p->n_diagnoses) || ARRAY(p->medications, p->n_medications) ||
	    ARRAY(p->prescriptions, p->n_prescriptions) || ARRAY(p->labs, p->n_labs) ||
	    ARRAY(p->bps, p->n_bps) || ARRAY(p->forms, p->n_forms) ||
	    ARRAY(p->notes, p->n_notes)) {
		c->host->set_error(c->ctx, "an indicator saw the patient's origin");
		return KV_ERROR;
	}
	for (size_t m = 0; m < o->n_months; m++)
		o->flags[m] = KV_IN_DENOMINATOR;
	return KV_OK;
}

static void t_fini(const struct kv_call *c) { (void)c; }

KV_INDICATOR_PLUGIN = {
	KV_PLUGIN_HEADER(KV_PLUGIN_INDICATOR, struct kv_indicator_plugin, "t_sees_patient",
			 "1.0.0", "fails when it can see an identifier"),
	KV_INDICATORS(defs),
	.init = t_init, .compute = t_compute, .fini = t_fini,
};
