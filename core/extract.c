/*
 * extract.c - writing an extract's data.csv and manifest.json in memory
 */
#include "extract.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract_format.h"
#include "outbox.h"
#include "results.h"

#ifndef KV_VERSION
#define KV_VERSION "0.1.0"
#endif

static const char csv_header[] = KV_EXTRACT_CSV_HEADER;

static void write_count(FILE *f, uint64_t value, uint8_t status)
{
	if (status == KV_CELL_PUBLISHED)
		fprintf(f, "%" PRIu64, value);
	fprintf(f, ",%s", kv_extract_status_name((enum kv_cell_status)status));
}

static int build_csv(const struct kv_result *res, const struct kv_published *cells,
		     const struct kv_extract_info *info, struct kv_extract *x)
{
	FILE *f = open_memstream(&x->csv, &x->csv_len);
	if (f == NULL)
		return -1;
	fputs(csv_header, f);
	for (size_t s = 0; s < res->n_series; s++) {
		const struct kv_series *se = &res->series[s];
		const struct kv_published *c = &cells[s];
		fprintf(f, "%s,%s,%" PRIu32 ",%s,", info->participant, se->id, se->version,
			x->month);
		write_count(f, c->numerator, c->numerator_status);
		fputc(',', f);
		write_count(f, c->denominator, c->denominator_status);
		fputc(',', f);
		if (c->has_share)
			fprintf(f, "%.4f", c->share);
		fputc(',', f);
		if (c->has_mean)
			fprintf(f, "%.2f", c->mean);
		fputc('\n', f);
		x->rows++;
	}
	int bad = ferror(f);
	return fclose(f) != 0 || bad ? -1 : 0;
}

static int build_manifest(const struct kv_extract_info *info, struct kv_extract *x)
{
	char created[32];
	struct tm tm;
	gmtime_r(&info->created, &tm);
	strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);

	FILE *f = open_memstream(&x->manifest, &x->manifest_len);
	if (f == NULL)
		return -1;
	fprintf(f, "{\n  \"format\": \"%s\",\n  \"format_version\": %d,\n",
		KV_EXTRACT_FORMAT_NAME, KV_EXTRACT_FORMAT_VERSION);
	fputs("  \"extract_id\": ", f);
	kv_json_string(f, x->id);
	fputs(",\n  \"participant\": ", f);
	kv_json_string(f, info->participant);
	if (info->office_name != NULL) {
		fputs(",\n  \"office_name\": ", f);
		kv_json_string(f, info->office_name);
	}
	fputs(",\n  \"kvalind_version\": ", f);
	kv_json_string(f, KV_VERSION);
	fputs(",\n  \"catalogue_version\": ", f);
	kv_json_string(f, info->catalogue_version ? info->catalogue_version : "");
	fputs(",\n  \"value_set_version\": ", f);
	kv_json_string(f, info->value_set_version ? info->value_set_version : "");
	fprintf(f, ",\n  \"months\": [\"%s\"],\n  \"created\": \"%s\",\n", x->month, created);
	fprintf(f,
		"  \"disclosure\": {\n    \"min_count\": %" PRIu32 ",\n    \"rounding_base\": %" PRIu32
		",\n    \"rounding\": \"nearest multiple of rounding_base, halves up; never below "
		"min_count\",\n    \"secondary_suppression\": true,\n    \"algorithm\": %d,\n"
		"    \"perturbation\": \"%s\",\n    \"perturbation_max\": %" PRIu32 "\n  },\n",
		info->params.min_count, info->params.rounding_base, KV_DISCLOSURE_ALGORITHM,
		kv_disclosure_perturbation_name(&info->params), info->params.noise_max);
	fprintf(f,
		"  \"data\": {\n    \"file\": \"%s\",\n    \"rows\": %zu,\n    \"bytes\": %zu,\n"
		"    \"sha256\": \"%s\"\n  }\n}\n",
		KV_EXTRACT_CSV_NAME, x->rows, x->csv_len, x->csv_sha256);
	int bad = ferror(f);
	return fclose(f) != 0 || bad ? -1 : 0;
}

int kv_extract_build(const struct kv_result *res, const struct kv_published *cells, size_t m,
		     const struct kv_extract_info *info, struct kv_extract *x, char *err,
		     size_t errlen)
{
	memset(x, 0, sizeof *x);
	kv_month_format(res->first_month + (kv_month)m, x->month, sizeof x->month);
	if (build_csv(res, cells, info, x) != 0) {
		kv_snprintf(err, errlen, "could not build the extract of %s in memory", x->month);
		goto fail;
	}
	if (kv_sha256_hex(x->csv, x->csv_len, x->csv_sha256, err, errlen) != 0)
		goto fail;
	if (kv_outbox_make_id(info->participant, x->month, x->csv_sha256, x->id, sizeof x->id) !=
	    0) {
		kv_snprintf(err, errlen, "participant id \"%s\" is too long for an extract id",
			    info->participant);
		goto fail;
	}
	if (build_manifest(info, x) != 0) {
		kv_snprintf(err, errlen, "could not build the manifest of %s in memory", x->month);
		goto fail;
	}
	return 0;
fail:
	kv_extract_free(x);
	return -1;
}

void kv_extract_free(struct kv_extract *x)
{
	free(x->csv);
	free(x->manifest);
	x->csv = x->manifest = NULL;
	x->csv_len = x->manifest_len = 0;
}
