package io.github.var4j.train;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.nn.Tensors;
import io.github.var4j.testutil.Fixtures;
import io.github.var4j.testutil.TinyFixture;
import io.github.var4j.transformer.VarConfig;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Loss value and gradient w.r.t. the (B, L, V) logits against the closed form, with smoothing and
 * weights.
 */
class VarLossTest {

  @Test
  void valueAndGradientMatchClosedFormWithSmoothingAndWeights() {
    VarConfig cfg = TinyFixture.get().varConfig();
    int b = TinyFixture.get().B(), l = cfg.patchNums().L(), v = cfg.vocabSize();
    float[] logits = Fixtures.floats("var/logits_BLV.npy");
    int[] gt = TinyFixture.targets();
    float[] w = new float[l];
    Random r = new Random(3);
    for (int i = 0; i < l; i++) w[i] = (float) r.nextDouble();
    for (double ls : new double[] {0.0, 0.1}) {
      for (boolean uniform : new boolean[] {true, false}) {
        float[] wl = uniform ? null : w;
        float loss;
        float[] grad;
        try (Graph g = new Graph();
            Session s = new Session(g)) {
          Ops tf = Ops.create(g);
          var lg = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, l, v)));
          var tg = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, l)));
          VarLoss.Output out =
              uniform
                  ? VarLoss.build(tf, cfg, lg, tg, ls)
                  : VarLoss.build(tf, cfg, lg, tg, ls, tf.constant(new float[][] {wl}));
          Output<?>[] d = g.addGradients(out.loss().asOutput(), new Output<?>[] {lg.asOutput()});
          try (var lt = Tensors.of(logits, b, l, v);
              var tt = Tensors.ofInts(gt, b, l);
              Result res =
                  s.runner().feed(lg, lt).feed(tg, tt).fetch(out.loss()).fetch(d[0]).run()) {
            loss = Tensors.floats(res.get(0))[0];
            grad = Tensors.floats(res.get(1));
          }
        }
        double expLoss = 0;
        float[] expGrad = new float[grad.length];
        for (int n = 0; n < b; n++) {
          for (int t = 0; t < l; t++) {
            int base = (n * l + t) * v;
            double max = Double.NEGATIVE_INFINITY, sum = 0, meanLogp = 0;
            for (int k = 0; k < v; k++) max = Math.max(max, logits[base + k]);
            for (int k = 0; k < v; k++) sum += Math.exp(logits[base + k] - max);
            double lse = Math.log(sum) + max;
            for (int k = 0; k < v; k++) meanLogp += (logits[base + k] - lse) / v;
            double ce = (1 - ls) * (lse - logits[base + gt[n * l + t]]) - ls * meanLogp;
            double wt = uniform ? 1.0 / l : w[t];
            expLoss += ce * wt / b;
            for (int k = 0; k < v; k++) {
              double p = Math.exp(logits[base + k] - lse);
              double dce = p - (1 - ls) * (k == gt[n * l + t] ? 1 : 0) - ls / v;
              expGrad[base + k] = (float) (dce * wt / b);
            }
          }
        }
        String what = "ls=" + ls + (uniform ? " uniform" : " weighted");
        assertEquals(expLoss, loss, 1e-5 * expLoss, what + " loss");
        Fixtures.assertClose(expGrad, grad, 1e-8, 1e-4, what + " dloss/dlogits");
        if (uniform) {
          Fixtures.assertMatches(
              ls == 0 ? "var/train_loss_ls0.npy" : "var/train_loss_ls0.1.npy", new float[] {loss});
        }
      }
    }
  }

  @Test
  void rejectsBadArguments() {
    VarConfig cfg = TinyFixture.get().varConfig();
    int l = cfg.patchNums().L(), v = cfg.vocabSize();
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var lg = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, l, v - 1)));
      var tg = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, l)));
      assertEquals(
          "logits must have shape (B, " + l + ", " + v + "), got [-1, " + l + ", " + (v - 1) + "]",
          assertThrows(IllegalArgumentException.class, () -> VarLoss.build(tf, cfg, lg, tg, 0.0))
              .getMessage());
      var ok = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, l, v)));
      assertEquals(
          "labelSmoothing must be in [0, 1], got -0.1",
          assertThrows(IllegalArgumentException.class, () -> VarLoss.build(tf, cfg, ok, tg, -0.1))
              .getMessage());
    }
  }
}
