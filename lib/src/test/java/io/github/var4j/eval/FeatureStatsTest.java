package io.github.var4j.eval;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class FeatureStatsTest {
  @Test
  void meanAndUnbiasedCovarianceOfAHandCase() {
    // samples (1, 2), (3, 6), (5, 4): mean (3, 4); centred (-2, -2), (0, 2), (2, 0);
    // N - 1 = 2: var x = 8/2 = 4, var y = 8/2 = 4, cov xy = 4/2 = 2
    FeatureStats s = FeatureStats.of(Features.of(new double[][] {{1, 2}, {3, 6}, {5, 4}}));
    assertEquals(3, s.n());
    assertEquals(2, s.d());
    assertArrayEquals(new double[] {3, 4}, s.mean(), 1e-15);
    assertArrayEquals(new double[] {4, 2}, s.covariance()[0], 1e-15);
    assertArrayEquals(new double[] {2, 4}, s.covariance()[1], 1e-15);
  }

  @Test
  void largeOffsetsDoNotCancel() {
    // two-pass: the covariance of x + 1e9 is that of x (a one-pass sum of squares loses it all)
    double[][] rows = {{1e9 + 1}, {1e9 + 2}, {1e9 + 3}, {1e9 + 4}};
    FeatureStats s = FeatureStats.of(Features.of(rows));
    assertEquals(5.0 / 3, s.covariance()[0][0], 1e-12);
  }

  @Test
  void everyEntryOfALargerCovarianceIsComputed() {
    // the parallel row blocks (16 rows) must cover every entry, for d not a multiple of 16
    int n = 50, d = 37;
    double[][] rows = new double[n][d];
    java.util.Random r = new java.util.Random(5);
    for (double[] row : rows) for (int j = 0; j < d; j++) row[j] = r.nextGaussian() * (j + 1);
    FeatureStats s = FeatureStats.of(Features.of(rows));
    double[][] c = s.covariance();
    for (int j = 0; j < d; j++)
      for (int l = 0; l < d; l++) {
        double want = 0, mj = s.mean()[j], ml = s.mean()[l];
        for (double[] row : rows) want += (row[j] - mj) * (row[l] - ml);
        assertEquals(want / (n - 1), c[j][l], 1e-12 * (j + 1) * (l + 1), "[" + j + "][" + l + "]");
      }
  }

  @Test
  void isImmutableAndComparesByValue() {
    double[] mean = {1, 2};
    double[][] cov = {{1, 0}, {0, 1}};
    FeatureStats s = new FeatureStats(mean, cov, 10);
    mean[0] = 7;
    cov[0][0] = 7;
    s.mean()[1] = 7;
    s.covariance()[1][1] = 7;
    assertEquals(new FeatureStats(new double[] {1, 2}, new double[][] {{1, 0}, {0, 1}}, 10), s);
    assertEquals("FeatureStats[n=10, d=2]", s.toString());
  }

  @Test
  void badStatisticsAreNamed() {
    assertEquals(
        "feature statistics need at least 2 samples for a covariance, got n = 1",
        assertThrows(
                IllegalArgumentException.class,
                () -> FeatureStats.of(Features.of(new double[][] {{1, 2}})))
            .getMessage());
    assertEquals(
        "covariance has 1 rows but the mean has d = 2 features",
        assertThrows(
                IllegalArgumentException.class,
                () -> new FeatureStats(new double[2], new double[][] {{1, 0}}, 5))
            .getMessage());
    assertEquals(
        "covariance row 1 has 1 values, expected d = 2",
        assertThrows(
                IllegalArgumentException.class,
                () -> new FeatureStats(new double[2], new double[][] {{1, 0}, {0}}, 5))
            .getMessage());
    assertEquals(
        "covariance is not symmetric: [0][1] = 0.5 but [1][0] = 0.0",
        assertThrows(
                IllegalArgumentException.class,
                () -> new FeatureStats(new double[2], new double[][] {{1, 0.5}, {0, 1}}, 5))
            .getMessage());
    assertEquals(
        "covariance holds NaN at [1][1]",
        assertThrows(
                IllegalArgumentException.class,
                () -> new FeatureStats(new double[2], new double[][] {{1, 0}, {0, Double.NaN}}, 5))
            .getMessage());
    assertEquals(
        "mean holds Infinity at feature 0",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    new FeatureStats(
                        new double[] {Double.POSITIVE_INFINITY, 0},
                        new double[][] {{1, 0}, {0, 1}},
                        5))
            .getMessage());
    assertEquals(
        "feature statistics have no features (d = 0)",
        assertThrows(
                IllegalArgumentException.class,
                () -> new FeatureStats(new double[0], new double[0][], 5))
            .getMessage());
  }
}
