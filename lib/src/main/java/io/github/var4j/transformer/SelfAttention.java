package io.github.var4j.transformer;

import io.github.var4j.nn.Layout;
import io.github.var4j.nn.Linear;
import io.github.var4j.nn.ParamStore;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TFloat32;

/**
 * VAR multi-head self-attention (official {@code models/basic_var.py SelfAttention}). Parameters,
 * in official order: {@code <name>.scale_mul_1H11} (1, H, 1, 1; only with attnL2Norm), {@code
 * <name>.q_bias}, {@code <name>.v_bias} (C), {@code <name>.mat_qkv.weight} (3C, C; no bias), {@code
 * <name>.proj.weight}/{@code .bias}. The key bias is the zero buffer {@code zero_k_bias} (not a
 * parameter).
 *
 * <pre>
 * qkv = x @ Wqkv + [q_bias, 0, v_bias]        (B, L, 3C) -> (B, L, 3, H, hd) -> q, k, v (B, H, L, hd)
 * l2 norm: q = normalize(q) * exp(min(scale_mul, ln 100)), k = normalize(k), scale = 1
 * else:    scale = 0.25 / sqrt(hd)
 * o = softmax(scale*q k^T + bias) v           (B, H, L, hd) -> (B, L, C) -> proj
 * </pre>
 *
 * Attention uses BatchMatMul (never Einsum). {@link #attend} takes the keys/values of earlier
 * tokens too, a {@link KvCache.Entry} (k cached AFTER l2 normalisation, like the official code),
 * and returns them grown by the new tokens' keys/values.
 */
public final class SelfAttention {
  /**
   * Output of one attention call: {@code out} (B, l, C) and the keys/values (B, H, Lc + l, hd) it
   * attended to, the cache grown by the l new tokens.
   */
  public record Result(Operand<TFloat32> out, KvCache.Entry kv) {}

  private static final float MAX_SCALE_MUL =
      (float) Math.log(100.0); // torch.log(torch.tensor(100)).item()

  private final ParamStore ps;
  private final String name;
  private final int c, heads, hd;
  private final boolean l2Norm;
  private final Linear matQkv, proj;

  public SelfAttention(ParamStore ps, String name, VarConfig cfg, VarInit init) {
    this.ps = ps;
    this.name = name;
    this.c = cfg.embedDim();
    this.heads = cfg.numHeads();
    this.hd = cfg.headDim();
    this.l2Norm = cfg.attnL2Norm();
    if (l2Norm)
      ps.create(
          name + ".scale_mul_1H11", new long[] {1, heads, 1, 1}, Layout.AS_IS, init.scaleMul());
    ps.create(name + ".q_bias", new long[] {c}, Layout.AS_IS, init.zeros());
    ps.create(name + ".v_bias", new long[] {c}, Layout.AS_IS, init.zeros());
    this.matQkv = new Linear(ps, name + ".mat_qkv", c, 3 * c, false, init.weight(), init.zeros());
    this.proj = new Linear(ps, name + ".proj", c, c, true, init.residualOutWeight(), init.zeros());
  }

  /**
   * Attention of the l tokens of x (B, l, C) to {@code [past.k; k(x)]} and {@code [past.v; v(x)]}
   * (concatenated along the token axis), the official forward with or without {@code caching}.
   *
   * @param attnBias additive mask broadcastable to (B, H, l, Lc + l), or null (no mask: cached
   *     inference, where the cache holds earlier tokens only)
   * @param past cached keys/values (B, H, Lc, hd), or null (no cache, or nothing cached yet)
   * @return the output (B, l, C) and the grown cache (B, H, Lc + l, hd)
   */
  public Result attend(Operand<TFloat32> xBLC, Operand<TFloat32> attnBias, KvCache.Entry past) {
    Ops tf = ps.tf();
    long l = xBLC.shape().get(1);
    if (l < 0 || xBLC.shape().get(2) != c) {
      throw new IllegalArgumentException(
          name + ": x must have shape (B, L, " + c + ") with static L, got " + xBLC.shape());
    }
    Operand<TFloat32> qkvBias =
        tf.concat(
            List.of(ps.get(name + ".q_bias"), tf.constant(new float[c]), ps.get(name + ".v_bias")),
            tf.constant(0));
    Operand<TFloat32> qkv = tf.math.add(matQkv.apply(xBLC), qkvBias); // (B, l, 3C)
    qkv = tf.reshape(qkv, tf.constant(new long[] {-1, l, 3, heads, hd})); // (B, l, 3, H, hd)
    qkv = tf.linalg.transpose(qkv, tf.constant(new int[] {2, 0, 3, 1, 4})); // (3, B, H, l, hd)
    Unstack<TFloat32> u = tf.unstack(qkv, 3L, Unstack.axis(0L));
    Operand<TFloat32> q = u.output().get(0),
        k = u.output().get(1),
        v = u.output().get(2); // (B, H, l, hd)
    float scale;
    if (l2Norm) {
      Operand<TFloat32> scaleMul =
          tf.math.exp(
              tf.math.minimum(ps.get(name + ".scale_mul_1H11"), tf.constant(MAX_SCALE_MUL)));
      q = tf.math.mul(l2Normalize(tf, q), scaleMul);
      k = l2Normalize(tf, k);
      scale = 1f;
    } else {
      scale = (float) (0.25 / Math.sqrt(hd));
    }
    if (past != null) {
      k = tf.concat(List.of(past.kBHLc(), k), tf.constant(2)); // (B, H, Lc + l, hd)
      v = tf.concat(List.of(past.vBHLc(), v), tf.constant(2));
    }
    Operand<TFloat32> qs = scale == 1f ? q : tf.math.mul(q, tf.constant(scale));
    Operand<TFloat32> att =
        tf.train.batchMatMul(qs, k, TFloat32.class, BatchMatMul.adjY(true)); // (B, H, l, Lk)
    if (attnBias != null) att = tf.math.add(att, attnBias);
    att = tf.nn.softmax(att);
    Operand<TFloat32> o = tf.train.batchMatMul(att, v, TFloat32.class); // (B, H, l, hd)
    o = tf.linalg.transpose(o, tf.constant(new int[] {0, 2, 1, 3})); // (B, l, H, hd)
    o = tf.reshape(o, tf.constant(new long[] {-1, l, c}));
    return new Result(proj.apply(o), new KvCache.Entry(k, v));
  }

  /** F.normalize(x, dim=-1): x / max(||x||, 1e-12), written as x * rsqrt(max(Σx², 1e-24)). */
  static Operand<TFloat32> l2Normalize(Ops tf, Operand<TFloat32> x) {
    int last = x.shape().numDimensions() - 1;
    Operand<TFloat32> sumSq =
        tf.reduceSum(
            tf.math.square(x),
            tf.constant(new int[] {last}),
            org.tensorflow.op.core.ReduceSum.keepDims(true));
    return tf.math.mul(x, tf.math.rsqrt(tf.math.maximum(sumSq, tf.constant(1e-24f))));
  }

  public int numHeads() {
    return heads;
  }

  public int headDim() {
    return hd;
  }
}
