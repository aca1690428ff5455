package io.github.var4j.train;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.classifier.Classifier;
import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.nn.GraphRuntime;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

class PerceptualLossTest {
  static final int S = 16, B = 2;

  /** A small classifier (16x16 grey, widths 8-16-32) with seeded random weights. */
  static PerceptualLoss.FeatureNet randomNet(long seed) {
    ClassifierConfig cc = new ClassifierConfig(1, S, 8, 10, 4);
    try (Classifier c = Classifier.initialized(cc, seed)) {
      return new PerceptualLoss.FeatureNet(cc, c.stateDict());
    }
  }

  static float[] images(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[B * S * S];
    for (int i = 0; i < x.length; i++) x[i] = (float) (2 * r.nextDouble() - 1);
    return x;
  }

  /** The loss graph with placeholders x, x̂ and the gradient with respect to x̂. */
  private static final class Harness implements AutoCloseable {
    final GraphRuntime rt = new GraphRuntime();
    final Placeholder<TFloat32> x, y;
    final Operand<TFloat32> loss;
    final Output<?> grad;

    Harness(PerceptualLoss.FeatureNet net) {
      Ops tf = rt.tf();
      x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, S, S, 1)));
      y = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, S, S, 1)));
      PerceptualLoss pl = new PerceptualLoss(tf, net);
      loss = pl.apply(x, y);
      grad = rt.graph().addGradients(loss.asOutput(), new Output<?>[] {y.asOutput()})[0];
      pl.load(rt.session());
    }

    double loss(float[] xs, float[] ys) {
      try (GraphRuntime.Outputs o =
          rt.run().feed(x, xs, B, S, S, 1).feed(y, ys, B, S, S, 1).fetch(loss).run()) {
        return o.floats(0)[0];
      }
    }

    float[] grad(float[] xs, float[] ys) {
      @SuppressWarnings("unchecked")
      Operand<TFloat32> g = (Operand<TFloat32>) grad;
      try (GraphRuntime.Outputs o =
          rt.run().feed(x, xs, B, S, S, 1).feed(y, ys, B, S, S, 1).fetch(g).run()) {
        return o.floats(0);
      }
    }

    @Override
    public void close() {
      rt.close();
    }
  }

  @Test
  void zeroForIdenticalImagesBoundedAndPositiveOtherwise() {
    try (Harness h = new Harness(randomNet(1))) {
      float[] a = images(2), b = images(3);
      assertEquals(0.0, h.loss(a, a), 1e-6);
      double d = h.loss(a, b);
      assertTrue(d > 0.01 && d <= 4.0, "loss " + d);
      assertEquals(d, h.loss(b, a), 1e-5 * d, "symmetric");
    }
  }

  /**
   * The analytic gradient (TF's) against central finite differences in float32: along 5 random
   * directions of all pixels, and at the 5 pixels of largest gradient.
   */
  @Test
  void gradientMatchesFiniteDifferences() {
    try (Harness h = new Harness(randomNet(4))) {
      float[] x = images(5), y = images(6);
      for (int i = 0; i < y.length; i++) y[i] = 0.5f * x[i] + 0.5f * y[i];
      float[] g = h.grad(x, y);
      double gNorm = 0;
      for (float v : g) gNorm += v * v;
      gNorm = Math.sqrt(gNorm);
      assertTrue(gNorm > 0, "zero gradient");
      SplittableRandom r = new SplittableRandom(7);
      double eps = 1e-2;
      for (int t = 0; t < 5; t++) {
        float[] v = new float[y.length];
        double vn = 0;
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) r.nextGaussian();
          vn += v[i] * v[i];
        }
        vn = Math.sqrt(vn);
        double analytic = 0;
        float[] yp = y.clone(), ym = y.clone();
        for (int i = 0; i < v.length; i++) {
          v[i] /= (float) vn;
          analytic += g[i] * v[i];
          yp[i] += (float) (eps * v[i]);
          ym[i] -= (float) (eps * v[i]);
        }
        double fd = (h.loss(x, yp) - h.loss(x, ym)) / (2 * eps);
        assertEquals(analytic, fd, 0.02 * gNorm, "direction " + t);
      }
      Integer[] order = new Integer[g.length];
      for (int i = 0; i < g.length; i++) order[i] = i;
      java.util.Arrays.sort(order, (a, b) -> Float.compare(Math.abs(g[b]), Math.abs(g[a])));
      for (int t = 0; t < 5; t++) {
        int i = order[t];
        float[] yp = y.clone(), ym = y.clone();
        yp[i] += (float) eps;
        ym[i] -= (float) eps;
        double fd = (h.loss(x, yp) - h.loss(x, ym)) / (2 * eps);
        assertEquals(g[i], fd, 0.05 * Math.abs(g[i]) + 1e-5, "pixel " + i);
      }
    }
  }

  @Test
  void missingWeightsAreRejected() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new PerceptualLoss.FeatureNet(new ClassifierConfig(1, S, 8, 10, 4), null));
    assertEquals("a feature network needs a configuration and weights", e.getMessage());
  }
}
