package io.github.var4j.util;

/** Checks of image batches held as row-major NHWC {@code float[]} arrays, and their messages. */
public final class ImageArrays {
  private ImageArrays() {}

  /**
   * Checks that {@code imgs} holds n images (n, side, side, channels).
   *
   * @throws IllegalArgumentException "n must be positive, got 0", or e.g. "expected 2048 floats for
   *     2 images of 32x32x1 (NHWC), got 1568 (2 images of 28x28x1?)" (the guess is added when the
   *     length fits n square images of 1 or 3 channels)
   */
  public static void checkNhwc(float[] imgs, int n, int side, int channels) {
    Require.positive("n", n);
    long want = (long) n * side * side * channels;
    if (imgs.length != want) {
      throw new IllegalArgumentException(
          "expected "
              + want
              + " floats for "
              + n
              + " images of "
              + hwc(side, side, channels)
              + " (NHWC), got "
              + imgs.length
              + guess(imgs.length, n));
    }
  }

  /** The size of an image as "HxWxC", e.g. "28x28x1". */
  public static String hwc(long height, long width, long channels) {
    return height + "x" + width + "x" + channels;
  }

  /** " (n images of s x s x c?)" when the length fits a square image of 1 or 3 channels. */
  private static String guess(int len, int n) {
    if (len % n != 0) return "";
    int per = len / n;
    for (int c : new int[] {1, 3}) {
      if (per % c != 0) continue;
      int s = (int) Math.round(Math.sqrt(per / c));
      if (s > 0 && s * s * c == per) return " (" + n + " images of " + hwc(s, s, c) + "?)";
    }
    return "";
  }
}
