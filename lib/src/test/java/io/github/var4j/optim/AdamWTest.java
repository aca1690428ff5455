package io.github.var4j.optim;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.nn.GraphRuntime;
import io.github.var4j.nn.Init;
import io.github.var4j.nn.Layout;
import io.github.var4j.nn.Param;
import io.github.var4j.nn.ParamStore;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** AdamW against a plain-Java re-implementation of torch.optim.AdamW + clip_grad_norm_. */
class AdamWTest {

  @Test
  void matchesTorchAdamWWithClippingAndChangingLr() {
    float[] w0 = {0.5f, -1.5f, 2f, 0.25f};
    float[] b0 = {0.1f, -0.2f};
    float[] target = {3f, -2f, 1f, 0.5f};
    double beta1 = 0.9, beta2 = 0.95, eps = 1e-8, clip = 1.0;
    double[] lrs = {0.1, 0.05, 0.02};
    double wd = 0.05;
    float[] gotW, gotB;
    try (GraphRuntime rt = new GraphRuntime()) {
      Ops tf = rt.tf();
      Session s = rt.session();
      ParamStore ps = new ParamStore(tf);
      Param w = ps.create("w.weight", new long[] {4}, Layout.AS_IS, (sh, r) -> w0.clone());
      Param b = ps.create("b.bias", new long[] {2}, Layout.AS_IS, (sh, r) -> b0.clone());
      // loss = sum((w - target)^2) + sum(b^2) * 3  (gradient norm > clip in the first steps)
      Operand<TFloat32> loss =
          tf.math.add(
              tf.reduceSum(
                  tf.math.square(tf.math.sub(w.value(), tf.constant(target))), tf.constant(0)),
              tf.math.mul(
                  tf.constant(3f), tf.reduceSum(tf.math.square(b.value()), tf.constant(0))));
      AdamW opt =
          new AdamW(
              rt.graph(),
              ps,
              loss,
              p -> p.name().endsWith("weight"),
              new AdamW.Config(beta1, beta2, eps, clip));
      ps.initialize(s, 0);
      for (double lr : lrs) {
        opt.feed(rt.run(), lr, wd, 0.0).run().close();
        opt.stepDone();
      }
      assertEquals(3, opt.step());
      var vals = ps.fetchTf(s, java.util.List.of(w, b));
      gotW = vals.get(w);
      gotB = vals.get(b);
      opt.syncStep(s);
      assertEquals(3, opt.step());
    }
    // reference
    double[] w = toD(w0),
        bb = toD(b0),
        mw = new double[4],
        vw = new double[4],
        mb = new double[2],
        vb = new double[2];
    for (int t = 1; t <= lrs.length; t++) {
      double lr = lrs[t - 1];
      double[] gw = new double[4], gb = new double[2];
      for (int i = 0; i < 4; i++) gw[i] = 2 * (w[i] - target[i]);
      for (int i = 0; i < 2; i++) gb[i] = 6 * bb[i];
      double norm = 0;
      for (double x : gw) norm += x * x;
      for (double x : gb) norm += x * x;
      norm = Math.sqrt(norm);
      double coef = Math.min(1, clip / (norm + 1e-6));
      for (int i = 0; i < 4; i++) gw[i] *= coef;
      for (int i = 0; i < 2; i++) gb[i] *= coef;
      step(w, gw, mw, vw, lr, wd, beta1, beta2, eps, t);
      step(bb, gb, mb, vb, lr, 0, beta1, beta2, eps, t);
    }
    for (int i = 0; i < 4; i++) assertEquals(w[i], gotW[i], 2e-6, "w[" + i + "]");
    for (int i = 0; i < 2; i++) assertEquals(bb[i], gotB[i], 2e-6, "b[" + i + "]");
  }

  private static void step(
      double[] p,
      double[] g,
      double[] m,
      double[] v,
      double lr,
      double wd,
      double b1,
      double b2,
      double eps,
      int t) {
    for (int i = 0; i < p.length; i++) {
      p[i] *= 1 - lr * wd;
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      double mh = m[i] / (1 - Math.pow(b1, t));
      double vh = v[i] / (1 - Math.pow(b2, t));
      p[i] -= lr * mh / (Math.sqrt(vh) + eps);
    }
  }

  private static double[] toD(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) d[i] = f[i];
    return d;
  }

  @Test
  void officialDecayGroups() {
    try (Graph g = new Graph()) {
      ParamStore ps = new ParamStore(Ops.create(g));
      assertTrue(
          AdamW.officialDecay(
              ps.create("class_emb.weight", new long[] {11, 4}, Layout.AS_IS, Init.zeros())));
      assertFalse(
          AdamW.officialDecay(
              ps.create("lvl_embed.weight", new long[] {3, 4}, Layout.AS_IS, Init.zeros())));
      assertFalse(
          AdamW.officialDecay(
              ps.create("pos_1LC", new long[] {1, 3, 4}, Layout.AS_IS, Init.zeros())));
      assertFalse(
          AdamW.officialDecay(
              ps.create(
                  "blocks.0.attn.scale_mul_1H11",
                  new long[] {1, 2, 1, 1},
                  Layout.AS_IS,
                  Init.zeros())));
      assertFalse(
          AdamW.officialDecay(ps.create("head.bias", new long[] {5}, Layout.AS_IS, Init.zeros())));
      assertTrue(
          AdamW.officialDecay(
              ps.create("head.weight", new long[] {5, 4}, Layout.LINEAR, Init.zeros())));
    }
  }
}
