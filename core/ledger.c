/*
 * ledger.c - the append-only, hash-chained record of what left the office
 * (the format is described in ledger.h)
 *
 * The whole file is read into memory for each operation (it grows by a line
 * per month and destination). Appending holds an exclusive flock() on the
 * file from reading the last entry to fsync(), so two kvalind processes
 * cannot both take the same seq; readers take a shared lock so that they
 * never see an entry half written.
 *
 * Ownership: nothing returned needs freeing; every buffer and descriptor is
 * released on each path.
 * Errors: 0, or -1 with a message naming the file (and the line) in err;
 * kv_ledger_verify returns 1 for a broken chain, and kv_ledger_each what
 * the callback returned.
 */
#define _GNU_SOURCE /* flock(), fallocate() */
#include "ledger.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "log.h"
#include "sha256.h"

/* Far more than a century of monthly entries; anything larger is not ours. */
#define LEDGER_MAX_BYTES (16u * 1024u * 1024u)
#define LEDGER_FIELDS 9     /* with data_sha256 */
#define LEDGER_FIELDS_OLD 8 /* before data_sha256 was recorded */
#define LEDGER_LINE_MAX 2048

static const char zero_hash[] =
	"0000000000000000000000000000000000000000000000000000000000000000";

/* ---- reading ---------------------------------------------------------------- */

static int lock(int fd, int op, const char *path, char *err, size_t errlen)
{
	while (flock(fd, op) != 0) {
		if (errno != EINTR) {
			kv_snprintf(err, errlen, "could not lock \"%s\": %s", path,
				    strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* The whole of fd from offset 0 into *data (NUL-terminated, caller frees). */
static int read_all(int fd, const char *path, char **data, size_t *len, char *err,
		    size_t errlen)
{
	int ret = -1;
	size_t cap = 4096, n = 0;
	char *buf = kv_xcalloc(cap + 1, 1);
	if (lseek(fd, 0, SEEK_SET) < 0) {
		kv_snprintf(err, errlen, "could not read \"%s\": %s", path, strerror(errno));
		goto done;
	}
	for (;;) {
		if (n == cap) {
			if (cap >= LEDGER_MAX_BYTES) {
				kv_snprintf(err, errlen,
					    "\"%s\" is larger than %u bytes: not a ledger", path,
					    LEDGER_MAX_BYTES);
				goto done;
			}
			cap *= 2;
			buf = kv_xrealloc(buf, cap + 1, 1);
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			kv_snprintf(err, errlen, "could not read \"%s\": %s", path,
				    strerror(errno));
			goto done;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	buf = NULL;
	ret = 0;
done:
	free(buf);
	return ret;
}

/* Read the ledger under a shared lock. A file that does not exist is empty
 * (*data NULL, *len 0). */
static int load(const char *path, char **data, size_t *len, char *err, size_t errlen)
{
	int ret = -1;
	*data = NULL;
	*len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		kv_snprintf(err, errlen, "could not open \"%s\": %s", path, strerror(errno));
		goto done;
	}
	if (lock(fd, LOCK_SH, path, err, errlen) != 0)
		goto done;
	ret = read_all(fd, path, data, len, err, errlen);
done:
	if (fd >= 0)
		close(fd);
	return ret;
}

/* Lines of a buffer: each with its number and whether it ends in '\n'. */
struct lines {
	const char *data;
	size_t len;
	size_t pos;
	int number;
};

static bool next_line(struct lines *it, const char **line, size_t *linelen, bool *complete)
{
	if (it->pos >= it->len)
		return false;
	const char *start = it->data + it->pos;
	size_t left = it->len - it->pos;
	const char *nl = memchr(start, '\n', left);
	*line = start;
	*complete = nl != NULL;
	*linelen = nl != NULL ? (size_t)(nl - start) : left;
	it->pos += *linelen + (nl != NULL ? 1 : 0);
	it->number++;
	return true;
}

/* ---- parsing ------------------------------------------------------------------ */

static bool has_control(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c < 0x20 || c == 0x7f)
			return true;
	}
	return false;
}

/* A whole decimal number as written by PRIu64: digits, no leading zero. */
static bool parse_u64(const char *p, size_t n, uint64_t *out)
{
	if (n == 0 || n > 20 || (p[0] == '0' && n > 1))
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		uint64_t d = (uint64_t)(p[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* "YYYY-MM-DDTHH:MM:SSZ" */
static bool is_utc_time(const char *p, size_t n)
{
	static const char pattern[] = "dddd-dd-ddTdd:dd:ddZ";
	if (n != sizeof pattern - 1)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (pattern[i] == 'd' ? (p[i] < '0' || p[i] > '9') : p[i] != pattern[i])
			return false;
	}
	return true;
}

/* A text field: not empty, fits in size with its NUL, no control character. */
static bool is_text(const char *p, size_t n, size_t size)
{
	return n > 0 && n < size && !has_control(p, n);
}

/*
 * Parse one line (without its '\n') into e: 9 fields, or the 8 of an entry
 * written before data_sha256 was recorded. *hashed gets the length of the
 * part the hash covers (every field before it and the tabs between them).
 * 0, or -1 with the reason in why.
 */
static int parse_line(const char *line, size_t len, struct kv_ledger_entry *e, size_t *hashed,
		      char *why, size_t whylen)
{
	static const char *const names[LEDGER_FIELDS] = {"seq", "time", "destination",
							 "extract_id", "bytes", "sha256",
							 "data_sha256", "prev", "hash"};
	static const char *const expected[LEDGER_FIELDS] = {
		"a whole number from 1",
		"a UTC time YYYY-MM-DDTHH:MM:SSZ",
		"text without control characters",
		"text without control characters",
		"a whole number",
		"64 lower-case hex digits",
		"64 lower-case hex digits",
		"64 lower-case hex digits",
		"64 lower-case hex digits"};
	const char *field[LEDGER_FIELDS];
	size_t flen[LEDGER_FIELDS];
	size_t nf = 0;
	const char *p = line, *end = line + len;
	memset(e, 0, sizeof *e);
	for (;;) {
		const char *tab = memchr(p, '\t', (size_t)(end - p));
		const char *stop = tab != NULL ? tab : end;
		if (nf == LEDGER_FIELDS) {
			kv_snprintf(why, whylen, "more than %d tab-separated fields",
				    LEDGER_FIELDS);
			return -1;
		}
		field[nf] = p;
		flen[nf] = (size_t)(stop - p);
		nf++;
		if (tab == NULL)
			break;
		p = tab + 1;
	}
	if (nf != LEDGER_FIELDS && nf != LEDGER_FIELDS_OLD) {
		kv_snprintf(why, whylen, "%zu tab-separated field%s, not %d (or %d)", nf,
			    nf == 1 ? "" : "s", LEDGER_FIELDS, LEDGER_FIELDS_OLD);
		return -1;
	}
	/* map[i]: which of the 9 named fields field[i] is */
	static const int map9[LEDGER_FIELDS] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
	static const int map8[LEDGER_FIELDS_OLD] = {0, 1, 2, 3, 4, 5, 7, 8};
	const int *map = nf == LEDGER_FIELDS ? map9 : map8;
	int bad = -1;
	for (size_t i = 0; i < nf && bad < 0; i++) {
		bool ok;
		switch (map[i]) {
		case 0:
			ok = parse_u64(field[i], flen[i], &e->seq) && e->seq != 0;
			break;
		case 1:
			ok = is_utc_time(field[i], flen[i]);
			break;
		case 2:
			ok = is_text(field[i], flen[i], sizeof e->destination);
			break;
		case 3:
			ok = is_text(field[i], flen[i], sizeof e->extract_id);
			break;
		case 4:
			ok = parse_u64(field[i], flen[i], &e->bytes);
			break;
		default:
			ok = kv_sha256_hex_valid(field[i], flen[i]);
		}
		if (!ok)
			bad = (int)i;
	}
	if (bad >= 0) {
		int k = map[bad];
		kv_snprintf(why, whylen, "field %d (%s) is not %s%s", bad + 1, names[k],
			    expected[k], (k == 2 || k == 3) && flen[bad] == 0 ? " (it is empty)" : "");
		return -1;
	}
	size_t last = nf - 1;
	memcpy(e->time, field[1], flen[1]);
	memcpy(e->destination, field[2], flen[2]);
	memcpy(e->extract_id, field[3], flen[3]);
	memcpy(e->sha256, field[5], 64);
	if (nf == LEDGER_FIELDS)
		memcpy(e->data_sha256, field[6], 64);
	memcpy(e->prev, field[last - 1], 64);
	memcpy(e->hash, field[last], 64);
	*hashed = (size_t)(field[last] - 1 - line);
	return 0;
}

/* ---- each and verify ------------------------------------------------------- */

int kv_ledger_each(const char *path, int (*fn)(const struct kv_ledger_entry *e, void *arg),
		   void *arg, char *err, size_t errlen)
{
	int ret = -1;
	char *data = NULL;
	size_t len = 0;
	if (load(path, &data, &len, err, errlen) != 0)
		goto done;
	struct lines it = {data, len, 0, 0};
	const char *line;
	size_t linelen, hashed;
	bool complete;
	while (next_line(&it, &line, &linelen, &complete)) {
		struct kv_ledger_entry e;
		char why[256];
		if (!complete) {
			kv_warning("ledger \"%s\": line %d is an incomplete entry (crash while "
				   "writing?); it is skipped and cut off by the next append",
				   path, it.number);
			break;
		}
		if (parse_line(line, linelen, &e, &hashed, why, sizeof why) != 0) {
			kv_snprintf(err, errlen, "ledger \"%s\": line %d: not a ledger entry: %s",
				    path, it.number, why);
			goto done;
		}
		int rc = fn(&e, arg);
		if (rc != 0) {
			ret = rc;
			goto done;
		}
	}
	ret = 0;
done:
	free(data);
	return ret;
}

struct verdict {
	FILE *report;
	int problems;
	int first_line;
};

static void broken(struct verdict *v, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void broken(struct verdict *v, int line, const char *fmt, ...)
{
	if (v->problems++ == 0)
		v->first_line = line;
	if (v->report == NULL)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(v->report, "line %d: ", line);
	vfprintf(v->report, fmt, ap);
	fputc('\n', v->report);
	va_end(ap);
}

int kv_ledger_verify(const char *path, FILE *report, char *err, size_t errlen)
{
	int ret = -1;
	char *data = NULL;
	size_t len = 0;
	if (load(path, &data, &len, err, errlen) != 0)
		goto done;
	struct verdict v = {report, 0, 0};
	struct lines it = {data, len, 0, 0};
	const char *line;
	size_t linelen, hashed;
	bool complete;
	bool have_prev = false; /* the line before parsed, so it can be linked to */
	uint64_t prev_seq = 0;
	char prev_hash[KV_SHA256_HEX_SIZE] = "";
	int entries = 0;
	while (next_line(&it, &line, &linelen, &complete)) {
		struct kv_ledger_entry e;
		char why[256], hash[KV_SHA256_HEX_SIZE];
		int n = it.number;
		if (!complete) {
			broken(&v, n, "incomplete entry (crash while writing?)");
			break;
		}
		entries++;
		if (parse_line(line, linelen, &e, &hashed, why, sizeof why) != 0) {
			broken(&v, n, "not a ledger entry: %s", why);
			have_prev = false;
			continue;
		}
		if (kv_sha256_hex(line, hashed, hash, err, errlen) != 0)
			goto done;
		if (strcmp(hash, e.hash) != 0)
			broken(&v, n, "hash does not match its fields (edited?)");
		if (n == 1) {
			if (e.seq != 1)
				broken(&v, n, "seq %" PRIu64 " but the first entry's is 1 (entries "
					      "removed from the start?)",
				       e.seq);
			if (strcmp(e.prev, zero_hash) != 0)
				broken(&v, n, "prev is not 64 zeros as the first entry's must be "
					      "(entries removed from the start?)");
		} else if (have_prev) {
			if (e.seq != prev_seq + 1)
				broken(&v, n, "seq %" PRIu64 " follows %" PRIu64, e.seq, prev_seq);
			if (strcmp(e.prev, prev_hash) != 0)
				broken(&v, n,
				       "prev does not match line %d's hash (removed or reordered?)",
				       n - 1);
		}
		have_prev = true;
		prev_seq = e.seq;
		memcpy(prev_hash, e.hash, sizeof prev_hash);
	}
	if (v.problems == 0) {
		if (report != NULL)
			fprintf(report, "ledger %s: %d entr%s, chain intact\n", path, entries,
				entries == 1 ? "y" : "ies");
		ret = 0;
	} else {
		if (report != NULL)
			fprintf(report, "ledger %s: chain broken, first at line %d (%d problem%s)\n",
				path, v.first_line, v.problems, v.problems == 1 ? "" : "s");
		ret = 1;
	}
done:
	free(data);
	return ret;
}

/* ---- appending ----------------------------------------------------------------- */

static int check_text(const char *what, const char *s, size_t size, char *err, size_t errlen)
{
	size_t n = strlen(s);
	if (n == 0) {
		kv_snprintf(err, errlen, "ledger: the %s is empty", what);
		return -1;
	}
	if (n >= size) {
		kv_snprintf(err, errlen, "ledger: the %s is longer than %zu bytes", what,
			    size - 1);
		return -1;
	}
	if (has_control(s, n)) {
		kv_snprintf(err, errlen,
			    "ledger: the %s contains a tab, newline or other control character",
			    what);
		return -1;
	}
	return 0;
}

/* Cut off a torn last line (no '\n'), so that the next entry starts a line.
 * *len becomes the length kept. */
static int cut_torn_tail(int fd, const char *path, const char *data, size_t *len, char *err,
			 size_t errlen)
{
	size_t keep = *len;
	while (keep > 0 && data[keep - 1] != '\n')
		keep--;
	if (keep == *len)
		return 0;
	int line = 1;
	for (size_t i = 0; i < keep; i++)
		line += data[i] == '\n';
	kv_warning("ledger \"%s\": cutting off line %d, an incomplete entry of %zu bytes (crash "
		   "while writing?)",
		   path, line, *len - keep);
	if (ftruncate(fd, (off_t)keep) != 0) {
		kv_snprintf(err, errlen, "could not cut the incomplete last line of \"%s\": %s",
			    path, strerror(errno));
		return -1;
	}
	*len = keep;
	return 0;
}

/* The seq and hash of the last entry in data[0..len) (which ends in '\n'),
 * or 1 and zeros when there is none. */
static int last_entry(const char *path, const char *data, size_t len, uint64_t *seq,
		      char prev[KV_SHA256_HEX_SIZE], char *err, size_t errlen)
{
	*seq = 1;
	memcpy(prev, zero_hash, KV_SHA256_HEX_SIZE);
	if (len == 0)
		return 0;
	size_t start = len - 1;
	while (start > 0 && data[start - 1] != '\n')
		start--;
	int line = 1;
	for (size_t i = 0; i < start; i++)
		line += data[i] == '\n';
	struct kv_ledger_entry e;
	size_t hashed;
	char why[256];
	if (parse_line(data + start, len - 1 - start, &e, &hashed, why, sizeof why) != 0) {
		kv_snprintf(err, errlen,
			    "ledger \"%s\": line %d: not a ledger entry: %s; nothing appended "
			    "('kvalind ledger verify' checks the file)",
			    path, line, why);
		return -1;
	}
	*seq = e.seq + 1;
	memcpy(prev, e.hash, KV_SHA256_HEX_SIZE);
	return 0;
}

int kv_ledger_check_appendable(const char *path, char *err, size_t errlen)
{
	int ret = -1;
	char *data = NULL;
	size_t len = 0;
	int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0600);
	if (fd < 0) {
		kv_snprintf(err, errlen, "could not open \"%s\" for appending: %s", path,
			    strerror(errno));
		goto done;
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		kv_snprintf(err, errlen, "could not stat \"%s\": %s", path, strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		kv_snprintf(err, errlen, "\"%s\" is not a regular file", path);
		goto done;
	}
	if (lock(fd, LOCK_EX, path, err, errlen) != 0 ||
	    read_all(fd, path, &data, &len, err, errlen) != 0)
		goto done;
	while (len > 0 && data[len - 1] != '\n') /* a torn last line: the append cuts it */
		len--;
	uint64_t seq;
	char prev[KV_SHA256_HEX_SIZE];
	if (last_entry(path, data, len, &seq, prev, err, errlen) != 0)
		goto done;
	/* Reserve the blocks the next entry needs, without changing the size. */
	int rc;
	do
		rc = fallocate(fd, FALLOC_FL_KEEP_SIZE, (off_t)len, LEDGER_LINE_MAX);
	while (rc != 0 && errno == EINTR);
	if (rc != 0 && errno != EOPNOTSUPP && errno != ENOSYS && errno != EINVAL) {
		kv_snprintf(err, errlen, "no room to write \"%s\": %s", path, strerror(errno));
		goto done;
	}
	if (st.st_size == 0)
		kv_sync_parent_dir(path); /* the file may be new */
	ret = 0;
done:
	free(data);
	if (fd >= 0)
		close(fd); /* releases the lock */
	return ret;
}

int kv_ledger_append(const char *path, const char *destination, const char *extract_id,
		     uint64_t bytes, const char *sha256_hex, char *err, size_t errlen)
{
	return kv_ledger_append_sent(path, destination, extract_id, bytes, sha256_hex, NULL, err,
				     errlen);
}

int kv_ledger_append_sent(const char *path, const char *destination, const char *extract_id,
			  uint64_t bytes, const char *sha256_hex, const char *data_sha256_hex,
			  char *err, size_t errlen)
{
	int ret = -1;
	int fd = -1;
	char *data = NULL;
	size_t len = 0;
	struct kv_ledger_entry e;

	if (check_text("destination", destination, sizeof e.destination, err, errlen) != 0 ||
	    check_text("extract id", extract_id, sizeof e.extract_id, err, errlen) != 0)
		goto done;
	if (!kv_sha256_hex_valid(sha256_hex, strlen(sha256_hex))) {
		kv_snprintf(err, errlen, "ledger: the payload's sha256 is not 64 lower-case hex "
					 "digits");
		goto done;
	}
	if (data_sha256_hex != NULL &&
	    !kv_sha256_hex_valid(data_sha256_hex, strlen(data_sha256_hex))) {
		kv_snprintf(err, errlen, "ledger: the data's sha256 is not 64 lower-case hex "
					 "digits");
		goto done;
	}

	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		kv_snprintf(err, errlen, "could not open \"%s\": %s", path, strerror(errno));
		goto done;
	}
	if (lock(fd, LOCK_EX, path, err, errlen) != 0)
		goto done;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		kv_snprintf(err, errlen, "could not stat \"%s\": %s", path, strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		kv_snprintf(err, errlen, "\"%s\" is not a regular file", path);
		goto done;
	}
	if (read_all(fd, path, &data, &len, err, errlen) != 0 ||
	    cut_torn_tail(fd, path, data, &len, err, errlen) != 0)
		goto done;
	uint64_t seq;
	char prev[KV_SHA256_HEX_SIZE];
	if (last_entry(path, data, len, &seq, prev, err, errlen) != 0)
		goto done;

	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		kv_snprintf(err, errlen, "ledger \"%s\": could not format the time", path);
		goto done;
	}
	char line[LEDGER_LINE_MAX], hash[KV_SHA256_HEX_SIZE];
	if (kv_snprintf(line, sizeof line, "%" PRIu64 "\t%s\t%s\t%s\t%" PRIu64 "\t%s%s%s\t%s", seq,
			when, destination, extract_id, bytes, sha256_hex,
			data_sha256_hex != NULL ? "\t" : "",
			data_sha256_hex != NULL ? data_sha256_hex : "", prev) != 0) {
		kv_snprintf(err, errlen, "ledger \"%s\": entry too long", path);
		goto done;
	}
	size_t hashed = strlen(line);
	if (kv_sha256_hex(line, hashed, hash, err, errlen) != 0)
		goto done;
	if (kv_snprintf(line + hashed, sizeof line - hashed, "\t%s\n", hash) != 0) {
		kv_snprintf(err, errlen, "ledger \"%s\": entry too long", path);
		goto done;
	}
	size_t total = strlen(line);

	/* Never write what could not be read back. */
	char why[256];
	if (parse_line(line, total - 1, &e, &hashed, why, sizeof why) != 0) {
		kv_snprintf(err, errlen, "ledger \"%s\": refusing to write a bad entry: %s", path,
			    why);
		goto done;
	}

	ssize_t w;
	do
		w = write(fd, line, total);
	while (w < 0 && errno == EINTR);
	if (w < 0 || (size_t)w != total) {
		kv_snprintf(err, errlen, "could not write \"%s\": %s", path,
			    w < 0 ? strerror(errno) : "short write");
		if (w > 0 && ftruncate(fd, (off_t)len) != 0)
			kv_warning("ledger \"%s\": could not cut off a partly written entry: %s",
				   path, strerror(errno));
		goto done;
	}
	if (fsync(fd) != 0) {
		kv_snprintf(err, errlen, "could not sync \"%s\": %s", path, strerror(errno));
		goto done;
	}
	if (st.st_size == 0)
		kv_sync_parent_dir(path); /* the file may be new */
	ret = 0;
done:
	free(data);
	if (fd >= 0)
		close(fd); /* releases the lock */
	return ret;
}
