package io.github.var4j.classifier;

import io.github.var4j.nn.GraphRuntime;
import io.github.var4j.nn.Init;
import io.github.var4j.nn.Layout;
import org.tensorflow.Operand;
import org.tensorflow.framework.initializers.He;
import org.tensorflow.framework.initializers.VarianceScaling;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * He (Kaiming) initialisation of conv weights through tensorflow-framework's {@link He}
 * initializer: its stateless random ops are evaluated once in a throw-away graph, seeded from the
 * parameter's generator, so the values are deterministic for (seed, name) like every {@link Init}.
 *
 * <p>The framework computes fans from the TF layout, so the values are drawn in HWIO (k, k, in,
 * out) and transposed to the PyTorch layout (out, in, k, k) that {@link Init} returns.
 */
final class FrameworkInit {
  private FrameworkInit() {}

  /** He truncated-normal (stddev sqrt(2 / fanIn) before truncation at 2σ) for conv weights. */
  static Init heConv() {
    return (torchShape, rng) -> {
      if (torchShape.length != 4) {
        throw new IllegalArgumentException(
            "heConv expects a conv weight (out, in, k, k), got rank " + torchShape.length);
      }
      long seed = rng.nextLong();
      try (GraphRuntime rt = new GraphRuntime()) {
        Ops tf = rt.tf();
        Operand<TFloat32> v =
            new He<TFloat32>(VarianceScaling.Distribution.TRUNCATED_NORMAL, seed)
                .call(tf, tf.constant(Layout.CONV.tfShape(torchShape)), TFloat32.class);
        try (GraphRuntime.Outputs r = rt.run().fetch(v).run()) {
          return Layout.CONV.toTorch(r.floats(0), torchShape); // HWIO -> OIHW
        }
      }
    };
  }
}
