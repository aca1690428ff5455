package io.github.var4j.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Activations and parameter-free normalisations used by VAR. */
public final class Act {
  private Act() {}

  /** SiLU(x) = x * sigmoid(x). */
  public static Operand<TFloat32> silu(Ops tf, Operand<TFloat32> x) {
    return tf.math.mul(x, tf.math.sigmoid(x));
  }

  /**
   * GELU, tanh approximation (PyTorch approximate='tanh'): 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715
   * x^3))).
   */
  public static Operand<TFloat32> geluTanh(Ops tf, Operand<TFloat32> x) {
    Operand<TFloat32> x3 = tf.math.mul(tf.math.square(x), x);
    Operand<TFloat32> inner =
        tf.math.mul(
            tf.constant((float) Math.sqrt(2 / Math.PI)),
            tf.math.add(x, tf.math.mul(tf.constant(0.044715f), x3)));
    return tf.math.mul(
        tf.math.mul(tf.constant(0.5f), x), tf.math.add(tf.constant(1f), tf.math.tanh(inner)));
  }

  /**
   * LayerNorm over the last axis without affine parameters (biased variance): x (..., C) to (...,
   * C).
   */
  public static Operand<TFloat32> layerNorm(Ops tf, Operand<TFloat32> x, float eps) {
    int last = x.shape().numDimensions() - 1;
    Operand<org.tensorflow.types.TInt32> axis = tf.constant(new int[] {last});
    Operand<TFloat32> mean = tf.math.mean(x, axis, org.tensorflow.op.math.Mean.keepDims(true));
    Operand<TFloat32> c = tf.math.sub(x, mean);
    Operand<TFloat32> var =
        tf.math.mean(tf.math.square(c), axis, org.tensorflow.op.math.Mean.keepDims(true));
    return tf.math.mul(c, tf.math.rsqrt(tf.math.add(var, tf.constant(eps))));
  }
}
