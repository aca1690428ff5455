package io.github.var4j.transformer;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.nn.Tensors;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.testutil.Fixtures;
import io.github.var4j.testutil.TinyFixture;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

class AttentionMaskTest {

  @Test
  void biasEqualsOfficialBufferExactly() {
    ScaleSchedule pn = TinyFixture.get().varConfig().patchNums();
    float[] bias = AttentionMask.biasValues(pn);
    Fixtures.assertMatches("var/attn_bias_for_masking.npy", bias);
    assertArrayEquals(
        Fixtures.floats("params/var/attn_bias_for_masking.npy"), bias, "state-dict buffer");
    Fixtures.assertExact(
        Fixtures.ints("var/lvl_1L.npy"),
        TinyFixture.get().varConfig().patchNums().levels(),
        "lvl_1L");
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      var c = AttentionMask.bias(Ops.create(g), pn);
      assertArrayEquals(
          Fixtures.shape("var/attn_bias_for_masking.npy"), c.shape().asArray()); // (1, 1, L, L)
      try (Result r = s.runner().fetch(c).run()) {
        Fixtures.assertMatches("var/attn_bias_for_masking.npy", Tensors.floats(r.get(0)));
      }
    }
  }

  @Test
  void booleanMaskIsBlockCausal() {
    boolean[][] a = AttentionMask.allowed(ScaleSchedule.of(1, 2, 3));
    assertEquals(14, a.length);
    // token 0 (scale 0) sees only itself; tokens of scale 1 (1..4) see 0..4; scale 2 (5..13) sees
    // all
    for (int k = 0; k < 14; k++) assertEquals(k == 0, a[0][k]);
    for (int q = 1; q < 5; q++) for (int k = 0; k < 14; k++) assertEquals(k < 5, a[q][k]);
    for (int q = 5; q < 14; q++) for (int k = 0; k < 14; k++) assertTrue(a[q][k]);
    float[] b = AttentionMask.biasValues(ScaleSchedule.of(1, 2, 3));
    for (int q = 0; q < 14; q++) {
      for (int k = 0; k < 14; k++)
        assertEquals(a[q][k] ? 0f : Float.NEGATIVE_INFINITY, b[q * 14 + k]);
    }
  }
}
