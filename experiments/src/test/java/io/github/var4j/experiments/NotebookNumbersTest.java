package io.github.var4j.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The committed outputs of the notebooks (their full runs) show the numbers of the committed result
 * files: a retrain that updates experiments/results/ but not the notebooks goes red here.
 *
 * <p>Two kinds of checks:
 *
 * <ul>
 *   <li><b>Tables</b>: every HTML table of an output whose title names a result file ({@code
 *       eval-table.csv}, {@code fits.csv}, ...) or is listed in {@link #TABLE_SOURCES}: each
 *       numeric cell of a column that the file has ({@link #COLUMNS} maps the shown headers) must
 *       equal the file's value of that row, rounded to the digits shown ({@link
 *       DocNumbers#agrees}).
 *   <li><b>Lines</b>: the printed lines of {@link #LINES}, each a pattern whose groups are numbers
 *       and the sources of those numbers (the REF syntax of {@link DocNumbers}).
 * </ul>
 *
 * Every check must find what it checks (a renamed table or changed line is a failure, not a pass).
 */
class NotebookNumbersTest {
  private static Path root() {
    return Path.of(System.getProperty("var4j.root", ".."));
  }

  /** Tables whose title does not name their file: title prefix to file. */
  static final Map<String, String> TABLE_SOURCES =
      Map.of(
          "VAR: cfg sweep", "eval-cfg-sweep.csv",
          "VAR: top-k sweep", "eval-topk-sweep.csv",
          "first default VAR (l1-l2 tokenizer): cfg sweep", "eval-cfg-sweep-l1l2.csv",
          "first default VAR (l1-l2 tokenizer): top-k sweep", "eval-topk-sweep-l1l2.csv",
          "end of training", "scaling/*.csv");

  /** Shown header to the file's column(s); headers that are the column's name map to themselves. */
  static final Map<String, List<String>> COLUMNS =
      Map.ofEntries(
          Map.entry("FID", List.of("fid")),
          Map.entry("IS", List.of("is_mean", "is_std")),
          Map.entry("class acc.", List.of("class_accuracy")),
          Map.entry("images/s (batch)", List.of("images_per_s_batch")),
          Map.entry("images/s (1)", List.of("images_per_s_1")));

  /** One printed line: the notebook, a pattern with number groups, a REF per group. */
  record Line(String notebook, String pattern, List<String> refs) {}

  static final List<Line> LINES =
      List.of(
          new Line(
              "01-tokenizer.ipynb", "PSNR ([0-9.]+) dB", List.of("tokenizer-fmnist.csv:psnr_db")),
          new Line(
              "01-tokenizer.ipynb",
              "trained ([0-9]+) steps, of which ([0-9]+) were timed: ([0-9.]+) min",
              List.of("tokenizer-fmnist.csv:steps", ":train_steps", ":train_seconds/60")),
          new Line(
              "01-tokenizer.ipynb",
              "test PSNR \\(dB\\) \\| ([0-9.]+)",
              List.of("tokenizer-fmnist.csv:psnr_db")),
          new Line(
              "01-tokenizer.ipynb",
              "training steps \\| ([0-9]+)",
              List.of("tokenizer-fmnist.csv:steps")),
          new Line(
              "02-train-var.ipynb",
              "trained ([0-9]+) steps in ([0-9.]+) min",
              List.of("var-fmnist.csv:steps", ":train_minutes")),
          new Line(
              "02-train-var.ipynb", "test_loss \\| ([0-9.]+)", List.of("var-fmnist.csv:test_loss")),
          new Line(
              "02-train-var.ipynb",
              "test_acc_pct \\| ([0-9.]+)",
              List.of("var-fmnist.csv:test_acc_pct")),
          new Line(
              "02-train-var.ipynb",
              "test_loss_last_scale \\| ([0-9.]+)",
              List.of("var-fmnist.csv:test_loss_last_scale")),
          new Line(
              "02-train-var.ipynb",
              "train_minutes \\| ([0-9.]+)",
              List.of("var-fmnist.csv:train_minutes")));

  /** A table of an output: its title (the line above the header) and its cells. */
  record HtmlTable(String notebook, String title, List<String> header, List<List<String>> rows) {}

  private static final Pattern TABLE = Pattern.compile("(?s)<table.*?</table>");
  private static final Pattern ROW = Pattern.compile("(?s)<tr.*?</tr>");
  private static final Pattern CELL = Pattern.compile("(?s)<t[hd][^>]*>(.*?)</t[hd]>");
  private static final Pattern CAPTION = Pattern.compile("(?s)<caption[^>]*>(.*?)</caption>");

  /** The notebook's outputs: text (printed) and the HTML tables. */
  static String text(JsonNode nb) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode c : nb.get("cells")) {
      for (JsonNode o : c.path("outputs")) {
        for (JsonNode t : o.path("text")) sb.append(t.asText());
        for (JsonNode t : o.path("data").path("text/html")) sb.append(t.asText());
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  /** The HTML tables of an output text, plain text of each cell. */
  static List<HtmlTable> tables(String notebook, String html) {
    List<HtmlTable> out = new ArrayList<>();
    Matcher t = TABLE.matcher(html);
    while (t.find()) {
      String table = t.group();
      String title = "";
      Matcher cap = CAPTION.matcher(table);
      List<List<String>> rows = new ArrayList<>();
      Matcher r = ROW.matcher(table);
      while (r.find()) {
        List<String> cells = new ArrayList<>();
        Matcher c = CELL.matcher(r.group());
        while (c.find()) cells.add(plain(c.group(1)));
        rows.add(cells);
      }
      if (cap.find()) title = plain(cap.group(1));
      else if (!rows.isEmpty() && rows.get(0).size() == 1) title = rows.remove(0).get(0);
      if (rows.isEmpty()) continue;
      out.add(new HtmlTable(notebook, title, rows.get(0), rows.subList(1, rows.size())));
    }
    return out;
  }

  private static String plain(String html) {
    return html.replaceAll("<[^>]+>", "")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&plusmn;", "±")
        .strip();
  }

  private static List<Path> notebooks() throws IOException {
    try (var s = Files.list(root().resolve("notebooks"))) {
      return s.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
    }
  }

  /** The result file a table shows, or null when it shows none. */
  static String sourceOf(String title) {
    for (var e : TABLE_SOURCES.entrySet()) if (title.startsWith(e.getKey())) return e.getValue();
    Matcher m = Pattern.compile("([A-Za-z0-9_./-]+\\.csv)").matcher(title);
    return m.find() ? Path.of(m.group(1)).getFileName().toString() : null;
  }

  /** The file's path relative to experiments/results (found anywhere under it). */
  private static String resolve(String file) throws IOException {
    Path results = root().resolve("experiments/results");
    if (Files.exists(results.resolve(file))) return file;
    try (var s = Files.walk(results)) {
      return s.filter(p -> p.getFileName().toString().equals(file))
          .map(p -> results.relativize(p).toString())
          .findFirst()
          .orElseThrow(() -> new AssertionError("no result file " + file));
    }
  }

  @Test
  void tablesShowTheirResultFiles() throws IOException {
    DocNumbers doc = new DocNumbers(root());
    List<String> problems = new ArrayList<>();
    int checked = 0, tables = 0;
    for (Path nbFile : notebooks()) {
      String out = text(new ObjectMapper().readTree(nbFile.toFile()));
      for (HtmlTable t : tables(nbFile.getFileName().toString(), out)) {
        String src = sourceOf(t.title());
        if (src == null) continue;
        tables++;
        for (List<String> row : t.rows()) {
          String key = row.get(0);
          if (src.equals("scaling/*.csv")) continue; // per-size files: every evaluation, no key
          String file = resolve(src);
          if (file.endsWith("fits.csv")) key = row.get(0) + "~" + row.get(1) + "~" + row.get(2);
          for (int c = 1; c < row.size() && c < t.header().size(); c++) {
            String head = t.header().get(c);
            List<String> cols = COLUMNS.getOrDefault(head, List.of(head));
            Matcher m = DocNumbers.NUMBER.matcher(row.get(c));
            List<String> shown = new ArrayList<>();
            while (m.find()) shown.add(m.group());
            if (shown.isEmpty() || shown.size() != cols.size()) continue;
            for (int i = 0; i < cols.size(); i++) {
              BigDecimal value;
              try {
                value = doc.lookup(file, key, cols.get(i));
              } catch (IllegalArgumentException e) {
                continue; // a shown column the file does not have (derived, e.g. "time vs base")
              }
              checked++;
              if (!DocNumbers.agrees(DocNumbers.parse(shown.get(i)), value)) {
                problems.add(
                    t.notebook()
                        + ", table '"
                        + t.title()
                        + "', row '"
                        + row.get(0)
                        + "', "
                        + head
                        + ": shows "
                        + shown.get(i)
                        + ", "
                        + file
                        + " has "
                        + value.toPlainString());
              }
            }
          }
        }
      }
    }
    assertEquals(List.of(), problems, "re-run the notebooks (scripts/run-notebooks.sh --inplace)");
    assertTrue(tables >= 5, "tables that show result files: " + tables);
    assertTrue(checked >= 200, "numbers checked: " + checked);
    System.out.println(
        tables + " notebook tables, " + checked + " numbers equal their result files");
  }

  @Test
  void printedLinesShowTheirResultFiles() throws IOException {
    DocNumbers doc = new DocNumbers(root());
    List<String> problems = new ArrayList<>();
    Map<String, String> outputs = new LinkedHashMap<>();
    for (Path nb : notebooks()) {
      String t = text(new ObjectMapper().readTree(nb.toFile()));
      outputs.put(nb.getFileName().toString(), plainTables(t));
    }
    for (Line l : LINES) {
      Matcher m = Pattern.compile(l.pattern()).matcher(outputs.get(l.notebook()));
      if (!m.find()) {
        problems.add(l.notebook() + ": no output matches '" + l.pattern() + "'");
        continue;
      }
      DocNumbers.Context ctx = new DocNumbers.Context();
      for (int g = 1; g <= m.groupCount(); g++) {
        BigDecimal value = doc.evaluate(l.refs().get(g - 1), ctx);
        if (!DocNumbers.agrees(DocNumbers.parse(m.group(g)), value))
          problems.add(
              l.notebook()
                  + ": '"
                  + m.group()
                  + "' shows "
                  + m.group(g)
                  + ", "
                  + ctx.resolved
                  + " is "
                  + value.toPlainString());
      }
    }
    assertEquals(List.of(), problems, "re-run the notebooks (scripts/run-notebooks.sh --inplace)");
  }

  /** Output text with table rows flattened to "cell | cell" lines. */
  private static String plainTables(String out) {
    String s = out.replaceAll("(?s)</t[hd]>\\s*<t[hd][^>]*>", " | ");
    return s.replaceAll("<[^>]+>", "");
  }

  @Test
  void theCheckerRefusesAStaleTable() {
    String html =
        "<table><caption>eval-table.csv</caption><tr><th>row</th><th>FID</th></tr>"
            + "<tr><td>VAR + CFG</td><td>0.7</td></tr></table>";
    List<HtmlTable> t = tables("x.ipynb", html);
    assertEquals(1, t.size());
    assertEquals("eval-table.csv", sourceOf(t.get(0).title()));
    BigDecimal fid = new DocNumbers(root()).lookup("eval-table.csv", "VAR + CFG", "fid");
    assertFalse(DocNumbers.agrees(DocNumbers.parse("0.7"), fid), "0.7 is not " + fid);
  }
}
