package io.github.var4j.train;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.nn.GraphRuntime;
import io.github.var4j.nn.Init;
import io.github.var4j.nn.Layout;
import io.github.var4j.nn.Param;
import io.github.var4j.nn.ParamStore;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Known answers: with L_nll = Σ a·W and L_gan = Σ b·W the gradients at W are a and b, so λ = ‖a‖ /
 * (‖b‖ + 1e-4), clamped to [0, 1e4], and λ passes no gradient.
 */
class AdaptiveGanWeightTest {
  private static float[] run(float[] a, float[] b, boolean alsoGradient) {
    try (GraphRuntime rt = new GraphRuntime()) {
      Ops tf = rt.tf();
      ParamStore ps = new ParamStore(tf);
      Param w = ps.create("w", new long[] {a.length}, Layout.AS_IS, Init.constant(0.3f));
      Operand<TFloat32> nll = tf.reduceSum(tf.math.mul(tf.constant(a), w.value()), tf.constant(0));
      Operand<TFloat32> gan = tf.reduceSum(tf.math.mul(tf.constant(b), w.value()), tf.constant(0));
      Operand<TFloat32> lambda = AdaptiveGanWeight.build(rt.graph(), tf, nll, gan, w);
      Operand<TFloat32> total = tf.math.add(nll, tf.math.mul(lambda, gan));
      Output<?> dTotal =
          rt.graph().addGradients(total.asOutput(), new Output<?>[] {w.handle().asOutput()})[0];
      ps.initialize(rt.session(), 0);
      @SuppressWarnings("unchecked")
      Operand<TFloat32> g = (Operand<TFloat32>) dTotal;
      try (GraphRuntime.Outputs o =
          alsoGradient ? rt.run().fetch(lambda, g).run() : rt.run().fetch(lambda).run()) {
        if (!alsoGradient) return o.floats(0);
        float[] grad = o.floats(1);
        float[] out = new float[1 + grad.length];
        out[0] = o.floats(0)[0];
        System.arraycopy(grad, 0, out, 1, grad.length);
        return out;
      }
    }
  }

  @Test
  void ratioOfGradientNorms() {
    float[] a = {3, 4, 0}, b = {0, 1, 0};
    assertEquals(5.0 / (1 + 1e-4), run(a, b, false)[0], 1e-5);
  }

  @Test
  void clampedAtTenThousandWhenTheGanGradientVanishes() {
    assertEquals(1e4, run(new float[] {3, 4}, new float[] {0, 0}, false)[0], 1e-2);
  }

  @Test
  void lambdaPassesNoGradient() {
    float[] a = {3, 4, 0}, b = {0, 1, 2};
    float[] out = run(a, b, true);
    double lambda = out[0];
    assertEquals(5.0 / (Math.sqrt(5) + 1e-4), lambda, 1e-5);
    for (int i = 0; i < a.length; i++)
      assertEquals(a[i] + lambda * b[i], out[1 + i], 1e-5, "dTotal/dW[" + i + "]");
  }
}
