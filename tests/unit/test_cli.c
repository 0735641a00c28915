/*
 * test_cli.c - the kvalind command as a user runs it: exit codes, --help,
 * messages
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static char *dir, *out, *err;

static void setup(void)
{
	dir = tu_mkdtemp();
	tu_install_test_plugin(dir, "t_good_connector");
	tu_install_test_plugin(dir, "t_good_indicator");
	out = err = NULL;
}

static void teardown(void)
{
	tu_rmtree(dir);
	free(dir);
	free(out);
	free(err);
}

static void reset(void)
{
	free(out);
	free(err);
	out = err = NULL;
}

static const char *write_config(const char *body, int mode)
{
	char text[8192];
	snprintf(text, sizeof text,
		 "[office]\nid = test-office\n[core]\nconnector_dir = %s\nindicator_dir = %s\nvalue_sets = %s\n"
		 "[connector.t_good_connector]\ndsn = x\n[indicator.t_good_indicator]\n%s",
		 dir, dir, tu_value_sets(), body);
	const char *path = tu_path(dir, "kvalind.ini");
	tu_write_file(path, text, (mode_t)mode);
	return path;
}

START_TEST(version_and_help)
{
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "version", NULL), 0);
	ck_assert(strstr(out, "kvalind ") == out);
	ck_assert(strstr(out, "(plugin ABI 2.1)") != NULL);
	reset();
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "--help", NULL), 0);
	ck_assert(strstr(out, "check-config") != NULL && strstr(out, "Exit status") != NULL);
	reset();
	const char *cmds[] = {"version", "check-config", "list-plugins", "describe-plugin",
			      "list-keys", "list-indicators", "inspect", "compute"};
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		ck_assert_int_eq(tu_run_kvalind(&out, &err, cmds[i], "--help", NULL), 0);
		ck_assert_msg(strstr(out, "Usage: kvalind ") == out, "%s --help: %s", cmds[i], out);
		reset();
	}
	ck_assert_int_eq(tu_run_kvalind(&out, &err, NULL), 2);
	reset();
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "frobnicate", NULL), 2);
	ck_assert(strstr(err, "unknown command \"frobnicate\"") != NULL);
}
END_TEST

START_TEST(check_config_success_and_errors)
{
	const char *path = write_config("threshold = 4\n", 0644);
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "check-config", "--config", path, NULL), 0);
	ck_assert_msg(strstr(out, "is valid") != NULL, "%s%s", out, err);
	ck_assert(strstr(out, "connector:  t_good_connector 0.9.0") != NULL);
	ck_assert(strstr(out, "indicator:  t_good_indicator 1.2.3, 3 indicators") != NULL);
	reset();

	path = write_config("threshold = 4\nshade = blue\n", 0644);
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "check-config", "-c", path, NULL), 3);
	char want[4200];
	snprintf(want, sizeof want, "kvalind: error: %s:11: unknown key \"shade\"", path);
	ck_assert_msg(strstr(err, want) != NULL, "%s", err);
	ck_assert(strstr(err, "has 1 error") != NULL);
	reset();

	/* a plugin binding a setting to a field of the wrong type: refused,
	 * reported at its section's line, naming the setting */
	tu_install_test_plugin(dir, "t_bad_setting");
	path = write_config("threshold = 4\n[indicator.t_bad_setting]\n", 0644);
	ck_assert_int_ne(tu_run_kvalind(&out, &err, "check-config", "--config", path, NULL), 0);
	snprintf(want, sizeof want, "%s:11: [indicator.t_bad_setting]: plugin", path);
	ck_assert_msg(strstr(err, want) != NULL, "%s", err);
	ck_assert_msg(strstr(err, "setting \"threshold\" is an integer, its field is not int64_t") !=
			      NULL, "%s", err);
	reset();

	ck_assert_int_eq(tu_run_kvalind(&out, &err, "check-config", "--config",
					"/nonexistent/kvalind.ini", NULL), 3);
	ck_assert(strstr(err, "could not open \"/nonexistent/kvalind.ini\"") != NULL);
	ck_assert(strstr(err, "kvalind: hint: kvalind reads the configuration named by --config FILE") != NULL);
	ck_assert(strstr(err, "has 1 error\n") != NULL);
	reset();
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "check-config", "--config", NULL), 2);
	ck_assert(strstr(err, "needs a value") != NULL);
	reset();
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "check-config", "--colour", NULL), 2);
}
END_TEST

START_TEST(plugin_listing)
{
	const char *path = write_config("", 0644);
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "list-plugins", "--config", path, NULL), 0);
	ck_assert(strstr(out, "t_good_connector") != NULL);
	ck_assert(strstr(out, "T_MEAN v1  a mean / a mean (nb)") != NULL);
	reset();
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "describe-plugin", "--config", path,
					"t_good_connector", NULL), 0);
	ck_assert(strstr(out, "Configuration keys of [connector.t_good_connector]") != NULL);
	ck_assert(strstr(out, "  dsn\n      type: connection string, required") != NULL);
	ck_assert(strstr(out, "type: one of fast|slow, default fast") != NULL);
	reset();
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "list-indicators", "--config", path, NULL), 0);
	ck_assert_msg(strstr(out, "T_LABS\tt_good_indicator\tproportion\tneither better\tneeds labs\t"
				  "trenger lab\n  numerator:   patients with labs\n") != NULL, "%s", out);
	reset();
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "list-indicators", "--config", path, "--markdown", NULL), 0);
	ck_assert(strstr(out, "| `T_ALL` | t_good_indicator | every patient | every patient (nb) |") != NULL);
	reset();
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "describe-plugin", "--config", path, "absent",
					NULL), 4);
	reset();
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "describe-plugin", "--config", path,
					"../etc/x", NULL), 2);
	reset();
	/* a refused plugin is listed with its reason and the status says so */
	tu_install_test_plugin(dir, "t_abi_major");
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "list-plugins", "--config", path, NULL), 4);
	ck_assert(strstr(out, "t_abi_major") != NULL && strstr(out, "REFUSED") != NULL);
	reset();
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "list-keys", "--config", path, NULL), 4);
	ck_assert(strstr(out, "connector.t_good_connector\tdsn\tconnection string") != NULL);
	ck_assert(strstr(out, "office\tid\tstring\t-\trequired") != NULL);
}
END_TEST

START_TEST(compute_arguments)
{
	const char *path = write_config("", 0644);
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "compute", "--config", path, NULL), 2);
	ck_assert(strstr(err, "--from and --to are required") != NULL);
	reset();
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "compute", "--config", path, "--from",
					"2020-13", "--to", "2021-01", NULL), 2);
	ck_assert(strstr(err, "--from \"2020-13\" is not a month") != NULL);
	reset();
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "compute", "--config", path, "--from",
					"2021-02", "--to", "2021-01", NULL), 2);
	ck_assert(strstr(err, "is before --from") != NULL);
	reset();
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "compute", "--config", path, "--from",
					"2021-01", "--to", "2021-01", "--format", "xml", NULL), 2);
}
END_TEST

/* The connector hands the core an origin (local reference, list holder)
 * beside the patient; no indicator may see it (t_sees_patient fails if
 * the patient or any event array it can reach holds it). */
START_TEST(indicators_see_no_origin)
{
	tu_install_test_plugin(dir, "t_sees_patient");
	const char *path = write_config("[indicator.t_sees_patient]\n", 0644);
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "compute", "--config", path, "--from",
					"2020-01", "--to", "2020-02", NULL), 0);
	ck_assert_msg(strstr(err, "origin") == NULL, "%s", err);
	ck_assert_msg(strstr(out, "test-office,T_NO_ID,1,2020-02,0,1,\n") != NULL, "%s", out);
}
END_TEST

START_TEST(inspect_counts_what_the_connector_delivers)
{
	const char *path = write_config("", 0644);
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "inspect", "--config", path, NULL), 0);
	ck_assert_msg(strstr(out, "  patients                          1\n") != NULL, "%s", out);
	ck_assert(strstr(out, "  list_periods                      1\n") != NULL);
	ck_assert(strstr(out, "  contacts                          0\n") != NULL);
	ck_assert(strstr(out, "provides: 0x0001") != NULL);
}
END_TEST

START_TEST(compute_results_csv_json_and_file)
{
	const char *path = write_config("", 0644);
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "compute", "--config", path, "--from",
					"2019-12", "--to", "2020-02", NULL), 0);
	/* the test connector's one patient: born 1950-02-28, listed from 2020-01-01 */
	ck_assert_str_eq(out, "office,indicator,indicator_version,month,numerator,denominator,value_sum\n"
			      "test-office,T_ALL,1,2019-12,0,1,\n"
			      "test-office,T_ALL,1,2020-01,1,1,\n"
			      "test-office,T_ALL,1,2020-02,1,1,\n"
			      "test-office,T_MEAN,1,2019-12,0,0,0\n"
			      "test-office,T_MEAN,1,2020-01,1,1,69\n"
			      "test-office,T_MEAN,1,2020-02,1,1,70\n");
	ck_assert(strstr(err, "run summary: office test-office, months 2019-12..2020-02 (3)") != NULL);
	/* an indicator whose inputs the record system lacks is not computable, not zero */
	ck_assert_msg(strstr(err, "not computable: T_LABS (the record system lacks lab results)") != NULL,
		      "%s", err);
	reset();

	const char *json = tu_path(dir, "out.json");
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "compute", "--config", path, "--from",
					"2020-01", "--to", "2020-01", "--format", "json", "--output",
					json, NULL), 0);
	ck_assert_str_eq(out, "");
	char *text = tu_read_file(json);
	ck_assert(strstr(text, "{\"indicator\":\"T_MEAN\",\"indicator_version\":1,\"month\":"
			       "\"2020-01\",\"numerator\":1,\"denominator\":1,\"value_sum\":69}") != NULL);
	ck_assert(strstr(text, "\"catalogue_version\":\"1\",\"value_set_version\":\"1.0\"") != NULL);
	ck_assert(strstr(text, "\"not_computable\":[\"T_LABS\"]") != NULL);
	free(text);
}
END_TEST

START_TEST(numerator_outside_denominator_fails_that_plugin)
{
	tu_install_test_plugin(dir, "t_bad_numerator");
	const char *path = write_config("[indicator.t_bad_numerator]\n", 0644);
	const char *csv = tu_path(dir, "out.csv");
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "compute", "--config", path, "--from",
					"2020-01", "--to", "2020-02", "-o", csv, NULL), 1);
	ck_assert(strstr(err, "T_BAD_ALL put a patient in the numerator but not the denominator") != NULL);
	char *text = tu_read_file(csv);
	ck_assert(strstr(text, "T_ALL") != NULL);
	ck_assert(strstr(text, "T_BAD") == NULL);
	free(text);
}
END_TEST

Suite *suite_cli(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("cli");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, version_and_help);
	tcase_add_test(tc, check_config_success_and_errors);
	tcase_add_test(tc, plugin_listing);
	tcase_add_test(tc, compute_arguments);
	tcase_add_test(tc, inspect_counts_what_the_connector_delivers);
	tcase_add_test(tc, indicators_see_no_origin);
	tcase_add_test(tc, compute_results_csv_json_and_file);
	tcase_add_test(tc, numerator_outside_denominator_fails_that_plugin);
	suite_add_tcase(s, tc);
	return s;
}
