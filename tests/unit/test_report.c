/*
 * test_report.c - the local report's pages from a model made by hand, and
 * its directory: made 0700, pages 0600, unsafe directories refused
 * untouched, pages of GPs no longer there removed
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report_dir.h"
#include "report_html.h"
#include "testutil.h"

static char err[1024];

#define HOSTILE "<script>alert(1)</script>&\"'"
#define N_MONTHS 12

static struct kv_local_cell office[N_MONTHS], holders[3 * N_MONTHS];
static struct kv_local_holder model_holders[] = {
    {.id = 0, .name = NULL},
    {.id = 7, .name = "Dr " HOSTILE},
    {.id = 12, .name = NULL},
};
static struct kv_local_patient follow[] = {
    {.key = "K-1 " HOSTILE, .age = 61, .sex = KV_SEX_FEMALE, .holder = 7,
     .decisive_date = KV_DATE_NONE, .decisive_value = NAN},
    {.key = "K-2", .name = "Kari <Nordmann>", .age = 70, .sex = KV_SEX_MALE, .holder = 7,
     .decisive_date = 19000, .decisive_value = 53},
    {.key = "K-3", .age = 44, .sex = KV_SEX_MALE, .holder = 12, .decisive_date = 19100,
     .decisive_value = NAN},
    {.key = "K-4", .age = 50, .sex = KV_SEX_FEMALE, .holder = 0, .decisive_date = KV_DATE_NONE,
     .decisive_value = NAN},
};
static struct kv_local_indicator indicators[2];
static struct kv_local_report model;

static void make_model(void)
{
	for (size_t k = 0; k < N_MONTHS; k++) {
		holders[0 * N_MONTHS + k] = (struct kv_local_cell){.num = 1, .den = 2};
		holders[1 * N_MONTHS + k] = (struct kv_local_cell){.num = 20 + k, .den = 40};
		holders[2 * N_MONTHS + k] = (struct kv_local_cell){.num = 30, .den = 38 + k};
		office[k].num = 1 + 20 + k + 30;
		office[k].den = 2 + 40 + 38 + k;
	}
	indicators[0] = (struct kv_local_indicator){
	    .id = "DM_ANNUAL_CHECK", .title = "Diabetics with an annual check " HOSTILE,
	    .title_nb = "Diabetikere med årskontroll", .numerator = "with a check",
	    .denominator = "diabetics", .direction = 1, .decisive = "last check",
	    .decisive_unit = "mmol/mol", .office = office, .holders = holders,
	    .follow = follow, .n_follow = 4};
	indicators[1] = (struct kv_local_indicator){
	    .id = "LMG_4PLUS", .title = "Medication review", .numerator = "n", .denominator = "d",
	    .direction = 1, .failed = true};
	model = (struct kv_local_report){
	    .office_name = "Legekontor " HOSTILE, .office_id = "demo-office",
	    .first_month = 2022 * 12 + 4, .n_months = N_MONTHS, .generated = "2023-05-06 03:00",
	    .holders = model_holders, .n_holders = 3, .indicators = indicators, .n_indicators = 2};
}

static char *page(const struct kv_local_holder *h)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(out);
	ck_assert_msg(kv_local_report_page(out, &model, h, err, sizeof err) == 0, "%s", err);
	fclose(out);
	return buf;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* Nothing that runs or fetches: no script, no URL but the SVG namespace. */
static void assert_self_contained(const char *html)
{
	ck_assert_ptr_null(strstr(html, "<script"));
	ck_assert_ptr_null(strstr(html, HOSTILE));
	ck_assert_ptr_null(strstr(html, "https://"));
	ck_assert_int_eq(count(html, "http://"), count(html, "xmlns=\"http://www.w3.org/2000/svg\""));
	ck_assert_ptr_nonnull(strstr(html, "content=\"default-src 'none'; style-src "
					   "'unsafe-inline'; img-src data:"));
	ck_assert_ptr_nonnull(strstr(html, "@media print"));
	ck_assert_ptr_null(strstr(html, "src="));
	ck_assert_ptr_null(strstr(html, " on"
					"click"));
}

START_TEST(the_office_page_shows_every_gp_and_the_whole_follow_up)
{
	make_model();
	char *html = page(NULL);
	assert_self_contained(html);
	ck_assert_ptr_nonnull(strstr(html, "Legekontor &lt;script&gt;alert(1)&lt;/script&gt;&amp;"
					   "&quot;&apos;"));
	ck_assert_ptr_nonnull(strstr(html, "<a href=\"gp-7.html\">Dr &lt;script&gt;"));
	ck_assert_ptr_nonnull(strstr(html, "<a href=\"gp-12.html\">GP 12</a>"));
	ck_assert_ptr_nonnull(strstr(html, "<a href=\"no-gp.html\">On no GP&apos;s list</a>"));
	/* the office's line only, solid */
	ck_assert_int_eq(count(html, "<svg "), 1);
	ck_assert_int_eq(count(html, "<path class=\"office\" fill=\"none\" stroke=\"#2b5c9e\" "
				     "stroke-width=\"2.5\" d=\"M"),
			 1);
	ck_assert_ptr_null(strstr(html, "class=\"gp\""));
	/* the last month's counts: 51 + 11 of 80 + 11 */
	ck_assert_ptr_nonnull(strstr(html, "<td>62</td><td>91</td><td>68.1&nbsp;%</td>"));
	/* every follow-up patient, keys escaped, the list column, names shown */
	ck_assert_ptr_nonnull(strstr(html, "Follow-up, 2023-04: 4 patients"));
	ck_assert_ptr_nonnull(strstr(html, "<td class=\"key\">K-1 &lt;script&gt;"));
	ck_assert_ptr_nonnull(strstr(html, "Kari &lt;Nordmann&gt;"));
	ck_assert_ptr_nonnull(strstr(html, "<td class=\"text\">GP 12</td>"));
	ck_assert_ptr_nonnull(strstr(html, "2022-01-08: 53 mmol/mol"));
	/* the failed indicator says so, with no counts */
	ck_assert_ptr_nonnull(strstr(html, "not computed: its plugin failed"));
	ck_assert_int_eq(count(html, "<section class=\"ind\""), 2);
	free(html);
}
END_TEST

START_TEST(a_gp_page_charts_the_gp_against_the_office_and_lists_only_its_patients)
{
	make_model();
	char *html = page(&model.holders[1]);
	assert_self_contained(html);
	ck_assert_ptr_nonnull(strstr(html, "<path class=\"gp\" fill=\"none\" stroke=\"#d1495b\""));
	ck_assert_ptr_nonnull(strstr(html, "<path class=\"office\" fill=\"none\" stroke=\"#2b5c9e\" "
					   "stroke-width=\"2.5\" stroke-dasharray"));
	ck_assert_ptr_nonnull(strstr(html, "Follow-up, 2023-04: 2 patients"));
	ck_assert_ptr_nonnull(strstr(html, "K-2"));
	ck_assert_ptr_null(strstr(html, "K-3"));
	ck_assert_ptr_null(strstr(html, "K-4"));
	/* this list's last month, 31 of 40, beside the office's share */
	ck_assert_ptr_nonnull(strstr(html, "<td>31</td><td>40</td><td>77.5&nbsp;%</td><td>68.1&nbsp;%"));
	ck_assert_ptr_nonnull(strstr(html, "class=\"here\">Dr &lt;script&gt;"));
	free(html);
	html = page(&model.holders[0]);
	ck_assert_ptr_nonnull(strstr(html, "Follow-up, 2023-04: 1 patient<"));
	ck_assert_ptr_nonnull(strstr(html, "K-4"));
	free(html);
}
END_TEST

static mode_t mode_of(const char *path)
{
	struct stat st;
	ck_assert_int_eq(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

START_TEST(the_pages_are_written_0600_into_a_0700_directory_and_old_ones_removed)
{
	make_model();
	char *tmp = tu_mkdtemp();
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/report", tmp);
	mode_t old = umask(0);
	size_t pages;
	int rc = kv_local_report_write(&model, dir, &pages, err, sizeof err);
	umask(old);
	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_uint_eq(pages, 4);
	ck_assert_uint_eq(mode_of(dir), 0700);
	const char *names[] = {"index.html", "gp-7.html", "gp-12.html", "no-gp.html"};
	for (size_t i = 0; i < 4; i++)
		ck_assert_uint_eq(mode_of(tu_path(dir, names[i])), 0600);
	/* a GP gone, a dead run's temporary file, and a file of someone else's */
	tu_write_file(tu_path(dir, "gp-99.html"), "old", 0600);
	tu_write_file(tu_path(dir, ".index.html.tmp.999999999"), "half", 0600);
	tu_write_file(tu_path(dir, "notes.txt"), "mine", 0600);
	model.n_holders = 2; /* GP 12 left */
	ck_assert_msg(kv_local_report_write(&model, dir, &pages, err, sizeof err) == 0, "%s", err);
	ck_assert_uint_eq(pages, 3);
	ck_assert_int_ne(access(tu_path(dir, "gp-99.html"), F_OK), 0);
	ck_assert_int_ne(access(tu_path(dir, "gp-12.html"), F_OK), 0);
	ck_assert_int_ne(access(tu_path(dir, ".index.html.tmp.999999999"), F_OK), 0);
	ck_assert_int_eq(access(tu_path(dir, "notes.txt"), F_OK), 0);
	ck_assert_int_eq(access(tu_path(dir, "gp-7.html"), F_OK), 0);
	tu_rmtree(tmp);
	free(tmp);
}
END_TEST

START_TEST(an_unsafe_directory_is_refused_and_left_untouched)
{
	make_model();
	char *tmp = tu_mkdtemp();
	char open_dir[4096], link[4096], file[4096];
	size_t pages;
	snprintf(open_dir, sizeof open_dir, "%s/open", tmp);
	ck_assert_int_eq(mkdir(open_dir, 0700), 0);
	ck_assert_int_eq(chmod(open_dir, 0755), 0);
	ck_assert_int_eq(kv_local_report_write(&model, open_dir, &pages, err, sizeof err), -1);
	ck_assert_msg(strstr(err, open_dir) && strstr(err, "mode 0755"), "%s", err);
	ck_assert_uint_eq(mode_of(open_dir), 0755);
	ck_assert_int_ne(access(tu_path(open_dir, "index.html"), F_OK), 0);
	/* a symbolic link to a safe directory, with or without a slash */
	snprintf(link, sizeof link, "%s/link", tmp);
	ck_assert_int_eq(chmod(open_dir, 0700), 0);
	ck_assert_int_eq(symlink(open_dir, link), 0);
	ck_assert_int_eq(kv_local_report_write(&model, link, &pages, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "symbolic link"), "%s", err);
	snprintf(link + strlen(link), sizeof link - strlen(link), "/");
	ck_assert_int_eq(kv_local_report_write(&model, link, &pages, err, sizeof err), -1);
	ck_assert_int_ne(access(tu_path(open_dir, "index.html"), F_OK), 0);
	/* a file */
	snprintf(file, sizeof file, "%s/file", tmp);
	tu_write_file(file, "x", 0600);
	ck_assert_int_eq(kv_local_report_write(&model, file, &pages, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "not a directory"), "%s", err);
	/* group-readable only is refused too */
	ck_assert_int_eq(chmod(open_dir, 0750), 0);
	ck_assert_int_eq(kv_local_report_write(&model, open_dir, &pages, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "mode 0750"), "%s", err);
	tu_rmtree(tmp);
	free(tmp);
}
END_TEST

Suite *suite_report(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");
	tcase_add_test(tc, the_office_page_shows_every_gp_and_the_whole_follow_up);
	tcase_add_test(tc, a_gp_page_charts_the_gp_against_the_office_and_lists_only_its_patients);
	tcase_add_test(tc, the_pages_are_written_0600_into_a_0700_directory_and_old_ones_removed);
	tcase_add_test(tc, an_unsafe_directory_is_refused_and_left_untouched);
	suite_add_tcase(s, tc);
	return s;
}
