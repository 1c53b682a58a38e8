-- metrics_opportunities: growth opportunities under row-level security (two
-- reps, an analyst, an administrator importing history); a won upsell raises
-- its product's MRR through the MRR history and shows as expansion in
-- revenue retention; a won cross-sell names its new product; the pipeline
-- views; every refusal.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS retention CASCADE;
DROP ROLE IF EXISTS op_rita;
DROP ROLE IF EXISTS op_ravi;
DROP ROLE IF EXISTS op_ana;
DROP ROLE IF EXISTS op_admin;
DROP ROLE IF EXISTS op_mallory;
RESET client_min_messages;
CREATE EXTENSION retention;
\set SHOW_CONTEXT never
\set VERBOSITY default
SET TimeZone = 'UTC';

CREATE ROLE op_rita IN ROLE retention_rep;
CREATE ROLE op_ravi IN ROLE retention_rep;
CREATE ROLE op_ana IN ROLE retention_analyst;
CREATE ROLE op_admin IN ROLE retention_admin;

INSERT INTO retention.reps (name, role_name) VALUES ('Rita', 'op_rita'), ('Ravi', 'op_ravi');
INSERT INTO retention.groups (name, kind, product_types, rep_id) VALUES
	('onb', 'onboarding', '{crm,erp}', NULL),
	('ret-crm', 'retention', '{crm}', 1),
	('ret-erp', 'retention', '{erp}', 2);
INSERT INTO retention.deals (customer, name, closed_on) VALUES
	('Acme', 'a', '2024-12-01'), ('Beta', 'b', '2024-12-01');

/*
 * Products, entered in the past as an administrator imports them:
 *  1 Acme crm retention (Rita)  MRR 100 from 2025-01-01
 *  2 Beta erp retention (Ravi)  MRR 200 from 2025-01-01
 *  3 Beta crm retention (Rita)  MRR not known
 *  4 Acme erp onboarding (no rep) MRR 50 from 2025-03-10: what Acme's
 *    cross-sell became
 */
INSERT INTO retention.products (deal_id, product_type, stage, stage_entered_at, mrr, mrr_since) VALUES
	(1, 'crm', 'retention', '2025-01-01', 100, '2025-01-01'),
	(2, 'erp', 'retention', '2025-01-01', 200, '2025-01-01'),
	(2, 'crm', 'retention', '2025-01-01', NULL, '2025-01-01'),
	(1, 'erp', 'onboarding', '2025-03-10', 50, '2025-03-10');
SELECT id, group_id, mrr FROM retention.products ORDER BY id;

------------------------------------------------------------------------------
-- An administrator imports the past: opportunities created open, then closed,
-- with their real dates
------------------------------------------------------------------------------
SET ROLE op_admin;
-- 1: Acme upsell of 30, won on 2025-02-15
INSERT INTO retention.opportunities (product_id, kind, mrr, note, created_at)
	VALUES (1, 'upsell', 30, 'more seats', '2025-02-01') RETURNING id, rep, status, closed_at;
UPDATE retention.opportunities SET status = 'won', closed_at = '2025-02-15' WHERE id = 1;
-- 2: Acme cross-sell of 50, won on 2025-03-10 as product 4
INSERT INTO retention.opportunities (product_id, kind, mrr, created_at)
	VALUES (1, 'cross_sell', 50, '2025-02-20') RETURNING id, rep;
UPDATE retention.opportunities SET status = 'won', closed_at = '2025-03-10', won_product_id = 4 WHERE id = 2;
-- 3: Beta upsell of 40, lost on 2025-03-20
INSERT INTO retention.opportunities (product_id, kind, mrr, created_at)
	VALUES (2, 'upsell', 40, '2025-03-01') RETURNING id, rep;
UPDATE retention.opportunities SET status = 'lost', closed_at = '2025-03-20' WHERE id = 3;
RESET ROLE;

-- The won upsell raised product 1's MRR from 2025-02-15, written by the MRR
-- history trigger; the cross-sell and the lost upsell changed no MRR
SELECT product_id, mrr, effective_at FROM retention.mrr_history ORDER BY product_id, id;
SELECT id, mrr, mrr_since FROM retention.products ORDER BY id;
SELECT id, product_id, kind, mrr, status, rep, created_at, closed_at, won_product_id
  FROM retention.opportunities ORDER BY id;

-- Revenue retention sees the upsell as expansion.  February: Acme 100 ->
-- 130 (expansion 30), Beta 200; starting 300, ending 330, GRR 1, NRR 1.1.
SELECT * FROM retention.revenue_retention_between('2025-02-01', '2025-03-01');
-- March: the cross-sell's product 4 (50) is Acme's: 130 -> 180, expansion
-- 50; starting 330, ending 380, NRR 380 / 330 = 1.1515...
SELECT starting_mrr, new_mrr, expansion_mrr, ending_mrr, round(nrr, 4) AS nrr
  FROM retention.revenue_retention_between('2025-03-01', '2025-04-01');

------------------------------------------------------------------------------
-- Reps work their own products, now
------------------------------------------------------------------------------
SET ROLE op_rita;
-- Rita sees the opportunities of her products (1 and 3) only
SELECT id, product_id FROM retention.opportunities ORDER BY id;
-- rep defaults to the rep of the product's group: Rita (1)
INSERT INTO retention.opportunities (product_id, kind, mrr, note)
	VALUES (1, 'upsell', 20, 'premium support') RETURNING id, rep, status, created_at = now() AS created_now;
INSERT INTO retention.opportunities (product_id, kind, mrr, rep)
	VALUES (3, 'upsell', 10, 1) RETURNING id, rep;
-- Rita may not change an MRR herself...
UPDATE retention.products SET mrr = 1000 WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
-- ...but winning her upsell raises it, through the MRR history, now
BEGIN;
UPDATE retention.opportunities SET status = 'won' WHERE id = 4
	RETURNING status, closed_at = now() AS closed_now;
SELECT mrr, mrr_since = now() AS since_now FROM retention.products WHERE id = 1;
SELECT mrr, effective_at = now() AS now, changed_by = session_user AS by_session_user
  FROM retention.mrr_history WHERE product_id = 1 ORDER BY id DESC LIMIT 1;
COMMIT;
-- she cannot see, nor so write, Ravi's
INSERT INTO retention.opportunities (product_id, kind, mrr) VALUES (2, 'upsell', 5);
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.opportunities SET status = 'lost' WHERE id = 3 RETURNING id;
-- nor give an opportunity to another rep, back-date, set a status, or delete
INSERT INTO retention.opportunities (product_id, kind, mrr, rep) VALUES (1, 'upsell', 5, 2);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO retention.opportunities (product_id, kind, mrr, created_at) VALUES (1, 'upsell', 5, '2025-01-01');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO retention.opportunities (product_id, kind, mrr, status) VALUES (1, 'upsell', 5, 'won');
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.opportunities SET status = 'lost', closed_at = '2025-06-01' WHERE id = 5;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM retention.opportunities WHERE id = 5;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

SET ROLE op_ravi;
SELECT id, product_id FROM retention.opportunities ORDER BY id;
INSERT INTO retention.opportunities (product_id, kind, mrr) VALUES (2, 'cross_sell', 70) RETURNING rep;
SELECT max(id) AS ravi_cross FROM retention.opportunities \gset
-- Rita's are not his: nothing to update
UPDATE retention.opportunities SET note = 'mine now' WHERE id = 4 RETURNING id;
RESET ROLE;

-- The analyst reads every opportunity and writes none
SET ROLE op_ana;
SELECT count(*) AS opportunities FROM retention.opportunities;
INSERT INTO retention.opportunities (product_id, kind, mrr) VALUES (1, 'upsell', 5);
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.opportunities SET note = 'x';
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-- An administrator's upsell on Beta, won two months ago (relative to now),
-- and one on product 4, whose group has no rep (and the administrator is no
-- rep): no rep
SET ROLE op_admin;
INSERT INTO retention.opportunities (product_id, kind, mrr, created_at)
	VALUES (2, 'upsell', 24, date_trunc('month', now()) - interval '3 months') RETURNING id AS beta_upsell, rep \gset
UPDATE retention.opportunities SET status = 'won',
	   closed_at = date_trunc('month', now()) - interval '2 months' + interval '4 days' WHERE id = :beta_upsell;
INSERT INTO retention.opportunities (product_id, kind, mrr) VALUES (4, 'upsell', 5) RETURNING rep;
RESET ROLE;
-- Beta 200 -> 224 in that month; Acme (products 1 and 4) stays at 180
SELECT starting_mrr, expansion_mrr, ending_mrr, round(nrr, 4) AS nrr
  FROM retention.revenue_retention_between(date_trunc('month', now()) - interval '2 months',
										   date_trunc('month', now()) - interval '1 month');

------------------------------------------------------------------------------
-- The pipeline
------------------------------------------------------------------------------
-- Rita: open the upsell on product 3 (10); won 1, 2, 4 (30 + 50 + 20); none
-- lost; win rate 1; nothing won in the last 12 complete months (2025 is
-- older, 4 is this month's).  Ravi: open the cross-sell (70), won the upsell
-- of two months ago (24: 24 / 12 = 2 per month), lost 3: win rate 0.5.  No
-- rep: the open upsell on product 4 (5).  (Ids skip the numbers refused
-- inserts took.)
SELECT * FROM retention.pipeline ORDER BY rep_id NULLS LAST;
-- each rep sees their own row only; the analyst sees all
SET ROLE op_rita;
SELECT rep, open_count, won_count FROM retention.pipeline ORDER BY rep_id NULLS LAST;
RESET ROLE;
SET ROLE op_ravi;
SELECT rep, open_count, won_count FROM retention.pipeline ORDER BY rep_id NULLS LAST;
RESET ROLE;
SET ROLE op_ana;
SELECT rep, open_count, won_count FROM retention.pipeline ORDER BY rep_id NULLS LAST;
RESET ROLE;
-- By month (the 2025 ones): Rita found 1 and 2 in February and won 1 (upsell
-- 30), won 2 in March (cross-sell 50); Ravi found and lost 3 in March
SELECT * FROM retention.pipeline_by_month WHERE month < '2026-01-01' ORDER BY month, rep_id;
-- and the recent ones: Ravi's upsell found three months ago, won two months
-- ago; this month Rita found 4 and 5 and won 4 (20), Ravi found the
-- cross-sell, and the administrator the upsell without a rep
SELECT (date_part('year', age(date_trunc('month', now()), month)) * 12
		+ date_part('month', age(date_trunc('month', now()), month)))::int AS months_ago,
	   rep, opened, won, lost, win_rate, upsell_mrr_won, cross_sell_mrr_won, mrr_won
  FROM retention.pipeline_by_month WHERE month >= '2026-01-01' ORDER BY month, rep_id NULLS LAST;

------------------------------------------------------------------------------
-- Refusals: each with its SQLSTATE; nothing changes
------------------------------------------------------------------------------
SET ROLE op_admin;
-- kind and status outside their sets
INSERT INTO retention.opportunities (product_id, kind, mrr) VALUES (1, 'downsell', 5);
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.opportunities SET status = 'maybe' WHERE id = 5;
\echo :LAST_ERROR_SQLSTATE
-- created open only, with no closing time and no won product
INSERT INTO retention.opportunities (product_id, kind, mrr, status) VALUES (1, 'upsell', 5, 'won');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO retention.opportunities (product_id, kind, mrr, closed_at) VALUES (1, 'upsell', 5, '2025-06-01');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO retention.opportunities (product_id, kind, mrr, won_product_id) VALUES (1, 'cross_sell', 5, 4);
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.opportunities SET closed_at = '2025-06-01' WHERE id = 5;
\echo :LAST_ERROR_SQLSTATE
-- mrr greater than 0 and within numeric(14, 2)
INSERT INTO retention.opportunities (product_id, kind, mrr) VALUES (1, 'upsell', 0);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO retention.opportunities (product_id, kind, mrr) VALUES (1, 'upsell', -5);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO retention.opportunities (product_id, kind, mrr) VALUES (1, 'upsell', 1e12);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO retention.opportunities (product_id, kind, mrr) VALUES (1, 'upsell', NULL);
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.opportunities SET mrr = 0 WHERE id = 5;
\echo :LAST_ERROR_SQLSTATE
-- NULLs where a value is required
INSERT INTO retention.opportunities (product_id, kind, mrr) VALUES (1, NULL, 5);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO retention.opportunities (product_id, kind, mrr) VALUES (NULL, 'upsell', 5);
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.opportunities SET status = NULL WHERE id = 5;
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.opportunities SET kind = NULL WHERE id = 5;
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.opportunities SET product_id = NULL WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
-- no such product, no such rep
INSERT INTO retention.opportunities (product_id, kind, mrr) VALUES (99, 'upsell', 5);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO retention.opportunities (product_id, kind, mrr, rep) VALUES (1, 'upsell', 5, 99);
\echo :LAST_ERROR_SQLSTATE
-- times: not in the future (the details give
-- times relative to now: terse)
\set VERBOSITY terse
INSERT INTO retention.opportunities (product_id, kind, mrr, created_at) VALUES (1, 'upsell', 5, now() + interval '1 day');
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.opportunities SET status = 'lost', closed_at = now() + interval '1 day' WHERE id = 5;
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
-- an opportunity stays on its product and of its kind
UPDATE retention.opportunities SET product_id = 1 WHERE id = 5;
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.opportunities SET kind = 'cross_sell' WHERE id = 5;
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.opportunities SET created_at = '2025-01-01' WHERE id = 5;
\echo :LAST_ERROR_SQLSTATE
-- a won cross-sell names its new product: required, another product, of the
-- same customer; nothing else names one
UPDATE retention.opportunities SET status = 'won' WHERE id = :ravi_cross;
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.opportunities SET status = 'won', won_product_id = 2 WHERE id = :ravi_cross;
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.opportunities SET status = 'won', won_product_id = 99 WHERE id = :ravi_cross;
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.opportunities SET status = 'won', won_product_id = 1 WHERE id = :ravi_cross;
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.opportunities SET status = 'lost', won_product_id = 4 WHERE id = :ravi_cross;
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.opportunities SET status = 'won', won_product_id = 4 WHERE id = 5;
\echo :LAST_ERROR_SQLSTATE
-- an upsell is won on a known MRR
UPDATE retention.opportunities SET status = 'won' WHERE id = 5;
\echo :LAST_ERROR_SQLSTATE
-- not closing before created; a back-dated win is no earlier than the
-- product's latest MRR change
INSERT INTO retention.opportunities (product_id, kind, mrr, created_at) VALUES (2, 'upsell', 3, '2025-06-01')
	RETURNING id AS late \gset
UPDATE retention.opportunities SET status = 'lost', closed_at = '2025-05-01' WHERE id = :late;
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY terse
UPDATE retention.opportunities SET status = 'won', closed_at = date_trunc('month', now()) - interval '3 months'
 WHERE id = :late;
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
-- nor at the very time of that change: the MRR history would date the raise
-- now (mrr_since unchanged), the win at closed_at
SELECT mrr_since AS latest_change FROM retention.products WHERE id = 2 \gset
INSERT INTO retention.opportunities (product_id, kind, mrr, created_at) VALUES (2, 'upsell', 4, '2025-01-01')
	RETURNING id AS same \gset
\set VERBOSITY terse
UPDATE retention.opportunities SET status = 'won', closed_at = :'latest_change' WHERE id = :same;
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
SELECT p.mrr, p.mrr_since = :'latest_change' AS since_unchanged, o.status
  FROM retention.products p, retention.opportunities o WHERE p.id = 2 AND o.id = :same;
DELETE FROM retention.opportunities WHERE id = :same;
-- a won upsell whose MRR the product cannot hold: refused whole
INSERT INTO retention.opportunities (product_id, kind, mrr) VALUES (1, 'upsell', 999999999999.99) RETURNING id AS huge \gset
UPDATE retention.opportunities SET status = 'won' WHERE id = :huge;
\echo :LAST_ERROR_SQLSTATE
SELECT status, closed_at FROM retention.opportunities WHERE id = :huge;
SELECT mrr FROM retention.products WHERE id = 1;
-- closed is closed: not reopened, not closed again, not changed, not deleted
UPDATE retention.opportunities SET status = 'open', closed_at = NULL WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.opportunities SET status = 'lost' WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.opportunities SET mrr = 31 WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.opportunities SET won_product_id = NULL WHERE id = 2;
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.opportunities SET closed_at = '2025-02-16' WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM retention.opportunities WHERE id = 3;
\echo :LAST_ERROR_SQLSTATE
TRUNCATE retention.opportunities;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
TRUNCATE retention.opportunities;
\echo :LAST_ERROR_SQLSTATE
SET ROLE op_admin;
-- only the note of a closed one changes; an open one can be deleted
UPDATE retention.opportunities SET note = 'more seats, signed' WHERE id = 1 RETURNING note;
DELETE FROM retention.opportunities WHERE id = :huge RETURNING mrr;
RESET ROLE;

-- The refusals changed nothing
SELECT id, product_id, kind, mrr, status, rep, won_product_id FROM retention.opportunities ORDER BY id;
SELECT product_id, mrr FROM retention.mrr_history ORDER BY product_id, id;

------------------------------------------------------------------------------
-- Forgetting a product: its opportunities go; a cross-sell that became it
-- stays won, naming no product any more
------------------------------------------------------------------------------
SELECT retention.forget_product(4, 'test: forgotten') AS history_rows;
SELECT id, product_id, kind, status, won_product_id FROM retention.opportunities ORDER BY id;
SELECT retention.forget_product(1, 'test: forgotten') AS history_rows;
SELECT id, product_id, kind, status, won_product_id FROM retention.opportunities ORDER BY id;

------------------------------------------------------------------------------
-- The guards on a table of one's own: refused, so that no role can have them
-- write a product's MRR or its history (mrr_guard wrote the history as its
-- owner for any table of the right shape)
------------------------------------------------------------------------------
CREATE ROLE op_mallory;
SET ROLE op_mallory;
CREATE TEMP TABLE fake_products (id bigint, mrr numeric, mrr_since timestamptz);
CREATE TRIGGER fake AFTER INSERT ON fake_products FOR EACH ROW EXECUTE FUNCTION retention.mrr_guard();
INSERT INTO fake_products VALUES (2, 999999, now());
\echo :LAST_ERROR_SQLSTATE
CREATE TEMP TABLE fake_opportunities (id bigint, product_id bigint, kind text, mrr numeric, status text,
	rep bigint, created_at timestamptz, closed_at timestamptz, won_product_id bigint);
CREATE TRIGGER fake BEFORE INSERT OR UPDATE ON fake_opportunities
	FOR EACH ROW EXECUTE FUNCTION retention.opportunity_guard();
INSERT INTO fake_opportunities (id, product_id, kind, mrr, status, created_at)
	VALUES (1, 2, 'upsell', 5000, 'open', now());
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
DROP TABLE fake_products, fake_opportunities;
DROP ROLE op_mallory;
SELECT product_id, mrr FROM retention.mrr_history WHERE product_id = 2 ORDER BY id;

SET client_min_messages = warning;
DROP EXTENSION retention CASCADE;
DROP ROLE op_rita;
DROP ROLE op_ravi;
DROP ROLE op_ana;
DROP ROLE op_admin;
