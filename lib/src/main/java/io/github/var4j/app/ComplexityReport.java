package io.github.var4j.app;

import io.github.var4j.app.SamplingComplexity.Row;
import io.github.var4j.stats.PowerLaw;
import io.github.var4j.transformer.TokenOrder;
import io.github.var4j.viz.Charts;
import io.github.var4j.viz.ImageGrid;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * What the rows of {@link SamplingComplexity} say: the growth exponents of time and FLOPs with the
 * map side n (log-log slopes), the figure, and the next-scale/raster ratios at each n.
 *
 * <p>Two slopes per series: the fit over all sides ({@link PowerLaw#fit}, at least 3 sides) and the
 * local slope between the two largest sides, log(y₂/y₁)/log(n₂/n₁), which is what the asymptotic
 * exponent is approached by. The theoretical exponents: raster-order attention with a cache n⁴,
 * without one n⁶ (the paper's count), next-scale n⁴; the per-token matmuls of both n².
 */
public final class ComplexityReport {
  private ComplexityReport() {}

  /**
   * A growth exponent of one series.
   *
   * @param fit the power-law fit over all sides, null with fewer than 3
   * @param local the slope between the two largest sides, NaN with fewer than 2
   */
  public record Slope(PowerLaw fit, double local) {
    /** "slope 3.1 (last step 3.8)" or what there is of it. */
    public String label() {
      String f = fit == null ? "" : String.format(Locale.ROOT, "slope %.2f", fit.alpha());
      if (Double.isNaN(local)) return f;
      String l = String.format(Locale.ROOT, "last step %.2f", local);
      return f.isEmpty() ? l : f + ", " + l;
    }
  }

  /** The slope of y(n) over the given rows (sorted by n). */
  public static Slope slope(List<Row> rows, ToDoubleFunction<Row> y) {
    List<Row> r = new ArrayList<>(rows);
    r.sort(Comparator.comparingInt(Row::n));
    double[] x = new double[r.size()], v = new double[r.size()];
    for (int i = 0; i < r.size(); i++) {
      x[i] = r.get(i).n();
      v[i] = y.applyAsDouble(r.get(i));
    }
    PowerLaw fit = x.length >= PowerLaw.MIN_POINTS ? PowerLaw.fit(x, v) : null;
    int k = x.length;
    double local =
        k >= 2 ? Math.log(v[k - 1] / v[k - 2]) / Math.log(x[k - 1] / x[k - 2]) : Double.NaN;
    return new Slope(fit, local);
  }

  /** The rows of one order and batch, by n. */
  public static List<Row> series(List<Row> rows, TokenOrder order, int batch) {
    List<Row> out = new ArrayList<>();
    for (Row r : rows) if (r.order() == order && r.batch() == batch) out.add(r);
    out.sort(Comparator.comparingInt(Row::n));
    return out;
  }

  /** The columns of {@link #slopeRows}. */
  public static final List<String> SLOPE_HEADER =
      List.of("series", "sides", "fit_slope", "fit_r", "last_step_slope");

  /**
   * One curve of the report: its CSV key, its legend, whether it is a time (left panel) or a FLOP
   * count (right panel), its rows by n and its value.
   */
  private record Curve(
      String key, String legend, boolean time, List<Row> rows, ToDoubleFunction<Row> y) {}

  /**
   * Every curve: the measured seconds per image of each order and batch ({@code time <order>
   * b<batch>}), then the counted FLOPs per image of next-scale and raster order with the cache and
   * of raster order without it ({@code flops <order>}, {@code flops raster without cache}).
   */
  private static List<Curve> curves(List<Row> rows) {
    List<Curve> out = new ArrayList<>();
    for (int batch : batches(rows)) {
      for (TokenOrder o : List.of(TokenOrder.NEXT_SCALE, TokenOrder.RASTER)) {
        List<Row> s = series(rows, o, batch);
        String name = SamplingComplexity.name(o);
        if (!s.isEmpty())
          out.add(
              new Curve(
                  "time " + name + " b" + batch,
                  name + ", batch " + batch,
                  true,
                  s,
                  Row::secondsPerImage));
      }
    }
    int b0 = batches(rows).first();
    List<Row> ns = series(rows, TokenOrder.NEXT_SCALE, b0);
    List<Row> ra = series(rows, TokenOrder.RASTER, b0);
    if (!ns.isEmpty())
      out.add(new Curve("flops next-scale", "next-scale, KV cache", false, ns, r -> r.flops()));
    if (!ra.isEmpty()) {
      out.add(new Curve("flops raster", "raster, KV cache", false, ra, r -> r.flops()));
      out.add(
          new Curve(
              "flops raster without cache",
              "raster, no cache",
              false,
              ra,
              r -> r.flopsWithoutCache()));
    }
    return out;
  }

  /** The slopes of every curve ({@link #curves}) as CSV rows keyed by the curve. */
  public static Map<String, Map<String, String>> slopeRows(List<Row> rows) {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    for (Curve c : curves(rows)) {
      Slope sl = slope(c.rows(), c.y());
      Map<String, String> r = new LinkedHashMap<>();
      r.put("series", c.key());
      StringBuilder sides = new StringBuilder();
      for (Row x : c.rows()) sides.append(sides.length() == 0 ? "" : " ").append(x.n());
      r.put("sides", sides.toString());
      r.put(
          "fit_slope",
          sl.fit() == null ? "" : String.format(Locale.ROOT, "%.4f", sl.fit().alpha()));
      r.put(
          "fit_r", sl.fit() == null ? "" : String.format(Locale.ROOT, "%.5f", sl.fit().pearsonR()));
      r.put(
          "last_step_slope",
          Double.isNaN(sl.local()) ? "" : String.format(Locale.ROOT, "%.4f", sl.local()));
      out.put(c.key(), r);
    }
    return out;
  }

  /**
   * Two panels side by side: seconds per image against n (one line per order and batch), and FLOPs
   * per image against n (next-scale and raster with the cache, raster without it), each legend
   * entry with its slopes.
   */
  public static BufferedImage figure(List<Row> rows) {
    Map<String, double[][]> time = new LinkedHashMap<>(), flops = new LinkedHashMap<>();
    for (Curve c : curves(rows)) {
      String legend = c.legend() + " (" + slope(c.rows(), c.y()).label() + ")";
      (c.time() ? time : flops).put(legend, xy(c.rows(), c.y()));
    }
    List<BufferedImage> tiles = new ArrayList<>();
    tiles.add(
        Charts.toImage(
            Charts.logLogSeries(
                "Sampling time per image (transformer, CFG, measured)",
                "token map side n",
                "seconds per image",
                time,
                640,
                480)));
    tiles.add(
        Charts.toImage(
            Charts.logLogSeries(
                "Sampling FLOPs per image (counted from the shapes)",
                "token map side n",
                "FLOPs per image",
                flops,
                640,
                480)));
    return ImageGrid.of(tiles).columns(2).scale(1).build();
  }

  /**
   * A Markdown table: for each n and batch, seconds per image of both orders, their ratio (raster /
   * next-scale: how many times faster next-scale is), the steps and the FLOP ratio.
   */
  public static String table(List<Row> rows) {
    StringBuilder sb =
        new StringBuilder(
            "| n | batch | next-scale steps | raster steps | next-scale s/image | raster s/image |"
                + " speed-up | FLOPs raster/next-scale (cache) | (raster without cache) |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
    TreeSet<Integer> ns = new TreeSet<>();
    for (Row r : rows) ns.add(r.n());
    for (int n : ns) {
      for (int batch : batches(rows)) {
        Row v = find(rows, TokenOrder.NEXT_SCALE, n, batch);
        Row r = find(rows, TokenOrder.RASTER, n, batch);
        if (v == null || r == null) continue;
        sb.append(
            String.format(
                Locale.ROOT,
                "| %d | %d | %d | %d | %.4g | %.4g | %.1f× | %.2f | %.1f |%n",
                n,
                batch,
                v.steps(),
                r.steps(),
                v.secondsPerImage(),
                r.secondsPerImage(),
                r.secondsPerImage() / v.secondsPerImage(),
                r.flops() / (double) v.flops(),
                r.flopsWithoutCache() / (double) v.flops()));
      }
    }
    return sb.toString();
  }

  private static Row find(List<Row> rows, TokenOrder o, int n, int batch) {
    for (Row r : rows) if (r.order() == o && r.n() == n && r.batch() == batch) return r;
    return null;
  }

  private static TreeSet<Integer> batches(List<Row> rows) {
    TreeSet<Integer> b = new TreeSet<>();
    for (Row r : rows) b.add(r.batch());
    if (b.isEmpty()) throw new IllegalArgumentException("no rows");
    return b;
  }

  private static double[][] xy(List<Row> s, ToDoubleFunction<Row> y) {
    double[][] xy = new double[2][s.size()];
    for (int i = 0; i < s.size(); i++) {
      xy[0][i] = s.get(i).n();
      xy[1][i] = y.applyAsDouble(s.get(i));
    }
    return xy;
  }
}
