package io.github.var4j.quant;

/**
 * PyTorch's 2-D resampling of square maps as dense 1-D matrices (out, in), row-major; the 2-D
 * operation is separable: {@code out = M X M^T} for each channel. TF's ResizeArea / ResizeBicubic
 * do not reproduce PyTorch's {@code F.interpolate} (area, bicubic), so the quantizer multiplies by
 * these matrices instead. Entries are computed in double and rounded to float once.
 */
public final class Resampling {
  private Resampling() {}

  /** Cubic convolution constant of PyTorch's bicubic interpolation. */
  static final double A = -0.75;

  /**
   * {@code F.interpolate(mode='area')} = adaptive average pooling along one axis: output o averages
   * the inputs {@code [floor(o*in/out), ceil((o+1)*in/out))} (windows overlap when out does not
   * divide in).
   *
   * @return (out, in) row-major
   */
  public static float[] area(int in, int out) {
    check(in, out);
    float[] m = new float[out * in];
    for (int o = 0; o < out; o++) {
      int start = Math.floorDiv(o * in, out);
      int end = Math.floorDiv((o + 1) * in + out - 1, out);
      double w = 1.0 / (end - start);
      for (int i = start; i < end; i++) m[o * in + i] = (float) w;
    }
    return m;
  }

  /**
   * {@code F.interpolate(mode='bicubic', align_corners=False)} with an explicit size along one
   * axis: source position {@code src = (in/out)(o+0.5) - 0.5} (not clamped), {@code i0 =
   * floor(src)}, {@code t = src - i0}, weights {@code [c2(t+1), c1(t), c1(1-t), c2(2-t)]} on taps
   * {@code i0-1 .. i0+2} clamped to {@code [0, in-1]} (clamped taps add up), A = -0.75.
   *
   * @return (out, in) row-major
   */
  public static float[] bicubic(int in, int out) {
    check(in, out);
    double[] m = new double[out * in];
    double scale = (double) in / out;
    for (int o = 0; o < out; o++) {
      double src = scale * (o + 0.5) - 0.5;
      int i0 = (int) Math.floor(src);
      double t = src - i0;
      double[] w = {cubic2(t + 1), cubic1(t), cubic1(1 - t), cubic2(2 - t)};
      for (int k = 0; k < 4; k++) {
        int j = Math.min(Math.max(i0 - 1 + k, 0), in - 1);
        m[o * in + j] += w[k];
      }
    }
    float[] f = new float[m.length];
    for (int i = 0; i < m.length; i++) f[i] = (float) m[i];
    return f;
  }

  /** Cubic convolution for |x| <= 1. */
  static double cubic1(double x) {
    return ((A + 2) * x - (A + 3)) * x * x + 1;
  }

  /** Cubic convolution for 1 < |x| < 2. */
  static double cubic2(double x) {
    return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  }

  private static void check(int in, int out) {
    if (in < 1 || out < 1)
      throw new IllegalArgumentException("sizes must be >= 1, got in=" + in + " out=" + out);
  }
}
