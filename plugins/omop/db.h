/*
 * db.h - the database layer of the omop connector: context and error text,
 * memory accounting, an id map, cell values and strict parsers, sorting, and
 * the two transports (libpq binary COPY, ODBC bound column arrays)
 *
 * Copied from the reference connector (plugins/reference/ref.h, ref_util.c,
 * ref_pg.c, ref_odbc.c) with the prefix ref_ renamed db_, and nothing
 * schema-specific: no table, column or event of either schema appears in
 * db.h, db_util.c, db_pg.c or db_odbc.c. They are meant to become a layer
 * both connectors share once the reference connector can be changed
 * (see plugins/omop/README.md).
 *
 *   db_util.c   error text (secrets scrubbed), memory accounting, id map,
 *               value parsing, sorting
 *   db_pg.c     the libpq transport
 *   db_odbc.c   the ODBC transport
 *
 * Everything here has hidden visibility (the plugin is built with
 * -fvisibility=hidden).
 *
 * Error convention: functions returning int give 0 on success and -1 after
 * db_error() has described the failure (through host->set_error). No
 * function logs a value from a row, the connection string or a password.
 */
#ifndef KV_OMOP_DB_H
#define KV_OMOP_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kvalind/kv_plugin.h>

/* ---- context: host, error text, secrets -------------------------------- */

#define DB_MAX_SECRETS 4

struct db_ctx {
	const struct kv_host *host;
	struct kv_ctx *ctx;
	/* Strings removed from every driver message before it is reported
	 * (the password key, passwords found in the connection string). Owned
	 * (malloc'd), freed by db_ctx_fini(). */
	char *secrets[DB_MAX_SECRETS];
	size_t n_secrets;
};

/* Remember a secret to scrub; empty or NULL strings are ignored. 0 or -1. */
int db_ctx_add_secret(struct db_ctx *rc, const char *secret, size_t len);
void db_ctx_fini(struct db_ctx *rc);

/* Report an error through host->set_error. The formatted text is scrubbed
 * of secrets, control characters become spaces and runs of blanks collapse,
 * so a multi-line driver message becomes one line. Always returns -1. */
int db_error(struct db_ctx *rc, const char *fmt, ...) KV_PRINTF(2, 3);

/* Log through host->log (never pass row values or connection strings). */
#define db_log(rc, level, ...) (rc)->host->log((rc)->ctx, (level), __VA_ARGS__)

/* Scrub secrets and control characters out of `msg` in place (see
 * db_error). */
void db_scrub(const struct db_ctx *rc, char *msg, size_t size);

/* ---- memory accounting ------------------------------------------------- */

/*
 * Every allocation made while reading goes through a db_mem so the plugin
 * never holds more than kv_read_request.memory_budget bytes of its own (the
 * drivers' internal buffers are outside the count). A block carries a
 * 16-byte header holding its size, counted too.
 */
struct db_mem {
	size_t budget;
	size_t used;
	size_t peak;
};

/* NULL after db_error() ("memory budget exceeded while <what>" or "out of
 * memory"). `what` names the activity for the message. */
void *db_alloc(struct db_ctx *rc, struct db_mem *m, size_t size, const char *what);
void *db_calloc(struct db_ctx *rc, struct db_mem *m, size_t n, size_t size,
		 const char *what);
/* On failure the old block is untouched and still owned by the caller. */
void *db_realloc(struct db_ctx *rc, struct db_mem *m, void *p, size_t size,
		  const char *what);
void db_free(struct db_mem *m, void *p);
/* The bytes a block of `size` costs (header included). */
size_t db_alloc_cost(size_t size);

/* ---- int64 -> uint32 open-addressing map -------------------------------- */

struct db_map_entry {
	int64_t key;
	uint32_t val;
	uint32_t used;
};

struct db_map {
	struct db_map_entry *e; /* one array: a lookup touches one cache line */
	size_t cap;
	size_t n;
};

#define DB_MAP_NONE UINT32_MAX

/* Bytes a map sized for n entries costs; per entry (for estimates) about
 * DB_MAP_ENTRY_COST. */
size_t db_map_cost(size_t n);
#define DB_MAP_ENTRY_COST 24
int db_map_init(struct db_ctx *rc, struct db_mem *m, struct db_map *map, size_t n,
		 const char *what);
void db_map_fini(struct db_mem *m, struct db_map *map);
/* 1 inserted, 0 key already present (*existing set), -1 full (db_error). */
int db_map_insert(struct db_ctx *rc, struct db_map *map, int64_t key, uint32_t val,
		   uint32_t *existing);
/* The value, or DB_MAP_NONE. */
uint32_t db_map_get(const struct db_map *map, int64_t key);
/* Overwrite the value of a present key; false if absent. */
bool db_map_set(struct db_map *map, int64_t key, uint32_t val);

/* ---- values ------------------------------------------------------------ */

/* The types of the columns in the query table (db_sql.c). */
enum db_type {
	DB_T_ID = 1,    /* bigint; also counts and histogram buckets */
	DB_T_INT,       /* integer */
	DB_T_FLOAT,     /* double precision */
	DB_T_DATE,      /* date */
	DB_T_TIMESTAMP, /* timestamp; only its date part is kept */
	DB_T_TEXT       /* text, at most text_max bytes (longer: too_long) */
};

/* What a transport delivers for one cell. */
enum db_vkind {
	DB_V_NULL = 0,
	DB_V_INT,     /* .i */
	DB_V_FLOAT,   /* .f */
	DB_V_DATE,    /* .d, already validated (year 1..9999) */
	DB_V_TEXT,    /* .s/.len, not NUL-terminated; numbers and dates as text
			* too (SQLite), parsed strictly by db_cell_* */
	DB_V_INVALID  /* the transport could not represent the value */
};

struct db_cell {
	enum db_vkind kind;
	bool too_long;   /* text longer than the column's text_max */
	int64_t i;
	double f;
	kv_date d;
	const char *s;
	size_t len;
};

/* The earliest and latest dates accepted: 0001-01-01 .. 9999-12-31. */
#define DB_DATE_MIN (-719162)
#define DB_DATE_MAX 2932896

/* Cell readers: 0 value stored, 1 NULL, -1 unparseable (a bad row). */
int db_cell_int(const struct db_cell *c, int64_t *out);
int db_cell_float(const struct db_cell *c, double *out);
/* `timestamp`: text may carry a time after the date ("YYYY-MM-DD HH:MM[:SS[.f]]",
 * 'T' or ' '); a DATE column's text must be exactly "YYYY-MM-DD". */
int db_cell_date(const struct db_cell *c, bool timestamp, kv_date *out);

/* Strict parsers (exported for the tests of the dialects' text forms). */
bool db_parse_date(const char *s, size_t len, bool timestamp, kv_date *out);
bool db_parse_int(const char *s, size_t len, int64_t *out);
bool db_parse_float(const char *s, size_t len, double *out);
/* y-m-d validity and range as above. */
bool db_ymd_valid(int y, int m, int d);

/* Code normalisation (indicators.md rule 2): trim space/tab/CR/LF, ASCII
 * upper-case, optionally remove dots. 0 ok, 1 empty, -1 too long for
 * KV_CODE_MAX. */
int db_norm_code(const char *s, size_t len, bool remove_dots, char out[KV_CODE_MAX]);

/* Exact comparison of a text cell with a literal. */
bool db_text_eq(const struct db_cell *c, const char *lit);

/* ---- in-place sorting -------------------------------------------------- */

/* Sort n elements of `size` bytes (a multiple of 8, at most
 * DB_SORT_MAX_ELEM) in place with no allocation: insertion sort for short
 * runs, heapsort otherwise. */
#define DB_SORT_MAX_ELEM 128
void db_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
/* Swap two elements of `size` bytes (a multiple of 8). */
void db_swap(void *a, void *b, size_t size);

/* ---- dialects ----------------------------------------------------------- */

enum db_dialect {
	DB_DIALECT_POSTGRES = 1, /* libpq, or psqlODBC */
	DB_DIALECT_SQLITE,       /* SQLite ODBC driver */
	DB_DIALECT_MSSQL,        /* Microsoft SQL Server ODBC driver (untested) */
	DB_DIALECT_GENERIC       /* any other ODBC DBMS: no keyword matching */
};

enum db_param_style { DB_PARAM_DOLLAR = 1, DB_PARAM_QMARK };

/* The SQL text builders write into buf (NUL-terminated). */
#define DB_SQL_MAX 16384

/* ---- transports -------------------------------------------------------- */

/* One statement to run and the shape of its result. */
struct db_select {
	const char *action;               /* for messages; NULL: "reading table" */
	const char *what;                 /* table name, for messages */
	const char *sql;
	const enum db_type *types;
	const uint16_t *text_max;         /* per column; 0 for non-text */
	size_t n_cols;
	const char *const *params;        /* text parameters, in order */
	size_t n_params;
};

#define DB_ACTION(s) ((s)->action != NULL ? (s)->action : "reading table")

/* Called once per row; cells valid for the call only. Non-zero stops the
 * statement (the callback has already called db_error). */
typedef int (*db_row_fn)(void *arg, const struct db_cell *cells);

struct db_transport {
	const char *name;             /* "libpq" or "ODBC" */
	enum db_dialect dialect;
	enum db_param_style params;
	char dbms[104];               /* for messages: "PostgreSQL 15.2", "SQLite 3.40.1" */
	struct db_ctx *rc;
	struct db_mem *mem;          /* set by read(); NULL between reads */

	/* Start / end the read-only, consistent snapshot all reads run in. */
	int (*begin)(struct db_transport *t);
	/* `report`: call db_error on failure (false on error paths, so the
	 * first error stays the one reported). */
	int (*end)(struct db_transport *t, bool report);
	/* Run one statement, calling fn per row. */
	int (*select)(struct db_transport *t, const struct db_select *s, db_row_fn fn,
		      void *arg);
	/* Bytes of row buffers select() will allocate (from t->mem) at most
	 * under `budget`. */
	size_t (*buffer_bytes)(struct db_transport *t, size_t budget);
	void (*close)(struct db_transport *t);
};

/* Which transport a dsn selects: libpq for postgresql:// or postgres:// URIs
 * and for key=value conninfo strings libpq accepts that name no ODBC
 * Driver/DSN/FileDSN key; ODBC otherwise. */
bool db_dsn_is_libpq(const char *dsn);

int db_pg_open(struct db_ctx *rc, const char *dsn, const char *password,
		struct db_transport **out);
int db_odbc_open(struct db_ctx *rc, const char *dsn, const char *password,
		  size_t row_array_size, struct db_transport **out);

#endif /* KV_OMOP_DB_H */
