/*
 * test_disclosure.c - primary and secondary suppression, rounding, shares,
 * and the relations behind them, on hand-made results
 */
#include <stdlib.h>
#include <string.h>

#include "disclosure.h"
#include "relations.h"
#include "testutil.h"

/* A small catalogue: a prevalence whose numerator is the population "p" that
 * four indicators count in their denominators; three of them partition the
 * numerator of the fourth ("m") completely (hidden, when one more must be,
 * E first, then D, then C: their hide_priority), and two others partition
 * "q" partially. */
static const struct kv_indicator_def defs[] = {
	{.id = "A_PREV", .type = KV_INDICATOR_PROPORTION, .denominator_population = "listed",
	 .numerator_population = "p"},
	{.id = "B_MEASURED", .type = KV_INDICATOR_PROPORTION, .denominator_population = "p",
	 .numerator_population = "m"},
	{.id = "C_LOW", .type = KV_INDICATOR_PROPORTION, .denominator_population = "p",
	 .numerator_part_of = "m", .relation_flags = KV_PARTS_COMPLETE, .hide_priority = 1},
	{.id = "D_MID", .type = KV_INDICATOR_PROPORTION, .denominator_population = "p",
	 .numerator_part_of = "m", .relation_flags = KV_PARTS_COMPLETE, .hide_priority = 2},
	{.id = "E_HIGH", .type = KV_INDICATOR_PROPORTION, .denominator_population = "p",
	 .numerator_part_of = "m", .relation_flags = KV_PARTS_COMPLETE, .hide_priority = 3},
	{.id = "F_TESTED", .type = KV_INDICATOR_PROPORTION, .denominator_population = "p",
	 .numerator_population = "q"},
	{.id = "G_POS", .type = KV_INDICATOR_PROPORTION, .denominator_population = "p",
	 .numerator_part_of = "q"},
	{.id = "H_NEG", .type = KV_INDICATOR_PROPORTION, .denominator_population = "p",
	 .numerator_part_of = "q"},
	{.id = "I_MEAN", .type = KV_INDICATOR_MEAN},
	{.id = "J_ALONE", .type = KV_INDICATOR_PROPORTION},
};
enum { A, B, C, D, E, F, G, H, I, J, NS };

static struct kv_result res;
static struct kv_cell cells[NS];
static struct kv_relations rel;
static struct kv_published out[NS];
static const struct kv_disclosure_params p55 = {.min_count = 5, .rounding_base = 5};
static char err[1024];

static void setup(void)
{
	memset(&res, 0, sizeof res);
	static struct kv_series series[NS];
	memset(series, 0, sizeof series);
	for (int s = 0; s < NS; s++) {
		series[s].def = &defs[s];
		series[s].id = defs[s].id;
		series[s].type = defs[s].type;
		series[s].computable = true;
		series[s].cells = &cells[s];
	}
	res.series = series;
	res.n_series = NS;
	res.n_months = 1;
	res.first_month = 2023 * 12 + 3;
	ck_assert_int_eq(kv_relations_build(res.series, NS, &rel, err, sizeof err), 0);
}

static void teardown(void)
{
	kv_relations_free(&rel);
}

static void set(int s, uint64_t n, uint64_t d)
{
	cells[s].numerator = n;
	cells[s].denominator = d;
	cells[s].value_sum = 0;
}

/* A consistent month: 1000 listed, 100 in p, m = 60 + 20 + 10 = 90,
 * q = 40 + 30 (+ 10 untyped). */
static void consistent_month(void)
{
	set(A, 100, 1000);
	set(B, 90, 100);
	set(C, 60, 100);
	set(D, 20, 100);
	set(E, 10, 100);
	set(F, 80, 100);
	set(G, 40, 100);
	set(H, 30, 100);
	set(I, 50, 50);
	cells[I].value_sum = 6123.0;
	set(J, 12, 40);
}

static void control(void)
{
	ck_assert_msg(kv_disclosure_month(&res, &rel, &p55, 0, out, err, sizeof err) == 0, "%s",
		      err);
}

/* A random consistent month, mostly of small counts. */
static void random_month(void)
{
	uint64_t listed = 5 + (uint64_t)(rand() % 400);
	uint64_t pp = (uint64_t)rand() % (listed + 1);
	uint64_t c = (uint64_t)rand() % (pp + 1), d = (uint64_t)rand() % (pp - c + 1);
	uint64_t e = (uint64_t)rand() % (pp - c - d + 1);
	uint64_t g = (uint64_t)rand() % (pp + 1), h = (uint64_t)rand() % (pp - g + 1);
	uint64_t f = g + h + (uint64_t)rand() % (pp - g - h + 1);
	set(A, pp, listed);
	set(B, c + d + e, pp);
	set(C, c, pp);
	set(D, d, pp);
	set(E, e, pp);
	set(F, f, pp);
	set(G, g, pp);
	set(H, h, pp);
	set(I, (uint64_t)rand() % 30, 0);
	cells[I].denominator = cells[I].numerator;
	set(J, (uint64_t)rand() % 20, 20);
}

START_TEST(rounding_is_to_the_nearest_multiple_never_below_min_count)
{
	const struct kv_disclosure_params p = {.min_count = 5, .rounding_base = 5},
					  p7 = {.min_count = 7, .rounding_base = 5},
					  p3 = {.min_count = 3, .rounding_base = 3},
					  p10 = {.min_count = 10, .rounding_base = 10};
	ck_assert_uint_eq(kv_disclosure_round(&p, 5), 5);
	ck_assert_uint_eq(kv_disclosure_round(&p, 7), 5);
	ck_assert_uint_eq(kv_disclosure_round(&p, 8), 10);
	ck_assert_uint_eq(kv_disclosure_round(&p, 12), 10);
	ck_assert_uint_eq(kv_disclosure_round(&p, 13), 15);
	ck_assert_uint_eq(kv_disclosure_round(&p, 1002), 1000);
	ck_assert_uint_eq(kv_disclosure_round(&p7, 7), 10); /* 5 would be below min_count */
	ck_assert_uint_eq(kv_disclosure_round(&p3, 4), 3);
	ck_assert_uint_eq(kv_disclosure_round(&p3, 5), 6);
	ck_assert_uint_eq(kv_disclosure_round(&p10, 14), 10);
	ck_assert_uint_eq(kv_disclosure_round(&p10, 15), 20);
	/* the same true count always gives the same published count */
	for (uint64_t t = 5; t < 500; t++)
		ck_assert_uint_eq(kv_disclosure_round(&p, t), kv_disclosure_round(&p, t));
}
END_TEST

START_TEST(relations_are_built_from_the_declarations)
{
	ck_assert_uint_eq(rel.n, 3);
	FILE *f = tmpfile();
	kv_relations_print(&rel, res.series, f);
	rewind(f);
	char buf[2048] = {0};
	ck_assert(fread(buf, 1, sizeof buf - 1, f) > 0);
	fclose(f);
	ck_assert_msg(strstr(buf, "equal\tA_PREV.numerator\tB_MEASURED.denominator\t"
				  "C_LOW.denominator") != NULL, "%s", buf);
	/* the parts in the order secondary suppression hides them */
	ck_assert_msg(strstr(buf, "sum\tB_MEASURED.numerator\tcomplete\tE_HIGH.numerator\t"
				  "D_MID.numerator\tC_LOW.numerator\n") != NULL, "%s", buf);
	ck_assert_msg(strstr(buf, "sum\tF_TESTED.numerator\tpartial\tG_POS.numerator\t"
				  "H_NEG.numerator\n") != NULL, "%s", buf);
}
END_TEST

START_TEST(a_consistent_month_with_large_counts_is_published_rounded)
{
	consistent_month();
	set(J, 13, 42);
	control();
	ck_assert_uint_eq(out[J].numerator_status, KV_CELL_PUBLISHED);
	ck_assert_uint_eq(out[J].numerator, 15);
	ck_assert_uint_eq(out[J].denominator, 40);
	ck_assert(out[J].has_share);
	/* the share is of the published counts, never of the true ones */
	ck_assert_double_eq_tol(out[J].share, 15.0 / 40.0, 1e-12);
	ck_assert_uint_eq(out[A].numerator, 100);
	ck_assert_uint_eq(out[A].denominator, 1000);
}
END_TEST

START_TEST(small_counts_and_zero_are_suppressed_never_zero)
{
	consistent_month();
	set(J, 0, 40);
	control();
	ck_assert_uint_eq(out[J].numerator_status, KV_CELL_SMALL);
	ck_assert_uint_eq(out[J].numerator, 0);
	ck_assert(!out[J].has_share);
	ck_assert_str_eq(kv_cell_status_name(out[J].numerator_status), "suppressed_small");
	set(J, 4, 40);
	control();
	ck_assert_uint_eq(out[J].numerator_status, KV_CELL_SMALL);
	ck_assert_uint_eq(out[J].denominator_status, KV_CELL_PUBLISHED);
	set(J, 3, 4);
	control();
	ck_assert_uint_eq(out[J].numerator_status, KV_CELL_SMALL);
	ck_assert_uint_eq(out[J].denominator_status, KV_CELL_SMALL);
}
END_TEST

START_TEST(a_small_complement_suppresses_the_numerator)
{
	consistent_month();
	set(J, 37, 40);
	control();
	ck_assert_uint_eq(out[J].numerator_status, KV_CELL_COMPLEMENT);
	ck_assert_uint_eq(out[J].denominator_status, KV_CELL_PUBLISHED);
	ck_assert(!out[J].has_share);
	set(J, 40, 40); /* everyone: complement 0 */
	control();
	ck_assert_uint_eq(out[J].numerator_status, KV_CELL_COMPLEMENT);
	set(J, 35, 40); /* complement exactly min_count: published */
	control();
	ck_assert_uint_eq(out[J].numerator_status, KV_CELL_PUBLISHED);
}
END_TEST

START_TEST(one_small_part_of_a_complete_sum_hides_another)
{
	consistent_month();
	set(E, 3, 100);
	set(B, 83, 100); /* 60 + 20 + 3 */
	control();
	ck_assert_uint_eq(out[E].numerator_status, KV_CELL_SMALL);
	/* the next part by hide_priority goes too, so E = B - C - D cannot be
	 * computed */
	ck_assert_uint_eq(out[D].numerator_status, KV_CELL_SECONDARY);
	ck_assert_uint_eq(out[C].numerator_status, KV_CELL_PUBLISHED);
	ck_assert_uint_eq(out[B].numerator_status, KV_CELL_PUBLISHED);
	ck_assert(!out[D].has_share);
}
END_TEST

START_TEST(a_lone_hidden_part_of_a_partial_sum_hides_another_whatever_the_remainder)
{
	consistent_month();
	set(G, 3, 100);
	set(F, 73, 100); /* 3 + 30 + 40 untyped: a large remainder */
	control();
	ck_assert_uint_eq(out[G].numerator_status, KV_CELL_SMALL);
	/* the remainder is not counted as hidden: G = F - H - rest must not be
	 * narrowed by H alone, so H goes too, as in a complete sum */
	ck_assert_uint_eq(out[H].numerator_status, KV_CELL_SECONDARY);
	ck_assert_uint_eq(out[F].numerator_status, KV_CELL_PUBLISHED);
	set(F, 36, 100); /* 3 + 30 + 3 untyped: the same statuses */
	control();
	ck_assert_uint_eq(out[H].numerator_status, KV_CELL_SECONDARY);
}
END_TEST

START_TEST(a_small_remainder_is_never_published_and_hides_nothing)
{
	consistent_month();
	set(F, 73, 100); /* 40 + 30 + 3 untyped */
	control();
	/* whether the remainder is small is not read (it would show through
	 * what is hidden): all three counts are published, and the remainder
	 * is known only as F - G - H within the rounding, 0..11 */
	ck_assert_uint_eq(out[F].numerator_status, KV_CELL_PUBLISHED);
	ck_assert_uint_eq(out[G].numerator_status, KV_CELL_PUBLISHED);
	ck_assert_uint_eq(out[H].numerator_status, KV_CELL_PUBLISHED);
	ck_assert_uint_eq(out[F].numerator, 75);
	ck_assert_uint_eq(out[G].numerator, 40);
	ck_assert_uint_eq(out[H].numerator, 30);
}
END_TEST

/* The primary status of a cell: what its status says before rule 2. */
static uint8_t primary_status(uint8_t st)
{
	return st == KV_CELL_SECONDARY ? KV_CELL_PUBLISHED : st;
}

/* Rule 2 reads statuses only: every month of small parts of the complete
 * sum B = C + D + E (and of the partial sum F >= G + H) whose primary
 * statuses agree is suppressed alike, whatever its counts. */
START_TEST(secondary_suppression_reads_no_count)
{
	enum { V = 11 };
	static uint8_t seen[1 << 12][NS][2];
	static bool have[1 << 12];
	memset(have, 0, sizeof have);
	int compared = 0;
	for (uint64_t c = 0; c < V; c++)
		for (uint64_t d = 0; d < V; d++)
			for (uint64_t e = 0; e < V; e++) {
				consistent_month();
				set(B, c + d + e, 100);
				set(C, c, 100);
				set(D, d, 100);
				set(E, e, 100);
				set(G, (c * 7 + e) % V, 100);
				set(H, (d * 3 + c) % V, 100);
				set(F, cells[G].numerator + cells[H].numerator + e % 4, 100);
				control();
				if (out[A].numerator_status == KV_CELL_WITHHELD)
					continue;
				unsigned key = 0;
				const int watched[] = {B, C, D, E, F, G, H};
				for (size_t i = 0; i < sizeof watched / sizeof *watched; i++)
					key = key * 2 + (primary_status(out[watched[i]].numerator_status) !=
							 KV_CELL_PUBLISHED);
				if (!have[key]) {
					have[key] = true;
					for (int s = 0; s < NS; s++) {
						seen[key][s][0] = out[s].numerator_status;
						seen[key][s][1] = out[s].denominator_status;
					}
					continue;
				}
				compared++;
				for (int s = 0; s < NS; s++) {
					ck_assert_uint_eq(out[s].numerator_status, seen[key][s][0]);
					ck_assert_uint_eq(out[s].denominator_status, seen[key][s][1]);
				}
			}
	ck_assert_int_gt(compared, 1000);
}
END_TEST

START_TEST(a_hidden_population_is_hidden_wherever_it_is_counted)
{
	consistent_month();
	/* p = 100 of 102 listed... make A's complement small: p is 998 of 1000 */
	set(A, 998, 1000);
	for (int s = B; s <= H; s++)
		cells[s].denominator = 998;
	control();
	ck_assert_uint_eq(out[A].numerator_status, KV_CELL_COMPLEMENT);
	/* every denominator counting p would give A's numerator away */
	for (int s = B; s <= H; s++)
		ck_assert_msg(out[s].denominator_status == KV_CELL_SECONDARY, "%s: %s", defs[s].id,
			      kv_cell_status_name(out[s].denominator_status));
}
END_TEST

START_TEST(secondary_suppression_propagates_until_nothing_is_recomputable)
{
	consistent_month();
	/* E small and D's complement small: hiding D (complement) leaves E and D
	 * hidden in the sum; C must not be forced, but the chain must end with
	 * no sum having exactly one protected hidden cell. */
	set(C, 6, 100);
	set(D, 97 - 6 - 3, 100);
	set(E, 3, 100);
	set(B, 97, 100);
	control();
	int hidden = 0;
	for (int s = C; s <= E; s++)
		hidden += out[s].numerator_status != KV_CELL_PUBLISHED;
	hidden += out[B].numerator_status != KV_CELL_PUBLISHED;
	ck_assert_int_ge(hidden, 2);
	ck_assert_uint_eq(out[E].numerator_status, KV_CELL_SMALL);
	ck_assert_uint_eq(out[B].numerator_status, KV_CELL_COMPLEMENT);
}
END_TEST

START_TEST(a_mean_needs_its_denominator_published)
{
	consistent_month();
	control();
	ck_assert_uint_eq(out[I].numerator_status, KV_CELL_NOT_APPLICABLE);
	ck_assert(out[I].has_mean);
	/* from published quantities only: the sum 6123 rounded to 10 x 5 = 50,
	 * divided by the published denominator */
	ck_assert_double_eq_tol(out[I].mean, 6100.0 / 50.0, 1e-12);
	set(I, 52, 52);
	cells[I].value_sum = 6123;
	control();
	ck_assert_uint_eq(out[I].denominator, 50);
	ck_assert_double_eq_tol(out[I].mean, 6100.0 / 50.0, 1e-12);
	set(I, 4, 4);
	cells[I].value_sum = 40;
	control();
	ck_assert_uint_eq(out[I].denominator_status, KV_CELL_SMALL);
	ck_assert(!out[I].has_mean);
}
END_TEST

START_TEST(not_computable_and_failed_are_statuses_not_counts)
{
	consistent_month();
	res.series[J].computable = false;
	res.series[G].failed = true;
	control();
	ck_assert_uint_eq(out[J].numerator_status, KV_CELL_NOT_COMPUTABLE);
	ck_assert_uint_eq(out[J].denominator_status, KV_CELL_NOT_COMPUTABLE);
	ck_assert_uint_eq(out[G].numerator_status, KV_CELL_FAILED);
	ck_assert_str_eq(kv_cell_status_name(KV_CELL_NOT_COMPUTABLE), "not_computable");
	res.series[J].computable = true;
	res.series[G].failed = false;
}
END_TEST

START_TEST(a_declared_relation_that_does_not_hold_stops_the_month)
{
	consistent_month();
	set(D, 21, 100); /* 60 + 21 + 10 != 90 */
	ck_assert_int_eq(kv_disclosure_month(&res, &rel, &p55, 0, out, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "2023-04") != NULL && strstr(err, "\"m\"") != NULL &&
			  strstr(err, "nothing of this month may leave") != NULL,
		      "%s", err);
	consistent_month();
	cells[E].denominator = 99;
	ck_assert_int_eq(kv_disclosure_month(&res, &rel, &p55, 0, out, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "E_HIGH.denominator") != NULL, "%s", err);
}
END_TEST

START_TEST(contradicting_declarations_are_refused)
{
	static const struct kv_indicator_def bad[] = {
		{.id = "X", .numerator_part_of = "nobody"},
	};
	struct kv_series s = {.def = &bad[0], .id = "X"};
	struct kv_relations r;
	ck_assert_int_eq(kv_relations_build(&s, 1, &r, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "\"nobody\"") != NULL, "%s", err);
}
END_TEST

/* Over many random consistent months: nothing published is below min_count
 * or off the rounding base, and no numerator is published with a complement
 * below min_count. */
START_TEST(random_months_never_publish_a_small_count)
{
	srand(42);
	for (int trial = 0; trial < 3000; trial++) {
		random_month();
		control();
		for (int s = 0; s < NS; s++) {
			if (out[s].numerator_status == KV_CELL_PUBLISHED) {
				ck_assert_uint_ge(cells[s].numerator, 5);
				ck_assert_uint_ge(cells[s].denominator - cells[s].numerator, 5);
				ck_assert_uint_eq(out[s].numerator % 5, 0);
				ck_assert_uint_ge(out[s].numerator, 5);
			}
			if (out[s].denominator_status == KV_CELL_PUBLISHED) {
				ck_assert_uint_ge(cells[s].denominator, 5);
				ck_assert_uint_eq(out[s].denominator % 5, 0);
			}
			if (out[s].has_share)
				ck_assert(out[s].numerator_status == KV_CELL_PUBLISHED &&
					  out[s].denominator_status == KV_CELL_PUBLISHED);
		}
		/* the complete sum never has exactly one hidden part */
		int hidden = 0;
		for (int s = B; s <= E; s++)
			hidden += out[s].numerator_status != KV_CELL_PUBLISHED;
		ck_assert_int_ne(hidden, 1);
	}
}
END_TEST

Suite *suite_disclosure(void)
{
	Suite *s = suite_create("disclosure");
	TCase *tc = tcase_create("disclosure");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, rounding_is_to_the_nearest_multiple_never_below_min_count);
	tcase_add_test(tc, relations_are_built_from_the_declarations);
	tcase_add_test(tc, a_consistent_month_with_large_counts_is_published_rounded);
	tcase_add_test(tc, small_counts_and_zero_are_suppressed_never_zero);
	tcase_add_test(tc, a_small_complement_suppresses_the_numerator);
	tcase_add_test(tc, one_small_part_of_a_complete_sum_hides_another);
	tcase_add_test(tc, a_lone_hidden_part_of_a_partial_sum_hides_another_whatever_the_remainder);
	tcase_add_test(tc, a_small_remainder_is_never_published_and_hides_nothing);
	tcase_add_test(tc, secondary_suppression_reads_no_count);
	tcase_add_test(tc, a_hidden_population_is_hidden_wherever_it_is_counted);
	tcase_add_test(tc, secondary_suppression_propagates_until_nothing_is_recomputable);
	tcase_add_test(tc, a_mean_needs_its_denominator_published);
	tcase_add_test(tc, not_computable_and_failed_are_statuses_not_counts);
	tcase_add_test(tc, a_declared_relation_that_does_not_hold_stops_the_month);
	tcase_add_test(tc, contradicting_declarations_are_refused);
	tcase_add_test(tc, random_months_never_publish_a_small_count);
	suite_add_tcase(s, tc);
	return s;
}
