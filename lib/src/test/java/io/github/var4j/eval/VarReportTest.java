package io.github.var4j.eval;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.train.VarEvaluator;
import io.github.var4j.train.VarTrainer;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.viz.AttentionMaskView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import tech.tablesaw.api.Table;

class VarReportTest {
  @TempDir Path tmp;

  Path metrics() throws Exception {
    StringBuilder sb = new StringBuilder(String.join(",", VarTrainer.METRICS_HEADER)).append('\n');
    for (int s = 1; s <= 10; s++)
      sb.append(s)
          .append(",0.001,")
          .append(7 - s * 0.5)
          .append(',')
          .append(s * 5)
          .append(",1,0.5\n");
    sb.append("11,0.0"); // torn last line
    Path f = tmp.resolve("metrics.csv");
    Files.writeString(f, sb.toString());
    return f;
  }

  Path eval() throws Exception {
    Path f = tmp.resolve("eval.csv");
    Files.writeString(
        f,
        String.join(",", VarTrainer.EVAL_HEADER)
            + "\n"
            + "0,0,5e-06,,,6.2,0.2,6.3,0.1\n"
            + "5,0.5,0.001,5.5,15,5.0,12,5.5,9\n"
            + "10,1,1e-05,3,40,4.0,30,4.5,20\n");
    return f;
  }

  @Test
  void readsCsvsWithMissingCellsAndTornLines() throws Exception {
    Map<String, double[]> m = VarReport.readCsv(metrics());
    assertEquals(VarTrainer.METRICS_HEADER, List.copyOf(m.keySet()));
    assertEquals(10, m.get("step").length);
    assertEquals(2.0, m.get("loss")[9]);
    Map<String, double[]> e = VarReport.readCsv(eval());
    assertTrue(Double.isNaN(e.get("train_loss")[0]));
    Map<String, Double> last = VarReport.lastEval(eval());
    assertEquals(10.0, last.get("step"));
    assertEquals(30.0, last.get("test_acc"));
    assertEquals(20.0, last.get("test_acc_tail"));
  }

  @Test
  void windowMeansSkipNaNAndKeepThePartialWindow() {
    double[][] xy =
        VarReport.windowMeans(
            new double[] {1, 2, 3, 4, 5}, new double[] {1, Double.NaN, 3, 5, 8}, 2);
    assertArrayEquals(new double[] {2, 4, 5}, xy[0]);
    assertArrayEquals(new double[] {1, 4, 8}, xy[1]);
    assertEquals(5, VarReport.windowFor(1000, 200));
    assertEquals(1, VarReport.windowFor(10, 200));
  }

  @Test
  void lossAndAccuracyChartsHaveTrainAndTestSeries() throws Exception {
    XYChart loss = VarReport.lossChart(metrics(), eval(), 5);
    assertEquals(
        List.of("train (mean of 5 steps)", "test, all scales", "test, last scale"),
        loss.getSeriesCollection().stream().map(x -> x.getName()).toList());
    XYSeries train = loss.getSeries("train (mean of 5 steps)");
    assertArrayEquals(new double[] {5, 10}, train.getXData());
    assertArrayEquals(
        new double[] {5.5, 3.0}, train.getYData(), 1e-12); // mean of 6.5..4.5, 4.0..2.0
    assertArrayEquals(new double[] {6.2, 5.0, 4.0}, loss.getSeries("test, all scales").getYData());
    XYChart acc = VarReport.accuracyChart(null, eval(), 1);
    assertEquals(
        List.of("train (mean since previous eval)", "test, all scales", "test, last scale"),
        acc.getSeriesCollection().stream().map(x -> x.getName()).toList());
    assertArrayEquals(
        new double[] {5, 10}, acc.getSeries("train (mean since previous eval)").getXData());
    assertArrayEquals(new double[] {0.1, 9, 20}, acc.getSeries("test, last scale").getYData());
    assertTrue(VarReport.lossChart(null, eval(), 1).getTitle().contains("cross-entropy"));
  }

  @Test
  void metricsTablesAndCsv() {
    VarConfig cfg = VarConfig.ofDepth(2, 64, 8, 10, ScaleSchedule.of(1, 2, 3, 4));
    var ev = new VarEvaluator.Result(2.5, 40.25, 3.0, 30.0, 100);
    Map<String, Double> m = VarReport.finalMetrics(cfg, 12345, ev, 200, 90);
    assertEquals(
        List.of(
            "depth",
            "width",
            "heads",
            "params",
            "tokens_per_image",
            "steps",
            "train_minutes",
            "test_images",
            "test_loss",
            "test_acc_pct",
            "test_loss_last_scale",
            "test_acc_last_scale_pct",
            "test_perplexity"),
        List.copyOf(m.keySet()));
    assertEquals(Math.exp(2.5), m.get("test_perplexity"), 1e-12);
    assertEquals(1.5, m.get("train_minutes"));
    String csv = VarReport.metricsCsv(m);
    assertTrue(
        csv.startsWith(
            "metric,value\ndepth,2\nwidth,128\nheads,2\nparams,12345\ntokens_per_image,30\n"),
        csv);
    assertTrue(csv.contains("\ntest_acc_pct,40.2500\n"), csv);
    Table t = VarReport.metricsTable("final", m);
    assertEquals("final", t.name());
    assertEquals(m.size(), t.rowCount());
    Table s = VarReport.scalesTable(ScaleSchedule.of(1, 2, 3, 4));
    assertEquals(4, s.rowCount());
    assertEquals(30, s.intColumn("visible keys").get(3));
    assertEquals("3x3", s.stringColumn("token map").get(2));
    Map<String, Double> noEval = VarReport.finalMetrics(cfg, 1, null, 2, Double.NaN);
    assertEquals(new LinkedHashMap<>(Map.of()).getClass(), noEval.getClass());
    assertFalse(noEval.containsKey("train_minutes"));
    assertFalse(noEval.containsKey("test_loss"));
  }

  @Test
  void metricsCsvReadsBackAndEvalHistoryTable() throws Exception {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("steps", 2000.0);
    m.put("train_minutes", 29.5553);
    m.put("test_loss", 2.06848);
    Path f = tmp.resolve("results.csv");
    Files.writeString(f, VarReport.metricsCsv(m) + "note,n/a\n\n");
    Map<String, Double> back = VarReport.readMetricsCsv(f);
    assertEquals(
        List.of("steps", "train_minutes", "test_loss", "note"), List.copyOf(back.keySet()));
    assertEquals(29.5553, back.get("train_minutes"), 1e-12);
    assertTrue(Double.isNaN(back.get("note")));
    Path bad = tmp.resolve("bad.csv");
    Files.writeString(bad, "step,loss\n1,2\n");
    var e = assertThrows(java.io.IOException.class, () -> VarReport.readMetricsCsv(bad));
    assertTrue(e.getMessage().contains("not a metric,value CSV"), e.getMessage());
    assertThrows(java.io.IOException.class, () -> VarReport.readMetricsCsv(tmp.resolve("none")));

    Table t = VarReport.evalTable(eval());
    assertEquals(3, t.rowCount());
    assertEquals(
        List.of("step", "epoch", "test loss", "test acc %", "last-scale loss", "last-scale acc %"),
        t.columnNames());
    assertEquals(10L, t.longColumn("step").get(2));
    assertEquals(30.0, t.doubleColumn("test acc %").get(2));
    assertTrue(t.name().startsWith("evaluations during training"), t.name());
  }

  @Test
  void maskPictureAndTokensPerScale() {
    ScaleSchedule pns = ScaleSchedule.of(1, 2, 3);
    var img = VarReport.attentionMask(pns, 4);
    assertTrue(img.getWidth() >= AttentionMaskView.side(pns, 4), "width " + img.getWidth());
    var chart = VarReport.tokensPerScale(pns);
    assertArrayEquals(new double[] {1, 4, 9}, chart.getSeries("tokens").getYData());
  }
}
