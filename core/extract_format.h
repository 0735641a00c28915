/*
 * extract_format.h - the extract's format, shared by the writer (extract.c,
 * at the office) and the reader (kvalind-hub, at the receiver)
 *
 * data.csv: UTF-8 (in practice ASCII), LF line ends, the header
 * KV_EXTRACT_CSV_HEADER and one row per indicator with the columns
 * kv_extract_columns. No field is quoted: none can hold a comma.
 *
 * A count (numerator, denominator) is a decimal number exactly when its
 * status is "published", otherwise empty. share is "%.4f" of published
 * numerator / published denominator (both published, denominator > 0), else
 * empty; mean is "%.2f" and only with a published denominator.
 *
 * kv_extract_parse_row checks one row's syntax and these structural rules;
 * kv_extract_check_disclosure checks the published counts against agreed
 * disclosure parameters and that the share is the one the counts give.
 *
 * Errors: -1 with a one-line, lower-case reason in err (naming the column).
 */
#ifndef KVALIND_EXTRACT_FORMAT_H
#define KVALIND_EXTRACT_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "disclosure.h"
#include "util.h"

#define KV_EXTRACT_FORMAT_NAME "kvalind-extract"
#define KV_EXTRACT_FORMAT_VERSION 2
#define KV_EXTRACT_CSV_NAME "data.csv"
#define KV_EXTRACT_MANIFEST_NAME "manifest.json"

#define KV_EXTRACT_CSV_HEADER                                                  \
	"participant,indicator,indicator_version,month,numerator,"             \
	"numerator_status,denominator,denominator_status,share,mean\n"

enum kv_extract_column {
	KV_COL_PARTICIPANT = 0,
	KV_COL_INDICATOR,
	KV_COL_INDICATOR_VERSION,
	KV_COL_MONTH,
	KV_COL_NUMERATOR,
	KV_COL_NUMERATOR_STATUS,
	KV_COL_DENOMINATOR,
	KV_COL_DENOMINATOR_STATUS,
	KV_COL_SHARE,
	KV_COL_MEAN,
	KV_EXTRACT_N_COLUMNS
};

/* Column names in order ("participant", ...). */
extern const char *const kv_extract_columns[KV_EXTRACT_N_COLUMNS];

/* One status as written in data.csv, and what it means. */
struct kv_extract_status {
	enum kv_cell_status status;
	const char *name;    /* "published", "suppressed_small", ... */
	const char *meaning; /* one line for documentation and reports */
};

extern const struct kv_extract_status kv_extract_statuses[];
extern const size_t kv_extract_n_statuses;

/* The name of a status as written in data.csv ("unknown" if none). */
const char *kv_extract_status_name(enum kv_cell_status status);

/* Parse a status name; false when it is not one of kv_extract_statuses. */
bool kv_extract_status_parse(const char *name, size_t len, enum kv_cell_status *out);

#define KV_EXTRACT_ID_MAX 100        /* participant id, indicator id: bytes */
#define KV_EXTRACT_NUMBER_MAX 24     /* share and mean as written */

/* One data.csv row. */
struct kv_extract_row {
	char participant[KV_EXTRACT_ID_MAX + 1];
	char indicator[KV_EXTRACT_ID_MAX + 1];
	uint32_t indicator_version;
	char month[8];          /* YYYY-MM */
	int month_index;        /* year * 12 + month - 1 */
	bool has_numerator;
	uint64_t numerator;
	enum kv_cell_status numerator_status;
	bool has_denominator;
	uint64_t denominator;
	enum kv_cell_status denominator_status;
	bool has_share;
	char share[KV_EXTRACT_NUMBER_MAX]; /* as written, e.g. "0.5455" */
	bool has_mean;
	char mean[KV_EXTRACT_NUMBER_MAX];  /* as written, e.g. "111.42" */
};

/* A participant id: 1 to KV_EXTRACT_ID_MAX letters, digits, '-' or '_'. */
bool kv_extract_valid_participant(const char *s, size_t len);

/*
 * Parse one row (without its '\n'; len bytes at line) into row, checking the
 * syntax of every column and the structural rules above. 0, or -1 with err.
 */
KV_MUST_CHECK int kv_extract_parse_row(const char *line, size_t len, struct kv_extract_row *row,
				       char *err, size_t errlen);

/*
 * A parsed row against the agreed disclosure parameters: every published
 * count at least min_count and a multiple of rounding_base, and a share
 * equal to "%.4f" of the published counts. 0, or -1 with err.
 */
KV_MUST_CHECK int kv_extract_check_disclosure(const struct kv_extract_row *row,
					      const struct kv_disclosure_params *p, char *err,
					      size_t errlen);

#endif /* KVALIND_EXTRACT_FORMAT_H */
