package io.github.var4j.sample;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.Sessions;
import io.github.var4j.nn.Tensors;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.testutil.Fixtures;
import io.github.var4j.testutil.TinyFixture;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.transformer.VarModel;
import io.github.var4j.vae.VqVaeConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;

/**
 * {@link VarSampler} on the fixtures' tiny VAR and tiny VQ-VAE ({@link TinyFixture}): greedy replay
 * of the official {@code autoregressive_infer_cfg} (infer/), teacher forcing through the KV cache,
 * sampling statistics, determinism and input checks.
 */
class VarSamplerTest {
  private static final TinyFixture T = TinyFixture.get();
  private static final int B = T.B(), K = T.K(), V = T.V(), NC = T.numClasses();
  private static final int[] PNS = T.patchNums();
  private static VarSampler sampler;

  @BeforeAll
  static void build() {
    sampler =
        VarSampler.load(
            T.varConfig(), TinyFixture.varParams(), T.vqVaeConfig(), TinyFixture.vaeParams());
  }

  @AfterAll
  static void close() {
    sampler.close();
  }

  private static float[] nhwc(String file) {
    return Fixtures.nchwToNhwc(Fixtures.npy(file));
  }

  @Test
  void greedyReplayMatchesOfficialInferenceAtEveryScale() {
    int[] labels = TinyFixture.labelFile();
    assertArrayEquals(T.labels(), labels, "var/label_B vs tiny_config.labels");
    VarSampler.Trace tr = sampler.trace(labels, SampleOptions.greedy(T.cfg()));
    SampleResult r = tr.result();
    double maxTok = 0, maxLogit = 0, maxCfg = 0, maxFHat = 0, maxArea = 0;
    for (int si = 0; si < PNS.length; si++) {
      VarSampler.ScaleTrace s = tr.scales().get(si);
      String p = "infer/s" + si + "_";
      maxTok = Math.max(maxTok, Fixtures.assertMatches(p + "token_map_in.npy", s.tokenMapIn()));
      maxLogit = Math.max(maxLogit, Fixtures.assertMatches(p + "logits_2B.npy", s.logits2B()));
      maxCfg = Math.max(maxCfg, Fixtures.assertMatches(p + "logits_cfg.npy", s.logitsCfg()));
      Fixtures.assertExact(Fixtures.ints(p + "idx.npy"), r.tokens().get(si), p + "idx.npy");
      maxFHat =
          Math.max(
              maxFHat,
              Fixtures.assertClose(
                  nhwc(p + "f_hat.npy"),
                  r.fHat().get(si),
                  Fixtures.tol(p + "f_hat.npy"),
                  p + "f_hat.npy"));
      if (si < PNS.length - 1) {
        maxArea =
            Math.max(
                maxArea,
                Fixtures.assertClose(
                    nhwc(p + "next_area.npy"),
                    s.nextArea(),
                    Fixtures.tol(p + "next_area.npy"),
                    p + "next_area.npy"));
      } else {
        assertNull(s.nextArea());
      }
    }
    double dImg =
        Fixtures.assertClose(
            nhwc("infer/img_B3HW_01.npy"),
            r.images(),
            Fixtures.tol("infer/img_B3HW_01.npy"),
            "infer/img_B3HW_01.npy");
    System.out.printf(
        "infer replay max|diff|: token_map_in %.2e, logits_2B %.2e, logits_cfg %.2e, f_hat %.2e, "
            + "next_area %.2e, image %.2e; idx exact at all %d scales%n",
        maxTok, maxLogit, maxCfg, maxFHat, maxArea, dImg, PNS.length);
    // sample() gives the same as the traced run
    SampleResult again = sampler.sample(labels, SampleOptions.greedy(T.cfg()));
    assertArrayEquals(r.images(), again.images(), 0f);
  }

  @Test
  void teacherForcingThroughTheCacheEqualsForwardLogits() {
    int[] labels = TinyFixture.labelFile();
    int[] gtBL = TinyFixture.targets(); // (B, L)
    List<int[]> gt = splitScales(gtBL);
    VarSampler.Trace tr =
        sampler.traceEdited(labels, gt, Masks.all(T.latentSide()), SampleOptions.greedy(T.cfg()));
    // conditional half of logits_2B, scale by scale, assembled to (B, L, V)
    int L = T.L();
    float[] logits = new float[B * L * V];
    int cur = 0;
    for (int si = 0; si < PNS.length; si++) {
      int l = PNS[si] * PNS[si];
      float[] s = tr.scales().get(si).logits2B(); // (2B, l, V)
      for (int b = 0; b < B; b++) System.arraycopy(s, b * l * V, logits, (b * L + cur) * V, l * V);
      Fixtures.assertExact(
          gt.get(si), tr.result().tokens().get(si), "forced tokens of scale " + si);
      cur += l;
    }
    double dFix = Fixtures.assertMatches("var/logits_BLV.npy", logits);
    float[] fwd = forwardLogits(labels);
    double dFwd = Fixtures.assertClose(fwd, logits, 1e-5, 1e-5, "cached vs VarModel.forward");
    System.out.printf(
        "teacher forcing via cache: max|diff| vs var/logits_BLV %.2e, vs VarModel.forward %.2e%n",
        dFix, dFwd);
  }

  private static List<int[]> splitScales(int[] gtBL) {
    int L = T.L();
    List<int[]> out = new ArrayList<>();
    int cur = 0;
    for (int pn : PNS) {
      int l = pn * pn;
      int[] a = new int[B * l];
      for (int b = 0; b < B; b++) System.arraycopy(gtBL, b * L + cur, a, b * l, l);
      out.add(a);
      cur += l;
    }
    return out;
  }

  private static float[] forwardLogits(int[] labels) {
    VarConfig cfg = T.varConfig();
    try (Graph g = new Graph();
        Session s = Sessions.create(g)) {
      Ops tf = Ops.create(g);
      ParamStore ps = new ParamStore(tf);
      VarModel m = new VarModel(ps, cfg);
      var x =
          tf.constant(
              Shape.of(B, cfg.patchNums().L() - cfg.patchNums().firstL(), cfg.cvae()),
              DataBuffers.of(TinyFixture.x(), true, false));
      VarModel.Forward f = m.forward(tf.constant(labels), x, false, false);
      ps.load(s, TinyFixture.varParams());
      try (Result r = s.runner().fetch(f.logitsBLV()).run()) {
        return Tensors.floats(r.get(0));
      }
    }
  }

  @Test
  void sameSeedSameImagesDifferentSeedDifferentImages() {
    int[] labels =
        java.util.stream.IntStream.concat(
                java.util.Arrays.stream(T.labels()), java.util.stream.IntStream.of(0, NC))
            .toArray(); // the fixture labels, class 0 and the null class
    SampleOptions o = new SampleOptions(T.cfg(), 8, 0.9, false, 42, false);
    SampleResult a = sampler.sample(labels, o),
        b = sampler.sample(labels, o),
        c = sampler.sample(labels, o.withSeed(43));
    for (int si = 0; si < PNS.length; si++)
      assertArrayEquals(a.tokens().get(si), b.tokens().get(si));
    assertArrayEquals(a.images(), b.images(), 0f);
    boolean differs = false;
    for (int si = 0; si < PNS.length; si++)
      differs |= !Arrays.equals(a.tokens().get(si), c.tokens().get(si));
    assertTrue(differs, "seed 43 must give different tokens than seed 42");
    assertEquals(labels.length, a.n());
    assertArrayEquals(labels, a.labels());
    for (float v : a.images()) assertTrue(v >= 0 && v <= 1, "image values in [0, 1]");
    // more_smooth runs and keeps images in range; its tokens are still sampled
    SampleResult sm = sampler.sample(labels, o.withMoreSmooth(true));
    for (float v : sm.images()) assertTrue(v >= 0 && v <= 1);
  }

  @Test
  void chunkedSamplingIsDeterministicAndKeepsOrder() {
    int old = sampler.chunkSize();
    try {
      sampler.setChunkSize(3);
      SampleResult r =
          sampler.sampleClasses(1, SampleOptions.defaults().withSeed(5)); // one image per class
      assertEquals(NC, r.n());
      for (int c = 0; c < NC; c++) assertEquals(c, r.labels()[c]);
      SampleResult r2 = sampler.sampleClasses(1, SampleOptions.defaults().withSeed(5));
      assertArrayEquals(r.images(), r2.images(), 0f);
      int side = T.latentSide();
      assertEquals(NC * PNS[K - 1] * PNS[K - 1], r.tokens().get(K - 1).length);
      assertEquals(NC * side * side * T.Cvae(), r.fHat().get(K - 1).length);
      // the decoded last f_hat is the image (up to float noise: chunks of 3 vs one batch of all)
      assertArrayEquals(r.images(), sampler.decodeFHat(r.fHat().get(K - 1), NC), 1e-5f);
    } finally {
      sampler.setChunkSize(old);
    }
  }

  /**
   * The scale-0 tokens of the first fixture label follow softmax(s0 logits) (no guidance at scale
   * 0): n = 2000 images, every token frequency within 5·sqrt(p(1-p)/n) + 1/n of its probability
   * (fixed seed: deterministic).
   */
  @Test
  void firstScaleTokenFrequenciesFollowTheSoftmax() {
    // infer/s0_logits_cfg is (B, pn_0², V); this uses the first token of row 0 (the first label)
    float[] s0 = Fixtures.floats("infer/s0_logits_cfg.npy");
    assertEquals(1, PNS[0], "scale 0 is a single token");
    double[] p = new double[V];
    double max = Double.NEGATIVE_INFINITY, sum = 0;
    for (int v = 0; v < V; v++) max = Math.max(max, s0[v]);
    for (int v = 0; v < V; v++) sum += p[v] = Math.exp(s0[v] - max);
    for (int v = 0; v < V; v++) p[v] /= sum;
    int n = 2000;
    int[] labels = new int[n];
    Arrays.fill(labels, T.labels()[0]);
    int old = sampler.chunkSize();
    try {
      sampler.setChunkSize(n);
      int[] tok = sampler.sample(labels, SampleOptions.defaults().withSeed(2024)).tokens().get(0);
      long[] count = new long[V];
      for (int t : tok) count[t]++;
      double worstZ = 0;
      for (int v = 0; v < V; v++) {
        double f = (double) count[v] / n, se = Math.sqrt(p[v] * (1 - p[v]) / n);
        assertTrue(
            Math.abs(f - p[v]) <= 5 * se + 1.0 / n, "token " + v + ": freq " + f + " vs p " + p[v]);
        worstZ = Math.max(worstZ, Math.abs(f - p[v]) / Math.max(se, 1e-12));
      }
      System.out.printf("scale-0 token frequencies over %d samples: worst |z| %.2f%n", n, worstZ);
    } finally {
      sampler.setChunkSize(old);
    }
  }

  @Test
  void badInputsAreRejectedWithExactMessages() {
    String range = " is outside [0, " + NC + "]"; // NC itself is the null class
    assertEquals(
        "label " + (NC + 2) + range,
        assertThrows(
                IllegalArgumentException.class,
                () -> sampler.sample(new int[] {0, NC + 2}, SampleOptions.defaults()))
            .getMessage());
    assertEquals(
        "label -1" + range,
        assertThrows(
                IllegalArgumentException.class,
                () -> sampler.sample(new int[] {-1}, SampleOptions.defaults()))
            .getMessage());
    assertEquals(
        "labels must not be empty",
        assertThrows(
                IllegalArgumentException.class,
                () -> sampler.sample(new int[0], SampleOptions.defaults()))
            .getMessage());
    assertEquals(
        "perClass must be positive, got 0",
        assertThrows(
                IllegalArgumentException.class,
                () -> sampler.sampleClasses(0, SampleOptions.defaults()))
            .getMessage());
    assertEquals(
        "tokenizer and VAR disagree: vocabSize 512 vs 4096",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    VarSampler.checkAgree(
                        VarConfig.ofDepth(16, 4096, 32, 1000, ScaleSchedule.px256()),
                        VqVaeConfig.fashionMnistDefault()))
            .getMessage());
    assertEquals(
        "tokenizer and VAR disagree: Cvae 16 vs 32",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    VarSampler.checkAgree(
                        VarConfig.ofDepth(2, 512, 32, 10, ScaleSchedule.of(1, 2, 3, 4, 5, 6, 8)),
                        VqVaeConfig.fashionMnistDefault()))
            .getMessage());
    assertEquals(
        "tokenizer and VAR disagree: patchNums [1, 2, 3, 4, 5, 6, 8] vs [1, 2, 4, 8]",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    VarSampler.checkAgree(
                        VarConfig.ofDepth(2, 512, 16, 10, ScaleSchedule.of(1, 2, 4, 8)),
                        VqVaeConfig.fashionMnistDefault()))
            .getMessage());
    assertEquals(
        "tokenizer and VAR disagree: vocabSize " + V + " vs " + 2 * V,
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    VarSampler.load(
                        T.varConfig().withVocabSize(2 * V),
                        TinyFixture.varParams(),
                        T.vqVaeConfig(),
                        TinyFixture.vaeParams()))
            .getMessage());
    assertEquals(
        "chunk size must be positive, got 0",
        assertThrows(IllegalArgumentException.class, () -> sampler.setChunkSize(0)).getMessage());
    int side = T.latentSide(), cv = T.Cvae();
    assertEquals(
        "expected "
            + 4 * side * side * cv
            + " floats for 4 latents of "
            + side
            + "x"
            + side
            + "x"
            + cv
            + ", got 3",
        assertThrows(IllegalArgumentException.class, () -> sampler.decodeFHat(new float[3], 4))
            .getMessage());
  }
}
