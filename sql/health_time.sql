-- Health over time: overrides, snapshots (idempotent), trend, and the views.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS retention CASCADE;
DROP ROLE IF EXISTS ann_rt;
DROP ROLE IF EXISTS ben_rt;
CREATE EXTENSION retention;
RESET client_min_messages;

INSERT INTO retention.reps (id, name, email, role_name) VALUES
	(1, 'Ann', 'ann@example.com', 'ann_rt'), (2, 'Ben', 'ben@example.com', 'ben_rt');
INSERT INTO retention.groups (id, name, kind, product_types, rep_id) VALUES
	(1, 'Onboarding', 'onboarding', '{crm,erp}', NULL),
	(2, 'CRM accounts', 'retention', '{crm}', 1),
	(3, 'ERP accounts', 'retention', '{erp}', 2);
INSERT INTO retention.deals (id, customer, name, amount, closed_on) VALUES
	(1, 'Acme', 'Acme CRM', 1000, '2026-01-01'),
	(2, 'Globex', 'Globex CRM', 2000, '2026-01-02'),
	(3, 'Initech', 'Initech ERP', 4000, '2026-01-03');
INSERT INTO retention.products (id, deal_id, product_type, stage, mrr) VALUES
	(1, 1, 'crm', 'retention', 100),
	(2, 2, 'crm', 'retention', 200),
	(3, 3, 'erp', 'retention', 300),
	(4, 3, 'erp', 'onboarding', 50);

-- Observations relative to now(), so the live views give the same scores
-- whatever the date.
-- Product 1, the worked example: usage 10 and 20 (avg 15 -> 75), happiness
-- 8 then 6 (last 6 -> 60), three tickets (-> 70): 0.5*75 + 0.3*60 + 0.2*70
-- = 69.5, yellow, weakest usage (12.5 points against happiness 12).
-- Product 2: usage 4 (-> 20), happiness 2 (-> 20), no tickets (count 0 ->
-- 100): 0.5*20 + 0.3*20 + 0.2*100 = 36, red, weakest usage (40 points).
-- Product 3: no observation in any window: no score.
INSERT INTO retention.observations (product_id, measure, observed_at, value) VALUES
	(1, 'usage', now() - interval '2 days', 10),
	(1, 'usage', now() - interval '1 day', 20),
	(1, 'happiness', now() - interval '20 days', 8),
	(1, 'happiness', now() - interval '3 days', 6),
	(1, 'support_tickets', now() - interval '5 days', 1),
	(1, 'support_tickets', now() - interval '4 days', 1),
	(1, 'support_tickets', now() - interval '3 days', 1),
	(2, 'usage', now() - interval '1 day', 4),
	(2, 'happiness', now() - interval '1 day', 2),
	(3, 'usage', now() - interval '200 days', 20);

SELECT product_id, customer, stage, group_name, rep, score, band, computed_score,
	   computed_band, coverage, weakest_measure, trend, override_score
  FROM retention.product_health ORDER BY product_id;

-- An override: product 2 is set to 80 by hand; the computed score stays.
SELECT product_id, score, reason
  FROM retention.override_health(2, 80, 'executive sponsor engaged', now() + interval '7 days');
SELECT product_id, score, band, computed_score, computed_band, override_score, override_reason
  FROM retention.product_health WHERE product_id = 2;
-- Replacing it keeps one override per product.
SELECT score FROM retention.override_health(2, 75, 'sponsor engaged, renewal call booked', now() + interval '7 days');
SELECT count(*) FROM retention.health_overrides;
-- An override in the past is refused; an expired one is ignored.
\set VERBOSITY terse
SELECT retention.override_health(2, 10, 'too late', now() - interval '1 second');
\set VERBOSITY default
UPDATE retention.health_overrides SET expires_at = now() - interval '1 hour' WHERE product_id = 2;
SELECT product_id, score, band, override_score FROM retention.product_health WHERE product_id = 2;
SELECT retention.clear_override(2), retention.clear_override(2);
-- Overrides need a score in range and a reason.
SELECT retention.override_health(1, 101, 'x', now() + interval '1 day');
SELECT retention.override_health(1, 50, '  ', now() + interval '1 day');

-- Trend: against the latest snapshot before today.
INSERT INTO retention.health_snapshots (product_id, as_of, health, score, band, overridden) VALUES
	(1, CURRENT_DATE - 10, '(50,yellow,1,usage)', 50, 'yellow', false),
	(1, CURRENT_DATE - 1, '(80,green,1,usage)', 80, 'green', false),
	(2, CURRENT_DATE - 1, '(36,red,1,usage)', 36, 'red', false);
SELECT product_id, score, previous_score, trend FROM retention.product_health ORDER BY product_id;

-- at_risk: product 2 is red; product 1 fell 10.5 points (alert_drop is 10).
SELECT product_id, score, band, previous_score FROM retention.at_risk ORDER BY product_id;
UPDATE retention.scorecards SET alert_drop = 11 WHERE name = 'default';
SELECT product_id FROM retention.at_risk ORDER BY product_id;

-- Rollups.  CRM accounts: 69.5 and 36 (mean 52.75, min 36), one yellow, one
-- red.  ERP accounts: product 3 has no score, product 4 is in onboarding.
SELECT group_name, kind, rep, products, scored, mean_score, min_score, red, yellow, green
  FROM retention.group_health ORDER BY group_id;
-- Ann's book: products 1 and 2, deals 1000 + 2000, MRR 300.  Ben: product 3
-- (product 4 is in the onboarding group), deal 4000, MRR 300.
SELECT rep, products, scored, mean_score, min_score, red, yellow, green, deal_amount, mrr
  FROM retention.rep_book ORDER BY rep_id;

-- Snapshots for fixed days.  Product 2's observations on 2026-03-01..10.
DELETE FROM retention.health_snapshots;
INSERT INTO retention.observations (product_id, measure, observed_at, value) VALUES
	(2, 'usage', '2026-03-01 12:00+00', 20),
	(2, 'happiness', '2026-03-01 12:00+00', 10),
	(2, 'usage', '2026-03-10 12:00+00', 2),
	(2, 'happiness', '2026-03-10 12:00+00', 3);
SET TIME ZONE 'UTC';
-- 2026-03-05: usage 20 (100), happiness 10 (100), no tickets (100): 100.
SELECT retention.snapshot_health('2026-03-05');
-- Running it again records nothing new.
SELECT retention.snapshot_health('2026-03-05');
-- 2026-03-10: usage avg(20, 2) = 11 -> 55, happiness last 3 -> 30, tickets
-- 100: 27.5 + 9 + 20 = 56.5, yellow.
SELECT retention.snapshot_health('2026-03-10');
-- 2026-03-31: the day ends at 2026-04-01 00:00, so usage's 30-day window
-- starts after 2026-03-02 00:00 and leaves out the 03-01 row: usage 2 -> 10,
-- happiness last 3 -> 30, tickets 100: 5 + 9 + 20 = 34, red.
SELECT retention.snapshot_health('2026-03-31');
-- 2026-04-05: the same rows are in their windows: 34 again.
SELECT retention.snapshot_health('2026-04-05');
SELECT product_id, as_of, health, score, band, overridden
  FROM retention.health_snapshots ORDER BY product_id, as_of;
-- An override set today applies to today's snapshot, not to past days.
SELECT score FROM retention.override_health(2, 75, 'renewal call booked', now() + interval '7 days');
SELECT retention.snapshot_health('2026-04-06');
SELECT retention.snapshot_health(CURRENT_DATE);
-- Today: product 1 scores 69.5 as live; product 2 computes 36 (red) but the
-- override makes it 75, green.
SELECT product_id, as_of = CURRENT_DATE AS today, health, score, band, overridden
  FROM retention.health_snapshots WHERE as_of >= '2026-04-06' ORDER BY product_id, as_of;
SELECT retention.snapshot_health(NULL);
RESET TIME ZONE;

-- The views respect the reader's row-level security: Ann, rep of CRM
-- accounts, sees products 1 and 2 only; the groups and reps she sees count
-- only those.  Ben sees product 3.
CREATE ROLE ann_rt IN ROLE retention_rep;
CREATE ROLE ben_rt IN ROLE retention_rep;
SET ROLE ann_rt;
SELECT product_id, score, band FROM retention.product_health ORDER BY product_id;
SELECT group_name, products, scored, mean_score FROM retention.group_health ORDER BY group_id;
SELECT rep, products, mean_score, deal_amount FROM retention.rep_book ORDER BY rep_id;
SELECT product_id FROM retention.at_risk ORDER BY product_id;
SELECT DISTINCT product_id FROM retention.health_snapshots ORDER BY product_id;
SELECT DISTINCT product_id FROM retention.observations ORDER BY product_id;
-- and she cannot write health
SELECT retention.override_health(1, 90, 'mine', now() + interval '1 day');
SELECT retention.snapshot_health('2026-05-01');
RESET ROLE;
SET ROLE ben_rt;
SELECT product_id, score, band FROM retention.product_health ORDER BY product_id;
RESET ROLE;
DROP ROLE ann_rt;
DROP ROLE ben_rt;
