/* src/health/health_time.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION retention" to load this file. \quit


/*
 * Overrides: an admin may set a product's health by hand for a while.  The
 * views show both the override and the computed score.
 */
CREATE TABLE retention.health_overrides (
	product_id	bigint PRIMARY KEY REFERENCES retention.products (id) ON DELETE CASCADE,
	score		float8 NOT NULL
				CONSTRAINT health_overrides_score_range CHECK (score >= 0 AND score <= 100),
	reason		text NOT NULL
				CONSTRAINT health_overrides_reason_given
				CHECK (pg_catalog.btrim(reason, E' \t\n\r\f\v') <> ''),
	expires_at	timestamptz NOT NULL,
	set_by		text NOT NULL DEFAULT session_user,
	set_at		timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE retention.health_overrides IS
	'hand-set health scores, each with a reason, in force until expires_at';
COMMENT ON COLUMN retention.health_overrides.product_id IS 'the product (retention.products.id)';
COMMENT ON COLUMN retention.health_overrides.score IS 'the hand-set score, 0 to 100 points';
COMMENT ON COLUMN retention.health_overrides.reason IS 'why it was set (free text)';
COMMENT ON COLUMN retention.health_overrides.expires_at IS 'when it stops being in force';
COMMENT ON COLUMN retention.health_overrides.set_by IS 'the session user who set it';
COMMENT ON COLUMN retention.health_overrides.set_at IS 'when it was set';

CREATE FUNCTION retention.override_health(product bigint, score float8, reason text,
										  expires_at timestamptz)
	RETURNS retention.health_overrides
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	result retention.health_overrides;
BEGIN
	IF product IS NULL OR score IS NULL OR expires_at IS NULL THEN
		RAISE EXCEPTION '% must not be null',
			CASE WHEN product IS NULL THEN 'product' WHEN score IS NULL THEN 'score'
				 ELSE 'expires_at' END
			USING ERRCODE = 'null_value_not_allowed',
				  HINT = 'Call retention.override_health(product, score, reason, expires_at).';
	END IF;
	IF NOT (score >= 0 AND score <= 100) THEN
		RAISE EXCEPTION 'health score % is out of range', score
			USING ERRCODE = 'numeric_value_out_of_range',
				  HINT = 'A health score is between 0 and 100.';
	END IF;
	IF reason IS NULL OR btrim(reason, E' \t\n\r\f\v') = '' THEN
		RAISE EXCEPTION 'an override of product % needs a reason', product
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Say why the computed score is not to be trusted for now.';
	END IF;
	IF expires_at <= now() THEN
		RAISE EXCEPTION 'override of product % would already have expired', product
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('expires_at %s is not in the future.', expires_at),
				  HINT = 'Give an expiry after now().';
	END IF;
	INSERT INTO retention.health_overrides AS o (product_id, score, reason, expires_at)
	VALUES (product, score, reason, expires_at)
	ON CONFLICT (product_id) DO UPDATE
		SET score = EXCLUDED.score, reason = EXCLUDED.reason, expires_at = EXCLUDED.expires_at,
			set_by = session_user, set_at = now()
	RETURNING o.* INTO result;
	RETURN result;
END
$$;
COMMENT ON FUNCTION retention.override_health(bigint, float8, text, timestamptz) IS
	'sets (or replaces) a product''s health by hand, with a reason and an expiry';

CREATE FUNCTION retention.clear_override(product bigint)
	RETURNS boolean
	LANGUAGE sql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	BEGIN ATOMIC
		WITH gone AS (DELETE FROM retention.health_overrides o
					   WHERE o.product_id = clear_override.product RETURNING 1)
		SELECT count(*) > 0 FROM gone;
	END;
COMMENT ON FUNCTION retention.clear_override(bigint) IS
	'removes a product''s health override; true if there was one';

-- The band a score falls in under a scorecard's edges.
CREATE FUNCTION retention.band_for(score float8, scorecard text DEFAULT 'default')
	RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	BEGIN ATOMIC
		SELECT CASE WHEN band_for.score IS NULL THEN NULL
					WHEN band_for.score < s.red_below THEN 'red'
					WHEN band_for.score < s.yellow_below THEN 'yellow'
					ELSE 'green' END
		  FROM retention.scorecards s
		 WHERE s.name = coalesce(band_for.scorecard, 'default');
	END;
COMMENT ON FUNCTION retention.band_for(float8, text) IS
	'the band (red, yellow, green) a score falls in under a scorecard''s edges';

/*
 * Every product's computed health as of a moment: one pass of the aggregate
 * over the observations inside the longest window.  The views and the
 * snapshots all read it.
 */
CREATE FUNCTION retention.health_as_of(as_of timestamptz)
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
COMMENT ON FUNCTION retention.health_as_of(timestamptz) IS
	'every product''s computed health as of a moment (products with no data in any window are left out)';

/*
 * Snapshots: one row per product and day, as of the end of that day (the
 * midnight that starts the next day, in the session's time zone).
 */
CREATE TABLE retention.health_snapshots (
	product_id	bigint NOT NULL REFERENCES retention.products (id) ON DELETE CASCADE,
	as_of		date NOT NULL,
	health		retention.health NOT NULL,
	score		float8 NOT NULL,
	band		text NOT NULL,
	overridden	boolean NOT NULL,
	taken_at	timestamptz NOT NULL DEFAULT pg_catalog.now(),
	PRIMARY KEY (product_id, as_of)
);
CREATE INDEX health_snapshots_as_of_idx ON retention.health_snapshots (as_of);
COMMENT ON TABLE retention.health_snapshots IS
	'each product''s health per day; score and band are the override''s when one was in force';
COMMENT ON COLUMN retention.health_snapshots.product_id IS 'the product (retention.products.id)';
COMMENT ON COLUMN retention.health_snapshots.as_of IS 'the day of the snapshot';
COMMENT ON COLUMN retention.health_snapshots.health IS
	'the computed health (type retention.health; retention.score(health) and the like read it)';
COMMENT ON COLUMN retention.health_snapshots.score IS
	'the score that day, 0 to 100 points (the override''s if one was in force)';
COMMENT ON COLUMN retention.health_snapshots.band IS 'the band that day: red, yellow or green';
COMMENT ON COLUMN retention.health_snapshots.overridden IS 'whether an override was in force';
COMMENT ON COLUMN retention.health_snapshots.taken_at IS 'when the snapshot was taken';

/*
 * Alerts: a snapshot that turns a product red, or drops it by at least its
 * scorecard's alert_drop points, records an alert here.  Reps read them as
 * they read health, through row-level security; the NOTIFY that follows a
 * snapshot only wakes listeners up, and carries nothing.
 */
CREATE TABLE retention.health_alerts (
	id			bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	product_id	bigint NOT NULL REFERENCES retention.products (id) ON DELETE CASCADE,
	as_of		date NOT NULL,
	kind		text NOT NULL CHECK (kind IN ('turned_red', 'dropped')),
	old_score	float8 NOT NULL,
	new_score	float8 NOT NULL,
	old_band	text NOT NULL,
	new_band	text NOT NULL,
	raised_at	timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT health_alerts_once_a_day UNIQUE (product_id, as_of)
);
CREATE INDEX health_alerts_as_of_idx ON retention.health_alerts (as_of);
COMMENT ON TABLE retention.health_alerts IS
	'append-only: a product''s health turned red, or dropped by at least its scorecard''s alert_drop points, at a snapshot';
COMMENT ON COLUMN retention.health_alerts.product_id IS 'the product (retention.products.id)';
COMMENT ON COLUMN retention.health_alerts.id IS 'increasing: a listener remembers the last id it read';
COMMENT ON COLUMN retention.health_alerts.as_of IS 'the day of the snapshot that raised it';
COMMENT ON COLUMN retention.health_alerts.kind IS 'turned_red or dropped';
COMMENT ON COLUMN retention.health_alerts.old_score IS 'the score at the previous snapshot (0 to 100)';
COMMENT ON COLUMN retention.health_alerts.new_score IS 'the score at this snapshot (0 to 100)';
COMMENT ON COLUMN retention.health_alerts.old_band IS 'the band at the previous snapshot';
COMMENT ON COLUMN retention.health_alerts.new_band IS 'the band at this snapshot';
COMMENT ON COLUMN retention.health_alerts.raised_at IS 'when the snapshot was taken';
CREATE TRIGGER health_alerts_append_only
	BEFORE UPDATE OR DELETE ON retention.health_alerts
	FOR EACH ROW EXECUTE FUNCTION retention.append_only('product_id');
CREATE TRIGGER health_alerts_no_truncate
	BEFORE TRUNCATE ON retention.health_alerts
	FOR EACH STATEMENT EXECUTE FUNCTION retention.append_only();
ALTER TABLE retention.health_alerts ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention.health_alerts FORCE ROW LEVEL SECURITY;
CREATE POLICY health_alerts_admin ON retention.health_alerts TO retention_admin
	USING (true) WITH CHECK (true);
CREATE POLICY health_alerts_read ON retention.health_alerts FOR SELECT
	TO retention_analyst, retention_rep
	USING (product_id IN (SELECT p.id FROM retention.products p));
GRANT SELECT ON retention.health_alerts TO retention_admin, retention_rep, retention_analyst;
GRANT INSERT ON retention.health_alerts TO retention_admin;
GRANT USAGE ON SEQUENCE retention.health_alerts_id_seq TO retention_admin;
SELECT pg_catalog.pg_extension_config_dump('retention.health_alerts', '');
SELECT pg_catalog.pg_extension_config_dump('retention.health_alerts_id_seq', '');

CREATE FUNCTION retention.snapshot_health(as_of date)
	RETURNS integer
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	day_end timestamptz := (as_of + 1)::timestamptz;
	added_ids bigint[];
	alerts integer;
BEGIN
	IF as_of IS NULL THEN
		RAISE EXCEPTION 'as_of must not be null'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;

	WITH computed AS (
		SELECT h.product_id, h.scorecard, h.health,
			   o.score AS override_score
		  FROM retention.health_as_of(day_end) h
		  LEFT JOIN retention.health_overrides o
				 ON o.product_id = h.product_id
				AND o.set_at <= day_end AND o.expires_at > day_end
	), added AS (
		INSERT INTO retention.health_snapshots AS s
			   (product_id, as_of, health, score, band, overridden)
		SELECT c.product_id, snapshot_health.as_of, c.health,
			   coalesce(c.override_score, retention.score(c.health)),
			   CASE WHEN c.override_score IS NULL THEN retention.band(c.health)
					ELSE retention.band_for(c.override_score, c.scorecard) END,
			   c.override_score IS NOT NULL
		  FROM computed c
		ON CONFLICT ON CONSTRAINT health_snapshots_pkey DO NOTHING
		RETURNING s.product_id
	)
	SELECT coalesce(array_agg(a.product_id), '{}') INTO added_ids FROM added a;

	/*
	 * Alerts for the rows just recorded: the product turned red, or lost at
	 * least its scorecard's alert_drop points since its previous snapshot.
	 */
	INSERT INTO retention.health_alerts
		   (product_id, as_of, kind, old_score, new_score, old_band, new_band)
	SELECT s.product_id, s.as_of,
		   CASE WHEN s.band = 'red' AND prev.band IS DISTINCT FROM 'red' THEN 'turned_red'
				ELSE 'dropped' END,
		   prev.score, s.score, prev.band, s.band
	  FROM retention.health_snapshots s
	  JOIN retention.products p ON p.id = s.product_id
	  LEFT JOIN retention.groups g ON g.id = p.group_id
	  JOIN retention.scorecards sc ON sc.name = coalesce(g.scorecard, 'default')
	  CROSS JOIN LATERAL (
			SELECT q.score, q.band
			  FROM retention.health_snapshots q
			 WHERE q.product_id = s.product_id AND q.as_of < s.as_of
			 ORDER BY q.as_of DESC
			 LIMIT 1) prev
	 WHERE s.as_of = snapshot_health.as_of
	   AND s.product_id = ANY (added_ids)
	   AND ((s.band = 'red' AND prev.band <> 'red')
			OR prev.score - s.score >= sc.alert_drop)
	 ORDER BY s.product_id
	ON CONFLICT ON CONSTRAINT health_alerts_once_a_day DO NOTHING;
	GET DIAGNOSTICS alerts = ROW_COUNT;

	-- A wake-up only: listeners read what they may see from health_alerts.
	IF alerts > 0 THEN
		PERFORM pg_notify('retention_health_alert', '');
	END IF;

	RETURN cardinality(added_ids);
END
$$;
COMMENT ON FUNCTION retention.snapshot_health(date) IS
	'records every product''s health for a day (idempotent), records alerts in retention.health_alerts and NOTIFYs retention_health_alert (no payload) when there are any';

