package io.github.var4j.viz;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.scale.ScaleSchedule;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenMapViewTest {

  /** 8 codes on the x axis of a Cvae=3 codebook: colours differ in R only (G = B = 128). */
  static TokenMapColors lineColors() {
    float[] cb = new float[8 * 3];
    for (int v = 0; v < 8; v++) cb[v * 3] = v;
    return TokenMapColors.fromCodebook(cb, 8, 3);
  }

  private static int rgb(BufferedImage img, int x, int y) {
    return img.getRGB(x, y) & 0xFFFFFF;
  }

  @Test
  void panelCellsCoverExactPixelRanges() {
    TokenMapColors colors = lineColors();
    // B=2, pn=3: image 1 holds codes 0..8 -> use codes mod 8
    int[] idx = new int[2 * 9];
    for (int i = 0; i < 9; i++) {
      idx[i] = 7;
      idx[9 + i] = i % 8;
    }
    BufferedImage p = TokenMapView.panel(idx, 3, 1, 8, colors, false);
    assertEquals(8, p.getWidth());
    assertEquals(8, p.getHeight());
    int[] edge = {0, 2, 5, 8}; // floor(i*8/3)
    for (int h = 0; h < 3; h++) {
      for (int w = 0; w < 3; w++) {
        int expect = colors.rgbOf((h * 3 + w) % 8);
        for (int y = edge[h]; y < edge[h + 1]; y++) {
          for (int x = edge[w]; x < edge[w + 1]; x++) assertEquals(expect, rgb(p, x, y));
        }
      }
    }
    BufferedImage p0 = TokenMapView.panel(idx, 3, 0, 8, colors, false);
    for (int y = 0; y < 8; y++)
      for (int x = 0; x < 8; x++) assertEquals(colors.rgbOf(7), rgb(p0, x, y));
  }

  static List<int[]> maps(ScaleSchedule patchNums, int batch) {
    List<int[]> l = new ArrayList<>();
    for (int k = 0; k < patchNums.K(); k++) {
      int n = patchNums.tokens(k);
      int[] idx = new int[batch * n];
      for (int b = 0; b < batch; b++) for (int i = 0; i < n; i++) idx[b * n + i] = (b + k + i) % 8;
      l.add(idx);
    }
    return l;
  }

  @Test
  void renderLaysScalesLeftToRightAtTheSameSize() {
    ScaleSchedule patchNums = ScaleSchedule.of(1, 2, 4);
    TokenMapColors colors = lineColors();
    List<int[]> idx = maps(patchNums, 2);
    int cellPx = 3, side = 12;
    BufferedImage img = TokenMapView.render(idx, patchNums, 1, colors, cellPx);
    // expected geometry: grid of 3 panels side x side, padding 4, column labels
    List<BufferedImage> dummy =
        List.of(
            new BufferedImage(side, side, 1),
            new BufferedImage(side, side, 1),
            new BufferedImage(side, side, 1));
    ImageGrid.Layout lay =
        ImageGrid.of(dummy)
            .columns(3)
            .padding(TokenMapView.PADDING)
            .columnLabels("1x1", "2x2", "4x4")
            .layout();
    assertEquals(lay.width(), img.getWidth());
    assertEquals(4 + 3 * (side + 4), img.getWidth());
    assertEquals(lay.height(), img.getHeight());
    for (int k = 0; k < 3; k++) {
      int pn = patchNums.pn(k), n = pn * pn, cell = side / pn;
      for (int h = 0; h < pn; h++) {
        for (int w = 0; w < pn; w++) {
          int expect = colors.rgbOf(idx.get(k)[n + h * pn + w]); // image b=1
          for (int y = 0; y < cell; y++) {
            for (int x = 0; x < cell; x++) {
              assertEquals(
                  expect,
                  rgb(img, lay.x(k) + w * cell + x, lay.y(k) + h * cell + y),
                  "scale " + k + " cell (" + h + "," + w + ")");
            }
          }
        }
      }
      assertEquals(0xFFFFFF, rgb(img, lay.x(k) + side, lay.y(k)), "padding after panel " + k);
    }
  }

  @Test
  void indexOverlayOnlyOnCoarseScales() {
    ScaleSchedule patchNums = ScaleSchedule.of(1, 2, 5);
    TokenMapColors colors = lineColors();
    List<int[]> idx = maps(patchNums, 1);
    BufferedImage plain = TokenMapView.render(idx, patchNums, 0, colors, 8);
    BufferedImage over = TokenMapView.render(idx, patchNums, 0, colors, 8, true);
    assertEquals(plain.getWidth(), over.getWidth());
    assertEquals(plain.getHeight(), over.getHeight());
    int side = 40;
    List<BufferedImage> dummy =
        List.of(
            new BufferedImage(side, side, 1),
            new BufferedImage(side, side, 1),
            new BufferedImage(side, side, 1));
    ImageGrid.Layout lay =
        ImageGrid.of(dummy)
            .columns(3)
            .padding(TokenMapView.PADDING)
            .columnLabels("1x1", "2x2", "5x5")
            .layout();
    int[] changed = new int[3];
    for (int k = 0; k < 3; k++) {
      for (int y = 0; y < side; y++) {
        for (int x = 0; x < side; x++) {
          if (rgb(plain, lay.x(k) + x, lay.y(k) + y) != rgb(over, lay.x(k) + x, lay.y(k) + y))
            changed[k]++;
        }
      }
    }
    assertTrue(changed[0] > 5, "1x1 shows its index: " + changed[0]);
    assertTrue(changed[1] > 5, "2x2 shows its indices: " + changed[1]);
    assertEquals(0, changed[2], "5x5 > INDEX_OVERLAY_MAX_PN: no overlay");
  }

  @Test
  void renderManyStacksImagesAsRows() {
    ScaleSchedule patchNums = ScaleSchedule.of(1, 2);
    TokenMapColors colors = lineColors();
    List<int[]> idx = maps(patchNums, 3);
    BufferedImage one = TokenMapView.render(idx, patchNums, 0, colors, 4);
    BufferedImage many =
        TokenMapView.renderMany(idx, patchNums, new int[] {2, 0}, colors, 4, false);
    assertTrue(many.getWidth() > one.getWidth(), "row labels add width");
    List<BufferedImage> dummy = new ArrayList<>();
    for (int i = 0; i < 4; i++) dummy.add(new BufferedImage(8, 8, 1));
    ImageGrid.Layout lay =
        ImageGrid.of(dummy)
            .columns(2)
            .padding(TokenMapView.PADDING)
            .columnLabels("1x1", "2x2")
            .rowLabels("#2", "#0")
            .layout();
    assertEquals(lay.width(), many.getWidth());
    assertEquals(lay.height(), many.getHeight());
    // row 0 is image 2, row 1 image 0; tile index = row*2 + scale
    assertEquals(colors.rgbOf(idx.get(0)[2]), rgb(many, lay.x(0), lay.y(0)));
    assertEquals(colors.rgbOf(idx.get(1)[2 * 4 + 3]), rgb(many, lay.x(1) + 7, lay.y(1) + 7));
    assertEquals(colors.rgbOf(idx.get(0)[0]), rgb(many, lay.x(2), lay.y(2)));
    assertEquals(colors.rgbOf(idx.get(1)[1]), rgb(many, lay.x(3) + 4, lay.y(3)));
    BufferedImage firstTwo = TokenMapView.renderMany(idx, patchNums, 2, colors, 4, false);
    assertEquals(lay.height(), firstTwo.getHeight());
  }

  @Test
  void validationMessages() {
    TokenMapColors colors = lineColors();
    ScaleSchedule patchNums = ScaleSchedule.of(1, 2);
    assertEquals(
        "idxPerScale[1].length must be a positive multiple of pn*pn = 4, got 6",
        assertThrows(
                IllegalArgumentException.class,
                () -> TokenMapView.render(List.of(new int[1], new int[6]), patchNums, 0, colors, 2))
            .getMessage());
    assertEquals(
        "idxPerScale must have one array per scale (2), got 1",
        assertThrows(
                IllegalArgumentException.class,
                () -> TokenMapView.render(List.of(new int[1]), patchNums, 0, colors, 2))
            .getMessage());
    assertEquals(
        "idxPerScale[1] holds 1 images, scale 0 holds 2",
        assertThrows(
                IllegalArgumentException.class,
                () -> TokenMapView.render(List.of(new int[2], new int[4]), patchNums, 0, colors, 2))
            .getMessage());
    assertEquals(
        "b must be in [0, 1), got 1",
        assertThrows(
                IllegalArgumentException.class,
                () -> TokenMapView.render(List.of(new int[1], new int[4]), patchNums, 1, colors, 2))
            .getMessage());
    assertEquals(
        "patchNums must not be null",
        assertThrows(
                IllegalArgumentException.class,
                () -> TokenMapView.render(List.of(new int[4], new int[1]), null, 0, colors, 2))
            .getMessage());
    assertEquals(
        "code must be in [0, 8), got 9",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    TokenMapView.render(
                        List.of(new int[] {9}, new int[4]), patchNums, 0, colors, 2))
            .getMessage());
    assertEquals(
        "cellPx must be >= 1, got 0",
        assertThrows(
                IllegalArgumentException.class,
                () -> TokenMapView.render(List.of(new int[1], new int[4]), patchNums, 0, colors, 0))
            .getMessage());
  }
}
