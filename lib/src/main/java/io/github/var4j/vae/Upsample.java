package io.github.var4j.vae;

import io.github.var4j.nn.Conv2d;
import io.github.var4j.nn.ParamStore;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Upsample2x: nearest-neighbour x2 (F.interpolate(scale_factor=2, mode='nearest'): out[y][x] =
 * in[y/2][x/2]) then a 3x3 conv with padding 1 (parameter {@code <name>.conv}). apply: x (B, H, W,
 * C) to (B, 2H, 2W, C); H, W, C static.
 */
public final class Upsample {
  private final Ops tf;
  private final Conv2d conv;

  public Upsample(ParamStore ps, String name, int channels) {
    this.tf = ps.tf();
    this.conv = new Conv2d(ps, name + ".conv", channels, channels, 3);
  }

  /**
   * Exact nearest x2 by copying: (B, H, 1, W, 1, C) tiled to (B, H, 2, W, 2, C), reshaped to (B,
   * 2H, 2W, C). Reshape and Tile both have gradients.
   */
  public static Operand<TFloat32> nearest2x(Ops tf, Operand<TFloat32> xBHWC) {
    long[] s = xBHWC.shape().asArray();
    if (s == null || s.length != 4 || s[1] < 0 || s[2] < 0 || s[3] < 0) {
      throw new IllegalArgumentException(
          "nearest2x: expected static (B, H, W, C) input, got " + xBHWC.shape());
    }
    long h = s[1], w = s[2], c = s[3];
    Operand<TFloat32> x6 = tf.reshape(xBHWC, tf.constant(new long[] {-1, h, 1, w, 1, c}));
    Operand<TFloat32> tiled = tf.tile(x6, tf.constant(new long[] {1, 1, 2, 1, 2, 1}));
    return tf.reshape(tiled, tf.constant(new long[] {-1, 2 * h, 2 * w, c}));
  }

  public Operand<TFloat32> apply(Operand<TFloat32> xBHWC) {
    return conv.apply(nearest2x(tf, xBHWC));
  }
}
