package io.github.var4j.app;

import io.github.var4j.classifier.Classifier;
import io.github.var4j.eval.Generation;
import io.github.var4j.eval.SampleQuality;
import io.github.var4j.eval.SampleSet;
import io.github.var4j.io.AtomicFiles;
import io.github.var4j.io.KeyedCsv;
import io.github.var4j.sample.ImageSampler;
import io.github.var4j.store.ModelDir;
import io.github.var4j.viz.Charts;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hipparchus.stat.descriptive.rank.Median;
import org.knowm.xchart.XYChart;

/**
 * The sample-quality table (the paper's Table 3 in miniature), resumable: each row generates {@code
 * perClass} images of every class with a trained model and a sampling setting, keeps them as an
 * {@code .npz} ({@link SampleSet}) in a sample directory, scores them with {@link SampleQuality}
 * and measures the sampling speed; its result becomes one line of a CSV keyed by the row's name,
 * rewritten atomically after each row. A row already in the CSV is skipped; a row whose {@code
 * .npz} exists and was drawn from the same models and settings ({@link #samplesSource}) is only
 * scored (and timed).
 *
 * <p>All rows of one CSV must have the same number of samples (FID depends on N).
 */
public final class QualityTable {
  /** The CSV columns. */
  public static final List<String> HEADER =
      List.of(
          "name",
          "params",
          "steps",
          "cfg",
          "top_k",
          "top_p",
          "rejection",
          "n",
          "fid",
          "is_mean",
          "is_std",
          "precision",
          "recall",
          "class_accuracy",
          "images_per_s_batch",
          "batch",
          "images_per_s_1");

  private final Path csv, sampleDir;
  private final Classifier classifier;
  private final SampleQuality quality;
  private final int perClass, batch, timedSingles;
  private final PrintStream log;

  /**
   * @param csv the table; existing rows are kept
   * @param sampleDir where each row's samples are kept ({@code <slug>.npz})
   * @param classifier the feature network
   * @param reference the real images every row is compared with
   * @param perClass images per class of every row
   * @param batch images per graph run of the throughput measurement
   * @param timedSingles images generated one at a time for the batch-1 speed (0 = not measured)
   */
  public QualityTable(
      Path csv,
      Path sampleDir,
      Classifier classifier,
      SampleSet reference,
      int perClass,
      int batch,
      int timedSingles,
      PrintStream log) {
    if (perClass <= 0 || batch <= 0 || timedSingles < 0)
      throw new IllegalArgumentException("perClass and batch must be positive, timedSingles >= 0");
    this.csv = csv;
    this.sampleDir = sampleDir;
    this.classifier = classifier;
    this.quality = new SampleQuality(classifier, reference);
    this.perClass = perClass;
    this.batch = batch;
    this.timedSingles = timedSingles;
    this.log = log;
  }

  /** The rows of a table CSV by name (empty when the file does not exist). */
  public static Map<String, Map<String, String>> read(Path csv) throws IOException {
    return KeyedCsv.read(csv, HEADER, "quality table");
  }

  /** The columns of {@link #summary}. */
  public static final List<String> SUMMARY_COLUMNS =
      List.of(
          "row",
          "params",
          "steps",
          "FID",
          "IS",
          "precision",
          "recall",
          "class acc.",
          "images/s (batch)",
          "images/s (1)",
          "time vs base");

  /**
   * The table as display rows: name, parameters, sequential steps, FID, IS (mean ± std), precision,
   * recall, class accuracy, images/s at the batch size and at batch 1, and the time per image at
   * batch 1 relative to the row {@code base} (e.g. "VAR + CFG"; NaN if absent).
   */
  public static List<Object[]> summary(Path csv, String base) throws IOException {
    Map<String, Map<String, String>> rows = read(csv);
    double baseIps =
        rows.containsKey(base) ? parse(rows.get(base).get("images_per_s_1")) : Double.NaN;
    List<Object[]> out = new ArrayList<>();
    for (Map<String, String> r : rows.values()) {
      double ips1 = parse(r.get("images_per_s_1"));
      out.add(
          new Object[] {
            r.get("name"),
            Long.parseLong(r.get("params")),
            Integer.parseInt(r.get("steps")),
            round(parse(r.get("fid")), 4),
            String.format(
                Locale.ROOT, "%.3f ± %.3f", parse(r.get("is_mean")), parse(r.get("is_std"))),
            round(parse(r.get("precision")), 4),
            round(parse(r.get("recall")), 4),
            round(parse(r.get("class_accuracy")), 4),
            round(parse(r.get("images_per_s_batch")), 1),
            round(ips1, 1),
            round(baseIps / ips1, 2)
          });
    }
    return out;
  }

  /** {@link #summary} as a Markdown table (for the README). */
  public static String markdown(Path csv, String base) throws IOException {
    List<String> cols = new ArrayList<>(SUMMARY_COLUMNS);
    cols.set(cols.size() - 1, "time vs " + base);
    StringBuilder sb = new StringBuilder("| " + String.join(" | ", cols) + " |\n");
    sb.append("|---".repeat(cols.size())).append("|\n");
    for (Object[] r : summary(csv, base)) {
      sb.append('|');
      for (Object v : r)
        sb.append(' ').append(v instanceof Double d && d.isNaN() ? "—" : v).append(" |");
      sb.append('\n');
    }
    return sb.toString();
  }

  /**
   * A sweep table as a chart: FID and IS against the column {@code column} of its rows (e.g. "cfg"
   * or "top_k"; a top-k of 0, "off", is plotted at {@code offValue}).
   */
  public static XYChart sweepChart(
      Path csv, String column, double offValue, String title, String xTitle) throws IOException {
    List<double[]> pts = new ArrayList<>();
    for (Map<String, String> r : read(csv).values()) {
      double x = parse(r.get(column));
      pts.add(new double[] {x == 0 ? offValue : x, parse(r.get("fid")), parse(r.get("is_mean"))});
    }
    if (pts.isEmpty()) throw new IllegalArgumentException(csv + " has no rows");
    pts.sort((a, b) -> Double.compare(a[0], b[0]));
    return Charts.sweep(
        title,
        xTitle,
        pts.stream().mapToDouble(p -> p[0]).toArray(),
        pts.stream().mapToDouble(p -> p[1]).toArray(),
        pts.stream().mapToDouble(p -> p[2]).toArray());
  }

  private static double parse(String v) {
    return v == null || v.isEmpty() ? Double.NaN : Double.parseDouble(v);
  }

  private static double round(double v, int digits) {
    if (Double.isNaN(v)) return v;
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  /**
   * The speed/quality plane of a table: one point per row, x = images/s (at batch {@code batch}, or
   * one at a time with {@code single}), y = FID; rows without that speed are left out.
   */
  public static XYChart paretoChart(Path csv, String title, boolean single) throws IOException {
    Map<String, double[]> pts = new LinkedHashMap<>();
    for (Map<String, String> r : read(csv).values()) {
      double ips = parse(r.get(single ? "images_per_s_1" : "images_per_s_batch"));
      if (!Double.isNaN(ips)) pts.put(r.get("name"), new double[] {ips, parse(r.get("fid"))});
    }
    String speed = single ? "images/s, one at a time" : "images/s, batches";
    return Charts.namedPoints(title, speed, "FID (lower is better)", pts, 700, 520);
  }

  /**
   * What a row's samples are drawn from: the fingerprints of both model directories ({@link
   * ModelDir#fingerprint}), the sampling options, the rejection count and N. Kept beside the row's
   * {@code .npz} as {@code <slug>.source}; samples whose source differs are drawn again, so a
   * retrained model never inherits its predecessor's samples.
   */
  public static String samplesSource(QualityRow spec, int n) throws IOException {
    return "model "
        + ModelDir.fingerprint(spec.model())
        + "\ntokenizer "
        + ModelDir.fingerprint(spec.tokenizer())
        + "\noptions "
        + spec.opts()
        + "\nrejection "
        + spec.rejection()
        + (spec.refiner() == null
            ? ""
            : "\nrefiner " + ModelDir.fingerprint(spec.refiner()) + " from " + spec.refinerFrom())
        + (spec.pruning() == null ? "" : "\npruning " + spec.pruning())
        + "\nn "
        + n
        + "\n";
  }

  /** Evaluates a row unless the table has it; returns its CSV fields. */
  public Map<String, String> run(QualityRow spec) throws IOException {
    Map<String, Map<String, String>> rows = read(csv);
    int n = perClass * classifier.config().numClasses();
    for (Map<String, String> r : rows.values()) {
      if (Integer.parseInt(r.get("n")) != n)
        throw new IllegalArgumentException(
            "rows of one table must have the same number of samples: '"
                + r.get("name")
                + "' has "
                + r.get("n")
                + ", '"
                + spec.name()
                + "' would have "
                + n
                + " (use another table file)");
    }
    if (rows.containsKey(spec.name())) {
      log.println("[quality] " + spec.name() + ": in " + csv + ", skipped");
      return rows.get(spec.name());
    }
    Path npz = sampleDir.resolve(spec.slug() + ".npz");
    double ipsBatch = Double.NaN, ips1 = Double.NaN;
    long params;
    int steps;
    try (ImageSampler s = TrainedModels.openImageSampler(spec, batch)) {
      params = s.varConfig().numParams();
      steps = s.numSteps();
      SampleSet set;
      Path sourceFile = sampleDir.resolve(spec.slug() + ".source");
      String source = samplesSource(spec, n);
      if (Files.exists(npz)
          && Files.exists(sourceFile)
          && Files.readString(sourceFile, StandardCharsets.UTF_8).equals(source)) {
        set = SampleSet.readNpz(npz);
        log.println("[quality] " + spec.name() + ": samples from " + npz);
      } else {
        if (Files.exists(npz))
          log.println(
              "[quality] "
                  + spec.name()
                  + ": "
                  + npz
                  + " was drawn from other models or settings (see "
                  + sourceFile.getFileName()
                  + "), drawing the samples again");
        int[] labels = Generation.classMajorLabels(perClass, classifier.config().numClasses());
        set = generate(s, spec, labels, "quality " + spec.name(), log);
        Files.createDirectories(sampleDir);
        set.writeNpz(npz);
        AtomicFiles.write(sourceFile, source.getBytes(StandardCharsets.UTF_8));
      }
      if (set.n() != n)
        throw new IllegalArgumentException(
            npz + " holds " + set.n() + " samples, the table needs " + n + ": delete it");
      SampleQuality.Scores sc = quality.score(set);
      ipsBatch = timeBatches(s, spec, 1);
      if (timedSingles > 0) ips1 = timeSingles(spec, 1);
      Map<String, String> row = new LinkedHashMap<>();
      row.put("name", spec.name());
      row.put("params", Long.toString(params));
      row.put("steps", Integer.toString(steps));
      row.put("cfg", num(spec.opts().cfg()));
      row.put("top_k", Integer.toString(spec.opts().topK()));
      row.put("top_p", num(spec.opts().topP()));
      row.put("rejection", Integer.toString(spec.rejection()));
      row.put("n", Integer.toString(n));
      row.put("fid", num(sc.fid()));
      row.put("is_mean", num(sc.isMean()));
      row.put("is_std", num(sc.isStd()));
      row.put("precision", num(sc.precision()));
      row.put("recall", num(sc.recall()));
      row.put("class_accuracy", num(sc.classAccuracy()));
      row.put("images_per_s_batch", num(ipsBatch));
      row.put("batch", Integer.toString(batch));
      row.put("images_per_s_1", num(ips1));
      log.printf(
          Locale.ROOT,
          "[quality] %s: FID %.4f, IS %.3f ± %.3f, precision %.4f, recall %.4f, class accuracy"
              + " %.4f; %.1f images/s at batch %d, %.1f at batch 1%n",
          spec.name(),
          sc.fid(),
          sc.isMean(),
          sc.isStd(),
          sc.precision(),
          sc.recall(),
          sc.classAccuracy(),
          ipsBatch,
          batch,
          ips1);
      rows = read(csv);
      rows.put(spec.name(), row);
      write(rows);
      return row;
    }
  }

  /**
   * Measures the speed columns of a finished row again (e.g. on a quiet machine, after the rows
   * were generated beside other work) and rewrites them; the scores stay. Each column is the median
   * of {@value #RETIME_ROUNDS} rounds (a round: two batches, or the timed single images), which
   * keeps one slow round (another process, the VM's neighbours) out of the table.
   *
   * @throws IllegalArgumentException if the table has no such row
   */
  public Map<String, String> retime(QualityRow spec) throws IOException {
    Map<String, Map<String, String>> rows = read(csv);
    Map<String, String> row = rows.get(spec.name());
    if (row == null)
      throw new IllegalArgumentException("the table " + csv + " has no row '" + spec.name() + "'");
    try (ImageSampler s = TrainedModels.openImageSampler(spec, batch)) {
      row.put("images_per_s_batch", num(timeBatches(s, spec, RETIME_ROUNDS)));
      row.put("batch", Integer.toString(batch));
    }
    row.put(
        "images_per_s_1", num(timedSingles > 0 ? timeSingles(spec, RETIME_ROUNDS) : Double.NaN));
    log.printf(
        Locale.ROOT,
        "[quality] %s: re-timed %s images/s at batch %d, %s at batch 1%n",
        spec.name(),
        row.get("images_per_s_batch"),
        batch,
        row.get("images_per_s_1"));
    rows = read(csv);
    rows.put(spec.name(), row);
    write(rows);
    return row;
  }

  private SampleSet generate(
      ImageSampler s, QualityRow spec, int[] labels, String tag, PrintStream out) {
    return spec.rejection() == 1
        ? Generation.of(
            s, labels, spec.opts(), labels.length < batch ? labels.length : batch, tag, out)
        : Generation.rejection(
            s,
            classifier,
            labels,
            spec.rejection(),
            spec.opts(),
            Math.min(batch, labels.length),
            tag,
            out);
  }

  /** Timing rounds of {@link #retime}; a row's first timing, beside its scoring, takes one. */
  static final int RETIME_ROUNDS = 3;

  /**
   * Images/s of two timed runs of {@code batch} images (after one untimed), rejection included: the
   * median over {@code rounds} such rounds.
   */
  private double timeBatches(ImageSampler s, QualityRow spec, int rounds) {
    int[] labels = new int[batch];
    for (int i = 0; i < batch; i++) labels[i] = i % classifier.config().numClasses();
    QualityRow timed = spec.withOpts(spec.opts().withSeed(spec.opts().seed() + 91));
    generate(s, timed, labels, "warm-up", QUIET);
    return medianRate(
        rounds,
        2 * batch,
        () -> {
          for (int r = 0; r < 2; r++) generate(s, timed, labels, "timed", QUIET);
        });
  }

  /**
   * Images/s generating one image per run (after one untimed image), rejection included: the median
   * over {@code rounds} rounds of {@code timedSingles} images.
   */
  private double timeSingles(QualityRow spec, int rounds) throws IOException {
    try (ImageSampler one = TrainedModels.openImageSampler(spec, 1)) {
      int classes = classifier.config().numClasses();
      QualityRow o = spec.withOpts(spec.opts().withSeed(spec.opts().seed() + 77));
      generate(one, o, new int[] {0}, "warm-up", QUIET);
      return medianRate(
          rounds,
          timedSingles,
          () -> {
            for (int i = 0; i < timedSingles; i++)
              generate(one, o, new int[] {i % classes}, "timed", QUIET);
          });
    }
  }

  /** The median over {@code rounds} runs of {@code round} of its images per second. */
  private static double medianRate(int rounds, int images, Runnable round) {
    double[] rates = new double[rounds];
    for (int k = 0; k < rounds; k++) {
      long t0 = System.nanoTime();
      round.run();
      rates[k] = images / ((System.nanoTime() - t0) / 1e9);
    }
    return new Median().evaluate(rates);
  }

  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  private void write(Map<String, Map<String, String>> rows) throws IOException {
    KeyedCsv.write(csv, HEADER, rows);
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
  }
}
