package io.github.var4j.app;

import io.github.var4j.eval.SampleSet;
import io.github.var4j.sample.Masks;
import io.github.var4j.sample.SampleOptions;
import io.github.var4j.sample.SampleResult;
import io.github.var4j.sample.VarSampler;
import io.github.var4j.sample.ZeroShot;
import io.github.var4j.util.Require;
import io.github.var4j.viz.CoarseToFine;
import io.github.var4j.viz.ImageGrid;
import io.github.var4j.viz.Images;
import io.github.var4j.viz.TokenMapColors;
import io.github.var4j.viz.TokenMapView;
import io.github.var4j.viz.ValueRange;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Figures of VAR sampling (built on {@code io.github.var4j.viz}): class-conditional sample grids,
 * the coarse-to-fine sequence of a sample, CFG sweeps, top-k/top-p grids, token maps and
 * before/after panels of zero-shot editing. All return a {@link BufferedImage} (write it with
 * {@link Images#writePng}).
 */
public final class SampleFigures {

  /** Image b of a sampling result as a picture ({@code images} are NHWC in [0, 1]). */
  public static BufferedImage image(SampleResult r, int b) {
    return Images.fromNHWC(
        r.images(), b, r.imageSize(), r.imageSize(), r.channels(), ValueRange.ZERO_ONE);
  }

  /** All images of a sampling result as pictures, in order. */
  public static List<BufferedImage> images(SampleResult r) {
    return Images.fromNHWCBatch(
        r.images(), r.imageSize(), r.imageSize(), r.channels(), ValueRange.ZERO_ONE);
  }

  /** Tint of the regenerated region in {@link #maskOverlay} (0xRRGGBB). */
  public static final int EDIT_TINT = 0xFF3030;

  private SampleFigures() {}

  private static String className(List<String> names, int c) {
    return names != null && c >= 0 && c < names.size() ? names.get(c) : c < 0 ? "?" : "class " + c;
  }

  /**
   * Class-conditional samples, one row per class: {@code r} must be class-major with {@code
   * perClass} images per row (as returned by {@link VarSampler#sampleClasses}).
   *
   * @param classNames names indexed by label (null: "class c"); a name at index numClasses labels
   *     the null class
   */
  public static BufferedImage classGrid(
      SampleResult r, int perClass, List<String> classNames, int scale) {
    if (perClass <= 0 || r.n() % perClass != 0) {
      throw new IllegalArgumentException(
          "perClass must divide the number of images " + r.n() + ", got " + perClass);
    }
    int rows = r.n() / perClass;
    List<String> labels = new ArrayList<>();
    for (int row = 0; row < rows; row++) {
      int lab = r.labels()[row * perClass];
      labels.add(className(classNames, lab));
    }
    return ImageGrid.of(images(r))
        .columns(perClass)
        .scale(scale)
        .rowLabels(labels)
        .title("VAR samples (" + perClass + " per class)")
        .build();
  }

  /**
   * The first {@code columns} images of every class of a class-major sample set ({@code perClass}
   * per class), one row per class.
   */
  public static BufferedImage sampleSetGrid(
      SampleSet s, int perClass, int columns, List<String> classNames, String title, int scale) {
    if (perClass <= 0 || s.n() % perClass != 0 || columns <= 0 || columns > perClass)
      throw new IllegalArgumentException(
          "perClass must divide the "
              + s.n()
              + " images and columns be in [1, perClass], got "
              + perClass
              + " and "
              + columns);
    List<BufferedImage> all =
        Images.fromNHWCBatch(
            s.toUnitFloats(), s.height(), s.width(), s.channels(), ValueRange.ZERO_ONE);
    List<BufferedImage> shown = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    int[] lab = s.labels();
    for (int row = 0; row < s.n() / perClass; row++) {
      shown.addAll(all.subList(row * perClass, row * perClass + columns));
      labels.add(className(classNames, lab == null ? -1 : lab[row * perClass]));
    }
    return ImageGrid.of(shown).columns(columns).scale(scale).rowLabels(labels).title(title).build();
  }

  /**
   * The K pictures of image {@code b} decoded from f_hat after scales 1..k (the coarse-to-fine
   * sequence).
   */
  public static List<BufferedImage> decodedUpToEachScale(
      VarSampler sampler, SampleResult r, int b) {
    if (b < 0 || b >= r.n())
      throw new IllegalArgumentException("b must be in [0, " + r.n() + "), got " + b);
    int K = r.patchNums().K();
    float[] all = new float[K * r.latentSide() * r.latentSide() * r.cvae()];
    int per = r.latentSide() * r.latentSide() * r.cvae();
    for (int k = 0; k < K; k++) System.arraycopy(r.fHat(k, b), 0, all, k * per, per);
    float[] img = sampler.decodeFHat(all, K);
    return Images.fromNHWCBatch(
        img, r.imageSize(), r.imageSize(), r.channels(), ValueRange.ZERO_ONE);
  }

  /** Coarse-to-fine rows of the selected images (one row each, labelled with the class). */
  public static BufferedImage coarseToFine(
      VarSampler sampler, SampleResult r, int[] which, List<String> classNames, int scale) {
    List<List<BufferedImage>> rows = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (int b : which) {
      rows.add(decodedUpToEachScale(sampler, r, b));
      labels.add(className(classNames, r.labels()[b]));
    }
    return CoarseToFine.stripMany(rows, r.patchNums(), scale, labels);
  }

  /** Token maps of the selected images (PCA colours of the sampler's codebook), one row each. */
  public static BufferedImage tokenMaps(
      VarSampler sampler, SampleResult r, int[] which, int cellPx) {
    TokenMapColors colors =
        TokenMapColors.fromCodebook(
            sampler.codebook(), sampler.varConfig().vocabSize(), sampler.varConfig().cvae());
    return TokenMapView.renderMany(r.tokens(), r.patchNums(), which, colors, cellPx, true);
  }

  /**
   * CFG sweep: rows = labels, columns = guidance strengths; every column uses {@code base}'s seed,
   * so columns differ only by cfg.
   */
  public static BufferedImage cfgSweep(
      VarSampler sampler,
      int[] labels,
      double[] cfgs,
      SampleOptions base,
      List<String> classNames,
      int scale) {
    if (cfgs.length == 0) throw new IllegalArgumentException("cfgs must not be empty");
    List<SampleResult> cols = new ArrayList<>();
    List<String> colLabels = new ArrayList<>();
    for (double c : cfgs) {
      SampleOptions o = base.withCfg(c);
      cols.add(sampler.sample(labels, o));
      colLabels.add(trim(c));
    }
    List<BufferedImage> tiles = new ArrayList<>();
    List<String> rowLabels = new ArrayList<>();
    for (int row = 0; row < labels.length; row++) {
      for (SampleResult col : cols) tiles.add(image(col, row));
      rowLabels.add(className(classNames, labels[row]));
    }
    return ImageGrid.of(tiles)
        .columns(cfgs.length)
        .scale(scale)
        .rowLabels(rowLabels)
        .columnLabels(colLabels)
        .title("guidance sweep (columns: cfg; seed " + base.seed() + ")")
        .build();
  }

  /**
   * Top-k/top-p grid: row i uses (topKs[i], topPs[i]), columns are {@code samples} images of class
   * {@code label} with the same seeds in every row.
   */
  public static BufferedImage topKTopPGrid(
      VarSampler sampler,
      int label,
      int[] topKs,
      double[] topPs,
      int samples,
      SampleOptions base,
      int scale) {
    if (topKs.length != topPs.length || topKs.length == 0) {
      throw new IllegalArgumentException(
          "topKs and topPs must be non-empty and of equal length, got "
              + topKs.length
              + " and "
              + topPs.length);
    }
    Require.positive("samples", samples);
    int[] labels = new int[samples];
    java.util.Arrays.fill(labels, label);
    List<BufferedImage> tiles = new ArrayList<>();
    List<String> rowLabels = new ArrayList<>();
    for (int i = 0; i < topKs.length; i++) {
      SampleResult r = sampler.sample(labels, base.withTopK(topKs[i]).withTopP(topPs[i]));
      tiles.addAll(images(r));
      rowLabels.add(
          "k="
              + (topKs[i] == 0 ? "off" : topKs[i])
              + " p="
              + (topPs[i] == 0 ? "off" : trim(topPs[i])));
    }
    return ImageGrid.of(tiles)
        .columns(samples)
        .scale(scale)
        .rowLabels(rowLabels)
        .title("top-k / top-p (cfg " + trim(base.cfg()) + ")")
        .build();
  }

  /**
   * The image with the regenerated region (keep mask 0) tinted: each of the pn x pn cells covers
   * pixels [floor(c·W/pn), floor((c+1)·W/pn)); kept cells are unchanged, regenerated ones are
   * blended 50% with {@link #EDIT_TINT}.
   */
  public static BufferedImage maskOverlay(BufferedImage img, float[] keepMask, int pn) {
    Masks.checkSize(keepMask, pn);
    BufferedImage out = Images.toRgb(Images.resize(img, img.getWidth(), img.getHeight()));
    int w = out.getWidth(), h = out.getHeight();
    int tr = EDIT_TINT >> 16 & 255, tg = EDIT_TINT >> 8 & 255, tb = EDIT_TINT & 255;
    for (int y = 0; y < h; y++) {
      int cy = (int) ((long) y * pn / h);
      for (int x = 0; x < w; x++) {
        int cx = (int) ((long) x * pn / w);
        if (keepMask[cy * pn + cx] > 0.5f) continue;
        int p = out.getRGB(x, y);
        int r = ((p >> 16 & 255) + tr) / 2, g = ((p >> 8 & 255) + tg) / 2, b = ((p & 255) + tb) / 2;
        out.setRGB(x, y, r << 16 | g << 8 | b);
      }
    }
    return out;
  }

  /**
   * Before/after panels of zero-shot editing: one row per original image with the original, the
   * original with the regenerated region tinted, then {@code perImage} results ({@code edited} is
   * image-major, e.g. from {@link ZeroShot#repeat}).
   */
  public static BufferedImage editPanels(
      List<BufferedImage> originals,
      float[] keepMask,
      int pnLast,
      SampleResult edited,
      int perImage,
      String title,
      int scale) {
    if (perImage <= 0 || edited.n() != originals.size() * perImage) {
      throw new IllegalArgumentException(
          "expected " + originals.size() + " x " + perImage + " edited images, got " + edited.n());
    }
    List<BufferedImage> tiles = new ArrayList<>();
    List<String> cols = new ArrayList<>(List.of("original", "region"));
    for (int j = 0; j < perImage; j++) cols.add("result " + (j + 1));
    for (int i = 0; i < originals.size(); i++) {
      BufferedImage o = originals.get(i);
      BufferedImage res0 = image(edited, i * perImage);
      BufferedImage oo = Images.resize(o, res0.getWidth(), res0.getHeight());
      tiles.add(oo);
      tiles.add(maskOverlay(oo, keepMask, pnLast));
      for (int j = 0; j < perImage; j++) tiles.add(image(edited, i * perImage + j));
    }
    return ImageGrid.of(tiles)
        .columns(perImage + 2)
        .scale(scale)
        .columnLabels(cols)
        .title(title)
        .build();
  }

  private static String trim(double v) {
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }
}
