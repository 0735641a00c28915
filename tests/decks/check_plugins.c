/*
 * check_plugins.c - unit tests of the indicator plugins (all ten of
 * build/indicators/NAME.so), loaded with dlopen and driven through a fake host
 *
 * The test decks beside this file check the plugins end to end through the
 * core and the reference connector. This file checks what the decks cannot
 * reach: for every plugin, init failures (each value set it asks for
 * missing in turn, out-of-range or inconsistent settings it checks itself),
 * settings taken from configuration (a crafted patient under the default and
 * a changed value), invariants over a few thousand generated patients (N
 * within D, mean values >= 0, no state carried from one patient to the next),
 * the declared lookback_months (results unchanged when the events before it
 * are left out, under the defaults and changed windows), the list of
 * indicators (37 unique IDs, every definition complete) and the
 * speed of one pass: 30,000 patients x 101 months, printed, never asserted.
 * For diabetes and medication_review also the details tested below. The
 * decisive dates and values (ABI 2.1, tcase "decisive"): hand-worked cases
 * of every plugin, and over generated patients the same flags and values
 * with the arrays as without, none written outside the denominator.
 *
 * The fake host (tests/lib/fake_host.c) serves each plugin's declared
 * defaults unless a test sets a key, and the value sets of
 * conf/valuesets.txt (read from KV_SOURCE_DIR, KV_BUILD_DIR/.. or the
 * working directory).
 *
 * Build and run from the top directory, after `make`:
 *   make build/tests/check_plugins
 *   KV_BUILD_DIR=build build/tests/check_plugins
 * KV_PERF_PATIENTS sets the size of the speed test (default 30000).
 */
#include "kvalind/kv_plugin.h"

#include "ck_aim.h"
#include "fake_host.h"
#include <dlfcn.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- loading and running ----------------------------------------------------- */

static const struct kv_indicator_plugin *dm, *lmg;

/* Every indicator plugin, loaded once in main(). */
static const char *const plugin_names[] = {
	"addictive_drugs", "anxiety",           "chd",            "copd",          "depression",
	"diabetes",        "elderly",           "medication_review", "multimorbidity", "risk_patients",
};
#define N_PLUGINS (sizeof plugin_names / sizeof plugin_names[0])
static void *handles[N_PLUGINS];
static const struct kv_indicator_plugin *plugins[N_PLUGINS];

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
	void *state;       /* init's result, NULL when it failed */
	uint32_t lookback; /* init's lookback_months */
	struct kv_result_block out;
	uint8_t flags[16 * 128];
	double values[16 * 128];
	/* ABI 2.1: the decisive arrays, given to the plugin only after
	 * run_want_decisive() (as the core does for a run that lists patients) */
	kv_date decisive_dates[16 * 128];
	double decisive_values[16 * 128];
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
	r->run = (struct kv_run){.struct_size = sizeof(struct kv_run),
				 .first_month = first,
				 .n_months = n,
				 .reference_dates = r->refs,
				 .provides = 0x1fffu,
				 .note_patterns = r->note_names,
				 .n_note_patterns = 2,
				 .catalogue_version = "1",
				 .value_set_version = "test"};
	r->out = (struct kv_result_block){.struct_size = sizeof(struct kv_result_block),
					  .n_indicators = p->n_indicators,
					  .n_months = n,
					  .flags = r->flags,
					  .values = r->values};
}

/* Give the plugin the decisive arrays, as a run that lists patients does. */
static void run_want_decisive(struct run *r)
{
	r->out.decisive_dates = r->decisive_dates;
	r->out.decisive_values = r->decisive_values;
}

/* The context of a callback of r's plugin, as the core makes it. */
static struct kv_call run_call(struct run *r)
{
	return fake_host_call(&r->ctx, r->state);
}

/* The plugin's settings struct from its defaults and r->ctx.config, as
 * core/host.c fills it. */
static void run_fill_settings(struct run *r)
{
	fake_host_fill_settings(&r->ctx, (const struct kv_plugin_header *)r->plugin);
}

static int run_init(struct run *r)
{
	struct kv_init_result res = {.struct_size = sizeof res};
	r->state = NULL;
	run_fill_settings(r);
	struct kv_call call = run_call(r);
	int rc = r->plugin->init(&call, &r->run, &res);
	if (rc == KV_OK) {
		r->state = res.state;
		r->lookback = res.lookback_months;
	}
	return rc;
}

static int run_compute_rc(struct run *r, const struct kv_patient *p)
{
	struct kv_call call = run_call(r);
	return r->plugin->compute(&call, p, &r->out);
}

static void run_compute(struct run *r, const struct kv_patient *p)
{
	memset(r->flags, 0, sizeof r->flags);
	memset(r->values, 0, sizeof r->values);
	/* the core resets the decisive arrays before each call (kv_plugin.h) */
	for (size_t i = 0; r->out.decisive_dates != NULL && i < 16 * 128; i++) {
		r->decisive_dates[i] = KV_DATE_NONE;
		r->decisive_values[i] = NAN;
	}
	ck_assert_int_eq(run_compute_rc(r, p), KV_OK);
}

static void run_fini(struct run *r)
{
	struct kv_call call = run_call(r);
	r->plugin->fini(&call);
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
	r.ctx.config[0][0] = bad[_i][0];
	r.ctx.config[0][1] = bad[_i][1];
	ck_assert_int_eq(run_init(&r), KV_ERROR);
	ck_assert_ptr_null(r.state);
	ck_assert_str_ne(r.ctx.error, "");
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
	run_fini(&r);

	run_setup(&r, dm, 2020, 3, 1);
	r.ctx.config[0][0] = "hba1c_low", r.ctx.config[0][1] = "53";
	r.ctx.config[1][0] = "bp_good_systolic", r.ctx.config[1][1] = "130";
	ck_assert_int_eq(run_init(&r), KV_OK);
	run_compute(&r, &p);
	ck_assert_int_eq(nd(&r, "DM_HBA1C_LT52", 0), 'N');
	ck_assert_int_eq(nd(&r, "DM_HBA1C_52_70", 0), 'D');
	ck_assert_int_eq(nd(&r, "DM_BP_141_149", 0), 'N');
	ck_assert_int_eq(r.ctx.errors, 0);
	run_fini(&r);
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
	run_fini(&r);
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
	run_fini(&r);
}
END_TEST

START_TEST(lmg_min_drugs_from_config)
{
	struct kv_patient p = {.death = KV_DATE_OPEN, .sex = KV_SEX_MALE,
			       .periods = listed_always, .n_periods = 1,
			       .medications = four_drugs, .n_medications = 4};
	struct run r;
	run_setup(&r, lmg, 2020, 2, 1);
	r.ctx.config[0][0] = "min_regular_drugs", r.ctx.config[0][1] = "5";
	ck_assert_int_eq(run_init(&r), KV_OK);
	run_compute(&r, &p);
	ck_assert_int_eq(nd(&r, "LMG_4PLUS", 0), '-');
	run_fini(&r);
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
	struct kv_contact contacts[GEN_MAX];
	struct kv_diagnosis dx[2 * GEN_MAX];
	struct kv_fee fees[GEN_MAX];
	struct kv_medication meds[12];
	struct kv_prescription rx[GEN_MAX];
	struct kv_lab_result labs[GEN_MAX];
	struct kv_blood_pressure bps[GEN_MAX];
	struct kv_form forms[4];
	struct kv_note_match notes[8];
};

static const char *const fee_codes[] = {"2AD", "105", "109", "2LD", "100", "2PA", "2PB", "109A", "999"};
static const char *const atcs[] = {"C10AA05", "C09AA05", "A10BA02", "B01AC06", "",        "C10BX03",
				   "C07AB02", "N06AB04", "N05BA01", "N05CD02", "N05CF01", "N05AN01",
				   "N05AH03", "N02AA01", "H02AB06", "H02AB07", "M01AE01", "N06AA09",
				   "R06AB04", "ZZ99ZZ9"};
#define N_ATCS (sizeof atcs / sizeof atcs[0])
static const char *const labs_codes[] = {"NPU27300", "NPU03835", "NOR15260", "NPU01568",
					 "NPU03577", "NOR05172", "NPU18016"};
/* Diagnoses of every set, and some outside every set. */
static const struct {
	uint8_t system;
	const char *code;
} dx_codes[] = {
	{KV_CODE_ICPC2, "T90"}, {KV_CODE_ICPC2, "T89"}, {KV_CODE_ICPC2, "R95"}, {KV_CODE_ICPC2, "R96"},
	{KV_CODE_ICPC2, "K74"}, {KV_CODE_ICPC2, "K76"}, {KV_CODE_ICPC2, "K77"}, {KV_CODE_ICPC2, "K78"},
	{KV_CODE_ICPC2, "K86"}, {KV_CODE_ICPC2, "K90"}, {KV_CODE_ICPC2, "P70"}, {KV_CODE_ICPC2, "P74"},
	{KV_CODE_ICPC2, "P76"}, {KV_CODE_ICPC2, "L90"}, {KV_CODE_ICPC2, "L95"}, {KV_CODE_ICPC2, "R84"},
	{KV_CODE_ICPC2, "N87"}, {KV_CODE_ICPC2, "N88"}, {KV_CODE_ICPC2, "A04"}, {KV_CODE_ICPC2, "E11"},
	{KV_CODE_ICD10, "E119"}, {KV_CODE_ICD10, "J44"}, {KV_CODE_ICD10, "J440"}, {KV_CODE_ICD10, "J441"},
	{KV_CODE_ICD10, "J45"}, {KV_CODE_ICD10, "I219"}, {KV_CODE_ICD10, "I48"}, {KV_CODE_ICD10, "I50"},
	{KV_CODE_ICD10, "I10"}, {KV_CODE_ICD10, "N184"}, {KV_CODE_ICD10, "G30"}, {KV_CODE_ICD10, "F32"},
	{KV_CODE_ICD10, "F410"}, {KV_CODE_ICD10, "M16"}, {KV_CODE_ICD10, "M81"}, {KV_CODE_ICD10, "C18"},
	{KV_CODE_ICD10, "G20"}, {KV_CODE_ICD10, "G40"}, {KV_CODE_ICD10, "Z00"}, {KV_CODE_ICD10, "T90"},
};
#define N_DX (sizeof dx_codes / sizeof dx_codes[0])

/* A random patient over 2012 .. 2023, every array sorted by date (same-day
 * events included); empty arrays, patients never listed, deaths, codes
 * outside every value set. */
static void generate(struct gen_patient *g)
{
	memset(g, 0, sizeof *g);
	kv_date base = D(2012, 1, 1), span = D(2023, 12, 31) - base;
	struct kv_patient *p = &g->p;
	p->birth = D(1920, 1, 1) + (kv_date)rnd(90 * 365);
	p->death = rnd(10) == 0 ? base + (kv_date)rnd((uint32_t)span) : KV_DATE_OPEN;
	p->sex = (uint8_t)(1 + rnd(3));
	kv_date from = base + (kv_date)rnd((uint32_t)span / 2);
	g->periods[0] = (struct kv_list_period){from, rnd(3) ? KV_DATE_OPEN : from + (kv_date)rnd(2000)};
	p->periods = g->periods, p->n_periods = rnd(12) == 0 ? 0 : 1;
	if (p->n_periods == 1 && g->periods[0].to != KV_DATE_OPEN && rnd(2) == 0) {
		g->periods[1] = (struct kv_list_period){g->periods[0].to + (kv_date)rnd(400),
							KV_DATE_OPEN};
		p->n_periods = 2;
	}
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
	EVENTS(g->contacts, GEN_MAX, (g->contacts[i] = (struct kv_contact){d, (uint8_t)(1 + rnd(8)),
									    (uint8_t)rnd(6)},
				      p->n_contacts = i + 1));
	/* Diagnoses and fees on contact days (linked, or a diagnosis unlinked),
	 * most of a patient's diagnoses of one "main" condition. */
	size_t main_dx = rnd(N_DX), other_dx = rnd(N_DX);
	for (size_t c = 0; c < p->n_contacts; c++) {
		for (uint32_t k = rnd(3); k > 0 && p->n_diagnoses < 2 * GEN_MAX; k--) {
			uint32_t pick = rnd(8);
			size_t x = pick < 5 ? main_dx : pick < 7 ? other_dx : rnd(N_DX);
			struct kv_diagnosis *dx = &g->dx[p->n_diagnoses++];
			*dx = (struct kv_diagnosis){g->contacts[c].date, rnd(4) ? (int32_t)c : -1,
						    dx_codes[x].system, ""};
			strcpy(dx->code, dx_codes[x].code);
		}
		if (rnd(3) == 0) {
			struct kv_fee *fee = &g->fees[p->n_fees++];
			*fee = (struct kv_fee){g->contacts[c].date, (int32_t)c, ""};
			strcpy(fee->code, fee_codes[rnd(sizeof fee_codes / sizeof fee_codes[0])]);
		}
	}
	EVENTS(g->labs, GEN_MAX, (g->labs[i] = (struct kv_lab_result){d, rnd(8) != 0, 4.0 + rnd(900) / 10.0, ""},
				  strcpy(g->labs[i].code, labs_codes[rnd(7)]), p->n_labs = i + 1));
	EVENTS(g->bps, GEN_MAX, (g->bps[i] = (struct kv_blood_pressure){d, (int16_t)(110 + rnd(60)), (int16_t)(60 + rnd(40))},
				 p->n_bps = i + 1));
	EVENTS(g->rx, GEN_MAX, (g->rx[i] = (struct kv_prescription){d, (uint8_t)rnd(5), rnd(4) != 0,
								   rnd(600) / 10.0, ""},
				strcpy(g->rx[i].atc, atcs[rnd(N_ATCS)]), p->n_prescriptions = i + 1));
	EVENTS(g->forms, 4, (g->forms[i] = (struct kv_form){d, "noklus_diabetes"}, p->n_forms = i + 1));
	EVENTS(g->notes, 8, (g->notes[i] = (struct kv_note_match){d, (uint16_t)rnd(2)}, p->n_notes = i + 1));
	EVENTS(g->meds, 12, (g->meds[i] = (struct kv_medication){d, rnd(2) ? KV_DATE_OPEN : d + (kv_date)rnd(900),
								(uint8_t)(1 + rnd(3)), ""},
			     strcpy(g->meds[i].atc, atcs[rnd(N_ATCS)]), p->n_medications = i + 1));
#undef EVENTS
	p->contacts = g->contacts, p->diagnoses = g->dx;
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
	run_fini(&r);
}
END_TEST

/* ---- every plugin ----------------------------------------------------------- */

/* The list: 37 unique IDs across all plugins (indicators.md, precise rule 15),
 * every definition complete. */
START_TEST(all_descriptors)
{
	const char *ids[64];
	size_t n = 0;
	for (size_t k = 0; k < N_PLUGINS; k++) {
		const struct kv_indicator_plugin *p = plugins[k];
		ck_assert_str_eq(p->name, plugin_names[k]);
		ck_assert_uint_eq(p->abi_major, KV_ABI_MAJOR);
		ck_assert_uint_eq(p->kind, KV_PLUGIN_INDICATOR);
		ck_assert_uint_eq(p->indicator_def_size, sizeof(struct kv_indicator_def));
		ck_assert_uint_gt(p->n_indicators, 0);
		ck_assert_uint_le(p->n_indicators, 16); /* struct run's flags */
		ck_assert(p->init != NULL && p->compute != NULL && p->fini != NULL);
		for (size_t i = 0; i < p->n_indicators; i++) {
			const struct kv_indicator_def *d = &p->indicators[i];
			ck_assert_msg(d->id != NULL && *d->id != '\0', "%s: indicator %zu has no id",
				      p->name, i);
			ck_assert_msg(d->title != NULL && *d->title != '\0', "%s: no title", d->id);
			ck_assert_msg(d->title_nb != NULL && *d->title_nb != '\0', "%s: no title_nb",
				      d->id);
			ck_assert_msg(d->numerator != NULL && *d->numerator != '\0', "%s: no numerator",
				      d->id);
			ck_assert_msg(d->denominator != NULL && *d->denominator != '\0',
				      "%s: no denominator", d->id);
			ck_assert_msg(d->direction >= -1 && d->direction <= 1, "%s: direction %d",
				      d->id, (int)d->direction);
			ck_assert_msg(d->type == KV_INDICATOR_PROPORTION || d->type == KV_INDICATOR_MEAN,
				      "%s: type %u", d->id, (unsigned)d->type);
			ck_assert_uint_ge(d->version, 1);
			for (size_t j = 0; j < n; j++)
				ck_assert_msg(strcmp(ids[j], d->id) != 0, "%s appears twice", d->id);
			ck_assert_uint_lt(n, 64);
			ids[n++] = d->id;
		}
	}
	ck_assert_uint_eq(n, 37);
}
END_TEST

/* Each value set a plugin asks for, dropped in turn, fails init with a
 * message naming it. The sets are those a successful init asks for. */
START_TEST(all_missing_value_set)
{
	const struct kv_indicator_plugin *p = plugins[_i];
	struct run r;
	run_setup(&r, p, 2020, 1, 12);
	ck_assert_int_eq(run_init(&r), KV_OK);
	ck_assert_int_eq(r.ctx.errors, 0);
	run_fini(&r);
	const char *asked[32];
	size_t n = r.ctx.n_asked;
	memcpy(asked, r.ctx.asked, sizeof asked);
	if (strcmp(p->name, "elderly") != 0) /* the one plugin without codes */
		ck_assert_msg(n > 0, "%s asks for no value set", p->name);
	for (size_t k = 0; k < n; k++) {
		run_setup(&r, p, 2020, 1, 12);
		r.ctx.missing_set = asked[k];
		r.state = &r; /* must be reset */
		ck_assert_msg(run_init(&r) == KV_ERROR, "%s: init without %s succeeds", p->name,
			      asked[k]);
		ck_assert_ptr_null(r.state);
		ck_assert_msg(strstr(r.ctx.error, asked[k]) != NULL, "%s without %s: \"%s\"",
			      p->name, asked[k], r.ctx.error);
	}
}
END_TEST

/* Out-of-range or inconsistent configuration that a plugin checks itself
 * (depression, copd and medication_review rely on the core's range checks). */
static const struct {
	const char *plugin, *key, *value, *key2, *value2;
} bad_configs[] = {
	{"addictive_drugs", "window_months", "0", NULL, NULL},
	{"anxiety", "ad_start_latest_month", "24", NULL, NULL},     /* > earliest 23 */
	{"anxiety", "ad_control_from_months", "13", NULL, NULL},    /* > to 12 */
	{"anxiety", "ad_start_latest_month", "11", NULL, NULL},     /* < control_to 12 */
	{"anxiety", "ad_control_to_months", "18", "ad_control_from_months", "6"},
	{"chd", "window_months", "0", NULL, NULL},
	{"diabetes", "hba1c_low", "71", NULL, NULL},
	{"diabetes", "bp_good_systolic", "150", NULL, NULL},
	{"elderly", "window_months", "0", NULL, NULL},
	{"elderly", "window_months", "-3", NULL, NULL},
	{"anxiety", "followup_days", "27", NULL, NULL},              /* < somatic_workup_days 28 */
	{"anxiety", "cbt_days", "41", NULL, NULL},                   /* < followup_days 42 */
	{"anxiety", "somatic_workup_days", "43", NULL, NULL},        /* > followup_days 42 */
	{"multimorbidity", "comorbid_categories", "1", NULL, NULL},
	{"multimorbidity", "comorbid_categories", "5", NULL, NULL},  /* > many_categories 4 */
	{"multimorbidity", "many_categories", "0", NULL, NULL},
	{"multimorbidity", "many_categories", "1", NULL, NULL},      /* < comorbid_categories 2 */
	{"multimorbidity", "window_months", "0", NULL, NULL},
	{"risk_patients", "window_months", "0", NULL, NULL},
	{"risk_patients", "window_months", "601", NULL, NULL},
	{"risk_patients", "followup_windows", "0", NULL, NULL},
	{"risk_patients", "followup_windows", "101", NULL, NULL},
	{"risk_patients", "min_contact_days", "0", NULL, NULL},
};
#define N_BAD_CONFIGS (sizeof bad_configs / sizeof bad_configs[0])

static const struct kv_indicator_plugin *plugin_named(const char *name)
{
	for (size_t k = 0; k < N_PLUGINS; k++)
		if (strcmp(plugin_names[k], name) == 0)
			return plugins[k];
	ck_abort_msg("no plugin %s", name);
	return NULL;
}

START_TEST(all_bad_config)
{
	const struct kv_indicator_plugin *p = plugin_named(bad_configs[_i].plugin);
	struct run r;
	run_setup(&r, p, 2020, 1, 12);
	r.ctx.config[0][0] = bad_configs[_i].key;
	r.ctx.config[0][1] = bad_configs[_i].value;
	r.ctx.config[1][0] = bad_configs[_i].key2;
	r.ctx.config[1][1] = bad_configs[_i].value2;
	r.state = &r;
	ck_assert_msg(run_init(&r) == KV_ERROR, "%s accepts %s = %s", p->name,
		      bad_configs[_i].key, bad_configs[_i].value);
	ck_assert_ptr_null(r.state);
	ck_assert_str_ne(r.ctx.error, "");
}
END_TEST

/* A setting that would break a declared containment (numerator_within,
 * denominator_within) is refused by init with a message naming both keys. */
static const struct {
	const char *plugin, *key, *value, *other;
} containment_configs[] = {
	{"anxiety", "followup_days", "27", "somatic_workup_days"},
	{"anxiety", "cbt_days", "41", "followup_days"},
	{"anxiety", "somatic_workup_days", "43", "followup_days"},
	{"multimorbidity", "comorbid_categories", "5", "many_categories"},
	{"multimorbidity", "many_categories", "3", "comorbid_categories"},
};
#define N_CONTAINMENT_CONFIGS (sizeof containment_configs / sizeof containment_configs[0])

START_TEST(containment_config_refused)
{
	const struct kv_indicator_plugin *p = plugin_named(containment_configs[_i].plugin);
	struct run r;
	run_setup(&r, p, 2020, 1, 12);
	r.ctx.config[0][0] = containment_configs[_i].key;
	r.ctx.config[0][1] = containment_configs[_i].value;
	if (strcmp(containment_configs[_i].key, "many_categories") == 0) {
		r.ctx.config[1][0] = "comorbid_categories"; /* 4 > 3 */
		r.ctx.config[1][1] = "4";
	}
	r.state = &r;
	ck_assert_msg(run_init(&r) == KV_ERROR, "%s accepts %s = %s", p->name,
		      containment_configs[_i].key, containment_configs[_i].value);
	ck_assert_ptr_null(r.state);
	ck_assert_msg(strstr(r.ctx.error, containment_configs[_i].key) != NULL &&
			      strstr(r.ctx.error, containment_configs[_i].other) != NULL,
		      "%s: \"%s\" does not name %s and %s", p->name, r.ctx.error,
		      containment_configs[_i].key, containment_configs[_i].other);
	/* the boundary, equal values, is accepted */
	run_setup(&r, p, 2020, 1, 12);
	char value[24];
	snprintf(value, sizeof value, "%lld",
		 (long long)fake_host_config_int(&r.ctx, containment_configs[_i].other));
	r.ctx.config[0][0] = containment_configs[_i].key;
	r.ctx.config[0][1] = value;
	ck_assert_int_eq(run_init(&r), KV_OK);
	run_fini(&r);
}
END_TEST

/* Over generated patients, for every indicator and month: N implies D; a
 * mean-type value is >= 0 (and finite); computing another patient in between
 * changes nothing (A, B, A gives A's flags and values twice); every
 * indicator's numerator is reached by some patient. */
#define GEN_PATIENTS 2000
START_TEST(all_invariants)
{
	const struct kv_indicator_plugin *p = plugins[_i];
	struct run r;
	run_setup(&r, p, 2014, 12, 101);
	ck_assert_int_eq(run_init(&r), KV_OK);
	const size_t n_ind = p->n_indicators, n_mo = r.out.n_months, cells = n_ind * n_mo;
	struct gen_patient *g = malloc(2 * sizeof *g);
	uint8_t *flags = malloc(cells);
	double *values = malloc(cells * sizeof *values);
	ck_assert(g != NULL && flags != NULL && values != NULL);
	size_t numerators[16] = {0}, denominators[16] = {0};
	rng_state = 0x9e3779b97f4a7c15ull ^ (uint64_t)(_i + 1); /* the same patients every run */
	for (int k = 0; k < GEN_PATIENTS; k++) {
		struct gen_patient *a = &g[k % 2], *b = &g[(k + 1) % 2];
		generate(a);
		run_compute(&r, &a->p);
		memcpy(flags, r.flags, cells);
		memcpy(values, r.values, cells * sizeof *values);
		for (size_t i = 0; i < n_ind; i++)
			for (size_t m = 0; m < n_mo; m++) {
				uint8_t f = flag(&r, i, m);
				if ((f & KV_IN_NUMERATOR) && !(f & KV_IN_DENOMINATOR))
					ck_abort_msg("%s patient %d month %zu: %s in N, not in D",
						     p->name, k, m, p->indicators[i].id);
				double v = r.values[i * n_mo + m];
				if (p->indicators[i].type == KV_INDICATOR_MEAN && !(v >= 0 && v < 1e12))
					ck_abort_msg("%s patient %d month %zu: %s value %g", p->name,
						     k, m, p->indicators[i].id, v);
				numerators[i] += (f & KV_IN_NUMERATOR) != 0;
				denominators[i] += (f & KV_IN_DENOMINATOR) != 0;
			}
		if (k == 0)
			continue;
		run_compute(&r, &b->p); /* the previous patient */
		run_compute(&r, &a->p);
		for (size_t c = 0; c < cells; c++)
			if (r.flags[c] != flags[c] || memcmp(&r.values[c], &values[c], sizeof *values))
				ck_abort_msg("%s patient %d: %s month %zu differs after patient %d "
					     "(flags %u then %u, value %g then %g)",
					     p->name, k, p->indicators[c / n_mo].id, c % n_mo, k - 1,
					     flags[c], r.flags[c], values[c], r.values[c]);
	}
	for (size_t i = 0; i < n_ind; i++) {
		ck_assert_msg(denominators[i] > 0, "%s never in D", p->indicators[i].id);
		ck_assert_msg(numerators[i] > 0, "%s never in N", p->indicators[i].id);
	}
	ck_assert_int_eq(r.ctx.errors, 0);
	free(values);
	free(flags);
	free(g);
	run_fini(&r);
}
END_TEST

/* ---- configuration honoured: a crafted patient under default and changed
 * settings (diabetes and medication_review: tests above). ---------------------- */

/* One month, 2020-03 (R = 2020-03-31); up to two overrides; the flag of `id`. */
static char nd_with(const char *plugin, const struct kv_patient *pt, const char *id,
		    const char *key, const char *value)
{
	struct run r;
	run_setup(&r, plugin_named(plugin), 2020, 3, 1);
	r.ctx.config[0][0] = key;
	r.ctx.config[0][1] = value;
	ck_assert_int_eq(run_init(&r), KV_OK);
	run_compute(&r, pt);
	char c = nd(&r, id, 0);
	ck_assert_int_eq(r.ctx.errors, 0);
	run_fini(&r);
	return c;
}

static struct kv_patient listed(kv_date birth)
{
	return (struct kv_patient){.birth = birth, .death = KV_DATE_OPEN, .sex = KV_SEX_MALE,
				   .periods = listed_always, .n_periods = 1};
}

START_TEST(add_window_from_config)
{
	const struct kv_contact contacts[] = {{D(2020, 1, 15), KV_CONTACT_PHONE, KV_ROLE_GP}};
	const struct kv_prescription rx[] = {{D(2018, 6, 15), KV_RX_GROUP_A, true, 30.0, "N05CF01"}};
	struct kv_patient p = listed(D(1960, 1, 1));
	p.contacts = contacts, p.n_contacts = 1, p.prescriptions = rx, p.n_prescriptions = 1;
	/* 12 months: 2019-04 .. 2020-03 holds the contact, not the prescription
	 * (window_months is at least 12: contact_w12) */
	ck_assert_int_eq(nd_with("addictive_drugs", &p, "ADD_PRESCRIBED", NULL, NULL), 'D');
	ck_assert_int_eq(nd_with("addictive_drugs", &p, "ADD_DDD_MEAN", NULL, NULL), '-');
	/* 24 months: 2018-04 .. 2020-03 holds both */
	ck_assert_int_eq(nd_with("addictive_drugs", &p, "ADD_PRESCRIBED", "window_months", "24"), 'N');
	ck_assert_int_eq(nd_with("addictive_drugs", &p, "ADD_DDD_MEAN", "window_months", "24"), 'N');
	/* and the mean's value is the DDD sum */
	struct run r;
	run_setup(&r, plugin_named("addictive_drugs"), 2020, 3, 1);
	r.ctx.config[0][0] = "window_months", r.ctx.config[0][1] = "24";
	ck_assert_int_eq(run_init(&r), KV_OK);
	run_compute(&r, &p);
	ck_assert_double_eq_tol(r.values[index_of(r.plugin, "ADD_DDD_MEAN")], 30.0, 1e-9);
	run_fini(&r);
}
END_TEST

START_TEST(anx_followup_from_config)
{
	const struct kv_contact contacts[] = {{D(2020, 1, 10), KV_CONTACT_CONSULTATION, KV_ROLE_GP},
					      {D(2020, 2, 15), KV_CONTACT_PHONE, KV_ROLE_NURSE}};
	const struct kv_diagnosis dx[] = {{D(2020, 1, 10), 0, KV_CODE_ICPC2, "P74"}};
	struct kv_patient p = listed(D(1980, 5, 5));
	p.contacts = contacts, p.n_contacts = 2, p.diagnoses = dx, p.n_diagnoses = 1;
	/* the phone call 36 days after the new diagnosis: within 42, not 30 */
	ck_assert_int_eq(nd_with("anxiety", &p, "ANX_FOLLOWUP_NEW", NULL, NULL), 'N');
	ck_assert_int_eq(nd_with("anxiety", &p, "ANX_FOLLOWUP_NEW", "followup_days", "30"), 'D');
	/* a window reaching past R: out of D */
	ck_assert_int_eq(nd_with("anxiety", &p, "ANX_FOLLOWUP_NEW", "followup_days", "90"), '-');
}
END_TEST

START_TEST(chd_window_from_config)
{
	const struct kv_diagnosis dx[] = {{D(2019, 1, 1), -1, KV_CODE_ICD10, "I252"}};
	const struct kv_prescription rx[] = {{D(2019, 6, 1), KV_RX_GROUP_C, false, 0, "C07AB02"}};
	struct kv_patient p = listed(D(1950, 1, 1));
	p.diagnoses = dx, p.n_diagnoses = 1, p.prescriptions = rx, p.n_prescriptions = 1;
	ck_assert_int_eq(nd_with("chd", &p, "CHD_BETA_BLOCKER", NULL, NULL), 'N');
	ck_assert_int_eq(nd_with("chd", &p, "CHD_BETA_BLOCKER", "window_months", "3"), 'D');
}
END_TEST

START_TEST(copd_control_days_from_config)
{
	const struct kv_contact contacts[] = {{D(2020, 2, 15), KV_CONTACT_CONSULTATION, KV_ROLE_GP}};
	const struct kv_diagnosis dx[] = {{D(2019, 1, 1), -1, KV_CODE_ICPC2, "R95"},
					  {D(2020, 1, 10), -1, KV_CODE_ICD10, "J440"},
					  {D(2020, 2, 15), 0, KV_CODE_ICPC2, "R95"}};
	struct kv_patient p = listed(D(1950, 1, 1));
	p.contacts = contacts, p.n_contacts = 1, p.diagnoses = dx, p.n_diagnoses = 3;
	/* the control 36 days after the exacerbation: within 42, not 30 */
	ck_assert_int_eq(nd_with("copd", &p, "COPD_CONTROL_6W", NULL, NULL), 'N');
	ck_assert_int_eq(nd_with("copd", &p, "COPD_CONTROL_6W", "control_days", "30"), 'D');
	ck_assert_int_eq(nd_with("copd", &p, "COPD_CONTROL_AFTER_EXAC", "control_days", "30"), 'N');
	/* a 2-month window (2020-02 .. 2020-03) misses the exacerbation */
	ck_assert_int_eq(nd_with("copd", &p, "COPD_CONTROL_AFTER_EXAC",
				 "exacerbation_window_months", "2"), '-');
}
END_TEST

START_TEST(dep_workup_from_config)
{
	const struct kv_diagnosis dx[] = {{D(2020, 1, 10), -1, KV_CODE_ICPC2, "P76"}};
	const struct kv_lab_result labs[] = {{D(2020, 1, 30), true, 1.0, "NPU03577"}};
	struct kv_patient p = listed(D(1980, 1, 1));
	p.diagnoses = dx, p.n_diagnoses = 1, p.labs = labs, p.n_labs = 1;
	/* the lab 20 days after the new diagnosis: within 28, not 14 */
	ck_assert_int_eq(nd_with("depression", &p, "DEP_NEW_SOMATIC", NULL, NULL), 'N');
	ck_assert_int_eq(nd_with("depression", &p, "DEP_NEW_SOMATIC", "somatic_workup_days", "14"),
			 'D');
}
END_TEST

START_TEST(eld_age_and_window_from_config)
{
	const struct kv_contact contacts[] = {{D(2019, 6, 1), KV_CONTACT_HOME_VISIT, KV_ROLE_NURSE}};
	struct kv_patient p = listed(D(1945, 6, 1)); /* 74 at R */
	p.contacts = contacts, p.n_contacts = 1;
	ck_assert_int_eq(nd_with("elderly", &p, "ELD70_NO_CONTACT", NULL, NULL), 'D');
	ck_assert_int_eq(nd_with("elderly", &p, "ELD70_NO_CONTACT", "window_months", "6"), 'N');
	ck_assert_int_eq(nd_with("elderly", &p, "ELD70_NO_CONTACT", "min_age", "75"), '-');
}
END_TEST

START_TEST(mm_categories_from_config)
{
	const struct kv_diagnosis dx[] = {{D(2015, 1, 1), -1, KV_CODE_ICPC2, "T90"},
					  {D(2016, 1, 1), -1, KV_CODE_ICD10, "I10"}};
	struct kv_patient p = listed(D(1950, 1, 1));
	p.diagnoses = dx, p.n_diagnoses = 2;
	ck_assert_int_eq(nd_with("multimorbidity", &p, "MM_COMORBIDITY", NULL, NULL), 'N');
	ck_assert_int_eq(nd_with("multimorbidity", &p, "MM_COMORBIDITY", "comorbid_categories", "3"),
			 'D');
	ck_assert_int_eq(nd_with("multimorbidity", &p, "MM_4PLUS", NULL, NULL), 'D');
	ck_assert_int_eq(nd_with("multimorbidity", &p, "MM_4PLUS", "many_categories", "2"), 'N');
}
END_TEST

START_TEST(risk_from_config)
{
	const struct kv_medication meds[] = {{D(2019, 1, 1), KV_DATE_OPEN, KV_USE_REGULAR, "N05BA01"}};
	struct kv_patient p = listed(D(1957, 1, 1)); /* 63 at R */
	p.medications = meds, p.n_medications = 1;
	ck_assert_int_eq(nd_with("risk_patients", &p, "RISK_HIGH_RISK_DRUGS", NULL, NULL), '-');
	ck_assert_int_eq(nd_with("risk_patients", &p, "RISK_HIGH_RISK_DRUGS", "min_age", "60"), 'N');
	/* one face-to-face day in each year-long window before W12, none in W12 */
	const struct kv_contact contacts[] = {{D(2017, 6, 1), KV_CONTACT_CONSULTATION, KV_ROLE_GP},
					      {D(2018, 6, 1), KV_CONTACT_CONSULTATION, KV_ROLE_GP}};
	p.contacts = contacts, p.n_contacts = 2;
	ck_assert_int_eq(nd_with("risk_patients", &p, "RISK_LOST_TO_FOLLOWUP", NULL, NULL), '-');
	ck_assert_int_eq(nd_with("risk_patients", &p, "RISK_LOST_TO_FOLLOWUP", "min_contact_days",
				 "1"), 'N');
}
END_TEST

/* One pass of each plugin over many patients for 101 months (2014-12 ..
 * 2023-04): printed, never asserted. */
START_TEST(speed)
{
	const char *env = getenv("KV_PERF_PATIENTS");
	long n = env ? strtol(env, NULL, 10) : 30000;
	const struct kv_indicator_plugin *p = plugins[_i];
	struct run a;
	run_setup(&a, p, 2014, 12, 101);
	ck_assert_int_eq(run_init(&a), KV_OK);
	struct gen_patient *g = malloc(sizeof *g);
	ck_assert_ptr_nonnull(g);
	rng_state = 88172645463325252ull;
	double spent = 0;
	for (long k = 0; k < n; k++) {
		generate(g);
		memset(a.flags, 0, sizeof a.flags);
		memset(a.values, 0, sizeof a.values);
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		ck_assert_int_eq(run_compute_rc(&a, &g->p), KV_OK);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		spent += (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	}
	printf("speed: %ld patients x 101 months: %-17s %.3f s\n", n, p->name, spent);
	fflush(stdout);
	free(g);
	run_fini(&a);
}
END_TEST

/* ---- decisive dates and values (ABI 2.1, issue 19) ---------------------------- */

/*
 * With the decisive arrays and without, over generated patients: the flags
 * and values are the same; a cell outside the denominator, or of an
 * indicator that declares no decisive, keeps KV_DATE_NONE and NAN; a date
 * is on or before R; a value only where the indicator declares a unit; and
 * every indicator that declares a decisive writes one for some patient.
 */
START_TEST(all_decisive_only_in_the_denominator)
{
	const struct kv_indicator_plugin *p = plugins[_i];
	static struct run plain, with;
	run_setup(&plain, p, 2014, 12, 101);
	run_setup(&with, p, 2014, 12, 101);
	run_want_decisive(&with);
	ck_assert_int_eq(run_init(&plain), KV_OK);
	ck_assert_int_eq(run_init(&with), KV_OK);
	const size_t n_ind = p->n_indicators, n_mo = with.out.n_months, cells = n_ind * n_mo;
	struct gen_patient *g = malloc(sizeof *g);
	ck_assert_ptr_nonnull(g);
	size_t written[16] = {0};
	rng_state = 0x2545f4914f6cdd1dull ^ (uint64_t)(_i + 1);
	for (int k = 0; k < GEN_PATIENTS; k++) {
		generate(g);
		run_compute(&plain, &g->p);
		run_compute(&with, &g->p);
		if (memcmp(plain.flags, with.flags, cells) != 0 ||
		    memcmp(plain.values, with.values, cells * sizeof(double)) != 0)
			ck_abort_msg("%s patient %d: flags or values differ with the decisive "
				     "arrays", p->name, k);
		for (size_t c = 0; c < cells; c++) {
			const struct kv_indicator_def *d = &p->indicators[c / n_mo];
			const kv_date date = with.decisive_dates[c];
			const double v = with.decisive_values[c];
			const bool none = date == KV_DATE_NONE && isnan(v);
			if (!(with.flags[c] & KV_IN_DENOMINATOR) && !none)
				ck_abort_msg("%s patient %d month %zu: %s decisive outside D", p->name,
					     k, c % n_mo, d->id);
			if (d->decisive == NULL && !none)
				ck_abort_msg("%s: %s writes a decisive it does not declare", p->name,
					     d->id);
			if (date != KV_DATE_NONE && date > with.refs[c % n_mo])
				ck_abort_msg("%s patient %d month %zu: %s decisive date after R",
					     p->name, k, c % n_mo, d->id);
			if (d->decisive_unit == NULL && !isnan(v))
				ck_abort_msg("%s: %s writes a value without a unit", p->name, d->id);
			written[c / n_mo] += !none;
		}
	}
	for (size_t i = 0; i < n_ind; i++)
		ck_assert_msg(p->indicators[i].decisive == NULL || written[i] > 0,
			      "%s never writes its decisive", p->indicators[i].id);
	ck_assert_int_eq(with.ctx.errors, 0);
	free(g);
	run_fini(&plain);
	run_fini(&with);
}
END_TEST

/* A result block of an ABI 2.0 core (struct_size short of the decisive
 * arrays) is never written there, whatever the pointers hold. */
START_TEST(all_decisive_needs_struct_size)
{
	const struct kv_indicator_plugin *p = plugins[_i];
	static struct run r;
	run_setup(&r, p, 2014, 12, 101);
	run_want_decisive(&r);
	r.out.struct_size = (uint32_t)offsetof(struct kv_result_block, decisive_dates);
	ck_assert_int_eq(run_init(&r), KV_OK);
	struct gen_patient *g = malloc(sizeof *g);
	ck_assert_ptr_nonnull(g);
	rng_state = 0x853c49e6748fea9bull ^ (uint64_t)(_i + 1);
	for (int k = 0; k < 300; k++) {
		generate(g);
		run_compute(&r, &g->p);
		for (size_t c = 0; c < p->n_indicators * r.out.n_months; c++)
			if (r.decisive_dates[c] != KV_DATE_NONE || !isnan(r.decisive_values[c]))
				ck_abort_msg("%s patient %d: decisive written into a 2.0 block",
					     p->name, k);
	}
	free(g);
	run_fini(&r);
}
END_TEST

/* Every indicator says what it writes, in a short lower-case heading (its
 * first word may be an abbreviation). */
START_TEST(all_decisive_declared)
{
	for (size_t k = 0; k < N_PLUGINS; k++)
		for (size_t i = 0; i < plugins[k]->n_indicators; i++) {
			const struct kv_indicator_def *d = &plugins[k]->indicators[i];
			ck_assert_msg(d->decisive != NULL || d->decisive_unit == NULL,
				      "%s: a unit without a decisive", d->id);
			if (d->decisive == NULL)
				continue;
			ck_assert_msg(*d->decisive != '\0' && strlen(d->decisive) <= 40,
				      "%s: decisive \"%s\"", d->id, d->decisive);
			ck_assert_msg(d->decisive[0] >= 'a' && d->decisive[0] <= 'z',
				      "%s: decisive \"%s\" not lower case", d->id, d->decisive);
		}
}
END_TEST

/* One run of `plugin` over months y-mo .. (n of them) with the decisive
 * arrays, one patient. */
static void dec_run(struct run *r, const char *plugin, int y, int mo, size_t n,
		    const struct kv_patient *pt)
{
	run_setup(r, plugin_named(plugin), y, mo, n);
	run_want_decisive(r);
	ck_assert_int_eq(run_init(r), KV_OK);
	run_compute(r, pt);
	ck_assert_int_eq(r->ctx.errors, 0);
}

/* The decisive date of `id` in month m equals `date` (KV_DATE_NONE: none)
 * and its value `value` (NAN: none). */
#define ck_decisive(r, id, m, date, value)                                             \
	do {                                                                           \
		const size_t c_ = index_of((r)->plugin, (id)) * (r)->out.n_months + (m); \
		const kv_date d_ = (r)->decisive_dates[c_];                            \
		const double v_ = (r)->decisive_values[c_], w_ = (value);               \
		ck_assert_msg(d_ == (date), "%s month %d: decisive date %d, not %d",   \
			      (id), (int)(m), (int)d_, (int)(date));                   \
		ck_assert_msg(isnan(w_) ? isnan(v_) : fabs(v_ - w_) < 1e-9,             \
			      "%s month %d: decisive value %g, not %g", (id), (int)(m),  \
			      v_, w_);                                                 \
	} while (0)

START_TEST(dm_decisive)
{
	/* HbA1c 58 on 2023-03-01 and 61 on 2023-09-10, a text-only HbA1c on
	 * 2023-10-01; two readings on 2023-06-01, the worse 152/70; a Noklus
	 * fee on 2022-05-02 (outside W12 at 2023-12); a statin in regular use
	 * until 2023-01-31 (stop exclusive) and prescribed on 2022-12-01; UACR
	 * 2.5 on 2021-04-04 (outside every W12 here). */
	const struct kv_lab_result labs[] = {{D(2021, 4, 4), true, 2.5, "NOR15260"},
					     {D(2023, 3, 1), true, 58.0, "NPU27300"},
					     {D(2023, 9, 10), true, 61.0, "NPU27300"},
					     {D(2023, 10, 1), false, 0.0, "NPU27300"}};
	const struct kv_blood_pressure bps[] = {{D(2023, 6, 1), 130, 80}, {D(2023, 6, 1), 152, 70}};
	const struct kv_contact contacts[] = {{D(2022, 5, 2), KV_CONTACT_CONSULTATION, KV_ROLE_GP}};
	const struct kv_fee fees[] = {{D(2022, 5, 2), 0, "105"}};
	const struct kv_medication meds[] = {{D(2020, 1, 1), D(2023, 2, 1), KV_USE_REGULAR, "C10AA05"}};
	const struct kv_prescription rx[] = {{D(2022, 12, 1), KV_RX_GROUP_C, false, 0, "C10AA05"}};
	struct kv_patient p = diabetic();
	p.labs = labs, p.n_labs = 4, p.bps = bps, p.n_bps = 2;
	p.contacts = contacts, p.n_contacts = 1, p.fees = fees, p.n_fees = 1;
	p.medications = meds, p.n_medications = 1, p.prescriptions = rx, p.n_prescriptions = 1;
	static struct run r;
	dec_run(&r, "diabetes", 2023, 2, 11, &p); /* 2023-02 .. 2023-12 */
	const size_t feb = 0, dec = 10;
	ck_decisive(&r, "DM_PREVALENCE", dec, 0, NAN); /* T90 on 1970-01-01 */
	ck_decisive(&r, "DM_ANNUAL_CHECK", dec, D(2022, 5, 2), NAN);
	ck_assert_int_eq(nd(&r, "DM_ANNUAL_CHECK", dec), 'D'); /* overdue since then */
	ck_assert_int_eq(nd(&r, "DM_ANNUAL_CHECK", feb), 'N');
	/* the last result of any kind, its value when numeric ... */
	ck_decisive(&r, "DM_HBA1C_MEASURED", dec, D(2023, 10, 1), NAN);
	ck_decisive(&r, "DM_HBA1C_MEASURED", dec - 1, D(2023, 10, 1), NAN);
	ck_decisive(&r, "DM_HBA1C_MEASURED", dec - 3, D(2023, 9, 10), 61.0); /* 2023-09 */
	/* ... the last numeric one for the bands, in whichever band */
	ck_decisive(&r, "DM_HBA1C_52_70", dec, D(2023, 9, 10), 61.0);
	ck_decisive(&r, "DM_HBA1C_LT52", dec, D(2023, 9, 10), 61.0);
	ck_decisive(&r, "DM_HBA1C_GT70", dec, D(2023, 9, 10), 61.0);
	ck_assert_int_eq(nd(&r, "DM_HBA1C_52_70", dec), 'N');
	ck_decisive(&r, "DM_HBA1C_52_70", 5, D(2023, 3, 1), 58.0); /* 2023-07 */
	ck_decisive(&r, "DM_HBA1C_52_70", feb, KV_DATE_NONE, NAN);  /* none yet */
	ck_decisive(&r, "DM_HBA1C_MEASURED", feb, KV_DATE_NONE, NAN);
	/* the worse reading of the day, its systolic */
	ck_decisive(&r, "DM_BP_MEASURED", dec, D(2023, 6, 1), 152.0);
	ck_decisive(&r, "DM_BP_GE150_90", dec, D(2023, 6, 1), 152.0);
	ck_decisive(&r, "DM_BP_LE140_85", dec, D(2023, 6, 1), 152.0);
	ck_decisive(&r, "DM_BP_MEASURED", feb, KV_DATE_NONE, NAN);
	/* the last day on the statin: regular use ended 2023-01-31 */
	ck_decisive(&r, "DM_STATIN", feb, D(2023, 1, 31), NAN);
	ck_decisive(&r, "DM_STATIN", dec, D(2023, 1, 31), NAN);
	ck_assert_int_eq(nd(&r, "DM_STATIN", feb), 'N');
	ck_assert_int_eq(nd(&r, "DM_STATIN", dec), 'D');
	/* UACR outside W12: still shown, not in N */
	ck_decisive(&r, "DM_UACR_MEASURED", dec, D(2021, 4, 4), 2.5);
	ck_decisive(&r, "DM_ALBUMINURIA", dec, D(2021, 4, 4), 2.5);
	ck_assert_int_eq(nd(&r, "DM_UACR_MEASURED", dec), 'D');
	run_fini(&r);

	/* Not diabetic: in DM_PREVALENCE's D only, and no decisive anywhere. */
	struct kv_patient q = p;
	q.diagnoses = NULL, q.n_diagnoses = 0;
	dec_run(&r, "diabetes", 2023, 12, 1, &q);
	for (size_t i = 0; i < r.out.n_indicators; i++)
		ck_assert(r.decisive_dates[i] == KV_DATE_NONE && isnan(r.decisive_values[i]));
	ck_assert_int_eq(nd(&r, "DM_PREVALENCE", 0), 'D');
	ck_assert_int_eq(nd(&r, "DM_ANNUAL_CHECK", 0), '-');
	run_fini(&r);

	/* HbA1c in % converted (7.0 % = 53.01 mmol/mol), the higher of a day. */
	const struct kv_lab_result pct[] = {{D(2023, 5, 5), true, 7.0, "NPU03835"},
					    {D(2023, 5, 5), true, 50.0, "NPU27300"}};
	q = diabetic();
	q.labs = pct, q.n_labs = 2;
	dec_run(&r, "diabetes", 2023, 12, 1, &q);
	ck_decisive(&r, "DM_HBA1C_MEASURED", 0, D(2023, 5, 5), 10.93 * 7.0 - 23.5);
	ck_decisive(&r, "DM_HBA1C_52_70", 0, D(2023, 5, 5), 10.93 * 7.0 - 23.5);
	run_fini(&r);
}
END_TEST

START_TEST(lmg_decisive)
{
	/* four regular drugs and two more of one ATC (counted once): 5; the
	 * last review a fee on 2019-01-10, outside W12 at 2020-02 */
	const struct kv_medication meds[] = {
		{0, KV_DATE_OPEN, KV_USE_REGULAR, "A10BA02"}, {0, KV_DATE_OPEN, KV_USE_REGULAR, "B01AC06"},
		{0, KV_DATE_OPEN, KV_USE_REGULAR, "C09AA05"}, {0, KV_DATE_OPEN, KV_USE_REGULAR, "C10AA05"},
		{5, KV_DATE_OPEN, KV_USE_REGULAR, "C10AA05"}, {0, KV_DATE_OPEN, KV_USE_REGULAR, ""}};
	const struct kv_fee fees[] = {{D(2018, 3, 1), 0, "2LD"}, {D(2019, 1, 10), 1, "2LD"}};
	struct kv_patient p = listed(D(1940, 1, 1));
	p.medications = meds, p.n_medications = 6, p.fees = fees, p.n_fees = 2;
	static struct run r;
	dec_run(&r, "medication_review", 2020, 2, 1, &p);
	ck_assert_int_eq(nd(&r, "LMG_4PLUS", 0), 'D');
	ck_decisive(&r, "LMG_4PLUS", 0, D(2019, 1, 10), 5.0);
	run_fini(&r);
	/* no review ever: no date, still the count */
	p.n_fees = 0;
	dec_run(&r, "medication_review", 2020, 2, 1, &p);
	ck_decisive(&r, "LMG_4PLUS", 0, KV_DATE_NONE, 5.0);
	run_fini(&r);
}
END_TEST

START_TEST(add_decisive)
{
	/* two addictive prescriptions on 2020-02-01 (10 DDD and unknown), one
	 * on 2018-06-15 (30 DDD), a group C one later (not addictive) */
	const struct kv_contact contacts[] = {{D(2020, 1, 15), KV_CONTACT_PHONE, KV_ROLE_GP}};
	const struct kv_prescription rx[] = {{D(2018, 6, 15), KV_RX_GROUP_A, true, 30.0, "N05CF01"},
					     {D(2020, 2, 1), KV_RX_GROUP_B, true, 10.0, "N05BA01"},
					     {D(2020, 2, 1), KV_RX_GROUP_A, false, 0.0, "N02AA01"},
					     {D(2020, 3, 1), KV_RX_GROUP_C, true, 99.0, "N05BA01"}};
	struct kv_patient p = listed(D(1960, 1, 1));
	p.contacts = contacts, p.n_contacts = 1, p.prescriptions = rx, p.n_prescriptions = 4;
	static struct run r;
	dec_run(&r, "addictive_drugs", 2020, 3, 1, &p);
	ck_decisive(&r, "ADD_PRESCRIBED", 0, D(2020, 2, 1), 10.0);
	ck_decisive(&r, "ADD_DDD_MEAN", 0, D(2020, 2, 1), 10.0);
	run_fini(&r);
	/* only the old one: ADD_PRESCRIBED shows it (D, not N); ADD_DDD_MEAN's
	 * D is empty, so nothing there */
	p.n_prescriptions = 1;
	dec_run(&r, "addictive_drugs", 2020, 3, 1, &p);
	ck_assert_int_eq(nd(&r, "ADD_PRESCRIBED", 0), 'D');
	ck_decisive(&r, "ADD_PRESCRIBED", 0, D(2018, 6, 15), 30.0);
	ck_decisive(&r, "ADD_DDD_MEAN", 0, KV_DATE_NONE, NAN);
	run_fini(&r);
}
END_TEST

START_TEST(anx_dep_decisive)
{
	/* anxiety new on 2020-01-10 (and 2017-05-05, more than 24 months
	 * before), a phone call on 2020-02-15, a benzodiazepine prescribed on
	 * 2019-01-01 (outside W12 at 2020-05), antidepressant prescriptions on
	 * 2018-01-10 (a start) and 2019-08-01 */
	const struct kv_contact contacts[] = {{D(2020, 1, 10), KV_CONTACT_CONSULTATION, KV_ROLE_GP},
					      {D(2020, 2, 15), KV_CONTACT_PHONE, KV_ROLE_NURSE}};
	const struct kv_diagnosis dx[] = {{D(2017, 5, 5), -1, KV_CODE_ICPC2, "P74"},
					  {D(2020, 1, 10), 0, KV_CODE_ICPC2, "P74"}};
	const struct kv_prescription rx[] = {{D(2018, 1, 10), KV_RX_GROUP_C, false, 0, "N06AB04"},
					     {D(2019, 1, 1), KV_RX_GROUP_B, false, 0, "N05BA01"},
					     {D(2019, 8, 1), KV_RX_GROUP_C, false, 0, "N06AB04"}};
	struct kv_patient p = listed(D(1980, 5, 5));
	p.contacts = contacts, p.n_contacts = 2, p.diagnoses = dx, p.n_diagnoses = 2;
	p.prescriptions = rx, p.n_prescriptions = 3;
	static struct run r;
	dec_run(&r, "anxiety", 2020, 5, 1, &p); /* R = 2020-05-31 */
	ck_decisive(&r, "ANX_PREVALENCE", 0, D(2020, 1, 10), NAN);
	ck_decisive(&r, "ANX_NEW_SOMATIC", 0, D(2020, 1, 10), NAN);
	ck_decisive(&r, "ANX_FOLLOWUP_NEW", 0, D(2020, 1, 10), NAN);
	ck_assert_int_eq(nd(&r, "ANX_FOLLOWUP_NEW", 0), 'N');
	ck_decisive(&r, "ANX_CBT_NEW", 0, D(2020, 1, 10), NAN); /* 2020-01-10 + 90 <= R */
	ck_decisive(&r, "ANX_BENZODIAZEPINE", 0, D(2019, 1, 1), NAN);
	ck_assert_int_eq(nd(&r, "ANX_BENZODIAZEPINE", 0), 'D');
	ck_decisive(&r, "ANX_ANTIDEPRESSANT", 0, D(2019, 8, 1), NAN);
	ck_decisive(&r, "AD_WITH_DIAGNOSIS", 0, D(2020, 1, 10), NAN);
	/* the start 2018-01-10 is in month m-28, before m-23: not in D */
	ck_decisive(&r, "ANX_CONTROL_AD_START", 0, KV_DATE_NONE, NAN);
	run_fini(&r);
	/* 2019-04: ANXIETY in W24 (2017-05 ..), the start in m-23..m-12
	 * (2017-05 .. 2018-04) */
	dec_run(&r, "anxiety", 2019, 4, 1, &p);
	ck_assert_int_eq(nd(&r, "ANX_CONTROL_AD_START", 0), 'D');
	ck_decisive(&r, "ANX_CONTROL_AD_START", 0, D(2018, 1, 10), NAN);
	ck_decisive(&r, "ANX_PREVALENCE", 0, D(2017, 5, 5), NAN); /* outside W12: D only */
	ck_assert_int_eq(nd(&r, "ANX_PREVALENCE", 0), 'D');
	ck_decisive(&r, "ANX_FOLLOWUP_NEW", 0, KV_DATE_NONE, NAN); /* not in D */
	run_fini(&r);

	/* depression: new on 2020-01-10, an antidepressant in regular use
	 * 2019-01-01 .. 2020-03-01 (stop exclusive) */
	const struct kv_diagnosis ddx[] = {{D(2020, 1, 10), -1, KV_CODE_ICPC2, "P76"}};
	const struct kv_medication meds[] = {{D(2019, 1, 1), D(2020, 3, 1), KV_USE_REGULAR, "N06AB04"}};
	struct kv_patient q = listed(D(1980, 1, 1));
	q.diagnoses = ddx, q.n_diagnoses = 1, q.medications = meds, q.n_medications = 1;
	dec_run(&r, "depression", 2020, 3, 1, &q);
	ck_decisive(&r, "DEP_PREVALENCE", 0, D(2020, 1, 10), NAN);
	ck_decisive(&r, "DEP_NEW_SOMATIC", 0, D(2020, 1, 10), NAN);
	ck_decisive(&r, "DEP_ANTIDEPRESSANT", 0, D(2020, 2, 29), NAN);
	ck_assert_int_eq(nd(&r, "DEP_ANTIDEPRESSANT", 0), 'D'); /* not in use at R */
	run_fini(&r);
}
END_TEST

START_TEST(chd_copd_decisive)
{
	/* chd: a regular beta blocker until 2019-03-15 (stop exclusive), a
	 * prescription on 2019-06-01; R = 2020-12-31: neither in W12 */
	const struct kv_diagnosis dx[] = {{D(2019, 1, 1), -1, KV_CODE_ICD10, "I252"}};
	const struct kv_medication meds[] = {{D(2018, 1, 1), D(2019, 3, 15), KV_USE_REGULAR, "C07AB02"}};
	const struct kv_prescription rx[] = {{D(2019, 6, 1), KV_RX_GROUP_C, false, 0, "C07AB02"}};
	struct kv_patient p = listed(D(1950, 1, 1));
	p.diagnoses = dx, p.n_diagnoses = 1, p.medications = meds, p.n_medications = 1;
	p.prescriptions = rx, p.n_prescriptions = 1;
	static struct run r;
	dec_run(&r, "chd", 2020, 12, 1, &p);
	ck_assert_int_eq(nd(&r, "CHD_BETA_BLOCKER", 0), 'D');
	ck_decisive(&r, "CHD_BETA_BLOCKER", 0, D(2019, 6, 1), NAN);
	run_fini(&r);
	p.n_prescriptions = 0;
	dec_run(&r, "chd", 2020, 12, 1, &p);
	ck_decisive(&r, "CHD_BETA_BLOCKER", 0, D(2019, 3, 14), NAN);
	run_fini(&r);
	dec_run(&r, "chd", 2018, 12, 1, &p); /* IHD from 2019: not in D */
	ck_decisive(&r, "CHD_BETA_BLOCKER", 0, KV_DATE_NONE, NAN);
	run_fini(&r);

	/* copd: COPD since 2019-01-01, exacerbation 2020-01-10, control
	 * 2020-02-15 */
	const struct kv_contact contacts[] = {{D(2020, 2, 15), KV_CONTACT_CONSULTATION, KV_ROLE_GP}};
	const struct kv_diagnosis cdx[] = {{D(2019, 1, 1), -1, KV_CODE_ICPC2, "R95"},
					   {D(2020, 1, 10), -1, KV_CODE_ICD10, "J440"},
					   {D(2020, 2, 15), 0, KV_CODE_ICPC2, "R95"}};
	struct kv_patient q = listed(D(1950, 1, 1));
	q.contacts = contacts, q.n_contacts = 1, q.diagnoses = cdx, q.n_diagnoses = 3;
	dec_run(&r, "copd", 2020, 1, 3, &q); /* 2020-01 .. 2020-03 */
	ck_decisive(&r, "COPD_PREVALENCE", 2, D(2019, 1, 1), NAN);
	ck_decisive(&r, "COPD_CONTROL_AFTER_EXAC", 2, D(2020, 1, 10), NAN);
	ck_decisive(&r, "COPD_CONTROL_6W", 2, D(2020, 1, 10), NAN);
	/* 2020-01: the exacerbation less than 42 days before R, not in D */
	ck_decisive(&r, "COPD_CONTROL_6W", 0, KV_DATE_NONE, NAN);
	ck_decisive(&r, "COPD_CONTROL_AFTER_EXAC", 0, KV_DATE_NONE, NAN);
	ck_decisive(&r, "COPD_CONTROL_6W", 1, D(2020, 1, 10), NAN);
	run_fini(&r);
}
END_TEST

START_TEST(eld_mm_risk_decisive)
{
	/* elderly: a home visit on 2019-03-01, 13 months before R */
	const struct kv_contact visit[] = {{D(2019, 3, 1), KV_CONTACT_HOME_VISIT, KV_ROLE_NURSE},
					   {D(2020, 1, 1), KV_CONTACT_PHONE, KV_ROLE_GP}};
	struct kv_patient p = listed(D(1945, 6, 1));
	p.contacts = visit, p.n_contacts = 2;
	static struct run r;
	dec_run(&r, "elderly", 2020, 3, 1, &p);
	ck_assert_int_eq(nd(&r, "ELD70_NO_CONTACT", 0), 'N');
	ck_decisive(&r, "ELD70_NO_CONTACT", 0, D(2019, 3, 1), NAN); /* the phone call is not one */
	run_fini(&r);

	/* multimorbidity: diabetes 2015-01-01, hypertension 2016-01-01 */
	const struct kv_diagnosis dx[] = {{D(2015, 1, 1), -1, KV_CODE_ICPC2, "T90"},
					  {D(2016, 1, 1), -1, KV_CODE_ICD10, "I10"}};
	struct kv_patient q = listed(D(1950, 1, 1));
	q.diagnoses = dx, q.n_diagnoses = 2, q.contacts = visit, q.n_contacts = 2;
	dec_run(&r, "multimorbidity", 2020, 3, 1, &q);
	ck_decisive(&r, "MM_COMORBIDITY", 0, D(2016, 1, 1), 2.0);
	ck_decisive(&r, "MM_4PLUS", 0, D(2016, 1, 1), 2.0);
	ck_decisive(&r, "MM_COMORBID_SEEN", 0, D(2019, 3, 1), NAN);
	run_fini(&r);
	dec_run(&r, "multimorbidity", 2015, 6, 1, &q); /* one category */
	ck_decisive(&r, "MM_COMORBIDITY", 0, D(2015, 1, 1), 1.0);
	ck_decisive(&r, "MM_COMORBID_SEEN", 0, KV_DATE_NONE, NAN); /* not in D */
	run_fini(&r);
	dec_run(&r, "multimorbidity", 2014, 6, 1, &q); /* none: MM_4PLUS's D only */
	ck_decisive(&r, "MM_4PLUS", 0, KV_DATE_NONE, 0.0);
	ck_decisive(&r, "MM_COMORBIDITY", 0, KV_DATE_NONE, NAN);
	run_fini(&r);

	/* risk_patients: two high-risk drugs in use, from 2019-01-01 and
	 * 2018-05-05, one that stopped earlier; regular contacts up to 2018 */
	const struct kv_medication meds[] = {{D(2016, 1, 1), D(2017, 1, 1), KV_USE_REGULAR, "M01AE01"},
					     {D(2018, 5, 5), KV_DATE_OPEN, KV_USE_REGULAR, "N05CD02"},
					     {D(2019, 1, 1), KV_DATE_OPEN, KV_USE_REGULAR, "N05BA01"}};
	const struct kv_contact contacts[] = {{D(2017, 6, 1), KV_CONTACT_CONSULTATION, KV_ROLE_GP},
					      {D(2017, 7, 1), KV_CONTACT_CONSULTATION, KV_ROLE_GP},
					      {D(2018, 6, 1), KV_CONTACT_CONSULTATION, KV_ROLE_GP},
					      {D(2018, 7, 1), KV_CONTACT_VIDEO, KV_ROLE_GP},
					      {D(2019, 2, 1), KV_CONTACT_PHONE, KV_ROLE_GP}};
	struct kv_patient s = listed(D(1950, 1, 1));
	s.medications = meds, s.n_medications = 3, s.contacts = contacts, s.n_contacts = 5;
	dec_run(&r, "risk_patients", 2020, 3, 1, &s);
	ck_assert_int_eq(nd(&r, "RISK_HIGH_RISK_DRUGS", 0), 'N');
	ck_decisive(&r, "RISK_HIGH_RISK_DRUGS", 0, D(2018, 5, 5), NAN);
	ck_assert_int_eq(nd(&r, "RISK_LOST_TO_FOLLOWUP", 0), 'N');
	ck_decisive(&r, "RISK_LOST_TO_FOLLOWUP", 0, D(2018, 7, 1), NAN);
	run_fini(&r);
	s.n_medications = 1; /* only the stopped one */
	dec_run(&r, "risk_patients", 2020, 3, 1, &s);
	ck_decisive(&r, "RISK_HIGH_RISK_DRUGS", 0, KV_DATE_NONE, NAN);
	run_fini(&r);
}
END_TEST

/* ---- lookback_months: the declared lookback covers every window --------------- */

/*
 * `g` as a connector honouring kv_read_request.events_from delivers it:
 * the windowed events (contacts with their fees, prescriptions, labs, blood
 * pressures, forms, note matches) dated before `from` left out, list
 * periods, diagnoses and the medication list whole, a diagnosis whose
 * contact was left out unlinked.
 */
static void cut_patient(const struct gen_patient *g, kv_date from, struct gen_patient *c)
{
	*c = *g;
	struct kv_patient *p = &c->p;
	int32_t moved[GEN_MAX];
	size_t n = 0;
	for (size_t i = 0; i < g->p.n_contacts; i++) {
		moved[i] = -1;
		if (g->contacts[i].date >= from) {
			moved[i] = (int32_t)n;
			c->contacts[n++] = g->contacts[i];
		}
	}
	p->n_contacts = n;
	n = 0;
	for (size_t i = 0; i < g->p.n_fees; i++) {
		struct kv_fee f = g->fees[i];
		if (f.contact >= 0 ? moved[f.contact] < 0 : f.date < from)
			continue;
		if (f.contact >= 0)
			f.contact = moved[f.contact];
		c->fees[n++] = f;
	}
	p->n_fees = n;
	for (size_t i = 0; i < g->p.n_diagnoses; i++)
		if (c->dx[i].contact >= 0)
			c->dx[i].contact = moved[c->dx[i].contact];
#define CUT(arr, count)                                                            \
	do {                                                                       \
		n = 0;                                                             \
		for (size_t i = 0; i < g->p.count; i++)                            \
			if (g->arr[i].date >= from)                                \
				c->arr[n++] = g->arr[i];                           \
		p->count = n;                                                      \
	} while (0)
	CUT(rx, n_prescriptions);
	CUT(labs, n_labs);
	CUT(bps, n_bps);
	CUT(forms, n_forms);
	CUT(notes, n_notes);
#undef CUT
	p->contacts = c->contacts, p->diagnoses = c->dx, p->fees = c->fees, p->labs = c->labs;
	p->bps = c->bps, p->prescriptions = c->rx, p->forms = c->forms, p->notes = c->notes;
	p->medications = c->meds, p->periods = c->periods;
}

/* One configuration: every result of generated patients over a short run is
 * the same with the events before the declared lookback left out. false when
 * init refuses the configuration. */
static bool lookback_holds(const struct kv_indicator_plugin *p, const char *key,
			   const char *value, int y, int m, size_t months)
{
	struct run r;
	run_setup(&r, p, y, m, months);
	r.ctx.config[0][0] = key;
	r.ctx.config[0][1] = value;
	if (run_init(&r) != KV_OK)
		return false;
	uint32_t lookback = r.lookback;
	ck_assert_msg(lookback > 0, "%s declares no lookback", p->name);
	kv_date from = kv_month_first_day(r.run.first_month - (kv_month)lookback);
	const size_t cells = p->n_indicators * months;
	struct gen_patient *g = malloc(2 * sizeof *g);
	uint8_t *flags = malloc(cells);
	double *values = malloc(cells * sizeof *values);
	ck_assert(g != NULL && flags != NULL && values != NULL);
	for (int k = 0; k < 1500; k++) {
		generate(&g[0]);
		run_compute(&r, &g[0].p);
		memcpy(flags, r.flags, cells);
		memcpy(values, r.values, cells * sizeof *values);
		cut_patient(&g[0], from, &g[1]);
		run_compute(&r, &g[1].p);
		for (size_t c = 0; c < cells; c++)
			if (r.flags[c] != flags[c] || memcmp(&r.values[c], &values[c], sizeof *values))
				ck_abort_msg("%s with %s = %s declares %u months, but %s in %04d-%02d "
					     "changes (flags %u, %u without the events before "
					     "%04d-%02d)",
					     p->name, key ? key : "(defaults)", value ? value : "",
					     lookback, p->indicators[c / months].id,
					     y + (int)((m - 1 + (int)(c % months)) / 12),
					     (m - 1 + (int)(c % months)) % 12 + 1, flags[c], r.flags[c],
					     (r.run.first_month - (int)lookback) / 12,
					     (r.run.first_month - (int)lookback) % 12 + 1);
	}
	ck_assert_int_eq(r.ctx.errors, 0);
	free(values);
	free(flags);
	free(g);
	run_fini(&r);
	return true;
}

/*
 * Every plugin declares a lookback, and it holds under the defaults and with
 * each integer key moved to its lowest, its highest and twice its default
 * value (configurations init refuses are skipped): the results of a
 * four-month run over generated patients (2012 .. 2023) do not change when
 * the events before the first day of month first - lookback are left out.
 */
START_TEST(all_lookback_covers_the_windows)
{
	const struct kv_indicator_plugin *p = plugins[_i];
	rng_state = 0x2545f4914f6cdd1dull ^ (uint64_t)(_i + 1);
	int tried = 0;
	tried += lookback_holds(p, NULL, NULL, 2019, 11, 4);
	for (size_t k = 0; k < p->n_settings; k++) {
		const struct kv_config_key *key = &p->settings[k].key;
		long lo, hi;
		if (key->type != KV_CONFIG_INT || key->allowed == NULL ||
		    sscanf(key->allowed, "%ld..%ld", &lo, &hi) != 2)
			continue;
		long def = key->default_value ? strtol(key->default_value, NULL, 10) : lo;
		long tries[3] = {lo, hi, 2 * def < hi ? 2 * def : hi};
		char text[3][24];
		for (int t = 0; t < 3; t++) {
			snprintf(text[t], sizeof text[t], "%ld", tries[t]);
			tried += lookback_holds(p, key->key, text[t], 2019, 11, 4);
		}
	}
	ck_assert_int_gt(tried, 0);
}
END_TEST

/* ---- the declared relations hold patient by patient ----------------------- */

/*
 * What the plugins declare about their counts for disclosure control (ABI
 * 1.1 and 1.2) must hold for every patient under every configuration init
 * accepts, since the core refuses a month where a count breaks one: cells
 * naming the same population hold the same patients; the numerators part of
 * a population are in every cell counting it and never overlap (add up to it
 * with KV_PARTS_COMPLETE); a cell declared within a population
 * (numerator_within, denominator_within) has its patients in every cell
 * counting that population, in whichever plugin (core/relations.c).
 */
enum rel_kind { REL_EQUAL, REL_WITHIN, REL_PARTS };

struct rel_cell {
	uint8_t plugin, indicator, bit; /* bit: KV_IN_NUMERATOR or KV_IN_DENOMINATOR */
};

#define REL_MAX_PARTS 8
struct rel_check {
	enum rel_kind kind;
	const char *population;
	struct rel_cell total;                   /* a cell counting the population */
	struct rel_cell parts[REL_MAX_PARTS];    /* EQUAL, WITHIN: one */
	size_t n_parts;
	bool complete;
	uint64_t hits; /* patient-months in the part (WITHIN), under the defaults */
};

static struct rel_check rel_checks[512];
static size_t n_rel_checks;

static const struct kv_indicator_def *rel_def(struct rel_cell c)
{
	return &plugins[c.plugin]->indicators[c.indicator];
}

static const char *rel_population(struct rel_cell c)
{
	const struct kv_indicator_def *d = rel_def(c);
	return c.bit == KV_IN_NUMERATOR ? d->numerator_population : d->denominator_population;
}

static void rel_name(struct rel_cell c, char *buf, size_t size)
{
	snprintf(buf, size, "%s.%s", rel_def(c)->id,
		 c.bit == KV_IN_NUMERATOR ? "numerator" : "denominator");
}

static struct rel_check *rel_add(enum rel_kind kind, const char *population,
				 struct rel_cell total)
{
	ck_assert_uint_lt(n_rel_checks, sizeof rel_checks / sizeof rel_checks[0]);
	struct rel_check *k = &rel_checks[n_rel_checks++];
	memset(k, 0, sizeof *k);
	k->kind = kind;
	k->population = population;
	k->total = total;
	return k;
}

/* Every cell, in plugin and indicator order. */
static size_t rel_cells(struct rel_cell *out)
{
	size_t n = 0;
	for (uint8_t k = 0; k < N_PLUGINS; k++)
		for (uint8_t i = 0; i < plugins[k]->n_indicators; i++) {
			out[n++] = (struct rel_cell){k, i, KV_IN_NUMERATOR};
			out[n++] = (struct rel_cell){k, i, KV_IN_DENOMINATOR};
		}
	return n;
}

/* The checks every declaration of every plugin amounts to. */
static void rel_build(void)
{
	static struct rel_cell cells[2 * 16 * N_PLUGINS];
	const size_t n = rel_cells(cells);
	n_rel_checks = 0;
	for (size_t a = 0; a < n; a++) {
		const char *pop = rel_population(cells[a]);
		/* equal: the first cell counting a population against every later one */
		bool first = pop != NULL;
		for (size_t b = 0; b < a && first; b++)
			first = rel_population(cells[b]) == NULL ||
				strcmp(rel_population(cells[b]), pop) != 0;
		for (size_t b = a + 1; first && b < n; b++)
			if (rel_population(cells[b]) != NULL &&
			    strcmp(rel_population(cells[b]), pop) == 0) {
				struct rel_check *k = rel_add(REL_EQUAL, pop, cells[a]);
				k->parts[k->n_parts++] = cells[b];
			}
		/* parts: against every cell counting the population */
		const struct kv_indicator_def *d = rel_def(cells[a]);
		if (pop != NULL) {
			struct rel_check parts = {0};
			for (size_t b = 0; b < n; b++) {
				const struct kv_indicator_def *e = rel_def(cells[b]);
				if (cells[b].bit == KV_IN_NUMERATOR && e->numerator_part_of != NULL &&
				    strcmp(e->numerator_part_of, pop) == 0) {
					ck_assert_uint_lt(parts.n_parts, REL_MAX_PARTS);
					parts.parts[parts.n_parts++] = cells[b];
					parts.complete = (e->relation_flags & KV_PARTS_COMPLETE) != 0;
				}
			}
			if (parts.n_parts > 0) {
				struct rel_check *k = rel_add(REL_PARTS, pop, cells[a]);
				memcpy(k->parts, parts.parts, sizeof parts.parts);
				k->n_parts = parts.n_parts;
				k->complete = parts.complete;
			}
		}
		/* within: against every cell counting each population named */
		const char *list = cells[a].bit == KV_IN_NUMERATOR ? d->numerator_within
								   : d->denominator_within;
		while (list != NULL && *list != '\0') {
			list += strspn(list, ", ");
			size_t len = strcspn(list, ", ");
			if (len == 0)
				break;
			size_t found = 0;
			for (size_t b = 0; b < n; b++) {
				const char *q = rel_population(cells[b]);
				if (b == a || q == NULL || strlen(q) != len ||
				    strncmp(q, list, len) != 0)
					continue;
				struct rel_check *k = rel_add(REL_WITHIN, q, cells[b]);
				k->parts[k->n_parts++] = cells[a];
				found++;
			}
			/* every name a shipped plugin is within is counted by one */
			ck_assert_msg(found > 0, "%s: no shipped indicator counts \"%.*s\"", d->id,
				      (int)len, list);
			list += len;
		}
	}
}

/* One configuration of every plugin (the defaults but for `overrides`: up to
 * four of plugin, key, value), `patients` generated patients over 2014-12 ..
 * 2023-04: every check holds in every month. false when an init refuses the
 * configuration. */
struct rel_override {
	const char *plugin, *key, *value;
};

static bool rel_hold(const struct rel_override *overrides, size_t n_overrides, int patients,
		     bool count_hits)
{
	struct run *runs = calloc(N_PLUGINS, sizeof *runs);
	struct gen_patient *g = malloc(sizeof *g);
	ck_assert(runs != NULL && g != NULL);
	bool ok = true;
	size_t n_init = 0;
	for (size_t k = 0; k < N_PLUGINS && ok; k++) {
		run_setup(&runs[k], plugins[k], 2014, 12, 101);
		size_t o = 0;
		for (size_t j = 0; j < n_overrides; j++)
			if (strcmp(overrides[j].plugin, plugin_names[k]) == 0 && o < 4) {
				runs[k].ctx.config[o][0] = overrides[j].key;
				runs[k].ctx.config[o][1] = overrides[j].value;
				o++;
			}
		ok = run_init(&runs[k]) == KV_OK;
		n_init += ok;
	}
	const size_t n_months = 101;
	for (int pt = 0; ok && pt < patients; pt++) {
		generate(g);
		for (size_t k = 0; k < N_PLUGINS; k++)
			run_compute(&runs[k], &g->p);
		for (size_t c = 0; c < n_rel_checks; c++) {
			struct rel_check *chk = &rel_checks[c];
			const struct run *rt = &runs[chk->total.plugin];
			for (size_t m = 0; m < n_months; m++) {
				int total = (flag(rt, chk->total.indicator, m) & chk->total.bit) != 0;
				int sum = 0;
				for (size_t j = 0; j < chk->n_parts; j++)
					sum += (flag(&runs[chk->parts[j].plugin], chk->parts[j].indicator,
						     m) & chk->parts[j].bit) != 0;
				bool holds = chk->kind == REL_EQUAL ? sum == total
					   : chk->kind == REL_WITHIN ? sum <= total
					   : chk->complete ? sum == total : sum <= total;
				if (count_hits && chk->kind == REL_WITHIN)
					chk->hits += (uint64_t)sum;
				if (holds)
					continue;
				char a[96], b[96];
				rel_name(chk->total, a, sizeof a);
				rel_name(chk->parts[0], b, sizeof b);
				ck_abort_msg("%s relation of population \"%s\" broken, patient %d, month "
					     "%zu: %s is %d, %s%s %d (%s%s%s)",
					     chk->kind == REL_EQUAL ? "equal"
					     : chk->kind == REL_WITHIN ? "within" : "parts",
					     chk->population, pt, m, a, total, b,
					     chk->n_parts > 1 ? " and the other parts" : "", sum,
					     n_overrides ? overrides[0].plugin : "defaults",
					     n_overrides ? " " : "", n_overrides ? overrides[0].key : "");
			}
		}
	}
	for (size_t k = 0; k < n_init; k++)
		run_fini(&runs[k]);
	free(g);
	free(runs);
	return ok;
}

/* The defaults over many patients, every within relation reached; and the
 * boundaries where two keys meet (equal values) accepted and holding. */
START_TEST(relations_hold_by_default)
{
	rel_build();
	rng_state = 0x5851f42d4c957f2dull;
	ck_assert(rel_hold(NULL, 0, 3000, true));
	for (size_t c = 0; c < n_rel_checks; c++) {
		char a[96], b[96];
		rel_name(rel_checks[c].total, a, sizeof a);
		rel_name(rel_checks[c].parts[0], b, sizeof b);
		ck_assert_msg(rel_checks[c].kind != REL_WITHIN || rel_checks[c].hits > 0,
			      "no generated patient in %s, declared within %s", b, a);
	}
	static const struct rel_override edges[][4] = {
		{{"elderly", "min_age", "70"}, {"risk_patients", "min_age", "70"}},
		{{"anxiety", "somatic_workup_days", "42"}, {"anxiety", "followup_days", "42"},
		 {"anxiety", "cbt_days", "42"}},
		{{"anxiety", "ad_diagnosis_months", "12"}},
		{{"multimorbidity", "comorbid_categories", "5"},
		 {"multimorbidity", "many_categories", "5"}},
		{{"multimorbidity", "window_months", "12"}, {"copd", "exacerbation_window_months", "12"},
		 {"addictive_drugs", "window_months", "12"}},
	};
	for (size_t e = 0; e < sizeof edges / sizeof edges[0]; e++) {
		size_t n = 0;
		while (n < 4 && edges[e][n].plugin != NULL)
			n++;
		ck_assert_msg(rel_hold(edges[e], n, 600, false), "%s %s = %s refused",
			      edges[e][0].plugin, edges[e][0].key, edges[e][0].value);
	}
}
END_TEST

/* Each integer key of one plugin at its lowest, its highest and twice its
 * default (the others at their defaults; configurations init refuses are
 * skipped): every relation still holds. */
START_TEST(relations_hold_when_configured)
{
	const struct kv_indicator_plugin *p = plugins[_i];
	rel_build();
	rng_state = 0x2545f4914f6cdd1dull ^ (uint64_t)(_i + 7);
	int tried = 0;
	for (size_t k = 0; k < p->n_settings; k++) {
		const struct kv_config_key *key = &p->settings[k].key;
		long lo, hi;
		if (key->type != KV_CONFIG_INT || key->allowed == NULL ||
		    sscanf(key->allowed, "%ld..%ld", &lo, &hi) != 2)
			continue;
		long def = key->default_value ? strtol(key->default_value, NULL, 10) : lo;
		long tries[3] = {lo, hi, 2 * def < hi ? 2 * def : hi};
		char text[3][24];
		for (int t = 0; t < 3; t++) {
			snprintf(text[t], sizeof text[t], "%ld", tries[t]);
			const struct rel_override o = {p->name, key->key, text[t]};
			tried += rel_hold(&o, 1, 300, false);
		}
	}
	ck_assert_int_gt(tried, 0);
}
END_TEST

static Suite *plugins_suite(void)
{
	Suite *s = suite_create("indicator plugins");
	TCase *tc = tcase_create("diabetes");
	tcase_add_test(tc, dm_descriptor);
	tcase_add_loop_test(tc, dm_missing_value_set, 0, 7);
	tcase_add_loop_test(tc, dm_inconsistent_thresholds, 0, 3);
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
	tc = tcase_create("every plugin");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, all_descriptors);
	tcase_add_loop_test(tc, all_missing_value_set, 0, (int)N_PLUGINS);
	tcase_add_loop_test(tc, all_bad_config, 0, (int)N_BAD_CONFIGS);
	tcase_add_loop_test(tc, containment_config_refused, 0, (int)N_CONTAINMENT_CONFIGS);
	tcase_add_loop_test(tc, all_invariants, 0, (int)N_PLUGINS);
	tcase_add_loop_test(tc, all_lookback_covers_the_windows, 0, (int)N_PLUGINS);
	tcase_add_test(tc, relations_hold_by_default);
	tcase_add_loop_test(tc, relations_hold_when_configured, 0, (int)N_PLUGINS);
	suite_add_tcase(s, tc);
	tc = tcase_create("configuration");
	tcase_add_test(tc, add_window_from_config);
	tcase_add_test(tc, anx_followup_from_config);
	tcase_add_test(tc, chd_window_from_config);
	tcase_add_test(tc, copd_control_days_from_config);
	tcase_add_test(tc, dep_workup_from_config);
	tcase_add_test(tc, eld_age_and_window_from_config);
	tcase_add_test(tc, mm_categories_from_config);
	tcase_add_test(tc, risk_from_config);
	suite_add_tcase(s, tc);
	tc = tcase_create("decisive");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, all_decisive_declared);
	tcase_add_loop_test(tc, all_decisive_only_in_the_denominator, 0, (int)N_PLUGINS);
	tcase_add_loop_test(tc, all_decisive_needs_struct_size, 0, (int)N_PLUGINS);
	tcase_add_test(tc, dm_decisive);
	tcase_add_test(tc, lmg_decisive);
	tcase_add_test(tc, add_decisive);
	tcase_add_test(tc, anx_dep_decisive);
	tcase_add_test(tc, chd_copd_decisive);
	tcase_add_test(tc, eld_mm_risk_decisive);
	suite_add_tcase(s, tc);
	tc = tcase_create("speed");
	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, speed, 0, (int)N_PLUGINS);
	suite_add_tcase(s, tc);
	return s;
}

int main(int argc, char **argv)
{
	SRunner *sr = srunner_create(plugins_suite());
	int rc = ck_aim(sr, argc, argv, "check_plugins");
	if (rc >= 0) {
		srunner_free(sr);
		return rc;
	}
	fake_host_load_value_sets("check_plugins");
	for (size_t k = 0; k < N_PLUGINS; k++)
		plugins[k] = load(plugin_names[k], &handles[k]);
	dm = plugin_named("diabetes");
	lmg = plugin_named("medication_review");
	rc = ck_aim_run(sr);
	srunner_free(sr);
	for (size_t k = 0; k < N_PLUGINS; k++)
		if (getenv("KV_NO_DLCLOSE") == NULL)
			dlclose(handles[k]);
	fake_host_free_value_sets();
	return rc;
}
