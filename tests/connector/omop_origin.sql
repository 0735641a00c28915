-- The omop connector's origin (kv_patient_origin) fixture, for
-- check_reference's "omop connector" suite: local_ref is person.person_id,
-- list_holder person.provider_id (0 when NULL). Loaded after
-- plugins/omop/schema/omop_{postgresql,sqlite}.sql; valid in PostgreSQL 15
-- and SQLite 3. No vocabulary: no drugs, no ancestors. Obviously fake.

INSERT INTO provider (provider_id, provider_name, specialty_concept_id) VALUES
 (7, 'GP seven', 38004446),
 (2147483001, 'GP with a large key', 38004453),
 (8, 'a nurse', 32581);

-- 16 is a bad row (month 13): not delivered, so no origin either.
-- 18's provider is in no provider row: still its list holder.
INSERT INTO person (person_id, gender_concept_id, year_of_birth, month_of_birth, day_of_birth, birth_datetime, race_concept_id, ethnicity_concept_id, provider_id, care_site_id) VALUES
 (11, 8507, 1950, 3, 4, NULL, 0, 0, 7, 1),
 (12, 8532, 1960, NULL, NULL, NULL, 0, 0, NULL, 1),
 (14, 8532, 1975, 5, 6, NULL, 0, 0, 8, NULL),
 (16, 8507, 1980, 13, 1, NULL, 0, 0, 7, 1),
 (18, 8507, 1990, 1, 1, NULL, 0, 0, 99, 1),
 (2147483000, 8532, 2001, 2, 3, '2001-02-03 00:00:00', 0, 0, 2147483001, 1);

INSERT INTO observation_period (observation_period_id, person_id, observation_period_start_date, observation_period_end_date, period_type_concept_id) VALUES
 (1, 11, '2010-01-01', '2024-12-31', 32817),
 (2, 12, '2015-06-01', '2020-12-31', 32817),
 (3, 2147483000, '2020-01-01', '2024-12-31', 32817);

INSERT INTO visit_occurrence (visit_occurrence_id, person_id, visit_concept_id, visit_start_date, visit_end_date, visit_type_concept_id, provider_id) VALUES
 (1, 11, 9202, '2023-03-01', '2023-03-01', 32817, 7),
 (2, 12, 9202, '2019-05-02', '2019-05-02', 32817, 8),
 (3, 2147483000, 581477, '2024-01-10', '2024-01-10', 32817, 2147483001);

-- 100 more visits each for 11, 12, 14 and 18: a budget of 64 KiB then
-- reads the persons in several person_id ranges.
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 400)
INSERT INTO visit_occurrence (visit_occurrence_id, person_id, visit_concept_id, visit_start_date, visit_end_date, visit_type_concept_id, provider_id)
SELECT 100 + n, CASE n % 4 WHEN 0 THEN 11 WHEN 1 THEN 12 WHEN 2 THEN 14 ELSE 18 END, 9202, '2018-04-05', '2018-04-05', 32817, 7 FROM g;

-- ABI 2.1: the patient key (setting patient_key) is person_source_value by
-- default; 12 has none and 14 an empty one (key NULL: the core shows
-- person_id); 16 is a bad row.
UPDATE person SET person_source_value = 'P-11' WHERE person_id = 11;
UPDATE person SET person_source_value = '' WHERE person_id = 14;
UPDATE person SET person_source_value = 'P-16' WHERE person_id = 16;
UPDATE person SET person_source_value = 'Ø-18' WHERE person_id = 18;
UPDATE person SET person_source_value = 'P-2147483000' WHERE person_id = 2147483000;
