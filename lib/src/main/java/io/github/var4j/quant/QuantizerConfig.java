package io.github.var4j.quant;

import java.util.Arrays;

/**
 * Configuration of the multi-scale residual quantizer (official {@code VectorQuantizer2}).
 *
 * @param vocabSize      V, codebook size (official 4096), >= 2
 * @param cvae           Cvae, latent channels (official 32), >= 1
 * @param patchNums      pn_0 < pn_1 < ... < pn_{K-1}: side of the token map of each scale; pn_0 >= 1 and the last one
 *                       equals the VAE latent side (official 256px: 1,2,3,4,5,6,8,10,13,16)
 * @param beta           commitment weight of the VQ loss (official 0.25), finite and >= 0
 * @param quantResi      r of Phi(h) = (1-r) h + r conv(h) (official 0.5); the official code uses |r|, and
 *                       |r| <= 1e-6 makes every Phi the identity (no parameters); must satisfy |r| <= 1
 * @param shareQuantResi number of Phi convolutions: 0 = one per scale (K, PhiNonShared), 1 = one shared (PhiShared),
 *                       n >= 2 = n partially shared (PhiPartiallyShared; official 4); see {@link PhiIndex}
 */
public record QuantizerConfig(int vocabSize, int cvae, int[] patchNums, double beta, double quantResi,
                              int shareQuantResi) {

  /** Validates with messages that name the problem. */
  public QuantizerConfig {
    if (patchNums == null || patchNums.length == 0) throw new IllegalArgumentException("patchNums must not be empty");
    patchNums = patchNums.clone();
    if (patchNums[0] < 1) {
      throw new IllegalArgumentException("patchNums must start at >= 1, got " + Arrays.toString(patchNums));
    }
    for (int i = 1; i < patchNums.length; i++) {
      if (patchNums[i] <= patchNums[i - 1]) {
        throw new IllegalArgumentException("patchNums must be strictly increasing, got " + Arrays.toString(patchNums));
      }
    }
    if (vocabSize < 2) throw new IllegalArgumentException("vocabSize must be >= 2, got " + vocabSize);
    if (cvae < 1) throw new IllegalArgumentException("cvae must be >= 1, got " + cvae);
    if (!Double.isFinite(beta) || beta < 0) throw new IllegalArgumentException("beta must be finite and >= 0, got " + beta);
    if (!(Math.abs(quantResi) <= 1)) throw new IllegalArgumentException("quantResi must be in [-1, 1], got " + quantResi);
    if (shareQuantResi < 0) {
      throw new IllegalArgumentException("shareQuantResi must be >= 0 (0 = one Phi per scale, 1 = one shared Phi, "
          + "n = n partially shared Phis), got " + shareQuantResi);
    }
  }

  /** The official VQVAE quantizer: V=4096, Cvae=32, beta 0.25, quant_resi 0.5, share_quant_resi 4. */
  public static QuantizerConfig official(int[] patchNums) {
    return new QuantizerConfig(4096, 32, patchNums, 0.25, 0.5, 4);
  }

  /** The official 256px schedule (1,2,3,4,5,6,8,10,13,16). */
  public static int[] patchNums256() {
    return new int[] {1, 2, 3, 4, 5, 6, 8, 10, 13, 16};
  }

  /** The official 512px schedule (1,2,3,4,6,9,13,18,24,32). */
  public static int[] patchNums512() {
    return new int[] {1, 2, 3, 4, 6, 9, 13, 18, 24, 32};
  }

  /** A copy of the patch numbers. */
  @Override
  public int[] patchNums() {
    return patchNums.clone();
  }

  /** pn_si. */
  public int pn(int si) {
    return patchNums[si];
  }

  /** K, the number of scales. */
  public int K() {
    return patchNums.length;
  }

  /** L = sum pn^2, the number of tokens of all scales. */
  public int L() {
    int l = 0;
    for (int pn : patchNums) l += pn * pn;
    return l;
  }

  /** pn_0^2, the tokens of the first scale (the start token(s) of VAR). */
  public int firstL() {
    return patchNums[0] * patchNums[0];
  }

  /** Token offsets: {@code [0, pn_0^2, pn_0^2+pn_1^2, ..., L]} (K+1 entries); scale si is [begin(si), end(si)). */
  public int[] beginEnds() {
    int[] be = new int[patchNums.length + 1];
    for (int i = 0; i < patchNums.length; i++) be[i + 1] = be[i] + patchNums[i] * patchNums[i];
    return be;
  }

  public int begin(int si) {
    return beginEnds()[si];
  }

  public int end(int si) {
    return beginEnds()[si + 1];
  }

  /** The latent side H = W = pn_{K-1}. */
  public int latentSide() {
    return patchNums[patchNums.length - 1];
  }

  /** Number of Phi convolutions (0 when |quantResi| <= 1e-6: all Phi are the identity). */
  public int numPhi() {
    if (phiIsIdentity()) return 0;
    return shareQuantResi == 0 ? K() : shareQuantResi;
  }

  /** True when |quantResi| <= 1e-6 (official: nn.Identity instead of Phi). */
  public boolean phiIsIdentity() {
    return Math.abs(quantResi) <= 1e-6;
  }

  /** Which Phi serves each scale ({@link PhiIndex#forScales}). */
  public int[] phiIndex() {
    return PhiIndex.forScales(K(), shareQuantResi);
  }

  /**
   * Checks that the last patch number equals the VAE latent side.
   *
   * @throws IllegalArgumentException "patchNums must end at the VAE latent size 8, got [1, 2, 4]"
   */
  public void checkLatentSide(int side) {
    if (latentSide() != side) {
      throw new IllegalArgumentException("patchNums must end at the VAE latent size " + side + ", got "
          + Arrays.toString(patchNums));
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QuantizerConfig q && q.vocabSize == vocabSize && q.cvae == cvae
        && Arrays.equals(q.patchNums, patchNums) && Double.compare(q.beta, beta) == 0
        && Double.compare(q.quantResi, quantResi) == 0 && q.shareQuantResi == shareQuantResi;
  }

  @Override
  public int hashCode() {
    return ((vocabSize * 31 + cvae) * 31 + Arrays.hashCode(patchNums)) * 31 + Double.hashCode(beta) * 7
        + Double.hashCode(quantResi) * 3 + shareQuantResi;
  }

  @Override
  public String toString() {
    return "QuantizerConfig[vocabSize=" + vocabSize + ", cvae=" + cvae + ", patchNums=" + Arrays.toString(patchNums)
        + ", beta=" + beta + ", quantResi=" + quantResi + ", shareQuantResi=" + shareQuantResi + "]";
  }
}
