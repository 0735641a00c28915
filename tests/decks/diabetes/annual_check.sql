-- Deck diabetes/annual_check: DM_ANNUAL_CHECK, a Noklus form (NOKLUS_FORM)
-- completed in W12 or a NOKLUS_FORM_FEE fee billed in W12 and valid on its
-- date. Tests the first and last day of W12, the leap day, the validity
-- boundary of fee 109 (until 2022-06-30 inclusive), fee spellings, contact
-- kinds, the time of day of a contact, form types compared exactly, and a
-- numerator event outside the denominator.
-- Every patient is listed from 2015 with ICPC-2 T90 since 2015 unless said.
-- Run: 2021-01 .. 2023-12. All names and national ids are fake.

INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (1, '0000001', 'Lege Fiktiv En', 'gp');
INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (2, '0000002', 'Sykepleier Fiktiv', 'nurse');

-- A1: Noklus form on 2021-03-01, the first day of W12 of 2022-02: counts in
-- 2021-03 .. 2022-02, not in 2022-03.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (1, '00000000101', 'Testpasient Arskontroll 01', '1950-01-01', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (1, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (1, 1, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO form (form_id, patient_id, completed_on, form_type) VALUES (1, 1, '2021-03-01', 'noklus_diabetes');

-- A2: fee 105 on a consultation at 23:59:59 on 2021-05-31 (R of May): the
-- fee's date is the contact's date, so it counts in 2021-05 .. 2022-04.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (2, '00000000102', 'Testpasient Arskontroll 02', '1951-02-02', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (2, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (2, 2, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (201, 2, 1, '2021-05-31 23:59:59', 'consultation');
INSERT INTO fee (contact_id, code) VALUES (201, '105');

-- A3: fee 109 on 2022-06-30, its last valid day: counts in 2022-06 .. 2023-05.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (3, '00000000103', 'Testpasient Arskontroll 03', '1952-03-03', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (3, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (3, 3, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (301, 3, 1, '2022-06-30 10:00:00', 'consultation');
INSERT INTO fee (contact_id, code) VALUES (301, '109');

-- A4: fee 109 on 2022-07-01, the day after its validity: never counts.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (4, '00000000104', 'Testpasient Arskontroll 04', '1953-04-04', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (4, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (4, 4, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (401, 4, 1, '2022-07-01 10:00:00', 'consultation');
INSERT INTO fee (contact_id, code) VALUES (401, '109');

-- A5: fee ' 109b ' (lower case, blanks) on a phone contact by the nurse on
-- 2022-01-15: any contact kind counts, 109B is valid then: 2022-01 .. 2022-12.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (5, '00000000105', 'Testpasient Arskontroll 05', '1954-05-05', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (5, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (5, 5, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (501, 5, 2, '2022-01-15 13:30:00', 'phone');
INSERT INTO fee (contact_id, code) VALUES (501, ' 109b ');

-- A6: fee 100 on an admin contact on the leap day 2020-02-29: counts in
-- 2020-02 .. 2021-01, so in the run's first month only.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (6, '00000000106', 'Testpasient Arskontroll 06', '1955-06-06', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (6, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (6, 6, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (601, 6, 1, '2020-02-29 09:00:00', 'admin');
INSERT INTO fee (contact_id, code) VALUES (601, '100');

-- A7: another form type and an ordinary consultation fee (2ad): never counts.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (7, '00000000107', 'Testpasient Arskontroll 07', '1956-07-07', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (7, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (7, 7, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (701, 7, 1, '2021-06-01 10:00:00', 'consultation');
INSERT INTO fee (contact_id, code) VALUES (701, '2ad');
INSERT INTO form (form_id, patient_id, completed_on, form_type) VALUES (7, 7, '2021-06-01', 'noklus_graviditet');

-- A8: Noklus form on 2022-07-01 (forms have no validity period) and fee
-- 109B the same day (no longer valid): counts in 2022-07 .. 2023-06.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (8, '00000000108', 'Testpasient Arskontroll 08', '1957-08-08', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (8, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (8, 8, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO form (form_id, patient_id, completed_on, form_type) VALUES (8, 8, '2022-07-01', 'noklus_diabetes');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (801, 8, 1, '2022-07-01 11:00:00', 'consultation');
INSERT INTO fee (contact_id, code) VALUES (801, '109B');

-- A9: form_type 'NOKLUS_DIABETES' in upper case: enum columns are compared
-- exactly (precise rule 2), so it is not a Noklus form: never counts.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (9, '00000000109', 'Testpasient Arskontroll 09', '1958-09-09', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (9, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (9, 9, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO form (form_id, patient_id, completed_on, form_type) VALUES (9, 9, '2021-09-09', 'NOKLUS_DIABETES');

-- A10: Noklus form on 2021-02-10, list period ends 2021-06-01: in D and N
-- in 2021-02 .. 2021-05; from 2021-06 in no population.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (10, '00000000110', 'Testpasient Arskontroll 10', '1959-10-10', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (10, 1, '2015-01-01', '2021-06-01');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (10, 10, NULL, '2015-01-01', 'ICPC-2', 'T90');
INSERT INTO form (form_id, patient_id, completed_on, form_type) VALUES (10, 10, '2021-02-10', 'noklus_diabetes');

-- A11: Noklus form on 2021-04-05 but DIABETES first recorded on 2021-08-01:
-- in D from 2021-08; N in 2021-08 .. 2022-03 (the form is still in W12).
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (11, '00000000111', 'Testpasient Arskontroll 11', '1960-11-11', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (11, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (11, 11, NULL, '2021-08-01', 'ICD-10', 'E11.65');
INSERT INTO form (form_id, patient_id, completed_on, form_type) VALUES (11, 11, '2021-04-05', 'noklus_diabetes');
