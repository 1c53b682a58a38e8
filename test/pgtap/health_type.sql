-- test/pgtap/health_type.sql: the API contract of the retention.health type
\set ON_ERROR_STOP 1
\set QUIET 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
DROP EXTENSION IF EXISTS retention CASCADE;
CREATE EXTENSION retention;
RESET client_min_messages;

BEGIN;
-- retention stays off the search path: every name below is qualified
SELECT plan(68);

--
-- Objects and signatures
--
SELECT has_type('retention', 'health', 'type retention.health exists');
SELECT is((SELECT typlen::int FROM pg_type WHERE oid = 'retention.health'::regtype), -1,
		  'health is variable length');
SELECT is((SELECT typalign::text || typstorage::text FROM pg_type
		   WHERE oid = 'retention.health'::regtype), 'dp',
		  'health is double-aligned with plain storage');

SELECT function_returns('retention', 'make_health',
						ARRAY['double precision', 'text', 'double precision', 'text'],
						'retention.health');
SELECT function_returns('retention', 'score', ARRAY['retention.health'], 'double precision');
SELECT function_returns('retention', 'band', ARRAY['retention.health'], 'text');
SELECT function_returns('retention', 'coverage', ARRAY['retention.health'], 'double precision');
SELECT function_returns('retention', 'weakest_measure', ARRAY['retention.health'], 'text');
SELECT function_returns('retention', 'health_cmp',
						ARRAY['retention.health', 'retention.health'], 'integer');
SELECT function_returns('retention', 'health_hash', ARRAY['retention.health'], 'integer');
SELECT function_returns('retention', 'health_hash_extended',
						ARRAY['retention.health', 'bigint'], 'bigint');
SELECT is_aggregate('retention', 'min', ARRAY['retention.health']);
SELECT is_aggregate('retention', 'max', ARRAY['retention.health']);

-- make_health's defaults: coverage 1, no weakest measure
SELECT is((SELECT pronargdefaults::int FROM pg_proc
		   WHERE oid = 'retention.make_health(double precision, text, double precision, text)'::regprocedure),
		  2, 'make_health has two defaults');
SELECT volatility_is('retention', 'make_health',
					 ARRAY['double precision', 'text', 'double precision', 'text'], 'immutable');
SELECT isnt_strict('retention', 'make_health',
				   ARRAY['double precision', 'text', 'double precision', 'text'],
				   'make_health is not strict (a NULL weakest measure means none)');

-- Every function of the type is immutable and parallel safe; all but
-- make_health are strict
SELECT is_empty($$
	SELECT p.oid::regprocedure::text
	FROM pg_proc p
	WHERE p.pronamespace = 'retention'::regnamespace
	  AND p.proname IN ('health_in', 'health_out', 'health_recv', 'health_send',
							 'make_health', 'score', 'band', 'coverage', 'weakest_measure',
							 'health_score_numeric', 'health_lt', 'health_le', 'health_eq',
							 'health_ne', 'health_ge', 'health_gt', 'health_cmp', 'health_hash',
							 'health_hash_extended', 'health_smaller', 'health_larger')
	  AND (p.provolatile <> 'i' OR p.proparallel <> 's'
		   OR (NOT p.proisstrict AND p.proname <> 'make_health'))
$$, 'health functions are immutable, parallel safe and strict');
SELECT ok((SELECT count(*) FROM pg_proc p
		   WHERE p.pronamespace = 'retention'::regnamespace
			 AND p.proname IN ('health_in', 'health_out', 'health_recv', 'health_send',
								 'make_health', 'score', 'band', 'coverage', 'weakest_measure',
								 'health_score_numeric', 'health_lt', 'health_le', 'health_eq',
								 'health_ne', 'health_ge', 'health_gt', 'health_cmp', 'health_hash',
								 'health_hash_extended', 'health_smaller', 'health_larger')) = 21,
		  'all 21 functions of the type exist');

-- Aggregates: parallel safe, with combine function and sort operator
SELECT results_eq($$
	SELECT p.proname::text COLLATE "default", p.proparallel::text, a.aggcombinefn::text,
		   a.aggsortop::regoperator::text
	FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
	WHERE p.pronamespace = 'retention'::regnamespace
	  AND p.proargtypes[0] = 'retention.health'::regtype
	ORDER BY 1
$$, $$
	VALUES ('max', 's', 'retention.health_larger',
			'retention.>(retention.health,retention.health)'),
		   ('min', 's', 'retention.health_smaller',
			'retention.<(retention.health,retention.health)')
$$, 'min and max are parallel safe with combine functions and sort operators');

-- Operators, their commutators, negators, estimators, hash and merge flags
SELECT results_eq($$
	SELECT o.oprname::text COLLATE "default", o.oprcode::text,
		   c.oprname::text COLLATE "default", n.oprname::text COLLATE "default",
		   o.oprrest::text, o.oprjoin::text, o.oprcanhash, o.oprcanmerge
	FROM pg_operator o
	JOIN pg_operator c ON c.oid = o.oprcom
	JOIN pg_operator n ON n.oid = o.oprnegate
	WHERE o.oprleft = 'retention.health'::regtype
	  AND o.oprright = 'retention.health'::regtype
	  AND o.oprresult = 'boolean'::regtype
	ORDER BY 1
$$, $$
	VALUES ('<', 'retention.health_lt', '>', '>=', 'scalarltsel', 'scalarltjoinsel', false, false),
		   ('<=', 'retention.health_le', '>=', '>', 'scalarlesel', 'scalarlejoinsel', false, false),
		   ('<>', 'retention.health_ne', '<>', '=', 'neqsel', 'neqjoinsel', false, false),
		   ('=', 'retention.health_eq', '=', '<>', 'eqsel', 'eqjoinsel', true, true),
		   ('>', 'retention.health_gt', '<', '<=', 'scalargtsel', 'scalargtjoinsel', false, false),
		   ('>=', 'retention.health_ge', '<=', '<', 'scalargesel', 'scalargejoinsel', false, false)
$$, 'the six comparison operators are complete');

-- Default btree and hash operator classes, both valid
SELECT results_eq($$
	SELECT am.amname::text COLLATE "default", opc.opcname::text COLLATE "default", opc.opcdefault, amvalidate(opc.oid)
	FROM pg_opclass opc JOIN pg_am am ON am.oid = opc.opcmethod
	WHERE opc.opcintype = 'retention.health'::regtype
	ORDER BY 1
$$, $$
	VALUES ('btree', 'health_ops', true, true), ('hash', 'health_ops', true, true)
$$, 'default btree and hash operator classes pass amvalidate');

-- Casts: explicit only, to double precision and numeric
SELECT results_eq($$
	SELECT casttarget::regtype::text, castfunc::regprocedure::text, castcontext::text
	FROM pg_cast WHERE castsource = 'retention.health'::regtype
	ORDER BY 1
$$, $$
	VALUES ('double precision', 'retention.score(retention.health)', 'e'),
		   ('numeric', 'retention.health_score_numeric(retention.health)', 'e')
$$, 'explicit casts to double precision and numeric');

-- Every object of the type has a comment
SELECT is_empty($$
	SELECT p.oid::regprocedure::text FROM pg_proc p
	WHERE p.pronamespace = 'retention'::regnamespace
	  AND p.proname IN ('health_in', 'health_out', 'health_recv', 'health_send',
							 'make_health', 'score', 'band', 'coverage', 'weakest_measure',
							 'health_score_numeric', 'health_lt', 'health_le', 'health_eq',
							 'health_ne', 'health_ge', 'health_gt', 'health_cmp', 'health_hash',
							 'health_hash_extended', 'health_smaller', 'health_larger')
	  AND obj_description(p.oid, 'pg_proc') IS NULL
	UNION ALL
	SELECT o.oid::regoperator::text FROM pg_operator o
	WHERE o.oprleft = 'retention.health'::regtype
	  AND obj_description(o.oid, 'pg_operator') IS NULL
	UNION ALL
	SELECT opc.opcname FROM pg_opclass opc
	WHERE opc.opcintype = 'retention.health'::regtype
	  AND obj_description(opc.oid, 'pg_opclass') IS NULL
	UNION ALL
	SELECT opf.opfname FROM pg_opfamily opf
	WHERE opf.opfnamespace = 'retention'::regnamespace AND opf.opfname = 'health_ops'
	  AND obj_description(opf.oid, 'pg_opfamily') IS NULL
	UNION ALL
	SELECT c.oid::text FROM pg_cast c
	WHERE c.castsource = 'retention.health'::regtype
	  AND obj_description(c.oid, 'pg_cast') IS NULL
	UNION ALL
	SELECT 'type' WHERE obj_description('retention.health'::regtype, 'pg_type') IS NULL
$$, 'every health object has a comment');

--
-- Text input: accepted and refused
--
SELECT lives_ok($$SELECT '(69.5,yellow,1,usage)'::retention.health$$, 'typical value');
SELECT lives_ok($$SELECT '(100,green,1,)'::retention.health$$, 'no weakest measure');
SELECT lives_ok($$SELECT ' ( 0 , red , 0 , a ) '::retention.health$$, 'white space, bounds 0');
SELECT lives_ok($$SELECT ('(1,red,1,' || repeat('m', 63) || ')')::retention.health$$,
				'63-byte measure name');

SELECT throws_ok($$SELECT '(69.5,Yellow,1,usage)'::retention.health$$, '22P02',
				 'invalid input syntax for type health: "(69.5,Yellow,1,usage)"',
				 'band in upper case');
SELECT throws_ok($$SELECT '69.5,yellow,1,usage'::retention.health$$, '22P02',
				 NULL, 'no parentheses');
SELECT throws_ok($$SELECT '(69.5,yellow,1)'::retention.health$$, '22P02', NULL, 'three fields');
SELECT throws_ok($$SELECT '(69.5,yellow,1,a,b)'::retention.health$$, '22P02', NULL, 'five fields');
SELECT throws_ok($$SELECT '(69.5,yellow,1,a)x'::retention.health$$, '22P02', NULL, 'trailing junk');
SELECT throws_ok($$SELECT '(,yellow,1,a)'::retention.health$$, '22P02', NULL, 'empty score');
SELECT throws_ok($$SELECT '(0x10,yellow,1,a)'::retention.health$$, '22P02', NULL, 'hex score');
SELECT throws_ok($$SELECT '(1.5x,yellow,1,a)'::retention.health$$, '22P02', NULL, 'junk in score');
SELECT throws_ok($$SELECT '(50,yellow,,a)'::retention.health$$, '22P02', NULL, 'empty coverage');
SELECT throws_ok($$SELECT '(50,yellow,1,Bad)'::retention.health$$, '22P02', NULL, 'bad measure name');
SELECT throws_ok($$SELECT ('(1,red,1,' || repeat('m', 64) || ')')::retention.health$$, '22P02',
				 NULL, '64-byte measure name');
SELECT throws_ok($$SELECT '(101,red,1,)'::retention.health$$, '22003',
				 'value "(101,red,1,)" is out of range for type health', 'score above 100');
SELECT throws_ok($$SELECT '(-0.5,red,1,)'::retention.health$$, '22003', NULL, 'negative score');
SELECT throws_ok($$SELECT '(NaN,red,1,)'::retention.health$$, '22003', NULL, 'NaN score');
SELECT throws_ok($$SELECT '(Infinity,red,1,)'::retention.health$$, '22003', NULL, 'infinite score');
SELECT throws_ok($$SELECT '(50,red,1.0000000000000002,)'::retention.health$$, '22003', NULL,
				 'coverage just above 1');
SELECT throws_ok($$SELECT '(50,red,-inf,)'::retention.health$$, '22003', NULL, 'infinite coverage');

--
-- make_health
--
SELECT ok(retention.make_health(69.5, 'yellow', 1, 'usage')
		  OPERATOR(retention.=) '(69.5,yellow,1,usage)'::retention.health,
		  'make_health equals the text form');
SELECT is(retention.make_health(100, 'green')::text, '(100,green,1,)', 'make_health defaults');
SELECT is(retention.make_health(40, 'red', 0.5, NULL)::text, '(40,red,0.5,)',
		  'make_health with NULL weakest measure');
SELECT ok(retention.make_health(NULL, 'red') IS NULL, 'make_health of NULL score is NULL');
SELECT throws_ok($$SELECT retention.make_health(50, 'Red')$$, '22023',
				 'invalid health band "Red"', 'make_health refuses a bad band');
SELECT throws_ok($$SELECT retention.make_health(50, 'red', 1, 'a b')$$, '22023',
				 'invalid measure name "a b"', 'make_health refuses a bad measure name');
SELECT throws_ok($$SELECT retention.make_health(100.00000000000001, 'red')$$, '22003', NULL,
				 'make_health refuses a score above 100');
SELECT throws_ok($$SELECT retention.make_health('NaN', 'red')$$, '22003', NULL,
				 'make_health refuses a NaN score');
SELECT throws_ok($$SELECT retention.make_health(50, 'red', -0.1)$$, '22003', NULL,
				 'make_health refuses a negative coverage');

--
-- Accessors, casts, round trip
--
SELECT is(retention.score('(69.5,yellow,1,usage)'), 69.5::float8, 'score');
SELECT is(retention.band('(69.5,yellow,1,usage)'), 'yellow', 'band');
SELECT is(retention.coverage('(69.5,yellow,0.25,usage)'), 0.25::float8, 'coverage');
SELECT is(retention.weakest_measure('(69.5,yellow,1,usage)'), 'usage', 'weakest_measure');
SELECT ok(retention.weakest_measure('(100,green,1,)') IS NULL, 'weakest_measure NULL for none');
SELECT is('(69.99999999999999,red,1,)'::retention.health::float8, 69.99999999999999::float8,
		  'cast to double precision');
SELECT is('(69.99999999999999,red,1,)'::retention.health::numeric, 69.99999999999999::numeric,
		  'cast to numeric keeps every digit');
SELECT is('(-0,red,-0,)'::retention.health::text, '(0,red,0,)', 'negative zero normalised');
SELECT is('(0.1,red,0.3,)'::retention.health::text, '(0.1,red,0.3,)', 'shortest output');

--
-- Order, min, max against plain SQL on the components
--
CREATE TEMP TABLE hv (h retention.health);
INSERT INTO hv
	SELECT retention.make_health((i * 37 % 101)::float8 * 0.99,
								 (ARRAY['red', 'yellow', 'green'])[i % 3 + 1],
								 (i % 9) / 8.0,
								 CASE WHEN i % 4 <> 0 THEN 'm' || i % 5 END)
	FROM generate_series(1, 2000) AS i;
SELECT results_eq($$ SELECT h::text AS t FROM hv ORDER BY h $$, $$
	SELECT h::text AS t FROM hv
	ORDER BY retention.score(h),
			 array_position(ARRAY['red', 'yellow', 'green'], retention.band(h)),
			 retention.coverage(h),
			 coalesce(retention.weakest_measure(h), '') COLLATE "C"
$$, 'ORDER BY health equals ordering by score, band, coverage, weakest measure');
SELECT results_eq($$ SELECT retention.min(h)::text, retention.max(h)::text FROM hv $$, $$
	SELECT (SELECT h::text FROM hv ORDER BY retention.score(h),
				array_position(ARRAY['red', 'yellow', 'green'], retention.band(h)),
				retention.coverage(h), coalesce(retention.weakest_measure(h), '') COLLATE "C"
			LIMIT 1),
		   (SELECT h::text FROM hv ORDER BY retention.score(h) DESC,
				array_position(ARRAY['red', 'yellow', 'green'], retention.band(h)) DESC,
				retention.coverage(h) DESC,
				coalesce(retention.weakest_measure(h), '') COLLATE "C" DESC
			LIMIT 1)
$$, 'min and max agree with the component ordering');
SELECT results_eq($$ SELECT retention.min(h)::text, retention.max(h)::text FROM hv $$,
				  $$ VALUES ('(0,red,0,m3)', '(99,green,1,m2)') $$,
				  'min and max by hand');
SELECT is((SELECT count(*)::int FROM hv WHERE h::text::retention.health OPERATOR(retention.<>) h), 0,
		  'text round trip of every value');
SELECT is((SELECT count(*)::int FROM hv a JOIN hv b ON a.h OPERATOR(retention.=) b.h
		   WHERE retention.health_hash(a.h) <> retention.health_hash(b.h)), 0,
		  'equal values hash equally');
SELECT is((SELECT count(DISTINCT h)::int FROM hv),
		  (SELECT count(*)::int FROM (SELECT DISTINCT h::text FROM hv) s),
		  'distinct values are distinct texts');

SELECT * FROM finish();
ROLLBACK;
