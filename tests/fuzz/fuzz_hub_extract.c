/*
 * fuzz_hub_extract.c - the hub's extract parser: hub_validate()
 * (hub/hub_validate.c: the manifest through json-c and the hub's own checks
 * of its text, the CSV through core/extract_format.c's row parser, the
 * disclosure rules), which is pure (no database, no network).
 *
 * Input: MANIFEST \0 DATA.CSV [\0 IDEMPOTENCY-KEY]. Without a key the
 * manifest's own extract_id is used as the key (found by a plain search,
 * so that a mutated but consistent extract reaches the CSV checks); the
 * authenticated office is the manifest's participant when it is a valid id,
 * else "office-a". The catalogue is fixed (A_ONE, B_TWO, C_MEAN, and the 37
 * indicator ids of the shipped plugins, so that seeds made from real
 * extracts pass), min_count 5, rounding_base 5, months 2010-01..2030-12.
 *
 * Beyond the sanitizers it checks what hub_validate promises: a refusal is
 * one line; an accepted extract is the authenticated office's, its
 * extract id is the key, every row is of its month, in the catalogue and
 * within the disclosure rules, and the rows' count is the CSV's line count.
 */
#include "../../hub/hub.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const ids[] = {
    "ADD_DDD_MEAN", "ADD_PRESCRIBED", "AD_WITH_DIAGNOSIS", "ANX_ANTIDEPRESSANT",
    "ANX_BENZODIAZEPINE", "ANX_CBT_NEW", "ANX_CONTROL_AD_START", "ANX_FOLLOWUP_NEW",
    "ANX_NEW_SOMATIC", "ANX_PREVALENCE", "A_ONE", "B_TWO", "CHD_BETA_BLOCKER",
    "COPD_CONTROL_6W", "COPD_CONTROL_AFTER_EXAC", "COPD_PREVALENCE", "C_MEAN",
    "DEP_ANTIDEPRESSANT", "DEP_NEW_SOMATIC", "DEP_PREVALENCE", "DM_ALBUMINURIA",
    "DM_ANNUAL_CHECK", "DM_BP_141_149", "DM_BP_GE150_90", "DM_BP_LE140_85", "DM_BP_MEASURED",
    "DM_HBA1C_52_70", "DM_HBA1C_GT70", "DM_HBA1C_LT52", "DM_HBA1C_MEASURED", "DM_PREVALENCE",
    "DM_STATIN", "DM_UACR_MEASURED", "ELD70_NO_CONTACT", "LMG_4PLUS", "MM_4PLUS",
    "MM_COMORBIDITY", "MM_COMORBID_SEEN", "RISK_HIGH_RISK_DRUGS", "RISK_LOST_TO_FOLLOWUP",
};

static struct hub_indicator cat_ind[sizeof ids / sizeof ids[0]];
static struct hub_catalogue cat;

static int by_id(const void *a, const void *b)
{
	return strcmp(((const struct hub_indicator *)a)->id, ((const struct hub_indicator *)b)->id);
}

static void init(void)
{
	if (cat.n != 0)
		return;
	for (size_t i = 0; i < KV_ARRAY_SIZE(ids); i++) {
		cat_ind[i].id = (char *)ids[i];
		cat_ind[i].version = 1;
	}
	qsort(cat_ind, KV_ARRAY_SIZE(ids), sizeof cat_ind[0], by_id);
	cat.ind = cat_ind;
	cat.n = KV_ARRAY_SIZE(ids);
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	init();
	const char *in = (const char *)data;
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
		    x.n_rows + 1 != lines)
			abort();
		for (size_t i = 0; i < x.n_rows; i++) {
			const struct kv_extract_row *r = &x.rows[i];
			char why[200];
			if (strcmp(r->participant, participant) != 0 || strcmp(r->month, x.month) != 0 ||
			    hub_catalogue_find(&cat, r->indicator) == NULL ||
			    kv_extract_check_disclosure(r, &pol.disclosure, why, sizeof why) != 0 ||
			    (r->has_numerator && (r->numerator < 5 || r->numerator % 5 != 0)))
				abort();
		}
		hub_extract_free(&x);
	}
	free(manifest);
	free(csv);
	return 0;
}
