package io.github.var4j.quant;

import io.github.var4j.util.Require;

/**
 * Which of the shared Phi convolutions serves each scale (official PhiShared / PhiPartiallyShared /
 * PhiNonShared).
 *
 * <p>With n Phis, scale si of K uses {@code argmin_j |ticks[j] - si/(K-1)|} (first minimum), where
 * {@code ticks = numpy.linspace(a, 1-a, n)} with a = 1/3/n if n == 4 else 1/2/n. Everything is
 * computed in float64 exactly like numpy (linspace: {@code start + i*step}, last element set to
 * {@code stop}), because for K = 10 the positions 2/9 and 7/9 are exact ties in real arithmetic,
 * decided by rounding: K=10 gives [0,0,1,1,1,2,2,3,3,3].
 *
 * <p>K == 1 divides by zero in the official code; here the single scale sits at position 0.
 */
public final class PhiIndex {
  private PhiIndex() {}

  /**
   * @param K number of scales (>= 1)
   * @param shareQuantResi 0 = one Phi per scale (n = K), 1 = one shared Phi (all 0), n >= 2 = n
   *     partially shared
   * @return int[K]: Phi index per scale
   */
  public static int[] forScales(int K, int shareQuantResi) {
    Require.atLeast("K", K, 1);
    Require.atLeast("shareQuantResi", shareQuantResi, 0);
    int[] out = new int[K];
    if (shareQuantResi == 1) return out;
    int n = shareQuantResi == 0 ? K : shareQuantResi;
    double[] ticks = ticks(n);
    for (int si = 0; si < K; si++) {
      double at = K == 1 ? 0.0 : (double) si / (K - 1);
      out[si] = argminAbs(ticks, at);
    }
    return out;
  }

  /** The official ticks of n Phis: numpy.linspace(a, 1-a, n), a = 1/3/n for n == 4, else 1/2/n. */
  public static double[] ticks(int n) {
    Require.atLeast("n", n, 1);
    double a = n == 4 ? 1.0 / 3 / n : 1.0 / 2 / n;
    return linspace(a, 1 - a, n);
  }

  /** numpy.linspace(start, stop, num) with endpoint=True, in float64. */
  static double[] linspace(double start, double stop, int num) {
    double[] y = new double[num];
    int div = num - 1;
    if (div <= 0) {
      if (num == 1) y[0] = start;
      return y;
    }
    double step = (stop - start) / div;
    for (int i = 0; i < num; i++) y[i] = i * step + start;
    y[num - 1] = stop;
    return y;
  }

  private static int argminAbs(double[] ticks, double at) {
    int best = 0;
    double bestD = Math.abs(ticks[0] - at);
    for (int j = 1; j < ticks.length; j++) {
      double d = Math.abs(ticks[j] - at);
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    }
    return best;
  }
}
