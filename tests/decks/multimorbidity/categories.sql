-- Deck multimorbidity/categories: the 16 CHRONIC_* categories ("diagnosis
-- ever" = recorded_on <= R; a category counts once whatever its codes),
-- MM_COMORBIDITY (D: listed with >= 1 category, N: >= 2), MM_COMORBID_SEEN
-- (D: listed with >= 2, N: a face-to-face contact in W12) and MM_4PLUS
-- (D: listed, N: >= 4). ICD-10 entries are categories (prefixes), ICPC-2
-- codes match exactly.
-- Every patient is listed from 2015-01-01 and diagnoses are recorded on
-- 2018-03-01 unless said.
-- Run: 2020-01 .. 2020-12. All names and national ids are fake.

INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (1, '0000001', 'Lege Fiktiv En', 'gp');
INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (2, '0000002', 'Sykepleier Fiktiv', 'nurse');

-- M1: no diagnosis: in MM_4PLUS's D only.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (1, '00000004001', 'Testpasient Multimorbid 01', '1950-02-11', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (1, 1, '2015-01-01', NULL);

-- M2: diabetes twice (ICPC-2 T90 and ICD-10 'E11.9'): 1 category: in
-- MM_COMORBIDITY's D, not N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (2, '00000004002', 'Testpasient Multimorbid 02', '1950-03-12', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (2, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (201, 2, NULL, '2018-03-01', 'ICPC-2', 'T90');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (202, 2, NULL, '2019-01-01', 'ICD-10', 'E11.9');

-- M3: hypertension (ICPC-2 K86) and diabetes (ICD-10 E11) recorded on
-- 2020-04-30 = R of April: 2 categories from 2020-04. A consultation on
-- 2019-05-01, the first day of W12 of 2020-04: in MM_COMORBID_SEEN's N in
-- 2020-04 only.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (3, '00000004003', 'Testpasient Multimorbid 03', '1950-04-13', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (3, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (301, 3, 1, '2019-05-01 09:00:00', 'consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (301, 3, NULL, '2018-03-01', 'ICPC-2', 'K86');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (302, 3, NULL, '2020-04-30', 'ICD-10', 'E11');

-- M4: 4 categories: IHD (K74), heart failure (K77), atrial fibrillation
-- (K78), hypertension (ICD-10 I10). Only phone and e-consultations in the run
-- (not face-to-face): in MM_4PLUS's N, never in MM_COMORBID_SEEN's N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (4, '00000004004', 'Testpasient Multimorbid 04', '1950-05-14', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (4, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (401, 4, 1, '2020-02-02 09:00:00', 'phone');
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (402, 4, 1, '2020-09-09 09:00:00', 'e_consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (401, 4, NULL, '2018-03-01', 'ICPC-2', 'K74');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (402, 4, NULL, '2018-03-01', 'ICPC-2', 'K77');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (403, 4, NULL, '2018-03-01', 'ICPC-2', 'K78');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (404, 4, NULL, '2018-03-01', 'ICD-10', 'I10');

-- M5: asthma (ICD-10 'J45.9', COPD/asthma), CKD ('N18.3'), dementia ('F03'),
-- and osteoarthritis (ICPC-2 L90) recorded on 2020-07-01, the day after R of
-- June: 3 categories, 4 from 2020-07. A home visit on 2020-03-03: in
-- MM_COMORBID_SEEN's N from 2020-03.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (5, '00000004005', 'Testpasient Multimorbid 05', '1950-06-15', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (5, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (501, 5, 1, '2020-03-03 13:00:00', 'home_visit');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (501, 5, NULL, '2018-03-01', 'ICD-10', 'J45.9');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (502, 5, NULL, '2018-03-01', 'ICD-10', 'N18.3');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (503, 5, NULL, '2018-03-01', 'ICD-10', 'F03');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (504, 5, NULL, '2020-07-01', 'ICPC-2', 'L90');

-- M6: IHD three times (ICPC-2 K74, K75 and ICD-10 'I25.1'): 1 category.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (6, '00000004006', 'Testpasient Multimorbid 06', '1950-07-16', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (6, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (601, 6, NULL, '2018-03-01', 'ICPC-2', 'K74');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (602, 6, NULL, '2018-06-01', 'ICPC-2', 'K75');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (603, 6, NULL, '2019-01-01', 'ICD-10', 'I25.1');

-- M7: codes of no category: ICD-10 'D05.1' (in situ, outside C00..C97),
-- 'I26.9' (outside I20..I25), 'N19' (not N18), 'G41' (not G40), ICPC-2 K79
-- and 'K86.1' (ICPC-2 codes match exactly): 0 categories.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (7, '00000004007', 'Testpasient Multimorbid 07', '1950-08-17', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (7, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (701, 7, NULL, '2018-03-01', 'ICD-10', 'D05.1');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (702, 7, NULL, '2018-03-01', 'ICD-10', 'I26.9');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (703, 7, NULL, '2018-03-01', 'ICD-10', 'N19');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (704, 7, NULL, '2018-03-01', 'ICD-10', 'G41');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (705, 7, NULL, '2018-03-01', 'ICPC-2', 'K79');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (706, 7, NULL, '2018-03-01', 'ICPC-2', 'K86.1');

-- M8: cancer (ICD-10 'C97' and ICPC-2 T71: one category), anxiety (P74 and
-- 'F41.1': one category) and depression (ICPC-2 P76): 3 categories. A video
-- consultation on 2020-08-08: in MM_COMORBID_SEEN's N from 2020-08.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (8, '00000004008', 'Testpasient Multimorbid 08', '1950-09-18', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (8, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (801, 8, 1, '2020-08-08 09:00:00', 'video');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (801, 8, NULL, '2018-03-01', 'ICD-10', 'C97');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (802, 8, NULL, '2018-03-01', 'ICPC-2', 'T71');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (803, 8, NULL, '2018-03-01', 'ICPC-2', 'P74');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (804, 8, NULL, '2018-03-01', 'ICD-10', 'F41.1');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (805, 8, NULL, '2018-03-01', 'ICPC-2', 'P76');

-- M9: Parkinson's (ICD-10 G20), epilepsy (ICPC-2 N88), osteoporosis
-- ('M81.0') and TIA ('G45.9'): 4 categories. A consultation on 2019-12-20.
-- Died on 2020-06-30 = R of June: in every D up to 2020-05, seen.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (9, '00000004009', 'Testpasient Multimorbid 09', '1950-01-19', 'F', '2020-06-30');
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (9, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (901, 9, 1, '2019-12-20 09:00:00', 'consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (901, 9, NULL, '2018-03-01', 'ICD-10', 'G20');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (902, 9, NULL, '2018-03-01', 'ICPC-2', 'N88');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (903, 9, NULL, '2018-03-01', 'ICD-10', 'M81.0');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (904, 9, NULL, '2018-03-01', 'ICD-10', 'G45.9');

-- M10: dementia ('G30.1') and stroke ('I63.9'), but left the list on
-- 2019-12-31: in no population.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (10, '00000004010', 'Testpasient Multimorbid 10', '1950-02-20', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (10, 1, '2015-01-01', '2019-12-31');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (1001, 10, NULL, '2018-03-01', 'ICD-10', 'G30.1');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (1002, 10, NULL, '2018-03-01', 'ICD-10', 'I63.9');

-- M11: joined the list on 2020-10-15; diabetes ('E10'), COPD ('J44.1'),
-- atrial fibrillation ('I48.0'), osteoarthritis ('M17.1'), osteoporosis
-- (ICPC-2 L95): 5 categories. A consultation with the nurse on 2020-10-20:
-- in every D and N from 2020-10.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (11, '00000004011', 'Testpasient Multimorbid 11', '1950-03-21', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (11, 1, '2020-10-15', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1101, 11, 2, '2020-10-20 09:00:00', 'consultation');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (1101, 11, NULL, '2018-03-01', 'ICD-10', 'E10');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (1102, 11, NULL, '2018-03-01', 'ICD-10', 'J44.1');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (1103, 11, NULL, '2018-03-01', 'ICD-10', 'I48.0');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (1104, 11, NULL, '2018-03-01', 'ICD-10', 'M17.1');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (1105, 11, NULL, '2018-03-01', 'ICPC-2', 'L95');

-- M12: hypertension twice (ICPC-2 K86 and K87): 1 category.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (12, '00000004012', 'Testpasient Multimorbid 12', '1950-04-22', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (12, 1, '2015-01-01', NULL);
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (1201, 12, NULL, '2018-03-01', 'ICPC-2', 'K86');
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES (1202, 12, NULL, '2018-03-01', 'ICPC-2', 'K87');
