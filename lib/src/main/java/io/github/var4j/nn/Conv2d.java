package io.github.var4j.nn;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * nn.Conv2d with explicit zero padding followed by a VALID convolution (TF's EXPLICIT padding has a
 * broken gradient). Parameters {@code <name>.weight} (PyTorch (out, in, k, k), TF HWIO) and {@code
 * <name>.bias} (out).
 *
 * <p>apply: x (B, H, W, in) to (B, H', W', out), NHWC.
 */
public final class Conv2d {
  /** Zero padding per side, in pixels. */
  public record Padding(int top, int bottom, int left, int right) {
    public static Padding same(int p) {
      return new Padding(p, p, p, p);
    }
  }

  public final int inChannels;
  public final int outChannels;
  public final int kernel;
  public final int stride;
  public final Padding padding;
  private final ParamStore ps;
  private final String name;

  public Conv2d(
      ParamStore ps, String name, int in, int out, int kernel, int stride, Padding padding) {
    if (in <= 0 || out <= 0)
      throw new IllegalArgumentException(
          name + ": channels must be positive, got in=" + in + " out=" + out);
    if (kernel <= 0 || stride <= 0)
      throw new IllegalArgumentException(name + ": kernel and stride must be positive");
    this.ps = ps;
    this.name = name;
    this.inChannels = in;
    this.outChannels = out;
    this.kernel = kernel;
    this.stride = stride;
    this.padding = padding;
    long fanIn = (long) in * kernel * kernel;
    ps.create(
        name + ".weight",
        new long[] {out, in, kernel, kernel},
        Layout.CONV,
        Init.torchDefault(fanIn));
    ps.create(name + ".bias", new long[] {out}, Layout.AS_IS, Init.torchDefault(fanIn));
  }

  /** Conv with "same" padding k/2 and stride 1. */
  public Conv2d(ParamStore ps, String name, int in, int out, int kernel) {
    this(ps, name, in, out, kernel, 1, Padding.same(kernel / 2));
  }

  public Operand<TFloat32> apply(Operand<TFloat32> x) {
    Ops tf = ps.tf();
    Padding p = padding;
    Operand<TFloat32> xp = x;
    if (p.top + p.bottom + p.left + p.right > 0) {
      xp =
          tf.pad(
              x,
              tf.constant(new int[][] {{0, 0}, {p.top, p.bottom}, {p.left, p.right}, {0, 0}}),
              tf.constant(0f));
    }
    Operand<TFloat32> y =
        tf.nn.conv2d(
            xp, ps.get(name + ".weight"), List.of(1L, (long) stride, (long) stride, 1L), "VALID");
    return tf.nn.biasAdd(y, ps.get(name + ".bias"));
  }
}
