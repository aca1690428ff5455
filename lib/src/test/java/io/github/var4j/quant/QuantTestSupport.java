package io.github.var4j.quant;

import io.github.var4j.nn.Tensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Small helpers for the quantizer tests: run a graph with fed arrays and fetch float/int arrays.
 */
final class QuantTestSupport {
  private QuantTestSupport() {}

  static Placeholder<TFloat32> mapPlaceholder(Ops tf, int side, int c) {
    return tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, side, side, c)));
  }

  static Placeholder<TInt32> idxPlaceholder(Ops tf, int pn) {
    return tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, (long) pn * pn)));
  }

  /** Feeds and fetches; fetched values come back as float[] (TFloat32) or int[] (TInt32). */
  static final class Run {
    private final Session s;
    private final Map<Operand<?>, Tensor> feeds = new LinkedHashMap<>();
    private final List<Operand<?>> fetches = new ArrayList<>();

    Run(Session s) {
      this.s = s;
    }

    Run feed(Operand<?> p, float[] v, long... shape) {
      feeds.put(p, Tensors.of(v, shape));
      return this;
    }

    Run feedInts(Operand<?> p, int[] v, long... shape) {
      feeds.put(p, Tensors.ofInts(v, shape));
      return this;
    }

    Run fetch(Operand<?> o) {
      fetches.add(o);
      return this;
    }

    Run fetchAll(List<? extends Operand<?>> os) {
      fetches.addAll(os);
      return this;
    }

    List<Object> run() {
      try {
        Session.Runner r = s.runner();
        feeds.forEach(r::feed);
        fetches.forEach(r::fetch);
        List<Object> out = new ArrayList<>();
        try (Result res = r.run()) {
          for (int i = 0; i < fetches.size(); i++) {
            Tensor t = res.get(i);
            out.add(t instanceof TFloat32 ? Tensors.floats(t) : Tensors.ints(t));
          }
        }
        return out;
      } finally {
        feeds.values().forEach(Tensor::close);
      }
    }
  }
}
