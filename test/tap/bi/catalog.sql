-- test/tap/bi/catalog.sql: the BI surface of the extension, from the
-- catalog, as one JSON document (used by test/tap/bi_drivers.sh).
--
-- Every table, partition, view and materialized view in the extension's
-- schema, with whether the role :'analyst' may read it, whether any retention
-- role may (a relation none may read is internal), the parent of a partition,
-- and every column with its type, its class in the BI contract (README, "BI
-- tools") and its comment.  Classes: boolean, smallint, integer, bigint,
-- numeric (with precision and scale), varchar (with a length), text, date,
-- timestamptz; float (a table's double precision); raw (anything else:
-- arrays, intervals, jsonb, regclass, the extension's types, a numeric
-- without precision, a varchar without length...).  A view may hold no float
-- and no raw column.
SELECT pg_catalog.json_build_object(
	'timezone', pg_catalog.current_setting('TimeZone'),
	'relations', coalesce(pg_catalog.json_agg(r ORDER BY r.name), '[]'))
  FROM (
	SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) AS name,
		   c.relname AS relname,
		   n.nspname AS schema,
		   c.relkind AS kind,
		   pg_catalog.obj_description(c.oid, 'pg_class') AS comment,
		   pg_catalog.has_table_privilege(:'analyst', c.oid, 'SELECT') AS readable,
		   EXISTS (SELECT FROM pg_catalog.unnest(ARRAY['retention_admin', 'retention_rep',
													   'retention_analyst']) ro
					WHERE pg_catalog.has_table_privilege(ro, c.oid, 'SELECT')) AS granted,
		   (SELECT pg_catalog.format('%I.%I', pn.nspname, pc.relname)
			  FROM pg_catalog.pg_inherits i
			  JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent
			  JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
			 WHERE c.relispartition AND i.inhrelid = c.oid) AS parent,
		   (SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
					'name', a.attname,
					'type', pg_catalog.format_type(a.atttypid, a.atttypmod),
					'oid', a.atttypid::int,
					'class', CASE
						WHEN a.atttypid = 'bool'::regtype THEN 'boolean'
						WHEN a.atttypid = 'int2'::regtype THEN 'smallint'
						WHEN a.atttypid = 'int4'::regtype THEN 'integer'
						WHEN a.atttypid = 'int8'::regtype THEN 'bigint'
						WHEN a.atttypid = 'numeric'::regtype AND a.atttypmod >= 4 THEN 'numeric'
						WHEN a.atttypid = 'varchar'::regtype AND a.atttypmod >= 4 THEN 'varchar'
						WHEN a.atttypid = 'text'::regtype THEN 'text'
						WHEN a.atttypid = 'date'::regtype THEN 'date'
						WHEN a.atttypid = 'timestamptz'::regtype THEN 'timestamptz'
						WHEN a.atttypid IN ('float8'::regtype, 'float4'::regtype) THEN 'float'
						ELSE 'raw' END,
					'precision', CASE
						WHEN a.atttypid = 'numeric'::regtype AND a.atttypmod >= 4
							THEN ((a.atttypmod - 4) >> 16) & 65535
						WHEN a.atttypid = 'varchar'::regtype AND a.atttypmod >= 4
							THEN a.atttypmod - 4 END,
					'scale', CASE WHEN a.atttypid = 'numeric'::regtype AND a.atttypmod >= 4
								  THEN (a.atttypmod - 4) & 65535 END,
					'comment', pg_catalog.col_description(c.oid, a.attnum),
					-- the clients sort by every column that has a default btree
					-- operator class, so that all read the rows in one order
					'orderable', EXISTS (
						SELECT FROM pg_catalog.pg_opclass oc
						  JOIN pg_catalog.pg_am am ON am.oid = oc.opcmethod AND am.amname = 'btree'
						 WHERE oc.opcdefault
						   AND (oc.opcintype = a.atttypid
								OR oc.opcintype = 'anyarray'::regtype AND t.typcategory = 'A'
								OR oc.opcintype = 'anyenum'::regtype AND t.typtype = 'e'
								OR oc.opcintype = 'text'::regtype AND a.atttypid = 'varchar'::regtype)))
					ORDER BY a.attnum)
			  FROM pg_catalog.pg_attribute a
			  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
			 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
	  FROM pg_catalog.pg_class c
	  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
	 WHERE n.oid = (SELECT e.extnamespace FROM pg_catalog.pg_extension e WHERE e.extname = 'retention')
	   AND c.relkind IN ('r', 'p', 'v', 'm', 'f')) r;
