-- Deck diabetes/blood_pressure: DM_BP_MEASURED and the bands on the last
-- blood pressure in W12: DM_BP_LE140_85 (systolic <= 140 and diastolic <= 85),
-- DM_BP_GE150_90 (systolic >= 150 or diastolic >= 90) and DM_BP_141_149
-- (neither). Tests every band edge, same-day ties (highest systolic, then
-- highest diastolic), a later reading replacing an earlier one, the leap day
-- and the edges of W12.
-- Every patient is listed from 2015 with ICPC-2 T90 since 2015.
-- Run: 2019-01 .. 2021-02. All names and national ids are fake.

INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (1, '0000001', 'Lege Fiktiv En', 'gp');

-- B1: 140/85 on 2019-03-15: LE140_85 (both edges inclusive).
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (1, '00000000301', 'Testpasient Blodtrykk 01', '1950-01-01', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (1, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (1, 1, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO blood_pressure (patient_id, measured_on, systolic, diastolic) VALUES (1, '2019-03-15', 140, 85);

-- B2: 141/85: 141_149.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (2, '00000000302', 'Testpasient Blodtrykk 02', '1951-02-02', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (2, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (2, 2, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO blood_pressure (patient_id, measured_on, systolic, diastolic) VALUES (2, '2019-03-15', 141, 85);

-- B3: 140/86: diastolic above 85 but neither >= 150 nor >= 90: 141_149.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (3, '00000000303', 'Testpasient Blodtrykk 03', '1952-03-03', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (3, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (3, 3, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO blood_pressure (patient_id, measured_on, systolic, diastolic) VALUES (3, '2019-03-15', 140, 86);

-- B4: 149/89: 141_149.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (4, '00000000304', 'Testpasient Blodtrykk 04', '1953-04-04', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (4, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (4, 4, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO blood_pressure (patient_id, measured_on, systolic, diastolic) VALUES (4, '2019-03-15', 149, 89);

-- B5: 150/60: GE150_90 by systolic.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (5, '00000000305', 'Testpasient Blodtrykk 05', '1954-05-05', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (5, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (5, 5, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO blood_pressure (patient_id, measured_on, systolic, diastolic) VALUES (5, '2019-03-15', 150, 60);

-- B6: 120/90: GE150_90 by diastolic.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (6, '00000000306', 'Testpasient Blodtrykk 06', '1955-06-06', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (6, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (6, 6, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO blood_pressure (patient_id, measured_on, systolic, diastolic) VALUES (6, '2019-03-15', 120, 90);

-- B7: 135/95 and 138/80 on the same day: the highest systolic wins, 138/80:
-- LE140_85 (the other reading alone would be GE150_90).
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (7, '00000000307', 'Testpasient Blodtrykk 07', '1956-07-07', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (7, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (7, 7, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO blood_pressure (patient_id, measured_on, systolic, diastolic) VALUES (7, '2019-03-15', 135, 95);
INSERT INTO blood_pressure (patient_id, measured_on, systolic, diastolic) VALUES (7, '2019-03-15', 138, 80);

-- B8: 145/92 and 145/70 on the same day: equal systolic, the highest
-- diastolic wins, 145/92: GE150_90.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (8, '00000000308', 'Testpasient Blodtrykk 08', '1957-08-08', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (8, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (8, 8, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO blood_pressure (patient_id, measured_on, systolic, diastolic) VALUES (8, '2019-03-15', 145, 92);
INSERT INTO blood_pressure (patient_id, measured_on, systolic, diastolic) VALUES (8, '2019-03-15', 145, 70);

-- B9: 160/100 on 2019-02-01, then 130/80 on 2019-10-31 (R of October):
-- GE150_90 in 2019-02 .. 2019-09, LE140_85 in 2019-10 .. 2020-09.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (9, '00000000309', 'Testpasient Blodtrykk 09', '1958-09-09', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (9, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (9, 9, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO blood_pressure (patient_id, measured_on, systolic, diastolic) VALUES (9, '2019-10-31', 130, 80);
INSERT INTO blood_pressure (patient_id, measured_on, systolic, diastolic) VALUES (9, '2019-02-01', 160, 100);

-- B10: 142/80 on the leap day 2020-02-29: 141_149 in 2020-02 .. 2021-01.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (10, '00000000310', 'Testpasient Blodtrykk 10', '1959-10-10', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (10, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (10, 10, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO blood_pressure (patient_id, measured_on, systolic, diastolic) VALUES (10, '2020-02-29', 142, 80);

-- B11: no blood pressure: in D only.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (11, '00000000311', 'Testpasient Blodtrykk 11', '1960-11-11', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (11, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (11, 11, NULL, '2015-01-01', 'ICPC-2', 'T90');

-- B12: not diabetic: a reading of 200/120 counts nowhere.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (12, '00000000312', 'Testpasient Blodtrykk 12', '1961-12-12', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (12, 1, '2015-01-01', NULL);
INSERT INTO blood_pressure (patient_id, measured_on, systolic, diastolic) VALUES (12, '2019-03-15', 200, 120);
