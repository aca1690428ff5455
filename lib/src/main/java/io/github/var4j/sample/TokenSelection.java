package io.github.var4j.sample;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Stack;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Which tokens of a step the transformer computes: the hook of token pruning at the fine scales,
 * where only a subset of a scale's positions goes through the blocks and the others are copied from
 * the upsampled output of the coarser scale. The default is {@link #ALL}: every position. {@link
 * TokenPruning} is FastVAR's rule.
 *
 * <p>In {@link SamplerGraph}, for a step of l = pn² tokens with input x (2B, l, C):
 *
 * <pre>
 * keep = selection.computedRows(tf, s, x, l)         (2B, l') positions per row, or null = all
 * out' = blocks(gather(x, keep, axis 1, per row), cache)   (2B, l', C); the cache grows by l'
 * out  = selection.restore(tf, s, keep, out', prevOut, l)  (2B, l, C); prevOut (2B, pn_{s-1}², C)
 * logits = head(out)  ->  CFG  ->  draw for all l positions
 * </pre>
 *
 * A selection gives the same positions to every row ({@link #computed}, a static list) or its own
 * per row ({@link #computedRows}, from the step's input); l' is the same for all rows. The default
 * {@link #restore} takes the computed rows where they are and the previous step's output,
 * nearest-upsampled from pn_{s-1} to pn_s, everywhere else. The first step has no previous output:
 * it must compute all. Catch-up steps of {@link ModelSchedule} compute all positions.
 */
@FunctionalInterface
public interface TokenSelection {
  /** Every position of every step (the default). */
  TokenSelection ALL = (step, tokens) -> null;

  /**
   * The positions of step s's l tokens that go through the blocks, the same for every row,
   * ascending in [0, l), or null for all of them.
   */
  int[] computed(int step, int tokens);

  /**
   * The positions of step s's tokens that go through the blocks, per row: (2B, l') int32, each row
   * ascending in [0, l) without repeats, or null for all positions. The default gives every row
   * {@link #computed}.
   *
   * @param x2BLC the step's input (2B, l, C)
   */
  default Operand<TInt32> computedRows(Ops tf, int step, Operand<TFloat32> x2BLC, int tokens) {
    int[] keep = computed(step, tokens);
    if (keep == null) return null;
    Operand<TInt32> rows = tf.gather(tf.shape(x2BLC), tf.constant(0), tf.constant(0)); // 2B
    return tf.tile(
        tf.constant(new int[][] {keep}), tf.stack(List.of(rows, tf.constant(1)))); // (2B, l')
  }

  /**
   * The blocks' output for all l positions of the step.
   *
   * @param computed the positions of {@link #computedRows} (2B, l')
   * @param outComputed the blocks' output at those positions (2B, l', C)
   * @param prevOut the previous step's output of the same model (2B, l_{s-1}, C), square maps
   * @param tokens l = pn², a square
   * @return (2B, l, C)
   */
  default Operand<TFloat32> restore(
      Ops tf,
      int step,
      Operand<TInt32> computed,
      Operand<TFloat32> outComputed,
      Operand<TFloat32> prevOut,
      int tokens) {
    int q = side(tokens), p = side((int) prevOut.shape().get(1));
    int[] from = new int[tokens]; // position j reads row from[j] of prevOut: its nearest cell
    for (int j = 0; j < tokens; j++) from[j] = j / q * p / q * p + j % q * p / q;
    Operand<TFloat32> up = tf.gather(prevOut, tf.constant(from), tf.constant(1)); // (2B, l, C)
    return scatterRows(tf, up, computed, outComputed);
  }

  /**
   * {@code base} with row r's positions {@code positions[r, i]} replaced by {@code rows[r, i]}.
   *
   * @param base (2B, l, C)
   * @param positions (2B, l') distinct per row
   * @param rows (2B, l', C)
   * @return (2B, l, C)
   */
  static Operand<TFloat32> scatterRows(
      Ops tf, Operand<TFloat32> base, Operand<TInt32> positions, Operand<TFloat32> rows) {
    Operand<TInt32> shape = tf.shape(positions); // [2B, l']
    Operand<TInt32> rowIdx = // (2B, l'): r at every column
        tf.broadcastTo(
            tf.expandDims(
                tf.range(
                    tf.constant(0),
                    tf.gather(shape, tf.constant(0), tf.constant(0)),
                    tf.constant(1)),
                tf.constant(1)),
            shape);
    Operand<TInt32> idx = tf.stack(List.of(rowIdx, positions), Stack.axis(2L));
    return tf.tensorScatterNdUpdate(base, idx, rows); // idx (2B, l', 2)
  }

  private static int side(int tokens) {
    int s = (int) Math.round(Math.sqrt(tokens));
    if (s * s != tokens)
      throw new IllegalArgumentException("token count must be a square, got " + tokens);
    return s;
  }
}
