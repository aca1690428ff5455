package io.github.var4j.data;

/**
 * Peak signal-to-noise ratio of reconstructions, on the [0, 1] scale (images in var4j live in [-1,
 * 1]).
 *
 * <p>Computed per image over a centred crop (for Fashion-MNIST, the original 28x28 pixels inside
 * the 32x32 padded input, so the constant padding does not inflate the number), then averaged over
 * images: {@code PSNR = 10 log10(1 / MSE)}.
 */
public final class Psnr {
  private Psnr() {}

  /**
   * @param x originals (n, size, size, c) in [-1, 1]
   * @param y reconstructions, same layout
   * @param crop side of the centred crop to score (size for the whole image)
   * @return mean per-image PSNR in dB (an image with zero error counts as 100 dB)
   */
  public static double mean(float[] x, float[] y, int n, int size, int c, int crop) {
    if (x.length != y.length || x.length != n * size * size * c) {
      throw new IllegalArgumentException(
          "PSNR inputs must both hold "
              + n
              + "x"
              + size
              + "x"
              + size
              + "x"
              + c
              + " values, got "
              + x.length
              + " and "
              + y.length);
    }
    if (crop > size || crop < 1)
      throw new IllegalArgumentException("crop " + crop + " must be in [1, " + size + "]");
    int off = (size - crop) / 2;
    double sum = 0;
    for (int b = 0; b < n; b++) {
      double se = 0;
      for (int i = off; i < off + crop; i++)
        for (int j = off; j < off + crop; j++)
          for (int k = 0; k < c; k++) {
            int idx = ((b * size + i) * size + j) * c + k;
            double a = (Math.max(-1, Math.min(1, x[idx])) + 1) / 2,
                r = (Math.max(-1, Math.min(1, y[idx])) + 1) / 2;
            se += (a - r) * (a - r);
          }
      double mse = se / ((double) crop * crop * c);
      sum += mse == 0 ? 100 : 10 * Math.log10(1 / mse);
    }
    return sum / n;
  }
}
