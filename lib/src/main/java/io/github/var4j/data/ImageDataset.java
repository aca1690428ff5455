package io.github.var4j.data;

import io.github.var4j.util.Require;
import java.util.Arrays;
import java.util.List;

/**
 * An immutable, in-memory labelled image dataset: {@code n} images of {@code h x w x c} uint8
 * pixels stored NHWC in one {@code byte[]} (read pixels as {@code b & 0xFF}), one class label per
 * image.
 *
 * <p>Models consume images as floats in [-1, 1] ({@code x/255*2-1}, VAR's {@code x*2-1} on [0,1]
 * tensors); see {@link #toFloatBatch(int[], int)}, which also zero-pads to a square target size
 * with the background value -1 (e.g. 28x28 Fashion-MNIST -> 32x32 pads 2 pixels on every side).
 */
public final class ImageDataset {

  /** Float value of a padding pixel: black, i.e. uint8 0 mapped to [-1, 1]. */
  public static final float BACKGROUND = -1f;

  private final int n, h, w, c;
  private final List<String> classNames;
  private final int[] labels; // (N,)
  private final byte[] pixels; // (N, H, W, C) uint8

  /**
   * Validating constructor; copies {@code labels} and {@code pixels}.
   *
   * @param labels (N,) values in [0, classNames.size())
   * @param pixels (N, H, W, C) uint8, NHWC order
   */
  public ImageDataset(
      int n, int h, int w, int c, List<String> classNames, int[] labels, byte[] pixels) {
    this(n, h, w, c, classNames, labels.clone(), pixels.clone(), true);
  }

  /** Non-copying constructor for arrays this package created and never hands out. */
  ImageDataset(
      int n,
      int h,
      int w,
      int c,
      List<String> classNames,
      int[] labels,
      byte[] pixels,
      boolean validate) {
    Require.atLeast("n", n, 0);
    if (h <= 0 || w <= 0)
      throw new IllegalArgumentException("image size must be positive, got h=" + h + " w=" + w);
    if (c != 1 && c != 3) throw new IllegalArgumentException("channels must be 1 or 3, got " + c);
    if (classNames == null || classNames.isEmpty())
      throw new IllegalArgumentException("classNames must not be empty");
    if (classNames.size() > 255)
      throw new IllegalArgumentException(
          "at most 255 classes are supported, got " + classNames.size());
    for (int k = 0; k < classNames.size(); k++)
      if (classNames.get(k) == null)
        throw new IllegalArgumentException("classNames[" + k + "] is null");
    if (labels.length != n)
      throw new IllegalArgumentException(
          "labels.length must equal n=" + n + ", got " + labels.length);
    long want = (long) n * h * w * c;
    if (pixels.length != want)
      throw new IllegalArgumentException(
          "pixels.length must be n*h*w*c=" + want + ", got " + pixels.length);
    if (validate) {
      for (int i = 0; i < n; i++)
        if (labels[i] < 0 || labels[i] >= classNames.size())
          throw new IllegalArgumentException(
              "label of image "
                  + i
                  + " must be in [0, "
                  + classNames.size()
                  + "), got "
                  + labels[i]);
    }
    this.n = n;
    this.h = h;
    this.w = w;
    this.c = c;
    this.classNames = List.copyOf(classNames);
    this.labels = labels;
    this.pixels = pixels;
  }

  public int size() {
    return n;
  }

  public int height() {
    return h;
  }

  public int width() {
    return w;
  }

  public int channels() {
    return c;
  }

  public int numClasses() {
    return classNames.size();
  }

  /** Bytes of one image: h*w*c. */
  public int imageBytes() {
    return h * w * c;
  }

  public List<String> classNames() {
    return classNames;
  }

  public String className(int label) {
    return classNames.get(label);
  }

  public int label(int i) {
    checkIndex(i);
    return labels[i];
  }

  /** A copy of all labels, (N,). */
  public int[] labels() {
    return labels.clone();
  }

  /** Labels of the given images, (B,). */
  public int[] labels(int[] idx) {
    int[] out = new int[idx.length];
    for (int b = 0; b < idx.length; b++) out[b] = label(idx[b]);
    return out;
  }

  /** One pixel as an int in [0, 255]. */
  public int pixel(int i, int y, int x, int ch) {
    checkIndex(i);
    if (y < 0 || y >= h || x < 0 || x >= w || ch < 0 || ch >= c)
      throw new IndexOutOfBoundsException(
          "pixel (" + y + ", " + x + ", " + ch + ") outside " + h + "x" + w + "x" + c);
    return pixels[((i * h + y) * w + x) * c + ch] & 0xFF;
  }

  /** A copy of image {@code i}'s uint8 pixels, (H, W, C). */
  public byte[] image(int i) {
    checkIndex(i);
    int sz = imageBytes();
    return Arrays.copyOfRange(pixels, i * sz, (i + 1) * sz);
  }

  /** A copy of all pixels, (N, H, W, C) uint8. */
  public byte[] pixels() {
    return pixels.clone();
  }

  /** Number of images per class, (numClasses,). */
  public int[] classCounts() {
    int[] counts = new int[numClasses()];
    for (int l : labels) counts[l]++;
    return counts;
  }

  /** Indices (ascending) of the images with the given label. */
  public int[] indicesOfClass(int label) {
    if (label < 0 || label >= numClasses())
      throw new IllegalArgumentException(
          "label must be in [0, " + numClasses() + "), got " + label);
    return java.util.stream.IntStream.range(0, n).filter(i -> labels[i] == label).toArray();
  }

  /** A new dataset of the images {@code idx} (in that order; repeats allowed), same classes. */
  public ImageDataset subset(int[] idx) {
    int sz = imageBytes();
    int[] subLabels = new int[idx.length];
    byte[] subPixels = new byte[Math.multiplyExact(idx.length, sz)];
    for (int b = 0; b < idx.length; b++) {
      int i = idx[b];
      checkIndex(i);
      subLabels[b] = labels[i];
      System.arraycopy(pixels, i * sz, subPixels, b * sz, sz);
    }
    return new ImageDataset(idx.length, h, w, c, classNames, subLabels, subPixels, false);
  }

  /**
   * Images {@code idx} as floats in [-1, 1] ({@code x/255*2-1}), each centred on a {@code
   * targetSize x targetSize} canvas filled with {@link #BACKGROUND} (-1). Padding per axis is
   * {@code (targetSize - h) / 2} before and the rest after, so 28 -> 32 pads 2 on each side.
   *
   * @return (B, targetSize, targetSize, C) NHWC
   */
  public float[] toFloatBatch(int[] idx, int targetSize) {
    checkTarget(targetSize);
    int per = targetSize * targetSize * c;
    float[] out = new float[Math.multiplyExact(idx.length, per)];
    for (int b = 0; b < idx.length; b++) writeFloat(idx[b], targetSize, out, b * per);
    return out;
  }

  /** Images {@code idx} as floats in [-1, 1] at native size, (B, H, W, C). */
  public float[] toFloatBatch(int[] idx) {
    if (h != w) {
      int per = h * w * c;
      float[] out = new float[Math.multiplyExact(idx.length, per)];
      for (int b = 0; b < idx.length; b++) {
        checkIndex(idx[b]);
        int src = idx[b] * per;
        for (int k = 0; k < per; k++) out[b * per + k] = toUnit(pixels[src + k]);
      }
      return out;
    }
    return toFloatBatch(idx, h);
  }

  /** One image as floats in [-1, 1] padded to {@code targetSize}, (targetSize, targetSize, C). */
  public float[] imageAsFloat(int i, int targetSize) {
    checkTarget(targetSize);
    float[] out = new float[targetSize * targetSize * c];
    writeFloat(i, targetSize, out, 0);
    return out;
  }

  /** uint8 -> [-1, 1]: x/255*2-1 (0 -> -1, 255 -> 1). */
  public static float toUnit(byte v) {
    return (v & 0xFF) / 255f * 2f - 1f;
  }

  private void writeFloat(int i, int t, float[] out, int off) {
    checkIndex(i);
    int padY = (t - h) / 2, padX = (t - w) / 2;
    Arrays.fill(out, off, off + t * t * c, BACKGROUND);
    int src = i * imageBytes();
    int rowLen = w * c;
    for (int y = 0; y < h; y++) {
      int dst = off + ((y + padY) * t + padX) * c;
      int s = src + y * rowLen;
      for (int k = 0; k < rowLen; k++) out[dst + k] = toUnit(pixels[s + k]);
    }
  }

  private void checkTarget(int targetSize) {
    if (targetSize < h || targetSize < w)
      throw new IllegalArgumentException(
          "targetSize "
              + targetSize
              + " is smaller than the images ("
              + h
              + "x"
              + w
              + "); padding can only enlarge");
  }

  private void checkIndex(int i) {
    if (i < 0 || i >= n)
      throw new IndexOutOfBoundsException("image index " + i + " outside [0, " + n + ")");
  }

  /** Package-private view of the labels (no copy); callers must not modify. */
  int[] labelsView() {
    return labels;
  }

  /** Package-private view of the pixels (no copy); callers must not modify. */
  byte[] pixelsView() {
    return pixels;
  }

  @Override
  public String toString() {
    return "ImageDataset[n=" + n + ", " + h + "x" + w + "x" + c + ", classes=" + numClasses() + "]";
  }
}
