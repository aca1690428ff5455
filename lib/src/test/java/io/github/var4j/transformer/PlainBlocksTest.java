package io.github.var4j.transformer;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.nn.Param;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.Sessions;
import io.github.var4j.nn.Tensors;
import io.github.var4j.testutil.TinyFixture;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;

/**
 * The model without AdaLN ({@link VarConfig#adaLN()} false), the paper's Table 3 rows before "+
 * AdaLN": plain pre-LN blocks and head with learned LayerNorms, the class entering only through the
 * start token.
 */
class PlainBlocksTest {
  static VarConfig plain() {
    return TinyFixture.get().varConfig().withAdaLN(false);
  }

  @Test
  void registersLayerNormsInsteadOfAdaLinAndCountsItsParameters() {
    VarConfig cfg = plain();
    try (Graph g = new Graph()) {
      ParamStore ps = new ParamStore(Ops.create(g));
      new VarModel(ps, cfg);
      List<String> names = ps.trainable().stream().map(Param::name).toList();
      assertTrue(names.contains("blocks.0.ln_1.weight"), names.toString());
      assertTrue(names.contains("blocks.0.ln_2.bias"), names.toString());
      assertTrue(names.contains("head_nm.ln.weight"), names.toString());
      assertTrue(names.stream().noneMatch(n -> n.contains("ada_lin")), names.toString());
      assertEquals(cfg.numParams(), ps.numTrainable());
    }
    // the AdaLN model has 6C² + 6C per block and 2C² + 2C in head_nm instead of 4C and 2C
    long c = cfg.embedDim(), d = cfg.depth();
    assertEquals(
        d * (6 * c * c + 6 * c - 4 * c) + 2 * c * c,
        cfg.withAdaLN(true).numParams() - cfg.numParams());
    assertEquals(0, Flops.perImageMacs(cfg));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> cfg.withSharedAdaLN(true));
    assertEquals("sharedAdaLN needs adaLN: a shared AdaLN is still an AdaLN", e.getMessage());
    assertTrue(cfg.describe().endsWith(", no AdaLN"), cfg.describe());
  }

  /**
   * The class reaches the model only through the start token: two labels give different logits, and
   * the same logits, bit for bit, once their rows of the class embedding are made equal (the blocks
   * and the head ignore the condition; cond dropout is off here).
   */
  @Test
  void theConditionEntersOnlyThroughTheStartToken() {
    VarConfig cfg = plain();
    int n = 2, l = cfg.patchNums().L() - cfg.patchNums().firstL();
    float[] x = new float[n * l * cfg.cvae()];
    for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i * 0.37);
    try (Graph g = new Graph();
        Session s = Sessions.create(g)) {
      Ops tf = Ops.create(g);
      ParamStore ps = new ParamStore(tf);
      VarModel m = new VarModel(ps, cfg);
      var xs = tf.constant(Shape.of(n, l, cfg.cvae()), DataBuffers.of(x, true, false));
      VarModel.Forward a = m.forward(tf.constant(new int[] {0, 0}), xs, false, false);
      VarModel.Forward b = m.forward(tf.constant(new int[] {1, 1}), xs, false, false);
      ps.initialize(s, 5);
      float[] la, lb;
      try (Result r = s.runner().fetch(a.logitsBLV()).fetch(b.logitsBLV()).run()) {
        la = Tensors.floats(r.get(0));
        lb = Tensors.floats(r.get(1));
      }
      assertFalse(java.util.Arrays.equals(la, lb), "different classes, different start tokens");
      // make class 1's embedding equal to class 0's: then nothing else depends on the label
      float[] table = ps.stateDict(s).get("class_emb.weight").data().clone();
      int c = cfg.embedDim();
      System.arraycopy(table, 0, table, c, c);
      var sd = ps.stateDict(s);
      sd.put(
          "class_emb.weight",
          new io.github.var4j.nn.HostTensor(sd.get("class_emb.weight").shape(), table));
      ps.load(s, sd);
      try (Result r = s.runner().fetch(a.logitsBLV()).fetch(b.logitsBLV()).run()) {
        assertArrayEquals(Tensors.floats(r.get(0)), Tensors.floats(r.get(1)));
      }
    }
  }

  /** The samplers take a model without AdaLN as they are: images of the right shape, in [0, 1]. */
  @Test
  void samplesWithoutAdaLN() {
    TinyFixture fx = TinyFixture.get();
    try (io.github.var4j.sample.VarSampler s =
        io.github.var4j.sample.VarSampler.randomVar(
            plain(), 3, fx.vqVaeConfig(), TinyFixture.vaeParams())) {
      io.github.var4j.sample.SampleResult r =
          s.sample(new int[] {0, 1}, io.github.var4j.sample.SampleOptions.defaults());
      int side = fx.vqVaeConfig().imageSize();
      assertEquals(2 * side * side * fx.vqVaeConfig().inChannels(), r.images().length);
      for (float v : r.images()) assertTrue(v >= 0 && v <= 1, "pixel " + v);
    }
  }
}
