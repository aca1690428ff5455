package io.github.var4j.vae;

import io.github.var4j.nn.Conv2d;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.quant.MultiScaleQuantizer;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The multi-scale VQ-VAE graph builder (official models/vqvae.py VQVAE), NHWC, images in [-1, 1].
 *
 * <pre>
 * f    = quant_conv(encoder(img))            (B, s, s, Cvae), s = imageSize / downsample = patchNums[K-1]
 * fHat = quantize(f)                          multi-scale residual quantisation ({@link MultiScaleQuantizer})
 * img  = decoder(post_quant_conv(fHat))       (B, S, S, inChannels), clamp to [-1, 1] for display
 * </pre>
 *
 * The constructor registers the parameters in the official order (encoder.*, decoder.*, quantize.*,
 * quant_conv.*, post_quant_conv.*) under the official names, so official state dicts load by name
 * ({@link ParamStore#load}).
 */
public final class VqVae {
  /**
   * Output of {@link #forwardTrain}: the reconstruction (unclamped) from the straight-through fHat,
   * the VQ loss, the continuous latent f and the tokens of every scale.
   */
  public record TrainForward(
      Operand<TFloat32> reconBHWC,
      Operand<TFloat32> vqLoss,
      Operand<TFloat32> fBHWC,
      List<Operand<TInt32>> idxBL) {}

  private final Ops tf;
  private final VqVaeConfig cfg;
  private final Encoder encoder;
  private final Decoder decoder;
  private final MultiScaleQuantizer quantizer;
  private final Conv2d quantConv;
  private final Conv2d postQuantConv;

  public VqVae(ParamStore ps, VqVaeConfig cfg) {
    this.tf = ps.tf();
    this.cfg = cfg;
    this.encoder = new Encoder(ps, "encoder", cfg);
    this.decoder = new Decoder(ps, "decoder", cfg);
    this.quantizer = new MultiScaleQuantizer(ps, "quantize.", cfg.quantizerConfig());
    // official quant_conv_ks = 3: padding 1
    this.quantConv = new Conv2d(ps, "quant_conv", cfg.zChannels(), cfg.zChannels(), 3);
    this.postQuantConv = new Conv2d(ps, "post_quant_conv", cfg.zChannels(), cfg.zChannels(), 3);
  }

  public VqVaeConfig config() {
    return cfg;
  }

  public MultiScaleQuantizer quantizer() {
    return quantizer;
  }

  public Encoder encoder() {
    return encoder;
  }

  public Decoder decoder() {
    return decoder;
  }

  public Conv2d quantConv() {
    return quantConv;
  }

  public Conv2d postQuantConv() {
    return postQuantConv;
  }

  /** f = quant_conv(encoder(img)): img (B, S, S, inChannels) in [-1, 1] to f (B, s, s, Cvae). */
  public Operand<TFloat32> encodeF(Operand<TFloat32> imgBHWC) {
    checkImage(imgBHWC);
    return quantConv.apply(encoder.apply(imgBHWC));
  }

  /** decoder(post_quant_conv(fHat)), unclamped: fHat (B, s, s, Cvae) to (B, S, S, inChannels). */
  public Operand<TFloat32> decode(Operand<TFloat32> fHatBHWC) {
    checkLatent(fHatBHWC, "fHat");
    return decoder.apply(postQuantConv.apply(fHatBHWC));
  }

  /** Clamps an image to [-1, 1] (official fhat_to_img). */
  public Operand<TFloat32> clamp(Operand<TFloat32> imgBHWC) {
    return tf.clipByValue(imgBHWC, tf.constant(-1f), tf.constant(1f));
  }

  /**
   * The VAE training forward: f = encodeF(img); (fHatST, vqLoss) = quantizer.forwardTrain(f); recon
   * = decode(fHatST). Gradients reach the decoder through recon, the encoder through the
   * straight-through fHatST and the commitment term, and the codebook and Phi convs through vqLoss.
   */
  public TrainForward forwardTrain(Operand<TFloat32> imgBHWC) {
    Operand<TFloat32> f = encodeF(imgBHWC);
    MultiScaleQuantizer.TrainOut q = quantizer.forwardTrain(f);
    return new TrainForward(decode(q.fHatST()), q.vqLoss(), f, q.idxBL());
  }

  /** Checks an image operand against the configuration: (B, imageSize, imageSize, inChannels). */
  public void checkImage(Operand<TFloat32> imgBHWC) {
    long[] s = imgBHWC.shape().asArray();
    if (s == null || s.length != 4) {
      throw new IllegalArgumentException(
          "image must have shape (B, H, W, C), got " + imgBHWC.shape());
    }
    if (s[1] != cfg.imageSize() || s[2] != cfg.imageSize()) {
      throw new IllegalArgumentException(
          "image size "
              + dim(s[1])
              + "x"
              + dim(s[2])
              + " does not match the VAE's "
              + cfg.imageSize()
              + "x"
              + cfg.imageSize());
    }
    if (s[3] != cfg.inChannels()) {
      throw new IllegalArgumentException(
          "image has " + dim(s[3]) + " channels but the VAE expects " + cfg.inChannels());
    }
  }

  private void checkLatent(Operand<TFloat32> xBHWC, String what) {
    long[] s = xBHWC.shape().asArray();
    int side = cfg.latentSide();
    if (s == null || s.length != 4 || s[1] != side || s[2] != side || s[3] != cfg.zChannels()) {
      throw new IllegalArgumentException(
          what
              + " must have shape (B, "
              + side
              + ", "
              + side
              + ", "
              + cfg.zChannels()
              + "), got "
              + xBHWC.shape());
    }
  }

  private static String dim(long d) {
    return d < 0 ? "?" : Long.toString(d);
  }
}
