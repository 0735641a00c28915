-- Deck addictive_drugs/classification: which prescriptions are ADDICTIVE
-- (indicators.md, precise rule 11): prescription group A or B makes a
-- prescription addictive whatever its ATC code; the ATC list applies only
-- where the group is NULL; group C or F is never addictive. Codes are
-- normalised (trimmed, upper case); an unknown group spelling and a negative
-- DDD count are bad rows. The prescription's own ATC code counts, never that
-- of the linked medication-list row.
-- Every patient is listed from 2015-01-01, has a consultation on 2020-01-15
-- (so is in ADD_PRESCRIBED's D in every month of the run) and the
-- prescriptions said, all issued on 2020-02-10 (so they count from 2020-02).
-- Run: 2020-01 .. 2020-12. All names and national ids are fake.

INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (1, '0000001', 'Lege Fiktiv En', 'gp');

-- C1: group A, ATC N02AA01 (morphine), 10 DDD: addictive.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (1, '00000000701', 'Testpasient Vanedannende 01', '1941-02-11', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (1, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (101, 1, 1, '2020-01-15 09:00:00', 'consultation');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (101, 1, NULL, 1, '2020-02-10', 'N02AA01', 10, 'A');

-- C2: group B, ATC N02AJ06 (codeine + paracetamol, not in the ATC list), 20 DDD:
-- addictive by its group whatever its ATC.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (2, '00000000702', 'Testpasient Vanedannende 02', '1942-03-12', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (2, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (201, 2, 1, '2020-01-15 09:00:00', 'consultation');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (201, 2, NULL, 1, '2020-02-10', 'N02AJ06', 20, 'B');

-- C3: group B, no ATC (NULL), 5 DDD: addictive by its group.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (3, '00000000703', 'Testpasient Vanedannende 03', '1943-04-13', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (3, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (301, 3, 1, '2020-01-15 09:00:00', 'consultation');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (301, 3, NULL, 1, '2020-02-10', NULL, 5, 'B');

-- C4: group C, ATC N05BA01 (diazepam, in the ATC list), 100 DDD: not addictive
-- (the group is known, so the ATC list does not apply).
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (4, '00000000704', 'Testpasient Vanedannende 04', '1944-05-14', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (4, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (401, 4, 1, '2020-01-15 09:00:00', 'consultation');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (401, 4, NULL, 1, '2020-02-10', 'N05BA01', 100, 'C');

-- C5: group F, ATC N05CF01 (zopiclone, in the ATC list): not addictive.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (5, '00000000705', 'Testpasient Vanedannende 05', '1945-06-15', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (5, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (501, 5, 1, '2020-01-15 09:00:00', 'consultation');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (501, 5, NULL, 1, '2020-02-10', 'N05CF01', 100, 'F');

-- C6: group NULL, ATC N05CF01 (zopiclone), 30 DDD: addictive by ATC.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (6, '00000000706', 'Testpasient Vanedannende 06', '1946-07-16', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (6, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (601, 6, 1, '2020-01-15 09:00:00', 'consultation');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (601, 6, NULL, 1, '2020-02-10', 'N05CF01', 30, NULL);

-- C7: group NULL, ATC ' n03ax16 ' (old pregabalin code, lower case, blanks),
-- 2.5 DDD: addictive after normalisation.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (7, '00000000707', 'Testpasient Vanedannende 07', '1947-08-17', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (7, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (701, 7, 1, '2020-01-15 09:00:00', 'consultation');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (701, 7, NULL, 1, '2020-02-10', ' n03ax16 ', 2.5, NULL);

-- C8: group NULL, ATC N02BF02 (pregabalin), ddd_count NULL: addictive, counts
-- as 0 DDD (one NULL-DDD prescription for the data-quality count).
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (8, '00000000708', 'Testpasient Vanedannende 08', '1948-09-18', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (8, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (801, 8, 1, '2020-01-15 09:00:00', 'consultation');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (801, 8, NULL, 1, '2020-02-10', 'N02BF02', NULL, NULL);

-- C9: group NULL, ATC N02BF01 (gabapentin, not in the list): not addictive.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (9, '00000000709', 'Testpasient Vanedannende 09', '1949-01-19', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (9, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (901, 9, 1, '2020-01-15 09:00:00', 'consultation');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (901, 9, NULL, 1, '2020-02-10', 'N02BF01', 100, NULL);

-- C10: group NULL and ATC NULL: not addictive (nothing to match).
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (10, '00000000710', 'Testpasient Vanedannende 10', '1950-02-10', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (10, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1001, 10, 1, '2020-01-15 09:00:00', 'consultation');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (1001, 10, NULL, 1, '2020-02-10', NULL, 100, NULL);

-- C11: group NULL, ATC N05AH03 (olanzapine): not addictive.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (11, '00000000711', 'Testpasient Vanedannende 11', '1951-03-11', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (11, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1101, 11, 1, '2020-01-15 09:00:00', 'consultation');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (1101, 11, NULL, 1, '2020-02-10', 'N05AH03', 100, NULL);

-- C12: two prescriptions on the same day: group A, ATC N02AA01 with
-- ddd_count NULL (counts as 0; one for the data-quality count) and group
-- NULL, ATC N06BA04 (methylphenidate), 7.5 DDD: addictive, 7.5 DDD.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (12, '00000000712', 'Testpasient Vanedannende 12', '1952-04-12', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (12, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1201, 12, 1, '2020-01-15 09:00:00', 'consultation');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (1201, 12, NULL, 1, '2020-02-10', 'N02AA01', NULL, 'A');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (1202, 12, NULL, 1, '2020-02-10', 'N06BA04', 7.5, NULL);

-- C13: group NULL, ATC N05CM02 (klometiazol, an exact entry), 1 DDD: addictive.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (13, '00000000713', 'Testpasient Vanedannende 13', '1953-05-13', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (13, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1301, 13, 1, '2020-01-15 09:00:00', 'consultation');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (1301, 13, NULL, 1, '2020-02-10', 'N05CM02', 1, NULL);

-- C14: group NULL, ATC N05CM01: not addictive (N05CM02 is exact, not a prefix).
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (14, '00000000714', 'Testpasient Vanedannende 14', '1954-06-14', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (14, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1401, 14, 1, '2020-01-15 09:00:00', 'consultation');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (1401, 14, NULL, 1, '2020-02-10', 'N05CM01', 100, NULL);

-- C15: group 'a' (lower case: not a known enum value, a bad row, ignored),
-- ATC N02AA01: no prescription counts.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (15, '00000000715', 'Testpasient Vanedannende 15', '1955-07-15', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (15, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1501, 15, 1, '2020-01-15 09:00:00', 'consultation');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (1501, 15, NULL, 1, '2020-02-10', 'N02AA01', 100, 'a');

-- C16: group A, ATC N02AA01, ddd_count -5: a bad row (negative DDD), ignored.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (16, '00000000716', 'Testpasient Vanedannende 16', '1956-08-16', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (16, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1601, 16, 1, '2020-01-15 09:00:00', 'consultation');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (1601, 16, NULL, 1, '2020-02-10', 'N02AA01', -5, 'A');

-- C17: group NULL and ATC NULL, linked to a medication-list row with ATC
-- N05BA01 (diazepam): not addictive (the linked row is not consulted).
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (17, '00000000717', 'Testpasient Vanedannende 17', '1957-09-17', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (17, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1701, 17, 1, '2020-01-15 09:00:00', 'consultation');
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (1701, 17, 'N05BA01', 'Diazepam', 'as_needed', '2020-02-10', NULL);
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (1701, 17, 1701, 1, '2020-02-10', NULL, 100, NULL);

-- C18: group NULL, ATC R05DA04 (codeine as antitussive), 0.5 DDD: addictive.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (18, '00000000718', 'Testpasient Vanedannende 18', '1958-01-18', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (18, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1801, 18, 1, '2020-01-15 09:00:00', 'consultation');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (1801, 18, NULL, 1, '2020-02-10', 'R05DA04', 0.5, NULL);

-- C19: group NULL, ATC R05DA09 (dextromethorphan, not in the list): not addictive.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (19, '00000000719', 'Testpasient Vanedannende 19', '1959-02-19', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (19, 1, '2015-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (1901, 19, 1, '2020-01-15 09:00:00', 'consultation');
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES (1901, 19, NULL, 1, '2020-02-10', 'R05DA09', 100, NULL);
