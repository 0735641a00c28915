-- Deck anxiety/prevalence: ANX_PREVALENCE (D = L(R), N = an ANXIETY
-- diagnosis recorded in W12), ANX_ANTIDEPRESSANT (D = those, N = treated
-- with ANTIDEPRESSANT: a regular N06A* in use at R or an N06A* prescription
-- in W12) and ANX_BENZODIAZEPINE (same D, N = a BENZODIAZEPINE prescription,
-- ATC N05BA* or N05CD*, issued in W12).
-- Tests W12 edges for diagnoses and prescriptions (on R, the first day of
-- W12 and the day before it), code spellings and systems ('F41.1', 'p74',
-- ' P74 ', 'F41', 'F41.0', 'F41.9'; ICD-10 'F40.1', 'F43', 'P74' and ICPC-2
-- P76 are not anxiety), drug use stopping on R, use types, neighbouring ATC
-- codes (N05CF01, N05BB01; a benzodiazepine on the medication list is no
-- prescription), patients entering the list, death, and empty denominators.
-- Every patient is listed from 2010-01-01 onward unless said.
-- Run: 2019-01 .. 2020-12. All names and national ids are fake.

INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (1, '0000001', 'Lege Fiktiv En', 'gp');

-- AP1: ICD-10 'F41.1' on 2019-03-01: anxious in 2019-03 .. 2020-02.
-- Oxazepam prescribed on 2019-02-28: in W12 of 2019-02 .. 2020-01.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (301, '00000030101', 'Testpasient Angst 01', '1980-01-01', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (301, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (30101, 301, NULL, '2019-03-01', 'ICD-10', 'F41.1');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (30101, 301, NULL, 1, '2019-02-28', 'N05BA04', 5, 'B');

-- AP2: ICPC-2 'p74' on 2019-06-30 (R of June): anxious in 2019-06 ..
-- 2020-05. Regular venlafaxine from 2019-07-01: treated from 2019-07.
-- Midazolam ' n05cd08 ' prescribed on 2020-05-31 (R of May): from 2020-05.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (302, '00000030102', 'Testpasient Angst 02', '1981-02-02', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (302, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (30201, 302, NULL, '2019-06-30', 'ICPC-2', 'p74');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (30201, 302, 'N06AX16', 'Venlafaksin', 'regular', '2019-07-01', NULL);
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (30201, 302, NULL, 1, '2020-05-31', ' n05cd08 ', 10, 'B');

-- AP3: ICPC-2 ' P74 ' on 2019-07-01: anxious in 2019-07 .. 2020-06. An
-- escitalopram prescription on 2018-08-01, the first day of W12 of 2019-07:
-- treated in 2019-07 only (W12 of 2019-08 starts 2018-09-01). Diazepam on
-- the medication list (as_needed; no prescription), prescriptions of
-- zopiclone N05CF01 and hydroxyzine N05BB01: no benzodiazepine prescription.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (303, '00000030103', 'Testpasient Angst 03', '1982-03-03', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (303, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (30301, 303, NULL, '2019-07-01', 'ICPC-2', ' P74 ');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (30301, 303, NULL, 1, '2018-08-01', 'N06AB10', 98, 'C');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (30301, 303, 'N05BA01', 'Vival', 'as_needed', '2019-07-01', NULL);
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (30302, 303, NULL, 1, '2019-07-01', 'N05CF01', 30, 'B');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (30303, 303, NULL, 1, '2019-07-01', 'N05BB01', 30, 'C');

-- AP4: not anxiety: ICD-10 'F40.1' (phobia), 'F43' (stress reaction),
-- 'P74' (an ICD-10 newborn code) and ICPC-2 P76 (depression); a
-- benzodiazepine prescription and a regular antidepressant: in
-- ANX_PREVALENCE's D only.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (304, '00000030104', 'Testpasient Angst 04', '1983-04-04', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (304, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (30401, 304, NULL, '2019-05-01', 'ICD-10', 'F40.1');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (30402, 304, NULL, '2019-05-01', 'ICD-10', 'F43');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (30403, 304, NULL, '2019-05-01', 'ICD-10', 'P74');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (30404, 304, NULL, '2019-05-01', 'ICPC-2', 'P76');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (30401, 304, NULL, 1, '2019-05-01', 'N05BA04', 5, 'B');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (30401, 304, 'N06AB06', 'Sertralin', 'regular', '2018-01-01', NULL);

-- AP5: ICD-10 'F41' on 2018-12-31: anxious in 2018-12 .. 2019-11; dies on
-- 2019-09-30 (R of September): listed up to 2019-08. Alprazolam N05BA12
-- prescribed on 2019-01-15. Citalopram as a course (not regular).
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (305, '00000030105', 'Testpasient Angst 05', '1945-05-05', 'F', '2019-09-30');
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (305, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (30501, 305, NULL, '2018-12-31', 'ICD-10', 'F41');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (30501, 305, NULL, 1, '2019-01-15', 'N05BA12', 10, 'B');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (30501, 305, 'N06AB04', 'Citalopram', 'course', '2019-01-15', NULL);

-- AP6: listed from 2019-10-01, the day after R of September; ICD-10 'F41.0'
-- on 2019-05-05 (in W12 of 2019-05 .. 2020-04): counts 2019-10 .. 2020-04.
-- Regular sertraline 2019-01-01 .. 2020-01-31 (exclusive, = R of January):
-- treated up to 2019-12.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (306, '00000030106', 'Testpasient Angst 06', '1986-06-06', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (306, 1, '2019-10-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (30601, 306, NULL, '2019-05-05', 'ICD-10', 'F41.0');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (30601, 306, 'N06AB06', 'Sertralin', 'regular', '2019-01-01', '2020-01-31');

-- AP7: ICD-10 'F41.9' on 2020-11-20: anxious in 2020-11 .. 2020-12.
-- Oxazepam prescribed on 2019-11-30 (the day before W12 of 2020-11) and on
-- 2019-12-01 (the first day of W12 of 2020-11): a benzodiazepine in W12 of
-- 2020-11, not of 2020-12 (from 2020-01-01).
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (307, '00000030107', 'Testpasient Angst 07', '1987-07-07', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (307, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (30701, 307, NULL, '2020-11-20', 'ICD-10', 'F41.9');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (30701, 307, NULL, 1, '2019-11-30', 'N05BA04', 5, 'B');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (30702, 307, NULL, 1, '2019-12-01', 'N05BA04', 5, 'B');

-- AP8: a regular antidepressant, no diagnosis: in ANX_PREVALENCE's D only.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (308, '00000030108', 'Testpasient Angst 08', '1988-08-08', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (308, 1, '2010-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (30801, 308, 'N06AB10', 'Escitalopram', 'regular', '2018-01-01', NULL);
