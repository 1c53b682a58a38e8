-- test/tap/access/compare.sql: what each attempt of the access matrix came
-- to, as a label, next to what the declared policy (policy.sql) says.
--
-- Labels: all (allowed, on every row: reads all the superuser reads, writes
-- succeed on every rep's rows); own (a rep: reads exactly the rows of its own
-- groups, writes succeed on its own rows and do nothing, or are refused
-- (42501, or P0002: it does not exist), on another rep's); none (allowed,
-- but sees or changes no row); filtered (a view or function: runs, and
-- shows less than the superuser sees); same (a function: the same result, or the same error, as for the superuser); a
-- SQLSTATE (refused: 42501 permission denied, RT004 append-only, ...).
\set ON_ERROR_STOP 1
CREATE TABLE am.copy_results (role text, object text, action text, state text, n bigint);
GRANT INSERT ON am.copy_results TO PUBLIC;

CREATE VIEW am.facts AS
SELECT r.object, r.n AS total, r.rep1, r.rep2, r.fp
  FROM am.results r JOIN am.roles ro ON ro.role = r.role AND ro.class = 'superuser'
 WHERE r.action = 'select';

CREATE VIEW am.labels AS
WITH single AS (
	-- one label per attempt
	SELECT r.role, r.object, r.action, r.target,
		   CASE WHEN r.state <> 'ok' THEN r.state
				WHEN r.action = 'select' AND r.n = f.total AND r.fp = f.fp THEN 'all'
				WHEN r.action = 'select' AND r.n = 0 THEN 'none'
				WHEN r.action = 'select' AND ro.class = 'rep' AND r.n = r.mine
					 AND r.n = CASE r.role WHEN 'am_rep1' THEN f.rep1 ELSE f.rep2 END THEN 'own'
				WHEN r.action = 'select' AND s.owner IS NULL THEN 'filtered'
				WHEN r.action = 'select' THEN 'partial'
				WHEN r.action IN ('update', 'delete') AND r.n = 0 THEN 'none'
				WHEN r.action IN ('update', 'delete') AND r.target = 'all' THEN 'all'
				WHEN r.action IN ('update', 'delete')
					 AND r.n = CASE CASE r.target WHEN 'own' THEN am.own_rep(r.role) ELSE am.other_rep(r.role) END
								   WHEN 'am_rep1' THEN f.rep1 ELSE f.rep2 END THEN 'all'
				WHEN r.action IN ('update', 'delete') THEN 'partial'
				WHEN r.action = 'execute' THEN 'ok'
				ELSE 'all' END AS label,
		   r.state, r.fp, r.message
	  FROM am.results r
	  JOIN am.roles ro ON ro.role = r.role
	  LEFT JOIN am.facts f ON f.object = r.object
	  LEFT JOIN am.samples s ON s.object = r.object
), paired AS (
	-- an attempt on own rows and one on another rep's make one label
	SELECT o.role, o.object, o.action,
		   CASE WHEN o.label = 'all' AND x.label = 'all' THEN 'all'
				WHEN o.label = 'all' AND x.label IN ('none', '42501', 'P0002') THEN 'own'
				WHEN o.label = x.label THEN o.label
				ELSE o.label || '/' || x.label END AS label
	  FROM single o JOIN single x ON x.role = o.role AND x.object = o.object AND x.action = o.action
	 WHERE o.target = 'own' AND x.target = 'other'
)
SELECT role, object, action, label FROM single WHERE target = 'all' AND action <> 'execute'
UNION ALL
SELECT role, object, action, label FROM paired
UNION ALL
-- functions: compared with the superuser's call
SELECT r.role, r.object, 'execute',
	   CASE WHEN r.state = b.state AND r.fp IS NOT DISTINCT FROM b.fp THEN 'same'
			WHEN r.state <> 'ok' THEN r.state
			ELSE 'filtered' END
  FROM am.results r
  JOIN am.results b ON b.object = r.object AND b.action = 'execute'
				   AND b.role = (SELECT role FROM am.roles WHERE class = 'superuser')
 WHERE r.action = 'execute'
UNION ALL
-- COPY, through psql
SELECT c.role, c.object, c.action,
	   CASE WHEN c.state <> '00000' THEN c.state
			WHEN c.action = 'copy_in' THEN 'all'
			WHEN c.n = 0 THEN 'none'
			WHEN c.n = f.total THEN 'all'
			WHEN c.n = CASE c.role WHEN 'am_rep1' THEN f.rep1 WHEN 'am_rep2' THEN f.rep2 END THEN 'own'
			ELSE 'partial' END
  FROM am.copy_results c LEFT JOIN am.facts f ON f.object = c.object;

-- What the declared policy expects of each role, one row per attempt
CREATE VIEW am.expected AS
SELECT r.role, p.object, a.action, a.expected
  FROM am.relation_policy p
  JOIN am.roles r ON r.class = p.class
 CROSS JOIN LATERAL (VALUES ('select', p."select"), ('insert', p."insert"), ('update', p."update"),
							('delete', p."delete"), ('truncate', p."truncate"), ('copy_out', p.copy_out),
							('copy_in', p.copy_in)) a (action, expected)
UNION ALL
SELECT r.role, p.object, a.action, a.expected
  FROM am.sequence_policy p
  JOIN am.roles r ON r.class = p.class
 CROSS JOIN LATERAL (VALUES ('nextval', p."nextval"), ('seq_select', p."select"), ('setval', p."setval")) a (action, expected)
UNION ALL
SELECT r.role, f.object, 'execute',
	   CASE r.role WHEN 'am_admin' THEN pr.admin WHEN 'am_rep1' THEN pr.rep1 WHEN 'am_rep2' THEN pr.rep2
				   WHEN 'am_analyst' THEN pr.analyst WHEN 'am_nobody' THEN pr.nobody END
  FROM am.function_policy f
  JOIN am.profiles pr ON pr.profile = f.profile
  JOIN am.roles r ON r.class <> 'superuser'
 WHERE f.profile <> 'internal';

CREATE VIEW am.declared AS
SELECT object FROM am.relation_policy
UNION SELECT object FROM am.sequence_policy
UNION SELECT object FROM am.function_policy;

CREATE VIEW am.undeclared AS
SELECT m.kind, m.object FROM am.members m
 WHERE m.kind IN ('table', 'view', 'sequence', 'function', 'aggregate', 'procedure')
   AND m.object NOT IN (SELECT object FROM am.declared)
UNION
-- a relation declared for some roles only
SELECT m.kind, m.object || ' (for the ' || c.class || ' role)' FROM am.members m
 CROSS JOIN (VALUES ('admin'), ('rep'), ('analyst'), ('nobody')) c (class)
 WHERE m.kind IN ('table', 'view') AND m.object IN (SELECT object FROM am.relation_policy)
   AND NOT EXISTS (SELECT FROM am.relation_policy p WHERE p.object = m.object AND p.class = c.class)
UNION
SELECT m.kind, m.object || ' (for the ' || c.class || ' role)' FROM am.members m
 CROSS JOIN (VALUES ('admin'), ('rep'), ('analyst'), ('nobody')) c (class)
 WHERE m.kind = 'sequence' AND m.object IN (SELECT object FROM am.sequence_policy)
   AND NOT EXISTS (SELECT FROM am.sequence_policy p WHERE p.object = m.object AND p.class = c.class);

CREATE VIEW am.missing AS
SELECT d.object FROM am.declared d WHERE d.object NOT IN (SELECT object FROM am.members)
UNION SELECT object FROM am.samples WHERE object NOT IN (SELECT object FROM am.members)
UNION SELECT object FROM am.leakproof_reviewed WHERE object NOT IN (SELECT object FROM am.members);

CREATE VIEW am.unsampled AS
SELECT object FROM am.members
 WHERE kind = 'table' AND object NOT IN (SELECT object FROM am.samples WHERE insert_sql <> '')
UNION ALL
SELECT object || ' (no sample argument for a parameter: add one to am.arg_samples)' FROM am.calls WHERE unsampled;

CREATE VIEW am.thin_data AS
SELECT f.object, f.rep1, f.rep2, f.total
  FROM am.facts f JOIN am.samples s ON s.object = f.object AND s.owner IS NOT NULL
 WHERE NOT (0 < f.rep1 AND f.rep1 < f.rep2 AND f.rep2 < f.total);

CREATE VIEW am.relation_mismatches AS
SELECT e.object, e.action, e.role, e.expected, coalesce(l.label, '(not tried)') AS got
  FROM am.expected e
  LEFT JOIN am.labels l ON l.role = e.role AND l.object = e.object AND l.action = e.action
 WHERE e.action NOT IN ('execute', 'nextval', 'seq_select', 'setval')
   AND e.object IN (SELECT object FROM am.members)
   AND l.label IS DISTINCT FROM e.expected;

CREATE VIEW am.function_mismatches AS
SELECT e.object, e.role, e.expected, f.profile, coalesce(l.label, '(not called)') AS got
  FROM am.expected e
  JOIN am.function_policy f ON f.object = e.object
  LEFT JOIN am.labels l ON l.role = e.role AND l.object = e.object AND l.action = 'execute'
 WHERE e.action = 'execute' AND e.object IN (SELECT object FROM am.members)
   AND l.label IS DISTINCT FROM e.expected
UNION ALL
-- what cannot be called from SQL is declared internal, and the rest is not
SELECT c.object, '-', CASE WHEN c.stmt IS NULL THEN 'internal' ELSE 'a call' END, f.profile,
	   CASE WHEN c.stmt IS NULL THEN 'a function SQL cannot call' ELSE 'declared internal' END
  FROM am.calls c JOIN am.function_policy f ON f.object = c.object
 WHERE (c.stmt IS NULL) <> (f.profile = 'internal');

CREATE VIEW am.sequence_mismatches AS
SELECT e.object, e.action, e.role, e.expected, coalesce(l.label, '(not tried)') AS got
  FROM am.expected e
  LEFT JOIN am.labels l ON l.role = e.role AND l.object = e.object AND l.action = e.action
 WHERE e.action IN ('nextval', 'seq_select', 'setval')
   AND e.object IN (SELECT object FROM am.members)
   AND l.label IS DISTINCT FROM e.expected;

-- The privilege functions, over every role (and PUBLIC) and privilege
CREATE VIEW am.privilege_problems AS
WITH rel AS (
	SELECT m.object, m.oid, m.kind, r.role, pr.priv,
		   CASE WHEN pr.priv IN ('SELECT', 'INSERT', 'UPDATE', 'REFERENCES')
				THEN has_any_column_privilege(r.role, m.oid, pr.priv)
				ELSE has_table_privilege(r.role, m.oid, pr.priv) END AS granted
	  FROM am.members m
	 CROSS JOIN am.roles r
	 CROSS JOIN (VALUES ('SELECT'), ('INSERT'), ('UPDATE'), ('DELETE'), ('TRUNCATE'), ('REFERENCES'), ('TRIGGER')) pr (priv)
	 WHERE m.kind IN ('table', 'view') AND r.class <> 'superuser'
)
-- an attempt that got through had the privilege; one without it was refused
SELECT format('%s: %s %s privilege, but %s %s', rel.object, rel.role,
			  CASE WHEN rel.granted THEN 'has the ' ELSE 'lacks the ' END || rel.priv,
			  CASE WHEN rel.granted THEN 'was refused it with' ELSE 'got' END, l.label) AS problem
  FROM rel
  JOIN am.labels l ON l.role = rel.role AND l.object = rel.object AND l.action = lower(rel.priv)
 WHERE (NOT rel.granted AND l.label NOT IN ('42501', '55000', '42809'))
	OR (rel.granted AND l.label = '42501' AND NOT (rel.priv = 'INSERT' AND rel.kind = 'table'
												   AND EXISTS (SELECT FROM am.samples s WHERE s.object = rel.object
															   AND s.owner IS NOT NULL)))
UNION ALL
-- nobody may reference the extension's tables from a table of its own (a
-- foreign key tells which keys exist, whatever row-level security hides),
-- put triggers on them, or truncate them
SELECT format('%s: %s has the %s privilege', object, role, priv)
  FROM rel WHERE granted AND priv IN ('REFERENCES', 'TRIGGER', 'TRUNCATE')
UNION ALL
SELECT format('%s: PUBLIC has privileges %s', m.object, a.privilege_type)
  FROM am.members m, aclexplode((SELECT relacl FROM pg_class WHERE oid = m.oid)) a
 WHERE m.kind IN ('table', 'view', 'sequence') AND a.grantee = 0
UNION ALL
-- a role that may change rows may read them (the attempts filter by owner)
SELECT format('%s: %s may %s but not SELECT', object, role, priv)
  FROM rel
 WHERE granted AND priv IN ('UPDATE', 'DELETE')
   AND NOT has_table_privilege(role, oid, 'SELECT')
UNION ALL
-- the column privileges are exactly the declared ones
SELECT format('%s.%s: %s %s on the column is %s', g.object, g.column, g.role, g.privilege,
			  CASE WHEN g.declared THEN 'declared but not granted' ELSE 'granted but not declared' END)
  FROM (SELECT coalesce(x.object, y.object) AS object, coalesce(x.column, y.column) AS column,
			   coalesce(x.role, y.role) AS role, coalesce(x.privilege, y.privilege) AS privilege,
			   x.object IS NOT NULL AS declared, y.object IS NOT NULL AS granted
		  FROM am.column_grants x
		  FULL JOIN (SELECT m.object, a.attname::text AS column,
							CASE WHEN e.grantee = 0 THEN 'PUBLIC' ELSE e.grantee::regrole::text END AS role,
							e.privilege_type AS privilege
					   FROM am.members m
					   JOIN pg_attribute a ON a.attrelid = m.oid AND a.attacl IS NOT NULL
					  CROSS JOIN LATERAL aclexplode(a.attacl) e) y
			ON (x.object, x.column, x.role, x.privilege) = (y.object, y.column, y.role, y.privilege)) g
 WHERE g.declared <> g.granted
UNION ALL
-- a function a role may not execute is refused to it
SELECT format('%s: %s lacks EXECUTE, but the policy expects %s', e.object, e.role, e.expected)
  FROM am.expected e JOIN am.members m ON m.object = e.object
 WHERE e.action = 'execute' AND NOT has_function_privilege(e.role, m.oid, 'EXECUTE') AND e.expected <> '42501'
UNION ALL
-- the sequences: nextval needs USAGE (or UPDATE), SELECT needs SELECT, setval UPDATE
SELECT format('%s: %s %s, but %s got %s', l.object, l.role,
			  CASE WHEN g THEN 'has the privilege' ELSE 'lacks the privilege' END, l.action, l.label)
  FROM am.labels l JOIN am.members m ON m.object = l.object AND m.kind = 'sequence'
 CROSS JOIN LATERAL (SELECT CASE l.action
			WHEN 'nextval' THEN has_sequence_privilege(l.role, m.oid, 'USAGE') OR has_sequence_privilege(l.role, m.oid, 'UPDATE')
			WHEN 'seq_select' THEN has_sequence_privilege(l.role, m.oid, 'SELECT')
			WHEN 'setval' THEN has_sequence_privilege(l.role, m.oid, 'UPDATE') END AS g) x
 WHERE l.role <> (SELECT role FROM am.roles WHERE class = 'superuser')
   AND (g AND l.label = '42501' OR NOT g AND l.label <> '42501')
UNION ALL
-- the schema: used by all, created in by none
SELECT format('schema retention: %s has CREATE', r.role)
  FROM am.roles r WHERE r.class <> 'superuser' AND has_schema_privilege(r.role, 'retention', 'CREATE');

-- LEAKPROOF only where reviewed; no SECURITY DEFINER
CREATE VIEW am.function_marks AS
SELECT format('%s is LEAKPROOF but not reviewed (am.leakproof_reviewed)', m.object) AS problem
  FROM am.members m JOIN pg_proc p ON p.oid = m.oid
 WHERE p.proleakproof AND m.object NOT IN (SELECT object FROM am.leakproof_reviewed)
UNION ALL
SELECT format('%s is reviewed as LEAKPROOF but is not marked so', r.object)
  FROM am.leakproof_reviewed r JOIN am.members m ON m.object = r.object JOIN pg_proc p ON p.oid = m.oid
 WHERE NOT p.proleakproof
UNION ALL
SELECT format('%s is SECURITY DEFINER', m.object)
  FROM am.members m JOIN pg_proc p ON p.oid = m.oid WHERE p.prosecdef;

-- Every NOTIFY in the extension's SQL names a declared channel, with the
-- declared (empty) payload
CREATE VIEW am.notify_problems AS
WITH calls AS (
	SELECT m.object, x.c[1] AS channel, x.c[2] AS payload
	  FROM am.members m JOIN pg_proc p ON p.oid = m.oid
	 CROSS JOIN LATERAL regexp_matches(p.prosrc, 'pg_notify\s*\(\s*''([^'']*)''\s*,\s*([^)]*)\)', 'g') x (c)
	UNION ALL
	SELECT m.object, x.c[1], coalesce(x.c[2], '''''')
	  FROM am.members m JOIN pg_proc p ON p.oid = m.oid
	 CROSS JOIN LATERAL regexp_matches(p.prosrc, '\mNOTIFY\s+([a-z_0-9]+)\s*(?:,\s*([^;]*))?;', 'gi') x (c)
)
SELECT format('%s notifies %s with payload %s: declared %s', c.object, c.channel, c.payload,
			  coalesce(quote_literal(n.payload), 'nothing')) AS problem
  FROM calls c LEFT JOIN am.notify_channels n ON n.channel = c.channel
 WHERE n.channel IS NULL OR btrim(c.payload) <> quote_literal(n.payload)
UNION ALL
SELECT format('channel %s is declared but no function notifies it', n.channel)
  FROM am.notify_channels n WHERE n.channel NOT IN (SELECT channel FROM calls);

-- Where both reps get a filtered view or result, they do not get the same
-- one (each sees what its own rows give, not some common subset)
CREATE VIEW am.same_filters AS
SELECT r1.object, r1.action
  FROM am.results r1
  JOIN am.results r2 ON r2.object = r1.object AND r2.action = r1.action AND r2.target = r1.target
 WHERE r1.role = 'am_rep1' AND r2.role = 'am_rep2' AND r1.action IN ('select', 'execute')
   AND r1.state = 'ok' AND r2.state = 'ok' AND r1.fp = r2.fp
   AND EXISTS (SELECT FROM am.labels l WHERE l.role = 'am_rep1' AND l.object = r1.object
				  AND l.action = r1.action AND l.label = 'filtered')
   AND EXISTS (SELECT FROM am.labels l WHERE l.role = 'am_rep2' AND l.object = r1.object
				  AND l.action = r1.action AND l.label = 'filtered');
