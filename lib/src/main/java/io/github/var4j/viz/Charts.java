package io.github.var4j.viz;

import io.github.var4j.stats.PowerLaw;
import io.github.var4j.stats.SaturatingPowerLaw;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.ChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * XChart helpers: loss curves, log-log scaling-law plots with a fitted power law, chart -> picture
 * / PNG. (A notebook shows a chart with {@code Charts.toImage(chart)}; {@code display(chart)} only
 * prints toString.)
 */
public final class Charts {
  public static final int DEFAULT_WIDTH = 800;
  public static final int DEFAULT_HEIGHT = 500;

  private Charts() {}

  /**
   * Loss curves, x axis "step", y axis "loss", {@value #DEFAULT_WIDTH}x{@value #DEFAULT_HEIGHT}.
   */
  public static XYChart lossCurve(String title, Map<String, double[][]> series, boolean logY) {
    return lossCurve(title, "step", "loss", series, logY, DEFAULT_WIDTH, DEFAULT_HEIGHT);
  }

  /**
   * Line chart of several series.
   *
   * @param series name -> {x[], y[]} (same length >= 1), in the map's iteration order (use a
   *     LinkedHashMap)
   * @param logY logarithmic y axis (all y must then be > 0)
   */
  public static XYChart lossCurve(
      String title,
      String xTitle,
      String yTitle,
      Map<String, double[][]> series,
      boolean logY,
      int width,
      int height) {
    if (series == null || series.isEmpty())
      throw new IllegalArgumentException("series must not be empty");
    XYChart chart = newChart(title, xTitle, yTitle, width, height);
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    chart.getStyler().setYAxisLogarithmic(logY);
    double yLo = Double.POSITIVE_INFINITY, yHi = Double.NEGATIVE_INFINITY;
    for (Map.Entry<String, double[][]> e : series.entrySet()) {
      String name = e.getKey();
      if (name == null) throw new IllegalArgumentException("series name must not be null");
      double[][] xy = e.getValue();
      if (xy == null || xy.length != 2 || xy[0] == null || xy[1] == null) {
        throw new IllegalArgumentException("series '" + name + "' must be {x[], y[]}");
      }
      checkXY("series '" + name + "'", xy[0], xy[1], 1);
      if (logY) checkPositive("series '" + name + "' y", xy[1], "a logarithmic y axis");
      XYSeries s = chart.addSeries(name, xy[0], xy[1]);
      s.setMarker(SeriesMarkers.NONE);
      for (double y : xy[1]) {
        yLo = Math.min(yLo, y);
        yHi = Math.max(yHi, y);
      }
    }
    if (logY) chart.getStyler().setYAxisLogarithmicDecadeOnly(decadeOnly(yLo, yHi));
    return chart;
  }

  /**
   * Log-log scatter of (x, y) plus the fitted power law, {@value #DEFAULT_WIDTH}x{@value
   * #DEFAULT_HEIGHT}.
   */
  public static XYChart logLog(String title, String xTitle, String yTitle, double[] x, double[] y) {
    return logLog(title, xTitle, yTitle, x, y, DEFAULT_WIDTH, DEFAULT_HEIGHT);
  }

  /**
   * Log-log scatter of (x, y) (series "data") plus the fitted power law ({@link PowerLaw#fit}, at
   * least 3 points) drawn as a line over [min x, max x] (series named by {@link
   * PowerLaw#formula()}). Both axes logarithmic.
   */
  public static XYChart logLog(
      String title, String xTitle, String yTitle, double[] x, double[] y, int width, int height) {
    return scalingPanel(title, xTitle, yTitle, x, y, Map.of(), false, width, height);
  }

  /**
   * A scaling-law panel in the style of the VAR paper's Figs. 5 and 6, both axes logarithmic: the
   * points (x, y) (series "data"), the fitted power law L = (β·X)^α as a line (legend: α, β and
   * Pearson's r; {@link PowerLaw#fit}; with fewer than {@value PowerLaw#MIN_POINTS} points no fit,
   * and the title says so), optionally the law with an irreducible term (legend: E, X₀, α; {@link
   * SaturatingPowerLaw#fit}, at least 4 points), and behind them {@code curves}, one thin line each
   * (e.g. every run's evaluations).
   */
  public static XYChart scalingPanel(
      String title,
      String xTitle,
      String yTitle,
      double[] x,
      double[] y,
      Map<String, double[][]> curves,
      boolean irreducible,
      int width,
      int height) {
    // too few points (e.g. a frontier that improved twice): the points without a fit
    PowerLaw fit = x.length >= PowerLaw.MIN_POINTS ? PowerLaw.fit(x, y) : null;
    if (fit == null) {
      checkXY("data", x, y, 1);
      checkPositive("x", x, "a logarithmic axis");
      checkPositive("y", y, "a logarithmic axis");
      title += " (too few points to fit)";
    }
    XYChart chart = newChart(title, xTitle, yTitle, width, height);
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisLogarithmic(true);
    // a falling law leaves the lower left empty: the legend goes there, off the points; with
    // curves (a frontier and every run) nothing is empty, and the legend goes below the plot
    chart
        .getStyler()
        .setLegendPosition(
            curves.isEmpty() ? Styler.LegendPosition.InsideSW : Styler.LegendPosition.OutsideS);
    double[] b = addLogLines(chart, "curve", curves, SeriesMarkers.NONE);
    XYSeries data = chart.addSeries("data", x.clone(), y.clone());
    data.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    data.setMarker(SeriesMarkers.CIRCLE);
    data.setMarkerColor(Color.BLACK); // in front of the coloured curves
    double fLo = Double.POSITIVE_INFINITY, fHi = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < x.length; i++) {
      fLo = Math.min(fLo, x[i]);
      fHi = Math.max(fHi, x[i]);
      widen(b, x[i], y[i]);
    }
    logAxes(chart, b);
    if (fit == null) return chart;
    int n = 50;
    double[] fx = new double[n], fy = new double[n];
    for (int i = 0; i < n; i++) {
      fx[i] = fLo * Math.pow(fHi / fLo, i / (double) (n - 1)); // geometric spacing
      fy[i] = fit.predict(fx[i]);
    }
    XYSeries line = chart.addSeries("fit: " + fit.formula(), fx, fy);
    line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    line.setMarker(SeriesMarkers.NONE);
    if (irreducible && x.length >= SaturatingPowerLaw.MIN_POINTS) {
      SaturatingPowerLaw s;
      try {
        s = SaturatingPowerLaw.fit(x, y);
      } catch (IllegalArgumentException e) {
        return chart; // the values do not fall: no such curve
      }
      double[] sy = new double[n];
      for (int i = 0; i < n; i++) sy[i] = s.predict(fx[i]);
      XYSeries sat = chart.addSeries("fit: " + s.formula(), fx.clone(), sy);
      sat.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
      sat.setMarker(SeriesMarkers.NONE);
    }
    return chart;
  }

  /**
   * Several series on log-log axes, each a line through its points (with markers), the legend below
   * the plot: e.g. a cost against a size for several methods. Series names carry what the caller
   * wants to say of them (a fitted slope, say).
   *
   * @param series name to {x, y}, in legend order; every value positive
   */
  public static XYChart logLogSeries(
      String title,
      String xTitle,
      String yTitle,
      Map<String, double[][]> series,
      int width,
      int height) {
    if (series.isEmpty()) throw new IllegalArgumentException("no series to draw");
    XYChart chart = newChart(title, xTitle, yTitle, width, height);
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    logAxes(chart, addLogLines(chart, "series", series, SeriesMarkers.CIRCLE));
    return chart;
  }

  /**
   * Adds every series as a line with {@code marker}, each checked for logarithmic axes; returns the
   * bounds of their points, {xLo, xHi, yLo, yHi} (infinite when there are none).
   */
  private static double[] addLogLines(
      XYChart chart, String what, Map<String, double[][]> series, Marker marker) {
    double[] b = {
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY,
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY
    };
    for (Map.Entry<String, double[][]> e : series.entrySet()) {
      double[][] xy = e.getValue();
      String name = what + " '" + e.getKey() + "'";
      checkXY(name, xy[0], xy[1], 1);
      checkPositive(name + " x", xy[0], "a logarithmic axis");
      checkPositive(name + " y", xy[1], "a logarithmic axis");
      XYSeries s = chart.addSeries(e.getKey(), xy[0].clone(), xy[1].clone());
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
      s.setMarker(marker);
      for (int i = 0; i < xy[0].length; i++) widen(b, xy[0][i], xy[1][i]);
    }
    return b;
  }

  /** Widens the bounds {xLo, xHi, yLo, yHi} to hold (x, y). */
  private static void widen(double[] b, double x, double y) {
    b[0] = Math.min(b[0], x);
    b[1] = Math.max(b[1], x);
    b[2] = Math.min(b[2], y);
    b[3] = Math.max(b[3], y);
  }

  /**
   * Labels of log axes for the bounds {xLo, xHi, yLo, yHi}, and 3 % of room (on the log scale)
   * above and below, so that no point sits on the frame.
   */
  private static void logAxes(XYChart chart, double[] b) {
    chart.getStyler().setXAxisLogarithmicDecadeOnly(decadeOnly(b[0], b[1]));
    chart.getStyler().setYAxisLogarithmicDecadeOnly(decadeOnly(b[2], b[3]));
    double pad = Math.pow(b[3] / b[2], 0.03) * 1.001;
    chart.getStyler().setYAxisMin(b[2] / pad);
    chart.getStyler().setYAxisMax(b[3] * pad);
  }

  /**
   * Named points on linear axes, one legend entry each (e.g. a speed/quality trade-off, one point
   * per method), the legend below the plot.
   *
   * @param points name to {x, y}, in legend order
   */
  public static XYChart namedPoints(
      String title,
      String xTitle,
      String yTitle,
      Map<String, double[]> points,
      int width,
      int height) {
    if (points.isEmpty()) throw new IllegalArgumentException("no points to draw");
    XYChart chart = newChart(title, xTitle, yTitle, width, height);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    for (Map.Entry<String, double[]> e : points.entrySet()) {
      double[] p = e.getValue();
      if (p.length != 2 || !Double.isFinite(p[0]) || !Double.isFinite(p[1]))
        throw new IllegalArgumentException(
            "point '"
                + e.getKey()
                + "' needs two finite values, got "
                + java.util.Arrays.toString(p));
      XYSeries s = chart.addSeries(e.getKey(), new double[] {p[0]}, new double[] {p[1]});
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      s.setMarker(SeriesMarkers.CIRCLE);
    }
    return chart;
  }

  /**
   * A sweep of one sampling knob: FID (left axis) and the IS analogue (right axis) against the
   * knob's values, {@value #DEFAULT_WIDTH}x{@value #DEFAULT_HEIGHT}.
   */
  public static XYChart sweep(String title, String xTitle, double[] x, double[] fid, double[] is) {
    if (x.length != fid.length || x.length != is.length || x.length == 0)
      throw new IllegalArgumentException(
          "a sweep needs as many FIDs and ISs as x values (and at least one), got "
              + x.length
              + ", "
              + fid.length
              + ", "
              + is.length);
    XYChart chart = newChart(title, xTitle, "FID (lower is better)", DEFAULT_WIDTH, DEFAULT_HEIGHT);
    XYSeries f = chart.addSeries("FID", x.clone(), fid.clone());
    f.setYAxisGroup(0);
    XYSeries i = chart.addSeries("IS (right axis)", x.clone(), is.clone());
    i.setYAxisGroup(1);
    chart.setYAxisGroupTitle(1, "IS (higher is better)");
    chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    return chart;
  }

  /** The chart rendered at its own size, as a TYPE_INT_RGB picture. */
  public static BufferedImage toImage(Chart<?, ?> chart) {
    if (chart == null) throw new IllegalArgumentException("chart must not be null");
    return Images.toRgb(BitmapEncoder.getBufferedImage(chart));
  }

  /** Writes the chart as PNG atomically (temp file + rename); creates parent dirs. */
  public static void savePng(Chart<?, ?> chart, Path path) throws IOException {
    Images.writePng(toImage(chart), path);
  }

  /**
   * A bar chart of one series, no legend, every category labelled: {@code categories.get(i)} has
   * the bar {@code values.get(i)}; width x height pixels.
   *
   * @throws IllegalArgumentException if the lists differ in length or a size is not positive
   */
  public static CategoryChart bars(
      String title,
      String xTitle,
      String yTitle,
      List<String> categories,
      List<? extends Number> values,
      int width,
      int height) {
    if (categories.size() != values.size())
      throw new IllegalArgumentException(
          categories.size() + " categories but " + values.size() + " values");
    CategoryChart chart =
        sized(new CategoryChartBuilder(), title, width, height)
            .xAxisTitle(xTitle == null ? "" : xTitle)
            .yAxisTitle(yTitle == null ? "" : yTitle)
            .build();
    style(chart.getStyler());
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setXAxisTickMarkSpacingHint(20); // label every category, not every other one
    chart.addSeries(yTitle == null || yTitle.isEmpty() ? "values" : yTitle, categories, values);
    return chart;
  }

  static XYChart newChart(String title, String xTitle, String yTitle, int width, int height) {
    XYChart chart =
        sized(new XYChartBuilder(), title, width, height)
            .xAxisTitle(xTitle == null ? "" : xTitle)
            .yAxisTitle(yTitle == null ? "" : yTitle)
            .build();
    style(chart.getStyler());
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    return chart;
  }

  /** {@code builder} with the checked size and the title (null: none). */
  private static <B extends ChartBuilder<B, ?>> B sized(
      B builder, String title, int width, int height) {
    VizChecks.checkPositive("width", width);
    VizChecks.checkPositive("height", height);
    return builder.width(width).height(height).title(title == null ? "" : title);
  }

  /**
   * Log axes label only powers of ten when the data spans more than 1.5 decades, else also 2, 3, ..
   * 9.
   */
  static boolean decadeOnly(double lo, double hi) {
    return Math.log10(hi / lo) > 1.5;
  }

  static void style(Styler s) {
    s.setChartBackgroundColor(Color.WHITE);
    s.setLegendBorderColor(Color.LIGHT_GRAY);
    s.setAntiAlias(true);
  }

  private static void checkXY(String what, double[] x, double[] y, int minLen) {
    if (x == null || y == null)
      throw new IllegalArgumentException(what + ": x and y must not be null");
    if (x.length != y.length) {
      throw new IllegalArgumentException(
          what + ": x and y must have the same length, got " + x.length + " and " + y.length);
    }
    if (x.length < minLen) {
      throw new IllegalArgumentException(
          what + " must have at least " + minLen + " point(s), got " + x.length);
    }
    for (int i = 0; i < x.length; i++) {
      if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
        throw new IllegalArgumentException(
            what + " must be finite, got (" + x[i] + ", " + y[i] + ") at index " + i);
      }
    }
  }

  private static void checkPositive(String what, double[] v, String forWhat) {
    for (int i = 0; i < v.length; i++) {
      if (!(v[i] > 0)) {
        throw new IllegalArgumentException(
            what + " must be > 0 for " + forWhat + ", got " + v[i] + " at index " + i);
      }
    }
  }
}
