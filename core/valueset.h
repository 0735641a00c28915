/*
 * valueset.h - value sets: named lists of codes with validity periods
 *
 * Read from a plain text file (conf/valuesets.txt is the shipped default,
 * equal to the tables of the indicator catalogue), one code per line:
 *
 *     catalogue 1
 *     version 2024.1
 *     # SET              KIND     CODE       FROM        TO
 *     DIABETES           ICD-10   E11
 *     NOKLUS_FORM_FEE    FEE      109        -           2022-06-30
 *     HIGH_RISK_ELDERLY  ATC      N05A*
 *     HIGH_RISK_ELDERLY  ATC      !N05AN01
 *     LMG_NOTE           KEYWORD  lmg
 *
 * KIND is ICPC-2, ICD-10, ATC, ANALYSIS, FEE, FORM, RXGROUP or KEYWORD. FROM
 * and TO are inclusive dates, '-' for an open end. Codes are normalised as
 * the connectors normalise them (upper case; dots removed from ICPC-2 and
 * ICD-10). Matching: ICD-10 by prefix (categories), ATC by prefix where the
 * entry ends in '*', everything else exactly; '!' marks an exclusion.
 *
 * Ownership: kv_value_sets_load returns sets the caller frees with
 * kv_value_sets_free; every pointer into them is borrowed.
 */
#ifndef KVALIND_VALUESET_H
#define KVALIND_VALUESET_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "kvalind/kv_plugin.h"

struct kv_value_sets;

/* NULL when the file cannot be read or has errors (all added to d). */
struct kv_value_sets *kv_value_sets_load(const char *path, struct kv_diags *d);
void kv_value_sets_free(struct kv_value_sets *sets);

const char *kv_value_sets_version(const struct kv_value_sets *sets);
const char *kv_value_sets_catalogue(const struct kv_value_sets *sets);
const struct kv_value_set *kv_value_sets_find(const struct kv_value_sets *sets, const char *name);

bool kv_value_set_contains(const struct kv_value_set *set, enum kv_code_kind kind,
			   const char *code, kv_date date);

/* The KEYWORD sets: their names and connector keyword rules ("a|b"), in a
 * fixed order whose index is kv_note_match.pattern. Borrowed arrays. */
size_t kv_value_sets_keywords(const struct kv_value_sets *sets, const char *const **names,
			      const char *const **rules);

/* Normalise a code in place as connectors do: trim, upper-case, and for
 * ICPC-2/ICD-10 remove dots. */
void kv_normalise_code(char *code, enum kv_code_kind kind);

#endif /* KVALIND_VALUESET_H */
