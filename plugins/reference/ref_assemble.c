/*
 * ref_assemble.c - rows to patients: validate, normalise, group, sort, deliver
 *
 * ref_read() runs one read: a read-only snapshot (transport begin/end), the
 * practitioner roles, the range plan (ref_plan.c), then per patient_id range:
 *
 *   1. patients of the range, sorted by patient_id (the delivery order);
 *   2. contacts, grouped by patient and sorted, so fees and diagnoses can
 *      name their contact's index; a map contact_id -> position;
 *   3. the other tables, each into a staging array of
 *      {patient slot, date, tie-break key, canonical event}; over libpq a
 *      worker thread reads these on a second connection in the same
 *      snapshot while step 2 runs (see "Reading a range on two
 *      connections" below);
 *   4. per table, an in-place MSD radix sort by patient slot (American flag
 *      sort, 8 bits a pass) and a per-patient introsort by (date,
 *      tie-break), then the events are compacted in place into arrays of the
 *      canonical structs;
 *   5. one struct kv_patient per good patient, handed to the sink.
 *
 * Ties on the same date are broken by the row's primary key (or by its
 * content where the table has none), so the events come out in the same
 * order whatever the transport, the scan order or the range plan.
 *
 * Validation follows indicators.md precise rule 2 and 18: unknown enum
 * values, unparseable dates and numbers, empty or too long codes and
 * negative DDD counts are bad rows, counted per table and fixed reason and
 * then ignored; fees on a bad contact go with it, diagnoses pointing at one
 * are kept unlinked (contact -1); a patient row with an unknown sex is a bad
 * row and that patient, with all its events, is never delivered. Events
 * dated after kv_read_request.to are read and dropped.
 *
 * All memory is taken from the read's kvdb_mem (the budget) and freed before
 * returning; only the reader's fixed bookkeeping (struct ref_reader, SQL text
 * buffers on the stack) is outside it.
 */
#include "ref.h"

#include <inttypes.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const ref_reason_text[REF_N_REASONS] = {
	[REF_R_MISSING_VALUE] = "missing value",
	[REF_R_UNPARSEABLE_DATE] = "unparseable date",
	[REF_R_UNPARSEABLE_NUMBER] = "unparseable number",
	[REF_R_NOT_FINITE] = "non-finite number",
	[REF_R_OUT_OF_RANGE] = "value out of range",
	[REF_R_UNKNOWN_SEX] = "unknown sex",
	[REF_R_UNKNOWN_ROLE] = "unknown role",
	[REF_R_UNKNOWN_KIND] = "unknown contact kind",
	[REF_R_UNKNOWN_CODE_SYSTEM] = "unknown code system",
	[REF_R_UNKNOWN_USE_TYPE] = "unknown use type",
	[REF_R_UNKNOWN_RX_GROUP] = "unknown prescription group",
	[REF_R_EMPTY_CODE] = "empty code",
	[REF_R_CODE_TOO_LONG] = "code too long",
	[REF_R_FORM_TYPE_TOO_LONG] = "form type too long",
	[REF_R_NEGATIVE_DDD] = "negative ddd",
	[REF_R_DUPLICATE_KEY] = "duplicate key",
	[REF_R_UNKNOWN_PATIENT] = "unknown patient",
	[REF_R_BAD_PATIENT] = "patient is a bad row",
	[REF_R_UNKNOWN_CONTACT] = "unknown contact",
	[REF_R_BAD_CONTACT] = "contact is a bad row",
};

/* ---- staging records --------------------------------------------------- */

struct st_head {
	uint32_t slot;   /* index into the range's patients */
	kv_date date;    /* the sort date */
	int64_t key;     /* tie-break */
};

struct st_period { struct st_head h; struct kv_list_period ev; };
struct st_contact { struct st_head h; struct kv_contact ev; };
struct st_fee { struct st_head h; struct kv_fee ev; };
struct st_dx { struct st_head h; struct kv_diagnosis ev; };
struct st_med { struct st_head h; struct kv_medication ev; };
struct st_rx { struct st_head h; struct kv_prescription ev; };
struct st_lab { struct st_head h; struct kv_lab_result ev; };
struct st_bp { struct st_head h; struct kv_blood_pressure ev; };
struct st_form { struct st_head h; struct kv_form ev; };
struct st_note { struct st_head h; struct kv_note_match ev; };

/* kvdb_swap and kvdb_sort move records in 8-byte words, up to a limit */
#define STAGE_OK(st)                                                                           \
	_Static_assert(sizeof(struct st) % 8 == 0 && sizeof(struct st) <= KVDB_SORT_MAX_ELEM,   \
		       #st " cannot be sorted in place")
STAGE_OK(st_period);
STAGE_OK(st_contact);
STAGE_OK(st_fee);
STAGE_OK(st_dx);
STAGE_OK(st_med);
STAGE_OK(st_rx);
STAGE_OK(st_lab);
STAGE_OK(st_bp);
STAGE_OK(st_form);
STAGE_OK(st_note);

static int cmp_head(const struct st_head *a, const struct st_head *b)
{
	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return 0;
}

static int cmp_plain(const void *a, const void *b)
{
	return cmp_head(a, b);
}

static int cmp_fee(const void *va, const void *vb)
{
	const struct st_fee *a = va, *b = vb;
	int c = cmp_head(&a->h, &b->h);
	return c != 0 ? c : strcmp(a->ev.code, b->ev.code);
}

static int cmp_bp(const void *va, const void *vb)
{
	const struct st_bp *a = va, *b = vb;
	int c = cmp_head(&a->h, &b->h);
	if (c != 0)
		return c;
	if (a->ev.systolic != b->ev.systolic)
		return a->ev.systolic < b->ev.systolic ? -1 : 1;
	if (a->ev.diastolic != b->ev.diastolic)
		return a->ev.diastolic < b->ev.diastolic ? -1 : 1;
	return 0;
}

static int cmp_note(const void *va, const void *vb)
{
	const struct st_note *a = va, *b = vb;
	int c = cmp_head(&a->h, &b->h);
	if (c != 0)
		return c;
	return (a->ev.pattern > b->ev.pattern) - (a->ev.pattern < b->ev.pattern);
}

struct stage_desc {
	size_t elem, ev_off, ev_size;
	int (*cmp)(const void *, const void *);
};

#define SD(st, cmpf)                                                                           \
	{.elem = sizeof(struct st), .ev_off = offsetof(struct st, ev),                         \
	 .ev_size = sizeof(((struct st *)0)->ev), .cmp = (cmpf)}

static const struct stage_desc stage_descs[REF_N_TABLES] = {
	[REF_TAB_LIST_PERIOD] = SD(st_period, cmp_plain),
	[REF_TAB_CONTACT] = SD(st_contact, cmp_plain),
	[REF_TAB_FEE] = SD(st_fee, cmp_fee),
	[REF_TAB_DIAGNOSIS] = SD(st_dx, cmp_plain),
	[REF_TAB_MEDICATION] = SD(st_med, cmp_plain),
	[REF_TAB_PRESCRIPTION] = SD(st_rx, cmp_plain),
	[REF_TAB_LAB] = SD(st_lab, cmp_plain),
	[REF_TAB_BP] = SD(st_bp, cmp_bp),
	[REF_TAB_FORM] = SD(st_form, cmp_plain),
	[REF_TAB_NOTE] = SD(st_note, cmp_note),
};

static bool is_stage(enum ref_table t)
{
	return stage_descs[t].elem != 0;
}

/* A patient of the current range. */
struct pat {
	int64_t id;
	kv_date birth;
	kv_date death;
	uint8_t sex;
	uint8_t bad;
};

#define N_STAGES 10

size_t ref_asm_patient_cost(void)
{
	/* the record, its map entry, one offset per stage */
	return sizeof(struct pat) + KVDB_MAP_ENTRY_COST + N_STAGES * sizeof(size_t);
}

size_t ref_asm_row_cost(enum ref_table t)
{
	switch (t) {
	case REF_TAB_PRACTITIONER:
		return KVDB_MAP_ENTRY_COST; /* a role map entry */
	case REF_TAB_PATIENT:
		return ref_asm_patient_cost();
	case REF_TAB_CONTACT:
		return stage_descs[t].elem + KVDB_MAP_ENTRY_COST; /* + the contact map */
	default:
		return stage_descs[t].elem;
	}
}

/* ---- per-range state --------------------------------------------------- */

/* Contact map values besides positions. */
#define CONTACT_BAD (UINT32_MAX - 1)     /* a bad row: its fees go with it */
#define CONTACT_DROPPED (UINT32_MAX - 2) /* after req->to: its fees too */
#define MAX_POSITION (UINT32_MAX - 3)

struct stage {
	unsigned char *data;
	size_t n, cap;
	size_t *off;       /* n_pats + 1, after grouping */
	bool grouped;
};

struct range_state {
	struct ref_reader *r;
	const struct ref_plan_range *plan;
	struct pat *pats;
	size_t n_pats, cap_pats;
	struct kvdb_map pmap;  /* patient_id -> slot, when the ids are sparse */
	uint32_t *dense;      /* patient_id - dense_min -> slot, when they are dense */
	int64_t dense_min;
	uint64_t dense_span;
	struct kvdb_map cmap;  /* contact_id -> position in the contact stage */
	struct stage st[REF_N_TABLES];
	int64_t last_pid;     /* the last patient looked up, and its slot */
	uint32_t last_slot;
	struct kvdb_mem *mem;  /* the read's, shared with a worker thread */
};

static int count_bad(struct range_state *rs, enum ref_table t, enum ref_reason why)
{
	rs->r->bad[t][why]++;
	return 0; /* a bad row never stops the read */
}

/* ---- value helpers ----------------------------------------------------- */

#define NO_REASON REF_N_REASONS

/* The first failure of a row wins. */
static void fail(enum ref_reason *why, enum ref_reason r)
{
	if (*why == NO_REASON)
		*why = r;
}

static void req_int(const struct kvdb_cell *c, int64_t *out, enum ref_reason *why)
{
	int k = kvdb_cell_int(c, out);
	if (k > 0)
		fail(why, REF_R_MISSING_VALUE);
	else if (k < 0)
		fail(why, REF_R_UNPARSEABLE_NUMBER);
}

static void req_date(const struct kvdb_cell *c, bool ts, kv_date *out, enum ref_reason *why)
{
	int k = kvdb_cell_date(c, ts, out);
	if (k > 0)
		fail(why, REF_R_MISSING_VALUE);
	else if (k < 0)
		fail(why, REF_R_UNPARSEABLE_DATE);
}

/* NULL -> KV_DATE_OPEN */
static void opt_date(const struct kvdb_cell *c, kv_date *out, enum ref_reason *why)
{
	int k = kvdb_cell_date(c, false, out);
	if (k > 0)
		*out = KV_DATE_OPEN;
	else if (k < 0)
		fail(why, REF_R_UNPARSEABLE_DATE);
}

/* NULL -> !*has */
static void opt_float(const struct kvdb_cell *c, double *out, bool *has, enum ref_reason *why)
{
	int k = kvdb_cell_float(c, out);
	*has = k == 0;
	if (k < 0)
		fail(why, REF_R_UNPARSEABLE_NUMBER);
	else if (k == 0 && !isfinite(*out))
		fail(why, REF_R_NOT_FINITE);
}

/* A required code: trimmed, upper case, dots removed if asked. */
static void req_code(const struct kvdb_cell *c, bool dots, char out[KV_CODE_MAX],
		     enum ref_reason *why)
{
	out[0] = '\0';
	if (c->kind == KVDB_V_NULL) {
		fail(why, REF_R_MISSING_VALUE);
		return;
	}
	if (c->kind != KVDB_V_TEXT || c->too_long) {
		fail(why, REF_R_CODE_TOO_LONG);
		return;
	}
	int k = kvdb_norm_code(c->s, c->len, dots, out);
	if (k > 0)
		fail(why, REF_R_EMPTY_CODE);
	else if (k < 0)
		fail(why, REF_R_CODE_TOO_LONG);
}

/* An optional ATC code: NULL or empty after trimming is "" (no ATC). */
static void opt_atc(const struct kvdb_cell *c, char out[KV_CODE_MAX], enum ref_reason *why)
{
	out[0] = '\0';
	if (c->kind == KVDB_V_NULL)
		return;
	if (c->kind != KVDB_V_TEXT || c->too_long) {
		fail(why, REF_R_CODE_TOO_LONG);
		return;
	}
	int k = kvdb_norm_code(c->s, c->len, false, out);
	if (k < 0)
		fail(why, REF_R_CODE_TOO_LONG);
	else if (k > 0)
		out[0] = '\0';
}

/* An enum column: exact comparison with the table of names (index + 1). */
static uint8_t req_enum(const struct kvdb_cell *c, const char *const *names, size_t n,
			enum ref_reason unknown, enum ref_reason *why)
{
	if (c->kind == KVDB_V_NULL) {
		fail(why, REF_R_MISSING_VALUE);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (kvdb_text_eq(c, names[i]))
			return (uint8_t)(i + 1);
	fail(why, unknown);
	return 0;
}

static const char *const sex_names[] = {"F", "M", "U"};
static const char *const role_names[] = {"gp", "nurse", "secretary", "psychologist", "other"};
static const char *const kind_names[] = {"consultation", "home_visit", "video",
					 "e_consultation", "phone", "letter",
					 "meeting", "admin"};
static const char *const system_names[] = {"ICPC-2", "ICD-10"};
static const char *const use_names[] = {"regular", "as_needed", "course"};
static const char *const group_names[] = {"A", "B", "C", "F"};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* An event of a windowed kind dated outside [events_from, to]: read and
 * dropped. The database already leaves out most rows before events_from
 * (ref_sql.c); this makes the cut exact whatever its date comparison. */
static bool out_of_window(const struct range_state *rs, kv_date date)
{
	const struct kv_read_request *req = rs->r->req;
	return date > req->to || (req->events_from != 0 && date < req->events_from);
}

/* The slot of a deliverable patient; otherwise the reason. */
static bool find_patient(struct range_state *rs, int64_t pid, uint32_t *slot,
			 enum ref_reason *why)
{
	uint32_t s;
	if (rs->last_slot != KVDB_MAP_NONE && rs->last_pid == pid) {
		s = rs->last_slot; /* rows often come in runs of one patient */
	} else {
		if (rs->dense != NULL) {
			uint64_t d = (uint64_t)pid - (uint64_t)rs->dense_min;
			s = d < rs->dense_span ? rs->dense[d] : KVDB_MAP_NONE;
		} else {
			s = kvdb_map_get(&rs->pmap, pid);
		}
		if (s != KVDB_MAP_NONE) {
			rs->last_pid = pid;
			rs->last_slot = s;
		}
	}
	if (s == KVDB_MAP_NONE) {
		fail(why, REF_R_UNKNOWN_PATIENT);
		return false;
	}
	if (rs->pats[s].bad) {
		fail(why, REF_R_BAD_PATIENT);
		return false;
	}
	*slot = s;
	return true;
}

/* ---- stages ------------------------------------------------------------ */

static void *stage_push(struct range_state *rs, enum ref_table t)
{
	struct stage *s = &rs->st[t];
	const struct stage_desc *d = &stage_descs[t];
	if (s->n == s->cap) {
		/* more rows than planned: only if the data changed under a
		 * non-snapshot DBMS, or NULL patient ids; grow within the budget */
		size_t cap = s->cap + s->cap / 2 + 16;
		void *n = kvdb_realloc(rs->r->rc, rs->mem, s->data, cap * d->elem,
				       "holding the rows of a patient range");
		if (n == NULL)
			return NULL;
		s->data = n;
		s->cap = cap;
	}
	unsigned char *e = s->data + s->n * d->elem;
	s->n++;
	memset(e, 0, d->elem);
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
		uint32_t slot = ((const struct st_head *)(base + i * elem))->slot;
		start[((slot >> lo) & mask) + 1]++;
	}
	for (unsigned b = 0; b < RADIX; b++) {
		start[b + 1] += start[b];
		next[b] = start[b];
	}
	for (unsigned b = 0; b <= mask; b++) {
		while (next[b] < start[b + 1]) {
			unsigned char *e = base + next[b] * elem;
			uint32_t to = (((const struct st_head *)e)->slot >> lo) & mask;
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

/* Group by slot in place, then sort each patient's records.
 * s->off[slot] .. s->off[slot + 1] are then the patient's events. */
static int stage_group(struct range_state *rs, enum ref_table t)
{
	struct stage *s = &rs->st[t];
	const struct stage_desc *d = &stage_descs[t];
	s->off = kvdb_calloc(rs->r->rc, &rs->r->mem, rs->n_pats + 1, sizeof(size_t),
			     "grouping rows by patient");
	if (s->off == NULL)
		return -1;
	for (size_t i = 0; i < s->n; i++) {
		const struct st_head *h = (const struct st_head *)(s->data + i * d->elem);
		s->off[h->slot + 1]++;
	}
	for (size_t p = 0; p < rs->n_pats; p++)
		s->off[p + 1] += s->off[p];
	unsigned bits = 0;
	while (bits < 32 && (rs->n_pats - 1) >> bits != 0)
		bits++;
	if (s->n > 1 && bits > 0)
		radix_by_slot(s->data, s->n, d->elem, bits);
	/* no rows: s->data may be NULL, and NULL + 0 is undefined */
	for (size_t p = 0; s->n > 0 && p < rs->n_pats; p++)
		kvdb_sort(s->data + s->off[p] * d->elem, s->off[p + 1] - s->off[p], d->elem,
			  d->cmp);
	s->grouped = true;
	return 0;
}

/* Staging records -> canonical structs, in place (each moves down). */
static void stage_compact(struct range_state *rs, enum ref_table t)
{
	struct stage *s = &rs->st[t];
	const struct stage_desc *d = &stage_descs[t];
	for (size_t i = 0; i < s->n; i++)
		memmove(s->data + i * d->ev_size, s->data + i * d->elem + d->ev_off, d->ev_size);
}

static const void *stage_events(const struct range_state *rs, enum ref_table t, size_t slot,
				size_t *n)
{
	const struct stage *s = &rs->st[t];
	if (s->off == NULL) {
		*n = 0;
		return NULL;
	}
	*n = s->off[slot + 1] - s->off[slot];
	return *n == 0 ? NULL : s->data + s->off[slot] * stage_descs[t].ev_size;
}

/* ---- running a table --------------------------------------------------- */

#define MAX_COLS 64

int ref_run(struct ref_reader *r, const char *what, const char *sql,
	    const enum kvdb_type *types, const uint16_t *text_max, size_t n_cols,
	    const char *const *params, size_t n_params, kvdb_row_fn fn, void *arg)
{
	struct kvdb_select s = {
		.what = what, .sql = sql, .types = types, .text_max = text_max,
		.n_cols = n_cols, .params = params, .n_params = n_params,
	};
	return r->t->select(r->t, &s, fn, arg);
}

/* Select table t over range (notes: with the translated rules). */
static int run_table(struct ref_reader *r, enum ref_table t, const struct ref_range *range,
		     kvdb_row_fn fn, void *arg)
{
	const struct ref_query *q = &ref_queries[t];
	enum kvdb_type types[MAX_COLS];
	uint16_t text_max[MAX_COLS];
	const char *params[2 * 1024];
	char sql[KVDB_SQL_MAX]; /* on the stack: bookkeeping, not rows */
	size_t n = 0, np = 0;
	int ret = -1;

	for (size_t i = 0; i < q->n_cols; i++) {
		types[n] = q->cols[i].type;
		text_max[n++] = q->cols[i].text_max;
	}
	if (t == REF_TAB_NOTE) {
		if (n + r->rules.n_rules > MAX_COLS) {
			kvdb_error(r->rc, "too many keyword rules (at most %d)", MAX_COLS - (int)n);
			goto done;
		}
		for (size_t i = 0; i < r->rules.n_rules; i++) {
			types[n] = KVDB_T_INT;
			text_max[n++] = 0;
		}
		np = ref_sql_note_n_params(r->t->params, &r->rules);
		if (np > N_OF(params)) {
			kvdb_error(r->rc, "too many keyword rule words (at most %zu)",
				   N_OF(params) / 2);
			goto done;
		}
		for (size_t k = 0; k < np; k++)
			params[k] = ref_sql_note_param(r->t->params, &r->rules, k);
		if (ref_sql_notes(r->rc, sql, sizeof(sql), r->t->dialect, r->t->params, &r->rules,
				  range, r->req->events_from) != 0)
			goto done;
	} else if (ref_sql_select(r->rc, sql, sizeof(sql), t, r->t->dialect, range,
				  t == REF_TAB_FEE && r->fees_uncut ? 0 : r->req->events_from,
				  false) != 0) {
		goto done;
	}
	ret = ref_run(r, q->table, sql, types, text_max, n, params, np, fn, arg);
done:
	return ret;
}

/* ---- practitioners ----------------------------------------------------- */

static int row_practitioner(void *arg, const struct kvdb_cell *c)
{
	struct ref_reader *r = arg;
	enum ref_reason why = NO_REASON;
	int64_t id = 0;
	r->rows[REF_TAB_PRACTITIONER]++;
	req_int(&c[0], &id, &why);
	uint8_t role = req_enum(&c[1], role_names, N_OF(role_names), REF_R_UNKNOWN_ROLE, &why);
	if (why != NO_REASON) {
		r->bad[REF_TAB_PRACTITIONER][why]++;
		return 0; /* its contacts get KV_ROLE_UNKNOWN */
	}
	int k = kvdb_map_insert(r->rc, &r->roles, id, role, NULL);
	if (k < 0)
		return -1;
	if (k == 0)
		r->bad[REF_TAB_PRACTITIONER][REF_R_DUPLICATE_KEY]++;
	return 0;
}

/* ---- row handlers ------------------------------------------------------ */

static int row_patient(void *arg, const struct kvdb_cell *c)
{
	struct range_state *rs = arg;
	enum ref_reason why = NO_REASON;
	int64_t id = 0;
	kv_date birth = 0, death = KV_DATE_OPEN;

	rs->r->rows[REF_TAB_PATIENT]++;
	req_int(&c[0], &id, &why);
	if (why != NO_REASON)
		return count_bad(rs, REF_TAB_PATIENT, why); /* no id: nothing can refer to it */
	req_date(&c[1], false, &birth, &why);
	uint8_t sex = req_enum(&c[2], sex_names, N_OF(sex_names), REF_R_UNKNOWN_SEX, &why);
	opt_date(&c[3], &death, &why);

	if (rs->n_pats == rs->cap_pats) {
		size_t cap = rs->cap_pats + rs->cap_pats / 2 + 16;
		void *n = kvdb_realloc(rs->r->rc, &rs->r->mem, rs->pats, cap * sizeof(struct pat),
				       "holding the patients of a range");
		if (n == NULL)
			return -1;
		rs->pats = n;
		rs->cap_pats = cap;
	}
	struct pat *p = &rs->pats[rs->n_pats++];
	p->id = id;
	p->birth = birth;
	p->death = death;
	p->sex = sex;
	/* a bad patient row stays known, so its events are "patient is a bad
	 * row" rather than "unknown patient" */
	p->bad = why != NO_REASON;
	if (why != NO_REASON)
		count_bad(rs, REF_TAB_PATIENT, why);
	return 0;
}

static int row_period(void *arg, const struct kvdb_cell *c)
{
	struct range_state *rs = arg;
	enum ref_reason why = NO_REASON;
	int64_t pid = 0;
	kv_date from = 0, to = KV_DATE_OPEN;
	uint32_t slot = 0;

	rs->r->rows[REF_TAB_LIST_PERIOD]++;
	req_int(&c[0], &pid, &why);
	req_date(&c[1], false, &from, &why);
	opt_date(&c[2], &to, &why);
	if (why == NO_REASON)
		find_patient(rs, pid, &slot, &why);
	if (why != NO_REASON)
		return count_bad(rs, REF_TAB_LIST_PERIOD, why);
	if (from > rs->r->req->to)
		return 0;
	struct st_period *e = stage_push(rs, REF_TAB_LIST_PERIOD);
	if (e == NULL)
		return -1;
	e->h.slot = slot;
	e->h.date = from;
	e->h.key = to;
	e->ev.from = from;
	e->ev.to = to;
	return 0;
}

static int row_contact(void *arg, const struct kvdb_cell *c)
{
	struct range_state *rs = arg;
	enum ref_reason why = NO_REASON;
	int64_t id = 0, pid = 0, prac = 0;
	kv_date date = 0;
	uint32_t slot = 0;

	rs->r->rows[REF_TAB_CONTACT]++;
	req_int(&c[0], &id, &why);
	if (why != NO_REASON)
		return count_bad(rs, REF_TAB_CONTACT, why);
	req_int(&c[1], &pid, &why);
	req_int(&c[2], &prac, &why);
	req_date(&c[3], true, &date, &why);
	uint8_t kind = req_enum(&c[4], kind_names, N_OF(kind_names), REF_R_UNKNOWN_KIND, &why);
	if (why == NO_REASON)
		find_patient(rs, pid, &slot, &why);

	uint32_t val;
	if (why != NO_REASON)
		val = CONTACT_BAD;
	else if (out_of_window(rs, date))
		val = CONTACT_DROPPED;
	else if (rs->st[REF_TAB_CONTACT].n >= MAX_POSITION)
		return kvdb_error(rs->r->rc, "too many contacts in one patient range");
	else
		val = (uint32_t)rs->st[REF_TAB_CONTACT].n;
	int k = kvdb_map_insert(rs->r->rc, &rs->cmap, id, val, NULL);
	if (k < 0)
		return -1;
	if (k == 0)
		return count_bad(rs, REF_TAB_CONTACT, REF_R_DUPLICATE_KEY);
	if (why != NO_REASON)
		return count_bad(rs, REF_TAB_CONTACT, why);
	if (val == CONTACT_DROPPED)
		return 0;

	struct st_contact *e = stage_push(rs, REF_TAB_CONTACT);
	if (e == NULL)
		return -1;
	uint32_t role = kvdb_map_get(&rs->r->roles, prac);
	e->h.slot = slot;
	e->h.date = date;
	e->h.key = id;
	e->ev.date = date;
	e->ev.kind = kind;
	e->ev.role = role == KVDB_MAP_NONE ? KV_ROLE_UNKNOWN : (uint8_t)role;
	return 0;
}

/* After the contacts: group and sort them, then point the map at the final
 * positions. */
static int contacts_done(struct range_state *rs)
{
	if (stage_group(rs, REF_TAB_CONTACT) != 0)
		return -1;
	const struct stage *s = &rs->st[REF_TAB_CONTACT];
	for (size_t i = 0; i < s->n; i++) {
		const struct st_contact *e =
			(const struct st_contact *)(s->data + i * sizeof(struct st_contact));
		kvdb_map_set(&rs->cmap, e->h.key, (uint32_t)i);
	}
	return 0;
}

/* A good contact's staging record, or NULL (*val tells why). */
static const struct st_contact *find_contact(const struct range_state *rs, int64_t id,
					     uint32_t *val)
{
	*val = kvdb_map_get(&rs->cmap, id);
	if (*val >= MAX_POSITION)
		return NULL;
	return (const struct st_contact *)(rs->st[REF_TAB_CONTACT].data +
					   (size_t)*val * sizeof(struct st_contact));
}

static int row_fee(void *arg, const struct kvdb_cell *c)
{
	struct range_state *rs = arg;
	enum ref_reason why = NO_REASON;
	int64_t cid = 0;
	char code[KV_CODE_MAX];

	rs->r->rows[REF_TAB_FEE]++;
	req_int(&c[0], &cid, &why);
	req_code(&c[1], false, code, &why);
	if (why != NO_REASON)
		return count_bad(rs, REF_TAB_FEE, why);
	uint32_t val;
	const struct st_contact *ct = find_contact(rs, cid, &val);
	if (ct == NULL) {
		if (val == CONTACT_DROPPED)
			return 0; /* a contact after req->to: so is the fee */
		return count_bad(rs, REF_TAB_FEE,
				 val == CONTACT_BAD ? REF_R_BAD_CONTACT : REF_R_UNKNOWN_CONTACT);
	}
	const struct stage *cs = &rs->st[REF_TAB_CONTACT];
	struct st_fee *e = stage_push(rs, REF_TAB_FEE);
	if (e == NULL)
		return -1;
	e->h.slot = ct->h.slot;
	e->h.date = ct->ev.date;
	e->h.key = (int64_t)(val - cs->off[ct->h.slot]);
	e->ev.date = ct->ev.date;
	e->ev.contact = (int32_t)e->h.key;
	memcpy(e->ev.code, code, sizeof(code));
	return 0;
}

static int row_diagnosis(void *arg, const struct kvdb_cell *c)
{
	struct range_state *rs = arg;
	enum ref_reason why = NO_REASON;
	int64_t id = 0, pid = 0, cid = 0;
	kv_date date = 0;
	uint32_t slot = 0;
	char code[KV_CODE_MAX];

	rs->r->rows[REF_TAB_DIAGNOSIS]++;
	req_int(&c[0], &id, &why);
	req_int(&c[1], &pid, &why);
	int has_contact = kvdb_cell_int(&c[2], &cid);
	if (has_contact < 0)
		fail(&why, REF_R_UNPARSEABLE_NUMBER);
	req_date(&c[3], false, &date, &why);
	uint8_t sys = req_enum(&c[4], system_names, N_OF(system_names),
			       REF_R_UNKNOWN_CODE_SYSTEM, &why);
	req_code(&c[5], true, code, &why);
	if (why == NO_REASON)
		find_patient(rs, pid, &slot, &why);
	if (why != NO_REASON)
		return count_bad(rs, REF_TAB_DIAGNOSIS, why);
	if (date > rs->r->req->to)
		return 0;

	int32_t cidx = -1;
	if (has_contact == 0) {
		uint32_t val;
		const struct st_contact *ct = find_contact(rs, cid, &val);
		/* linked only to a good contact of the same patient; a bad or
		 * later contact leaves the diagnosis unlinked (rule 2) */
		if (ct != NULL && ct->h.slot == slot)
			cidx = (int32_t)(val - rs->st[REF_TAB_CONTACT].off[slot]);
	}
	struct st_dx *e = stage_push(rs, REF_TAB_DIAGNOSIS);
	if (e == NULL)
		return -1;
	e->h.slot = slot;
	e->h.date = date;
	e->h.key = id;
	e->ev.date = date;
	e->ev.contact = cidx;
	e->ev.system = sys;
	memcpy(e->ev.code, code, sizeof(code));
	return 0;
}

static int row_medication(void *arg, const struct kvdb_cell *c)
{
	struct range_state *rs = arg;
	enum ref_reason why = NO_REASON;
	int64_t id = 0, pid = 0;
	kv_date start = 0, stop = KV_DATE_OPEN;
	uint32_t slot = 0;
	char atc[KV_CODE_MAX];

	rs->r->rows[REF_TAB_MEDICATION]++;
	req_int(&c[0], &id, &why);
	req_int(&c[1], &pid, &why);
	opt_atc(&c[2], atc, &why);
	uint8_t use = req_enum(&c[3], use_names, N_OF(use_names), REF_R_UNKNOWN_USE_TYPE, &why);
	req_date(&c[4], false, &start, &why);
	opt_date(&c[5], &stop, &why);
	if (why == NO_REASON)
		find_patient(rs, pid, &slot, &why);
	if (why != NO_REASON)
		return count_bad(rs, REF_TAB_MEDICATION, why);
	if (start > rs->r->req->to)
		return 0;
	struct st_med *e = stage_push(rs, REF_TAB_MEDICATION);
	if (e == NULL)
		return -1;
	e->h.slot = slot;
	e->h.date = start;
	e->h.key = id;
	e->ev.start = start;
	e->ev.stop = stop;
	e->ev.use_type = use;
	memcpy(e->ev.atc, atc, sizeof(atc));
	return 0;
}

static int row_prescription(void *arg, const struct kvdb_cell *c)
{
	struct range_state *rs = arg;
	enum ref_reason why = NO_REASON;
	int64_t id = 0, pid = 0;
	kv_date date = 0;
	uint32_t slot = 0;
	char atc[KV_CODE_MAX];
	double ddd = 0;
	bool has_ddd = false;
	uint8_t group = KV_RX_GROUP_UNKNOWN;

	rs->r->rows[REF_TAB_PRESCRIPTION]++;
	req_int(&c[0], &id, &why);
	req_int(&c[1], &pid, &why);
	req_date(&c[2], false, &date, &why);
	opt_atc(&c[3], atc, &why);
	opt_float(&c[4], &ddd, &has_ddd, &why);
	if (has_ddd && isfinite(ddd) && ddd < 0)
		fail(&why, REF_R_NEGATIVE_DDD);
	if (c[5].kind != KVDB_V_NULL)
		group = req_enum(&c[5], group_names, N_OF(group_names), REF_R_UNKNOWN_RX_GROUP,
				 &why);
	if (why == NO_REASON)
		find_patient(rs, pid, &slot, &why);
	if (why != NO_REASON)
		return count_bad(rs, REF_TAB_PRESCRIPTION, why);
	if (out_of_window(rs, date))
		return 0;
	struct st_rx *e = stage_push(rs, REF_TAB_PRESCRIPTION);
	if (e == NULL)
		return -1;
	e->h.slot = slot;
	e->h.date = date;
	e->h.key = id;
	e->ev.date = date;
	e->ev.group = group;
	e->ev.has_ddd = has_ddd;
	e->ev.ddd = has_ddd ? ddd : 0.0;
	memcpy(e->ev.atc, atc, sizeof(atc));
	return 0;
}

static int row_lab(void *arg, const struct kvdb_cell *c)
{
	struct range_state *rs = arg;
	enum ref_reason why = NO_REASON;
	int64_t id = 0, pid = 0;
	kv_date date = 0;
	uint32_t slot = 0;
	char code[KV_CODE_MAX];
	double value = 0;
	bool has_value = false;

	rs->r->rows[REF_TAB_LAB]++;
	req_int(&c[0], &id, &why);
	req_int(&c[1], &pid, &why);
	req_date(&c[2], false, &date, &why);
	req_code(&c[3], false, code, &why);
	opt_float(&c[4], &value, &has_value, &why);
	if (why == NO_REASON)
		find_patient(rs, pid, &slot, &why);
	if (why != NO_REASON)
		return count_bad(rs, REF_TAB_LAB, why);
	if (out_of_window(rs, date))
		return 0;
	struct st_lab *e = stage_push(rs, REF_TAB_LAB);
	if (e == NULL)
		return -1;
	e->h.slot = slot;
	e->h.date = date;
	e->h.key = id;
	e->ev.date = date;
	e->ev.has_value = has_value;
	e->ev.value = has_value ? value : 0.0;
	memcpy(e->ev.code, code, sizeof(code));
	return 0;
}

static int row_bp(void *arg, const struct kvdb_cell *c)
{
	struct range_state *rs = arg;
	enum ref_reason why = NO_REASON;
	int64_t pid = 0, sys = 0, dia = 0;
	kv_date date = 0;
	uint32_t slot = 0;

	rs->r->rows[REF_TAB_BP]++;
	req_int(&c[0], &pid, &why);
	req_date(&c[1], false, &date, &why);
	req_int(&c[2], &sys, &why);
	req_int(&c[3], &dia, &why);
	if (why == NO_REASON && (sys < INT16_MIN || sys > INT16_MAX || dia < INT16_MIN ||
				 dia > INT16_MAX))
		fail(&why, REF_R_OUT_OF_RANGE);
	if (why == NO_REASON)
		find_patient(rs, pid, &slot, &why);
	if (why != NO_REASON)
		return count_bad(rs, REF_TAB_BP, why);
	if (out_of_window(rs, date))
		return 0;
	struct st_bp *e = stage_push(rs, REF_TAB_BP);
	if (e == NULL)
		return -1;
	e->h.slot = slot;
	e->h.date = date;
	e->h.key = 0; /* no key: ties are ordered by the values (cmp_bp) */
	e->ev.date = date;
	e->ev.systolic = (int16_t)sys;
	e->ev.diastolic = (int16_t)dia;
	return 0;
}

static int row_form(void *arg, const struct kvdb_cell *c)
{
	struct range_state *rs = arg;
	enum ref_reason why = NO_REASON;
	int64_t id = 0, pid = 0;
	kv_date date = 0;
	uint32_t slot = 0;

	rs->r->rows[REF_TAB_FORM]++;
	req_int(&c[0], &id, &why);
	req_int(&c[1], &pid, &why);
	req_date(&c[2], false, &date, &why);
	if (c[3].kind == KVDB_V_NULL)
		fail(&why, REF_R_MISSING_VALUE);
	else if (c[3].kind != KVDB_V_TEXT || c[3].too_long || c[3].len >= KV_FORM_TYPE_MAX)
		fail(&why, REF_R_FORM_TYPE_TOO_LONG);
	if (why == NO_REASON)
		find_patient(rs, pid, &slot, &why);
	if (why != NO_REASON)
		return count_bad(rs, REF_TAB_FORM, why);
	if (out_of_window(rs, date))
		return 0;
	struct st_form *e = stage_push(rs, REF_TAB_FORM);
	if (e == NULL)
		return -1;
	e->h.slot = slot;
	e->h.date = date;
	e->h.key = id;
	e->ev.date = date;
	/* compared exactly (rule 2): no trimming or case change */
	memcpy(e->ev.type, c[3].s, c[3].len);
	e->ev.type[c[3].len] = '\0';
	return 0;
}

static int row_note(void *arg, const struct kvdb_cell *c)
{
	struct range_state *rs = arg;
	enum ref_reason why = NO_REASON;
	int64_t pid = 0, id = 0;
	kv_date date = 0;
	uint32_t slot = 0;

	rs->r->rows[REF_TAB_NOTE]++;
	req_int(&c[0], &pid, &why);
	req_date(&c[1], false, &date, &why);
	req_int(&c[2], &id, &why);
	if (why == NO_REASON)
		find_patient(rs, pid, &slot, &why);
	if (why != NO_REASON)
		return count_bad(rs, REF_TAB_NOTE, why);
	if (out_of_window(rs, date))
		return 0;
	for (size_t i = 0; i < rs->r->rules.n_rules; i++) {
		int64_t flag = 0;
		if (kvdb_cell_int(&c[3 + i], &flag) != 0 || flag == 0)
			continue;
		struct st_note *e = stage_push(rs, REF_TAB_NOTE);
		if (e == NULL)
			return -1;
		e->h.slot = slot;
		e->h.date = date;
		e->h.key = id;
		e->ev.date = date;
		e->ev.pattern = (uint16_t)i;
	}
	return 0;
}

/* ---- one range --------------------------------------------------------- */

static int cmp_pat(const void *va, const void *vb)
{
	const struct pat *a = va, *b = vb;
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

static int patients_done(struct range_state *rs)
{
	struct ref_reader *r = rs->r;
	kvdb_sort(rs->pats, rs->n_pats, sizeof(struct pat), cmp_pat);
	/* a repeated patient_id: the first (in the fixed order) stays */
	size_t j = 0;
	for (size_t i = 0; i < rs->n_pats; i++) {
		if (j > 0 && rs->pats[j - 1].id == rs->pats[i].id) {
			count_bad(rs, REF_TAB_PATIENT, REF_R_DUPLICATE_KEY);
			continue;
		}
		rs->pats[j++] = rs->pats[i];
	}
	rs->n_pats = j;
	if (rs->n_pats >= MAX_POSITION)
		return kvdb_error(r->rc, "too many patients in one range");
	/* Ids are usually dense (serial keys): then a direct index, 4 bytes per
	 * id, at most 16 per patient (within KVDB_MAP_ENTRY_COST), which also
	 * keeps lookups in cache. Otherwise a hash map. */
	/* max - min, not + 1 first: ids INT64_MIN and INT64_MAX in one range
	 * would wrap the span to 0 (and an empty index be written) */
	uint64_t gap = rs->n_pats > 0 ? (uint64_t)rs->pats[rs->n_pats - 1].id -
						(uint64_t)rs->pats[0].id
					: 0;
	if (rs->n_pats > 0 && gap < 4 * (uint64_t)rs->n_pats) {
		uint64_t span = gap + 1;
		rs->dense = kvdb_alloc(r->rc, &r->mem, (size_t)span * sizeof(uint32_t),
				       "holding a patient range");
		if (rs->dense == NULL)
			return -1;
		memset(rs->dense, 0xff, (size_t)span * sizeof(uint32_t)); /* KVDB_MAP_NONE */
		rs->dense_min = rs->pats[0].id;
		rs->dense_span = span;
		for (size_t i = 0; i < rs->n_pats; i++)
			rs->dense[(uint64_t)rs->pats[i].id - (uint64_t)rs->dense_min] = (uint32_t)i;
	} else {
		if (kvdb_map_init(r->rc, &r->mem, &rs->pmap, rs->n_pats,
				  "holding a patient range") != 0)
			return -1;
		for (size_t i = 0; i < rs->n_pats; i++)
			if (kvdb_map_insert(r->rc, &rs->pmap, rs->pats[i].id, (uint32_t)i, NULL) <
			    0)
				return -1;
	}
	rs->last_slot = KVDB_MAP_NONE;
	return 0;
}

static int deliver(struct range_state *rs)
{
	struct ref_reader *r = rs->r;
	for (size_t s = 0; s < rs->n_pats; s++) {
		const struct pat *p = &rs->pats[s];
		if (p->bad)
			continue;
		struct kv_patient kp = {.birth = p->birth, .death = p->death, .sex = p->sex};
		kp.periods = stage_events(rs, REF_TAB_LIST_PERIOD, s, &kp.n_periods);
		kp.contacts = stage_events(rs, REF_TAB_CONTACT, s, &kp.n_contacts);
		kp.fees = stage_events(rs, REF_TAB_FEE, s, &kp.n_fees);
		kp.diagnoses = stage_events(rs, REF_TAB_DIAGNOSIS, s, &kp.n_diagnoses);
		kp.medications = stage_events(rs, REF_TAB_MEDICATION, s, &kp.n_medications);
		kp.prescriptions = stage_events(rs, REF_TAB_PRESCRIPTION, s, &kp.n_prescriptions);
		kp.labs = stage_events(rs, REF_TAB_LAB, s, &kp.n_labs);
		kp.bps = stage_events(rs, REF_TAB_BP, s, &kp.n_bps);
		kp.forms = stage_events(rs, REF_TAB_FORM, s, &kp.n_forms);
		kp.notes = stage_events(rs, REF_TAB_NOTE, s, &kp.n_notes);
		if (r->sink(r->sink_arg, &kp) != 0)
			return kvdb_error(r->rc,
					  "the read was stopped by the patient sink after %" PRIu64
					  " patients",
					  r->delivered);
		r->delivered++;
	}
	return 0;
}

static void range_free(struct range_state *rs)
{
	struct kvdb_mem *m = &rs->r->mem;
	for (int t = 0; t < REF_N_TABLES; t++) {
		kvdb_free(m, rs->st[t].data);
		kvdb_free(m, rs->st[t].off);
	}
	kvdb_free(m, rs->pats);
	kvdb_free(m, rs->dense);
	kvdb_map_fini(m, &rs->pmap);
	kvdb_map_fini(m, &rs->cmap);
}

static int prealloc(struct range_state *rs, enum ref_table t)
{
	uint64_t n = rs->plan->rows[t];
	if (n == 0)
		return 0;
	if (n > SIZE_MAX / stage_descs[t].elem)
		return kvdb_error(rs->r->rc, "too many rows in one patient range");
	rs->st[t].data = kvdb_alloc(rs->r->rc, &rs->r->mem, (size_t)n * stage_descs[t].elem,
				    "holding the rows of a patient range");
	if (rs->st[t].data == NULL)
		return -1;
	rs->st[t].cap = (size_t)n;
	return 0;
}


static const kvdb_row_fn event_fn[REF_N_TABLES] = {
	[REF_TAB_LIST_PERIOD] = row_period,     [REF_TAB_MEDICATION] = row_medication,
	[REF_TAB_PRESCRIPTION] = row_prescription, [REF_TAB_LAB] = row_lab,
	[REF_TAB_BP] = row_bp,                  [REF_TAB_FORM] = row_form,
};

/*
 * Reading a range on two connections. When the transport offers a twin (a
 * second connection in the same snapshot: libpq), a worker thread reads the
 * tables nobody else refers to (list periods, medications, prescriptions,
 * labs, blood pressures, forms, note matches) on it while this thread reads
 * contacts, fees and diagnoses: the server scans two tables at once on two
 * cores, and the two streams are parsed on two client cores. Every stage is
 * allocated before the worker starts; it writes only its own tables' stages
 * and counters (in copies merged after the join) and looks patients up
 * read-only. The memory budget is shared under a lock. Its errors are kept
 * (kvdb_tl_capture) and reported here after the join; when this thread fails
 * first the worker stops after its current table. The grouping, sorting and
 * delivery after the read are unchanged, so the patients and their events
 * reach the sink exactly as from one connection.
 */
static const enum ref_table worker_tables[] = {
	REF_TAB_LIST_PERIOD, REF_TAB_MEDICATION, REF_TAB_PRESCRIPTION, REF_TAB_LAB,
	REF_TAB_BP,          REF_TAB_FORM,       REF_TAB_NOTE,
};

struct worker {
	struct ref_reader r;   /* a copy: the twin transport, its own counters */
	struct range_state rs; /* a copy: its own patient lookup cache */
	atomic_bool *stop;
	struct kvdb_error_capture err;
	int ret;
};

static bool table_wanted(const struct ref_reader *r, enum ref_table t)
{
	return t != REF_TAB_NOTE || r->rules.n_rules > 0;
}

static kvdb_row_fn table_fn(enum ref_table t)
{
	return t == REF_TAB_NOTE ? row_note : event_fn[t];
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	kvdb_tl_capture = &w->err;
	w->ret = 0;
	for (size_t i = 0; i < N_OF(worker_tables) && w->ret == 0; i++) {
		enum ref_table t = worker_tables[i];
		if (atomic_load(w->stop))
			break;
		if (table_wanted(&w->r, t) &&
		    run_table(&w->r, t, &w->rs.plan->range, table_fn(t), &w->rs) != 0)
			w->ret = -1;
	}
	kvdb_tl_capture = NULL;
	return NULL;
}

static int process_range(struct ref_reader *r, const struct ref_plan_range *pr)
{
	struct range_state rs;
	int ret = -1;
	memset(&rs, 0, sizeof(rs));
	rs.r = r;
	rs.plan = pr;
	rs.mem = &r->mem;
	const struct ref_range *range = &pr->range;
	struct worker *w = NULL;
	pthread_t thread;
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	atomic_bool stop = false;

	/* 1. patients */
	if (pr->rows[REF_TAB_PATIENT] > 0) {
		if (pr->rows[REF_TAB_PATIENT] > SIZE_MAX / sizeof(struct pat)) {
			kvdb_error(r->rc, "too many patients in one range");
			goto done;
		}
		rs.cap_pats = (size_t)pr->rows[REF_TAB_PATIENT];
		rs.pats = kvdb_alloc(r->rc, &r->mem, rs.cap_pats * sizeof(struct pat),
				     "holding the patients of a range");
		if (rs.pats == NULL)
			goto done;
	}
	if (run_table(r, REF_TAB_PATIENT, range, row_patient, &rs) != 0 ||
	    patients_done(&rs) != 0)
		goto done;

	/* 2. every stage, then the worker's tables on the twin if there is one */
	if (kvdb_map_init(r->rc, &r->mem, &rs.cmap, (size_t)pr->rows[REF_TAB_CONTACT],
			  "holding a patient range") != 0 ||
	    prealloc(&rs, REF_TAB_CONTACT) != 0 || prealloc(&rs, REF_TAB_FEE) != 0 ||
	    prealloc(&rs, REF_TAB_DIAGNOSIS) != 0)
		goto done;
	for (size_t i = 0; i < N_OF(worker_tables); i++)
		if (table_wanted(r, worker_tables[i]) && prealloc(&rs, worker_tables[i]) != 0)
			goto done;
	if (r->twin != NULL && (w = calloc(1, sizeof(*w))) != NULL) {
		w->r = *r;
		w->r.t = r->twin;
		w->rs = rs;
		w->rs.r = &w->r;
		w->stop = &stop;
		r->mem.lock = &lock;
		if (pthread_create(&thread, NULL, worker_main, w) != 0) {
			r->mem.lock = NULL;
			free(w);
			w = NULL;
		}
	}

	/* 3. contacts, then what refers to them */
	if (run_table(r, REF_TAB_CONTACT, range, row_contact, &rs) != 0 || contacts_done(&rs) != 0 ||
	    run_table(r, REF_TAB_FEE, range, row_fee, &rs) != 0 ||
	    run_table(r, REF_TAB_DIAGNOSIS, range, row_diagnosis, &rs) != 0)
		goto done;

	/* 4. the rest: the worker's, or here */
	if (w != NULL) {
		pthread_join(thread, NULL);
		r->mem.lock = NULL;
		for (size_t i = 0; i < N_OF(worker_tables); i++) {
			enum ref_table t = worker_tables[i];
			rs.st[t] = w->rs.st[t];
			r->rows[t] = w->r.rows[t];
			memcpy(r->bad[t], w->r.bad[t], sizeof(r->bad[t]));
		}
		int failed = w->ret;
		if (failed != 0)
			kvdb_error(r->rc, "%s", w->err.set ? w->err.msg : "reading a table failed");
		free(w);
		w = NULL;
		if (failed != 0)
			goto done;
	} else {
		for (size_t i = 0; i < N_OF(worker_tables); i++) {
			enum ref_table t = worker_tables[i];
			if (table_wanted(r, t) && run_table(r, t, range, table_fn(t), &rs) != 0)
				goto done;
		}
	}

	/* 5. group, sort, compact */
	for (int t = 0; t < REF_N_TABLES; t++) {
		if (!is_stage((enum ref_table)t))
			continue;
		if (!rs.st[t].grouped && stage_group(&rs, (enum ref_table)t) != 0)
			goto done;
		stage_compact(&rs, (enum ref_table)t);
	}

	/* 6. deliver */
	if (deliver(&rs) != 0)
		goto done;
	ret = 0;
done:
	if (w != NULL) {
		/* this thread failed while the worker reads: stop it, keep our error */
		atomic_store(&stop, true);
		pthread_join(thread, NULL);
		r->mem.lock = NULL;
		for (size_t i = 0; i < N_OF(worker_tables); i++)
			rs.st[worker_tables[i]] = w->rs.st[worker_tables[i]];
		free(w);
	}
	range_free(&rs);
	return ret;
}

/* ---- the read ---------------------------------------------------------- */

/* Below this no range plan can work. */
#define REF_MIN_BUDGET 2048

static int load_roles(struct ref_reader *r, const struct ref_totals *tot)
{
	if (kvdb_map_init(r->rc, &r->mem, &r->roles, (size_t)tot->rows[REF_TAB_PRACTITIONER],
			  "holding the practitioner roles") != 0)
		return -1;
	return run_table(r, REF_TAB_PRACTITIONER, NULL, row_practitioner, r);
}

static void report_counts(struct ref_reader *r)
{
	const struct kv_host *h = r->rc->host;
	for (int t = 0; t < REF_N_TABLES; t++) {
		if (t == REF_TAB_NOTE && r->rules.n_rules == 0)
			continue; /* not read */
		h->count_rows(r->rc->ctx, ref_queries[t].table, r->rows[t]);
		for (int w = 0; w < REF_N_REASONS; w++)
			if (r->bad[t][w] > 0)
				h->count_bad_rows(r->rc->ctx, ref_queries[t].table, ref_reason_text[w],
						  r->bad[t][w]);
	}
}

int ref_read(struct kvdb_ctx *rc, struct kvdb_transport *t, const struct kv_read_request *req,
	     kv_patient_sink sink, void *sink_arg)
{
	struct ref_reader *r = NULL;
	struct ref_plan plan = {0};
	struct ref_totals tot;
	bool began = false;
	int ret = KV_ERROR;

	if (req == NULL || sink == NULL)
		return kvdb_error(rc, "read() needs a request and a patient sink");
	if (req->n_note_patterns > 0 && req->note_patterns == NULL)
		return kvdb_error(rc, "the request names keyword rules but gives none");
	if (req->memory_budget < REF_MIN_BUDGET)
		return kvdb_error(rc, "a memory budget of %zu bytes is too small (at least %d)",
				  req->memory_budget, REF_MIN_BUDGET);
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return kvdb_error(rc, "out of memory");
	r->rc = rc;
	r->t = t;
	r->req = req;
	r->sink = sink;
	r->sink_arg = sink_arg;
	r->mem.budget = req->memory_budget;
	t->mem = &r->mem;

	if (req->n_note_patterns > 0 && !ref_dialect_has_notes(t->dialect)) {
		kvdb_error(rc, "keyword rules cannot be matched in DBMS \"%s\" over %s: the "
			       "connector translates them for PostgreSQL, SQLite and Microsoft SQL "
			       "Server only",
			   t->dbms, t->name);
		goto done;
	}
	if (req->n_note_patterns > 0 &&
	    ref_notes_translate(rc, &r->mem, t->dialect, req->note_patterns, req->n_note_patterns,
				&r->rules) != 0)
		goto done;
	r->buffer_bytes = t->buffer_bytes(t, r->mem.budget);

	if (t->begin(t) != 0)
		goto done;
	began = true;
	if (t->twin != NULL)
		r->twin = t->twin(t);
	if (ref_plan_totals(r, &tot) != 0 || load_roles(r, &tot) != 0 ||
	    ref_plan_make(r, &tot, &plan) != 0)
		goto done;
	/* Progress for the core; a host older than the field simply lacks it. */
	const struct kv_host *h = rc->host;
	if (h->struct_size >= offsetof(struct kv_host, expect_patients) + sizeof h->expect_patients &&
	    h->expect_patients != NULL)
		h->expect_patients(rc->ctx, tot.rows[REF_TAB_PATIENT]);
	for (size_t i = 0; i < plan.n; i++)
		if (process_range(r, &plan.ranges[i]) != 0)
			goto done;
	bool twin_used = r->twin != NULL;
	if (r->twin != NULL) {
		r->twin->end(r->twin, false);
		r->twin->close(r->twin);
		r->twin = NULL;
	}
	began = false;
	if (t->end(t, true) != 0)
		goto done;

	kvdb_log(rc, KV_LOG_INFO,
		 "read %" PRIu64 " patients in %zu patient_id range%s over %s%s; %zu of %zu bytes "
		 "held at most",
		 r->delivered, plan.n, plan.n == 1 ? "" : "s", t->name,
		 twin_used ? " (two connections in one snapshot)" : "", r->mem.peak, r->mem.budget);
	report_counts(r);
	ret = KV_OK;
done:
	if (r->twin != NULL) {
		r->twin->end(r->twin, false);
		r->twin->close(r->twin);
	}
	if (began)
		(void)t->end(t, false);
	ref_plan_free(r, &plan);
	kvdb_map_fini(&r->mem, &r->roles);
	ref_notes_free(&r->mem, &r->rules);
	t->mem = NULL;
	free(r);
	return ret;
}
