package io.github.var4j.data;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderDatasetTest {

  @TempDir Path root;

  private static BufferedImage solid(int w, int h, int rgb) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, rgb);
    return img;
  }

  private static BufferedImage solidGrey(int w, int h, int v) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.getRaster().setSample(x, y, 0, v);
    return img;
  }

  private Path write(BufferedImage img, String cls, String name, String format) throws IOException {
    Path dir = Files.createDirectories(root.resolve(cls));
    Path f = dir.resolve(name);
    assertTrue(ImageIO.write(img, format, f.toFile()), "no writer for " + format);
    return f;
  }

  private static final int RED = 0xC80A1E; // (200, 10, 30)
  private static final int GREEN = 0x14B432; // (20, 180, 50)

  /**
   * zeta/: b.png (red 40x20), a.jpg (green 16x16); alpha/: g.png (grey 100, 12x12), plus ignored
   * files.
   */
  private void standardTree() throws IOException {
    write(solid(40, 20, RED), "zeta", "b.png", "png");
    write(solid(16, 16, GREEN), "zeta", "a.jpg", "jpg");
    write(solidGrey(12, 12, 100), "alpha", "g.png", "png");
    Files.writeString(root.resolve("zeta").resolve("README.txt"), "not an image");
    Files.write(root.resolve("alpha").resolve(".hidden.png"), new byte[] {1, 2, 3});
    Files.writeString(root.resolve("notes.txt"), "a file at the root is not a class");
    Files.createDirectories(root.resolve(".git"));
  }

  @Test
  void rgbSortedClassesAndFilesExactColours() throws IOException {
    standardTree();
    ImageDataset d = ImageFolderDataset.load(root, 8, 3);
    assertEquals(List.of("alpha", "zeta"), d.classNames());
    assertEquals(3, d.size());
    assertEquals(8, d.height());
    assertEquals(3, d.channels());
    assertArrayEquals(new int[] {0, 1, 1}, d.labels()); // alpha/g.png, zeta/a.jpg, zeta/b.png
    for (int y = 0; y < 8; y++)
      for (int x = 0; x < 8; x++) {
        for (int ch = 0; ch < 3; ch++) assertEquals(100, d.pixel(0, y, x, ch), "grey png -> rgb");
        assertEquals(20, d.pixel(1, y, x, 0), 4.0, "jpeg red"); // lossy
        assertEquals(180, d.pixel(1, y, x, 1), 4.0, "jpeg green");
        assertEquals(50, d.pixel(1, y, x, 2), 4.0, "jpeg blue");
        assertEquals(200, d.pixel(2, y, x, 0));
        assertEquals(10, d.pixel(2, y, x, 1));
        assertEquals(30, d.pixel(2, y, x, 2));
      }
  }

  @Test
  void greyUsesLuma() throws IOException {
    standardTree();
    ImageDataset d = ImageFolderDataset.load(root, 5, 1);
    assertEquals(1, d.channels());
    long red = Math.round(0.299 * 200 + 0.587 * 10 + 0.114 * 30); // 69
    for (int y = 0; y < 5; y++)
      for (int x = 0; x < 5; x++) {
        assertEquals(100, d.pixel(0, y, x, 0));
        assertEquals(red, d.pixel(2, y, x, 0));
      }
  }

  @Test
  void sameSizeGreyIsUnchanged() throws IOException {
    BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 16; y++)
      for (int x = 0; x < 16; x++) img.getRaster().setSample(x, y, 0, y * 16 + x);
    write(img, "c", "ramp.png", "png");
    ImageDataset d = ImageFolderDataset.load(root, 16, 1);
    for (int y = 0; y < 16; y++)
      for (int x = 0; x < 16; x++) assertEquals(y * 16 + x, d.pixel(0, y, x, 0));
  }

  @Test
  void centreCropsNonSquareImages() throws IOException {
    // 60x20: left third red, middle green, right blue -> the centre square is the green third
    BufferedImage img = solid(60, 20, RED);
    for (int y = 0; y < 20; y++) for (int x = 20; x < 40; x++) img.setRGB(x, y, GREEN);
    for (int y = 0; y < 20; y++) for (int x = 40; x < 60; x++) img.setRGB(x, y, 0x0000FF);
    write(img, "c", "x.png", "png");
    ImageDataset d = ImageFolderDataset.load(root, 10, 3);
    for (int y = 0; y < 10; y++)
      for (int x = 0; x < 10; x++) {
        assertEquals(20, d.pixel(0, y, x, 0), "y=" + y + " x=" + x);
        assertEquals(180, d.pixel(0, y, x, 1));
        assertEquals(50, d.pixel(0, y, x, 2));
      }
  }

  @Test
  void bigShrinkKeepsMean() throws IOException {
    // 256x256 checkerboard of 0/255 shrunk to 8x8: every output pixel is close to the mean (~128)
    BufferedImage img = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 256; y++)
      for (int x = 0; x < 256; x++) img.setRGB(x, y, ((x + y) & 1) == 0 ? 0xFFFFFF : 0);
    write(img, "c", "x.png", "png");
    ImageDataset d = ImageFolderDataset.load(root, 8, 1);
    for (int y = 0; y < 8; y++)
      for (int x = 0; x < 8; x++) assertEquals(127.5, d.pixel(0, y, x, 0), 16.0);
  }

  @Test
  void transparentPixelsBecomeBlack() throws IOException {
    BufferedImage img = new BufferedImage(6, 6, BufferedImage.TYPE_INT_ARGB); // all alpha 0
    write(img, "c", "t.png", "png");
    ImageDataset d = ImageFolderDataset.load(root, 6, 3);
    for (byte b : d.pixels()) assertEquals(0, b);
  }

  @Test
  void missingRoot() {
    Path nope = root.resolve("nope");
    IOException e = assertThrows(IOException.class, () -> ImageFolderDataset.load(nope, 8, 3));
    assertEquals("image folder root " + nope + " does not exist", e.getMessage());
  }

  @Test
  void rootIsAFile() throws IOException {
    Path f = Files.writeString(root.resolve("f.txt"), "x");
    IOException e = assertThrows(IOException.class, () -> ImageFolderDataset.load(f, 8, 3));
    assertEquals("image folder root " + f + " is not a directory", e.getMessage());
  }

  @Test
  void noClassFolders() throws IOException {
    write(solid(4, 4, RED), ".", "loose.png", "png");
    IOException e = assertThrows(IOException.class, () -> ImageFolderDataset.load(root, 8, 3));
    assertEquals(
        "image folder root " + root + " has no class folders (expected one sub-folder per class)",
        e.getMessage());
  }

  @Test
  void emptyClassFolder() throws IOException {
    write(solid(4, 4, RED), "a", "x.png", "png");
    Files.createDirectories(root.resolve("b"));
    Files.writeString(root.resolve("b").resolve("README.txt"), "no images here");
    IOException e = assertThrows(IOException.class, () -> ImageFolderDataset.load(root, 8, 3));
    assertEquals(
        "class folder " + root.resolve("b") + " is empty (no .png/.jpg/.jpeg images)",
        e.getMessage());
  }

  @Test
  void corruptImageNamesTheFile() throws IOException {
    write(solid(4, 4, RED), "a", "ok.png", "png");
    Path bad = root.resolve("a").resolve("broken.png");
    Files.write(bad, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, 3, 4, 5});
    IOException e = assertThrows(IOException.class, () -> ImageFolderDataset.load(root, 8, 3));
    assertTrue(e.getMessage().startsWith("cannot read image " + bad), e.getMessage());
    Files.writeString(bad, "plain text, not a png");
    e = assertThrows(IOException.class, () -> ImageFolderDataset.load(root, 8, 3));
    assertEquals("cannot read image " + bad + ": not a decodable PNG/JPEG", e.getMessage());
  }

  @Test
  void unsupportedChannelsAndSize() throws IOException {
    write(solid(4, 4, RED), "a", "x.png", "png");
    assertEquals(
        "channels must be 1 (grey) or 3 (RGB), got 4",
        assertThrows(IllegalArgumentException.class, () -> ImageFolderDataset.load(root, 8, 4))
            .getMessage());
    assertEquals(
        "size must be positive, got 0",
        assertThrows(IllegalArgumentException.class, () -> ImageFolderDataset.load(root, 0, 3))
            .getMessage());
  }
}
