-- access_leaks: what a refused statement says must not reveal another rep's
-- rows.  PostgreSQL's unique, foreign-key, check and not-null violations
-- show the key or the failing row only to a role that could read it and
-- not at all under row-level security; the extension's own errors say the
-- same for another rep's product as for one that does not exist.  Every
-- statement below is refused or does nothing; the messages are the point.
-- (test/tap/access_matrix.sh tries every object with every role; this file
-- shows what the refusals say.)
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS retention CASCADE;
DROP ROLE IF EXISTS al_admin;
DROP ROLE IF EXISTS al_rep1;
DROP ROLE IF EXISTS al_rep2;
DROP ROLE IF EXISTS al_analyst;
CREATE EXTENSION retention;
RESET client_min_messages;
\set SHOW_CONTEXT never
SET TIME ZONE 'UTC';
CREATE ROLE al_admin IN ROLE retention_admin;
CREATE ROLE al_rep1 IN ROLE retention_rep;
CREATE ROLE al_rep2 IN ROLE retention_rep;
CREATE ROLE al_analyst IN ROLE retention_analyst;

-- Rep 1 looks after CRM products, rep 2 after ERP products; product 3 is
-- rep 2's, of the customer "Secret Corp"
INSERT INTO retention.reps (id, name, role_name) VALUES (1, 'One', 'al_rep1'), (2, 'Two', 'al_rep2');
INSERT INTO retention.groups (id, name, kind, product_types, rep_id) VALUES
	(1, 'one onboarding', 'onboarding', '{crm}', 1), (2, 'one accounts', 'retention', '{crm}', 1),
	(3, 'two onboarding', 'onboarding', '{erp}', 2), (4, 'two accounts', 'retention', '{erp}', 2);
INSERT INTO retention.deals (id, customer, name, closed_on) VALUES
	(1, 'Acme', 'Acme CRM', '2026-01-01'), (2, 'Secret Corp', 'Secret ERP', '2026-01-02');
INSERT INTO retention.products (id, deal_id, customer, product_type, stage) VALUES
	(1, 1, 'Acme', 'crm', 'onboarding'), (2, 1, 'Acme', 'crm', 'retention'),
	(3, 2, 'Secret Corp', 'erp', 'retention');
INSERT INTO retention.observations (product_id, measure, observed_at, value)
	VALUES (3, 'usage', '2026-02-01', 42);

------------------------------------------------------------------------------
-- Rep 1 and rep 2's product
------------------------------------------------------------------------------
SET ROLE al_rep1;
-- an observation for rep 2's product, and for a product that does not
-- exist: the same refusal, with nothing of the product
INSERT INTO retention.observations (product_id, measure, observed_at, value) VALUES (3, 'usage', '2026-02-02', 1);
INSERT INTO retention.observations (product_id, measure, observed_at, value) VALUES (99, 'usage', '2026-02-02', 1);
-- on her own product: a bad measure (foreign key) and a bad value (check)
-- show no key and no row either (row-level security is on)
INSERT INTO retention.observations (product_id, measure, observed_at, value) VALUES (1, 'nosuch', '2026-02-02', 1);
INSERT INTO retention.observations (product_id, measure, observed_at, value) VALUES (1, 'usage', '2026-02-02', 1e13);
INSERT INTO retention.observations (product_id, measure, observed_at, value) VALUES (1, 'usage', NULL, 1);
-- moving rep 2's product: the same words as for a product that does not exist
SELECT id FROM retention.move(3, 'onboarding', 'try');
SELECT id FROM retention.move(99, 'onboarding', 'try');
SELECT id FROM retention.recycle(3, 'try');
-- an UPDATE of it changes nothing and says nothing
UPDATE retention.products SET stage = 'ineligible', stage_reason = 'x' WHERE id = 3;
UPDATE retention.products SET stage_reason = 'x' WHERE customer = 'Secret Corp';
-- the functions that read show nothing of it
SELECT retention.original_deal(3) IS NULL AS no_deal;
SELECT count(*) AS next_stages FROM retention.next_stages(3);
SELECT retention.handed_over(3) AS handed_over;
SELECT count(*) AS history FROM retention.stage_history WHERE product_id = 3;
SELECT count(*) AS observations FROM retention.observations WHERE product_id = 3;
-- columns a rep may not write, on its own product and on rep 2's: the same
UPDATE retention.products SET group_id = 4 WHERE id = 1;
UPDATE retention.products SET group_id = 4 WHERE id = 3;
-- an illegal move of her own product names only her product
UPDATE retention.products SET stage = 'ineligible' WHERE id = 2;
RESET ROLE;

------------------------------------------------------------------------------
-- A non-superuser administrator, under forced row-level security
------------------------------------------------------------------------------
SET ROLE al_admin;
-- duplicate keys: no DETAIL on the tables under row-level security (the
-- administrator sees every row anyway), the key where there is none
INSERT INTO retention.products (id, deal_id, product_type) VALUES (3, 1, 'crm');
INSERT INTO retention.deals (id, customer, name, closed_on) VALUES (2, 'X', 'X', '2026-01-01');
INSERT INTO retention.groups (id, name, kind, product_types) VALUES (10, 'two accounts', 'onboarding', '{bi}');
-- a foreign key to a product that does not exist
INSERT INTO retention.health_overrides (product_id, score, reason, expires_at) VALUES (99, 1, 'x', '2099-01-01');
RESET ROLE;

------------------------------------------------------------------------------
-- An analyst: every write is refused for want of the privilege, before any
-- row is looked at
------------------------------------------------------------------------------
SET ROLE al_analyst;
INSERT INTO retention.products (id, deal_id, product_type) VALUES (3, 1, 'crm');
UPDATE retention.products SET stage_reason = 'x' WHERE id = 3;
SELECT id FROM retention.move(3, 'onboarding', 'try');
RESET ROLE;

SET client_min_messages = warning;
DROP EXTENSION retention CASCADE;
DROP ROLE al_admin;
DROP ROLE al_rep1;
DROP ROLE al_rep2;
DROP ROLE al_analyst;
