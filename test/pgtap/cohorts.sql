-- test/pgtap/cohorts.sql: the API contract of cohort retention
\set ON_ERROR_STOP 1
\set QUIET 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
DROP EXTENSION IF EXISTS retention CASCADE;
CREATE EXTENSION retention;
RESET client_min_messages;

BEGIN;
-- retention stays off the search path: every name below is qualified
SELECT plan(36);
SET LOCAL TimeZone = 'UTC';

-- Objects and signatures
SELECT has_type('retention', 'activity', 'type retention.activity exists');
SELECT has_type('retention', 'cohort_state', 'type retention.cohort_state exists');
SELECT function_returns('retention', 'cohort_start', ARRAY['retention.activity'], 'timestamp with time zone');
SELECT function_returns('retention', 'active_periods', ARRAY['retention.activity'], 'integer[]');
SELECT function_returns('retention', 'period_unit', ARRAY['retention.activity'], 'text');
SELECT function_returns('retention', 'retained', ARRAY['retention.activity', 'text', 'integer'], 'boolean');
SELECT function_returns('retention', 'retained', ARRAY['retention.activity', 'int4range'], 'boolean');
SELECT function_returns('retention', 'cohort_table',
						ARRAY['text', 'text', 'integer', 'text', 'timestamp with time zone'], 'setof record');
SELECT has_function('retention', 'activity', ARRAY['text', 'timestamp with time zone', 'timestamp with time zone']);
SELECT has_function('retention', 'activity', ARRAY['interval', 'timestamp with time zone', 'timestamp with time zone']);
SELECT has_function('retention', 'activity', ARRAY['text', 'timestamp with time zone']);
SELECT has_function('retention', 'cohort_counts',
					ARRAY['retention.activity', 'text', 'integer', 'timestamp with time zone']);
SELECT has_function('retention', 'cohort_counts',
					ARRAY['retention.activity', 'int4range[]', 'timestamp with time zone']);
SELECT has_function('retention', 'retention', ARRAY['boolean[]']);
SELECT has_view('retention', 'product_cohorts', 'view product_cohorts');
SELECT has_view('retention', 'usage_cohorts', 'view usage_cohorts');

-- Cross-subject rollups keep a concrete state (Citus two-phase)
SELECT is((SELECT string_agg(DISTINCT a.aggtranstype::regtype::text, ',')
			 FROM pg_aggregate a WHERE a.aggfnoid::regproc::text = 'retention.cohort_counts'),
		  'retention.cohort_state', 'cohort_counts keeps a retention.cohort_state');
SELECT is((SELECT a.aggtranstype::regtype::text FROM pg_aggregate a
			WHERE a.aggfnoid = 'retention.retention(boolean[])'::regprocedure),
		  'bigint', 'retention() keeps a bigint');
SELECT is((SELECT count(*)::int FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
			WHERE p.pronamespace = 'retention'::regnamespace
			  AND p.proname IN ('activity', 'cohort_counts', 'retention')
			  AND p.proparallel = 's' AND a.aggcombinefn <> 0), 6,
		  'the six cohort aggregates are parallel safe with a combine function');

-- Refused cases and their SQLSTATEs
SELECT throws_ok($$SELECT 'nope'::retention.activity$$, '22P02');
SELECT throws_ok($$SELECT '(classic,0,infinity,1,1,{})'::retention.cohort_state$$, '22P02');
SELECT throws_ok($$SELECT retention.activity('quarter', now(), now())$$, '22023');
SELECT throws_ok($$SELECT retention.activity(interval '1 month', now(), now())$$, '22023');
SELECT throws_ok($$SELECT retention.activity(NULL::text, now(), now())$$, '22004');
SELECT throws_ok($$SELECT retention.activity('month', NULL, now())$$, '22004');
SELECT throws_ok($$SELECT retention.activity('month', s, s) FROM (VALUES (now()), (now() - interval '1 day')) v (s)$$, '22023');
SELECT throws_ok($$SELECT retention.cohort_counts('(month,2026-01-01T00:00:00+00:00,{0})', 'weekly', 3, now())$$, '22023');
SELECT throws_ok($$SELECT retention.cohort_counts('(month,2026-01-01T00:00:00+00:00,{0})', 'classic', 0, now())$$, '22023');
SELECT throws_ok($$SELECT retention.cohort_counts('(month,2026-01-01T00:00:00+00:00,{0})', '{"[1,)"}', now())$$, '22023');
SELECT throws_ok($$SELECT retention.retained('(month,2026-01-01T00:00:00+00:00,{0})', 'classic', -1)$$, '22023');
SELECT throws_ok($$SELECT retention.retention(VARIADIC array_fill(true, ARRAY[33]))$$, '22023');
SELECT throws_ok($$SELECT * FROM retention.cohort_table('sometimes', 'month', 3)$$, '22023');

-- Allowed cases and results against plain SQL
SELECT lives_ok($$SELECT retention.activity('week', now(), now())$$, 'week is a unit');
SELECT lives_ok($$SELECT retention.activity(interval '36 hours', now(), now())$$, 'a fixed window');
SELECT is(retention.cohort_counts(a, 'classic', 3, '2026-05-01'), '{3,2,1,1}'::bigint[],
		  'classic counts of three subjects')
  FROM (VALUES ('(month,2026-01-01T00:00:00+00:00,{0,1,3})'::retention.activity),
			   ('(month,2026-01-01T00:00:00+00:00,{1,2})'), ('(month,2026-01-01T00:00:00+00:00,{})')) v (a);
SELECT results_eq(
	$$SELECT k, count(*) FILTER (WHERE retention.retained(a, 'rolling', k))
		FROM (VALUES ('(month,2026-01-01T00:00:00+00:00,{0,1,3})'::retention.activity),
					 ('(month,2026-01-01T00:00:00+00:00,{1,2})')) v (a), generate_series(1, 3) k
	   GROUP BY k ORDER BY k$$,
	$$SELECT k, count(*) FILTER (WHERE (SELECT max(p) FROM unnest(ap) p) >= k)
		FROM (VALUES ('{0,1,3}'::int[]), ('{1,2}')) v (ap), generate_series(1, 3) k
	   GROUP BY k ORDER BY k$$,
	'rolling membership matches plain SQL over the active periods');

SELECT * FROM finish();
ROLLBACK;
