-- history_integrity: the stage history cannot be forged and always replays
-- (issue 6, section 3).  Only administrators' tables write history, and their
-- rows never carry a product id; a table is named as it was; products are
-- not deleted or truncated, except by the logged retention.forget_product();
-- a move to another partition is recorded as the move it is; an INSTEAD OF
-- trigger is refused.  And an administrator may back-date moves (import
-- history, issue 10) in order, never into the future.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS retention CASCADE;
DROP ROLE IF EXISTS hi_nobody;
DROP ROLE IF EXISTS hi_admin;
DROP ROLE IF EXISTS hi_rep;
CREATE EXTENSION retention;
RESET client_min_messages;
\set SHOW_CONTEXT never
CREATE ROLE hi_nobody;
CREATE ROLE hi_admin IN ROLE retention_admin;
CREATE ROLE hi_rep IN ROLE retention_rep;
GRANT CREATE ON SCHEMA public TO hi_nobody, hi_admin;

INSERT INTO retention.reps (id, name, role_name) VALUES (1, 'Rep', 'hi_rep');
INSERT INTO retention.groups (id, name, kind, product_types, rep_id) VALUES
	(1, 'onb', 'onboarding', '{widget}', 1), (2, 'ret', 'retention', '{widget}', 1);
INSERT INTO retention.deals (id, customer, name, closed_on) VALUES (1, 'Acme', 'Acme', '2026-01-01');
INSERT INTO retention.products (id, deal_id, product_type, stage) VALUES
	(1, 1, 'widget', 'retention'), (2, 1, 'widget', 'retention'), (3, 1, 'widget', 'onboarding');

------------------------------------------------------------------------------
-- The reported forgery: a role with no retention role attaches stage_guard
-- to its own temp table and writes rows naming product 3
------------------------------------------------------------------------------
SET ROLE hi_nobody;
CREATE TEMP TABLE forged (id bigint, stage text, why text);
SELECT retention.enforce_stages('forged', 'stage', 'id', 'why');
CREATE TRIGGER forged_history AFTER INSERT OR UPDATE ON forged
	FOR EACH ROW EXECUTE FUNCTION retention.stage_guard('stage', 'id', 'why');
INSERT INTO forged VALUES (3, 'retention');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT count(*) AS forged_rows FROM retention.stage_history WHERE table_name <> 'retention.products';
SELECT product_id, from_stage, to_stage FROM retention.stage_history WHERE product_id = 3 ORDER BY id;

-- An administrator's own table writes history, without a product id even for
-- an integer key, and named as it was after the table is gone
SET ROLE hi_admin;
CREATE TABLE public.hi_accounts (id bigint PRIMARY KEY, stage text NOT NULL, why text);
SELECT retention.enforce_stages('public.hi_accounts', 'stage', 'id', 'why');
INSERT INTO public.hi_accounts VALUES (3, 'retention');
UPDATE public.hi_accounts SET stage = 'ineligible', why = 'closed';
DROP TABLE public.hi_accounts;
RESET ROLE;
SELECT table_name, product_id, row_key, from_stage, to_stage, reason
  FROM retention.stage_history WHERE table_name <> 'retention.products' ORDER BY id;
-- product 3's history is still only its own
SELECT product_id, from_stage, to_stage FROM retention.stage_history WHERE product_id = 3 ORDER BY id;

------------------------------------------------------------------------------
-- Views: no INSTEAD OF history
------------------------------------------------------------------------------
CREATE TABLE public.hi_base (id bigint PRIMARY KEY, stage text NOT NULL);
CREATE VIEW public.hi_view AS SELECT * FROM public.hi_base;
SELECT retention.enforce_stages('public.hi_view', 'stage', 'id');
CREATE TRIGGER hi_view_history INSTEAD OF UPDATE ON public.hi_view
	FOR EACH ROW EXECUTE FUNCTION retention.stage_guard('stage', 'id');
UPDATE public.hi_view SET stage = 'ineligible' WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE

------------------------------------------------------------------------------
-- Partitioned tables: a move that takes a row to another partition is
-- recorded as that move, once; a row that changes partition only, not stage,
-- records nothing
------------------------------------------------------------------------------
CREATE TABLE public.hi_parts (id bigint, region text NOT NULL, stage text NOT NULL, why text)
	PARTITION BY LIST (region);
CREATE TABLE public.hi_parts_eu PARTITION OF public.hi_parts FOR VALUES IN ('eu');
CREATE TABLE public.hi_parts_us PARTITION OF public.hi_parts FOR VALUES IN ('us');
SELECT retention.enforce_stages('public.hi_parts', 'stage', 'id', 'why');
SELECT tgname FROM pg_trigger WHERE tgrelid = 'public.hi_parts'::regclass ORDER BY tgname;
INSERT INTO public.hi_parts VALUES (1, 'eu', 'onboarding'), (2, 'eu', 'retention'), (3, 'eu', 'retention');
-- moves and changes partition
UPDATE public.hi_parts SET region = 'us', stage = 'retention' WHERE id = 1;
-- changes partition only
UPDATE public.hi_parts SET region = 'us' WHERE id = 2;
-- a move that needs a reason needs it still when the row changes partition
UPDATE public.hi_parts SET region = 'us', stage = 'ineligible' WHERE id = 3;
UPDATE public.hi_parts SET region = 'us', stage = 'ineligible', why = 'closed' WHERE id = 3;
-- and an illegal one is refused, naming the partitioned table
UPDATE public.hi_parts SET region = 'eu', stage = 'retention' WHERE id = 3;
SELECT tableoid::regclass AS part, id, stage FROM public.hi_parts ORDER BY id;
SELECT table_name, row_key, from_stage, to_stage, reason
  FROM retention.stage_history WHERE table_name = 'public.hi_parts' ORDER BY id;

------------------------------------------------------------------------------
-- Long table names: the triggers' names never collide
------------------------------------------------------------------------------
CREATE TABLE public.a_table_with_a_name_so_long_that_its_triggers_would_collide_xx
	(id bigint PRIMARY KEY, stage text NOT NULL);
SELECT retention.enforce_stages('public.a_table_with_a_name_so_long_that_its_triggers_would_collide_xx', 'stage', 'id');
SELECT tgname FROM pg_trigger
 WHERE tgrelid = 'public.a_table_with_a_name_so_long_that_its_triggers_would_collide_xx'::regclass ORDER BY tgname;
-- NULL arguments
SELECT retention.enforce_stages(NULL, 'stage', 'id');
\echo :LAST_ERROR_SQLSTATE
SELECT retention.enforce_stages('public.hi_base', NULL, 'id');
\echo :LAST_ERROR_SQLSTATE
SELECT retention.enforce_stages('public.hi_base', 'stage', NULL);
\echo :LAST_ERROR_SQLSTATE

------------------------------------------------------------------------------
-- Products are permanent: no DELETE, no TRUNCATE ...
------------------------------------------------------------------------------
DELETE FROM retention.products WHERE id = 2;
\echo :LAST_ERROR_SQLSTATE
TRUNCATE retention.products CASCADE;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM retention.stage_history WHERE product_id = 2;
\echo :LAST_ERROR_SQLSTATE

-- ... except by forget_product, for administrators, with a reason, logged
INSERT INTO retention.observations (product_id, measure, observed_at, value) VALUES (2, 'usage', '2026-06-01', 3);
UPDATE retention.products SET stage = 'onboarding', stage_reason = 'retrain' WHERE id = 2;
UPDATE retention.products SET mrr = 100 WHERE id = 2;
SELECT count(*) > 0 AS product_2_has_mrr_history FROM retention.mrr_history WHERE product_id = 2;
SET ROLE hi_rep;
SELECT retention.forget_product(2, 'asked to');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE hi_admin;
SELECT retention.forget_product(2, NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT retention.forget_product(NULL, 'x');
\echo :LAST_ERROR_SQLSTATE
SELECT retention.forget_product(2, E' \t\n');
\echo :LAST_ERROR_SQLSTATE
SELECT retention.forget_product(99, 'no such');
\echo :LAST_ERROR_SQLSTATE
SELECT retention.forget_product(2, 'customer asked to be forgotten') AS history_rows_removed;
RESET ROLE;
SELECT product_id, deal_id, customer, product_type, last_stage, history_rows, reason,
	   forgotten_by = session_user AS by_session_user, acting_role
  FROM retention.forgotten_products ORDER BY id;
SELECT count(*) AS product_2_rows FROM retention.products WHERE id = 2;
SELECT count(*) AS product_2_history FROM retention.stage_history WHERE product_id = 2;
SELECT count(*) AS product_2_observations FROM retention.observations WHERE product_id = 2;
SELECT count(*) AS product_2_mrr_history FROM retention.mrr_history WHERE product_id = 2;
-- the log is append-only too
DELETE FROM retention.forgotten_products;
\echo :LAST_ERROR_SQLSTATE
-- the id used again starts a new life, whose history is its own
INSERT INTO retention.products (id, deal_id, product_type, stage) VALUES (2, 1, 'widget', 'onboarding');
SELECT product_id, from_stage, to_stage FROM retention.stage_history WHERE product_id = 2 ORDER BY id;
-- the other products' history is untouched
SELECT product_id, count(*) FROM retention.stage_history
 WHERE table_name = 'retention.products' GROUP BY 1 ORDER BY 1;

------------------------------------------------------------------------------
-- Back-dating: an administrator imports history with its real dates
------------------------------------------------------------------------------
SET ROLE hi_admin;
INSERT INTO retention.products (id, deal_id, product_type, stage, stage_entered_at)
VALUES (10, 1, 'widget', 'onboarding', '2025-01-10 09:00+00');
UPDATE retention.products SET stage = 'retention', stage_entered_at = '2025-02-01 12:00+00' WHERE id = 10;
-- before its latest move: refused, and nothing changes
UPDATE retention.products SET stage = 'onboarding', stage_reason = 'retrain',
	   stage_entered_at = '2025-01-20 00:00+00' WHERE id = 10;
\echo :LAST_ERROR_SQLSTATE
-- in the future: refused
UPDATE retention.products SET stage = 'onboarding', stage_reason = 'retrain',
	   stage_entered_at = '2999-01-01 00:00+00' WHERE id = 10;
\echo :LAST_ERROR_SQLSTATE
INSERT INTO retention.products (id, deal_id, product_type, stage, stage_entered_at)
VALUES (11, 1, 'widget', 'onboarding', '2999-01-01 00:00+00');
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.products SET stage = 'onboarding', stage_reason = 'retrain',
	   stage_entered_at = '2025-06-30 17:00+00' WHERE id = 10;
RESET ROLE;
SELECT stage, stage_entered_at AT TIME ZONE 'UTC' AS entered_utc FROM retention.products WHERE id = 10;
SELECT from_stage, to_stage, reason, changed_at AT TIME ZONE 'UTC' AS changed_utc
  FROM retention.stage_history WHERE product_id = 10 ORDER BY id;
-- a move without a time is stamped now, as before
UPDATE retention.products SET stage = 'retention' WHERE id = 10;
SELECT from_stage, to_stage, changed_at > now() - interval '1 hour' AS stamped_now
  FROM retention.stage_history WHERE product_id = 10 ORDER BY id DESC LIMIT 1;
-- a rep cannot back-date: the column is not theirs to set, and a rep's
-- plain move is stamped with the transaction's time
SET ROLE hi_rep;
UPDATE retention.products SET stage = 'retention', stage_entered_at = '2025-01-01' WHERE id = 3;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- on an administrator's own table, a role that may write it but is no
-- administrator cannot back-date either
SET ROLE hi_admin;
CREATE TABLE public.hi_subs (id text PRIMARY KEY, stage text NOT NULL, since timestamptz);
SELECT retention.enforce_stages('public.hi_subs', 'stage', 'id', NULL, 'since');
GRANT INSERT, UPDATE, SELECT ON public.hi_subs TO hi_nobody;
RESET ROLE;
SET ROLE hi_nobody;
INSERT INTO public.hi_subs VALUES ('a', 'onboarding', '2025-03-01');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO public.hi_subs VALUES ('a', 'onboarding');
UPDATE public.hi_subs SET stage = 'retention', since = '2025-03-01' WHERE id = 'a';
\echo :LAST_ERROR_SQLSTATE
UPDATE public.hi_subs SET stage = 'retention' WHERE id = 'a';
SELECT id, stage, since > now() - interval '1 hour' AS stamped_now FROM public.hi_subs;
RESET ROLE;

SET client_min_messages = warning;
DROP TABLE forged;
DROP VIEW public.hi_view;
DROP TABLE public.hi_subs, public.hi_parts, public.hi_base,
	public.a_table_with_a_name_so_long_that_its_triggers_would_collide_xx;
DROP EXTENSION retention CASCADE;
REVOKE CREATE ON SCHEMA public FROM hi_nobody, hi_admin;
DROP ROLE hi_nobody;
DROP ROLE hi_admin;
DROP ROLE hi_rep;
