-- The health aggregate: retention.health(measure, value, observed_at, as_of
-- [, scorecard]).  Every expected value is computed by hand in the comments.
-- As of 2024-07-01 00:00 UTC, the windows are: usage and support_tickets
-- (30 days) (06-01 00:00, 07-01 00:00], happiness (90 days) (04-02 00:00,
-- 07-01 00:00], and the 7-day test measures (06-24 00:00, 07-01 00:00].
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS retention CASCADE;
RESET client_min_messages;
CREATE EXTENSION retention;
SET timezone = 'UTC';
\set SHOW_CONTEXT never

CREATE FUNCTION pg_temp.try(stmt text) RETURNS text
	LANGUAGE plpgsql AS $$
DECLARE
	st text;
	msg text;
BEGIN
	EXECUTE stmt;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
	RETURN st || ': ' || msg;
END
$$;

-- One single-measure scorecard per rollup, so that score = sub-score
BEGIN;
INSERT INTO retention.measures (name, rollup, window_length, zero_at, full_at) VALUES
	('r_avg', 'avg', '7 days', 0, 100),
	('r_sum', 'sum', '7 days', 0, 200),
	('r_count', 'count', '7 days', 0, 10),
	('r_last', 'last', '7 days', 0, 100),
	('r_min', 'min', '7 days', 0, 100),
	('r_max', 'max', '7 days', 0, 100),
	('latency', 'avg', '7 days', 500, 100),
	('edge', 'last', '7 days', 0, 100);
INSERT INTO retention.scorecards (name) VALUES
	('c_avg'), ('c_sum'), ('c_count'), ('c_last'), ('c_min'), ('c_max'),
	('c_latency'), ('c_edge');
INSERT INTO retention.scorecards (name, red_below, yellow_below) VALUES
	('c_edge2', 50, 80), ('enterprise', 50, 80);
INSERT INTO retention.scorecard_measures (scorecard, measure, weight) VALUES
	('c_avg', 'r_avg', 1), ('c_sum', 'r_sum', 1), ('c_count', 'r_count', 1),
	('c_last', 'r_last', 1), ('c_min', 'r_min', 1), ('c_max', 'r_max', 1),
	('c_latency', 'latency', 2), ('c_edge', 'edge', 1), ('c_edge2', 'edge', 1),
	('enterprise', 'usage', 1), ('enterprise', 'happiness', 3);
COMMIT;

CREATE TEMP TABLE t (product int, measure text, value float8, observed_at timestamptz);

-- 1: the worked example.  usage avg(10, 20) = 15 -> 75; happiness last 6
-- (06-01, after 8 on 05-01) -> 60; 3 tickets -> 100 * (3 - 10) / (0 - 10) =
-- 70.  (50 * 75 + 30 * 60 + 20 * 70) / 100 = 69.5, yellow, coverage 1;
-- costs usage 50 * 25 = 1250 > happiness 30 * 40 = 1200 > tickets 600.
INSERT INTO t VALUES
	(1, 'usage', 10, '2024-06-10'), (1, 'usage', 20, '2024-06-20'),
	(1, 'happiness', 8, '2024-05-01'), (1, 'happiness', 6, '2024-06-01'),
	(1, 'support_tickets', NULL, '2024-06-05'), (1, 'support_tickets', 1, '2024-06-06'),
	(1, 'support_tickets', NULL, '2024-06-07');
SELECT h, retention.score(h), retention.band(h), retention.coverage(h), retention.weakest_measure(h)
  FROM (SELECT retention.health(measure, value, observed_at, '2024-07-01') AS h
		  FROM t WHERE product = 1) s;

-- 2 and 3: every rollup over the same rows, inserted in opposite orders.
-- In the window: 10, 60, 40, 30 and 45 (both at 06-28 12:00) and a NULL
-- (06-29); 5 (06-20) is outside.  avg 185 / 5 = 37 (red); sum 185 -> 100 *
-- 185 / 200 = 92.5 (green); count 6 rows -> 60 (yellow); last = 45, the
-- larger of the two latest, the NULL being no value (yellow); min 10 (red);
-- max 60 (yellow).  Rows of other measures are ignored by each scorecard.
INSERT INTO t
SELECT 2, m, v, at
  FROM unnest(ARRAY['r_avg', 'r_sum', 'r_count', 'r_last', 'r_min', 'r_max']) m,
	   (VALUES (10, timestamptz '2024-06-25'), (60, '2024-06-26'), (40, '2024-06-27'),
			   (30, '2024-06-28 12:00'), (45, '2024-06-28 12:00'), (NULL, '2024-06-29'),
			   (5, '2024-06-20')) d(v, at);
INSERT INTO t
SELECT 3, m, v, at
  FROM unnest(ARRAY['r_avg', 'r_sum', 'r_count', 'r_last', 'r_min', 'r_max']) m,
	   (VALUES (5, timestamptz '2024-06-20'), (NULL, '2024-06-29'), (45, '2024-06-28 12:00'),
			   (30, '2024-06-28 12:00'), (40, '2024-06-27'), (60, '2024-06-26'),
			   (10, '2024-06-25')) d(v, at);
SELECT card, product, retention.health(measure, value, observed_at, '2024-07-01', card)
  FROM t, unnest(ARRAY['c_avg', 'c_sum', 'c_count', 'c_last', 'c_min', 'c_max']) card
 WHERE product IN (2, 3)
 GROUP BY card, product ORDER BY card, product;

-- 4: clamping, higher and lower is better.  usage 30 -> 150 -> 100;
-- happiness 12 -> 120 -> 100; 12 tickets -> 100 * (12 - 10) / -10 = -20 -> 0.
-- (5000 + 3000 + 0) / 100 = 80, green; weakest support_tickets (20 * 100).
INSERT INTO t VALUES (4, 'usage', 30, '2024-06-20'), (4, 'happiness', 12, '2024-06-20');
INSERT INTO t SELECT 4, 'support_tickets', 1, timestamptz '2024-06-10' + i * interval '1 hour'
  FROM generate_series(1, 12) i;
SELECT retention.health(measure, value, observed_at, '2024-07-01') FROM t WHERE product = 4;

-- 5, 6, 7: lower is better on an average: latency zero_at 500, full_at 100.
-- 200 -> 100 * (200 - 500) / (100 - 500) = 75 (green, weakest latency);
-- avg(40, 60) = 50 -> 112.5 -> 100 (no weakest); 600 -> -25 -> 0 (red).
INSERT INTO t VALUES (5, 'latency', 200, '2024-06-28'),
	(6, 'latency', 40, '2024-06-28'), (6, 'latency', 60, '2024-06-29'),
	(7, 'latency', 600, '2024-06-28');
SELECT product, retention.health(measure, value, observed_at, '2024-07-01', 'c_latency')
  FROM t WHERE product IN (5, 6, 7) GROUP BY product ORDER BY product;

-- 8 to 14: band edges.  c_edge has the default edges 40 and 70: 40 is
-- yellow, 70 green, 39.999 red, 69.999 yellow; c_edge2 has 50 and 80: 40 red,
-- 50 yellow, 79.999 yellow, 80 green.
INSERT INTO t VALUES (8, 'edge', 40, '2024-06-28'), (9, 'edge', 70, '2024-06-28'),
	(10, 'edge', 39.999, '2024-06-28'), (11, 'edge', 69.999, '2024-06-28'),
	(12, 'edge', 50, '2024-06-28'), (13, 'edge', 80, '2024-06-28'),
	(14, 'edge', 79.999, '2024-06-28');
SELECT product, v.value,
	   retention.band(retention.health(t.measure, t.value, t.observed_at, '2024-07-01', 'c_edge')) AS default_edges,
	   retention.band(retention.health(t.measure, t.value, t.observed_at, '2024-07-01', 'c_edge2')) AS edges_50_80,
	   retention.score(retention.health(t.measure, t.value, t.observed_at, '2024-07-01', 'c_edge')) = v.value AS exact
  FROM t JOIN (SELECT product, max(value) AS value FROM t GROUP BY product) v USING (product)
 WHERE product BETWEEN 8 AND 14 GROUP BY product, v.value ORDER BY product;

-- 20 to 28: missing data, no data and window boundaries (default scorecard)
-- 20: usage 10 only -> 50; no happiness; no tickets = count 0 -> 100.
--     (50 * 50 + 20 * 100) / 70 = 64.2857..., yellow, coverage 0.7, usage.
-- 21: happiness 8 only -> 80, tickets 0 -> 100: (2400 + 2000) / 50 = 88,
--     green, coverage 0.5, weakest happiness (30 * 20 = 600).
-- 22: one ticket (NULL value, counted) -> 90: 90, green, coverage 0.2.
-- 23: usage rows with NULL values only: usage has no data, but the rows are
--     in its window, so tickets (0 -> 100) score: 100, green, 0.2, no weakest.
-- 24: usage 05-01 (outside 30 days), happiness 2024-01-01 (outside 90
--     days), a ticket 05-15: no row in any window -> NULL, not 0.
-- 25: only a measure the scorecard lacks -> NULL.
-- 26: NULL measure, NULL observed_at -> ignored -> NULL.
-- 27: boundaries: usage 20 at as_of (in) and 0 at as_of - 30 days (out);
--     happiness 5 at as_of - 90 days (out), 9 one second later (in); a
--     ticket one microsecond after as_of (out).  usage 100, happiness 90,
--     tickets 0 -> 100: (5000 + 2700 + 2000) / 100 = 97, green, happiness.
-- 28: usage 10 one microsecond after as_of - 30 days (in): as 20.
INSERT INTO t VALUES
	(20, 'usage', 10, '2024-06-15'),
	(21, 'happiness', 8, '2024-05-15'),
	(22, 'support_tickets', NULL, '2024-06-15'),
	(23, 'usage', NULL, '2024-06-15'), (23, 'usage', NULL, '2024-06-16'),
	(24, 'usage', 10, '2024-05-01'), (24, 'happiness', 9, '2024-01-01'),
	(24, 'support_tickets', 1, '2024-05-15'),
	(25, 'other', 10, '2024-06-15'),
	(26, NULL, 10, '2024-06-15'), (26, 'usage', 10, NULL),
	(27, 'usage', 20, '2024-07-01 00:00'), (27, 'usage', 0, '2024-06-01 00:00'),
	(27, 'happiness', 5, '2024-04-02 00:00'), (27, 'happiness', 9, '2024-04-02 00:00:01'),
	(27, 'support_tickets', 1, '2024-07-01 00:00:00.000001'),
	(28, 'usage', 10, '2024-06-01 00:00:00.000001');
SELECT product, h, h IS NULL AS is_null
  FROM (SELECT product, retention.health(measure, value, observed_at, '2024-07-01') AS h
		  FROM t WHERE product BETWEEN 20 AND 28 GROUP BY product) s
 ORDER BY product;

-- Groups may have different as_of: product 20 as of 2024-06-14 has no row in
-- a window (NULL), as of 2024-07-01 it is 64.2857...; product 1 as of
-- 2024-06-15 has usage 10 (-> 50), happiness 6, tickets 3 (-> 70):
-- (2500 + 1800 + 1400) / 100 = 57, yellow, weakest usage (2500).
SELECT product, retention.health(measure, value, observed_at,
								 CASE product WHEN 1 THEN timestamptz '2024-06-15'
								 WHEN 20 THEN '2024-06-14' ELSE '2024-07-01' END)
  FROM t WHERE product IN (1, 20, 21) GROUP BY product ORDER BY product;

-- Large sums: a max needs no sum, so 1e308 twice is fine (-> 100); a sum
-- that overflows is an error
INSERT INTO t VALUES (30, 'r_max', 1e308, '2024-06-28'), (30, 'r_max', 1e308, '2024-06-29'),
	(30, 'r_sum', 1e308, '2024-06-28'), (30, 'r_sum', 1e308, '2024-06-29');
SELECT retention.health(measure, value, observed_at, '2024-07-01', 'c_max') FROM t WHERE product = 30;

-- Errors
\set VERBOSITY default
SELECT retention.health(measure, value, observed_at, '2024-07-01', 'c_sum') FROM t WHERE product = 30;
SELECT retention.health(measure, value, observed_at, observed_at + interval '1 day') FROM t WHERE product = 1;
SELECT retention.health(measure, value, observed_at, '2024-07-01',
						CASE WHEN measure = 'usage' THEN 'default' ELSE 'enterprise' END)
  FROM t WHERE product = 1;
SELECT retention.health(measure, value, observed_at, NULL) FROM t WHERE product = 1;
SELECT retention.health(measure, value, observed_at, '2024-07-01', NULL) FROM t WHERE product = 1;
SELECT retention.health(measure, value, observed_at, '2024-07-01', 'nope') FROM t WHERE product = 1;
SELECT retention.health(measure, value, observed_at, 'infinity') FROM t WHERE product = 1;
SELECT retention.health('usage', 'Infinity', '2024-06-30', '2024-07-01');
SELECT retention.health('usage', 'NaN', '2024-06-30', '2024-07-01');
-- with their SQLSTATEs
SELECT pg_temp.try($$SELECT retention.health(measure, value, observed_at, '2024-07-01', 'c_sum') FROM t WHERE product = 30$$);
SELECT pg_temp.try($$SELECT retention.health(measure, value, observed_at, observed_at) FROM t WHERE product = 1$$);
SELECT pg_temp.try($$SELECT retention.health(measure, value, observed_at, '2024-07-01', CASE WHEN measure = 'usage' THEN 'default' ELSE 'enterprise' END) FROM t WHERE product = 1$$);
SELECT pg_temp.try($$SELECT retention.health(measure, value, observed_at, NULL) FROM t$$);
SELECT pg_temp.try($$SELECT retention.health(measure, value, observed_at, '2024-07-01', NULL) FROM t$$);
SELECT pg_temp.try($$SELECT retention.health(measure, value, observed_at, '2024-07-01', 'nope') FROM t$$);
SELECT pg_temp.try($$SELECT retention.health(measure, value, observed_at, '-infinity') FROM t$$);
SELECT pg_temp.try($$SELECT retention.health('usage', 'Infinity', '2024-06-30', '2024-07-01')$$);
-- an empty scorecard (only a restore can leave one) is refused when used
SET check_function_bodies = off;
INSERT INTO retention.scorecards (name) VALUES ('hollow');
RESET check_function_bodies;
SELECT pg_temp.try($$SELECT retention.health(measure, value, observed_at, '2024-07-01', 'hollow') FROM t$$);
DELETE FROM retention.scorecards WHERE name = 'hollow';
-- no rows at all: NULL
SELECT retention.health(measure, value, observed_at, '2024-07-01') IS NULL FROM t WHERE false;

-- A scorecard per group: the 5-argument form with groups.scorecard.  Both
-- products have usage 10 (-> 50) and happiness 6 (-> 60).  Acme's group
-- names no scorecard ("default"; no tickets -> 100): (2500 + 1800 + 2000) /
-- 100 = 63, yellow, weakest usage (50 * 50 = 2500 > 30 * 40 = 1200).
-- Bigco's group uses "enterprise" (usage 1, happiness 3, edges 50/80):
-- (50 + 180) / 4 = 57.5, yellow, weakest happiness (3 * 40 = 120 > 1 * 50).
INSERT INTO retention.deals (customer, name, closed_on) VALUES ('Acme', 'first deal', '2024-01-01');
INSERT INTO retention.reps (name, role_name) VALUES ('Rita', 'rita');
INSERT INTO retention.groups (name, kind, product_types, rep_id, scorecard)
SELECT 'core', 'retention', '{widget}'::text[], id, NULL FROM retention.reps
UNION ALL
SELECT 'big', 'retention', '{}'::text[], id, 'enterprise' FROM retention.reps;
INSERT INTO retention.products (deal_id, customer, product_type, stage, group_id)
SELECT d.id, c, 'widget', 'retention', CASE c WHEN 'Bigco' THEN g.id END
  FROM retention.deals d, unnest(ARRAY['Acme', 'Bigco']) c, retention.groups g
 WHERE g.name = 'big';
INSERT INTO retention.observations (product_id, measure, observed_at, value)
SELECT p.id, m, '2024-06-20', v
  FROM retention.products p, (VALUES ('usage', 10), ('happiness', 6)) o(m, v);
SELECT p.customer, g.name AS group_name,
	   retention.health(o.measure, o.value, o.observed_at, '2024-07-01', coalesce(g.scorecard, 'default'))
  FROM retention.products p
  JOIN retention.groups g ON g.id = p.group_id
  JOIN retention.observations o ON o.product_id = p.id
 GROUP BY p.id, p.customer, g.name ORDER BY p.customer;

-- Parallel plans give exactly the serial answer.  Generated rows: 300
-- products, measures usage, happiness, support_tickets and one no scorecard
-- has, integer values (so sums are exact in any order), some NULL, times
-- over the 100 days before 2024-07-01.
CREATE TABLE health_par (product int, measure text, value float8, observed_at timestamptz);
INSERT INTO health_par
SELECT i % 300,
	   (ARRAY['usage', 'happiness', 'support_tickets', 'other'])[(i / 7) % 4 + 1],
	   CASE WHEN i % 11 = 0 THEN NULL ELSE (i + 13 * (i / 300)) % 25 END,
	   timestamptz '2024-07-01' - make_interval(hours => (i * 7919) % 2400)
  FROM generate_series(1, 6000) i;
ANALYZE health_par;

SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial AS
SELECT product,
	   retention.health(measure, value, observed_at, '2024-07-01')::text AS h4,
	   retention.health(measure, value, observed_at, '2024-07-01',
						CASE WHEN product % 2 = 0 THEN 'default' ELSE 'enterprise' END)::text AS h5
  FROM health_par GROUP BY product;
SELECT count(*) AS groups, count(h4) AS scored4, count(h5) AS scored5,
	   count(DISTINCT h4) > 100 AS varied
  FROM serial;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
CREATE TEMP TABLE par AS
SELECT product,
	   retention.health(measure, value, observed_at, '2024-07-01')::text AS h4,
	   retention.health(measure, value, observed_at, '2024-07-01',
						CASE WHEN product % 2 = 0 THEN 'default' ELSE 'enterprise' END)::text AS h5
  FROM health_par GROUP BY product;
CREATE TEMP TABLE par AS
SELECT product,
	   retention.health(measure, value, observed_at, '2024-07-01')::text AS h4,
	   retention.health(measure, value, observed_at, '2024-07-01',
						CASE WHEN product % 2 = 0 THEN 'default' ELSE 'enterprise' END)::text AS h5
  FROM health_par GROUP BY product;
SELECT (SELECT count(*) FROM (TABLE serial EXCEPT TABLE par) a) AS serial_only,
	   (SELECT count(*) FROM (TABLE par EXCEPT TABLE serial) b) AS par_only,
	   (SELECT count(*) FROM par) AS groups;

SET parallel_leader_participation = off;
DROP TABLE par;
CREATE TEMP TABLE par AS
SELECT product,
	   retention.health(measure, value, observed_at, '2024-07-01')::text AS h4,
	   retention.health(measure, value, observed_at, '2024-07-01',
						CASE WHEN product % 2 = 0 THEN 'default' ELSE 'enterprise' END)::text AS h5
  FROM health_par GROUP BY product;
SELECT (SELECT count(*) FROM (TABLE serial EXCEPT TABLE par) a) AS serial_only,
	   (SELECT count(*) FROM (TABLE par EXCEPT TABLE serial) b) AS par_only;

-- Combine stress (after tdigest's combine_crash.sql): partitionwise
-- aggregation over time partitions, so every group's partial states come
-- from several partitions, and combine starts from a NULL state and meets
-- states of unequal weight (a few products have thousands of rows in one
-- partition) and of different sizes (3- and 2-measure scorecards).
CREATE TABLE health_part (product int, measure text, value float8, observed_at timestamptz)
	PARTITION BY RANGE (observed_at);
CREATE TABLE health_part_1 PARTITION OF health_part FOR VALUES FROM (MINVALUE) TO ('2024-05-01');
CREATE TABLE health_part_2 PARTITION OF health_part FOR VALUES FROM ('2024-05-01') TO ('2024-06-01');
CREATE TABLE health_part_3 PARTITION OF health_part FOR VALUES FROM ('2024-06-01') TO ('2024-06-20');
CREATE TABLE health_part_4 PARTITION OF health_part FOR VALUES FROM ('2024-06-20') TO (MAXVALUE);
INSERT INTO health_part SELECT * FROM health_par;
INSERT INTO health_part
SELECT i % 3, 'usage', i % 7, timestamptz '2024-06-25' + make_interval(secs => i)
  FROM generate_series(1, 20000) i;
ANALYZE health_part;

RESET parallel_leader_participation;
SET max_parallel_workers_per_gather = 0;
SET enable_partitionwise_aggregate = off;
CREATE TEMP TABLE serial_part AS
SELECT product,
	   retention.health(measure, value, observed_at, '2024-07-01')::text AS h4,
	   retention.health(measure, value, observed_at, '2024-07-01',
						CASE WHEN product % 2 = 0 THEN 'default' ELSE 'enterprise' END)::text AS h5
  FROM health_part GROUP BY product;

SET enable_partitionwise_aggregate = on;
EXPLAIN (COSTS OFF)
SELECT product,
	   retention.health(measure, value, observed_at, '2024-07-01')::text AS h4,
	   retention.health(measure, value, observed_at, '2024-07-01',
						CASE WHEN product % 2 = 0 THEN 'default' ELSE 'enterprise' END)::text AS h5
  FROM health_part GROUP BY product;
CREATE TEMP TABLE part_pw AS
SELECT product,
	   retention.health(measure, value, observed_at, '2024-07-01')::text AS h4,
	   retention.health(measure, value, observed_at, '2024-07-01',
						CASE WHEN product % 2 = 0 THEN 'default' ELSE 'enterprise' END)::text AS h5
  FROM health_part GROUP BY product;
SELECT (SELECT count(*) FROM (TABLE serial_part EXCEPT TABLE part_pw) a) AS serial_only,
	   (SELECT count(*) FROM (TABLE part_pw EXCEPT TABLE serial_part) b) AS pw_only,
	   (SELECT count(*) FROM part_pw) AS groups;

SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT product, retention.health(measure, value, observed_at, '2024-07-01')::text AS h4
  FROM health_part GROUP BY product;
CREATE TEMP TABLE part_par AS
SELECT product,
	   retention.health(measure, value, observed_at, '2024-07-01')::text AS h4,
	   retention.health(measure, value, observed_at, '2024-07-01',
						CASE WHEN product % 2 = 0 THEN 'default' ELSE 'enterprise' END)::text AS h5
  FROM health_part GROUP BY product;
SELECT (SELECT count(*) FROM (TABLE serial_part EXCEPT TABLE part_par) a) AS serial_only,
	   (SELECT count(*) FROM (TABLE part_par EXCEPT TABLE serial_part) b) AS par_only;

-- as_of constant within each partition but not across them: combine refuses
SELECT pg_temp.try($$SELECT product, retention.health(measure, value, observed_at,
	CASE WHEN observed_at < '2024-06-01' THEN timestamptz '2024-06-01' ELSE '2024-07-01' END)
	FROM health_part GROUP BY product$$);

RESET ALL;
DROP TABLE health_par, health_part;
