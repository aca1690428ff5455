package io.github.var4j.sample;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.Sessions;
import io.github.var4j.nn.Tensors;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.testutil.Fixtures;
import io.github.var4j.testutil.OfficialGreedy;
import io.github.var4j.testutil.SampleReplay;
import io.github.var4j.testutil.TinyFixture;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.transformer.VarModel;
import io.github.var4j.vae.VqVaeConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hipparchus.distribution.discrete.BinomialDistribution;
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

  /**
   * Greedy inference against the official {@code autoregressive_infer_cfg} (infer/), scale by
   * scale, on any CPU:
   *
   * <ul>
   *   <li>Intermediates (token_map_in, logits_2B, logits_cfg, f_hat, next_area, image) at the
   *       manifest tolerances, on a teacher-forced replay of the official tokens (every scale sees
   *       the official prefix), and on the free run at every scale that a near-tie cannot have
   *       changed.
   *   <li>Tokens: the official ones, except proven near-ties (the official token's logit within
   *       twice the logits_cfg tolerance of the maximum, {@link OfficialGreedy}), after which an
   *       image is covered by the replay ({@link SampleReplay}); the same for {@code sample()}.
   * </ul>
   */
  @Test
  void greedyReplayMatchesOfficialInferenceAtEveryScale() {
    int[] labels = TinyFixture.labelFile();
    assertArrayEquals(T.labels(), labels, "var/label_B vs tiny_config.labels");
    SampleOptions greedy = SampleOptions.greedy(T.cfg());
    List<int[]> official = OfficialGreedy.tokensPerScale();
    SampleReplay.Report rep = OfficialGreedy.check(sampler, "greedy inference");
    int untouched = K; // scales before every image's first near-tie
    for (int f : rep.firstTieScale()) untouched = Math.min(untouched, f);
    SampleTrace forced = sampler.traceEdited(labels, official, Masks.all(T.latentSide()), greedy);
    SampleTrace free = sampler.trace(labels, greedy);
    double[] worst = new double[6];
    for (SampleTrace tr : List.of(forced, free)) {
      boolean isForced = tr == forced;
      SampleResult r = tr.result();
      for (int si = 0; si < PNS.length; si++) {
        StepTrace s = tr.steps().get(si);
        String p = "infer/s" + si + "_";
        if (isForced) Fixtures.assertExact(official.get(si), r.tokens().get(si), "forced " + p);
        if (!isForced && si > untouched) break; // a near-tie at an earlier scale
        worst[0] =
            Math.max(worst[0], Fixtures.assertMatches(p + "token_map_in.npy", s.tokenMapIn()));
        worst[1] = Math.max(worst[1], Fixtures.assertMatches(p + "logits_2B.npy", s.logits2B()));
        worst[2] = Math.max(worst[2], Fixtures.assertMatches(p + "logits_cfg.npy", s.logitsCfg()));
        if (!isForced && si == untouched) break; // this scale's tokens hold a near-tie
        worst[3] =
            Math.max(
                worst[3],
                Fixtures.assertClose(
                    nhwc(p + "f_hat.npy"),
                    r.fHat().get(si),
                    Fixtures.tol(p + "f_hat.npy"),
                    p + "f_hat.npy"));
        if (si < PNS.length - 1) {
          worst[4] =
              Math.max(
                  worst[4],
                  Fixtures.assertClose(
                      nhwc(p + "next_area.npy"),
                      s.nextArea(),
                      Fixtures.tol(p + "next_area.npy"),
                      p + "next_area.npy"));
        } else {
          assertNull(s.nextArea());
        }
      }
      if (isForced || untouched == K) {
        worst[5] =
            Math.max(
                worst[5],
                Fixtures.assertClose(
                    nhwc("infer/img_B3HW_01.npy"),
                    r.images(),
                    Fixtures.tol("infer/img_B3HW_01.npy"),
                    "infer/img_B3HW_01.npy"));
      }
    }
    System.out.printf(
        "infer replay max|diff|: token_map_in %.2e, logits_2B %.2e, logits_cfg %.2e, f_hat %.2e, "
            + "next_area %.2e, image %.2e; tokens: %s%n",
        worst[0], worst[1], worst[2], worst[3], worst[4], worst[5], rep.describe());
    // sample() follows the official run by the same rules
    SampleReplay.assertRunFollows(
        sampler.sample(labels, greedy),
        rep,
        T.schedule(),
        greedy,
        OfficialGreedy.tokensNL(),
        OfficialGreedy.imagesNHWC(),
        OfficialGreedy.imageAtol(),
        "sample()");
  }

  @Test
  void teacherForcingThroughTheCacheEqualsForwardLogits() {
    int[] labels = TinyFixture.labelFile();
    int[] gtBL = TinyFixture.targets(); // (B, L)
    List<int[]> gt = splitScales(gtBL);
    SampleTrace tr =
        sampler.traceEdited(labels, gt, Masks.all(T.latentSide()), SampleOptions.greedy(T.cfg()));
    // conditional half of logits_2B, scale by scale, assembled to (B, L, V)
    int L = T.L();
    float[] logits = new float[B * L * V];
    int cur = 0;
    for (int si = 0; si < PNS.length; si++) {
      int l = PNS[si] * PNS[si];
      float[] s = tr.steps().get(si).logits2B(); // (2B, l, V)
      for (int b = 0; b < B; b++) System.arraycopy(s, b * l * V, logits, (b * L + cur) * V, l * V);
      Fixtures.assertExact(
          gt.get(si), tr.result().tokens().get(si), "forced tokens of scale " + si);
      cur += l;
    }
    double dFix = Fixtures.assertMatches("var/logits_BLV.npy", logits);
    float[] fwd = forwardLogits(labels);
    double dFwd =
        Fixtures.assertClose(fwd, logits, twoRunTolerance("var_logits"), 0, "cached vs forward");
    System.out.printf(
        "teacher forcing via cache: max|diff| vs var/logits_BLV %.2e, vs VarModel.forward %.2e%n",
        dFix, dFwd);
  }

  /**
   * Tolerance between two float32 evaluations of the same fixture model that sum in different
   * orders (cached vs uncached, another batch size), derived from the generator's measurement of
   * this model's float32 rounding ({@link TinyFixture#fp32VsFp64}): each run differs from the exact
   * (float64) result by a realisation of the same rounding; the difference of two runs is at most
   * the sum of their errors, and we allow 8 times the measured maximum for each (the maximum over
   * all elements varies between summation orders by well under 2x; the rest covers kernels that
   * block differently). 16 · 1.4e-6 = 2.2e-5 for this fixture's logits.
   */
  private static double twoRunTolerance(String key) {
    return 16 * TinyFixture.fp32VsFp64(key);
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
    SampleOptions o =
        SampleOptions.builder()
            .cfg(T.cfg())
            .topK(8)
            .topP(0.9)
            .moreSmooth(false)
            .seed(42)
            .greedy(false)
            .build();
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
    // the tokens without decoding (one run of all labels, as chunk 0): the same draws as a
    // sample() that runs them as one chunk. Exact on any CPU: both execute the same nodes on the
    // same shapes up to the tokens; sample() also fetches the images and each scale's f̂, which
    // feed later scales in both runs (two consumers either way), so no fusion differs
    int oldChunk = sampler.chunkSize();
    try {
      sampler.setChunkSize(Math.max(oldChunk, labels.length));
      SampleResult one = sampler.sample(labels, o);
      java.util.List<int[]> maps = sampler.sampleTokenMaps(labels, o);
      assertEquals(PNS.length, maps.size());
      for (int si = 0; si < PNS.length; si++) assertArrayEquals(one.tokens().get(si), maps.get(si));
    } finally {
      sampler.setChunkSize(oldChunk);
    }
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
      // the decoded last f_hat is the image (up to float noise: chunks of 3 vs one batch of all);
      // images are (x + 1)/2 of the decoder's output, so its rounding is halved
      double d =
          Fixtures.assertClose(
              r.images(),
              sampler.decodeFHat(r.fHat().get(K - 1), NC),
              twoRunTolerance("vae_dec_unclamped_same_input") / 2,
              0,
              "chunked images vs decodeFHat of all");
      System.out.printf("chunked images vs one decode max|diff| %.3e%n", d);
    } finally {
      sampler.setChunkSize(old);
    }
  }

  /**
   * The scale-0 tokens of the first fixture label follow softmax(s0 logits) (no guidance at scale
   * 0): the first position of scale 0 of n = 2000 images.
   *
   * <p>Bound, derived: p is the softmax of the official guided logits of that position ({@code
   * infer/s0_logits_cfg.npy}, first image); ours lie within δ = atol + rtol·max|logit| of them
   * (manifest tolerance), so every probability of our sampler lies in {@code [p·e^{-2δ},
   * p·e^{2δ}]}. Each token's count must lie in the exact binomial acceptance region {@code [q(α';
   * n, p_lo), q(1 - α'; n, p_hi)]} with α' = 1e-6 / (2V) (Bonferroni over V tokens and two tails).
   * A correct sampler therefore fails with probability below 1e-6 for any seed, vocabulary and
   * logits; a wrong distribution (another temperature, an index shifted by one, the wrong scale's
   * logits) fails.
   */
  @Test
  void firstScaleTokenFrequenciesFollowTheSoftmax() {
    // infer/s0_logits_cfg is (B, pn_0², V): row 0 is the first position of the first label
    float[] s0 = Fixtures.floats("infer/s0_logits_cfg.npy");
    Fixtures.Tol tol = Fixtures.tol("infer/s0_logits_cfg.npy");
    double[] p = new double[V];
    double max = Double.NEGATIVE_INFINITY, sum = 0;
    for (int v = 0; v < V; v++) max = Math.max(max, s0[v]);
    for (int v = 0; v < V; v++) sum += p[v] = Math.exp(s0[v] - max);
    for (int v = 0; v < V; v++) p[v] /= sum;
    double absMax = 0;
    for (int v = 0; v < V; v++) absMax = Math.max(absMax, Math.abs(s0[v]));
    double delta = tol.atol() + tol.rtol() * absMax;
    int n = 2000, l0 = PNS[0] * PNS[0];
    double alpha = 1e-6 / (2 * V);
    int[] labels = new int[n];
    Arrays.fill(labels, T.labels()[0]);
    int old = sampler.chunkSize();
    try {
      sampler.setChunkSize(n);
      int[] tok = sampler.sample(labels, SampleOptions.defaults().withSeed(2024)).tokens().get(0);
      assertEquals(n * l0, tok.length);
      long[] count = new long[V];
      for (int b = 0; b < n; b++) count[tok[b * l0]]++;
      double worstZ = 0;
      for (int v = 0; v < V; v++) {
        double pLo = p[v] * Math.exp(-2 * delta), pHi = Math.min(1, p[v] * Math.exp(2 * delta));
        int lo = new BinomialDistribution(n, pLo).inverseCumulativeProbability(alpha);
        int hi = new BinomialDistribution(n, pHi).inverseCumulativeProbability(1 - alpha);
        assertTrue(
            count[v] >= lo && count[v] <= hi,
            String.format(
                java.util.Locale.ROOT,
                "token %d: count %d of %d outside [%d, %d] (p %.6g; level %.2g per tail)",
                v,
                count[v],
                n,
                lo,
                hi,
                p[v],
                alpha));
        double se = Math.sqrt(p[v] * (1 - p[v]) / n);
        worstZ = Math.max(worstZ, Math.abs((double) count[v] / n - p[v]) / Math.max(se, 1e-12));
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
