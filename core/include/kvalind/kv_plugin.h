/*
 * kv_plugin.h - the kvalind plugin ABI
 *
 * This header (with kv_events.h, which it includes) is the only one a plugin
 * includes. A plugin is a shared object that exports exactly one symbol, its
 * descriptor:
 *
 *     KV_CONNECTOR_PLUGIN = {
 *         KV_PLUGIN_HEADER(KV_PLUGIN_CONNECTOR, struct kv_connector_plugin,
 *                          "reference", "1.0.0", "reads the reference schema"),
 *         KV_SETTINGS(struct ref_settings, reference_settings),
 *         .open = ..., .read = ..., .close = ...,
 *     };
 *
 * and an indicator plugin likewise with KV_INDICATORS(defs) and .init,
 * .compute, .fini. The shortest complete ones are quoted, with what they
 * show, in indicators/README.md and plugins/README.md.
 *
 * Build plugins with -fvisibility=hidden; the macros mark the descriptor as
 * the one visible symbol.
 *
 * Versioning (sudo's plugin API and PostgreSQL's PG_MODULE_MAGIC are the
 * models). A descriptor starts with ABI major, ABI minor and its own struct
 * size. The core reads those before it calls any plugin code:
 *  - a different major is refused ("incompatible"): the layout changed;
 *  - a newer minor than the core's is refused: the plugin may expect host
 *    functions this core lacks;
 *  - an older minor is accepted: minor versions only append fields at the end
 *    of a struct, and the core reads an appended field only when the
 *    plugin's struct_size covers it: it copies the descriptor, the
 *    definitions and each patient into zero-filled structs of its own size
 *    (KV_INDICATOR_DEF_V2_0_SIZE says why a definition's size alone does
 *    not do). tests/abi/check_abi_next.c loads the shipped plugins into a
 *    core built as a pretend next minor (KV_ABI_TEST_NEXT_MINOR, below),
 *    and tests/abi/ loads 2.0 test plugins into this core.
 * Required callbacks are checked at load time, never when first needed.
 *
 * Plugins never link against the daemon. Everything they may do - log,
 * report an error, look up value sets, count rows - goes through the
 * struct kv_host the core passes to them, together with an opaque
 * struct kv_ctx that identifies the plugin. The core stamps the plugin's kind
 * and name on every log line.
 *
 * ABI 2.0 (a plugin built for 1.x is refused, naming both versions):
 *  - Context. Every callback receives a struct kv_call: the host, the
 *    plugin's context, the state its open()/init() made and its settings,
 *    so a plugin keeps no copy of the host or context.
 *  - Declarations are data. What a plugin declares once per run - the event
 *    kinds a connector provides, how far back an indicator's windows look -
 *    it writes into the result struct of open()/init(); the core never calls
 *    back to ask.
 *  - Sizes. Every struct passed by pointer across the boundary starts with
 *    (or, for the descriptor, contains) its struct_size, so a later minor
 *    version can append fields and event kinds compatibly.
 *  - Settings. Each configuration key is bound to a field of the plugin's
 *    settings struct (struct kv_setting); the core checks and fills it once.
 *    No key is read by string.
 *
 * ABI 2.1 (appended; a 2.0 plugin still loads): the office's own
 * follow-up (issue 19). A connector's patient origin carries the record
 * system's own patient key as text and the list holder of each list period;
 * a connector may look up display names (patients', practitioners') for the
 * office's own lists; an indicator may say, per cell, the date and value
 * that decide a patient's place in it (kv_result_block.decisive_*). None of
 * it reaches an indicator plugin, and none of it leaves the office.
 *
 * Roles are separate: a connector reads the EHR and never talks to the
 * outside world; an indicator sees canonical events only; only the core writes
 * anything that leaves the office.
 */
#ifndef KVALIND_KV_PLUGIN_H
#define KVALIND_KV_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kv_events.h"

#define KV_ABI_MAJOR 2
/*
 * KV_ABI_TEST_NEXT_MINOR is for tests only and never defined by a shipped
 * build: with it this header pretends to be ABI 2.2, and every struct that
 * carries struct_size (and struct kv_indicator_def) ends with one more
 * field, abi_test_next (KV_ABI_TEST_FIELD, kv_events.h). The build makes a
 * second core with it (build/abi-next/) to load the shipped plugins
 * into, and a test plugin (tests/plugins/t_abi_next.c) to offer the normal
 * core: tests/abi/check_abi_next.c, run by `make check-unit`.
 */
#ifdef KV_ABI_TEST_NEXT_MINOR
#define KV_ABI_MINOR 2
#else
#define KV_ABI_MINOR 1
#endif

#define KV_PUBLIC __attribute__((visibility("default")))
#define KV_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

/* Return codes of plugin callbacks. */
#define KV_OK 0
#define KV_ERROR (-1)

enum kv_plugin_kind { KV_PLUGIN_CONNECTOR = 1, KV_PLUGIN_INDICATOR = 2 };

enum kv_log_level { KV_LOG_ERROR = 0, KV_LOG_WARNING, KV_LOG_INFO, KV_LOG_DEBUG };

/* ---- configuration declarations --------------------------------------- */

/*
 * Every key a plugin accepts in its [connector.NAME] or [indicator.NAME]
 * section is declared in a table; the core validates the file against it
 * (unknown keys, missing required keys and bad values are errors naming file,
 * line and key) and `kvalind describe-plugin NAME` prints it.
 */
enum kv_config_type {
	KV_CONFIG_STRING = 1, /* free text on one line */
	KV_CONFIG_INT,        /* decimal integer; `allowed` is "MIN..MAX" */
	KV_CONFIG_BOOL,       /* true/false, yes/no, on/off, 1/0 */
	KV_CONFIG_ENUM,       /* one of `allowed`, "a|b|c" */
	KV_CONFIG_PATH,       /* an absolute or config-relative path */
	KV_CONFIG_MONTH,      /* YYYY-MM */
	/* A connection string (libpq URI or ODBC "KEY=value;..."). Taken raw:
	 * ';' is not a comment on this line, and a long one may continue on
	 * following lines indented by whitespace, joined without separator. */
	KV_CONFIG_CONNSTR,
	/* A secret (password, passphrase): may live in the secrets file, is
	 * never printed or logged by the core. */
	KV_CONFIG_SECRET
};

struct kv_config_key {
	const char *key;
	enum kv_config_type type;
	const char *default_value; /* NULL: no default */
	bool required;
	const char *allowed;       /* see enum kv_config_type; NULL for any */
	const char *description;   /* one sentence for --help and the README */
};

/*
 * ABI 2.0: settings. Every key of a plugin is bound to a field of the
 * plugin's own settings struct; the core fills that struct from the file
 * (type, default and bounds checked once, at load) and hands it to every
 * callback as kv_call.settings, so no key is read by string where it is
 * used and a renamed key cannot silently become a default. Declare them
 * with KV_SETTING (or KV_BIND in a designated entry):
 *
 *     struct chd_settings { int64_t window_months; };
 *     static const struct kv_setting chd_settings_table[] = {
 *         KV_SETTING(struct chd_settings, window_months, KV_CONFIG_INT, "12",
 *                    false, "1..120", "calendar months of W12"),
 *     };
 *     ... KV_SETTINGS(struct chd_settings, chd_settings_table), ...
 *
 * The field's C type follows the key's type: int64_t for KV_CONFIG_INT,
 * bool for KV_CONFIG_BOOL, const char * for every other type (NULL when
 * unset and without default; borrowed until the plugin is unloaded). The
 * key is named after the field. The loader refuses a plugin whose field
 * has another type ("setting \"x\" is an integer, its field is not
 * int64_t"), so `kvalind check-config` reports it at the section's line.
 */
enum kv_field_kind {
	KV_FIELD_UNKNOWN = 0, /* a C type no key type takes: always refused */
	KV_FIELD_INT64 = 1,
	KV_FIELD_BOOL = 2,
	KV_FIELD_STRING = 3
};

struct kv_setting {
	struct kv_config_key key;
	uint32_t offset;        /* of the field in the settings struct */
	uint32_t field;         /* enum kv_field_kind of the field's C type */
	const char *field_name; /* must equal key.key */
};

#define KV_FIELD_OF(S, f)                                                      \
	_Generic(((S *)0)->f, int64_t: KV_FIELD_INT64, bool: KV_FIELD_BOOL,     \
		 const char *: KV_FIELD_STRING, default: KV_FIELD_UNKNOWN)

/* The binding part of a kv_setting, for designated entries. */
#define KV_BIND(S, f)                                                          \
	.offset = (uint32_t)offsetof(S, f), .field = KV_FIELD_OF(S, f), .field_name = #f

/* A setting named after field f of struct S. */
#define KV_SETTING(S, f, type_, default_, required_, allowed_, description_)  \
	{                                                                      \
		.key = {#f, (type_), (default_), (required_), (allowed_),      \
			(description_)},                                       \
		KV_BIND(S, f)                                                  \
	}

/* ---- value sets ---------------------------------------------------------- */

/* Opaque: a named list of codes, owned by the core. */
struct kv_value_set;

/* What kind of code is being looked up. The first two equal enum
 * kv_code_system, so a diagnosis's system can be passed as it is. */
enum kv_code_kind {
	KV_CODES_ICPC2 = 1,
	KV_CODES_ICD10 = 2,
	KV_CODES_ATC,
	KV_CODES_ANALYSIS,   /* NLK/NPU laboratory analysis codes */
	KV_CODES_FEE,        /* Normaltariffen fee codes */
	KV_CODES_FORM,       /* form types */
	KV_CODES_RXGROUP,    /* reseptgruppe letters A, B, C, F */
	KV_CODES_KEYWORD,    /* words matched in journal notes (inside the database) */
	KV_CODES_SNOMED      /* SNOMED CT concept ids (ABI 1.1); = KV_CODE_SNOMED */
};

/* ---- the host API ------------------------------------------------------ */

/* Opaque: identifies the calling plugin to the host. Owned by the core. */
struct kv_ctx;

struct kv_host {
	uint16_t abi_major;
	uint16_t abi_minor;
	uint32_t struct_size;

	/* Log a line; the core prefixes "[kind:name callback]". Never pass an
	 * identifier or free text. */
	void (*log)(struct kv_ctx *ctx, enum kv_log_level level, const char *fmt, ...)
	    KV_PRINTF(3, 4);

	/* Describe why the current callback fails; the core reports it once,
	 * naming the plugin. The text is copied. */
	void (*set_error)(struct kv_ctx *ctx, const char *fmt, ...) KV_PRINTF(2, 3);

	/* (ABI 2.0: configuration is no longer read through the host, by
	 * string; a plugin's settings arrive filled as kv_call.settings.) */

	/* Result sinks of a connector's read: rows read and bad rows skipped,
	 * per table and reason (reason is a fixed phrase such as
	 * "unparseable date"; never a value from the row). */
	void (*count_rows)(struct kv_ctx *ctx, const char *table, uint64_t n);
	void (*count_bad_rows)(struct kv_ctx *ctx, const char *table, const char *reason,
			       uint64_t n);

	/* Value sets (the office's value-set file, shipped defaults = the
	 * indicator catalogue's tables). NULL when the set does not exist (an
	 * error naming it is logged). Borrowed until the plugin is unloaded. */
	const struct kv_value_set *(*value_set)(struct kv_ctx *ctx, const char *name);

	/* True when a normalised code of the given kind belongs to the set on
	 * date (each code may have a validity period). ICD-10 entries match by
	 * prefix (categories), ATC entries ending in '*' by prefix, the rest
	 * exactly; an exclusion entry ("!N05AN01") wins over inclusions. */
	bool (*in_value_set)(const struct kv_value_set *set, enum kv_code_kind kind,
			     const char *code, kv_date date);

	/* The index (as in kv_note_match.pattern) of the keyword rule of value
	 * set `name` (kind KEYWORD) in the current run, or -1. */
	int (*note_pattern)(struct kv_ctx *ctx, const char *name);

	/* Progress: about how many patients read() is going to deliver; the
	 * core shows done/total and the time left on a terminal. Optional for
	 * a connector to call. */
	void (*expect_patients)(struct kv_ctx *ctx, uint64_t n);
	KV_ABI_TEST_FIELD(const void *)
};

/*
 * ABI 2.0: the first argument of every callback. Made by the core, borrowed
 * for the call (copy nothing out of it but `state`'s pointee, which is the
 * plugin's own). struct_size is sizeof(struct kv_call) of the core; a plugin
 * reads a field appended by a later minor version only when struct_size
 * covers it.
 */
struct kv_call {
	uint32_t struct_size;
	const struct kv_host *host;
	struct kv_ctx *ctx;   /* pass to host functions */
	void *state;          /* what open()/init() stored; NULL during them */
	const void *settings; /* the plugin's settings struct (settings_size
			       * bytes), filled by the core; borrowed, valid
			       * until the plugin is unloaded */
	KV_ABI_TEST_FIELD(const void *)
};

/* ---- descriptors ------------------------------------------------------- */

#define KV_PLUGIN_HEADER_FIELDS                                                \
	uint16_t abi_major;                                                    \
	uint16_t abi_minor;                                                    \
	uint32_t struct_size;                                                  \
	uint32_t kind;            /* enum kv_plugin_kind */                    \
	const char *name;         /* must equal the file's name less ".so" */  \
	const char *version;      /* the plugin's own version */               \
	const char *description;                                               \
	const struct kv_setting *settings;   /* ABI 2.0; see kv_setting */     \
	size_t n_settings;                                                     \
	uint32_t settings_size    /* sizeof the plugin's settings struct */

/* The common head of every descriptor. */
struct kv_plugin_header {
	KV_PLUGIN_HEADER_FIELDS;
};

/* ---- connector plugins -------------------------------------------------- */

/*
 * What the core asks a connector to read: events up to `to` (inclusive) and
 * the keyword rules to match inside the database, in this order (the index
 * of a rule is kv_note_match.pattern).
 *
 * A keyword rule is a list of words separated by '|', e.g.
 * "legemiddelgjennomgang|lmg". A note matches when one of the words occurs
 * case-insensitively, preceded by the start of the text or a character that
 * is not a letter (ASCII or U+00C0..U+017F less U+00D7 and U+00F7), digit or
 * '_', and followed by space, tab, CR, LF, ',', '.', ':' or the end of the
 * text (indicators.md, precise rules 9 and 16). The connector translates the
 * rule into its database's dialect, independent of the database's locale;
 * the note text itself never enters the process.
 */
struct kv_read_request {
	uint32_t struct_size;             /* the core's sizeof; see kv_call */
	kv_date to;
	const char *const *note_patterns; /* keyword rules, see above */
	size_t n_note_patterns;
	size_t memory_budget;             /* bytes the connector may hold */

	/*
	 * The earliest date the run's windows look at, or
	 * 0 for none (read everything). A connector may leave out, and must
	 * then drop exactly, the events of the windowed kinds dated before it:
	 * contacts (and with them their fees), prescriptions, lab results,
	 * blood pressures, forms and note matches. List periods, diagnoses and
	 * the medication list are always delivered whole. A diagnosis whose
	 * contact was left out is delivered unlinked (contact -1). A connector
	 * that ignores the field stays correct, only slower. The core sets it
	 * (core/engine.c) only when every indicator's windows fit.
	 */
	kv_date events_from;

	/*
	 * ABI 2.1 (appended): what of the patient origin this run needs
	 * (KV_ORIGIN_* bits); 0 for a run that computes counts only. A
	 * connector reads the patient key column and the list holders only
	 * when asked, so that `compute` costs nothing for them.
	 */
	uint32_t origin;
	KV_ABI_TEST_FIELD(uint32_t)
};

/* kv_read_request.origin bits (ABI 2.1). */
#define KV_ORIGIN_KEY 0x1u     /* kv_patient_origin.key */
#define KV_ORIGIN_HOLDERS 0x2u /* kv_patient_origin.period_holders */

/* The longest patient key, with its terminating NUL. A longer key is never
 * cut: the connector counts it (count_bad_rows on the patient table,
 * "patient key too long") and passes key NULL; the patient is still
 * delivered, so a list run counts exactly what `compute` counts. */
#define KV_PATIENT_KEY_MAX 64

/*
 * ABI 2.0: what the core, and never an indicator, may know of a patient
 * beyond the event model: room for the office's own follow-up (issue 19).
 * Both values are opaque numbers the connector derives inside the office;
 * neither is a national id nor leaves the office. The core does not pass
 * them to indicator plugins (core/engine.c, on_patient).
 */
struct kv_patient_origin {
	uint32_t struct_size;  /* the connector's sizeof */
	uint64_t local_ref;    /* an opaque per-patient reference; 0: none */
	uint64_t list_holder;  /* an opaque id of the list's GP at req->to; 0: unknown */

	/*
	 * ABI 2.1 (appended); both NULL unless the read request asked
	 * (kv_read_request.origin), and NULL when the connector cannot say.
	 *
	 * key: the record system's own patient key as its users type it to open
	 * the record (a patient number, the OMOP person_source_value), a
	 * NUL-terminated string shorter than KV_PATIENT_KEY_MAX. NULL: the key
	 * is local_ref in decimal.
	 *
	 * period_holders: the list holder (as list_holder: an opaque
	 * practitioner id, 0 unknown) of each of the patient's list periods,
	 * entry i for kv_patient.periods[i], n_periods entries. With it the
	 * core knows the list holder at every reference date of the run.
	 */
	const char *key;
	const uint64_t *period_holders;
	KV_ABI_TEST_FIELD(uint64_t)
};

/* Called once per patient with that patient's events and, when the
 * connector has one, its origin (else NULL); both borrowed for the call.
 * A non-zero return stops the read (the connector returns KV_ERROR). */
typedef int (*kv_patient_sink)(void *arg, const struct kv_patient *patient,
			       const struct kv_patient_origin *origin);

/* What a connector's open() hands back, as data. Zeroed by the core, which
 * sets struct_size (read a later minor version's field only when it is
 * covered). */
struct kv_open_result {
	uint32_t struct_size;
	void *state;       /* the plugin's own, passed back as kv_call.state */
	uint32_t provides; /* what this office's data provides: enum kv_provides bits */
	KV_ABI_TEST_FIELD(uint32_t)
};

/* What kv_connector_plugin.names looks up (ABI 2.1). */
enum kv_name_kind {
	KV_NAME_PATIENT = 1,     /* refs are kv_patient_origin.local_ref */
	KV_NAME_PRACTITIONER = 2 /* refs are list holder ids */
};

/* Receives one display name; `name` is borrowed for the call. */
typedef void (*kv_name_sink)(void *arg, uint64_t ref, const char *name);

struct kv_connector_plugin {
	KV_PLUGIN_HEADER_FIELDS;

	/* Required. Connect (read-only), check the schema and say what the
	 * data provide (res->provides). On success res->state is the plugin's
	 * own, passed to the other callbacks as call->state. On failure call
	 * host->set_error and return KV_ERROR; close() is not called. */
	int (*open)(const struct kv_call *call, struct kv_open_result *res);

	/* Required. Deliver every patient once, each with all events up to
	 * req->to, holding at most req->memory_budget bytes. Count rows and bad
	 * rows through the host. KV_OK, or KV_ERROR after host->set_error. */
	int (*read)(const struct kv_call *call, const struct kv_read_request *req,
		    kv_patient_sink sink, void *sink_arg);

	/* Required. Disconnect and free call->state and everything in it. */
	void (*close)(const struct kv_call *call);

	/*
	 * ABI 2.1 (appended), optional (NULL: the connector cannot name
	 * anyone). Look up the display names of `n` references of one kind, for
	 * the office's own lists and report, and call sink once for each one
	 * found (in any order; a reference with no name is left out). Called
	 * after read() and before close(), only for the patients being listed
	 * and only when the office has opted in ([local] show_names), or for the
	 * list holders of a local list or report. Names go to the person at the
	 * screen and nowhere else: never log one. KV_OK, or KV_ERROR after
	 * host->set_error.
	 */
	int (*names)(const struct kv_call *call, enum kv_name_kind kind, const uint64_t *refs,
		     size_t n, kv_name_sink sink, void *sink_arg);
	KV_ABI_TEST_FIELD(const char *)
};

/* ---- indicator plugins -------------------------------------------------- */

enum kv_indicator_type {
	KV_INDICATOR_PROPORTION = 1, /* numerator / denominator */
	KV_INDICATOR_MEAN = 2        /* value sum / denominator */
};

/* Which way is better, for comparison reports. */
enum kv_direction {
	KV_LOWER_IS_BETTER = -1,
	KV_NEITHER_IS_BETTER = 0, /* a description (prevalence), not a target */
	KV_HIGHER_IS_BETTER = 1
};

/*
 * One indicator. The core steps through a plugin's array with the stride the
 * descriptor gives (indicator_def_size), so minor versions may append fields
 * here too.
 */
struct kv_indicator_def {
	const char *id;        /* stable catalogue ID, e.g. "DM_ANNUAL_CHECK" */
	uint32_t version;      /* bumped whenever the definition changes */
	uint32_t type;         /* enum kv_indicator_type */
	uint32_t requires;     /* enum kv_provides bits it cannot do without */
	const char *title;     /* English */
	const char *title_nb;  /* Norwegian (bokmål) */
	const char *numerator;   /* one line: who is counted */
	const char *denominator; /* one line: among whom */
	int32_t direction;     /* enum kv_direction */

	/*
	 * ABI 1.1: how this indicator's counts relate to others', so that
	 * disclosure control can stop a hidden count being recomputed from
	 * published ones. Each is optional (NULL / 0). Population names are
	 * shared across plugins; use the names in indicators/README.md.
	 *
	 * denominator_population: the population the denominator counts, e.g.
	 *     "listed" (listed patients at R) or "diabetes". Denominators with
	 *     the same name are equal in every month.
	 * numerator_population: the population the numerator counts, when
	 *     another indicator's denominator (or a sum) is that population:
	 *     DM_PREVALENCE's numerator is "diabetes".
	 * numerator_part_of: a population this numerator is one part of: the
	 *     numerators naming it add up to that population's count, exactly
	 *     when every part sets KV_PARTS_COMPLETE, else to at most it.
	 *
	 * The core checks every declared relation against the true counts of
	 * each run and refuses to export a month where one does not hold.
	 */
	const char *denominator_population;
	const char *numerator_population;
	const char *numerator_part_of;
	uint32_t relation_flags; /* KV_PARTS_COMPLETE */

	/*
	 * ABI 1.2 (appended), optional: populations that contain the patients
	 * this indicator's numerator (denominator) counts, as a comma-separated
	 * list of population names: DM_ALBUMINURIA's numerator (a last UACR of
	 * 3 or more) is within "diabetes_uacr_measured", ELD70_NO_CONTACT's
	 * denominator (aged 70 or more) within "aged_65plus". Each gives the
	 * relation "the containing population's count >= this count" wherever
	 * an enabled indicator counts that population; an attacker reads such
	 * relations off the definitions, so disclosure control must know them.
	 */
	const char *numerator_within;
	const char *denominator_within;

	/*
	 * ABI 1.2 (appended), optional: when disclosure control must hide one
	 * more part of the sum this numerator is part of (numerator_part_of),
	 * the parts with the highest hide_priority go first, then by indicator
	 * id; the total only after every part. Give the part that is usually
	 * the smallest the highest priority, so that what is hidden is little.
	 * The order is fixed: it never depends on a count, so it tells an
	 * attacker nothing.
	 */
	uint32_t hide_priority;

	/*
	 * ABI 2.1 (appended), optional: what this indicator writes as the
	 * decisive date and value of a listed patient (kv_result_block), shown
	 * as a column heading: decisive "last HbA1c", decisive_unit
	 * "mmol/mol". NULL decisive: it writes none; NULL unit: a date only.
	 */
	const char *decisive;
	const char *decisive_unit;
	KV_ABI_TEST_FIELD(uint32_t)
};

/* The parts of numerator_part_of add up to all of it, not just at most. */
#define KV_PARTS_COMPLETE 0x1u

/* The size of an ABI 2.0 definition (every field above). A later minor
 * version appends fields; the core reads them only from plugins whose
 * indicator_def_size has them and that were built for that minor version:
 * a 2.0 definition's indicator_def_size (its sizeof) also counts 4 bytes of
 * tail padding, where a 2.1 uint32_t would go, so of a 2.0 plugin the core
 * reads this many bytes. */
#define KV_INDICATOR_DEF_V2_0_SIZE                                             \
	(offsetof(struct kv_indicator_def, hide_priority) + sizeof(uint32_t))

/* The reference months of one run, oldest first. Borrowed, with its
 * arrays, from init() until fini(). */
struct kv_run {
	uint32_t struct_size;           /* the core's sizeof; see kv_call */
	kv_month first_month;
	size_t n_months;
	const kv_date *reference_dates; /* R of each month, n_months entries */
	uint32_t provides;              /* what the connector provides */
	const char *const *note_patterns; /* names of the KEYWORD value sets, by index */
	size_t n_note_patterns;
	const char *catalogue_version;    /* of the indicator catalogue */
	const char *value_set_version;    /* of the value-set file in use */
	KV_ABI_TEST_FIELD(const void *)
};

/* Per-patient results, zeroed by the core before each compute() call.
 * Entry [i * n_months + m] is indicator i (in the descriptor's order) for
 * reference month m of the run. */
#define KV_IN_DENOMINATOR 0x1u
#define KV_IN_NUMERATOR 0x2u
struct kv_result_block {
	uint32_t struct_size;           /* the core's sizeof; see kv_call */
	size_t n_indicators;
	size_t n_months;
	uint8_t *flags;  /* KV_IN_* bits; a numerator outside the denominator is an error */
	double *values;  /* mean-type indicators: the patient's value */

	/*
	 * ABI 2.1 (appended): NULL unless the run lists patients (`kvalind
	 * patients`, `report`); then, indexed like flags, where the indicator
	 * can say it (kv_indicator_def.decisive), the date and value that
	 * decide the patient's place in the cell: the last annual check, the
	 * last HbA1c and its value, so a list can be sorted by how overdue a
	 * patient is. Reset by the core before each compute() to KV_DATE_NONE
	 * and NAN (none). Write them only when struct_size covers them and
	 * they are not NULL (KV_RESULT_HAS_DECISIVE).
	 */
	kv_date *decisive_dates;
	double *decisive_values;
	KV_ABI_TEST_FIELD(const void *)
};

/* Whether result block b asks for decisive dates and values. */
#define KV_RESULT_HAS_DECISIVE(b)                                              \
	((b)->struct_size >= offsetof(struct kv_result_block, decisive_values) +  \
				 sizeof(double *) &&                           \
	 (b)->decisive_dates != NULL)

/*
 * What an indicator's init() hands back, as data. Zeroed by the core, which
 * sets struct_size.
 *
 * lookback_months: how far back before the run's first reference month this
 * plugin's windows look at events of the windowed kinds (contacts and their
 * fees, prescriptions, lab results, blood pressures, forms, note matches),
 * in calendar months, for the configuration it was initialised with. L
 * means: no event dated before the first day of month first_month - L
 * changes any result; a window of N calendar months ending with the
 * reference month needs N, and day offsets reaching before a window (d - 28
 * days) add whole months (28 days or less per month). List periods,
 * diagnoses and the medication list are always delivered whole and need no
 * declaration. The core asks the connector only for the events the longest
 * declared lookback of the enabled plugins needs
 * (kv_read_request.events_from); 0 means "unknown": the core then reads
 * every event, which is always right, only slower.
 * tests/decks/check_plugins.c checks every shipped plugin's declaration
 * against its results.
 */
struct kv_init_result {
	uint32_t struct_size;
	void *state;              /* the plugin's own, passed back as kv_call.state */
	uint32_t lookback_months;
	KV_ABI_TEST_FIELD(uint32_t)
};

struct kv_indicator_plugin {
	KV_PLUGIN_HEADER_FIELDS;

	const struct kv_indicator_def *indicators;
	size_t n_indicators;
	uint32_t indicator_def_size; /* sizeof(struct kv_indicator_def) built against */

	/* Required. Prepare a run: res->state (passed back as call->state to
	 * compute() and fini()) and res->lookback_months. On failure call
	 * host->set_error and return KV_ERROR, having freed what it made;
	 * fini() is not called. */
	int (*init)(const struct kv_call *call, const struct kv_run *run,
		    struct kv_init_result *res);

	/* Required. Mark, for one patient, every (indicator, month) the patient
	 * is in. The core has checked `out`: n_indicators (the descriptor's) x
	 * the run's n_months, zeroed. Must not keep pointers into `patient`
	 * after returning. KV_OK, or KV_ERROR after host->set_error (the
	 * plugin's results are then marked failed for the run). */
	int (*compute)(const struct kv_call *call, const struct kv_patient *patient,
		       struct kv_result_block *out);

	/* Required. Free call->state and everything in it. */
	void (*fini)(const struct kv_call *call);
	KV_ABI_TEST_FIELD(const char *)
};

/* The descriptor symbols. Declared here so the compiler checks their type. */
extern const struct kv_connector_plugin kv_connector_plugin;
extern const struct kv_indicator_plugin kv_indicator_plugin;

#define KV_CONNECTOR_PLUGIN KV_PUBLIC const struct kv_connector_plugin kv_connector_plugin
#define KV_INDICATOR_PLUGIN KV_PUBLIC const struct kv_indicator_plugin kv_indicator_plugin

/* Fills the common head; the struct size is taken from the descriptor type. */
#define KV_PLUGIN_HEADER(kind_, type_, name_, version_, description_)          \
	.abi_major = KV_ABI_MAJOR, .abi_minor = KV_ABI_MINOR,                  \
	.struct_size = sizeof(type_), .kind = (kind_), .name = (name_),        \
	.version = (version_), .description = (description_)

/* Fills indicators, n_indicators and indicator_def_size from an array. */
#define KV_INDICATORS(defs_)                                                   \
	.indicators = (defs_), .n_indicators = sizeof(defs_) / sizeof((defs_)[0]), \
	.indicator_def_size = sizeof((defs_)[0])

/* Fills settings, n_settings and settings_size from a kv_setting table
 * bound to struct type S. */
#define KV_SETTINGS(S, table_)                                                 \
	.settings = (table_), .n_settings = sizeof(table_) / sizeof((table_)[0]), \
	.settings_size = sizeof(S)

#endif /* KVALIND_KV_PLUGIN_H */
