package io.github.var4j.train;

import io.github.var4j.nn.Conv2d;
import io.github.var4j.nn.GroupNorm;
import io.github.var4j.nn.ParamStore;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A PatchGAN discriminator (pix2pix / taming {@code NLayerDiscriminator}) for tokenizer training:
 * 4x4 convolutions, LeakyReLU(0.2), GroupNorm(32) instead of BatchNorm (no batch statistics to
 * carry), one logit per patch.
 *
 * <p>apply: image (B, S, S, C) in [-1, 1] to patch logits (B, S', S', 1). Parameters are named
 * {@code disc.main.<i>.weight/bias} and live in their own {@link ParamStore} so the tokenizer's
 * optimizer never sees them.
 */
public final class PatchDiscriminator {
  private final Ops tf;
  private final List<Conv2d> convs = new ArrayList<>();
  private final List<GroupNorm> norms = new ArrayList<>();

  /**
   * @param inChannels image channels
   * @param ndf channels of the first layer (multiple of 32)
   * @param nLayers number of stride-2 layers (the receptive field grows with it)
   */
  public PatchDiscriminator(ParamStore ps, int inChannels, int ndf, int nLayers) {
    if (ndf % 32 != 0)
      throw new IllegalArgumentException("discriminator ndf must be a multiple of 32, got " + ndf);
    if (nLayers < 1)
      throw new IllegalArgumentException("discriminator nLayers must be >= 1, got " + nLayers);
    this.tf = ps.tf();
    Conv2d.Padding p1 = Conv2d.Padding.same(1);
    convs.add(new Conv2d(ps, "disc.main.0", inChannels, ndf, 4, 2, p1));
    norms.add(null);
    int ch = ndf;
    for (int i = 1; i <= nLayers; i++) {
      int out = ndf * Math.min(1 << i, 8);
      int stride = i < nLayers ? 2 : 1;
      convs.add(new Conv2d(ps, "disc.main." + i, ch, out, 4, stride, p1));
      norms.add(GroupNorm.normalize(ps, "disc.norm." + i, out));
      ch = out;
    }
    convs.add(new Conv2d(ps, "disc.main." + (nLayers + 1), ch, 1, 4, 1, p1));
  }

  public Operand<TFloat32> apply(Operand<TFloat32> img) {
    Operand<TFloat32> h = img;
    for (int i = 0; i < convs.size(); i++) {
      h = convs.get(i).apply(h);
      if (i == convs.size() - 1) break;
      if (norms.get(i) != null) h = norms.get(i).apply(h);
      h = tf.math.maximum(h, tf.math.mul(tf.constant(0.2f), h)); // LeakyReLU(0.2)
    }
    return h;
  }
}
