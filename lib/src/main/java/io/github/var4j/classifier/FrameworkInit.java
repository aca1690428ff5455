package io.github.var4j.classifier;

import io.github.var4j.nn.Init;
import io.github.var4j.nn.Tensors;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
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
      long out = torchShape[0], in = torchShape[1], kh = torchShape[2], kw = torchShape[3];
      long seed = rng.nextLong();
      float[] hwio;
      try (Graph g = new Graph();
          Session s = new Session(g)) {
        Ops tf = Ops.create(g);
        Operand<TFloat32> v =
            new He<TFloat32>(VarianceScaling.Distribution.TRUNCATED_NORMAL, seed)
                .call(tf, tf.constant(new long[] {kh, kw, in, out}), TFloat32.class);
        try (Result r = s.runner().fetch(v).run()) {
          hwio = Tensors.floats(r.get(0));
        }
      }
      float[] oikk = new float[hwio.length];
      for (int y = 0; y < kh; y++)
        for (int x = 0; x < kw; x++)
          for (int i = 0; i < in; i++)
            for (int o = 0; o < out; o++)
              oikk[(int) (((o * in + i) * kh + y) * kw + x)] =
                  hwio[(int) (((y * kw + x) * in + i) * out + o)];
      return oikk;
    };
  }
}
