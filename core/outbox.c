/*
 * outbox.c - the outbox's directories, atomic adds and state moves
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

int kv_outbox_open(struct kv_outbox *ob, const char *state_dir, char *err, size_t errlen)
{
	char path[4400];
	memset(ob, 0, sizeof *ob);
	ob->lock_fd = -1;
	if (make_dir(state_dir, err, errlen) != 0) {
		char why[1024];
		kv_strlcpy(why, err, sizeof why);
		kv_snprintf(err, errlen, "[core] state_dir: %s", why);
		return -1;
	}
	if (kv_snprintf(ob->dir, sizeof ob->dir, "%s/outbox", state_dir) != 0) {
		kv_snprintf(err, errlen, "state directory path \"%s\" is too long", state_dir);
		return -1;
	}
	if (make_dir(ob->dir, err, errlen) != 0)
		return -1;
	(void)kv_snprintf(path, sizeof path, "%s/.lock", ob->dir);
	ob->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
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
		return -1;
	}
	for (int s = 0; s < KV_OUTBOX_N_STATES; s++) {
		(void)kv_snprintf(path, sizeof path, "%s/%s", ob->dir, state_names[s]);
		if (make_dir(path, err, errlen) != 0)
			goto fail;
	}
	(void)kv_snprintf(path, sizeof path, "%s/.tmp", ob->dir);
	if (make_dir(path, err, errlen) != 0 || clean_tmp(path, err, errlen) != 0)
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
