-- security: the extension cannot be captured through search_path.  Hostile
-- look-alike objects in public, searched before pg_catalog while the
-- extension is created and used, are never called; a pre-existing schema
-- "retention" holding objects is refused.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS retention CASCADE;
DROP SCHEMA IF EXISTS retention CASCADE;
DROP ROLE IF EXISTS rt_sec_rep;
RESET client_min_messages;
\set SHOW_CONTEXT never

------------------------------------------------------------------------------
-- A schema "retention" that already holds objects is refused
------------------------------------------------------------------------------
CREATE SCHEMA retention;
CREATE TABLE retention.products (id bigint);
CREATE EXTENSION retention;
\echo :LAST_ERROR_SQLSTATE
DROP TABLE retention.products;
CREATE FUNCTION retention.move(bigint, text, text) RETURNS void LANGUAGE sql AS '';
CREATE EXTENSION retention;
\echo :LAST_ERROR_SQLSTATE
DROP FUNCTION retention.move(bigint, text, text);
CREATE TYPE retention.stage AS ENUM ('x');
CREATE EXTENSION retention;
\echo :LAST_ERROR_SQLSTATE
DROP SCHEMA retention CASCADE;

------------------------------------------------------------------------------
-- Traps: look-alikes of what the extension uses, each logging its call
------------------------------------------------------------------------------
CREATE TABLE public.sec_log (trap text);
CREATE FUNCTION public.sec_trap(name text) RETURNS void
	LANGUAGE plpgsql VOLATILE
	AS $$
BEGIN
	INSERT INTO public.sec_log VALUES (name);
	RAISE NOTICE 'trap % was called', name;
END
$$;

CREATE FUNCTION public.now() RETURNS timestamptz LANGUAGE plpgsql VOLATILE
	AS $$ BEGIN PERFORM public.sec_trap('now'); RETURN '2000-01-01 00:00+00'; END $$;
CREATE FUNCTION public.lower(text) RETURNS text LANGUAGE plpgsql VOLATILE
	AS $$ BEGIN PERFORM public.sec_trap('lower'); RETURN $1; END $$;
CREATE FUNCTION public.format(text, VARIADIC text[]) RETURNS text LANGUAGE plpgsql VOLATILE
	AS $$ BEGIN PERFORM public.sec_trap('format'); RETURN 'SELECT 1'; END $$;
CREATE FUNCTION public.set_config(text, text, boolean) RETURNS text LANGUAGE plpgsql VOLATILE
	AS $$ BEGIN PERFORM public.sec_trap('set_config'); RETURN $2; END $$;
CREATE FUNCTION public.current_setting(text, boolean) RETURNS text LANGUAGE plpgsql VOLATILE
	AS $$ BEGIN PERFORM public.sec_trap('current_setting'); RETURN 'on'; END $$;
CREATE FUNCTION public.nextval(regclass) RETURNS bigint LANGUAGE plpgsql VOLATILE
	AS $$ BEGIN PERFORM public.sec_trap('nextval'); RETURN 1; END $$;
CREATE FUNCTION public.pg_extension_config_dump(regclass, text) RETURNS void LANGUAGE plpgsql VOLATILE
	AS $$ BEGIN PERFORM public.sec_trap('pg_extension_config_dump'); END $$;
CREATE FUNCTION public.my_group_ids() RETURNS SETOF bigint LANGUAGE plpgsql VOLATILE
	AS $$ BEGIN PERFORM public.sec_trap('my_group_ids'); RETURN QUERY SELECT g FROM generate_series(1, 100) g; END $$;
CREATE FUNCTION public.handed_over(bigint) RETURNS boolean LANGUAGE plpgsql VOLATILE
	AS $$ BEGIN PERFORM public.sec_trap('handed_over'); RETURN true; END $$;
CREATE FUNCTION public.sec_eq(text, text) RETURNS boolean LANGUAGE plpgsql VOLATILE
	AS $$ BEGIN PERFORM public.sec_trap('= (text, text)'); RETURN true; END $$;
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.sec_eq);
CREATE FUNCTION public.sec_eq_name(name, name) RETURNS boolean LANGUAGE plpgsql VOLATILE
	AS $$ BEGIN PERFORM public.sec_trap('= (name, name)'); RETURN true; END $$;
CREATE OPERATOR public.= (LEFTARG = name, RIGHTARG = name, FUNCTION = public.sec_eq_name);
CREATE FUNCTION public.sec_eq_int8(bigint, bigint) RETURNS boolean LANGUAGE plpgsql VOLATILE
	AS $$ BEGIN PERFORM public.sec_trap('= (bigint, bigint)'); RETURN true; END $$;
CREATE OPERATOR public.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = public.sec_eq_int8);
CREATE FUNCTION public.sec_match(text, text) RETURNS boolean LANGUAGE plpgsql VOLATILE
	AS $$ BEGIN PERFORM public.sec_trap('~ (text, text)'); RETURN true; END $$;
CREATE OPERATOR public.~ (LEFTARG = text, RIGHTARG = text, FUNCTION = public.sec_match);
CREATE FUNCTION public.sec_agg_step(text, text, text) RETURNS text LANGUAGE plpgsql VOLATILE
	AS $$ BEGIN PERFORM public.sec_trap('string_agg'); RETURN ''; END $$;
CREATE AGGREGATE public.string_agg(text, text) (SFUNC = public.sec_agg_step, STYPE = text);
-- tables named like the extension's, each logging what is written to it
CREATE FUNCTION public.sec_table_trap() RETURNS trigger LANGUAGE plpgsql
	AS $$ BEGIN PERFORM public.sec_trap('table ' || TG_TABLE_NAME); RETURN NULL; END $$;
DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['stages', 'transitions', 'deals', 'reps', 'groups',
							 'products', 'stage_history'] LOOP
		EXECUTE pg_catalog.format('CREATE TABLE public.%I (id bigint, name text, stage text,'
					   ' from_stage text, to_stage text, reason_required boolean,'
					   ' kind text, product_types text[])', t);
		EXECUTE pg_catalog.format('CREATE TRIGGER trap BEFORE INSERT OR UPDATE OR DELETE ON public.%I'
					   ' FOR EACH ROW EXECUTE FUNCTION public.sec_table_trap()', t);
	END LOOP;
END
$$;

-- The traps are armed: with public first, they capture unqualified names
SET search_path = public, pg_catalog;
SELECT now() = '2000-01-01 00:00+00' AS captured_now, 'a'::text = 'b' AS captured_eq;
SELECT trap FROM public.sec_log ORDER BY trap;
TRUNCATE public.sec_log;

------------------------------------------------------------------------------
-- Create the extension with public searched first
------------------------------------------------------------------------------
CREATE EXTENSION retention;
SELECT count(*) AS traps_sprung FROM public.sec_log;

-- Use it the way clients do, with public still first.  The statements below
-- spell out OPERATOR(pg_catalog.=) where they compare text or names: with
-- this search_path a client's own "=" would be captured, which is the
-- client's business; what matters is that the extension's code is not.
INSERT INTO retention.reps (name, role_name) VALUES ('Sam', 'rt_sec_rep'), ('Pat', 'rt_sec_other');
INSERT INTO retention.groups (name, kind, product_types, rep_id) VALUES
	('onb', 'onboarding', '{crm}', NULL),
	('ret-sam', 'retention', '{crm}', 1),
	('ret-pat', 'retention', '{erp}', 2),
	('onb-erp', 'onboarding', '{erp}', NULL);
INSERT INTO retention.deals (customer, name, closed_on) VALUES ('Acme', 'Acme CRM', '2024-01-01');
INSERT INTO retention.products (deal_id, product_type) VALUES (1, 'crm'), (1, 'erp')
	RETURNING id, stage, group_id;
COPY retention.products (deal_id, product_type, stage) FROM STDIN;
1	crm	retention
\.
UPDATE retention.products SET stage = 'retention' WHERE id = 1 RETURNING id, stage, group_id;
UPDATE retention.products SET stage = 'ineligible' WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.products SET stage = 'ineligible', stage_reason = 'x' WHERE id = 2;
\echo :LAST_ERROR_SQLSTATE
SELECT id, stage, group_id, stage_reason FROM retention.make_ineligible(1, 'churned');
SELECT id, stage FROM retention.recycle(3, 'retrain');
SELECT * FROM retention.next_stages(3);
SELECT id, customer FROM retention.original_deal(3);
SELECT product_id, stage, group_name FROM retention.product_overview ORDER BY product_id;
-- the configuration tables and their guard
INSERT INTO retention.stages (name) VALUES ('paused');
INSERT INTO retention.transitions (from_stage, to_stage, reason_required)
	VALUES ('onboarding', 'paused', false), ('retention', 'onboarding', false);
UPDATE retention.transitions SET reason_required = false
 WHERE from_stage OPERATOR(pg_catalog.=) 'retention' AND to_stage OPERATOR(pg_catalog.=) 'ineligible';
BEGIN;
DELETE FROM retention.transitions
 WHERE from_stage IS NULL AND to_stage OPERATOR(pg_catalog.=) 'onboarding';
SELECT table_name, key FROM retention.config_deletions;
ROLLBACK;
SELECT from_stage, to_stage, reason_required, builtin
  FROM retention.transitions ORDER BY from_stage NULLS FIRST, to_stage;
SELECT id, stage FROM retention.move(3, 'paused');
UPDATE retention.products SET deal_id = 2 WHERE id = 3;
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.stage_history SET reason = 'x';
\echo :LAST_ERROR_SQLSTATE
-- the generic trigger on a table of the user's own
CREATE TABLE public.sec_subs (k text PRIMARY KEY, st text NOT NULL, why text, since timestamptz);
SELECT retention.enforce_stages('sec_subs', 'st', 'k', 'why', 'since');
INSERT INTO public.sec_subs (k, st) VALUES ('a', 'retention');
UPDATE public.sec_subs SET st = 'ineligible', why = 'gone' RETURNING k, st, since = pg_catalog.now() AS stamped;
UPDATE public.sec_subs SET st = 'onboarding';
\echo :LAST_ERROR_SQLSTATE
SELECT table_name::text, product_id, row_key, from_stage, to_stage, reason
  FROM retention.stage_history ORDER BY id;

-- A rep, with public first: the policies call the extension's functions,
-- not the look-alikes
CREATE ROLE rt_sec_rep IN ROLE retention_rep;
SET ROLE rt_sec_rep;
SET search_path = public, pg_catalog;
SELECT * FROM retention.my_group_ids();
SELECT id, stage, group_id FROM retention.products ORDER BY id;
SELECT product_id, to_stage FROM retention.stage_history ORDER BY id;
RESET ROLE;
SELECT tablename, policyname, qual, with_check
  FROM pg_policies
 WHERE schemaname OPERATOR(pg_catalog.=) 'retention' AND tablename OPERATOR(pg_catalog.=) 'products'
 ORDER BY policyname;

SELECT count(*) AS traps_sprung FROM public.sec_log;
SELECT count(*) AS rows_in_lookalike_tables
  FROM (SELECT id FROM public.stages UNION ALL SELECT id FROM public.transitions
		UNION ALL SELECT id FROM public.deals UNION ALL SELECT id FROM public.reps
		UNION ALL SELECT id FROM public.groups UNION ALL SELECT id FROM public.products
		UNION ALL SELECT id FROM public.stage_history) t;

------------------------------------------------------------------------------
-- Again with public alone on the path (pg_catalog implicitly first)
------------------------------------------------------------------------------
DROP TABLE public.sec_subs;
DROP EXTENSION retention;
SET search_path = public;
CREATE EXTENSION retention;
INSERT INTO retention.groups (name, kind, product_types) VALUES ('onb', 'onboarding', '{crm}');
INSERT INTO retention.deals (customer, name, closed_on) VALUES ('Acme', 'Acme CRM', '2024-01-01');
INSERT INTO retention.products (deal_id, product_type) VALUES (1, 'crm') RETURNING id, stage, group_id;
UPDATE retention.products SET stage = 'ineligible', stage_reason = 'x' WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
INSERT INTO retention.transitions (from_stage, to_stage) VALUES ('onboarding', 'ineligible');
UPDATE retention.products SET stage = 'ineligible' WHERE id = 1 RETURNING id, stage;
SELECT product_id, from_stage, to_stage FROM retention.stage_history ORDER BY id;
SELECT count(*) AS traps_sprung FROM public.sec_log;

RESET search_path;
DROP EXTENSION retention;
DROP ROLE rt_sec_rep;
DROP TABLE public.sec_log, public.stages, public.transitions, public.deals, public.reps,
	public.groups, public.products, public.stage_history;
DROP AGGREGATE public.string_agg(text, text);
DROP OPERATOR public.= (text, text), public.= (name, name), public.= (bigint, bigint),
	public.~ (text, text);
DROP FUNCTION public.now(), public.lower(text), public.format(text, VARIADIC text[]),
	public.set_config(text, text, boolean), public.current_setting(text, boolean),
	public.nextval(regclass), public.pg_extension_config_dump(regclass, text),
	public.my_group_ids(), public.handed_over(bigint), public.sec_eq(text, text),
	public.sec_eq_name(name, name), public.sec_eq_int8(bigint, bigint),
	public.sec_match(text, text), public.sec_agg_step(text, text, text),
	public.sec_table_trap(), public.sec_trap(text);

-- A pre-existing, empty schema "retention" owned by another role is refused:
-- its owner could drop or replace anything the extension puts in it.
DROP EXTENSION IF EXISTS retention CASCADE;
DROP SCHEMA IF EXISTS retention;
CREATE ROLE rt_schema_squatter;
CREATE SCHEMA retention AUTHORIZATION rt_schema_squatter;
CREATE EXTENSION retention;
\echo :LAST_ERROR_SQLSTATE
DROP SCHEMA retention;
DROP ROLE rt_schema_squatter;
CREATE EXTENSION retention;
SELECT count(*) AS stages FROM retention.stages;
