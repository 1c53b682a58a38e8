-- test/pgtap/lifecycle.sql: the lifecycle API contract.  Tables and columns,
-- function signatures, every refused move with its SQLSTATE, every allowed
-- one, and the history against a reference written out by hand.
\set ON_ERROR_STOP 1
\set QUIET 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
DROP TABLE IF EXISTS public.tap_subs;
DROP EXTENSION IF EXISTS retention CASCADE;
CREATE EXTENSION retention;

BEGIN;
SELECT plan(133);

------------------------------------------------------------------------------
-- Tables and columns
------------------------------------------------------------------------------
SELECT has_schema('retention');
SELECT has_table('retention', t, 'table retention.' || t || ' exists')
  FROM unnest(ARRAY['deals', 'products', 'reps', 'groups', 'transitions',
					'stage_history', 'stages']) AS t;
SELECT has_column('retention', 'deals', c, 'deals.' || c)
  FROM unnest(ARRAY['id', 'customer', 'name', 'amount', 'closed_on', 'owner', 'details']) AS c;
SELECT has_column('retention', 'products', c, 'products.' || c)
  FROM unnest(ARRAY['id', 'deal_id', 'product_type', 'stage', 'group_id',
					'stage_entered_at', 'created_at']) AS c;
SELECT has_column('retention', 'reps', c, 'reps.' || c)
  FROM unnest(ARRAY['id', 'name', 'email', 'role_name']) AS c;
SELECT has_column('retention', 'groups', c, 'groups.' || c)
  FROM unnest(ARRAY['id', 'name', 'kind', 'product_types', 'rep_id']) AS c;
SELECT has_column('retention', 'transitions', c, 'transitions.' || c)
  FROM unnest(ARRAY['from_stage', 'to_stage', 'reason_required']) AS c;
SELECT has_column('retention', 'stage_history', c, 'stage_history.' || c)
  FROM unnest(ARRAY['product_id', 'from_stage', 'to_stage', 'reason', 'changed_by', 'changed_at']) AS c;
SELECT col_type_is('retention', 'products', 'id', 'bigint', 'products.id is bigint');
SELECT col_type_is('retention', 'products', 'stage', 'text', 'products.stage is text');
SELECT col_type_is('retention', 'products', 'stage_entered_at', 'timestamp with time zone',
				   'products.stage_entered_at is timestamptz');
SELECT col_type_is('retention', 'groups', 'product_types', 'text[]', 'groups.product_types is text[]');
SELECT col_type_is('retention', 'deals', 'details', 'jsonb', 'deals.details is jsonb');
SELECT col_not_null('retention', 'products', 'deal_id', 'products.deal_id is not null');
SELECT col_default_is('retention', 'products', 'stage', 'onboarding', 'a new product starts in onboarding');
SELECT fk_ok('retention', 'products', 'deal_id', 'retention', 'deals', 'id');
SELECT fk_ok('retention', 'products', 'group_id', 'retention', 'groups', 'id');
SELECT has_view('retention', 'product_overview', 'view product_overview exists');

------------------------------------------------------------------------------
-- Functions and triggers
------------------------------------------------------------------------------
SELECT has_function('retention', 'move', ARRAY['bigint', 'text', 'text']);
SELECT has_function('retention', 'recycle', ARRAY['bigint', 'text']);
SELECT has_function('retention', 'make_ineligible', ARRAY['bigint', 'text']);
SELECT has_function('retention', 'original_deal', ARRAY['bigint']);
SELECT has_function('retention', 'next_stages', ARRAY['bigint']);
SELECT has_function('retention', 'enforce_stages', ARRAY['regclass', 'name', 'name', 'name', 'name']);
SELECT has_function('retention', 'my_group_ids', '{}'::name[]);
SELECT function_returns('retention', 'move', ARRAY['bigint', 'text', 'text'], 'retention.products');
SELECT function_returns('retention', 'original_deal', ARRAY['bigint'], 'retention.deals');
SELECT function_returns('retention', 'next_stages', ARRAY['bigint'], 'setof record');
SELECT function_returns('retention', 'my_group_ids', '{}'::name[], 'setof bigint');
SELECT volatility_is('retention', 'move', ARRAY['bigint', 'text', 'text'], 'volatile');
SELECT volatility_is('retention', 'original_deal', ARRAY['bigint'], 'stable');
SELECT volatility_is('retention', 'next_stages', ARRAY['bigint'], 'stable');
SELECT is_strict('retention', 'original_deal', ARRAY['bigint']);
SELECT isnt_definer('retention', 'my_group_ids', '{}'::name[],
					'my_group_ids runs as the caller, so CURRENT_USER is the rep');
SELECT isnt_definer('retention', 'move', ARRAY['bigint', 'text', 'text']);
SELECT trigger_is('retention', 'products', 'products_stage_guard', 'retention', 'stage_guard');
SELECT trigger_is('retention', 'products', 'products_stage_history', 'retention', 'stage_guard');
SELECT trigger_is('retention', 'products', 'products_stage_placement', 'retention', 'place_in_group');
SELECT trigger_is('retention', 'products', 'products_deal_is_permanent', 'retention', 'deal_is_permanent');
SELECT trigger_is('retention', 'stage_history', 'stage_history_append_only', 'retention', 'append_only');
SELECT trigger_is('retention', 'stage_history', 'stage_history_no_truncate', 'retention', 'append_only');
SELECT trigger_is('retention', 'transitions', 'transitions_builtin', 'retention', 'builtin_row_guard');
SELECT trigger_is('retention', 'transitions', 'transitions_changed', 'retention', 'config_changed');
SELECT trigger_is('retention', 'groups', 'groups_changed', 'retention', 'config_changed');

------------------------------------------------------------------------------
-- Data
------------------------------------------------------------------------------
INSERT INTO retention.reps (name, role_name) VALUES ('Rita', 'tap_rita');
INSERT INTO retention.groups (name, kind, product_types, rep_id) VALUES
	('onb', 'onboarding', '{crm}', NULL),		-- 1
	('ret', 'retention', '{crm}', 1),			-- 2
	('onb-dup-1', 'onboarding', '{dup}', NULL),	-- 3
	('onb-dup-2', 'onboarding', '{dup}', NULL);	-- 4
INSERT INTO retention.deals (customer, name, closed_on, details)
	VALUES ('Acme', 'Acme CRM', '2024-01-01', '{"sla": "gold"}');

------------------------------------------------------------------------------
-- Allowed and refused entries
------------------------------------------------------------------------------
SELECT lives_ok($$INSERT INTO retention.products (id, deal_id, product_type) VALUES (1, 1, 'crm')$$,
				'a new product enters onboarding');
SELECT lives_ok($$INSERT INTO retention.products (id, deal_id, product_type, stage) VALUES (2, 1, 'crm', 'retention')$$,
				'a new product may enter retention directly');
SELECT throws_ok($$INSERT INTO retention.products (id, deal_id, product_type, stage) VALUES (3, 1, 'crm', 'ineligible')$$,
				 'RT001', 'product 3 cannot enter the lifecycle in stage "ineligible"',
				 'no product enters ineligible');
SELECT throws_ok($$COPY retention.products (id, deal_id, product_type, stage) FROM PROGRAM 'printf "3\t1\tcrm\tineligible\n"'$$,
				 'RT001', NULL, 'nor through COPY');
SELECT throws_ok($$INSERT INTO retention.products (id, deal_id, product_type) VALUES (3, 1, 'hr')$$,
				 'RT003', 'no onboarding group takes product type "hr"',
				 'a product type no group takes');
SELECT throws_ok($$INSERT INTO retention.products (id, deal_id, product_type) VALUES (3, 1, 'dup')$$,
				 'RT003', 'product type "dup" matches 2 onboarding groups',
				 'a product type two groups take');
SELECT throws_ok($$INSERT INTO retention.products (id, deal_id, product_type, group_id) VALUES (3, 1, 'crm', 2)$$,
				 'RT003', 'group "ret" is not of kind "onboarding"',
				 'an explicit group of the wrong kind');
SELECT lives_ok($$INSERT INTO retention.products (id, deal_id, product_type, group_id) VALUES (3, 1, 'dup', 4)$$,
				'an explicit group of the right kind');
SELECT results_eq('SELECT id, stage, group_id FROM retention.products ORDER BY id',
				  $$VALUES (1::bigint, 'onboarding'::text, 1::bigint),
						   (2, 'retention', 2), (3, 'onboarding', 4)$$,
				  'products placed by type, or where the statement said');

------------------------------------------------------------------------------
-- Allowed and refused moves
------------------------------------------------------------------------------
SELECT lives_ok($$UPDATE retention.products SET stage = 'retention' WHERE id = 1$$,
				'onboarding -> retention');
SELECT throws_ok($$UPDATE retention.products SET stage = 'onboarding' WHERE id = 1$$,
				 'RT002', 'moving product 1 from stage "retention" to stage "onboarding" requires a reason',
				 'recycling needs a reason');
SELECT throws_ok($$UPDATE retention.products SET stage = 'onboarding', stage_reason = ' ' WHERE id = 1$$,
				 'RT002', NULL, 'a blank reason is no reason');
SELECT throws_ok($$UPDATE retention.products SET stage = 'ineligible' WHERE id = 2$$,
				 'RT002', NULL, 'a stale reason is no reason');
SELECT lives_ok($$UPDATE retention.products SET stage = 'onboarding', stage_reason = 'retrain' WHERE id = 1$$,
				'retention -> onboarding with a reason');
SELECT throws_ok($$UPDATE retention.products SET stage = 'ineligible', stage_reason = 'x' WHERE id = 1$$,
				 'RT001', 'product 1 cannot move from stage "onboarding" to stage "ineligible"',
				 'onboarding -> ineligible is illegal');
SELECT lives_ok($$SELECT retention.move(1, 'retention')$$, 'move() onboarding -> retention');
SELECT throws_ok($$SELECT retention.make_ineligible(1, '')$$, 'RT002', NULL,
				 'make_ineligible() needs a reason');
SELECT lives_ok($$SELECT retention.make_ineligible(1, 'churned')$$, 'make_ineligible() with a reason');
SELECT throws_ok($$SELECT retention.recycle(1, 'too late')$$, 'RT001', NULL,
				 'ineligible -> onboarding is illegal');
SELECT throws_ok($$UPDATE retention.products SET stage = 'retention', stage_reason = 'x' WHERE id = 1$$,
				 'RT001', NULL, 'ineligible -> retention is illegal');
SELECT throws_ok($$SELECT retention.move(99, 'retention')$$, 'P0002', 'product 99 does not exist',
				 'move() of a product that does not exist');
-- product 4 ("solo") has no onboarding group: an illegal move back to
-- onboarding is still reported as illegal, not as a missing group
SELECT lives_ok($$INSERT INTO retention.products (id, deal_id, product_type, stage, group_id)
				  VALUES (4, 1, 'solo', 'retention', 2)$$, 'an explicit retention group');
SELECT lives_ok($$SELECT retention.make_ineligible(4, 'pilot ended')$$, 'solo product out');
SELECT throws_ok($$SELECT retention.recycle(4, 'back')$$, 'RT001', NULL,
				 'the move is checked before the product is placed');
SELECT lives_ok($$INSERT INTO retention.products AS p (id, deal_id, product_type, stage, stage_reason)
				  VALUES (2, 1, 'crm', 'onboarding', 'upsert retrain')
				  ON CONFLICT (id) DO UPDATE SET stage = EXCLUDED.stage, stage_reason = EXCLUDED.stage_reason$$,
				'ON CONFLICT DO UPDATE: retention -> onboarding with a reason');
SELECT throws_ok($$INSERT INTO retention.products AS p (id, deal_id, product_type, stage)
				  VALUES (2, 1, 'crm', 'ineligible')
				  ON CONFLICT (id) DO UPDATE SET stage = EXCLUDED.stage$$,
				 'RT001', NULL, 'ON CONFLICT DO UPDATE: onboarding -> ineligible');
SELECT lives_ok($$UPDATE retention.products SET stage = stage$$, 'setting the current stage again');
SELECT throws_ok($$UPDATE retention.products SET deal_id = 2 WHERE id = 1$$,
				 'RT004', 'cannot change the deal of product 1', 'the deal is permanent');
SELECT throws_ok($$UPDATE retention.stage_history SET reason = 'x'$$, 'RT004', NULL,
				 'history rows cannot be updated');
SELECT throws_ok($$DELETE FROM retention.stage_history$$, 'RT004', NULL,
				 'history rows cannot be deleted');
SELECT throws_ok($$TRUNCATE retention.stage_history$$, 'RT004', NULL,
				 'the history cannot be truncated');
SAVEPOINT built_in;
SELECT lives_ok($$DELETE FROM retention.transitions WHERE from_stage = 'retention' AND to_stage = 'ineligible'$$,
				'a built-in rule may be deleted');
SELECT results_eq($$SELECT table_name, key FROM retention.config_deletions$$,
				  $$VALUES ('transitions', '{"from_stage": "retention", "to_stage": "ineligible"}'::jsonb)$$,
				  'and its deletion is recorded for restores');
ROLLBACK TO SAVEPOINT built_in;
SELECT throws_ok($$DELETE FROM retention.stages WHERE name = 'onboarding'$$, '23503', NULL,
				 'a stage in use cannot be deleted');

-- The history, against a reference written out by hand
SELECT results_eq(
	$$SELECT product_id, from_stage, to_stage, reason FROM retention.stage_history ORDER BY id$$,
	$$VALUES (1::bigint, NULL::text, 'onboarding'::text, NULL::text),
			 (2, NULL, 'retention', NULL),
			 (3, NULL, 'onboarding', NULL),
			 (1, 'onboarding', 'retention', NULL),
			 (1, 'retention', 'onboarding', 'retrain'),
			 (1, 'onboarding', 'retention', NULL),
			 (1, 'retention', 'ineligible', 'churned'),
			 (4, NULL, 'retention', NULL),
			 (4, 'retention', 'ineligible', 'pilot ended'),
			 (2, 'retention', 'onboarding', 'upsert retrain')$$,
	'the history holds every move and nothing else');
SELECT results_eq(
	$$SELECT id, stage FROM retention.products ORDER BY id$$,
	$$SELECT DISTINCT ON (product_id) product_id, to_stage FROM retention.stage_history
	   ORDER BY product_id, id DESC$$,
	'each product is in the stage its last history row says');
SELECT results_eq(
	$$SELECT count(*) FROM retention.stage_history
	   WHERE changed_by <> session_user OR acting_role <> current_user
		  OR table_name <> 'retention.products' OR product_id::text <> row_key$$,
	ARRAY[0::bigint], 'who and where are recorded');

------------------------------------------------------------------------------
-- Rules are data
------------------------------------------------------------------------------
SELECT lives_ok($$INSERT INTO retention.transitions (from_stage, to_stage, reason_required)
				  VALUES ('ineligible', 'retention', true)$$, 'an administrator adds reactivation');
SELECT results_eq($$SELECT * FROM retention.next_stages(1)$$,
				  $$SELECT t.to_stage, t.reason_required FROM retention.transitions t
					 WHERE t.from_stage = 'ineligible' ORDER BY t.to_stage$$,
				  'next_stages() agrees with the rules table');
SELECT throws_ok($$UPDATE retention.products SET stage = 'retention' WHERE id = 1$$,
				 'RT002', NULL, 'the new rule asks for a reason');
SELECT lives_ok($$SELECT retention.move(1, 'retention', 'won back')$$,
				'the new rule is in force in the next statement');
SELECT lives_ok($$DELETE FROM retention.transitions WHERE from_stage = 'ineligible'$$,
				'a user''s rule can be deleted');
SELECT lives_ok($$UPDATE retention.transitions SET reason_required = true
				   WHERE from_stage = 'onboarding' AND to_stage = 'retention'$$,
				'a built-in rule can be changed');
SELECT results_eq($$SELECT builtin FROM retention.transitions
					 WHERE from_stage = 'onboarding' AND to_stage = 'retention'$$,
				  ARRAY[false], 'a changed built-in rule is the user''s');
SELECT throws_ok($$UPDATE retention.products SET stage = 'retention' WHERE id = 3$$,
				 'RT002', NULL, 'the changed rule is in force');
SELECT throws_ok($$INSERT INTO retention.stages (name) VALUES ('Not A Name')$$, '23514', NULL,
				 'stage names are lower-case identifiers');

------------------------------------------------------------------------------
-- original_deal, product_overview
------------------------------------------------------------------------------
SELECT results_eq($$SELECT id, customer, details->>'sla' FROM retention.original_deal(2)$$,
				  $$VALUES (1::bigint, 'Acme'::text, 'gold'::text)$$, 'original_deal()');
SELECT results_eq($$SELECT product_id, stage, group_name, deal_id FROM retention.product_overview ORDER BY 1$$,
				  $$SELECT p.id, p.stage::varchar, g.name, p.deal_id FROM retention.products p
					  JOIN retention.groups g ON g.id = p.group_id ORDER BY 1$$,
				  'product_overview agrees with the tables');

------------------------------------------------------------------------------
-- The generic trigger on a table of the user's own
------------------------------------------------------------------------------
CREATE TABLE public.tap_subs (k text PRIMARY KEY, st text NOT NULL, why text, since timestamptz);
SELECT lives_ok($$SELECT retention.enforce_stages('public.tap_subs', 'st', 'k', 'why', 'since')$$,
				'enforce_stages() attaches the triggers');
SELECT throws_ok($$SELECT retention.enforce_stages('public.tap_subs', 'nope', 'k')$$, '42703', NULL,
				 'enforce_stages() checks the columns');
SELECT throws_ok($$SELECT retention.enforce_stages('public.tap_subs', 'st', 'k', 'why', 'why')$$, '42804', NULL,
				 'enforce_stages() checks the type of the entered-at column');
SELECT lives_ok($$INSERT INTO public.tap_subs (k, st) VALUES ('a', 'retention')$$, 'a row enters retention');
SELECT throws_ok($$INSERT INTO public.tap_subs (k, st) VALUES ('b', 'ineligible')$$, 'RT001', NULL,
				 'a row cannot enter ineligible');
SELECT throws_ok($$UPDATE public.tap_subs SET st = 'ineligible'$$, 'RT002', NULL,
				 'the user''s table needs a reason too');
SELECT lives_ok($$UPDATE public.tap_subs SET st = 'ineligible', why = 'gone'$$, 'a legal move on it');
SELECT results_eq($$SELECT table_name, product_id, row_key, from_stage, to_stage, reason
					  FROM retention.stage_history WHERE table_name = 'public.tap_subs' ORDER BY id$$,
				  $$VALUES ('public.tap_subs'::text, NULL::bigint, 'a'::text, NULL::text, 'retention'::text, NULL::text),
						   ('public.tap_subs', NULL, 'a', 'retention', 'ineligible', 'gone')$$,
				  'its history, keyed by text');
CREATE TRIGGER tap_bad BEFORE INSERT ON public.tap_subs
	FOR EACH ROW EXECUTE FUNCTION retention.stage_guard('st', 'k');
SELECT throws_ok($$INSERT INTO public.tap_subs (k, st) VALUES ('c', 'retention')$$, '39P01', NULL,
				 'stage_guard refuses to run BEFORE INSERT');

SELECT * FROM finish();
ROLLBACK;

DROP EXTENSION retention;
