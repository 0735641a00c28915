/*
 * synth_schema.c - the reference EHR schema (version 1) embedded in
 * kvalind-synth: a verbatim copy of /work/shared/spec/reference-ehr.sql,
 * plus the table/column list the sinks insert into and a splitter that
 * separates CREATE TABLE from CREATE INDEX (indexes are built after
 * loading) and, for PostgreSQL, moves foreign keys to ALTER TABLE
 * statements run after loading (bulk validation is far faster than
 * row-by-row checks; the resulting catalogue is the same).
 *
 * Keep synth_ddl byte-identical to reference-ehr.sql; check with
 *   build/kvalind-synth --print-schema | cmp - /work/shared/spec/reference-ehr.sql
 */
#include "synth.h"

#include <string.h>

const char synth_ddl[] =
    "-- Reference EHR schema, version 1.\n"
    "--\n"
    "-- An open, documented model of what a Norwegian GP record system\n"
    "-- (journalsystem) holds. The \"reference\" connector reads exactly these\n"
    "-- tables, through libpq (PostgreSQL) or through ODBC (any driver, SQLite\n"
    "-- included). Real EHR products store the same facts in their own tables;\n"
    "-- a connector for such a product maps its tables onto the same canonical\n"
    "-- events. See reference-ehr.md for the meaning of every column.\n"
    "--\n"
    "-- The DDL is valid in PostgreSQL 15 and in SQLite 3 (types are kept to the\n"
    "-- common subset: integer, bigint, text, date as ISO 'YYYY-MM-DD' text in\n"
    "-- SQLite, timestamp as ISO text in SQLite, double precision/real).\n"
    "\n"
    "CREATE TABLE practitioner (\n"
    "    practitioner_id integer PRIMARY KEY,\n"
    "    hpr_number      text,            -- health personnel register number: never leaves the server\n"
    "    name            text NOT NULL,   -- never leaves the server\n"
    "    role            text NOT NULL    -- 'gp' | 'nurse' | 'secretary' | 'psychologist' | 'other'\n"
    ");\n"
    "\n"
    "CREATE TABLE patient (\n"
    "    patient_id      bigint PRIMARY KEY,\n"
    "    national_id     text,            -- fødselsnummer, 11 digits: never read by indicators, never leaves\n"
    "    name            text,            -- never leaves the server\n"
    "    birth_date      date NOT NULL,\n"
    "    sex             text NOT NULL,   -- 'F' | 'M' | 'U'\n"
    "    death_date      date             -- NULL while alive\n"
    ");\n"
    "\n"
    "-- Fastlegeliste: which GP's list the patient was on, when. A patient has at\n"
    "-- most one open period at a time. valid_to is exclusive; NULL = still listed.\n"
    "CREATE TABLE list_period (\n"
    "    patient_id      bigint  NOT NULL REFERENCES patient (patient_id),\n"
    "    gp_id           integer NOT NULL REFERENCES practitioner (practitioner_id),\n"
    "    valid_from      date    NOT NULL,\n"
    "    valid_to        date\n"
    ");\n"
    "\n"
    "-- Every encounter or piece of patient work, by anyone at the office.\n"
    "CREATE TABLE contact (\n"
    "    contact_id      bigint  PRIMARY KEY,\n"
    "    patient_id      bigint  NOT NULL REFERENCES patient (patient_id),\n"
    "    practitioner_id integer NOT NULL REFERENCES practitioner (practitioner_id),\n"
    "    contact_time    timestamp NOT NULL,\n"
    "    kind            text    NOT NULL -- 'consultation' | 'home_visit' | 'video' | 'e_consultation'\n"
    "                                     -- | 'phone' | 'letter' | 'meeting' | 'admin'\n"
    ");\n"
    "\n"
    "-- Fee codes (takster, Normaltariffen) billed on a contact, e.g. '2ad', '2ld', '11ad', '105'.\n"
    "CREATE TABLE fee (\n"
    "    contact_id      bigint  NOT NULL REFERENCES contact (contact_id),\n"
    "    code            text    NOT NULL\n"
    ");\n"
    "\n"
    "-- Diagnoses recorded on a contact or on the problem list.\n"
    "CREATE TABLE diagnosis (\n"
    "    diagnosis_id    bigint  PRIMARY KEY,\n"
    "    patient_id      bigint  NOT NULL REFERENCES patient (patient_id),\n"
    "    contact_id      bigint  REFERENCES contact (contact_id),  -- NULL for problem-list or letter entries\n"
    "    recorded_on     date    NOT NULL,\n"
    "    code_system     text    NOT NULL, -- 'ICPC-2' | 'ICD-10'\n"
    "    code            text    NOT NULL  -- 'T90', 'E11', 'E11.9', 'e119' are all valid spellings\n"
    ");\n"
    "\n"
    "-- Legemidler i bruk (the medication list): one row per drug the patient uses.\n"
    "CREATE TABLE medication (\n"
    "    medication_id   bigint  PRIMARY KEY,\n"
    "    patient_id      bigint  NOT NULL REFERENCES patient (patient_id),\n"
    "    atc_code        text,            -- ATC level 5 (7 characters); NULL for a free-text drug\n"
    "    drug_name       text,\n"
    "    use_type        text    NOT NULL, -- 'regular' (fast) | 'as_needed' (behov) | 'course' (kur)\n"
    "    start_date      date    NOT NULL,\n"
    "    stop_date       date             -- seponert; exclusive; NULL = still in use\n"
    ");\n"
    "\n"
    "-- Every prescription (e-resept) issued at the office.\n"
    "CREATE TABLE prescription (\n"
    "    prescription_id bigint  PRIMARY KEY,\n"
    "    patient_id      bigint  NOT NULL REFERENCES patient (patient_id),\n"
    "    medication_id   bigint  REFERENCES medication (medication_id),\n"
    "    practitioner_id integer REFERENCES practitioner (practitioner_id),\n"
    "    issued_on       date    NOT NULL,\n"
    "    atc_code        text,\n"
    "    ddd_count       double precision, -- defined daily doses in the whole prescription; NULL if unknown\n"
    "    prescription_group text           -- reseptgruppe 'A' | 'B' | 'C' | 'F'; NULL if unknown\n"
    ");\n"
    "\n"
    "-- Laboratory results, in-house (POCT) or from an external laboratory.\n"
    "CREATE TABLE lab_result (\n"
    "    lab_result_id   bigint  PRIMARY KEY,\n"
    "    patient_id      bigint  NOT NULL REFERENCES patient (patient_id),\n"
    "    sampled_on      date    NOT NULL,\n"
    "    analysis_code   text    NOT NULL, -- NLK/NPU code, e.g. 'NPU27300' (HbA1c, mmol/mol)\n"
    "    value_num       double precision, -- NULL when the result is text only ('<3', 'positiv')\n"
    "    value_text      text,\n"
    "    unit            text\n"
    ");\n"
    "\n"
    "CREATE TABLE blood_pressure (\n"
    "    patient_id      bigint  NOT NULL REFERENCES patient (patient_id),\n"
    "    measured_on     date    NOT NULL,\n"
    "    systolic        integer NOT NULL, -- mmHg\n"
    "    diastolic       integer NOT NULL  -- mmHg\n"
    ");\n"
    "\n"
    "-- Structured forms filled in the record, e.g. the Noklus diabetes form.\n"
    "CREATE TABLE form (\n"
    "    form_id         bigint  PRIMARY KEY,\n"
    "    patient_id      bigint  NOT NULL REFERENCES patient (patient_id),\n"
    "    completed_on    date    NOT NULL,\n"
    "    form_type       text    NOT NULL  -- 'noklus_diabetes' | others\n"
    ");\n"
    "\n"
    "-- Free-text journal notes. Indicators never read the text: a connector only\n"
    "-- asks the database which notes match a configured keyword pattern.\n"
    "CREATE TABLE journal_note (\n"
    "    note_id         bigint  PRIMARY KEY,\n"
    "    patient_id      bigint  NOT NULL REFERENCES patient (patient_id),\n"
    "    contact_id      bigint  REFERENCES contact (contact_id),\n"
    "    practitioner_id integer REFERENCES practitioner (practitioner_id),\n"
    "    written_on      date    NOT NULL,\n"
    "    body            text    NOT NULL\n"
    ");\n"
    "\n"
    "-- The indexes a practice server has on such tables.\n"
    "CREATE INDEX list_period_patient   ON list_period (patient_id);\n"
    "CREATE INDEX contact_patient       ON contact (patient_id, contact_time);\n"
    "CREATE INDEX fee_contact           ON fee (contact_id);\n"
    "CREATE INDEX diagnosis_patient     ON diagnosis (patient_id, recorded_on);\n"
    "CREATE INDEX medication_patient    ON medication (patient_id);\n"
    "CREATE INDEX prescription_patient  ON prescription (patient_id, issued_on);\n"
    "CREATE INDEX lab_result_patient    ON lab_result (patient_id, sampled_on);\n"
    "CREATE INDEX blood_pressure_patient ON blood_pressure (patient_id, measured_on);\n"
    "CREATE INDEX form_patient          ON form (patient_id, completed_on);\n"
    "CREATE INDEX journal_note_patient  ON journal_note (patient_id, written_on);\n";

const table_def synth_tables[TB_COUNT] = {
    {"practitioner", 4, "practitioner_id, hpr_number, name, role"},
    {"patient", 6, "patient_id, national_id, name, birth_date, sex, death_date"},
    {"list_period", 4, "patient_id, gp_id, valid_from, valid_to"},
    {"contact", 5, "contact_id, patient_id, practitioner_id, contact_time, kind"},
    {"fee", 2, "contact_id, code"},
    {"diagnosis", 6, "diagnosis_id, patient_id, contact_id, recorded_on, code_system, code"},
    {"medication", 7, "medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date"},
    {"prescription", 8, "prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group"},
    {"lab_result", 7, "lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit"},
    {"blood_pressure", 4, "patient_id, measured_on, systolic, diastolic"},
    {"form", 4, "form_id, patient_id, completed_on, form_type"},
    {"journal_note", 6, "note_id, patient_id, contact_id, practitioner_id, written_on, body"},
};

/* Copy the next whitespace-delimited token (stopping also at '(' ')' ',')
 * from *p into out; returns 0, or -1 if none or too long. */
static int take_token(const char **p, char *out, size_t n)
{
    const char *s = *p;
    while (*s == ' ' || *s == '\t')
        s++;
    size_t k = 0;
    while (*s && !strchr(" \t\n(),", *s)) {
        if (k + 1 >= n)
            return -1;
        out[k++] = *s++;
    }
    out[k] = '\0';
    *p = s;
    return k ? 0 : -1;
}

/* Parses "col type ... REFERENCES t (c) ..." into its parts; *after
 * points just past the closing parenthesis. Returns 0 or -1. */
static int parse_reference(const char *line, const char *ref, char *col, char *rtab,
                           char *rcol, size_t n, const char **after)
{
    const char *p = line;
    if (take_token(&p, col, n) != 0)
        return -1;
    p = ref + strlen("REFERENCES");
    if (take_token(&p, rtab, n) != 0)
        return -1;
    while (*p == ' ')
        p++;
    if (*p++ != '(' || take_token(&p, rcol, n) != 0 || *p++ != ')')
        return -1;
    *after = p;
    return 0;
}

/* One line of a CREATE TABLE body holding "col type ... REFERENCES t (c)":
 * append the line without the clause to tables and the matching ALTER
 * TABLE to fks. */
static int strip_reference(const char *line, size_t len, const char *ref, const char *table,
                           sbuf *tables, sbuf *fks, char *err, size_t errlen)
{
    char col[64], rtab[64], rcol[64], stmt[512];
    const char *after;
    if (parse_reference(line, ref, col, rtab, rcol, sizeof col, &after) != 0 ||
        sfmt(stmt, sizeof stmt, "ALTER TABLE %s ADD FOREIGN KEY (%s) REFERENCES %s (%s);\n",
             table, col, rtab, rcol) != 0) {
        sfmt(err, errlen, "schema: cannot parse REFERENCES clause in table %s: %.*s",
             table, (int)len, line);
        return -1;
    }
    if (sbuf_add(tables, line, (size_t)(ref - line)) != 0 ||
        sbuf_add(tables, after, (size_t)(line + len - after)) != 0 ||
        sbuf_adds(fks, stmt) != 0) {
        sfmt(err, errlen, "schema: out of memory");
        return -1;
    }
    return 0;
}

int schema_split(int strip_fk, sbuf *tables, sbuf *indexes, sbuf *fks,
                 char *err, size_t errlen)
{
    const char *idx = strstr(synth_ddl, "\nCREATE INDEX");
    if (!idx) {
        sfmt(err, errlen, "schema: no CREATE INDEX in the embedded DDL");
        return -1;
    }
    idx++;
    if (sbuf_adds(indexes, idx) != 0) {
        sfmt(err, errlen, "schema: out of memory");
        return -1;
    }
    char table[64] = "";
    for (const char *line = synth_ddl; line < idx;) {
        const char *eol = strchr(line, '\n');
        size_t len = (size_t)(eol - line) + 1;
        const char *ref = strstr(line, "REFERENCES");
        if (strncmp(line, "CREATE TABLE ", 13) == 0) {
            const char *p = line + 13;
            if (take_token(&p, table, sizeof table) != 0) {
                sfmt(err, errlen, "schema: cannot parse: %.*s", (int)len, line);
                return -1;
            }
        }
        if (strip_fk && ref && ref < eol) {
            if (strip_reference(line, len, ref, table, tables, fks, err, errlen) != 0)
                return -1;
        } else if (sbuf_add(tables, line, len) != 0) {
            sfmt(err, errlen, "schema: out of memory");
            return -1;
        }
        line = eol + 1;
    }
    return 0;
}
