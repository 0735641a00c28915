/*
 * record_seeds.c - writes seed inputs for fuzz_pgcopy and fuzz_odbc from a
 * real read: the reference connector reads a real database through its
 * real transport (libpq or ODBC), and every cell it decodes is written
 * back, statement by statement, in the fuzz input format (ref_harness.h):
 * as a binary COPY stream for fuzz_pgcopy, as bound ODBC buffers for
 * fuzz_odbc. Run by tests/fuzz/make_seeds.sh, not by any check.
 *
 * Usage: record_seeds pgcopy|odbc DSN OPTIONS_BYTE OUT_FILE
 */
#include <inttypes.h>
#include <sql.h>
#include <sqlext.h>

#include "ref_harness.h"

#define PG_EPOCH_DAYS 10957
#define USECS_PER_DAY INT64_C(86400000000)

enum { MODE_PGCOPY, MODE_ODBC };

struct rec {
	struct kvdb_transport base; /* first */
	struct kvdb_transport *real;
	int mode;
	bool text_only;
	const struct kvdb_select *s;
	kvdb_row_fn fn;
	void *arg;
	struct fz_buf seg;
	struct fz_buf out;
	size_t statements;
};

static void text_of(const struct kvdb_cell *c, char *buf, size_t size)
{
	int y, m, d;
	switch (c->kind) {
	case KVDB_V_INT:
		snprintf(buf, size, "%" PRId64, c->i);
		return;
	case KVDB_V_FLOAT:
		snprintf(buf, size, "%.17g", c->f);
		return;
	case KVDB_V_DATE:
		kv_date_to_ymd(c->d, &y, &m, &d);
		snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
		return;
	default:
		snprintf(buf, size, "?");
	}
}

static void put_copy_cell(struct fz_buf *b, enum kvdb_type type, const struct kvdb_cell *c)
{
	uint64_t u;
	switch (c->kind) {
	case KVDB_V_NULL:
		fz_put_be(b, 0xffffffffu, 4);
		return;
	case KVDB_V_TEXT:
		fz_put_be(b, c->len, 4);
		fz_put(b, c->s, c->len);
		return;
	case KVDB_V_INVALID:
		if (type == KVDB_T_DATE) {
			fz_put_be(b, 4, 4);
			fz_put_be(b, 0x7fffffffu, 4); /* 'infinity' */
		} else if (type == KVDB_T_TIMESTAMP) {
			fz_put_be(b, 8, 4);
			fz_put_be(b, UINT64_C(0x7fffffffffffffff), 8);
		} else {
			fz_put_be(b, 3, 4);
			fz_put(b, "bad", 3);
		}
		return;
	case KVDB_V_INT:
		if (type == KVDB_T_INT) {
			fz_put_be(b, 4, 4);
			fz_put_be(b, (uint32_t)(int32_t)c->i, 4);
		} else {
			fz_put_be(b, 8, 4);
			fz_put_be(b, (uint64_t)c->i, 8);
		}
		return;
	case KVDB_V_FLOAT:
		memcpy(&u, &c->f, 8);
		fz_put_be(b, 8, 4);
		fz_put_be(b, u, 8);
		return;
	case KVDB_V_DATE:
		if (type == KVDB_T_TIMESTAMP) {
			fz_put_be(b, 8, 4);
			fz_put_be(b, (uint64_t)(((int64_t)c->d - PG_EPOCH_DAYS) * USECS_PER_DAY +
						INT64_C(43200000000)), 8);
		} else {
			fz_put_be(b, 4, 4);
			fz_put_be(b, (uint32_t)(int32_t)(c->d - PG_EPOCH_DAYS), 4);
		}
		return;
	}
}

static void put_odbc_cell(struct rec *r, struct fz_buf *b, enum kvdb_type type,
			  uint16_t text_max, const struct kvdb_cell *c)
{
	uint8_t k;
	if (c->kind == KVDB_V_NULL) {
		k = 0;
		fz_put(b, &k, 1);
		return;
	}
	if (r->text_only || type == KVDB_T_TEXT) {
		size_t room = (type == KVDB_T_TEXT ? (size_t)text_max + 1 : 48) - 1;
		char tmp[64];
		const char *s = tmp;
		size_t len;
		if (c->kind == KVDB_V_TEXT) {
			s = c->s;
			len = c->len;
		} else {
			text_of(c, tmp, sizeof tmp);
			len = strlen(tmp);
		}
		uint8_t l = (uint8_t)(len > 255 ? 255 : len);
		k = 1;
		fz_put(b, &k, 1);
		fz_put(b, &l, 1);
		fz_put(b, s, l < room ? l : room);
		return;
	}
	k = c->kind == KVDB_V_INVALID ? 1 : 1;
	fz_put(b, &k, 1);
	switch (type) {
	case KVDB_T_ID: {
		SQLBIGINT x = c->i;
		fz_put(b, &x, sizeof x);
		return;
	}
	case KVDB_T_INT: {
		SQLINTEGER x = (SQLINTEGER)c->i;
		fz_put(b, &x, sizeof x);
		return;
	}
	case KVDB_T_FLOAT: {
		SQLDOUBLE x = c->kind == KVDB_V_INT ? (double)c->i : c->f;
		fz_put(b, &x, sizeof x);
		return;
	}
	case KVDB_T_DATE:
	case KVDB_T_TIMESTAMP: {
		int y = 0, m = 13, d = 1; /* month 13: what an invalid date decodes from */
		if (c->kind == KVDB_V_DATE)
			kv_date_to_ymd(c->d, &y, &m, &d);
		if (type == KVDB_T_DATE) {
			SQL_DATE_STRUCT x = {(SQLSMALLINT)y, (SQLUSMALLINT)m, (SQLUSMALLINT)d};
			fz_put(b, &x, sizeof x);
		} else {
			SQL_TIMESTAMP_STRUCT x;
			memset(&x, 0, sizeof x);
			x.year = (SQLSMALLINT)y;
			x.month = (SQLUSMALLINT)m;
			x.day = (SQLUSMALLINT)d;
			x.hour = 9;
			fz_put(b, &x, sizeof x);
		}
		return;
	}
	default:
		return;
	}
}

static int rec_row(void *arg, const struct kvdb_cell *cells)
{
	struct rec *r = arg;
	const struct kvdb_select *s = r->s;
	if (r->mode == MODE_PGCOPY) {
		fz_put_be(&r->seg, s->n_cols, 2);
		for (size_t c = 0; c < s->n_cols; c++)
			put_copy_cell(&r->seg, s->types[c], &cells[c]);
	} else {
		uint8_t status = 0;
		fz_put(&r->seg, &status, 1);
		for (size_t c = 0; c < s->n_cols; c++)
			put_odbc_cell(r, &r->seg, s->types[c], s->text_max ? s->text_max[c] : 0,
				      &cells[c]);
	}
	return r->fn(r->arg, cells);
}

static int rec_select(struct kvdb_transport *t, const struct kvdb_select *s, kvdb_row_fn fn,
		      void *arg)
{
	static const unsigned char sig[11] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff,
					      '\r', '\n', '\0'};
	struct rec *r = (struct rec *)t;
	r->real->mem = t->mem;
	r->s = s;
	r->fn = fn;
	r->arg = arg;
	r->seg.n = 0;
	if (r->mode == MODE_PGCOPY) {
		fz_put(&r->seg, sig, sizeof sig);
		fz_put_be(&r->seg, 0, 4);
		fz_put_be(&r->seg, 0, 4);
	}
	int ret = r->real->select(r->real, s, rec_row, r);
	if (r->mode == MODE_PGCOPY)
		fz_put_be(&r->seg, 0xffff, 2);
	fz_put_be(&r->out, r->seg.n, 4);
	fz_put(&r->out, r->seg.p, r->seg.n);
	r->statements++;
	return ret;
}

static int rec_begin(struct kvdb_transport *t)
{
	struct rec *r = (struct rec *)t;
	return r->real->begin(r->real);
}
static int rec_end(struct kvdb_transport *t, bool report)
{
	struct rec *r = (struct rec *)t;
	return r->real->end(r->real, report);
}
static size_t rec_buffer_bytes(struct kvdb_transport *t, size_t budget)
{
	struct rec *r = (struct rec *)t;
	return r->real->buffer_bytes(r->real, budget);
}

int main(int argc, char **argv)
{
	if (argc != 5 || (strcmp(argv[1], "pgcopy") != 0 && strcmp(argv[1], "odbc") != 0)) {
		fprintf(stderr, "usage: record_seeds pgcopy|odbc DSN OPTIONS_BYTE OUT_FILE\n");
		return 2;
	}
	fz_host_reset();
	struct kvdb_ctx rc = {.host = &fake_host};
	struct rec r;
	memset(&r, 0, sizeof r);
	r.mode = strcmp(argv[1], "pgcopy") == 0 ? MODE_PGCOPY : MODE_ODBC;
	uint8_t opt = (uint8_t)strtoul(argv[3], NULL, 0);
	r.text_only = (opt & FZ_OPT_SQLITE) != 0;
	const char *dsn = argv[2];
	int ok = kvdb_dsn_is_libpq(dsn)
			 ? kvdb_pg_open(&rc, dsn, NULL, "kvalind-fuzz-seeds", &r.real)
			 : kvdb_odbc_open(&rc, dsn, NULL, 64, &r.real);
	if (ok != 0) {
		fprintf(stderr, "record_seeds: %s\n", fake_host_default.error);
		return 1;
	}
	r.base = *r.real;
	r.base.begin = rec_begin;
	r.base.end = rec_end;
	r.base.select = rec_select;
	r.base.buffer_bytes = rec_buffer_bytes;
	fz_request(opt);
	fz_put(&r.out, &opt, 1);
	int ret = ref_read(&rc, &r.base, &fz_req, NULL, fz_sink, NULL);
	r.real->close(r.real);
	if (ret != KV_OK) {
		fprintf(stderr, "record_seeds: %s\n", fake_host_default.error);
		return 1;
	}
	FILE *f = fopen(argv[4], "wb");
	if (f == NULL || fwrite(r.out.p, 1, r.out.n, f) != r.out.n || fclose(f) != 0) {
		perror(argv[4]);
		return 1;
	}
	fprintf(stderr, "record_seeds: %s: %zu statements, %zu bytes, %" PRIu64 " patients\n",
		argv[4], r.statements, r.out.n, fz_delivered);
	kvdb_ctx_fini(&rc);
	free(r.out.p);
	free(r.seg.p);
	return 0;
}
