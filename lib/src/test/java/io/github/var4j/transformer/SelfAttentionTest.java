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
      Operand<TFloat32> full = attn.attend(xc, AttentionMask.bias(tf, cfg.patchNums()), null).out();
      List<Operand<TFloat32>> parts = new ArrayList<>();
      KvCache.Entry kv = null;
      for (int si = 0; si < cfg.patchNums().K(); si++) {
        int b0 = cfg.patchNums().begin(si), n = cfg.patchNums().tokens(si);
        Operand<TFloat32> xs =
            tf.slice(xc, tf.constant(new int[] {0, b0, 0}), tf.constant(new int[] {2, n, c}));
        SelfAttention.Result r = attn.attend(xs, null, kv);
        parts.add(r.out());
        kv = r.kv();
      }
      assertArrayEquals(
          new long[] {2, cfg.numHeads(), l, cfg.headDim()}, kv.kBHLc().shape().asArray());
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

  /** Unit roundoff of float32. */
  private static final double U = 0x1p-24;

  /**
   * gamma_n = n·u / (1 - n·u): the relative error bound of an n-term float32 sum or dot product.
   */
  private static double gamma(int n) {
    return n * U / (1 - n * U);
  }

  /**
   * Budget for TF's float32 {@code exp} and {@code rsqrt} kernels, in units of u: Eigen's
   * polynomial {@code exp} and Newton-refined {@code rsqrt} are within 1-2 ulps (2-4 u) on every
   * x86-64 ISA; 8 u leaves a factor 2 for other packet paths.
   */
  private static final double TRANSCENDENTAL = 8 * U;

  /**
   * Both attention variants against a plain-Java (float64) implementation of the official formula.
   *
   * <p>Tolerance, derived per output element by a running error analysis of the float32 graph,
   * computed alongside the reference (so it holds for any summation order, thread partition or ISA
   * of the TF binary; u = 2^-24, gamma_n = n·u/(1 - n·u)):
   *
   * <ol>
   *   <li>qkv = x·W + b: {@code e = gamma_{C+1}·(Σ|x||W| + |b|)} per element.
   *   <li>L2 norm ({@code F.normalize}, here x·rsqrt(Σx²)): input error moves q/|q| by at most
   *       {@code 2|e|_2/|q|} in 2-norm; the rounding adds {@code gamma_{hd+1}/2 + 8u + u} (the sum
   *       of squares, rsqrt, the product; relative per element, so in 2-norm of a unit vector). The
   *       multiplier {@code exp(min(scale_mul, float(ln 100)))} has relative error {@code u·|m| +
   *       8u} against the exact one (the float ln 100, then exp), plus u for the product. Without
   *       L2 norm the scale 1/(4·sqrt(hd)) is a power of two here (exact).
   *   <li>logits s = q·k: {@code Σ(e_q|k| + |q|e_k + e_q·e_k) + gamma_hd·Σ|q||k|} (with L2 norm by
   *       Cauchy-Schwarz on the 2-norms, |q| = mul, |k| = 1), plus {@code u·|s - max|} for the
   *       softmax's shift; let Δ be the row's largest.
   *   <li>softmax: logits within Δ move every p_u by a factor within {@code e^{±2Δ}}, so the
   *       weighted sum o = Σ p_u v_u moves by at most {@code (e^{2Δ} - 1)·Σ p_u|v_u - o|} (exact
   *       for finite Δ, since Σ Δp = 0); the softmax's own rounding (exp, the l-term sum, the
   *       division) is a relative {@code 8u + gamma_l + u} on each p; the product adds {@code
   *       gamma_l·Σ p|v|} and the error of v enters as {@code Σ p·e_v}.
   *   <li>y = o·W_proj + b: {@code Σ e_o|W| + gamma_{C+1}·(Σ|o||W| + |b|)}.
   * </ol>
   *
   * The element's tolerance is that bound times 1.05 (second-order terms) plus {@code u·|y|} (the
   * reference rounded to float). Head 1's multiplier is clamped to 100 (scale_mul 5 > ln 100), so
   * its logits are 100·cos(q, k): the bound scales with it, while a missing clamp (148·cos), a
   * wrong scale, a k bias or a wrong mask moves the output by orders of magnitude more. The test
   * prints the largest difference over its bound.
   */
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
            attn.attend(
                    tf.constant(Shape.of(b, l, c), DataBuffers.of(x, true, false)),
                    AttentionMask.bias(tf, cfg.patchNums()),
                    null)
                .out();
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
      double[] expect = new double[b * l * c], bound = new double[b * l * c];
      for (int n = 0; n < b; n++) {
        // values and error bounds of q, k, v (the qkv linear with q/v bias, zero k bias)
        double[][] q = new double[l][c], k = new double[l][c], v = new double[l][c];
        double[][] eq = new double[l][c], ek = new double[l][c], ev = new double[l][c];
        for (int t = 0; t < l; t++) {
          for (int o = 0; o < 3 * c; o++) {
            double acc = 0, abs = 0;
            for (int i = 0; i < c; i++) {
              acc += x[(n * l + t) * c + i] * wqkv[o * c + i];
              abs += Math.abs(x[(n * l + t) * c + i] * wqkv[o * c + i]);
            }
            double bias = o < c ? qb[o] : o < 2 * c ? 0 : vb[o - 2 * c];
            double e = gamma(c + 1) * (abs + Math.abs(bias));
            if (o < c) {
              q[t][o] = acc + bias;
              eq[t][o] = e;
            } else if (o < 2 * c) {
              k[t][o - c] = acc;
              ek[t][o - c] = e;
            } else {
              v[t][o - 2 * c] = acc + bias;
              ev[t][o - 2 * c] = e;
            }
          }
        }
        double[][] o = new double[l][c], eo = new double[l][c];
        for (int hh = 0; hh < h; hh++) {
          double scale = l2 ? 1 : 0.25 / Math.sqrt(hd);
          double m = Math.min(sm[hh], Math.log(100));
          double mul = l2 ? Math.exp(m) : 1;
          double eMul = U * Math.abs(m) + TRANSCENDENTAL + U; // the multiplier and its product
          double[][] qh = new double[l][hd], kh = new double[l][hd];
          double[][] eqh = new double[l][hd], ekh = new double[l][hd];
          double[] eqNorm = new double[l], ekNorm = new double[l]; // 2-norm error bounds (L2)
          for (int t = 0; t < l; t++) {
            for (int d = 0; d < hd; d++) {
              qh[t][d] = q[t][hh * hd + d];
              eqh[t][d] = eq[t][hh * hd + d];
              kh[t][d] = k[t][hh * hd + d];
              ekh[t][d] = ek[t][hh * hd + d];
            }
            if (l2) {
              eqNorm[t] = mul * (normalize(qh[t], eqh[t], hd) + eMul);
              ekNorm[t] = normalize(kh[t], ekh[t], hd);
              for (int d = 0; d < hd; d++) qh[t][d] *= mul;
            } else {
              for (int d = 0; d < hd; d++) {
                qh[t][d] *= scale; // a power of two: exact in float
                eqh[t][d] *= scale;
              }
            }
          }
          for (int t = 0; t < l; t++) {
            double[] att = new double[l], es = new double[l];
            double max = Double.NEGATIVE_INFINITY;
            for (int w = 0; w < l; w++) {
              double dot = 0, abs = 0, e = 0;
              for (int d = 0; d < hd; d++) {
                dot += qh[t][d] * kh[w][d];
                abs += Math.abs(qh[t][d] * kh[w][d]);
                e +=
                    eqh[t][d] * Math.abs(kh[w][d])
                        + Math.abs(qh[t][d]) * ekh[w][d]
                        + eqh[t][d] * ekh[w][d];
              }
              // L2: Cauchy-Schwarz with |q| = mul, |k| = 1
              if (l2) e = eqNorm[t] + mul * ekNorm[w] + eqNorm[t] * ekNorm[w];
              att[w] = allowed[t][w] ? dot : Double.NEGATIVE_INFINITY;
              es[w] = e + gamma(hd) * abs;
              max = Math.max(max, att[w]);
            }
            double delta = 0, sum = 0;
            for (int w = 0; w < l; w++) {
              if (!allowed[t][w]) continue;
              delta = Math.max(delta, es[w] + U * Math.abs(att[w] - max));
            }
            for (int w = 0; w < l; w++) sum += att[w] = Math.exp(att[w] - max);
            double shift = Math.expm1(2 * delta), rounding = TRANSCENDENTAL + gamma(l) + U;
            for (int d = 0; d < hd; d++) {
              double acc = 0;
              for (int w = 0; w < l; w++) acc += att[w] / sum * v[w][hh * hd + d];
              double spread = 0, absPv = 0, pe = 0;
              for (int w = 0; w < l; w++) {
                double p = att[w] / sum;
                spread += p * Math.abs(v[w][hh * hd + d] - acc);
                absPv += p * Math.abs(v[w][hh * hd + d]);
                pe += p * ev[w][hh * hd + d];
              }
              o[t][hh * hd + d] = acc;
              eo[t][hh * hd + d] =
                  shift * spread + (1 + shift) * ((rounding + gamma(l)) * absPv + pe);
            }
          }
        }
        for (int t = 0; t < l; t++) {
          for (int j = 0; j < c; j++) {
            double acc = bp[j], abs = Math.abs(bp[j]), e = 0;
            for (int i = 0; i < c; i++) {
              acc += o[t][i] * wp[j * c + i];
              abs += Math.abs(o[t][i] * wp[j * c + i]);
              e += eo[t][i] * Math.abs(wp[j * c + i]);
            }
            expect[(n * l + t) * c + j] = acc;
            bound[(n * l + t) * c + j] = 1.05 * (e + gamma(c + 1) * abs) + U * Math.abs(acc);
          }
        }
      }
      double worst = 0, maxDiff = 0, maxBound = 0;
      for (int i = 0; i < expect.length; i++) {
        double d = Math.abs((float) expect[i] - got[i]);
        assertTrue(
            d <= bound[i],
            String.format(
                "attention l2Norm=%s [%d]: expected %.8g got %.8g, |diff| %.3e > derived bound"
                    + " %.3e",
                l2, i, expect[i], got[i], d, bound[i]));
        worst = Math.max(worst, d / bound[i]);
        maxDiff = Math.max(maxDiff, d);
        maxBound = Math.max(maxBound, bound[i]);
      }
      System.out.printf(
          "attention (l2Norm=%s) vs host reference max|diff| %.3e, largest bound %.3e, worst"
              + " |diff|/bound %.3f%n",
          l2, maxDiff, maxBound, worst);
    }
  }

  /**
   * q ← q/|q| (float64); returns the bound on the 2-norm of its error: the perturbation bound
   * {@code 2|e|_2/|q|} plus the float32 rounding of x·rsqrt(Σx²) ({@code gamma_{hd+1}/2 + 8u + u}
   * relative per element, so at most that in 2-norm).
   */
  private static double normalize(double[] q, double[] e, int hd) {
    double nq = 0, ne = 0;
    for (int d = 0; d < hd; d++) {
      nq += q[d] * q[d];
      ne += e[d] * e[d];
    }
    double norm = Math.max(Math.sqrt(nq), 1e-12);
    for (int d = 0; d < hd; d++) q[d] /= norm;
    return 2 * Math.sqrt(ne) / norm + gamma(hd + 1) / 2 + TRANSCENDENTAL + U;
  }
}
