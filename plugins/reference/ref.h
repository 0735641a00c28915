/*
 * ref.h - internals of the "reference" connector plugin (not installed)
 *
 * The plugin reads the reference EHR schema (reference-ehr.sql) through one
 * of the two transports of kvdb.h, libpq (binary COPY) or ODBC (bound column
 * arrays), and turns the rows into struct kv_patient. The pieces:
 *
 *   reference.c     descriptor, configuration keys, open/provides/read/close
 *   ref_sql.c       the one table of queries (tables, columns, types) and the
 *                   SQL text built from it for every dialect
 *   ref_notes.c     keyword rules -> PostgreSQL regex / SQLite GLOB / T-SQL LIKE
 *   ref_read.c      one read(): snapshot, roles, plan, every range, counts
 *   ref_plan.c      memory budget: counts and histograms for the shared
 *                   planner (kvdb_plan.c), which cuts the patient_id ranges
 *   ref_range.c     one range: patients, every table (a worker thread on a
 *                   twin connection), group, sort, deliver
 *   ref_table.c     running a table: its SELECT through the transport
 *   ref_rows.c      the row decoders: rows -> validated, staged events
 *   plugins/common/ the connectors' database layer (kvdb.h): the libpq and
 *                   ODBC transports, error text, memory accounting, id map,
 *                   value parsing, sorting, staging/radix sort/grouping,
 *                   the patient index, cell decoding
 *
 * Everything here has hidden visibility (the plugin is built with
 * -fvisibility=hidden); only kv_connector_plugin is exported.
 *
 * Error convention: functions returning int give 0 on success and -1 after
 * kvdb_error() has described the failure (through host->set_error). No
 * function logs a value from a row, the connection string or a password.
 */
#ifndef KV_REFERENCE_REF_H
#define KV_REFERENCE_REF_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kvalind/kv_plugin.h>

#define REF_PLUGIN_NAME "reference"

#include "kvdb.h"

/* ---- the query table (ref_sql.c) ---------------------------------------- */

enum ref_table {
	REF_TAB_PRACTITIONER = 0,
	REF_TAB_PATIENT,
	REF_TAB_LIST_PERIOD,
	REF_TAB_CONTACT,
	REF_TAB_FEE,
	REF_TAB_DIAGNOSIS,
	REF_TAB_MEDICATION,
	REF_TAB_PRESCRIPTION,
	REF_TAB_LAB,
	REF_TAB_BP,
	REF_TAB_FORM,
	REF_TAB_NOTE,
	REF_N_TABLES
};

struct ref_column {
	const char *name;
	enum kvdb_type type;
	uint16_t text_max;  /* KVDB_T_TEXT: longer raw values are too_long */
	uint32_t provides;  /* kv_provides bits this column makes possible */
};

struct ref_query {
	const char *table;                /* schema name; used in counts and messages */
	const struct ref_column *cols;    /* selected, in this order */
	size_t n_cols;
	const char *const *check_only;    /* checked, never selected (NULL-ended) */
	const char *patient_col;          /* NULL: not split by patient */
	bool via_contact;                 /* fee: the patient (and date) are the contact's */
	const char *date_col;             /* windowed kinds: the event date column, which
					   * kv_read_request.events_from cuts on; NULL:
					   * always read whole (lists, diagnoses, ...) */
	uint32_t provides;                /* bits the table as a whole provides */
};

extern const struct ref_query ref_queries[REF_N_TABLES];

/* Patient_id ranges are kvdb.h's struct kvdb_range [lo, hi): without lo
 * down to (and with) rows whose patient is NULL or unknown; without hi open
 * above. */

/* Keyword rules translated for one dialect (ref_notes.c). Rule i matches
 * when any of patterns[first[i] .. first[i + 1]) matches, each through
 * ref_notes_operand(). Owned; ref_notes_free(). */
struct ref_note_rules {
	size_t n_rules;
	size_t *first;     /* n_rules + 1 */
	char **patterns;
	size_t n_patterns;
};

/* The SQL text builders write into buf (NUL-terminated; KVDB_SQL_MAX bytes
 * will do) and return 0, or -1 after kvdb_error() when the text does not
 * fit. */

/* `from` in every builder: kv_read_request.events_from. When non-zero, the
 * rows of a windowed table (ref_query.date_col, fees through their contact)
 * dated before it are left out in the database: date_col >= 'YYYY-MM-DD'. */

/* SELECT <cols> FROM <table> [range] [from]; with `check`: WHERE 1 = 0 and
 * the check_only columns named in the condition. */
int ref_sql_select(struct kvdb_ctx *rc, char *buf, size_t size, enum ref_table t,
		   enum kvdb_dialect d, const struct kvdb_range *range, kv_date from, bool check);
/* ABI 2.1: the patient table's SELECT (as ref_sql_select) with one more
 * column last, the patient key: key_col (a checked identifier, quoted)
 * read as text; with `check`, WHERE 1 = 0 and only that column. */
int ref_sql_select_key(struct kvdb_ctx *rc, char *buf, size_t size, enum kvdb_dialect d,
		       const struct kvdb_range *range, const char *key_col, bool check);
/* The longest patient_key column name (a plain identifier). */
#define REF_IDENT_MAX 63
/* SELECT count(*), min(patient), max(patient) (NULLs where not split). */
int ref_sql_totals(struct kvdb_ctx *rc, char *buf, size_t size, enum ref_table t,
		   enum kvdb_dialect d, kv_date from);
/* SELECT (patient - lo) / width, count(*) ... lo <= patient <= hi GROUP BY 1.
 * For REF_TAB_NOTE the count is the number of (note, rule) matches. */
int ref_sql_histogram(struct kvdb_ctx *rc, char *buf, size_t size, enum ref_table t,
		      enum kvdb_dialect d, enum kvdb_param_style ps, int64_t lo, int64_t hi,
		      int64_t width, const struct ref_note_rules *rules, kv_date from);
/* SELECT patient, written_on, note_id, <one 0/1 flag per rule> FROM journal_note
 * WHERE <any rule> [range]. Parameters: rules->patterns twice over for '?'
 * (flags, then the WHERE clause), once for '$n'; see ref_sql_note_params. */
int ref_sql_notes(struct kvdb_ctx *rc, char *buf, size_t size, enum kvdb_dialect d,
		  enum kvdb_param_style ps, const struct ref_note_rules *rules,
		  const struct kvdb_range *range, kv_date from);
/* How many parameters the note queries bind, and which pattern the k-th is. */
size_t ref_sql_note_n_params(enum kvdb_param_style ps, const struct ref_note_rules *rules);
const char *ref_sql_note_param(enum kvdb_param_style ps, const struct ref_note_rules *rules,
			       size_t k);

/* ---- keyword rules (ref_notes.c) --------------------------------------- */

/* Translate rules (kv_plugin.h, struct kv_read_request) for dialect d. */
int ref_notes_translate(struct kvdb_ctx *rc, struct kvdb_mem *m, enum kvdb_dialect d,
			const char *const *rules, size_t n, struct ref_note_rules *out);
void ref_notes_free(struct kvdb_mem *m, struct ref_note_rules *r);
/* The SQL condition applying one pattern parameter (written as `param`) to
 * journal_note.body, for the dialect; NULL for KVDB_DIALECT_GENERIC. */
int ref_notes_condition(char *buf, size_t size, enum kvdb_dialect d, const char *param);
bool ref_dialect_has_notes(enum kvdb_dialect d);

/* ---- reading (ref_read.c, ref_plan.c, ref_range.c, ref_table.c,
 * ref_rows.c) ------------------------------------------------------------- */

/* Fixed bad-row reasons (host->count_bad_rows): kvdb_row.c's first. */
enum ref_reason {
	REF_R_MISSING_VALUE = KVDB_R_MISSING_VALUE,
	REF_R_UNPARSEABLE_DATE = KVDB_R_UNPARSEABLE_DATE,
	REF_R_UNPARSEABLE_NUMBER = KVDB_R_UNPARSEABLE_NUMBER,
	REF_R_NOT_FINITE = KVDB_R_NOT_FINITE,
	REF_R_OUT_OF_RANGE = KVDB_R_OUT_OF_RANGE,
	REF_R_UNKNOWN_SEX = KVDB_N_REASONS,
	REF_R_UNKNOWN_ROLE,
	REF_R_UNKNOWN_KIND,
	REF_R_UNKNOWN_CODE_SYSTEM,
	REF_R_UNKNOWN_USE_TYPE,
	REF_R_UNKNOWN_RX_GROUP,
	REF_R_EMPTY_CODE,
	REF_R_CODE_TOO_LONG,
	REF_R_FORM_TYPE_TOO_LONG,
	REF_R_NEGATIVE_DDD,
	REF_R_DUPLICATE_KEY,
	REF_R_UNKNOWN_PATIENT,
	REF_R_BAD_PATIENT,
	REF_R_UNKNOWN_CONTACT,
	REF_R_BAD_CONTACT,
	REF_R_KEY_TOO_LONG, /* the patient is still delivered, its key NULL */
	REF_N_REASONS
};
extern const char *const ref_reason_text[REF_N_REASONS];

/* Per-table memory costs used by the planner (ref_rows.c). */
size_t ref_asm_row_cost(enum ref_table t);
size_t ref_asm_patient_cost(void);

/* A plan is kvdb.h's struct kvdb_plan (kvdb_plan.c): each range with the
 * rows expected in it per table, indexed by enum ref_table. */
_Static_assert(REF_N_TABLES <= KVDB_PLAN_MAX_TABLES, "too many tables for kvdb_plan");

struct ref_reader;

/* Rows per table (journal_note: an upper bound on matches, rows x rules)
 * and the smallest and largest patient_id anywhere. */
struct ref_totals {
	uint64_t rows[REF_N_TABLES];
	bool has_ids;
	int64_t min_id, max_id;
};

/* Count the tables inside the read's snapshot (ref_plan.c). */
int ref_plan_totals(struct ref_reader *r, struct ref_totals *tot);
/* Plan the ranges for the memory budget (ref_plan.c): the per-row costs,
 * the target and the histogram queries for kvdb_plan_make(), which makes
 * one unbounded range when everything fits, otherwise ranges cut from
 * per-bucket histograms. */
int ref_plan_make(struct ref_reader *r, const struct ref_totals *tot, struct kvdb_plan *plan);
void ref_plan_free(struct ref_reader *r, struct kvdb_plan *plan);

/* The state of one read() call (ref_read.c). */
struct ref_reader {
	struct kvdb_ctx *rc;
	struct kvdb_transport *t;
	struct kvdb_transport *twin;    /* a second connection in t's snapshot, or NULL */
	/* No contact lies before req->events_from (ref_plan_totals): the fees
	 * are then read without the join with contact that their cut needs,
	 * since it would leave none out. */
	bool fees_uncut;
	struct kvdb_mem mem;
	const struct kv_read_request *req;
	kv_patient_sink sink;
	void *sink_arg;
	struct ref_note_rules rules;   /* translated keyword rules */
	struct kvdb_map roles;          /* practitioner_id -> enum kv_role */
	size_t fixed_bytes;            /* held for the whole read (roles, plan) */
	size_t buffer_bytes;           /* transport row buffers */
	uint64_t rows[REF_N_TABLES];
	uint64_t bad[REF_N_TABLES][REF_N_REASONS];
	uint64_t delivered;
	/* ABI 2.1: what of the origin the request asked for (KV_ORIGIN_*), and
	 * the patient table's key column (read only when KV_ORIGIN_KEY is) */
	uint32_t origin;
	const char *key_col;
};

/* The whole read: snapshot, plan, every range, counts. key_col: the
 * patient key column (the patient_key setting, checked at open; NULL:
 * patient_id), read only when req asks for KV_ORIGIN_KEY. KV_OK /
 * KV_ERROR. */
int ref_read(struct kvdb_ctx *rc, struct kvdb_transport *t, const struct kv_read_request *req,
	     const char *key_col, kv_patient_sink sink, void *sink_arg);

/* ABI 2.1 names() (ref_read.c): patients' names by patient_id,
 * practitioners' by practitioner_id. KV_OK / KV_ERROR. */
int ref_names(struct kvdb_ctx *rc, struct kvdb_transport *t, enum kv_name_kind kind,
	      const uint64_t *refs, size_t n, kv_name_sink sink, void *sink_arg);

/* Run one select through the transport (used by planner and ranges;
 * ref_table.c). */
int ref_run(struct ref_reader *r, const char *what, const char *sql,
	    const enum kvdb_type *types, const uint16_t *text_max, size_t n_cols,
	    const char *const *params, size_t n_params, kvdb_row_fn fn, void *arg);
/* Select table t over range (NULL: all; journal_note: with the translated
 * keyword rules) and call fn per row (ref_table.c). */
int ref_run_table(struct ref_reader *r, enum ref_table t, const struct kvdb_range *range,
		  kvdb_row_fn fn, void *arg);

/* The state of one patient_id range (ref_range.c). */
struct ref_range_state {
	struct ref_reader *r;
	const struct kvdb_plan_range *plan;
	struct kvdb_pats pats;            /* the range's patients, sorted by id */
	struct kvdb_map cmap;             /* contact_id -> position in the contact stage */
	struct kvdb_stage st[REF_N_TABLES];
	struct kvdb_mem *mem;             /* the read's, shared with a worker thread */
	uint64_t *holders;                /* KV_ORIGIN_HOLDERS: the GP of each list period,
					   * as the compacted period stage (ref_list_holders) */
};

/* Contact map values besides positions (below KVDB_MAX_POSITION). */
#define CONTACT_BAD (UINT32_MAX - 1)     /* a bad row: its fees go with it */
#define CONTACT_DROPPED (UINT32_MAX - 2) /* after req->to: its fees too */
#define MAX_POSITION KVDB_MAX_POSITION

/* Read one planned range and deliver its patients. 0 or -1. */
int ref_process_range(struct ref_reader *r, const struct kvdb_plan_range *pr);

/* The row decoders (ref_rows.c): arg is the ref_range_state, but for
 * practitioners the ref_reader. ref_event_fns: those of the tables read
 * after the contacts (list periods, medications, prescriptions, labs, blood
 * pressures, forms, note matches), by table. */
extern const struct kvdb_stage_desc ref_stage_descs[REF_N_TABLES];
extern const kvdb_row_fn ref_event_fns[REF_N_TABLES];
int ref_row_practitioner(void *arg, const struct kvdb_cell *c);
int ref_row_patient(void *arg, const struct kvdb_cell *c);
int ref_row_contact(void *arg, const struct kvdb_cell *c);
int ref_row_fee(void *arg, const struct kvdb_cell *c);
int ref_row_diagnosis(void *arg, const struct kvdb_cell *c);
/* After the contacts: group and sort them, then point the contact map at
 * the final positions (before fees and diagnoses are read). */
int ref_contacts_done(struct ref_range_state *rs);
/* After the list periods are grouped: each patient's list holder at req->to
 * (kvdb_pat.holder, for kv_patient_origin), from the periods' gp_id; and
 * when the request asked for KV_ORIGIN_HOLDERS, rs->holders: every
 * period's GP, in the grouped order compaction keeps. 0 or -1 (the
 * budget). */
int ref_list_holders(struct ref_range_state *rs);

#endif /* KV_REFERENCE_REF_H */
