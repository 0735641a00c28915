-- Deck anxiety/ad_with_diagnosis: AD_WITH_DIAGNOSIS. D: L(R) treated with
-- ANTIDEPRESSANT (a regular N06A* in use at R, start <= R < stop, or an
-- N06A* prescription issued in W12). N: a DEPRESSION or ANXIETY diagnosis
-- recorded in W24 (first day of month m-23 .. R).
-- A diagnosis in month M is in W24 of months M .. M+23.
-- Tests W24 edges (a diagnosis on the first day of W24, the month after it,
-- on R, one month before), both value sets and both code systems, codes
-- outside them, a diagnosis after R, treatment by prescription only,
-- as_needed use (no), use ending mid-run, and a patient leaving the list.
-- Every patient is listed from 2010-01-01 onward unless said.
-- Run: 2019-01 .. 2020-12. All names and national ids are fake.

INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (1, '0000001', 'Lege Fiktiv En', 'gp');

-- AW1: regular escitalopram since 2018 (treated throughout). P76 on
-- 2017-01-01 (in W24 up to 2018-12: never in the run) and ICD-10 'F41.1' on
-- 2019-02-01: N from 2019-02 (to 2021-01).
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (601, '00000060101', 'Testpasient Diagnose 01', '1960-01-01', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (601, 1, '2010-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (60101, 601, 'N06AB10', 'Escitalopram', 'regular', '2018-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (60101, 601, NULL, '2017-01-01', 'ICPC-2', 'P76');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (60102, 601, NULL, '2019-02-01', 'ICD-10', 'F41.1');

-- AW2: regular sertraline since 2018. ICPC-2 'P76' on 2018-12-01: in W24 of
-- 2018-12 .. 2020-11 (the first day of W24 of 2020-11), not 2020-12.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (602, '00000060102', 'Testpasient Diagnose 02', '1961-02-02', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (602, 1, '2010-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (60201, 602, 'N06AB06', 'Sertralin', 'regular', '2018-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (60201, 602, NULL, '2018-12-01', 'ICPC-2', 'P76');

-- AW3: regular mirtazapine since 2018. ICD-10 'f32.1' on 2019-06-30 (R of
-- June): N from 2019-06, not 2019-05.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (603, '00000060103', 'Testpasient Diagnose 03', '1962-03-03', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (603, 1, '2010-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (60301, 603, 'N06AX11', 'Mirtazapin', 'regular', '2018-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (60301, 603, NULL, '2019-06-30', 'ICD-10', 'f32.1');

-- AW4: one escitalopram prescription on 2019-03-15, no medication row:
-- treated in 2019-03 .. 2020-02. ICPC-2 'p74' on 2017-06-01: in W24 of
-- 2017-06 .. 2019-05.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (604, '00000060104', 'Testpasient Diagnose 04', '1963-04-04', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (604, 1, '2010-01-01', NULL);
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (60401, 604, NULL, 1, '2019-03-15', 'N06AB10', 98, 'C');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (60401, 604, NULL, '2017-06-01', 'ICPC-2', 'p74');

-- AW5: depression, no antidepressant: never in D.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (605, '00000060105', 'Testpasient Diagnose 05', '1964-05-05', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (605, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (60501, 605, NULL, '2019-05-05', 'ICPC-2', 'P76');

-- AW6: amitriptyline as_needed and a regular oxazepam (not N06A), anxiety:
-- never treated, never in D.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (606, '00000060106', 'Testpasient Diagnose 06', '1965-06-06', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (606, 1, '2010-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (60601, 606, 'N06AA09', 'Sarotex', 'as_needed', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (60602, 606, 'N05BA04', 'Sobril', 'regular', '2018-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (60601, 606, NULL, '2019-05-05', 'ICPC-2', 'P74');

-- AW7: regular escitalopram since 2018, diagnoses outside both sets:
-- ICD-10 'F43.1', 'F40', 'F34.1', ICPC-2 'P29': in D throughout, never N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (607, '00000060107', 'Testpasient Diagnose 07', '1966-07-07', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (607, 1, '2010-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (60701, 607, 'N06AB10', 'Escitalopram', 'regular', '2018-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (60701, 607, NULL, '2019-05-05', 'ICD-10', 'F43.1');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (60702, 607, NULL, '2019-05-05', 'ICD-10', 'F40');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (60703, 607, NULL, '2019-05-05', 'ICD-10', 'F34.1');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (60704, 607, NULL, '2019-05-05', 'ICPC-2', 'P29');

-- AW8: regular citalopram 2019-05-01 .. 2019-11-01 (exclusive): treated in
-- 2019-05 .. 2019-10. P74 only on 2019-12-15, after every R it is treated
-- at: in D 2019-05 .. 2019-10, never N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (608, '00000060108', 'Testpasient Diagnose 08', '1967-08-08', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (608, 1, '2010-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (60801, 608, 'N06AB04', 'Citalopram', 'regular', '2019-05-01', '2019-11-01');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (60801, 608, NULL, '2019-12-15', 'ICPC-2', 'P74');

-- AW9: listed until 2020-03-31 (exclusive, = R of March): listed up to
-- 2020-02. Regular escitalopram since 2018; P76 on 2019-01-01: in D and N
-- 2019-01 .. 2020-02.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (609, '00000060109', 'Testpasient Diagnose 09', '1968-09-09', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (609, 1, '2010-01-01', '2020-03-31');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (60901, 609, 'N06AB10', 'Escitalopram', 'regular', '2018-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (60901, 609, NULL, '2019-01-01', 'ICPC-2', 'P76');
