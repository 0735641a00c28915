-- Deck copd/windows: the shared denominator of COPD_CONTROL_AFTER_EXAC and
-- COPD_CONTROL_6W: COPD patients in L(R) whose last exacerbation with e in
-- W12 (first day of month m-11 .. R) has e <= R - 42 days (precise rule 6:
-- the window (e, e + 42] must have closed by R). Tests e on R - 42 and
-- R - 41 (also in a leap February), on the first day of W12 and the day
-- before, on R, two exacerbations in W12 (the last one decides, even when
-- it is too recent), one exacerbation from three sources on one day.
-- Every patient is listed from 2015 with an unlinked ICPC-2 R95 recorded on
-- 2015-01-01; exacerbation diagnoses are unlinked.
-- Run: 2019-01 .. 2020-12. All names and national ids are fake.

INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (1, '0000001', 'Lege Fiktiv En', 'gp');

-- W1: J44.1 on 2019-07-20 = R - 42 of August (e + 42 = 2019-08-31 = R): in D
-- from 2019-08 (not 2019-07) to 2020-06 (W12 of 2020-06 starts 2019-07-01).
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (1, '00000001101', 'Testpasient Vindu 01', '1941-02-21', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (1, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (1, 1, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (2, 1, NULL, '2019-07-20', 'ICD-10', 'J44.1');

-- W2: J44.1 on 2019-07-21 = R - 41 of August: not in D in 2019-08; in D
-- 2019-09 .. 2020-06.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (2, '00000001102', 'Testpasient Vindu 02', '1942-03-22', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (2, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (3, 2, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (4, 2, NULL, '2019-07-21', 'ICD-10', 'J44.1');

-- W3: J44.1 on 2019-03-01, the first day of W12 of 2020-02 (2019-03-01 ..
-- 2020-02-29): e + 42 = 2019-04-12: in D 2019-04 .. 2020-02.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (3, '00000001103', 'Testpasient Vindu 03', '1943-04-23', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (3, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (5, 3, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (6, 3, NULL, '2019-03-01', 'ICD-10', 'J44.1');

-- W4: J44.1 on 2019-02-28, the day before W12 of 2020-02: e + 42 =
-- 2019-04-11: in D 2019-04 .. 2020-01.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (4, '00000001104', 'Testpasient Vindu 04', '1944-05-24', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (4, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (7, 4, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (8, 4, NULL, '2019-02-28', 'ICD-10', 'J44.1');

-- W5: two exacerbations: J44.1 on 2019-03-10 (e1, e1 + 42 = 2019-04-21) and
-- J44.0 on 2019-09-15 (e2, e2 + 42 = 2019-10-27); a control (consultation,
-- R95 linked) on 2019-04-01, after e1 and before e2.
-- 2019-04 .. 2019-08: the last exacerbation in W12 is e1 <= R - 42: in D,
--   and the control is in (e1, e1 + 42]: N of both.
-- 2019-09: the last exacerbation in W12 is e2 = 2019-09-15 > R - 42 =
--   2019-08-19: OUT of D, although e1 in the same W12 is older than 42 days.
--   The catalogue conditions the last exacerbation itself ("whose last
--   exacerbation with e in W12 has e <= R - 42 days"), unlike
--   DEP_NEW_SOMATIC's "the last such d in W12 with d <= R - 28 days".
-- 2019-10 .. 2020-08: e = e2 (W12 of 2020-08 starts 2019-09-01): in D;
--   the control is before e2: N of neither.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (5, '00000001105', 'Testpasient Vindu 05', '1945-06-25', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (5, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (9, 5, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (10, 5, NULL, '2019-03-10', 'ICD-10', 'J44.1');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (11, 5, NULL, '2019-09-15', 'ICD-10', 'J44.0');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (501, 5, 1, '2019-04-01 10:00:00', 'consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (12, 5, 501, '2019-04-01', 'ICPC-2', 'R95');

-- W6: J44.1 on 2018-12-20 (e + 42 = 2019-01-31 = R of January: in D from
-- 2019-01) and on 2019-12-10 (e + 42 = 2020-01-21).
-- 2019-01 .. 2019-11: e = 2018-12-20 (in W12 of 2019-11, from 2018-12-01).
-- 2019-12: the last in W12 is 2019-12-10 > R - 42 = 2019-11-19: out.
-- 2020-01 .. 2020-11: e = 2019-12-10: in D.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (6, '00000001106', 'Testpasient Vindu 06', '1946-07-26', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (6, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (13, 6, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (14, 6, NULL, '2018-12-20', 'ICD-10', 'J44.1');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (15, 6, NULL, '2019-12-10', 'ICD-10', 'J44.1');

-- W7: H02AB06 prescription on 2020-01-18 = R - 42 of February 2020 (leap year,
-- R = 2020-02-29): in D 2020-02 .. 2020-12.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (7, '00000001107', 'Testpasient Vindu 07', '1947-08-27', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (7, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (16, 7, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (1, 7, NULL, 1, '2020-01-18', 'H02AB06', 10, 'C');

-- W8: course H02AB07 starting 2020-01-19 = R - 41 of February 2020: not in D
-- in 2020-02; in D 2020-03 .. 2020-12.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (8, '00000001108', 'Testpasient Vindu 08', '1948-09-20', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (8, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (17, 8, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1, 8, 'H02AB07', 'Prednisolon', 'course', '2020-01-19', '2020-01-24');

-- W9: J44.1 on 2019-05-31 = R of May: e + 42 = 2019-07-12: in D 2019-07 ..
-- 2020-04 (the last month whose W12 holds May 2019).
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (9, '00000001109', 'Testpasient Vindu 09', '1949-01-21', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (9, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (18, 9, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (19, 9, NULL, '2019-05-31', 'ICD-10', 'J44.1');

-- W10: J44.1, an H02AB06 prescription and an H02AB06 course all on 2019-06-05:
-- one exacerbation day (e + 42 = 2019-07-17): in D 2019-07 .. 2020-05.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (10, '00000001110', 'Testpasient Vindu 10', '1940-02-22', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (10, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (20, 10, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (21, 10, NULL, '2019-06-05', 'ICD-10', 'J44.1');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (2, 10, 'H02AB06', 'Prednisolon', 'course', '2019-06-05', '2019-06-10');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (2, 10, NULL, 1, '2019-06-05', 'H02AB06', 10, 'C');
