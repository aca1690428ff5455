package io.github.var4j.eval;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class InceptionScoreTest {
  static Features oneHot(int c, int... classes) {
    double[][] p = new double[classes.length][c];
    for (int i = 0; i < classes.length; i++) p[i][classes[i]] = 1;
    return Features.of(p);
  }

  @Test
  void uniformPredictionsScoreOne() {
    double[][] p = new double[100][10];
    for (double[] row : p) java.util.Arrays.fill(row, 0.1);
    InceptionScore.Result r = InceptionScore.of(Features.of(p));
    assertEquals(1.0, r.mean(), 1e-12);
    assertEquals(0.0, r.std(), 1e-12);
    assertEquals(10, r.splits());
  }

  @Test
  void confidentBalancedPredictionsScoreTheNumberOfClasses() {
    // 200 samples, 10 splits of 20, each split holds every one of the C = 4 classes 5 times
    int c = 4;
    int[] classes = new int[200];
    for (int i = 0; i < classes.length; i++) classes[i] = i % c;
    InceptionScore.Result r = InceptionScore.of(oneHot(c, classes));
    assertEquals(4.0, r.mean(), 1e-12);
    assertEquals(0.0, r.std(), 1e-12);
  }

  @Test
  void handComputedCase() {
    // p1 = (1, 0), p2 = (0.5, 0.5): p(y) = (0.75, 0.25);
    // KL1 = log(1/0.75) = log(4/3); KL2 = 0.5 log(0.5/0.75) + 0.5 log(0.5/0.25) = 0.5 log(4/3);
    // E KL = 0.75 log(4/3), IS = (4/3)^0.75 ≈ 1.2409 (0·log 0 counted as 0)
    Features p = Features.of(new double[][] {{1, 0}, {0.5, 0.5}});
    InceptionScore.Result r = InceptionScore.of(p, 1);
    assertEquals(Math.pow(4.0 / 3, 0.75), r.mean(), 1e-14);
    assertEquals(0.0, r.std());
  }

  @Test
  void meanAndPopulationStdOverSplits() {
    // split 1: one-hot over 2 classes, balanced -> 2; split 2: uniform -> 1; mean 1.5, np.std 0.5
    Features p = Features.of(new double[][] {{1, 0}, {0, 1}, {0.5, 0.5}, {0.5, 0.5}});
    InceptionScore.Result r = InceptionScore.of(p, 2);
    assertEquals(1.5, r.mean(), 1e-14);
    assertEquals(0.5, r.std(), 1e-14);
  }

  @Test
  void splitsCutLikeTheOfficialCode() {
    // n = 3, 2 splits: [0, 3/2) = {0} and [1, 3) = {1, 2} (integer division), scores 1 and 1;
    // cutting {0, 1} and {2} instead would give 2 and 1
    InceptionScore.Result r = InceptionScore.of(oneHot(2, 0, 1, 1), 2);
    assertEquals(1.0, r.mean(), 1e-14);
  }

  @Test
  void badInputIsNamed() {
    assertEquals(
        "Inception Score over 10 splits needs at least 10 samples, got 4",
        assertThrows(IllegalArgumentException.class, () -> InceptionScore.of(oneHot(2, 0, 1, 0, 1)))
            .getMessage());
    assertEquals(
        "splits must be >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> InceptionScore.of(oneHot(2, 0), 0))
            .getMessage());
    assertEquals(
        "probabilities of sample 1 sum to 0.9, not 1 (is it a softmax?)",
        assertThrows(
                IllegalArgumentException.class,
                () -> InceptionScore.of(Features.of(new double[][] {{1, 0}, {0.4, 0.5}}), 1))
            .getMessage());
    assertEquals(
        "probability -0.5 of sample 0, class 0 is outside [0, 1]",
        assertThrows(
                IllegalArgumentException.class,
                () -> InceptionScore.of(Features.of(new double[][] {{-0.5, 1.5}}), 1))
            .getMessage());
  }
}
