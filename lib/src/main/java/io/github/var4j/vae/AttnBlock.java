package io.github.var4j.vae;

import io.github.var4j.nn.Conv2d;
import io.github.var4j.nn.GroupNorm;
import io.github.var4j.nn.ParamStore;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.types.TFloat32;

/**
 * The VAE's single-head spatial self-attention (official basic_vae.py AttnBlock): {@code qkv =
 * conv1x1(norm(x))} with 3C channels split into the channel blocks [q; k; v]; {@code w_ij =
 * softmax_j(q_i . k_j * C^-0.5)} over the H*W positions; {@code h_i = sum_j w_ij v_j}; {@code
 * return x + proj_out(h)}. (Unlike taming's separate q/k/v convs, one qkv conv: different
 * checkpoint names.)
 *
 * <p>Parameters under {@code <name>.}: norm, qkv, proj_out. apply: x (B, H, W, C) to (B, H, W, C);
 * H, W static.
 */
public final class AttnBlock {
  public final int channels;
  private final Ops tf;
  private final GroupNorm norm;
  private final Conv2d qkv;
  private final Conv2d projOut;

  public AttnBlock(ParamStore ps, String name, int channels) {
    this.tf = ps.tf();
    this.channels = channels;
    this.norm = GroupNorm.normalize(ps, name + ".norm", channels);
    this.qkv = new Conv2d(ps, name + ".qkv", channels, 3 * channels, 1);
    this.projOut = new Conv2d(ps, name + ".proj_out", channels, channels, 1);
  }

  public Operand<TFloat32> apply(Operand<TFloat32> xBHWC) {
    long[] s = xBHWC.shape().asArray();
    long c = channels;
    if (s == null || s.length != 4 || s[1] < 0 || s[2] < 0 || s[3] != c) {
      throw new IllegalArgumentException(
          "AttnBlock: expected static (B, H, W, " + c + ") input, got " + xBHWC.shape());
    }
    long h = s[1], w = s[2];
    Operand<TFloat32> qkvBNC3 =
        tf.reshape(qkv.apply(norm.apply(xBHWC)), tf.constant(new long[] {-1, h * w, 3 * c}));
    List<Output<TFloat32>> parts =
        tf.split(tf.constant(2), qkvBNC3, 3L).output(); // [q; k; v] channel blocks
    Operand<TFloat32> qBNC = parts.get(0), kBNC = parts.get(1), vBNC = parts.get(2);
    // scores (B, HW_q, HW_k) = q k^T * C^-0.5, softmax over the keys
    Operand<TFloat32> scores =
        tf.math.mul(
            tf.train.batchMatMul(qBNC, kBNC, TFloat32.class, BatchMatMul.adjY(true)),
            tf.constant((float) Math.pow(c, -0.5)));
    Operand<TFloat32> attn = tf.nn.softmax(scores);
    Operand<TFloat32> hBNC = tf.train.batchMatMul(attn, vBNC, TFloat32.class); // (B, HW, C)
    Operand<TFloat32> hBHWC = tf.reshape(hBNC, tf.constant(new long[] {-1, h, w, c}));
    return tf.math.add(xBHWC, projOut.apply(hBHWC));
  }
}
