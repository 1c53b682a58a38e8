// test/tap/bi/BiJdbc.java: the pgJDBC side of test/tap/bi_drivers.sh.
//
//     java -cp /usr/share/java/postgresql.jar:DIR BiJdbc URL USER PASSWORD SCHEMA < PLAN
//
// PLAN (clients.py plan) has one relation a line: name, SELECT, column
// classes, schema, table.  Prints JSON: the relations getTables lists in SCHEMA, and for
// each relation read its getColumns REMARKS, its ResultSetMetaData and its rows, each value as the
// string the test compares (timestamptz as UTC, dates as yyyy-mm-dd).
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

public class BiJdbc {
	private static final DateTimeFormatter UTC =
		DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

	/* A JSON string, or null */
	static String js(String s) {
		if (s == null)
			return "null";
		StringBuilder b = new StringBuilder("\"");
		for (char c : s.toCharArray()) {
			if (c == '"' || c == '\\')
				b.append('\\').append(c);
			else if (c < 0x20)
				b.append(String.format("\\u%04x", (int) c));
			else
				b.append(c);
		}
		return b.append('"').toString();
	}

	/* One value as the test compares it, read the way BI tools read it */
	static String value(ResultSet rs, int i, String cls) throws SQLException {
		switch (cls) {
			case "boolean": {
				boolean v = rs.getBoolean(i);
				return rs.wasNull() ? null : (v ? "t" : "f");
			}
			case "numeric": {
				BigDecimal v = rs.getBigDecimal(i);
				return v == null ? null : v.toPlainString();
			}
			case "float": {
				double v = rs.getDouble(i);
				return rs.wasNull() ? null : Double.toString(v);
			}
			case "date": {
				java.sql.Date v = rs.getDate(i);
				return v == null ? null : v.toLocalDate().toString();
			}
			case "timestamptz": {
				Timestamp v = rs.getTimestamp(i);
				return v == null ? null : UTC.format(v.toInstant());
			}
			default:
				return rs.getString(i);
		}
	}

	public static void main(String[] args) throws Exception {
		StringBuilder out = new StringBuilder("{\"listed\": [");
		try (Connection conn = DriverManager.getConnection(args[0], args[1], args[2])) {
			DatabaseMetaData md = conn.getMetaData();
			boolean first = true;
			try (ResultSet t = md.getTables(null, args[3], "%", null)) {
				while (t.next()) {
					String type = t.getString("TABLE_TYPE");
					if (type == null || type.endsWith("INDEX") || type.endsWith("SEQUENCE") || type.endsWith("TYPE"))
						continue;
					out.append(first ? "" : ", ").append(js(t.getString("TABLE_SCHEM") + "." + t.getString("TABLE_NAME")));
					first = false;
				}
			}
			out.append("], \"relations\": {");
			BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
			String line;
			first = true;
			while ((line = in.readLine()) != null) {
				String[] f = line.split("\t", -1);
				String[] classes = f[2].isEmpty() ? new String[0] : f[2].split(",");
				out.append(first ? "" : ", ").append(js(f[0])).append(": {\"remarks\": {");
				first = false;
				// the descriptions a BI tool shows: getColumns REMARKS
				boolean firstRemark = true;
				try (ResultSet c = md.getColumns(null, f[3], f[4], "%")) {
					while (c.next()) {
						out.append(firstRemark ? "" : ", ").append(js(c.getString("COLUMN_NAME")))
							.append(": ").append(js(c.getString("REMARKS")));
						firstRemark = false;
					}
				}
				out.append("}, \"columns\": [");
				StringBuilder rows = new StringBuilder();
				String error = null;
				try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(f[1])) {
					ResultSetMetaData m = rs.getMetaData();
					for (int i = 1; i <= m.getColumnCount(); i++)
						out.append(i > 1 ? ", " : "").append("{\"name\": ").append(js(m.getColumnName(i)))
							.append(", \"type\": ").append(m.getColumnType(i))
							.append(", \"type_name\": ").append(js(m.getColumnTypeName(i)))
							.append(", \"precision\": ").append(m.getPrecision(i))
							.append(", \"scale\": ").append(m.getScale(i)).append("}");
					boolean firstRow = true;
					while (rs.next()) {
						rows.append(firstRow ? "[" : ", [");
						firstRow = false;
						for (int i = 1; i <= classes.length; i++)
							rows.append(i > 1 ? ", " : "").append(js(value(rs, i, classes[i - 1])));
						rows.append("]");
					}
				} catch (SQLException e) {
					error = e.getSQLState() + " " + e.getMessage();
				}
				out.append("], \"rows\": [").append(rows).append("], \"error\": ").append(js(error)).append("}");
			}
			out.append("}}");
		}
		System.out.println(out);
	}
}
