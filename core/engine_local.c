/*
 * engine_local.c - what only the office itself sees of a run: counts per
 * list holder, and the patients of one month's cells
 *
 * Both come from the patient origin (kv_plugin.h, ABI 2.1) that the
 * connector passes beside the event model: the record system's own patient
 * key and the list holder of each list period. The indicator plugins see
 * none of it. The list holder of a patient in a month is the holder of the
 * list period that covers the month's reference date R (from <= R < to, as
 * the listed population L(R) is defined), 0 when none does.
 *
 * Everything here lives in memory for the run that asks for it and goes to
 * the caller (kvalind patients, compute --by gp, report); it is never
 * written to the state directory, the outbox or a log.
 */
#define _GNU_SOURCE /* qsort_r */
#include "engine.h"
#include "engine_private.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

uint32_t kv_local_origin_wanted(const struct run *r)
{
	uint32_t bits = 0;
	if (r->by_holder)
		bits |= KV_ORIGIN_HOLDERS;
	if (r->members != NULL)
		bits |= KV_ORIGIN_KEY | KV_ORIGIN_HOLDERS;
	return bits;
}

/* Whether indicator i of plugin p is one whose patients are listed. */
static bool listed_here(const struct run *r, const struct plugin_run *p, size_t i)
{
	const char *want = r->members->indicator;
	return p->series[i]->computable && (want == NULL || strcmp(p->series[i]->id, want) == 0);
}

/* The indicator asked for: computed, by an active plugin? */
static int check_indicator(const struct run *r)
{
	const char *want = r->members->indicator;
	struct kv_result *res = r->result;
	for (size_t k = 0; k < r->n_plugins; k++) {
		const struct plugin_run *p = &r->plugins[k];
		for (size_t i = 0; i < p->block.n_indicators; i++) {
			if (strcmp(p->series[i]->id, want) != 0)
				continue;
			if (!p->active) {
				kv_snprintf(res->failure, sizeof res->failure,
					    "indicator %s: its plugin \"%s\" failed", want,
					    p->loaded->plugin->name);
				return -1;
			}
			if (!p->series[i]->computable) {
				kv_snprintf(res->failure, sizeof res->failure,
					    "indicator %s cannot be computed: the record system "
					    "does not provide what it needs",
					    want);
				return -1;
			}
			return 0;
		}
	}
	kv_snprintf(res->failure, sizeof res->failure,
		    "no enabled indicator plugin computes an indicator %s (kvalind "
		    "list-indicators lists them)",
		    want);
	return -1;
}

int kv_local_prepare(struct run *r, kv_month first)
{
	struct kv_result *res = r->result;
	if (r->by_holder)
		r->holder_of_month = kv_xcalloc(res->n_months, sizeof *r->holder_of_month);
	struct kv_members *m = r->members;
	if (m == NULL)
		return 0;
	m->patients = NULL;
	m->rows = NULL;
	m->holders = NULL;
	m->n_patients = m->cap_patients = m->n = m->cap = m->n_holders = 0;
	m->without_key = 0;
	if (m->month < first || (size_t)(m->month - first) >= res->n_months) {
		kv_snprintf(res->failure, sizeof res->failure, "the month is outside the run");
		return -1;
	}
	r->members_month = (size_t)(m->month - first);
	if (m->indicator != NULL && check_indicator(r) != 0)
		return -1;
	for (size_t k = 0; k < r->n_plugins; k++) {
		struct plugin_run *p = &r->plugins[k];
		if (!p->active)
			continue;
		size_t n = p->block.n_indicators;
		bool any = false;
		for (size_t i = 0; i < n; i++)
			any = any || listed_here(r, p, i);
		if (!any)
			continue;
		p->member_index = kv_xcalloc(n, sizeof *p->member_index);
		for (size_t i = 0; i < n; i++)
			p->member_index[i] = listed_here(r, p, i);
		size_t cells = n * res->n_months;
		p->block.decisive_dates = kv_xcalloc(cells, sizeof *p->block.decisive_dates);
		p->block.decisive_values = kv_xcalloc(cells, sizeof *p->block.decisive_values);
	}
	return 0;
}

void kv_local_reset_block(struct run *r, struct plugin_run *p)
{
	size_t cells = p->block.n_indicators * r->result->n_months;
	for (size_t c = 0; c < cells; c++) {
		p->block.decisive_dates[c] = KV_DATE_NONE;
		p->block.decisive_values[c] = NAN;
	}
}

/* Whether the origin has field f (the connector's struct may be older). */
#define ORIGIN_HAS(o, f)                                                       \
	((o) != NULL && (o)->struct_size >= offsetof(struct kv_patient_origin, f) + sizeof((o)->f))

/* The list holder at reference date ref: the holder of the period covering
 * it, 0 when none does. *known is false when the connector gives none. */
static uint64_t holder_at(const struct run *r, const struct kv_patient *p,
			  const struct kv_patient_origin *o, size_t month, bool *known)
{
	kv_date ref = r->refs[month];
	*known = true;
	if (p->n_periods == 0)
		return 0; /* on no list ever */
	if (ORIGIN_HAS(o, period_holders) && o->period_holders != NULL) {
		for (size_t i = 0; i < p->n_periods; i++)
			if (p->periods[i].from <= ref && ref < p->periods[i].to)
				return o->period_holders[i];
		return 0;
	}
	/* a 2.0 connector: the holder at the end of the read, which is this
	 * month's only when the month ends the read */
	if (ORIGIN_HAS(o, list_holder) && month + 1 == r->result->n_months)
		return o->list_holder;
	*known = false;
	return 0;
}

/* The index of holder id in r->holders, added when new. */
static size_t holder_index(struct run *r, uint64_t id)
{
	for (size_t h = 0; h < r->n_holders; h++)
		if (r->holders[h].id == id)
			return h;
	if (r->n_holders == r->cap_holders) {
		r->cap_holders = r->cap_holders ? r->cap_holders * 2 : 16;
		r->holders = kv_xrealloc(r->holders, r->cap_holders, sizeof *r->holders);
	}
	struct kv_result *res = r->result;
	r->holders[r->n_holders] = (struct holder_acc){
	    .id = id, .cells = kv_xcalloc(res->n_series * res->n_months, sizeof(struct kv_cell))};
	return r->n_holders++;
}

int kv_local_patient_holders(struct run *r, const struct kv_patient *patient,
			     const struct kv_patient_origin *origin)
{
	size_t n_months = r->result->n_months;
	for (size_t m = 0; m < n_months; m++) {
		bool known;
		uint64_t id = holder_at(r, patient, origin, m, &known);
		if (!known) {
			kv_snprintf(r->bad_patient, sizeof r->bad_patient,
				    "it gives no list holder of each list period (ABI "
				    "2.1), so counts per GP can not be made");
			return -1;
		}
		/* most patients keep one holder: skip the search then */
		if (m > 0 && id == r->holders[r->holder_of_month[m - 1]].id)
			r->holder_of_month[m] = r->holder_of_month[m - 1];
		else
			r->holder_of_month[m] = holder_index(r, id);
	}
	return 0;
}

/* Copy a text from the record system for display: at most cap-1 bytes,
 * control characters (a terminal's escape sequences among them) as '?'. */
static void copy_display(char *dst, size_t cap, const char *src)
{
	size_t n = 0;
	for (; src[n] != '\0' && n + 1 < cap; n++) {
		unsigned char c = (unsigned char)src[n];
		dst[n] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	dst[n] = '\0';
}

/* The patient's row in m->patients, made on its first listed cell; false
 * when the connector gives no reference for it (counted once). */
static bool add_patient(struct run *r, const struct kv_patient *patient,
			const struct kv_patient_origin *o)
{
	struct kv_members *m = r->members;
	uint64_t seq = r->result->patients + 1; /* this patient's number in the read */
	if (r->listed_seq == seq)
		return r->listed_ok;
	r->listed_seq = seq;
	r->listed_ok = false;
	const char *key = ORIGIN_HAS(o, key) ? o->key : NULL;
	if (!ORIGIN_HAS(o, list_holder) || o->local_ref == 0 ||
	    (key != NULL && strnlen(key, KV_PATIENT_KEY_MAX) == KV_PATIENT_KEY_MAX)) {
		/* no reference, or a key the connector should not have passed */
		m->without_key++;
		return false;
	}
	if (m->n_patients == m->cap_patients) {
		m->cap_patients = m->cap_patients ? m->cap_patients * 2 : 256;
		m->patients = kv_xrealloc(m->patients, m->cap_patients, sizeof *m->patients);
	}
	struct kv_listed_patient *lp = &m->patients[m->n_patients++];
	memset(lp, 0, sizeof *lp);
	lp->local_ref = o->local_ref;
	if (key != NULL && key[0] != '\0')
		copy_display(lp->key, sizeof lp->key, key);
	else
		kv_snprintf(lp->key, sizeof lp->key, "%" PRIu64, o->local_ref);
	bool known;
	lp->list_holder = holder_at(r, patient, o, r->members_month, &known);
	lp->birth = patient->birth;
	lp->sex = patient->sex;
	r->listed_ok = true;
	return true;
}

static void add_member(struct run *r, struct plugin_run *p, size_t i, uint8_t flags,
		       size_t cell)
{
	struct kv_members *m = r->members;
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 256;
		m->rows = kv_xrealloc(m->rows, m->cap, sizeof *m->rows);
	}
	m->rows[m->n++] = (struct kv_member){
	    .patient = (uint32_t)(m->n_patients - 1),
	    .series = (uint32_t)(p->series[i] - r->result->series),
	    .flags = flags & (KV_IN_DENOMINATOR | KV_IN_NUMERATOR),
	    .decisive_date = p->block.decisive_dates[cell],
	    .decisive_value = p->block.decisive_values[cell]};
}

void kv_local_after_compute(struct run *r, struct plugin_run *p,
			    const struct kv_patient *patient,
			    const struct kv_patient_origin *origin)
{
	size_t n_months = r->result->n_months;
	const uint8_t *flags = p->block.flags;
	if (r->by_holder) {
		for (size_t i = 0; i < p->block.n_indicators; i++) {
			size_t s = (size_t)(p->series[i] - r->result->series);
			const uint8_t *f = flags + i * n_months;
			const double *v = p->block.values + i * n_months;
			for (size_t mo = 0; mo < n_months; mo++) {
				if (f[mo] == 0)
					continue;
				struct kv_cell *c =
					&r->holders[r->holder_of_month[mo]].cells[s * n_months + mo];
				c->denominator++;
				if (f[mo] & KV_IN_NUMERATOR)
					c->numerator++;
				c->value_sum += v[mo];
			}
		}
	}
	if (p->member_index == NULL)
		return;
	for (size_t i = 0; i < p->block.n_indicators; i++) {
		if (!p->member_index[i])
			continue;
		size_t cell = i * n_months + r->members_month;
		if (!(flags[cell] & KV_IN_DENOMINATOR))
			continue;
		if (!add_patient(r, patient, origin))
			return;
		add_member(r, p, i, flags[cell], cell);
	}
}

static int compare_holder_acc(const void *a, const void *b)
{
	uint64_t x = ((const struct holder_acc *)a)->id, y = ((const struct holder_acc *)b)->id;
	return (x > y) - (x < y);
}

/* The holders' counts into the result, ascending by id. */
static void holders_to_result(struct run *r)
{
	struct kv_result *res = r->result;
	size_t n_months = res->n_months, nh = r->n_holders;
	if (nh > 0)
		qsort(r->holders, nh, sizeof *r->holders, compare_holder_acc);
	res->by_holder = true;
	res->n_holders = nh;
	res->holders = kv_xcalloc(nh ? nh : 1, sizeof *res->holders);
	for (size_t h = 0; h < nh; h++)
		res->holders[h] = r->holders[h].id;
	for (size_t s = 0; s < res->n_series; s++) {
		size_t n = nh * n_months;
		struct kv_cell *cells = kv_xcalloc(n > 0 ? n : 1, sizeof *cells);
		for (size_t h = 0; h < nh; h++)
			memcpy(cells + h * n_months, r->holders[h].cells + s * n_months,
			       n_months * sizeof *cells);
		res->series[s].holder_cells = cells;
	}
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Sorted distinct non-zero values of ids[0..n), in place; their count. */
static size_t sort_unique(uint64_t *ids, size_t n)
{
	if (n > 0)
		qsort(ids, n, sizeof *ids, compare_u64);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (ids[i] != 0 && (k == 0 || ids[k - 1] != ids[i]))
			ids[k++] = ids[i];
	return k;
}

/* The longest name kept; a longer one is cut (it is for display only). */
#define NAME_MAX_BYTES 200

struct name_lookup {
	struct kv_members *m;
	const uint64_t *refs;   /* what was asked, sorted */
	size_t n;
	size_t *patient_of_ref; /* patients: the patient index of refs[i] */
};

static ssize_t find_ref(const struct name_lookup *l, uint64_t ref)
{
	size_t lo = 0, hi = l->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->refs[mid] < ref)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < l->n && l->refs[lo] == ref ? (ssize_t)lo : -1;
}

static char *display_name(const char *name)
{
	char buf[NAME_MAX_BYTES + 1];
	copy_display(buf, sizeof buf, name);
	return buf[0] != '\0' ? kv_xstrdup(buf) : NULL;
}

/* A sink answer about a reference never asked for, or a second one, is
 * ignored: the connector's answers only fill what was asked. */
static void on_patient_name(void *arg, uint64_t ref, const char *name)
{
	struct name_lookup *l = arg;
	ssize_t i = name != NULL ? find_ref(l, ref) : -1;
	if (i < 0)
		return;
	struct kv_listed_patient *lp = &l->m->patients[l->patient_of_ref[i]];
	if (lp->name == NULL)
		lp->name = display_name(name);
}

static void on_holder_name(void *arg, uint64_t ref, const char *name)
{
	struct name_lookup *l = arg;
	ssize_t i = name != NULL ? find_ref(l, ref) : -1;
	if (i < 0 || l->m->holders[i].name != NULL)
		return;
	l->m->holders[i].name = display_name(name);
}

static int compare_patient_ref(const void *a, const void *b, void *arg)
{
	const struct kv_listed_patient *p = arg;
	uint64_t x = p[*(const size_t *)a].local_ref, y = p[*(const size_t *)b].local_ref;
	return (x > y) - (x < y);
}

static int call_names(struct run *r, const struct kv_call *call, enum kv_name_kind kind,
		      const uint64_t *refs, size_t n, kv_name_sink sink, struct name_lookup *l)
{
	const struct kv_connector_plugin *conn = r->setup->connector.plugin->connector;
	if (n == 0)
		return 0;
	kv_ctx_enter(r->setup->connector.ctx, "names");
	if (conn->names(call, kind, refs, n, sink, l) == KV_OK)
		return 0;
	kv_snprintf(r->result->failure, sizeof r->result->failure,
		    "connector \"%s\": looking up names: %s", r->setup->connector.plugin->name,
		    kv_ctx_error(r->setup->connector.ctx));
	return -1;
}

/* The listed patients' names (patient_names) and the list holders'
 * (holder_names: of the listed patients and, by holder, of every holder). */
static int look_up_names(struct run *r, const struct kv_call *call)
{
	struct kv_members *m = r->members;
	int ret = -1;
	uint64_t *refs = NULL;
	size_t *order = NULL;
	if (r->setup->connector.plugin->connector->names == NULL)
		return 0; /* a connector that can name no one: keys and ids only */
	if (m->patient_names && m->n_patients > 0) {
		size_t n = m->n_patients;
		order = kv_xcalloc(n, sizeof *order);
		refs = kv_xcalloc(n, sizeof *refs);
		for (size_t i = 0; i < n; i++)
			order[i] = i;
		qsort_r(order, n, sizeof *order, compare_patient_ref, m->patients);
		size_t k = 0;
		for (size_t i = 0; i < n; i++) {
			uint64_t ref = m->patients[order[i]].local_ref;
			if (k == 0 || refs[k - 1] != ref) {
				order[k] = order[i];
				refs[k++] = ref;
			}
		}
		struct name_lookup l = {.m = m, .refs = refs, .n = k, .patient_of_ref = order};
		if (call_names(r, call, KV_NAME_PATIENT, refs, k, on_patient_name, &l) != 0)
			goto done;
		free(refs);
		free(order);
		refs = NULL;
		order = NULL;
	}
	if (m->holder_names) {
		size_t n = m->n_patients + r->result->n_holders;
		refs = kv_xcalloc(n ? n : 1, sizeof *refs);
		for (size_t i = 0; i < m->n_patients; i++)
			refs[i] = m->patients[i].list_holder;
		for (size_t h = 0; h < r->result->n_holders; h++)
			refs[m->n_patients + h] = r->result->holders[h];
		size_t k = sort_unique(refs, n);
		m->holders = kv_xcalloc(k ? k : 1, sizeof *m->holders);
		m->n_holders = k;
		for (size_t i = 0; i < k; i++)
			m->holders[i].id = refs[i];
		struct name_lookup l = {.m = m, .refs = refs, .n = k};
		if (call_names(r, call, KV_NAME_PRACTITIONER, refs, k, on_holder_name, &l) != 0)
			goto done;
	}
	ret = 0;
done:
	free(refs);
	free(order);
	return ret;
}

int kv_local_finish(struct run *r, const struct kv_call *conn_call)
{
	if (r->by_holder)
		holders_to_result(r);
	if (r->members != NULL && (r->members->patient_names || r->members->holder_names))
		return look_up_names(r, conn_call);
	return 0;
}

void kv_local_free(struct run *r)
{
	for (size_t h = 0; h < r->n_holders; h++)
		free(r->holders[h].cells);
	free(r->holders);
	free(r->holder_of_month);
	r->holders = NULL;
	r->holder_of_month = NULL;
	r->n_holders = r->cap_holders = 0;
}

const char *kv_members_holder_name(const struct kv_members *m, uint64_t id)
{
	size_t lo = 0, hi = m->n_holders;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->holders[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->n_holders && m->holders[lo].id == id ? m->holders[lo].name : NULL;
}

void kv_members_free(struct kv_members *m)
{
	for (size_t i = 0; i < m->n_patients; i++)
		free(m->patients[i].name);
	for (size_t i = 0; i < m->n_holders; i++)
		free(m->holders[i].name);
	free(m->patients);
	free(m->rows);
	free(m->holders);
	m->patients = NULL;
	m->rows = NULL;
	m->holders = NULL;
	m->n_patients = m->cap_patients = m->n = m->cap = m->n_holders = 0;
}
