package io.github.var4j.train;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class TokenizerRecipeTest {
  @Test
  void idsRoundTripAndUnknownIsNamed() {
    for (TokenizerRecipe r : TokenizerRecipe.values()) assertEquals(r, TokenizerRecipe.of(r.id()));
    assertEquals("l1-l2", TokenizerRecipe.L1_L2.id());
    var e = assertThrows(IllegalArgumentException.class, () -> TokenizerRecipe.of("lpips"));
    assertEquals(
        "unknown tokenizer recipe 'lpips'; known: l1-l2, perceptual, gan, both", e.getMessage());
  }

  @Test
  void applyChangesOnlyTheLossWeights() {
    TokenizerTrainConfig base = TokenizerTrainConfig.fashionMnistDefault();
    assertEquals(base, TokenizerRecipe.L1_L2.apply(base));
    TokenizerTrainConfig both = TokenizerRecipe.BOTH.apply(base);
    assertEquals(TokenizerRecipe.PERCEPTUAL_WEIGHT, both.perceptualWeight());
    assertEquals(TokenizerRecipe.GAN_WEIGHT, both.ganWeight());
    assertTrue(both.ganAdaptive());
    assertEquals(base.ganStartStep(), both.ganStartStep());
    assertEquals(base, TokenizerRecipe.PERCEPTUAL.apply(both).withPerceptual(0));
    assertEquals("l1_1.0+l2_1.0+vq_1.0+perc_1.0+gan_0.8a_1000", both.lossRecipe());
    assertFalse(TokenizerRecipe.GAN.usesPerceptual());
    assertTrue(TokenizerRecipe.GAN.usesGan());
  }

  @Test
  void negativeWeightsAreRejected() {
    TokenizerTrainConfig base = TokenizerTrainConfig.fashionMnistDefault();
    var e = assertThrows(IllegalArgumentException.class, () -> base.withPerceptual(-1));
    assertEquals("loss weights must be >= 0, got vq=1.0 perceptual=-1.0 gan=0.0", e.getMessage());
  }
}
