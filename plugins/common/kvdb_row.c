/*
 * kvdb_row.c - decoding a row's cells into values or a reason for a bad row
 *
 * A connector's row decoder reads each cell with these and keeps the first
 * reason the row is bad for (kvdb_fail): every connector's list of reasons
 * starts with enum kvdb_reason, in its order, and goes on with its own.
 */
#include "kvdb.h"

#include <math.h>

void kvdb_fail(unsigned *why, unsigned reason)
{
	if (*why == KVDB_NO_REASON)
		*why = reason;
}

void kvdb_req_int(const struct kvdb_cell *c, int64_t *out, unsigned *why)
{
	int k = kvdb_cell_int(c, out);
	if (k > 0)
		kvdb_fail(why, KVDB_R_MISSING_VALUE);
	else if (k < 0)
		kvdb_fail(why, KVDB_R_UNPARSEABLE_NUMBER);
}

void kvdb_opt_int(const struct kvdb_cell *c, int64_t *out, int64_t none, unsigned *why)
{
	int k = kvdb_cell_int(c, out);
	if (k > 0)
		*out = none;
	else if (k < 0)
		kvdb_fail(why, KVDB_R_UNPARSEABLE_NUMBER);
}

void kvdb_req_date(const struct kvdb_cell *c, bool timestamp, kv_date *out, unsigned *why)
{
	int k = kvdb_cell_date(c, timestamp, out);
	if (k > 0)
		kvdb_fail(why, KVDB_R_MISSING_VALUE);
	else if (k < 0)
		kvdb_fail(why, KVDB_R_UNPARSEABLE_DATE);
}

void kvdb_opt_date(const struct kvdb_cell *c, kv_date *out, unsigned *why)
{
	int k = kvdb_cell_date(c, false, out);
	if (k > 0)
		*out = KV_DATE_OPEN;
	else if (k < 0)
		kvdb_fail(why, KVDB_R_UNPARSEABLE_DATE);
}

void kvdb_opt_float(const struct kvdb_cell *c, double *out, bool *has, unsigned *why)
{
	int k = kvdb_cell_float(c, out);
	*has = k == 0;
	if (k < 0)
		kvdb_fail(why, KVDB_R_UNPARSEABLE_NUMBER);
	else if (k == 0 && !isfinite(*out))
		kvdb_fail(why, KVDB_R_NOT_FINITE);
}

int kvdb_cell_code(const struct kvdb_cell *c, bool remove_dots, char out[KV_CODE_MAX])
{
	out[0] = '\0';
	if (c->kind == KVDB_V_NULL)
		return 1;
	if (c->kind != KVDB_V_TEXT || c->too_long)
		return -1;
	int k = kvdb_norm_code(c->s, c->len, remove_dots, out);
	if (k > 0)
		out[0] = '\0';
	return k > 0 ? 2 : k;
}

uint32_t kvdb_cell_ref(const struct kvdb_cell *c)
{
	int64_t v = 0;
	if (kvdb_cell_int(c, &v) != 0 || v < 1 || v > (int64_t)UINT32_MAX)
		return 0;
	return (uint32_t)v;
}
