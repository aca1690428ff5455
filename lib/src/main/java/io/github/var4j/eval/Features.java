package io.github.var4j.eval;

/**
 * A matrix of n samples by d values, the input of every sample-quality metric: features of a
 * feature network (FID, precision and recall) or a classifier's class probabilities (Inception
 * Score, class accuracy). Stored row-major in float64 ({@code n * d * 8} bytes: 10,000 x 128 is 10
 * MB, 50,000 x 2,048 is 819 MB); float32 input is widened exactly.
 *
 * <p>Checked on construction: at least one sample, at least one value per sample, every row the
 * same length, every value finite. The data are copied, so a {@code Features} never changes.
 */
public final class Features {
  private final double[] data; // (n, d) row-major
  private final int n;
  private final int d;

  private Features(double[] data, int n, int d) {
    this.data = data;
    this.n = n;
    this.d = d;
    for (int i = 0; i < n; i++)
      for (int j = 0; j < d; j++) {
        double v = data[i * d + j];
        if (!Double.isFinite(v))
          throw new IllegalArgumentException(
              "feature matrix holds " + v + " at sample " + i + ", value " + j);
      }
  }

  /** From rows: {@code rows[i]} is sample i (all rows the same length d >= 1; n >= 1). */
  public static Features of(double[][] rows) {
    int d = rows.length == 0 ? 0 : rows[0].length;
    checkShape(rows.length, d);
    double[] data = new double[Math.multiplyExact(rows.length, d)];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != d)
        throw new IllegalArgumentException(
            "feature matrix is ragged: sample "
                + i
                + " has "
                + rows[i].length
                + " values, sample 0 has "
                + d);
      System.arraycopy(rows[i], 0, data, i * d, d);
    }
    return new Features(data, rows.length, d);
  }

  /** From a row-major (n, d) float32 array (features as a network returns them). */
  public static Features ofRowMajor(float[] x, int n, int d) {
    checkShape(n, d);
    checkLength(x.length, n, d);
    double[] data = new double[x.length];
    for (int i = 0; i < x.length; i++) data[i] = x[i];
    return new Features(data, n, d);
  }

  /** From a row-major (n, d) float64 array. */
  public static Features ofRowMajor(double[] x, int n, int d) {
    checkShape(n, d);
    checkLength(x.length, n, d);
    return new Features(x.clone(), n, d);
  }

  private static void checkShape(int n, int d) {
    if (n < 1) throw new IllegalArgumentException("feature matrix has no samples (n = " + n + ")");
    if (d < 1)
      throw new IllegalArgumentException("feature matrix has no values per sample (d = " + d + ")");
  }

  private static void checkLength(int length, int n, int d) {
    if (length != (long) n * d)
      throw new IllegalArgumentException(
          "feature array holds "
              + length
              + " values but (n, d) = ("
              + n
              + ", "
              + d
              + ") needs "
              + (long) n * d);
  }

  /** Number of samples. */
  public int n() {
    return n;
  }

  /** Values per sample. */
  public int d() {
    return d;
  }

  /** Value j of sample i. */
  public double get(int i, int j) {
    return data[i * d + j];
  }

  /** A copy of sample i, (d). */
  public double[] row(int i) {
    double[] r = new double[d];
    System.arraycopy(data, i * d, r, 0, d);
    return r;
  }

  /** The (n, d) row-major values, not copied: the metrics of this package read them in place. */
  double[] data() {
    return data;
  }
}
