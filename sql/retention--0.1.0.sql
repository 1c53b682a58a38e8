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
 * seeded row with the same key gives way to it.  Seeded rows cannot be
 * deleted, since a restore would bring them back.
 * TG_ARGV holds the table's key columns.
 */
CREATE FUNCTION retention.builtin_row_guard() RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	cond text := '';
	k text;
BEGIN
	IF TG_OP = 'DELETE' THEN
		IF OLD.builtin THEN
			RAISE EXCEPTION 'cannot delete built-in row of table "%"', TG_TABLE_NAME
				USING ERRCODE = 'RT005',
					  DETAIL = 'Built-in rows are part of the extension and come back with every restore.',
					  HINT = 'Change the row instead; the changed row becomes yours.';
		END IF;
		RETURN OLD;
	END IF;

	NEW.builtin := false;
	IF TG_OP = 'INSERT' THEN
		FOREACH k IN ARRAY TG_ARGV LOOP
			cond := cond || format(' AND t.%1$I IS NOT DISTINCT FROM $1.%1$I', k);
		END LOOP;
		EXECUTE format('DELETE FROM %I.%I t WHERE t.builtin%s', TG_TABLE_SCHEMA, TG_TABLE_NAME, cond)
			USING NEW;
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION retention.builtin_row_guard() IS
	'trigger: keeps seeded configuration rows safe across pg_dump and restore';

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

CREATE TRIGGER products_place_in_group
	BEFORE INSERT OR UPDATE OF stage, group_id ON retention.products
	FOR EACH ROW EXECUTE FUNCTION retention.place_in_group();
CREATE TRIGGER products_stage_guard
	BEFORE UPDATE OF stage ON retention.products
	FOR EACH ROW EXECUTE FUNCTION retention.stage_guard('stage', 'id', 'stage_reason', 'stage_entered_at');
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
	args text := format('%L, %L, %L, %L', stage_column, key_column,
						coalesce(reason_column, ''), coalesce(entered_at_column, ''));
	tname text := (SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = target);
BEGIN
	EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OF %I ON %s FOR EACH ROW'
				   ' EXECUTE FUNCTION retention.stage_guard(%s)',
				   tname || '_stage_guard', stage_column, target, args);
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

-- The groups whose rep is the current user.  SECURITY DEFINER so that the
-- policies below need no privileges of their own on groups and reps.
CREATE FUNCTION retention.my_group_ids()
	RETURNS SETOF bigint
	LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	BEGIN ATOMIC
		SELECT g.id
		  FROM retention.groups g
		  JOIN retention.reps r ON r.id = g.rep_id
		 WHERE r.role_name = CURRENT_USER;
	END;
COMMENT ON FUNCTION retention.my_group_ids() IS
	'the ids of the groups whose rep logs in as the current user';

ALTER TABLE retention.products ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention.products FORCE ROW LEVEL SECURITY;
ALTER TABLE retention.deals ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention.deals FORCE ROW LEVEL SECURITY;
ALTER TABLE retention.stage_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention.stage_history FORCE ROW LEVEL SECURITY;

CREATE POLICY products_admin ON retention.products TO retention_admin USING (true) WITH CHECK (true);
CREATE POLICY products_analyst ON retention.products FOR SELECT TO retention_analyst USING (true);
CREATE POLICY products_rep_read ON retention.products FOR SELECT TO retention_rep
	USING (group_id IN (SELECT retention.my_group_ids()));
-- A rep may move a product on into another group (onboarding -> retention
-- hands it over); reps can update only stage and stage_reason.
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
GRANT USAGE ON ALL SEQUENCES IN SCHEMA retention TO retention_admin;

------------------------------------------------------------------------------
-- pg_dump: user data and the user's configuration
------------------------------------------------------------------------------

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

-- @@ health configuration: measures, scorecards, observations, and the health aggregate @@

-- @@ health over time: overrides, snapshots, alerts, views @@
