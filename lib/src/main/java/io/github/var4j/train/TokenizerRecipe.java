package io.github.var4j.train;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The tokenizer loss recipes of the recipe comparison ({@code tokenizer-recipes}), each a change of
 * a base {@link TokenizerTrainConfig} (same data, steps, schedule and seed):
 *
 * <ul>
 *   <li>{@code l1-l2}: L1 + L2 + VQ, the first default;
 *   <li>{@code perceptual}: + the {@link PerceptualLoss}, weight {@value #PERCEPTUAL_WEIGHT};
 *   <li>{@code gan}: + the PatchGAN hinge loss with VQGAN's adaptive weight, disc weight {@value
 *       #GAN_WEIGHT} (taming's ImageNet setting), switched on after the base's {@code ganStartStep}
 *       steps of reconstruction only (the warm-up);
 *   <li>{@code both}: perceptual + GAN.
 * </ul>
 */
public enum TokenizerRecipe {
  L1_L2(0, 0),
  PERCEPTUAL(TokenizerRecipe.PERCEPTUAL_WEIGHT, 0),
  GAN(0, TokenizerRecipe.GAN_WEIGHT),
  BOTH(TokenizerRecipe.PERCEPTUAL_WEIGHT, TokenizerRecipe.GAN_WEIGHT);

  /** Weight of the perceptual loss (LPIPS's, as taming uses it). */
  public static final double PERCEPTUAL_WEIGHT = 1.0;

  /** Generator-loss weight before the adaptive factor (taming's {@code disc_weight}). */
  public static final double GAN_WEIGHT = 0.8;

  private final double perceptual;
  private final double gan;

  TokenizerRecipe(double perceptual, double gan) {
    this.perceptual = perceptual;
    this.gan = gan;
  }

  /** The recipe's name on the command line and in result files, e.g. {@code l1-l2}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** A short human label, e.g. "L1 + L2 + perceptual + GAN". */
  public String label() {
    return switch (this) {
      case L1_L2 -> "L1 + L2";
      case PERCEPTUAL -> "L1 + L2 + perceptual";
      case GAN -> "L1 + L2 + GAN";
      case BOTH -> "L1 + L2 + perceptual + GAN";
    };
  }

  public boolean usesPerceptual() {
    return perceptual > 0;
  }

  public boolean usesGan() {
    return gan > 0;
  }

  /** {@code base} with this recipe's perceptual and GAN weights (GAN adaptive, base's start). */
  public TokenizerTrainConfig apply(TokenizerTrainConfig base) {
    return base.withPerceptual(perceptual).withGan(gan, base.ganStartStep(), gan > 0);
  }

  /**
   * The recipe named {@code id}.
   *
   * @throws IllegalArgumentException naming the known recipes
   */
  public static TokenizerRecipe of(String id) {
    for (TokenizerRecipe r : values()) if (r.id().equals(id)) return r;
    throw new IllegalArgumentException(
        "unknown tokenizer recipe '"
            + id
            + "'; known: "
            + Arrays.stream(values()).map(TokenizerRecipe::id).collect(Collectors.joining(", ")));
  }
}
