/*
 * ref_harness.h - what the two row-decoding fuzz targets (fuzz_pgcopy.c,
 * fuzz_odbc.c) and the seed recorder (record_seeds.c) share: the tests'
 * fake host (tests/lib/fake_host.c),
 * a patient sink that checks every promise kv_events.h makes about a
 * delivered patient, the read request, and the framing of a fuzz input.
 *
 * The reference connector (plugins/reference/) is driven through its real
 * read path, ref_read(): totals, plan, practitioners, every table, group,
 * sort, deliver. Only the transport is fake: its select() takes the rows
 * of each statement, in the order ref_read() runs them, from the fuzz
 * input, and decodes them with the transport's own (static) decoder, which
 * the target reaches by including kvdb_pg.c or kvdb_odbc.c.
 *
 * A fuzz input is
 *
 *     byte 0      options (below)
 *     then        segments, each a 32-bit big-endian length and that many
 *                 bytes (a length past the end takes what is left)
 *
 * one segment per statement ref_read() runs. A statement after the last
 * segment gets an empty result, so a short input still reaches delivery.
 * Options:
 *     bit 0       two keyword rules (the journal_note statements run)
 *     bits 1-2    memory budget: 16 MiB, 64 KiB, 4 KiB, 1 MiB
 *     bit 3       events_from = 2015-01-01 (else 0)
 *     bit 4       (ODBC) the SQLite dialect: every column bound as text;
 *                 else psqlODBC's native binding
 *     bits 5-7    (COPY) the size of the CopyData messages a segment is cut
 *                 into: 0 whole, else 1, 3, 7, 19, 64, 301, 4096 bytes
 *
 * Header-only (static functions), included by exactly one file per program.
 */
#ifndef KV_FUZZ_REF_HARNESS_H
#define KV_FUZZ_REF_HARNESS_H

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_host.h"
#include "ref.h"

/* not every program uses every helper */
#pragma GCC diagnostic ignored "-Wunused-function"

#define FZ_OPT_NOTES 0x01u
#define FZ_OPT_BUDGET(o) (((o) >> 1) & 3u)
#define FZ_OPT_EVENTS_FROM 0x08u
#define FZ_OPT_SQLITE 0x10u
#define FZ_OPT_CHUNK(o) (((o) >> 5) & 7u)

static const size_t fz_budgets[4] = {16u << 20, 64u << 10, 4u << 10, 1u << 20};
static const size_t fz_chunks[8] = {0, 1, 3, 7, 19, 64, 301, 4096};
static const char *const fz_rules[2] = {"lmg|legemiddelgjennomgang", "kols|røyk"};

/* ---- the fake host (tests/lib/fake_host.c) ------------------------------ */

/* The targets pass a NULL ctx: what the host records is in fake_host_default;
 * reset before each read, it aborts on a malformed count. */
static void fz_host_reset(void)
{
	memset(&fake_host_default, 0, sizeof fake_host_default);
	fake_host_default.strict = true;
}

/* ---- the sink: every promise about a delivered patient ------------------ */

/* abort() makes a broken promise a crash the fuzzer reports. */
#define FZ_REQUIRE(cond)                                                                   \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "%s:%d: delivered patient breaks: %s\n", __FILE__, \
				__LINE__, #cond);                                          \
			abort();                                                           \
		}                                                                          \
	} while (0)

static uint64_t fz_delivered;
static uint64_t fz_touch; /* reads every delivered byte, so ASan sees them */

static void fz_check_code(const char *code, bool may_be_empty)
{
	size_t n = strnlen(code, KV_CODE_MAX);
	FZ_REQUIRE(n < KV_CODE_MAX);
	FZ_REQUIRE(may_be_empty || n > 0);
	for (size_t i = 0; i < n; i++) {
		FZ_REQUIRE(!(code[i] >= 'a' && code[i] <= 'z'));
		fz_touch += (unsigned char)code[i];
	}
	if (n > 0) {
		FZ_REQUIRE(code[0] != ' ' && code[0] != '\t' && code[0] != '\r' && code[0] != '\n');
		FZ_REQUIRE(code[n - 1] != ' ' && code[n - 1] != '\t' && code[n - 1] != '\r' &&
			   code[n - 1] != '\n');
	}
}

static bool fz_date_ok(kv_date d)
{
	return d >= KVDB_DATE_MIN && d <= KVDB_DATE_MAX;
}

#define FZ_SORTED(arr, n, field)                                                           \
	do {                                                                               \
		for (size_t i_ = 1; i_ < (n); i_++)                                        \
			FZ_REQUIRE((arr)[i_ - 1].field <= (arr)[i_].field);                \
	} while (0)

static struct kv_read_request fz_req;

static int fz_sink(void *arg, const struct kv_patient *p, const struct kv_patient_origin *origin)
{
	(void)arg;
	(void)origin;
	const kv_date to = fz_req.to;
	fz_delivered++;
	FZ_REQUIRE(p->struct_size == sizeof *p);
	FZ_REQUIRE(p->sex >= KV_SEX_FEMALE && p->sex <= KV_SEX_UNKNOWN);
	FZ_REQUIRE(fz_date_ok(p->birth));
	FZ_REQUIRE(p->death == KV_DATE_OPEN || fz_date_ok(p->death));

	FZ_SORTED(p->periods, p->n_periods, from);
	for (size_t i = 0; i < p->n_periods; i++) {
		FZ_REQUIRE(fz_date_ok(p->periods[i].from) && p->periods[i].from <= to);
		FZ_REQUIRE(p->periods[i].to == KV_DATE_OPEN || fz_date_ok(p->periods[i].to));
	}
	FZ_SORTED(p->contacts, p->n_contacts, date);
	for (size_t i = 0; i < p->n_contacts; i++) {
		FZ_REQUIRE(fz_date_ok(p->contacts[i].date) && p->contacts[i].date <= to);
		fz_touch += p->contacts[i].kind + p->contacts[i].role;
	}
	FZ_SORTED(p->fees, p->n_fees, date);
	for (size_t i = 0; i < p->n_fees; i++) {
		const struct kv_fee *f = &p->fees[i];
		FZ_REQUIRE(f->contact >= 0 && (size_t)f->contact < p->n_contacts);
		FZ_REQUIRE(p->contacts[f->contact].date == f->date);
		fz_check_code(f->code, false);
	}
	FZ_SORTED(p->diagnoses, p->n_diagnoses, date);
	for (size_t i = 0; i < p->n_diagnoses; i++) {
		const struct kv_diagnosis *d = &p->diagnoses[i];
		FZ_REQUIRE(fz_date_ok(d->date) && d->date <= to);
		FZ_REQUIRE(d->contact == -1 ||
			   (d->contact >= 0 && (size_t)d->contact < p->n_contacts));
		fz_check_code(d->code, false);
	}
	FZ_SORTED(p->medications, p->n_medications, start);
	for (size_t i = 0; i < p->n_medications; i++) {
		const struct kv_medication *m = &p->medications[i];
		FZ_REQUIRE(fz_date_ok(m->start) && m->start <= to);
		FZ_REQUIRE(m->stop == KV_DATE_OPEN || fz_date_ok(m->stop));
		fz_check_code(m->atc, true);
	}
	FZ_SORTED(p->prescriptions, p->n_prescriptions, date);
	for (size_t i = 0; i < p->n_prescriptions; i++) {
		const struct kv_prescription *r = &p->prescriptions[i];
		FZ_REQUIRE(fz_date_ok(r->date) && r->date <= to);
		FZ_REQUIRE(!r->has_ddd || (isfinite(r->ddd) && r->ddd >= 0));
		fz_check_code(r->atc, true);
	}
	FZ_SORTED(p->labs, p->n_labs, date);
	for (size_t i = 0; i < p->n_labs; i++) {
		const struct kv_lab_result *l = &p->labs[i];
		FZ_REQUIRE(fz_date_ok(l->date) && l->date <= to);
		FZ_REQUIRE(!l->has_value || isfinite(l->value));
		fz_check_code(l->code, false);
	}
	FZ_SORTED(p->bps, p->n_bps, date);
	for (size_t i = 0; i < p->n_bps; i++)
		FZ_REQUIRE(fz_date_ok(p->bps[i].date) && p->bps[i].date <= to);
	FZ_SORTED(p->forms, p->n_forms, date);
	for (size_t i = 0; i < p->n_forms; i++) {
		size_t n = strnlen(p->forms[i].type, KV_FORM_TYPE_MAX);
		FZ_REQUIRE(n > 0 && n < KV_FORM_TYPE_MAX);
		FZ_REQUIRE(fz_date_ok(p->forms[i].date) && p->forms[i].date <= to);
	}
	FZ_SORTED(p->notes, p->n_notes, date);
	for (size_t i = 0; i < p->n_notes; i++) {
		FZ_REQUIRE(fz_date_ok(p->notes[i].date) && p->notes[i].date <= to);
		FZ_REQUIRE(p->notes[i].pattern < fz_req.n_note_patterns);
	}
	return KV_OK;
}

/* ---- the request and the input ----------------------------------------- */

static void fz_request(uint8_t opt)
{
	memset(&fz_req, 0, sizeof fz_req);
	fz_req.to = kv_date_from_ymd(2023, 4, 30);
	fz_req.memory_budget = fz_budgets[FZ_OPT_BUDGET(opt)];
	if (opt & FZ_OPT_NOTES) {
		fz_req.note_patterns = fz_rules;
		fz_req.n_note_patterns = 2;
	}
	if (opt & FZ_OPT_EVENTS_FROM)
		fz_req.events_from = kv_date_from_ymd(2015, 1, 1);
}

struct fz_input {
	const uint8_t *data;
	size_t len;
	size_t pos;
};

/* The next segment; false when the input is used up. */
static bool fz_next_segment(struct fz_input *in, const uint8_t **seg, size_t *len)
{
	if (in->len - in->pos < 4)
		return false;
	const uint8_t *p = in->data + in->pos;
	size_t n = ((size_t)p[0] << 24) | ((size_t)p[1] << 16) | ((size_t)p[2] << 8) | p[3];
	in->pos += 4;
	if (n > in->len - in->pos)
		n = in->len - in->pos;
	*seg = in->data + in->pos;
	*len = n;
	in->pos += n;
	return true;
}

/* ---- writing seeds (record_seeds.c) ------------------------------------ */

struct fz_buf {
	uint8_t *p;
	size_t n, cap;
};

__attribute__((unused)) static void fz_put(struct fz_buf *b, const void *data, size_t n)
{
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->n + n)
			cap *= 2;
		b->p = realloc(b->p, cap);
		if (b->p == NULL)
			abort();
		b->cap = cap;
	}
	memcpy(b->p + b->n, data, n);
	b->n += n;
}

__attribute__((unused)) static void fz_put_be(struct fz_buf *b, uint64_t v, int bytes)
{
	uint8_t x[8];
	for (int i = 0; i < bytes; i++)
		x[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
	fz_put(b, x, (size_t)bytes);
}

#endif /* KV_FUZZ_REF_HARNESS_H */
