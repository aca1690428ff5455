package io.github.var4j.viz;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenMapColorsTest {

  /**
   * Codebook on a line m + t_v * d, d = (2, -6, 3)/7; largest |loading| is -6/7, so the axis is -d.
   */
  @Test
  void firstComponentOfCodebookOnALine() {
    double[] m = {0.3, -0.1, 2.0};
    double[] d = {2 / 7.0, -6 / 7.0, 3 / 7.0};
    double[] t = {0.5, -1, 2, 0, 1};
    float[] cb = new float[5 * 3];
    for (int v = 0; v < 5; v++)
      for (int c = 0; c < 3; c++) cb[v * 3 + c] = (float) (m[c] + t[v] * d[c]);
    TokenMapColors colors = TokenMapColors.fromCodebook(cb, 5, 3);

    double[] axis = colors.principalAxis(0);
    assertArrayEquals(new double[] {-2 / 7.0, 6 / 7.0, -3 / 7.0}, axis, 1e-6);
    // variance of t (mean 0.5, squared deviations sum 5, divisor V-1 = 4)
    assertEquals(1.25, colors.explainedVariance(0), 1e-5);
    assertEquals(0.0, colors.explainedVariance(1), 1e-6);

    // projection on -d is -t: min-max over {-0.5, 1, -2, 0, -1} -> (p + 2) / 3
    double[] expectedR = {0.5, 1.0, 0.0, 2 / 3.0, 1 / 3.0};
    for (int v = 0; v < 5; v++) {
      float[] u = colors.unitRgbOf(v);
      assertEquals(expectedR[v], u[0], 1e-5, "R of code " + v);
      assertEquals(0.5f, u[1], 0f, "zero-spread component -> 0.5");
      assertEquals(0.5f, u[2], 0f, "zero-spread component -> 0.5");
    }
    assertEquals(0x008080, colors.rgbOf(2)); // t = 2 -> R 0
    assertEquals(0xFF8080, colors.rgbOf(1)); // t = -1 -> R 255
    assertEquals(0x808080, colors.rgbOf(0)); // R round(127.5) = 128
    assertEquals(0xAA8080, colors.rgbOf(3)); // round(2/3*255) = 170
  }

  /** Axis-aligned cross: variance 4.5 along x, 0.5 along y, none along z. */
  @Test
  void twoComponentsOfAHandCase() {
    float[] cb = {3, 0, 0, -3, 0, 0, 0, 1, 0, 0, -1, 0};
    TokenMapColors colors = TokenMapColors.fromCodebook(cb, 4, 3);
    assertArrayEquals(new double[] {1, 0, 0}, colors.principalAxis(0), 1e-12);
    assertArrayEquals(new double[] {0, 1, 0}, colors.principalAxis(1), 1e-12);
    assertEquals(6.0, colors.explainedVariance(0), 1e-9); // (9+9)/3
    assertEquals(2 / 3.0, colors.explainedVariance(1), 1e-9); // (1+1)/3
    assertEquals(0xFF8080, colors.rgbOf(0));
    assertEquals(0x008080, colors.rgbOf(1));
    assertEquals(0x80FF80, colors.rgbOf(2));
    assertEquals(0x800080, colors.rgbOf(3));
  }

  static float[] randomCodebook(long seed, int v, int c) {
    Random rnd = new Random(seed);
    float[] cb = new float[v * c];
    for (int i = 0; i < cb.length; i++) cb[i] = (float) rnd.nextGaussian();
    return cb;
  }

  @Test
  void randomCodebookGivesDeterministicDistinctColours() {
    int V = 64, C = 8;
    float[] cb = randomCodebook(42, V, C);
    TokenMapColors a = TokenMapColors.fromCodebook(cb, V, C);
    TokenMapColors b = TokenMapColors.fromCodebook(cb.clone(), V, C);
    Set<Integer> distinct = new HashSet<>();
    for (int v = 0; v < V; v++) {
      assertEquals(a.rgbOf(v), b.rgbOf(v));
      assertEquals(a.colorOf(v).getRGB() & 0xFFFFFF, a.rgbOf(v));
      distinct.add(a.rgbOf(v));
    }
    assertEquals(V, distinct.size(), "distinct codes get distinct colours");
    // every channel uses the full range [0, 255] (min-max normalisation)
    for (int ch = 0; ch < 3; ch++) {
      int lo = 255, hi = 0;
      for (int v = 0; v < V; v++) {
        int val = (a.rgbOf(v) >> (16 - 8 * ch)) & 0xFF;
        lo = Math.min(lo, val);
        hi = Math.max(hi, val);
      }
      assertEquals(0, lo, "channel " + ch);
      assertEquals(255, hi, "channel " + ch);
    }
  }

  @Test
  void axesAreOrthonormalSortedEigenvectorsWithSignConvention() {
    int V = 50, C = 6;
    float[] cb = randomCodebook(5, V, C);
    TokenMapColors colors = TokenMapColors.fromCodebook(cb, V, C);
    double[] mean = new double[C];
    for (int v = 0; v < V; v++) for (int c = 0; c < C; c++) mean[c] += cb[v * C + c] / (double) V;
    double[][] cov = new double[C][C];
    for (int v = 0; v < V; v++) {
      for (int i = 0; i < C; i++) {
        for (int j = 0; j < C; j++) {
          cov[i][j] += (cb[v * C + i] - mean[i]) * (cb[v * C + j] - mean[j]) / (V - 1);
        }
      }
    }
    for (int k = 0; k < 3; k++) {
      double[] a = colors.principalAxis(k);
      // Cov a = lambda a
      for (int i = 0; i < C; i++) {
        double s = 0;
        for (int j = 0; j < C; j++) s += cov[i][j] * a[j];
        assertEquals(colors.explainedVariance(k) * a[i], s, 1e-9);
      }
      for (int l = 0; l < 3; l++) {
        double dot = 0;
        double[] b = colors.principalAxis(l);
        for (int i = 0; i < C; i++) dot += a[i] * b[i];
        assertEquals(k == l ? 1.0 : 0.0, dot, 1e-9);
      }
      int arg = 0;
      for (int i = 1; i < C; i++) if (Math.abs(a[i]) > Math.abs(a[arg])) arg = i;
      assertTrue(a[arg] > 0, "largest loading positive");
      if (k > 0) assertTrue(colors.explainedVariance(k) <= colors.explainedVariance(k - 1));
    }
    // the top eigenvalue is the largest eigenvalue: no direction of a few random ones has more
    // variance
    Random rnd = new Random(1);
    for (int trial = 0; trial < 20; trial++) {
      double[] u = new double[C];
      double n = 0;
      for (int i = 0; i < C; i++) n += (u[i] = rnd.nextGaussian()) * u[i];
      double q = 0;
      for (int i = 0; i < C; i++) for (int j = 0; j < C; j++) q += u[i] * cov[i][j] * u[j];
      assertTrue(q / n <= colors.explainedVariance(0) + 1e-12);
    }
  }

  @Test
  void negatedCodebookKeepsAxesAndMirrorsColours() {
    int V = 32, C = 5;
    float[] cb = randomCodebook(11, V, C);
    float[] neg = new float[cb.length];
    for (int i = 0; i < cb.length; i++) neg[i] = -cb[i];
    TokenMapColors a = TokenMapColors.fromCodebook(cb, V, C);
    TokenMapColors b = TokenMapColors.fromCodebook(neg, V, C);
    for (int k = 0; k < 3; k++) assertArrayEquals(a.principalAxis(k), b.principalAxis(k), 1e-9);
    for (int v = 0; v < V; v++) {
      float[] ua = a.unitRgbOf(v), ub = b.unitRgbOf(v);
      for (int ch = 0; ch < 3; ch++) assertEquals(1f - ua[ch], ub[ch], 1e-5f);
    }
  }

  @Test
  void smallCvaeFillsMissingComponentsWithHalf() {
    float[] cb = {0f, 1f, 2f, 4f}; // V=4, Cvae=1
    TokenMapColors colors = TokenMapColors.fromCodebook(cb, 4, 1);
    assertEquals(0x008080, colors.rgbOf(0));
    assertEquals(0xFF8080, colors.rgbOf(3));
    assertEquals(0x408080, colors.rgbOf(1)); // round(0.25*255) = 64
    assertArrayEquals(new double[] {0}, colors.principalAxis(2));
  }

  @Test
  void validationMessages() {
    assertEquals(
        "codebook.length must be vocabSize*cvae = 4*3 = 12, got 11",
        assertThrows(
                IllegalArgumentException.class,
                () -> TokenMapColors.fromCodebook(new float[11], 4, 3))
            .getMessage());
    TokenMapColors c = TokenMapColors.fromCodebook(randomCodebook(1, 4, 3), 4, 3);
    assertEquals(
        "code must be in [0, 4), got 4",
        assertThrows(IllegalArgumentException.class, () -> c.colorOf(4)).getMessage());
    assertEquals(
        "code must be in [0, 4), got -1",
        assertThrows(IllegalArgumentException.class, () -> c.rgbOf(-1)).getMessage());
    float[] bad = new float[6];
    bad[4] = Float.NaN;
    assertEquals(
        "codebook must be finite, got NaN at row 2, column 0",
        assertThrows(IllegalArgumentException.class, () -> TokenMapColors.fromCodebook(bad, 3, 2))
            .getMessage());
  }
}
