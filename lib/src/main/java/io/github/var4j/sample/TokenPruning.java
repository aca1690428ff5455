package io.github.var4j.sample;

import java.util.Arrays;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gather;
import org.tensorflow.op.math.Mean;
import org.tensorflow.op.nn.TopK;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Cached token pruning at the fine scales, FastVAR's rule (Guo et al. 2025, arXiv 2503.23367; code
 * csguoh/FastVAR, {@code fastvar_utils.masked_previous_scale_cache}), training-free: from step
 * {@code firstStep} on, only the {@code keep} fraction of a scale's tokens that stand out most from
 * the scale's mean go through the transformer blocks; the others take the previous scale's output
 * at their position, upsampled ({@link TokenSelection#restore}).
 *
 * <p>The selection, per row of the step's input x (2B, l, C):
 *
 * <pre>
 * score_j = sum_c (x[j, c] - mean_i x[i, c])²       "high-frequency" content of position j  (2B, l)
 * keep    = the l' = l - floor(l·(1 - keep)) positions of largest score, ascending     (2B, l')
 * </pre>
 *
 * The tokens that stay close to the map's mean are those the coarser scales already settled; their
 * output is copied, and they add nothing to the KV cache. Where var4j differs from FastVAR's code:
 * FastVAR scores the hidden state before each sub-layer from the fourth block on and restores from
 * the area-interpolated output of a fixed earlier scale; var4j scores the step's input once, runs
 * every block on the kept tokens and restores from the previous scale's output, nearest-upsampled
 * (the {@link TokenSelection} hook). With {@code keep} = 1 every position is kept, through the same
 * gather and scatter: the samples equal the plain sampler's.
 *
 * @param keep fraction of the tokens computed at the pruned steps, in (0, 1]
 * @param firstStep the first pruned step (0-based scale), >= 1: step 0 has no previous output
 */
public record TokenPruning(double keep, int firstStep) implements TokenSelection {
  public TokenPruning {
    if (!(keep > 0 && keep <= 1))
      throw new IllegalArgumentException("keep must be in (0, 1], got " + keep);
    if (firstStep < 1)
      throw new IllegalArgumentException(
          "the first pruned step must be >= 1 (step 0 has no coarser output), got " + firstStep);
  }

  /**
   * Pruning of the last {@code scales} of {@code steps} steps (FastVAR prunes the last two).
   *
   * @throws IllegalArgumentException unless 1 <= scales < steps
   */
  public static TokenPruning lastScales(double keep, int scales, int steps) {
    if (scales < 1 || scales >= steps)
      throw new IllegalArgumentException(
          "pruned scales must be in [1, " + (steps - 1) + "] (not the first), got " + scales);
    return new TokenPruning(keep, steps - scales);
  }

  /** Tokens computed of a pruned step's l: l - floor(l·(1 - keep)), at least 1. */
  public int kept(int tokens) {
    return Math.max(1, tokens - (int) Math.floor(tokens * (1 - keep)));
  }

  /**
   * The selection of {@link #computedRows} on host arrays, for figures and exercises: whether each
   * position of each row is computed at a pruned step (the {@link #kept} largest scores; ties to
   * the lower position, as TensorFlow's top-k). Computed in double, so a position whose score is
   * within float rounding of the cut may come out otherwise than in the graph.
   *
   * @param x2BLC a step's input (rows, l, C), e.g. {@link StepTrace#tokenMapIn}
   * @return (rows)[l]
   */
  public boolean[][] keptOnHost(float[] x2BLC, int rows, int tokens, int channels) {
    if (x2BLC.length != (long) rows * tokens * channels)
      throw new IllegalArgumentException(
          "x must hold rows*l*C = %s*%s*%s floats, got %s"
              .formatted(rows, tokens, channels, x2BLC.length));
    int k = kept(tokens);
    boolean[][] keptBL = new boolean[rows][tokens];
    for (int r = 0; r < rows; r++) {
      double[] mean = new double[channels], score = new double[tokens];
      for (int j = 0; j < tokens; j++)
        for (int c = 0; c < channels; c++) mean[c] += x2BLC[(r * tokens + j) * channels + c];
      for (int c = 0; c < channels; c++) mean[c] /= tokens;
      for (int j = 0; j < tokens; j++)
        for (int c = 0; c < channels; c++) {
          double d = x2BLC[(r * tokens + j) * channels + c] - mean[c];
          score[j] += d * d;
        }
      Integer[] order = new Integer[tokens];
      for (int j = 0; j < tokens; j++) order[j] = j;
      Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a])); // stable
      for (int i = 0; i < k; i++) keptBL[r][order[i]] = true;
    }
    return keptBL;
  }

  /** No positions common to all rows: the selection is per row ({@link #computedRows}). */
  @Override
  public int[] computed(int step, int tokens) {
    return null;
  }

  @Override
  public Operand<TInt32> computedRows(Ops tf, int step, Operand<TFloat32> x2BLC, int tokens) {
    if (step < firstStep) return null;
    Operand<TInt32> k = tf.constant(kept(tokens));
    Operand<TFloat32> mean = tf.math.mean(x2BLC, tf.constant(1), Mean.keepDims(true)); // (2B,1,C)
    Operand<TFloat32> score =
        tf.reduceSum(tf.math.square(tf.math.sub(x2BLC, mean)), tf.constant(2)); // (2B, l)
    Operand<TInt32> top =
        tf.nn.topK(score, k, TInt32.class, TopK.sorted(true)).indices(); // (2B, l'), by score
    Operand<TFloat32> negPos = tf.math.neg(tf.dtypes.cast(top, TFloat32.class)); // exact: l < 2^24
    Operand<TInt32> order =
        tf.nn.topK(negPos, k, TInt32.class, TopK.sorted(true)).indices(); // ascending positions
    return tf.gather(top, order, tf.constant(1), Gather.batchDims(1L)); // (2B, l')
  }
}
