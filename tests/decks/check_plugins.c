/*
 * check_plugins.c - unit tests of the diabetes and medication_review
 * indicator plugins, loaded with dlopen and driven through a fake host
 *
 * The test decks beside this file check the plugins end to end through the
 * core and the reference connector. This file checks what the decks cannot
 * reach: init failures (a missing value set, inconsistent thresholds),
 * thresholds taken from configuration, the note half of LMG_4PLUS when the
 * connector matched no notes, input out of date order, a wrong result-block
 * shape, invariants (N within D, exactly one band) over many generated
 * patients, and the speed of one pass: 30,000 patients x 101 months.
 *
 * The fake host serves each plugin's declared defaults unless a test
 * overrides a key, and value sets shaped like conf/valuesets.txt.
 *
 * Build and run from the top directory, after `make`:
 *   cc -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -Icore/include \
 *      $(pkg-config --cflags check) -o build/tests/check_plugins \
 *      tests/decks/check_plugins.c $(pkg-config --libs check) -ldl
 *   KV_BUILD_DIR=build build/tests/check_plugins
 * KV_PERF_PATIENTS sets the size of the speed test (default 30000).
 */
#include "kvalind/kv_plugin.h"

#include <check.h>
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- fake value sets ------------------------------------------------------ */

struct fake_entry {
	enum kv_code_kind kind;
	const char *code;
	bool prefix;
	kv_date to; /* 0: open */
};

struct kv_value_set {
	const char *name;
	const struct fake_entry *entries;
	size_t n;
};

static const struct fake_entry diabetes_e[] = {
	{KV_CODES_ICPC2, "T89", false, 0}, {KV_CODES_ICPC2, "T90", false, 0},
	{KV_CODES_ICD10, "E10", true, 0},  {KV_CODES_ICD10, "E11", true, 0},
	{KV_CODES_ICD10, "E13", true, 0},  {KV_CODES_ICD10, "E14", true, 0},
};
static const struct fake_entry mmol_e[] = {{KV_CODES_ANALYSIS, "NPU27300", false, 0}};
static const struct fake_entry percent_e[] = {{KV_CODES_ANALYSIS, "NPU03835", false, 0}};
static const struct fake_entry uacr_e[] = {{KV_CODES_ANALYSIS, "NOR15260", false, 0}};
static const struct fake_entry form_e[] = {{KV_CODES_FORM, "noklus_diabetes", false, 0}};
static const struct fake_entry statin_e[] = {
	{KV_CODES_ATC, "C10AA", true, 0}, {KV_CODES_ATC, "C10BA", true, 0},
	{KV_CODES_ATC, "C10BX", true, 0}};
static const struct fake_entry lmg_fee_e[] = {{KV_CODES_FEE, "2LD", false, 0}};
static struct fake_entry noklus_fee_e[] = {
	{KV_CODES_FEE, "105", false, 0}, {KV_CODES_FEE, "100", false, 0},
	{KV_CODES_FEE, "109", false, 1}, {KV_CODES_FEE, "109A", false, 1},
	{KV_CODES_FEE, "109B", false, 1}}; /* `to` set in main: 2022-06-30 */

#define SET(name, e) {name, e, sizeof e / sizeof e[0]}
static const struct kv_value_set all_sets[] = {
	SET("DIABETES", diabetes_e), SET("HBA1C_MMOL", mmol_e),
	SET("HBA1C_PERCENT", percent_e), SET("UACR", uacr_e),
	SET("NOKLUS_FORM", form_e),   SET("NOKLUS_FORM_FEE", noklus_fee_e),
	SET("STATIN", statin_e),      SET("LMG_FEE", lmg_fee_e),
};

/* ---- the fake host --------------------------------------------------------- */

struct kv_ctx {
	const struct kv_plugin_header *plugin;
	const char *overrides[8][2]; /* key, value */
	const char *missing_set;     /* value_set() of this name returns NULL */
	int note_pattern;            /* what note_pattern("LMG_NOTE") returns */
	int warnings, errors;
	char error[512];
};

static void fake_log(struct kv_ctx *ctx, enum kv_log_level level, const char *fmt, ...)
{
	if (level == KV_LOG_WARNING)
		ctx->warnings++;
	if (level == KV_LOG_ERROR)
		ctx->errors++;
	(void)fmt;
}

static void fake_set_error(struct kv_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ctx->error, sizeof ctx->error, fmt, ap);
	va_end(ap);
}

static const char *fake_config_string(struct kv_ctx *ctx, const char *key)
{
	for (size_t i = 0; i < 8 && ctx->overrides[i][0] != NULL; i++)
		if (strcmp(ctx->overrides[i][0], key) == 0)
			return ctx->overrides[i][1];
	for (size_t i = 0; i < ctx->plugin->n_config_keys; i++)
		if (strcmp(ctx->plugin->config_keys[i].key, key) == 0)
			return ctx->plugin->config_keys[i].default_value;
	ctx->errors++; /* an undeclared key */
	return NULL;
}

static int64_t fake_config_int(struct kv_ctx *ctx, const char *key)
{
	const char *v = fake_config_string(ctx, key);
	return v ? strtoll(v, NULL, 10) : 0;
}

static bool fake_config_bool(struct kv_ctx *ctx, const char *key)
{
	const char *v = fake_config_string(ctx, key);
	return v != NULL && strcmp(v, "true") == 0;
}

static void fake_count(struct kv_ctx *ctx, const char *table, uint64_t n)
{
	(void)ctx, (void)table, (void)n;
}

static void fake_count_bad(struct kv_ctx *ctx, const char *table, const char *reason,
			   uint64_t n)
{
	(void)ctx, (void)table, (void)reason, (void)n;
}

static const struct kv_value_set *fake_value_set(struct kv_ctx *ctx, const char *name)
{
	if (ctx->missing_set != NULL && strcmp(ctx->missing_set, name) == 0) {
		ctx->errors++;
		return NULL;
	}
	for (size_t i = 0; i < sizeof all_sets / sizeof all_sets[0]; i++)
		if (strcmp(all_sets[i].name, name) == 0)
			return &all_sets[i];
	ctx->errors++;
	return NULL;
}

static bool fake_in_value_set(const struct kv_value_set *set, enum kv_code_kind kind,
			      const char *code, kv_date date)
{
	if (set == NULL || code == NULL || *code == '\0')
		return false;
	for (size_t i = 0; i < set->n; i++) {
		const struct fake_entry *e = &set->entries[i];
		if (e->kind != kind || (e->to != 0 && date > e->to))
			continue;
		if (e->prefix ? strncmp(code, e->code, strlen(e->code)) == 0
			      : strcmp(code, e->code) == 0)
			return true;
	}
	return false;
}

static int fake_note_pattern(struct kv_ctx *ctx, const char *name)
{
	return strcmp(name, "LMG_NOTE") == 0 ? ctx->note_pattern : -1;
}

static const struct kv_host host = {
	.abi_major = KV_ABI_MAJOR,
	.abi_minor = KV_ABI_MINOR,
	.struct_size = sizeof(struct kv_host),
	.log = fake_log,
	.set_error = fake_set_error,
	.config_string = fake_config_string,
	.config_int = fake_config_int,
	.config_bool = fake_config_bool,
	.count_rows = fake_count,
	.count_bad_rows = fake_count_bad,
	.value_set = fake_value_set,
	.in_value_set = fake_in_value_set,
	.note_pattern = fake_note_pattern,
};

/* ---- loading and running ----------------------------------------------------- */

static void *dm_handle, *lmg_handle;
static const struct kv_indicator_plugin *dm, *lmg;

static const struct kv_indicator_plugin *load(const char *name, void **handle)
{
	const char *dir = getenv("KV_BUILD_DIR");
	char path[4096];
	snprintf(path, sizeof path, "%s/indicators/%s.so", dir ? dir : "build", name);
	*handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (*handle == NULL) {
		fprintf(stderr, "check_plugins: %s\n", dlerror());
		exit(2);
	}
	const struct kv_indicator_plugin *p = dlsym(*handle, "kv_indicator_plugin");
	if (p == NULL) {
		fprintf(stderr, "check_plugins: %s has no descriptor\n", path);
		exit(2);
	}
	return p;
}

static kv_date D(int y, int m, int d)
{
	return kv_date_from_ymd(y, m, d);
}

/* One run: months first .. first + n - 1. */
struct run {
	const struct kv_indicator_plugin *plugin;
	struct kv_ctx ctx;
	kv_date refs[128];
	const char *note_names[2];
	struct kv_run run;
	void *state;
	struct kv_result_block out;
	uint8_t flags[16 * 128];
	double values[16 * 128];
};

static void run_setup(struct run *r, const struct kv_indicator_plugin *p, int y, int m,
		      size_t n)
{
	memset(r, 0, sizeof *r);
	r->plugin = p;
	r->ctx.plugin = (const struct kv_plugin_header *)p;
	r->ctx.note_pattern = 0;
	kv_month first = y * 12 + (m - 1);
	for (size_t i = 0; i < n; i++)
		r->refs[i] = kv_month_last_day(first + (kv_month)i);
	r->note_names[0] = "LMG_NOTE";
	r->note_names[1] = "OTHER_NOTE";
	r->run = (struct kv_run){.first_month = first,
				 .n_months = n,
				 .reference_dates = r->refs,
				 .provides = 0x1fffu,
				 .note_patterns = r->note_names,
				 .n_note_patterns = 2,
				 .catalogue_version = "1",
				 .value_set_version = "test"};
	r->out = (struct kv_result_block){.n_indicators = p->n_indicators,
					  .n_months = n,
					  .flags = r->flags,
					  .values = r->values};
}

static int run_init(struct run *r)
{
	return r->plugin->init(&host, &r->ctx, &r->run, &r->state);
}

static void run_compute(struct run *r, const struct kv_patient *p)
{
	memset(r->flags, 0, sizeof r->flags);
	ck_assert_int_eq(r->plugin->compute(r->state, p, &r->out), KV_OK);
}

static uint8_t flag(const struct run *r, size_t indicator, size_t month)
{
	return r->flags[indicator * r->out.n_months + month];
}

static size_t index_of(const struct kv_indicator_plugin *p, const char *id)
{
	for (size_t i = 0; i < p->n_indicators; i++)
		if (strcmp(p->indicators[i].id, id) == 0)
			return i;
	ck_abort_msg("no indicator %s", id);
	return 0;
}

/* N(umerator), D(enominator) or - (neither) of one indicator and month. */
static char nd(const struct run *r, const char *id, size_t month)
{
	uint8_t f = flag(r, index_of(r->plugin, id), month);
	return (f & KV_IN_NUMERATOR) ? 'N' : (f & KV_IN_DENOMINATOR) ? 'D' : '-';
}

/* ---- patients ---------------------------------------------------------------- */

static const struct kv_list_period listed_always[] = {{0, KV_DATE_OPEN}};
static const struct kv_diagnosis t90[] = {{0, -1, KV_CODE_ICPC2, "T90"}};

static struct kv_patient diabetic(void)
{
	return (struct kv_patient){.birth = D(1950, 1, 1), .death = KV_DATE_OPEN, .sex = KV_SEX_FEMALE,
				   .periods = listed_always, .n_periods = 1,
				   .diagnoses = t90, .n_diagnoses = 1};
}

/* ---- diabetes ---------------------------------------------------------------- */

START_TEST(dm_descriptor)
{
	ck_assert_str_eq(dm->name, "diabetes");
	ck_assert_uint_eq(dm->n_indicators, 13);
	for (size_t i = 0; i < dm->n_indicators; i++) {
		ck_assert_uint_eq(dm->indicators[i].version, 1);
		ck_assert_uint_eq(dm->indicators[i].type, KV_INDICATOR_PROPORTION);
		ck_assert(dm->indicators[i].requires & KV_PROVIDES_LIST_PERIODS);
		ck_assert(dm->indicators[i].requires & KV_PROVIDES_DIAGNOSES);
	}
	ck_assert_uint_eq(dm->indicators[index_of(dm, "DM_HBA1C_LT52")].requires &
			      KV_PROVIDES_LABS,
			  KV_PROVIDES_LABS);
	ck_assert_uint_eq(dm->indicators[index_of(dm, "DM_PREVALENCE")].requires &
			      KV_PROVIDES_LABS,
			  0);
}
END_TEST

START_TEST(dm_missing_value_set)
{
	static const char *const names[] = {"DIABETES", "HBA1C_MMOL", "HBA1C_PERCENT", "UACR",
					    "NOKLUS_FORM_FEE", "NOKLUS_FORM", "STATIN"};
	struct run r;
	run_setup(&r, dm, 2020, 1, 12);
	r.ctx.missing_set = names[_i];
	r.state = &r; /* must be reset */
	ck_assert_int_eq(run_init(&r), KV_ERROR);
	ck_assert_ptr_null(r.state);
	ck_assert_ptr_nonnull(strstr(r.ctx.error, names[_i]));
}
END_TEST

START_TEST(dm_inconsistent_thresholds)
{
	static const char *const bad[][2] = {{"hba1c_low", "71"},
					     {"bp_good_systolic", "150"},
					     {"bp_high_diastolic", "85"}};
	struct run r;
	run_setup(&r, dm, 2020, 1, 12);
	r.ctx.overrides[0][0] = bad[_i][0];
	r.ctx.overrides[0][1] = bad[_i][1];
	ck_assert_int_eq(run_init(&r), KV_ERROR);
	ck_assert_ptr_null(r.state);
	ck_assert_str_ne(r.ctx.error, "");
}
END_TEST

START_TEST(dm_wrong_block)
{
	struct run r;
	run_setup(&r, dm, 2020, 1, 12);
	ck_assert_int_eq(run_init(&r), KV_OK);
	r.out.n_months = 11;
	struct kv_patient p = diabetic();
	ck_assert_int_eq(dm->compute(r.state, &p, &r.out), KV_ERROR);
	ck_assert_str_ne(r.ctx.error, "");
	dm->fini(r.state);
}
END_TEST

/* Thresholds come from the configuration: hba1c_low 53 moves 52 down. */
START_TEST(dm_thresholds_from_config)
{
	const struct kv_lab_result labs[] = {{D(2020, 3, 1), true, 52.0, "NPU27300"}};
	const struct kv_blood_pressure bps[] = {{D(2020, 3, 1), 135, 80}};
	struct kv_patient p = diabetic();
	p.labs = labs, p.n_labs = 1, p.bps = bps, p.n_bps = 1;

	struct run r;
	run_setup(&r, dm, 2020, 3, 1);
	ck_assert_int_eq(run_init(&r), KV_OK);
	run_compute(&r, &p);
	ck_assert_int_eq(nd(&r, "DM_HBA1C_52_70", 0), 'N');
	ck_assert_int_eq(nd(&r, "DM_BP_LE140_85", 0), 'N');
	dm->fini(r.state);

	run_setup(&r, dm, 2020, 3, 1);
	r.ctx.overrides[0][0] = "hba1c_low", r.ctx.overrides[0][1] = "53";
	r.ctx.overrides[1][0] = "bp_good_systolic", r.ctx.overrides[1][1] = "130";
	ck_assert_int_eq(run_init(&r), KV_OK);
	run_compute(&r, &p);
	ck_assert_int_eq(nd(&r, "DM_HBA1C_LT52", 0), 'N');
	ck_assert_int_eq(nd(&r, "DM_HBA1C_52_70", 0), 'D');
	ck_assert_int_eq(nd(&r, "DM_BP_141_149", 0), 'N');
	ck_assert_int_eq(r.ctx.errors, 0);
	dm->fini(r.state);
}
END_TEST

/* Events out of date order (against the contract) give the same answer. */
START_TEST(dm_unsorted_input)
{
	const struct kv_lab_result labs[] = {
		{D(2020, 6, 1), true, 45.0, "NPU27300"},
		{D(2020, 1, 1), true, 80.0, "NPU27300"},
		{D(2020, 6, 1), true, 8.0, "NPU03835"}, /* 63.94, the day's highest */
	};
	const struct kv_blood_pressure bps[] = {
		{D(2020, 6, 1), 120, 70}, {D(2020, 1, 1), 160, 95}, {D(2020, 6, 1), 120, 95}};
	struct kv_patient p = diabetic();
	p.labs = labs, p.n_labs = 3, p.bps = bps, p.n_bps = 3;
	struct run r;
	run_setup(&r, dm, 2020, 1, 7); /* 2020-01 .. 2020-07 */
	ck_assert_int_eq(run_init(&r), KV_OK);
	run_compute(&r, &p);
	ck_assert_int_eq(nd(&r, "DM_HBA1C_GT70", 4), 'N');  /* 2020-05: the 80 */
	ck_assert_int_eq(nd(&r, "DM_HBA1C_52_70", 5), 'N'); /* 2020-06: 63.94 */
	ck_assert_int_eq(nd(&r, "DM_BP_GE150_90", 5), 'N'); /* 120/95 beats 120/70 */
	dm->fini(r.state);
}
END_TEST

/* ---- medication review ------------------------------------------------------- */

static const struct kv_medication four_drugs[] = {
	{0, KV_DATE_OPEN, KV_USE_REGULAR, "C09AA05"}, {0, KV_DATE_OPEN, KV_USE_REGULAR, "C10AA05"},
	{0, KV_DATE_OPEN, KV_USE_REGULAR, "A10BA02"}, {0, KV_DATE_OPEN, KV_USE_REGULAR, ""},
};

START_TEST(lmg_descriptor)
{
	ck_assert_str_eq(lmg->name, "medication_review");
	ck_assert_uint_eq(lmg->n_indicators, 1);
	ck_assert_str_eq(lmg->indicators[0].id, "LMG_4PLUS");
	ck_assert_uint_eq(lmg->indicators[0].requires & KV_PROVIDES_NOTE_MATCHES, 0);
}
END_TEST

START_TEST(lmg_missing_fee_set)
{
	struct run r;
	run_setup(&r, lmg, 2020, 1, 12);
	r.ctx.missing_set = "LMG_FEE";
	ck_assert_int_eq(run_init(&r), KV_ERROR);
	ck_assert_ptr_null(r.state);
	ck_assert_ptr_nonnull(strstr(r.ctx.error, "LMG_FEE"));
}
END_TEST

/* Notes count only for the LMG_NOTE rule's index, and only when the
 * connector matched notes; otherwise one warning and fees only. */
START_TEST(lmg_notes)
{
	const struct kv_note_match notes[] = {{D(2020, 2, 10), 1}};
	const struct kv_fee fees[] = {{D(2020, 3, 10), 0, "2LD"}};
	struct kv_patient p = {.death = KV_DATE_OPEN, .sex = KV_SEX_MALE,
			       .periods = listed_always, .n_periods = 1,
			       .medications = four_drugs, .n_medications = 4,
			       .notes = notes, .n_notes = 1, .fees = fees, .n_fees = 1};
	/* _i: 0 pattern 1 matches; 1 the rule is another index; 2 no rule;
	 * 3 the connector does not provide note matches. */
	struct run r;
	run_setup(&r, lmg, 2020, 2, 1);
	r.ctx.note_pattern = _i == 0 ? 1 : _i == 1 ? 0 : _i == 2 ? -1 : 1;
	if (_i == 3)
		r.run.provides &= ~(uint32_t)KV_PROVIDES_NOTE_MATCHES;
	ck_assert_int_eq(run_init(&r), KV_OK);
	ck_assert_int_eq(r.ctx.warnings, _i >= 2 ? 1 : 0);
	run_compute(&r, &p);
	run_compute(&r, &p);
	ck_assert_int_eq(r.ctx.warnings, _i >= 2 ? 1 : 0); /* once per run */
	ck_assert_int_eq(nd(&r, "LMG_4PLUS", 0), _i == 0 ? 'N' : 'D');
	lmg->fini(r.state);
}
END_TEST

START_TEST(lmg_min_drugs_from_config)
{
	struct kv_patient p = {.death = KV_DATE_OPEN, .sex = KV_SEX_MALE,
			       .periods = listed_always, .n_periods = 1,
			       .medications = four_drugs, .n_medications = 4};
	struct run r;
	run_setup(&r, lmg, 2020, 2, 1);
	r.ctx.overrides[0][0] = "min_regular_drugs", r.ctx.overrides[0][1] = "5";
	ck_assert_int_eq(run_init(&r), KV_OK);
	run_compute(&r, &p);
	ck_assert_int_eq(nd(&r, "LMG_4PLUS", 0), '-');
	lmg->fini(r.state);
}
END_TEST

/* ---- generated populations: invariants and speed --------------------------- */

static uint64_t rng_state = 88172645463325252ull;
static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

#define GEN_MAX 40
struct gen_patient {
	struct kv_patient p;
	struct kv_list_period periods[2];
	struct kv_diagnosis dx[4];
	struct kv_fee fees[GEN_MAX];
	struct kv_medication meds[12];
	struct kv_prescription rx[GEN_MAX];
	struct kv_lab_result labs[GEN_MAX];
	struct kv_blood_pressure bps[GEN_MAX];
	struct kv_form forms[4];
	struct kv_note_match notes[8];
};

static const char *const fee_codes[] = {"2AD", "105", "109", "2LD", "100"};
static const char *const atcs[] = {"C10AA05", "C09AA05", "A10BA02", "B01AC06", "", "C10BX03"};
static const char *const labs_codes[] = {"NPU27300", "NPU03835", "NOR15260", "NPU01568"};

/* A random patient over 2012 .. 2023, events sorted by date. */
static void generate(struct gen_patient *g)
{
	memset(g, 0, sizeof *g);
	kv_date base = D(2012, 1, 1), span = D(2023, 12, 31) - base;
	struct kv_patient *p = &g->p;
	p->birth = D(1940, 1, 1);
	p->death = rnd(10) == 0 ? base + (kv_date)rnd((uint32_t)span) : KV_DATE_OPEN;
	p->sex = KV_SEX_FEMALE;
	kv_date from = base + (kv_date)rnd((uint32_t)span / 2);
	g->periods[0] = (struct kv_list_period){from, rnd(3) ? KV_DATE_OPEN : from + (kv_date)rnd(2000)};
	p->periods = g->periods, p->n_periods = 1;
	size_t n = rnd(4) == 0 ? 1 : 0;
	for (size_t i = 0; i < n; i++)
		g->dx[i] = (struct kv_diagnosis){base + (kv_date)rnd((uint32_t)span), -1, KV_CODE_ICPC2, "T90"};
	p->diagnoses = g->dx, p->n_diagnoses = n;
	kv_date d = base;
#define EVENTS(arr, count, make)                                                   \
	do {                                                                       \
		size_t k_ = rnd(count);                                            \
		d = base;                                                          \
		for (size_t i = 0; i < k_; i++) {                                  \
			d += (kv_date)rnd((uint32_t)span / (uint32_t)(k_ + 1));    \
			make;                                                      \
		}                                                                  \
	} while (0)
	EVENTS(g->fees, 12, (g->fees[i] = (struct kv_fee){d, 0, ""},
			     strcpy(g->fees[i].code, fee_codes[rnd(5)]), p->n_fees = i + 1));
	EVENTS(g->labs, GEN_MAX, (g->labs[i] = (struct kv_lab_result){d, rnd(8) != 0, 4.0 + rnd(900) / 10.0, ""},
				  strcpy(g->labs[i].code, labs_codes[rnd(4)]), p->n_labs = i + 1));
	EVENTS(g->bps, GEN_MAX, (g->bps[i] = (struct kv_blood_pressure){d, (int16_t)(110 + rnd(60)), (int16_t)(60 + rnd(40))},
				 p->n_bps = i + 1));
	EVENTS(g->rx, 20, (g->rx[i] = (struct kv_prescription){d, 0, false, 0, ""},
			   strcpy(g->rx[i].atc, atcs[rnd(6)]), p->n_prescriptions = i + 1));
	EVENTS(g->forms, 4, (g->forms[i] = (struct kv_form){d, "noklus_diabetes"}, p->n_forms = i + 1));
	EVENTS(g->notes, 8, (g->notes[i] = (struct kv_note_match){d, (uint16_t)rnd(2)}, p->n_notes = i + 1));
	EVENTS(g->meds, 12, (g->meds[i] = (struct kv_medication){d, rnd(2) ? KV_DATE_OPEN : d + (kv_date)rnd(900),
								(uint8_t)(1 + rnd(3)), ""},
			     strcpy(g->meds[i].atc, atcs[rnd(6)]), p->n_medications = i + 1));
#undef EVENTS
	p->fees = g->fees, p->labs = g->labs, p->bps = g->bps, p->prescriptions = g->rx;
	p->forms = g->forms, p->notes = g->notes, p->medications = g->meds;
}

/* N within D; at most one HbA1c band, and only when measured; exactly one
 * BP band iff measured; every DM_* but prevalence in D iff prevalence in N.
 * Returns the first violated rule, NULL when all hold (ck_assert per flag
 * would be too slow in fork mode). */
static const char *dm_invariant_broken(const struct run *r)
{
	const size_t n = r->out.n_months;
	const size_t lt = index_of(dm, "DM_HBA1C_LT52"), mid = index_of(dm, "DM_HBA1C_52_70"),
		     gt = index_of(dm, "DM_HBA1C_GT70"), meas = index_of(dm, "DM_HBA1C_MEASURED"),
		     le = index_of(dm, "DM_BP_LE140_85"), bmid = index_of(dm, "DM_BP_141_149"),
		     ge = index_of(dm, "DM_BP_GE150_90"), bp = index_of(dm, "DM_BP_MEASURED"),
		     alb = index_of(dm, "DM_ALBUMINURIA"), uacr = index_of(dm, "DM_UACR_MEASURED");
#define IN_N(i) ((flag(r, (i), m) & KV_IN_NUMERATOR) != 0)
	for (size_t m = 0; m < n; m++) {
		for (size_t i = 0; i < r->out.n_indicators; i++) {
			uint8_t f = flag(r, i, m);
			if ((f & KV_IN_NUMERATOR) && !(f & KV_IN_DENOMINATOR))
				return "numerator outside the denominator";
		}
		bool diabetic = IN_N(0);
		for (size_t i = 1; i < r->out.n_indicators; i++)
			if (((flag(r, i, m) & KV_IN_DENOMINATOR) != 0) != diabetic)
				return "denominator is not the diabetics";
		int bands = IN_N(lt) + IN_N(mid) + IN_N(gt);
		if (bands > 1 || (bands == 1 && !IN_N(meas)))
			return "HbA1c bands";
		if (IN_N(le) + IN_N(bmid) + IN_N(ge) != (int)IN_N(bp))
			return "blood pressure bands";
		if (IN_N(alb) && !IN_N(uacr))
			return "albuminuria without UACR";
	}
#undef IN_N
	return NULL;
}

START_TEST(dm_invariants)
{
	struct run r;
	run_setup(&r, dm, 2014, 12, 101);
	ck_assert_int_eq(run_init(&r), KV_OK);
	struct gen_patient *g = malloc(sizeof *g);
	ck_assert_ptr_nonnull(g);
	size_t numerators[16] = {0};
	for (int k = 0; k < 3000; k++) {
		generate(g);
		run_compute(&r, &g->p);
		const char *broken = dm_invariant_broken(&r);
		ck_assert_msg(broken == NULL, "patient %d: %s", k, broken);
		for (size_t i = 0; i < r.out.n_indicators; i++)
			for (size_t m = 0; m < r.out.n_months; m++)
				numerators[i] += (flag(&r, i, m) & KV_IN_NUMERATOR) != 0;
	}
	/* The generated data reach every numerator. */
	for (size_t i = 0; i < r.out.n_indicators; i++)
		ck_assert_msg(numerators[i] > 0, "%s never in N", dm->indicators[i].id);
	free(g);
	dm->fini(r.state);
}
END_TEST

/* One pass over many patients for 101 months (2014-12 .. 2023-04). */
START_TEST(speed)
{
	const char *env = getenv("KV_PERF_PATIENTS");
	long n = env ? strtol(env, NULL, 10) : 30000;
	struct run a, b;
	run_setup(&a, dm, 2014, 12, 101);
	run_setup(&b, lmg, 2014, 12, 101);
	ck_assert_int_eq(run_init(&a), KV_OK);
	ck_assert_int_eq(run_init(&b), KV_OK);
	struct gen_patient *g = malloc(sizeof *g);
	ck_assert_ptr_nonnull(g);
	double spent[2] = {0, 0};
	for (long k = 0; k < n; k++) {
		generate(g);
		struct run *runs[2] = {&a, &b};
		for (int j = 0; j < 2; j++) {
			memset(runs[j]->flags, 0, sizeof runs[j]->flags);
			struct timespec t0, t1;
			clock_gettime(CLOCK_MONOTONIC, &t0);
			ck_assert_int_eq(runs[j]->plugin->compute(runs[j]->state, &g->p, &runs[j]->out),
					 KV_OK);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			spent[j] += (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
		}
	}
	printf("speed: %ld patients x 101 months: diabetes %.3f s, medication_review %.3f s\n",
	       n, spent[0], spent[1]);
	free(g);
	dm->fini(a.state);
	lmg->fini(b.state);
}
END_TEST

static Suite *plugins_suite(void)
{
	Suite *s = suite_create("indicator plugins");
	TCase *tc = tcase_create("diabetes");
	tcase_add_test(tc, dm_descriptor);
	tcase_add_loop_test(tc, dm_missing_value_set, 0, 7);
	tcase_add_loop_test(tc, dm_inconsistent_thresholds, 0, 3);
	tcase_add_test(tc, dm_wrong_block);
	tcase_add_test(tc, dm_thresholds_from_config);
	tcase_add_test(tc, dm_unsorted_input);
	tcase_add_test(tc, dm_invariants);
	suite_add_tcase(s, tc);
	tc = tcase_create("medication_review");
	tcase_add_test(tc, lmg_descriptor);
	tcase_add_test(tc, lmg_missing_fee_set);
	tcase_add_loop_test(tc, lmg_notes, 0, 4);
	tcase_add_test(tc, lmg_min_drugs_from_config);
	suite_add_tcase(s, tc);
	tc = tcase_create("speed");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, speed);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	for (size_t i = 2; i < 5; i++)
		noklus_fee_e[i].to = D(2022, 6, 30);
	dm = load("diabetes", &dm_handle);
	lmg = load("medication_review", &lmg_handle);
	SRunner *sr = srunner_create(plugins_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	dlclose(dm_handle);
	dlclose(lmg_handle);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
