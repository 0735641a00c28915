/*
 * bayes - the probabilistic attacker across months (issue 16, item 4).
 *
 * No certain recovery is left for the interval attackers (attacker.c); this
 * one guesses. It learns how counts change from month to month from the
 * exact counts of other offices (--train: `kvalind compute` output, as an
 * attacker with access to another office's data, or to a similar one's,
 * would), then, for every count of the attacked office, runs a hidden
 * Markov model over the months: the hidden state is the true count, the
 * transitions are the learned ones, and each month's published cell is the
 * observation (a published value: the counts that round to it, with the
 * cell-key noise of the manifest when there is one, weighted as the noise
 * is distributed; suppressed_small: below min_count; suppressed_secondary,
 * suppressed_complement: at least min_count; withheld or absent: nothing).
 * The forward-backward algorithm gives each month's posterior.
 *
 * For every suppressed_small cell it guesses the most probable count; a
 * guess is confident when its posterior is at least 0.9. Judged against
 * the truth (--truth, for judging only), it prints how many small cells
 * were attacked, how many confident guesses it made, and how many of those
 * were right; uniform guessing would be right 1 in min_count times.
 *
 * This attacker uses each cell's own series only, not the relations between
 * cells within a month (the interval attackers do that); it is the attack
 * of the issue: learned month-to-month changes against a small office.
 *
 * Usage: bayes [--label TEXT] --train TRUTH.csv [--train ...] --truth TRUTH.csv
 *              DATA.csv...      (each DATA.csv beside its manifest.json)
 * Prints a summary line, and "LABEL: figures small=N confident=C right=R
 * likely=L likely_right=LR" for scripts.
 * Exit status: 0, or 2 on bad input.
 *
 * C11, libc and libm only.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define K 240          /* counts 0..K-1 are modelled; larger ones are clipped */
#define BAND 24        /* month-to-month changes modelled: -BAND..BAND */
#define MAXMONTHS 400
#define CONFIDENT 0.9

static const char *label = "bayes";

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: error: ", label);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		die("out of memory");
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (q == NULL)
		die("out of memory");
	return q;
}

static int parse_month(const char *s)
{
	int y, m;
	char extra;
	if (sscanf(s, "%4d-%2d%c", &y, &m, &extra) != 2 || m < 1 || m > 12)
		return -1;
	return y * 12 + m - 1;
}

/* Split a CSV line in place (no quoting in these files). */
static int split(char *line, char **f, int max)
{
	int n = 0;
	f[n++] = line;
	for (char *p = line; *p; p++) {
		if (*p == '\n' || *p == '\r') {
			*p = '\0';
			break;
		}
		if (*p == ',') {
			*p = '\0';
			if (n == max)
				return -1;
			f[n++] = p + 1;
		}
	}
	return n;
}

/* ---- series: one cell (indicator, numerator|denominator) over months ------- */

enum { OBS_NONE = 0, OBS_PUBLISHED, OBS_SMALL, OBS_LARGE };

struct series {
	char name[160];
	int64_t truth[MAXMONTHS]; /* -1: unknown */
	uint8_t obs[MAXMONTHS];
	int64_t value[MAXMONTHS];
	int noise[MAXMONTHS];     /* the manifest's perturbation_max */
	int min_count[MAXMONTHS], base[MAXMONTHS];
};

struct set {
	struct series *s;
	size_t n;
	int first, last; /* month range seen */
};

static struct series *find(struct set *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->s[i].name, name) == 0)
			return &set->s[i];
	set->s = xrealloc(set->s, (set->n + 1) * sizeof *set->s);
	struct series *x = &set->s[set->n++];
	memset(x, 0, sizeof *x);
	snprintf(x->name, sizeof x->name, "%s", name);
	for (int m = 0; m < MAXMONTHS; m++)
		x->truth[m] = -1;
	return x;
}

static int month_index(struct set *set, int month)
{
	if (set->first == 0)
		set->first = month - 200; /* generous, fixed origin */
	int i = month - set->first;
	if (i < 0 || i >= MAXMONTHS)
		die("month out of range");
	if (month > set->last)
		set->last = month;
	return i;
}

/* kvalind compute output: office,indicator,version,month,numerator,denominator,... */
static void read_truth(struct set *set, const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		die("%s: %s", path, strerror(errno));
	char line[1024];
	int lineno = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		char *fl[12];
		if (++lineno == 1)
			continue;
		int n = split(line, fl, 12);
		if (n < 6)
			die("%s:%d: too few fields", path, lineno);
		int month = parse_month(fl[3]);
		if (month < 0)
			die("%s:%d: bad month", path, lineno);
		int mi = month_index(set, month);
		for (int k = 0; k < 2; k++) {
			if (*fl[4 + k] == '\0')
				continue;
			char name[160];
			snprintf(name, sizeof name, "%s.%s", fl[1], k ? "denominator" : "numerator");
			find(set, name)->truth[mi] = strtoll(fl[4 + k], NULL, 10);
		}
	}
	fclose(f);
}

static int manifest_int(const char *text, const char *key, int otherwise)
{
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\"", key);
	const char *k = strstr(text, pat);
	if (k == NULL)
		return otherwise;
	k += strlen(pat);
	while (*k == ' ' || *k == ':' || *k == '\n')
		k++;
	return isdigit((unsigned char)*k) ? atoi(k) : otherwise;
}

static void read_extract(struct set *set, const char *path)
{
	char mpath[4200], text[8192] = "";
	const char *slash = strrchr(path, '/');
	snprintf(mpath, sizeof mpath, "%.*smanifest.json", slash ? (int)(slash - path + 1) : 0,
		 path);
	FILE *mf = fopen(mpath, "r");
	if (mf == NULL)
		die("%s: %s", mpath, strerror(errno));
	size_t got = fread(text, 1, sizeof text - 1, mf);
	text[got] = '\0';
	fclose(mf);
	int min_count = manifest_int(text, "min_count", -1);
	int base = manifest_int(text, "rounding_base", -1);
	int noise = manifest_int(text, "perturbation_max", 0);
	if (min_count < 1 || base < 1)
		die("%s: no min_count / rounding_base", mpath);

	FILE *f = fopen(path, "r");
	if (f == NULL)
		die("%s: %s", path, strerror(errno));
	char line[1024];
	int lineno = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		char *fl[12];
		if (++lineno == 1)
			continue;
		if (split(line, fl, 12) != 10)
			die("%s:%d: expected 10 fields", path, lineno);
		int month = parse_month(fl[3]);
		if (month < 0)
			die("%s:%d: bad month", path, lineno);
		int mi = month_index(set, month);
		for (int k = 0; k < 2; k++) {
			char name[160];
			snprintf(name, sizeof name, "%s.%s", fl[1], k ? "denominator" : "numerator");
			struct series *x = find(set, name);
			const char *st = fl[5 + 2 * k];
			x->min_count[mi] = min_count;
			x->base[mi] = base;
			x->noise[mi] = noise;
			if (strcmp(st, "published") == 0) {
				x->obs[mi] = OBS_PUBLISHED;
				x->value[mi] = strtoll(fl[4 + 2 * k], NULL, 10);
			} else if (strcmp(st, "suppressed_small") == 0) {
				x->obs[mi] = OBS_SMALL;
			} else if (strcmp(st, "suppressed_secondary") == 0 ||
				   strcmp(st, "suppressed_complement") == 0) {
				x->obs[mi] = OBS_LARGE;
			} else {
				x->obs[mi] = OBS_NONE;
			}
		}
	}
	fclose(f);
}

/* ---- the model learned from the training offices ------------------------- */

static double trans[K][2 * BAND + 1]; /* P(t' = t + d | t), d = -BAND..BAND */
static double prior[K];

static int clip(int64_t t)
{
	return t < 0 ? 0 : t >= K ? K - 1 : (int)t;
}

static void learn(const struct set *train)
{
	static double count[K][2 * BAND + 1], pooled[2 * BAND + 1];
	double total_pooled = 0;
	for (size_t i = 0; i < train->n; i++) {
		const struct series *x = &train->s[i];
		for (int m = 0; m < MAXMONTHS; m++) {
			if (x->truth[m] < 0)
				continue;
			prior[clip(x->truth[m])] += 1;
			if (m + 1 >= MAXMONTHS || x->truth[m + 1] < 0)
				continue;
			int64_t d = x->truth[m + 1] - x->truth[m];
			if (d < -BAND || d > BAND)
				continue;
			count[clip(x->truth[m])][d + BAND] += 1;
			pooled[d + BAND] += 1;
			total_pooled += 1;
		}
	}
	if (total_pooled == 0)
		die("no month-to-month changes in the training data");
	double ptotal = 0;
	for (int t = 0; t < K; t++)
		ptotal += prior[t] + 0.01;
	for (int t = 0; t < K; t++)
		prior[t] = (prior[t] + 0.01) / ptotal;
	/* each count's own changes, shrunk towards the pooled ones */
	const double alpha = 20;
	for (int t = 0; t < K; t++) {
		double n = 0;
		for (int d = 0; d <= 2 * BAND; d++)
			n += count[t][d];
		double sum = 0;
		for (int d = 0; d <= 2 * BAND; d++) {
			double p = (count[t][d] + alpha * (pooled[d] + 0.001) / (total_pooled + 0.05)) /
				   (n + alpha);
			if (t + d - BAND < 0 || t + d - BAND >= K)
				p = 0;
			trans[t][d] = p;
			sum += p;
		}
		for (int d = 0; d <= 2 * BAND; d++)
			trans[t][d] = sum > 0 ? trans[t][d] / sum : 0;
	}
}

/* ---- the attack ------------------------------------------------------------ */

static int64_t round_count(int64_t t, int m, int b)
{
	if (t < m)
		t = m;
	int64_t r = (t + b / 2) / b * b;
	if (r < m)
		r = ((int64_t)m + b - 1) / b * b;
	return r;
}

/* P(observation | true count t) for month mi of x. With cell-key
 * perturbation (perturbation_max > 0) the rules act on t plus a noise the
 * attacker does not know, distributed as kvalind documents (triangular). */
static double emission(const struct series *x, int mi, int t)
{
	int m = x->min_count[mi], b = x->base[mi], noise = x->noise[mi];
	if (x->obs[mi] == OBS_NONE)
		return 1;
	double p = 0, total = (double)(noise + 1) * (noise + 1);
	for (int n = -noise; n <= noise; n++) {
		int64_t acting = t + n < 0 ? 0 : t + n;
		double w = (noise + 1 - abs(n)) / total;
		switch (x->obs[mi]) {
		case OBS_SMALL:
			p += acting < m ? w : 0;
			break;
		case OBS_LARGE:
			p += acting >= m ? w : 0;
			break;
		default: /* OBS_PUBLISHED */
			p += acting >= m && round_count(acting, m, b) == x->value[mi] ? w : 0;
			break;
		}
	}
	return p;
}

struct tally {
	long small, confident, right, attacked_series;
	long likely, likely_right; /* posterior >= 0.7 */
};

static void attack(const struct series *x, int first, int last, struct tally *tally)
{
	int nm = last - first + 1;
	bool any_small = false;
	for (int i = 0; i < nm; i++)
		any_small = any_small || x->obs[first + i] == OBS_SMALL;
	if (!any_small)
		return;
	tally->attacked_series++;
	double *alpha = xcalloc((size_t)nm * K, sizeof *alpha);
	double *beta = xcalloc((size_t)nm * K, sizeof *beta);
	for (int t = 0; t < K; t++)
		alpha[t] = prior[t] * emission(x, first, t);
	for (int i = 1; i < nm; i++) {
		double *a = &alpha[(size_t)i * K], *prev = &alpha[(size_t)(i - 1) * K], sum = 0;
		for (int t = 0; t < K; t++) {
			if (prev[t] == 0)
				continue;
			for (int d = -BAND; d <= BAND; d++)
				if (t + d >= 0 && t + d < K)
					a[t + d] += prev[t] * trans[t][d + BAND];
		}
		for (int t = 0; t < K; t++) {
			a[t] *= emission(x, first + i, t);
			sum += a[t];
		}
		for (int t = 0; t < K && sum > 0; t++)
			a[t] /= sum;
	}
	for (int t = 0; t < K; t++)
		beta[(size_t)(nm - 1) * K + t] = 1;
	for (int i = nm - 2; i >= 0; i--) {
		double *bt = &beta[(size_t)i * K], *next = &beta[(size_t)(i + 1) * K], sum = 0;
		for (int t = 0; t < K; t++) {
			double v = 0;
			for (int d = -BAND; d <= BAND; d++)
				if (t + d >= 0 && t + d < K)
					v += trans[t][d + BAND] * emission(x, first + i + 1, t + d) *
					     next[t + d];
			bt[t] = v;
			sum += v;
		}
		for (int t = 0; t < K && sum > 0; t++)
			bt[t] /= sum;
	}
	for (int i = 0; i < nm; i++) {
		if (x->obs[first + i] != OBS_SMALL || x->truth[first + i] < 0)
			continue;
		double sum = 0, best = -1;
		int guess = 0;
		for (int t = 0; t < K; t++)
			sum += alpha[(size_t)i * K + t] * beta[(size_t)i * K + t];
		for (int t = 0; t < K && sum > 0; t++) {
			double p = alpha[(size_t)i * K + t] * beta[(size_t)i * K + t] / sum;
			if (p > best) {
				best = p;
				guess = t;
			}
		}
		tally->small++;
		if (best >= 0.7) {
			tally->likely++;
			tally->likely_right += guess == x->truth[first + i];
		}
		if (best >= CONFIDENT) {
			tally->confident++;
			tally->right += guess == x->truth[first + i];
			if (getenv("BAYES_VERBOSE")) /* each confident guess, for a look */
				printf("%s: %s month %d: guess %d (p %.3f), true %lld, "
				       "published before %lld after %lld\n",
				       label, x->name, i, guess, best, (long long)x->truth[first + i],
				       i > 0 && x->obs[first + i - 1] == OBS_PUBLISHED
					       ? (long long)x->value[first + i - 1] : -1LL,
				       i + 1 < nm && x->obs[first + i + 1] == OBS_PUBLISHED
					       ? (long long)x->value[first + i + 1] : -1LL);
		}
	}
	free(alpha);
	free(beta);
}

int main(int argc, char **argv)
{
	struct set train = {0}, target = {0};
	const char *truth = NULL;
	int n_train = 0, n_data = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--label") == 0 && i + 1 < argc) {
			label = argv[++i];
		} else if (strcmp(argv[i], "--train") == 0 && i + 1 < argc) {
			read_truth(&train, argv[++i]);
			n_train++;
		} else if (strcmp(argv[i], "--truth") == 0 && i + 1 < argc) {
			truth = argv[++i];
		} else if (argv[i][0] == '-') {
			die("unknown option %s", argv[i]);
		} else {
			read_extract(&target, argv[i]);
			n_data++;
		}
	}
	if (n_train == 0 || truth == NULL || n_data == 0)
		die("usage: bayes [--label TEXT] --train TRUTH.csv... --truth TRUTH.csv DATA.csv...");
	read_truth(&target, truth);
	learn(&train);
	struct tally tally = {0};
	int first = target.last - target.first;
	for (size_t i = 0; i < target.n; i++)
		for (int m = 0; m < MAXMONTHS; m++)
			if (target.s[i].obs[m] != OBS_NONE && m < first)
				first = m;
	for (size_t i = 0; i < target.n; i++)
		attack(&target.s[i], first, target.last - target.first, &tally);
	printf("%s: small cells %ld in %ld series, confident guesses (posterior >= %.1f) %ld, "
	       "right %ld (%.0f%% of confident; %.1f%% of small cells); posterior >= 0.7: %ld, "
	       "right %ld\n",
	       label, tally.small, tally.attacked_series, CONFIDENT, tally.confident, tally.right,
	       tally.confident ? 100.0 * tally.right / tally.confident : 0.0,
	       tally.small ? 100.0 * tally.right / tally.small : 0.0, tally.likely,
	       tally.likely_right);
	printf("%s: figures small=%ld confident=%ld right=%ld likely=%ld likely_right=%ld\n", label,
	       tally.small, tally.confident, tally.right, tally.likely, tally.likely_right);
	return 0;
}
