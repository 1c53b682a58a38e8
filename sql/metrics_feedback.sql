-- metrics_feedback: survey answers, the happiness observation an NPS answer
-- becomes, following up detractors, and the views over them (issue 10,
-- section 5), under row-level security: two reps and an analyst.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS retention CASCADE;
DROP ROLE IF EXISTS fb_ann;
DROP ROLE IF EXISTS fb_bob;
DROP ROLE IF EXISTS fb_analyst;
CREATE EXTENSION retention;
RESET client_min_messages;
\set SHOW_CONTEXT never
SET TIME ZONE 'UTC';
CREATE ROLE fb_ann IN ROLE retention_rep;
CREATE ROLE fb_bob IN ROLE retention_rep;
CREATE ROLE fb_analyst IN ROLE retention_analyst;

-- Ann has two groups (crm, bi), Bob one (erp).
INSERT INTO retention.reps (id, name, role_name) VALUES (1, 'Ann', 'fb_ann'), (2, 'Bob', 'fb_bob');
INSERT INTO retention.groups (id, name, kind, product_types, rep_id) VALUES
	(1, 'Ann CRM', 'retention', '{crm}', 1), (2, 'Bob ERP', 'retention', '{erp}', 2),
	(3, 'Ann BI', 'retention', '{bi}', 1);
INSERT INTO retention.deals (id, customer, name, closed_on) VALUES
	(1, 'Acme', 'Acme', '2025-01-01'), (2, 'Globex', 'Globex', '2025-01-01');
INSERT INTO retention.products (id, deal_id, product_type, stage) VALUES
	(1, 1, 'crm', 'retention'), (2, 2, 'erp', 'retention'), (3, 1, 'bi', 'retention');

-- The last complete month (m1) and the one before (m2), in the session's
-- time zone; the administrator (this superuser) back-dates the answers.
CREATE TEMP VIEW m AS
SELECT date_trunc('month', now()) - interval '1 month' AS m1,
	   date_trunc('month', now()) - interval '2 months' AS m2;
GRANT SELECT ON m TO PUBLIC;
INSERT INTO retention.feedback (id, product_id, kind, score, comment, answered_at)
SELECT v.id, v.product_id, v.kind, v.score, v.comment, m.m1 + v.after
  FROM m, (VALUES
	(1, 1, 'nps', 10, 'love it', interval '1 day'),
	(2, 1, 'nps', 9, NULL, interval '2 days'),
	(3, 1, 'nps', 6, 'reports are slow', interval '5 days'),
	(4, 2, 'nps', 8, NULL, interval '6 days'),
	(5, 2, 'nps', 3, 'setup took months', interval '10 days'),
	(6, 3, 'nps', 0, 'nobody trained us', interval '12 days'),
	(7, 1, 'csat', 4, NULL, interval '3 days')) v (id, product_id, kind, score, comment, after);
INSERT INTO retention.feedback (id, product_id, kind, score, answered_at)
SELECT 8, 2, 'nps', 10, m.m2 + interval '15 days' FROM m;
SELECT setval('retention.feedback_id_seq', 100);

-- Every NPS answer is a happiness observation of its product at the time
-- of the answer, linked to it; the CSAT answer (7) is not.
SELECT o.feedback_id, o.product_id, o.measure, o.value, o.observed_at = f.answered_at AS same_time
  FROM retention.observations o
  JOIN retention.feedback f ON f.id = o.feedback_id
 ORDER BY o.feedback_id;
-- and health uses it: product 3's only data is its answer of 0, so on the
-- default scorecard happiness scores 0 (weight 30) and support tickets,
-- none counted, 100 (weight 20): (30 * 0 + 20 * 100) / 50 = 40
SELECT retention.score(h.health) AS score, retention.weakest_measure(h.health) AS pulled_down_by
  FROM retention.health_as_of(now()) h WHERE h.product_id = 3;

-- Follow-ups: 3 after 2 days (within 7), 5 after 8 days (not within), 6 none.
INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help, followed_up_at)
SELECT 3, 'performance', 'faster reports', f.answered_at + interval '2 days'
  FROM retention.feedback f WHERE f.id = 3;
INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help, followed_up_at)
SELECT 5, 'onboarding', 'a project manager during setup', f.answered_at + interval '8 days'
  FROM retention.feedback f WHERE f.id = 5;

-- NPS by month.  m1, overall: 10 9 6 8 3 0 = 2 promoters, 1 passive,
-- 3 detractors: NPS (2 - 3) / 6 = -16.67.  Margin: the scores are
-- +1 +1 -1 0 -1 -1, mean -1/6, sample variance (5 - 6/36) / 5 = 29/30,
-- standard error sqrt(29/30 / 6) = 0.40139, times 1.96 times 100 = 78.67.
-- Group Ann CRM: 10 9 6: NPS 1/3 = 33.33, mean 1/3, variance
-- (3 - 3/9) / 2 = 4/3, error sqrt(4/9) = 0.66667: 130.67.  Ann BI: 0, one
-- answer: -100, no margin.  Bob ERP: 8 3: -50, mean -1/2, variance
-- (1 - 2/4) / 1 = 1/2, error sqrt(1/4) = 0.5: 98.00.  Rep Ann (10 9 6 0):
-- 0, variance 4/3, error sqrt(1/3): 113.16.  Rep Bob as his group.
-- m2: one answer of 10: 100, no margin.  Every other month: no answers.
SELECT month = (SELECT m1 FROM m)::date AS is_m1, month = (SELECT m2 FROM m)::date AS is_m2,
	   breakdown, group_name, rep, responses, promoters, passives, detractors, nps, margin_of_error
  FROM retention.nps_by_month
 WHERE responses > 0
 ORDER BY month DESC, breakdown, group_name, rep;
SELECT count(*) AS months, count(*) FILTER (WHERE responses = 0 AND nps IS NULL) AS empty_months
  FROM retention.nps_by_month WHERE breakdown = 'overall';
-- the same from the aggregate directly
SELECT (retention.nps_detail(score)).* FROM retention.feedback
 WHERE kind = 'nps' AND answered_at >= (SELECT m1 FROM m) AND answered_at < (SELECT m1 FROM m) + interval '1 month';

-- The share followed up within 7 days, m1: overall 3 detractors, 2 followed
-- up, 1 within 7 days, none pending: 1/3.  Ann (3, 6): 1 of 2.  Bob (5): 0 of 1.
SELECT breakdown, rep, detractors, followed_up, followed_up_within_7_days, pending, share_within_7_days
  FROM retention.followup_rate
 WHERE month = (SELECT m1 FROM m)::date
 ORDER BY breakdown, rep;
SELECT month = (SELECT m2 FROM m)::date AS is_m2, breakdown, detractors, share_within_7_days
  FROM retention.followup_rate WHERE detractors = 0 ORDER BY month DESC LIMIT 1;

-- Top reasons: one each, shares 1/2.
SELECT top_reason, followups, share, last_90_days > 0 AS recent, average_score
  FROM retention.detractor_reasons ORDER BY followups DESC, top_reason;

-- Detractors to follow up: 6 only (3 and 5 are done; 8 and the passives are not detractors).
SELECT feedback_id, product_id, customer, group_name, rep, score, comment,
	   days_waiting = floor(extract(epoch FROM now() - answered_at) / 86400) AS days_right, overdue
  FROM retention.detractors_to_follow_up;

-- Row-level security.  Ann sees her products' answers (1 and 3), their
-- observations, follow-ups and views; Bob his own; the analyst everything.
SET ROLE fb_ann;
SELECT id, product_id, score FROM retention.feedback ORDER BY id;
SELECT feedback_id FROM retention.feedback_followups ORDER BY 1;
SELECT feedback_id, rep FROM retention.detractors_to_follow_up;
SELECT breakdown, group_name, rep, responses, nps FROM retention.nps_by_month
 WHERE responses > 0 AND month = (SELECT m1 FROM m)::date ORDER BY breakdown, group_name, rep;
SELECT top_reason, followups FROM retention.detractor_reasons ORDER BY 1;
-- she records an answer now: it is her product's happiness observation too
INSERT INTO retention.feedback (product_id, kind, score, comment)
VALUES (1, 'nps', 2, 'export is broken') RETURNING id, recorded_by, answered_at = now() AS now_stamped;
SELECT product_id, measure, value, feedback_id FROM retention.observations WHERE feedback_id = 101;
-- a time a few minutes ago is fine (a queued answer), an hour ago is back-dating
INSERT INTO retention.feedback (product_id, kind, score, answered_at)
VALUES (3, 'csat', 5, now() - interval '5 minutes') RETURNING id;
\set VERBOSITY terse
INSERT INTO retention.feedback (product_id, kind, score, answered_at)
VALUES (3, 'nps', 9, now() - interval '1 hour');
\set VERBOSITY default
-- she follows up her new detractor now, in her own name (the current role;
-- the default is the session user); not Bob's, which she cannot see
INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help, followed_up_by)
VALUES (101, 'product_quality', 'a fix for the export', 'fb_ann') RETURNING feedback_id, followed_up_by, followed_up_at = now() AS now_stamped;
INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help)
VALUES (5, 'onboarding', 'x');
-- nor back-date a follow-up, nor sign it as someone else
\set VERBOSITY terse
INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help, followed_up_at)
VALUES (6, 'onboarding', 'training', now() - interval '1 day');
\set VERBOSITY default
INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help, followed_up_by)
VALUES (6, 'onboarding', 'training', 'fb_bob');
-- she cannot write answers of Bob's product, nor change or remove answers
INSERT INTO retention.feedback (product_id, kind, score) VALUES (2, 'nps', 10);
UPDATE retention.feedback SET score = 10 WHERE id = 3;
DELETE FROM retention.feedback WHERE id = 3;
RESET ROLE;
SET ROLE fb_bob;
SELECT id, product_id, score FROM retention.feedback ORDER BY id;
SELECT feedback_id FROM retention.feedback_followups ORDER BY 1;
SELECT feedback_id, rep FROM retention.detractors_to_follow_up;
SELECT breakdown, rep, detractors, share_within_7_days FROM retention.followup_rate
 WHERE month = (SELECT m1 FROM m)::date ORDER BY breakdown, rep;
RESET ROLE;
SET ROLE fb_analyst;
SELECT count(*) AS answers FROM retention.feedback;
SELECT count(*) AS followups FROM retention.feedback_followups;
SELECT feedback_id, rep FROM retention.detractors_to_follow_up;
INSERT INTO retention.feedback (product_id, kind, score) VALUES (1, 'nps', 10);
INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help)
VALUES (6, 'onboarding', 'x');
RESET ROLE;

-- Refusals, each changing nothing.
-- out of range (22003), like the aggregates; an unknown kind
INSERT INTO retention.feedback (product_id, kind, score) VALUES (1, 'nps', 11);
INSERT INTO retention.feedback (product_id, kind, score) VALUES (1, 'nps', -1);
INSERT INTO retention.feedback (product_id, kind, score) VALUES (1, 'csat', 0);
INSERT INTO retention.feedback (product_id, kind, score) VALUES (1, 'csat', 6);
INSERT INTO retention.feedback (product_id, kind, score) VALUES (1, 'ces', 3);
INSERT INTO retention.feedback (product_id, kind, score) VALUES (1, 'nps', NULL);
-- not in the future, even for an administrator (terse: the details name the times)
\set VERBOSITY terse
INSERT INTO retention.feedback (product_id, kind, score, answered_at) VALUES (1, 'nps', 5, now() + interval '1 day');
\set VERBOSITY default
-- an answer's product and kind are fixed
UPDATE retention.feedback SET product_id = 2 WHERE id = 1;
UPDATE retention.feedback SET kind = 'csat', score = 5 WHERE id = 1;
-- follow-ups only of detractors: not of a passive, a promoter or a CSAT answer
INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help) VALUES (4, 'price', 'x');
INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help) VALUES (1, 'price', 'x');
INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help) VALUES (7, 'price', 'x');
INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help) VALUES (999, 'price', 'x');
-- one follow-up per answer
INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help) VALUES (3, 'price', 'x');
-- reasons non-blank; the top reason a label
INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help) VALUES (6, E' \t', 'x');
INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help) VALUES (6, NULL, 'x');
INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help) VALUES (6, 'Missing feature', 'x');
INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help) VALUES (6, repeat('a', 41), 'x');
INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help) VALUES (6, 'onboarding', E'\n ');
-- not before the answer, not in the future
\set VERBOSITY terse
INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help, followed_up_at)
SELECT 6, 'onboarding', 'x', f.answered_at - interval '1 second' FROM retention.feedback f WHERE f.id = 6;
INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help, followed_up_at)
VALUES (6, 'onboarding', 'x', now() + interval '1 hour');
\set VERBOSITY default
-- a followed-up detractor stays one
UPDATE retention.feedback SET score = 9 WHERE id = 3;
SELECT count(*) AS answers, sum(score) AS scores FROM retention.feedback;
SELECT count(*) AS followups FROM retention.feedback_followups;
SELECT count(*) AS linked_observations FROM retention.observations WHERE feedback_id IS NOT NULL;

-- An administrator corrects an answer: its observation follows.
UPDATE retention.feedback SET score = 1, answered_at = answered_at + interval '1 hour' WHERE id = 6;
SELECT o.value, o.observed_at = f.answered_at AS same_time
  FROM retention.observations o JOIN retention.feedback f ON f.id = o.feedback_id WHERE f.id = 6;
-- an administrator may record a follow-up for someone, in the past
INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help, followed_up_by, followed_up_at)
SELECT 6, 'onboarding', 'training in the first week', 'fb_ann', f.answered_at + interval '3 days'
  FROM retention.feedback f WHERE f.id = 6
RETURNING feedback_id, followed_up_by;
SELECT top_reason, followups, share FROM retention.detractor_reasons ORDER BY followups DESC, top_reason;

-- Deleting an answer takes its observation and follow-up along.
DELETE FROM retention.feedback WHERE id = 5;
SELECT count(*) AS observations_of_5 FROM retention.observations WHERE feedback_id = 5;
SELECT count(*) AS followups_of_5 FROM retention.feedback_followups WHERE feedback_id = 5;
-- An observation cannot be linked to another product's answer.
INSERT INTO retention.observations (product_id, measure, observed_at, value, feedback_id)
VALUES (2, 'happiness', now(), 3, 1);

-- A product with answers still cannot be deleted; forgetting it takes its
-- answers, follow-ups and observations.
DELETE FROM retention.products WHERE id = 3;
SELECT retention.forget_product(3, 'test') AS history_rows;
SELECT count(*) AS answers_of_3 FROM retention.feedback WHERE product_id = 3;
SELECT count(*) AS followups_of_3 FROM retention.feedback_followups u
  WHERE u.feedback_id IN (6, 102);
SELECT count(*) AS observations_of_3 FROM retention.observations WHERE product_id = 3;

-- A detractor whose 7 days have not passed is pending, not a miss: an
-- answer an hour before the end of m1, not followed up, is pending exactly
-- while now() is less than 6 days 23 hours into the current month.
INSERT INTO retention.feedback (id, product_id, kind, score, answered_at)
SELECT 200, 2, 'nps', 4, date_trunc('month', now()) - interval '1 hour';
SELECT pending = CASE WHEN now() < date_trunc('month', now()) + interval '6 days 23 hours' THEN 1 ELSE 0 END
	   AS pending_right,
	   detractors
  FROM retention.followup_rate WHERE breakdown = 'overall' AND month = (SELECT m1 FROM m)::date;

SET client_min_messages = warning;
DROP EXTENSION retention CASCADE;
DROP ROLE fb_ann;
DROP ROLE fb_bob;
DROP ROLE fb_analyst;
