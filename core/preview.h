/*
 * preview.h - showing an extract to a person before it leaves: a table of
 * its controlled counts (what an evaluator will read), or its exact bytes
 */
#ifndef KVALIND_PREVIEW_H
#define KVALIND_PREVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* raw: manifest.json's and data.csv's bytes, each after a "==> NAME <=="
 * line; otherwise a table with a heading naming the extract and state. */
void kv_preview_print(FILE *out, const char *id, const char *state, const char *manifest,
		      size_t manifest_len, const char *csv, size_t csv_len, bool raw);

#endif /* KVALIND_PREVIEW_H */
