#define _DEFAULT_SOURCE /* timegm */
/*
 * test_dates.c - the date helpers of kv_events.h that every indicator uses
 */
#include <time.h>

#include "kvalind/kv_events.h"
#include "testutil.h"

static kv_date D(int y, int m, int d)
{
	return kv_date_from_ymd(y, m, d);
}

START_TEST(epoch_and_round_trip)
{
	ck_assert_int_eq(D(1970, 1, 1), 0);
	ck_assert_int_eq(D(2000, 1, 1), 10957);
	ck_assert_int_eq(D(1969, 12, 31), -1);
	/* Every day from 1900 to 2100 survives the round trip and is consecutive. */
	kv_date prev = D(1899, 12, 31);
	for (int y = 1900; y <= 2100; y++)
		for (int m = 1; m <= 12; m++)
			for (int d = 1; d <= kv_days_in_month(y, m); d++) {
				kv_date x = D(y, m, d);
				ck_assert_int_eq(x, prev + 1);
				int yy, mm, dd;
				kv_date_to_ymd(x, &yy, &mm, &dd);
				ck_assert(yy == y && mm == m && dd == d);
				prev = x;
			}
}
END_TEST

START_TEST(agrees_with_libc)
{
	for (int y = 1950; y <= 2050; y += 7) {
		struct tm tm = {.tm_year = y - 1900, .tm_mon = 5, .tm_mday = 17};
		time_t t = timegm(&tm);
		ck_assert_int_eq(D(y, 6, 17), (kv_date)(t / 86400));
	}
}
END_TEST

START_TEST(month_arithmetic_clamps)
{
	/* indicators.md precise rule 4 */
	ck_assert_int_eq(kv_date_add_months(D(2019, 8, 31), 6), D(2020, 2, 29));
	ck_assert_int_eq(kv_date_add_months(D(2020, 2, 29), -24), D(2018, 2, 28));
	ck_assert_int_eq(kv_date_add_months(D(2021, 1, 31), 1), D(2021, 2, 28));
	ck_assert_int_eq(kv_date_add_months(D(2021, 12, 15), 1), D(2022, 1, 15));
	ck_assert_int_eq(kv_date_add_months(D(2022, 1, 15), -1), D(2021, 12, 15));
	ck_assert_int_eq(kv_date_add_months(D(2023, 3, 31), -12), D(2022, 3, 31));
	/* before year 1 (a hostile date minus a window): no month 0 */
	ck_assert_int_eq(kv_date_add_months(D(1, 1, 15), -1), D(0, 12, 15));
	ck_assert_int_eq(kv_date_add_months(D(1, 1, 31), -13), D(-1, 12, 31));
	ck_assert_int_eq(kv_date_add_months(kv_date_add_months(D(1, 3, 15), -27), 27), D(1, 3, 15));
}
END_TEST

START_TEST(months_and_reference_dates)
{
	kv_month m = kv_month_of(D(2020, 2, 10));
	ck_assert_int_eq(m, 2020 * 12 + 1);
	ck_assert_int_eq(kv_month_first_day(m), D(2020, 2, 1));
	ck_assert_int_eq(kv_month_last_day(m), D(2020, 2, 29));
	ck_assert_int_eq(kv_month_last_day(2021 * 12 + 1), D(2021, 2, 28));
	ck_assert_int_eq(kv_month_last_day(2022 * 12 + 11), D(2022, 12, 31));
}
END_TEST

START_TEST(ages_in_completed_years)
{
	/* indicators.md precise rule 7: 29 February birthdays fall on 1 March */
	kv_date leapling = D(2000, 2, 29);
	ck_assert_int_eq(kv_age_at(leapling, D(2001, 2, 28)), 0);
	ck_assert_int_eq(kv_age_at(leapling, D(2001, 3, 1)), 1);
	ck_assert_int_eq(kv_age_at(leapling, D(2004, 2, 29)), 4);
	ck_assert_int_eq(kv_age_at(D(1950, 6, 30), D(2020, 6, 29)), 69);
	ck_assert_int_eq(kv_age_at(D(1950, 6, 30), D(2020, 6, 30)), 70);
	ck_assert(kv_contact_is_face_to_face(KV_CONTACT_VIDEO));
	ck_assert(!kv_contact_is_face_to_face(KV_CONTACT_PHONE));
}
END_TEST

Suite *suite_dates(void)
{
	Suite *s = suite_create("dates");
	TCase *tc = tcase_create("dates");
	tcase_add_test(tc, epoch_and_round_trip);
	tcase_add_test(tc, agrees_with_libc);
	tcase_add_test(tc, month_arithmetic_clamps);
	tcase_add_test(tc, months_and_reference_dates);
	tcase_add_test(tc, ages_in_completed_years);
	suite_add_tcase(s, tc);
	return s;
}
