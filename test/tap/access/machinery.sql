-- test/tap/access/machinery.sql: the attempts of the access matrix
-- (test/tap/access_matrix.sh), after setup.sql and policy.sql.
--
-- am.statements(role) writes, for every member relation of the extension,
-- the statements that role tries: SELECT, INSERT, UPDATE and DELETE on rows
-- of its own groups and on another rep's, TRUNCATE; am.calls holds a call of
-- every member function with sample arguments.  am.try runs one statement in
-- a subtransaction that is always rolled back, so that every attempt sees the
-- same data, and returns its SQLSTATE (or ok), the rows it saw or changed and
-- a fingerprint of what it read.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

-- The members of the extension, by kind
CREATE VIEW am.members AS
SELECT CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' WHEN 'm' THEN 'view' ELSE 'table' END AS kind,
	   c.oid::regclass::text AS object, c.oid AS oid
  FROM pg_class c
  JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'retention'
UNION ALL
SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' WHEN 'p' THEN 'procedure' ELSE 'function' END,
	   p.oid::regprocedure::text, p.oid
  FROM pg_proc p
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'retention';

-- The first product (lowest id) of a rep's groups, with its deal and type
CREATE FUNCTION am.first_product(rep text, OUT id bigint, OUT deal_id bigint, OUT product_type text)
	LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
	RETURN (SELECT ROW(p.id, p.deal_id, p.product_type) FROM retention.products p
			 WHERE am.rep_of_product(p.id) = rep ORDER BY p.id LIMIT 1);

-- The test roles: the rep whose rows count as "own" for an attempt by this
-- role (itself, for a rep; am_rep1 for the others) and the "other" rep
CREATE FUNCTION am.own_rep(r text) RETURNS text LANGUAGE sql IMMUTABLE
	RETURN CASE WHEN r = 'am_rep2' THEN 'am_rep2' ELSE 'am_rep1' END;
CREATE FUNCTION am.other_rep(r text) RETURNS text LANGUAGE sql IMMUTABLE
	RETURN CASE WHEN r = 'am_rep2' THEN 'am_rep1' ELSE 'am_rep2' END;

-- The statements a role tries on every member relation.  target is 'own' or
-- 'other' when the relation's rows belong to reps (am.samples.owner), else
-- 'all'.
CREATE FUNCTION am.statements(me text)
	RETURNS TABLE (object text, action text, target text, stmt text)
	LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	m record;
	s record;
	tgt text;
	rep text;
	prod record;
	firstcol text;
BEGIN
	-- sequences: nextval, SELECT, setval
	FOR m IN SELECT * FROM am.members WHERE kind = 'sequence' ORDER BY object LOOP
		object := m.object;
		target := 'all';
		action := 'nextval';
		stmt := format('SELECT nextval(%L)', m.object);
		RETURN NEXT;
		action := 'seq_select';
		stmt := format('SELECT last_value FROM %s', m.object);
		RETURN NEXT;
		action := 'setval';
		stmt := format('SELECT setval(%L, 1000)', m.object);
		RETURN NEXT;
	END LOOP;
	FOR m IN SELECT * FROM am.members WHERE kind IN ('table', 'view') ORDER BY object LOOP
		SELECT * INTO s FROM am.samples WHERE am.samples.object = m.object;
		-- what is read, with the rows that belong to the caller and to each rep
		object := m.object;
		action := 'select';
		target := 'all';
		stmt := format('SELECT count(*), count(*) FILTER (WHERE o = current_user), '
					   'count(*) FILTER (WHERE o = ''am_rep1''), count(*) FILTER (WHERE o = ''am_rep2''), '
					   'md5(coalesce(string_agg(r, ''|'' ORDER BY r), '''')) '
					   'FROM (SELECT t::text AS r, %s AS o FROM %s t) s',
					   coalesce(s.owner, 'NULL::text'), m.object);
		RETURN NEXT;
		action := 'truncate';
		stmt := format('TRUNCATE %s', m.object);
		RETURN NEXT;
		IF m.kind = 'view' THEN
			-- views: writes of nothing, which only the view's own rules refuse
			SELECT quote_ident(a.attname) INTO firstcol FROM pg_attribute a
			 WHERE a.attrelid = m.oid AND a.attnum = 1;
			action := 'insert';
			stmt := format('INSERT INTO %1$s SELECT * FROM %1$s WHERE false', m.object);
			RETURN NEXT;
			action := 'update';
			stmt := format('UPDATE %1$s SET %2$s = %2$s WHERE false', m.object, firstcol);
			RETURN NEXT;
			action := 'delete';
			stmt := format('DELETE FROM %1$s WHERE false', m.object);
			RETURN NEXT;
			CONTINUE;
		END IF;
		CONTINUE WHEN s IS NULL;	-- reported as a table without samples
		FOREACH tgt IN ARRAY CASE WHEN s.owner IS NULL THEN '{all}'::text[] ELSE '{own,other}'::text[] END LOOP
			target := tgt;
			rep := CASE tgt WHEN 'own' THEN am.own_rep(me) WHEN 'other' THEN am.other_rep(me) END;
			SELECT * INTO prod FROM am.first_product(coalesce(rep, 'am_rep1'));
			action := 'insert';
			stmt := format(s.insert_sql, prod.id, prod.deal_id, prod.product_type);
			IF tgt = 'all' OR s.insert_sql ~ '%[123]\$' THEN
				RETURN NEXT;
			ELSIF tgt = 'own' THEN
				target := 'all';	-- an INSERT that names no product is tried once
				RETURN NEXT;
				target := tgt;
			END IF;
			action := 'update';
			stmt := format('UPDATE %s t SET %s WHERE %s', m.object, s.update_set,
						   CASE WHEN rep IS NULL THEN 'true' ELSE format('%s = %L', s.owner, rep) END);
			RETURN NEXT;
			action := 'delete';
			stmt := format('DELETE FROM %s t WHERE %s', m.object,
						   CASE WHEN rep IS NULL THEN s.delete_where ELSE format('%s = %L', s.owner, rep) END);
			RETURN NEXT;
		END LOOP;
	END LOOP;
END
$$;

-- Run one statement in a subtransaction that is rolled back whatever
-- happens.  state: ok or the SQLSTATE; n: rows read or changed; mine, rep1,
-- rep2: of the rows read, those of the caller and of each rep; fp: md5 of
-- what was read.  Deferred constraints are checked before the rollback.
CREATE FUNCTION am.try(action text, stmt text,
					   OUT state text, OUT n bigint, OUT mine bigint, OUT rep1 bigint, OUT rep2 bigint,
					   OUT fp text, OUT message text)
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	BEGIN
		IF action IN ('select', 'execute') THEN
			EXECUTE stmt INTO n, mine, rep1, rep2, fp;
		ELSE
			EXECUTE stmt;
			GET DIAGNOSTICS n = ROW_COUNT;
			SET CONSTRAINTS ALL IMMEDIATE;
		END IF;
		state := 'ok';
		RAISE EXCEPTION USING ERRCODE = 'AM000';
	EXCEPTION WHEN OTHERS THEN
		IF state IS NULL THEN
			state := SQLSTATE;
			message := SQLERRM;
		END IF;
	END;
END
$$;

------------------------------------------------------------------------------
-- Calls of every member function and aggregate, with sample arguments
------------------------------------------------------------------------------
CREATE FUNCTION am.arg(t regtype, arg text, ret regtype) RETURNS text
	LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
	RETURN format('%L::%s',
		coalesce(CASE WHEN t = 'cstring'::regtype THEN
					 (SELECT a.literal FROM am.arg_samples a WHERE a.type = ret AND a.name_pattern = '') END,
				 (SELECT a.literal FROM am.arg_samples a WHERE a.type = t AND arg ~ a.name_pattern
				   ORDER BY length(a.name_pattern) DESC LIMIT 1),
				 (SELECT a.literal FROM am.arg_samples a WHERE a.type = t AND a.name_pattern = '')),
		format_type(t, NULL));

-- What cannot be called from SQL (internal arguments or result) has no call;
-- a trigger function is called directly, and refuses.
CREATE TABLE am.calls AS
SELECT m.object,
	   CASE WHEN p.prorettype = 'internal'::regtype OR 'internal'::regtype = ANY (p.proargtypes::oid[])
			THEN NULL
			ELSE format('SELECT count(*), NULL::bigint, NULL::bigint, NULL::bigint, '
						'md5(coalesce(string_agg(r, ''|'' ORDER BY r), '''')) FROM (SELECT (%s(%s))::text AS r) s',
						p.oid::regproc,
						(SELECT string_agg(CASE WHEN a.n = p.pronargs AND p.provariadic <> 0 THEN 'VARIADIC ' ELSE '' END
										   || am.arg(a.t, coalesce(p.proargnames[a.n], ''), p.prorettype), ', ' ORDER BY a.n)
						   FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY a (t, n)))
	   END AS stmt,
	   p.pronargs > 0 AND (SELECT bool_or(am.arg(a.t, coalesce(p.proargnames[a.n], ''), p.prorettype) IS NULL)
							 FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY a (t, n)) AS unsampled
  FROM am.members m JOIN pg_proc p ON p.oid = m.oid
 WHERE m.kind IN ('function', 'aggregate', 'procedure');

-- The roles the matrix tries, and what each tries (written by the superuser)
CREATE TABLE am.roles (role text PRIMARY KEY, class text NOT NULL);
INSERT INTO am.roles VALUES ('postgres', 'superuser'), ('am_admin', 'admin'), ('am_rep1', 'rep'),
	('am_rep2', 'rep'), ('am_analyst', 'analyst'), ('am_nobody', 'nobody');
UPDATE am.roles SET role = current_user WHERE class = 'superuser';
CREATE TABLE am.plan AS
SELECT r.role, s.* FROM am.roles r, am.statements(r.role) s;

CREATE TABLE am.results (role text, object text, action text, target text, stmt text,
						 state text, n bigint, mine bigint, rep1 bigint, rep2 bigint, fp text, message text);
GRANT SELECT ON am.plan, am.calls TO PUBLIC;
GRANT INSERT ON am.results TO PUBLIC;

-- Every attempt of the calling role
CREATE FUNCTION am.run() RETURNS bigint
	LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
	BEGIN ATOMIC
		INSERT INTO am.results
		SELECT current_user, s.object, s.action, s.target, s.stmt, r.*
		  FROM am.plan s, LATERAL am.try(s.action, s.stmt) r
		 WHERE s.role = current_user;
		INSERT INTO am.results
		SELECT current_user, c.object, 'execute', 'all', c.stmt, r.*
		  FROM am.calls c, LATERAL am.try('execute', c.stmt) r
		 WHERE c.stmt IS NOT NULL;
		SELECT count(*) FROM am.plan WHERE role = current_user;
	END;

------------------------------------------------------------------------------
-- COPY through psql: a line of data for each table, made as the superuser
-- from the INSERT of its sample (on am_rep1's rows), in COPY's text format
------------------------------------------------------------------------------
CREATE FUNCTION am.copy_field(v text) RETURNS text LANGUAGE sql IMMUTABLE
	RETURN coalesce(replace(replace(replace(replace(v, E'\\', E'\\\\'), E'\t', E'\\t'), E'\n', E'\\n'), E'\r', E'\\r'),
					E'\\N');

CREATE FUNCTION am.copy_line(rel regclass, ins text, OUT cols text, OUT line text)
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	j jsonb;
	exprs text;
BEGIN
	SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum),
		   string_agg(format('am.copy_field(r.%I::text)', a.attname), ', ' ORDER BY a.attnum)
	  INTO cols, exprs
	  FROM pg_attribute a
	 WHERE a.attrelid = rel AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '';
	BEGIN
		EXECUTE format('WITH i AS (%s RETURNING *) SELECT to_jsonb(i) FROM i', split_part(ins, ';', 1)) INTO j;
		RAISE EXCEPTION USING ERRCODE = 'AM000';
	EXCEPTION WHEN OTHERS THEN
		NULL;
	END;
	IF j IS NOT NULL THEN
		EXECUTE format('SELECT concat_ws(E''\t'', %s) FROM jsonb_populate_record(NULL::%s, $1) r', exprs, rel)
		   INTO line USING j;
	END IF;
END
$$;

-- One row per relation: its columns and its line (base64, so that the shell
-- can carry it), or no line (views, and a table the superuser cannot write)
CREATE TABLE am.copy_lines AS
SELECT row_number() OVER (ORDER BY m.object) AS i, m.object, c.cols,
	   translate(encode(convert_to(c.line, 'UTF8'), 'base64'), E'\n', '') AS line
  FROM am.members m
  LEFT JOIN am.plan p ON p.object = m.object AND p.role = current_user AND p.action = 'insert'
					 AND p.target IN ('own', 'all')
  LEFT JOIN LATERAL am.copy_line(m.oid, p.stmt) c ON p.stmt IS NOT NULL
 WHERE m.kind IN ('table', 'view');
