package io.github.var4j.sample;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.testutil.Fixtures;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

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
      int removed = 0;
      for (int i = 0; i < expected.length; i++) {
        boolean eInf = expected[i] == Float.NEGATIVE_INFINITY,
            aInf = actual[i] == Float.NEGATIVE_INFINITY;
        assertEquals(
            eInf, aInf, file + ": -inf pattern differs at " + i + " (logit " + logits[i] + ")");
        if (!eInf)
          assertEquals(logits[i], actual[i], 0f, file + ": kept logits must be unchanged at " + i);
        if (eInf) removed++;
      }
      assertTrue(
          removed > 0 && removed < expected.length, file + " removes something but not everything");
      System.out.printf(
          "%-36s identical -inf pattern (%d of %d removed)%n", file, removed, expected.length);
    }
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
   * Empirical frequencies of n draws vs the expected probabilities: every category within 5
   * standard errors and Pearson's chi-square below the 0.999 quantile. The seed is fixed, so the
   * test is deterministic.
   */
  private static void assertFrequencies(int[] draws, double[] p, String what) {
    int n = draws.length;
    long[] count = new long[p.length];
    for (int d : draws) count[d]++;
    double chi2 = 0, maxZ = 0;
    int df = -1;
    for (int c = 0; c < p.length; c++) {
      if (p[c] == 0) {
        assertEquals(0, count[c], what + ": category " + c + " has probability 0 but was drawn");
        continue;
      }
      df++;
      double f = (double) count[c] / n, se = Math.sqrt(p[c] * (1 - p[c]) / n);
      maxZ = Math.max(maxZ, Math.abs(f - p[c]) / se);
      assertTrue(
          Math.abs(f - p[c]) <= 5 * se, what + ": category " + c + " freq " + f + " vs p " + p[c]);
      chi2 += Math.pow(count[c] - n * p[c], 2) / (n * p[c]);
    }
    // 0.999 quantiles of chi-square: df 5 -> 20.52, df 11 -> 31.26
    double crit = df == 11 ? 31.26 : df == 5 ? 20.52 : Double.NaN;
    assertFalse(Double.isNaN(crit), "no chi-square quantile for df " + df);
    assertTrue(chi2 < crit, what + ": chi-square " + chi2 + " >= " + crit + " (df " + df + ")");
    System.out.printf(
        "%-22s n=%d chi2=%.2f (df %d, crit %.2f) max|z|=%.2f%n", what, n, chi2, df, crit, maxZ);
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

  @Test
  void badOptionsAreRejectedWithExactMessages() {
    assertEquals(
        "cfg must be >= 0, got -1.0",
        assertThrows(
                IllegalArgumentException.class, () -> new SampleOptions(-1, 0, 0, false, 0, false))
            .getMessage());
    assertEquals(
        "top_k must be >= 0, got -3",
        assertThrows(
                IllegalArgumentException.class,
                () -> new SampleOptions(1.5, -3, 0, false, 0, false))
            .getMessage());
    assertEquals(
        "top_p must be in [0, 1], got 1.5",
        assertThrows(
                IllegalArgumentException.class,
                () -> new SampleOptions(1.5, 0, 1.5, false, 0, false))
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
