/*
 * cell_key.c - the office's cell key and the noise it gives a count
 * (HMAC-SHA-256 through OpenSSL; the rules are in cell_key.h)
 */
#include "cell_key.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "atomic.h"
#include "outbox.h"

static int read_key(const char *path, unsigned char key[KV_CELL_KEY_SIZE], char *err,
		    size_t errlen)
{
	int ret = -1;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		kv_snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	struct stat st;
	unsigned char extra;
	if (fstat(fd, &st) != 0) {
		kv_snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & 077) != 0) {
		kv_snprintf(err, errlen,
			    "%s: the cell key must be a regular file readable by its owner only "
			    "(chmod 600)",
			    path);
		goto done;
	}
	if (read(fd, key, KV_CELL_KEY_SIZE) != KV_CELL_KEY_SIZE || read(fd, &extra, 1) != 0) {
		kv_snprintf(err, errlen, "%s: not a cell key (%d random bytes); restore it from the "
			    "backup of the state directory",
			    path, KV_CELL_KEY_SIZE);
		goto done;
	}
	ret = 0;
done:
	close(fd);
	return ret;
}

/* Make the key: write it to a temporary file, then link it into place, so
 * two processes making it at once end up with one key. */
static int make_key(const char *state_dir, const char *path, char *err, size_t errlen)
{
	unsigned char key[KV_CELL_KEY_SIZE];
	char tmp[4200];
	if (getrandom(key, sizeof key, 0) != (ssize_t)sizeof key) {
		kv_snprintf(err, errlen, "%s: no random bytes for a new cell key: %s", path,
			    strerror(errno));
		return -1;
	}
	if (kv_snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) != 0) {
		kv_snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	int ret = -1;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		kv_snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	if (write(fd, key, sizeof key) != (ssize_t)sizeof key || fsync(fd) != 0) {
		kv_snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		close(fd);
		goto done;
	}
	close(fd);
	if (link(tmp, path) != 0 && errno != EEXIST) {
		kv_snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto done;
	}
	ret = kv_fsync_dir(state_dir, err, errlen);
done:
	unlink(tmp);
	memset(key, 0, sizeof key);
	return ret;
}

/* An extract in the outbox made with a cell key (its manifest says so):
 * its id into `id`. A missing key with such extracts was lost. */
static bool made_with_a_key(const char *state_dir, char *id, size_t idlen)
{
	bool found = false;
	for (int st = 0; st < KV_OUTBOX_N_STATES && !found; st++) {
		char dir[4300];
		if (kv_snprintf(dir, sizeof dir, "%s/outbox/%s", state_dir,
				kv_outbox_state_name((enum kv_outbox_state)st)) != 0)
			continue;
		DIR *d = opendir(dir);
		if (d == NULL)
			continue;
		struct dirent *e;
		while (!found && (e = readdir(d)) != NULL) {
			char path[4600], text[4096];
			if (e->d_name[0] == '.' ||
			    kv_snprintf(path, sizeof path, "%s/%s/manifest.json", dir, e->d_name) != 0)
				continue;
			FILE *f = fopen(path, "r");
			if (f == NULL)
				continue;
			size_t n = fread(text, 1, sizeof text - 1, f);
			fclose(f);
			text[n] = '\0';
			if (strstr(text, "\"perturbation\": \"cell_key\"") != NULL) {
				kv_strlcpy(id, e->d_name, idlen);
				found = true;
			}
		}
		closedir(d);
	}
	return found;
}

int kv_cell_key_load(const char *state_dir, unsigned char key[KV_CELL_KEY_SIZE], char *err,
		     size_t errlen)
{
	char path[4200];
	if (kv_snprintf(path, sizeof path, "%s/%s", state_dir, KV_CELL_KEY_FILE) != 0) {
		kv_snprintf(err, errlen, "%s: path too long", state_dir);
		return -1;
	}
	struct stat st;
	if (mkdir(state_dir, 0700) != 0 && errno != EEXIST) {
		kv_snprintf(err, errlen, "could not create directory \"%s\": %s", state_dir,
			    strerror(errno));
		return -1;
	}
	if (lstat(path, &st) != 0) {
		if (errno != ENOENT) {
			kv_snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
		char id[256];
		if (made_with_a_key(state_dir, id, sizeof id)) {
			kv_snprintf(err, errlen,
				    "%s is missing, but extracts in the outbox (%s, ...) were made "
				    "with a cell key: restore it from the backup of the state "
				    "directory. A new key would publish months again with other "
				    "noise, which lets an attacker average it away; if the key is "
				    "lost for good, make one yourself knowing that (head -c 32 "
				    "/dev/urandom > %s; chmod 600 %s)",
				    path, id, path, path);
			return -1;
		}
		if (make_key(state_dir, path, err, errlen) != 0)
			return -1;
	}
	return read_key(path, key, err, errlen);
}

int64_t kv_cell_key_noise(const unsigned char key[KV_CELL_KEY_SIZE], const char *cell,
			  uint64_t count, uint32_t max, unsigned draw)
{
	if (max == 0)
		return 0;
	char msg[256];
	int len = draw == 0
			  ? snprintf(msg, sizeof msg, "kvalind cell key 1|%s|%" PRIu64, cell, count)
			  : snprintf(msg, sizeof msg, "kvalind cell key 1|%s|%" PRIu64 "|draw %u",
				     cell, count, draw);
	if (len < 0 || (size_t)len >= sizeof msg)
		len = (int)sizeof msg - 1;
	unsigned char mac[EVP_MAX_MD_SIZE];
	size_t mac_len = 0;
	if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, KV_CELL_KEY_SIZE,
		      (const unsigned char *)msg, (size_t)len,
		      mac, sizeof mac, &mac_len) == NULL ||
	    mac_len < 8)
		return 0; /* cannot happen with a working libcrypto; no noise is safe */
	uint64_t u = 0;
	for (int i = 0; i < 8; i++)
		u = u << 8 | mac[i];
	/* triangular: weight of n is max + 1 - |n|, total (max + 1)^2 */
	uint64_t total = (uint64_t)(max + 1) * (max + 1);
	uint64_t r = u % total; /* bias below 2^-50: immaterial */
	for (int64_t n = -(int64_t)max; n <= (int64_t)max; n++) {
		uint64_t w = (uint64_t)((int64_t)max + 1 - (n < 0 ? -n : n));
		if (r < w)
			return n;
		r -= w;
	}
	return 0;
}
