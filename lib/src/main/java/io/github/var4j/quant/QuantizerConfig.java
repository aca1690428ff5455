package io.github.var4j.quant;

import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.util.RecordBuilders;

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

  // ---- builder ----

  /**
   * A builder with no component set yet; {@link Builder#build} needs every one of them (start from
   * a factory's {@link #toBuilder} to change only a few).
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration's components, e.g. {@code c.toBuilder().x(v).build()}. */
  public Builder toBuilder() {
    return new Builder()
        .vocabSize(vocabSize)
        .cvae(cvae)
        .patchNums(patchNums)
        .beta(beta)
        .quantResi(quantResi)
        .shareQuantResi(shareQuantResi);
  }

  /**
   * Builds a {@link QuantizerConfig} one named component at a time (see the record's components for
   * their meaning). {@link #build} runs the canonical constructor, so a bad value fails there, with
   * the record's own message; a component that was never set fails with {@link
   * IllegalStateException}.
   */
  public static final class Builder {
    private int vocabSize;
    private int cvae;
    private ScaleSchedule patchNums;
    private double beta;
    private double quantResi;
    private int shareQuantResi;
    private int unset = (1 << 6) - 1; // bit i: component i not given yet

    private Builder() {}

    public Builder vocabSize(int v) {
      vocabSize = v;
      return given(0);
    }

    public Builder cvae(int v) {
      cvae = v;
      return given(1);
    }

    public Builder patchNums(ScaleSchedule v) {
      patchNums = v;
      return given(2);
    }

    public Builder beta(double v) {
      beta = v;
      return given(3);
    }

    public Builder quantResi(double v) {
      quantResi = v;
      return given(4);
    }

    public Builder shareQuantResi(int v) {
      shareQuantResi = v;
      return given(5);
    }

    private Builder given(int component) {
      unset &= ~(1 << component);
      return this;
    }

    /**
     * The configuration, validated by the canonical constructor.
     *
     * @throws IllegalArgumentException the record's message for a bad value
     * @throws IllegalStateException naming the components that were never set
     */
    public QuantizerConfig build() {
      RecordBuilders.requireAll(QuantizerConfig.class, unset);
      return new QuantizerConfig(vocabSize, cvae, patchNums, beta, quantResi, shareQuantResi);
    }
  }
}
