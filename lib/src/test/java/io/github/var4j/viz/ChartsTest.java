package io.github.var4j.viz;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;

class ChartsTest {

  static Map<String, double[][]> twoSeries() {
    Map<String, double[][]> m = new LinkedHashMap<>();
    double[] x = new double[20], train = new double[20], val = new double[20];
    for (int i = 0; i < 20; i++) {
      x[i] = i * 10;
      train[i] = 5.0 * Math.exp(-i / 5.0) + 0.1;
      val[i] = train[i] + 0.05;
    }
    m.put("train", new double[][] {x, train});
    m.put("val", new double[][] {x, val});
    return m;
  }

  @Test
  void lossCurveRendersAtRequestedSize() {
    XYChart chart = Charts.lossCurve("loss", "step", "CE", twoSeries(), true, 640, 360);
    assertEquals(
        List.of("train", "val"),
        chart.getSeriesCollection().stream().map(s -> s.getName()).toList());
    assertTrue(chart.getStyler().isYAxisLogarithmic());
    BufferedImage img = Charts.toImage(chart);
    assertEquals(640, img.getWidth());
    assertEquals(360, img.getHeight());
    assertEquals(BufferedImage.TYPE_INT_RGB, img.getType());
    // not blank: some dark (axis / text) pixels and some coloured (series) pixels
    assertTrue(ImageGridTest.countDark(img, 0, 0, 640, 360) > 100);
    int coloured = 0;
    for (int y = 0; y < 360; y++) {
      for (int x = 0; x < 640; x++) {
        int p = img.getRGB(x, y);
        int r = (p >> 16) & 0xFF, g = (p >> 8) & 0xFF, b = p & 0xFF;
        if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60) coloured++;
      }
    }
    assertTrue(coloured > 100, "series drawn in colour: " + coloured);
    XYChart def = Charts.lossCurve("loss", twoSeries(), false);
    assertEquals(Charts.DEFAULT_WIDTH, Charts.toImage(def).getWidth());
    assertEquals(Charts.DEFAULT_HEIGHT, Charts.toImage(def).getHeight());
  }

  @Test
  void sweepPutsIsOnTheRightAxis() {
    double[] x = {0, 1, 2};
    XYChart c = Charts.sweep("cfg", "cfg", x, new double[] {1, 0.5, 0.8}, new double[] {7, 8, 9});
    assertEquals(
        List.of("FID", "IS (right axis)"),
        c.getSeriesCollection().stream().map(s -> s.getName()).toList());
    assertEquals(
        List.of(0, 1), c.getSeriesCollection().stream().map(s -> s.getYAxisGroup()).toList());
    assertEquals(
        "a sweep needs as many FIDs and ISs as x values (and at least one), got 3, 2, 3",
        assertThrows(
                IllegalArgumentException.class,
                () -> Charts.sweep("t", "x", x, new double[2], new double[3]))
            .getMessage());
    assertNotNull(Charts.toImage(c));
  }

  @Test
  void logLogHasScatterAndFitLine() {
    double[] x = {1, 2, 4, 8, 16};
    double[] y = {10.0, 7.2, 5.1, 3.4, 2.6};
    XYChart chart = Charts.logLog("scaling", "params", "loss", x, y, 500, 300);
    assertEquals(2, chart.getSeriesCollection().size());
    assertNotNull(chart.getSeries("data"));
    String fitName = "fit: " + io.github.var4j.stats.PowerLaw.fit(x, y).formula();
    assertNotNull(chart.getSeries(fitName), fitName);
    assertTrue(chart.getStyler().isXAxisLogarithmic());
    assertTrue(chart.getStyler().isYAxisLogarithmic());
    BufferedImage img = Charts.toImage(chart);
    assertEquals(500, img.getWidth());
    assertEquals(300, img.getHeight());
  }

  @Test
  void savePngIsAtomicAndReadable(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("charts/loss.png");
    Charts.savePng(Charts.lossCurve("t", "x", "y", twoSeries(), false, 320, 200), out);
    BufferedImage back = ImageIO.read(out.toFile());
    assertEquals(320, back.getWidth());
    assertEquals(200, back.getHeight());
    try (Stream<Path> files = Files.list(out.getParent())) {
      assertEquals(List.of(out), files.toList());
    }
  }

  @Test
  void logAxesLabelIntermediateTicksOnlyForNarrowRanges() {
    assertFalse(Charts.decadeOnly(1.8, 3.0));
    assertFalse(Charts.decadeOnly(1, 10));
    assertTrue(Charts.decadeOnly(1e6, 1e9));
    XYChart narrow =
        Charts.logLog("s", "x", "y", new double[] {1e6, 3e7, 1e9}, new double[] {3.0, 2.3, 1.8});
    assertTrue(narrow.getStyler().isXAxisLogarithmicDecadeOnly());
    assertFalse(narrow.getStyler().isYAxisLogarithmicDecadeOnly());
    assertFalse(
        Charts.lossCurve("t", twoSeries(), true).getStyler().isYAxisLogarithmicDecadeOnly());
  }

  @Test
  void validationMessages() {
    Map<String, double[][]> bad = new LinkedHashMap<>();
    bad.put("train", new double[][] {{1, 2, 3}, {1, 0, 2}});
    assertEquals(
        "series 'train' y must be > 0 for a logarithmic y axis, got 0.0 at index 1",
        assertThrows(IllegalArgumentException.class, () -> Charts.lossCurve("t", bad, true))
            .getMessage());
    Map<String, double[][]> uneven = Map.of("a", new double[][] {{1, 2}, {1}});
    assertEquals(
        "series 'a': x and y must have the same length, got 2 and 1",
        assertThrows(IllegalArgumentException.class, () -> Charts.lossCurve("t", uneven, false))
            .getMessage());
    assertEquals(
        "series must not be empty",
        assertThrows(IllegalArgumentException.class, () -> Charts.lossCurve("t", Map.of(), false))
            .getMessage());
  }

  @Test
  void chartsKeepTheirTitlesAndAxisTitles() {
    CategoryChart bars = Charts.bars("t", "x", "y", List.of("a", "b"), List.of(1.0, 2.0), 100, 80);
    assertEquals(
        List.of("t", "x", "y"),
        List.of(bars.getTitle(), bars.getXAxisTitle(), bars.getYAxisTitle()));
    XYChart xy = Charts.newChart("t2", "x2", "y2", 100, 80);
    assertEquals(
        List.of("t2", "x2", "y2"), List.of(xy.getTitle(), xy.getXAxisTitle(), xy.getYAxisTitle()));
    assertEquals(
        "2 categories but 1 values",
        assertThrows(
                IllegalArgumentException.class,
                () -> Charts.bars("t", "x", "y", List.of("a", "b"), List.of(1.0), 100, 80))
            .getMessage());
  }
}
