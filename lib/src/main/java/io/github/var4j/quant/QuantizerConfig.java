package io.github.var4j.quant;

import io.github.var4j.scale.ScaleSchedule;

/**
 * Configuration of the multi-scale residual quantizer (official {@code VectorQuantizer2}).
 *
 * @param vocabSize V, codebook size (official 4096), >= 2
 * @param cvae Cvae, latent channels (official 32), >= 1
 * @param patchNums the scale schedule pn_0 < ... < pn_{K-1}; the last side equals the VAE latent
 *     side (official 256px: {@link ScaleSchedule#px256()})
 * @param beta commitment weight of the VQ loss (official 0.25), finite and >= 0
 * @param quantResi r of Phi(h) = (1-r) h + r conv(h) (official 0.5); the official code uses |r|,
 *     and |r| <= 1e-6 makes every Phi the identity (no parameters); must satisfy |r| <= 1
 * @param shareQuantResi number of Phi convolutions: 0 = one per scale (K, PhiNonShared), 1 = one
 *     shared (PhiShared), n >= 2 = n partially shared (PhiPartiallyShared; official 4); see {@link
 *     PhiIndex}
 */
public record QuantizerConfig(
    int vocabSize,
    int cvae,
    ScaleSchedule patchNums,
    double beta,
    double quantResi,
    int shareQuantResi) {

  /** Validates with messages that name the problem. */
  public QuantizerConfig {
    if (patchNums == null) throw new IllegalArgumentException("patchNums must not be null");
    if (vocabSize < 2)
      throw new IllegalArgumentException("vocabSize must be >= 2, got " + vocabSize);
    if (cvae < 1) throw new IllegalArgumentException("cvae must be >= 1, got " + cvae);
    if (!Double.isFinite(beta) || beta < 0)
      throw new IllegalArgumentException("beta must be finite and >= 0, got " + beta);
    if (!(Math.abs(quantResi) <= 1))
      throw new IllegalArgumentException("quantResi must be in [-1, 1], got " + quantResi);
    if (shareQuantResi < 0) {
      throw new IllegalArgumentException(
          "shareQuantResi must be >= 0 (0 = one Phi per scale, 1 = one shared Phi, "
              + "n = n partially shared Phis), got "
              + shareQuantResi);
    }
  }

  /**
   * The official VQVAE quantizer: V=4096, Cvae=32, beta 0.25, quant_resi 0.5, share_quant_resi 4.
   */
  public static QuantizerConfig official(ScaleSchedule patchNums) {
    return new QuantizerConfig(4096, 32, patchNums, 0.25, 0.5, 4);
  }

  /** Number of Phi convolutions (0 when |quantResi| <= 1e-6: all Phi are the identity). */
  public int numPhi() {
    if (phiIsIdentity()) return 0;
    return shareQuantResi == 0 ? patchNums.K() : shareQuantResi;
  }

  /** True when |quantResi| <= 1e-6 (official: nn.Identity instead of Phi). */
  public boolean phiIsIdentity() {
    return Math.abs(quantResi) <= 1e-6;
  }

  /** Which Phi serves each scale ({@link PhiIndex#forScales}). */
  public int[] phiIndex() {
    return PhiIndex.forScales(patchNums.K(), shareQuantResi);
  }
}
