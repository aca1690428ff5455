package io.github.var4j.io;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small results table kept as CSV with a fixed header, one row per key (the first column), for
 * resumable experiments: read the rows done so far, add one, write the whole table atomically (temp
 * file, then rename). Values must not contain commas or line breaks.
 */
public final class KeyedCsv {
  private KeyedCsv() {}

  /**
   * The rows of {@code csv} by key, in file order (empty when the file does not exist).
   *
   * @param what what the table is, for error messages (e.g. "quality table")
   * @throws IOException naming the file: not UTF-8 text, a header other than {@code header}, a
   *     malformed row
   */
  public static Map<String, Map<String, String>> read(Path csv, List<String> header, String what)
      throws IOException {
    Map<String, Map<String, String>> rows = new LinkedHashMap<>();
    if (!Files.exists(csv)) return rows;
    List<String> lines;
    try {
      lines = Files.readAllLines(csv);
    } catch (CharacterCodingException e) {
      throw new IOException(csv + " is not a " + what + ": it is not UTF-8 text", e);
    }
    if (lines.isEmpty()) return rows;
    String[] head = lines.get(0).split(",", -1);
    if (!List.of(head).equals(header))
      throw new IOException(
          csv + " is not a " + what + ": its header is " + Excerpts.of(lines.get(0), 200));
    for (String line : lines.subList(1, lines.size())) {
      String[] v = line.split(",", -1);
      if (v.length != head.length)
        throw new IOException(
            csv
                + " has a malformed row ("
                + v.length
                + " fields, the header "
                + head.length
                + "; a value cannot hold a comma): "
                + Excerpts.of(line, 200));
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < head.length; i++) row.put(head[i], v[i]);
      rows.put(v[0], row);
    }
    return rows;
  }

  /**
   * Writes the rows (missing columns empty) under {@code header}, atomically.
   *
   * @throws IllegalArgumentException if a value contains a comma or a line break
   */
  public static void write(Path csv, List<String> header, Map<String, Map<String, String>> rows)
      throws IOException {
    StringBuilder sb = new StringBuilder(String.join(",", header)).append('\n');
    for (Map<String, String> r : rows.values()) {
      List<String> v = new ArrayList<>();
      for (String h : header) {
        String x = r.getOrDefault(h, "");
        if (x.indexOf(',') >= 0 || x.indexOf('\n') >= 0 || x.indexOf('\r') >= 0) {
          throw new IllegalArgumentException(
              "CSV value of column '" + h + "' contains a comma or line break: '" + x + "'");
        }
        v.add(x);
      }
      sb.append(String.join(",", v)).append('\n');
    }
    Path parent = csv.toAbsolutePath().getParent();
    if (parent != null) Files.createDirectories(parent);
    AtomicFiles.writeString(csv, sb.toString());
  }
}
