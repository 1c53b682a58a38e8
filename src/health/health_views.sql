/* src/health/health_views.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION retention" to load this file. \quit

------------------------------------------------------------------------------
-- Health views: plain SQL types, row-level security of the reader
------------------------------------------------------------------------------

CREATE VIEW retention.product_health WITH (security_invoker = true) AS
SELECT p.id AS product_id,
	   coalesce(p.customer, d.customer) AS customer,
	   p.product_type,
	   p.stage,
	   g.name AS group_name,
	   r.name AS rep,
	   coalesce(o.score, retention.score(h.health)) AS score,
	   CASE WHEN o.score IS NOT NULL THEN retention.band_for(o.score, h.scorecard)
			ELSE retention.band(h.health) END AS band,
	   retention.score(h.health) AS computed_score,
	   retention.band(h.health) AS computed_band,
	   retention.coverage(h.health) AS coverage,
	   retention.weakest_measure(h.health) AS weakest_measure,
	   CASE WHEN prev.score IS NULL OR h.health IS NULL AND o.score IS NULL THEN NULL
			WHEN coalesce(o.score, retention.score(h.health)) > prev.score THEN 'up'
			WHEN coalesce(o.score, retention.score(h.health)) < prev.score THEN 'down'
			ELSE 'same' END AS trend,
	   prev.score AS previous_score,
	   o.score AS override_score,
	   o.reason AS override_reason,
	   o.expires_at AS override_expires_at
  FROM retention.products p
  JOIN retention.deals d ON d.id = p.deal_id
  LEFT JOIN retention.groups g ON g.id = p.group_id
  LEFT JOIN retention.reps r ON r.id = g.rep_id
  LEFT JOIN retention.health_as_of(pg_catalog.now()) h ON h.product_id = p.id
  LEFT JOIN retention.health_overrides o
		 ON o.product_id = p.id AND o.expires_at > pg_catalog.now()
  LEFT JOIN LATERAL (
		SELECT s.score
		  FROM retention.health_snapshots s
		 WHERE s.product_id = p.id AND s.as_of < CURRENT_DATE
		 ORDER BY s.as_of DESC
		 LIMIT 1) prev ON true
 WHERE p.stage <> 'ineligible';
COMMENT ON VIEW retention.product_health IS
	'each active product''s health now: score and band (the override''s while one is in force), the computed score, coverage, weakest measure and trend against the previous snapshot';

CREATE VIEW retention.group_health WITH (security_invoker = true) AS
SELECT g.id AS group_id,
	   g.name AS group_name,
	   g.kind,
	   r.name AS rep,
	   count(ph.product_id) AS products,
	   count(ph.score) AS scored,
	   avg(ph.score) AS mean_score,
	   min(ph.score) AS min_score,
	   count(*) FILTER (WHERE ph.band = 'red') AS red,
	   count(*) FILTER (WHERE ph.band = 'yellow') AS yellow,
	   count(*) FILTER (WHERE ph.band = 'green') AS green
  FROM retention.groups g
  LEFT JOIN retention.reps r ON r.id = g.rep_id
  LEFT JOIN retention.product_health ph ON ph.group_name = g.name
 GROUP BY g.id, g.name, g.kind, r.name;
COMMENT ON VIEW retention.group_health IS
	'per group: products, mean and minimum score, products per band';

CREATE VIEW retention.rep_book WITH (security_invoker = true) AS
SELECT r.id AS rep_id,
	   r.name AS rep,
	   r.email,
	   count(p.id) AS products,
	   count(ph.score) AS scored,
	   avg(ph.score) AS mean_score,
	   min(ph.score) AS min_score,
	   count(*) FILTER (WHERE ph.band = 'red') AS red,
	   count(*) FILTER (WHERE ph.band = 'yellow') AS yellow,
	   count(*) FILTER (WHERE ph.band = 'green') AS green,
	   (SELECT sum(d.amount)
		  FROM retention.deals d
		 WHERE d.id IN (SELECT p2.deal_id
						  FROM retention.products p2
						  JOIN retention.groups g2 ON g2.id = p2.group_id
						 WHERE g2.rep_id = r.id AND p2.stage <> 'ineligible')) AS deal_amount,
	   sum(p.mrr) AS mrr
  FROM retention.reps r
  LEFT JOIN retention.groups g ON g.rep_id = r.id
  LEFT JOIN retention.products p ON p.group_id = g.id AND p.stage <> 'ineligible'
  LEFT JOIN retention.product_health ph ON ph.product_id = p.id
 GROUP BY r.id, r.name, r.email;
COMMENT ON VIEW retention.rep_book IS
	'per rep: products under care, mean and minimum score, products per band, deal amount and MRR under care';

CREATE VIEW retention.at_risk WITH (security_invoker = true) AS
SELECT ph.*
  FROM retention.product_health ph
  LEFT JOIN retention.products p ON p.id = ph.product_id
  LEFT JOIN retention.groups g ON g.id = p.group_id
  LEFT JOIN retention.scorecards sc ON sc.name = coalesce(g.scorecard, 'default')
 WHERE ph.band = 'red'
	OR ph.previous_score - ph.score >= sc.alert_drop;
COMMENT ON VIEW retention.at_risk IS
	'products in the red band, or down by at least their scorecard''s alert_drop points since the previous snapshot';

ALTER TABLE retention.health_overrides ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention.health_overrides FORCE ROW LEVEL SECURITY;
ALTER TABLE retention.health_snapshots ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention.health_snapshots FORCE ROW LEVEL SECURITY;
CREATE POLICY health_overrides_admin ON retention.health_overrides TO retention_admin
	USING (true) WITH CHECK (true);
CREATE POLICY health_overrides_read ON retention.health_overrides FOR SELECT
	TO retention_analyst, retention_rep
	USING (product_id IN (SELECT p.id FROM retention.products p));
CREATE POLICY health_snapshots_admin ON retention.health_snapshots TO retention_admin
	USING (true) WITH CHECK (true);
CREATE POLICY health_snapshots_read ON retention.health_snapshots FOR SELECT
	TO retention_analyst, retention_rep
	USING (product_id IN (SELECT p.id FROM retention.products p));

GRANT SELECT ON retention.health_overrides, retention.health_snapshots,
	retention.product_health, retention.group_health, retention.rep_book, retention.at_risk
	TO retention_admin, retention_rep, retention_analyst;
GRANT INSERT, UPDATE, DELETE ON retention.health_overrides, retention.health_snapshots
	TO retention_admin;

SELECT pg_catalog.pg_extension_config_dump('retention.health_overrides', '');
SELECT pg_catalog.pg_extension_config_dump('retention.health_snapshots', '');
