package io.github.var4j.quant;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.testutil.Fixtures;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PhiIndexTest {
  private static int[] ints(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
  }

  /** phi_index_maps of the manifest: {"[patch nums]": [[index per scale], [ticks]]} for share_quant_resi = 4. */
  @Test
  void matchesManifestPhiIndexMaps() {
    String m = Fixtures.manifest();
    int from = m.indexOf("\"phi_index_maps\"");
    assertTrue(from >= 0, "manifest has phi_index_maps");
    String block = m.substring(from, m.indexOf("\"lr_wd_schedule_samples\"", from));
    Matcher e = Pattern.compile("\"\\[([0-9, ]+)]\"\\s*:\\s*\\[\\s*\\[([^\\]]*)]\\s*,\\s*\\[([^\\]]*)]\\s*]").matcher(block);
    int n = 0;
    boolean saw512 = false;
    while (e.find()) {
      int[] pn = ints(e.group(1));
      int[] expected = ints(e.group(2));
      double[] ticks = Arrays.stream(e.group(3).split(",")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
      assertArrayEquals(expected, PhiIndex.forScales(pn.length, 4), "phi index for " + Arrays.toString(pn));
      assertArrayEquals(ticks, PhiIndex.ticks(4), 0.0, "ticks (bit-exact)");
      assertArrayEquals(expected, new QuantizerConfig(64, 8, ScaleSchedule.of(pn), 0.25, 0.5, 4).phiIndex());
      saw512 |= Arrays.equals(pn, ScaleSchedule.px512().toArray());
      n++;
    }
    assertEquals(4, n, "K=4, 10 (256 and 512 schedules), 14");
    assertTrue(saw512);
    // hard-coded tables of VAR-SPEC §2 (the K=10 entries are float64 ties)
    assertArrayEquals(new int[] {0, 0, 1, 1, 1, 2, 2, 3, 3, 3}, PhiIndex.forScales(10, 4));
    assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3}, PhiIndex.forScales(14, 4));
    assertArrayEquals(new int[] {0, 1, 2, 3}, PhiIndex.forScales(4, 4));
  }

  @Test
  void sharedAndNonSharedVariants() {
    assertArrayEquals(new int[10], PhiIndex.forScales(10, 1));
    // non-shared with K=10: ticks linspace(1/20, 19/20, 10) -> each scale its own Phi
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, PhiIndex.forScales(10, 0));
    // non-shared with K=4 uses the 1/3/K ticks -> identity as well
    assertArrayEquals(new int[] {0, 1, 2, 3}, PhiIndex.forScales(4, 0));
    // 2 partially shared Phis over 4 scales: ticks [.25, .75]; at 1/3 -> 0, 2/3 -> 1
    assertArrayEquals(new int[] {0, 0, 1, 1}, PhiIndex.forScales(4, 2));
    assertArrayEquals(new double[] {0.25, 0.75}, PhiIndex.ticks(2), 0.0);
    assertArrayEquals(new int[] {0}, PhiIndex.forScales(1, 4));
    assertThrows(IllegalArgumentException.class, () -> PhiIndex.forScales(0, 4));
  }
}
