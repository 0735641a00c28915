/*
 * kvalind_synth.c - command line of kvalind-synth, the generator of
 * realistic synthetic Norwegian GP practices in the reference EHR schema
 * (/work/shared/spec/reference-ehr.sql), for kvalind's tests and
 * benchmarks. Parses and checks the options, opens the SQLite or
 * PostgreSQL sink, runs the generator, publishes the --ids-out list and
 * reports row counts and timing.
 *
 * Exit status: 0 success, 1 runtime failure, 2 usage error.
 */
#include "synth.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define EXIT_USAGE 2

static const char usage_text[] =
    "usage: kvalind-synth (--sqlite FILE | --pg CONNINFO) [options]\n"
    "\n"
    "Generate a synthetic Norwegian GP office (lists, contacts, fees, diagnoses,\n"
    "medication list, prescriptions, labs, blood pressure, forms, journal notes)\n"
    "in the reference EHR schema, version 1.\n"
    "\n"
    "Target (exactly one):\n"
    "  --sqlite FILE            create a new SQLite database FILE (refused if FILE\n"
    "                           exists; written as FILE.tmp, renamed on success)\n"
    "  --pg CONNINFO            load into this PostgreSQL database (libpq conninfo);\n"
    "                           the schema's tables must not exist yet\n"
    "Options:\n"
    "  --patients N             patients in the patient table, 1000..200000\n"
    "                           (default 5000; about half are listed at any time)\n"
    "  --seed S                 random seed, 0..2^64-1 (default 1)\n"
    "  --from YYYY-MM           first month of history (default 2012-01)\n"
    "  --to YYYY-MM             last month of history, inclusive (default 2023-06)\n"
    "  --team-effect-from YYYY-MM\n"
    "                           primary-care-team start (default 2018-04): more\n"
    "                           diabetes annual checks (+16 points) and nurse contacts\n"
    "  --no-team-effect         no primary-care-team effect\n"
    "  --dirt RATE              rate of realistic dirt, 0..0.2 (default 0.01; 0 = clean)\n"
    "  --ids-out FILE           write every patient national_id and name and every\n"
    "                           practitioner name and hpr_number, one per line\n"
    "  --no-bad-dates           write SQLite's few unparseable dates as the valid\n"
    "                           dates PostgreSQL gets (identical data in both)\n"
    "  --quiet                  no progress or summary on stderr\n"
    "  --print-schema           print the embedded schema (reference-ehr.sql) and exit\n"
    "  -h, --help               show this help\n"
    "\n"
    "The same seed and options give the same data in both back ends (SQLite alone\n"
    "also gets a few unparseable dates, which PostgreSQL's date type cannot hold).\n"
    "Exit status: 0 ok, 1 runtime failure, 2 usage error.\n";

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("kvalind-synth: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry 'kvalind-synth --help'.\n", stderr);
    return EXIT_USAGE;
}

static int parse_month(const char *s, int *y, int *m)
{
    char extra;
    if (strlen(s) != 7 || s[4] != '-' || sscanf(s, "%4d-%2d%c", y, m, &extra) != 2)
        return -1;
    for (int i = 0; i < 7; i++)
        if (i != 4 && (s[i] < '0' || s[i] > '9'))
            return -1;
    return *y >= 1990 && *y <= 2100 && *m >= 1 && *m <= 12 ? 0 : -1;
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int parse_seed(const char *s, uint64_t *out)
{
    char *end;
    if (!*s || *s == '-' || *s == '+' || *s == ' ')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

static int parse_rate(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < 0 || v > 0.2)
        return -1;
    *out = v;
    return 0;
}

/* Returns 0 ok, 1 help printed, or EXIT_USAGE. */
static int parse_args(int argc, char **argv, synth_opts *o)
{
    int team_given = 0;
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        char name[64];
        const char *val = NULL;
        const char *eq = strchr(opt, '=');
        if (strncmp(opt, "--", 2) == 0 && eq) {
            if (sfmt(name, sizeof name, "%.*s", (int)(eq - opt), opt) != 0)
                return usage_error("unknown option '%s'", opt);
            val = eq + 1;
        } else {
            sfmt(name, sizeof name, "%.60s", opt);
        }
        if (!strcmp(name, "-h") || !strcmp(name, "--help")) {
            fputs(usage_text, stdout);
            return 1;
        }
        if (!strcmp(name, "--print-schema")) {
            fputs(synth_ddl, stdout);
            return 1;
        }
        int flag = !strcmp(name, "--quiet") || !strcmp(name, "--no-team-effect") ||
                   !strcmp(name, "--no-bad-dates");
        if (flag) {
            if (val)
                return usage_error("%s takes no value", name);
            if (!strcmp(name, "--quiet"))
                o->quiet = 1;
            else if (!strcmp(name, "--no-bad-dates"))
                o->no_bad_dates = 1;
            else {
                if (team_given == 1)
                    return usage_error("%s conflicts with --team-effect-from", name);
                team_given = 2;
                o->team_effect = 0;
            }
            continue;
        }
        static const char *const with_value[] = {
            "--sqlite", "--pg", "--patients", "--seed", "--from", "--to",
            "--team-effect-from", "--dirt", "--ids-out"};
        int known = 0;
        for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++)
            known |= !strcmp(name, with_value[k]);
        if (!known)
            return usage_error("unknown option '%s'", opt);
        if (!val) {
            if (i + 1 >= argc)
                return usage_error("%s needs a value", name);
            val = argv[++i];
        }
        long n;
        if (!strcmp(name, "--sqlite")) {
            if (!*val)
                return usage_error("%s needs a file name", name);
            o->sqlite_path = val;
        } else if (!strcmp(name, "--pg")) {
            o->pg_conninfo = val;
        } else if (!strcmp(name, "--ids-out")) {
            if (!*val)
                return usage_error("%s needs a file name", name);
            o->ids_out = val;
        } else if (!strcmp(name, "--patients")) {
            if (parse_long(val, 1000, 200000, &n) != 0)
                return usage_error("--patients: expected an integer 1000..200000, got '%s'", val);
            o->patients = n;
        } else if (!strcmp(name, "--seed")) {
            if (parse_seed(val, &o->seed) != 0)
                return usage_error("--seed: expected an integer 0..18446744073709551615, got '%s'", val);
        } else if (!strcmp(name, "--dirt")) {
            if (parse_rate(val, &o->dirt) != 0)
                return usage_error("--dirt: expected a rate 0..0.2, got '%s'", val);
        } else {
            int y, m;
            if (parse_month(val, &y, &m) != 0)
                return usage_error("%s: expected YYYY-MM (1990..2100), got '%s'", name, val);
            if (!strcmp(name, "--from")) {
                o->from_y = y;
                o->from_m = m;
            } else if (!strcmp(name, "--to")) {
                o->to_y = y;
                o->to_m = m;
            } else {
                if (team_given == 2)
                    return usage_error("%s conflicts with --no-team-effect", name);
                team_given = 1;
                o->team_effect = 1;
                o->team_y = y;
                o->team_m = m;
            }
        }
    }
    if (!o->sqlite_path == !o->pg_conninfo)
        return usage_error("give exactly one of --sqlite FILE and --pg CONNINFO");
    if (o->from_y * 12 + o->from_m > o->to_y * 12 + o->to_m)
        return usage_error("--from must not be after --to");
    return 0;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void summary(const synth_opts *o, const sink *s, const synth_stats *st, double secs)
{
    long long total = 0;
    fprintf(stderr, "kvalind-synth: wrote %s (seed %llu, %d-%02d..%d-%02d, dirt %g, team effect %s)\n",
            o->sqlite_path ? o->sqlite_path : "PostgreSQL database",
            (unsigned long long)o->seed, o->from_y, o->from_m, o->to_y, o->to_m, o->dirt,
            o->team_effect ? "on" : "off");
    for (int t = 0; t < TB_COUNT; t++) {
        fprintf(stderr, "  %-15s %10lld rows\n", synth_tables[t].name, s->rows[t]);
        total += s->rows[t];
    }
    fprintf(stderr, "  %lld rows; %ld listed at the end; %d GP lists, %d practitioners; %.1f s\n",
            total, st->listed_at_end, st->gps, st->staff, secs);
}

int main(int argc, char **argv)
{
    synth_opts o = {
        .patients = 5000, .seed = 1, .from_y = 2012, .from_m = 1, .to_y = 2023, .to_m = 6,
        .team_effect = 1, .team_y = 2018, .team_m = 4, .dirt = 0.01};
    int rc = parse_args(argc, argv, &o);
    if (rc == 1)
        return 0;
    if (rc != 0)
        return rc;

    char err[1024] = "", ids_tmp[4096] = "";
    sink *s = NULL;
    FILE *ids = NULL;
    synth_stats st = {0};
    double t0 = now_seconds();
    rc = 1;
    if (o.ids_out) {
        if (sfmt(ids_tmp, sizeof ids_tmp, "%s.tmp", o.ids_out) != 0) {
            sfmt(err, sizeof err, "--ids-out: file name too long");
            goto done;
        }
        ids = fopen(ids_tmp, "w");
        if (!ids) {
            sfmt(err, sizeof err, "--ids-out: cannot create %s: %s", ids_tmp, strerror(errno));
            ids_tmp[0] = '\0';
            goto done;
        }
    }
    s = o.sqlite_path ? sqlite_sink_open(o.sqlite_path, err, sizeof err)
                      : pg_sink_open(o.pg_conninfo, err, sizeof err);
    if (!s)
        goto done;
    if (synth_generate(&o, s, ids, &st, err, sizeof err) != 0)
        goto done;
    if (ids) {
        int bad = fflush(ids) != 0 || ferror(ids);
        bad |= fclose(ids) != 0;
        ids = NULL;
        if (bad) {
            sfmt(err, sizeof err, "--ids-out: write to %s failed", ids_tmp);
            goto done;
        }
    }
    if (s->finish(s) != 0) {
        sfmt(err, sizeof err, "%s", s->err);
        goto done;
    }
    if (o.ids_out) {
        if (rename(ids_tmp, o.ids_out) != 0) {
            sfmt(err, sizeof err, "--ids-out: cannot rename %s to %s: %s", ids_tmp, o.ids_out,
                 strerror(errno));
            goto done;
        }
        ids_tmp[0] = '\0';
    }
    if (!o.quiet)
        summary(&o, s, &st, now_seconds() - t0);
    rc = 0;
done:
    if (ids)
        fclose(ids);
    if (rc != 0 && ids_tmp[0])
        unlink(ids_tmp);
    if (s)
        s->destroy(s);
    if (rc != 0)
        fprintf(stderr, "kvalind-synth: %s\n", err[0] ? err : "failed");
    return rc;
}
