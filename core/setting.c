/*
 * setting.c - what a configuration key is and what its value may be: the
 * key tables' own checks, each value's check against its key, and the
 * binding of keys to fields of a settings struct (kv_plugin.h KV_SETTING)
 *
 * Depends on util.c only, so the test programs' fake host fills a plugin's
 * settings with exactly the code the real host uses.
 */
#include "setting.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const char *kv_config_type_name(enum kv_config_type type)
{
	switch (type) {
	case KV_CONFIG_STRING: return "string";
	case KV_CONFIG_INT: return "integer";
	case KV_CONFIG_BOOL: return "boolean";
	case KV_CONFIG_ENUM: return "one of";
	case KV_CONFIG_PATH: return "path";
	case KV_CONFIG_MONTH: return "month (YYYY-MM)";
	case KV_CONFIG_CONNSTR: return "connection string";
	case KV_CONFIG_SECRET: return "secret";
	}
	return "?";
}

const struct kv_config_key *kv_config_find_key(const struct kv_config_key *keys, size_t n,
					       const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(keys[i].key, name) == 0)
			return &keys[i];
	return NULL;
}

static bool has_control_chars(const char *s, bool allow_newline)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 && *s != '\t' && !(allow_newline && *s == '\n'))
			return true;
	return false;
}

static bool parse_range(const char *allowed, long long *lo, long long *hi)
{
	if (allowed == NULL)
		return false;
	char buf[64];
	if (kv_snprintf(buf, sizeof buf, "%s", allowed) != 0)
		return false;
	char *dots = strstr(buf, "..");
	if (dots == NULL)
		return false;
	*dots = '\0';
	return kv_parse_int64(buf, lo) && kv_parse_int64(dots + 2, hi) && *lo <= *hi;
}

static bool enum_allows(const char *allowed, const char *value)
{
	size_t len = strlen(value);
	const char *p = allowed;
	while (p != NULL && *p) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		if (n == len && strncmp(p, value, n) == 0)
			return true;
		p = bar ? bar + 1 : NULL;
	}
	return false;
}

int kv_config_check_value(const struct kv_config_key *key, const char *value, char *why,
			  size_t whylen)
{
	long long v, lo, hi;
	bool b;
	int month;
	if (value == NULL || *value == '\0') {
		kv_snprintf(why, whylen, "the value is empty; remove the line to use the default");
		return -1;
	}
	if (has_control_chars(value, false)) {
		kv_snprintf(why, whylen, "the value contains control characters");
		return -1;
	}
	switch (key->type) {
	case KV_CONFIG_INT:
		if (!kv_parse_int64(value, &v)) {
			kv_snprintf(why, whylen, "expected an integer%s%s", key->allowed ? " in " : "",
				    key->allowed ? key->allowed : "");
			return -1;
		}
		if (parse_range(key->allowed, &lo, &hi) && (v < lo || v > hi)) {
			kv_snprintf(why, whylen, "expected an integer in %s", key->allowed);
			return -1;
		}
		return 0;
	case KV_CONFIG_BOOL:
		if (!kv_parse_bool(value, &b)) {
			kv_snprintf(why, whylen, "expected true or false (yes/no, on/off, 1/0)");
			return -1;
		}
		return 0;
	case KV_CONFIG_ENUM:
		if (!enum_allows(key->allowed, value)) {
			kv_snprintf(why, whylen, "expected one of %s", key->allowed ? key->allowed : "");
			return -1;
		}
		return 0;
	case KV_CONFIG_MONTH:
		if (!kv_parse_month(value, &month)) {
			kv_snprintf(why, whylen, "expected a month as YYYY-MM");
			return -1;
		}
		return 0;
	case KV_CONFIG_STRING:
	case KV_CONFIG_PATH:
	case KV_CONFIG_CONNSTR:
	case KV_CONFIG_SECRET:
		return 0;
	}
	kv_snprintf(why, whylen, "unknown key type %d", (int)key->type);
	return -1;
}

static bool valid_key_name(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 48)
		return false;
	for (const char *p = name; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_'))
			return false;
	return true;
}

int kv_config_check_table(const struct kv_config_key *keys, size_t n, char *err, size_t errlen)
{
	char why[256];
	if (n > 0 && keys == NULL) {
		kv_snprintf(err, errlen, "its key table is NULL but declares %zu keys", n);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const struct kv_config_key *k = &keys[i];
		if (k->key == NULL || !valid_key_name(k->key)) {
			kv_snprintf(err, errlen, "key %zu has no valid name ([a-z0-9_], 1 to 48)", i);
			return -1;
		}
		if (k->type < KV_CONFIG_STRING || k->type > KV_CONFIG_SECRET) {
			kv_snprintf(err, errlen, "key \"%s\" has an unknown type %d", k->key,
				    (int)k->type);
			return -1;
		}
		if (k->description == NULL) {
			kv_snprintf(err, errlen, "key \"%s\" has no description", k->key);
			return -1;
		}
		if (k->type == KV_CONFIG_ENUM && (k->allowed == NULL || *k->allowed == '\0')) {
			kv_snprintf(err, errlen, "enum key \"%s\" lists no allowed values", k->key);
			return -1;
		}
		if (k->default_value != NULL && kv_config_check_value(k, k->default_value, why,
								      sizeof why) != 0) {
			kv_snprintf(err, errlen, "default of key \"%s\" is invalid: %s", k->key, why);
			return -1;
		}
		for (size_t j = 0; j < i; j++) {
			if (strcmp(keys[j].key, k->key) == 0) {
				kv_snprintf(err, errlen, "key \"%s\" is declared twice", k->key);
				return -1;
			}
		}
	}
	return 0;
}

void kv_setting_store(const struct kv_setting *st, const char *value, void *settings)
{
	char *field = (char *)settings + st->offset;
	if (st->field == KV_FIELD_INT64) {
		long long n = 0;
		int64_t out = value != NULL && kv_parse_int64(value, &n) ? (int64_t)n : 0;
		memcpy(field, &out, sizeof out);
	} else if (st->field == KV_FIELD_BOOL) {
		bool out = false;
		if (value == NULL || !kv_parse_bool(value, &out))
			out = false;
		memcpy(field, &out, sizeof out);
	} else {
		memcpy(field, &value, sizeof value);
	}
}

struct kv_config_key *kv_setting_keys(const struct kv_setting *st, size_t n)
{
	if (n == 0 || st == NULL)
		return NULL;
	struct kv_config_key *keys = kv_xcalloc(n, sizeof *keys);
	for (size_t i = 0; i < n; i++)
		keys[i] = st[i].key;
	return keys;
}

static const char *field_kind_needed(enum kv_config_type type, enum kv_field_kind *kind)
{
	switch (type) {
	case KV_CONFIG_INT:
		*kind = KV_FIELD_INT64;
		return "an integer, its field is not int64_t";
	case KV_CONFIG_BOOL:
		*kind = KV_FIELD_BOOL;
		return "a boolean, its field is not bool";
	default:
		*kind = KV_FIELD_STRING;
		return "text, its field is not const char *";
	}
}

static size_t field_size(enum kv_field_kind kind)
{
	return kind == KV_FIELD_INT64 ? sizeof(int64_t) :
	       kind == KV_FIELD_BOOL  ? sizeof(bool) :
					sizeof(const char *);
}

int kv_config_check_bindings(const struct kv_setting *st, size_t n, size_t struct_size,
			     char *err, size_t errlen)
{
	if (n > 0 && st == NULL) {
		kv_snprintf(err, errlen, "it declares %zu settings but no table", n);
		return -1;
	}
	struct kv_config_key *keys = kv_setting_keys(st, n);
	char why[256];
	int rc = kv_config_check_table(keys, n, why, sizeof why);
	free(keys);
	if (rc != 0) {
		kv_snprintf(err, errlen, "bad configuration table: %s", why);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		enum kv_field_kind want;
		const char *what = field_kind_needed(st[i].key.type, &want);
		if (st[i].field != (uint32_t)want) {
			kv_snprintf(err, errlen, "setting \"%s\" is %s", st[i].key.key, what);
			return -1;
		}
		if (st[i].field_name == NULL || strcmp(st[i].field_name, st[i].key.key) != 0 ||
		    (size_t)st[i].offset + field_size(want) > struct_size) {
			kv_snprintf(err, errlen,
				    "setting \"%s\" is not bound to a field of that name inside "
				    "its settings struct",
				    st[i].key.key);
			return -1;
		}
	}
	return 0;
}

