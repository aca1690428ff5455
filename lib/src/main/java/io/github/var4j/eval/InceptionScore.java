package io.github.var4j.eval;

import io.github.var4j.util.Require;
import org.hipparchus.stat.descriptive.moment.StandardDeviation;

/**
 * Inception Score (Salimans et al. 2016) from a classifier's class probabilities p(y|x), (n, C):
 *
 * <pre>
 *   IS = exp( E_x KL(p(y|x) ‖ p(y)) ),   p(y) = E_x p(y|x)
 * </pre>
 *
 * computed as the official code does ({@code inception_score.py} of openai/improved-gan): the n
 * samples are cut in order into {@code splits} parts (part i holds samples [i·n/splits,
 * (i+1)·n/splits), integer division), each part gets its own marginal p(y) and its own score, and
 * the result is the mean and the population standard deviation (NumPy's {@code np.std}, ddof 0) of
 * the per-part scores. Float64 throughout. One difference: 0·log 0 counts as 0 (its limit), where
 * the official NumPy code returns NaN for a probability of exactly 0.
 *
 * <p>It ranges from 1 (every sample gets the same distribution, e.g. uniform) to C (confident
 * one-hot predictions spread evenly over the C classes). With a classifier other than Inception-v3
 * on ImageNet it is an "Inception Score analogue", comparable only with itself.
 */
public final class InceptionScore {
  /** The official number of splits. */
  public static final int DEFAULT_SPLITS = 10;

  /** A row of probabilities may sum to 1 ± this (float32 softmax over many classes rounds). */
  static final double SUM_TOLERANCE = 1e-3;

  /**
   * @param mean mean of the per-split scores
   * @param std population standard deviation of the per-split scores
   * @param splits number of splits
   */
  public record Result(double mean, double std, int splits) {}

  private InceptionScore() {}

  /** IS over {@link #DEFAULT_SPLITS} splits of (n, C) probabilities (n >= 10). */
  public static Result of(Features probabilities) {
    return of(probabilities, DEFAULT_SPLITS);
  }

  /**
   * IS over {@code splits} parts of (n, C) probabilities: every value in [0, 1], every row summing
   * to 1 within {@link #SUM_TOLERANCE}, n >= splits >= 1.
   */
  public static Result of(Features probabilities, int splits) {
    int n = probabilities.n(), c = probabilities.d();
    Require.atLeast("splits", splits, 1);
    if (n < splits)
      throw new IllegalArgumentException(
          "Inception Score over "
              + splits
              + " splits needs at least "
              + splits
              + " samples, got "
              + n);
    double[] p = probabilities.data();
    for (int i = 0; i < n; i++) {
      double sum = 0;
      for (int y = 0; y < c; y++) {
        double v = p[i * c + y];
        if (v < 0 || v > 1)
          throw new IllegalArgumentException(
              "probability " + v + " of sample " + i + ", class " + y + " is outside [0, 1]");
        sum += v;
      }
      if (Math.abs(sum - 1) > SUM_TOLERANCE)
        throw new IllegalArgumentException(
            "probabilities of sample " + i + " sum to " + sum + ", not 1 (is it a softmax?)");
    }

    double[] scores = new double[splits];
    for (int s = 0; s < splits; s++) {
      int begin = (int) ((long) s * n / splits), end = (int) ((long) (s + 1) * n / splits);
      double[] marginal = new double[c];
      for (int i = begin; i < end; i++) for (int y = 0; y < c; y++) marginal[y] += p[i * c + y];
      for (int y = 0; y < c; y++) marginal[y] /= end - begin;
      double kl = 0;
      for (int i = begin; i < end; i++)
        for (int y = 0; y < c; y++) {
          double v = p[i * c + y];
          if (v > 0) kl += v * (Math.log(v) - Math.log(marginal[y]));
        }
      scores[s] = Math.exp(kl / (end - begin));
    }
    double mean = 0;
    for (double s : scores) mean += s;
    mean /= splits;
    return new Result(mean, new StandardDeviation(false).evaluate(scores), splits);
  }
}
