/* src/common/common.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION retention" to load this file. \quit

/*
 * Conventions of this script (see STYLE.md):
 *  - every object schema-qualified, every SQL and PL/pgSQL function with a
 *    pinned search_path, plain CREATE;
 *  - tables that hold user data are registered with pg_extension_config_dump;
 *    configuration tables seeded here carry a "builtin" flag so that pg_dump
 *    keeps only what the user added or changed (see builtin_row_guard);
 *  - configuration tables send a cache invalidation on every change
 *    (config_changed), so each session's C caches stay current.
 */

-- Refuse to install into a schema that already holds objects: anything
-- planted there could capture the names this script and its functions use.
DO $guard$
BEGIN
	IF EXISTS (SELECT FROM pg_catalog.pg_class WHERE relnamespace = 'retention'::pg_catalog.regnamespace)
	   OR EXISTS (SELECT FROM pg_catalog.pg_proc WHERE pronamespace = 'retention'::pg_catalog.regnamespace)
	   OR EXISTS (SELECT FROM pg_catalog.pg_type WHERE typnamespace = 'retention'::pg_catalog.regnamespace)
	   OR EXISTS (SELECT FROM pg_catalog.pg_operator WHERE oprnamespace = 'retention'::pg_catalog.regnamespace)
	THEN
		RAISE EXCEPTION 'schema "retention" must be empty before CREATE EXTENSION retention'
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'Drop or rename the existing schema "retention" first.';
	END IF;
	-- A schema's owner may drop anything in it, so it must be ours.
	IF (SELECT n.nspowner FROM pg_catalog.pg_namespace n WHERE n.nspname = 'retention')
	   IS DISTINCT FROM (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = CURRENT_USER) THEN
		RAISE EXCEPTION 'schema "retention" must be owned by the role that creates the extension'
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'The owner of a schema can drop or replace every object in it.',
				  HINT = 'Drop the existing schema "retention", or change its owner first.';
	END IF;
END
$guard$;

-- Roles are cluster-wide and outlive the extension; create those missing.
DO $roles$
DECLARE
	r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['retention_admin', 'retention_rep', 'retention_analyst'] LOOP
		IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r) THEN
			EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
		END IF;
	END LOOP;
END
$roles$;

GRANT USAGE ON SCHEMA retention TO PUBLIC;

------------------------------------------------------------------------------
-- Shared trigger functions
------------------------------------------------------------------------------

CREATE FUNCTION retention.config_changed() RETURNS trigger
	AS 'MODULE_PATHNAME', 'config_changed'
	LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION retention.config_changed() IS
	'statement trigger: tells every session''s caches that a configuration table changed';

CREATE FUNCTION retention.append_only() RETURNS trigger
	AS 'MODULE_PATHNAME', 'append_only'
	LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION retention.append_only() IS
	'trigger: refuses UPDATE, DELETE and TRUNCATE on an append-only table';

/*
 * Seeded configuration rows are "builtin" and are not dumped by pg_dump (the
 * next CREATE EXTENSION seeds them again).  A user's change to one makes it
 * the user's own row, which pg_dump keeps; when such a row is restored, the
 * seeded row with the same key takes its values (an UPDATE in place, so that
 * no foreign key ever sees the key missing).
 *
 * A key that goes away (a row deleted, or a key changed) is written to
 * retention.config_deletions, which pg_dump keeps too; restoring that row
 * deletes the seeded row again, so a deleted default stays deleted.  A key
 * that comes back takes its record away.
 */
CREATE TABLE retention.config_deletions (
	table_name	text NOT NULL
				CONSTRAINT config_deletions_table CHECK (table_name IN
					('stages', 'transitions', 'measures', 'scorecards', 'scorecard_measures')),
	key			jsonb NOT NULL,
	deleted_at	timestamptz NOT NULL DEFAULT pg_catalog.now(),
	PRIMARY KEY (table_name, key)
);
COMMENT ON TABLE retention.config_deletions IS
	'keys of configuration rows that were deleted, so that a restore deletes their seeded rows again';
COMMENT ON COLUMN retention.config_deletions.table_name IS
	'the configuration table the row was deleted from (stages, transitions, measures, scorecards, scorecard_measures)';
COMMENT ON COLUMN retention.config_deletions.key IS
	'the deleted row''s key columns and values, as a JSON object';
COMMENT ON COLUMN retention.config_deletions.deleted_at IS 'when the row was deleted';

-- TG_ARGV holds the table's key columns.
CREATE FUNCTION retention.builtin_row_guard() RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	cond text := '';
	sets text;
	k text;
	n bigint;
	old_key jsonb;
	new_key jsonb;
BEGIN
	IF TG_OP <> 'INSERT' THEN
		SELECT jsonb_object_agg(a.k, to_jsonb(OLD) -> a.k) INTO old_key FROM unnest(TG_ARGV) a (k);
	END IF;
	IF TG_OP <> 'DELETE' THEN
		SELECT jsonb_object_agg(a.k, to_jsonb(NEW) -> a.k) INTO new_key FROM unnest(TG_ARGV) a (k);
	END IF;
	IF old_key IS DISTINCT FROM new_key THEN
		IF old_key IS NOT NULL THEN
			INSERT INTO retention.config_deletions (table_name, key)
			VALUES (TG_TABLE_NAME, old_key) ON CONFLICT DO NOTHING;
		END IF;
		IF new_key IS NOT NULL THEN
			DELETE FROM retention.config_deletions d
			 WHERE d.table_name = TG_TABLE_NAME AND d.key = new_key;
		END IF;
	END IF;
	IF TG_OP = 'DELETE' THEN
		RETURN OLD;
	END IF;

	NEW.builtin := false;
	IF TG_OP = 'INSERT' THEN
		FOREACH k IN ARRAY TG_ARGV LOOP
			cond := cond || format(' AND t.%1$I IS NOT DISTINCT FROM $1.%1$I', k);
		END LOOP;
		SELECT string_agg(format('%1$I = $1.%1$I', a.attname), ', ' ORDER BY a.attnum)
		  INTO sets
		  FROM pg_catalog.pg_attribute a
		 WHERE a.attrelid = TG_RELID AND a.attnum > 0 AND NOT a.attisdropped
		   AND a.attgenerated = '' AND a.attidentity <> 'a';
		-- The UPDATE fires this trigger again, which makes the row the user's.
		EXECUTE format('UPDATE %I.%I t SET %s WHERE t.builtin%s',
					   TG_TABLE_SCHEMA, TG_TABLE_NAME, sets, cond)
			USING NEW;
		GET DIAGNOSTICS n = ROW_COUNT;
		IF n > 0 THEN
			RETURN NULL;
		END IF;
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION retention.builtin_row_guard() IS
	'trigger: keeps seeded configuration rows, changed or deleted, as they are across pg_dump and restore';

/*
 * A deletion record written by anything but builtin_row_guard itself (a
 * restore, chiefly) deletes the seeded row it names.
 */
CREATE FUNCTION retention.config_deletion_apply() RETURNS trigger
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
COMMENT ON FUNCTION retention.config_deletion_apply() IS
	'trigger: a restored deletion record deletes the seeded row it names';

CREATE TRIGGER config_deletions_apply AFTER INSERT ON retention.config_deletions
	FOR EACH ROW WHEN (pg_catalog.pg_trigger_depth() < 1)
	EXECUTE FUNCTION retention.config_deletion_apply();


GRANT SELECT ON retention.config_deletions TO retention_admin, retention_analyst;
GRANT INSERT, DELETE ON retention.config_deletions TO retention_admin;

SELECT pg_catalog.pg_extension_config_dump('retention.config_deletions', '');
