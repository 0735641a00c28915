-- Deck risk_patients/high_risk_drugs: RISK_HIGH_RISK_DRUGS. D: listed patients
-- aged 65 or more in completed years at R (indicators.md, precise rule 7:
-- someone born on 29 February has a birthday on 1 March in common years).
-- N: of those, a regular drug of HIGH_RISK_ELDERLY in use at R
-- (medication-list rows only, use_type regular, start <= R < stop; precise
-- rule 14). HIGH_RISK_ELDERLY: N06AA*, N05A* except N05AN01, N05BA*, N05CD*,
-- N05CF*, N05BB*, R06AB*, R06AD*, M01A*, N02A*.
-- Every patient is listed from 2015-01-01 and drugs start on 2019-01-01 and
-- are open unless said. No contacts: RISK_LOST_TO_FOLLOWUP's D is empty.
-- Run: 2020-06 .. 2021-05. All names and national ids are fake.

INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (1, '0000001', 'Lege Fiktiv En', 'gp');

-- H1: born 1940, regular N05BA01 (diazepam): in D and N every month.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (1, '00000001001', 'Testpasient Risikolegemiddel 01', '1940-01-01', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (1, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (101, 1, 'N05BA01', 'Diazepam', 'regular', '2019-01-01', NULL);

-- H2: born 1940, regular N05AN01 (lithium, excluded from N05A*): in D, not N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (2, '00000001002', 'Testpasient Risikolegemiddel 02', '1940-02-02', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (2, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (201, 2, 'N05AN01', 'Litiumkarbonat', 'regular', '2019-01-01', NULL);

-- H3: born 1940, regular N05AH03 (olanzapine, N05A*): in D and N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (3, '00000001003', 'Testpasient Risikolegemiddel 03', '1940-03-03', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (3, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (301, 3, 'N05AH03', 'Olanzapin', 'regular', '2019-01-01', NULL);

-- H4: born 1940, N05BA04 (oxazepam) as needed and N02AA01 (morphine) as a
-- course: regular drugs only count: in D, not N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (4, '00000001004', 'Testpasient Risikolegemiddel 04', '1940-04-04', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (4, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (401, 4, 'N05BA04', 'Oksazepam', 'as_needed', '2019-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (402, 4, 'N02AA01', 'Morfin', 'course', '2020-05-01', NULL);

-- H5: born 1940, a prescription of N05CF01 (zopiclone) in every month but no
-- medication-list row: in D, not N (prescriptions do not count).
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (5, '00000001005', 'Testpasient Risikolegemiddel 05', '1940-05-05', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (5, 1, '2015-01-01', NULL);
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (501, 5, NULL, 1, '2020-06-15', 'N05CF01', 30, NULL);
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (502, 5, NULL, 1, '2020-12-15', 'N05CF01', 30, NULL);
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (503, 5, NULL, 1, '2021-04-15', 'N05CF01', 30, NULL);

-- H6: born 1940, regular M01AE01 (ibuprofen) started on 2020-09-30 = R of
-- September and stopped on 2021-01-31 = R of January (exclusive): in N
-- 2020-09 .. 2020-12.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (6, '00000001006', 'Testpasient Risikolegemiddel 06', '1940-06-06', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (6, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (601, 6, 'M01AE01', 'Ibuprofen', 'regular', '2020-09-30', '2021-01-31');

-- H7: born 1940, regular N06AB04 (citalopram) and R06AE07 (cetirizine), in
-- neither list: in D, not N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (7, '00000001007', 'Testpasient Risikolegemiddel 07', '1940-07-07', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (7, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (701, 7, 'N06AB04', 'Citalopram', 'regular', '2019-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (702, 7, 'R06AE07', 'Cetirizin', 'regular', '2019-01-01', NULL);

-- H8: born 1940, regular ' r06ad02 ' (promethazine; lower case, blanks): in D
-- and N after normalisation.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (8, '00000001008', 'Testpasient Risikolegemiddel 08', '1940-08-08', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (8, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (801, 8, ' r06ad02 ', 'Prometazin', 'regular', '2019-01-01', NULL);

-- H9: born 1955-11-15: 64 at R of October 2020, 65 on 2020-11-15. Regular
-- N02AX02 (tramadol): in D and N from 2020-11.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (9, '00000001009', 'Testpasient Risikolegemiddel 09', '1955-11-15', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (9, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (901, 9, 'N02AX02', 'Tramadol', 'regular', '2019-01-01', NULL);

-- H10: born 1955-12-31: 65 on 2020-12-31 = R of December: in D from 2020-12,
-- no drugs.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (10, '00000001010', 'Testpasient Risikolegemiddel 10', '1955-12-31', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (10, 1, '2015-01-01', NULL);

-- H11: born 1956-02-29: in 2021 (a common year) 65 on 2021-03-01, still 64
-- at R of February 2021-02-28. Regular N05CD02 (nitrazepam): in D and N from
-- 2021-03.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (11, '00000001011', 'Testpasient Risikolegemiddel 11', '1956-02-29', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (11, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1101, 11, 'N05CD02', 'Nitrazepam', 'regular', '2019-01-01', NULL);

-- H12: born 1930, regular N06AA09 (amitriptyline), died on 2021-01-15: in D
-- and N up to 2020-12.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (12, '00000001012', 'Testpasient Risikolegemiddel 12', '1930-12-12', 'M', '2021-01-15');
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (12, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1201, 12, 'N06AA09', 'Amitriptylin', 'regular', '2019-01-01', NULL);

-- H13: born 1930, a regular free-text drug without ATC: in D, not N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (13, '00000001013', 'Testpasient Risikolegemiddel 13', '1930-01-13', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (13, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1301, 13, NULL, 'Hydroksyzin magistrell', 'regular', '2019-01-01', NULL);

-- H14: born 1930, leaves the list with valid_to 2020-08-01 (listed at R of
-- July, not of August). Regular N05CF02 (zolpidem): in D and N 2020-06 ..
-- 2020-07.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (14, '00000001014', 'Testpasient Risikolegemiddel 14', '1930-01-14', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (14, 1, '2015-01-01', '2020-08-01');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1401, 14, 'N05CF02', 'Zolpidem', 'regular', '2019-01-01', NULL);

-- H15: born 1930, regular N05BA01 started on 2021-05-31 = R of May 2021 and
-- N05BB01 (hydroxyzine) stopped on 2019-12-31, before the run: in D every
-- month, in N in 2021-05 only.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (15, '00000001015', 'Testpasient Risikolegemiddel 15', '1930-01-15', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (15, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1501, 15, 'N05BA01', 'Diazepam', 'regular', '2021-05-31', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1502, 15, 'N05BB01', 'Hydroksyzin', 'regular', '2019-01-01', '2019-12-31');

-- H16: born 1990, regular N05BA01: too young, never in D.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (16, '00000001016', 'Testpasient Risikolegemiddel 16', '1990-01-16', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (16, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1601, 16, 'N05BA01', 'Diazepam', 'regular', '2019-01-01', NULL);
