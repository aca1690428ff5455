package io.github.var4j.sample;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.Sessions;
import io.github.var4j.nn.Tensors;
import io.github.var4j.testutil.TinyFixture;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.transformer.VarModel;
import io.github.var4j.vae.VqVae;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** The raster-order benchmark baseline: token-by-token decoding with a variable KV cache. */
class RasterBaselineTest {
  private static final TinyFixture T = TinyFixture.get();

  /**
   * Batch (the fixture B), tokens of the last scale (one decoding step each), classes (= null class
   * label).
   */
  private static final int B = T.B(), STEPS = T.lastL(), NC = T.numClasses();

  @Test
  void generatesPnSquaredTokensOneAtATimeDeterministically() {
    SampleOptions o = new SampleOptions(T.cfg(), 8, 0.9, false, 0, false);
    try (RasterBaseline r =
        new RasterBaseline(
            T.varConfig(),
            TinyFixture.varParams(),
            T.vqVaeConfig(),
            TinyFixture.vaeParams(),
            B,
            o)) {
      assertEquals(STEPS, r.steps());
      int[] labels = T.labels();
      labels[B - 1] = NC; // the last image unconditional
      float[] a = r.sample(labels, 11), b = r.sample(labels, 11), c = r.sample(labels, 12);
      assertEquals(B * T.imageSize() * T.imageSize() * TinyFixture.imageChannels(), a.length);
      assertArrayEquals(a, b, 0f);
      assertFalse(java.util.Arrays.equals(a, c), "another seed gives other images");
      for (float v : a) assertTrue(v >= 0 && v <= 1);
      assertEquals(
          "expected " + B + " labels, got " + (B + 1),
          assertThrows(IllegalArgumentException.class, () -> r.sample(new int[B + 1], 0))
              .getMessage());
      int[] bad = new int[B];
      bad[B - 1] = NC + 1;
      assertEquals(
          "label " + (NC + 1) + " is outside [0, " + NC + "]",
          assertThrows(IllegalArgumentException.class, () -> r.sample(bad, 0)).getMessage());
    }
  }

  /**
   * Greedy decoding through the variable cache equals recomputing the whole prefix with a causal
   * mask at every step (no cache): the cache writes, reads and position masking are right.
   */
  @Test
  void cachedStepsEqualFullCausalRecomputation() {
    int[] labels = T.labels();
    int[] cached;
    try (RasterBaseline r =
        new RasterBaseline(
            T.varConfig(),
            TinyFixture.varParams(),
            T.vqVaeConfig(),
            TinyFixture.vaeParams(),
            B,
            SampleOptions.greedy(T.cfg()))) {
      cached = r.sampleTokens(labels, 0);
    }
    int[] full = greedyWithoutCache(labels, T.cfg());
    assertArrayEquals(full, cached);
    assertTrue(java.util.Arrays.stream(cached).distinct().count() > 1, "not a constant token map");
  }

  private static int[] greedyWithoutCache(int[] labels, double cfg) {
    VarConfig vc = T.varConfig();
    int C = vc.embedDim(), V = vc.vocabSize(), cv = vc.cvae(), K = vc.patchNums().K();
    try (Graph g = new Graph();
        Session s = Sessions.create(g)) {
      Ops tf = Ops.create(g);
      ParamStore varPs = new ParamStore(tf, "var."), vaePs = new ParamStore(tf, "vae.");
      VarModel m = new VarModel(varPs, vc);
      VqVae vae = new VqVae(vaePs, T.vqVaeConfig());
      KvCachedVar kv = new KvCachedVar(m);
      Placeholder<TInt32> tok = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(B, STEPS)));
      int[] l2 = new int[2 * B]; // the labels, then B null classes
      System.arraycopy(labels, 0, l2, 0, B);
      java.util.Arrays.fill(l2, B, 2 * B, vc.numClasses());
      Operand<TFloat32> cond = m.classEmbedding(tf.constant(l2));
      Operand<TFloat32> lvlPos = m.lvlPos1LC();
      Operand<TFloat32> pos =
          tf.slice(
              lvlPos,
              tf.constant(new int[] {0, vc.patchNums().begin(K - 1), 0}),
              tf.constant(new int[] {1, STEPS, C})); // (1, STEPS, C)
      Operand<TFloat32> sos =
          tf.math.add(tf.expandDims(cond, tf.constant(1)), varPs.get("pos_start")); // (2B, 1, C)
      // inputs 1..STEPS-1 embed tokens 0..STEPS-2
      Operand<TInt32> prev =
          tf.slice(tok, tf.constant(new int[] {0, 0}), tf.constant(new int[] {B, STEPS - 1}));
      // (B, STEPS-1, C)
      Operand<TFloat32> emb =
          m.wordEmbed(tf.gather(vae.quantizer().codebook(), prev, tf.constant(0)));
      Operand<TFloat32> x =
          tf.math.add(
              tf.concat(List.of(sos, tf.concat(List.of(emb, emb), tf.constant(0))), tf.constant(1)),
              pos); // (2B, STEPS, C)
      float[] causal = new float[STEPS * STEPS];
      for (int q = 0; q < STEPS; q++)
        for (int k = q + 1; k < STEPS; k++) causal[q * STEPS + k] = Float.NEGATIVE_INFINITY;
      Operand<TFloat32> bias =
          tf.constant(
              Shape.of(1, 1, STEPS, STEPS),
              org.tensorflow.ndarray.buffer.DataBuffers.of(causal, true, false));
      // (2B, STEPS, V)
      Operand<TFloat32> logits =
          m.logits(kv.blocks(x, m.blockCondition(cond), null, bias).xBlC(), cond);
      var halves = tf.split(tf.constant(0), logits, 2L).output();
      Operand<TFloat32> guided =
          tf.math.sub(
              tf.math.mul(halves.get(0), tf.constant((float) (1 + cfg))),
              tf.math.mul(halves.get(1), tf.constant((float) cfg)));
      Operand<TInt32> arg = tf.math.argMax(guided, tf.constant(-1), TInt32.class); // (B, STEPS)
      varPs.load(s, TinyFixture.varParams());
      vaePs.load(s, TinyFixture.vaeParams());
      int[] tokens = new int[B * STEPS];
      for (int p = 0; p < STEPS; p++) {
        try (TInt32 t = Tensors.ofInts(tokens, B, STEPS);
            Result r = s.runner().feed(tok, t).fetch(arg).run()) {
          int[] a = Tensors.ints(r.get(0));
          for (int b = 0; b < B; b++) tokens[b * STEPS + p] = a[b * STEPS + p];
        }
      }
      return tokens;
    }
  }
}
