package io.github.var4j.train;

import io.github.var4j.util.RecordBuilders;

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
    long seed) {

  public TokenizerTrainConfig {
    if (batchSize < 1)
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
    if (!(lr > 0)) throw new IllegalArgumentException("lr must be positive, got " + lr);
    if (warmupSteps < 0)
      throw new IllegalArgumentException("warmupSteps must be >= 0, got " + warmupSteps);
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
    if (ganStartStep < 0)
      throw new IllegalArgumentException("ganStartStep must be >= 0, got " + ganStartStep);
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

  public TokenizerTrainConfig withSteps(long s) {
    return toBuilder().steps(s).build();
  }

  public TokenizerTrainConfig withBatchSize(int b) {
    return toBuilder().batchSize(b).build();
  }

  /** The PatchGAN with a fixed ({@code adaptive} false) or VQGAN-adaptive generator weight. */
  public TokenizerTrainConfig withGan(double weight, long startStep, boolean adaptive) {
    return toBuilder().ganWeight(weight).ganStartStep(startStep).ganAdaptive(adaptive).build();
  }

  public TokenizerTrainConfig withPerceptual(double weight) {
    return toBuilder().perceptualWeight(weight).build();
  }

  public TokenizerTrainConfig withCheckpointEvery(long every) {
    return toBuilder().checkpointEvery(every).build();
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
        .batchSize(batchSize)
        .steps(steps)
        .lr(lr)
        .warmupSteps(warmupSteps)
        .weightDecay(weightDecay)
        .l1Weight(l1Weight)
        .l2Weight(l2Weight)
        .vqWeight(vqWeight)
        .perceptualWeight(perceptualWeight)
        .ganWeight(ganWeight)
        .ganStartStep(ganStartStep)
        .ganAdaptive(ganAdaptive)
        .deadCodeEvery(deadCodeEvery)
        .checkpointEvery(checkpointEvery)
        .logEvery(logEvery)
        .seed(seed);
  }

  /**
   * Builds a {@link TokenizerTrainConfig} one named component at a time (see the record's
   * components for their meaning). {@link #build} runs the canonical constructor, so a bad value
   * fails there, with the record's own message; a component that was never set fails with {@link
   * IllegalStateException}.
   */
  public static final class Builder {
    private int batchSize;
    private long steps;
    private double lr;
    private long warmupSteps;
    private double weightDecay;
    private double l1Weight;
    private double l2Weight;
    private double vqWeight;
    private double perceptualWeight;
    private double ganWeight;
    private long ganStartStep;
    private boolean ganAdaptive;
    private long deadCodeEvery;
    private long checkpointEvery;
    private long logEvery;
    private long seed;
    private int unset = (1 << 16) - 1; // bit i: component i not given yet

    private Builder() {}

    public Builder batchSize(int v) {
      batchSize = v;
      return given(0);
    }

    public Builder steps(long v) {
      steps = v;
      return given(1);
    }

    public Builder lr(double v) {
      lr = v;
      return given(2);
    }

    public Builder warmupSteps(long v) {
      warmupSteps = v;
      return given(3);
    }

    public Builder weightDecay(double v) {
      weightDecay = v;
      return given(4);
    }

    public Builder l1Weight(double v) {
      l1Weight = v;
      return given(5);
    }

    public Builder l2Weight(double v) {
      l2Weight = v;
      return given(6);
    }

    public Builder vqWeight(double v) {
      vqWeight = v;
      return given(7);
    }

    public Builder perceptualWeight(double v) {
      perceptualWeight = v;
      return given(8);
    }

    public Builder ganWeight(double v) {
      ganWeight = v;
      return given(9);
    }

    public Builder ganStartStep(long v) {
      ganStartStep = v;
      return given(10);
    }

    public Builder ganAdaptive(boolean v) {
      ganAdaptive = v;
      return given(11);
    }

    public Builder deadCodeEvery(long v) {
      deadCodeEvery = v;
      return given(12);
    }

    public Builder checkpointEvery(long v) {
      checkpointEvery = v;
      return given(13);
    }

    public Builder logEvery(long v) {
      logEvery = v;
      return given(14);
    }

    public Builder seed(long v) {
      seed = v;
      return given(15);
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
    public TokenizerTrainConfig build() {
      RecordBuilders.requireAll(TokenizerTrainConfig.class, unset);
      return new TokenizerTrainConfig(
          batchSize,
          steps,
          lr,
          warmupSteps,
          weightDecay,
          l1Weight,
          l2Weight,
          vqWeight,
          perceptualWeight,
          ganWeight,
          ganStartStep,
          ganAdaptive,
          deadCodeEvery,
          checkpointEvery,
          logEvery,
          seed);
    }
  }
}
