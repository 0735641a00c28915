-- Deck diabetes/uacr: DM_UACR_MEASURED (a UACR result in W12, numeric or
-- text-only) and DM_ALBUMINURIA (the last numeric UACR result in W12 is
-- >= 3 mg/mmol). Tests the threshold edge, a text-only result, a later lower
-- result replacing a higher one, a same-day tie, another analysis, a code
-- spelling and the leap day.
-- Every patient is listed from 2015 with ICPC-2 T90 since 2015.
-- Run: 2019-01 .. 2021-02. All names and national ids are fake.

INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (1, '0000001', 'Lege Fiktiv En', 'gp');

-- U1: exactly 3.0 mg/mmol on 2019-03-10: albuminuria (>= 3) in 2019-03 .. 2020-02.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (1, '00000000501', 'Testpasient Albuminuri 01', '1950-01-01', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (1, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (1, 1, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (1, 1, '2019-03-10', 'NOR15260', 3.0, '3,0', 'mg/mmol');

-- U2: 2.99 mg/mmol: measured, no albuminuria.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (2, '00000000502', 'Testpasient Albuminuri 02', '1951-02-02', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (2, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (2, 2, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (2, 2, '2019-03-10', 'NOR15260', 2.99, '2,99', 'mg/mmol');

-- U3: a text-only result '<3': measured, no albuminuria.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (3, '00000000503', 'Testpasient Albuminuri 03', '1952-03-03', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (3, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (3, 3, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (3, 3, '2019-03-10', 'NOR15260', NULL, '<3', 'mg/mmol');

-- U4: 45 on 2019-02-01, then 1.5 on 2019-06-30 (R of June): albuminuria in
-- 2019-02 .. 2019-05 only; measured in 2019-02 .. 2020-05.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (4, '00000000504', 'Testpasient Albuminuri 04', '1953-04-04', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (4, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (4, 4, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (4, 4, '2019-02-01', 'NOR15260', 45, '45', 'mg/mmol');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (5, 4, '2019-06-30', 'NOR15260', 1.5, '1,5', 'mg/mmol');

-- U5: 2.0 and 3.5 on the same day 2019-04-01: the highest, 3.5: albuminuria
-- in 2019-04 .. 2020-03.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (5, '00000000505', 'Testpasient Albuminuri 05', '1954-05-05', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (5, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (5, 5, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (6, 5, '2019-04-01', 'NOR15260', 3.5, '3,5', 'mg/mmol');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (7, 5, '2019-04-01', 'NOR15260', 2.0, '2,0', 'mg/mmol');

-- U6: an HbA1c (NPU27300) of 80 is not UACR; code 'nor15260' (lower case)
-- 10 mg/mmol on the leap day 2020-02-29: albuminuria in 2020-02 .. 2021-01.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (6, '00000000506', 'Testpasient Albuminuri 06', '1955-06-06', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (6, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (6, 6, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (8, 6, '2019-03-10', 'NPU27300', 80, '80', 'mmol/mol');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (9, 6, '2020-02-29', 'nor15260', 10, '10', 'mg/mmol');

-- U7: no results: in D only.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (7, '00000000507', 'Testpasient Albuminuri 07', '1956-07-07', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (7, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (7, 7, NULL, '2015-01-01', 'ICPC-2', 'T90');
