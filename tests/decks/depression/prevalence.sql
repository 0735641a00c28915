-- Deck depression/prevalence: DEP_PREVALENCE (D = L(R), N = a DEPRESSION
-- diagnosis recorded in W12) and DEP_ANTIDEPRESSANT (D = those, N = treated
-- with ANTIDEPRESSANT: a regular N06A* drug in use at R, start <= R < stop,
-- or an N06A* prescription issued in W12).
-- Tests W12 edges (a diagnosis on R, on the day after R, on the first day of
-- W12), code spellings and systems (' P76 ', 'f32.1', 'p76', 'F33'; ICD-10
-- 'P76', ICPC-2 'F32', 'F34.1' and anxiety are not depression), drug use
-- starting on R and the day after R, stopping on R, an empty period, use
-- types, ATC spellings and neighbours (N06BA, N05BA), patients entering and
-- leaving the list, death, an unknown sex, and an empty denominator.
-- Every patient is listed from 2010-01-01 onward unless said.
-- Run: 2019-01 .. 2020-12. All names and national ids are fake.

INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (1, '0000001', 'Lege Fiktiv En', 'gp');

-- DP1: ICPC-2 ' P76 ' (blanks) on 2019-02-01: in W12 of 2019-02 .. 2020-01
-- (2019-02-01 is the first day of W12 of 2020-01). Regular escitalopram
-- from 2019-04-01, the day after R of March: treated from 2019-04.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (101, '00000010101', 'Testpasient Depresjon 01', '1970-01-01', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (101, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (10101, 101, NULL, '2019-02-01', 'ICPC-2', ' P76 ');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (10101, 101, 'N06AB10', 'Escitalopram', 'regular', '2019-04-01', NULL);

-- DP2: ICD-10 'f32.1' on 2019-04-30 (R of April): in W12 of 2019-04 ..
-- 2020-03, not 2019-03. Regular sertraline since 2018, stopped on
-- 2019-06-30 (R of June; stop is exclusive): treated up to 2019-05.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (102, '00000010102', 'Testpasient Depresjon 02', '1971-02-02', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (102, 1, '2010-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (10201, 102, 1, '2019-04-30 15:45:00', 'consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (10201, 102, 10201, '2019-04-30', 'ICD-10', 'f32.1');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (10201, 102, 'N06AB06', 'Sertralin', 'regular', '2018-01-01', '2019-06-30');

-- DP3: ICD-10 'F33' on 2019-05-01, the day after R of April: in W12 of
-- 2019-05 .. 2020-04. No medication row; a prescription with ATC
-- ' n06ax11 ' (lower case, blanks) on 2019-03-01: treated in W12 of 2019-03
-- .. 2020-02 (2019-03-01 is the first day of W12 of 2020-02).
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (103, '00000010103', 'Testpasient Depresjon 03', '1972-03-03', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (103, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (10301, 103, NULL, '2019-05-01', 'ICD-10', 'F33');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (10301, 103, NULL, 1, '2019-03-01', ' n06ax11 ', 100, 'C');

-- DP4: no depression: ICD-10 'P76' (a newborn's intestinal obstruction),
-- ICPC-2 'F32' (an eye code), ICD-10 'F34.1' (dysthymia, outside F32/F33)
-- and ICPC-2 P74 (anxiety). Regular antidepressant: in DEP_PREVALENCE's D
-- only.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (104, '00000010104', 'Testpasient Depresjon 04', '1973-04-04', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (104, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (10401, 104, NULL, '2019-06-01', 'ICD-10', 'P76');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (10402, 104, NULL, '2019-06-01', 'ICPC-2', 'F32');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (10403, 104, NULL, '2019-06-01', 'ICD-10', 'F34.1');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (10404, 104, NULL, '2019-06-01', 'ICPC-2', 'P74');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (10401, 104, 'N06AB10', 'Escitalopram', 'regular', '2018-01-01', NULL);

-- DP5: ICPC-2 'p76' (lower case) on a contact on 2019-10-15: in W12 of
-- 2019-10 .. 2020-09. Never treated: amitriptyline as_needed (not
-- regular), prescriptions of methylphenidate N06BA04 and oxazepam N05BA04
-- (not N06A*).
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (105, '00000010105', 'Testpasient Depresjon 05', '1974-05-05', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (105, 1, '2010-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (10501, 105, 1, '2019-10-15 08:00:00', 'consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (10501, 105, 10501, '2019-10-15', 'ICPC-2', 'p76');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (10501, 105, 'N06AA09', 'Sarotex', 'as_needed', '2019-01-01', NULL);
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (10501, 105, NULL, 1, '2019-11-01', 'N06BA04', 30, 'A');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (10502, 105, NULL, 1, '2019-11-01', 'N05BA04', 5, 'B');

-- DP6: ICD-10 'F32' on 2020-12-31 (R of December) and 'F32.9' on
-- 2021-01-05 (after the run): in W12 of 2020-12 only. Regular citalopram
-- started on 2020-12-31 = R: treated in 2020-12.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (106, '00000010106', 'Testpasient Depresjon 06', '1975-06-06', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (106, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (10601, 106, NULL, '2020-12-31', 'ICD-10', 'F32');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (10602, 106, NULL, '2021-01-05', 'ICD-10', 'F32.9');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (10601, 106, 'N06AB04', 'Citalopram', 'regular', '2020-12-31', NULL);

-- DP7: regular antidepressant, no diagnosis at all: in DEP_PREVALENCE's D
-- only.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (107, '00000010107', 'Testpasient Depresjon 07', '1976-07-07', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (107, 1, '2010-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (107, 107, 'N06AB10', 'Escitalopram', 'regular', '2018-01-01', NULL);

-- DP8: P76 and an antidepressant prescription on 2019-01-10; dies on
-- 2019-06-15: listed, depressed and treated in 2019-01 .. 2019-05 only.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (108, '00000010108', 'Testpasient Depresjon 08', '1940-08-08', 'M', '2019-06-15');
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (108, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (10801, 108, NULL, '2019-01-10', 'ICPC-2', 'P76');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (10801, 108, NULL, 1, '2019-01-10', 'N06AB10', 98, 'C');

-- DP9: listed from 2019-08-31 (R of August) to 2020-06-30 (exclusive, =
-- R of June): listed in 2019-08 .. 2020-05. P76 on 2019-07-01 (in W12 of
-- 2019-07 .. 2020-06). Regular mirtazapine 2019-07-01 .. 2020-03-01
-- (exclusive): treated up to 2020-02.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (109, '00000010109', 'Testpasient Depresjon 09', '1979-09-09', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (109, 1, '2019-08-31', '2020-06-30');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (10901, 109, NULL, '2019-07-01', 'ICPC-2', 'P76');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (10901, 109, 'N06AX11', 'Mirtazapin', 'regular', '2019-07-01', '2020-03-01');

-- DP10: unknown sex 'X': a bad patient row, in no population, although
-- listed, depressed and treated.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (110, '00000010110', 'Testpasient Depresjon 10', '1980-10-10', 'X', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (110, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (11001, 110, NULL, '2019-06-01', 'ICPC-2', 'P76');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (11001, 110, 'N06AB10', 'Escitalopram', 'regular', '2018-01-01', NULL);

-- DP11: P76 on 2019-09-01 (in W12 of 2019-09 .. 2020-08). A regular
-- escitalopram row with start = stop (never in use) and a prescription
-- without ATC: never treated.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (111, '00000010111', 'Testpasient Depresjon 11', '1981-11-11', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (111, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (11101, 111, NULL, '2019-09-01', 'ICPC-2', 'P76');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (11101, 111, 'N06AB10', 'Escitalopram', 'regular', '2019-09-30', '2019-09-30');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (11101, 111, NULL, 1, '2019-09-30', NULL, NULL, NULL);
