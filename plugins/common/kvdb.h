/*
 * kvdb.h - the database layer every connector plugin is built with
 * (plugins/common/, compiled into each connector .so; not installed)
 *
 * Nothing here knows a schema: no table, column or event of any EHR
 * appears in plugins/common/. A connector brings its queries and its
 * mapping of rows to events (see plugins/README.md). The pieces:
 *
 *   kvdb_util.c   error text (secrets scrubbed), memory accounting (a
 *                 budget that two threads may share), an id map, cell
 *                 values and strict parsers, sorting
 *   kvdb_pg.c     the libpq transport: binary COPY, and a second
 *                 connection in the same snapshot (twin)
 *   kvdb_odbc.c   the ODBC transport: bound column arrays
 *   kvdb_stage.c  rows into patients: the range's patients and their
 *                 index, staging, radix sort, grouping, compaction
 *   kvdb_row.c    decoding a row's cells: values or the reason it is bad
 *   kvdb_twin.c   reading on two connections: a job on a worker thread
 *   kvdb_open.c   the connection keys every connector has, and connecting
 *   kvdb_conn.c   a connector's state from open() to close(), delivering a
 *                 range's patients to the sink, reporting row counts
 *   kvdb_sql.c    a bounded builder for SQL text; the PostgreSQL casts
 *   kvdb_plan.c   patient-key ranges that fit the memory budget, cut from
 *                 the connector's per-bucket row counts
 *   kvdb_names.c  display names by id (ABI 2.1 names()), ids bound in
 *                 chunks
 *
 * Everything here has hidden visibility (connectors are built with
 * -fvisibility=hidden); each plugin still exports only its descriptor.
 *
 * Error convention: functions returning int give 0 on success and -1 after
 * kvdb_error() has described the failure (through host->set_error). No
 * function logs a value from a row, the connection string or a password.
 */
#ifndef KV_COMMON_KVDB_H
#define KV_COMMON_KVDB_H

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kvalind/kv_plugin.h>

/* ---- context: host, error text, secrets -------------------------------- */

#define KVDB_MAX_SECRETS 4

struct kvdb_ctx {
	/* The host and context of the callback running now (kv_call's, set by
	 * kvdb_conn_new / kvdb_enter), NULL between callbacks (kvdb_leave): a
	 * connector keeps neither from one callback to the next. Worker
	 * threads never call through them (kvdb_tl_capture). */
	const struct kv_host *host;
	struct kv_ctx *ctx;
	/* Strings removed from every driver message before it is reported
	 * (the password key, passwords found in the connection string). Owned
	 * (malloc'd), freed by kvdb_ctx_fini(). */
	char *secrets[KVDB_MAX_SECRETS];
	size_t n_secrets;
	/* While set (by the thread that called the callback), kvdb_error()
	 * keeps the first message here instead of reporting it: for a caller
	 * that says the error in its own words (reference.c, check_key). Not
	 * the thread-local kvdb_tl_capture: that one is for worker threads, and
	 * touching it on the main thread allocates dynamic TLS of this plugin
	 * there, on which LeakSanitizer's exit-time tracer has been seen to
	 * crash. */
	struct kvdb_error_capture *capture;
};

/* Remember a secret to scrub; empty or NULL strings are ignored. 0 or -1. */
int kvdb_ctx_add_secret(struct kvdb_ctx *rc, const char *secret, size_t len);
void kvdb_ctx_fini(struct kvdb_ctx *rc);

/* Report an error through host->set_error. The formatted text is scrubbed
 * of secrets, control characters become spaces and runs of blanks collapse,
 * so a multi-line driver message becomes one line. Outside a callback (no
 * host) nothing can be reported. Always returns -1. */
int kvdb_error(struct kvdb_ctx *rc, const char *fmt, ...) KV_PRINTF(2, 3);

/* A worker thread's errors (a connector reading on a twin transport): while the calling thread's
 * capture is set, kvdb_error() keeps the first message there instead of
 * calling host->set_error, which only the thread that called read() may do;
 * that thread reports it after joining the worker. */
struct kvdb_error_capture {
	bool set;
	char msg[2048];
};
/* initial-exec: one pointer in glibc's static TLS surplus, not a block of
 * dynamic TLS per thread; LeakSanitizer's exit-time tracer has crashed
 * (signal 11) on the dynamic TLS of dlopen()ed plugins. */
extern _Thread_local struct kvdb_error_capture *kvdb_tl_capture
	__attribute__((tls_model("initial-exec")));

/* Log through host->log (never pass row values or connection strings). */
#define kvdb_log(rc, level, ...) (rc)->host->log((rc)->ctx, (level), __VA_ARGS__)

/* Scrub secrets and control characters out of `msg` in place (see
 * kvdb_error). */
void kvdb_scrub(const struct kvdb_ctx *rc, char *msg, size_t size);

/* ---- memory accounting ------------------------------------------------- */

/*
 * Every allocation made while reading goes through a kvdb_mem so the plugin
 * never holds more than kv_read_request.memory_budget bytes of its own (the
 * drivers' internal buffers are outside the count). A block carries a
 * 16-byte header holding its size, counted too.
 */
struct kvdb_mem {
	size_t budget;
	size_t used;
	size_t peak;
	/* Set while two threads read one range (a twin transport): every
	 * allocation and free then takes it, so the budget stays exact. */
	pthread_mutex_t *lock;
};

/* NULL after kvdb_error() ("memory budget exceeded while <what>" or "out of
 * memory"). `what` names the activity for the message. */
void *kvdb_alloc(struct kvdb_ctx *rc, struct kvdb_mem *m, size_t size, const char *what);
void *kvdb_calloc(struct kvdb_ctx *rc, struct kvdb_mem *m, size_t n, size_t size,
		  const char *what);
/* On failure the old block is untouched and still owned by the caller. */
void *kvdb_realloc(struct kvdb_ctx *rc, struct kvdb_mem *m, void *p, size_t size,
		   const char *what);
void kvdb_free(struct kvdb_mem *m, void *p);
/* The bytes a block of `size` costs (header included). */
size_t kvdb_alloc_cost(size_t size);

/* ---- int64 -> uint32 open-addressing map -------------------------------- */

struct kvdb_map_entry {
	int64_t key;
	uint32_t val;
	uint32_t used;
};

struct kvdb_map {
	struct kvdb_map_entry *e; /* one array: a lookup touches one cache line */
	size_t cap;
	size_t n;
};

#define KVDB_MAP_NONE UINT32_MAX

/* Bytes a map sized for n entries costs; per entry (for estimates) about
 * KVDB_MAP_ENTRY_COST. */
size_t kvdb_map_cost(size_t n);
#define KVDB_MAP_ENTRY_COST 24
int kvdb_map_init(struct kvdb_ctx *rc, struct kvdb_mem *m, struct kvdb_map *map, size_t n,
		  const char *what);
void kvdb_map_fini(struct kvdb_mem *m, struct kvdb_map *map);
/* 1 inserted, 0 key already present (*existing set), -1 full (kvdb_error). */
int kvdb_map_insert(struct kvdb_ctx *rc, struct kvdb_map *map, int64_t key, uint32_t val,
		    uint32_t *existing);
/* The value, or KVDB_MAP_NONE. */
uint32_t kvdb_map_get(const struct kvdb_map *map, int64_t key);
/* Overwrite the value of a present key; false if absent. */
bool kvdb_map_set(struct kvdb_map *map, int64_t key, uint32_t val);

/* ---- values ------------------------------------------------------------ */

/* The types of the columns a connector's queries select. */
enum kvdb_type {
	KVDB_T_ID = 1,    /* bigint; also counts and histogram buckets */
	KVDB_T_INT,       /* integer */
	KVDB_T_FLOAT,     /* double precision */
	KVDB_T_DATE,      /* date */
	KVDB_T_TIMESTAMP, /* timestamp; only its date part is kept */
	KVDB_T_TEXT       /* text, at most text_max bytes (longer: too_long) */
};

/* What a transport delivers for one cell. */
enum kvdb_vkind {
	KVDB_V_NULL = 0,
	KVDB_V_INT,     /* .i */
	KVDB_V_FLOAT,   /* .f */
	KVDB_V_DATE,    /* .d, already validated (year 1..9999) */
	KVDB_V_TEXT,    /* .s/.len, not NUL-terminated; numbers and dates as text
			* too (SQLite), parsed strictly by kvdb_cell_* */
	KVDB_V_INVALID  /* the transport could not represent the value */
};

struct kvdb_cell {
	enum kvdb_vkind kind;
	bool too_long;   /* text longer than the column's text_max */
	int64_t i;
	double f;
	kv_date d;
	const char *s;
	size_t len;
};

/* The earliest and latest dates accepted: 0001-01-01 .. 9999-12-31. */
#define KVDB_DATE_MIN (-719162)
#define KVDB_DATE_MAX 2932896

/* Cell readers: 0 value stored, 1 NULL, -1 unparseable (a bad row). */
int kvdb_cell_int(const struct kvdb_cell *c, int64_t *out);
int kvdb_cell_float(const struct kvdb_cell *c, double *out);
/* `timestamp`: text may carry a time after the date ("YYYY-MM-DD HH:MM[:SS[.f]]",
 * 'T' or ' '); a DATE column's text must be exactly "YYYY-MM-DD". */
int kvdb_cell_date(const struct kvdb_cell *c, bool timestamp, kv_date *out);

/* Strict parsers (exported for the tests of the dialects' text forms). */
bool kvdb_parse_date(const char *s, size_t len, bool timestamp, kv_date *out);
bool kvdb_parse_int(const char *s, size_t len, int64_t *out);
bool kvdb_parse_float(const char *s, size_t len, double *out);
/* y-m-d validity and range as above. */
bool kvdb_ymd_valid(int y, int m, int d);

/* Code normalisation (indicators.md rule 2): trim space/tab/CR/LF, ASCII
 * upper-case, optionally remove dots. 0 ok, 1 empty, -1 too long for
 * KV_CODE_MAX. */
int kvdb_norm_code(const char *s, size_t len, bool remove_dots, char out[KV_CODE_MAX]);

/* Exact comparison of a text cell with a literal. */
bool kvdb_text_eq(const struct kvdb_cell *c, const char *lit);

/* ---- in-place sorting -------------------------------------------------- */

/* Sort n elements of `size` bytes (a multiple of 8, at most
 * KVDB_SORT_MAX_ELEM) in place with no allocation: insertion sort for short
 * runs, heapsort otherwise. */
#define KVDB_SORT_MAX_ELEM 128
void kvdb_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
/* Swap two elements of `size` bytes (a multiple of 8). */
void kvdb_swap(void *a, void *b, size_t size);

/* ---- dialects ----------------------------------------------------------- */

enum kvdb_dialect {
	KVDB_DIALECT_POSTGRES = 1, /* libpq, or psqlODBC */
	KVDB_DIALECT_SQLITE,       /* SQLite ODBC driver */
	KVDB_DIALECT_MSSQL,        /* Microsoft SQL Server ODBC driver (untested) */
	KVDB_DIALECT_GENERIC       /* any other ODBC DBMS: no keyword matching */
};

enum kvdb_param_style { KVDB_PARAM_DOLLAR = 1, KVDB_PARAM_QMARK };

/* The SQL text builders write into buf (NUL-terminated). */
#define KVDB_SQL_MAX 16384

/* A bounded string builder over a caller's buffer (kvdb_sql.c): text that
 * does not fit sets overflow, and nothing more is added. */
struct kvdb_sb {
	char *buf;
	size_t size;
	size_t len;
	bool overflow;
};

void kvdb_sb_init(struct kvdb_sb *b, char *buf, size_t size);
void kvdb_sb_printf(struct kvdb_sb *b, const char *fmt, ...) KV_PRINTF(2, 3);
/* 0, or -1 after kvdb_error() naming `table` (and `hint`, if not NULL)
 * when the text overflowed. */
int kvdb_sb_done(struct kvdb_ctx *rc, const struct kvdb_sb *b, const char *table,
		 const char *hint);
/* The PostgreSQL type a column of `type` is cast to, which fixes its binary
 * format for the libpq transport (kvdb_pg.c). */
const char *kvdb_pg_cast(enum kvdb_type type);

/* ---- transports -------------------------------------------------------- */

/* One statement to run and the shape of its result. */
struct kvdb_select {
	const char *action;               /* for messages; NULL: "reading table" */
	const char *what;                 /* table name, for messages */
	const char *sql;
	const enum kvdb_type *types;
	const uint16_t *text_max;         /* per column; 0 for non-text */
	size_t n_cols;
	const char *const *params;        /* text parameters, in order */
	size_t n_params;
};

#define KVDB_ACTION(s) ((s)->action != NULL ? (s)->action : "reading table")

/* Called once per row; cells valid for the call only. Non-zero stops the
 * statement (the callback has already called kvdb_error). */
typedef int (*kvdb_row_fn)(void *arg, const struct kvdb_cell *cells);

struct kvdb_transport {
	const char *name;             /* "libpq" or "ODBC" */
	enum kvdb_dialect dialect;
	enum kvdb_param_style params;
	char dbms[104];               /* for messages: "PostgreSQL 15.2", "SQLite 3.40.1" */
	struct kvdb_ctx *rc;
	struct kvdb_mem *mem;          /* set by read(); NULL between reads */

	/* Start / end the read-only, consistent snapshot all reads run in. */
	int (*begin)(struct kvdb_transport *t);
	/* `report`: call kvdb_error on failure (false on error paths, so the
	 * first error stays the one reported). */
	int (*end)(struct kvdb_transport *t, bool report);
	/* Run one statement, calling fn per row. */
	int (*select)(struct kvdb_transport *t, const struct kvdb_select *s, kvdb_row_fn fn,
		      void *arg);
	/* Bytes of row buffers select() will allocate (from t->mem) at most
	 * under `budget`. */
	size_t (*buffer_bytes)(struct kvdb_transport *t, size_t budget);
	/* Optional (NULL: not offered). After begin(): a second connection
	 * reading inside the same snapshot as t's transaction, so two tables
	 * can be read at once; NULL when none can be had (the read then stays
	 * on t alone; nothing is reported). Its begin() is already done; end it
	 * with end() and free it with close(). */
	struct kvdb_transport *(*twin)(struct kvdb_transport *t);
	void (*close)(struct kvdb_transport *t);
};

/* Which transport a dsn selects: libpq for postgresql:// or postgres:// URIs
 * and for key=value conninfo strings libpq accepts that name no ODBC
 * Driver/DSN/FileDSN key; ODBC otherwise. */
bool kvdb_dsn_is_libpq(const char *dsn);

/* Connect and make *out (closed with its close()). application_name:
 * libpq's fallback_application_name, e.g. "kvalind-reference". */
int kvdb_pg_open(struct kvdb_ctx *rc, const char *dsn, const char *password,
		 const char *application_name, struct kvdb_transport **out);
int kvdb_odbc_open(struct kvdb_ctx *rc, const char *dsn, const char *password,
		   size_t row_array_size, struct kvdb_transport **out);

/* ---- rows into patients (kvdb_stage.c) --------------------------------- */

/* Positions (slots, indexes into a stage) stay below this; the values
 * above are free for a connector's marks. */
#define KVDB_MAX_POSITION (UINT32_MAX - 3)

/* A patient of the range being read. */
struct kvdb_pat {
	int64_t id;      /* the EHR's own key; delivered as kv_patient_origin.local_ref */
	kv_date birth;
	kv_date death;
	uint8_t sex;
	uint8_t bad;     /* a bad row: known (its rows are the patient's), never delivered */
	uint32_t holder; /* the GP whose list the patient is on at req->to, 0: none known
			  * (kv_patient_origin.list_holder; set by the connector) */
	uint32_t key;    /* ABI 2.1: the record system's patient key (kv_patient_origin.key)
			  * at kvdb_pats.keys + key - 1; 0: none (kvdb_pats_key) */
};

/* The range's patients and the index from id to slot. A struct copy is a
 * second reader of the same patients with its own lookup cache. */
struct kvdb_pats {
	struct kvdb_pat *p;
	size_t n, cap;
	struct kvdb_map map;  /* id -> slot, when the ids are sparse */
	uint32_t *dense;      /* id - dense_min -> slot, when they are dense */
	int64_t dense_min;
	uint64_t dense_span;
	int64_t last_id;      /* the last id found, and its slot */
	uint32_t last_slot;
	char *keys;           /* the patients' keys, NUL-terminated, one after the other
			       * (only when the read asked for them) */
	size_t keys_len, keys_cap;
};

/* Bytes a patient costs in the index (record and index entry). */
#define KVDB_PAT_COST (sizeof(struct kvdb_pat) + KVDB_MAP_ENTRY_COST)

/* Room for n patients, or a zeroed new one (growing). NULL / -1 after
 * kvdb_error() (`what` names the activity). */
int kvdb_pats_reserve(struct kvdb_ctx *rc, struct kvdb_mem *m, struct kvdb_pats *ps, uint64_t n,
		      const char *what);
struct kvdb_pat *kvdb_pats_push(struct kvdb_ctx *rc, struct kvdb_mem *m, struct kvdb_pats *ps,
				const char *what);
/* Once read: sort by id (the delivery order), keep the first of a repeated
 * id in a fixed order (*dups += the others), and index. 0 or -1. */
int kvdb_pats_index(struct kvdb_ctx *rc, struct kvdb_mem *m, struct kvdb_pats *ps,
		    uint64_t *dups, const char *what);
/* The slot of id, or KVDB_MAP_NONE. */
uint32_t kvdb_pats_find(struct kvdb_pats *ps, int64_t id);
/* ABI 2.1: patient p's key (kv_patient_origin.key) from cell c, copied into
 * ps's key pool (grown within the budget): a text cell as it is, an integer
 * in decimal. NULL, empty, a NUL inside or another kind: none. A value of
 * KV_PATIENT_KEY_MAX bytes or more (or c->too_long): none, and *too_long
 * counts it (the connector reports "patient key too long"); the patient
 * stays good. 0, or -1 after kvdb_error() (the budget). */
int kvdb_pats_key(struct kvdb_ctx *rc, struct kvdb_mem *m, struct kvdb_pats *ps,
		  struct kvdb_pat *p, const struct kvdb_cell *c, uint64_t *too_long);
/* Bytes a patient key costs at most in the pool, for a plan's row cost. */
#define KVDB_PAT_KEY_COST KV_PATIENT_KEY_MAX
void kvdb_pats_free(struct kvdb_mem *m, struct kvdb_pats *ps);

/* Every staging record starts with this head. */
struct kvdb_head {
	uint32_t slot; /* index into the range's patients */
	kv_date date;  /* the sort date */
	int64_t key;   /* tie-break */
};

/* By date, then key (a comparison may go on with the event's content). */
int kvdb_cmp_head(const struct kvdb_head *a, const struct kvdb_head *b);

/* One kind of staging record: its size (a multiple of 8, at most
 * KVDB_SORT_MAX_ELEM, checked by KVDB_STAGE_OK), where the canonical event
 * is in it, and the order of one patient's records. */
struct kvdb_stage_desc {
	size_t elem, ev_off, ev_size;
	int (*cmp)(const void *, const void *);
};

#define KVDB_STAGE_DESC(st, ev, cmpf)                                                          \
	{.elem = sizeof(struct st), .ev_off = offsetof(struct st, ev),                         \
	 .ev_size = sizeof(((struct st *)0)->ev), .cmp = (cmpf)}
#define KVDB_STAGE_OK(st)                                                                      \
	_Static_assert(sizeof(struct st) % 8 == 0 && sizeof(struct st) <= KVDB_SORT_MAX_ELEM &&  \
			       offsetof(struct st, h) == 0,                                    \
		       #st " cannot be staged")

/* One kind's records. Grouped: off[slot] .. off[slot + 1] are the
 * patient's; compacted: data holds the canonical events at those
 * indexes. */
struct kvdb_stage {
	const struct kvdb_stage_desc *d; /* set by the connector; NULL: not staged */
	unsigned char *data;
	size_t n, cap;
	size_t *off; /* n_pats + 1, after grouping */
	bool grouped;
};

/* Room for n records (a plan's count), or one more zeroed record (growing
 * within the budget). -1 / NULL after kvdb_error(). */
int kvdb_stage_reserve(struct kvdb_ctx *rc, struct kvdb_mem *m, struct kvdb_stage *s,
		       uint64_t n, const char *what);
void *kvdb_stage_push(struct kvdb_ctx *rc, struct kvdb_mem *m, struct kvdb_stage *s,
		      const char *what);
/* Group by slot in place (radix sort) and sort each patient's records. */
int kvdb_stage_group(struct kvdb_ctx *rc, struct kvdb_mem *m, struct kvdb_stage *s,
		     size_t n_pats, const char *what);
/* Records -> canonical events, in place (each moves down). */
void kvdb_stage_compact(struct kvdb_stage *s);
/* After compaction: patient slot's events (NULL when none). */
const void *kvdb_stage_events(const struct kvdb_stage *s, size_t slot, size_t *n);
void kvdb_stage_free(struct kvdb_mem *m, struct kvdb_stage *s);

/* ---- a row decoder's tail (kvdb_stage.c) ------------------------------- */

/* Where a decoder's rows go, made per row from the range it reads (a
 * worker thread's from its own copy: pats is its lookup cache). */
struct kvdb_row_to {
	struct kvdb_ctx *rc;
	struct kvdb_mem *mem;
	struct kvdb_pats *pats;   /* the range's patients */
	uint64_t *bad;            /* the table's bad-row counts, by reason */
	unsigned unknown_patient; /* the connector's reason: no such patient in the range */
	unsigned bad_patient;     /* ...: the patient's own row is bad (kvdb_pat.bad) */
	kv_date from, to;         /* events dated outside [from, to] are dropped, not
				   * counted; from 0: no lower bound */
	const char *what;         /* the activity, for a budget message */
};

/* The slot of patient pid when it is deliverable; else false and *why
 * (unless it has one) the reason: unknown patient or bad patient. */
bool kvdb_pats_slot(struct kvdb_pats *ps, int64_t pid, unsigned unknown_patient,
		    unsigned bad_patient, uint32_t *slot, unsigned *why);
/* A decoded row (why: its first reason, KVDB_NO_REASON when good) of
 * patient pid dated `date`: 1 with *slot when it is to be staged; 0 when
 * it is a bad row (bad[why] counted, the patient's reason if it has none
 * of its own) or dated outside the window (dropped). */
int kvdb_row_patient(const struct kvdb_row_to *x, unsigned why, int64_t pid, kv_date date,
		     uint32_t *slot);
/* The whole tail: kvdb_row_patient(), then a record pushed on s with its
 * head {slot, date, key} set and the rest zeroed. 1 (*rec the record), 0
 * (nothing staged, as above), -1 after kvdb_error() (the budget). */
int kvdb_stage_row(const struct kvdb_row_to *x, struct kvdb_stage *s, unsigned why, int64_t pid,
		   kv_date date, int64_t key, void **rec);

/* ---- delivering a range (kvdb_conn.c) ---------------------------------- */

/* The kinds of canonical events a struct kv_patient holds. */
enum kvdb_kind {
	KVDB_K_PERIOD = 0,
	KVDB_K_CONTACT,
	KVDB_K_FEE,
	KVDB_K_DIAGNOSIS,
	KVDB_K_MEDICATION,
	KVDB_K_PRESCRIPTION,
	KVDB_K_LAB,
	KVDB_K_BP,
	KVDB_K_FORM,
	KVDB_K_NOTE,
	KVDB_N_KINDS
};

/* ABI 2.1: what of the origin a read serves beyond local_ref and
 * list_holder, as the request asked (kvdb_req_origin). */
struct kvdb_origin_in {
	uint32_t asked;                 /* KV_ORIGIN_* bits */
	/* KV_ORIGIN_HOLDERS: the list holder of every record of the period
	 * stage, indexed as the compacted stage (kvdb_stage.off): patient s's
	 * periods[i] has period_holders[off[s] + i]. NULL: none known. */
	const uint64_t *period_holders;
};

/* The request's KV_ORIGIN_* bits: 0 from a core older than ABI 2.1 (a
 * request too small to have the field). */
uint32_t kvdb_req_origin(const struct kv_read_request *req);

/* Hand every good patient of ps (bad rows are skipped) to sink, with the
 * compacted stage of each kind (NULL: none of that kind); the events are
 * slices of the stages, not copies. Each goes with its origin (for the
 * core alone): local_ref = (uint64_t)id (an id of 0 reads as none),
 * list_holder = holder, and as oi asked (NULL: nothing more) the key
 * (kvdb_pat.key, borrowed from the pool) and the period holders (a slice
 * of oi->period_holders, parallel to the patient's periods); unasked, both
 * NULL. *delivered counts them. 0, or -1 after kvdb_error() when the sink
 * stops the read. */
int kvdb_deliver(struct kvdb_ctx *rc, const struct kvdb_pats *ps,
		 const struct kvdb_stage *const by_kind[KVDB_N_KINDS],
		 const struct kvdb_origin_in *oi, kv_patient_sink sink, void *sink_arg,
		 uint64_t *delivered);

/* ---- display names (kvdb_names.c) -------------------------------------- */

/* ABI 2.1, kv_connector_plugin.names: ids per statement, and the longest
 * name passed on (a longer one is left out, as a missing one). */
#define KVDB_NAMES_CHUNK 500
#define KVDB_NAME_MAX 1024

/* Where one kind of name is: "SELECT <id>, <name> FROM <from> WHERE <id> IN
 * (<bound ids>)". Every part is the connector's own fixed text (schema
 * names checked as identifiers); the ids are always bound parameters. */
struct kvdb_names_query {
	const char *what;     /* the table, for messages */
	const char *from;     /* "patient x", "cdm.provider x" */
	const char *id_col;   /* "x.patient_id": an integer column */
	const char *name_col; /* "x.name": a text column */
};

/* Look up the names of refs[0..n) (each read back as an int64 id; 0 and
 * repeats are asked once or not at all) in chunks of KVDB_NAMES_CHUNK
 * bound ids, outside any read's snapshot, and call sink once per ref with
 * a name (NULL, empty and too long names are left out, as is a second row
 * for one id). The transport's buffers come from a budget of their own.
 * Never logs a name. 0, or -1 after kvdb_error(). */
int kvdb_names(struct kvdb_ctx *rc, struct kvdb_transport *t, const struct kvdb_names_query *q,
	       const uint64_t *refs, size_t n, kv_name_sink sink, void *sink_arg);
/* host->expect_patients(n), when the host has it. */
void kvdb_expect_patients(struct kvdb_ctx *rc, uint64_t n);
/* host->count_rows for table, and count_bad_rows for each reason w with
 * bad[w] > 0 (reason_text[w]), in reason order. */
void kvdb_report_table(struct kvdb_ctx *rc, const char *table, uint64_t rows, const uint64_t *bad,
		       const char *const *reason_text, size_t n_reasons);

/* ---- a read's frame (kvdb_conn.c) -------------------------------------- */

/* read()'s arguments: a request and a sink, and a budget of at least
 * min_budget bytes. 0, or -1 after kvdb_error(). */
int kvdb_read_check(struct kvdb_ctx *rc, const struct kv_read_request *req, kv_patient_sink sink,
		    size_t min_budget);
/* The read's snapshot: t->begin(), then *twin, a second connection in it
 * when the transport offers one (NULL otherwise). 0 or -1. */
int kvdb_snapshot_begin(struct kvdb_transport *t, struct kvdb_transport **twin);
/* End it: the twin closed (*twin = NULL), then t->end(t, report). */
int kvdb_snapshot_end(struct kvdb_transport *t, struct kvdb_transport **twin, bool report);

/* ---- a connector's state (kvdb_conn.c) --------------------------------- */

/* The first member of every connector's state, from open() to close(). */
struct kvdb_conn {
	struct kvdb_ctx rc;
	struct kvdb_transport *t; /* owned; closed by kvdb_conn_free() */
	uint32_t provides;        /* what the data provides (open()'s result) */
};

/* open()'s first step: NULL when call's host is unusable (not ABI major
 * KV_ABI_MAJOR, or smaller than host_size: nothing can be reported) or out
 * of memory (reported); else `size` zeroed bytes, a struct starting with
 * struct kvdb_conn, entered (kvdb_enter) with call. */
void *kvdb_conn_new(const struct kv_call *call, size_t host_size, size_t size);
/* The first step of every other callback of a kvdb_conn state: its host
 * and context are call's until kvdb_leave(), the callback's last step
 * (after every worker thread is joined). */
void kvdb_enter(struct kvdb_conn *c, const struct kv_call *call);
void kvdb_leave(struct kvdb_conn *c);
/* Close the transport, forget the secrets, free c (NULL: nothing). */
void kvdb_conn_free(struct kvdb_conn *c);
/* The end of a successful open(): c and its provides bits into res, c
 * left (kvdb_leave); KV_OK. */
int kvdb_conn_opened(struct kvdb_conn *c, struct kv_open_result *res);
/* A connector's close() callback, for a kvdb_conn state: entered with
 * call, then freed. */
void kvdb_conn_close(const struct kv_call *call);
/* A row callback that keeps nothing (schema checks: SELECT ... WHERE 1 = 0). */
int kvdb_ignore_rows(void *arg, const struct kvdb_cell *cells);

/* ---- decoding a row (kvdb_row.c) --------------------------------------- */

/* The reasons for a bad row every connector counts: the first of its own
 * list of reasons, in this order. A decoder keeps the first reason a row
 * is bad for in an `unsigned why`, KVDB_NO_REASON while it is good. */
enum kvdb_reason {
	KVDB_R_MISSING_VALUE = 0,
	KVDB_R_UNPARSEABLE_DATE,
	KVDB_R_UNPARSEABLE_NUMBER,
	KVDB_R_NOT_FINITE,
	KVDB_R_OUT_OF_RANGE,
	KVDB_N_REASONS
};
#define KVDB_NO_REASON UINT_MAX

/* *why = reason, unless the row already has one. */
void kvdb_fail(unsigned *why, unsigned reason);
/* Required: NULL is a missing value. */
void kvdb_req_int(const struct kvdb_cell *c, int64_t *out, unsigned *why);
void kvdb_req_date(const struct kvdb_cell *c, bool timestamp, kv_date *out, unsigned *why);
/* Optional: NULL gives `none`, KV_DATE_OPEN, or *has = false. A float must
 * be finite. */
void kvdb_opt_int(const struct kvdb_cell *c, int64_t *out, int64_t none, unsigned *why);
void kvdb_opt_date(const struct kvdb_cell *c, kv_date *out, unsigned *why);
void kvdb_opt_float(const struct kvdb_cell *c, double *out, bool *has, unsigned *why);
/* A code, normalised (kvdb_norm_code) into out ("" unless 0): 0 ok, 1 NULL,
 * 2 empty after trimming, -1 too long (or not text). */
int kvdb_cell_code(const struct kvdb_cell *c, bool remove_dots, char out[KV_CODE_MAX]);
/* An opaque key the read only passes on (a list holder, kvdb_pat.holder),
 * never the reason for a bad row: 1..UINT32_MAX, else 0 (NULL, unparseable
 * or out of that range: unknown). */
uint32_t kvdb_cell_ref(const struct kvdb_cell *c);

/* ---- planning patient ranges (kvdb_plan.c) ----------------------------- */

/* A patient-key range [lo, hi). Without lo it reaches down to (and
 * includes) rows whose key is NULL or in no planned bucket; without hi it
 * is open above. A connector turns it into its own WHERE clause. */
struct kvdb_range {
	bool has_lo, has_hi;
	int64_t lo, hi;
};

/* Tables a plan weighs, at most (indexes of the connector's own list): the
 * reference's 12 (omop: 10). A plan is held for the whole read and charged to
 * its budget, so this stays no larger than a connector needs; raise it (and
 * the upper_bound bits) for a connector with more tables. */
#define KVDB_PLAN_MAX_TABLES 12

/* A planned range and the rows expected in it per table (exact when the
 * counts come from the read's snapshot; for sizing its arrays). */
struct kvdb_plan_range {
	struct kvdb_range range;
	uint64_t rows[KVDB_PLAN_MAX_TABLES];
};

/* The ranges in key order: the first unbounded below, the last above, each
 * starting where the one before ends. Allocated from the read's kvdb_mem;
 * kvdb_plan_free(). */
struct kvdb_plan {
	struct kvdb_plan_range *ranges;
	size_t n;
};

/* The connector's histogram: into counts[t * nb + b] (zeroed by the
 * planner) the rows of table t whose key k has lo <= k <= hi and
 * (k - lo) / width == b, for every table with a row cost. 0, or -1 after
 * kvdb_error(). */
typedef int (*kvdb_hist_fn)(void *arg, int64_t lo, int64_t hi, uint64_t width, size_t nb,
			    uint64_t *counts);

/* What the planner is given; everything borrowed for the call. */
struct kvdb_plan_in {
	size_t n_tables;          /* 1..KVDB_PLAN_MAX_TABLES */
	const uint64_t *rows;     /* per table: rows in the whole read */
	const uint64_t *row_cost; /* per table: bytes a row costs in a range; 0: the
				   * table is not weighed and has no histogram */
	uint32_t upper_bound;     /* bit t: rows[t] is only an upper bound (not
				   * exact), so no rows outside the buckets are
				   * added to the first range */
	bool has_keys;            /* min_key, max_key: the smallest and largest key */
	int64_t min_key, max_key;
	uint64_t target;          /* weighed bytes one range may hold */
	size_t buffer_bytes;      /* held outside the kvdb_mem's count (transport
				   * buffers): left out when sizing the histograms */
	size_t range_fixed;       /* a range's fixed cost, for the message naming
				   * the budget */
	const char *key;          /* the key column, for messages: "patient_id" */
	kvdb_hist_fn hist;
	void *arg;
};

/* Plan the read's ranges: one unbounded range with rows = in->rows when
 * the weighed total fits in->target; otherwise ranges cut greedily from
 * histograms over [min_key, max_key], a bucket above the target planned
 * again with finer buckets down to one key. Fails naming the budget when
 * one key's rows exceed the target or no key is known. The histograms are
 * allocated from m while planning. 0, or -1 after kvdb_error() (*plan
 * empty). */
int kvdb_plan_make(struct kvdb_ctx *rc, struct kvdb_mem *m, const struct kvdb_plan_in *in,
		   struct kvdb_plan *plan);
void kvdb_plan_free(struct kvdb_mem *m, struct kvdb_plan *plan);

/* ---- reading on two connections (kvdb_twin.c) ------------------------- */

/* A job on a worker thread (over a twin transport), the budget shared. */
struct kvdb_worker {
	int (*job)(void *arg); /* 0, or -1 after kvdb_error() */
	void *arg;
	struct kvdb_mem *mem;
	pthread_t thread;
	pthread_mutex_t lock;  /* mem->lock while the job runs */
	atomic_bool stop;
	struct kvdb_error_capture err;
	int ret;
	bool running;
};

/* Run job(arg) on a thread of its own; mem is shared under a lock until
 * the join. false when no thread could be had (nothing runs: do the job
 * here). w must stay in place until kvdb_worker_join(). */
bool kvdb_worker_start(struct kvdb_worker *w, struct kvdb_mem *mem, int (*job)(void *arg),
		       void *arg);
/* For the job: stop after the current statement. */
bool kvdb_worker_stopping(const struct kvdb_worker *w);
/* Wait for the job (nothing when it never started). report: its failure is
 * reported (its first error) and -1 returned. !report (the caller failed
 * first, its error stands): the job is asked to stop, and nothing is
 * reported. */
int kvdb_worker_join(struct kvdb_ctx *rc, struct kvdb_worker *w, bool report);

/* ---- connecting (kvdb_open.c) ----------------------------------------- */

/* Two entries of every connector's configuration key table, next to its own
 * "dsn" (whose description names its schema). */
#define KVDB_KEY_PASSWORD(S)                                                                   \
	{                                                                                      \
		.key = {.key = "password", .type = KV_CONFIG_SECRET, .required = false,       \
			.description = "The database password, added to the connection as "   \
				       "libpq password or ODBC PWD; never logged"},            \
		KV_BIND(S, password),                                                          \
	}
#define KVDB_KEY_ODBC_ROW_ARRAY_SIZE(S)                                                        \
	{                                                                                      \
		.key = {.key = "odbc_row_array_size", .type = KV_CONFIG_INT,                   \
			.default_value = "1024", .required = false, .allowed = "1..65536",     \
			.description = "Rows fetched per ODBC call into bound column arrays "  \
				       "(and psqlODBC's cursor fetch size); lowered when the " \
				       "memory budget needs it"},                              \
		KV_BIND(S, odbc_row_array_size),                                               \
	}

/* The settings every connector has (the fields its settings struct binds
 * with KVDB_KEY_*), borrowed from kv_call.settings for kvdb_connect. */
struct kvdb_connect_settings {
	const char *dsn;
	const char *password;       /* NULL: none */
	int64_t odbc_row_array_size;
};

/* Open the transport the connector's dsn selects (kvdb_dsn_is_libpq), with
 * its password (first remembered as a secret) and ODBC row array size.
 * application_name: see kvdb_pg_open. 0, or -1 after kvdb_error(). */
int kvdb_connect(struct kvdb_ctx *rc, const struct kvdb_connect_settings *set,
		 const char *application_name, struct kvdb_transport **out);

#endif /* KV_COMMON_KVDB_H */
