/*
 * outbox.c - the outbox's directories, atomic adds and state moves, the
 * records of what export wrote, quarantine and retry
 */
#include "outbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "log.h"
#include "sha256.h"

static const char *const state_names[KV_OUTBOX_N_STATES] = {"pending", "ready", "sent",
							    "rejected", "refused"};

const char *kv_outbox_state_name(enum kv_outbox_state s)
{
	return (unsigned)s < KV_OUTBOX_N_STATES ? state_names[s] : "unknown";
}

static int make_dir(const char *path, char *err, size_t errlen)
{
	if (mkdir(path, 0700) != 0 && errno != EEXIST) {
		kv_snprintf(err, errlen, "could not create directory \"%s\": %s", path,
			    strerror(errno));
		return -1;
	}
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		kv_snprintf(err, errlen, "\"%s\" is not a directory", path);
		return -1;
	}
	return 0;
}

/* A directory of the outbox: created if missing, then checked (not a link,
 * owner, mode). */
static int outbox_dir(const char *path, char *err, size_t errlen)
{
	if (make_dir(path, err, errlen) != 0)
		return -1;
	return kv_check_state_dir(path, false, (uid_t)-1, "outbox directory", err, errlen);
}

/* Remove a directory holding only files (an extract directory). */
static int remove_extract_dir(const char *path)
{
	DIR *d = opendir(path);
	if (d == NULL)
		return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
	struct dirent *e;
	char file[4400];
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (kv_snprintf(file, sizeof file, "%s/%s", path, e->d_name) == 0)
			unlink(file);
	}
	closedir(d);
	return rmdir(path);
}

static int clean_tmp(const char *tmp, char *err, size_t errlen)
{
	DIR *d = opendir(tmp);
	if (d == NULL) {
		kv_snprintf(err, errlen, "could not read \"%s\": %s", tmp, strerror(errno));
		return -1;
	}
	struct dirent *e;
	char path[4400];
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (kv_snprintf(path, sizeof path, "%s/%s", tmp, e->d_name) == 0 &&
		    remove_extract_dir(path) == 0)
			kv_log(KV_LOG_WARNING,
			       "outbox: removed \"%s\", an extract left half-written by an earlier "
			       "run that stopped (it was never in the outbox)",
			       path);
	}
	closedir(d);
	return 0;
}

/* ---- reading an extract's files, and the records of what export wrote --- */

/* Read a whole regular file (not through a symbolic link, never blocking on
 * a FIFO) of at most max bytes into *data (NUL-terminated, caller frees).
 * 0; 1 when it is missing, not a regular file, a link or too large (why);
 * -1 on a read error (why). */
static int read_regular(const char *path, size_t max, char **data, size_t *len, char *why,
			size_t whylen)
{
	*data = NULL;
	*len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;
		kv_snprintf(why, whylen, "cannot read \"%s\": %s", path, strerror(e));
		return e == ENOENT || e == ELOOP || e == ENOTDIR ? 1 : -1;
	}
	struct stat st;
	int ret = -1;
	char *buf = NULL;
	if (fstat(fd, &st) != 0) {
		kv_snprintf(why, whylen, "cannot read \"%s\": %s", path, strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		kv_snprintf(why, whylen, "\"%s\" is not a regular file", path);
		ret = 1;
		goto done;
	}
	if ((uintmax_t)st.st_size > max) {
		kv_snprintf(why, whylen, "\"%s\" is larger than %zu bytes", path, max);
		ret = 1;
		goto done;
	}
	size_t cap = (size_t)st.st_size + 1, n = 0;
	buf = kv_xcalloc(cap + 1, 1);
	for (;;) {
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			kv_snprintf(why, whylen, "cannot read \"%s\": %s", path, strerror(errno));
			goto done;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == cap) { /* it grew while we read */
			kv_snprintf(why, whylen, "\"%s\" changed while it was read", path);
			goto done;
		}
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	buf = NULL;
	ret = 0;
done:
	free(buf);
	close(fd);
	return ret;
}

static int record_path(const struct kv_outbox *ob, const char *id, char *buf, size_t size)
{
	return kv_snprintf(buf, size, "%s/records/%s", ob->dir, id);
}

/* Write records DIR/ID for the two digests (atomically). */
static int write_record(const char *dir, const char *id, const char *manifest_sha,
			const char *csv_sha, char *err, size_t errlen)
{
	char path[4400];
	struct kv_atomic_file f;
	if (kv_snprintf(path, sizeof path, "%s/%s", dir, id) != 0) {
		kv_snprintf(err, errlen, "record path for \"%s\" is too long", id);
		return -1;
	}
	if (kv_atomic_open(&f, path, 0600, err, errlen) != 0)
		return -1;
	fprintf(f.fp, "extract=%s\nmanifest_sha256=%s\ndata_sha256=%s\n", id, manifest_sha,
		csv_sha);
	return kv_atomic_commit(&f, err, errlen);
}

/* The digests of records/ID. 0; 1 when there is none (or it is not a
 * record); -1 on a read error. */
static int read_record(const struct kv_outbox *ob, const char *id, char manifest_sha[65],
		       char csv_sha[65], char *why, size_t whylen)
{
	char path[4400], *text = NULL;
	size_t len;
	if (record_path(ob, id, path, sizeof path) != 0) {
		kv_snprintf(why, whylen, "record path for \"%s\" is too long", id);
		return -1;
	}
	int rc = read_regular(path, 4096, &text, &len, why, whylen);
	if (rc != 0) {
		if (rc == 1)
			kv_snprintf(why, whylen, "kvalind has no record of exporting it (no %s)",
				    path);
		return rc;
	}
	manifest_sha[0] = csv_sha[0] = '\0';
	for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		if (strncmp(line, "manifest_sha256=", 16) == 0)
			kv_strlcpy(manifest_sha, line + 16, 65);
		else if (strncmp(line, "data_sha256=", 12) == 0)
			kv_strlcpy(csv_sha, line + 12, 65);
	}
	free(text);
	if (strlen(manifest_sha) != 64 || strlen(csv_sha) != 64) {
		kv_snprintf(why, whylen, "its record %s is not a record", path);
		return 1;
	}
	return 0;
}

void kv_outbox_payload_free(struct kv_outbox_payload *p)
{
	free(p->manifest);
	free(p->csv);
	memset(p, 0, sizeof *p);
}

/* Read both files and their digests. 0, 1 (not sendable), -1 (why). */
static int read_payload(const char *dir, struct kv_outbox_payload *p, char *why, size_t whylen)
{
	char path[4400], err[256];
	int rc;
	memset(p, 0, sizeof *p);
	(void)kv_snprintf(path, sizeof path, "%s/manifest.json", dir);
	rc = read_regular(path, KV_OUTBOX_FILE_MAX, &p->manifest, &p->manifest_len, why, whylen);
	if (rc == 0) {
		(void)kv_snprintf(path, sizeof path, "%s/data.csv", dir);
		rc = read_regular(path, KV_OUTBOX_FILE_MAX, &p->csv, &p->csv_len, why, whylen);
	}
	if (rc == 0 && (kv_sha256_hex(p->manifest, p->manifest_len, p->manifest_sha256, err,
				      sizeof err) != 0 ||
			kv_sha256_hex(p->csv, p->csv_len, p->csv_sha256, err, sizeof err) != 0)) {
		kv_snprintf(why, whylen, "%s", err);
		rc = -1;
	}
	if (rc != 0)
		kv_outbox_payload_free(p);
	return rc;
}

int kv_outbox_load(const struct kv_outbox *ob, const struct kv_outbox_item *item,
		   struct kv_outbox_payload *p, char *why, size_t whylen)
{
	struct stat st;
	char manifest_sha[65], csv_sha[65];
	memset(p, 0, sizeof *p);
	if (lstat(item->path, &st) != 0) {
		kv_snprintf(why, whylen, "cannot read \"%s\": %s", item->path, strerror(errno));
		return errno == ENOENT ? 1 : -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		kv_snprintf(why, whylen, "\"%s\" is not a directory kvalind made", item->path);
		return 1;
	}
	if (st.st_uid != geteuid()) {
		kv_snprintf(why, whylen, "\"%s\" is owned by uid %u, not by kvalind's user (uid %u)",
			    item->path, (unsigned)st.st_uid, (unsigned)geteuid());
		return 1;
	}
	int rc = read_record(ob, item->id, manifest_sha, csv_sha, why, whylen);
	if (rc != 0)
		return rc;
	rc = read_payload(item->path, p, why, whylen);
	if (rc != 0)
		return rc;
	const char *bad = strcmp(p->csv_sha256, csv_sha) != 0 ? "data.csv" :
			  strcmp(p->manifest_sha256, manifest_sha) != 0 ? "manifest.json" :
									  NULL;
	if (bad != NULL) {
		kv_snprintf(why, whylen,
			    "its %s is not what kvalind exported (SHA-256 %.16s..., recorded "
			    "%.16s...)",
			    bad, bad[0] == 'd' ? p->csv_sha256 : p->manifest_sha256,
			    bad[0] == 'd' ? csv_sha : manifest_sha);
		kv_outbox_payload_free(p);
		return 1;
	}
	return 0;
}

/* An extract of an outbox from before records: whole and consistent with
 * its ID (its manifest names the ID and data.csv's SHA-256, which the ID
 * ends with). */
static bool consistent(const char *id, const struct kv_outbox_payload *p)
{
	char want[128];
	size_t n = strlen(id);
	if (n < 17 || id[n - 17] != '_' || strncmp(id + n - 16, p->csv_sha256, 16) != 0)
		return false;
	(void)kv_snprintf(want, sizeof want, "\"sha256\": \"%s\"", p->csv_sha256);
	if (strstr(p->manifest, want) == NULL)
		return false;
	if (kv_snprintf(want, sizeof want, "\"extract_id\": \"%s\"", id) != 0)
		return false;
	return strstr(p->manifest, want) != NULL;
}

static bool id_ok(const char *id);

/* First open of an outbox without records/: record what is there (see
 * outbox.h), in records.new/, then rename it into place in one step. */
static int adopt_if_new(struct kv_outbox *ob, char *err, size_t errlen)
{
	char records[4400], fresh[4400];
	struct stat st;
	(void)kv_snprintf(records, sizeof records, "%s/records", ob->dir);
	if (lstat(records, &st) == 0 || errno != ENOENT)
		return kv_check_state_dir(records, false, (uid_t)-1, "outbox directory", err,
					  errlen);
	(void)kv_snprintf(fresh, sizeof fresh, "%s/records.new", ob->dir);
	remove_extract_dir(fresh); /* left by a run that stopped */
	if (mkdir(fresh, 0700) != 0) {
		kv_snprintf(err, errlen, "could not create directory \"%s\": %s", fresh,
			    strerror(errno));
		return -1;
	}
	static const enum kv_outbox_state sendable[] = {KV_OUTBOX_PENDING, KV_OUTBOX_READY,
							 KV_OUTBOX_REFUSED};
	size_t adopted = 0, left_out = 0;
	for (size_t i = 0; i < KV_ARRAY_SIZE(sendable); i++) {
		char dir[4400];
		(void)kv_snprintf(dir, sizeof dir, "%s/%s", ob->dir, state_names[sendable[i]]);
		DIR *d = opendir(dir);
		if (d == NULL) {
			kv_snprintf(err, errlen, "could not read \"%s\": %s", dir, strerror(errno));
			return -1;
		}
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			char path[4400], why[512];
			struct kv_outbox_payload p;
			if (!id_ok(e->d_name) ||
			    kv_snprintf(path, sizeof path, "%s/%s", dir, e->d_name) != 0)
				continue;
			if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
			    read_payload(path, &p, why, sizeof why) != 0) {
				left_out++;
				continue;
			}
			bool ok = consistent(e->d_name, &p);
			if (ok && write_record(fresh, e->d_name, p.manifest_sha256, p.csv_sha256,
					       err, errlen) != 0) {
				kv_outbox_payload_free(&p);
				closedir(d);
				return -1;
			}
			kv_outbox_payload_free(&p);
			if (ok)
				adopted++;
			else
				left_out++;
		}
		closedir(d);
	}
	if (rename(fresh, records) != 0) {
		kv_snprintf(err, errlen, "could not move \"%s\" to \"%s\": %s", fresh, records,
			    strerror(errno));
		return -1;
	}
	if (kv_fsync_dir(ob->dir, err, errlen) != 0)
		return -1;
	if (adopted > 0 || left_out > 0)
		kv_log(KV_LOG_WARNING,
		       "outbox \"%s\": kvalind now sends only extracts whose bytes match what "
		       "export recorded; %zu extract%s already in the outbox %s recorded as %s "
		       "(whole and consistent with %s ID); %zu %s not, and will be quarantined, "
		       "not sent, if %s",
		       ob->dir, adopted, adopted == 1 ? "" : "s", adopted == 1 ? "was" : "were",
		       adopted == 1 ? "it is" : "they are", adopted == 1 ? "its" : "their",
		       left_out, left_out == 1 ? "was" : "were",
		       left_out == 1 ? "it is approved or pushed (export its month again)" :
				       "they are approved or pushed (export their months again)");
	return 0;
}

int kv_outbox_open(struct kv_outbox *ob, const char *state_dir, char *err, size_t errlen)
{
	char path[4400];
	memset(ob, 0, sizeof *ob);
	ob->lock_fd = -1;
	if (make_dir(state_dir, err, errlen) != 0 ||
	    kv_check_state_dir(state_dir, true, (uid_t)-1, "state directory", err, errlen) != 0) {
		char why[1024];
		kv_strlcpy(why, err, sizeof why);
		kv_snprintf(err, errlen, "[core] state_dir: %s", why);
		return -1;
	}
	if (kv_snprintf(ob->dir, sizeof ob->dir, "%s/outbox", state_dir) != 0) {
		kv_snprintf(err, errlen, "state directory path \"%s\" is too long", state_dir);
		return -1;
	}
	if (outbox_dir(ob->dir, err, errlen) != 0)
		return -1;
	(void)kv_snprintf(path, sizeof path, "%s/.lock", ob->dir);
	ob->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (ob->lock_fd < 0) {
		kv_snprintf(err, errlen, "could not open \"%s\": %s", path, strerror(errno));
		return -1;
	}
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	if (fcntl(ob->lock_fd, F_SETLK, &fl) != 0) {
		kv_snprintf(err, errlen,
			    "the outbox \"%s\" is in use by another kvalind process; try again when "
			    "it has finished",
			    ob->dir);
		kv_outbox_close(ob);
		ob->busy = true;
		return -1;
	}
	for (int s = 0; s < KV_OUTBOX_N_STATES; s++) {
		(void)kv_snprintf(path, sizeof path, "%s/%s", ob->dir, state_names[s]);
		if (outbox_dir(path, err, errlen) != 0)
			goto fail;
	}
	(void)kv_snprintf(path, sizeof path, "%s/quarantine", ob->dir);
	if (outbox_dir(path, err, errlen) != 0 || adopt_if_new(ob, err, errlen) != 0)
		goto fail;
	(void)kv_snprintf(path, sizeof path, "%s/.tmp", ob->dir);
	if (outbox_dir(path, err, errlen) != 0 || clean_tmp(path, err, errlen) != 0)
		goto fail;
	return 0;
fail:
	kv_outbox_close(ob);
	return -1;
}

void kv_outbox_close(struct kv_outbox *ob)
{
	if (ob->lock_fd >= 0)
		close(ob->lock_fd); /* releases the lock */
	ob->lock_fd = -1;
}

int kv_outbox_make_id(const char *participant, const char *month, const char *csv_sha256,
		      char *id, size_t size)
{
	return kv_snprintf(id, size, "%s_%s_%.16s", participant, month, csv_sha256);
}

/* The month of an ID: the field between the last two '_'. */
static void month_of_id(const char *id, char month[8])
{
	month[0] = '\0';
	const char *last = strrchr(id, '_');
	if (last == NULL || last - id < 8)
		return;
	const char *m = last - 7;
	if (m[-1] == '_' && m[4] == '-')
		memcpy(month, m, 7), month[7] = '\0';
}

/* An ID is made of [A-Za-z0-9_-] only (participant ids are checked to be so);
 * anything else (a '/', "..") never names an extract. */
static bool id_ok(const char *id)
{
	if (id[0] == '\0' || id[0] == '.' || strlen(id) >= 160)
		return false;
	for (const char *c = id; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '_' || *c == '-'))
			return false;
	return true;
}

static void read_attempts(struct kv_outbox_item *it)
{
	char path[4400];
	const char *file = it->state == KV_OUTBOX_READY ? "attempts" : "reason";
	if (kv_snprintf(path, sizeof path, "%s/%s", it->path, file) != 0)
		return;
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return;
	char line[600];
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "attempts=", 9) == 0)
			it->attempts = (unsigned)strtoul(line + 9, NULL, 10);
		else if (strncmp(line, "next=", 5) == 0)
			it->next_attempt = (time_t)strtoll(line + 5, NULL, 10);
		else if (strncmp(line, "last=", 5) == 0 || strncmp(line, "reason=", 7) == 0)
			kv_strlcpy(it->last_error, strchr(line, '=') + 1, sizeof it->last_error);
	}
	fclose(f);
}

static int fill_item(const struct kv_outbox *ob, const char *id, enum kv_outbox_state s,
		     struct kv_outbox_item *it)
{
	memset(it, 0, sizeof *it);
	kv_strlcpy(it->id, id, sizeof it->id);
	month_of_id(id, it->month);
	it->state = s;
	if (kv_snprintf(it->path, sizeof it->path, "%s/%s/%s", ob->dir, state_names[s], id) != 0)
		return -1;
	read_attempts(it);
	return 0;
}

int kv_outbox_find(const struct kv_outbox *ob, const char *id, struct kv_outbox_item *item,
		   char *err, size_t errlen)
{
	if (!id_ok(id)) {
		kv_snprintf(err, errlen, "\"%s\" is not an extract id", id);
		return -1;
	}
	for (int s = 0; s < KV_OUTBOX_N_STATES; s++) {
		char path[4400];
		struct stat st;
		(void)kv_snprintf(path, sizeof path, "%s/%s/%s", ob->dir, state_names[s], id);
		if (stat(path, &st) == 0)
			return fill_item(ob, id, (enum kv_outbox_state)s, item) == 0 ? 1 : -1;
	}
	return 0;
}

static int write_file(const char *dir, const char *name, const char *data, size_t len, char *err,
		      size_t errlen)
{
	char path[4400];
	int ret = -1;
	if (kv_snprintf(path, sizeof path, "%s/%s", dir, name) != 0) {
		kv_snprintf(err, errlen, "path \"%s/%s\" is too long", dir, name);
		return -1;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		goto fail;
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		off += (size_t)w;
	}
	if (fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:;
	int saved = errno;
	kv_snprintf(err, errlen, "could not write \"%s\": %s", path,
		    saved ? strerror(saved) : "short write");
	if (fd >= 0)
		close(fd);
	errno = saved;
	return ret;
}

int kv_outbox_add(struct kv_outbox *ob, const char *id, enum kv_outbox_state state,
		  const char *manifest, size_t manifest_len, const char *csv, size_t csv_len,
		  char *err, size_t errlen)
{
	struct kv_outbox_item existing;
	char tmp[4400], final[4400], tmp_root[4400], state_dir[4400];
	int ret = -1;
	bool made = false;

	int found = kv_outbox_find(ob, id, &existing, err, errlen);
	if (found != 0)
		return found; /* 1: already there; -1: a bad id */
	(void)kv_snprintf(tmp_root, sizeof tmp_root, "%s/.tmp", ob->dir);
	(void)kv_snprintf(state_dir, sizeof state_dir, "%s/%s", ob->dir, state_names[state]);
	if (kv_snprintf(tmp, sizeof tmp, "%s/%s", tmp_root, id) != 0 ||
	    kv_snprintf(final, sizeof final, "%s/%s", state_dir, id) != 0) {
		kv_snprintf(err, errlen, "outbox path for \"%s\" is too long", id);
		return -1;
	}
	remove_extract_dir(tmp);
	if (mkdir(tmp, 0700) != 0) {
		kv_snprintf(err, errlen, "could not create \"%s\": %s", tmp, strerror(errno));
		goto done;
	}
	made = true;
	/* data first, manifest last: a manifest always describes a whole file */
	if (write_file(tmp, "data.csv", csv, csv_len, err, errlen) != 0 ||
	    write_file(tmp, "manifest.json", manifest, manifest_len, err, errlen) != 0 ||
	    kv_fsync_dir(tmp, err, errlen) != 0)
		goto done;
	/* the record before the extract appears: what is in a state always has
	 * one (a record without its extract, after a crash, is harmless) */
	char manifest_sha[KV_SHA256_HEX_SIZE], csv_sha[KV_SHA256_HEX_SIZE], records[4400];
	(void)kv_snprintf(records, sizeof records, "%s/records", ob->dir);
	if (kv_sha256_hex(manifest, manifest_len, manifest_sha, err, errlen) != 0 ||
	    kv_sha256_hex(csv, csv_len, csv_sha, err, errlen) != 0 ||
	    write_record(records, id, manifest_sha, csv_sha, err, errlen) != 0)
		goto done;
	if (rename(tmp, final) != 0) {
		kv_snprintf(err, errlen, "could not move \"%s\" to \"%s\": %s", tmp, final,
			    strerror(errno));
		goto done;
	}
	made = false;
	if (kv_fsync_dir(state_dir, err, errlen) != 0 || kv_fsync_dir(tmp_root, err, errlen) != 0)
		goto done;
	ret = 0;
done:
	ob->last_errno = ret != 0 ? errno : 0;
	if (made)
		remove_extract_dir(tmp);
	return ret;
}

static int compare_items(const void *a, const void *b)
{
	return strcmp(((const struct kv_outbox_item *)a)->id, ((const struct kv_outbox_item *)b)->id);
}

int kv_outbox_list(const struct kv_outbox *ob, int state, struct kv_outbox_item **items,
		   size_t *n, char *err, size_t errlen)
{
	*items = NULL;
	*n = 0;
	size_t cap = 0;
	for (int s = 0; s < KV_OUTBOX_N_STATES; s++) {
		if (state >= 0 && s != state)
			continue;
		char path[4400];
		(void)kv_snprintf(path, sizeof path, "%s/%s", ob->dir, state_names[s]);
		DIR *d = opendir(path);
		if (d == NULL) {
			kv_snprintf(err, errlen, "could not read \"%s\": %s", path, strerror(errno));
			free(*items);
			*items = NULL;
			*n = 0;
			return -1;
		}
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			if (!id_ok(e->d_name))
				continue;
			if (*n == cap) {
				cap = cap ? 2 * cap : 64;
				*items = kv_xrealloc(*items, cap, sizeof **items);
			}
			if (fill_item(ob, e->d_name, (enum kv_outbox_state)s, &(*items)[*n]) == 0)
				(*n)++;
		}
		closedir(d);
	}
	if (*n > 1)
		qsort(*items, *n, sizeof **items, compare_items);
	return 0;
}

static int write_note(const char *dir, const char *name, const char *text, char *err,
		      size_t errlen)
{
	char path[4400];
	struct kv_atomic_file f;
	if (kv_snprintf(path, sizeof path, "%s/%s", dir, name) != 0) {
		kv_snprintf(err, errlen, "path \"%s/%s\" is too long", dir, name);
		return -1;
	}
	if (kv_atomic_open(&f, path, 0600, err, errlen) != 0)
		return -1;
	fputs(text, f.fp);
	return kv_atomic_commit(&f, err, errlen);
}

/* One line, printable, for the state files. */
static void one_line(const char *in, char *out, size_t size)
{
	size_t o = 0;
	for (; *in && o + 1 < size; in++)
		out[o++] = (unsigned char)*in < 0x20 || *in == 0x7f ? ' ' : *in;
	out[o] = '\0';
}

int kv_outbox_move(struct kv_outbox *ob, struct kv_outbox_item *item, enum kv_outbox_state to,
		   const char *reason, char *err, size_t errlen)
{
	char dest[4400], from_dir[4400], to_dir[4400];
	(void)kv_snprintf(from_dir, sizeof from_dir, "%s/%s", ob->dir, state_names[item->state]);
	(void)kv_snprintf(to_dir, sizeof to_dir, "%s/%s", ob->dir, state_names[to]);
	if (kv_snprintf(dest, sizeof dest, "%s/%s", to_dir, item->id) != 0) {
		kv_snprintf(err, errlen, "outbox path for \"%s\" is too long", item->id);
		return -1;
	}
	if (reason != NULL) {
		char text[700], line[512];
		one_line(reason, line, sizeof line);
		(void)kv_snprintf(text, sizeof text, "reason=%s\n", line);
		if (write_note(item->path, "reason", text, err, errlen) != 0)
			return -1;
	}
	if (rename(item->path, dest) != 0) {
		kv_snprintf(err, errlen, "could not move \"%s\" to \"%s\": %s", item->path, dest,
			    strerror(errno));
		return -1;
	}
	kv_strlcpy(item->path, dest, sizeof item->path);
	item->state = to;
	if (kv_fsync_dir(to_dir, err, errlen) != 0 || kv_fsync_dir(from_dir, err, errlen) != 0)
		return -1;
	return 0;
}

time_t kv_outbox_backoff(unsigned attempts)
{
	const time_t cap = 6 * 3600;
	time_t t = 60;
	for (unsigned i = 1; i < attempts && t < cap; i++)
		t *= 2;
	return t < cap ? t : cap;
}

int kv_outbox_note_failure(struct kv_outbox *ob, struct kv_outbox_item *item, const char *detail,
			   time_t now, char *err, size_t errlen)
{
	(void)ob;
	char text[800], line[512];
	item->attempts++;
	item->next_attempt = now + kv_outbox_backoff(item->attempts);
	one_line(detail ? detail : "", line, sizeof line);
	kv_strlcpy(item->last_error, line, sizeof item->last_error);
	(void)kv_snprintf(text, sizeof text, "attempts=%u\nnext=%lld\nlast=%s\n", item->attempts,
			  (long long)item->next_attempt, line);
	return write_note(item->path, "attempts", text, err, errlen);
}

/* ---- quarantine and retry --------------------------------------------------- */

int kv_outbox_quarantine(struct kv_outbox *ob, const struct kv_outbox_item *item,
			 const char *reason, char *err, size_t errlen)
{
	char qdir[4400], entry[4500], dest[4600], from_dir[4400], text[700], line[512];
	(void)kv_snprintf(qdir, sizeof qdir, "%s/quarantine", ob->dir);
	(void)kv_snprintf(from_dir, sizeof from_dir, "%s/%s", ob->dir,
			  state_names[item->state]);
	/* quarantine/ID, or ID.2, ID.3, ... when it was quarantined before */
	int made = -1;
	for (int n = 1; n < 1000 && made != 0; n++) {
		if (n == 1)
			(void)kv_snprintf(entry, sizeof entry, "%s/%s", qdir, item->id);
		else
			(void)kv_snprintf(entry, sizeof entry, "%s/%s.%d", qdir, item->id, n);
		made = mkdir(entry, 0700);
		if (made != 0 && errno != EEXIST)
			break;
	}
	if (made != 0) {
		kv_snprintf(err, errlen, "could not create a directory in \"%s\": %s", qdir,
			    strerror(errno));
		return -1;
	}
	one_line(reason ? reason : "", line, sizeof line);
	(void)kv_snprintf(text, sizeof text, "reason=%s\n", line);
	(void)kv_snprintf(dest, sizeof dest, "%s/extract", entry);
	if (write_note(entry, "reason", text, err, errlen) != 0)
		return -1;
	if (rename(item->path, dest) != 0) {
		kv_snprintf(err, errlen, "could not move \"%s\" to \"%s\": %s", item->path, dest,
			    strerror(errno));
		return -1;
	}
	if (kv_fsync_dir(qdir, err, errlen) != 0 || kv_fsync_dir(from_dir, err, errlen) != 0)
		return -1;
	return 0;
}

int kv_outbox_list_quarantine(const struct kv_outbox *ob, struct kv_outbox_item **items,
			      size_t *n, char *err, size_t errlen)
{
	char qdir[4400];
	size_t cap = 0;
	*items = NULL;
	*n = 0;
	(void)kv_snprintf(qdir, sizeof qdir, "%s/quarantine", ob->dir);
	DIR *d = opendir(qdir);
	if (d == NULL) {
		if (errno == ENOENT)
			return 0;
		kv_snprintf(err, errlen, "could not read \"%s\": %s", qdir, strerror(errno));
		return -1;
	}
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			*items = kv_xrealloc(*items, cap, sizeof **items);
		}
		struct kv_outbox_item *it = &(*items)[*n];
		memset(it, 0, sizeof *it);
		kv_strlcpy(it->id, e->d_name, sizeof it->id);
		month_of_id(it->id, it->month);
		if (kv_snprintf(it->path, sizeof it->path, "%s/%s", qdir, e->d_name) != 0)
			continue;
		char path[4500];
		(void)kv_snprintf(path, sizeof path, "%s/reason", it->path);
		FILE *f = fopen(path, "r");
		if (f != NULL) {
			char line[600];
			if (fgets(line, sizeof line, f) != NULL) {
				line[strcspn(line, "\n")] = '\0';
				kv_strlcpy(it->last_error,
					   strncmp(line, "reason=", 7) == 0 ? line + 7 : line,
					   sizeof it->last_error);
			}
			fclose(f);
		}
		(*n)++;
	}
	closedir(d);
	if (*n > 1)
		qsort(*items, *n, sizeof **items, compare_items);
	return 0;
}

int kv_outbox_retry(struct kv_outbox *ob, struct kv_outbox_item *item, char *err, size_t errlen)
{
	char path[4500];
	if (item->state == KV_OUTBOX_REFUSED) {
		if (kv_outbox_move(ob, item, KV_OUTBOX_READY, NULL, err, errlen) != 0)
			return -1;
		(void)kv_snprintf(path, sizeof path, "%s/reason", item->path);
		unlink(path);
	} else if (item->state != KV_OUTBOX_READY) {
		kv_snprintf(err, errlen, "%s is %s; only refused and ready extracts can be retried%s",
			    item->id, kv_outbox_state_name(item->state),
			    item->state == KV_OUTBOX_PENDING ? " (approve it first)" : "");
		return -1;
	}
	(void)kv_snprintf(path, sizeof path, "%s/attempts", item->path);
	if (unlink(path) != 0 && errno != ENOENT) {
		kv_snprintf(err, errlen, "could not remove \"%s\": %s", path, strerror(errno));
		return -1;
	}
	if (kv_fsync_dir(item->path, err, errlen) != 0)
		return -1;
	item->attempts = 0;
	item->next_attempt = 0;
	item->last_error[0] = '\0';
	return 0;
}
