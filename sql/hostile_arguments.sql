-- hostile_arguments: every function and aggregate of the extension, found in
-- the catalog, called with hostile arguments (issue 12, section 2).
--
-- Each argument type has a table of samples (ha_samples): a sensible base
-- value and hostile ones (NULL, zero, -1, integer extremes, huge and tiny
-- floats, NaN, Infinity, -Infinity, -0, infinite and extreme timestamps,
-- empty and huge text, empty arrays, arrays with NULLs, arrays of 100,000
-- elements, empty, extreme and huge values of the extension's own types).
-- Every function is called with its base arguments, then with one argument
-- at a time replaced by each of its hostile samples, then with all of its
-- arguments hostile at once (the i-th sample of every type) and all NULL.
-- Every aggregate is called the same way over a single row, and over mixed
-- rows (base, hostile, NULL: so the as_of, units and kinds of the rows
-- differ), plus over no rows and over all-NULL rows.  Each call runs in a
-- subtransaction that is rolled back, so the calls see the same data.
--
-- Fails on: a crashed backend (the output stops); an SQLSTATE that is not a
-- clean refusal (class XX internal errors, 58 system errors, 53 resources,
-- or a syntax or type error, which would mean the sweep called nothing); a
-- result of a type of the extension whose text form does not read back
-- (HA001); a function with an
-- argument type without samples; a function taking internal that is not the
-- support function of an aggregate or type.  The summary of outcomes per
-- function is the expected output, so a change of behaviour shows.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS retention CASCADE;
DROP SCHEMA IF EXISTS retention CASCADE;
CREATE EXTENSION retention;
RESET client_min_messages;
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';
-- a hang fails the test instead of stalling the suite
SET statement_timeout = '120s';

------------------------------------------------------------------------------
-- Data for the calls to work on
------------------------------------------------------------------------------
INSERT INTO retention.reps (id, name, role_name) VALUES (1, 'Hostile Rep', 'ha_rep');
INSERT INTO retention.groups (id, name, kind, product_types) VALUES (1, 'HA onboarding', 'onboarding', '{widget}');
INSERT INTO retention.groups (id, name, kind, product_types, rep_id) VALUES (2, 'HA accounts', 'retention', '{widget}', 1);
INSERT INTO retention.deals (id, customer, name, amount, closed_on) VALUES (1, 'Acme', 'Acme deal', 100, '2026-01-01');
INSERT INTO retention.products (id, deal_id, product_type, mrr, stage)
	VALUES (1, 1, 'widget', 10, 'retention'), (2, 1, 'widget', 20, 'onboarding'), (3, 1, 'widget', 30, 'retention');
INSERT INTO retention.observations (product_id, measure, observed_at, value)
	SELECT p, m, now() - interval '1 day', 5
	  FROM generate_series(1, 3) p, unnest('{usage,happiness,support_tickets}'::text[]) m;
SELECT retention.snapshot_health(current_date - 1) AS snapshots;
INSERT INTO retention.initiatives (name, arms) VALUES ('ha_trial', '{a,b}');
-- a table of the caller's own, for retention.enforce_stages
CREATE TABLE ha_subs (k text PRIMARY KEY, s text NOT NULL, why text, entered timestamptz);

-- The huge samples, made once
CREATE TABLE ha_big AS
SELECT (SELECT array_agg(g::bigint) FROM generate_series(1, 100000) g) AS bigints,
	   (SELECT array_agg(g) FROM generate_series(1, 100000) g) AS integers,
	   (SELECT array_agg(g % 3 = 0) FROM generate_series(1, 100000) g) AS booleans,
	   (SELECT array_agg(int4range(g, g + 1)) FROM generate_series(1, 100000) g) AS ranges,
	   (SELECT array_agg(timestamptz '2000-01-01 00:00+00' + g * interval '1 minute')
		  FROM generate_series(1, 100000) g) AS instants,
	   (SELECT retention.activity('day', '2000-01-01 00:00+00', timestamptz '2000-01-01 00:00+00' + g * interval '1 day')
		  FROM generate_series(0, 99999) g) AS activity,
	   (SELECT retention.survival(g, g % 2 = 0) FROM generate_series(1, 100000) g) AS survival,
	   (SELECT array_agg('{1:1/1,2:1/0}'::retention.survival) FROM generate_series(1, 10000)) AS survivals;

------------------------------------------------------------------------------
-- Samples: for each type a base value and hostile ones (SQL expressions)
------------------------------------------------------------------------------
CREATE TABLE ha_samples (type regtype NOT NULL, label text NOT NULL, expr text NOT NULL,
						 PRIMARY KEY (type, label));
INSERT INTO ha_samples (type, label, expr) VALUES
	('bigint', 'base', '1'), ('bigint', 'null', 'NULL'), ('bigint', '0', '0'), ('bigint', '-1', '-1'),
	('bigint', 'max', '9223372036854775807'), ('bigint', 'min', '(-9223372036854775807 - 1)'),
	('integer', 'base', '2'), ('integer', 'null', 'NULL'), ('integer', '0', '0'), ('integer', '-1', '-1'),
	('integer', 'max', '2147483647'), ('integer', 'min', '(-2147483647 - 1)'), ('integer', '11', '11'),
	('integer', '10000', '10000'), ('integer', '10001', '10001'),
	('double precision', 'base', '50'), ('double precision', 'null', 'NULL'), ('double precision', '0', '0'),
	('double precision', '-0', '''-0'''), ('double precision', '-1', '-1'),
	('double precision', 'huge', '1e308'), ('double precision', '-huge', '-1e308'),
	('double precision', 'tiny', '5e-324'), ('double precision', 'NaN', '''NaN'''),
	('double precision', 'Infinity', '''Infinity'''), ('double precision', '-Infinity', '''-Infinity'''),
	('double precision', '1e-300', '1e-300'), ('double precision', '101', '101'),
	('boolean', 'base', 'true'), ('boolean', 'null', 'NULL'), ('boolean', 'false', 'false'),
	('text', 'base', '''retention'''), ('text', 'null', 'NULL'), ('text', 'empty', ''''''),
	('text', 'blank', ''' '''), ('text', 'huge', 'repeat(''x'', 1000000)'), ('text', 'NaN', '''NaN'''),
	('text', 'multibyte', '''日本語é'''), ('text', 'nul-like', '''\0'''), ('text', 'quote', '''a''''b"c'''),
	('text', 'unit', '''day'''), ('text', 'kind', '''rolling'''),
	('name', 'base', '''k'''), ('name', 'null', 'NULL'), ('name', 'empty', ''''''),
	('name', 'long', 'repeat(''n'', 63)'), ('name', 'quote', '''a"b'''),
	('date', 'base', '''2026-06-01'''), ('date', 'null', 'NULL'), ('date', 'infinity', '''infinity'''),
	('date', '-infinity', '''-infinity'''), ('date', 'min', '''4714-11-24 BC'''),
	('date', 'max', '''5874897-12-31'''),
	('timestamp with time zone', 'base', '''2026-06-01 00:00+00'''), ('timestamp with time zone', 'null', 'NULL'),
	('timestamp with time zone', 'infinity', '''infinity'''), ('timestamp with time zone', '-infinity', '''-infinity'''),
	('timestamp with time zone', 'min', '''4714-11-24 00:00:00+00 BC'''),
	('timestamp with time zone', 'max', '''294276-12-31 23:59:59.999999+00'''),
	('timestamp with time zone', 'epoch', '''1970-01-01 00:00+00'''),
	('timestamp with time zone', 'future', '''2200-01-01 00:00+00'''),
	('interval', 'base', '''1 month'''), ('interval', 'null', 'NULL'), ('interval', '0', '''0'''),
	('interval', '-1 month', '''-1 month'''), ('interval', '1 microsecond', '''1 microsecond'''),
	('interval', 'max', '''178000000 years'''), ('interval', 'min', '''-178000000 years'''),
	('interval', 'mixed', '''1 month -30 days'''), ('interval', 'huge days', '''2147483647 days'''),
	('regclass', 'base', '''retention.products'''), ('regclass', 'null', 'NULL'),
	('regclass', 'catalog', '''pg_class'''), ('regclass', 'zero', '0'), ('regclass', 'view', '''pg_stat_activity'''),
	('regclass', 'history', '''retention.stage_history'''),
	('cstring', 'base', '''x'''), ('cstring', 'null', 'NULL'), ('cstring', 'empty', ''''''),
	('cstring', 'huge', 'repeat(''('', 100000)'),
	('bigint[]', 'base', '''{1,2}'''), ('bigint[]', 'null', 'NULL'), ('bigint[]', 'empty', '''{}'''),
	('bigint[]', 'nulls', '''{NULL,1,NULL}'''), ('bigint[]', '2-d', '''{{1,2},{3,4}}'''),
	('bigint[]', 'lower bound 0', '''[0:1]={1,2}'''), ('bigint[]', 'extremes', '''{9223372036854775807,-9223372036854775808,0,-1}'''),
	('bigint[]', '100k', '(SELECT bigints FROM ha_big)'),
	('boolean[]', 'base', '''{true,false}'''), ('boolean[]', 'null', 'NULL'), ('boolean[]', 'empty', '''{}'''),
	('boolean[]', 'nulls', '''{true,NULL,false}'''), ('boolean[]', 'all null', '''{NULL,NULL}'''),
	('boolean[]', '2-d', '''{{true,false},{false,true}}'''), ('boolean[]', '33', '(SELECT array_agg(g % 2 = 0) FROM generate_series(1, 33) g)'),
	('boolean[]', '100k', '(SELECT booleans FROM ha_big)'),
	('integer[]', 'base', '''{1,2}'''), ('integer[]', 'null', 'NULL'), ('integer[]', 'empty', '''{}'''),
	('integer[]', 'nulls', '''{NULL,1}'''), ('integer[]', '100k', '(SELECT integers FROM ha_big)'),
	('int4range', 'base', '''[1,3]'''), ('int4range', 'null', 'NULL'), ('int4range', 'empty', '''empty'''),
	('int4range', 'unbounded', '''(,)'''), ('int4range', 'extremes', 'int4range(-2147483648, 2147483647)'),
	('int4range', 'negative', '''[-5,-1]'''), ('int4range', 'point 0', '''[0,0]'''),
	('int4range[]', 'base', '''{"[1,3]","[4,6]"}'''), ('int4range[]', 'null', 'NULL'), ('int4range[]', 'empty', '''{}'''),
	('int4range[]', 'nulls', '''{NULL,"[1,2]"}'''), ('int4range[]', 'empty range', '''{empty}'''),
	('int4range[]', 'unbounded', '''{"(,)","[5,)"}'''), ('int4range[]', 'overlapping', '''{"[1,9]","[2,3]","[1,9]"}'''),
	('int4range[]', '100k', '(SELECT ranges FROM ha_big)'),
	('timestamp with time zone[]', 'base', '''{2026-05-01 00:00+00,2026-06-01 00:00+00}'''),
	('timestamp with time zone[]', 'null', 'NULL'), ('timestamp with time zone[]', 'empty', '''{}'''),
	('timestamp with time zone[]', 'nulls', '''{NULL,2026-06-01 00:00+00}'''),
	('timestamp with time zone[]', 'infinities', '''{-infinity,infinity}'''),
	('timestamp with time zone[]', 'unsorted', '''{2026-06-01 00:00+00,2026-05-01 00:00+00,2026-06-01 00:00+00}'''),
	('timestamp with time zone[]', 'extremes', '''{4714-11-24 00:00:00+00 BC,294276-12-31 23:59:59.999999+00}'''),
	('timestamp with time zone[]', '2-d', '''{{2026-05-01 00:00+00},{2026-06-01 00:00+00}}'''),
	('timestamp with time zone[]', '100k', '(SELECT instants FROM ha_big)'),
	('retention.health', 'base', '''(50,yellow,1,usage)'''), ('retention.health', 'null', 'NULL'),
	('retention.health', 'zero', '''(0,red,0,usage)'''), ('retention.health', 'full', '''(100,green,1,)'''),
	('retention.health', 'tiny', 'retention.make_health(5e-324, ''red'', 5e-324, repeat(''m'', 63))'),
	('retention.activity', 'base', '''(month,2026-01-01T00:00:00+00:00,{0,1,3})'''), ('retention.activity', 'null', 'NULL'),
	('retention.activity', 'no periods', '''(week,2026-01-05T00:00:00+00:00,{})'''),
	('retention.activity', 'interval unit', '''(7 days,2026-03-08T01:30:00-05:00,{0,2,40})'''),
	('retention.activity', 'far future', '''(day,294000-01-01T00:00:00+00:00,{0})'''),
	('retention.activity', 'huge', '(SELECT activity FROM ha_big)'),
	('retention.cohort_state', 'base', '''(classic,2,2026-06-01T00:00:00+00:00,2,10,{6,4})'''),
	('retention.cohort_state', 'null', 'NULL'),
	('retention.cohort_state', 'empty', 'retention.cohort_counts_accum(NULL, NULL, ''classic'', 2, ''2026-06-01 00:00+00'')'),
	('retention.cohort_state', 'rolling', 'retention.cohort_counts_accum(NULL, ''(month,2026-01-01T00:00:00+00:00,{0,1,3})'', ''rolling'', 4, ''2026-06-01 00:00+00'')'),
	('retention.cohort_state', 'brackets', 'retention.cohort_counts_accum(NULL, ''(month,2026-01-01T00:00:00+00:00,{0,1,3})'', ''{"[0,1]","[2,3]"}''::int4range[], ''2026-06-01 00:00+00'')'),
	('retention.cohort_state', 'max cells', 'retention.cohort_counts_accum(NULL, ''(day,2000-01-01T00:00:00+00:00,{0,1,3})'', ''full'', 10000, ''2026-06-01 00:00+00'')'),
	('retention.cohort_state', 'max counts', '''(classic,2,2026-06-01T00:00:00+00:00,2,9223372036854775807,{9223372036854775807,9223372036854775807})'''),
	('retention.survival', 'base', '''{1:1/1,2:1/0}'''), ('retention.survival', 'null', 'NULL'),
	('retention.survival', 'empty', '''{}'''), ('retention.survival', 'extremes', '''{0:0/3,1.5e-300:2/0,1e300:1/1}'''),
	('retention.survival', 'all censored', '''{1:0/5,2:0/5}'''), ('retention.survival', 'all events', '''{1:5/0,2:5/0}'''),
	('retention.survival', 'huge', '(SELECT survival FROM ha_big)'),
	('retention.survival', 'max counts', '''{1:9223372036854775807/0}'''),
	('retention.survival[]', 'base', '''{"{1:1/1,2:1/0}","{1:0/1,3:1/0}"}'''), ('retention.survival[]', 'null', 'NULL'),
	('retention.survival[]', 'empty', '''{}'''), ('retention.survival[]', 'one', '''{"{1:1/1}"}'''),
	('retention.survival[]', 'nulls', '''{NULL,"{1:1/1}"}'''), ('retention.survival[]', 'empty curves', '''{"{}","{}"}'''),
	('retention.survival[]', 'extremes', '''{"{0:0/3,1.5e-300:2/0,1e300:1/1}","{1:9223372036854775807/0}"}'''),
	('retention.survival[]', 'many', '(SELECT survivals FROM ha_big)'),
	('retention.survival[]', 'huge', '(SELECT ARRAY[survival, ''{1:1/1}''] FROM ha_big)'),
	('retention.survey_counts', 'base', '''(1,0,0,0,0,0,0,2,0,3,1)'''), ('retention.survey_counts', 'null', 'NULL'),
	('retention.survey_counts', 'zeros', '''(0,0,0,0,0,0,0,0,0,0,0)'''),
	('retention.survey_counts', 'max', '''(9223372036854775807,0,0,0,0,0,0,0,0,0,9223372036854775807)''');

-- The base value by parameter name where the function needs a particular
-- one to get past its first check (as in search_path_hijack)
CREATE FUNCTION ha_base(t regtype, arg text) RETURNS text
	LANGUAGE sql STABLE
	RETURN CASE WHEN t = 'text'::regtype AND arg ~ 'stage' THEN '''retention'''
				WHEN t = 'text'::regtype AND arg ~ 'reason' THEN '''hostile test'''
				WHEN t = 'text'::regtype AND arg = 'band' THEN '''yellow'''
				WHEN t = 'text'::regtype AND arg ~ 'measure' THEN '''usage'''
				WHEN t = 'text'::regtype AND arg ~ 'scorecard' THEN '''default'''
				WHEN t = 'text'::regtype AND arg = 'kind' THEN '''classic'''
				WHEN t = 'text'::regtype AND arg = 'unit' THEN '''month'''
				WHEN t = 'text'::regtype AND arg = 'initiative' THEN '''ha_trial'''
				WHEN t = 'regclass'::regtype AND arg = 'target' THEN '''ha_subs'''
				WHEN t = 'name'::regtype AND arg = 'key_column' THEN '''k'''
				WHEN t = 'name'::regtype AND arg = 'reason_column' THEN '''why'''
				WHEN t = 'name'::regtype AND arg = 'entered_at_column' THEN '''entered'''
				WHEN t = 'name'::regtype AND arg ~ 'stage' THEN '''s'''
				WHEN t = 'timestamptz'::regtype AND arg ~ 'expires' THEN '''2099-01-01 00:00+00'''
				WHEN t = 'timestamptz'::regtype AND arg ~ 'end' THEN '''2026-07-01 00:00+00'''
				WHEN t = 'double precision'::regtype AND arg = 'coverage' THEN '1'
				WHEN t = 'double precision'::regtype AND arg = 'conf_level' THEN '0.95'
				WHEN t = 'integer'::regtype AND arg = 'months' THEN '3'
				ELSE (SELECT s.expr FROM ha_samples s WHERE s.type = t AND s.label = 'base') END;

-- One argument list: each position takes its base value, except that
-- position `vary` takes the sample `label`; when `vary` is 0, every position
-- takes its type's `label`-th hostile sample, and when it is -1, NULL.  For
-- `mixed` rows (generate_series g of 3), the first row has the base
-- arguments, the second the chosen ones and the third NULLs.
CREATE FUNCTION ha_args(p regprocedure, vary int, label text, mixed boolean DEFAULT false) RETURNS text
	LANGUAGE sql STABLE
	RETURN (SELECT string_agg(
				CASE WHEN a.n = pr.pronargs AND pr.provariadic <> 0 THEN 'VARIADIC ' ELSE '' END
				|| CASE WHEN mixed THEN format('CASE g WHEN 1 THEN (%s)::%s WHEN 2 THEN (%s)::%s END',
											   ha_base(CASE a.t WHEN 'cstring'::regtype THEN pr.prorettype ELSE a.t END, coalesce(pr.proargnames[a.n], '')),
											   format_type(a.t, NULL), c.expr, format_type(a.t, NULL))
						ELSE format('(%s)::%s', c.expr, format_type(a.t, NULL)) END,
				', ' ORDER BY a.n)
			  FROM pg_proc pr, unnest(pr.proargtypes::oid[]) WITH ORDINALITY a (t, n),
				   LATERAL (SELECT CASE WHEN vary = a.n THEN (SELECT s.expr FROM ha_samples s WHERE s.type = a.t AND s.label = ha_args.label)
										WHEN vary = 0 THEN (SELECT s.expr FROM ha_samples s WHERE s.type = a.t AND s.label <> 'base'
															ORDER BY s.label OFFSET ha_args.label::int % (SELECT count(*) FROM ha_samples s2 WHERE s2.type = a.t AND s2.label <> 'base') LIMIT 1)
										WHEN vary = -1 THEN 'NULL'
										ELSE ha_base(CASE a.t WHEN 'cstring'::regtype THEN pr.prorettype ELSE a.t END, coalesce(pr.proargnames[a.n], '')) END AS expr) c
			 WHERE pr.oid = p);

CREATE TABLE ha_funcs AS
SELECT p.oid::regprocedure AS f, p.prokind = 'a' AS is_agg, p.pronargs AS nargs,
	   p.proretset AS retset, p.prorettype::regtype AS rettype, p.oid::regproc::text AS name
  FROM pg_proc p
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'retention';

-- A sample for every argument type, or the test fails
SELECT DISTINCT format_type(t, NULL) AS "argument type without samples", f.f AS "e.g."
  FROM ha_funcs f, pg_proc p, unnest(p.proargtypes::oid[]) t
 WHERE p.oid = f.f AND NOT 'internal'::regtype = ANY (p.proargtypes::oid[])
   AND NOT EXISTS (SELECT FROM ha_samples s WHERE s.type = t AND s.label = 'base')
 ORDER BY 1;
-- Functions of internal arguments cannot be called from SQL: each must be a
-- support function of an aggregate or the binary input of a type (reached
-- through the aggregates below, combine_orders and fuzz_types)
SELECT f.f AS "internal function that is no support function"
  FROM ha_funcs f, pg_proc p
 WHERE p.oid = f.f AND 'internal'::regtype = ANY (p.proargtypes::oid[])
   AND NOT EXISTS (SELECT FROM pg_aggregate a
					WHERE p.oid IN (a.aggtransfn, a.aggcombinefn, a.aggserialfn, a.aggdeserialfn, a.aggfinalfn))
   AND NOT EXISTS (SELECT FROM pg_type ty WHERE ty.typreceive = p.oid)
 ORDER BY 1;

-- The calls
CREATE TABLE ha_calls (id serial PRIMARY KEY, f regprocedure NOT NULL, shape text NOT NULL, stmt text NOT NULL);
-- A result of a type of the extension must read back from its text form
-- (else dump and restore, or Citus's two phases, fail): HA001 if not
CREATE FUNCTION ha_trip(v text, t regtype) RETURNS text
	LANGUAGE plpgsql
	AS $$
DECLARE
	back text;
BEGIN
	IF v IS NULL THEN
		RETURN NULL;
	END IF;
	BEGIN
		EXECUTE format('SELECT %L::%s::text', v, t) INTO back;
	EXCEPTION WHEN OTHERS THEN
		RAISE EXCEPTION 'result % of type % does not read back: %', v, t, SQLERRM USING ERRCODE = 'HA001';
	END;
	IF back IS DISTINCT FROM v THEN
		RAISE EXCEPTION 'result % of type % reads back as %', v, t, back USING ERRCODE = 'HA001';
	END IF;
	RETURN v;
END
$$;
CREATE FUNCTION ha_call(fn ha_funcs, args text, shape text) RETURNS text
	LANGUAGE sql STABLE
	RETURN format(CASE WHEN NOT fn.is_agg THEN 'SELECT count(%s) FROM (SELECT %s(%s) AS r) x'
					   WHEN shape = 'no rows' THEN 'SELECT %s FROM (SELECT %s(%s) AS r FROM generate_series(1, 0)) x'
					   WHEN shape = 'one row' THEN 'SELECT %s FROM (SELECT %s(%s) AS r) x'
					   ELSE 'SELECT %s FROM (SELECT %s(%s) AS r FROM generate_series(1, 3) g) x' END,
				  CASE WHEN fn.rettype IN (SELECT t.oid FROM pg_type t
											 JOIN pg_depend d ON d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'
											WHERE t.typtype = 'b' AND NOT fn.retset)
					   THEN format('ha_trip(r::text, %L)', fn.rettype) ELSE 'r::text' END,
				  fn.name, args);

-- functions: base; one argument at a time through its hostile samples; all
-- hostile at once (as many rounds as the largest sample list); all NULL
INSERT INTO ha_calls (f, shape, stmt)
SELECT fn.f, 'function', ha_call(fn, ha_args(fn.f, NULL, NULL), 'function')
  FROM ha_funcs fn
 WHERE NOT fn.is_agg AND fn.f NOT IN (SELECT f FROM ha_funcs, pg_proc p
										WHERE p.oid = f AND 'internal'::regtype = ANY (p.proargtypes::oid[]));
INSERT INTO ha_calls (f, shape, stmt)
SELECT fn.f, 'function', ha_call(fn, ha_args(fn.f, a.n::int, s.label), 'function')
  FROM ha_funcs fn, pg_proc p, unnest(p.proargtypes::oid[]) WITH ORDINALITY a (t, n), ha_samples s
 WHERE p.oid = fn.f AND NOT fn.is_agg AND s.type = a.t AND s.label <> 'base'
   AND NOT 'internal'::regtype = ANY (p.proargtypes::oid[]);
INSERT INTO ha_calls (f, shape, stmt)
SELECT fn.f, 'function', ha_call(fn, ha_args(fn.f, v.vary, i::text), 'function')
  FROM ha_funcs fn, pg_proc p, generate_series(0, 9) i, (VALUES (0), (-1)) v (vary)
 WHERE p.oid = fn.f AND NOT fn.is_agg AND fn.nargs > 0 AND (v.vary = 0 OR i = 0)
   AND NOT 'internal'::regtype = ANY (p.proargtypes::oid[]);

-- aggregates: over no rows and all-NULL rows; over one row and over three
-- rows that mix the base, a hostile value and NULL, for each hostile value
-- of each argument, and all arguments hostile at once
INSERT INTO ha_calls (f, shape, stmt)
SELECT fn.f, 'aggregate', ha_call(fn, ha_args(fn.f, NULL, NULL), 'no rows') FROM ha_funcs fn WHERE fn.is_agg
UNION ALL
SELECT fn.f, 'aggregate', ha_call(fn, ha_args(fn.f, -1, NULL), 'rows') FROM ha_funcs fn WHERE fn.is_agg
UNION ALL
SELECT fn.f, 'aggregate', ha_call(fn, ha_args(fn.f, NULL, NULL), 'rows') FROM ha_funcs fn WHERE fn.is_agg
UNION ALL
SELECT fn.f, 'aggregate', ha_call(fn, ha_args(fn.f, a.n::int, s.label, m.mixed), CASE WHEN m.mixed THEN 'rows' ELSE 'one row' END)
  FROM ha_funcs fn, pg_proc p, unnest(p.proargtypes::oid[]) WITH ORDINALITY a (t, n), ha_samples s,
	   (VALUES (false), (true)) m (mixed)
 WHERE p.oid = fn.f AND fn.is_agg AND s.type = a.t AND s.label <> 'base'
UNION ALL
SELECT fn.f, 'aggregate', ha_call(fn, ha_args(fn.f, 0, i::text, m.mixed), CASE WHEN m.mixed THEN 'rows' ELSE 'one row' END)
  FROM ha_funcs fn, generate_series(0, 9) i, (VALUES (false), (true)) m (mixed)
 WHERE fn.is_agg;

-- Run one call; its SQLSTATE, or ok.  The subtransaction is rolled back
-- whatever happens.
CREATE FUNCTION ha_try(stmt text) RETURNS text
	LANGUAGE plpgsql
	AS $$
BEGIN
	BEGIN
		EXECUTE stmt;
		RAISE EXCEPTION USING ERRCODE = 'HA000';
	EXCEPTION WHEN OTHERS THEN
		RETURN CASE SQLSTATE WHEN 'HA000' THEN 'ok' ELSE SQLSTATE END;
	END;
END
$$;
CREATE TABLE ha_results (call int PRIMARY KEY, outcome text NOT NULL);
INSERT INTO ha_results SELECT id, ha_try(stmt) FROM ha_calls ORDER BY id;

-- No unclean outcome: internal errors, system errors, resources exhausted,
-- or a statement the sweep got wrong
SELECT c.f, r.outcome, c.stmt
  FROM ha_results r JOIN ha_calls c ON c.id = r.call
 WHERE r.outcome ~ '^(XX|58|53|38|2F|HA)'
	OR r.outcome IN ('42601', '42883', '42725', '42804', '42846', '42P18', '42P01', '39000', '39P02')
 ORDER BY c.f::text, r.outcome, c.id;
-- Every function and aggregate was called, and most calls got through
SELECT count(DISTINCT f) AS called,
	   (SELECT count(*) FROM ha_funcs WHERE is_agg OR NOT f IN (SELECT f FROM ha_funcs, pg_proc p WHERE p.oid = f AND 'internal'::regtype = ANY (p.proargtypes::oid[]))) AS callable,
	   count(*) > 2500 AS "many calls", count(*) FILTER (WHERE r.outcome = 'ok') > 1000 AS "many ok"
  FROM ha_calls c JOIN ha_results r ON r.call = c.id;
-- The outcomes of each function
SELECT f, sum(n) AS calls, string_agg(outcome || ':' || n, ' ' ORDER BY outcome) AS outcomes
  FROM (SELECT c.f, r.outcome, count(*) AS n
		  FROM ha_calls c JOIN ha_results r ON r.call = c.id GROUP BY 1, 2) o
 GROUP BY f ORDER BY f::text;

------------------------------------------------------------------------------
-- What the sweep found, one case each
------------------------------------------------------------------------------
-- retention.trigger_name looped forever on a suffix of 63 bytes or more
-- (it cut the table's name to nothing and went on cutting)
SELECT retention.trigger_name('t', repeat('x', 63));
SELECT retention.trigger_name('t', repeat('x', 62)) = 't' || repeat('x', 62) AS "62 bytes: the name keeps one";
SELECT retention.trigger_name(repeat('é', 31)::name, '_stage_guard') AS "cut on a character";

-- cohort_counts accepted an as_of, and activity a cohort start, outside the
-- years 1 to 9999, and wrote states whose text form did not read back; the
-- text forms now write any year (four digits at least, a minus sign before
-- 1 AD), so these values read back unchanged
SELECT retention.cohort_counts(a, 'classic', 2, '10000-01-01 00:00+00')
  FROM (VALUES ('(month,2026-01-01T00:00:00+00:00,{0,1,3})'::retention.activity)) v (a);
SELECT c, c::text::retention.cohort_state::text = c::text AS reads_back
  FROM (SELECT retention.cohort_counts_accum(NULL, '(month,2026-01-01T00:00:00+00:00,{0,1,3})', 'classic', 2, '10000-01-01 00:00+00') AS c) x;
SELECT c, c::text::retention.cohort_state::text = c::text AS reads_back
  FROM (SELECT retention.cohort_counts_accum(NULL, '(month,2026-01-01T00:00:00+00:00,{0,1,3})', 'classic', 2, '0044-03-15 00:00+00 BC') AS c) x;
SELECT a, a::text::retention.activity::text = a::text AS reads_back
  FROM (SELECT retention.activity('day', '0001-01-01 00:00+00 BC', '0001-01-02 00:00+00 BC') AS a) x;
SELECT a, a::text::retention.activity::text = a::text AS reads_back
  FROM (SELECT retention.activity('month', '10000-01-01 00:00+00') AS a) x;
SELECT retention.cohort_counts_accum(NULL, NULL, 'classic', 2, 'infinity') AS "as of infinity";
-- and counted one subject more into a full state: its size wrapped round
SELECT retention.cohort_counts_accum('(classic,2,2026-06-01T00:00:00+00:00,2,9223372036854775807,{9223372036854775807,9223372036854775807})',
	'(month,2026-01-01T00:00:00+00:00,{0,1,3})', 'classic', 2, '2026-06-01 00:00+00');

SET client_min_messages = warning;
DROP EXTENSION retention CASCADE;
DROP FUNCTION ha_try(text), ha_trip(text, regtype), ha_call(ha_funcs, text, text), ha_args(regprocedure, int, text, boolean),
	ha_base(regtype, text);
DROP TABLE ha_samples, ha_calls, ha_results, ha_funcs, ha_big, ha_subs;
