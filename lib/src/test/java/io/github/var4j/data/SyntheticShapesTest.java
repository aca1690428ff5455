package io.github.var4j.data;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class SyntheticShapesTest {

  @Test
  void deterministicPerSeed() {
    ImageDataset a = SyntheticShapes.generate(40, 16, 3, 42L);
    ImageDataset b = SyntheticShapes.generate(40, 16, 3, 42L);
    ImageDataset c = SyntheticShapes.generate(40, 16, 3, 43L);
    assertArrayEquals(a.pixels(), b.pixels());
    assertArrayEquals(a.labels(), b.labels());
    assertFalse(java.util.Arrays.equals(a.pixels(), c.pixels()));
    // a prefix of a longer run is the same images
    ImageDataset longer = SyntheticShapes.generate(45, 16, 3, 42L);
    assertArrayEquals(
        a.pixels(), longer.subset(java.util.stream.IntStream.range(0, 40).toArray()).pixels());
  }

  @Test
  void shapesAndLabels() {
    ImageDataset d = SyntheticShapes.generate(50, 24, 1, 7L);
    assertEquals(SyntheticShapes.CLASS_NAMES, d.classNames());
    assertEquals(5, d.numClasses());
    assertArrayEquals(new int[] {10, 10, 10, 10, 10}, d.classCounts());
    for (int i = 0; i < 50; i++) assertEquals(i % 5, d.label(i));
    assertEquals(24, d.height());
    assertEquals(1, d.channels());
  }

  @Test
  void shapeStandsOutFromBackground() {
    // the background luma and the shape luma lie on opposite sides of mid-grey (gap >= 0.25*255);
    // each image therefore has both clearly dark and clearly bright pixels, and the shape covers a
    // sane area
    int size = 32;
    ImageDataset d = SyntheticShapes.generate(100, size, 1, 11L);
    for (int i = 0; i < d.size(); i++) {
      int dark = 0, bright = 0;
      for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++) {
          int v = d.pixel(i, y, x, 0);
          if (v <= 102) dark++;
          if (v >= 153) bright++;
        }
      int minority = Math.min(dark, bright);
      assertTrue(dark + bright >= size * size * 0.9, "image " + i + ": too many mid-grey pixels");
      assertTrue(
          minority >= size * size * 0.04, "image " + i + ": shape too small (" + minority + " px)");
    }
  }

  @Test
  void greyIsLumaOfRgb() {
    ImageDataset rgb = SyntheticShapes.generate(5, 12, 3, 9L);
    ImageDataset grey = SyntheticShapes.generate(5, 12, 1, 9L);
    for (int i = 0; i < 5; i++)
      for (int y = 0; y < 12; y++)
        for (int x = 0; x < 12; x++) {
          double l =
              0.299 * rgb.pixel(i, y, x, 0)
                  + 0.587 * rgb.pixel(i, y, x, 1)
                  + 0.114 * rgb.pixel(i, y, x, 2);
          assertEquals(l, grey.pixel(i, y, x, 0), 1.0);
        }
  }

  @Test
  void validatesArguments() {
    assertEquals(
        "channels must be 1 or 3, got 2",
        assertThrows(IllegalArgumentException.class, () -> SyntheticShapes.generate(1, 8, 2, 0))
            .getMessage());
    assertEquals(
        "size must be >= 4, got 3",
        assertThrows(IllegalArgumentException.class, () -> SyntheticShapes.generate(1, 3, 1, 0))
            .getMessage());
    assertEquals(0, SyntheticShapes.generate(0, 8, 1, 0).size());
  }
}
