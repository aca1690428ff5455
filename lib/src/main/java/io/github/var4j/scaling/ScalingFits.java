package io.github.var4j.scaling;

import io.github.var4j.io.KeyedCsv;
import io.github.var4j.stats.Frontier;
import io.github.var4j.stats.IrreducibleTerm;
import io.github.var4j.stats.PowerLaw;
import io.github.var4j.stats.SaturatingPowerLaw;
import io.github.var4j.train.VarTrainConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The scaling-law fits of a sweep's results ({@link ScalingSweep}): every metric against N (each
 * finished size's last evaluation) and against the compute frontier C, as a power law, with an
 * irreducible term, on the frontier past the warm-up transients, and as the reducible loss L − E
 * that the paper plots; {@code fits.csv} holds one row per fit.
 */
public final class ScalingFits {
  private ScalingFits() {}

  /** Columns of {@code fits.csv}. */
  public static final List<String> FIT_HEADER =
      List.of(
          "key",
          "metric",
          "x",
          "form",
          "alpha",
          "alpha_ci95",
          "beta",
          "e",
          "e_lo",
          "e_hi",
          "x0",
          "pearson_r",
          "rms_log",
          "points",
          "formula");

  /**
   * Fits every metric against N (the last evaluation of each finished size) and against C (the
   * compute frontier of all evaluations): the power law and the law with an irreducible term; the
   * power law on the frontier of the evaluations past the warm-up transients ({@link #afterWarmup},
   * form {@code power-post-warmup}); and the power law of the reducible part L − E that the paper
   * plots, against N and against both frontiers (forms {@code reducible}, {@code
   * reducible-post-warmup}), with E and its bootstrap interval by the rule of {@link
   * IrreducibleTerm}. A frontier of fewer than {@value PowerLaw#MIN_POINTS} points (the lower
   * envelope keeps only the evaluations that improve on all cheaper ones, so how many remain
   * depends on the training trajectory, e.g. on plateaus of the error rate) is recorded as a
   * power-law row with its point count, no parameters and the formula {@link #NOT_ENOUGH_POINTS},
   * instead of failing the other fits.
   *
   * @throws IllegalArgumentException if the rows mix token budgets (batch × steps) or data, or
   *     fewer than 3 sizes are finished
   */
  public static Map<String, Map<String, String>> fit(List<Map<String, String>> rows) {
    if (rows.isEmpty()) throw new IllegalArgumentException("no scaling results to fit");
    Map<String, String> first = rows.get(0);
    long budget = Long.parseLong(first.get("batch")) * Long.parseLong(first.get("steps"));
    for (Map<String, String> r : rows) {
      long b = Long.parseLong(r.get("batch")) * Long.parseLong(r.get("steps"));
      if (b != budget)
        throw new IllegalArgumentException(
            "runs with different token budgets in one fit: d"
                + first.get("depth")
                + " trains "
                + budget
                + " images, d"
                + r.get("depth")
                + " "
                + b);
      if (!r.get("data").equals(first.get("data")))
        throw new IllegalArgumentException(
            "runs on different data in one fit: d"
                + first.get("depth")
                + " on '"
                + first.get("data")
                + "', d"
                + r.get("depth")
                + " on '"
                + r.get("data")
                + "'");
    }
    List<Map<String, String>> finals = ScalingSweep.finals(rows);
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    for (String m : ScalingSweep.METRICS) {
      double[] n = new double[finals.size()], yn = new double[finals.size()];
      for (int i = 0; i < finals.size(); i++) {
        n[i] = Double.parseDouble(finals.get(i).get("n_nonembedding"));
        yn[i] = Double.parseDouble(finals.get(i).get(m));
      }
      double[] c = new double[rows.size()], yc = new double[rows.size()];
      for (int i = 0; i < rows.size(); i++) {
        c[i] = Double.parseDouble(rows.get(i).get("flops"));
        yc[i] = Double.parseDouble(rows.get(i).get(m));
      }
      double[][] front = Frontier.lowerEnvelope(c, yc);
      addFits(out, m, "N", n, yn, false);
      addFits(out, m, "C", front[0], front[1], true);
      // the compute frontier without the early transients (rule fixed in advance, the same for
      // every size: only evaluations at steps >= 2 x the warm-up, as Kaplan et al. leave out)
      List<Map<String, String>> late = rows.stream().filter(ScalingFits::afterWarmup).toList();
      double[][] frontLate = frontier(late, m);
      addPower(out, m, "C", "power-" + POST_WARMUP, frontLate[0], frontLate[1]);
      // the reducible loss L - E that the paper plots, E by the rule of IrreducibleTerm
      IrreducibleTerm e;
      try {
        e = IrreducibleTerm.estimate(n, yn);
      } catch (IllegalArgumentException ex) {
        continue; // no irreducible-term fit: the irreducible rows are missing too
      }
      addReducible(out, m, "N", "reducible", n, yn, e);
      addReducible(out, m, "C", "reducible", front[0], front[1], e);
      addReducible(out, m, "C", "reducible-" + POST_WARMUP, frontLate[0], frontLate[1], e);
    }
    return out;
  }

  /** The form suffix of the fits on the evaluations after the warm-up transients. */
  public static final String POST_WARMUP = "post-warmup";

  /**
   * Whether an evaluation is past the early transients: its step is at least twice the warm-up,
   * which is {@code warmupFrac x steps} of the family's recipe ({@link
   * VarTrainConfig#fashionMnistDefault()}).
   */
  public static boolean afterWarmup(Map<String, String> row) {
    long steps = Long.parseLong(row.get("steps"));
    long warmup = Math.round(VarTrainConfig.fashionMnistDefault().warmupFrac() * steps);
    return Long.parseLong(row.get("step")) >= 2 * warmup;
  }

  /** The compute frontier of {@code metric} over {@code rows}: {C[], L[]}. */
  public static double[][] frontier(List<Map<String, String>> rows, String metric) {
    double[] c = new double[rows.size()], y = new double[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      c[i] = Double.parseDouble(rows.get(i).get("flops"));
      y[i] = Double.parseDouble(rows.get(i).get(metric));
    }
    return Frontier.lowerEnvelope(c, y);
  }

  /** A power-law row of form {@code form} (a {@link #NOT_ENOUGH_POINTS} row below 3 points). */
  private static void addPower(
      Map<String, Map<String, String>> out,
      String metric,
      String x,
      String form,
      double[] xs,
      double[] ys) {
    Map<String, String> r = new LinkedHashMap<>();
    r.put("key", metric + "~" + x + "~" + form);
    r.put("metric", metric);
    r.put("x", x);
    r.put("form", form);
    r.put("points", Integer.toString(xs.length));
    if (xs.length < PowerLaw.MIN_POINTS) {
      r.put("formula", NOT_ENOUGH_POINTS);
    } else {
      PowerLaw p = PowerLaw.fit(xs, ys);
      r.put("alpha", g(p.alpha()));
      r.put("alpha_ci95", g(p.alphaHalfWidth95()));
      r.put("beta", g(p.beta()));
      r.put("pearson_r", g(p.pearsonR()));
      r.put("formula", p.formula().replace(",", ";"));
    }
    out.put(r.get("key"), r);
  }

  /**
   * The power law of the reducible part {@code y - E} (points with {@code y <= E} left out), with E
   * and its bootstrap interval in the row; the formula reads {@code L - E = (β·X)^α}.
   */
  private static void addReducible(
      Map<String, Map<String, String>> out,
      String metric,
      String x,
      String form,
      double[] xs,
      double[] ys,
      IrreducibleTerm e) {
    int m = 0;
    for (double v : ys) if (v > e.e()) m++;
    double[] rx = new double[m], ry = new double[m];
    for (int i = 0, k = 0; i < ys.length; i++) {
      if (ys[i] > e.e()) {
        rx[k] = xs[i];
        ry[k++] = ys[i] - e.e();
      }
    }
    addPower(out, metric, x, form, rx, ry);
    Map<String, String> r = out.get(metric + "~" + x + "~" + form);
    r.put("e", g(e.e()));
    r.put("e_lo", g(e.lo()));
    r.put("e_hi", g(e.hi()));
    if (!r.get("formula").equals(NOT_ENOUGH_POINTS))
      r.put("formula", r.get("formula").replaceFirst("^L =", "L - E ="));
  }

  /** The formula of a fit row without a fit: too few points. */
  public static final String NOT_ENOUGH_POINTS = "not enough points";

  /**
   * The fit rows of one metric against one axis.
   *
   * @param tooFewIsRecorded with fewer than {@value PowerLaw#MIN_POINTS} points: true records a
   *     {@link #NOT_ENOUGH_POINTS} row, false throws
   */
  private static void addFits(
      Map<String, Map<String, String>> out,
      String metric,
      String x,
      double[] xs,
      double[] ys,
      boolean tooFewIsRecorded) {
    if (tooFewIsRecorded && xs.length < PowerLaw.MIN_POINTS) {
      Map<String, String> r = new LinkedHashMap<>();
      r.put("key", metric + "~" + x + "~power");
      r.put("metric", metric);
      r.put("x", x);
      r.put("form", "power");
      r.put("points", Integer.toString(xs.length));
      r.put("formula", NOT_ENOUGH_POINTS);
      out.put(r.get("key"), r);
      return;
    }
    PowerLaw p;
    try {
      p = PowerLaw.fit(xs, ys);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "fit of " + metric + " against " + x + ": " + e.getMessage(), e);
    }
    Map<String, String> r = fitRow(metric, x, "power");
    r.put("alpha", g(p.alpha()));
    r.put("alpha_ci95", g(p.alphaHalfWidth95()));
    r.put("beta", g(p.beta()));
    r.put("pearson_r", g(p.pearsonR()));
    addFitRow(out, r, p.n(), p.formula());
    if (xs.length >= SaturatingPowerLaw.MIN_POINTS) {
      try {
        SaturatingPowerLaw s = SaturatingPowerLaw.fit(xs, ys);
        Map<String, String> q = fitRow(metric, x, "irreducible");
        q.put("alpha", g(-s.alpha()));
        q.put("e", g(s.e()));
        q.put("x0", g(s.x0()));
        q.put("pearson_r", g(s.pearsonR()));
        q.put("rms_log", g(s.rmsLog()));
        addFitRow(out, q, s.n(), s.formula());
      } catch (IllegalArgumentException e) {
        // the values do not fall with x: no irreducible-term fit, the power-law row says so
      }
    }
  }

  /** A fit's row of the fits file, its first columns: key, metric, x, form. */
  private static Map<String, String> fitRow(String metric, String x, String form) {
    Map<String, String> r = new LinkedHashMap<>();
    r.put("key", metric + "~" + x + "~" + form);
    r.put("metric", metric);
    r.put("x", x);
    r.put("form", form);
    return r;
  }

  /** Ends {@code row} with the number of points and the formula, and files it under its key. */
  private static void addFitRow(
      Map<String, Map<String, String>> out, Map<String, String> row, int n, String formula) {
    row.put("points", Integer.toString(n));
    row.put("formula", formula.replace(",", ";"));
    out.put(row.get("key"), row);
  }

  private static String g(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
  }

  /** Fits the result files of {@code results} and writes {@code fits.csv} there. */
  public static Map<String, Map<String, String>> writeFits(Path results) throws IOException {
    Map<String, Map<String, String>> f = fit(ScalingSweep.readAll(results));
    KeyedCsv.write(results.resolve("fits.csv"), FIT_HEADER, f);
    return f;
  }
}
