package io.github.var4j.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.var4j.sample.TokenPruning;
import io.github.var4j.scale.ScaleSchedule;
import org.junit.jupiter.api.Test;

/** Token counts of the faster-sampling benchmark, known answers on the official 256-px schedule. */
class FasterSamplingBenchmarkTest {
  @Test
  void countsTheTokensThatGoThroughTheBlocks() {
    ScaleSchedule pns = SamplingComplexity.varSchedule(16); // 1 2 3 4 5 6 8 10 13 16: L = 680
    assertEquals(680, FasterSamplingBenchmark.computed(pns, null));
    // last two scales at keep 1/2: 169 - floor(84.5) = 85 and 256 - 128 = 128 of 425
    assertEquals(
        680 - 425 + 85 + 128,
        FasterSamplingBenchmark.computed(pns, TokenPruning.lastScales(0.5, 2, 10)));
    assertEquals(680, FasterSamplingBenchmark.computed(pns, TokenPruning.lastScales(1, 2, 10)));
  }
}
