-- health_alerts: alerts are rows of retention.health_alerts, read as health
-- is read (issue 6, section 5): each rep sees the alerts of their own
-- products only, the analyst and the admin all of them; nobody but an
-- administrator writes one; the NOTIFY carries nothing, so a forged one
-- tells a listener nothing it may not see.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS retention CASCADE;
DROP ROLE IF EXISTS ha_ann;
DROP ROLE IF EXISTS ha_bob;
DROP ROLE IF EXISTS ha_analyst;
CREATE EXTENSION retention;
RESET client_min_messages;
SET TIME ZONE 'UTC';
CREATE ROLE ha_ann IN ROLE retention_rep;
CREATE ROLE ha_bob IN ROLE retention_rep;
CREATE ROLE ha_analyst IN ROLE retention_analyst;

INSERT INTO retention.reps (id, name, role_name) VALUES (1, 'Ann', 'ha_ann'), (2, 'Bob', 'ha_bob');
INSERT INTO retention.groups (id, name, kind, product_types, rep_id) VALUES
	(1, 'Ann accounts', 'retention', '{crm}', 1), (2, 'Bob accounts', 'retention', '{erp}', 2);
INSERT INTO retention.deals (id, customer, name, closed_on) VALUES (1, 'Acme', 'Acme', '2026-01-01');
INSERT INTO retention.products (id, deal_id, product_type, stage) VALUES
	(1, 1, 'crm', 'retention'), (2, 1, 'erp', 'retention');
-- both products score 100 on 03-05 and 56.5 on 03-10, a drop of 43.5
-- points (the data and arithmetic of test/isolation/specs/health_alerts.spec,
-- which also shows the payload-free NOTIFY reaching a listener at commit)
INSERT INTO retention.observations (product_id, measure, observed_at, value)
SELECT p, m, t::timestamptz, v
  FROM (VALUES (1), (2)) ps (p),
	   (VALUES ('usage', '2026-03-01 12:00+00', 20), ('happiness', '2026-03-01 12:00+00', 10),
			   ('usage', '2026-03-10 12:00+00', 2), ('happiness', '2026-03-10 12:00+00', 3)) o (m, t, v);
SELECT retention.snapshot_health('2026-03-05') AS snapshots;
SELECT retention.snapshot_health('2026-03-10') AS snapshots;

-- what a woken listener reads
SELECT id, product_id, as_of, kind, old_score, new_score, old_band, new_band
  FROM retention.health_alerts ORDER BY id;
-- a snapshot taken again raises nothing twice
SELECT retention.snapshot_health('2026-03-10') AS snapshots;
SELECT count(*) AS alerts FROM retention.health_alerts;

SET ROLE ha_ann;
SELECT product_id, as_of, kind FROM retention.health_alerts ORDER BY id;
-- a rep cannot forge an alert, nor remove one
INSERT INTO retention.health_alerts (product_id, as_of, kind, old_score, new_score, old_band, new_band)
VALUES (1, '2026-03-11', 'turned_red', 90, 10, 'green', 'red');
DELETE FROM retention.health_alerts;
RESET ROLE;
SET ROLE ha_bob;
SELECT product_id, as_of, kind FROM retention.health_alerts ORDER BY id;
RESET ROLE;
SET ROLE ha_analyst;
SELECT product_id, as_of, kind FROM retention.health_alerts ORDER BY id;
INSERT INTO retention.health_alerts (product_id, as_of, kind, old_score, new_score, old_band, new_band)
VALUES (1, '2026-03-11', 'turned_red', 90, 10, 'green', 'red');
RESET ROLE;

-- alerts are append-only, and go only with a forgotten product
UPDATE retention.health_alerts SET kind = 'dropped';
SELECT retention.forget_product(2, 'test') > 0 AS forgotten;
SELECT product_id, as_of, kind FROM retention.health_alerts ORDER BY id;

SET client_min_messages = warning;
DROP EXTENSION retention CASCADE;
DROP ROLE ha_ann;
DROP ROLE ha_bob;
DROP ROLE ha_analyst;
