-- lifecycle: stages, the legal moves, stage history and group placement,
-- through every path a client can write by (UPDATE, INSERT, COPY,
-- ON CONFLICT, MERGE, views, SQL and PL/pgSQL functions), and the generic
-- trigger on tables of the user's own.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS retention CASCADE;
DROP TABLE IF EXISTS public.my_subscriptions, public.my_accounts, public.my_plain,
	public.my_parts, public.my_staged;
DROP VIEW IF EXISTS public.lc_products;
RESET client_min_messages;
CREATE EXTENSION retention;
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';

-- The seeded lifecycle
SELECT name, builtin FROM retention.stages ORDER BY name;
SELECT from_stage, to_stage, reason_required, builtin
  FROM retention.transitions ORDER BY from_stage NULLS FIRST, to_stage;

-- Reps, groups and deals.  Groups 1-6:
--   1 onb-core   onboarding {crm,erp}     2 onb-bi    onboarding {bi}
--   3 ret-crm    retention  {crm}         4 ret-erp   retention  {erp,bi}
--   5 onb-dup-a  onboarding {dup}         6 onb-dup-b onboarding {dup}
-- "lonely" has no group at all; "dup" has two onboarding groups.
INSERT INTO retention.reps (name, email, role_name) VALUES
	('Rita', 'rita@example.com', 'lc_rita'),
	('Ravi', 'ravi@example.com', 'lc_ravi');
INSERT INTO retention.groups (name, kind, product_types, rep_id) VALUES
	('onb-core', 'onboarding', '{crm,erp}', NULL),
	('onb-bi', 'onboarding', '{bi}', NULL),
	('ret-crm', 'retention', '{crm}', 1),
	('ret-erp', 'retention', '{erp,bi}', 2),
	('onb-dup-a', 'onboarding', '{dup}', NULL),
	('onb-dup-b', 'onboarding', '{dup}', NULL);
INSERT INTO retention.deals (customer, name, amount, closed_on, owner, details) VALUES
	('Acme', 'Acme CRM rollout', 12000.00, '2024-01-15', 'sam', '{"seats": 40, "sla": "gold"}'),
	('Globex', 'Globex ERP', 50000.00, '2024-02-01', 'kim', '{"seats": 200}');

------------------------------------------------------------------------------
-- Entering the lifecycle
------------------------------------------------------------------------------

-- 1: no stage given: onboarding, placed in onb-core by its type
INSERT INTO retention.products (deal_id, product_type) VALUES (1, 'crm')
	RETURNING id, stage, group_id, stage_reason;
-- 2: entering retention directly: placed in ret-crm
INSERT INTO retention.products (deal_id, product_type, stage, stage_reason)
	VALUES (1, 'crm', 'retention', 'migrated from legacy')
	RETURNING id, stage, group_id, stage_reason;
-- Refused entries use up ids 3 to 8.
-- ineligible is no entry stage
INSERT INTO retention.products (deal_id, product_type, stage) VALUES (1, 'crm', 'ineligible');
\echo :LAST_ERROR_SQLSTATE
-- a stage that does not exist: the foreign key says so first
INSERT INTO retention.products (deal_id, product_type, stage) VALUES (1, 'crm', 'nowhere');
\echo :LAST_ERROR_SQLSTATE
-- no group takes "lonely"; two onboarding groups take "dup"
INSERT INTO retention.products (deal_id, product_type) VALUES (1, 'lonely');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO retention.products (deal_id, product_type) VALUES (1, 'dup');
\echo :LAST_ERROR_SQLSTATE
-- an explicit group of the wrong kind is refused
INSERT INTO retention.products (deal_id, product_type, group_id) VALUES (1, 'crm', 3);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO retention.products (deal_id, product_type, stage, group_id) VALUES (1, 'crm', 'retention', 1);
\echo :LAST_ERROR_SQLSTATE
-- 9: an explicit group of the right kind is kept, even for another type
INSERT INTO retention.products (deal_id, product_type, group_id) VALUES (2, 'crm', 2)
	RETURNING id, stage, group_id;
-- 10: so is one that settles the "dup" ambiguity
INSERT INTO retention.products (deal_id, product_type, group_id) VALUES (2, 'dup', 6)
	RETURNING id, stage, group_id;
-- 11: an ERP product for Globex
INSERT INTO retention.products (deal_id, product_type) VALUES (2, 'erp')
	RETURNING id, stage, group_id;
-- Entries are history rows with no from_stage
SELECT product_id, row_key, from_stage, to_stage, reason,
	   table_name = 'retention.products' AS products_table,
	   changed_by = session_user AS by_session_user,
	   acting_role = current_user AS as_current_user
  FROM retention.stage_history ORDER BY id;

------------------------------------------------------------------------------
-- Every legal move, and the illegal ones
------------------------------------------------------------------------------

-- onboarding -> retention needs no reason; the product moves to ret-crm and
-- stage_entered_at is stamped with the time of the move, as is the history.
UPDATE retention.products SET stage_entered_at = '2020-01-01 00:00+00' WHERE id = 1;
BEGIN;
UPDATE retention.products SET stage = 'retention' WHERE id = 1
	RETURNING id, stage, group_id, stage_reason, stage_entered_at = now() AS stamped;
SELECT product_id, from_stage, to_stage, changed_at = now() AS at_move_time
  FROM retention.stage_history ORDER BY id DESC LIMIT 1;
COMMIT;

-- retention -> onboarding (recycle) requires a reason
UPDATE retention.products SET stage = 'onboarding' WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
-- a blank reason is no reason
UPDATE retention.products SET stage = 'onboarding', stage_reason = '   ' WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.products SET stage = 'onboarding', stage_reason = E'\t\n' WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.products SET stage = 'onboarding', stage_reason = NULL WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
-- with a reason: back to onboarding, into onb-core again
UPDATE retention.products SET stage = 'onboarding', stage_reason = 'needs more training' WHERE id = 1
	RETURNING id, stage, group_id, stage_reason;
-- onboarding -> ineligible is not a legal move
UPDATE retention.products SET stage = 'ineligible', stage_reason = 'churned' WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
-- onboarding -> retention again; the old reason does not carry over
UPDATE retention.products SET stage = 'retention' WHERE id = 1
	RETURNING id, stage, group_id, stage_reason;

-- A stale reason: product 2 entered retention with a reason, which is still
-- in stage_reason; a move that does not set it has no reason.
SELECT id, stage, stage_reason FROM retention.products WHERE id = 2;
UPDATE retention.products SET stage = 'ineligible' WHERE id = 2;
\echo :LAST_ERROR_SQLSTATE
-- several columns set, but not the reason: still no reason
UPDATE retention.products SET stage = 'ineligible', mrr = 10 WHERE id = 2;
\echo :LAST_ERROR_SQLSTATE
-- retention -> ineligible with a reason
UPDATE retention.products SET stage = 'ineligible', stage_reason = 'contract terminated' WHERE id = 2
	RETURNING id, stage, group_id, stage_reason;
-- ineligible is terminal: nothing follows it
UPDATE retention.products SET stage = 'retention', stage_reason = 'came back' WHERE id = 2;
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.products SET stage = 'onboarding', stage_reason = 'came back' WHERE id = 2;
\echo :LAST_ERROR_SQLSTATE
-- a stage that does not exist, and a null stage
UPDATE retention.products SET stage = 'nowhere' WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.products SET stage = NULL WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE

-- Setting the current stage again is no move: no history, no new stamp
SELECT count(*) AS history_before FROM retention.stage_history;
UPDATE retention.products SET stage_entered_at = '2021-06-01 00:00+00' WHERE id = 1;
UPDATE retention.products SET stage = 'retention', stage_reason = 'just checking' WHERE id = 1
	RETURNING id, stage, stage_reason, stage_entered_at = '2021-06-01 00:00+00' AS stamp_kept;
UPDATE retention.products SET stage = stage;
SELECT count(*) AS history_after FROM retention.stage_history;

-- One statement moving several rows: one illegal move refuses them all
UPDATE retention.products SET stage = 'retention' WHERE id IN (9, 11, 2);
\echo :LAST_ERROR_SQLSTATE
SELECT id, stage, group_id FROM retention.products WHERE id IN (2, 9, 11) ORDER BY id;
UPDATE retention.products SET stage = 'retention' WHERE id IN (9, 11)
	RETURNING id, stage, group_id;

-- The history so far: who, from, to, why
SELECT id, product_id, from_stage, to_stage, reason,
	   changed_by = session_user AS by_session_user,
	   acting_role = current_user AS as_current_user
  FROM retention.stage_history ORDER BY id;

------------------------------------------------------------------------------
-- The history is append-only; a product's deal is permanent
------------------------------------------------------------------------------

UPDATE retention.stage_history SET reason = 'rewritten' WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM retention.stage_history WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
TRUNCATE retention.stage_history;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS history_rows FROM retention.stage_history;

UPDATE retention.products SET deal_id = 2 WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
-- setting the same deal is no change
UPDATE retention.products SET deal_id = 1 WHERE id = 1 RETURNING id, deal_id;

------------------------------------------------------------------------------
-- Other write paths: COPY, ON CONFLICT, MERGE, a view, functions
------------------------------------------------------------------------------

-- COPY: 12 and 13 enter, checked and recorded like any insert
COPY retention.products (deal_id, product_type, stage, stage_reason) FROM STDIN;
1	crm	onboarding	\N
2	erp	retention	signed for support only
\.
SELECT id, product_type, stage, group_id, stage_reason FROM retention.products
 WHERE id IN (12, 13) ORDER BY id;
-- a COPY with one illegal row loads nothing (and uses up ids 14 and 15)
COPY retention.products (deal_id, product_type, stage) FROM STDIN;
1	crm	onboarding
1	crm	ineligible
\.
SELECT count(*) AS products FROM retention.products;

-- INSERT ... ON CONFLICT DO UPDATE, insert branch: 20 enters retention
INSERT INTO retention.products AS p (id, deal_id, product_type, stage)
	VALUES (20, 2, 'erp', 'retention')
	ON CONFLICT (id) DO UPDATE SET stage = EXCLUDED.stage, stage_reason = EXCLUDED.stage_reason
	RETURNING id, stage, group_id;
-- update branch: retention -> ineligible, the reason coming through EXCLUDED
INSERT INTO retention.products AS p (id, deal_id, product_type, stage, stage_reason)
	VALUES (20, 2, 'erp', 'ineligible', 'merged into another contract')
	ON CONFLICT (id) DO UPDATE SET stage = EXCLUDED.stage, stage_reason = EXCLUDED.stage_reason
	RETURNING id, stage, group_id, stage_reason;
-- update branch without a reason (13 still has the reason it entered with),
-- and an illegal one
INSERT INTO retention.products AS p (id, deal_id, product_type, stage)
	VALUES (13, 2, 'erp', 'ineligible')
	ON CONFLICT (id) DO UPDATE SET stage = EXCLUDED.stage;
\echo :LAST_ERROR_SQLSTATE
INSERT INTO retention.products AS p (id, deal_id, product_type, stage, stage_reason)
	VALUES (20, 2, 'erp', 'retention', 'back')
	ON CONFLICT (id) DO UPDATE SET stage = EXCLUDED.stage, stage_reason = EXCLUDED.stage_reason;
\echo :LAST_ERROR_SQLSTATE
-- update branch that leaves the stage as it is: no history
INSERT INTO retention.products AS p (id, deal_id, product_type, stage)
	VALUES (13, 2, 'erp', 'retention')
	ON CONFLICT (id) DO UPDATE SET stage = EXCLUDED.stage, mrr = 99
	RETURNING id, stage, mrr;
SELECT product_id, from_stage, to_stage, reason FROM retention.stage_history
 WHERE product_id IN (13, 20) ORDER BY id;

-- MERGE: a legal move, one without its reason, an illegal entry (id 16)
MERGE INTO retention.products p
USING (VALUES (12::bigint, 'retention')) AS v(id, stage) ON p.id = v.id
WHEN MATCHED THEN UPDATE SET stage = v.stage;
MERGE INTO retention.products p
USING (VALUES (12::bigint, 'ineligible')) AS v(id, stage) ON p.id = v.id
WHEN MATCHED THEN UPDATE SET stage = v.stage;
\echo :LAST_ERROR_SQLSTATE
MERGE INTO retention.products p
USING (VALUES (99::bigint, 'ineligible')) AS v(id, stage) ON p.id = v.id
WHEN NOT MATCHED THEN INSERT (deal_id, product_type, stage) VALUES (1, 'crm', v.stage);
\echo :LAST_ERROR_SQLSTATE
SELECT id, stage, group_id FROM retention.products WHERE id = 12;

-- A simple auto-updatable view, with columns of other names
CREATE VIEW public.lc_products AS
	SELECT id, deal_id, product_type, stage AS phase, stage_reason AS why
	  FROM retention.products;
UPDATE public.lc_products SET phase = 'ineligible' WHERE id = 12;
\echo :LAST_ERROR_SQLSTATE
UPDATE public.lc_products SET phase = 'ineligible', why = 'budget cut' WHERE id = 12
	RETURNING id, phase, why;
UPDATE public.lc_products SET phase = 'retention', why = 'reconsidered' WHERE id = 12;
\echo :LAST_ERROR_SQLSTATE
-- an illegal entry through the view (id 17)
INSERT INTO public.lc_products (deal_id, product_type, phase) VALUES (1, 'crm', 'ineligible');
\echo :LAST_ERROR_SQLSTATE

-- A SQL function and a PL/pgSQL function that update products
CREATE FUNCTION public.lc_sql_move(p bigint, s text, r text) RETURNS text
	LANGUAGE sql
	AS $$ UPDATE retention.products SET stage = s, stage_reason = r WHERE id = p RETURNING stage $$;
CREATE FUNCTION public.lc_plpgsql_move(p bigint, s text) RETURNS text
	LANGUAGE plpgsql
	AS $$
DECLARE
	result text;
BEGIN
	UPDATE retention.products SET stage = s WHERE id = p RETURNING stage INTO result;
	RETURN result;
END
$$;
SELECT public.lc_sql_move(13, 'onboarding', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT public.lc_sql_move(13, 'onboarding', 'new module to learn');
SELECT public.lc_plpgsql_move(13, 'ineligible');
\echo :LAST_ERROR_SQLSTATE
SELECT public.lc_plpgsql_move(13, 'retention');
SELECT product_id, from_stage, to_stage, reason FROM retention.stage_history
 WHERE product_id IN (12, 13) ORDER BY id;

------------------------------------------------------------------------------
-- The API: move, recycle, make_ineligible, original_deal, next_stages,
-- product_overview
------------------------------------------------------------------------------

-- product 11 (erp) is in retention, in ret-erp
SELECT id, stage, group_id, stage_reason FROM retention.move(11, 'onboarding', 'reconfigure');
SELECT id, stage, group_id, stage_reason FROM retention.move(11, 'retention');
SELECT id, stage, group_id, stage_reason FROM retention.move(11, 'ineligible');
\echo :LAST_ERROR_SQLSTATE
SELECT id, stage, group_id, stage_reason FROM retention.move(999, 'retention');
\echo :LAST_ERROR_SQLSTATE
SELECT id, stage, group_id, stage_reason FROM retention.recycle(11, 'second training round');
-- recycling a product already in onboarding is no move: no check, no
-- history, and the reason stays the one it entered onboarding with
SELECT id, stage, group_id, stage_reason FROM retention.recycle(11, 'again');
SELECT id, stage, group_id, stage_reason FROM retention.move(11, 'retention');
SELECT id, stage, group_id, stage_reason FROM retention.make_ineligible(11, '');
\echo :LAST_ERROR_SQLSTATE
SELECT id, stage, group_id, stage_reason FROM retention.make_ineligible(11, 'churned to a competitor');
SELECT id, stage, group_id, stage_reason FROM retention.recycle(11, 'too late');
\echo :LAST_ERROR_SQLSTATE
SELECT product_id, from_stage, to_stage, reason FROM retention.stage_history
 WHERE product_id = 11 ORDER BY id;

SELECT id, customer, name, amount, closed_on, owner, details FROM retention.original_deal(11);
SELECT id, customer, details->>'sla' AS sla FROM retention.original_deal(1);
-- no such product: the composite result is null
SELECT retention.original_deal(999) IS NULL AS no_deal;
SELECT retention.original_deal(NULL) IS NULL AS null_for_null;

SELECT * FROM retention.next_stages(1);
SELECT * FROM retention.next_stages(10);
SELECT * FROM retention.next_stages(11);
SELECT * FROM retention.next_stages(999);

UPDATE retention.products SET stage_entered_at = '2021-06-01 00:00+00' WHERE id = 10;
SELECT product_id, customer, product_type, stage, group_name, group_kind, rep,
	   deal_id, deal_name, deal_amount, deal_closed_on, mrr,
	   days_in_stage = current_date - '2021-06-01'::date AS entered_june_2021
  FROM retention.product_overview ORDER BY product_id;

------------------------------------------------------------------------------
-- Group placement
------------------------------------------------------------------------------

-- recycling puts a product back into an onboarding group by its type
SELECT id, product_type, stage, group_id FROM retention.products WHERE id = 13;
SELECT id, stage, group_id FROM retention.recycle(13, 'new admin team');
-- an admin may move it to another group of the right kind ...
UPDATE retention.products SET group_id = 2 WHERE id = 13 RETURNING id, stage, group_id;
-- ... but not to one of the wrong kind
UPDATE retention.products SET group_id = 4 WHERE id = 13;
\echo :LAST_ERROR_SQLSTATE
-- a null group_id places the product by its type again
UPDATE retention.products SET group_id = NULL WHERE id = 13 RETURNING id, stage, group_id;
-- a move together with an explicit group of the right kind keeps that group
UPDATE retention.products SET stage = 'retention', group_id = 3 WHERE id = 13
	RETURNING id, stage, group_id;
-- the "dup" product cannot enter retention: no retention group takes "dup"
UPDATE retention.products SET stage = 'retention' WHERE id = 10;
\echo :LAST_ERROR_SQLSTATE
-- "bi" has two onboarding groups once onb-core takes it too (id 18)
UPDATE retention.groups SET product_types = '{crm,erp,bi}' WHERE name = 'onb-core';
INSERT INTO retention.products (deal_id, product_type) VALUES (2, 'bi');
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.groups SET product_types = '{crm,erp}' WHERE name = 'onb-core';
-- a group just created (7) is used by the next statement
INSERT INTO retention.groups (name, kind, product_types, rep_id)
	VALUES ('ret-dup', 'retention', '{dup}', 2) RETURNING id;
UPDATE retention.products SET stage = 'retention' WHERE id = 10 RETURNING id, stage, group_id;
-- an illegal move is reported as such, even where no group could take the
-- product (there is no onboarding group for "dup" alone)
UPDATE retention.products SET stage = 'ineligible', stage_reason = 'gone' WHERE id = 10;
UPDATE retention.groups SET product_types = '{}' WHERE name IN ('onb-dup-a', 'onb-dup-b');
UPDATE retention.products SET stage = 'onboarding', stage_reason = 'back' WHERE id = 10;
\echo :LAST_ERROR_SQLSTATE

------------------------------------------------------------------------------
-- Rules are data: changes are in force from the next statement
------------------------------------------------------------------------------

-- an administrator adds "reactivation": ineligible -> retention, with a reason
INSERT INTO retention.transitions (from_stage, to_stage, reason_required)
	VALUES ('ineligible', 'retention', true);
SELECT * FROM retention.next_stages(2);
UPDATE retention.products SET stage = 'retention' WHERE id = 2;
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.products SET stage = 'retention', stage_reason = 'reactivated' WHERE id = 2
	RETURNING id, stage, group_id, stage_reason;
-- and removes it again
DELETE FROM retention.transitions WHERE from_stage = 'ineligible' AND to_stage = 'retention';
SELECT id, stage FROM retention.move(11, 'retention', 'reactivated');
\echo :LAST_ERROR_SQLSTATE
-- a rule added and rolled back is gone again, in this session too
BEGIN;
INSERT INTO retention.transitions (from_stage, to_stage) VALUES ('ineligible', 'onboarding');
SELECT id, stage, group_id FROM retention.move(11, 'onboarding');
ROLLBACK;
SELECT id, stage FROM retention.move(11, 'onboarding');
\echo :LAST_ERROR_SQLSTATE

-- a stage of the user's own, with rules in and out of it
INSERT INTO retention.stages (name, description) VALUES ('paused', 'on hold at the customer''s request');
INSERT INTO retention.transitions (from_stage, to_stage, reason_required) VALUES
	('retention', 'paused', true), ('paused', 'retention', false);
SELECT id, stage, group_id, stage_reason FROM retention.move(2, 'paused', 'seasonal business');
SELECT * FROM retention.next_stages(2);
SELECT id, stage, group_id, stage_reason FROM retention.move(2, 'retention');
INSERT INTO retention.stages (name) VALUES ('Bad Name');
\echo :LAST_ERROR_SQLSTATE
-- a user's rule can be deleted
DELETE FROM retention.transitions WHERE from_stage = 'retention' AND to_stage = 'paused';
SELECT id, stage FROM retention.move(2, 'paused', 'again');
\echo :LAST_ERROR_SQLSTATE

-- a built-in rule may be deleted: the deletion is recorded, so that a
-- restore deletes the seeded row again; taking the key back removes the
-- record.  A stage still in use cannot be deleted (foreign key).
BEGIN;
DELETE FROM retention.transitions WHERE from_stage = 'retention' AND to_stage = 'ineligible';
SELECT table_name, key FROM retention.config_deletions ORDER BY table_name, key::text;
INSERT INTO retention.transitions (from_stage, to_stage, reason_required)
	VALUES ('retention', 'ineligible', true);
SELECT count(*) AS deletions FROM retention.config_deletions;
ROLLBACK;
DELETE FROM retention.stages WHERE name = 'ineligible';
\echo :LAST_ERROR_SQLSTATE
-- a changed built-in rule becomes the user's
UPDATE retention.transitions SET reason_required = true
 WHERE from_stage = 'onboarding' AND to_stage = 'retention';
SELECT id, stage FROM retention.recycle(1, 'retrain');
SELECT id, stage FROM retention.move(1, 'retention');
\echo :LAST_ERROR_SQLSTATE
SELECT id, stage FROM retention.move(1, 'retention', 'trained');
-- inserting a rule with the key of a built-in one changes the built-in row
-- in place, so no row is inserted
INSERT INTO retention.transitions (from_stage, to_stage, reason_required)
	VALUES ('retention', 'onboarding', false) RETURNING *;
SELECT from_stage, to_stage, reason_required, builtin
  FROM retention.transitions ORDER BY from_stage NULLS FIRST, to_stage;
SELECT id, stage, stage_reason FROM retention.move(1, 'onboarding');

------------------------------------------------------------------------------
-- The generic trigger on tables of the user's own
------------------------------------------------------------------------------

-- A text key, a reason column and an entered-at column
CREATE TABLE public.my_subscriptions (
	sub_id text PRIMARY KEY,
	status text NOT NULL,
	why text,
	since timestamptz
);
SELECT retention.enforce_stages('public.my_subscriptions', 'status', 'sub_id', 'why', 'since');
SELECT tgname, tgtype, tgnargs FROM pg_trigger
 WHERE tgrelid = 'public.my_subscriptions'::regclass ORDER BY tgname;
INSERT INTO public.my_subscriptions (sub_id, status) VALUES ('s-a', 'onboarding'), ('s-b', 'retention');
INSERT INTO public.my_subscriptions (sub_id, status) VALUES ('s-c', 'ineligible');
\echo :LAST_ERROR_SQLSTATE
UPDATE public.my_subscriptions SET status = 'ineligible' WHERE sub_id = 's-b';
\echo :LAST_ERROR_SQLSTATE
UPDATE public.my_subscriptions SET status = 'ineligible', why = 'cancelled' WHERE sub_id = 's-b'
	RETURNING sub_id, status, why, since = now() AS stamped;
UPDATE public.my_subscriptions SET status = 'ineligible', why = 'skipping ahead' WHERE sub_id = 's-a';
\echo :LAST_ERROR_SQLSTATE
-- the changed built-in rule (onboarding -> retention needs a reason) holds
-- here too
UPDATE public.my_subscriptions SET status = 'retention' WHERE sub_id = 's-a';
\echo :LAST_ERROR_SQLSTATE
UPDATE public.my_subscriptions SET status = 'retention', why = 'trained' WHERE sub_id = 's-a'
	RETURNING sub_id, status, why, since = now() AS stamped;
SELECT table_name, product_id, row_key, from_stage, to_stage, reason
  FROM retention.stage_history
 WHERE table_name = 'public.my_subscriptions' ORDER BY id;

-- An integer key, a reason column, no entered-at column
CREATE TABLE public.my_accounts (acct_id integer PRIMARY KEY, phase text, note text);
SELECT retention.enforce_stages('public.my_accounts', 'phase', 'acct_id', 'note');
INSERT INTO public.my_accounts VALUES (7, 'retention', 'imported'), (8, 'onboarding', NULL);
UPDATE public.my_accounts SET phase = 'onboarding', note = 'retrain' WHERE acct_id = 7;
UPDATE public.my_accounts SET phase = 'ineligible', note = 'x' WHERE acct_id = 8;
\echo :LAST_ERROR_SQLSTATE
INSERT INTO public.my_accounts VALUES (9, NULL, NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT table_name, product_id, row_key, from_stage, to_stage, reason
  FROM retention.stage_history
 WHERE table_name = 'public.my_accounts' ORDER BY id;

-- No reason column: a move that needs a reason can never be made
CREATE TABLE public.my_plain (k bigint PRIMARY KEY, st text NOT NULL);
SELECT retention.enforce_stages('public.my_plain', 'st', 'k');
INSERT INTO public.my_plain VALUES (1, 'retention');
UPDATE public.my_plain SET st = 'ineligible';
\echo :LAST_ERROR_SQLSTATE
UPDATE public.my_plain SET st = 'paused' RETURNING k, st;
\echo :LAST_ERROR_SQLSTATE

-- A partitioned table: its history names the table, not the partition
CREATE TABLE public.my_parts (k integer, st text NOT NULL, why text) PARTITION BY RANGE (k);
CREATE TABLE public.my_parts_1 PARTITION OF public.my_parts FOR VALUES FROM (0) TO (100);
CREATE TABLE public.my_parts_2 PARTITION OF public.my_parts FOR VALUES FROM (100) TO (200);
SELECT retention.enforce_stages('public.my_parts', 'st', 'k', 'why');
INSERT INTO public.my_parts VALUES (1, 'retention'), (101, 'retention');
UPDATE public.my_parts SET st = 'ineligible', why = 'gone' WHERE k = 101;
SELECT table_name, product_id, row_key, from_stage, to_stage, reason
  FROM retention.stage_history WHERE table_name = 'public.my_parts' ORDER BY id;
-- a table partitioned by its stage is refused: a move to another partition
-- would arrive there as a new row
CREATE TABLE public.my_staged (k integer, st text NOT NULL) PARTITION BY LIST (st);
SELECT retention.enforce_stages('public.my_staged', 'st', 'k');
\echo :LAST_ERROR_SQLSTATE

-- Bad arguments are refused when the triggers are attached ...
SELECT retention.enforce_stages('public.my_plain', 'nosuch', 'k');
\echo :LAST_ERROR_SQLSTATE
SELECT retention.enforce_stages('public.my_plain', 'st', 'nokey');
\echo :LAST_ERROR_SQLSTATE
SELECT retention.enforce_stages('public.my_plain', 'st', 'k', 'st', 'k');
\echo :LAST_ERROR_SQLSTATE
-- ... and by the trigger itself when it is created by hand
CREATE TRIGGER my_plain_bad AFTER INSERT ON public.my_plain
	FOR EACH ROW EXECUTE FUNCTION retention.stage_guard('st', 'nokey');
INSERT INTO public.my_plain VALUES (2, 'retention');
\echo :LAST_ERROR_SQLSTATE
DROP TRIGGER my_plain_bad ON public.my_plain;
CREATE TRIGGER my_plain_bad AFTER INSERT ON public.my_plain
	FOR EACH ROW EXECUTE FUNCTION retention.stage_guard();
INSERT INTO public.my_plain VALUES (2, 'retention');
\echo :LAST_ERROR_SQLSTATE
DROP TRIGGER my_plain_bad ON public.my_plain;
CREATE TRIGGER my_plain_bad AFTER INSERT ON public.my_plain
	FOR EACH ROW EXECUTE FUNCTION retention.stage_guard('st', 'k', '', '', 'extra');
INSERT INTO public.my_plain VALUES (2, 'retention');
\echo :LAST_ERROR_SQLSTATE
DROP TRIGGER my_plain_bad ON public.my_plain;
-- stage_guard fired BEFORE INSERT, per statement, on DELETE, or called directly
CREATE TRIGGER my_plain_bad BEFORE INSERT ON public.my_plain
	FOR EACH ROW EXECUTE FUNCTION retention.stage_guard('st', 'k');
INSERT INTO public.my_plain VALUES (2, 'retention');
\echo :LAST_ERROR_SQLSTATE
DROP TRIGGER my_plain_bad ON public.my_plain;
CREATE TRIGGER my_plain_bad AFTER INSERT ON public.my_plain
	FOR EACH STATEMENT EXECUTE FUNCTION retention.stage_guard('st', 'k');
INSERT INTO public.my_plain VALUES (2, 'retention');
\echo :LAST_ERROR_SQLSTATE
DROP TRIGGER my_plain_bad ON public.my_plain;
CREATE TRIGGER my_plain_bad BEFORE DELETE ON public.my_plain
	FOR EACH ROW EXECUTE FUNCTION retention.stage_guard('st', 'k');
DELETE FROM public.my_plain;
\echo :LAST_ERROR_SQLSTATE
DROP TRIGGER my_plain_bad ON public.my_plain;
SELECT retention.stage_guard();
\echo :LAST_ERROR_SQLSTATE
SELECT k, st FROM public.my_plain ORDER BY k;

-- The whole history, in order
SELECT id, table_name, product_id, row_key, from_stage, to_stage, reason
  FROM retention.stage_history ORDER BY id;

DROP VIEW public.lc_products;
DROP FUNCTION public.lc_sql_move(bigint, text, text), public.lc_plpgsql_move(bigint, text);
-- The reason belongs to the move that entered the stage: an UPDATE that does
-- not move the product leaves it as the history has it.
SELECT id, stage, stage_reason FROM retention.products WHERE id = 1;
UPDATE retention.products SET stage_reason = 'rewritten' WHERE id = 1
	RETURNING id, stage, stage_reason;
UPDATE retention.products SET stage = stage, stage_reason = 'rewritten again' WHERE id = 1
	RETURNING id, stage, stage_reason;

-- An explicit group that does not exist is left to the foreign key.
UPDATE retention.products SET group_id = 999999 WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE

-- A group that holds products keeps its kind.
UPDATE retention.groups
   SET kind = 'retention', rep_id = (SELECT min(r.id) FROM retention.reps r)
 WHERE id = (SELECT group_id FROM retention.products WHERE id = 1);
\echo :LAST_ERROR_SQLSTATE

DROP TABLE public.my_subscriptions, public.my_accounts, public.my_plain, public.my_parts,
	public.my_staged;
DROP EXTENSION retention;

