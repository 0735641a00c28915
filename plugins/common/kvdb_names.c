/*
 * kvdb_names.c - display names by id, for a connector's names() callback
 * (ABI 2.1)
 *
 * The office's own lists show the names of the patients and list holders
 * they name (kv_connector_plugin.names). kvdb_names() asks for them in
 * chunks of KVDB_NAMES_CHUNK ids, each statement
 *
 *     SELECT <id>, <name> FROM <from> WHERE <id> IN (CAST(p1 AS BIGINT), ...)
 *
 * with every id a bound parameter ($n over libpq, ? over ODBC; the cast
 * makes a text parameter compare as a number in every dialect). Only the
 * connector's fixed text and the parameter markers are in the SQL. The ids
 * are sorted and repeats dropped first, so each is asked once and, with a
 * per-chunk mark, each found one reaches the sink once. A name is copied
 * out of the row, NUL-terminated, for the sink's call only; nothing here
 * logs one.
 */
#include "kvdb.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Budget for the statement buffers of one lookup (the ids are held apart). */
#define NAMES_BUDGET ((size_t)32 << 20)

struct names_arg {
	const int64_t *ids; /* the chunk's, sorted */
	bool *seen;         /* per id of the chunk */
	size_t n;
	kv_name_sink sink;
	void *sink_arg;
};

static int cmp_id(const void *va, const void *vb)
{
	int64_t a = *(const int64_t *)va, b = *(const int64_t *)vb;
	return (a > b) - (a < b);
}

static int row_name(void *arg, const struct kvdb_cell *c)
{
	struct names_arg *a = arg;
	int64_t id = 0;
	char name[KVDB_NAME_MAX + 1];
	if (kvdb_cell_int(&c[0], &id) != 0 || c[1].kind != KVDB_V_TEXT || c[1].too_long ||
	    c[1].len == 0 || c[1].len > KVDB_NAME_MAX || memchr(c[1].s, '\0', c[1].len) != NULL)
		return 0; /* no usable name: left out */
	const int64_t *hit = bsearch(&id, a->ids, a->n, sizeof(*a->ids), cmp_id);
	if (hit == NULL || a->seen[hit - a->ids])
		return 0; /* not asked, or a second row for it */
	a->seen[hit - a->ids] = true;
	memcpy(name, c[1].s, c[1].len);
	name[c[1].len] = '\0';
	a->sink(a->sink_arg, (uint64_t)id, name);
	return 0;
}

/* One chunk: ids[0..n), sorted, distinct. */
static int names_chunk(struct kvdb_ctx *rc, struct kvdb_transport *t,
		       const struct kvdb_names_query *q, const int64_t *ids, size_t n,
		       kv_name_sink sink, void *sink_arg)
{
	static const enum kvdb_type types[2] = {KVDB_T_ID, KVDB_T_TEXT};
	static const uint16_t text_max[2] = {0, KVDB_NAME_MAX};
	char sql[KVDB_SQL_MAX];
	char num[KVDB_NAMES_CHUNK][24];
	const char *params[KVDB_NAMES_CHUNK];
	bool seen[KVDB_NAMES_CHUNK] = {false};
	struct kvdb_sb b;

	kvdb_sb_init(&b, sql, sizeof(sql));
	if (t->dialect == KVDB_DIALECT_POSTGRES)
		kvdb_sb_printf(&b, "SELECT CAST(%s AS %s), CAST(%s AS %s)", q->id_col,
			       kvdb_pg_cast(KVDB_T_ID), q->name_col, kvdb_pg_cast(KVDB_T_TEXT));
	else
		kvdb_sb_printf(&b, "SELECT %s, %s", q->id_col, q->name_col);
	kvdb_sb_printf(&b, " FROM %s WHERE %s IN (", q->from, q->id_col);
	for (size_t i = 0; i < n; i++) {
		snprintf(num[i], sizeof(num[i]), "%" PRId64, ids[i]);
		params[i] = num[i];
		if (t->params == KVDB_PARAM_DOLLAR)
			kvdb_sb_printf(&b, "%sCAST($%zu AS BIGINT)", i > 0 ? ", " : "", i + 1);
		else
			kvdb_sb_printf(&b, "%sCAST(? AS BIGINT)", i > 0 ? ", " : "");
	}
	kvdb_sb_printf(&b, ")");
	if (kvdb_sb_done(rc, &b, q->what, NULL) != 0)
		return -1;
	struct names_arg a = {.ids = ids, .seen = seen, .n = n, .sink = sink,
			      .sink_arg = sink_arg};
	struct kvdb_select s = {.action = "looking up names in table", .what = q->what,
				.sql = sql, .types = types, .text_max = text_max, .n_cols = 2,
				.params = params, .n_params = n};
	return t->select(t, &s, row_name, &a);
}

int kvdb_names(struct kvdb_ctx *rc, struct kvdb_transport *t, const struct kvdb_names_query *q,
	       const uint64_t *refs, size_t n, kv_name_sink sink, void *sink_arg)
{
	struct kvdb_mem mem = {.budget = NAMES_BUDGET};
	int64_t *ids = NULL;
	size_t m = 0;
	int ret = -1;

	if (n == 0)
		return 0;
	if (refs == NULL || sink == NULL)
		return kvdb_error(rc, "names() needs references and a name sink");
	if (n > SIZE_MAX / sizeof(*ids) || (ids = malloc(n * sizeof(*ids))) == NULL)
		return kvdb_error(rc, "out of memory");
	for (size_t i = 0; i < n; i++)
		if (refs[i] != 0)
			ids[m++] = (int64_t)refs[i]; /* local_ref is (uint64_t)id */
	qsort(ids, m, sizeof(*ids), cmp_id);
	size_t d = 0;
	for (size_t i = 0; i < m; i++)
		if (d == 0 || ids[d - 1] != ids[i])
			ids[d++] = ids[i];
	t->mem = &mem;
	for (size_t i = 0; i < d; i += KVDB_NAMES_CHUNK) {
		size_t k = d - i < KVDB_NAMES_CHUNK ? d - i : KVDB_NAMES_CHUNK;
		if (names_chunk(rc, t, q, ids + i, k, sink, sink_arg) != 0)
			goto done;
	}
	ret = 0;
done:
	t->mem = NULL;
	free(ids);
	return ret;
}
