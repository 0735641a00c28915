/*
 * preview.c - the human-readable view of an extract's data.csv
 *
 * The CSV is kvalind's own (extract.h): ten fields without quotes or commas
 * inside them, so a field split is enough here.
 */
#include "preview.h"

#include <string.h>

#include "sha256.h"
#include "util.h"

#define N_FIELDS 10

/* Split one line into fields (in place); returns the count. */
static size_t split(char *line, char **fields)
{
	size_t n = 0;
	fields[n++] = line;
	for (char *c = line; *c && n < N_FIELDS; c++)
		if (*c == ',') {
			*c = '\0';
			fields[n++] = c + 1;
		}
	return n;
}

static const char *count_text(const char *value, const char *status, char *buf, size_t size)
{
	if (strcmp(status, "published") == 0)
		return value;
	if (strncmp(status, "suppressed_", 11) == 0) {
		kv_snprintf(buf, size, "<%s>", status + 11);
		return buf;
	}
	if (strcmp(status, "not_applicable") == 0)
		return "";
	kv_snprintf(buf, size, "(%s)", status);
	return buf;
}

static void print_table(FILE *out, const char *csv, size_t len)
{
	char line[1024], nbuf[64], dbuf[64];
	char *f[N_FIELDS];
	size_t start = 0, row = 0;
	fprintf(out, "  %-26s %-14s %-14s %s\n", "indicator", "numerator", "denominator",
		"share / mean");
	while (start < len) {
		const char *nl = memchr(csv + start, '\n', len - start);
		size_t n = nl ? (size_t)(nl - (csv + start)) : len - start;
		if (n >= sizeof line)
			n = sizeof line - 1;
		memcpy(line, csv + start, n);
		line[n] = '\0';
		start += n + 1;
		if (row++ == 0)
			continue; /* header */
		if (split(line, f) != N_FIELDS) {
			fprintf(out, "  (a line of data.csv that is not an extract row)\n");
			continue;
		}
		fprintf(out, "  %-26s %-14s %-14s %s%s\n", f[1],
			count_text(f[4], f[5], nbuf, sizeof nbuf),
			count_text(f[6], f[7], dbuf, sizeof dbuf), f[9][0] ? "mean " : "",
			f[9][0] ? f[9] : f[8]);
	}
	fprintf(out, "  (<small>: below min_count; <complement>: denominator minus numerator "
		     "below min_count;\n   <secondary>: hidden so the others cannot be worked "
		     "out from the published counts)\n");
}

void kv_preview_print(FILE *out, const char *id, const char *state, const char *manifest,
		      size_t manifest_len, const char *csv, size_t csv_len, bool raw)
{
	if (raw) {
		fprintf(out, "==> %s/manifest.json <==\n", id);
		fwrite(manifest, 1, manifest_len, out);
		fprintf(out, "==> %s/data.csv <==\n", id);
		fwrite(csv, 1, csv_len, out);
		return;
	}
	char sha[KV_SHA256_HEX_SIZE], err[256];
	size_t rows = 0;
	for (size_t i = 0; i < csv_len; i++)
		rows += csv[i] == '\n';
	if (kv_sha256_hex(csv, csv_len, sha, err, sizeof err) != 0)
		kv_strlcpy(sha, "?", sizeof sha);
	fprintf(out, "extract %s: %s\n", id, state);
	fprintf(out, "  data.csv: %zu rows, %zu bytes, SHA-256 %s; manifest.json: %zu bytes\n",
		rows ? rows - 1 : 0, csv_len, sha, manifest_len);
	print_table(out, csv, csv_len);
	fputc('\n', out);
}
