-- test/demo/data.sql: a deterministic demo data set for retention
--
-- Six reps and their groups, 300 won deals with the products they yielded,
-- and six weeks of work on those products: onboarding finished, products
-- recycled for more training, products lost to churn or terminated
-- contracts.  Every move goes through the stage triggers, so
-- retention.stage_history is written the way it is for real data, dated
-- as an administrator importing history dates it; each week is a
-- transaction of its own.  The same data every time (no random()), and
-- dates relative to today.  Loads in about a second.
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

-- Six weeks of work, one transaction a week, made by cs_ops, an
-- administrator who imports them with their real dates: each week's moves
-- are dated that week (stage_entered_at set in the same statement), the
-- first six weeks ago, the last one a week ago.
SET ROLE cs_ops;
DO $weeks$
DECLARE
	week integer;
	week_at timestamptz;
	p record;
BEGIN
	FOR week IN 1 .. 6 LOOP
		week_at := pg_catalog.now() - (7 - week) * interval '7 days';
		-- Onboarding finished: products in onboarding for more than 45 days
		-- move on, a share of them each week (a plain UPDATE).
		UPDATE retention.products
		   SET stage = 'retention', stage_entered_at = week_at
		 WHERE stage = 'onboarding'
		   AND stage_reason IS NULL
		   AND created_at < pg_catalog.now() - interval '45 days'
		   AND stage_entered_at < week_at
		   AND pg_temp.pick(id, 20 + week, 100) < 45;

		-- Recycled products back from their extra training.
		FOR p IN SELECT id FROM retention.products
				  WHERE stage = 'onboarding' AND stage_reason IS NOT NULL
					AND stage_entered_at < week_at
					AND pg_temp.pick(id, 30 + week, 100) < 50
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
					AND pg_temp.pick(id, 40 + week, 1000) < 25
				  ORDER BY id LOOP
			UPDATE retention.products SET stage = 'onboarding', stage_entered_at = week_at, stage_reason =
				(ARRAY['new admin team needs training',
					   'SSO broken after identity provider change',
					   'usage dropped: re-onboard the team',
					   'data migration to redo',
					   'rollout to new departments'])[pg_temp.pick(p.id, 50 + week, 5) + 1]
			 WHERE id = p.id;
		END LOOP;

		-- A few are lost (made ineligible, with a reason).
		FOR p IN SELECT id FROM retention.products
				  WHERE stage = 'retention'
					AND stage_entered_at < week_at
					AND pg_temp.pick(id, 60 + week, 1000) < 20
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
					   'other: duplicate purchase'])[pg_temp.pick(p.id, 70 + week, 10) + 1]
			 WHERE id = p.id;
		END LOOP;

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
