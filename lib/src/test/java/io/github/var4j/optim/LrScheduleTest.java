package io.github.var4j.optim;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.var4j.testutil.Fixtures;
import org.junit.jupiter.api.Test;

/** lr_wd_annealing against the manifest's lr_wd_schedule_samples (official Python values). */
class LrScheduleTest {

  private static void close(double expected, double actual, String what) {
    double tol = 1e-12 * Math.abs(expected);
    assertTrue(
        Math.abs(expected - actual) <= tol, what + ": expected " + expected + ", got " + actual);
  }

  @Test
  void matchesEveryOfficialSample() {
    JsonNode samples = Fixtures.manifestJson().get("lr_wd_schedule_samples");
    assertTrue(
        samples != null && samples.isArray() && samples.size() > 0,
        "manifest has lr_wd_schedule_samples");
    int rows = 0;
    double worst = 0;
    for (JsonNode m : samples) {
      LrSchedule sch =
          LrSchedule.builder()
              .sche(m.get("sche").asText())
              .peakLr(m.get("peak_lr").asDouble())
              .wpIt(m.get("wp_it").asDouble())
              .maxIt(m.get("max_it").asLong())
              .wp0(m.get("wp0").asDouble())
              .wpe(m.get("wpe").asDouble())
              .twd(m.get("twd").asDouble())
              .twde(m.get("twde").asDouble())
              .build();
      assertTrue(m.get("rows").size() > 0, "rows of " + m);
      for (JsonNode row : m.get("rows")) {
        long it = row.get("it").asLong();
        LrSchedule.Values v = sch.at(it);
        String what = sch.sche() + " wpe " + sch.wpe() + " twde " + sch.twde() + " it " + it;
        double lr = row.get("lr").asDouble();
        close(lr, v.lr(), what + " lr");
        close(row.get("wd_D").asDouble(), v.wdD(), what + " wd_D");
        assertEquals(row.get("wd_ND").asDouble(), v.wdND(), what + " wd_ND");
        worst = Math.max(worst, Math.abs(lr - v.lr()) / lr);
        rows++;
      }
    }
    System.out.printf(
        "schedule: %d samples, %d rows, worst relative lr diff %.2e%n",
        samples.size(), rows, worst);
  }

  /**
   * The lr and wd of the var_train AdamW step (notes.adamw_step.lr_wd_annealing_return: lr of both
   * groups, then wd of both) come from the generator's lr_wd_annealing('lin0', peak 1e-3, it 10 of
   * 100, wp 5) (the official {@code utils/lr_control.lr_wd_annealing}; these schedule arguments are
   * not in the manifest).
   */
  @Test
  void reproducesTheAdamWFixtureLearningRate() {
    JsonNode ret =
        Fixtures.manifestJson().path("notes").path("adamw_step").path("lr_wd_annealing_return");
    assertEquals(4, ret.size(), "lr_wd_annealing_return: (lr, lr, wd, wd)");
    // pasd = (10 - 5) / (99 - 5) >= 0.05, so lr = peak * (wpe + (1 - wpe) * (1 - pasd) / 0.95) for
    // wpe 0.01
    LrSchedule sch =
        LrSchedule.builder()
            .sche("lin0")
            .peakLr(1e-3)
            .wpIt(5)
            .maxIt(100)
            .wp0(0.005)
            .wpe(0.01)
            .twd(0.05)
            .twde(0.05)
            .build();
    close(ret.get(0).asDouble(), sch.at(10).lr(), "lr at it 10");
    close(ret.get(3).asDouble(), sch.at(10).wdD(), "wd at it 10");
  }

  @Test
  void validatesArguments() {
    var e1 =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LrSchedule.builder()
                    .sche("step")
                    .peakLr(1e-3)
                    .wpIt(5)
                    .maxIt(100)
                    .wp0(0.005)
                    .wpe(0.01)
                    .twd(0.05)
                    .twde(0.05)
                    .build());
    assertEquals(
        "unknown schedule type 'step' (expected lin0, lin, lin00, lin<T>, cos, exp)",
        e1.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class, () -> LrSchedule.official(1e-3, 10, 11));
    assertEquals(
        "maxIt must be greater than round(wpIt) + 1, got maxIt=11, wpIt=10.0", e2.getMessage());
    var e3 = assertThrows(IllegalArgumentException.class, () -> LrSchedule.official(0, 10, 100));
    assertEquals("peakLr must be positive, got 0.0", e3.getMessage());
    var e4 =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LrSchedule.builder()
                    .sche("lin1.5")
                    .peakLr(1e-3)
                    .wpIt(5)
                    .maxIt(100)
                    .wp0(0.005)
                    .wpe(0.01)
                    .twd(0.05)
                    .twde(0.05)
                    .build());
    assertEquals("schedule 'lin1.5': T must be in (0, 1), got 1.5", e4.getMessage());
  }

  @Test
  void officialShapeAndPeakLrRule() {
    assertEquals(3e-4, LrSchedule.peakLr(1e-4, 768, 1), 1e-18);
    LrSchedule s =
        LrSchedule.official(3e-4, 2.5, 1000); // wp_it = round(2.5) = 2 (half to even, like Python)
    assertEquals(3e-4 * (0.005 + 0.995 * 1 / 2.0), s.at(1).lr(), 1e-18);
    assertEquals(3e-4, s.at(2).lr(), 1e-18);
    assertEquals(3e-4 * 0.01, s.at(999).lr(), 1e-15);
    // lr never increases after the warm-up
    double prev = Double.MAX_VALUE;
    for (long it = 2; it < 1000; it++) {
      double lr = s.at(it).lr();
      assertTrue(lr <= prev);
      prev = lr;
    }
  }
}
