/*
 * test_outbox.c - the outbox: atomic adds, states, the lock, what a crash
 * leaves behind, and the retry backoff; the records of what export wrote,
 * quarantine, retry, the adoption of an outbox from before records, the
 * state directory's owner and mode; and a push run (push_run.h) to a drop
 * directory: planted and edited extracts are never sent, a problem every
 * extract meets stops the run and all of them back off, a ledger that
 * cannot be written sends nothing
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "ledger.h"
#include "log.h"
#include "outbox.h"
#include "push.h"
#include "push_run.h"
#include "sha256.h"
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

/* ---- records, quarantine, retry ------------------------------------------- */

/* An extract as export makes it: the manifest names the ID and the CSV's
 * SHA-256, the ID ends in its first 16 digits. id gets the ID. */
static void add_real(const char *month, const char *csv, enum kv_outbox_state st, char *id,
		     size_t idlen)
{
	char sha[KV_SHA256_HEX_SIZE], manifest[512];
	ck_assert_int_eq(kv_sha256_hex(csv, strlen(csv), sha, err, sizeof err), 0);
	ck_assert_int_eq(kv_outbox_make_id("o", month, sha, id, idlen), 0);
	snprintf(manifest, sizeof manifest,
		 "{\n  \"extract_id\": \"%s\",\n  \"data\": {\"sha256\": \"%s\"}\n}\n", id, sha);
	ck_assert_msg(kv_outbox_add(&ob, id, st, manifest, strlen(manifest), csv, strlen(csv), err,
				    sizeof err) == 0,
		      "%s", err);
}

static int load(const char *id, char *why, size_t whylen)
{
	struct kv_outbox_item it;
	struct kv_outbox_payload p;
	ck_assert_int_eq(kv_outbox_find(&ob, id, &it, err, sizeof err), 1);
	int rc = kv_outbox_load(&ob, &it, &p, why, whylen);
	if (rc == 0)
		kv_outbox_payload_free(&p);
	return rc;
}

START_TEST(an_added_extract_has_its_record_and_loads)
{
	char id[160], why[1024], rec[4400];
	add_real("2023-04", "a,b\n1,2\n", KV_OUTBOX_READY, id, sizeof id);
	snprintf(rec, sizeof rec, "state/outbox/records/%s", id);
	char *text = tu_read_file(tu_path(dir, rec));
	ck_assert(strstr(text, "manifest_sha256=") != NULL && strstr(text, "data_sha256=") != NULL);
	free(text);
	struct stat st;
	ck_assert_int_eq(stat(tu_path(dir, rec), &st), 0);
	ck_assert_int_eq(st.st_mode & 077, 0);

	struct kv_outbox_item it;
	struct kv_outbox_payload p;
	ck_assert_int_eq(kv_outbox_find(&ob, id, &it, err, sizeof err), 1);
	ck_assert_int_eq(kv_outbox_load(&ob, &it, &p, why, sizeof why), 0);
	ck_assert_str_eq(p.csv, "a,b\n1,2\n");
	ck_assert_uint_eq(p.csv_len, 8);
	ck_assert(strncmp(id + strlen(id) - 16, p.csv_sha256, 16) == 0);
	kv_outbox_payload_free(&p);
}
END_TEST

/* Anything but what export wrote is not loaded: an edited data.csv or
 * manifest, a planted directory without a record, a file for a directory,
 * a symbolic link, a missing file. */
START_TEST(what_export_did_not_write_does_not_load)
{
	char id[160], why[1024], path[4400];
	add_real("2023-04", "a,b\n1,2\n", KV_OUTBOX_READY, id, sizeof id);
	struct kv_outbox_item it;
	ck_assert_int_eq(kv_outbox_find(&ob, id, &it, err, sizeof err), 1);

	snprintf(path, sizeof path, "%s/data.csv", it.path);
	tu_write_file(path, "a,b\n1,3\n", 0600);
	ck_assert_int_eq(load(id, why, sizeof why), 1);
	ck_assert_msg(strstr(why, "its data.csv is not what kvalind exported") != NULL, "%s", why);
	tu_write_file(path, "a,b\n1,2\n", 0600);
	ck_assert_int_eq(load(id, why, sizeof why), 0);

	snprintf(path, sizeof path, "%s/manifest.json", it.path);
	char *m = tu_read_file(path);
	tu_write_file(path, "{}\n", 0600);
	ck_assert_int_eq(load(id, why, sizeof why), 1);
	ck_assert_msg(strstr(why, "its manifest.json is not what kvalind exported") != NULL, "%s",
		      why);
	tu_write_file(path, m, 0600);
	free(m);

	/* a symbolic link to the same bytes is not read */
	char real[4400];
	snprintf(real, sizeof real, "%s/elsewhere.csv", dir);
	tu_write_file(real, "a,b\n1,2\n", 0600);
	snprintf(path, sizeof path, "%s/data.csv", it.path);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(symlink(real, path), 0);
	ck_assert_int_eq(load(id, why, sizeof why), 1);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(load(id, why, sizeof why), 1); /* missing */
	ck_assert_msg(strstr(why, "data.csv") != NULL, "%s", why);

	/* planted: whole and consistent, but export never recorded it */
	const char *planted = "o_2023-05_0123456789abcdef";
	snprintf(path, sizeof path, "state/outbox/ready/%s", planted);
	ck_assert_int_eq(mkdir(tu_path(dir, path), 0700), 0);
	snprintf(path, sizeof path, "state/outbox/ready/%s/data.csv", planted);
	tu_write_file(tu_path(dir, path), "a\n", 0600);
	snprintf(path, sizeof path, "state/outbox/ready/%s/manifest.json", planted);
	tu_write_file(tu_path(dir, path), "{}\n", 0600);
	ck_assert_int_eq(load(planted, why, sizeof why), 1);
	ck_assert_msg(strstr(why, "kvalind has no record of exporting it") != NULL, "%s", why);

	/* a file where an extract's directory should be */
	const char *file = "o_2023-06_0123456789abcdef";
	snprintf(path, sizeof path, "state/outbox/ready/%s", file);
	tu_write_file(tu_path(dir, path), "x", 0600);
	ck_assert_int_eq(load(file, why, sizeof why), 1);
	ck_assert_msg(strstr(why, "is not a directory kvalind made") != NULL, "%s", why);
}
END_TEST

START_TEST(quarantine_keeps_what_was_found_with_the_reason)
{
	char id[160], why[1024];
	add_real("2023-04", "a,b\n1,2\n", KV_OUTBOX_READY, id, sizeof id);
	struct kv_outbox_item it;
	ck_assert_int_eq(kv_outbox_find(&ob, id, &it, err, sizeof err), 1);
	ck_assert_int_eq(kv_outbox_quarantine(&ob, &it, "edited\nby hand", err, sizeof err), 0);
	ck_assert_int_eq(kv_outbox_find(&ob, id, &it, err, sizeof err), 0);
	/* the same month exported again is added (quarantine is no state) */
	add_real("2023-04", "a,b\n1,2\n", KV_OUTBOX_READY, id, sizeof id);
	ck_assert_int_eq(load(id, why, sizeof why), 0);
	ck_assert_int_eq(kv_outbox_find(&ob, id, &it, err, sizeof err), 1);
	ck_assert_int_eq(kv_outbox_quarantine(&ob, &it, "again", err, sizeof err), 0);

	struct kv_outbox_item *q = NULL;
	size_t n = 0;
	ck_assert_int_eq(kv_outbox_list_quarantine(&ob, &q, &n, err, sizeof err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(q[0].id, id);
	ck_assert_str_eq(q[0].last_error, "edited by hand");
	ck_assert_str_eq(q[0].month, "2023-04");
	char name2[200];
	snprintf(name2, sizeof name2, "%s.2", id);
	ck_assert_str_eq(q[1].id, name2);
	ck_assert_str_eq(q[1].last_error, "again");
	char *csv = tu_read_file(tu_path(q[0].path, "extract/data.csv"));
	ck_assert_str_eq(csv, "a,b\n1,2\n");
	free(csv);
	free(q);
	struct kv_outbox_item *items = NULL;
	ck_assert_int_eq(kv_outbox_list(&ob, -1, &items, &n, err, sizeof err), 0);
	ck_assert_uint_eq(n, 0);
	free(items);
}
END_TEST

START_TEST(retry_sends_refused_and_waiting_extracts_again)
{
	char a[160], b[160], c[160];
	add_real("2023-04", "a\n1\n", KV_OUTBOX_READY, a, sizeof a);
	add_real("2023-05", "a\n2\n", KV_OUTBOX_READY, b, sizeof b);
	add_real("2023-06", "a\n3\n", KV_OUTBOX_PENDING, c, sizeof c);
	struct kv_outbox_item it;
	ck_assert_int_eq(kv_outbox_find(&ob, a, &it, err, sizeof err), 1);
	ck_assert_int_eq(kv_outbox_move(&ob, &it, KV_OUTBOX_REFUSED, "HTTP 422: bad", err,
					sizeof err),
			 0);
	ck_assert_int_eq(kv_outbox_find(&ob, b, &it, err, sizeof err), 1);
	ck_assert_int_eq(kv_outbox_note_failure(&ob, &it, "HTTP 401", 1000, err, sizeof err), 0);
	ck_assert_int_eq(kv_outbox_note_failure(&ob, &it, "HTTP 401", 2000, err, sizeof err), 0);

	ck_assert_int_eq(kv_outbox_find(&ob, a, &it, err, sizeof err), 1);
	ck_assert_int_eq(kv_outbox_retry(&ob, &it, err, sizeof err), 0);
	ck_assert_int_eq(kv_outbox_find(&ob, a, &it, err, sizeof err), 1);
	ck_assert_int_eq(it.state, KV_OUTBOX_READY);
	ck_assert_uint_eq(it.attempts, 0);
	ck_assert_str_eq(it.last_error, "");

	ck_assert_int_eq(kv_outbox_find(&ob, b, &it, err, sizeof err), 1);
	ck_assert_uint_eq(it.attempts, 2);
	ck_assert_int_eq(kv_outbox_retry(&ob, &it, err, sizeof err), 0);
	ck_assert_int_eq(kv_outbox_find(&ob, b, &it, err, sizeof err), 1);
	ck_assert_uint_eq(it.attempts, 0);
	ck_assert_int_eq(it.next_attempt, 0);

	ck_assert_int_eq(kv_outbox_find(&ob, c, &it, err, sizeof err), 1);
	ck_assert_int_eq(kv_outbox_retry(&ob, &it, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "is pending; only refused and ready extracts can be retried "
				  "(approve it first)") != NULL,
		      "%s", err);
}
END_TEST

/* An outbox from before records: what is whole and consistent is adopted
 * at the first open; what is not stays unrecorded (and so is never sent). */
START_TEST(an_outbox_from_before_records_is_adopted_once)
{
	char good[160], edited[160], why[1024], path[4400];
	add_real("2023-04", "a\n1\n", KV_OUTBOX_READY, good, sizeof good);
	add_real("2023-05", "a\n2\n", KV_OUTBOX_PENDING, edited, sizeof edited);
	kv_outbox_close(&ob);
	tu_rmtree(tu_path(dir, "state/outbox/records"));
	snprintf(path, sizeof path, "state/outbox/pending/%s/data.csv", edited);
	tu_write_file(tu_path(dir, path), "a\n3\n", 0600);

	FILE *log = tmpfile();
	kv_log_set_stream(log);
	/* at the default level: a configuration another test loaded in this
	 * process (CK_FORK=no, as under valgrind) may have set another */
	enum kv_log_level level = kv_log_get_level();
	kv_log_set_level(KV_LOG_INFO);
	ck_assert_int_eq(kv_outbox_open(&ob, tu_path(dir, "state"), err, sizeof err), 0);
	kv_log_set_level(level);
	kv_log_set_stream(NULL);
	rewind(log);
	char line[2048] = "";
	ck_assert_ptr_nonnull(fgets(line, sizeof line, log));
	fclose(log);
	ck_assert_msg(strstr(line, "1 extract already in the outbox was recorded") != NULL &&
			      strstr(line, "1 was not") != NULL,
		      "%s", line);
	ck_assert_int_eq(load(good, why, sizeof why), 0);
	ck_assert_int_eq(load(edited, why, sizeof why), 1);
	struct stat st;
	ck_assert_int_eq(stat(tu_path(dir, "state/outbox/records.new"), &st), -1);

	/* only once: an extract planted later is not adopted */
	kv_outbox_close(&ob);
	snprintf(path, sizeof path, "state/outbox/ready/%s", edited);
	char from[4400];
	snprintf(from, sizeof from, "state/outbox/pending/%s", edited);
	tu_write_file(tu_path(dir, tu_path(from, "data.csv")), "a\n2\n", 0600);
	ck_assert_int_eq(rename(tu_path(dir, from), tu_path(dir, path)) == 0 ? 0 : -1, 0);
	ck_assert_int_eq(kv_outbox_open(&ob, tu_path(dir, "state"), err, sizeof err), 0);
	ck_assert_int_eq(load(edited, why, sizeof why), 1);
}
END_TEST

/* The state directory and the outbox's directories: not writable by group
 * or others, not a symbolic link (below the state directory), owned by the
 * user kvalind runs as. */
START_TEST(a_state_directory_others_can_write_is_refused)
{
	kv_outbox_close(&ob);
	const char *state = tu_path(dir, "state");
	char s[4096];
	snprintf(s, sizeof s, "%s", state);
	ck_assert_int_eq(chmod(s, 0777), 0);
	ck_assert_int_eq(kv_outbox_open(&ob, s, err, sizeof err), -1);
	ck_assert(!ob.busy);
	char want[4400];
	snprintf(want, sizeof want,
		 "[core] state_dir: state directory \"%s\" is writable by group or others (mode "
		 "0777): ",
		 s);
	ck_assert_msg(strstr(err, want) == err, "%s", err);
	ck_assert_msg(strstr(err, "run chmod go-w") != NULL, "%s", err);
	ck_assert_int_eq(chmod(s, 0750), 0); /* group may read (the package's mode) */
	ck_assert_int_eq(kv_outbox_open(&ob, s, err, sizeof err), 0);
	kv_outbox_close(&ob);

	char ready[4400];
	snprintf(ready, sizeof ready, "%s/outbox/ready", s);
	ck_assert_int_eq(chmod(ready, 0770), 0);
	ck_assert_int_eq(kv_outbox_open(&ob, s, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "outbox directory") != NULL && strstr(err, "/outbox/ready") &&
			      strstr(err, "(mode 0770)"),
		      "%s", err);
	ck_assert_int_eq(chmod(ready, 0700), 0);

	/* a symbolic link for an outbox directory */
	char elsewhere[4400];
	snprintf(elsewhere, sizeof elsewhere, "%s/elsewhere", dir);
	ck_assert_int_eq(rename(ready, elsewhere), 0);
	ck_assert_int_eq(symlink(elsewhere, ready), 0);
	ck_assert_int_eq(kv_outbox_open(&ob, s, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "is a symbolic link") != NULL, "%s", err);
	ck_assert_int_eq(unlink(ready), 0);
	ck_assert_int_eq(rename(elsewhere, ready), 0);

	if (geteuid() == 0) {
		/* owned by another user: refused, and the message says whom to chown to */
		ck_assert_int_eq(chown(s, 65534, 65534), 0);
		ck_assert_int_eq(kv_outbox_open(&ob, s, err, sizeof err), -1);
		ck_assert_msg(strstr(err, "is owned by uid 65534") != NULL &&
				      strstr(err, "not by uid 0 (root) that kvalind runs as; run "
						  "chown -R root") != NULL,
			      "%s", err);
		char e2[1024];
		ck_assert_int_eq(kv_check_state_dir(s, true, 65534, "state directory", e2,
						    sizeof e2),
				 0); /* root reading the daemon user's directory */
		ck_assert_int_eq(chown(s, 0, 0), 0);
	}
	ck_assert_int_eq(kv_outbox_open(&ob, s, err, sizeof err), 0);
}
END_TEST

/* ---- a push run to a drop directory ---------------------------------------- */

static char *drop;
static struct kv_config *push_cfg;
static struct kv_push_target *target;

static void push_setup(void)
{
	setup();
	drop = strdup(tu_path(dir, "drop"));
	ck_assert_int_eq(mkdir(drop, 0755), 0);
	char text[4400];
	struct kv_diags d = {0};
	snprintf(text, sizeof text, "[office]\nid = o\n[push]\ntransport = directory\ndrop_dir = %s\n",
		 drop);
	push_cfg = kv_config_from_string("test.ini", text, &d);
	ck_assert_ptr_nonnull(push_cfg);
	target = kv_push_open(push_cfg, &d);
	ck_assert_ptr_nonnull(target);
	kv_diags_free(&d);
}

static void push_teardown(void)
{
	kv_push_close(target);
	kv_config_free(push_cfg);
	free(drop);
	teardown();
}

static const char *ledger_path(void)
{
	return tu_path(dir, "state/ledger");
}

static int dropped(void)
{
	int n = 0;
	DIR *d = opendir(drop);
	struct dirent *e;
	while (d != NULL && (e = readdir(d)) != NULL)
		n += strstr(e->d_name, ".json") != NULL;
	if (d != NULL)
		closedir(d);
	return n;
}

static void run_push(bool all, time_t now, struct kv_push_summary *sum)
{
	FILE *devnull = fopen("/dev/null", "w");
	kv_log_set_stream(devnull); /* the quarantines' errors */
	int rc = kv_push_outbox(&ob, target, ledger_path(), all, now, devnull, sum, err,
				sizeof err);
	kv_log_set_stream(NULL);
	fclose(devnull);
	ck_assert_msg(rc == 0, "%s", err);
}

START_TEST(a_planted_or_edited_extract_is_never_sent)
{
	char good[160], edited[160], path[4400];
	add_real("2023-04", "a\n1\n", KV_OUTBOX_READY, good, sizeof good);
	add_real("2023-05", "a\n2\n", KV_OUTBOX_READY, edited, sizeof edited);
	snprintf(path, sizeof path, "state/outbox/ready/%s/data.csv", edited);
	tu_write_file(tu_path(dir, path), "a\n9999\n", 0600);
	/* planted by someone: whole and consistent in itself, never exported */
	const char *planted = "o_2023-06_0123456789abcdef";
	snprintf(path, sizeof path, "state/outbox/ready/%s", planted);
	ck_assert_int_eq(mkdir(tu_path(dir, path), 0700), 0);
	snprintf(path, sizeof path, "state/outbox/ready/%s/data.csv", planted);
	tu_write_file(tu_path(dir, path), "planted\n", 0600);
	snprintf(path, sizeof path, "state/outbox/ready/%s/manifest.json", planted);
	tu_write_file(tu_path(dir, path), "{\"extract_id\": \"o_2023-06_0123456789abcdef\"}\n", 0600);

	struct kv_push_summary sum;
	run_push(false, 1000, &sum);
	ck_assert_uint_eq(sum.delivered, 1);
	ck_assert_uint_eq(sum.quarantined, 2);
	ck_assert_uint_eq(sum.not_delivered, 2);
	ck_assert_int_eq(dropped(), 1);
	char want[4400];
	snprintf(want, sizeof want, "%s/%s.json", drop, good);
	struct stat st;
	ck_assert_int_eq(stat(want, &st), 0);
	struct kv_outbox_item *q = NULL;
	size_t n = 0;
	ck_assert_int_eq(kv_outbox_list_quarantine(&ob, &q, &n, err, sizeof err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(q[0].id, edited);
	ck_assert_msg(strstr(q[0].last_error, "its data.csv is not what kvalind exported") != NULL,
		      "%s", q[0].last_error);
	ck_assert_str_eq(q[1].id, planted);
	ck_assert(strstr(q[1].last_error, "no record") != NULL);
	free(q);
	/* and the ledger names only what left */
	ck_assert_int_eq(kv_ledger_verify(ledger_path(), NULL, err, sizeof err), 0);
	char *ledger = tu_read_file(ledger_path());
	ck_assert(strstr(ledger, good) != NULL && strstr(ledger, edited) == NULL &&
		  strstr(ledger, planted) == NULL);
	free(ledger);
}
END_TEST

/* A problem every extract would meet (here the drop directory is gone):
 * one extract is tried, the run stops, every due extract gets the same
 * status and backoff, and a push before the backoff sends nothing. */
START_TEST(a_receiver_wide_problem_stops_the_run_and_all_wait)
{
	char ids[5][160];
	for (int i = 0; i < 5; i++) {
		char month[24], csv[32];
		snprintf(month, sizeof month, "2023-0%d", i + 1);
		snprintf(csv, sizeof csv, "a\n%d\n", i);
		add_real(month, csv, KV_OUTBOX_READY, ids[i], sizeof ids[i]);
	}
	tu_rmtree(drop);
	struct kv_push_summary sum;
	run_push(false, 1000, &sum);
	ck_assert(sum.stopped && !sum.ledger_failed && !sum.cancelled);
	ck_assert_uint_eq(sum.delivered, 0);
	ck_assert_uint_eq(sum.not_delivered, 5);
	ck_assert_uint_eq(sum.not_tried, 4);
	ck_assert_int_eq(sum.next_attempt, 1060);
	ck_assert_msg(strstr(sum.problem, "4 more not tried in this run") != NULL, "%s", sum.problem);
	ck_assert_msg(strstr(sum.problem, "the drop directory cannot be written") != NULL, "%s",
		      sum.problem);
	struct kv_outbox_item *items = NULL;
	size_t n = 0;
	ck_assert_int_eq(kv_outbox_list(&ob, KV_OUTBOX_READY, &items, &n, err, sizeof err), 0);
	ck_assert_uint_eq(n, 5);
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_eq(items[i].attempts, 1);
		ck_assert_int_eq(items[i].next_attempt, 1060);
		ck_assert_msg(strstr(items[i].last_error, "the drop directory cannot be written") !=
				      NULL,
			      "%s", items[i].last_error);
	}
	free(items);

	run_push(false, 1030, &sum); /* before the backoff: nothing is tried */
	ck_assert_uint_eq(sum.waiting, 5);
	ck_assert_uint_eq(sum.not_delivered + sum.delivered, 0);

	ck_assert_int_eq(mkdir(drop, 0755), 0); /* fixed */
	run_push(false, 1060, &sum);
	ck_assert_uint_eq(sum.delivered, 5);
	ck_assert_int_eq(dropped(), 5);
}
END_TEST

/* The ledger cannot be written: nothing is sent (not once per extract per
 * run), every due extract backs off, and the run says why once. */
START_TEST(a_ledger_that_cannot_be_written_sends_nothing)
{
	char a[160], b[160];
	add_real("2023-04", "a\n1\n", KV_OUTBOX_READY, a, sizeof a);
	add_real("2023-05", "a\n2\n", KV_OUTBOX_READY, b, sizeof b);
	ck_assert_int_eq(mkdir(ledger_path(), 0700), 0); /* not a file */
	struct kv_push_summary sum;
	run_push(false, 1000, &sum);
	ck_assert(sum.stopped && sum.ledger_failed);
	ck_assert_uint_eq(sum.delivered, 0);
	ck_assert_uint_eq(sum.not_tried, 2);
	ck_assert_int_eq(dropped(), 0);
	ck_assert_msg(strstr(sum.problem, "the ledger cannot be written") == sum.problem &&
			      strstr(sum.problem, "nothing is sent until it can be; 2 extracts wait"),
		      "%s", sum.problem);
	run_push(false, 1001, &sum);
	ck_assert_uint_eq(sum.waiting, 2);
	ck_assert_int_eq(dropped(), 0);
	ck_assert_int_eq(rmdir(ledger_path()), 0);
	run_push(true, 1002, &sum); /* --all */
	ck_assert_uint_eq(sum.delivered, 2);
	ck_assert_int_eq(dropped(), 2);
}
END_TEST

/* The ledger's file system fills (the file size limit stands in for a full
 * disk): either the check before sending finds no room and nothing leaves,
 * or (where the file system cannot reserve) one extract leaves unrecorded
 * and the run stops; either way every extract backs off, so a push before
 * the backoff sends nothing again. */
START_TEST(a_full_ledger_disk_backs_off)
{
	char ids[3][160];
	for (int i = 0; i < 3; i++) {
		char month[24], csv[32];
		snprintf(month, sizeof month, "2023-0%d", i + 1);
		snprintf(csv, sizeof csv, "a\n%d\n", i);
		add_real(month, csv, KV_OUTBOX_READY, ids[i], sizeof ids[i]);
	}
	/* a ledger with one entry: the next one does not fit under the limit */
	ck_assert_int_eq(kv_ledger_append(ledger_path(), "directory:/x", "earlier", 1,
					  "0000000000000000000000000000000000000000000000000000000000"
					  "000000",
					  err, sizeof err),
			 0);
	struct stat st;
	ck_assert_int_eq(stat(ledger_path(), &st), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct rlimit rl = {(rlim_t)st.st_size + 8, (rlim_t)st.st_size + 8};
		signal(SIGXFSZ, SIG_IGN);
		struct kv_push_summary s1, s2;
		if (setrlimit(RLIMIT_FSIZE, &rl) != 0 ||
		    kv_push_outbox(&ob, target, ledger_path(), false, 1000, NULL, &s1, err,
				   sizeof err) != 0 ||
		    kv_push_outbox(&ob, target, ledger_path(), false, 1001, NULL, &s2, err,
				   sizeof err) != 0)
			_exit(10);
		if (!s1.ledger_failed || s1.delivered != 0 || s1.not_delivered != 3)
			_exit(11);
		if (strstr(s1.problem, "ledger") == NULL)
			_exit(12);
		if (s2.waiting != 3 || s2.not_delivered != 0)
			_exit(13); /* no resend before the backoff */
		_exit(dropped() <= 1 ? 0 : 14);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d",
		      WEXITSTATUS(status));
	struct kv_outbox_item *items = NULL;
	size_t n = 0;
	ck_assert_int_eq(kv_outbox_list(&ob, KV_OUTBOX_READY, &items, &n, err, sizeof err), 0);
	ck_assert_uint_eq(n, 3);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(items[i].attempts == 1 && strstr(items[i].last_error, "ledger") != NULL,
			      "%s", items[i].last_error);
	free(items);
	/* room again: all three leave, recorded once each */
	struct kv_push_summary sum;
	run_push(true, 1002, &sum);
	ck_assert_uint_eq(sum.delivered, 3);
	ck_assert_int_eq(kv_ledger_verify(ledger_path(), NULL, err, sizeof err), 0);
	char *ledger = tu_read_file(ledger_path());
	int lines = 0;
	for (const char *c = ledger; *c; c++)
		lines += *c == '\n';
	free(ledger);
	ck_assert_int_eq(lines, 4);
}
END_TEST

Suite *suite_outbox(void)
{
	Suite *s = suite_create("outbox");
	TCase *tc = tcase_create("outbox");
	/* every add and move fsyncs: generous, for a loaded disk or valgrind */
	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, ids_are_participant_month_and_hash);
	tcase_add_test(tc, an_added_extract_is_whole_in_its_state);
	tcase_add_test(tc, ids_that_could_name_another_path_are_refused);
	tcase_add_test(tc, states_move_by_rename_and_list_in_id_order);
	tcase_add_test(tc, failures_back_off_exponentially_with_a_cap);
	tcase_add_test(tc, one_process_at_a_time);
	tcase_add_test(tc, what_a_crash_left_half_written_is_removed_on_open);
	tcase_add_test(tc, an_added_extract_has_its_record_and_loads);
	tcase_add_test(tc, what_export_did_not_write_does_not_load);
	tcase_add_test(tc, quarantine_keeps_what_was_found_with_the_reason);
	tcase_add_test(tc, retry_sends_refused_and_waiting_extracts_again);
	tcase_add_test(tc, an_outbox_from_before_records_is_adopted_once);
	tcase_add_test(tc, a_state_directory_others_can_write_is_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("push_run");
	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, push_setup, push_teardown);
	tcase_add_test(tc, a_planted_or_edited_extract_is_never_sent);
	tcase_add_test(tc, a_receiver_wide_problem_stops_the_run_and_all_wait);
	tcase_add_test(tc, a_ledger_that_cannot_be_written_sends_nothing);
	tcase_add_test(tc, a_full_ledger_disk_backs_off);
	suite_add_tcase(s, tc);
	return s;
}
