/*
 * an_testutil.c - helpers for the analysis tests: a synthetic evaluation
 * panel, temporary files, running commands
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "an_test.h"

#define OFFICES 23
#define MONTHS 96

static uint64_t rng_state;

static double uniform(void)
{
	/* splitmix64: deterministic on every platform */
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	z ^= z >> 31;
	return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}

static double gauss(void)
{
	double u = uniform(), v = uniform();
	return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

const struct kv_month_row *an_synth(unsigned long seed, double effect_ffs, double effect_grant,
				    size_t *n)
{
	static struct kv_month_row rows[OFFICES * MONTHS];
	static char names[OFFICES][16];
	static const char *groups[OFFICES];
	double base[OFFICES], year_shock[OFFICES][8];
	double trend[8];
	long den[OFFICES];

	rng_state = seed;
	for (int o = 0; o < OFFICES; o++) {
		if (o < 6) {
			snprintf(names[o], sizeof names[o], "ffs-%d", o + 1);
			groups[o] = "ffs";
		} else if (o < 11) {
			snprintf(names[o], sizeof names[o], "grant-%d", o - 5);
			groups[o] = "grant";
		} else {
			snprintf(names[o], sizeof names[o], "control-%02d", o - 10);
			groups[o] = "control";
		}
		base[o] = 0.45 + 0.2 * uniform();
		den[o] = 40 + (long)(260 * uniform());
		for (int y = 0; y < 8; y++)
			year_shock[o][y] = 0.03 * gauss();
	}
	for (int y = 0; y < 8; y++)
		trend[y] = 0.01 * y + 0.01 * gauss();

	size_t k = 0;
	for (int o = 0; o < OFFICES; o++) {
		for (int mo = 0; mo < MONTHS; mo++) {
			int y = mo / 12;
			if (o == OFFICES - 1 && y == 0)
				continue; /* control-12 joins in 2016 */
			double p = base[o] + trend[y] + year_shock[o][y];
			if (y >= 3 && o < 6)
				p += effect_ffs;
			else if (y >= 3 && o < 11)
				p += effect_grant;
			long d = den[o] + (long)lround(3 * gauss());
			if (d < 5)
				d = 5;
			double sd = sqrt(p * (1 - p) / (double)d) * (double)d * 0.3;
			long num = lround(p * (double)d + sd * gauss());
			if (num < 0)
				num = 0;
			if (num > d)
				num = d;
			double u = uniform();
			struct kv_month_row *r = &rows[k++];
			r->office = names[o];
			r->group = groups[o];
			r->indicator = "DM_ANNUAL_CHECK";
			r->year = 2015 + y;
			r->month = mo % 12 + 1;
			r->numerator = u < 0.02 ? KV_AN_MISSING : num;
			r->denominator = u > 0.99 ? KV_AN_MISSING : d;
		}
	}
	*n = k;
	return rows;
}

const char *an_source_dir(void)
{
	const char *s = getenv("KV_SOURCE_DIR");
	return s && *s ? s : ".";
}

char *an_tmpfile(const char *suffix)
{
	const char *dir = getenv("TMPDIR");
	char *path = malloc(4096);
	ck_assert_ptr_nonnull(path);
	snprintf(path, 4096, "%s/kv-analysis-XXXXXX%s", dir && *dir ? dir : "/tmp", suffix);
	int fd = mkstemps(path, (int)strlen(suffix));
	ck_assert_int_ge(fd, 0);
	close(fd);
	return path;
}

char *an_run(const char *cmd, int *status)
{
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	ck_assert_ptr_nonnull(buf);
	size_t got;
	while ((got = fread(buf + len, 1, cap - len - 1, p)) > 0) {
		len += got;
		if (cap - len < 2) {
			cap *= 2;
			buf = realloc(buf, cap);
			ck_assert_ptr_nonnull(buf);
		}
	}
	buf[len] = '\0';
	int st = pclose(p);
	*status = st;
	return buf;
}

bool an_write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return false;
	bool ok = fwrite(data, 1, len, f) == len;
	return fclose(f) == 0 && ok;
}
