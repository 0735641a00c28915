/*
 * results.c - CSV, JSON and summary output of a run
 */
#include "results.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void kv_month_format(kv_month month, char *buf, size_t size)
{
	kv_snprintf(buf, size, "%04d-%02d", month / 12, month % 12 + 1);
}

static bool has_rows(const struct kv_series *s)
{
	return s->computable && !s->failed;
}

/* Shortest text that reads back as the same double. */
static void format_double(double v, char *buf, size_t size)
{
	if (v == (double)(long long)v && v > -1e15 && v < 1e15) {
		kv_snprintf(buf, size, "%lld", (long long)v);
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		kv_snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

/* The rows of one series: the office's (gp "all" when by holder), then
 * each list holder's ("0": on no GP's list). */
static void csv_rows(FILE *out, const struct kv_result *res, const struct kv_result_meta *m,
		     const struct kv_series *s, const struct kv_cell *cells, const char *gp)
{
	char month[16], value[40];
	for (size_t k = 0; k < res->n_months; k++) {
		const struct kv_cell *c = &cells[k];
		kv_month_format(res->first_month + (kv_month)k, month, sizeof month);
		value[0] = '\0';
		if (s->type == KV_INDICATOR_MEAN)
			format_double(c->value_sum, value, sizeof value);
		fprintf(out, "%s,%s%s%s,%" PRIu32 ",%s,%" PRIu64 ",%" PRIu64 ",%s\n", m->office,
			gp != NULL ? gp : "", gp != NULL ? "," : "", s->id, s->version, month,
			c->numerator, c->denominator, value);
	}
}

int kv_results_write_csv(FILE *out, const struct kv_result *res, const struct kv_result_meta *m)
{
	char gp[32];
	fprintf(out, "office,%sindicator,indicator_version,month,numerator,denominator,value_sum\n",
		res->by_holder ? "gp," : "");
	for (size_t i = 0; i < res->n_series; i++) {
		const struct kv_series *s = &res->series[i];
		if (!has_rows(s))
			continue;
		csv_rows(out, res, m, s, s->cells, res->by_holder ? "all" : NULL);
		for (size_t h = 0; res->by_holder && h < res->n_holders; h++) {
			kv_snprintf(gp, sizeof gp, "%" PRIu64, res->holders[h]);
			csv_rows(out, res, m, s, s->holder_cells + h * res->n_months, gp);
		}
	}
	return ferror(out) ? -1 : 0;
}

/* Identifiers, table names and reasons are plain ASCII by construction;
 * escape anyway so the output is always valid JSON. */
void kv_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void json_counts(FILE *out, const struct kv_ctx *ctx, bool bad)
{
	bool first = true;
	fputc('[', out);
	for (size_t i = 0; ctx != NULL && i < ctx->n_counts; i++) {
		const struct kv_row_count *c = &ctx->counts[i];
		if ((c->reason != NULL) != bad)
			continue;
		fprintf(out, "%s{\"table\":", first ? "" : ",");
		kv_json_string(out, c->table);
		if (bad) {
			fputs(",\"reason\":", out);
			kv_json_string(out, c->reason);
		}
		fprintf(out, ",\"rows\":%" PRIu64 "}", c->n);
		first = false;
	}
	fputc(']', out);
}

static void json_rows(FILE *out, const struct kv_result *res, const struct kv_series *s,
		      const struct kv_cell *cells, const char *gp, bool *first)
{
	char month[16], value[40];
	for (size_t k = 0; k < res->n_months; k++) {
		const struct kv_cell *c = &cells[k];
		kv_month_format(res->first_month + (kv_month)k, month, sizeof month);
		fprintf(out, "%s\n{", *first ? "" : ",");
		if (gp != NULL) {
			fputs("\"gp\":", out);
			kv_json_string(out, gp);
			fputc(',', out);
		}
		fputs("\"indicator\":", out);
		kv_json_string(out, s->id);
		fprintf(out,
			",\"indicator_version\":%" PRIu32 ",\"month\":\"%s\",\"numerator\":%" PRIu64
			",\"denominator\":%" PRIu64,
			s->version, month, c->numerator, c->denominator);
		if (s->type == KV_INDICATOR_MEAN) {
			format_double(c->value_sum, value, sizeof value);
			fprintf(out, ",\"value_sum\":%s", value);
		}
		fputc('}', out);
		*first = false;
	}
}

int kv_results_write_json(FILE *out, const struct kv_result *res, const struct kv_result_meta *m)
{
	char month[16];
	fputs("{\"office\":", out);
	kv_json_string(out, m->office);
	fputs(",\"catalogue_version\":", out);
	kv_json_string(out, m->catalogue_version);
	fputs(",\"value_set_version\":", out);
	kv_json_string(out, m->value_set_version);
	kv_month_format(res->first_month, month, sizeof month);
	fputs(",\"from\":", out);
	kv_json_string(out, month);
	kv_month_format(res->first_month + (kv_month)res->n_months - 1, month, sizeof month);
	fputs(",\"to\":", out);
	kv_json_string(out, month);
	fputs(",\"results\":[", out);
	bool first = true;
	for (size_t i = 0; i < res->n_series; i++) {
		const struct kv_series *s = &res->series[i];
		if (!has_rows(s))
			continue;
		json_rows(out, res, s, s->cells, res->by_holder ? "all" : NULL, &first);
		for (size_t h = 0; res->by_holder && h < res->n_holders; h++) {
			char gp[32];
			kv_snprintf(gp, sizeof gp, "%" PRIu64, res->holders[h]);
			json_rows(out, res, s, s->holder_cells + h * res->n_months, gp, &first);
		}
	}
	fputs("],\n\"not_computable\":[", out);
	first = true;
	for (size_t i = 0; i < res->n_series; i++) {
		if (res->series[i].computable)
			continue;
		fprintf(out, "%s", first ? "" : ",");
		kv_json_string(out, res->series[i].id);
		first = false;
	}
	fputs("],\"failed\":[", out);
	first = true;
	for (size_t i = 0; i < res->n_series; i++) {
		if (!res->series[i].failed)
			continue;
		fprintf(out, "%s", first ? "" : ",");
		kv_json_string(out, res->series[i].id);
		first = false;
	}
	fprintf(out, "],\n\"summary\":{\"patients\":%" PRIu64 ",\"seconds\":%.3f,\"rows_read\":",
		res->patients, res->seconds);
	json_counts(out, m->connector, false);
	fputs(",\"bad_rows\":", out);
	json_counts(out, m->connector, true);
	fputs(",\"indicator_data_quality\":[", out);
	first = true;
	for (size_t k = 0; k < m->n_indicators; k++) {
		const struct kv_ctx *ctx = m->indicators[k];
		for (size_t i = 0; i < ctx->n_counts; i++) {
			fprintf(out, "%s{\"plugin\":", first ? "" : ",");
			kv_json_string(out, ctx->name);
			fputs(",\"table\":", out);
			kv_json_string(out, ctx->counts[i].table);
			fputs(",\"reason\":", out);
			kv_json_string(out, ctx->counts[i].reason ? ctx->counts[i].reason : "rows");
			fprintf(out, ",\"rows\":%" PRIu64 "}", ctx->counts[i].n);
			first = false;
		}
	}
	fputs("]}}\n", out);
	return ferror(out) ? -1 : 0;
}

static const char *provides_name(uint32_t bit)
{
	static const char *const names[] = {
	    "list periods", "contacts", "fees", "diagnoses", "diagnosis-contact links",
	    "medication list", "prescriptions", "prescription groups", "DDD",
	    "lab results", "blood pressures", "forms", "journal note matching"};
	for (size_t i = 0; i < KV_ARRAY_SIZE(names); i++)
		if (bit == (1u << i))
			return names[i];
	return "?";
}

void kv_results_write_summary(FILE *out, const struct kv_result *res,
			      const struct kv_result_meta *m)
{
	char from[16], to[16];
	kv_month_format(res->first_month, from, sizeof from);
	kv_month_format(res->first_month + (kv_month)res->n_months - 1, to, sizeof to);
	fprintf(out, "run summary: office %s, months %s..%s (%zu), catalogue %s, value sets %s\n",
		m->office, from, to, res->n_months, m->catalogue_version, m->value_set_version);
	fprintf(out, "  patients read:  %" PRIu64 " in %.1f s\n", res->patients, res->seconds);
	fprintf(out, "  rows read:\n");
	for (size_t i = 0; m->connector && i < m->connector->n_counts; i++)
		if (m->connector->counts[i].reason == NULL)
			fprintf(out, "    %-18s %12" PRIu64 "\n", m->connector->counts[i].table,
				m->connector->counts[i].n);
	fprintf(out, "  bad rows:\n");
	size_t bad = 0;
	for (size_t i = 0; m->connector && i < m->connector->n_counts; i++)
		if (m->connector->counts[i].reason != NULL) {
			fprintf(out, "    %-18s %12" PRIu64 "  %s\n", m->connector->counts[i].table,
				m->connector->counts[i].n, m->connector->counts[i].reason);
			bad++;
		}
	if (bad == 0)
		fprintf(out, "    (none)\n");
	for (size_t k = 0; k < m->n_indicators; k++) {
		const struct kv_ctx *ctx = m->indicators[k];
		for (size_t i = 0; i < ctx->n_counts; i++)
			fprintf(out, "  data quality (%s): %-14s %10" PRIu64 "  %s\n", ctx->name,
				ctx->counts[i].table, ctx->counts[i].n,
				ctx->counts[i].reason ? ctx->counts[i].reason : "rows");
	}
	for (size_t i = 0; i < res->n_series; i++) {
		const struct kv_series *s = &res->series[i];
		if (!s->computable) {
			fprintf(out, "  not computable: %s (the record system lacks", s->id);
			const char *sep = " ";
			for (uint32_t b = 1; b != 0; b <<= 1)
				if (s->missing & b) {
					fprintf(out, "%s%s", sep, provides_name(b));
					sep = ", ";
				}
			fprintf(out, ")\n");
		}
		if (s->failed)
			fprintf(out, "  failed: %s (plugin %s)\n", s->id, s->plugin);
	}
}
