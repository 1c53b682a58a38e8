-- access: what each role may see and do.  Reps see and move only the
-- products of their own groups; analysts read everything and change nothing;
-- administrators configure.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS retention CASCADE;
DO $$
DECLARE
	r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['rt_alice', 'rt_bob', 'rt_ana', 'rt_admin', 'rt_nobody'] LOOP
		IF EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
			EXECUTE format('DROP OWNED BY %I', r);
			EXECUTE format('DROP ROLE %I', r);
		END IF;
	END LOOP;
END
$$;
RESET client_min_messages;
CREATE EXTENSION retention;
\set SHOW_CONTEXT never

CREATE ROLE rt_alice LOGIN IN ROLE retention_rep;
CREATE ROLE rt_bob LOGIN IN ROLE retention_rep;
CREATE ROLE rt_ana LOGIN IN ROLE retention_analyst;
CREATE ROLE rt_admin LOGIN IN ROLE retention_admin;
CREATE ROLE rt_nobody LOGIN;

-- Alice onboards CRM and BI products and keeps CRM customers; Bob onboards
-- ERP products and keeps ERP and BI customers.
INSERT INTO retention.reps (name, role_name) VALUES ('Alice', 'rt_alice'), ('Bob', 'rt_bob');
INSERT INTO retention.groups (name, kind, product_types, rep_id) VALUES
	('onb-alice', 'onboarding', '{crm}', 1),	-- 1
	('ret-alice', 'retention', '{crm}', 1),		-- 2
	('onb-bob', 'onboarding', '{erp}', 2),		-- 3
	('ret-bob', 'retention', '{erp,bi}', 2),	-- 4
	('onb-bi', 'onboarding', '{bi}', 1);		-- 5
INSERT INTO retention.deals (customer, name, amount, closed_on) VALUES
	('Acme', 'Acme CRM', 1000, '2024-01-01'),	-- 1
	('Globex', 'Globex ERP', 2000, '2024-02-01'), -- 2
	('Initech', 'Initech BI', 3000, '2024-03-01'); -- 3
INSERT INTO retention.products (deal_id, product_type, stage) VALUES
	(1, 'crm', 'onboarding'),	-- 1: onb-alice
	(1, 'crm', 'retention'),	-- 2: ret-alice
	(2, 'erp', 'onboarding'),	-- 3: onb-bob
	(2, 'erp', 'retention'),	-- 4: ret-bob
	(3, 'bi', 'onboarding'),	-- 5: onb-bi (Alice's)
	(3, 'bi', 'onboarding');	-- 6: onb-bi (Alice's)
SELECT id, deal_id, stage, group_id FROM retention.products ORDER BY id;

------------------------------------------------------------------------------
-- Alice, a rep
------------------------------------------------------------------------------
SET ROLE rt_alice;
SELECT * FROM retention.my_group_ids() ORDER BY 1;
-- her groups' products, their deals and their history; nothing of Bob's
SELECT id, stage, group_id FROM retention.products ORDER BY id;
SELECT id, customer FROM retention.deals ORDER BY id;
SELECT product_id, from_stage, to_stage FROM retention.stage_history ORDER BY id;
SELECT product_id, customer, stage, group_name, rep FROM retention.product_overview ORDER BY product_id;
SELECT id, customer FROM retention.original_deal(1);
SELECT retention.original_deal(3) IS NULL AS bobs_deal_hidden;
SELECT * FROM retention.next_stages(3);
-- she reads the configuration
SELECT count(*) AS groups FROM retention.groups;
SELECT count(*) AS rules FROM retention.transitions;
-- Bob's products cannot be changed, nor moved
UPDATE retention.products SET stage = 'retention' WHERE id = 3 RETURNING id;
SELECT id FROM retention.move(3, 'retention');
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM retention.recycle(4, 'retrain');
\echo :LAST_ERROR_SQLSTATE
-- nothing can be deleted or inserted
DELETE FROM retention.products WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
INSERT INTO retention.products (deal_id, product_type) VALUES (1, 'crm');
\echo :LAST_ERROR_SQLSTATE
\copy retention.products (deal_id, product_type) FROM '/dev/null'
\echo :LAST_ERROR_SQLSTATE
TRUNCATE retention.products;
\echo :LAST_ERROR_SQLSTATE
-- only stage and stage_reason can be updated
UPDATE retention.products SET group_id = 2 WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.products SET deal_id = 2 WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.products SET stage_entered_at = now() WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
-- the history and the configuration are out of reach
INSERT INTO retention.stage_history (table_name, product_id, to_stage)
	VALUES ('retention.products', 1, 'retention');
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.stage_history SET reason = 'x';
\echo :LAST_ERROR_SQLSTATE
DELETE FROM retention.stage_history;
\echo :LAST_ERROR_SQLSTATE
INSERT INTO retention.transitions (from_stage, to_stage) VALUES ('ineligible', 'retention');
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.transitions SET reason_required = false;
\echo :LAST_ERROR_SQLSTATE
INSERT INTO retention.groups (name, kind) VALUES ('mine', 'onboarding');
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.reps SET role_name = 'rt_alice' WHERE id = 2;
\echo :LAST_ERROR_SQLSTATE
-- her own moves follow the rules like anyone's
UPDATE retention.products SET stage = 'ineligible' WHERE id = 2;
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.products SET stage = 'ineligible', stage_reason = 'x' WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
-- a move within her own groups: product 1 goes to ret-alice
SELECT id, stage, group_id FROM retention.move(1, 'retention');
-- a move that hands a product to Bob: product 5 (bi) goes to ret-bob.  It is
-- allowed, and the product stays in sight until the end of the transaction
BEGIN;
UPDATE retention.products SET stage = 'retention' WHERE id = 5 RETURNING id, stage, group_id;
SELECT id, stage, group_id FROM retention.products ORDER BY id;
COMMIT;
-- after that it is Bob's alone
SELECT id, stage, group_id FROM retention.products ORDER BY id;
SELECT product_id, from_stage, to_stage FROM retention.stage_history ORDER BY id;
UPDATE retention.products SET stage = 'onboarding', stage_reason = 'take it back' WHERE id = 5
	RETURNING id;
-- the same through retention.move, which returns the moved row
SELECT id, stage, group_id FROM retention.move(6, 'retention');
SELECT id FROM retention.products WHERE id = 6;
-- and a recycle within her own groups
SELECT id, stage, group_id FROM retention.recycle(2, 'retrain the new admins');
RESET ROLE;

-- Who moved what: the acting role is recorded
SELECT product_id, from_stage, to_stage, reason,
	   CASE WHEN acting_role = session_user THEN '(superuser)' ELSE acting_role END AS acting_role,
	   changed_by = session_user AS by_session_user
  FROM retention.stage_history ORDER BY id;

------------------------------------------------------------------------------
-- Bob, a rep
------------------------------------------------------------------------------
SET ROLE rt_bob;
SELECT * FROM retention.my_group_ids() ORDER BY 1;
SELECT id, stage, group_id FROM retention.products ORDER BY id;
SELECT id, customer FROM retention.deals ORDER BY id;
SELECT product_id, from_stage, to_stage FROM retention.stage_history ORDER BY id;
SELECT retention.original_deal(1) IS NULL AS alices_deal_hidden;
UPDATE retention.products SET stage = 'onboarding', stage_reason = 'x' WHERE id = 1 RETURNING id;
-- the product Alice handed over is his to move now
SELECT id, stage, group_id FROM retention.make_ineligible(5, 'pilot not extended');
RESET ROLE;

------------------------------------------------------------------------------
-- Ana, an analyst: reads everything, changes nothing
------------------------------------------------------------------------------
SET ROLE rt_ana;
SELECT * FROM retention.my_group_ids() ORDER BY 1;
SELECT id, stage, group_id FROM retention.products ORDER BY id;
SELECT id, customer FROM retention.deals ORDER BY id;
SELECT count(*) AS history_rows FROM retention.stage_history;
SELECT product_id, customer, stage, group_name, rep FROM retention.product_overview ORDER BY product_id;
UPDATE retention.products SET stage = 'retention' WHERE id = 3;
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM retention.move(3, 'retention');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO retention.products (deal_id, product_type) VALUES (1, 'crm');
\echo :LAST_ERROR_SQLSTATE
DELETE FROM retention.products;
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.deals SET amount = 0;
\echo :LAST_ERROR_SQLSTATE
INSERT INTO retention.stage_history (table_name, product_id, to_stage)
	VALUES ('retention.products', 1, 'retention');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO retention.transitions (from_stage, to_stage) VALUES ('ineligible', 'retention');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO retention.groups (name, kind) VALUES ('ana', 'onboarding');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

------------------------------------------------------------------------------
-- An administrator configures
------------------------------------------------------------------------------
SET ROLE rt_admin;
SELECT count(*) AS products FROM retention.products;
INSERT INTO retention.transitions (from_stage, to_stage, reason_required)
	VALUES ('ineligible', 'retention', true);
INSERT INTO retention.reps (name, role_name) VALUES ('Carl', 'rt_carl') RETURNING id;
INSERT INTO retention.groups (name, kind, product_types, rep_id)
	VALUES ('ret-hr', 'retention', '{hr}', 3) RETURNING id;
INSERT INTO retention.deals (customer, name, amount, closed_on)
	VALUES ('Hooli', 'Hooli HR', 500, '2024-04-01') RETURNING id;
INSERT INTO retention.products (deal_id, product_type, stage) VALUES (4, 'hr', 'retention')
	RETURNING id, stage, group_id;
-- the new group takes the new product: Carl's, and nobody else's
SET ROLE rt_bob;
SELECT id FROM retention.products WHERE id = 7;
SET ROLE rt_admin;
-- the rule added above is in force for the next statement
SELECT id, stage, group_id FROM retention.move(5, 'retention', 'pilot extended after all');
UPDATE retention.products SET group_id = 5, mrr = 10 WHERE id = 2 RETURNING id, stage, group_id, mrr;
UPDATE retention.products SET deal_id = 2 WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM retention.transitions WHERE from_stage = 'ineligible' AND to_stage = 'retention';
-- the administrator may delete a built-in rule (here undone)
BEGIN;
DELETE FROM retention.transitions WHERE from_stage = 'retention' AND to_stage = 'ineligible';
SELECT table_name, key FROM retention.config_deletions;
ROLLBACK;
INSERT INTO retention.stage_history (table_name, product_id, to_stage)
	VALUES ('retention.products', 1, 'retention');
\echo :LAST_ERROR_SQLSTATE
DELETE FROM retention.stage_history;
\echo :LAST_ERROR_SQLSTATE
SELECT product_id, from_stage, to_stage, reason, acting_role
  FROM retention.stage_history WHERE acting_role = 'rt_admin' ORDER BY id;
RESET ROLE;

------------------------------------------------------------------------------
-- A role with none of the extension's roles sees nothing
------------------------------------------------------------------------------
SET ROLE rt_nobody;
SELECT count(*) FROM retention.products;
\echo :LAST_ERROR_SQLSTATE
SELECT id FROM retention.move(1, 'onboarding', 'x');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

------------------------------------------------------------------------------
-- The grants and policies behind all this (the lifecycle's tables)
------------------------------------------------------------------------------
SELECT tablename, policyname, cmd, roles, permissive
  FROM pg_policies
 WHERE schemaname = 'retention'
   AND tablename IN ('stages', 'transitions', 'deals', 'reps', 'groups', 'products', 'stage_history')
 ORDER BY tablename, policyname;
SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity
  FROM pg_class c
 WHERE c.relnamespace = 'retention'::regnamespace
   AND c.relname IN ('stages', 'transitions', 'deals', 'reps', 'groups', 'products', 'stage_history')
 ORDER BY c.relname;
SELECT r.rolname,
	   has_table_privilege(r.rolname, 'retention.products', 'SELECT') AS sel,
	   has_table_privilege(r.rolname, 'retention.products', 'INSERT') AS ins,
	   has_table_privilege(r.rolname, 'retention.products', 'DELETE') AS del,
	   has_column_privilege(r.rolname, 'retention.products', 'stage', 'UPDATE') AS upd_stage,
	   has_column_privilege(r.rolname, 'retention.products', 'group_id', 'UPDATE') AS upd_group,
	   has_table_privilege(r.rolname, 'retention.stage_history', 'INSERT') AS ins_history,
	   has_table_privilege(r.rolname, 'retention.transitions', 'INSERT') AS ins_rules
  FROM pg_roles r
 WHERE r.rolname IN ('rt_alice', 'rt_ana', 'rt_admin', 'rt_nobody')
 ORDER BY r.rolname;
SELECT obj_description('retention.product_overview'::regclass) IS NOT NULL AS commented,
	   (SELECT reloptions FROM pg_class WHERE oid = 'retention.product_overview'::regclass) AS view_options;

DROP EXTENSION retention;
DROP ROLE rt_alice, rt_bob, rt_ana, rt_admin, rt_nobody;
