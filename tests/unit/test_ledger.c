/*
 * test_ledger.c - SHA-256 helpers and the ledger: the chain holds, every
 * kind of tampering is named at the line where it breaks, a torn last line
 * is reported and cut off, bad input is refused, and `kvalind ledger`
 * (verify) as a user runs it
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ledger.h"
#include "log.h"
#include "sha256.h"
#include "testutil.h"

#define SHA_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SHA_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_MILLION_A "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
#define ZEROS "0000000000000000000000000000000000000000000000000000000000000000"

static char *dir, *out, *err;
static char ledger[4096];

static void setup(void)
{
	dir = tu_mkdtemp();
	snprintf(ledger, sizeof ledger, "%s/ledger", dir);
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

/* Three entries, as three months pushed to two destinations. */
static void append_three(void)
{
	char e[512];
	ck_assert_msg(kv_ledger_append(ledger, "https://hub.example/extracts", "2024-01-a1", 1200,
				       SHA_ABC, e, sizeof e) == 0, "%s", e);
	ck_assert_msg(kv_ledger_append(ledger, "directory:/srv/pickup", "2024-02-b2", 3400,
				       SHA_EMPTY, e, sizeof e) == 0, "%s", e);
	ck_assert_msg(kv_ledger_append(ledger, "https://hub.example/extracts", "2024-03-c3", 560,
				       SHA_MILLION_A, e, sizeof e) == 0, "%s", e);
}

/* The ledger's lines (without '\n'), split in place; *text is freed by
 * the caller. */
static int read_lines(char **text, char *lines[], int max)
{
	*text = tu_read_file(ledger);
	int n = 0;
	char *p = *text;
	while (*p != '\0' && n < max) {
		lines[n++] = p;
		char *nl = strchr(p, '\n');
		if (nl == NULL)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	return n;
}

static void write_lines(char *lines[], int n)
{
	char text[16384] = "";
	for (int i = 0; i < n; i++) {
		strcat(text, lines[i]);
		strcat(text, "\n");
	}
	tu_write_file(ledger, text, 0600);
}

/* Replace field f (1-based) of line with value, into buf. */
static void set_field(char *buf, size_t size, const char *line, int f, const char *value)
{
	const char *start = line;
	for (int i = 1; i < f; i++) {
		start = strchr(start, '\t');
		ck_assert_ptr_nonnull(start);
		start++;
	}
	const char *end = strchr(start, '\t');
	if (end == NULL)
		end = start + strlen(start);
	int n = snprintf(buf, size, "%.*s%s%s", (int)(start - line), line, value, end);
	ck_assert(n > 0 && (size_t)n < size);
}

/* Set line's own hash (the last field) right for its first seven fields. */
static void rehash(char *buf, size_t size, const char *line)
{
	const char *last = strrchr(line, '\t');
	ck_assert_ptr_nonnull(last);
	char hex[KV_SHA256_HEX_SIZE], e[256];
	ck_assert(kv_sha256_hex(line, (size_t)(last - line), hex, e, sizeof e) == 0);
	snprintf(buf, size, "%.*s\t%s", (int)(last - line), line, hex);
}

/* kv_ledger_verify with its report in *report (caller frees). */
static int verify(char **report)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	char e[512];
	int rc = kv_ledger_verify(ledger, f, e, sizeof e);
	fclose(f);
	ck_assert_msg(rc >= 0, "%s", e);
	*report = buf;
	return rc;
}

static int count_entry(const struct kv_ledger_entry *e, void *arg)
{
	(void)e;
	(*(int *)arg)++;
	return 0;
}

START_TEST(sha256_known_vectors)
{
	char hex[KV_SHA256_HEX_SIZE], e[256];
	ck_assert(kv_sha256_hex("", 0, hex, e, sizeof e) == 0);
	ck_assert_str_eq(hex, SHA_EMPTY);
	ck_assert(kv_sha256_hex("abc", 3, hex, e, sizeof e) == 0);
	ck_assert_str_eq(hex, SHA_ABC);
}
END_TEST

START_TEST(sha256_of_files_and_their_size)
{
	char hex[KV_SHA256_HEX_SIZE], e[512];
	uint64_t size = 99;
	const char *p = tu_path(dir, "abc");
	tu_write_file(p, "abc", 0600);
	ck_assert(kv_sha256_file_hex(p, hex, &size, e, sizeof e) == 0);
	ck_assert_str_eq(hex, SHA_ABC);
	ck_assert_uint_eq(size, 3);

	p = tu_path(dir, "empty");
	tu_write_file(p, "", 0600);
	ck_assert(kv_sha256_file_hex(p, hex, &size, e, sizeof e) == 0);
	ck_assert_str_eq(hex, SHA_EMPTY);
	ck_assert_uint_eq(size, 0);

	/* A million 'a's: many reads, not one. */
	char *big = malloc(1000001);
	memset(big, 'a', 1000000);
	big[1000000] = '\0';
	p = tu_path(dir, "million");
	tu_write_file(p, big, 0600);
	free(big);
	ck_assert(kv_sha256_file_hex(p, hex, &size, e, sizeof e) == 0);
	ck_assert_str_eq(hex, SHA_MILLION_A);
	ck_assert_uint_eq(size, 1000000);
	ck_assert(kv_sha256_file_hex(p, hex, NULL, e, sizeof e) == 0);

	p = tu_path(dir, "missing");
	ck_assert_int_eq(kv_sha256_file_hex(p, hex, &size, e, sizeof e), -1);
	ck_assert_msg(strstr(e, p) != NULL && strstr(e, "No such file") != NULL, "%s", e);
}
END_TEST

struct seen {
	int n;
	struct kv_ledger_entry e[4];
};

static int keep_entry(const struct kv_ledger_entry *e, void *arg)
{
	struct seen *s = arg;
	if (s->n < 4)
		s->e[s->n] = *e;
	s->n++;
	return 0;
}

START_TEST(three_entries_chain_intact)
{
	char *report, e[512];
	ck_assert_int_eq(verify(&report), 0); /* no file: an empty ledger */
	ck_assert_msg(strstr(report, "0 entries, chain intact") != NULL, "%s", report);
	free(report);

	append_three();
	struct stat st;
	ck_assert_int_eq(stat(ledger, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(verify(&report), 0);
	char want[4200];
	snprintf(want, sizeof want, "ledger %s: 3 entries, chain intact\n", ledger);
	ck_assert_str_eq(report, want);
	free(report);

	struct seen s = {0};
	ck_assert_int_eq(kv_ledger_each(ledger, keep_entry, &s, e, sizeof e), 0);
	ck_assert_int_eq(s.n, 3);
	for (int i = 0; i < 3; i++) {
		ck_assert_uint_eq(s.e[i].seq, (uint64_t)i + 1);
		ck_assert_str_eq(s.e[i].prev, i == 0 ? ZEROS : s.e[i - 1].hash);
		ck_assert_uint_eq(strlen(s.e[i].time), 20);
		ck_assert(s.e[i].time[10] == 'T' && s.e[i].time[19] == 'Z');
	}
	ck_assert_str_eq(s.e[0].destination, "https://hub.example/extracts");
	ck_assert_str_eq(s.e[1].destination, "directory:/srv/pickup");
	ck_assert_str_eq(s.e[1].extract_id, "2024-02-b2");
	ck_assert_uint_eq(s.e[1].bytes, 3400);
	ck_assert_str_eq(s.e[1].sha256, SHA_EMPTY);

	/* Each line's hash is SHA-256 of its first seven fields joined by tabs,
	 * as ledger.h specifies, computed here independently. */
	char *text, *lines[8];
	ck_assert_int_eq(read_lines(&text, lines, 8), 3);
	for (int i = 0; i < 3; i++) {
		char fixed[4096];
		rehash(fixed, sizeof fixed, lines[i]);
		ck_assert_str_eq(fixed, lines[i]);
	}
	free(text);

	int n = 0;
	ck_assert_int_eq(kv_ledger_each(ledger, count_entry, &n, e, sizeof e), 0);
	ck_assert_int_eq(n, 3);
}
END_TEST

/* The callback's non-zero return stops the walk and is returned. */
static int stop_at_two(const struct kv_ledger_entry *e, void *arg)
{
	(void)arg;
	return e->seq == 2 ? 7 : 0;
}

START_TEST(each_stops_when_asked)
{
	char e[512];
	append_three();
	ck_assert_int_eq(kv_ledger_each(ledger, stop_at_two, NULL, e, sizeof e), 7);
}
END_TEST

START_TEST(edited_field_breaks_that_line)
{
	append_three();
	char *text, *lines[8], edited[4096], *report;
	ck_assert_int_eq(read_lines(&text, lines, 8), 3);
	set_field(edited, sizeof edited, lines[1], 5, "340"); /* bytes 3400 -> 340 */
	lines[1] = edited;
	write_lines(lines, 3);
	free(text);
	ck_assert_int_eq(verify(&report), 1);
	ck_assert_msg(strstr(report, "line 2: hash does not match its fields (edited?)\n") != NULL,
		      "%s", report);
	ck_assert_msg(strstr(report, "line 1:") == NULL && strstr(report, "line 3:") == NULL,
		      "%s", report);
	ck_assert_msg(strstr(report, "chain broken, first at line 2 (1 problem)") != NULL, "%s",
		      report);
	free(report);
}
END_TEST

START_TEST(deleted_entry_breaks_the_next_line)
{
	append_three();
	char *text, *lines[8], *report;
	ck_assert_int_eq(read_lines(&text, lines, 8), 3);
	char *kept[2] = {lines[0], lines[2]};
	write_lines(kept, 2);
	ck_assert_int_eq(verify(&report), 1);
	ck_assert_msg(strstr(report, "line 2: seq 3 follows 1\n") != NULL, "%s", report);
	ck_assert_msg(strstr(report, "line 2: prev does not match line 1's hash (removed or "
				     "reordered?)\n") != NULL, "%s", report);
	ck_assert_msg(strstr(report, "first at line 2") != NULL, "%s", report);
	free(report);

	/* Removing the first entry is seen too: the new first has a prev. */
	write_lines(lines + 1, 2);
	free(text);
	ck_assert_int_eq(verify(&report), 1);
	ck_assert_msg(strstr(report, "line 1: seq 2 but the first entry's is 1") != NULL, "%s",
		      report);
	ck_assert_msg(strstr(report, "line 1: prev is not 64 zeros") != NULL, "%s", report);
	ck_assert_msg(strstr(report, "line 2:") == NULL, "%s", report);
	free(report);
}
END_TEST

START_TEST(reordered_entries_break_the_chain)
{
	append_three();
	char *text, *lines[8], *report;
	ck_assert_int_eq(read_lines(&text, lines, 8), 3);
	char *swapped[3] = {lines[0], lines[2], lines[1]};
	write_lines(swapped, 3);
	free(text);
	ck_assert_int_eq(verify(&report), 1);
	ck_assert_msg(strstr(report, "line 2: seq 3 follows 1\n") != NULL, "%s", report);
	ck_assert_msg(strstr(report, "line 2: prev does not match line 1's hash") != NULL, "%s",
		      report);
	ck_assert_msg(strstr(report, "line 3: seq 2 follows 3\n") != NULL, "%s", report);
	ck_assert_msg(strstr(report, "line 3: prev does not match line 2's hash") != NULL, "%s",
		      report);
	ck_assert_msg(strstr(report, "first at line 2") != NULL, "%s", report);
	free(report);
}
END_TEST

START_TEST(rehashed_edit_breaks_the_next_line)
{
	append_three();
	char *text, *lines[8], edited[4096], fixed[4096], *report;
	ck_assert_int_eq(read_lines(&text, lines, 8), 3);
	set_field(edited, sizeof edited, lines[1], 3, "https://elsewhere.example/");
	rehash(fixed, sizeof fixed, edited);
	lines[1] = fixed;
	write_lines(lines, 3);
	free(text);
	ck_assert_int_eq(verify(&report), 1);
	ck_assert_msg(strstr(report, "line 2:") == NULL, "%s", report);
	ck_assert_msg(strstr(report, "line 3: prev does not match line 2's hash (removed or "
				     "reordered?)\n") != NULL, "%s", report);
	ck_assert_msg(strstr(report, "first at line 3 (1 problem)") != NULL, "%s", report);
	free(report);
}
END_TEST

START_TEST(unparseable_line_is_named)
{
	append_three();
	char *text, *lines[8], *report, e[512];
	ck_assert_int_eq(read_lines(&text, lines, 8), 3);
	char *with_junk[4] = {lines[0], lines[1], "not an entry at all", lines[2]};
	write_lines(with_junk, 4);
	ck_assert_int_eq(verify(&report), 1);
	ck_assert_msg(strstr(report, "line 3: not a ledger entry: 1 tab-separated field, not 9 (or 8)\n") !=
		      NULL, "%s", report);
	/* Line 4 cannot be linked to an unreadable line 3: only line 3 is named. */
	ck_assert_msg(strstr(report, "line 4:") == NULL, "%s", report);
	free(report);

	int n = 0;
	ck_assert_int_eq(kv_ledger_each(ledger, count_entry, &n, e, sizeof e), -1);
	ck_assert_msg(strstr(e, "line 3: not a ledger entry") != NULL && strstr(e, ledger) != NULL,
		      "%s", e);

	/* A field that is not what it should be is named. */
	char bad[4096];
	set_field(bad, sizeof bad, lines[1], 6, "ABC");
	char *bad_sha[3] = {lines[0], bad, lines[2]};
	write_lines(bad_sha, 3);
	ck_assert_int_eq(verify(&report), 1);
	ck_assert_msg(strstr(report, "line 2: not a ledger entry: field 6 (sha256) is not 64 "
				     "lower-case hex digits\n") != NULL, "%s", report);
	free(report);

	/* Nothing is appended after a last line that does not parse. */
	char *junk_last[2] = {lines[0], "1\t2\t3"};
	write_lines(junk_last, 2);
	free(text);
	char *before = tu_read_file(ledger);
	ck_assert_int_eq(kv_ledger_append(ledger, "d", "x", 1, SHA_ABC, e, sizeof e), -1);
	ck_assert_msg(strstr(e, "line 2: not a ledger entry") != NULL, "%s", e);
	char *after = tu_read_file(ledger);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
}
END_TEST

START_TEST(torn_last_line_reported_then_cut)
{
	append_three();
	char *text = tu_read_file(ledger), *report, e[512];
	size_t len = strlen(text) + 64;
	char *torn = malloc(len);
	snprintf(torn, len, "%s4\t2024-04-05T02:00:00Z\thttps://hub.ex", text);
	tu_write_file(ledger, torn, 0600);
	free(torn);

	ck_assert_int_eq(verify(&report), 1);
	ck_assert_msg(strstr(report, "line 4: incomplete entry (crash while writing?)\n") != NULL,
		      "%s", report);
	ck_assert_msg(strstr(report, "first at line 4 (1 problem)") != NULL, "%s", report);
	free(report);

	char *logbuf = NULL;
	size_t loglen = 0;
	FILE *log = open_memstream(&logbuf, &loglen);
	ck_assert_ptr_nonnull(log);
	kv_log_set_stream(log);

	/* Listing skips it (with a warning): it was never completed. */
	int n = 0;
	ck_assert_int_eq(kv_ledger_each(ledger, count_entry, &n, e, sizeof e), 0);
	ck_assert_int_eq(n, 3);

	int rc = kv_ledger_append(ledger, "directory:/srv/pickup", "2024-04-d4", 77, SHA_ABC, e,
				  sizeof e);
	kv_log_set_stream(NULL);
	fclose(log);
	ck_assert_msg(rc == 0, "%s", e);
	ck_assert_msg(strstr(logbuf, "line 4 is an incomplete entry") != NULL, "%s", logbuf);
	ck_assert_msg(strstr(logbuf, "cutting off line 4, an incomplete entry of 37 bytes") != NULL,
		      "%s", logbuf);
	free(logbuf);

	ck_assert_int_eq(verify(&report), 0);
	ck_assert_msg(strstr(report, "4 entries, chain intact") != NULL, "%s", report);
	free(report);
	char *now = tu_read_file(ledger);
	ck_assert(strncmp(now, text, strlen(text)) == 0); /* the complete entries are kept */
	ck_assert(strstr(now, "https://hub.ex\t") == NULL && strstr(now, "https://hub.ex\n") == NULL);
	ck_assert(strstr(now + strlen(text), "4\t") == now + strlen(text));
	free(now);
	free(text);
}
END_TEST

START_TEST(bad_input_refused_and_nothing_written)
{
	char e[512];
	const char *bad_destinations[] = {"a\tb", "a\nb", "a\rb", "a\001b", "a\x7f", ""};
	for (size_t i = 0; i < sizeof bad_destinations / sizeof bad_destinations[0]; i++) {
		e[0] = '\0';
		ck_assert_int_eq(kv_ledger_append(ledger, bad_destinations[i], "id", 1, SHA_ABC, e,
						  sizeof e), -1);
		ck_assert_msg(strstr(e, "destination") != NULL, "%zu: %s", i, e);
	}
	ck_assert_int_eq(kv_ledger_append(ledger, "d", "id\t2", 1, SHA_ABC, e, sizeof e), -1);
	ck_assert_msg(strstr(e, "extract id contains a tab, newline or other control") != NULL,
		      "%s", e);
	char long_dest[1100];
	memset(long_dest, 'x', sizeof long_dest - 1);
	long_dest[sizeof long_dest - 1] = '\0';
	ck_assert_int_eq(kv_ledger_append(ledger, long_dest, "id", 1, SHA_ABC, e, sizeof e), -1);
	ck_assert_msg(strstr(e, "longer than 1023 bytes") != NULL, "%s", e);

	const char *bad_shas[] = {
		"BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", /* upper */
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a",  /* 63 */
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015add", /* 65 */
		"ga7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", /* not hex */
		""};
	for (size_t i = 0; i < sizeof bad_shas / sizeof bad_shas[0]; i++) {
		e[0] = '\0';
		ck_assert_int_eq(kv_ledger_append(ledger, "d", "id", 1, bad_shas[i], e, sizeof e),
				 -1);
		ck_assert_msg(strstr(e, "not 64 lower-case hex digits") != NULL, "%zu: %s", i, e);
	}
	struct stat st;
	ck_assert_int_eq(stat(ledger, &st), -1); /* not even created */
	ck_assert_int_eq(errno, ENOENT);

	/* And refused input leaves an existing ledger as it was. */
	append_three();
	char *before = tu_read_file(ledger);
	ck_assert_int_eq(kv_ledger_append(ledger, "a\nb", "id", 1, SHA_ABC, e, sizeof e), -1);
	char *after = tu_read_file(ledger);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);

	/* A directory that does not exist is an error naming the file. */
	ck_assert_int_eq(kv_ledger_append("/nonexistent/dir/ledger", "d", "id", 1, SHA_ABC, e,
					  sizeof e), -1);
	ck_assert_msg(strstr(e, "/nonexistent/dir/ledger") != NULL, "%s", e);
}
END_TEST

/* Processes appending at once never take the same seq (the flock). */
START_TEST(concurrent_appends_keep_the_chain)
{
	enum { PROCS = 4, EACH = 15 };
	pid_t pids[PROCS];
	fflush(NULL);
	for (int p = 0; p < PROCS; p++) {
		pids[p] = fork();
		ck_assert(pids[p] >= 0);
		if (pids[p] == 0) {
			char e[512], id[32];
			int bad = 0;
			for (int i = 0; i < EACH; i++) {
				snprintf(id, sizeof id, "p%d-%d", p, i);
				bad |= kv_ledger_append(ledger, "directory:/srv/pickup", id, 10,
							SHA_ABC, e, sizeof e) != 0;
			}
			_exit(bad);
		}
	}
	for (int p = 0; p < PROCS; p++) {
		int status;
		ck_assert_int_eq(waitpid(pids[p], &status, 0), pids[p]);
		/* Not its exit status: under valgrind a child reports (and exits 1
		 * for) whatever an earlier test leaked. The count below proves every
		 * append succeeded. */
		ck_assert(WIFEXITED(status));
	}
	char *report;
	ck_assert_int_eq(verify(&report), 0);
	ck_assert_msg(strstr(report, "60 entries, chain intact") != NULL, "%s", report);
	free(report);
}
END_TEST

static const char *write_config(void)
{
	char text[8192];
	snprintf(text, sizeof text, "[office]\nid = test-office\n[core]\nstate_dir = %s\n", dir);
	const char *path = tu_path(dir, "kvalind.ini");
	tu_write_file(path, text, 0644);
	return path;
}

START_TEST(ledger_command)
{
	const char *cfg = write_config();
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "ledger", "--config", cfg, NULL), 0);
	ck_assert_msg(strcmp(out, "the ledger is empty: nothing has left this office\n") == 0,
		      "%s%s", out, err);
	reset();
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "ledger", "verify", "--config", cfg, NULL), 0);
	ck_assert_msg(strstr(out, "0 entries, chain intact") != NULL, "%s%s", out, err);
	reset();

	append_three();
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "ledger", "-c", cfg, NULL), 0);
	ck_assert_msg(strstr(out, "seq") == out + strspn(out, " "), "%s", out);
	ck_assert_msg(strstr(out, "directory:/srv/pickup") != NULL &&
		      strstr(out, "2024-02-b2") != NULL && strstr(out, "3400") != NULL, "%s",
		      out);
	ck_assert_msg(strstr(out, "e3b0c44298fc1c14\n") != NULL, "%s", out); /* 16 hex */
	ck_assert(strstr(out, SHA_EMPTY) == NULL);
	ck_assert_msg(strstr(out, "3 entries in ") != NULL, "%s", out);
	ck_assert_str_eq(err, "");
	reset();

	/* Options before or after "verify". */
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "ledger", "--config", cfg, "verify", NULL), 0);
	ck_assert_msg(strstr(out, "3 entries, chain intact") != NULL, "%s%s", out, err);
	reset();

	char *text, *lines[8], edited[4096];
	ck_assert_int_eq(read_lines(&text, lines, 8), 3);
	set_field(edited, sizeof edited, lines[1], 5, "1");
	lines[1] = edited;
	write_lines(lines, 3);
	free(text);
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "ledger", "verify", "--config", cfg, NULL), 1);
	ck_assert_msg(strstr(out, "line 2: hash does not match its fields (edited?)") != NULL,
		      "%s%s", out, err);
	reset();

	ck_assert_int_eq(tu_run_kvalind(&out, &err, "ledger", "--help", NULL), 0);
	ck_assert(strstr(out, "Usage: kvalind ledger") == out);
	ck_assert(strstr(out, "Exit status") != NULL);
	reset();
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "ledger", "verify", "--help", NULL), 0);
	ck_assert(strstr(out, "Usage: kvalind ledger") == out);
	reset();
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "ledger", "frobnicate", "--config", cfg, NULL),
			 2);
	ck_assert_msg(strstr(err, "kvalind: error: unknown argument \"frobnicate\"") != NULL, "%s",
		      err);
	reset();
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "ledger", "verify", "verify", NULL), 2);
	reset();
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "ledger", "--colour", NULL), 2);
	reset();
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "ledger", "--config", NULL), 2);
	ck_assert(strstr(err, "needs a value") != NULL);
	reset();

	/* A configuration with errors: exit 3, the ledger is not read. */
	tu_write_file(cfg, "[core]\nstate_dir = /tmp\n", 0644);
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "ledger", "verify", "--config", cfg, NULL), 3);
	ck_assert_msg(strstr(err, "missing section [office]") != NULL, "%s", err);
	reset();
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "ledger", "--config",
					"/nonexistent/kvalind.ini", NULL), 3);
}
END_TEST

/* A listing of a ledger with a line that does not parse fails, naming it. */
START_TEST(ledger_command_unreadable_line)
{
	const char *cfg = write_config();
	append_three();
	char *text, *lines[8];
	ck_assert_int_eq(read_lines(&text, lines, 8), 3);
	char *junk[3] = {lines[0], "garbage", lines[2]};
	write_lines(junk, 3);
	free(text);
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "ledger", "--config", cfg, NULL), 1);
	ck_assert_msg(strstr(err, "line 2: not a ledger entry") != NULL, "%s", err);
	ck_assert(strstr(err, "kvalind ledger verify") != NULL);
	reset();
	ck_assert_int_eq(tu_run_kvalind(&out, &err, "ledger", "verify", "--config", cfg, NULL), 1);
	ck_assert_msg(strstr(out, "line 2: not a ledger entry") != NULL, "%s", out);
}
END_TEST

/* Before anything is sent, push asks whether an entry could be appended:
 * a missing ledger is created empty; a directory, a FIFO (without waiting
 * for a writer), an unwritable file or a last line that does not parse
 * is a clear no; a torn last line is fine (the append cuts it). Nothing
 * is written to the ledger either way. */
START_TEST(appendable_is_checked_before_sending)
{
	char e[512];
	ck_assert_msg(kv_ledger_check_appendable(ledger, e, sizeof e) == 0, "%s", e);
	struct stat st;
	ck_assert_int_eq(stat(ledger, &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	append_three();
	char *before = tu_read_file(ledger);
	ck_assert_msg(kv_ledger_check_appendable(ledger, e, sizeof e) == 0, "%s", e);
	char *after = tu_read_file(ledger);
	ck_assert_str_eq(before, after);
	free(after);

	/* a torn last line: still appendable */
	size_t len = strlen(before) + 32;
	char *torn = malloc(len);
	snprintf(torn, len, "%s4\t2024-04", before);
	tu_write_file(ledger, torn, 0600);
	free(torn);
	ck_assert_msg(kv_ledger_check_appendable(ledger, e, sizeof e) == 0, "%s", e);

	/* a last line that does not parse */
	len = strlen(before) + 32;
	char *junk = malloc(len);
	snprintf(junk, len, "%s1\t2\t3\n", before);
	tu_write_file(ledger, junk, 0600);
	free(junk);
	ck_assert_int_eq(kv_ledger_check_appendable(ledger, e, sizeof e), -1);
	ck_assert_msg(strstr(e, "line 4: not a ledger entry") != NULL, "%s", e);
	free(before);

	ck_assert_int_eq(unlink(ledger), 0);
	ck_assert_int_eq(mkdir(ledger, 0700), 0);
	ck_assert_int_eq(kv_ledger_check_appendable(ledger, e, sizeof e), -1);
	ck_assert_msg(strstr(e, ledger) != NULL, "%s", e);
	ck_assert_int_eq(rmdir(ledger), 0);

	ck_assert_int_eq(mkfifo(ledger, 0600), 0);
	ck_assert_int_eq(kv_ledger_check_appendable(ledger, e, sizeof e), -1);
	ck_assert_msg(strstr(e, "is not a regular file") != NULL, "%s", e);
	ck_assert_int_eq(unlink(ledger), 0);

	if (geteuid() != 0) { /* root writes regardless of modes */
		tu_write_file(ledger, "", 0400);
		ck_assert_int_eq(kv_ledger_check_appendable(ledger, e, sizeof e), -1);
		ck_assert_msg(strstr(e, "Permission denied") != NULL, "%s", e);
	}
}
END_TEST

Suite *suite_ledger(void)
{
	Suite *s = suite_create("ledger");
	TCase *tc = tcase_create("ledger");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, sha256_known_vectors);
	tcase_add_test(tc, sha256_of_files_and_their_size);
	tcase_add_test(tc, three_entries_chain_intact);
	tcase_add_test(tc, each_stops_when_asked);
	tcase_add_test(tc, edited_field_breaks_that_line);
	tcase_add_test(tc, deleted_entry_breaks_the_next_line);
	tcase_add_test(tc, reordered_entries_break_the_chain);
	tcase_add_test(tc, rehashed_edit_breaks_the_next_line);
	tcase_add_test(tc, unparseable_line_is_named);
	tcase_add_test(tc, torn_last_line_reported_then_cut);
	tcase_add_test(tc, bad_input_refused_and_nothing_written);
	tcase_add_test(tc, concurrent_appends_keep_the_chain);
	tcase_add_test(tc, ledger_command);
	tcase_add_test(tc, ledger_command_unreadable_line);
	tcase_add_test(tc, appendable_is_checked_before_sending);
	suite_add_tcase(s, tc);
	return s;
}
