package io.github.var4j.transformer;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.Sessions;
import io.github.var4j.nn.StateDict;
import io.github.var4j.nn.Tensors;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.testutil.Fixtures;
import io.github.var4j.testutil.TinyFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class SelfAttentionTest {

  private static float[] random(int n, long seed, double scale) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * scale);
    return v;
  }

  /**
   * Scale-by-scale attention through the KV cache (keys/values of earlier scales, no mask) equals
   * masked attention over the whole sequence: the basis of the later cached sampler.
   */
  @Test
  void kvCachedScaleByScaleAttentionEqualsMaskedFullAttention() {
    VarConfig cfg = TinyFixture.get().varConfig();
    int l = cfg.patchNums().L(), c = cfg.embedDim();
    String block =
        "blocks."
            + (cfg.depth() - 1)
            + ".attn"; // the last block's attention, with the fixture weights
    float[] x = random(2 * l * c, 5, 1.0);
    try (Graph g = new Graph();
        Session s = Sessions.create(g)) {
      Ops tf = Ops.create(g);
      ParamStore ps = new ParamStore(tf);
      SelfAttention attn = new SelfAttention(ps, block, cfg, new VarInit(cfg));
      Operand<TFloat32> xc = tf.constant(Shape.of(2, l, c), DataBuffers.of(x, true, false));
      Operand<TFloat32> full = attn.apply(xc, AttentionMask.bias(tf, cfg.patchNums()));
      List<Operand<TFloat32>> parts = new ArrayList<>();
      Operand<TFloat32> k = null, v = null;
      for (int si = 0; si < cfg.patchNums().K(); si++) {
        int b0 = cfg.patchNums().begin(si), n = cfg.patchNums().tokens(si);
        Operand<TFloat32> xs =
            tf.slice(xc, tf.constant(new int[] {0, b0, 0}), tf.constant(new int[] {2, n, c}));
        SelfAttention.Result r = attn.attend(xs, null, k, v);
        parts.add(r.out());
        k = r.kBHLc();
        v = r.vBHLc();
      }
      assertArrayEquals(new long[] {2, cfg.numHeads(), l, cfg.headDim()}, k.shape().asArray());
      Operand<TFloat32> cached = tf.concat(parts, tf.constant(1));
      ps.loadSubset(s, TinyFixture.varParams(), p -> p.name().startsWith(block + "."));
      try (Result r = s.runner().fetch(full).fetch(cached).run()) {
        double d =
            Fixtures.assertClose(
                Tensors.floats(r.get(0)), Tensors.floats(r.get(1)), 1e-5, 1e-5, "cached vs full");
        System.out.printf("kv-cache vs masked attention max|diff| %.3e%n", d);
      }
    }
  }

  /** Both attention variants against a plain-Java implementation of the official formula. */
  @Test
  void matchesHostReferenceWithAndWithoutL2Norm() {
    for (boolean l2 : new boolean[] {true, false}) {
      VarConfig cfg =
          VarConfig.ofDepth(2, 16, 4, 3, ScaleSchedule.of(1, 2))
              .withEmbedDim(8)
              .withNumHeads(2)
              .withAttnL2Norm(l2);
      int b = 2, l = 5, c = 8, h = 2, hd = 4;
      float[] x = random(b * l * c, 11, 1.0);
      float[] wqkv = random(3 * c * c, 12, 0.5), qb = random(c, 13, 0.3), vb = random(c, 14, 0.3);
      float[] wp = random(c * c, 15, 0.5),
          bp = random(c, 16, 0.3),
          sm = {1.2f, 5.0f}; // 5 > ln 100: clamped
      float[] got;
      try (Graph g = new Graph();
          Session s = Sessions.create(g)) {
        Ops tf = Ops.create(g);
        ParamStore ps = new ParamStore(tf);
        SelfAttention attn = new SelfAttention(ps, "a", cfg, new VarInit(cfg));
        Operand<TFloat32> y =
            attn.apply(
                tf.constant(Shape.of(b, l, c), DataBuffers.of(x, true, false)),
                AttentionMask.bias(tf, cfg.patchNums()));
        StateDict sd = new StateDict();
        sd.put("a.mat_qkv.weight", new io.github.var4j.nn.HostTensor(new long[] {3 * c, c}, wqkv));
        sd.put("a.q_bias", new io.github.var4j.nn.HostTensor(new long[] {c}, qb));
        sd.put("a.v_bias", new io.github.var4j.nn.HostTensor(new long[] {c}, vb));
        sd.put("a.proj.weight", new io.github.var4j.nn.HostTensor(new long[] {c, c}, wp));
        sd.put("a.proj.bias", new io.github.var4j.nn.HostTensor(new long[] {c}, bp));
        if (l2)
          sd.put(
              "a.scale_mul_1H11", new io.github.var4j.nn.HostTensor(new long[] {1, h, 1, 1}, sm));
        ps.load(s, sd);
        assertEquals(l2, ps.contains("a.scale_mul_1H11"));
        try (Result r = s.runner().fetch(y).run()) {
          got = Tensors.floats(r.get(0));
        }
      }
      boolean[][] allowed = AttentionMask.allowed(cfg.patchNums());
      double[] expect = new double[b * l * c];
      for (int n = 0; n < b; n++) {
        double[][] q = new double[l][c], k = new double[l][c], v = new double[l][c];
        for (int t = 0; t < l; t++) {
          for (int o = 0; o < 3 * c; o++) {
            double acc = 0;
            for (int i = 0; i < c; i++) acc += x[(n * l + t) * c + i] * wqkv[o * c + i];
            if (o < c) q[t][o] = acc + qb[o];
            else if (o < 2 * c) k[t][o - c] = acc; // zero_k_bias
            else v[t][o - 2 * c] = acc + vb[o - 2 * c];
          }
        }
        double[][] o = new double[l][c];
        for (int hh = 0; hh < h; hh++) {
          double scale = l2 ? 1 : 0.25 / Math.sqrt(hd);
          double mul = l2 ? Math.exp(Math.min(sm[hh], Math.log(100))) : 1;
          for (int t = 0; t < l; t++) {
            double[] qi = new double[hd];
            for (int d = 0; d < hd; d++) qi[d] = q[t][hh * hd + d];
            if (l2) {
              double nq = 0;
              for (double z : qi) nq += z * z;
              for (int d = 0; d < hd; d++) qi[d] = qi[d] / Math.max(Math.sqrt(nq), 1e-12) * mul;
            }
            double[] att = new double[l];
            double max = Double.NEGATIVE_INFINITY;
            for (int u = 0; u < l; u++) {
              double[] kj = new double[hd];
              for (int d = 0; d < hd; d++) kj[d] = k[u][hh * hd + d];
              if (l2) {
                double nk = 0;
                for (double z : kj) nk += z * z;
                for (int d = 0; d < hd; d++) kj[d] /= Math.max(Math.sqrt(nk), 1e-12);
              }
              double dot = 0;
              for (int d = 0; d < hd; d++) dot += qi[d] * scale * kj[d];
              att[u] = allowed[t][u] ? dot : Double.NEGATIVE_INFINITY;
              max = Math.max(max, att[u]);
            }
            double sum = 0;
            for (int u = 0; u < l; u++) sum += att[u] = Math.exp(att[u] - max);
            for (int d = 0; d < hd; d++) {
              double acc = 0;
              for (int u = 0; u < l; u++) acc += att[u] / sum * v[u][hh * hd + d];
              o[t][hh * hd + d] = acc;
            }
          }
        }
        for (int t = 0; t < l; t++) {
          for (int j = 0; j < c; j++) {
            double acc = bp[j];
            for (int i = 0; i < c; i++) acc += o[t][i] * wp[j * c + i];
            expect[(n * l + t) * c + j] = acc;
          }
        }
      }
      float[] e = new float[expect.length];
      for (int i = 0; i < e.length; i++) e[i] = (float) expect[i];
      double d = Fixtures.assertClose(e, got, 1e-5, 1e-5, "attention l2Norm=" + l2);
      System.out.printf("attention (l2Norm=%s) vs host reference max|diff| %.3e%n", l2, d);
    }
  }
}
