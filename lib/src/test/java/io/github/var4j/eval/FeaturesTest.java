package io.github.var4j.eval;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class FeaturesTest {
  @Test
  void rowsAndRowMajorHoldTheSameValues() {
    Features a = Features.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
    Features b = Features.ofRowMajor(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Features c = Features.ofRowMajor(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    for (Features f : new Features[] {a, b, c}) {
      assertEquals(2, f.n());
      assertEquals(3, f.d());
      assertEquals(6.0, f.get(1, 2));
      assertArrayEquals(new double[] {4, 5, 6}, f.row(1));
    }
    assertEquals(0.1f, Features.ofRowMajor(new float[] {0.1f}, 1, 1).get(0, 0)); // widened exactly
  }

  @Test
  void copiesItsInput() {
    double[][] rows = {{1, 2}};
    Features f = Features.of(rows);
    rows[0][0] = 9;
    assertEquals(1.0, f.get(0, 0));
  }

  @Test
  void badInputIsNamed() {
    assertEquals(
        "feature matrix has no samples (n = 0)",
        assertThrows(IllegalArgumentException.class, () -> Features.of(new double[0][]))
            .getMessage());
    assertEquals(
        "feature matrix has no samples (n = 0)",
        assertThrows(IllegalArgumentException.class, () -> Features.ofRowMajor(new float[0], 0, 16))
            .getMessage());
    assertEquals(
        "feature matrix has no values per sample (d = 0)",
        assertThrows(IllegalArgumentException.class, () -> Features.of(new double[][] {{}}))
            .getMessage());
    assertEquals(
        "feature matrix is ragged: sample 1 has 1 values, sample 0 has 2",
        assertThrows(
                IllegalArgumentException.class, () -> Features.of(new double[][] {{1, 2}, {3}}))
            .getMessage());
    assertEquals(
        "feature array holds 5 values but (n, d) = (2, 3) needs 6",
        assertThrows(IllegalArgumentException.class, () -> Features.ofRowMajor(new float[5], 2, 3))
            .getMessage());
    assertEquals(
        "feature matrix holds NaN at sample 1, value 0",
        assertThrows(
                IllegalArgumentException.class,
                () -> Features.ofRowMajor(new float[] {1, 2, Float.NaN, 4}, 2, 2))
            .getMessage());
    assertEquals(
        "feature matrix holds -Infinity at sample 0, value 1",
        assertThrows(
                IllegalArgumentException.class,
                () -> Features.of(new double[][] {{1, Double.NEGATIVE_INFINITY}}))
            .getMessage());
  }
}
