-- Deck anxiety/ad_start: ANX_CONTROL_AD_START. D: L(R) with ANXIETY in W24
-- (first day of month m-23 .. R) who started ANTIDEPRESSANT at s (an N06A*
-- prescription with none in [s - 12 months, s); prescriptions only, never
-- the medication list) with s in months m-23 .. m-12. N: a face-to-face
-- contact (consultation, home visit, video) in [s + 6 months, s + 12 months],
-- month arithmetic clamped to the month's end.
-- A start in month M is in D in months M+12 .. M+23 (if anxious and listed).
-- Tests s = 2019-08-31 (+ 6 months = 2020-02-29, + 12 months = 2020-08-31),
-- contacts on s + 6 months, s + 12 months and the days outside, phone and
-- admin contacts, a previous prescription exactly 12 months before (no
-- start) and a day more (a start), repeat prescriptions of other N06A codes,
-- the first and last start month (m-12, m-23), W24 edges, an antidepressant
-- on the medication list only, no anxiety, death, and an empty denominator.
-- "Anxious" below: ICPC-2 P74 on 2018-01-10 and on 2019-10-01, so ANXIETY
-- is in W24 of every month of the run. Every patient is listed from
-- 2010-01-01 onward unless said.
-- Run: 2019-08 .. 2021-09. All names and national ids are fake.

INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (1, '0000001', 'Lege Fiktiv En', 'gp');

-- AS1: anxious; first escitalopram prescription on 2019-08-31: a start in
-- 2019-08, in D 2020-08 .. 2021-07. A video contact on 2020-02-29 =
-- s + 6 months (clamped): N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (501, '00000050101', 'Testpasient Oppstart 01', '1980-01-01', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (501, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (50101, 501, NULL, '2018-01-10', 'ICPC-2', 'P74');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (50102, 501, NULL, '2019-10-01', 'ICPC-2', 'P74');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (50101, 501, NULL, 1, '2019-08-31', 'N06AB10', 98, 'C');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (50101, 501, 1, '2020-02-29 10:00:00', 'video');

-- AS2: as AS1, with a home visit on 2020-08-31 = s + 12 months: N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (502, '00000050102', 'Testpasient Oppstart 02', '1981-02-02', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (502, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (50201, 502, NULL, '2018-01-10', 'ICPC-2', 'P74');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (50202, 502, NULL, '2019-10-01', 'ICPC-2', 'P74');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (50201, 502, NULL, 1, '2019-08-31', 'N06AB10', 98, 'C');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (50201, 502, 1, '2020-08-31 10:00:00', 'home_visit');

-- AS3: as AS1, with consultations on 2020-02-28 (a day before s + 6 months)
-- and 2020-09-01 (a day after s + 12 months), a phone call on 2020-05-15
-- and an admin contact on 2020-05-16 (not face-to-face): never N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (503, '00000050103', 'Testpasient Oppstart 03', '1982-03-03', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (503, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (50301, 503, NULL, '2018-01-10', 'ICPC-2', 'P74');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (50302, 503, NULL, '2019-10-01', 'ICPC-2', 'P74');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (50301, 503, NULL, 1, '2019-08-31', 'N06AB10', 98, 'C');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (50301, 503, 1, '2020-02-28 10:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (50302, 503, 1, '2020-09-01 10:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (50303, 503, 1, '2020-05-15 10:00:00', 'phone');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (50304, 503, 1, '2020-05-16 10:00:00', 'admin');

-- AS4: anxious; prescriptions on 2018-09-15 (a start: the first) and on
-- 2019-09-15, exactly 12 months later (not a start). The 2018 start is in
-- D 2019-09 .. 2020-08; a consultation on 2019-09-15 = s + 12 months: N.
-- A consultation on 2020-03-15 would be N for a (wrong) 2019-09-15 start.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (504, '00000050104', 'Testpasient Oppstart 04', '1983-04-04', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (504, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (50401, 504, NULL, '2018-01-10', 'ICPC-2', 'P74');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (50402, 504, NULL, '2019-10-01', 'ICPC-2', 'P74');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (50401, 504, NULL, 1, '2018-09-15', 'N06AB06', 98, 'C');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (50402, 504, NULL, 1, '2019-09-15', 'N06AB06', 98, 'C');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (50401, 504, 1, '2019-09-15 10:00:00', 'consultation');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (50402, 504, 1, '2020-03-15 10:00:00', 'consultation');

-- AS5: anxious; prescriptions on 2018-09-14 and 2019-09-15 (a day more than
-- 12 months later): both are starts. The 2018 start: D 2019-09 .. 2020-08,
-- window [2019-03-14, 2019-09-14] without contact: not N. The 2019 start:
-- D 2020-09 .. 2021-08; a consultation on 2020-03-15 = s + 6 months: N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (505, '00000050105', 'Testpasient Oppstart 05', '1984-05-05', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (505, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (50501, 505, NULL, '2018-01-10', 'ICPC-2', 'P74');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (50502, 505, NULL, '2019-10-01', 'ICPC-2', 'P74');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (50501, 505, NULL, 1, '2018-09-14', 'N06AB06', 98, 'C');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (50502, 505, NULL, 1, '2019-09-15', 'N06AB06', 98, 'C');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (50501, 505, 1, '2020-03-15 10:00:00', 'consultation');

-- AS6: ANXIETY only as ICD-10 'F41.1' on 2019-01-01: in W24 of 2019-01 ..
-- 2020-12 (the first day of W24 of 2020-12). Start on 2019-11-10: D months
-- 2020-11 .. 2021-10, anxious in 2020-11 .. 2020-12 only. A consultation on
-- 2020-06-10 (s + 7 months): N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (506, '00000050106', 'Testpasient Oppstart 06', '1985-06-06', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (506, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (50601, 506, NULL, '2019-01-01', 'ICD-10', 'F41.1');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (50601, 506, NULL, 1, '2019-11-10', 'N06AX16', 98, 'C');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (50601, 506, 1, '2020-06-10 10:00:00', 'consultation');

-- AS7: ANXIETY only as 'p74' on 2021-03-31 (R of March 2021). Start on
-- 2019-11-10: D months 2020-11 .. 2021-10, anxious from 2021-03 (a diagnosis
-- after R does not count). Only a phone call on 2020-06-10: not N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (507, '00000050107', 'Testpasient Oppstart 07', '1986-07-07', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (507, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (50701, 507, NULL, '2021-03-31', 'ICPC-2', 'p74');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (50701, 507, NULL, 1, '2019-11-10', 'N06AX16', 98, 'C');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (50701, 507, 1, '2020-06-10 10:00:00', 'phone');

-- AS8: anxious; a regular escitalopram on the medication list from
-- 2019-09-01, never prescribed: no start (starts are prescriptions only).
-- A consultation on 2020-04-01. Never in D.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (508, '00000050108', 'Testpasient Oppstart 08', '1987-08-08', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (508, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (50801, 508, NULL, '2018-01-10', 'ICPC-2', 'P74');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (50802, 508, NULL, '2019-10-01', 'ICPC-2', 'P74');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (50801, 508, 'N06AB10', 'Escitalopram', 'regular', '2019-09-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (50801, 508, 1, '2020-04-01 10:00:00', 'consultation');

-- AS9: depression (P76), no anxiety; a start on 2019-09-20 and a
-- consultation on 2020-03-20. Never in D.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (509, '00000050109', 'Testpasient Oppstart 09', '1988-09-09', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (509, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (50901, 509, NULL, '2019-09-20', 'ICPC-2', 'P76');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (50901, 509, NULL, 1, '2019-09-20', 'N06AB10', 98, 'C');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (50901, 509, 1, '2020-03-20 10:00:00', 'consultation');

-- AS11: anxious; prescriptions on 2019-01-10 (N06AB10, a start),
-- 2019-06-10 (N06AX11) and 2019-12-10 (N06AB10), each within 12 months of
-- the previous one (no starts), and 2021-01-05 (a start, D from 2022-01).
-- The 2019-01-10 start: D 2020-01 .. 2020-12; a consultation on
-- 2019-07-10 = s + 6 months: N. Never in D in 2021.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (511, '00000051101', 'Testpasient Oppstart 11', '1990-11-11', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (511, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (51101, 511, NULL, '2018-01-10', 'ICPC-2', 'P74');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (51102, 511, NULL, '2019-10-01', 'ICPC-2', 'P74');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (51101, 511, NULL, 1, '2019-01-10', 'N06AB10', 98, 'C');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (51102, 511, NULL, 1, '2019-06-10', 'N06AX11', 100, 'C');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (51103, 511, NULL, 1, '2019-12-10', 'N06AB10', 98, 'C');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (51104, 511, NULL, 1, '2021-01-05', 'N06AB10', 98, 'C');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (51101, 511, 1, '2019-07-10 10:00:00', 'consultation');

-- AS12: anxious; a start with ATC ' n06ab04 ' on 2019-09-05: D 2020-09 ..
-- 2021-08; a consultation on 2020-03-05 = s + 6 months: N. Dies on
-- 2021-02-14: in D up to 2021-01.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (512, '00000051201', 'Testpasient Oppstart 12', '1945-12-12', 'F', '2021-02-14');
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (512, 1, '2010-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (51201, 512, NULL, '2018-01-10', 'ICPC-2', 'P74');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (51202, 512, NULL, '2019-10-01', 'ICPC-2', 'P74');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (51201, 512, NULL, 1, '2019-09-05', ' n06ab04 ', 100, 'C');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (51201, 512, 1, '2020-03-05 10:00:00', 'consultation');
