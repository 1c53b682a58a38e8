-- trigger_shapes: the C triggers attached to tables of the wrong shape give
-- clear errors (42703, 42804, 39P01) and never read a column as the wrong
-- type (issue 6: a text group_id or an integer stage crashed the server, a
-- text id printed a heap address); a reason counts only if the statement
-- gave a new, non-blank one; a hand-over undone by a rolled-back savepoint
-- no longer lets the rep see the product.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS retention CASCADE;
DROP ROLE IF EXISTS ts_rep_a;
DROP ROLE IF EXISTS ts_rep_b;
CREATE EXTENSION retention;
RESET client_min_messages;
CREATE ROLE ts_rep_a;
CREATE ROLE ts_rep_b;
\set SHOW_CONTEXT never
\set VERBOSITY default

INSERT INTO retention.reps (id, name, role_name) VALUES (1, 'A', 'ts_rep_a'), (2, 'B', 'ts_rep_b');
INSERT INTO retention.groups (id, name, kind, product_types, rep_id) VALUES
	(1, 'onb', 'onboarding', '{widget}', 1), (2, 'ret', 'retention', '{widget}', 2);
INSERT INTO retention.deals (id, customer, name, closed_on) VALUES (1, 'Acme', 'Acme', '2026-01-01');

------------------------------------------------------------------------------
-- place_in_group on tables of every wrong shape
------------------------------------------------------------------------------
-- the reported crash: a text group_id
CREATE TEMP TABLE g1 (id bigint, stage text, product_type text, group_id text);
CREATE TRIGGER g1 BEFORE INSERT ON g1 FOR EACH ROW EXECUTE FUNCTION retention.place_in_group();
INSERT INTO g1 VALUES (1, 'retention', 'widget');
-- an integer stage
CREATE TEMP TABLE g2 (id bigint, stage int, product_type text, group_id bigint);
CREATE TRIGGER g2 BEFORE INSERT ON g2 FOR EACH ROW EXECUTE FUNCTION retention.place_in_group();
INSERT INTO g2 VALUES (1, 1, 'widget');
-- a text id
CREATE TEMP TABLE g3 (id text, stage text, product_type text, group_id bigint);
CREATE TRIGGER g3 BEFORE INSERT ON g3 FOR EACH ROW EXECUTE FUNCTION retention.place_in_group();
INSERT INTO g3 VALUES ('1', 'retention', 'widget');
-- a product_type that is not text
CREATE TEMP TABLE g4 (id bigint, stage text, product_type int, group_id bigint);
CREATE TRIGGER g4 BEFORE INSERT ON g4 FOR EACH ROW EXECUTE FUNCTION retention.place_in_group();
INSERT INTO g4 VALUES (1, 'retention', 7);
-- a missing column, and a dropped one
CREATE TEMP TABLE g5 (id bigint, stage text, product_type text);
CREATE TRIGGER g5 BEFORE INSERT ON g5 FOR EACH ROW EXECUTE FUNCTION retention.place_in_group();
INSERT INTO g5 VALUES (1, 'retention', 'widget');
CREATE TEMP TABLE g6 (id bigint, stage text, product_type text, group_id bigint);
ALTER TABLE g6 DROP COLUMN group_id;
CREATE TRIGGER g6 BEFORE INSERT ON g6 FOR EACH ROW EXECUTE FUNCTION retention.place_in_group();
INSERT INTO g6 VALUES (1, 'retention', 'widget');
-- the right shape with a smallint id and varchar text works, and places it
CREATE TEMP TABLE g7 (id smallint, stage varchar(20), product_type varchar(20), group_id bigint);
CREATE TRIGGER g7 BEFORE INSERT ON g7 FOR EACH ROW EXECUTE FUNCTION retention.place_in_group();
INSERT INTO g7 VALUES (1, 'retention', 'widget') RETURNING *;
-- wrong timing or level
CREATE TRIGGER g7_after AFTER INSERT ON g7 FOR EACH ROW EXECUTE FUNCTION retention.place_in_group();
INSERT INTO g7 VALUES (2, 'retention', 'widget');
DROP TRIGGER g7_after ON g7;
CREATE TRIGGER g7_stmt BEFORE INSERT ON g7 FOR EACH STATEMENT EXECUTE FUNCTION retention.place_in_group();
INSERT INTO g7 VALUES (2, 'retention', 'widget');
DROP TRIGGER g7_stmt ON g7;

------------------------------------------------------------------------------
-- stage_guard: arguments naming missing, system or mistyped columns
------------------------------------------------------------------------------
CREATE TEMP TABLE s1 (k bigint, st text, why text, since date);
CREATE TRIGGER s1 AFTER INSERT ON s1 FOR EACH ROW EXECUTE FUNCTION retention.stage_guard('nope');
INSERT INTO s1 VALUES (1, 'retention');
DROP TRIGGER s1 ON s1;
CREATE TRIGGER s1 AFTER INSERT ON s1 FOR EACH ROW EXECUTE FUNCTION retention.stage_guard('ctid');
INSERT INTO s1 VALUES (1, 'retention');
DROP TRIGGER s1 ON s1;
CREATE TRIGGER s1 AFTER INSERT ON s1 FOR EACH ROW EXECUTE FUNCTION retention.stage_guard('st', 'k', 'why', 'since');
INSERT INTO s1 VALUES (1, 'retention');
DROP TRIGGER s1 ON s1;
CREATE TRIGGER s1 AFTER INSERT ON s1 FOR EACH ROW EXECUTE FUNCTION retention.stage_guard();
INSERT INTO s1 VALUES (1, 'retention');
DROP TRIGGER s1 ON s1;
CREATE TRIGGER s1 AFTER INSERT ON s1 FOR EACH ROW EXECUTE FUNCTION retention.stage_guard('st', 'k', 'why', '', 'extra');
INSERT INTO s1 VALUES (1, 'retention');
DROP TRIGGER s1 ON s1;
CREATE TRIGGER s1 BEFORE INSERT ON s1 FOR EACH ROW EXECUTE FUNCTION retention.stage_guard('st');
INSERT INTO s1 VALUES (1, 'retention');
DROP TRIGGER s1 ON s1;
CREATE TRIGGER s1 AFTER INSERT ON s1 FOR EACH STATEMENT EXECUTE FUNCTION retention.stage_guard('st');
INSERT INTO s1 VALUES (1, 'retention');
DROP TRIGGER s1 ON s1;
-- config_changed at the wrong level; append_only lets an insert through (it
-- refuses only changes and removals)
CREATE TRIGGER s1 AFTER INSERT ON s1 FOR EACH ROW EXECUTE FUNCTION retention.config_changed();
INSERT INTO s1 VALUES (1, 'retention');
DROP TRIGGER s1 ON s1;
CREATE TRIGGER s1 BEFORE INSERT ON s1 FOR EACH ROW EXECUTE FUNCTION retention.append_only();
INSERT INTO s1 VALUES (1, 'retention');
DROP TRIGGER s1 ON s1;
SELECT count(*) AS history_rows FROM retention.stage_history;

------------------------------------------------------------------------------
-- A reason counts only if the statement gave a new, non-blank one
------------------------------------------------------------------------------
INSERT INTO retention.products (id, deal_id, product_type, stage) VALUES
	(1, 1, 'widget', 'retention'), (2, 1, 'widget', 'retention');
-- a move with a reason leaves it in stage_reason ...
UPDATE retention.products SET stage = 'onboarding', stage_reason = 'training' WHERE id = 1;
UPDATE retention.products SET stage = 'retention', stage_reason = 'trained' WHERE id = 1;
-- ... which must not justify the next move: SET reason = reason
UPDATE retention.products SET stage = 'ineligible', stage_reason = stage_reason WHERE id = 1;
-- nor the stale reason in MERGE, whose other action names the column
MERGE INTO retention.products p USING (VALUES (1::bigint)) v (id) ON p.id = v.id
	WHEN MATCHED AND false THEN UPDATE SET stage_reason = 'x'
	WHEN MATCHED THEN UPDATE SET stage = 'ineligible';
-- nor the same text again
UPDATE retention.products SET stage = 'ineligible', stage_reason = 'trained' WHERE id = 1;
-- nor only white space (tabs, newlines, carriage returns)
UPDATE retention.products SET stage = 'ineligible', stage_reason = E'\t\n\r ' WHERE id = 1;
-- a new reason does
UPDATE retention.products SET stage = 'ineligible', stage_reason = 'churned' WHERE id = 1;
SELECT product_id, from_stage, to_stage, reason FROM retention.stage_history
 WHERE product_id = 1 ORDER BY id;

------------------------------------------------------------------------------
-- A hand-over undone by a rolled-back savepoint no longer counts
------------------------------------------------------------------------------
GRANT retention_rep TO ts_rep_a;
INSERT INTO retention.products (id, deal_id, product_type, stage) VALUES (3, 1, 'widget', 'onboarding');
BEGIN;
SET LOCAL ROLE ts_rep_a;
SAVEPOINT s;
UPDATE retention.products SET stage = 'retention' WHERE id = 3;
SELECT id, stage, group_id FROM retention.products WHERE id = 3;
ROLLBACK TO SAVEPOINT s;
-- the product is back in rep A's onboarding group, and the hand-over is gone
SELECT id, stage, group_id, retention.handed_over(id) AS handed_over FROM retention.products WHERE id = 3;
SAVEPOINT s2;
UPDATE retention.products SET stage = 'retention' WHERE id = 3;
RELEASE SAVEPOINT s2;
-- a released savepoint keeps it
SELECT id, stage, group_id, retention.handed_over(id) AS handed_over FROM retention.products WHERE id = 3;
ROLLBACK;

SET client_min_messages = warning;
DROP EXTENSION retention CASCADE;
DROP ROLE ts_rep_a;
DROP ROLE ts_rep_b;
