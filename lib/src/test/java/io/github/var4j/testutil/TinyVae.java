package io.github.var4j.testutil;

import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.vae.VqVaeConfig;

/**
 * The small tokenizer configuration the training, token-cache and study tests train on synthetic
 * images (not a fixture of the official code: those come from {@link TinyFixture}).
 */
public final class TinyVae {
  private TinyVae() {}

  /**
   * A grey 16×16 tokenizer: 2 levels (2× down to an 8×8 latent), V 32, Cvae 8, patchNums 1,2,4,8 (L
   * = 85).
   */
  public static VqVaeConfig grey16() {
    return VqVaeConfig.builder()
        .inChannels(1)
        .ch(32)
        .chMult(new int[] {1, 1})
        .numResBlocks(1)
        .zChannels(8)
        .vocabSize(32)
        .patchNums(ScaleSchedule.of(1, 2, 4, 8))
        .beta(0.25)
        .quantResi(0.5)
        .shareQuantResi(4)
        .imageSize(16)
        .build();
  }
}
