-- Deck addictive_drugs/windows: the window W12 (first day of month m-11 .. R,
-- both inclusive) of ADD_PRESCRIBED and ADD_DDD_MEAN, the contacts that put
-- a patient in ADD_PRESCRIBED's D (every kind but admin, with anyone at the
-- office), DDD sums over several prescriptions and NULL DDD, and the listed
-- population: leaving the list, joining it on R, death on R, two lists at
-- once, an empty list period, a patient never listed.
-- Every patient is listed from 2015-01-01 on GP 1 unless said. All
-- prescriptions here are addictive (group A or B, or group NULL with an ATC
-- of the list).
-- Run: 2019-01 .. 2020-12. All names and national ids are fake.

INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (1, '0000001', 'Lege Fiktiv En', 'gp');
INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (2, '0000002', 'Lege Fiktiv To', 'gp');
INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (3, '0000003', 'Sykepleier Fiktiv', 'nurse');

-- W1: a consultation with the nurse on 2019-04-01 (in D 2019-04 .. 2020-03:
-- W12 of 2020-03 starts on 2019-04-01, that of 2020-04 on 2019-05-01).
-- Prescriptions: group A, 10 DDD on 2019-04-01 (counts 2019-04 .. 2020-03,
-- not in 2019-03 whose R is the day before) and group B, 5 DDD on
-- 2019-10-31 = R of October (counts 2019-10 .. 2020-09), and group A with
-- NULL DDD on 2017-05-05, outside every W12 of the run (counts nowhere, and
-- is not in the data-quality count).
-- ADD_DDD_MEAN value: 10 in 2019-04 .. 2019-09, 15 in 2019-10 .. 2020-03,
-- 5 in 2020-04 .. 2020-09.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (1, '00000000801', 'Testpasient Vindu 01', '1950-01-01', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (1, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (101, 1, 3, '2019-04-01 08:00:00', 'consultation');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (101, 1, NULL, 1, '2019-04-01', 'N02AA05', 10, 'A');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (102, 1, NULL, 1, '2019-10-31', 'N05CF01', 5, 'B');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (103, 1, NULL, 1, '2017-05-05', 'N02AA05', NULL, 'A');

-- W2: only an admin contact, on 2019-06-15, the day of a group A
-- prescription of 3 DDD: never in ADD_PRESCRIBED's D (admin is not a
-- contact); in ADD_DDD_MEAN 2019-06 .. 2020-05 with 3.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (2, '00000000802', 'Testpasient Vindu 02', '1951-02-02', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (2, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (201, 2, 1, '2019-06-15 12:00:00', 'admin');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (201, 2, NULL, 1, '2019-06-15', 'N05BA04', 3, 'A');

-- W3: a phone contact on 2019-02-28, no prescription: in ADD_PRESCRIBED's D
-- 2019-02 .. 2020-01 (W12 of 2020-01 starts 2019-02-01, of 2020-02 on
-- 2019-03-01), never in N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (3, '00000000803', 'Testpasient Vindu 03', '1952-03-03', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (3, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (301, 3, 1, '2019-02-28 16:30:00', 'phone');

-- W4: an e-consultation at 23:59:59 on 2020-12-31 (its date is R of the last
-- month): in ADD_PRESCRIBED's D in 2020-12 only, not in N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (4, '00000000804', 'Testpasient Vindu 04', '1953-04-04', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (4, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (401, 4, 1, '2020-12-31 23:59:59', 'e_consultation');

-- W5: leaves the list with valid_to 2019-09-30 = R of September (exclusive:
-- not listed at that R): listed 2019-01 .. 2019-08. A consultation and a
-- group B prescription of 4 DDD on 2019-05-05: in both indicators
-- 2019-05 .. 2019-08, value 4.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (5, '00000000805', 'Testpasient Vindu 05', '1954-05-05', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (5, 1, '2015-01-01', '2019-09-30');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (501, 5, 1, '2019-05-05 10:00:00', 'consultation');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (501, 5, NULL, 1, '2019-05-05', 'N02AX02', 4, 'B');

-- W6: dies on 2020-02-29 = R of February (not in L(R) from 2020-02). A
-- consultation on 2019-03-01 and a prescription, group NULL, ATC N05BA04
-- (oxazepam), ddd_count NULL, the same day: in both indicators
-- 2019-03 .. 2020-01 with value 0. The NULL-DDD prescription counts once in
-- the run's data-quality count, though it is counted as 0 in 11 months.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (6, '00000000806', 'Testpasient Vindu 06', '1930-06-06', 'M', '2020-02-29');
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (6, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (601, 6, 1, '2019-03-01 09:00:00', 'consultation');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (601, 6, NULL, 1, '2019-03-01', 'N05BA04', NULL, NULL);

-- W7: joins the list on 2020-06-30 = R of June (listed from 2020-06). A
-- consultation and a group B prescription of 2 DDD on 2020-01-15, before
-- joining: both still in W12 up to 2020-12, so in both indicators
-- 2020-06 .. 2020-12 with value 2.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (7, '00000000807', 'Testpasient Vindu 07', '1957-07-07', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (7, 1, '2020-06-30', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (701, 7, 1, '2020-01-15 11:00:00', 'consultation');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (701, 7, NULL, 1, '2020-01-15', 'N05CD02', 2, 'B');

-- W8: never listed (no list period), a consultation and a group A
-- prescription with NULL DDD on 2019-08-08: in no population, and not in
-- the data-quality count.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (8, '00000000808', 'Testpasient Vindu 08', '1958-08-08', 'M', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (801, 8, 1, '2019-08-08 08:00:00', 'consultation');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (801, 8, NULL, 1, '2019-08-08', 'N02AA01', NULL, 'A');

-- W9: on two lists at once from 2015 (counts once). A consultation and a
-- group A prescription of 1.25 DDD on 2020-03-01: in both indicators
-- 2020-03 .. 2020-12, value 1.25.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (9, '00000000809', 'Testpasient Vindu 09', '1959-09-09', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (9, 1, '2015-01-01', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (9, 2, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (901, 9, 1, '2020-03-01 09:00:00', 'consultation');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (901, 9, NULL, 1, '2020-03-01', 'N02AA01', 1.25, 'A');

-- W10: only an empty list period (valid_from = valid_to = 2019-06-01): never
-- listed. A consultation and a group A prescription with NULL DDD on
-- 2019-06-01 count nowhere (not in the data-quality count either).
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (10, '00000000810', 'Testpasient Vindu 10', '1960-10-10', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (10, 1, '2019-06-01', '2019-06-01');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1001, 10, 1, '2019-06-01 09:00:00', 'consultation');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (1001, 10, NULL, 1, '2019-06-01', 'N02AA01', NULL, 'A');

-- W11: a video consultation on 2018-12-31, before the run: in
-- ADD_PRESCRIBED's D 2019-01 .. 2019-11 (W12 of 2019-11 is 2018-12-01 ..
-- 2019-11-30). Prescriptions: group A, 6 DDD on 2018-12-01 (the first day
-- of W12 of 2019-11: counts 2019-01 .. 2019-11) and group A, 100 DDD on
-- 2018-11-30 (the day before: counts 2019-01 .. 2019-10 only).
-- ADD_DDD_MEAN value 106 in 2019-01 .. 2019-10, 6 in 2019-11.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (11, '00000000811', 'Testpasient Vindu 11', '1961-11-11', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (11, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1101, 11, 1, '2018-12-31 14:00:00', 'video');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (1101, 11, NULL, 1, '2018-12-01', 'N02AA01', 6, 'A');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (1102, 11, NULL, 1, '2018-11-30', 'N02AA01', 100, 'A');
