-- Deck chd/beta_blocker: CHD_BETA_BLOCKER. D: listed patients with an IHD
-- diagnosis ever (recorded_on <= R; ICPC-2 K74, K75, K76 exactly; ICD-10
-- categories I20..I25). N: of those, a regular BETA_BLOCKER (ATC C07*) in
-- use at R (start <= R < stop) or a BETA_BLOCKER prescription, matched on
-- its own ATC code, issued in W12 (first day of month m-11 .. R).
-- Every patient is listed from 2015-01-01, has IHD from 2018 and drugs start
-- on 2018-01-01 and are open unless said.
-- Run: 2020-01 .. 2020-12. All names and national ids are fake.

INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (1, '0000001', 'Lege Fiktiv En', 'gp');

-- K1: ICPC-2 K74, regular C07AB02 (metoprolol): in D and N every month.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (1, '00000003001', 'Testpasient Koronar 01', '1945-02-11', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (1, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (101, 1, NULL, '2018-03-01', 'ICPC-2', 'K74');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (101, 1, 'C07AB02', 'Metoprolol', 'regular', '2018-01-01', NULL);

-- K2: ICD-10 'i25.1' (lower case, dot: I251 is in I25), no beta blocker: in
-- D, not N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (2, '00000003002', 'Testpasient Koronar 02', '1945-03-12', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (2, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (201, 2, NULL, '2018-04-01', 'ICD-10', 'i25.1');

-- K3: ICD-10 'I21.9' recorded on 2020-03-31 = R of March: in D from 2020-03.
-- No beta blocker.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (3, '00000003003', 'Testpasient Koronar 03', '1945-04-13', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (3, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (301, 3, NULL, '2020-03-31', 'ICD-10', 'I21.9');

-- K4: ICD-10 'I20' recorded on 2020-05-01, the day after R of April: in D from
-- 2020-05. A bisoprolol prescription on 2019-05-31, the day before W12 of
-- 2020-05: never in N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (4, '00000003004', 'Testpasient Koronar 04', '1945-05-14', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (4, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (401, 4, NULL, '2020-05-01', 'ICD-10', 'I20');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (401, 4, NULL, 1, '2019-05-31', 'C07AB07', 100, 'C');

-- K5: ICPC-2 K76, a propranolol prescription on 2019-06-01, the first day of
-- W12 of 2020-05: in N 2020-01 .. 2020-05.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (5, '00000003005', 'Testpasient Koronar 05', '1945-06-15', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (5, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (501, 5, NULL, '2018-05-05', 'ICPC-2', 'K76');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (501, 5, NULL, 1, '2019-06-01', 'C07AA05', 100, 'C');

-- K6: ICPC-2 K75, regular metoprolol stopped on 2020-06-30 = R of June
-- (exclusive: not in use at that R): in N 2020-01 .. 2020-05.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (6, '00000003006', 'Testpasient Koronar 06', '1945-07-16', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (6, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (601, 6, NULL, '2018-06-06', 'ICPC-2', 'K75');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (601, 6, 'C07AB02', 'Metoprolol', 'regular', '2018-01-01', '2020-06-30');

-- K7: propranolol as needed only (not regular, never prescribed): in D, not N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (7, '00000003007', 'Testpasient Koronar 07', '1945-08-17', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (7, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (701, 7, NULL, '2018-03-01', 'ICPC-2', 'K74');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (701, 7, 'C07AA05', 'Propranolol', 'as_needed', '2018-01-01', NULL);

-- K8: regular C08CA01 (amlodipine, not a beta blocker): in D, not N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (8, '00000003008', 'Testpasient Koronar 08', '1945-09-18', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (8, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (801, 8, NULL, '2018-03-01', 'ICPC-2', 'K74');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (801, 8, 'C08CA01', 'Amlodipin', 'regular', '2018-01-01', NULL);

-- K9: ICD-10 'I26.9' only (I26 is outside I20..I25), regular metoprolol:
-- never in D.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (9, '00000003009', 'Testpasient Koronar 09', '1945-01-19', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (9, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (901, 9, NULL, '2018-03-01', 'ICD-10', 'I26.9');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (901, 9, 'C07AB02', 'Metoprolol', 'regular', '2018-01-01', NULL);

-- K10: 'K74' recorded as ICD-10 (liver fibrosis, not ICPC-2 K74), regular
-- metoprolol: never in D.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (10, '00000003010', 'Testpasient Koronar 10', '1945-02-20', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (10, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (1001, 10, NULL, '2018-03-01', 'ICD-10', 'K74');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1001, 10, 'C07AB02', 'Metoprolol', 'regular', '2018-01-01', NULL);

-- K11: ICPC-2 'K77' (heart failure, not IHD) and 'K7' (too short for K74):
-- never in D.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (11, '00000003011', 'Testpasient Koronar 11', '1945-03-21', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (11, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (1101, 11, NULL, '2018-03-01', 'ICPC-2', 'K77');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (1102, 11, NULL, '2018-03-02', 'ICPC-2', 'K7');

-- K12: regular metoprolol, died on 2020-09-15: in D and N up to 2020-08.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (12, '00000003012', 'Testpasient Koronar 12', '1945-04-22', 'M', '2020-09-15');
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (12, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (1201, 12, NULL, '2018-03-01', 'ICPC-2', 'K74');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1201, 12, 'C07AB02', 'Metoprolol', 'regular', '2018-01-01', NULL);

-- K13: listed from 2020-10-01: in D from 2020-10. A metoprolol prescription
-- on 2020-12-31 = R of December: in N in 2020-12 only.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (13, '00000003013', 'Testpasient Koronar 13', '1945-05-23', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (13, 1, '2020-10-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (1301, 13, NULL, '2018-03-01', 'ICPC-2', 'K74');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (1301, 13, NULL, 1, '2020-12-31', 'C07AB02', 100, 'C');

-- K14: regular metoprolol started on 2020-07-31 = R of July: in N from
-- 2020-07.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (14, '00000003014', 'Testpasient Koronar 14', '1945-06-24', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (14, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (1401, 14, NULL, '2018-03-01', 'ICPC-2', 'K74');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1401, 14, 'C07AB02', 'Metoprolol', 'regular', '2020-07-31', NULL);

-- K15: a prescription with ATC ' c07ab03 ' (atenolol; lower case, blank) on
-- 2020-02-10: in N from 2020-02.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (15, '00000003015', 'Testpasient Koronar 15', '1945-07-25', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (15, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (1501, 15, NULL, '2018-03-01', 'ICPC-2', 'K74');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (1501, 15, NULL, 1, '2020-02-10', ' c07ab03 ', 100, 'C');

-- K16: a prescription without ATC, linked to a medication-list row with
-- metoprolol as a course: the prescription has no ATC of its own and the
-- row is not regular: in D, not N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (16, '00000003016', 'Testpasient Koronar 16', '1945-08-26', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (16, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (1601, 16, NULL, '2018-03-01', 'ICPC-2', 'K74');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1601, 16, 'C07AB02', 'Metoprolol', 'course', '2020-04-01', NULL);
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (1601, 16, 1601, 1, '2020-04-01', NULL, 100, 'C');
