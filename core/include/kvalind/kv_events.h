/*
 * kv_events.h - the canonical per-patient event model
 *
 * A connector plugin turns an EHR schema into these events; an indicator
 * plugin sees nothing else. The model deliberately has no room for an
 * identifier (national id, name, database key) or free text: a patient is
 * a birth date (used only for ages), a sex, and dated events with
 * normalised codes. Journal notes appear only as "a note written on date d
 * matched keyword pattern k"; the matching happens inside the database.
 *
 * Every array in struct kv_patient is sorted by date ascending (ties in the
 * order the connector read them) and is owned by the connector: borrowed by
 * an indicator for the duration of one compute() call.
 *
 * Dates are days since 1970-01-01 in the proleptic Gregorian calendar.
 * The helpers below are static inline so plugins need not link the core.
 */
#ifndef KVALIND_KV_EVENTS_H
#define KVALIND_KV_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int32_t kv_date;

/*
 * Test only: KV_ABI_TEST_NEXT_MINOR (see kv_plugin.h) makes every struct
 * that carries struct_size end with one more field, abi_test_next, as a
 * later minor version would. Never defined by a shipped build.
 */
#ifdef KV_ABI_TEST_NEXT_MINOR
#define KV_ABI_TEST_FIELD(type) type abi_test_next;
#else
#define KV_ABI_TEST_FIELD(type)
#endif

/* An open end (valid_to NULL, stop_date NULL, death_date NULL). */
#define KV_DATE_OPEN INT32_MAX
/* No date (ABI 2.1): e.g. no decisive date of a listed patient. */
#define KV_DATE_NONE INT32_MIN
/* Codes are stored normalised and NUL-terminated; longer codes are bad rows. */
#define KV_CODE_MAX 16
/* Form types are short enum-like words ('noklus_diabetes'). */
#define KV_FORM_TYPE_MAX 32

/* ---- dates ------------------------------------------------------------ */

/* Days since 1970-01-01 of y-m-d (Howard Hinnant's days_from_civil). */
static inline kv_date kv_date_from_ymd(int y, int m, int d)
{
	y -= m <= 2;
	const int era = (y >= 0 ? y : y - 399) / 400;
	const int yoe = y - era * 400;
	const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (kv_date)(era * 146097 + doe - 719468);
}

static inline void kv_date_to_ymd(kv_date days, int *y, int *m, int *d)
{
	const int z = days + 719468;
	const int era = (z >= 0 ? z : z - 146096) / 146097;
	const int doe = z - era * 146097;
	const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const int mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp + (mp < 10 ? 3 : -9);
	*y = yoe + era * 400 + (*m <= 2);
}

static inline bool kv_is_leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static inline int kv_days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && kv_is_leap_year(y) ? 29 : days[m - 1];
}

/*
 * Calendar month arithmetic with the day clamped to the month's end:
 * 2019-08-31 + 6 months = 2020-02-29; 2020-02-29 - 24 months = 2018-02-28.
 */
static inline kv_date kv_date_add_months(kv_date date, int months)
{
	int y, m, d;
	kv_date_to_ymd(date, &y, &m, &d);
	int idx = y * 12 + (m - 1) + months;
	/* floor division: a month before year 0 must not give m = 0 */
	y = idx >= 0 ? idx / 12 : (idx - 11) / 12;
	m = idx - 12 * y + 1;
	int last = kv_days_in_month(y, m);
	return kv_date_from_ymd(y, m, d > last ? last : d);
}

/* A month as one integer: year * 12 + (month - 1). */
typedef int32_t kv_month;

static inline kv_month kv_month_of(kv_date date)
{
	int y, m, d;
	kv_date_to_ymd(date, &y, &m, &d);
	return y * 12 + (m - 1);
}

static inline kv_date kv_month_first_day(kv_month month)
{
	return kv_date_from_ymd(month / 12, month % 12 + 1, 1);
}

/* The reference date R of a reference month: its last day. */
static inline kv_date kv_month_last_day(kv_month month)
{
	int y = month / 12, m = month % 12 + 1;
	return kv_date_from_ymd(y, m, kv_days_in_month(y, m));
}

/*
 * Completed years at date `at`, comparing (month, day): someone born on
 * 29 February has a birthday on 1 March in common years.
 */
static inline int kv_age_at(kv_date birth, kv_date at)
{
	int by, bm, bd, ay, am, ad;
	kv_date_to_ymd(birth, &by, &bm, &bd);
	kv_date_to_ymd(at, &ay, &am, &ad);
	int age = ay - by;
	if (am < bm || (am == bm && ad < bd))
		age--;
	return age;
}

/* ---- enumerations (values as in the reference schema) ------------------ */

enum kv_sex { KV_SEX_FEMALE = 1, KV_SEX_MALE = 2, KV_SEX_UNKNOWN = 3 };

enum kv_contact_kind {
	KV_CONTACT_CONSULTATION = 1,
	KV_CONTACT_HOME_VISIT,
	KV_CONTACT_VIDEO,
	KV_CONTACT_E_CONSULTATION,
	KV_CONTACT_PHONE,
	KV_CONTACT_LETTER,
	KV_CONTACT_MEETING,
	KV_CONTACT_ADMIN
};

/* Face-to-face: consultation, home visit, video. */
static inline bool kv_contact_is_face_to_face(uint8_t kind)
{
	return kind == KV_CONTACT_CONSULTATION || kind == KV_CONTACT_HOME_VISIT ||
	       kind == KV_CONTACT_VIDEO;
}

enum kv_role {
	KV_ROLE_UNKNOWN = 0,
	KV_ROLE_GP,
	KV_ROLE_NURSE,
	KV_ROLE_SECRETARY,
	KV_ROLE_PSYCHOLOGIST,
	KV_ROLE_OTHER
};

/* The vocabulary of a diagnosis code. The values are those of the same
 * vocabularies in enum kv_code_kind (kv_plugin.h), so a diagnosis's system
 * can be passed to in_value_set as its kind. SNOMED CT (ABI 1.1) is for
 * record systems that code diagnoses in it (OMOP CDM sources). */
enum kv_code_system { KV_CODE_ICPC2 = 1, KV_CODE_ICD10 = 2, KV_CODE_SNOMED = 9 };

enum kv_use_type { KV_USE_REGULAR = 1, KV_USE_AS_NEEDED, KV_USE_COURSE };

/* Reseptgruppe; KV_RX_GROUP_UNKNOWN where the column is NULL. */
enum kv_rx_group {
	KV_RX_GROUP_UNKNOWN = 0,
	KV_RX_GROUP_A,
	KV_RX_GROUP_B,
	KV_RX_GROUP_C,
	KV_RX_GROUP_F
};

/* ---- events ----------------------------------------------------------- */

/* A period on a GP's list; `to` is exclusive, KV_DATE_OPEN while listed. */
struct kv_list_period {
	kv_date from;
	kv_date to;
};

struct kv_contact {
	kv_date date;    /* date part of the contact time */
	uint8_t kind;    /* enum kv_contact_kind */
	uint8_t role;    /* enum kv_role of the practitioner */
};

struct kv_fee {
	kv_date date;        /* its contact's date */
	int32_t contact;     /* index into kv_patient.contacts */
	char code[KV_CODE_MAX];
};

struct kv_diagnosis {
	kv_date date;
	int32_t contact;     /* index into kv_patient.contacts, -1 if not linked */
	uint8_t system;      /* enum kv_code_system */
	char code[KV_CODE_MAX]; /* trimmed, upper case, dots removed */
};

struct kv_medication {
	kv_date start;
	kv_date stop;        /* exclusive; KV_DATE_OPEN while in use */
	uint8_t use_type;    /* enum kv_use_type */
	char atc[KV_CODE_MAX]; /* "" for a free-text drug without ATC */
};

struct kv_prescription {
	kv_date date;
	uint8_t group;       /* enum kv_rx_group */
	bool has_ddd;        /* false where ddd_count is NULL */
	double ddd;
	char atc[KV_CODE_MAX]; /* "" where unknown */
};

struct kv_lab_result {
	kv_date date;
	bool has_value;      /* false for a text-only result */
	double value;
	char code[KV_CODE_MAX]; /* analysis code, e.g. NPU27300 */
};

struct kv_blood_pressure {
	kv_date date;
	int16_t systolic;
	int16_t diastolic;
};

struct kv_form {
	kv_date date;
	char type[KV_FORM_TYPE_MAX];
};

/* A journal note written on `date` matched keyword pattern `pattern`
 * (an index into kv_run.note_patterns). The text never leaves the database. */
struct kv_note_match {
	kv_date date;
	uint16_t pattern;
};

/*
 * One patient. No identifier of any kind: indicators compute from this alone.
 *
 * struct_size (ABI 2.0) is sizeof(struct kv_patient) of the connector that
 * filled it. Later minor versions append event kinds and fields at the end;
 * a reader uses an appended field only when struct_size covers it
 * (KV_PATIENT_HAS), so an older connector's patients stay readable. The
 * core refuses a patient smaller than KV_PATIENT_V2_0_SIZE and hands
 * indicators a patient of its own size, appended fields empty.
 */
struct kv_patient {
	uint32_t struct_size;
	kv_date birth;      /* for ages only */
	kv_date death;      /* KV_DATE_OPEN while alive */
	uint8_t sex;        /* enum kv_sex */

	const struct kv_list_period *periods;  size_t n_periods;
	const struct kv_contact *contacts;     size_t n_contacts;
	const struct kv_fee *fees;             size_t n_fees;
	const struct kv_diagnosis *diagnoses;  size_t n_diagnoses;
	const struct kv_medication *medications; size_t n_medications; /* by start */
	const struct kv_prescription *prescriptions; size_t n_prescriptions;
	const struct kv_lab_result *labs;      size_t n_labs;
	const struct kv_blood_pressure *bps;   size_t n_bps;
	const struct kv_form *forms;           size_t n_forms;
	const struct kv_note_match *notes;     size_t n_notes;
	KV_ABI_TEST_FIELD(const void *)
};

/* The size of an ABI 2.0 patient, and whether patient p has field f. */
#define KV_PATIENT_V2_0_SIZE (offsetof(struct kv_patient, n_notes) + sizeof(size_t))
#define KV_PATIENT_HAS(p, f)                                                   \
	((p)->struct_size >= offsetof(struct kv_patient, f) + sizeof((p)->f))

/*
 * What a connector can provide for an office. An indicator declares what it
 * requires; one whose inputs are missing is reported "not computable" for the
 * office instead of a misleading zero.
 */
enum kv_provides {
	KV_PROVIDES_LIST_PERIODS = 1u << 0,
	KV_PROVIDES_CONTACTS = 1u << 1,
	KV_PROVIDES_FEES = 1u << 2,
	KV_PROVIDES_DIAGNOSES = 1u << 3,
	KV_PROVIDES_DIAGNOSIS_CONTACT = 1u << 4, /* diagnoses linked to contacts */
	KV_PROVIDES_MEDICATIONS = 1u << 5,
	KV_PROVIDES_PRESCRIPTIONS = 1u << 6,
	KV_PROVIDES_PRESCRIPTION_GROUP = 1u << 7,
	KV_PROVIDES_DDD = 1u << 8,
	KV_PROVIDES_LABS = 1u << 9,
	KV_PROVIDES_BLOOD_PRESSURE = 1u << 10,
	KV_PROVIDES_FORMS = 1u << 11,
	KV_PROVIDES_NOTE_MATCHES = 1u << 12
};

#endif /* KVALIND_KV_EVENTS_H */
