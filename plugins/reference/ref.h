/*
 * ref.h - internals of the "reference" connector plugin (not installed)
 *
 * The plugin reads the reference EHR schema (reference-ehr.sql) through one
 * of two transports, libpq (binary COPY) or ODBC (bound column arrays), and
 * turns the rows into struct kv_patient. The pieces:
 *
 *   reference.c     descriptor, configuration keys, open/provides/read/close
 *   ref_sql.c       the one table of queries (tables, columns, types) and the
 *                   SQL text built from it for every dialect
 *   ref_pg.c        the libpq transport
 *   ref_odbc.c      the ODBC transport
 *   ref_notes.c     keyword rules -> PostgreSQL regex / SQLite GLOB / T-SQL LIKE
 *   ref_plan.c      memory budget: counts, histograms, patient_id ranges
 *   ref_assemble.c  rows -> normalised, grouped, sorted patients; delivery
 *   ref_util.c      error text, memory accounting, id map, value parsing, sorting
 *
 * Everything here has hidden visibility (the plugin is built with
 * -fvisibility=hidden); only kv_connector_plugin is exported.
 *
 * Error convention: functions returning int give 0 on success and -1 after
 * ref_error() has described the failure (through host->set_error). No
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

/* ---- context: host, error text, secrets -------------------------------- */

#define REF_MAX_SECRETS 4

struct ref_ctx {
	const struct kv_host *host;
	struct kv_ctx *ctx;
	/* Strings removed from every driver message before it is reported
	 * (the password key, passwords found in the connection string). Owned
	 * (malloc'd), freed by ref_ctx_fini(). */
	char *secrets[REF_MAX_SECRETS];
	size_t n_secrets;
};

/* Remember a secret to scrub; empty or NULL strings are ignored. 0 or -1. */
int ref_ctx_add_secret(struct ref_ctx *rc, const char *secret, size_t len);
void ref_ctx_fini(struct ref_ctx *rc);

/* Report an error through host->set_error. The formatted text is scrubbed
 * of secrets, control characters become spaces and runs of blanks collapse,
 * so a multi-line driver message becomes one line. Always returns -1. */
int ref_error(struct ref_ctx *rc, const char *fmt, ...) KV_PRINTF(2, 3);

/* A worker thread's errors (ref_assemble.c): while the calling thread's
 * capture is set, ref_error() keeps the first message there instead of
 * calling host->set_error, which only the thread that called read() may do;
 * that thread reports it after joining the worker. */
struct ref_error_capture {
	bool set;
	char msg[2048];
};
extern _Thread_local struct ref_error_capture *ref_tl_capture;

/* Log through host->log (never pass row values or connection strings). */
#define ref_log(rc, level, ...) (rc)->host->log((rc)->ctx, (level), __VA_ARGS__)

/* Scrub secrets and control characters out of `msg` in place (see
 * ref_error). */
void ref_scrub(const struct ref_ctx *rc, char *msg, size_t size);

/* ---- memory accounting ------------------------------------------------- */

/*
 * Every allocation made while reading goes through a ref_mem so the plugin
 * never holds more than kv_read_request.memory_budget bytes of its own (the
 * drivers' internal buffers are outside the count). A block carries a
 * 16-byte header holding its size, counted too.
 */
struct ref_mem {
	size_t budget;
	size_t used;
	size_t peak;
	/* Set while two threads read one range (ref_assemble.c): every
	 * allocation and free then takes it, so the budget stays exact. */
	pthread_mutex_t *lock;
};

/* NULL after ref_error() ("memory budget exceeded while <what>" or "out of
 * memory"). `what` names the activity for the message. */
void *ref_alloc(struct ref_ctx *rc, struct ref_mem *m, size_t size, const char *what);
void *ref_calloc(struct ref_ctx *rc, struct ref_mem *m, size_t n, size_t size,
		 const char *what);
/* On failure the old block is untouched and still owned by the caller. */
void *ref_realloc(struct ref_ctx *rc, struct ref_mem *m, void *p, size_t size,
		  const char *what);
void ref_free(struct ref_mem *m, void *p);
/* The bytes a block of `size` costs (header included). */
size_t ref_alloc_cost(size_t size);

/* ---- int64 -> uint32 open-addressing map -------------------------------- */

struct ref_map_entry {
	int64_t key;
	uint32_t val;
	uint32_t used;
};

struct ref_map {
	struct ref_map_entry *e; /* one array: a lookup touches one cache line */
	size_t cap;
	size_t n;
};

#define REF_MAP_NONE UINT32_MAX

/* Bytes a map sized for n entries costs; per entry (for estimates) about
 * REF_MAP_ENTRY_COST. */
size_t ref_map_cost(size_t n);
#define REF_MAP_ENTRY_COST 24
int ref_map_init(struct ref_ctx *rc, struct ref_mem *m, struct ref_map *map, size_t n,
		 const char *what);
void ref_map_fini(struct ref_mem *m, struct ref_map *map);
/* 1 inserted, 0 key already present (*existing set), -1 full (ref_error). */
int ref_map_insert(struct ref_ctx *rc, struct ref_map *map, int64_t key, uint32_t val,
		   uint32_t *existing);
/* The value, or REF_MAP_NONE. */
uint32_t ref_map_get(const struct ref_map *map, int64_t key);
/* Overwrite the value of a present key; false if absent. */
bool ref_map_set(struct ref_map *map, int64_t key, uint32_t val);

/* ---- values ------------------------------------------------------------ */

/* The types of the columns in the query table (ref_sql.c). */
enum ref_type {
	REF_T_ID = 1,    /* bigint; also counts and histogram buckets */
	REF_T_INT,       /* integer */
	REF_T_FLOAT,     /* double precision */
	REF_T_DATE,      /* date */
	REF_T_TIMESTAMP, /* timestamp; only its date part is kept */
	REF_T_TEXT       /* text, at most text_max bytes (longer: too_long) */
};

/* What a transport delivers for one cell. */
enum ref_vkind {
	REF_V_NULL = 0,
	REF_V_INT,     /* .i */
	REF_V_FLOAT,   /* .f */
	REF_V_DATE,    /* .d, already validated (year 1..9999) */
	REF_V_TEXT,    /* .s/.len, not NUL-terminated; numbers and dates as text
			* too (SQLite), parsed strictly by ref_cell_* */
	REF_V_INVALID  /* the transport could not represent the value */
};

struct ref_cell {
	enum ref_vkind kind;
	bool too_long;   /* text longer than the column's text_max */
	int64_t i;
	double f;
	kv_date d;
	const char *s;
	size_t len;
};

/* The earliest and latest dates accepted: 0001-01-01 .. 9999-12-31. */
#define REF_DATE_MIN (-719162)
#define REF_DATE_MAX 2932896

/* Cell readers: 0 value stored, 1 NULL, -1 unparseable (a bad row). */
int ref_cell_int(const struct ref_cell *c, int64_t *out);
int ref_cell_float(const struct ref_cell *c, double *out);
/* `timestamp`: text may carry a time after the date ("YYYY-MM-DD HH:MM[:SS[.f]]",
 * 'T' or ' '); a DATE column's text must be exactly "YYYY-MM-DD". */
int ref_cell_date(const struct ref_cell *c, bool timestamp, kv_date *out);

/* Strict parsers (exported for the tests of the dialects' text forms). */
bool ref_parse_date(const char *s, size_t len, bool timestamp, kv_date *out);
bool ref_parse_int(const char *s, size_t len, int64_t *out);
bool ref_parse_float(const char *s, size_t len, double *out);
/* y-m-d validity and range as above. */
bool ref_ymd_valid(int y, int m, int d);

/* Code normalisation (indicators.md rule 2): trim space/tab/CR/LF, ASCII
 * upper-case, optionally remove dots. 0 ok, 1 empty, -1 too long for
 * KV_CODE_MAX. */
int ref_norm_code(const char *s, size_t len, bool remove_dots, char out[KV_CODE_MAX]);

/* Exact comparison of a text cell with a literal. */
bool ref_text_eq(const struct ref_cell *c, const char *lit);

/* ---- in-place sorting -------------------------------------------------- */

/* Sort n elements of `size` bytes (a multiple of 8, at most
 * REF_SORT_MAX_ELEM) in place with no allocation: insertion sort for short
 * runs, heapsort otherwise. */
#define REF_SORT_MAX_ELEM 128
void ref_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
/* Swap two elements of `size` bytes (a multiple of 8). */
void ref_swap(void *a, void *b, size_t size);

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
	enum ref_type type;
	uint16_t text_max;  /* REF_T_TEXT: longer raw values are too_long */
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

enum ref_dialect {
	REF_DIALECT_POSTGRES = 1, /* libpq, or psqlODBC */
	REF_DIALECT_SQLITE,       /* SQLite ODBC driver */
	REF_DIALECT_MSSQL,        /* Microsoft SQL Server ODBC driver (untested) */
	REF_DIALECT_GENERIC       /* any other ODBC DBMS: no keyword matching */
};

enum ref_param_style { REF_PARAM_DOLLAR = 1, REF_PARAM_QMARK };

/* A patient_id range [lo, hi). Without lo it reaches down to (and includes)
 * rows whose patient is NULL or unknown; without hi it is open above. */
struct ref_range {
	bool has_lo, has_hi;
	int64_t lo, hi;
};

/* Keyword rules translated for one dialect (ref_notes.c). Rule i matches
 * when any of patterns[first[i] .. first[i + 1]) matches, each through
 * ref_notes_operand(). Owned; ref_notes_free(). */
struct ref_note_rules {
	size_t n_rules;
	size_t *first;     /* n_rules + 1 */
	char **patterns;
	size_t n_patterns;
};

/* The SQL text builders write into buf (NUL-terminated) and return 0, or -1
 * after ref_error() when the text does not fit. */
#define REF_SQL_MAX 16384

/* `from` in every builder: kv_read_request.events_from. When non-zero, the
 * rows of a windowed table (ref_query.date_col, fees through their contact)
 * dated before it are left out in the database: date_col >= 'YYYY-MM-DD'. */

/* SELECT <cols> FROM <table> [range] [from]; with `check`: WHERE 1 = 0 and
 * the check_only columns named in the condition. */
int ref_sql_select(struct ref_ctx *rc, char *buf, size_t size, enum ref_table t,
		   enum ref_dialect d, const struct ref_range *range, kv_date from, bool check);
/* SELECT count(*), min(patient), max(patient) (NULLs where not split). */
int ref_sql_totals(struct ref_ctx *rc, char *buf, size_t size, enum ref_table t,
		   enum ref_dialect d, kv_date from);
/* SELECT (patient - lo) / width, count(*) ... lo <= patient <= hi GROUP BY 1.
 * For REF_TAB_NOTE the count is the number of (note, rule) matches. */
int ref_sql_histogram(struct ref_ctx *rc, char *buf, size_t size, enum ref_table t,
		      enum ref_dialect d, enum ref_param_style ps, int64_t lo, int64_t hi,
		      int64_t width, const struct ref_note_rules *rules, kv_date from);
/* SELECT patient, written_on, note_id, <one 0/1 flag per rule> FROM journal_note
 * WHERE <any rule> [range]. Parameters: rules->patterns twice over for '?'
 * (flags, then the WHERE clause), once for '$n'; see ref_sql_note_params. */
int ref_sql_notes(struct ref_ctx *rc, char *buf, size_t size, enum ref_dialect d,
		  enum ref_param_style ps, const struct ref_note_rules *rules,
		  const struct ref_range *range, kv_date from);
/* How many parameters the note queries bind, and which pattern the k-th is. */
size_t ref_sql_note_n_params(enum ref_param_style ps, const struct ref_note_rules *rules);
const char *ref_sql_note_param(enum ref_param_style ps, const struct ref_note_rules *rules,
			       size_t k);

/* ---- keyword rules (ref_notes.c) --------------------------------------- */

/* Translate rules (kv_plugin.h, struct kv_read_request) for dialect d. */
int ref_notes_translate(struct ref_ctx *rc, struct ref_mem *m, enum ref_dialect d,
			const char *const *rules, size_t n, struct ref_note_rules *out);
void ref_notes_free(struct ref_mem *m, struct ref_note_rules *r);
/* The SQL condition applying one pattern parameter (written as `param`) to
 * journal_note.body, for the dialect; NULL for REF_DIALECT_GENERIC. */
int ref_notes_condition(char *buf, size_t size, enum ref_dialect d, const char *param);
bool ref_dialect_has_notes(enum ref_dialect d);

/* ---- transports -------------------------------------------------------- */

/* One statement to run and the shape of its result. */
struct ref_select {
	const char *action;               /* for messages; NULL: "reading table" */
	const char *what;                 /* table name, for messages */
	const char *sql;
	const enum ref_type *types;
	const uint16_t *text_max;         /* per column; 0 for non-text */
	size_t n_cols;
	const char *const *params;        /* text parameters, in order */
	size_t n_params;
};

#define REF_ACTION(s) ((s)->action != NULL ? (s)->action : "reading table")

/* Called once per row; cells valid for the call only. Non-zero stops the
 * statement (the callback has already called ref_error). */
typedef int (*ref_row_fn)(void *arg, const struct ref_cell *cells);

struct ref_transport {
	const char *name;             /* "libpq" or "ODBC" */
	enum ref_dialect dialect;
	enum ref_param_style params;
	char dbms[104];               /* for messages: "PostgreSQL 15.2", "SQLite 3.40.1" */
	struct ref_ctx *rc;
	struct ref_mem *mem;          /* set by read(); NULL between reads */

	/* Start / end the read-only, consistent snapshot all reads run in. */
	int (*begin)(struct ref_transport *t);
	/* `report`: call ref_error on failure (false on error paths, so the
	 * first error stays the one reported). */
	int (*end)(struct ref_transport *t, bool report);
	/* Run one statement, calling fn per row. */
	int (*select)(struct ref_transport *t, const struct ref_select *s, ref_row_fn fn,
		      void *arg);
	/* Bytes of row buffers select() will allocate (from t->mem) at most
	 * under `budget`. */
	size_t (*buffer_bytes)(struct ref_transport *t, size_t budget);
	/* Optional (NULL: not offered). After begin(): a second connection
	 * reading inside the same snapshot as t's transaction, so two tables
	 * can be read at once; NULL when none can be had (the read then stays
	 * on t alone; nothing is reported). Its begin() is already done; end it
	 * with end() and free it with close(). */
	struct ref_transport *(*twin)(struct ref_transport *t);
	void (*close)(struct ref_transport *t);
};

/* Which transport a dsn selects: libpq for postgresql:// or postgres:// URIs
 * and for key=value conninfo strings libpq accepts that name no ODBC
 * Driver/DSN/FileDSN key; ODBC otherwise. */
bool ref_dsn_is_libpq(const char *dsn);

int ref_pg_open(struct ref_ctx *rc, const char *dsn, const char *password,
		struct ref_transport **out);
int ref_odbc_open(struct ref_ctx *rc, const char *dsn, const char *password,
		  size_t row_array_size, struct ref_transport **out);

/* ---- reading (ref_plan.c, ref_assemble.c) ------------------------------- */

/* Fixed bad-row reasons (host->count_bad_rows). */
enum ref_reason {
	REF_R_MISSING_VALUE = 0,
	REF_R_UNPARSEABLE_DATE,
	REF_R_UNPARSEABLE_NUMBER,
	REF_R_NOT_FINITE,
	REF_R_OUT_OF_RANGE,
	REF_R_UNKNOWN_SEX,
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
	REF_N_REASONS
};
extern const char *const ref_reason_text[REF_N_REASONS];

/* Per-table memory costs used by the planner (ref_assemble.c). */
size_t ref_asm_row_cost(enum ref_table t);
size_t ref_asm_patient_cost(void);

/* A planned range with the rows expected in it per table. */
struct ref_plan_range {
	struct ref_range range;
	uint64_t rows[REF_N_TABLES];
};

struct ref_plan {
	struct ref_plan_range *ranges; /* from ref_mem */
	size_t n;
};

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
/* Plan the ranges for the memory budget (ref_plan.c): one unbounded range
 * when everything fits, otherwise ranges cut from per-bucket histograms. */
int ref_plan_make(struct ref_reader *r, const struct ref_totals *tot, struct ref_plan *plan);
void ref_plan_free(struct ref_reader *r, struct ref_plan *plan);

/* The state of one read() call (ref_assemble.c). */
struct ref_reader {
	struct ref_ctx *rc;
	struct ref_transport *t;
	struct ref_transport *twin;    /* a second connection in t's snapshot, or NULL */
	/* No contact lies before req->events_from (ref_plan_totals): the fees
	 * are then read without the join with contact that their cut needs,
	 * since it would leave none out. */
	bool fees_uncut;
	struct ref_mem mem;
	const struct kv_read_request *req;
	kv_patient_sink sink;
	void *sink_arg;
	struct ref_note_rules rules;   /* translated keyword rules */
	struct ref_map roles;          /* practitioner_id -> enum kv_role */
	size_t fixed_bytes;            /* held for the whole read (roles, plan) */
	size_t buffer_bytes;           /* transport row buffers */
	uint64_t rows[REF_N_TABLES];
	uint64_t bad[REF_N_TABLES][REF_N_REASONS];
	uint64_t delivered;
};

/* The whole read: snapshot, plan, every range, counts. KV_OK / KV_ERROR. */
int ref_read(struct ref_ctx *rc, struct ref_transport *t, const struct kv_read_request *req,
	     kv_patient_sink sink, void *sink_arg);

/* Run one select through the transport (used by planner and assembler). */
int ref_run(struct ref_reader *r, const char *what, const char *sql,
	    const enum ref_type *types, const uint16_t *text_max, size_t n_cols,
	    const char *const *params, size_t n_params, ref_row_fn fn, void *arg);

#endif /* KV_REFERENCE_REF_H */
