package io.github.var4j.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A metrics CSV with a header and one row per step or epoch. When a run resumes at step {@code s}, rows after {@code s}
 * (written after the checkpoint the run resumes from) are dropped, so the file always matches the model.
 */
public final class MetricsCsv implements AutoCloseable {
  private final BufferedWriter out;
  private final int columns;

  public MetricsCsv(Path file, List<String> header, long resumeStep) throws IOException {
    this.columns = header.size();
    Files.createDirectories(file.toAbsolutePath().getParent());
    List<String> keep = new ArrayList<>();
    String head = String.join(",", header);
    if (resumeStep > 0 && Files.exists(file)) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (!lines.isEmpty() && lines.get(0).equals(head)) {
        for (String l : lines.subList(1, lines.size())) {
          String first = l.split(",", 2)[0];
          try {
            if (Long.parseLong(first) <= resumeStep) keep.add(l);
          } catch (NumberFormatException e) {
            // skip a torn last line
          }
        }
      }
    }
    out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    out.write(head);
    out.newLine();
    for (String l : keep) {
      out.write(l);
      out.newLine();
    }
    out.flush();
  }

  /** Appends one row; the first value is the step (written as an integer). */
  public void append(long step, double... values) throws IOException {
    if (values.length + 1 != columns) {
      throw new IllegalArgumentException("metrics row has " + (values.length + 1) + " values, header has " + columns);
    }
    StringBuilder sb = new StringBuilder().append(step);
    for (double v : values) sb.append(',').append(Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v));
    out.write(sb.toString());
    out.newLine();
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
