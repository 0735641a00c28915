-- Deck diabetes/hba1c: DM_HBA1C_MEASURED and the bands DM_HBA1C_LT52,
-- DM_HBA1C_52_70, DM_HBA1C_GT70 on the last numeric HbA1c in W12.
-- Tests the band edges (52 and 70 inclusive in the middle band), results in %
-- (NPU03835, 10.93 x % - 23.5, not rounded: 6.9075 % = 51.999), both units on
-- the same day (compared in mmol/mol), same-day ties (highest value), text-only
-- results (measured, no band), the last result replacing an earlier one, code
-- spellings, an unrelated analysis, the leap day and the edges of W12.
-- Every patient is listed from 2015 with ICPC-2 T90 since 2015.
-- Run: 2019-01 .. 2021-03. All names and national ids are fake.

INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (1, '0000001', 'Lege Fiktiv En', 'gp');

-- H1: 51 mmol/mol on 2019-03-10: LT52 in 2019-03 .. 2020-02.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (1, '00000000201', 'Testpasient HbA1c 01', '1950-01-01', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (1, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (1, 1, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (1, 1, '2019-03-10', 'NPU27300', 51, '51', 'mmol/mol');

-- H2: exactly 52 mmol/mol: 52_70 (the lower edge is in the middle band).
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (2, '00000000202', 'Testpasient HbA1c 02', '1951-02-02', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (2, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (2, 2, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (2, 2, '2019-03-10', 'NPU27300', 52, '52', 'mmol/mol');

-- H3: exactly 70 mmol/mol: 52_70 (the upper edge too).
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (3, '00000000203', 'Testpasient HbA1c 03', '1952-03-03', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (3, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (3, 3, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (3, 3, '2019-03-10', 'NPU27300', 70, '70', 'mmol/mol');

-- H4: 70.1 mmol/mol: GT70.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (4, '00000000204', 'Testpasient HbA1c 04', '1953-04-04', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (4, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (4, 4, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (4, 4, '2019-03-10', 'NPU27300', 70.1, '70,1', 'mmol/mol');

-- H5: 6.9075 % = 51.998975 mmol/mol, not rounded: LT52.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (5, '00000000205', 'Testpasient HbA1c 05', '1954-05-05', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (5, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (5, 5, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (5, 5, '2019-03-10', 'NPU03835', 6.9075, '6,9075', '%');

-- H6: 6.91 % = 52.0263 mmol/mol: 52_70.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (6, '00000000206', 'Testpasient HbA1c 06', '1955-06-06', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (6, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (6, 6, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (6, 6, '2019-03-10', 'NPU03835', 6.91, '6,91', '%');

-- H7: the same day 50 mmol/mol and 8.0 % (= 63.94 mmol/mol): the highest
-- after conversion is 63.94: 52_70 (compared unconverted, 50 would win: LT52).
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (7, '00000000207', 'Testpasient HbA1c 07', '1956-07-07', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (7, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (7, 7, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (7, 7, '2019-03-10', 'NPU27300', 50, '50', 'mmol/mol');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (8, 7, '2019-03-10', 'NPU03835', 8.0, '8,0', '%');

-- H8: a text-only result ('<5', value_num NULL): measured, in no band.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (8, '00000000208', 'Testpasient HbA1c 08', '1957-08-08', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (8, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (8, 8, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (9, 8, '2019-03-10', 'NPU27300', NULL, '<5', 'mmol/mol');

-- H9: 80 mmol/mol on 2019-03-10, then a text-only result on 2019-06-10: the
-- band keeps the last numeric result (GT70 in 2019-03 .. 2020-02); measured
-- up to 2020-05 by the text-only result, in no band in 2020-03 .. 2020-05.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (9, '00000000209', 'Testpasient HbA1c 09', '1958-09-09', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (9, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (9, 9, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (10, 9, '2019-03-10', 'NPU27300', 80, '80', 'mmol/mol');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (11, 9, '2019-06-10', 'NPU27300', NULL, 'hemolysert', NULL);

-- H10: 80 on 2019-02-01 (first day of W12 of 2020-01), then 45 on
-- 2019-09-15: GT70 in 2019-02 .. 2019-08, then LT52 in 2019-09 .. 2020-08.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (10, '00000000210', 'Testpasient HbA1c 10', '1959-10-10', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (10, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (10, 10, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (12, 10, '2019-09-15', 'NPU27300', 45, '45', 'mmol/mol');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (13, 10, '2019-02-01', 'NPU27300', 80, '80', 'mmol/mol');

-- H11: 60 and 75 mmol/mol on the same day 2019-05-20: the highest, 75: GT70
-- in 2019-05 .. 2020-04.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (11, '00000000211', 'Testpasient HbA1c 11', '1960-11-11', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (11, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (11, 11, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (14, 11, '2019-05-20', 'NPU27300', 75, '75', 'mmol/mol');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (15, 11, '2019-05-20', 'NPU27300', 60, '60', 'mmol/mol');

-- H12: 55 mmol/mol on the leap day 2020-02-29: 52_70 in 2020-02 .. 2021-01,
-- not in 2021-02 (W12 starts 2020-03-01) and not in 2020-01 (after R).
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (12, '00000000212', 'Testpasient HbA1c 12', '1961-12-12', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (12, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (12, 12, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (16, 12, '2020-02-29', 'NPU27300', 55, '55', 'mmol/mol');

-- H13: code ' npu27300 ' (lower case, blanks) 40 on 2019-12-31 (R of
-- December): LT52 in 2019-12 .. 2020-11. An LDL result (NPU01568) is ignored.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (13, '00000000213', 'Testpasient HbA1c 13', '1962-01-13', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (13, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (13, 13, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (17, 13, '2019-12-31', ' npu27300 ', 40, '40', 'mmol/mol');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (18, 13, '2020-06-01', 'NPU01568', 99, '99', 'mmol/L');

-- H14: 65 mmol/mol on 2018-12-31, before the run: 52_70 in 2019-01 .. 2019-11.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (14, '00000000214', 'Testpasient HbA1c 14', '1963-02-14', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (14, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (14, 14, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (19, 14, '2018-12-31', 'NPU27300', 65, '65', 'mmol/mol');
