package io.github.var4j.scale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/**
 * The scale schedule of VAR: the side {@code pn_k} of each of the K token maps r_1..r_K, coarse to
 * fine (official {@code patch_nums}). The one place where K, L, the token offsets of each scale and
 * the scale of each token are derived; the quantizer, the VQ-VAE, the transformer, the token cache
 * and the pictures all use it.
 *
 * <p>Token layout: the K maps are flattened row-major and concatenated, so scale k holds the tokens
 * {@code [begin(k), end(k))} of the L = Σ pn_k² tokens. Immutable; serialises to JSON as the plain
 * array {@code [1, 2, 3, ...]}.
 */
public final class ScaleSchedule {
  private final int[] pn;
  private final int[] offsets;

  private ScaleSchedule(int[] patchNums) {
    if (patchNums == null || patchNums.length == 0)
      throw new IllegalArgumentException("patchNums must not be empty");
    pn = patchNums.clone();
    if (pn[0] < 1)
      throw new IllegalArgumentException(
          "patchNums must start at >= 1, got " + Arrays.toString(pn));
    for (int i = 1; i < pn.length; i++) {
      if (pn[i] <= pn[i - 1]) {
        throw new IllegalArgumentException(
            "patchNums must be strictly increasing, got " + Arrays.toString(pn));
      }
    }
    offsets = new int[pn.length + 1];
    for (int k = 0; k < pn.length; k++)
      offsets[k + 1] = Math.addExact(offsets[k], Math.multiplyExact(pn[k], pn[k]));
  }

  /**
   * A schedule from its sides, e.g. {@code of(1, 2, 3, 4, 5, 6, 8)}.
   *
   * @throws IllegalArgumentException "patchNums must be strictly increasing, got [1, 3, 2]" (also:
   *     empty, or a first side below 1)
   */
  @JsonCreator
  public static ScaleSchedule of(int... patchNums) {
    return new ScaleSchedule(patchNums);
  }

  /**
   * The official 256-px schedule (1, 2, 3, 4, 5, 6, 8, 10, 13, 16): a 16×16 latent, K = 10, L =
   * 680.
   */
  public static ScaleSchedule px256() {
    return of(1, 2, 3, 4, 5, 6, 8, 10, 13, 16);
  }

  /**
   * The official 512-px schedule (1, 2, 3, 4, 6, 9, 13, 18, 24, 32): a 32×32 latent, K = 10, L =
   * 2240.
   */
  public static ScaleSchedule px512() {
    return of(1, 2, 3, 4, 6, 9, 13, 18, 24, 32);
  }

  /** A copy of the sides pn_0..pn_{K-1}. */
  @JsonValue
  public int[] toArray() {
    return pn.clone();
  }

  /** K, the number of scales. */
  public int K() {
    return pn.length;
  }

  /** pn_k, the side of the token map of scale k (0-based). */
  public int pn(int k) {
    return pn[k];
  }

  /** pn_k², the tokens of scale k. */
  public int tokens(int k) {
    return pn[k] * pn[k];
  }

  /** L = Σ pn_k², the tokens of all scales. */
  public int L() {
    return offsets[pn.length];
  }

  /** pn_0², the tokens of the first scale (VAR's start tokens). */
  public int firstL() {
    return tokens(0);
  }

  /** pn_{K-1}², the tokens of the last scale. */
  public int lastL() {
    return tokens(pn.length - 1);
  }

  /** The first token of scale k. */
  public int begin(int k) {
    return offsets[k];
  }

  /** One past the last token of scale k. */
  public int end(int k) {
    return offsets[k + 1];
  }

  /**
   * Token offsets {@code [0, pn_0², pn_0² + pn_1², ..., L]} (K + 1 entries): scale k is
   * [offsets[k], offsets[k+1]).
   */
  public int[] offsets() {
    return offsets.clone();
  }

  /** The scale of every token, (L) (official buffer {@code lvl_1L}). */
  public int[] levels() {
    int[] lvl = new int[L()];
    for (int k = 0; k < pn.length; k++) Arrays.fill(lvl, offsets[k], offsets[k + 1], k);
    return lvl;
  }

  /** The latent side h = w = pn_{K-1}. */
  public int latentSide() {
    return pn[pn.length - 1];
  }

  /**
   * Checks that the last side equals the VQ-VAE's latent side.
   *
   * @throws IllegalArgumentException "patchNums must end at the VAE latent size 8, got [1, 2, 4]"
   */
  public void checkLatentSide(int side) {
    if (latentSide() != side) {
      throw new IllegalArgumentException(
          "patchNums must end at the VAE latent size " + side + ", got " + this);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScaleSchedule s && Arrays.equals(pn, s.pn);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(pn);
  }

  /** {@code [1, 2, 3, 4]}. */
  @Override
  public String toString() {
    return Arrays.toString(pn);
  }
}
