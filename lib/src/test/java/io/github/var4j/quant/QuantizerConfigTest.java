package io.github.var4j.quant;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.scale.ScaleSchedule;
import org.junit.jupiter.api.Test;

class QuantizerConfigTest {
  private static String msg(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
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
    QuantizerConfig tiny = new QuantizerConfig(64, 8, ScaleSchedule.of(1, 2, 3, 4), 0.25, 0.5, 4);
    assertEquals(30, tiny.patchNums().L());
    assertArrayEquals(new int[] {0, 1, 5, 14, 30}, tiny.patchNums().offsets());
    assertEquals(tiny, new QuantizerConfig(64, 8, ScaleSchedule.of(1, 2, 3, 4), 0.25, 0.5, 4));
    assertEquals(10, new QuantizerConfig(64, 8, ScaleSchedule.px256(), 0.25, 0.5, 0).numPhi());
    assertEquals(1, new QuantizerConfig(64, 8, ScaleSchedule.px256(), 0.25, 0.5, 1).numPhi());
    assertEquals(0, new QuantizerConfig(64, 8, ScaleSchedule.px256(), 0.25, 0.0, 4).numPhi());
    // defensive copies
    int[] pn = {1, 2};
    QuantizerConfig d = new QuantizerConfig(2, 1, ScaleSchedule.of(pn), 0, 0.5, 4);
    pn[1] = 1;
    d.patchNums().toArray()[0] = 7;
    assertArrayEquals(new int[] {1, 2}, d.patchNums().toArray());
  }

  @Test
  void badInputNamesTheProblem() {
    assertEquals(
        "patchNums must be strictly increasing, got [1, 3, 2]",
        msg(() -> new QuantizerConfig(64, 8, ScaleSchedule.of(1, 3, 2), 0.25, 0.5, 4)));
    assertEquals(
        "patchNums must be strictly increasing, got [1, 2, 2]",
        msg(() -> new QuantizerConfig(64, 8, ScaleSchedule.of(1, 2, 2), 0.25, 0.5, 4)));
    assertEquals(
        "patchNums must start at >= 1, got [0, 1, 2]",
        msg(() -> new QuantizerConfig(64, 8, ScaleSchedule.of(0, 1, 2), 0.25, 0.5, 4)));
    assertEquals(
        "patchNums must not be empty",
        msg(() -> new QuantizerConfig(64, 8, ScaleSchedule.of(), 0.25, 0.5, 4)));
    assertEquals(
        "vocabSize must be >= 2, got 1",
        msg(() -> new QuantizerConfig(1, 8, ScaleSchedule.of(1, 2), 0.25, 0.5, 4)));
    assertEquals(
        "cvae must be >= 1, got 0",
        msg(() -> new QuantizerConfig(64, 0, ScaleSchedule.of(1, 2), 0.25, 0.5, 4)));
    assertEquals(
        "beta must be finite and >= 0, got -1.0",
        msg(() -> new QuantizerConfig(64, 8, ScaleSchedule.of(1, 2), -1, 0.5, 4)));
    assertEquals(
        "quantResi must be in [-1, 1], got 1.5",
        msg(() -> new QuantizerConfig(64, 8, ScaleSchedule.of(1, 2), 0.25, 1.5, 4)));
    assertTrue(
        msg(() -> new QuantizerConfig(64, 8, ScaleSchedule.of(1, 2), 0.25, 0.5, -1))
            .startsWith("shareQuantResi must be >= 0"));
    QuantizerConfig c = new QuantizerConfig(64, 8, ScaleSchedule.of(1, 2, 4), 0.25, 0.5, 4);
    assertEquals(
        "patchNums must end at the VAE latent size 8, got [1, 2, 4]",
        msg(() -> c.patchNums().checkLatentSide(8)));
    c.patchNums().checkLatentSide(4);
  }
}
