-- Patient ids at both ends of the 64-bit range in one database (SQLite keeps
-- any integer in a bigint column). Loaded by tests/hostile/run.sh into its
-- own copy of the practice: with these two ids the span of patient_ids of a
-- range wraps to 0 and the connector's dense index is allocated empty
-- (once plugins/reference/ref_assemble.c, patients_done; now
-- plugins/common/kvdb_stage.c, kvdb_pats_index): a heap overflow, a
-- segfault in the normal build. Fixed; see tests/hostile/run.sh.
INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date) VALUES
 (9223372036854775807, NULL, NULL, '1970-01-01', 'F', NULL),    -- the largest id
 (-9223372036854775808, NULL, NULL, '1970-01-01', 'M', NULL);   -- the smallest id
