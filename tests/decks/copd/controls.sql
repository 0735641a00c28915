-- Deck copd/controls: the numerators. A control is a face-to-face contact
-- (consultation, home_visit, video) with a diagnosis row linked to it
-- (diagnosis.contact_id) whose code is in COPD. COPD_CONTROL_AFTER_EXAC: a
-- control in (e, R]; COPD_CONTROL_6W: a control in (e, e + 42]
-- (precise rule 6).
-- Every patient is listed from 2015, has an unlinked ICPC-2 R95 recorded on
-- 2015-01-01 and one exacerbation, an unlinked ICD-10 J44.1 on
-- e = 2019-03-10 (e + 42 = 2019-04-21, e + 43 = 2019-04-22): in D of both
-- in 2019-04 .. 2020-02 (W12 of 2020-03 starts on 2019-04-01), unless said
-- otherwise. Tests a control on e, e + 1, e + 42, e + 43, on R and the day
-- after, contact kinds, linked codes outside COPD, an unlinked COPD
-- diagnosis on a contact day, a control that is itself an exacerbation.
-- Run: 2019-01 .. 2020-12. All names and national ids are fake.

INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (1, '0000001', 'Lege Fiktiv En', 'gp');
INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (2, '0000002', 'Sykepleier Fiktiv', 'nurse');

-- K1: a consultation on e itself (2019-03-10) with R95 linked: not after e: N of neither.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (1, '00000001201', 'Testpasient Kontroll 01', '1961-11-02', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (1, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (1, 1, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (2, 1, NULL, '2019-03-10', 'ICD-10', 'J44.1');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (101, 1, 1, '2019-03-10 15:00:00', 'consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (3, 1, 101, '2019-03-10', 'ICPC-2', 'R95');

-- K2: a consultation on e + 1 (2019-03-11) with R95 linked: N of both.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (2, '00000001202', 'Testpasient Kontroll 02', '1962-12-03', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (2, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (4, 2, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (5, 2, NULL, '2019-03-10', 'ICD-10', 'J44.1');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (201, 2, 1, '2019-03-11 08:00:00', 'consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (6, 2, 201, '2019-03-11', 'ICPC-2', 'R95');

-- K3: a consultation on e + 42 (2019-04-21, 23:59: dates, not times) with
-- ICD-10 'J44.9' linked: within (e, e + 42]: N of both.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (3, '00000001203', 'Testpasient Kontroll 03', '1963-10-04', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (3, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (7, 3, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (8, 3, NULL, '2019-03-10', 'ICD-10', 'J44.1');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (301, 3, 1, '2019-04-21 23:59:00', 'consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (9, 3, 301, '2019-04-21', 'ICD-10', 'J44.9');

-- K4: a consultation on e + 43 (2019-04-22) with R95 linked: after e, before
-- every R in D: N of AFTER_EXAC in every month of D; never N of 6W.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (4, '00000001204', 'Testpasient Kontroll 04', '1964-11-05', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (4, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (10, 4, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (11, 4, NULL, '2019-03-10', 'ICD-10', 'J44.1');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (401, 4, 1, '2019-04-22 08:00:00', 'consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (12, 4, 401, '2019-04-22', 'ICPC-2', 'R95');

-- K5: a consultation on 2019-09-30 = R of September with R95 linked: N of
-- AFTER_EXAC from 2019-09 (up to R, inclusive); never N of 6W.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (5, '00000001205', 'Testpasient Kontroll 05', '1965-12-06', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (5, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (13, 5, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (14, 5, NULL, '2019-03-10', 'ICD-10', 'J44.1');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (501, 5, 1, '2019-09-30 12:00:00', 'consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (15, 5, 501, '2019-09-30', 'ICPC-2', 'R95');

-- K6: a consultation on 2019-10-01, the day after R of September: N of
-- AFTER_EXAC from 2019-10; never N of 6W.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (6, '00000001206', 'Testpasient Kontroll 06', '1966-10-07', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (6, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (16, 6, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (17, 6, NULL, '2019-03-10', 'ICD-10', 'J44.1');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (601, 6, 1, '2019-10-01 12:00:00', 'consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (18, 6, 601, '2019-10-01', 'ICPC-2', 'R95');

-- K7: a phone contact on 2019-03-20 with R95 linked: not face-to-face: none.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (7, '00000001207', 'Testpasient Kontroll 07', '1967-11-08', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (7, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (19, 7, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (20, 7, NULL, '2019-03-10', 'ICD-10', 'J44.1');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (701, 7, 1, '2019-03-20 09:00:00', 'phone');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (21, 7, 701, '2019-03-20', 'ICPC-2', 'R95');

-- K8: an e_consultation on 2019-03-20 with R95 linked: not face-to-face: none.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (8, '00000001208', 'Testpasient Kontroll 08', '1968-12-09', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (8, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (22, 8, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (23, 8, NULL, '2019-03-10', 'ICD-10', 'J44.1');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (801, 8, 1, '2019-03-20 09:00:00', 'e_consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (24, 8, 801, '2019-03-20', 'ICPC-2', 'R95');

-- K9: a letter (2019-03-20), a meeting (03-21) and an admin contact (03-22),
-- each with R95 linked: none is face-to-face: none.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (9, '00000001209', 'Testpasient Kontroll 09', '1969-10-01', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (9, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (25, 9, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (26, 9, NULL, '2019-03-10', 'ICD-10', 'J44.1');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (901, 9, 1, '2019-03-20 09:00:00', 'letter');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (27, 9, 901, '2019-03-20', 'ICPC-2', 'R95');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (902, 9, 1, '2019-03-21 09:00:00', 'meeting');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (28, 9, 902, '2019-03-21', 'ICPC-2', 'R95');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (903, 9, 1, '2019-03-22 09:00:00', 'admin');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (29, 9, 903, '2019-03-22', 'ICPC-2', 'R95');

-- K10: a home visit by the nurse on 2019-03-20 with R95 linked: face-to-face
-- (the kind decides, not the practitioner's role): N of both.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (10, '00000001210', 'Testpasient Kontroll 10', '1960-11-02', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (10, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (30, 10, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (31, 10, NULL, '2019-03-10', 'ICD-10', 'J44.1');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1001, 10, 2, '2019-03-20 13:00:00', 'home_visit');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (32, 10, 1001, '2019-03-20', 'ICPC-2', 'R95');

-- K11: a video consultation on 2019-03-20 with ICD-10 'j44.9' linked:
-- face-to-face: N of both.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (11, '00000001211', 'Testpasient Kontroll 11', '1961-12-03', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (11, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (33, 11, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (34, 11, NULL, '2019-03-10', 'ICD-10', 'J44.1');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1101, 11, 1, '2019-03-20 13:00:00', 'video');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (35, 11, 1101, '2019-03-20', 'ICD-10', 'j44.9');

-- K12: a consultation on 2019-03-20 with ICPC-2 R96 and ICD-10 J45.9 (asthma)
-- linked: the linked code is not in COPD: none.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (12, '00000001212', 'Testpasient Kontroll 12', '1962-10-04', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (12, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (36, 12, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (37, 12, NULL, '2019-03-10', 'ICD-10', 'J44.1');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1201, 12, 1, '2019-03-20 10:00:00', 'consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (38, 12, 1201, '2019-03-20', 'ICPC-2', 'R96');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (39, 12, 1201, '2019-03-20', 'ICD-10', 'J45.9');

-- K13: a consultation on 2019-03-20 and an R95 recorded that day without a
-- link (contact_id NULL): no diagnosis is linked to the contact: none.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (13, '00000001213', 'Testpasient Kontroll 13', '1963-11-05', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (13, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (40, 13, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (41, 13, NULL, '2019-03-10', 'ICD-10', 'J44.1');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1301, 13, 1, '2019-03-20 10:00:00', 'consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (42, 13, NULL, '2019-03-20', 'ICPC-2', 'R95');

-- K14: a consultation on 2019-03-20 with ICD-10 J44.1 linked: a control on
-- 03-20, but J44.1 is also an exacerbation, so the last exacerbation is
-- now e = 2019-03-20 (e + 42 = 2019-05-01). 2019-04: e > R - 42 =
-- 2019-03-19: out of D. 2019-05 .. 2020-02 (W12 of 2020-03 starts on
-- 2019-04-01): in D; the control is on e, not after it: N of neither.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (14, '00000001214', 'Testpasient Kontroll 14', '1964-12-06', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (14, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (43, 14, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (44, 14, NULL, '2019-03-10', 'ICD-10', 'J44.1');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1401, 14, 1, '2019-03-20 10:00:00', 'consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (45, 14, 1401, '2019-03-20', 'ICD-10', 'J44.1');

-- K15: a consultation on e + 42 (2019-04-21) with R95 linked, the diagnosis
-- row recorded on 2019-04-23 (e + 44): the control is the contact, dated
-- by its contact_time: within (e, e + 42]: N of both.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (15, '00000001215', 'Testpasient Kontroll 15', '1965-10-07', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (15, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (46, 15, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (47, 15, NULL, '2019-03-10', 'ICD-10', 'J44.1');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1501, 15, 1, '2019-04-21 11:00:00', 'consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (48, 15, 1501, '2019-04-23', 'ICPC-2', 'R95');

-- K16: a consultation on 2019-03-05, before e, with R95 linked: none.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (16, '00000001216', 'Testpasient Kontroll 16', '1966-11-08', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (16, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (49, 16, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (50, 16, NULL, '2019-03-10', 'ICD-10', 'J44.1');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1601, 16, 1, '2019-03-05 10:00:00', 'consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (51, 16, 1601, '2019-03-05', 'ICPC-2', 'R95');
