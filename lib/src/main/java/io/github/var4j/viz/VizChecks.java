package io.github.var4j.viz;

/** Shared argument checks of the viz package (package-private). */
final class VizChecks {
  private VizChecks() {}

  /**
   * @throws IllegalArgumentException "{name} must not be null"
   */
  static void checkNotNull(String name, Object v) {
    if (v == null) throw new IllegalArgumentException(name + " must not be null");
  }

  static void checkPositive(String name, int v) {
    if (v < 1) throw new IllegalArgumentException(name + " must be >= 1, got " + v);
  }
}
