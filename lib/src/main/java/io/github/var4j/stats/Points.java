package io.github.var4j.stats;

/** Argument checks shared by the fits: the exact messages of bad input. */
final class Points {
  private Points() {}

  /**
   * @throws IllegalArgumentException "a fit needs at least 3 points, got 2", "x and y differ in
   *     length: 4 and 3", "y[2] must be positive for a power law, got -0.1" (also NaN), or "x needs
   *     at least two distinct values" (see {@link #distinct})
   */
  static void check(double[] x, double[] y, int min) {
    if (x == null || y == null) throw new IllegalArgumentException("x and y must not be null");
    if (x.length != y.length)
      throw new IllegalArgumentException(
          "x and y differ in length: " + x.length + " and " + y.length);
    if (x.length < min)
      throw new IllegalArgumentException(
          "a fit needs at least " + min + " points, got " + x.length);
    positive("x", x);
    positive("y", y);
  }

  /**
   * @throws IllegalArgumentException "x needs at least two distinct values, got only 5.0"
   */
  static void distinct(double[] x) {
    for (double v : x) if (v != x[0]) return;
    throw new IllegalArgumentException("x needs at least two distinct values, got only " + x[0]);
  }

  static void positive(String name, double[] v) {
    for (int i = 0; i < v.length; i++) {
      if (!(v[i] > 0) || Double.isInfinite(v[i]))
        throw new IllegalArgumentException(
            name + "[" + i + "] must be positive and finite for a power law, got " + v[i]);
    }
  }
}
