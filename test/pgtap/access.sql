-- test/pgtap/access.sql: the access contract.  Privileges and policies of the
-- extension's roles, and what each role can and cannot do, with the
-- SQLSTATE of every refusal.
\set ON_ERROR_STOP 1
\set QUIET 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
DROP EXTENSION IF EXISTS retention CASCADE;
CREATE EXTENSION retention;

BEGIN;
SELECT plan(79);

-- pgTAP keeps its state in temporary tables; let the roles below write it
GRANT ALL ON ALL TABLES IN SCHEMA pg_temp TO PUBLIC;
GRANT ALL ON ALL SEQUENCES IN SCHEMA pg_temp TO PUBLIC;

-- Login roles exist only in this transaction
CREATE ROLE tap_alice IN ROLE retention_rep;
CREATE ROLE tap_bob IN ROLE retention_rep;
CREATE ROLE tap_ana IN ROLE retention_analyst;
CREATE ROLE tap_admin IN ROLE retention_admin;

------------------------------------------------------------------------------
-- Roles, grants and policies
------------------------------------------------------------------------------
SELECT has_role(r) FROM unnest(ARRAY['retention_admin', 'retention_rep', 'retention_analyst']) AS r;
SELECT schema_privs_are('retention', 'public', ARRAY['USAGE']);

SELECT table_privs_are('retention', 'products', 'retention_rep', ARRAY['SELECT']);
SELECT column_privs_are('retention', 'products', 'stage', 'retention_rep', ARRAY['SELECT', 'UPDATE']);
SELECT column_privs_are('retention', 'products', 'stage_reason', 'retention_rep', ARRAY['SELECT', 'UPDATE']);
SELECT column_privs_are('retention', 'products', 'group_id', 'retention_rep', ARRAY['SELECT']);
SELECT column_privs_are('retention', 'products', 'deal_id', 'retention_rep', ARRAY['SELECT']);
SELECT table_privs_are('retention', t, 'retention_rep', ARRAY['SELECT'])
  FROM unnest(ARRAY['deals', 'stage_history', 'stages', 'transitions', 'groups', 'reps']) AS t;
SELECT table_privs_are('retention', t, 'retention_analyst', ARRAY['SELECT'])
  FROM unnest(ARRAY['products', 'deals', 'stage_history', 'stages', 'transitions', 'groups', 'reps']) AS t;
SELECT table_privs_are('retention', t, 'retention_admin', ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE'])
  FROM unnest(ARRAY['products', 'deals', 'stages', 'transitions', 'groups', 'reps']) AS t;
SELECT table_privs_are('retention', 'stage_history', 'retention_admin', ARRAY['SELECT']);
SELECT table_privs_are('retention', 'products', 'public', '{}'::text[]);
SELECT table_privs_are('retention', 'stage_history', 'public', '{}'::text[]);

SELECT policies_are('retention', 'products',
					ARRAY['products_admin', 'products_analyst', 'products_rep_read', 'products_rep_update']);
SELECT policies_are('retention', 'deals', ARRAY['deals_admin', 'deals_analyst', 'deals_rep_read']);
SELECT policies_are('retention', 'stage_history',
					ARRAY['stage_history_admin', 'stage_history_analyst', 'stage_history_rep_read']);
SELECT policy_roles_are('retention', 'products', 'products_rep_read', ARRAY['retention_rep']);
SELECT policy_roles_are('retention', 'products', 'products_rep_update', ARRAY['retention_rep']);
SELECT policy_roles_are('retention', 'products', 'products_analyst', ARRAY['retention_analyst']);
SELECT policy_roles_are('retention', 'products', 'products_admin', ARRAY['retention_admin']);
SELECT policy_cmd_is('retention', 'products', 'products_rep_read', 'select', 'products_rep_read is for SELECT');
SELECT policy_cmd_is('retention', 'products', 'products_rep_update', 'update', 'products_rep_update is for UPDATE');
SELECT policy_cmd_is('retention', 'products', 'products_analyst', 'select', 'products_analyst is for SELECT');
SELECT policy_cmd_is('retention', 'products', 'products_admin', 'all', 'products_admin is for ALL');
SELECT results_eq($$SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class
					 WHERE relnamespace = 'retention'::regnamespace
					   AND relname IN ('products', 'deals', 'stage_history') ORDER BY relname$$,
				  $$VALUES ('deals'::name, true, true), ('products', true, true), ('stage_history', true, true)$$,
				  'row-level security is on, and forced, where the data is');
SELECT is((SELECT reloptions FROM pg_class WHERE oid = 'retention.product_overview'::regclass),
		  ARRAY['security_invoker=true'], 'product_overview runs with the reader''s rights');

------------------------------------------------------------------------------
-- Data: Alice onboards crm and bi, keeps crm; Bob keeps erp and bi
------------------------------------------------------------------------------
INSERT INTO retention.reps (name, role_name) VALUES ('Alice', 'tap_alice'), ('Bob', 'tap_bob');
INSERT INTO retention.groups (name, kind, product_types, rep_id) VALUES
	('onb-alice', 'onboarding', '{crm,bi}', 1),	-- 1
	('ret-alice', 'retention', '{crm}', 1),		-- 2
	('ret-bob', 'retention', '{erp,bi}', 2);	-- 3
INSERT INTO retention.deals (id, customer, name, closed_on) VALUES
	(1, 'Acme', 'Acme CRM', '2024-01-01'), (2, 'Globex', 'Globex ERP', '2024-02-01');
INSERT INTO retention.products (id, deal_id, product_type, stage) VALUES
	(1, 1, 'crm', 'onboarding'),	-- onb-alice
	(2, 1, 'crm', 'retention'),		-- ret-alice
	(3, 2, 'erp', 'retention'),		-- ret-bob
	(4, 2, 'bi', 'onboarding');		-- onb-alice, goes to ret-bob in retention

------------------------------------------------------------------------------
-- A rep
------------------------------------------------------------------------------
SET LOCAL ROLE tap_alice;
SELECT results_eq('SELECT * FROM retention.my_group_ids() ORDER BY 1', ARRAY[1::bigint, 2],
				  'my_group_ids() for Alice');
SELECT results_eq('SELECT id FROM retention.products ORDER BY id', ARRAY[1::bigint, 2, 4],
				  'Alice sees the products of her groups');
SELECT results_eq('SELECT id FROM retention.deals ORDER BY id', ARRAY[1::bigint, 2],
				  'and their deals');
SELECT results_eq('SELECT DISTINCT product_id FROM retention.stage_history ORDER BY 1', ARRAY[1::bigint, 2, 4],
				  'and their history');
SELECT results_eq('SELECT product_id FROM retention.product_overview ORDER BY 1', ARRAY[1::bigint, 2, 4],
				  'and product_overview shows the same');
SELECT is_empty('SELECT * FROM retention.next_stages(3)', 'next_stages() of Bob''s product shows nothing');
SELECT ok(retention.original_deal(3) IS NULL, 'original_deal() of Bob''s product is null');
SELECT results_eq($$WITH u AS (UPDATE retention.products SET stage = 'onboarding', stage_reason = 'x'
							   WHERE id = 3 RETURNING id) SELECT count(*) FROM u$$,
				  ARRAY[0::bigint], 'an UPDATE of Bob''s product changes nothing');
SELECT throws_ok($$SELECT retention.recycle(3, 'x')$$, 'P0002', 'product 3 does not exist',
				 'move() cannot reach Bob''s product');
SELECT throws_ok($$DELETE FROM retention.products WHERE id = 1$$, '42501', NULL, 'reps cannot delete');
SELECT throws_ok($$INSERT INTO retention.products (deal_id, product_type) VALUES (1, 'crm')$$,
				 '42501', NULL, 'reps cannot insert products');
SELECT throws_ok($$UPDATE retention.products SET group_id = 2 WHERE id = 1$$, '42501', NULL,
				 'reps cannot set group_id');
SELECT throws_ok($$UPDATE retention.products SET deal_id = 2 WHERE id = 1$$, '42501', NULL,
				 'reps cannot set deal_id');
SELECT throws_ok($$INSERT INTO retention.stage_history (table_name, to_stage) VALUES ('retention.products', 'x')$$,
				 '42501', NULL, 'reps cannot write the history');
SELECT throws_ok($$INSERT INTO retention.transitions (from_stage, to_stage) VALUES ('ineligible', 'retention')$$,
				 '42501', NULL, 'reps cannot write rules');
SELECT throws_ok($$UPDATE retention.products SET stage = 'ineligible', stage_reason = 'x' WHERE id = 1$$,
				 'RT001', NULL, 'a rep''s illegal move is refused');
SELECT lives_ok($$SELECT retention.move(1, 'retention')$$, 'a rep moves her own product');
SELECT lives_ok($$UPDATE retention.products SET stage = 'retention' WHERE id = 4$$,
				'a rep hands a product over to another rep''s group');
RESET ROLE;
SELECT results_eq('SELECT id, group_id FROM retention.products ORDER BY id',
				  $$VALUES (1::bigint, 2::bigint), (2, 2), (3, 3), (4, 3)$$,
				  'the products are where the moves put them');
SELECT results_eq($$SELECT product_id, from_stage, to_stage, acting_role FROM retention.stage_history
					 WHERE from_stage IS NOT NULL ORDER BY id$$,
				  $$VALUES (1::bigint, 'onboarding'::text, 'retention'::text, 'tap_alice'::text),
						   (4, 'onboarding', 'retention', 'tap_alice')$$,
				  'the history names the rep who moved them');
SET LOCAL ROLE tap_bob;
SELECT results_eq('SELECT id FROM retention.products ORDER BY id', ARRAY[3::bigint, 4],
				  'Bob sees his products, the handed-over one included');
SELECT lives_ok($$SELECT retention.make_ineligible(4, 'pilot ended')$$, 'and can move it');
RESET ROLE;

------------------------------------------------------------------------------
-- An analyst
------------------------------------------------------------------------------
SET LOCAL ROLE tap_ana;
SELECT results_eq('SELECT id FROM retention.products ORDER BY id', ARRAY[1::bigint, 2, 3, 4],
				  'the analyst sees every product');
SELECT results_eq('SELECT count(*) FROM retention.stage_history', ARRAY[7::bigint],
				  'and the whole history');
SELECT throws_ok($$UPDATE retention.products SET stage = 'onboarding', stage_reason = 'x' WHERE id = 2$$,
				 '42501', NULL, 'the analyst cannot update');
SELECT throws_ok($$SELECT retention.move(2, 'onboarding', 'x')$$, '42501', NULL,
				 'nor move through move()');
SELECT throws_ok($$INSERT INTO retention.products (deal_id, product_type) VALUES (1, 'crm')$$,
				 '42501', NULL, 'nor insert');
SELECT throws_ok($$DELETE FROM retention.deals$$, '42501', NULL, 'nor delete');
SELECT throws_ok($$INSERT INTO retention.groups (name, kind) VALUES ('g', 'onboarding')$$,
				 '42501', NULL, 'nor configure');
RESET ROLE;

------------------------------------------------------------------------------
-- An administrator
------------------------------------------------------------------------------
SET LOCAL ROLE tap_admin;
SELECT lives_ok($$INSERT INTO retention.transitions (from_stage, to_stage, reason_required)
				  VALUES ('ineligible', 'retention', true)$$, 'the administrator adds a rule');
SELECT lives_ok($$INSERT INTO retention.groups (name, kind, product_types) VALUES ('onb-erp', 'onboarding', '{erp}')$$,
				'and a group');
SELECT lives_ok($$SELECT retention.move(4, 'retention', 'pilot extended')$$,
				'the rule is in force at once');
SAVEPOINT built_in;
SELECT lives_ok($$DELETE FROM retention.transitions WHERE from_stage = 'retention' AND to_stage = 'ineligible'$$,
				'the administrator may delete a built-in rule');
ROLLBACK TO SAVEPOINT built_in;
SELECT throws_ok($$UPDATE retention.products SET deal_id = 1 WHERE id = 3$$, 'RT004', NULL,
				 'nor change a product''s deal');
SELECT throws_ok($$DELETE FROM retention.stage_history$$, '42501', NULL,
				 'nor touch the history');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;

DROP EXTENSION retention;
