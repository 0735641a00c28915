-- Deck depression/new_somatic: DEP_NEW_SOMATIC. D: L(R) with a new
-- DEPRESSION diagnosis at d (none in [d - 24 months, d)), the last such d in
-- W12 with d <= R - 28 days. N: a SOMATIC_WORKUP lab result (NPU03577 TSH,
-- NOR05172 Hb, NPU27300 HbA1c, NPU18016 creatinine) in [d - 28, d + 28].
-- A new diagnosis d is in D in months month(d + 28) .. month(d) + 11.
-- Tests d on R - 28 and R - 27, labs on d - 28, d - 29, d, d + 28, d + 29,
-- text-only results, analyses outside the set, the 24-month look-back (a
-- prior diagnosis exactly on d - 24 months, and a day earlier; across ICPC-2
-- and ICD-10; 2020-02-29 - 24 months = 2018-02-28), repeat diagnoses,
-- patients entering and leaving the list, and death.
-- Every patient is listed from 2010-01-01 onward unless said. Earliest W12
-- of the run: from 2018-04-01, so diagnoses before that are look-back only.
-- Run: 2019-03 .. 2020-12. All names and national ids are fake.

INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (1, '0000001', 'Lege Fiktiv En', 'gp');

-- DS1: new P76 on 2019-03-03 = R of March - 28: in D from 2019-03 (to
-- 2020-02). TSH on 2019-02-03 = d - 28: N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (201, '00000020101', 'Testpasient Somatisk 01', '1970-01-01', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (201, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (20101, 201, NULL, '2019-03-03', 'ICPC-2', 'P76');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (20101, 201, '2019-02-03', 'NPU03577', 2.1, NULL, 'mIE/L');

-- DS2: new P76 on 2019-03-04 = R of March - 27: in D from 2019-04 (to
-- 2020-02). Hb on 2019-02-03 = d - 29 and on 2019-04-02 = d + 29: never N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (202, '00000020102', 'Testpasient Somatisk 02', '1971-02-02', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (202, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (20201, 202, NULL, '2019-03-04', 'ICPC-2', 'P76');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (20201, 202, '2019-02-03', 'NOR05172', 13.9, NULL, 'g/dL');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (20202, 202, '2019-04-02', 'NOR05172', 14.1, NULL, 'g/dL');

-- DS3: new ICD-10 'f32.1' on 2019-05-10; d + 28 = 2019-06-07: in D
-- 2019-06 .. 2020-04. Creatinine on 2019-06-07 = d + 28: N. A repeat
-- ' P76 ' on 2019-07-01 is not new and does not move the anchor.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (203, '00000020103', 'Testpasient Somatisk 03', '1972-03-03', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (203, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (20301, 203, NULL, '2019-05-10', 'ICD-10', 'f32.1');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (20302, 203, NULL, '2019-07-01', 'ICPC-2', ' P76 ');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (20301, 203, '2019-06-07', 'NPU18016', 71, NULL, 'umol/L');

-- DS4: new ICPC-2 'p76' on 2019-05-10: in D 2019-06 .. 2020-04. A text-only
-- HbA1c (NPU27300, '<20') on d itself: N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (204, '00000020104', 'Testpasient Somatisk 04', '1973-04-04', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (204, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (20401, 204, NULL, '2019-05-10', 'ICPC-2', 'p76');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (20401, 204, '2019-05-10', 'NPU27300', NULL, '<20', 'mmol/mol');

-- DS5: new ICD-10 'F33.1' on 2019-05-10: in D 2019-06 .. 2020-04. CRP
-- (NPU19748) on d and HbA1c in % (NPU03835, not in SOMATIC_WORKUP) on d + 2:
-- never N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (205, '00000020105', 'Testpasient Somatisk 05', '1974-05-05', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (205, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (20501, 205, NULL, '2019-05-10', 'ICD-10', 'F33.1');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (20501, 205, '2019-05-10', 'NPU19748', 3, NULL, 'mg/L');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (20502, 205, '2019-05-12', 'NPU03835', 5.6, NULL, '%');

-- DS6: P76 on 2017-03-10 and ICD-10 F32.0 on 2019-03-10, exactly 24 months
-- later: 2019-03-10 is not new; 2017-03-10 is in no W12 of the run. TSH on
-- 2019-03-10. Never in D.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (206, '00000020106', 'Testpasient Somatisk 06', '1975-06-06', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (206, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (20601, 206, NULL, '2017-03-10', 'ICPC-2', 'P76');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (20602, 206, NULL, '2019-03-10', 'ICD-10', 'F32.0');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (20601, 206, '2019-03-10', 'NPU03577', 1.8, NULL, 'mIE/L');

-- DS7: P76 on 2017-03-09, a day before 2019-03-10 - 24 months, and P76 on
-- 2019-03-10: new; d + 28 = 2019-04-07: in D 2019-04 .. 2020-02. No lab.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (207, '00000020107', 'Testpasient Somatisk 07', '1976-07-07', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (207, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (20701, 207, NULL, '2017-03-09', 'ICPC-2', 'P76');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (20702, 207, NULL, '2019-03-10', 'ICPC-2', 'P76');

-- DS8: P76 on 2018-02-28 and on 2020-02-29: 2020-02-29 - 24 months =
-- 2018-02-28 (clamped), so 2020-02-29 is not new; 2018-02-28 is in no W12
-- of the run. TSH on 2020-02-29. Never in D.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (208, '00000020108', 'Testpasient Somatisk 08', '1977-08-08', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (208, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (20801, 208, NULL, '2018-02-28', 'ICPC-2', 'P76');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (20802, 208, NULL, '2020-02-29', 'ICPC-2', 'P76');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (20801, 208, '2020-02-29', 'NPU03577', 2.5, NULL, 'mIE/L');

-- DS9: P76 on 2018-02-27 and on 2020-02-29: new; d + 28 = 2020-03-28: in D
-- 2020-03 .. 2021-01. TSH ' npu03577 ' (spelling) on 2020-03-28 = d + 28: N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (209, '00000020109', 'Testpasient Somatisk 09', '1978-09-09', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (209, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (20901, 209, NULL, '2018-02-27', 'ICPC-2', 'P76');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (20902, 209, NULL, '2020-02-29', 'ICPC-2', 'P76');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (20901, 209, '2020-03-28', ' npu03577 ', 3.0, NULL, 'mIE/L');

-- DS10: new P76 and Hb on 2019-09-15; d + 28 = 2019-10-13; dies on
-- 2020-01-31 (R of January): in D and N 2019-10 .. 2019-12.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (210, '00000020110', 'Testpasient Somatisk 10', '1940-10-10', 'M', '2020-01-31');
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (210, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (21001, 210, NULL, '2019-09-15', 'ICPC-2', 'P76');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (21001, 210, '2019-09-15', 'NOR05172', 12.0, NULL, 'g/dL');

-- DS11: listed from 2020-01-15 only; new P76 and TSH on 2019-04-20 (before
-- the listing); d + 28 = 2019-05-18: in D and N 2020-01 .. 2020-03.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (211, '00000020111', 'Testpasient Somatisk 11', '1981-11-11', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (211, 1, '2020-01-15', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (21101, 211, NULL, '2019-04-20', 'ICPC-2', 'P76');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (21101, 211, '2019-04-20', 'NPU03577', 4.2, NULL, 'mIE/L');

-- DS12: listed until 2019-08-01 (exclusive); new P76 on 2019-05-02 with Hb
-- on 2019-05-01 (d - 1); d + 28 = 2019-05-30: in D and N 2019-05 .. 2019-07.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (212, '00000020112', 'Testpasient Somatisk 12', '1982-12-12', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (212, 1, '2010-01-01', '2019-08-01');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (21201, 212, NULL, '2019-05-02', 'ICPC-2', 'P76');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (21201, 212, '2019-05-01', 'NOR05172', 13.2, NULL, 'g/dL');
