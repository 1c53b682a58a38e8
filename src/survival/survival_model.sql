/* src/survival/survival_model.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION retention" to load this file. \quit

------------------------------------------------------------------------------
-- Survival over the extension's own model: product lifetimes, curves by
-- group, and retention initiatives as A/B tests
------------------------------------------------------------------------------

-- Each product's time in the retention stage since it first entered it: it
-- ends when the product is made ineligible, else it is still running and
-- censored now.  A product recycled to onboarding is still a customer.
CREATE VIEW retention.product_lifetimes WITH (security_invoker = true) AS
SELECT p.id AS product_id,
	   p.group_id,
	   g.name AS group_name,
	   p.product_type,
	   e.entered_at,
	   x.ended_at,
	   x.ended_at IS NOT NULL AS churned,
	   pg_catalog.round(GREATEST(0::numeric,
			EXTRACT(epoch FROM coalesce(x.ended_at, pg_catalog.now()) - e.entered_at)
			/ 86400), 2)::numeric(12,2) AS days
  FROM retention.products p
  LEFT JOIN retention.groups g ON g.id = p.group_id
  CROSS JOIN LATERAL (
		SELECT pg_catalog.min(h.changed_at) AS entered_at
		  FROM retention.stage_history h
		 WHERE h.table_name OPERATOR(pg_catalog.=) 'retention.products'
		   AND h.product_id = p.id AND h.to_stage = 'retention') e
  LEFT JOIN LATERAL (
		SELECT pg_catalog.max(h.changed_at) AS ended_at
		  FROM retention.stage_history h
		 WHERE h.table_name OPERATOR(pg_catalog.=) 'retention.products'
		   AND h.product_id = p.id AND h.to_stage = 'ineligible'
		HAVING p.stage = 'ineligible') x ON true
 WHERE e.entered_at IS NOT NULL;
COMMENT ON VIEW retention.product_lifetimes IS
	'each product''s lifetime in the retention stage since it first entered it: ended when made ineligible (churned), else still running and censored now';
COMMENT ON COLUMN retention.product_lifetimes.product_id IS 'the product';
COMMENT ON COLUMN retention.product_lifetimes.group_id IS 'its group now';
COMMENT ON COLUMN retention.product_lifetimes.group_name IS 'the name of its group';
COMMENT ON COLUMN retention.product_lifetimes.product_type IS 'its product type';
COMMENT ON COLUMN retention.product_lifetimes.entered_at IS 'when it first entered the retention stage';
COMMENT ON COLUMN retention.product_lifetimes.ended_at IS 'when it was made ineligible; NULL while it runs';
COMMENT ON COLUMN retention.product_lifetimes.churned IS 'true if it ended (the event), false if still running (censored)';
COMMENT ON COLUMN retention.product_lifetimes.days IS 'its lifetime in days (to 0.01 day, about 15 minutes), to the end or to now';

-- Months as days: 30.4375 days (a year of 365.25 days over 12)
CREATE VIEW retention.survival_by_group WITH (security_invoker = true) AS
SELECT c.group_id,
	   c.group_name,
	   retention.subjects(c.s) AS products,
	   retention.events(c.s) AS churned,
	   pg_catalog.round(m.median::numeric, 4)::numeric(12,4) AS median_days,
	   pg_catalog.round(m.lower::numeric, 4)::numeric(12,4) AS median_lower,
	   pg_catalog.round(m.upper::numeric, 4)::numeric(12,4) AS median_upper,
	   pg_catalog.round(retention.survival_at(c.s, 91.3125)::numeric, 6)::numeric(7,6) AS surv_3m,
	   pg_catalog.round(retention.survival_at(c.s, 182.625)::numeric, 6)::numeric(7,6) AS surv_6m,
	   pg_catalog.round(retention.survival_at(c.s, 365.25)::numeric, 6)::numeric(7,6) AS surv_12m,
	   pg_catalog.round(retention.survival_at(c.s, 730.5)::numeric, 6)::numeric(7,6) AS surv_24m,
	   pg_catalog.round(retention.restricted_mean(c.s, 730.5)::numeric, 4)::numeric(12,4) AS rmean_24m_days
  FROM (SELECT l.group_id, l.group_name, retention.survival(l.days::float8, l.churned) AS s
		  FROM retention.product_lifetimes l
		 GROUP BY l.group_id, l.group_name) c
  CROSS JOIN LATERAL retention.survival_median(c.s) m;
COMMENT ON VIEW retention.survival_by_group IS
	'per group, the Kaplan-Meier survival of its products in the retention stage: median lifetime with its 95% interval, survival at 3, 6, 12 and 24 months, restricted mean lifetime over 24 months';
COMMENT ON COLUMN retention.survival_by_group.group_id IS 'the group (NULL: products without a group)';
COMMENT ON COLUMN retention.survival_by_group.group_name IS 'the name of the group';
COMMENT ON COLUMN retention.survival_by_group.products IS 'products that entered the retention stage';
COMMENT ON COLUMN retention.survival_by_group.churned IS 'of them, made ineligible';
COMMENT ON COLUMN retention.survival_by_group.median_days IS 'median lifetime in days; NULL while more than half remain';
COMMENT ON COLUMN retention.survival_by_group.median_lower IS 'lower bound of the median''s 95% interval, days';
COMMENT ON COLUMN retention.survival_by_group.median_upper IS 'upper bound of the median''s 95% interval, days; NULL if not reached';
COMMENT ON COLUMN retention.survival_by_group.surv_3m IS 'share still retained after 3 months (91.3125 days)';
COMMENT ON COLUMN retention.survival_by_group.surv_6m IS 'share still retained after 6 months';
COMMENT ON COLUMN retention.survival_by_group.surv_12m IS 'share still retained after 12 months';
COMMENT ON COLUMN retention.survival_by_group.surv_24m IS 'share still retained after 24 months';
COMMENT ON COLUMN retention.survival_by_group.rmean_24m_days IS 'restricted mean lifetime over the first 24 months, days';

-- Retention initiatives: A/B tests over products

CREATE TABLE retention.initiatives (
	name		text PRIMARY KEY
				CONSTRAINT initiatives_name_format CHECK (name ~ '^[a-z][a-z0-9_]*$' AND length(name) <= 63),
	description text,
	started_at	timestamptz NOT NULL DEFAULT pg_catalog.now(),
	ended_at	timestamptz,
	arms		text[] NOT NULL DEFAULT '{control,treatment}',
	horizon		interval NOT NULL DEFAULT '90 days',
	CONSTRAINT initiatives_ends_after_start CHECK (ended_at IS NULL OR ended_at > started_at),
	CONSTRAINT initiatives_horizon_positive CHECK (horizon > interval '0')
);
COMMENT ON COLUMN retention.initiatives.name IS 'the initiative''s name: lower-case letters, digits and underscores';
COMMENT ON COLUMN retention.initiatives.description IS 'what the initiative does';
COMMENT ON COLUMN retention.initiatives.started_at IS 'when it started';
COMMENT ON COLUMN retention.initiatives.ended_at IS 'when it ended; NULL while it runs';
COMMENT ON COLUMN retention.initiatives.arms IS 'its arms; the first is the control';
COMMENT ON COLUMN retention.initiatives.horizon IS 'how long after assignment survival is compared';
COMMENT ON TABLE retention.initiatives IS
	'retention initiatives run as experiments: products are assigned to arms (the first is the control) and compared by survival at the horizon';

CREATE TABLE retention.initiative_members (
	initiative	text NOT NULL REFERENCES retention.initiatives (name) ON UPDATE CASCADE,
	product_id	bigint NOT NULL REFERENCES retention.products (id) ON DELETE CASCADE,
	arm			text NOT NULL,
	assigned_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	PRIMARY KEY (initiative, product_id)
);
COMMENT ON COLUMN retention.initiative_members.initiative IS 'the initiative (retention.initiatives.name)';
COMMENT ON COLUMN retention.initiative_members.product_id IS 'the product (retention.products.id)';
COMMENT ON COLUMN retention.initiative_members.arm IS 'the arm it is in';
COMMENT ON COLUMN retention.initiative_members.assigned_at IS 'when it was assigned: its clock starts then';
COMMENT ON TABLE retention.initiative_members IS
	'the arm of each product in an initiative, and when it was assigned (its clock starts then)';
CREATE INDEX initiative_members_product_idx ON retention.initiative_members (product_id);

CREATE FUNCTION retention.initiatives_validate() RETURNS trigger
	LANGUAGE plpgsql STABLE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF array_ndims(NEW.arms) IS DISTINCT FROM 1 OR cardinality(NEW.arms) < 2
	   OR array_position(NEW.arms, NULL) IS NOT NULL
	   OR (SELECT count(DISTINCT a) FROM unnest(NEW.arms) a) <> cardinality(NEW.arms)
	   OR EXISTS (SELECT FROM unnest(NEW.arms) a WHERE a !~ '^[a-z][a-z0-9_]*$' OR octet_length(a) > 63) THEN
		RAISE EXCEPTION 'invalid arms of initiative "%"', NEW.name
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('The arms given are %s.', coalesce(NEW.arms::text, 'NULL')),
				  HINT = 'Give two or more distinct names in lower case, the control first, such as {control,treatment}.';
	END IF;
	IF TG_OP = 'UPDATE' AND NEW.arms IS DISTINCT FROM OLD.arms
	   AND EXISTS (SELECT FROM retention.initiative_members m
				   WHERE m.initiative OPERATOR(pg_catalog.=) OLD.name
					 AND m.arm OPERATOR(pg_catalog.<>) ALL (NEW.arms)) THEN
		RAISE EXCEPTION 'cannot remove an arm that has products from initiative "%"', NEW.name
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION retention.initiatives_validate() IS
	'trigger: an initiative has two or more distinct, well-formed arms, and keeps every arm that has products';
CREATE TRIGGER initiatives_validate BEFORE INSERT OR UPDATE ON retention.initiatives
	FOR EACH ROW EXECUTE FUNCTION retention.initiatives_validate();

CREATE FUNCTION retention.initiative_members_validate() RETURNS trigger
	LANGUAGE plpgsql STABLE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF NOT EXISTS (SELECT FROM retention.initiatives i
				   WHERE i.name OPERATOR(pg_catalog.=) NEW.initiative
					 AND NEW.arm OPERATOR(pg_catalog.=) ANY (i.arms)) THEN
		RAISE EXCEPTION 'initiative "%" has no arm "%"', NEW.initiative, NEW.arm
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'The arms are those of the initiative''s row in retention.initiatives.';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION retention.initiative_members_validate() IS
	'trigger: a member''s arm is one of its initiative''s arms';
CREATE TRIGGER initiative_members_validate BEFORE INSERT OR UPDATE ON retention.initiative_members
	FOR EACH ROW EXECUTE FUNCTION retention.initiative_members_validate();

/*
 * The split is a hash of the initiative's name and the product's id (md5, so
 * that it is the same on every server and version): within each group the
 * products are ordered by that hash and dealt to the arms in turn, so each
 * group's arms differ in size by at most one.  Products already in the
 * initiative keep their arm, so running it again changes nothing.
 */
CREATE FUNCTION retention.assign(initiative text, products bigint[])
	RETURNS integer
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	a text[];
	ended timestamptz;
	n integer;
BEGIN
	SELECT i.arms, i.ended_at INTO a, ended
	  FROM retention.initiatives i WHERE i.name OPERATOR(pg_catalog.=) assign.initiative;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'initiative "%" does not exist', assign.initiative
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Insert it into retention.initiatives first.';
	END IF;
	IF ended IS NOT NULL AND ended OPERATOR(pg_catalog.<=) now() THEN
		RAISE EXCEPTION 'initiative "%" has ended', assign.initiative
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('It ended at %s.', ended);
	END IF;
	INSERT INTO retention.initiative_members (initiative, product_id, arm)
	SELECT assign.initiative, s.id,
		   a[(s.rank OPERATOR(pg_catalog.-) 1) OPERATOR(pg_catalog.%) cardinality(a) OPERATOR(pg_catalog.+) 1]
	  FROM (SELECT p.id,
				   row_number() OVER (PARTITION BY p.group_id
									  ORDER BY md5(assign.initiative OPERATOR(pg_catalog.||) ':'
												   OPERATOR(pg_catalog.||) p.id::text), p.id) AS rank
			  FROM retention.products p
			 WHERE p.id OPERATOR(pg_catalog.=) ANY (assign.products)
			   AND p.stage OPERATOR(pg_catalog.<>) 'ineligible'
			   AND NOT EXISTS (SELECT FROM retention.initiative_members m
							   WHERE m.initiative OPERATOR(pg_catalog.=) assign.initiative
								 AND m.product_id OPERATOR(pg_catalog.=) p.id)) s
	ON CONFLICT DO NOTHING;
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END
$$;
COMMENT ON FUNCTION retention.assign(text, bigint[]) IS
	'assigns the products to the initiative''s arms by a reproducible hash split, balanced within each group; products already assigned keep their arm, ineligible ones are left out; returns the number newly assigned';

/*
 * Each member's clock starts at its assignment and ends when the product is
 * made ineligible (the event), else it is censored now.  The difference in
 * retention at the horizon is each arm's minus the first arm's (the
 * control's), with a normal 95% interval from the two Greenwood errors.
 */
CREATE FUNCTION retention.initiative_results(initiative text)
	RETURNS TABLE (arm text, products bigint, churned bigint,
				   surv_at_horizon double precision, surv_lower double precision,
				   surv_upper double precision, median_days double precision,
				   mean_health_change double precision,
				   logrank_chisq double precision, logrank_df integer,
				   logrank_p double precision, diff_vs_control double precision,
				   diff_lower double precision, diff_upper double precision)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	BEGIN ATOMIC
		WITH init AS (
			SELECT i.arms, pg_catalog.date_part('epoch', i.horizon) / 86400 AS horizon_days
			  FROM retention.initiatives i
			 WHERE i.name OPERATOR(pg_catalog.=) initiative_results.initiative),
		arms AS (
			SELECT a.arm, a.ord FROM init, pg_catalog.unnest(init.arms) WITH ORDINALITY a (arm, ord)),
		life AS (
			SELECT m.arm, m.product_id, m.assigned_at, e.ended_at IS NOT NULL AS churned,
				   GREATEST(0::float8,
						pg_catalog.date_part('epoch', coalesce(e.ended_at, pg_catalog.now())
												  OPERATOR(pg_catalog.-) m.assigned_at) / 86400) AS days
			  FROM retention.initiative_members m
			  JOIN retention.products p ON p.id OPERATOR(pg_catalog.=) m.product_id
			  LEFT JOIN LATERAL (
					SELECT pg_catalog.max(h.changed_at) AS ended_at
					  FROM retention.stage_history h
					 WHERE h.table_name OPERATOR(pg_catalog.=) 'retention.products'
					   AND h.product_id OPERATOR(pg_catalog.=) p.id
					   AND h.to_stage OPERATOR(pg_catalog.=) 'ineligible'
					HAVING p.stage OPERATOR(pg_catalog.=) 'ineligible') e ON true
			 WHERE m.initiative OPERATOR(pg_catalog.=) initiative_results.initiative),
		curves AS (
			SELECT a.arm, a.ord,
				   (SELECT retention.survival(l.days, l.churned) FROM life l
					 WHERE l.arm OPERATOR(pg_catalog.=) a.arm) AS s
			  FROM arms a),
		at_horizon AS (
			SELECT c.arm, c.ord, c.s,
				   coalesce(k.surv, 1) AS surv, coalesce(k.std_err, 0) AS se,
				   coalesce(k.lower, 1) AS lower, coalesce(k.upper, 1) AS upper
			  FROM curves c
			  LEFT JOIN LATERAL (
					SELECT k.* FROM retention.kaplan_meier(c.s) k, init
					 WHERE k."time" OPERATOR(pg_catalog.<=) init.horizon_days
					 ORDER BY k."time" DESC LIMIT 1) k ON true),
		assigned AS (
			SELECT DISTINCT l.assigned_at FROM life l),
		health_then AS (
			SELECT a.assigned_at, h.product_id, retention.score(h.health) AS score
			  FROM assigned a CROSS JOIN LATERAL retention.health_as_of(a.assigned_at) h),
		health_now AS (
			SELECT h.product_id, retention.score(h.health) AS score
			  FROM retention.health_as_of(pg_catalog.now()) h),
		health_change AS (
			SELECT l.arm, pg_catalog.avg(hn.score OPERATOR(pg_catalog.-) ht.score) AS change
			  FROM life l
			  JOIN health_then ht ON ht.assigned_at OPERATOR(pg_catalog.=) l.assigned_at
								 AND ht.product_id OPERATOR(pg_catalog.=) l.product_id
			  JOIN health_now hn ON hn.product_id OPERATOR(pg_catalog.=) l.product_id
			 GROUP BY l.arm),
		test AS (
			SELECT t.chisq, t.df, t.p
			  FROM (SELECT pg_catalog.array_agg(c.s ORDER BY c.ord) AS curves,
						   pg_catalog.count(c.s) AS n
					  FROM curves c) x
			  CROSS JOIN LATERAL retention.logrank(
					CASE WHEN x.n OPERATOR(pg_catalog.>=) 2 THEN x.curves END) t)
		SELECT h.arm,
			   coalesce(retention.subjects(h.s), 0),
			   coalesce(retention.events(h.s), 0),
			   CASE WHEN h.s IS NOT NULL THEN h.surv END,
			   CASE WHEN h.s IS NOT NULL THEN h.lower END,
			   CASE WHEN h.s IS NOT NULL THEN h.upper END,
			   (SELECT m.median FROM retention.survival_median(h.s) m),
			   hc.change,
			   t.chisq, t.df, t.p,
			   CASE WHEN h.ord OPERATOR(pg_catalog.>) 1 AND h.s IS NOT NULL AND c0.s IS NOT NULL
					THEN h.surv OPERATOR(pg_catalog.-) c0.surv END,
			   CASE WHEN h.ord OPERATOR(pg_catalog.>) 1 AND h.s IS NOT NULL AND c0.s IS NOT NULL
					THEN (h.surv OPERATOR(pg_catalog.-) c0.surv) OPERATOR(pg_catalog.-)
						 (1.959963984540054 OPERATOR(pg_catalog.*)
						  pg_catalog.sqrt((h.se OPERATOR(pg_catalog.*) h.se) OPERATOR(pg_catalog.+)
										  (c0.se OPERATOR(pg_catalog.*) c0.se))) END,
			   CASE WHEN h.ord OPERATOR(pg_catalog.>) 1 AND h.s IS NOT NULL AND c0.s IS NOT NULL
					THEN (h.surv OPERATOR(pg_catalog.-) c0.surv) OPERATOR(pg_catalog.+)
						 (1.959963984540054 OPERATOR(pg_catalog.*)
						  pg_catalog.sqrt((h.se OPERATOR(pg_catalog.*) h.se) OPERATOR(pg_catalog.+)
										  (c0.se OPERATOR(pg_catalog.*) c0.se))) END
		  FROM at_horizon h
		  CROSS JOIN test t
		  LEFT JOIN at_horizon c0 ON c0.ord OPERATOR(pg_catalog.=) 1
		  LEFT JOIN health_change hc ON hc.arm OPERATOR(pg_catalog.=) h.arm
		 ORDER BY h.ord;
	END;
COMMENT ON FUNCTION retention.initiative_results(text) IS
	'an initiative''s results per arm: products, churned, survival at the horizon with its 95% interval, median lifetime (days), mean health change since assignment; across arms the log-rank test and each arm''s difference in retention at the horizon from the control, with its 95% interval';

ALTER TABLE retention.initiative_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention.initiative_members FORCE ROW LEVEL SECURITY;
CREATE POLICY initiative_members_admin ON retention.initiative_members TO retention_admin
	USING (true) WITH CHECK (true);
CREATE POLICY initiative_members_read ON retention.initiative_members FOR SELECT
	TO retention_analyst, retention_rep
	USING (product_id IN (SELECT p.id FROM retention.products p));

GRANT SELECT ON retention.product_lifetimes, retention.survival_by_group,
	retention.initiatives, retention.initiative_members
	TO retention_admin, retention_rep, retention_analyst;
GRANT INSERT, UPDATE, DELETE ON retention.initiatives, retention.initiative_members
	TO retention_admin;

SELECT pg_catalog.pg_extension_config_dump('retention.initiatives', '');
SELECT pg_catalog.pg_extension_config_dump('retention.initiative_members', '');
