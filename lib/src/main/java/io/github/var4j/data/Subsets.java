package io.github.var4j.data;

/**
 * Index subsets of a data set, for smaller runs and evaluations that still cover every class of a
 * class-ordered split (e.g. {@code train.subset(Subsets.evenlySpaced(train.size(), 1024))}).
 */
public final class Subsets {
  private Subsets() {}

  /**
   * {@code m} indices evenly spaced over [0, n): i·n/m for i in [0, m) (all n of them when m is 0
   * or >= n).
   */
  public static int[] evenlySpaced(int n, int m) {
    int k = m <= 0 || m >= n ? n : m;
    int[] idx = new int[k];
    for (int i = 0; i < k; i++) idx[i] = (int) ((long) i * n / k);
    return idx;
  }
}
