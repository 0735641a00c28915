/*
 * check_abi_next.c - the ABI widening path, tested before the next minor exists.
 *
 * This program and the core it links (build/abi-next/libkvcore.a, and the
 * build/abi-next/kvalind it runs) are built with KV_ABI_TEST_NEXT_MINOR
 * (kv_plugin.h): they are ABI 2.2, and every struct that carries its size
 * ends with one field more, abi_test_next. Into that core go the plugins
 * exactly as shipped (build/connectors, build/indicators: ABI 2.1):
 *  - they load, and the core's copies of their descriptors and definitions
 *    have abi_test_next NULL / 0; a 2.0 plugin's definitions, whose tail
 *    padding holds other bytes, read with 2.1's fields NULL (t_def_padding);
 *  - a 2.1 connector's patient reaches a 2.2 indicator widened
 *    (t_abi_next beside t_good_connector);
 *  - `kvalind compute` over a synthetic practice and over every indicator
 *    deck prints byte for byte what the normal core prints.
 * The other direction (a 2.2 plugin offered to the 2.1 core) is in
 * tests/unit/test_plugin.c, newer_abi_minor_is_refused.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin.h"
#include "testutil.h"

#ifndef KV_ABI_TEST_NEXT_MINOR
#error "check_abi_next is built with -DKV_ABI_TEST_NEXT_MINOR (Makefile: ABI_NEXT)"
#endif
_Static_assert(KV_ABI_MINOR == 2, "the test core is ABI 2.2");

static char err[2048];
static char *dir;

static void setup(void)
{
	dir = tu_mkdtemp();
}

static void teardown(void)
{
	tu_rmtree(dir);
	free(dir);
	dir = NULL;
}

/* The core's copy of a shipped (2.1) descriptor, next to the plugin's own. */
static void check_copy(const struct kv_plugin *p, const struct kv_plugin_header *raw)
{
	size_t ours = p->kind == KV_PLUGIN_CONNECTOR ? sizeof(struct kv_connector_plugin) :
						       sizeof(struct kv_indicator_plugin);
	size_t v2_0 = p->kind == KV_PLUGIN_CONNECTOR ?
			      offsetof(struct kv_connector_plugin, abi_test_next) :
			      offsetof(struct kv_indicator_plugin, abi_test_next);
	/* (a) a 2.1 descriptor, smaller than this core's, was accepted */
	ck_assert_uint_eq(raw->abi_major, 2);
	ck_assert_uint_eq(raw->abi_minor, KV_ABI_MINOR - 1);
	ck_assert_uint_eq(raw->struct_size, v2_0);
	ck_assert_uint_lt(raw->struct_size, ours);
	/* (b) the core reads a copy: the plugin's bytes, then zeros */
	ck_assert_ptr_ne(p->desc, raw);
	ck_assert_ptr_eq(p->header, p->desc);
	ck_assert(memcmp(p->desc, raw, raw->struct_size) == 0);
	if (p->kind == KV_PLUGIN_CONNECTOR) {
		ck_assert_ptr_eq(p->connector, p->desc);
		ck_assert_ptr_null(p->connector->abi_test_next);
		return;
	}
	ck_assert_ptr_eq(p->indicator, p->desc);
	ck_assert_ptr_null(p->indicator->abi_test_next);
	const struct kv_indicator_plugin *ip = (const void *)raw;
	for (size_t i = 0; i < ip->n_indicators; i++) {
		const struct kv_indicator_def *def = kv_plugin_indicator(p, i);
		const char *theirs = (const char *)ip->indicators + i * ip->indicator_def_size;
		ck_assert(memcmp(def, theirs, offsetof(struct kv_indicator_def, abi_test_next)) == 0);
		ck_assert_uint_eq(def->abi_test_next, 0);
	}
}

static void load_shipped(const char *sub, enum kv_plugin_kind kind, const char *symbol)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", tu_build_dir(), sub);
	char **names = NULL;
	int n = kv_plugin_scan(path, &names, err, sizeof err);
	ck_assert_msg(n > 0, "no plugins in %s: %s", path, err);
	for (int i = 0; i < n; i++) {
		struct kv_plugin *p = NULL;
		ck_assert_msg(kv_plugin_load(path, names[i], kind, &p, err, sizeof err) == 0,
			      "the 2.2 core refuses the shipped %s: %s", names[i], err);
		const struct kv_plugin_header *raw = dlsym(p->handle, symbol);
		ck_assert_ptr_nonnull(raw);
		check_copy(p, raw);
		kv_plugin_unload(p);
		free(names[i]);
	}
	free(names);
}

START_TEST(shipped_plugins_load_with_the_new_fields_empty)
{
	load_shipped("connectors", KV_PLUGIN_CONNECTOR, "kv_connector_plugin");
	load_shipped("indicators", KV_PLUGIN_INDICATOR, "kv_indicator_plugin");
}
END_TEST

/* A 2.0 definition's last 4 bytes are padding, counted by its
 * indicator_def_size; no later field there may take their value. */
START_TEST(tail_padding_of_a_2_0_definition_is_no_field)
{
	tu_install_test_plugin(dir, "t_def_padding");
	struct kv_plugin *p = NULL;
	ck_assert_msg(kv_plugin_load(dir, "t_def_padding", KV_PLUGIN_INDICATOR, &p, err,
				     sizeof err) == 0, "%s", err);
	const struct kv_indicator_plugin *raw = dlsym(p->handle, "kv_indicator_plugin");
	ck_assert_uint_eq(raw->abi_minor, 0);
	ck_assert_uint_eq(raw->indicator_def_size, KV_INDICATOR_DEF_V2_0_SIZE + 4);
	const unsigned char *pad = (const unsigned char *)raw->indicators +
				   KV_INDICATOR_DEF_V2_0_SIZE;
	ck_assert_uint_eq(pad[0], 0xa5); /* the fixture did dirty it */
	/* 2.1's fields start in the padding; 2.2's follows them */
	ck_assert_ptr_null(kv_plugin_indicator(p, 0)->decisive);
	ck_assert_ptr_null(kv_plugin_indicator(p, 0)->decisive_unit);
	ck_assert_uint_eq(kv_plugin_indicator(p, 0)->abi_test_next, 0);
	ck_assert_str_eq(kv_plugin_indicator(p, 0)->id, "T_PADDED");
	kv_plugin_unload(p);
}
END_TEST

/* Runs BUILD/SUB/kvalind with args (NULL-terminated). */
static int run(const char *sub, char **out, char **errout, const char *const *args)
{
	char bin[4096];
	snprintf(bin, sizeof bin, "%s/%skvalind", tu_build_dir(), sub);
	const char *argv[32] = {bin};
	for (size_t i = 0; args[i] != NULL && i + 2 < sizeof argv / sizeof argv[0]; i++)
		argv[i + 1] = args[i];
	return tu_run_argv(argv, out, errout);
}

static const char *write_config(const char *connectors, const char *indicators,
				const char *body)
{
	char text[8192];
	int n = snprintf(text, sizeof text,
			 "[office]\nid = abi-next\n[core]\nconnector_dir = %s\nindicator_dir = %s\n"
			 "value_sets = %s\nlog_level = warning\n%s",
			 connectors, indicators, tu_value_sets(), body);
	ck_assert(n > 0 && (size_t)n < sizeof text);
	const char *path = tu_path(dir, "kvalind.ini");
	tu_write_file(path, text, 0600);
	return path;
}

/* t_abi_next fails unless what the core hands it (call, host, run, init
 * result, result block, patient) has the 2.2 size with abi_test_next
 * empty; t_good_connector delivers a 2.1 patient. */
START_TEST(a_shipped_patient_reaches_a_next_minor_indicator_widened)
{
	tu_install_test_plugin(dir, "t_good_connector");
	tu_install_test_plugin(dir, "t_abi_next");
	const char *path = write_config(dir, dir,
					"[connector.t_good_connector]\ndsn = x\n"
					"[indicator.t_abi_next]\n");
	char *out = NULL, *errout = NULL;
	const char *args[] = {"compute", "--config", path, "--from", "2020-01", "--to", "2020-02",
			      NULL};
	ck_assert_msg(run("abi-next/", &out, &errout, args) == 0, "%s", errout);
	ck_assert_msg(strstr(out, "abi-next,T_NEXT,1,2020-02,0,1,\n") != NULL, "%s", out);
	free(out);
	free(errout);
}
END_TEST

/* JSON's "seconds":N (the run's duration) made "seconds":, in place. */
static void drop_seconds(char *s)
{
	static const char key[] = "\"seconds\":";
	for (char *p = strstr(s, key); p != NULL; p = strstr(p, key)) {
		p += strlen(key);
		size_t n = strspn(p, "0123456789.e-+");
		memmove(p, p + n, strlen(p + n) + 1);
	}
}

/* The same command through both cores prints the same bytes (but for the
 * time it took), and succeeds. */
static void same_output(const char *what, const char *const *args)
{
	char *out20 = NULL, *err20 = NULL, *out21 = NULL, *err21 = NULL;
	ck_assert_msg(run("", &out20, &err20, args) == 0, "%s, ABI 2.1: %s", what, err20);
	ck_assert_msg(run("abi-next/", &out21, &err21, args) == 0, "%s, ABI 2.2: %s", what, err21);
	drop_seconds(out20);
	drop_seconds(out21);
	ck_assert_msg(strlen(out20) > 100, "%s printed little: %s", what, out20);
	ck_assert_msg(strcmp(out20, out21) == 0, "%s: the 2.2 core's output differs", what);
	free(out20);
	free(err20);
	free(out21);
	free(err21);
}

static const char *shipped_config(const char *sqlite, const char *indicators_body)
{
	char conn[4096], ind[4096], body[4096];
	snprintf(conn, sizeof conn, "%s/connectors", tu_build_dir());
	snprintf(ind, sizeof ind, "%s/indicators", tu_build_dir());
	int n = snprintf(body, sizeof body,
			 "[connector.reference]\ndsn = Driver=SQLite3;Database=%s\n%s", sqlite,
			 indicators_body);
	ck_assert(n > 0 && (size_t)n < sizeof body);
	return write_config(conn, ind, body);
}

START_TEST(synthetic_practice_computes_the_same)
{
	char synth[4096], db[4096], ind[4096], body[4096] = "";
	snprintf(synth, sizeof synth, "%s/kvalind-synth", tu_build_dir());
	snprintf(db, sizeof db, "%s", tu_path(dir, "practice.sqlite"));
	char *out = NULL, *errout = NULL;
	const char *gen[] = {synth, "--sqlite", db, "--patients", "1000", "--seed", "18",
			     "--quiet", NULL};
	ck_assert_msg(tu_run_argv(gen, &out, &errout) == 0, "kvalind-synth: %s", errout);
	free(out);
	free(errout);
	/* every shipped indicator plugin */
	snprintf(ind, sizeof ind, "%s/indicators", tu_build_dir());
	char **names = NULL;
	int n = kv_plugin_scan(ind, &names, err, sizeof err);
	ck_assert_msg(n > 0, "%s", err);
	for (int i = 0; i < n; i++) {
		size_t used = strlen(body);
		snprintf(body + used, sizeof body - used, "[indicator.%s]\n", names[i]);
		free(names[i]);
	}
	free(names);
	const char *path = shipped_config(db, body);
	const char *csv[] = {"compute", "--config", path, "--from", "2020-07", "--to", "2023-06",
			     NULL};
	same_output("compute (csv)", csv);
	const char *json[] = {"compute", "--config", path, "--from", "2023-01", "--to", "2023-06",
			      "--format", "json", NULL};
	same_output("compute (json)", json);
	const char *list[] = {"list-indicators", "--config", path, NULL};
	same_output("list-indicators", list);
}
END_TEST

/* Every deck of tests/decks (PLUGIN/NAME.sql, months in NAME.expected)
 * through SQLite ODBC, as tests/decks.sh loads it. */
START_TEST(every_deck_computes_the_same)
{
	char pattern[4096];
	snprintf(pattern, sizeof pattern, "%s/tests/decks/*/*.sql", tu_source_dir());
	glob_t g;
	ck_assert_int_eq(glob(pattern, 0, NULL, &g), 0);
	ck_assert_uint_gt(g.gl_pathc, 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *sql = g.gl_pathv[i];
		char plugin[256], expected[4096], db[4096], cmd[16384], body[512];
		const char *slash = strrchr(sql, '/');
		const char *start = slash;
		while (start > sql && start[-1] != '/')
			start--;
		snprintf(plugin, sizeof plugin, "%.*s", (int)(slash - start), start);
		snprintf(expected, sizeof expected, "%.*s.expected", (int)(strlen(sql) - 4), sql);
		snprintf(db, sizeof db, "%s/deck%zu.sqlite", dir, i);
		snprintf(cmd, sizeof cmd,
			 "sqlite3 -bail '%s' < '%s/plugins/reference/schema.sql' && "
			 "sqlite3 -bail '%s' < '%s'",
			 db, tu_source_dir(), db, sql);
		ck_assert_msg(system(cmd) == 0, "could not load %s into SQLite", sql);
		char from[16] = "", to[16] = "";
		FILE *f = fopen(expected, "r");
		ck_assert_msg(f != NULL, "%s", expected);
		ck_assert_msg(fscanf(f, "# months %15s %15s", from, to) == 2, "%s", expected);
		fclose(f);
		snprintf(body, sizeof body, "[indicator.%s]\n", plugin);
		const char *path = shipped_config(db, body);
		const char *args[] = {"compute", "--config", path, "--from", from, "--to", to, NULL};
		same_output(sql, args);
	}
	globfree(&g);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("abi_next");
	TCase *tc = tcase_create("widening");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, shipped_plugins_load_with_the_new_fields_empty);
	tcase_add_test(tc, tail_padding_of_a_2_0_definition_is_no_field);
	tcase_add_test(tc, a_shipped_patient_reaches_a_next_minor_indicator_widened);
	tcase_add_test(tc, synthetic_practice_computes_the_same);
	tcase_add_test(tc, every_deck_computes_the_same);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	int rc = ck_aim(sr, argc, argv, "check_abi_next");
	if (rc < 0)
		rc = ck_aim_run(sr);
	srunner_free(sr);
	return rc;
}
