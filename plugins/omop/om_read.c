/*
 * om_read.c - OMOP rows to patients: map, validate, group, sort, deliver
 *
 * om_read() runs one read in one read-only snapshot (transport begin/end):
 *
 *   1. the provider specialties (provider_id -> kv_role), held for the read;
 *   2. the office's person ids, sorted, and the row counts of every table;
 *      from them the person ranges that fit the memory budget (one range
 *      when everything fits; otherwise consecutive runs of person ids of
 *      about equal estimated size);
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
 * read is then only slower). All memory is taken from the read's kvdb_mem and
 * freed before returning.
 */
#include "om.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- reasons ------------------------------------------------------------ */

enum om_reason {
	R_MISSING_VALUE = 0,
	R_UNPARSEABLE_DATE,
	R_UNPARSEABLE_NUMBER,
	R_NOT_FINITE,
	R_OUT_OF_RANGE,
	R_UNMAPPED_CONCEPT,
	R_CODE_TOO_LONG,
	R_NO_ATC,
	R_UNKNOWN_UNIT,
	R_END_BEFORE_START,
	R_DUPLICATE_KEY,
	R_UNKNOWN_PERSON,
	R_NO_VISIT,
	R_UNKNOWN_VISIT,
	R_UNPAIRED_BP,
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
};

#define NO_REASON R_N_REASONS
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

enum om_kind { K_PERIOD = 0, K_CONTACT, K_FEE, K_DX, K_MED, K_RX, K_LAB, K_BP, N_KINDS };

struct bp_part {
	double value;
	uint8_t systolic;
};

struct om_ev {
	uint32_t slot;      /* index into the range's persons */
	kv_date date;
	int64_t key;        /* the row's id: ties on a date in a fixed order */
	int64_t visit;      /* visit_occurrence_id, or INT64_MIN */
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

#define NO_VISIT INT64_MIN

struct stage {
	struct om_ev *e;
	size_t n, cap;
	size_t *off;        /* n_pats + 1 after grouping */
	void *out;          /* the canonical structs, in order */
	size_t n_out;
};

static const size_t out_size[N_KINDS] = {
	[K_PERIOD] = sizeof(struct kv_list_period), [K_CONTACT] = sizeof(struct kv_contact),
	[K_FEE] = sizeof(struct kv_fee),            [K_DX] = sizeof(struct kv_diagnosis),
	[K_MED] = sizeof(struct kv_medication),     [K_RX] = sizeof(struct kv_prescription),
	[K_LAB] = sizeof(struct kv_lab_result),     [K_BP] = sizeof(struct kv_blood_pressure),
};

struct pat {
	int64_t id;
	kv_date birth;
	kv_date death;
	uint8_t sex;
};

struct om_reader {
	struct kvdb_ctx *rc;
	struct kvdb_transport *t;
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
};

struct range_state {
	struct om_reader *r;
	struct pat *pats;
	size_t n_pats, cap_pats;
	struct stage st[N_KINDS];
	struct kvdb_map vmap;                  /* visit id -> contact position (or marks) */
	enum om_query q;                     /* the query being read */
};

/* vmap values besides positions */
#define VISIT_DROPPED (UINT32_MAX - 1) /* after req->to: its procedures go with it */

static int count_bad(struct range_state *rs, enum om_reason why)
{
	rs->r->bad[rs->q][why]++;
	return 0; /* a bad row never stops the read */
}

static void fail(enum om_reason *why, enum om_reason r)
{
	if (*why == NO_REASON)
		*why = r;
}

static void req_int(const struct kvdb_cell *c, int64_t *out, enum om_reason *why)
{
	int k = kvdb_cell_int(c, out);
	if (k > 0)
		fail(why, R_MISSING_VALUE);
	else if (k < 0)
		fail(why, R_UNPARSEABLE_NUMBER);
}

/* NULL -> `none` */
static void opt_int(const struct kvdb_cell *c, int64_t *out, int64_t none, enum om_reason *why)
{
	int k = kvdb_cell_int(c, out);
	if (k > 0)
		*out = none;
	else if (k < 0)
		fail(why, R_UNPARSEABLE_NUMBER);
}

static void req_date(const struct kvdb_cell *c, kv_date *out, enum om_reason *why)
{
	int k = kvdb_cell_date(c, false, out);
	if (k > 0)
		fail(why, R_MISSING_VALUE);
	else if (k < 0)
		fail(why, R_UNPARSEABLE_DATE);
}

/* NULL -> KV_DATE_OPEN */
static void opt_date(const struct kvdb_cell *c, kv_date *out, enum om_reason *why)
{
	int k = kvdb_cell_date(c, false, out);
	if (k > 0)
		*out = KV_DATE_OPEN;
	else if (k < 0)
		fail(why, R_UNPARSEABLE_DATE);
}

/* A code from concept.concept_code: 0 ok, 1 NULL/empty (unmapped), and a
 * reason for the rest. */
static int get_code(const struct kvdb_cell *c, bool remove_dots, char out[KV_CODE_MAX],
		    enum om_reason *why)
{
	out[0] = '\0';
	if (c->kind == KVDB_V_NULL)
		return 1;
	if (c->kind != KVDB_V_TEXT || c->too_long) {
		fail(why, R_CODE_TOO_LONG);
		return -1;
	}
	int k = kvdb_norm_code(c->s, c->len, remove_dots, out);
	if (k > 0)
		return 1;
	if (k < 0) {
		fail(why, R_CODE_TOO_LONG);
		return -1;
	}
	return 0;
}

static bool text_is(const struct kvdb_cell *c, const char *lit)
{
	return c->kind == KVDB_V_TEXT && kvdb_text_eq(c, lit);
}

static bool after_to(const struct range_state *rs, kv_date d)
{
	return d > rs->r->req->to;
}

/* The slot of a person of the range (binary search over sorted ids). */
static bool find_person(struct range_state *rs, int64_t pid, uint32_t *slot,
			enum om_reason *why)
{
	size_t lo = 0, hi = rs->n_pats;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (rs->pats[mid].id < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < rs->n_pats && rs->pats[lo].id == pid) {
		*slot = (uint32_t)lo;
		return true;
	}
	fail(why, R_UNKNOWN_PERSON);
	return false;
}

static struct om_ev *push(struct range_state *rs, enum om_kind k, uint32_t slot, kv_date date,
			  int64_t key, int32_t sub)
{
	struct stage *s = &rs->st[k];
	if (s->n == s->cap) {
		size_t cap = s->cap + s->cap / 2 + 64;
		void *n = kvdb_realloc(rs->r->rc, &rs->r->mem, s->e, cap * sizeof(struct om_ev),
				       "holding the rows of a person range");
		if (n == NULL)
			return NULL;
		s->e = n;
		s->cap = cap;
	}
	struct om_ev *e = &s->e[s->n++];
	memset(e, 0, sizeof(*e));
	e->slot = slot;
	e->date = date;
	e->key = key;
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
	enum om_reason why = NO_REASON;
	int64_t id = 0, gender = 0, y = 0, m = 0, d = 0;
	kv_date birth = 0;

	rs->r->rows[OM_Q_PERSON]++;
	req_int(&c[0], &id, &why);
	opt_int(&c[1], &gender, 0, &why);
	int k = kvdb_cell_date(&c[5], true, &birth);
	if (k < 0) {
		fail(&why, R_UNPARSEABLE_DATE);
	} else if (k > 0) {
		/* no birth_datetime: year (required by the CDM), month and day;
		 * a missing month is July, a missing day the 1st */
		req_int(&c[2], &y, &why);
		opt_int(&c[3], &m, 7, &why);
		opt_int(&c[4], &d, 1, &why);
		if (why == NO_REASON && !kvdb_ymd_valid((int)(y < 0 || y > 9999 ? 0 : y),
							(int)(m < 1 || m > 12 ? 0 : m),
							(int)(d < 1 || d > 31 ? 0 : d)))
			fail(&why, R_UNPARSEABLE_DATE);
		if (why == NO_REASON)
			birth = kv_date_from_ymd((int)y, (int)m, (int)d);
	}
	if (why != NO_REASON)
		return count_bad(rs, why);
	if (rs->n_pats == rs->cap_pats) {
		size_t cap = rs->cap_pats + rs->cap_pats / 2 + 64;
		void *n = kvdb_realloc(rs->r->rc, &rs->r->mem, rs->pats, cap * sizeof(struct pat),
				       "holding the persons of a range");
		if (n == NULL)
			return -1;
		rs->pats = n;
		rs->cap_pats = cap;
	}
	struct pat *p = &rs->pats[rs->n_pats++];
	p->id = id;
	p->birth = birth;
	p->death = KV_DATE_OPEN;
	p->sex = gender == GENDER_MALE ? KV_SEX_MALE
		 : gender == GENDER_FEMALE ? KV_SEX_FEMALE
					    : KV_SEX_UNKNOWN;
	return 0;
}

static int row_death(void *arg, const struct kvdb_cell *c)
{
	struct range_state *rs = arg;
	enum om_reason why = NO_REASON;
	int64_t pid = 0;
	kv_date date = 0;
	uint32_t slot = 0;
	rs->r->rows[OM_Q_DEATH]++;
	req_int(&c[0], &pid, &why);
	req_date(&c[1], &date, &why);
	if (why == NO_REASON)
		find_person(rs, pid, &slot, &why);
	if (why != NO_REASON)
		return count_bad(rs, why);
	if (after_to(rs, date))
		return 0;
	if (date < rs->pats[slot].death)
		rs->pats[slot].death = date; /* several rows: the earliest */
	return 0;
}

static int row_period(void *arg, const struct kvdb_cell *c)
{
	struct range_state *rs = arg;
	enum om_reason why = NO_REASON;
	int64_t id = 0, pid = 0;
	kv_date from = 0, end = 0;
	uint32_t slot = 0;
	rs->r->rows[OM_Q_OBSERVATION_PERIOD]++;
	req_int(&c[0], &id, &why);
	req_int(&c[1], &pid, &why);
	req_date(&c[2], &from, &why);
	opt_date(&c[3], &end, &why);
	if (why == NO_REASON && end != KV_DATE_OPEN && end < from)
		fail(&why, R_END_BEFORE_START);
	if (why == NO_REASON)
		find_person(rs, pid, &slot, &why);
	if (why != NO_REASON)
		return count_bad(rs, why);
	if (after_to(rs, from))
		return 0;
	struct om_ev *e = push(rs, K_PERIOD, slot, from, id, 0);
	if (e == NULL)
		return -1;
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
	enum om_reason why = NO_REASON;
	int64_t id = 0, pid = 0, concept = 0, provider = 0;
	kv_date date = 0;
	uint32_t slot = 0;
	rs->r->rows[OM_Q_VISIT]++;
	req_int(&c[0], &id, &why);
	req_int(&c[1], &pid, &why);
	opt_int(&c[2], &concept, 0, &why);
	req_date(&c[3], &date, &why);
	opt_int(&c[4], &provider, 0, &why);
	if (why == NO_REASON)
		find_person(rs, pid, &slot, &why);
	if (why != NO_REASON)
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
	const struct stage *s = &rs->st[K_CONTACT];
	if (s->e[pos].slot != slot)
		return -1; /* another person's visit: not linked */
	return (int32_t)(pos - s->off[slot]);
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
	enum om_reason why = NO_REASON;
	int64_t id = 0, pid = 0, visit = 0;
	kv_date date = 0;
	uint32_t slot = 0;
	char std[KV_CODE_MAX], src[KV_CODE_MAX];
	rs->r->rows[OM_Q_CONDITION]++;
	req_int(&c[0], &id, &why);
	req_int(&c[1], &pid, &why);
	opt_int(&c[2], &visit, NO_VISIT, &why);
	req_date(&c[3], &date, &why);
	bool has_std = text_is(&c[4], "SNOMED") && get_code(&c[5], false, std, &why) == 0;
	bool has_icd = (text_is(&c[6], "ICD10") || text_is(&c[6], "ICD10CM")) &&
		       get_code(&c[7], true, src, &why) == 0;
	if (why == NO_REASON && !has_std && !has_icd)
		fail(&why, R_UNMAPPED_CONCEPT);
	if (why == NO_REASON)
		find_person(rs, pid, &slot, &why);
	if (why != NO_REASON)
		return count_bad(rs, why);
	if (after_to(rs, date))
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
	enum om_reason why = NO_REASON;
	int64_t id = 0, pid = 0, visit = 0;
	kv_date date = 0;
	uint32_t slot = 0;
	char code[KV_CODE_MAX];
	rs->r->rows[OM_Q_CONDITION_ANCESTOR]++;
	req_int(&c[0], &id, &why);
	req_int(&c[1], &pid, &why);
	opt_int(&c[2], &visit, NO_VISIT, &why);
	req_date(&c[3], &date, &why);
	if (get_code(&c[4], false, code, &why) != 0)
		fail(&why, R_UNMAPPED_CONCEPT);
	if (why == NO_REASON)
		find_person(rs, pid, &slot, &why);
	if (why != NO_REASON)
		return count_bad(rs, why);
	if (after_to(rs, date))
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
	enum om_reason why = NO_REASON;
	int64_t id = 0, pid = 0, supply = 0, refills = 0;
	kv_date start = 0, end = 0;
	uint32_t slot = 0;
	char atc[KV_CODE_MAX];

	rs->r->rows[OM_Q_DRUG]++;
	req_int(&c[0], &id, &why);
	req_int(&c[1], &pid, &why);
	req_date(&c[2], &start, &why);
	opt_date(&c[3], &end, &why);
	opt_int(&c[4], &supply, 0, &why);
	opt_int(&c[5], &refills, 0, &why);
	atc[0] = '\0';
	if (text_is(&c[6], "ATC"))
		(void)get_code(&c[7], false, atc, &why);
	if (atc[0] == '\0')
		(void)get_code(&c[8], false, atc, &why);
	if (why == NO_REASON && (supply < 0 || refills < 0 || supply > 36500 || refills > 1000))
		fail(&why, R_OUT_OF_RANGE);
	if (why == NO_REASON && end != KV_DATE_OPEN && end < start)
		fail(&why, R_END_BEFORE_START);
	if (why == NO_REASON)
		find_person(rs, pid, &slot, &why);
	if (why != NO_REASON)
		return count_bad(rs, why);
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
	enum om_reason why = NO_REASON;
	int64_t id = 0, pid = 0, visit = 0;
	kv_date date = 0;
	uint32_t slot = 0;
	char code[KV_CODE_MAX];
	double value = 0;

	rs->r->rows[OM_Q_MEASUREMENT]++;
	req_int(&c[0], &id, &why);
	req_int(&c[1], &pid, &why);
	req_date(&c[2], &date, &why);
	opt_int(&c[3], &visit, NO_VISIT, &why);
	if (get_code(&c[5], false, code, &why) > 0)
		fail(&why, R_UNMAPPED_CONCEPT);
	int kv = kvdb_cell_float(&c[6], &value);
	if (kv < 0)
		fail(&why, R_UNPARSEABLE_NUMBER);
	else if (kv == 0 && !isfinite(value))
		fail(&why, R_NOT_FINITE);
	bool loinc = text_is(&c[4], "LOINC");
	bool sys = loinc && strcmp(code, LOINC_SYSTOLIC) == 0;
	bool dia = loinc && strcmp(code, LOINC_DIASTOLIC) == 0;
	if (why == NO_REASON && (sys || dia) && kv != 0)
		fail(&why, R_MISSING_VALUE);
	if (why == NO_REASON)
		find_person(rs, pid, &slot, &why);
	if (why != NO_REASON)
		return count_bad(rs, why);
	if (after_to(rs, date))
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
	enum om_reason why = NO_REASON;
	int64_t id = 0, pid = 0, visit = 0;
	kv_date date = 0;
	uint32_t slot = 0;
	char code[KV_CODE_MAX];

	rs->r->rows[OM_Q_PROCEDURE]++;
	req_int(&c[0], &id, &why);
	req_int(&c[1], &pid, &why);
	opt_int(&c[2], &visit, NO_VISIT, &why);
	req_date(&c[3], &date, &why);
	if (get_code(&c[5], false, code, &why) > 0)
		fail(&why, R_UNMAPPED_CONCEPT);
	if (why == NO_REASON)
		find_person(rs, pid, &slot, &why);
	if (why != NO_REASON)
		return count_bad(rs, why);
	bool known, dropped;
	int32_t ci = contact_index(rs, slot, visit, &known, &dropped);
	if (dropped || (ci < 0 && after_to(rs, date)))
		return 0;
	if (ci < 0)
		return count_bad(rs, visit == NO_VISIT ? R_NO_VISIT : R_UNKNOWN_VISIT);
	const struct om_ev *ce = &rs->st[K_CONTACT].e[rs->st[K_CONTACT].off[slot] + (size_t)ci];
	struct om_ev *e = push(rs, K_FEE, slot, ce->date, id, 0);
	if (e == NULL)
		return -1;
	e->u.f.date = ce->date;
	e->u.f.contact = ci;
	memcpy(e->u.f.code, code, KV_CODE_MAX);
	return 0;
}

/* ---- grouping ------------------------------------------------------------ */

static int cmp_ev(const void *va, const void *vb)
{
	const struct om_ev *a = va, *b = vb;
	if (a->slot != b->slot)
		return a->slot < b->slot ? -1 : 1;
	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if (a->sub != b->sub)
		return a->sub < b->sub ? -1 : 1;
	return 0;
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

/* Blood pressure parts: by person, date, visit, then row id. */
static int cmp_bp(const void *va, const void *vb)
{
	const struct om_ev *a = va, *b = vb;
	if (a->slot != b->slot)
		return a->slot < b->slot ? -1 : 1;
	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	if (a->visit != b->visit)
		return a->visit < b->visit ? -1 : 1;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return 0;
}

static int group(struct range_state *rs, enum om_kind k)
{
	struct stage *s = &rs->st[k];
	qsort(s->e, s->n, sizeof(struct om_ev),
	      k == K_DX ? cmp_dx : k == K_BP ? cmp_bp : cmp_ev);
	s->off = kvdb_calloc(rs->r->rc, &rs->r->mem, rs->n_pats + 1, sizeof(size_t),
			     "grouping rows by person");
	if (s->off == NULL)
		return -1;
	for (size_t i = 0; i < s->n; i++)
		s->off[s->e[i].slot + 1]++;
	for (size_t p = 0; p < rs->n_pats; p++)
		s->off[p + 1] += s->off[p];
	return 0;
}

/* Visits sorted: visit id -> position, for conditions and procedures. */
static int contacts_done(struct range_state *rs)
{
	struct stage *s = &rs->st[K_CONTACT];
	if (group(rs, K_CONTACT) != 0)
		return -1;
	for (size_t i = 0; i < s->n; i++) {
		uint32_t existing = 0;
		int ins = kvdb_map_insert(rs->r->rc, &rs->vmap, s->e[i].visit, (uint32_t)i,
					  &existing);
		if (ins < 0)
			return -1;
		if (ins == 0)
			rs->r->bad[OM_Q_VISIT][R_DUPLICATE_KEY]++; /* the first stays */
	}
	return 0;
}

/* The canonical structs of kind k, in order. Blood pressures: the k-th
 * systolic of a (person, date, visit) with its k-th diastolic. */
static int compact(struct range_state *rs, enum om_kind k)
{
	struct stage *s = &rs->st[k];
	if (s->n == 0)
		return 0;
	s->out =
		kvdb_alloc(rs->r->rc, &rs->r->mem, s->n * out_size[k], "delivering a person range");
	if (s->out == NULL)
		return -1;
	if (k != K_BP) {
		unsigned char *o = s->out;
		for (size_t i = 0; i < s->n; i++)
			memcpy(o + i * out_size[k], &s->e[i].u, out_size[k]);
		s->n_out = s->n;
		return 0;
	}
	/* pair, and recount the offsets in pairs */
	struct kv_blood_pressure *o = s->out;
	size_t w = 0;
	size_t *off = s->off;
	size_t prev_end = 0;
	for (size_t p = 0; p < rs->n_pats; p++) {
		size_t i = prev_end, end = off[p + 1];
		off[p] = w;
		while (i < end) {
			size_t j = i;
			while (j < end && s->e[j].date == s->e[i].date && s->e[j].visit == s->e[i].visit)
				j++;
			size_t si = i, di = i, paired = 0;
			for (;;) {
				while (si < j && !s->e[si].u.bp.systolic)
					si++;
				while (di < j && s->e[di].u.bp.systolic)
					di++;
				if (si >= j || di >= j)
					break;
				double sv = s->e[si].u.bp.value, dv = s->e[di].u.bp.value;
				if (sv < 0 || sv > INT16_MAX || dv < 0 || dv > INT16_MAX) {
					rs->r->bad[OM_Q_MEASUREMENT][R_OUT_OF_RANGE] += 2;
				} else {
					o[w].date = s->e[i].date;
					o[w].systolic = (int16_t)lround(sv);
					o[w].diastolic = (int16_t)lround(dv);
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
	off[rs->n_pats] = w;
	s->n_out = w;
	return 0;
}

static const void *slice(const struct range_state *rs, enum om_kind k, size_t slot, size_t *n)
{
	const struct stage *s = &rs->st[k];
	if (s->off == NULL || s->out == NULL) {
		*n = 0;
		return NULL;
	}
	*n = s->off[slot + 1] - s->off[slot];
	return *n > 0 ? (const unsigned char *)s->out + s->off[slot] * out_size[k] : NULL;
}

static int deliver(struct range_state *rs)
{
	struct om_reader *r = rs->r;
	for (size_t s = 0; s < rs->n_pats; s++) {
		const struct pat *p = &rs->pats[s];
		struct kv_patient kp = {.birth = p->birth, .death = p->death, .sex = p->sex};
		kp.periods = slice(rs, K_PERIOD, s, &kp.n_periods);
		kp.contacts = slice(rs, K_CONTACT, s, &kp.n_contacts);
		kp.fees = slice(rs, K_FEE, s, &kp.n_fees);
		kp.diagnoses = slice(rs, K_DX, s, &kp.n_diagnoses);
		kp.medications = slice(rs, K_MED, s, &kp.n_medications);
		kp.prescriptions = slice(rs, K_RX, s, &kp.n_prescriptions);
		kp.labs = slice(rs, K_LAB, s, &kp.n_labs);
		kp.bps = slice(rs, K_BP, s, &kp.n_bps);
		if (r->sink(r->sink_arg, &kp) != 0)
			return kvdb_error(r->rc,
					  "the read was stopped by the patient sink after %" PRIu64
					  " patients",
					  r->delivered);
		r->delivered++;
	}
	return 0;
}

/* ---- one range --------------------------------------------------------- */

static int run(struct range_state *rs, enum om_query q, const struct om_range *range,
	       kvdb_row_fn fn)
{
	char sql[KVDB_SQL_MAX];
	struct om_reader *r = rs->r;
	rs->q = q;
	if (om_sql_select(r->rc, r->cfg, sql, sizeof(sql), q, r->t->dialect, range, false) != 0)
		return -1;
	return om_run_query(r->t, q, sql, fn, rs, NULL);
}

static int cmp_pat(const void *va, const void *vb)
{
	const struct pat *a = va, *b = vb;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	if (a->birth != b->birth)
		return a->birth < b->birth ? -1 : 1;
	return (a->sex > b->sex) - (a->sex < b->sex);
}

static void range_free(struct range_state *rs)
{
	struct kvdb_mem *m = &rs->r->mem;
	for (int k = 0; k < N_KINDS; k++) {
		kvdb_free(m, rs->st[k].e);
		kvdb_free(m, rs->st[k].off);
		kvdb_free(m, rs->st[k].out);
	}
	kvdb_free(m, rs->pats);
	kvdb_map_fini(m, &rs->vmap);
}

static int process_range(struct om_reader *r, const struct om_range *range, uint64_t n_visits)
{
	struct range_state rs;
	int ret = -1;
	memset(&rs, 0, sizeof(rs));
	rs.r = r;

	/* persons, sorted by id; a repeated person_id: the first stays */
	if (run(&rs, OM_Q_PERSON, range, row_person) != 0)
		goto done;
	qsort(rs.pats, rs.n_pats, sizeof(struct pat), cmp_pat);
	size_t j = 0;
	for (size_t i = 0; i < rs.n_pats; i++) {
		if (j > 0 && rs.pats[j - 1].id == rs.pats[i].id) {
			r->bad[OM_Q_PERSON][R_DUPLICATE_KEY]++;
			continue;
		}
		rs.pats[j++] = rs.pats[i];
	}
	rs.n_pats = j;
	if (rs.n_pats >= UINT32_MAX - 2) {
		kvdb_error(r->rc, "too many persons in one range");
		goto done;
	}
	if (run(&rs, OM_Q_DEATH, range, row_death) != 0)
		goto done;

	if (r->cfg->list_rule == OM_LIST_OBSERVATION_PERIOD) {
		if (run(&rs, OM_Q_OBSERVATION_PERIOD, range, row_period) != 0)
			goto done;
	} else {
		for (size_t s = 0; s < rs.n_pats; s++) {
			if (after_to(&rs, rs.pats[s].birth))
				continue;
			struct om_ev *e = push(&rs, K_PERIOD, (uint32_t)s, rs.pats[s].birth, 0, 0);
			if (e == NULL)
				goto done;
			e->u.p.from = rs.pats[s].birth;
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
	if ((r->provides & KV_PROVIDES_MEDICATIONS) && run(&rs, OM_Q_DRUG, range, row_drug) != 0)
		goto done;
	if (run(&rs, OM_Q_MEASUREMENT, range, row_measurement) != 0 ||
	    run(&rs, OM_Q_PROCEDURE, range, row_procedure) != 0)
		goto done;

	for (int k = 0; k < N_KINDS; k++) {
		if (k != K_CONTACT && group(&rs, (enum om_kind)k) != 0)
			goto done;
		if (compact(&rs, (enum om_kind)k) != 0)
			goto done;
	}
	if (deliver(&rs) != 0)
		goto done;
	ret = 0;
done:
	range_free(&rs);
	return ret;
}

/* ---- the read ------------------------------------------------------------ */

int om_run_query(struct kvdb_transport *t, enum om_query q, const char *sql, kvdb_row_fn fn,
		 void *arg, const char *action)
{
	const struct om_query_def *qd = &om_queries[q];
	enum kvdb_type types[OM_MAX_COLS];
	uint16_t text_max[OM_MAX_COLS];
	for (size_t c = 0; c < qd->n_cols && c < OM_MAX_COLS; c++) {
		types[c] = qd->cols[c].type;
		text_max[c] = qd->cols[c].text_max;
	}
	struct kvdb_select s = {.action = action, .what = qd->table, .sql = sql, .types = types,
			      .text_max = text_max, .n_cols = qd->n_cols};
	return t->select(t, &s, fn, arg);
}

struct ids_arg {
	struct om_reader *r;
	int64_t *ids;
	size_t n, cap;
};

static int row_id(void *arg, const struct kvdb_cell *c)
{
	struct ids_arg *a = arg;
	int64_t id;
	if (kvdb_cell_int(&c[0], &id) != 0)
		return 0; /* counted as a bad row when the person is read */
	if (a->n == a->cap) {
		size_t cap = a->cap + a->cap / 2 + 256;
		void *n = kvdb_realloc(a->r->rc, &a->r->mem, a->ids, cap * sizeof(int64_t),
				       "planning person ranges");
		if (n == NULL)
			return -1;
		a->ids = n;
		a->cap = cap;
	}
	a->ids[a->n++] = id;
	return 0;
}

static int cmp_i64(const void *va, const void *vb)
{
	int64_t a = *(const int64_t *)va, b = *(const int64_t *)vb;
	return (a > b) - (a < b);
}

static int row_one_count(void *arg, const struct kvdb_cell *c)
{
	int64_t n = 0;
	if (kvdb_cell_int(&c[0], &n) == 0 && n > 0)
		*(uint64_t *)arg = (uint64_t)n;
	return 0;
}

/* Rows a query will give for the whole office (for the plan). */
static int count_rows(struct om_reader *r, enum om_query q, uint64_t *n)
{
	static const enum kvdb_type types[1] = {KVDB_T_ID};
	char sql[KVDB_SQL_MAX];
	*n = 0;
	if (om_sql_count(r->rc, r->cfg, sql, sizeof(sql), q) != 0)
		return -1;
	struct kvdb_select s = {.action = "counting table", .what = om_queries[q].table, .sql = sql,
			      .types = types, .n_cols = 1};
	return r->t->select(r->t, &s, row_one_count, n);
}

/* Bytes a staged row costs: the staging record, its canonical copy, and
 * the offsets and map entries around it (an upper bound). */
#define ROW_COST (sizeof(struct om_ev) + sizeof(struct kv_diagnosis) + 16)

static void report_counts(struct om_reader *r)
{
	const struct kv_host *h = r->rc->host;
	for (int q = 0; q < OM_N_QUERIES; q++) {
		if (q == OM_Q_DRUG && !(r->provides & KV_PROVIDES_MEDICATIONS))
			continue;
		if (q == OM_Q_OBSERVATION_PERIOD && r->cfg->list_rule != OM_LIST_OBSERVATION_PERIOD)
			continue;
		if (q == OM_Q_CONDITION_ANCESTOR && r->cfg->n_ancestor_sets == 0)
			continue;
		h->count_rows(r->rc->ctx, om_queries[q].table, r->rows[q]);
		for (int w = 0; w < R_N_REASONS; w++)
			if (r->bad[q][w] > 0)
				h->count_bad_rows(r->rc->ctx, om_queries[q].table, reason_text[w],
						  r->bad[q][w]);
	}
}

#define OM_MIN_BUDGET 65536

int om_read(struct kvdb_ctx *rc, struct kvdb_transport *t, const struct om_config *cfg,
	    uint32_t provides, const struct kv_read_request *req, kv_patient_sink sink,
	    void *sink_arg)
{
	struct om_reader *r = NULL;
	struct ids_arg ids = {0};
	bool began = false;
	int ret = KV_ERROR;
	char sql[KVDB_SQL_MAX];

	if (req == NULL || sink == NULL)
		return kvdb_error(rc, "read() needs a request and a patient sink");
	if (req->memory_budget < OM_MIN_BUDGET)
		return kvdb_error(rc, "a memory budget of %zu bytes is too small (at least %d)",
				  req->memory_budget, OM_MIN_BUDGET);
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
	r->mem.budget = req->memory_budget;
	t->mem = &r->mem;
	ids.r = r;
	/* keyword rules (req->note_patterns) are not matched: the connector does
	 * not provide note matches, so the core asks for none that count */
	size_t buffers = t->buffer_bytes(t, r->mem.budget);

	if (t->begin(t) != 0)
		goto done;
	began = true;

	/* 1. provider roles */
	uint64_t n_prov = 0, n_visits = 0;
	if (count_rows(r, OM_Q_PROVIDER, &n_prov) != 0 ||
	    kvdb_map_init(rc, &r->mem, &r->roles, (size_t)n_prov + 16,
			  "holding the provider roles") != 0 ||
	    om_sql_select(rc, cfg, sql, sizeof(sql), OM_Q_PROVIDER, t->dialect, NULL, false) != 0 ||
	    om_run_query(t, OM_Q_PROVIDER, sql, row_provider, r, NULL) != 0)
		goto done;

	/* 2. the office's persons and the plan */
	if (om_sql_person_ids(rc, cfg, sql, sizeof(sql)) != 0)
		goto done;
	{
		static const enum kvdb_type id_type[1] = {KVDB_T_ID};
		struct kvdb_select s = {.action = "reading table", .what = "person", .sql = sql,
				      .types = id_type, .n_cols = 1};
		if (t->select(t, &s, row_id, &ids) != 0)
			goto done;
	}
	qsort(ids.ids, ids.n, sizeof(int64_t), cmp_i64);
	uint64_t total_rows = 0;
	for (int q = OM_Q_OBSERVATION_PERIOD; q < OM_N_QUERIES; q++) {
		uint64_t n = 0;
		if (q == OM_Q_CONDITION_ANCESTOR && cfg->n_ancestor_sets == 0)
			continue;
		if (q == OM_Q_DRUG && !(provides & KV_PROVIDES_MEDICATIONS))
			continue;
		if (count_rows(r, (enum om_query)q, &n) != 0)
			goto done;
		if (q == OM_Q_VISIT)
			n_visits = n;
		total_rows += q == OM_Q_DRUG ? 2 * n : n;
	}
	size_t fixed = r->mem.used + buffers;
	if (fixed + OM_MIN_BUDGET / 2 >= r->mem.budget) {
		kvdb_error(rc, "a memory budget of %zu bytes is too small: %zu bytes are needed "
			       "before any person is read",
			   r->mem.budget, fixed);
		goto done;
	}
	/* half of what is left for a range's rows; the rest for growth,
	 * offsets and the visit map */
	uint64_t target = (r->mem.budget - fixed) / 2;
	uint64_t per_person = ids.n > 0 ? (total_rows * ROW_COST) / ids.n + sizeof(struct pat) +
					      ROW_COST
					: 1;
	uint64_t per_range = target / per_person;
	if (per_range < 1)
		per_range = 1;
	/* progress for the core; a host older than the field lacks it */
	if (rc->host->struct_size >= offsetof(struct kv_host, expect_patients) +
					 sizeof rc->host->expect_patients &&
	    rc->host->expect_patients != NULL)
		rc->host->expect_patients(rc->ctx, ids.n);

	size_t n_ranges = 0;
	if (ids.n <= per_range) {
		struct om_range all = {.bounded = false};
		if (process_range(r, &all, n_visits) != 0)
			goto done;
		n_ranges = 1;
	} else {
		for (size_t i = 0; i < ids.n;) {
			size_t e = i + (size_t)per_range;
			if (e > ids.n)
				e = ids.n;
			struct om_range rg = {.bounded = true, .lo = ids.ids[i], .hi = ids.ids[e - 1]};
			if (process_range(r, &rg, n_visits) != 0)
				goto done;
			n_ranges++;
			while (e < ids.n && ids.ids[e] == ids.ids[e - 1])
				e++; /* duplicates were read with their first */
			i = e;
		}
	}
	began = false;
	if (t->end(t, true) != 0)
		goto done;
	kvdb_log(rc, KV_LOG_INFO,
		 "read %" PRIu64 " persons in %zu person_id range%s over %s; %zu of %zu bytes held "
		 "at most",
		 r->delivered, n_ranges, n_ranges == 1 ? "" : "s", t->name, r->mem.peak,
		 r->mem.budget);
	report_counts(r);
	ret = KV_OK;
done:
	if (began)
		(void)t->end(t, false);
	kvdb_free(&r->mem, ids.ids);
	kvdb_map_fini(&r->mem, &r->roles);
	t->mem = NULL;
	free(r);
	return ret;
}
