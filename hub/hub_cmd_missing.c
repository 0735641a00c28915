/*
 * hub_cmd_missing.c - kvalind-hub missing: the months without an extract,
 * per office
 */
#include "hub_cmd.h"

#include <stdio.h>
#include <string.h>

static const char missing_help[] =
    "Usage: kvalind-hub missing [ID] [--from YYYY-MM] [--to YYYY-MM] [--config FILE]\n"
    "\n"
    "Months without an extract, per office (or only ID): from the office's first\n"
    "month received (or --from) to the latest month any office delivered (or\n"
    "--to). Exit status 0 also when months are missing.\n"
    "\n" HUB_EXIT_CODES_HELP;


static void print_months(const char *id, char **months, size_t n)
{
	printf("%s: %zu missing", id, n);
	/* ranges of consecutive months */
	for (size_t i = 0; i < n;) {
		size_t j = i;
		int a, b;
		while (j + 1 < n && kv_parse_month(months[j], &a) && kv_parse_month(months[j + 1], &b) &&
		       b == a + 1)
			j++;
		if (j == i)
			printf("%s %s", i ? "," : ":", months[i]);
		else
			printf("%s %s..%s", i ? "," : ":", months[i], months[j]);
		i = j + 1;
	}
	putchar('\n');
}

int hub_cmd_missing(int argc, char **argv)
{
	static const struct option opts[] = {HUB_COMMON_LONGOPTS,
					     {"from", required_argument, NULL, 'f'},
					     {"to", required_argument, NULL, 't'},
					     {0}};
	const char *config = NULL, *id = NULL, *from = NULL, *to = NULL;
	int c, m;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(missing_help, stdout);
			return HUB_EXIT_OK;
		} else if (c == 'c') {
			config = optarg;
		} else if (c == 'f' || c == 't') {
			if (strlen(optarg) != 7 || !kv_parse_month(optarg, &m))
				return hub_usage_error("missing", "--%s: expected YYYY-MM",
						       c == 'f' ? "from" : "to");
			*(c == 'f' ? &from : &to) = optarg;
		} else {
			return hub_usage_error("missing", "unknown option");
		}
	}
	if (optind < argc)
		id = argv[optind++];
	if (optind != argc)
		return hub_usage_error("missing", "too many operands");
	struct hub_config cfg;
	PGconn *db;
	int rc = hub_open_config_db(config, &cfg, &db);
	if (rc != 0)
		return rc;
	rc = HUB_EXIT_FAILURE;
	char f[16], t[16];
	if (from)
		snprintf(f, sizeof f, "%s-01", from);
	if (to)
		snprintf(t, sizeof t, "%s-01", to);
	const char *p[] = {id, from ? f : NULL, to ? t : NULL};
	PGresult *r = PQexecParams(
	    db,
	    "WITH b AS (SELECT p.id, coalesce($2::date, min(e.month)) AS first,"
	    "  coalesce($3::date, (SELECT max(month) FROM extracts"
	    "   WHERE superseded_by IS NULL)) AS last"
	    "  FROM participants p LEFT JOIN extracts e ON e.participant = p.id"
	    "   AND e.superseded_by IS NULL"
	    "  WHERE $1::text IS NULL OR p.id = $1 GROUP BY p.id)"
	    " SELECT b.id, to_char(m, 'YYYY-MM'), b.first IS NULL,"
	    "  to_char(b.first, 'YYYY-MM'), to_char(b.last, 'YYYY-MM')"
	    " FROM b LEFT JOIN LATERAL (SELECT m::date AS m FROM"
	    "  generate_series(b.first, b.last, interval '1 month') m"
	    "  WHERE NOT EXISTS (SELECT 1 FROM extracts e WHERE e.participant = b.id"
	    "   AND e.month = m::date AND e.superseded_by IS NULL)) g ON true"
	    " ORDER BY b.id, g.m",
	    3, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		hub_log(KV_LOG_ERROR, "database: %s", PQresultErrorMessage(r));
		goto out;
	}
	int n = PQntuples(r);
	if (n == 0 && id != NULL) {
		hub_log(KV_LOG_ERROR, "no such participant: %s", id);
		goto out;
	}
	for (int i = 0; i < n;) {
		int j = i;
		char *months[2000];
		size_t k = 0;
		while (j < n && strcmp(PQgetvalue(r, j, 0), PQgetvalue(r, i, 0)) == 0) {
			if (!PQgetisnull(r, j, 1) && k < KV_ARRAY_SIZE(months))
				months[k++] = PQgetvalue(r, j, 1);
			j++;
		}
		if (strcmp(PQgetvalue(r, i, 2), "t") == 0)
			printf("%s: nothing received\n", PQgetvalue(r, i, 0));
		else if (k == 0)
			printf("%s: none missing (%s..%s)\n", PQgetvalue(r, i, 0),
			       PQgetvalue(r, i, 3), PQgetvalue(r, i, 4));
		else
			print_months(PQgetvalue(r, i, 0), months, k);
		i = j;
	}
	rc = HUB_EXIT_OK;
out:
	PQclear(r);
	PQfinish(db);
	hub_config_free(&cfg);
	return rc;
}
