-- Hostile rows for the reference schema in SQLite (tests/hostile/run.sh):
-- the rows of rows.sql in SQLite's spelling, plus what only SQLite lets a
-- record system store: impossible dates, text in number columns, blobs,
-- NUL bytes, values of the wrong type. Every hostile patient is unlisted
-- during 2014-12..2023-04, so the normal patients' results must be
-- identical with and without these rows.

INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES
 (9001, NULL, 'Dr Null', 'gp'),
 (9002, NULL, 'Dr Lang', replace(hex(zeroblob(1000)), '00', 'r')),
 (9003, X'fffe', CAST(X'447220c328' AS TEXT), CAST(X'67c370' AS TEXT));

INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES
 (9000001, NULL, NULL, '0001-01-01', 'F', NULL),
 (9000002, NULL, NULL, '9999-12-31', 'M', '9999-12-31'),
 (9000003, NULL, NULL, '2020-01-01', 'F', '2010-01-01'),
 (9000004, NULL, NULL, '1960-01-01', replace(hex(zeroblob(1000)), '00', 'F'), NULL),
 (9000005, NULL, CAST(X'c328a0a1' AS TEXT), '1970-01-01', CAST(X'c3' AS TEXT), NULL),
 (9000006, NULL, NULL, '1950-06-15', 'M', NULL),
 (9000007, NULL, NULL, '1980-02-29', 'U', NULL),
 (9000008, NULL, NULL, '0000-01-01', 'F', '10000-01-01'),       -- year 0 and 10000
 (9000009, NULL, NULL, '-0044-03-15', 'M', NULL),
 (9000010, NULL, NULL, X'31393530', 'F', NULL),                 -- a blob date
 (9000011, NULL, NULL, 1950.5, 'F', NULL),                      -- a real date
 (9000012, NULL, NULL, '2019-02-30', CAST(X'4600' AS TEXT), NULL), -- impossible date, NUL byte
 (9000013, NULL, NULL, '1970-01-01', 'F', 'NaN');

INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES
 (9000001, 9001, '0001-01-01', '0001-12-31'),
 (9000002, 9001, '9999-01-01', NULL),
 (9000007, 9003, '9999-12-31', '0001-01-01'),
 (9000012, 9001, '2019-02-30', NULL),
 (123456789, 9001, '2015-01-01', NULL);                         -- unknown patient (no foreign keys)

INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES
 (9000001, 9000001, 9001, '0001-01-01 00:00:00', 'consultation'),
 (9000002, 9000002, 9002, '9999-12-31 23:59:59.999999', 'home_visit'),
 (9000003, 9000003, 9003, '2015-06-01 10:00', replace(hex(zeroblob(1000)), '00', 'k')),
 (9000004, 9000007, 9001, '2016-01-01 08:00', CAST(X'636f6e73756cc328746174696f6e' AS TEXT)),
 (9000005, 9000007, 9001, '2016-01-01 25:61', 'consultation'),  -- impossible time
 (9000006, 9000007, 9001, '2016-02-01T08:00:00.5', 'consultation'),
 (9000007, 9000007, 424242, '2016-02-02 08:00', 'consultation'); -- unknown practitioner

INSERT INTO fee (contact_id, code) VALUES
 (9000001, '2ad'),
 (9000003, replace(hex(zeroblob(1000)), '00', '2')),
 (9000004, CAST(X'c328' AS TEXT)),
 (9000006, '   '),
 (9000006, ' 2ad '),
 (31337, '2ad'),                                                -- unknown contact
 (9000006, 12345);                                              -- a number as a code

INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES
 (9000001, 9000001, NULL, '0001-01-01', 'ICPC-2', 'P76'),
 (9000002, 9000001, NULL, '0001-03-01', 'ICPC-2', 'P76'),
 (9000003, 9000001, NULL, '0001-02-01', 'ICPC-2', 'P74'),
 (9000004, 9000001, NULL, '0001-04-01', 'ICPC-2', 'P74'),
 (9000005, 9000002, 9000002, '9999-12-31', 'ICD-10', 'F32.9'),
 (9000006, 9000003, NULL, '2015-01-01', 'ICD-10', replace(hex(zeroblob(1000)), '00', 'E')),
 (9000007, 9000003, NULL, '2015-01-01', replace(hex(zeroblob(1000)), '00', 'I'), 'E11'),
 (9000008, 9000005, NULL, '2015-01-01', 'ICD-10', CAST(X'4531c328' AS TEXT)),
 (9000009, 9000007, 9000004, '2016-01-01', 'ICPC-2', 't90'),
 (9000010, 9000007, NULL, '2016-13-01', 'ICPC-2', 'T90'),
 (9000011, 9000007, NULL, '2016-01-01', 'ICPC-2', char(9, 46, 13, 10)),
 (9000012, 9000007, 999999999, '2016-01-01', 'ICPC-2', 'T90'),  -- unknown contact
 (9000013, 9000007, NULL, '2016-01-01', 'ICPC-2', CAST(X'5439300041' AS TEXT)); -- NUL inside

INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES
 (9000001, 9000001, NULL, NULL, 'regular', '0001-01-01', NULL),
 (9000002, 9000002, 'A10BA02', NULL, 'course', '9999-12-31', '0001-01-01'),
 (9000003, 9000003, replace(hex(zeroblob(1000)), '00', 'A'), NULL, 'as_needed', '2015-01-01', NULL),
 (9000004, 9000007, 'N05AN01', CAST(X'c328' AS TEXT), replace(hex(zeroblob(1000)), '00', 'u'), '2016-01-01', NULL),
 (9000005, 9000007, 'N06AB04', NULL, 'regular', '2016-02-30', 'yesterday');

INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES
 (9000001, 9000001, NULL, NULL, '0001-01-01', NULL, NULL, NULL),
 (9000002, 9000001, NULL, NULL, '0001-02-01', 'N06AB04', -3, 'A'),
 (9000003, 9000002, NULL, NULL, '9999-12-31', 'N06AB04', 'NaN', 'B'),
 (9000004, 9000003, NULL, NULL, '2015-01-01', 'N06AB04', 9e999, 'C'),        -- +Inf
 (9000010, 9000003, NULL, NULL, '2015-01-01', 'N06AB04', -9e999, 'C'),       -- -Inf
 (9000005, 9000003, NULL, NULL, '2015-01-01', 'N06AB04', 1e308, replace(hex(zeroblob(1000)), '00', 'A')),
 (9000006, 9000007, NULL, NULL, '2016-01-01', CAST(X'4e3036c328' AS TEXT), '30 DDD', 'F'),
 (9000007, 9000007, NULL, NULL, '2016-01-01', replace(hex(zeroblob(1000)), '00', 'N'), 30, 'F'),
 (9000008, 9000007, NULL, NULL, '2016-01-01', 'N06AB04', '1e99999', 'F'),
 (9000009, 9000007, NULL, NULL, '2016-01-01', 'N06AB04', X'00', 'F');

INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES
 (9000001, 9000001, '0001-01-01', 'NPU27300', NULL, NULL, NULL),
 (9000002, 9000001, '0001-02-01', 'NPU27300', -55.5, '-55,5', 'mmol/mol'),
 (9000003, 9000002, '9999-12-31', 'NPU27300', 'NaN', 'NaN', NULL),
 (9000004, 9000003, '2015-01-01', 'NPU27300', '-Inf', NULL, NULL),
 (9000005, 9000003, '2015-01-01', replace(hex(zeroblob(1000)), '00', 'N'), 50, NULL, NULL),
 (9000006, 9000005, '2015-01-01', CAST(X'4e5055c328' AS TEXT), 50, CAST(X'c328' AS TEXT), NULL),
 (9000007, 9000007, '2016-01-01', 'npu27300', -1e-300, NULL, NULL),
 (9000008, 9000007, '19.03.2016', 'NPU27300', 50, NULL, NULL),
 (9000009, 9000007, '2016-01-01', 'NPU27300', '5,5', NULL, NULL);

-- one patient with a million events: cheap lab rows spread over 2014-2022
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 1000000)
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit)
SELECT 9100000 + n, 9000006, date('2014-01-01', '+' || (n % 3287) || ' days'), 'NPU27300', (n % 120) - 10, NULL, NULL
FROM g;

INSERT INTO blood_pressure (patient_id, measured_on, systolic, diastolic) VALUES
 (9000001, '0001-01-01', -1, -1),
 (9000002, '9999-12-31', 100000, 2147483647),
 (9000003, '2015-01-01', -2147483648, 80),
 (9000007, '2016-01-01', 9223372036854775807, 80),
 (9000007, '2016-01-01', 120.5, 'high');

INSERT INTO form (form_id, patient_id, completed_on, form_type) VALUES
 (9000001, 9000001, '0001-01-01', 'noklus_diabetes'),
 (9000002, 9000002, '9999-12-31', replace(hex(zeroblob(1000)), '00', 'f')),
 (9000003, 9000005, '2015-01-01', CAST(X'6e6f6b6c7573c328' AS TEXT)),
 (9000004, 9000007, '2016-00-01', 'noklus_diabetes');

INSERT INTO journal_note (note_id, patient_id, contact_id, practitioner_id, written_on, body) VALUES
 (9000001, 9000001, NULL, NULL, '0001-01-01', 'lmg utført'),
 (9000002, 9000002, NULL, NULL, '9999-12-31', 'legemiddelgjennomgang'),
 (9000003, 9000007, NULL, NULL, '2016-01-01', replace(hex(zeroblob(5000000)), '00', 'xy') || ' lmg'),
 (9000004, 9000005, NULL, NULL, '2015-01-01', CAST(X'c328206c6d6720fffe' AS TEXT)),
 (9000005, 9000007, NULL, NULL, '2016-02-30', 'lmg'),
 (9000006, 9000007, NULL, NULL, '2016-01-02', replace(hex(zeroblob(250000)), '00', 'lmg ')),
 (9000007, 9000007, NULL, NULL, '2016-01-03', X'6c6d6700');
