-- sanity.sql - epidemiology sanity figures for a kvalind-synth SQLite database:
--   sqlite3 practice.db < tests/synth/sanity.sql
-- list size and adult diabetes prevalence, 70+ on >= 4 regular drugs, diabetics'
-- annual checks / UACR, contacts per listed patient, nurse share, annual checks by year.
-- Simplified readings of indicators.md, for eyeballing, not a reference implementation.
CREATE TEMP TABLE refd(r TEXT);
INSERT INTO refd VALUES ('2013-12-31'),('2015-12-31'),('2017-12-31'),('2018-12-31'),('2019-12-31'),('2021-12-31'),('2022-12-31');
CREATE TEMP VIEW dx AS SELECT patient_id, recorded_on, upper(replace(trim(code, ' '||char(9)||char(10)||char(13)),'.','')) AS c FROM diagnosis;
CREATE TEMP VIEW listed AS
  SELECT DISTINCT r.r, p.patient_id, p.birth_date,
         (CAST(strftime('%Y', r.r) AS INT) - CAST(strftime('%Y', p.birth_date) AS INT)
          - (strftime('%m-%d', r.r) < strftime('%m-%d', p.birth_date))) AS age
  FROM refd r JOIN list_period l ON l.valid_from <= r.r AND (l.valid_to IS NULL OR l.valid_to > r.r)
  JOIN patient p ON p.patient_id = l.patient_id AND (p.death_date IS NULL OR p.death_date > r.r)
  WHERE p.sex IN ('F','M');
CREATE TEMP VIEW dm AS
  SELECT DISTINCT l.r, l.patient_id, l.age FROM listed l JOIN dx d ON d.patient_id = l.patient_id AND d.recorded_on <= l.r
  WHERE d.c IN ('T89','T90') OR substr(d.c,1,3) IN ('E10','E11','E13','E14');
.mode column
.headers on
SELECT 'list size / adults / DM prevalence adults %' AS what;
SELECT l.r, count(*) AS listed, sum(age>=18) AS adults,
  round(100.0*(SELECT count(*) FROM dm WHERE dm.r=l.r AND dm.age>=18)/sum(age>=18),2) AS dm_adult_pct,
  round(100.0*sum(age>=70)/count(*),1) AS pct70plus, round(100.0*sum(age<18)/count(*),1) AS pct_child
FROM listed l GROUP BY l.r;

SELECT '70+ with >=4 regular drugs (distinct ATC, free text each once)' AS what;
WITH reg AS (
  SELECT l.r, l.patient_id,
    count(DISTINCT CASE WHEN m.atc_code IS NOT NULL THEN upper(trim(m.atc_code)) END)
    + sum(m.atc_code IS NULL) AS n
  FROM listed l JOIN medication m ON m.patient_id = l.patient_id AND m.use_type='regular'
       AND m.start_date <= l.r AND (m.stop_date IS NULL OR m.stop_date > l.r)
  WHERE l.age >= 70 GROUP BY l.r, l.patient_id)
SELECT l.r, count(*) AS n70, round(100.0*sum(coalesce(reg.n,0)>=4)/count(*),1) AS pct_4plus,
  round(avg(coalesce(reg.n,0)),2) AS mean_regular
FROM listed l LEFT JOIN reg ON reg.r=l.r AND reg.patient_id=l.patient_id WHERE l.age>=70 GROUP BY l.r;

SELECT 'diabetics: annual check in W12, UACR measured, last UACR>=3' AS what;
WITH w AS (SELECT r, date(r, '+1 day', '-12 months') AS w0 FROM refd),
chk AS (
  SELECT DISTINCT dm.r, dm.patient_id FROM dm JOIN w ON w.r=dm.r
  WHERE EXISTS (SELECT 1 FROM form f WHERE f.patient_id=dm.patient_id AND f.form_type='noklus_diabetes' AND f.completed_on BETWEEN w.w0 AND dm.r)
     OR EXISTS (SELECT 1 FROM contact c JOIN fee ON fee.contact_id=c.contact_id
                WHERE c.patient_id=dm.patient_id AND date(c.contact_time) BETWEEN w.w0 AND dm.r
                AND c.kind IN ('consultation','home_visit','video','e_consultation','phone','letter','meeting','admin')
                AND (lower(trim(fee.code)) IN ('105','100') OR (lower(trim(fee.code)) IN ('109','109a','109b') AND date(c.contact_time) <= '2022-06-30')))),
u AS (
  SELECT dm.r, dm.patient_id,
    (SELECT value_num FROM lab_result x WHERE x.patient_id=dm.patient_id AND upper(trim(x.analysis_code))='NOR15260'
       AND x.value_num IS NOT NULL AND x.sampled_on BETWEEN w.w0 AND dm.r ORDER BY x.sampled_on DESC, x.value_num DESC LIMIT 1) AS last_uacr,
    EXISTS (SELECT 1 FROM lab_result x WHERE x.patient_id=dm.patient_id AND upper(trim(x.analysis_code))='NOR15260'
       AND x.sampled_on BETWEEN w.w0 AND dm.r) AS measured
  FROM dm JOIN w ON w.r=dm.r)
SELECT u.r, count(*) AS diabetics,
  round(100.0*(SELECT count(*) FROM chk WHERE chk.r=u.r)/count(*),1) AS annual_check_pct,
  round(100.0*sum(measured)/count(*),1) AS uacr_measured_pct,
  round(100.0*sum(last_uacr>=3)/sum(last_uacr IS NOT NULL),1) AS uacr_ge3_of_numeric_pct,
  round(100.0*sum(last_uacr>=3)/count(*),1) AS uacr_ge3_of_all_pct
FROM u GROUP BY u.r;

SELECT 'contacts per listed patient in the year ending R (all kinds / non-admin / face-to-face)' AS what;
SELECT l.r, count(DISTINCT l.patient_id) AS listed,
  round(1.0*count(c.contact_id)/count(DISTINCT l.patient_id),2) AS all_kinds,
  round(1.0*sum(c.kind<>'admin')/count(DISTINCT l.patient_id),2) AS non_admin,
  round(1.0*sum(c.kind IN ('consultation','home_visit','video'))/count(DISTINCT l.patient_id),2) AS f2f
FROM listed l LEFT JOIN contact c ON c.patient_id=l.patient_id AND date(c.contact_time) BETWEEN date(l.r,'+1 day','-12 months') AND l.r
GROUP BY l.r;

SELECT 'nurse share of contacts per year' AS what;
SELECT strftime('%Y', c.contact_time) AS y, count(*) AS contacts,
  round(100.0*sum(p.role='nurse')/count(*),1) AS nurse_pct, round(100.0*sum(p.role='gp')/count(*),1) AS gp_pct
FROM contact c JOIN practitioner p ON p.practitioner_id=c.practitioner_id GROUP BY y;


SELECT 'annual check (noklus form or valid fee in W12) among listed diabetics, by reference date' AS what;
DELETE FROM refd;
INSERT INTO refd VALUES ('2014-12-31'),('2015-12-31'),('2016-12-31'),('2017-12-31'),('2018-03-31'),('2018-12-31'),('2019-12-31'),('2020-12-31'),('2021-12-31'),('2022-12-31'),('2023-06-30');
CREATE TEMP TABLE dmx AS SELECT DISTINCT patient_id, min(recorded_on) OVER (PARTITION BY patient_id) first_on FROM diagnosis WHERE upper(replace(trim(code, ' '||char(9)||char(10)||char(13)),'.','')) IN ('T89','T90') OR substr(upper(trim(code, ' '||char(9)||char(10)||char(13))),1,3) IN ('E10','E11','E13','E14');
CREATE TEMP TABLE chk AS
  SELECT patient_id, completed_on d FROM form WHERE form_type='noklus_diabetes'
  UNION SELECT c.patient_id, date(c.contact_time) FROM contact c JOIN fee f USING (contact_id)
   WHERE c.kind IN ('consultation','home_visit','video','e_consultation','phone','letter','meeting','admin')
     AND (lower(trim(f.code)) IN ('105','100') OR (lower(trim(f.code)) IN ('109','109a','109b') AND date(c.contact_time) <= '2022-06-30'));
CREATE INDEX chk_i ON chk(patient_id, d);
SELECT r.r,
  count(*) AS diabetics,
  round(100.0*sum(EXISTS (SELECT 1 FROM chk WHERE chk.patient_id=x.patient_id AND chk.d BETWEEN date(r.r,'+1 day','-12 months') AND r.r))/count(*),1) AS annual_check_pct
FROM refd r JOIN (SELECT DISTINCT l.patient_id, rr.r FROM refd rr JOIN list_period l ON l.valid_from <= rr.r AND (l.valid_to IS NULL OR l.valid_to > rr.r)
                  JOIN patient p ON p.patient_id=l.patient_id AND (p.death_date IS NULL OR p.death_date > rr.r) AND p.sex IN ('F','M','U')
                  JOIN dmx ON dmx.patient_id=l.patient_id AND dmx.first_on <= rr.r) x ON x.r = r.r
GROUP BY r.r;
