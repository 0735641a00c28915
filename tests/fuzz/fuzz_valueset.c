/*
 * fuzz_valueset.c - code normalisation and the value-set file parser.
 *
 * The input is a value-set file (core/valueset.c, kv_value_sets_load, read
 * from a memory file). When it loads, every set is asked about codes taken
 * from the input's own lines, for every kind, on a few dates, and the
 * keyword rules are read back.
 *
 * Each line of the input is also a code to normalise, both ways kvalind
 * normalises codes: the core's kv_normalise_code (value-set entries) and
 * the reference connector's kvdb_norm_code (codes read from the record
 * system, plugins/common/kvdb_util.c). The two must agree (a code in a
 * value set must match the same code read from the database): for every
 * kind where the connector removes dots (ICPC-2, ICD-10) or not (the rest
 * but FORM and KEYWORD, which the core leaves as they are), whenever the
 * connector accepts the code, the core's result must be byte for byte the
 * same. Results must be upper case, trimmed and, for ICPC-2/ICD-10, free of
 * dots.
 */
#define _GNU_SOURCE /* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util.h"
#include "valueset.h"

/* plugins/common/kvdb_util.c */
int kvdb_norm_code(const char *s, size_t len, bool remove_dots, char out[KV_CODE_MAX]);

static const enum kv_code_kind all_kinds[] = {
	KV_CODES_ICPC2, KV_CODES_ICD10,   KV_CODES_ATC,     KV_CODES_ANALYSIS, KV_CODES_FEE,
	KV_CODES_FORM,  KV_CODES_RXGROUP, KV_CODES_KEYWORD, KV_CODES_SNOMED,
};

static volatile size_t sink;

static void check_code(const char *line, size_t len)
{
	for (size_t k = 0; k < KV_ARRAY_SIZE(all_kinds); k++) {
		enum kv_code_kind kind = all_kinds[k];
		char *core = malloc(len + 1);
		if (core == NULL)
			abort();
		memcpy(core, line, len);
		core[len] = '\0';
		kv_normalise_code(core, kind);
		size_t n = strlen(core);
		if (n > len)
			abort();
		if (kind != KV_CODES_FORM && kind != KV_CODES_KEYWORD) {
			bool dots = kind == KV_CODES_ICPC2 || kind == KV_CODES_ICD10;
			for (size_t i = 0; i < n; i++)
				if ((core[i] >= 'a' && core[i] <= 'z') || (dots && core[i] == '.'))
					abort();
			/* trimmed (before the dots go: "T90 ." keeps its space) */
			if (n > 0 && !dots &&
			    (core[0] == ' ' || core[0] == '\t' || core[n - 1] == ' ' ||
			     core[n - 1] == '\t'))
				abort();
			char conn[KV_CODE_MAX];
			/* the connector sees the same bytes up to a NUL (a C string) */
			int r = kvdb_norm_code(line, strnlen(line, len), dots, conn);
			if (r == 0 && strcmp(conn, core) != 0) {
				fprintf(stderr,
					"kind %d: connector \"%s\" and value set \"%s\" normalise "
					"the same code differently\n",
					(int)kind, conn, core);
				abort();
			}
		}
		sink += n;
		free(core);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* codes: each line (at most 200 bytes of it) */
	for (size_t i = 0; i < size;) {
		size_t j = i;
		while (j < size && data[j] != '\n')
			j++;
		size_t len = j - i > 200 ? 200 : j - i;
		check_code((const char *)data + i, len);
		i = j + 1;
	}

	/* the value-set file */
	static int fd = -1;
	static char path[64];
	if (fd < 0) {
		fd = memfd_create("valuesets.txt", 0);
		if (fd < 0)
			abort();
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	struct kv_diags d = {0};
	struct kv_value_sets *vs = kv_value_sets_load(path, &d);
	kv_diags_free(&d);
	if (vs == NULL)
		return 0;
	sink += strlen(kv_value_sets_version(vs)) + strlen(kv_value_sets_catalogue(vs));
	const char *const *names, *const *rules;
	size_t nk = kv_value_sets_keywords(vs, &names, &rules);
	for (size_t i = 0; i < nk; i++) {
		if (kv_value_sets_find(vs, names[i]) == NULL)
			abort();
		sink += strlen(rules[i]);
	}
	/* every set name on the input's lines, asked about every token */
	static const kv_date dates[] = {-719162, 0, 16000, 19000, 2932896};
	char line[256];
	for (size_t i = 0; i < size;) {
		size_t j = i;
		while (j < size && data[j] != '\n')
			j++;
		size_t len = j - i < sizeof line - 1 ? j - i : sizeof line - 1;
		memcpy(line, data + i, len);
		line[len] = '\0';
		i = j + 1;
		char *save = NULL;
		char *set_name = strtok_r(line, " \t", &save);
		const struct kv_value_set *set = set_name ? kv_value_sets_find(vs, set_name) : NULL;
		for (char *tok = strtok_r(NULL, " \t", &save); tok != NULL;
		     tok = strtok_r(NULL, " \t", &save))
			for (size_t k = 0; k < KV_ARRAY_SIZE(all_kinds); k++)
				for (size_t t = 0; t < KV_ARRAY_SIZE(dates); t++)
					sink += kv_value_set_contains(set, all_kinds[k], tok,
								      dates[t]);
	}
	kv_value_sets_free(vs);
	return 0;
}
