-- A hand-written practice for check_reference.c, loaded unchanged into
-- PostgreSQL and SQLite. Every row exists to exercise one rule of
-- indicators.md / reference-ehr.md; the expected result is in
-- fixture.expected and in the counts asserted by check_reference.c.
-- The read asks for events up to 2024-12-31.

INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES
 (1, '1000001', 'Dr Ada Lege', 'gp'),
 (2, NULL, 'Nora Sykepleier', 'nurse'),
 (3, NULL, 'Sam Sekretær', 'secretary'),
 (4, '1000004', 'Per Psykolog', 'psychologist'),
 (5, NULL, 'Otto Annen', 'other'),
 (6, '1000006', 'Dr Ukjent', 'doctor');            -- unknown role: bad row, its contacts get role unknown

INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES
 (101, '01035012345', 'Kari Nordmann', '1950-03-01', 'F', NULL),
 (102, '15074512345', 'Ola Nordmann', '1945-07-15', 'M', '2024-06-01'),
 (103, '29020012345', 'Kim Ukjent', '2000-02-29', 'U', NULL),   -- 'U' is valid; no list period
 (104, '01016012345', 'Xena Feil', '1960-01-01', 'X', NULL),    -- unknown sex: bad row, never delivered
 (105, '05057012345', 'Eva Kontakt', '1970-05-05', 'F', NULL),
 (106, '31128012345', 'Rolf Resept', '1980-12-31', 'M', NULL),
 (107, '15019012345', 'Lise Notat', '1990-01-15', 'F', NULL),
 (108, '08085512345', 'Lars Lab', '1955-08-08', 'M', NULL),
 (109, '09099912345', 'Liten f', '1999-09-09', 'f', NULL);     -- enum compared exactly: bad row

INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES
 (101, 1, '2015-01-01', '2020-01-01'),
 (101, 5, '2019-06-01', NULL),                      -- on two lists at once
 (102, 1, '2010-01-01', NULL),
 (104, 1, '2010-01-01', NULL),                      -- bad patient
 (105, 1, '2018-03-01', '2018-03-01'),              -- empty period, delivered as it is
 (106, 1, '2025-06-01', NULL),                      -- after the read's end: dropped
 (107, 1, '2012-01-01', NULL),
 (108, 1, '2000-01-01', NULL),
 (109, 1, '2000-01-01', NULL);                      -- bad patient

INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES
 (1001, 101, 1, '2023-03-10 09:15:00', 'consultation'),
 (1002, 101, 2, '2023-01-05 23:59:59', 'phone'),
 (1003, 101, 6, '2023-03-10 08:00:00', 'video'),   -- same day as 1001: after it (contact_id)
 (1004, 101, 1, '2025-02-01 10:00:00', 'consultation'), -- after the read's end
 (1005, 102, 1, '2024-05-01 10:00:00', 'home_visit'),
 (1006, 102, 4, '2024-05-02 10:00:00', 'e_consultation'),
 (1007, 103, 3, '2022-11-11 11:11:11', 'admin'),
 (1008, 103, 1, '2022-11-12 00:00:00', 'letter'),
 (1009, 104, 1, '2023-01-01 10:00:00', 'consultation'), -- bad patient
 (1010, 105, 1, '2023-06-01 10:00:00', 'visit'),         -- unknown kind
 (1011, 105, 1, '2023-06-02 10:00:00', 'consultation '), -- unknown kind (exact compare)
 (1012, 105, 5, '2023-06-03 10:00:00', 'meeting'),
 (1013, 108, 2, '2021-02-03 04:05:06', 'video');

INSERT INTO fee (contact_id, code) VALUES
 (1001, '2LD'),
 (1001, ' 2ad'),
 (1002, '2ld'),
 (1003, '105'),
 (1004, '2ad'),                                     -- its contact is after the end: dropped
 (1005, '11ad'),
 (1006, '2ae'),
 (1008, '109a'),
 (1009, '2ad'),                                     -- on a bad contact (bad patient)
 (1010, '2ad'),                                     -- on a bad contact (unknown kind)
 (1012, '   '),                                     -- empty code
 (1013, '2ADXXXXXXXXXXXXXXXX');                     -- 19 characters: too long

INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES
 (2001, 101, 1001, '2023-03-10', 'ICD-10', 'e11.9'),
 (2002, 101, NULL, '2015-02-01', 'ICPC-2', ' t90 '),
 (2003, 101, 1004, '2024-12-31', 'ICPC-2', 'T90'),  -- its contact is after the end: unlinked
 (2004, 102, 1005, '2024-05-01', 'ICD-10', 'J44.10'),
 (2005, 102, 1006, '2024-05-02', 'ICD-10', 'E119'),
 (2006, 104, 1009, '2023-01-01', 'ICPC-2', 'T90'),  -- bad patient
 (2007, 105, 1010, '2023-06-01', 'ICPC-2', 'P76'),  -- on a bad contact: kept, unlinked
 (2008, 105, 1012, '2023-06-03', 'ICPC2', 'P74'),   -- unknown code system
 (2009, 105, NULL, '2023-06-04', 'ICD-10', '  .. '),-- empty after trimming and dots
 (2010, 105, NULL, '2023-06-05', 'ICD-10', 'F32.0000000000000000'), -- too long
 (2011, 103, 1008, '2022-11-12', 'ICD-10', 'f41.1'),
 (2012, 105, 1011, '2023-06-02', 'ICD-10', 'F41'),  -- on a bad contact: kept, unlinked
 (2013, 101, 1005, '2023-04-01', 'ICPC-2', 'K86');  -- another patient's contact: unlinked

INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES
 (3001, 101, 'C10AA01', 'Simvastatin', 'regular', '2020-01-01', NULL),
 (3002, 101, ' c07ab02 ', 'Metoprolol', 'regular', '2021-05-01', '2023-05-01'),
 (3003, 101, NULL, 'Urtete', 'as_needed', '2022-01-01', NULL),
 (3004, 101, '', 'Noe annet', 'course', '2022-02-01', '2022-02-10'),
 (3005, 106, 'N05BA01', 'Diazepam', 'daily', '2022-01-01', NULL),     -- unknown use type
 (3006, 106, 'H02AB06', 'Prednisolon', 'course', '2024-01-10', '2024-01-20'),
 (3007, 106, 'A10BA02', 'Metformin', 'Regular', '2020-01-01', NULL),  -- unknown use type
 (3008, 106, 'N06AB04', 'Citalopram', 'regular', '2025-01-10', NULL), -- after the end
 (3009, 101, 'C10AA01XXXXXXXXXXX', 'Lang', 'regular', '2020-01-01', NULL); -- ATC too long

INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES
 (4001, 106, 3005, 1, '2024-02-01', 'N05BA01', 30.0, 'B'),
 (4002, 106, NULL, 1, '2024-03-01', 'N05CF01', NULL, NULL),
 (4003, 106, NULL, 1, '2024-04-01', 'N02AA01', -5.0, 'A'),     -- negative ddd
 (4004, 106, NULL, 1, '2024-05-01', 'H02AB06', 12.5, 'C'),
 (4005, 106, NULL, 1, '2024-06-01', ' n06ab04', 2.5, 'a'),     -- unknown group (exact compare)
 (4006, 106, NULL, 1, '2024-07-01', NULL, 0.0, 'F'),
 (4007, 106, NULL, 1, '2024-08-01', 'N05BA01', 10.0, 'X'),     -- unknown group
 (4008, 101, NULL, NULL, '2023-01-05', 'C10AA01', 90.0, 'C'),
 (4009, 106, NULL, 1, '2024-09-01', ' n06ab04', 2.5, NULL);

INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES
 (5001, 101, '2023-03-10', 'NPU27300', 53.0, '53', 'mmol/mol'),
 (5002, 101, '2023-03-10', 'npu03835 ', 7.0, '7,0', '%'),
 (5003, 101, '2022-01-01', 'NOR15260', NULL, '<3', 'mg/mmol'),  -- text only
 (5004, 108, '2021-02-03', 'NPU18016', 85.5, '85,5', 'umol/L'),
 (5005, 108, '2021-02-03', '   ', 1.0, '1', NULL),              -- empty code
 (5006, 108, '2021-02-04', 'NPU01568', NULL, 'positiv', NULL),   -- text only
 (5007, 101, '2023-03-10', 'NPU27300', 48.0, '48', 'mmol/mol');

INSERT INTO blood_pressure (patient_id, measured_on, systolic, diastolic) VALUES
 (101, '2023-03-10', 142, 88),
 (101, '2023-03-10', 138, 92),
 (101, '2022-06-01', 150, 95),
 (108, '2021-02-03', 40000, 80),                    -- out of range
 (108, '2021-02-03', 120, 70);

INSERT INTO form (form_id, patient_id, completed_on, form_type) VALUES
 (6001, 101, '2023-03-10', 'noklus_diabetes'),
 (6002, 101, '2022-03-10', 'Noklus_Diabetes'),      -- kept exactly as written
 (6003, 108, '2021-01-01', 'a_very_long_form_type_name_beyond_31'), -- too long
 (6004, 101, '2021-01-01', 'skjema_ø');             -- UTF-8 kept byte for byte

INSERT INTO journal_note (note_id, patient_id, contact_id, practitioner_id, written_on, body) VALUES
 (7001, 107, NULL, 1, '2024-01-01', 'LMG:'),
 (7002, 107, NULL, 1, '2024-01-02', 'lmg, gjort i dag'),
 (7003, 107, NULL, 1, '2024-01-03', 'Plan: LMG'),
 (7004, 107, NULL, 1, '2024-01-04', 'Se -lmg neste gang'),
 (7005, 107, NULL, 1, '2024-01-05', 'lmgx'),
 (7006, 107, NULL, 1, '2024-01-06', 'xlmg'),
 (7007, 107, NULL, 1, '2024-01-07', 'LMG-takst'),
 (7008, 107, NULL, 1, '2024-01-08', '(lmg)'),
 (7009, 107, NULL, 1, '2024-01-09', 'legemiddelgjennomgangen'),
 (7010, 107, NULL, 1, '2024-01-10', 'Andrélmg:'),
 (7011, 107, NULL, 1, '2024-01-11', 'Legemiddelgjennomgang.'),
 (7012, 107, NULL, 1, '2024-01-12', 'lmg'),
 (7013, 107, NULL, 1, '2024-01-13', 'tekst	LMG
mer'),
 (7014, 107, NULL, 1, '2024-01-14', 'lmg etter'),
 (7015, 107, NULL, 1, '2024-01-15', 'ØLMG'),
 (7016, 107, NULL, 1, '2024-01-16', '×lmg.'),
 (7017, 107, NULL, 1, '2025-03-01', 'LMG:'),         -- after the end
 (7018, 104, NULL, 1, '2024-02-01', 'LMG'),          -- bad patient
 (7019, 107, NULL, 1, '2024-01-17', 'LEGEMIDDELGJENNOMGANG'),
 (7020, 107, NULL, 1, '2024-01-18', '_lmg'),
 (7021, 107, NULL, 1, '2024-01-19', 'lmg;'),
 (7022, 107, NULL, 1, '2024-01-20', 'LMG GJENNOMGÅTT.'),
 (7023, 107, NULL, 1, '2024-01-21', 'ikke nevnt'),
 (7024, 107, 1001, 1, '2024-01-22', 'gjennomgått
'),
 (7025, 101, 1010, 1, '2023-06-01', 'lmg.');        -- points at a bad contact: kept
