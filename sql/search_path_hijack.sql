-- search_path_hijack: no entry point of the extension can be captured through
-- a schema put ahead of pg_catalog.
--
-- A role of no standing (hj_mallory) plants look-alikes in its schema
-- hj_evil: comparison and arithmetic operators for every type the extension
-- compares, functions and aggregates with common names, collations.  Every
-- trap raises SQLSTATE HJ666, so a call that reaches one fails with that
-- code, whoever made it.  Then a superuser, a non-superuser retention_admin
-- and a role with no retention role call every entry point with hj_evil
-- first in search_path: every function and aggregate of the extension
-- (found in the catalog, so one added later is called too, or the test
-- fails for want of a sample argument), every view, every type's input, and
-- every write path through the triggers (one statement per table, checked
-- against the catalog).  Each call runs in a subtransaction that is rolled
-- back, so the calls see the same data.  Last, the attack of issue 6 as it
-- was reported: the role must not become superuser.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS retention CASCADE;
DROP SCHEMA IF EXISTS retention CASCADE;
DROP SCHEMA IF EXISTS hj_evil CASCADE;
DROP ROLE IF EXISTS hj_mallory;
DROP ROLE IF EXISTS hj_admin;
DROP ROLE IF EXISTS hj_nobody;
CREATE EXTENSION retention;
RESET client_min_messages;
\set SHOW_CONTEXT never

CREATE ROLE hj_mallory;
CREATE ROLE hj_admin IN ROLE retention_admin;
CREATE ROLE hj_nobody;
CREATE SCHEMA hj_evil AUTHORIZATION hj_mallory;
GRANT USAGE ON SCHEMA hj_evil TO PUBLIC;

------------------------------------------------------------------------------
-- Data for the calls to work on, loaded as the superuser
------------------------------------------------------------------------------
INSERT INTO retention.reps (id, name, role_name) VALUES (1, 'Hijack Rep', 'hj_admin');
INSERT INTO retention.groups (id, name, kind, product_types) VALUES (1, 'HJ onboarding', 'onboarding', '{widget}');
INSERT INTO retention.groups (id, name, kind, product_types, rep_id) VALUES (2, 'HJ accounts', 'retention', '{widget}', 1);
INSERT INTO retention.deals (id, customer, name, amount, closed_on) VALUES (1, 'Acme', 'Acme deal', 100, '2026-01-01');
INSERT INTO retention.products (id, deal_id, product_type, mrr, stage)
	VALUES (1, 1, 'widget', 10, 'retention'), (2, 1, 'widget', 20, 'onboarding'), (3, 1, 'widget', 30, 'retention');
INSERT INTO retention.observations (product_id, measure, observed_at, value)
	SELECT p, m, now() - interval '1 day', 5
	  FROM generate_series(1, 3) p, unnest('{usage,happiness,support_tickets}'::text[]) m;
SELECT retention.snapshot_health(current_date - 1) AS snapshots;

------------------------------------------------------------------------------
-- The traps, planted by hj_mallory
------------------------------------------------------------------------------
SET ROLE hj_mallory;
CREATE FUNCTION hj_evil.sprung(what text) RETURNS void
	LANGUAGE plpgsql
	AS $$
BEGIN
	RAISE EXCEPTION 'trap % sprung as %', what, current_user USING ERRCODE = 'HJ666';
END
$$;

-- Comparison operators for every type the extension compares; arithmetic
-- and pattern operators where it uses them.
DO $$
DECLARE
	t text;
	op text;
	n int := 0;
BEGIN
	FOREACH t IN ARRAY ARRAY['text', 'name', 'bigint', 'integer', 'smallint', 'double precision',
							 'numeric', 'boolean', 'timestamp with time zone', 'date', 'interval',
							 'jsonb', 'regclass', 'oid', 'text[]', 'bigint[]', 'retention.health'] LOOP
		FOREACH op IN ARRAY ARRAY['=', '<>', '<', '<=', '>', '>='] LOOP
			n := n + 1;
			EXECUTE pg_catalog.format('CREATE FUNCTION hj_evil.cmp_%s(%s, %s) RETURNS boolean LANGUAGE plpgsql'
									  ' AS $f$ BEGIN PERFORM hj_evil.sprung(%L); RETURN true; END $f$',
									  n, t, t, op || ' (' || t || ')');
			EXECUTE pg_catalog.format('CREATE OPERATOR hj_evil.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = hj_evil.cmp_%s)',
									  op, t, t, n);
		END LOOP;
	END LOOP;
	FOREACH t IN ARRAY ARRAY['bigint', 'integer', 'double precision', 'numeric', 'interval'] LOOP
		FOREACH op IN ARRAY ARRAY['+', '-', '*', '/'] LOOP
			CONTINUE WHEN t = 'interval' AND op IN ('*', '/');
			n := n + 1;
			EXECUTE pg_catalog.format('CREATE FUNCTION hj_evil.ar_%s(%s, %s) RETURNS %s LANGUAGE plpgsql'
									  ' AS $f$ BEGIN PERFORM hj_evil.sprung(%L); RETURN $1; END $f$',
									  n, t, t, t, op || ' (' || t || ')');
			EXECUTE pg_catalog.format('CREATE OPERATOR hj_evil.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = hj_evil.ar_%s)',
									  op, t, t, n);
		END LOOP;
	END LOOP;
END
$$;
CREATE FUNCTION hj_evil.ts_minus(timestamptz, interval) RETURNS timestamptz LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('timestamptz - interval'); RETURN $1; END $$;
CREATE OPERATOR hj_evil.- (LEFTARG = timestamptz, RIGHTARG = interval, FUNCTION = hj_evil.ts_minus);
CREATE FUNCTION hj_evil.ts_plus(timestamptz, interval) RETURNS timestamptz LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('timestamptz + interval'); RETURN $1; END $$;
CREATE OPERATOR hj_evil.+ (LEFTARG = timestamptz, RIGHTARG = interval, FUNCTION = hj_evil.ts_plus);
CREATE FUNCTION hj_evil.date_plus(date, integer) RETURNS date LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('date + integer'); RETURN $1; END $$;
CREATE OPERATOR hj_evil.+ (LEFTARG = date, RIGHTARG = integer, FUNCTION = hj_evil.date_plus);
CREATE FUNCTION hj_evil.date_minus(date, date) RETURNS integer LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('date - date'); RETURN 0; END $$;
CREATE OPERATOR hj_evil.- (LEFTARG = date, RIGHTARG = date, FUNCTION = hj_evil.date_minus);
CREATE FUNCTION hj_evil.cat(text, text) RETURNS text LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('|| (text)'); RETURN $1; END $$;
CREATE OPERATOR hj_evil.|| (LEFTARG = text, RIGHTARG = text, FUNCTION = hj_evil.cat);
CREATE FUNCTION hj_evil.match(text, text) RETURNS boolean LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('~ (text)'); RETURN true; END $$;
CREATE OPERATOR hj_evil.~ (LEFTARG = text, RIGHTARG = text, FUNCTION = hj_evil.match);
CREATE OPERATOR hj_evil.!~ (LEFTARG = text, RIGHTARG = text, FUNCTION = hj_evil.match);
CREATE FUNCTION hj_evil.contains(jsonb, jsonb) RETURNS boolean LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('@> (jsonb)'); RETURN true; END $$;
CREATE OPERATOR hj_evil.@> (LEFTARG = jsonb, RIGHTARG = jsonb, FUNCTION = hj_evil.contains);
CREATE FUNCTION hj_evil.arrow(jsonb, text) RETURNS jsonb LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('-> (jsonb)'); RETURN $1; END $$;
CREATE OPERATOR hj_evil.-> (LEFTARG = jsonb, RIGHTARG = text, FUNCTION = hj_evil.arrow);

-- Functions and aggregates with common names
CREATE FUNCTION hj_evil.now() RETURNS timestamptz LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('now()'); RETURN NULL; END $$;
CREATE FUNCTION hj_evil.lower(text) RETURNS text LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('lower()'); RETURN $1; END $$;
CREATE FUNCTION hj_evil.upper(text) RETURNS text LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('upper()'); RETURN $1; END $$;
CREATE FUNCTION hj_evil.btrim(text) RETURNS text LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('btrim()'); RETURN $1; END $$;
CREATE FUNCTION hj_evil.length(text) RETURNS integer LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('length()'); RETURN 1; END $$;
CREATE FUNCTION hj_evil.octet_length(text) RETURNS integer LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('octet_length()'); RETURN 1; END $$;
CREATE FUNCTION hj_evil.format(text, VARIADIC text[]) RETURNS text LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('format()'); RETURN 'SELECT 1'; END $$;
CREATE FUNCTION hj_evil.quote_ident(text) RETURNS text LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('quote_ident()'); RETURN $1; END $$;
CREATE FUNCTION hj_evil.current_setting(text) RETURNS text LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('current_setting()'); RETURN 'on'; END $$;
CREATE FUNCTION hj_evil.set_config(text, text, boolean) RETURNS text LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('set_config()'); RETURN $2; END $$;
CREATE FUNCTION hj_evil.nextval(regclass) RETURNS bigint LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('nextval()'); RETURN 1; END $$;
CREATE FUNCTION hj_evil.pg_notify(text, text) RETURNS void LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('pg_notify()'); END $$;
CREATE FUNCTION hj_evil.pg_trigger_depth() RETURNS integer LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('pg_trigger_depth()'); RETURN 0; END $$;
CREATE FUNCTION hj_evil.to_jsonb(anyelement) RETURNS jsonb LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('to_jsonb()'); RETURN '{}'; END $$;
CREATE FUNCTION hj_evil.date_trunc(text, timestamptz) RETURNS timestamptz LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('date_trunc()'); RETURN $2; END $$;
CREATE FUNCTION hj_evil.cardinality(anyarray) RETURNS integer LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('cardinality()'); RETURN 0; END $$;
CREATE FUNCTION hj_evil.unnest(anyarray) RETURNS SETOF anyelement LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('unnest()'); END $$;
CREATE FUNCTION hj_evil.array_length(anyarray, integer) RETURNS integer LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('array_length()'); RETURN 0; END $$;
CREATE FUNCTION hj_evil.hashtextextended(text, bigint) RETURNS bigint LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('hashtextextended()'); RETURN 0; END $$;
CREATE FUNCTION hj_evil.abs(double precision) RETURNS double precision LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('abs()'); RETURN $1; END $$;
CREATE FUNCTION hj_evil.sqrt(double precision) RETURNS double precision LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('sqrt()'); RETURN $1; END $$;
CREATE FUNCTION hj_evil.round(numeric, integer) RETURNS numeric LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('round()'); RETURN $1; END $$;
CREATE FUNCTION hj_evil.step(state double precision, v double precision) RETURNS double precision LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('an aggregate'); RETURN v; END $$;
CREATE FUNCTION hj_evil.step_text(state text, v text, d text) RETURNS text LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('string_agg()'); RETURN v; END $$;
CREATE FUNCTION hj_evil.step_any(state bigint, v anyelement) RETURNS bigint LANGUAGE plpgsql
	AS $$ BEGIN PERFORM hj_evil.sprung('count() / array_agg()'); RETURN 0; END $$;
CREATE AGGREGATE hj_evil.sum(double precision) (SFUNC = hj_evil.step, STYPE = double precision);
CREATE AGGREGATE hj_evil.avg(double precision) (SFUNC = hj_evil.step, STYPE = double precision);
CREATE AGGREGATE hj_evil.max(double precision) (SFUNC = hj_evil.step, STYPE = double precision);
CREATE AGGREGATE hj_evil.min(double precision) (SFUNC = hj_evil.step, STYPE = double precision);
CREATE AGGREGATE hj_evil.string_agg(text, text) (SFUNC = hj_evil.step_text, STYPE = text);
CREATE AGGREGATE hj_evil.count(anyelement) (SFUNC = hj_evil.step_any, STYPE = bigint);
CREATE AGGREGATE hj_evil.array_agg(anyelement) (SFUNC = hj_evil.step_any, STYPE = bigint);

-- Collations with the names the extension's SQL uses
CREATE COLLATION hj_evil."C" (LOCALE = 'POSIX');
CREATE COLLATION hj_evil."POSIX" (LOCALE = 'C');
RESET ROLE;

------------------------------------------------------------------------------
-- The entry points, from the catalog
------------------------------------------------------------------------------
SET search_path = pg_catalog, pg_temp;

-- A sample argument for each type, by parameter name where that matters
CREATE TABLE public.hj_samples (type regtype PRIMARY KEY, literal text NOT NULL);
INSERT INTO public.hj_samples VALUES
	('bigint', '1'), ('integer', '1'), ('smallint', '1'), ('double precision', '50'),
	('numeric', '50'), ('boolean', 'true'), ('text', 'retention'), ('name', 'stage'),
	('timestamptz', '2026-06-01 00:00+00'), ('date', '2026-06-01'), ('interval', '1 month'),
	('regclass', 'retention.products'), ('bigint[]', '{1,2}'), ('text[]', '{control,treatment}'),
	('boolean[]', '{true,false}'), ('integer[]', '{1,2}'), ('int4range', '[1,3]'),
	('int4range[]', '{"[1,3]","[4,6]"}'), ('retention.health', '(50,yellow,1,usage)'),
	('retention.activity', '(month,2026-01-01T00:00:00+00:00,{0,1,3})'),
	('retention.cohort_state', '(classic,2,2026-06-01T00:00:00+00:00,2,10,{6,4})'),
	('retention.survival', '{1:1/1,2:1/0}'),
	('retention.survival[]', '{"{1:1/1,2:1/0}","{1:0/1,3:1/0}"}'),
	('retention.survey_counts', '(1,0,0,0,0,0,0,2,0,3,1)'),
	('timestamptz[]', '{2026-05-01 00:00+00,2026-06-01 00:00+00}');
CREATE FUNCTION public.hj_arg(t regtype, arg text) RETURNS text
	LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
	RETURN pg_catalog.format('%L::%s',
		CASE WHEN t = 'text'::regtype AND arg ~ 'stage' THEN 'retention'
			 WHEN t = 'text'::regtype AND arg ~ 'reason' THEN 'hijack test'
			 WHEN t = 'text'::regtype AND arg = 'band' THEN 'yellow'
			 WHEN t = 'text'::regtype AND arg ~ 'measure' THEN 'usage'
			 WHEN t = 'text'::regtype AND arg ~ 'scorecard' THEN 'default'
			 WHEN t = 'text'::regtype AND arg = 'kind' THEN 'classic'
			 WHEN t = 'text'::regtype AND arg = 'unit' THEN 'month'
			 WHEN t = 'name'::regtype AND arg = 'key_column' THEN 'id'
			 WHEN t = 'name'::regtype AND arg = 'reason_column' THEN 'stage_reason'
			 WHEN t = 'name'::regtype AND arg = 'entered_at_column' THEN 'stage_entered_at'
			 WHEN t = 'timestamptz'::regtype AND arg ~ 'expires' THEN '2099-01-01 00:00+00'
			 WHEN t = 'double precision'::regtype AND arg = 'coverage' THEN '1'
			 WHEN t = 'double precision'::regtype AND arg = 'conf_level' THEN '0.95'
			 ELSE (SELECT s.literal FROM public.hj_samples s WHERE s.type = t) END,
		pg_catalog.format_type(t, NULL));

CREATE TABLE public.hj_calls (id serial PRIMARY KEY, kind text NOT NULL, target text NOT NULL, stmt text);

-- Every function and aggregate a user can call (trigger functions are
-- reached through the write paths, type I/O through casts, support
-- functions of internal type through the aggregates)
INSERT INTO public.hj_calls (kind, target, stmt)
SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' ELSE 'function' END, p.oid::regprocedure::text,
	   pg_catalog.format('SELECT %s(%s)', p.oid::regproc,
			(SELECT pg_catalog.string_agg(
						CASE WHEN a.n = p.pronargs AND p.provariadic <> 0 THEN 'VARIADIC ' ELSE '' END
						|| public.hj_arg(a.t, coalesce(p.proargnames[a.n], '')), ', ' ORDER BY a.n)
			   FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY a (t, n)))
  FROM pg_proc p
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'retention'
 WHERE p.prorettype NOT IN ('trigger'::regtype, 'internal'::regtype, 'cstring'::regtype)
   AND NOT p.proargtypes::oid[] && ARRAY['internal'::regtype, 'cstring'::regtype]::oid[];

-- Every view, and every base type's text input
INSERT INTO public.hj_calls (kind, target, stmt)
SELECT 'view', c.oid::regclass::text, pg_catalog.format('SELECT * FROM %s', c.oid::regclass)
  FROM pg_class c
  JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'retention'
 WHERE c.relkind IN ('v', 'm');
INSERT INTO public.hj_calls (kind, target, stmt)
SELECT 'type input', t.oid::regtype::text,
	   pg_catalog.format('SELECT %s', public.hj_arg(t.oid, ''))
  FROM pg_type t
  JOIN pg_depend d ON d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'retention'
 WHERE t.typtype = 'b';

-- Every write path: one or more statements for each table of the extension
-- (operators qualified: these statements are the caller's own, and must not
-- spring the traps themselves)
INSERT INTO public.hj_calls (kind, target, stmt) VALUES
	('write', 'retention.config_deletions', $$INSERT INTO retention.config_deletions (table_name, key) VALUES ('stages', '{"name": "nope"}')$$),
	('write', 'retention.stages', $$INSERT INTO retention.stages (name) VALUES ('hj_stage')$$),
	('write', 'retention.stages', $$UPDATE retention.stages SET description = 'x' WHERE name OPERATOR(pg_catalog.=) 'retention'$$),
	('write', 'retention.stages', $$DELETE FROM retention.stages WHERE name OPERATOR(pg_catalog.=) 'ineligible'$$),
	('write', 'retention.transitions', $$INSERT INTO retention.transitions (from_stage, to_stage) VALUES ('onboarding', 'ineligible')$$),
	('write', 'retention.transitions', $$DELETE FROM retention.transitions WHERE from_stage OPERATOR(pg_catalog.=) 'retention'$$),
	('write', 'retention.deals', $$INSERT INTO retention.deals (customer, name, closed_on) VALUES ('X', 'X', '2026-01-01')$$),
	('write', 'retention.deals', $$UPDATE retention.deals SET amount = 5 WHERE id OPERATOR(pg_catalog.=) 1$$),
	('write', 'retention.reps', $$INSERT INTO retention.reps (name, role_name) VALUES ('X', 'hj_x')$$),
	('write', 'retention.groups', $$INSERT INTO retention.groups (name, kind, product_types) VALUES ('X', 'onboarding', '{gadget}')$$),
	('write', 'retention.groups', $$UPDATE retention.groups SET kind = 'onboarding' WHERE id OPERATOR(pg_catalog.=) 2$$),
	('write', 'retention.products', $$INSERT INTO retention.products (deal_id, product_type) VALUES (1, 'widget')$$),
	('write', 'retention.products', $$INSERT INTO retention.products (id, deal_id, product_type) VALUES (2, 1, 'widget') ON CONFLICT (id) DO UPDATE SET stage = 'retention'$$),
	('write', 'retention.products', $$UPDATE retention.products SET stage = 'retention' WHERE id OPERATOR(pg_catalog.=) 2$$),
	('write', 'retention.products', $$UPDATE retention.products SET stage = 'ineligible', stage_reason = 'churned' WHERE id OPERATOR(pg_catalog.=) 1$$),
	('write', 'retention.products', $$UPDATE retention.products SET stage = 'onboarding' WHERE id OPERATOR(pg_catalog.=) 3$$),
	('write', 'retention.products', $$UPDATE retention.products SET deal_id = 2 WHERE id OPERATOR(pg_catalog.=) 3$$),
	('write', 'retention.products', $$DELETE FROM retention.products WHERE id OPERATOR(pg_catalog.=) 3$$),
	('write', 'retention.stage_history', $$UPDATE retention.stage_history SET reason = 'x'$$),
	('write', 'retention.stage_history', $$DELETE FROM retention.stage_history$$),
	('write', 'retention.stage_history', $$TRUNCATE retention.stage_history$$),
	('write', 'retention.products', $$SET LOCAL client_min_messages = warning; TRUNCATE retention.products CASCADE$$),
	('write', 'retention.forgotten_products', $$SELECT retention.forget_product(3, 'left for good')$$),
	('write', 'retention.forgotten_products', $$DELETE FROM retention.forgotten_products$$),
	('write', 'retention.measures', $$INSERT INTO retention.measures (name, rollup, window_length, zero_at, full_at) VALUES ('hj', 'sum', '7 days', 0, 10)$$),
	('write', 'retention.measures', $$UPDATE retention.measures SET window_length = '2 months' WHERE name OPERATOR(pg_catalog.=) 'usage'$$),
	('write', 'retention.scorecards', $$INSERT INTO retention.scorecards (name) VALUES ('hj')$$),
	('write', 'retention.scorecards', $$UPDATE retention.scorecards SET red_below = 30 WHERE name OPERATOR(pg_catalog.=) 'default'$$),
	('write', 'retention.scorecard_measures', $$UPDATE retention.scorecard_measures SET weight = 5 WHERE measure OPERATOR(pg_catalog.=) 'usage'$$),
	('write', 'retention.scorecard_measures', $$DELETE FROM retention.scorecard_measures WHERE measure OPERATOR(pg_catalog.=) 'usage'; SET CONSTRAINTS ALL IMMEDIATE$$),
	('write', 'retention.observations', $$INSERT INTO retention.observations (product_id, measure, observed_at, value) VALUES (1, 'usage', '2026-06-01', 3)$$),
	('write', 'retention.products', $$UPDATE retention.products SET mrr = 7 WHERE id OPERATOR(pg_catalog.=) 2$$),
	('write', 'retention.products', $$UPDATE retention.products SET mrr = 8, mrr_since = '2020-01-01' WHERE id OPERATOR(pg_catalog.=) 2$$),
	('write', 'retention.mrr_history', $$UPDATE retention.mrr_history SET mrr = 1$$),
	('write', 'retention.mrr_history', $$DELETE FROM retention.mrr_history$$),
	('write', 'retention.opportunities', $$INSERT INTO retention.opportunities (product_id, kind, mrr, note) VALUES (1, 'upsell', 5, 'x'); UPDATE retention.opportunities SET status = 'won' WHERE product_id OPERATOR(pg_catalog.=) 1$$),
	('write', 'retention.opportunities', $$INSERT INTO retention.opportunities (product_id, kind, mrr) VALUES (1, 'cross_sell', 5); UPDATE retention.opportunities SET status = 'won', won_product_id = 3 WHERE product_id OPERATOR(pg_catalog.=) 1; UPDATE retention.opportunities SET note = 'y'$$),
	('write', 'retention.opportunities', $$INSERT INTO retention.opportunities (product_id, kind, mrr, created_at) VALUES (3, 'upsell', 5, '2026-01-01'); UPDATE retention.opportunities SET status = 'lost', closed_at = '2026-02-01'; DELETE FROM retention.opportunities$$),
	('write', 'retention.opportunities', $$TRUNCATE retention.opportunities$$),
	('write', 'retention.health_overrides', $$INSERT INTO retention.health_overrides (product_id, score, reason, expires_at) VALUES (2, 10, 'x', '2099-01-01')$$),
	('write', 'retention.health_alerts', $$INSERT INTO retention.health_alerts (product_id, as_of, kind, old_score, new_score, old_band, new_band) VALUES (2, '2026-01-01', 'dropped', 90, 50, 'green', 'yellow')$$),
	('write', 'retention.health_alerts', $$UPDATE retention.health_alerts SET kind = 'dropped'$$),
	('write', 'retention.health_snapshots', $$INSERT INTO retention.health_snapshots (product_id, as_of, health, score, band, overridden) VALUES (2, '2026-01-01', '(1,red,1,usage)', 1, 'red', false)$$),
	('write', 'retention.initiatives', $$INSERT INTO retention.initiatives (name) VALUES ('hj_trial')$$),
	('write', 'retention.initiative_members', $$INSERT INTO retention.initiatives (name, arms) VALUES ('hj_trial', '{a,b,c}'); INSERT INTO retention.initiative_members (initiative, product_id, arm) VALUES ('hj_trial', 1, 'a'); SELECT retention.assign('hj_trial', '{1,2,3}'); SELECT * FROM retention.initiative_results('hj_trial')$$),
	('write', 'a table of the caller''s own', $$CREATE TEMP TABLE hj_subs (k text PRIMARY KEY, s text NOT NULL, why text); SELECT retention.enforce_stages('hj_subs', 's', 'k', 'why'); INSERT INTO hj_subs VALUES ('a', 'retention'); UPDATE hj_subs SET s = 'ineligible', why = 'gone'$$);

-- The feedback loop: answers (an NPS answer writes its observation), a
-- follow-up, corrections, a deletion.
INSERT INTO public.hj_calls (kind, target, stmt) VALUES
	('write', 'retention.feedback', $$INSERT INTO retention.feedback (product_id, kind, score, comment) VALUES (1, 'nps', 3, 'x'), (3, 'csat', 4, NULL)$$),
	('write', 'retention.feedback', $$UPDATE retention.feedback SET score = 2, answered_at = answered_at OPERATOR(pg_catalog.-) interval '1 hour' WHERE kind OPERATOR(pg_catalog.=) 'nps'$$),
	('write', 'retention.feedback_followups', $$INSERT INTO retention.feedback (product_id, kind, score) VALUES (1, 'nps', 1); INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help) SELECT pg_catalog.max(f.id), 'price', 'a discount' FROM retention.feedback f$$),
	('write', 'retention.feedback_followups', $$UPDATE retention.feedback_followups SET what_would_help = 'y', followed_up_at = pg_catalog.now()$$),
	('write', 'retention.feedback', $$DELETE FROM retention.feedback$$);

-- A write path for every table of the extension, or the test fails
SELECT c.oid::regclass AS "table without a write path in this test"
  FROM pg_class c
  JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'retention'
 WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
   AND c.oid::regclass::text NOT IN (SELECT target FROM public.hj_calls WHERE kind = 'write')
 ORDER BY 1;
-- A sample for every argument type, or the test fails
SELECT kind, target AS "entry point without a sample argument" FROM public.hj_calls
 WHERE stmt IS NULL ORDER BY target;

-- Run one call with hj_evil first in search_path; its SQLSTATE, or OK.
-- The subtransaction is rolled back whatever happens, so that every call
-- sees the same data; the function's own statements are parsed before the
-- path changes.
CREATE FUNCTION public.hj_try(stmt text) RETURNS text
	LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	BEGIN
		PERFORM pg_catalog.set_config('search_path', 'hj_evil, pg_catalog, pg_temp', true);
		EXECUTE stmt;
		RAISE EXCEPTION USING ERRCODE = 'HJ000';
	EXCEPTION WHEN OTHERS THEN
		RETURN SQLSTATE;
	END;
END
$$;
CREATE TABLE public.hj_results (caller text, call int, sqlstate text);
GRANT SELECT ON public.hj_calls TO PUBLIC;
GRANT INSERT ON public.hj_results TO PUBLIC;
RESET search_path;

-- The superuser, a retention_admin, and a role with no retention role
INSERT INTO public.hj_results SELECT 'superuser', id, public.hj_try(stmt) FROM public.hj_calls;
SET ROLE hj_admin;
INSERT INTO public.hj_results SELECT 'retention_admin', id, public.hj_try(stmt) FROM public.hj_calls;
RESET ROLE;
SET ROLE hj_nobody;
INSERT INTO public.hj_results SELECT 'no retention role', id, public.hj_try(stmt) FROM public.hj_calls;
RESET ROLE;

-- No call sprang a trap
SELECT r.caller, c.kind, c.target, c.stmt
  FROM public.hj_results r JOIN public.hj_calls c ON c.id = r.call
 WHERE r.sqlstate = 'HJ666'
 ORDER BY 1, 2, 3;
-- The calls did reach the code: the superuser's calls succeed, or fail with
-- a business error (a class RT code, a refused value), never for want of a
-- function or column (which would mean the test calls nothing)
SELECT c.kind, c.target, r.sqlstate
  FROM public.hj_results r JOIN public.hj_calls c ON c.id = r.call
 WHERE r.caller = 'superuser' AND r.sqlstate <> 'HJ000'
   AND (r.sqlstate LIKE '42%' OR r.sqlstate LIKE 'XX%')
 ORDER BY 1, 2;
SELECT r.caller, count(*) > 40 AS "many entry points called",
	   count(*) FILTER (WHERE r.sqlstate = 'HJ000') > 20 AS "many succeeded"
  FROM public.hj_results r GROUP BY r.caller ORDER BY r.caller;
-- and the role of no standing was refused the writes
SELECT count(*) FILTER (WHERE r.sqlstate = '42501') > 20 AS "no retention role: writes refused"
  FROM public.hj_results r JOIN public.hj_calls c ON c.id = r.call
 WHERE r.caller = 'no retention role' AND c.kind = 'write';

------------------------------------------------------------------------------
-- The attack as it was reported (issue 6): the role must gain nothing
------------------------------------------------------------------------------
-- (an analyst: the health aggregate, whose configuration cache the attack
-- aims at, is for the roles that may read the configuration)
CREATE ROLE hj_attacker LOGIN IN ROLE retention_analyst;
CREATE SCHEMA hj_attack AUTHORIZATION hj_attacker;
SET ROLE hj_attacker;
CREATE FUNCTION hj_attack.eq(a text, b text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN IF current_user <> 'hj_attacker' THEN EXECUTE 'ALTER ROLE hj_attacker SUPERUSER'; END IF;
      RETURN a OPERATOR(pg_catalog.=) b; END $$;
CREATE OPERATOR hj_attack.= (LEFTARG = text, RIGHTARG = text, FUNCTION = hj_attack.eq);
SET search_path = hj_attack, pg_catalog;
-- a new configuration, so that the cache loads now, with this path
RESET ROLE;
UPDATE retention.scorecards SET alert_drop = 11 WHERE name OPERATOR(pg_catalog.=) 'default';
SET ROLE hj_attacker;
SELECT retention.score(retention.health(m, v, t, '2026-06-02 00:00+00'))
  FROM (VALUES ('usage'::text, 1::float8, '2026-06-01 00:00+00'::timestamptz)) x(m, v, t);
RESET ROLE;
RESET search_path;
SELECT rolsuper AS "attacker is superuser" FROM pg_roles WHERE rolname = 'hj_attacker';

SET client_min_messages = warning;
DROP EXTENSION retention CASCADE;
DROP FUNCTION public.hj_arg(regtype, text), public.hj_try(text);
DROP TABLE public.hj_samples, public.hj_calls, public.hj_results;
DROP SCHEMA hj_evil CASCADE;
DROP SCHEMA hj_attack CASCADE;
DROP ROLE hj_mallory;
DROP ROLE hj_admin;
DROP ROLE hj_nobody;
DROP ROLE hj_attacker;
