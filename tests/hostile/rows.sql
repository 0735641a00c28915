-- Hostile rows for the reference schema in PostgreSQL (tests/hostile/run.sh
-- loads them on top of a synthetic practice). A UTF8 database cannot hold
-- invalid UTF-8: rows-bad-utf8.sql adds it in a SQL_ASCII database. Every hostile patient is unlisted during 2014-12..
-- 2023-04 (its list periods, if any, lie in year 0001 or 9999), so the
-- normal patients' results must be identical with and without these rows.
-- Ids from 9000000 up; the synthetic practice uses small ones.

-- practitioners: NULL hpr_number, a 1,000-character role, invalid UTF-8
INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES
 (9001, NULL, 'Dr Null', 'gp'),
 (9002, NULL, 'Dr Lang', repeat('r', 1000)),
 (9003, 'Ø', 'Dr Ø Ugyldig', 'gØp');

INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES
 (9000001, NULL, NULL, '0001-01-01', 'F', NULL),               -- year 0001, NULLs everywhere allowed
 (9000002, NULL, NULL, '9999-12-31', 'M', '9999-12-31'),       -- year 9999
 (9000003, NULL, NULL, '2020-01-01', 'F', '2010-01-01'),       -- born after death
 (9000004, NULL, NULL, '1960-01-01', repeat('F', 1000), NULL), -- 1,000-character sex: unknown sex
 (9000005, NULL, 'Ø', '1970-01-01', 'Ø', NULL), -- non-ASCII (invalid UTF-8: rows-bad-utf8.sql)
 (9000006, NULL, NULL, '1950-06-15', 'M', NULL),               -- a million lab results
 (9000007, NULL, NULL, '1980-02-29', 'U', NULL),               -- a 10 MB note, many kinds of junk
 (9000008, NULL, NULL, 'infinity', 'F', '-infinity'),          -- PostgreSQL's infinite dates
 (9000009, NULL, NULL, '0044-03-15 BC', 'M', NULL);            -- before year 1

INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES
 (9000001, 9001, '0001-01-01', '0001-12-31'),
 (9000002, 9001, '9999-01-01', NULL),
 (9000007, 9003, '9999-12-31', '0001-01-01');                  -- ends before it starts

INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind) VALUES
 (9000001, 9000001, 9001, '0001-01-01 00:00:00', 'consultation'),
 (9000002, 9000002, 9002, '9999-12-31 23:59:59.999999', 'home_visit'),  -- role too long: unknown role
 (9000003, 9000003, 9003, '2015-06-01 10:00', repeat('k', 1000)),       -- kind too long
 (9000004, 9000007, 9001, '2016-01-01 08:00', 'consulØtation'),
 (9000005, 9000007, 9001, 'infinity', 'consultation'),
 (9000006, 9000007, 9001, '2016-02-01 08:00', 'consultation');

INSERT INTO fee (contact_id, code) VALUES
 (9000001, '2ad'),
 (9000003, repeat('2', 1000)),                                   -- 1,000-character code
 (9000004, 'Ø'),
 (9000006, '   '),                                               -- empty after trimming
 (9000006, ' 2ad ');

INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code) VALUES
 (9000001, 9000001, NULL, '0001-01-01', 'ICPC-2', 'P76'),       -- depression in year 0001 ...
 (9000002, 9000001, NULL, '0001-03-01', 'ICPC-2', 'P76'),       -- ... twice: new episodes look back
 (9000003, 9000001, NULL, '0001-02-01', 'ICPC-2', 'P74'),       -- anxiety too
 (9000004, 9000001, NULL, '0001-04-01', 'ICPC-2', 'P74'),
 (9000005, 9000002, 9000002, '9999-12-31', 'ICD-10', 'F32.9'),
 (9000006, 9000003, NULL, '2015-01-01', 'ICD-10', repeat('E', 1000)),
 (9000007, 9000003, NULL, '2015-01-01', repeat('I', 1000), 'E11'),
 (9000008, 9000005, NULL, '2015-01-01', 'ICD-10', 'E1Ø'),
 (9000009, 9000007, 9000004, '2016-01-01', 'ICPC-2', 't90'),
 (9000010, 9000007, NULL, 'infinity', 'ICPC-2', 'T90'),
 (9000011, 9000007, NULL, '2016-01-01', 'ICPC-2', E'\t.\r\n');

INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date) VALUES
 (9000001, 9000001, NULL, NULL, 'regular', '0001-01-01', NULL),
 (9000002, 9000002, 'A10BA02', NULL, 'course', '9999-12-31', '0001-01-01'),   -- stops before it starts
 (9000003, 9000003, repeat('A', 1000), repeat('x', 1000), 'as_needed', '2015-01-01', NULL),
 (9000004, 9000007, 'N05AN01', 'Ø', repeat('u', 1000), '2016-01-01', NULL),
 (9000005, 9000007, 'N06AB04', NULL, 'regular', 'infinity', '-infinity');

INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group) VALUES
 (9000001, 9000001, NULL, NULL, '0001-01-01', NULL, NULL, NULL),
 (9000002, 9000001, NULL, NULL, '0001-02-01', 'N06AB04', -3, 'A'),           -- negative ddd
 (9000003, 9000002, NULL, NULL, '9999-12-31', 'N06AB04', 'NaN', 'B'),        -- NaN ddd
 (9000004, 9000003, NULL, NULL, '2015-01-01', 'N06AB04', 'Infinity', 'C'),
 (9000005, 9000003, NULL, NULL, '2015-01-01', 'N06AB04', 1e308, repeat('A', 1000)),
 (9000006, 9000007, NULL, NULL, '2016-01-01', 'N06Ø', 30, 'F'),
 (9000007, 9000007, NULL, NULL, '2016-01-01', repeat('N', 1000), 30, 'F');

INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit) VALUES
 (9000001, 9000001, '0001-01-01', 'NPU27300', NULL, NULL, NULL),
 (9000002, 9000001, '0001-02-01', 'NPU27300', -55.5, '-55,5', 'mmol/mol'),  -- negative
 (9000003, 9000002, '9999-12-31', 'NPU27300', 'NaN', 'NaN', NULL),
 (9000004, 9000003, '2015-01-01', 'NPU27300', '-Infinity', NULL, NULL),
 (9000005, 9000003, '2015-01-01', repeat('N', 1000), 50, repeat('t', 1000), repeat('u', 1000)),
 (9000006, 9000005, '2015-01-01', 'NPUØ', 50, 'Ø', NULL),
 (9000007, 9000007, '2016-01-01', 'npu27300', -1e-300, NULL, NULL),
 (9000008, 9000007, 'infinity', 'NPU27300', 50, NULL, NULL);

-- one patient with a million events: cheap lab rows spread over 2014-2022
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit)
SELECT 9100000 + g, 9000006, date '2014-01-01' + (g % 3287), 'NPU27300', (g % 120) - 10, NULL, NULL
FROM generate_series(1, 1000000) AS g;

INSERT INTO blood_pressure (patient_id, measured_on, systolic, diastolic) VALUES
 (9000001, '0001-01-01', -1, -1),
 (9000002, '9999-12-31', 100000, 2147483647),                  -- out of int16 range
 (9000003, '2015-01-01', -2147483648, 80),
 (9000007, 'infinity', 120, 80);

INSERT INTO form (form_id, patient_id, completed_on, form_type) VALUES
 (9000001, 9000001, '0001-01-01', 'noklus_diabetes'),
 (9000002, 9000002, '9999-12-31', repeat('f', 1000)),          -- form type too long
 (9000003, 9000005, '2015-01-01', 'noklusØ'),
 (9000004, 9000007, 'infinity', 'noklus_diabetes');

INSERT INTO journal_note (note_id, patient_id, contact_id, practitioner_id, written_on, body) VALUES
 (9000001, 9000001, NULL, NULL, '0001-01-01', 'lmg utført'),
 (9000002, 9000002, NULL, NULL, '9999-12-31', 'legemiddelgjennomgang'),
 (9000003, 9000007, NULL, NULL, '2016-01-01', repeat('x', 10000000) || ' lmg'),   -- 10 MB
 (9000004, 9000005, NULL, NULL, '2015-01-01', 'Ø lmg Ø'),         -- non-ASCII (invalid UTF-8: rows-bad-utf8.sql)
 (9000005, 9000007, NULL, NULL, 'infinity', 'lmg'),
 (9000006, 9000007, NULL, NULL, '2016-01-02', repeat('lmg ', 250000));
