-- Deck elderly/no_contact: ELD70_NO_CONTACT. D: listed patients aged 70 or
-- more in completed years at R (precise rule 7: someone born on 29 February
-- has a birthday on 1 March in common years). N: of those, no face-to-face
-- contact (consultation, home visit, video; with anyone at the office) in
-- W12 = first day of month m-11 .. R. W12 of 2021-10 is 2020-11-01 ..
-- 2021-10-31, of 2022-09 2021-10-01 .. 2022-09-30.
-- Every patient is listed from 2015-01-01 unless said.
-- Run: 2021-10 .. 2022-09. All names and national ids are fake.

INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (1, '0000001', 'Lege Fiktiv En', 'gp');
INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (2, '0000002', 'Sykepleier Fiktiv', 'nurse');

-- E1: born 1940, no contact at all: in D and N every month.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (1, '00000002001', 'Testpasient Eldre 01', '1940-01-01', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (1, 1, '2015-01-01', NULL);

-- E2: born 1940, a consultation on 2021-06-15 (in W12 up to 2022-05): in D
-- every month, in N from 2022-06.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (2, '00000002002', 'Testpasient Eldre 02', '1940-02-02', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (2, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (201, 2, 1, '2021-06-15 10:00:00', 'consultation');

-- E3: born 1940, contacts that are not face-to-face only (phone,
-- e-consultation, letter, meeting, admin) in every part of the run: in D and
-- N every month.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (3, '00000002003', 'Testpasient Eldre 03', '1940-03-03', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (3, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (301, 3, 1, '2021-03-03 10:00:00', 'phone');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (302, 3, 1, '2021-09-09 10:00:00', 'e_consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (303, 3, 1, '2022-01-10 10:00:00', 'letter');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (304, 3, 2, '2022-04-04 10:00:00', 'meeting');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (305, 3, 1, '2022-07-07 10:00:00', 'admin');

-- E4: born 1940, a home visit on 2021-10-31 = R of the run's first month (in
-- W12 of every month of the run): in D, never in N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (4, '00000002004', 'Testpasient Eldre 04', '1940-04-04', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (4, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (401, 4, 1, '2021-10-31 18:00:00', 'home_visit');

-- E5: born 1940, a video consultation on 2020-11-01, the first day of W12 of
-- 2021-10: in N from 2021-11.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (5, '00000002005', 'Testpasient Eldre 05', '1940-05-05', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (5, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (501, 5, 1, '2020-11-01 08:00:00', 'video');

-- E6: born 1940, a consultation on 2020-10-31, the day before W12 of 2021-10:
-- in N every month.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (6, '00000002006', 'Testpasient Eldre 06', '1940-06-06', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (6, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (601, 6, 1, '2020-10-31 08:00:00', 'consultation');

-- E7: born 1952-02-29: 70 on 2022-03-01 (2022 is a common year), 69 at R of
-- February 2022-02-28. No contact: in D and N from 2022-03.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (7, '00000002007', 'Testpasient Eldre 07', '1952-02-29', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (7, 1, '2015-01-01', NULL);

-- E8: born 1951-12-31: 70 on 2021-12-31 = R of December: in D from 2021-12.
-- A consultation on 2021-01-10 (W12 of 2021-12 starts 2021-01-01): in N from
-- 2022-01.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (8, '00000002008', 'Testpasient Eldre 08', '1951-12-31', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (8, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (801, 8, 1, '2021-01-10 10:00:00', 'consultation');

-- E9: born 1952-01-01: 70 on 2022-01-01, 69 at R of December 2021: in D from
-- 2022-01. A consultation with the nurse on 2021-11-11: never in N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (9, '00000002009', 'Testpasient Eldre 09', '1952-01-01', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (9, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (901, 9, 2, '2021-11-11 10:00:00', 'consultation');

-- E10: born 1930, died on 2022-03-31 = R of March: in D and N up to 2022-02.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (10, '00000002010', 'Testpasient Eldre 10', '1930-10-10', 'M', '2022-03-31');
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (10, 1, '2015-01-01', NULL);

-- E11: born 1930, left the list with valid_to 2022-01-01 (listed at R of
-- December): in D and N up to 2021-12.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (11, '00000002011', 'Testpasient Eldre 11', '1930-11-11', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (11, 1, '2015-01-01', '2022-01-01');

-- E12: born 1930, joined the list on 2022-04-10: in D from 2022-04. A
-- consultation on 2021-08-08, before joining, is in W12 up to 2022-07: in N
-- from 2022-08.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (12, '00000002012', 'Testpasient Eldre 12', '1930-12-12', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (12, 1, '2022-04-10', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1201, 12, 1, '2021-08-08 10:00:00', 'consultation');

-- E13: born 1960: never 70 in the run, never in D.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (13, '00000002013', 'Testpasient Eldre 13', '1960-01-13', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (13, 1, '2015-01-01', NULL);

-- E14: born 1930, a consultation at 23:30 on 2022-06-30 = R of June: in N up
-- to 2022-05, not from 2022-06.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (14, '00000002014', 'Testpasient Eldre 14', '1930-01-14', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (14, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1401, 14, 1, '2022-06-30 23:30:00', 'consultation');
