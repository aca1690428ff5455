package io.github.var4j.sample;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.nn.GraphRuntime;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.StateDict;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.testutil.Fixtures;
import io.github.var4j.testutil.NearTies;
import io.github.var4j.testutil.TinyFixture;
import io.github.var4j.transformer.TokenOrder;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.transformer.VarModel;
import io.github.var4j.vae.VqVaeConfig;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

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
    return randomWeights(CFG, seed);
  }

  /** A seeded random state dict of a raster model of configuration {@code cfg}. */
  private static StateDict randomWeights(VarConfig cfg, long seed) {
    try (GraphRuntime rt = new GraphRuntime()) {
      ParamStore ps = new ParamStore(rt.tf());
      new VarModel(ps, cfg);
      ps.initialize(rt.session(), seed);
      return ps.stateDict(rt.session());
    }
  }

  @Test
  void generatesPnSquaredTokensOneAtATimeDeterministically() {
    SampleOptions o =
        SampleOptions.builder()
            .cfg(T.cfg())
            .topK(8)
            .topP(0.9)
            .moreSmooth(false)
            .seed(11)
            .greedy(false)
            .build();
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
      // the tokens without decoding: the same draws as sampleTokens. Exact on any CPU: both runs
      // execute the same token-producing nodes on the same shapes; they differ only in fetching
      // the decoded images too, which lie downstream of the tokens, so no kernel choice or fusion
      // of the nodes that draw can differ between them.
      java.util.List<int[]> maps = r.sampleTokenMaps(labels, o);
      assertEquals(1, maps.size());
      assertArrayEquals(r.sampleTokens(labels, o), maps.get(0));
      assertEquals(B * STEPS, maps.get(0).length);
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
   * VarModel#forward}: causal mask, teacher-forcing input E[previous token]) computed without a
   * cache: the cache writes, reads and position masking, and the inputs, are those the model was
   * trained with.
   *
   * <p>The uncached forward is teacher-forced with the cached run's tokens (one pass; the causal
   * mask makes step p see the tokens before p only), so the two compute every step's guided logits
   * from the same prefix: they must agree within {@code 16·notes.fp32_vs_fp64_maxabs.var_logits}
   * (two float32 evaluations of a model of the fixture's sizes that sum in different orders, each
   * allowed 8 times the generator's measured float32 error; see VarSamplerTest). A token is then
   * checked where it is decisive: it must be the uncached argmax, or within twice that tolerance of
   * its maximum (a near-tie, {@link NearTies}). The model has the official initialisation except an
   * unscaled head and AdaLN gamma 0.5 instead of 1e-5, so the blocks (and with them the cache)
   * shape the logits, and top-2 margins are of order 0.1 rather than the 1e-5 of the official init.
   * With {@code randomOrder} (RAR) the model has its second position embedding, which sampling in
   * raster order must add as the training forward in raster order does.
   */
  @ParameterizedTest(name = "randomOrder {0}")
  @ValueSource(booleans = {false, true})
  void cachedStepsEqualTheTrainingForwardRecomputedWithoutCache(boolean randomOrder) {
    VarConfig cfg = CFG.withInitHead(-1).withInitAdaLNGamma(0.5).withRandomOrder(randomOrder);
    StateDict sd = randomWeights(cfg, 5);
    int[] labels = T.labels();
    double tol = 16 * TinyFixture.fp32VsFp64("var_logits");
    int v = cfg.vocabSize(), nearTies = 0;
    RasterSampler.Trace cached;
    try (RasterSampler r = RasterSampler.load(cfg, sd, VAE, TinyFixture.vaeParams(), B)) {
      cached = r.trace(labels, SampleOptions.greedy(T.cfg()));
      // sampleTokens makes the same decisions, up to near-ties: the traced run also fetches every
      // step's guided logits, so grappler may fuse their producers otherwise than in a run that
      // does not fetch them, and the logits may round differently
      int[] plain = r.sampleTokens(labels, SampleOptions.greedy(T.cfg()));
      for (int b = 0; b < B; b++) {
        for (int p = 0; p < STEPS; p++) {
          int row = b * STEPS + p;
          if (plain[row] == cached.tokens()[row]) continue;
          float[] x = Arrays.copyOfRange(cached.guidedLogits(), row * v, (row + 1) * v);
          assertTrue(
              NearTies.reachableGreedy(x, plain[row], tol),
              "image " + b + ", step " + p + ": sampleTokens and trace differ, not a near-tie");
          break; // later steps of this image have another prefix
        }
      }
    }
    float[] full = guidedWithoutCache(cfg, sd, labels, T.cfg(), cached.tokens());
    double d = Fixtures.assertClose(full, cached.guidedLogits(), tol, 0, "cached vs uncached");
    double minGap = Double.POSITIVE_INFINITY, maxAbs = 0;
    for (int row = 0; row < B * STEPS; row++) {
      float[] x = Arrays.copyOfRange(full, row * v, (row + 1) * v);
      int best = 0, second = -1;
      for (int j = 1; j < v; j++) if (x[j] > x[best]) best = j;
      for (int j = 0; j < v; j++) if (j != best && (second < 0 || x[j] > x[second])) second = j;
      for (float y : x) maxAbs = Math.max(maxAbs, Math.abs(y));
      minGap = Math.min(minGap, x[best] - x[second]);
      int tok = cached.tokens()[row];
      if (tok == best) continue;
      assertTrue(
          NearTies.reachableGreedy(x, tok, tol),
          "image "
              + row / STEPS
              + ", step "
              + row % STEPS
              + ": cached token "
              + tok
              + " is no near-tie of the uncached argmax "
              + best);
      nearTies++;
    }
    System.out.printf(
        "cached vs uncached guided logits max|diff| %.3e (tolerance %.3e, max|logit| %.3g);"
            + " smallest top-2 gap %.3g; %d near-tie(s)%n",
        d, tol, maxAbs, minGap, nearTies);
    assertTrue(Arrays.stream(cached.tokens()).distinct().count() > 1, "not a constant token map");
  }

  /**
   * The guided logits (B, STEPS, V) of the uncached forward, teacher-forced with {@code tokens} (B,
   * STEPS): input i is E[token i-1].
   */
  private static float[] guidedWithoutCache(
      VarConfig cfg, StateDict sd, int[] labels, double cfgScale, int[] tokens) {
    int cv = cfg.cvae();
    try (GraphRuntime rt = new GraphRuntime()) {
      Ops tf = rt.tf();
      ParamStore ps = new ParamStore(tf);
      VarModel m = new VarModel(ps, cfg);
      Placeholder<TFloat32> x =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(2 * B, STEPS - 1, cv)));
      int[] l2 = new int[2 * B]; // the labels, then B null classes
      System.arraycopy(labels, 0, l2, 0, B);
      Arrays.fill(l2, B, 2 * B, NC);
      Operand<TFloat32> logits = m.forward(tf.constant(l2), x, false, false).logitsBLV();
      var halves = tf.split(tf.constant(0), logits, 2L).output();
      Operand<TFloat32> guided =
          tf.math.sub(
              tf.math.mul(halves.get(0), tf.constant((float) (1 + cfgScale))),
              tf.math.mul(halves.get(1), tf.constant((float) cfgScale)));
      ps.load(rt.session(), sd);
      float[] e = TinyFixture.vaeParams().get("quantize.embedding.weight").data();
      float[] xs = new float[2 * B * (STEPS - 1) * cv]; // E[token i-1] at input i; unconditional
      for (int row = 0; row < 2 * B; row++) {
        int b = row % B;
        for (int i = 0; i < STEPS - 1; i++)
          System.arraycopy(e, tokens[b * STEPS + i] * cv, xs, (row * (STEPS - 1) + i) * cv, cv);
      }
      try (GraphRuntime.Outputs r =
          rt.run().feed(x, xs, 2 * B, STEPS - 1, cv).fetch(guided).run()) {
        return r.floats(0);
      }
    }
  }
}
