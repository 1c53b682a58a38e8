-- test/demo/data.sql: a deterministic demo data set for retention
--
-- Six reps and their groups, 300 won deals with the products they yielded,
-- and eighteen months of work on those products: onboarding finished,
-- products recycled for more training, products lost to churn or
-- terminated contracts, MRR raised and cut.  Every move goes through the
-- stage triggers, so retention.stage_history and retention.mrr_history are
-- written the way they are for real data, dated as an administrator
-- importing history dates them (the backfill); each week is a transaction
-- of its own.  The same data every time (no random()), and dates relative
-- to today.  Loads in a few seconds.
--
-- Run it in a database where retention is installed and still empty:
--     psql -v ON_ERROR_STOP=1 -f test/demo/data.sql
-- It creates the roles rep_* (one per rep) and cs_ops (who makes the moves).

\set ON_ERROR_STOP on

DO $guard$
BEGIN
	IF EXISTS (SELECT FROM retention.deals) OR EXISTS (SELECT FROM retention.reps) THEN
		RAISE EXCEPTION 'the demo data needs an empty retention installation'
			USING HINT = 'Run it in a new database: CREATE DATABASE retention_demo.';
	END IF;
END
$guard$;

-- A number in 0 .. m - 1 that depends only on n and salt: the demo's dice.
CREATE FUNCTION pg_temp.pick(n bigint, salt integer, m integer) RETURNS integer
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN ((pg_catalog.hashint8(n * 1000 + salt)::bigint + 2147483648) % m)::integer;

-- Roles: one per rep (the role each logs in as), and cs_ops, the customer
-- success operations user who records the moves below.
DO $roles$
DECLARE
	r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['rep_maria', 'rep_kenji', 'rep_priya', 'rep_tom',
							 'rep_lena', 'rep_omar'] LOOP
		IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r) THEN
			EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN IN ROLE retention_rep', r);
		END IF;
	END LOOP;
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'cs_ops') THEN
		CREATE ROLE cs_ops NOLOGIN IN ROLE retention_admin;
	END IF;
END
$roles$;

INSERT INTO retention.reps (id, name, email, role_name) VALUES
	(1, 'Maria Alvarez', 'maria.alvarez@example.com', 'rep_maria'),
	(2, 'Kenji Watanabe', 'kenji.watanabe@example.com', 'rep_kenji'),
	(3, 'Priya Raman', 'priya.raman@example.com', 'rep_priya'),
	(4, 'Tom Becker', 'tom.becker@example.com', 'rep_tom'),
	(5, 'Lena Fischer', 'lena.fischer@example.com', 'rep_lena'),
	(6, 'Omar Haddad', 'omar.haddad@example.com', 'rep_omar');

-- Products are placed by type: one onboarding and one retention group per type.
INSERT INTO retention.groups (id, name, kind, product_types, rep_id) VALUES
	(1, 'Platform onboarding', 'onboarding', '{core_platform,analytics}', 5),
	(2, 'Add-on onboarding', 'onboarding', '{integrations,mobile_app,premium_support}', 6),
	(3, 'Enterprise platform', 'retention', '{core_platform}', 1),
	(4, 'Analytics', 'retention', '{analytics}', 2),
	(5, 'Integrations & mobile', 'retention', '{integrations,mobile_app}', 3),
	(6, 'Premium support', 'retention', '{premium_support}', 4);

-- 300 deals over 120 customers: each customer's first deal (1 .. 120) is new
-- business, later ones are expansions; the oldest closed 1.5 years ago.
CREATE TEMP TABLE demo_deal AS
SELECT d,
	   (ARRAY['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay',
			  'Soylent', 'Wonka', 'Stark', 'Wayne', 'Tyrell', 'Cyberdyne',
			  'Aperture', 'Oscorp', 'Gringotts', 'Monarch', 'Pied Piper',
			  'Dunder Mifflin', 'Massive Dynamic', 'Nakatomi'])[(c - 1) % 20 + 1]
	   || ' ' ||
	   (ARRAY['Logistics', 'Foods', 'Health', 'Bank', 'Retail', 'Media'])[(c - 1) / 20 + 1]
	   AS customer,
	   (ARRAY['enterprise', 'mid-market', 'smb'])[pg_temp.pick(c, 1, 3) + 1] AS segment,
	   d <= 120 AS new_business,
	   CURRENT_DATE - (548 - d * 9 / 5 + pg_temp.pick(d, 2, 7)) AS closed_on
  FROM pg_catalog.generate_series(1, 300) AS d,
	   LATERAL (SELECT (d * 37) % 120 + 1 AS c) AS customer_no;

-- What each deal sold: new business always the platform, often analytics and
-- premium support; an expansion one or two add-ons.
CREATE TEMP TABLE demo_product AS
SELECT pg_catalog.row_number() OVER (ORDER BY s.d, s.n) AS id, s.*
  FROM (SELECT dd.d, x.n, x.product_type
		  FROM demo_deal dd,
			   LATERAL (VALUES
				   (1, CASE WHEN dd.new_business THEN 'core_platform'
							ELSE (ARRAY['analytics', 'integrations', 'mobile_app', 'premium_support'])
								 [pg_temp.pick(dd.d, 3, 4) + 1] END),
				   (2, CASE WHEN dd.new_business AND pg_temp.pick(dd.d, 4, 100) < 55 THEN 'analytics'
							WHEN NOT dd.new_business AND pg_temp.pick(dd.d, 4, 100) < 40
							THEN (ARRAY['analytics', 'integrations', 'mobile_app', 'premium_support'])
								 [(pg_temp.pick(dd.d, 3, 4) + 1 + pg_temp.pick(dd.d, 5, 3)) % 4 + 1] END),
				   (3, CASE WHEN dd.new_business AND pg_temp.pick(dd.d, 6, 100) < 35
							THEN 'premium_support' END)
			   ) AS x (n, product_type)
		 WHERE x.product_type IS NOT NULL) AS s;

ALTER TABLE demo_product ADD COLUMN mrr numeric(14, 2);
UPDATE demo_product SET mrr = CASE product_type
	WHEN 'core_platform' THEN 1500 + 100 * pg_temp.pick(id, 7, 40)
	WHEN 'analytics' THEN 600 + 25 * pg_temp.pick(id, 7, 40)
	WHEN 'integrations' THEN 300 + 10 * pg_temp.pick(id, 7, 40)
	WHEN 'mobile_app' THEN 450 + 15 * pg_temp.pick(id, 7, 40)
	ELSE 250 + 5 * pg_temp.pick(id, 7, 40) END;

-- A deal's amount is a year of what it sold; details hold what was agreed.
INSERT INTO retention.deals (id, customer, name, amount, closed_on, owner, details, created_at)
SELECT dd.d, dd.customer,
	   CASE WHEN dd.new_business THEN 'New business' ELSE 'Expansion' END
	   || ', ' || pg_catalog.to_char(dd.closed_on, 'Mon YYYY'),
	   12 * (SELECT sum(p.mrr) FROM demo_product p WHERE p.d = dd.d),
	   dd.closed_on,
	   (ARRAY['Dana Kim', 'Luis Ortega', 'Sophie Martin', 'Ade Okafor'])[pg_temp.pick(dd.d, 8, 4) + 1],
	   pg_catalog.jsonb_build_object(
		   'segment', dd.segment,
		   'seats', 10 * (1 + pg_temp.pick(dd.d, 9, 30)),
		   'requirements', pg_catalog.jsonb_build_array(
			   (ARRAY['SSO via Okta', 'Salesforce sync', 'EU data residency',
					  '99.9% uptime SLA', 'Quarterly business reviews',
					  'Custom dashboards'])[pg_temp.pick(dd.d, 10, 6) + 1],
			   (ARRAY['Admin training for 5', 'Data import from legacy CRM',
					  'Dedicated CSM', 'Audit log export'])[pg_temp.pick(dd.d, 11, 4) + 1])),
	   dd.closed_on + time '17:00'
  FROM demo_deal dd
 ORDER BY dd.d;

-- Products enter the lifecycle in onboarding, except support plans and part
-- of the expansions (customers already trained), which go straight to
-- retention.  The triggers place each in its group and record the entry;
-- its MRR takes effect the day it enters (the MRR history dates it there).
INSERT INTO retention.products (id, deal_id, customer, product_type, mrr, stage,
								created_at, stage_entered_at, mrr_since)
SELECT p.id, p.d, dd.customer, p.product_type, p.mrr,
	   CASE WHEN p.product_type = 'premium_support'
				 OR (NOT dd.new_business AND pg_temp.pick(p.id, 12, 100) < 30)
			THEN 'retention' ELSE 'onboarding' END,
	   t.created_at, t.created_at, t.created_at
  FROM demo_product p
  JOIN demo_deal dd ON dd.d = p.d,
	   LATERAL (SELECT LEAST(pg_catalog.now(),
							 (dd.closed_on + (2 + pg_temp.pick(p.id, 13, 6)) * interval '1 day'
							  + time '09:00' + pg_temp.pick(p.id, 14, 480) * interval '1 minute')::timestamptz)
			   AS created_at) AS t
 ORDER BY p.id;

-- The rows above chose their own ids: move the sequences past them.
DO $sequences$
BEGIN
	PERFORM pg_catalog.setval(pg_catalog.pg_get_serial_sequence('retention.reps', 'id'),
							  (SELECT max(id) FROM retention.reps));
	PERFORM pg_catalog.setval(pg_catalog.pg_get_serial_sequence('retention.groups', 'id'),
							  (SELECT max(id) FROM retention.groups));
	PERFORM pg_catalog.setval(pg_catalog.pg_get_serial_sequence('retention.deals', 'id'),
							  (SELECT max(id) FROM retention.deals));
	PERFORM pg_catalog.setval(pg_catalog.pg_get_serial_sequence('retention.products', 'id'),
							  (SELECT max(id) FROM retention.products));
END
$sequences$;

-- Eighteen months of work, one transaction a week, made by cs_ops, an
-- administrator who imports them with their real dates: each week's moves
-- and MRR changes are dated that week (stage_entered_at or mrr_since set in
-- the same statement), the first 78 weeks ago, the last one a week ago.
-- Products take four to eight weeks to onboard; about 2% of those in
-- retention are lost each month and 1.5% recycled; MRR grows for some
-- and shrinks for fewer.
SET ROLE cs_ops;
DO $weeks$
DECLARE
	week integer;
	week_at timestamptz;
	p record;
BEGIN
	FOR week IN 1 .. 78 LOOP
		week_at := pg_catalog.now() - (79 - week) * interval '7 days';
		-- Onboarding finished: products in onboarding for four weeks or
		-- more move on, a share of them each week (a plain UPDATE).
		UPDATE retention.products
		   SET stage = 'retention', stage_entered_at = week_at
		 WHERE stage = 'onboarding'
		   AND stage_reason IS NULL
		   AND stage_entered_at < week_at - interval '28 days'
		   AND pg_temp.pick(id, 1000 + week, 100) < 40;

		-- Recycled products back from their extra training.
		FOR p IN SELECT id FROM retention.products
				  WHERE stage = 'onboarding' AND stage_reason IS NOT NULL
					AND stage_entered_at < week_at - interval '14 days'
					AND pg_temp.pick(id, 2000 + week, 100) < 50
				  ORDER BY id LOOP
			UPDATE retention.products
			   SET stage = 'retention', stage_reason = 'extra training completed',
				   stage_entered_at = week_at
			 WHERE id = p.id;
		END LOOP;

		-- A few products go back to onboarding (recycled, with a reason).
		FOR p IN SELECT id FROM retention.products
				  WHERE stage = 'retention' AND product_type <> 'premium_support'
					AND stage_entered_at < week_at
					AND pg_temp.pick(id, 3000 + week, 1000) < 4
				  ORDER BY id LOOP
			UPDATE retention.products SET stage = 'onboarding', stage_entered_at = week_at, stage_reason =
				(ARRAY['new admin team needs training',
					   'SSO broken after identity provider change',
					   'usage dropped: re-onboard the team',
					   'data migration to redo',
					   'rollout to new departments'])[pg_temp.pick(p.id, 4000 + week, 5) + 1]
			 WHERE id = p.id;
		END LOOP;

		-- A few are lost (made ineligible, with a reason).
		FOR p IN SELECT id FROM retention.products
				  WHERE stage = 'retention'
					AND stage_entered_at < week_at
					AND pg_temp.pick(id, 5000 + week, 1000) < 5
				  ORDER BY id LOOP
			UPDATE retention.products SET stage = 'ineligible', stage_entered_at = week_at, stage_reason =
				(ARRAY['churned: moved to a competitor',
					   'churned: moved to a competitor',
					   'churned: moved to a competitor',
					   'churned: product not adopted',
					   'churned: product not adopted',
					   'contract terminated: budget cuts',
					   'contract terminated: budget cuts',
					   'contract terminated: company acquired',
					   'contract terminated: company acquired',
					   'other: duplicate purchase'])[pg_temp.pick(p.id, 6000 + week, 10) + 1]
			 WHERE id = p.id;
		END LOOP;

		-- Now and then a whole customer leaves: every product it has in
		-- retention is made ineligible the same week.
		UPDATE retention.products SET stage = 'ineligible', stage_entered_at = week_at, stage_reason =
			(ARRAY['churned: moved to a competitor',
				   'contract terminated: budget cuts',
				   'contract terminated: company acquired'])
				[pg_temp.pick(pg_catalog.hashtext(customer), 11000 + week, 3) + 1]
		 WHERE stage = 'retention'
		   AND stage_entered_at < week_at
		   AND pg_temp.pick(pg_catalog.hashtext(customer), 12000 + week, 1000) < 3;

		-- MRR changes of products in retention: more seats (10 to 30% up)
		-- now and then, fewer seats (10 to 25% down) less often.
		UPDATE retention.products
		   SET mrr = round(mrr * (1.10 + 0.05 * pg_temp.pick(id, 7000 + week, 5)), 2),
			   mrr_since = week_at
		 WHERE stage = 'retention'
		   AND mrr_since < week_at
		   AND pg_temp.pick(id, 8000 + week, 1000) < 9;
		UPDATE retention.products
		   SET mrr = round(mrr * (0.90 - 0.05 * pg_temp.pick(id, 9000 + week, 4)), 2),
			   mrr_since = week_at
		 WHERE stage = 'retention'
		   AND mrr_since < week_at
		   AND pg_temp.pick(id, 10000 + week, 1000) < 4;

		COMMIT;
	END LOOP;
END
$weeks$;
RESET ROLE;

-- Health.  A scorecard of its own for the enterprise platform (happiness
-- weighs more, the bands are stricter); the other groups use "default".
BEGIN;
INSERT INTO retention.scorecards (name, red_below, yellow_below, alert_drop, description)
	VALUES ('enterprise', 50, 75, 8, 'enterprise platform accounts: happiness first, stricter bands');
INSERT INTO retention.scorecard_measures (scorecard, measure, weight) VALUES
	('enterprise', 'usage', 40), ('enterprise', 'happiness', 40), ('enterprise', 'support_tickets', 20);
COMMIT;
UPDATE retention.groups SET scorecard = 'enterprise' WHERE name = 'Enterprise platform';

-- Observations over the last 90 days for every product still under care.
-- One product in seven is slipping: its usage falls toward today, its
-- surveys are poor and it opens more tickets.
CREATE TEMP TABLE demo_health AS
SELECT p.id,
	   pg_temp.pick(p.id, 81, 7) = 0 AS slipping,
	   4 + pg_temp.pick(p.id, 80, 21) AS base_usage
  FROM retention.products p
 WHERE p.stage <> 'ineligible';

INSERT INTO retention.observations (product_id, measure, observed_at, value)
SELECT h.id, 'usage', CURRENT_DATE - d + time '18:00',
	   CASE WHEN h.slipping THEN round(h.base_usage * (0.15 + 0.85 * d / 90.0), 1)
			ELSE h.base_usage + pg_temp.pick(h.id * 100 + d, 82, 5) - 2 END
  FROM demo_health h, pg_catalog.generate_series(1, 90) AS d
UNION ALL
SELECT h.id, 'happiness', CURRENT_DATE - d + time '11:00',
	   CASE WHEN h.slipping THEN 2 + pg_temp.pick(h.id * 100 + d, 83, 5)
			ELSE 6 + pg_temp.pick(h.id * 100 + d, 83, 5) END
  FROM demo_health h, (VALUES (4), (34), (64)) AS s (d)
 WHERE pg_temp.pick(h.id * 100 + d, 84, 10) < 8
UNION ALL
SELECT h.id, 'support_tickets', CURRENT_DATE - (1 + pg_temp.pick(h.id * 100 + t, 85, 60)) + time '14:00', NULL
  FROM demo_health h,
	   LATERAL pg_catalog.generate_series(1, CASE WHEN h.slipping THEN 8 + pg_temp.pick(h.id, 86, 10)
											  ELSE pg_temp.pick(h.id, 86, 7) END) AS t;

-- Yesterday two healthy accounts ran into trouble: a poor survey answer and
-- a burst of tickets.  Yesterday's snapshot (taken by the report) raises
-- their alerts.
INSERT INTO retention.observations (product_id, measure, observed_at, value)
SELECT h.id, m.measure, CURRENT_DATE - 1 + time '15:00' + t * interval '1 minute', m.value
  FROM (SELECT min(h.id) AS id
		  FROM demo_health h JOIN retention.products p ON p.id = h.id
		 WHERE NOT h.slipping AND p.stage = 'retention'
		 GROUP BY p.group_id ORDER BY min(h.id) LIMIT 2) AS h,
	   (VALUES ('happiness', 1.0, 1), ('support_tickets', NULL, 9)) AS m (measure, value, n),
	   LATERAL pg_catalog.generate_series(1, m.n) AS t;

-- A hand-set score: the account team has the sponsor's word on renewal.
SELECT (retention.override_health(min(h.id), 72, 'executive sponsor confirmed renewal',
								  CURRENT_DATE + 30)).product_id AS overridden
  FROM demo_health h
  JOIN retention.products p ON p.id = h.id
 WHERE h.slipping AND p.stage = 'retention' \gset

-- Two weeks of daily snapshots, as pg_cron would have taken them, up to
-- two days ago (the report takes yesterday's and shows its alerts).
SELECT sum(retention.snapshot_health(CURRENT_DATE - d)) AS snapshots
  FROM pg_catalog.generate_series(15, 2, -1) AS d \gset

DROP TABLE demo_deal, demo_product, demo_health;
DROP FUNCTION pg_temp.pick(bigint, integer, integer);
ANALYZE retention.deals, retention.products, retention.stage_history, retention.observations,
	retention.health_snapshots;

------------------------------------------------------------------------------
-- Survey answers and closing the loop (retention.feedback, feedback_followups)
------------------------------------------------------------------------------
-- 300 answers over the last 18 months, four in five NPS and one in five
-- CSAT, from products chosen by query (any stage); each group leans its own
-- way, so that NPS differs by group.  Nine in ten detractors older than 60
-- days were followed up (by the rep of the product's group), half of the
-- more recent ones, most within the 7 days, some later; the others wait in
-- retention.detractors_to_follow_up.  cs_ops
-- imports them with their real dates (an administrator may back-date).
--
-- NPS answers are also happiness observations.  So as not to move the
-- health already snapshotted above, an NPS answer of the last 95 days is
-- kept only where the product has a later happiness observation from before
-- yesterday (which the health of these days reads instead); others are
-- dated 100 days earlier.
CREATE FUNCTION pg_temp.fb_pick(n bigint, salt integer, m integer) RETURNS integer
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN ((pg_catalog.hashint8(n * 1000 + salt)::bigint + 2147483648) % m)::integer;
SET ROLE cs_ops;
CREATE TEMP TABLE demo_answer AS
WITH prod AS (
	SELECT p.id, p.group_id, row_number() OVER (ORDER BY p.id) - 1 AS k, count(*) OVER () AS products
	  FROM retention.products p
), draw AS (
	SELECT s, prod.id AS product_id,
		   CASE WHEN pg_temp.fb_pick(s, 2, 5) = 0 THEN 'csat' ELSE 'nps' END AS kind,
		   pg_temp.fb_pick(s, 5, 100) + pg_temp.fb_pick(coalesce(prod.group_id, 0), 6, 31) - 15 AS mood,
		   pg_catalog.now() - (5 + pg_temp.fb_pick(s, 3, 535)) * interval '1 day'
			   - pg_temp.fb_pick(s, 4, 24) * interval '1 hour' AS candidate_at
	  FROM pg_catalog.generate_series(1, 300) AS s
	  JOIN prod ON prod.k = pg_temp.fb_pick(s, 1, prod.products::integer)
)
SELECT d.s, d.product_id, d.kind,
	   CASE WHEN d.kind = 'nps' THEN
				CASE WHEN d.mood >= 55 THEN 9 + pg_temp.fb_pick(d.s, 7, 2)
					 WHEN d.mood >= 28 THEN 7 + pg_temp.fb_pick(d.s, 7, 2)
					 ELSE pg_temp.fb_pick(d.s, 7, 7) END
			ELSE CASE WHEN d.mood >= 55 THEN 4 + pg_temp.fb_pick(d.s, 7, 2)
					  WHEN d.mood >= 28 THEN 3
					  ELSE 1 + pg_temp.fb_pick(d.s, 7, 2) END
	   END AS score,
	   CASE WHEN d.kind = 'nps' AND d.candidate_at > pg_catalog.now() - interval '95 days'
				 AND NOT EXISTS (SELECT FROM retention.observations o
								  WHERE o.product_id = d.product_id AND o.measure = 'happiness'
									AND o.observed_at > d.candidate_at
									AND o.observed_at < CURRENT_DATE - 1)
			THEN d.candidate_at - interval '100 days'
			ELSE d.candidate_at END AS answered_at
  FROM draw d;

INSERT INTO retention.feedback (product_id, kind, score, comment, answered_at)
SELECT a.product_id, a.kind, a.score,
	   CASE WHEN a.kind = 'nps' AND a.score <= 6 THEN
				(ARRAY['setup took far longer than promised', 'reports are too slow',
					   'we still cannot export to our warehouse', 'support takes days to answer',
					   'too expensive for what we use', NULL])[pg_temp.fb_pick(a.s, 8, 6) + 1]
			WHEN a.score >= 9 AND pg_temp.fb_pick(a.s, 8, 3) = 0 THEN 'the team loves it'
	   END,
	   a.answered_at
  FROM demo_answer a
 ORDER BY a.answered_at, a.s;

INSERT INTO retention.feedback_followups (feedback_id, top_reason, what_would_help,
										  followed_up_by, followed_up_at)
SELECT f.id, r.reason,
	   CASE r.reason
			WHEN 'onboarding' THEN 'a named onboarding lead and a training plan for the first month'
			WHEN 'missing_feature' THEN 'the export to our data warehouse'
			WHEN 'performance' THEN 'reports that load in seconds'
			WHEN 'support' THEN 'answers within a day'
			WHEN 'price' THEN 'a plan sized for a team of our size'
			ELSE 'fewer bugs in the releases' END,
	   coalesce(rp.role_name, 'cs_ops'),
	   f.answered_at + (2 + pg_temp.fb_pick(f.id, 10, 240)) * interval '1 hour'
  FROM retention.feedback f
  JOIN retention.products p ON p.id = f.product_id
  LEFT JOIN retention.groups g ON g.id = p.group_id
  LEFT JOIN retention.reps rp ON rp.id = g.rep_id
  CROSS JOIN LATERAL (SELECT (ARRAY['onboarding', 'onboarding', 'missing_feature', 'missing_feature',
								   'missing_feature', 'support', 'price', 'performance',
								   'performance', 'product_quality'])[pg_temp.fb_pick(f.id, 11, 10) + 1]
								   AS reason) r
 WHERE f.kind = 'nps' AND f.score <= 6
   AND pg_temp.fb_pick(f.id, 9, 10) < CASE WHEN f.answered_at < pg_catalog.now() - interval '60 days' THEN 9 ELSE 5 END
   AND f.answered_at + (2 + pg_temp.fb_pick(f.id, 10, 240)) * interval '1 hour' < pg_catalog.now()
 ORDER BY f.id;
RESET ROLE;

DROP TABLE demo_answer;
DROP FUNCTION pg_temp.fb_pick(bigint, integer, integer);
ANALYZE retention.feedback, retention.feedback_followups;

-- Growth opportunities (issue 10, section 4)
------------------------------------------------------------------------------
-- About 40 opportunities over the last 18 months on products still under
-- care (every seventh one, by id), imported by cs_ops with their real dates:
-- created open, then won or lost.  A won upsell raises its product's MRR
-- from the day it was won (through the MRR history; after the product's
-- latest MRR change); a won cross-sell becomes a new product of
-- the same customer, entering onboarding that day.  Then, this week, four
-- reps log opportunities themselves (row-level security gives each only
-- their own products), and one wins hers.  The same data every time.
CREATE TEMP TABLE demo_opp AS
SELECT pg_catalog.row_number() OVER (ORDER BY p.id) AS i,
	   p.id AS product_id, p.deal_id, p.customer, p.product_type, p.mrr, p.mrr_since,
	   (SELECT pg_catalog.min(h.changed_at) FROM retention.stage_history h
		 WHERE h.table_name = 'retention.products' AND h.product_id = p.id) AS entered_at
  FROM retention.products p
 WHERE p.stage IN ('retention', 'onboarding') AND p.mrr > 0 AND p.id % 7 = 3
 ORDER BY p.id
 LIMIT 36;
GRANT SELECT ON demo_opp TO cs_ops;

SET ROLE cs_ops;
DO $opportunities$
DECLARE
	o record;
	kind text;
	amount numeric;
	outcome text;
	created timestamptz;
	closing timestamptz;
	opp bigint;
	new_product bigint;
BEGIN
	FOR o IN SELECT * FROM demo_opp ORDER BY i LOOP
		kind := CASE WHEN o.i % 4 = 0 THEN 'cross_sell' ELSE 'upsell' END;
		amount := CASE WHEN kind = 'cross_sell' THEN (ARRAY[300, 450, 600])[o.i % 3 + 1]
					   ELSE GREATEST(pg_catalog.round(o.mrr * (0.08 + 0.04 * (o.i % 5)), -1), 10) END;
		outcome := CASE WHEN o.i % 10 IN (1, 2, 4, 6, 8) THEN 'won'
						WHEN o.i % 10 IN (3, 7, 9) THEN 'lost' ELSE 'open' END;
		created := LEAST(pg_catalog.now(),
			GREATEST(pg_catalog.now() - (545 - o.i * 14) * interval '1 day' + time '10:00',
								coalesce(o.entered_at, pg_catalog.now())));
		closing := created + (15 + (o.i * 7) % 40) * interval '1 day';
		IF closing > pg_catalog.now() THEN
			outcome := 'open';				-- still being worked
		END IF;

		INSERT INTO retention.opportunities (product_id, kind, mrr, note, created_at)
		VALUES (o.product_id, kind, amount,
				CASE WHEN kind = 'cross_sell'
					 THEN (ARRAY['wants the integrations add-on', 'asked about the mobile app',
								 'new team could use it'])[o.i % 3 + 1]
					 ELSE (ARRAY['more seats for a new team', 'asked about the enterprise tier',
								 'usage near the plan limit', 'new department rolling out',
								 'renewal call: room to grow'])[o.i % 5 + 1] END,
				created)
		RETURNING id INTO opp;

		IF outcome = 'lost' THEN
			UPDATE retention.opportunities SET status = 'lost', closed_at = closing,
				   note = note || '; lost: ' || (ARRAY['no budget this year', 'chose a competitor',
													  'timing: revisit next quarter'])[o.i % 3 + 1]
			 WHERE id = opp;
		ELSIF outcome = 'won' AND kind = 'upsell' THEN
			UPDATE retention.opportunities
			   SET status = 'won',
				   closed_at = LEAST(pg_catalog.now(), GREATEST(closing, o.mrr_since + interval '1 hour'))
			 WHERE id = opp;
		ELSIF outcome = 'won' THEN
			INSERT INTO retention.products (deal_id, customer, product_type, mrr, mrr_since, stage,
											created_at, stage_entered_at)
			VALUES (o.deal_id, o.customer,
					CASE WHEN o.product_type = 'integrations' THEN 'mobile_app' ELSE 'integrations' END,
					amount, closing, 'onboarding', closing, closing)
			RETURNING id INTO new_product;
			UPDATE retention.opportunities SET status = 'won', closed_at = closing, won_product_id = new_product
			 WHERE id = opp;
		END IF;
	END LOOP;
END
$opportunities$;
RESET ROLE;

-- This week: four reps log an opportunity on their first product under care
-- with an MRR (each sees only their own), and Maria wins hers on the call.
SET ROLE rep_maria;
INSERT INTO retention.opportunities (product_id, kind, mrr, note)
SELECT p.id, 'upsell', 200, 'found on a QBR call' FROM retention.products p
 WHERE p.stage = 'retention' AND p.mrr > 0 ORDER BY p.id LIMIT 1;
UPDATE retention.opportunities SET status = 'won'
 WHERE note = 'found on a QBR call' AND status = 'open';
SET ROLE rep_kenji;
INSERT INTO retention.opportunities (product_id, kind, mrr, note)
SELECT p.id, 'upsell', 150, 'found on a QBR call' FROM retention.products p
 WHERE p.stage = 'retention' AND p.mrr > 0 ORDER BY p.id LIMIT 1;
SET ROLE rep_priya;
INSERT INTO retention.opportunities (product_id, kind, mrr, note)
SELECT p.id, 'cross_sell', 450, 'asked about mobile' FROM retention.products p
 WHERE p.stage = 'retention' AND p.mrr > 0 ORDER BY p.id LIMIT 1;
SET ROLE rep_tom;
INSERT INTO retention.opportunities (product_id, kind, mrr, note)
SELECT p.id, 'upsell', 100, 'found on a QBR call' FROM retention.products p
 WHERE p.stage = 'retention' AND p.mrr > 0 ORDER BY p.id LIMIT 1;
RESET ROLE;

DROP TABLE demo_opp;
ANALYZE retention.opportunities, retention.mrr_history, retention.products;
