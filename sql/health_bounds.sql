-- health_bounds: one user's data or configuration cannot break everyone's
-- health (issue 6, section 6).  Observed values are finite and within
-- +-1e12, so no sum overflows; a measure's window is at most 100 years; a
-- deletion record names exactly one seeded row; many distinct as_of in one
-- query each find their windows directly (test/bench/health has the figures).
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS retention CASCADE;
DROP ROLE IF EXISTS hb_rep;
CREATE EXTENSION retention;
RESET client_min_messages;
\set SHOW_CONTEXT never
SET TIME ZONE 'UTC';
CREATE ROLE hb_rep IN ROLE retention_rep;
INSERT INTO retention.reps (id, name, role_name) VALUES (1, 'Rep', 'hb_rep'), (2, 'Other', 'hb_other');
INSERT INTO retention.groups (id, name, kind, product_types, rep_id) VALUES
	(1, 'mine', 'retention', '{crm}', 1), (2, 'others', 'retention', '{erp}', 2);
INSERT INTO retention.deals (id, customer, name, closed_on) VALUES (1, 'Acme', 'Acme', '2026-01-01');
INSERT INTO retention.products (id, deal_id, product_type, stage) VALUES
	(1, 1, 'crm', 'retention'), (2, 1, 'erp', 'retention');
GRANT INSERT ON retention.observations TO hb_rep;
CREATE POLICY hb_rep_writes ON retention.observations FOR INSERT TO hb_rep
	WITH CHECK (product_id IN (SELECT p.id FROM retention.products p));

-- The reported attack: two observations of 1e308 on the rep's own product
SET ROLE hb_rep;
INSERT INTO retention.observations (product_id, measure, observed_at, value)
VALUES (1, 'usage', '2026-06-01', 1e308), (1, 'usage', '2026-06-02', 1e308);
\echo :LAST_ERROR_SQLSTATE
-- the edges are accepted, and summed without overflow
INSERT INTO retention.observations (product_id, measure, observed_at, value)
VALUES (1, 'usage', '2026-06-01', 1e12), (1, 'usage', '2026-06-02', 1e12), (1, 'usage', '2026-06-02 01:00', -1e12);
INSERT INTO retention.observations (product_id, measure, observed_at, value)
VALUES (1, 'usage', '2026-06-03', 'NaN'), (1, 'usage', '2026-06-03', '-Infinity');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
INSERT INTO retention.observations (product_id, measure, observed_at, value)
VALUES (2, 'usage', '2026-06-01', 10);
-- everyone's health still computes
SELECT product_id, round(retention.score(health)::numeric, 4) AS score
  FROM retention.health_as_of('2026-06-05') ORDER BY 1;
-- the aggregate called directly refuses what the table refuses
SELECT retention.health(m, v, t, '2026-06-05')
  FROM (VALUES ('usage', 1e308::float8, '2026-06-01'::timestamptz)) x (m, v, t);

-- A window that cannot be applied is refused when written
UPDATE retention.measures SET window_length = '300000 years' WHERE name = 'usage';
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.measures SET window_length = '101 years' WHERE name = 'usage';
\echo :LAST_ERROR_SQLSTATE
UPDATE retention.measures SET window_length = '100 years' WHERE name = 'usage';
SELECT count(*) AS scored FROM retention.health_as_of('2026-06-05');
UPDATE retention.measures SET window_length = '30 days' WHERE name = 'usage';

-- A deletion record must name exactly one seeded row
SELECT count(*) AS seeded_transitions FROM retention.transitions WHERE builtin;
INSERT INTO retention.config_deletions VALUES ('transitions', '{}');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO retention.config_deletions VALUES ('transitions', '{"to_stage": "onboarding"}');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO retention.config_deletions VALUES ('stages', '{"name": "paused", "extra": 1}');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO retention.config_deletions VALUES ('stages', '["name"]');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS seeded_transitions FROM retention.transitions WHERE builtin;
-- a full key deletes its one row, as a restore does
INSERT INTO retention.config_deletions VALUES
	('transitions', '{"from_stage": "retention", "to_stage": "onboarding"}');
SELECT from_stage, to_stage FROM retention.transitions WHERE builtin ORDER BY 1 NULLS FIRST, 2;

-- Many distinct as_of in one query: each group finds its own windows
SELECT count(*) AS groups, count(h) AS scored,
	   count(DISTINCT round(retention.score(h)::numeric, 6)) AS distinct_scores
  FROM (SELECT d, retention.health(o.measure, o.value, o.observed_at, d)
		  FROM generate_series('2026-06-01 12:00'::timestamptz, '2026-06-04 12:00', interval '1 minute') d,
			   retention.observations o
		 WHERE o.product_id = 2
		 GROUP BY d) x (d, h);

-- NULL or blank arguments are refused by name (issue 6, section 7)
SELECT retention.override_health(NULL, 50, 'x', '2099-01-01');
SELECT retention.override_health(1, NULL, 'x', '2099-01-01');
SELECT retention.override_health(1, 50, 'x', NULL);
SELECT retention.override_health(1, 50, E'\t\n ', '2099-01-01');
\set VERBOSITY terse
INSERT INTO retention.health_overrides (product_id, score, reason, expires_at)
VALUES (1, 50, E'\t\r\n', '2099-01-01');
\set VERBOSITY default
SELECT retention.move(NULL, 'retention');
SELECT retention.move(1, NULL);
SELECT count(*) AS overrides FROM retention.health_overrides;

SET client_min_messages = warning;
DROP EXTENSION retention CASCADE;
DROP ROLE hb_rep;
