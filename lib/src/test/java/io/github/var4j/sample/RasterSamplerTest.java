package io.github.var4j.sample;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.nn.GraphRuntime;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.StateDict;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.testutil.TinyFixture;
import io.github.var4j.transformer.TokenOrder;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.transformer.VarModel;
import io.github.var4j.vae.VqVaeConfig;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The raster-order baseline's sampler: token-by-token decoding with a variable KV cache, on the
 * fixture's configuration reduced to its last scale (a single-scale tokenizer with the fixture's
 * weights, a randomly initialised raster model).
 */
class RasterSamplerTest {
  private static final TinyFixture T = TinyFixture.get();
  private static final int B = T.B(), STEPS = T.lastL(), NC = T.numClasses();
  private static final ScaleSchedule ONE = ScaleSchedule.of(T.schedule().latentSide());
  private static final VarConfig CFG =
      T.varConfig().withPatchNums(ONE).withOrder(TokenOrder.RASTER);
  private static final VqVaeConfig VAE = T.vqVaeConfig().withPatchNums(ONE);

  /** A seeded random state dict of the raster model. */
  private static StateDict randomWeights(long seed) {
    try (GraphRuntime rt = new GraphRuntime()) {
      ParamStore ps = new ParamStore(rt.tf());
      new VarModel(ps, CFG);
      ps.initialize(rt.session(), seed);
      return ps.stateDict(rt.session());
    }
  }

  @Test
  void generatesPnSquaredTokensOneAtATimeDeterministically() {
    SampleOptions o = new SampleOptions(T.cfg(), 8, 0.9, false, 11, false);
    try (RasterSampler r =
        RasterSampler.load(CFG, randomWeights(3), VAE, TinyFixture.vaeParams(), B)) {
      assertEquals(STEPS, r.steps());
      assertEquals(STEPS, r.numSteps());
      int[] labels = T.labels();
      labels[B - 1] = NC; // the last image unconditional
      float[] a = r.images(labels, o), b = r.images(labels, o);
      float[] c = r.images(labels, o.withSeed(12));
      assertEquals(B * T.imageSize() * T.imageSize() * TinyFixture.imageChannels(), a.length);
      assertArrayEquals(a, b, 0f);
      assertFalse(Arrays.equals(a, c), "another seed gives other images");
      for (float v : a) assertTrue(v >= 0 && v <= 1);
      // any number of images: runs of B, the last one padded; the first run is the same
      int[] more = Arrays.copyOf(labels, B + 1);
      float[] m = r.images(more, o);
      assertEquals((B + 1) * a.length / B, m.length);
      assertArrayEquals(a, Arrays.copyOf(m, a.length), 0f);
      assertEquals(
          "expected " + B + " labels, got " + (B + 1),
          assertThrows(IllegalArgumentException.class, () -> r.sampleTokens(more, o)).getMessage());
      int[] bad = new int[B];
      bad[B - 1] = NC + 1;
      assertEquals(
          "label " + (NC + 1) + " is outside [0, " + NC + "]",
          assertThrows(IllegalArgumentException.class, () -> r.images(bad, o)).getMessage());
    }
  }

  @Test
  void refusesNextScaleModelsAndViceVersa() {
    assertEquals(
        "RasterSampler needs a raster-order model, got order NEXT_SCALE: use VarSampler",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    RasterSampler.load(
                        T.varConfig(),
                        TinyFixture.varParams(),
                        T.vqVaeConfig(),
                        TinyFixture.vaeParams(),
                        B))
            .getMessage());
    assertEquals(
        "VarSampler needs a next-scale model, got order RASTER: use RasterSampler",
        assertThrows(
                IllegalArgumentException.class,
                () -> VarSampler.randomVar(CFG, 1, VAE, TinyFixture.vaeParams()))
            .getMessage());
    assertEquals(
        "a raster-order model reads one token map: patchNums must have one scale, got "
            + T.schedule(),
        assertThrows(
                IllegalArgumentException.class, () -> T.varConfig().withOrder(TokenOrder.RASTER))
            .getMessage());
  }

  /**
   * Greedy decoding through the variable cache equals the training forward ({@link
   * VarModel#forward}: causal mask, teacher-forcing input E[previous token]) recomputed over the
   * whole prefix at every step without a cache: the cache writes, reads and position masking, and
   * the inputs, are those the model was trained with.
   */
  @Test
  void cachedStepsEqualTheTrainingForwardRecomputedWithoutCache() {
    StateDict sd = randomWeights(5);
    int[] labels = T.labels();
    int[] cached;
    try (RasterSampler r = RasterSampler.load(CFG, sd, VAE, TinyFixture.vaeParams(), B)) {
      cached = r.sampleTokens(labels, SampleOptions.greedy(T.cfg()));
    }
    assertArrayEquals(greedyWithoutCache(sd, labels, T.cfg()), cached);
    assertTrue(Arrays.stream(cached).distinct().count() > 1, "not a constant token map");
  }

  private static int[] greedyWithoutCache(StateDict sd, int[] labels, double cfg) {
    int cv = CFG.cvae();
    try (GraphRuntime rt = new GraphRuntime()) {
      Ops tf = rt.tf();
      ParamStore ps = new ParamStore(tf);
      VarModel m = new VarModel(ps, CFG);
      Placeholder<TFloat32> x =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(2 * B, STEPS - 1, cv)));
      int[] l2 = new int[2 * B]; // the labels, then B null classes
      System.arraycopy(labels, 0, l2, 0, B);
      Arrays.fill(l2, B, 2 * B, NC);
      Operand<TFloat32> logits = m.forward(tf.constant(l2), x, false, false).logitsBLV();
      var halves = tf.split(tf.constant(0), logits, 2L).output();
      Operand<TFloat32> guided =
          tf.math.sub(
              tf.math.mul(halves.get(0), tf.constant((float) (1 + cfg))),
              tf.math.mul(halves.get(1), tf.constant((float) cfg)));
      Operand<TInt32> arg = tf.math.argMax(guided, tf.constant(-1), TInt32.class); // (B, STEPS)
      ps.load(rt.session(), sd);
      float[] e = TinyFixture.vaeParams().get("quantize.embedding.weight").data();
      int[] tokens = new int[B * STEPS];
      for (int p = 0; p < STEPS; p++) {
        float[] xs = new float[2 * B * (STEPS - 1) * cv]; // E[token i-1] at input i; unconditional
        for (int row = 0; row < 2 * B; row++) {
          int b = row % B;
          for (int i = 0; i < STEPS - 1; i++) {
            System.arraycopy(e, tokens[b * STEPS + i] * cv, xs, (row * (STEPS - 1) + i) * cv, cv);
          }
        }
        try (GraphRuntime.Outputs r = rt.run().feed(x, xs, 2 * B, STEPS - 1, cv).fetch(arg).run()) {
          int[] a = r.ints(0);
          for (int b = 0; b < B; b++) tokens[b * STEPS + p] = a[b * STEPS + p];
        }
      }
      return tokens;
    }
  }
}
