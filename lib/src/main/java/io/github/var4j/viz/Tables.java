package io.github.var4j.viz;

import io.github.var4j.util.Require;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Tablesaw helpers: metric tables, tables from rows, and a small HTML renderer (tablesaw-html is
 * not a dependency) so a notebook can {@code display("html", Tables.toHtml(t))}.
 */
public final class Tables {
  private Tables() {}

  /** A two-column table "metric" (string) / "value" (double), rows in the map's iteration order. */
  public static Table metrics(Map<String, ? extends Number> metrics) {
    return metrics(metrics, 0);
  }

  /**
   * {@link #metrics(Map)} with every non-integer value rounded to {@code significant} digits (0: as
   * they are), for measurements whose last digits are rounding noise (an evaluation repeated on
   * another CPU).
   */
  public static Table metrics(Map<String, ? extends Number> metrics, int significant) {
    if (metrics == null) throw new IllegalArgumentException("metrics must not be null");
    StringColumn names = StringColumn.create("metric");
    DoubleColumn values = DoubleColumn.create("value");
    for (Map.Entry<String, ? extends Number> e : metrics.entrySet()) {
      if (e.getKey() == null) throw new IllegalArgumentException("metric name must not be null");
      names.append(e.getKey());
      if (e.getValue() == null) values.appendMissing();
      else values.append(round(e.getValue().doubleValue(), significant));
    }
    return Table.create("metrics", names, values);
  }

  /** {@code v} to {@code significant} digits (integers, non-finite values and 0 digits: as is). */
  static double round(double v, int significant) {
    if (significant <= 0 || v == Math.rint(v) || !Double.isFinite(v)) return v;
    return new java.math.BigDecimal(v)
        .round(new java.math.MathContext(significant, java.math.RoundingMode.HALF_EVEN))
        .doubleValue();
  }

  /**
   * A table from rows. Column types are inferred from the non-null cells of each column: all
   * Integer/Short/Byte -> INTEGER, all integral (also Long) -> LONG, all Number -> DOUBLE, all
   * Boolean -> BOOLEAN, otherwise STRING ({@code String.valueOf}); null cells are missing values.
   */
  public static Table fromRows(String name, List<String> columns, List<Object[]> rows) {
    if (columns == null || columns.isEmpty())
      throw new IllegalArgumentException("columns must not be empty");
    if (rows == null) throw new IllegalArgumentException("rows must not be null");
    Set<String> seen = new HashSet<>();
    for (int c = 0; c < columns.size(); c++) {
      String col = columns.get(c);
      if (col == null) throw new IllegalArgumentException("columns[" + c + "] is null");
      if (!seen.add(col)) throw new IllegalArgumentException("duplicate column name '" + col + "'");
    }
    int nc = columns.size();
    for (int r = 0; r < rows.size(); r++) {
      Object[] row = rows.get(r);
      if (row == null) throw new IllegalArgumentException("rows[" + r + "] is null");
      if (row.length != nc) {
        throw new IllegalArgumentException(
            "rows[" + r + "] must have " + nc + " cells (one per column), got " + row.length);
      }
    }
    List<Column<?>> cols = new ArrayList<>(nc);
    for (int c = 0; c < nc; c++) cols.add(column(columns.get(c), c, rows));
    return Table.create(name == null ? "" : name, cols);
  }

  private static Column<?> column(String name, int c, List<Object[]> rows) {
    boolean allInt = true, allIntegral = true, allNumber = true, allBool = true;
    for (Object[] row : rows) {
      Object v = row[c];
      if (v == null) continue;
      boolean isInt = v instanceof Integer || v instanceof Short || v instanceof Byte;
      allInt &= isInt;
      allIntegral &= isInt || v instanceof Long;
      allNumber &= v instanceof Number;
      allBool &= v instanceof Boolean;
    }
    boolean anyValue = rows.stream().anyMatch(r -> r[c] != null);
    if (!anyValue) {
      StringColumn s = StringColumn.create(name);
      for (int i = 0; i < rows.size(); i++) s.appendMissing();
      return s;
    }
    if (allInt)
      return fill(IntColumn.create(name), c, rows, (col, v) -> col.append(((Number) v).intValue()));
    if (allIntegral)
      return fill(
          LongColumn.create(name), c, rows, (col, v) -> col.append(((Number) v).longValue()));
    if (allNumber)
      return fill(
          DoubleColumn.create(name), c, rows, (col, v) -> col.append(((Number) v).doubleValue()));
    if (allBool)
      return fill(BooleanColumn.create(name), c, rows, (col, v) -> col.append((Boolean) v));
    return fill(StringColumn.create(name), c, rows, (col, v) -> col.append(String.valueOf(v)));
  }

  /**
   * {@code col} with cell {@code c} of every row appended: a missing value for null, else through
   * {@code append}.
   */
  private static <C extends Column<?>> C fill(
      C col, int c, List<Object[]> rows, BiConsumer<C, Object> append) {
    for (Object[] row : rows) {
      if (row[c] == null) col.appendMissing();
      else append.accept(col, row[c]);
    }
    return col;
  }

  /** All rows as an HTML table. */
  public static String toHtml(Table table) {
    return toHtml(table, Integer.MAX_VALUE);
  }

  /**
   * An HTML {@code <table>}: caption = table name, header = column names, numbers right-aligned,
   * missing values as empty cells, at most {@code maxRows} rows (then a final row "... N more
   * rows"). Doubles are written by {@link #formatDouble(double)}. All text is escaped with {@link
   * #escape(String)}.
   */
  public static String toHtml(Table table, int maxRows) {
    if (table == null) throw new IllegalArgumentException("table must not be null");
    Require.atLeast("maxRows", maxRows, 0);
    StringBuilder sb = new StringBuilder();
    String cell = "border:1px solid #ccc;padding:2px 6px;";
    sb.append(
        "<table class=\"var4j-table\" style=\"border-collapse:collapse;font-family:sans-serif;"
            + "font-size:13px\">\n");
    if (table.name() != null && !table.name().isEmpty()) {
      sb.append("<caption style=\"font-weight:bold;text-align:left\">")
          .append(escape(table.name()))
          .append("</caption>\n");
    }
    List<Column<?>> cols = table.columns();
    sb.append("<thead><tr>");
    for (Column<?> col : cols) {
      sb.append("<th style=\"")
          .append(cell)
          .append("background:#f0f0f0\">")
          .append(escape(col.name()))
          .append("</th>");
    }
    sb.append("</tr></thead>\n<tbody>\n");
    int n = table.rowCount(), shown = Math.min(n, maxRows);
    for (int r = 0; r < shown; r++) {
      sb.append("<tr>");
      for (Column<?> col : cols) {
        boolean numeric = isNumeric(col.type());
        sb.append("<td style=\"")
            .append(cell)
            .append(numeric ? "text-align:right" : "text-align:left")
            .append("\">")
            .append(escape(cellText(col, r)))
            .append("</td>");
      }
      sb.append("</tr>\n");
    }
    if (shown < n) {
      sb.append("<tr><td colspan=\"")
          .append(cols.size())
          .append("\" style=\"")
          .append(cell)
          .append("font-style:italic\">… ")
          .append(n - shown)
          .append(" more rows</td></tr>\n");
    }
    sb.append("</tbody>\n</table>");
    return sb.toString();
  }

  /** Text of one cell; empty for missing values. */
  static String cellText(Column<?> col, int r) {
    if (col.isMissing(r)) return "";
    if (col instanceof DoubleColumn d) return formatDouble(d.getDouble(r));
    return col.getString(r);
  }

  /**
   * Compact number text: integral values below 1e15 without decimals ("3"), values with 1e-4 <= |v|
   * < 1e6 with 6 significant digits and no trailing zeros ("0.123457"), others in scientific
   * notation ("1.2346e-09"); NaN/Infinity as Java writes them.
   */
  public static String formatDouble(double v) {
    if (!Double.isFinite(v)) return Double.toString(v);
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
    double a = Math.abs(v);
    if (a >= 1e-4 && a < 1e6) {
      String s = String.format(Locale.ROOT, "%.6g", v);
      if (s.contains("e")) return s;
      if (s.contains(".")) s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
      return s;
    }
    return String.format(Locale.ROOT, "%.4e", v);
  }

  /** HTML-escapes &, <, >, " and '. */
  public static String escape(String s) {
    if (s == null) return "";
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(ch);
      }
    }
    return sb.toString();
  }

  private static boolean isNumeric(ColumnType t) {
    return t == ColumnType.DOUBLE
        || t == ColumnType.INTEGER
        || t == ColumnType.LONG
        || t == ColumnType.FLOAT
        || t == ColumnType.SHORT;
  }
}
