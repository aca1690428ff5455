package io.github.var4j.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PrecisionRecallTest {
  static Features points1d(double... x) {
    double[][] rows = new double[x.length][];
    for (int i = 0; i < x.length; i++) rows[i] = new double[] {x[i]};
    return Features.of(rows);
  }

  static Features gaussian(int n, int d, double offset, long seed) {
    Random r = new Random(seed);
    double[][] rows = new double[n][d];
    for (double[] row : rows) for (int j = 0; j < d; j++) row[j] = offset + r.nextGaussian();
    return Features.of(rows);
  }

  @Test
  void identicalSetsHavePrecisionAndRecallOne() throws IOException {
    Features a = FidTest.reference("fid_a.npy");
    PrecisionRecall.Result r = PrecisionRecall.of(a, a);
    assertEquals(1.0, r.precision());
    assertEquals(1.0, r.recall());
    assertEquals(3, r.k());
  }

  @Test
  void farApartClustersHavePrecisionAndRecallZero() {
    PrecisionRecall.Result r = PrecisionRecall.of(gaussian(200, 8, 0, 1), gaussian(150, 8, 100, 2));
    assertEquals(0.0, r.precision());
    assertEquals(0.0, r.recall());
  }

  @Test
  void kthNeighbourRadiiExcludeTheSampleItself() {
    // real {0, 1, 2, 10}; k = 1: nearest others 1, 1, 1, 8; k = 2: 2, 1, 2, 9 (squared radii)
    Features real = points1d(0, 1, 2, 10);
    assertArrayEquals(new double[] {1, 1, 1, 64}, PrecisionRecall.kthNeighbourRadii(real, 1));
    assertArrayEquals(new double[] {4, 1, 4, 81}, PrecisionRecall.kthNeighbourRadii(real, 2));
    assertArrayEquals(new double[] {100, 81, 64, 100}, PrecisionRecall.kthNeighbourRadii(real, 3));
  }

  @Test
  void handCheckedConfigurationCountsTheBoundaryAsInside() {
    // k = 1. Real {0, 1, 2, 10}: radii 1, 1, 1, 8, balls [-1, 1], [0, 2], [1, 3], [2, 18].
    // Generated {2.5, 3, 20, 21}: radii 0.5, 0.5, 1, 1, balls [2, 3], [2.5, 3.5], [19, 21], [20,
    // 22].
    // Precision: 2.5 in [1, 3], 3 on the edge of [1, 3] (and in [2, 18]), 20 and 21 outside: 2/4.
    // Recall: 2 on the edge of [2, 3]; 0, 1 and 10 outside every generated ball: 1/4.
    PrecisionRecall.Result r =
        PrecisionRecall.of(points1d(0, 1, 2, 10), points1d(2.5, 3, 20, 21), 1);
    assertEquals(0.5, r.precision());
    assertEquals(0.25, r.recall());
    // the same with the sets swapped: precision and recall trade places
    PrecisionRecall.Result s =
        PrecisionRecall.of(points1d(2.5, 3, 20, 21), points1d(0, 1, 2, 10), 1);
    assertEquals(0.25, s.precision());
    assertEquals(0.5, s.recall());
  }

  @Test
  void matchesTheNumpyReferenceImplementation() throws IOException {
    // experiments/tools/fid_reference.py (brute force as NVlabs'
    // improved-precision-and-recall-metric,
    // k = 3): precision 39/300 = 0.13, recall 128/300 = 0.42666...; counts, so exact
    PrecisionRecall.Result r =
        PrecisionRecall.of(FidTest.reference("fid_a.npy"), FidTest.reference("fid_b.npy"));
    assertEquals(39, Math.round(r.precision() * 300));
    assertEquals(128, Math.round(r.recall() * 300));
    assertEquals(0.13, r.precision(), 1e-15);
    assertEquals(0.4266666666666667, r.recall(), 1e-15);
  }

  @Test
  void badInputIsNamed() {
    assertEquals(
        "k = 3 is larger than n - 1 = 2: the generated set has n = 3 samples, so each has only 2"
            + " neighbours besides itself",
        assertThrows(
                IllegalArgumentException.class,
                () -> PrecisionRecall.of(points1d(0, 1, 2, 3, 4), points1d(0, 1, 2)))
            .getMessage());
    assertEquals(
        "k = 5 is larger than n - 1 = 3: the real set has n = 4 samples, so each has only 3"
            + " neighbours besides itself",
        assertThrows(
                IllegalArgumentException.class,
                () -> PrecisionRecall.of(points1d(0, 1, 2, 3), points1d(0, 1, 2, 3, 4, 5), 5))
            .getMessage());
    assertEquals(
        "k must be >= 1, got 0",
        assertThrows(
                IllegalArgumentException.class,
                () -> PrecisionRecall.of(points1d(0, 1), points1d(0, 1), 0))
            .getMessage());
    assertEquals(
        "feature sets have different dimensions: real has d = 8, generated has d = 1",
        assertThrows(
                IllegalArgumentException.class,
                () -> PrecisionRecall.of(gaussian(10, 8, 0, 1), points1d(0, 1, 2, 3)))
            .getMessage());
  }
}
