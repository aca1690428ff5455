package io.github.var4j.quant;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.scale.ScaleSchedule;
import org.junit.jupiter.api.Test;

class QuantizerConfigTest {
  private static String msg(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  /** V 64, Cvae 8, beta 0.25, quant_resi 0.5, 4 shared Phis and the given schedule. */
  private static QuantizerConfigBuilder tiny(ScaleSchedule patchNums) {
    return QuantizerConfig.builder()
        .vocabSize(64)
        .cvae(8)
        .patchNums(patchNums)
        .beta(0.25)
        .quantResi(0.5)
        .shareQuantResi(4);
  }

  @Test
  void derivedSizes() {
    QuantizerConfig c = QuantizerConfig.official(ScaleSchedule.px256());
    assertEquals(10, c.patchNums().K());
    assertEquals(680, c.patchNums().L());
    assertEquals(1, c.patchNums().firstL());
    assertEquals(16, c.patchNums().latentSide());
    assertEquals(4096, c.vocabSize());
    assertEquals(32, c.cvae());
    assertEquals(0.25, c.beta());
    assertEquals(0.5, c.quantResi());
    assertEquals(4, c.shareQuantResi());
    assertEquals(4, c.numPhi());
    assertArrayEquals(
        new int[] {0, 1, 5, 14, 30, 55, 91, 155, 255, 424, 680}, c.patchNums().offsets());
    assertEquals(424, c.patchNums().begin(9));
    assertEquals(680, c.patchNums().end(9));
    assertEquals(2240, QuantizerConfig.official(ScaleSchedule.px512()).patchNums().L());
    QuantizerConfig tiny = tiny(ScaleSchedule.of(1, 2, 3, 4)).build();
    assertEquals(30, tiny.patchNums().L());
    assertArrayEquals(new int[] {0, 1, 5, 14, 30}, tiny.patchNums().offsets());
    assertEquals(tiny, tiny(ScaleSchedule.of(1, 2, 3, 4)).build());
    assertEquals(10, tiny(ScaleSchedule.px256()).shareQuantResi(0).build().numPhi());
    assertEquals(1, tiny(ScaleSchedule.px256()).shareQuantResi(1).build().numPhi());
    assertEquals(0, tiny(ScaleSchedule.px256()).quantResi(0.0).build().numPhi());
    // defensive copies
    int[] pn = {1, 2};
    QuantizerConfig d = tiny(ScaleSchedule.of(pn)).vocabSize(2).cvae(1).beta(0).build();
    pn[1] = 1;
    d.patchNums().toArray()[0] = 7;
    assertArrayEquals(new int[] {1, 2}, d.patchNums().toArray());
  }

  @Test
  void badInputNamesTheProblem() {
    assertEquals(
        "patchNums must be strictly increasing, got [1, 3, 2]",
        msg(() -> tiny(ScaleSchedule.of(1, 3, 2)).build()));
    assertEquals(
        "patchNums must be strictly increasing, got [1, 2, 2]",
        msg(() -> tiny(ScaleSchedule.of(1, 2, 2)).build()));
    assertEquals(
        "patchNums must start at >= 1, got [0, 1, 2]",
        msg(() -> tiny(ScaleSchedule.of(0, 1, 2)).build()));
    assertEquals("patchNums must not be empty", msg(() -> tiny(ScaleSchedule.of()).build()));
    assertEquals(
        "vocabSize must be >= 2, got 1",
        msg(() -> tiny(ScaleSchedule.of(1, 2)).vocabSize(1).build()));
    assertEquals(
        "cvae must be >= 1, got 0", msg(() -> tiny(ScaleSchedule.of(1, 2)).cvae(0).build()));
    assertEquals(
        "beta must be finite and >= 0, got -1.0",
        msg(() -> tiny(ScaleSchedule.of(1, 2)).beta(-1).build()));
    assertEquals(
        "quantResi must be in [-1, 1], got 1.5",
        msg(() -> tiny(ScaleSchedule.of(1, 2)).quantResi(1.5).build()));
    assertTrue(
        msg(() -> tiny(ScaleSchedule.of(1, 2)).shareQuantResi(-1).build())
            .startsWith("shareQuantResi must be >= 0"));
    QuantizerConfig c = tiny(ScaleSchedule.of(1, 2, 4)).build();
    assertEquals(
        "patchNums must end at the VAE latent size 8, got [1, 2, 4]",
        msg(() -> c.patchNums().checkLatentSide(8)));
    c.patchNums().checkLatentSide(4);
  }
}
