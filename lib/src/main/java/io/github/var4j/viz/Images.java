package io.github.var4j.viz;

import io.github.var4j.io.AtomicFiles;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Conversions between var4j float images (NHWC, grey C=1 or RGB C=3, values in [-1,1] or [0,1]) and
 * {@link BufferedImage} ({@code TYPE_INT_RGB}), nearest-neighbour scaling and atomic PNG writing.
 */
public final class Images {
  private Images() {}

  /**
   * Image {@code b} of the batch {@code x} (B, H, W, C) as an RGB picture; values are clamped to
   * the range. Grey (C=1) maps to (g, g, g).
   *
   * @param x (B, H, W, C) row-major, B = x.length / (h*w*c)
   * @param b which image of the batch
   * @param range value range of x
   */
  public static BufferedImage fromNHWC(float[] x, int b, int h, int w, int c, ValueRange range) {
    int batch = checkNHWC(x, h, w, c, range);
    if (b < 0 || b >= batch) {
      throw new IllegalArgumentException("b must be in [0, " + batch + "), got " + b);
    }
    int[] rgb = new int[h * w];
    int base = b * h * w * c;
    for (int p = 0; p < h * w; p++) {
      int o = base + p * c;
      int r, g, bl;
      if (c == 1) {
        r = g = bl = range.toByte(x[o]);
      } else {
        r = range.toByte(x[o]);
        g = range.toByte(x[o + 1]);
        bl = range.toByte(x[o + 2]);
      }
      rgb[p] = (r << 16) | (g << 8) | bl;
    }
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, w, h, rgb, 0, w);
    return img;
  }

  /** All B images of the batch {@code x} (B, H, W, C), in order. */
  public static List<BufferedImage> fromNHWCBatch(
      float[] x, int h, int w, int c, ValueRange range) {
    int batch = checkNHWC(x, h, w, c, range);
    List<BufferedImage> out = new ArrayList<>(batch);
    for (int b = 0; b < batch; b++) out.add(fromNHWC(x, b, h, w, c, range));
    return out;
  }

  /** Reverse of {@link #fromNHWC} for one image: returns (1, H, W, C). */
  public static float[] toNHWC(BufferedImage img, int c, ValueRange range) {
    return toNHWC(List.of(img), c, range);
  }

  /**
   * Reverse of {@link #fromNHWC}: (B, H, W, C) in {@code range}, 8-bit values v mapped to v/255.
   * For C=1 the grey value is the Rec.601 luma round(0.299 R + 0.587 G + 0.114 B) (exact for grey
   * pictures). All images must have the same size.
   */
  public static float[] toNHWC(List<BufferedImage> images, int c, ValueRange range) {
    if (images == null || images.isEmpty())
      throw new IllegalArgumentException("images must not be empty");
    if (c != 1 && c != 3)
      throw new IllegalArgumentException("c must be 1 (grey) or 3 (RGB), got " + c);
    if (range == null) throw new IllegalArgumentException("range must not be null");
    BufferedImage first = checkNotNull(images, 0);
    int h = first.getHeight(), w = first.getWidth();
    float[] out = new float[images.size() * h * w * c];
    int[] rgb = new int[h * w];
    for (int b = 0; b < images.size(); b++) {
      BufferedImage img = checkNotNull(images, b);
      if (img.getWidth() != w || img.getHeight() != h) {
        throw new IllegalArgumentException(
            "images must all be "
                + w
                + "x"
                + h
                + ", images["
                + b
                + "] is "
                + img.getWidth()
                + "x"
                + img.getHeight());
      }
      img.getRGB(0, 0, w, h, rgb, 0, w);
      int base = b * h * w * c;
      for (int p = 0; p < h * w; p++) {
        int r = (rgb[p] >> 16) & 0xFF, g = (rgb[p] >> 8) & 0xFF, bl = rgb[p] & 0xFF;
        if (c == 1) {
          long luma = Math.round(0.299 * r + 0.587 * g + 0.114 * bl);
          out[base + p] = range.fromUnit(luma / 255.0);
        } else {
          out[base + p * 3] = range.fromUnit(r / 255.0);
          out[base + p * 3 + 1] = range.fromUnit(g / 255.0);
          out[base + p * 3 + 2] = range.fromUnit(bl / 255.0);
        }
      }
    }
    return out;
  }

  /** Nearest-neighbour upscale by an integer factor (>= 1); returns a new TYPE_INT_RGB image. */
  public static BufferedImage upscale(BufferedImage img, int factor) {
    if (img == null) throw new IllegalArgumentException("img must not be null");
    VizChecks.checkPositive("factor", factor);
    return resize(img, img.getWidth() * factor, img.getHeight() * factor);
  }

  /**
   * Nearest-neighbour resize to {@code width x height}: destination pixel (x, y) takes source pixel
   * (x * srcW / width, y * srcH / height) (integer division). Returns a new TYPE_INT_RGB image.
   */
  public static BufferedImage resize(BufferedImage img, int width, int height) {
    if (img == null) throw new IllegalArgumentException("img must not be null");
    VizChecks.checkPositive("width", width);
    VizChecks.checkPositive("height", height);
    int sw = img.getWidth(), sh = img.getHeight();
    int[] src = img.getRGB(0, 0, sw, sh, null, 0, sw);
    int[] dst = new int[width * height];
    int[] sx = new int[width];
    for (int x = 0; x < width; x++) sx[x] = (int) ((long) x * sw / width);
    for (int y = 0; y < height; y++) {
      int row = (int) ((long) y * sh / height) * sw;
      for (int x = 0; x < width; x++) dst[y * width + x] = src[row + sx[x]] & 0xFFFFFF;
    }
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    out.setRGB(0, 0, width, height, dst, 0, width);
    return out;
  }

  /**
   * A TYPE_INT_RGB copy of {@code img} (alpha dropped); returns {@code img} itself if it already is
   * TYPE_INT_RGB.
   */
  /**
   * Reads a picture (PNG, JPEG, GIF or BMP: what ImageIO reads), crops its centre square and scales
   * it to {@code side} x {@code side} RGB with area averaging: a user's photo for zero-shot
   * editing.
   *
   * @throws IOException naming the file if it is missing or not a readable picture
   */
  public static BufferedImage readSquare(Path file, int side) throws IOException {
    VizChecks.checkPositive("side", side);
    if (!Files.isRegularFile(file)) throw new IOException("picture not found: " + file);
    BufferedImage img = ImageIO.read(file.toFile());
    if (img == null)
      throw new IOException("not a picture ImageIO can read (PNG, JPEG, GIF, BMP): " + file);
    int s = Math.min(img.getWidth(), img.getHeight());
    BufferedImage sq = img.getSubimage((img.getWidth() - s) / 2, (img.getHeight() - s) / 2, s, s);
    BufferedImage out = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.drawImage(
          sq.getScaledInstance(side, side, java.awt.Image.SCALE_AREA_AVERAGING), 0, 0, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  public static BufferedImage toRgb(BufferedImage img) {
    if (img == null) throw new IllegalArgumentException("img must not be null");
    if (img.getType() == BufferedImage.TYPE_INT_RGB) return img;
    return resize(img, img.getWidth(), img.getHeight());
  }

  /**
   * Writes {@code img} as PNG atomically (temp file in the same directory + rename); creates parent
   * dirs.
   */
  public static void writePng(BufferedImage img, Path path) throws IOException {
    if (img == null) throw new IllegalArgumentException("img must not be null");
    AtomicFiles.write(
        path,
        out -> {
          if (!ImageIO.write(img, "png", out))
            throw new IOException("no PNG writer for image type " + img.getType());
        });
  }

  /** The PNG encoding of {@code img}. */
  public static byte[] toPngBytes(BufferedImage img) {
    if (img == null) throw new IllegalArgumentException("img must not be null");
    try {
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      if (!ImageIO.write(img, "png", bos))
        throw new IOException("no PNG writer for image type " + img.getType());
      return bos.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Validates (B, H, W, C) and returns B. */
  private static int checkNHWC(float[] x, int h, int w, int c, ValueRange range) {
    if (x == null) throw new IllegalArgumentException("x must not be null");
    VizChecks.checkPositive("h", h);
    VizChecks.checkPositive("w", w);
    if (c != 1 && c != 3)
      throw new IllegalArgumentException("c must be 1 (grey) or 3 (RGB), got " + c);
    if (range == null) throw new IllegalArgumentException("range must not be null");
    int per = h * w * c;
    if (x.length == 0 || x.length % per != 0) {
      throw new IllegalArgumentException(
          "x.length must be a positive multiple of h*w*c = " + per + ", got " + x.length);
    }
    return x.length / per;
  }

  private static BufferedImage checkNotNull(List<BufferedImage> images, int i) {
    BufferedImage img = images.get(i);
    if (img == null) throw new IllegalArgumentException("images[" + i + "] is null");
    return img;
  }
}
