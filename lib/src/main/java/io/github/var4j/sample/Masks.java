package io.github.var4j.sample;

import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.util.Require;
import java.util.ArrayList;
import java.util.List;

/**
 * Edit masks of zero-shot in-/out-painting and class-conditional editing (official {@code
 * demo_zero_shot_edit.ipynb}). A mask is the last scale's token map, {@code pnLast x pnLast} floats
 * row-major, where 1 means "keep the given image's tokens" and 0 "generate".
 *
 * <p>At scale si the mask is resized with PyTorch's bilinear interpolation ({@code
 * align_corners=False}, no antialias) to pn x pn and thresholded {@code > 0.5}; scales with pn² <=
 * 3 are forced completely ({@link #forceMaps}).
 */
public final class Masks {
  private Masks() {}

  /**
   * The official {@code get_edit_mask} box (without the in-painting inversion): rows [round(y0·pn),
   * round(y1·pn)) and columns [round(x0·pn), round(x1·pn)) are 1, the rest 0; Python's round (half
   * to even). Coordinates are fractions of the image side.
   */
  public static float[] box(int pn, double y0, double y1, double x0, double x1) {
    Require.positive("pn", pn);
    for (double v : new double[] {y0, y1, x0, x1}) {
      if (!(v >= 0 && v <= 1)) {
        throw new IllegalArgumentException(
            "box coordinates must be fractions in [0, 1], got y0="
                + y0
                + ", y1="
                + y1
                + ", x0="
                + x0
                + ", x1="
                + x1);
      }
    }
    int r0 = (int) Math.rint(y0 * pn), r1 = (int) Math.rint(y1 * pn);
    int c0 = (int) Math.rint(x0 * pn), c1 = (int) Math.rint(x1 * pn);
    float[] m = new float[pn * pn];
    for (int r = r0; r < r1; r++) for (int c = c0; c < c1; c++) m[r * pn + c] = 1f;
    return m;
  }

  /** 1 - mask (in-painting: the box is regenerated, everything else kept). */
  public static float[] invert(float[] mask) {
    float[] out = new float[mask.length];
    for (int i = 0; i < mask.length; i++) out[i] = 1f - mask[i];
    return out;
  }

  /** A mask of ones (keep everything = teacher forcing through the sampler). */
  public static float[] all(int pn) {
    float[] m = new float[pn * pn];
    java.util.Arrays.fill(m, 1f);
    return m;
  }

  /**
   * Checks the size of a mask against the last patch number.
   *
   * @throws IllegalArgumentException e.g. "mask must be 8x8 (the last scale), got 6x6"
   */
  public static void checkSize(float[] mask, int pnLast) {
    if (mask == null) throw new IllegalArgumentException("mask must not be null");
    if (mask.length == pnLast * pnLast) return;
    int side = (int) Math.round(Math.sqrt(mask.length));
    String got = side * side == mask.length ? side + "x" + side : mask.length + " values";
    throw new IllegalArgumentException(
        "mask must be " + pnLast + "x" + pnLast + " (the last scale), got " + got);
  }

  /**
   * PyTorch's 1-D bilinear resampling ({@code F.interpolate(mode='bilinear', align_corners=False)},
   * no antialias) as an (out, in) matrix, computed in float like the CPU kernel: src =
   * max((in/out)·(o+0.5) - 0.5, 0), i0 = floor(src), i1 = min(i0+1, in-1), weights (1-λ, λ) with λ
   * = src - i0.
   */
  public static float[] bilinearMatrix(int in, int out) {
    if (in <= 0 || out <= 0)
      throw new IllegalArgumentException("sizes must be positive, got in=" + in + ", out=" + out);
    float[] m = new float[out * in];
    float scale = (float) in / out;
    for (int o = 0; o < out; o++) {
      float src = scale * (o + 0.5f) - 0.5f;
      if (src < 0) src = 0;
      int i0 = (int) src;
      int i1 = i0 + (i0 < in - 1 ? 1 : 0);
      float l1 = src - i0, l0 = 1f - l1;
      m[o * in + i0] += l0;
      m[o * in + i1] += l1;
    }
    return m;
  }

  /**
   * Bilinear resize of a square map (in x in) to (out x out) with {@link #bilinearMatrix}, summed
   * in the order of PyTorch's kernel: {@code y = Σ_h w_h · (Σ_w w_w · x[h][w])} over the (at most
   * two) taps of each axis.
   */
  public static float[] resizeBilinear(float[] map, int in, int out) {
    if (map.length != in * in) {
      throw new IllegalArgumentException(
          "map must be " + in + "x" + in + ", got " + map.length + " values");
    }
    float[] m = bilinearMatrix(in, out);
    float[] y = new float[out * out];
    for (int oh = 0; oh < out; oh++) {
      for (int ow = 0; ow < out; ow++) {
        float acc = 0;
        for (int h = 0; h < in; h++) {
          float wh = m[oh * in + h];
          if (wh == 0) continue;
          float row = 0;
          for (int w = 0; w < in; w++) {
            float ww = m[ow * in + w];
            if (ww != 0) row += ww * map[h * in + w];
          }
          acc += wh * row;
        }
        y[oh * out + ow] = acc;
      }
    }
    return y;
  }

  /**
   * Per scale the 0/1 map of tokens forced to the given image's tokens: bilinear(mask -> pn) > 0.5,
   * and everything when pn² <= 3 (official).
   *
   * @param keepMask (pn_{K-1}, pn_{K-1}) floats, 1 = keep
   * @return K arrays, scale k (pn_k, pn_k) floats of 0 or 1
   */
  public static List<float[]> forceMaps(float[] keepMask, ScaleSchedule patchNums) {
    int last = patchNums.latentSide();
    checkSize(keepMask, last);
    List<float[]> out = new ArrayList<>();
    for (int k = 0; k < patchNums.K(); k++) {
      int pn = patchNums.pn(k);
      float[] f = new float[pn * pn];
      if (pn * pn <= 3) {
        java.util.Arrays.fill(f, 1f);
      } else {
        float[] r = pn == last ? keepMask : resizeBilinear(keepMask, last, pn);
        for (int i = 0; i < f.length; i++) f[i] = r[i] > 0.5f ? 1f : 0f;
      }
      out.add(f);
    }
    return out;
  }
}
