package io.github.var4j.viz;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;

class TablesTest {

  @Test
  void metricsTableKeepsOrderAndValues() {
    Map<String, Number> m = new LinkedHashMap<>();
    m.put("loss", 2.5);
    m.put("acc", 0.125f);
    m.put("steps", 1000);
    Table t = Tables.metrics(m);
    assertEquals(List.of("metric", "value"), t.columnNames());
    assertEquals(3, t.rowCount());
    assertEquals("loss", t.stringColumn("metric").get(0));
    assertEquals("steps", t.stringColumn("metric").get(2));
    assertEquals(2.5, t.doubleColumn("value").getDouble(0));
    assertEquals(0.125, t.doubleColumn("value").getDouble(1));
    assertEquals(1000.0, t.doubleColumn("value").getDouble(2));
  }

  @Test
  void fromRowsInfersColumnTypes() {
    List<Object[]> rows =
        List.of(
            new Object[] {"d16", 16, 310_000_000L, 3.55, true, null},
            new Object[] {"d20", 20, 600_000_000L, 2.95, false, null},
            new Object[] {"d24", null, 1, 2.33f, null, null});
    Table t =
        Tables.fromRows("models", List.of("name", "depth", "params", "fid", "ok", "empty"), rows);
    assertEquals("models", t.name());
    assertEquals(ColumnType.STRING, t.column("name").type());
    assertEquals(ColumnType.INTEGER, t.column("depth").type());
    assertEquals(ColumnType.LONG, t.column("params").type());
    assertEquals(ColumnType.DOUBLE, t.column("fid").type());
    assertEquals(ColumnType.BOOLEAN, t.column("ok").type());
    assertEquals(ColumnType.STRING, t.column("empty").type());
    assertTrue(t.column("depth").isMissing(2));
    assertEquals(20, t.intColumn("depth").getInt(1));
    assertEquals(600_000_000L, t.longColumn("params").getLong(1));
    assertEquals(2.33f, (float) t.doubleColumn("fid").getDouble(2));
  }

  @Test
  void toHtmlEscapesAndRendersStructure() {
    List<Object[]> rows =
        Arrays.asList(
            new Object[] {"<script>alert('x')</script> & co", 1.5},
            new Object[] {"a \"quoted\" b", null});
    Table t = Tables.fromRows("a<b & c>d", List.of("x<y", "value"), rows);
    String html = Tables.toHtml(t);
    assertFalse(html.contains("<script>"), html);
    assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"), html);
    assertTrue(html.contains("a &quot;quoted&quot; b"), html);
    assertTrue(html.contains(">a&lt;b &amp; c&gt;d</caption>"), html);
    assertTrue(html.contains(">x&lt;y</th>"), html);
    assertTrue(html.contains("text-align:right\">1.5</td>"), html);
    assertTrue(
        html.contains("text-align:right\"></td>"), "missing value is an empty cell: " + html);
    assertTrue(html.startsWith("<table"));
    assertTrue(html.endsWith("</table>"));
    assertEquals(3, html.split("<tr>", -1).length - 1, "header + 2 rows");
  }

  @Test
  void toHtmlTruncatesRows() {
    Map<String, Number> m = new LinkedHashMap<>();
    for (int i = 0; i < 10; i++) m.put("m" + i, i);
    String html = Tables.toHtml(Tables.metrics(m), 3);
    assertTrue(html.contains(">m2</td>"));
    assertFalse(html.contains(">m3</td>"));
    assertTrue(html.contains("… 7 more rows</td>"), html);
  }

  @Test
  void escapeAndFormatDouble() {
    assertEquals("&lt;a href=&quot;x&quot;&gt;&amp;&#39;", Tables.escape("<a href=\"x\">&'"));
    assertEquals("", Tables.escape(null));
    assertEquals("3", Tables.formatDouble(3.0));
    assertEquals("-12", Tables.formatDouble(-12.0));
    assertEquals("0.123457", Tables.formatDouble(0.1234567891));
    assertEquals("2.5", Tables.formatDouble(2.5));
    assertEquals("1.0000e-09", Tables.formatDouble(1e-9));
    assertEquals("1.2346e+06", Tables.formatDouble(1234567.5));
    assertEquals("NaN", Tables.formatDouble(Double.NaN));
  }

  @Test
  void validationMessages() {
    assertEquals(
        "rows[1] must have 2 cells (one per column), got 1",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    Tables.fromRows(
                        "t", List.of("a", "b"), List.of(new Object[] {1, 2}, new Object[] {1})))
            .getMessage());
    assertEquals(
        "duplicate column name 'a'",
        assertThrows(
                IllegalArgumentException.class,
                () -> Tables.fromRows("t", List.of("a", "a"), List.of()))
            .getMessage());
    assertEquals(
        "columns must not be empty",
        assertThrows(
                IllegalArgumentException.class, () -> Tables.fromRows("t", List.of(), List.of()))
            .getMessage());
  }
}
