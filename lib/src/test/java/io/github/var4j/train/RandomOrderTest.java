package io.github.var4j.train;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** RAR's annealed random orders: the schedule, the permutations and their application. */
class RandomOrderTest {

  @Test
  void theRatioIsOneForTheFirstHalfThenFallsLinearlyToZeroAtThreeQuarters() {
    RandomOrder r = new RandomOrder(400, 1);
    assertEquals(200, r.annealStart());
    assertEquals(300, r.annealEnd());
    assertEquals(1.0, r.ratio(0));
    assertEquals(1.0, r.ratio(199));
    assertEquals(1.0, r.ratio(200));
    assertEquals(0.75, r.ratio(225));
    assertEquals(0.5, r.ratio(250));
    assertEquals(0.0, r.ratio(300));
    assertEquals(0.0, r.ratio(301));
    assertEquals(0.0, r.ratio(10_000));
    // RAR's own numbers: 250,000 steps, annealed from 125,000 to 187,500
    RandomOrder rar = new RandomOrder(250_000, 1);
    assertEquals(125_000, rar.annealStart());
    assertEquals(187_500, rar.annealEnd());
    assertEquals(0.5, rar.ratio(156_250));
    // the table's AR recipe: 3,656 steps
    RandomOrder ar = new RandomOrder(3656, 1);
    assertEquals(1828, ar.annealStart());
    assertEquals(2742, ar.annealEnd());
  }

  @Test
  void theAnnealingCanStartAndEndElsewhere() {
    RandomOrder r = new RandomOrder(400, 1, new RandomOrder.Anneal(0.25, 0.5));
    assertEquals(100, r.annealStart());
    assertEquals(200, r.annealEnd());
    assertEquals(1.0, r.ratio(99));
    assertEquals(0.5, r.ratio(150));
    assertEquals(0.0, r.ratio(200));
    // a step: shuffled before 1/2, raster from there on
    RandomOrder step = new RandomOrder(400, 1, new RandomOrder.Anneal(0.5, 0.5));
    assertEquals(1.0, step.ratio(199));
    assertEquals(0.0, step.ratio(200));
    // never shuffled, always shuffled
    assertEquals(0.0, new RandomOrder(400, 1, new RandomOrder.Anneal(0, 0)).ratio(0));
    assertEquals(1.0, new RandomOrder(400, 1, new RandomOrder.Anneal(1, 1)).ratio(399));
    assertEquals(new RandomOrder(400, 1, RandomOrder.Anneal.RAR), new RandomOrder(400, 1));
    assertEquals(
        RandomOrder.Anneal.RAR,
        VarTrainConfig.fashionMnistDefault().toBuilder().rarAnneal(null).build().rarAnneal(),
        "a training configuration without an annealing gets RAR's");
    assertEquals(
        "the annealing must end no earlier than it starts, got start 0.75 and end 0.5",
        assertThrows(IllegalArgumentException.class, () -> new RandomOrder.Anneal(0.75, 0.5))
            .getMessage());
    assertEquals(
        "anneal end must be in [0, 1], got 1.5",
        assertThrows(IllegalArgumentException.class, () -> new RandomOrder.Anneal(0.5, 1.5))
            .getMessage());
  }

  @Test
  void everyRowIsAPermutationRandomBeforeTheAnnealingAndRasterAfterIt() {
    int n = 50, l = 16;
    RandomOrder r = new RandomOrder(400, 7);
    int[] identity = new int[l];
    for (int i = 0; i < l; i++) identity[i] = i;
    int[] early = r.orders(10, n, l), late = r.orders(300, n, l);
    for (int b = 0; b < n; b++) {
      int[] row = Arrays.copyOfRange(early, b * l, (b + 1) * l);
      int[] sorted = row.clone();
      Arrays.sort(sorted);
      assertArrayEquals(identity, sorted, "row " + b + " is a permutation");
      // at ratio 1 every row is a uniform permutation: the identity has probability 1/16!, and
      // the seed is fixed, so this cannot fail by chance once it passed
      assertFalse(Arrays.equals(identity, row), "row " + b + " is shuffled");
      assertArrayEquals(identity, Arrays.copyOfRange(late, b * l, (b + 1) * l));
    }
    // a pure function of (seed, step)
    assertArrayEquals(early, r.orders(10, n, l));
    assertArrayEquals(early, new RandomOrder(400, 7).orders(10, n, l));
    assertFalse(Arrays.equals(early, r.orders(11, n, l)));
    assertFalse(Arrays.equals(early, new RandomOrder(400, 8).orders(10, n, l)));
  }

  /**
   * Halfway through the annealing half of the images are shuffled. Over 20,000 images of one fixed
   * seed the count is Binomial(20000, 1/2) (a non-identity row is a shuffled one except with
   * probability 1/8!): mean 10,000, standard deviation 70.7; the bound ±500 is 7 standard
   * deviations, which a correct schedule misses with probability below 3e-12 (and a wrong ratio,
   * e.g. 0.45 or 0.55, fails).
   */
  @Test
  void halfwayThroughTheAnnealingHalfTheImagesAreShuffled() {
    int n = 20_000, l = 8;
    int[] o = new RandomOrder(400, 3).orders(250, n, l);
    int shuffled = 0;
    for (int b = 0; b < n; b++) {
      boolean id = true;
      for (int i = 0; i < l; i++) id &= o[b * l + i] == i;
      if (!id) shuffled++;
    }
    assertEquals(n / 2.0, shuffled, 500, "shuffled images of " + n);
  }

  @Test
  void permuteTakesEachRowsTokensInItsOrder() {
    int[] tokens = {10, 11, 12, 20, 21, 22};
    int[] order = {2, 0, 1, 0, 1, 2};
    assertArrayEquals(new int[] {12, 10, 11, 20, 21, 22}, RandomOrder.permute(tokens, order, 3));
    assertEquals(
        "tokens and orders must both hold n*3 ids, got 6 and 3",
        assertThrows(
                IllegalArgumentException.class,
                () -> RandomOrder.permute(tokens, new int[] {0, 1, 2}, 3))
            .getMessage());
    assertEquals(
        "order positions must be in [0, 3), got 3",
        assertThrows(
                IllegalArgumentException.class,
                () -> RandomOrder.permute(tokens, new int[] {0, 1, 3, 0, 1, 2}, 3))
            .getMessage());
    assertEquals(
        "steps must be positive, got 0",
        assertThrows(IllegalArgumentException.class, () -> new RandomOrder(0, 1)).getMessage());
  }
}
