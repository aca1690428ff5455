package io.github.var4j.train;

import java.io.Console;
import java.io.PrintStream;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of long work, for consoles, notebooks and log files alike.
 *
 * <p>Every {@code every} steps (and at the last step) one plain line goes to the stream with the
 * step, the given metrics, the speed and an ETA, e.g. {@code [tokenizer] step 400/6000 (6.7%) |
 * loss 0.0412 | psnr 24.10 | 3.10 it/s | elapsed 2m09s | eta 30m01s}. These lines are what the
 * training logs hold; they contain no carriage returns or ANSI codes.
 *
 * <p>When the stream is {@link System#out} and standard output is an interactive terminal, a live
 * bar from <a href="https://github.com/ctongfei/progressbar">me.tongfei progressbar</a> is also
 * drawn below those lines, in place (carriage return, ASCII style, no colours), with the
 * percentage, the step count, the elapsed time, a linear ETA (from the steps done since {@code
 * startStep}), the speed and the first metric, e.g. {@code tokenizer 6% [=> ] 400/6000 (0:02:09 /
 * 0:30:01) 3.10/s loss 0.0412}. The bar is redrawn at most once a second and only after a step was
 * made (so an aborted run leaves it alone); each of Progress's lines replaces it until the next
 * step (so that a line the caller prints right after, e.g. an evaluation result, gets a line of its
 * own too); it is removed at the last step (or by {@link #close()}). Other lines written to the
 * terminal while it is shown start after it, on its line. Its width is {@code $COLUMNS} if set,
 * else 80 columns (the terminal is not queried). Anywhere else - output redirected to a file, CI
 * logs, Jupyter, a test's stream - there is no bar, only the lines; {@code VAR4J_PROGRESS=lines}
 * turns the bar off on terminals too.
 */
public final class Progress implements AutoCloseable {
  /** Redraw interval of the live bar. */
  static final int BAR_UPDATE_MILLIS = 1000;

  /** Terminal width assumed when {@code $COLUMNS} is not set. */
  static final int DEFAULT_COLUMNS = 80;

  private final String tag;
  private final long total;
  private final long every;
  private final PrintStream out;
  private final long startStep;
  private final long t0 = System.nanoTime();

  /** The live bar and the terminal line it is drawn on; both null when there is no bar. */
  private final ProgressBar bar;

  private final BarLine barLine;
  private volatile boolean closed;

  /**
   * @param tag name in brackets at the start of each line, e.g. "tokenizer"
   * @param startStep step the work (re)starts from: speed and ETA count the steps after it
   * @param total last step
   * @param every a line every this many steps (>= 1)
   * @param out where the lines go; the live bar is drawn only if this is {@link System#out} on a
   *     terminal
   */
  public Progress(String tag, long startStep, long total, long every, PrintStream out) {
    this(
        tag,
        startStep,
        total,
        every,
        out,
        out == System.out && !"lines".equals(System.getenv("VAR4J_PROGRESS")) && stdoutIsTerminal(),
        consoleColumns());
  }

  /**
   * As the public constructor, with the choice of a live bar on {@code out} (of {@code columns}
   * columns) made.
   */
  Progress(
      String tag,
      long startStep,
      long total,
      long every,
      PrintStream out,
      boolean liveBar,
      int columns) {
    if (every < 1)
      throw new IllegalArgumentException("progress interval must be >= 1, got " + every);
    this.tag = tag;
    this.startStep = startStep;
    this.total = total;
    this.every = every;
    this.out = out;
    if (liveBar && startStep < total) {
      // one column spare, so that a full-width bar never makes the terminal wrap the line
      barLine = new BarLine(out, Math.max(20, columns - 1), startStep);
      bar =
          new ProgressBarBuilder()
              .setTaskName(tag)
              .setInitialMax(total)
              .startsFrom(startStep, Duration.ZERO)
              .setStyle(ProgressBarStyle.ASCII)
              .showSpeed(new DecimalFormat("0.00", DecimalFormatSymbols.getInstance(Locale.ROOT)))
              .setUpdateIntervalMillis(BAR_UPDATE_MILLIS)
              .clearDisplayOnFinish()
              .setConsumer(barLine)
              .build();
    } else {
      barLine = null;
      bar = null;
    }
  }

  /**
   * Moves the bar (if any) to {@code step} and prints a line if {@code step} is a multiple of the
   * interval or the last step; returns whether it printed. The last step also removes the bar.
   */
  public boolean update(long step, Map<String, Double> metrics) {
    if (bar != null && !closed) {
      barLine.stepTo(step);
      bar.setExtraMessage(metrics.isEmpty() ? "" : firstMetric(metrics));
      bar.stepTo(step);
    }
    if (step % every != 0 && step != total) return false;
    String line = line(step, metrics);
    if (barLine != null) {
      barLine.printLine(line, step);
    } else {
      out.println(line);
      out.flush();
    }
    if (step >= total) close();
    return true;
  }

  /**
   * The progress line for {@code step}: step count, percentage, metrics, speed, elapsed time and
   * ETA.
   */
  public String line(long step, Map<String, Double> metrics) {
    double elapsed = (System.nanoTime() - t0) / 1e9;
    long done = step - startStep;
    double rate = done > 0 ? done / elapsed : 0;
    double eta = rate > 0 ? (total - step) / rate : Double.NaN;
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT, "[%s] step %d/%d (%.1f%%)", tag, step, total, 100.0 * step / total));
    metrics.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " | %s %.4g", k, v)));
    sb.append(
        String.format(
            Locale.ROOT,
            " | %.2f it/s | elapsed %s | eta %s",
            rate,
            duration(elapsed),
            duration(eta)));
    return sb.toString();
  }

  /** Seconds since this Progress was made. */
  public double elapsedSeconds() {
    return (System.nanoTime() - t0) / 1e9;
  }

  /**
   * Stops and removes the live bar, if any (waiting for its last redraw); the lines already printed
   * stay. Called by {@link #update} at the last step; call it when the work ends early. Idempotent;
   * a no-op without a bar.
   */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    if (bar != null) bar.close();
  }

  /** 3725.0 to "1h02m05s". */
  public static String duration(double seconds) {
    if (Double.isNaN(seconds) || Double.isInfinite(seconds)) return "?";
    long s = Math.round(seconds);
    if (s >= 3600)
      return String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, (s / 60) % 60, s % 60);
    if (s >= 60) return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    return s + "s";
  }

  private static String firstMetric(Map<String, Double> metrics) {
    var e = metrics.entrySet().iterator().next();
    return String.format(Locale.ROOT, " %s %.4g", e.getKey(), e.getValue());
  }

  /**
   * Whether standard input and output are an interactive terminal: {@link System#console()} is
   * non-null exactly then up to JDK 21; from JDK 22 on it may be non-null regardless, and {@code
   * Console.isTerminal()} tells.
   */
  static boolean stdoutIsTerminal() {
    Console console = System.console();
    if (console == null) return false;
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException | ClassCastException e) {
      return true;
    }
  }

  /** {@code $COLUMNS} if it is set to a sensible number, else {@value #DEFAULT_COLUMNS}. */
  static int consoleColumns() {
    try {
      int c = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "").trim());
      return c >= 20 && c <= 1000 ? c : DEFAULT_COLUMNS;
    } catch (NumberFormatException e) {
      return DEFAULT_COLUMNS;
    }
  }

  /**
   * The terminal line the bar lives on: the library's renderer thread redraws it with {@code \r},
   * and {@link #printLine} blanks it and prints a full line there, after which redraws are dropped
   * until a later step. Writes are serialised on this object and flushed at once ({@link
   * System#out} only flushes by itself at a newline).
   */
  static final class BarLine implements ProgressBarConsumer {
    private final PrintStream out;
    private final int width;

    /** The bar now on the line; empty when the line is blank. */
    private String shown = "";

    /**
     * The step last reported by Progress, and the step of its last line (no bar until a later
     * step).
     */
    private long step;

    private long lineStep;

    BarLine(PrintStream out, int width, long startStep) {
      this.out = out;
      this.width = width;
      this.step = startStep;
      this.lineStep = startStep - 1;
    }

    synchronized void stepTo(long step) {
      this.step = step;
    }

    @Override
    public int getMaxRenderedLength() {
      return width;
    }

    @Override
    public synchronized void accept(String rendered) {
      if (step <= lineStep) return;
      String s = rendered.length() > width ? rendered.substring(0, width) : rendered;
      String pad = s.length() < shown.length() ? " ".repeat(shown.length() - s.length()) : "";
      out.print('\r' + s + pad);
      out.flush();
      shown = s;
    }

    @Override
    public synchronized void clear() {
      if (shown.isEmpty()) return;
      out.print('\r' + " ".repeat(shown.length()) + '\r');
      out.flush();
      shown = "";
    }

    /**
     * Prints {@code line} (of step {@code step}) where the bar was; the bar stays away until a
     * later step.
     */
    synchronized void printLine(String line, long step) {
      clear();
      out.println(line);
      out.flush();
      lineStep = Math.max(lineStep, step);
    }

    @Override
    public synchronized void close() {
      if (!shown.isEmpty()) out.println();
      out.flush();
      shown = "";
    }
  }
}
