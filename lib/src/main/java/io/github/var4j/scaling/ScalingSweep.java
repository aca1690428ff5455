package io.github.var4j.scaling;

import io.github.var4j.io.KeyedCsv;
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
}
