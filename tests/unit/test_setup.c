/*
 * test_setup.c - a configuration with its plugins: plugin sections checked
 * against each plugin's table, the host API as plugins see it
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "setup.h"
#include "testutil.h"

static char *dir;

static void setup(void)
{
	dir = tu_mkdtemp();
	tu_install_test_plugin(dir, "t_good_connector");
	tu_install_test_plugin(dir, "t_good_indicator");
	tu_install_test_plugin(dir, "t_abi_major");
}

static void teardown(void)
{
	tu_rmtree(dir);
	free(dir);
	kv_log_set_stream(NULL);
	kv_log_set_level(KV_LOG_INFO);
}

/* Write a config whose plugin directories are the test directory. */
static const char *write_config(const char *body)
{
	char text[8192];
	snprintf(text, sizeof text,
		 "[office]\nid = test-office\n[core]\nconnector_dir = %s\nindicator_dir = %s\nvalue_sets = %s\n%s",
		 dir, dir, tu_value_sets(), body);
	const char *path = tu_path(dir, "kvalind.ini");
	tu_write_file(path, text, 0644);
	return path;
}

START_TEST(plugins_and_their_sections)
{
	const char *path = write_config("[connector.t_good_connector]\ndsn = Driver=X; Db=y\n"
					"[indicator.t_good_indicator]\nthreshold = 7\n");
	struct kv_diags d = {0};
	struct kv_setup s;
	ck_assert_int_eq(kv_setup_load(path, &s, &d), KV_EXIT_OK);
	ck_assert_msg(d.n == 0, "%s", d.n ? d.msgs[0] : "");
	ck_assert_ptr_nonnull(s.connector.plugin);
	ck_assert_uint_eq(s.n_indicators, 1);

	/* the plugin's settings struct is filled from its own section, typed
	 * (the layouts of tests/plugins/t_indicator_base.h, which
	 * t_good_indicator.c is, and t_good_connector.c) */
	const struct kv_host *h = &kv_host_api;
	struct kv_ctx *ictx = s.indicators[0].ctx;
	const struct { int64_t threshold; const char *label; } *iset =
		kv_call_of(ictx, NULL).settings;
	ck_assert_int_eq(iset->threshold, 7);
	ck_assert_ptr_null(iset->label);
	struct kv_ctx *cctx = s.connector.ctx;
	const struct { const char *dsn, *password, *mode; } *cset = kv_call_of(cctx, NULL).settings;
	ck_assert_str_eq(cset->dsn, "Driver=X; Db=y");
	ck_assert_ptr_null(cset->password);
	ck_assert_str_eq(cset->mode, "fast");

	/* log lines carry the plugin's identity */
	FILE *log = tmpfile();
	kv_log_set_stream(log);
	kv_ctx_enter(ictx, "init");
	h->log(ictx, KV_LOG_WARNING, "hello %d", 42);
	kv_log_set_stream(NULL);
	rewind(log);
	char line[512] = "";
	ck_assert_ptr_nonnull(fgets(line, sizeof line, log));
	ck_assert_str_eq(line, "kvalind: warning: [indicator:t_good_indicator init] hello 42\n");
	fclose(log);

	/* errors and row counts reach the core */
	kv_ctx_enter(cctx, "read");
	ck_assert_str_eq(kv_ctx_error(cctx), "read() failed without saying why");
	h->set_error(cctx, "table \"%s\" is missing", "contact");
	ck_assert_str_eq(kv_ctx_error(cctx), "table \"contact\" is missing");
	h->count_rows(cctx, "contact", 10);
	h->count_rows(cctx, "contact", 5);
	h->count_bad_rows(cctx, "contact", "unknown kind", 2);
	ck_assert_uint_eq(kv_ctx_count(cctx, "contact", NULL), 15);
	ck_assert_uint_eq(kv_ctx_count(cctx, "contact", "unknown kind"), 2);

	kv_setup_free(&s);
	kv_diags_free(&d);
}
END_TEST

START_TEST(plugin_key_errors_name_file_and_line)
{
	const char *path = write_config("[connector.t_good_connector]\nmode = turbo\n"
					"[indicator.t_good_indicator]\nthreshold = 70\ncolour = red\n");
	struct kv_diags d = {0};
	struct kv_setup s;
	ck_assert_int_eq(kv_setup_load(path, &s, &d), KV_EXIT_CONFIG);
	char want[4200];
	snprintf(want, sizeof want, "%s:8: bad value for key \"mode\" in [connector.t_good_connector]", path);
	ck_assert_msg(kv_diags_contains(&d, want), "%s", d.msgs[0]);
	snprintf(want, sizeof want, "%s:7: missing required key \"dsn\"", path);
	ck_assert(kv_diags_contains(&d, want));
	snprintf(want, sizeof want, "%s:10: bad value for key \"threshold\"", path);
	ck_assert(kv_diags_contains(&d, want));
	snprintf(want, sizeof want, "%s:11: unknown key \"colour\" in [indicator.t_good_indicator]; "
		 "allowed: enabled, threshold, label", path);
	ck_assert(kv_diags_contains(&d, want));
	kv_setup_free(&s);
	kv_diags_free(&d);
}
END_TEST

START_TEST(refused_and_missing_plugins)
{
	const char *path = write_config("[connector.t_good_connector]\ndsn = x\n"
					"[indicator.t_abi_major]\n[indicator.nothere]\n");
	struct kv_diags d = {0};
	struct kv_setup s;
	ck_assert_int_eq(kv_setup_load(path, &s, &d), KV_EXIT_PLUGIN);
	ck_assert(kv_diags_contains(&d, ":9: [indicator.t_abi_major]: incompatible plugin"));
	ck_assert(kv_diags_contains(&d, ":10: [indicator.nothere]: could not find plugin"));
	kv_setup_free(&s);
	kv_diags_free(&d);
}
END_TEST

START_TEST(exactly_one_connector)
{
	const char *path = write_config("[indicator.t_good_indicator]\n");
	struct kv_diags d = {0};
	struct kv_setup s;
	ck_assert_int_eq(kv_setup_load(path, &s, &d), KV_EXIT_CONFIG);
	ck_assert(kv_diags_contains(&d, "no enabled [connector.NAME] section"));
	kv_setup_free(&s);
	kv_diags_free(&d);

	path = write_config("[connector.t_good_connector]\ndsn = x\n[connector.other]\ndsn = y\n"
			    "[indicator.t_good_indicator]\n");
	ck_assert_int_eq(kv_setup_load(path, &s, &d), KV_EXIT_CONFIG);
	ck_assert(kv_diags_contains(&d, ":9: [connector.other] is a second enabled connector"));
	kv_setup_free(&s);
	kv_diags_free(&d);

	/* a disabled connector is not loaded at all */
	path = write_config("[connector.t_good_connector]\ndsn = x\n[connector.other]\nenabled = no\n"
			    "[indicator.t_good_indicator]\nenabled = false\n");
	ck_assert_int_eq(kv_setup_load(path, &s, &d), KV_EXIT_OK);
	ck_assert_uint_eq(s.n_indicators, 0);
	kv_setup_free(&s);
	kv_diags_free(&d);
}
END_TEST

START_TEST(unused_secret_is_reported)
{
	tu_write_file(tu_path(dir, "secrets.ini"),
		      "[connector.t_good_connector]\npassword = p\n[connector.gone]\npassword = q\n",
		      0600);
	const char *path = write_config("secrets_file = secrets.ini\n"
					"[connector.t_good_connector]\ndsn = x\n"
					"[indicator.t_good_indicator]\n");
	struct kv_diags d = {0};
	struct kv_setup s;
	ck_assert_int_eq(kv_setup_load(path, &s, &d), KV_EXIT_CONFIG);
	ck_assert_uint_eq(d.n, 1);
	ck_assert(kv_diags_contains(&d, "secrets.ini:4: key \"password\" in [connector.gone] is not used"));
	const struct { const char *dsn, *password, *mode; } *cset =
		kv_call_of(s.connector.ctx, NULL).settings;
	ck_assert_str_eq(cset->password, "p");
	kv_setup_free(&s);
	kv_diags_free(&d);
}
END_TEST

Suite *suite_setup(void)
{
	Suite *s = suite_create("setup");
	TCase *tc = tcase_create("setup");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, plugins_and_their_sections);
	tcase_add_test(tc, plugin_key_errors_name_file_and_line);
	tcase_add_test(tc, refused_and_missing_plugins);
	tcase_add_test(tc, exactly_one_connector);
	tcase_add_test(tc, unused_secret_is_reported);
	suite_add_tcase(s, tc);
	return s;
}
