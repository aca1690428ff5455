package io.github.var4j.app;

import io.github.var4j.io.KeyedCsv;
import io.github.var4j.sample.SampleOptions;
import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
import io.github.var4j.transformer.Flops;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.viz.Charts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.CategoryChart;

/**
 * The rows of an ablation table in the style of the VAR paper's Table 3, read from a CSV: each row
 * a trained model, its tokenizer, the sampling setting it is scored with, and the training it had
 * (steps of a batch), from which its training FLOPs follow ({@link Flops#trainingStep}). A row that
 * only changes sampling names the previous row's model again.
 *
 * <pre>
 * name,model,tokenizer,cfg,top_k,top_p,train_steps,train_batch
 * AR,models/table3-ar,models/fmnist-tokenizer-raster-perceptual,0,0,0,3656,64
 * AR to VAR (paradigm only),models/table3-paradigm,models/fmnist-tokenizer,0,0,0,1367,64
 * </pre>
 *
 * Paths are relative to the folder the command runs in (the repository root).
 */
public final class AblationRows {
  private AblationRows() {}

  /** The columns of the rows file. */
  public static final List<String> HEADER =
      List.of("name", "model", "tokenizer", "cfg", "top_k", "top_p", "train_steps", "train_batch");

  /** The columns of the training table that {@link #trainingTable} makes. */
  public static final List<String> TRAINING_HEADER =
      List.of("name", "model", "params", "train_steps", "train_batch", "train_flops");

  /**
   * The columns of the ablation table that {@link #table} makes: the quality columns of every row
   * beside its training, and its FID against the first row's, as the paper's Table 3 reads.
   */
  public static final List<String> TABLE_HEADER =
      List.of(
          "name",
          "params",
          "train_flops",
          "fid",
          "fid_change",
          "fid_ratio",
          "is_mean",
          "precision",
          "recall",
          "class_accuracy",
          "images_per_s_batch",
          "images_per_s_1");

  /**
   * One row.
   *
   * @param spec the quality-table row: name, model, tokenizer, sampling options (no rejection)
   * @param trainSteps optimisation steps the model had
   * @param trainBatch images per step
   */
  public record Row(QualityRow spec, long trainSteps, int trainBatch) {
    public Row {
      if (trainSteps < 1 || trainBatch < 1)
        throw new IllegalArgumentException(
            "row '"
                + spec.name()
                + "': train_steps and train_batch must be >= 1, got "
                + trainSteps
                + " and "
                + trainBatch);
    }

    /** FLOPs of the model's training: steps × {@link Flops#trainingStep}. */
    public double trainingFlops(VarConfig cfg) {
      return (double) trainSteps * Flops.trainingStep(cfg, trainBatch);
    }
  }

  /**
   * Reads the rows, in file order, each sampled with {@code seed}.
   *
   * @throws IOException naming the file: a missing file, another header, a malformed row or value
   */
  public static List<Row> read(Path csv, long seed) throws IOException {
    if (!java.nio.file.Files.isRegularFile(csv)) throw new IOException(csv + ": no such rows file");
    Map<String, Map<String, String>> rows = KeyedCsv.read(csv, HEADER, "rows file");
    if (rows.isEmpty()) throw new IOException(csv + " has no rows");
    if (java.nio.file.Files.readAllLines(csv).size() - 1 != rows.size())
      throw new IOException(csv + ": two rows have the same name (names are the table's keys)");
    List<Row> out = new ArrayList<>();
    for (Map<String, String> r : rows.values()) {
      try {
        SampleOptions o =
            SampleOptions.builder()
                .cfg(Double.parseDouble(r.get("cfg")))
                .topK(Integer.parseInt(r.get("top_k")))
                .topP(Double.parseDouble(r.get("top_p")))
                .moreSmooth(false)
                .seed(seed)
                .greedy(false)
                .build();
        out.add(
            new Row(
                new QualityRow(
                    r.get("name"), Path.of(r.get("model")), Path.of(r.get("tokenizer")), o, 1),
                Long.parseLong(r.get("train_steps")),
                Integer.parseInt(r.get("train_batch"))));
      } catch (IllegalArgumentException e) { // NumberFormatException is one
        throw new IOException(csv + ": row '" + r.get("name") + "': " + e.getMessage(), e);
      }
    }
    return out;
  }

  /**
   * The training table: per row its model's parameters, steps, batch and training FLOPs.
   *
   * @throws IOException naming a model directory that cannot be read
   */
  public static Map<String, Map<String, String>> trainingTable(List<Row> rows) throws IOException {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    for (Row r : rows) {
      VarConfig cfg = ModelDir.config(r.spec().model(), ModelKind.VAR);
      Map<String, String> m = new LinkedHashMap<>();
      m.put("name", r.spec().name());
      m.put("model", r.spec().model().toString());
      m.put("params", Long.toString(cfg.numParams()));
      m.put("train_steps", Long.toString(r.trainSteps()));
      m.put("train_batch", Integer.toString(r.trainBatch()));
      m.put("train_flops", String.format(Locale.ROOT, "%.4e", r.trainingFlops(cfg)));
      out.put(r.spec().name(), m);
    }
    return out;
  }

  /**
   * The ablation table: the rows of {@code training} (in its order, the rows file's) that the
   * quality table {@code quality} (as {@link QualityTable#read} gives it) has scored, with their
   * training FLOPs; {@code fid_change} is the row's FID minus that of {@code base} (negative:
   * better) and {@code fid_ratio} the base's FID over the row's (above 1: better).
   *
   * @throws IllegalArgumentException if {@code base} has no scored row
   */
  public static Map<String, Map<String, String>> table(
      Map<String, Map<String, String>> quality,
      Map<String, Map<String, String>> training,
      String base) {
    if (!quality.containsKey(base))
      throw new IllegalArgumentException("the base row '" + base + "' has not been scored");
    double baseFid = Double.parseDouble(quality.get(base).get("fid"));
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    for (Map<String, String> t : training.values()) {
      Map<String, String> q = quality.get(t.get("name"));
      if (q == null) continue;
      double fid = Double.parseDouble(q.get("fid"));
      Map<String, String> m = new LinkedHashMap<>();
      for (String c : TABLE_HEADER) m.put(c, q.getOrDefault(c, ""));
      m.put("params", t.get("params"));
      m.put("train_flops", t.get("train_flops"));
      m.put("fid_change", String.format(Locale.ROOT, "%.6f", fid - baseFid));
      m.put("fid_ratio", String.format(Locale.ROOT, "%.6f", baseFid / fid));
      out.put(q.get("name"), m);
    }
    return out;
  }

  /** The ablation table as bars: each row's FID (lower is better), labelled with its ratio. */
  public static CategoryChart fidChart(Map<String, Map<String, String>> table, String title) {
    List<String> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (Map<String, String> r : table.values()) {
      xs.add(
          r.get("name")
              + String.format(Locale.ROOT, " (%.2fx)", Double.parseDouble(r.get("fid_ratio"))));
      ys.add(Double.parseDouble(r.get("fid")));
    }
    CategoryChart chart =
        Charts.bars(
            title,
            "row (FID of the first row / FID of the row)",
            "FID (lower is better)",
            xs,
            ys,
            1000,
            640);
    chart.getStyler().setXAxisLabelRotation(45);
    return chart;
  }
}
