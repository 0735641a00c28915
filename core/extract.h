/*
 * extract.h - one office-month as it leaves the office: data.csv of the
 * controlled aggregates and manifest.json describing it
 *
 * data.csv (UTF-8, LF, one header line, rows sorted by indicator):
 *   participant,indicator,indicator_version,month,numerator,numerator_status,
 *   denominator,denominator_status,share,mean
 * A count is a number only when its status is "published"; otherwise the
 * field is empty and the status says why (disclosure.h's statuses). share
 * and mean are empty unless they may be published.
 *
 * manifest.json: format "kvalind-extract", format_version 1, extract_id,
 * participant, office_name (only when [office] export_name = true),
 * kvalind_version, catalogue_version, value_set_version, months, created,
 * disclosure {min_count, rounding_base, rounding, secondary_suppression},
 * data {file, rows, bytes, sha256}. The README documents both for
 * evaluators.
 *
 * Ownership: kv_extract_build fills x, freed with kv_extract_free.
 * Errors: -1 with err (out of memory for the in-memory streams, hashing).
 */
#ifndef KVALIND_EXTRACT_H
#define KVALIND_EXTRACT_H

#include <stddef.h>
#include <time.h>

#include "disclosure.h"
#include "engine.h"
#include "sha256.h"

#define KV_EXTRACT_FORMAT_VERSION 2

struct kv_extract_info {
	const char *participant;       /* [office] id */
	const char *office_name;       /* NULL unless [office] export_name = true */
	const char *catalogue_version;
	const char *value_set_version;
	struct kv_disclosure_params params;
	time_t created;
};

struct kv_extract {
	char id[160];
	char month[8];
	char *csv;
	size_t csv_len;
	size_t rows;
	char csv_sha256[KV_SHA256_HEX_SIZE];
	char *manifest;
	size_t manifest_len;
};

/* Build month m's extract from its controlled cells (one per series). */
KV_MUST_CHECK int kv_extract_build(const struct kv_result *res, const struct kv_published *cells,
				   size_t m, const struct kv_extract_info *info,
				   struct kv_extract *x, char *err, size_t errlen);

void kv_extract_free(struct kv_extract *x);

#endif /* KVALIND_EXTRACT_H */
