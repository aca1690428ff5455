package io.github.var4j.vae;

import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.util.ImageArrays;
import io.github.var4j.util.Require;
import java.util.List;

/**
 * The arrays a {@link Tokenizer} reads and writes, their sizes and checks. Row-major: images (n, S,
 * S, Cin); latents f and f̂ (n, s, s, Cvae); token maps K arrays (n, pn_k²) of ids in [0, V).
 */
final class TokenizerArrays {
  private TokenizerArrays() {}

  /** Floats of one image: S·S·Cin. */
  static int imageFloats(VqVaeConfig cfg) {
    return cfg.imageSize() * cfg.imageSize() * cfg.inChannels();
  }

  /** Floats of one latent: s·s·Cvae. */
  static int latentFloats(VqVaeConfig cfg) {
    return cfg.latentSide() * cfg.latentSide() * cfg.zChannels();
  }

  /** Checks that {@code imgs} holds n images (n, S, S, Cin), see {@link ImageArrays#checkNhwc}. */
  static void checkImages(VqVaeConfig cfg, float[] imgs, int n) {
    ImageArrays.checkNhwc(imgs, n, cfg.imageSize(), cfg.inChannels());
  }

  /**
   * Checks that {@code fHat} holds n latents (n, s, s, Cvae).
   *
   * @throws IllegalArgumentException e.g. "expected 512 floats for 2 latents of 8x8x4, got 256"
   */
  static void checkLatents(VqVaeConfig cfg, float[] fHat, int n) {
    int perF = latentFloats(cfg);
    Require.positive("n", n);
    if (fHat.length != (long) n * perF) {
      throw new IllegalArgumentException(
          "expected "
              + ((long) n * perF)
              + " floats for "
              + n
              + " latents of "
              + ImageArrays.hwc(cfg.latentSide(), cfg.latentSide(), cfg.zChannels())
              + ", got "
              + fHat.length);
    }
  }

  /**
   * Checks token maps of n images: K arrays of n·pn_k² ids in [0, V).
   *
   * @throws IllegalArgumentException e.g. "scale 2 (pn=3): expected 18 token ids for 2 images, got
   *     9"
   */
  static void checkTokens(VqVaeConfig cfg, List<int[]> idx, int n) {
    Require.positive("n", n);
    ScaleSchedule pn = cfg.patchNums();
    if (idx == null || idx.size() != pn.K()) {
      throw new IllegalArgumentException(
          "expected token maps for " + pn.K() + " scales, got " + (idx == null ? 0 : idx.size()));
    }
    int V = cfg.vocabSize();
    for (int k = 0; k < pn.K(); k++) {
      int[] a = idx.get(k);
      long want = (long) n * pn.tokens(k);
      if (a == null || a.length != want) {
        throw new IllegalArgumentException(
            "scale "
                + k
                + " (pn="
                + pn.pn(k)
                + "): expected "
                + want
                + " token ids for "
                + n
                + " images, got "
                + (a == null ? 0 : a.length));
      }
      for (int v : a) {
        if (v < 0 || v >= V) {
          throw new IllegalArgumentException(
              "scale " + k + ": token id " + v + " is outside [0, " + V + ")");
        }
      }
    }
  }

  /** {@code a[from, from + len)}, or {@code a} itself when that is all of it. */
  static float[] slice(float[] a, int from, int len) {
    if (from == 0 && len == a.length) return a;
    float[] r = new float[len];
    System.arraycopy(a, from, r, 0, len);
    return r;
  }
}
