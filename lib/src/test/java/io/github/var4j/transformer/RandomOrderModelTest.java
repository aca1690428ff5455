package io.github.var4j.transformer;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.io.Json;
import io.github.var4j.nn.GraphRuntime;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.testutil.TinyFixture;
import io.github.var4j.train.RandomOrder;
import io.github.var4j.train.VarTrainGraph;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The RAR variant of the raster model ({@link VarConfig#randomOrder}): its second position
 * embedding, the block input of a permuted order, and its configuration.
 */
class RandomOrderModelTest {
  private static final VarConfig NEXT = TinyFixture.get().varConfig();
  private static final int PN = NEXT.patchNums().latentSide(), L = PN * PN;
  private static final VarConfig RASTER =
      NEXT.withPatchNums(ScaleSchedule.of(PN)).withOrder(TokenOrder.RASTER);
  private static final VarConfig RAR = RASTER.withRandomOrder(true);

  @Test
  void oneMorePositionTableAndTheFlagIsSavedAndOldConfigurationsReadWithoutIt() throws Exception {
    assertEquals((long) L * RAR.embedDim(), RAR.numParams() - RASTER.numParams());
    assertEquals(RASTER.nonEmbeddingParams(), RAR.nonEmbeddingParams());
    String json = Json.mapper().writeValueAsString(RAR);
    assertTrue(Json.mapper().readTree(json).get("randomOrder").asBoolean());
    assertEquals(RAR, Json.mapper().readValue(json, VarConfig.class));
    assertEquals(RASTER, RASTER.withRandomOrder(null));
    assertEquals(
        "randomOrder (RAR) needs the raster order: it trains a raster model on permuted orders",
        assertThrows(IllegalArgumentException.class, () -> NEXT.withRandomOrder(true))
            .getMessage());
    try (GraphRuntime rt = new GraphRuntime()) {
      ParamStore ps = new ParamStore(rt.tf());
      new VarModel(ps, RAR);
      assertEquals(RAR.numParams(), ps.numTrainable());
      assertNotNull(ps.get("input_pos_1LC"));
    }
  }

  /**
   * The block input of order π: slot i holds word_embed(x_i) + pos_1LC[π(i)] + input_pos_1LC[π(i -
   * 1)] (+ lvl_embed), so against the raster order on the same x it differs by exactly the two
   * tables' rows moved: pos_1LC[π(i)] - pos_1LC[i] + input_pos_1LC[π(i-1)] - input_pos_1LC[i-1]
   * (slot 0 only by the first). The raster order fed explicitly equals no order at all, which is
   * what the sampler adds.
   */
  @Test
  void aPermutedOrderMovesBothPositionTablesAndTheRasterOrderIsTheDefault() {
    int cv = RAR.cvae(), c = RAR.embedDim(), b = 2;
    int[] order = new RandomOrder(10, 5).orders(0, b, L); // ratio 1: both rows shuffled
    int[] raster = new int[b * L];
    for (int k = 0; k < raster.length; k++) raster[k] = k % L;
    try (GraphRuntime rt = new GraphRuntime()) {
      Ops tf = rt.tf();
      ParamStore ps = new ParamStore(tf);
      VarModel m = new VarModel(ps, RAR);
      Placeholder<TFloat32> x =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(b, L - 1, cv)));
      Placeholder<TInt32> o = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(b, L)));
      Operand<TInt32> labels = tf.constant(new int[] {0, 1});
      Operand<TFloat32> ordered = m.forward(labels, x, null, null, o).x0BLC();
      Operand<TFloat32> plain = m.forward(labels, x, null, null).x0BLC();
      ps.initialize(rt.session(), 3);
      float[] xs = new float[b * (L - 1) * cv];
      for (int k = 0; k < xs.length; k++) xs[k] = (float) Math.cos(k);
      float[] permuted, fedRaster, none, pos, in;
      try (GraphRuntime.Outputs r =
          rt.run()
              .feed(x, xs, b, L - 1, cv)
              .feed(o, order, b, L)
              .fetch(ordered, plain, ps.get("pos_1LC"), ps.get("input_pos_1LC"))
              .run()) {
        permuted = r.floats(0);
        none = r.floats(1);
        pos = r.floats(2);
        in = r.floats(3);
      }
      try (GraphRuntime.Outputs r =
          rt.run().feed(x, xs, b, L - 1, cv).feed(o, raster, b, L).fetch(ordered).run()) {
        fedRaster = r.floats(0);
      }
      assertArrayEquals(none, fedRaster, 1e-6f);
      for (int row = 0; row < b; row++) {
        for (int i = 0; i < L; i++) {
          int p = order[row * L + i], q = i == 0 ? -1 : order[row * L + i - 1];
          for (int ch = 0; ch < c; ch++) {
            double expected = pos[p * c + ch] - pos[i * c + ch];
            if (i > 0) expected += in[q * c + ch] - in[(i - 1) * c + ch];
            int k = (row * L + i) * c + ch;
            assertEquals(expected, permuted[k] - none[k], 1e-5, "image " + row + ", slot " + i);
          }
        }
      }
    }
  }

  @Test
  void onlyARandomOrderModelTakesAnOrder() {
    try (VarTrainGraph g = new VarTrainGraph(RASTER, VarTrainGraph.Options.official())) {
      int[] labels = {0};
      VarTrainGraph.Batch batch =
          new VarTrainGraph.Batch(
              labels, new float[(L - 1) * RASTER.cvae()], new int[L], new int[L]);
      assertEquals(
          "a batch with a token order needs a randomOrder (RAR) model: " + RASTER.describe(),
          assertThrows(IllegalArgumentException.class, () -> g.evaluate(batch)).getMessage());
    }
  }
}
