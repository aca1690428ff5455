package io.github.var4j.viz;

import io.github.var4j.scale.ScaleSchedule;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Pictures of multi-scale token maps r_1..r_K. For scale k with side pn_k the indices are {@code
 * int[B*pn*pn]}, row-major (b, h, w). Every scale is drawn as a square of the same side pn_K *
 * cellPx, so the coarse scales show as big blocks; scales are laid out left to right (labels "1x1",
 * "2x2", ...), several images as rows. Colours come from {@link TokenMapColors} (PCA of the
 * codebook).
 */
public final class TokenMapView {
  /** Index numbers are overlaid (when asked) only on scales with pn <= this. */
  public static final int INDEX_OVERLAY_MAX_PN = 4;

  /** Background pixels between the scale panels. */
  public static final int PADDING = 4;

  private TokenMapView() {}

  /**
   * The token maps of image {@code b}, one panel per scale, left to right, without index numbers.
   *
   * @param idxPerScale K arrays, scale k: (B, pn_k, pn_k) code indices
   */
  public static BufferedImage render(
      List<int[]> idxPerScale, ScaleSchedule patchNums, int b, TokenMapColors colors, int cellPx) {
    return render(idxPerScale, patchNums, b, colors, cellPx, false);
  }

  /**
   * The token maps of image {@code b}, one panel per scale, left to right: one row of K panels.
   *
   * @param idxPerScale K arrays, scale k: (B, pn_k, pn_k) code indices
   * @param cellPx side in pixels of one cell of the finest scale (>= 1); every panel is pn_K*cellPx
   *     square
   * @param showIndices overlay the code index on each cell of scales with pn <= {@value
   *     #INDEX_OVERLAY_MAX_PN}
   */
  public static BufferedImage render(
      List<int[]> idxPerScale,
      ScaleSchedule patchNums,
      int b,
      TokenMapColors colors,
      int cellPx,
      boolean showIndices) {
    return renderMany(idxPerScale, patchNums, new int[] {b}, colors, cellPx, showIndices, false);
  }

  /**
   * Several images of the batch, one row each (labelled "#b"), one column per scale: images.length
   * x K panels.
   *
   * @param idxPerScale K arrays, scale k: (B, pn_k, pn_k) code indices
   * @param images the images b in [0, B) to draw, in this order
   */
  public static BufferedImage renderMany(
      List<int[]> idxPerScale,
      ScaleSchedule patchNums,
      int[] images,
      TokenMapColors colors,
      int cellPx,
      boolean showIndices) {
    return renderMany(idxPerScale, patchNums, images, colors, cellPx, showIndices, true);
  }

  /**
   * The first {@code count} images of the batch, one row each: count x K panels.
   *
   * @param idxPerScale K arrays, scale k: (B, pn_k, pn_k) code indices, B >= count
   */
  public static BufferedImage renderMany(
      List<int[]> idxPerScale,
      ScaleSchedule patchNums,
      int count,
      TokenMapColors colors,
      int cellPx,
      boolean showIndices) {
    VizChecks.checkPositive("count", count);
    int[] images = new int[count];
    for (int i = 0; i < count; i++) images[i] = i;
    return renderMany(idxPerScale, patchNums, images, colors, cellPx, showIndices);
  }

  private static BufferedImage renderMany(
      List<int[]> idxPerScale,
      ScaleSchedule patchNums,
      int[] images,
      TokenMapColors colors,
      int cellPx,
      boolean showIndices,
      boolean rowLabels) {
    int batch = checkTokenMaps(idxPerScale, patchNums);
    if (colors == null) throw new IllegalArgumentException("colors must not be null");
    VizChecks.checkPositive("cellPx", cellPx);
    if (images == null || images.length == 0)
      throw new IllegalArgumentException("images must not be empty");
    for (int b : images) {
      if (b < 0 || b >= batch)
        throw new IllegalArgumentException("b must be in [0, " + batch + "), got " + b);
    }
    int K = patchNums.K();
    int side = patchNums.latentSide() * cellPx;
    List<BufferedImage> panels = new ArrayList<>(images.length * K);
    for (int b : images) {
      for (int k = 0; k < K; k++) {
        panels.add(
            panel(
                idxPerScale.get(k),
                patchNums.pn(k),
                b,
                side,
                colors,
                showIndices && patchNums.pn(k) <= INDEX_OVERLAY_MAX_PN));
      }
    }
    List<String> colLabels = new ArrayList<>(K);
    for (int k = 0; k < K; k++) colLabels.add(patchNums.pn(k) + "x" + patchNums.pn(k));
    ImageGrid grid = ImageGrid.of(panels).columns(K).padding(PADDING).columnLabels(colLabels);
    if (rowLabels) {
      List<String> rl = new ArrayList<>(images.length);
      for (int b : images) rl.add("#" + b);
      grid.rowLabels(rl);
    }
    return grid.build();
  }

  /**
   * One scale of image {@code b} as a {@code side x side} picture: cell (h, w) covers pixels
   * [floor(w*side/pn), floor((w+1)*side/pn)) x [floor(h*side/pn), floor((h+1)*side/pn)).
   *
   * @param idx (B, pn, pn) code indices
   */
  public static BufferedImage panel(
      int[] idx, int pn, int b, int side, TokenMapColors colors, boolean showIndices) {
    if (idx == null) throw new IllegalArgumentException("idx must not be null");
    VizChecks.checkPositive("pn", pn);
    VizChecks.checkPositive("side", side);
    if (colors == null) throw new IllegalArgumentException("colors must not be null");
    if (idx.length == 0 || idx.length % (pn * pn) != 0) {
      throw new IllegalArgumentException(
          "idx.length must be a positive multiple of pn*pn = " + pn * pn + ", got " + idx.length);
    }
    int batch = idx.length / (pn * pn);
    if (b < 0 || b >= batch)
      throw new IllegalArgumentException("b must be in [0, " + batch + "), got " + b);
    int base = b * pn * pn;
    int[] edge = new int[pn + 1];
    for (int i = 0; i <= pn; i++) edge[i] = (int) ((long) i * side / pn);
    int[] px = new int[side * side];
    for (int h = 0; h < pn; h++) {
      for (int w = 0; w < pn; w++) {
        int c = colors.rgbOf(idx[base + h * pn + w]);
        for (int y = edge[h]; y < edge[h + 1]; y++) {
          for (int x = edge[w]; x < edge[w + 1]; x++) px[y * side + x] = c;
        }
      }
    }
    BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, side, side, px, 0, side);
    if (showIndices) overlayIndices(img, idx, base, pn, edge, colors);
    return img;
  }

  private static void overlayIndices(
      BufferedImage img, int[] idx, int base, int pn, int[] edge, TokenMapColors colors) {
    int cell = edge[1] - edge[0];
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(8, Math.min(16, cell / 4))));
      FontMetrics fm = g.getFontMetrics();
      for (int h = 0; h < pn; h++) {
        for (int w = 0; w < pn; w++) {
          int code = idx[base + h * pn + w];
          String s = Integer.toString(code);
          int cw = edge[w + 1] - edge[w], ch = edge[h + 1] - edge[h];
          if (fm.stringWidth(s) > cw || fm.getAscent() > ch) continue; // does not fit
          g.setColor(contrastingText(colors.rgbOf(code)));
          int x = edge[w] + (cw - fm.stringWidth(s)) / 2;
          int y = edge[h] + (ch + fm.getAscent() - fm.getDescent()) / 2;
          g.drawString(s, x, y);
        }
      }
    } finally {
      g.dispose();
    }
  }

  /** Black on light colours, white on dark ones (Rec.601 luma). */
  static Color contrastingText(int rgb) {
    int r = (rgb >> 16) & 0xFF, g = (rgb >> 8) & 0xFF, b = rgb & 0xFF;
    return 0.299 * r + 0.587 * g + 0.114 * b >= 128 ? Color.BLACK : Color.WHITE;
  }

  /**
   * Validates the K token maps, scale k (B, pn_k, pn_k), against patchNums and returns the batch
   * size B.
   */
  static int checkTokenMaps(List<int[]> idxPerScale, ScaleSchedule patchNums) {
    VizChecks.checkNotNull("patchNums", patchNums);
    if (idxPerScale == null) throw new IllegalArgumentException("idxPerScale must not be null");
    if (idxPerScale.size() != patchNums.K()) {
      throw new IllegalArgumentException(
          "idxPerScale must have one array per scale (%s), got %s"
              .formatted(patchNums.K(), idxPerScale.size()));
    }
    int batch = -1;
    for (int k = 0; k < patchNums.K(); k++) {
      int[] idx = idxPerScale.get(k);
      int n = patchNums.tokens(k);
      if (idx == null) throw new IllegalArgumentException("idxPerScale[" + k + "] is null");
      if (idx.length == 0 || idx.length % n != 0) {
        throw new IllegalArgumentException(
            "idxPerScale["
                + k
                + "].length must be a positive multiple of "
                + "pn*pn = "
                + n
                + ", got "
                + idx.length);
      }
      int bk = idx.length / n;
      if (batch >= 0 && bk != batch) {
        throw new IllegalArgumentException(
            "idxPerScale[" + k + "] holds " + bk + " images, scale 0 holds " + batch);
      }
      batch = bk;
    }
    return batch;
  }
}
