-- test/tap/catalog_facts.sql: the extension's catalog, one fact a line, in
-- names rather than OIDs, so that two databases can be compared with diff.
-- test/tap/upgrade.sh compares an updated install with a fresh one.
\pset format unaligned
\pset tuples_only on
SET search_path = pg_catalog, pg_temp;
SET client_min_messages = warning;

WITH ext AS (
	SELECT e.oid, e.extversion, e.extconfig, e.extcondition, e.extowner, e.extnamespace
	  FROM pg_extension e WHERE e.extname = 'retention'
), members AS (
	SELECT d.classid, d.objid, d.objsubid
	  FROM pg_depend d, ext
	 WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e'
), rels AS (
	SELECT c.oid, c.relname, c.relkind
	  FROM pg_class c
	 WHERE c.relnamespace = 'retention'::regnamespace
), facts(fact) AS (
	-- the extension itself
	SELECT format('extension version=%s', e.extversion) FROM ext e
	UNION ALL
	SELECT format('config_dump %s %s', c.oid::regclass, coalesce(e.extcondition[c.i], ''))
	  FROM ext e, unnest(e.extconfig) WITH ORDINALITY c(oid, i)
	UNION ALL
	-- every member object
	SELECT 'member ' || pg_describe_object(m.classid, m.objid, m.objsubid) FROM members m
	UNION ALL
	-- functions: definition, settings, volatility, parallel safety, strictness, security, ACL
	SELECT format('function %s: %s | config=%s | %s%s%s%s | cost=%s rows=%s | acl=%s',
				  p.oid::regprocedure,
				  CASE WHEN p.prokind = 'a' THEN 'aggregate'
					   ELSE regexp_replace(pg_get_functiondef(p.oid), '\s+', ' ', 'g') END,
				  p.proconfig, p.provolatile, p.proparallel,
				  CASE WHEN p.proisstrict THEN ' strict' ELSE '' END,
				  CASE WHEN p.prosecdef THEN ' definer' ELSE '' END,
				  p.procost, p.prorows, p.proacl)
	  FROM pg_proc p WHERE p.pronamespace = 'retention'::regnamespace
	UNION ALL
	SELECT format('aggregate %s: sfunc=%s stype=%s sspace=%s final=%s combine=%s serial=%s deserial=%s init=%s sort=%s finalmodify=%s',
				  a.aggfnoid::regprocedure, a.aggtransfn, format_type(a.aggtranstype, NULL), a.aggtransspace,
				  a.aggfinalfn, a.aggcombinefn, a.aggserialfn, a.aggdeserialfn, a.agginitval,
				  a.aggsortop::regoperator, a.aggfinalmodify)
	  FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
	 WHERE p.pronamespace = 'retention'::regnamespace
	UNION ALL
	-- relations, their options, RLS flags, ACLs and comments
	SELECT format('relation %s kind=%s rls=%s force=%s options=%s acl=%s comment=%s',
				  c.oid::regclass, c.relkind, c.relrowsecurity, c.relforcerowsecurity, c.reloptions,
				  c.relacl, obj_description(c.oid, 'pg_class'))
	  FROM pg_class c WHERE c.relnamespace = 'retention'::regnamespace
	UNION ALL
	-- columns in order (of those not dropped), types, defaults, ACLs, comments
	SELECT format('column %s #%s %s %s notnull=%s default=%s identity=%s generated=%s collation=%s acl=%s comment=%s',
				  c.oid::regclass,
				  row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum),
				  a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
				  pg_get_expr(ad.adbin, ad.adrelid), a.attidentity, a.attgenerated,
				  CASE WHEN a.attcollation <> 0 THEN a.attcollation::regcollation::text END,
				  a.attacl, col_description(c.oid, a.attnum))
	  FROM pg_class c
	  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
	  LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
	 WHERE c.relnamespace = 'retention'::regnamespace
	UNION ALL
	SELECT format('view %s: %s', c.oid::regclass, regexp_replace(pg_get_viewdef(c.oid), '\s+', ' ', 'g'))
	  FROM pg_class c WHERE c.relnamespace = 'retention'::regnamespace AND c.relkind IN ('v', 'm')
	UNION ALL
	SELECT format('partition %s of %s: %s', c.oid::regclass, i.inhparent::regclass,
				  pg_get_expr(c.relpartbound, c.oid))
	  FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid
	 WHERE c.relnamespace = 'retention'::regnamespace
	UNION ALL
	SELECT format('constraint %s.%s: %s deferrable=%s deferred=%s comment=%s', co.conrelid::regclass, co.conname,
				  pg_get_constraintdef(co.oid), co.condeferrable, co.condeferred,
				  obj_description(co.oid, 'pg_constraint'))
	  FROM pg_constraint co WHERE co.connamespace = 'retention'::regnamespace
	UNION ALL
	SELECT format('index %s', pg_get_indexdef(i.indexrelid))
	  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
	 WHERE c.relnamespace = 'retention'::regnamespace
	UNION ALL
	SELECT format('trigger %s', pg_get_triggerdef(t.oid))
	  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
	 WHERE c.relnamespace = 'retention'::regnamespace AND NOT t.tgisinternal
	UNION ALL
	SELECT format('policy %s.%s cmd=%s permissive=%s roles=%s using=%s check=%s',
				  p.schemaname, p.tablename || '.' || p.policyname, p.cmd, p.permissive,
				  p.roles, p.qual, p.with_check)
	  FROM pg_policies p WHERE p.schemaname = 'retention'
	UNION ALL
	SELECT format('type %s type=%s len=%s byval=%s align=%s storage=%s in=%s out=%s recv=%s send=%s category=%s comment=%s acl=%s',
				  t.oid::regtype, t.typtype, t.typlen, t.typbyval, t.typalign, t.typstorage, t.typinput,
				  t.typoutput, t.typreceive, t.typsend, t.typcategory, obj_description(t.oid, 'pg_type'), t.typacl)
	  FROM pg_type t WHERE t.typnamespace = 'retention'::regnamespace
	UNION ALL
	SELECT format('operator %s: %s commutator=%s negator=%s restrict=%s join=%s merges=%s hashes=%s',
				  o.oid::regoperator, o.oprcode, o.oprcom::regoperator, o.oprnegate::regoperator,
				  o.oprrest, o.oprjoin, o.oprcanmerge, o.oprcanhash)
	  FROM pg_operator o WHERE o.oprnamespace = 'retention'::regnamespace
	UNION ALL
	SELECT format('opclass %s %s for %s default=%s family=%s', am.amname, oc.opcname,
				  format_type(oc.opcintype, NULL), oc.opcdefault, of.opfname)
	  FROM pg_opclass oc JOIN pg_am am ON am.oid = oc.opcmethod
	  JOIN pg_opfamily of ON of.oid = oc.opcfamily
	 WHERE oc.opcnamespace = 'retention'::regnamespace
	UNION ALL
	SELECT format('amop %s %s strategy=%s %s', of.opfname, am.amname, ao.amopstrategy,
				  ao.amopopr::regoperator)
	  FROM pg_amop ao JOIN pg_opfamily of ON of.oid = ao.amopfamily JOIN pg_am am ON am.oid = of.opfmethod
	 WHERE of.opfnamespace = 'retention'::regnamespace
	UNION ALL
	SELECT format('amproc %s %s %s', of.opfname, ap.amprocnum, ap.amproc::regprocedure)
	  FROM pg_amproc ap JOIN pg_opfamily of ON of.oid = ap.amprocfamily
	 WHERE of.opfnamespace = 'retention'::regnamespace
	UNION ALL
	SELECT format('cast %s -> %s via %s context=%s method=%s', format_type(ca.castsource, NULL),
				  format_type(ca.casttarget, NULL), ca.castfunc::regprocedure, ca.castcontext, ca.castmethod)
	  FROM pg_cast ca JOIN members m ON m.classid = 'pg_cast'::regclass AND m.objid = ca.oid
	UNION ALL
	SELECT format('comment on %s: %s', pg_describe_object(d.classoid, d.objoid, d.objsubid), d.description)
	  FROM pg_description d JOIN members m ON m.classid = d.classoid AND m.objid = d.objoid
	UNION ALL
	SELECT format('schema retention owner-is-extension-owner=%s acl=%s',
				  n.nspowner = (SELECT extowner FROM ext), n.nspacl)
	  FROM pg_namespace n WHERE n.nspname = 'retention'
	UNION ALL
	-- seeded configuration rows
	SELECT 'row stages ' || s::text FROM retention.stages s WHERE s.builtin
	UNION ALL
	SELECT 'row transitions ' || t::text FROM retention.transitions t WHERE t.builtin
	UNION ALL
	SELECT 'row measures ' || m::text FROM retention.measures m WHERE m.builtin
	UNION ALL
	SELECT 'row scorecards ' || s::text FROM retention.scorecards s WHERE s.builtin
	UNION ALL
	SELECT 'row scorecard_measures ' || s::text FROM retention.scorecard_measures s WHERE s.builtin
)
SELECT fact FROM facts ORDER BY fact COLLATE "C";
