/* sql/retention--0.1.0--0.2.0.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION retention UPDATE TO '0.2.0'" to load this file. \quit

/*
 * Release 0.2.0.  Every change to an object of 0.1.0 is made here, in the
 * same form as the current version's sources (the .sql files in src/)
 * create it, so that an updated install equals a fresh one; the upgrade
 * test (test/tap/upgrade.sh) compares the two catalogs.
 */

-- Each concern's changes under its own heading, in the order of the sources.

------------------------------------------------------------------------------
-- common: shared infrastructure
------------------------------------------------------------------------------

-- Every column of a table a BI tool reads has a comment.
COMMENT ON COLUMN retention.config_deletions.table_name IS
	'the configuration table the row was deleted from (stages, transitions, measures, scorecards, scorecard_measures)';
COMMENT ON COLUMN retention.config_deletions.key IS
	'the deleted row''s key columns and values, as a JSON object';
COMMENT ON COLUMN retention.config_deletions.deleted_at IS 'when the row was deleted';

------------------------------------------------------------------------------
-- lifecycle: stages, deals, products, history, enforcement
------------------------------------------------------------------------------

-- The BI contract (README, "BI tools"): labels of a closed set are sized
-- varchar and every column has a comment.  The column types change, so the
-- view is made anew (its grant is under access).
DROP VIEW retention.product_overview;
CREATE VIEW retention.product_overview WITH (security_invoker = true) AS
SELECT p.id AS product_id,
	   coalesce(p.customer, d.customer) AS customer,
	   p.product_type,
	   p.stage::varchar(63) AS stage,
	   (CURRENT_DATE - (p.stage_entered_at)::date) AS days_in_stage,
	   g.name AS group_name,
	   g.kind::varchar(10) AS group_kind,
	   r.name AS rep,
	   d.id AS deal_id,
	   d.name AS deal_name,
	   d.amount AS deal_amount,
	   d.closed_on AS deal_closed_on,
	   p.mrr
  FROM retention.products p
  JOIN retention.deals d ON d.id = p.deal_id
  LEFT JOIN retention.groups g ON g.id = p.group_id
  LEFT JOIN retention.reps r ON r.id = g.rep_id;
COMMENT ON VIEW retention.product_overview IS
	'one row per product with its stage, days in stage, group, rep and original deal';
COMMENT ON COLUMN retention.product_overview.product_id IS 'the product (retention.products.id)';
COMMENT ON COLUMN retention.product_overview.customer IS
	'the customer: the product''s own customer, else the deal''s';
COMMENT ON COLUMN retention.product_overview.product_type IS 'what was sold (free text, e.g. crm)';
COMMENT ON COLUMN retention.product_overview.stage IS
	'the lifecycle stage: onboarding, retention, ineligible (or one of your own)';
COMMENT ON COLUMN retention.product_overview.days_in_stage IS
	'whole days since the product entered its stage (calendar days in the session''s time zone)';
COMMENT ON COLUMN retention.product_overview.group_name IS 'the group the product is placed in; NULL if none';
COMMENT ON COLUMN retention.product_overview.group_kind IS 'the group''s kind: onboarding or retention';
COMMENT ON COLUMN retention.product_overview.rep IS 'the name of the group''s rep; NULL if none';
COMMENT ON COLUMN retention.product_overview.deal_id IS 'the deal the product came from (retention.deals.id)';
COMMENT ON COLUMN retention.product_overview.deal_name IS 'the deal''s name';
COMMENT ON COLUMN retention.product_overview.deal_amount IS 'the deal''s amount, in the deal''s currency';
COMMENT ON COLUMN retention.product_overview.deal_closed_on IS 'the day the deal was won';
COMMENT ON COLUMN retention.product_overview.mrr IS
	'monthly recurring revenue of the product, in its currency; NULL if not known';

-- Every column of a table a BI tool reads has a comment.
COMMENT ON COLUMN retention.stages.name IS
	'the stage''s name: lower case letters, digits and underscores, at most 63 bytes';
COMMENT ON COLUMN retention.stages.description IS 'what the stage means (free text)';
COMMENT ON COLUMN retention.stages.builtin IS
	'whether the extension seeded this stage (onboarding, retention, ineligible)';
COMMENT ON COLUMN retention.transitions.from_stage IS
	'the stage moved from; NULL for a new product entering the lifecycle';
COMMENT ON COLUMN retention.transitions.to_stage IS 'the stage moved to';
COMMENT ON COLUMN retention.transitions.reason_required IS
	'whether the move needs a reason (stage_reason)';
COMMENT ON COLUMN retention.transitions.builtin IS 'whether the extension seeded this rule';
COMMENT ON COLUMN retention.deals.id IS 'the deal''s id';
COMMENT ON COLUMN retention.deals.customer IS 'the customer who bought (free text)';
COMMENT ON COLUMN retention.deals.name IS 'the deal''s name (free text)';
COMMENT ON COLUMN retention.deals.amount IS 'the deal''s amount, in its currency';
COMMENT ON COLUMN retention.deals.closed_on IS 'the day the deal was won';
COMMENT ON COLUMN retention.deals.owner IS 'who sold it (free text); NULL if not known';
COMMENT ON COLUMN retention.deals.details IS
	'what was agreed during the sale (requirements, seats...), a JSON object';
COMMENT ON COLUMN retention.deals.created_at IS 'when the row was written';
COMMENT ON COLUMN retention.reps.id IS 'the rep''s id';
COMMENT ON COLUMN retention.reps.name IS 'the rep''s name';
COMMENT ON COLUMN retention.reps.email IS 'the rep''s e-mail address; NULL if not known';
COMMENT ON COLUMN retention.reps.role_name IS 'the database role the rep logs in as';
COMMENT ON COLUMN retention.groups.id IS 'the group''s id';
COMMENT ON COLUMN retention.groups.name IS 'the group''s name';
COMMENT ON COLUMN retention.groups.kind IS
	'onboarding or retention: the stage whose products the group takes';
COMMENT ON COLUMN retention.groups.product_types IS
	'the product types placed in this group (an array of text)';
COMMENT ON COLUMN retention.groups.rep_id IS
	'the group''s rep (retention.reps.id); required for a retention group';
COMMENT ON COLUMN retention.products.id IS 'the product''s id';
COMMENT ON COLUMN retention.products.deal_id IS
	'the deal the product came from (retention.deals.id), for good';
COMMENT ON COLUMN retention.products.customer IS
	'the product''s customer when it is not the deal''s; NULL means the deal''s';
COMMENT ON COLUMN retention.products.product_type IS
	'what was sold (free text, e.g. crm); places the product in a group';
COMMENT ON COLUMN retention.products.stage IS 'the lifecycle stage (retention.stages.name)';
COMMENT ON COLUMN retention.products.group_id IS
	'the group the product is placed in (retention.groups.id); NULL if none';
COMMENT ON COLUMN retention.products.stage_entered_at IS
	'when the product entered its current stage';
COMMENT ON COLUMN retention.products.created_at IS 'when the row was written';
COMMENT ON COLUMN retention.stage_history.id IS 'the move''s id, in the order moves were written';
COMMENT ON COLUMN retention.stage_history.table_name IS
	'the table of the row that moved (retention.products, or a table of your own)';
COMMENT ON COLUMN retention.stage_history.row_key IS 'the moved row''s key as text';
COMMENT ON COLUMN retention.stage_history.from_stage IS
	'the stage moved from; NULL when the row entered the lifecycle';
COMMENT ON COLUMN retention.stage_history.to_stage IS 'the stage moved to';
COMMENT ON COLUMN retention.stage_history.reason IS 'why (free text); NULL if none was given';
COMMENT ON COLUMN retention.stage_history.changed_by IS 'the session user who made the move';
COMMENT ON COLUMN retention.stage_history.changed_at IS 'when the move was made';

------------------------------------------------------------------------------
-- access: roles, row-level security, grants
------------------------------------------------------------------------------

-- product_overview was made anew under lifecycle.
GRANT SELECT ON retention.product_overview TO retention_admin, retention_rep, retention_analyst;

------------------------------------------------------------------------------
-- health: the type, configuration, aggregate, overrides, snapshots, views
------------------------------------------------------------------------------

-- Every SQL function pins its search_path (0.1.0 left this one without, to
-- let the planner inline it).
CREATE OR REPLACE FUNCTION retention.health_as_of(as_of timestamptz)
	RETURNS TABLE (product_id bigint, scorecard text, health retention.health)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	BEGIN ATOMIC
		SELECT o.product_id, coalesce(g.scorecard, 'default'),
			   retention.health(o.measure, o.value, o.observed_at, health_as_of.as_of,
								coalesce(g.scorecard, 'default'))
		  FROM retention.observations o
		  JOIN retention.products p ON p.id = o.product_id
		  LEFT JOIN retention.groups g ON g.id = p.group_id
		 WHERE o.observed_at <= health_as_of.as_of
		   AND o.observed_at > health_as_of.as_of
				- (SELECT max(m.window_length) FROM retention.measures m)
		 GROUP BY o.product_id, coalesce(g.scorecard, 'default');
	END;


-- The health views keep the BI contract (README, "BI tools"); their column
-- types change, so they are made anew, with their grants.
DROP VIEW retention.at_risk, retention.rep_book, retention.group_health, retention.product_health;
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
GRANT SELECT ON retention.product_health, retention.group_health, retention.rep_book,
	retention.at_risk TO retention_admin, retention_rep, retention_analyst;

-- Every column of a table a BI tool reads has a comment.
COMMENT ON COLUMN retention.measures.name IS
	'the measure''s name: lower case letters, digits and underscores, at most 63 bytes';
COMMENT ON COLUMN retention.measures.description IS 'what the measure is (free text)';
COMMENT ON COLUMN retention.measures.builtin IS 'whether the extension seeded this measure';
COMMENT ON COLUMN retention.scorecards.name IS
	'the scorecard''s name: lower case letters, digits and underscores, at most 63 bytes';
COMMENT ON COLUMN retention.scorecards.description IS 'what the scorecard is for (free text)';
COMMENT ON COLUMN retention.scorecards.builtin IS 'whether the extension seeded this scorecard';
COMMENT ON COLUMN retention.scorecard_measures.scorecard IS
	'the scorecard (retention.scorecards.name)';
COMMENT ON COLUMN retention.scorecard_measures.measure IS 'the measure (retention.measures.name)';
COMMENT ON COLUMN retention.scorecard_measures.builtin IS 'whether the extension seeded this row';
COMMENT ON COLUMN retention.observations.product_id IS
	'the product observed (retention.products.id)';
COMMENT ON COLUMN retention.observations.measure IS
	'the measure observed (retention.measures.name)';
COMMENT ON COLUMN retention.observations.observed_at IS 'when the value was observed';
COMMENT ON COLUMN retention.observations_default.product_id IS
	'the product observed (retention.products.id)';
COMMENT ON COLUMN retention.observations_default.measure IS
	'the measure observed (retention.measures.name)';
COMMENT ON COLUMN retention.observations_default.observed_at IS 'when the value was observed';
COMMENT ON COLUMN retention.observations_default.value IS
	'the observed value; may be NULL for measures that only count rows';
COMMENT ON COLUMN retention.health_overrides.product_id IS 'the product (retention.products.id)';
COMMENT ON COLUMN retention.health_overrides.score IS 'the hand-set score, 0 to 100 points';
COMMENT ON COLUMN retention.health_overrides.reason IS 'why it was set (free text)';
COMMENT ON COLUMN retention.health_overrides.expires_at IS 'when it stops being in force';
COMMENT ON COLUMN retention.health_overrides.set_by IS 'the session user who set it';
COMMENT ON COLUMN retention.health_overrides.set_at IS 'when it was set';
COMMENT ON COLUMN retention.health_snapshots.product_id IS 'the product (retention.products.id)';
COMMENT ON COLUMN retention.health_snapshots.as_of IS 'the day of the snapshot';
COMMENT ON COLUMN retention.health_snapshots.health IS
	'the computed health (type retention.health; retention.score(health) and the like read it)';
COMMENT ON COLUMN retention.health_snapshots.score IS
	'the score that day, 0 to 100 points (the override''s if one was in force)';
COMMENT ON COLUMN retention.health_snapshots.band IS 'the band that day: red, yellow or green';
COMMENT ON COLUMN retention.health_snapshots.overridden IS 'whether an override was in force';
COMMENT ON COLUMN retention.health_snapshots.taken_at IS 'when the snapshot was taken';

-- A BI tool lists the partitions beside the table, so the readers of the
-- table may read its default partition too, under the same row-level
-- security (a partition read directly does not take the table's policies).
ALTER TABLE retention.observations_default ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention.observations_default FORCE ROW LEVEL SECURITY;
CREATE POLICY observations_default_admin ON retention.observations_default FOR SELECT
	TO retention_admin USING (true);
CREATE POLICY observations_default_analyst ON retention.observations_default FOR SELECT
	TO retention_analyst USING (true);
CREATE POLICY observations_default_rep_read ON retention.observations_default FOR SELECT
	TO retention_rep USING (product_id IN (SELECT p.id FROM retention.products p));
GRANT SELECT ON retention.observations_default TO retention_admin, retention_rep, retention_analyst;

------------------------------------------------------------------------------
-- cohorts: activity and cohort retention
------------------------------------------------------------------------------

------------------------------------------------------------------------------
-- metrics: retention and revenue rates, opportunities, feedback
------------------------------------------------------------------------------

------------------------------------------------------------------------------
-- survival: survival curves, the log-rank test, initiatives
------------------------------------------------------------------------------
