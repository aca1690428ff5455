package io.github.var4j.viz;

import java.awt.Color;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.EigenDecompositionSymmetric;
import org.hipparchus.linear.RealVector;

/**
 * Consistent colours for VQ code indices, from a PCA of the codebook: each codebook row (code
 * embedding) is projected onto the first 3 principal components, each component is min-max
 * normalised over the codebook to [0, 1], and (pc1, pc2, pc3) become (R, G, B). Codes with similar
 * embeddings get similar colours.
 *
 * <p>Sign convention (so colours don't flip between runs or eigen-solvers): each principal axis is
 * oriented so that its loading of largest absolute value is positive (ties: the lowest dimension
 * index). A component with (numerically) zero spread over the codebook - e.g. pc2 and pc3 of a
 * codebook lying on a line (up to float32 rounding), or missing components when Cvae < 3 - maps to
 * the constant 0.5.
 */
public final class TokenMapColors {
  /**
   * A component whose spread (max - min projection) is at most this times the largest |codebook
   * entry| is treated as constant (maps to 0.5): float32 rounding of the codebook alone gives
   * spreads ~1e-7 of that.
   */
  static final double DEGENERATE_REL = 1e-5;

  private final int vocabSize;
  private final int cvae;
  private final double[][] axes; // (3, Cvae) unit principal axes, zero rows for missing components
  private final double[]
      eigenvalues; // (3,) covariance eigenvalues (variance along each axis), 0 if missing
  private final float[][] unitRgb; // (V, 3) colours in [0, 1]
  private final int[] rgb; // (V,) packed 0xRRGGBB

  private TokenMapColors(
      int vocabSize, int cvae, double[][] axes, double[] eigenvalues, float[][] unitRgb) {
    this.vocabSize = vocabSize;
    this.cvae = cvae;
    this.axes = axes;
    this.eigenvalues = eigenvalues;
    this.unitRgb = unitRgb;
    this.rgb = new int[vocabSize];
    for (int v = 0; v < vocabSize; v++) {
      int r = (int) Math.round(unitRgb[v][0] * 255.0);
      int g = (int) Math.round(unitRgb[v][1] * 255.0);
      int b = (int) Math.round(unitRgb[v][2] * 255.0);
      rgb[v] = (r << 16) | (g << 8) | b;
    }
  }

  /**
   * PCA colours of a codebook.
   *
   * @param codebook (V, Cvae) row-major: row v is the embedding of code v
   * @param vocabSize V (>= 1)
   * @param cvae Cvae (>= 1)
   */
  public static TokenMapColors fromCodebook(float[] codebook, int vocabSize, int cvae) {
    if (codebook == null) throw new IllegalArgumentException("codebook must not be null");
    VizChecks.checkPositive("vocabSize", vocabSize);
    VizChecks.checkPositive("cvae", cvae);
    if (codebook.length != (long) vocabSize * cvae) {
      throw new IllegalArgumentException(
          "codebook.length must be vocabSize*cvae = %s*%s = %s, got %s"
              .formatted(vocabSize, cvae, (long) vocabSize * cvae, codebook.length));
    }
    for (int i = 0; i < codebook.length; i++) {
      if (!Float.isFinite(codebook[i])) {
        throw new IllegalArgumentException(
            "codebook must be finite, got "
                + codebook[i]
                + " at row "
                + (i / cvae)
                + ", column "
                + (i % cvae));
      }
    }
    int V = vocabSize, C = cvae;
    // mean (C,) and covariance (C, C) in double
    double[] mean = new double[C];
    for (int v = 0; v < V; v++) for (int c = 0; c < C; c++) mean[c] += codebook[v * C + c];
    for (int c = 0; c < C; c++) mean[c] /= V;
    double[][] xc = new double[V][C]; // centred codebook (V, C)
    for (int v = 0; v < V; v++)
      for (int c = 0; c < C; c++) xc[v][c] = codebook[v * C + c] - mean[c];
    double[][] cov = new double[C][C];
    for (int v = 0; v < V; v++) {
      double[] row = xc[v];
      for (int i = 0; i < C; i++) for (int j = i; j < C; j++) cov[i][j] += row[i] * row[j];
    }
    for (int i = 0; i < C; i++)
      for (int j = i; j < C; j++) cov[j][i] = cov[i][j] /= Math.max(1, V - 1);

    double[][] axes = new double[3][C];
    double[] eig = new double[3];
    // cov is exactly symmetric (mirrored above), as EigenDecompositionSymmetric requires
    EigenDecompositionSymmetric ed =
        new EigenDecompositionSymmetric(new Array2DRowRealMatrix(cov, false));
    double[] vals = ed.getEigenvalues();
    Integer[] order = IntStream.range(0, vals.length).boxed().toArray(Integer[]::new);
    // descending eigenvalue; ties by index for determinism
    Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -vals[i]).thenComparingInt(i -> i));
    for (int k = 0; k < Math.min(3, C); k++) {
      RealVector ev = ed.getEigenvector(order[k]);
      double[] a = ev.toArray();
      double norm = 0;
      for (double x : a) norm += x * x;
      norm = Math.sqrt(norm);
      int arg = 0;
      for (int c = 1; c < C; c++) if (Math.abs(a[c]) > Math.abs(a[arg]) * (1 + 1e-12)) arg = c;
      double sign = a[arg] < 0 ? -1.0 : 1.0;
      for (int c = 0; c < C; c++) axes[k][c] = sign * a[c] / norm;
      eig[k] = Math.max(0.0, vals[order[k]]);
    }

    // projections (V, 3), min-max normalised per component
    double[][] proj = new double[V][3];
    for (int v = 0; v < V; v++) {
      for (int k = 0; k < 3; k++) {
        double s = 0;
        for (int c = 0; c < C; c++) s += xc[v][c] * axes[k][c];
        proj[v][k] = s;
      }
    }
    double[] range = new double[3];
    double[] min = new double[3];
    for (int k = 0; k < 3; k++) {
      double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
      for (int v = 0; v < V; v++) {
        lo = Math.min(lo, proj[v][k]);
        hi = Math.max(hi, proj[v][k]);
      }
      min[k] = lo;
      range[k] = hi - lo;
    }
    double scaleRef = 0; // largest |codebook entry|, for the degeneracy test
    for (float f : codebook) scaleRef = Math.max(scaleRef, Math.abs(f));
    float[][] unit = new float[V][3];
    for (int k = 0; k < 3; k++) {
      boolean degenerate = !(range[k] > DEGENERATE_REL * scaleRef) || k >= C;
      for (int v = 0; v < V; v++) {
        unit[v][k] =
            degenerate
                ? 0.5f
                : (float) Math.min(1.0, Math.max(0.0, (proj[v][k] - min[k]) / range[k]));
      }
    }
    return new TokenMapColors(V, C, axes, eig, unit);
  }

  /** Colour of code {@code code} in [0, V). */
  public Color colorOf(int code) {
    return new Color(rgbOf(code));
  }

  /** Packed 0xRRGGBB colour of code {@code code} in [0, V). */
  public int rgbOf(int code) {
    checkCode(code);
    return rgb[code];
  }

  /**
   * (R, G, B) of code {@code code} in [0, 1] before 8-bit rounding: the normalised (pc1, pc2, pc3).
   */
  public float[] unitRgbOf(int code) {
    checkCode(code);
    return unitRgb[code].clone();
  }

  /**
   * Principal axis {@code k} in {0, 1, 2} as a unit vector (Cvae,), sign-normalised; zero if k >=
   * Cvae.
   */
  public double[] principalAxis(int k) {
    if (k < 0 || k > 2) throw new IllegalArgumentException("k must be in [0, 3), got " + k);
    return axes[k].clone();
  }

  /**
   * Codebook variance along principal axis {@code k} in {0, 1, 2} (covariance eigenvalue, divisor
   * V-1).
   */
  public double explainedVariance(int k) {
    if (k < 0 || k > 2) throw new IllegalArgumentException("k must be in [0, 3), got " + k);
    return eigenvalues[k];
  }

  public int vocabSize() {
    return vocabSize;
  }

  public int cvae() {
    return cvae;
  }

  private void checkCode(int code) {
    if (code < 0 || code >= vocabSize) {
      throw new IllegalArgumentException("code must be in [0, " + vocabSize + "), got " + code);
    }
  }
}
