-- Deck medication_review/lmg_numerator: LMG_4PLUS's numerator, an LMG_FEE fee
-- (2LD) billed in W12 or a journal note written in W12 matching LMG_NOTE
-- (precise rules 9 and 16: 'legemiddelgjennomgang' or 'lmg', case-insensitive,
-- after the start or a character that is not a letter, digit or '_', before
-- whitespace, ',', '.', ':' or the end). Tests fee spellings and contact kinds,
-- every example of rule 9, a non-ASCII letter, a second occurrence, line
-- breaks, the first and last day of W12 and the leap day.
-- Every patient is listed from 2015 and has 4 regular drugs since 2018
-- (C09AA05, C10AA05, A10BA02, B01AC06) unless said, so D = 19 every month.
-- Run: 2019-01 .. 2021-02. All names and national ids are fake.

INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (1, '0000001', 'Lege Fiktiv En', 'gp');
INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES (2, '0000002', 'Sykepleier Fiktiv', 'nurse');

-- L1: fee '2LD' on a consultation on 2019-03-01 (first day of W12 of 2020-02): N in 2019-03 .. 2020-02.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (1, '00000000701', 'Testpasient LMG 01', '1941-02-11', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (1, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (11, 1, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (12, 1, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (13, 1, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (14, 1, 'B01AC06', 'Acetylsalisylsyre', 'regular', '2018-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (101, 1, 1, '2019-03-01 08:00:00', 'consultation');
INSERT INTO fee (contact_id, code) VALUES (101, '2LD');

-- L2: fee '2ld' (lower case) on a phone contact at 23:30 on 2019-05-31 (R of May): N in 2019-05 .. 2020-04.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (2, '00000000702', 'Testpasient LMG 02', '1942-03-12', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (2, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (21, 2, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (22, 2, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (23, 2, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (24, 2, 'B01AC06', 'Acetylsalisylsyre', 'regular', '2018-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (201, 2, 2, '2019-05-31 23:30:00', 'phone');
INSERT INTO fee (contact_id, code) VALUES (201, '2ld');

-- L3: fee ' 2Ld ' (mixed case, blanks) on a video contact on the leap day 2020-02-29: N in 2020-02 .. 2021-01.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (3, '00000000703', 'Testpasient LMG 03', '1943-04-13', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (3, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (31, 3, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (32, 3, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (33, 3, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (34, 3, 'B01AC06', 'Acetylsalisylsyre', 'regular', '2018-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (301, 3, 1, '2020-02-29 12:00:00', 'video');
INSERT INTO fee (contact_id, code) VALUES (301, ' 2Ld ');

-- L4: note 'LMG: ...' (followed by a colon) on 2019-04-15: matches: N in 2019-04 .. 2020-03.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (4, '00000000704', 'Testpasient LMG 04', '1944-05-14', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (4, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (41, 4, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (42, 4, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (43, 4, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (44, 4, 'B01AC06', 'Acetylsalisylsyre', 'regular', '2018-01-01', NULL);
INSERT INTO journal_note (note_id, patient_id, contact_id, practitioner_id, written_on, body) VALUES (4, 4, NULL, 1, '2019-04-15', 'LMG: gjennomgått alle faste legemidler');

-- L5: note '..., lmg, ...' (followed by a comma): matches.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (5, '00000000705', 'Testpasient LMG 05', '1945-06-15', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (5, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (51, 5, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (52, 5, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (53, 5, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (54, 5, 'B01AC06', 'Acetylsalisylsyre', 'regular', '2018-01-01', NULL);
INSERT INTO journal_note (note_id, patient_id, contact_id, practitioner_id, written_on, body) VALUES (5, 5, NULL, 1, '2019-04-15', 'Ringte pasient, lmg, ny time om to uker');

-- L6: note 'Plan: LMG' (at the end of the text): matches.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (6, '00000000706', 'Testpasient LMG 06', '1946-07-16', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (6, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (61, 6, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (62, 6, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (63, 6, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (64, 6, 'B01AC06', 'Acetylsalisylsyre', 'regular', '2018-01-01', NULL);
INSERT INTO journal_note (note_id, patient_id, contact_id, practitioner_id, written_on, body) VALUES (6, 6, NULL, 1, '2019-04-15', 'Plan: LMG');

-- L7: note '... -lmg ...' (after a hyphen, before a space): matches.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (7, '00000000707', 'Testpasient LMG 07', '1947-08-17', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (7, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (71, 7, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (72, 7, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (73, 7, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (74, 7, 'B01AC06', 'Acetylsalisylsyre', 'regular', '2018-01-01', NULL);
INSERT INTO journal_note (note_id, patient_id, contact_id, practitioner_id, written_on, body) VALUES (7, 7, NULL, 1, '2019-04-15', 'Avtalt -lmg neste gang');

-- L8: note 'lmgx' (followed by a letter): no match: never in N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (8, '00000000708', 'Testpasient LMG 08', '1948-09-18', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (8, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (81, 8, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (82, 8, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (83, 8, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (84, 8, 'B01AC06', 'Acetylsalisylsyre', 'regular', '2018-01-01', NULL);
INSERT INTO journal_note (note_id, patient_id, contact_id, practitioner_id, written_on, body) VALUES (8, 8, NULL, 1, '2019-04-15', 'lmgx');

-- L9: note 'xlmg ...' (after a letter): no match.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (9, '00000000709', 'Testpasient LMG 09', '1949-01-10', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (9, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (91, 9, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (92, 9, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (93, 9, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (94, 9, 'B01AC06', 'Acetylsalisylsyre', 'regular', '2018-01-01', NULL);
INSERT INTO journal_note (note_id, patient_id, contact_id, practitioner_id, written_on, body) VALUES (9, 9, NULL, 1, '2019-04-15', 'xlmg ble gjort');

-- L10: note 'LMG-takst ...' (followed by a hyphen): no match.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (10, '00000000710', 'Testpasient LMG 10', '1950-02-11', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (10, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (101, 10, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (102, 10, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (103, 10, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (104, 10, 'B01AC06', 'Acetylsalisylsyre', 'regular', '2018-01-01', NULL);
INSERT INTO journal_note (note_id, patient_id, contact_id, practitioner_id, written_on, body) VALUES (10, 10, NULL, 1, '2019-04-15', 'LMG-takst brukt');

-- L11: note '(lmg)' (followed by a parenthesis): no match.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (11, '00000000711', 'Testpasient LMG 11', '1951-03-12', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (11, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (111, 11, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (112, 11, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (113, 11, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (114, 11, 'B01AC06', 'Acetylsalisylsyre', 'regular', '2018-01-01', NULL);
INSERT INTO journal_note (note_id, patient_id, contact_id, practitioner_id, written_on, body) VALUES (11, 11, NULL, 1, '2019-04-15', 'Utført (lmg) i dag');

-- L12: note 'legemiddelgjennomgangen ...' (the word followed by a letter): no match.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (12, '00000000712', 'Testpasient LMG 12', '1952-04-13', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (12, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (121, 12, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (122, 12, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (123, 12, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (124, 12, 'B01AC06', 'Acetylsalisylsyre', 'regular', '2018-01-01', NULL);
INSERT INTO journal_note (note_id, patient_id, contact_id, practitioner_id, written_on, body) VALUES (12, 12, NULL, 1, '2019-04-15', 'legemiddelgjennomgangen er utført');

-- L13: note '... Legemiddelgjennomgang.' (the long word, capitalised, followed by a full stop): matches.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (13, '00000000713', 'Testpasient LMG 13', '1953-05-14', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (13, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (131, 13, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (132, 13, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (133, 13, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (134, 13, 'B01AC06', 'Acetylsalisylsyre', 'regular', '2018-01-01', NULL);
INSERT INTO journal_note (note_id, patient_id, contact_id, practitioner_id, written_on, body) VALUES (13, 13, NULL, 1, '2019-04-15', 'Systematisk Legemiddelgjennomgang.');

-- L14: note 'Andrélmg: ...': é is a letter (precise rule 16): no match.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (14, '00000000714', 'Testpasient LMG 14', '1954-06-15', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (14, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (141, 14, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (142, 14, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (143, 14, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (144, 14, 'B01AC06', 'Acetylsalisylsyre', 'regular', '2018-01-01', NULL);
INSERT INTO journal_note (note_id, patient_id, contact_id, practitioner_id, written_on, body) VALUES (14, 14, NULL, 1, '2019-04-15', 'Andrélmg: test');

-- L15: note '(lmg) og senere LMG.': the first occurrence does not match, the second does: matches.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (15, '00000000715', 'Testpasient LMG 15', '1955-07-16', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (15, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (151, 15, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (152, 15, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (153, 15, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (154, 15, 'B01AC06', 'Acetylsalisylsyre', 'regular', '2018-01-01', NULL);
INSERT INTO journal_note (note_id, patient_id, contact_id, practitioner_id, written_on, body) VALUES (15, 15, NULL, 1, '2019-04-15', '(lmg) og senere LMG.');

-- L16: note with line breaks around 'lmg' (LF before and after): matches.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (16, '00000000716', 'Testpasient LMG 16', '1956-08-17', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (16, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (161, 16, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (162, 16, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (163, 16, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (164, 16, 'B01AC06', 'Acetylsalisylsyre', 'regular', '2018-01-01', NULL);
INSERT INTO journal_note (note_id, patient_id, contact_id, practitioner_id, written_on, body) VALUES (16, 16, NULL, 1, '2019-04-15', 'Tiltak:
lmg
ferdig');

-- L17: note 'LMG:' on 2018-02-28, before the run: N in 2019-01 only (W12 of 2019-02 starts 2018-03-01).
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (17, '00000000717', 'Testpasient LMG 17', '1957-09-18', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (17, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (171, 17, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (172, 17, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (173, 17, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (174, 17, 'B01AC06', 'Acetylsalisylsyre', 'regular', '2018-01-01', NULL);
INSERT INTO journal_note (note_id, patient_id, contact_id, practitioner_id, written_on, body) VALUES (17, 17, NULL, 1, '2018-02-28', 'LMG:');

-- L18: note 'LMG:' on 2019-04-15 but only 3 regular drugs: in neither D nor N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (18, '00000000718', 'Testpasient LMG 18', '1958-01-10', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (18, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (181, 18, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (182, 18, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (183, 18, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO journal_note (note_id, patient_id, contact_id, practitioner_id, written_on, body) VALUES (18, 18, NULL, 1, '2019-04-15', 'LMG:');

-- L19: note 'lmg_kode, _lmg og 2lmg ferdig' ('_' after, '_' before, a digit before): no match.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (19, '00000000719', 'Testpasient LMG 19', '1959-02-11', 'F', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (19, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (191, 19, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (192, 19, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (193, 19, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (194, 19, 'B01AC06', 'Acetylsalisylsyre', 'regular', '2018-01-01', NULL);
INSERT INTO journal_note (note_id, patient_id, contact_id, practitioner_id, written_on, body) VALUES (19, 19, NULL, 1, '2019-04-15', 'lmg_kode, _lmg og 2lmg ferdig');

-- L20: fee 2ad (not LMG_FEE) and a note without the words: never in N.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES (20, '00000000720', 'Testpasient LMG 20', '1960-03-12', 'M', NULL);
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES (20, 1, '2015-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (201, 20, 'C09AA05', 'Ramipril', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (202, 20, 'C10AA05', 'Atorvastatin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (203, 20, 'A10BA02', 'Metformin', 'regular', '2018-01-01', NULL);
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES (204, 20, 'B01AC06', 'Acetylsalisylsyre', 'regular', '2018-01-01', NULL);
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES (2001, 20, 1, '2019-04-01 09:00:00', 'consultation');
INSERT INTO fee (contact_id, code) VALUES (2001, '2ad');
INSERT INTO journal_note (note_id, patient_id, contact_id, practitioner_id, written_on, body) VALUES (20, 20, NULL, 1, '2019-04-01', 'Ingen endring i faste medisiner');
