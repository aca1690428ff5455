package io.github.var4j.experiments;

import io.github.var4j.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;

/** Accumulates wall time over the (possibly resumed) sessions of a run in {@code <runDir>/time.properties}. */
final class TrainingTime {
  private TrainingTime() {}

  static double record(Path runDir, long steps, double seconds) throws IOException {
    Properties p = read(runDir);
    double total = Double.parseDouble(p.getProperty("seconds", "0")) + seconds;
    long allSteps = Long.parseLong(p.getProperty("steps", "0")) + steps;
    p.setProperty("seconds", String.format(Locale.ROOT, "%.1f", total));
    p.setProperty("steps", Long.toString(allSteps));
    p.setProperty("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    java.io.StringWriter w = new java.io.StringWriter();
    p.store(w, "wall time of training");
    AtomicFiles.write(runDir.resolve("time.properties"), w.toString().getBytes(StandardCharsets.UTF_8));
    return total;
  }

  static Properties read(Path runDir) throws IOException {
    Properties p = new Properties();
    Path f = runDir.resolve("time.properties");
    if (Files.exists(f)) {
      try (var r = Files.newBufferedReader(f)) {
        p.load(r);
      }
    }
    return p;
  }
}
