package io.github.var4j.sample;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.nn.GraphRuntime;
import io.github.var4j.testutil.Fixtures;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hipparchus.distribution.continuous.ChiSquaredDistribution;
import org.hipparchus.distribution.continuous.NormalDistribution;
import org.junit.jupiter.api.Test;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Masking, smoothing and sampling of {@link Sampling} against the official fixtures and
 * statistically.
 */
class SamplingTest {
  /**
   * sampling/logits_in is (B, l, V): N = B·l rows of V logits; Cvae from the codebook (V, Cvae).
   */
  private static final long[] LOGITS = Fixtures.shape("sampling/logits_in.npy");

  private static final int N = (int) (LOGITS[0] * LOGITS[1]),
      V = (int) LOGITS[2],
      CVAE = (int) Fixtures.shape("params/vae/quantize.embedding.weight.npy")[1];

  /** sampling/filtered_k{top_k}_p{top_p}.npy: the in-place masked logits for one (top_k, top_p). */
  private static final Pattern FILTERED =
      Pattern.compile("sampling/filtered_k(\\d+)_p([0-9.]+)\\.npy");

  /**
   * Our top-k/top-p masks equal the official in-place masks ({@code sample_with_top_k_top_p_}) of
   * sampling/filtered_k*_p*, wherever the decision is certain.
   *
   * <p>Top-k compares stored floats with the k-th largest (exact on any CPU). Top-p removes, in
   * ascending order, the entries whose cumulative softmax S is {@code <= 1 - top_p} (never the
   * largest); S is a float32 sum of float32 softmax terms in both codes, so near the threshold the
   * decision depends on rounding. Bound, derived: each softmax term has relative error at most
   * {@code 4u} (exp) {@code + gamma_V} (the sum) {@code + u} (division), u = 2^-24; PyTorch's
   * float32 cumsum adds at most {@code V·u·S}, ours (float64, then cast) {@code u·S}. So near the
   * threshold both S lie within {@code M = 1.01·(3V + 16)·u·(1 - top_p)} of the exact S (about 200
   * float32 ulps of the threshold at V = 64), computed here in float64 from logits_in, and an entry
   * whose exact S lies within M of {@code 1 - top_p} may go either way (also where exactly equal
   * logits make the ascending order, and with it S, ambiguous). Every other entry must be removed
   * or kept as the exact computation says, by the official file and by us alike; and every row
   * keeps at least one entry. Nothing is required to be removed unless k < V or an entry lies
   * surely below the threshold.
   */
  @Test
  void topKTopPMasksEqualOfficialInPlaceMasks() {
    float[] logits = Fixtures.floats("sampling/logits_in.npy");
    List<String> files = Fixtures.files("sampling/filtered_");
    assertFalse(files.isEmpty(), "manifest lists sampling/filtered_* files");
    for (String file : files) {
      Matcher m = FILTERED.matcher(file);
      assertTrue(m.matches(), "unexpected sampling file " + file);
      int k = Integer.parseInt(m.group(1));
      double p = Double.parseDouble(m.group(2));
      float[] expected = Fixtures.floats(file);
      float[] actual = Sampling.filter(logits, N, V, k, p);
      double margin = 1.01 * (3.0 * V + 16) * 0x1p-24 * (float) (1 - p);
      int removed = 0, uncertain = 0, mustRemove = 0;
      double nearest = Double.POSITIVE_INFINITY;
      for (int row = 0; row < N; row++) {
        float[] x = Arrays.copyOfRange(logits, row * V, (row + 1) * V);
        Boolean[] decision = maskDecisions(x, Sampling.effectiveTopK(k, V), p, margin);
        boolean anyKept = false;
        for (int j = 0; j < V; j++) {
          int i = row * V + j;
          boolean eInf = expected[i] == Float.NEGATIVE_INFINITY,
              aInf = actual[i] == Float.NEGATIVE_INFINITY;
          if (decision[j] == null) {
            uncertain++;
          } else {
            assertEquals(decision[j], eInf, file + ": the official mask contradicts at " + i);
            assertEquals(
                decision[j],
                aInf,
                file + ": -inf pattern differs at " + i + " (logit " + x[j] + ")");
            if (decision[j]) mustRemove++;
          }
          if (!aInf)
            assertEquals(
                logits[i], actual[i], 0f, file + ": kept logits must be unchanged at " + i);
          if (aInf) removed++;
          anyKept |= !aInf;
        }
        assertTrue(anyKept, file + ": row " + row + " keeps nothing");
        if (p > 0)
          nearest = Math.min(nearest, thresholdDistance(x, Sampling.effectiveTopK(k, V), p));
      }
      if (mustRemove > 0) assertTrue(removed >= mustRemove, file + " removes too little");
      System.out.printf(
          "%-36s identical -inf pattern (%d of %d removed, %d undecidable; nearest cumulative"
              + " mass %.3g from 1 - top_p, margin %.3g)%n",
          file, removed, expected.length, uncertain, nearest, margin);
    }
  }

  /**
   * The exact (float64) decision of every entry of one row: TRUE removed, FALSE kept, null either
   * (within {@code margin} of the top-p threshold, or an ambiguous order of equal logits).
   */
  private static Boolean[] maskDecisions(float[] x, int k, double topP, double margin) {
    int v = x.length;
    float[] sorted = x.clone();
    Arrays.sort(sorted);
    float kth = sorted[v - k], max = sorted[v - 1];
    Boolean[] out = new Boolean[v];
    double[] w = new double[v];
    double total = 0;
    for (int j = 0; j < v; j++) {
      if (x[j] < kth) continue; // removed by top-k (x < k-th largest: exact)
      w[j] = Math.exp((double) x[j] - max);
      total += w[j];
    }
    double thr = (float) (1 - topP);
    for (int j = 0; j < v; j++) {
      if (x[j] < kth) {
        out[j] = true;
        continue;
      }
      if (topP <= 0) {
        out[j] = false;
        continue;
      }
      // ascending cumulative mass through j: the entries below it, then itself and (in some
      // order) those equal to it
      double below = 0;
      int equal = 0;
      for (int i = 0; i < v; i++) {
        if (x[i] < kth) continue;
        if (x[i] < x[j]) below += w[i];
        else if (x[i] == x[j]) equal++;
      }
      double sMin = (below + w[j]) / total, sMax = (below + equal * w[j]) / total;
      boolean uniqueMax = x[j] == max && equal == 1;
      boolean canRemove = !uniqueMax && sMin <= thr + margin;
      boolean canKeep = x[j] == max || sMax > thr - margin;
      out[j] = canRemove && canKeep ? null : canRemove;
    }
    return out;
  }

  /** The smallest |S - (1 - top_p)| of a row's ascending cumulative masses (after top-k). */
  private static double thresholdDistance(float[] x, int k, double topP) {
    float[] sorted = x.clone();
    Arrays.sort(sorted);
    float kth = sorted[x.length - k], max = sorted[x.length - 1];
    double total = 0;
    for (float y : sorted) if (y >= kth) total += Math.exp((double) y - max);
    double run = 0, best = Double.POSITIVE_INFINITY, thr = (float) (1 - topP);
    for (int j = 0; j < sorted.length - 1; j++) {
      if (sorted[j] < kth) continue;
      run += Math.exp((double) sorted[j] - max);
      best = Math.min(best, Math.abs(run / total - thr));
    }
    return best;
  }

  /**
   * more_smooth_h = softmax((masked * (1 + ratio) + G) / tau) @ E at the last scale (ratio 1); the
   * manifest's description names the masked logits it used (sampling/filtered_k*_p*), which our
   * filter must reproduce.
   */
  @Test
  void moreSmoothHMatchesOfficialWithStoredGumbelNoise() {
    String desc =
        Fixtures.parsedManifest().entry("sampling/more_smooth_h_BlCv.npy").path("desc").asText();
    Matcher used = Pattern.compile("filtered_k(\\d+)_p([0-9.]+)").matcher(desc);
    assertTrue(used.find(), "the description of more_smooth_h names its masked logits: " + desc);
    int k = Integer.parseInt(used.group(1));
    double p = Double.parseDouble(used.group(2));
    float[] masked = Sampling.filter(Fixtures.floats("sampling/logits_in.npy"), N, V, k, p);
    float[] g = Fixtures.floats("sampling/gumbel_G.npy");
    float[] e = Fixtures.floats("params/vae/quantize.embedding.weight.npy");
    float[] h = Sampling.smoothEmbedding(masked, g, e, N, V, CVAE, 1.0);
    double d = Fixtures.assertMatches("sampling/more_smooth_h_BlCv.npy", h);
    System.out.printf("more_smooth_h max|diff| %.3e%n", d);
    assertEquals(0.0135, Sampling.smoothTau(1.0), 1e-12);
    assertEquals(0.27, Sampling.smoothTau(0.0), 1e-12);
    assertEquals(0.005, Sampling.smoothTau(5.0), 0.0);
  }

  /** Softmax in double. */
  private static double[] softmax(float[] row) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : row) max = Math.max(max, v);
    double[] p = new double[row.length];
    double s = 0;
    for (int i = 0; i < row.length; i++) {
      p[i] = row[i] == Float.NEGATIVE_INFINITY ? 0 : Math.exp(row[i] - max);
      s += p[i];
    }
    for (int i = 0; i < row.length; i++) p[i] /= s;
    return p;
  }

  private static float[] tile(float[] row, int n) {
    float[] out = new float[row.length * n];
    for (int i = 0; i < n; i++) System.arraycopy(row, 0, out, i * row.length, row.length);
    return out;
  }

  /**
   * Empirical frequencies of n draws vs the expected probabilities: every category within z*
   * standard errors and Pearson's chi-square below its quantile, with z* and the quantile chosen so
   * that a correct sampler fails with probability below 1e-6 whatever the seed (5e-7 for the
   * chi-square, 5e-7 shared by the per-category z tests, union bound). With n = 60,000 draws the
   * test still detects a probability off by 2 % relative in any category of mass &gt;= 0.05.
   */
  private static void assertFrequencies(int[] draws, double[] p, String what) {
    int n = draws.length;
    long[] count = new long[p.length];
    for (int d : draws) count[d]++;
    int positive = 0;
    for (double q : p) if (q > 0) positive++;
    double zStar =
        new NormalDistribution(0, 1).inverseCumulativeProbability(1 - 5e-7 / (2.0 * positive));
    double chi2 = 0, maxZ = 0;
    for (int c = 0; c < p.length; c++) {
      if (p[c] == 0) {
        assertEquals(0, count[c], what + ": category " + c + " has probability 0 but was drawn");
        continue;
      }
      double f = (double) count[c] / n, se = Math.sqrt(p[c] * (1 - p[c]) / n);
      maxZ = Math.max(maxZ, Math.abs(f - p[c]) / se);
      assertTrue(
          Math.abs(f - p[c]) <= zStar * se,
          what + ": category " + c + " freq " + f + " vs p " + p[c] + " (z* " + zStar + ")");
      chi2 += Math.pow(count[c] - n * p[c], 2) / (n * p[c]);
    }
    int df = positive - 1;
    double crit = new ChiSquaredDistribution(df).inverseCumulativeProbability(1 - 5e-7);
    assertTrue(chi2 < crit, what + ": chi-square " + chi2 + " >= " + crit + " (df " + df + ")");
    System.out.printf(
        "%-22s n=%d chi2=%.2f (df %d, crit %.2f) max|z|=%.2f (z* %.2f)%n",
        what, n, chi2, df, crit, maxZ, zStar);
  }

  private static final float[] ROW = {
    1.2f, -0.3f, 0.8f, 2.0f, -1.5f, 0.1f, 0.5f, -0.7f, 1.6f, 0.0f, -2.2f, 0.9f
  };

  @Test
  void multinomialFrequenciesMatchSoftmax() {
    int n = 60000;
    int[] draws = Sampling.sample(tile(ROW, n), n, ROW.length, 0, 0, 1234);
    assertFrequencies(draws, softmax(ROW), "plain multinomial");
  }

  @Test
  void topKTopPSamplingFollowsTheRenormalisedKeptMass() {
    int n = 60000;
    // top-k 8 then top-p 0.9 leaves 6 of the 12 tokens for this row
    float[] masked = Sampling.filter(ROW, 1, ROW.length, 8, 0.9);
    long kept = 0;
    for (float v : masked) if (v != Float.NEGATIVE_INFINITY) kept++;
    assertEquals(6, kept, Arrays.toString(masked));
    int[] draws = Sampling.sample(tile(ROW, n), n, ROW.length, 8, 0.9, 99);
    assertFrequencies(draws, softmax(masked), "top-k 8, top-p 0.9");
  }

  @Test
  void sameSeedSameDrawsDifferentSeedDifferentDraws() {
    int n = 500;
    float[] x = tile(ROW, n);
    int[] a = Sampling.sample(x, n, ROW.length, 0, 0.96, 7);
    int[] b = Sampling.sample(x, n, ROW.length, 0, 0.96, 7);
    int[] c = Sampling.sample(x, n, ROW.length, 0, 0.96, 8);
    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, c), "a different seed must give different draws");
  }

  @Test
  void topKNeverRemovesTiesOfTheKthValueAndLargeKIsANoOp() {
    float[] row = {3f, 1f, 2f, 2f, 0f};
    float[] m = Sampling.filter(row, 1, 5, 3, 0);
    float ninf = Float.NEGATIVE_INFINITY;
    assertArrayEquals(new float[] {3f, ninf, 2f, 2f, ninf}, m);
    assertArrayEquals(
        new float[] {3f, 2f, 2f, 2f, ninf},
        Sampling.filter(new float[] {3f, 2f, 2f, 2f, 0f}, 1, 5, 2, 0),
        "ties of the k-th value are kept (official: logits < k-th largest)");
    assertArrayEquals(row, Sampling.filter(row, 1, 5, 900, 0), "k >= V keeps everything");
    // top_p = 1: 1 - top_p = 0, nothing has cumulative mass <= 0 (every probability is > 0 here)
    assertArrayEquals(row, Sampling.filter(row, 1, 5, 0, 1.0));
    // a tiny top_p keeps only the largest (never removed)
    assertArrayEquals(
        new float[] {3f, ninf, ninf, ninf, ninf}, Sampling.filter(row, 1, 5, 0, 1e-6));
  }

  /**
   * The same seed gives the same draws whatever the number of intra-op threads (TF's own
   * multinomial kernel does not: its uniforms follow the thread pool's sharding of the rows), and
   * the graph's draws are the host's {@link Sampling#drawFromUniform} of the same uniforms.
   */
  @Test
  void drawsDependOnTheSeedOnlyNotOnTheThreadCount() {
    int n = 4096, v = 64;
    float[] logits = new float[n * v];
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
    for (int i = 0; i < logits.length; i++) logits[i] = (float) (3 * rnd.nextGaussian());
    int[] one = drawWithThreads(logits, n, v, 1, null);
    double[] u = new double[n];
    int[] four = drawWithThreads(logits, n, v, 4, u);
    assertArrayEquals(one, four, "1 vs 4 intra-op threads");
    int differ = 0;
    for (int r = 0; r < n; r++) {
      int host = Sampling.drawFromUniform(Arrays.copyOfRange(logits, r * v, (r + 1) * v), u[r]);
      if (host != four[r]) differ++;
    }
    // host and graph differ only if u·total lies within the last bits of a CDF entry (exp in
    // float64 may differ by an ulp between Java and Eigen): probability about n·1e-15
    assertEquals(0, differ, "rows where the host's inversion disagrees with the graph's");
  }

  private static int[] drawWithThreads(float[] logits, int n, int v, int threads, double[] uOut) {
    ConfigProto cfg =
        ConfigProto.newBuilder()
            .setIntraOpParallelismThreads(threads)
            .setInterOpParallelismThreads(1)
            .build();
    try (GraphRuntime rt = new GraphRuntime(g -> new Session(g, cfg))) {
      Ops tf = rt.tf();
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, v)));
      Placeholder<TInt64> seed = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(2)));
      var u = Sampling.uniform(tf, x, seed);
      var idx = Sampling.inverseCdf(tf, x, u);
      try (GraphRuntime.Outputs r =
          rt.run().feed(x, logits, n, v).feed(seed, new long[] {42, 3}, 2).fetch(idx, u).run()) {
        if (uOut != null) System.arraycopy(r.doubles(1), 0, uOut, 0, n);
        return r.ints(0);
      }
    }
  }

  /** Entries of -inf logits (masked) are never drawn, even when u is close to 1. */
  @Test
  void inversionNeverDrawsAMaskedEntry() {
    float ninf = Float.NEGATIVE_INFINITY;
    float[] row = {ninf, 0f, ninf, ninf, 1f, ninf};
    assertEquals(1, Sampling.drawFromUniform(row, 0));
    assertEquals(4, Sampling.drawFromUniform(row, 0.999999999));
    assertEquals(4, Sampling.drawFromUniform(row, Math.nextDown(1.0)));
    assertEquals(1, Sampling.drawFromUniform(row, 0.2689)); // 1 / (1 + e) = 0.26894
    assertEquals(4, Sampling.drawFromUniform(row, 0.2690));
  }

  @Test
  void badOptionsAreRejectedWithExactMessages() {
    assertEquals(
        "cfg must be >= 0, got -1.0",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    SampleOptions.builder()
                        .cfg(-1)
                        .topK(0)
                        .topP(0)
                        .moreSmooth(false)
                        .seed(0)
                        .greedy(false)
                        .build())
            .getMessage());
    assertEquals(
        "top_k must be >= 0, got -3",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    SampleOptions.builder()
                        .cfg(1.5)
                        .topK(-3)
                        .topP(0)
                        .moreSmooth(false)
                        .seed(0)
                        .greedy(false)
                        .build())
            .getMessage());
    assertEquals(
        "top_p must be in [0, 1], got 1.5",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    SampleOptions.builder()
                        .cfg(1.5)
                        .topK(0)
                        .topP(1.5)
                        .moreSmooth(false)
                        .seed(0)
                        .greedy(false)
                        .build())
            .getMessage());
    assertEquals(
        "top_p must be in [0, 1], got -0.1",
        assertThrows(IllegalArgumentException.class, () -> SampleOptions.defaults().withTopP(-0.1))
            .getMessage());
    assertEquals(
        "top_k must be >= 0, got -3",
        assertThrows(IllegalArgumentException.class, () -> Sampling.filter(ROW, 1, 12, -3, 0))
            .getMessage());
    assertEquals(
        "expected n*V = 2*12 = 24 floats, got 12",
        assertThrows(IllegalArgumentException.class, () -> Sampling.filter(ROW, 2, 12, 3, 0))
            .getMessage());
    assertEquals("cfg=1.5 k=900 p=0.96", SampleOptions.fidEval(0).label());
  }
}
