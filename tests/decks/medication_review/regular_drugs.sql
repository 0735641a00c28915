-- Deck medication_review/regular_drugs: LMG_4PLUS's denominator, L(R) with at
-- least 4 regular drugs at R (medication rows in use at R, start <= R and
-- stop NULL or > R, use_type regular; rows with the same ATC count once, rows
-- without ATC each count once). Tests 3 vs 4 drugs, duplicate ATC (also
-- spelled differently and in overlapping rows), free-text drugs without ATC
-- (NULL and blank), as_needed and course rows, a drug stopped on R and the
-- day after R, a drug started on R, leaving the list mid-month, death on R
-- and two lists at once. One fee 2ld gives a numerator.
-- Every patient is listed from 2015 unless said; drugs start 2018-01-01 and
-- are open unless said.
-- Run: 2019-01 .. 2020-12. All names and national ids are fake.

INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (1, '0000001', 'Lege Fiktiv En', 'gp');
INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (2, '0000002', 'Lege Fiktiv To', 'gp');

-- M1: 4 regular drugs with different ATC: in D every month; fee 2ld on
-- 2019-06-10: in N in 2019-06 .. 2020-05.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (1, '00000000601', 'Testpasient Legemidler 01', '1940-01-01', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (1, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (101, 1, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (102, 1, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (103, 1, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (104, 1, 'B01AC06', 'Acetylsalisylsyre', 'regular', '2018-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1001, 1, 1, '2019-06-10 10:00:00', 'consultation');
INSERT INTO fee (contact_id, code) VALUES (1001, '2ad');
INSERT INTO fee (contact_id, code) VALUES (1001, '2ld');

-- M2: 3 regular drugs: never in D.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (2, '00000000602', 'Testpasient Legemidler 02', '1941-02-02', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (2, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (201, 2, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (202, 2, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (203, 2, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);

-- M3: 4 regular rows, two of them A10BA02: 3 drugs: never in D.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (3, '00000000603', 'Testpasient Legemidler 03', '1942-03-03', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (3, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (301, 3, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (302, 3, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (303, 3, 'A10BA02', 'Metformin 500 mg', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (304, 3, 'A10BA02', 'Metformin 850 mg', 'regular', '2018-01-01', NULL);

-- M4: 3 regular drugs with ATC and a regular free-text drug (atc_code NULL):
-- 4 drugs: in D every month.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (4, '00000000604', 'Testpasient Legemidler 04', '1943-04-04', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (4, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (401, 4, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (402, 4, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (403, 4, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (404, 4, NULL, 'Magistrell krem', 'regular', '2018-01-01', NULL);

-- M5: 2 regular drugs with ATC and 2 regular free-text rows without ATC of
-- the same name: each row without ATC counts: 4 drugs: in D every month.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (5, '00000000605', 'Testpasient Legemidler 05', '1944-05-05', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (5, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (501, 5, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (502, 5, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (503, 5, NULL, 'Tran', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (504, 5, NULL, 'Tran', 'regular', '2018-01-01', NULL);

-- M6: 3 regular drugs, one as_needed and one course: 3 regular: never in D.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (6, '00000000606', 'Testpasient Legemidler 06', '1945-06-06', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (6, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (601, 6, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (602, 6, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (603, 6, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (604, 6, 'N02BE01', 'Paracetamol', 'as_needed', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (605, 6, 'J01CE02', 'Fenoksymetylpenicillin', 'course', '2019-02-20', NULL);

-- M7: 4 regular drugs, one stopped on 2019-06-30 = R of June (stop exclusive,
-- not in use at R): in D up to 2019-05.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (7, '00000000607', 'Testpasient Legemidler 07', '1946-07-07', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (7, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (701, 7, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (702, 7, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (703, 7, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (704, 7, 'B01AC06', 'Acetylsalisylsyre', 'regular', '2018-01-01', '2019-06-30');

-- M8: 4 regular drugs, one stopped on 2019-07-01, the day after R of June (in
-- use at R): in D up to 2019-06.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (8, '00000000608', 'Testpasient Legemidler 08', '1947-08-08', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (8, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (801, 8, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (802, 8, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (803, 8, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (804, 8, 'B01AC06', 'Acetylsalisylsyre', 'regular', '2018-01-01', '2019-07-01');

-- M9: 3 regular drugs and a fourth started on 2019-09-30 = R of September:
-- in D from 2019-09.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (9, '00000000609', 'Testpasient Legemidler 09', '1948-09-09', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (9, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (901, 9, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (902, 9, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (903, 9, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (904, 9, 'C07AB07', 'Bisoprolol', 'regular', '2019-09-30', NULL);

-- M10: 4 regular drugs, leaves the list on 2019-10-15 (mid-month): in D up
-- to 2019-09.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (10, '00000000610', 'Testpasient Legemidler 10', '1949-10-10', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (10, 1, '2015-01-01', '2019-10-15');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1101, 10, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1102, 10, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1103, 10, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1104, 10, 'B01AC06', 'Acetylsalisylsyre', 'regular', '2018-01-01', NULL);

-- M11: 4 regular drugs, dies on 2020-01-31 = R of January: in D up to 2019-12.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (11, '00000000611', 'Testpasient Legemidler 11', '1930-11-11', 'F', '2020-01-31');
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (11, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1201, 11, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1202, 11, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1203, 11, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1204, 11, 'B01AC06', 'Acetylsalisylsyre', 'regular', '2018-01-01', NULL);

-- M12: A10BA02 in two overlapping rows (2018-01-01..2019-03-01 and from
-- 2019-02-15) with two other drugs: at R of February 2019 four rows are in use
-- but only 3 drugs: never in D.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (12, '00000000612', 'Testpasient Legemidler 12', '1950-12-12', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (12, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1301, 12, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1302, 12, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1303, 12, 'A10BA02', 'Metformin 500 mg', 'regular', '2018-01-01', '2019-03-01');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1304, 12, 'A10BA02', 'Metformin 1000 mg', 'regular', '2019-02-15', NULL);

-- M13: C09AA05 spelled ' c09aa05 ' in one row and 'C09AA05' in another, with
-- two other drugs: the same ATC after normalisation: 3 drugs: never in D.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (13, '00000000613', 'Testpasient Legemidler 13', '1951-01-13', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (13, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1401, 13, ' c09aa05 ', 'Ramipril 5 mg', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1402, 13, 'C09AA05', 'Ramipril 2,5 mg', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1403, 13, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1404, 13, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);

-- M14: 4 regular drugs, on two lists at once from 2019-05-01: counts once,
-- in D every month.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (14, '00000000614', 'Testpasient Legemidler 14', '1952-02-14', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (14, 1, '2015-01-01', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (14, 2, '2019-05-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1501, 14, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1502, 14, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1503, 14, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1504, 14, 'B01AC06', 'Acetylsalisylsyre', 'regular', '2018-01-01', NULL);

-- M15: 3 regular drugs with ATC and one whose atc_code is blank ('  ', no
-- code after trimming, so a drug without ATC): 4 drugs: in D every month.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (15, '00000000615', 'Testpasient Legemidler 15', '1953-03-15', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (15, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1601, 15, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1602, 15, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1603, 15, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1604, 15, '  ', 'Urtete', 'regular', '2018-01-01', NULL);
