package io.github.var4j.scaling;

import io.github.var4j.io.KeyedCsv;
import io.github.var4j.stats.Frontier;
import io.github.var4j.stats.IrreducibleTerm;
import io.github.var4j.stats.PowerLaw;
import io.github.var4j.stats.SaturatingPowerLaw;
import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
import io.github.var4j.store.RunDir;
import io.github.var4j.train.StepListener;
import io.github.var4j.train.TokenCache;
import io.github.var4j.train.VarTrainConfig;
import io.github.var4j.train.VarTrainer;
import io.github.var4j.transformer.Flops;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.Tokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The scaling-law sweep: every depth of the {@link ScalingFamily} trains on the same tokens in its
 * own run directory {@code <runs>/d<depth>/} (resumable; a finished size is skipped), is evaluated
 * on the test tokens at log-spaced steps ({@link ScalingFamily#logSpacedSteps}), and gets a result
 * file {@code <results>/d<depth>.csv}: N (non-embedding and total), the training FLOPs so far and
 * the four metrics (test loss and token error rate, over all scales and on the last one). {@link
 * #fit} fits the laws of the paper's Figs. 5 and 6 to the result files.
 */
public final class ScalingSweep {
  /** Columns of a size's result file. */
  public static final List<String> HEADER =
      List.of(
          "key",
          "depth",
          "width",
          "heads",
          "n_nonembedding",
          "n_total",
          "batch",
          "steps",
          "step",
          "flops",
          "loss_avg",
          "loss_last",
          "err_avg",
          "err_last",
          "data");

  /** The four metrics, as columns of {@link #HEADER}. */
  public static final List<String> METRICS =
      List.of("loss_last", "loss_avg", "err_last", "err_avg");

  private final Path results;
  private final Path runs;
  private final VarTrainConfig base;
  private final int evalPoints;
  private final Tokenizer tok;
  private final int numClasses;
  private final TokenCache train;
  private final TokenCache test;
  private final String data;
  private final PrintStream log;

  /**
   * @param results where the result files go
   * @param runs parent of the run directories
   * @param base steps, batch, schedule and seed of every size
   * @param evalPoints log-spaced evaluations per size
   * @param tok the frozen tokenizer (its vocabulary, Cvae and schedule shape the models)
   * @param data a name of the data and tokenizer, recorded in every row: fits refuse to mix rows of
   *     different data
   */
  public ScalingSweep(
      Path results,
      Path runs,
      VarTrainConfig base,
      int evalPoints,
      Tokenizer tok,
      int numClasses,
      TokenCache train,
      TokenCache test,
      String data,
      PrintStream log) {
    if (data.contains(",")) throw new IllegalArgumentException("data name must not contain ','");
    this.results = results;
    this.runs = runs;
    this.base = base;
    this.evalPoints = evalPoints;
    this.tok = tok;
    this.numClasses = numClasses;
    this.train = train;
    this.test = test;
    this.data = data;
    this.log = log;
  }

  /** The model of a size. */
  public VarConfig model(int depth) {
    var v = tok.config();
    return ScalingFamily.training(depth, base)
        .modelConfig(v.vocabSize(), v.zChannels(), numClasses, v.patchNums());
  }

  /** Training progress (percent) at which the weights are kept for the Fig. 7 sample grid. */
  public static final int[] SNAPSHOT_PERCENT = {20, 60, 100};

  /** The step of a snapshot: round(steps · percent / 100), at least 1. */
  public static long snapshotStep(long steps, int percent) {
    return Math.max(1, Math.round(steps * percent / 100.0));
  }

  /** The model directory of a size's weights at {@code percent} % of training. */
  public Path snapshotDir(int depth, int percent) {
    return snapshotDir(runs, depth, percent);
  }

  /**
   * The model directory of a size's weights at {@code percent} % of training under {@code runs}.
   */
  public static Path snapshotDir(Path runs, int depth, int percent) {
    return runs.resolve("d" + depth).resolve("weights-" + percent + "pct");
  }

  /** The result file of a size. */
  public Path resultFile(int depth) {
    return results.resolve("d" + depth + ".csv");
  }

  /**
   * Whether a size's result file holds its last step.
   *
   * @throws IllegalStateException if the file holds results of other data or another tokenizer
   *     (they would be skipped, then mixed into the fits)
   */
  public boolean done(int depth) throws IOException {
    Map<String, Map<String, String>> rows =
        KeyedCsv.read(resultFile(depth), HEADER, "scaling result");
    for (Map<String, String> r : rows.values()) {
      if (!r.get("data").equals(data))
        throw new IllegalStateException(
            resultFile(depth)
                + " holds results on '"
                + r.get("data")
                + "', this sweep is on '"
                + data
                + "': move the old results (and "
                + runs.resolve("d" + depth)
                + ") away first");
    }
    return rows.containsKey(depth + "@" + base.steps());
  }

  /**
   * Trains (or resumes) one size and writes its result file; a finished size is skipped.
   *
   * @return the size's rows
   */
  public Map<String, Map<String, String>> run(int depth) throws IOException {
    return run(depth, StepListener.NONE);
  }

  /** As {@link #run(int)}, calling {@code listener} after every training step. */
  public Map<String, Map<String, String>> run(int depth, StepListener listener) throws IOException {
    if (done(depth)) {
      log.println("[scaling] d" + depth + ": done (" + resultFile(depth) + "), skipped");
      return KeyedCsv.read(resultFile(depth), HEADER, "scaling result");
    }
    VarTrainConfig tc = ScalingFamily.training(depth, base);
    VarConfig mc = model(depth);
    long[] evals = ScalingFamily.logSpacedSteps(tc.steps(), evalPoints);
    Path dir = runs.resolve("d" + depth);
    log.printf(
        Locale.ROOT,
        "[scaling] d%d: width %d, heads %d, N %,d (total %,d), lr %.3g, %,.3g FLOPs per step%n",
        depth,
        mc.embedDim(),
        mc.numHeads(),
        mc.nonEmbeddingParams(),
        mc.numParams(),
        tc.peakLr(),
        (double) Flops.trainingStep(mc, tc.batchSize()));
    try (VarTrainer t = new VarTrainer(mc, tc, dir)) {
      StepListener snapshots =
          step -> {
            for (int pct : SNAPSHOT_PERCENT) {
              if (step == snapshotStep(tc.steps(), pct))
                ModelDir.save(snapshotDir(depth, pct), ModelKind.VAR, mc, t.stateDict());
            }
            listener.afterStep(step);
          };
      t.evalAlsoAt(evals).train(train, test, VarTrainer.XSource.of(mc, tok), log, snapshots);
    }
    return writeResult(depth, mc, tc, new RunDir(dir).evalCsv());
  }

  private Map<String, Map<String, String>> writeResult(
      int depth, VarConfig mc, VarTrainConfig tc, Path evalCsv) throws IOException {
    List<String> lines = Files.readAllLines(evalCsv);
    List<String> head = List.of(lines.get(0).split(","));
    int iStep = head.indexOf("step"), iLoss = head.indexOf("test_loss");
    int iAcc = head.indexOf("test_acc"), iLossT = head.indexOf("test_loss_tail");
    int iAccT = head.indexOf("test_acc_tail");
    long perStep = Flops.trainingStep(mc, tc.batchSize());
    Map<String, Map<String, String>> rows = new LinkedHashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      long step = Long.parseLong(f[iStep]);
      if (step == 0) continue;
      Map<String, String> r = new LinkedHashMap<>();
      r.put("key", depth + "@" + step);
      r.put("depth", Integer.toString(depth));
      r.put("width", Integer.toString(mc.embedDim()));
      r.put("heads", Integer.toString(mc.numHeads()));
      r.put("n_nonembedding", Long.toString(mc.nonEmbeddingParams()));
      r.put("n_total", Long.toString(mc.numParams()));
      r.put("batch", Integer.toString(tc.batchSize()));
      r.put("steps", Long.toString(tc.steps()));
      r.put("step", Long.toString(step));
      r.put("flops", Long.toString(Math.multiplyExact(perStep, step)));
      r.put("loss_avg", f[iLoss]);
      r.put("loss_last", f[iLossT]);
      r.put("err_avg", fmt(1 - Double.parseDouble(f[iAcc]) / 100));
      r.put("err_last", fmt(1 - Double.parseDouble(f[iAccT]) / 100));
      r.put("data", data);
      rows.put(r.get("key"), r);
    }
    KeyedCsv.write(resultFile(depth), HEADER, rows);
    log.println(
        "[scaling] d" + depth + ": " + rows.size() + " evaluations -> " + resultFile(depth));
    return rows;
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.6f", v);
  }

  // ---- fits ---------------------------------------------------------------------------------

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

  /** Every row of every {@code d<depth>.csv} in {@code results}, by depth then step. */
  public static List<Map<String, String>> readAll(Path results) throws IOException {
    TreeMap<Integer, Path> files = new TreeMap<>();
    if (Files.isDirectory(results)) {
      try (Stream<Path> s = Files.list(results)) {
        s.forEach(
            p -> {
              String n = p.getFileName().toString();
              if (n.matches("d\\d+\\.csv"))
                files.put(Integer.parseInt(n.substring(1, n.length() - 4)), p);
            });
      }
    }
    List<Map<String, String>> out = new ArrayList<>();
    for (Path p : files.values()) out.addAll(KeyedCsv.read(p, HEADER, "scaling result").values());
    return out;
  }

  /** The rows of {@code rows} at their size's last step: one per finished size, in order. */
  public static List<Map<String, String>> finals(List<Map<String, String>> rows) {
    return rows.stream().filter(r -> r.get("step").equals(r.get("steps"))).toList();
  }

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
    List<Map<String, String>> finals = finals(rows);
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    for (String m : METRICS) {
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
      List<Map<String, String>> late = rows.stream().filter(ScalingSweep::afterWarmup).toList();
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
    Map<String, String> r = new LinkedHashMap<>();
    r.put("key", metric + "~" + x + "~power");
    r.put("metric", metric);
    r.put("x", x);
    r.put("form", "power");
    r.put("alpha", g(p.alpha()));
    r.put("alpha_ci95", g(p.alphaHalfWidth95()));
    r.put("beta", g(p.beta()));
    r.put("pearson_r", g(p.pearsonR()));
    r.put("points", Integer.toString(p.n()));
    r.put("formula", p.formula().replace(",", ";"));
    out.put(r.get("key"), r);
    if (xs.length >= SaturatingPowerLaw.MIN_POINTS) {
      try {
        SaturatingPowerLaw s = SaturatingPowerLaw.fit(xs, ys);
        Map<String, String> q = new LinkedHashMap<>();
        q.put("key", metric + "~" + x + "~irreducible");
        q.put("metric", metric);
        q.put("x", x);
        q.put("form", "irreducible");
        q.put("alpha", g(-s.alpha()));
        q.put("e", g(s.e()));
        q.put("x0", g(s.x0()));
        q.put("pearson_r", g(s.pearsonR()));
        q.put("rms_log", g(s.rmsLog()));
        q.put("points", Integer.toString(s.n()));
        q.put("formula", s.formula().replace(",", ";"));
        out.put(q.get("key"), q);
      } catch (IllegalArgumentException e) {
        // the values do not fall with x: no irreducible-term fit, the power-law row says so
      }
    }
  }

  private static String g(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
  }

  /** Fits the result files of {@code results} and writes {@code fits.csv} there. */
  public static Map<String, Map<String, String>> writeFits(Path results) throws IOException {
    Map<String, Map<String, String>> f = fit(readAll(results));
    KeyedCsv.write(results.resolve("fits.csv"), FIT_HEADER, f);
    return f;
  }
}
