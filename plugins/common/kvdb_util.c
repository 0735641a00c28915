/*
 * kvdb_util.c - error text, memory accounting, id map, value parsing, sorting
 *
 * Small helpers of the database layer, used by every connector. None
 * of them logs; kvdb_error() reports through host->set_error after removing
 * secrets from the text.
 */
#include "kvdb.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- context and errors ------------------------------------------------ */

int kvdb_ctx_add_secret(struct kvdb_ctx *rc, const char *secret, size_t len)
{
	if (secret == NULL || len == 0)
		return 0;
	for (size_t i = 0; i < rc->n_secrets; i++)
		if (strlen(rc->secrets[i]) == len && memcmp(rc->secrets[i], secret, len) == 0)
			return 0;
	if (rc->n_secrets == KVDB_MAX_SECRETS)
		return 0; /* more passwords than anyone writes; the first ones are scrubbed */
	char *copy = malloc(len + 1);
	if (copy == NULL)
		return kvdb_error(rc, "out of memory");
	memcpy(copy, secret, len);
	copy[len] = '\0';
	rc->secrets[rc->n_secrets++] = copy;
	return 0;
}

void kvdb_ctx_fini(struct kvdb_ctx *rc)
{
	for (size_t i = 0; i < rc->n_secrets; i++) {
		/* wipe before freeing: a password should not linger in the heap */
		volatile char *p = rc->secrets[i];
		while (*p != '\0')
			*p++ = '\0';
		free(rc->secrets[i]);
		rc->secrets[i] = NULL;
	}
	rc->n_secrets = 0;
}

void kvdb_scrub(const struct kvdb_ctx *rc, char *msg, size_t size)
{
	static const char mask[] = "***";

	/* Replace every occurrence of every secret with "***" (shorter or equal
	 * length for secrets of 3+ characters; longer ones are shifted in place
	 * within `size`). */
	for (size_t k = 0; rc != NULL && k < rc->n_secrets; k++) {
		const char *sec = rc->secrets[k];
		size_t sl = strlen(sec);
		char *hit;
		char *from = msg;
		while (sl > 0 && (hit = strstr(from, sec)) != NULL) {
			size_t tail = strlen(hit + sl);
			size_t ml = sizeof(mask) - 1;
			size_t pos = (size_t)(hit - msg);
			if (pos + ml + 1 > size) {
				*hit = '\0'; /* no room even for the mask: cut here */
				break;
			}
			if (pos + ml + tail + 1 > size)
				tail = size - pos - ml - 1; /* truncate the tail to fit */
			memmove(hit + ml, hit + sl, tail);
			memcpy(hit, mask, ml);
			hit[ml + tail] = '\0';
			from = hit + ml;
		}
	}

	/* Control characters to spaces, collapse blanks, trim. */
	size_t j = 0;
	bool blank = true; /* drop leading blanks */
	for (size_t i = 0; msg[i] != '\0'; i++) {
		unsigned char c = (unsigned char)msg[i];
		if (c < 0x20 || c == 0x7f || c == ' ') {
			if (!blank)
				msg[j++] = ' ';
			blank = true;
		} else {
			msg[j++] = (char)c;
			blank = false;
		}
	}
	while (j > 0 && msg[j - 1] == ' ')
		j--;
	msg[j] = '\0';
}

int kvdb_error(struct kvdb_ctx *rc, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0) {
		snprintf(buf, sizeof(buf), "could not format an error message");
	} else if ((size_t)n >= sizeof(buf)) {
		/* mark the truncation */
		memcpy(buf + sizeof(buf) - 4, "...", 4);
	}
	kvdb_scrub(rc, buf, sizeof(buf));
	if (rc->capture != NULL) {
		if (!rc->capture->set) {
			memcpy(rc->capture->msg, buf, sizeof(rc->capture->msg));
			rc->capture->set = true;
		}
		return -1;
	}
	if (kvdb_tl_capture != NULL) {
		if (!kvdb_tl_capture->set) {
			memcpy(kvdb_tl_capture->msg, buf, sizeof(kvdb_tl_capture->msg));
			kvdb_tl_capture->set = true;
		}
		return -1;
	}
	if (rc->host != NULL) /* else outside a callback: no one to tell */
		rc->host->set_error(rc->ctx, "%s", buf);
	return -1;
}

_Thread_local struct kvdb_error_capture *kvdb_tl_capture __attribute__((tls_model("initial-exec")));

/* ---- memory accounting ------------------------------------------------- */

#define KVDB_HDR 16

size_t kvdb_alloc_cost(size_t size)
{
	return size + KVDB_HDR;
}

static void mem_lock(struct kvdb_mem *m)
{
	if (m->lock != NULL)
		pthread_mutex_lock(m->lock);
}

static void mem_unlock(struct kvdb_mem *m)
{
	if (m->lock != NULL)
		pthread_mutex_unlock(m->lock);
}

/* used -= n */
static void mem_release(struct kvdb_mem *m, size_t n)
{
	mem_lock(m);
	m->used -= n;
	mem_unlock(m);
}

static bool mem_reserve(struct kvdb_ctx *rc, struct kvdb_mem *m, size_t add, const char *what)
{
	mem_lock(m);
	if (add > m->budget || m->used > m->budget - add) {
		size_t used = m->used;
		mem_unlock(m);
		kvdb_error(rc,
			   "memory budget of %zu bytes exceeded while %s (%zu bytes held, %zu more "
			   "needed)",
			   m->budget, what, used, add);
		return false;
	}
	m->used += add;
	if (m->used > m->peak)
		m->peak = m->used;
	mem_unlock(m);
	return true;
}

void *kvdb_alloc(struct kvdb_ctx *rc, struct kvdb_mem *m, size_t size, const char *what)
{
	if (size > SIZE_MAX - KVDB_HDR) {
		kvdb_error(rc, "out of memory while %s", what);
		return NULL;
	}
	if (!mem_reserve(rc, m, size + KVDB_HDR, what))
		return NULL;
	unsigned char *p = malloc(size + KVDB_HDR);
	if (p == NULL) {
		mem_release(m, size + KVDB_HDR);
		kvdb_error(rc, "out of memory while %s", what);
		return NULL;
	}
	memcpy(p, &size, sizeof(size));
	return p + KVDB_HDR;
}

void *kvdb_calloc(struct kvdb_ctx *rc, struct kvdb_mem *m, size_t n, size_t size,
		  const char *what)
{
	if (size != 0 && n > SIZE_MAX / size) {
		kvdb_error(rc, "out of memory while %s", what);
		return NULL;
	}
	void *p = kvdb_alloc(rc, m, n * size, what);
	if (p != NULL)
		memset(p, 0, n * size);
	return p;
}

void *kvdb_realloc(struct kvdb_ctx *rc, struct kvdb_mem *m, void *p, size_t size,
		   const char *what)
{
	if (p == NULL)
		return kvdb_alloc(rc, m, size, what);
	if (size > SIZE_MAX - KVDB_HDR) {
		kvdb_error(rc, "out of memory while %s", what);
		return NULL;
	}
	unsigned char *h = (unsigned char *)p - KVDB_HDR;
	size_t old;
	memcpy(&old, h, sizeof(old));
	/* realloc may need the old and the new block at once: count both */
	if (!mem_reserve(rc, m, size + KVDB_HDR, what))
		return NULL;
	unsigned char *n = realloc(h, size + KVDB_HDR);
	if (n == NULL) {
		mem_release(m, size + KVDB_HDR);
		kvdb_error(rc, "out of memory while %s", what);
		return NULL;
	}
	mem_release(m, old + KVDB_HDR);
	memcpy(n, &size, sizeof(size));
	return n + KVDB_HDR;
}

void kvdb_free(struct kvdb_mem *m, void *p)
{
	if (p == NULL)
		return;
	unsigned char *h = (unsigned char *)p - KVDB_HDR;
	size_t size;
	memcpy(&size, h, sizeof(size));
	mem_release(m, size + KVDB_HDR);
	free(h);
}

/* ---- map --------------------------------------------------------------- */

/*
 * A map of n entries has about 1.5 n slots; the slot of a key is the key
 * modulo that many, a prime. Ids from a sequence (the usual primary key) then
 * fill neighbouring slots without collisions, so the contact map, filled in
 * contact order and looked up from fees and diagnoses in about the same
 * order, touches memory nearly in sequence instead of one cache miss per
 * row; ids with a stride (one sequence shared by several tables) spread over
 * every slot because the stride and the prime are coprime.
 */
static size_t map_slots(size_t n)
{
	return n + n / 2 + 2;
}

static bool is_prime(size_t c)
{
	if (c < 2)
		return false;
	if (c % 2 == 0)
		return c == 2;
	for (size_t d = 3; d <= c / d; d += 2)
		if (c % d == 0)
			return false;
	return true;
}

/* The largest prime not above map_slots(n) (never below n + 2 there), so
 * the map costs at most what kvdb_map_cost says. */
static size_t map_cap(size_t n)
{
	size_t t = map_slots(n);
	for (size_t c = t; c >= n + 2 && c > 2; c--)
		if (is_prime(c))
			return c;
	return t;
}

size_t kvdb_map_cost(size_t n)
{
	return kvdb_alloc_cost(map_slots(n) * sizeof(struct kvdb_map_entry));
}

int kvdb_map_init(struct kvdb_ctx *rc, struct kvdb_mem *m, struct kvdb_map *map, size_t n,
		  const char *what)
{
	memset(map, 0, sizeof(*map));
	/* A count from the database sizes the map: refuse one the budget can
	 * never hold before looking for a prime near it (trial division of a
	 * number near SIZE_MAX would take minutes). */
	if (n > SIZE_MAX / 4 / sizeof(struct kvdb_map_entry) ||
	    (m->budget != 0 && kvdb_map_cost(n) > m->budget)) {
		kvdb_error(rc, "memory budget exceeded while %s", what);
		return -1;
	}
	size_t cap = map_cap(n);
	map->e = kvdb_calloc(rc, m, cap, sizeof(struct kvdb_map_entry), what);
	if (map->e == NULL)
		return -1;
	map->cap = cap;
	return 0;
}

void kvdb_map_fini(struct kvdb_mem *m, struct kvdb_map *map)
{
	kvdb_free(m, map->e);
	memset(map, 0, sizeof(*map));
}

static size_t map_slot(const struct kvdb_map *map, int64_t key)
{
	return (size_t)((uint64_t)key % map->cap);
}

int kvdb_map_insert(struct kvdb_ctx *rc, struct kvdb_map *map, int64_t key, uint32_t val,
		    uint32_t *existing)
{
	if (map->n + 1 >= map->cap)
		return kvdb_error(rc, "more rows than counted at the start of the read (did the "
				      "data change during the read?)");
	size_t i = map_slot(map, key);
	while (map->e[i].used) {
		if (map->e[i].key == key) {
			if (existing != NULL)
				*existing = map->e[i].val;
			return 0;
		}
		i = i + 1 == map->cap ? 0 : i + 1;
	}
	map->e[i].used = 1;
	map->e[i].key = key;
	map->e[i].val = val;
	map->n++;
	return 1;
}

uint32_t kvdb_map_get(const struct kvdb_map *map, int64_t key)
{
	if (map->cap == 0)
		return KVDB_MAP_NONE;
	size_t i = map_slot(map, key);
	while (map->e[i].used) {
		if (map->e[i].key == key)
			return map->e[i].val;
		i = i + 1 == map->cap ? 0 : i + 1;
	}
	return KVDB_MAP_NONE;
}

bool kvdb_map_set(struct kvdb_map *map, int64_t key, uint32_t val)
{
	if (map->cap == 0)
		return false;
	size_t i = map_slot(map, key);
	while (map->e[i].used) {
		if (map->e[i].key == key) {
			map->e[i].val = val;
			return true;
		}
		i = i + 1 == map->cap ? 0 : i + 1;
	}
	return false;
}

/* ---- values ------------------------------------------------------------ */

bool kvdb_ymd_valid(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	       d <= kv_days_in_month(y, m);
}

static bool digits(const char *s, size_t n, int *out)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool kvdb_parse_date(const char *s, size_t len, bool timestamp, kv_date *out)
{
	int y, m, d;
	if (len < 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) ||
	    !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d) || !kvdb_ymd_valid(y, m, d))
		return false;
	if (len > 10) {
		/* only a timestamp may carry a time: [ T]HH:MM[:SS[.fraction]] */
		int hh, mm, ss;
		size_t p = 10;
		if (!timestamp || (s[p] != ' ' && s[p] != 'T'))
			return false;
		p++;
		if (len < p + 5 || !digits(s + p, 2, &hh) || s[p + 2] != ':' ||
		    !digits(s + p + 3, 2, &mm) || hh > 23 || mm > 59)
			return false;
		p += 5;
		if (p < len) {
			if (len < p + 3 || s[p] != ':' || !digits(s + p + 1, 2, &ss) || ss > 59)
				return false;
			p += 3;
			if (p < len) {
				int dummy;
				if (s[p] != '.' || len == p + 1)
					return false;
				for (size_t i = p + 1; i < len; i++)
					if (!digits(s + i, 1, &dummy))
						return false;
			}
		}
	}
	*out = kv_date_from_ymd(y, m, d);
	return true;
}

bool kvdb_parse_int(const char *s, size_t len, int64_t *out)
{
	size_t i = 0;
	bool neg = false;
	uint64_t v = 0;
	if (len > 0 && s[0] == '-') {
		neg = true;
		i = 1;
	}
	if (i == len)
		return false;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		unsigned dgt = (unsigned)(s[i] - '0');
		if (v > (UINT64_C(9223372036854775808) - dgt) / 10)
			return false;
		v = v * 10 + dgt;
	}
	if (!neg && v > (uint64_t)INT64_MAX)
		return false;
	*out = neg ? (v == UINT64_C(9223372036854775808) ? INT64_MIN : -(int64_t)v)
		   : (int64_t)v;
	return true;
}

bool kvdb_parse_float(const char *s, size_t len, double *out)
{
	char buf[64];
	if (len == 0 || len >= sizeof(buf))
		return false;
	/* the spellings of the non-finite values (SQLite writes "Inf", "-Inf";
	 * PostgreSQL "Infinity", "NaN"): parsed, so the caller can call them
	 * non-finite rather than unparseable */
	{
		size_t o = (s[0] == '-' || s[0] == '+') ? 1 : 0;
		double sign = s[0] == '-' ? -1.0 : 1.0;
		if ((len - o == 3 && strncasecmp(s + o, "inf", 3) == 0) ||
		    (len - o == 8 && strncasecmp(s + o, "infinity", 8) == 0)) {
			*out = sign * HUGE_VAL;
			return true;
		}
		if (len - o == 3 && strncasecmp(s + o, "nan", 3) == 0) {
			*out = NAN;
			return true;
		}
	}
	/* the shape first: [+-]digits[.digits][(e|E)[+-]digits], a digit somewhere */
	size_t i = 0;
	bool any = false;
	if (s[i] == '+' || s[i] == '-')
		i++;
	while (i < len && s[i] >= '0' && s[i] <= '9') {
		i++;
		any = true;
	}
	if (i < len && s[i] == '.') {
		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			i++;
			any = true;
		}
	}
	if (!any)
		return false;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i == len)
			return false;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i != len)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';

	char *end;
	errno = 0;
	double v = strtod(buf, &end);
	if (end != buf + len) {
		/* a locale whose decimal point is not '.': parse in "C" */
		locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
		if (c == (locale_t)0)
			return false;
		locale_t old = uselocale(c);
		errno = 0;
		v = strtod(buf, &end);
		uselocale(old);
		freelocale(c);
		if (end != buf + len)
			return false;
	}
	if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL))
		return false;
	*out = v;
	return true;
}

int kvdb_cell_int(const struct kvdb_cell *c, int64_t *out)
{
	switch (c->kind) {
	case KVDB_V_NULL:
		return 1;
	case KVDB_V_INT:
		*out = c->i;
		return 0;
	case KVDB_V_TEXT:
		return !c->too_long && kvdb_parse_int(c->s, c->len, out) ? 0 : -1;
	default:
		return -1;
	}
}

int kvdb_cell_float(const struct kvdb_cell *c, double *out)
{
	switch (c->kind) {
	case KVDB_V_NULL:
		return 1;
	case KVDB_V_FLOAT:
		*out = c->f;
		return 0;
	case KVDB_V_INT:
		*out = (double)c->i;
		return 0;
	case KVDB_V_TEXT:
		return !c->too_long && kvdb_parse_float(c->s, c->len, out) ? 0 : -1;
	default:
		return -1;
	}
}

int kvdb_cell_date(const struct kvdb_cell *c, bool timestamp, kv_date *out)
{
	switch (c->kind) {
	case KVDB_V_NULL:
		return 1;
	case KVDB_V_DATE:
		*out = c->d;
		return 0;
	case KVDB_V_TEXT:
		return !c->too_long && kvdb_parse_date(c->s, c->len, timestamp, out) ? 0 : -1;
	default:
		return -1;
	}
}

int kvdb_norm_code(const char *s, size_t len, bool remove_dots, char out[KV_CODE_MAX])
{
	size_t b = 0, e = len;
	while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n'))
		b++;
	while (e > b &&
	       (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n'))
		e--;
	size_t j = 0;
	for (size_t i = b; i < e; i++) {
		char c = s[i];
		if (remove_dots && c == '.')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (j == KV_CODE_MAX - 1)
			return -1;
		out[j++] = c;
	}
	out[j] = '\0';
	return j == 0 ? 1 : 0;
}

bool kvdb_text_eq(const struct kvdb_cell *c, const char *lit)
{
	size_t n = strlen(lit);
	return c->kind == KVDB_V_TEXT && !c->too_long && c->len == n && memcmp(c->s, lit, n) == 0;
}

/* ---- sorting ----------------------------------------------------------- */

void kvdb_swap(void *va, void *vb, size_t size)
{
	unsigned char *a = va, *b = vb;
	/* word by word: inlined, no call per element */
	for (size_t i = 0; i + 8 <= size; i += 8) {
		uint64_t x, y;
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		memcpy(a + i, &y, 8);
		memcpy(b + i, &x, 8);
	}
	for (size_t i = size & ~(size_t)7; i < size; i++) {
		unsigned char t = a[i];
		a[i] = b[i];
		b[i] = t;
	}
}

static void swap_elem(unsigned char *a, unsigned char *b, size_t size)
{
	kvdb_swap(a, b, size);
}

static void sift_down(unsigned char *base, size_t root, size_t n, size_t size,
		      int (*cmp)(const void *, const void *))
{
	for (;;) {
		size_t child = 2 * root + 1;
		if (child >= n)
			return;
		if (child + 1 < n && cmp(base + child * size, base + (child + 1) * size) < 0)
			child++;
		if (cmp(base + root * size, base + child * size) >= 0)
			return;
		swap_elem(base + root * size, base + child * size, size);
		root = child;
	}
}

static void heap_sort(unsigned char *base, size_t n, size_t size,
		      int (*cmp)(const void *, const void *))
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(base, i, n, size, cmp);
	for (size_t end = n - 1; end > 0; end--) {
		swap_elem(base, base + end * size, size);
		sift_down(base, 0, end, size, cmp);
	}
}

static void insertion_sort(unsigned char *base, size_t n, size_t size,
			   int (*cmp)(const void *, const void *))
{
	unsigned char tmp[KVDB_SORT_MAX_ELEM];
	for (size_t i = 1; i < n; i++) {
		if (cmp(base + (i - 1) * size, base + i * size) <= 0)
			continue;
		size_t j = i;
		memcpy(tmp, base + i * size, size);
		while (j > 0 && cmp(base + (j - 1) * size, tmp) > 0) {
			memcpy(base + j * size, base + (j - 1) * size, size);
			j--;
		}
		memcpy(base + j * size, tmp, size);
	}
}

/* Introsort: quicksort (median of three, Hoare partition) down to runs of
 * 16, insertion sort for those, heapsort when the recursion gets too deep.
 * In place; the recursion takes the smaller side, so the depth stays below
 * 2 log2 n. */
static void intro_sort(unsigned char *base, size_t n, size_t size,
		       int (*cmp)(const void *, const void *), unsigned depth)
{
	unsigned char pivot[KVDB_SORT_MAX_ELEM];
	while (n > 16) {
		if (depth-- == 0) {
			heap_sort(base, n, size, cmp);
			return;
		}
		unsigned char *a = base, *b = base + (n / 2) * size, *c = base + (n - 1) * size;
		if (cmp(b, a) < 0)
			swap_elem(a, b, size);
		if (cmp(c, b) < 0) {
			swap_elem(b, c, size);
			if (cmp(b, a) < 0)
				swap_elem(a, b, size);
		}
		memcpy(pivot, b, size);
		/* Hoare: both sides non-empty, every element of [0, j] <= pivot
		 * <= every element of [j + 1, n) */
		size_t i = 0, j = n - 1;
		for (;;) {
			while (cmp(base + i * size, pivot) < 0)
				i++;
			while (cmp(pivot, base + j * size) < 0)
				j--;
			if (i >= j)
				break;
			swap_elem(base + i * size, base + j * size, size);
			i++;
			j--;
		}
		size_t left = j + 1, right = n - left;
		if (left < right) {
			intro_sort(base, left, size, cmp, depth);
			base += left * size;
			n = right;
		} else {
			intro_sort(base + left * size, right, size, cmp, depth);
			n = left;
		}
	}
	insertion_sort(base, n, size, cmp);
}

void kvdb_sort(void *vbase, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n < 2)
		return;
	unsigned depth = 0;
	for (size_t m = n; m > 1; m >>= 1)
		depth += 2;
	intro_sort(vbase, n, size, cmp, depth);
}
