/* t_noop.h - the do-nothing init, compute and fini of the loader fixtures
 * whose defect lies elsewhere (their descriptor, version or settings);
 * included once by each, after kvalind/kv_plugin.h. */
#ifndef KV_TEST_NOOP_H
#define KV_TEST_NOOP_H

static int t_init(const struct kv_call *c, const struct kv_run *r, struct kv_init_result *s)
{
	(void)c; (void)r; (void)s;
	return KV_OK;
}
static int t_compute(const struct kv_call *c, const struct kv_patient *p, struct kv_result_block *o)
{
	(void)c; (void)p; (void)o;
	return KV_OK;
}
static void t_fini(const struct kv_call *c) { (void)c; }

#endif /* KV_TEST_NOOP_H */
