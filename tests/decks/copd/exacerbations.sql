-- Deck copd/exacerbations: what is an exacerbation (indicators.md, COPD):
-- on day e, a COPD_EXACERBATION_DX diagnosis (ICD-10 J44.0, J44.1 as
-- categories) recorded on e; an ORAL_STEROID (H02AB06, H02AB07)
-- prescription issued on e unless a regular ORAL_STEROID row is in use on
-- e (start <= e < stop); or an ORAL_STEROID row with use_type course
-- starting on e; for a patient with COPD ever at R.
-- Every candidate event is on 2019-05-10 (e + 42 = 2019-06-21; W12 holds it
-- in months 2019-05 .. 2020-04): a patient with that exacerbation is in D
-- of both control indicators in 2019-06 .. 2020-04 (e <= R - 42 from June)
-- and in no other month; one without is never in D.
-- Every patient is listed from 2015 and, unless said otherwise, has an
-- unlinked ICPC-2 R95 recorded on 2015-01-01.
-- Run: 2019-01 .. 2020-12. All names and national ids are fake.

INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (1, '0000001', 'Lege Fiktiv En', 'gp');

-- X1: ICD-10 'J44.1' on 2019-05-10 (unlinked): an exacerbation. A consultation
-- on 2019-06-01 with R95 linked is a control within (e, e + 42]: N of both.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (1, '00000001001', 'Testpasient Forverring 01', '1951-02-11', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (1, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (1, 1, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (101, 1, 1, '2019-06-01 09:00:00', 'consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (2, 1, NULL, '2019-05-10', 'ICD-10', 'J44.1');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (3, 1, 101, '2019-06-01', 'ICPC-2', 'R95');

-- X2: ICD-10 'J44.10' (a subcode of the J44.1 category): an exacerbation.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (2, '00000001002', 'Testpasient Forverring 02', '1952-03-12', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (2, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (4, 2, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (5, 2, NULL, '2019-05-10', 'ICD-10', 'J44.10');

-- X3: ICD-10 'j44.0' (lower case): an exacerbation.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (3, '00000001003', 'Testpasient Forverring 03', '1953-04-13', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (3, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (6, 3, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (7, 3, NULL, '2019-05-10', 'ICD-10', 'j44.0');

-- X4: ICD-10 ' J441 ' (no dot, blanks): an exacerbation.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (4, '00000001004', 'Testpasient Forverring 04', '1954-05-14', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (4, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (8, 4, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (9, 4, NULL, '2019-05-10', 'ICD-10', ' J441 ');

-- X5: ICD-10 'J44.9': COPD, but not in COPD_EXACERBATION_DX: no exacerbation.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (5, '00000001005', 'Testpasient Forverring 05', '1955-06-15', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (5, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (10, 5, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (11, 5, NULL, '2019-05-10', 'ICD-10', 'J44.9');

-- X6: ICD-10 'J44' (the bare category): not J44.0/J44.1: no exacerbation.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (6, '00000001006', 'Testpasient Forverring 06', '1956-07-16', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (6, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (12, 6, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (13, 6, NULL, '2019-05-10', 'ICD-10', 'J44');

-- X7: 'J44.1' recorded as ICPC-2: the set is ICD-10 only: no exacerbation.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (7, '00000001007', 'Testpasient Forverring 07', '1957-08-17', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (7, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (14, 7, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (15, 7, NULL, '2019-05-10', 'ICPC-2', 'J44.1');

-- X8: H02AB06 (prednisolone) prescription on 2019-05-10, nothing on the
-- medication list: an exacerbation. A consultation with R95 linked on
-- 2019-07-01 = e + 52 days: after e (N of AFTER_EXAC from 2019-07, when it
-- is within R), not within 42 days (never N of 6W).
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (8, '00000001008', 'Testpasient Forverring 08', '1958-09-18', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (8, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (16, 8, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (801, 8, 1, '2019-07-01 13:00:00', 'consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (17, 8, 801, '2019-07-01', 'ICPC-2', 'R95');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (1, 8, NULL, 1, '2019-05-10', 'H02AB06', 10, 'C');

-- X9: 'h02ab07' (prednisone, lower case) prescription: an exacerbation.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (9, '00000001009', 'Testpasient Forverring 09', '1959-01-19', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (9, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (18, 9, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (2, 9, NULL, 1, '2019-05-10', 'h02ab07', 10, 'C');

-- X10: H02AB04 (methylprednisolone, not in ORAL_STEROID) prescription: none.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (10, '00000001010', 'Testpasient Forverring 10', '1950-02-10', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (10, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (19, 10, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (3, 10, NULL, 1, '2019-05-10', 'H02AB04', 10, 'C');

-- X11: a prescription without ATC code: none.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (11, '00000001011', 'Testpasient Forverring 11', '1951-03-11', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (11, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (20, 11, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (4, 11, NULL, 1, '2019-05-10', NULL, 10, 'C');

-- X12: regular H02AB06 in use since 2018 (open) and an H02AB06 prescription on
-- 2019-05-10: a maintenance renewal, no exacerbation.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (12, '00000001012', 'Testpasient Forverring 12', '1952-04-12', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (12, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (21, 12, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1, 12, 'H02AB06', 'Legemiddel', 'regular', '2018-01-01', NULL);
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (5, 12, NULL, 1, '2019-05-10', 'H02AB06', 10, 'C');

-- X13: regular H02AB06 stopped on 2019-05-10 (stop_date exclusive: not in use
-- that day) and a prescription on 2019-05-10: an exacerbation.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (13, '00000001013', 'Testpasient Forverring 13', '1953-05-13', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (13, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (22, 13, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (2, 13, 'H02AB06', 'Legemiddel', 'regular', '2018-01-01', '2019-05-10');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (6, 13, NULL, 1, '2019-05-10', 'H02AB06', 10, 'C');

-- X14: regular H02AB06 stopped on 2019-05-11 (in use on 05-10) and a
-- prescription on 2019-05-10: no exacerbation.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (14, '00000001014', 'Testpasient Forverring 14', '1954-06-14', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (14, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (23, 14, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (3, 14, 'H02AB06', 'Legemiddel', 'regular', '2018-01-01', '2019-05-11');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (7, 14, NULL, 1, '2019-05-10', 'H02AB06', 10, 'C');

-- X15: regular H02AB06 starting on 2019-05-10 (in use from its start) and a
-- prescription that day: no exacerbation; the start of a regular row is
-- none either.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (15, '00000001015', 'Testpasient Forverring 15', '1955-07-15', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (15, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (24, 15, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (4, 15, 'H02AB06', 'Legemiddel', 'regular', '2019-05-10', NULL);
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (8, 15, NULL, 1, '2019-05-10', 'H02AB06', 10, 'C');

-- X16: regular H02AB07 in use and an H02AB06 prescription: a regular drug of
-- ORAL_STEROID is in use, whichever: no exacerbation.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (16, '00000001016', 'Testpasient Forverring 16', '1956-08-16', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (16, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (25, 16, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (5, 16, 'H02AB07', 'Legemiddel', 'regular', '2018-01-01', NULL);
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (9, 16, NULL, 1, '2019-05-10', 'H02AB06', 10, 'C');

-- X17: as_needed H02AB06 in use since 2018 and a prescription on 2019-05-10:
-- only a regular row makes it a renewal: an exacerbation.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (17, '00000001017', 'Testpasient Forverring 17', '1957-09-17', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (17, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (26, 17, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (6, 17, 'H02AB06', 'Legemiddel', 'as_needed', '2018-01-01', NULL);
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (10, 17, NULL, 1, '2019-05-10', 'H02AB06', 10, 'C');

-- X18: as_needed H02AB06 row starting on 2019-05-10: only course rows count:
-- no exacerbation.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (18, '00000001018', 'Testpasient Forverring 18', '1958-01-18', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (18, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (27, 18, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (7, 18, 'H02AB06', 'Legemiddel', 'as_needed', '2019-05-10', NULL);

-- X19: course H02AB06 from 2019-05-10 to 2019-05-15: an exacerbation on its start.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (19, '00000001019', 'Testpasient Forverring 19', '1959-02-19', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (19, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (28, 19, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (8, 19, 'H02AB06', 'Legemiddel', 'course', '2019-05-10', '2019-05-15');

-- X20: course H02AB04 (not in ORAL_STEROID) from 2019-05-10: none.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (20, '00000001020', 'Testpasient Forverring 20', '1950-03-10', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (20, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (29, 20, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (9, 20, 'H02AB04', 'Legemiddel', 'course', '2019-05-10', '2019-05-15');

-- X21: course 'h02ab07' starting 2019-05-10 while a regular H02AB06 is in use:
-- the maintenance exception is for prescriptions only: an exacerbation.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (21, '00000001021', 'Testpasient Forverring 21', '1951-04-11', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (21, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (30, 21, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (10, 21, 'H02AB06', 'Legemiddel', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (11, 21, 'h02ab07', 'Legemiddel', 'course', '2019-05-10', NULL);

-- X22: no COPD until R95 recorded on 2019-08-15; an H02AB06 prescription on
-- 2019-05-10. "COPD ever at R": the prescription is an exacerbation in
-- the months whose R is on or after 2019-08-15: in D 2019-08 .. 2020-04
-- (COPD_PREVALENCE N from 2019-08).
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (22, '00000001022', 'Testpasient Forverring 22', '1952-05-12', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (22, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (31, 22, NULL, '2019-08-15', 'ICPC-2', 'R95');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (11, 22, NULL, 1, '2019-05-10', 'H02AB06', 10, 'C');

-- X23: as X22, but R95 recorded on 2020-06-01, after 2020-04 (the last month
-- whose W12 holds 2019-05-10): never in D (COPD_PREVALENCE N from 2020-06).
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (23, '00000001023', 'Testpasient Forverring 23', '1953-06-13', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (23, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (32, 23, NULL, '2020-06-01', 'ICPC-2', 'R95');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (12, 23, NULL, 1, '2019-05-10', 'H02AB06', 10, 'C');

-- X24: a regular drug outside ORAL_STEROID (R03AK06, an inhaler) in use and an
-- H02AB06 prescription on 2019-05-10: an exacerbation.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (24, '00000001024', 'Testpasient Forverring 24', '1954-07-14', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (24, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (33, 24, NULL, '2015-01-01', 'ICPC-2', 'R95');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (12, 24, 'R03AK06', 'Legemiddel', 'regular', '2018-01-01', NULL);
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (13, 24, NULL, 1, '2019-05-10', 'H02AB06', 10, 'C');
