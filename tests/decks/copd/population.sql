-- Deck copd/population: who is in L(R), who has COPD ever, and how leaving
-- the list and death take a patient out of the control indicators' D.
-- COPD is ICPC-2 R95 or ICD-10 J44*, J43* (categories); "ever" means a row
-- recorded on or before R. An exacerbation counts only for a patient with
-- COPD ever at R. Tests diagnosis spellings and systems, codes that are not
-- COPD, list periods (valid_to exclusive, a gap, a start on R), death on R
-- and the day after R, and a patient who is never listed.
-- Run: 2019-01 .. 2020-12. All names and national ids are fake.

INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (1, '0000001', 'Lege Fiktiv En', 'gp');
INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (2, '0000002', 'Lege Fiktiv To', 'gp');

-- P1: ICPC-2 R95 since 2016, listed throughout: COPD every month. No
-- exacerbation: never in the control indicators.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (1, '00000000901', 'Testpasient Kols 01', '1950-01-01', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (1, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (1, 1, NULL, '2016-03-01', 'ICPC-2', 'R95');

-- P2: ICD-10 'j44.9' (lower case, dot) recorded on 2019-06-30 = R of June:
-- COPD from 2019-06, not in 2019-05.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (2, '00000000902', 'Testpasient Kols 02', '1951-02-02', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (2, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (2, 2, NULL, '2019-06-30', 'ICD-10', 'j44.9');

-- P3: ICD-10 ' J43.1 ' (emphysema, blanks) on 2019-07-01, the day after R of
-- June, on a consultation: COPD from 2019-07.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (3, '00000000903', 'Testpasient Kols 03', '1952-03-03', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (3, 2, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (301, 3, 2, '2019-07-01 10:30:00', 'consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (3, 3, 301, '2019-07-01', 'ICD-10', ' J43.1 ');

-- P4: ICD-10 'J44' (the bare category) on the leap day 2020-02-29: COPD
-- from 2020-02.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (4, '00000000904', 'Testpasient Kols 04', '1953-04-04', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (4, 2, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (4, 4, NULL, '2020-02-29', 'ICD-10', 'J44');

-- P5: never COPD: ICD-10 J45.9 and ICPC-2 R96 (asthma), ICD-10 J42 (chronic
-- bronchitis), 'R95' recorded as ICD-10 (outside J43/J44), 'J44' recorded
-- as ICPC-2 (ICPC-2 matches exactly), ICPC-2 'R95.1' (normalised R951, not
-- exactly R95) and ICD-10 'J4' (shorter than the category). An oral
-- steroid prescription and course: no exacerbation without COPD, so never
-- in the control indicators. In D of COPD_PREVALENCE only.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (5, '00000000905', 'Testpasient Kols 05', '1954-05-05', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (5, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (5, 5, NULL, '2016-01-01', 'ICD-10', 'J45.9');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (6, 5, NULL, '2016-01-01', 'ICPC-2', 'R96');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (7, 5, NULL, '2016-01-01', 'ICD-10', 'J42');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (8, 5, NULL, '2016-01-01', 'ICD-10', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (9, 5, NULL, '2016-01-01', 'ICPC-2', 'J44');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (10, 5, NULL, '2016-01-01', 'ICPC-2', 'R95.1');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (11, 5, NULL, '2016-01-01', 'ICD-10', 'J4');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (1, 5, NULL, 1, '2019-05-01', 'H02AB06', 10, 'C');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1, 5, 'H02AB06', 'Prednisolon', 'course', '2019-09-01', '2019-09-06');

-- P6: R95 since 2015, dies on 2019-08-31 = R of August (alive at R means
-- death_date > R): listed up to 2019-07. Exacerbation J44.1 on 2019-05-01
-- (e + 42 = 2019-06-12): in D 2019-06 and 2019-07. A consultation on
-- 2019-05-20 with R95 linked is a control in (e, e + 42]: N of both there.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (6, '00000000906', 'Testpasient Kols 06', '1930-06-06', 'M', '2019-08-31');
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (6, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (12, 6, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (13, 6, NULL, '2019-05-01', 'ICD-10', 'J44.1');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (601, 6, 1, '2019-05-20 09:00:00', 'consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (14, 6, 601, '2019-05-20', 'ICPC-2', 'R95');

-- P7: R95 since 2015, dies on 2019-09-01, the day after R of August: listed
-- up to 2019-08. Exacerbation: an H02AB06 prescription on 2019-06-15
-- (e + 42 = 2019-07-27): in D 2019-07 and 2019-08 (not 2019-06: e > R - 42).
-- No control.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (7, '00000000907', 'Testpasient Kols 07', '1931-07-07', 'F', '2019-09-01');
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (7, 2, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (15, 7, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (2, 7, NULL, 2, '2019-06-15', 'H02AB06', 10, 'C');

-- P8: R95 since 2015, list period ends (exclusive) on 2019-04-30 = R of
-- April: listed up to 2019-03. Exacerbation J44.1 on 2019-01-10
-- (e + 42 = 2019-02-21): in D 2019-02 and 2019-03 only. No control.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (8, '00000000908', 'Testpasient Kols 08', '1955-08-08', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (8, 1, '2015-01-01', '2019-04-30');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (16, 8, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (17, 8, NULL, '2019-01-10', 'ICD-10', 'J44.1');

-- P9: R95 since 2015, listed from 2019-03-31 = R of March. Exacerbation
-- J44.1 on 2019-01-15 and a control (consultation, R95 linked) on
-- 2019-02-01, both before the listing; e + 42 = 2019-02-26. Events before
-- the listing count: in D and N of both 2019-03 .. 2019-12 (2019-12 is the
-- last month whose W12 holds 2019-01-15).
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (9, '00000000909', 'Testpasient Kols 09', '1956-09-09', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (9, 2, '2019-03-31', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (18, 9, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (19, 9, NULL, '2019-01-15', 'ICD-10', 'J44.1');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (901, 9, 2, '2019-02-01 14:00:00', 'consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (20, 9, 901, '2019-02-01', 'ICPC-2', 'R95');

-- P10: listed throughout, R95 recorded on 2021-01-05, after the last R of
-- the run: never COPD in the run, so the H02AB06 prescription on 2019-05-01
-- is no exacerbation. D of COPD_PREVALENCE only.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (10, '00000000910', 'Testpasient Kols 10', '1957-10-10', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (10, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (21, 10, NULL, '2021-01-05', 'ICPC-2', 'R95');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (3, 10, NULL, 1, '2019-05-01', 'H02AB06', 10, 'C');

-- P11: COPD, an exacerbation and a control, but never on a list at the
-- office: in no population.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (11, '00000000911', 'Testpasient Kols 11', '1958-11-11', 'F', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (22, 11, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (23, 11, NULL, '2019-03-01', 'ICD-10', 'J44.1');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1101, 11, 1, '2019-03-05 08:00:00', 'consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (24, 11, 1101, '2019-03-05', 'ICPC-2', 'R95');

-- P12: R95 since 2015; off the list from 2019-10-15 (exclusive end) to
-- 2019-11-01: not listed at R of October only. Exacerbation J44.1 on
-- 2019-08-01 (e + 42 = 2019-09-12): in D 2019-09, out 2019-10 (not listed),
-- in D 2019-11 .. 2020-07 (W12 of 2020-07 starts on 2019-08-01). A control
-- on 2019-10-05 (while off the list; the control itself need not be listed)
-- is after e and within R from 2019-11 (not 2019-09: after R): N of
-- AFTER_EXAC 2019-11 .. 2020-07; it is after e + 42: never N of 6W.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (12, '00000000912', 'Testpasient Kols 12', '1959-12-12', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (12, 1, '2015-01-01', '2019-10-15');
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (12, 2, '2019-11-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (25, 12, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (26, 12, NULL, '2019-08-01', 'ICD-10', 'J44.1');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1201, 12, 1, '2019-10-05 11:00:00', 'consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (27, 12, 1201, '2019-10-05', 'ICPC-2', 'R95');

-- P13: ICPC-2 'r95' in lower case recorded on 2019-01-31 = R of January:
-- COPD every month of the run.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (13, '00000000913', 'Testpasient Kols 13', '1960-01-13', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (13, 2, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (28, 13, NULL, '2019-01-31', 'ICPC-2', 'r95');

-- P14: the only diagnosis is ICD-10 J44.1 on 2019-06-10 (unlinked): it is
-- COPD (J44 category) from 2019-06 and an exacerbation (e + 42 =
-- 2019-07-22): in D 2019-07 .. 2020-05, no control.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (14, '00000000914', 'Testpasient Kols 14', '1961-02-14', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (14, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (29, 14, NULL, '2019-06-10', 'ICD-10', 'J44.1');
