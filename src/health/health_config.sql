/* src/health/health_config.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION retention" to load this file. \quit

/*
 * A measure turns a product's observations in a window into one value
 * (rollup) and that value into a 0-100 sub-score: zero_at scores 0, full_at
 * scores 100, linear between, clamped outside; zero_at > full_at means lower
 * is better.  A scorecard weighs measures into a health score and cuts it
 * into bands.  Bad configuration is refused when written (RT005), and a
 * scorecard must have a measure when its transaction commits.  Built-in rows
 * cannot be renamed: a restore would bring them back beside the renamed
 * copy.
 */
CREATE TABLE retention.measures (
	name		text PRIMARY KEY,
	rollup		text NOT NULL,
	window_length interval NOT NULL,
	zero_at		double precision NOT NULL,
	full_at		double precision NOT NULL,
	description text,
	builtin		boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE retention.measures IS
	'health measures: how observations in a window roll up into a value, and how the value maps to a 0-100 sub-score';
COMMENT ON COLUMN retention.measures.rollup IS
	'avg, sum, min or max of the values in the window; count of the observations; or last, the latest value';
COMMENT ON COLUMN retention.measures.window_length IS
	'observations with as_of - window_length < observed_at <= as_of count';
COMMENT ON COLUMN retention.measures.name IS
	'the measure''s name: lower case letters, digits and underscores, at most 63 bytes';
COMMENT ON COLUMN retention.measures.description IS 'what the measure is (free text)';
COMMENT ON COLUMN retention.measures.builtin IS 'whether the extension seeded this measure';
COMMENT ON COLUMN retention.measures.zero_at IS
	'the value that scores 0 (values beyond it score 0 too)';
COMMENT ON COLUMN retention.measures.full_at IS
	'the value that scores 100; below zero_at when lower is better';

CREATE TABLE retention.scorecards (
	name		text PRIMARY KEY,
	red_below	double precision NOT NULL DEFAULT 40,
	yellow_below double precision NOT NULL DEFAULT 70,
	alert_drop	double precision NOT NULL DEFAULT 10,
	description text,
	builtin		boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE retention.scorecards IS
	'health scorecards: weighted measures and band edges; groups with no scorecard use "default"';
COMMENT ON COLUMN retention.scorecards.red_below IS 'scores below this are red';
COMMENT ON COLUMN retention.scorecards.yellow_below IS
	'scores below this (and not red) are yellow, the others green';
COMMENT ON COLUMN retention.scorecards.alert_drop IS
	'a drop of at least this many points from the previous score raises an alert';
COMMENT ON COLUMN retention.scorecards.name IS
	'the scorecard''s name: lower case letters, digits and underscores, at most 63 bytes';
COMMENT ON COLUMN retention.scorecards.description IS 'what the scorecard is for (free text)';
COMMENT ON COLUMN retention.scorecards.builtin IS 'whether the extension seeded this scorecard';

CREATE TABLE retention.scorecard_measures (
	scorecard	text NOT NULL REFERENCES retention.scorecards (name)
				ON UPDATE CASCADE ON DELETE CASCADE,
	measure		text NOT NULL REFERENCES retention.measures (name)
				ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED,
	weight		double precision NOT NULL,
	builtin		boolean NOT NULL DEFAULT false,
	PRIMARY KEY (scorecard, measure)
);
COMMENT ON TABLE retention.scorecard_measures IS
	'the measures of each scorecard and their weights';
COMMENT ON COLUMN retention.scorecard_measures.weight IS
	'relative weight (> 0); a measure without data spreads its weight over the others';
COMMENT ON COLUMN retention.scorecard_measures.scorecard IS
	'the scorecard (retention.scorecards.name)';
COMMENT ON COLUMN retention.scorecard_measures.measure IS 'the measure (retention.measures.name)';
COMMENT ON COLUMN retention.scorecard_measures.builtin IS 'whether the extension seeded this row';

ALTER TABLE retention.groups
	ADD COLUMN scorecard text REFERENCES retention.scorecards (name) ON UPDATE CASCADE;
COMMENT ON COLUMN retention.groups.scorecard IS
	'the scorecard that scores this group''s products; NULL means "default"';

INSERT INTO retention.measures (name, rollup, window_length, zero_at, full_at, description, builtin) VALUES
	('usage', 'avg', '30 days', 0, 20, 'product usage (e.g. active users, sessions), averaged over 30 days', true),
	('happiness', 'last', '90 days', 0, 10, 'the latest survey answer (NPS or CSAT on 0-10) within 90 days', true),
	('support_tickets', 'count', '30 days', 10, 0, 'support tickets opened in 30 days; fewer is better', true);

INSERT INTO retention.scorecards (name, description, builtin) VALUES
	('default', 'the scorecard of every group that names none', true);

INSERT INTO retention.scorecard_measures (scorecard, measure, weight, builtin) VALUES
	('default', 'usage', 50, true),
	('default', 'happiness', 30, true),
	('default', 'support_tickets', 20, true);

CREATE FUNCTION retention.measures_validate() RETURNS trigger
	LANGUAGE plpgsql STABLE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	w_months integer;
	w_days integer;
BEGIN
	IF NEW.name !~ '^[a-z][a-z0-9_]*$' OR pg_catalog.octet_length(NEW.name) > 63 THEN
		RAISE EXCEPTION 'invalid measure name "%"', NEW.name
			USING ERRCODE = 'RT005',
				  DETAIL = 'A measure name starts with a lower-case letter, continues with lower-case letters, digits or underscores, and is at most 63 bytes long.';
	END IF;
	IF TG_OP = 'UPDATE' AND OLD.builtin AND NEW.name <> OLD.name THEN
		RAISE EXCEPTION 'cannot rename built-in measure "%"', OLD.name
			USING ERRCODE = 'RT005',
				  DETAIL = 'A restore would bring the measure back under its old name.',
				  HINT = 'Create a measure under the new name instead.';
	END IF;
	IF NEW.rollup NOT IN ('avg', 'sum', 'count', 'last', 'min', 'max') THEN
		RAISE EXCEPTION 'unknown rollup "%" for measure "%"', NEW.rollup, NEW.name
			USING ERRCODE = 'RT005',
				  DETAIL = 'The rollups are avg, sum, count, last, min and max.';
	END IF;
	-- Every part of the interval must be >= 0: '1 month -29 days' is > 0 by
	-- interval comparison but can end after it starts.
	w_months := EXTRACT(YEAR FROM NEW.window_length) * 12 + EXTRACT(MONTH FROM NEW.window_length);
	w_days := EXTRACT(DAY FROM NEW.window_length);
	IF NEW.window_length <= interval '0' OR w_months < 0 OR w_days < 0
	   OR NEW.window_length - pg_catalog.make_interval(months => w_months, days => w_days) < interval '0' THEN
		RAISE EXCEPTION 'window of measure "%" must be positive', NEW.name
			USING ERRCODE = 'RT005',
				  DETAIL = pg_catalog.format('The window given is "%s".', NEW.window_length),
				  HINT = 'Give a positive interval with no negative part, such as ''30 days''.';
	END IF;
	-- as_of - window must stay a valid time for any as_of a query gives
	IF NEW.window_length > interval '100 years' THEN
		RAISE EXCEPTION 'window of measure "%" is too long', NEW.name
			USING ERRCODE = 'RT005',
				  DETAIL = pg_catalog.format('The window given is "%s"; the longest is 100 years.', NEW.window_length);
	END IF;
	IF NEW.zero_at IN ('Infinity', '-Infinity', 'NaN') OR NEW.full_at IN ('Infinity', '-Infinity', 'NaN') THEN
		RAISE EXCEPTION 'thresholds of measure "%" must be finite', NEW.name
			USING ERRCODE = 'RT005',
				  DETAIL = pg_catalog.format('zero_at is %s and full_at is %s.', NEW.zero_at, NEW.full_at);
	END IF;
	IF NEW.zero_at = NEW.full_at THEN
		RAISE EXCEPTION 'measure "%" has zero_at equal to full_at', NEW.name
			USING ERRCODE = 'RT005',
				  DETAIL = pg_catalog.format('Both thresholds are %s; a sub-score needs two different values to scale between.', NEW.zero_at),
				  HINT = 'Set full_at above zero_at when higher values are better, below it when lower values are better.';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION retention.measures_validate() IS
	'trigger: refuses a measure with a bad name, an unknown rollup, a non-positive window or unusable thresholds, and the renaming of a built-in one';

CREATE FUNCTION retention.scorecards_validate() RETURNS trigger
	LANGUAGE plpgsql STABLE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF TG_OP <> 'INSERT' AND OLD.name = 'default' AND (TG_OP = 'DELETE' OR NEW.name <> 'default') THEN
		RAISE EXCEPTION 'cannot % scorecard "default"', CASE TG_OP WHEN 'DELETE' THEN 'delete' ELSE 'rename' END
			USING ERRCODE = 'RT005',
				  DETAIL = 'Groups that name no scorecard are scored with "default".',
				  HINT = 'Change its measures and band edges instead.';
	END IF;
	IF TG_OP = 'DELETE' THEN
		RETURN OLD;
	END IF;
	IF NEW.name !~ '^[a-z][a-z0-9_]*$' OR pg_catalog.octet_length(NEW.name) > 63 THEN
		RAISE EXCEPTION 'invalid scorecard name "%"', NEW.name
			USING ERRCODE = 'RT005',
				  DETAIL = 'A scorecard name starts with a lower-case letter, continues with lower-case letters, digits or underscores, and is at most 63 bytes long.';
	END IF;
	IF TG_OP = 'UPDATE' AND OLD.builtin AND NEW.name <> OLD.name THEN
		RAISE EXCEPTION 'cannot rename built-in scorecard "%"', OLD.name
			USING ERRCODE = 'RT005',
				  DETAIL = 'A restore would bring the scorecard back under its old name.',
				  HINT = 'Create a scorecard under the new name instead.';
	END IF;
	IF NOT (NEW.red_below >= 0 AND NEW.red_below <= NEW.yellow_below AND NEW.yellow_below <= 100) THEN
		RAISE EXCEPTION 'invalid band edges for scorecard "%"', NEW.name
			USING ERRCODE = 'RT005',
				  DETAIL = pg_catalog.format('red_below is %s and yellow_below is %s; they must satisfy 0 <= red_below <= yellow_below <= 100.',
											 NEW.red_below, NEW.yellow_below);
	END IF;
	IF NOT (NEW.alert_drop >= 0 AND NEW.alert_drop <= 100) THEN
		RAISE EXCEPTION 'invalid alert_drop for scorecard "%"', NEW.name
			USING ERRCODE = 'RT005',
				  DETAIL = pg_catalog.format('alert_drop is %s; it is a number of points between 0 and 100.', NEW.alert_drop);
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION retention.scorecards_validate() IS
	'trigger: refuses a scorecard with a bad name or band edges out of order, and keeps scorecard "default"';

CREATE FUNCTION retention.scorecard_measures_validate() RETURNS trigger
	LANGUAGE plpgsql STABLE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF NOT (NEW.weight > 0) OR NEW.weight IN ('Infinity', 'NaN') THEN
		RAISE EXCEPTION 'weight of measure "%" in scorecard "%" must be positive', NEW.measure, NEW.scorecard
			USING ERRCODE = 'RT005',
				  DETAIL = pg_catalog.format('The weight given is %s.', NEW.weight),
				  HINT = 'Weights are relative: any finite positive numbers will do.';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION retention.scorecard_measures_validate() IS
	'trigger: refuses a weight that is not a finite positive number';

-- Deferred to commit, so a scorecard and its measures can be added in any
-- order.  Skipped while check_function_bodies is off, as every pg_dump
-- script and pg_restore set it: a restore commits scorecards before their
-- measures (the aggregate still refuses an empty scorecard).
CREATE FUNCTION retention.scorecard_not_empty() RETURNS trigger
	LANGUAGE plpgsql STABLE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	card text;
BEGIN
	IF NOT pg_catalog.current_setting('check_function_bodies')::boolean THEN
		RETURN NULL;
	END IF;
	IF TG_TABLE_NAME = 'scorecards' THEN
		card := NEW.name;
	ELSE
		card := OLD.scorecard;
	END IF;
	IF EXISTS (SELECT FROM retention.scorecards s WHERE s.name = card)
	   AND NOT EXISTS (SELECT FROM retention.scorecard_measures m WHERE m.scorecard = card) THEN
		RAISE EXCEPTION 'scorecard "%" has no measures', card
			USING ERRCODE = 'RT005',
				  DETAIL = 'A scorecard needs at least one measure with a positive weight to produce a score.',
				  HINT = 'Add its rows to retention.scorecard_measures in the same transaction.';
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION retention.scorecard_not_empty() IS
	'constraint trigger: at commit, refuses a scorecard left with no measures';

CREATE TRIGGER measures_builtin BEFORE INSERT OR UPDATE OR DELETE ON retention.measures
	FOR EACH ROW EXECUTE FUNCTION retention.builtin_row_guard('name');
CREATE TRIGGER measures_validate BEFORE INSERT OR UPDATE ON retention.measures
	FOR EACH ROW EXECUTE FUNCTION retention.measures_validate();
CREATE TRIGGER measures_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON retention.measures
	FOR EACH STATEMENT EXECUTE FUNCTION retention.config_changed();

CREATE TRIGGER scorecards_builtin BEFORE INSERT OR UPDATE OR DELETE ON retention.scorecards
	FOR EACH ROW EXECUTE FUNCTION retention.builtin_row_guard('name');
CREATE TRIGGER scorecards_validate BEFORE INSERT OR UPDATE OR DELETE ON retention.scorecards
	FOR EACH ROW EXECUTE FUNCTION retention.scorecards_validate();
CREATE CONSTRAINT TRIGGER scorecards_not_empty AFTER INSERT OR UPDATE ON retention.scorecards
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW EXECUTE FUNCTION retention.scorecard_not_empty();
CREATE TRIGGER scorecards_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON retention.scorecards
	FOR EACH STATEMENT EXECUTE FUNCTION retention.config_changed();

CREATE TRIGGER scorecard_measures_builtin BEFORE INSERT OR UPDATE OR DELETE ON retention.scorecard_measures
	FOR EACH ROW EXECUTE FUNCTION retention.builtin_row_guard('scorecard', 'measure');
CREATE TRIGGER scorecard_measures_validate BEFORE INSERT OR UPDATE ON retention.scorecard_measures
	FOR EACH ROW EXECUTE FUNCTION retention.scorecard_measures_validate();
CREATE CONSTRAINT TRIGGER scorecard_measures_not_empty AFTER UPDATE OR DELETE ON retention.scorecard_measures
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW EXECUTE FUNCTION retention.scorecard_not_empty();
CREATE TRIGGER scorecard_measures_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON retention.scorecard_measures
	FOR EACH STATEMENT EXECUTE FUNCTION retention.config_changed();

/*
 * Observations: the raw inputs of health, one row per product, measure and
 * moment.  An append-mostly fact table (tens of millions of rows), so no
 * surrogate key: the health queries read it by product and measure over a
 * time window (btree), or scan a time range for every product (BRIN).  It is
 * partitioned by time from the start, so that a user can add monthly
 * partitions and drop old ones; partitions the user creates are ordinary
 * tables, which pg_dump dumps with their data.
 */
CREATE TABLE retention.observations (
	product_id	bigint NOT NULL REFERENCES retention.products (id) ON DELETE CASCADE,
	measure		text NOT NULL REFERENCES retention.measures (name),
	observed_at timestamptz NOT NULL,
	value		double precision
				CONSTRAINT observations_value_range CHECK (value >= -1e12 AND value <= 1e12)
) PARTITION BY RANGE (observed_at);
-- Everything lands here until you add partitions by time (see README).
CREATE TABLE retention.observations_default PARTITION OF retention.observations DEFAULT;
COMMENT ON TABLE retention.observations_default IS
	'the observations no partition by time takes (all of them, until you add partitions)';
COMMENT ON TABLE retention.observations IS
	'observed values of health measures per product (usage, survey answers, tickets...)';
COMMENT ON COLUMN retention.observations.value IS
	'the observed value, finite and between -1e12 and 1e12; may be NULL for measures that only count rows';
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
	'the observed value, finite and between -1e12 and 1e12; may be NULL for measures that only count rows';

CREATE INDEX observations_product_measure_idx
	ON retention.observations (product_id, measure, observed_at);
CREATE INDEX observations_observed_at_brin
	ON retention.observations USING brin (observed_at);

ALTER TABLE retention.observations ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention.observations FORCE ROW LEVEL SECURITY;

CREATE POLICY observations_admin ON retention.observations TO retention_admin
	USING (true) WITH CHECK (true);
CREATE POLICY observations_analyst ON retention.observations FOR SELECT TO retention_analyst
	USING (true);
CREATE POLICY observations_rep_read ON retention.observations FOR SELECT TO retention_rep
	USING (product_id IN (SELECT p.id FROM retention.products p));
CREATE POLICY observations_rep_insert ON retention.observations FOR INSERT TO retention_rep
	WITH CHECK (product_id IN (SELECT p.id FROM retention.products p));

GRANT SELECT ON retention.measures, retention.scorecards, retention.scorecard_measures,
	retention.observations TO retention_admin, retention_rep, retention_analyst;
GRANT INSERT, UPDATE, DELETE ON retention.measures, retention.scorecards,
	retention.scorecard_measures, retention.observations TO retention_admin;
GRANT INSERT ON retention.observations TO retention_rep;

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

SELECT pg_catalog.pg_extension_config_dump('retention.measures', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('retention.scorecards', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('retention.scorecard_measures', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('retention.observations', '');
SELECT pg_catalog.pg_extension_config_dump('retention.observations_default', '');

/*
 * retention.health(measure, value, observed_at, as_of [, scorecard]): the
 * health of one product from its observations, in one pass.  as_of (and the
 * scorecard) must be the same for every row of a group.  STABLE: it reads
 * the configuration, and windows of months or days follow the time zone.
 */
CREATE FUNCTION retention.health_agg_accum(internal, text, double precision, timestamptz, timestamptz)
	RETURNS internal
	AS 'MODULE_PATHNAME', 'health_agg_accum'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention.health_agg_accum(internal, text, double precision, timestamptz, timestamptz) IS
	'transition function of retention.health(measure, value, observed_at, as_of)';

CREATE FUNCTION retention.health_agg_accum(internal, text, double precision, timestamptz, timestamptz, text)
	RETURNS internal
	AS 'MODULE_PATHNAME', 'health_agg_accum_card'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention.health_agg_accum(internal, text, double precision, timestamptz, timestamptz, text) IS
	'transition function of retention.health(measure, value, observed_at, as_of, scorecard)';

CREATE FUNCTION retention.health_agg_combine(internal, internal)
	RETURNS internal
	AS 'MODULE_PATHNAME', 'health_agg_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention.health_agg_combine(internal, internal) IS
	'combine function of retention.health';

CREATE FUNCTION retention.health_agg_serialize(internal)
	RETURNS bytea
	AS 'MODULE_PATHNAME', 'health_agg_serialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.health_agg_serialize(internal) IS
	'serialization function of retention.health';

CREATE FUNCTION retention.health_agg_deserialize(bytea, internal)
	RETURNS internal
	AS 'MODULE_PATHNAME', 'health_agg_deserialize'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.health_agg_deserialize(bytea, internal) IS
	'deserialization function of retention.health';

CREATE FUNCTION retention.health_agg_final(internal)
	RETURNS retention.health
	AS 'MODULE_PATHNAME', 'health_agg_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention.health_agg_final(internal) IS
	'final function of retention.health';

CREATE AGGREGATE retention.health(measure text, value double precision,
								  observed_at timestamptz, as_of timestamptz) (
	SFUNC = retention.health_agg_accum,
	STYPE = internal,
	SSPACE = 64,
	FINALFUNC = retention.health_agg_final,
	COMBINEFUNC = retention.health_agg_combine,
	SERIALFUNC = retention.health_agg_serialize,
	DESERIALFUNC = retention.health_agg_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention.health(text, double precision, timestamptz, timestamptz) IS
	'health of a product from its observations as of a moment, on the "default" scorecard; NULL without data';

CREATE AGGREGATE retention.health(measure text, value double precision,
								  observed_at timestamptz, as_of timestamptz, scorecard text) (
	SFUNC = retention.health_agg_accum,
	STYPE = internal,
	SSPACE = 64,
	FINALFUNC = retention.health_agg_final,
	COMBINEFUNC = retention.health_agg_combine,
	SERIALFUNC = retention.health_agg_serialize,
	DESERIALFUNC = retention.health_agg_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention.health(text, double precision, timestamptz, timestamptz, text) IS
	'health of a product from its observations as of a moment, on the named scorecard; NULL without data';

-- The aggregate reads the measures and scorecards (through the owner's
-- cache), so it is for the roles that may read them: a role with none of the
-- retention roles would otherwise learn the configuration by computing
-- (test/tap/access_matrix.sh).
REVOKE ALL ON FUNCTION retention.health(text, double precision, timestamptz, timestamptz),
	retention.health(text, double precision, timestamptz, timestamptz, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION retention.health(text, double precision, timestamptz, timestamptz),
	retention.health(text, double precision, timestamptz, timestamptz, text)
	TO retention_admin, retention_rep, retention_analyst;


