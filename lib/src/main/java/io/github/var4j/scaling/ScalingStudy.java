package io.github.var4j.scaling;

import io.github.var4j.classifier.Classifier;
import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.data.DataSplit;
import io.github.var4j.data.FashionMnist;
import io.github.var4j.data.ImageDataset;
import io.github.var4j.data.Mnist;
import io.github.var4j.data.Subsets;
import io.github.var4j.eval.Generation;
import io.github.var4j.eval.SampleQuality;
import io.github.var4j.eval.SampleSet;
import io.github.var4j.io.KeyedCsv;
import io.github.var4j.sample.SampleOptions;
import io.github.var4j.sample.VarSampler;
import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
import io.github.var4j.train.TokenCache;
import io.github.var4j.train.VarTrainConfig;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.Tokenizer;
import io.github.var4j.vae.VqVaeConfig;
import io.github.var4j.viz.Charts;
import io.github.var4j.viz.Images;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The scaling study end to end: the sweep ({@link ScalingSweep}) trains in a runs directory, writes
 * one result file per size to a results directory, and the fits and figures go to {@code fits.csv}
 * there and {@code scaling-*.png} in a figures directory. Under a project root ({@link
 * #ScalingStudy(Path, boolean)}) these are the committed {@code experiments/results/scaling/} and
 * {@code figures/} with {@code runs/scaling/}; in quick mode (CI) {@code
 * out/quick/results/scaling/}, {@code out/quick/figures/} and {@code out/quick/runs/scaling/}, 3
 * tiny sizes of 12 steps on 512 training and 128 test images. The {@code scaling} command and
 * notebook 04 both run the study through this class.
 */
public final class ScalingStudy {
  /** The sizes of the full sweep. */
  private static final int[] DEPTHS = {1, 2, 3, 4, 5, 6, 7};

  /** The sizes of the quick micro-sweep. */
  private static final int[] QUICK_DEPTHS = {1, 2, 3};

  /** Largest depth the family accepts. */
  public static final int MAX_DEPTH = 16;

  /** Columns of the Fig. 7 grid per training point: this many evenly spaced classes. */
  public static final int GRID_CLASSES = 4;

  private final Path results;
  private final Path runs;
  private final Path figures;
  private final boolean quick;

  /**
   * The study in its standard layout under a project root.
   *
   * @param root the project root (the repository; {@code ..} from a notebook)
   * @param quick quick mode: tiny sweep, everything under {@code out/quick/}
   */
  public ScalingStudy(Path root, boolean quick) {
    this(
        root.resolve(
            quick
                ? Path.of("out", "quick", "results", "scaling")
                : Path.of("experiments", "results", "scaling")),
        root.resolve(
            quick ? Path.of("out", "quick", "runs", "scaling") : Path.of("runs", "scaling")),
        root.resolve(quick ? Path.of("out", "quick", "figures") : Path.of("figures")),
        quick);
  }

  /**
   * The study with its directories named one by one.
   *
   * @param results the result files (one per size) and {@code fits.csv}
   * @param runs parent of the sizes' run directories (checkpoints, kept weights, token caches)
   * @param figures where {@code scaling-*.png} go
   * @param quick quick mode: the tiny sweep
   */
  public ScalingStudy(Path results, Path runs, Path figures, boolean quick) {
    this.quick = quick;
    this.results = results;
    this.runs = runs;
    this.figures = figures;
  }

  /** The result files' directory. */
  public Path results() {
    return results;
  }

  /** Parent of the sizes' run directories. */
  public Path runs() {
    return runs;
  }

  /** Where the figures go. */
  public Path figures() {
    return figures;
  }

  /** The sizes of the sweep: d1..d7, in quick mode d1..d3. */
  public int[] defaultDepths() {
    return (quick ? QUICK_DEPTHS : DEPTHS).clone();
  }

  /**
   * The schedule every size shares: the Fashion-MNIST VAR recipe with {@code steps} steps of {@code
   * batch} images (null: 1,000 × 64, quick mode 12 × 8), no periodic evaluation (the sweep
   * evaluates at log-spaced steps) and a checkpoint every 100 steps (quick mode 4).
   */
  public VarTrainConfig base(Long steps, Integer batch) {
    return VarTrainConfig.fashionMnistDefault()
        .withSteps(steps != null ? steps : quick ? 12 : 1000)
        .withBatchSize(batch != null ? batch : quick ? 8 : 64)
        .withEval(0, 0)
        .withCheckpointEvery(quick ? 4 : 100);
  }

  /**
   * Trains (or resumes; finished sizes are skipped) every size of {@code depths} on the tokens of
   * {@code split} under the frozen tokenizer in {@code tokenizerDir}, writing one result file per
   * size.
   *
   * @param dataTag name of the data, recorded in every row (fits refuse to mix data)
   * @param evalPoints log-spaced test evaluations per size
   * @throws IllegalArgumentException for a depth outside 1..{@value #MAX_DEPTH}, or fewer than 2
   *     evaluation points
   */
  public void train(
      DataSplit split,
      String dataTag,
      Path tokenizerDir,
      int[] depths,
      VarTrainConfig base,
      int evalPoints,
      PrintStream log)
      throws IOException {
    for (int d : depths) {
      if (d < 1 || d > MAX_DEPTH)
        throw new IllegalArgumentException("unknown size d" + d + ": depths are 1.." + MAX_DEPTH);
    }
    if (evalPoints < 2)
      throw new IllegalArgumentException(
          "evalPoints must be at least 2 (a fit needs points along training), got " + evalPoints);
    ImageDataset train = split.train(), test = split.test();
    if (quick) {
      train = train.subset(Subsets.evenlySpaced(train.size(), 512));
      test = test.subset(Subsets.evenlySpaced(test.size(), 128));
    }
    long t0 = System.nanoTime();
    VqVaeConfig vae = ModelDir.config(tokenizerDir, ModelKind.TOKENIZER);
    try (Tokenizer tok = Tokenizer.loadNpyDir(vae, tokenizerDir)) {
      TokenCache trainTok =
          TokenCache.loadOrEncode(runs.resolve("tokens-train.v4jt"), tok, train, "train", log);
      TokenCache testTok =
          TokenCache.loadOrEncode(runs.resolve("tokens-test.v4jt"), tok, test, "test", log);
      ScalingSweep sweep =
          new ScalingSweep(
              results,
              runs,
              base,
              evalPoints,
              tok,
              train.numClasses(),
              trainTok,
              testTok,
              dataTag(dataTag, tokenizerDir),
              log);
      for (int d : depths) sweep.run(d);
    }
    log.printf(Locale.ROOT, "[scaling] sweep session: %.1f min%n", (System.nanoTime() - t0) / 6e10);
  }

  /**
   * The name of the data that every result row records: the data set's tag, the tokenizer's
   * directory name and the first 12 hex digits of its {@link ModelDir#fingerprint}, then {@code
   * +quick} in quick mode. Results of another tokenizer (even one in the same directory) do not
   * match it, so they are neither skipped as done nor fitted together.
   */
  public String dataTag(String dataTag, Path tokenizerDir) throws IOException {
    return dataTag
        + "+"
        + tokenizerDir.getFileName()
        + "@"
        + ModelDir.fingerprint(tokenizerDir).substring(0, 12)
        + (quick ? "+quick" : "");
  }

  /** Samples per class of the per-size FIDs of the Fig. 7 grid. */
  public static final int FID_PER_CLASS = 100;

  /** Header of {@code samples-fid.csv}. */
  public static final List<String> FID_HEADER =
      List.of("size", "depth", "n", "fid", "class_accuracy");

  /**
   * The FID and class accuracy of each size's samples at 100 % of training ({@value #FID_PER_CLASS}
   * per class, {@link SampleOptions#standard}), written to {@code samples-fid.csv} in the results
   * folder; sizes already there are read back.
   */
  private Map<Integer, Double> sampleFids(
      TreeSet<Integer> depths,
      Tokenizer tok,
      Path classifierDir,
      ImageDataset test,
      PrintStream log)
      throws IOException {
    Path csv = results.resolve("samples-fid.csv");
    Map<String, Map<String, String>> done = KeyedCsv.read(csv, FID_HEADER, "per-size FID table");
    ClassifierConfig cc = ModelDir.config(classifierDir, ModelKind.CLASSIFIER);
    Map<Integer, Double> out = new java.util.TreeMap<>();
    try (Classifier c = Classifier.load(cc, ModelDir.weights(classifierDir))) {
      SampleQuality q =
          new SampleQuality(
              c,
              SampleSet.of(
                  test,
                  java.util.stream.IntStream.range(0, test.size()).toArray(),
                  cc.imageSize()));
      for (int d : depths) {
        Map<String, String> row = done.get("d" + d);
        if (row == null) {
          Path dir = ScalingSweep.snapshotDir(runs, d, 100);
          VarConfig cfg = ModelDir.config(dir, ModelKind.VAR);
          SampleQuality.Scores sc;
          try (VarSampler s = VarSampler.fromTokenizer(cfg, ModelDir.weights(dir), tok)) {
            sc =
                q.score(
                    Generation.perClass(
                        s, FID_PER_CLASS, SampleOptions.standard(0), 64, "fid d" + d, log));
          }
          row = new java.util.LinkedHashMap<>();
          row.put("size", "d" + d);
          row.put("depth", Integer.toString(d));
          row.put("n", Integer.toString(sc.n()));
          row.put("fid", String.format(Locale.ROOT, "%.6g", sc.fid()));
          row.put("class_accuracy", String.format(Locale.ROOT, "%.6g", sc.classAccuracy()));
          done.put("d" + d, row);
          KeyedCsv.write(csv, FID_HEADER, done);
          log.printf(Locale.ROOT, "[scaling] d%d: FID %.4f of %d samples%n", d, sc.fid(), sc.n());
        }
        out.put(d, Double.parseDouble(row.get("fid")));
      }
    }
    return out;
  }

  /**
   * Fits the result files there are ({@code fits.csv}) and draws {@code scaling-laws.png} (the 4 ×
   * 2 panels), {@code scaling-frontier.png} and {@code scaling-samples.png} (the Fig. 7 grid of the
   * finished sizes, from the weights kept at 20, 60 and 100 % of training, {@value #GRID_CLASSES}
   * evenly spaced classes; sizes whose weights are not under {@link #runs()}, as after a fresh
   * clone, are left out, and with none the grid is not redrawn).
   *
   * @return the fits, by key
   * @throws IllegalArgumentException as {@link ScalingSweep#fit}
   */
  public Map<String, Map<String, String>> fitAndDraw(Path tokenizerDir, PrintStream log)
      throws IOException {
    return fitAndDraw(tokenizerDir, null, null, log);
  }

  /**
   * {@link #fitAndDraw(Path, PrintStream)}, and with a feature network and the test images the Fig.
   * 7 grid's rows also give the FID of each size's samples at 100 % ({@value #FID_PER_CLASS} per
   * class, the standard sampling options), written to {@code samples-fid.csv} beside the results.
   *
   * @param classifierDir the feature network, or null (no FIDs)
   * @param test the reference images of the FIDs, or null (no FIDs)
   */
  public Map<String, Map<String, String>> fitAndDraw(
      Path tokenizerDir, Path classifierDir, ImageDataset test, PrintStream log)
      throws IOException {
    Map<String, Map<String, String>> fits = ScalingFits.writeFits(results);
    for (Map<String, String> f : fits.values()) {
      log.printf(
          Locale.ROOT,
          "[scaling] %-9s vs %s %-11s %s%n",
          f.get("metric"),
          f.get("x"),
          f.get("form"),
          f.get("formula"));
    }
    log.println("[scaling] wrote " + results.resolve("fits.csv"));
    List<Map<String, String>> rows = ScalingSweep.readAll(results);
    Images.writePng(ScalingFigures.lawPanels(rows), figures.resolve("scaling-laws.png"));
    BufferedImage reducible = ScalingFigures.reducibleLawPanels(rows, fits);
    if (reducible != null)
      Images.writePng(reducible, figures.resolve("scaling-laws-reducible.png"));
    else log.println("[scaling] too few sizes for the irreducible term: no reducible-loss panels");
    Charts.savePng(
        ScalingFigures.againstC(rows, "loss_avg", 900, 600),
        figures.resolve("scaling-frontier.png"));
    log.println(
        "[scaling] wrote "
            + figures.resolve("scaling-laws.png")
            + ", "
            + figures.resolve("scaling-laws-reducible.png")
            + ", "
            + figures.resolve("scaling-frontier.png"));
    // the Fig. 7 grid needs the weights the sweep kept, which live in the (uncommitted) run
    // directories: sizes without them are left out, and with none the grid is not redrawn
    TreeSet<Integer> withWeights = new TreeSet<>();
    List<Integer> without = new ArrayList<>();
    for (Map<String, String> r : ScalingSweep.finals(rows)) {
      int d = Integer.parseInt(r.get("depth"));
      boolean all = true;
      for (int pct : ScalingSweep.SNAPSHOT_PERCENT)
        all &= ModelDir.exists(ScalingSweep.snapshotDir(runs, d, pct));
      if (all) withWeights.add(d);
      else without.add(d);
    }
    if (!without.isEmpty())
      log.println(
          "[scaling] no kept weights under "
              + runs
              + " for d"
              + without
              + (withWeights.isEmpty()
                  ? ": the sample grid is not redrawn"
                  : ": left out of the grid"));
    if (withWeights.isEmpty()) return fits;
    int numClasses =
        ModelDir.config(ScalingSweep.snapshotDir(runs, withWeights.first(), 100), ModelKind.VAR)
            .numClasses();
    VqVaeConfig vae = ModelDir.config(tokenizerDir, ModelKind.TOKENIZER);
    String data = rows.get(0).get("data");
    List<String> names =
        data.startsWith("fmnist")
            ? FashionMnist.CLASS_NAMES
            : data.startsWith("mnist") ? Mnist.CLASS_NAMES : null;
    try (Tokenizer tok = Tokenizer.loadNpyDir(vae, tokenizerDir)) {
      Map<Integer, Double> fid =
          classifierDir != null && test != null
              ? sampleFids(withWeights, tok, classifierDir, test, log)
              : Map.of();
      Images.writePng(
          ScalingFigures.progressGrid(
              runs,
              withWeights.stream().mapToInt(Integer::intValue).toArray(),
              tok,
              Subsets.evenlySpaced(numClasses, GRID_CLASSES),
              names,
              fid,
              SampleOptions.defaults().withTopP(0.96),
              2),
          figures.resolve("scaling-samples.png"));
    }
    log.println("[scaling] wrote " + figures.resolve("scaling-samples.png"));
    return fits;
  }
}
