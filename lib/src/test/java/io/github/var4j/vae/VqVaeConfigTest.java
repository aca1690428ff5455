package io.github.var4j.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.var4j.scale.ScaleSchedule;
import org.junit.jupiter.api.Test;

class VqVaeConfigTest {

  /**
   * RGB, ch 32, chMult (1, 2), 1 res block, Cvae 8, V 64, patch numbers (1, 2, 3, 4), beta 0.25,
   * quant_resi 0.5, 4 shared Phis, 8 px (a 4x4 latent).
   */
  private static VqVaeConfigBuilder small() {
    return VqVaeConfig.builder()
        .inChannels(3)
        .ch(32)
        .chMult(new int[] {1, 2})
        .numResBlocks(1)
        .zChannels(8)
        .vocabSize(64)
        .patchNums(ScaleSchedule.of(1, 2, 3, 4))
        .beta(0.25)
        .quantResi(0.5)
        .shareQuantResi(4)
        .imageSize(8);
  }

  @Test
  void officialPresetDerivedValues() {
    VqVaeConfig c = VqVaeConfig.official();
    assertEquals(16, c.downsample());
    assertEquals(16, c.latentSide());
    assertEquals(10, c.patchNums().K());
    assertEquals(680, c.patchNums().L());
    assertEquals(5, c.numLevels());
    assertEquals(640, c.levelChannels(4));
    assertEquals(3, c.inChannels());
    assertEquals(32, c.quantizerConfig().cvae());
    assertEquals(4096, c.quantizerConfig().vocabSize());
  }

  @Test
  void fashionMnistPreset() {
    VqVaeConfig c = VqVaeConfig.fashionMnistDefault();
    assertEquals(1, c.inChannels());
    assertEquals(32, c.imageSize());
    assertEquals(4, c.downsample());
    assertEquals(8, c.latentSide());
    assertEquals(7, c.patchNums().K());
    assertEquals(1 + 4 + 9 + 16 + 25 + 36 + 64, c.patchNums().L());
  }

  @Test
  void channelCountMustBeAMultipleOf32() {
    var e = assertThrows(IllegalArgumentException.class, () -> small().ch(48).build());
    assertEquals(
        "ch = 48 is not a multiple of 32: every VAE channel count (ch * chMult[i]) feeds a GroupNorm with 32"
            + " groups",
        e.getMessage());
  }

  @Test
  void imageSizeMustBeDivisibleByTheDownsampling() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                VqVaeConfig.builder()
                    .inChannels(1)
                    .ch(32)
                    .chMult(new int[] {1, 2, 2})
                    .numResBlocks(1)
                    .zChannels(16)
                    .vocabSize(512)
                    .patchNums(ScaleSchedule.of(1, 2, 3, 4, 5, 6, 8))
                    .beta(0.25)
                    .quantResi(0.5)
                    .shareQuantResi(4)
                    .imageSize(30)
                    .build());
    assertEquals(
        "imageSize 30 is not divisible by the VAE's downsampling factor 4 (2^(3 levels - 1))",
        e.getMessage());
  }

  @Test
  void patchNumsMustEndAtTheLatentSide() {
    // 32 px / 4 = 8x8 latent, but the schedule ends at 4
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                VqVaeConfig.builder()
                    .inChannels(1)
                    .ch(32)
                    .chMult(new int[] {1, 2, 2})
                    .numResBlocks(1)
                    .zChannels(16)
                    .vocabSize(512)
                    .patchNums(ScaleSchedule.of(1, 2, 3, 4))
                    .beta(0.25)
                    .quantResi(0.5)
                    .shareQuantResi(4)
                    .imageSize(32)
                    .build());
    assertEquals("patchNums must end at the VAE latent size 8, got [1, 2, 3, 4]", e.getMessage());
  }

  @Test
  void otherArgumentsAreChecked() {
    assertEquals(
        "inChannels must be 1 (grey) or 3 (RGB), got 2",
        assertThrows(IllegalArgumentException.class, () -> small().inChannels(2).build())
            .getMessage());
    assertEquals(
        "chMult entries must be positive, got [1, 0]",
        assertThrows(IllegalArgumentException.class, () -> small().chMult(new int[] {1, 0}).build())
            .getMessage());
    assertEquals(
        "numResBlocks must be positive, got 0",
        assertThrows(IllegalArgumentException.class, () -> small().numResBlocks(0).build())
            .getMessage());
    assertEquals(
        "chMult must not be empty",
        assertThrows(IllegalArgumentException.class, () -> small().chMult(new int[0]).build())
            .getMessage());
  }

  @Test
  void arraysAreCopiedAndEqualityIsByValue() {
    int[] mult = {1, 2};
    VqVaeConfig c = small().chMult(mult).build();
    mult[1] = 4;
    c.chMult()[0] = 7;
    assertArrayEquals(new int[] {1, 2}, c.chMult());
    VqVaeConfig same = small().build();
    assertEquals(same, c);
    assertEquals(same.hashCode(), c.hashCode());
    assertNotEquals(VqVaeConfig.official(), c);
    assertTrue(c.toString().contains("chMult=[1, 2]"), c.toString());
  }
}
