package io.github.var4j.optim;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.testutil.Fixtures;
import io.github.var4j.transformer.MiniJson;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** lr_wd_annealing against the manifest's lr_wd_schedule_samples (official Python values). */
class LrScheduleTest {

  private static void close(double expected, double actual, String what) {
    double tol = 1e-12 * Math.abs(expected);
    assertTrue(Math.abs(expected - actual) <= tol, what + ": expected " + expected + ", got " + actual);
  }

  @Test
  @SuppressWarnings("unchecked")
  void matchesEveryOfficialSample() {
    List<Object> samples = (List<Object>) MiniJson.at(MiniJson.parse(Fixtures.manifest()), "lr_wd_schedule_samples");
    assertEquals(4, samples.size());
    int rows = 0;
    double worst = 0;
    for (Object o : samples) {
      Map<String, Object> m = (Map<String, Object>) o;
      LrSchedule sch = new LrSchedule((String) m.get("sche"), (Double) m.get("peak_lr"), (Double) m.get("wp_it"),
          ((Double) m.get("max_it")).longValue(), (Double) m.get("wp0"), (Double) m.get("wpe"), (Double) m.get("twd"),
          (Double) m.get("twde"));
      for (Object ro : (List<Object>) m.get("rows")) {
        Map<String, Object> row = (Map<String, Object>) ro;
        long it = ((Double) row.get("it")).longValue();
        LrSchedule.Values v = sch.at(it);
        String what = sch.sche() + " wpe " + sch.wpe() + " twde " + sch.twde() + " it " + it;
        close((Double) row.get("lr"), v.lr(), what + " lr");
        close((Double) row.get("wd_D"), v.wdD(), what + " wd_D");
        assertEquals((Double) row.get("wd_ND"), v.wdND(), what + " wd_ND");
        worst = Math.max(worst, Math.abs((Double) row.get("lr") - v.lr()) / (Double) row.get("lr"));
        rows++;
      }
    }
    assertEquals(40, rows);
    System.out.printf("schedule: %d rows, worst relative lr diff %.2e%n", rows, worst);
  }

  @Test
  @SuppressWarnings("unchecked")
  void reproducesTheAdamWFixtureLearningRate() {
    // var_train: lr_wd_annealing('lin0', it 10 of 100, wp 5) gave lr 9.96674e-4 for both groups
    Map<String, Object> notes = (Map<String, Object>) MiniJson.at(MiniJson.parse(Fixtures.manifest()), "notes",
        "adamw_step");
    List<Object> ret = (List<Object>) notes.get("lr_wd_annealing_return");
    double lr = (Double) ret.get(0);
    // pasd = (10 - 5) / (99 - 5) >= 0.05, so lr = peak * (wpe + (1 - wpe) * (1 - pasd) / 0.95) = 9.96674e-4 for
    // peak 1e-3 and wpe 0.01
    LrSchedule sch = new LrSchedule("lin0", 1e-3, 5, 100, 0.005, 0.01, 0.05, 0.05);
    close(lr, sch.at(10).lr(), "lr at it 10");
    close((Double) ret.get(3), sch.at(10).wdD(), "wd at it 10");
  }

  @Test
  void validatesArguments() {
    var e1 = assertThrows(IllegalArgumentException.class, () -> new LrSchedule("step", 1e-3, 5, 100, 0.005, 0.01, 0.05, 0.05));
    assertEquals("unknown schedule type 'step' (expected lin0, lin, lin00, lin<T>, cos, exp)", e1.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class, () -> LrSchedule.official(1e-3, 10, 11));
    assertEquals("maxIt must be greater than round(wpIt) + 1, got maxIt=11, wpIt=10.0", e2.getMessage());
    var e3 = assertThrows(IllegalArgumentException.class, () -> LrSchedule.official(0, 10, 100));
    assertEquals("peakLr must be positive, got 0.0", e3.getMessage());
    var e4 = assertThrows(IllegalArgumentException.class, () -> new LrSchedule("lin1.5", 1e-3, 5, 100, 0.005, 0.01, 0.05, 0.05));
    assertEquals("schedule 'lin1.5': T must be in (0, 1), got 1.5", e4.getMessage());
  }

  @Test
  void officialShapeAndPeakLrRule() {
    assertEquals(3e-4, LrSchedule.peakLr(1e-4, 768, 1), 1e-18);
    LrSchedule s = LrSchedule.official(3e-4, 2.5, 1000); // wp_it = round(2.5) = 2 (half to even, like Python)
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
