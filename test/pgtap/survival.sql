-- test/pgtap/survival.sql: the API contract of the survival type, its
-- aggregates, the Kaplan-Meier functions, the log-rank test and initiatives
\set ON_ERROR_STOP 1
\set QUIET 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
DROP EXTENSION IF EXISTS retention CASCADE;
CREATE EXTENSION retention;
RESET client_min_messages;

BEGIN;
SELECT plan(40);

-- Objects and signatures
SELECT has_type('retention', 'survival', 'type retention.survival exists');
SELECT is((SELECT typlen::int FROM pg_type WHERE oid = 'retention.survival'::regtype), -1,
		  'survival is variable length');
SELECT is((SELECT typalign::text || typstorage::text FROM pg_type
		   WHERE oid = 'retention.survival'::regtype), 'dx',
		  'survival is double-aligned and may be compressed and stored out of line');
SELECT is_aggregate('retention', 'survival', ARRAY['double precision', 'boolean']);
SELECT is_aggregate('retention', 'merge', ARRAY['retention.survival']);
SELECT function_returns('retention', 'kaplan_meier', ARRAY['retention.survival', 'double precision'],
						'setof record');
SELECT function_returns('retention', 'survival_median', ARRAY['retention.survival', 'double precision'],
						'record');
SELECT function_returns('retention', 'survival_at', ARRAY['retention.survival', 'double precision'],
						'double precision');
SELECT function_returns('retention', 'restricted_mean', ARRAY['retention.survival', 'double precision'],
						'double precision');
SELECT function_returns('retention', 'logrank', ARRAY['retention.survival[]'], 'record');
SELECT function_returns('retention', 'assign', ARRAY['text', 'bigint[]'], 'integer');
SELECT function_returns('retention', 'initiative_results', ARRAY['text'], 'setof record');
SELECT is((SELECT string_agg(a, ',' ORDER BY n) FROM pg_proc p,
				  unnest(p.proargnames, p.proargmodes::text[]) WITH ORDINALITY u(a, m, n)
			WHERE p.oid = 'retention.kaplan_meier(retention.survival, double precision)'::regprocedure
			  AND m = 't'),
		  'time,n_risk,n_event,n_censor,surv,std_err,lower,upper', 'kaplan_meier''s columns');
SELECT is((SELECT pronargdefaults::int FROM pg_proc
		   WHERE oid = 'retention.kaplan_meier(retention.survival, double precision)'::regprocedure),
		  1, 'kaplan_meier''s conf_level has a default (0.95)');

-- The aggregates: the state is the type itself (Citus two-phase), with a
-- combine function, parallel safe
SELECT is((SELECT a.aggtranstype::regtype::text FROM pg_aggregate a
		   WHERE a.aggfnoid = 'retention.survival(double precision, boolean)'::regprocedure),
		  'retention.survival', 'the state of survival() is retention.survival');
SELECT is((SELECT a.aggtranstype::regtype::text FROM pg_aggregate a
		   WHERE a.aggfnoid = 'retention.merge(retention.survival)'::regprocedure),
		  'retention.survival', 'the state of merge() is retention.survival');
SELECT is((SELECT a.aggcombinefn::text FROM pg_aggregate a
		   WHERE a.aggfnoid = 'retention.survival(double precision, boolean)'::regprocedure),
		  'retention.survival_combine', 'survival() has a combine function');
SELECT is((SELECT proparallel::text FROM pg_proc
		   WHERE oid = 'retention.survival(double precision, boolean)'::regprocedure),
		  's', 'survival() is parallel safe');
SELECT is_empty($$
	SELECT p.oid::regprocedure::text FROM pg_proc p
	 WHERE p.pronamespace = 'retention'::regnamespace
	   AND p.proname IN ('survival_in', 'survival_out', 'survival_recv', 'survival_send',
						 'survival_accum', 'survival_combine', 'subjects', 'events',
						 'distinct_times', 'kaplan_meier', 'survival_median', 'survival_at',
						 'restricted_mean', 'logrank')
	   AND (p.provolatile <> 'i' OR p.proparallel <> 's')
$$, 'every survival function is immutable and parallel safe');

-- Refused input, by SQLSTATE
SELECT throws_ok($$SELECT retention.survival(-1, true)$$, '22003', NULL, 'a negative duration is refused');
SELECT throws_ok($$SELECT retention.survival('NaN', true)$$, '22003', NULL, 'a NaN duration is refused');
SELECT throws_ok($$SELECT retention.survival('-Infinity', false)$$, '22003', NULL, 'an infinite duration is refused');
SELECT lives_ok($$SELECT retention.survival(d, e) FROM (VALUES (NULL::float8, true), (1, NULL)) v(d, e)$$,
				'rows with a NULL are skipped');
SELECT throws_ok($$SELECT '{1:1}'::retention.survival$$, '22P02', NULL, 'malformed text is refused');
SELECT throws_ok($$SELECT '{2:1/0,1:1/0}'::retention.survival$$, '22023', NULL, 'unsorted durations are refused');
SELECT throws_ok($$SELECT '{1:0/0}'::retention.survival$$, '22023', NULL, 'an empty entry is refused');
SELECT throws_ok($$SELECT '{1:9223372036854775807/1}'::retention.survival$$, '22003', NULL,
				 'more subjects than a bigint counts are refused');
SELECT throws_ok($$SELECT * FROM retention.kaplan_meier('{1:1/0}', 1.5)$$, '22023', NULL,
				 'a confidence level outside (0, 1) is refused');
SELECT throws_ok($$SELECT retention.restricted_mean('{1:1/0}', -2)$$, '22023', NULL,
				 'a negative horizon is refused');
SELECT throws_ok($$SELECT retention.survival_at('{1:1/0}', 'NaN')$$, '22023', NULL,
				 'a NaN time is refused');
SELECT throws_ok($$SELECT * FROM retention.logrank(ARRAY['{1:1/0}']::retention.survival[])$$, '22023', NULL,
				 'a log-rank test of one curve is refused');
SELECT throws_ok($$SELECT retention.assign('no_such', '{1}')$$, '22023', NULL,
				 'assign to an unknown initiative is refused');
SELECT throws_ok($$INSERT INTO retention.initiatives (name, arms) VALUES ('x', '{a}')$$, '22023', NULL,
				 'an initiative with one arm is refused');
SELECT lives_ok($$INSERT INTO retention.initiatives (name) VALUES ('x')$$, 'an initiative with the default arms');

-- Results equal plain SQL: the counts per duration
SELECT results_eq(
	$$SELECT k."time", k.n_event, k.n_censor
		FROM retention.kaplan_meier((SELECT retention.survival(g % 17, g % 3 = 0)
									   FROM generate_series(1, 1000) g)) k ORDER BY 1$$,
	$$SELECT (g % 17)::float8, count(*) FILTER (WHERE g % 3 = 0), count(*) FILTER (WHERE g % 3 <> 0)
		FROM generate_series(1, 1000) g GROUP BY 1 ORDER BY 1$$,
	'kaplan_meier counts equal a GROUP BY of the rows');

-- Privileges: analysts and reps read, admins write the initiatives
SELECT table_privs_are('retention', 'initiatives', 'retention_analyst', ARRAY['SELECT']);
SELECT table_privs_are('retention', 'initiatives', 'retention_admin',
					   ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']);
SELECT table_privs_are('retention', 'initiative_members', 'retention_rep', ARRAY['SELECT']);
SELECT table_privs_are('retention', 'survival_by_group', 'retention_analyst', ARRAY['SELECT']);
SELECT table_privs_are('retention', 'product_lifetimes', 'retention_rep', ARRAY['SELECT']);

SELECT * FROM finish();
ROLLBACK;
