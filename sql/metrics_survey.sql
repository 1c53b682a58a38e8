-- metrics_survey: NPS and CSAT as aggregates over a concrete, mergeable
-- state (retention.survey_counts), serial and parallel alike
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS retention CASCADE;
CREATE EXTENSION retention;
RESET client_min_messages;
\set SHOW_CONTEXT never

-- promoters 10, 10, 9 (3); passives 8, 7 (2); detractors 6, 0 (2); 7 answers:
-- NPS = (3 - 2) / 7 * 100 = 14.285714...
SELECT round(retention.nps(s)::numeric, 6) AS nps
  FROM unnest(ARRAY[10, 10, 9, 8, 7, 6, 0]) s;
SELECT (retention.nps_detail(s)).* FROM unnest(ARRAY[10, 10, 9, 8, 7, 6, 0]) s;
-- CSAT: 4 or 5 out of 1..5: 5, 4, 4 of 5 answers = 60%
SELECT round(retention.csat(s)::numeric, 6) AS csat FROM unnest(ARRAY[5, 4, 4, 2, 1]) s;
-- NULL answers are skipped; no answers give NULL
SELECT retention.nps(s) AS nps_of_nulls FROM unnest(ARRAY[NULL, NULL]::int[]) s;
SELECT round(retention.nps(s)::numeric, 6) AS nps_with_a_null FROM unnest(ARRAY[10, NULL, 0]) s;
-- out of range
SELECT retention.nps(s) FROM unnest(ARRAY[11]) s;
SELECT retention.csat(s) FROM unnest(ARRAY[0]) s;
-- the state's text form round-trips
SELECT '(1,0,0,0,0,0,0,2,0,3,1)'::retention.survey_counts::text AS state;
SELECT '(1,0,0)'::retention.survey_counts;

-- parallel equals serial
CREATE TABLE answers AS SELECT g % 11 AS score, g % 7 AS grp FROM generate_series(1, 200000) g;
ANALYZE answers;
CREATE TEMP TABLE serial AS SELECT grp, retention.nps(score) AS nps FROM answers GROUP BY grp;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT grp, retention.nps(score) FROM answers GROUP BY grp;
SELECT count(*) AS groups_differing
  FROM (SELECT grp, retention.nps(score) AS nps FROM answers GROUP BY grp) p
  JOIN serial s USING (grp) WHERE p.nps IS DISTINCT FROM s.nps;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
DROP TABLE answers;
SET client_min_messages = warning;
DROP EXTENSION retention CASCADE;
