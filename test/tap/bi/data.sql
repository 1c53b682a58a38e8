-- test/tap/bi/data.sql: data for test/tap/bi_drivers.sh, so that every view
-- has rows and every kind of value: NULLs, a name longer than a driver's
-- default varchar (255), non-ASCII text, money with cents, scores with
-- decimals, dates, and timestamps on both sides of a daylight-saving change
-- (the database's time zone is America/New_York: offsets -05 and -04).
SET client_min_messages = warning;
INSERT INTO retention.reps (id, name, email, role_name) VALUES
	(1, 'Ann Öberg', 'ann@example.com', 'bi_ann'), (2, 'Ben', NULL, 'bi_ben');
INSERT INTO retention.groups (id, name, kind, product_types, rep_id) VALUES
	(1, 'Onboarding', 'onboarding', '{crm,erp}', NULL),
	(2, 'CRM accounts', 'retention', '{crm}', 1),
	(3, 'ERP accounts', 'retention', '{erp}', 2);
INSERT INTO retention.deals (id, customer, name, amount, closed_on, owner, details) VALUES
	(1, 'Acme', 'Acme CRM 2026', 1200.50, '2026-01-15', 'sam', '{"seats": 40, "sla": "gold"}'),
	(2, 'Zoë & Søn – ✓', 'Globex ERP', 50000, '2026-07-01', NULL, '{}'),
	(3, repeat('Initech ', 40), 'Initech CRM', 0.01, '2025-12-31', 'kim', '{}');
INSERT INTO retention.products (id, deal_id, product_type, stage, mrr) VALUES
	(1, 1, 'crm', 'onboarding', 100.25), (2, 1, 'crm', 'retention', 50),
	(3, 2, 'erp', 'retention', 900), (4, 3, 'crm', 'onboarding', NULL);
UPDATE retention.products SET stage = 'retention' WHERE id = 1;
UPDATE retention.products SET stage = 'retention' WHERE id = 4;
SELECT retention.make_ineligible(4, 'contract terminated');
INSERT INTO retention.observations (product_id, measure, observed_at, value) VALUES
	-- recent: they make the scores
	(1, 'usage', now() - interval '2 days', 10), (1, 'usage', now() - interval '1 day', 20),
	(1, 'happiness', now() - interval '3 days', 6),
	(1, 'support_tickets', now() - interval '3 days', 1),
	(2, 'usage', now() - interval '1 day', 2), (2, 'happiness', now() - interval '2 days', 3),
	(3, 'usage', now() - interval '1 day', 40.125),
	-- old: winter and summer offsets in one column
	(1, 'usage', '2025-01-15 12:00:00.123456+00', 7), (1, 'usage', '2025-07-15 12:00:00+00', 8),
	(2, 'usage', '2025-11-02 05:30:00+00', NULL), (2, 'usage', '2025-11-02 06:30:00+00', 0.1);
SELECT retention.snapshot_health(CURRENT_DATE - 1);
SELECT retention.override_health(3, 33.3333, 'escalation open', now() + interval '10 days');
-- Survey answers and follow-ups (the feedback views): the last complete
-- month and this one, a comment with non-ASCII text, a NULL comment.
INSERT INTO retention.feedback (product_id, kind, score, comment, answered_at) VALUES
	(1, 'nps', 10, 'très bien ✓', date_trunc('month', now()) - interval '20 days'),
	(2, 'nps', 3, NULL, date_trunc('month', now()) - interval '15 days 6 hours'),
	(3, 'nps', 6, 'slow reports', date_trunc('month', now()) - interval '10 days'),
	(3, 'csat', 4, NULL, date_trunc('month', now()) - interval '9 days'),
	(1, 'nps', 5, 'export', now() - interval '1 minute');
INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help, followed_up_at)
SELECT f.id, 'onboarding', 'more training, sooner', f.answered_at + interval '2 days 3 hours'
  FROM retention.feedback f WHERE f.score = 3;
-- Growth opportunities: a won upsell (raising product 2's MRR), a lost one,
-- an open cross-sell with a non-ASCII note, one on a product without a rep
INSERT INTO retention.opportunities (id, product_id, kind, mrr, note, created_at) VALUES
	(1, 2, 'upsell', 12.34, 'more seats', '2025-10-20 09:00:00+00'),
	(2, 3, 'upsell', 100, NULL, '2025-03-01 12:00:00+00'),
	(3, 3, 'cross_sell', 250.5, 'Zoë wants the ERP add-on ✓', now() - interval '3 days'),
	(4, 1, 'upsell', 0.01, NULL, now() - interval '1 day');
UPDATE retention.opportunities SET status = 'won' WHERE id = 1;
UPDATE retention.opportunities SET status = 'lost', closed_at = '2025-11-02 06:30:00+00' WHERE id = 2;
