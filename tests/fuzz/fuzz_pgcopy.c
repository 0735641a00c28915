/*
 * fuzz_pgcopy.c - the connectors' shared libpq row decoding: binary COPY
 * tuples (copy_feed, copy_parse_units, decode_field in kvdb_pg.c, static, so
 * reached by including kvdb_pg.c) fed through the connector's whole read
 * (ref_read: totals, plan, every table, grouping, delivery). See
 * ref_harness.h for the input format: a segment is the CopyData byte stream
 * of one statement (signature, flags, header extension, tuples, trailer),
 * cut into messages as the options say. The CopyData stream of a statement
 * with no segment left is an empty, well-formed one.
 */
#include "../../plugins/common/kvdb_pg.c"

#include "ref_harness.h"

struct fz_pg {
	struct pg_transport pg; /* first */
	struct fz_input in;
	size_t chunk;
};

static const unsigned char empty_copy[21] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff, '\r',
					     '\n', '\0', 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* What pg_select_copy does with the messages PQgetCopyData returns. */
static int fz_pg_select(struct kvdb_transport *t, const struct kvdb_select *s, kvdb_row_fn fn,
			void *arg)
{
	struct fz_pg *f = (struct fz_pg *)t;
	struct copy_parse cp = {.p = &f->pg, .s = s, .fn = fn, .arg = arg};
	const uint8_t *seg;
	size_t len;
	int ret = 0;

	if (s->n_cols > COPY_MAX_COLS)
		return kvdb_error(t->rc, "too many columns for table \"%s\"", s->what);
	if (!fz_next_segment(&f->in, &seg, &len)) {
		seg = empty_copy;
		len = sizeof empty_copy;
	}
	for (size_t off = 0; off < len;) {
		size_t k = f->chunk == 0 || f->chunk > len - off ? len - off : f->chunk;
		/* a CopyData message is its own buffer: ASan sees reads past it */
		unsigned char *msg = malloc(k);
		if (msg == NULL)
			abort();
		memcpy(msg, seg + off, k);
		int fr = copy_feed(&cp, msg, k);
		free(msg);
		if (fr != 0) {
			ret = -1;
			break;
		}
		off += k;
	}
	if (ret == 0 && (!cp.trailer_seen || cp.carry_len != 0))
		ret = kvdb_error(t->rc, "%s \"%s\" over libpq failed: the COPY data ended early",
				 KVDB_ACTION(s), s->what);
	if (cp.carry != NULL)
		kvdb_free(t->mem, cp.carry);
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
	struct fz_pg f;
	memset(&f, 0, sizeof f);
	f.pg.base.name = "libpq";
	f.pg.base.dialect = KVDB_DIALECT_POSTGRES;
	f.pg.base.params = KVDB_PARAM_DOLLAR;
	snprintf(f.pg.base.dbms, sizeof f.pg.base.dbms, "PostgreSQL (fuzz)");
	f.pg.base.rc = &rc;
	f.pg.base.begin = fz_begin;
	f.pg.base.end = fz_end;
	f.pg.base.select = fz_pg_select;
	f.pg.base.buffer_bytes = fz_buffer_bytes;
	f.pg.base.close = fz_close;
	f.in = (struct fz_input){.data = data, .len = size, .pos = 1};
	f.chunk = fz_chunks[FZ_OPT_CHUNK(opt)];
	fz_request(opt);
	fz_host_reset();
	int r = ref_read(&rc, &f.pg.base, &fz_req, NULL, fz_sink, NULL);
	if (r != KV_OK && r != KV_ERROR)
		abort();
	if (r == KV_ERROR && fake_host_default.error[0] == '\0')
		abort(); /* an error must say why */
	kvdb_ctx_fini(&rc);
	return 0;
}
