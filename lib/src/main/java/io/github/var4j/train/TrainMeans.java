package io.github.var4j.train;

import io.github.var4j.store.RunDir;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The means of some step metrics over the steps since the previous evaluation: the {@code
 * train_<name>} columns of {@code eval.csv} ({@link Trainee#trainMeans}). Their running sums are
 * resume state ({@code evalSum<Name>}, {@code evalSteps}), so a resumed run writes the same rows.
 */
final class TrainMeans {
  private final List<String> names;
  private final int[] columns; // index of each name in the step's metrics row
  private final double[] sums;
  private int steps;

  /** The means of {@code names}, each one of the step's {@code metrics}. */
  TrainMeans(List<String> names, List<String> metrics) {
    this.names = List.copyOf(names);
    this.columns = new int[names.size()];
    for (int j = 0; j < columns.length; j++) {
      columns[j] = metrics.indexOf(names.get(j));
      if (columns[j] < 0)
        throw new IllegalArgumentException("train mean " + names.get(j) + " is not a metric");
    }
    this.sums = new double[names.size()];
  }

  /** {@code train_<name>} for each name. */
  static List<String> columns(List<String> names) {
    List<String> c = new ArrayList<>();
    for (String n : names) c.add("train_" + n);
    return c;
  }

  /** Adds a step's metrics row. */
  void add(double[] row) {
    for (int j = 0; j < columns.length; j++) sums[j] += row[columns[j]];
    steps++;
  }

  /** The means since the last {@link #restart} (NaN at step 0, before any step), then restarts. */
  double[] takeMeans(long step) {
    double[] m = new double[sums.length];
    for (int j = 0; j < m.length; j++) m[j] = step == 0 ? Double.NaN : sums[j] / steps;
    restart();
    return m;
  }

  void restart() {
    Arrays.fill(sums, 0);
    steps = 0;
  }

  /** Puts the running sums into a checkpoint's resume state (nothing without means). */
  void save(RunDir.ResumeState st) {
    for (int j = 0; j < sums.length; j++) st.put(sumKey(names.get(j)), sums[j]);
    if (!names.isEmpty()) st.put("evalSteps", steps);
  }

  /** Restores the running sums saved by {@link #save}. */
  void restore(RunDir.ResumeState st) throws IOException {
    for (int j = 0; j < sums.length; j++) sums[j] = st.getDouble(sumKey(names.get(j)));
    if (!names.isEmpty()) steps = (int) st.getLong("evalSteps");
  }

  /** What a resume without the saved sums loses; null without means. */
  String lost() {
    if (names.isEmpty()) return null;
    return "the "
        + String.join("/", columns(names))
        + " of the next eval.csv row average only the steps from here";
  }

  /** The resume-state key of a running sum: "loss" to "evalSumLoss". */
  private static String sumKey(String name) {
    return "evalSum" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }
}
