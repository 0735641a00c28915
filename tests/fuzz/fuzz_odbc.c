/*
 * fuzz_odbc.c - the reference connector's ODBC row decoding: the bound
 * column buffers (col_elem, odbc_cell, ymd_cell in kvdb_odbc.c, static, so
 * reached by including kvdb_odbc.c) fed through the connector's whole read
 * (ref_read). No driver runs: the fake select() lays out one row of bound
 * buffers the way a driver fills them after SQLFetch, from the input, and
 * decodes it exactly as odbc_select() does. See ref_harness.h for the
 * options and segments; a segment is a sequence of rows:
 *
 *     status   1 byte: %8 -> 0..4 SQL_ROW_SUCCESS, 5 SQL_ROW_SUCCESS_WITH_INFO,
 *              6 SQL_ROW_ERROR, 7 SQL_ROW_NOROW
 *     per column, 1 byte k:
 *       k%4 == 0  NULL (SQL_NULL_DATA)
 *       k%4 == 1  a value: text: 1 length byte L and L bytes (the driver
 *                 copies at most the buffer less its NUL and reports L);
 *                 other C types: the struct's bytes
 *       k%4 == 2  SQL_NO_TOTAL: text fills the buffer; others as 1
 *       k%4 == 3  a negative indicator other than the two above (-(k>>2)-2)
 *                 followed by the value as in 1
 *
 * A row cut short by the end of its segment is not delivered.
 */
#include "../../plugins/common/kvdb_odbc.c"

#include "ref_harness.h"

struct fz_odbc {
	struct odbc_transport o; /* first */
	struct fz_input in;
};

static bool take(const uint8_t *seg, size_t len, size_t *pos, size_t n, const uint8_t **out)
{
	if (len - *pos < n)
		return false;
	*out = seg + *pos;
	*pos += n;
	return true;
}

static int fz_odbc_select(struct kvdb_transport *t, const struct kvdb_select *s, kvdb_row_fn fn,
			  void *arg)
{
	struct fz_odbc *f = (struct fz_odbc *)t;
	struct colbuf cols[ODBC_MAX_COLS];
	struct kvdb_cell cells[ODBC_MAX_COLS];
	const uint8_t *seg;
	size_t len, pos = 0;
	int ret = 0;

	memset(cols, 0, sizeof cols);
	if (s->n_cols > ODBC_MAX_COLS)
		return kvdb_error(t->rc, "too many columns for table \"%s\"", s->what);
	for (size_t c = 0; c < s->n_cols; c++) {
		cols[c].elem = col_elem(&f->o, s->types[c], s->text_max != NULL ? s->text_max[c] : 0,
					&cols[c].ctype);
		/* one row per fetch, each buffer exactly its size for ASan */
		cols[c].data = malloc(cols[c].elem);
		cols[c].ind = malloc(sizeof(SQLLEN));
		if (cols[c].data == NULL || cols[c].ind == NULL)
			abort();
	}
	if (!fz_next_segment(&f->in, &seg, &len))
		len = 0;
	while (pos < len) {
		const uint8_t *b;
		take(seg, len, &pos, 1, &b);
		unsigned st = b[0] % 8;
		SQLUSMALLINT status = st < 5 ? SQL_ROW_SUCCESS
				      : st == 5 ? SQL_ROW_SUCCESS_WITH_INFO
				      : st == 6 ? SQL_ROW_ERROR
						: SQL_ROW_NOROW;
		bool whole = true;
		for (size_t c = 0; c < s->n_cols && whole; c++) {
			struct colbuf *cb = &cols[c];
			const uint8_t *k, *v;
			if (!take(seg, len, &pos, 1, &k)) {
				whole = false;
				break;
			}
			memset(cb->data, 0xbe, cb->elem); /* what was there before */
			if (k[0] % 4 == 0) {
				cb->ind[0] = SQL_NULL_DATA;
				continue;
			}
			if (cb->ctype == SQL_C_CHAR) {
				size_t room = cb->elem - 1, n;
				if (k[0] % 4 == 2) {
					n = room;
					cb->ind[0] = SQL_NO_TOTAL;
				} else {
					const uint8_t *l;
					if (!take(seg, len, &pos, 1, &l)) {
						whole = false;
						break;
					}
					n = l[0];
					cb->ind[0] = k[0] % 4 == 3 ? -(SQLLEN)(k[0] >> 2) - 2
								  : (SQLLEN)n;
				}
				size_t copy = n < room ? n : room;
				if (!take(seg, len, &pos, copy, &v)) {
					whole = false;
					break;
				}
				memcpy(cb->data, v, copy);
				cb->data[copy] = '\0';
			} else {
				if (!take(seg, len, &pos, cb->elem, &v)) {
					whole = false;
					break;
				}
				memcpy(cb->data, v, cb->elem);
				cb->ind[0] = k[0] % 4 == 3 ? -(SQLLEN)(k[0] >> 2) - 2
							  : (SQLLEN)cb->elem;
			}
		}
		if (!whole)
			break;
		/* as odbc_select's fetch loop */
		if (status == SQL_ROW_NOROW || status == SQL_ROW_DELETED)
			continue;
		for (size_t c = 0; c < s->n_cols; c++) {
			if (status == SQL_ROW_ERROR) {
				memset(&cells[c], 0, sizeof(cells[c]));
				cells[c].kind = KVDB_V_INVALID;
			} else {
				odbc_cell(&cells[c], &cols[c], s->text_max != NULL ? s->text_max[c] : 0,
					  0);
			}
		}
		if (fn(arg, cells) != 0) {
			ret = -1;
			break;
		}
	}
	for (size_t c = 0; c < s->n_cols; c++) {
		free(cols[c].data);
		free(cols[c].ind);
	}
	return ret;
}

static int fz_begin(struct kvdb_transport *t)
{
	(void)t;
	return 0;
}
static int fz_end(struct kvdb_transport *t, bool report)
{
	(void)t;
	(void)report;
	return 0;
}
static size_t fz_buffer_bytes(struct kvdb_transport *t, size_t budget)
{
	(void)t;
	(void)budget;
	return 0;
}
static void fz_close(struct kvdb_transport *t)
{
	(void)t;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t opt = data[0];
	struct kvdb_ctx rc = {.host = &fake_host, .ctx = NULL};
	struct fz_odbc f;
	memset(&f, 0, sizeof f);
	bool sqlite = (opt & FZ_OPT_SQLITE) != 0;
	f.o.base.name = "ODBC";
	f.o.base.dialect = sqlite ? KVDB_DIALECT_SQLITE : KVDB_DIALECT_POSTGRES;
	f.o.base.params = KVDB_PARAM_QMARK;
	snprintf(f.o.base.dbms, sizeof f.o.base.dbms, sqlite ? "SQLite (fuzz)" : "PostgreSQL (fuzz)");
	f.o.base.rc = &rc;
	f.o.base.begin = fz_begin;
	f.o.base.end = fz_end;
	f.o.base.select = fz_odbc_select;
	f.o.base.buffer_bytes = fz_buffer_bytes;
	f.o.base.close = fz_close;
	f.o.text_only = sqlite;
	f.o.row_array = 1;
	f.in = (struct fz_input){.data = data, .len = size, .pos = 1};
	fz_request(opt);
	fz_host_reset();
	int r = ref_read(&rc, &f.o.base, &fz_req, NULL, fz_sink, NULL);
	if (r != KV_OK && r != KV_ERROR)
		abort();
	if (r == KV_ERROR && fake_host_default.error[0] == '\0')
		abort(); /* an error must say why */
	kvdb_ctx_fini(&rc);
	return 0;
}
