package io.github.var4j.eval;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.io.Npy;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FidTest {
  /** The committed scipy reference pair: 300 x 16 float32 each. */
  static Features reference(String name) throws IOException {
    Path dir =
        Path.of(System.getProperty("var4j.root", "..")).resolve("lib/src/test/resources/eval");
    Npy.Array a = Npy.read(dir.resolve(name));
    assertArrayEquals(new int[] {300, 16}, a.intShape());
    assertEquals("<f4", a.dtype());
    return Features.ofRowMajor(a.floats(), 300, 16);
  }

  static FeatureStats gaussian(double[] mean, double[][] cov) {
    return new FeatureStats(mean, cov, 1000);
  }

  static double[][] diag(double... v) {
    double[][] m = new double[v.length][v.length];
    for (int i = 0; i < v.length; i++) m[i][i] = v[i];
    return m;
  }

  /** R S Rᵀ. */
  static double[][] rotate(double[][] r, double[][] s) {
    int d = s.length;
    double[][] out = new double[d][d];
    for (int i = 0; i < d; i++)
      for (int j = 0; j < d; j++)
        for (int k = 0; k < d; k++)
          for (int l = 0; l < d; l++) out[i][j] += r[i][k] * s[k][l] * r[j][l];
    // exactly symmetric, as a covariance is
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < i; j++) out[i][j] = out[j][i];
    }
    return out;
  }

  @Test
  void diagonalCovariancesHaveTheClosedForm() {
    // ‖Δμ‖² = 1 + 0 + 4 = 5; Σ (σ1 + σ2 − 2√(σ1σ2)) = (1 + 4 − 4) + (4 + 1 − 4) + (9 + 9 − 18) = 2
    FeatureStats a = gaussian(new double[] {0, 1, 2}, diag(1, 4, 9));
    FeatureStats b = gaussian(new double[] {1, 1, 0}, diag(4, 1, 9));
    assertEquals(7.0, Fid.distance(a, b), 1e-12);
    assertEquals(7.0, Fid.distance(b, a), 1e-12);
  }

  @Test
  void commonRotationLeavesTheDiagonalAnswer() {
    // Σ1 = R diag(1, 4, 9) Rᵀ, Σ2 = R diag(4, 1, 9) Rᵀ: they commute, FID = 2 + ‖Δμ‖² = 2 + 3
    double c = Math.cos(0.7), s = Math.sin(0.7), c2 = Math.cos(-1.1), s2 = Math.sin(-1.1);
    double[][] rz = {{c, -s, 0}, {s, c, 0}, {0, 0, 1}}, rx = {{1, 0, 0}, {0, c2, -s2}, {0, s2, c2}};
    double[][] r = new double[3][3]; // R = Rz Rx
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) for (int k = 0; k < 3; k++) r[i][j] += rz[i][k] * rx[k][j];
    FeatureStats a = gaussian(new double[] {1, 1, 1}, rotate(r, diag(1, 4, 9)));
    FeatureStats b = gaussian(new double[] {0, 0, 0}, rotate(r, diag(4, 1, 9)));
    assertEquals(5.0, Fid.distance(a, b), 1e-12);
  }

  @Test
  void nonCommutingRotatedCovarianceHasTheTwoByTwoClosedForm() {
    // Σ1 = diag(4, 1); Σ2 = R(30°) diag(9, 1) R(30°)ᵀ = [[7, 2√3], [2√3, 3]] (det 9).
    // For 2x2, Tr √(Σ1Σ2) = √(Tr Σ1Σ2 + 2√(det Σ1 det Σ2)) = √(31 + 2·6) = √43,
    // so FID = Tr Σ1 + Tr Σ2 − 2√43 = 15 − 2√43 (≈ 1.8853) with equal means.
    double c = Math.cos(Math.PI / 6), s = Math.sin(Math.PI / 6);
    double[][] sigma2 = rotate(new double[][] {{c, -s}, {s, c}}, diag(9, 1));
    assertEquals(7.0, sigma2[0][0], 1e-14);
    assertEquals(2 * Math.sqrt(3), sigma2[0][1], 1e-14);
    FeatureStats a = gaussian(new double[] {0, 0}, diag(4, 1));
    FeatureStats b = gaussian(new double[] {0, 0}, sigma2);
    assertEquals(15 - 2 * Math.sqrt(43), Fid.distance(a, b), 1e-13);
    assertEquals(15 - 2 * Math.sqrt(43), Fid.distance(b, a), 1e-13);
  }

  @Test
  void identicalSetsGiveZero() throws IOException {
    // Tolerance: Tr Σ is about 16 here; the three trace terms cancel to rounding (~1e-15 · Tr Σ
    // per eigenvalue, d = 16 of them); scipy's sqrtm gives 5.1e-13 for the same set.
    Features a = reference("fid_a.npy");
    assertEquals(0.0, Fid.distance(a, a), 1e-11);
    FeatureStats sa = FeatureStats.of(a);
    assertEquals(0.0, Fid.distance(sa, sa), 1e-11);
  }

  @Test
  void matchesScipySqrtmAsPytorchFidUsesIt() throws IOException {
    // Reference: experiments/tools/fid_reference.py, pytorch-fid's calculate_frechet_distance
    // (scipy.linalg.sqrtm of Σ1Σ2) on the float64-widened features; numpy 1.24.2 with scipy 1.10.1
    // and scipy 1.17.1 print the same digits. Tolerance 1e-10: both sides are float64 on the same
    // float32 inputs and differ only in summation order and in the square-root algorithm (a Schur
    // decomposition of the non-symmetric product against two symmetric eigendecompositions), each
    // ~1e-15 relative on terms of size Tr Σ ≈ 30 for a well-conditioned 16 x 16 problem.
    double want = 8.479513610364638;
    Features a = reference("fid_a.npy"), b = reference("fid_b.npy");
    assertEquals(want, Fid.distance(a, b), 1e-10);
    assertEquals(want, Fid.distance(b, a), 1e-10);
  }

  @Test
  void badInputIsNamed() throws IOException {
    Features a = reference("fid_a.npy");
    Features small = Features.ofRowMajor(new float[16 * 16], 16, 16);
    assertEquals(
        "FID needs more samples than feature dimensions: set b has n = 16 samples of d = 16"
            + " features (its covariance is singular)",
        assertThrows(IllegalArgumentException.class, () -> Fid.distance(a, small)).getMessage());
    assertEquals(
        "FID needs more samples than feature dimensions: set a has n = 3 samples of d = 3"
            + " features (its covariance is singular)",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    Fid.distance(
                        new FeatureStats(new double[3], diag(1, 1, 1), 3),
                        gaussian(new double[3], diag(1, 1, 1))))
            .getMessage());
    assertEquals(
        "feature sets have different dimensions: a has d = 16, b has d = 15",
        assertThrows(
                IllegalArgumentException.class,
                () -> Fid.distance(a, Features.ofRowMajor(new float[300 * 15], 300, 15)))
            .getMessage());
    // eigenvalues 3 and -1 (Hipparchus returns them to rounding)
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    Fid.distance(
                        gaussian(new double[2], new double[][] {{1, 2}, {2, 1}}),
                        gaussian(new double[2], diag(1, 1))))
            .getMessage()
            .matches(
                "covariance of set a is not positive semi-definite: eigenvalue -[01]\\.\\d+"
                    + " \\(largest [23]\\.\\d+\\)"));
  }

  @Test
  void aCovarianceOfSetBThatIsNotPositiveSemiDefiniteIsNamed() {
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    Fid.distance(
                        gaussian(new double[2], diag(1, 1)),
                        gaussian(new double[2], new double[][] {{1, 2}, {2, 1}})))
            .getMessage()
            .startsWith(
                "Σa^{1/2} Σb Σa^{1/2} (from the covariance of set b) is not positive"
                    + " semi-definite: eigenvalue -"));
  }

  @Test
  void constantFeaturesAreClampedRoundingNotErrors() {
    // a feature that never changes has variance 0: Σ is singular but positive semi-definite
    double[][] rows = new double[40][3];
    java.util.Random r = new java.util.Random(3);
    for (double[] row : rows) {
      row[0] = r.nextGaussian();
      row[1] = 2 * row[0]; // a linear combination: a second zero eigenvalue
      row[2] = 5;
    }
    Features x = Features.of(rows);
    assertEquals(0.0, Fid.distance(x, x), 1e-12);
  }
}
