-- A generated practice for check_reference.c (PostgreSQL): 1500 patients
-- and some 45000 rows over every table, with the same kinds of good and bad
-- values as fixture.sql. The test copies it row by row into SQLite, reads it
-- through the three transports with a large and with a small memory budget,
-- and requires identical patients and counts.

INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES
 (1, NULL, 'a', 'gp'), (2, NULL, 'b', 'nurse'), (3, NULL, 'c', 'secretary'),
 (4, NULL, 'd', 'psychologist'), (5, NULL, 'e', 'other'), (6, NULL, 'f', 'GP');

WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 1500)
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date)
SELECT n * 7 + 3, NULL, NULL, CAST((1920 + n % 90) || '-' || CASE WHEN (1 + n % 12) < 10 THEN '0' ELSE '' END || (1 + n % 12) || '-' || CASE WHEN (1 + n % 28) < 10 THEN '0' ELSE '' END || (1 + n % 28) AS date),
  CASE n % 11 WHEN 0 THEN 'U' WHEN 1 THEN 'X' WHEN 2 THEN 'M' WHEN 3 THEN 'M' WHEN 4 THEN 'M' ELSE 'F' END,
  CASE WHEN n % 13 = 0 THEN CAST((2015 + n % 10) || '-' || CASE WHEN (1 + n % 12) < 10 THEN '0' ELSE '' END || (1 + n % 12) || '-' || CASE WHEN (1 + n % 28) < 10 THEN '0' ELSE '' END || (1 + n % 28) AS date) ELSE NULL END
FROM g;

WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 1800)
INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to)
SELECT ((n % 1500) + 1) * 7 + 3, 1 + n % 5, CAST((2005 + n % 15) || '-' || CASE WHEN (1 + n % 12) < 10 THEN '0' ELSE '' END || (1 + n % 12) || '-' || CASE WHEN (1 + n % 28) < 10 THEN '0' ELSE '' END || (1 + n % 28) AS date),
  CASE WHEN n % 4 = 0 THEN CAST((2020 + n % 6) || '-' || CASE WHEN (1 + n % 12) < 10 THEN '0' ELSE '' END || (1 + n % 12) || '-' || CASE WHEN (1 + n % 28) < 10 THEN '0' ELSE '' END || (1 + n % 28) AS date) ELSE NULL END
FROM g;

WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 6000)
INSERT INTO contact (contact_id, patient_id, practitioner_id, contact_time, kind)
SELECT 100000 + n, (((n * 31) % 1500) + 1) * 7 + 3, 1 + n % 6,
  CAST((2014 + n % 12) || '-' || CASE WHEN (1 + n % 12) < 10 THEN '0' ELSE '' END || (1 + n % 12) || '-' || CASE WHEN (1 + (n * 3) % 28) < 10 THEN '0' ELSE '' END || (1 + (n * 3) % 28) || ' ' || CASE WHEN (n % 24) < 10 THEN '0' ELSE '' END || (n % 24) || ':' || CASE WHEN (n % 60) < 10 THEN '0' ELSE '' END || (n % 60) || ':00' AS timestamp),
  CASE n % 9 WHEN 0 THEN 'consultation' WHEN 1 THEN 'home_visit' WHEN 2 THEN 'video' WHEN 3 THEN 'e_consultation' WHEN 4 THEN 'phone' WHEN 5 THEN 'letter' WHEN 6 THEN 'meeting' WHEN 7 THEN 'admin' ELSE 'visit' END
FROM g;

WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 8000)
INSERT INTO fee (contact_id, code)
SELECT 100001 + (n * 13) % 6000, CASE n % 7 WHEN 0 THEN '2ad' WHEN 1 THEN '2LD' WHEN 2 THEN ' 105 ' WHEN 3 THEN '2ae' WHEN 4 THEN '' WHEN 5 THEN '11ad' ELSE '2ld' END FROM g;

WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 5000)
INSERT INTO diagnosis (diagnosis_id, patient_id, contact_id, recorded_on, code_system, code)
SELECT 200000 + n, ((n % 1500) + 1) * 7 + 3, CASE WHEN n % 3 = 0 THEN NULL ELSE 100001 + (n * 7) % 6000 END,
  CAST((2013 + n % 13) || '-' || CASE WHEN (1 + n % 12) < 10 THEN '0' ELSE '' END || (1 + n % 12) || '-' || CASE WHEN (1 + n % 28) < 10 THEN '0' ELSE '' END || (1 + n % 28) AS date),
  CASE n % 17 WHEN 0 THEN 'ICPC2' WHEN 1 THEN 'ICPC-2' WHEN 2 THEN 'ICPC-2' WHEN 3 THEN 'ICPC-2' ELSE 'ICD-10' END,
  CASE n % 10 WHEN 0 THEN 'e11.9' WHEN 1 THEN ' t90 ' WHEN 2 THEN 'J44.10' WHEN 3 THEN 'K86' WHEN 4 THEN 'F32.1' WHEN 5 THEN '..' WHEN 6 THEN 'P76' WHEN 7 THEN 'i25.1' WHEN 8 THEN 'R95' ELSE 'F41' END
FROM g;

WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 4000)
INSERT INTO medication (medication_id, patient_id, atc_code, drug_name, use_type, start_date, stop_date)
SELECT 300000 + n, ((n % 1500) + 1) * 7 + 3, CASE n % 8 WHEN 0 THEN 'C10AA01' WHEN 1 THEN ' c07ab02' WHEN 2 THEN NULL WHEN 3 THEN 'N05BA01' WHEN 4 THEN 'H02AB06' WHEN 5 THEN '' WHEN 6 THEN 'N06AB04' ELSE 'A10BA02' END, 'x',
  CASE n % 10 WHEN 0 THEN 'course' WHEN 1 THEN 'as_needed' WHEN 2 THEN 'daily' ELSE 'regular' END,
  CAST((2012 + n % 14) || '-' || CASE WHEN (1 + n % 12) < 10 THEN '0' ELSE '' END || (1 + n % 12) || '-' || CASE WHEN (1 + n % 28) < 10 THEN '0' ELSE '' END || (1 + n % 28) AS date),
  CASE WHEN n % 3 = 0 THEN CAST((2020 + n % 6) || '-' || CASE WHEN (1 + n % 12) < 10 THEN '0' ELSE '' END || (1 + n % 12) || '-' || CASE WHEN (1 + n % 28) < 10 THEN '0' ELSE '' END || (1 + n % 28) AS date) ELSE NULL END
FROM g;

WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 4000)
INSERT INTO prescription (prescription_id, patient_id, medication_id, practitioner_id, issued_on, atc_code, ddd_count, prescription_group)
SELECT 400000 + n, ((n % 1500) + 1) * 7 + 3, NULL, 1, CAST((2013 + n % 13) || '-' || CASE WHEN (1 + n % 12) < 10 THEN '0' ELSE '' END || (1 + n % 12) || '-' || CASE WHEN (1 + n % 28) < 10 THEN '0' ELSE '' END || (1 + n % 28) AS date), CASE n % 8 WHEN 0 THEN 'C10AA01' WHEN 1 THEN ' c07ab02' WHEN 2 THEN NULL WHEN 3 THEN 'N05BA01' WHEN 4 THEN 'H02AB06' WHEN 5 THEN '' WHEN 6 THEN 'N06AB04' ELSE 'A10BA02' END,
  CASE WHEN n % 9 = 0 THEN NULL WHEN n % 23 = 0 THEN -1.5 ELSE (n % 200) / 4.0 END,
  CASE n % 6 WHEN 0 THEN NULL WHEN 1 THEN 'A' WHEN 2 THEN 'B' WHEN 3 THEN 'C' WHEN 4 THEN 'F' ELSE 'b' END
FROM g;

WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 5000)
INSERT INTO lab_result (lab_result_id, patient_id, sampled_on, analysis_code, value_num, value_text, unit)
SELECT 500000 + n, ((n % 1500) + 1) * 7 + 3, CAST((2014 + n % 12) || '-' || CASE WHEN (1 + n % 12) < 10 THEN '0' ELSE '' END || (1 + n % 12) || '-' || CASE WHEN (1 + n % 28) < 10 THEN '0' ELSE '' END || (1 + n % 28) AS date), CASE n % 6 WHEN 0 THEN 'NPU27300' WHEN 1 THEN 'npu03835' WHEN 2 THEN 'NOR15260' WHEN 3 THEN ' NPU18016 ' WHEN 4 THEN '' ELSE 'NPU01568' END,
  CASE WHEN n % 5 = 0 THEN NULL ELSE (n % 400) / 8.0 END, 'v', NULL
FROM g;

WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 5000)
INSERT INTO blood_pressure (patient_id, measured_on, systolic, diastolic)
SELECT ((n % 1500) + 1) * 7 + 3, CAST((2014 + n % 12) || '-' || CASE WHEN (1 + n % 12) < 10 THEN '0' ELSE '' END || (1 + n % 12) || '-' || CASE WHEN (1 + n % 28) < 10 THEN '0' ELSE '' END || (1 + n % 28) AS date),
  CASE WHEN n % 211 = 0 THEN 70000 ELSE 100 + n % 90 END, 60 + n % 40
FROM g;

WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 1200)
INSERT INTO form (form_id, patient_id, completed_on, form_type)
SELECT 600000 + n, ((n % 1500) + 1) * 7 + 3, CAST((2015 + n % 11) || '-' || CASE WHEN (1 + n % 12) < 10 THEN '0' ELSE '' END || (1 + n % 12) || '-' || CASE WHEN (1 + n % 28) < 10 THEN '0' ELSE '' END || (1 + n % 28) AS date),
  CASE n % 3 WHEN 0 THEN 'noklus_diabetes' WHEN 1 THEN 'other_form' ELSE 'Noklus_Diabetes' END
FROM g;

WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 6000)
INSERT INTO journal_note (note_id, patient_id, contact_id, practitioner_id, written_on, body)
SELECT 700000 + n, ((n % 1500) + 1) * 7 + 3, NULL, 1, CAST((2016 + n % 10) || '-' || CASE WHEN (1 + n % 12) < 10 THEN '0' ELSE '' END || (1 + n % 12) || '-' || CASE WHEN (1 + n % 28) < 10 THEN '0' ELSE '' END || (1 + n % 28) AS date), CASE n % 12 WHEN 0 THEN 'LMG:' WHEN 1 THEN 'Plan: lmg, neste' WHEN 2 THEN 'lmgx' WHEN 3 THEN 'legemiddelgjennomgang.' WHEN 4 THEN '(lmg)' WHEN 5 THEN 'LMG-takst' WHEN 6 THEN 'ikke relevant' WHEN 7 THEN 'Andrélmg:' WHEN 8 THEN 'ØLMG' WHEN 9 THEN 'LMG GJENNOMGÅTT.' WHEN 10 THEN 'gjennomgått' ELSE 'x -lmg y' END
FROM g;
