package io.github.var4j.transformer;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Stochastic depth (timm {@code drop_path}, scale_by_keep=True): in training every sample of the
 * batch keeps the residual branch with probability {@code 1 - rate}, and kept branches are divided
 * by {@code 1 - rate}.
 */
public final class DropPath {
  private DropPath() {}

  /**
   * x (B, ...) times a per-sample mask (B, 1, ..., 1) of values 0 or 1/(1-rate) when {@code active}
   * is true, else x. Returns x itself (no ops) when {@code rate == 0} or {@code active == null}.
   *
   * @param seed (2,) int64 seed of the stateless uniform draw ({@code StatelessRandomUniform}): the
   *     same seed gives the same mask, so a training step's masks are a pure function of the seed
   *     fed for it (see {@link VarModel#noiseKey()})
   */
  public static Operand<TFloat32> apply(
      Ops tf, Operand<TFloat32> x, double rate, Operand<TBool> active, Operand<TInt64> seed) {
    if (rate == 0 || active == null) return x;
    if (!(rate > 0 && rate < 1))
      throw new IllegalArgumentException("drop path rate must be in [0, 1), got " + rate);
    if (seed == null) throw new IllegalArgumentException("drop path needs a seed operand");
    int rank = x.shape().numDimensions();
    int[] ones = new int[rank - 1];
    java.util.Arrays.fill(ones, 1);
    Operand<TInt32> batch =
        tf.slice(tf.shape(x), tf.constant(new int[] {0}), tf.constant(new int[] {1}));
    Operand<TInt32> shape = tf.concat(List.of(batch, tf.constant(ones)), tf.constant(0));
    Operand<TFloat32> u = tf.random.statelessRandomUniform(shape, seed, TFloat32.class);
    float keep = (float) (1 - rate);
    // bernoulli(keep): floor(keep + U) is 1 with probability keep
    Operand<TFloat32> mask =
        tf.math.div(tf.math.floor(tf.math.add(u, tf.constant(keep))), tf.constant(keep));
    mask = tf.select(active, mask, tf.constant(1f));
    return tf.math.mul(x, mask);
  }
}
