package io.github.var4j.util;

/**
 * Argument checks with one message format, Tribuo-style: each throws an {@link
 * IllegalArgumentException} naming the argument, the rule and the value given, e.g. {@code
 * batchSize must be >= 1, got 0}. NaN fails every check on a {@code double}.
 */
public final class Require {
  private Require() {}

  /** {@code NAME must be >= MIN, got VALUE}. */
  public static void atLeast(String name, long value, long min) {
    if (value < min)
      throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
  }

  /** {@code NAME must be >= MIN (NOTE), got VALUE}, the note saying what MIN means. */
  public static void atLeast(String name, long value, long min, String note) {
    if (value < min)
      throw new IllegalArgumentException(
          name + " must be >= " + min + " (" + note + "), got " + value);
  }

  /** {@code NAME must be positive, got VALUE}. */
  public static void positive(String name, long value) {
    if (value <= 0) throw new IllegalArgumentException(name + " must be positive, got " + value);
  }

  /** {@code NAME must be positive, got VALUE}; NaN is not positive. */
  public static void positive(String name, double value) {
    if (!(value > 0)) throw new IllegalArgumentException(name + " must be positive, got " + value);
  }

  /** {@code NAME must be >= 0, got VALUE}; NaN fails. */
  public static void nonNegative(String name, double value) {
    if (!(value >= 0)) throw new IllegalArgumentException(name + " must be >= 0, got " + value);
  }

  /** {@code NAME must be in [0, 1), got VALUE}: a fraction below one. */
  public static void fractionBelowOne(String name, double value) {
    if (!(value >= 0 && value < 1))
      throw new IllegalArgumentException(name + " must be in [0, 1), got " + value);
  }

  /** {@code NAME must be in [0, 1], got VALUE}: a fraction or probability. */
  public static void fraction(String name, double value) {
    if (!(value >= 0 && value <= 1))
      throw new IllegalArgumentException(name + " must be in [0, 1], got " + value);
  }
}
