package io.github.var4j.stats;

import io.github.var4j.util.Require;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The irreducible term E that the paper's scaling plots subtract (they plot the reducible loss L −
 * E; the official repository FoundationVision/VAR, GitHub issue #23), by a rule fixed before any
 * result is looked at: E is the irreducible term of the {@link SaturatingPowerLaw} fit L = E +
 * (X₀/X)^α over all sizes (X = N, each size's last evaluation), and its uncertainty is a percentile
 * bootstrap over the sizes: {@code resamples} draws of the sizes with replacement (seed 0), each
 * refitted; the 2.5 and 97.5 percentiles of the refitted E give a 95 % interval. Resamples with
 * fewer than {@value SaturatingPowerLaw#MIN_POINTS} distinct sizes, or whose fit fails, are not
 * counted ({@code used} says how many were).
 *
 * @param e E of the fit over all sizes
 * @param lo 2.5 percentile of the bootstrap
 * @param hi 97.5 percentile of the bootstrap
 * @param used resamples whose fit counted
 */
public record IrreducibleTerm(double e, double lo, double hi, int used) {

  /** Resamples of {@link #estimate(double[], double[])}. */
  public static final int RESAMPLES = 1000;

  /**
   * {@link #estimate(double[], double[], int, long)} with {@value #RESAMPLES} resamples, seed 0.
   */
  public static IrreducibleTerm estimate(double[] x, double[] y) {
    return estimate(x, y, RESAMPLES, 0);
  }

  /**
   * E and its bootstrap interval (see the class comment).
   *
   * @throws IllegalArgumentException as {@link SaturatingPowerLaw#fit} for the fit over all points
   */
  public static IrreducibleTerm estimate(double[] x, double[] y, int resamples, long seed) {
    Require.atLeast("resamples", resamples, 1);
    double e = SaturatingPowerLaw.fit(x, y).e();
    SplittableRandom rng = new SplittableRandom(seed);
    double[] es = new double[resamples];
    int used = 0;
    int n = x.length;
    for (int b = 0; b < resamples; b++) {
      double[] bx = new double[n], by = new double[n];
      for (int i = 0; i < n; i++) {
        int j = rng.nextInt(n);
        bx[i] = x[j];
        by[i] = y[j];
      }
      if (Arrays.stream(bx).distinct().count() < SaturatingPowerLaw.MIN_POINTS) continue;
      try {
        es[used++] = SaturatingPowerLaw.fit(bx, by).e();
      } catch (IllegalArgumentException ex) {
        used--; // this resample has no fit (its values do not fall with x)
      }
    }
    if (used == 0) return new IrreducibleTerm(e, Double.NaN, Double.NaN, 0);
    double[] s = Arrays.copyOf(es, used);
    Arrays.sort(s);
    return new IrreducibleTerm(e, percentile(s, 0.025), percentile(s, 0.975), used);
  }

  /** The p-quantile of sorted values, linear between order statistics. */
  static double percentile(double[] sorted, double p) {
    double pos = p * (sorted.length - 1);
    int lo = (int) Math.floor(pos), hi = (int) Math.ceil(pos);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }
}
