/*
 * kvdb_stage.c - rows into patients: the range's patients, staging, radix
 * sort, grouping, compaction
 *
 * A connector reads a range of patients, then each kind of event into a
 * staging array of records {struct kvdb_head, the canonical event, ...}.
 * Once a kind is read, kvdb_stage_group() puts its records in patient order
 * by an in-place MSD radix sort on the patient slot (American flag sort, 8
 * bits a pass) and sorts each patient's records by the kind's comparison;
 * kvdb_stage_compact() then moves the canonical events down in place, so
 * the array becomes the kind's struct kv_* array, sliced per patient by
 * kvdb_stage_events().
 *
 * Patients: kvdb_pats_index() sorts the range's patients by id, drops
 * repeated ids and indexes them: a direct table when the ids are dense
 * (serial keys), else the id map. kvdb_pats_find() looks an id up, with a
 * one-entry cache since rows often come in runs of one patient.
 *
 * A row decoder's tail (kvdb_stage_row): the row's patient found, a bad
 * row counted with its reason, the date window checked, the record pushed
 * with its head; the decoder fills in the event.
 *
 * Every block is taken from the caller's kvdb_mem; nothing here logs.
 */
#include "kvdb.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

int kvdb_cmp_head(const struct kvdb_head *a, const struct kvdb_head *b)
{
	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return 0;
}

/* ---- patients ---------------------------------------------------------- */

int kvdb_pats_reserve(struct kvdb_ctx *rc, struct kvdb_mem *m, struct kvdb_pats *ps, uint64_t n,
		      const char *what)
{
	if (n == 0)
		return 0;
	if (n > SIZE_MAX / sizeof(struct kvdb_pat))
		return kvdb_error(rc, "too many patients in one range");
	ps->p = kvdb_alloc(rc, m, (size_t)n * sizeof(struct kvdb_pat), what);
	if (ps->p == NULL)
		return -1;
	ps->cap = (size_t)n;
	return 0;
}

struct kvdb_pat *kvdb_pats_push(struct kvdb_ctx *rc, struct kvdb_mem *m, struct kvdb_pats *ps,
				const char *what)
{
	if (ps->n == ps->cap) {
		size_t cap = ps->cap + ps->cap / 2 + 16;
		void *n = kvdb_realloc(rc, m, ps->p, cap * sizeof(struct kvdb_pat), what);
		if (n == NULL)
			return NULL;
		ps->p = n;
		ps->cap = cap;
	}
	struct kvdb_pat *p = &ps->p[ps->n++];
	memset(p, 0, sizeof(*p));
	return p;
}

static int cmp_pat(const void *va, const void *vb)
{
	const struct kvdb_pat *a = va, *b = vb;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	/* duplicates (no primary key enforced): a fixed order all the same */
	if (a->bad != b->bad)
		return a->bad < b->bad ? -1 : 1;
	if (a->birth != b->birth)
		return a->birth < b->birth ? -1 : 1;
	if (a->death != b->death)
		return a->death < b->death ? -1 : 1;
	return (a->sex > b->sex) - (a->sex < b->sex);
}

int kvdb_pats_index(struct kvdb_ctx *rc, struct kvdb_mem *m, struct kvdb_pats *ps,
		    uint64_t *dups, const char *what)
{
	kvdb_sort(ps->p, ps->n, sizeof(struct kvdb_pat), cmp_pat);
	/* a repeated id: the first (in the fixed order) stays */
	size_t j = 0;
	for (size_t i = 0; i < ps->n; i++) {
		if (j > 0 && ps->p[j - 1].id == ps->p[i].id) {
			(*dups)++;
			continue;
		}
		ps->p[j++] = ps->p[i];
	}
	ps->n = j;
	if (ps->n >= KVDB_MAX_POSITION)
		return kvdb_error(rc, "too many patients in one range");
	/* Ids are usually dense (serial keys): then a direct index, 4 bytes per
	 * id, at most 16 per patient (within KVDB_MAP_ENTRY_COST), which also
	 * keeps lookups in cache. Otherwise a hash map. */
	/* max - min, not + 1 first: ids INT64_MIN and INT64_MAX in one range
	 * would wrap the span to 0 (and an empty index be written) */
	uint64_t gap = ps->n > 0 ? (uint64_t)ps->p[ps->n - 1].id - (uint64_t)ps->p[0].id : 0;
	if (ps->n > 0 && gap < 4 * (uint64_t)ps->n) {
		uint64_t span = gap + 1;
		ps->dense = kvdb_alloc(rc, m, (size_t)span * sizeof(uint32_t), what);
		if (ps->dense == NULL)
			return -1;
		memset(ps->dense, 0xff, (size_t)span * sizeof(uint32_t)); /* KVDB_MAP_NONE */
		ps->dense_min = ps->p[0].id;
		ps->dense_span = span;
		for (size_t i = 0; i < ps->n; i++)
			ps->dense[(uint64_t)ps->p[i].id - (uint64_t)ps->dense_min] = (uint32_t)i;
	} else {
		if (kvdb_map_init(rc, m, &ps->map, ps->n, what) != 0)
			return -1;
		for (size_t i = 0; i < ps->n; i++)
			if (kvdb_map_insert(rc, &ps->map, ps->p[i].id, (uint32_t)i, NULL) < 0)
				return -1;
	}
	ps->last_slot = KVDB_MAP_NONE;
	return 0;
}

uint32_t kvdb_pats_find(struct kvdb_pats *ps, int64_t id)
{
	uint32_t s;
	if (ps->last_slot != KVDB_MAP_NONE && ps->last_id == id)
		return ps->last_slot; /* rows often come in runs of one patient */
	if (ps->dense != NULL) {
		uint64_t d = (uint64_t)id - (uint64_t)ps->dense_min;
		s = d < ps->dense_span ? ps->dense[d] : KVDB_MAP_NONE;
	} else {
		s = kvdb_map_get(&ps->map, id);
	}
	if (s != KVDB_MAP_NONE) {
		ps->last_id = id;
		ps->last_slot = s;
	}
	return s;
}

int kvdb_pats_key(struct kvdb_ctx *rc, struct kvdb_mem *m, struct kvdb_pats *ps,
		  struct kvdb_pat *p, const struct kvdb_cell *c, uint64_t *too_long)
{
	char num[24];
	const char *s = NULL;
	size_t len = 0;
	p->key = 0;
	if (c->kind == KVDB_V_TEXT && !c->too_long) {
		s = c->s;
		len = c->len;
	} else if (c->kind == KVDB_V_INT) {
		int n = snprintf(num, sizeof(num), "%" PRId64, c->i);
		s = num;
		len = n > 0 ? (size_t)n : 0;
	}
	if (c->too_long || len >= KV_PATIENT_KEY_MAX) {
		(*too_long)++; /* never cut: none, and the patient stays */
		return 0;
	}
	if (s == NULL || len == 0 || memchr(s, '\0', len) != NULL)
		return 0;
	if (ps->keys_len + len + 1 > ps->keys_cap) {
		size_t cap = ps->keys_cap + ps->keys_cap / 2 + 16 * KV_PATIENT_KEY_MAX;
		if (cap > (size_t)UINT32_MAX)
			return kvdb_error(rc, "too many patient keys in one range");
		char *n = kvdb_realloc(rc, m, ps->keys, cap, "holding the patient keys of a range");
		if (n == NULL)
			return -1;
		ps->keys = n;
		ps->keys_cap = cap;
	}
	memcpy(ps->keys + ps->keys_len, s, len);
	ps->keys[ps->keys_len + len] = '\0';
	p->key = (uint32_t)(ps->keys_len + 1);
	ps->keys_len += len + 1;
	return 0;
}

void kvdb_pats_free(struct kvdb_mem *m, struct kvdb_pats *ps)
{
	kvdb_free(m, ps->keys);
	kvdb_free(m, ps->p);
	kvdb_free(m, ps->dense);
	kvdb_map_fini(m, &ps->map);
	memset(ps, 0, sizeof(*ps));
}

/* ---- staging ----------------------------------------------------------- */

int kvdb_stage_reserve(struct kvdb_ctx *rc, struct kvdb_mem *m, struct kvdb_stage *s,
		       uint64_t n, const char *what)
{
	if (n == 0)
		return 0;
	if (n > SIZE_MAX / s->d->elem)
		return kvdb_error(rc, "too many rows in one patient range");
	s->data = kvdb_alloc(rc, m, (size_t)n * s->d->elem, what);
	if (s->data == NULL)
		return -1;
	s->cap = (size_t)n;
	return 0;
}

void *kvdb_stage_push(struct kvdb_ctx *rc, struct kvdb_mem *m, struct kvdb_stage *s,
		      const char *what)
{
	size_t elem = s->d->elem;
	if (s->n == s->cap) {
		/* more rows than reserved: grow within the budget */
		size_t cap = s->cap + s->cap / 2 + 16;
		void *n = kvdb_realloc(rc, m, s->data, cap * elem, what);
		if (n == NULL)
			return NULL;
		s->data = n;
		s->cap = cap;
	}
	unsigned char *e = s->data + s->n * elem;
	s->n++;
	memset(e, 0, elem);
	return e;
}

/* In-place MSD radix sort of staging records by patient slot, 8 bits per
 * pass from bit `hi` down (American flag sort). With 256 buckets a pass
 * touches few cache lines at a time, which a one-pass permutation over
 * every slot would not. */
#define RADIX_BITS 8
#define RADIX (1u << RADIX_BITS)

static void radix_by_slot(unsigned char *base, size_t n, size_t elem, unsigned hi)
{
	size_t start[RADIX + 1], next[RADIX];
	unsigned bits = hi < RADIX_BITS ? hi : RADIX_BITS;
	unsigned lo = hi - bits;
	uint32_t mask = (1u << bits) - 1;

	memset(start, 0, sizeof(start));
	for (size_t i = 0; i < n; i++) {
		uint32_t slot = ((const struct kvdb_head *)(base + i * elem))->slot;
		start[((slot >> lo) & mask) + 1]++;
	}
	for (unsigned b = 0; b < RADIX; b++) {
		start[b + 1] += start[b];
		next[b] = start[b];
	}
	for (unsigned b = 0; b <= mask; b++) {
		while (next[b] < start[b + 1]) {
			unsigned char *e = base + next[b] * elem;
			uint32_t to = (((const struct kvdb_head *)e)->slot >> lo) & mask;
			if (to == b) {
				next[b]++;
				continue;
			}
			kvdb_swap(e, base + next[to] * elem, elem);
			next[to]++;
		}
	}
	if (lo == 0)
		return;
	for (unsigned b = 0; b <= mask; b++)
		if (start[b + 1] - start[b] > 1)
			radix_by_slot(base + start[b] * elem, start[b + 1] - start[b], elem, lo);
}

int kvdb_stage_group(struct kvdb_ctx *rc, struct kvdb_mem *m, struct kvdb_stage *s,
		     size_t n_pats, const char *what)
{
	const struct kvdb_stage_desc *d = s->d;
	s->off = kvdb_calloc(rc, m, n_pats + 1, sizeof(size_t), what);
	if (s->off == NULL)
		return -1;
	for (size_t i = 0; i < s->n; i++) {
		const struct kvdb_head *h = (const struct kvdb_head *)(s->data + i * d->elem);
		s->off[h->slot + 1]++;
	}
	for (size_t p = 0; p < n_pats; p++)
		s->off[p + 1] += s->off[p];
	unsigned bits = 0;
	while (bits < 32 && (n_pats - 1) >> bits != 0)
		bits++;
	if (s->n > 1 && bits > 0)
		radix_by_slot(s->data, s->n, d->elem, bits);
	/* no rows: s->data may be NULL, and NULL + 0 is undefined */
	for (size_t p = 0; s->n > 0 && p < n_pats; p++)
		kvdb_sort(s->data + s->off[p] * d->elem, s->off[p + 1] - s->off[p], d->elem,
			  d->cmp);
	s->grouped = true;
	return 0;
}

void kvdb_stage_compact(struct kvdb_stage *s)
{
	const struct kvdb_stage_desc *d = s->d;
	for (size_t i = 0; i < s->n; i++)
		memmove(s->data + i * d->ev_size, s->data + i * d->elem + d->ev_off, d->ev_size);
}

const void *kvdb_stage_events(const struct kvdb_stage *s, size_t slot, size_t *n)
{
	if (s->off == NULL) {
		*n = 0;
		return NULL;
	}
	*n = s->off[slot + 1] - s->off[slot];
	return *n == 0 ? NULL : s->data + s->off[slot] * s->d->ev_size;
}

void kvdb_stage_free(struct kvdb_mem *m, struct kvdb_stage *s)
{
	kvdb_free(m, s->data);
	kvdb_free(m, s->off);
	s->data = NULL;
	s->off = NULL;
	s->n = s->cap = 0;
	s->grouped = false;
}

/* ---- a row decoder's tail ----------------------------------------------- */

bool kvdb_pats_slot(struct kvdb_pats *ps, int64_t pid, unsigned unknown_patient,
		    unsigned bad_patient, uint32_t *slot, unsigned *why)
{
	uint32_t s = kvdb_pats_find(ps, pid);
	if (s == KVDB_MAP_NONE) {
		kvdb_fail(why, unknown_patient);
		return false;
	}
	if (ps->p[s].bad) {
		kvdb_fail(why, bad_patient);
		return false;
	}
	*slot = s;
	return true;
}

int kvdb_row_patient(const struct kvdb_row_to *x, unsigned why, int64_t pid, kv_date date,
		     uint32_t *slot)
{
	if (why == KVDB_NO_REASON)
		kvdb_pats_slot(x->pats, pid, x->unknown_patient, x->bad_patient, slot, &why);
	if (why != KVDB_NO_REASON) {
		x->bad[why]++; /* a bad row never stops the read */
		return 0;
	}
	if (date > x->to || (x->from != 0 && date < x->from))
		return 0;
	return 1;
}

int kvdb_stage_row(const struct kvdb_row_to *x, struct kvdb_stage *s, unsigned why, int64_t pid,
		   kv_date date, int64_t key, void **rec)
{
	uint32_t slot = 0;
	*rec = NULL;
	if (kvdb_row_patient(x, why, pid, date, &slot) == 0)
		return 0;
	struct kvdb_head *h = kvdb_stage_push(x->rc, x->mem, s, x->what);
	if (h == NULL)
		return -1;
	h->slot = slot;
	h->date = date;
	h->key = key;
	*rec = h;
	return 1;
}
