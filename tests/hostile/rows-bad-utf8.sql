-- Invalid UTF-8 in PostgreSQL: only a SQL_ASCII database stores it (old
-- record-system installations use that encoding). tests/hostile/run.sh
-- loads rows.sql and then these rows into such a database. Patients from
-- 9000100 up, unlisted, like the rest of the hostile rows.
INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES
 (9101, E'\xff\xfe', E'Dr \xc3\x28 Ugyldig', E'g\xc3p');
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES
 (9000100, E'\xff', E'\xc3\x28\xa0\xa1', '1970-01-01', E'\xc3', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES
 (9000100, 9000100, NULL, '2015-01-01', 'ICD-10', E'E1\xc3\x28');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES
 (9000100, 9000100, '2015-01-01', E'NPU\xc3\x28', 50, E'\xc3\x28', NULL);
INSERT INTO form (form_id, patient_id, completed_on, form_type) VALUES
 (9000100, 9000100, '2015-01-01', E'noklus\xc3\x28');
INSERT INTO journal_note (note_id, patient_id, contact_id, practitioner_id, written_on, body) VALUES
 (9000100, 9000100, NULL, NULL, '2015-01-01', E'\xc3\x28 lmg \xff\xfe');
