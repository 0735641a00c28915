/*
 * extract_format.c - the extract's columns and statuses, and reading one
 * data.csv row back with validation
 */
#include "extract_format.h"

#include <stdio.h>
#include <string.h>

const char *const kv_extract_columns[KV_EXTRACT_N_COLUMNS] = {
    "participant", "indicator",          "indicator_version", "month", "numerator",
    "numerator_status", "denominator",   "denominator_status", "share", "mean"};

const struct kv_extract_status kv_extract_statuses[] = {
    {KV_CELL_PUBLISHED, "published", "the controlled count is published"},
    {KV_CELL_SMALL, "suppressed_small", "suppressed: below min_count"},
    {KV_CELL_COMPLEMENT, "suppressed_complement",
     "suppressed: denominator - numerator below min_count"},
    {KV_CELL_SECONDARY, "suppressed_secondary",
     "suppressed: could otherwise be worked out from published counts"},
    {KV_CELL_NOT_APPLICABLE, "not_applicable", "the numerator of a mean-type indicator"},
    {KV_CELL_NOT_COMPUTABLE, "not_computable",
     "the record system lacks what the indicator needs"},
    {KV_CELL_FAILED, "failed", "the indicator's plugin failed in this run"},
    {KV_CELL_WITHHELD, "withheld",
     "the month's counts are withheld as a whole: published, one could be worked out"},
};
const size_t kv_extract_n_statuses = KV_ARRAY_SIZE(kv_extract_statuses);

const char *kv_extract_status_name(enum kv_cell_status status)
{
	for (size_t i = 0; i < kv_extract_n_statuses; i++)
		if (kv_extract_statuses[i].status == status)
			return kv_extract_statuses[i].name;
	return "unknown";
}

bool kv_extract_status_parse(const char *name, size_t len, enum kv_cell_status *out)
{
	for (size_t i = 0; i < kv_extract_n_statuses; i++) {
		const char *n = kv_extract_statuses[i].name;
		if (strlen(n) == len && memcmp(n, name, len) == 0) {
			*out = kv_extract_statuses[i].status;
			return true;
		}
	}
	return false;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool kv_extract_valid_participant(const char *s, size_t len)
{
	if (len == 0 || len > KV_EXTRACT_ID_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!(is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
		      c == '_'))
			return false;
	}
	return true;
}

/* Indicator IDs: upper-case letters, digits and '_', starting with a letter. */
static bool valid_indicator(const char *s, size_t len)
{
	if (len == 0 || len > KV_EXTRACT_ID_MAX || !(s[0] >= 'A' && s[0] <= 'Z'))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!(is_digit(s[i]) || (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_'))
			return false;
	return true;
}

/* A decimal count without sign or leading zero, below 10^15. */
static bool parse_count(const char *s, size_t len, uint64_t *out)
{
	if (len == 0 || len > 15 || (len > 1 && s[0] == '0'))
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (!is_digit(s[i]))
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

/* DIGITS.DD..D with exactly `decimals` decimals, no sign, no leading zero. */
static bool valid_fixed(const char *s, size_t len, size_t decimals)
{
	const char *dot = memchr(s, '.', len);
	if (dot == NULL || len >= KV_EXTRACT_NUMBER_MAX)
		return false;
	size_t ipart = (size_t)(dot - s), fpart = len - ipart - 1;
	if (ipart == 0 || fpart != decimals || (ipart > 1 && s[0] == '0'))
		return false;
	for (size_t i = 0; i < len; i++)
		if (i != ipart && !is_digit(s[i]))
			return false;
	return true;
}

static int count_field(const char *name, const char *v, size_t vlen, const char *st,
		       size_t stlen, bool *has, uint64_t *value, enum kv_cell_status *status,
		       char *err, size_t errlen)
{
	if (!kv_extract_status_parse(st, stlen, status)) {
		kv_snprintf(err, errlen, "%s_status: \"%.*s\" is not a known status", name,
			    (int)(stlen > 40 ? 40 : stlen), st);
		return -1;
	}
	*has = *status == KV_CELL_PUBLISHED;
	if (!*has) {
		if (vlen != 0) {
			kv_snprintf(err, errlen, "%s: a value with status %s (suppressed cells are empty)",
				    name, kv_extract_status_name(*status));
			return -1;
		}
		return 0;
	}
	if (!parse_count(v, vlen, value)) {
		kv_snprintf(err, errlen, "%s: expected a published count", name);
		return -1;
	}
	return 0;
}

int kv_extract_parse_row(const char *line, size_t len, struct kv_extract_row *row, char *err,
			 size_t errlen)
{
	const char *f[KV_EXTRACT_N_COLUMNS];
	size_t fl[KV_EXTRACT_N_COLUMNS];
	size_t n = 0, start = 0;
	memset(row, 0, sizeof *row);
	for (size_t i = 0; i <= len; i++) {
		if (i < len && (unsigned char)line[i] < 0x20) {
			kv_snprintf(err, errlen, "a control character in the row");
			return -1;
		}
		if (i < len && (line[i] == '"' || (unsigned char)line[i] >= 0x7f)) {
			kv_snprintf(err, errlen, "a quote or non-ASCII byte in the row");
			return -1;
		}
		if (i == len || line[i] == ',') {
			if (n == KV_EXTRACT_N_COLUMNS) {
				kv_snprintf(err, errlen, "more than %d columns", KV_EXTRACT_N_COLUMNS);
				return -1;
			}
			f[n] = line + start;
			fl[n] = i - start;
			n++;
			start = i + 1;
		}
	}
	if (n != KV_EXTRACT_N_COLUMNS) {
		kv_snprintf(err, errlen, "%zu columns, expected %d", n, KV_EXTRACT_N_COLUMNS);
		return -1;
	}
	if (!kv_extract_valid_participant(f[KV_COL_PARTICIPANT], fl[KV_COL_PARTICIPANT])) {
		kv_snprintf(err, errlen, "participant: not a participant id");
		return -1;
	}
	memcpy(row->participant, f[KV_COL_PARTICIPANT], fl[KV_COL_PARTICIPANT]);
	if (!valid_indicator(f[KV_COL_INDICATOR], fl[KV_COL_INDICATOR])) {
		kv_snprintf(err, errlen, "indicator: not an indicator id");
		return -1;
	}
	memcpy(row->indicator, f[KV_COL_INDICATOR], fl[KV_COL_INDICATOR]);
	uint64_t version;
	if (!parse_count(f[KV_COL_INDICATOR_VERSION], fl[KV_COL_INDICATOR_VERSION], &version) ||
	    version == 0 || version > UINT32_MAX) {
		kv_snprintf(err, errlen, "indicator_version: expected a positive integer");
		return -1;
	}
	row->indicator_version = (uint32_t)version;
	if (fl[KV_COL_MONTH] != 7) {
		kv_snprintf(err, errlen, "month: expected YYYY-MM");
		return -1;
	}
	memcpy(row->month, f[KV_COL_MONTH], 7);
	if (!kv_parse_month(row->month, &row->month_index)) {
		kv_snprintf(err, errlen, "month: expected YYYY-MM");
		return -1;
	}
	if (count_field("numerator", f[KV_COL_NUMERATOR], fl[KV_COL_NUMERATOR],
			f[KV_COL_NUMERATOR_STATUS], fl[KV_COL_NUMERATOR_STATUS], &row->has_numerator,
			&row->numerator, &row->numerator_status, err, errlen) != 0 ||
	    count_field("denominator", f[KV_COL_DENOMINATOR], fl[KV_COL_DENOMINATOR],
			f[KV_COL_DENOMINATOR_STATUS], fl[KV_COL_DENOMINATOR_STATUS],
			&row->has_denominator, &row->denominator, &row->denominator_status, err,
			errlen) != 0)
		return -1;
	if (fl[KV_COL_SHARE] > 0) {
		if (!valid_fixed(f[KV_COL_SHARE], fl[KV_COL_SHARE], 4)) {
			kv_snprintf(err, errlen, "share: expected a number with 4 decimals");
			return -1;
		}
		if (!row->has_numerator || !row->has_denominator || row->denominator == 0) {
			kv_snprintf(err, errlen, "share: published without two published counts");
			return -1;
		}
		row->has_share = true;
		memcpy(row->share, f[KV_COL_SHARE], fl[KV_COL_SHARE]);
	}
	if (fl[KV_COL_MEAN] > 0) {
		if (!valid_fixed(f[KV_COL_MEAN], fl[KV_COL_MEAN], 2)) {
			kv_snprintf(err, errlen, "mean: expected a number with 2 decimals");
			return -1;
		}
		if (!row->has_denominator) {
			kv_snprintf(err, errlen, "mean: published without a published denominator");
			return -1;
		}
		row->has_mean = true;
		memcpy(row->mean, f[KV_COL_MEAN], fl[KV_COL_MEAN]);
	}
	return 0;
}

static int check_count(const char *name, uint64_t v, const struct kv_disclosure_params *p,
		       char *err, size_t errlen)
{
	if (v < p->min_count) {
		kv_snprintf(err, errlen, "%s %llu is below min_count %u", name, (unsigned long long)v,
			    (unsigned)p->min_count);
		return -1;
	}
	if (p->rounding_base == 0 || v % p->rounding_base != 0) {
		kv_snprintf(err, errlen, "%s %llu is not a multiple of rounding_base %u", name,
			    (unsigned long long)v, (unsigned)p->rounding_base);
		return -1;
	}
	return 0;
}

int kv_extract_check_disclosure(const struct kv_extract_row *row,
				const struct kv_disclosure_params *p, char *err, size_t errlen)
{
	if (row->has_numerator && check_count("numerator", row->numerator, p, err, errlen) != 0)
		return -1;
	if (row->has_denominator &&
	    check_count("denominator", row->denominator, p, err, errlen) != 0)
		return -1;
	if (row->has_share) {
		char want[64];
		snprintf(want, sizeof want, "%.4f",
			 (double)row->numerator / (double)row->denominator);
		if (strcmp(want, row->share) != 0) {
			kv_snprintf(err, errlen, "share %s is not numerator/denominator (%s)",
				    row->share, want);
			return -1;
		}
	}
	return 0;
}
