-- Deck anxiety/new_diagnosis: the indicators anchored on a new ANXIETY
-- diagnosis d (none in [d - 24 months, d)), the last such d in W12 with
-- d <= R - K days, so d is in D in months month(d + K) .. month(d) + 11:
--   ANX_NEW_SOMATIC   K = 28; N: a SOMATIC_WORKUP lab in [d - 28, d + 28]
--   ANX_FOLLOWUP_NEW  K = 42; N: a contact of any kind but admin in (d, d + 42]
--   ANX_CBT_NEW       K = 90; N: a CBT_FEE fee (2PA, 2PB) in (d, d + 90]
-- For R = 2019-06-30: R - 28 = 06-02, R - 42 = 05-19, R - 90 = 04-01.
-- Tests d on R - K and R - K + 1 for each K; labs on d - 28, d - 29, d + 28,
-- d + 29; contacts on d (not after d), d + 1, d + 42, d + 43, admin (no),
-- phone, letter, meeting, video, e-consultation, by a nurse; CBT fees on d,
-- d + 90, d + 91, on a phone contact, in three spellings, and 2ad (no); the
-- 24-month look-back across code systems and on the leap day; patients
-- entering and leaving the list; empty denominators.
-- Every patient is listed from 2010-01-01 onward unless said. Earliest W12
-- of the run: from 2018-04-01, so diagnoses before that are look-back only.
-- Run: 2019-03 .. 2020-12. All names and national ids are fake.

INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (1, '0000001', 'Lege Fiktiv En', 'gp');
INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (2, '0000002', 'Sykepleier Fiktiv', 'nurse');

-- AN1: new P74 on 2019-05-19 = R of June - 42, made on a consultation.
-- SOMATIC: d + 28 = 06-16: D 2019-06 .. 2020-04, no lab.
-- FOLLOWUP: d + 42 = 06-30: D 2019-06 .. 2020-04; a phone call on 06-30: N.
-- CBT: d + 90 = 08-17: D 2019-08 .. 2020-04, no fee.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (401, '00000040101', 'Testpasient Nyangst 01', '1980-01-01', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (401, 1, '2010-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (40101, 401, 1, '2019-05-19 10:00:00', 'consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (40101, 401, 40101, '2019-05-19', 'ICPC-2', 'P74');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (40102, 401, 1, '2019-06-30 16:00:00', 'phone');

-- AN2: new P74 on 2019-05-20 = R of June - 41, on a consultation billed with
-- 2pa (on d: not after d). An admin contact on 05-30; a consultation on
-- 07-02 = d + 43.
-- SOMATIC: d + 28 = 06-17: D 2019-06 .. 2020-04, no lab.
-- FOLLOWUP: d + 42 = 07-01: D 2019-07 .. 2020-04; never N.
-- CBT: d + 90 = 08-18: D 2019-08 .. 2020-04; never N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (402, '00000040102', 'Testpasient Nyangst 02', '1981-02-02', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (402, 1, '2010-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (40201, 402, 1, '2019-05-20 09:00:00', 'consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (40201, 402, 40201, '2019-05-20', 'ICPC-2', 'P74');
INSERT INTO fee (contact_id, code) VALUES (40201, '2pa');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (40202, 402, 1, '2019-05-30 12:00:00', 'admin');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (40203, 402, 1, '2019-07-02 08:30:00', 'consultation');

-- AN3: new ICD-10 'F41.1' on 2019-04-01 = R of June - 90.
-- SOMATIC: d + 28 = 04-29: D 2019-04 .. 2020-03; TSH on 03-04 = d - 28: N.
-- FOLLOWUP: d + 42 = 05-13: D 2019-05 .. 2020-03; a letter on 04-02: N.
-- CBT: d + 90 = 06-30: D 2019-06 .. 2020-03; 2pa on a consultation on 06-30: N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (403, '00000040103', 'Testpasient Nyangst 03', '1982-03-03', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (403, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (40301, 403, NULL, '2019-04-01', 'ICD-10', 'F41.1');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (40301, 403, '2019-03-04', 'NPU03577', 1.9, NULL, 'mIE/L');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (40301, 403, 1, '2019-04-02 14:00:00', 'letter');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (40302, 403, 1, '2019-06-30 11:00:00', 'consultation');
INSERT INTO fee (contact_id, code) VALUES (40302, '2pa');

-- AN4: new ICD-10 'F41.1' on 2019-04-02 = R of June - 89.
-- SOMATIC: d + 28 = 04-30: D 2019-04 .. 2020-03; Hb on 03-04 = d - 29 and
--   creatinine on 05-01 = d + 29: never N.
-- FOLLOWUP: d + 42 = 05-14: D 2019-05 .. 2020-03; a consultation (2ad) on
--   04-07: N.
-- CBT: d + 90 = 07-01: D 2019-07 .. 2020-03; ' 2pb ' on 07-02 = d + 91 and
--   2ad on 04-07: never N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (404, '00000040104', 'Testpasient Nyangst 04', '1983-04-04', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (404, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (40401, 404, NULL, '2019-04-02', 'ICD-10', 'F41.1');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (40401, 404, '2019-03-04', 'NOR05172', 14.0, NULL, 'g/dL');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (40402, 404, '2019-05-01', 'NPU18016', 80, NULL, 'umol/L');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (40401, 404, 1, '2019-04-07 10:00:00', 'consultation');
INSERT INTO fee (contact_id, code) VALUES (40401, '2ad');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (40402, 404, 1, '2019-07-02 10:00:00', 'consultation');
INSERT INTO fee (contact_id, code) VALUES (40402, ' 2pb ');

-- AN5: new ICPC-2 'p74' on 2019-06-02 = R of June - 28.
-- SOMATIC: d + 28 = 06-30: D 2019-06 .. 2020-05; TSH on 06-30 = d + 28: N.
-- FOLLOWUP: d + 42 = 07-14: D 2019-07 .. 2020-05; a video contact with the
--   nurse on 06-10: N.
-- CBT: d + 90 = 08-31: D 2019-08 .. 2020-05; '2PA' on that video contact: N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (405, '00000040105', 'Testpasient Nyangst 05', '1984-05-05', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (405, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (40501, 405, NULL, '2019-06-02', 'ICPC-2', 'p74');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (40501, 405, '2019-06-30', 'NPU03577', 2.2, NULL, 'mIE/L');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (40501, 405, 2, '2019-06-10 13:00:00', 'video');
INSERT INTO fee (contact_id, code) VALUES (40501, '2PA');

-- AN6: new P74 on 2019-06-03 = R of June - 27.
-- SOMATIC: d + 28 = 07-01: D 2019-07 .. 2020-05; HbA1c on 05-06 = d - 28: N.
-- FOLLOWUP: d + 42 = 07-15: D 2019-07 .. 2020-05; an e-consultation on
--   07-15 = d + 42: N.
-- CBT: d + 90 = 09-01: D 2019-09 .. 2020-05; 2pb on a consultation on
--   09-01 = d + 90: N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (406, '00000040106', 'Testpasient Nyangst 06', '1985-06-06', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (406, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (40601, 406, NULL, '2019-06-03', 'ICPC-2', 'P74');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (40601, 406, '2019-05-06', 'NPU27300', 38, NULL, 'mmol/mol');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (40601, 406, 1, '2019-07-15 20:00:00', 'e_consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (40602, 406, 1, '2019-09-01 09:00:00', 'consultation');
INSERT INTO fee (contact_id, code) VALUES (40602, '2pb');

-- AN7: P74 on 2017-06-15 and ICD-10 'F41.0' on 2019-06-15, exactly 24
-- months later: not new (the look-back spans both systems). TSH on d, a
-- consultation with 2pa on 06-20. Never in any D.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (407, '00000040107', 'Testpasient Nyangst 07', '1986-07-07', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (407, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (40701, 407, NULL, '2017-06-15', 'ICPC-2', 'P74');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (40702, 407, NULL, '2019-06-15', 'ICD-10', 'F41.0');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (40701, 407, '2019-06-15', 'NPU03577', 2.0, NULL, 'mIE/L');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (40701, 407, 1, '2019-06-20 10:00:00', 'consultation');
INSERT INTO fee (contact_id, code) VALUES (40701, '2pa');

-- AN8: P74 on 2017-06-14, a day before 2019-06-15 - 24 months, and P74 on
-- 2019-06-15: new. A meeting on 07-27 = d + 42.
-- SOMATIC: d + 28 = 07-13: D 2019-07 .. 2020-05, no lab.
-- FOLLOWUP: d + 42 = 07-27: D 2019-07 .. 2020-05; the meeting: N.
-- CBT: d + 90 = 09-13: D 2019-09 .. 2020-05, no fee.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (408, '00000040108', 'Testpasient Nyangst 08', '1987-08-08', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (408, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (40801, 408, NULL, '2017-06-14', 'ICPC-2', 'P74');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (40802, 408, NULL, '2019-06-15', 'ICPC-2', 'P74');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (40801, 408, 1, '2019-07-27 12:00:00', 'meeting');

-- AN9: P74 on 2018-02-28 and on 2020-02-29 (2020-02-29 - 24 months =
-- 2018-02-28): not new. TSH on d, a consultation with 2pa on 2020-03-02.
-- Never in any D.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (409, '00000040109', 'Testpasient Nyangst 09', '1988-09-09', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (409, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (40901, 409, NULL, '2018-02-28', 'ICPC-2', 'P74');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (40902, 409, NULL, '2020-02-29', 'ICPC-2', 'P74');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (40901, 409, '2020-02-29', 'NPU03577', 2.4, NULL, 'mIE/L');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (40901, 409, 1, '2020-03-02 10:00:00', 'consultation');
INSERT INTO fee (contact_id, code) VALUES (40901, '2pa');

-- AN10: P74 on 2018-02-27 and on 2020-02-29: new.
-- SOMATIC: d + 28 = 03-28: D 2020-03 .. 2021-01; Hb on 03-29 = d + 29: not N.
-- FOLLOWUP: d + 42 = 04-11: D 2020-04 .. 2021-01; a consultation on 04-11: N.
-- CBT: d + 90 = 05-29: D 2020-05 .. 2021-01; 2pa on a consultation on 05-29: N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (410, '00000040110', 'Testpasient Nyangst 10', '1989-10-10', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (410, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (41001, 410, NULL, '2018-02-27', 'ICPC-2', 'P74');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (41002, 410, NULL, '2020-02-29', 'ICPC-2', 'P74');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (41001, 410, '2020-03-29', 'NOR05172', 13.0, NULL, 'g/dL');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (41001, 410, 1, '2020-04-11 10:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (41002, 410, 1, '2020-05-29 10:00:00', 'consultation');
INSERT INTO fee (contact_id, code) VALUES (41002, '2pa');

-- AN11: listed 2019-09-15 .. 2020-02-01 (exclusive): in L(R) 2019-09 ..
-- 2020-01. New P74 and TSH on 2019-07-10 (before the listing); a phone call
-- with 2pa on 07-11 (a CBT fee counts on any contact).
-- SOMATIC: d + 28 = 08-07: D 2019-09 .. 2020-01 (listed): N.
-- FOLLOWUP: d + 42 = 08-21: D 2019-09 .. 2020-01: N.
-- CBT: d + 90 = 10-08: D 2019-10 .. 2020-01: N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (411, '00000040111', 'Testpasient Nyangst 11', '1990-11-11', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (411, 1, '2019-09-15', '2020-02-01');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (41101, 411, NULL, '2019-07-10', 'ICPC-2', 'P74');
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES (41101, 411, '2019-07-10', 'NPU03577', 3.3, NULL, 'mIE/L');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (41101, 411, 1, '2019-07-11 15:00:00', 'phone');
INSERT INTO fee (contact_id, code) VALUES (41101, '2pa');
