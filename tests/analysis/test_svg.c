/*
 * test_svg.c - the charts: well-formed XML (python3's minidom), the
 * expected elements, escaping of a hostile name, determinism
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "an_test.h"
#include "funnel.h"
#include "series.h"
#include "svg.h"

#define HOSTILE "<script>&\"'"
#define HOSTILE_ESCAPED "&lt;script&gt;&amp;&quot;&apos;"

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* minidom parses it, and the root is an <svg> with a viewBox. */
static void well_formed(const char *svg)
{
	char *path = an_tmpfile(".svg");
	ck_assert(an_write_file(path, svg, strlen(svg)));
	char cmd[4200];
	snprintf(cmd, sizeof cmd,
		 "/usr/bin/python3 -c 'import sys, xml.dom.minidom as m\n"
		 "d = m.parse(sys.argv[1]).documentElement\n"
		 "assert d.tagName == \"svg\" and d.getAttribute(\"viewBox\"), d.tagName\n"
		 "assert d.getAttribute(\"xmlns\") == \"http://www.w3.org/2000/svg\"\n"
		 "print(\"ok\")' %s 2>&1", path);
	int st;
	char *out = an_run(cmd, &st);
	ck_assert_msg(st == 0 && strcmp(out, "ok\n") == 0, "not well-formed: %s", out);
	free(out);
	remove(path);
	free(path);
}

/* A month panel from the synthetic evaluation, with one office renamed to
 * a hostile name. */
static struct kv_panel *panel(void)
{
	size_t n;
	const struct kv_month_row *rows = an_synth(11, 0.1, 0, &n);
	struct kv_month_row *copy = malloc(n * sizeof *copy);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, rows, n * sizeof *copy);
	for (size_t i = 0; i < n; i++)
		if (strcmp(copy[i].office, "ffs-2") == 0)
			copy[i].office = HOSTILE;
	struct kv_panel *p = NULL;
	char err[256];
	ck_assert_msg(kv_panel_build(copy, n, KV_AN_MONTH, &p, err, sizeof err) == 0, "%s", err);
	free(copy);
	return p;
}

static char *funnel_svg(const struct kv_funnel *f, const char *const *named, size_t n_named,
			const char *highlight)
{
	struct kv_svg_funnel_chart c = {.title = "DM_ANNUAL_CHECK & <friends>", .funnel = f,
					.named = named, .n_named = n_named, .highlight = highlight,
					.labels = true};
	char *buf = NULL, err[256];
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	ck_assert_msg(kv_svg_funnel(out, &c, err, sizeof err) == 0, "%s", err);
	fclose(out);
	return buf;
}

START_TEST(test_funnel_chart)
{
	struct kv_panel *p = panel();
	struct kv_funnel *f = NULL;
	char err[256];
	ck_assert_int_eq(kv_funnel_build(p, "DM_ANNUAL_CHECK", NULL, &f, err, sizeof err), 0);
	const char *named[] = {HOSTILE, "ffs-1"};
	char *svg = funnel_svg(f, named, 2, HOSTILE);
	well_formed(svg);
	ck_assert_uint_eq(count(svg, "<circle class=\"point"), 23);
	ck_assert_uint_eq(count(svg, "<circle class=\"point named"), 2);
	ck_assert_uint_eq(count(svg, "highlight"), 1);
	ck_assert_uint_eq(count(svg, "<path class=\"limit95\""), 2);
	ck_assert_uint_eq(count(svg, "<path class=\"limit998\""), 2);
	ck_assert_uint_eq(count(svg, "<line class=\"target\""), 1);
	ck_assert_uint_ge(count(svg, "class=\"ticklabel\""), 6);
	ck_assert_ptr_nonnull(strstr(svg, "<title>DM_ANNUAL_CHECK &amp; &lt;friends&gt;</title>"));
	/* the hostile name only ever escaped */
	ck_assert_ptr_nonnull(strstr(svg, HOSTILE_ESCAPED));
	ck_assert_ptr_null(strstr(svg, "<script"));
	ck_assert_ptr_null(strstr(svg, "&\""));
	/* anonymous offices leave no name behind */
	ck_assert_ptr_null(strstr(svg, "control-"));
	ck_assert_ptr_null(strstr(svg, "grant-"));
	ck_assert_ptr_nonnull(strstr(svg, ">ffs-1 ("));
	/* no script, no external reference, no ids */
	ck_assert_ptr_null(strstr(svg, "href"));
	ck_assert_ptr_null(strstr(svg, " id="));
	ck_assert_ptr_null(strstr(svg, "url("));

	/* deterministic */
	char *again = funnel_svg(f, named, 2, HOSTILE);
	ck_assert_str_eq(svg, again);
	free(again);
	free(svg);

	/* nobody named: no title on any point */
	svg = funnel_svg(f, NULL, 0, NULL);
	well_formed(svg);
	ck_assert_uint_eq(count(svg, "<circle class=\"point"), 23);
	ck_assert_uint_eq(count(svg, "</circle>"), 23);
	ck_assert_uint_eq(count(svg, "<title>"), 1);
	free(svg);
	kv_funnel_free(f);
	kv_panel_free(p);
}
END_TEST

static char *series_svg(const struct kv_series *s, const char *who)
{
	struct kv_svg_series_chart c = {.title = "Annual check: " HOSTILE, .office_label = who,
					.band_label = "group ffs", .series = s};
	char *buf = NULL, err[256];
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	ck_assert_msg(kv_svg_series(out, &c, err, sizeof err) == 0, "%s", err);
	fclose(out);
	return buf;
}

START_TEST(test_series_chart)
{
	struct kv_panel *p = panel();
	struct kv_series *s = NULL;
	char err[256];
	ck_assert_msg(kv_series_build(p, "DM_ANNUAL_CHECK", "ffs", HOSTILE, 0, 0, 0, &s, err,
				      sizeof err) == 0, "%s", err);
	ck_assert_uint_eq(s->n, 96);
	ck_assert_int_eq(s->first_month, kv_an_month(2015, 1));
	/* quartiles in order wherever there is a band */
	int bands = 0;
	for (size_t k = 0; k < s->n; k++) {
		if (isnan(s->median[k]))
			continue;
		bands++;
		ck_assert(s->q1[k] <= s->median[k] && s->median[k] <= s->q3[k]);
		ck_assert_int_ge(s->count[k], 3);
	}
	ck_assert_int_ge(bands, 90);
	char *svg = series_svg(s, HOSTILE);
	well_formed(svg);
	ck_assert_uint_eq(count(svg, "<path class=\"band\""), 1);
	ck_assert_uint_eq(count(svg, "<path class=\"median\""), 1);
	ck_assert_uint_eq(count(svg, "<path class=\"office\""), 1);
	ck_assert_ptr_null(strstr(svg, "d=\"\""));  /* no empty path */
	ck_assert_ptr_nonnull(strstr(svg, ">2019</text>"));
	ck_assert_ptr_null(strstr(svg, "<script"));
	ck_assert_ptr_nonnull(strstr(svg, HOSTILE_ESCAPED));
	char *again = series_svg(s, HOSTILE);
	ck_assert_str_eq(svg, again);
	free(again);
	free(svg);
	kv_series_free(s);

	/* a group of 2: no band, and a note */
	const struct kv_month_row two[] = {
		{"a", "g", "X", 2022, 1, 5, 10}, {"a", "g", "X", 2022, 2, 6, 10},
		{"b", "g", "X", 2022, 1, 7, 10},
	};
	struct kv_panel *q = NULL;
	ck_assert_int_eq(kv_panel_build(two, 3, KV_AN_MONTH, &q, err, sizeof err), 0);
	ck_assert_int_eq(kv_series_build(q, "X", "g", "a", 0, 0, 0, &s, err, sizeof err), 0);
	ck_assert(isnan(s->median[0]));
	svg = series_svg(s, "a");
	well_formed(svg);
	ck_assert_ptr_nonnull(strstr(svg, "too few offices"));
	free(svg);
	kv_series_free(s);
	ck_assert_int_eq(kv_series_build(q, "X", "nobody", "a", 0, 0, 0, &s, err, sizeof err), -1);
	ck_assert_str_eq(err, "group \"nobody\" has no share of X");
	kv_panel_free(q);
	kv_panel_free(p);
}
END_TEST

START_TEST(test_escape)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	kv_xml_escape(out, "a<b>&\"'\x01 \xc3\xa5 \xff\xc3 \xed\xa0\x80 z");
	fclose(out);
	ck_assert_str_eq(buf, "a&lt;b&gt;&amp;&quot;&apos;? \xc3\xa5 ?? ??? z");
	free(buf);
}
END_TEST

Suite *suite_svg(void)
{
	Suite *s = suite_create("svg");
	TCase *tc = tcase_create("svg");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_funnel_chart);
	tcase_add_test(tc, test_series_chart);
	tcase_add_test(tc, test_escape);
	suite_add_tcase(s, tc);
	return s;
}
