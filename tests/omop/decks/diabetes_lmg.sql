-- A hand-made OMOP CDM 5.4 deck: three persons, the vocabulary rows they
-- use, for the diabetes and medication-review indicators through the omop
-- connector. Valid in PostgreSQL 15 and SQLite 3. Obviously fake.

-- vocabulary: SNOMED conditions and procedure, LOINC analyses, UCUM units,
-- the visit concept, RxNorm drugs and their ATC classes
INSERT INTO concept (concept_id, concept_name, domain_id, vocabulary_id, concept_class_id, standard_concept, concept_code, valid_start_date, valid_end_date) VALUES
 (201826, 'Type 2 diabetes mellitus', 'Condition', 'SNOMED', 'Clinical Finding', 'S', '44054006', '1970-01-01', '2099-12-31'),
 (4226121, 'Retinopathy due to type 2 diabetes mellitus', 'Condition', 'SNOMED', 'Clinical Finding', 'S', '422034002', '1970-01-01', '2099-12-31'),
 (320128, 'Essential hypertension', 'Condition', 'SNOMED', 'Clinical Finding', 'S', '59621000', '1970-01-01', '2099-12-31'),
 (4326177, 'Medication Reconciliation', 'Procedure', 'SNOMED', 'Procedure', 'S', '430193006', '1970-01-01', '2099-12-31'),
 (3004410, 'Hemoglobin A1c/Hemoglobin.total in Blood', 'Measurement', 'LOINC', 'Lab Test', 'S', '4548-4', '1970-01-01', '2099-12-31'),
 (40762352, 'Hemoglobin A1c/Hemoglobin.total in Blood by IFCC protocol', 'Measurement', 'LOINC', 'Lab Test', 'S', '59261-8', '1970-01-01', '2099-12-31'),
 (3001802, 'Microalbumin/Creatinine [Mass Ratio] in Urine', 'Measurement', 'LOINC', 'Lab Test', 'S', '14959-1', '1970-01-01', '2099-12-31'),
 (3004249, 'Systolic blood pressure', 'Measurement', 'LOINC', 'Clinical Observation', 'S', '8480-6', '1970-01-01', '2099-12-31'),
 (3012888, 'Diastolic blood pressure', 'Measurement', 'LOINC', 'Clinical Observation', 'S', '8462-4', '1970-01-01', '2099-12-31'),
 (8554, 'percent', 'Unit', 'UCUM', 'Unit', 'S', '%', '1970-01-01', '2099-12-31'),
 (8723, 'milligram per gram', 'Unit', 'UCUM', 'Unit', 'S', 'mg/g', '1970-01-01', '2099-12-31'),
 (9579, 'millimole per mole', 'Unit', 'UCUM', 'Unit', 'S', 'mmol/mol', '1970-01-01', '2099-12-31'),
 (8876, 'millimeter mercury column', 'Unit', 'UCUM', 'Unit', 'S', 'mm[Hg]', '1970-01-01', '2099-12-31'),
 (9202, 'Outpatient Visit', 'Visit', 'Visit', 'Visit', 'S', 'OP', '1970-01-01', '2099-12-31'),
 (1539463, 'simvastatin 10 MG Oral Tablet', 'Drug', 'RxNorm', 'Clinical Drug', 'S', '314231', '1970-01-01', '2099-12-31'),
 (19080128, 'lisinopril 10 MG Oral Tablet', 'Drug', 'RxNorm', 'Clinical Drug', 'S', '314076', '1970-01-01', '2099-12-31'),
 (19078106, 'hydrochlorothiazide 25 MG Oral Tablet', 'Drug', 'RxNorm', 'Clinical Drug', 'S', '310798', '1970-01-01', '2099-12-31'),
 (19073094, 'amlodipine 2.5 MG Oral Tablet', 'Drug', 'RxNorm', 'Clinical Drug', 'S', '308136', '1970-01-01', '2099-12-31'),
 (1127433, 'acetaminophen 325 MG Oral Tablet', 'Drug', 'RxNorm', 'Clinical Drug', 'S', '313782', '1970-01-01', '2099-12-31'),
 (21600712, 'simvastatin', 'Drug', 'ATC', 'ATC 5th', 'C', 'C10AA01', '1970-01-01', '2099-12-31'),
 (21601783, 'lisinopril', 'Drug', 'ATC', 'ATC 5th', 'C', 'C09AA03', '1970-01-01', '2099-12-31'),
 (21601462, 'hydrochlorothiazide', 'Drug', 'ATC', 'ATC 5th', 'C', 'C03AA03', '1970-01-01', '2099-12-31'),
 (21601745, 'amlodipine', 'Drug', 'ATC', 'ATC 5th', 'C', 'C08CA01', '1970-01-01', '2099-12-31'),
 (21600782, 'HMG CoA reductase inhibitors', 'Drug', 'ATC', 'ATC 4th', 'C', 'C10AA', '1970-01-01', '2099-12-31');

-- 422034002 is a descendant of 44054006; the ATC classes are ancestors of
-- the RxNorm drugs (the 4th level is not a code the connector picks).
-- acetaminophen has no ATC class here: delivered without ATC, counted.
INSERT INTO concept_ancestor (ancestor_concept_id, descendant_concept_id, min_levels_of_separation, max_levels_of_separation) VALUES
 (201826, 201826, 0, 0),
 (201826, 4226121, 1, 2),
 (21600712, 1539463, 2, 2),
 (21600782, 1539463, 3, 3),
 (21601783, 19080128, 2, 2),
 (21601462, 19078106, 2, 2),
 (21601745, 19073094, 2, 2);

INSERT INTO person (person_id, gender_concept_id, year_of_birth, month_of_birth, day_of_birth, birth_datetime, race_concept_id, ethnicity_concept_id) VALUES
 (1, 8507, 1950, 3, 4, '1950-03-04 00:00:00', 0, 0),
 (2, 8532, 1960, NULL, NULL, NULL, 0, 0),
 (3, 8507, 1970, 1, 1, NULL, 0, 0);

INSERT INTO observation_period (observation_period_id, person_id, observation_period_start_date, observation_period_end_date, period_type_concept_id) VALUES
 (1, 1, '2019-01-01', '2023-12-31', 44814724),
 (2, 2, '2019-01-01', '2023-12-31', 44814724),
 -- person 3 leaves on 2021-12-31: not listed in 2022
 (3, 3, '2019-01-01', '2021-12-31', 44814724);

INSERT INTO visit_occurrence (visit_occurrence_id, person_id, visit_concept_id, visit_start_date, visit_end_date, visit_type_concept_id) VALUES
 (11, 1, 9202, '2020-03-01', '2020-03-01', 44818517),
 (12, 1, 9202, '2022-05-10', '2022-05-10', 44818517),
 (13, 1, 9202, '2022-06-01', '2022-06-01', 44818517),
 (21, 2, 9202, '2021-01-01', '2021-01-01', 44818517),
 (22, 2, 9202, '2022-05-20', '2022-05-20', 44818517),
 (31, 3, 9202, '2021-06-01', '2021-06-01', 44818517);

-- person 1: type 2 diabetes itself; person 2: only a descendant (counts
-- through concept_ancestor); person 3: diabetes, but not listed in 2022
INSERT INTO condition_occurrence (condition_occurrence_id, person_id, condition_concept_id, condition_start_date, condition_type_concept_id, visit_occurrence_id, condition_source_concept_id) VALUES
 (101, 1, 201826, '2020-03-01', 32020, 11, 201826),
 (102, 1, 320128, '2020-03-01', 32020, 11, 320128),
 (201, 2, 4226121, '2021-01-01', 32020, 21, 4226121),
 (301, 3, 201826, '2021-06-01', 32020, 31, 201826);

-- person 1: HbA1c 6.5 % = 47.5 mmol/mol (< 52); UACR 40 mg/g = 4.52 mg/mmol
-- (>= 3); blood pressure 130/80 (<= 140/85) as two rows of one visit.
-- person 2: HbA1c 75 mmol/mol (> 70); no UACR; a systolic without its
-- diastolic (unpaired: a bad row, no blood pressure)
INSERT INTO measurement (measurement_id, person_id, measurement_concept_id, measurement_date, measurement_type_concept_id, value_as_number, unit_concept_id, visit_occurrence_id) VALUES
 (1001, 1, 3004410, '2022-05-10', 32856, 6.5, 8554, 12),
 (1002, 1, 3001802, '2022-05-10', 32856, 40, 8723, 12),
 (1003, 1, 3004249, '2022-05-10', 32856, 130, 8876, 12),
 (1004, 1, 3012888, '2022-05-10', 32856, 80, 8876, 12),
 (2001, 2, 40762352, '2022-05-20', 32856, 75, 9579, 22),
 (2002, 2, 3004249, '2022-05-20', 32856, 150, 8876, 22);

-- both: four regular drugs in use through 2022 (365 days >= 90), one a
-- statin; person 2 also a 10-day course of acetaminophen (no ATC)
INSERT INTO drug_exposure (drug_exposure_id, person_id, drug_concept_id, drug_exposure_start_date, drug_exposure_end_date, drug_type_concept_id, days_supply, refills) VALUES
 (501, 1, 1539463, '2022-01-01', '2022-12-31', 32869, 365, 0),
 (502, 1, 19080128, '2022-01-01', '2022-12-31', 32869, 365, 0),
 (503, 1, 19078106, '2022-01-01', '2022-12-31', 32869, 365, 0),
 (504, 1, 19073094, '2022-01-01', '2022-12-31', 32869, 365, 0),
 (601, 2, 1539463, '2022-01-01', '2022-12-31', 32869, 365, 0),
 (602, 2, 19080128, '2022-01-01', '2022-12-31', 32869, 365, 0),
 (603, 2, 19078106, '2022-01-01', '2022-12-31', 32869, 365, 0),
 (604, 2, 19073094, '2022-01-01', '2022-12-31', 32869, 365, 0),
 (605, 2, 1127433, '2022-05-20', '2022-05-29', 32869, 10, 0);

-- person 1: medication reconciliation on 2022-06-01 (LMG in June, not May)
INSERT INTO procedure_occurrence (procedure_occurrence_id, person_id, procedure_concept_id, procedure_date, procedure_type_concept_id, visit_occurrence_id) VALUES
 (701, 1, 4326177, '2022-06-01', 38000267, 13);
