-- test/tap/access/policy.sql: what each role may do with each object of the
-- extension: the declared policy that test/tap/access_matrix.sh holds every
-- attempt to.  README.md, "Access", says the same in words.
--
-- A new object needs its rows here, or the test fails naming it:
--   a table or view: four rows in am.relation_policy, one per role class
--     (admin: a retention_admin; rep: each of two retention_reps, about rows
--     of its own groups and of the other's; analyst: a retention_analyst;
--     nobody: a role with none of them), and for a table a write sample in
--     samples.sql;
--   a sequence: four rows in am.sequence_policy;
--   a function or aggregate: one row in am.function_policy naming a profile.
--
-- Outcomes:
--   all       allowed on every row: reads what the superuser reads; a write
--             succeeds on every rep's rows (or on the table, when its rows
--             belong to no rep)
--   own       a rep: reads exactly the rows of its own groups; a write
--             succeeds on its own rows and does nothing, or is refused, on
--             the other rep's
--   none      allowed, but sees or changes no row
--   filtered  a view whose rows are not one per product: runs, shows less
--             than the superuser sees
--   a SQLSTATE refused: 42501 no privilege (or a row-level security policy
--             refuses the new row); 0A000 COPY FROM into a table under
--             row-level security (PostgreSQL allows no COPY FROM there: load
--             with INSERT); RT004 append-only, or products are permanent;
--             23503 allowed, but the rows tried are referenced; 55000 and
--             42809 views cannot be written, truncated or copied
\set ON_ERROR_STOP 1

CREATE TABLE am.relation_policy (
	object		text NOT NULL,
	class		text NOT NULL CHECK (class IN ('admin', 'rep', 'analyst', 'nobody')),
	"select"	text NOT NULL,
	"insert"	text NOT NULL,
	"update"	text NOT NULL,
	"delete"	text NOT NULL,
	"truncate"	text NOT NULL,
	copy_out	text NOT NULL,
	copy_in		text NOT NULL,
	PRIMARY KEY (object, class)
);
-- Notes on some rows:
-- - Nobody but the owner may TRUNCATE anything (and products, the history,
--   alerts and the MRR history refuse it even then).
-- - Reps may UPDATE only stage and stage_reason of their own products
--   (am.column_grants) and INSERT observations of their own products only.
-- - The stage and MRR histories and the forgotten products are written by
--   the extension alone (as the owner, through its triggers and
--   forget_product); administrators read them.
-- - observations copy_out is none for everyone who may read it: PostgreSQL 15
--   copies a partitioned table under row-level security as ONLY the parent,
--   which holds no rows.  Read it with COPY (SELECT * FROM
--   retention.observations) TO, or copy its partitions.
-- - deals delete is 23503 for administrators: every deal tried has products.
INSERT INTO am.relation_policy VALUES
--  object                              class      select     insert     update     delete     truncate   copy_out   copy_in
-- tables
('retention.config_deletions',          'admin',   'all',     'all',     '42501',   'all',     '42501',   'all',     'all'),
('retention.config_deletions',          'rep',     '42501',   '42501',   '42501',   '42501',   '42501',   '42501',   '42501'),
('retention.config_deletions',          'analyst', 'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.config_deletions',          'nobody',  '42501',   '42501',   '42501',   '42501',   '42501',   '42501',   '42501'),
('retention.deals',                     'admin',   'all',     'all',     'all',     '23503',   '42501',   'all',     '0A000'),
('retention.deals',                     'rep',     'own',     '42501',   '42501',   '42501',   '42501',   'own',     '42501'),
('retention.deals',                     'analyst', 'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.deals',                     'nobody',  '42501',   '42501',   '42501',   '42501',   '42501',   '42501',   '42501'),
('retention.forgotten_products',        'admin',   'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.forgotten_products',        'rep',     '42501',   '42501',   '42501',   '42501',   '42501',   '42501',   '42501'),
('retention.forgotten_products',        'analyst', 'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.forgotten_products',        'nobody',  '42501',   '42501',   '42501',   '42501',   '42501',   '42501',   '42501'),
('retention.groups',                    'admin',   'all',     'all',     'all',     'all',     '42501',   'all',     'all'),
('retention.groups',                    'rep',     'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.groups',                    'analyst', 'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.groups',                    'nobody',  '42501',   '42501',   '42501',   '42501',   '42501',   '42501',   '42501'),
('retention.health_alerts',             'admin',   'all',     'all',     '42501',   '42501',   '42501',   'all',     '0A000'),
('retention.health_alerts',             'rep',     'own',     '42501',   '42501',   '42501',   '42501',   'own',     '42501'),
('retention.health_alerts',             'analyst', 'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.health_alerts',             'nobody',  '42501',   '42501',   '42501',   '42501',   '42501',   '42501',   '42501'),
('retention.health_overrides',          'admin',   'all',     'all',     'all',     'all',     '42501',   'all',     '0A000'),
('retention.health_overrides',          'rep',     'own',     '42501',   '42501',   '42501',   '42501',   'own',     '42501'),
('retention.health_overrides',          'analyst', 'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.health_overrides',          'nobody',  '42501',   '42501',   '42501',   '42501',   '42501',   '42501',   '42501'),
('retention.health_snapshots',          'admin',   'all',     'all',     'all',     'all',     '42501',   'all',     '0A000'),
('retention.health_snapshots',          'rep',     'own',     '42501',   '42501',   '42501',   '42501',   'own',     '42501'),
('retention.health_snapshots',          'analyst', 'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.health_snapshots',          'nobody',  '42501',   '42501',   '42501',   '42501',   '42501',   '42501',   '42501'),
('retention.initiative_members',        'admin',   'all',     'all',     'all',     'all',     '42501',   'all',     '0A000'),
('retention.initiative_members',        'rep',     'own',     '42501',   '42501',   '42501',   '42501',   'own',     '42501'),
('retention.initiative_members',        'analyst', 'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.initiative_members',        'nobody',  '42501',   '42501',   '42501',   '42501',   '42501',   '42501',   '42501'),
('retention.initiatives',               'admin',   'all',     'all',     'all',     'all',     '42501',   'all',     'all'),
('retention.initiatives',               'rep',     'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.initiatives',               'analyst', 'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.initiatives',               'nobody',  '42501',   '42501',   '42501',   '42501',   '42501',   '42501',   '42501'),
('retention.measures',                  'admin',   'all',     'all',     'all',     'all',     '42501',   'all',     'all'),
('retention.measures',                  'rep',     'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.measures',                  'analyst', 'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.measures',                  'nobody',  '42501',   '42501',   '42501',   '42501',   '42501',   '42501',   '42501'),
('retention.mrr_history',               'admin',   'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.mrr_history',               'rep',     'own',     '42501',   '42501',   '42501',   '42501',   'own',     '42501'),
('retention.mrr_history',               'analyst', 'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.mrr_history',               'nobody',  '42501',   '42501',   '42501',   '42501',   '42501',   '42501',   '42501'),
('retention.observations',              'admin',   'all',     'all',     'all',     'all',     '42501',   'none',    '0A000'),
('retention.observations',              'rep',     'own',     'own',     '42501',   '42501',   '42501',   'none',    '0A000'),
('retention.observations',              'analyst', 'all',     '42501',   '42501',   '42501',   '42501',   'none',    '42501'),
('retention.observations',              'nobody',  '42501',   '42501',   '42501',   '42501',   '42501',   '42501',   '42501'),
('retention.observations_default',      'admin',   'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.observations_default',      'rep',     'own',     '42501',   '42501',   '42501',   '42501',   'own',     '42501'),
('retention.observations_default',      'analyst', 'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.observations_default',      'nobody',  '42501',   '42501',   '42501',   '42501',   '42501',   '42501',   '42501'),
('retention.products',                  'admin',   'all',     'all',     'all',     'RT004',   '42501',   'all',     '0A000'),
('retention.products',                  'rep',     'own',     '42501',   'own',     '42501',   '42501',   'own',     '42501'),
('retention.products',                  'analyst', 'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.products',                  'nobody',  '42501',   '42501',   '42501',   '42501',   '42501',   '42501',   '42501'),
('retention.reps',                      'admin',   'all',     'all',     'all',     'all',     '42501',   'all',     'all'),
('retention.reps',                      'rep',     'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.reps',                      'analyst', 'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.reps',                      'nobody',  '42501',   '42501',   '42501',   '42501',   '42501',   '42501',   '42501'),
('retention.scorecard_measures',        'admin',   'all',     'all',     'all',     'all',     '42501',   'all',     'all'),
('retention.scorecard_measures',        'rep',     'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.scorecard_measures',        'analyst', 'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.scorecard_measures',        'nobody',  '42501',   '42501',   '42501',   '42501',   '42501',   '42501',   '42501'),
('retention.scorecards',                'admin',   'all',     'all',     'all',     'all',     '42501',   'all',     'all'),
('retention.scorecards',                'rep',     'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.scorecards',                'analyst', 'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.scorecards',                'nobody',  '42501',   '42501',   '42501',   '42501',   '42501',   '42501',   '42501'),
('retention.stage_history',             'admin',   'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.stage_history',             'rep',     'own',     '42501',   '42501',   '42501',   '42501',   'own',     '42501'),
('retention.stage_history',             'analyst', 'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.stage_history',             'nobody',  '42501',   '42501',   '42501',   '42501',   '42501',   '42501',   '42501'),
('retention.stages',                    'admin',   'all',     'all',     'all',     'all',     '42501',   'all',     'all'),
('retention.stages',                    'rep',     'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.stages',                    'analyst', 'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.stages',                    'nobody',  '42501',   '42501',   '42501',   '42501',   '42501',   '42501',   '42501'),
('retention.transitions',               'admin',   'all',     'all',     'all',     'all',     '42501',   'all',     'all'),
('retention.transitions',               'rep',     'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.transitions',               'analyst', 'all',     '42501',   '42501',   '42501',   '42501',   'all',     '42501'),
('retention.transitions',               'nobody',  '42501',   '42501',   '42501',   '42501',   '42501',   '42501',   '42501'),
-- views
('retention.at_risk',                   'admin',   'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.at_risk',                   'rep',     'own',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.at_risk',                   'analyst', 'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.at_risk',                   'nobody',  '42501',   '55000',   '55000',   '55000',   '42809',   '42501',   '42501'),
('retention.group_health',              'admin',   'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.group_health',              'rep',     'filtered', '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.group_health',              'analyst', 'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.group_health',              'nobody',  '42501',   '55000',   '55000',   '55000',   '42809',   '42501',   '42501'),
('retention.lifetime_value',            'admin',   'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.lifetime_value',            'rep',     'filtered', '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.lifetime_value',            'analyst', 'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.lifetime_value',            'nobody',  '42501',   '55000',   '55000',   '55000',   '42809',   '42501',   '42501'),
('retention.monthly_retention',         'admin',   'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.monthly_retention',         'rep',     'filtered', '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.monthly_retention',         'analyst', 'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.monthly_retention',         'nobody',  '42501',   '55000',   '55000',   '55000',   '42809',   '42501',   '42501'),
('retention.product_cohort_members',    'admin',   'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.product_cohort_members',    'rep',     'filtered', '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.product_cohort_members',    'analyst', 'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.product_cohort_members',    'nobody',  '42501',   '55000',   '55000',   '55000',   '42809',   '42501',   '42501'),
('retention.product_cohorts',           'admin',   'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.product_cohorts',           'rep',     'filtered', '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.product_cohorts',           'analyst', 'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.product_cohorts',           'nobody',  '42501',   '55000',   '55000',   '55000',   '42809',   '42501',   '42501'),
('retention.product_health',            'admin',   'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.product_health',            'rep',     'own',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.product_health',            'analyst', 'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.product_health',            'nobody',  '42501',   '55000',   '55000',   '55000',   '42809',   '42501',   '42501'),
('retention.product_lifetimes',         'admin',   'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.product_lifetimes',         'rep',     'filtered', '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.product_lifetimes',         'analyst', 'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.product_lifetimes',         'nobody',  '42501',   '55000',   '55000',   '55000',   '42809',   '42501',   '42501'),
('retention.product_overview',          'admin',   'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.product_overview',          'rep',     'own',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.product_overview',          'analyst', 'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.product_overview',          'nobody',  '42501',   '55000',   '55000',   '55000',   '42809',   '42501',   '42501'),
('retention.rep_book',                  'admin',   'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.rep_book',                  'rep',     'filtered', '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.rep_book',                  'analyst', 'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.rep_book',                  'nobody',  '42501',   '55000',   '55000',   '55000',   '42809',   '42501',   '42501'),
('retention.revenue_cohorts',           'admin',   'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.revenue_cohorts',           'rep',     'filtered', '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.revenue_cohorts',           'analyst', 'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.revenue_cohorts',           'nobody',  '42501',   '55000',   '55000',   '55000',   '42809',   '42501',   '42501'),
('retention.revenue_retention',         'admin',   'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.revenue_retention',         'rep',     'filtered', '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.revenue_retention',         'analyst', 'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.revenue_retention',         'nobody',  '42501',   '55000',   '55000',   '55000',   '42809',   '42501',   '42501'),
('retention.stage_funnel',              'admin',   'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.stage_funnel',              'rep',     'filtered', '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.stage_funnel',              'analyst', 'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.stage_funnel',              'nobody',  '42501',   '55000',   '55000',   '55000',   '42809',   '42501',   '42501'),
('retention.survival_by_group',         'admin',   'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.survival_by_group',         'rep',     'filtered', '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.survival_by_group',         'analyst', 'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.survival_by_group',         'nobody',  '42501',   '55000',   '55000',   '55000',   '42809',   '42501',   '42501'),
('retention.usage_cohorts',             'admin',   'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.usage_cohorts',             'rep',     'filtered', '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.usage_cohorts',             'analyst', 'all',     '55000',   '55000',   '55000',   '42809',   '42809',   '42501'),
('retention.usage_cohorts',             'nobody',  '42501',   '55000',   '55000',   '55000',   '42809',   '42501',   '42501');

CREATE TABLE am.sequence_policy (
	object		text NOT NULL,
	class		text NOT NULL CHECK (class IN ('admin', 'rep', 'analyst', 'nobody')),
	"nextval"	text NOT NULL,
	"select"	text NOT NULL,
	"setval"	text NOT NULL,
	PRIMARY KEY (object, class)
);
-- Administrators draw ids for the tables they insert into; the history, the
-- MRR history and the forgotten products are numbered by the extension.
INSERT INTO am.sequence_policy VALUES
--  object                                 class      nextval    select     setval
('retention.deals_id_seq',                'admin',   'all',    '42501',  '42501'),
('retention.deals_id_seq',                'rep',     '42501',  '42501',  '42501'),
('retention.deals_id_seq',                'analyst', '42501',  '42501',  '42501'),
('retention.deals_id_seq',                'nobody',  '42501',  '42501',  '42501'),
('retention.forgotten_products_id_seq',   'admin',   '42501',  '42501',  '42501'),
('retention.forgotten_products_id_seq',   'rep',     '42501',  '42501',  '42501'),
('retention.forgotten_products_id_seq',   'analyst', '42501',  '42501',  '42501'),
('retention.forgotten_products_id_seq',   'nobody',  '42501',  '42501',  '42501'),
('retention.groups_id_seq',               'admin',   'all',    '42501',  '42501'),
('retention.groups_id_seq',               'rep',     '42501',  '42501',  '42501'),
('retention.groups_id_seq',               'analyst', '42501',  '42501',  '42501'),
('retention.groups_id_seq',               'nobody',  '42501',  '42501',  '42501'),
('retention.health_alerts_id_seq',        'admin',   'all',    '42501',  '42501'),
('retention.health_alerts_id_seq',        'rep',     '42501',  '42501',  '42501'),
('retention.health_alerts_id_seq',        'analyst', '42501',  '42501',  '42501'),
('retention.health_alerts_id_seq',        'nobody',  '42501',  '42501',  '42501'),
('retention.mrr_history_id_seq',          'admin',   '42501',  '42501',  '42501'),
('retention.mrr_history_id_seq',          'rep',     '42501',  '42501',  '42501'),
('retention.mrr_history_id_seq',          'analyst', '42501',  '42501',  '42501'),
('retention.mrr_history_id_seq',          'nobody',  '42501',  '42501',  '42501'),
('retention.products_id_seq',             'admin',   'all',    '42501',  '42501'),
('retention.products_id_seq',             'rep',     '42501',  '42501',  '42501'),
('retention.products_id_seq',             'analyst', '42501',  '42501',  '42501'),
('retention.products_id_seq',             'nobody',  '42501',  '42501',  '42501'),
('retention.reps_id_seq',                 'admin',   'all',    '42501',  '42501'),
('retention.reps_id_seq',                 'rep',     '42501',  '42501',  '42501'),
('retention.reps_id_seq',                 'analyst', '42501',  '42501',  '42501'),
('retention.reps_id_seq',                 'nobody',  '42501',  '42501',  '42501'),
('retention.stage_history_id_seq',        'admin',   '42501',  '42501',  '42501'),
('retention.stage_history_id_seq',        'rep',     '42501',  '42501',  '42501'),
('retention.stage_history_id_seq',        'analyst', '42501',  '42501',  '42501'),
('retention.stage_history_id_seq',        'nobody',  '42501',  '42501',  '42501');

-- What each kind of function does for each role: 'same' is the result (or
-- the error) the superuser gets; 'filtered' a result that shows less.  The
-- sample arguments are in samples.sql (a product id is 2, am_rep1's).
CREATE TABLE am.profiles (
	profile		text PRIMARY KEY,
	admin		text,
	rep1		text,
	rep2		text,
	analyst		text,
	nobody		text,
	meaning		text NOT NULL
);
INSERT INTO am.profiles VALUES
	('computes', 'same', 'same', 'same', 'same', 'same',
	 'computes from its arguments alone: anyone may call it'),
	('trigger', 'same', 'same', 'same', 'same', 'same',
	 'a trigger function: refuses a direct call, whoever calls it'),
	('config', 'same', 'same', 'same', 'same', '42501',
	 'computes from its arguments and the configuration (scorecards, measures): the roles that read the configuration'),
	('reads', 'same', 'filtered', 'filtered', 'same', '42501',
	 'reads the data through row-level security: reps get what their own rows give'),
	('reads_product', 'same', 'same', 'filtered', 'same', '42501',
	 'reads one product (am_rep1''s) through row-level security'),
	('moves', 'same', 'same', 'P0002', '42501', '42501',
	 'moves a product (am_rep1''s): its rep or an administrator; to another rep it does not exist'),
	('admin', 'same', '42501', '42501', '42501', '42501',
	 'administrators only'),
	('internal', NULL, NULL, NULL, NULL, NULL,
	 'support of a type or aggregate that SQL cannot call (internal argument or result)');

CREATE TABLE am.function_policy (
	object		text PRIMARY KEY,
	profile		text NOT NULL REFERENCES am.profiles
);
INSERT INTO am.function_policy VALUES
('retention.active_periods(retention.activity)',                                                                      'computes'),
('retention.active_products(timestamp with time zone[])',                                                             'reads'),
('retention.activity(interval,timestamp with time zone,timestamp with time zone)',                                    'computes'),
('retention.activity(text,timestamp with time zone)',                                                                 'computes'),
('retention.activity(text,timestamp with time zone,timestamp with time zone)',                                        'computes'),
('retention.activity_accum(internal,interval,timestamp with time zone,timestamp with time zone)',                     'internal'),
('retention.activity_accum(internal,text,timestamp with time zone)',                                                  'internal'),
('retention.activity_accum(internal,text,timestamp with time zone,timestamp with time zone)',                         'internal'),
('retention.activity_combine(internal,internal)',                                                                     'internal'),
('retention.activity_deserial(bytea,internal)',                                                                       'internal'),
('retention.activity_eq(retention.activity,retention.activity)',                                                      'computes'),
('retention.activity_final(internal)',                                                                                'internal'),
('retention.activity_hash(retention.activity)',                                                                       'computes'),
('retention.activity_hash_extended(retention.activity,bigint)',                                                       'computes'),
('retention.activity_in(cstring)',                                                                                    'computes'),
('retention.activity_ne(retention.activity,retention.activity)',                                                      'computes'),
('retention.activity_out(retention.activity)',                                                                        'computes'),
('retention.activity_recv(internal)',                                                                                 'internal'),
('retention.activity_send(retention.activity)',                                                                       'computes'),
('retention.activity_serial(internal)',                                                                               'internal'),
('retention.append_only()',                                                                                           'trigger'),
('retention.assign(text,bigint[])',                                                                                   'admin'),
('retention.band(retention.health)',                                                                                  'computes'),
('retention.band_for(double precision,text)',                                                                         'config'),
('retention.builtin_row_guard()',                                                                                     'trigger'),
('retention.check_window(timestamp with time zone,timestamp with time zone)',                                         'computes'),
('retention.churn_by_reason(timestamp with time zone,timestamp with time zone)',                                      'reads'),
('retention.clear_override(bigint)',                                                                                  'admin'),
('retention.cohort_counts(retention.activity,int4range[],timestamp with time zone)',                                  'computes'),
('retention.cohort_counts(retention.activity,text,integer,timestamp with time zone)',                                 'computes'),
('retention.cohort_counts_accum(retention.cohort_state,retention.activity,int4range[],timestamp with time zone)',     'computes'),
('retention.cohort_counts_accum(retention.cohort_state,retention.activity,text,integer,timestamp with time zone)',    'computes'),
('retention.cohort_counts_combine(retention.cohort_state,retention.cohort_state)',                                    'computes'),
('retention.cohort_counts_final(retention.cohort_state)',                                                             'computes'),
('retention.cohort_start(retention.activity)',                                                                        'computes'),
('retention.cohort_state_in(cstring)',                                                                                'computes'),
('retention.cohort_state_out(retention.cohort_state)',                                                                'computes'),
('retention.cohort_state_recv(internal)',                                                                             'internal'),
('retention.cohort_state_send(retention.cohort_state)',                                                               'computes'),
('retention.cohort_table(text,text,integer,text,timestamp with time zone)',                                           'reads'),
('retention.config_changed()',                                                                                        'trigger'),
('retention.config_deletion_apply()',                                                                                 'trigger'),
('retention.coverage(retention.health)',                                                                              'computes'),
('retention.csat(integer)',                                                                                           'computes'),
('retention.customer_mrr(timestamp with time zone[])',                                                                'reads'),
('retention.customer_retention_between(timestamp with time zone,timestamp with time zone)',                           'reads'),
('retention.deal_is_permanent()',                                                                                     'trigger'),
('retention.distinct_times(retention.survival)',                                                                      'computes'),
('retention.enforce_stages(regclass,name,name,name,name)',                                                            'admin'),
('retention.events(retention.survival)',                                                                              'computes'),
('retention.forget_product(bigint,text)',                                                                             'admin'),
('retention.gross_margin()',                                                                                          'computes'),
('retention.group_kind_is_stable()',                                                                                  'trigger'),
('retention.handed_over(bigint)',                                                                                     'computes'),
('retention.health(text,double precision,timestamp with time zone,timestamp with time zone)',                         'config'),
('retention.health(text,double precision,timestamp with time zone,timestamp with time zone,text)',                    'config'),
('retention.health_agg_accum(internal,text,double precision,timestamp with time zone,timestamp with time zone)',      'internal'),
('retention.health_agg_accum(internal,text,double precision,timestamp with time zone,timestamp with time zone,text)', 'internal'),
('retention.health_agg_combine(internal,internal)',                                                                   'internal'),
('retention.health_agg_deserialize(bytea,internal)',                                                                  'internal'),
('retention.health_agg_final(internal)',                                                                              'internal'),
('retention.health_agg_serialize(internal)',                                                                          'internal'),
('retention.health_as_of(timestamp with time zone)',                                                                  'reads'),
('retention.health_cmp(retention.health,retention.health)',                                                           'computes'),
('retention.health_eq(retention.health,retention.health)',                                                            'computes'),
('retention.health_ge(retention.health,retention.health)',                                                            'computes'),
('retention.health_gt(retention.health,retention.health)',                                                            'computes'),
('retention.health_hash(retention.health)',                                                                           'computes'),
('retention.health_hash_extended(retention.health,bigint)',                                                           'computes'),
('retention.health_in(cstring)',                                                                                      'computes'),
('retention.health_larger(retention.health,retention.health)',                                                        'computes'),
('retention.health_le(retention.health,retention.health)',                                                            'computes'),
('retention.health_lt(retention.health,retention.health)',                                                            'computes'),
('retention.health_ne(retention.health,retention.health)',                                                            'computes'),
('retention.health_out(retention.health)',                                                                            'computes'),
('retention.health_recv(internal)',                                                                                   'internal'),
('retention.health_score_numeric(retention.health)',                                                                  'computes'),
('retention.health_send(retention.health)',                                                                           'computes'),
('retention.health_smaller(retention.health,retention.health)',                                                       'computes'),
('retention.initiative_members_validate()',                                                                           'trigger'),
('retention.initiative_results(text)',                                                                                'reads'),
('retention.initiatives_validate()',                                                                                  'trigger'),
('retention.kaplan_meier(retention.survival,double precision)',                                                       'computes'),
('retention.logrank(retention.survival[])',                                                                           'computes'),
('retention.make_health(double precision,text,double precision,text)',                                                'computes'),
('retention.make_ineligible(bigint,text)',                                                                            'moves'),
('retention.max(retention.health)',                                                                                   'computes'),
('retention.measures_validate()',                                                                                     'trigger'),
('retention.merge(retention.survival)',                                                                               'computes'),
('retention.min(retention.health)',                                                                                   'computes'),
('retention.month_starts(integer)',                                                                                   'computes'),
('retention.move(bigint,text,text)',                                                                                  'moves'),
('retention.mrr_guard()',                                                                                             'trigger'),
('retention.my_group_ids()',                                                                                          'reads'),
('retention.next_stages(bigint)',                                                                                     'reads_product'),
('retention.nps(integer)',                                                                                            'computes'),
('retention.nps_detail(integer)',                                                                                     'computes'),
('retention.original_deal(bigint)',                                                                                   'reads_product'),
('retention.override_health(bigint,double precision,text,timestamp with time zone)',                                  'admin'),
('retention.period_unit(retention.activity)',                                                                         'computes'),
('retention.place_in_group()',                                                                                        'trigger'),
('retention.product_is_permanent()',                                                                                  'trigger'),
('retention.product_retention_by_group(timestamp with time zone,timestamp with time zone)',                           'reads'),
('retention.product_retention_by_rep(timestamp with time zone,timestamp with time zone)',                             'reads'),
('retention.recycle(bigint,text)',                                                                                    'moves'),
('retention.restricted_mean(retention.survival,double precision)',                                                    'computes'),
('retention.retained(retention.activity,int4range)',                                                                  'computes'),
('retention.retained(retention.activity,text,integer)',                                                               'computes'),
('retention.retention(boolean[])',                                                                                    'computes'),
('retention.retention_accum(bigint,boolean[])',                                                                       'computes'),
('retention.retention_by_window(timestamp with time zone[])',                                                         'reads'),
('retention.retention_combine(bigint,bigint)',                                                                        'computes'),
('retention.retention_final(bigint)',                                                                                 'computes'),
('retention.revenue_by_window(timestamp with time zone[])',                                                           'reads'),
('retention.revenue_retention_between(timestamp with time zone,timestamp with time zone)',                            'reads'),
('retention.revenue_spans()',                                                                                         'reads'),
('retention.score(retention.health)',                                                                                 'computes'),
('retention.scorecard_measures_validate()',                                                                           'trigger'),
('retention.scorecard_not_empty()',                                                                                   'trigger'),
('retention.scorecards_validate()',                                                                                   'trigger'),
('retention.snapshot_health(date)',                                                                                   'admin'),
('retention.stage_guard()',                                                                                           'trigger'),
('retention.stage_spans()',                                                                                           'reads'),
('retention.subjects(retention.survival)',                                                                            'computes'),
('retention.survey_combine(retention.survey_counts,retention.survey_counts)',                                         'computes'),
('retention.survey_counts_in(cstring)',                                                                               'computes'),
('retention.survey_counts_out(retention.survey_counts)',                                                              'computes'),
('retention.survey_counts_recv(internal)',                                                                            'internal'),
('retention.survey_counts_send(retention.survey_counts)',                                                             'computes'),
('retention.survey_csat_accum(retention.survey_counts,integer)',                                                      'computes'),
('retention.survey_csat_final(retention.survey_counts)',                                                              'computes'),
('retention.survey_nps_accum(retention.survey_counts,integer)',                                                       'computes'),
('retention.survey_nps_detail_final(retention.survey_counts)',                                                        'computes'),
('retention.survey_nps_final(retention.survey_counts)',                                                               'computes'),
('retention.survival(double precision,boolean)',                                                                      'computes'),
('retention.survival_accum(retention.survival,double precision,boolean)',                                             'computes'),
('retention.survival_at(retention.survival,double precision)',                                                        'computes'),
('retention.survival_combine(retention.survival,retention.survival)',                                                 'computes'),
('retention.survival_in(cstring)',                                                                                    'computes'),
('retention.survival_median(retention.survival,double precision)',                                                    'computes'),
('retention.survival_out(retention.survival)',                                                                        'computes'),
('retention.survival_recv(internal)',                                                                                 'internal'),
('retention.survival_send(retention.survival)',                                                                       'computes'),
('retention.trigger_name(name,text)',                                                                                 'computes'),
('retention.weakest_measure(retention.health)',                                                                       'computes');

-- Column privileges: the only ones granted
CREATE TABLE am.column_grants (object text, "column" text, role text, privilege text);
INSERT INTO am.column_grants VALUES
	('retention.products', 'stage', 'retention_rep', 'UPDATE'),
	('retention.products', 'stage_reason', 'retention_rep', 'UPDATE');

-- LEAKPROOF functions, each reviewed: it raises no error that depends on
-- its arguments' values (only out-of-memory, as core's own comparison
-- functions), so the planner may push it below a security barrier
CREATE TABLE am.leakproof_reviewed (object text PRIMARY KEY, why text NOT NULL);
INSERT INTO am.leakproof_reviewed
SELECT f, 'src/health/health_ops.c: compares or hashes the fields of two detoasted values; no ereport'
  FROM unnest(ARRAY['retention.health_cmp(retention.health,retention.health)',
					'retention.health_eq(retention.health,retention.health)',
					'retention.health_ne(retention.health,retention.health)',
					'retention.health_lt(retention.health,retention.health)',
					'retention.health_le(retention.health,retention.health)',
					'retention.health_gt(retention.health,retention.health)',
					'retention.health_ge(retention.health,retention.health)',
					'retention.health_hash(retention.health)',
					'retention.health_hash_extended(retention.health,bigint)']) f
UNION ALL
SELECT f, 'src/cohorts/activity_io.c: memcmp or hash_any of two detoasted values; no ereport'
  FROM unnest(ARRAY['retention.activity_eq(retention.activity,retention.activity)',
					'retention.activity_ne(retention.activity,retention.activity)',
					'retention.activity_hash(retention.activity)',
					'retention.activity_hash_extended(retention.activity,bigint)']) f;

-- NOTIFY channels of the extension and their payload: listeners are woken,
-- and read what they may see from the tables
CREATE TABLE am.notify_channels (channel text PRIMARY KEY, payload text NOT NULL);
INSERT INTO am.notify_channels VALUES ('retention_health_alert', '');
