package io.github.var4j.experiments;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that the numbers a Markdown document quotes from the result files equal those files.
 *
 * <p>The format, in the document:
 *
 * <ul>
 *   <li>A table whose numbers are checked is marked by the line {@code <!-- numbers: checked -->}
 *       right above it, or {@code <!-- numbers: checked, except columns 1, 3 -->} when some columns
 *       (counted from 1) hold labels or numbers that no result file holds (the paper's numbers,
 *       timings from a log). Every number in the other columns of every body row must have a
 *       source.
 *   <li>A row's sources are one HTML comment in the row, {@code <!-- src: REF, REF, ... -->}, one
 *       REF per number of the row outside the excepted columns, in order (left to right).
 * </ul>
 *
 * <p>A REF is {@code FILE:COLUMN} for a {@code metric,value} file (COLUMN is the metric) or {@code
 * FILE[ROW]:COLUMN} for a table, where ROW is the value of the table's first column ({@code name},
 * {@code key}, {@code recipe}, ...; brackets may nest, as in {@code fid-reference.csv[tokenizer-
 * recon-vs-test (fmnist-tokenizer [1 2 3 4 5 6 8])]:fid}); a table with one row needs no ROW. FILE
 * is relative to {@code experiments/results/} unless it starts with {@code experiments/}. A REF
 * without FILE takes it from the REF before it (in the comment, left to right), and without FILE
 * and ROW takes both: {@code <!-- src: eval-table.csv[VAR + CFG]:fid, :is_mean, [raster AR]:fid,
 * :is_mean -->} reads two columns of two rows. A REF may be followed by {@code *} or {@code /} and
 * a number or another REF, evaluated left to right, so conversions are explicit: {@code
 * :class_accuracy*100} (a fraction shown as a percentage), {@code :train_minutes*60}, {@code [VAR +
 * CFG]:images_per_s_1 / [raster AR]:images_per_s_1} (a ratio).
 *
 * <p>A shown number agrees with its source when the source's value, rounded (half up or half even)
 * to the digits shown, equals it: {@code 2.446} agrees with 2.44569, {@code 1,310,344} with
 * 1310344, {@code 1.21e14} with 120883249152000, {@code −0.0209} with -0.0209048. Only formatting
 * is tolerated: any other difference is a problem.
 */
final class DocNumbers {
  /** The line above a checked table; group 1: the excepted columns, if any. */
  static final Pattern TABLE_MARK =
      Pattern.compile(
          "^<!--\\s*numbers:\\s*checked(?:\\s*,\\s*except columns?\\s*([0-9 ,]+))?\\s*-->$");

  private static final Pattern SRC = Pattern.compile("<!--\\s*src:(.*?)-->");
  private static final Pattern COMMENT = Pattern.compile("<!--.*?-->");
  private static final Pattern LINK_TARGET = Pattern.compile("\\]\\([^)]*\\)");

  /**
   * A number as documents show it: an optional sign (ASCII or Unicode minus, not after a letter or
   * digit, so "l1-l2" and "top-k" hold no negative number), digits with optional thousands
   * separators, decimals and exponent, not part of a word ("d6", "r1", "fp32" hold none).
   */
  static final Pattern NUMBER =
      Pattern.compile(
          "(?<![A-Za-z0-9_.])([-\u2212]?)(\\d{1,3}(?:,\\d{3})+|\\d+)(\\.\\d+)?([eE][-+\u2212]?\\d+)?"
              + "(?![A-Za-z0-9_])");

  private final Path root;
  private final Map<Path, Csv> files = new HashMap<>();

  /**
   * @param root the repository root (result files resolve against it)
   */
  DocNumbers(Path root) {
    this.root = root;
  }

  /** A checked table: its first line (1-based), the excepted columns, its rows. */
  record Table(int line, List<Integer> exceptColumns, List<Row> rows) {}

  /** A body row of a checked table: its line (1-based) and text. */
  record Row(int line, String text) {}

  /** The checked tables of a document, in order. */
  static List<Table> tables(String markdown) {
    List<String> lines = markdown.lines().toList();
    List<Table> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = TABLE_MARK.matcher(lines.get(i).strip());
      if (!m.matches()) continue;
      List<Integer> except = new ArrayList<>();
      if (m.group(1) != null) {
        for (String c : m.group(1).split(","))
          if (!c.isBlank()) except.add(Integer.parseInt(c.strip()));
      }
      int start = i + 1;
      List<Row> rows = new ArrayList<>();
      // the header row and the delimiter row come first; body rows follow until a non-table line
      int j = start;
      while (j < lines.size() && lines.get(j).strip().startsWith("|")) {
        if (j >= start + 2) rows.add(new Row(j + 1, lines.get(j)));
        j++;
      }
      out.add(new Table(start + 1, List.copyOf(except), rows));
    }
    return out;
  }

  /**
   * Every disagreement between {@code markdown} (named {@code doc} in messages) and the result
   * files: numbers that differ from their source, numbers without a source, sources without a
   * number, sources that do not resolve, source comments outside checked tables.
   */
  List<String> check(String doc, String markdown) {
    List<String> problems = new ArrayList<>();
    List<Table> tables = tables(markdown);
    Set<Integer> tableRowLines = new HashSet<>();
    for (Table t : tables) {
      if (t.rows().isEmpty())
        problems.add(doc + ":" + t.line() + ": a checked table must follow the mark");
      for (Row r : t.rows()) {
        tableRowLines.add(r.line());
        checkRow(doc, t, r, problems);
      }
    }
    List<String> lines = markdown.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (SRC.matcher(lines.get(i)).find() && !tableRowLines.contains(i + 1)) {
        problems.add(doc + ":" + (i + 1) + ": a src comment outside a checked table's body row");
      }
    }
    return problems;
  }

  private void checkRow(String doc, Table table, Row row, List<String> problems) {
    String where = doc + ":" + row.line();
    Matcher src = SRC.matcher(row.text());
    List<String> refs = new ArrayList<>();
    if (src.find()) {
      refs = splitRefs(src.group(1));
      if (src.find()) problems.add(where + ": more than one src comment in the row");
    }
    List<String> shown = numbers(row.text(), table.exceptColumns());
    if (shown.isEmpty() && refs.isEmpty()) return;
    if (refs.isEmpty()) {
      problems.add(where + ": numbers " + shown + " have no source (add <!-- src: ... -->)");
      return;
    }
    if (refs.size() != shown.size()) {
      problems.add(
          where
              + ": "
              + shown.size()
              + " numbers "
              + shown
              + " but "
              + refs.size()
              + " sources "
              + refs);
      return;
    }
    Context context = new Context();
    for (int k = 0; k < refs.size(); k++) {
      String ref = refs.get(k);
      BigDecimal value;
      try {
        value = evaluate(ref, context);
      } catch (IllegalArgumentException | UncheckedIOException e) {
        problems.add(where + ": source '" + ref.strip() + "': " + e.getMessage());
        continue;
      }
      BigDecimal number = parse(shown.get(k));
      if (!agrees(number, value)) {
        problems.add(
            where
                + ": "
                + shown.get(k)
                + " does not equal "
                + context.resolved
                + " = "
                + value.stripTrailingZeros().toPlainString()
                + " (rounded to the digits shown: "
                + value.setScale(number.scale(), RoundingMode.HALF_UP).toPlainString()
                + ")");
      }
    }
  }

  /**
   * The numbers of a table row, left to right, outside the excepted columns (1-based), with
   * comments and link targets removed.
   */
  static List<String> numbers(String rowText, List<Integer> exceptColumns) {
    String text = COMMENT.matcher(rowText).replaceAll("");
    text = LINK_TARGET.matcher(text).replaceAll("]");
    String t = text.strip();
    if (t.startsWith("|")) t = t.substring(1);
    if (t.endsWith("|") && !t.endsWith("\\|")) t = t.substring(0, t.length() - 1);
    String[] cells = t.split("(?<!\\\\)\\|", -1);
    List<String> out = new ArrayList<>();
    for (int c = 0; c < cells.length; c++) {
      if (exceptColumns.contains(c + 1)) continue;
      Matcher m = NUMBER.matcher(cells[c]);
      while (m.find()) out.add(m.group());
    }
    return out;
  }

  /** A shown number as a decimal (thousands separators dropped, Unicode minus read). */
  static BigDecimal parse(String shown) {
    return new BigDecimal(shown.replace(",", "").replace('\u2212', '-'));
  }

  /** Whether {@code value}, rounded half up or half even to the digits of {@code shown}, is it. */
  static boolean agrees(BigDecimal shown, BigDecimal value) {
    for (RoundingMode mode : new RoundingMode[] {RoundingMode.HALF_UP, RoundingMode.HALF_EVEN}) {
      if (value.setScale(shown.scale(), mode).compareTo(shown) == 0) return true;
    }
    return false;
  }

  /** The comma-separated REFs of a src comment (commas inside brackets belong to a ROW). */
  static List<String> splitRefs(String refs) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    StringBuilder cur = new StringBuilder();
    for (char ch : refs.toCharArray()) {
      if (ch == '[') depth++;
      if (ch == ']') depth--;
      if (ch == ',' && depth == 0) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(ch);
      }
    }
    if (!cur.toString().isBlank()) out.add(cur.toString());
    return out;
  }

  /** The FILE and ROW of the REF before, which a REF without them takes. */
  static final class Context {
    String file;
    String row;

    /** The last expression with every FILE and ROW filled in, for messages. */
    final StringBuilder resolved = new StringBuilder();
  }

  /** The value of one REF expression ({@code term ((*|/) (number|term))*}). */
  BigDecimal evaluate(String expression, Context context) {
    Parser p = new Parser(expression.strip());
    context.resolved.setLength(0);
    BigDecimal value = term(p, context);
    while (true) {
      p.skipSpaces();
      if (p.done()) return value;
      char op = p.next();
      if (op != '*' && op != '/') {
        throw new IllegalArgumentException("expected * or / at '" + p.rest(-1) + "'");
      }
      p.skipSpaces();
      if (p.done()) throw new IllegalArgumentException("missing operand after " + op);
      context.resolved.append(' ').append(op).append(' ');
      BigDecimal operand;
      if (Character.isDigit(p.peek())) {
        String number = p.take("[0-9]+(\\.[0-9]+)?");
        context.resolved.append(number);
        operand = new BigDecimal(number);
      } else {
        operand = term(p, context);
      }
      value = op == '*' ? value.multiply(operand) : value.divide(operand, MathContext.DECIMAL128);
    }
  }

  private BigDecimal term(Parser p, Context context) {
    String file = null;
    String row = null;
    if (p.peek() != '[' && p.peek() != ':') file = p.take("[A-Za-z0-9_./-]+");
    if (!p.done() && p.peek() == '[') row = p.bracketed();
    if (p.done() || p.next() != ':')
      throw new IllegalArgumentException("expected FILE[ROW]:COLUMN");
    String column = p.take("[A-Za-z0-9_]+");
    if (file != null) {
      context.file = file;
      context.row = row;
    } else if (context.file == null) {
      throw new IllegalArgumentException("the first source must name its file");
    } else if (row != null) {
      context.row = row;
    }
    context
        .resolved
        .append(context.file)
        .append(context.row == null ? "" : "[" + context.row + "]")
        .append(':')
        .append(column);
    return lookup(context.file, context.row, column);
  }

  /** The value of {@code column} in {@code row} of {@code file}. */
  BigDecimal lookup(String file, String row, String column) {
    Path path =
        file.startsWith("experiments/")
            ? root.resolve(file)
            : root.resolve("experiments/results").resolve(file);
    Csv csv = files.computeIfAbsent(path, Csv::read);
    String cell = csv.cell(row, column);
    if (cell.isBlank())
      throw new IllegalArgumentException(file + " has no value there (empty cell)");
    try {
      return new BigDecimal(cell.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + cell + "' in " + file + " is not a number");
    }
  }

  /** A result file: a {@code metric,value} list or a table keyed by its first column. */
  record Csv(Path path, List<String> header, Map<String, List<String>> rows) {
    static Csv read(Path path) {
      List<String> lines;
      try {
        lines = Files.readAllLines(path);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + path, e);
      }
      if (lines.isEmpty()) throw new IllegalArgumentException(path + " is empty");
      List<String> header = Arrays.asList(lines.get(0).split(",", -1));
      Map<String, List<String>> rows = new LinkedHashMap<>();
      for (String line : lines.subList(1, lines.size())) {
        if (line.isBlank()) continue;
        List<String> cells = Arrays.asList(line.split(",", -1));
        rows.put(cells.get(0), cells);
      }
      return new Csv(path, header, rows);
    }

    boolean isMetricList() {
      return header.equals(List.of("metric", "value"));
    }

    String cell(String row, String column) {
      if (isMetricList()) {
        if (row != null)
          throw new IllegalArgumentException(path + " is a metric,value list: no [ROW]");
        List<String> r = rows.get(column);
        if (r == null) {
          throw new IllegalArgumentException(
              path + " has no metric '" + column + "'; it has " + rows.keySet());
        }
        return r.get(1);
      }
      List<String> r;
      if (row == null) {
        if (rows.size() != 1) {
          throw new IllegalArgumentException(
              path + " has " + rows.size() + " rows: name one as [ROW] (" + rows.keySet() + ")");
        }
        r = rows.values().iterator().next();
      } else {
        r = rows.get(row);
        if (r == null) {
          throw new IllegalArgumentException(
              path + " has no row '" + row + "'; it has " + rows.keySet());
        }
      }
      int c = header.indexOf(column);
      if (c < 0)
        throw new IllegalArgumentException(
            path + " has no column '" + column + "'; it has " + header);
      if (c >= r.size())
        throw new IllegalArgumentException(path + ": row '" + r.get(0) + "' is short");
      return r.get(c);
    }
  }

  /** A cursor over one REF expression. */
  private static final class Parser {
    private final String s;
    private int i;

    Parser(String s) {
      this.s = s;
    }

    boolean done() {
      return i >= s.length();
    }

    char peek() {
      if (done()) throw new IllegalArgumentException("unexpected end of '" + s + "'");
      return s.charAt(i);
    }

    char next() {
      char c = peek();
      i++;
      return c;
    }

    void skipSpaces() {
      while (!done() && Character.isWhitespace(s.charAt(i))) i++;
    }

    String rest(int back) {
      return s.substring(Math.max(0, i + back));
    }

    String take(String regex) {
      Matcher m = Pattern.compile(regex).matcher(s).region(i, s.length());
      if (!m.lookingAt())
        throw new IllegalArgumentException("cannot read '" + rest(0) + "' in '" + s + "'");
      i = m.end();
      return m.group();
    }

    /** The text between a '[' at the cursor and its matching ']' (nested brackets kept). */
    String bracketed() {
      int depth = 0;
      int start = i + 1;
      for (int j = i; j < s.length(); j++) {
        if (s.charAt(j) == '[') depth++;
        if (s.charAt(j) == ']' && --depth == 0) {
          i = j + 1;
          return s.substring(start, j);
        }
      }
      throw new IllegalArgumentException("unclosed [ in '" + s + "'");
    }
  }
}
