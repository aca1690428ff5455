package io.github.var4j.viz;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.transformer.AttentionMask;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;

class AttentionMaskViewTest {

  private static int rgb(BufferedImage img, int x, int y) {
    return img.getRGB(x, y) & 0xFFFFFF;
  }

  /**
   * patchNums (1,2,3): L = 14 tokens, scales of tokens [0 | 1 1 1 1 | 2 x9]; with px=1 and boundary
   * lines the picture is 16x16. '#' allowed, '.' masked, '|' boundary line. Row = query, column =
   * key.
   */
  static final String[] EXPECTED_123 = {
    "#|....|.........",
    "||||||||||||||||",
    "#|####|.........",
    "#|####|.........",
    "#|####|.........",
    "#|####|.........",
    "||||||||||||||||",
    "#|####|#########",
    "#|####|#########",
    "#|####|#########",
    "#|####|#########",
    "#|####|#########",
    "#|####|#########",
    "#|####|#########",
    "#|####|#########",
    "#|####|#########",
  };

  @Test
  void exactBlockStructureFor123() {
    BufferedImage img = AttentionMaskView.render(ScaleSchedule.of(1, 2, 3), 1);
    assertEquals(BufferedImage.TYPE_INT_RGB, img.getType());
    assertEquals(16, img.getWidth());
    assertEquals(16, img.getHeight());
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        char c = EXPECTED_123[y].charAt(x);
        int expect =
            c == '#'
                ? AttentionMaskView.ALLOWED_RGB
                : c == '.' ? AttentionMaskView.MASKED_RGB : AttentionMaskView.LINE_RGB;
        assertEquals(expect, rgb(img, x, y), "(" + x + "," + y + ")");
      }
    }
    assertNotEquals(AttentionMaskView.ALLOWED_RGB, AttentionMaskView.MASKED_RGB);
  }

  @Test
  void cellsArePxSquaresMatchingTheMaskRule() {
    ScaleSchedule patchNums = ScaleSchedule.of(1, 2, 3);
    int px = 3;
    BufferedImage img = AttentionMaskView.render(patchNums, px);
    assertEquals(14 * 3 + 2, img.getWidth());
    assertEquals(AttentionMaskView.side(patchNums, px), img.getHeight());
    int[] scale = patchNums.levels();
    assertArrayEquals(new int[] {0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2}, scale);
    boolean[][] allowed = AttentionMask.allowed(patchNums); // the transformer's mask
    int allowedCells = 0, allowedPixels = 0;
    for (int q = 0; q < 14; q++) {
      for (int k = 0; k < 14; k++) {
        boolean ok = allowed[q][k];
        assertEquals(scale[q] >= scale[k], ok);
        if (ok) allowedCells++;
        int x0 = AttentionMaskView.cellOrigin(patchNums, px, k);
        int y0 = AttentionMaskView.cellOrigin(patchNums, px, q);
        for (int dy = 0; dy < px; dy++) {
          for (int dx = 0; dx < px; dx++) {
            assertEquals(
                ok ? AttentionMaskView.ALLOWED_RGB : AttentionMaskView.MASKED_RGB,
                rgb(img, x0 + dx, y0 + dy));
          }
        }
      }
    }
    // 1*1 + 4*5 + 9*14 = 147 allowed cells
    assertEquals(147, allowedCells);
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        if (rgb(img, x, y) == AttentionMaskView.ALLOWED_RGB) allowedPixels++;
      }
    }
    assertEquals(147 * px * px, allowedPixels);
    // first token of scale 2 starts after 5 cells and 2 boundary lines
    assertEquals(5 * 3 + 2, AttentionMaskView.cellOrigin(patchNums, px, 5));
  }

  @Test
  void fullVarMaskSizeAndTitleVersion() {
    ScaleSchedule pn = ScaleSchedule.px256();
    BufferedImage img = AttentionMaskView.render(pn, 1);
    assertEquals(680 + 9, img.getWidth());
    // last query row attends to everything: no masked pixel in it
    for (int x = 0; x < img.getWidth(); x++)
      assertNotEquals(AttentionMaskView.MASKED_RGB, rgb(img, x, 688));
    BufferedImage titled = AttentionMaskView.renderWithTitle(ScaleSchedule.of(1, 2, 3), 4);
    assertTrue(titled.getHeight() > AttentionMaskView.side(ScaleSchedule.of(1, 2, 3), 4) + 10);
  }

  @Test
  void tokensPerScaleChart() {
    CategoryChart chart =
        AttentionMaskView.tokensPerScaleChart(ScaleSchedule.of(1, 2, 3, 4), 600, 400);
    assertEquals("tokens per scale (L = 30)", chart.getTitle());
    assertEquals(
        List.of("1x1", "2x2", "3x3", "4x4"), List.copyOf(chart.getSeries("tokens").getXData()));
    assertArrayEquals(new double[] {1, 4, 9, 16}, chart.getSeries("tokens").getYData());
    BufferedImage img = Charts.toImage(chart);
    assertEquals(600, img.getWidth());
    assertEquals(400, img.getHeight());
  }

  @Test
  void validationMessages() {
    assertEquals(
        "patchNums must not be null",
        assertThrows(IllegalArgumentException.class, () -> AttentionMaskView.render(null, 1))
            .getMessage());
    assertEquals(
        "px must be >= 1, got 0",
        assertThrows(
                IllegalArgumentException.class,
                () -> AttentionMaskView.render(ScaleSchedule.of(1, 2), 0))
            .getMessage());
    assertEquals(
        "t must be in [0, 5), got 5",
        assertThrows(
                IllegalArgumentException.class,
                () -> AttentionMaskView.cellOrigin(ScaleSchedule.of(1, 2), 1, 5))
            .getMessage());
  }
}
