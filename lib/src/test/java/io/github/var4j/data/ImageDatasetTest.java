package io.github.var4j.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class ImageDatasetTest {

  /** 2 grey 28x28 images: image 0 pixel (y,x) = (y*28+x) % 256, image 1 all 255. */
  private static ImageDataset grey28() {
    byte[] px = new byte[2 * 28 * 28];
    for (int p = 0; p < 28 * 28; p++) {
      px[p] = (byte) (p % 256);
      px[28 * 28 + p] = (byte) 255;
    }
    return new ImageDataset(2, 28, 28, 1, List.of("a", "b"), new int[] {1, 0}, px);
  }

  @Test
  void padding28To32IsTwoOnEverySideWithMinusOne() {
    ImageDataset ds = grey28();
    float[] x = ds.toFloatBatch(new int[] {0, 1}, 32); // (2, 32, 32, 1)
    assertEquals(2 * 32 * 32, x.length);
    for (int b = 0; b < 2; b++) {
      for (int y = 0; y < 32; y++) {
        for (int xx = 0; xx < 32; xx++) {
          float v = x[(b * 32 + y) * 32 + xx];
          boolean pad = y < 2 || y >= 30 || xx < 2 || xx >= 30;
          if (pad) {
            assertEquals(-1f, v, 0f, "pad at b=" + b + " y=" + y + " x=" + xx);
          } else {
            int raw = b == 0 ? ((y - 2) * 28 + (xx - 2)) % 256 : 255;
            assertEquals(raw / 255f * 2f - 1f, v, 1e-7f, "b=" + b + " y=" + y + " x=" + xx);
          }
        }
      }
    }
    // known values: raw 0 -> -1, raw 255 -> +1, raw 1 (image 0, pixel (0,1) -> canvas (2,3)) ->
    // 2/255-1
    assertEquals(-1f, x[2 * 32 + 2], 0f);
    assertEquals(2f / 255f - 1f, x[2 * 32 + 3], 1e-7f);
    assertEquals(1f, x[32 * 32 + 15 * 32 + 15], 0f);
  }

  @Test
  void nativeSizeAndImageAsFloatAgree() {
    ImageDataset ds = grey28();
    float[] a = ds.toFloatBatch(new int[] {0});
    float[] b = ds.imageAsFloat(0, 28);
    assertArrayEquals(a, b, 0f);
    assertEquals(28 * 28, a.length);
    assertEquals(ImageDataset.toUnit((byte) 200), a[200], 0f);
    float[] p = ds.imageAsFloat(0, 31); // odd padding: 1 before, 2 after
    assertEquals(-1f, p[0], 0f);
    assertEquals(-1f, p[31 + 0], 0f); // row 1, col 0 is padding
    assertEquals(-1f, p[1 * 31 + 1], 0f); // raw 0 -> -1 at canvas (1,1)
    assertEquals(2f / 255f - 1f, p[1 * 31 + 2], 1e-7f);
    assertEquals(-1f, p[29 * 31 + 29], 0f); // rows 29, 30 are padding
  }

  @Test
  void rgbPaddingKeepsChannelOrder() {
    byte[] px = {(byte) 0, (byte) 255, (byte) 51}; // one 1x1 RGB image
    ImageDataset ds = new ImageDataset(1, 1, 1, 3, List.of("x"), new int[] {0}, px);
    float[] x = ds.toFloatBatch(new int[] {0}, 3); // (1, 3, 3, 3), image at (1,1)
    int c = (1 * 3 + 1) * 3;
    assertEquals(-1f, x[c], 0f);
    assertEquals(1f, x[c + 1], 0f);
    assertEquals(51f / 255f * 2f - 1f, x[c + 2], 1e-7f);
    for (int i = 0; i < x.length; i++) if (i < c || i >= c + 3) assertEquals(-1f, x[i], 0f);
  }

  @Test
  void targetSmallerThanImageFails() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> grey28().toFloatBatch(new int[] {0}, 27));
    assertEquals(
        "targetSize 27 is smaller than the images (28x28); padding can only enlarge",
        e.getMessage());
  }

  @Test
  void subsetLabelsCountsAndImmutability() {
    ImageDataset ds = SyntheticShapes.generate(12, 8, 3, 1L);
    assertArrayEquals(new int[] {3, 3, 2, 2, 2}, ds.classCounts());
    ImageDataset sub = ds.subset(new int[] {5, 0, 5});
    assertEquals(3, sub.size());
    assertArrayEquals(new int[] {0, 0, 0}, sub.labels());
    assertArrayEquals(ds.image(5), sub.image(0));
    assertArrayEquals(ds.image(0), sub.image(1));
    assertArrayEquals(ds.image(5), sub.image(2));
    assertArrayEquals(new int[] {3, 0, 0, 0, 0}, sub.classCounts());
    assertArrayEquals(new int[] {2, 7}, ds.indicesOfClass(2));
    assertArrayEquals(new int[] {0, 4}, ds.labels(new int[] {5, 9}));
    assertEquals(ds.pixels()[5 * 8 * 8 * 3 + (2 * 8 + 3) * 3 + 1] & 0xFF, ds.pixel(5, 2, 3, 1));

    byte[] px = ds.pixels();
    px[0] ^= 1;
    int[] lb = ds.labels();
    lb[0] = 4;
    assertNotEquals(px[0], ds.pixels()[0]);
    assertEquals(0, ds.label(0));
  }

  @Test
  void constructorValidates() {
    List<String> names = List.of("a", "b");
    assertEquals(
        "labels.length must equal n=2, got 1",
        assertThrows(
                IllegalArgumentException.class,
                () -> new ImageDataset(2, 1, 1, 1, names, new int[] {0}, new byte[2]))
            .getMessage());
    assertEquals(
        "pixels.length must be n*h*w*c=2, got 3",
        assertThrows(
                IllegalArgumentException.class,
                () -> new ImageDataset(2, 1, 1, 1, names, new int[] {0, 1}, new byte[3]))
            .getMessage());
    assertEquals(
        "label of image 1 must be in [0, 2), got 2",
        assertThrows(
                IllegalArgumentException.class,
                () -> new ImageDataset(2, 1, 1, 1, names, new int[] {0, 2}, new byte[2]))
            .getMessage());
    assertEquals(
        "channels must be 1 or 3, got 4",
        assertThrows(
                IllegalArgumentException.class,
                () -> new ImageDataset(1, 1, 1, 4, names, new int[] {0}, new byte[4]))
            .getMessage());
    assertThrows(IndexOutOfBoundsException.class, () -> grey28().label(2));
    assertThrows(IndexOutOfBoundsException.class, () -> grey28().subset(new int[] {-1}));
  }
}
