package io.github.var4j.sample;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.nn.StateDict;
import io.github.var4j.testutil.TinyFixture;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.transformer.VarModel;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two hooks of the sampling loop on the fixtures' tiny VAR: {@link ModelSchedule} (which model
 * runs which scale) and {@link TokenSelection} (which tokens a scale computes). Trivial
 * alternatives plugged in through the hooks give exactly the default samples; real ones change what
 * they should and nothing else.
 */
class SamplerHooksTest {
  private static final TinyFixture T = TinyFixture.get();
  private static final int K = T.K(), V = T.V();
  private static final List<SampleOptions> OPTIONS =
      List.of(
          SampleOptions.greedy(T.cfg()),
          SampleOptions.builder()
              .cfg(T.cfg())
              .topK(8)
              .topP(0.9)
              .moreSmooth(false)
              .seed(5)
              .greedy(false)
              .build(),
          SampleOptions.builder()
              .cfg(T.cfg())
              .topK(0)
              .topP(0)
              .moreSmooth(true)
              .seed(6)
              .greedy(false)
              .build());
  private static VarSampler plain;

  @BeforeAll
  static void open() {
    plain = VarSampler.of(models());
  }

  @AfterAll
  static void close() {
    plain.close();
  }

  private static SamplerModels models() {
    return SamplerModels.load(
        T.varConfig(), TinyFixture.varParams(), T.vqVaeConfig(), TinyFixture.vaeParams());
  }

  /** A sampler whose scales from 2 on are computed by a second VAR of these weights. */
  private static VarSampler handOffAt2(VarConfig refinerCfg, StateDict refinerSd) {
    SamplerModels m = models();
    VarModel refiner = m.addVar("refiner.", refinerCfg, refinerSd);
    return VarSampler.of(m, ModelSchedule.handOff(m.var(), refiner, 2), TokenSelection.ALL);
  }

  private static void assertSame(SampleResult a, SampleResult b, String what) {
    for (int si = 0; si < K; si++)
      assertArrayEquals(a.tokens().get(si), b.tokens().get(si), what + ": tokens of scale " + si);
    assertArrayEquals(a.images(), b.images(), 0f, what + ": images");
  }

  /**
   * A drafter handing over to a refiner with the same weights at scale 2 (the refiner reads scales
   * 0..1 into its own cache first) samples exactly what one model does.
   */
  @Test
  void handOffToAnEqualRefinerGivesTheSameSamples() {
    try (VarSampler s = handOffAt2(T.varConfig(), TinyFixture.varParams())) {
      for (SampleOptions o : OPTIONS)
        assertSame(plain.sample(T.labels(), o), s.sample(T.labels(), o), o.label());
    }
  }

  /**
   * A different refiner (shared AdaLN, its own weights) from scale 2 on: scales 0..1 are the
   * drafter's, and the refiner changes the rest.
   */
  @Test
  void aDifferentRefinerKeepsTheDraftersCoarseScales() {
    try (VarSampler s = handOffAt2(T.salnVarConfig(), TinyFixture.salnVarParams())) {
      SampleOptions o = SampleOptions.greedy(T.cfg());
      SampleResult a = plain.sample(T.labels(), o), b = s.sample(T.labels(), o);
      for (int si = 0; si < 2; si++)
        assertArrayEquals(a.tokens().get(si), b.tokens().get(si), "drafter scale " + si);
      assertFalse(Arrays.equals(a.images(), b.images()), "the refiner draws the fine scales");
    }
    assertEquals(
        "prefix var. is taken",
        assertThrows(
                IllegalArgumentException.class,
                () -> {
                  try (SamplerModels mm = models()) {
                    mm.addVar("var.", T.varConfig(), TinyFixture.varParams());
                  }
                })
            .getMessage());
  }

  /** Computing every position through the selection (gather, blocks, restore) changes nothing. */
  @Test
  void selectingAllTokensGivesTheSameSamples() {
    TokenSelection all = (step, l) -> step == 0 ? null : IntStream.range(0, l).toArray();
    SamplerModels m = models();
    try (VarSampler s = VarSampler.of(m, ModelSchedule.single(m.var()), all)) {
      for (SampleOptions o : OPTIONS)
        assertSame(plain.sample(T.labels(), o), s.sample(T.labels(), o), o.label());
    }
  }

  /**
   * Pruning half of the last scale's positions: the computed ones go through the blocks, the others
   * take the output of the nearest coarser position, so their logits are that position's logits of
   * the previous scale; the earlier scales are unchanged. The copied rows are compared to within
   * 1e-5 of their largest magnitude, not bit for bit: the head normalises and projects (2B, q²)
   * rows here and (2B, p²) rows at the previous scale, and the CPU's SIMD kernels may round one row
   * differently at another offset or row count (seen here on the FastVAR test below: 1.4e-7
   * relative); a computed position differs from its coarser cell by far more.
   */
  @Test
  void prunedPositionsCopyTheCoarserScale() {
    int last = K - 1, q = T.pn(last), p = T.pn(last - 1);
    TokenSelection even =
        (step, l) -> step < last ? null : IntStream.range(0, l).filter(j -> j % 2 == 0).toArray();
    SamplerModels m = models();
    try (VarSampler s = VarSampler.of(m, ModelSchedule.single(m.var()), even)) {
      SampleOptions o = SampleOptions.greedy(T.cfg());
      SampleTrace pruned = s.trace(T.labels(), o), full = plain.trace(T.labels(), o);
      for (int si = 0; si < last; si++) {
        assertArrayEquals(
            full.result().tokens().get(si), pruned.result().tokens().get(si), "scale " + si);
      }
      float[] now = pruned.steps().get(last).logits2B(); // (2B, q², V)
      float[] before = pruned.steps().get(last - 1).logits2B(); // (2B, p², V)
      int rows = 2 * T.B();
      for (int r = 0; r < rows; r++) {
        for (int j = 1; j < q * q; j += 2) {
          int cell = j / q * p / q * p + j % q * p / q;
          float[] a = Arrays.copyOfRange(now, (r * q * q + j) * V, (r * q * q + j + 1) * V);
          float[] b =
              Arrays.copyOfRange(before, (r * p * p + cell) * V, (r * p * p + cell + 1) * V);
          float tol = 1e-5f * Math.max(1f, maxAbs(b));
          assertArrayEquals(b, a, tol, "row " + r + ", pruned position " + j);
        }
      }
      for (int tok : pruned.result().tokens().get(last)) assertTrue(tok >= 0 && tok < V);
    }
  }

  /**
   * FastVAR pruning that keeps every token (keep = 1, from scale 1 on) goes through the scoring,
   * the per-row gather and the scatter, and samples exactly what the plain sampler does.
   */
  @Test
  void pruningThatKeepsEveryTokenGivesTheSameSamples() {
    SamplerModels m = models();
    try (VarSampler s = VarSampler.of(m, ModelSchedule.single(m.var()), new TokenPruning(1, 1))) {
      for (SampleOptions o : OPTIONS)
        assertSame(plain.sample(T.labels(), o), s.sample(T.labels(), o), o.label());
    }
  }

  /**
   * FastVAR pruning of the last scale at keep = 1/2: the positions whose input stands out least
   * from the scale's mean (sum of squared differences, computed here from the traced input) are
   * pruned, so their logits are those of the nearest coarser position at the previous scale. Only
   * positions clearly below the cut (by more than 1e-4 of the cut score) are checked, so float
   * rounding at the cut cannot decide the test. A copied row's logits are compared to within 1e-5
   * of their largest magnitude: the head normalises and projects (2B, l) rows where the previous
   * scale had (2B, p²), and SIMD reductions may round a row differently at another offset; a
   * computed position differs from its coarser cell by far more.
   */
  @Test
  void pruningDropsTheTokensNearestTheScaleMean() {
    int last = K - 1, q = T.pn(last), p = T.pn(last - 1), l = q * q, c = T.varConfig().embedDim();
    TokenPruning pruning = TokenPruning.lastScales(0.5, 1, K);
    int kept = pruning.kept(l);
    SamplerModels m = models();
    try (VarSampler s = VarSampler.of(m, ModelSchedule.single(m.var()), pruning)) {
      SampleOptions o = SampleOptions.greedy(T.cfg());
      SampleTrace pruned = s.trace(T.labels(), o), full = plain.trace(T.labels(), o);
      for (int si = 0; si < last; si++)
        assertArrayEquals(
            full.result().tokens().get(si), pruned.result().tokens().get(si), "scale " + si);
      float[] x = pruned.steps().get(last).tokenMapIn(); // (2B, l, C)
      float[] now = pruned.steps().get(last).logits2B(); // (2B, l, V)
      float[] before = pruned.steps().get(last - 1).logits2B(); // (2B, p², V)
      int checked = 0;
      boolean[][] keptOnHost = pruning.keptOnHost(x, 2 * T.B(), l, c);
      for (int r = 0; r < 2 * T.B(); r++) {
        double[] score = new double[l], mean = new double[c];
        for (int j = 0; j < l; j++)
          for (int k = 0; k < c; k++) mean[k] += x[(r * l + j) * c + k] / (double) l;
        for (int j = 0; j < l; j++)
          for (int k = 0; k < c; k++) score[j] += Math.pow(x[(r * l + j) * c + k] - mean[k], 2);
        double cut =
            Arrays.stream(score)
                .boxed()
                .sorted((a, b) -> Double.compare(b, a))
                .toList()
                .get(kept - 1); // the smallest kept score
        for (int j = 0; j < l; j++) {
          if (Math.abs(score[j] - cut) > 1e-4 * cut)
            assertEquals(score[j] > cut, keptOnHost[r][j], "keptOnHost, row " + r + ", " + j);
          if (score[j] >= cut - 1e-4 * cut) continue; // kept, or too near the cut to tell
          int cell = j / q * p / q * p + j % q * p / q;
          float[] a = Arrays.copyOfRange(now, (r * l + j) * V, (r * l + j + 1) * V);
          float[] b =
              Arrays.copyOfRange(before, (r * p * p + cell) * V, (r * p * p + cell + 1) * V);
          float tol = 1e-5f * Math.max(1f, maxAbs(b)); // see the Javadoc
          assertArrayEquals(b, a, tol, "row " + r + ", pruned position " + j);
          checked++;
        }
      }
      assertTrue(checked >= 2 * T.B(), "pruned positions checked: " + checked);
    }
  }

  @Test
  void pruningCountsAndRejectsBadSettings() {
    assertEquals(32, new TokenPruning(0.5, 1).kept(64));
    assertEquals(39, new TokenPruning(0.6, 1).kept(64)); // 64 - floor(25.6)
    assertEquals(64, new TokenPruning(1, 1).kept(64));
    assertEquals(1, new TokenPruning(0.01, 1).kept(4));
    assertEquals(8, TokenPruning.lastScales(0.5, 2, 10).firstStep());
    assertEquals(
        "keep must be in (0, 1], got 0.0",
        assertThrows(IllegalArgumentException.class, () -> new TokenPruning(0, 1)).getMessage());
    assertEquals(
        "pruned scales must be in [1, 9] (not the first), got 10",
        assertThrows(IllegalArgumentException.class, () -> TokenPruning.lastScales(0.5, 10, 10))
            .getMessage());
  }

  private static float maxAbs(float[] a) {
    float m = 0;
    for (float v : a) m = Math.max(m, Math.abs(v));
    return m;
  }
}
