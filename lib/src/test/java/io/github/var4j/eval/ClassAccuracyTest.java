package io.github.var4j.eval;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ClassAccuracyTest {
  @Test
  void shareOfArgmaxEqualToTheLabel() {
    Features scores =
        Features.of(
            new double[][] {
              {0.1, 0.7, 0.2}, // 1
              {0.8, 0.1, 0.1}, // 0
              {-3, 2, 5}, // 2 (logits work too)
              {0.2, 0.2, 0.6} // 2
            });
    assertEquals(0.75, ClassAccuracy.of(scores, new int[] {1, 0, 2, 0}));
    assertEquals(1.0, ClassAccuracy.of(scores, new int[] {1, 0, 2, 2}));
    assertEquals(0.0, ClassAccuracy.of(scores, new int[] {0, 1, 1, 1}));
  }

  @Test
  void tiesGoToTheLowestClassAsNumpyArgmax() {
    Features scores = Features.of(new double[][] {{0.25, 0.5, 0.25, 0.0}, {0.5, 0.5, 0, 0}});
    assertEquals(1.0, ClassAccuracy.of(scores, new int[] {1, 0}));
    assertEquals(0.5, ClassAccuracy.of(scores, new int[] {1, 1}));
  }

  @Test
  void badInputIsNamed() {
    Features scores = Features.of(new double[][] {{1, 0}, {0, 1}});
    assertEquals(
        "class scores hold 2 samples but there are 3 labels",
        assertThrows(
                IllegalArgumentException.class, () -> ClassAccuracy.of(scores, new int[] {0, 1, 1}))
            .getMessage());
    assertEquals(
        "label 2 at index 1 is outside [0, 2)",
        assertThrows(
                IllegalArgumentException.class, () -> ClassAccuracy.of(scores, new int[] {0, 2}))
            .getMessage());
    assertEquals(
        "label -1 at index 0 is outside [0, 2)",
        assertThrows(
                IllegalArgumentException.class, () -> ClassAccuracy.of(scores, new int[] {-1, 0}))
            .getMessage());
  }
}
