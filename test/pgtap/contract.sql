-- test/pgtap/contract.sql: the rules every object of the extension keeps,
-- checked from the catalog, so that an object added later is held to them
-- (or the test fails).
--  - every SQL and PL/pgSQL function pins search_path to pg_catalog, pg_temp;
--  - no function is SECURITY DEFINER, none LEAKPROOF but those declared;
--  - every aggregate is PARALLEL SAFE with a combine function, and one with
--    an internal state has serialize and deserialize functions;
--  - an aggregate that rolls up across subjects has a concrete state type
--    (Citus runs only those in two phases): every aggregate with an internal
--    state is declared here as grouped per subject;
--  - every view is security_invoker; every table that holds products' data
--    has row-level security enabled and forced;
--  - every object has a comment, and so has every column of every view;
--  - every view column is of a type of the BI contract (README, "BI tools"):
--    boolean, smallint, integer, bigint, numeric(p,s), varchar(n), text,
--    date or timestamptz (test/tap/bi_drivers.sh reads them through drivers).
\set ON_ERROR_STOP 1
\set QUIET 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
DROP EXTENSION IF EXISTS retention CASCADE;
CREATE EXTENSION retention;

BEGIN;
SELECT plan(11);

CREATE TEMP VIEW members AS
SELECT d.classid, d.objid
  FROM pg_catalog.pg_depend d
  JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'retention'
 WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e';

CREATE TEMP VIEW member_functions AS
SELECT p.* FROM pg_catalog.pg_proc p JOIN members m ON m.classid = 'pg_proc'::regclass AND m.objid = p.oid;

CREATE TEMP VIEW member_relations AS
SELECT c.* FROM pg_catalog.pg_class c JOIN members m ON m.classid = 'pg_class'::regclass AND m.objid = c.oid;

SELECT is_empty($$
	SELECT p.oid::regprocedure::text
	  FROM member_functions p JOIN pg_language l ON l.oid = p.prolang
	 WHERE l.lanname IN ('sql', 'plpgsql')
	   AND NOT coalesce(p.proconfig @> ARRAY['search_path=pg_catalog, pg_temp'], false)
$$, 'every SQL and PL/pgSQL function pins search_path to pg_catalog, pg_temp');

SELECT is_empty($$
	SELECT p.oid::regprocedure::text FROM member_functions p WHERE p.prosecdef
$$, 'no function is SECURITY DEFINER');

-- LEAKPROOF only where declared: comparisons and hashes of a type's values,
-- which read nothing but their arguments and raise no error about them
SELECT is_empty($$
	SELECT p.oid::regprocedure::text FROM member_functions p
	 WHERE p.proleakproof
	   AND p.proname NOT IN ('health_lt', 'health_le', 'health_eq', 'health_ne', 'health_ge',
							 'health_gt', 'health_cmp', 'health_hash', 'health_hash_extended',
							 'activity_eq', 'activity_ne', 'activity_hash', 'activity_hash_extended')
$$, 'no function is LEAKPROOF but the declared comparisons and hashes');

SELECT is_empty($$
	SELECT p.oid::regprocedure::text
	  FROM member_functions p JOIN pg_aggregate a ON a.aggfnoid = p.oid
	 WHERE p.proparallel <> 's' OR a.aggcombinefn = 0
		OR (a.aggtranstype = 'internal'::regtype AND (a.aggserialfn = 0 OR a.aggdeserialfn = 0))
$$, 'every aggregate is PARALLEL SAFE with a combine function (and serial/deserial for internal states)');

-- Aggregates that are computed per subject (per product, per customer):
-- Citus pushes them down whole when grouped by the distribution key, so an
-- internal state is fine.  Any other aggregate must keep a concrete state.
SELECT is_empty($$
	SELECT p.oid::regprocedure::text
	  FROM member_functions p JOIN pg_aggregate a ON a.aggfnoid = p.oid
	 WHERE a.aggtranstype = 'internal'::regtype
	   AND p.proname NOT IN ('health', 'activity')
$$, 'only per-subject aggregates have an internal state');

SELECT is_empty($$
	SELECT c.oid::regclass::text FROM member_relations c
	 WHERE c.relkind = 'v' AND NOT coalesce(c.reloptions @> ARRAY['security_invoker=true'], false)
$$, 'every view is security_invoker');

-- Tables of configuration (no product data) may go without row-level security
SELECT is_empty($$
	SELECT c.oid::regclass::text FROM member_relations c
	 WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
	   AND NOT (c.relrowsecurity AND c.relforcerowsecurity)
	   AND c.relname NOT IN ('stages', 'transitions', 'reps', 'groups', 'measures', 'scorecards',
							 'scorecard_measures', 'config_deletions', 'initiatives')
$$, 'every table that holds products'' data has row-level security enabled and forced');

SELECT is_empty($$
	SELECT p.oid::regprocedure::text FROM member_functions p
	 WHERE pg_catalog.obj_description(p.oid, 'pg_proc') IS NULL
	UNION ALL
	SELECT c.oid::regclass::text FROM member_relations c
	 WHERE c.relkind IN ('r', 'p', 'v', 'm') AND pg_catalog.obj_description(c.oid, 'pg_class') IS NULL
	UNION ALL
	SELECT t.oid::regtype::text FROM pg_type t JOIN members m ON m.classid = 'pg_type'::regclass AND m.objid = t.oid
	 WHERE t.typtype = 'b' AND pg_catalog.obj_description(t.oid, 'pg_type') IS NULL
$$, 'every function, table, view and type has a comment');

SELECT is_empty($$
	SELECT c.oid::regclass::text || '.' || a.attname
	  FROM member_relations c
	  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
	 WHERE c.relkind IN ('v', 'm') AND pg_catalog.col_description(c.oid, a.attnum) IS NULL
$$, 'every column of every view has a comment');

SELECT is_empty($$
	SELECT c.oid::regclass::text || '.' || a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod)
	  FROM member_relations c
	  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
	 WHERE c.relkind IN ('v', 'm')
	   AND NOT (a.atttypid IN ('bool'::regtype, 'int2'::regtype, 'int4'::regtype, 'int8'::regtype,
							   'text'::regtype, 'date'::regtype, 'timestamptz'::regtype)
				OR a.atttypid IN ('numeric'::regtype, 'varchar'::regtype) AND a.atttypmod >= 4)
$$, 'every view column is boolean, smallint, integer, bigint, numeric(p,s), varchar(n), text, date or timestamptz');

SELECT is_empty($$
	SELECT p.oid::regprocedure::text
	  FROM member_functions p JOIN pg_language l ON l.oid = p.prolang
	 WHERE l.lanname = 'c' AND p.prorettype <> 'trigger'::regtype
	   AND p.proparallel = 'u' AND p.provolatile <> 'v'
$$, 'no stable or immutable C function is left PARALLEL UNSAFE by default');

SELECT * FROM finish();
ROLLBACK;
