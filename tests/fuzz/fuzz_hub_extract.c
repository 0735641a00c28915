/*
 * fuzz_hub_extract.c - the hub's extract parser and checks: hub_validate()
 * (hub/hub_validate.c: the manifest through json-c and the hub's own checks
 * of its text, the CSV through core/extract_format.c's row parser, the
 * database's limits, the disclosure rules and the informed audit of the
 * month over the catalogue's relations, core/disclosure*.c), which is pure
 * (no database, no network).
 *
 * Input: MANIFEST \0 DATA.CSV [\0 IDEMPOTENCY-KEY]. Without a key the
 * manifest's own extract_id is used as the key (found by a plain search,
 * so that a mutated but consistent extract reaches the CSV checks); the
 * authenticated office is the manifest's participant when it is a valid id,
 * else "office-a". An input that starts with "!" gets its manifest's
 * data.sha256, bytes, rows and extract_id set to match its CSV first (as an
 * office writes them), so that mutations of the CSV reach the row checks,
 * the month's checks and the audit. The catalogue is fixed: the definitions of the shipped
 * plugins' 37 indicators as they declare them (ids, versions, types, and
 * the populations, parts, within lists and hide priorities the relations
 * are built from; refresh when a plugin's declarations change, e.g. by
 * printing hub_catalogue_load's catalogue), so that seeds made from real
 * extracts pass and reach the audit, and A_ONE, B_TWO (proportions) and
 * C_MEAN (a mean) without relations; min_count 5, rounding_base 5, months
 * 2010-01..2030-11 (2030-12 is the hub's current month).
 *
 * Beyond the sanitizers it checks what hub_validate promises: a refusal is
 * one line; an accepted extract is the authenticated office's, its extract
 * id is the key, it has rows, every row is of its month, in the catalogue
 * at the catalogue's version, within the disclosure rules and what the
 * database holds (no numerator above its denominator, a share at most 1, a
 * mean below 10^15), and the rows' count is the CSV's line count.
 */
#include "../../hub/hub.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outbox.h"

static const struct kv_indicator_def defs[] = {
    {.id = "A_ONE", .version = 1, .type = KV_INDICATOR_PROPORTION},
    {.id = "B_TWO", .version = 1, .type = KV_INDICATOR_PROPORTION},
    {.id = "C_MEAN", .version = 1, .type = KV_INDICATOR_MEAN},
    {.id = "ADD_DDD_MEAN", .version = 1, .type = KV_INDICATOR_MEAN, .denominator_population = "addictive_rx_w12", .denominator_within = "listed"},
    {.id = "ADD_PRESCRIBED", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "contact_w12", .numerator_within = "addictive_rx_w12", .denominator_within = "listed"},
    {.id = "AD_WITH_DIAGNOSIS", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "antidepressant_users", .numerator_population = "antidepressant_users_dx_w24", .numerator_within = "chronic_1plus", .denominator_within = "listed"},
    {.id = "ANX_ANTIDEPRESSANT", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "anxiety_w12", .numerator_within = "antidepressant_users_dx_w24, antidepressant_users"},
    {.id = "ANX_BENZODIAZEPINE", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "anxiety_w12"},
    {.id = "ANX_CBT_NEW", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "anxiety_new_90d", .denominator_within = "anxiety_new_42d, anxiety_new_28d, anxiety_w12"},
    {.id = "ANX_CONTROL_AD_START", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_within = "chronic_1plus, listed"},
    {.id = "ANX_FOLLOWUP_NEW", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "anxiety_new_42d", .numerator_within = "contact_w12", .denominator_within = "anxiety_new_28d, anxiety_w12"},
    {.id = "ANX_NEW_SOMATIC", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "anxiety_new_28d", .denominator_within = "anxiety_w12"},
    {.id = "ANX_PREVALENCE", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "listed", .numerator_population = "anxiety_w12", .numerator_within = "chronic_1plus"},
    {.id = "CHD_BETA_BLOCKER", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_within = "chronic_1plus, listed"},
    {.id = "COPD_CONTROL_6W", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "copd_exacerbation_42d", .numerator_within = "copd_control_after_exac", .denominator_within = "copd"},
    {.id = "COPD_CONTROL_AFTER_EXAC", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "copd_exacerbation_42d", .numerator_population = "copd_control_after_exac", .numerator_within = "contact_w12", .denominator_within = "copd"},
    {.id = "COPD_PREVALENCE", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "listed", .numerator_population = "copd", .numerator_within = "chronic_1plus"},
    {.id = "DEP_ANTIDEPRESSANT", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "depression_w12", .numerator_within = "antidepressant_users_dx_w24, antidepressant_users"},
    {.id = "DEP_NEW_SOMATIC", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_within = "depression_w12"},
    {.id = "DEP_PREVALENCE", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "listed", .numerator_population = "depression_w12", .numerator_within = "chronic_1plus"},
    {.id = "DM_ALBUMINURIA", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "diabetes", .numerator_within = "diabetes_uacr_measured"},
    {.id = "DM_ANNUAL_CHECK", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "diabetes"},
    {.id = "DM_BP_141_149", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "diabetes", .numerator_part_of = "diabetes_bp_measured", .relation_flags = KV_PARTS_COMPLETE, .hide_priority = 3},
    {.id = "DM_BP_GE150_90", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "diabetes", .numerator_part_of = "diabetes_bp_measured", .relation_flags = KV_PARTS_COMPLETE, .hide_priority = 2},
    {.id = "DM_BP_LE140_85", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "diabetes", .numerator_part_of = "diabetes_bp_measured", .relation_flags = KV_PARTS_COMPLETE, .hide_priority = 1},
    {.id = "DM_BP_MEASURED", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "diabetes", .numerator_population = "diabetes_bp_measured"},
    {.id = "DM_HBA1C_52_70", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "diabetes", .numerator_part_of = "diabetes_hba1c_measured", .hide_priority = 2},
    {.id = "DM_HBA1C_GT70", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "diabetes", .numerator_part_of = "diabetes_hba1c_measured", .hide_priority = 3},
    {.id = "DM_HBA1C_LT52", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "diabetes", .numerator_part_of = "diabetes_hba1c_measured", .hide_priority = 1},
    {.id = "DM_HBA1C_MEASURED", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "diabetes", .numerator_population = "diabetes_hba1c_measured"},
    {.id = "DM_PREVALENCE", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "listed", .numerator_population = "diabetes", .numerator_within = "chronic_1plus"},
    {.id = "DM_STATIN", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "diabetes"},
    {.id = "DM_UACR_MEASURED", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "diabetes", .numerator_population = "diabetes_uacr_measured"},
    {.id = "ELD70_NO_CONTACT", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_within = "aged_65plus, listed"},
    {.id = "LMG_4PLUS", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_within = "listed"},
    {.id = "MM_4PLUS", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "listed", .numerator_within = "chronic_2plus"},
    {.id = "MM_COMORBIDITY", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "chronic_1plus", .numerator_population = "chronic_2plus", .denominator_within = "listed"},
    {.id = "MM_COMORBID_SEEN", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "chronic_2plus", .numerator_within = "contact_w12"},
    {.id = "RISK_HIGH_RISK_DRUGS", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_population = "aged_65plus", .denominator_within = "listed"},
    {.id = "RISK_LOST_TO_FOLLOWUP", .version = 1, .type = KV_INDICATOR_PROPORTION, .denominator_within = "listed"},
};

static struct hub_indicator cat_ind[KV_ARRAY_SIZE(defs)];
static struct hub_catalogue cat;

static void init(void)
{
	if (cat.n != 0)
		return;
	for (size_t i = 0; i < KV_ARRAY_SIZE(defs); i++) {
		cat_ind[i].id = (char *)defs[i].id;
		cat_ind[i].version = defs[i].version;
		cat_ind[i].type = defs[i].type;
		cat_ind[i].def = defs[i];
	}
	cat.ind = cat_ind;
	cat.n = KV_ARRAY_SIZE(defs);
	char err[600];
	if (hub_catalogue_relate(&cat, err, sizeof err) != 0) {
		fprintf(stderr, "fuzz_hub_extract: the catalogue: %s\n", err);
		abort();
	}
}

/* The string value of "name": "..." in text (no escapes), or "". */
static void find_string(const char *text, const char *name, char *out, size_t size)
{
	out[0] = '\0';
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\"", name);
	const char *p = strstr(text, pat);
	if (p == NULL)
		return;
	p += strlen(pat);
	while (*p == ' ' || *p == ':' || *p == '\n' || *p == '\t')
		p++;
	if (*p++ != '"')
		return;
	size_t n = 0;
	while (p[n] != '\0' && p[n] != '"' && p[n] != '\\' && n + 1 < size)
		n++;
	memcpy(out, p, n);
	out[n] = '\0';
}

/* Replace the value after the first `"name": ` in *m (a string when quoted,
 * else a number) with `value`. */
static void set_member(char **m, const char *name, const char *value, bool quoted)
{
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\"", name);
	char *p = strstr(*m, pat);
	if (p == NULL)
		return;
	p += strlen(pat);
	while (*p == ' ' || *p == ':' || *p == '\n' || *p == '\t')
		p++;
	char *end;
	if (quoted) {
		if (*p != '"')
			return;
		p++;
		end = p + strcspn(p, "\"");
		if (*end != '"')
			return;
	} else {
		end = p + strspn(p, "0123456789");
	}
	size_t pre = (size_t)(p - *m), vlen = strlen(value), post = strlen(end);
	char *out = malloc(pre + vlen + post + 1);
	if (out == NULL)
		abort();
	memcpy(out, *m, pre);
	memcpy(out + pre, value, vlen);
	memcpy(out + pre + vlen, end, post + 1);
	free(*m);
	*m = out;
}

/*
 * Input "!" MANIFEST \0 DATA.CSV: the manifest's data.sha256, bytes and rows
 * and its extract_id are set to match the CSV before validation, as an
 * office would write them, so that mutations of the CSV get past the
 * SHA-256 check to the rows, the month's checks and the audit.
 */
static void fix_up(char **manifest, const char *csv, size_t clen)
{
	char sha[KV_SHA256_HEX_SIZE], err[100], num[32], participant[KV_EXTRACT_ID_MAX + 1],
	    month[16], id[200];
	if (kv_sha256_hex(csv, clen, sha, err, sizeof err) != 0)
		return;
	size_t lines = 0;
	for (size_t i = 0; i < clen; i++)
		lines += csv[i] == '\n';
	set_member(manifest, "sha256", sha, true);
	snprintf(num, sizeof num, "%zu", clen);
	set_member(manifest, "bytes", num, false);
	snprintf(num, sizeof num, "%zu", lines > 0 ? lines - 1 : 0);
	set_member(manifest, "rows", num, false);
	find_string(*manifest, "participant", participant, sizeof participant);
	const char *mo = strstr(*manifest, "\"months\": [\"");
	if (mo == NULL)
		return;
	snprintf(month, sizeof month, "%.7s", mo + strlen("\"months\": [\""));
	if (kv_outbox_make_id(participant, month, sha, id, sizeof id) == 0)
		set_member(manifest, "extract_id", id, true);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	init();
	const char *in = (const char *)data;
	bool fix = size > 0 && in[0] == '!';
	if (fix) {
		in++;
		size--;
	}
	const char *nul = memchr(in, '\0', size);
	size_t mlen = nul ? (size_t)(nul - in) : size;
	const char *csv_start = nul ? nul + 1 : in + size;
	size_t rest = size - (size_t)(csv_start - in);
	const char *nul2 = memchr(csv_start, '\0', rest);
	size_t clen = nul2 ? (size_t)(nul2 - csv_start) : rest;

	/* each part its own exact-size buffer, so ASan sees reads past it;
	 * the manifest NUL-terminated as the server's buffers are */
	char *manifest = malloc(mlen + 1);
	char *csv = malloc(clen + 1);
	if (manifest == NULL || csv == NULL)
		abort();
	memcpy(manifest, in, mlen);
	manifest[mlen] = '\0';
	memcpy(csv, csv_start, clen);
	csv[clen] = '\0';
	if (fix && memchr(csv, '\0', clen) == NULL) {
		fix_up(&manifest, csv, clen);
		mlen = strlen(manifest);
	}

	char key[201] = "", participant[KV_EXTRACT_ID_MAX + 1];
	if (nul2 != NULL) {
		size_t klen = size - (size_t)(nul2 + 1 - in);
		if (klen > 200)
			klen = 200;
		memcpy(key, nul2 + 1, klen);
		key[klen] = '\0';
		key[strnlen(key, klen)] = '\0';
	} else {
		find_string(manifest, "extract_id", key, sizeof key);
	}
	find_string(manifest, "participant", participant, sizeof participant);
	if (!kv_extract_valid_participant(participant, strlen(participant)))
		kv_strlcpy(participant, "office-a", sizeof participant);

	struct hub_policy pol = {.catalogue = &cat,
				 .disclosure = {.min_count = 5, .rounding_base = 5},
				 .max_rows = 10000};
	kv_parse_month("2010-01", &pol.earliest_month);
	kv_parse_month("2030-12", &pol.latest_month);
	struct hub_extract x;
	char err[600];
	int rc = hub_validate(&pol, participant, key, manifest, mlen, csv, clen, &x, err, sizeof err);
	if (getenv("FUZZ_HUB_VERBOSE") != NULL) /* with replay: what each seed reaches */
		fprintf(stderr, "  %s\n", rc == 0 ? "accepted" : err);
	if (rc != 0) {
		if (strchr(err, '\n') != NULL || err[0] == '\0')
			abort(); /* a refusal is one line */
	} else {
		size_t lines = 0;
		for (size_t i = 0; i < clen; i++)
			lines += csv[i] == '\n';
		if (strcmp(x.participant, participant) != 0 || strcmp(x.extract_id, key) != 0 ||
		    x.n_rows + 1 != lines || x.n_rows == 0 || strcmp(x.month, "2030-12") >= 0)
			abort();
		for (size_t i = 0; i < x.n_rows; i++) {
			const struct kv_extract_row *r = &x.rows[i];
			char why[200];
			const struct hub_indicator *h = hub_catalogue_find(&cat, r->indicator);
			if (strcmp(r->participant, participant) != 0 || strcmp(r->month, x.month) != 0 ||
			    h == NULL || r->indicator_version != h->version ||
			    r->indicator_version > 2147483647u ||
			    kv_extract_check_disclosure(r, &pol.disclosure, why, sizeof why) != 0 ||
			    (r->has_numerator && (r->numerator < 5 || r->numerator % 5 != 0)) ||
			    (r->has_numerator && r->has_denominator && r->numerator > r->denominator) ||
			    (r->has_share && strtod(r->share, NULL) > 1.0) ||
			    (r->has_mean && strcspn(r->mean, ".") > 15))
				abort();
		}
		hub_extract_free(&x);
	}
	free(manifest);
	free(csv);
	return 0;
}
