package io.github.var4j.eval;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The Gaussian fitted to a feature set, as FID uses it: the mean (d), the covariance (d, d) with
 * the unbiased N − 1 normalisation (NumPy's {@code np.cov(x, rowvar=False)}, which pytorch-fid
 * uses) and the number of samples n it came from. Computed in float64, two-pass (the mean first,
 * then the products of the centred values), so that large feature offsets do not cancel.
 *
 * <p>The constructor also takes stored statistics (e.g. a data set's, computed once): it checks the
 * shapes, that every value is finite, that the covariance is symmetric (to 1e-9 of its largest
 * variance) and that n >= 2. The arrays are copied in and out, so a {@code FeatureStats} never
 * changes.
 *
 * @param mean (d) feature means
 * @param covariance (d, d) sample covariance, normalised by n − 1
 * @param n number of samples the statistics describe
 */
public record FeatureStats(double[] mean, double[][] covariance, int n) {
  /** Relative asymmetry of a stored covariance that is still taken as rounding. */
  static final double SYMMETRY_TOLERANCE = 1e-9;

  public FeatureStats {
    int d = mean.length;
    if (d < 1) throw new IllegalArgumentException("feature statistics have no features (d = 0)");
    if (n < 2)
      throw new IllegalArgumentException(
          "feature statistics need at least 2 samples for a covariance, got n = " + n);
    if (covariance.length != d)
      throw new IllegalArgumentException(
          "covariance has " + covariance.length + " rows but the mean has d = " + d + " features");
    mean = mean.clone();
    double[][] cov = new double[d][];
    double maxVar = 0;
    for (int j = 0; j < d; j++) {
      if (covariance[j].length != d)
        throw new IllegalArgumentException(
            "covariance row " + j + " has " + covariance[j].length + " values, expected d = " + d);
      if (!Double.isFinite(mean[j]))
        throw new IllegalArgumentException("mean holds " + mean[j] + " at feature " + j);
      cov[j] = covariance[j].clone();
      maxVar = Math.max(maxVar, Math.abs(cov[j][j]));
    }
    for (int j = 0; j < d; j++)
      for (int l = 0; l < d; l++) {
        double v = cov[j][l];
        if (!Double.isFinite(v))
          throw new IllegalArgumentException(
              "covariance holds " + v + " at [" + j + "][" + l + "]");
        if (l > j && Math.abs(v - cov[l][j]) > SYMMETRY_TOLERANCE * maxVar)
          throw new IllegalArgumentException(
              "covariance is not symmetric: ["
                  + j
                  + "]["
                  + l
                  + "] = "
                  + v
                  + " but ["
                  + l
                  + "]["
                  + j
                  + "] = "
                  + cov[l][j]);
      }
    covariance = cov;
  }

  /**
   * Mean and N − 1 covariance of the n samples of {@code x} (n >= 2). The covariance's rows are
   * computed in parallel blocks; each entry sums over the samples in order, so the result does not
   * depend on the number of threads. Time: n·d²/2 multiply-adds.
   */
  public static FeatureStats of(Features x) {
    int n = x.n(), d = x.d();
    if (n < 2)
      throw new IllegalArgumentException(
          "feature statistics need at least 2 samples for a covariance, got n = " + n);
    double[] data = x.data();
    double[] mean = new double[d];
    for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += data[i * d + j];
    for (int j = 0; j < d; j++) mean[j] /= n;

    double[][] cov = new double[d][d];
    int block = 16;
    IntStream.range(0, (d + block - 1) / block)
        .parallel()
        .forEach(
            b -> {
              int j0 = b * block, j1 = Math.min(d, j0 + block);
              double[] c = new double[d]; // the centred sample, from j0 on
              for (int i = 0; i < n; i++) {
                int base = i * d;
                for (int l = j0; l < d; l++) c[l] = data[base + l] - mean[l];
                for (int j = j0; j < j1; j++) {
                  double a = c[j];
                  double[] row = cov[j];
                  for (int l = j; l < d; l++) row[l] += a * c[l];
                }
              }
            });
    for (int j = 0; j < d; j++)
      for (int l = j; l < d; l++) {
        cov[j][l] /= n - 1;
        cov[l][j] = cov[j][l];
      }
    return new FeatureStats(mean, cov, n);
  }

  /** Number of features. */
  public int d() {
    return mean.length;
  }

  /** A copy of the (d) means. */
  @Override
  public double[] mean() {
    return mean.clone();
  }

  /** A copy of the (d, d) covariance. */
  @Override
  public double[][] covariance() {
    double[][] c = new double[covariance.length][];
    for (int j = 0; j < c.length; j++) c[j] = covariance[j].clone();
    return c;
  }

  /** Equal when n, the means and the covariances are equal value for value. */
  @Override
  public boolean equals(Object o) {
    return o instanceof FeatureStats s
        && n == s.n
        && Arrays.equals(mean, s.mean)
        && Arrays.deepEquals(covariance, s.covariance);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(mean) + Arrays.deepHashCode(covariance)) + n;
  }

  @Override
  public String toString() {
    return "FeatureStats[n=" + n + ", d=" + mean.length + "]";
  }
}
