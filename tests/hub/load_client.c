/*
 * load_client.c - simulated offices for the hub's load benchmark
 * (tests/hub/load.sh) and valid extracts for the hostile-client test
 * (tests/hub/hostile.sh)
 *
 *   hub_load register --config HUB.INI --offices N --out DIR
 *       registers load-00000 .. load-N-1 as `kvalind-hub register` does, in
 *       one process: the hub's own issuing code (hub_ca_issue_client: an
 *       ECDSA key per office, CN = its participant id, from the hub CA) and
 *       its own hub_db_register (serial and expiry), without a process and a
 *       database connection per office. Files in DIR/ID/ID.{key,pem}.
 *
 *   hub_load push --url URL --ca CA.PEM --certs DIR --template CSV
 *       --offices N --months M [--first K] [--from YYYY-MM] [--parallel P]
 *       [--resend-permille R] [--seed S] [--ids FILE] [--spread]
 *       [--readers Q]
 *       offices load-K .. load-(K+N-1) each push their M monthly extracts in
 *       order over their own keep-alive connection, P offices at a time
 *       (libcurl multi, one thread: at most P requests in flight), each
 *       expecting 201; then R per mille of them, drawn at random, again with
 *       their keys, expecting 200 "already stored". --spread: office i
 *       connects from the loopback address 127.0.(i/250).(2 + i%250), not
 *       127.0.0.1. --readers Q: meanwhile Q offices (load-K ..) read report
 *       pages (GET /reports/ID.html, the template's shares in turn) one
 *       after the other until the pushes are done. Prints throughput and
 *       latency percentiles (libcurl's total time per request; the pages'
 *       too); writes the ids pushed to FILE. Exit 0 when every status was
 *       the expected one.
 *
 *   hub_load emit --participant ID --month YYYY-MM --template CSV
 *       --out DIR [--seed S]
 *       one valid extract: DIR/manifest.json, DIR/data.csv, DIR/id.
 *
 * The template is the data.csv of a real extract, as an office's kvalind
 * exported it (tests/hub/lib.sh: real_extract): its counts and statuses
 * are what an office's disclosure control publishes (the hub's validator
 * refuses counts it could not have published, and checks them against
 * each other), so every extract takes its rows, with the participant and
 * the month replaced, and the "disclosure" object of the manifest.json
 * beside it (the parameters the counts were controlled under: with
 * cell-key noise the hub audits them under perturbation_max 1). Without a template (--indicators FILE of "ID VERSION
 * TYPE" lines, as `SELECT id, version, type FROM indicators` gives them)
 * the rows are made up: counts on the base, shares, means; the hub refuses
 * such extracts now, so this is only for the malformed-extract attacks.
 */
#include "hub.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <curl/curl.h>

#include "outbox.h"

struct ind {
	char id[KV_EXTRACT_ID_MAX + 1];
	unsigned version;
	bool mean;
};

static struct ind *inds;
static size_t n_inds;

/* The template's rows: "INDICATOR,VERSION" and the columns after the month. */
struct tpl_row {
	char *mid, *tail;
	bool share; /* a share is published: a page to read */
};
static struct tpl_row *tpl;
static size_t n_tpl;
/* The template manifest's "disclosure" object, as written: its parameters
 * (perturbation_max above all) are what the counts were controlled under,
 * and the hub audits the counts under them. */
static char *tpl_disclosure;

static void die(const char *fmt, ...) KV_PRINTF(1, 2);
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("hub_load: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static void load_indicators(const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		die("%s: %s", path, strerror(errno));
	char id[128], type[32];
	unsigned v;
	while (fscanf(f, "%100s %u %31s", id, &v, type) == 3) {
		inds = kv_xrealloc(inds, n_inds + 1, sizeof *inds);
		kv_strlcpy(inds[n_inds].id, id, sizeof inds[n_inds].id);
		inds[n_inds].version = v;
		inds[n_inds].mean = strcmp(type, "mean") == 0;
		n_inds++;
	}
	fclose(f);
	if (n_inds == 0)
		die("%s: no indicators", path);
}

static void load_template(const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		die("%s: %s", path, strerror(errno));
	char line[1024];
	if (fgets(line, sizeof line, f) == NULL || strcmp(line, KV_EXTRACT_CSV_HEADER) != 0)
		die("%s: not an extract's data.csv", path);
	while (fgets(line, sizeof line, f) != NULL) {
		char *field[10], *p = line;
		size_t n = 0;
		line[strcspn(line, "\n")] = '\0';
		for (; n < 10; n++) {
			field[n] = p;
			p = strchr(p, ',');
			if (p == NULL) {
				n++;
				break;
			}
			*p++ = '\0';
		}
		if (n != 10)
			die("%s: a row without 10 columns", path);
		tpl = kv_xrealloc(tpl, n_tpl + 1, sizeof *tpl);
		struct tpl_row *t = &tpl[n_tpl++];
		size_t mid = strlen(field[1]) + strlen(field[2]) + 2;
		t->mid = kv_xcalloc(1, mid);
		snprintf(t->mid, mid, "%s,%s", field[1], field[2]);
		size_t tail = 0;
		for (int k = 4; k < 10; k++)
			tail += strlen(field[k]) + 1;
		t->tail = kv_xcalloc(1, tail + 1);
		for (int k = 4; k < 10; k++) {
			strcat(t->tail, field[k]);
			if (k < 9)
				strcat(t->tail, ",");
		}
		t->share = field[8][0] != '\0';
	}
	fclose(f);
	if (n_tpl == 0)
		die("%s: no rows", path);
	/* manifest.json beside it */
	char mpath[4200], *m = NULL;
	size_t mlen = 0;
	snprintf(mpath, sizeof mpath, "%.*s/manifest.json",
		 (int)(strrchr(path, '/') ? strrchr(path, '/') - path : 1),
		 strrchr(path, '/') ? path : ".");
	FILE *mf = fopen(mpath, "r");
	if (mf == NULL)
		die("%s: %s (the template's manifest)", mpath, strerror(errno));
	FILE *buf = open_memstream(&m, &mlen);
	int ch;
	while ((ch = fgetc(mf)) != EOF)
		fputc(ch, buf);
	fclose(buf);
	fclose(mf);
	const char *d = strstr(m, "\"disclosure\": {"), *e = d ? strchr(d, '}') : NULL;
	if (e == NULL)
		die("%s: no \"disclosure\" object", mpath);
	tpl_disclosure = kv_xcalloc(1, (size_t)(e - d) + 2);
	memcpy(tpl_disclosure, d, (size_t)(e - d) + 1);
	free(m);
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

struct extract {
	char id[160];
	char *csv, *manifest;
	size_t csv_len, manifest_len;
};

static void extract_free(struct extract *x)
{
	free(x->csv);
	free(x->manifest);
	memset(x, 0, sizeof *x);
}

/* The extract of participant for month: the same every time for the same
 * (participant, month, seed). */
static void build(const char *participant, const char *month, uint64_t seed, struct extract *x)
{
	memset(x, 0, sizeof *x);
	uint64_t h = seed;
	for (const char *p = participant; *p; p++)
		h = mix(h ^ (unsigned char)*p);
	for (const char *p = month; *p; p++)
		h = mix(h ^ (unsigned char)*p);
	FILE *f = open_memstream(&x->csv, &x->csv_len);
	fputs(KV_EXTRACT_CSV_HEADER, f);
	for (size_t i = 0; i < n_tpl; i++)
		fprintf(f, "%s,%s,%s,%s\n", participant, tpl[i].mid, month, tpl[i].tail);
	for (size_t i = 0; i < n_inds && n_tpl == 0; i++) {
		uint64_t r = mix(h + i);
		unsigned den = 5 * (unsigned)(4 + r % 160);
		fprintf(f, "%s,%s,%u,%s,", participant, inds[i].id, inds[i].version, month);
		if (inds[i].mean) {
			fprintf(f, ",not_applicable,%u,published,,%u.%02u\n", den,
				(unsigned)(r >> 20) % 300, (unsigned)(r >> 40) % 100);
		} else if ((r >> 16) % 7 == 0) {
			fprintf(f, ",suppressed_small,%u,published,,\n", den);
		} else {
			unsigned num = 5 * (unsigned)(1 + (r >> 24) % (den / 5));
			fprintf(f, "%u,published,%u,published,%.4f,\n", num, den,
				(double)num / (double)den);
		}
	}
	fclose(f);
	char sha[KV_SHA256_HEX_SIZE], err[200];
	if (kv_sha256_hex(x->csv, x->csv_len, sha, err, sizeof err) != 0)
		die("%s", err);
	if (kv_outbox_make_id(participant, month, sha, x->id, sizeof x->id) != 0)
		die("participant id too long");
	f = open_memstream(&x->manifest, &x->manifest_len);
	fprintf(f,
		"{\n  \"format\": \"%s\",\n  \"format_version\": %d,\n  \"extract_id\": \"%s\",\n"
		"  \"participant\": \"%s\",\n  \"kvalind_version\": \"0.1.0\",\n"
		"  \"catalogue_version\": \"load\",\n  \"value_set_version\": \"load\",\n"
		"  \"months\": [\"%s\"],\n  \"created\": \"2023-05-06T03:00:00Z\",\n"
		"  %s,\n"
		"  \"data\": {\n    \"file\": \"data.csv\",\n    \"rows\": %zu,\n    \"bytes\": %zu,\n"
		"    \"sha256\": \"%s\"\n  }\n}\n",
		KV_EXTRACT_FORMAT_NAME, KV_EXTRACT_FORMAT_VERSION, x->id, participant, month,
		tpl_disclosure != NULL ? tpl_disclosure
				       : "\"disclosure\": {\n    \"min_count\": 5,\n    \"rounding_base\": "
					 "5,\n    \"rounding\": \"nearest multiple of rounding_base, halves "
					 "up; never below min_count\",\n    \"secondary_suppression\": "
					 "true,\n    \"algorithm\": 2,\n    \"perturbation\": \"none\",\n "
					 "   \"perturbation_max\": 0\n  }",
		n_tpl > 0 ? n_tpl : n_inds, x->csv_len, sha);
	fclose(f);
}

static void write_file(const char *dir, const char *name, const char *data, size_t len)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		die("cannot write %s", path);
}

static void office_id(size_t i, char *out, size_t size)
{
	snprintf(out, size, "load-%05zu", i);
}

/* ---- register ---------------------------------------------------------------- */

static int cmd_register(const char *config, size_t offices, const char *out)
{
	struct hub_config cfg;
	struct kv_diags d = {0};
	if (hub_config_load(config, &cfg, &d) != 0) {
		for (size_t i = 0; i < d.n; i++)
			fprintf(stderr, "hub_load: %s\n", d.msgs[i]);
		return 1;
	}
	kv_diags_free(&d);
	hub_log_set_level(KV_LOG_WARNING);
	char err[1024];
	PGconn *db = hub_db_connect(&cfg, err, sizeof err);
	if (db == NULL || hub_db_migrate(db, err, sizeof err) != 0)
		die("%s", err);
	mkdir(out, 0755);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	PGresult *r = PQexec(db, "BEGIN");
	PQclear(r);
	for (size_t i = 0; i < offices; i++) {
		char id[32], dir[4200], serial[80];
		time_t not_after;
		office_id(i, id, sizeof id);
		snprintf(dir, sizeof dir, "%s/%s", out, id);
		if (hub_ca_issue_client(cfg.ca_cert, cfg.ca_key, id, cfg.client_cert_days, dir, serial,
					sizeof serial, &not_after, err, sizeof err) != 0 ||
		    hub_db_register(db, id, NULL, serial, not_after, false, err, sizeof err) != 0)
			die("%s: %s", id, err);
	}
	r = PQexec(db, "COMMIT");
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		die("commit: %s", PQerrorMessage(db));
	PQclear(r);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("registered %zu offices in %.1f s (%.1f ms each)\n", offices, s,
	       1000.0 * s / (double)offices);
	PQfinish(db);
	hub_config_free(&cfg);
	return 0;
}

/* ---- push ---------------------------------------------------------------------- */

struct slot {
	CURL *h;
	curl_mime *mime;
	struct curl_slist *headers;
	struct extract x;
	char body[256];
	size_t body_len;
	size_t office, month; /* month: index from --from */
	bool resend;
	bool reader; /* reads report pages instead */
	size_t page;
	bool busy;
};

struct push {
	const char *url, *ca, *certs;
	size_t offices, months, first;
	int from;
	bool spread;
	CURLM *multi;
	struct slot *slots;
	size_t n_slots, n_readers;
	/* the queue: offices in order, then resends */
	size_t next_office;
	size_t *resend; /* office * months + month */
	size_t n_resend, next_resend;
	/* results */
	double *lat_ms;
	size_t n_lat, n_ok, n_bad, n_resend_ok, n_resend_bad, shown;
	double *page_ms;
	size_t n_pages, cap_pages, n_pages_bad;
	FILE *ids;
};

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct slot *s = arg;
	size_t len = size * n, room = sizeof s->body - 1 - s->body_len;
	memcpy(s->body + s->body_len, data, len < room ? len : room);
	s->body_len += len < room ? len : room;
	s->body[s->body_len] = '\0';
	return len;
}

/* A new easy handle for office o (a new connection with its certificate). */
static void new_handle(struct push *p, struct slot *s, size_t o)
{
	char id[32], path[4200], key[4200], iface[64];
	office_id(p->first + o, id, sizeof id);
	if (s->h != NULL)
		curl_easy_cleanup(s->h);
	s->h = curl_easy_init();
	snprintf(path, sizeof path, "%s/%s/%s.pem", p->certs, id, id);
	snprintf(key, sizeof key, "%s/%s/%s.key", p->certs, id, id);
	curl_easy_setopt(s->h, CURLOPT_CAINFO, p->ca);
	curl_easy_setopt(s->h, CURLOPT_SSLCERT, path);
	curl_easy_setopt(s->h, CURLOPT_SSLKEY, key);
	curl_easy_setopt(s->h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(s->h, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(s->h, CURLOPT_PRIVATE, s);
	curl_easy_setopt(s->h, CURLOPT_TIMEOUT, 300L);
	curl_easy_setopt(s->h, CURLOPT_NOSIGNAL, 1L);
	if (p->spread) {
		size_t i = p->first + o;
		snprintf(iface, sizeof iface, "host!127.0.%zu.%zu", (i / 250) % 250, 2 + i % 250);
		curl_easy_setopt(s->h, CURLOPT_INTERFACE, iface);
	}
	s->office = o;
}

/* Start the slot's next request: month m of office o. */
static void start(struct push *p, struct slot *s, size_t o, size_t m, bool resend)
{
	char id[32], month[16], hdr[300];
	office_id(p->first + o, id, sizeof id);
	int mi = p->from + (int)m;
	snprintf(month, sizeof month, "%04d-%02d", (mi / 12) % 10000, (mi % 12 + 12) % 12 + 1);
	if (s->h == NULL || resend || o != s->office)
		new_handle(p, s, o);
	curl_easy_setopt(s->h, CURLOPT_URL, p->url);
	s->month = m;
	s->resend = resend;
	s->busy = true;
	s->body_len = 0;
	s->body[0] = '\0';
	extract_free(&s->x);
	build(id, month, 1, &s->x);
	if (s->mime != NULL)
		curl_mime_free(s->mime);
	s->mime = curl_mime_init(s->h);
	curl_mimepart *part = curl_mime_addpart(s->mime);
	curl_mime_name(part, "manifest");
	curl_mime_filename(part, "manifest.json");
	curl_mime_type(part, "application/json");
	curl_mime_data(part, s->x.manifest, s->x.manifest_len);
	part = curl_mime_addpart(s->mime);
	curl_mime_name(part, "data");
	curl_mime_filename(part, "data.csv");
	curl_mime_type(part, "text/csv");
	curl_mime_data(part, s->x.csv, s->x.csv_len);
	curl_easy_setopt(s->h, CURLOPT_MIMEPOST, s->mime);
	curl_slist_free_all(s->headers);
	snprintf(hdr, sizeof hdr, "Idempotency-Key: %s", s->x.id);
	s->headers = curl_slist_append(NULL, hdr);
	s->headers = curl_slist_append(s->headers, "Expect:");
	curl_easy_setopt(s->h, CURLOPT_HTTPHEADER, s->headers);
	curl_multi_add_handle(p->multi, s->h);
}

/* Are pushes still to be made or in flight? */
static bool pushing(const struct push *p)
{
	if (p->next_office < p->offices)
		return true;
	for (size_t i = 0; i < p->n_slots; i++)
		if (!p->slots[i].reader && p->slots[i].busy)
			return true;
	return false;
}

/* A reader's next page, while pushes go on. */
static void next_page(struct push *p, struct slot *s)
{
	s->busy = false;
	if (!pushing(p))
		return;
	size_t k = 0;
	for (size_t i = 0; i < n_tpl; i++)
		k += tpl[i].share;
	if (k == 0)
		return;
	size_t want = s->page++ % k;
	const char *ind = NULL;
	for (size_t i = 0; i < n_tpl && ind == NULL; i++)
		if (tpl[i].share && want-- == 0)
			ind = tpl[i].mid;
	char url[4400], id[128];
	snprintf(id, sizeof id, "%.*s", (int)strcspn(ind, ","), ind);
	const char *e = strstr(p->url, "/extracts");
	snprintf(url, sizeof url, "%.*s/reports/%s.html", (int)(e ? e - p->url : (int)strlen(p->url)),
		 p->url, id);
	if (s->h == NULL)
		new_handle(p, s, s->office);
	curl_easy_setopt(s->h, CURLOPT_URL, url);
	curl_easy_setopt(s->h, CURLOPT_HTTPGET, 1L);
	s->busy = true;
	s->body_len = 0;
	s->body[0] = '\0';
	curl_multi_add_handle(p->multi, s->h);
}

/* The slot's next piece of work, or idle. */
static void next(struct push *p, struct slot *s)
{
	s->busy = false;
	if (s->h != NULL && !s->resend && s->month + 1 < p->months) {
		start(p, s, s->office, s->month + 1, false);
		return;
	}
	if (p->next_office < p->offices) {
		start(p, s, p->next_office++, 0, false);
		return;
	}
}

static void next_resend(struct push *p, struct slot *s)
{
	s->busy = false;
	if (p->next_resend < p->n_resend) {
		size_t k = p->resend[p->next_resend++];
		start(p, s, k / p->months, k % p->months, true);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(const double *v, size_t n, double q)
{
	if (n == 0)
		return 0;
	size_t i = (size_t)(q * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

static void run(struct push *p, bool resends)
{
	for (size_t i = 0; i < p->n_slots; i++) {
		struct slot *s = &p->slots[i];
		if (s->reader)
			resends ? (void)0 : next_page(p, s);
		else
			resends ? next_resend(p, s) : next(p, s);
	}
	int running = 1;
	while (running > 0) {
		curl_multi_perform(p->multi, &running);
		CURLMsg *msg;
		int left;
		while ((msg = curl_multi_info_read(p->multi, &left)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			struct slot *s;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
			long code = 0;
			curl_off_t us = 0;
			curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &code);
			curl_easy_getinfo(s->h, CURLINFO_TOTAL_TIME_T, &us);
			curl_multi_remove_handle(p->multi, s->h);
			if (s->reader) {
				if (p->n_pages == p->cap_pages) {
					p->cap_pages = p->cap_pages ? 2 * p->cap_pages : 1024;
					p->page_ms = kv_xrealloc(p->page_ms, p->cap_pages, sizeof *p->page_ms);
				}
				p->page_ms[p->n_pages++] = (double)us / 1000.0;
				if (msg->data.result != CURLE_OK || code != 200) {
					p->n_pages_bad++;
					if (p->shown++ < 10)
						fprintf(stderr, "hub_load: report page: %s %ld %s\n",
							curl_easy_strerror(msg->data.result), code, s->body);
				}
				next_page(p, s);
				running = 1;
				continue;
			}
			long want = s->resend ? 200 : 201;
			bool good = msg->data.result == CURLE_OK && code == want;
			if (s->resend) {
				good ? p->n_resend_ok++ : p->n_resend_bad++;
			} else {
				p->lat_ms[p->n_lat++] = (double)us / 1000.0;
				good ? p->n_ok++ : p->n_bad++;
				if (good && p->ids != NULL)
					fprintf(p->ids, "%s\n", s->x.id);
			}
			if (!good && p->shown++ < 10)
				fprintf(stderr, "hub_load: %s: %s %ld %s\n", s->x.id,
					msg->data.result != CURLE_OK ? curl_easy_strerror(msg->data.result)
								     : "HTTP",
					code, s->body);
			resends ? next_resend(p, s) : next(p, s);
			/* the multi handle has it again; keep performing */
			running = 1;
		}
		if (running > 0)
			curl_multi_poll(p->multi, NULL, 0, 100, NULL);
	}
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static int cmd_push(struct push *p, unsigned resend_permille, unsigned seed, const char *ids)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	p->multi = curl_multi_init();
	size_t pushers = p->n_slots;
	p->n_slots += p->n_readers;
	curl_multi_setopt(p->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)p->n_slots);
	p->slots = kv_xcalloc(p->n_slots, sizeof *p->slots);
	for (size_t i = pushers; i < p->n_slots; i++) {
		p->slots[i].reader = true;
		p->slots[i].office = i - pushers; /* reads as office load-FIRST+i */
		p->slots[i].page = i * 7;
	}
	size_t total = p->offices * p->months;
	p->lat_ms = kv_xcalloc(total ? total : 1, sizeof *p->lat_ms);
	if (ids != NULL && (p->ids = fopen(ids, "w")) == NULL)
		die("%s: %s", ids, strerror(errno));

	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run(p, false);
	double s = seconds_since(&t0);
	qsort(p->lat_ms, p->n_lat, sizeof *p->lat_ms, cmp_double);
	printf("pushed %zu extracts (%zu offices x %zu months, %zu in flight%s) in %.1f s: "
	       "%.1f extracts/s\n",
	       p->n_lat, p->offices, p->months, pushers,
	       p->spread ? ", each office from its own loopback address" : "", s,
	       (double)p->n_lat / s);
	printf("latency: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n",
	       pct(p->lat_ms, p->n_lat, 0.50), pct(p->lat_ms, p->n_lat, 0.90),
	       pct(p->lat_ms, p->n_lat, 0.99), p->n_lat ? p->lat_ms[p->n_lat - 1] : 0.0);
	printf("201 stored: %zu, other: %zu\n", p->n_ok, p->n_bad);
	if (p->n_readers > 0) {
		qsort(p->page_ms, p->n_pages, sizeof *p->page_ms, cmp_double);
		printf("meanwhile %zu offices read %zu report pages (%zu not 200): p50 %.1f ms, p99 "
		       "%.1f ms, max %.1f ms\n",
		       p->n_readers, p->n_pages, p->n_pages_bad, pct(p->page_ms, p->n_pages, 0.50),
		       pct(p->page_ms, p->n_pages, 0.99),
		       p->n_pages ? p->page_ms[p->n_pages - 1] : 0.0);
	}

	/* a random resend_permille of them again, each a fresh connection */
	srand(seed);
	p->resend = kv_xcalloc(total ? total : 1, sizeof *p->resend);
	for (size_t k = 0; k < total; k++)
		if ((unsigned)rand() % 1000 < resend_permille)
			p->resend[p->n_resend++] = k;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run(p, true);
	if (resend_permille > 0)
		printf("resent %zu (%u per mille, at random) in %.1f s: 200 already stored: %zu, "
		       "other: %zu\n",
		       p->n_resend, resend_permille, seconds_since(&t0), p->n_resend_ok,
		       p->n_resend_bad);
	if (p->ids != NULL)
		fclose(p->ids);
	for (size_t i = 0; i < p->n_slots; i++) {
		if (p->slots[i].h != NULL)
			curl_easy_cleanup(p->slots[i].h);
		curl_mime_free(p->slots[i].mime);
		curl_slist_free_all(p->slots[i].headers);
		extract_free(&p->slots[i].x);
	}
	curl_multi_cleanup(p->multi);
	free(p->slots);
	free(p->lat_ms);
	free(p->page_ms);
	free(p->resend);
	curl_global_cleanup();
	return p->n_bad == 0 && p->n_resend_bad == 0 && p->n_ok == total && p->n_pages_bad == 0
		   ? 0
		   : 1;
}

/* ---- main ------------------------------------------------------------------------ */

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'},     {"offices", required_argument, NULL, 'n'},
	    {"out", required_argument, NULL, 'o'},        {"url", required_argument, NULL, 'u'},
	    {"ca", required_argument, NULL, 'a'},         {"certs", required_argument, NULL, 'C'},
	    {"indicators", required_argument, NULL, 'i'}, {"months", required_argument, NULL, 'm'},
	    {"from", required_argument, NULL, 'f'},       {"parallel", required_argument, NULL, 'p'},
	    {"resend-permille", required_argument, NULL, 'r'},
	    {"seed", required_argument, NULL, 's'},       {"ids", required_argument, NULL, 'I'},
	    {"participant", required_argument, NULL, 'P'}, {"month", required_argument, NULL, 'M'},
	    {"template", required_argument, NULL, 'T'},   {"first", required_argument, NULL, 'F'},
	    {"readers", required_argument, NULL, 'R'},    {"spread", no_argument, NULL, 'S'},
	    {0}};
	if (argc < 2)
		die("usage: hub_load register|push|emit OPTIONS (see load_client.c)");
	const char *cmd = argv[1];
	const char *config = NULL, *out = NULL, *indicators = NULL, *ids = NULL,
		   *participant = NULL, *month = NULL, *template = NULL;
	struct push p = {.n_slots = 32, .months = 101};
	unsigned resend = 10, seed = 1;
	kv_parse_month("2014-12", &p.from);
	int c;
	optind = 2;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		long long v = 0;
		if (strchr("nmprsFR", c) && (!kv_parse_int64(optarg, &v) || v < 0))
			die("%s: expected a number", optarg);
		switch (c) {
		case 'c': config = optarg; break;
		case 'n': p.offices = (size_t)v; break;
		case 'o': out = optarg; break;
		case 'u': p.url = optarg; break;
		case 'a': p.ca = optarg; break;
		case 'C': p.certs = optarg; break;
		case 'i': indicators = optarg; break;
		case 'm': p.months = (size_t)v; break;
		case 'f':
			if (!kv_parse_month(optarg, &p.from))
				die("--from: expected YYYY-MM");
			break;
		case 'p': p.n_slots = v > 0 ? (size_t)v : 1; break;
		case 'r': resend = (unsigned)v; break;
		case 's': seed = (unsigned)v; break;
		case 'I': ids = optarg; break;
		case 'P': participant = optarg; break;
		case 'M': month = optarg; break;
		case 'T': template = optarg; break;
		case 'F': p.first = (size_t)v; break;
		case 'R': p.n_readers = (size_t)v; break;
		case 'S': p.spread = true; break;
		default: die("unknown option");
		}
	}
	if (strcmp(cmd, "register") == 0) {
		if (config == NULL || out == NULL || p.offices == 0)
			die("register needs --config, --offices, --out");
		return cmd_register(config, p.offices, out);
	}
	if (template != NULL)
		load_template(template);
	else if (indicators != NULL)
		load_indicators(indicators);
	else
		die("%s needs --template (or --indicators)", cmd);
	if (strcmp(cmd, "emit") == 0) {
		int m;
		if (participant == NULL || month == NULL || out == NULL || strlen(month) != 7 ||
		    !kv_parse_month(month, &m))
			die("emit needs --participant, --month YYYY-MM, --out");
		struct extract x;
		build(participant, month, seed, &x);
		mkdir(out, 0755);
		write_file(out, "manifest.json", x.manifest, x.manifest_len);
		write_file(out, "data.csv", x.csv, x.csv_len);
		char line[200];
		snprintf(line, sizeof line, "%s\n", x.id);
		write_file(out, "id", line, strlen(line));
		extract_free(&x);
		free(inds);
		for (size_t i = 0; i < n_tpl; i++) {
			free(tpl[i].mid);
			free(tpl[i].tail);
		}
		free(tpl);
		free(tpl_disclosure);
		return 0;
	}
	if (strcmp(cmd, "push") == 0) {
		if (p.url == NULL || p.ca == NULL || p.certs == NULL || p.offices == 0 || p.months == 0)
			die("push needs --url, --ca, --certs, --offices, --months");
		int rc = cmd_push(&p, resend, seed, ids);
		free(inds);
		return rc;
	}
	die("unknown command %s", cmd);
}
