package io.github.var4j.viz;

import io.github.var4j.scale.ScaleSchedule;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Lays out the coarse-to-fine decoding of VAR: picture k is the image decoded from the token maps
 * of scales 1..k (decoding is done elsewhere). Labels: "1x1" for the first scale, then "1..pn_k"
 * ("1..2", "1..3", ...). Every picture is resized (nearest neighbour) to the size of the largest
 * one, times {@code scale}.
 */
public final class CoarseToFine {
  /** Background pixels between pictures. */
  public static final int PADDING = 4;

  private CoarseToFine() {}

  /** Column label of scale k in [0, K): "pxp" for k = 0, else "p..pn_k" with p = pn_0. */
  public static String label(ScaleSchedule patchNums, int k) {
    VizChecks.checkNotNull("patchNums", patchNums);
    if (k < 0 || k >= patchNums.K()) {
      throw new IllegalArgumentException("k must be in [0, " + patchNums.K() + "), got " + k);
    }
    int p = patchNums.pn(0);
    return k == 0 ? p + "x" + p : p + ".." + patchNums.pn(k);
  }

  /**
   * One labelled row of K pictures at the size of the largest one.
   *
   * @param decodedUpToScale K pictures, picture k decoded from scales 1..k
   */
  public static BufferedImage strip(List<BufferedImage> decodedUpToScale, ScaleSchedule patchNums) {
    return strip(decodedUpToScale, patchNums, 1);
  }

  /**
   * One labelled row of K pictures, each at the size of the largest one times {@code scale}.
   *
   * @param decodedUpToScale K pictures, picture k decoded from scales 1..k
   * @param scale integer upscale of the common size (>= 1)
   */
  public static BufferedImage strip(
      List<BufferedImage> decodedUpToScale, ScaleSchedule patchNums, int scale) {
    return stripMany(
        decodedUpToScale == null ? null : List.of(decodedUpToScale), patchNums, scale, null);
  }

  /**
   * Several samples, one row each: a grid of perSample.size() rows x K columns.
   *
   * @param perSample per sample the K pictures decoded up to scale k
   * @param scale integer upscale of the common size (>= 1)
   * @param rowLabels one label per sample, or null for none
   */
  public static BufferedImage stripMany(
      List<List<BufferedImage>> perSample,
      ScaleSchedule patchNums,
      int scale,
      List<String> rowLabels) {
    VizChecks.checkNotNull("patchNums", patchNums);
    VizChecks.checkPositive("scale", scale);
    if (perSample == null || perSample.isEmpty()) {
      throw new IllegalArgumentException("decodedUpToScale must not be empty");
    }
    int K = patchNums.K();
    int w = 0, h = 0;
    for (int s = 0; s < perSample.size(); s++) {
      List<BufferedImage> row = perSample.get(s);
      if (row == null || row.size() != K) {
        throw new IllegalArgumentException(
            "decodedUpToScale must have one picture per scale ("
                + K
                + "), got "
                + (row == null ? 0 : row.size()));
      }
      for (int k = 0; k < K; k++) {
        BufferedImage img = row.get(k);
        if (img == null) throw new IllegalArgumentException("decodedUpToScale[" + k + "] is null");
        w = Math.max(w, img.getWidth());
        h = Math.max(h, img.getHeight());
      }
    }
    List<BufferedImage> tiles = new ArrayList<>(perSample.size() * K);
    for (List<BufferedImage> row : perSample) {
      for (BufferedImage img : row) tiles.add(Images.resize(img, w * scale, h * scale));
    }
    List<String> labels = new ArrayList<>(K);
    for (int k = 0; k < K; k++) labels.add(label(patchNums, k));
    ImageGrid grid = ImageGrid.of(tiles).columns(K).padding(PADDING).columnLabels(labels);
    if (rowLabels != null) grid.rowLabels(rowLabels);
    return grid.build();
  }
}
