-- SQLite only: values SQLite stores as given, which PostgreSQL would have
-- refused. Dates must be exactly 'YYYY-MM-DD' (a timestamp may add a time),
-- numbers must parse, and rows must point at existing patients and contacts.
-- Expected: strict.expected and the counts in check_reference.c.

INSERT INTO practitioner VALUES (1, NULL, 'Dr Strict', 'gp');

INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES
 (1, NULL, NULL, '1950-13-01', 'F', NULL),          -- month 13
 (2, NULL, NULL, '1950-01-01', 'F', NULL),          -- good
 (3, NULL, NULL, 'yesterday', 'M', NULL),
 (4, NULL, NULL, '1950-01-01 10:00:00', 'F', NULL), -- a time in a date column
 (5, NULL, NULL, 19500101, 'F', NULL),              -- stored as an integer
 ('abc', NULL, NULL, '1950-01-01', 'F', NULL),      -- not a number
 (7, NULL, NULL, '2000-02-29', 'M', '2023-02-29'),  -- 2023 is no leap year
 (8, NULL, NULL, '1960-06-15', 'M', NULL);          -- good

INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES
 (2, 1, '2020-01-01', NULL),
 (8, 1, '2020-1-1', NULL);                          -- not zero-padded

INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES
 (10, 2, 1, '2023-01-05T10:30', 'consultation'),    -- 'T' and no seconds: fine
 (11, 2, 1, '2023-01-05', 'phone'),                 -- no time at all: fine
 (12, 2, 1, '2023-02-30 10:00', 'consultation'),
 (13, 2, 1, '2023-01-05 25:00', 'consultation'),
 (14, 999, 1, '2023-01-05 10:00:00.123456', 'consultation'), -- no such patient
 (15, 8, 1, '2023-01-05 10:00:00+01:00', 'video');  -- a time zone is not a timestamp

INSERT INTO fee (contact_id, code) VALUES
 (10, '2ad'),
 (99999, '2ad');                                    -- no such contact

INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES
 (1, 2, NULL, 1, '2023-03-01', 'N05BA01', 'abc', 'A'),
 (2, 2, NULL, 1, '2023-03-02', 'N05BA01', 9e999, 'A'),  -- infinity
 (3, 2, NULL, 1, '2023-03-03', 'N05BA01', '12.5', 'B');

INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES
 (1, 2, '2023-04-01', 'NPU27300', '5O', '5O', NULL),    -- letter O, not zero
 (2, 999, '2023-04-01', 'NPU27300', 50, '50', NULL),    -- no such patient
 (3, 2, '2023-04-02', 'NPU27300', '51', '51', NULL);

INSERT INTO blood_pressure (patient_id, measured_on, systolic, diastolic) VALUES
 (2, '2023-05-01', 'high', 80),
 (2, '2023-05-01', 130, 85);
