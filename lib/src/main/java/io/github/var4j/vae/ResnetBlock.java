package io.github.var4j.vae;

import io.github.var4j.nn.Act;
import io.github.var4j.nn.Conv2d;
import io.github.var4j.nn.GroupNorm;
import io.github.var4j.nn.ParamStore;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The VAE's ResnetBlock (official basic_vae.py; dropout 0 so it is the identity): {@code h =
 * conv1(silu(norm1(x))); h = conv2(silu(norm2(h))); return nin_shortcut(x) + h}. conv1/conv2 are
 * 3x3 with padding 1; {@code nin_shortcut} is a 1x1 conv that exists only when in != out.
 *
 * <p>Parameters under {@code <name>.}: norm1, conv1, norm2, conv2 [, nin_shortcut]. apply: x (B, H,
 * W, in) to (B, H, W, out).
 */
public final class ResnetBlock {
  public final int inChannels;
  public final int outChannels;
  private final Ops tf;
  private final GroupNorm norm1;
  private final Conv2d conv1;
  private final GroupNorm norm2;
  private final Conv2d conv2;
  private final Conv2d ninShortcut; // null when in == out

  public ResnetBlock(ParamStore ps, String name, int in, int out) {
    this.tf = ps.tf();
    this.inChannels = in;
    this.outChannels = out;
    this.norm1 = GroupNorm.normalize(ps, name + ".norm1", in);
    this.conv1 = new Conv2d(ps, name + ".conv1", in, out, 3);
    this.norm2 = GroupNorm.normalize(ps, name + ".norm2", out);
    this.conv2 = new Conv2d(ps, name + ".conv2", out, out, 3);
    this.ninShortcut = in != out ? new Conv2d(ps, name + ".nin_shortcut", in, out, 1) : null;
  }

  public Operand<TFloat32> apply(Operand<TFloat32> xBHWC) {
    Operand<TFloat32> h = conv1.apply(Act.silu(tf, norm1.apply(xBHWC))); // (B, H, W, out)
    h = conv2.apply(Act.silu(tf, norm2.apply(h))); // (B, H, W, out)
    Operand<TFloat32> shortcut = ninShortcut == null ? xBHWC : ninShortcut.apply(xBHWC);
    return tf.math.add(shortcut, h);
  }
}
