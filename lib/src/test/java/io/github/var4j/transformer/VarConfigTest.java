package io.github.var4j.transformer;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.testutil.Fixtures;
import io.github.var4j.testutil.TinyFixture;
import org.junit.jupiter.api.Test;

class VarConfigTest {

  @Test
  void oneKnobRuleAndDerivedQuantities() {
    VarConfig c = VarConfig.ofDepth(16, 4096, 32, 1000, ScaleSchedule.px256());
    assertEquals(1024, c.embedDim());
    assertEquals(16, c.numHeads());
    assertEquals(64, c.headDim());
    assertEquals(4096, c.hiddenDim());
    assertEquals(0.1 * 16 / 24, c.dropPathRate());
    assertEquals(1e-6, c.normEps());
    assertEquals(0.1, c.condDropRate());
    assertTrue(c.attnL2Norm());
    assertFalse(c.sharedAdaLN());
    assertEquals(0.5, c.initAdaLN());
    assertEquals(1e-5, c.initAdaLNGamma());
    assertEquals(0.02, c.initHead());
    assertEquals(Math.sqrt(1.0 / 3072), c.resolvedInitStd());
    assertEquals(10, c.patchNums().K());
    assertEquals(680, c.patchNums().L());
    assertEquals(1, c.patchNums().firstL());
    assertEquals(256, c.patchNums().lastL());
    assertEquals(0, c.patchNums().begin(0));
    assertEquals(1, c.patchNums().end(0));
    assertEquals(424, c.patchNums().begin(9));
    assertEquals(680, c.patchNums().end(9));
    int[] lvl = c.patchNums().levels();
    assertEquals(680, lvl.length);
    assertEquals(9, lvl[679]);
    assertEquals(8, lvl[423]);
    // quant10/lvl_1L_real: the official lvl_1L of the fixtures' real schedule
    Fixtures.assertExact(
        Fixtures.ints("quant10/lvl_1L_real.npy"),
        c.withPatchNums(ScaleSchedule.of(TinyFixture.quant10PatchNums())).patchNums().levels(),
        "lvl_1L (quant10 schedule)");
    assertEquals(2240, c.withPatchNums(ScaleSchedule.px512()).patchNums().L());
  }

  @Test
  void paramCountsOfTheModelZoo() {
    assertEquals(
        310_283_520L, VarConfig.ofDepth(16, 4096, 32, 1000, ScaleSchedule.px256()).numParams());
    assertEquals(
        600_917_136L, VarConfig.ofDepth(20, 4096, 32, 1000, ScaleSchedule.px256()).numParams());
    assertEquals(
        1_033_399_360L, VarConfig.ofDepth(24, 4096, 32, 1000, ScaleSchedule.px256()).numParams());
    assertEquals(
        2_010_020_356L, VarConfig.ofDepth(30, 4096, 32, 1000, ScaleSchedule.px256()).numParams());
  }

  @Test
  void dropPathRatesFollowFloat32Linspace() {
    VarConfig c = VarConfig.ofDepth(16, 4096, 32, 1000, ScaleSchedule.px256());
    double[] r = c.dropPathRates();
    assertEquals(0.0, r[0]);
    assertEquals((float) (0.1 * 16 / 24), (float) r[15]);
    for (int i = 1; i < 16; i++) assertTrue(r[i] > r[i - 1]);
    assertArrayEquals(
        new double[] {0.0}, VarConfig.ofDepth(1, 8, 4, 2, ScaleSchedule.of(1, 2)).dropPathRates());
  }

  @Test
  void hiddenDimRoundsHalfToEvenLikePython() {
    VarConfig c = TinyFixture.get().varConfig().withNumHeads(1).withEmbedDim(2);
    assertEquals(2, c.withMlpRatio(1.25).hiddenDim()); // round(2.5) = 2
    assertEquals(4, c.withMlpRatio(1.75).hiddenDim()); // round(3.5) = 4
  }

  @Test
  void validationMessagesNameTheProblem() {
    VarConfig t = TinyFixture.get().varConfig();
    int c = t.embedDim();
    assertEquals(
        "embedDim must be divisible by numHeads, got embedDim=" + c + ", numHeads=" + (c + 1),
        assertThrows(IllegalArgumentException.class, () -> t.withNumHeads(c + 1)).getMessage());
    assertEquals(
        "patchNums must be strictly increasing, got [1, 3, 2]",
        assertThrows(
                IllegalArgumentException.class, () -> t.withPatchNums(ScaleSchedule.of(1, 3, 2)))
            .getMessage());
    assertEquals(
        "patchNums must start at >= 1, got [0, 1]",
        assertThrows(IllegalArgumentException.class, () -> t.withPatchNums(ScaleSchedule.of(0, 1)))
            .getMessage());
    assertEquals(
        "patchNums must not be empty",
        assertThrows(IllegalArgumentException.class, () -> t.withPatchNums(ScaleSchedule.of()))
            .getMessage());
    assertEquals(
        "depth must be positive, got 0",
        assertThrows(
                IllegalArgumentException.class,
                () -> VarConfig.ofDepth(0, 64, 8, 10, ScaleSchedule.of(1, 2)))
            .getMessage());
    assertEquals(
        "vocabSize must be positive, got 0",
        assertThrows(IllegalArgumentException.class, () -> t.withVocabSize(0)).getMessage());
    assertEquals(
        "numClasses must be positive, got -1",
        assertThrows(IllegalArgumentException.class, () -> t.withNumClasses(-1)).getMessage());
    assertEquals(
        "dropPathRate must be in [0, 1), got 1.0",
        assertThrows(IllegalArgumentException.class, () -> t.withDropPathRate(1.0)).getMessage());
    assertEquals(
        "condDropRate must be in [0, 1], got 1.5",
        assertThrows(IllegalArgumentException.class, () -> t.withCondDropRate(1.5)).getMessage());
    assertEquals(
        "mlpRatio must be positive, got 0.0",
        assertThrows(IllegalArgumentException.class, () -> t.withMlpRatio(0)).getMessage());
    assertEquals(
        "normEps must be positive, got 0.0",
        assertThrows(IllegalArgumentException.class, () -> t.withNormEps(0)).getMessage());
    assertEquals(
        "initStd must be positive (or negative for sqrt(1/(3C))), got 0.0",
        assertThrows(IllegalArgumentException.class, () -> t.withInitStd(0)).getMessage());
    assertEquals(
        "initHead must be finite, got NaN",
        assertThrows(IllegalArgumentException.class, () -> t.withInitHead(Double.NaN))
            .getMessage());
  }

  @Test
  void valueSemanticsAndDefensiveCopies() {
    int[] pn = {1, 2, 3, 4};
    VarConfig a = VarConfig.ofDepth(2, 64, 8, 10, ScaleSchedule.of(pn)).withEmbedDim(64);
    pn[0] = 9; // the schedule keeps its own copy
    VarConfig b =
        a.withEmbedDim(a.embedDim()); // a new record with equal values (and its own arrays)
    assertEquals(b, a);
    assertEquals(b.hashCode(), a.hashCode());
    a.patchNums().toArray()[1] = 7;
    assertArrayEquals(new int[] {1, 2, 3, 4}, a.patchNums().toArray());
    assertNotEquals(a, a.withSharedAdaLN(true));
    assertTrue(a.toString().contains("patchNums=[1, 2, 3, 4]"));
  }
}
