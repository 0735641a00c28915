/*
 * test_report.c - the HTML report for a quality lead and for an office:
 * who is named, the charts, no script; with KV_ANALYSIS_OUT set, the pages
 * are also written there (for tests/analysis/browser.sh)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "an_test.h"
#include "report.h"

static const struct kv_report_indicator ind = {
	.id = "DM_ANNUAL_CHECK",
	.title = "diabetics with a Noklus annual check in 12 months",
	.title_nb = "diabetikere med årskontroll (Noklus) siste 12 måneder",
	.numerator = "a Noklus diabetes form or a valid Noklus fee (105, 100; 109, 109a, 109b until 2022-06-30) in W12",
	.denominator = "listed patients with diabetes",
	.better = "higher",
};

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static char *report(const struct kv_report_viewer *v, const char *save_as)
{
	size_t n;
	const struct kv_month_row *rows = an_synth(2024, 0.15, 0, &n);
	struct kv_panel *p = NULL;
	char err[256];
	ck_assert_int_eq(kv_panel_build(rows, n, KV_AN_MONTH, &p, err, sizeof err), 0);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct kv_report_opts o = {.labels = true};
	ck_assert_msg(kv_report_write(out, p, &ind, v, &o, err, sizeof err) == 0, "%s", err);
	fclose(out);
	kv_panel_free(p);
	const char *dir = getenv("KV_ANALYSIS_OUT");
	if (dir && *dir) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, save_as);
		ck_assert(an_write_file(path, buf, len));
	}
	return buf;
}

START_TEST(test_quality_lead)
{
	const char *ffs[] = {"ffs-1", "ffs-2", "ffs-3", "ffs-4", "ffs-5", "ffs-6"};
	struct kv_report_viewer v = {.name = "quality lead, fee-for-service offices", .named = ffs,
				     .n_named = 6};
	char *html = report(&v, "report-lead.html");
	ck_assert_uint_eq(count(html, "<svg "), 1 + 6);
	ck_assert_uint_eq(count(html, "<circle class=\"point"), 23);
	ck_assert_uint_eq(count(html, "<circle class=\"point named"), 6);
	ck_assert_uint_eq(count(html, "<path class=\"band\""), 6);
	ck_assert_ptr_nonnull(strstr(html, "higher is better"));
	ck_assert_ptr_nonnull(strstr(html, "årskontroll"));
	ck_assert_ptr_nonnull(strstr(html, "Content-Security-Policy"));
	ck_assert_ptr_null(strstr(html, "<script"));
	ck_assert_ptr_null(strstr(html, "control-"));
	ck_assert_ptr_null(strstr(html, "grant-"));
	free(html);
}
END_TEST

START_TEST(test_office)
{
	const char *me[] = {"control-03"};
	struct kv_report_viewer v = {.name = "control-03", .named = me, .n_named = 1,
				     .highlight = "control-03"};
	char *html = report(&v, "report-office.html");
	ck_assert_uint_eq(count(html, "<svg "), 2);
	ck_assert_uint_eq(count(html, "<circle class=\"point named highlight"), 1);
	ck_assert_uint_eq(count(html, "<circle class=\"point"), 23);
	ck_assert_ptr_null(strstr(html, "ffs-"));
	ck_assert_ptr_null(strstr(html, "grant-"));
	ck_assert_ptr_null(strstr(html, "control-01"));
	ck_assert_ptr_nonnull(strstr(html, "<td>control-03</td>"));
	/* deterministic */
	char *again = report(&v, "report-office.html");
	ck_assert_str_eq(html, again);
	free(again);
	free(html);

	/* a viewer who may see nobody gets the anonymous funnel only */
	struct kv_report_viewer none = {.name = "guest"};
	html = report(&none, "report-anonymous.html");
	ck_assert_uint_eq(count(html, "<svg "), 1);
	ck_assert_ptr_nonnull(strstr(html, "No office to show by name"));
	free(html);
}
END_TEST

Suite *suite_report(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_quality_lead);
	tcase_add_test(tc, test_office);
	suite_add_tcase(s, tc);
	return s;
}
