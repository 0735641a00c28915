/*
 * test_engine_local.c - what only the office sees of a run
 * (core/engine_local.c): counts per list holder over months, the patients of
 * a month's cells with key, holder, decisive date and names, and what the
 * run asks the connector for. The fixtures are tests/plugins/t_local_*.c,
 * whose comments give each patient.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "setup.h"
#include "testutil.h"

static char *dir;
static struct kv_setup s;
static bool loaded;

static void setup(void)
{
	dir = tu_mkdtemp();
	tu_install_test_plugin(dir, "t_local_connector");
	tu_install_test_plugin(dir, "t_local_indicator");
	tu_install_test_plugin(dir, "t_good_connector");
	setenv("KV_T_ORIGIN_BITS_FILE", tu_path(dir, "origin-bits"), 1);
	loaded = false;
}

static void teardown(void)
{
	if (loaded)
		kv_setup_free(&s);
	unsetenv("KV_T_ORIGIN_BITS_FILE");
	tu_rmtree(dir);
	free(dir);
}

static void load(const char *connector)
{
	char text[8192];
	snprintf(text, sizeof text,
		 "[office]\nid = local-test\n[core]\nconnector_dir = %s\nindicator_dir = %s\n"
		 "value_sets = %s\nstate_dir = %s/state\n[connector.%s]\ndsn = x\n"
		 "[indicator.t_local_indicator]\n",
		 dir, dir, tu_value_sets(), dir, connector);
	const char *path = tu_path(dir, "kvalind.ini");
	tu_write_file(path, text, 0600);
	struct kv_diags d = {0};
	ck_assert_int_eq(kv_setup_load(path, &s, &d), KV_EXIT_OK);
	ck_assert_msg(d.n == 0, "%s", d.n ? d.msgs[0] : "");
	kv_diags_free(&d);
	loaded = true;
}

static unsigned origin_bits(void)
{
	char *text = tu_read_file(tu_path(dir, "origin-bits"));
	unsigned bits = (unsigned)strtoul(text, NULL, 10);
	free(text);
	return bits;
}

static kv_month month(int y, int m)
{
	return (kv_month)(y * 12 + m - 1);
}

/* The cell of holder id in month index k, or NULL when id is not a holder. */
static const struct kv_cell *holder_cell(const struct kv_result *r, uint64_t id, size_t k)
{
	for (size_t h = 0; h < r->n_holders; h++)
		if (r->holders[h] == id)
			return &r->series[0].holder_cells[h * r->n_months + k];
	return NULL;
}

static void expect_cell(const struct kv_cell *c, uint64_t num, uint64_t den)
{
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->numerator, num);
	ck_assert_uint_eq(c->denominator, den);
}

START_TEST(counts_per_list_holder_follow_each_month)
{
	load("t_local_connector");
	struct kv_result r;
	struct kv_engine_options o = {.by_holder = true};
	ck_assert_msg(kv_engine_run_with(&s, month(2023, 1), month(2023, 6), &o, &r) == 0, "%s",
		      r.failure);
	ck_assert_uint_eq(origin_bits(), KV_ORIGIN_HOLDERS);
	ck_assert(r.by_holder);
	ck_assert_uint_eq(r.n_holders, 4);
	ck_assert_uint_eq(r.holders[0], 0);
	ck_assert_uint_eq(r.holders[1], 7);
	ck_assert_uint_eq(r.holders[3], 9);
	/* February: patient 11 still on GP 7's list; June: moved to GP 8 */
	expect_cell(holder_cell(&r, 7, 1), 1, 1);
	expect_cell(holder_cell(&r, 8, 1), 1, 2);
	expect_cell(holder_cell(&r, 9, 1), 1, 1);
	expect_cell(holder_cell(&r, 0, 1), 0, 0);
	expect_cell(holder_cell(&r, 7, 5), 0, 0);
	expect_cell(holder_cell(&r, 8, 5), 2, 3);
	/* the holders add up to the office in every month */
	for (size_t k = 0; k < r.n_months; k++) {
		uint64_t n = 0, d = 0;
		for (size_t h = 0; h < r.n_holders; h++) {
			n += r.series[0].holder_cells[h * r.n_months + k].numerator;
			d += r.series[0].holder_cells[h * r.n_months + k].denominator;
		}
		ck_assert_uint_eq(n, r.series[0].cells[k].numerator);
		ck_assert_uint_eq(d, r.series[0].cells[k].denominator);
	}
	kv_result_free(&r);
}
END_TEST

START_TEST(a_plain_run_asks_for_no_origin)
{
	load("t_local_connector");
	struct kv_result r;
	ck_assert_int_eq(kv_engine_run(&s, month(2023, 1), month(2023, 2), false, &r), 0);
	ck_assert_uint_eq(origin_bits(), 0);
	ck_assert(!r.by_holder);
	ck_assert_ptr_null(r.series[0].holder_cells);
	expect_cell(&r.series[0].cells[1], 3, 4);
	kv_result_free(&r);
}
END_TEST

static const struct kv_listed_patient *find_patient(const struct kv_members *m, uint64_t ref)
{
	for (size_t i = 0; i < m->n_patients; i++)
		if (m->patients[i].local_ref == ref)
			return &m->patients[i];
	return NULL;
}

static const struct kv_member *row_of(const struct kv_members *m, uint64_t ref)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->patients[m->rows[i].patient].local_ref == ref)
			return &m->rows[i];
	return NULL;
}

START_TEST(members_carry_key_holder_decisive_and_names)
{
	load("t_local_connector");
	struct kv_result r;
	struct kv_members m = {.indicator = "T_LISTED", .month = month(2023, 2),
			       .patient_names = true, .holder_names = true};
	struct kv_engine_options o = {.members = &m};
	ck_assert_msg(kv_engine_run_with(&s, month(2023, 2), month(2023, 2), &o, &r) == 0, "%s",
		      r.failure);
	ck_assert_uint_eq(origin_bits(), KV_ORIGIN_KEY | KV_ORIGIN_HOLDERS);
	ck_assert_uint_eq(m.n_patients, 3);
	ck_assert_uint_eq(m.n, 3);
	ck_assert_uint_eq(m.without_key, 1); /* ref 0, in the denominator */

	const struct kv_listed_patient *p11 = find_patient(&m, 11);
	ck_assert_ptr_nonnull(p11);
	ck_assert_str_eq(p11->key, "A-11");
	ck_assert_uint_eq(p11->list_holder, 7);
	/* a control character from the record system never reaches a terminal;
	 * the first answer counts, a name never asked about is dropped */
	ck_assert_str_eq(p11->name, "Kari ?]0;Nordmann");
	const struct kv_member *r11 = row_of(&m, 11);
	ck_assert_uint_eq(r11->flags, KV_IN_DENOMINATOR | KV_IN_NUMERATOR);
	ck_assert_int_eq(r11->decisive_date, kv_date_from_ymd(2020, 1, 1));
	ck_assert(r11->decisive_value == 0.0);

	const struct kv_listed_patient *p12 = find_patient(&m, 12);
	ck_assert_str_eq(p12->key, "12"); /* no key: the reference */
	ck_assert_uint_eq(p12->list_holder, 8);
	ck_assert_ptr_null(p12->name);
	ck_assert_uint_eq(row_of(&m, 12)->flags, KV_IN_DENOMINATOR);

	const struct kv_listed_patient *p13 = find_patient(&m, 13);
	ck_assert_str_eq(p13->key, "X?[2J?Y");
	ck_assert_str_eq(p13->name, "Ola");
	ck_assert_int_eq(row_of(&m, 13)->decisive_date, kv_date_from_ymd(2022, 1, 1));

	ck_assert_ptr_null(find_patient(&m, 14)); /* on no list: not in the cell */
	ck_assert_str_eq(kv_members_holder_name(&m, 7), "Dr. Sju");
	ck_assert_str_eq(kv_members_holder_name(&m, 8), "Dr. Aatte");
	ck_assert_ptr_null(kv_members_holder_name(&m, 9));
	kv_members_free(&m);
	kv_result_free(&r);
}
END_TEST

START_TEST(names_are_not_read_unless_asked)
{
	load("t_local_connector");
	struct kv_result r;
	struct kv_members m = {.indicator = "T_LISTED", .month = month(2023, 2)};
	struct kv_engine_options o = {.members = &m};
	ck_assert_int_eq(kv_engine_run_with(&s, month(2023, 2), month(2023, 2), &o, &r), 0);
	for (size_t i = 0; i < m.n_patients; i++)
		ck_assert_ptr_null(m.patients[i].name);
	ck_assert_uint_eq(m.n_holders, 0);
	ck_assert_ptr_null(kv_members_holder_name(&m, 7));
	kv_members_free(&m);
	kv_result_free(&r);
}
END_TEST

START_TEST(a_bad_cell_is_refused)
{
	load("t_local_connector");
	struct kv_result r;
	struct kv_members m = {.indicator = "NO_SUCH", .month = month(2023, 2)};
	struct kv_engine_options o = {.members = &m};
	ck_assert_int_eq(kv_engine_run_with(&s, month(2023, 2), month(2023, 2), &o, &r), -1);
	ck_assert(strstr(r.failure, "NO_SUCH") != NULL);
	kv_members_free(&m);
	kv_result_free(&r);
	m = (struct kv_members){.indicator = "T_LISTED", .month = month(2023, 5)};
	ck_assert_int_eq(kv_engine_run_with(&s, month(2023, 2), month(2023, 3), &o, &r), -1);
	ck_assert_str_eq(r.failure, "the month is outside the run");
	kv_members_free(&m);
	kv_result_free(&r);
}
END_TEST

/* t_good_connector passes list_holder (at the end of the read) but no
 * holder per period: right for one month, refused across months. */
START_TEST(a_connector_without_period_holders)
{
	load("t_good_connector");
	struct kv_result r;
	struct kv_engine_options o = {.by_holder = true};
	ck_assert_int_eq(kv_engine_run_with(&s, month(2023, 1), month(2023, 2), &o, &r), -1);
	ck_assert_msg(strstr(r.failure, "no list holder of each list period") != NULL, "%s",
		      r.failure);
	kv_result_free(&r);
	ck_assert_int_eq(kv_engine_run_with(&s, month(2023, 2), month(2023, 2), &o, &r), 0);
	ck_assert_uint_eq(r.n_holders, 1);
	ck_assert_uint_eq(r.holders[0], 0x6c697374686f6c64ull); /* t_magic.h */
	kv_result_free(&r);
}
END_TEST

Suite *suite_engine_local(void)
{
	Suite *su = suite_create("engine_local");
	TCase *tc = tcase_create("engine_local");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, counts_per_list_holder_follow_each_month);
	tcase_add_test(tc, a_plain_run_asks_for_no_origin);
	tcase_add_test(tc, members_carry_key_holder_decisive_and_names);
	tcase_add_test(tc, names_are_not_read_unless_asked);
	tcase_add_test(tc, a_bad_cell_is_refused);
	tcase_add_test(tc, a_connector_without_period_holders);
	suite_add_tcase(su, tc);
	return su;
}
