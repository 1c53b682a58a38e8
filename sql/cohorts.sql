--
-- Cohort retention: the activity type, the activity aggregates, the five
-- kinds of cohort_counts, retained() and ClickHouse's retention().
-- Every expected count is worked out by hand in the comments.
--
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS retention CASCADE;
RESET client_min_messages;
CREATE EXTENSION retention;
-- for the operators of retention.activity
SET search_path = public, retention;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';

-- customers and their events
CREATE TABLE public.customers (id int PRIMARY KEY, signed_up_at timestamptz NOT NULL);
CREATE TABLE public.events (customer_id int NOT NULL, at timestamptz NOT NULL);
INSERT INTO public.customers VALUES
	(1, '2026-01-10 08:00'), (2, '2026-01-31 23:00'), (3, '2026-01-01 00:00'),
	(4, '2026-01-20 12:00'), (5, '2026-01-05 09:00'), (6, '2026-02-14 10:00');
INSERT INTO public.events VALUES
	-- 1: January, February, March (on its first instant), April (its last second): {0,1,2,3}
	(1, '2026-01-12'), (1, '2026-02-05'), (1, '2026-03-01 00:00'), (1, '2026-04-30 23:59:59'),
	-- 2: February (its first instant), April: {1,3}
	(2, '2026-02-01 00:00'), (2, '2026-04-15'),
	-- 3: never came back: {}
	-- 4: before its start (ignored, even in its own month), then May: {4}
	(4, '2025-12-31'), (4, '2026-01-19'), (4, '2026-05-02'),
	-- 5: January twice, February, March: {0,1,2}
	(5, '2026-01-05 09:00'), (5, '2026-01-06'), (5, '2026-02-10'), (5, '2026-03-10'),
	-- 6 (February cohort): March, May: {1,3}
	(6, '2026-03-01'), (6, '2026-05-01');

CREATE TABLE public.subjects AS
SELECT c.id, c.signed_up_at, retention.activity('month', c.signed_up_at, e.at) AS a
  FROM public.customers c LEFT JOIN public.events e ON e.customer_id = c.id
 GROUP BY c.id;
SELECT id, a, retention.cohort_start(a), retention.active_periods(a) FROM public.subjects ORDER BY id;

-- The five kinds as of 2026-05-01 00:00: April (period 3 of January) ends
-- exactly then, so it is known; May (4) is not.  January (1-5):
--	full:    1: 1,2,5 = 3;  2: 1,5 = 2;  3: 1 = 1
--	classic: 1: 1,2,5 = 3;  2: 1,5 = 2;  3: 1,2 = 2
--	rolling: 1: 1,2,4,5 = 4; 2: 4;  3: 1,2,4 = 3
--	return:  1: 1,2,5 = 3;  2: 3;  3: 3
-- February (6): periods 0-2 have ended; classic 1: 1, 2: 0.
SELECT date_trunc('month', signed_up_at) AS cohort, k.kind,
	   retention.cohort_counts(a, k.kind, 4, '2026-05-01 00:00')
  FROM public.subjects, (VALUES ('full'), ('classic'), ('rolling'), ('return')) k (kind)
 GROUP BY 1, 2 ORDER BY 1, 2;
-- one microsecond earlier, April has not ended
SELECT retention.cohort_counts(a, 'classic', 4, '2026-04-30 23:59:59.999999')
  FROM public.subjects WHERE id <= 5;
-- brackets: [1,2] = 1,2,5 = 3; [3,4] unknown until June; [0,0] everyone active in January = 1,5
SELECT retention.cohort_counts(a, '{"[1,2]","[3,4]","[0,0]"}', '2026-05-01')
  FROM public.subjects WHERE id <= 5;
-- [3,4] known on 2026-06-01: 1, 2, 4 = 3
SELECT retention.cohort_counts(a, ARRAY['[1,2]', '[3,5)']::int4range[], '2026-06-01')
  FROM public.subjects WHERE id <= 5;
-- all of it unknown before the cohort's first period ends
SELECT retention.cohort_counts(a, 'rolling', 2, '2026-01-31') FROM public.subjects WHERE id <= 5;
-- the later cohort holds cells back for the whole group
SELECT retention.cohort_counts(a, 'classic', 4, '2026-05-01') FROM public.subjects;

-- The customers behind each known cell are exactly the ones counted
SELECT k.kind, p.k,
	   count(*) FILTER (WHERE retention.retained(a, k.kind, p.k)) AS members,
	   (retention.cohort_counts(a, k.kind, 3, '2026-05-01'))[p.k + 1] AS counted
  FROM public.subjects, (VALUES ('full'), ('classic'), ('rolling'), ('return')) k (kind),
	   generate_series(0, 3) p (k)
 WHERE id <= 5
 GROUP BY 1, 2 ORDER BY 1, 2;
SELECT id FROM public.subjects WHERE retention.retained(a, 'classic', 3) ORDER BY id;
SELECT id FROM public.subjects WHERE retention.retained(a, '[3,4]') ORDER BY id;

-- Rows and rates (the README's recipe), with the average weighted by size
-- over the cohorts whose cell is known
WITH counts AS (
	SELECT date_trunc('month', signed_up_at) AS cohort,
		   retention.cohort_counts(a, 'classic', 3, '2026-05-01') AS c
	  FROM public.subjects GROUP BY 1),
cells AS (
	SELECT cohort, p.period, c[1] AS size, c[p.period + 1] AS retained
	  FROM counts, generate_series(0, 3) p (period))
SELECT cohort, period, size, retained,
	   round(retained::numeric / size, 4) AS rate
  FROM cells
UNION ALL
SELECT NULL, period, sum(size) FILTER (WHERE retained IS NOT NULL),
	   sum(retained), round(sum(retained)::numeric / sum(size) FILTER (WHERE retained IS NOT NULL), 4)
  FROM cells GROUP BY period
 ORDER BY cohort NULLS LAST, period;

-- First seen: the cohort is the month of the first activity.  Customer 4
-- is first seen in December 2025: {0,1,5}; 6 in March: {0,2}.
SELECT customer_id, retention.activity('month', at) FROM public.events
 GROUP BY customer_id ORDER BY customer_id;
SELECT retention.activity('month', at) IS NULL AS no_activity_no_cohort
  FROM (VALUES (NULL::timestamptz)) v (at);

-- Fixed windows from each subject's own start.  Customer 1 from
-- 2026-01-10 08:00 in 7-day windows: 01-12 is in 0, 02-05 in 3 (25.7
-- days), 03-01 in 7 (49.7), 04-30 23:59:59 in 15 (110.7).
SELECT retention.activity(interval '7 days', c.signed_up_at, e.at)
  FROM public.customers c LEFT JOIN public.events e ON e.customer_id = c.id
 WHERE c.id = 1 GROUP BY c.id;
-- 24-hour windows: a window ends at the same clock time, and an event at
-- that instant is in the next window
SELECT retention.active_periods(retention.activity(interval '24 hours', '2026-01-10 08:00', t))
  FROM (VALUES ('2026-01-10 08:00'::timestamptz), ('2026-01-11 07:59:59.999999'),
			   ('2026-01-11 08:00'), ('2026-01-13 09:00')) v (t);
-- window k is known once start + (k + 1) windows <= as_of, per subject:
-- at 08:30 subject 1 (start 08:00) has ended windows 0 and 1, subject 2
-- (start 09:00) only 0, so window 1 is unknown; at 09:00 both active in 1
SELECT t, retention.cohort_counts(a, 'classic', 2, t)
  FROM (SELECT retention.activity(interval '24 hours', s, t) a
		  FROM (VALUES (1, '2026-01-10 08:00'::timestamptz, '2026-01-11 09:00'::timestamptz),
					   (2, '2026-01-10 09:00', '2026-01-11 10:00')) v (id, s, t)
		 GROUP BY id) x,
	   (VALUES ('2026-01-12 08:30'::timestamptz), ('2026-01-12 09:00')) v (t)
 GROUP BY t ORDER BY t;

-- Weeks start on Monday (ISO).  2026-01-04 is a Sunday: period 0 is the
-- week of Monday 2025-12-29; Monday 01-05 and Sunday 01-11 are in 1,
-- Monday 01-12 in 2.
SELECT retention.activity('week', '2026-01-04 12:00', t)
  FROM (VALUES ('2026-01-04 23:59'::timestamptz), ('2026-01-05 00:00'), ('2026-01-11 23:59'),
			   ('2026-01-12 00:00')) v (t);
-- Month ends: from January 31, February 1 and 28 are in 1, March 31 in 2, April 1 in 3
SELECT retention.active_periods(retention.activity('month', '2026-01-31 23:59', t))
  FROM (VALUES ('2026-02-01 00:00'::timestamptz), ('2026-02-28 23:59:59'), ('2026-03-31 23:59:59'),
			   ('2026-04-01 00:00')) v (t);
-- Days in the session time zone
SELECT retention.active_periods(retention.activity('day', '2026-01-10 23:30', t))
  FROM (VALUES ('2026-01-11 00:10'::timestamptz), ('2026-01-12 23:59:59')) v (t);

-- Another time zone, across the start of daylight saving time: in New York
-- 2026-03-08 has 23 hours.  Start 03-07 12:00 EST; 03-08 00:30 EST and
-- 03-08 23:30 EDT (03:30 UTC on the 9th) are in day 1, 03-09 00:10 EDT in 2.
SET TimeZone = 'America/New_York';
SELECT a, retention.cohort_start(a), retention.active_periods(a)
  FROM (SELECT retention.activity('day', '2026-03-07 12:00', t) a
		  FROM (VALUES ('2026-03-08 00:30'::timestamptz), ('2026-03-08 23:30'),
					   ('2026-03-09 00:10')) v (t)) x;
-- the same before 2000: 1990-04-01 (first Sunday of April) had 23 hours
SELECT retention.active_periods(retention.activity('day', '1990-03-31 12:00', t))
  FROM (VALUES ('1990-04-01 00:30'::timestamptz), ('1990-04-01 23:30'), ('1990-04-02 00:10')) v (t);
-- day 1 ends at 2026-03-09 00:00 EDT, 23 hours after it began
SELECT t, retention.cohort_counts(a, 'classic', 2, t)
  FROM (SELECT retention.activity('day', '2026-03-07 12:00', '2026-03-08 12:00') a) x,
	   (VALUES ('2026-03-08 23:59:59'::timestamptz), ('2026-03-09 00:00')) v (t)
 GROUP BY t ORDER BY t;
-- months in this zone start at local midnight
SELECT retention.activity('month', '2026-03-31 23:30', '2026-04-01 00:30');
-- the text form is the same in every zone and reads back to the same value
CREATE TEMP TABLE zoned AS
SELECT retention.activity('month', '2026-03-31 23:30', '2026-04-01 00:30') a
UNION ALL SELECT retention.activity('week', '2026-03-08 01:00', '2026-03-20')
UNION ALL SELECT retention.activity(interval '1 day 02:00:00.5', '2026-03-08 01:00:00.25', '2026-03-20');
SELECT a::text FROM zoned;
SET TimeZone = 'Asia/Kolkata';
SELECT a::text, a::text::retention.activity = a AS round_trip FROM zoned;
SET TimeZone = 'UTC';

-- Text and binary round trips
CREATE TEMP TABLE samples (a retention.activity);
INSERT INTO samples VALUES
	('(month,2026-01-01T00:00:00+00:00,{})'), ('(month,2026-01-01T00:00:00+01:00,{0,1,3})'),
	('(day,1999-12-31T00:00:00-05:30,{7,8,9,10,11,12,13,14,15,16})'),
	('(week,2000-01-03T00:00:00+00:00,{0})'), ('(30 days,2026-01-05T10:30:00.000001+00:00,{2})'),
	('(01:00:00,2026-01-05T10:30:00+00:00,{0,1000})');
SELECT a, a::text::retention.activity = a AS text_round_trip FROM samples;
COPY samples TO '/tmp/retention_cohorts_samples.bin' WITH (FORMAT binary);
CREATE TEMP TABLE samples_back (a retention.activity);
COPY samples_back FROM '/tmp/retention_cohorts_samples.bin' WITH (FORMAT binary);
SELECT count(*) AS equal_after_binary FROM samples s JOIN samples_back b ON s.a = b.a;
SET enable_sort = off;
SELECT count(*) AS distinct_by_hash FROM (SELECT a FROM samples UNION SELECT a FROM samples_back) u;
RESET enable_sort;
SELECT '(month,2026-01-01T00:00:00+00:00,{0,1})'::retention.activity
	 = '(month,2026-01-01T00:00:00+00:00,{0,2})' AS different_periods,
	   '(month,2026-01-01T00:00:00+00:00,{0})'::retention.activity
	 <> '(month,2026-01-01T00:00:00+01:00,{0})' AS different_start;

-- Bad activity text: 22P02
SELECT '(month,2026-01-02T00:00:00+00:00,{0})'::retention.activity;
SELECT '(week,2026-01-06T00:00:00+00:00,{0})'::retention.activity;
SELECT '(year,2026-01-01T00:00:00+00:00,{0})'::retention.activity;
SELECT '(month,2026-01-01 00:00:00+00,{0})'::retention.activity;
SELECT '(month,2026-01-01T00:00:00+00:00,{1,0})'::retention.activity;
SELECT '(month,2026-01-01T00:00:00+00:00,{0,0})'::retention.activity;
SELECT '(month,2026-01-01T00:00:00+00:00,{0,})'::retention.activity;
SELECT '(month,2026-01-01T00:00:00+00:00,{-1})'::retention.activity;
SELECT '(month,2026-01-01T00:00:00+00:00,{1048576})'::retention.activity;
SELECT '(month,2026-01-01T00:00:00+00:00,{0})x'::retention.activity;
SELECT '(month,2026-01-01T00:00:00+23:00,{0})'::retention.activity;
SELECT '(month,2026-02-30T00:00:00+00:00,{0})'::retention.activity;
SELECT '(1 mon,2026-01-01T00:00:00+00:00,{0})'::retention.activity;
SELECT '(0 days,2026-01-01T00:00:00+00:00,{0})'::retention.activity;
SELECT '(1 day day,2026-01-01T00:00:00+00:00,{0})'::retention.activity;
SELECT '(9999999999 days,2026-01-01T00:00:00+00:00,{0})'::retention.activity;
SELECT '(25:00:00,2026-01-01T00:00:00+00:00,{0})'::retention.activity;
SELECT '(2 days,2026-01-01T00:00:00+00:00,{0})'::retention.activity = '(48:00:00,2026-01-01T00:00:00+00:00,{0})' AS same_window;
SELECT 'month'::retention.activity;
SELECT ''::retention.activity;

-- Bad arguments: 22023 (with the accepted values in the hint), 22004
SELECT retention.activity('quarter', now(), now());
SELECT retention.activity(interval '1 month', now(), now());
SELECT retention.activity(interval '-1 day', now(), now());
SELECT retention.activity(NULL::text, now(), now());
SELECT retention.activity('month', NULL, now());
SELECT retention.activity('month', s, now())
  FROM (VALUES ('2026-01-01'::timestamptz), ('2026-01-02')) v (s);
SELECT retention.activity(u, '2026-01-01', '2026-01-02')
  FROM (VALUES ('month'), ('week')) v (u);
SELECT retention.cohort_counts(a, k, 3, now())
  FROM public.subjects, (VALUES ('classic'), ('full')) v (k);
SELECT retention.cohort_counts(a, b, now())
  FROM public.subjects, (VALUES ('{"[1,2]"}'::int4range[]), ('{"[1,3]"}')) v (b);
SELECT retention.activity('month', 'infinity', now());
SELECT retention.activity(interval '1 second', '2026-01-01', '2026-02-01');
SELECT retention.cohort_counts(a, 'weekly', 3, now()) FROM public.subjects;
SELECT retention.cohort_counts(a, 'bracket', 3, now()) FROM public.subjects;
SELECT retention.cohort_counts(a, 'classic', 0, now()) FROM public.subjects;
SELECT retention.cohort_counts(a, 'classic', 10001, now()) FROM public.subjects;
SELECT retention.cohort_counts(a, 'classic', 3, NULL) FROM public.subjects;
SELECT retention.cohort_counts(a, 'classic', id, now()) FROM public.subjects;
SELECT retention.cohort_counts(a, '{"[1,)"}', now()) FROM public.subjects;
SELECT retention.cohort_counts(a, '{empty}', now()) FROM public.subjects;
SELECT retention.cohort_counts(a, '{"[-1,2]"}', now()) FROM public.subjects;
SELECT retention.cohort_counts(a, '{}', now()) FROM public.subjects;
SELECT retention.cohort_counts(a, ARRAY[NULL]::int4range[], now()) FROM public.subjects;
SELECT retention.retained(a, 'classic', -1) FROM public.subjects WHERE id = 1;
SELECT retention.retained(a, 'sometimes', 1) FROM public.subjects WHERE id = 1;
-- NULL activities are left out; no subjects at all gives NULL
SELECT retention.cohort_counts(a, 'classic', 2, '2026-05-01')
  FROM (SELECT a FROM public.subjects WHERE id = 1 UNION ALL SELECT NULL) x;
SELECT retention.cohort_counts(a, 'classic', 2, '2026-05-01') FROM public.subjects WHERE false;

-- The concrete state: text round trip and checks
SELECT retention.cohort_counts_accum(retention.cohort_counts_accum(NULL, a, 'full', 3, '2026-05-01'),
									 b, 'full', 3, '2026-05-01')
  FROM (SELECT a FROM public.subjects WHERE id = 1) x, (SELECT a b FROM public.subjects WHERE id = 5) y;
SELECT retention.cohort_counts_final('(full,3,2026-05-01T00:00:00+00:00,3,2,{2,2,1})');
SELECT retention.cohort_counts_final('(bracket,{1-2;3-4},2026-05-01T00:00:00+00:00,3,5,{3,2})');
SELECT retention.cohort_counts_combine('(return,2,infinity,7,3,{1,2})', '(return,2,infinity,1,4,{4,4})');
SELECT '(rolling,2,-infinity,-1,0,{0,0})'::retention.cohort_state;
SELECT '(full,3,2026-05-01T00:00:00+00:00,3,2,{1,2,1})'::retention.cohort_state;
SELECT '(return,2,2026-05-01T00:00:00+00:00,3,2,{2,1})'::retention.cohort_state;
SELECT '(classic,2,2026-05-01T00:00:00+00:00,3,2,{3,1})'::retention.cohort_state;
SELECT '(classic,2,2026-05-01T00:00:00+00:00,3,2,{1})'::retention.cohort_state;
SELECT '(classic,2,2026-05-01T00:00:00+00:00,-2,2,{1,1})'::retention.cohort_state;
SELECT '(bracket,{3-1},2026-05-01T00:00:00+00:00,3,2,{1})'::retention.cohort_state;
SELECT '(sometimes,2,2026-05-01T00:00:00+00:00,3,2,{1,1})'::retention.cohort_state;
SELECT retention.cohort_counts_combine('(return,2,infinity,7,3,{1,2})', '(return,3,infinity,1,4,{4,4,4})');

-- ClickHouse's documented example: 5 users on all three days
CREATE TEMP TABLE retention_test (date date, uid int);
INSERT INTO retention_test SELECT '2020-01-01', g FROM generate_series(0, 4) g;
INSERT INTO retention_test SELECT '2020-01-02', g FROM generate_series(0, 9) g;
INSERT INTO retention_test SELECT '2020-01-03', g FROM generate_series(0, 14) g;
SELECT uid, retention.retention(date = '2020-01-01', date = '2020-01-02', date = '2020-01-03') AS r
  FROM retention_test WHERE date IN ('2020-01-01', '2020-01-02', '2020-01-03')
 GROUP BY uid ORDER BY uid;
SELECT sum(r[1]) AS r1, sum(r[2]) AS r2, sum(r[3]) AS r3
  FROM (SELECT uid, retention.retention(date = '2020-01-01', date = '2020-01-02', date = '2020-01-03') AS r
		  FROM retention_test WHERE date IN ('2020-01-01', '2020-01-02', '2020-01-03')
		 GROUP BY uid) a;
-- Doris's documented example
CREATE TEMP TABLE doris_test (uid int, date timestamp);
INSERT INTO doris_test VALUES (0, '2022-10-12'), (0, '2022-10-13'), (0, '2022-10-14'),
	(1, '2022-10-12'), (1, '2022-10-13'), (2, '2022-10-12');
SELECT uid, retention.retention(date = '2022-10-12') AS r,
	   retention.retention(date = '2022-10-12', date = '2022-10-13') AS r2,
	   retention.retention(date = '2022-10-12', date = '2022-10-13', date = '2022-10-14') AS r3
  FROM doris_test GROUP BY uid ORDER BY uid;
-- cond1 never true: all zeros; NULL counts as false; 32 conditions
SELECT retention.retention(false, true), retention.retention(true, NULL),
	   retention.retention(VARIADIC array_fill(true, ARRAY[32]));
SELECT retention.retention(VARIADIC array_fill(true, ARRAY[33]));
SELECT retention.retention(VARIADIC '{}'::boolean[]);
SELECT retention.retention(VARIADIC c) FROM (VALUES ('{true}'::boolean[]), ('{true,false}')) v (c);

-- Parallel equals serial: 3,000 customers over 12 monthly cohorts
CREATE TABLE public.big_events AS
SELECT c, '2025-01-01'::timestamptz + ((c % 12) || ' months')::interval AS signed_up_at,
	   '2025-01-01'::timestamptz + ((c % 12) || ' months')::interval
		 + ((hashint4(c * 31 + e) & 1023) || ' days')::interval * 0.4 AS at
  FROM generate_series(1, 3000) c, generate_series(1, 8) e;
ANALYZE public.big_events;
CREATE TEMP TABLE serial_counts AS
SELECT s.cohort, k.kind, retention.cohort_counts(s.a, k.kind, 12, '2026-03-15') AS counts
  FROM (SELECT date_trunc('month', signed_up_at) cohort, retention.activity('month', signed_up_at, at) a
		  FROM public.big_events GROUP BY c, signed_up_at) s,
	   (VALUES ('full'), ('classic'), ('rolling'), ('return')) k (kind)
 GROUP BY 1, 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
-- activity: partial states of the same customer from different workers
CREATE TABLE public.few_customers AS
SELECT c, '2025-01-01'::timestamptz + (c || ' months')::interval AS signed_up_at,
	   '2025-01-01'::timestamptz + (hashint4(c * 7919 + e) & 511) * interval '1 day' AS at
  FROM generate_series(1, 6) c, generate_series(1, 2000) e;
ANALYZE public.few_customers;
RESET parallel_setup_cost;
CREATE TEMP TABLE few_serial AS
SELECT c, retention.activity('month', signed_up_at, at) a FROM public.few_customers GROUP BY c;
SET parallel_setup_cost = 0;
EXPLAIN (COSTS OFF)
SELECT c, retention.activity('month', signed_up_at, at) FROM public.few_customers GROUP BY c;
SELECT count(*) AS customers, count(*) FILTER (WHERE s.a = p.a) AS equal
  FROM few_serial s
  JOIN (SELECT c, retention.activity('month', signed_up_at, at) a
		  FROM public.few_customers GROUP BY c) p USING (c);
-- cohort_counts: partial cohort states from different workers
CREATE TABLE public.parallel_activity AS
SELECT c, retention.activity('month', signed_up_at, at) a FROM public.big_events GROUP BY c;
ANALYZE public.parallel_activity;
EXPLAIN (COSTS OFF)
SELECT retention.cohort_counts(a, 'return', 12, '2026-03-15')
  FROM public.parallel_activity WHERE c % 12 = 0;
CREATE TEMP TABLE parallel_counts AS
SELECT s.cohort, k.kind, retention.cohort_counts(s.a, k.kind, 12, '2026-03-15') AS counts
  FROM (SELECT date_trunc('month', signed_up_at) cohort, retention.activity('month', signed_up_at, at) a
		  FROM public.big_events GROUP BY c, signed_up_at) s,
	   (VALUES ('full'), ('classic'), ('rolling'), ('return')) k (kind)
 GROUP BY 1, 2;
SELECT count(*) AS cells,
	   count(*) FILTER (WHERE s.counts IS NOT DISTINCT FROM p.counts) AS equal
  FROM serial_counts s FULL JOIN parallel_counts p USING (cohort, kind);
-- one cohort, rolled up across workers through the combine function
SELECT retention.cohort_counts(a, 'return', 12, '2026-03-15')
	   = (SELECT counts FROM serial_counts WHERE cohort = '2025-01-01' AND kind = 'return') AS combined_equal
  FROM parallel_activity WHERE c % 12 = 0;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

DROP TABLE public.customers, public.events, public.subjects, public.big_events,
	public.few_customers, public.parallel_activity;
