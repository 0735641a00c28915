/* ck_aim.c - the suites and cases a Check program has, for --list and CASE= */
#include "ck_aim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#undef suite_create
#undef tcase_create
#undef suite_add_tcase

#define CK_AIM_MAX 512

struct named {
	const void *p;
	const char *name; /* borrowed: a string literal in every test */
};

static struct named suites[CK_AIM_MAX], cases[CK_AIM_MAX];
static size_t n_suites, n_cases;
static struct {
	const char *suite, *tcase;
} pairs[CK_AIM_MAX];
static size_t n_pairs;

static void remember(struct named *t, size_t *n, const void *p, const char *name)
{
	if (*n == CK_AIM_MAX) {
		fprintf(stderr, "ck_aim: more than %d suites or cases\n", CK_AIM_MAX);
		abort();
	}
	t[*n].p = p;
	t[(*n)++].name = name;
}

static const char *name_of(const struct named *t, size_t n, const void *p)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].p == p)
			return t[i].name;
	return "?";
}

Suite *ck_aim_suite_create(const char *name)
{
	Suite *s = suite_create(name);
	remember(suites, &n_suites, s, name);
	return s;
}

TCase *ck_aim_tcase_create(const char *name)
{
	TCase *tc = tcase_create(name);
	remember(cases, &n_cases, tc, name);
	return tc;
}

void ck_aim_suite_add_tcase(Suite *s, TCase *tc)
{
	suite_add_tcase(s, tc);
	if (n_pairs == CK_AIM_MAX) {
		fprintf(stderr, "ck_aim: more than %d cases\n", CK_AIM_MAX);
		abort();
	}
	pairs[n_pairs].suite = name_of(suites, n_suites, s);
	pairs[n_pairs++].tcase = name_of(cases, n_cases, tc);
}

static const char *env(const char *name)
{
	const char *v = getenv(name);
	return v != NULL && *v != '\0' ? v : NULL;
}

static void list(FILE *f, const char *indent)
{
	for (size_t i = 0; i < n_pairs; i++)
		fprintf(f, "%s%s\t%s\n", indent, pairs[i].suite, pairs[i].tcase);
}

int ck_aim(SRunner *sr, int argc, char **argv, const char *prog)
{
	(void)sr;
	if (argc > 1) {
		if (argc == 2 && strcmp(argv[1], "--list") == 0) {
			list(stdout, "");
			return 0;
		}
		fprintf(stderr,
			"usage: %s [--list]\n"
			"  CK_RUN_SUITE=suite CK_RUN_CASE=case in the environment run one\n",
			prog);
		return 2;
	}
	const char *want_suite = env("CK_RUN_SUITE"), *want_case = env("CK_RUN_CASE");
	if (want_suite == NULL && want_case == NULL)
		return -1;
	for (size_t i = 0; i < n_pairs; i++)
		if ((want_suite == NULL || strcmp(pairs[i].suite, want_suite) == 0) &&
		    (want_case == NULL || strcmp(pairs[i].tcase, want_case) == 0))
			return -1;
	fprintf(stderr, "%s: no %s%s%s%s%s; its suites and cases are:\n", prog,
		want_suite ? "suite " : "", want_suite ? want_suite : "",
		want_suite && want_case ? " with " : "", want_case ? "case " : "",
		want_case ? want_case : "");
	list(stderr, "  ");
	return 2;
}

int ck_aim_run(SRunner *sr)
{
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	if (srunner_ntests_run(sr) == 0 && (env("CK_RUN_SUITE") || env("CK_RUN_CASE"))) {
		fprintf(stderr, "ck_aim: the aimed run ran no test\n");
		return 1;
	}
	return failed == 0 ? 0 : 1;
}
