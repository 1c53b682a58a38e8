/* sql/retention--0.1.0.sql */

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
BEGIN
	EXECUTE format('DELETE FROM retention.%I t WHERE t.builtin AND to_jsonb(t) @> $1',
				   NEW.table_name)
		USING NEW.key;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION retention.config_deletion_apply() IS
	'trigger: a restored deletion record deletes the seeded row it names';

CREATE TRIGGER config_deletions_apply AFTER INSERT ON retention.config_deletions
	FOR EACH ROW WHEN (pg_catalog.pg_trigger_depth() < 1)
	EXECUTE FUNCTION retention.config_deletion_apply();

------------------------------------------------------------------------------
-- Lifecycle: stages and the legal moves between them
------------------------------------------------------------------------------

CREATE TABLE retention.stages (
	name		text PRIMARY KEY
				CONSTRAINT stages_name_format CHECK (name ~ '^[a-z][a-z0-9_]*$' AND length(name) <= 63),
	description text,
	builtin		boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE retention.stages IS 'the stages of a product''s lifecycle';

CREATE TABLE retention.transitions (
	from_stage	text REFERENCES retention.stages (name),
	to_stage	text NOT NULL REFERENCES retention.stages (name),
	reason_required boolean NOT NULL DEFAULT false,
	builtin		boolean NOT NULL DEFAULT false,
	CONSTRAINT transitions_unique UNIQUE NULLS NOT DISTINCT (from_stage, to_stage),
	CONSTRAINT transitions_not_to_self CHECK (from_stage IS DISTINCT FROM to_stage)
);
COMMENT ON TABLE retention.transitions IS
	'the legal stage moves; from_stage NULL is a new product entering the lifecycle';

INSERT INTO retention.stages (name, description, builtin) VALUES
	('onboarding', 'setup, configuration and training', true),
	('retention', 'in use; watched for health and growth', true),
	('ineligible', 'contract terminated, churned or otherwise out', true);

INSERT INTO retention.transitions (from_stage, to_stage, reason_required, builtin) VALUES
	(NULL, 'onboarding', false, true),
	(NULL, 'retention', false, true),
	('onboarding', 'retention', false, true),
	('retention', 'onboarding', true, true),
	('retention', 'ineligible', true, true);

------------------------------------------------------------------------------
-- Deals, reps, groups, products
------------------------------------------------------------------------------

CREATE TABLE retention.deals (
	id			bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	customer	text NOT NULL,
	name		text NOT NULL,
	amount		numeric(14, 2) CONSTRAINT deals_amount_nonnegative CHECK (amount >= 0),
	closed_on	date NOT NULL,
	owner		text,
	details		jsonb NOT NULL DEFAULT '{}',
	created_at	timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE retention.deals IS
	'won deals: the original sale each product comes from, with what was agreed (details)';

CREATE TABLE retention.reps (
	id			bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	name		text NOT NULL,
	email		text,
	role_name	text NOT NULL UNIQUE
);
COMMENT ON TABLE retention.reps IS
	'retention and onboarding reps; role_name is the database role the rep logs in as';

CREATE TABLE retention.groups (
	id			bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	name		text NOT NULL UNIQUE,
	kind		text NOT NULL CONSTRAINT groups_kind CHECK (kind IN ('onboarding', 'retention')),
	product_types text[] NOT NULL DEFAULT '{}',
	rep_id		bigint REFERENCES retention.reps (id),
	CONSTRAINT groups_retention_has_rep CHECK (kind <> 'retention' OR rep_id IS NOT NULL)
);
COMMENT ON TABLE retention.groups IS
	'onboarding and retention groups; products entering a stage are placed by product_types';

CREATE TABLE retention.products (
	id			bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	deal_id		bigint NOT NULL REFERENCES retention.deals (id),
	customer	text,
	product_type text NOT NULL,
	mrr			numeric(14, 2) CONSTRAINT products_mrr_nonnegative CHECK (mrr >= 0),
	stage		text NOT NULL DEFAULT 'onboarding' REFERENCES retention.stages (name),
	stage_reason text,
	group_id	bigint REFERENCES retention.groups (id),
	stage_entered_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	created_at	timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE retention.products IS
	'what customers bought, each tied for good to its deal, moving through the stages';
COMMENT ON COLUMN retention.products.stage_reason IS
	'why the product entered its current stage; set it in the statement that moves it';
COMMENT ON COLUMN retention.products.mrr IS 'monthly recurring revenue';

CREATE INDEX products_group_id_idx ON retention.products (group_id);
CREATE INDEX products_deal_id_idx ON retention.products (deal_id);
CREATE INDEX products_stage_idx ON retention.products (stage);

CREATE TABLE retention.stage_history (
	id			bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	table_name	regclass NOT NULL,
	product_id	bigint,
	row_key		text,
	from_stage	text,
	to_stage	text NOT NULL,
	reason		text,
	changed_by	text NOT NULL DEFAULT session_user,
	acting_role text,
	changed_at	timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE retention.stage_history IS
	'append-only record of every stage move: who (session user), when, from, to, why';
COMMENT ON COLUMN retention.stage_history.product_id IS
	'the row''s key when it is an integer: the product id for retention.products';
COMMENT ON COLUMN retention.stage_history.acting_role IS
	'the role in effect (current_user) when the move was made';

CREATE INDEX stage_history_product_idx ON retention.stage_history (product_id, changed_at);
CREATE INDEX stage_history_changed_at_idx ON retention.stage_history (changed_at);

------------------------------------------------------------------------------
-- Enforcement
------------------------------------------------------------------------------

CREATE FUNCTION retention.stage_guard() RETURNS trigger
	AS 'MODULE_PATHNAME', 'stage_guard'
	LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION retention.stage_guard() IS
	'trigger enforcing retention.transitions and writing retention.stage_history; arguments: stage column, key column, reason column, entered-at column';

CREATE FUNCTION retention.place_in_group() RETURNS trigger
	AS 'MODULE_PATHNAME', 'place_in_group'
	LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION retention.place_in_group() IS
	'trigger placing a product entering onboarding or retention in the group that takes its product type';

-- BEFORE triggers fire in name order: the move is checked (products_stage_guard)
-- before the product is placed (products_stage_placement), so that an illegal
-- move is reported as such and not as a missing group.
CREATE TRIGGER products_stage_guard
	BEFORE UPDATE OF stage, stage_reason ON retention.products
	FOR EACH ROW EXECUTE FUNCTION retention.stage_guard('stage', 'id', 'stage_reason', 'stage_entered_at');
CREATE TRIGGER products_stage_placement
	BEFORE INSERT OR UPDATE OF stage, group_id ON retention.products
	FOR EACH ROW EXECUTE FUNCTION retention.place_in_group();
CREATE TRIGGER products_stage_history
	AFTER INSERT OR UPDATE OF stage ON retention.products
	FOR EACH ROW EXECUTE FUNCTION retention.stage_guard('stage', 'id', 'stage_reason', 'stage_entered_at');

CREATE FUNCTION retention.deal_is_permanent() RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF NEW.deal_id IS DISTINCT FROM OLD.deal_id THEN
		RAISE EXCEPTION 'cannot change the deal of product %', OLD.id
			USING ERRCODE = 'RT004',
				  DETAIL = 'A product keeps a permanent link to the deal it came from.',
				  HINT = 'Create a new product for the new deal.';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION retention.deal_is_permanent() IS
	'trigger: a product''s deal_id never changes';

-- A group's kind is what placement relies on: it cannot change under products.
CREATE FUNCTION retention.group_kind_is_stable() RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF NEW.kind IS DISTINCT FROM OLD.kind
	   AND EXISTS (SELECT FROM retention.products p WHERE p.group_id = OLD.id) THEN
		RAISE EXCEPTION 'cannot change the kind of group "%" while it holds products', OLD.name
			USING ERRCODE = 'RT003',
				  DETAIL = format('Group "%s" is of kind "%s" and products are placed in it for that.',
								  OLD.name, OLD.kind),
				  HINT = 'Create a group of the new kind and move the products there.';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION retention.group_kind_is_stable() IS
	'trigger: a group that holds products keeps its kind';

CREATE TRIGGER groups_kind_is_stable
	BEFORE UPDATE OF kind ON retention.groups
	FOR EACH ROW EXECUTE FUNCTION retention.group_kind_is_stable();

CREATE TRIGGER products_deal_is_permanent
	BEFORE UPDATE OF deal_id ON retention.products
	FOR EACH ROW EXECUTE FUNCTION retention.deal_is_permanent();

CREATE TRIGGER stage_history_append_only
	BEFORE UPDATE OR DELETE ON retention.stage_history
	FOR EACH ROW EXECUTE FUNCTION retention.append_only();
CREATE TRIGGER stage_history_no_truncate
	BEFORE TRUNCATE ON retention.stage_history
	FOR EACH STATEMENT EXECUTE FUNCTION retention.append_only();

CREATE TRIGGER stages_builtin BEFORE INSERT OR UPDATE OR DELETE ON retention.stages
	FOR EACH ROW EXECUTE FUNCTION retention.builtin_row_guard('name');
CREATE TRIGGER transitions_builtin BEFORE INSERT OR UPDATE OR DELETE ON retention.transitions
	FOR EACH ROW EXECUTE FUNCTION retention.builtin_row_guard('from_stage', 'to_stage');

CREATE TRIGGER transitions_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON retention.transitions
	FOR EACH STATEMENT EXECUTE FUNCTION retention.config_changed();
CREATE TRIGGER groups_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON retention.groups
	FOR EACH STATEMENT EXECUTE FUNCTION retention.config_changed();

-- Attach enforcement to a table of the user's own.
CREATE FUNCTION retention.enforce_stages(
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
	args text := format('%L, %L, %L, %L', stage_column, coalesce(key_column, ''),
						coalesce(reason_column, ''), coalesce(entered_at_column, ''));
	tname text := (SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = target);
	col name;
	coltype regtype;
BEGIN
	-- Check the columns now rather than at the table's first write.
	FOREACH col IN ARRAY ARRAY[stage_column, key_column, reason_column, entered_at_column] LOOP
		CONTINUE WHEN col IS NULL;
		SELECT a.atttypid INTO coltype
		  FROM pg_catalog.pg_attribute a
		 WHERE a.attrelid = target AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped;
		IF NOT FOUND THEN
			RAISE EXCEPTION 'column "%" of relation "%" does not exist', col, tname
				USING ERRCODE = 'undefined_column';
		END IF;
		IF col = entered_at_column AND coltype <> 'timestamptz'::regtype THEN
			RAISE EXCEPTION 'column "%" of relation "%" must be of type timestamp with time zone', col, tname
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
		RAISE EXCEPTION 'table "%" is partitioned by its stage column "%"', tname, stage_column
			USING ERRCODE = 'feature_not_supported',
				  DETAIL = 'A move would take a row to another partition, where it arrives as a new row.',
				  HINT = 'Partition the table by another column.';
	END IF;

	-- The reason column too: it changes only with a move.
	EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OF %s ON %s FOR EACH ROW'
				   ' EXECUTE FUNCTION retention.stage_guard(%s)',
				   tname || '_stage_guard',
				   concat_ws(', ', quote_ident(stage_column), quote_ident(reason_column)),
				   target, args);
	EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OF %I ON %s FOR EACH ROW'
				   ' EXECUTE FUNCTION retention.stage_guard(%s)',
				   tname || '_stage_history', stage_column, target, args);
END
$$;
COMMENT ON FUNCTION retention.enforce_stages(regclass, name, name, name, name) IS
	'attaches the stage_guard triggers to a table of your own';

------------------------------------------------------------------------------
-- Moves and look-ups
------------------------------------------------------------------------------

CREATE FUNCTION retention.move(product bigint, to_stage text, reason text DEFAULT NULL)
	RETURNS retention.products
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	moved retention.products;
BEGIN
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
COMMENT ON FUNCTION retention.move(bigint, text, text) IS
	'moves a product to a stage, with a reason where the rule asks for one';

CREATE FUNCTION retention.recycle(product bigint, reason text)
	RETURNS retention.products
	LANGUAGE sql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	RETURN retention.move(product, 'onboarding', reason);
COMMENT ON FUNCTION retention.recycle(bigint, text) IS
	'sends a product in retention back to onboarding (more training or configuration)';

CREATE FUNCTION retention.make_ineligible(product bigint, reason text)
	RETURNS retention.products
	LANGUAGE sql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	RETURN retention.move(product, 'ineligible', reason);
COMMENT ON FUNCTION retention.make_ineligible(bigint, text) IS
	'takes a product out of retention: contract terminated, churned or other reason';

CREATE FUNCTION retention.original_deal(product bigint)
	RETURNS retention.deals
	LANGUAGE sql STABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	BEGIN ATOMIC
		SELECT d.*
		  FROM retention.deals d
		  JOIN retention.products p ON p.deal_id = d.id
		 WHERE p.id = original_deal.product;
	END;
COMMENT ON FUNCTION retention.original_deal(bigint) IS
	'the deal a product came from, with its customer and the details agreed in the sale';

CREATE FUNCTION retention.next_stages(product bigint)
	RETURNS TABLE (to_stage text, reason_required boolean)
	LANGUAGE sql STABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	BEGIN ATOMIC
		SELECT t.to_stage, t.reason_required
		  FROM retention.products p
		  JOIN retention.transitions t ON t.from_stage = p.stage
		 WHERE p.id = next_stages.product
		 ORDER BY t.to_stage;
	END;
COMMENT ON FUNCTION retention.next_stages(bigint) IS
	'the stages a product may move to next, and whether each move needs a reason';

CREATE VIEW retention.product_overview WITH (security_invoker = true) AS
SELECT p.id AS product_id,
	   coalesce(p.customer, d.customer) AS customer,
	   p.product_type,
	   p.stage,
	   (CURRENT_DATE - (p.stage_entered_at)::date) AS days_in_stage,
	   g.name AS group_name,
	   g.kind AS group_kind,
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

------------------------------------------------------------------------------
-- Access: roles and row-level security
------------------------------------------------------------------------------

-- The groups whose rep is the current user.  SECURITY INVOKER on purpose:
-- inside a SECURITY DEFINER function CURRENT_USER is the function's owner, so
-- every rep would see no group at all.  Reps can read groups and reps.
CREATE FUNCTION retention.my_group_ids()
	RETURNS SETOF bigint
	LANGUAGE sql STABLE PARALLEL SAFE SECURITY INVOKER
	SET search_path = pg_catalog, pg_temp
	BEGIN ATOMIC
		SELECT g.id
		  FROM retention.groups g
		  JOIN retention.reps r ON r.id = g.rep_id
		 WHERE r.role_name = CURRENT_USER;
	END;
COMMENT ON FUNCTION retention.my_group_ids() IS
	'the ids of the groups whose rep logs in as the current user';

CREATE FUNCTION retention.handed_over(product bigint)
	RETURNS boolean
	AS 'MODULE_PATHNAME', 'handed_over'
	LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION retention.handed_over(bigint) IS
	'whether the current role moved this product into another group in this transaction';

ALTER TABLE retention.products ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention.products FORCE ROW LEVEL SECURITY;
ALTER TABLE retention.deals ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention.deals FORCE ROW LEVEL SECURITY;
ALTER TABLE retention.stage_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention.stage_history FORCE ROW LEVEL SECURITY;

CREATE POLICY products_admin ON retention.products TO retention_admin USING (true) WITH CHECK (true);
CREATE POLICY products_analyst ON retention.products FOR SELECT TO retention_analyst USING (true);
-- A rep may move a product on into another group (onboarding -> retention
-- hands it over); reps can update only stage and stage_reason.  The new row
-- of an UPDATE must also pass the SELECT policy, hence handed_over(id).
CREATE POLICY products_rep_read ON retention.products FOR SELECT TO retention_rep
	USING (group_id IN (SELECT retention.my_group_ids()) OR retention.handed_over(id));
CREATE POLICY products_rep_update ON retention.products FOR UPDATE TO retention_rep
	USING (group_id IN (SELECT retention.my_group_ids())) WITH CHECK (true);

CREATE POLICY deals_admin ON retention.deals TO retention_admin USING (true) WITH CHECK (true);
CREATE POLICY deals_analyst ON retention.deals FOR SELECT TO retention_analyst USING (true);
CREATE POLICY deals_rep_read ON retention.deals FOR SELECT TO retention_rep
	USING (id IN (SELECT p.deal_id FROM retention.products p));

CREATE POLICY stage_history_admin ON retention.stage_history FOR SELECT TO retention_admin USING (true);
CREATE POLICY stage_history_analyst ON retention.stage_history FOR SELECT TO retention_analyst USING (true);
CREATE POLICY stage_history_rep_read ON retention.stage_history FOR SELECT TO retention_rep
	USING (table_name = 'retention.products'::regclass
		   AND product_id IN (SELECT p.id FROM retention.products p));

GRANT SELECT ON retention.stages, retention.transitions, retention.groups, retention.reps,
	retention.deals, retention.products, retention.stage_history, retention.product_overview
	TO retention_admin, retention_rep, retention_analyst;
GRANT INSERT, UPDATE, DELETE ON retention.stages, retention.transitions, retention.groups,
	retention.reps, retention.deals, retention.products TO retention_admin;
GRANT UPDATE (stage, stage_reason) ON retention.products TO retention_rep;
GRANT SELECT ON retention.config_deletions TO retention_admin, retention_analyst;
GRANT INSERT, DELETE ON retention.config_deletions TO retention_admin;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA retention TO retention_admin;

------------------------------------------------------------------------------
-- pg_dump: user data and the user's configuration
------------------------------------------------------------------------------

SELECT pg_catalog.pg_extension_config_dump('retention.config_deletions', '');
SELECT pg_catalog.pg_extension_config_dump('retention.stages', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('retention.transitions', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('retention.deals', '');
SELECT pg_catalog.pg_extension_config_dump('retention.reps', '');
SELECT pg_catalog.pg_extension_config_dump('retention.groups', '');
SELECT pg_catalog.pg_extension_config_dump('retention.products', '');
SELECT pg_catalog.pg_extension_config_dump('retention.stage_history', '');
SELECT pg_catalog.pg_extension_config_dump('retention.deals_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('retention.reps_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('retention.groups_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('retention.products_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('retention.stage_history_id_seq', '');

------------------------------------------------------------------------------
-- Health scoring
------------------------------------------------------------------------------
-- (health section: measures, scorecards, observations, the health type and
-- its aggregates; added below this line)

-- @@ health type: retention.health, its I/O, operators, opclasses, accessors, casts @@
/*
 * retention.health: a product's health score (0-100), its band, the share of
 * the scorecard's weight that had data (coverage) and the measure that costs
 * the score most.  Text form: (score,band,coverage,weakest), e.g.
 * (69.5,yellow,1,usage), or (100,green,1,) when no measure is weakest.
 *
 * STORAGE = plain: a value is at most 88 bytes (4 header, 4 version/band/
 * padding, two float8s, a measure name of at most 63 bytes and its NUL), so
 * compression or an out-of-line copy could never pay; plain also keeps the
 * 4-byte header, so a value read from a tuple is aligned and used in place
 * instead of being copied out of a 1-byte-header form on every read.
 */
CREATE TYPE retention.health;

CREATE FUNCTION retention.health_in(cstring) RETURNS retention.health
	AS 'MODULE_PATHNAME', 'health_in'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.health_in(cstring) IS
	'text input of retention.health: (score,band,coverage,weakest)';

CREATE FUNCTION retention.health_out(retention.health) RETURNS cstring
	AS 'MODULE_PATHNAME', 'health_out'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.health_out(retention.health) IS
	'text output of retention.health, numbers in shortest round-trip form';

CREATE FUNCTION retention.health_recv(internal) RETURNS retention.health
	AS 'MODULE_PATHNAME', 'health_recv'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.health_recv(internal) IS
	'binary input of retention.health';

CREATE FUNCTION retention.health_send(retention.health) RETURNS bytea
	AS 'MODULE_PATHNAME', 'health_send'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.health_send(retention.health) IS
	'binary output of retention.health';

CREATE TYPE retention.health (
	INPUT = retention.health_in,
	OUTPUT = retention.health_out,
	RECEIVE = retention.health_recv,
	SEND = retention.health_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = plain
);
COMMENT ON TYPE retention.health IS
	'a product''s health: score 0-100, band (red, yellow, green), coverage 0-1 and weakest measure; text form (score,band,coverage,weakest)';

-- Constructor and accessors

CREATE FUNCTION retention.make_health(score double precision, band text,
									  coverage double precision DEFAULT 1,
									  weakest_measure text DEFAULT NULL)
	RETURNS retention.health
	AS 'MODULE_PATHNAME', 'health_make'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention.make_health(double precision, text, double precision, text) IS
	'builds a health value; NULL score, band or coverage gives NULL, a NULL weakest measure means none';

CREATE FUNCTION retention.score(retention.health) RETURNS double precision
	AS 'MODULE_PATHNAME', 'health_score'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.score(retention.health) IS
	'the health score, 0 to 100';

CREATE FUNCTION retention.band(retention.health) RETURNS text
	AS 'MODULE_PATHNAME', 'health_band'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.band(retention.health) IS
	'the health band: red, yellow or green';

CREATE FUNCTION retention.coverage(retention.health) RETURNS double precision
	AS 'MODULE_PATHNAME', 'health_coverage'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.coverage(retention.health) IS
	'the share of the scorecard''s weight that had data, 0 to 1';

CREATE FUNCTION retention.weakest_measure(retention.health) RETURNS text
	AS 'MODULE_PATHNAME', 'health_weakest_measure'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.weakest_measure(retention.health) IS
	'the measure that costs the score most, or NULL if none does';

CREATE FUNCTION retention.health_score_numeric(retention.health) RETURNS numeric
	AS 'MODULE_PATHNAME', 'health_score_numeric'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.health_score_numeric(retention.health) IS
	'the health score as numeric, with the digits the text form shows (cast function)';

CREATE CAST (retention.health AS double precision)
	WITH FUNCTION retention.score(retention.health);
COMMENT ON CAST (retention.health AS double precision) IS
	'the health score';

CREATE CAST (retention.health AS numeric)
	WITH FUNCTION retention.health_score_numeric(retention.health);
COMMENT ON CAST (retention.health AS numeric) IS
	'the health score';

-- Comparison: by score, then band, then coverage, then weakest measure

CREATE FUNCTION retention.health_lt(retention.health, retention.health) RETURNS boolean
	AS 'MODULE_PATHNAME', 'health_lt'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION retention.health_lt(retention.health, retention.health) IS
	'implementation of < for retention.health';

CREATE FUNCTION retention.health_le(retention.health, retention.health) RETURNS boolean
	AS 'MODULE_PATHNAME', 'health_le'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION retention.health_le(retention.health, retention.health) IS
	'implementation of <= for retention.health';

CREATE FUNCTION retention.health_eq(retention.health, retention.health) RETURNS boolean
	AS 'MODULE_PATHNAME', 'health_eq'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION retention.health_eq(retention.health, retention.health) IS
	'implementation of = for retention.health';

CREATE FUNCTION retention.health_ne(retention.health, retention.health) RETURNS boolean
	AS 'MODULE_PATHNAME', 'health_ne'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION retention.health_ne(retention.health, retention.health) IS
	'implementation of <> for retention.health';

CREATE FUNCTION retention.health_ge(retention.health, retention.health) RETURNS boolean
	AS 'MODULE_PATHNAME', 'health_ge'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION retention.health_ge(retention.health, retention.health) IS
	'implementation of >= for retention.health';

CREATE FUNCTION retention.health_gt(retention.health, retention.health) RETURNS boolean
	AS 'MODULE_PATHNAME', 'health_gt'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION retention.health_gt(retention.health, retention.health) IS
	'implementation of > for retention.health';

CREATE FUNCTION retention.health_cmp(retention.health, retention.health) RETURNS integer
	AS 'MODULE_PATHNAME', 'health_cmp'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION retention.health_cmp(retention.health, retention.health) IS
	'three-way comparison of retention.health values (btree support)';

CREATE FUNCTION retention.health_hash(retention.health) RETURNS integer
	AS 'MODULE_PATHNAME', 'health_hash'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION retention.health_hash(retention.health) IS
	'hash of a retention.health value (hash support)';

CREATE FUNCTION retention.health_hash_extended(retention.health, bigint) RETURNS bigint
	AS 'MODULE_PATHNAME', 'health_hash_extended'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION retention.health_hash_extended(retention.health, bigint) IS
	'seeded 64-bit hash of a retention.health value (hash support)';

CREATE OPERATOR retention.< (
	LEFTARG = retention.health, RIGHTARG = retention.health,
	FUNCTION = retention.health_lt,
	COMMUTATOR = OPERATOR(retention.>), NEGATOR = OPERATOR(retention.>=),
	RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel
);
COMMENT ON OPERATOR retention.< (retention.health, retention.health) IS 'less than';

CREATE OPERATOR retention.<= (
	LEFTARG = retention.health, RIGHTARG = retention.health,
	FUNCTION = retention.health_le,
	COMMUTATOR = OPERATOR(retention.>=), NEGATOR = OPERATOR(retention.>),
	RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel
);
COMMENT ON OPERATOR retention.<= (retention.health, retention.health) IS 'less than or equal';

CREATE OPERATOR retention.= (
	LEFTARG = retention.health, RIGHTARG = retention.health,
	FUNCTION = retention.health_eq,
	COMMUTATOR = OPERATOR(retention.=), NEGATOR = OPERATOR(retention.<>),
	RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel,
	HASHES, MERGES
);
COMMENT ON OPERATOR retention.= (retention.health, retention.health) IS 'equal';

CREATE OPERATOR retention.<> (
	LEFTARG = retention.health, RIGHTARG = retention.health,
	FUNCTION = retention.health_ne,
	COMMUTATOR = OPERATOR(retention.<>), NEGATOR = OPERATOR(retention.=),
	RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
COMMENT ON OPERATOR retention.<> (retention.health, retention.health) IS 'not equal';

CREATE OPERATOR retention.>= (
	LEFTARG = retention.health, RIGHTARG = retention.health,
	FUNCTION = retention.health_ge,
	COMMUTATOR = OPERATOR(retention.<=), NEGATOR = OPERATOR(retention.<),
	RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel
);
COMMENT ON OPERATOR retention.>= (retention.health, retention.health) IS 'greater than or equal';

CREATE OPERATOR retention.> (
	LEFTARG = retention.health, RIGHTARG = retention.health,
	FUNCTION = retention.health_gt,
	COMMUTATOR = OPERATOR(retention.<), NEGATOR = OPERATOR(retention.<=),
	RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel
);
COMMENT ON OPERATOR retention.> (retention.health, retention.health) IS 'greater than';

CREATE OPERATOR CLASS retention.health_ops
	DEFAULT FOR TYPE retention.health USING btree AS
		OPERATOR 1 retention.<,
		OPERATOR 2 retention.<=,
		OPERATOR 3 retention.=,
		OPERATOR 4 retention.>=,
		OPERATOR 5 retention.>,
		FUNCTION 1 retention.health_cmp(retention.health, retention.health);
COMMENT ON OPERATOR FAMILY retention.health_ops USING btree IS
	'btree operators of retention.health';
COMMENT ON OPERATOR CLASS retention.health_ops USING btree IS
	'default btree operator class of retention.health';

CREATE OPERATOR CLASS retention.health_ops
	DEFAULT FOR TYPE retention.health USING hash AS
		OPERATOR 1 retention.=,
		FUNCTION 1 retention.health_hash(retention.health),
		FUNCTION 2 retention.health_hash_extended(retention.health, bigint);
COMMENT ON OPERATOR FAMILY retention.health_ops USING hash IS
	'hash operators of retention.health';
COMMENT ON OPERATOR CLASS retention.health_ops USING hash IS
	'default hash operator class of retention.health';

-- min and max

CREATE FUNCTION retention.health_smaller(retention.health, retention.health)
	RETURNS retention.health
	AS 'MODULE_PATHNAME', 'health_smaller'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.health_smaller(retention.health, retention.health) IS
	'the smaller of two health values (transition function of min)';

CREATE FUNCTION retention.health_larger(retention.health, retention.health)
	RETURNS retention.health
	AS 'MODULE_PATHNAME', 'health_larger'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention.health_larger(retention.health, retention.health) IS
	'the larger of two health values (transition function of max)';

CREATE AGGREGATE retention.min(retention.health) (
	SFUNC = retention.health_smaller,
	STYPE = retention.health,
	COMBINEFUNC = retention.health_smaller,
	SORTOP = OPERATOR(retention.<),
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention.min(retention.health) IS
	'the smallest health value (by score, then band, coverage, weakest measure)';

CREATE AGGREGATE retention.max(retention.health) (
	SFUNC = retention.health_larger,
	STYPE = retention.health,
	COMBINEFUNC = retention.health_larger,
	SORTOP = OPERATOR(retention.>),
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention.max(retention.health) IS
	'the largest health value (by score, then band, coverage, weakest measure)';

-- @@ health configuration: measures, scorecards, observations, and the health aggregate @@
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
				CONSTRAINT observations_value_finite CHECK (value NOT IN ('Infinity', '-Infinity', 'NaN'))
) PARTITION BY RANGE (observed_at);
-- Everything lands here until you add partitions by time (see README).
CREATE TABLE retention.observations_default PARTITION OF retention.observations DEFAULT;
COMMENT ON TABLE retention.observations_default IS
	'the observations no partition by time takes (all of them, until you add partitions)';
COMMENT ON TABLE retention.observations IS
	'observed values of health measures per product (usage, survey answers, tickets...)';
COMMENT ON COLUMN retention.observations.value IS
	'the observed value; may be NULL for measures that only count rows';

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


-- @@ health over time: overrides, snapshots, alerts, views @@

/*
 * Overrides: an admin may set a product's health by hand for a while.  The
 * views show both the override and the computed score.
 */
CREATE TABLE retention.health_overrides (
	product_id	bigint PRIMARY KEY REFERENCES retention.products (id) ON DELETE CASCADE,
	score		float8 NOT NULL
				CONSTRAINT health_overrides_score_range CHECK (score >= 0 AND score <= 100),
	reason		text NOT NULL
				CONSTRAINT health_overrides_reason_given CHECK (pg_catalog.btrim(reason) <> ''),
	expires_at	timestamptz NOT NULL,
	set_by		text NOT NULL DEFAULT session_user,
	set_at		timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE retention.health_overrides IS
	'hand-set health scores, each with a reason, in force until expires_at';

CREATE FUNCTION retention.override_health(product bigint, score float8, reason text,
										  expires_at timestamptz)
	RETURNS retention.health_overrides
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	result retention.health_overrides;
BEGIN
	IF NOT (score >= 0 AND score <= 100) THEN
		RAISE EXCEPTION 'health score % is out of range', score
			USING ERRCODE = 'numeric_value_out_of_range',
				  HINT = 'A health score is between 0 and 100.';
	END IF;
	IF reason IS NULL OR btrim(reason) = '' THEN
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
	-- No SET search_path: the body is parsed once, at creation, so the path
	-- cannot change it, and without SET the planner can inline the function
	-- and push a caller's product filter into it.
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

CREATE FUNCTION retention.snapshot_health(as_of date)
	RETURNS integer
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	day_end timestamptz := (as_of + 1)::timestamptz;
	added_ids bigint[];
	alert record;
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
	FOR alert IN
		SELECT s.product_id, prev.score AS old_score, s.score AS new_score,
			   prev.band AS old_band, s.band AS new_band,
			   CASE WHEN s.band = 'red' AND prev.band IS DISTINCT FROM 'red' THEN 'turned_red'
					ELSE 'dropped' END AS kind
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
	LOOP
		PERFORM pg_notify('retention_health_alert',
						  json_build_object('product_id', alert.product_id,
											'as_of', as_of,
											'kind', alert.kind,
											'old_score', alert.old_score,
											'new_score', alert.new_score,
											'old_band', alert.old_band,
											'new_band', alert.new_band)::text);
	END LOOP;

	RETURN cardinality(added_ids);
END
$$;
COMMENT ON FUNCTION retention.snapshot_health(date) IS
	'records every product''s health for a day (idempotent) and NOTIFYs retention_health_alert on drops';

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
