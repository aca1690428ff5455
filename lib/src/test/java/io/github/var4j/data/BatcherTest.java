package io.github.var4j.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BatcherTest {

  @Test
  void epochIsAPermutationCutIntoBatches() {
    Batcher b = new Batcher(10, 4, false, 1L);
    assertEquals(3, b.batchesPerEpoch());
    int[][] e = b.epoch(0);
    assertEquals(3, e.length);
    assertEquals(4, e[0].length);
    assertEquals(4, e[1].length);
    assertEquals(2, e[2].length);
    int[] all = Arrays.stream(e).flatMapToInt(Arrays::stream).sorted().toArray();
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, all);
    assertArrayEquals(b.permutation(0), Arrays.stream(e).flatMapToInt(Arrays::stream).toArray());
  }

  @Test
  void dropLastDropsTheShortBatch() {
    Batcher b = new Batcher(10, 4, true, 1L);
    assertEquals(2, b.batchesPerEpoch());
    int[][] e = b.epoch(3);
    assertEquals(2, e.length);
    for (int[] batch : e) assertEquals(4, batch.length);
    assertEquals(8, Arrays.stream(e).flatMapToInt(Arrays::stream).distinct().count());
    assertEquals(
        "batchSize 11 > n 10 with dropLast leaves no batches",
        assertThrows(IllegalArgumentException.class, () -> new Batcher(10, 11, true, 0))
            .getMessage());
  }

  @Test
  void deterministicPerSeedAndEpochAndDifferentAcrossEpochs() {
    Batcher a = new Batcher(1000, 32, true, 7L);
    Batcher b = new Batcher(1000, 32, true, 7L);
    assertArrayEquals(a.permutation(5), b.permutation(5));
    assertFalse(Arrays.equals(a.permutation(0), a.permutation(1)));
    assertFalse(Arrays.equals(a.permutation(0), new Batcher(1000, 32, true, 8L).permutation(0)));
    // actually shuffled: far from the identity
    int[] p = a.permutation(0);
    int fixed = 0;
    for (int i = 0; i < p.length; i++) if (p[i] == i) fixed++;
    assertTrue(fixed < 10, "fixed points: " + fixed);
  }

  @Test
  void globalStepAddressingMatchesEpochs() {
    Batcher b = new Batcher(10, 3, true, 2L); // 3 batches per epoch
    int[][] e0 = b.epoch(0), e1 = b.epoch(1);
    assertArrayEquals(e0[0], b.batch(0));
    assertArrayEquals(e0[2], b.batch(2));
    assertArrayEquals(e1[0], b.batch(3));
    assertArrayEquals(
        e1[1], new Batcher(10, 3, true, 2L).batch(4)); // a fresh (resumed) batcher agrees
    assertEquals(1, b.epochOf(5));
    assertEquals(2, b.epochOf(6));
  }
}
