-- The ABI 2.1 origin and names fixture for check_reference.c: loaded after
-- fixture.sql into database keys (PostgreSQL) and keys.db (SQLite). A
-- second patient-number column for the patient_key setting, the keys'
-- edge cases, and ids far apart so a names() lookup needs several chunks
-- of 500 ids. Obviously fake.

ALTER TABLE patient ADD COLUMN record_no text;
UPDATE patient SET record_no = 'J-101' WHERE patient_id = 101;
UPDATE patient SET record_no = '' WHERE patient_id = 102;       -- empty: key NULL
-- 103: NULL, key NULL
UPDATE patient SET record_no = 'J-104' WHERE patient_id = 104;  -- a bad row: not delivered
-- 64 bytes, one too many: counted "patient key too long", key NULL, still delivered
UPDATE patient SET record_no = '1234567890123456789012345678901234567890123456789012345678901234' WHERE patient_id = 105;
-- 63 bytes, the longest key
UPDATE patient SET record_no = 'K23456789012345678901234567890123456789012345678901234567890123' WHERE patient_id = 106;
UPDATE patient SET record_no = 'J-107' WHERE patient_id = 107;
UPDATE patient SET record_no = 'Ø-108' WHERE patient_id = 108;  -- UTF-8 passes as it is

INSERT INTO patient (patient_id, national_id, name, birth_date, sex, death_date, record_no) VALUES
 (700, NULL, 'Siri Sjuhundre', '1971-07-07', 'F', NULL, 'J-700'),
 (1100, NULL, NULL, '1981-01-01', 'M', NULL, 'J-1100');          -- no name: left out

INSERT INTO practitioner (practitioner_id, hpr_number, name, role) VALUES
 (900, NULL, 'Dr Nihundre', 'gp');

INSERT INTO list_period (patient_id, gp_id, valid_from, valid_to) VALUES
 (700, 900, '2020-01-01', NULL);
