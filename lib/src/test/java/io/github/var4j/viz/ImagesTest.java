package io.github.var4j.viz;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagesTest {

  private static int rgb(BufferedImage img, int x, int y) {
    return img.getRGB(x, y) & 0xFFFFFF;
  }

  @Test
  void greyMinusOneOneMapsToExpectedPixels() {
    // (B=1, H=2, W=2, C=1): -1 -> black, 1 -> white, 0 -> 128, 0.5 -> round(0.75*255)=191
    float[] x = {-1f, 1f, 0f, 0.5f};
    BufferedImage img = Images.fromNHWC(x, 0, 2, 2, 1, ValueRange.MINUS_ONE_ONE);
    assertEquals(BufferedImage.TYPE_INT_RGB, img.getType());
    assertEquals(2, img.getWidth());
    assertEquals(2, img.getHeight());
    assertEquals(0x000000, rgb(img, 0, 0));
    assertEquals(0xFFFFFF, rgb(img, 1, 0));
    assertEquals(0x808080, rgb(img, 0, 1));
    assertEquals(0xBFBFBF, rgb(img, 1, 1));
  }

  @Test
  void rgbZeroOneSelectsImageOfBatchAndClamps() {
    // (B=2, H=1, W=2, C=3)
    float[] x = {
      0f,
      0f,
      0f,
      1f,
      1f,
      1f, // image 0
      1f,
      0f,
      0.2f,
      2.0f,
      -0.5f,
      Float.NaN // image 1: (255,0,51), clamped (255,0,0)
    };
    BufferedImage img = Images.fromNHWC(x, 1, 1, 2, 3, ValueRange.ZERO_ONE);
    assertEquals(0xFF0033, rgb(img, 0, 0));
    assertEquals(0xFF0000, rgb(img, 1, 0));
    BufferedImage img0 = Images.fromNHWC(x, 0, 1, 2, 3, ValueRange.ZERO_ONE);
    assertEquals(0x000000, rgb(img0, 0, 0));
    assertEquals(0xFFFFFF, rgb(img0, 1, 0));
    List<BufferedImage> all = Images.fromNHWCBatch(x, 1, 2, 3, ValueRange.ZERO_ONE);
    assertEquals(2, all.size());
    assertEquals(0xFF0033, rgb(all.get(1), 0, 0));
  }

  @Test
  void minusOneOneRgbChannelsInOrder() {
    float[] x = {1f, -1f, -1f, -1f, 1f, -1f, -1f, -1f, 1f}; // (1,1,3,3): red, green, blue
    BufferedImage img = Images.fromNHWC(x, 0, 1, 3, 3, ValueRange.MINUS_ONE_ONE);
    assertEquals(0xFF0000, rgb(img, 0, 0));
    assertEquals(0x00FF00, rgb(img, 1, 0));
    assertEquals(0x0000FF, rgb(img, 2, 0));
  }

  @Test
  void toNHWCInvertsFromNHWCOnQuantisedValues() {
    Random rnd = new Random(7);
    int b = 2, h = 3, w = 4;
    for (int c : new int[] {1, 3}) {
      for (ValueRange range : ValueRange.values()) {
        float[] x = new float[b * h * w * c];
        for (int i = 0; i < x.length; i++) x[i] = range.fromUnit(rnd.nextInt(256) / 255.0);
        float[] back = Images.toNHWC(Images.fromNHWCBatch(x, h, w, c, range), c, range);
        assertArrayEquals(x, back, 1e-6f, "c=" + c + " " + range);
      }
    }
  }

  @Test
  void roundTripErrorIsAtMostHalfAStep() {
    Random rnd = new Random(3);
    float[] x = new float[5 * 5 * 3];
    for (int i = 0; i < x.length; i++) x[i] = rnd.nextFloat() * 2f - 1f;
    float[] back =
        Images.toNHWC(
            Images.fromNHWC(x, 0, 5, 5, 3, ValueRange.MINUS_ONE_ONE), 3, ValueRange.MINUS_ONE_ONE);
    for (int i = 0; i < x.length; i++) assertEquals(x[i], back[i], 1.0 / 255 + 1e-6);
  }

  @Test
  void upscaleIsNearestNeighbour() {
    BufferedImage src = new BufferedImage(2, 3, BufferedImage.TYPE_INT_RGB);
    int[] colors = {0x010203, 0x102030, 0xA0B0C0, 0xFFFFFF, 0x00FF00, 0x123456};
    for (int y = 0; y < 3; y++) for (int x = 0; x < 2; x++) src.setRGB(x, y, colors[y * 2 + x]);
    BufferedImage up = Images.upscale(src, 3);
    assertEquals(6, up.getWidth());
    assertEquals(9, up.getHeight());
    assertEquals(BufferedImage.TYPE_INT_RGB, up.getType());
    for (int y = 0; y < 9; y++) {
      for (int x = 0; x < 6; x++) {
        assertEquals(colors[(y / 3) * 2 + x / 3], rgb(up, x, y), "(" + x + "," + y + ")");
      }
    }
  }

  @Test
  void resizeToNonMultipleUsesIntegerNearestSource() {
    BufferedImage src = new BufferedImage(3, 1, BufferedImage.TYPE_INT_RGB);
    src.setRGB(0, 0, 0x111111);
    src.setRGB(1, 0, 0x222222);
    src.setRGB(2, 0, 0x333333);
    BufferedImage r = Images.resize(src, 8, 2);
    // source x = floor(x*3/8): 0,0,0,1,1,1,2,2
    int[] expect = {0x111111, 0x111111, 0x111111, 0x222222, 0x222222, 0x222222, 0x333333, 0x333333};
    for (int y = 0; y < 2; y++) for (int x = 0; x < 8; x++) assertEquals(expect[x], rgb(r, x, y));
  }

  @Test
  void writePngCreatesDirsIsAtomicAndReadsBack(@TempDir Path tmp) throws Exception {
    float[] x = {-1f, 1f, 0f, 0.5f, 0.25f, -0.25f};
    BufferedImage img = Images.fromNHWC(x, 0, 2, 3, 1, ValueRange.MINUS_ONE_ONE);
    Path out = tmp.resolve("a/b/c.png");
    Images.writePng(img, out);
    Images.writePng(img, out); // overwrite works
    BufferedImage back = ImageIO.read(out.toFile());
    assertEquals(3, back.getWidth());
    assertEquals(2, back.getHeight());
    for (int y = 0; y < 2; y++)
      for (int xx = 0; xx < 3; xx++) assertEquals(rgb(img, xx, y), rgb(back, xx, y));
    try (Stream<Path> files = Files.list(out.getParent())) {
      assertEquals(List.of(out), files.toList(), "no temp files left behind");
    }
    byte[] png = Images.toPngBytes(img);
    assertEquals((byte) 0x89, png[0]);
    assertEquals('P', png[1]);
  }

  @Test
  void validationMessages() {
    float[] x = new float[8];
    assertEquals(
        "c must be 1 (grey) or 3 (RGB), got 2",
        assertThrows(
                IllegalArgumentException.class,
                () -> Images.fromNHWC(x, 0, 2, 2, 2, ValueRange.ZERO_ONE))
            .getMessage());
    assertEquals(
        "b must be in [0, 2), got 2",
        assertThrows(
                IllegalArgumentException.class,
                () -> Images.fromNHWC(x, 2, 2, 2, 1, ValueRange.ZERO_ONE))
            .getMessage());
    assertEquals(
        "x.length must be a positive multiple of h*w*c = 12, got 8",
        assertThrows(
                IllegalArgumentException.class,
                () -> Images.fromNHWC(x, 0, 2, 2, 3, ValueRange.ZERO_ONE))
            .getMessage());
    assertEquals(
        "factor must be >= 1, got 0",
        assertThrows(
                IllegalArgumentException.class,
                () -> Images.upscale(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), 0))
            .getMessage());
    BufferedImage a = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
    BufferedImage b = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
    assertEquals(
        "images must all be 2x2, images[1] is 3x2",
        assertThrows(
                IllegalArgumentException.class,
                () -> Images.toNHWC(List.of(a, b), 3, ValueRange.ZERO_ONE))
            .getMessage());
  }
}
