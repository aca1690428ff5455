package io.github.var4j.app;

import io.github.var4j.eval.VarReport;
import io.github.var4j.store.RunDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What is known about the training of a model, for the notebooks' curves and tables: its per-step
 * metrics, its evaluations (VAR) and its wall time. Read from a run directory ({@link #of}) or from
 * the copies of a run's results that the experiments commands commit to {@code experiments/results}
 * ({@link #committed}), so that a fresh clone, which has no {@code runs/}, still shows the
 * committed models' curves.
 *
 * @param source where the files are (a run directory or a results prefix)
 * @param metricsCsv per-step metrics, or null if there are none
 * @param evalCsv per-evaluation metrics (VAR), or null if there are none
 * @param time the training wall time, empty if not recorded; it may cover only some of the steps (a
 *     run resumed from a session that recorded no time)
 * @param totalSteps the steps the model was trained in all, 0 if unknown (then {@code time}'s steps
 *     are all there is to say)
 */
public record TrainingRecord(
    String source,
    Path metricsCsv,
    Path evalCsv,
    Optional<RunDir.TrainingTime> time,
    long totalSteps) {

  public TrainingRecord {
    if (time == null) time = Optional.empty();
  }

  /**
   * The record of a run directory: its {@code metrics.csv}, {@code eval.csv} and {@code
   * time.properties}, each where present (the directory need not exist).
   */
  public static TrainingRecord of(RunDir run) throws IOException {
    return new TrainingRecord(
        run.toString(),
        existing(run.metricsCsv()),
        existing(run.evalCsv()),
        Files.isDirectory(run.dir()) ? run.trainingTime() : Optional.empty(),
        0);
  }

  /**
   * The record committed under {@code prefix} (e.g. {@code experiments/results/var-fmnist}): {@code
   * <prefix>-train-metrics.csv}, {@code <prefix>-eval.csv} and the training time from the results
   * file {@code <prefix>.csv} ({@code train_seconds} or {@code train_minutes}, the timed steps
   * {@code train_steps} or else {@code steps}, {@code train_cores} or {@code cores}), each where
   * present; the model's total steps are {@code steps}.
   */
  public static TrainingRecord committed(Path prefix) throws IOException {
    Path results = sibling(prefix, ".csv");
    Optional<RunDir.TrainingTime> time = Optional.empty();
    long total = 0;
    if (Files.isRegularFile(results)) {
      Map<String, Double> m = VarReport.readMetricsCsv(results);
      double seconds =
          m.containsKey("train_seconds")
              ? m.get("train_seconds")
              : m.getOrDefault("train_minutes", Double.NaN) * 60;
      double steps = m.getOrDefault("train_steps", m.getOrDefault("steps", 0.0));
      double cores = m.getOrDefault("train_cores", m.getOrDefault("cores", 0.0));
      total = Math.round(m.getOrDefault("steps", 0.0));
      if (Double.isFinite(seconds)) {
        time = Optional.of(new RunDir.TrainingTime(seconds, Math.round(steps), (int) cores));
      }
    }
    return new TrainingRecord(
        prefix + "*",
        existing(sibling(prefix, "-train-metrics.csv")),
        existing(sibling(prefix, "-eval.csv")),
        time,
        total);
  }

  public boolean hasMetrics() {
    return metricsCsv != null;
  }

  public boolean hasEval() {
    return evalCsv != null;
  }

  /** Rows of the per-step metrics (0 without them). */
  public int metricsRows() throws IOException {
    if (metricsCsv == null) return 0;
    return VarReport.readCsv(metricsCsv).values().iterator().next().length;
  }

  /** A window size that smooths the per-step metrics to about {@code points} points. */
  public int window(int points) throws IOException {
    return VarReport.windowFor(metricsRows(), points);
  }

  /** The training time in seconds, NaN if not recorded. */
  public double seconds() {
    return time.map(RunDir.TrainingTime::seconds).orElse(Double.NaN);
  }

  /** E.g. "curves from ../runs/var-fmnist/eval.csv and ../runs/var-fmnist/metrics.csv". */
  public String describe() {
    if (metricsCsv == null && evalCsv == null) return "no training curves in " + source;
    StringBuilder sb = new StringBuilder("curves from ");
    if (evalCsv != null) sb.append(evalCsv);
    if (evalCsv != null && metricsCsv != null) sb.append(" and ");
    if (metricsCsv != null) sb.append(metricsCsv);
    String cores = time.map(t -> t.cores() > 0 ? " on " + t.cores() + " cores" : "").orElse("");
    time.ifPresent(
        t ->
            sb.append(
                totalSteps > t.steps()
                    ? String.format(
                        java.util.Locale.ROOT,
                        "; trained %d steps, of which %d were timed: %.1f min%s",
                        totalSteps,
                        t.steps(),
                        t.minutes(),
                        cores)
                    : String.format(
                        java.util.Locale.ROOT,
                        "; trained %d steps in %.1f min%s",
                        t.steps(),
                        t.minutes(),
                        cores)));
    return sb.toString();
  }

  private static Path existing(Path p) {
    return Files.isRegularFile(p) ? p : null;
  }

  private static Path sibling(Path prefix, String suffix) {
    return prefix.resolveSibling(prefix.getFileName() + suffix);
  }
}
