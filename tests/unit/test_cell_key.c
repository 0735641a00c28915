/*
 * test_cell_key.c - cell-key perturbation: the key file, the noise, and
 * what it does to a controlled month
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cell_key.h"
#include "disclosure.h"
#include "relations.h"
#include "testutil.h"

static char err[1024];

START_TEST(the_key_is_made_once_private_and_read_back)
{
	char *dir = tu_mkdtemp();
	unsigned char a[KV_CELL_KEY_SIZE], b[KV_CELL_KEY_SIZE];
	ck_assert_msg(kv_cell_key_load(dir, a, err, sizeof err) == 0, "%s", err);
	struct stat st;
	ck_assert_int_eq(stat(tu_path(dir, KV_CELL_KEY_FILE), &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(st.st_size, KV_CELL_KEY_SIZE);
	ck_assert_msg(kv_cell_key_load(dir, b, err, sizeof err) == 0, "%s", err);
	ck_assert_mem_eq(a, b, sizeof a);
	/* a key others can read is refused, naming the file */
	ck_assert_int_eq(chmod(tu_path(dir, KV_CELL_KEY_FILE), 0644), 0);
	ck_assert_int_eq(kv_cell_key_load(dir, b, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "cell-key") != NULL && strstr(err, "chmod 600") != NULL, "%s",
		      err);
	/* so is one of the wrong size */
	tu_write_file(tu_path(dir, KV_CELL_KEY_FILE), "short", 0600);
	ck_assert_int_eq(kv_cell_key_load(dir, b, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "not a cell key") != NULL, "%s", err);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* A lost key is not silently replaced while extracts made with it exist. */
START_TEST(a_lost_key_is_not_made_again_over_extracts_made_with_it)
{
	char *dir = tu_mkdtemp();
	unsigned char a[KV_CELL_KEY_SIZE];
	char sub[4200];
	snprintf(sub, sizeof sub, "%s/outbox", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	snprintf(sub, sizeof sub, "%s/outbox/sent", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	snprintf(sub, sizeof sub, "%s/outbox/sent/o_2023-04_0123456789abcdef", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	/* an extract of the first algorithm (no noise): a key may be made */
	tu_write_file(tu_path(sub, "manifest.json"), "{\"disclosure\": {\"min_count\": 5}}\n", 0600);
	ck_assert_msg(kv_cell_key_load(dir, a, err, sizeof err) == 0, "%s", err);
	ck_assert_int_eq(unlink(tu_path(dir, KV_CELL_KEY_FILE)), 0);
	/* one made with a key: the lost key is refused, naming what to do */
	tu_write_file(tu_path(sub, "manifest.json"),
		      "{\"disclosure\": {\"perturbation\": \"cell_key\"}}\n", 0600);
	ck_assert_int_eq(kv_cell_key_load(dir, a, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "is missing") != NULL && strstr(err, "restore it") != NULL &&
			  strstr(err, "o_2023-04_0123456789abcdef") != NULL,
		      "%s", err);
	struct stat st;
	ck_assert_int_ne(stat(tu_path(dir, KV_CELL_KEY_FILE), &st), 0);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(the_noise_is_a_function_of_key_cell_and_count)
{
	unsigned char key[KV_CELL_KEY_SIZE], other[KV_CELL_KEY_SIZE];
	for (int i = 0; i < KV_CELL_KEY_SIZE; i++) {
		key[i] = (unsigned char)i;
		other[i] = (unsigned char)(i + 1);
	}
	long hist[5] = {0};
	int differs_by_key = 0, differs_by_cell = 0, differs_by_draw = 0;
	for (uint64_t t = 0; t < 20000; t++) {
		int64_t n = kv_cell_key_noise(key, "X.numerator", t, 2, 0);
		ck_assert_int_ge(n, -2);
		ck_assert_int_le(n, 2);
		ck_assert_int_eq(n, kv_cell_key_noise(key, "X.numerator", t, 2, 0));
		hist[n + 2]++;
		differs_by_key += n != kv_cell_key_noise(other, "X.numerator", t, 2, 0);
		differs_by_cell += n != kv_cell_key_noise(key, "Y.numerator", t, 2, 0);
		differs_by_draw += n != kv_cell_key_noise(key, "X.numerator", t, 2, 1);
	}
	/* triangular 1:2:3:2:1 over the counts */
	const double want[5] = {1 / 9.0, 2 / 9.0, 3 / 9.0, 2 / 9.0, 1 / 9.0};
	for (int i = 0; i < 5; i++)
		ck_assert_msg(hist[i] > 20000 * want[i] * 0.9 && hist[i] < 20000 * want[i] * 1.1,
			      "noise %d: %ld of 20000", i - 2, hist[i]);
	ck_assert_int_gt(differs_by_key, 10000);
	ck_assert_int_gt(differs_by_cell, 10000);
	ck_assert_int_gt(differs_by_draw, 10000);
	ck_assert_int_eq(kv_cell_key_noise(key, "X.numerator", 7, 0, 0), 0);
}
END_TEST

/* A prevalence and two indicators whose denominators count its numerator. */
static const struct kv_indicator_def defs[] = {
	{.id = "A_PREV", .type = KV_INDICATOR_PROPORTION, .denominator_population = "listed",
	 .numerator_population = "p"},
	{.id = "B_ONE", .type = KV_INDICATOR_PROPORTION, .denominator_population = "p"},
	{.id = "C_TWO", .type = KV_INDICATOR_PROPORTION, .denominator_population = "p"},
};

START_TEST(cells_of_one_population_get_one_noise_within_the_bound)
{
	struct kv_series series[3];
	struct kv_cell cells[3];
	struct kv_published out[3];
	memset(series, 0, sizeof series);
	for (int s = 0; s < 3; s++) {
		series[s].def = &defs[s];
		series[s].id = defs[s].id;
		series[s].type = defs[s].type;
		series[s].computable = true;
		series[s].cells = &cells[s];
	}
	struct kv_result res = {.series = series, .n_series = 3, .n_months = 1,
				.first_month = 2023 * 12};
	struct kv_relations rel;
	ck_assert_int_eq(kv_relations_build(series, 3, &rel, err, sizeof err), 0);
	struct kv_disclosure_params p = {.min_count = 5, .rounding_base = 5, .noise_max = 2};
	memset(p.cell_key, 7, sizeof p.cell_key);
	int moved = 0;
	for (uint64_t d = 40; d < 400; d++) {
		cells[0] = (struct kv_cell){.numerator = d, .denominator = 5000};
		cells[1] = (struct kv_cell){.numerator = d / 3, .denominator = d};
		cells[2] = (struct kv_cell){.numerator = d / 2, .denominator = d};
		ck_assert_msg(kv_disclosure_month(&res, &rel, &p, 0, out, err, sizeof err) == 0,
			      "%s", err);
		if (out[0].numerator_status != KV_CELL_PUBLISHED)
			continue;
		/* one population, one published count */
		ck_assert_uint_eq(out[1].denominator, out[0].numerator);
		ck_assert_uint_eq(out[2].denominator, out[0].numerator);
		/* within the rounding of the count moved by at most 2 */
		ck_assert_uint_eq(out[0].numerator % 5, 0);
		ck_assert_uint_le(out[0].numerator, d + 2 + 2);
		ck_assert_uint_ge(out[0].numerator + 2 + 2, d);
		moved += out[0].numerator != kv_disclosure_round(&p, d);
	}
	/* the noise does change some published counts */
	ck_assert_int_gt(moved, 50);
	kv_relations_free(&rel);
}
END_TEST

Suite *suite_cell_key(void)
{
	Suite *s = suite_create("cell_key");
	TCase *tc = tcase_create("cell_key");
	tcase_add_test(tc, the_key_is_made_once_private_and_read_back);
	tcase_add_test(tc, a_lost_key_is_not_made_again_over_extracts_made_with_it);
	tcase_add_test(tc, the_noise_is_a_function_of_key_cell_and_count);
	tcase_add_test(tc, cells_of_one_population_get_one_noise_within_the_bound);
	suite_add_tcase(s, tc);
	return s;
}
