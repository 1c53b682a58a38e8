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

------------------------------------------------------------------------------
-- lifecycle: stages, deals, products, history, enforcement
------------------------------------------------------------------------------

------------------------------------------------------------------------------
-- access: roles, row-level security, grants
------------------------------------------------------------------------------

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

------------------------------------------------------------------------------
-- cohorts: activity and cohort retention
------------------------------------------------------------------------------

------------------------------------------------------------------------------
-- metrics: retention and revenue rates, opportunities, feedback
------------------------------------------------------------------------------

------------------------------------------------------------------------------
-- survival: survival curves, the log-rank test, initiatives
------------------------------------------------------------------------------
