"""test/tap/bi/clients.py: the Python side of test/tap/bi_drivers.sh.

Run with Debian's /usr/bin/python3 (the packages python3-pyodbc,
python3-psycopg2 and python3-pandas are installed for it):

    clients.py proxy SOCKET_DIR PORT          forward 127.0.0.1:<free port> to
                                              the server's Unix socket; prints
                                              the port, then serves (for JDBC,
                                              which has no Unix sockets)
    clients.py plan CATALOG                   for BiJdbc.java: name, SELECT and
                                              column classes of each relation
    clients.py refsql CATALOG                 the psql script that prints the
                                              reference values
    clients.py odbc CATALOG                   read every relation through
    clients.py psycopg CATALOG                psqlODBC / psycopg2 and pandas
    clients.py check CATALOG REF ODBC JDBC PSYCOPG
                                              the checks, one line each:
                                              PASS|FAIL <tab> what <tab> detail

CATALOG is the JSON of catalog.sql; the readers print JSON on stdout.  The
connection comes from BI_HOST, BI_PORT, BI_DB, BI_USER and BI_PASSWORD.
"""

import datetime
import decimal
import json
import os
import socket
import sys
import threading
import time
import warnings

# What each driver must report for each class of the contract (README, "BI
# tools"), with the driver settings the README gives.
ODBC_TYPES = {  # SQLColumns DATA_TYPE
    "boolean": {-7},              # SQL_BIT (BoolsAsChar=0)
    "smallint": {5},              # SQL_SMALLINT
    "integer": {4},               # SQL_INTEGER
    "bigint": {-5},               # SQL_BIGINT
    "numeric": {2},               # SQL_NUMERIC
    "varchar": {12, -9},          # SQL_VARCHAR, SQL_WVARCHAR
    "text": {12, -9},             # TextAsLongVarchar=0: not a memo
    "date": {91},                 # SQL_TYPE_DATE
    "timestamptz": {93},          # SQL_TYPE_TIMESTAMP
    "float": {6, 8},              # SQL_FLOAT, SQL_DOUBLE (tables only)
}
JDBC_TYPES = {  # java.sql.Types
    "boolean": {-7, 16}, "smallint": {5}, "integer": {4}, "bigint": {-5},
    "numeric": {2}, "varchar": {12}, "text": {12}, "date": {91},
    "timestamptz": {93, 2014}, "float": {8},
}
# pandas dtype kinds: numbers from a plain read_sql; dates and times with
# the README's parse_dates
PANDAS_KINDS = {"smallint": "iuf", "integer": "iuf", "bigint": "iuf",
                "numeric": "f", "float": "f", "date": "M", "timestamptz": "M"}


def conn_info():
    e = os.environ
    return e["BI_HOST"], e["BI_PORT"], e["BI_DB"], e["BI_USER"], e.get("BI_PASSWORD", "")


def load(path):
    with open(path) as f:
        return json.load(f)


def readable(catalog):
    """The relations every client reads: those the analyst may read."""
    return [r for r in catalog["relations"] if r["readable"]]


def quote_ident(name):
    return '"' + name.replace('"', '""') + '"'


def select_sql(rel):
    """What every client sends: SELECT * in one order."""
    keys = [quote_ident(c["name"]) for c in rel["columns"] if c["orderable"]]
    sql = "SELECT * FROM %s" % rel["name"]
    return sql + (" ORDER BY " + ", ".join(keys) if keys else "")


def canon(value, cls):
    """One value as the string the clients and psql are compared by."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "t" if value else "f"
    if cls == "float":
        return repr(float(value))
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
            return value.isoformat(timespec="microseconds")
        # ODBC has no time zones: the session's local time
        return "local " + value.isoformat(timespec="microseconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def refsql(catalog):
    """A psql script printing, per relation, its rows as JSON arrays of text."""
    out = []
    for rel in readable(catalog):
        exprs = []
        for c in rel["columns"]:
            q = quote_ident(c["name"])
            if c["class"] == "boolean":
                e = "CASE WHEN %s THEN 't' WHEN NOT %s THEN 'f' END" % (q, q)
            elif c["class"] == "date":
                e = "to_char(%s, 'YYYY-MM-DD')" % q
            elif c["class"] == "timestamptz":
                e = ("json_build_array(to_char(%s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), "
                     "'local ' || to_char(%s, 'YYYY-MM-DD\"T\"HH24:MI:SS.US'))" % (q, q))
            else:
                e = "%s::text" % q
            exprs.append(e)
        keys = [quote_ident(c["name"]) for c in rel["columns"] if c["orderable"]]
        order = (" ORDER BY " + ", ".join(keys)) if keys else ""
        out.append("SELECT json_build_object('name', %s, 'rows', coalesce(json_agg(json_build_array(%s)%s), '[]')) FROM %s;"
                   % ("'" + rel["name"].replace("'", "''") + "'", ", ".join(exprs), order, rel["name"]))
    return "\n".join(out) + "\n"


def read_odbc(catalog):
    import pyodbc
    host, port, db, user, password = conn_info()
    # The driver settings of the README: booleans as booleans, text as a
    # sized varchar (not a memo field) whose size is the longest value read
    cs = ("Driver={PostgreSQL Unicode};Servername=%s;Port=%s;Database=%s;UID=%s;PWD=%s;"
          "BoolsAsChar=0;TextAsLongVarchar=0;UnknownSizes=2;MaxVarcharSize=65535"
          % (host, port, db, user, password))
    conn = pyodbc.connect(cs, autocommit=True)
    cur = conn.cursor()
    schema = catalog["relations"][0]["schema"] if catalog["relations"] else "retention"
    listed = sorted("%s.%s" % (t.table_schem, t.table_name)
                    for t in cur.tables(schema=schema) if t.table_type in ("TABLE", "VIEW", "SYSTEM TABLE",
                                                                          "MATERIALIZED VIEW", "FOREIGN TABLE"))
    result = {"listed": listed, "relations": {}}
    for rel in readable(catalog):
        entry = {"columns": [], "rows": [], "error": None}
        try:
            meta = {c.column_name: c for c in cur.columns(schema=rel["schema"], table=rel["relname"])}
            cur.execute(select_sql(rel))
            for d, c in zip(cur.description, rel["columns"]):
                m = meta.get(d[0])
                entry["columns"].append({
                    "name": d[0],
                    "type": m.data_type if m else None, "type_name": m.type_name if m else None,
                    "size": m.column_size if m else None, "scale": m.decimal_digits if m else None,
                    "result_size": d[3], "result_precision": d[4], "result_scale": d[5]})
            classes = [c["class"] for c in rel["columns"]]
            for row in cur.fetchall():
                entry["rows"].append([canon(v, k) for v, k in zip(row, classes)])
        except pyodbc.Error as e:
            entry["error"] = str(e)
        result["relations"][rel["name"]] = entry
    return result


def read_psycopg(catalog):
    import pandas
    import psycopg2
    host, port, db, user, password = conn_info()
    conn = psycopg2.connect(host=host, port=port, dbname=db, user=user, password=password)
    conn.autocommit = True
    result = {"relations": {}}
    warnings.simplefilter("ignore")  # pandas: "only supports SQLAlchemy connectable"
    for rel in readable(catalog):
        entry = {"columns": [], "rows": [], "error": None}
        try:
            cur = conn.cursor()
            cur.execute(select_sql(rel))
            classes = [c["class"] for c in rel["columns"]]
            for d in cur.description:
                entry["columns"].append({"name": d.name, "type": d.type_code,
                                         "size": d.internal_size, "precision": d.precision,
                                         "scale": d.scale})
            for row in cur.fetchall():
                entry["rows"].append([None if k == "raw" else canon(v, k) for v, k in zip(row, classes)])
            # pandas as a notebook reads it: plain, then with the README's
            # parse_dates (timestamptz in UTC, whatever its offsets)
            frame = pandas.read_sql(select_sql(rel), conn)
            entry["dtypes"] = [str(t) for t in frame.dtypes]
            entry["kinds"] = [t.kind for t in frame.dtypes]
            entry["nonnull"] = [int(frame[c].notna().sum()) for c in frame.columns]
            dates = {}
            for d in cur.description:
                if d.type_code == 1184:
                    dates[d.name] = {"utc": True}
                elif d.type_code == 1082:
                    dates[d.name] = {}
            frame = pandas.read_sql(select_sql(rel), conn, parse_dates=dates)
            entry["dtypes_parsed"] = [str(t) for t in frame.dtypes]
            entry["kinds_parsed"] = [t.kind for t in frame.dtypes]
        except psycopg2.Error as e:
            entry["error"] = str(e).strip()
        result["relations"][rel["name"]] = entry
    return result


class Checks:
    def __init__(self):
        self.lines = []

    def add(self, description, problems, limit=12):
        problems = list(problems)
        status = "FAIL" if problems else "PASS"
        detail = "; ".join(problems[:limit]) + (" ..." if len(problems) > limit else "")
        self.lines.append("%s\t%s\t%s" % (status, description, detail))


def catalog_checks(catalog, checks):
    """The contract as the catalog shows it (no driver needed)."""
    rels = catalog["relations"]
    views = [r for r in rels if r["kind"] in ("v", "m")]
    checks.add("every view has a comment, and so has every column of every view",
               ["%s%s" % (r["name"], "" if c is None else "." + c["name"])
                for r in views for c in [None] + r["columns"]
                if (r["comment"] if c is None else c["comment"]) is None])
    checks.add("every column of every table the analyst reads has a comment",
               ["%s.%s" % (r["name"], c["name"]) for r in rels
                if r["kind"] not in ("v", "m") and r["readable"] for c in r["columns"]
                if c["comment"] is None])
    checks.add("every view column is of a contract type (no float, array, interval, jsonb, extension type; numerics with precision, varchars with length)",
               ["%s.%s %s" % (r["name"], c["name"], c["type"]) for r in views
                for c in r["columns"] if c["class"] in ("float", "raw")])
    byname = {r["name"]: r for r in rels}
    bad = []
    for r in rels:
        if r["parent"]:
            if r["readable"] != byname.get(r["parent"], {}).get("readable"):
                bad.append("%s (partition of %s): the analyst %s read it but %s the table"
                           % (r["name"], r["parent"], "may" if r["readable"] else "may not",
                              "not" if r["readable"] else "may"))
        elif not r["readable"] and r["granted"]:
            bad.append("%s: granted to a retention role, not readable by the analyst" % r["name"])
    checks.add("every relation a BI tool lists is readable by the analyst, or by no retention role (partitions as their table)", bad)


def compare_rows(name, ref_rows, got_rows, classes, local_times, skip_raw, problems):
    if len(ref_rows) != len(got_rows):
        problems.append("%s: %d rows, psql %d" % (name, len(got_rows), len(ref_rows)))
        return
    for i, (a, b) in enumerate(zip(ref_rows, got_rows)):
        for j, k in enumerate(classes):
            want, got = a[j], b[j]
            if k == "raw" and skip_raw:
                continue
            if k == "timestamptz" and want is not None:
                want = want[1] if local_times else want[0]
            if k == "float":
                want = None if want is None else repr(float(want))
                got = None if got is None else repr(float(got))
            if want != got:
                problems.append("%s row %d column %d: %r, psql %r" % (name, i + 1, j + 1, got, want))
                return


def client_checks(catalog, ref, odbc, jdbc, pg, checks):
    rels = readable(catalog)
    names = sorted(r["name"] for r in catalog["relations"])
    for client, data in (("psqlODBC", odbc), ("pgJDBC", jdbc), ("psycopg2", pg)):
        checks.add("%s reads all %d relations the analyst may read" % (client, len(rels)),
                   ["%s: %s" % (r["name"], (data["relations"].get(r["name"]) or {"error": "not read"})["error"])
                    for r in rels if (data["relations"].get(r["name"]) or {"error": "not read"})["error"]])
    for client, data in (("psqlODBC SQLTables", odbc), ("pgJDBC getTables", jdbc)):
        listed = sorted(data["listed"])
        problems = ["lists %s, not in the catalog" % n for n in listed if n not in names]
        problems += ["does not list %s" % n for n in names if n not in listed]
        checks.add("%s lists exactly the relations of the catalog" % client, problems)

    def type_problems(client, data, expected, sized):
        problems = []
        for r in rels:
            entry = data["relations"].get(r["name"])
            if not entry or entry["error"]:
                continue
            for c, d in zip(r["columns"], entry["columns"]):
                want = expected.get(c["class"])
                if want is None:
                    continue
                if d["type"] not in want:
                    problems.append("%s.%s (%s): %s %s" % (r["name"], c["name"], c["type"], d["type"],
                                                           d.get("type_name")))
                elif sized and c["class"] in ("numeric", "varchar") and d["size"] != c["precision"]:
                    problems.append("%s.%s (%s): size %s" % (r["name"], c["name"], c["type"], d["size"]))
        return problems

    checks.add("pgJDBC getColumns gives every column its comment as REMARKS (the description BI tools show)",
               ["%s.%s: %r" % (r["name"], c["name"], jdbc["relations"][r["name"]].get("remarks", {}).get(c["name"]))
                for r in rels if r["name"] in jdbc["relations"] for c in r["columns"]
                if c["comment"] and jdbc["relations"][r["name"]].get("remarks", {}).get(c["name"]) != c["comment"]])
    checks.add("psqlODBC: every column of a contract type has its SQL type (SQLColumns)",
               type_problems("odbc", odbc, ODBC_TYPES, False))
    checks.add("pgJDBC: every column of a contract type has its java.sql.Types type (ResultSetMetaData)",
               type_problems("jdbc", jdbc, JDBC_TYPES, False))
    checks.add("psycopg2: every column has the type of the catalog (type_code)",
               ["%s.%s: %s" % (r["name"], c["name"], d["type"]) for r in rels
                for c, d in zip(r["columns"], pg["relations"].get(r["name"], {}).get("columns", []))
                if d["type"] != c["oid"]])

    # numerics with precision and scale, varchars with their length
    for client, data, size_key, scale_key in (("psqlODBC", odbc, "size", "scale"),
                                              ("pgJDBC", jdbc, "precision", "scale"),
                                              ("psycopg2", pg, "precision", "scale")):
        problems = []
        for r in rels:
            entry = data["relations"].get(r["name"])
            if not entry or entry["error"]:
                continue
            for c, d in zip(r["columns"], entry["columns"]):
                if c["class"] == "numeric" and (d[size_key] != c["precision"] or d[scale_key] != c["scale"]):
                    problems.append("%s.%s (%s): %s,%s" % (r["name"], c["name"], c["type"], d[size_key], d[scale_key]))
                if c["class"] == "varchar" and client != "psycopg2" and d[size_key] != c["precision"]:
                    problems.append("%s.%s (%s): length %s" % (r["name"], c["name"], c["type"], d[size_key]))
        checks.add("%s: numerics report their precision and scale%s" %
                   (client, "" if client == "psycopg2" else ", varchars their length"), problems)

    # text is never a memo field nor cut short through ODBC
    problems = []
    for r in rels:
        entry = odbc["relations"].get(r["name"])
        if not entry or entry["error"]:
            continue
        for j, (c, d) in enumerate(zip(r["columns"], entry["columns"])):
            if c["class"] != "text":
                continue
            longest = max([len(row[j]) for row in entry["rows"] if row[j] is not None] or [0])
            if d["result_size"] is not None and d["result_size"] < longest:
                problems.append("%s.%s: size %s, longest value %d" % (r["name"], c["name"], d["result_size"], longest))
    checks.add("psqlODBC: text columns report a size that holds their longest value", problems)

    refs = {x["name"]: x["rows"] for x in ref}
    for client, data, local, skip_raw in (("psqlODBC", odbc, True, False), ("pgJDBC", jdbc, False, False),
                                          ("psycopg2", pg, False, True)):
        problems = []
        total = 0
        for r in rels:
            entry = data["relations"].get(r["name"])
            if not entry or entry["error"]:
                continue
            total += len(entry["rows"])
            compare_rows(r["name"], refs.get(r["name"], []), entry["rows"],
                         [c["class"] for c in r["columns"]], local, skip_raw, problems)
        checks.add("%s: the same rows and values as psql (%d rows)" % (client, total), problems)

    for key, kinds_key, what in (("plain", "kinds", "pandas.read_sql: integer and numeric columns have numeric dtypes"),
                                 ("parsed", "kinds_parsed",
                                  "pandas.read_sql with parse_dates (utc for timestamptz): date and timestamptz columns are datetime64")):
        problems = []
        checked = 0
        for r in rels:
            entry = pg["relations"].get(r["name"])
            if not entry or entry["error"]:
                continue
            for j, c in enumerate(r["columns"]):
                want = PANDAS_KINDS.get(c["class"])
                if want is None or (key == "plain") != (want != "M") or entry["nonnull"][j] == 0:
                    continue
                checked += 1
                if entry[kinds_key][j] not in want:
                    problems.append("%s.%s (%s): %s" % (r["name"], c["name"], c["type"],
                                                        entry["dtypes" if key == "plain" else "dtypes_parsed"][j]))
        checks.add("%s (%d columns with data)" % (what, checked), problems)


def proxy(socket_dir, port):
    """Forward TCP connections on 127.0.0.1 to the server's Unix socket."""
    path = os.path.join(socket_dir, ".s.PGSQL.%s" % port)
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    print(server.getsockname()[1], flush=True)

    def pump(a, b):
        try:
            while True:
                data = a.recv(65536)
                if not data:
                    break
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    # End with the test that started it, however the test ends.
    parent = os.getppid()

    def watch_parent():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch_parent, daemon=True).start()
    while True:
        client, _ = server.accept()
        upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        upstream.connect(path)
        threading.Thread(target=pump, args=(client, upstream), daemon=True).start()
        threading.Thread(target=pump, args=(upstream, client), daemon=True).start()


def main(argv):
    cmd = argv[1]
    if cmd == "proxy":
        proxy(argv[2], argv[3])
    elif cmd == "plan":
        # for the JDBC reader: name, SELECT, classes, schema, table, one
        # relation a line
        for rel in readable(load(argv[2])):
            print("\t".join([rel["name"], select_sql(rel), ",".join(c["class"] for c in rel["columns"]),
                             rel["schema"], rel["relname"]]))
    elif cmd == "refsql":
        sys.stdout.write(refsql(load(argv[2])))
    elif cmd in ("odbc", "psycopg"):
        catalog = load(argv[2])
        data = read_odbc(catalog) if cmd == "odbc" else read_psycopg(catalog)
        json.dump(data, sys.stdout)
    elif cmd == "catalog-check":
        checks = Checks()
        catalog_checks(load(argv[2]), checks)
        print("\n".join(checks.lines))
    elif cmd == "check":
        catalog = load(argv[2])
        with open(argv[3]) as f:
            ref = [json.loads(line) for line in f if line.strip()]
        checks = Checks()
        client_checks(catalog, ref, load(argv[4]), load(argv[5]), load(argv[6]), checks)
        print("\n".join(checks.lines))
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv)
