/*
 * setting.h - configuration keys and values on their own: checking a key
 * table, a value against its key, and a key's binding to a field of a
 * settings struct (KV_SETTING in kv_plugin.h), and storing a value there
 *
 * The one implementation the core's loader, the plugin host and the test
 * programs' fake host share. Errors go into the caller's buffer; nothing
 * here allocates except kv_setting_keys.
 */
#ifndef KVALIND_SETTING_H
#define KVALIND_SETTING_H

#include <stdbool.h>
#include <stddef.h>

#include "kvalind/kv_plugin.h"

/* Store value (already checked against st's key; NULL: unset) into st's
 * field of settings: int64_t, bool or the borrowed string. The one place
 * core, plugin host and test hosts turn a value into a field. */
void kv_setting_store(const struct kv_setting *st, const char *value, void *settings);

/* A setting table's keys as an array (malloc'd; NULL when n is 0). */
struct kv_config_key *kv_setting_keys(const struct kv_setting *st, size_t n);

/* Check a settings table: its keys (kv_config_check_table) and each key's
 * binding: a field named as the key, of the key's type, inside a struct of
 * struct_size bytes. */
int kv_config_check_bindings(const struct kv_setting *st, size_t n, size_t struct_size,
			     char *err, size_t errlen);

/* Check that a value suits a key's type; why gets "expected ..." on failure. */
int kv_config_check_value(const struct kv_config_key *key, const char *value, char *why,
			  size_t whylen);

/* Check a key table itself (names unique and well formed, defaults valid). */
int kv_config_check_table(const struct kv_config_key *keys, size_t n, char *err,
			  size_t errlen);

const struct kv_config_key *kv_config_find_key(const struct kv_config_key *keys, size_t n,
					       const char *name);

/* The type's name for documentation ("integer", "connection string", ...). */
const char *kv_config_type_name(enum kv_config_type type);

#endif /* KVALIND_SETTING_H */
