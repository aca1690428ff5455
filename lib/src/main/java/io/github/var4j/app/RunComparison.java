package io.github.var4j.app;

import io.github.var4j.classifier.Classifier;
import io.github.var4j.eval.SampleSet;
import io.github.var4j.sample.SampleOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * "This run against the committed models": the table that ends the main job. A run directory
 * ({@code out/<tier>}) holds what the run trained ({@code models/}) and the result files it wrote
 * ({@code results/}); the committed side is {@code models/} and {@code experiments/results/}.
 *
 * <p>Rows: the tokenizer's test PSNR, rFID and training time (when the run trained a tokenizer),
 * the VAR's test loss, teacher-forced accuracy and training time (from the result files), and the
 * FID and class accuracy of samples of both VARs, drawn now with the same options, seeds and number
 * of samples (rows of a {@link QualityTable} in the run's results, so a second call reuses them).
 *
 * @param committedResults {@code experiments/results}
 * @param runResults the run's results folder
 * @param tag the data set's tag of the result files ({@code fmnist})
 */
public record RunComparison(Path committedResults, Path runResults, String tag) {

  /** One line of the table: a metric, the committed value and the run's (null: not measured). */
  public record Row(String metric, String committed, String run) {}

  /** The two VARs to sample (each with its tokenizer). */
  public record Models(
      Path committedVar, Path committedTokenizer, Path runVar, Path runTokenizer) {}

  /** Name of the quality table of the comparison, in the run's results. */
  public static final String QUALITY_CSV = "compare-quality.csv";

  /**
   * Samples both VARs ({@code perClass} images per class, options {@code opts}) into the run's
   * quality table, then builds the rows.
   */
  public List<Row> compare(
      Models m,
      Classifier classifier,
      SampleSet reference,
      int perClass,
      SampleOptions opts,
      PrintStream log)
      throws IOException {
    Files.createDirectories(runResults);
    QualityTable table =
        new QualityTable(
            runResults.resolve(QUALITY_CSV),
            runResults.resolve("compare-samples"),
            classifier,
            reference,
            perClass,
            64,
            0,
            log);
    Map<String, String> committed =
        table.run(new QualityRow("committed", m.committedVar(), m.committedTokenizer(), opts, 1));
    Map<String, String> run =
        table.run(new QualityRow("this run", m.runVar(), m.runTokenizer(), opts, 1));
    return rows(committed, run);
  }

  /** The rows from the result files and the two quality-table rows. */
  public List<Row> rows(Map<String, String> committedQuality, Map<String, String> runQuality)
      throws IOException {
    List<Row> out = new ArrayList<>();
    Map<String, String> tokC = metrics(committedResults.resolve("tokenizer-" + tag + ".csv"));
    Map<String, String> tokR = metrics(runResults.resolve("tokenizer-" + tag + ".csv"));
    if (!tokR.isEmpty()) {
      out.add(row("tokenizer test PSNR (dB)", tokC, tokR, "psnr_db", 2));
      out.add(
          new Row(
              "tokenizer rFID",
              fmt(reconFid(committedResults.resolve("fid-reference.csv")), 4),
              fmt(reconFid(runResults.resolve("fid-reference.csv")), 4)));
      out.add(
          new Row(
              "tokenizer training (min)",
              minutes(tokC.get("train_seconds"), tokC.get("train_steps")),
              minutes(tokR.get("train_seconds"), tokR.get("train_steps"))));
    } else {
      out.add(new Row("tokenizer", "models/fmnist-tokenizer", "the same (committed)"));
    }
    Map<String, String> varC = metrics(committedResults.resolve("var-" + tag + ".csv"));
    Map<String, String> varR = metrics(runResults.resolve("var-" + tag + ".csv"));
    out.add(new Row("VAR parameters", varC.get("params"), varR.get("params")));
    out.add(new Row("VAR training steps", varC.get("steps"), varR.get("steps")));
    out.add(row("VAR test loss (nats/token)", varC, varR, "test_loss", 3));
    out.add(row("VAR test accuracy (teacher forcing, %)", varC, varR, "test_acc_pct", 1));
    out.add(row("VAR training (min)", varC, varR, "train_minutes", 1));
    String n = committedQuality.get("n");
    out.add(row("FID of " + n + " samples", committedQuality, runQuality, "fid", 3));
    out.add(
        new Row(
            "class accuracy of the samples (%)",
            pct(committedQuality.get("class_accuracy")), pct(runQuality.get("class_accuracy"))));
    return out;
  }

  /** The rows as a Markdown table. */
  public static String markdown(List<Row> rows) {
    StringBuilder sb = new StringBuilder("| | committed models | this run |\n|---|---|---|\n");
    for (Row r : rows)
      sb.append("| ")
          .append(r.metric())
          .append(" | ")
          .append(dash(r.committed()))
          .append(" | ")
          .append(dash(r.run()))
          .append(" |\n");
    return sb.toString();
  }

  /** A {@code metric,value} result file as a map (empty when it does not exist). */
  static Map<String, String> metrics(Path csv) throws IOException {
    Map<String, String> m = new LinkedHashMap<>();
    if (!Files.exists(csv)) return m;
    for (String line : Files.readAllLines(csv)) {
      int c = line.indexOf(',');
      if (c > 0 && !line.startsWith("metric,")) m.put(line.substring(0, c), line.substring(c + 1));
    }
    return m;
  }

  /** The FID of the tokenizer's reconstructions in a {@code fid-reference.csv} (null if none). */
  static String reconFid(Path csv) throws IOException {
    if (!Files.exists(csv)) return null;
    for (String line : Files.readAllLines(csv)) {
      if (line.startsWith("tokenizer-recon-vs-test (" + "fmnist-tokenizer ")) {
        return line.split(",", -1)[1];
      }
    }
    return null;
  }

  private static String minutes(String seconds, String steps) {
    if (seconds == null) return null;
    String m = String.format(Locale.ROOT, "%.1f", Double.parseDouble(seconds) / 60);
    return steps == null ? m : m + " (" + steps + " steps recorded)";
  }

  /** The row of the number {@code key} of both files, with {@code digits} decimals. */
  private static Row row(
      String metric,
      Map<String, String> committed,
      Map<String, String> run,
      String key,
      int digits) {
    return new Row(metric, fmt(committed.get(key), digits), fmt(run.get(key), digits));
  }

  private static String fmt(String v, int digits) {
    if (v == null || v.isBlank()) return null;
    return String.format(Locale.ROOT, "%." + digits + "f", Double.parseDouble(v));
  }

  private static String pct(String fraction) {
    if (fraction == null || fraction.isBlank()) return null;
    return String.format(Locale.ROOT, "%.1f", 100 * Double.parseDouble(fraction));
  }

  private static String dash(String s) {
    return s == null ? "—" : s;
  }
}
