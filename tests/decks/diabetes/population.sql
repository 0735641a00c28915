-- Deck diabetes/population: who is in L(R) and who has DIABETES ever.
-- Tests list periods (valid_to exclusive, changes mid-month, two lists at
-- once, an empty period, a period on a nurse's list), death on and before R,
-- and diagnosis codes in every spelling and system. No numerator events:
-- every DM_* but DM_PREVALENCE has N = 0 and D = DM_PREVALENCE's N.
-- Run: 2019-01 .. 2020-12. All names and national ids are fake.

INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (1, '0000001', 'Lege Fiktiv En', 'gp');
INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (2, '0000002', 'Lege Fiktiv To', 'gp');
INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (3, '0000003', 'Sykepleier Fiktiv', 'nurse');

-- P1: listed throughout, ICPC-2 T90 since 2018: a diabetic in every month.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (1, '00000000001', 'Testpasient Populasjon 01', '1950-01-01', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (1, 1, '2018-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (1, 1, NULL, '2018-05-01', 'ICPC-2', 'T90');

-- P2: ICD-10 'e11.9' (lower case, dot) recorded on 2019-06-30 = R of June:
-- diabetic from 2019-06 (recorded_on <= R), not in 2019-05.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (2, '00000000002', 'Testpasient Populasjon 02', '1951-02-02', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (2, 1, '2018-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (2, 2, NULL, '2019-06-30', 'ICD-10', 'e11.9');

-- P3: ICD-10 ' E11 ' (blanks) on 2019-07-01, the day after R of June, on a
-- contact: diabetic from 2019-07, not in 2019-06.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (3, '00000000003', 'Testpasient Populasjon 03', '1952-03-03', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (3, 2, '2018-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (301, 3, 2, '2019-07-01 08:15:00', 'consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (3, 3, 301, '2019-07-01', 'ICD-10', ' E11 ');

-- P4: ICD-10 'E119' (no dot) on the leap day 2020-02-29: diabetic from 2020-02.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (4, '00000000004', 'Testpasient Populasjon 04', '1953-04-04', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (4, 2, '2018-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (4, 4, NULL, '2020-02-29', 'ICD-10', 'E119');

-- P5: never diabetic: 'T90' recorded as ICD-10 (there it is a head-injury
-- sequela, not ICPC-2 T90), ICD-10 'E12.9' (not in DIABETES) and ICPC-2
-- 'T91'. Listed throughout: in D of DM_PREVALENCE only.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (5, '00000000005', 'Testpasient Populasjon 05', '1954-05-05', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (5, 1, '2018-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (5, 5, NULL, '2018-03-01', 'ICD-10', 'T90');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (6, 5, NULL, '2018-03-01', 'ICD-10', 'E12.9');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (7, 5, NULL, '2018-03-01', 'ICPC-2', 'T91');

-- P6: ICPC-2 't89' in lower case on 2019-01-15: diabetic from 2019-01.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (6, '00000000006', 'Testpasient Populasjon 06', '1955-06-06', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (6, 1, '2018-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (8, 6, NULL, '2019-01-15', 'ICPC-2', 't89');

-- P7: leaves GP 1 on 2019-03-15 (valid_to exclusive) and joins GP 2 on
-- 2019-04-10: not listed at R = 2019-03-31 only. Diabetic since 2017.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (7, '00000000007', 'Testpasient Populasjon 07', '1956-07-07', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (7, 1, '2018-01-01', '2019-03-15');
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (7, 2, '2019-04-10', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (9, 7, NULL, '2017-06-01', 'ICPC-2', 'T90');

-- P8: on two lists at once from 2019-05-01 to 2019-09-01 (a data error):
-- counts once. Diabetic since 2017.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (8, '00000000008', 'Testpasient Populasjon 08', '1957-08-08', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (8, 1, '2018-01-01', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (8, 2, '2019-05-01', '2019-09-01');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (10, 8, NULL, '2017-06-01', 'ICD-10', 'E10.9');

-- P9: only empty periods (valid_from = valid_to), one of them on R of June:
-- never listed, although diabetic.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (9, '00000000009', 'Testpasient Populasjon 09', '1958-09-09', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (9, 1, '2019-06-30', '2019-06-30');
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (9, 2, '2019-08-15', '2019-08-15');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (11, 9, NULL, '2017-06-01', 'ICPC-2', 'T90');

-- P10: dies on 2019-08-31 = R of August (list period still open): listed up
-- to 2019-07, not in 2019-08 (alive at R means death_date > R).
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (10, '00000000010', 'Testpasient Populasjon 10', '1930-10-10', 'M', '2019-08-31');
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (10, 1, '2018-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (12, 10, NULL, '2017-06-01', 'ICPC-2', 'T90');

-- P11: dies on 2019-09-01, the day after R of August: listed up to 2019-08.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (11, '00000000011', 'Testpasient Populasjon 11', '1931-11-11', 'F', '2019-09-01');
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (11, 2, '2018-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (13, 11, NULL, '2017-06-01', 'ICPC-2', 'T90');

-- P12: dies on 2020-03-10, mid-month: listed up to 2020-02.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (12, '00000000012', 'Testpasient Populasjon 12', '1932-12-12', 'M', '2020-03-10');
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (12, 1, '2018-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (14, 12, NULL, '2017-06-01', 'ICPC-2', 'T90');

-- P13: listed from 2019-03-31 = R of March, on the nurse's list (every
-- list_period counts whatever the role): listed from 2019-03. Diabetic
-- since before the listing.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (13, '00000000013', 'Testpasient Populasjon 13', '1960-01-13', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (13, 3, '2019-03-31', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (15, 13, NULL, '2015-06-01', 'ICPC-2', 'T90');

-- P14: list period ends (exclusive) on 2019-04-30 = R of April: listed up to
-- 2019-03.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (14, '00000000014', 'Testpasient Populasjon 14', '1961-02-14', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (14, 1, '2018-01-01', '2019-04-30');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (16, 14, NULL, '2017-06-01', 'ICPC-2', 'T90');

-- P15: list period ends on 2019-07-01, the day after R of June: listed up
-- to 2019-06.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (15, '00000000015', 'Testpasient Populasjon 15', '1962-03-15', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (15, 2, '2018-01-01', '2019-07-01');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (17, 15, NULL, '2017-06-01', 'ICD-10', 'E14');

-- P16: DIABETES recorded on 2021-01-05, after the last R of the run: never
-- diabetic in the run; listed throughout.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (16, '00000000016', 'Testpasient Populasjon 16', '1963-04-16', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (16, 1, '2018-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (18, 16, NULL, '2021-01-05', 'ICPC-2', 'T90');

-- P17: diabetic but never on a list at the office: in no population.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (17, '00000000017', 'Testpasient Populasjon 17', '1964-05-17', 'F', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1701, 17, 1, '2019-05-02 09:00:00', 'consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (19, 17, 1701, '2019-05-02', 'ICPC-2', 'T90');

-- P18: a patient row with an unknown sex value ('X') is a bad row: in no
-- population, although listed and diabetic.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (18, '00000000018', 'Testpasient Populasjon 18', '1965-06-18', 'X', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (18, 1, '2018-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (20, 18, NULL, '2017-06-01', 'ICPC-2', 'T90');
