package io.github.var4j.scaling;

import io.github.var4j.app.SampleFigures;
import io.github.var4j.sample.SampleOptions;
import io.github.var4j.sample.SampleResult;
import io.github.var4j.sample.VarSampler;
import io.github.var4j.stats.Frontier;
import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.Tokenizer;
import io.github.var4j.viz.Charts;
import io.github.var4j.viz.ImageGrid;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.XYChart;

/**
 * The figures of the scaling sweep ({@link ScalingSweep}): the paper's Figs. 5/6 as 4 × 2 log–log
 * panels, the compute frontier with every run's curve, and the Fig. 7 analogue (samples of every
 * size at 20, 60 and 100 % of training).
 */
public final class ScalingFigures {
  private ScalingFigures() {}

  /** Axis names of the metrics. */
  private static final Map<String, String> LABEL =
      Map.of(
          "loss_last", "test loss, last scale",
          "loss_avg", "test loss, all scales",
          "err_last", "token error rate, last scale",
          "err_avg", "token error rate, all scales");

  /** Per depth, the rows of {@code rows} in step order. */
  private static TreeMap<Integer, List<Map<String, String>>> byDepth(
      List<Map<String, String>> rows) {
    TreeMap<Integer, List<Map<String, String>>> out = new TreeMap<>();
    for (Map<String, String> r : rows)
      out.computeIfAbsent(Integer.parseInt(r.get("depth")), k -> new ArrayList<>()).add(r);
    return out;
  }

  /** A metric against N: the last evaluation of every finished size, both fits. */
  public static XYChart againstN(List<Map<String, String>> rows, String metric, int w, int h) {
    List<Map<String, String>> finals = ScalingSweep.finals(rows);
    double[] x = new double[finals.size()], y = new double[finals.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = num(finals.get(i), "n_nonembedding");
      y[i] = num(finals.get(i), metric);
    }
    return Charts.scalingPanel(
        LABEL.get(metric) + " vs N",
        "N (non-embedding parameters)",
        LABEL.get(metric),
        x,
        y,
        Map.of(),
        true,
        w,
        h);
  }

  /**
   * A metric against training compute: every size's evaluations as a line, the frontier (their
   * lower envelope) as the points, both fits on the frontier.
   */
  public static XYChart againstC(List<Map<String, String>> rows, String metric, int w, int h) {
    Map<String, double[][]> curves = new LinkedHashMap<>();
    for (var e : byDepth(rows).entrySet()) {
      List<Map<String, String>> rs = e.getValue();
      double[][] xy = new double[2][rs.size()];
      for (int i = 0; i < rs.size(); i++) {
        xy[0][i] = num(rs.get(i), "flops");
        xy[1][i] = num(rs.get(i), metric);
      }
      curves.put("d" + e.getKey(), xy);
    }
    double[] c = new double[rows.size()], y = new double[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      c[i] = num(rows.get(i), "flops");
      y[i] = num(rows.get(i), metric);
    }
    double[][] f = Frontier.lowerEnvelope(c, y);
    return Charts.scalingPanel(
        LABEL.get(metric) + " vs C (frontier)",
        "C (training FLOPs)",
        LABEL.get(metric),
        f[0],
        f[1],
        curves,
        true,
        w,
        h);
  }

  /** The 4 × 2 panels: rows loss/error × last/all scales, columns N and C. */
  public static BufferedImage lawPanels(List<Map<String, String>> rows) {
    List<BufferedImage> tiles = new ArrayList<>();
    for (String m : ScalingSweep.METRICS) {
      tiles.add(Charts.toImage(againstN(rows, m, 640, 420)));
      tiles.add(Charts.toImage(againstC(rows, m, 640, 420)));
    }
    return ImageGrid.of(tiles).columns(2).scale(1).build();
  }

  /** Short names of the metrics, for titles. */
  private static final Map<String, String> SHORT =
      Map.of("loss_last", "L_last", "loss_avg", "L_avg");

  /** The paper's exponents (its Figs. 5 and 6), for the panels' titles. */
  private static final Map<String, String> PAPER_ALPHA =
      Map.of(
          "loss_last~N", "-0.23",
          "loss_avg~N", "-0.20",
          "loss_last~C", "-0.13",
          "loss_avg~C", "-0.16");

  /**
   * The laws as the paper plots them: the reducible loss L − E, E by the rule of {@link
   * io.github.var4j.stats.IrreducibleTerm} (from {@code fits}), against N (each size's last
   * evaluation) and against C (the frontier of the evaluations past the warm-up, {@link
   * ScalingSweep#afterWarmup}, every size's curve behind it), for the last-scale and the all-scale
   * loss: 2 × 2 panels, each title with the paper's exponent; null when there is no reducible law
   * (fewer sizes than an irreducible-term fit needs).
   */
  public static BufferedImage reducibleLawPanels(
      List<Map<String, String>> rows, Map<String, Map<String, String>> fits) {
    List<BufferedImage> tiles = new ArrayList<>();
    for (String m : List.of("loss_last", "loss_avg")) {
      Map<String, String> rn = fits.get(m + "~N~reducible");
      if (rn == null) continue;
      double e = Double.parseDouble(rn.get("e"));
      String eText =
          String.format(
              Locale.ROOT,
              "E %.2f [%s, %s]",
              e,
              rn.get("e_lo").isEmpty() ? "?" : String.format(Locale.ROOT, "%.2f", num(rn, "e_lo")),
              rn.get("e_hi").isEmpty() ? "?" : String.format(Locale.ROOT, "%.2f", num(rn, "e_hi")));
      List<Map<String, String>> finals = ScalingSweep.finals(rows);
      List<double[]> pts = new ArrayList<>();
      for (Map<String, String> r : finals)
        if (num(r, m) > e) pts.add(new double[] {num(r, "n_nonembedding"), num(r, m) - e});
      tiles.add(
          Charts.toImage(
              Charts.scalingPanel(
                  SHORT.get(m) + " − E vs N; " + eText + "; paper α " + PAPER_ALPHA.get(m + "~N"),
                  "N (non-embedding parameters)",
                  LABEL.get(m) + " − E",
                  pts.stream().mapToDouble(p -> p[0]).toArray(),
                  pts.stream().mapToDouble(p -> p[1]).toArray(),
                  Map.of(),
                  false,
                  640,
                  420)));
      List<Map<String, String>> late = rows.stream().filter(ScalingFits::afterWarmup).toList();
      Map<String, double[][]> curves = new LinkedHashMap<>();
      for (var en : byDepth(late).entrySet()) {
        List<double[]> c = new ArrayList<>();
        for (Map<String, String> r : en.getValue())
          if (num(r, m) > e) c.add(new double[] {num(r, "flops"), num(r, m) - e});
        if (c.isEmpty()) continue;
        curves.put(
            "d" + en.getKey(),
            new double[][] {
              c.stream().mapToDouble(p -> p[0]).toArray(),
              c.stream().mapToDouble(p -> p[1]).toArray()
            });
      }
      if (late.isEmpty()) continue;
      double[][] f = ScalingFits.frontier(late, m);
      List<double[]> fp = new ArrayList<>();
      for (int i = 0; i < f[0].length; i++)
        if (f[1][i] > e) fp.add(new double[] {f[0][i], f[1][i] - e});
      if (fp.isEmpty()) continue;
      tiles.add(
          Charts.toImage(
              Charts.scalingPanel(
                  SHORT.get(m)
                      + " − E vs C, frontier of steps ≥ 2 × warm-up; paper α "
                      + PAPER_ALPHA.get(m + "~C"),
                  "C (training FLOPs)",
                  LABEL.get(m) + " − E",
                  fp.stream().mapToDouble(p -> p[0]).toArray(),
                  fp.stream().mapToDouble(p -> p[1]).toArray(),
                  curves,
                  false,
                  640,
                  420)));
    }
    return tiles.isEmpty() ? null : ImageGrid.of(tiles).columns(2).scale(1).build();
  }

  /**
   * The Fig. 7 analogue: one row per size, columns = the given classes at 20, 60 and 100 % of
   * training (the weights {@link ScalingSweep} kept), same classes and seed everywhere.
   *
   * @param classNames the data set's class names (columns are labelled with them), or null ("c3")
   * @param fid per depth the FID of its samples at 100 %, shown in the row label (empty: none)
   */
  public static BufferedImage progressGrid(
      Path runs,
      int[] depths,
      Tokenizer tok,
      int[] classes,
      List<String> classNames,
      Map<Integer, Double> fid,
      SampleOptions opts,
      int scale)
      throws IOException {
    List<BufferedImage> tiles = new ArrayList<>();
    List<String> rowLabels = new ArrayList<>();
    for (int d : depths) {
      VarConfig cfg = null;
      for (int pct : ScalingSweep.SNAPSHOT_PERCENT) {
        Path dir = ScalingSweep.snapshotDir(runs, d, pct);
        cfg = ModelDir.config(dir, ModelKind.VAR);
        try (VarSampler s = VarSampler.fromTokenizer(cfg, ModelDir.weights(dir), tok)) {
          SampleResult r = s.sample(classes, opts);
          tiles.addAll(SampleFigures.images(r));
        }
      }
      rowLabels.add(
          String.format(Locale.ROOT, "d%d (N %.2gM", d, cfg.nonEmbeddingParams() / 1e6)
              + (fid.containsKey(d) ? String.format(Locale.ROOT, ", FID %.3f)", fid.get(d)) : ")"));
    }
    List<String> colLabels = new ArrayList<>();
    for (int pct : ScalingSweep.SNAPSHOT_PERCENT)
      for (int c : classes)
        colLabels.add(
            pct
                + "% "
                + (classNames != null && c < classNames.size() ? classNames.get(c) : "c" + c));
    return ImageGrid.of(tiles)
        .columns(classes.length * ScalingSweep.SNAPSHOT_PERCENT.length)
        .scale(scale)
        .rowLabels(rowLabels)
        .columnLabels(colLabels)
        .title(
            "samples of every size at 20, 60 and 100 % of training ("
                + opts.label()
                + (fid.isEmpty() ? "" : "; FID of 100 samples per class at 100 %")
                + ")")
        .build();
  }

  private static double num(Map<String, String> r, String k) {
    return Double.parseDouble(r.get(k));
  }
}
