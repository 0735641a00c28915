-- Deck diabetes/statin: DM_STATIN, "treated with STATIN": a regular drug of
-- STATIN (ATC C10AA*, C10BA*, C10BX*) in use at R (start <= R, stop NULL or
-- > R), or a STATIN prescription issued in W12. Tests start on R, stop on R
-- (not in use) and the day after R (in use), use types as_needed and course,
-- ATC outside the set (C10AX09), ATC spellings, a drug without ATC, a use
-- between two reference dates, and prescriptions on the edges of W12.
-- Every patient is listed from 2015 with ICPC-2 T90 since 2015.
-- Run: 2019-01 .. 2020-12. All names and national ids are fake.

INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (1, '0000001', 'Lege Fiktiv En', 'gp');

-- S1: regular C10AA05 started on 2019-03-31 = R of March: treated from 2019-03.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (1, '00000000401', 'Testpasient Statin 01', '1950-01-01', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (1, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (1, 1, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1, 1, 'C10AA05', 'Atorvastatin', 'regular', '2019-03-31', NULL);

-- S2: regular C10AA01 stopped on 2019-06-30 = R of June (stop exclusive):
-- not in use at that R: treated up to 2019-05.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (2, '00000000402', 'Testpasient Statin 02', '1951-02-02', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (2, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (2, 2, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (2, 2, 'C10AA01', 'Simvastatin', 'regular', '2018-01-01', '2019-06-30');

-- S3: regular C10AA01 stopped on 2019-07-01, the day after R of June: in use
-- at that R: treated up to 2019-06.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (3, '00000000403', 'Testpasient Statin 03', '1952-03-03', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (3, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (3, 3, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (3, 3, 'C10AA01', 'Simvastatin', 'regular', '2018-01-01', '2019-07-01');

-- S4: C10AA01 as_needed: not a regular drug: never treated.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (4, '00000000404', 'Testpasient Statin 04', '1953-04-04', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (4, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (4, 4, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (4, 4, 'C10AA01', 'Simvastatin', 'as_needed', '2018-01-01', NULL);

-- S5: C10BA02 as a course: not a regular drug: never treated.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (5, '00000000405', 'Testpasient Statin 05', '1954-05-05', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (5, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (5, 5, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (5, 5, 'C10BA02', 'Simvastatin og ezetimib', 'course', '2018-01-01', NULL);

-- S6: regular C10BX03 (a statin combination) since 2018: treated every month.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (6, '00000000406', 'Testpasient Statin 06', '1955-06-06', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (6, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (6, 6, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (6, 6, 'C10BX03', 'Atorvastatin og amlodipin', 'regular', '2018-01-01', NULL);

-- S7: regular ezetimibe C10AX09 (not a statin): never treated.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (7, '00000000407', 'Testpasient Statin 07', '1956-07-07', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (7, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (7, 7, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (7, 7, 'C10AX09', 'Ezetimib', 'regular', '2018-01-01', NULL);

-- S8: prescription of C10AA07 on 2019-04-01 (first day of W12 of 2020-03),
-- nothing on the medication list: treated in 2019-04 .. 2020-03.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (8, '00000000408', 'Testpasient Statin 08', '1957-08-08', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (8, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (8, 8, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (8, 8, NULL, 1, '2019-04-01', 'C10AA07', 100, 'C');

-- S9: prescription of C10BA02 on 2019-08-31 = R of August, linked to an
-- as_needed row (the prescription counts on its own ATC): 2019-08 .. 2020-07.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (9, '00000000409', 'Testpasient Statin 09', '1958-09-09', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (9, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (9, 9, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (9, 9, 'C10BA02', 'Simvastatin og ezetimib', 'as_needed', '2019-08-31', NULL);
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (9, 9, 9, 1, '2019-08-31', 'C10BA02', 90, 'C');

-- S10: prescription with ATC ' c10aa05 ' (lower case, blanks) on the leap
-- day 2020-02-29: treated in 2020-02 .. 2021-01, so to the end of the run.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (10, '00000000410', 'Testpasient Statin 10', '1959-10-10', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (10, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (10, 10, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (10, 10, NULL, 1, '2020-02-29', ' c10aa05 ', NULL, NULL);

-- S11: a prescription of C10AX09 and a regular free-text drug without ATC:
-- never treated.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (11, '00000000411', 'Testpasient Statin 11', '1960-11-11', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (11, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (11, 11, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (11, 11, NULL, 'Kolesterolmedisin fra utlandet', 'regular', '2018-01-01', NULL);
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (11, 11, NULL, 1, '2019-05-05', 'C10AX09', 100, 'C');

-- S12: regular C10AA05 from 2019-10-15 to 2019-10-20 only, between two
-- reference dates: never in use at R, never treated.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (12, '00000000412', 'Testpasient Statin 12', '1961-12-12', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (12, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (12, 12, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (12, 12, 'C10AA05', 'Atorvastatin', 'regular', '2019-10-15', '2019-10-20');
