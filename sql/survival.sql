-- The survival type and aggregates: hand-computed curves, round trips,
-- merge and parallel equal to one pass, bad input.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS retention CASCADE;
RESET client_min_messages;
CREATE EXTENSION retention;
SET extra_float_digits = 0;

-- Ties of events and censorings at one time: 8 subjects, at 1 one event
-- and one censoring, at 3 two events, at 4 a censoring, at 5 two events.
-- S(1) = 7/8, S(2) = 7/8 * 5/6 = 35/48 = 0.72917, S(3) = 35/48 * 3/5 =
-- 0.4375, S(5) = 0; the median is 3 (S first <= 0.5 there).
CREATE TEMP TABLE t8 (d float8, e boolean);
INSERT INTO t8 VALUES (1, true), (1, false), (2, true), (3, true), (3, true),
	(4, false), (5, true), (5, true), (NULL, true), (6, NULL);
SELECT retention.survival(d, e) FROM t8;
SELECT "time", n_risk, n_event, n_censor, round(surv::numeric, 5) AS surv,
	   round(std_err::numeric, 5) AS std_err, round(lower::numeric, 5) AS lower,
	   upper
  FROM retention.kaplan_meier((SELECT retention.survival(d, e) FROM t8));
-- Greenwood by hand at 3: S * sqrt(1/(8*7) + 1/(6*5) + 2/(5*3)) = 0.18793
SELECT round((0.4375 * sqrt(1/56.0 + 1/30.0 + 2/15.0))::numeric, 5) AS "std_err at 3 by hand";
SELECT * FROM retention.survival_median('{1:1/1,2:1/0,3:2/0,4:0/1,5:2/0}');
-- S at 0, 1, 2.5, 3, 100; area to 4 = 1 + 7/8 + 35/48 + 0.4375 = 3.04167
SELECT t, round(retention.survival_at('{1:1/1,2:1/0,3:2/0,4:0/1,5:2/0}', t)::numeric, 5)
  FROM unnest(ARRAY[-1, 0, 1, 2.5, 3, 100]::float8[]) t;
SELECT round(retention.restricted_mean('{1:1/1,2:1/0,3:2/0,4:0/1,5:2/0}', 4)::numeric, 5) AS rmean4,
	   retention.restricted_mean('{1:1/1,2:1/0,3:2/0,4:0/1,5:2/0}', 0.5) AS "rmean0.5",
	   retention.subjects('{1:1/1,2:1/0,3:2/0,4:0/1,5:2/0}'),
	   retention.events('{1:1/1,2:1/0,3:2/0,4:0/1,5:2/0}'),
	   retention.distinct_times('{1:1/1,2:1/0,3:2/0,4:0/1,5:2/0}');

-- All censored: S stays 1, no median, interval [1, 1]
SELECT * FROM retention.kaplan_meier('{1:0/1,2:0/2}');
SELECT * FROM retention.survival_median('{1:0/1,2:0/2}');
-- All events: S falls to 0, and there the error and interval are NULL
SELECT * FROM retention.kaplan_meier('{2:1/0,3:2/0}');
-- One subject; zero durations (S drops at 0)
SELECT * FROM retention.kaplan_meier('{7.25:1/0}');
SELECT "time", n_risk, surv FROM retention.kaplan_meier('{0:2/1,1:1/0}');
-- The empty value: no rows, no median, S = 1
SELECT count(*) FROM retention.kaplan_meier('{}');
SELECT * FROM retention.survival_median('{}');
SELECT retention.survival_at('{}', 5), retention.restricted_mean('{}', 5);
-- No rows (or only NULLs): NULL, as sum()
SELECT retention.survival(d, e) IS NULL AS "null" FROM t8 WHERE d IS NULL OR e IS NULL;

-- Text round trip: shortest exact form of every double, whatever
-- extra_float_digits says
CREATE TEMP TABLE tf AS
SELECT g, (random() * 1000)::float8 AS d, random() < 0.5 AS e
  FROM generate_series(1, 2000) g;
INSERT INTO tf VALUES (0, 0, true), (0, 5e-324, false), (0, 1.7976931348623157e308, true),
	(0, 0.1, true), (0, 0.1, false), (0, -0.0, true);
SELECT retention.survival(d, e)::text::retention.survival::text = retention.survival(d, e)::text AS "text round trip",
	   (SELECT bool_and(k."time" = x.d) FROM retention.kaplan_meier(retention.survival(d, e)) k
		  JOIN (SELECT DISTINCT d FROM tf) x ON x.d = k."time") AS "times exact",
	   (SELECT count(*) FROM retention.kaplan_meier(retention.survival(d, e)))
	   = (SELECT count(DISTINCT d) FROM tf) AS "one row per distinct duration"
  FROM tf;
SET extra_float_digits = -15;
SELECT '{0:1/0,5e-324:0/1,0.1:1/1,1.7976931348623157e+308:1/0}'::retention.survival;
RESET extra_float_digits;
SELECT '{ 1.50 : 2 / 0 ,  2E1:0/3 }'::retention.survival AS "white space, exponents";
SELECT retention.survival(-0.0, true) AS "negative zero is zero";
-- Binary round trip
CREATE TEMP TABLE tb AS SELECT retention.survival(d, e) AS s FROM tf;
COPY tb TO '/tmp/retention_survival_test.bin' WITH (FORMAT binary);
CREATE TEMP TABLE tb2 (s retention.survival);
COPY tb2 FROM '/tmp/retention_survival_test.bin' WITH (FORMAT binary);
SELECT (SELECT s::text FROM tb) = (SELECT s::text FROM tb2) AS "binary round trip";
SELECT encode(retention.survival_send('{1.5:2/1}'), 'hex') AS "binary form";

-- Merge equals one pass, in any split
SELECT (SELECT retention.merge(s) FROM (SELECT retention.survival(d, e) s FROM tf GROUP BY g % 7) x)::text
	 = (SELECT retention.survival(d, e) FROM tf)::text AS "merge of 7 parts = one pass",
	   (SELECT retention.merge(s) FROM (SELECT retention.survival(d, e) s FROM tf GROUP BY g) x)::text
	 = (SELECT retention.survival(d, e) FROM tf)::text AS "merge of 2001 parts = one pass";
SELECT retention.merge(s) FROM (VALUES ('{1:1/0,3:0/2}'::retention.survival), (NULL),
	('{}'), ('{0:0/1,3:1/1,4:2/0}')) v(s);
-- Many groups, in a hash aggregate: each state stays its own
SELECT count(*), sum(retention.subjects(s)), bool_and(retention.distinct_times(s) <= 2000)
  FROM (SELECT g % 100 AS k, retention.survival(d, e) s FROM tf GROUP BY 1) x;

-- Parallel equals serial: Partial Aggregate in workers, combined by the leader
CREATE TABLE tp AS
SELECT g % 3 AS grp, (g % 997)::float8 / 7 AS d, g % 5 <> 0 AS e
  FROM generate_series(1, 200000) g;
ANALYZE tp;
CREATE TEMP TABLE serial AS SELECT grp, retention.survival(d, e)::text AS s FROM tp GROUP BY grp;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT grp, retention.survival(d, e) FROM tp GROUP BY grp;
SELECT bool_and(p.s = s.s) AS "parallel = serial", count(*)
  FROM (SELECT grp, retention.survival(d, e)::text AS s FROM tp GROUP BY grp) p
  JOIN serial s USING (grp);
EXPLAIN (COSTS OFF) SELECT retention.survival(d, e) FROM tp;
SELECT retention.survival(d, e)::text = (SELECT retention.merge(s::retention.survival)::text FROM serial)
	AS "parallel one curve = merge of serial groups"
  FROM tp;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
DROP TABLE tp;

-- Log-rank by hand: 2 groups of 2; a has an event at 1 and a censoring at
-- 1.5, b an event at 2 and a censoring at 3.  At 1, n = 4: E_a = 1/2,
-- V = 1 * 3 / (4 * 3) * 2 * (1 - 2/4) = 1/4; at 2 only b is at risk, E_a
-- += 0.  O_a - E_a = 1/2, chi-square (1/2)^2 / (1/4) = 1 and p = P(chi2(1)
-- > 1) = 0.3173105 (R: survdiff gives 1 and 0.3173105)
SELECT * FROM retention.logrank(ARRAY['{1:1/0,1.5:0/1}', '{2:1/0,3:0/1}']::retention.survival[]);
-- 3 groups, one without subjects (NULL) and one with no expected event,
-- which survdiff leaves out: R gives chi-square 2, df 1, p 0.1572992
SELECT df, round(chisq::numeric, 6), round(p::numeric, 6)
  FROM retention.logrank(ARRAY['{1:1/0,2:1/0,3:0/1}', NULL, '{1:0/1,4:1/0,5:1/0}', '{0.5:0/2}']::retention.survival[]);
-- Fewer than 2 groups with expected events: chi-square 0, no p (survdiff's 0)
SELECT * FROM retention.logrank(ARRAY['{1:1/0}', '{0.5:0/1}']::retention.survival[]);
-- A singular variance (every event at a time when all at risk die)
SELECT * FROM retention.logrank(ARRAY['{1:1/0}', '{1:1/0}']::retention.survival[]);

-- Bad input: durations, conf levels, horizons
SELECT retention.survival(d, true) FROM (VALUES (-1::float8)) v(d);
SELECT retention.survival(d, true) FROM (VALUES ('NaN'::float8)) v(d);
SELECT retention.survival(d, false) FROM (VALUES ('Infinity'::float8)) v(d);
SELECT * FROM retention.kaplan_meier('{1:1/0}', 1);
SELECT * FROM retention.kaplan_meier('{1:1/0}', 0);
SELECT * FROM retention.survival_median('{1:1/0}', 'NaN');
SELECT retention.restricted_mean('{1:1/0}', -1);
SELECT retention.restricted_mean('{1:1/0}', 'Infinity');
SELECT retention.survival_at('{1:1/0}', 'NaN');
SELECT * FROM retention.logrank(ARRAY['{1:1/0}']::retention.survival[]);
SELECT * FROM retention.logrank(ARRAY[NULL, '{1:1/0}']::retention.survival[]);
SELECT * FROM retention.logrank(ARRAY[['{1:1/0}'], ['{1:1/0}']]::retention.survival[]);
-- Malformed text
SELECT '1:1/0'::retention.survival;
SELECT '{1:1/0'::retention.survival;
SELECT '{1:1/0}x'::retention.survival;
SELECT '{1:1}'::retention.survival;
SELECT '{1/1:0}'::retention.survival;
SELECT '{1:1/0,}'::retention.survival;
SELECT '{,}'::retention.survival;
SELECT '{-1:1/0}'::retention.survival;
SELECT '{nan:1/0}'::retention.survival;
SELECT '{inf:1/0}'::retention.survival;
SELECT '{0x10:1/0}'::retention.survival;
SELECT '{1e:1/0}'::retention.survival;
SELECT '{1e999:1/0}'::retention.survival;
SELECT '{2:1/0,1:1/0}'::retention.survival;
SELECT '{1:1/0,1:0/1}'::retention.survival;
SELECT '{1:0/0}'::retention.survival;
SELECT '{1:-1/2}'::retention.survival;
SELECT '{1:9223372036854775808/0}'::retention.survival;
SELECT '{1:9223372036854775807/0,2:1/0}'::retention.survival;
SELECT retention.subjects('{1:9223372036854775806/0,2:1/0}');
SELECT retention.merge(s) FROM (VALUES ('{1:9223372036854775806/0}'::retention.survival), ('{2:5/0}')) v(s);
-- Malformed binary: write a bytea as one binary COPY field, then read that
-- field as a survival value
CREATE FUNCTION pg_temp.recv(msg bytea) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	st text;
	det text;
	result text;
BEGIN
	EXECUTE format('COPY (SELECT %L::bytea) TO %L (FORMAT binary)',
				   msg, '/tmp/retention_survival_recv.bin');
	CREATE TEMP TABLE surv_one (s retention.survival);
	BEGIN
		COPY surv_one FROM '/tmp/retention_survival_recv.bin' (FORMAT binary);
		SELECT s::text INTO result FROM surv_one;
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, det = PG_EXCEPTION_DETAIL;
		result := st || ' ' || coalesce(det, '');
	END;
	DROP TABLE surv_one;
	RETURN result;
END
$$;
-- Each message in hex: version, count (int4), then per entry time
-- (float8), events (int8), censored (int8)
SELECT n, pg_temp.recv(decode(replace(hex, ' ', ''), 'hex')) AS result
FROM (VALUES
	(1, '01 00000001 3ff8000000000000 0000000000000002 0000000000000001'),
	(2, '01 00000000'),
	(3, '02 00000001 3ff8000000000000 0000000000000002 0000000000000001'),
	(4, ''),
	(5, '01 00000002 3ff8000000000000 0000000000000002 0000000000000001'),
	(6, '01 00000001 3ff8000000000000 0000000000000002 0000000000000001 00'),
	(7, '01 ffffffff'),
	(8, '01 00000001 7ff8000000000000 0000000000000002 0000000000000001'),
	(9, '01 00000001 7ff0000000000000 0000000000000002 0000000000000001'),
	(10, '01 00000001 bff0000000000000 0000000000000002 0000000000000001'),
	(11, '01 00000001 8000000000000000 0000000000000002 0000000000000001'),
	(12, '01 00000001 3ff8000000000000 ffffffffffffffff 0000000000000001'),
	(13, '01 00000001 3ff8000000000000 0000000000000000 0000000000000000'),
	(14, '01 00000002 4000000000000000 0000000000000001 0000000000000000 3ff0000000000000 0000000000000001 0000000000000000'),
	(15, '01 00000002 3ff0000000000000 7fffffffffffffff 0000000000000000 4000000000000000 0000000000000001 0000000000000000'),
	(16, '01 7fffffff')
) v(n, hex) ORDER BY n;

DROP EXTENSION retention CASCADE;
