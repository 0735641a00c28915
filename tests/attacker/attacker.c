/*
 * attacker - an independent adversary against kvalind's published extracts.
 *
 * Given every published monthly extract (data.csv with its manifest.json) of
 * one office, the declared relations (`kvalind list-relations`) and, for
 * judging only, the exact local counts (`kvalind compute`), it tries to
 * recover any suppressed or sub-threshold count. Phase 1 (always) is written
 * from the published format alone, not from kvalind's disclosure code;
 * phase 2 (--informed) knows the algorithm (informed.c).
 *
 * Phase 1, the inference (it never looks at the truth):
 *
 *   Per reference month, every cell is an integer variable with an interval:
 *   each indicator's numerator N and denominator D, its complement C = D - N
 *   (proportions), and one remainder R >= 0 per partial sum ("sum T partial
 *   P..." and "sum T within P" alike). Cells a relation declares equal are
 *   one variable. Initial bounds come from the statuses and the rounding rule
 *   (published v: exactly the preimage of v under the rounding, computed
 *   from the rule; suppressed_small: [0, M-1]; suppressed_secondary:
 *   [M, big]; suppressed_complement: N >= M and C in [0, M-1]; a published
 *   or suppressed_secondary numerator: C >= M; withheld, and anything else:
 *   [0, big]). Constraints are
 *   linear equations: D = N + C, complete sums T = sum P, partial sums
 *   T = sum P + R. Bounds are tightened through every equation (for a_1 x_1
 *   + ... + a_n x_n = 0, each x_k lies in what the others' bounds allow)
 *   until nothing changes: integer interval constraint propagation, the
 *   standard audit of a published table.
 *
 *   With cell-key perturbation (the manifest's perturbation_max > 0), the
 *   statuses and published values bound the acting counts the rules saw,
 *   aN = N + nN and aD = D + nD with noises in [-max, max] (one noise per
 *   population: cells declared equal share it, as kvalind keys it), and the
 *   complement rules bound aD - aN; the true counts satisfy the relations.
 *   The attacker has no key: the noises are free variables.
 *
 *   Interval propagation is weaker than an LP/ILP attacker: it does not see
 *   what several equations imply together. As a stronger second stage
 *   (--no-probe turns it off) the attacker probes: for each variable it fixes
 *   every candidate value in turn (all of them for narrow intervals, the 48
 *   nearest each end for wide ones), propagates, and drops the values that
 *   lead to a contradiction (singleton consistency, "shaving"), repeated to
 *   a fixpoint. This captures the differences of related cells within a month
 *   (e.g. D(A) - N(B) for equal populations, a band from its total and the
 *   other bands) and many combinations of equations.
 *
 *   Across months, for each cell the month-to-month difference is bounded by
 *   [lo(m+1) - hi(m), hi(m+1) - lo(m)]. Several extracts for the same month
 *   (re-exports) are all used together: their constraints are intersected.
 *
 *   The published share is checked against published N / published D; a
 *   share computed from anything else is reported, and used against the
 *   counts (pairs (N, D) in the intervals whose ratio rounds to the share).
 *
 * Phase 2 (--informed v1|v2): the exact integer attack of an attacker who
 * knows the office's algorithm: the counts it keeps are those whose
 * controlled output, simulated, equals the published month; a cell is
 * recovered when every kept candidate gives it the same value. See
 * informed.c for the search and why it is exhaustive where it claims a
 * recovery.
 *
 * A recovery (exit status 1) is any of:
 *   - a suppressed (or withheld) cell narrowed to one value;
 *   - any cell, complement or remainder whose true value is below M
 *     narrowed to one value;
 *   - a month-to-month difference of any of these whose true absolute value
 *     is below M, narrowed to one value.
 * Unsound (also exit status 1): a true value outside the attacker's interval
 * or published data contradicting the model (then either the attacker or the
 * published data's description of the rounding and statuses is wrong: the
 * message says which cell, with its status and published value), a relation
 * that does not hold in the truth, a share or mean where none may be, a
 * published value that is not a possible rounding; in phase 2, a simulator
 * that does not reproduce the published month from the true counts.
 * Undecided (exit status 1 unless --undecided-ok): a cell that would be a
 * recovery by the rules above if phase 2 pinned it (a suppressed or
 * withheld cell, a count, complement or remainder below M, or such a
 * month-to-month difference), whose phase-2 search ran out of its budget,
 * or (a withheld month) for which no second kept candidate was found.
 * Undecided cells that are no target are counted, not fatal.
 *
 * With --expect-recovery (the negative control against a naive extract) the
 * exit status is 0 only if the attacker recovered at least one complement or
 * remainder and at least one month-to-month difference, soundly. With
 * --expect-recovered FILE (the regression fixtures) it is 0 only if every
 * recovery FILE lists ("MONTH CELL VALUE" a line) was made, soundly.
 *
 * Usage: attacker [options] DATA.CSV...
 *   --truth FILE          kvalind compute output, for judging only (and for
 *                         the simulator's soundness check in phase 2)
 *   --relations FILE      kvalind list-relations output (repeatable)
 *   --advisory-relations FILE
 *                         relations the attacker believes from the published
 *                         indicator definitions but kvalind does not declare
 *                         (a cell may be NAME.complement); recoveries that
 *                         need them are reported as ADVISORY (this option
 *                         runs phase 1 a second time with them)
 *   --advisory-fatal      recoveries with the advisory relations fail too
 *   --informed v1|v2      phase 2 against this version of kvalind's algorithm
 *   --budget N            phase 2: DFS nodes per search (default 20000 for
 *                         v2, 2000000 for v1)
 *   --cell-key FILE       the office's cell key (state_dir/cell-key) when the
 *                         extracts are perturbed: never used by the attack,
 *                         only to check phase 2's model of the noise against
 *                         the truth and to judge withheld months' witnesses
 *   --undecided-ok        phase 2: undecided targets are reported, not fatal
 *   --min-count M --rounding-base B
 *                         use these instead of each manifest.json's
 *   --expect-months N     fail if fewer than N distinct months were published
 *   --expect-recovery     negative control (see above)
 *   --expect-recovered FILE
 *                         regression fixtures (see above)
 *   --label TEXT          prefix of every report line
 *   --no-probe            interval propagation only
 *   --naive-rules         the publisher is the naive one of the negative
 *                         control: no complement suppression, so published
 *                         N and D do not imply D - N >= M
 *   --verbose             print every recovery (default: the first 40)
 *
 * C11; phase 1 needs libc only, phase 2 links kvalind's core library.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attacker.h"
#include "informed.h"

#define PROBE_FULL 160 /* probe every value of an interval this narrow */
#define PROBE_EDGE 48  /* else this many values from each end */

/* ---- small utilities ------------------------------------------------------ */

const char *label = "attacker";
int verbose;

void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: error: ", label);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die("out of memory");
	return q;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = xrealloc(NULL, n);
	memcpy(d, s, n);
	return d;
}

static double dabs(double x)
{
	return x < 0 ? -x : x;
}

static int64_t floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static int64_t ceildiv(int64_t a, int64_t b)
{
	return -floordiv(-a, b);
}

/* Split one CSV line (no newline) into fields, in place; "quoted" fields. */
static int csv_split(char *line, char **f, int max)
{
	int n = 0;
	char *p = line;
	for (;;) {
		if (n == max)
			return -1;
		if (*p == '"') {
			char *w = ++p;
			f[n++] = w;
			for (;;) {
				if (!*p)
					return -1;
				if (*p == '"') {
					if (p[1] == '"') {
						*w++ = '"';
						p += 2;
						continue;
					}
					p++;
					break;
				}
				*w++ = *p++;
			}
			*w = 0;
			if (*p == ',') {
				p++;
				continue;
			}
			if (!*p)
				return n;
			return -1;
		}
		f[n++] = p;
		char *c = strchr(p, ',');
		if (!c)
			return n;
		*c = 0;
		p = c + 1;
	}
}

static void chomp(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = 0;
}

static int parse_month(const char *s)
{
	int y, m;
	char extra;
	if (sscanf(s, "%4d-%2d%c", &y, &m, &extra) != 2 || m < 1 || m > 12)
		return -1;
	return y * 12 + (m - 1);
}

void month_str(int m, char out[16])
{
	snprintf(out, 16, "%04d-%02d", (m / 12) % 10000, m % 12 + 1);
}

static int parse_i64(const char *s, int64_t *out)
{
	if (!*s)
		return -1;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

/* ---- indicators, statuses ------------------------------------------------- */

char **ind_names;
size_t n_inds;
static size_t cap_inds;
unsigned char *ind_is_mean;

static int ind_id(const char *name)
{
	for (size_t i = 0; i < n_inds; i++)
		if (!strcmp(ind_names[i], name))
			return (int)i;
	GROW(ind_names, n_inds, cap_inds);
	ind_is_mean = xrealloc(ind_is_mean, cap_inds);
	ind_names[n_inds] = xstrdup(name);
	ind_is_mean[n_inds] = 0;
	return (int)n_inds++;
}

const char *const status_names[ST_COUNT] = {
	"(absent)", "published", "suppressed_small", "suppressed_complement",
	"suppressed_secondary", "not_applicable", "not_computable", "failed", "withheld"};

static int parse_status(const char *s)
{
	for (int i = 1; i < ST_COUNT; i++)
		if (!strcmp(s, status_names[i]))
			return i;
	return -1;
}

int is_suppressed(int st)
{
	return st == ST_SMALL || st == ST_COMPLEMENT || st == ST_SECONDARY || st == ST_WITHHELD;
}

/* ---- observations: one data.csv row -------------------------------------- */

Obs *obs;
size_t n_obs;
static size_t cap_obs;

static int64_t opt_M = -1, opt_B = -1;
static int naive_rules; /* the publisher does no complement suppression */
static int problems;    /* unsound / format violations: always fatal */

void problem(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("%s: UNSOUND ", label);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
	problems++;
}

/* The text after "key": in manifest.json's "disclosure" object, or NULL. */
static const char *manifest_value(const char *text, const char *key)
{
	const char *d = strstr(text, "\"disclosure\"");
	if (!d)
		return NULL;
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\"", key);
	const char *k = strstr(d, pat);
	if (!k)
		return NULL;
	k += strlen(pat);
	while (*k && isspace((unsigned char)*k))
		k++;
	if (*k != ':')
		return NULL;
	k++;
	while (*k && isspace((unsigned char)*k))
		k++;
	return k;
}

/* Read "key": INTEGER after "disclosure" in manifest.json. */
static int64_t manifest_int(const char *text, const char *key)
{
	const char *k = manifest_value(text, key);
	if (!k || !isdigit((unsigned char)*k))
		return -1;
	return strtoll(k, NULL, 10);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int c;
	while ((c = fgetc(f)) != EOF) {
		GROW(buf, n + 1, cap);
		buf[n++] = (char)c;
	}
	fclose(f);
	GROW(buf, n + 1, cap);
	buf[n] = 0;
	return buf;
}

static const char *HEADER =
	"participant,indicator,indicator_version,month,numerator,numerator_status,"
	"denominator,denominator_status,share,mean";

static char **participants;
static size_t n_participants, cap_participants;

static void read_extract(const char *path, int extract_no)
{
	int64_t M = opt_M, B = opt_B;
	int algorithm = 0;
	int64_t noise = 0;
	char mpath[4096];
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path + 1) : 0;
	if (dirlen + 32 > sizeof mpath)
		die("path too long: %s", path);
	memcpy(mpath, path, dirlen);
	strcpy(mpath + dirlen, "manifest.json");
	char *manifest = slurp(mpath);
	if (M < 0 || B < 0) {
		if (!manifest)
			die("%s: cannot read (and no --min-count/--rounding-base)", mpath);
		if (M < 0)
			M = manifest_int(manifest, "min_count");
		if (B < 0)
			B = manifest_int(manifest, "rounding_base");
		if (M < 1 || B < 1)
			die("%s: no disclosure.min_count / rounding_base", mpath);
	}
	if (manifest) {
		int64_t a = manifest_int(manifest, "algorithm");
		algorithm = a > 0 ? (int)a : 0;
		const char *pv = manifest_value(manifest, "perturbation");
		if (pv && strncmp(pv, "\"none\"", 6) != 0) {
			noise = manifest_int(manifest, "perturbation_max");
			if (noise < 1)
				die("%s: a perturbation without a perturbation_max", mpath);
		}
	}
	free(manifest);

	FILE *f = fopen(path, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0;
	const char *id = path;
	/* the extract id: the directory holding data.csv */
	char idbuf[256] = "";
	if (slash) {
		const char *s = slash;
		while (s > path && s[-1] != '/')
			s--;
		snprintf(idbuf, sizeof idbuf, "%.*s", (int)(slash - s), s);
		id = idbuf;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (memchr(line, '\r', (size_t)len))
			problem("%s:%d: CR in data.csv (format says LF)", id, lineno);
		chomp(line);
		if (lineno == 1) {
			if (strcmp(line, HEADER) != 0 &&
			    !(strncmp(line, "\xef\xbb\xbf", 3) == 0 && !strcmp(line + 3, HEADER)))
				die("%s: unexpected header: %s", path, line);
			continue;
		}
		if (!*line)
			continue;
		char *fld[16];
		int n = csv_split(line, fld, 16);
		if (n != 10)
			die("%s:%d: %d fields, expected 10", path, lineno, n);
		Obs o;
		memset(&o, 0, sizeof o);
		size_t p;
		for (p = 0; p < n_participants; p++)
			if (!strcmp(participants[p], fld[0]))
				break;
		if (p == n_participants) {
			GROW(participants, n_participants, cap_participants);
			participants[n_participants++] = xstrdup(fld[0]);
		}
		o.ind = ind_id(fld[1]);
		o.month = parse_month(fld[3]);
		if (o.month < 0)
			die("%s:%d: bad month %s", path, lineno, fld[3]);
		o.extract = extract_no;
		o.M = M;
		o.B = B;
		o.algorithm = algorithm;
		o.noise = noise;
		snprintf(o.where, sizeof o.where, "%s:%d", id, lineno);
		for (int k = 0; k < 2; k++) {
			const char *val = fld[4 + 2 * k], *st = fld[5 + 2 * k];
			o.st[k] = parse_status(st);
			if (o.st[k] < 0) {
				problem("%s: unknown status '%s'", o.where, st);
				o.st[k] = ST_NOT_COMPUTABLE; /* treat as unknown */
			}
			if (o.st[k] == ST_PUBLISHED) {
				if (parse_i64(val, &o.v[k]) < 0) {
					problem("%s: published %s '%s' is not an integer", o.where,
						k ? "denominator" : "numerator", val);
					o.st[k] = ST_NOT_COMPUTABLE;
				}
			} else if (*val) {
				problem("%s: %s has status %s but a value '%s' is published", o.where,
					k ? "denominator" : "numerator", st, val);
			}
		}
		if (o.st[1] == ST_COMPLEMENT)
			problem("%s: denominator has status suppressed_complement", o.where);
		if (o.st[0] == ST_NOT_APPLICABLE)
			ind_is_mean[o.ind] = 1;
		snprintf(o.share, sizeof o.share, "%s", fld[8]);
		snprintf(o.mean, sizeof o.mean, "%s", fld[9]);
		if (*o.share && !(o.st[0] == ST_PUBLISHED && o.st[1] == ST_PUBLISHED))
			problem("%s: a share '%s' is published without both counts", o.where, o.share);
		if (*o.mean && o.st[1] != ST_PUBLISHED)
			problem("%s: a mean '%s' is published without the denominator", o.where, o.mean);
		GROW(obs, n_obs, cap_obs);
		obs[n_obs++] = o;
	}
	free(line);
	fclose(f);
}

/* ---- relations ------------------------------------------------------------ */

Relation *rels;
size_t n_rels;
static size_t cap_rels;

/* "IND.numerator" / ".denominator" / ".complement" -> model variable */
static int parse_cell(const char *s)
{
	const char *dot = strrchr(s, '.');
	if (!dot)
		return -1;
	char name[128];
	if ((size_t)(dot - s) >= sizeof name)
		return -1;
	memcpy(name, s, (size_t)(dot - s));
	name[dot - s] = 0;
	int k;
	if (!strcmp(dot + 1, "numerator"))
		k = 0;
	else if (!strcmp(dot + 1, "denominator"))
		k = 1;
	else if (!strcmp(dot + 1, "complement"))
		k = 2;
	else
		return -1;
	return ind_id(name) * 3 + k;
}

static void read_relations(const char *path, int advisory)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0;
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		chomp(line);
		if (!*line || line[0] == '#')
			continue;
		Relation r;
		memset(&r, 0, sizeof r);
		r.advisory = advisory;
		snprintf(r.text, sizeof r.text, "%s", line);
		for (char *t = r.text; *t; t++)
			if (*t == '\t')
				*t = ' ';
		char *tok[32] = {0};
		int nt = 0;
		for (char *s = strtok(line, "\t"); s && nt < 32; s = strtok(NULL, "\t"))
			tok[nt++] = s;
		if (!nt)
			continue;
		int first;
		if (!strcmp(tok[0], "equal")) {
			r.kind = REL_EQUAL;
			first = 1;
			if (nt < 3)
				die("%s:%d: equal needs two cells", path, lineno);
		} else if (!strcmp(tok[0], "sum")) {
			if (nt < 4)
				die("%s:%d: sum needs a total, complete|partial|within and a part", path,
				    lineno);
			if (!strcmp(tok[2], "complete")) {
				r.kind = REL_COMPLETE;
			} else if (!strcmp(tok[2], "partial")) {
				r.kind = REL_PARTIAL;
			} else if (!strcmp(tok[2], "within")) {
				r.kind = REL_PARTIAL;
				r.within = 1;
				if (nt != 4)
					die("%s:%d: sum ... within takes one part", path, lineno);
			} else {
				die("%s:%d: sum: '%s' is neither complete, partial nor within", path,
				    lineno, tok[2]);
			}
			int c = parse_cell(tok[1]);
			if (c < 0)
				die("%s:%d: bad cell %s", path, lineno, tok[1]);
			r.cell[r.ncells++] = c;
			first = 3;
		} else {
			die("%s:%d: unknown relation '%s' (the attacker must understand every "
			    "relation)", path, lineno, tok[0]);
		}
		for (int i = first; i < nt; i++) {
			int c = parse_cell(tok[i]);
			if (c < 0)
				die("%s:%d: bad cell %s", path, lineno, tok[i]);
			if (r.ncells == 24)
				die("%s:%d: too many cells", path, lineno);
			r.cell[r.ncells++] = c;
		}
		for (int i = 0; i < r.ncells; i++)
			if (r.cell[i] % 3 == 2 && !advisory)
				die("%s:%d: a complement in a declared relation", path, lineno);
		GROW(rels, n_rels, cap_rels);
		rels[n_rels++] = r;
	}
	free(line);
	fclose(f);
}

/* ---- the truth (judging only) -------------------------------------------- */

Truth *truth;
size_t n_truth;
static size_t cap_truth;

static void read_truth(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0;
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		chomp(line);
		if (lineno == 1) {
			if (strncmp(line, "office,indicator,indicator_version,month,numerator,denominator", 62))
				die("%s: unexpected header", path);
			continue;
		}
		if (!*line)
			continue;
		char *fld[16];
		int n = csv_split(line, fld, 16);
		if (n < 6)
			die("%s:%d: too few fields", path, lineno);
		Truth t;
		memset(&t, 0, sizeof t);
		t.ind = ind_id(fld[1]);
		t.month = parse_month(fld[3]);
		t.has_n = parse_i64(fld[4], &t.n) == 0;
		t.has_d = parse_i64(fld[5], &t.d) == 0;
		if (n >= 7 && *fld[6]) {
			char *end;
			t.vsum = strtod(fld[6], &end);
			t.has_vsum = *end == 0;
		}
		GROW(truth, n_truth, cap_truth);
		truth[n_truth++] = t;
	}
	free(line);
	fclose(f);
}

/* ---- one month's model ---------------------------------------------------- */

void var_name(int v, char *out, size_t size)
{
	if (v >= n_true_vars()) {
		int i = (v - n_true_vars()) / 5, k = (v - n_true_vars()) % 5;
		static const char *what[5] = {"numerator (acting)", "denominator (acting)",
					      "complement (acting)", "numerator's noise",
					      "denominator's noise"};
		snprintf(out, size, "%s.%s", ind_names[i], what[k]);
		return;
	}
	if ((size_t)v >= n_inds * 3) {
		const Relation *r = &rels[(size_t)v - n_inds * 3];
		snprintf(out, size, "remainder of [%s]", r->text);
		return;
	}
	static const char *k[3] = {"numerator", "denominator", "complement"};
	snprintf(out, size, "%s.%s", ind_names[v / 3], k[v % 3]);
}

static int find(int *parent, int x)
{
	while (parent[x] != x) {
		parent[x] = parent[parent[x]];
		x = parent[x];
	}
	return x;
}

static void lin_add(Model *md, const int *vars, const int64_t *coefs, int n)
{
	Lin l;
	memset(&l, 0, sizeof l);
	for (int i = 0; i < n; i++) {
		int v = md->rep[vars[i]];
		int j;
		for (j = 0; j < l.nterms; j++)
			if (l.var[j] == v)
				break;
		if (j == l.nterms) {
			if (l.nterms == MAXTERMS)
				die("equation too long");
			l.var[l.nterms] = v;
			l.coef[l.nterms++] = 0;
		}
		l.coef[j] += coefs[i];
	}
	int k = 0;
	for (int j = 0; j < l.nterms; j++)
		if (l.coef[j]) {
			l.var[k] = l.var[j];
			l.coef[k++] = l.coef[j];
		}
	l.nterms = k;
	if (!k)
		return;
	GROW(md->lins, md->nlins, md->caplins);
	md->lins[md->nlins++] = l;
}

/* Which lins each variable occurs in (propagate_from's work list). */
static void build_adjacency(Model *md)
{
	size_t nv = (size_t)md->nv;
	md->adj_start = xrealloc(NULL, (nv + 1) * sizeof *md->adj_start);
	md->in_eq = xrealloc(NULL, nv);
	memset(md->in_eq, 0, nv);
	int *count = xrealloc(NULL, (nv + 1) * sizeof *count);
	memset(count, 0, (nv + 1) * sizeof *count);
	size_t total = 0;
	for (size_t e = 0; e < md->nlins; e++)
		for (int j = 0; j < md->lins[e].nterms; j++) {
			count[md->lins[e].var[j]]++;
			md->in_eq[md->lins[e].var[j]] = 1;
			total++;
		}
	md->adj = xrealloc(NULL, (total ? total : 1) * sizeof *md->adj);
	md->adj_start[0] = 0;
	for (size_t v = 0; v < nv; v++)
		md->adj_start[v + 1] = md->adj_start[v] + count[v];
	memcpy(count, md->adj_start, nv * sizeof *count);
	for (size_t e = 0; e < md->nlins; e++)
		for (int j = 0; j < md->lins[e].nterms; j++)
			md->adj[count[md->lins[e].var[j]]++] = (int)e;
	free(count);
}

long long propagations;

/* The work list of propagate_from: a ring of lin indices, each at most once. */
typedef struct {
	int *ring;
	unsigned char *queued;
	size_t size, head, tail;
} WorkList;

static void work_push(WorkList *w, int e)
{
	if (w->queued[e])
		return;
	w->queued[e] = 1;
	w->ring[w->tail] = e;
	w->tail = (w->tail + 1) % w->size;
}

/* Tighten every variable of lin l; -1 on an empty interval. Adds the lins of
 * changed variables to the work list. */
static int tighten(const Model *md, const Lin *l, int64_t *lo, int64_t *hi, WorkList *w)
{
	int64_t smin = 0, smax = 0;
	int64_t tmin[MAXTERMS], tmax[MAXTERMS];
	for (int j = 0; j < l->nterms; j++) {
		int64_t a = l->coef[j], x = lo[l->var[j]], y = hi[l->var[j]];
		tmin[j] = a > 0 ? a * x : a * y;
		tmax[j] = a > 0 ? a * y : a * x;
		smin += tmin[j];
		smax += tmax[j];
	}
	for (int j = 0; j < l->nterms; j++) {
		/* a x = -(rest), rest in [smin - tmin, smax - tmax] */
		int64_t a = l->coef[j];
		int64_t rmin = smin - tmin[j], rmax = smax - tmax[j];
		int64_t nlo, nhi;
		if (a > 0) {
			nlo = ceildiv(-rmax, a);
			nhi = floordiv(-rmin, a);
		} else {
			nlo = ceildiv(-rmin, a);
			nhi = floordiv(-rmax, a);
		}
		int v = l->var[j];
		int changed = 0;
		if (nlo > lo[v]) {
			lo[v] = nlo;
			changed = 1;
		}
		if (nhi < hi[v]) {
			hi[v] = nhi;
			changed = 1;
		}
		if (lo[v] > hi[v])
			return -1;
		if (changed)
			for (int k = md->adj_start[v]; k < md->adj_start[v + 1]; k++)
				work_push(w, md->adj[k]);
	}
	return 0;
}

/* Integer interval propagation to a fixpoint (the greatest fixpoint is
 * unique, so the order of the work list does not change it). */
int propagate_from(const Model *md, int64_t *lo, int64_t *hi, int from)
{
	static WorkList w;
	propagations++;
	if (md->nlins == 0)
		return 0;
	if (w.size < md->nlins + 1) {
		w.size = md->nlins + 1;
		w.ring = xrealloc(w.ring, w.size * sizeof *w.ring);
		w.queued = xrealloc(w.queued, w.size);
	}
	memset(w.queued, 0, md->nlins);
	w.head = w.tail = 0;
	if (from < 0) {
		for (size_t e = 0; e < md->nlins; e++)
			work_push(&w, (int)e);
	} else {
		for (int k = md->adj_start[from]; k < md->adj_start[from + 1]; k++)
			work_push(&w, md->adj[k]);
	}
	long steps = 0;
	while (w.head != w.tail) {
		int e = w.ring[w.head];
		w.head = (w.head + 1) % w.size;
		w.queued[e] = 0;
		if (tighten(md, &md->lins[e], lo, hi, &w) < 0)
			return -1;
		if (++steps > 5000000L)
			return 0; /* did not converge: the bounds so far are still sound */
	}
	return 0;
}

static int64_t *scratch_lo, *scratch_hi;

static int feasible_with(const Model *md, int v, int64_t x)
{
	size_t sz = (size_t)md->nv * sizeof(int64_t);
	memcpy(scratch_lo, md->lo, sz);
	memcpy(scratch_hi, md->hi, sz);
	scratch_lo[v] = scratch_hi[v] = x;
	return propagate_from(md, scratch_lo, scratch_hi, v) == 0;
}

/* Singleton consistency: shave each end of every interval of the values whose
 * assignment propagates to a contradiction, to a fixpoint. */
static void probe(Model *md)
{
	for (int round = 0; round < 8; round++) {
		int changed = 0;
		for (int v = 0; v < md->nv; v++) {
			if (md->rep[v] != v || !md->used[v] || md->lo[v] == md->hi[v] ||
			    !md->in_eq[v])
				continue;
			int64_t width = md->hi[v] - md->lo[v] + 1;
			int64_t limit = width <= PROBE_FULL ? width : PROBE_EDGE;
			int64_t nlo = md->lo[v], nhi = md->hi[v];
			int64_t tried = 0;
			while (tried < limit && nlo <= nhi && !feasible_with(md, v, nlo)) {
				nlo++;
				tried++;
			}
			tried = 0;
			while (tried < limit && nhi >= nlo && !feasible_with(md, v, nhi)) {
				nhi--;
				tried++;
			}
			if (nlo > nhi) {
				md->infeasible = 1;
				return;
			}
			if (nlo != md->lo[v] || nhi != md->hi[v]) {
				md->lo[v] = nlo;
				md->hi[v] = nhi;
				changed = 1;
				if (propagate_from(md, md->lo, md->hi, v) < 0) {
					md->infeasible = 1;
					return;
				}
			}
		}
		if (!changed)
			return;
	}
}

int preimage(int64_t v, int64_t M, int64_t B, int64_t *plo, int64_t *phi)
{
	int64_t m0 = ((M + B - 1) / B) * B; /* smallest multiple of B >= M */
	int64_t from = v - 2 * B - 1 < M ? M : v - 2 * B - 1;
	int64_t lo = -1, hi = -1;
	for (int64_t t = from; t <= v + 2 * B + 1; t++) {
		int64_t r = B * floordiv(t + B / 2, B);
		if (r < M)
			r = m0;
		if (r == v) {
			if (lo < 0)
				lo = t;
			hi = t;
		}
	}
	if (lo < 0)
		return -1;
	*plo = lo;
	*phi = hi;
	return 0;
}

/* ---- reports -------------------------------------------------------------- */

static int pass_advisory; /* second pass: the advisory relations too */
static int recoveries, recoveries_shown, advisory_recoveries;
static int rec_complement, rec_difference, rec_suppressed, rec_other, rec_informed;
static long undecided_targets, undecided_other;
static int undecided_shown;
static char **seen_keys;
static size_t n_seen, cap_seen;

/* --expect-recovered: the recoveries a fixture must show */
typedef struct {
	char month[16], cell[256];
	int64_t value;
	int found;
} Expected;
static Expected *expected;
static size_t n_expected, cap_expected;

static int seen_key(const char *key, int add)
{
	for (size_t i = 0; i < n_seen; i++)
		if (!strcmp(seen_keys[i], key))
			return 1;
	if (add) {
		GROW(seen_keys, n_seen, cap_seen);
		seen_keys[n_seen++] = xstrdup(key);
	}
	return 0;
}

enum { WHY_SUPPRESSED, WHY_SMALL, WHY_DIFF };

static void recovered(int why, int vkind, const char *month, const char *cell,
		      int64_t value, int64_t truev, const char *reason, int informed)
{
	char key[512];
	snprintf(key, sizeof key, "%s|%s|%d", month, cell, why);
	if (pass_advisory) {
		if (seen_key(key, 0))
			return;
		advisory_recoveries++;
		if (advisory_recoveries <= 40 || verbose)
			printf("%s: ADVISORY recovered month=%s cell=%s value=%lld (true %lld): %s "
			       "[needs the undeclared relations]\n",
			       label, month, cell, (long long)value, (long long)truev, reason);
		return;
	}
	seen_key(key, 1);
	recoveries++;
	rec_informed += informed;
	if (why == WHY_DIFF)
		rec_difference++;
	else if (why == WHY_SUPPRESSED)
		rec_suppressed++;
	else if (vkind == 2 || vkind == 3)
		rec_complement++;
	else
		rec_other++;
	for (size_t i = 0; i < n_expected; i++)
		if (!strcmp(expected[i].month, month) && !strcmp(expected[i].cell, cell) &&
		    expected[i].value == value)
			expected[i].found = 1;
	if (recoveries_shown < 40 || verbose) {
		recoveries_shown++;
		printf("%s: RECOVERED month=%s cell=%s value=%lld (true %lld): %s\n", label, month,
		       cell, (long long)value, (long long)truev, reason);
	}
}

static void read_expected(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	char line[512];
	int lineno = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		chomp(line);
		if (!*line || line[0] == '#')
			continue;
		Expected e;
		memset(&e, 0, sizeof e);
		long long v;
		if (sscanf(line, "%15s %255s %lld", e.month, e.cell, &v) != 3)
			die("%s:%d: expected MONTH CELL VALUE", path, lineno);
		e.value = v;
		GROW(expected, n_expected, cap_expected);
		expected[n_expected++] = e;
	}
	fclose(f);
}

/* ---- statistics ----------------------------------------------------------- */

static long cells_seen, status_count[ST_COUNT];
static long suppressed_narrowed;
static int64_t narrowest = -1;
static char narrowest_what[1024];
static int months_published, months_withheld;

/* ---- the attack on one month ---------------------------------------------- */

typedef struct {
	int64_t *lo, *hi, *tv;
	unsigned char *has, *tv_has;
	unsigned char *undecided; /* phase 2 could not tell whether it is pinned */
} MonthResult;

static int rel_active(size_t r)
{
	return !rels[r].advisory || pass_advisory;
}

static void cell_bound(Model *md, int v, int64_t lo, int64_t hi)
{
	int r = md->rep[v];
	if (lo > md->lo[r])
		md->lo[r] = lo;
	if (hi < md->hi[r])
		md->hi[r] = hi;
}

/* The variable a status or a published value bounds: the count itself, or
 * with cell-key perturbation the acting count the rules saw (k: 0 N, 1 D,
 * 2 the complement). */
static int status_var(const Model *md, int ind, int k)
{
	return md->noise ? var_act(ind, k) : ind * 3 + k;
}

static const char *obs_cell_desc(const Obs *o, int k, char *buf, size_t size)
{
	if (o->st[k] == ST_PUBLISHED)
		snprintf(buf, size, "%s published %lld", o->where, (long long)o->v[k]);
	else
		snprintf(buf, size, "%s %s", o->where, status_names[o->st[k]]);
	return buf;
}

static void free_model(Model *md)
{
	free(md->lo);
	free(md->hi);
	free(md->lo0);
	free(md->hi0);
	free(md->rep);
	free(md->used);
	free(md->status);
	free(md->tv);
	free(md->tv_has);
	free(md->lins);
	free(md->adj_start);
	free(md->adj);
	free(md->in_eq);
}

static void attack_month(int month, const size_t *oi, size_t no, MonthResult *res)
{
	char ms[16];
	month_str(month, ms);
	Model md;
	memset(&md, 0, sizeof md);
	md.month = month;
	md.noise = no ? obs[oi[0]].noise : 0;
	md.nv_true = n_true_vars();
	md.nv = md.nv_true + (md.noise ? (int)n_inds * 5 : 0);
	size_t nv = (size_t)md.nv;
	md.lo = xrealloc(NULL, nv * sizeof *md.lo);
	md.hi = xrealloc(NULL, nv * sizeof *md.hi);
	md.lo0 = xrealloc(NULL, nv * sizeof *md.lo0);
	md.hi0 = xrealloc(NULL, nv * sizeof *md.hi0);
	md.rep = xrealloc(NULL, nv * sizeof *md.rep);
	md.used = xrealloc(NULL, nv);
	md.status = xrealloc(NULL, nv * sizeof *md.status);
	md.tv = xrealloc(NULL, nv * sizeof *md.tv);
	md.tv_has = xrealloc(NULL, nv);
	scratch_lo = xrealloc(scratch_lo, nv * sizeof *scratch_lo);
	scratch_hi = xrealloc(scratch_hi, nv * sizeof *scratch_hi);
	unsigned char *verdict = xrealloc(NULL, nv);
	memset(verdict, P2_NONE, nv);
	for (size_t v = 0; v < nv; v++) {
		md.lo[v] = 0;
		md.hi[v] = BIG;
		md.rep[(int)v] = (int)v;
		md.used[v] = 0;
		md.status[v] = ST_NONE;
		md.tv_has[v] = 0;
		md.tv[v] = 0;
	}
	if (md.noise)
		for (size_t i = 0; i < n_inds; i++) {
			int ii = (int)i;
			md.lo[var_act(ii, 2)] = -BIG; /* aD - aN: the noises may reverse them */
			for (int k = 0; k < 2; k++) {
				md.lo[var_noise(ii, k)] = -md.noise;
				md.hi[var_noise(ii, k)] = md.noise;
			}
		}
	md.M = no ? obs[oi[0]].M : 1;
	md.B = no ? obs[oi[0]].B : 1;
	for (size_t i = 0; i < no; i++)
		if (obs[oi[i]].M != md.M || obs[oi[i]].B != md.B || obs[oi[i]].noise != md.noise)
			problem("month %s: extracts disagree on min_count, rounding_base or "
				"perturbation", ms);

	/* which indicators exist this month: those published, and those named
	 * by a relation */
	unsigned char *present = xrealloc(NULL, n_inds);
	memset(present, 0, n_inds);
	for (size_t i = 0; i < no; i++)
		present[obs[oi[i]].ind] = 1;
	for (size_t r = 0; r < n_rels; r++)
		if (rel_active(r))
			for (int c = 0; c < rels[r].ncells; c++)
				present[rels[r].cell[c] / 3] = 1;

	/* equal cells are one variable */
	for (size_t r = 0; r < n_rels; r++) {
		if (!rel_active(r) || rels[r].kind != REL_EQUAL)
			continue;
		int a = find(md.rep, rels[r].cell[0]);
		for (int c = 1; c < rels[r].ncells; c++) {
			int b = find(md.rep, rels[r].cell[c]);
			if (a != b)
				md.rep[b] = a;
		}
		/* one population, one noise (kvalind keys the noise by population) */
		if (md.noise && rels[r].cell[0] % 3 < 2)
			for (int off = 0; off < 4; off += 3) {
				int c0 = rels[r].cell[0];
				int x = find(md.rep, n_true_vars() + (c0 / 3) * 5 + off + c0 % 3);
				for (int c = 1; c < rels[r].ncells; c++) {
					int ci = rels[r].cell[c];
					int y = find(md.rep, n_true_vars() + (ci / 3) * 5 + off + ci % 3);
					if (x != y)
						md.rep[y] = x;
				}
			}
	}
	for (int v = 0; v < md.nv; v++)
		md.rep[v] = find(md.rep, v);

	/* equations */
	for (size_t i = 0; i < n_inds; i++) {
		if (!present[i])
			continue;
		int ii = (int)i;
		md.used[var_n(ii)] = md.used[var_d(ii)] = 1;
		if (ind_is_mean[i])
			continue; /* no count numerator, no complement */
		md.used[var_c(ii)] = 1;
		int vars[3] = {var_d(ii), var_n(ii), var_c(ii)};
		int64_t co[3] = {1, -1, -1};
		lin_add(&md, vars, co, 3);
	}
	for (size_t r = 0; r < n_rels; r++) {
		const Relation *rl = &rels[r];
		if (!rel_active(r) || rl->kind == REL_EQUAL)
			continue;
		int vars[MAXTERMS];
		int64_t co[MAXTERMS];
		int n = 0;
		for (int c = 0; c < rl->ncells && n < MAXTERMS - 1; c++) {
			vars[n] = rl->cell[c];
			co[n++] = c == 0 ? 1 : -1;
		}
		if (rl->kind == REL_PARTIAL) {
			vars[n] = var_r(r);
			co[n++] = -1;
			md.used[var_r(r)] = 1;
		}
		lin_add(&md, vars, co, n);
	}
	if (md.noise)
		for (size_t i = 0; i < n_inds; i++) {
			if (!present[i])
				continue;
			int ii = (int)i;
			/* the acting counts: a = t + n */
			for (int k = ind_is_mean[i] ? 1 : 0; k < 2; k++) {
				int vars[3] = {var_act(ii, k), ii * 3 + k, var_noise(ii, k)};
				int64_t co[3] = {1, -1, -1};
				lin_add(&md, vars, co, 3);
				md.used[vars[0]] = md.used[vars[2]] = 1;
			}
			if (ind_is_mean[i])
				continue;
			int vars[3] = {var_act(ii, 1), var_act(ii, 0), var_act(ii, 2)};
			int64_t co[3] = {1, -1, -1};
			lin_add(&md, vars, co, 3);
			md.used[var_act(ii, 2)] = 1;
		}
	for (int v = 0; v < md.nv; v++)
		if (md.used[v])
			md.used[md.rep[v]] = 1;
	build_adjacency(&md);

	/* bounds from the statuses and the rounding rule */
	char d1[160], d2[160];
	for (size_t i = 0; i < no; i++) {
		const Obs *o = &obs[oi[i]];
		int vv[2] = {var_n(o->ind), var_d(o->ind)};
		for (int k = 0; k < 2; k++) {
			if (!pass_advisory) {
				cells_seen++;
				status_count[o->st[k]]++;
			}
			int r = md.rep[vv[k]];
			if (is_suppressed(o->st[k]) && !is_suppressed(md.status[r]))
				md.status[r] = o->st[k];
			else if (md.status[r] == ST_NONE)
				md.status[r] = o->st[k];
			int sv = status_var(&md, o->ind, k);
			switch (o->st[k]) {
			case ST_PUBLISHED: {
				int64_t plo, phi;
				if (preimage(o->v[k], o->M, o->B, &plo, &phi) < 0) {
					problem("%s: published %s %lld is not a possible rounding "
						"(min_count %lld, rounding_base %lld)", o->where,
						k ? "denominator" : "numerator", (long long)o->v[k],
						(long long)o->M, (long long)o->B);
					break;
				}
				cell_bound(&md, sv, plo, phi);
				break;
			}
			case ST_SMALL:
				cell_bound(&md, sv, 0, o->M - 1);
				break;
			case ST_SECONDARY:
				cell_bound(&md, sv, o->M, BIG);
				break;
			case ST_COMPLEMENT:
				cell_bound(&md, sv, o->M, BIG);
				if (!ind_is_mean[o->ind])
					cell_bound(&md, status_var(&md, o->ind, 2), md.noise ? -BIG : 0,
						   o->M - 1);
				break;
			default: /* withheld, not_applicable, ...: nothing */
				break;
			}
		}
		/* a published or secondary numerator was not suppressed for its
		 * complement: C >= M (a numerator below M is suppressed_small) */
		if (!ind_is_mean[o->ind] && !naive_rules &&
		    (o->st[0] == ST_PUBLISHED || o->st[0] == ST_SECONDARY))
			cell_bound(&md, status_var(&md, o->ind, 2), o->M, BIG);
		vv[0] = status_var(&md, o->ind, 0);
		vv[1] = status_var(&md, o->ind, 1);
		if (md.lo[md.rep[vv[0]]] > md.hi[md.rep[vv[0]]] ||
		    md.lo[md.rep[vv[1]]] > md.hi[md.rep[vv[1]]])
			problem("month %s: the statuses of equal cells contradict each other "
				"(%s; %s)", ms, obs_cell_desc(o, 0, d1, sizeof d1),
				obs_cell_desc(o, 1, d2, sizeof d2));
	}
	memcpy(md.lo0, md.lo, nv * sizeof *md.lo);
	memcpy(md.hi0, md.hi, nv * sizeof *md.hi);
	if (md.noise) /* what the statuses alone say of the true counts */
		for (int v = 0; v < md.nv_true; v++) {
			if (md.rep[v] != v || v >= (int)n_inds * 3)
				continue;
			int a = md.rep[var_act(v / 3, v % 3)];
			int64_t w = v % 3 == 2 ? 2 * md.noise : md.noise;
			md.lo0[v] = md.lo0[a] - w > 0 ? md.lo0[a] - w : 0;
			md.hi0[v] = md.hi0[a] >= BIG ? BIG : md.hi0[a] + w;
		}

	/* the share: from the published counts, or a leak of the true ones */
	for (size_t i = 0; i < no; i++) {
		const Obs *o = &obs[oi[i]];
		if (!*o->share || o->st[0] != ST_PUBLISHED || o->st[1] != ST_PUBLISHED ||
		    o->v[1] == 0)
			continue;
		char want[32];
		snprintf(want, sizeof want, "%.4f", (double)o->v[0] / (double)o->v[1]);
		double s = strtod(o->share, NULL);
		if (dabs(s - strtod(want, NULL)) < 0.00001)
			continue;
		problem("%s: share %s is not published numerator / denominator (%s): it is "
			"computed from other counts, and narrows them", o->where, o->share, want);
		int rn = md.rep[status_var(&md, o->ind, 0)], rd = md.rep[status_var(&md, o->ind, 1)];
		int64_t nlo = BIG, nhi = -1, dlo = BIG, dhi = -1;
		if ((md.hi[rn] - md.lo[rn] + 1) * (md.hi[rd] - md.lo[rd] + 1) > 4000000)
			continue;
		for (int64_t n = md.lo[rn]; n <= md.hi[rn]; n++)
			for (int64_t d = md.lo[rd] > 0 ? md.lo[rd] : 1; d <= md.hi[rd]; d++)
				if (dabs((double)n / (double)d - s) <= 0.0000500001) {
					nlo = n < nlo ? n : nlo;
					nhi = n > nhi ? n : nhi;
					dlo = d < dlo ? d : dlo;
					dhi = d > dhi ? d : dhi;
				}
		if (nhi >= 0) {
			cell_bound(&md, status_var(&md, o->ind, 0), nlo, nhi);
			cell_bound(&md, status_var(&md, o->ind, 1), dlo, dhi);
		}
	}

	/* the truth, per variable (for judging, and phase 2's soundness check) */
	for (size_t t = 0; t < n_truth; t++) {
		const Truth *tr = &truth[t];
		if (tr->month != month || !present[tr->ind])
			continue;
		int vs[3] = {var_n(tr->ind), var_d(tr->ind), var_c(tr->ind)};
		int64_t val[3] = {tr->n, tr->d, tr->d - tr->n};
		int has[3] = {tr->has_n && !ind_is_mean[tr->ind], tr->has_d,
			      tr->has_n && tr->has_d && !ind_is_mean[tr->ind]};
		for (int k = 0; k < 3; k++) {
			if (!has[k])
				continue;
			int r = md.rep[vs[k]];
			if (md.tv_has[r] && md.tv[r] != val[k]) {
				char a[160];
				var_name(vs[k], a, sizeof a);
				problem("month %s: an 'equal' relation does not hold in the truth: "
					"%s = %lld, an equal cell = %lld", ms, a, (long long)val[k],
					(long long)md.tv[r]);
			}
			md.tv[r] = val[k];
			md.tv_has[r] = 1;
		}
	}
	for (size_t r = 0; r < n_rels; r++) {
		const Relation *rl = &rels[r];
		if (!rel_active(r) || rl->kind == REL_EQUAL)
			continue;
		int ok = 1;
		int64_t rest = 0;
		for (int c = 0; c < rl->ncells; c++) {
			int v = md.rep[rl->cell[c]];
			if (!md.tv_has[v])
				ok = 0;
			else
				rest += c == 0 ? md.tv[v] : -md.tv[v];
		}
		if (!ok)
			continue;
		if (rl->kind == REL_COMPLETE ? rest != 0 : rest < 0) {
			problem("month %s: relation [%s] does not hold in the truth (total - parts "
				"= %lld)", ms, rl->text, (long long)rest);
			continue;
		}
		if (rl->kind == REL_PARTIAL) {
			md.tv[md.rep[var_r(r)]] = rest;
			md.tv_has[md.rep[var_r(r)]] = 1;
		}
	}

	/* phase 1: the interval attack */
	const char *how = "interval propagation";
	if (propagate(&md, md.lo, md.hi) < 0) {
		md.infeasible = 1;
	}
	int64_t *plo = xrealloc(NULL, nv * sizeof *plo), *phi = xrealloc(NULL, nv * sizeof *phi);
	memcpy(plo, md.lo, nv * sizeof *plo);
	memcpy(phi, md.hi, nv * sizeof *phi);
	if (!md.infeasible && !getenv("ATTACKER_NO_PROBE"))
		probe(&md);
	if (md.infeasible) {
		/* name the published cells for whoever debugs this */
		problem("month %s: the published data contradict the model (statuses, rounding "
			"rule and %srelations): no true counts fit", ms,
			pass_advisory ? "advisory " : "");
		free(present);
		goto out;
	}
	int64_t *qlo = xrealloc(NULL, nv * sizeof *qlo), *qhi = xrealloc(NULL, nv * sizeof *qhi);
	memcpy(qlo, md.lo, nv * sizeof *qlo);
	memcpy(qhi, md.hi, nv * sizeof *qhi);

	/* phase 2: the algorithm-aware attack (not in the advisory pass: the
	 * simulator knows only the declared relations) */
	if (informed_version != INFORMED_OFF && !pass_advisory)
		informed_month(&md, oi, no, verdict);

	/* judge: soundness, recoveries, undecided cells, statistics (of the true
	 * counts: acting counts and noises are the attacker's auxiliaries) */
	for (int v = 0; v < md.nv_true; v++) {
		if (!md.used[v])
			continue;
		int r = md.rep[v];
		char name[600];
		var_name(v, name, sizeof name);
		if (md.tv_has[r] && (md.tv[r] < md.lo[r] || md.tv[r] > md.hi[r]) && r == v) {
			/* name the cells and what was published */
			char what[600] = "";
			for (size_t i = 0; i < no; i++) {
				const Obs *o = &obs[oi[i]];
				for (int k = 0; k < 2; k++) {
					int cv = k ? var_d(o->ind) : var_n(o->ind);
					if (md.rep[cv] != r)
						continue;
					char b[200];
					obs_cell_desc(o, k, b, sizeof b);
					size_t l = strlen(what);
					snprintf(what + l, sizeof what - l, "%s%s", l ? "; " : "", b);
				}
			}
			problem("month %s: %s: true value %lld is outside the attacker's %s "
				"[%lld, %lld] (from the statuses alone [%lld, %lld]) -- the attacker "
				"or the published data's rounding/status semantics are wrong: %s",
				ms, name, (long long)md.tv[r],
				verdict[r] == P2_PINNED ? "informed (phase 2) value" : "interval",
				(long long)md.lo[r], (long long)md.hi[r], (long long)md.lo0[r],
				(long long)md.hi0[r], *what ? what : "no published cell");
		}
		int kind = (size_t)v >= n_inds * 3 ? 3 : v % 3;
		int suppressed = kind < 2 && is_suppressed(md.status[r]);
		int target = suppressed || (md.tv_has[r] && md.tv[r] < md.M);
		if (verdict[r] == P2_UNDECIDED && r == v) {
			if (target)
				undecided_targets++;
			else
				undecided_other++;
			if (target && (undecided_shown < 40 || verbose)) {
				undecided_shown++;
				printf("%s: UNDECIDED month=%s cell=%s (true %lld): the informed search "
				       "could not tell\n", label, ms, name,
				       md.tv_has[r] ? (long long)md.tv[r] : -1LL);
			}
		}
		/* statistics, once per suppressed published cell */
		if (!pass_advisory && suppressed && md.status[r] != ST_NONE) {
			int64_t w = md.hi[r] - md.lo[r];
			if (md.lo[r] > md.lo0[r] || md.hi[r] < md.hi0[r])
				suppressed_narrowed++;
			if (narrowest < 0 || w < narrowest) {
				narrowest = w;
				snprintf(narrowest_what, sizeof narrowest_what,
					 "%s %s (%s) [%lld, %lld]", ms, name,
					 status_names[md.status[r]], (long long)md.lo[r],
					 (long long)md.hi[r]);
			}
		}
		if (md.lo[r] != md.hi[r])
			continue;
		int64_t tvv = md.tv_has[r] ? md.tv[r] : -1;
		int informed = qlo[r] != qhi[r];
		const char *stage = informed ? (informed_version == INFORMED_V1
						? "the informed search (algorithm v1)"
						: "the informed search (algorithm v2)")
				   : plo[r] != phi[r] ? "probing" : how;
		char reason[256];
		if (suppressed) {
			snprintf(reason, sizeof reason, "%s cell narrowed to one value by %s",
				 status_names[md.status[r]], stage);
			recovered(WHY_SUPPRESSED, kind, ms, name, md.lo[r], tvv, reason, informed);
		} else if (md.tv_has[r] && md.tv[r] < md.M) {
			snprintf(reason, sizeof reason,
				 "%s below min_count %lld narrowed to one value by %s",
				 kind == 2 ? "complement" : kind == 3 ? "remainder" : "count",
				 (long long)md.M, stage);
			recovered(WHY_SMALL, kind, ms, name, md.lo[r], tvv, reason, informed);
		}
	}
	free(present);
	free(qlo);
	free(qhi);

out:
	for (int v = 0; v < md.nv_true; v++) {
		int r = md.rep[v];
		res->has[v] = md.used[v] && !md.infeasible;
		res->lo[v] = md.lo[r];
		res->hi[v] = md.hi[r];
		res->tv[v] = md.tv[r];
		res->tv_has[v] = md.tv_has[r] && res->has[v];
		res->undecided[v] = verdict[r] == P2_UNDECIDED;
	}
	free(plo);
	free(phi);
	free(verdict);
	free_model(&md);
}

/* ---- the whole series ----------------------------------------------------- */

static int cmp_obs(const void *a, const void *b)
{
	const Obs *x = a, *y = b;
	return x->month != y->month ? (x->month < y->month ? -1 : 1)
				    : (x->ind != y->ind ? (x->ind < y->ind ? -1 : 1) : 0);
}

static void attack_series(void)
{
	size_t nv = n_inds * 3 + n_rels;
	int first = INT_MAX, last = INT_MIN;
	for (size_t i = 0; i < n_obs; i++) {
		if (obs[i].month < first)
			first = obs[i].month;
		if (obs[i].month > last)
			last = obs[i].month;
	}
	if (!n_obs)
		return;
	size_t span = (size_t)(last - first + 1);
	MonthResult *res = xrealloc(NULL, span * sizeof *res);
	size_t *oi = xrealloc(NULL, n_obs * sizeof *oi);
	size_t i = 0;
	int64_t M = obs[0].M;
	months_published = 0;
	for (size_t m = 0; m < span; m++) {
		MonthResult *r = &res[m];
		r->lo = xrealloc(NULL, nv * sizeof *r->lo);
		r->hi = xrealloc(NULL, nv * sizeof *r->hi);
		r->tv = xrealloc(NULL, nv * sizeof *r->tv);
		r->has = xrealloc(NULL, nv);
		r->undecided = xrealloc(NULL, nv);
		memset(r->undecided, 0, nv);
		r->tv_has = xrealloc(NULL, nv);
		memset(r->has, 0, nv);
		memset(r->tv_has, 0, nv);
		size_t no = 0;
		while (i < n_obs && obs[i].month == first + (int)m)
			oi[no++] = i++;
		if (!no)
			continue;
		months_published++;
		if (!pass_advisory) {
			int w = 0;
			for (size_t k = 0; k < no; k++)
				w |= obs[oi[k]].st[0] == ST_WITHHELD || obs[oi[k]].st[1] == ST_WITHHELD;
			months_withheld += w;
		}
		attack_month(first + (int)m, oi, no, r);
	}
	/* month-to-month differences */
	for (size_t m = 0; m + 1 < span; m++) {
		const MonthResult *a = &res[m], *b = &res[m + 1];
		for (size_t v = 0; v < nv; v++) {
			if (!a->has[v] || !b->has[v])
				continue;
			int a_known = a->lo[v] == a->hi[v], b_known = b->lo[v] == b->hi[v];
			if (!(a_known || a->undecided[v]) || !(b_known || b->undecided[v]))
				continue;
			if (!a->tv_has[v] || !b->tv_has[v])
				continue;
			int64_t dt = b->tv[v] - a->tv[v];
			if (llabs((long long)dt) >= M)
				continue;
			if (!a_known || !b_known) {
				/* one side undecided: so is the difference */
				undecided_targets++;
				if (undecided_shown < 40 || verbose) {
					char ums[16], uname[600];
					undecided_shown++;
					month_str(first + (int)m + 1, ums);
					var_name((int)v, uname, sizeof uname);
					printf("%s: UNDECIDED month=%s cell=diff(%s) (true %lld): a month of "
					       "it undecided\n", label, ums, uname, (long long)dt);
				}
				continue;
			}
			char ms[16], name[600], reason[256];
			month_str(first + (int)m + 1, ms);
			var_name((int)v, name, sizeof name);
			snprintf(reason, sizeof reason,
				 "month-to-month difference (from the previous month) below min_count "
				 "%lld narrowed to one value", (long long)M);
			char cell[640];
			snprintf(cell, sizeof cell, "diff(%s)", name);
			recovered(WHY_DIFF, (int)(v % 3), ms, cell, b->lo[v] - a->lo[v], dt, reason,
				  0);
		}
	}
	for (size_t m = 0; m < span; m++) {
		free(res[m].lo);
		free(res[m].hi);
		free(res[m].tv);
		free(res[m].has);
		free(res[m].tv_has);
		free(res[m].undecided);
	}
	free(res);
	free(oi);
}

int main(int argc, char **argv)
{
	const char *truth_path = NULL;
	const char *rel_paths[16], *adv_paths[16];
	int n_rel_paths = 0, n_adv_paths = 0;
	int expect_months = 0, expect_recovery = 0, advisory_fatal = 0, undecided_ok = 0;
	int nfiles = 0;
	char **files = xrealloc(NULL, (size_t)argc * sizeof *files);
	for (int a = 1; a < argc; a++) {
		const char *s = argv[a];
		const char *val = a + 1 < argc ? argv[a + 1] : NULL;
#define NEEDVAL                                                          \
	do {                                                             \
		if (!val)                                                \
			die("%s needs a value", s);                      \
		a++;                                                     \
	} while (0)
		if (!strcmp(s, "--truth")) {
			NEEDVAL;
			truth_path = val;
		} else if (!strcmp(s, "--relations")) {
			NEEDVAL;
			if (n_rel_paths < 16)
				rel_paths[n_rel_paths++] = val;
		} else if (!strcmp(s, "--advisory-relations")) {
			NEEDVAL;
			if (n_adv_paths < 16)
				adv_paths[n_adv_paths++] = val;
		} else if (!strcmp(s, "--min-count")) {
			NEEDVAL;
			opt_M = atoll(val);
		} else if (!strcmp(s, "--rounding-base")) {
			NEEDVAL;
			opt_B = atoll(val);
		} else if (!strcmp(s, "--expect-months")) {
			NEEDVAL;
			expect_months = atoi(val);
		} else if (!strcmp(s, "--expect-recovered")) {
			NEEDVAL;
			read_expected(val);
		} else if (!strcmp(s, "--label")) {
			NEEDVAL;
			label = val;
		} else if (!strcmp(s, "--informed")) {
			NEEDVAL;
			if (!strcmp(val, "v1"))
				informed_version = INFORMED_V1;
			else if (!strcmp(val, "v2"))
				informed_version = INFORMED_V2;
			else
				die("--informed: v1 or v2, not %s", val);
		} else if (!strcmp(s, "--budget")) {
			NEEDVAL;
			informed_budget = atol(val);
			if (informed_budget < 1)
				die("--budget: a positive number of nodes");
		} else if (!strcmp(s, "--cell-key")) {
			NEEDVAL;
			static unsigned char key[32];
			FILE *kf = fopen(val, "rb");
			if (!kf || fread(key, 1, sizeof key, kf) != sizeof key)
				die("%s: not a 32-byte cell key", val);
			fclose(kf);
			informed_cell_key = key;
		} else if (!strcmp(s, "--undecided-ok")) {
			undecided_ok = 1;
		} else if (!strcmp(s, "--expect-recovery")) {
			expect_recovery = 1;
		} else if (!strcmp(s, "--naive-rules")) {
			naive_rules = 1;
		} else if (!strcmp(s, "--advisory-fatal")) {
			advisory_fatal = 1;
		} else if (!strcmp(s, "--no-probe")) {
			setenv("ATTACKER_NO_PROBE", "1", 1);
		} else if (!strcmp(s, "--verbose")) {
			verbose = 1;
		} else if (s[0] == '-' && s[1]) {
			die("unknown option %s", s);
		} else {
			files[nfiles++] = argv[a];
		}
#undef NEEDVAL
	}
	if (!truth_path)
		die("--truth is required (to judge the attack)");
	if (informed_version != INFORMED_OFF && naive_rules)
		die("--informed and --naive-rules exclude each other");
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < n_rel_paths; i++)
		read_relations(rel_paths[i], 0);
	for (int i = 0; i < n_adv_paths; i++)
		read_relations(adv_paths[i], 1);
	for (int i = 0; i < nfiles; i++)
		read_extract(files[i], i);
	read_truth(truth_path);
	qsort(obs, n_obs, sizeof *obs, cmp_obs);

	int fail = 0;
	if (!nfiles || !n_obs) {
		printf("%s: FAIL no extracts to attack\n", label);
		fail = 1;
	}
	if (n_participants > 1)
		printf("%s: note: %zu participants in the extracts; attacking them as one series\n",
		       label, n_participants);

	attack_series();
	int main_problems = problems;
	if (n_adv_paths) {
		pass_advisory = 1;
		problems = 0;
		attack_series();
		if (problems)
			printf("%s: ADVISORY the advisory relations gave %d unsound results: they do "
			       "not hold in the truth; fix them\n", label, problems);
		problems = 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

	printf("%s: extracts %d, months %d, cells seen %ld:", label, nfiles, months_published,
	       cells_seen);
	for (int s = 1; s < ST_COUNT; s++)
		if (status_count[s])
			printf(" %s %ld", status_names[s], status_count[s]);
	printf("\n");
	printf("%s: suppressed cells narrowed below their status range: %ld; narrowest "
	       "suppressed interval: width %lld%s%s\n",
	       label, suppressed_narrowed, (long long)narrowest, *narrowest_what ? " at " : "",
	       narrowest_what);
	if (informed_version != INFORMED_OFF)
		informed_report();
	printf("%s: recoveries %d (suppressed cells %d, complements/remainders %d, "
	       "month differences %d, other small counts %d; by the informed search %d); "
	       "advisory %d; undecided %ld (and %ld cells that are no target); unsound %d; "
	       "propagations %lld; %.2f s\n",
	       label, recoveries, rec_suppressed, rec_complement, rec_difference, rec_other,
	       rec_informed, advisory_recoveries, undecided_targets, undecided_other,
	       main_problems, propagations, secs);
	if (recoveries > recoveries_shown)
		printf("%s: (%d more recoveries not shown; --verbose)\n", label,
		       recoveries - recoveries_shown);
	long simulated = 0, points = 0;
	if (informed_version != INFORMED_OFF)
		informed_figures(&simulated, &points);
	/* one line for run.sh to add up */
	printf("%s: figures months=%d cells=%ld suppressed=%ld withheld_months=%d simulated=%ld "
	       "model_points=%ld recoveries=%d advisory=%d undecided=%ld undecided_other=%ld "
	       "unsound=%d seconds=%.2f\n",
	       label, months_published, cells_seen,
	       status_count[ST_SMALL] + status_count[ST_COMPLEMENT] + status_count[ST_SECONDARY],
	       months_withheld, simulated, points, recoveries, advisory_recoveries,
	       undecided_targets, undecided_other, main_problems, secs);
	if (expect_months && months_published < expect_months) {
		printf("%s: FAIL only %d months published, expected %d\n", label, months_published,
		       expect_months);
		fail = 1;
	}
	if (main_problems) {
		printf("%s: FAIL unsound: see the UNSOUND lines\n", label);
		fail = 1;
	}
	if (undecided_targets && !undecided_ok) {
		printf("%s: FAIL %ld cells undecided: the informed search could not tell whether "
		       "they can be worked out, so they are not known to be safe\n", label,
		       undecided_targets);
		fail = 1;
	}
	if (expect_recovery) {
		if (!rec_complement || !rec_difference) {
			printf("%s: FAIL negative control: the attacker should recover complements or "
			       "remainders (%d) and month differences (%d) from a naive extract\n",
			       label, rec_complement, rec_difference);
			fail = 1;
		} else {
			printf("%s: ok negative control: the attacker recovers values from a naive "
			       "extract\n", label);
		}
	} else if (n_expected) {
		size_t missing = 0;
		for (size_t i = 0; i < n_expected; i++)
			if (!expected[i].found) {
				printf("%s: FAIL expected recovery not made: month=%s cell=%s value=%lld\n",
				       label, expected[i].month, expected[i].cell,
				       (long long)expected[i].value);
				missing++;
			}
		if (missing)
			fail = 1;
		else
			printf("%s: ok every expected recovery (%zu) made\n", label, n_expected);
	} else {
		if (recoveries) {
			printf("%s: FAIL %d values recovered from the published extracts\n", label,
			       recoveries);
			fail = 1;
		}
		if (advisory_recoveries && advisory_fatal) {
			printf("%s: FAIL %d values recovered with the advisory relations\n", label,
			       advisory_recoveries);
			fail = 1;
		}
		if (!fail)
			printf("%s: ok nothing recovered\n", label);
	}
	free(files);
	return fail;
}
