package io.github.var4j.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SampleOptionsTest {
  /** The setting of the committed quality table's "VAR + CFG" row. */
  @Test
  void standardIsTheQualityTableSetting() {
    assertEquals(
        SampleOptions.builder()
            .cfg(1.5)
            .topK(100)
            .topP(0.96)
            .moreSmooth(false)
            .seed(7)
            .greedy(false)
            .build(),
        SampleOptions.standard(7));
    assertEquals("cfg=1.5 k=100 p=0.96", SampleOptions.standard(0).label());
  }
}
