package io.github.var4j.train;

import io.github.var4j.nn.Param;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * VQGAN's adaptive generator weight (taming-transformers {@code calculate_adaptive_weight}): the
 * ratio of the gradient norms of the reconstruction (nll) loss and the GAN loss at the decoder's
 * last layer W,
 *
 * <pre>
 * λ_adapt = clamp(‖∇_W L_nll‖ / (‖∇_W L_gan‖ + 1e-4), 0, 1e4)      (a scalar with no gradient)
 * </pre>
 *
 * so that the GAN term pushes the last layer about as hard as the reconstruction does, whatever the
 * two losses' scales. The caller multiplies it by the discriminator weight.
 */
public final class AdaptiveGanWeight {
  private AdaptiveGanWeight() {}

  /** Largest weight (taming's clamp). */
  public static final float MAX = 1e4f;

  /** Added to the GAN gradient norm (taming's). */
  public static final float EPS = 1e-4f;

  /**
   * Builds λ_adapt in {@code g}.
   *
   * @param nll the reconstruction (+ perceptual) loss, a scalar
   * @param gan the generator's GAN loss, a scalar
   * @param lastLayer W, usually {@code decoder.conv_out.weight}
   * @throws IllegalStateException if a loss does not depend on W
   */
  public static Operand<TFloat32> build(
      Graph g, Ops tf, Operand<TFloat32> nll, Operand<TFloat32> gan, Param lastLayer) {
    Output<?>[] w = {lastLayer.handle().asOutput()};
    Output<?> gNll = g.addGradients(nll.asOutput(), w)[0];
    Output<?> gGan = g.addGradients(gan.asOutput(), w)[0];
    if (gNll == null || gGan == null) {
      throw new IllegalStateException(
          "the "
              + (gNll == null ? "reconstruction" : "GAN")
              + " loss does not depend on '"
              + lastLayer.name()
              + "'");
    }
    @SuppressWarnings("unchecked")
    Operand<TFloat32> ratio =
        tf.math.div(
            norm(tf, (Output<TFloat32>) gNll),
            tf.math.add(norm(tf, (Output<TFloat32>) gGan), tf.constant(EPS)));
    return tf.stopGradient(
        tf.math.minimum(tf.math.maximum(ratio, tf.constant(0f)), tf.constant(MAX)));
  }

  private static Operand<TFloat32> norm(Ops tf, Operand<TFloat32> g) {
    Operand<TFloat32> flat = tf.reshape(g, tf.constant(new long[] {-1}));
    return tf.math.sqrt(tf.reduceSum(tf.math.square(flat), tf.constant(0)));
  }
}
