package io.github.var4j.vae;

import io.github.var4j.quant.QuantizerConfig;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.util.Require;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.Arrays;

/**
 * Hyper-parameters of the multi-scale VQ-VAE (official models/vqvae.py + basic_vae.py, generalised
 * to grey images).
 *
 * <p>The encoder has {@code chMult.length} levels with {@code ch * chMult[i]} channels; every level
 * but the last halves the resolution, so {@link #downsample()} = 2^(levels-1) and the latent map is
 * {@link #latentSide()} squared with {@code zChannels} (= Cvae) channels. Every channel count feeds
 * a GroupNorm with 32 groups, so {@code ch} must be a multiple of 32. The quantizer's last patch
 * number must equal the latent side.
 *
 * @param inChannels image channels: 1 (grey) or 3 (RGB); the official model uses 3
 * @param ch base width of the encoder/decoder (official 160)
 * @param chMult width multiplier per level (official 1,1,2,2,4)
 * @param numResBlocks ResnetBlocks per encoder level (the decoder has one more per level); official
 *     2
 * @param zChannels latent channels Cvae (official 32); encoder conv_out output,
 *     quant_conv/post_quant_conv width
 * @param vocabSize codebook size V (official 4096)
 * @param patchNums the scale schedule; its last side is the latent side
 * @param beta commitment weight of the VQ loss (0.25)
 * @param quantResi Phi mixing ratio r (0.5)
 * @param shareQuantResi number of shared Phi convolutions (4)
 * @param imageSize image side in pixels (official 256)
 */
@RecordBuilder
public record VqVaeConfig(
    int inChannels,
    int ch,
    int[] chMult,
    int numResBlocks,
    int zChannels,
    int vocabSize,
    ScaleSchedule patchNums,
    double beta,
    double quantResi,
    int shareQuantResi,
    int imageSize)
    implements VqVaeConfigBuilder.With {

  /** GroupNorm group count of the official {@code Normalize}. */
  public static final int GROUPS = 32;

  public VqVaeConfig {
    if (inChannels != 1 && inChannels != 3) {
      throw new IllegalArgumentException(
          "inChannels must be 1 (grey) or 3 (RGB), got " + inChannels);
    }
    Require.positive("ch", ch);
    if (ch % GROUPS != 0) {
      throw new IllegalArgumentException(
          "ch = "
              + ch
              + " is not a multiple of "
              + GROUPS
              + ": every VAE channel count (ch * chMult[i]) feeds a GroupNorm with "
              + GROUPS
              + " groups");
    }
    if (chMult == null || chMult.length == 0)
      throw new IllegalArgumentException("chMult must not be empty");
    chMult = chMult.clone();
    for (int i = 0; i < chMult.length; i++) {
      if (chMult[i] <= 0) {
        throw new IllegalArgumentException(
            "chMult entries must be positive, got " + Arrays.toString(chMult));
      }
    }
    if (chMult.length > 16)
      throw new IllegalArgumentException("chMult has " + chMult.length + " levels, at most 16");
    Require.positive("numResBlocks", numResBlocks);
    Require.positive("zChannels", zChannels);
    if (patchNums == null) throw new IllegalArgumentException("patchNums must not be null");
    Require.positive("imageSize", imageSize);
    int down = 1 << (chMult.length - 1);
    if (imageSize % down != 0) {
      throw new IllegalArgumentException(
          "imageSize "
              + imageSize
              + " is not divisible by the VAE's downsampling factor "
              + down
              + " (2^("
              + chMult.length
              + " levels - 1))");
    }
    // validates vocabSize, patchNums, beta, quantResi, shareQuantResi; then the last scale against
    // the latent side
    quantizer(vocabSize, zChannels, patchNums, beta, quantResi, shareQuantResi);
    patchNums.checkLatentSide(imageSize / down);
  }

  /**
   * The released VQ-VAE {@code vae_ch160v4096z32.pth}: ch 160, chMult (1,1,2,2,4), 2 res blocks,
   * Cvae 32, V 4096, 256 px RGB, 16x downsampling, patch numbers (1,2,3,4,5,6,8,10,13,16);
   * 108,948,355 parameters.
   */
  public static VqVaeConfig official() {
    return new VqVaeConfig(
        3, 160, new int[] {1, 1, 2, 2, 4}, 2, 32, 4096, ScaleSchedule.px256(), 0.25, 0.5, 4, 256);
  }

  /**
   * Default tokenizer for Fashion-MNIST padded to 32x32 grey: ch 32, chMult (1,2,2) (widths 32, 64,
   * 64; 4x downsampling to an 8x8 latent), 1 res block, Cvae 16, V 512, patch numbers
   * (1,2,3,4,5,6,8) (K = 7, L = 155).
   *
   * <p>Why: a 2-core CPU must train it in about 30-40 minutes. It has 1.04M parameters; one forward
   * pass costs about 0.22 GMAC per image (encoder 0.06, decoder 0.16: the decoder's 64-channel
   * convolutions at 16x16 and 32x32 dominate). Measured on the 2-vCPU development machine: forward
   * + backward (reconstruction MSE + VQ loss) of a batch of 32 takes 0.28-0.47 s, i.e. 70-115
   * images per second, so 30-40 minutes give about 2-4 epochs of the 60k training images.
   * Fashion-MNIST is simple (flat backgrounds, coarse textures): 4x downsampling keeps the latent
   * at 8x8, which the residual multi-scale quantisation (7 scales, each refining the rest) should
   * represent well enough for the project's target of at least 25 dB PSNR (a design choice; the
   * PSNR is measured by the training experiment), while 8x downsampling to 4x4 would lose the fine
   * stripes and text on garments. Cvae 16 and V 512 keep the codebook small enough to be well used
   * with this little data (the official Cvae 32 / V 4096 target ImageNet). Attention runs only at
   * the 8x8 level (64 positions), as in the official design.
   */
  public static VqVaeConfig fashionMnistDefault() {
    return new VqVaeConfig(
        1,
        32,
        new int[] {1, 2, 2},
        1,
        16,
        512,
        ScaleSchedule.of(1, 2, 3, 4, 5, 6, 8),
        0.25,
        0.5,
        4,
        32);
  }

  /** This configuration with another scale schedule, e.g. {@code (8)} for a single-scale VQ-VAE. */

  /**
   * This configuration with another number of shared Phi convolutions (0 = one per scale, 1 = one
   * shared, n = n partially shared; see {@link QuantizerConfig}).
   */

  /** Number of encoder/decoder levels (resolutions). */
  public int numLevels() {
    return chMult.length;
  }

  /** Spatial reduction of the encoder: 2^(levels-1) (official 16). */
  public int downsample() {
    return 1 << (chMult.length - 1);
  }

  /** Side of the latent map f (= the last patch number). */
  public int latentSide() {
    return imageSize / downsample();
  }

  /** Width of level i: ch * chMult[i]. */
  public int levelChannels(int level) {
    return ch * chMult[level];
  }

  /** The quantizer's configuration (Cvae = zChannels). */
  public QuantizerConfig quantizerConfig() {
    return quantizer(vocabSize, zChannels, patchNums, beta, quantResi, shareQuantResi);
  }

  private static QuantizerConfig quantizer(
      int vocabSize,
      int zChannels,
      ScaleSchedule patchNums,
      double beta,
      double quantResi,
      int shareQuantResi) {
    return QuantizerConfig.builder()
        .vocabSize(vocabSize)
        .cvae(zChannels)
        .patchNums(patchNums)
        .beta(beta)
        .quantResi(quantResi)
        .shareQuantResi(shareQuantResi)
        .build();
  }

  @Override
  public int[] chMult() {
    return chMult.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VqVaeConfig c
        && inChannels == c.inChannels
        && ch == c.ch
        && Arrays.equals(chMult, c.chMult)
        && numResBlocks == c.numResBlocks
        && zChannels == c.zChannels
        && vocabSize == c.vocabSize
        && patchNums.equals(c.patchNums)
        && Double.compare(beta, c.beta) == 0
        && Double.compare(quantResi, c.quantResi) == 0
        && shareQuantResi == c.shareQuantResi
        && imageSize == c.imageSize;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(
        inChannels,
        ch,
        Arrays.hashCode(chMult),
        numResBlocks,
        zChannels,
        vocabSize,
        patchNums,
        beta,
        quantResi,
        shareQuantResi,
        imageSize);
  }

  @Override
  public String toString() {
    return "VqVaeConfig[inChannels="
        + inChannels
        + ", ch="
        + ch
        + ", chMult="
        + Arrays.toString(chMult)
        + ", numResBlocks="
        + numResBlocks
        + ", zChannels="
        + zChannels
        + ", vocabSize="
        + vocabSize
        + ", patchNums="
        + patchNums
        + ", beta="
        + beta
        + ", quantResi="
        + quantResi
        + ", shareQuantResi="
        + shareQuantResi
        + ", imageSize="
        + imageSize
        + "]";
  }

  // ---- builder and withers: generated by record-builder ({@code VqVaeConfigBuilder}, {@code
  // VqVaeConfigBuilder.With}) ----

  /**
   * A builder with no component set yet (unset components are 0, false or null, which the canonical
   * constructor then judges); start from {@link #toBuilder} to change only a few.
   */
  public static VqVaeConfigBuilder builder() {
    return VqVaeConfigBuilder.builder();
  }

  /** A builder holding this configuration's components, e.g. {@code c.toBuilder().x(v).build()}. */
  public VqVaeConfigBuilder toBuilder() {
    return VqVaeConfigBuilder.builder(this);
  }
}
