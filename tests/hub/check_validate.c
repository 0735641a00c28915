/*
 * check_validate.c - Check tests of the extract's row parser
 * (core/extract_format.c) and the hub's pure validator (hub_validate in
 * hub/hub_validate.c): malformed rows and manifests, extracts the database
 * could not hold, and months an office's disclosure control would not have
 * published, each refused with a reason that names what is wrong; real
 * extracts that kvalind made, accepted. No database, no network.
 *
 * Two catalogues: a small one (A_ONE and B_TWO proportions, C_MEAN a mean,
 * no relations), whose fixture is one valid extract of office-a for 2023-04
 * under min_count 5, rounding_base 5 that a test changes (rebuilding
 * data.rows, bytes, sha256 and the extract id to match when it means to test
 * what lies behind them); and the real one, loaded by hub_catalogue_load
 * from the built indicator plugins ($KV_BUILD_DIR/indicators), with the
 * relations between its indicators, against which the informed audit runs
 * and the extracts in tests/hub/fixtures/ (made by kvalind from synthetic
 * offices) must pass.
 *
 * No test has a time limit (tcase_set_timeout 0): none may depend on the
 * machine's speed.
 *
 * Also a tool: check_hub_validate --extracts DIR... validates every extract
 * in the directories (NAME.json + NAME.csv, as a drop directory holds them,
 * or NAME/manifest.json + NAME/data.csv, as an outbox does) against the real
 * catalogue, prints each refusal and the time per extract, and exits 1 if
 * any was refused.
 */
#include "hub.h"

#include "ck_aim.h"
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "outbox.h"

static struct hub_indicator cat_ind[] = {
    {.id = "A_ONE", .version = 1, .type = KV_INDICATOR_PROPORTION},
    {.id = "B_TWO", .version = 2, .type = KV_INDICATOR_PROPORTION},
    {.id = "C_MEAN", .version = 1, .type = KV_INDICATOR_MEAN}};
static struct hub_catalogue cat = {cat_ind, 3, NULL, {NULL, 0}};

/* The real catalogue (main loads it); real_err says why it is not there. */
static struct hub_catalogue real;
static char real_err[1024];
static bool real_loaded;

static const char *build_dir(void)
{
	const char *b = getenv("KV_BUILD_DIR");
	return b && *b ? b : "build";
}

static const char *source_dir(void)
{
	const char *s = getenv("KV_SOURCE_DIR");
	return s && *s ? s : ".";
}

static void load_real(void)
{
	char dir[PATH_MAX + 32], *abs = realpath(build_dir(), NULL);
	if (abs == NULL) {
		snprintf(real_err, sizeof real_err, "%s: %s", build_dir(), strerror(errno));
		return;
	}
	snprintf(dir, sizeof dir, "%s/indicators", abs);
	free(abs);
	real_loaded = hub_catalogue_load(dir, &real, real_err, sizeof real_err) == 0;
}

#define NEED_REAL() ck_assert_msg(real_loaded, "the real catalogue: %s", real_err)

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
    "office-a,C_MEAN,1,2023-04,,not_applicable,25,published,,4.00\n";

/* An extract: its CSV, manifest and Idempotency-Key, and the catalogue it
 * is checked against (NULL: the small one). */
struct fx {
	char *csv;
	size_t csv_len;
	char *manifest;
	char key[200];
	char err[600];
	struct hub_extract x;
	const struct hub_catalogue *cat;
};

static void fx_free(struct fx *f)
{
	free(f->csv);
	free(f->manifest);
	memset(f, 0, sizeof *f);
}

#define NO_NOISE                                                               \
	"\"min_count\": 5, \"rounding_base\": 5, \"rounding\": \"nearest\",\n"             \
	"   \"secondary_suppression\": true, \"algorithm\": 2, \"perturbation\": \"none\",\n" \
	"   \"perturbation_max\": 0"
#define CELL_KEY                                                               \
	"\"min_count\": 5, \"rounding_base\": 5, \"rounding\": \"nearest\",\n"             \
	"   \"secondary_suppression\": true, \"algorithm\": 2, \"perturbation\": \"cell_key\",\n" \
	"   \"perturbation_max\": 1"

/* The manifest that describes csv exactly (as an office writes it), with
 * the disclosure object's members `disclosure`. */
static void fx_make_d(struct fx *f, const char *participant, const char *month, const char *rows,
		      const char *disclosure)
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
		" \"disclosure\": {%s},\n"
		" \"data\": {\"file\": \"data.csv\", \"rows\": %zu, \"bytes\": %zu, \"sha256\": \"%s\"}}\n",
		f->key, participant, month, disclosure, n_rows, f->csv_len, sha);
	fclose(m);
}

static void fx_make(struct fx *f, const char *participant, const char *month, const char *rows)
{
	fx_make_d(f, participant, month, rows, NO_NOISE);
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
	if (f->cat != NULL)
		p.catalogue = f->cat;
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
	f.csv[f.csv_len - 3] = '1'; /* 4.00 -> 4.10 */
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
}
END_TEST

/* ---- what the database could not hold, and what the hub does not know ------- */

/* rows against the small catalogue: refused with want (want NULL: accepted) */
static void expect_rows(const char *rows, const char *disclosure, const char *want)
{
	struct fx f;
	fx_make_d(&f, "office-a", "2023-04", rows, disclosure);
	int rc = fx_run(&f, "office-a");
	if (want == NULL) {
		ck_assert_msg(rc == 0, "%s: refused: %s", rows, f.err);
	} else {
		ck_assert_msg(rc == -1, "%s: accepted, want \"%s\"", rows, want);
		ck_assert_msg(strstr(f.err, want) != NULL, "%s: \"%s\", want \"%s\"", rows, f.err,
			      want);
		ck_assert_ptr_eq(strchr(f.err, '\n'), NULL);
	}
	fx_free(&f);
}

/* Each of these passed validation once and then failed at the insert (503:
 * the office retried for ever), or was stored although no office makes it. */
START_TEST(share_of_a_million)
{
	/* share is numeric(10,4) */
	expect_rows("office-a,A_ONE,1,2023-04,5000000,published,5,published,1000000.0000,\n",
		    NO_NOISE, "share 1000000.0000 is above 1");
}
END_TEST

START_TEST(huge_mean)
{
	/* mean is numeric(20,2) */
	expect_rows("office-a,C_MEAN,1,2023-04,,not_applicable,25,published,,"
		    "1000000000000000000.00\n",
		    NO_NOISE, "mean 1000000000000000000.00 has more than 15 digits");
	expect_rows("office-a,C_MEAN,1,2023-04,,not_applicable,25,published,,"
		    "10000000000000000.00\n",
		    NO_NOISE, "more than 15 digits");
}
END_TEST

START_TEST(version_above_int32)
{
	/* indicator_version is an integer column */
	expect_rows("office-a,A_ONE,2147483648,2023-04,10,published,55,published,0.1818,\n",
		    NO_NOISE, "indicator_version 2147483648 is above 2147483647");
	expect_rows("office-a,A_ONE,4294967295,2023-04,10,published,55,published,0.1818,\n",
		    NO_NOISE, "above 2147483647");
}
END_TEST

START_TEST(counts_the_database_holds)
{
	/* counts are bigint: the parser stops below 10^15 */
	expect_rows("office-a,A_ONE,1,2023-04,10,published,1000000000000000,published,0.0000,\n",
		    NO_NOISE, "denominator: expected a published count");
	expect_rows("office-a,A_ONE,1,2023-04,10,published,999999999999995,published,0.0000,\n",
		    NO_NOISE, NULL);
}
END_TEST

START_TEST(unknown_version)
{
	expect_rows("office-a,A_ONE,2,2023-04,10,published,55,published,0.1818,\n", NO_NOISE,
		    "indicator_version 2 is not in the hub's catalogue");
	expect_rows("office-a,B_TWO,1,2023-04,10,published,55,published,0.1818,\n", NO_NOISE,
		    "declares version 2");
	expect_rows("office-a,A_ONE,2147483647,2023-04,10,published,55,published,0.1818,\n",
		    NO_NOISE, "not in the hub's catalogue");
	expect_rows("office-a,Z_UNKNOWN,1,2023-04,10,published,55,published,0.1818,\n", NO_NOISE,
		    "unknown indicator Z_UNKNOWN");
}
END_TEST

START_TEST(header_only)
{
	/* it would replace a whole month with nothing */
	struct fx f;
	fx_make(&f, "office-a", "2023-04", "");
	REFUSED(&f, "data.csv has no rows");
	fx_free(&f);
	/* a month the record system could compute nothing of is a month */
	expect_rows("office-a,A_ONE,1,2023-04,,not_computable,,not_computable,,\n", NO_NOISE, NULL);
}
END_TEST

/* validate f with policy p */
static int fx_run_p(struct fx *f, struct hub_policy *p)
{
	int rc = hub_validate(p, "office-a", f->key, f->manifest, strlen(f->manifest), f->csv,
			      f->csv_len, &f->x, f->err, sizeof f->err);
	if (rc == 0)
		hub_extract_free(&f->x);
	return rc;
}

static time_t utc(int y, int mon, int d, int h, int min)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mon - 1, .tm_mday = d, .tm_hour = h,
			.tm_min = min};
	return timegm(&tm);
}

START_TEST(month_not_ended)
{
	const char *rows_dec = "office-a,A_ONE,1,2023-12,10,published,55,published,0.1818,\n";
	const char *rows_nov = "office-a,A_ONE,1,2023-11,10,published,55,published,0.1818,\n";
	struct fx f;
	struct hub_policy p = policy(); /* latest_month 2023-12: the current month */
	/* the current, incomplete month */
	fx_make(&f, "office-a", "2023-12", rows_dec);
	ck_assert_int_eq(fx_run_p(&f, &p), -1);
	ck_assert_msg(strstr(f.err, "month 2023-12 is out of range: it has not ended yet (the "
				    "latest month that has is 2023-11)") != NULL,
		      "%s", f.err);
	fx_free(&f);
	fx_make(&f, "office-a", "2023-11", rows_nov);
	ck_assert_msg(fx_run_p(&f, &p) == 0, "%s", f.err);
	fx_free(&f);
	/* with the hub's clock: December has ended once it has at UTC+14 */
	fx_make(&f, "office-a", "2023-12", rows_dec);
	p.latest_month = 0; /* the clock decides */
	p.now = utc(2023, 12, 31, 9, 59);
	ck_assert_int_eq(fx_run_p(&f, &p), -1);
	ck_assert_msg(strstr(f.err, "has not ended yet") != NULL, "%s", f.err);
	p.now = utc(2023, 12, 31, 10, 0);
	ck_assert_msg(fx_run_p(&f, &p) == 0, "%s", f.err);
	p.now = utc(2023, 12, 1, 0, 0);
	ck_assert_int_eq(fx_run_p(&f, &p), -1);
	fx_free(&f);
	/* a future month */
	fx_make(&f, "office-a", "2031-01", "office-a,A_ONE,1,2031-01,10,published,55,published,0.1818,\n");
	p.now = utc(2026, 12, 7, 12, 0);
	ck_assert_int_eq(fx_run_p(&f, &p), -1);
	ck_assert_msg(strstr(f.err, "has not ended yet (the latest month that has is 2026-11)") != NULL,
		      "%s", f.err);
	fx_free(&f);
}
END_TEST

/* ---- what an office's disclosure control would not have published ---------- */

START_TEST(numerator_equals_denominator)
{
	/* 50 of 50: the complement (at most 4) is a count an office suppresses */
	expect_rows("office-a,A_ONE,1,2023-04,50,published,50,published,1.0000,\n", NO_NOISE,
		    "numerator 50 of denominator 50 published: the complement (at most 4) is "
		    "below min_count 5");
	/* ... with the cell-key noise too: the rules act on the noisy counts
	 * (the audit, which reasons about true counts, would let it pass) */
	expect_rows("office-a,A_ONE,1,2023-04,50,published,50,published,1.0000,\n", CELL_KEY,
		    "the complement (at most 4) is below min_count 5");
	expect_rows("office-a,A_ONE,1,2023-04,5,published,5,published,1.0000,\n", NO_NOISE,
		    "below min_count");
	expect_rows("office-a,A_ONE,1,2023-04,45,published,50,published,0.9000,\n", NO_NOISE,
		    NULL);
	/* at min_count 5 and rounding_base 10 a count of 10 stands for 5..14:
	 * 10 of 10 can be 5 of 14, which an office publishes */
	expect_rows("office-a,A_ONE,1,2023-04,10,published,10,published,1.0000,\n",
		    "\"min_count\": 5, \"rounding_base\": 10, \"rounding\": \"nearest\", "
		    "\"secondary_suppression\": true, \"algorithm\": 2, \"perturbation\": "
		    "\"none\", \"perturbation_max\": 0",
		    NULL);
	/* the counts are checked against the manifest's rules, not only the agreed */
	expect_rows("office-a,A_ONE,1,2023-04,15,published,55,published,0.2727,\n",
		    "\"min_count\": 5, \"rounding_base\": 10, \"rounding\": \"nearest\", "
		    "\"secondary_suppression\": true, \"algorithm\": 2, \"perturbation\": "
		    "\"none\", \"perturbation_max\": 0",
		    "numerator 15 is not a multiple of rounding_base 10");
}
END_TEST

START_TEST(numerator_above_denominator)
{
	expect_rows("office-a,A_ONE,1,2023-04,60,published,55,published,1.0909,\n", NO_NOISE,
		    "share 1.0909 is above 1");
	/* a share that rounds to 1.0000 */
	expect_rows("office-a,A_ONE,1,2023-04,1000005,published,1000000,published,1.0000,\n",
		    NO_NOISE, "numerator 1000005 is above its denominator 1000000");
}
END_TEST

START_TEST(statuses_of_a_type)
{
	struct {
		const char *rows, *want;
	} cases[] = {
	    {"office-a,C_MEAN,1,2023-04,5,published,25,published,0.2000,4.00\n", "C_MEAN is a mean"},
	    {"office-a,C_MEAN,1,2023-04,,not_applicable,25,published,,\n", "mean missing"},
	    {"office-a,C_MEAN,1,2023-04,,not_applicable,25,published,,3.50\n",
	     "mean 3.50 is not a value sum rounded to a multiple of 50 divided by the published "
	     "denominator 25"},
	    {"office-a,A_ONE,1,2023-04,,not_applicable,55,published,,\n", "A_ONE is a proportion"},
	    {"office-a,A_ONE,1,2023-04,10,published,55,published,0.1818,1.00\n", "a mean for a proportion"},
	    {"office-a,A_ONE,1,2023-04,10,published,55,published,,\n", "share missing"},
	    {"office-a,A_ONE,1,2023-04,,not_computable,55,published,,\n",
	     "numerator not_computable but denominator published"},
	    {"office-a,A_ONE,1,2023-04,,failed,,not_computable,,\n", "numerator failed but denominator"},
	    {"office-a,A_ONE,1,2023-04,10,published,,suppressed_complement,,\n",
	     "denominator suppressed_complement"},
	    {"office-a,A_ONE,1,2023-04,,withheld,55,published,,\n",
	     "numerator withheld but denominator published"},
	    {"office-a,A_ONE,1,2023-04,,withheld,,withheld,,\n"
	     "office-a,B_TWO,2,2023-04,,suppressed_small,40,published,,\n",
	     "withheld and published or suppressed counts in one month"},
	};
	for (size_t i = 0; i < KV_ARRAY_SIZE(cases); i++)
		expect_rows(cases[i].rows, NO_NOISE, cases[i].want);
	/* what kvalind does write */
	expect_rows("office-a,A_ONE,1,2023-04,,withheld,,withheld,,\n"
		    "office-a,B_TWO,2,2023-04,,withheld,,withheld,,\n"
		    "office-a,C_MEAN,1,2023-04,,not_applicable,,withheld,,\n",
		    NO_NOISE, NULL);
	expect_rows("office-a,C_MEAN,1,2023-04,,not_applicable,,suppressed_small,,\n", NO_NOISE,
		    NULL);
	expect_rows("office-a,C_MEAN,1,2023-04,,failed,,failed,,\n", NO_NOISE, NULL);
	expect_rows("office-a,C_MEAN,1,2023-04,,not_applicable,25,published,,0.00\n", NO_NOISE,
		    NULL);
	expect_rows("office-a,C_MEAN,1,2023-04,,not_applicable,35,published,,127.14\n", CELL_KEY,
		    NULL);
}
END_TEST

/* ---- the informed audit, over the real catalogue's relations ----------------- */

/* A diabetes blood-pressure month as kvalind publishes it at 5/5 without
 * noise (tests/unit/test_disclosure_attack.c: 25 diabetics, bands
 * 141-149 = 4, >= 150/90 = 7, <= 140/85 = 7, so 18 measured): the
 * 141-149 band is suppressed, >= 150/90 hidden after it. */
#define BP_141 "office-a,DM_BP_141_149,1,2023-04,,suppressed_small,25,published,,\n"
#define BP_GE "office-a,DM_BP_GE150_90,1,2023-04,,suppressed_secondary,25,published,,\n"
#define BP_LE "office-a,DM_BP_LE140_85,1,2023-04,5,published,25,published,0.2000,\n"
#define BP_MEAS "office-a,DM_BP_MEASURED,1,2023-04,20,published,25,published,0.8000,\n"
#define DM_PREV "office-a,DM_PREVALENCE,1,2023-04,25,published,1000,published,0.0250,\n"

static void expect_real(const char *rows, const char *disclosure, const char *want)
{
	NEED_REAL();
	struct fx f;
	fx_make_d(&f, "office-a", "2023-04", rows, disclosure);
	f.cat = &real;
	int rc = fx_run(&f, "office-a");
	if (want == NULL) {
		ck_assert_msg(rc == 0, "refused: %s", f.err);
	} else {
		ck_assert_msg(rc == -1, "accepted, want \"%s\"", want);
		ck_assert_msg(strstr(f.err, want) != NULL, "\"%s\", want \"%s\"", f.err, want);
		ck_assert_ptr_eq(strchr(f.err, '\n'), NULL);
	}
	fx_free(&f);
}

START_TEST(audit_pinned_cell)
{
	/* as published: nothing can be worked out */
	expect_real(BP_141 BP_GE BP_LE BP_MEAS DM_PREV, NO_NOISE, NULL);
	expect_real(BP_141 BP_GE BP_LE BP_MEAS DM_PREV, CELL_KEY, NULL);
	/* the >= 150/90 band published as 5 (5..7): measured 18..22 less
	 * <= 140/85 5..7 less 5..7 leaves 141-149 at 4..12, and
	 * suppressed_small says at most 4: exactly 4 */
	const char *forged = BP_141
	    "office-a,DM_BP_GE150_90,1,2023-04,5,published,25,published,0.2000,\n" BP_LE BP_MEAS
		DM_PREV;
	expect_real(forged, NO_NOISE,
		    "data.csv: DM_BP_141_149.numerator could be worked out from the published month");
	/* with the cell-key noise each published count stands for one more
	 * value either way, and the same month pins nothing */
	expect_real(forged, CELL_KEY, NULL);
	/* a catalogue nobody related (hub_catalogue_relate): related for the
	 * audit all the same, never audited without its relations */
	struct hub_catalogue unrelated = {real.ind, real.n, NULL, {NULL, 0}};
	struct fx f;
	fx_make(&f, "office-a", "2023-04", forged);
	f.cat = &unrelated;
	REFUSED(&f, "DM_BP_141_149.numerator could be worked out");
	fx_free(&f);
	ck_assert_ptr_null(unrelated.series);
}
END_TEST

START_TEST(audit_no_counts_fit)
{
	/* the bands add up to 30, the measured to 20: no counts fit */
	expect_real(
	    "office-a,DM_BP_141_149,1,2023-04,5,published,25,published,0.2000,\n"
	    "office-a,DM_BP_GE150_90,1,2023-04,5,published,25,published,0.2000,\n"
	    "office-a,DM_BP_LE140_85,1,2023-04,20,published,25,published,0.8000,\n" BP_MEAS DM_PREV,
	    NO_NOISE,
	    "the published counts contradict each other: no counts fit (complement below "
	    "min_count, numerator above denominator, or the relations)");
	/* a suppressed_small numerator whose own denominator says it is not
	 * small: denominator 25 = numerator (at most 4) + complement (at
	 * least 5 and at most 4, its numerator being suppressed_complement) */
	expect_real("office-a,DM_BP_MEASURED,1,2023-04,,suppressed_complement,10,published,,\n"
		    "office-a,DM_PREVALENCE,1,2023-04,,suppressed_small,1000,published,,\n",
		    NO_NOISE, "the published counts contradict each other");
}
END_TEST

START_TEST(audit_one_population)
{
	/* every DM_* denominator counts the diabetics: published alike */
	expect_real(BP_141 BP_GE
		    "office-a,DM_BP_LE140_85,1,2023-04,5,published,30,published,0.1667,\n" BP_MEAS
			DM_PREV,
		    NO_NOISE,
		    "DM_PREVALENCE.numerator 25 and DM_BP_LE140_85.denominator 30 count the same "
		    "population \"diabetes\" but are published differently");
}
END_TEST

/* Read a whole file; NULL when it cannot be read. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	char *buf = NULL;
	size_t n = 0, cap = 0, got;
	char chunk[65536];
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (n + got + 1 > cap) {
			cap = (n + got + 1) * 2;
			buf = realloc(buf, cap);
		}
		memcpy(buf + n, chunk, got);
		n += got;
	}
	fclose(f);
	if (buf == NULL)
		buf = calloc(1, 1);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* The string value of "name": "..." in a manifest (no escapes), or "". */
static void manifest_string(const char *text, const char *name, char *out, size_t size)
{
	char pat[64];
	out[0] = '\0';
	snprintf(pat, sizeof pat, "\"%s\": \"", name);
	const char *p = strstr(text, pat);
	if (p == NULL)
		return;
	p += strlen(pat);
	size_t n = strcspn(p, "\"");
	if (n >= size)
		n = size - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

struct run_stats {
	size_t n, refused;
	double total_ms, max_ms;
	char slowest[200];
};

/* Validate the extract whose manifest is at json and CSV at csv against the
 * real catalogue: 0 accepted, -1 refused (reason in err), -2 unreadable. */
static int validate_files(const char *json, const char *csv, struct run_stats *st, char *err,
			  size_t errlen)
{
	size_t mlen, clen;
	char *m = slurp(json, &mlen), *c = slurp(csv, &clen);
	int rc = -2;
	if (m == NULL || c == NULL) {
		kv_snprintf(err, errlen, "cannot read %s or %s", json, csv);
		goto out;
	}
	char participant[128], key[200];
	manifest_string(m, "participant", participant, sizeof participant);
	manifest_string(m, "extract_id", key, sizeof key);
	struct hub_policy p = {.catalogue = &real,
			       .disclosure = {.min_count = 5, .rounding_base = 5},
			       .max_rows = 10000,
			       .now = time(NULL)};
	kv_parse_month("2010-01", &p.earliest_month);
	struct hub_extract x;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = hub_validate(&p, participant, key, m, mlen, c, clen, &x, err, errlen);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	if (rc == 0)
		hub_extract_free(&x);
	st->n++;
	st->refused += rc != 0;
	st->total_ms += ms;
	if (ms > st->max_ms) {
		st->max_ms = ms;
		snprintf(st->slowest, sizeof st->slowest, "%s", key);
	}
out:
	free(m);
	free(c);
	return rc;
}

/* Every extract in dir (NAME.json + NAME.csv, or NAME/manifest.json +
 * NAME/data.csv); each refusal to out. */
static void validate_dir(const char *dir, struct run_stats *st, FILE *out)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		fprintf(out, "%s: %s\n", dir, strerror(errno));
		st->refused++;
		return;
	}
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		names = realloc(names, (n + 1) * sizeof *names);
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	for (size_t i = 0; i < n; i++) {
		char json[PATH_MAX], csv[PATH_MAX], err[600];
		size_t l = strlen(names[i]);
		struct stat sb;
		kv_snprintf(json, sizeof json, "%s/%s", dir, names[i]);
		if (stat(json, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			kv_snprintf(json, sizeof json, "%s/%s/manifest.json", dir, names[i]);
			kv_snprintf(csv, sizeof csv, "%s/%s/data.csv", dir, names[i]);
		} else if (l > 5 && strcmp(names[i] + l - 5, ".json") == 0) {
			kv_snprintf(csv, sizeof csv, "%s/%.*s.csv", dir, (int)(l - 5), names[i]);
		} else {
			free(names[i]);
			continue;
		}
		if (validate_files(json, csv, st, err, sizeof err) != 0)
			fprintf(out, "REFUSED %s: %s\n", json, err);
		free(names[i]);
	}
	free(names);
}

/* Extracts kvalind made of synthetic offices (tests/hub/fixtures/: the
 * defaults with cell-key noise, and without, at 5/5, 5/10 and 10/10;
 * among them months with secondary and complement suppression) pass. */
START_TEST(real_extracts_pass)
{
	NEED_REAL();
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s/tests/hub/fixtures", source_dir());
	struct run_stats st = {0};
	char *log = NULL;
	size_t loglen = 0;
	FILE *out = open_memstream(&log, &loglen);
	validate_dir(dir, &st, out);
	fclose(out);
	ck_assert_msg(st.refused == 0, "%zu of %zu refused:\n%s", st.refused, st.n, log);
	ck_assert_msg(st.n >= 10, "only %zu extracts in %s", st.n, dir);
	free(log);
}
END_TEST

/* ---- the catalogue ------------------------------------------------------------ */

START_TEST(catalogue_keeps_whole_definitions)
{
	NEED_REAL();
	ck_assert_uint_ge(real.n, 37);
	ck_assert_ptr_nonnull(real.series);
	ck_assert_uint_gt(real.rel.n, 10);
	for (size_t i = 0; i < real.n; i++) {
		ck_assert_ptr_eq(real.series[i].def, &real.ind[i].def);
		ck_assert_str_eq(real.series[i].id, real.ind[i].id);
		ck_assert_str_eq(real.ind[i].def.id, real.ind[i].id);
		if (i > 0)
			ck_assert_int_lt(strcmp(real.ind[i - 1].id, real.ind[i].id), 0);
	}
	const struct hub_indicator *h = hub_catalogue_find(&real, "DM_BP_141_149");
	ck_assert_ptr_nonnull(h);
	ck_assert_str_eq(h->def.numerator_part_of, "diabetes_bp_measured");
	ck_assert_str_eq(h->def.denominator_population, "diabetes");
	ck_assert(h->def.relation_flags & KV_PARTS_COMPLETE);
	ck_assert_uint_eq(h->def.hide_priority, 3);
	ck_assert_ptr_null(h->def.numerator_population);
	h = hub_catalogue_find(&real, "DM_ALBUMINURIA");
	ck_assert_ptr_nonnull(h);
	ck_assert_str_eq(h->def.numerator_within, "diabetes_uacr_measured");
	/* the 141-149 band is the part hidden first, as at the office */
	bool found = false;
	for (size_t i = 0; i < real.rel.n; i++) {
		const struct kv_relation *r = &real.rel.items[i];
		if (strcmp(r->population, "diabetes_bp_measured") != 0 || r->type != KV_REL_SUM_COMPLETE)
			continue;
		found = true;
		ck_assert_uint_eq(r->n_parts, 3);
		ck_assert_str_eq(real.series[r->parts[0].series].id, "DM_BP_141_149");
	}
	ck_assert(found);
}
END_TEST

START_TEST(catalogue_relations_refused)
{
	char err[600];
	/* a part of a population no indicator counts */
	struct hub_indicator bad[] = {
	    {.id = "X_PART", .version = 1, .plugin = "t_bad_parts",
	     .def = {.numerator_part_of = "nobody_counts_this", .denominator_population = "listed"}},
	    {.id = "A_TOTAL", .version = 1, .plugin = "t_fine",
	     .def = {.denominator_population = "listed"}},
	};
	struct hub_catalogue c = {bad, 2, NULL, {NULL, 0}};
	ck_assert_int_eq(hub_catalogue_relate(&c, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "indicator plugin t_bad_parts: ") == err, "%s", err);
	ck_assert_msg(strstr(err, "nobody_counts_this") != NULL, "%s", err);
	ck_assert_ptr_null(c.series);
	/* two plugins declaring one id */
	struct hub_indicator twice[] = {{.id = "A_ONE", .version = 1, .plugin = "p1"},
					{.id = "A_ONE", .version = 1, .plugin = "p2"}};
	struct hub_catalogue c2 = {twice, 2, NULL, {NULL, 0}};
	ck_assert_int_eq(hub_catalogue_relate(&c2, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "indicator A_ONE is declared by p1 and by p2") != NULL, "%s", err);
	/* and a good one relates, twice over without leaking */
	struct hub_indicator good[] = {
	    {.id = "B", .version = 1, .type = KV_INDICATOR_PROPORTION,
	     .def = {.numerator_population = "x", .denominator_population = "listed"}},
	    {.id = "A", .version = 1, .type = KV_INDICATOR_PROPORTION,
	     .def = {.denominator_population = "x"}},
	};
	struct hub_catalogue c3 = {good, 2, NULL, {NULL, 0}};
	ck_assert_int_eq(hub_catalogue_relate(&c3, err, sizeof err), 0);
	ck_assert_int_eq(hub_catalogue_relate(&c3, err, sizeof err), 0);
	ck_assert_str_eq(c3.ind[0].id, "A");
	ck_assert_uint_eq(c3.rel.n, 1);
	hub_catalogue_unrelate(&c3);
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
	tcase_set_timeout(t, 0);
	tcase_add_test(t, row_valid);
	tcase_add_test(t, row_fields);
	tcase_add_test(t, row_counts);
	tcase_add_test(t, row_disclosure);
	tcase_add_test(t, row_10mb);
	suite_add_tcase(s, t);
	t = tcase_create("validator");
	tcase_set_timeout(t, 0);
	tcase_add_test(t, valid_extract);
	tcase_add_test(t, manifest_json);
	tcase_add_test(t, manifest_shape);
	tcase_add_test(t, manifest_vs_csv);
	tcase_add_test(t, csv_rows);
	tcase_add_test(t, csv_header);
	tcase_add_test(t, csv_10mb_line);
	tcase_add_test(t, share_of_a_million);
	tcase_add_test(t, huge_mean);
	tcase_add_test(t, version_above_int32);
	tcase_add_test(t, counts_the_database_holds);
	tcase_add_test(t, unknown_version);
	tcase_add_test(t, header_only);
	tcase_add_test(t, month_not_ended);
	tcase_add_test(t, numerator_equals_denominator);
	tcase_add_test(t, numerator_above_denominator);
	tcase_add_test(t, statuses_of_a_type);
	suite_add_tcase(s, t);
	t = tcase_create("audit");
	tcase_set_timeout(t, 0);
	tcase_add_test(t, audit_pinned_cell);
	tcase_add_test(t, audit_no_counts_fit);
	tcase_add_test(t, audit_one_population);
	tcase_add_test(t, real_extracts_pass);
	tcase_add_test(t, catalogue_keeps_whole_definitions);
	tcase_add_test(t, catalogue_relations_refused);
	suite_add_tcase(s, t);
	return s;
}

/* check_hub_validate --extracts DIR...: the real catalogue against the
 * extracts in DIR...; each refusal and the time per extract. */
static int validate_dirs(int n, char **dirs)
{
	if (!real_loaded) {
		fprintf(stderr, "check_hub_validate: the real catalogue: %s\n", real_err);
		return 2;
	}
	struct run_stats st = {0};
	for (int i = 0; i < n; i++)
		validate_dir(dirs[i], &st, stdout);
	printf("%zu extracts, %zu refused; validation %.2f ms per extract on average, at most "
	       "%.2f ms (%s)\n",
	       st.n, st.refused, st.n ? st.total_ms / (double)st.n : 0.0, st.max_ms, st.slowest);
	return st.refused == 0 && st.n > 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	char err[600];
	SRunner *r = srunner_create(suite());
	if (!(argc > 1 && strcmp(argv[1], "--extracts") == 0)) {
		int rc = ck_aim(r, argc, argv, "check_hub_validate");
		if (rc >= 0) {
			srunner_free(r);
			return rc;
		}
	}
	if (hub_catalogue_relate(&cat, err, sizeof err) != 0) {
		fprintf(stderr, "check_hub_validate: the small catalogue: %s\n", err);
		srunner_free(r);
		return 1;
	}
	load_real();
	int failed;
	if (argc > 1 && strcmp(argv[1], "--extracts") == 0) {
		failed = validate_dirs(argc - 2, argv + 2);
	} else {
		failed = ck_aim_run(r);
	}
	srunner_free(r);
	if (real_loaded)
		hub_catalogue_free(&real);
	hub_catalogue_unrelate(&cat);
	return failed;
}
