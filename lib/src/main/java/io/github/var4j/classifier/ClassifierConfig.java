package io.github.var4j.classifier;

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
    if (inChannels < 1)
      throw new IllegalArgumentException("inChannels must be >= 1, got " + inChannels);
    if (imageSize < 8 || imageSize % 8 != 0) {
      throw new IllegalArgumentException(
          "imageSize must be a positive multiple of 8, got " + imageSize);
    }
    if (numClasses < 2)
      throw new IllegalArgumentException("numClasses must be >= 2, got " + numClasses);
    if (groups < 1) throw new IllegalArgumentException("groups must be >= 1, got " + groups);
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
