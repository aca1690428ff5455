package io.github.var4j.quant;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class CodebookUsageTest {
  @Test
  void usageAndPerplexityKnownAnswers() {
    List<CodebookUsage.Scale> s =
        CodebookUsage.of(
            8, List.of(new int[] {3, 3}, new int[] {0, 1, 2, 3}, new int[] {0, 0, 1, 1}));
    assertEquals(1, s.get(0).distinct());
    assertEquals(12.5, s.get(0).usagePercent(), 1e-12);
    assertEquals(1.0, s.get(0).perplexity(), 1e-12);
    assertEquals(50.0, s.get(1).usagePercent(), 1e-12);
    assertEquals(4.0, s.get(1).perplexity(), 1e-12); // uniform over 4 codes
    assertEquals(2.0, s.get(2).perplexity(), 1e-12);
    assertEquals(4, s.get(2).tokens());
  }

  @Test
  void accumulatesOverBatches() {
    CodebookUsage u = new CodebookUsage(4, 2);
    u.add(List.of(new int[] {0}, new int[] {1, 1}));
    u.add(List.of(new int[] {1}, new int[] {2, 3}));
    assertEquals(50.0, u.usagePercent(0), 1e-12);
    assertEquals(75.0, u.usagePercent(1), 1e-12);
    assertArrayEquals(new long[] {0, 2, 1, 1}, u.counts(1));
    assertEquals(
        Math.exp(-(0.5 * Math.log(0.5) + 2 * 0.25 * Math.log(0.25))), u.perplexity(1), 1e-12);
    assertEquals(0.0, new CodebookUsage(4, 1).perplexity(0));
    assertEquals(
        "token 4 outside [0, 4)",
        assertThrows(IllegalArgumentException.class, () -> u.add(0, new int[] {4})).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new CodebookUsage(1, 1));
  }
}
