package io.github.var4j.viz;

/**
 * Value range of a float image: model space [-1, 1] or plain [0, 1]. Values outside the range are
 * clamped when converted to 8-bit pixels.
 */
public enum ValueRange {
  /** Model space: -1 is black, 1 is white. */
  MINUS_ONE_ONE,
  /** 0 is black, 1 is white. */
  ZERO_ONE;

  /** Maps a value in this range to [0, 1], clamped; NaN maps to 0. */
  public double toUnit(double v) {
    double u = this == MINUS_ONE_ONE ? (v + 1.0) * 0.5 : v;
    if (!(u > 0.0)) return 0.0; // also catches NaN
    return Math.min(u, 1.0);
  }

  /** Maps a value in [0, 1] back to this range. */
  public float fromUnit(double u) {
    return (float) (this == MINUS_ONE_ONE ? u * 2.0 - 1.0 : u);
  }

  /** Maps a value in this range to an 8-bit channel value 0..255 (clamped, rounded). */
  public int toByte(double v) {
    return (int) Math.round(toUnit(v) * 255.0);
  }
}
