package io.github.var4j.store;

import io.github.var4j.io.AtomicFiles;
import io.github.var4j.io.Excerpts;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A metrics CSV of a training run ({@link RunDir}): a header line, then one row per step or
 * evaluation whose first column is the step (an integer) and whose other columns are numbers
 * ({@code %.6g}; NaN is an empty field). Every row is flushed when it is appended, so a killed run
 * loses at most the row being written.
 *
 * <p>Opening the file for a run that resumes at step {@code s} keeps the rows of steps {@code <= s}
 * (those written before the checkpoint the run resumes from) and drops the rest, including a torn
 * last line; the trimmed file replaces the old one atomically ({@link AtomicFiles}) before rows are
 * appended to it. So after a resume the file always matches the model, and a resumed run appends
 * exactly the rows an uninterrupted run would have written.
 */
public final class MetricsCsv implements AutoCloseable {
  private final Path file;
  private final BufferedWriter out;
  private final int columns;

  /**
   * Opens {@code file} for appending rows after step {@code resumeStep} (0: a new file with just
   * the header).
   *
   * @throws IOException if the existing file has another header (it belongs to another kind of run)
   */
  public MetricsCsv(Path file, List<String> header, long resumeStep) throws IOException {
    if (header.isEmpty())
      throw new IllegalArgumentException("a metrics CSV needs at least the step column");
    this.file = file;
    this.columns = header.size();
    String head = String.join(",", header);
    StringBuilder keep = new StringBuilder(head).append('\n');
    if (resumeStep > 0 && Files.exists(file)) {
      for (String row : completeRows(file, head)) {
        if (row.split(",", -1).length != columns) continue;
        try {
          if (Long.parseLong(row.substring(0, row.indexOf(','))) <= resumeStep)
            keep.append(row).append('\n');
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
          // not a row of this file's format: drop it
        }
      }
    }
    AtomicFiles.writeString(file, keep.toString());
    out =
        Files.newBufferedWriter(
            file, StandardCharsets.UTF_8, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
  }

  /** The data rows of {@code file} that end with a newline (a torn last line is left out). */
  private static List<String> completeRows(Path file, String head) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (CharacterCodingException e) {
      throw new IOException(
          file + " is not a metrics CSV: it is not UTF-8 text; use another run directory", e);
    }
    List<String> rows = new ArrayList<>(List.of(text.split("\n", -1)));
    rows.remove(rows.size() - 1); // after the last '\n': empty, or a torn line
    if (rows.isEmpty()) return rows;
    if (!rows.get(0).equals(head)) {
      throw new IOException(
          file
              + " has the header '"
              + Excerpts.of(rows.get(0), 200)
              + "', this run writes '"
              + head
              + "': it belongs "
              + "to another kind of run; use another run directory");
    }
    return rows.subList(1, rows.size());
  }

  public Path file() {
    return file;
  }

  /** Appends one row and flushes it; the first value is the step (written as an integer). */
  public void append(long step, double... values) throws IOException {
    if (values.length + 1 != columns) {
      throw new IllegalArgumentException(
          "metrics row has " + (values.length + 1) + " values, header has " + columns);
    }
    StringBuilder sb = new StringBuilder().append(step);
    for (double v : values)
      sb.append(',').append(Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v));
    out.write(sb.append('\n').toString());
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
