/*
 * check_kvdb.c - Check tests of the connectors' shared database layer
 * (plugins/common/, kvdb.h), without a database
 *
 * Compiled with every .c file of plugins/common (not dlopen()ed: the layer's
 * symbols are hidden inside the plugins), driven through a fake host that
 * keeps the last error. Covers what both connectors rely on: grouping by
 * radix sort against a plain sort, the patient index (dense, sparse, the
 * int64 ends, repeated ids), the cell readers and their bad-row reasons,
 * codes, the SQL builder's overflow, the id map, delivery (bad patients
 * skipped, a stopping sink), and the memory budget shared with a worker
 * thread (exact, and the worker's error reported once), and the patient-range
 * planner over a fake histogram (one range, greedy cuts, an oversize bucket
 * refined, one key too big, empty tables). The transports are
 * covered by check_reference (real databases) and the fuzz targets
 * (tests/fuzz: pgcopy, odbc).
 *
 * Run: build/tests/check_kvdb (make check-connector runs it; check-memory
 * runs it under valgrind).
 */
#include "ck_aim.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_host.h"
#include "kvdb.h"

/* ---- the fake host (tests/lib/fake_host.c): a NULL ctx records in
 * fake_host_default ---------------------------------------------------------- */

static struct kvdb_ctx rc;

static void setup(void)
{
	memset(&rc, 0, sizeof rc);
	rc.host = &fake_host;
	memset(&fake_host_default, 0, sizeof fake_host_default);
}

static void teardown(void)
{
	kvdb_ctx_fini(&rc);
}

/* A deterministic generator (xorshift), so a failure can be replayed. */
static uint64_t rnd_state = 88172645463325252u;
static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* ---- staging, radix sort, grouping -------------------------------------- */

struct st_test {
	struct kvdb_head h;
	struct kv_lab_result ev;
};
KVDB_STAGE_OK(st_test);

static int cmp_test(const void *va, const void *vb)
{
	const struct st_test *a = va, *b = vb;
	return kvdb_cmp_head(&a->h, &b->h);
}

static int cmp_full(const void *va, const void *vb)
{
	const struct st_test *a = va, *b = vb;
	if (a->h.slot != b->h.slot)
		return a->h.slot < b->h.slot ? -1 : 1;
	return kvdb_cmp_head(&a->h, &b->h);
}

static const struct kvdb_stage_desc test_desc = KVDB_STAGE_DESC(st_test, ev, cmp_test);

/* n records over n_pats patients, unique keys: grouped and compacted, the
 * events come out as a plain sort by (slot, date, key) would give them. */
static void check_group(size_t n, size_t n_pats)
{
	struct kvdb_mem mem = {.budget = 64u << 20};
	struct kvdb_stage s = {.d = &test_desc};
	struct st_test *want = calloc(n + 1, sizeof(*want));
	ck_assert_ptr_nonnull(want);
	for (size_t i = 0; i < n; i++) {
		struct st_test *e = kvdb_stage_push(&rc, &mem, &s, "testing");
		ck_assert_ptr_nonnull(e);
		e->h.slot = (uint32_t)(rnd() % n_pats);
		e->h.date = (kv_date)(rnd() % 50);
		e->h.key = (int64_t)i * 7919 % 1000003; /* unique */
		e->ev.date = e->h.date;
		e->ev.value = (double)e->h.key;
		want[i] = *e;
	}
	qsort(want, n, sizeof(*want), cmp_full);
	ck_assert_int_eq(kvdb_stage_group(&rc, &mem, &s, n_pats, "testing"), 0);
	ck_assert(s.grouped);
	kvdb_stage_compact(&s);
	size_t k = 0;
	for (size_t p = 0; p < n_pats; p++) {
		size_t m;
		const struct kv_lab_result *ev = kvdb_stage_events(&s, p, &m);
		ck_assert(m == 0 ? ev == NULL : ev != NULL);
		for (size_t i = 0; i < m; i++, k++) {
			ck_assert_uint_eq(want[k].h.slot, p);
			ck_assert_int_eq(ev[i].date, want[k].ev.date);
			ck_assert(ev[i].value == want[k].ev.value);
		}
	}
	ck_assert_uint_eq(k, n);
	kvdb_stage_free(&mem, &s);
	ck_assert_uint_eq(mem.used, 0);
	free(want);
}

START_TEST(test_group_matches_sort)
{
	check_group(1, 1);
	check_group(100, 1);
	check_group(1000, 3);
	check_group(5000, 257);     /* two radix passes */
	check_group(20000, 70000);  /* three passes, most patients without rows */
}
END_TEST

START_TEST(test_group_empty)
{
	struct kvdb_mem mem = {.budget = 1u << 20};
	struct kvdb_stage s = {.d = &test_desc};
	ck_assert_int_eq(kvdb_stage_group(&rc, &mem, &s, 10, "testing"), 0);
	kvdb_stage_compact(&s);
	size_t m = 99;
	ck_assert_ptr_null(kvdb_stage_events(&s, 3, &m));
	ck_assert_uint_eq(m, 0);
	kvdb_stage_free(&mem, &s);
	/* never grouped: no events either */
	m = 99;
	ck_assert_ptr_null(kvdb_stage_events(&s, 0, &m));
	ck_assert_uint_eq(m, 0);
}
END_TEST

START_TEST(test_stage_budget)
{
	struct kvdb_mem mem = {.budget = 4096};
	struct kvdb_stage s = {.d = &test_desc};
	ck_assert_int_ne(kvdb_stage_reserve(&rc, &mem, &s, 1000, "holding rows"), 0);
	ck_assert_ptr_nonnull(strstr(fake_host_default.error, "exceeded while holding rows"));
	ck_assert_int_ne(kvdb_stage_reserve(&rc, &mem, &s, UINT64_MAX, "holding rows"), 0);
	ck_assert_ptr_nonnull(strstr(fake_host_default.error, "too many rows"));
	void *e;
	size_t pushed = 0;
	while ((e = kvdb_stage_push(&rc, &mem, &s, "holding rows")) != NULL)
		pushed++;
	ck_assert_uint_gt(pushed, 0);
	ck_assert_uint_le(mem.peak, mem.budget);
	kvdb_stage_free(&mem, &s);
	ck_assert_uint_eq(mem.used, 0);
}
END_TEST

/* ---- the patient index -------------------------------------------------- */

static void add_pat(struct kvdb_mem *m, struct kvdb_pats *ps, int64_t id, kv_date birth,
		    uint8_t bad)
{
	struct kvdb_pat *p = kvdb_pats_push(&rc, m, ps, "testing");
	ck_assert_ptr_nonnull(p);
	p->id = id;
	p->birth = birth;
	p->death = KV_DATE_OPEN;
	p->sex = KV_SEX_FEMALE;
	p->bad = bad;
}

START_TEST(test_pats_dense_and_duplicates)
{
	struct kvdb_mem mem = {.budget = 1u << 20};
	struct kvdb_pats ps = {0};
	uint64_t dups = 0;
	for (int64_t id = 200; id > 100; id--)
		add_pat(&mem, &ps, id, 10, 0);
	add_pat(&mem, &ps, 150, 5, 1); /* a bad repeat sorts after the good row */
	add_pat(&mem, &ps, 150, 3, 0); /* a good repeat: the earlier birth stays */
	ck_assert_int_eq(kvdb_pats_index(&rc, &mem, &ps, &dups, "testing"), 0);
	ck_assert_uint_eq(dups, 2);
	ck_assert_uint_eq(ps.n, 100);
	ck_assert_ptr_nonnull(ps.dense);
	for (size_t i = 1; i < ps.n; i++)
		ck_assert_int_lt(ps.p[i - 1].id, ps.p[i].id);
	uint32_t s = kvdb_pats_find(&ps, 150);
	ck_assert_uint_eq(s, 49);
	ck_assert_int_eq(ps.p[s].birth, 3);
	ck_assert_int_eq(ps.p[s].bad, 0);
	ck_assert_uint_eq(kvdb_pats_find(&ps, 150), 49); /* the cache */
	ck_assert_uint_eq(kvdb_pats_find(&ps, 100), KVDB_MAP_NONE);
	ck_assert_uint_eq(kvdb_pats_find(&ps, 201), KVDB_MAP_NONE);
	kvdb_pats_free(&mem, &ps);
	ck_assert_uint_eq(mem.used, 0);
}
END_TEST

START_TEST(test_pats_sparse_extremes)
{
	struct kvdb_mem mem = {.budget = 1u << 20};
	struct kvdb_pats ps = {0};
	uint64_t dups = 0;
	add_pat(&mem, &ps, INT64_MAX, 1, 0);
	add_pat(&mem, &ps, INT64_MIN, 2, 0);
	add_pat(&mem, &ps, 0, 3, 0);
	add_pat(&mem, &ps, 1000000007, 4, 0);
	ck_assert_int_eq(kvdb_pats_index(&rc, &mem, &ps, &dups, "testing"), 0);
	ck_assert_uint_eq(dups, 0);
	ck_assert_ptr_null(ps.dense); /* the span wraps: the map, not an index */
	ck_assert_uint_eq(kvdb_pats_find(&ps, INT64_MIN), 0);
	ck_assert_uint_eq(kvdb_pats_find(&ps, 0), 1);
	ck_assert_uint_eq(kvdb_pats_find(&ps, 1000000007), 2);
	ck_assert_uint_eq(kvdb_pats_find(&ps, INT64_MAX), 3);
	ck_assert_uint_eq(kvdb_pats_find(&ps, -1), KVDB_MAP_NONE);
	kvdb_pats_free(&mem, &ps);
	ck_assert_uint_eq(mem.used, 0);
}
END_TEST

/* ---- delivery ----------------------------------------------------------- */

static int sink_calls, sink_stop_at = -1;
static size_t sink_events;
static uint64_t sink_refs[8], sink_holders[8];

static int test_sink(void *arg, const struct kv_patient *p, const struct kv_patient_origin *origin)
{
	(void)arg;
	ck_assert_uint_eq(p->struct_size, sizeof *p);
	/* every patient with its origin: the id and the list holder */
	ck_assert_ptr_nonnull(origin);
	ck_assert_uint_eq(origin->struct_size, sizeof *origin);
	if (sink_calls >= 0 && sink_calls < 8) {
		sink_refs[sink_calls] = origin->local_ref;
		sink_holders[sink_calls] = origin->list_holder;
	}
	sink_events += p->n_labs;
	if (sink_calls++ == sink_stop_at)
		return KV_ERROR;
	return KV_OK;
}

START_TEST(test_deliver)
{
	struct kvdb_mem mem = {.budget = 1u << 20};
	struct kvdb_pats ps = {0};
	struct kvdb_stage s = {.d = &test_desc};
	uint64_t dups = 0, delivered = 0;
	add_pat(&mem, &ps, 1, 0, 0);
	add_pat(&mem, &ps, 2, 0, 1); /* bad: never delivered */
	add_pat(&mem, &ps, 3, 0, 0);
	ps.p[2].holder = 77; /* the list holder the connector found; 1 has none */
	ck_assert_int_eq(kvdb_pats_index(&rc, &mem, &ps, &dups, "testing"), 0);
	for (uint32_t slot = 0; slot < 3; slot++) {
		struct st_test *e = kvdb_stage_push(&rc, &mem, &s, "testing");
		ck_assert_ptr_nonnull(e);
		e->h.slot = slot;
	}
	ck_assert_int_eq(kvdb_stage_group(&rc, &mem, &s, ps.n, "testing"), 0);
	kvdb_stage_compact(&s);
	const struct kvdb_stage *by_kind[KVDB_N_KINDS] = {[KVDB_K_LAB] = &s};
	sink_calls = 0;
	sink_events = 0;
	sink_stop_at = -1;
	ck_assert_int_eq(kvdb_deliver(&rc, &ps, by_kind, NULL, test_sink, NULL, &delivered), 0);
	ck_assert_int_eq(sink_calls, 2);
	ck_assert_uint_eq(sink_events, 2);
	ck_assert_uint_eq(delivered, 2);
	ck_assert_uint_eq(sink_refs[0], 1);
	ck_assert_uint_eq(sink_holders[0], 0);
	ck_assert_uint_eq(sink_refs[1], 3);
	ck_assert_uint_eq(sink_holders[1], 77);
	sink_stop_at = 3; /* the second call of this run */
	ck_assert_int_ne(kvdb_deliver(&rc, &ps, by_kind, NULL, test_sink, NULL, &delivered), 0);
	ck_assert_str_eq(fake_host_default.error, "the read was stopped by the patient sink after 3 patients");
	kvdb_stage_free(&mem, &s);
	kvdb_pats_free(&mem, &ps);
	ck_assert_uint_eq(mem.used, 0);
}
END_TEST

/* ---- cells and reasons -------------------------------------------------- */

static struct kvdb_cell text(const char *s)
{
	struct kvdb_cell c = {.kind = KVDB_V_TEXT, .s = s, .len = strlen(s)};
	return c;
}

/* ABI 2.1: keys into the pool, and the origin's key and period holders
 * only when asked, the holders a slice parallel to each patient's periods. */
static const char *key_seen[4];
static const uint64_t *holders_seen[4];
static size_t periods_seen[4];
static int key_calls;

static int key_sink(void *arg, const struct kv_patient *p, const struct kv_patient_origin *origin)
{
	(void)arg;
	if (key_calls < 4) {
		key_seen[key_calls] = origin->key;
		holders_seen[key_calls] = origin->period_holders;
		periods_seen[key_calls] = p->n_periods;
	}
	key_calls++;
	return KV_OK;
}

START_TEST(test_pats_key_and_origin)
{
	struct kvdb_mem mem = {.budget = 1u << 20};
	struct kvdb_pats ps = {0};
	struct kvdb_stage per = {.d = &test_desc};
	uint64_t dups = 0, delivered = 0, too_long = 0;
	char long_key[KV_PATIENT_KEY_MAX + 1];
	memset(long_key, 'x', sizeof(long_key) - 1);
	long_key[KV_PATIENT_KEY_MAX] = '\0';
	struct kvdb_cell cells[4] = {
		text("J-3"),
		{.kind = KVDB_V_INT, .i = -42},
		text(long_key),   /* 64 bytes: too long */
		{.kind = KVDB_V_NULL},
	};
	for (int i = 0; i < 4; i++) {
		add_pat(&mem, &ps, 3 - i, 0, 0); /* ids 3, 2, 1, 0: sorted in reverse */
		ck_assert_int_eq(kvdb_pats_key(&rc, &mem, &ps, &ps.p[i], &cells[i], &too_long), 0);
	}
	ck_assert_uint_eq(too_long, 1);
	long_key[KV_PATIENT_KEY_MAX - 1] = '\0'; /* 63 bytes fit */
	struct kvdb_cell fits = text(long_key);
	ck_assert_int_eq(kvdb_pats_key(&rc, &mem, &ps, &ps.p[3], &fits, &too_long), 0);
	ck_assert_uint_eq(too_long, 1);
	ck_assert_int_eq(kvdb_pats_index(&rc, &mem, &ps, &dups, "testing"), 0);
	/* periods: patient 0 (slot 0) none, 1 one, 2 none, 3 two */
	static const uint32_t slots[] = {1, 3, 3};
	for (size_t i = 0; i < 3; i++) {
		struct st_test *e = kvdb_stage_push(&rc, &mem, &per, "testing");
		ck_assert_ptr_nonnull(e);
		e->h.slot = slots[i];
		e->h.date = (kv_date)i;
	}
	ck_assert_int_eq(kvdb_stage_group(&rc, &mem, &per, ps.n, "testing"), 0);
	kvdb_stage_compact(&per);
	const uint64_t holders[3] = {11, 31, 32};
	const struct kvdb_stage *by_kind[KVDB_N_KINDS] = {[KVDB_K_PERIOD] = &per};

	struct kvdb_origin_in oi = {.asked = KV_ORIGIN_KEY | KV_ORIGIN_HOLDERS,
				    .period_holders = holders};
	key_calls = 0;
	ck_assert_int_eq(kvdb_deliver(&rc, &ps, by_kind, &oi, key_sink, NULL, &delivered), 0);
	ck_assert_int_eq(key_calls, 4);
	ck_assert_str_eq(key_seen[0], long_key); /* id 0 */
	ck_assert_ptr_null(key_seen[1]);          /* id 1: too long */
	ck_assert_str_eq(key_seen[2], "-42");    /* id 2 */
	ck_assert_str_eq(key_seen[3], "J-3");    /* id 3 */
	ck_assert_ptr_null(holders_seen[0]);
	ck_assert(periods_seen[1] == 1 && holders_seen[1] != NULL && holders_seen[1][0] == 11);
	ck_assert_ptr_null(holders_seen[2]);
	ck_assert(periods_seen[3] == 2 && holders_seen[3][0] == 31 && holders_seen[3][1] == 32);

	oi.asked = 0; /* not asked: neither, whatever the connector holds */
	key_calls = 0;
	ck_assert_int_eq(kvdb_deliver(&rc, &ps, by_kind, &oi, key_sink, NULL, &delivered), 0);
	for (int i = 0; i < 4; i++)
		ck_assert(key_seen[i] == NULL && holders_seen[i] == NULL);

	struct kv_read_request old = {.struct_size = offsetof(struct kv_read_request, origin),
				      .origin = KV_ORIGIN_KEY};
	ck_assert_uint_eq(kvdb_req_origin(&old), 0); /* a 2.0 core's request */
	old.struct_size = sizeof old;
	ck_assert_uint_eq(kvdb_req_origin(&old), KV_ORIGIN_KEY);
	kvdb_stage_free(&mem, &per);
	kvdb_pats_free(&mem, &ps);
	ck_assert_uint_eq(mem.used, 0);
}
END_TEST

START_TEST(test_cells)
{
	struct kvdb_cell null = {.kind = KVDB_V_NULL};
	struct kvdb_cell c;
	unsigned why = KVDB_NO_REASON;
	int64_t i = 0;
	kv_date d = 0;
	double f = 0;
	bool has = true;

	kvdb_req_int(&null, &i, &why);
	ck_assert_uint_eq(why, KVDB_R_MISSING_VALUE);
	c = text("12x");
	kvdb_req_int(&c, &i, &why);
	ck_assert_uint_eq(why, KVDB_R_MISSING_VALUE); /* the first reason wins */
	why = KVDB_NO_REASON;
	kvdb_req_int(&c, &i, &why);
	ck_assert_uint_eq(why, KVDB_R_UNPARSEABLE_NUMBER);

	why = KVDB_NO_REASON;
	c = text("42");
	kvdb_req_int(&c, &i, &why);
	ck_assert_uint_eq(why, KVDB_NO_REASON);
	ck_assert_int_eq(i, 42);
	kvdb_opt_int(&null, &i, -7, &why);
	ck_assert_int_eq(i, -7);

	c = text("2019-02-30");
	kvdb_req_date(&c, false, &d, &why);
	ck_assert_uint_eq(why, KVDB_R_UNPARSEABLE_DATE);
	why = KVDB_NO_REASON;
	c = text("2019-02-28 13:45");
	kvdb_req_date(&c, true, &d, &why);
	ck_assert_uint_eq(why, KVDB_NO_REASON);
	ck_assert_int_eq(d, kv_date_from_ymd(2019, 2, 28));
	kvdb_req_date(&c, false, &d, &why); /* a DATE column takes no time */
	ck_assert_uint_eq(why, KVDB_R_UNPARSEABLE_DATE);
	why = KVDB_NO_REASON;
	kvdb_opt_date(&null, &d, &why);
	ck_assert_int_eq(d, KV_DATE_OPEN);
	ck_assert_uint_eq(why, KVDB_NO_REASON);

	kvdb_opt_float(&null, &f, &has, &why);
	ck_assert(!has);
	c = text("inf");
	kvdb_opt_float(&c, &f, &has, &why);
	ck_assert_uint_ne(why, KVDB_NO_REASON);
	why = KVDB_NO_REASON;
	struct kvdb_cell nan = {.kind = KVDB_V_FLOAT, .f = 0.0 / 0.0};
	kvdb_opt_float(&nan, &f, &has, &why);
	ck_assert_uint_eq(why, KVDB_R_NOT_FINITE);
	why = KVDB_NO_REASON;
	c = text("7.25");
	kvdb_opt_float(&c, &f, &has, &why);
	ck_assert(has && f == 7.25 && why == KVDB_NO_REASON);
	/* an opaque key passed on (a list holder): 0 when unknown, never a bad row */
	struct kvdb_cell ref = {.kind = KVDB_V_INT, .i = 42};
	ck_assert_uint_eq(kvdb_cell_ref(&ref), 42);
	ref.i = (int64_t)UINT32_MAX + 1;
	ck_assert_uint_eq(kvdb_cell_ref(&ref), 0);
	ref.i = -3;
	ck_assert_uint_eq(kvdb_cell_ref(&ref), 0);
	ref = text("17");
	ck_assert_uint_eq(kvdb_cell_ref(&ref), 17);
	ref = text("x");
	ck_assert_uint_eq(kvdb_cell_ref(&ref), 0);
	ref.kind = KVDB_V_NULL;
	ck_assert_uint_eq(kvdb_cell_ref(&ref), 0);
}
END_TEST

START_TEST(test_codes)
{
	char out[KV_CODE_MAX];
	struct kvdb_cell null = {.kind = KVDB_V_NULL};
	ck_assert_int_eq(kvdb_cell_code(&null, false, out), 1);
	ck_assert_str_eq(out, "");
	struct kvdb_cell c = text(" \t ");
	ck_assert_int_eq(kvdb_cell_code(&c, false, out), 2);
	ck_assert_str_eq(out, "");
	c = text(" e11.9 ");
	ck_assert_int_eq(kvdb_cell_code(&c, true, out), 0);
	ck_assert_str_eq(out, "E119");
	ck_assert_int_eq(kvdb_cell_code(&c, false, out), 0);
	ck_assert_str_eq(out, "E11.9");
	c = text("ABCDEFGHIJKLMNOPQRSTUVWXYZ");
	ck_assert_int_eq(kvdb_cell_code(&c, false, out), -1);
	c = text("T90");
	c.too_long = true;
	ck_assert_int_eq(kvdb_cell_code(&c, false, out), -1);
	struct kvdb_cell num = {.kind = KVDB_V_INT, .i = 5};
	ck_assert_int_eq(kvdb_cell_code(&num, false, out), -1);
}
END_TEST

/* ---- SQL text, the id map, secrets -------------------------------------- */

START_TEST(test_sql_builder)
{
	char buf[16];
	struct kvdb_sb b;
	kvdb_sb_init(&b, buf, sizeof buf);
	kvdb_sb_printf(&b, "SELECT %d", 1);
	ck_assert_int_eq(kvdb_sb_done(&rc, &b, "t", NULL), 0);
	ck_assert_str_eq(buf, "SELECT 1");
	kvdb_sb_printf(&b, " FROM a_long_table");
	ck_assert(b.overflow);
	ck_assert_str_eq(buf, "SELECT 1"); /* never cut in the middle */
	ck_assert_int_ne(kvdb_sb_done(&rc, &b, "t", "too many keyword rules?"), 0);
	ck_assert_str_eq(fake_host_default.error, "the SQL text for table \"t\" is longer than 16 bytes "
				     "(too many keyword rules?)");
	ck_assert_str_eq(kvdb_pg_cast(KVDB_T_TIMESTAMP), "timestamp");
	ck_assert_str_eq(kvdb_pg_cast(KVDB_T_ID), "int8");
}
END_TEST

START_TEST(test_map)
{
	struct kvdb_mem mem = {.budget = 1u << 20};
	struct kvdb_map map = {0};
	uint32_t old = 0;
	ck_assert_int_eq(kvdb_map_init(&rc, &mem, &map, 1000, "testing"), 0);
	for (int64_t k = 0; k < 1000; k++)
		ck_assert_int_eq(kvdb_map_insert(&rc, &map, k * 1000003 - 500, (uint32_t)k, NULL), 1);
	ck_assert_int_eq(kvdb_map_insert(&rc, &map, 7 * 1000003 - 500, 99, &old), 0);
	ck_assert_uint_eq(old, 7);
	ck_assert_uint_eq(kvdb_map_get(&map, 7 * 1000003 - 500), 7);
	ck_assert(kvdb_map_set(&map, 7 * 1000003 - 500, 70));
	ck_assert_uint_eq(kvdb_map_get(&map, 7 * 1000003 - 500), 70);
	ck_assert_uint_eq(kvdb_map_get(&map, 12345), KVDB_MAP_NONE);
	ck_assert(!kvdb_map_set(&map, 12345, 1));
	kvdb_map_fini(&mem, &map);
	/* a count no budget can hold is refused at once */
	ck_assert_int_ne(kvdb_map_init(&rc, &mem, &map, SIZE_MAX / 2, "holding roles"), 0);
	ck_assert_ptr_nonnull(strstr(fake_host_default.error, "memory budget exceeded while holding roles"));
	ck_assert_uint_eq(mem.used, 0);
}
END_TEST

START_TEST(test_secrets_scrubbed)
{
	ck_assert_int_eq(kvdb_ctx_add_secret(&rc, "hunter2", 7), 0);
	kvdb_error(&rc, "connection failed:\n  password hunter2 refused");
	ck_assert_ptr_null(strstr(fake_host_default.error, "hunter2"));
	ck_assert_ptr_null(strchr(fake_host_default.error, '\n'));
}
END_TEST

/* ---- the budget shared with a worker thread ----------------------------- */

struct job_arg {
	struct kvdb_mem *mem;
	int rounds;
	size_t size;
};

static int alloc_job(void *arg)
{
	struct job_arg *a = arg;
	for (int i = 0; i < a->rounds; i++) {
		void *p = kvdb_alloc(&rc, a->mem, a->size, "working");
		if (p == NULL)
			return -1;
		kvdb_free(a->mem, p);
	}
	return 0;
}

START_TEST(test_worker_shares_budget)
{
	struct kvdb_mem mem = {.budget = 1u << 20};
	struct kvdb_worker w;
	struct job_arg a = {.mem = &mem, .rounds = 20000, .size = 1000};
	ck_assert(kvdb_worker_start(&w, &mem, alloc_job, &a));
	ck_assert_ptr_nonnull(mem.lock);
	struct job_arg here = a;
	ck_assert_int_eq(alloc_job(&here), 0);
	ck_assert_int_eq(kvdb_worker_join(&rc, &w, true), 0);
	ck_assert_ptr_null(mem.lock);
	ck_assert_uint_eq(mem.used, 0); /* every add and release counted */
	ck_assert_uint_le(mem.peak, 2 * kvdb_alloc_cost(1000));
	ck_assert_int_eq(fake_host_default.n_errors, 0);
}
END_TEST

START_TEST(test_worker_error_reported_once)
{
	struct kvdb_mem mem = {.budget = 1u << 20};
	struct kvdb_worker w;
	struct job_arg a = {.mem = &mem, .rounds = 1, .size = 2u << 20}; /* over budget */
	ck_assert(kvdb_worker_start(&w, &mem, alloc_job, &a));
	ck_assert_int_ne(kvdb_worker_join(&rc, &w, true), 0);
	ck_assert_int_eq(fake_host_default.n_errors, 1); /* by the joining thread, not the worker */
	ck_assert_ptr_nonnull(strstr(fake_host_default.error, "exceeded while working"));
	/* the caller failed first: the worker's error is not reported */
	fake_host_default.n_errors = 0;
	ck_assert(kvdb_worker_start(&w, &mem, alloc_job, &a));
	ck_assert_int_ne(kvdb_worker_join(&rc, &w, false), 0);
	ck_assert_int_eq(fake_host_default.n_errors, 0);
	ck_assert_uint_eq(mem.used, 0);
}
END_TEST

/* ---- a connector's state and counts ------------------------------------- */

START_TEST(test_conn_and_counts)
{
	struct kv_host old = fake_host;
	old.abi_major = KV_ABI_MAJOR + 1;
	struct kv_call old_call = {.struct_size = sizeof old_call, .host = &old};
	ck_assert_ptr_null(kvdb_conn_new(&old_call, sizeof(struct kv_host),
					 sizeof(struct kvdb_conn)));
	struct kv_call call = {.struct_size = sizeof call, .host = &fake_host};
	struct kvdb_conn *c = kvdb_conn_new(&call, sizeof(struct kv_host),
					    sizeof(struct kvdb_conn));
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_eq(c->rc.host, &fake_host); /* open() runs */
	c->provides = 5;
	struct kv_open_result res = {.struct_size = sizeof res};
	ck_assert_int_eq(kvdb_conn_opened(c, &res), KV_OK);
	ck_assert_ptr_eq(res.state, c);
	ck_assert_uint_eq(res.provides, 5);
	/* no host or context kept between callbacks */
	ck_assert_ptr_null(c->rc.host);
	ck_assert_ptr_null(c->rc.ctx);
	call.state = c;
	kvdb_enter(c, &call);
	ck_assert_ptr_eq(c->rc.host, &fake_host);
	kvdb_leave(c);
	ck_assert_ptr_null(c->rc.host);
	ck_assert_int_eq(kvdb_error(&c->rc, "after the callback"), -1); /* reported nowhere */
	ck_assert_int_eq(fake_host_default.n_errors, 0);
	kvdb_conn_close(&call);

	static const char *const reasons[3] = {"a", "b", "c"};
	const uint64_t bad[3] = {2, 0, 3};
	kvdb_report_table(&rc, "t", 10, bad, reasons, 3);
	ck_assert_uint_eq(fake_host_default.rows_total, 10);
	ck_assert_uint_eq(fake_host_default.bad_total, 5);
}
END_TEST

/* ---- planning patient ranges (kvdb_plan.c) ------------------------------ */

/* A fake database for the planner: rows per key of two tables over keys
 * 0 .. PLAN_KEYS - 1 (and rows with no key, only in the totals); the
 * histogram callback counts them as the connector's SQL would. */
#define PLAN_KEYS 100
struct fake_db {
	uint64_t rows[2][PLAN_KEYS];
	uint64_t totals[2];
	uint64_t cost[2];
	int calls;
	uint64_t min_width;
};

static int fake_hist(void *arg, int64_t lo, int64_t hi, uint64_t width, size_t nb,
		     uint64_t *counts)
{
	struct fake_db *db = arg;
	db->calls++;
	if (db->min_width == 0 || width < db->min_width)
		db->min_width = width;
	ck_assert_int_le(lo, hi);
	ck_assert_uint_ge((uint64_t)(hi - lo) + 1, nb);
	for (size_t t = 0; t < 2; t++)
		for (int64_t k = lo; k <= hi; k++) {
			if (k < 0 || k >= PLAN_KEYS)
				continue;
			uint64_t b = (uint64_t)(k - lo) / width;
			ck_assert_uint_lt(b, nb);
			counts[t * nb + b] += db->rows[t][k];
		}
	return 0;
}

/* Totals from the per-key rows, plus `nokey` rows of table 0 with no key. */
static void fake_totals(struct fake_db *db, uint64_t nokey)
{
	for (int t = 0; t < 2; t++) {
		db->totals[t] = 0;
		for (int k = 0; k < PLAN_KEYS; k++)
			db->totals[t] += db->rows[t][k];
	}
	db->totals[0] += nokey;
}

static struct kvdb_plan_in fake_in(struct fake_db *db, uint64_t target)
{
	return (struct kvdb_plan_in){.n_tables = 2, .rows = db->totals, .row_cost = db->cost,
				     .has_keys = true, .min_key = 0, .max_key = PLAN_KEYS - 1,
				     .target = target, .range_fixed = 100, .key = "patient_id",
				     .hist = fake_hist, .arg = db};
}

/* The plan covers every key once, in order, each range within the target
 * (the rows with no key in the first), and its per-table rows add up. */
static void check_plan(const struct fake_db *db, const struct kvdb_plan *plan, uint64_t target,
		       uint64_t nokey)
{
	uint64_t sum[2] = {0, 0};
	ck_assert_uint_ge(plan->n, 1);
	ck_assert(!plan->ranges[0].range.has_lo);
	ck_assert(!plan->ranges[plan->n - 1].range.has_hi);
	for (size_t i = 0; i < plan->n; i++) {
		const struct kvdb_plan_range *pr = &plan->ranges[i];
		if (i > 0) {
			ck_assert(pr->range.has_lo);
			ck_assert(plan->ranges[i - 1].range.has_hi);
			ck_assert_int_eq(pr->range.lo, plan->ranges[i - 1].range.hi);
		}
		uint64_t rows[2] = {i == 0 ? nokey : 0, 0};
		for (int k = 0; k < PLAN_KEYS; k++)
			if ((!pr->range.has_lo || k >= pr->range.lo) &&
			    (!pr->range.has_hi || k < pr->range.hi))
				for (int t = 0; t < 2; t++)
					rows[t] += db->rows[t][k];
		for (int t = 0; t < 2; t++) {
			ck_assert_uint_eq(pr->rows[t], rows[t]);
			sum[t] += rows[t];
		}
		ck_assert_uint_le(rows[0] * db->cost[0] + rows[1] * db->cost[1], target);
	}
	ck_assert_uint_eq(sum[0], db->totals[0]);
	ck_assert_uint_eq(sum[1], db->totals[1]);
}

START_TEST(test_plan_all_fits)
{
	struct kvdb_mem m = {.budget = 1 << 20};
	struct fake_db db = {.cost = {10, 20}};
	for (int k = 0; k < PLAN_KEYS; k++)
		db.rows[0][k] = db.rows[1][k] = 1;
	fake_totals(&db, 3);
	struct kvdb_plan plan;
	struct kvdb_plan_in in = fake_in(&db, 3030);
	ck_assert_int_eq(kvdb_plan_make(&rc, &m, &in, &plan), 0);
	ck_assert_uint_eq(plan.n, 1);
	ck_assert(!plan.ranges[0].range.has_lo && !plan.ranges[0].range.has_hi);
	ck_assert_uint_eq(plan.ranges[0].rows[0], 103);
	ck_assert_uint_eq(plan.ranges[0].rows[1], 100);
	ck_assert_int_eq(db.calls, 0); /* no histogram when everything fits */
	kvdb_plan_free(&m, &plan);
	ck_assert_uint_eq(m.used, 0);
}
END_TEST

START_TEST(test_plan_greedy)
{
	struct kvdb_mem m = {.budget = 1 << 20};
	struct fake_db db = {.cost = {10, 20}};
	for (int k = 0; k < PLAN_KEYS; k++) {
		db.rows[0][k] = 1 + (uint64_t)k % 3;
		db.rows[1][k] = k % 7 == 0 ? 2 : 0;
	}
	fake_totals(&db, 5);
	struct kvdb_plan plan;
	struct kvdb_plan_in in = fake_in(&db, 300);
	ck_assert_int_eq(kvdb_plan_make(&rc, &m, &in, &plan), 0);
	check_plan(&db, &plan, 300, 5);
	ck_assert_uint_ge(plan.n, 8); /* about 2600 bytes in ranges of 300 */
	ck_assert_int_eq(db.calls, 1); /* one key per bucket: no refinement */
	/* greedy: no two neighbours would have fitted together */
	for (size_t i = 1; i < plan.n; i++) {
		const uint64_t *a = plan.ranges[i - 1].rows, *b = plan.ranges[i].rows;
		ck_assert_uint_gt((a[0] + b[0]) * 10 + (a[1] + b[1]) * 20, 300);
	}
	kvdb_plan_free(&m, &plan);

	/* an upper-bound total adds no rows outside the buckets */
	in.upper_bound = 1u << 0;
	ck_assert_int_eq(kvdb_plan_make(&rc, &m, &in, &plan), 0);
	uint64_t first = 0;
	for (int k = 0; k < plan.ranges[0].range.hi; k++)
		first += db.rows[0][k];
	ck_assert_uint_eq(plan.ranges[0].rows[0], first);
	kvdb_plan_free(&m, &plan);
	ck_assert_uint_eq(m.used, 0);
}
END_TEST

START_TEST(test_plan_refines_oversize_bucket)
{
	/* so little is left for histograms that they have 4 buckets of 25
	 * keys: the bucket of key 60 alone exceeds the target */
	struct kvdb_mem m = {.budget = 1 << 20};
	struct fake_db db = {.cost = {10, 20}};
	for (int k = 0; k < PLAN_KEYS; k++)
		db.rows[0][k] = 1;
	db.rows[1][60] = 12; /* 250 bytes for key 60 */
	fake_totals(&db, 0);
	struct kvdb_plan plan;
	struct kvdb_plan_in in = fake_in(&db, 300);
	in.buffer_bytes = m.budget - 300;
	ck_assert_int_eq(kvdb_plan_make(&rc, &m, &in, &plan), 0);
	check_plan(&db, &plan, 300, 0);
	ck_assert_int_gt(db.calls, 1);
	ck_assert_uint_lt(db.min_width, 25);
	/* key 60 (250 bytes) shares its range with at most 5 other keys */
	for (size_t i = 0; i < plan.n; i++) {
		const struct kvdb_range *r = &plan.ranges[i].range;
		if (r->has_lo && r->has_hi && r->lo <= 60 && 60 < r->hi)
			ck_assert_int_le(r->hi - r->lo, 6);
	}
	kvdb_plan_free(&m, &plan);
	ck_assert_uint_eq(m.used, 0);
}
END_TEST

START_TEST(test_plan_key_too_big)
{
	struct kvdb_mem m = {.budget = 1 << 20};
	struct fake_db db = {.cost = {10, 20}};
	for (int k = 0; k < PLAN_KEYS; k++)
		db.rows[0][k] = 1;
	db.rows[1][42] = 100; /* 2010 bytes for key 42 */
	fake_totals(&db, 0);
	struct kvdb_plan plan;
	struct kvdb_plan_in in = fake_in(&db, 300);
	in.buffer_bytes = m.budget - 300;
	ck_assert_int_eq(kvdb_plan_make(&rc, &m, &in, &plan), -1);
	ck_assert_str_eq(fake_host_default.error,
			 "a memory budget of 1048576 bytes is too small: one patient's rows need "
			 "about 2110 bytes");
	ck_assert_ptr_null(plan.ranges);
	ck_assert_uint_eq(plan.n, 0);
	ck_assert_uint_eq(m.used, 0);
}
END_TEST

START_TEST(test_plan_empty)
{
	struct kvdb_mem m = {.budget = 1 << 20};
	struct fake_db db = {.cost = {10, 20}};
	fake_totals(&db, 0);
	struct kvdb_plan plan;
	struct kvdb_plan_in in = fake_in(&db, 300);
	in.has_keys = false;
	ck_assert_int_eq(kvdb_plan_make(&rc, &m, &in, &plan), 0);
	ck_assert_uint_eq(plan.n, 1);
	ck_assert(!plan.ranges[0].range.has_lo && !plan.ranges[0].range.has_hi);
	ck_assert_uint_eq(plan.ranges[0].rows[0], 0);
	ck_assert_int_eq(db.calls, 0);
	kvdb_plan_free(&m, &plan);

	/* rows that name no patient and do not fit cannot be split */
	db.totals[0] = 100;
	ck_assert_int_eq(kvdb_plan_make(&rc, &m, &in, &plan), -1);
	ck_assert_ptr_nonnull(strstr(fake_host_default.error,
				     "a memory budget of 1048576 bytes is too small for rows"));
	ck_assert_uint_eq(m.used, 0);
}
END_TEST

static Suite *kvdb_suite(void)
{
	Suite *s = suite_create("connector database layer (plugins/common)");
	TCase *tc = tcase_create("kvdb");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_group_matches_sort);
	tcase_add_test(tc, test_group_empty);
	tcase_add_test(tc, test_stage_budget);
	tcase_add_test(tc, test_pats_dense_and_duplicates);
	tcase_add_test(tc, test_pats_sparse_extremes);
	tcase_add_test(tc, test_deliver);
	tcase_add_test(tc, test_pats_key_and_origin);
	tcase_add_test(tc, test_cells);
	tcase_add_test(tc, test_codes);
	tcase_add_test(tc, test_sql_builder);
	tcase_add_test(tc, test_map);
	tcase_add_test(tc, test_secrets_scrubbed);
	tcase_add_test(tc, test_worker_shares_budget);
	tcase_add_test(tc, test_worker_error_reported_once);
	tcase_add_test(tc, test_conn_and_counts);
	tcase_add_test(tc, test_plan_all_fits);
	tcase_add_test(tc, test_plan_greedy);
	tcase_add_test(tc, test_plan_refines_oversize_bucket);
	tcase_add_test(tc, test_plan_key_too_big);
	tcase_add_test(tc, test_plan_empty);
	suite_add_tcase(s, tc);
	return s;
}

int main(int argc, char **argv)
{
	SRunner *sr = srunner_create(kvdb_suite());
	int status = ck_aim(sr, argc, argv, "check_kvdb");
	if (status < 0)
		status = ck_aim_run(sr);
	srunner_free(sr);
	return status;
}
