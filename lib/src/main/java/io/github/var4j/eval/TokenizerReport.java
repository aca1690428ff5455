package io.github.var4j.eval;

import io.github.var4j.data.ImageDataset;
import io.github.var4j.data.Psnr;
import io.github.var4j.quant.CodebookUsage;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.store.RunDir;
import io.github.var4j.vae.Tokenizer;
import io.github.var4j.vae.VqVaeConfig;
import io.github.var4j.viz.Charts;
import io.github.var4j.viz.CoarseToFine;
import io.github.var4j.viz.ImageGrid;
import io.github.var4j.viz.Images;
import io.github.var4j.viz.Tables;
import io.github.var4j.viz.TokenMapColors;
import io.github.var4j.viz.TokenMapView;
import io.github.var4j.viz.ValueRange;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.Table;

/**
 * Evaluation and pictures of a trained tokenizer: test PSNR, codebook usage per scale,
 * reconstructions, token maps and the coarse-to-fine decode. Used by the experiments command and
 * notebook 01.
 */
public final class TokenizerReport {
  private TokenizerReport() {}

  /**
   * @param psnr mean per-image PSNR (dB) on the scored crop
   * @param n images evaluated
   * @param usage per scale: distinct codes used, tokens, usage % (distinct / V) and perplexity
   */
  public record Metrics(double psnr, int n, List<CodebookUsage.Scale> usage) {
    /** Usage (%) of the last scale. */
    public double lastScaleUsage() {
      return usage.get(usage.size() - 1).usagePercent();
    }

    public Map<String, Double> asMap() {
      Map<String, Double> m = new LinkedHashMap<>();
      m.put("psnr_db", psnr);
      m.put("images", (double) n);
      for (int i = 0; i < usage.size(); i++)
        m.put("usage_pct_s" + (i + 1), usage.get(i).usagePercent());
      for (int i = 0; i < usage.size(); i++)
        m.put("perplexity_s" + (i + 1), usage.get(i).perplexity());
      return m;
    }
  }

  /** Encodes and reconstructs the first {@code maxImages} images of {@code data} in chunks. */
  public static Metrics evaluate(Tokenizer tok, ImageDataset data, int crop, int maxImages) {
    VqVaeConfig cfg = tok.config();
    int n = Math.min(maxImages, data.size());
    int s = cfg.imageSize(), c = cfg.inChannels();
    CodebookUsage usage = new CodebookUsage(cfg.vocabSize(), cfg.patchNums().K());
    double psnrSum = 0;
    int chunk = 256;
    for (int start = 0; start < n; start += chunk) {
      int m = Math.min(chunk, n - start);
      int[] idx = new int[m];
      for (int i = 0; i < m; i++) idx[i] = start + i;
      float[] x = data.toFloatBatch(idx, s);
      List<int[]> tokens = tok.encodeToIndices(x, m);
      usage.add(tokens);
      float[] rec = tok.decodeIndices(tokens, m);
      psnrSum += Psnr.mean(x, rec, m, s, c, crop) * m;
    }
    List<CodebookUsage.Scale> perScale = new ArrayList<>();
    for (int si = 0; si < cfg.patchNums().K(); si++) {
      perScale.add(
          new CodebookUsage.Scale(
              usage.distinct(si),
              usage.counts(si).length == 0 ? 0 : java.util.Arrays.stream(usage.counts(si)).sum(),
              usage.usagePercent(si),
              usage.perplexity(si)));
    }
    return new Metrics(psnrSum / n, n, perScale);
  }

  /** Two rows: originals, then reconstructions through the token maps. */
  public static BufferedImage reconstructions(
      Tokenizer tok, ImageDataset data, int[] idx, int scale) {
    VqVaeConfig cfg = tok.config();
    int s = cfg.imageSize(), c = cfg.inChannels();
    float[] x = data.toFloatBatch(idx, s);
    float[] rec = tok.reconstruct(x, idx.length);
    List<BufferedImage> tiles =
        new ArrayList<>(Images.fromNHWCBatch(x, s, s, c, ValueRange.MINUS_ONE_ONE));
    tiles.addAll(Images.fromNHWCBatch(rec, s, s, c, ValueRange.MINUS_ONE_ONE));
    return ImageGrid.of(tiles)
        .columns(idx.length)
        .scale(scale)
        .rowLabels("original", "reconstructed")
        .build();
  }

  /**
   * Token maps r1..rK of the given images, coloured by a PCA of the codebook (one row per image).
   */
  public static BufferedImage tokenMaps(Tokenizer tok, ImageDataset data, int[] idx, int cellPx) {
    VqVaeConfig cfg = tok.config();
    float[] x = data.toFloatBatch(idx, cfg.imageSize());
    List<int[]> tokens = tok.encodeToIndices(x, idx.length);
    TokenMapColors colors =
        TokenMapColors.fromCodebook(tok.codebook(), cfg.vocabSize(), cfg.zChannels());
    return TokenMapView.renderMany(tokens, cfg.patchNums(), idx.length, colors, cellPx, true);
  }

  /** For every image: the image decoded from scales 1..k, for k = 1..K (one row per image). */
  public static BufferedImage coarseToFine(Tokenizer tok, ImageDataset data, int[] idx, int scale) {
    VqVaeConfig cfg = tok.config();
    int s = cfg.imageSize(), c = cfg.inChannels();
    float[] x = data.toFloatBatch(idx, s);
    List<int[]> tokens = tok.encodeToIndices(x, idx.length);
    List<float[]> upTo = tok.decodeUpToEachScale(tokens, idx.length);
    List<List<BufferedImage>> rows = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (int b = 0; b < idx.length; b++) {
      List<BufferedImage> row = new ArrayList<>();
      for (float[] img : upTo) row.add(Images.fromNHWC(img, b, s, s, c, ValueRange.MINUS_ONE_ONE));
      rows.add(row);
      labels.add(data.className(data.label(idx[b])));
    }
    return CoarseToFine.stripMany(rows, cfg.patchNums(), scale, labels);
  }

  /**
   * The codebook usage per scale as a table: scale, token map side, tokens, codes used, usage % and
   * perplexity.
   *
   * @param m metrics with the usage of each of the K scales
   * @param patchNums the tokenizer's scale schedule (K scales)
   */
  public static Table usageTable(Metrics m, ScaleSchedule patchNums) {
    if (m.usage().size() != patchNums.K()) {
      throw new IllegalArgumentException(
          "metrics have " + m.usage().size() + " scales, the schedule " + patchNums.K());
    }
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < patchNums.K(); i++) {
      CodebookUsage.Scale u = m.usage().get(i);
      rows.add(
          new Object[] {
            i + 1,
            patchNums.pn(i) + "x" + patchNums.pn(i),
            u.tokens(),
            u.distinct(),
            u.usagePercent(),
            u.perplexity()
          });
    }
    return Tables.fromRows(
        "codebook usage per scale (" + m.n() + " test images)",
        List.of("scale", "token map", "tokens", "codes used", "usage %", "perplexity"),
        rows);
  }

  /**
   * The headline numbers of a tokenizer: test PSNR, images evaluated, last-scale usage and, when
   * {@code time} is not null, the training time, steps and CPU cores of its run.
   */
  public static Table summaryTable(String name, Metrics m, RunDir.TrainingTime time) {
    return summaryTable(name, m, time, 0);
  }

  /**
   * The summary of {@link #summaryTable(String, Metrics, RunDir.TrainingTime)} for a model trained
   * {@code totalSteps} steps in all, of which {@code time} timed only some (a run resumed from a
   * session that recorded no time); 0: the timed steps are all.
   */
  public static Table summaryTable(
      String name, Metrics m, RunDir.TrainingTime time, long totalSteps) {
    Map<String, Double> summary = new LinkedHashMap<>();
    summary.put("test PSNR (dB)", m.psnr());
    summary.put("test images", (double) m.n());
    summary.put("usage, last scale (%)", m.lastScaleUsage());
    if (time != null) {
      boolean partly = totalSteps > time.steps();
      summary.put("training steps", (double) (partly ? totalSteps : time.steps()));
      if (partly) summary.put("timed steps", (double) time.steps());
      summary.put(partly ? "time of the timed steps (min)" : "training time (min)", time.minutes());
      summary.put("training CPU cores", (double) time.cores());
    }
    Table t =
        Tables.metrics(summary, 4); // a re-evaluation on another CPU differs in the fifth digit
    t.setName(name);
    return t;
  }

  /**
   * Bar chart of codebook usage (%) per scale: K bars labelled "pnxpn", 700x400.
   *
   * @param m metrics with the usage of each of the K scales
   * @param patchNums the tokenizer's scale schedule (K scales)
   */
  public static CategoryChart usageChart(Metrics m, ScaleSchedule patchNums) {
    List<String> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (int i = 0; i < patchNums.K(); i++) {
      xs.add(patchNums.pn(i) + "x" + patchNums.pn(i));
      ys.add(m.usage().get(i).usagePercent());
    }
    return Charts.bars(
        "Codebook usage per scale (test set)", "scale (side)", "codes used (%)", xs, ys, 700, 400);
  }

  /**
   * Columns of a training run's {@code metrics.csv}, averaged over consecutive windows of {@code
   * window} rows: element 0 is the window's last step, then one array per name. Rows whose value of
   * {@code names[0]} is empty or NaN (e.g. GAN columns before the discriminator starts) are left
   * out.
   *
   * @throws IOException if the file has no rows or lacks a column
   */
  public static double[][] metricColumns(Path metricsCsv, int window, String... names)
      throws IOException {
    List<String> lines = Files.readAllLines(metricsCsv);
    if (lines.size() < 2) throw new IOException("no metrics rows in " + metricsCsv);
    List<String> head = List.of(lines.get(0).split(","));
    int[] col = new int[names.length + 1];
    col[0] = head.indexOf("step");
    for (int j = 0; j < names.length; j++) col[j + 1] = head.indexOf(names[j]);
    for (int j = 0; j < col.length; j++) {
      if (col[j] < 0) {
        throw new IOException(
            metricsCsv + " has no column '" + (j == 0 ? "step" : names[j - 1]) + "'");
      }
    }
    List<double[]> rows = new ArrayList<>();
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split(",", -1);
      double[] r = new double[col.length];
      for (int j = 0; j < col.length; j++) {
        String v = f[col[j]];
        r[j] = v.isEmpty() ? Double.NaN : Double.parseDouble(v);
      }
      if (names.length == 0 || !Double.isNaN(r[1])) rows.add(r);
    }
    int k = Math.max(1, window);
    int m = rows.size() / k;
    double[][] out = new double[col.length][m];
    for (int i = 0; i < m; i++) {
      for (int j = 1; j < col.length; j++) {
        for (int t = 0; t < k; t++) out[j][i] += rows.get(i * k + t)[j] / k;
      }
      out[0][i] = rows.get(i * k + k - 1)[0];
    }
    return out;
  }

  /**
   * Loss and PSNR curves from a training run's {@code metrics.csv} (smoothed over windows of {@code
   * window}).
   */
  public static List<XYChart> trainingCurves(Path metricsCsv, int window) throws IOException {
    double[][] c = metricColumns(metricsCsv, window, "loss", "psnr");
    return List.of(
        trainCurve("Tokenizer training loss", "loss (reconstruction + VQ + …)", c[0], c[1], true),
        trainCurve("Tokenizer training PSNR", "PSNR (dB, train batch)", c[0], c[2], false));
  }

  private static XYChart trainCurve(
      String title, String yTitle, double[] steps, double[] values, boolean logY) {
    return Charts.lossCurve(
        title, "step", yTitle, Map.of("train", new double[][] {steps, values}), logY, 700, 400);
  }

  /**
   * The discriminator's health from a GAN run's {@code metrics.csv}, from the step it starts: its
   * hinge loss (2 = it cannot tell real from fake, 0 = it wins outright), the mean logits of real
   * and reconstructed images, and the generator weight λ (adaptive or fixed). A collapsed
   * discriminator shows as a loss stuck at 0 with the logits far apart, or stuck at 2 with both
   * logits at 0.
   */
  public static XYChart ganCurves(Path metricsCsv, String title, int window) throws IOException {
    double[][] c =
        metricColumns(metricsCsv, window, "gan_lambda", "disc", "logit_real", "logit_fake");
    Map<String, double[][]> series = new LinkedHashMap<>();
    series.put("discriminator hinge loss", new double[][] {c[0], c[2]});
    series.put("mean logit D(x), real", new double[][] {c[0], c[3]});
    series.put("mean logit D(x̂), reconstructed", new double[][] {c[0], c[4]});
    series.put("generator weight λ", new double[][] {c[0], c[1]});
    return Charts.lossCurve(title, "step", "value", series, false, 800, 450);
  }
}
