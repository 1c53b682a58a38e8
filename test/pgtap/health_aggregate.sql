-- The health aggregate's contract: signatures, parallel safety, agreement
-- with a plain-SQL reference, and the SQLSTATE of every refused
-- configuration and input.
CREATE EXTENSION IF NOT EXISTS pgtap;
DROP EXTENSION IF EXISTS retention CASCADE;
CREATE EXTENSION retention;

BEGIN;
SET LOCAL timezone = 'UTC';
SELECT plan(48);

-- Signatures
SELECT has_function('retention', 'health',
	ARRAY['text', 'double precision', 'timestamp with time zone', 'timestamp with time zone']);
SELECT has_function('retention', 'health',
	ARRAY['text', 'double precision', 'timestamp with time zone', 'timestamp with time zone', 'text']);
SELECT is_aggregate('retention', 'health',
	ARRAY['text', 'double precision', 'timestamp with time zone', 'timestamp with time zone']);
SELECT is_aggregate('retention', 'health',
	ARRAY['text', 'double precision', 'timestamp with time zone', 'timestamp with time zone', 'text']);
SELECT results_eq(
	$$SELECT p.oid::regprocedure::text, p.prorettype::regtype::text
		FROM pg_catalog.pg_proc p
	   WHERE p.pronamespace = 'retention'::regnamespace AND p.proname = 'health' AND p.prokind = 'a'
	   ORDER BY p.pronargs$$,
	$$VALUES ('retention.health(text,double precision,timestamp with time zone,timestamp with time zone)', 'retention.health'),
			 ('retention.health(text,double precision,timestamp with time zone,timestamp with time zone,text)', 'retention.health')$$,
	'the two health aggregates return retention.health');

-- Every aggregate of the extension is parallel safe and has a combine
-- function; an internal state also has serial and deserial functions
SELECT is_empty(
	$$SELECT p.oid::regprocedure
		FROM pg_catalog.pg_aggregate a
		JOIN pg_catalog.pg_proc p ON p.oid = a.aggfnoid
		JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid
			 AND d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'e'
		JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'retention'
	   WHERE p.proparallel <> 's' OR a.aggcombinefn = 0
		  OR (a.aggtranstype = 'internal'::regtype AND (a.aggserialfn = 0 OR a.aggdeserialfn = 0))$$,
	'every aggregate of retention is parallel safe, combinable, and serializable if internal');
SELECT results_eq(
	$$SELECT a.aggtransfn::regprocedure::text, a.aggcombinefn::regproc::text, a.aggserialfn::regproc::text,
			 a.aggdeserialfn::regproc::text, a.aggfinalfn::regproc::text, a.aggtranstype::regtype::text
		FROM pg_catalog.pg_aggregate a
	   WHERE a.aggfnoid IN (SELECT oid FROM pg_catalog.pg_proc
							 WHERE pronamespace = 'retention'::regnamespace AND proname = 'health')
	   ORDER BY 1$$,
	$$VALUES ('retention.health_agg_accum(internal,text,double precision,timestamp with time zone,timestamp with time zone)',
			  'retention.health_agg_combine', 'retention.health_agg_serialize', 'retention.health_agg_deserialize',
			  'retention.health_agg_final', 'internal'),
			 ('retention.health_agg_accum(internal,text,double precision,timestamp with time zone,timestamp with time zone,text)',
			  'retention.health_agg_combine', 'retention.health_agg_serialize', 'retention.health_agg_deserialize',
			  'retention.health_agg_final', 'internal')$$,
	'support functions of the health aggregates');
SELECT results_eq(
	$$SELECT p.proname::text COLLATE "default", p.proisstrict, p.proparallel::text, p.provolatile::text
		FROM pg_catalog.pg_proc p
	   WHERE p.pronamespace = 'retention'::regnamespace AND p.proname LIKE 'health\_agg\_%'
	   ORDER BY 1, p.pronargs$$,
	$$VALUES ('health_agg_accum', false, 's', 's'), ('health_agg_accum', false, 's', 's'),
			 ('health_agg_combine', false, 's', 'i'), ('health_agg_deserialize', true, 's', 's'),
			 ('health_agg_final', false, 's', 'i'), ('health_agg_serialize', true, 's', 'i')$$,
	'transition and combine functions are not strict; all are parallel safe; reading the configuration is stable');

-- Generated data: 500 products, 40 rows each over 125 days, measures of
-- both scorecards below and one of neither, quarter values (some NULL),
-- and many rows sharing an observed_at (ties for "last")
CREATE TABLE gen AS
SELECT i % 500 AS product,
	   (ARRAY['usage', 'happiness', 'support_tickets', 'other', 'spend', 'latency', 'errors'])[(i / 7) % 7 + 1] AS measure,
	   CASE WHEN i % 13 = 0 THEN NULL ELSE ((i * 7) % 97) / 4.0 END::float8 AS value,
	   timestamptz '2024-07-01' - make_interval(hours => (i * 7919) % 3000) AS observed_at
  FROM generate_series(1, 20000) i
UNION ALL
-- 20 more products with stale rows only: no row in any window
SELECT 500 + i % 20, (ARRAY['usage', 'happiness', 'support_tickets'])[i % 3 + 1], i,
	   timestamptz '2024-01-01' + make_interval(hours => i)
  FROM generate_series(1, 100) i;

-- A second scorecard using sum, max (lower is better) and min
INSERT INTO retention.measures (name, rollup, window_length, zero_at, full_at) VALUES
	('spend', 'sum', '60 days', 0, 200),
	('latency', 'max', '14 days', 25, 0),
	('errors', 'min', '30 days', 0, 10);
INSERT INTO retention.scorecards (name, red_below, yellow_below) VALUES ('mix', 50, 80);
INSERT INTO retention.scorecard_measures (scorecard, measure, weight) VALUES
	('mix', 'usage', 1), ('mix', 'spend', 2), ('mix', 'latency', 1), ('mix', 'errors', 1);

-- The plain-SQL reference for the default scorecard, with FILTER aggregates.
-- Sub-scores are clamped to 0..100, and stay NULL without data (greatest()
-- and least() skip NULLs, so they cannot be used alone).
CREATE FUNCTION pg_temp.clamp(x float8) RETURNS float8
	LANGUAGE sql IMMUTABLE
	RETURN CASE WHEN x IS NOT NULL THEN least(greatest(x, 0), 100) END;
CREATE TEMP VIEW ref_default AS
WITH r AS (
	SELECT g.product,
		   avg(g.value) FILTER (WHERE g.measure = 'usage' AND g.observed_at > '2024-06-01' AND g.observed_at <= '2024-07-01') AS usage,
		   (array_agg(g.value ORDER BY g.observed_at DESC, g.value DESC)
				FILTER (WHERE g.measure = 'happiness' AND g.value IS NOT NULL
						AND g.observed_at > '2024-04-02' AND g.observed_at <= '2024-07-01'))[1] AS happiness,
		   count(*) FILTER (WHERE g.measure = 'support_tickets' AND g.observed_at > '2024-06-01' AND g.observed_at <= '2024-07-01') AS tickets,
		   count(*) FILTER (WHERE (g.measure IN ('usage', 'support_tickets') AND g.observed_at > '2024-06-01' AND g.observed_at <= '2024-07-01')
							   OR (g.measure = 'happiness' AND g.observed_at > '2024-04-02' AND g.observed_at <= '2024-07-01')) AS in_window
	  FROM gen g GROUP BY g.product
), s AS (
	SELECT product, in_window,
		   pg_temp.clamp(100 * usage / 20) AS su,
		   pg_temp.clamp(100 * happiness / 10) AS sh,
		   pg_temp.clamp(100 * (tickets - 10) / -10.0)::float8 AS st
	  FROM r
), h AS (
	SELECT product, in_window, su, sh, st,
		   (coalesce(30 * sh, 0) + 20 * st + coalesce(50 * su, 0))
			/ (CASE WHEN sh IS NULL THEN 0 ELSE 30 END + 20 + CASE WHEN su IS NULL THEN 0 ELSE 50 END) AS score,
		   (CASE WHEN sh IS NULL THEN 0 ELSE 30 END + 20 + CASE WHEN su IS NULL THEN 0 ELSE 50 END) / 100.0 AS coverage
	  FROM s
)
SELECT product,
	   CASE WHEN in_window > 0 THEN round(score::numeric, 9) END AS score,
	   CASE WHEN in_window = 0 THEN NULL WHEN score < 40 THEN 'red' WHEN score < 70 THEN 'yellow' ELSE 'green' END AS band,
	   CASE WHEN in_window > 0 THEN round(coverage, 9) END AS coverage,
	   CASE WHEN in_window > 0 THEN
		   (SELECT c.m FROM (VALUES ('happiness', 30 * (100 - sh)), ('support_tickets', 20 * (100 - st)),
									('usage', 50 * (100 - su))) c(m, cost)
			 WHERE c.cost > 0 ORDER BY c.cost DESC, c.m LIMIT 1)
	   END AS weakest
  FROM h;

-- ... and for "mix" (no count measure, so rows in a window may give no data)
CREATE TEMP VIEW ref_mix AS
WITH r AS (
	SELECT g.product,
		   avg(g.value) FILTER (WHERE g.measure = 'usage' AND g.observed_at > '2024-06-01' AND g.observed_at <= '2024-07-01') AS usage,
		   sum(g.value) FILTER (WHERE g.measure = 'spend' AND g.observed_at > '2024-05-02' AND g.observed_at <= '2024-07-01') AS spend,
		   max(g.value) FILTER (WHERE g.measure = 'latency' AND g.observed_at > '2024-06-17' AND g.observed_at <= '2024-07-01') AS latency,
		   min(g.value) FILTER (WHERE g.measure = 'errors' AND g.observed_at > '2024-06-01' AND g.observed_at <= '2024-07-01') AS errors
	  FROM gen g GROUP BY g.product
), s AS (
	SELECT product,
		   pg_temp.clamp(100 * usage / 20) AS su,
		   pg_temp.clamp(100 * spend / 200) AS ss,
		   pg_temp.clamp(100 * (latency - 25) / -25) AS sl,
		   pg_temp.clamp(100 * errors / 10) AS se
	  FROM r
), h AS (
	SELECT product, su, ss, sl, se,
		   (coalesce(se, 0) + coalesce(sl, 0) + coalesce(2 * ss, 0) + coalesce(su, 0))
			/ nullif(CASE WHEN se IS NULL THEN 0 ELSE 1 END + CASE WHEN sl IS NULL THEN 0 ELSE 1 END
					 + CASE WHEN ss IS NULL THEN 0 ELSE 2 END + CASE WHEN su IS NULL THEN 0 ELSE 1 END, 0) AS score,
		   (CASE WHEN se IS NULL THEN 0 ELSE 1 END + CASE WHEN sl IS NULL THEN 0 ELSE 1 END
			+ CASE WHEN ss IS NULL THEN 0 ELSE 2 END + CASE WHEN su IS NULL THEN 0 ELSE 1 END) / 5.0 AS coverage
	  FROM s
)
SELECT product,
	   round(score::numeric, 9) AS score,
	   CASE WHEN score < 50 THEN 'red' WHEN score < 80 THEN 'yellow' WHEN score >= 80 THEN 'green' END AS band,
	   CASE WHEN score IS NOT NULL THEN round(coverage, 9) END AS coverage,
	   CASE WHEN score IS NOT NULL THEN
		   (SELECT c.m FROM (VALUES ('errors', 100 - se), ('latency', 100 - sl), ('spend', 2 * (100 - ss)),
									('usage', 100 - su)) c(m, cost)
			 WHERE c.cost > 0 ORDER BY c.cost DESC, c.m LIMIT 1)
	   END AS weakest
  FROM h;

CREATE TEMP VIEW agg_default AS
SELECT product, round(retention.score(h)::numeric, 9) AS score, retention.band(h) AS band,
	   round(retention.coverage(h)::numeric, 9) AS coverage, retention.weakest_measure(h) AS weakest
  FROM (SELECT product, retention.health(measure, value, observed_at, '2024-07-01') AS h
		  FROM gen GROUP BY product) a;
CREATE TEMP VIEW agg_mix AS
SELECT product, round(retention.score(h)::numeric, 9) AS score, retention.band(h) AS band,
	   round(retention.coverage(h)::numeric, 9) AS coverage, retention.weakest_measure(h) AS weakest
  FROM (SELECT product, retention.health(measure, value, observed_at, '2024-07-01', 'mix') AS h
		  FROM gen GROUP BY product) a;

-- The data exercise what they should
SELECT ok((SELECT count(*) FILTER (WHERE score IS NULL) > 0 AND count(*) FILTER (WHERE coverage < 1) > 0
				  AND count(*) FILTER (WHERE coverage = 1) > 0 AND count(DISTINCT band) = 3
			 FROM ref_default),
		  'the reference data has NULL results, partial and full coverage, and every band');
SELECT ok((SELECT count(*) FILTER (WHERE score IS NULL) > 0 AND count(*) FILTER (WHERE coverage < 1) > 0
				  AND count(DISTINCT weakest) = 4 FROM ref_mix),
		  'the "mix" data has NULL results, partial coverage, and every measure as weakest');

SELECT results_eq('SELECT * FROM agg_default ORDER BY product', 'SELECT * FROM ref_default ORDER BY product',
				  'the default scorecard agrees with the plain-SQL reference');
SELECT results_eq('SELECT * FROM agg_mix ORDER BY product', 'SELECT * FROM ref_mix ORDER BY product',
				  'the "mix" scorecard agrees with the plain-SQL reference');

-- The same under a parallel plan
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
ANALYZE gen;
CREATE FUNCTION pg_temp.plan_of(query text) RETURNS text
	LANGUAGE plpgsql AS $$
DECLARE
	line text;
	plan text := '';
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || query LOOP
		plan := plan || line || E'\n';
	END LOOP;
	RETURN plan;
END
$$;
SELECT matches(pg_temp.plan_of('SELECT * FROM agg_default'), 'Finalize .*Gather.*Partial ',
			   'the default scorecard runs as partial aggregates under Gather');
SELECT matches(pg_temp.plan_of('SELECT * FROM agg_mix'), 'Finalize .*Gather.*Partial ',
			   'the "mix" scorecard runs as partial aggregates under Gather');
SELECT results_eq('SELECT * FROM agg_default ORDER BY product', 'SELECT * FROM ref_default ORDER BY product',
				  'the default scorecard agrees with the reference under a parallel plan');
SELECT results_eq('SELECT * FROM agg_mix ORDER BY product', 'SELECT * FROM ref_mix ORDER BY product',
				  'the "mix" scorecard agrees with the reference under a parallel plan');
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- Refused configuration, each with RT005
SELECT throws_ok($$UPDATE retention.scorecard_measures SET weight = -1 WHERE scorecard = 'default' AND measure = 'usage'$$,
				 'RT005', NULL, 'a negative weight is refused');
SELECT throws_ok($$UPDATE retention.scorecard_measures SET weight = 0 WHERE scorecard = 'default' AND measure = 'usage'$$,
				 'RT005', NULL, 'a zero weight is refused');
SELECT throws_ok($$UPDATE retention.scorecard_measures SET weight = 'NaN' WHERE scorecard = 'default' AND measure = 'usage'$$,
				 'RT005', NULL, 'a NaN weight is refused');
SELECT throws_ok($$INSERT INTO retention.measures (name, rollup, window_length, zero_at, full_at) VALUES ('m', 'sum', '1 day', 3, 3)$$,
				 'RT005', NULL, 'equal zero_at and full_at are refused');
SELECT throws_ok($$INSERT INTO retention.measures (name, rollup, window_length, zero_at, full_at) VALUES ('m', 'median', '1 day', 0, 3)$$,
				 'RT005', NULL, 'an unknown rollup is refused');
SELECT throws_ok($$INSERT INTO retention.measures (name, rollup, window_length, zero_at, full_at) VALUES ('m', 'sum', '0', 0, 3)$$,
				 'RT005', NULL, 'a zero window is refused');
SELECT throws_ok($$INSERT INTO retention.measures (name, rollup, window_length, zero_at, full_at) VALUES ('m', 'sum', '-1 day', 0, 3)$$,
				 'RT005', NULL, 'a negative window is refused');
SELECT throws_ok($$INSERT INTO retention.measures (name, rollup, window_length, zero_at, full_at) VALUES ('M x', 'sum', '1 day', 0, 3)$$,
				 'RT005', NULL, 'a bad measure name is refused');
SELECT throws_ok($$INSERT INTO retention.scorecards (name, red_below, yellow_below) VALUES ('s', 70, 40)$$,
				 'RT005', NULL, 'red_below above yellow_below is refused');
SELECT throws_ok($$INSERT INTO retention.scorecards (name, red_below, yellow_below) VALUES ('s', 40, 170)$$,
				 'RT005', NULL, 'yellow_below above 100 is refused');
SELECT throws_ok($$INSERT INTO retention.scorecards (name) VALUES ('S s')$$,
				 'RT005', NULL, 'a bad scorecard name is refused');
SELECT throws_ok($$INSERT INTO retention.scorecards (name) VALUES ('empty'); SET CONSTRAINTS ALL IMMEDIATE$$,
				 'RT005', 'scorecard "empty" has no measures', 'an empty scorecard is refused at commit');
SELECT throws_ok($$DELETE FROM retention.measures WHERE name = 'happiness'; SET CONSTRAINTS ALL IMMEDIATE$$,
				 '23503', NULL, 'a measure a scorecard weighs cannot be deleted');
SELECT throws_ok($$DELETE FROM retention.scorecards WHERE name = 'default'$$,
				 'RT005', NULL, 'the default scorecard cannot be deleted');
SELECT lives_ok($$INSERT INTO retention.scorecards (name) VALUES ('ok');
				  INSERT INTO retention.scorecard_measures (scorecard, measure, weight) VALUES ('ok', 'usage', 0.5);
				  SET CONSTRAINTS ALL IMMEDIATE$$,
				'a scorecard with a measure is accepted');
SELECT lives_ok($$UPDATE retention.measures SET zero_at = 30, full_at = 5, window_length = '1 mon' WHERE name = 'usage'$$,
				'a lower-is-better measure with a month window is accepted');

-- Refused input to the aggregate
SELECT throws_ok($$SELECT retention.health(measure, value, observed_at, NULL) FROM gen$$,
				 '22004', NULL, 'a NULL as_of is refused');
SELECT throws_ok($$SELECT retention.health(measure, value, observed_at, '2024-07-01', NULL) FROM gen$$,
				 '22004', NULL, 'a NULL scorecard is refused');
SELECT throws_ok($$SELECT retention.health(measure, value, observed_at, observed_at) FROM gen$$,
				 '22023', NULL, 'as_of varying within a group is refused');
SELECT throws_ok($$SELECT retention.health(measure, value, observed_at, '2024-07-01', CASE WHEN value > 5 THEN 'mix' ELSE 'default' END) FROM gen$$,
				 '22023', NULL, 'a scorecard varying within a group is refused');
SELECT throws_ok($$SELECT retention.health(measure, value, observed_at, '2024-07-01', 'nope') FROM gen$$,
				 '22023', NULL, 'an unknown scorecard is refused');
SELECT throws_ok($$SELECT retention.health(measure, value, observed_at, 'infinity') FROM gen$$,
				 '22008', NULL, 'an infinite as_of is refused');
SELECT throws_ok($$SELECT retention.health('usage', '-Infinity', '2024-06-30', '2024-07-01')$$,
				 '22003', NULL, 'an infinite value is refused');
SELECT lives_ok($$SELECT retention.health(measure, value, observed_at, '2024-07-01', 'ok') FROM gen GROUP BY product$$,
				'a new scorecard is usable in its own transaction');

-- Observations: RLS lets a rep insert and see only the products they can see
SELECT policies_are('retention', 'observations',
	ARRAY['observations_admin', 'observations_analyst', 'observations_rep_read', 'observations_rep_insert']);
SELECT table_privs_are('retention', 'observations', 'retention_rep', ARRAY['SELECT', 'INSERT']);
SELECT table_privs_are('retention', 'observations', 'retention_analyst', ARRAY['SELECT']);
SELECT table_privs_are('retention', 'measures', 'retention_admin', ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']);

-- Two retention groups, each with a rep and one product with two
-- observations; the rep of the first sees and adds only its product's
CREATE ROLE regress_hagg_rep IN ROLE retention_rep;
INSERT INTO retention.deals (customer, name, closed_on) VALUES ('Acme', 'deal', '2024-01-01');
INSERT INTO retention.reps (name, role_name) VALUES ('Mine', 'regress_hagg_rep'), ('Other', 'regress_hagg_other');
INSERT INTO retention.groups (name, kind, product_types, rep_id)
SELECT 'g_' || r.name, 'retention', ARRAY[r.name], r.id FROM retention.reps r;
INSERT INTO retention.products (deal_id, product_type, stage)
SELECT d.id, t, 'retention' FROM retention.deals d, unnest(ARRAY['Mine', 'Other']) t;
INSERT INTO retention.observations (product_id, measure, observed_at, value)
SELECT p.id, 'happiness', '2024-06-20'::timestamptz + i * interval '1 day', 8
  FROM retention.products p, generate_series(1, 2) i;
SET LOCAL ROLE regress_hagg_rep;
SELECT results_eq($$SELECT p.product_type, count(*) FROM retention.observations o
					  JOIN retention.products p ON p.id = o.product_id GROUP BY 1$$,
				  $$VALUES ('Mine', 2::bigint)$$,
				  'a rep sees only the observations of the products of their groups');
RESET ROLE;
SELECT throws_ok(pg_catalog.format(
					 $$SET LOCAL ROLE regress_hagg_rep;
					   INSERT INTO retention.observations (product_id, measure, observed_at, value)
					   VALUES (%s, 'happiness', '2024-06-30', 9)$$,
					 (SELECT id FROM retention.products WHERE product_type = 'Other')),
				 '42501', 'new row violates row-level security policy for table "observations"',
				 'a rep cannot add observations of another group''s product');
SET LOCAL ROLE regress_hagg_rep;
SELECT lives_ok($$INSERT INTO retention.observations (product_id, measure, observed_at, value)
				  SELECT id, 'happiness', '2024-06-30', 9 FROM retention.products WHERE product_type = 'Mine'$$,
				'a rep adds observations of their own product');
SELECT results_eq($$SELECT retention.health(measure, value, observed_at, '2024-07-01')::text
					  FROM retention.observations GROUP BY product_id$$,
				  $$VALUES ('(94,green,0.5,happiness)')$$,
				  'the rep''s health query covers their product only (happiness 9 -> 90, tickets 0 -> 100: (2700 + 2000) / 50 = 94)');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
