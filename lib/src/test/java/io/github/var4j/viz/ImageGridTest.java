package io.github.var4j.viz;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageGridTest {

  static BufferedImage solid(int w, int h, int rgb) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, rgb);
    return img;
  }

  static final int[] COLORS = {
    0xFF0000, 0x00FF00, 0x0000FF, 0x123456, 0xABCDEF, 0x777777, 0x010101
  };

  static List<BufferedImage> solids(int n, int w, int h) {
    List<BufferedImage> l = new ArrayList<>();
    for (int i = 0; i < n; i++) l.add(solid(w, h, COLORS[i]));
    return l;
  }

  private static int rgb(BufferedImage img, int x, int y) {
    return img.getRGB(x, y) & 0xFFFFFF;
  }

  @Test
  void plainGridDimensionsAndPixels() {
    // 5 tiles of 3x2, 3 columns, scale 2, padding 1: tile 6x4, rows 2
    BufferedImage g = ImageGrid.of(solids(5, 3, 2)).columns(3).scale(2).padding(1).build();
    assertEquals(BufferedImage.TYPE_INT_RGB, g.getType());
    assertEquals(1 + 3 * (6 + 1), g.getWidth());
    assertEquals(1 + 2 * (4 + 1), g.getHeight());
    for (int i = 0; i < 5; i++) {
      int x0 = 1 + (i % 3) * 7, y0 = 1 + (i / 3) * 5;
      for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 6; x++) assertEquals(COLORS[i], rgb(g, x0 + x, y0 + y), "tile " + i);
      }
      assertEquals(0xFFFFFF, rgb(g, x0 - 1, y0), "padding left of tile " + i);
      assertEquals(0xFFFFFF, rgb(g, x0 + 6, y0 + 3), "padding right of tile " + i);
      assertEquals(0xFFFFFF, rgb(g, x0, y0 + 4), "padding below tile " + i);
    }
    // empty 6th cell stays white
    assertEquals(0xFFFFFF, rgb(g, 1 + 2 * 7 + 2, 1 + 5 + 2));
  }

  @Test
  void defaultColumnsIsMinOfCountAndEight() {
    assertEquals(3, ImageGrid.of(solids(3, 2, 2)).layout().columns());
    List<BufferedImage> many = new ArrayList<>();
    for (int i = 0; i < 11; i++) many.add(solid(2, 2, 0));
    ImageGrid.Layout lay = ImageGrid.of(many).layout();
    assertEquals(8, lay.columns());
    assertEquals(2, lay.rows());
  }

  @Test
  void tilesOfDifferentSizeUseTheLargestCell() {
    List<BufferedImage> l = List.of(solid(2, 2, 0xFF0000), solid(4, 3, 0x00FF00));
    BufferedImage g = ImageGrid.of(l).padding(0).build();
    assertEquals(8, g.getWidth());
    assertEquals(3, g.getHeight());
    assertEquals(0xFF0000, rgb(g, 1, 1));
    assertEquals(0xFFFFFF, rgb(g, 3, 2)); // rest of the small tile's cell is background
    assertEquals(0x00FF00, rgb(g, 4, 0));
  }

  @Test
  void labelsAndTitleShiftTilesAndDrawText() {
    ImageGrid grid =
        ImageGrid.of(solids(4, 8, 8))
            .columns(2)
            .padding(2)
            .scale(2)
            .rowLabels("first row", "second")
            .columnLabels("a", "b")
            .title("a title");
    ImageGrid.Layout lay = grid.layout();
    BufferedImage g = grid.build();
    assertEquals(lay.width(), g.getWidth());
    assertEquals(lay.height(), g.getHeight());
    assertTrue(lay.originX() > 20, "row labels take space: " + lay.originX());
    assertTrue(lay.originY() > 20, "title + column labels take space: " + lay.originY());
    assertEquals(lay.originX() + 2 + 2 * (16 + 2), g.getWidth());
    assertEquals(lay.originY() + 2 + 2 * (16 + 2), g.getHeight());
    for (int i = 0; i < 4; i++) {
      assertEquals(COLORS[i], rgb(g, lay.x(i), lay.y(i)));
      assertEquals(COLORS[i], rgb(g, lay.x(i) + 15, lay.y(i) + 15));
    }
    // some dark text pixels in the row-label area and in the title/column-label band
    assertTrue(countDark(g, 0, lay.originY(), lay.originX(), g.getHeight()) > 10);
    assertTrue(countDark(g, 0, 0, g.getWidth(), lay.originY()) > 10);
  }

  static int countDark(BufferedImage g, int x0, int y0, int x1, int y1) {
    int n = 0;
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        int p = g.getRGB(x, y);
        if (((p >> 16) & 0xFF) < 128 && ((p >> 8) & 0xFF) < 128 && (p & 0xFF) < 128) n++;
      }
    }
    return n;
  }

  @Test
  void validationMessages() {
    assertEquals(
        "images must not be empty",
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.of(List.of())).getMessage());
    ImageGrid g = ImageGrid.of(solids(3, 2, 2));
    assertEquals(
        "columns must be >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> g.columns(0)).getMessage());
    assertEquals(
        "scale must be >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> g.scale(0)).getMessage());
    assertEquals(
        "padding must be >= 0, got -1",
        assertThrows(IllegalArgumentException.class, () -> g.padding(-1)).getMessage());
    g.columns(2).rowLabels("only one");
    assertEquals(
        "rowLabels must have 2 entries (one per row), got 1",
        assertThrows(IllegalArgumentException.class, g::build).getMessage());
    ImageGrid g2 = ImageGrid.of(solids(3, 2, 2)).columns(3).columnLabels("x", "y");
    assertEquals(
        "columnLabels must have 3 entries (one per column), got 2",
        assertThrows(IllegalArgumentException.class, g2::build).getMessage());
    List<BufferedImage> withNull = new ArrayList<>(solids(2, 2, 2));
    withNull.add(null);
    assertEquals(
        "images[2] is null",
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.of(withNull)).getMessage());
  }
}
