package io.github.var4j.sample;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Which tokens of a step the transformer computes: the hook of token pruning at the fine scales,
 * where only a subset of a scale's positions goes through the blocks and the others are copied from
 * the upsampled output of the coarser scale. The default is {@link #ALL}: every position.
 *
 * <p>In {@link SamplerGraph}, for a step of l = pn² tokens with input x (2B, l, C):
 *
 * <pre>
 * keep = selection.computed(s, l)                    ascending positions, or null = all
 * out' = blocks(x[:, keep], cache)                   (2B, l', C); the cache grows by l' tokens
 * out  = selection.restore(tf, s, keep, out', prevOut)   (2B, l, C); prevOut (2B, pn_{s-1}², C)
 * logits = head(out)  ->  CFG  ->  draw for all l positions
 * </pre>
 *
 * The default {@link #restore} takes the computed rows where they are and the previous step's
 * output, nearest-upsampled from pn_{s-1} to pn_s, everywhere else. A pruning strategy implements
 * {@link #computed} (e.g. the positions of the largest change between the upsampled estimates) and
 * may override {@link #restore}. The first step has no previous output: it must compute all.
 * Catch-up steps of {@link ModelSchedule} compute all positions.
 */
@FunctionalInterface
public interface TokenSelection {
  /** Every position of every step (the default). */
  TokenSelection ALL = (step, tokens) -> null;

  /**
   * The positions of step s's l tokens that go through the blocks, ascending in [0, l), or null for
   * all of them.
   */
  int[] computed(int step, int tokens);

  /**
   * The blocks' output for all l positions of the step.
   *
   * @param computed the positions of {@link #computed} (l' of them)
   * @param outComputed the blocks' output at those positions (2B, l', C)
   * @param prevOut the previous step's output of the same model (2B, l_{s-1}, C), square maps
   * @param tokens l = pn², a square
   * @return (2B, l, C)
   */
  default Operand<TFloat32> restore(
      Ops tf,
      int step,
      int[] computed,
      Operand<TFloat32> outComputed,
      Operand<TFloat32> prevOut,
      int tokens) {
    int q = side(tokens), p = side((int) prevOut.shape().get(1));
    int[] from = new int[tokens]; // position j reads row from[j] of [outComputed; up(prevOut)]
    for (int j = 0; j < tokens; j++) {
      int r = j / q * p / q, c = j % q * p / q; // nearest coarser cell
      from[j] = computed.length + r * p + c;
    }
    for (int i = 0; i < computed.length; i++) from[computed[i]] = i;
    Operand<TFloat32> rows = tf.concat(List.of(outComputed, prevOut), tf.constant(1));
    return tf.gather(rows, tf.constant(from), tf.constant(1));
  }

  private static int side(int tokens) {
    int s = (int) Math.round(Math.sqrt(tokens));
    if (s * s != tokens)
      throw new IllegalArgumentException("token count must be a square, got " + tokens);
    return s;
  }
}
