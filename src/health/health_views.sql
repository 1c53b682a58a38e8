/* src/health/health_views.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION retention" to load this file. \quit

------------------------------------------------------------------------------
-- Health views: plain SQL types, row-level security of the reader
------------------------------------------------------------------------------

-- The BI contract (README, "BI tools"): every column a plain type that ODBC,
-- JDBC and pandas map to a native one: scores numeric(7,4) (0 to 100),
-- shares numeric(5,4), money numeric(18,2), labels from a closed set
-- varchar(n), free text (names, reasons) text; a comment on every column.
CREATE VIEW retention.product_health WITH (security_invoker = true) AS
SELECT p.id AS product_id,
	   coalesce(p.customer, d.customer) AS customer,
	   p.product_type,
	   p.stage::varchar(63) AS stage,
	   g.name AS group_name,
	   r.name AS rep,
	   coalesce(o.score, retention.score(h.health))::numeric(7, 4) AS score,
	   (CASE WHEN o.score IS NOT NULL THEN retention.band_for(o.score, h.scorecard)
			 ELSE retention.band(h.health) END)::varchar(6) AS band,
	   retention.score(h.health)::numeric(7, 4) AS computed_score,
	   retention.band(h.health)::varchar(6) AS computed_band,
	   retention.coverage(h.health)::numeric(5, 4) AS coverage,
	   retention.weakest_measure(h.health)::varchar(63) AS weakest_measure,
	   (CASE WHEN prev.score IS NULL OR h.health IS NULL AND o.score IS NULL THEN NULL
			 WHEN coalesce(o.score, retention.score(h.health)) > prev.score THEN 'up'
			 WHEN coalesce(o.score, retention.score(h.health)) < prev.score THEN 'down'
			 ELSE 'same' END)::varchar(4) AS trend,
	   prev.score::numeric(7, 4) AS previous_score,
	   o.score::numeric(7, 4) AS override_score,
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
COMMENT ON COLUMN retention.product_health.product_id IS 'the product (retention.products.id)';
COMMENT ON COLUMN retention.product_health.customer IS
	'the customer: the product''s own customer, else the deal''s';
COMMENT ON COLUMN retention.product_health.product_type IS 'what was sold (free text, e.g. crm)';
COMMENT ON COLUMN retention.product_health.stage IS 'the lifecycle stage: onboarding or retention (or one of your own)';
COMMENT ON COLUMN retention.product_health.group_name IS 'the group the product is placed in; NULL if none';
COMMENT ON COLUMN retention.product_health.rep IS 'the name of the group''s rep; NULL if none';
COMMENT ON COLUMN retention.product_health.score IS
	'health score now, 0 to 100 points: the override''s while one is in force, else the computed one; NULL without data';
COMMENT ON COLUMN retention.product_health.band IS 'the band of score: red, yellow or green';
COMMENT ON COLUMN retention.product_health.computed_score IS
	'health score from the observations, 0 to 100 points, whatever the override';
COMMENT ON COLUMN retention.product_health.computed_band IS 'the band of computed_score: red, yellow or green';
COMMENT ON COLUMN retention.product_health.coverage IS
	'share of the scorecard''s weight that had data, 0 to 1 (1 = every measure observed)';
COMMENT ON COLUMN retention.product_health.weakest_measure IS
	'the measure that costs the score most; NULL if none does';
COMMENT ON COLUMN retention.product_health.trend IS
	'score against previous_score: up, down or same; NULL without a previous snapshot';
COMMENT ON COLUMN retention.product_health.previous_score IS
	'score of the latest snapshot before today, 0 to 100 points; NULL if none';
COMMENT ON COLUMN retention.product_health.override_score IS
	'the hand-set score in force, 0 to 100 points; NULL if none';
COMMENT ON COLUMN retention.product_health.override_reason IS 'why the override was set (free text)';
COMMENT ON COLUMN retention.product_health.override_expires_at IS
	'when the override stops being in force (timestamptz: shown in the session''s time zone)';

CREATE VIEW retention.group_health WITH (security_invoker = true) AS
SELECT g.id AS group_id,
	   g.name AS group_name,
	   g.kind::varchar(10) AS kind,
	   r.name AS rep,
	   count(ph.product_id) AS products,
	   count(ph.score) AS scored,
	   avg(ph.score)::numeric(7, 4) AS mean_score,
	   min(ph.score)::numeric(7, 4) AS min_score,
	   count(*) FILTER (WHERE ph.band = 'red') AS red,
	   count(*) FILTER (WHERE ph.band = 'yellow') AS yellow,
	   count(*) FILTER (WHERE ph.band = 'green') AS green
  FROM retention.groups g
  LEFT JOIN retention.reps r ON r.id = g.rep_id
  LEFT JOIN retention.product_health ph ON ph.group_name = g.name
 GROUP BY g.id, g.name, g.kind, r.name;
COMMENT ON VIEW retention.group_health IS
	'per group: products, mean and minimum score, products per band';
COMMENT ON COLUMN retention.group_health.group_id IS 'the group (retention.groups.id)';
COMMENT ON COLUMN retention.group_health.group_name IS 'the group''s name';
COMMENT ON COLUMN retention.group_health.kind IS 'onboarding or retention';
COMMENT ON COLUMN retention.group_health.rep IS 'the name of the group''s rep; NULL if none';
COMMENT ON COLUMN retention.group_health.products IS 'active products in the group (count)';
COMMENT ON COLUMN retention.group_health.scored IS 'of those, the products with a score (count)';
COMMENT ON COLUMN retention.group_health.mean_score IS 'mean score of the scored products, 0 to 100 points';
COMMENT ON COLUMN retention.group_health.min_score IS 'lowest score of the scored products, 0 to 100 points';
COMMENT ON COLUMN retention.group_health.red IS 'products in the red band (count)';
COMMENT ON COLUMN retention.group_health.yellow IS 'products in the yellow band (count)';
COMMENT ON COLUMN retention.group_health.green IS 'products in the green band (count)';

CREATE VIEW retention.rep_book WITH (security_invoker = true) AS
SELECT r.id AS rep_id,
	   r.name AS rep,
	   r.email,
	   count(p.id) AS products,
	   count(ph.score) AS scored,
	   avg(ph.score)::numeric(7, 4) AS mean_score,
	   min(ph.score)::numeric(7, 4) AS min_score,
	   count(*) FILTER (WHERE ph.band = 'red') AS red,
	   count(*) FILTER (WHERE ph.band = 'yellow') AS yellow,
	   count(*) FILTER (WHERE ph.band = 'green') AS green,
	   (SELECT sum(d.amount)
		  FROM retention.deals d
		 WHERE d.id IN (SELECT p2.deal_id
						  FROM retention.products p2
						  JOIN retention.groups g2 ON g2.id = p2.group_id
						 WHERE g2.rep_id = r.id AND p2.stage <> 'ineligible'))::numeric(18, 2) AS deal_amount,
	   sum(p.mrr)::numeric(18, 2) AS mrr
  FROM retention.reps r
  LEFT JOIN retention.groups g ON g.rep_id = r.id
  LEFT JOIN retention.products p ON p.group_id = g.id AND p.stage <> 'ineligible'
  LEFT JOIN retention.product_health ph ON ph.product_id = p.id
 GROUP BY r.id, r.name, r.email;
COMMENT ON VIEW retention.rep_book IS
	'per rep: products under care, mean and minimum score, products per band, deal amount and MRR under care';
COMMENT ON COLUMN retention.rep_book.rep_id IS 'the rep (retention.reps.id)';
COMMENT ON COLUMN retention.rep_book.rep IS 'the rep''s name';
COMMENT ON COLUMN retention.rep_book.email IS 'the rep''s e-mail address; NULL if not known';
COMMENT ON COLUMN retention.rep_book.products IS 'active products in the rep''s groups (count)';
COMMENT ON COLUMN retention.rep_book.scored IS 'of those, the products with a score (count)';
COMMENT ON COLUMN retention.rep_book.mean_score IS 'mean score of the scored products, 0 to 100 points';
COMMENT ON COLUMN retention.rep_book.min_score IS 'lowest score of the scored products, 0 to 100 points';
COMMENT ON COLUMN retention.rep_book.red IS 'products in the red band (count)';
COMMENT ON COLUMN retention.rep_book.yellow IS 'products in the yellow band (count)';
COMMENT ON COLUMN retention.rep_book.green IS 'products in the green band (count)';
COMMENT ON COLUMN retention.rep_book.deal_amount IS
	'total amount of the deals behind the active products, in the deals'' currency';
COMMENT ON COLUMN retention.rep_book.mrr IS
	'monthly recurring revenue of the active products, in the products'' currency';

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
COMMENT ON COLUMN retention.at_risk.product_id IS 'the product (retention.products.id)';
COMMENT ON COLUMN retention.at_risk.customer IS
	'the customer: the product''s own customer, else the deal''s';
COMMENT ON COLUMN retention.at_risk.product_type IS 'what was sold (free text, e.g. crm)';
COMMENT ON COLUMN retention.at_risk.stage IS 'the lifecycle stage: onboarding or retention (or one of your own)';
COMMENT ON COLUMN retention.at_risk.group_name IS 'the group the product is placed in; NULL if none';
COMMENT ON COLUMN retention.at_risk.rep IS 'the name of the group''s rep; NULL if none';
COMMENT ON COLUMN retention.at_risk.score IS
	'health score now, 0 to 100 points: the override''s while one is in force, else the computed one; NULL without data';
COMMENT ON COLUMN retention.at_risk.band IS 'the band of score: red, yellow or green';
COMMENT ON COLUMN retention.at_risk.computed_score IS
	'health score from the observations, 0 to 100 points, whatever the override';
COMMENT ON COLUMN retention.at_risk.computed_band IS 'the band of computed_score: red, yellow or green';
COMMENT ON COLUMN retention.at_risk.coverage IS
	'share of the scorecard''s weight that had data, 0 to 1 (1 = every measure observed)';
COMMENT ON COLUMN retention.at_risk.weakest_measure IS
	'the measure that costs the score most; NULL if none does';
COMMENT ON COLUMN retention.at_risk.trend IS
	'score against previous_score: up, down or same; NULL without a previous snapshot';
COMMENT ON COLUMN retention.at_risk.previous_score IS
	'score of the latest snapshot before today, 0 to 100 points; NULL if none';
COMMENT ON COLUMN retention.at_risk.override_score IS
	'the hand-set score in force, 0 to 100 points; NULL if none';
COMMENT ON COLUMN retention.at_risk.override_reason IS 'why the override was set (free text)';
COMMENT ON COLUMN retention.at_risk.override_expires_at IS
	'when the override stops being in force (timestamptz: shown in the session''s time zone)';

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
