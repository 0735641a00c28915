/*
 * kvdb_conn.c - what every connector's callbacks share: its state from
 * open() to close(), delivering a range's patients, reporting its counts
 *
 * A connector's state is a struct starting with struct kvdb_conn (the
 * transport, the secrets, the provides bits), made by kvdb_conn_new() in
 * open() and freed by kvdb_conn_free(). Its close() can be kvdb_conn_close;
 * open() hands the provides bits to the core in its kv_open_result
 * (kvdb_conn_opened).
 *
 * ABI 2.0 passes the host and the context to every callback (kv_call);
 * the state holds them only while one runs: kvdb_conn_new() and
 * kvdb_enter() set them from the call, kvdb_conn_opened() and kvdb_leave()
 * clear them. A worker thread (kvdb_twin.c) runs only inside read(), is
 * joined before it returns, and never calls the host itself.
 */
#include "kvdb.h"

#include <inttypes.h>
#include <stdlib.h>

void *kvdb_conn_new(const struct kv_call *call, size_t host_size, size_t size)
{
	const struct kv_host *host = call != NULL ? call->host : NULL;
	if (host == NULL || host->abi_major != KV_ABI_MAJOR || host->struct_size < host_size)
		return NULL; /* no usable host to report through */
	struct kvdb_conn *c = calloc(1, size);
	if (c == NULL) {
		host->set_error(call->ctx, "out of memory");
		return NULL;
	}
	kvdb_enter(c, call);
	return c;
}

void kvdb_enter(struct kvdb_conn *c, const struct kv_call *call)
{
	c->rc.host = call->host;
	c->rc.ctx = call->ctx;
}

void kvdb_leave(struct kvdb_conn *c)
{
	c->rc.host = NULL;
	c->rc.ctx = NULL;
}

void kvdb_conn_free(struct kvdb_conn *c)
{
	if (c == NULL)
		return;
	if (c->t != NULL)
		c->t->close(c->t);
	kvdb_ctx_fini(&c->rc);
	free(c);
}

int kvdb_conn_opened(struct kvdb_conn *c, struct kv_open_result *res)
{
	res->state = c;
	res->provides = c->provides;
	kvdb_leave(c);
	return KV_OK;
}

void kvdb_conn_close(const struct kv_call *call)
{
	struct kvdb_conn *c = call->state;
	if (c == NULL)
		return;
	kvdb_enter(c, call); /* the transport's close may still report */
	kvdb_conn_free(c);
}

int kvdb_ignore_rows(void *arg, const struct kvdb_cell *cells)
{
	(void)arg;
	(void)cells;
	return 0;
}

void kvdb_expect_patients(struct kvdb_ctx *rc, uint64_t n)
{
	/* progress for the core; a host older than the field lacks it */
	const struct kv_host *h = rc->host;
	size_t need = offsetof(struct kv_host, expect_patients) + sizeof h->expect_patients;
	if (h->struct_size >= need && h->expect_patients != NULL)
		h->expect_patients(rc->ctx, n);
}

void kvdb_report_table(struct kvdb_ctx *rc, const char *table, uint64_t rows, const uint64_t *bad,
		       const char *const *reason_text, size_t n_reasons)
{
	const struct kv_host *h = rc->host;
	h->count_rows(rc->ctx, table, rows);
	for (size_t w = 0; w < n_reasons; w++)
		if (bad[w] > 0)
			h->count_bad_rows(rc->ctx, table, reason_text[w], bad[w]);
}

uint32_t kvdb_req_origin(const struct kv_read_request *req)
{
	size_t need = offsetof(struct kv_read_request, origin) + sizeof req->origin;
	if (req == NULL || req->struct_size < need)
		return 0;
	return req->origin & (KV_ORIGIN_KEY | KV_ORIGIN_HOLDERS);
}

int kvdb_deliver(struct kvdb_ctx *rc, const struct kvdb_pats *ps,
		 const struct kvdb_stage *const by_kind[KVDB_N_KINDS],
		 const struct kvdb_origin_in *oi, kv_patient_sink sink, void *sink_arg,
		 uint64_t *delivered)
{
	uint32_t asked = oi != NULL ? oi->asked : 0;
	static const struct kvdb_stage none;
	const struct kvdb_stage *st[KVDB_N_KINDS];
	for (int k = 0; k < KVDB_N_KINDS; k++)
		st[k] = by_kind[k] != NULL ? by_kind[k] : &none;
	for (size_t s = 0; s < ps->n; s++) {
		const struct kvdb_pat *p = &ps->p[s];
		if (p->bad)
			continue;
		struct kv_patient kp = {.struct_size = sizeof kp, .birth = p->birth,
					.death = p->death, .sex = p->sex};
		kp.periods = kvdb_stage_events(st[KVDB_K_PERIOD], s, &kp.n_periods);
		kp.contacts = kvdb_stage_events(st[KVDB_K_CONTACT], s, &kp.n_contacts);
		kp.fees = kvdb_stage_events(st[KVDB_K_FEE], s, &kp.n_fees);
		kp.diagnoses = kvdb_stage_events(st[KVDB_K_DIAGNOSIS], s, &kp.n_diagnoses);
		kp.medications = kvdb_stage_events(st[KVDB_K_MEDICATION], s, &kp.n_medications);
		kp.prescriptions =
			kvdb_stage_events(st[KVDB_K_PRESCRIPTION], s, &kp.n_prescriptions);
		kp.labs = kvdb_stage_events(st[KVDB_K_LAB], s, &kp.n_labs);
		kp.bps = kvdb_stage_events(st[KVDB_K_BP], s, &kp.n_bps);
		kp.forms = kvdb_stage_events(st[KVDB_K_FORM], s, &kp.n_forms);
		kp.notes = kvdb_stage_events(st[KVDB_K_NOTE], s, &kp.n_notes);
		struct kv_patient_origin origin = {.struct_size = sizeof origin,
						   .local_ref = (uint64_t)p->id,
						   .list_holder = p->holder};
		if ((asked & KV_ORIGIN_KEY) && p->key != 0 && ps->keys != NULL)
			origin.key = ps->keys + (p->key - 1);
		if ((asked & KV_ORIGIN_HOLDERS) && oi->period_holders != NULL &&
		    kp.n_periods > 0)
			origin.period_holders = oi->period_holders + st[KVDB_K_PERIOD]->off[s];
		if (sink(sink_arg, &kp, &origin) != 0)
			return kvdb_error(rc,
					  "the read was stopped by the patient sink after %" PRIu64
					  " patients",
					  *delivered);
		(*delivered)++;
	}
	return 0;
}

int kvdb_read_check(struct kvdb_ctx *rc, const struct kv_read_request *req, kv_patient_sink sink,
		    size_t min_budget)
{
	if (req == NULL || sink == NULL)
		return kvdb_error(rc, "read() needs a request and a patient sink");
	if (req->memory_budget < min_budget)
		return kvdb_error(rc, "a memory budget of %zu bytes is too small (at least %zu)",
				  req->memory_budget, min_budget);
	return 0;
}

int kvdb_snapshot_begin(struct kvdb_transport *t, struct kvdb_transport **twin)
{
	*twin = NULL;
	if (t->begin(t) != 0)
		return -1;
	if (t->twin != NULL)
		*twin = t->twin(t); /* NULL when none can be had: one connection */
	return 0;
}

int kvdb_snapshot_end(struct kvdb_transport *t, struct kvdb_transport **twin, bool report)
{
	if (*twin != NULL) {
		(*twin)->end(*twin, false);
		(*twin)->close(*twin);
		*twin = NULL;
	}
	return t->end(t, report);
}
