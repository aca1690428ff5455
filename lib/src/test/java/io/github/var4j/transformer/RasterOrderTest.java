package io.github.var4j.transformer;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.io.Json;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.testutil.TinyFixture;
import org.junit.jupiter.api.Test;

/** The raster-order variant of the configuration: sequence, mask, parameters, JSON. */
class RasterOrderTest {
  private static final VarConfig NEXT = TinyFixture.get().varConfig();
  private static final int PN = NEXT.patchNums().latentSide();
  private static final VarConfig RASTER =
      NEXT.withPatchNums(ScaleSchedule.of(PN)).withOrder(TokenOrder.RASTER);

  @Test
  void oneTokenPerStepAndACausalMask() {
    int l = PN * PN;
    assertEquals(l, RASTER.L());
    assertEquals(1, RASTER.firstL());
    assertEquals(l, RASTER.numSteps());
    assertEquals(NEXT.patchNums().K(), NEXT.numSteps());
    assertEquals(NEXT.patchNums().firstL(), NEXT.firstL());
    int[] steps = RASTER.generationSteps();
    for (int i = 0; i < l; i++) assertEquals(i, steps[i]);
    assertArrayEquals(NEXT.patchNums().levels(), NEXT.generationSteps());
    float[] bias = AttentionMask.biasValues(steps);
    for (int q = 0; q < l; q++)
      for (int k = 0; k < l; k++)
        assertEquals(k <= q ? 0f : Float.NEGATIVE_INFINITY, bias[q * l + k], "q " + q + " k " + k);
  }

  @Test
  void parametersDifferFromVarOnlyInThePositionTables() {
    // same blocks, embeddings and head; pos_1LC has L rows of its own schedule, lvl_embed one
    long c = NEXT.embedDim();
    long full = NEXT.numParams();
    long diff =
        (NEXT.patchNums().L() - PN * PN) * c
            + (NEXT.patchNums().K() - 1) * c
            + (NEXT.firstL() - 1) * c;
    assertEquals(diff, full - RASTER.numParams());
  }

  @Test
  void orderIsSavedAndOldConfigurationsReadAsNextScale() throws Exception {
    String json = Json.mapper().writeValueAsString(RASTER);
    assertEquals("RASTER", Json.mapper().readTree(json).get("order").asText());
    assertEquals(RASTER, Json.mapper().readValue(json, VarConfig.class));
    assertEquals(TokenOrder.NEXT_SCALE, withNullOrder().order());
  }

  /** A configuration with order null (as Jackson passes for an explicit null) is next-scale. */
  private static VarConfig withNullOrder() {
    return NEXT.withOrder(null);
  }
}
