package io.github.var4j.train;

import io.github.var4j.util.Require;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * RAR's annealed random orders (Yu et al. 2024, "Randomized Autoregressive Visual Generation";
 * {@code bytedance/1d-tokenizer}: {@code modeling/rar.py sample_orders}, {@code
 * utils/train_utils.py get_rar_random_ratio}): at training step t each image's L tokens are put in
 * a uniformly random order with probability r(t), else kept in raster order, with
 *
 * <pre>
 * r(t) = 1                                   t &lt; start
 *        1 - (t - start) / (end - start)     start ≤ t ≤ end
 *        0                                   t &gt; end
 * </pre>
 *
 * and start, end at fractions of the training steps: by default 1/2 and 3/4, as RAR's configuration
 * puts them (125,000 and 187,500 of 250,000 steps, {@code configs/training/generator/rar.yaml};
 * {@link Anneal#RAR}). So the model learns from every order first and ends on the raster order, in
 * which it samples.
 *
 * <p>The draws of step t are a pure function of (seed, t): a resumed run permutes exactly what the
 * uninterrupted one did.
 *
 * @param steps the run's training steps
 * @param seed seed of the draws
 * @param anneal where r(t) starts to fall and where it reaches 0, as fractions of the steps
 */
public record RandomOrder(long steps, long seed, Anneal anneal) {
  /**
   * Where the annealing starts and ends, as fractions of the training steps, {@code 0 ≤ start ≤ end
   * ≤ 1}: r(t) = 1 before {@code start}, 0 after {@code end}.
   */
  public record Anneal(double start, double end) {
    /** RAR's: 1/2 and 3/4 (200 and 300 of 400 epochs). */
    public static final Anneal RAR = new Anneal(0.5, 0.75);

    public Anneal {
      Require.fraction("anneal start", start);
      Require.fraction("anneal end", end);
      if (end < start)
        throw new IllegalArgumentException(
            "the annealing must end no earlier than it starts, got start %s and end %s"
                .formatted(start, end));
    }
  }

  public RandomOrder {
    Require.positive("steps", steps);
    Objects.requireNonNull(anneal, "anneal");
  }

  /** RAR's annealing ({@link Anneal#RAR}). */
  public RandomOrder(long steps, long seed) {
    this(steps, seed, Anneal.RAR);
  }

  /** The first step of the annealing: round(steps · start). */
  public long annealStart() {
    return Math.round(steps * anneal.start());
  }

  /** The step from which every image is in raster order: round(steps · end). */
  public long annealEnd() {
    return Math.round(steps * anneal.end());
  }

  /** r(t), the probability that an image of step t is permuted. */
  public double ratio(long step) {
    long start = annealStart(), end = annealEnd();
    if (step < start) return 1.0;
    if (step > end || end == start) return 0.0;
    return 1.0 - (double) (step - start) / (end - start);
  }

  /**
   * The orders of the n images of step t: (n, L) row-major, row b a permutation π_b of 0..L-1
   * (uniform with probability r(t), else the identity).
   */
  public int[] orders(long step, int n, int l) {
    Require.nonNegative("n", n);
    Require.positive("L", l);
    double r = ratio(step);
    SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
    int[] out = new int[n * l];
    for (int b = 0; b < n; b++) {
      int o = b * l;
      for (int i = 0; i < l; i++) out[o + i] = i;
      if (rng.nextDouble() < r) {
        for (int i = l - 1; i > 0; i--) { // Fisher-Yates
          int j = rng.nextInt(i + 1);
          int t = out[o + i];
          out[o + i] = out[o + j];
          out[o + j] = t;
        }
      }
    }
    return out;
  }

  /**
   * The tokens in the given orders: out[b, i] = tokens[b, π_b(i)], both (n, L) row-major.
   *
   * @throws IllegalArgumentException if the lengths differ or are not a multiple of L, or an order
   *     holds a position outside 0..L-1
   */
  public static int[] permute(int[] tokensBL, int[] orderBL, int l) {
    Require.positive("L", l);
    if (tokensBL.length != orderBL.length || tokensBL.length % l != 0)
      throw new IllegalArgumentException(
          "tokens and orders must both hold n*%s ids, got %s and %s"
              .formatted(l, tokensBL.length, orderBL.length));
    int[] out = new int[tokensBL.length];
    for (int k = 0; k < out.length; k++) {
      int p = orderBL[k];
      if (p < 0 || p >= l)
        throw new IllegalArgumentException(
            "order positions must be in [0, %s), got %s".formatted(l, p));
      out[k] = tokensBL[k - k % l + p];
    }
    return out;
  }
}
