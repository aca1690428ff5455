package io.github.var4j.viz;

import io.github.var4j.scale.ScaleSchedule;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.CategoryChart;

/**
 * Pictures of VAR's block-causal attention: over the L = sum pn_k^2 tokens of all scales, query
 * token q may attend to key token k iff scale(q) >= scale(k) (the mask itself is {@code
 * transformer.AttentionMask}; the scale of each token is {@link ScaleSchedule#levels}). Row =
 * query, column = key.
 *
 * <p>Geometry of {@link #render}: every token is {@code px} pixels; between consecutive scales a
 * 1-pixel line of {@link #LINE_RGB} is inserted (rows and columns), so the side is L*px + (K-1) and
 * no cell is painted over. Token t starts at {@link #cellOrigin}(patchNums, px, t) = t*px +
 * scale(t).
 */
public final class AttentionMaskView {
  /** Cells where attention is allowed. */
  public static final int ALLOWED_RGB = 0x1F4E79;

  /** Masked cells (attention forbidden). */
  public static final int MASKED_RGB = 0xF0F0F0;

  /** Scale-boundary lines. */
  public static final int LINE_RGB = 0xD62728;

  private AttentionMaskView() {}

  /**
   * Pixel offset (x for a key, y for a query) where token t's cell starts: t*px + scale(t).
   *
   * @param patchNums the scale schedule (L tokens)
   * @param px pixels per token (>= 1)
   * @param t token in [0, L)
   */
  public static int cellOrigin(ScaleSchedule patchNums, int px, int t) {
    VizChecks.checkNotNull("patchNums", patchNums);
    VizChecks.checkPositive("px", px);
    checkToken("t", t, patchNums.L());
    return t * px + patchNums.levels()[t];
  }

  /**
   * Side in pixels of {@link #render}: L*px + (K-1).
   *
   * @param patchNums the scale schedule (K scales, L tokens)
   * @param px pixels per token (>= 1)
   */
  public static int side(ScaleSchedule patchNums, int px) {
    VizChecks.checkNotNull("patchNums", patchNums);
    VizChecks.checkPositive("px", px);
    return patchNums.L() * px + patchNums.K() - 1;
  }

  /**
   * The L x L block-causal mask, each cell px x px, with 1-pixel lines at the scale boundaries: a
   * square picture of side {@link #side}(patchNums, px) = L*px + (K-1).
   *
   * @param patchNums the scale schedule (K scales, L tokens)
   * @param px pixels per token (>= 1)
   */
  public static BufferedImage render(ScaleSchedule patchNums, int px) {
    int n = side(patchNums, px);
    int[] s = patchNums.levels();
    // scale of each pixel coordinate, -1 on boundary lines
    int[] scaleAt = new int[n];
    int pos = 0;
    for (int t = 0; t < s.length; t++) {
      if (t > 0 && s[t] != s[t - 1]) scaleAt[pos++] = -1;
      for (int i = 0; i < px; i++) scaleAt[pos++] = s[t];
    }
    int[] rgb = new int[n * n];
    for (int y = 0; y < n; y++) {
      int sq = scaleAt[y];
      for (int x = 0; x < n; x++) {
        int sk = scaleAt[x];
        rgb[y * n + x] = sq < 0 || sk < 0 ? LINE_RGB : sq >= sk ? ALLOWED_RGB : MASKED_RGB;
      }
    }
    BufferedImage img = new BufferedImage(n, n, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, n, n, rgb, 0, n);
    return img;
  }

  /**
   * {@link #render} with a title "block-causal attention mask (L = ..)" above it: the L*px + (K-1)
   * square plus padding and the title.
   */
  public static BufferedImage renderWithTitle(ScaleSchedule patchNums, int px) {
    return ImageGrid.of(List.of(render(patchNums, px)))
        .padding(4)
        .title("block-causal attention mask (L = " + patchNums.L() + ")")
        .build();
  }

  /**
   * Bar chart of pn_k^2 per scale (K bars), {@value Charts#DEFAULT_WIDTH}x{@value
   * Charts#DEFAULT_HEIGHT}.
   */
  public static CategoryChart tokensPerScaleChart(ScaleSchedule patchNums) {
    return tokensPerScaleChart(patchNums, Charts.DEFAULT_WIDTH, Charts.DEFAULT_HEIGHT);
  }

  /**
   * Bar chart of the number of tokens pn_k^2 of each scale: K bars (categories "1x1", "2x2", ...),
   * width x height pixels.
   */
  public static CategoryChart tokensPerScaleChart(ScaleSchedule patchNums, int width, int height) {
    VizChecks.checkNotNull("patchNums", patchNums);
    List<String> cats = new ArrayList<>(patchNums.K());
    List<Integer> counts = new ArrayList<>(patchNums.K());
    for (int k = 0; k < patchNums.K(); k++) {
      cats.add(patchNums.pn(k) + "x" + patchNums.pn(k));
      counts.add(patchNums.tokens(k));
    }
    return Charts.bars(
        "tokens per scale (L = " + patchNums.L() + ")",
        "scale",
        "tokens",
        cats,
        counts,
        width,
        height);
  }

  private static void checkToken(String name, int t, int l) {
    if (t < 0 || t >= l)
      throw new IllegalArgumentException(name + " must be in [0, " + l + "), got " + t);
  }
}
