/*
 * kvdb_open.c - connecting: a connector's dsn, password and row array size
 *
 * Every connector is configured with "dsn", "password" and
 * "odbc_row_array_size" (KVDB_KEY_* in kvdb.h, fields of its settings
 * struct the core fills) and reads over libpq or
 * ODBC as the dsn says. The password is remembered as a secret before
 * anything can quote it, so no driver message repeats it.
 */
#include "kvdb.h"

#include <string.h>

int kvdb_connect(struct kvdb_ctx *rc, const struct kvdb_connect_settings *set,
		 const char *application_name, struct kvdb_transport **out)
{
	const char *dsn = set->dsn;
	const char *password = set->password;
	int64_t rows = set->odbc_row_array_size;

	*out = NULL;
	if (dsn == NULL || dsn[0] == '\0')
		return kvdb_error(rc, "the \"dsn\" key is not set");
	if (rows < 1 || rows > 65536)
		rows = 1024;
	if (password != NULL && kvdb_ctx_add_secret(rc, password, strlen(password)) != 0)
		return -1;
	if (kvdb_dsn_is_libpq(dsn))
		return kvdb_pg_open(rc, dsn, password, application_name, out);
	return kvdb_odbc_open(rc, dsn, password, (size_t)rows, out);
}
