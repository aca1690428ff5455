package io.github.var4j.train;

import io.github.var4j.util.Require;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * Hyper-parameters of tokenizer (multi-scale VQ-VAE) training. The official VAR repository ships no
 * tokenizer training code; this recipe follows the paper's loss (reconstruction + VQ loss, optional
 * PatchGAN) at small scale.
 *
 * @param batchSize images per step
 * @param steps total optimisation steps
 * @param lr peak learning rate (AdamW)
 * @param warmupSteps linear warm-up from 0.01 lr to lr; then cosine decay to {@code 0.1 * lr}
 * @param weightDecay decoupled weight decay for conv/linear weights (norms, biases and the
 *     codebook: none)
 * @param l1Weight weight of the L1 reconstruction loss
 * @param l2Weight weight of the L2 (MSE) reconstruction loss
 * @param vqWeight weight of the VQ loss (codebook + 0.25 commitment, averaged over scales)
 * @param perceptualWeight weight of the {@link PerceptualLoss} (features of the frozen classifier);
 *     0 leaves the classifier out of the graph
 * @param ganWeight weight of the generator's hinge loss; 0 disables the discriminator entirely
 * @param ganStartStep step at which the discriminator is switched on (after a warm-up of pure
 *     reconstruction)
 * @param ganAdaptive scale the generator loss as VQGAN does: ganWeight × ‖∇_W L_nll‖ / (‖∇_W L_gan‖
 *     + 1e-4), clamped to [0, 1e4], where W is the decoder's last layer ({@code
 *     decoder.conv_out.weight}) and L_nll the reconstruction plus perceptual loss; false uses
 *     ganWeight as a fixed weight
 * @param deadCodeEvery every this many steps, codes unused since the last check are re-initialised
 *     to random encoder features (0 disables; a var4j addition against codebook collapse on small
 *     data)
 * @param checkpointEvery steps between checkpoints (written to a temp prefix, then renamed)
 * @param logEvery steps between progress lines
 * @param seed seed of initialisation and data order
 */
@RecordBuilder
public record TokenizerTrainConfig(
    int batchSize,
    long steps,
    double lr,
    long warmupSteps,
    double weightDecay,
    double l1Weight,
    double l2Weight,
    double vqWeight,
    double perceptualWeight,
    double ganWeight,
    long ganStartStep,
    boolean ganAdaptive,
    long deadCodeEvery,
    long checkpointEvery,
    long logEvery,
    long seed)
    implements TokenizerTrainConfigBuilder.With {

  public TokenizerTrainConfig {
    Require.atLeast("batchSize", batchSize, 1);
    Require.atLeast("steps", steps, 1);
    Require.positive("lr", lr);
    Require.atLeast("warmupSteps", warmupSteps, 0);
    if (l1Weight < 0 || l2Weight < 0 || l1Weight + l2Weight == 0) {
      throw new IllegalArgumentException(
          "reconstruction weights must be >= 0 and not both 0, got l1="
              + l1Weight
              + " l2="
              + l2Weight);
    }
    if (vqWeight < 0 || ganWeight < 0 || perceptualWeight < 0) {
      throw new IllegalArgumentException(
          "loss weights must be >= 0, got vq="
              + vqWeight
              + " perceptual="
              + perceptualWeight
              + " gan="
              + ganWeight);
    }
    Require.atLeast("ganStartStep", ganStartStep, 0);
    if (checkpointEvery < 1 || logEvery < 1) {
      throw new IllegalArgumentException("checkpointEvery and logEvery must be >= 1");
    }
  }

  /**
   * The Fashion-MNIST recipe of the first default tokenizer: 3000 steps of 64 images (3.2 epochs),
   * lr 1e-3, L1 + L2, no perceptual loss, no GAN. {@link TokenizerRecipe} adds the other losses.
   */
  public static TokenizerTrainConfig fashionMnistDefault() {
    return new TokenizerTrainConfig(
        64, 3000, 1e-3, 200, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 1000, false, 100, 500, 50, 0);
  }

  /** A few steps, for tests and quick notebook runs. */
  public static TokenizerTrainConfig quick(long steps) {
    return new TokenizerTrainConfig(
        16,
        steps,
        1e-3,
        Math.min(10, steps / 2),
        0.0,
        1.0,
        1.0,
        1.0,
        0.0,
        0.0,
        steps,
        false,
        0,
        Math.max(1, steps),
        Math.max(1, steps / 5),
        0);
  }

  /** The PatchGAN with a fixed ({@code adaptive} false) or VQGAN-adaptive generator weight. */
  public TokenizerTrainConfig withGan(double weight, long startStep, boolean adaptive) {
    return toBuilder().ganWeight(weight).ganStartStep(startStep).ganAdaptive(adaptive).build();
  }

  public TokenizerTrainConfig withPerceptual(double weight) {
    return toBuilder().perceptualWeight(weight).build();
  }

  /** Learning rate at step {@code it} (0-based): linear warm-up, then cosine to 10% of the peak. */
  public double lrAt(long it) {
    if (it < warmupSteps) return lr * (0.01 + 0.99 * it / (double) warmupSteps);
    double p =
        steps - warmupSteps <= 1 ? 1 : (it - warmupSteps) / (double) (steps - 1 - warmupSteps);
    p = Math.min(1, Math.max(0, p));
    return lr * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * p)));
  }

  public boolean ganEnabled() {
    return ganWeight > 0;
  }

  public boolean perceptualEnabled() {
    return perceptualWeight > 0;
  }

  /**
   * The loss recipe as one token (e.g. {@code l1_1.0+l2_1.0+vq_1.0+perc_1.0+gan_0.8a_1000}: an
   * adaptive GAN weight 0.8 from step 1000; {@code gan_0.0} without a GAN), recorded in the resume
   * state so that a run directory is not continued with other losses.
   */
  public String lossRecipe() {
    return "l1_"
        + l1Weight
        + "+l2_"
        + l2Weight
        + "+vq_"
        + vqWeight
        + "+perc_"
        + perceptualWeight
        + "+gan_"
        + ganWeight
        + (ganEnabled() ? (ganAdaptive ? "a_" : "_") + ganStartStep : "");
  }

  // ---- builder and withers: generated by record-builder ({@code TokenizerTrainConfigBuilder},
  // {@code TokenizerTrainConfigBuilder.With}) ----

  /**
   * A builder with no component set yet (unset components are 0, false or null, which the canonical
   * constructor then judges); start from {@link #toBuilder} to change only a few.
   */
  public static TokenizerTrainConfigBuilder builder() {
    return TokenizerTrainConfigBuilder.builder();
  }

  /** A builder holding this configuration's components, e.g. {@code c.toBuilder().x(v).build()}. */
  public TokenizerTrainConfigBuilder toBuilder() {
    return TokenizerTrainConfigBuilder.builder(this);
  }
}
