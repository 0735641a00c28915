/*
 * ref_rows.c - the reference schema's rows to staged events: one decoder
 * per table
 *
 * Each decoder validates and normalises one row (indicators.md precise rule
 * 2 and 18) with the cell readers of kvdb_row.c, finds its patient (and
 * contact) in the range, and stages the canonical event with its sort key
 * (kvdb_stage.c). Unknown enum values, unparseable dates and numbers, empty
 * or too long codes and negative DDD counts are bad rows, counted per table
 * and fixed reason and then ignored; fees on a bad contact go with it,
 * diagnoses pointing at one are kept unlinked (contact -1); a patient row
 * with an unknown sex is a bad row and that patient, with all its events,
 * is never delivered. Events dated after kv_read_request.to are read and
 * dropped.
 *
 * Ties on the same date are broken by the row's primary key (or by its
 * content where the table has none), so the events come out in the same
 * order whatever the transport, the scan order or the range plan.
 */
#include "ref.h"

#include <math.h>
#include <string.h>

/* ---- staging records --------------------------------------------------- */

/* a list period keeps its GP (gp_id) until the holders are picked */
struct st_period { struct kvdb_head h; struct kv_list_period ev; uint32_t gp, unused; };
struct st_contact { struct kvdb_head h; struct kv_contact ev; };
struct st_fee { struct kvdb_head h; struct kv_fee ev; };
struct st_dx { struct kvdb_head h; struct kv_diagnosis ev; };
struct st_med { struct kvdb_head h; struct kv_medication ev; };
struct st_rx { struct kvdb_head h; struct kv_prescription ev; };
struct st_lab { struct kvdb_head h; struct kv_lab_result ev; };
struct st_bp { struct kvdb_head h; struct kv_blood_pressure ev; };
struct st_form { struct kvdb_head h; struct kv_form ev; };
struct st_note { struct kvdb_head h; struct kv_note_match ev; };

/* kvdb_swap and kvdb_sort move records in 8-byte words, up to a limit */
KVDB_STAGE_OK(st_period);
KVDB_STAGE_OK(st_contact);
KVDB_STAGE_OK(st_fee);
KVDB_STAGE_OK(st_dx);
KVDB_STAGE_OK(st_med);
KVDB_STAGE_OK(st_rx);
KVDB_STAGE_OK(st_lab);
KVDB_STAGE_OK(st_bp);
KVDB_STAGE_OK(st_form);
KVDB_STAGE_OK(st_note);

static int cmp_plain(const void *a, const void *b)
{
	return kvdb_cmp_head(a, b);
}

/* By (from, to), then GP: overlapping periods in one fixed order. */
static int cmp_period(const void *va, const void *vb)
{
	const struct st_period *a = va, *b = vb;
	int c = kvdb_cmp_head(&a->h, &b->h);
	return c != 0 ? c : (a->gp > b->gp) - (a->gp < b->gp);
}

static int cmp_fee(const void *va, const void *vb)
{
	const struct st_fee *a = va, *b = vb;
	int c = kvdb_cmp_head(&a->h, &b->h);
	return c != 0 ? c : strcmp(a->ev.code, b->ev.code);
}

static int cmp_bp(const void *va, const void *vb)
{
	const struct st_bp *a = va, *b = vb;
	int c = kvdb_cmp_head(&a->h, &b->h);
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
	int c = kvdb_cmp_head(&a->h, &b->h);
	if (c != 0)
		return c;
	return (a->ev.pattern > b->ev.pattern) - (a->ev.pattern < b->ev.pattern);
}

#define SD(st, cmpf) KVDB_STAGE_DESC(st, ev, cmpf)

const struct kvdb_stage_desc ref_stage_descs[REF_N_TABLES] = {
	[REF_TAB_LIST_PERIOD] = SD(st_period, cmp_period),
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

#define N_STAGES 10

size_t ref_asm_patient_cost(void)
{
	/* the record, its map entry, one offset per stage */
	return KVDB_PAT_COST + N_STAGES * sizeof(size_t);
}

size_t ref_asm_row_cost(enum ref_table t)
{
	switch (t) {
	case REF_TAB_PRACTITIONER:
		return KVDB_MAP_ENTRY_COST; /* a role map entry */
	case REF_TAB_PATIENT:
		return ref_asm_patient_cost();
	case REF_TAB_CONTACT:
		return ref_stage_descs[t].elem + KVDB_MAP_ENTRY_COST; /* + the contact map */
	default:
		return ref_stage_descs[t].elem;
	}
}

/* ---- value helpers ----------------------------------------------------- */

static int count_bad(struct ref_range_state *rs, enum ref_table t, unsigned why)
{
	rs->r->bad[t][why]++;
	return 0; /* a bad row never stops the read */
}

/* A required code: trimmed, upper case, dots removed if asked. */
static void req_code(const struct kvdb_cell *c, bool dots, char out[KV_CODE_MAX], unsigned *why)
{
	int k = kvdb_cell_code(c, dots, out);
	if (k == 1)
		kvdb_fail(why, REF_R_MISSING_VALUE);
	else if (k == 2)
		kvdb_fail(why, REF_R_EMPTY_CODE);
	else if (k < 0)
		kvdb_fail(why, REF_R_CODE_TOO_LONG);
}

/* An optional ATC code: NULL or empty after trimming is "" (no ATC). */
static void opt_atc(const struct kvdb_cell *c, char out[KV_CODE_MAX], unsigned *why)
{
	if (kvdb_cell_code(c, false, out) < 0)
		kvdb_fail(why, REF_R_CODE_TOO_LONG);
}

/* An enum column: exact comparison with the table of names (index + 1). */
static uint8_t req_enum(const struct kvdb_cell *c, const char *const *names, size_t n,
			enum ref_reason unknown, unsigned *why)
{
	if (c->kind == KVDB_V_NULL) {
		kvdb_fail(why, REF_R_MISSING_VALUE);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (kvdb_text_eq(c, names[i]))
			return (uint8_t)(i + 1);
	kvdb_fail(why, unknown);
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
static bool out_of_window(const struct ref_range_state *rs, kv_date date)
{
	const struct kv_read_request *req = rs->r->req;
	return date > req->to || (req->events_from != 0 && date < req->events_from);
}

/* The slot of a deliverable patient; otherwise the reason. */
static bool find_patient(struct ref_range_state *rs, int64_t pid, uint32_t *slot, unsigned *why)
{
	return kvdb_pats_slot(&rs->pats, pid, REF_R_UNKNOWN_PATIENT, REF_R_BAD_PATIENT, slot, why);
}

/* A row of table t, decoded (why: its reason, if bad), through the tail
 * every decoder shares (kvdb_stage_row): staged (1, *rec with its head
 * set), or not (0: a bad row counted, or dated after req->to or, for a
 * windowed kind, before events_from: dropped), or -1 (the budget). */
static struct kvdb_row_to row_to(struct ref_range_state *rs, enum ref_table t, bool windowed)
{
	const struct kv_read_request *req = rs->r->req;
	return (struct kvdb_row_to){
		.rc = rs->r->rc, .mem = rs->mem, .pats = &rs->pats, .bad = rs->r->bad[t],
		.unknown_patient = REF_R_UNKNOWN_PATIENT, .bad_patient = REF_R_BAD_PATIENT,
		.from = windowed ? req->events_from : 0, .to = req->to,
		.what = "holding the rows of a patient range",
	};
}

static int stage(struct ref_range_state *rs, enum ref_table t, bool windowed, unsigned why,
		 int64_t pid, kv_date date, int64_t key, void **rec)
{
	const struct kvdb_row_to x = row_to(rs, t, windowed);
	return kvdb_stage_row(&x, &rs->st[t], why, pid, date, key, rec);
}

static void *push(struct ref_range_state *rs, enum ref_table t)
{
	/* more rows than planned: only if the data changed under a
	 * non-snapshot DBMS, or NULL patient ids; grown within the budget */
	return kvdb_stage_push(rs->r->rc, rs->mem, &rs->st[t],
			       "holding the rows of a patient range");
}

/* ---- practitioners ----------------------------------------------------- */

int ref_row_practitioner(void *arg, const struct kvdb_cell *c)
{
	struct ref_reader *r = arg;
	unsigned why = KVDB_NO_REASON;
	int64_t id = 0;
	r->rows[REF_TAB_PRACTITIONER]++;
	kvdb_req_int(&c[0], &id, &why);
	uint8_t role = req_enum(&c[1], role_names, N_OF(role_names), REF_R_UNKNOWN_ROLE, &why);
	if (why != KVDB_NO_REASON) {
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

int ref_row_patient(void *arg, const struct kvdb_cell *c)
{
	struct ref_range_state *rs = arg;
	unsigned why = KVDB_NO_REASON;
	int64_t id = 0;
	kv_date birth = 0, death = KV_DATE_OPEN;

	rs->r->rows[REF_TAB_PATIENT]++;
	kvdb_req_int(&c[0], &id, &why);
	if (why != KVDB_NO_REASON)
		return count_bad(rs, REF_TAB_PATIENT, why); /* no id: nothing can refer to it */
	kvdb_req_date(&c[1], false, &birth, &why);
	uint8_t sex = req_enum(&c[2], sex_names, N_OF(sex_names), REF_R_UNKNOWN_SEX, &why);
	kvdb_opt_date(&c[3], &death, &why);

	struct kvdb_pat *p = kvdb_pats_push(rs->r->rc, &rs->r->mem, &rs->pats,
					    "holding the patients of a range");
	if (p == NULL)
		return -1;
	p->id = id;
	p->birth = birth;
	p->death = death;
	p->sex = sex;
	/* a bad patient row stays known, so its events are "patient is a bad
	 * row" rather than "unknown patient" */
	p->bad = why != KVDB_NO_REASON;
	if (why != KVDB_NO_REASON)
		count_bad(rs, REF_TAB_PATIENT, why);
	else if ((rs->r->origin & KV_ORIGIN_KEY) &&
		 kvdb_pats_key(rs->r->rc, &rs->r->mem, &rs->pats, p, &c[4],
			       &rs->r->bad[REF_TAB_PATIENT][REF_R_KEY_TOO_LONG]) != 0)
		return -1; /* the key (ABI 2.1), selected last only when asked */
	return 0;
}

static int row_period(void *arg, const struct kvdb_cell *c)
{
	struct ref_range_state *rs = arg;
	unsigned why = KVDB_NO_REASON;
	int64_t pid = 0;
	kv_date from = 0, to = KV_DATE_OPEN;
	void *rec;

	rs->r->rows[REF_TAB_LIST_PERIOD]++;
	kvdb_req_int(&c[0], &pid, &why);
	kvdb_req_date(&c[1], false, &from, &why);
	kvdb_opt_date(&c[2], &to, &why);
	int k = stage(rs, REF_TAB_LIST_PERIOD, false, why, pid, from, to, &rec);
	if (k <= 0)
		return k;
	struct st_period *e = rec;
	e->ev.from = from;
	e->ev.to = to;
	e->gp = kvdb_cell_ref(&c[3]); /* never a bad row: only passed on */
	return 0;
}

/* After the list periods are grouped (sorted by from, to, GP), before they
 * are compacted: each patient's list holder at req->to is the GP of the
 * last period covering it (from <= to < valid_to), 0 when none does. Runs
 * on the reading thread after the worker's join. */
int ref_list_holders(struct ref_range_state *rs)
{
	const struct kvdb_stage *s = &rs->st[REF_TAB_LIST_PERIOD];
	kv_date at = rs->r->req->to;
	if (!s->grouped)
		return 0;
	if ((rs->r->origin & KV_ORIGIN_HOLDERS) && s->n > 0) {
		/* ABI 2.1: every period's GP, in the order compaction keeps */
		rs->holders = kvdb_calloc(rs->r->rc, rs->mem, s->n, sizeof(uint64_t),
					  "holding the list holders of a patient range");
		if (rs->holders == NULL)
			return -1;
	}
	for (size_t p = 0; p < rs->pats.n; p++) {
		for (size_t i = s->off[p]; i < s->off[p + 1]; i++) {
			const struct st_period *e =
				(const struct st_period *)(s->data + i * sizeof(struct st_period));
			if (rs->holders != NULL)
				rs->holders[i] = e->gp;
			if (e->ev.from <= at && at < e->ev.to) /* KV_DATE_OPEN is INT32_MAX */
				rs->pats.p[p].holder = e->gp;
		}
	}
	return 0;
}

int ref_row_contact(void *arg, const struct kvdb_cell *c)
{
	struct ref_range_state *rs = arg;
	unsigned why = KVDB_NO_REASON;
	int64_t id = 0, pid = 0, prac = 0;
	kv_date date = 0;
	uint32_t slot = 0;

	rs->r->rows[REF_TAB_CONTACT]++;
	kvdb_req_int(&c[0], &id, &why);
	if (why != KVDB_NO_REASON)
		return count_bad(rs, REF_TAB_CONTACT, why);
	kvdb_req_int(&c[1], &pid, &why);
	kvdb_req_int(&c[2], &prac, &why);
	kvdb_req_date(&c[3], true, &date, &why);
	uint8_t kind = req_enum(&c[4], kind_names, N_OF(kind_names), REF_R_UNKNOWN_KIND, &why);
	if (why == KVDB_NO_REASON)
		find_patient(rs, pid, &slot, &why);

	uint32_t val;
	if (why != KVDB_NO_REASON)
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
	if (why != KVDB_NO_REASON)
		return count_bad(rs, REF_TAB_CONTACT, why);
	if (val == CONTACT_DROPPED)
		return 0;

	struct st_contact *e = push(rs, REF_TAB_CONTACT);
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
int ref_contacts_done(struct ref_range_state *rs)
{
	if (kvdb_stage_group(rs->r->rc, &rs->r->mem, &rs->st[REF_TAB_CONTACT], rs->pats.n,
			     "grouping rows by patient") != 0)
		return -1;
	const struct kvdb_stage *s = &rs->st[REF_TAB_CONTACT];
	for (size_t i = 0; i < s->n; i++) {
		const struct st_contact *e =
			(const struct st_contact *)(s->data + i * sizeof(struct st_contact));
		kvdb_map_set(&rs->cmap, e->h.key, (uint32_t)i);
	}
	return 0;
}

/* A good contact's staging record, or NULL (*val tells why). */
static const struct st_contact *find_contact(const struct ref_range_state *rs, int64_t id,
					     uint32_t *val)
{
	*val = kvdb_map_get(&rs->cmap, id);
	if (*val >= MAX_POSITION)
		return NULL;
	return (const struct st_contact *)(rs->st[REF_TAB_CONTACT].data +
					   (size_t)*val * sizeof(struct st_contact));
}

int ref_row_fee(void *arg, const struct kvdb_cell *c)
{
	struct ref_range_state *rs = arg;
	unsigned why = KVDB_NO_REASON;
	int64_t cid = 0;
	char code[KV_CODE_MAX];

	rs->r->rows[REF_TAB_FEE]++;
	kvdb_req_int(&c[0], &cid, &why);
	req_code(&c[1], false, code, &why);
	if (why != KVDB_NO_REASON)
		return count_bad(rs, REF_TAB_FEE, why);
	uint32_t val;
	const struct st_contact *ct = find_contact(rs, cid, &val);
	if (ct == NULL) {
		if (val == CONTACT_DROPPED)
			return 0; /* a contact after req->to: so is the fee */
		return count_bad(rs, REF_TAB_FEE,
				 val == CONTACT_BAD ? REF_R_BAD_CONTACT : REF_R_UNKNOWN_CONTACT);
	}
	const struct kvdb_stage *cs = &rs->st[REF_TAB_CONTACT];
	struct st_fee *e = push(rs, REF_TAB_FEE);
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

int ref_row_diagnosis(void *arg, const struct kvdb_cell *c)
{
	struct ref_range_state *rs = arg;
	unsigned why = KVDB_NO_REASON;
	int64_t id = 0, pid = 0, cid = 0;
	kv_date date = 0;
	char code[KV_CODE_MAX];
	void *rec;

	rs->r->rows[REF_TAB_DIAGNOSIS]++;
	kvdb_req_int(&c[0], &id, &why);
	kvdb_req_int(&c[1], &pid, &why);
	int has_contact = kvdb_cell_int(&c[2], &cid);
	if (has_contact < 0)
		kvdb_fail(&why, REF_R_UNPARSEABLE_NUMBER);
	kvdb_req_date(&c[3], false, &date, &why);
	uint8_t sys = req_enum(&c[4], system_names, N_OF(system_names),
			       REF_R_UNKNOWN_CODE_SYSTEM, &why);
	req_code(&c[5], true, code, &why);
	int k = stage(rs, REF_TAB_DIAGNOSIS, false, why, pid, date, id, &rec);
	if (k <= 0)
		return k;
	struct st_dx *e = rec;
	uint32_t slot = e->h.slot;
	int32_t cidx = -1;
	if (has_contact == 0) {
		uint32_t val;
		const struct st_contact *ct = find_contact(rs, cid, &val);
		/* linked only to a good contact of the same patient; a bad or
		 * later contact leaves the diagnosis unlinked (rule 2) */
		if (ct != NULL && ct->h.slot == slot)
			cidx = (int32_t)(val - rs->st[REF_TAB_CONTACT].off[slot]);
	}
	e->ev.date = date;
	e->ev.contact = cidx;
	e->ev.system = sys;
	memcpy(e->ev.code, code, sizeof(code));
	return 0;
}

static int row_medication(void *arg, const struct kvdb_cell *c)
{
	struct ref_range_state *rs = arg;
	unsigned why = KVDB_NO_REASON;
	int64_t id = 0, pid = 0;
	kv_date start = 0, stop = KV_DATE_OPEN;
	void *rec;
	char atc[KV_CODE_MAX];

	rs->r->rows[REF_TAB_MEDICATION]++;
	kvdb_req_int(&c[0], &id, &why);
	kvdb_req_int(&c[1], &pid, &why);
	opt_atc(&c[2], atc, &why);
	uint8_t use = req_enum(&c[3], use_names, N_OF(use_names), REF_R_UNKNOWN_USE_TYPE, &why);
	kvdb_req_date(&c[4], false, &start, &why);
	kvdb_opt_date(&c[5], &stop, &why);
	int k = stage(rs, REF_TAB_MEDICATION, false, why, pid, start, id, &rec);
	if (k <= 0)
		return k;
	struct st_med *e = rec;
	e->ev.start = start;
	e->ev.stop = stop;
	e->ev.use_type = use;
	memcpy(e->ev.atc, atc, sizeof(atc));
	return 0;
}

static int row_prescription(void *arg, const struct kvdb_cell *c)
{
	struct ref_range_state *rs = arg;
	unsigned why = KVDB_NO_REASON;
	int64_t id = 0, pid = 0;
	kv_date date = 0;
	void *rec;
	char atc[KV_CODE_MAX];
	double ddd = 0;
	bool has_ddd = false;
	uint8_t group = KV_RX_GROUP_UNKNOWN;

	rs->r->rows[REF_TAB_PRESCRIPTION]++;
	kvdb_req_int(&c[0], &id, &why);
	kvdb_req_int(&c[1], &pid, &why);
	kvdb_req_date(&c[2], false, &date, &why);
	opt_atc(&c[3], atc, &why);
	kvdb_opt_float(&c[4], &ddd, &has_ddd, &why);
	if (has_ddd && isfinite(ddd) && ddd < 0)
		kvdb_fail(&why, REF_R_NEGATIVE_DDD);
	if (c[5].kind != KVDB_V_NULL)
		group = req_enum(&c[5], group_names, N_OF(group_names), REF_R_UNKNOWN_RX_GROUP,
				 &why);
	int k = stage(rs, REF_TAB_PRESCRIPTION, true, why, pid, date, id, &rec);
	if (k <= 0)
		return k;
	struct st_rx *e = rec;
	e->ev.date = date;
	e->ev.group = group;
	e->ev.has_ddd = has_ddd;
	e->ev.ddd = has_ddd ? ddd : 0.0;
	memcpy(e->ev.atc, atc, sizeof(atc));
	return 0;
}

static int row_lab(void *arg, const struct kvdb_cell *c)
{
	struct ref_range_state *rs = arg;
	unsigned why = KVDB_NO_REASON;
	int64_t id = 0, pid = 0;
	kv_date date = 0;
	void *rec;
	char code[KV_CODE_MAX];
	double value = 0;
	bool has_value = false;

	rs->r->rows[REF_TAB_LAB]++;
	kvdb_req_int(&c[0], &id, &why);
	kvdb_req_int(&c[1], &pid, &why);
	kvdb_req_date(&c[2], false, &date, &why);
	req_code(&c[3], false, code, &why);
	kvdb_opt_float(&c[4], &value, &has_value, &why);
	int k = stage(rs, REF_TAB_LAB, true, why, pid, date, id, &rec);
	if (k <= 0)
		return k;
	struct st_lab *e = rec;
	e->ev.date = date;
	e->ev.has_value = has_value;
	e->ev.value = has_value ? value : 0.0;
	memcpy(e->ev.code, code, sizeof(code));
	return 0;
}

static int row_bp(void *arg, const struct kvdb_cell *c)
{
	struct ref_range_state *rs = arg;
	unsigned why = KVDB_NO_REASON;
	int64_t pid = 0, sys = 0, dia = 0;
	kv_date date = 0;
	void *rec;

	rs->r->rows[REF_TAB_BP]++;
	kvdb_req_int(&c[0], &pid, &why);
	kvdb_req_date(&c[1], false, &date, &why);
	kvdb_req_int(&c[2], &sys, &why);
	kvdb_req_int(&c[3], &dia, &why);
	if (why == KVDB_NO_REASON && (sys < INT16_MIN || sys > INT16_MAX || dia < INT16_MIN ||
				 dia > INT16_MAX))
		kvdb_fail(&why, REF_R_OUT_OF_RANGE);
	int k = stage(rs, REF_TAB_BP, true, why, pid, date, 0 /* no key: ties by the values (cmp_bp) */, &rec);
	if (k <= 0)
		return k;
	struct st_bp *e = rec;
	e->ev.date = date;
	e->ev.systolic = (int16_t)sys;
	e->ev.diastolic = (int16_t)dia;
	return 0;
}

static int row_form(void *arg, const struct kvdb_cell *c)
{
	struct ref_range_state *rs = arg;
	unsigned why = KVDB_NO_REASON;
	int64_t id = 0, pid = 0;
	kv_date date = 0;
	void *rec;

	rs->r->rows[REF_TAB_FORM]++;
	kvdb_req_int(&c[0], &id, &why);
	kvdb_req_int(&c[1], &pid, &why);
	kvdb_req_date(&c[2], false, &date, &why);
	if (c[3].kind == KVDB_V_NULL)
		kvdb_fail(&why, REF_R_MISSING_VALUE);
	else if (c[3].kind != KVDB_V_TEXT || c[3].too_long || c[3].len >= KV_FORM_TYPE_MAX)
		kvdb_fail(&why, REF_R_FORM_TYPE_TOO_LONG);
	int k = stage(rs, REF_TAB_FORM, true, why, pid, date, id, &rec);
	if (k <= 0)
		return k;
	struct st_form *e = rec;
	e->ev.date = date;
	/* compared exactly (rule 2): no trimming or case change */
	memcpy(e->ev.type, c[3].s, c[3].len);
	e->ev.type[c[3].len] = '\0';
	return 0;
}

static int row_note(void *arg, const struct kvdb_cell *c)
{
	struct ref_range_state *rs = arg;
	unsigned why = KVDB_NO_REASON;
	int64_t pid = 0, id = 0;
	kv_date date = 0;
	uint32_t slot = 0;

	rs->r->rows[REF_TAB_NOTE]++;
	kvdb_req_int(&c[0], &pid, &why);
	kvdb_req_date(&c[1], false, &date, &why);
	kvdb_req_int(&c[2], &id, &why);
	const struct kvdb_row_to x = row_to(rs, REF_TAB_NOTE, true);
	if (kvdb_row_patient(&x, why, pid, date, &slot) == 0)
		return 0;
	for (size_t i = 0; i < rs->r->rules.n_rules; i++) {
		int64_t flag = 0;
		if (kvdb_cell_int(&c[3 + i], &flag) != 0 || flag == 0)
			continue;
		struct st_note *e = push(rs, REF_TAB_NOTE);
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


const kvdb_row_fn ref_event_fns[REF_N_TABLES] = {
	[REF_TAB_LIST_PERIOD] = row_period,        [REF_TAB_MEDICATION] = row_medication,
	[REF_TAB_PRESCRIPTION] = row_prescription, [REF_TAB_LAB] = row_lab,
	[REF_TAB_BP] = row_bp,                     [REF_TAB_FORM] = row_form,
	[REF_TAB_NOTE] = row_note,
};
