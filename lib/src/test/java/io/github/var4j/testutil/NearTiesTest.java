package io.github.var4j.testutil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.var4j.sample.Sampling;
import org.junit.jupiter.api.Test;

/** The near-tie rule of {@link NearTies} on rows whose draws are known by hand. */
class NearTiesTest {
  /** Four equal logits: the CDF boundaries are at 0.25, 0.5, 0.75. */
  private static final float[] FLAT = {0f, 0f, 0f, 0f};

  @Test
  void aUniformAtABoundaryReachesBothNeighboursAndNothingElse() {
    double u = 0.5 + 1e-9; // draws 2; boundary of 1|2 within 1e-9
    assertEquals(2, Sampling.drawFromUniform(FLAT, u));
    assertTrue(NearTies.reachable(FLAT, 0, 0, u, 2, 1e-3));
    assertTrue(NearTies.reachable(FLAT, 0, 0, u, 1, 1e-3), "the neighbour across the boundary");
    assertFalse(NearTies.reachable(FLAT, 0, 0, u, 0, 1e-3), "two intervals away");
    assertFalse(NearTies.reachable(FLAT, 0, 0, u, 3, 1e-3));
  }

  @Test
  void aUniformInsideAnIntervalReachesOnlyItsToken() {
    double u = 0.6; // 0.1 from the boundary at 0.5: needs logit changes of about 0.2
    assertTrue(NearTies.reachable(FLAT, 0, 0, u, 2, 1e-3));
    assertFalse(NearTies.reachable(FLAT, 0, 0, u, 1, 1e-3));
    assertTrue(NearTies.reachable(FLAT, 0, 0, u, 1, 0.3), "a large delta reaches it");
  }

  @Test
  void theDistanceNeededGrowsWithTheGapToTheBoundary() {
    // with u = 0.5 + gap, token 1 needs F(1) > u: a logit shift of about 2·gap (d F / d x =
    // p(1-p)·2
    // near the middle of a flat row)
    for (double gap : new double[] {1e-6, 1e-5, 1e-4}) {
      assertTrue(NearTies.reachable(FLAT, 0, 0, 0.5 + gap, 1, 10 * gap), "gap " + gap);
      assertFalse(NearTies.reachable(FLAT, 0, 0, 0.5 + gap, 1, gap / 10), "gap " + gap);
    }
  }

  @Test
  void aTopKBoundaryTieKeepsTheOtherEntryReachable() {
    // top-2 of {3, 1, 1 + 1e-5, 0}: entry 2 is kept, entry 1 removed; within 1e-3 either may be
    float[] row = {3f, 1f, 1.00001f, 0f};
    double u = 0.999; // the last of the kept entries in vocabulary order
    float[] masked = Sampling.filter(row, 1, 4, 2, 0);
    assertEquals(2, Sampling.drawFromUniform(masked, u));
    assertTrue(NearTies.reachable(row, 2, 0, u, 2, 1e-3));
    assertTrue(NearTies.reachable(row, 2, 0, 0.95, 1, 1e-3), "1 could replace 2 in the top 2");
    assertFalse(NearTies.reachable(row, 2, 0, 0.95, 1, 1e-7), "not without the tie");
    assertFalse(NearTies.reachable(row, 2, 0, 0.5, 3, 1e-3), "3 is far below the k-th logit");
  }

  @Test
  void greedyAcceptsOnlyATopTwoMarginWithinTwoDelta() {
    float[] row = {0.5f, 2.0f, 1.9995f, -1f};
    assertTrue(NearTies.reachableGreedy(row, 1, 1e-3));
    assertTrue(NearTies.reachableGreedy(row, 2, 1e-3), "margin 5e-4 <= 2e-3");
    assertFalse(NearTies.reachableGreedy(row, 2, 1e-4), "margin 5e-4 > 2e-4");
    assertFalse(NearTies.reachableGreedy(row, 0, 1e-3));
  }
}
