/* src/access/access.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION retention" to load this file. \quit

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
ALTER TABLE retention.forgotten_products ENABLE ROW LEVEL SECURITY;
ALTER TABLE retention.forgotten_products FORCE ROW LEVEL SECURITY;

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

CREATE POLICY forgotten_products_admin ON retention.forgotten_products FOR SELECT TO retention_admin USING (true);
CREATE POLICY forgotten_products_analyst ON retention.forgotten_products FOR SELECT TO retention_analyst USING (true);
CREATE POLICY stage_history_admin ON retention.stage_history FOR SELECT TO retention_admin USING (true);
CREATE POLICY stage_history_analyst ON retention.stage_history FOR SELECT TO retention_analyst USING (true);
CREATE POLICY stage_history_rep_read ON retention.stage_history FOR SELECT TO retention_rep
	USING (table_name = 'retention.products'
		   AND product_id IN (SELECT p.id FROM retention.products p));

GRANT SELECT ON retention.stages, retention.transitions, retention.groups, retention.reps,
	retention.deals, retention.products, retention.stage_history, retention.product_overview
	TO retention_admin, retention_rep, retention_analyst;
GRANT INSERT, UPDATE, DELETE ON retention.stages, retention.transitions, retention.groups,
	retention.reps, retention.deals, retention.products TO retention_admin;
GRANT UPDATE (stage, stage_reason) ON retention.products TO retention_rep;
GRANT SELECT ON retention.forgotten_products TO retention_admin, retention_analyst;
GRANT EXECUTE ON FUNCTION retention.forget_product(bigint, text) TO retention_admin;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA retention TO retention_admin;
-- The history and the log of forgotten products are numbered by the
-- extension alone (it writes them as the owner): administrators draw no ids.
REVOKE USAGE ON SEQUENCE retention.stage_history_id_seq, retention.forgotten_products_id_seq
	FROM retention_admin;

