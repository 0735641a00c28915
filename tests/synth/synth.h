/*
 * synth.h - shared declarations of kvalind-synth, the generator of
 * synthetic GP practices in the reference EHR schema.
 *
 * Pieces: a PRNG and date helpers (synth_util.c), the embedded schema
 * (synth_schema.c), static code/drug/name tables (synth_data.c), the
 * population model (synth_model.c), row emission with notes and dirt
 * (synth_emit.c), and two sinks that write rows to SQLite (synth_sqlite.c)
 * or PostgreSQL (synth_pg.c).
 */
#ifndef KVALIND_SYNTH_H
#define KVALIND_SYNTH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---------------------------------------------------------------- PRNG */

typedef struct {
    uint64_t s[4];
} rng_t;

uint64_t splitmix64(uint64_t *state);
void rng_seed(rng_t *r, uint64_t seed);
uint64_t rng_u64(rng_t *r);
double rng_unif(rng_t *r);                  /* [0, 1) */
int rng_int(rng_t *r, int lo, int hi);      /* lo..hi inclusive */
int rng_bern(rng_t *r, double p);
double rng_norm(rng_t *r);                  /* standard normal */
int rng_poisson(rng_t *r, double lambda);
int rng_pick(rng_t *r, const double *w, int n); /* index by weight */

/* --------------------------------------------------------------- dates */

/* A day is the number of days since 1970-01-01. */
#define DAY_NONE INT32_MAX

int32_t day_from_ymd(int y, int m, int d);
void ymd_from_day(int32_t day, int *y, int *m, int *d);
int day_weekday(int32_t day);               /* 0 = Monday .. 6 = Sunday */
int day_year(int32_t day);
int32_t day_month_end(int y, int m);        /* last day of month */
int age_at(int32_t birth, int32_t day);     /* completed years */
void fmt_date(char buf[11], int32_t day);   /* YYYY-MM-DD */
void fmt_time(char buf[20], int32_t day, int sec);

/* ------------------------------------------------------------ strings */

/* Bounded formatting: returns 0, or -1 when the result was truncated. */
int sfmt(char *buf, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

typedef struct {
    char *p;
    size_t len, cap;
} sbuf;

int sbuf_add(sbuf *b, const char *s, size_t n);
int sbuf_adds(sbuf *b, const char *s);
void sbuf_free(sbuf *b);

/* ------------------------------------------------------------- tables */

enum {
    TB_PRACTITIONER, TB_PATIENT, TB_LIST_PERIOD, TB_CONTACT, TB_FEE,
    TB_DIAGNOSIS, TB_MEDICATION, TB_PRESCRIPTION, TB_LAB_RESULT,
    TB_BLOOD_PRESSURE, TB_FORM, TB_JOURNAL_NOTE, TB_COUNT
};

typedef struct {
    const char *name;
    int ncol;
    const char *cols;       /* comma separated, in DDL order */
} table_def;

extern const table_def synth_tables[TB_COUNT];

/* The schema: a verbatim copy of reference-ehr.sql. */
extern const char synth_ddl[];

/* Split the DDL into the CREATE TABLE part and the CREATE INDEX part.
 * With strip_fk, REFERENCES clauses are removed from the tables and
 * returned as ALTER TABLE ... ADD FOREIGN KEY statements in *fks.
 * Returns 0, or -1 with err set. */
int schema_split(int strip_fk, sbuf *tables, sbuf *indexes, sbuf *fks,
                 char *err, size_t errlen);

/* ---------------------------------------------------------- row values */

typedef enum {
    SV_NULL, SV_INT, SV_REAL, SV_TEXT,
    SV_DATE,        /* i = day */
    SV_TIME,        /* i = day * 86400 + second of day */
    SV_BADDATE      /* s = unparseable text (SQLite); i = valid day (PG) */
} sv_kind;

typedef struct {
    sv_kind kind;
    int64_t i;
    double r;
    const char *s;
} sval;

#define MAX_COLS 8

/* ---------------------------------------------------------------- sink */

typedef struct sink sink;
struct sink {
    int (*row)(sink *s, int table, const sval *v);
    int (*finish)(sink *s);             /* indexes, commit, publish */
    void (*destroy)(sink *s);           /* abort unless finished */
    void *impl;
    long long rows[TB_COUNT];
    char err[768];
};

sink *sqlite_sink_open(const char *path, char *err, size_t errlen);
sink *pg_sink_open(const char *conninfo, char *err, size_t errlen);

/* --------------------------------------------------------------- model */

typedef struct {
    const char *sqlite_path;
    const char *pg_conninfo;
    const char *ids_out;
    long patients;
    uint64_t seed;
    int from_y, from_m, to_y, to_m;
    int team_effect;                    /* 0 = none */
    int team_y, team_m;
    double dirt;
    int quiet;
    int no_bad_dates;                   /* SQLite gets the same valid dates as PG */
} synth_opts;

typedef struct {
    long listed_at_end;
    int gps, nurses, staff;
} synth_stats;

/* Generate the whole practice into sink s (and identifiers into ids, if
 * not NULL). Returns 0, or -1 with err set. */
int synth_generate(const synth_opts *o, sink *s, FILE *ids,
                   synth_stats *st, char *err, size_t errlen);

/* ---------------------------------------------------------- model data */

enum {
    D_METFORMIN, D_SITAGLIPTIN, D_DAPAGLIFLOZIN, D_EMPAGLIFLOZIN,
    D_SEMAGLUTIDE, D_GLARGINE, D_ASPART, D_ATORVASTATIN, D_SIMVASTATIN,
    D_ROSUVASTATIN, D_EZE_SIMVA, D_METOPROLOL, D_BISOPROLOL, D_PROPRANOLOL,
    D_AMLODIPINE, D_LOSARTAN, D_LOSARTAN_HCT, D_RAMIPRIL, D_CANDESARTAN,
    D_HCT, D_FUROSEMIDE, D_SPIRONOLACTONE, D_ENTRESTO, D_ASA,
    D_CLOPIDOGREL, D_TICAGRELOR, D_APIXABAN, D_WARFARIN, D_NITRO,
    D_LEVOTHYROXINE, D_ESCITALOPRAM, D_SERTRALINE, D_CITALOPRAM,
    D_MIRTAZAPINE, D_AMITRIPTYLINE, D_VENLAFAXINE, D_OXAZEPAM, D_DIAZEPAM,
    D_NITRAZEPAM, D_ZOPICLONE, D_ZOLPIDEM, D_HYDROXYZINE, D_ALIMEMAZINE,
    D_PROMETHAZINE, D_CETIRIZINE, D_MELATONIN, D_PARACETAMOL, D_IBUPROFEN,
    D_DICLOFENAC, D_NAPROXEN, D_CODEINE_PARA, D_TRAMADOL, D_OXYCODONE,
    D_OXY_NALOXONE, D_MORPHINE, D_BUPRENORPHINE, D_PREGABALIN,
    D_GABAPENTIN, D_METHYLPHENIDATE, D_LISDEXAMFETAMINE, D_CLONAZEPAM,
    D_PREDNISOLONE, D_AMOXICILLIN, D_PENV, D_PIVMECILLINAM, D_DOXYCYCLINE,
    D_NITROFURANTOIN, D_TIOTROPIUM, D_SALM_FLUT, D_BUD_FORM, D_SALBUTAMOL,
    D_ALENDRONATE, D_VITAMIN_D, D_CALCIUM, D_PANTOPRAZOLE, D_OMEPRAZOLE,
    D_TAMSULOSIN, D_FINASTERIDE, D_CONTRACEPTIVE, D_ALLOPURINOL,
    D_DONEPEZIL, D_MEMANTINE, D_RISPERIDONE, D_QUETIAPINE, D_OLANZAPINE,
    D_LEVOMEPROMAZINE, D_MADOPAR, D_PRAMIPEXOLE, D_LAMOTRIGINE,
    D_LEVETIRACETAM, D_VALPROATE, D_TAMOXIFEN, D_LETROZOLE, D_BICALUTAMIDE,
    D_SUMATRIPTAN, D_MACROGOL, D_FERROUS, D_B12, D_COUNT
};

typedef struct {
    const char *atc;        /* ATC level 5 as the record holds it */
    const char *name;       /* drug_name */
    char group;             /* reseptgruppe A/B/C/F */
    double ddd_unit;        /* defined daily doses per unit */
    int pack;               /* units per pack */
    double per_day;         /* units per day at a usual dose */
    const char *atc_new;    /* code after a WHO ATC change, or NULL */
    int new_year;           /* first year of atc_new */
    int first_year;         /* marketed from (0 = always) */
} drug_def;

extern const drug_def synth_drugs[D_COUNT];

enum {
    C_DM2, C_DM1, C_HT, C_IHD, C_HF, C_AF, C_STROKE, C_CKD, C_COPD,
    C_ASTHMA, C_DEMENTIA, C_OA, C_OSTEOP, C_CANCER, C_PARK, C_EPI,
    C_HYPOTHY, C_ADHD, C_CHRPAIN, C_INSOMNIA, C_BPH, C_GERD, C_GOUT,
    C_MIGRAINE, C_ALLERGY, C_PSYCHOSIS, C_COUNT
};

enum { F_NONE, F_CARDIO, F_SMOKE, F_MENTAL, F_FRAIL, F_COUNT };

typedef struct {
    const char *name;
    const char *icpc[3];    /* ICPC-2 codes, first most used */
    const char *icd[3];     /* ICD-10 codes for letters */
    float pf[11], pm[11];   /* cumulative share diagnosed by age 0,10..100 */
    int factor;             /* latent factor that scales the risk */
    float beta;             /* strength of that factor */
    int min_birth_year;     /* cohort effect: none born before */
    float ctrl_rate;        /* planned controls per year */
} cond_def;

extern const cond_def synth_conds[C_COUNT];

typedef struct {
    const char *code;       /* ICPC-2 */
    float w[3];             /* weight child (<16), adult, old (65+) */
    int sex;                /* 0 both, 1 women only, 2 men only */
    const char *note;       /* a journal sentence */
} acute_def;

extern const acute_def synth_acute[];
extern const int synth_nacute;

typedef struct {
    const char *icpc, *icd;
    int sex;                /* 0 both, 1 women, 2 men */
    float w;
} cancer_def;

extern const cancer_def synth_cancers[];
extern const int synth_ncancers;

extern const char *const synth_female[];
extern const char *const synth_male[];
extern const char *const synth_surname[];
extern const int synth_nfemale, synth_nmale, synth_nsurname;
extern const char *const synth_freetext[];
extern const int synth_nfreetext;
extern const char *const synth_lmg_match[];
extern const char *const synth_lmg_trap[];
extern const int synth_nlmg_match, synth_nlmg_trap;
extern const double synth_pyramid[21];  /* Norway 2012, 5-year bands */

/* ------------------------------------------------ model internals
 * Shared by synth_model.c (generation) and synth_emit.c (row output). */

#define MAX_STAFF 1024
#define MAX_SLOTS 128
#define MAX_SEG 24
#define MAX_WIN 24
#define MAX_FEE 4
#define MAX_DX 3
#define MAX_LAB 6

enum { ROLE_GP, ROLE_NURSE, ROLE_SECRETARY, ROLE_PSYCH, ROLE_OTHER, ROLE_COUNT };
enum { K_CONSULT, K_HOME, K_VIDEO, K_ECONS, K_PHONE, K_LETTER, K_MEETING,
       K_ADMIN, K_COUNT };
enum { U_REGULAR, U_AS_NEEDED, U_COURSE };
enum { LAB_HBA1C, LAB_HBA1C_PCT, LAB_UACR, LAB_CREA, LAB_LDL, LAB_TSH,
       LAB_HB, LAB_CRP, LAB_COUNT };
enum { TXT_NONE, TXT_LT3, TXT_POS, TXT_LT5 };
enum { FORM_NONE, FORM_NOKLUS, FORM_SYKMELDING, FORM_FORERKORT, FORM_LEGEERKL };
enum { NOTE_NONE, NOTE_PLAIN, NOTE_LMG, NOTE_TRAP };
enum { PU_ACUTE, PU_CHRONIC, PU_ONSET, PU_DM_ANNUAL, PU_LAB, PU_COPD_EXAC,
       PU_COPD_CTRL, PU_DEP_NEW, PU_DEP_FU, PU_ANX_NEW, PU_ANX_FU, PU_CBT,
       PU_PSYCH, PU_LMG, PU_RENEW, PU_LETTER, PU_HOME, PU_ADMIN, PU_MEETING,
       PU_VACCINE };

typedef struct {
    int role;
    char name[96];
    int hpr_num, has_hpr;
    int32_t from, to;           /* active [from, to) */
    double lmg;                 /* habit of doing medication reviews */
    int icd_user;               /* codes chronic conditions in ICD-10 */
} staff_t;

typedef struct {                /* one GP list over time */
    int n;
    int gp[4];                  /* staff index holding the list ... */
    int32_t from[4];            /* ... from this day */
} slot_t;

typedef struct { int32_t from, to; int slot; } seg_t;  /* to: DAY_NONE open */
typedef struct { int32_t a, b; } win_t;                /* observed [a, b) */
typedef struct { const char *code; uint8_t icd; } dx_t;
typedef struct { uint8_t test, text; double v; } lab_t;

typedef struct {
    int32_t day, sec;
    uint32_t seq;
    int staff;
    uint8_t kind, purpose, cond, nfee, ndx, nlab, bp, form, note;
    int16_t drug;               /* drug named in an LMG note, -1 */
    int16_t sys, dia;
    const char *fee[MAX_FEE];
    dx_t dx[MAX_DX];
    lab_t lab[MAX_LAB];
} enc_t;

typedef struct {
    int64_t id;                 /* set when emitted */
    int drug;                   /* -1: free text */
    const char *free;
    uint8_t use;
    uint8_t dropped;            /* cancelled by a later stop: not written */
    int32_t start, stop;        /* stop DAY_NONE: in use */
} med_t;

typedef struct {
    int32_t day;
    int drug, med, staff;
    double units;
    uint32_t seq;
} rx_t;

typedef struct { int32_t day; dx_t dx; } fdx_t;       /* no contact */

typedef struct { uint64_t *v; size_t cap, n; } fnr_set;
int fnr_set_add(fnr_set *s, uint64_t v);   /* 1 added, 0 present, -1 oom */

typedef struct {
    int64_t id;
    rng_t r, rd;                /* model stream, dirt stream */
    int sex;                    /* 0 female, 1 male */
    int32_t birth, death;
    char name[96], fnr[12];
    int visitor;
    seg_t seg[MAX_SEG];
    int nseg;
    win_t win[MAX_WIN];
    int nwin;
    int32_t onset[C_COUNT];
    int cancer_site;
    double z[F_COUNT], util;
    double hba1c, uacr, crea, crea_ckd, ldl, tsh, hb, sbp;
    double annual_q, copd_severity;
    int check_doy, annual_count, dm_onset_here, mood_history;
    enc_t *enc;
    int nenc, capenc;
    med_t *med;
    int nmed, capmed;
    rx_t *rx;
    int nrx, caprx;
    fdx_t *fdx;
    int nfdx, capfdx;
} patient_t;

typedef struct {
    const synth_opts *o;
    sink *s;
    FILE *ids;
    char *err;
    size_t errlen;
    int32_t F, T, team;         /* history first/last day, team effect */
    int32_t d_covid, d_econs, d_psych, d_fee_change, d_hba1c_pct, d_form_common;
    staff_t staff[MAX_STAFF];
    int nstaff;
    int by_role[ROLE_COUNT][MAX_STAFF];
    int nrole[ROLE_COUNT];
    slot_t slot[MAX_SLOTS];
    int nslot;
    int64_t next[TB_COUNT];     /* last id used per table */
    fnr_set fnrs;
    int oom;
    long listed_end;
    patient_t p;
} model;

int model_build_staff(model *m);
int model_patient(model *m, long i);
int model_list_gp(const model *m, const patient_t *p, int32_t day);
int emit_staff(model *m);
int emit_patient(model *m);

#endif
