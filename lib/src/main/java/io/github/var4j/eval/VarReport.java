package io.github.var4j.eval;

import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.train.VarEvaluator;
import io.github.var4j.train.VarTrainer;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.viz.AttentionMaskView;
import io.github.var4j.viz.Charts;
import io.github.var4j.viz.Tables;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.Table;

/**
 * Charts and tables of a VAR training run, read from its CSVs ({@link VarTrainer}: {@code
 * metrics.csv} per step, {@code eval.csv} per evaluation): loss and accuracy curves, a metrics
 * table, the block-causal attention mask and the number of tokens per scale. Used by the {@code
 * train-var} command and notebook 02.
 */
public final class VarReport {
  private VarReport() {}

  /**
   * A numeric CSV as columns: header name to values (an empty cell is NaN). Rows of a different
   * length than the header (a torn last line) are skipped.
   */
  public static Map<String, double[]> readCsv(Path csv) throws IOException {
    if (!Files.isRegularFile(csv)) throw new IOException("metrics file not found: " + csv);
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    if (lines.isEmpty()) throw new IOException("empty metrics file " + csv);
    String[] head = lines.get(0).split(",", -1);
    List<double[]> rows = new ArrayList<>();
    for (String l : lines.subList(1, lines.size())) {
      if (l.isBlank()) continue;
      String[] f = l.split(",", -1);
      if (f.length != head.length) continue;
      double[] r = new double[head.length];
      try {
        for (int i = 0; i < f.length; i++)
          r[i] = f[i].isEmpty() ? Double.NaN : Double.parseDouble(f[i]);
      } catch (NumberFormatException e) {
        continue;
      }
      rows.add(r);
    }
    Map<String, double[]> cols = new LinkedHashMap<>();
    for (int c = 0; c < head.length; c++) {
      double[] v = new double[rows.size()];
      for (int i = 0; i < v.length; i++) v[i] = rows.get(i)[c];
      cols.put(head[c], v);
    }
    return cols;
  }

  /**
   * A "metric,value" CSV (the results files of the experiments commands, written by {@link
   * #metricsCsv}) as name to value, in file order; a value that is not a number is NaN.
   *
   * @throws IOException if the file is missing or its header is not "metric,value"
   */
  public static Map<String, Double> readMetricsCsv(Path csv) throws IOException {
    if (!Files.isRegularFile(csv)) throw new IOException("results file not found: " + csv);
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    if (lines.isEmpty() || !lines.get(0).strip().equals("metric,value")) {
      throw new IOException(
          csv
              + " is not a metric,value CSV (header: "
              + (lines.isEmpty() ? "none" : lines.get(0))
              + ")");
    }
    Map<String, Double> m = new LinkedHashMap<>();
    for (String l : lines.subList(1, lines.size())) {
      int comma = l.indexOf(',');
      if (l.isBlank() || comma < 0) continue;
      double v;
      try {
        v = Double.parseDouble(l.substring(comma + 1).strip());
      } catch (NumberFormatException e) {
        v = Double.NaN;
      }
      m.put(l.substring(0, comma).strip(), v);
    }
    return m;
  }

  /**
   * Means over consecutive windows of {@code window} rows: {x = last step of the window, y = mean};
   * NaN values are skipped; a final partial window is kept.
   */
  public static double[][] windowMeans(double[] step, double[] y, int window) {
    int k = Math.max(1, window);
    List<double[]> pts = new ArrayList<>();
    for (int i0 = 0; i0 < y.length; i0 += k) {
      double s = 0;
      int m = 0;
      int i1 = Math.min(y.length, i0 + k);
      for (int i = i0; i < i1; i++) {
        if (Double.isFinite(y[i])) {
          s += y[i];
          m++;
        }
      }
      if (m > 0) pts.add(new double[] {step[i1 - 1], s / m});
    }
    double[][] xy = new double[2][pts.size()];
    for (int i = 0; i < pts.size(); i++) {
      xy[0][i] = pts.get(i)[0];
      xy[1][i] = pts.get(i)[1];
    }
    return xy;
  }

  /** A window size giving about {@code points} points for {@code rows} rows. */
  public static int windowFor(int rows, int points) {
    return Math.max(1, rows / Math.max(1, points));
  }

  /**
   * Cross-entropy curves: training loss (window means of {@code metrics.csv}), test loss over all
   * tokens and over the last scale ({@code eval.csv}).
   */
  public static XYChart lossChart(Path metricsCsv, Path evalCsv, int window) throws IOException {
    return curves(
        "VAR cross-entropy (teacher forcing)",
        "cross-entropy (nats)",
        metricsCsv,
        evalCsv,
        "loss",
        window);
  }

  /** Top-1 token accuracy curves (percent), same sources as {@link #lossChart}. */
  public static XYChart accuracyChart(Path metricsCsv, Path evalCsv, int window)
      throws IOException {
    XYChart chart =
        curves(
            "VAR token accuracy (teacher forcing)",
            "top-1 accuracy (%)",
            metricsCsv,
            evalCsv,
            "acc",
            window);
    chart
        .getStyler()
        .setLegendPosition(Styler.LegendPosition.OutsideS); // rising curves would hide behind it
    return chart;
  }

  /**
   * The curves of one metric, e.g. {@code "loss"}: column {@code metric} of {@code metrics.csv}
   * (window means) or else {@code train_<metric>} of {@code eval.csv}, and {@code test_<metric>}
   * (all scales) and {@code test_<metric>_tail} (last scale) of {@code eval.csv}.
   */
  private static XYChart curves(
      String title, String yTitle, Path metricsCsv, Path evalCsv, String metric, int window)
      throws IOException {
    String trainCol = metric, evalTrainCol = "train_" + metric;
    String[] evalCols = {"test_" + metric, "test_" + metric + "_tail"};
    String[] evalNames = {"test, all scales", "test, last scale"};
    Map<String, double[][]> series = new LinkedHashMap<>();
    if (metricsCsv != null && Files.isRegularFile(metricsCsv)) {
      Map<String, double[]> m = readCsv(metricsCsv);
      double[][] xy =
          windowMeans(column(m, "step", metricsCsv), column(m, trainCol, metricsCsv), window);
      if (xy[0].length > 0) {
        series.put(window <= 1 ? "train (per step)" : "train (mean of " + window + " steps)", xy);
      }
    } else if (evalCsv != null && Files.isRegularFile(evalCsv)) {
      Map<String, double[]> e = readCsv(evalCsv);
      double[][] xy = windowMeans(column(e, "step", evalCsv), column(e, evalTrainCol, evalCsv), 1);
      if (xy[0].length > 0) series.put("train (mean since previous eval)", xy);
    }
    if (evalCsv != null && Files.isRegularFile(evalCsv)) {
      Map<String, double[]> e = readCsv(evalCsv);
      for (int i = 0; i < evalCols.length; i++) {
        double[][] xy = windowMeans(column(e, "step", evalCsv), column(e, evalCols[i], evalCsv), 1);
        if (xy[0].length > 0) series.put(evalNames[i], xy);
      }
    }
    if (series.isEmpty()) {
      throw new IOException("no rows to plot in " + metricsCsv + " or " + evalCsv);
    }
    XYChart chart =
        Charts.lossCurve(
            title, "step", yTitle, series, false, Charts.DEFAULT_WIDTH, Charts.DEFAULT_HEIGHT);
    for (String name : evalNames) {
      XYSeries s = chart.getSeries(name);
      if (s != null) s.setMarker(SeriesMarkers.CIRCLE); // evaluations are sparse: mark them
    }
    return chart;
  }

  private static double[] column(Map<String, double[]> cols, String name, Path file)
      throws IOException {
    double[] v = cols.get(name);
    if (v == null)
      throw new IOException(
          "column '" + name + "' not found in " + file + " (columns " + cols.keySet() + ")");
    return v;
  }

  /** The last row of {@code eval.csv} as name to value (step, epoch, lr, train_*, test_*). */
  public static Map<String, Double> lastEval(Path evalCsv) throws IOException {
    Map<String, double[]> e = readCsv(evalCsv);
    int n = e.get("step").length;
    if (n == 0) throw new IOException("no evaluation rows in " + evalCsv);
    Map<String, Double> out = new LinkedHashMap<>();
    e.forEach((k, v) -> out.put(k, v[n - 1]));
    return out;
  }

  /**
   * The evaluation history of a run ({@code eval.csv}): step, epoch, test loss and accuracy over
   * all scales and over the last scale, one row per evaluation.
   */
  public static Table evalTable(Path evalCsv) throws IOException {
    Map<String, double[]> e = readCsv(evalCsv);
    double[] step = column(e, "step", evalCsv), epoch = column(e, "epoch", evalCsv);
    double[] loss = column(e, "test_loss", evalCsv), acc = column(e, "test_acc", evalCsv);
    double[] lossTail = column(e, "test_loss_tail", evalCsv);
    double[] accTail = column(e, "test_acc_tail", evalCsv);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < step.length; i++) {
      rows.add(new Object[] {(long) step[i], epoch[i], loss[i], acc[i], lossTail[i], accTail[i]});
    }
    return Tables.fromRows(
        "evaluations during training (" + evalCsv + ")",
        List.of("step", "epoch", "test loss", "test acc %", "last-scale loss", "last-scale acc %"),
        rows);
  }

  /**
   * The final metrics of a run: model size and the test metrics of {@code eval}, in a fixed order
   * (the rows of the results CSV and of the notebook's table).
   */
  public static Map<String, Double> finalMetrics(
      VarConfig cfg, long params, VarEvaluator.Result eval, long steps, double trainSeconds) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("depth", (double) cfg.depth());
    m.put("width", (double) cfg.embedDim());
    m.put("heads", (double) cfg.numHeads());
    m.put("params", (double) params);
    m.put("tokens_per_image", (double) cfg.patchNums().L());
    m.put("steps", (double) steps);
    if (Double.isFinite(trainSeconds)) m.put("train_minutes", trainSeconds / 60);
    if (eval != null) {
      m.put("test_images", (double) eval.images());
      m.put("test_loss", eval.loss());
      m.put("test_acc_pct", eval.acc());
      m.put("test_loss_last_scale", eval.lossTail());
      m.put("test_acc_last_scale_pct", eval.accTail());
      m.put("test_perplexity", Math.exp(eval.loss()));
    }
    return m;
  }

  /**
   * A Tablesaw metric/value table (show with {@code display("html", Tables.toHtml(t))}), values to
   * 4 significant digits: an evaluation repeated on another CPU differs in the fifth or sixth.
   */
  public static Table metricsTable(String name, Map<String, ? extends Number> metrics) {
    Table t = Tables.metrics(metrics, 4);
    t.setName(name);
    return t;
  }

  /**
   * "metric,value" CSV text of {@code metrics} (values with up to 6 significant digits, integers as
   * integers).
   */
  public static String metricsCsv(Map<String, ? extends Number> metrics) {
    StringBuilder sb = new StringBuilder("metric,value\n");
    metrics.forEach(
        (k, v) -> {
          double d = v.doubleValue();
          String s =
              d == Math.rint(d) && Math.abs(d) < 1e15
                  ? Long.toString((long) d)
                  : String.format(java.util.Locale.ROOT, "%.6g", d);
          sb.append(k).append(',').append(s).append('\n');
        });
    return sb.toString();
  }

  /**
   * The block-causal attention mask (L x L tokens, {@code px} pixels per token, a square of side
   * L*px + (K-1)) with a title.
   */
  public static BufferedImage attentionMask(ScaleSchedule patchNums, int px) {
    return AttentionMaskView.renderWithTitle(patchNums, px);
  }

  /** Bar chart of pn_k² tokens per scale (K bars). */
  public static CategoryChart tokensPerScale(ScaleSchedule patchNums) {
    return AttentionMaskView.tokensPerScaleChart(patchNums);
  }

  /**
   * Table of the scales, K rows: index, side, tokens pn², cumulative tokens (= keys visible to that
   * scale's queries).
   */
  public static Table scalesTable(ScaleSchedule patchNums) {
    List<Object[]> rows = new ArrayList<>();
    for (int k = 0; k < patchNums.K(); k++) {
      rows.add(
          new Object[] {
            k + 1, patchNums.pn(k) + "x" + patchNums.pn(k), patchNums.tokens(k), patchNums.end(k)
          });
    }
    return Tables.fromRows(
        "scales (L = " + patchNums.L() + ", patchNums " + patchNums + ")",
        List.of("scale", "token map", "tokens", "visible keys"),
        rows);
  }
}
