/*
 * test_outbox.c - the outbox: atomic adds, states, the lock, what a crash
 * leaves behind, and the retry backoff
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "outbox.h"
#include "testutil.h"

static char *dir;
static char err[1024];
static struct kv_outbox ob;

static void setup(void)
{
	dir = tu_mkdtemp();
	ck_assert_msg(kv_outbox_open(&ob, tu_path(dir, "state"), err, sizeof err) == 0, "%s", err);
}

static void teardown(void)
{
	kv_outbox_close(&ob);
	tu_rmtree(dir);
	free(dir);
}

static int add(const char *id, enum kv_outbox_state s)
{
	static const char manifest[] = "{\"extract_id\": \"x\"}\n", csv[] = "a,b\n1,2\n";
	return kv_outbox_add(&ob, id, s, manifest, sizeof manifest - 1, csv, sizeof csv - 1, err,
			     sizeof err);
}

START_TEST(ids_are_participant_month_and_hash)
{
	char id[160];
	ck_assert_int_eq(kv_outbox_make_id("office-7", "2023-04",
					   "0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
					   "abcdef",
					   id, sizeof id),
			 0);
	ck_assert_str_eq(id, "office-7_2023-04_0123456789abcdef");
}
END_TEST

START_TEST(an_added_extract_is_whole_in_its_state)
{
	ck_assert_int_eq(add("o_2023-04_0123456789abcdef", KV_OUTBOX_READY), 0);
	struct kv_outbox_item it;
	ck_assert_int_eq(kv_outbox_find(&ob, "o_2023-04_0123456789abcdef", &it, err, sizeof err), 1);
	ck_assert_int_eq(it.state, KV_OUTBOX_READY);
	ck_assert_str_eq(it.month, "2023-04");
	char *csv = tu_read_file(tu_path(it.path, "data.csv"));
	ck_assert_str_eq(csv, "a,b\n1,2\n");
	free(csv);
	struct stat st;
	ck_assert_int_eq(stat(tu_path(it.path, "manifest.json"), &st), 0);
	ck_assert_int_eq(st.st_mode & 077, 0);
	/* the same ID again: nothing written, reported as already there */
	ck_assert_int_eq(add("o_2023-04_0123456789abcdef", KV_OUTBOX_PENDING), 1);
	ck_assert_int_eq(kv_outbox_find(&ob, "o_2023-04_0123456789abcdef", &it, err, sizeof err), 1);
	ck_assert_int_eq(it.state, KV_OUTBOX_READY);
}
END_TEST

START_TEST(ids_that_could_name_another_path_are_refused)
{
	ck_assert_int_eq(add("../escape", KV_OUTBOX_READY), -1);
	ck_assert(strstr(err, "not an extract id") != NULL);
	ck_assert_int_eq(add(".hidden", KV_OUTBOX_READY), -1);
	ck_assert_int_eq(add("a/b", KV_OUTBOX_READY), -1);
	struct kv_outbox_item it;
	ck_assert_int_eq(kv_outbox_find(&ob, "", &it, err, sizeof err), -1);
}
END_TEST

START_TEST(states_move_by_rename_and_list_in_id_order)
{
	ck_assert_int_eq(add("o_2023-05_bbbbbbbbbbbbbbbb", KV_OUTBOX_PENDING), 0);
	ck_assert_int_eq(add("o_2023-04_aaaaaaaaaaaaaaaa", KV_OUTBOX_PENDING), 0);
	struct kv_outbox_item *items = NULL;
	size_t n = 0;
	ck_assert_int_eq(kv_outbox_list(&ob, KV_OUTBOX_PENDING, &items, &n, err, sizeof err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(items[0].month, "2023-04");
	ck_assert_int_eq(kv_outbox_move(&ob, &items[0], KV_OUTBOX_READY, NULL, err, sizeof err), 0);
	ck_assert_int_eq(kv_outbox_move(&ob, &items[1], KV_OUTBOX_REJECTED, "wrong month", err,
					sizeof err),
			 0);
	free(items);
	ck_assert_int_eq(kv_outbox_list(&ob, -1, &items, &n, err, sizeof err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(items[0].state, KV_OUTBOX_READY);
	ck_assert_int_eq(items[1].state, KV_OUTBOX_REJECTED);
	ck_assert_str_eq(items[1].last_error, "wrong month");
	free(items);
}
END_TEST

START_TEST(failures_back_off_exponentially_with_a_cap)
{
	ck_assert_int_eq(kv_outbox_backoff(1), 60);
	ck_assert_int_eq(kv_outbox_backoff(2), 120);
	ck_assert_int_eq(kv_outbox_backoff(3), 240);
	ck_assert_int_eq(kv_outbox_backoff(30), 6 * 3600);
	ck_assert_int_eq(add("o_2023-04_aaaaaaaaaaaaaaaa", KV_OUTBOX_READY), 0);
	struct kv_outbox_item it;
	ck_assert_int_eq(kv_outbox_find(&ob, "o_2023-04_aaaaaaaaaaaaaaaa", &it, err, sizeof err), 1);
	ck_assert_int_eq(kv_outbox_note_failure(&ob, &it, "HTTP 503\nbusy", 1000, err, sizeof err),
			 0);
	ck_assert_int_eq(kv_outbox_note_failure(&ob, &it, "HTTP 503", 2000, err, sizeof err), 0);
	ck_assert_int_eq(kv_outbox_find(&ob, "o_2023-04_aaaaaaaaaaaaaaaa", &it, err, sizeof err), 1);
	ck_assert_uint_eq(it.attempts, 2);
	ck_assert_int_eq(it.next_attempt, 2000 + 120);
	ck_assert_str_eq(it.last_error, "HTTP 503");
}
END_TEST

START_TEST(one_process_at_a_time)
{
	struct kv_outbox other;
	/* fcntl locks are per process: a second process must be refused */
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int rc = kv_outbox_open(&other, tu_path(dir, "state"), err, sizeof err);
		_exit(rc == -1 && strstr(err, "in use by another kvalind") != NULL ? 0 : 1);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

START_TEST(what_a_crash_left_half_written_is_removed_on_open)
{
	const char *tmp = tu_path(dir, "state/outbox/.tmp/o_2023-04_cccccccccccccccc");
	ck_assert_int_eq(mkdir(tmp, 0700), 0);
	tu_write_file(tu_path(tmp, "data.csv"), "a,b\n1,", 0600);
	kv_outbox_close(&ob);
	ck_assert_int_eq(kv_outbox_open(&ob, tu_path(dir, "state"), err, sizeof err), 0);
	struct stat st;
	ck_assert_int_eq(stat(tmp, &st), -1);
	struct kv_outbox_item it;
	ck_assert_int_eq(kv_outbox_find(&ob, "o_2023-04_cccccccccccccccc", &it, err, sizeof err), 0);
}
END_TEST

Suite *suite_outbox(void)
{
	Suite *s = suite_create("outbox");
	TCase *tc = tcase_create("outbox");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, ids_are_participant_month_and_hash);
	tcase_add_test(tc, an_added_extract_is_whole_in_its_state);
	tcase_add_test(tc, ids_that_could_name_another_path_are_refused);
	tcase_add_test(tc, states_move_by_rename_and_list_in_id_order);
	tcase_add_test(tc, failures_back_off_exponentially_with_a_cap);
	tcase_add_test(tc, one_process_at_a_time);
	tcase_add_test(tc, what_a_crash_left_half_written_is_removed_on_open);
	suite_add_tcase(s, tc);
	return s;
}
