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

-- A restored deletion record deletes exactly the seeded row its key names
-- (0.1.0 matched with @>, so a key of '{}' deleted every seeded row).
CREATE OR REPLACE FUNCTION retention.config_deletion_apply() RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	-- the key columns of each table, as builtin_row_guard writes them
	key_columns text[] := CASE NEW.table_name
		WHEN 'stages' THEN ARRAY['name']
		WHEN 'transitions' THEN ARRAY['from_stage', 'to_stage']
		WHEN 'measures' THEN ARRAY['name']
		WHEN 'scorecards' THEN ARRAY['name']
		WHEN 'scorecard_measures' THEN ARRAY['measure', 'scorecard'] END;
BEGIN
	-- A key names one row: exactly the table's key columns, each with a
	-- value (a partial key such as '{}' would match every seeded row).
	IF jsonb_typeof(NEW.key) IS DISTINCT FROM 'object'
	   OR (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(NEW.key) k)
		  IS DISTINCT FROM key_columns THEN
		RAISE EXCEPTION 'invalid key for a deleted row of retention.%', NEW.table_name
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('The key is %s; it must be an object with exactly the keys %s.',
								  NEW.key, array_to_string(key_columns, ', ')),
				  HINT = 'Deleting the configuration row itself records its deletion.';
	END IF;
	EXECUTE format('DELETE FROM retention.%I t WHERE t.builtin'
				   ' AND (SELECT jsonb_object_agg(c, to_jsonb(t) -> c) FROM unnest($2) c) = $1',
				   NEW.table_name)
		USING NEW.key, key_columns;
	RETURN NULL;
END
$$;
-- Every column of a table a BI tool reads has a comment.
COMMENT ON COLUMN retention.config_deletions.table_name IS
	'the configuration table the row was deleted from (stages, transitions, measures, scorecards, scorecard_measures)';
COMMENT ON COLUMN retention.config_deletions.key IS
	'the deleted row''s key columns and values, as a JSON object';
COMMENT ON COLUMN retention.config_deletions.deleted_at IS 'when the row was deleted';

------------------------------------------------------------------------------
-- lifecycle: stages, deals, products, history, enforcement
------------------------------------------------------------------------------

-- The history names a table as it was (a bare OID once a table is dropped
-- would say nothing), and only moves of retention.products carry a
-- product id.  Existing rows keep their names, schema-qualified.
DROP POLICY stage_history_rep_read ON retention.stage_history;
DROP TRIGGER stage_history_append_only ON retention.stage_history;
SET search_path = pg_catalog, pg_temp;
ALTER TABLE retention.stage_history ALTER COLUMN table_name TYPE text USING table_name::regclass::text;
RESET search_path;
UPDATE retention.stage_history SET product_id = NULL
 WHERE table_name <> 'retention.products' AND product_id IS NOT NULL;
COMMENT ON COLUMN retention.stage_history.table_name IS
	'the table whose row moved, schema-qualified, as it was named when the move was made';
COMMENT ON COLUMN retention.stage_history.product_id IS
	'the product that moved, for moves of retention.products; NULL for rows of other tables';
COMMENT ON COLUMN retention.stage_history.row_key IS
	'the moved row''s key, as text';

-- Only retention.forget_product() removes history: of the product it forgets.
CREATE TRIGGER stage_history_append_only
	BEFORE UPDATE OR DELETE ON retention.stage_history
	FOR EACH ROW EXECUTE FUNCTION retention.append_only('product_id');

-- A change of a group's kind and a placement into the group no longer miss
-- each other (two sessions could leave a product in a group of the wrong
-- kind): the check is in C, counts the products in the latest snapshot after
-- the row lock, and placement locks the group FOR SHARE.
CREATE OR REPLACE FUNCTION retention.group_kind_is_stable() RETURNS trigger
	AS 'MODULE_PATHNAME', 'group_kind_is_stable'
	LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION retention.group_kind_is_stable() IS
	'trigger: a group that holds products keeps its kind';

-- Every product's history replays from its entry: products are not deleted.
CREATE FUNCTION retention.product_is_permanent() RETURNS trigger
	AS 'MODULE_PATHNAME', 'product_is_permanent'
	LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION retention.product_is_permanent() IS
	'trigger: refuses DELETE and TRUNCATE of products, except retention.forget_product()''s';
CREATE TRIGGER products_permanent
	BEFORE DELETE ON retention.products
	FOR EACH ROW EXECUTE FUNCTION retention.product_is_permanent();
CREATE TRIGGER products_no_truncate
	BEFORE TRUNCATE ON retention.products
	FOR EACH STATEMENT EXECUTE FUNCTION retention.product_is_permanent();

CREATE TABLE retention.forgotten_products (
	id			bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	product_id	bigint NOT NULL,
	deal_id		bigint NOT NULL,
	customer	text,
	product_type text NOT NULL,
	last_stage	text NOT NULL,
	history_rows bigint NOT NULL,
	reason		text NOT NULL,
	forgotten_by text NOT NULL DEFAULT session_user,
	acting_role text NOT NULL,
	forgotten_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE retention.forgotten_products IS
	'append-only log of the products retention.forget_product() removed with their history';
COMMENT ON COLUMN retention.forgotten_products.id IS 'the entry''s id, in the order products were forgotten';
COMMENT ON COLUMN retention.forgotten_products.product_id IS 'the id the product had';
COMMENT ON COLUMN retention.forgotten_products.deal_id IS 'the deal it came from (retention.deals.id)';
COMMENT ON COLUMN retention.forgotten_products.customer IS 'the product''s own customer name, if it had one';
COMMENT ON COLUMN retention.forgotten_products.product_type IS 'what the product was';
COMMENT ON COLUMN retention.forgotten_products.forgotten_at IS 'when it was forgotten';
COMMENT ON COLUMN retention.forgotten_products.last_stage IS 'the stage it was in when forgotten';
COMMENT ON COLUMN retention.forgotten_products.history_rows IS 'how many rows of stage history went with it';
COMMENT ON COLUMN retention.forgotten_products.reason IS 'why an administrator forgot it';
COMMENT ON COLUMN retention.forgotten_products.forgotten_by IS 'the session user who forgot it';
COMMENT ON COLUMN retention.forgotten_products.acting_role IS 'the role in effect (current_user)';
CREATE TRIGGER forgotten_products_append_only
	BEFORE UPDATE OR DELETE ON retention.forgotten_products
	FOR EACH ROW EXECUTE FUNCTION retention.append_only();
CREATE TRIGGER forgotten_products_no_truncate
	BEFORE TRUNCATE ON retention.forgotten_products
	FOR EACH STATEMENT EXECUTE FUNCTION retention.append_only();

CREATE FUNCTION retention.forget_product(product bigint, reason text)
	RETURNS bigint
	AS 'MODULE_PATHNAME', 'forget_product'
	LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION retention.forget_product(bigint, text) IS
	'administrators: removes a product with its stage history and health data, logged in retention.forgotten_products; returns the number of history rows removed';
REVOKE ALL ON FUNCTION retention.forget_product(bigint, text) FROM PUBLIC;

-- A trigger's name: a table's name and a suffix, within NAMEDATALEN - 1 bytes
CREATE FUNCTION retention.trigger_name(table_name name, suffix text)
	RETURNS text
	LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	head text := table_name;
BEGIN
	-- (a suffix with no room for the table's name would cut forever)
	IF octet_length(suffix) > 62 THEN
		RAISE EXCEPTION 'trigger name suffix is too long'
			USING ERRCODE = 'name_too_long',
				  DETAIL = format('The suffix has %s bytes; a trigger''s name has at most 63, one of them at least for the table''s name.',
								  octet_length(suffix));
	END IF;
	WHILE octet_length(head) + octet_length(suffix) > 63 LOOP
		head := left(head, -1);
	END LOOP;
	RETURN head || suffix;
END
$$;
COMMENT ON FUNCTION retention.trigger_name(name, text) IS
	'the name retention.enforce_stages gives a trigger: the table''s name, cut so that the suffix fits';

-- NULL arguments are refused by name.
CREATE OR REPLACE FUNCTION retention.move(product bigint, to_stage text, reason text DEFAULT NULL)
	RETURNS retention.products
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	moved retention.products;
BEGIN
	IF product IS NULL OR to_stage IS NULL THEN
		RAISE EXCEPTION '% must not be null', CASE WHEN product IS NULL THEN 'product' ELSE 'to_stage' END
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	UPDATE retention.products p
	   SET stage = move.to_stage, stage_reason = move.reason
	 WHERE p.id = move.product
	RETURNING p.* INTO moved;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'product % does not exist', product
			USING ERRCODE = 'no_data_found',
				  HINT = 'Or it belongs to a group you do not look after.';
	END IF;
	RETURN moved;
END
$$;

-- Only administrators' tables keep history; views are refused; a partitioned
-- table gets the trigger that records moves to another partition.
CREATE OR REPLACE FUNCTION retention.enforce_stages(
	target regclass,
	stage_column name,
	key_column name,
	reason_column name DEFAULT NULL,
	entered_at_column name DEFAULT NULL)
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	args text := format('%L, %L, %L, %L', stage_column, key_column,
						coalesce(reason_column, ''), coalesce(entered_at_column, ''));
	rel record;
	col name;
	coltype regtype;
	guard_name text;
	history_name text;
	moves_name text;
BEGIN
	IF target IS NULL OR stage_column IS NULL OR key_column IS NULL THEN
		RAISE EXCEPTION '% must not be null',
			CASE WHEN target IS NULL THEN 'table' WHEN stage_column IS NULL THEN 'stage_column'
				 ELSE 'key_column' END
			USING ERRCODE = 'null_value_not_allowed',
				  HINT = 'Call retention.enforce_stages(table, stage_column, key_column [, reason_column [, entered_at_column]]).';
	END IF;
	SELECT c.relname, c.relkind, pg_catalog.pg_get_userbyid(c.relowner) AS owner,
		   pg_catalog.pg_has_role(c.relowner, 'retention_admin', 'USAGE') AS admin_owned
	  INTO rel
	  FROM pg_catalog.pg_class c WHERE c.oid = target;
	IF rel.relkind NOT IN ('r', 'p') THEN
		RAISE EXCEPTION '"%" is not a table', rel.relname
			USING ERRCODE = 'wrong_object_type',
				  DETAIL = 'Stages are enforced on tables and partitioned tables; a view''s INSTEAD OF trigger would record moves that never happened.',
				  HINT = 'Enforce them on the table under the view.';
	END IF;
	-- The history is the administrators' record: only their tables write to it.
	IF NOT rel.admin_owned THEN
		RAISE EXCEPTION 'table "%" cannot keep a stage history', rel.relname
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = format('Its owner, role "%s", is not a member of retention_admin, and only administrators'' tables may write to retention.stage_history.', rel.owner);
	END IF;
	-- Check the columns now rather than at the table's first write.
	FOREACH col IN ARRAY ARRAY[stage_column, key_column, reason_column, entered_at_column] LOOP
		CONTINUE WHEN col IS NULL;
		SELECT a.atttypid INTO coltype
		  FROM pg_catalog.pg_attribute a
		 WHERE a.attrelid = target AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped;
		IF NOT FOUND THEN
			RAISE EXCEPTION 'column "%" of relation "%" does not exist', col, rel.relname
				USING ERRCODE = 'undefined_column';
		END IF;
		IF col = entered_at_column AND coltype <> 'timestamptz'::regtype THEN
			RAISE EXCEPTION 'column "%" of relation "%" must be of type timestamp with time zone', col, rel.relname
				USING ERRCODE = 'datatype_mismatch',
					  DETAIL = 'The triggers stamp it with the time a row enters a stage.';
		END IF;
	END LOOP;
	-- A row that a move sends to another partition arrives there as an
	-- INSERT, which the triggers would check as a new row entering the
	-- lifecycle.
	IF EXISTS (SELECT FROM pg_catalog.pg_partition_tree(target) t
				 JOIN pg_catalog.pg_partitioned_table pt ON pt.partrelid = t.relid
				 JOIN pg_catalog.pg_attribute a ON a.attrelid = t.relid AND a.attname = stage_column
				WHERE a.attnum = ANY (pt.partattrs::int2[])) THEN
		RAISE EXCEPTION 'table "%" is partitioned by its stage column "%"', rel.relname, stage_column
			USING ERRCODE = 'feature_not_supported',
				  DETAIL = 'A move would take a row to another partition, where it arrives as a new row.',
				  HINT = 'Partition the table by another column.';
	END IF;

	-- Trigger names: the table's name, cut (on a character boundary) so that
	-- each suffix fits in a name and the triggers never collide.
	guard_name := retention.trigger_name(rel.relname, '_stage_guard');
	history_name := retention.trigger_name(rel.relname, '_stage_history');
	moves_name := retention.trigger_name(rel.relname, '_stage_moves');

	-- The reason column too: it changes only with a move.
	EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OF %s ON %s FOR EACH ROW'
				   ' EXECUTE FUNCTION retention.stage_guard(%s)',
				   guard_name,
				   concat_ws(', ', quote_ident(stage_column), quote_ident(reason_column)),
				   target, args);
	EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OF %I ON %s FOR EACH ROW'
				   ' EXECUTE FUNCTION retention.stage_guard(%s)',
				   history_name, stage_column, target, args);
	-- A partitioned table: an UPDATE that takes a row to another partition is
	-- a DELETE and an INSERT there; this trigger lets the INSERT be recorded
	-- as the move it is.
	IF rel.relkind = 'p' THEN
		EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %s FOR EACH ROW'
					   ' EXECUTE FUNCTION retention.stage_guard(%s)',
					   moves_name, target, args);
	END IF;
END
$$;
COMMENT ON FUNCTION retention.enforce_stages(regclass, name, name, name, name) IS
	'attaches the stage_guard triggers to a table of your own (its owner must be a member of retention_admin)';

SELECT pg_catalog.pg_extension_config_dump('retention.forgotten_products', '');
SELECT pg_catalog.pg_extension_config_dump('retention.forgotten_products_id_seq', '');
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
COMMENT ON COLUMN retention.stage_history.from_stage IS
	'the stage moved from; NULL when the row entered the lifecycle';
COMMENT ON COLUMN retention.stage_history.to_stage IS 'the stage moved to';
COMMENT ON COLUMN retention.stage_history.reason IS 'why (free text); NULL if none was given';
COMMENT ON COLUMN retention.stage_history.changed_by IS 'the session user who made the move';
COMMENT ON COLUMN retention.stage_history.changed_at IS 'when the move was made';

------------------------------------------------------------------------------
-- access: roles, row-level security, grants
------------------------------------------------------------------------------

ALTER TABLE retention.forgotten_products ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention.forgotten_products FORCE ROW LEVEL SECURITY;
CREATE POLICY forgotten_products_admin ON retention.forgotten_products FOR SELECT TO retention_admin USING (true);
CREATE POLICY forgotten_products_analyst ON retention.forgotten_products FOR SELECT TO retention_analyst USING (true);
CREATE POLICY stage_history_rep_read ON retention.stage_history FOR SELECT TO retention_rep
	USING (table_name = 'retention.products'
		   AND product_id IN (SELECT p.id FROM retention.products p));
GRANT SELECT ON retention.forgotten_products TO retention_admin, retention_analyst;
GRANT EXECUTE ON FUNCTION retention.forget_product(bigint, text) TO retention_admin;
GRANT USAGE ON SEQUENCE retention.forgotten_products_id_seq TO retention_admin;
-- The history and the log of forgotten products are numbered by the
-- extension alone (it writes them as the owner): administrators draw no ids.
REVOKE USAGE ON SEQUENCE retention.stage_history_id_seq, retention.forgotten_products_id_seq
	FROM retention_admin;
-- product_overview was made anew under lifecycle.
GRANT SELECT ON retention.product_overview TO retention_admin, retention_rep, retention_analyst;

------------------------------------------------------------------------------
-- health: the type, configuration, aggregate, overrides, snapshots, views
------------------------------------------------------------------------------

-- The aggregate reads the measures and scorecards (through the owner's
-- cache), so it is for the roles that may read them: a role with none of the
-- retention roles would otherwise learn the configuration by computing.
REVOKE ALL ON FUNCTION retention.health(text, double precision, timestamptz, timestamptz),
	retention.health(text, double precision, timestamptz, timestamptz, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION retention.health(text, double precision, timestamptz, timestamptz),
	retention.health(text, double precision, timestamptz, timestamptz, text)
	TO retention_admin, retention_rep, retention_analyst;

-- One product's data or configuration can no longer break everyone's health:
-- observed values are bounded (no sum of them overflows), and a measure's
-- window can always be applied.  An update stops here if existing
-- observations lie outside the range: correct or delete them first.
ALTER TABLE retention.observations DROP CONSTRAINT observations_value_finite;
ALTER TABLE retention.observations ADD CONSTRAINT observations_value_range
	CHECK (value >= -1e12 AND value <= 1e12);
COMMENT ON COLUMN retention.observations.value IS
	'the observed value, finite and between -1e12 and 1e12; may be NULL for measures that only count rows';
CREATE OR REPLACE FUNCTION retention.measures_validate() RETURNS trigger
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

-- A reason of only white space (tabs, newlines too) is no reason; NULL
-- arguments are refused by name.
ALTER TABLE retention.health_overrides DROP CONSTRAINT health_overrides_reason_given;
ALTER TABLE retention.health_overrides ADD CONSTRAINT health_overrides_reason_given
	CHECK (pg_catalog.btrim(reason, E' \t\n\r\f\v') <> '');
CREATE OR REPLACE FUNCTION retention.override_health(product bigint, score float8, reason text,
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

-- Alerts are rows read through row-level security; the NOTIFY carries nothing.
CREATE OR REPLACE FUNCTION retention.snapshot_health(as_of date)
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
	'the observed value, finite and between -1e12 and 1e12; may be NULL for measures that only count rows';
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

-- BEGIN src/cohorts/cohorts.sql
/*
 * Cohort retention.  retention.activity is one subject's activity: the unit
 * of its periods, the start of its period 0 and the set of periods in which
 * it was active, as a bitmap.  Text form (unit,start,{periods}), e.g.
 * (month,2026-01-01T00:00:00+01:00,{0,1,3}); it reads back to the same
 * value whatever the session's time zone.
 */
CREATE TYPE retention.activity;

CREATE FUNCTION retention.activity_in(cstring) RETURNS retention.activity
	AS 'MODULE_PATHNAME', 'activity_in'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.activity_in(cstring) IS
	'text input of retention.activity: (unit,start,{periods})';

CREATE FUNCTION retention.activity_out(retention.activity) RETURNS cstring
	AS 'MODULE_PATHNAME', 'activity_out'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.activity_out(retention.activity) IS
	'text output of retention.activity, the same in every time zone';

CREATE FUNCTION retention.activity_recv(internal) RETURNS retention.activity
	AS 'MODULE_PATHNAME', 'activity_recv'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.activity_recv(internal) IS
	'binary input of retention.activity';

CREATE FUNCTION retention.activity_send(retention.activity) RETURNS bytea
	AS 'MODULE_PATHNAME', 'activity_send'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.activity_send(retention.activity) IS
	'binary output of retention.activity';

CREATE TYPE retention.activity (
	INPUT = retention.activity_in,
	OUTPUT = retention.activity_out,
	RECEIVE = retention.activity_recv,
	SEND = retention.activity_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE retention.activity IS
	'one subject''s activity: period unit, start of period 0 and the active periods as a bitmap; text form (unit,start,{periods})';

CREATE FUNCTION retention.activity_eq(retention.activity, retention.activity) RETURNS boolean
	AS 'MODULE_PATHNAME', 'activity_eq'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION retention.activity_eq(retention.activity, retention.activity) IS
	'implementation of = for retention.activity';

CREATE FUNCTION retention.activity_ne(retention.activity, retention.activity) RETURNS boolean
	AS 'MODULE_PATHNAME', 'activity_ne'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION retention.activity_ne(retention.activity, retention.activity) IS
	'implementation of <> for retention.activity';

CREATE FUNCTION retention.activity_hash(retention.activity) RETURNS integer
	AS 'MODULE_PATHNAME', 'activity_hash'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION retention.activity_hash(retention.activity) IS
	'hash of a retention.activity value (hash support)';

CREATE FUNCTION retention.activity_hash_extended(retention.activity, bigint) RETURNS bigint
	AS 'MODULE_PATHNAME', 'activity_hash_extended'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION retention.activity_hash_extended(retention.activity, bigint) IS
	'seeded 64-bit hash of a retention.activity value (hash support)';

CREATE OPERATOR retention.= (
	LEFTARG = retention.activity, RIGHTARG = retention.activity,
	FUNCTION = retention.activity_eq,
	COMMUTATOR = OPERATOR(retention.=), NEGATOR = OPERATOR(retention.<>),
	RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel,
	HASHES
);
COMMENT ON OPERATOR retention.= (retention.activity, retention.activity) IS 'equal';

CREATE OPERATOR retention.<> (
	LEFTARG = retention.activity, RIGHTARG = retention.activity,
	FUNCTION = retention.activity_ne,
	COMMUTATOR = OPERATOR(retention.<>), NEGATOR = OPERATOR(retention.=),
	RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
COMMENT ON OPERATOR retention.<> (retention.activity, retention.activity) IS 'not equal';

CREATE OPERATOR CLASS retention.activity_ops
	DEFAULT FOR TYPE retention.activity USING hash AS
		OPERATOR 1 retention.=,
		FUNCTION 1 retention.activity_hash(retention.activity),
		FUNCTION 2 retention.activity_hash_extended(retention.activity, bigint);
COMMENT ON OPERATOR FAMILY retention.activity_ops USING hash IS
	'hash operators of retention.activity';
COMMENT ON OPERATOR CLASS retention.activity_ops USING hash IS
	'default hash operator class of retention.activity';

-- Accessors

CREATE FUNCTION retention.cohort_start(a retention.activity) RETURNS timestamptz
	AS 'MODULE_PATHNAME', 'activity_cohort_start'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.cohort_start(retention.activity) IS
	'the start of the subject''s period 0 (its cohort''s period)';

CREATE FUNCTION retention.period_unit(a retention.activity) RETURNS text
	AS 'MODULE_PATHNAME', 'activity_unit'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.period_unit(retention.activity) IS
	'the unit of the periods: day, week, month, or a fixed window such as 7 days';

CREATE FUNCTION retention.active_periods(a retention.activity) RETURNS integer[]
	AS 'MODULE_PATHNAME', 'activity_active_periods'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.active_periods(retention.activity) IS
	'the periods (0 = the cohort''s own) in which the subject was active, in increasing order';

CREATE FUNCTION retention.retained(a retention.activity, kind text, k integer) RETURNS boolean
	AS 'MODULE_PATHNAME', 'activity_retained'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.retained(retention.activity, text, integer) IS
	'does the subject count in period k of this kind (full, classic, rolling, return)? period 0 is always true';

CREATE FUNCTION retention.retained(a retention.activity, bracket int4range) RETURNS boolean
	AS 'MODULE_PATHNAME', 'activity_retained_bracket'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.retained(retention.activity, int4range) IS
	'was the subject active at least once inside the bracket of periods?';

-- The per-subject aggregates (internal state, serialized for parallel query)

CREATE FUNCTION retention.activity_accum(internal, unit text, cohort_start timestamptz,
										 active_at timestamptz)
	RETURNS internal
	AS 'MODULE_PATHNAME', 'activity_accum'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention.activity_accum(internal, text, timestamptz, timestamptz) IS
	'transition function of activity(unit text, cohort_start, active_at)';

CREATE FUNCTION retention.activity_accum(internal, unit interval, cohort_start timestamptz,
										 active_at timestamptz)
	RETURNS internal
	AS 'MODULE_PATHNAME', 'activity_accum'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention.activity_accum(internal, interval, timestamptz, timestamptz) IS
	'transition function of activity(unit interval, cohort_start, active_at)';

CREATE FUNCTION retention.activity_accum(internal, unit text, active_at timestamptz)
	RETURNS internal
	AS 'MODULE_PATHNAME', 'activity_accum_first_seen'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention.activity_accum(internal, text, timestamptz) IS
	'transition function of activity(unit, active_at)';

CREATE FUNCTION retention.activity_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'activity_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention.activity_combine(internal, internal) IS
	'combine function of the activity aggregates (OR of the bitmaps)';

CREATE FUNCTION retention.activity_serial(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'activity_serial'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.activity_serial(internal) IS
	'serialization function of the activity aggregates';

CREATE FUNCTION retention.activity_deserial(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'activity_deserial'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.activity_deserial(bytea, internal) IS
	'deserialization function of the activity aggregates';

CREATE FUNCTION retention.activity_final(internal) RETURNS retention.activity
	AS 'MODULE_PATHNAME', 'activity_final'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention.activity_final(internal) IS
	'final function of the activity aggregates';

CREATE AGGREGATE retention.activity(unit text, cohort_start timestamptz, active_at timestamptz) (
	SFUNC = retention.activity_accum,
	STYPE = internal,
	SSPACE = 64,
	FINALFUNC = retention.activity_final,
	COMBINEFUNC = retention.activity_combine,
	SERIALFUNC = retention.activity_serial,
	DESERIALFUNC = retention.activity_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention.activity(text, timestamptz, timestamptz) IS
	'a subject''s activity in calendar periods (day, week, month) of the session''s time zone from its cohort_start; a NULL active_at only places it in its cohort';

CREATE AGGREGATE retention.activity(unit interval, cohort_start timestamptz, active_at timestamptz) (
	SFUNC = retention.activity_accum,
	STYPE = internal,
	SSPACE = 64,
	FINALFUNC = retention.activity_final,
	COMBINEFUNC = retention.activity_combine,
	SERIALFUNC = retention.activity_serial,
	DESERIALFUNC = retention.activity_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention.activity(interval, timestamptz, timestamptz) IS
	'a subject''s activity in fixed windows (days count as 24 hours) from its own cohort_start; a NULL active_at only places it in its cohort';

CREATE AGGREGATE retention.activity(unit text, active_at timestamptz) (
	SFUNC = retention.activity_accum,
	STYPE = internal,
	SSPACE = 64,
	FINALFUNC = retention.activity_final,
	COMBINEFUNC = retention.activity_combine,
	SERIALFUNC = retention.activity_serial,
	DESERIALFUNC = retention.activity_deserial,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention.activity(text, timestamptz) IS
	'a subject''s activity in calendar periods from the period of its first activity ("first seen" cohorts); NULL without activity';

/*
 * retention.cohort_state: the partial counts of a cohort, the concrete
 * state of cohort_counts (so that Citus combines partial states across
 * nodes).  Text form (kind,periods,as_of,known,size,{counts}).
 */
CREATE TYPE retention.cohort_state;

CREATE FUNCTION retention.cohort_state_in(cstring) RETURNS retention.cohort_state
	AS 'MODULE_PATHNAME', 'cohort_state_in'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.cohort_state_in(cstring) IS
	'text input of retention.cohort_state: (kind,periods,as_of,known,size,{counts})';

CREATE FUNCTION retention.cohort_state_out(retention.cohort_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'cohort_state_out'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.cohort_state_out(retention.cohort_state) IS
	'text output of retention.cohort_state';

CREATE FUNCTION retention.cohort_state_recv(internal) RETURNS retention.cohort_state
	AS 'MODULE_PATHNAME', 'cohort_state_recv'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.cohort_state_recv(internal) IS
	'binary input of retention.cohort_state';

CREATE FUNCTION retention.cohort_state_send(retention.cohort_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'cohort_state_send'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.cohort_state_send(retention.cohort_state) IS
	'binary output of retention.cohort_state';

CREATE TYPE retention.cohort_state (
	INPUT = retention.cohort_state_in,
	OUTPUT = retention.cohort_state_out,
	RECEIVE = retention.cohort_state_recv,
	SEND = retention.cohort_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE retention.cohort_state IS
	'partial counts of a cohort (state of cohort_counts): kind, periods or brackets, as_of, last known period, size, counts';

CREATE FUNCTION retention.cohort_counts_accum(retention.cohort_state, a retention.activity,
											  kind text, periods integer, as_of timestamptz)
	RETURNS retention.cohort_state
	AS 'MODULE_PATHNAME', 'cohort_counts_accum'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention.cohort_counts_accum(retention.cohort_state, retention.activity, text, integer, timestamptz) IS
	'transition function of cohort_counts(a, kind, periods, as_of)';

CREATE FUNCTION retention.cohort_counts_accum(retention.cohort_state, a retention.activity,
											  brackets int4range[], as_of timestamptz)
	RETURNS retention.cohort_state
	AS 'MODULE_PATHNAME', 'cohort_counts_bracket_accum'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention.cohort_counts_accum(retention.cohort_state, retention.activity, int4range[], timestamptz) IS
	'transition function of cohort_counts(a, brackets, as_of)';

CREATE FUNCTION retention.cohort_counts_combine(retention.cohort_state, retention.cohort_state)
	RETURNS retention.cohort_state
	AS 'MODULE_PATHNAME', 'cohort_counts_combine'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.cohort_counts_combine(retention.cohort_state, retention.cohort_state) IS
	'combine function of cohort_counts: adds the partial counts';

CREATE FUNCTION retention.cohort_counts_final(retention.cohort_state) RETURNS bigint[]
	AS 'MODULE_PATHNAME', 'cohort_counts_final'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.cohort_counts_final(retention.cohort_state) IS
	'the counts of a cohort state: {size, cell 1, ..., cell N}, NULL where unknown';

CREATE AGGREGATE retention.cohort_counts(a retention.activity, kind text, periods integer,
										 as_of timestamptz) (
	SFUNC = retention.cohort_counts_accum,
	STYPE = retention.cohort_state,
	FINALFUNC = retention.cohort_counts_final,
	COMBINEFUNC = retention.cohort_counts_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention.cohort_counts(retention.activity, text, integer, timestamptz) IS
	'counts of a cohort: {size, subjects counted in period 1, ..., period N} for full, classic, rolling or return retention; NULL where a period has not ended at as_of';

CREATE AGGREGATE retention.cohort_counts(a retention.activity, brackets int4range[],
										 as_of timestamptz) (
	SFUNC = retention.cohort_counts_accum,
	STYPE = retention.cohort_state,
	FINALFUNC = retention.cohort_counts_final,
	COMBINEFUNC = retention.cohort_counts_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention.cohort_counts(retention.activity, int4range[], timestamptz) IS
	'counts of a cohort: {size, subjects active in bracket 1, ..., bracket N}; NULL where a bracket''s last period has not ended at as_of';

-- ClickHouse's retention(cond1, ..., condN)

CREATE FUNCTION retention.retention_accum(bigint, conditions boolean[]) RETURNS bigint
	AS 'MODULE_PATHNAME', 'retention_conditions_accum'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention.retention_accum(bigint, boolean[]) IS
	'transition function of retention(VARIADIC boolean[])';

CREATE FUNCTION retention.retention_combine(bigint, bigint) RETURNS bigint
	AS 'MODULE_PATHNAME', 'retention_conditions_combine'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.retention_combine(bigint, bigint) IS
	'combine function of retention(VARIADIC boolean[])';

CREATE FUNCTION retention.retention_final(bigint) RETURNS integer[]
	AS 'MODULE_PATHNAME', 'retention_conditions_final'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.retention_final(bigint) IS
	'final function of retention(VARIADIC boolean[])';

CREATE AGGREGATE retention.retention(VARIADIC conditions boolean[]) (
	SFUNC = retention.retention_accum,
	STYPE = bigint,
	FINALFUNC = retention.retention_final,
	COMBINEFUNC = retention.retention_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention.retention(VARIADIC boolean[]) IS
	'ClickHouse''s retention(cond1, ..., condN): {1 if cond1 was ever true, then 1 if cond1 and cond_i were both ever true}';
-- END src/cohorts/cohorts.sql

-- BEGIN src/cohorts/cohort_views.sql
------------------------------------------------------------------------------
-- Cohort views over the extension's own model: products by the month they
-- first entered the retention stage.  Plain types for BI tools; the rows a
-- reader sees are those row-level security lets them see.
------------------------------------------------------------------------------

-- When each product first entered retention, and when it first became
-- ineligible after that
CREATE VIEW retention.product_cohort_members WITH (security_invoker = true) AS
SELECT p.id AS product_id, p.group_id, g.name::varchar(200) AS group_name,
	   p.product_type::varchar(200) AS product_type, e.entered_at,
	   (SELECT pg_catalog.min(h.changed_at) FROM retention.stage_history h
		 WHERE h.product_id = p.id AND h.table_name OPERATOR(pg_catalog.=) 'retention.products'
		   AND h.to_stage = 'ineligible' AND h.changed_at >= e.entered_at) AS left_at
  FROM retention.products p
  JOIN (SELECT h.product_id, pg_catalog.min(h.changed_at) AS entered_at
		  FROM retention.stage_history h
		 WHERE h.table_name OPERATOR(pg_catalog.=) 'retention.products'
		   AND h.to_stage = 'retention'
		 GROUP BY h.product_id) e ON e.product_id = p.id
  LEFT JOIN retention.groups g ON g.id = p.group_id;
COMMENT ON VIEW retention.product_cohort_members IS
	'the products of the cohorts: when each first entered retention and when it became ineligible after that';
COMMENT ON COLUMN retention.product_cohort_members.product_id IS 'the product';
COMMENT ON COLUMN retention.product_cohort_members.group_id IS 'its current group';
COMMENT ON COLUMN retention.product_cohort_members.group_name IS 'the name of its current group';
COMMENT ON COLUMN retention.product_cohort_members.product_type IS 'its product type';
COMMENT ON COLUMN retention.product_cohort_members.entered_at IS 'when it first entered the retention stage';
COMMENT ON COLUMN retention.product_cohort_members.left_at IS 'when it first became ineligible after that; NULL if it has not';

/*
 * Products by the month they first entered retention; month k of a cohort
 * counts the products that were still customers (not ineligible) at the end
 * of the k-th month after it, NULL until that month has ended.  Month 0 is
 * the cohort's size.  Rows per cohort, group and product type, per cohort
 * (breakdown 'all'), and the average of each over the cohorts whose month is
 * known, weighted by their sizes (cohort_month NULL).
 */
CREATE VIEW retention.product_cohorts WITH (security_invoker = true) AS
WITH subjects AS (
	SELECT m.product_id, pg_catalog.date_trunc('month', m.entered_at) AS cohort,
		   m.group_id, m.group_name, m.product_type,
		   retention.activity('month', m.entered_at, s.still_there) AS a
	  FROM retention.product_cohort_members m
	  LEFT JOIN LATERAL (
			SELECT e.month_end OPERATOR(pg_catalog.-) interval '1 microsecond' AS still_there
			  FROM pg_catalog.generate_series(pg_catalog.date_trunc('month', m.entered_at),
											  (pg_catalog.date_trunc('month', m.entered_at) OPERATOR(pg_catalog.+) interval '24 months'),
											  interval '1 month') ms,
				   LATERAL (SELECT (ms OPERATOR(pg_catalog.+) interval '1 month') AS month_end) e
			 WHERE e.month_end OPERATOR(pg_catalog.<=) pg_catalog.now()
			   AND (m.left_at IS NULL OR m.left_at OPERATOR(pg_catalog.>=) e.month_end)) s
		ON true
	 GROUP BY m.product_id, m.entered_at, m.group_id, m.group_name, m.product_type),
counts AS (
	SELECT cohort, group_id, group_name, product_type,
		   CASE WHEN GROUPING(group_id, group_name, product_type) OPERATOR(pg_catalog.=) 0
				THEN 'group and type' ELSE 'all' END AS breakdown,
		   retention.cohort_counts(a, 'classic', 24, pg_catalog.now()) AS c
	  FROM subjects
	 GROUP BY GROUPING SETS ((cohort, group_id, group_name, product_type), (cohort))),
cells AS (
	SELECT cohort, group_id, group_name, product_type, breakdown, k,
		   c[1] AS cohort_size, c[k OPERATOR(pg_catalog.+) 1] AS retained
	  FROM counts, pg_catalog.generate_series(0, 24) k)
SELECT cohort::date AS cohort_month, breakdown::varchar(20) AS breakdown, group_id, group_name,
	   product_type, k AS month_number, cohort_size, retained,
	   pg_catalog.round(retained::numeric OPERATOR(pg_catalog./) cohort_size, 4)::numeric(7,4) AS rate
  FROM cells
UNION ALL
SELECT NULL, breakdown::varchar(20), group_id, group_name, product_type, k,
	   (pg_catalog.sum(cohort_size) FILTER (WHERE retained IS NOT NULL))::bigint,
	   pg_catalog.sum(retained)::bigint,
	   pg_catalog.round(pg_catalog.sum(retained)::numeric OPERATOR(pg_catalog./)
						pg_catalog.sum(cohort_size) FILTER (WHERE retained IS NOT NULL), 4)::numeric(7,4)
  FROM cells
 GROUP BY breakdown, group_id, group_name, product_type, k;
COMMENT ON VIEW retention.product_cohorts IS
	'products by the month they first entered retention: how many were still customers (not ineligible) at the end of each month since, NULL until the month has ended; per group and type, all, and the weighted average (cohort_month NULL)';
COMMENT ON COLUMN retention.product_cohorts.cohort_month IS 'the month the products first entered retention; NULL on the average rows';
COMMENT ON COLUMN retention.product_cohorts.breakdown IS '''group and type'' for a row per group and product type, ''all'' for all products of the cohort';
COMMENT ON COLUMN retention.product_cohorts.group_id IS 'the products'' current group (breakdown ''group and type'')';
COMMENT ON COLUMN retention.product_cohorts.group_name IS 'the name of the group';
COMMENT ON COLUMN retention.product_cohorts.product_type IS 'the product type (breakdown ''group and type'')';
COMMENT ON COLUMN retention.product_cohorts.month_number IS 'months since the cohort''s month, 0 to 24';
COMMENT ON COLUMN retention.product_cohorts.cohort_size IS 'products in the cohort (on average rows: in the cohorts whose month is known)';
COMMENT ON COLUMN retention.product_cohorts.retained IS 'products still customers at the end of the month; NULL until it has ended';
COMMENT ON COLUMN retention.product_cohorts.rate IS 'retained / cohort_size; NULL while unknown';

/*
 * Any kind and unit over the products and their observations: the cohorts
 * are the products by the period they first entered retention, active means
 * an observation of the measure in the period.  Rows per cohort and period,
 * then the average over the cohorts whose cell is known, weighted by size
 * (cohort NULL).
 */
CREATE FUNCTION retention.cohort_table(kind text, unit text, periods integer,
									   measure text DEFAULT 'usage',
									   as_of timestamptz DEFAULT pg_catalog.now())
	RETURNS TABLE (cohort timestamptz, period integer, cohort_size bigint, retained bigint,
				   rate numeric(7,4))
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	BEGIN ATOMIC
		WITH subjects AS (
			SELECT pg_catalog.date_trunc(cohort_table.unit, m.entered_at) AS cohort,
				   retention.activity(cohort_table.unit, m.entered_at, o.observed_at) AS a
			  FROM retention.product_cohort_members m
			  LEFT JOIN retention.observations o
					 ON o.product_id OPERATOR(pg_catalog.=) m.product_id
					AND o.measure OPERATOR(pg_catalog.=) cohort_table.measure
					AND o.observed_at OPERATOR(pg_catalog.<=) cohort_table.as_of
			 WHERE m.entered_at OPERATOR(pg_catalog.<=) cohort_table.as_of
			 GROUP BY m.product_id, m.entered_at),
		counts AS (
			SELECT s.cohort, retention.cohort_counts(s.a, cohort_table.kind, cohort_table.periods,
													 cohort_table.as_of) AS c
			  FROM subjects s GROUP BY s.cohort),
		cells AS (
			SELECT c.cohort, k.k, c.c[1] AS size, c.c[k.k OPERATOR(pg_catalog.+) 1] AS kept
			  FROM counts c, pg_catalog.generate_series(0, cohort_table.periods) k (k)
			 -- checks the kind and the unit even when there is no product
			 WHERE retention.retained('(month,2000-01-01T00:00:00+00:00,{})'::retention.activity,
									  cohort_table.kind, 0)
			   AND (SELECT retention.activity(cohort_table.unit, cohort_table.as_of,
											  NULL::timestamptz)) IS NOT NULL)
		SELECT cells.cohort, cells.k, cells.size, cells.kept,
			   pg_catalog.round(cells.kept::numeric OPERATOR(pg_catalog./) cells.size, 4)::numeric(7,4)
		  FROM cells
		UNION ALL
		SELECT NULL, cells.k, pg_catalog.sum(cells.size) FILTER (WHERE cells.kept IS NOT NULL),
			   pg_catalog.sum(cells.kept)::bigint,
			   pg_catalog.round(pg_catalog.sum(cells.kept)::numeric OPERATOR(pg_catalog./)
								pg_catalog.sum(cells.size) FILTER (WHERE cells.kept IS NOT NULL), 4)::numeric(7,4)
		  FROM cells GROUP BY cells.k
		 ORDER BY 1 NULLS LAST, 2;
	END;
COMMENT ON FUNCTION retention.cohort_table(text, text, integer, text, timestamptz) IS
	'cohort retention of any kind and unit over the products (by first entry into retention) and the observations of a measure; rows per cohort and period, then the weighted average (cohort NULL)';

/*
 * The same cohorts as product_cohorts, where active means any observation
 * of the usage measure in the month: classic and rolling retention.
 */
CREATE VIEW retention.usage_cohorts WITH (security_invoker = true) AS
SELECT 'classic'::varchar(20) AS kind, t.cohort::date AS cohort_month, t.period AS month_number,
	   t.cohort_size, t.retained, t.rate::numeric(7,4)
  FROM retention.cohort_table('classic', 'month', 24, 'usage') t
UNION ALL
SELECT 'rolling'::varchar(20), t.cohort::date, t.period, t.cohort_size, t.retained, t.rate::numeric(7,4)
  FROM retention.cohort_table('rolling', 'month', 24, 'usage') t;
COMMENT ON VIEW retention.usage_cohorts IS
	'products by the month they first entered retention, active when the usage measure was observed in a month: classic and rolling retention, months 0-24, NULL until a month has ended, and the weighted average (cohort_month NULL)';
COMMENT ON COLUMN retention.usage_cohorts.kind IS 'classic (used in that month) or rolling (used in that month or any later one)';
COMMENT ON COLUMN retention.usage_cohorts.cohort_month IS 'the month the products first entered retention; NULL on the average rows';
COMMENT ON COLUMN retention.usage_cohorts.month_number IS 'months since the cohort''s month, 0 to 24';
COMMENT ON COLUMN retention.usage_cohorts.cohort_size IS 'products in the cohort (on average rows: in the cohorts whose month is known)';
COMMENT ON COLUMN retention.usage_cohorts.retained IS 'products counted in the month; NULL until it has ended';
COMMENT ON COLUMN retention.usage_cohorts.rate IS 'retained / cohort_size; NULL while unknown';

GRANT SELECT ON retention.product_cohort_members, retention.product_cohorts, retention.usage_cohorts
	TO retention_admin, retention_rep, retention_analyst;
-- END src/cohorts/cohort_views.sql

------------------------------------------------------------------------------
-- metrics: retention and revenue rates, opportunities, feedback
------------------------------------------------------------------------------

-- from src/metrics/mrr.sql

------------------------------------------------------------------------------
-- Metrics: the history of MRR
------------------------------------------------------------------------------

-- Added here rather than in the CREATE TABLE of lifecycle.sql, so that a
-- fresh install and an update from 0.1.0 give the same column order.
ALTER TABLE retention.products
	ADD COLUMN mrr_since timestamptz NOT NULL DEFAULT pg_catalog.now();
COMMENT ON COLUMN retention.products.mrr_since IS
	'when the current mrr took effect: the transaction time of the statement that changed it, or a past time an administrator gave';

CREATE TABLE retention.mrr_history (
	id			bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	product_id	bigint NOT NULL REFERENCES retention.products (id) ON DELETE CASCADE,
	mrr			numeric(14, 2),
	effective_at timestamptz NOT NULL,
	changed_by	text NOT NULL DEFAULT session_user,
	recorded_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE retention.mrr_history IS
	'append-only record of every MRR a product had: how much, from when, entered by whom';
COMMENT ON COLUMN retention.mrr_history.id IS 'the row''s id, in the order changes were written';
COMMENT ON COLUMN retention.mrr_history.product_id IS 'the product (retention.products.id)';
COMMENT ON COLUMN retention.mrr_history.mrr IS 'the monthly recurring revenue from effective_at on';
COMMENT ON COLUMN retention.mrr_history.changed_by IS 'the session user who made the change';
COMMENT ON COLUMN retention.mrr_history.effective_at IS
	'when this MRR took effect (products.mrr_since); it holds until the product''s next row';
COMMENT ON COLUMN retention.mrr_history.recorded_at IS
	'when the row was written (differs from effective_at for imported history)';

CREATE INDEX mrr_history_product_idx ON retention.mrr_history (product_id, effective_at, id);

-- Upgrade only (a fresh install has no products yet; README, "Upgrading"):
-- the MRR each product has under 0.1.0 becomes its first MRR history row,
-- effective when the product began, its first recorded stage move or its
-- created_at, whichever is earlier; mrr_since says the same.  Done before
-- the triggers exist, which would date the change now.
UPDATE retention.products p
   SET mrr_since = least(p.created_at,
						 (SELECT min(h.changed_at) FROM retention.stage_history h
						   WHERE h.table_name = 'retention.products' AND h.product_id = p.id));
INSERT INTO retention.mrr_history (product_id, mrr, effective_at)
	SELECT p.id, p.mrr, p.mrr_since FROM retention.products p WHERE p.mrr IS NOT NULL ORDER BY p.id;

CREATE FUNCTION retention.mrr_guard() RETURNS trigger
	AS 'MODULE_PATHNAME', 'mrr_guard'
	LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION retention.mrr_guard() IS
	'trigger dating each change of products.mrr (mrr_since) and writing retention.mrr_history';

CREATE TRIGGER products_mrr_since
	BEFORE INSERT OR UPDATE OF mrr, mrr_since ON retention.products
	FOR EACH ROW EXECUTE FUNCTION retention.mrr_guard();
CREATE TRIGGER products_mrr_history
	AFTER INSERT OR UPDATE OF mrr, mrr_since ON retention.products
	FOR EACH ROW EXECUTE FUNCTION retention.mrr_guard();

-- Only retention.forget_product() removes rows: of the product it forgets.
CREATE TRIGGER mrr_history_append_only
	BEFORE UPDATE OR DELETE ON retention.mrr_history
	FOR EACH ROW EXECUTE FUNCTION retention.append_only('product_id');
CREATE TRIGGER mrr_history_no_truncate
	BEFORE TRUNCATE ON retention.mrr_history
	FOR EACH STATEMENT EXECUTE FUNCTION retention.append_only();

ALTER TABLE retention.mrr_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention.mrr_history FORCE ROW LEVEL SECURITY;
CREATE POLICY mrr_history_admin ON retention.mrr_history FOR SELECT TO retention_admin USING (true);
CREATE POLICY mrr_history_analyst ON retention.mrr_history FOR SELECT TO retention_analyst USING (true);
CREATE POLICY mrr_history_rep_read ON retention.mrr_history FOR SELECT TO retention_rep
	USING (product_id IN (SELECT p.id FROM retention.products p));

GRANT SELECT ON retention.mrr_history TO retention_admin, retention_rep, retention_analyst;

SELECT pg_catalog.pg_extension_config_dump('retention.mrr_history', '');
SELECT pg_catalog.pg_extension_config_dump('retention.mrr_history_id_seq', '');

-- from src/metrics/opportunities.sql

------------------------------------------------------------------------------
-- Metrics: growth opportunities and the pipeline
------------------------------------------------------------------------------

/*
 * An opportunity is created open and closed once, as won or lost.  Winning
 * an upsell raises its product's MRR by the opportunity's amount: the
 * trigger updates retention.products.mrr as the owner (reps may not change
 * mrr themselves), so the change goes through the MRR history trigger and
 * commits or aborts with the status change.  The CHECK constraints repeat
 * what the trigger says in its own words, for rows a restore loads.
 */
CREATE TABLE retention.opportunities (
	id			bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	product_id	bigint NOT NULL REFERENCES retention.products (id) ON DELETE CASCADE,
	kind		text NOT NULL
		CONSTRAINT opportunities_kind CHECK (kind IN ('upsell', 'cross_sell')),
	mrr			numeric(14, 2) NOT NULL CONSTRAINT opportunities_mrr_positive CHECK (mrr > 0),
	status		text NOT NULL DEFAULT 'open'
		CONSTRAINT opportunities_status CHECK (status IN ('open', 'won', 'lost')),
	rep			bigint REFERENCES retention.reps (id),
	note		text,
	created_at	timestamptz NOT NULL DEFAULT pg_catalog.now(),
	closed_at	timestamptz,
	won_product_id bigint REFERENCES retention.products (id) ON DELETE SET NULL,
	CONSTRAINT opportunities_closed_at CHECK ((status = 'open') = (closed_at IS NULL)),
	CONSTRAINT opportunities_closed_after_created CHECK (closed_at >= created_at),
	CONSTRAINT opportunities_won_product
		CHECK (won_product_id IS NULL OR (kind = 'cross_sell' AND status = 'won'))
);
COMMENT ON TABLE retention.opportunities IS
	'growth opportunities reps find on their products: upsells (more MRR on the product) and cross-sells (a new product)';
COMMENT ON COLUMN retention.opportunities.id IS 'the opportunity''s id';
COMMENT ON COLUMN retention.opportunities.product_id IS
	'the product (retention.products.id) the opportunity grows; it cannot change';
COMMENT ON COLUMN retention.opportunities.kind IS
	'upsell (more MRR on the product) or cross_sell (a new product for the same customer); it cannot change';
COMMENT ON COLUMN retention.opportunities.mrr IS
	'the MRR the opportunity brings, greater than 0; winning an upsell adds it to the product''s MRR';
COMMENT ON COLUMN retention.opportunities.status IS
	'open, then won or lost once: a closed opportunity is not reopened';
COMMENT ON COLUMN retention.opportunities.rep IS
	'the rep (retention.reps.id) working it: by default the rep of the product''s group, or the current user''s rep';
COMMENT ON COLUMN retention.opportunities.note IS 'free text; the one column that changes after closing';
COMMENT ON COLUMN retention.opportunities.created_at IS
	'when it was found: the transaction time, or a past time an administrator gave';
COMMENT ON COLUMN retention.opportunities.closed_at IS
	'when it was won or lost (NULL while open): the transaction time, or a past time an administrator gave';
COMMENT ON COLUMN retention.opportunities.won_product_id IS
	'for a won cross-sell, the new product it became (retention.products.id), of the same customer; NULL otherwise';

CREATE INDEX opportunities_product_idx ON retention.opportunities (product_id);
CREATE INDEX opportunities_won_product_idx ON retention.opportunities (won_product_id);

CREATE FUNCTION retention.opportunity_guard() RETURNS trigger
	AS 'MODULE_PATHNAME', 'opportunity_guard'
	LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION retention.opportunity_guard() IS
	'trigger checking each write of retention.opportunities and applying a won upsell to its product''s MRR';

CREATE TRIGGER opportunities_guard
	BEFORE INSERT OR UPDATE OR DELETE ON retention.opportunities
	FOR EACH ROW EXECUTE FUNCTION retention.opportunity_guard();
CREATE TRIGGER opportunities_won
	AFTER UPDATE OF status ON retention.opportunities
	FOR EACH ROW EXECUTE FUNCTION retention.opportunity_guard();
CREATE TRIGGER opportunities_no_truncate
	BEFORE TRUNCATE ON retention.opportunities
	FOR EACH STATEMENT EXECUTE FUNCTION retention.opportunity_guard();

-- Reps see and write the opportunities of their own products; analysts read.
ALTER TABLE retention.opportunities ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention.opportunities FORCE ROW LEVEL SECURITY;
CREATE POLICY opportunities_admin ON retention.opportunities TO retention_admin
	USING (true) WITH CHECK (true);
CREATE POLICY opportunities_analyst ON retention.opportunities FOR SELECT TO retention_analyst
	USING (true);
CREATE POLICY opportunities_rep_read ON retention.opportunities FOR SELECT TO retention_rep
	USING (product_id IN (SELECT p.id FROM retention.products p
						   WHERE p.group_id IN (SELECT retention.my_group_ids())));
CREATE POLICY opportunities_rep_insert ON retention.opportunities FOR INSERT TO retention_rep
	WITH CHECK (product_id IN (SELECT p.id FROM retention.products p
								WHERE p.group_id IN (SELECT retention.my_group_ids())));
CREATE POLICY opportunities_rep_update ON retention.opportunities FOR UPDATE TO retention_rep
	USING (product_id IN (SELECT p.id FROM retention.products p
						   WHERE p.group_id IN (SELECT retention.my_group_ids())))
	WITH CHECK (product_id IN (SELECT p.id FROM retention.products p
								WHERE p.group_id IN (SELECT retention.my_group_ids())));

GRANT SELECT ON retention.opportunities TO retention_admin, retention_rep, retention_analyst;
GRANT INSERT, UPDATE, DELETE ON retention.opportunities TO retention_admin;
GRANT INSERT (product_id, kind, mrr, rep, note) ON retention.opportunities TO retention_rep;
GRANT UPDATE (mrr, status, note, closed_at, won_product_id) ON retention.opportunities TO retention_rep;
GRANT USAGE ON SEQUENCE retention.opportunities_id_seq TO retention_admin;

SELECT pg_catalog.pg_extension_config_dump('retention.opportunities', '');
SELECT pg_catalog.pg_extension_config_dump('retention.opportunities_id_seq', '');

/*
 * The pipeline per rep: what is open, how often the closed ones were won,
 * and the MRR won per month over the last 12 complete months.
 */
CREATE VIEW retention.pipeline WITH (security_invoker = true) AS
WITH o AS (
	SELECT o.*,
		   o.status = 'won' AND o.closed_at >= (pg_catalog.date_trunc('month', pg_catalog.now()) - interval '12 months')
			   AND o.closed_at < pg_catalog.date_trunc('month', pg_catalog.now()) AS won_last_12
	  FROM retention.opportunities o
)
SELECT o.rep AS rep_id,
	   r.name AS rep,
	   (count(*) FILTER (WHERE o.status = 'open'))::bigint AS open_count,
	   (coalesce(sum(o.mrr) FILTER (WHERE o.status = 'open'), 0))::numeric(16, 2) AS open_mrr,
	   (count(*) FILTER (WHERE o.status = 'won'))::bigint AS won_count,
	   (count(*) FILTER (WHERE o.status = 'lost'))::bigint AS lost_count,
	   round((count(*) FILTER (WHERE o.status = 'won'))::numeric
			 / nullif(count(*) FILTER (WHERE o.status <> 'open'), 0), 4)::numeric(7, 4) AS win_rate,
	   (coalesce(sum(o.mrr) FILTER (WHERE o.status = 'won'), 0))::numeric(16, 2) AS won_mrr,
	   round(coalesce(sum(o.mrr) FILTER (WHERE o.won_last_12), 0) / 12, 2)::numeric(16, 2)
		   AS won_mrr_per_month
  FROM o
  LEFT JOIN retention.reps r ON r.id = o.rep
 GROUP BY o.rep, r.name;
COMMENT ON VIEW retention.pipeline IS
	'growth opportunities per rep: open count and MRR, win rate, MRR won in all and per month over the last 12 complete months';
COMMENT ON COLUMN retention.pipeline.rep_id IS 'the rep (retention.reps.id); NULL for opportunities without a rep';
COMMENT ON COLUMN retention.pipeline.rep IS 'the rep''s name';
COMMENT ON COLUMN retention.pipeline.open_count IS 'open opportunities';
COMMENT ON COLUMN retention.pipeline.open_mrr IS 'the MRR of the open opportunities';
COMMENT ON COLUMN retention.pipeline.won_count IS 'opportunities won';
COMMENT ON COLUMN retention.pipeline.lost_count IS 'opportunities lost';
COMMENT ON COLUMN retention.pipeline.win_rate IS
	'won / (won + lost), as a fraction; NULL when none was closed';
COMMENT ON COLUMN retention.pipeline.won_mrr IS 'the MRR of every opportunity won (upsells and cross-sells)';
COMMENT ON COLUMN retention.pipeline.won_mrr_per_month IS
	'the MRR won in the last 12 complete calendar months (session time zone), divided by 12';

/*
 * Per rep and month (session time zone): opportunities found, won and lost
 * in the month, and the MRR won, upsells (expansion of the product) apart
 * from cross-sells (new products).  Months in which something happened,
 * the current one included.
 */
CREATE VIEW retention.pipeline_by_month WITH (security_invoker = true) AS
WITH e AS (
	SELECT o.rep, pg_catalog.date_trunc('month', o.created_at) AS month,
		   1 AS opened, 0 AS won, 0 AS lost, 0::numeric AS upsell_mrr, 0::numeric AS cross_sell_mrr
	  FROM retention.opportunities o
	UNION ALL
	SELECT o.rep, pg_catalog.date_trunc('month', o.closed_at),
		   0, (o.status = 'won')::integer, (o.status = 'lost')::integer,
		   CASE WHEN o.status = 'won' AND o.kind = 'upsell' THEN o.mrr ELSE 0 END,
		   CASE WHEN o.status = 'won' AND o.kind = 'cross_sell' THEN o.mrr ELSE 0 END
	  FROM retention.opportunities o
	 WHERE o.status <> 'open'
)
SELECT (e.month)::date AS month,
	   e.rep AS rep_id,
	   r.name AS rep,
	   sum(e.opened)::bigint AS opened,
	   sum(e.won)::bigint AS won,
	   sum(e.lost)::bigint AS lost,
	   round(sum(e.won)::numeric / nullif(sum(e.won) + sum(e.lost), 0), 4)::numeric(7, 4) AS win_rate,
	   sum(e.upsell_mrr)::numeric(16, 2) AS upsell_mrr_won,
	   sum(e.cross_sell_mrr)::numeric(16, 2) AS cross_sell_mrr_won,
	   (sum(e.upsell_mrr) + sum(e.cross_sell_mrr))::numeric(16, 2) AS mrr_won
  FROM e
  LEFT JOIN retention.reps r ON r.id = e.rep
 GROUP BY e.month, e.rep, r.name;
COMMENT ON VIEW retention.pipeline_by_month IS
	'growth opportunities per rep and calendar month (session time zone): found, won, lost, and the MRR won';
COMMENT ON COLUMN retention.pipeline_by_month.month IS 'the first day of the month (session time zone)';
COMMENT ON COLUMN retention.pipeline_by_month.rep_id IS 'the rep (retention.reps.id); NULL for opportunities without a rep';
COMMENT ON COLUMN retention.pipeline_by_month.rep IS 'the rep''s name';
COMMENT ON COLUMN retention.pipeline_by_month.opened IS 'opportunities created in the month';
COMMENT ON COLUMN retention.pipeline_by_month.won IS 'opportunities won in the month';
COMMENT ON COLUMN retention.pipeline_by_month.lost IS 'opportunities lost in the month';
COMMENT ON COLUMN retention.pipeline_by_month.win_rate IS
	'won / (won + lost) of the month, as a fraction; NULL when none was closed';
COMMENT ON COLUMN retention.pipeline_by_month.upsell_mrr_won IS
	'the MRR of the upsells won in the month: expansion of their products';
COMMENT ON COLUMN retention.pipeline_by_month.cross_sell_mrr_won IS
	'the MRR of the cross-sells won in the month: new products of existing customers';
COMMENT ON COLUMN retention.pipeline_by_month.mrr_won IS 'upsell_mrr_won + cross_sell_mrr_won';

GRANT SELECT ON retention.pipeline, retention.pipeline_by_month
	TO retention_admin, retention_rep, retention_analyst;

-- from src/metrics/survey.sql

------------------------------------------------------------------------------
-- Metrics: NPS and CSAT aggregates
------------------------------------------------------------------------------

CREATE TYPE retention.survey_counts;

CREATE FUNCTION retention.survey_counts_in(cstring) RETURNS retention.survey_counts
	AS 'MODULE_PATHNAME', 'survey_counts_in'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survey_counts_in(cstring) IS 'text input of survey_counts';
CREATE FUNCTION retention.survey_counts_out(retention.survey_counts) RETURNS cstring
	AS 'MODULE_PATHNAME', 'survey_counts_out'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survey_counts_out(retention.survey_counts) IS 'text output of survey_counts';
CREATE FUNCTION retention.survey_counts_recv(internal) RETURNS retention.survey_counts
	AS 'MODULE_PATHNAME', 'survey_counts_recv'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survey_counts_recv(internal) IS 'binary input of survey_counts';
CREATE FUNCTION retention.survey_counts_send(retention.survey_counts) RETURNS bytea
	AS 'MODULE_PATHNAME', 'survey_counts_send'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survey_counts_send(retention.survey_counts) IS 'binary output of survey_counts';

CREATE TYPE retention.survey_counts (
	INPUT = retention.survey_counts_in,
	OUTPUT = retention.survey_counts_out,
	RECEIVE = retention.survey_counts_recv,
	SEND = retention.survey_counts_send,
	INTERNALLENGTH = 88,
	ALIGNMENT = double,
	STORAGE = plain
);
COMMENT ON TYPE retention.survey_counts IS
	'state of the NPS and CSAT aggregates: the number of answers of each score 0..10, as (n0,...,n10)';

CREATE FUNCTION retention.survey_nps_accum(retention.survey_counts, integer)
	RETURNS retention.survey_counts
	AS 'MODULE_PATHNAME', 'survey_nps_accum'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survey_nps_accum(retention.survey_counts, integer) IS
	'transition function of nps and nps_detail: counts one answer 0..10';
CREATE FUNCTION retention.survey_csat_accum(retention.survey_counts, integer)
	RETURNS retention.survey_counts
	AS 'MODULE_PATHNAME', 'survey_csat_accum'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survey_csat_accum(retention.survey_counts, integer) IS
	'transition function of csat: counts one answer 1..5';
CREATE FUNCTION retention.survey_combine(retention.survey_counts, retention.survey_counts)
	RETURNS retention.survey_counts
	AS 'MODULE_PATHNAME', 'survey_combine'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survey_combine(retention.survey_counts, retention.survey_counts) IS
	'combine function of the survey aggregates: adds the counts';
CREATE FUNCTION retention.survey_nps_final(retention.survey_counts) RETURNS double precision
	AS 'MODULE_PATHNAME', 'survey_nps_final'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survey_nps_final(retention.survey_counts) IS
	'final function of nps: % promoters minus % detractors, NULL without answers';
CREATE FUNCTION retention.survey_csat_final(retention.survey_counts) RETURNS double precision
	AS 'MODULE_PATHNAME', 'survey_csat_final'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survey_csat_final(retention.survey_counts) IS
	'final function of csat: % of answers 4 or 5, NULL without answers';

CREATE TYPE retention.nps_summary AS (
	responses	bigint,
	promoters	bigint,
	passives	bigint,
	detractors	bigint,
	nps			double precision,
	margin_of_error double precision
);
COMMENT ON TYPE retention.nps_summary IS
	'result of nps_detail: answers by kind, NPS and its 95% margin of error in NPS points';

CREATE FUNCTION retention.survey_nps_detail_final(retention.survey_counts)
	RETURNS retention.nps_summary
	AS 'MODULE_PATHNAME', 'survey_nps_detail_final'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survey_nps_detail_final(retention.survey_counts) IS
	'final function of nps_detail';

CREATE AGGREGATE retention.nps(score integer) (
	SFUNC = retention.survey_nps_accum,
	STYPE = retention.survey_counts,
	INITCOND = '(0,0,0,0,0,0,0,0,0,0,0)',
	COMBINEFUNC = retention.survey_combine,
	FINALFUNC = retention.survey_nps_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention.nps(integer) IS
	'Net Promoter Score of answers 0..10: % promoters (9-10) minus % detractors (0-6), -100..100';

CREATE AGGREGATE retention.csat(score integer) (
	SFUNC = retention.survey_csat_accum,
	STYPE = retention.survey_counts,
	INITCOND = '(0,0,0,0,0,0,0,0,0,0,0)',
	COMBINEFUNC = retention.survey_combine,
	FINALFUNC = retention.survey_csat_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention.csat(integer) IS
	'customer satisfaction of answers 1..5: % of answers 4 or 5';

CREATE AGGREGATE retention.nps_detail(score integer) (
	SFUNC = retention.survey_nps_accum,
	STYPE = retention.survey_counts,
	INITCOND = '(0,0,0,0,0,0,0,0,0,0,0)',
	COMBINEFUNC = retention.survey_combine,
	FINALFUNC = retention.survey_nps_detail_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention.nps_detail(integer) IS
	'answers, promoters, passives, detractors, NPS and its 95% margin of error';

-- from src/metrics/feedback.sql

------------------------------------------------------------------------------
-- Metrics: survey answers and closing the loop with detractors
------------------------------------------------------------------------------

/*
 * Survey answers, one row per answer.  An NPS answer is also a "happiness"
 * observation of its product (the score as the value, observed when it was
 * answered), written by a trigger in the same transaction and linked back
 * by observations.feedback_id, so that health uses it and deleting the
 * answer (or forgetting the product) takes the observation with it.
 */
CREATE TABLE retention.feedback (
	id			bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	product_id	bigint NOT NULL REFERENCES retention.products (id) ON DELETE CASCADE,
	kind		text NOT NULL CONSTRAINT feedback_kind CHECK (kind IN ('nps', 'csat')),
	score		integer NOT NULL
				CONSTRAINT feedback_score_range
				CHECK ((kind = 'nps' AND score BETWEEN 0 AND 10)
					   OR (kind = 'csat' AND score BETWEEN 1 AND 5)),
	comment		text,
	answered_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	recorded_by text NOT NULL DEFAULT session_user,
	CONSTRAINT feedback_id_product UNIQUE (id, product_id)
);
CREATE INDEX feedback_product_idx ON retention.feedback (product_id, answered_at);
CREATE INDEX feedback_answered_at_idx ON retention.feedback (answered_at);
COMMENT ON TABLE retention.feedback IS
	'survey answers (NPS 0..10, CSAT 1..5) per product; an NPS answer is also a happiness observation';
COMMENT ON COLUMN retention.feedback.id IS 'the answer''s id';
COMMENT ON COLUMN retention.feedback.product_id IS 'the product the answer is about (retention.products.id)';
COMMENT ON COLUMN retention.feedback.kind IS 'nps (0..10, "how likely are you to recommend us") or csat (1..5)';
COMMENT ON COLUMN retention.feedback.score IS 'the score: 0..10 for nps, 1..5 for csat';
COMMENT ON COLUMN retention.feedback.comment IS 'the customer''s words, if any';
COMMENT ON COLUMN retention.feedback.answered_at IS
	'when the customer answered: now() by default; only an administrator may give a time more than 10 minutes ago';
COMMENT ON COLUMN retention.feedback.recorded_by IS 'the session user who recorded the answer (set by the database)';

/*
 * The link from a happiness observation to the answer it came from.  Added
 * here, after the table, so that a fresh install and an update from 0.1.0
 * give the same column order.  The pair (feedback_id, product_id) refers to
 * the answer, so an observation cannot be linked to another product's
 * answer.
 */
ALTER TABLE retention.observations
	ADD COLUMN feedback_id bigint,
	ADD CONSTRAINT observations_feedback_fkey FOREIGN KEY (feedback_id, product_id)
		REFERENCES retention.feedback (id, product_id) ON DELETE CASCADE;
CREATE INDEX observations_feedback_idx ON retention.observations (feedback_id)
	WHERE feedback_id IS NOT NULL;
COMMENT ON COLUMN retention.observations.feedback_id IS
	'the survey answer this observation came from (retention.feedback.id); NULL for other observations';
COMMENT ON COLUMN retention.observations_default.feedback_id IS
	'the survey answer this observation came from (retention.feedback.id); NULL for other observations';

/*
 * A time a statement gave (an answer's, a follow-up's): never in the future;
 * more than 10 minutes in the past only for an administrator (importing
 * past surveys), so that nobody else can make an answer look older or a
 * follow-up look quicker than it was.
 */
CREATE FUNCTION retention.check_feedback_time(what text, at timestamptz)
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF at > clock_timestamp() THEN
		RAISE EXCEPTION '% cannot be in the future', what
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('%s is %s.', what, at),
				  HINT = 'Leave it out to record the current time.';
	END IF;
	IF at < now() - interval '10 minutes'
	   AND NOT (pg_has_role(current_user, 'retention_admin', 'USAGE')
				OR pg_has_role(current_user,
							   (SELECT c.relowner FROM pg_class c
								 WHERE c.oid = 'retention.feedback'::regclass), 'USAGE')) THEN
		RAISE EXCEPTION 'permission denied to back-date %', what
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = format('%s is %s, more than 10 minutes ago.', what, at),
				  HINT = 'Only members of retention_admin can record past times; leave it out to record the current time.';
	END IF;
END
$$;
COMMENT ON FUNCTION retention.check_feedback_time(text, timestamptz) IS
	'refuses a time in the future, and a time more than 10 minutes ago unless the current role is an administrator';

-- BEFORE INSERT OR UPDATE on retention.feedback: the rules of an answer.
CREATE FUNCTION retention.feedback_check() RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	-- A restore takes the rows as they were (see feedback_observe).
	IF TG_OP = 'INSERT' AND current_setting('row_security') = 'off'
	   AND EXISTS (SELECT FROM pg_roles r
				    WHERE r.rolname = current_user AND (r.rolsuper OR r.rolbypassrls)) THEN
		RETURN NEW;
	END IF;
	IF TG_OP = 'UPDATE' THEN
		-- Serialized with a follow-up of this answer (see feedback_followup_check).
		IF NEW.score IS DISTINCT FROM OLD.score OR NEW.answered_at IS DISTINCT FROM OLD.answered_at THEN
			PERFORM pg_advisory_xact_lock(hashtext('retention.feedback'), hashint8(OLD.id));
		END IF;
		IF NEW.product_id IS DISTINCT FROM OLD.product_id OR NEW.kind IS DISTINCT FROM OLD.kind THEN
			RAISE EXCEPTION 'the product and kind of answer % cannot be changed', OLD.id
				USING ERRCODE = 'invalid_parameter_value',
					  HINT = 'Delete the answer and record a new one.';
		END IF;
		IF NEW.score IS DISTINCT FROM OLD.score AND NEW.score > 6
		   AND EXISTS (SELECT FROM retention.feedback_followups u WHERE u.feedback_id = OLD.id) THEN
			RAISE EXCEPTION 'answer % has a follow-up and must stay a detractor''s', OLD.id
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = format('A score of %s is not a detractor''s (0 to 6).', NEW.score),
					  HINT = 'Delete the follow-up first.';
		END IF;
	END IF;
	IF NEW.kind IS NULL OR NEW.kind NOT IN ('nps', 'csat') THEN
		RAISE EXCEPTION 'unknown survey kind "%"', NEW.kind
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'The kind is nps or csat.';
	END IF;
	IF NEW.score IS NULL THEN
		RAISE EXCEPTION 'score must not be null'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF NEW.kind = 'nps' AND NOT NEW.score BETWEEN 0 AND 10 THEN
		RAISE EXCEPTION 'NPS score % is out of range', NEW.score
			USING ERRCODE = 'numeric_value_out_of_range',
				  HINT = 'An NPS answer is between 0 and 10.';
	END IF;
	IF NEW.kind = 'csat' AND NOT NEW.score BETWEEN 1 AND 5 THEN
		RAISE EXCEPTION 'CSAT score % is out of range', NEW.score
			USING ERRCODE = 'numeric_value_out_of_range',
				  HINT = 'A CSAT answer is between 1 and 5.';
	END IF;
	IF NEW.answered_at IS NULL THEN
		NEW.answered_at := now();
	ELSIF TG_OP = 'INSERT' OR NEW.answered_at IS DISTINCT FROM OLD.answered_at THEN
		PERFORM retention.check_feedback_time('answered_at', NEW.answered_at);
	END IF;
	-- Who recorded an answer is not the statement's to say.
	IF TG_OP = 'INSERT' THEN
		NEW.recorded_by := session_user;
	ELSE
		NEW.recorded_by := OLD.recorded_by;
	END IF;
	IF TG_OP = 'UPDATE' AND NEW.answered_at IS DISTINCT FROM OLD.answered_at
	   AND EXISTS (SELECT FROM retention.feedback_followups u
				    WHERE u.feedback_id = OLD.id AND u.followed_up_at < NEW.answered_at) THEN
		RAISE EXCEPTION 'answer % would be answered after its follow-up', OLD.id
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION retention.feedback_check() IS
	'trigger: checks an answer''s kind, score range (22003) and time; product and kind are fixed once recorded';

/*
 * A bulk load by a role that bypasses row-level security, with row_security
 * off, is a restore (pg_dump's scripts and pg_restore set exactly that, as
 * the lifecycle's triggers know): restored answers and follow-ups are taken
 * as they were, and an answer's observation comes from the dump, not from
 * the trigger again.
 *
 * AFTER INSERT OR UPDATE on retention.feedback: an NPS answer's happiness
 * observation, written as the invoker (a rep may write the observations of
 * the rep's products, as the answers), in the same transaction.
 */
CREATE FUNCTION retention.feedback_observe() RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	-- A restored answer comes with its observation, restored from the dump.
	IF NEW.kind <> 'nps'
	   OR (TG_OP = 'INSERT' AND current_setting('row_security') = 'off'
		   AND EXISTS (SELECT FROM pg_roles r
					    WHERE r.rolname = current_user AND (r.rolsuper OR r.rolbypassrls))) THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'INSERT' THEN
		INSERT INTO retention.observations (product_id, measure, observed_at, value, feedback_id)
		VALUES (NEW.product_id, 'happiness', NEW.answered_at, NEW.score, NEW.id);
	ELSIF NEW.score IS DISTINCT FROM OLD.score OR NEW.answered_at IS DISTINCT FROM OLD.answered_at THEN
		UPDATE retention.observations o
		   SET value = NEW.score, observed_at = NEW.answered_at
		 WHERE o.feedback_id = NEW.id AND o.product_id = NEW.product_id;
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION retention.feedback_observe() IS
	'trigger: records an NPS answer as a happiness observation of its product (and keeps it in step)';

CREATE TRIGGER feedback_check BEFORE INSERT OR UPDATE ON retention.feedback
	FOR EACH ROW EXECUTE FUNCTION retention.feedback_check();
CREATE TRIGGER feedback_observe AFTER INSERT OR UPDATE ON retention.feedback
	FOR EACH ROW EXECUTE FUNCTION retention.feedback_observe();

/*
 * Closing the loop: each detractor (an NPS answer of 0 to 6) is asked what
 * kept them from their outcome (top_reason, a short label such as
 * missing_feature) and what would have helped (free text).  One follow-up
 * per answer.
 */
CREATE TABLE retention.feedback_followups (
	feedback_id bigint PRIMARY KEY REFERENCES retention.feedback (id) ON DELETE CASCADE,
	top_reason	varchar(40) NOT NULL
				CONSTRAINT feedback_followups_reason_label
				CHECK (top_reason ~ '^[a-z][a-z0-9_]*$'),
	what_would_help text NOT NULL
				CONSTRAINT feedback_followups_help_given
				CHECK (pg_catalog.btrim(what_would_help, E' \t\n\r\f\v') <> ''),
	followed_up_by text NOT NULL DEFAULT session_user,
	followed_up_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);
CREATE INDEX feedback_followups_reason_idx ON retention.feedback_followups (top_reason);
COMMENT ON TABLE retention.feedback_followups IS
	'the follow-up of a detractor''s answer: what kept them from their outcome, what would have helped';
COMMENT ON COLUMN retention.feedback_followups.feedback_id IS
	'the detractor''s answer (retention.feedback.id, an NPS score of 0 to 6); one follow-up each';
COMMENT ON COLUMN retention.feedback_followups.top_reason IS
	'what kept them from their outcome, as a short label: lower case, digits and _, e.g. missing_feature, onboarding, support, price';
COMMENT ON COLUMN retention.feedback_followups.what_would_help IS 'what would have helped, in their words';
COMMENT ON COLUMN retention.feedback_followups.followed_up_by IS
	'who followed up: the session user by default, or the current role; an administrator may name anyone';
COMMENT ON COLUMN retention.feedback_followups.followed_up_at IS
	'when: now() by default; only an administrator may give a time more than 10 minutes ago';

-- BEFORE INSERT OR UPDATE on retention.feedback_followups: the rules of a follow-up.
CREATE FUNCTION retention.feedback_followup_check() RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	answer record;
	is_admin boolean := pg_has_role(current_user, 'retention_admin', 'USAGE')
		OR pg_has_role(current_user, (SELECT c.relowner FROM pg_class c
									   WHERE c.oid = 'retention.feedback'::regclass), 'USAGE');
BEGIN
	IF TG_OP = 'INSERT' AND current_setting('row_security') = 'off'
	   AND EXISTS (SELECT FROM pg_roles r
				    WHERE r.rolname = current_user AND (r.rolsuper OR r.rolbypassrls)) THEN
		RETURN NEW;
	END IF;
	IF NEW.feedback_id IS NULL THEN
		RAISE EXCEPTION 'feedback_id must not be null'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF TG_OP = 'UPDATE' AND NEW.feedback_id <> OLD.feedback_id THEN
		RAISE EXCEPTION 'the answer of a follow-up cannot be changed'
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Delete the follow-up and record a new one.';
	END IF;
	/*
	 * A change of the answer's score or time and a follow-up of it wait for
	 * each other (a lock on the answer's id, held to the end of the
	 * transaction), and each reads the other's committed result after the
	 * wait; else both could pass, leaving a promoter followed up.  No row
	 * lock: a rep may not lock answers (no UPDATE right).
	 */
	PERFORM pg_advisory_xact_lock(hashtext('retention.feedback'), hashint8(NEW.feedback_id));
	-- Read as the invoker: an answer the role cannot see does not exist for it.
	SELECT f.kind, f.score, f.answered_at INTO answer
	  FROM retention.feedback f WHERE f.id = NEW.feedback_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'answer % does not exist', NEW.feedback_id
			USING ERRCODE = 'no_data_found';
	END IF;
	IF answer.kind <> 'nps' OR answer.score > 6 THEN
		RAISE EXCEPTION 'answer % is not a detractor''s', NEW.feedback_id
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('Its %s score is %s; only NPS answers of 0 to 6 are followed up.',
								  upper(answer.kind), answer.score);
	END IF;
	IF NEW.top_reason IS NULL OR btrim(NEW.top_reason, E' \t\n\r\f\v') = '' THEN
		RAISE EXCEPTION 'top_reason must not be blank'
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Give what kept the customer from their outcome as a short label, e.g. missing_feature.';
	END IF;
	IF NEW.top_reason !~ '^[a-z][a-z0-9_]*$' THEN
		RAISE EXCEPTION 'top_reason "%" is not a label', NEW.top_reason
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'A label is lower case letters, digits and _, starting with a letter, at most 40 characters.',
				  HINT = 'Use the labels your team agreed on, e.g. missing_feature, onboarding, support, price.';
	END IF;
	IF NEW.what_would_help IS NULL OR btrim(NEW.what_would_help, E' \t\n\r\f\v') = '' THEN
		RAISE EXCEPTION 'what_would_help must not be blank'
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Write down what the customer says would have helped.';
	END IF;
	IF NEW.followed_up_at IS NULL THEN
		NEW.followed_up_at := now();
	ELSIF TG_OP = 'INSERT' OR NEW.followed_up_at IS DISTINCT FROM OLD.followed_up_at THEN
		PERFORM retention.check_feedback_time('followed_up_at', NEW.followed_up_at);
	END IF;
	IF NEW.followed_up_at < answer.answered_at THEN
		RAISE EXCEPTION 'follow-up of answer % is before the answer', NEW.feedback_id
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('followed_up_at %s is before answered_at %s.',
								  NEW.followed_up_at, answer.answered_at);
	END IF;
	IF NEW.followed_up_by IS NULL THEN
		NEW.followed_up_by := session_user;
	ELSIF NEW.followed_up_by IS DISTINCT FROM session_user
		  AND NEW.followed_up_by IS DISTINCT FROM current_user::text
		  AND (TG_OP = 'INSERT' OR NEW.followed_up_by IS DISTINCT FROM OLD.followed_up_by)
		  AND NOT is_admin THEN
		RAISE EXCEPTION 'permission denied to record a follow-up by "%"', NEW.followed_up_by
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = 'Only an administrator may record a follow-up in someone else''s name.',
				  HINT = 'Leave followed_up_by out (it is the session user), or give your own role.';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION retention.feedback_followup_check() IS
	'trigger: a follow-up is of a visible detractor''s answer, with non-blank reasons, at a time after the answer';

CREATE TRIGGER feedback_followups_check BEFORE INSERT OR UPDATE ON retention.feedback_followups
	FOR EACH ROW EXECUTE FUNCTION retention.feedback_followup_check();

-- Row-level security: the rows of the products a role can see.
ALTER TABLE retention.feedback ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention.feedback FORCE ROW LEVEL SECURITY;
CREATE POLICY feedback_admin ON retention.feedback TO retention_admin USING (true) WITH CHECK (true);
CREATE POLICY feedback_analyst ON retention.feedback FOR SELECT TO retention_analyst USING (true);
CREATE POLICY feedback_rep_read ON retention.feedback FOR SELECT TO retention_rep
	USING (product_id IN (SELECT p.id FROM retention.products p));
CREATE POLICY feedback_rep_insert ON retention.feedback FOR INSERT TO retention_rep
	WITH CHECK (product_id IN (SELECT p.id FROM retention.products p));

ALTER TABLE retention.feedback_followups ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention.feedback_followups FORCE ROW LEVEL SECURITY;
CREATE POLICY feedback_followups_admin ON retention.feedback_followups TO retention_admin
	USING (true) WITH CHECK (true);
CREATE POLICY feedback_followups_analyst ON retention.feedback_followups FOR SELECT
	TO retention_analyst USING (true);
CREATE POLICY feedback_followups_rep_read ON retention.feedback_followups FOR SELECT TO retention_rep
	USING (feedback_id IN (SELECT f.id FROM retention.feedback f));
CREATE POLICY feedback_followups_rep_insert ON retention.feedback_followups FOR INSERT TO retention_rep
	WITH CHECK (feedback_id IN (SELECT f.id FROM retention.feedback f));

GRANT SELECT ON retention.feedback, retention.feedback_followups
	TO retention_admin, retention_rep, retention_analyst;
GRANT INSERT, UPDATE, DELETE ON retention.feedback, retention.feedback_followups TO retention_admin;
GRANT INSERT ON retention.feedback, retention.feedback_followups TO retention_rep;
GRANT USAGE ON SEQUENCE retention.feedback_id_seq TO retention_admin, retention_rep;

SELECT pg_catalog.pg_extension_config_dump('retention.feedback', '');
SELECT pg_catalog.pg_extension_config_dump('retention.feedback_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('retention.feedback_followups', '');

/*
 * The views.  A product's answers count for its current group and that
 * group's rep.  Months are complete calendar months in the session's time
 * zone, the last 12.
 */
CREATE VIEW retention.detractors_to_follow_up WITH (security_invoker = true) AS
SELECT f.id AS feedback_id,
	   f.product_id,
	   coalesce(p.customer, d.customer) AS customer,
	   p.group_id,
	   g.name AS group_name,
	   g.rep_id,
	   r.name AS rep,
	   f.score,
	   f.comment,
	   f.answered_at,
	   floor(extract(epoch FROM now() - f.answered_at) / 86400)::integer AS days_waiting,
	   (now() - f.answered_at > interval '7 days') AS overdue
  FROM retention.feedback f
  JOIN retention.products p ON p.id = f.product_id
  LEFT JOIN retention.deals d ON d.id = p.deal_id
  LEFT JOIN retention.groups g ON g.id = p.group_id
  LEFT JOIN retention.reps r ON r.id = g.rep_id
 WHERE f.kind = 'nps' AND f.score <= 6
   AND NOT EXISTS (SELECT FROM retention.feedback_followups u WHERE u.feedback_id = f.id)
 ORDER BY f.answered_at, f.id;
COMMENT ON VIEW retention.detractors_to_follow_up IS
	'detractors'' answers (NPS 0 to 6) not yet followed up, oldest first, with the rep of each product''s current group';
COMMENT ON COLUMN retention.detractors_to_follow_up.feedback_id IS 'the answer (retention.feedback.id)';
COMMENT ON COLUMN retention.detractors_to_follow_up.product_id IS 'the product (retention.products.id)';
COMMENT ON COLUMN retention.detractors_to_follow_up.customer IS 'the product''s customer';
COMMENT ON COLUMN retention.detractors_to_follow_up.group_id IS 'the product''s current group';
COMMENT ON COLUMN retention.detractors_to_follow_up.group_name IS 'the group''s name';
COMMENT ON COLUMN retention.detractors_to_follow_up.rep_id IS 'the rep of the group, who follows up';
COMMENT ON COLUMN retention.detractors_to_follow_up.rep IS 'the rep''s name';
COMMENT ON COLUMN retention.detractors_to_follow_up.score IS 'the NPS score, 0 to 6';
COMMENT ON COLUMN retention.detractors_to_follow_up.comment IS 'the customer''s words, if any';
COMMENT ON COLUMN retention.detractors_to_follow_up.answered_at IS 'when the customer answered';
COMMENT ON COLUMN retention.detractors_to_follow_up.days_waiting IS 'whole days since the answer';
COMMENT ON COLUMN retention.detractors_to_follow_up.overdue IS 'waiting more than 7 days';

CREATE VIEW retention.followup_rate WITH (security_invoker = true) AS
WITH months AS (
	SELECT m AS month_start
	  FROM pg_catalog.generate_series(pg_catalog.date_trunc('month', pg_catalog.now()) - interval '12 months',
									  pg_catalog.date_trunc('month', pg_catalog.now()) - interval '1 month',
									  interval '1 month') m
), a AS (
	SELECT ms.month_start, g.rep_id, f.id, u.followed_up_at,
		   (u.followed_up_at <= f.answered_at + interval '7 days') AS within_7_days,
		   (u.feedback_id IS NULL AND pg_catalog.now() < f.answered_at + interval '7 days') AS pending
	  FROM months ms
	  LEFT JOIN retention.feedback f
			 ON f.kind = 'nps' AND f.score <= 6
			AND f.answered_at >= ms.month_start AND f.answered_at < ms.month_start + interval '1 month'
	  LEFT JOIN retention.products p ON p.id = f.product_id
	  LEFT JOIN retention.groups g ON g.id = p.group_id
	  LEFT JOIN retention.feedback_followups u ON u.feedback_id = f.id
), c AS (
	SELECT a.month_start,
		   CASE WHEN GROUPING(a.rep_id) = 1 THEN 'overall' ELSE 'rep' END AS breakdown,
		   a.rep_id,
		   count(a.id) AS detractors,
		   count(a.followed_up_at) AS followed_up,
		   count(*) FILTER (WHERE a.within_7_days) AS within_7_days,
		   count(*) FILTER (WHERE a.pending) AS pending
	  FROM a
	 GROUP BY GROUPING SETS ((a.month_start), (a.month_start, a.rep_id))
)
SELECT (c.month_start)::date AS month,
	   c.breakdown::varchar(8) AS breakdown,
	   c.rep_id,
	   r.name AS rep,
	   c.detractors,
	   c.followed_up,
	   c.within_7_days AS followed_up_within_7_days,
	   c.pending,
	   round(c.within_7_days::numeric / nullif(c.detractors - c.pending, 0), 4)::numeric(5, 4)
		   AS share_within_7_days
  FROM c
  LEFT JOIN retention.reps r ON r.id = c.rep_id
 WHERE c.breakdown = 'overall' OR (c.rep_id IS NOT NULL AND c.detractors > 0);
COMMENT ON VIEW retention.followup_rate IS
	'per complete month of the answer (the last 12), overall and per rep: the share of detractors followed up within 7 days';
COMMENT ON COLUMN retention.followup_rate.month IS 'the first day of the month the detractors answered in (session time zone)';
COMMENT ON COLUMN retention.followup_rate.breakdown IS 'overall or rep (the rep of each product''s current group)';
COMMENT ON COLUMN retention.followup_rate.rep_id IS 'the rep, for breakdown rep';
COMMENT ON COLUMN retention.followup_rate.rep IS 'the rep''s name, for breakdown rep';
COMMENT ON COLUMN retention.followup_rate.detractors IS 'detractors'' answers (NPS 0 to 6) of the month';
COMMENT ON COLUMN retention.followup_rate.followed_up IS 'of them, followed up (at any time)';
COMMENT ON COLUMN retention.followup_rate.followed_up_within_7_days IS 'of them, followed up at most 7 days after the answer';
COMMENT ON COLUMN retention.followup_rate.pending IS
	'of them, not followed up and answered less than 7 days ago: not yet known either way';
COMMENT ON COLUMN retention.followup_rate.share_within_7_days IS
	'followed_up_within_7_days / (detractors - pending), as a fraction; NULL when nothing is known yet';

CREATE VIEW retention.detractor_reasons WITH (security_invoker = true) AS
SELECT u.top_reason::varchar(40) AS top_reason,
	   count(*) AS followups,
	   round(count(*)::numeric / sum(count(*)) OVER (), 4)::numeric(5, 4) AS share,
	   count(*) FILTER (WHERE u.followed_up_at > pg_catalog.now() - interval '90 days') AS last_90_days,
	   round(avg(f.score), 2)::numeric(4, 2) AS average_score,
	   max(u.followed_up_at) AS latest_at
  FROM retention.feedback_followups u
  JOIN retention.feedback f ON f.id = u.feedback_id
 GROUP BY u.top_reason;
COMMENT ON VIEW retention.detractor_reasons IS
	'what kept detractors from their outcome: the follow-ups by top reason, most frequent first';
COMMENT ON COLUMN retention.detractor_reasons.top_reason IS 'the reason''s label';
COMMENT ON COLUMN retention.detractor_reasons.followups IS 'follow-ups giving it';
COMMENT ON COLUMN retention.detractor_reasons.share IS 'followups / all follow-ups, as a fraction';
COMMENT ON COLUMN retention.detractor_reasons.last_90_days IS 'follow-ups giving it in the last 90 days';
COMMENT ON COLUMN retention.detractor_reasons.average_score IS 'the average NPS score of the answers followed up';
COMMENT ON COLUMN retention.detractor_reasons.latest_at IS 'the latest follow-up giving it';

CREATE VIEW retention.nps_by_month WITH (security_invoker = true) AS
WITH months AS (
	SELECT m AS month_start
	  FROM pg_catalog.generate_series(pg_catalog.date_trunc('month', pg_catalog.now()) - interval '12 months',
									  pg_catalog.date_trunc('month', pg_catalog.now()) - interval '1 month',
									  interval '1 month') m
), c AS (
	SELECT ms.month_start,
		   CASE WHEN GROUPING(p.group_id) = 0 THEN 'group'
				WHEN GROUPING(g.rep_id) = 0 THEN 'rep' ELSE 'overall' END AS breakdown,
		   p.group_id, g.rep_id,
		   retention.nps_detail(f.score) AS d
	  FROM months ms
	  LEFT JOIN retention.feedback f
			 ON f.kind = 'nps'
			AND f.answered_at >= ms.month_start AND f.answered_at < ms.month_start + interval '1 month'
	  LEFT JOIN retention.products p ON p.id = f.product_id
	  LEFT JOIN retention.groups g ON g.id = p.group_id
	 GROUP BY GROUPING SETS ((ms.month_start), (ms.month_start, p.group_id), (ms.month_start, g.rep_id))
)
SELECT (c.month_start)::date AS month,
	   c.breakdown::varchar(8) AS breakdown,
	   c.group_id,
	   g.name AS group_name,
	   c.rep_id,
	   r.name AS rep,
	   (c.d).responses AS responses,
	   (c.d).promoters AS promoters,
	   (c.d).passives AS passives,
	   (c.d).detractors AS detractors,
	   round((c.d).nps::numeric, 2)::numeric(5, 2) AS nps,
	   round((c.d).margin_of_error::numeric, 2)::numeric(5, 2) AS margin_of_error
  FROM c
  LEFT JOIN retention.groups g ON g.id = c.group_id
  LEFT JOIN retention.reps r ON r.id = c.rep_id
 WHERE c.breakdown = 'overall'
	OR (c.breakdown = 'group' AND c.group_id IS NOT NULL)
	OR (c.breakdown = 'rep' AND c.rep_id IS NOT NULL);
COMMENT ON VIEW retention.nps_by_month IS
	'NPS of the answers of each of the last 12 complete calendar months, overall, by group and by rep, with its 95% margin of error';
COMMENT ON COLUMN retention.nps_by_month.month IS 'the first day of the month (session time zone)';
COMMENT ON COLUMN retention.nps_by_month.breakdown IS
	'overall (a row for every month), group or rep (rows with answers; by each product''s current group)';
COMMENT ON COLUMN retention.nps_by_month.group_id IS 'the group, for breakdown group';
COMMENT ON COLUMN retention.nps_by_month.group_name IS 'the group''s name, for breakdown group';
COMMENT ON COLUMN retention.nps_by_month.rep_id IS 'the rep, for breakdown rep';
COMMENT ON COLUMN retention.nps_by_month.rep IS 'the rep''s name, for breakdown rep';
COMMENT ON COLUMN retention.nps_by_month.responses IS 'NPS answers in the month';
COMMENT ON COLUMN retention.nps_by_month.promoters IS 'answers of 9 or 10';
COMMENT ON COLUMN retention.nps_by_month.passives IS 'answers of 7 or 8';
COMMENT ON COLUMN retention.nps_by_month.detractors IS 'answers of 0 to 6';
COMMENT ON COLUMN retention.nps_by_month.nps IS
	'% promoters minus % detractors, -100 to 100; NULL without answers';
COMMENT ON COLUMN retention.nps_by_month.margin_of_error IS
	'95% margin of error of nps, in NPS points (1.96 standard errors); NULL below two answers';

GRANT SELECT ON retention.detractors_to_follow_up, retention.followup_rate,
	retention.detractor_reasons, retention.nps_by_month
	TO retention_admin, retention_rep, retention_analyst;

-- from src/metrics/rates.sql

------------------------------------------------------------------------------
-- Metrics: customer retention and churn, revenue retention
------------------------------------------------------------------------------

/*
 * Time is read from the history: a product's stage at time t is the stage of
 * its latest move strictly before t (retention.stage_history), its MRR the
 * latest retention.mrr_history row effective strictly before t.  A window
 * [start, end) thus counts a move made at its start and not one made at its
 * end, and consecutive windows (months) share their boundaries exactly.
 * A product is active while it is in any stage but ineligible.  Rates read
 * the rows the caller may see (row-level security), so a rep's rates are
 * those of the rep's own products.
 */

CREATE FUNCTION retention.check_window(start_at timestamptz, end_at timestamptz)
	RETURNS void
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF start_at IS NULL OR end_at IS NULL OR NOT start_at OPERATOR(pg_catalog.<) end_at THEN
		RAISE EXCEPTION 'a window must end after it starts'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('The window given runs from %s to %s.',
								 coalesce(start_at::text, 'NULL'), coalesce(end_at::text, 'NULL'));
	END IF;
END
$$;
COMMENT ON FUNCTION retention.check_window(timestamptz, timestamptz) IS
	'raises an error unless start_at < end_at';

-- The starts of the last n complete calendar months and of the current one
CREATE FUNCTION retention.month_starts(months integer)
	RETURNS timestamptz[]
	LANGUAGE sql STABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN ARRAY(SELECT pg_catalog.generate_series(
						pg_catalog.date_trunc('month', pg_catalog.now())
							OPERATOR(pg_catalog.-) pg_catalog.make_interval(months => month_starts.months),
						pg_catalog.date_trunc('month', pg_catalog.now()),
						'1 month'::interval));
COMMENT ON FUNCTION retention.month_starts(integer) IS
	'the starts of the last n complete calendar months (session time zone) and of the current month';

/*
 * The rates are computed in C from the product timelines (timeline.c): one
 * ordered pass over the products, their stage moves and MRR rows, which
 * the functions read as the caller.  They take any timestamptz[] and use
 * its instants in order, without duplicates or NULLs.
 */

CREATE FUNCTION retention.activity_masks(instants timestamptz[])
	RETURNS TABLE (product_id bigint, active varbit, retained varbit)
	AS 'MODULE_PATHNAME', 'activity_masks'
	LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 100000
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION retention.activity_masks(timestamptz[]) IS
	'per product with stage moves, the sorted instants at which it was active and those at which it was in retention (bit k for the k-th, from 0; NULL: it never entered such a stage)';

CREATE FUNCTION retention.customer_mrr(instants timestamptz[])
	RETURNS TABLE (customer text, first_paid_at timestamptz, present_from timestamptz, mrr numeric[])
	AS 'MODULE_PATHNAME', 'customer_mrr'
	LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 10000
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION retention.customer_mrr(timestamptz[]) IS
	'per customer with history, its MRR (of active products) at each sorted instant, when it first had MRR while active and when its history began';

/*
 * Customer and product retention over consecutive windows [instants[k],
 * instants[k+1]): per window the subjects active at its start and end.
 * breakdown 'overall' counts customers; 'group' and 'rep' count products,
 * by each product's current group and that group's rep.
 */
CREATE FUNCTION retention.retention_by_window(instants timestamptz[])
	RETURNS TABLE (window_start timestamptz, window_end timestamptz, breakdown text,
				   group_id bigint, rep_id bigint, subjects_start bigint, subjects_new bigint,
				   subjects_churned bigint, subjects_end bigint)
	AS 'MODULE_PATHNAME', 'retention_by_window'
	LANGUAGE C STABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION retention.retention_by_window(timestamptz[]) IS
	'customers (overall) and products (by group, by rep) active at the start and end of each window between consecutive instants';

CREATE FUNCTION retention.customer_retention_between(start_at timestamptz, end_at timestamptz)
	RETURNS TABLE (customers_start bigint, customers_new bigint, customers_churned bigint,
				   customers_end bigint, retention_rate numeric, churn_rate numeric)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	PERFORM retention.check_window(start_at, end_at);
	RETURN QUERY
	SELECT coalesce(sum(w.subjects_start), 0)::bigint, coalesce(sum(w.subjects_new), 0)::bigint,
		   coalesce(sum(w.subjects_churned), 0)::bigint, coalesce(sum(w.subjects_end), 0)::bigint,
		   (sum(w.subjects_end) - sum(w.subjects_new)) / nullif(sum(w.subjects_start), 0),
		   sum(w.subjects_churned) / nullif(sum(w.subjects_start), 0)
	  FROM retention.retention_by_window(ARRAY[start_at, end_at]) w
	 WHERE w.breakdown = 'overall';
END
$$;
COMMENT ON FUNCTION retention.customer_retention_between(timestamptz, timestamptz) IS
	'customers active at start (S), new or won back (N), churned, active at end (E); retention (E - N) / S, churn = churned / S';

CREATE FUNCTION retention.product_retention_by_group(start_at timestamptz, end_at timestamptz)
	RETURNS TABLE (group_id bigint, group_name text, products_start bigint, products_new bigint,
				   products_churned bigint, products_end bigint, retention_rate numeric, churn_rate numeric)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	PERFORM retention.check_window(start_at, end_at);
	RETURN QUERY
	SELECT w.group_id, g.name, w.subjects_start, w.subjects_new, w.subjects_churned, w.subjects_end,
		   (w.subjects_end - w.subjects_new)::numeric / nullif(w.subjects_start, 0),
		   w.subjects_churned::numeric / nullif(w.subjects_start, 0)
	  FROM retention.retention_by_window(ARRAY[start_at, end_at]) w
	  JOIN retention.groups g ON g.id = w.group_id
	 WHERE w.breakdown = 'group'
	 ORDER BY g.name;
END
$$;
COMMENT ON FUNCTION retention.product_retention_by_group(timestamptz, timestamptz) IS
	'product retention and churn over [start_at, end_at) per group (each product''s current group)';

CREATE FUNCTION retention.product_retention_by_rep(start_at timestamptz, end_at timestamptz)
	RETURNS TABLE (rep_id bigint, rep text, products_start bigint, products_new bigint,
				   products_churned bigint, products_end bigint, retention_rate numeric, churn_rate numeric)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	PERFORM retention.check_window(start_at, end_at);
	RETURN QUERY
	SELECT w.rep_id, r.name, w.subjects_start, w.subjects_new, w.subjects_churned, w.subjects_end,
		   (w.subjects_end - w.subjects_new)::numeric / nullif(w.subjects_start, 0),
		   w.subjects_churned::numeric / nullif(w.subjects_start, 0)
	  FROM retention.retention_by_window(ARRAY[start_at, end_at]) w
	  JOIN retention.reps r ON r.id = w.rep_id
	 WHERE w.breakdown = 'rep'
	 ORDER BY r.name, r.id;
END
$$;
COMMENT ON FUNCTION retention.product_retention_by_rep(timestamptz, timestamptz) IS
	'product retention and churn over [start_at, end_at) per rep (the rep of each product''s current group)';

CREATE FUNCTION retention.churn_by_reason(start_at timestamptz, end_at timestamptz)
	RETURNS TABLE (reason text, products bigint, share numeric)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	PERFORM retention.check_window(start_at, end_at);
	RETURN QUERY
	SELECT coalesce(h.reason, '(none)'), count(DISTINCT h.product_id),
		   count(DISTINCT h.product_id)::numeric
			/ sum(count(DISTINCT h.product_id)) OVER ()
	  FROM retention.stage_history h
	 WHERE h.table_name OPERATOR(pg_catalog.=) 'retention.products'
	   AND h.to_stage = 'ineligible' AND h.from_stage IS NOT NULL
	   AND h.changed_at >= start_at AND h.changed_at < end_at
	 GROUP BY coalesce(h.reason, '(none)')
	 ORDER BY 2 DESC, 1;
END
$$;
COMMENT ON FUNCTION retention.churn_by_reason(timestamptz, timestamptz) IS
	'the products moved to ineligible in [start_at, end_at) by the reason given, with each reason''s share';

/*
 * Revenue movements over consecutive windows, classified per subject (a
 * customer overall; a customer's products in one group by group) as
 * ChartMogul does: new (no MRR at start, never any before), reactivation
 * (no MRR at start, some before), expansion, contraction (down, above 0),
 * churn (down to 0).
 */
CREATE FUNCTION retention.revenue_by_window(instants timestamptz[])
	RETURNS TABLE (window_start timestamptz, window_end timestamptz, breakdown text, group_id bigint,
				   starting_mrr numeric, new_mrr numeric, expansion_mrr numeric, contraction_mrr numeric,
				   churned_mrr numeric, reactivated_mrr numeric, ending_mrr numeric)
	AS 'MODULE_PATHNAME', 'revenue_by_window'
	LANGUAGE C STABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION retention.revenue_by_window(timestamptz[]) IS
	'MRR at the start and end of each window between consecutive instants, and its movements (new, expansion, contraction, churn, reactivation), overall and by group';

CREATE FUNCTION retention.revenue_retention_between(start_at timestamptz, end_at timestamptz)
	RETURNS TABLE (starting_mrr numeric, new_mrr numeric, expansion_mrr numeric, contraction_mrr numeric,
				   churned_mrr numeric, reactivated_mrr numeric, ending_mrr numeric, grr numeric, nrr numeric)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	PERFORM retention.check_window(start_at, end_at);
	RETURN QUERY
	SELECT coalesce(sum(w.starting_mrr), 0), coalesce(sum(w.new_mrr), 0),
		   coalesce(sum(w.expansion_mrr), 0), coalesce(sum(w.contraction_mrr), 0),
		   coalesce(sum(w.churned_mrr), 0), coalesce(sum(w.reactivated_mrr), 0),
		   coalesce(sum(w.ending_mrr), 0),
		   (sum(w.starting_mrr) - sum(w.contraction_mrr) - sum(w.churned_mrr)) / nullif(sum(w.starting_mrr), 0),
		   (sum(w.starting_mrr) + sum(w.expansion_mrr) - sum(w.contraction_mrr) - sum(w.churned_mrr))
			/ nullif(sum(w.starting_mrr), 0)
	  FROM retention.revenue_by_window(ARRAY[start_at, end_at]) w
	 WHERE w.breakdown = 'overall';
END
$$;
COMMENT ON FUNCTION retention.revenue_retention_between(timestamptz, timestamptz) IS
	'MRR at start, its movements and MRR at end over [start_at, end_at); GRR = (start - contraction - churn) / start, NRR adds expansion';

-- from src/metrics/rates_views.sql

------------------------------------------------------------------------------
-- Metrics: monthly retention and revenue retention views
------------------------------------------------------------------------------

CREATE VIEW retention.monthly_retention WITH (security_invoker = true) AS
WITH w AS (
	SELECT * FROM retention.retention_by_window(retention.month_starts(12))
), r AS (
	SELECT w.*,
		   (w.subjects_end - w.subjects_new)::numeric / nullif(w.subjects_start, 0) AS retention_rate,
		   w.subjects_churned::numeric / nullif(w.subjects_start, 0) AS churn_rate
	  FROM w
)
SELECT (r.window_start)::date AS month,
	   r.breakdown::varchar(8) AS breakdown,
	   r.group_id,
	   g.name AS group_name,
	   r.rep_id,
	   rp.name AS rep,
	   r.subjects_start AS active_at_start,
	   r.subjects_new AS new,
	   r.subjects_churned AS churned,
	   r.subjects_end AS active_at_end,
	   round(r.retention_rate, 4)::numeric(7, 4) AS retention_rate,
	   round(r.churn_rate, 4)::numeric(7, 4) AS churn_rate,
	   round(r.retention_rate - lag(r.retention_rate) OVER (
				PARTITION BY r.breakdown, r.group_id, r.rep_id ORDER BY r.window_start), 4)::numeric(7, 4)
		   AS retention_rate_change
  FROM r
  LEFT JOIN retention.groups g ON g.id = r.group_id
  LEFT JOIN retention.reps rp ON rp.id = r.rep_id;
COMMENT ON VIEW retention.monthly_retention IS
	'customer retention (overall) and product retention (by group, by rep) in each of the last 12 complete calendar months';
COMMENT ON COLUMN retention.monthly_retention.month IS 'the first day of the month (session time zone)';
COMMENT ON COLUMN retention.monthly_retention.breakdown IS
	'overall (counts customers), group or rep (count products, by each product''s current group)';
COMMENT ON COLUMN retention.monthly_retention.group_id IS 'the group, for breakdown group';
COMMENT ON COLUMN retention.monthly_retention.group_name IS 'the group''s name, for breakdown group';
COMMENT ON COLUMN retention.monthly_retention.rep_id IS 'the rep, for breakdown rep';
COMMENT ON COLUMN retention.monthly_retention.rep IS 'the rep''s name, for breakdown rep';
COMMENT ON COLUMN retention.monthly_retention.active_at_start IS 'customers or products active when the month began (S)';
COMMENT ON COLUMN retention.monthly_retention.new IS 'active at the end but not at the start: new or won back (N)';
COMMENT ON COLUMN retention.monthly_retention.churned IS 'active at the start but not at the end';
COMMENT ON COLUMN retention.monthly_retention.active_at_end IS 'customers or products active when the month ended (E)';
COMMENT ON COLUMN retention.monthly_retention.retention_rate IS '(E - N) / S, as a fraction; NULL when S = 0';
COMMENT ON COLUMN retention.monthly_retention.churn_rate IS 'churned / S, as a fraction; NULL when S = 0';
COMMENT ON COLUMN retention.monthly_retention.retention_rate_change IS
	'retention_rate minus that of the month before (the trend)';

CREATE VIEW retention.revenue_retention WITH (security_invoker = true) AS
SELECT (w.window_start)::date AS month,
	   w.breakdown::varchar(8) AS breakdown,
	   w.group_id,
	   g.name AS group_name,
	   w.starting_mrr::numeric(16, 2) AS starting_mrr,
	   w.new_mrr::numeric(16, 2) AS new_mrr,
	   w.expansion_mrr::numeric(16, 2) AS expansion_mrr,
	   w.contraction_mrr::numeric(16, 2) AS contraction_mrr,
	   w.churned_mrr::numeric(16, 2) AS churned_mrr,
	   w.reactivated_mrr::numeric(16, 2) AS reactivated_mrr,
	   w.ending_mrr::numeric(16, 2) AS ending_mrr,
	   round((w.starting_mrr - w.contraction_mrr - w.churned_mrr) / nullif(w.starting_mrr, 0), 4)::numeric(12, 4) AS grr,
	   round((w.starting_mrr + w.expansion_mrr - w.contraction_mrr - w.churned_mrr)
			 / nullif(w.starting_mrr, 0), 4)::numeric(12, 4) AS nrr
  FROM retention.revenue_by_window(retention.month_starts(12)) w
  LEFT JOIN retention.groups g ON g.id = w.group_id;
COMMENT ON VIEW retention.revenue_retention IS
	'MRR movements, gross and net revenue retention in each of the last 12 complete calendar months, overall and by group';
COMMENT ON COLUMN retention.revenue_retention.month IS 'the first day of the month (session time zone)';
COMMENT ON COLUMN retention.revenue_retention.breakdown IS
	'overall (movements per customer) or group (per customer''s products in the group, by current group)';
COMMENT ON COLUMN retention.revenue_retention.group_id IS 'the group, for breakdown group';
COMMENT ON COLUMN retention.revenue_retention.group_name IS 'the group''s name, for breakdown group';
COMMENT ON COLUMN retention.revenue_retention.starting_mrr IS 'MRR of active products when the month began';
COMMENT ON COLUMN retention.revenue_retention.new_mrr IS 'MRR of customers who never had MRR before';
COMMENT ON COLUMN retention.revenue_retention.expansion_mrr IS 'increase of customers whose MRR went up';
COMMENT ON COLUMN retention.revenue_retention.contraction_mrr IS 'decrease of customers whose MRR went down but not to 0';
COMMENT ON COLUMN retention.revenue_retention.churned_mrr IS 'starting MRR of customers whose MRR went to 0';
COMMENT ON COLUMN retention.revenue_retention.reactivated_mrr IS 'MRR of customers who had none at the start but had some before';
COMMENT ON COLUMN retention.revenue_retention.ending_mrr IS
	'MRR when the month ended: starting + new + reactivated + expansion - contraction - churned';
COMMENT ON COLUMN retention.revenue_retention.grr IS
	'gross revenue retention (starting - contraction - churned) / starting, at most 1; NULL without starting MRR';
COMMENT ON COLUMN retention.revenue_retention.nrr IS
	'net revenue retention (starting + expansion - contraction - churned) / starting; NULL without starting MRR';

/*
 * Revenue cohorts: customers by the month their MRR began, and their MRR at
 * the end of each month since, as a share of their MRR at the end of the
 * first (month 0).  Only complete months, over the last 24.
 */
CREATE VIEW retention.revenue_cohorts WITH (security_invoker = true) AS
WITH b AS (
	SELECT i.t, i.k
	  FROM pg_catalog.unnest(retention.month_starts(24)) WITH ORDINALITY i (t, k)
), cust AS (
	SELECT date_trunc('month', c.first_paid_at) AS cohort, c.mrr
	  FROM retention.customer_mrr(retention.month_starts(24)) c
	 WHERE c.first_paid_at >= (SELECT min(b.t) FROM b)
	   AND c.first_paid_at < (SELECT max(b.t) FROM b)
), sizes AS (
	SELECT cust.cohort, count(*) AS customers FROM cust GROUP BY cust.cohort
), m AS (
	-- each cohort's MRR at instant k (1 for the first)
	SELECT cust.cohort, b.k, sum(cust.mrr[b.k]) AS mrr
	  FROM cust JOIN b ON b.t > cust.cohort
	 GROUP BY cust.cohort, b.k
), cells AS (
	SELECT s.cohort, (b.k - b0.k) AS months_since, s.customers, coalesce(m.mrr, 0) AS mrr
	  FROM sizes s
	  JOIN b b0 ON b0.t = s.cohort
	  JOIN b ON b.k > b0.k
	  LEFT JOIN m ON m.cohort = s.cohort AND m.k = b.k
)
SELECT (c.cohort)::date AS cohort_month,
	   (c.months_since - 1)::integer AS months_since,
	   c.customers,
	   c.mrr::numeric(16, 2) AS mrr,
	   round(c.mrr / nullif(first_value(c.mrr) OVER (PARTITION BY c.cohort ORDER BY c.months_since), 0), 4)::numeric(12, 4)
		   AS share_of_month_0
  FROM cells c;
COMMENT ON VIEW retention.revenue_cohorts IS
	'monthly cohorts of customers by the month their MRR began: their MRR at the end of each complete month since, as a share of month 0';
COMMENT ON COLUMN retention.revenue_cohorts.cohort_month IS 'the month the customers first had MRR (session time zone)';
COMMENT ON COLUMN retention.revenue_cohorts.months_since IS '0 for the cohort''s own month, 1 for the next, ...';
COMMENT ON COLUMN retention.revenue_cohorts.customers IS 'customers in the cohort';
COMMENT ON COLUMN retention.revenue_cohorts.mrr IS 'the cohort''s MRR at the end of that month';
COMMENT ON COLUMN retention.revenue_cohorts.share_of_month_0 IS 'mrr as a share of the cohort''s MRR at the end of month 0';

GRANT SELECT ON retention.monthly_retention, retention.revenue_retention, retention.revenue_cohorts
	TO retention_admin, retention_rep, retention_analyst;

-- from src/metrics/funnel.sql


------------------------------------------------------------------------------
-- Metrics: lifetime value and the stage funnel
------------------------------------------------------------------------------

/*
 * The gross margin lifetime value is multiplied by: the setting
 * retention.gross_margin (SET, ALTER DATABASE ... SET or postgresql.conf),
 * a fraction in (0, 1]; 1 when it is not set.
 */
CREATE FUNCTION retention.gross_margin()
	RETURNS numeric
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	setting text := pg_catalog.current_setting('retention.gross_margin', true);
	margin numeric;
BEGIN
	IF setting IS NULL OR pg_catalog.btrim(setting) OPERATOR(pg_catalog.=) '' THEN
		RETURN 1;
	END IF;
	BEGIN
		margin := setting::numeric;
	EXCEPTION WHEN invalid_text_representation THEN
		margin := NULL;
	END;
	IF margin IS NULL OR margin = 'NaN'::numeric
	   OR NOT (margin OPERATOR(pg_catalog.>) 0 AND margin OPERATOR(pg_catalog.<=) 1) THEN
		RAISE EXCEPTION 'invalid value for retention.gross_margin: "%"', setting
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'The gross margin is a fraction greater than 0 and at most 1.',
				  HINT = 'Set it with SET retention.gross_margin = 0.8, or RESET it for 1.';
	END IF;
	RETURN margin;
END
$$;
COMMENT ON FUNCTION retention.gross_margin() IS
	'the setting retention.gross_margin, a fraction in (0, 1]; 1 when unset';
GRANT EXECUTE ON FUNCTION retention.gross_margin() TO retention_admin, retention_rep, retention_analyst;

/*
 * Lifetime value per group: average MRR per active customer (at the end of
 * the last complete month: the MRR of the group's active products over the
 * customers owning them) times the gross margin, over the average monthly
 * product churn rate of the group in the last 12 complete months (the
 * months with products active at their start).  NULL when nothing churned.
 */
CREATE VIEW retention.lifetime_value WITH (security_invoker = true) AS
WITH ms AS MATERIALIZED (
	SELECT retention.month_starts(12) AS a
), pa AS (
	SELECT m.product_id, m.held, p.group_id, coalesce(p.customer, d.customer) AS customer
	  FROM (SELECT am.product_id, am.active AS held
			  FROM ms, retention.activity_masks(ms.a) am
			 WHERE am.active IS NOT NULL) m
	  JOIN retention.products p ON p.id = m.product_id
	  JOIN retention.deals d ON d.id = p.deal_id
	 WHERE p.group_id IS NOT NULL
), gm AS (
	SELECT pa.group_id, pa.held, count(*) AS products
	  FROM pa
	 GROUP BY pa.group_id, pa.held
), monthly AS (
	SELECT gm.group_id, k.k,
		   sum(gm.products)::bigint AS products_start,
		   coalesce(sum(gm.products) FILTER (WHERE pg_catalog.get_bit(gm.held, k.k + 1) = 0), 0)::bigint AS churned
	  FROM ms, gm, pg_catalog.generate_series(0, pg_catalog.cardinality(ms.a) - 2) k (k)
	 WHERE pg_catalog.get_bit(gm.held, k.k) = 1
	 GROUP BY gm.group_id, k.k
), w AS (
	SELECT m.group_id, count(*) AS months, avg(m.churned::numeric / m.products_start) AS churn_rate
	  FROM monthly m
	 GROUP BY m.group_id
), last_mrr AS (
	SELECT DISTINCT ON (h.product_id) h.product_id, h.mrr
	  FROM ms, retention.mrr_history h
	 WHERE h.effective_at < ms.a[pg_catalog.array_upper(ms.a, 1)]
	 ORDER BY h.product_id, h.effective_at DESC, h.id DESC
), rev AS (
	SELECT pa.group_id, count(DISTINCT pa.customer) AS customers,
		   coalesce(sum(coalesce(lm.mrr, 0::numeric)), 0) AS mrr
	  FROM ms
	  JOIN pa ON pg_catalog.get_bit(pa.held, pg_catalog.cardinality(ms.a) - 1) = 1
	  LEFT JOIN last_mrr lm ON lm.product_id = pa.product_id
	 GROUP BY pa.group_id
), v AS (
	SELECT g.id, g.name, g.kind, coalesce(rev.customers, 0) AS customers, coalesce(rev.mrr, 0) AS mrr,
		   rev.mrr / nullif(rev.customers, 0) AS arpa, retention.gross_margin() AS margin,
		   coalesce(w.months, 0) AS months, w.churn_rate
	  FROM retention.groups g
	  LEFT JOIN rev ON rev.group_id = g.id
	  LEFT JOIN w ON w.group_id = g.id
)
SELECT v.id AS group_id,
	   v.name AS group_name,
	   v.kind::varchar(10) AS group_kind,
	   v.customers AS active_customers,
	   v.mrr::numeric(16, 2) AS mrr,
	   round(v.arpa, 2)::numeric(16, 2) AS mrr_per_customer,
	   v.margin::numeric(5, 4) AS gross_margin,
	   v.months::integer AS months_measured,
	   round(v.churn_rate, 4)::numeric(7, 4) AS monthly_churn_rate,
	   round(v.arpa * v.margin / nullif(v.churn_rate, 0), 2)::numeric(18, 2) AS lifetime_value
  FROM v;
COMMENT ON VIEW retention.lifetime_value IS
	'per group: MRR per active customer x gross margin / average monthly churn rate of the last 12 complete months';
COMMENT ON COLUMN retention.lifetime_value.group_id IS 'the group';
COMMENT ON COLUMN retention.lifetime_value.group_name IS 'the group''s name';
COMMENT ON COLUMN retention.lifetime_value.group_kind IS 'onboarding or retention';
COMMENT ON COLUMN retention.lifetime_value.active_customers IS
	'customers with an active product in the group when the last complete month ended';
COMMENT ON COLUMN retention.lifetime_value.mrr IS 'MRR of the group''s active products when the last complete month ended';
COMMENT ON COLUMN retention.lifetime_value.mrr_per_customer IS 'mrr / active_customers; NULL without customers';
COMMENT ON COLUMN retention.lifetime_value.gross_margin IS 'the setting retention.gross_margin (1 when unset)';
COMMENT ON COLUMN retention.lifetime_value.months_measured IS
	'complete months of the last 12 that began with active products in the group (the churn rate''s months)';
COMMENT ON COLUMN retention.lifetime_value.monthly_churn_rate IS
	'the average of the monthly product churn rates (churned / active at start) over months_measured; NULL when none';
COMMENT ON COLUMN retention.lifetime_value.lifetime_value IS
	'mrr_per_customer x gross_margin / monthly_churn_rate (unrounded); NULL when nothing churned';

/*
 * The stage funnel per complete calendar month (the last 12): moves of
 * retention.products in [month, next month).  Days to onboard run from the
 * move into onboarding that the move to retention ends.
 */
CREATE VIEW retention.stage_funnel WITH (security_invoker = true) AS
WITH ms AS MATERIALIZED (
	SELECT retention.month_starts(12) AS a
), b AS (
	SELECT u.t AS ws, lead(u.t) OVER (ORDER BY u.t) AS we, u.k
	  FROM ms, pg_catalog.unnest(ms.a) WITH ORDINALITY u (t, k)
), h AS (
	SELECT x.product_id, x.from_stage, x.to_stage, x.reason, x.changed_at,
		   lag(x.changed_at) OVER w AS prev_at, lead(x.changed_at) OVER w AS next_at
	  FROM retention.stage_history x
	 WHERE x.table_name OPERATOR(pg_catalog.=) 'retention.products' AND x.product_id IS NOT NULL
	WINDOW w AS (PARTITION BY x.product_id ORDER BY x.changed_at, x.id)
), m AS (
	SELECT b.ws, h.*
	  FROM ms, h JOIN b ON b.we IS NOT NULL
	 WHERE b.k = pg_catalog.width_bucket(h.changed_at, ms.a)
), spans AS (
	SELECT pg_catalog.width_bucket(h.changed_at, ms.a) AS lo,
		   coalesce(pg_catalog.width_bucket(h.next_at, ms.a), pg_catalog.cardinality(ms.a)) AS hi,
		   count(*) AS products
	  FROM ms, h
	 WHERE h.to_stage = 'retention'
	 GROUP BY 1, 2
), in_ret AS (
	SELECT b.ws, sum(s.products)::bigint AS products
	  FROM b JOIN spans s ON s.lo < b.k AND b.k <= s.hi
	 WHERE b.we IS NOT NULL
	 GROUP BY b.ws
), months AS (
	SELECT b.ws,
		   count(DISTINCT m.product_id) FILTER (WHERE m.from_stage IS NULL AND m.to_stage = 'onboarding') AS entered,
		   count(DISTINCT m.product_id) FILTER (WHERE m.from_stage = 'onboarding' AND m.to_stage = 'retention') AS onboarded,
		   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM m.changed_at - m.prev_at)::float8)
			   FILTER (WHERE m.from_stage = 'onboarding' AND m.to_stage = 'retention') AS median_s,
		   percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM m.changed_at - m.prev_at)::float8)
			   FILTER (WHERE m.from_stage = 'onboarding' AND m.to_stage = 'retention') AS p90_s,
		   count(DISTINCT m.product_id) FILTER (WHERE m.from_stage = 'retention' AND m.to_stage = 'onboarding') AS recycled,
		   count(DISTINCT m.product_id) FILTER (WHERE m.from_stage IS NOT NULL AND m.to_stage = 'ineligible') AS ineligible,
		   count(DISTINCT m.product_id) FILTER (WHERE m.from_stage IS NULL AND m.to_stage = 'retention') AS skipped
	  FROM b LEFT JOIN m ON m.ws = b.ws
	 WHERE b.we IS NOT NULL
	 GROUP BY b.ws
), reasons AS (
	SELECT m.ws, coalesce(m.reason, '(none)') AS reason, count(DISTINCT m.product_id) AS ineligible
	  FROM m
	 WHERE m.from_stage IS NOT NULL AND m.to_stage = 'ineligible'
	 GROUP BY m.ws, coalesce(m.reason, '(none)')
)
SELECT (o.ws)::date AS month,
	   'month'::varchar(6) AS breakdown,
	   NULL::text AS ineligible_reason,
	   o.entered AS entered_onboarding,
	   o.onboarded,
	   round((o.median_s / 86400)::numeric, 2)::numeric(10, 2) AS median_days_to_onboard,
	   round((o.p90_s / 86400)::numeric, 2)::numeric(10, 2) AS p90_days_to_onboard,
	   o.recycled,
	   coalesce(r.products, 0) AS in_retention_at_start,
	   round(o.recycled::numeric / nullif(r.products, 0), 4)::numeric(7, 4) AS recycle_rate,
	   o.ineligible AS made_ineligible,
	   o.skipped AS skipped_onboarding
  FROM months o LEFT JOIN in_ret r ON r.ws = o.ws
UNION ALL
SELECT (x.ws)::date, 'reason'::varchar(6), x.reason, NULL::bigint, NULL::bigint, NULL::numeric(10, 2),
	   NULL::numeric(10, 2), NULL::bigint, NULL::bigint, NULL::numeric(7, 4), x.ineligible, NULL::bigint
  FROM reasons x;
COMMENT ON VIEW retention.stage_funnel IS
	'the lifecycle funnel in each of the last 12 complete calendar months: entries, onboarding, recycling, churn by reason';
COMMENT ON COLUMN retention.stage_funnel.month IS 'the first day of the month (session time zone)';
COMMENT ON COLUMN retention.stage_funnel.breakdown IS
	'month (one row per month, every column) or reason (one row per reason of moves to ineligible: made_ineligible only)';
COMMENT ON COLUMN retention.stage_funnel.ineligible_reason IS
	'for breakdown reason: the reason given for the moves to ineligible ((none) when none)';
COMMENT ON COLUMN retention.stage_funnel.entered_onboarding IS 'products that entered the lifecycle in onboarding';
COMMENT ON COLUMN retention.stage_funnel.onboarded IS 'products moved from onboarding to retention';
COMMENT ON COLUMN retention.stage_funnel.median_days_to_onboard IS
	'median days (elapsed time over 24 hours, so a DST change counts its hour) from entering onboarding to the move to retention, of the month''s onboarded products; NULL when none';
COMMENT ON COLUMN retention.stage_funnel.p90_days_to_onboard IS
	'90th percentile (interpolated) of the same days; NULL when none';
COMMENT ON COLUMN retention.stage_funnel.recycled IS 'products moved from retention back to onboarding';
COMMENT ON COLUMN retention.stage_funnel.in_retention_at_start IS 'products in retention when the month began';
COMMENT ON COLUMN retention.stage_funnel.recycle_rate IS 'recycled / in_retention_at_start; NULL when none were in retention';
COMMENT ON COLUMN retention.stage_funnel.made_ineligible IS
	'products moved to ineligible (for breakdown reason: with that reason)';
COMMENT ON COLUMN retention.stage_funnel.skipped_onboarding IS 'products that entered the lifecycle directly in retention';

GRANT SELECT ON retention.lifetime_value, retention.stage_funnel
	TO retention_admin, retention_rep, retention_analyst;

------------------------------------------------------------------------------
-- survival: survival curves, the log-rank test, initiatives
------------------------------------------------------------------------------

-- New in 0.2.0, as src/survival/survival.sql creates it
------------------------------------------------------------------------------
-- Survival: the survival type, its aggregates, Kaplan-Meier, log-rank
------------------------------------------------------------------------------

/*
 * retention.survival: the exact counts of events (churn) and censorings
 * (still a customer) at each distinct duration, sorted.  Text form
 * {time:events/censored,...}, e.g. {0:1/0,2.5:3/1,7:0/2}; {} counts no
 * subject.  Values can be large (one entry per distinct duration), so they
 * may be compressed and stored out of line.
 */
CREATE TYPE retention.survival;

CREATE FUNCTION retention.survival_in(cstring) RETURNS retention.survival
	AS 'MODULE_PATHNAME', 'survival_in'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survival_in(cstring) IS
	'text input of retention.survival: {time:events/censored,...}, times strictly increasing';

CREATE FUNCTION retention.survival_out(retention.survival) RETURNS cstring
	AS 'MODULE_PATHNAME', 'survival_out'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survival_out(retention.survival) IS
	'text output of retention.survival, durations in shortest round-trip form';

CREATE FUNCTION retention.survival_recv(internal) RETURNS retention.survival
	AS 'MODULE_PATHNAME', 'survival_recv'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survival_recv(internal) IS
	'binary input of retention.survival';

CREATE FUNCTION retention.survival_send(retention.survival) RETURNS bytea
	AS 'MODULE_PATHNAME', 'survival_send'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survival_send(retention.survival) IS
	'binary output of retention.survival';

CREATE TYPE retention.survival (
	INPUT = retention.survival_in,
	OUTPUT = retention.survival_out,
	RECEIVE = retention.survival_recv,
	SEND = retention.survival_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE retention.survival IS
	'a survival curve''s data: exact event and censoring counts per distinct duration; text form {time:events/censored,...}';

-- Accessors

CREATE FUNCTION retention.subjects(retention.survival) RETURNS bigint
	AS 'MODULE_PATHNAME', 'survival_subjects'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.subjects(retention.survival) IS
	'the number of subjects a survival value counts (events and censorings)';

CREATE FUNCTION retention.events(retention.survival) RETURNS bigint
	AS 'MODULE_PATHNAME', 'survival_events'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.events(retention.survival) IS
	'the number of events (churns) a survival value counts';

CREATE FUNCTION retention.distinct_times(retention.survival) RETURNS integer
	AS 'MODULE_PATHNAME', 'survival_distinct_times'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.distinct_times(retention.survival) IS
	'the number of distinct durations a survival value holds';

-- The aggregates: the state is the type itself (Citus two-phase)

CREATE FUNCTION retention.survival_accum(retention.survival, double precision, boolean)
	RETURNS retention.survival
	AS 'MODULE_PATHNAME', 'survival_accum'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention.survival_accum(retention.survival, double precision, boolean) IS
	'transition function of retention.survival(duration, event): counts one subject';

CREATE FUNCTION retention.survival_combine(retention.survival, retention.survival)
	RETURNS retention.survival
	AS 'MODULE_PATHNAME', 'survival_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention.survival_combine(retention.survival, retention.survival) IS
	'combine function of the survival aggregates: adds the counts of two values';

CREATE AGGREGATE retention.survival(duration double precision, event boolean) (
	SFUNC = retention.survival_accum,
	STYPE = retention.survival,
	COMBINEFUNC = retention.survival_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention.survival(double precision, boolean) IS
	'the survival value of the rows: event true is the event (churn), false a censoring; rows with a NULL are skipped';

CREATE AGGREGATE retention.merge(retention.survival) (
	SFUNC = retention.survival_combine,
	STYPE = retention.survival,
	COMBINEFUNC = retention.survival_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention.merge(retention.survival) IS
	'the survival value of all subjects of the values merged (exact)';

-- Kaplan-Meier and friends

CREATE FUNCTION retention.kaplan_meier(s retention.survival,
									   conf_level double precision DEFAULT 0.95)
	RETURNS TABLE ("time" double precision, n_risk bigint, n_event bigint,
				   n_censor bigint, surv double precision,
				   std_err double precision, lower double precision,
				   upper double precision)
	AS 'MODULE_PATHNAME', 'kaplan_meier'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION retention.kaplan_meier(retention.survival, double precision) IS
	'the Kaplan-Meier curve, one row per distinct duration, as R''s summary(survfit(..., conf.type = "log"), censored = TRUE): Greenwood standard error of S, "log" interval capped at 1, NULL where R gives NA';

CREATE FUNCTION retention.survival_median(s retention.survival,
										  conf_level double precision DEFAULT 0.95,
										  OUT median double precision,
										  OUT lower double precision,
										  OUT upper double precision)
	AS 'MODULE_PATHNAME', 'survival_median'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survival_median(retention.survival, double precision) IS
	'the median lifetime and its interval, as R''s quantile(fit, 0.5); NULL when not reached';

CREATE FUNCTION retention.survival_at(s retention.survival, t double precision)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'survival_at'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.survival_at(retention.survival, double precision) IS
	'the Kaplan-Meier estimate S(t): the share still surviving after time t';

CREATE FUNCTION retention.restricted_mean(s retention.survival, tau double precision)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'restricted_mean'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.restricted_mean(retention.survival, double precision) IS
	'the restricted mean lifetime up to tau (the area under the curve from 0 to tau), as R''s print(fit, rmean = tau)';

CREATE FUNCTION retention.logrank(curves retention.survival[],
								  OUT chisq double precision, OUT df integer,
								  OUT p double precision)
	AS 'MODULE_PATHNAME', 'logrank'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.logrank(retention.survival[]) IS
	'the log-rank test of the groups whose curves are given, as R''s survdiff (rho = 0): chi-square, degrees of freedom, p; a NULL curve is an empty group';

-- New in 0.2.0, as src/survival/survival_model.sql creates it
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
