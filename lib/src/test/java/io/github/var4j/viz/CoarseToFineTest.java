package io.github.var4j.viz;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.scale.ScaleSchedule;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoarseToFineTest {

  private static int rgb(BufferedImage img, int x, int y) {
    return img.getRGB(x, y) & 0xFFFFFF;
  }

  @Test
  void labels() {
    ScaleSchedule pn = ScaleSchedule.px256();
    assertEquals("1x1", CoarseToFine.label(pn, 0));
    assertEquals("1..2", CoarseToFine.label(pn, 1));
    assertEquals("1..16", CoarseToFine.label(pn, 9));
  }

  @Test
  void stripUpscalesAllPicturesToTheLargestSize() {
    ScaleSchedule patchNums = ScaleSchedule.of(1, 2, 4);
    BufferedImage small = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
    small.setRGB(0, 0, 0xFF0000);
    small.setRGB(1, 0, 0x00FF00);
    small.setRGB(0, 1, 0x0000FF);
    small.setRGB(1, 1, 0x000000);
    BufferedImage mid = ImageGridTest.solid(4, 4, 0x123456);
    BufferedImage big = ImageGridTest.solid(8, 8, 0xABCDEF);
    BufferedImage strip = CoarseToFine.strip(List.of(small, mid, big), patchNums, 2);
    int side = 16;
    List<BufferedImage> dummy = List.of(big, big, big);
    ImageGrid.Layout lay =
        ImageGrid.of(dummy)
            .columns(3)
            .scale(2)
            .padding(CoarseToFine.PADDING)
            .columnLabels("1x1", "1..2", "1..4")
            .layout();
    assertEquals(lay.width(), strip.getWidth());
    assertEquals(CoarseToFine.PADDING + 3 * (side + CoarseToFine.PADDING), strip.getWidth());
    assertEquals(lay.height(), strip.getHeight());
    // the 2x2 picture becomes 8x8 blocks
    int[][] quads = {{0xFF0000, 0x00FF00}, {0x0000FF, 0x000000}};
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        assertEquals(quads[y / 8][x / 8], rgb(strip, lay.x(0) + x, lay.y(0) + y));
        assertEquals(0x123456, rgb(strip, lay.x(1) + x, lay.y(1) + y));
        assertEquals(0xABCDEF, rgb(strip, lay.x(2) + x, lay.y(2) + y));
      }
    }
    // labels are drawn above the tiles
    assertTrue(ImageGridTest.countDark(strip, 0, 0, strip.getWidth(), lay.originY()) > 5);
  }

  @Test
  void stripManyHasOneRowPerSample() {
    ScaleSchedule patchNums = ScaleSchedule.of(1, 2);
    BufferedImage a = ImageGridTest.solid(4, 4, 0x111111), b = ImageGridTest.solid(4, 4, 0xEEEEEE);
    BufferedImage img =
        CoarseToFine.stripMany(
            List.of(List.of(a, b), List.of(b, a)), patchNums, 1, List.of("s0", "s1"));
    ImageGrid.Layout lay =
        ImageGrid.of(List.of(a, a, a, a))
            .columns(2)
            .padding(CoarseToFine.PADDING)
            .columnLabels("1x1", "1..2")
            .rowLabels("s0", "s1")
            .layout();
    assertEquals(lay.height(), img.getHeight());
    assertEquals(0x111111, rgb(img, lay.x(0), lay.y(0)));
    assertEquals(0xEEEEEE, rgb(img, lay.x(2), lay.y(2)));
    assertEquals(0x111111, rgb(img, lay.x(3) + 3, lay.y(3) + 3));
  }

  @Test
  void validationMessages() {
    BufferedImage a = ImageGridTest.solid(2, 2, 0);
    assertEquals(
        "decodedUpToScale must have one picture per scale (3), got 2",
        assertThrows(
                IllegalArgumentException.class,
                () -> CoarseToFine.strip(List.of(a, a), ScaleSchedule.of(1, 2, 3)))
            .getMessage());
    assertEquals(
        "scale must be >= 1, got 0",
        assertThrows(
                IllegalArgumentException.class,
                () -> CoarseToFine.strip(List.of(a, a), ScaleSchedule.of(1, 2), 0))
            .getMessage());
    assertEquals(
        "patchNums must not be null",
        assertThrows(IllegalArgumentException.class, () -> CoarseToFine.strip(List.of(a, a), null))
            .getMessage());
    assertEquals(
        "k must be in [0, 2), got 2",
        assertThrows(
                IllegalArgumentException.class, () -> CoarseToFine.label(ScaleSchedule.of(1, 2), 2))
            .getMessage());
  }
}
