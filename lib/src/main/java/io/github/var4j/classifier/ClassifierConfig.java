package io.github.var4j.classifier;

import io.github.var4j.util.Require;

/**
 * Configuration of the {@link ClassifierNet}: three stages of (conv3x3 + GroupNorm + SiLU, then a
 * stride-2 conv3x3 + GroupNorm + SiLU) of widths {@code width}, {@code 2·width}, {@code 4·width},
 * global average pooling to the penultimate features ({@code 4·width} dims), a linear head to the
 * classes.
 *
 * @param inChannels image channels (1 for grey)
 * @param imageSize image side S; must be a multiple of 8 (three 2x downsamplings)
 * @param width the one size knob: channels of the first stage (default 32, giving 32-64-128)
 * @param numClasses classes of the head
 * @param groups GroupNorm groups; {@code width} must be a multiple of it
 */
public record ClassifierConfig(
    int inChannels, int imageSize, int width, int numClasses, int groups) {

  public ClassifierConfig {
    Require.atLeast("inChannels", inChannels, 1);
    if (imageSize < 8 || imageSize % 8 != 0) {
      throw new IllegalArgumentException(
          "imageSize must be a positive multiple of 8, got " + imageSize);
    }
    Require.atLeast("numClasses", numClasses, 2);
    Require.atLeast("groups", groups, 1);
    if (width < 1 || width % groups != 0) {
      throw new IllegalArgumentException(
          "width must be a positive multiple of groups=" + groups + ", got " + width);
    }
  }

  /** The Fashion-MNIST default: 32x32 grey, widths 32-64-128, 10 classes, 8 groups. */
  public static ClassifierConfig fashionMnistDefault() {
    return new ClassifierConfig(1, 32, 32, 10, 8);
  }

  /** Channels of stage {@code i} (0, 1, 2). */
  public int stageWidth(int i) {
    return width << i;
  }

  /** Dimension of the penultimate feature vector: the last stage's width. */
  public int featureDim() {
    return stageWidth(2);
  }
}
