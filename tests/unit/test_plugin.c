/*
 * test_plugin.c - the plugin loader: ABI gate, required callbacks, where and
 * how plugins may be loaded from
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugin.h"
#include "testutil.h"

static char *dir;
static char err[2048];

static void setup(void)
{
	dir = tu_mkdtemp();
	const char *names[] = {"t_good_indicator", "t_good_connector", "t_abi_major",
			       "t_abi_minor",      "t_no_compute",     "t_no_descriptor",
			       "t_two_descriptors", "t_wrong_name",    "t_wrong_kind",
			       "t_bad_size",       "t_unresolved",     "t_bad_keys",
			       "t_abi_1_x",        "t_bad_relation",   "t_bad_setting",
			       "t_example_indicator", "t_abi_next"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		tu_install_test_plugin(dir, names[i]);
}

static void teardown(void)
{
	tu_rmtree(dir);
	free(dir);
	dir = NULL;
}

/* Load must fail, leave nothing loaded, and say all of needles. */
static void expect_refused(const char *name, enum kv_plugin_kind kind, const char *n1,
			   const char *n2)
{
	struct kv_plugin *p = (struct kv_plugin *)1;
	err[0] = '\0';
	ck_assert_int_eq(kv_plugin_load(dir, name, kind, &p, err, sizeof err), -1);
	ck_assert_ptr_null(p);
	ck_assert_msg(strstr(err, n1) != NULL, "\"%s\" not in: %s", n1, err);
	if (n2 != NULL)
		ck_assert_msg(strstr(err, n2) != NULL, "\"%s\" not in: %s", n2, err);
	/* refused plugins are dlclosed: the object is no longer in the process */
	char path[4096];
	snprintf(path, sizeof path, "%s/%s.so", dir, name);
	void *h = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
	ck_assert_msg(h == NULL, "%s is still loaded after being refused", path);
}

START_TEST(good_plugins_load)
{
	struct kv_plugin *p = NULL;
	ck_assert_int_eq(kv_plugin_load(dir, "t_good_indicator", KV_PLUGIN_INDICATOR, &p, err,
					sizeof err), 0);
	ck_assert_str_eq(p->header->version, "1.2.3");
	ck_assert_uint_eq(p->indicator->n_indicators, 3);
	ck_assert_str_eq(kv_plugin_indicator(p, 1)->id, "T_MEAN");
	ck_assert_str_eq(kv_plugin_indicator(p, 2)->title_nb, "trenger lab");
	size_t n;
	const struct kv_config_key *keys = kv_plugin_keys(p, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(keys[0].key, "threshold");
	kv_plugin_unload(p);

	ck_assert_int_eq(kv_plugin_load(dir, "t_good_connector", KV_PLUGIN_CONNECTOR, &p, err,
					sizeof err), 0);
	ck_assert_ptr_nonnull(p->connector->read);
	kv_plugin_unload(p);

	/* the example of indicators/README.md */
	ck_assert_int_eq(kv_plugin_load(dir, "t_example_indicator", KV_PLUGIN_INDICATOR, &p, err,
					sizeof err), 0);
	ck_assert_str_eq(kv_plugin_indicator(p, 0)->id, "T_LISTED_ADULTS");
	keys = kv_plugin_keys(p, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(keys[0].key, "min_age");
	kv_plugin_unload(p);
}
END_TEST

START_TEST(abi_major_mismatch_names_both_versions)
{
	char want[64];
	snprintf(want, sizeof want, "expects 2.x (ABI %d.%d)", KV_ABI_MAJOR, KV_ABI_MINOR);
	expect_refused("t_abi_major", KV_PLUGIN_INDICATOR, "built for ABI 3.0", want);
	ck_assert(strstr(err, "t_abi_major.so") != NULL);
}
END_TEST

/* A plugin built against the 1.x header (callbacks without kv_call) is
 * refused before any of its code runs, naming both versions. */
START_TEST(abi_1_plugin_is_refused_naming_both_versions)
{
	char want[64];
	snprintf(want, sizeof want, "kvalind expects 2.x (ABI %d.%d)", KV_ABI_MAJOR, KV_ABI_MINOR);
	expect_refused("t_abi_1_x", KV_PLUGIN_INDICATOR, "built for ABI 1.2", want);
	ck_assert(strstr(err, "rebuild the plugin") != NULL);
}
END_TEST

START_TEST(setting_of_the_wrong_type_is_refused)
{
	expect_refused("t_bad_setting", KV_PLUGIN_INDICATOR,
		       "setting \"threshold\" is an integer, its field is not int64_t",
		       "t_bad_setting.so");
}
END_TEST

START_TEST(bad_population_name_is_refused)
{
	expect_refused("t_bad_relation", KV_PLUGIN_INDICATOR, "T_X", "population name");
}
END_TEST

START_TEST(newer_abi_minor_is_refused)
{
	char want[64];
	snprintf(want, sizeof want, "newer than kvalind's ABI %d.%d", KV_ABI_MAJOR, KV_ABI_MINOR);
	expect_refused("t_abi_minor", KV_PLUGIN_INDICATOR, "built for ABI 2.99", want);
	/* really built with the next minor's header: a larger descriptor, yet
	 * refused for its version, not as damaged */
	expect_refused("t_abi_next", KV_PLUGIN_INDICATOR, "built for ABI 2.2", want);
}
END_TEST

START_TEST(missing_required_callback_is_refused_at_load)
{
	expect_refused("t_no_compute", KV_PLUGIN_INDICATOR, "indicator plugins must provide compute()",
		       "t_no_compute.so");
}
END_TEST

START_TEST(descriptor_problems)
{
	expect_refused("t_no_descriptor", KV_PLUGIN_INDICATOR, "exports no descriptor", NULL);
	expect_refused("t_two_descriptors", KV_PLUGIN_INDICATOR, "exports both", NULL);
	expect_refused("t_wrong_name", KV_PLUGIN_INDICATOR, "calls itself \"t_other_name\"", NULL);
	expect_refused("t_wrong_kind", KV_PLUGIN_INDICATOR, "not an indicator plugin", NULL);
	expect_refused("t_bad_size", KV_PLUGIN_INDICATOR, "is damaged", NULL);
	expect_refused("t_bad_keys", KV_PLUGIN_INDICATOR, "bad configuration table",
		       "default of key \"threshold\"");
	expect_refused("t_good_connector", KV_PLUGIN_INDICATOR,
		       "is a connector plugin, not an indicator plugin", NULL);
}
END_TEST

START_TEST(unresolved_symbol_fails_at_load)
{
	expect_refused("t_unresolved", KV_PLUGIN_INDICATOR, "could not load plugin",
		       "kv_symbol_that_does_not_exist");
	ck_assert(strstr(err, "ldd") != NULL);
}
END_TEST

START_TEST(only_bare_names)
{
	expect_refused("../t_good_indicator", KV_PLUGIN_INDICATOR, "invalid plugin name", NULL);
	expect_refused("t_good_indicator.so", KV_PLUGIN_INDICATOR, "invalid plugin name", NULL);
	expect_refused("/tmp/t_good_indicator", KV_PLUGIN_INDICATOR, "invalid plugin name", NULL);
	expect_refused("", KV_PLUGIN_INDICATOR, "invalid plugin name", NULL);
}
END_TEST

START_TEST(plugin_outside_the_directory_is_not_found)
{
	/* a plugin that exists only elsewhere */
	char *other = tu_mkdtemp();
	tu_install_test_plugin(other, "t_good_indicator");
	ck_assert_int_eq(rename(tu_path(other, "t_good_indicator.so"), tu_path(other, "t_elsewhere.so")), 0);
	expect_refused("t_elsewhere", KV_PLUGIN_INDICATOR, "could not find plugin", NULL);
	/* a symbolic link to it inside the plugin directory is refused */
	ck_assert_int_eq(symlink(tu_path(other, "t_elsewhere.so"), tu_path(dir, "t_elsewhere.so")), 0);
	expect_refused("t_elsewhere", KV_PLUGIN_INDICATOR, "is a symbolic link", NULL);
	tu_rmtree(other);
	free(other);
}
END_TEST

START_TEST(unsafe_permissions_are_refused)
{
	ck_assert_int_eq(chmod(dir, 0775), 0);
	expect_refused("t_good_indicator", KV_PLUGIN_INDICATOR, "plugin directory", "is writable by group or others");
	ck_assert_int_eq(chmod(dir, 0757), 0);
	expect_refused("t_good_indicator", KV_PLUGIN_INDICATOR, "is writable by group or others", NULL);
	ck_assert_int_eq(chmod(dir, 0755), 0);
	ck_assert_int_eq(chmod(tu_path(dir, "t_good_indicator.so"), 0666), 0);
	expect_refused("t_good_indicator", KV_PLUGIN_INDICATOR, "plugin \"", "is writable by group or others");
	ck_assert_int_eq(chmod(tu_path(dir, "t_good_indicator.so"), 0644), 0);
	ck_assert_int_eq(mkdir(tu_path(dir, "t_dir.so"), 0755), 0);
	expect_refused("t_dir", KV_PLUGIN_INDICATOR, "is not a regular file", NULL);
	struct kv_plugin *p = NULL;
	ck_assert_int_eq(kv_plugin_load("relative/dir", "t_good_indicator", KV_PLUGIN_INDICATOR, &p,
					err, sizeof err), -1);
	ck_assert(strstr(err, "not an absolute path") != NULL);
	ck_assert_int_eq(kv_plugin_load("/nonexistent/kvalind", "t_good_indicator",
					KV_PLUGIN_INDICATOR, &p, err, sizeof err), -1);
	ck_assert(strstr(err, "could not use plugin directory \"/nonexistent/kvalind\"") != NULL);
}
END_TEST

START_TEST(scan_lists_plugin_files)
{
	char **names = NULL;
	int n = kv_plugin_scan(dir, &names, err, sizeof err);
	ck_assert_int_eq(n, 17);
	ck_assert_str_eq(names[0], "t_abi_1_x");
	ck_assert_str_eq(names[n - 1], "t_wrong_name");
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}
END_TEST

Suite *suite_plugin(void)
{
	Suite *s = suite_create("plugin");
	TCase *tc = tcase_create("loader");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, good_plugins_load);
	tcase_add_test(tc, abi_major_mismatch_names_both_versions);
	tcase_add_test(tc, newer_abi_minor_is_refused);
	tcase_add_test(tc, abi_1_plugin_is_refused_naming_both_versions);
	tcase_add_test(tc, setting_of_the_wrong_type_is_refused);
	tcase_add_test(tc, bad_population_name_is_refused);
	tcase_add_test(tc, missing_required_callback_is_refused_at_load);
	tcase_add_test(tc, descriptor_problems);
	tcase_add_test(tc, unresolved_symbol_fails_at_load);
	tcase_add_test(tc, only_bare_names);
	tcase_add_test(tc, plugin_outside_the_directory_is_not_found);
	tcase_add_test(tc, unsafe_permissions_are_refused);
	tcase_add_test(tc, scan_lists_plugin_files);
	suite_add_tcase(s, tc);
	return s;
}
