/*
 * synth_util.c - small helpers for kvalind-synth: the xoshiro256** PRNG
 * seeded through splitmix64 (never rand(), so output is the same on every
 * platform), civil-calendar date arithmetic on day numbers, bounded string
 * formatting and a growable byte buffer.
 */
#include "synth.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ PRNG */

uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void rng_seed(rng_t *r, uint64_t seed)
{
    uint64_t st = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&st);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t rng_u64(rng_t *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double rng_unif(rng_t *r)
{
    return (double)(rng_u64(r) >> 11) * 0x1.0p-53;
}

int rng_int(rng_t *r, int lo, int hi)
{
    if (hi <= lo)
        return lo;
    uint64_t span = (uint64_t)((int64_t)hi - lo + 1);
    return lo + (int)(rng_u64(r) % span);
}

int rng_bern(rng_t *r, double p)
{
    return rng_unif(r) < p;
}

double rng_norm(rng_t *r)
{
    /* Box-Muller, one value per call (simple and deterministic). */
    double u1 = rng_unif(r), u2 = rng_unif(r);
    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

int rng_poisson(rng_t *r, double lambda)
{
    if (lambda <= 0)
        return 0;
    if (lambda > 40) {
        double x = lambda + sqrt(lambda) * rng_norm(r) + 0.5;
        return x < 0 ? 0 : (int)x;
    }
    double l = exp(-lambda), p = 1.0;
    int k = 0;
    do {
        k++;
        p *= rng_unif(r);
    } while (p > l);
    return k - 1;
}

int rng_pick(rng_t *r, const double *w, int n)
{
    double tot = 0;
    for (int i = 0; i < n; i++)
        tot += w[i];
    if (tot <= 0)
        return 0;
    double x = rng_unif(r) * tot;
    for (int i = 0; i < n; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    return n - 1;
}

/* ----------------------------------------------------------------- dates */

/* Howard Hinnant's days_from_civil / civil_from_days. */
int32_t day_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + (int)doe - 719468);
}

void ymd_from_day(int32_t z0, int *y, int *m, int *d)
{
    int z = z0 + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int yy = (int)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned dd = doy - (153 * mp + 2) / 5 + 1;
    unsigned mm = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (mm <= 2);
    *m = (int)mm;
    *d = (int)dd;
}

int day_weekday(int32_t day)
{
    /* 1970-01-01 was a Thursday (3 with Monday = 0). */
    int w = (int)((day % 7 + 7) % 7);
    return (w + 3) % 7;
}

int day_year(int32_t day)
{
    int y, m, d;
    ymd_from_day(day, &y, &m, &d);
    return y;
}

int32_t day_month_end(int y, int m)
{
    return m == 12 ? day_from_ymd(y + 1, 1, 1) - 1 : day_from_ymd(y, m + 1, 1) - 1;
}

int age_at(int32_t birth, int32_t day)
{
    int by, bm, bd, y, m, d;
    ymd_from_day(birth, &by, &bm, &bd);
    ymd_from_day(day, &y, &m, &d);
    int a = y - by;
    if (m < bm || (m == bm && d < bd))
        a--;
    return a;
}

static void put_digits(char *p, int v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

void fmt_date(char buf[11], int32_t day)
{
    int y, m, d;
    ymd_from_day(day, &y, &m, &d);
    put_digits(buf, y, 4);
    buf[4] = '-';
    put_digits(buf + 5, m, 2);
    buf[7] = '-';
    put_digits(buf + 8, d, 2);
    buf[10] = '\0';
}

void fmt_time(char buf[20], int32_t day, int sec)
{
    fmt_date(buf, day);
    buf[10] = ' ';
    put_digits(buf + 11, sec / 3600, 2);
    buf[13] = ':';
    put_digits(buf + 14, sec / 60 % 60, 2);
    buf[16] = ':';
    put_digits(buf + 17, sec % 60, 2);
    buf[19] = '\0';
}

/* --------------------------------------------------------------- strings */

int sfmt(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return (k < 0 || (size_t)k >= n) ? -1 : 0;
}

int sbuf_add(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p)
            return -1;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

int sbuf_adds(sbuf *b, const char *s)
{
    return sbuf_add(b, s, strlen(s));
}

void sbuf_free(sbuf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}
