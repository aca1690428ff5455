package io.github.var4j.app;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.app.SamplingComplexity.Row;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.transformer.Flops;
import io.github.var4j.transformer.TokenOrder;
import io.github.var4j.transformer.VarConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The complexity benchmark's bookkeeping: the schedules, the rows' CSV round trip, the slopes
 * (known answers on exact powers of n) and the counted FLOPs' growth with n. The timing itself is a
 * benchmark command ({@code bench-complexity}), not a test.
 */
class SamplingComplexityTest {
  private static final SamplingComplexity.Model D4 =
      new SamplingComplexity.Model(4, 128, 2, 512, 16, 10);

  @Test
  void schedulesEndAtTheSideAndTheOfficialOnesAreUsed() {
    for (int n : new int[] {4, 8, 16, 32}) {
      assertEquals(n, SamplingComplexity.varSchedule(n).latentSide());
      assertEquals(ScaleSchedule.of(n), SamplingComplexity.schedule(TokenOrder.RASTER, n));
    }
    assertEquals(ScaleSchedule.px256(), SamplingComplexity.varSchedule(16));
    assertEquals(ScaleSchedule.px512(), SamplingComplexity.varSchedule(32));
    assertEquals(
        "no scale schedule ends at side 12: use 4, 8, 16 or 32",
        assertThrows(IllegalArgumentException.class, () -> SamplingComplexity.varSchedule(12))
            .getMessage());
    VarConfig raster =
        D4.config(SamplingComplexity.schedule(TokenOrder.RASTER, 16), TokenOrder.RASTER);
    assertEquals(256, raster.numSteps());
    assertEquals(128, raster.embedDim());
    assertEquals(10, D4.config(ScaleSchedule.px256(), TokenOrder.NEXT_SCALE).numSteps());
  }

  @Test
  void rowsSurviveTheirCsvAndTheMedianIsTheMiddleTime() {
    Row r =
        new Row(
            TokenOrder.RASTER,
            16,
            64,
            256,
            256,
            1322504L,
            123L,
            4567L,
            12.5,
            new double[] {3, 1, 2});
    assertEquals(2, r.medianSeconds());
    assertEquals(2.0 / 64, r.secondsPerImage(), 1e-15);
    assertEquals("raster-n16-b64", r.csv().get("run"));
    assertEquals(SamplingComplexity.HEADER, List.copyOf(r.csv().keySet()));
    Row back = SamplingComplexity.parse(r.csv());
    assertEquals(r.order(), back.order());
    assertEquals(r.n(), back.n());
    assertEquals(r.flopsWithoutCache(), back.flopsWithoutCache());
    assertArrayEquals(r.timed(), back.timed(), 0);
    Row even =
        new Row(TokenOrder.NEXT_SCALE, 4, 1, 4, 30, 1L, 1L, 1L, 0, new double[] {4, 1, 3, 2});
    assertEquals(2.5, even.medianSeconds());
    assertEquals("next-scale-n4-b1", even.csv().get("run"));
  }

  @Test
  void slopesOfExactPowersAreTheirExponents() {
    List<Row> rows = new ArrayList<>();
    for (int n : new int[] {4, 8, 16, 32}) {
      double t = Math.pow(n, 4) * 1e-6; // seconds per batch of 1
      long f = (long) Math.pow(n, 2) * 1000;
      rows.add(
          new Row(TokenOrder.RASTER, n, 1, n * n, n * n, 1, f, f * n * n, 0, new double[] {t}));
    }
    ComplexityReport.Slope s = ComplexityReport.slope(rows, Row::secondsPerImage);
    assertEquals(4, s.fit().alpha(), 1e-9);
    assertEquals(4, s.local(), 1e-9);
    assertEquals(1, s.fit().pearsonR(), 1e-12);
    assertEquals("slope 4.00, last step 4.00", s.label());
    assertEquals(4, ComplexityReport.slope(rows, r -> r.flopsWithoutCache()).local(), 1e-9);
    var table = ComplexityReport.slopeRows(rows);
    assertEquals(
        List.of("time raster b1", "flops raster", "flops raster without cache"),
        List.copyOf(table.keySet()));
    assertEquals("4.0000", table.get("time raster b1").get("fit_slope"));
    assertEquals("2.0000", table.get("flops raster").get("last_step_slope"));
    assertEquals("4 8 16 32", table.get("flops raster").get("sides"));
    assertEquals(ComplexityReport.SLOPE_HEADER, List.copyOf(table.get("flops raster").keySet()));
    ComplexityReport.Slope two = ComplexityReport.slope(rows.subList(0, 2), r -> r.flops());
    assertNull(two.fit());
    assertEquals("last step 2.00", two.label());
  }

  /**
   * The counted FLOPs follow the theory: raster without a cache grows towards n⁶, with a cache
   * towards n⁴, both slower at small n, where the per-token matmuls (n²) dominate. With a cache,
   * next-scale order counts more FLOPs than raster order (its L = Σ pn² tokens exceed the n² of the
   * map); what it saves is sequential steps.
   */
  @Test
  void countedFlopsGrowAsTheTheorySays() {
    double[] uncached = new double[4], cached = new double[4], next = new double[4];
    int[] ns = {4, 8, 16, 32};
    for (int i = 0; i < 4; i++) {
      VarConfig r = D4.config(ScaleSchedule.of(ns[i]), TokenOrder.RASTER);
      VarConfig v = D4.config(SamplingComplexity.varSchedule(ns[i]), TokenOrder.NEXT_SCALE);
      uncached[i] = Flops.samplingWithoutCache(r);
      cached[i] = Flops.sampling(r);
      next[i] = Flops.sampling(v);
    }
    double lastUncached = Math.log(uncached[3] / uncached[2]) / Math.log(2);
    double lastCached = Math.log(cached[3] / cached[2]) / Math.log(2);
    assertTrue(lastUncached > 4 && lastUncached < 6, "uncached slope " + lastUncached);
    assertTrue(lastCached > 2 && lastCached < 4, "cached slope " + lastCached);
    assertTrue(lastUncached > lastCached + 1);
    for (int i = 0; i < 4; i++) assertTrue(next[i] > cached[i], "n = " + ns[i]);
  }
}
