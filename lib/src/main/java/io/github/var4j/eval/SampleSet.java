package io.github.var4j.eval;

import io.github.var4j.data.ImageDataset;
import io.github.var4j.io.Npy;
import io.github.var4j.io.Npz;
import io.github.var4j.util.ImageArrays;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A set of n images as uint8 (n, H, W, C), with the class label of each image where known: the
 * input of every sample-quality metric, generated or real. Images are quantised to uint8 before
 * they are scored (x ∈ [0, 1] -> round(255·x)), as every image file and the reference evaluator do,
 * so a set scored in memory and the same set written to an {@code .npz} and scored from the file
 * give the same numbers.
 *
 * <p>Interchange: the {@code .npz} layout of OpenAI's guided-diffusion evaluator, which VAR's users
 * feed: {@code arr_0} uint8 (N, H, W, C), {@code arr_1} int64 labels (N) (optional when read).
 */
public final class SampleSet {
  private final int n, height, width, channels;
  private final byte[] pixels; // (n, H, W, C)
  private final int[] labels; // (n) or null

  /**
   * @param pixels (n, H, W, C) uint8 values (read as {@code b & 0xFF}); not copied
   * @param labels the class of each image (>= 0), or null when unknown; not copied
   */
  public SampleSet(int n, int height, int width, int channels, byte[] pixels, int[] labels) {
    if (n <= 0) throw new IllegalArgumentException("a sample set needs images, got n = " + n);
    if (height <= 0 || width <= 0 || channels <= 0)
      throw new IllegalArgumentException(
          "image shape must be positive, got " + ImageArrays.hwc(height, width, channels));
    if (pixels.length != (long) n * height * width * channels)
      throw new IllegalArgumentException(
          "pixels hold "
              + pixels.length
              + " values, (n, H, W, C) = ("
              + n
              + ", "
              + height
              + ", "
              + width
              + ", "
              + channels
              + ") needs "
              + (long) n * height * width * channels);
    if (labels != null) {
      if (labels.length != n)
        throw new IllegalArgumentException(labels.length + " labels for " + n + " images");
      for (int i = 0; i < n; i++)
        if (labels[i] < 0)
          throw new IllegalArgumentException("label " + labels[i] + " at index " + i + " is < 0");
    }
    this.n = n;
    this.height = height;
    this.width = width;
    this.channels = channels;
    this.pixels = pixels;
    this.labels = labels;
  }

  /**
   * Square images in [0, 1] (a sampler's output), rounded to uint8.
   *
   * @param images (n, side, side, channels) row-major, values clamped to [0, 1]
   */
  public static SampleSet ofUnitFloats(
      float[] images, int n, int side, int channels, int[] labels) {
    byte[] px = new byte[images.length];
    for (int i = 0; i < px.length; i++) {
      float v = Math.min(1f, Math.max(0f, images[i]));
      px[i] = (byte) Math.round(v * 255f);
    }
    return new SampleSet(n, side, side, channels, px, labels);
  }

  /** Square images in [-1, 1] (a data set's {@code toFloatBatch}), rounded to uint8. */
  public static SampleSet ofSignedFloats(
      float[] images, int n, int side, int channels, int[] labels) {
    byte[] px = new byte[images.length];
    for (int i = 0; i < px.length; i++) {
      float v = Math.min(1f, Math.max(-1f, images[i]));
      px[i] = (byte) Math.round((v + 1f) * 127.5f);
    }
    return new SampleSet(n, side, side, channels, px, labels);
  }

  /**
   * Real images of a data set ({@code toFloatBatch}: padded to {@code side}), with their labels.
   */
  public static SampleSet of(ImageDataset data, int[] idx, int side) {
    return ofSignedFloats(
        data.toFloatBatch(idx, side), idx.length, side, data.channels(), data.labels(idx));
  }

  public int n() {
    return n;
  }

  public int height() {
    return height;
  }

  public int width() {
    return width;
  }

  public int channels() {
    return channels;
  }

  /** The labels (a copy), or null when the set has none. */
  public int[] labels() {
    return labels == null ? null : labels.clone();
  }

  /** The uint8 pixel of image i at (y, x, c). */
  public int pixel(int i, int y, int x, int c) {
    return pixels[((i * height + y) * width + x) * channels + c] & 0xff;
  }

  /** The images in [-1, 1] (the classifier's input, x/255·2 - 1), (n, H, W, C) row-major. */
  public float[] toSignedFloats() {
    float[] out = new float[pixels.length];
    for (int i = 0; i < out.length; i++) out[i] = (pixels[i] & 0xff) / 255f * 2f - 1f;
    return out;
  }

  /** The images in [0, 1], (n, H, W, C) row-major. */
  public float[] toUnitFloats() {
    float[] out = new float[pixels.length];
    for (int i = 0; i < out.length; i++) out[i] = (pixels[i] & 0xff) / 255f;
    return out;
  }

  /** Writes {@code arr_0} (uint8 N×H×W×C) and, when labelled, {@code arr_1} (int64 N). */
  public void writeNpz(Path file) throws IOException {
    Map<String, byte[]> arrays = new LinkedHashMap<>();
    arrays.put("arr_0", Npy.uint8(new long[] {n, height, width, channels}, pixels));
    if (labels != null)
      arrays.put(
          "arr_1", Npy.int64(new long[] {n}, Arrays.stream(labels).asLongStream().toArray()));
    Npz.write(file, arrays);
  }

  /**
   * Reads an {@code .npz} of the guided-diffusion layout.
   *
   * @throws IllegalArgumentException naming the file and the problem: no {@code arr_0}, a dtype
   *     other than uint8, a rank other than 4, channels other than 1 or 3, labels ({@code arr_1})
   *     that are not integers, not of rank 1 or not one per image
   */
  public static SampleSet readNpz(Path file) throws IOException {
    Map<String, Npy.Array> a = Npz.read(file);
    Npy.Array img = a.get("arr_0");
    if (img == null)
      throw new IllegalArgumentException(
          "npz " + file + " has no arr_0 (the images); it holds " + a.keySet());
    if (!img.dtype().equals("|u1"))
      throw new IllegalArgumentException(
          "arr_0 of " + file + " must be uint8 (|u1), got " + img.dtype());
    long[] s = img.shape();
    if (s.length != 4)
      throw new IllegalArgumentException(
          "arr_0 of " + file + " must have rank 4 (N, H, W, C), got shape " + Arrays.toString(s));
    if (s[3] != 1 && s[3] != 3)
      throw new IllegalArgumentException(
          "arr_0 of "
              + file
              + " must have 1 or 3 channels (N, H, W, C), got shape "
              + Arrays.toString(s));
    if (s[0] == 0) throw new IllegalArgumentException("arr_0 of " + file + " holds no images");
    long[] v = img.longs();
    byte[] px = new byte[v.length];
    for (int i = 0; i < v.length; i++) px[i] = (byte) v[i];
    int[] labels = null;
    Npy.Array lab = a.get("arr_1");
    if (lab != null) {
      if (lab.longs() == null)
        throw new IllegalArgumentException(
            "arr_1 (labels) of " + file + " must hold integers, got " + lab.dtype());
      if (lab.shape().length != 1 || lab.shape()[0] != s[0])
        throw new IllegalArgumentException(
            "arr_1 (labels) of "
                + file
                + " must have shape ("
                + s[0]
                + "), one per image, got "
                + Arrays.toString(lab.shape()));
      labels = lab.asInts();
    }
    return new SampleSet(Math.toIntExact(s[0]), (int) s[1], (int) s[2], (int) s[3], px, labels);
  }

  @Override
  public String toString() {
    return n
        + " images "
        + ImageArrays.hwc(height, width, channels)
        + (labels == null ? ", unlabelled" : "");
  }
}
