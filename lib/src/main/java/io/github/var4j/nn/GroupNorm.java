package io.github.var4j.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * nn.GroupNorm(groups, channels, eps, affine=True) on NHWC input, biased variance as in PyTorch.
 * The official VAE's {@code Normalize} uses 32 groups and eps 1e-6, so every channel count must be
 * a multiple of 32. Parameters {@code <name>.weight} and {@code <name>.bias}, both (C).
 *
 * <p>apply: x (B, H, W, C) to (B, H, W, C); H, W and C must be static.
 */
public final class GroupNorm {
  public final int channels;
  public final int groups;
  public final float eps;
  private final ParamStore ps;
  private final String name;

  public GroupNorm(ParamStore ps, String name, int channels, int groups, float eps) {
    if (channels % groups != 0) {
      throw new IllegalArgumentException(
          name
              + ": GroupNorm needs channels divisible by "
              + groups
              + " groups, got "
              + channels
              + " channels");
    }
    this.ps = ps;
    this.name = name;
    this.channels = channels;
    this.groups = groups;
    this.eps = eps;
    ps.create(name + ".weight", new long[] {channels}, Layout.AS_IS, Init.constant(1f));
    ps.create(name + ".bias", new long[] {channels}, Layout.AS_IS, Init.zeros());
  }

  /** The VAE's Normalize: 32 groups, eps 1e-6. */
  public static GroupNorm normalize(ParamStore ps, String name, int channels) {
    return new GroupNorm(ps, name, channels, 32, 1e-6f);
  }

  public Operand<TFloat32> apply(Operand<TFloat32> x) {
    Ops tf = ps.tf();
    long[] s = x.shape().asArray();
    long h = s[1], w = s[2];
    if (h < 0 || w < 0 || s[3] != channels) {
      throw new IllegalArgumentException(
          name + ": expected static (B, H, W, " + channels + ") input, got " + x.shape());
    }
    // (B, H*W, G, C/G)
    Operand<TFloat32> g =
        tf.reshape(x, tf.constant(new long[] {-1, h * w, groups, channels / groups}));
    Operand<org.tensorflow.types.TInt32> axes = tf.constant(new int[] {1, 3});
    Operand<TFloat32> mean = tf.math.mean(g, axes, org.tensorflow.op.math.Mean.keepDims(true));
    Operand<TFloat32> centered = tf.math.sub(g, mean);
    Operand<TFloat32> var =
        tf.math.mean(tf.math.square(centered), axes, org.tensorflow.op.math.Mean.keepDims(true));
    Operand<TFloat32> normed =
        tf.math.mul(centered, tf.math.rsqrt(tf.math.add(var, tf.constant(eps))));
    Operand<TFloat32> back = tf.reshape(normed, tf.constant(new long[] {-1, h, w, channels}));
    return tf.math.add(tf.math.mul(back, ps.get(name + ".weight")), ps.get(name + ".bias"));
  }
}
