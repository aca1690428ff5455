package io.github.var4j.data;

import io.github.var4j.util.Require;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Loads an image-folder dataset (the torchvision {@code ImageFolder} layout VAR trains on):
 *
 * <pre>
 * root/
 *   cat/   a.png b.jpg ...
 *   dog/   c.jpeg ...
 * </pre>
 *
 * Class names are the sub-folder names sorted by {@link String#compareTo}; label k = k-th name. In
 * each class the files are taken in sorted name order. Files ending in {@code .png}, {@code .jpg}
 * or {@code .jpeg} (any case) are images; hidden entries (name starting with '.') and other files
 * are ignored. Each image is centre-cropped to a square (the shorter side), resized to {@code size
 * x size} with bilinear interpolation (halving steps first when shrinking by more than 2x, to avoid
 * aliasing), composited over black if it has alpha, and stored as RGB (3 channels) or grey (1
 * channel, luma {@code 0.299 R + 0.587 G + 0.114 B}, rounded).
 */
public final class ImageFolderDataset {

  private ImageFolderDataset() {}

  /**
   * @param size output height and width, > 0
   * @param channels 1 (grey) or 3 (RGB)
   * @throws IOException naming the problem: missing root, no class folders, an empty class folder,
   *     an unreadable image
   */
  public static ImageDataset load(Path root, int size, int channels) throws IOException {
    Require.positive("size", size);
    if (channels != 1 && channels != 3)
      throw new IllegalArgumentException("channels must be 1 (grey) or 3 (RGB), got " + channels);
    if (!Files.exists(root)) throw new IOException("image folder root " + root + " does not exist");
    if (!Files.isDirectory(root))
      throw new IOException("image folder root " + root + " is not a directory");
    List<Path> classDirs;
    try (Stream<Path> s = Files.list(root)) {
      classDirs = s.filter(Files::isDirectory).filter(p -> !isHidden(p)).sorted().toList();
    }
    if (classDirs.isEmpty())
      throw new IOException(
          "image folder root "
              + root
              + " has no class folders (expected one sub-folder per class)");
    List<String> classNames = new ArrayList<>();
    List<List<Path>> files = new ArrayList<>();
    int total = 0;
    for (Path dir : classDirs) {
      List<Path> imgs;
      try (Stream<Path> s = Files.list(dir)) {
        imgs =
            s.filter(Files::isRegularFile)
                .filter(p -> !isHidden(p))
                .filter(ImageFolderDataset::isImage)
                .sorted()
                .toList();
      }
      if (imgs.isEmpty())
        throw new IOException("class folder " + dir + " is empty (no .png/.jpg/.jpeg images)");
      classNames.add(dir.getFileName().toString());
      files.add(imgs);
      total += imgs.size();
    }
    if (classNames.size() > 255)
      throw new IOException(
          "image folder root "
              + root
              + " has "
              + classNames.size()
              + " class folders; at most 255 are supported");
    int per = size * size * channels;
    byte[] pixels = new byte[Math.multiplyExact(total, per)];
    int[] labels = new int[total];
    int i = 0;
    for (int k = 0; k < files.size(); k++) {
      for (Path f : files.get(k)) {
        BufferedImage img;
        try {
          img = ImageIO.read(f.toFile());
        } catch (IOException | RuntimeException e) {
          throw new IOException("cannot read image " + f + ": " + e.getMessage(), e);
        }
        if (img == null)
          throw new IOException("cannot read image " + f + ": not a decodable PNG/JPEG");
        BufferedImage rgb = squareResize(img, size);
        writePixels(rgb, channels, pixels, i * per);
        labels[i++] = k;
      }
    }
    return new ImageDataset(total, size, size, channels, classNames, labels, pixels, false);
  }

  /**
   * Centre-crop to a square and resize to size x size (bilinear), on black; returns TYPE_INT_RGB.
   */
  static BufferedImage squareResize(BufferedImage img, int size) {
    int w = img.getWidth(), h = img.getHeight();
    int side = Math.min(w, h);
    BufferedImage cur = img.getSubimage((w - side) / 2, (h - side) / 2, side, side);
    int curSide = side;
    // progressive halving keeps bilinear from skipping pixels when shrinking a lot
    while (curSide / 2 >= size && curSide > size) {
      int next = Math.max(size, curSide / 2);
      cur = draw(cur, next);
      curSide = next;
    }
    return draw(cur, size);
  }

  private static BufferedImage draw(BufferedImage src, int size) {
    BufferedImage dst = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = dst.createGraphics();
    try {
      g.setColor(Color.BLACK);
      g.fillRect(0, 0, size, size);
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(src, 0, 0, size, size, null);
    } finally {
      g.dispose();
    }
    return dst;
  }

  /** Writes (size, size, channels) uint8 from a TYPE_INT_RGB image. */
  private static void writePixels(BufferedImage rgb, int channels, byte[] out, int off) {
    int s = rgb.getWidth();
    int[] argb = rgb.getRGB(0, 0, s, s, null, 0, s);
    for (int p = 0; p < argb.length; p++) {
      int r = (argb[p] >> 16) & 0xFF, g = (argb[p] >> 8) & 0xFF, b = argb[p] & 0xFF;
      if (channels == 3) {
        out[off + 3 * p] = (byte) r;
        out[off + 3 * p + 1] = (byte) g;
        out[off + 3 * p + 2] = (byte) b;
      } else {
        out[off + p] = (byte) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
      }
    }
  }

  private static boolean isHidden(Path p) {
    return p.getFileName().toString().startsWith(".");
  }

  private static boolean isImage(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
  }
}
