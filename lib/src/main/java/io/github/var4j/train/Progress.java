package io.github.var4j.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Progress lines for long work, for consoles and notebooks alike: one line every {@code every} steps with the step,
 * the given metrics, the speed and an ETA, e.g.
 * {@code [tokenizer] step 400/6000 (6.7%) | loss 0.0412 | psnr 24.10 | 3.1 it/s | elapsed 2m09s | eta 30m01s}.
 */
public final class Progress {
  private final String tag;
  private final long total;
  private final long every;
  private final PrintStream out;
  private final long startStep;
  private final long t0 = System.nanoTime();

  public Progress(String tag, long startStep, long total, long every, PrintStream out) {
    if (every < 1) throw new IllegalArgumentException("progress interval must be >= 1, got " + every);
    this.tag = tag;
    this.startStep = startStep;
    this.total = total;
    this.every = every;
    this.out = out;
  }

  /** Prints a line if {@code step} is a multiple of the interval or the last step; returns whether it printed. */
  public boolean update(long step, Map<String, Double> metrics) {
    if (step % every != 0 && step != total) return false;
    out.println(line(step, metrics));
    out.flush();
    return true;
  }

  public String line(long step, Map<String, Double> metrics) {
    double elapsed = (System.nanoTime() - t0) / 1e9;
    long done = step - startStep;
    double rate = done > 0 ? done / elapsed : 0;
    double eta = rate > 0 ? (total - step) / rate : Double.NaN;
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "[%s] step %d/%d (%.1f%%)", tag, step, total, 100.0 * step / total));
    metrics.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " | %s %.4g", k, v)));
    sb.append(String.format(Locale.ROOT, " | %.2f it/s | elapsed %s | eta %s", rate, duration(elapsed), duration(eta)));
    return sb.toString();
  }

  public double elapsedSeconds() {
    return (System.nanoTime() - t0) / 1e9;
  }

  /** 3725.0 to "1h02m05s". */
  public static String duration(double seconds) {
    if (Double.isNaN(seconds) || Double.isInfinite(seconds)) return "?";
    long s = Math.round(seconds);
    if (s >= 3600) return String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, (s / 60) % 60, s % 60);
    if (s >= 60) return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    return s + "s";
  }
}
