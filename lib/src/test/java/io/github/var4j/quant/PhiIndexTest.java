package io.github.var4j.quant;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.testutil.Fixtures;
import io.github.var4j.testutil.TinyFixture;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PhiIndexTest {
  private static int[] ints(JsonNode a) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) out[i] = a.get(i).asInt();
    return out;
  }

  private static int[] ints(String csv) {
    return Arrays.stream(csv.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .mapToInt(Integer::parseInt)
        .toArray();
  }

  /**
   * phi_index_maps of the manifest: {"[patch nums]": [[index per scale], [ticks]]} for the
   * fixtures' share_quant_resi; they include the fixtures' own schedule and the official 512px
   * schedule.
   */
  @Test
  void matchesManifestPhiIndexMaps() {
    TinyFixture t = TinyFixture.get();
    int share = t.shareQuantResi();
    JsonNode maps = Fixtures.manifestJson().get("phi_index_maps");
    assertTrue(maps != null && maps.isObject() && maps.size() > 0, "manifest has phi_index_maps");
    boolean sawTiny = false, saw512 = false;
    for (Iterator<Map.Entry<String, JsonNode>> it = maps.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      assertTrue(key.startsWith("[") && key.endsWith("]"), "phi_index_maps key " + key);
      int[] pn = ints(key.substring(1, key.length() - 1));
      int[] expected = ints(e.getValue().get(0));
      double[] ticks = new double[e.getValue().get(1).size()];
      for (int i = 0; i < ticks.length; i++) ticks[i] = e.getValue().get(1).get(i).asDouble();
      assertArrayEquals(expected, PhiIndex.forScales(pn.length, share), "phi index for " + key);
      assertArrayEquals(ticks, PhiIndex.ticks(share), 0.0, "ticks (bit-exact)");
      assertArrayEquals(expected, t.quantizerConfig(pn).phiIndex());
      sawTiny |= Arrays.equals(pn, t.patchNums());
      saw512 |= Arrays.equals(pn, ScaleSchedule.px512().toArray());
    }
    assertTrue(
        sawTiny,
        "phi_index_maps covers the fixtures' patch_nums " + Arrays.toString(t.patchNums()));
    assertTrue(saw512, "phi_index_maps covers the 512px schedule");
    // hard-coded tables of the official models/quant.py Phi sharing (share_quant_resi 4; the K=10
    // entries are float64
    // ties)
    assertArrayEquals(new int[] {0, 0, 1, 1, 1, 2, 2, 3, 3, 3}, PhiIndex.forScales(10, 4));
    assertArrayEquals(
        new int[] {0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3}, PhiIndex.forScales(14, 4));
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
