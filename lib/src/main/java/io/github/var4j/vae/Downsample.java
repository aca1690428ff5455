package io.github.var4j.vae;

import io.github.var4j.nn.Conv2d;
import io.github.var4j.nn.ParamStore;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * Downsample2x: zero-pad right and bottom by one pixel (F.pad(x, (0,1,0,1))), then a 3x3 stride-2
 * VALID conv (parameter {@code <name>.conv}). apply: x (B, H, W, C) to (B, H/2, W/2, C) for even H,
 * W.
 */
public final class Downsample {
  private final Conv2d conv;

  public Downsample(ParamStore ps, String name, int channels) {
    this.conv =
        new Conv2d(ps, name + ".conv", channels, channels, 3, 2, new Conv2d.Padding(0, 1, 0, 1));
  }

  public Operand<TFloat32> apply(Operand<TFloat32> xBHWC) {
    return conv.apply(xBHWC);
  }
}
