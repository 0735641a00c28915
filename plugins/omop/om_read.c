/*
 * om_read.c - OMOP rows to patients: map, validate, group, sort, deliver
 *
 * om_read() runs one read in one read-only snapshot (transport begin/end):
 *
 *   1. the provider specialties (provider_id -> kv_role), held for the read;
 *   2. the row counts (and person_id span) of every table read per person,
 *      and from them the person ranges that fit the memory budget, planned
 *      by the connectors' shared planner (kvdb_plan.c): one unbounded range
 *      when everything fits; otherwise per-bucket row counts over person_id
 *      of each table (om_sql_histogram, exact: the same snapshot), weighed
 *      with per-row costs (om_row_cost), cut into consecutive ranges
 *      greedily, a bucket too big alone counted again with finer buckets
 *      down to one person (too big still: an error naming the budget); the
 *      first range takes the rows with a NULL person_id, the last is open
 *      above;
 *   3. per range: persons and deaths; observation periods (list periods);
 *      visits (contacts), sorted so that conditions and procedures can name
 *      their contact's index; conditions (and the SNOMED ancestors a
 *      diagnosis value set names); drug exposures (medications and
 *      prescriptions); measurements (lab results; systolic and diastolic
 *      rows paired into blood pressures); procedures (fees);
 *   4. per kind a sort by (person, date, row id, tie-break), then one
 *      struct kv_patient per person handed to the sink.
 *
 * The mapping rules (visit concepts to contact kinds, units, regular use,
 * the office) are in plugins/omop/README.md and next to the code below.
 *
 * Bad rows are counted per table and fixed reason and then ignored; a
 * drug exposure without an ATC code is delivered (with atc "") and counted
 * as "no ATC code". Events dated after kv_read_request.to are read and
 * dropped; kv_read_request.events_from is not used (allowed by the ABI: the
 * read is then only slower). Over libpq a worker thread reads drug exposures
 * and measurements on a second connection in the same snapshot (see
 * "Reading a range on two connections" below). All memory is taken from
 * the read's kvdb_mem and freed before returning.
 */
#include "om.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- reasons ------------------------------------------------------------ */

/* kvdb_row.c's first */
enum om_reason {
	R_MISSING_VALUE = KVDB_R_MISSING_VALUE,
	R_UNPARSEABLE_DATE = KVDB_R_UNPARSEABLE_DATE,
	R_UNPARSEABLE_NUMBER = KVDB_R_UNPARSEABLE_NUMBER,
	R_NOT_FINITE = KVDB_R_NOT_FINITE,
	R_OUT_OF_RANGE = KVDB_R_OUT_OF_RANGE,
	R_UNMAPPED_CONCEPT = KVDB_N_REASONS,
	R_CODE_TOO_LONG,
	R_NO_ATC,
	R_UNKNOWN_UNIT,
	R_END_BEFORE_START,
	R_DUPLICATE_KEY,
	R_UNKNOWN_PERSON,
	R_NO_VISIT,
	R_UNKNOWN_VISIT,
	R_UNPAIRED_BP,
	R_KEY_TOO_LONG, /* the person is still delivered, its key NULL */
	R_N_REASONS
};

static const char *const reason_text[R_N_REASONS] = {
	[R_MISSING_VALUE] = "missing value",
	[R_UNPARSEABLE_DATE] = "unparseable date",
	[R_UNPARSEABLE_NUMBER] = "unparseable number",
	[R_NOT_FINITE] = "non-finite number",
	[R_OUT_OF_RANGE] = "value out of range",
	[R_UNMAPPED_CONCEPT] = "unmapped concept",
	[R_CODE_TOO_LONG] = "code too long",
	[R_NO_ATC] = "no ATC code",
	[R_UNKNOWN_UNIT] = "unknown unit",
	[R_END_BEFORE_START] = "end before start",
	[R_DUPLICATE_KEY] = "duplicate key",
	[R_UNKNOWN_PERSON] = "unknown person",
	[R_NO_VISIT] = "no visit",
	[R_UNKNOWN_VISIT] = "unknown visit",
	[R_UNPAIRED_BP] = "unpaired blood pressure",
	[R_KEY_TOO_LONG] = "patient key too long",
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- mapping tables ---------------------------------------------------- */

/* OMOP gender concepts. */
#define GENDER_MALE 8507
#define GENDER_FEMALE 8532

/* Visit concepts (OMOP "Visit" vocabulary and CMS place of service) to
 * contact kinds. A visit at the practice or by the GP is a consultation,
 * home visit or video; hospital and emergency visits are no contact with
 * the practice, but keep their diagnoses and procedures linked: they are
 * delivered as admin contacts, which no indicator counts as a contact. */
static const struct {
	int64_t concept;
	uint8_t kind;
} visit_kinds[] = {
	{9202, KV_CONTACT_CONSULTATION},      /* Outpatient Visit */
	{581477, KV_CONTACT_CONSULTATION},    /* Office Visit */
	{38004207, KV_CONTACT_CONSULTATION},  /* Ambulatory Clinic / Center */
	{581476, KV_CONTACT_HOME_VISIT},      /* Home Visit */
	{5083, KV_CONTACT_VIDEO},             /* Telehealth */
	{722455, KV_CONTACT_VIDEO},           /* Telehealth (visit) */
	{9201, KV_CONTACT_ADMIN},             /* Inpatient Visit */
	{9203, KV_CONTACT_ADMIN},             /* Emergency Room Visit */
	{262, KV_CONTACT_ADMIN},              /* Emergency Room and Inpatient Visit */
};

/* Provider specialties that are general practice. Others with a specialty
 * are KV_ROLE_OTHER; a visit without a provider is KV_ROLE_UNKNOWN. */
static const int64_t gp_specialties[] = {
	38004446, /* General Practice */
	38004453, /* Family Practice */
};

/* Lab units: a result of one of these LOINC codes is delivered in the unit
 * the value sets expect for the code (the unit its LOINC name states),
 * converted from the unit_concept_id's UCUM code. A listed code in an
 * unlisted unit (or without a unit) is delivered without a value and counted
 * "unknown unit". Other codes are delivered as measured. */
static const struct {
	const char *loinc;
	const char *ucum;
	double factor;
	double offset; /* delivered = value * factor + offset */
} lab_units[] = {
	/* HbA1c in % (DCCT/NGSP); IFCC mmol/mol -> % = mmol/mol / 10.93 + 2.15 */
	{"4548-4", "%", 1.0, 0.0},
	{"4548-4", "mmol/mol", 1.0 / 10.93, 23.5 / 10.93},
	{"4549-2", "%", 1.0, 0.0},
	{"4549-2", "mmol/mol", 1.0 / 10.93, 23.5 / 10.93},
	{"17856-6", "%", 1.0, 0.0},
	{"17856-6", "mmol/mol", 1.0 / 10.93, 23.5 / 10.93},
	/* HbA1c in mmol/mol (IFCC) */
	{"59261-8", "mmol/mol", 1.0, 0.0},
	{"59261-8", "%", 10.93, -23.5},
	/* urine albumin/creatinine: delivered in mg/mmol, the unit of the
	 * catalogue's threshold; mg/g * 113.12 / 1000 (creatinine 113.12 g/mol) */
	{"14959-1", "mg/g", 0.11312, 0.0},
	{"14959-1", "mg/mmol", 1.0, 0.0},
	{"9318-7", "mg/g", 0.11312, 0.0},
	{"9318-7", "mg/mmol", 1.0, 0.0},
};

#define LOINC_SYSTOLIC "8480-6"
#define LOINC_DIASTOLIC "8462-4"

/* ---- staging ------------------------------------------------------------ */

/* The kinds of events a person has here: kvdb_deliver()'s, up to blood
 * pressures (no forms or note matches in OMOP). */
enum om_kind {
	K_PERIOD = KVDB_K_PERIOD,
	K_CONTACT = KVDB_K_CONTACT,
	K_FEE = KVDB_K_FEE,
	K_DX = KVDB_K_DIAGNOSIS,
	K_MED = KVDB_K_MEDICATION,
	K_RX = KVDB_K_PRESCRIPTION,
	K_LAB = KVDB_K_LAB,
	K_BP = KVDB_K_BP,
	N_KINDS
};

struct bp_part {
	double value;
	uint8_t systolic;
};

struct om_ev {
	struct kvdb_head h; /* slot, date, key: the row's id, ties on a date in a fixed order */
	int64_t visit;      /* visit_occurrence_id, or NO_VISIT */
	int32_t sub;        /* events of one row: their order */
	union {
		struct kv_list_period p;
		struct kv_contact c;
		struct kv_fee f;
		struct kv_diagnosis d;
		struct kv_medication m;
		struct kv_prescription r;
		struct kv_lab_result l;
		struct bp_part bp;
	} u;
};
KVDB_STAGE_OK(om_ev);

#define NO_VISIT INT64_MIN

/* One person's events of a kind, before compaction. */
static int cmp_ev(const void *va, const void *vb)
{
	const struct om_ev *a = va, *b = vb;
	int c = kvdb_cmp_head(&a->h, &b->h);
	if (c != 0)
		return c;
	return (a->sub > b->sub) - (a->sub < b->sub);
}

/* Diagnoses: ancestors of one condition come in any order: by code. */
static int cmp_dx(const void *va, const void *vb)
{
	int c = cmp_ev(va, vb);
	if (c != 0)
		return c;
	const struct om_ev *a = va, *b = vb;
	return strcmp(a->u.d.code, b->u.d.code);
}

/* Blood pressure parts: by date, visit, then row id. */
static int cmp_bp(const void *va, const void *vb)
{
	const struct om_ev *a = va, *b = vb;
	if (a->h.date != b->h.date)
		return a->h.date < b->h.date ? -1 : 1;
	if (a->visit != b->visit)
		return a->visit < b->visit ? -1 : 1;
	if (a->h.key != b->h.key)
		return a->h.key < b->h.key ? -1 : 1;
	return 0;
}

/* Every kind is staged as a struct om_ev; its canonical event is the
 * union's first bytes (blood pressures are paired, not compacted). */
#define OD(type, cmpf)                                                                         \
	{.elem = sizeof(struct om_ev), .ev_off = offsetof(struct om_ev, u),                    \
	 .ev_size = sizeof(type), .cmp = (cmpf)}

static const struct kvdb_stage_desc stage_descs[N_KINDS] = {
	[K_PERIOD] = OD(struct kv_list_period, cmp_ev),
	[K_CONTACT] = OD(struct kv_contact, cmp_ev),
	[K_FEE] = OD(struct kv_fee, cmp_ev),
	[K_DX] = OD(struct kv_diagnosis, cmp_dx),
	[K_MED] = OD(struct kv_medication, cmp_ev),
	[K_RX] = OD(struct kv_prescription, cmp_ev),
	[K_LAB] = OD(struct kv_lab_result, cmp_ev),
	[K_BP] = OD(struct kv_blood_pressure, cmp_bp),
};

/* The staging records of kind k. */
#define EV(rs, k) ((struct om_ev *)(rs)->st[k].data)

struct om_reader {
	struct kvdb_ctx *rc;
	struct kvdb_transport *t;
	struct kvdb_transport *twin;           /* a second connection in t's snapshot, or NULL */
	const struct om_config *cfg;
	uint32_t provides;
	const struct kv_read_request *req;
	struct kvdb_mem mem;
	kv_patient_sink sink;
	void *sink_arg;
	struct kvdb_map roles;                 /* provider_id -> enum kv_role */
	uint64_t rows[OM_N_QUERIES];
	uint64_t bad[OM_N_QUERIES][R_N_REASONS];
	uint64_t delivered;
	/* the plan's inputs (om_plan): rows of the whole read, bytes per row */
	uint64_t totals[OM_N_QUERIES];
	uint64_t row_cost[OM_N_QUERIES];
	uint32_t origin;                       /* ABI 2.1: KV_ORIGIN_* asked */
};
_Static_assert(OM_N_QUERIES <= KVDB_PLAN_MAX_TABLES, "too many queries for kvdb_plan");

struct range_state {
	struct om_reader *r;
	struct kvdb_mem *mem;                  /* the read's, shared with a worker thread */
	struct kvdb_pats pats;               /* the range's persons, sorted by id */
	struct kvdb_stage st[N_KINDS];
	struct kvdb_map vmap;                  /* visit id -> contact position (or marks) */
	enum om_query q;                     /* the query being read */
	uint64_t *holders;                     /* KV_ORIGIN_HOLDERS: per period record */
};

/* vmap values besides positions */
#define VISIT_DROPPED (UINT32_MAX - 1) /* after req->to: its procedures go with it */

static int count_bad(struct range_state *rs, unsigned why)
{
	rs->r->bad[rs->q][why]++;
	return 0; /* a bad row never stops the read */
}

/* A code from concept.concept_code: 0 ok, 1 NULL/empty (unmapped), and a
 * reason for the rest. */
static int get_code(const struct kvdb_cell *c, bool remove_dots, char out[KV_CODE_MAX],
		    unsigned *why)
{
	int k = kvdb_cell_code(c, remove_dots, out);
	if (k < 0) {
		kvdb_fail(why, R_CODE_TOO_LONG);
		return -1;
	}
	return k > 0 ? 1 : 0;
}

static bool text_is(const struct kvdb_cell *c, const char *lit)
{
	return c->kind == KVDB_V_TEXT && kvdb_text_eq(c, lit);
}

static bool after_to(const struct range_state *rs, kv_date d)
{
	return d > rs->r->req->to;
}

/* The slot of a person of the range (a person row that is bad is never
 * one of them). */
static bool find_person(struct range_state *rs, int64_t pid, uint32_t *slot, unsigned *why)
{
	return kvdb_pats_slot(&rs->pats, pid, R_UNKNOWN_PERSON, R_UNKNOWN_PERSON, slot, why);
}

/* Where a row of the query being read goes (kvdb_row_patient,
 * kvdb_stage_row): events after req->to are dropped when `to_cut`. */
static struct kvdb_row_to row_to(struct range_state *rs, bool to_cut)
{
	return (struct kvdb_row_to){
		.rc = rs->r->rc, .mem = rs->mem, .pats = &rs->pats, .bad = rs->r->bad[rs->q],
		.unknown_patient = R_UNKNOWN_PERSON, .bad_patient = R_UNKNOWN_PERSON,
		.to = to_cut ? rs->r->req->to : KV_DATE_OPEN,
		.what = "holding the rows of a person range",
	};
}

/* A decoded row of kind k through the tail every decoder shares: staged
 * (1, *e with its head set, no visit), or not (0: a bad row counted, or
 * after req->to), or -1 (the budget). */
static int stage(struct range_state *rs, enum om_kind k, unsigned why, int64_t pid,
		 kv_date date, int64_t key, struct om_ev **e)
{
	const struct kvdb_row_to x = row_to(rs, true);
	void *rec;
	int n = kvdb_stage_row(&x, &rs->st[k], why, pid, date, key, &rec);
	*e = rec;
	if (n > 0)
		(*e)->visit = NO_VISIT;
	return n;
}

static struct om_ev *push(struct range_state *rs, enum om_kind k, uint32_t slot, kv_date date,
			  int64_t key, int32_t sub)
{
	struct om_ev *e = kvdb_stage_push(rs->r->rc, rs->mem, &rs->st[k],
					  "holding the rows of a person range");
	if (e == NULL)
		return NULL;
	e->h.slot = slot;
	e->h.date = date;
	e->h.key = key;
	e->sub = sub;
	e->visit = NO_VISIT;
	return e;
}

/* ---- rows ---------------------------------------------------------------- */

static int row_provider(void *arg, const struct kvdb_cell *c)
{
	struct om_reader *r = arg;
	int64_t id = 0, spec = 0;
	r->rows[OM_Q_PROVIDER]++;
	if (kvdb_cell_int(&c[0], &id) != 0) {
		r->bad[OM_Q_PROVIDER][R_MISSING_VALUE]++;
		return 0;
	}
	uint8_t role = KV_ROLE_OTHER;
	if (kvdb_cell_int(&c[1], &spec) != 0 || spec == 0)
		role = KV_ROLE_UNKNOWN;
	for (size_t i = 0; i < N_OF(gp_specialties); i++)
		if (spec == gp_specialties[i])
			role = KV_ROLE_GP;
	int ins = kvdb_map_insert(r->rc, &r->roles, id, role, NULL);
	if (ins < 0)
		return -1;
	if (ins == 0)
		r->bad[OM_Q_PROVIDER][R_DUPLICATE_KEY]++;
	return 0;
}

static int row_person(void *arg, const struct kvdb_cell *c)
{
	struct range_state *rs = arg;
	unsigned why = KVDB_NO_REASON;
	int64_t id = 0, gender = 0, y = 0, m = 0, d = 0;
	kv_date birth = 0;

	rs->r->rows[OM_Q_PERSON]++;
	kvdb_req_int(&c[0], &id, &why);
	kvdb_opt_int(&c[1], &gender, 0, &why);
	int k = kvdb_cell_date(&c[5], true, &birth);
	if (k < 0) {
		kvdb_fail(&why, R_UNPARSEABLE_DATE);
	} else if (k > 0) {
		/* no birth_datetime: year (required by the CDM), month and day;
		 * a missing month is July, a missing day the 1st */
		kvdb_req_int(&c[2], &y, &why);
		kvdb_opt_int(&c[3], &m, 7, &why);
		kvdb_opt_int(&c[4], &d, 1, &why);
		if (why == KVDB_NO_REASON && !kvdb_ymd_valid((int)(y < 0 || y > 9999 ? 0 : y),
							(int)(m < 1 || m > 12 ? 0 : m),
							(int)(d < 1 || d > 31 ? 0 : d)))
			kvdb_fail(&why, R_UNPARSEABLE_DATE);
		if (why == KVDB_NO_REASON)
			birth = kv_date_from_ymd((int)y, (int)m, (int)d);
	}
	if (why != KVDB_NO_REASON)
		return count_bad(rs, why);
	struct kvdb_pat *p = kvdb_pats_push(rs->r->rc, &rs->r->mem, &rs->pats,
					    "holding the persons of a range");
	if (p == NULL)
		return -1;
	p->id = id;
	p->birth = birth;
	p->death = KV_DATE_OPEN;
	p->sex = gender == GENDER_MALE ? KV_SEX_MALE
		 : gender == GENDER_FEMALE ? KV_SEX_FEMALE
					    : KV_SEX_UNKNOWN;
	p->holder = kvdb_cell_ref(&c[6]); /* person.provider_id: never a bad row */
	if (rs->r->origin & KV_ORIGIN_KEY) {
		/* ABI 2.1: person_source_value (selected last only when asked),
		 * or person_id itself */
		const struct kvdb_cell *kc =
			rs->r->cfg->key_rule == OM_KEY_PERSON_ID ? &c[0] : &c[7];
		if (kvdb_pats_key(rs->r->rc, &rs->r->mem, &rs->pats, p, kc,
				  &rs->r->bad[OM_Q_PERSON][R_KEY_TOO_LONG]) != 0)
			return -1;
	}
	return 0;
}

static int row_death(void *arg, const struct kvdb_cell *c)
{
	struct range_state *rs = arg;
	unsigned why = KVDB_NO_REASON;
	int64_t pid = 0;
	kv_date date = 0;
	uint32_t slot = 0;
	rs->r->rows[OM_Q_DEATH]++;
	kvdb_req_int(&c[0], &pid, &why);
	kvdb_req_date(&c[1], false, &date, &why);
	const struct kvdb_row_to x = row_to(rs, true);
	if (kvdb_row_patient(&x, why, pid, date, &slot) == 0)
		return 0;
	if (date < rs->pats.p[slot].death)
		rs->pats.p[slot].death = date; /* several rows: the earliest */
	return 0;
}

static int row_period(void *arg, const struct kvdb_cell *c)
{
	struct range_state *rs = arg;
	unsigned why = KVDB_NO_REASON;
	int64_t id = 0, pid = 0;
	kv_date from = 0, end = 0;
	struct om_ev *e;
	rs->r->rows[OM_Q_OBSERVATION_PERIOD]++;
	kvdb_req_int(&c[0], &id, &why);
	kvdb_req_int(&c[1], &pid, &why);
	kvdb_req_date(&c[2], false, &from, &why);
	kvdb_opt_date(&c[3], &end, &why);
	if (why == KVDB_NO_REASON && end != KV_DATE_OPEN && end < from)
		kvdb_fail(&why, R_END_BEFORE_START);
	int k = stage(rs, K_PERIOD, why, pid, from, id, &e);
	if (k <= 0)
		return k;
	e->u.p.from = from;
	/* the end date is the last day observed; kv_list_period.to is exclusive */
	e->u.p.to = end == KV_DATE_OPEN ? KV_DATE_OPEN : end + 1;
	return 0;
}

static uint8_t visit_kind(int64_t concept)
{
	for (size_t i = 0; i < N_OF(visit_kinds); i++)
		if (visit_kinds[i].concept == concept)
			return visit_kinds[i].kind;
	return KV_CONTACT_ADMIN; /* any other visit concept: no practice contact */
}

static int row_visit(void *arg, const struct kvdb_cell *c)
{
	struct range_state *rs = arg;
	unsigned why = KVDB_NO_REASON;
	int64_t id = 0, pid = 0, concept = 0, provider = 0;
	kv_date date = 0;
	uint32_t slot = 0;
	rs->r->rows[OM_Q_VISIT]++;
	kvdb_req_int(&c[0], &id, &why);
	kvdb_req_int(&c[1], &pid, &why);
	kvdb_opt_int(&c[2], &concept, 0, &why);
	kvdb_req_date(&c[3], false, &date, &why);
	kvdb_opt_int(&c[4], &provider, 0, &why);
	if (why == KVDB_NO_REASON)
		find_person(rs, pid, &slot, &why);
	if (why != KVDB_NO_REASON)
		return count_bad(rs, why);
	if (after_to(rs, date)) {
		if (kvdb_map_insert(rs->r->rc, &rs->vmap, id, VISIT_DROPPED, NULL) < 0)
			return -1;
		return 0;
	}
	struct om_ev *e = push(rs, K_CONTACT, slot, date, id, 0);
	if (e == NULL)
		return -1;
	e->visit = id;
	e->u.c.date = date;
	e->u.c.kind = visit_kind(concept);
	uint32_t role = provider != 0 ? kvdb_map_get(&rs->r->roles, provider) : KVDB_MAP_NONE;
	e->u.c.role = role == KVDB_MAP_NONE ? KV_ROLE_UNKNOWN : (uint8_t)role;
	return 0;
}

/* The index of visit `visit` in its person's contacts, or -1; *known tells
 * whether the visit exists at all (false: an unknown visit). */
static int32_t contact_index(struct range_state *rs, uint32_t slot, int64_t visit, bool *known,
			     bool *dropped)
{
	*known = false;
	*dropped = false;
	if (visit == NO_VISIT)
		return -1;
	uint32_t pos = kvdb_map_get(&rs->vmap, visit);
	if (pos == KVDB_MAP_NONE)
		return -1;
	*known = true;
	if (pos == VISIT_DROPPED) {
		*dropped = true;
		return -1;
	}
	if (EV(rs, K_CONTACT)[pos].h.slot != slot)
		return -1; /* another person's visit: not linked */
	return (int32_t)(pos - rs->st[K_CONTACT].off[slot]);
}

static int emit_dx(struct range_state *rs, uint32_t slot, kv_date date, int64_t key,
		   int32_t sub, int64_t visit, uint8_t system, const char *code)
{
	bool known, dropped;
	struct om_ev *e = push(rs, K_DX, slot, date, key, sub);
	if (e == NULL)
		return -1;
	e->u.d.date = date;
	e->u.d.contact = contact_index(rs, slot, visit, &known, &dropped);
	e->u.d.system = system;
	memcpy(e->u.d.code, code, KV_CODE_MAX);
	return 0;
}

static int row_condition(void *arg, const struct kvdb_cell *c)
{
	struct range_state *rs = arg;
	unsigned why = KVDB_NO_REASON;
	int64_t id = 0, pid = 0, visit = 0;
	kv_date date = 0;
	uint32_t slot = 0;
	char std[KV_CODE_MAX], src[KV_CODE_MAX];
	rs->r->rows[OM_Q_CONDITION]++;
	kvdb_req_int(&c[0], &id, &why);
	kvdb_req_int(&c[1], &pid, &why);
	kvdb_opt_int(&c[2], &visit, NO_VISIT, &why);
	kvdb_req_date(&c[3], false, &date, &why);
	bool has_std = text_is(&c[4], "SNOMED") && get_code(&c[5], false, std, &why) == 0;
	bool has_icd = (text_is(&c[6], "ICD10") || text_is(&c[6], "ICD10CM")) &&
		       get_code(&c[7], true, src, &why) == 0;
	if (why == KVDB_NO_REASON && !has_std && !has_icd)
		kvdb_fail(&why, R_UNMAPPED_CONCEPT);
	const struct kvdb_row_to x = row_to(rs, true);
	if (kvdb_row_patient(&x, why, pid, date, &slot) == 0)
		return 0;
	if (has_std && emit_dx(rs, slot, date, id, 0, visit, KV_CODE_SNOMED, std) != 0)
		return -1;
	if (has_icd && emit_dx(rs, slot, date, id, 1, visit, KV_CODE_ICD10, src) != 0)
		return -1;
	return 0;
}

/* A SNOMED ancestor of a condition, delivered as a diagnosis of its own when
 * a configured diagnosis value set names it (at the condition's date). */
static int row_ancestor(void *arg, const struct kvdb_cell *c)
{
	struct range_state *rs = arg;
	const struct om_config *cfg = rs->r->cfg;
	unsigned why = KVDB_NO_REASON;
	int64_t id = 0, pid = 0, visit = 0;
	kv_date date = 0;
	uint32_t slot = 0;
	char code[KV_CODE_MAX];
	rs->r->rows[OM_Q_CONDITION_ANCESTOR]++;
	kvdb_req_int(&c[0], &id, &why);
	kvdb_req_int(&c[1], &pid, &why);
	kvdb_opt_int(&c[2], &visit, NO_VISIT, &why);
	kvdb_req_date(&c[3], false, &date, &why);
	if (get_code(&c[4], false, code, &why) != 0)
		kvdb_fail(&why, R_UNMAPPED_CONCEPT);
	const struct kvdb_row_to x = row_to(rs, true);
	if (kvdb_row_patient(&x, why, pid, date, &slot) == 0)
		return 0;
	bool named = false;
	for (size_t i = 0; i < cfg->n_ancestor_sets && !named; i++)
		named = rs->r->rc->host->in_value_set(cfg->ancestor_sets[i], KV_CODES_SNOMED, code,
						     date);
	if (!named)
		return 0;
	return emit_dx(rs, slot, date, id, 2, visit, KV_CODE_SNOMED, code);
}

static int row_drug(void *arg, const struct kvdb_cell *c)
{
	struct range_state *rs = arg;
	unsigned why = KVDB_NO_REASON;
	int64_t id = 0, pid = 0, supply = 0, refills = 0;
	kv_date start = 0, end = 0;
	uint32_t slot = 0;
	char atc[KV_CODE_MAX];

	rs->r->rows[OM_Q_DRUG]++;
	kvdb_req_int(&c[0], &id, &why);
	kvdb_req_int(&c[1], &pid, &why);
	kvdb_req_date(&c[2], false, &start, &why);
	kvdb_opt_date(&c[3], &end, &why);
	kvdb_opt_int(&c[4], &supply, 0, &why);
	kvdb_opt_int(&c[5], &refills, 0, &why);
	atc[0] = '\0';
	if (text_is(&c[6], "ATC"))
		(void)get_code(&c[7], false, atc, &why);
	if (atc[0] == '\0')
		(void)get_code(&c[8], false, atc, &why);
	if (why == KVDB_NO_REASON &&
	    (supply < 0 || refills < 0 || supply > 36500 || refills > 1000))
		kvdb_fail(&why, R_OUT_OF_RANGE);
	if (why == KVDB_NO_REASON && end != KV_DATE_OPEN && end < start)
		kvdb_fail(&why, R_END_BEFORE_START);
	const struct kvdb_row_to x = row_to(rs, false); /* after req->to: below */
	if (kvdb_row_patient(&x, why, pid, start, &slot) == 0)
		return 0;
	if (atc[0] == '\0')
		rs->r->bad[OM_Q_DRUG][R_NO_ATC]++; /* delivered all the same, with atc "" */
	if (after_to(rs, start))
		return 0;

	/* In use from the start date to the end date (inclusive); without an
	 * end date for days_supply x (1 + refills) days; without either, on
	 * the start date only. Regular when that covers regular_min_days. */
	kv_date stop;
	if (end != KV_DATE_OPEN)
		stop = end + 1;
	else if (supply > 0)
		stop = start + (kv_date)(supply * (1 + refills));
	else
		stop = start + 1;
	uint8_t use = (int64_t)(stop - start) >= rs->r->cfg->regular_min_days ? KV_USE_REGULAR
									    : KV_USE_COURSE;
	struct om_ev *m = push(rs, K_MED, slot, start, id, 0);
	if (m == NULL)
		return -1;
	m->u.m.start = start;
	m->u.m.stop = stop;
	m->u.m.use_type = use;
	memcpy(m->u.m.atc, atc, KV_CODE_MAX);
	struct om_ev *p = push(rs, K_RX, slot, start, id, 0);
	if (p == NULL)
		return -1;
	p->u.r.date = start;
	p->u.r.group = KV_RX_GROUP_UNKNOWN;
	p->u.r.has_ddd = false;
	memcpy(p->u.r.atc, atc, KV_CODE_MAX);
	return 0;
}

static int row_measurement(void *arg, const struct kvdb_cell *c)
{
	struct range_state *rs = arg;
	unsigned why = KVDB_NO_REASON;
	int64_t id = 0, pid = 0, visit = 0;
	kv_date date = 0;
	uint32_t slot = 0;
	char code[KV_CODE_MAX];
	double value = 0;

	rs->r->rows[OM_Q_MEASUREMENT]++;
	kvdb_req_int(&c[0], &id, &why);
	kvdb_req_int(&c[1], &pid, &why);
	kvdb_req_date(&c[2], false, &date, &why);
	kvdb_opt_int(&c[3], &visit, NO_VISIT, &why);
	if (get_code(&c[5], false, code, &why) > 0)
		kvdb_fail(&why, R_UNMAPPED_CONCEPT);
	int kv = kvdb_cell_float(&c[6], &value);
	if (kv < 0)
		kvdb_fail(&why, R_UNPARSEABLE_NUMBER);
	else if (kv == 0 && !isfinite(value))
		kvdb_fail(&why, R_NOT_FINITE);
	bool loinc = text_is(&c[4], "LOINC");
	bool sys = loinc && strcmp(code, LOINC_SYSTOLIC) == 0;
	bool dia = loinc && strcmp(code, LOINC_DIASTOLIC) == 0;
	if (why == KVDB_NO_REASON && (sys || dia) && kv != 0)
		kvdb_fail(&why, R_MISSING_VALUE);
	const struct kvdb_row_to x = row_to(rs, true);
	if (kvdb_row_patient(&x, why, pid, date, &slot) == 0)
		return 0;

	if (sys || dia) {
		struct om_ev *e = push(rs, K_BP, slot, date, id, 0);
		if (e == NULL)
			return -1;
		e->visit = visit;
		e->u.bp.value = value;
		e->u.bp.systolic = sys;
		return 0;
	}
	bool has_value = kv == 0;
	if (loinc && has_value) {
		bool listed = false, converted = false;
		for (size_t i = 0; i < N_OF(lab_units); i++) {
			if (strcmp(lab_units[i].loinc, code) != 0)
				continue;
			listed = true;
			if (c[7].kind == KVDB_V_TEXT && kvdb_text_eq(&c[7], lab_units[i].ucum)) {
				value = value * lab_units[i].factor + lab_units[i].offset;
				converted = true;
				break;
			}
		}
		if (listed && !converted) {
			has_value = false; /* a result all the same, but no number to compare */
			rs->r->bad[OM_Q_MEASUREMENT][R_UNKNOWN_UNIT]++;
		}
	}
	struct om_ev *e = push(rs, K_LAB, slot, date, id, 0);
	if (e == NULL)
		return -1;
	e->u.l.date = date;
	e->u.l.has_value = has_value;
	e->u.l.value = has_value ? value : 0.0;
	memcpy(e->u.l.code, code, KV_CODE_MAX);
	return 0;
}

/* A procedure is a fee on its visit (kv_fee needs a contact): the code is
 * the procedure concept's (SNOMED CT) code, the date the visit's. */
static int row_procedure(void *arg, const struct kvdb_cell *c)
{
	struct range_state *rs = arg;
	unsigned why = KVDB_NO_REASON;
	int64_t id = 0, pid = 0, visit = 0;
	kv_date date = 0;
	uint32_t slot = 0;
	char code[KV_CODE_MAX];

	rs->r->rows[OM_Q_PROCEDURE]++;
	kvdb_req_int(&c[0], &id, &why);
	kvdb_req_int(&c[1], &pid, &why);
	kvdb_opt_int(&c[2], &visit, NO_VISIT, &why);
	kvdb_req_date(&c[3], false, &date, &why);
	if (get_code(&c[5], false, code, &why) > 0)
		kvdb_fail(&why, R_UNMAPPED_CONCEPT);
	const struct kvdb_row_to x = row_to(rs, false); /* after req->to: its visit's */
	if (kvdb_row_patient(&x, why, pid, date, &slot) == 0)
		return 0;
	bool known, dropped;
	int32_t ci = contact_index(rs, slot, visit, &known, &dropped);
	if (dropped || (ci < 0 && after_to(rs, date)))
		return 0;
	if (ci < 0)
		return count_bad(rs, visit == NO_VISIT ? R_NO_VISIT : R_UNKNOWN_VISIT);
	const struct om_ev *ce = &EV(rs, K_CONTACT)[rs->st[K_CONTACT].off[slot] + (size_t)ci];
	struct om_ev *e = push(rs, K_FEE, slot, ce->h.date, id, 0);
	if (e == NULL)
		return -1;
	e->u.f.date = ce->h.date;
	e->u.f.contact = ci;
	memcpy(e->u.f.code, code, KV_CODE_MAX);
	return 0;
}

/* ---- grouping ------------------------------------------------------------ */

static int group(struct range_state *rs, enum om_kind k)
{
	return kvdb_stage_group(rs->r->rc, &rs->r->mem, &rs->st[k], rs->pats.n,
				"grouping rows by person");
}

/* Visits sorted: visit id -> position, for conditions and procedures. */
static int contacts_done(struct range_state *rs)
{
	const struct kvdb_stage *s = &rs->st[K_CONTACT];
	if (group(rs, K_CONTACT) != 0)
		return -1;
	for (size_t i = 0; i < s->n; i++) {
		uint32_t existing = 0;
		int ins = kvdb_map_insert(rs->r->rc, &rs->vmap, EV(rs, K_CONTACT)[i].visit,
					  (uint32_t)i, &existing);
		if (ins < 0)
			return -1;
		if (ins == 0)
			rs->r->bad[OM_Q_VISIT][R_DUPLICATE_KEY]++; /* the first stays */
	}
	return 0;
}

/* Blood pressures, grouped: the k-th systolic of a (person, date, visit)
 * with its k-th diastolic, written in place as struct kv_blood_pressure
 * (each pair lands below the parts still to be read), the offsets recounted
 * in pairs. */
static void pair_bps(struct range_state *rs)
{
	struct kvdb_stage *s = &rs->st[K_BP];
	const struct om_ev *e = (const struct om_ev *)s->data;
	size_t w = 0;
	size_t *off = s->off;
	size_t prev_end = 0;
	for (size_t p = 0; p < rs->pats.n; p++) {
		size_t i = prev_end, end = off[p + 1];
		off[p] = w;
		while (i < end) {
			size_t j = i;
			kv_date date = e[i].h.date; /* before a pair overwrites it */
			while (j < end && e[j].h.date == date && e[j].visit == e[i].visit)
				j++;
			size_t si = i, di = i, paired = 0;
			for (;;) {
				while (si < j && !e[si].u.bp.systolic)
					si++;
				while (di < j && e[di].u.bp.systolic)
					di++;
				if (si >= j || di >= j)
					break;
				double sv = e[si].u.bp.value, dv = e[di].u.bp.value;
				if (sv < 0 || sv > INT16_MAX || dv < 0 || dv > INT16_MAX) {
					rs->r->bad[OM_Q_MEASUREMENT][R_OUT_OF_RANGE] += 2;
				} else {
					struct kv_blood_pressure bp = {
						.date = date,
						.systolic = (int16_t)lround(sv),
						.diastolic = (int16_t)lround(dv),
					};
					memcpy(s->data + w * sizeof(bp), &bp, sizeof(bp));
					w++;
				}
				paired += 2;
				si++;
				di++;
			}
			rs->r->bad[OM_Q_MEASUREMENT][R_UNPAIRED_BP] += (j - i) - paired;
			i = j;
		}
		prev_end = end;
	}
	off[rs->pats.n] = w;
	s->n = w;
}

/* ---- one range --------------------------------------------------------- */

static int run(struct range_state *rs, enum om_query q, const struct kvdb_range *range,
	       kvdb_row_fn fn)
{
	char sql[KVDB_SQL_MAX];
	struct om_reader *r = rs->r;
	rs->q = q;
	if (q == OM_Q_PERSON && (r->origin & KV_ORIGIN_KEY) &&
	    r->cfg->key_rule == OM_KEY_SOURCE_VALUE) {
		/* ABI 2.1: with person_source_value, only when asked */
		if (om_sql_select_person_key(r->rc, r->cfg, sql, sizeof(sql), r->t->dialect, range,
					     false) != 0)
			return -1;
		return om_run_query(r->t, q, sql, &om_person_key_col, fn, rs, NULL);
	}
	if (om_sql_select(r->rc, r->cfg, sql, sizeof(sql), q, r->t->dialect, range, false) != 0)
		return -1;
	return om_run_query(r->t, q, sql, NULL, fn, rs, NULL);
}

static void range_free(struct range_state *rs)
{
	struct kvdb_mem *m = &rs->r->mem;
	for (int k = 0; k < N_KINDS; k++)
		kvdb_stage_free(m, &rs->st[k]);
	kvdb_pats_free(m, &rs->pats);
	kvdb_map_fini(m, &rs->vmap);
	kvdb_free(m, rs->holders);
	rs->holders = NULL;
}

/* ABI 2.1, after the periods are grouped: each period's list holder, the
 * person's provider (OMOP has none per observation period), in the order
 * compaction keeps. 0 or -1 (the budget). */
static int period_holders(struct range_state *rs)
{
	const struct kvdb_stage *s = &rs->st[K_PERIOD];
	if (!(rs->r->origin & KV_ORIGIN_HOLDERS) || s->n == 0 || s->off == NULL)
		return 0;
	rs->holders = kvdb_calloc(rs->r->rc, rs->mem, s->n, sizeof(uint64_t),
				  "holding the list holders of a person range");
	if (rs->holders == NULL)
		return -1;
	for (size_t p = 0; p < rs->pats.n; p++)
		for (size_t i = s->off[p]; i < s->off[p + 1]; i++)
			rs->holders[i] = rs->pats.p[p].holder;
	return 0;
}

/*
 * Reading a range on two connections. Over libpq (a twin transport in the
 * same snapshot, kvdb_twin.c) a worker thread reads drug exposures and
 * measurements, which refer to nothing else read here, while this thread
 * reads periods, visits, conditions and procedures. The worker fills only
 * its own stages (medications, prescriptions, labs, blood pressure parts)
 * and counters, in copies merged after the join; persons are looked up
 * read-only. Grouping and delivery after the join are unchanged, so the
 * persons reach the sink exactly as from one connection.
 */
struct worker {
	struct kvdb_worker w;
	struct om_reader r;       /* a copy: the twin transport, its own counters */
	struct range_state rs;    /* a copy: its own lookup cache and stages */
	const struct kvdb_range *range;
};

static const enum om_kind worker_kinds[] = {K_MED, K_RX, K_LAB, K_BP};
static const enum om_query worker_queries[] = {OM_Q_DRUG, OM_Q_MEASUREMENT};

/* Drug exposures (when drugs are provided) and measurements. */
static int read_drugs_and_labs(struct range_state *rs, const struct kvdb_range *range)
{
	if ((rs->r->provides & KV_PROVIDES_MEDICATIONS) &&
	    run(rs, OM_Q_DRUG, range, row_drug) != 0)
		return -1;
	return run(rs, OM_Q_MEASUREMENT, range, row_measurement);
}

static int worker_job(void *arg)
{
	struct worker *w = arg;
	return read_drugs_and_labs(&w->rs, w->range);
}

static void worker_merge(struct range_state *rs, const struct worker *w)
{
	for (size_t i = 0; i < N_OF(worker_kinds); i++)
		rs->st[worker_kinds[i]] = w->rs.st[worker_kinds[i]];
	for (size_t i = 0; i < N_OF(worker_queries); i++) {
		enum om_query q = worker_queries[i];
		rs->r->rows[q] = w->r.rows[q];
		memcpy(rs->r->bad[q], w->r.bad[q], sizeof(rs->r->bad[q]));
	}
}

static int process_range(struct om_reader *r, const struct kvdb_range *range, uint64_t n_visits)
{
	struct range_state rs;
	struct worker *w = NULL;
	int ret = -1;
	memset(&rs, 0, sizeof(rs));
	rs.r = r;
	rs.mem = &r->mem;
	for (int k = 0; k < N_KINDS; k++)
		rs.st[k].d = &stage_descs[k];

	/* persons, sorted by id; a repeated person_id: the first stays */
	if (run(&rs, OM_Q_PERSON, range, row_person) != 0 ||
	    kvdb_pats_index(r->rc, &r->mem, &rs.pats, &r->bad[OM_Q_PERSON][R_DUPLICATE_KEY],
			    "holding a person range") != 0)
		goto done;
	if (run(&rs, OM_Q_DEATH, range, row_death) != 0)
		goto done;
	if (r->twin != NULL && (w = calloc(1, sizeof(*w))) != NULL) {
		w->r = *r;
		w->r.t = r->twin;
		w->rs = rs;
		w->rs.r = &w->r;
		w->range = range;
		if (!kvdb_worker_start(&w->w, &r->mem, worker_job, w)) {
			free(w);
			w = NULL;
		}
	}

	if (r->cfg->list_rule == OM_LIST_OBSERVATION_PERIOD) {
		if (run(&rs, OM_Q_OBSERVATION_PERIOD, range, row_period) != 0)
			goto done;
	} else {
		for (size_t s = 0; s < rs.pats.n; s++) {
			kv_date birth = rs.pats.p[s].birth;
			if (after_to(&rs, birth))
				continue;
			struct om_ev *e = push(&rs, K_PERIOD, (uint32_t)s, birth, 0, 0);
			if (e == NULL)
				goto done;
			e->u.p.from = birth;
			e->u.p.to = KV_DATE_OPEN;
		}
	}

	if (kvdb_map_init(r->rc, &r->mem, &rs.vmap, (size_t)(n_visits + 16),
			  "holding a person range") != 0 ||
	    run(&rs, OM_Q_VISIT, range, row_visit) != 0 || contacts_done(&rs) != 0)
		goto done;
	if (run(&rs, OM_Q_CONDITION, range, row_condition) != 0)
		goto done;
	if (r->cfg->n_ancestor_sets > 0 &&
	    run(&rs, OM_Q_CONDITION_ANCESTOR, range, row_ancestor) != 0)
		goto done;
	if (run(&rs, OM_Q_PROCEDURE, range, row_procedure) != 0)
		goto done;
	if (w != NULL) {
		int failed = kvdb_worker_join(r->rc, &w->w, true);
		worker_merge(&rs, w);
		free(w);
		w = NULL;
		if (failed != 0)
			goto done;
	} else if (read_drugs_and_labs(&rs, range) != 0) {
		goto done;
	}

	for (int k = 0; k < N_KINDS; k++) {
		if (k != K_CONTACT && group(&rs, (enum om_kind)k) != 0)
			goto done;
		if (k == K_PERIOD && period_holders(&rs) != 0)
			goto done;
		if (k == K_BP)
			pair_bps(&rs);
		else
			kvdb_stage_compact(&rs.st[k]);
	}
	const struct kvdb_stage *by_kind[KVDB_N_KINDS] = {NULL};
	for (int k = 0; k < N_KINDS; k++)
		by_kind[k] = &rs.st[k];
	const struct kvdb_origin_in oi = {.asked = r->origin, .period_holders = rs.holders};
	if (kvdb_deliver(r->rc, &rs.pats, by_kind, &oi, r->sink, r->sink_arg, &r->delivered) != 0)
		goto done;
	ret = 0;
done:
	if (w != NULL) {
		/* this thread failed while the worker reads: stop it, keep our error */
		(void)kvdb_worker_join(r->rc, &w->w, false);
		worker_merge(&rs, w);
		free(w);
	}
	range_free(&rs);
	return ret;
}

/* ---- the read ------------------------------------------------------------ */

int om_run_query(struct kvdb_transport *t, enum om_query q, const char *sql,
		 const struct om_col *extra, kvdb_row_fn fn, void *arg, const char *action)
{
	const struct om_query_def *qd = &om_queries[q];
	enum kvdb_type types[OM_MAX_COLS];
	uint16_t text_max[OM_MAX_COLS];
	size_t n = 0;
	for (size_t c = 0; c < qd->n_cols && n < OM_MAX_COLS; c++, n++) {
		types[n] = qd->cols[c].type;
		text_max[n] = qd->cols[c].text_max;
	}
	if (extra != NULL && n < OM_MAX_COLS) {
		types[n] = extra->type;
		text_max[n++] = extra->text_max;
	}
	struct kvdb_select s = {.action = action, .what = qd->table, .sql = sql, .types = types,
			      .text_max = text_max, .n_cols = n};
	return t->select(t, &s, fn, arg);
}

/* ---- the plan ----------------------------------------------------------- */

/* A query's totals: rows, and the smallest and largest person_id. */
struct om_count {
	uint64_t n;
	bool has_ids;
	int64_t min, max;
};

static int row_count(void *arg, const struct kvdb_cell *c)
{
	struct om_count *oc = arg;
	int64_t n = 0;
	if (kvdb_cell_int(&c[0], &n) == 0 && n > 0)
		oc->n = (uint64_t)n;
	oc->has_ids = kvdb_cell_int(&c[1], &oc->min) == 0 && kvdb_cell_int(&c[2], &oc->max) == 0;
	return 0;
}

/* Rows a query will give for the whole office, and its person_id span. */
static int count_rows(struct om_reader *r, enum om_query q, struct om_count *oc)
{
	static const enum kvdb_type types[3] = {KVDB_T_ID, KVDB_T_ID, KVDB_T_ID};
	char sql[KVDB_SQL_MAX];
	memset(oc, 0, sizeof(*oc));
	if (om_sql_count(r->rc, r->cfg, sql, sizeof(sql), q) != 0)
		return -1;
	struct kvdb_select s = {.action = "counting table", .what = om_queries[q].table, .sql = sql,
			      .types = types, .n_cols = 3};
	return r->t->select(r->t, &s, row_count, oc);
}

struct bucket_arg {
	uint64_t *counts; /* one query's */
	size_t nb;
};

static int row_bucket(void *arg, const struct kvdb_cell *c)
{
	struct bucket_arg *ba = arg;
	int64_t b = -1, n = 0;
	if (kvdb_cell_int(&c[0], &b) == 0 && kvdb_cell_int(&c[1], &n) == 0 && b >= 0 &&
	    (uint64_t)b < ba->nb && n > 0)
		ba->counts[b] += (uint64_t)n;
	return 0;
}

/* The planner's histogram callback (kvdb_hist_fn): per-bucket row counts
 * of every weighed query, in the read's snapshot. */
static int om_histograms(void *arg, int64_t lo, int64_t hi, uint64_t width, size_t nb,
			 uint64_t *counts)
{
	static const enum kvdb_type types[2] = {KVDB_T_ID, KVDB_T_ID};
	struct om_reader *r = arg;
	char sql[KVDB_SQL_MAX];
	for (int q = 0; q < OM_N_QUERIES; q++) {
		if (r->row_cost[q] == 0)
			continue;
		struct bucket_arg ba = {.counts = counts + (size_t)q * nb, .nb = nb};
		struct kvdb_select s = {.action = "counting rows per person",
				      .what = om_queries[q].table, .sql = sql, .types = types,
				      .n_cols = 2};
		if (om_sql_histogram(r->rc, r->cfg, sql, sizeof(sql), (enum om_query)q, lo, hi,
				     width) != 0 ||
		    r->t->select(r->t, &s, row_bucket, &ba) != 0)
			return -1;
	}
	return 0;
}

/* Bytes a staged row costs: the staging record, its canonical copy, and
 * the offsets and map entries around it (an upper bound). */
#define ROW_COST (sizeof(struct om_ev) + sizeof(struct kv_diagnosis) + 16)

static void report_counts(struct om_reader *r)
{
	for (int q = 0; q < OM_N_QUERIES; q++) {
		if (q == OM_Q_DRUG && !(r->provides & KV_PROVIDES_MEDICATIONS))
			continue;
		if (q == OM_Q_OBSERVATION_PERIOD && r->cfg->list_rule != OM_LIST_OBSERVATION_PERIOD)
			continue;
		if (q == OM_Q_CONDITION_ANCESTOR && r->cfg->n_ancestor_sets == 0)
			continue;
		kvdb_report_table(r->rc, om_queries[q].table, r->rows[q], r->bad[q], reason_text,
				  R_N_REASONS);
	}
}

#define OM_MIN_BUDGET 65536

/* Whether query q is read at all. */
static bool query_read(const struct om_reader *r, enum om_query q)
{
	if (q == OM_Q_CONDITION_ANCESTOR && r->cfg->n_ancestor_sets == 0)
		return false;
	if (q == OM_Q_DRUG && !(r->provides & KV_PROVIDES_MEDICATIONS))
		return false;
	return q != OM_Q_OBSERVATION_PERIOD || r->cfg->list_rule == OM_LIST_OBSERVATION_PERIOD;
}

/* Bytes a row of query q costs in a range (0: not weighed by the plan). */
static uint64_t om_row_cost(const struct om_reader *r, enum om_query q)
{
	if (!query_read(r, q))
		return 0;
	switch (q) {
	case OM_Q_PROVIDER:
	case OM_Q_DEATH:
		return 0; /* held for the read / no record of its own */
	case OM_Q_PERSON:
		/* the person, and the list period when the list rule is "person";
		 * ABI 2.1, when asked: its key, its period's holder */
		return sizeof(struct kvdb_pat) + ROW_COST +
		       (r->origin & KV_ORIGIN_KEY ? KVDB_PAT_KEY_COST : 0) +
		       (r->origin & KV_ORIGIN_HOLDERS ? sizeof(uint64_t) : 0);
	case OM_Q_OBSERVATION_PERIOD:
		return ROW_COST + (r->origin & KV_ORIGIN_HOLDERS ? sizeof(uint64_t) : 0);
	case OM_Q_VISIT:
		return ROW_COST + 2 * KVDB_MAP_ENTRY_COST; /* + the visit map */
	case OM_Q_DRUG:
		return 2 * ROW_COST; /* a medication and a prescription */
	default:
		return ROW_COST;
	}
}

/* Count the weighed queries and plan the person ranges (kvdb_plan.c): one
 * unbounded range when everything fits in half of what is left (the rest
 * is for growth, offsets and the visit map), else ranges cut from
 * per-bucket counts over person_id. */
static int om_plan(struct om_reader *r, size_t buffers, struct kvdb_plan *plan)
{
	struct om_count oc;
	bool has_ids = false;
	int64_t min = 0, max = 0;
	for (int q = 0; q < OM_N_QUERIES; q++) {
		r->row_cost[q] = om_row_cost(r, (enum om_query)q);
		if (r->row_cost[q] == 0)
			continue;
		if (count_rows(r, (enum om_query)q, &oc) != 0)
			return -1;
		r->totals[q] = oc.n;
		if (oc.has_ids) {
			min = has_ids && min < oc.min ? min : oc.min;
			max = has_ids && max > oc.max ? max : oc.max;
			has_ids = true;
		}
	}
	size_t fixed = r->mem.used + buffers;
	if (fixed + OM_MIN_BUDGET / 2 >= r->mem.budget)
		return kvdb_error(r->rc, "a memory budget of %zu bytes is too small: %zu bytes are "
					 "needed before any person is read",
				  r->mem.budget, fixed);
	struct kvdb_plan_in in = {
		.n_tables = OM_N_QUERIES,
		.rows = r->totals,
		.row_cost = r->row_cost,
		.has_keys = has_ids,
		.min_key = min,
		.max_key = max,
		.target = (r->mem.budget - fixed) / 2,
		.buffer_bytes = buffers,
		.range_fixed = 0,
		.key = "person_id",
		.hist = om_histograms,
		.arg = r,
	};
	return kvdb_plan_make(r->rc, &r->mem, &in, plan);
}

int om_read(struct kvdb_ctx *rc, struct kvdb_transport *t, const struct om_config *cfg,
	    uint32_t provides, const struct kv_read_request *req, kv_patient_sink sink,
	    void *sink_arg)
{
	struct om_reader *r = NULL;
	struct kvdb_plan plan = {0};
	bool began = false;
	int ret = KV_ERROR;
	char sql[KVDB_SQL_MAX];

	if (kvdb_read_check(rc, req, sink, OM_MIN_BUDGET) != 0)
		return KV_ERROR;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return kvdb_error(rc, "out of memory");
	r->rc = rc;
	r->t = t;
	r->cfg = cfg;
	r->provides = provides;
	r->req = req;
	r->sink = sink;
	r->sink_arg = sink_arg;
	r->origin = kvdb_req_origin(req); /* 0: nothing more is read */
	r->mem.budget = req->memory_budget;
	t->mem = &r->mem;
	/* keyword rules (req->note_patterns) are not matched: the connector does
	 * not provide note matches, so the core asks for none that count */
	size_t buffers = t->buffer_bytes(t, r->mem.budget);

	if (kvdb_snapshot_begin(t, &r->twin) != 0)
		goto done;
	began = true;

	/* 1. provider roles */
	struct om_count n_prov;
	if (count_rows(r, OM_Q_PROVIDER, &n_prov) != 0 ||
	    kvdb_map_init(rc, &r->mem, &r->roles, (size_t)n_prov.n + 16,
			  "holding the provider roles") != 0 ||
	    om_sql_select(rc, cfg, sql, sizeof(sql), OM_Q_PROVIDER, t->dialect, NULL, false) != 0 ||
	    om_run_query(t, OM_Q_PROVIDER, sql, NULL, row_provider, r, NULL) != 0)
		goto done;

	/* 2. the counts and the plan */
	if (om_plan(r, buffers, &plan) != 0)
		goto done;
	kvdb_expect_patients(rc, r->totals[OM_Q_PERSON]); /* progress for the core */

	/* 3. every range */
	for (size_t i = 0; i < plan.n; i++)
		if (process_range(r, &plan.ranges[i].range, plan.ranges[i].rows[OM_Q_VISIT]) != 0)
			goto done;
	bool twin_used = r->twin != NULL;
	began = false;
	if (kvdb_snapshot_end(t, &r->twin, true) != 0)
		goto done;
	kvdb_log(rc, KV_LOG_INFO,
		 "read %" PRIu64 " persons in %zu person_id range%s over %s%s; %zu of %zu bytes "
		 "held at most",
		 r->delivered, plan.n, plan.n == 1 ? "" : "s", t->name,
		 twin_used ? " (two connections in one snapshot)" : "", r->mem.peak, r->mem.budget);
	report_counts(r);
	ret = KV_OK;
done:
	if (began)
		(void)kvdb_snapshot_end(t, &r->twin, false);
	kvdb_plan_free(&r->mem, &plan);
	kvdb_map_fini(&r->mem, &r->roles);
	t->mem = NULL;
	free(r);
	return ret;
}

/* ---- names (ABI 2.1) ----------------------------------------------------- */

int om_names(struct kvdb_ctx *rc, struct kvdb_transport *t, const struct om_config *cfg,
	     enum kv_name_kind kind, const uint64_t *refs, size_t n, kv_name_sink sink,
	     void *sink_arg)
{
	char from[2 * OM_IDENT_MAX + 32];
	if (kind == KV_NAME_PATIENT)
		return KV_OK; /* the CDM keeps no names of persons: none is found */
	if (kind != KV_NAME_PRACTITIONER)
		return kvdb_error(rc, "names of an unknown kind (%d) were asked for", (int)kind);
	if (om_sql_expand(rc, cfg, from, sizeof(from), "{S}provider x") != 0)
		return KV_ERROR;
	const struct kvdb_names_query q = {.what = "provider", .from = from,
					   .id_col = "x.provider_id",
					   .name_col = "x.provider_name"};
	return kvdb_names(rc, t, &q, refs, n, sink, sink_arg) == 0 ? KV_OK : KV_ERROR;
}
