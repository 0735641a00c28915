-- Deck risk_patients/lost_to_followup: RISK_LOST_TO_FOLLOWUP. D: listed
-- patients with face-to-face contacts (consultation, home visit, video; with
-- anyone at the office) on at least 2 distinct days in each of the two
-- 12-month windows before W12, months m-35..m-24 (E2) and m-23..m-12 (E1),
-- whole calendar months. N: of those, no face-to-face contact in W12
-- (months m-11..m). The windows of the run's months:
--   2020-12: E2 2018-01-01..2018-12-31, E1 2019-01-01..2019-12-31, W12 2020
--   2021-01: E2 2018-02-01..2019-01-31, E1 2019-02-01..2020-01-31,
--            W12 2020-02-01..2021-01-31
--   2021-02: E2 2018-03-01..2019-02-28, E1 2019-03-01..2020-02-29,
--            W12 2020-03-01..2021-02-28
--   2021-03: E2 2018-04-01..2019-03-31, E1 2019-04-01..2020-03-31,
--            W12 2020-04-01..2021-03-31
-- Every patient is listed from 2015-01-01 and born in the 1980s (so no one
-- is in RISK_HIGH_RISK_DRUGS's D) unless said.
-- Run: 2020-12 .. 2021-03. All names and national ids are fake.

INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (1, '0000001', 'Lege Fiktiv En', 'gp');
INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (2, '0000002', 'Sykepleier Fiktiv', 'nurse');

-- L1: consultations on 2018-03-10, 2018-09-10 (with the nurse), 2019-03-10,
-- 2019-09-10 (with the nurse), none since: 2 days in E2 and E1 in 2020-12 ..
-- 2021-02, so in D and N; in 2021-03 E1 (from 2019-04-01) holds 1 day only.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (1, '00000000901', 'Testpasient Borte 01', '1980-01-01', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (1, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (101, 1, 1, '2018-03-10 09:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (102, 1, 2, '2018-09-10 09:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (103, 1, 1, '2019-03-10 09:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (104, 1, 2, '2019-09-10 09:00:00', 'consultation');

-- L2: as L1, and a consultation on 2020-06-15, in W12 of every month: in D
-- 2020-12 .. 2021-02, never in N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (2, '00000000902', 'Testpasient Borte 02', '1981-02-02', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (2, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (201, 2, 1, '2018-03-10 09:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (202, 2, 1, '2018-09-10 09:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (203, 2, 1, '2019-03-10 09:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (204, 2, 1, '2019-09-10 09:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (205, 2, 1, '2020-06-15 09:00:00', 'consultation');

-- L3: two face-to-face contacts on one day in each window (a consultation
-- and a home visit on 2018-06-01, again on 2019-06-01): 1 distinct day per
-- window, never in D.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (3, '00000000903', 'Testpasient Borte 03', '1982-03-03', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (3, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (301, 3, 1, '2018-06-01 09:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (302, 3, 1, '2018-06-01 15:00:00', 'home_visit');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (303, 3, 1, '2019-06-01 09:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (304, 3, 1, '2019-06-01 15:00:00', 'home_visit');

-- L4: one consultation and one contact that is not face-to-face on another
-- day in each window (phone 2018-07-01, admin 2018-08-01, e-consultation
-- 2019-07-01, letter 2019-08-01): 1 face-to-face day per window, never in D.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (4, '00000000904', 'Testpasient Borte 04', '1983-04-04', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (4, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (401, 4, 1, '2018-05-01 09:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (402, 4, 1, '2018-07-01 09:00:00', 'phone');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (403, 4, 1, '2018-08-01 09:00:00', 'admin');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (404, 4, 1, '2019-05-01 09:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (405, 4, 1, '2019-07-01 09:00:00', 'e_consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (406, 4, 1, '2019-08-01 09:00:00', 'letter');

-- L5: consultations on 2018-05-01, 2018-08-01, 2019-05-01 and a video
-- consultation at 23:59:59 on 2020-01-31, the last day of E1 of 2021-01
-- (and in W12 of 2020-12, whose E1 then has 1 day: not in D in 2020-12).
-- In D and N 2021-01 .. 2021-03.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (5, '00000000905', 'Testpasient Borte 05', '1984-05-05', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (5, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (501, 5, 1, '2018-05-01 09:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (502, 5, 1, '2018-08-01 09:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (503, 5, 1, '2019-05-01 09:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (504, 5, 1, '2020-01-31 23:59:59', 'video');

-- L6: a home visit on 2018-02-01, the first day of E2 of 2021-01, and
-- consultations on 2018-10-01, 2019-06-01, 2019-10-01: in D and N 2020-12
-- and 2021-01; from 2021-02 (E2 from 2018-03-01) E2 has 1 day.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (6, '00000000906', 'Testpasient Borte 06', '1985-06-06', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (6, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (601, 6, 1, '2018-02-01 10:00:00', 'home_visit');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (602, 6, 1, '2018-10-01 10:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (603, 6, 1, '2019-06-01 10:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (604, 6, 1, '2019-10-01 10:00:00', 'consultation');

-- L7: consultations on 2018-03-01, 2018-04-01, 2019-03-01, 2019-04-01, and
-- back on 2021-02-28 = R of February 2021. In D 2020-12 .. 2021-02 (2021-03:
-- E1 from 2019-04-01 has 1 day); in N 2020-12 and 2021-01, not from 2021-02.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (7, '00000000907', 'Testpasient Borte 07', '1986-07-07', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (7, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (701, 7, 1, '2018-03-01 09:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (702, 7, 1, '2018-04-01 09:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (703, 7, 1, '2019-03-01 09:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (704, 7, 1, '2019-04-01 09:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (705, 7, 1, '2021-02-28 09:00:00', 'consultation');

-- L9: the contacts of L1, died on 2021-01-31 = R of January: in D and N in
-- 2020-12 only. Born 1939: the only one in RISK_HIGH_RISK_DRUGS's D (in
-- 2020-12), with no drugs.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (9, '00000000909', 'Testpasient Borte 09', '1939-09-09', 'M', '2021-01-31');
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (9, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (901, 9, 1, '2018-03-10 09:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (902, 9, 1, '2018-09-10 09:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (903, 9, 1, '2019-03-10 09:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (904, 9, 1, '2019-09-10 09:00:00', 'consultation');

-- L11: the contacts of L1, and a phone call and an e-consultation in W12
-- (2020-06-15, 2020-11-11): not face-to-face, so still in N: in D and N
-- 2020-12 .. 2021-02.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (11, '00000000911', 'Testpasient Borte 11', '1987-11-11', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (11, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1101, 11, 1, '2018-03-10 09:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1102, 11, 1, '2018-09-10 09:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1103, 11, 1, '2019-03-10 09:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1104, 11, 1, '2019-09-10 09:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1105, 11, 1, '2020-06-15 09:00:00', 'phone');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1106, 11, 1, '2020-11-11 09:00:00', 'e_consultation');

-- L12: the contacts of L1, but listed only from 2021-02-15 (and earlier on
-- another office's list, which this database does not know): in D and N in
-- 2021-02 only.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (12, '00000000912', 'Testpasient Borte 12', '1988-12-12', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (12, 1, '2021-02-15', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1201, 12, 1, '2018-03-10 09:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1202, 12, 1, '2018-09-10 09:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1203, 12, 1, '2019-03-10 09:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1204, 12, 1, '2019-09-10 09:00:00', 'consultation');
