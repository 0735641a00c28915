/*
 * check_validate.c - Check tests of the extract's row parser
 * (core/extract_format.c) and the hub's pure validator (hub_validate in
 * hub/hub_validate.c): malformed rows and manifests, each refused with a
 * reason that names what is wrong; no database, no network.
 *
 * The fixture is one valid extract of office-a for 2023-04 with three
 * indicators (two shares, one mean) under min_count 5, rounding_base 5; a
 * test changes its CSV and/or manifest (rebuilding data.rows, bytes, sha256
 * and the extract id to match when it means to test what lies behind them).
 */
#include "hub.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outbox.h"

static struct hub_indicator cat_ind[] = {
    {.id = "A_ONE", .version = 1}, {.id = "B_TWO", .version = 2}, {.id = "C_MEAN", .version = 1}};
static struct hub_catalogue cat = {cat_ind, 3};

static struct hub_policy policy(void)
{
	struct hub_policy p = {.catalogue = &cat,
			       .disclosure = {.min_count = 5, .rounding_base = 5},
			       .max_rows = 10000};
	kv_parse_month("2010-01", &p.earliest_month);
	kv_parse_month("2023-12", &p.latest_month);
	return p;
}

static const char *const good_rows =
    "office-a,A_ONE,1,2023-04,10,published,55,published,0.1818,\n"
    "office-a,B_TWO,2,2023-04,,suppressed_small,40,published,,\n"
    "office-a,C_MEAN,1,2023-04,,not_applicable,25,published,,3.50\n";

/* An extract: its CSV, manifest and Idempotency-Key. */
struct fx {
	char *csv;
	size_t csv_len;
	char *manifest;
	char key[200];
	char err[600];
	struct hub_extract x;
};

static void fx_free(struct fx *f)
{
	free(f->csv);
	free(f->manifest);
	memset(f, 0, sizeof *f);
}

/* The manifest that describes csv exactly (as an office writes it). */
static void fx_make(struct fx *f, const char *participant, const char *month, const char *rows)
{
	memset(f, 0, sizeof *f);
	size_t n_rows = 0;
	for (const char *p = rows; *p; p++)
		n_rows += *p == '\n';
	size_t hl = strlen(KV_EXTRACT_CSV_HEADER), rl = strlen(rows);
	f->csv = malloc(hl + rl + 1);
	memcpy(f->csv, KV_EXTRACT_CSV_HEADER, hl);
	memcpy(f->csv + hl, rows, rl + 1);
	f->csv_len = hl + rl;
	char sha[KV_SHA256_HEX_SIZE], err[100];
	ck_assert_int_eq(kv_sha256_hex(f->csv, f->csv_len, sha, err, sizeof err), 0);
	ck_assert_int_eq(kv_outbox_make_id(participant, month, sha, f->key, sizeof f->key), 0);
	size_t ml;
	FILE *m = open_memstream(&f->manifest, &ml);
	fprintf(m,
		"{\"format\": \"kvalind-extract\", \"format_version\": 2, \"extract_id\": \"%s\",\n"
		" \"participant\": \"%s\", \"kvalind_version\": \"0.1.0\",\n"
		" \"catalogue_version\": \"c1\", \"value_set_version\": \"v1\",\n"
		" \"months\": [\"%s\"], \"created\": \"2023-05-06T03:00:00Z\",\n"
		" \"disclosure\": {\"min_count\": 5, \"rounding_base\": 5, \"rounding\": \"nearest\",\n"
		"   \"secondary_suppression\": true, \"algorithm\": 2, \"perturbation\": \"none\",\n"
		"   \"perturbation_max\": 0},\n"
		" \"data\": {\"file\": \"data.csv\", \"rows\": %zu, \"bytes\": %zu, \"sha256\": \"%s\"}}\n",
		f->key, participant, month, n_rows, f->csv_len, sha);
	fclose(m);
}

static void fx_good(struct fx *f)
{
	fx_make(f, "office-a", "2023-04", good_rows);
}

/* Replace the first `from` in the manifest with `to`. */
static void fx_edit(struct fx *f, const char *from, const char *to)
{
	char *at = strstr(f->manifest, from);
	ck_assert_msg(at != NULL, "fixture has no \"%s\"", from);
	size_t pre = (size_t)(at - f->manifest), fl = strlen(from), tl = strlen(to);
	size_t rest = strlen(at + fl);
	char *m = malloc(pre + tl + rest + 1);
	memcpy(m, f->manifest, pre);
	memcpy(m + pre, to, tl);
	memcpy(m + pre + tl, at + fl, rest + 1);
	free(f->manifest);
	f->manifest = m;
}

static int fx_run(struct fx *f, const char *participant)
{
	struct hub_policy p = policy();
	int rc = hub_validate(&p, participant, f->key, f->manifest, strlen(f->manifest), f->csv,
			      f->csv_len, &f->x, f->err, sizeof f->err);
	if (rc == 0)
		hub_extract_free(&f->x);
	return rc;
}

/* The extract is refused with a reason containing want. */
#define REFUSED(f, want)                                                               \
	do {                                                                           \
		ck_assert_int_eq(fx_run(f, "office-a"), -1);                           \
		ck_assert_msg(strstr((f)->err, want) != NULL, "reason \"%s\", want \"%s\"", \
			      (f)->err, want);                                         \
		ck_assert_ptr_eq(strchr((f)->err, '\n'), NULL);                        \
	} while (0)

/* ---- the row parser ------------------------------------------------------------ */

static int row(const char *line, char *err)
{
	struct kv_extract_row r;
	return kv_extract_parse_row(line, strlen(line), &r, err, 200);
}

#define ROW_BAD(line, want)                                                            \
	do {                                                                           \
		char e_[200] = "";                                                     \
		ck_assert_int_eq(row(line, e_), -1);                                   \
		ck_assert_msg(strstr(e_, want) != NULL, "%s: reason \"%s\", want \"%s\"", \
			      line, e_, want);                                         \
	} while (0)

START_TEST(row_valid)
{
	struct kv_extract_row r;
	char err[200];
	const char *l = "office-a,A_ONE,1,2023-04,10,published,55,published,0.1818,";
	ck_assert_int_eq(kv_extract_parse_row(l, strlen(l), &r, err, sizeof err), 0);
	ck_assert_str_eq(r.participant, "office-a");
	ck_assert_str_eq(r.indicator, "A_ONE");
	ck_assert_uint_eq(r.numerator, 10);
	ck_assert_uint_eq(r.denominator, 55);
	ck_assert(r.has_share && !r.has_mean);
	ck_assert_str_eq(r.share, "0.1818");
	struct kv_disclosure_params p = {.min_count = 5, .rounding_base = 5};
	ck_assert_int_eq(kv_extract_check_disclosure(&r, &p, err, sizeof err), 0);
}
END_TEST

START_TEST(row_fields)
{
	ROW_BAD("office-a,A_ONE,1,2023-04,10,published,55,published,0.1818", "9 columns");
	ROW_BAD("office-a,A_ONE,1,2023-04,10,published,55,published,0.1818,,", "more than 10");
	ROW_BAD("", "1 columns");
	ROW_BAD("office-a,A_ONE,1,2023-04,10,published,55,published,0.1818,\r", "control character");
	ROW_BAD("office-a,A_ONE,1,2023-04,1\n0,published,55,published,0.1818,", "control character");
	ROW_BAD("office-a,A_ONE,1,2023-04,\"10\",published,55,published,0.1818,", "quote");
	ROW_BAD("office-\xc3\xa5,A_ONE,1,2023-04,10,published,55,published,0.1818,", "non-ASCII");
	ROW_BAD("office/a,A_ONE,1,2023-04,10,published,55,published,0.1818,", "participant");
	ROW_BAD("office-a,a_one,1,2023-04,10,published,55,published,0.1818,", "indicator");
	ROW_BAD("office-a,A_ONE,0,2023-04,10,published,55,published,0.1818,", "indicator_version");
	ROW_BAD("office-a,A_ONE,4294967296,2023-04,10,published,55,published,0.1818,",
		"indicator_version");
	ROW_BAD("office-a,A_ONE,1,2023-13,10,published,55,published,0.1818,", "month");
	ROW_BAD("office-a,A_ONE,1,2023-4,10,published,55,published,0.1818,", "month");
}
END_TEST

START_TEST(row_counts)
{
	ROW_BAD("office-a,A_ONE,1,2023-04,ten,published,55,published,0.1818,",
		"numerator: expected a published count");
	ROW_BAD("office-a,A_ONE,1,2023-04,-10,published,55,published,0.1818,", "numerator");
	ROW_BAD("office-a,A_ONE,1,2023-04,010,published,55,published,0.1818,", "numerator");
	ROW_BAD("office-a,A_ONE,1,2023-04,10,published,1000000000000000,published,,",
		"denominator: expected a published count");
	ROW_BAD("office-a,A_ONE,1,2023-04,,published,55,published,,", "numerator");
	ROW_BAD("office-a,A_ONE,1,2023-04,5,suppressed_small,55,published,,",
		"a value with status suppressed_small");
	ROW_BAD("office-a,A_ONE,1,2023-04,10,published,55,failed,,", "a value with status failed");
	ROW_BAD("office-a,A_ONE,1,2023-04,10,secret,55,published,0.1818,",
		"numerator_status: \"secret\" is not a known status");
	ROW_BAD("office-a,A_ONE,1,2023-04,10,Published,55,published,0.1818,", "not a known status");
	ROW_BAD("office-a,A_ONE,1,2023-04,10,published,55,published,.1818,", "share");
	ROW_BAD("office-a,A_ONE,1,2023-04,10,published,55,published,0.182,", "share");
	ROW_BAD("office-a,A_ONE,1,2023-04,10,published,55,published,-0.1818,", "share");
	ROW_BAD("office-a,A_ONE,1,2023-04,,suppressed_small,55,published,0.1818,",
		"share: published without two published counts");
	ROW_BAD("office-a,A_ONE,1,2023-04,0,published,0,published,0.0000,",
		"share: published without two published counts");
	ROW_BAD("office-a,C_MEAN,1,2023-04,,not_applicable,,suppressed_small,,3.50",
		"mean: published without a published denominator");
	ROW_BAD("office-a,C_MEAN,1,2023-04,,not_applicable,25,published,,3.5", "mean");
	ROW_BAD("office-a,C_MEAN,1,2023-04,,not_applicable,25,published,,1e3", "mean");
}
END_TEST

START_TEST(row_disclosure)
{
	struct kv_disclosure_params p = {.min_count = 5, .rounding_base = 5};
	struct {
		const char *line, *want;
	} cases[] = {
	    {"office-a,A_ONE,1,2023-04,3,published,55,published,0.0545,", "numerator 3 is below min_count 5"},
	    {"office-a,A_ONE,1,2023-04,10,published,57,published,0.1754,", "denominator 57 is not a multiple of rounding_base 5"},
	    {"office-a,A_ONE,1,2023-04,10,published,55,published,0.1819,", "share 0.1819 is not numerator/denominator (0.1818)"},
	    {"office-a,A_ONE,1,2023-04,0,published,55,published,0.0000,", "numerator 0 is below min_count"},
	};
	for (size_t i = 0; i < KV_ARRAY_SIZE(cases); i++) {
		struct kv_extract_row r;
		char err[200] = "";
		ck_assert_int_eq(kv_extract_parse_row(cases[i].line, strlen(cases[i].line), &r, err,
						      sizeof err),
				 0);
		ck_assert_int_eq(kv_extract_check_disclosure(&r, &p, err, sizeof err), -1);
		ck_assert_msg(strstr(err, cases[i].want) != NULL, "%s: \"%s\"", cases[i].line, err);
	}
	/* rounding_base 0 never divides: refused, not a division by zero */
	struct kv_extract_row r;
	char err[200];
	const char *l = "office-a,A_ONE,1,2023-04,10,published,55,published,0.1818,";
	ck_assert_int_eq(kv_extract_parse_row(l, strlen(l), &r, err, sizeof err), 0);
	struct kv_disclosure_params zero = {.min_count = 5, .rounding_base = 0};
	ck_assert_int_eq(kv_extract_check_disclosure(&r, &zero, err, sizeof err), -1);
}
END_TEST

START_TEST(row_10mb)
{
	size_t n = 10 * 1024 * 1024;
	char *line = malloc(n + 1);
	memset(line, '1', n);
	line[n] = '\0';
	char err[200];
	struct kv_extract_row r;
	ck_assert_int_eq(kv_extract_parse_row(line, n, &r, err, sizeof err), -1);
	ck_assert(strstr(err, "columns") != NULL);
	/* ten fields of a megabyte each */
	for (size_t i = 1; i < 10; i++)
		line[i * (n / 10)] = ',';
	ck_assert_int_eq(kv_extract_parse_row(line, n, &r, err, sizeof err), -1);
	ck_assert(strstr(err, "participant") != NULL);
	free(line);
}
END_TEST

/* ---- the validator ------------------------------------------------------------- */

START_TEST(valid_extract)
{
	struct fx f;
	fx_good(&f);
	struct hub_policy p = policy();
	ck_assert_msg(hub_validate(&p, "office-a", f.key, f.manifest, strlen(f.manifest), f.csv,
				   f.csv_len, &f.x, f.err, sizeof f.err) == 0,
		      "%s", f.err);
	ck_assert_uint_eq(f.x.n_rows, 3);
	ck_assert_str_eq(f.x.participant, "office-a");
	ck_assert_str_eq(f.x.month, "2023-04");
	ck_assert_str_eq(f.x.extract_id, f.key);
	ck_assert(!f.x.rows[1].has_numerator && f.x.rows[2].has_mean);
	hub_extract_free(&f.x);
	/* UTF-8 in the office's name is fine */
	fx_edit(&f, "\"participant\"", "\"office_name\": \"Legesenter \xc3\x85lesund \\u00e6\", \"participant\"");
	ck_assert_msg(fx_run(&f, "office-a") == 0, "%s", f.err);
	fx_free(&f);
}
END_TEST

START_TEST(manifest_json)
{
	struct {
		const char *from, *to, *want;
	} cases[] = {
	    {"{\"format\"", "{\"format\" \"x\", \"format\"", "not JSON"},
	    {"}}\n", "}}}\n", "manifest: not JSON"},
	    {"}}\n", "}} {}\n", "manifest: not JSON"},
	    {"}}\n", "}", "not JSON"},
	    {"\"format_version\": 2", "\"format_version\": \"2\"", "format_version is not 2"},
	    {"\"format_version\": 2", "\"format_version\": 2.0", "format_version is not 2"},
	    {"\"format_version\": 2", "\"format_version\": true", "format_version is not 2"},
	    {"\"format_version\": 2", "\"format_version\": 1", "format_version is not 2"},
	    {"\"algorithm\": 2", "\"algorithm\": 1", "disclosure.algorithm is not 2"},
	    {"\"algorithm\": 2, ", "", "disclosure.algorithm is not 2"},
	    {"\"perturbation\": \"none\"", "\"perturbation\": \"laplace\"", "disclosure.perturbation"},
	    {"\"perturbation_max\": 0", "\"perturbation_max\": 2", "perturbation_max"},
	    {"\"rows\": 3", "\"rows\": 1e400", "data.rows"},
	    {"\"rows\": 3", "\"rows\": 99999999999999999999999999", "data.rows"},
	    {"\"rows\": 3", "\"rows\": -3", "data.rows"},
	    {"\"bytes\": ", "\"bytes\": 18446744073709551616", "data.bytes"},
	    {"\"min_count\": 5", "\"min_count\": 9223372036854775807", "min_count"},
	    {"\"min_count\": 5", "\"min_count\": 4", "below the agreed 5"},
	    {"\"rounding_base\": 5", "\"rounding_base\": 7", "not a multiple of the agreed 5"},
	    {"\"secondary_suppression\": true", "\"secondary_suppression\": \"true\"", "secondary_suppression"},
	    {"\"months\": [\"2023-04\"]", "\"months\": \"2023-04\"", "months must list exactly one month"},
	    {"\"months\": [\"2023-04\"]", "\"months\": [\"2023-04\", \"2023-05\"]", "exactly one month"},
	    {"\"months\": [\"2023-04\"]", "\"months\": [202304]", "months[0] is not YYYY-MM"},
	    {"\"months\": [\"2023-04\"]", "\"months\": [\"2024-01\"]", "out of range"},
	    {"\"months\": [\"2023-04\"]", "\"months\": [\"2009-12\"]", "out of range"},
	    {"\"created\": \"2023-05-06T03:00:00Z\"", "\"created\": 1683342000", "created"},
	    {"\"data\": {", "\"data\": [], \"x\": {", "unknown key \"x\""},
	    {"\"data\": {", "\"data\": 1, \"y\": {", "unknown key"},
	    {"\"file\": \"data.csv\"", "\"file\": \"../etc/passwd\"", "data.file"},
	    {"\"file\": \"data.csv\"", "\"file\": \"data.csv\", \"extra\": 1", "unknown key \"data.extra\""},
	    {"\"kvalind_version\": \"0.1.0\"", "\"kvalind_version\": null", "kvalind_version"},
	    {"\"participant\": \"office-a\"", "\"participant\": [\"office-a\"]", "participant missing"},
	    {"\"participant\": \"office-a\"", "\"participant\": \"office-b\"", "not the authenticated office"},
	    {"\"participant\": \"office-a\"", "\"participant\": \"office-a/../x\"", "not a participant id"},
	    /* duplicate keys: json-c would keep the last silently */
	    {"\"participant\": \"office-a\"", "\"participant\": \"office-b\", \"participant\": \"office-a\"", "appears twice"},
	    {"\"rounding\": \"nearest\"", "\"rounding\": \"nearest\", \"rounding\": \"x\"", "appears twice"},
	    /* a key json-c would cut at \u0000, and \u0000 anywhere (jsonb refuses it) */
	    {"\"format\":", "\"format\\u0000x\": \"kvalind-extract\", \"format\":", "\\u0000"},
	    {"\"format\":", "\"form\\u0061t\":", "escape sequence in a key"},
	    {"\"catalogue_version\": \"c1\"", "\"catalogue_version\": \"c\\u0000\"", "\\u0000"},
	    {"\"catalogue_version\": \"c1\"", "\"catalogue_version\": \"c\\ud800\"", "unpaired"},
	    {"\"catalogue_version\": \"c1\"", "\"catalogue_version\": \"c\\udc00x\"", "unpaired"},
	    {"\"catalogue_version\": \"c1\"", "\"catalogue_version\": \"c\\ud800\\u0041\"", "unpaired"},
	    {"\"catalogue_version\": \"c1\"", "\"catalogue_version\": \"c\\u001b[31m\"", "catalogue_version"},
	    {"\"catalogue_version\": \"c1\"", "\"catalogue_version\": \"c\tx\"", "a control character in a string"},
	    /* invalid UTF-8 (json-c's check lets an encoded surrogate through) */
	    {"\"catalogue_version\": \"c1\"", "\"catalogue_version\": \"c\xff\"", "manifest: not"},
	    {"\"catalogue_version\": \"c1\"", "\"catalogue_version\": \"c\xc3\"", "manifest: not"},
	    {"\"catalogue_version\": \"c1\"", "\"catalogue_version\": \"\xed\xa0\x80\"", "manifest: not"},
	    {"\"catalogue_version\": \"c1\"", "\"catalogue_version\": \"\xc0\xaf\"", "manifest: not"},
	};
	for (size_t i = 0; i < KV_ARRAY_SIZE(cases); i++) {
		struct fx f;
		fx_good(&f);
		fx_edit(&f, cases[i].from, cases[i].to);
		ck_assert_msg(fx_run(&f, "office-a") == -1, "case %zu (%s) accepted", i, cases[i].to);
		ck_assert_msg(strstr(f.err, cases[i].want) != NULL, "case %zu (%s): \"%s\", want \"%s\"",
			      i, cases[i].to, f.err, cases[i].want);
		fx_free(&f);
	}
}
END_TEST

START_TEST(manifest_shape)
{
	struct fx f;
	const char *texts[] = {"", " ", "null", "[]", "\"x\"", "1", "{}", "{\"format\": \"kvalind-extract\"}"};
	for (size_t i = 0; i < KV_ARRAY_SIZE(texts); i++) {
		fx_good(&f);
		free(f.manifest);
		f.manifest = strdup(texts[i]);
		ck_assert_int_eq(fx_run(&f, "office-a"), -1);
		ck_assert(strncmp(f.err, "manifest:", 9) == 0);
		fx_free(&f);
	}
	/* deep nesting: json-c's depth limit, or ours */
	char *deep = malloc(200001);
	for (int i = 0; i < 100000; i++)
		deep[i] = '[', deep[100000 + i] = ']';
	deep[200000] = '\0';
	fx_good(&f);
	free(f.manifest);
	f.manifest = deep;
	ck_assert_int_eq(fx_run(&f, "office-a"), -1);
	ck_assert_msg(strstr(f.err, "not JSON") != NULL, "%s", f.err);
	fx_free(&f);
	fx_good(&f);
	fx_edit(&f, "\"data\": {", "\"data\": {\"a\": [[[[[[[[[[1]]]]]]]]]], ");
	ck_assert_int_eq(fx_run(&f, "office-a"), -1);
	ck_assert_msg(strstr(f.err, "nested too deeply") != NULL, "%s", f.err);
	fx_free(&f);
	/* NUL in the manifest or the CSV */
	fx_good(&f);
	struct hub_policy p = policy();
	ck_assert_int_eq(hub_validate(&p, "office-a", f.key, f.manifest, strlen(f.manifest) + 1,
				      f.csv, f.csv_len, &f.x, f.err, sizeof f.err),
			 -1);
	ck_assert(strstr(f.err, "not text") != NULL);
	f.csv[100] = '\0';
	ck_assert_int_eq(hub_validate(&p, "office-a", f.key, f.manifest, strlen(f.manifest), f.csv,
				      f.csv_len, &f.x, f.err, sizeof f.err),
			 -1);
	ck_assert(strstr(f.err, "data.csv: not text") != NULL);
	fx_free(&f);
	/* too many keys in an object */
	fx_good(&f);
	char many[2000] = "\"data\": {";
	for (int i = 0; i < 40; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many), "\"k%d\": 1, ", i);
	fx_edit(&f, "\"data\": {", many);
	ck_assert_int_eq(fx_run(&f, "office-a"), -1);
	ck_assert_msg(strstr(f.err, "more than 32 keys") != NULL, "%s", f.err);
	fx_free(&f);
}
END_TEST

START_TEST(manifest_vs_csv)
{
	struct fx f;
	/* the manifest's account of the CSV */
	fx_good(&f);
	f.csv[f.csv_len - 3] = '1'; /* 3.50 -> 3.10 */
	REFUSED(&f, "does not match the manifest's data.sha256");
	fx_free(&f);
	fx_good(&f);
	fx_edit(&f, "\"bytes\": ", "\"bytes\": 1");
	REFUSED(&f, "data.bytes is not the size");
	fx_free(&f);
	fx_good(&f);
	fx_edit(&f, "\"rows\": 3", "\"rows\": 2");
	REFUSED(&f, "more rows than the manifest's data.rows (2)");
	fx_free(&f);
	fx_good(&f);
	fx_edit(&f, "\"rows\": 3", "\"rows\": 4");
	REFUSED(&f, "data.csv has 3 rows, the manifest's data.rows says 4");
	fx_free(&f);
	fx_good(&f);
	fx_edit(&f, "\"rows\": 3", "\"rows\": 10001");
	REFUSED(&f, "data.rows missing or above 10000");
	fx_free(&f);
	fx_good(&f);
	fx_edit(&f, "\"sha256\": \"", "\"sha256\": \"A");
	REFUSED(&f, "data.sha256 is not 64 lower-case hex");
	fx_free(&f);
	/* the extract id and the key */
	fx_good(&f);
	fx_edit(&f, "\"extract_id\": \"office-a_2023-04_", "\"extract_id\": \"office-a_2023-04_0");
	REFUSED(&f, "extract_id is not office-a_2023-04_");
	fx_free(&f);
	fx_good(&f);
	f.key[strlen(f.key) - 1] ^= 1;
	REFUSED(&f, "Idempotency-Key differs");
	fx_free(&f);
	/* another office's certificate */
	fx_good(&f);
	ck_assert_int_eq(fx_run(&f, "office-b"), -1);
	ck_assert(strstr(f.err, "is not the authenticated office \"office-b\"") != NULL);
	fx_free(&f);
}
END_TEST

START_TEST(csv_rows)
{
	struct {
		const char *rows, *want;
	} cases[] = {
	    {"office-a,A_ONE,1,2023-04,3,published,55,published,0.0545,\n", "line 2: A_ONE numerator 3 is below min_count 5"},
	    {"office-a,A_ONE,1,2023-04,7,published,55,published,0.1273,\n", "not a multiple of rounding_base 5"},
	    {"office-a,A_ONE,1,2023-04,10,published,55,published,0.1819,\n", "share 0.1819"},
	    {"office-a,A_ONE,1,2023-04,10,published,55,published,0.1818,\n"
	     "office-a,A_ONE,1,2023-04,10,published,55,published,0.1818,\n", "line 3: indicator A_ONE appears twice"},
	    {"office-a,Z_UNKNOWN,1,2023-04,10,published,55,published,0.1818,\n", "unknown indicator Z_UNKNOWN"},
	    {"office-b,A_ONE,1,2023-04,10,published,55,published,0.1818,\n", "participant \"office-b\" is not the authenticated office"},
	    {"office-a,A_ONE,1,2023-03,10,published,55,published,0.1818,\n", "month 2023-03 is not in the manifest's months"},
	    {"office-a,A_ONE,1,2023-04,10,published,55,published,0.1818,\r\n", "line 2: a control character"},
	    {"office-a,A_ONE,1,2023-04,10,published,55,published,0.1818,\n\n", "line 3: 1 columns"},
	    {"office-a,A_ONE,1,2023-04,10,published,55,published,0.1818,", "does not end with a line feed"},
	    {"office-a,A_ONE,1,2023-04,ten,published,55,published,0.1818,\n", "numerator: expected a published count"},
	    {"office-a,A_ONE,1,2023-04,5,suppressed_small,55,published,,\n", "a value with status suppressed_small"},
	    {"office-a,A_ONE,1,2023-04,10,unknown,55,published,,\n", "not a known status"},
	};
	for (size_t i = 0; i < KV_ARRAY_SIZE(cases); i++) {
		struct fx f;
		fx_make(&f, "office-a", "2023-04", cases[i].rows);
		ck_assert_int_eq(fx_run(&f, "office-a"), -1);
		ck_assert_msg(strstr(f.err, cases[i].want) != NULL, "case %zu: \"%s\", want \"%s\"", i,
			      f.err, cases[i].want);
		fx_free(&f);
	}
	/* no rows at all is a valid extract */
	struct fx f;
	fx_make(&f, "office-a", "2023-04", "");
	ck_assert_msg(fx_run(&f, "office-a") == 0, "an extract without rows: %s", f.err);
	fx_free(&f);
}
END_TEST

START_TEST(csv_header)
{
	/* a CSV whose header is not the documented one, manifest consistent */
	const char *bodies[] = {"participant,indicator\n", "", "Participant,indicator,indicator_version,month,numerator,numerator_status,denominator,denominator_status,share,mean\n"};
	for (size_t i = 0; i < KV_ARRAY_SIZE(bodies); i++) {
		struct fx f;
		fx_make(&f, "office-a", "2023-04", "");
		free(f.csv);
		f.csv = strdup(bodies[i]);
		f.csv_len = strlen(bodies[i]);
		char sha[KV_SHA256_HEX_SIZE], e[100], bytes[64];
		ck_assert_int_eq(kv_sha256_hex(f.csv, f.csv_len, sha, e, sizeof e), 0);
		char *at = strstr(f.manifest, "\"sha256\": \"") + 11;
		memcpy(at, sha, 64);
		char *id = strstr(f.manifest, "office-a_2023-04_") + 17;
		memcpy(id, sha, 16);
		memcpy(f.key + 17, sha, 16);
		char want_bytes[64];
		snprintf(bytes, sizeof bytes, "\"bytes\": %zu", strlen(KV_EXTRACT_CSV_HEADER));
		snprintf(want_bytes, sizeof want_bytes, "\"bytes\": %zu,", f.csv_len);
		char *b = strstr(f.manifest, bytes);
		ck_assert_ptr_ne(b, NULL);
		/* rewrite the bytes member (may be shorter) */
		char *comma = strchr(b, ',');
		size_t tail = strlen(comma + 1);
		size_t wl = strlen(want_bytes);
		memmove(b + wl, comma + 1, tail + 1);
		memcpy(b, want_bytes, wl);
		ck_assert_int_eq(fx_run(&f, "office-a"), -1);
		ck_assert_msg(strstr(f.err, "the header line is not the documented one") != NULL,
			      "%zu: %s", i, f.err);
		fx_free(&f);
	}
}
END_TEST

START_TEST(csv_10mb_line)
{
	size_t n = 10 * 1024 * 1024;
	char *rows = malloc(n + 2);
	memset(rows, 'A', n);
	rows[n] = '\n';
	rows[n + 1] = '\0';
	struct fx f;
	fx_make(&f, "office-a", "2023-04", rows);
	free(rows);
	ck_assert_int_eq(fx_run(&f, "office-a"), -1);
	ck_assert_msg(strstr(f.err, "data.csv line 2: 1 columns") != NULL, "%s", f.err);
	ck_assert(strlen(f.err) < 200);
	fx_free(&f);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("hub_validate");
	TCase *t = tcase_create("rows");
	tcase_add_test(t, row_valid);
	tcase_add_test(t, row_fields);
	tcase_add_test(t, row_counts);
	tcase_add_test(t, row_disclosure);
	tcase_add_test(t, row_10mb);
	suite_add_tcase(s, t);
	t = tcase_create("validator");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, valid_extract);
	tcase_add_test(t, manifest_json);
	tcase_add_test(t, manifest_shape);
	tcase_add_test(t, manifest_vs_csv);
	tcase_add_test(t, csv_rows);
	tcase_add_test(t, csv_header);
	tcase_add_test(t, csv_10mb_line);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *r = srunner_create(suite());
	srunner_run_all(r, CK_NORMAL);
	int failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed == 0 ? 0 : 1;
}
