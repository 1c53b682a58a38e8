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

------------------------------------------------------------------------------
-- cohorts: activity and cohort retention
------------------------------------------------------------------------------

------------------------------------------------------------------------------
-- metrics: retention and revenue rates, opportunities, feedback
------------------------------------------------------------------------------

------------------------------------------------------------------------------
-- survival: survival curves, the log-rank test, initiatives
------------------------------------------------------------------------------
