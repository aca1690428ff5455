package io.github.var4j.eval;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.quant.CodebookUsage;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.store.RunDir;
import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class TokenizerReportTest {
  private static final TokenizerReport.Metrics METRICS =
      new TokenizerReport.Metrics(
          25.5,
          100,
          List.of(
              new CodebookUsage.Scale(3, 100, 0.75, 2.5),
              new CodebookUsage.Scale(40, 400, 10.0, 30.0)));

  @Test
  void usageTableHasOneRowPerScale() {
    Table t = TokenizerReport.usageTable(METRICS, ScaleSchedule.of(1, 2));
    assertEquals("codebook usage per scale (100 test images)", t.name());
    assertEquals(2, t.rowCount());
    assertEquals("2x2", t.stringColumn("token map").get(1));
    assertEquals(40, t.intColumn("codes used").get(1));
    assertEquals(10.0, t.doubleColumn("usage %").get(1));
    assertThrows(
        IllegalArgumentException.class,
        () -> TokenizerReport.usageTable(METRICS, ScaleSchedule.of(1, 2, 3)));
  }

  @Test
  void summaryTableWithAndWithoutTrainingTime() {
    Table without = TokenizerReport.summaryTable("tok", METRICS, null);
    assertEquals("tok", without.name());
    assertEquals(
        List.of("test PSNR (dB)", "test images", "usage, last scale (%)"),
        without.stringColumn("metric").asList());
    assertEquals(10.0, without.doubleColumn("value").get(2));
    Table with =
        TokenizerReport.summaryTable("tok", METRICS, new RunDir.TrainingTime(600, 3000, 2));
    assertEquals(6, with.rowCount());
    assertEquals(3000.0, with.doubleColumn("value").get(3)); // steps
    assertEquals(10.0, with.doubleColumn("value").get(4)); // minutes
    // a resumed run whose first session recorded no time: 500 of 3,000 steps timed
    Table partly =
        TokenizerReport.summaryTable("tok", METRICS, new RunDir.TrainingTime(600, 500, 2), 3000);
    assertEquals(
        List.of(
            "test PSNR (dB)",
            "test images",
            "usage, last scale (%)",
            "training steps",
            "timed steps",
            "time of the timed steps (min)",
            "training CPU cores"),
        partly.stringColumn("metric").asList());
    assertEquals(3000.0, partly.doubleColumn("value").get(3));
    assertEquals(500.0, partly.doubleColumn("value").get(4));
  }
}
