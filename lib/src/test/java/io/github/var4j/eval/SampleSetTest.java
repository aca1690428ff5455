package io.github.var4j.eval;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.io.Npy;
import io.github.var4j.io.Npz;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The uint8 sample sets and their .npz interchange (guided-diffusion layout). */
class SampleSetTest {
  @TempDir Path tmp;

  private static SampleSet small() {
    float[] x = new float[3 * 2 * 2];
    for (int i = 0; i < x.length; i++) x[i] = i / (float) (x.length - 1);
    return SampleSet.ofUnitFloats(x, 3, 2, 1, new int[] {0, 2, 1});
  }

  @Test
  void quantisesToUint8AndBack() {
    SampleSet s = SampleSet.ofUnitFloats(new float[] {0f, 1f, 0.5f, -0.2f}, 1, 2, 1, null);
    assertEquals(0, s.pixel(0, 0, 0, 0));
    assertEquals(255, s.pixel(0, 0, 1, 0));
    assertEquals(128, s.pixel(0, 1, 0, 0)); // round(127.5)
    assertEquals(0, s.pixel(0, 1, 1, 0)); // clamped
    assertArrayEquals(new float[] {-1f, 1f, 128 / 255f * 2 - 1, -1f}, s.toSignedFloats(), 1e-7f);
    // [-1, 1] input (a data set's toFloatBatch): exact for uint8 values
    float[] signed = new float[256];
    for (int v = 0; v < 256; v++) signed[v] = v / 255f * 2f - 1f;
    SampleSet r = SampleSet.ofSignedFloats(signed, 1, 16, 1, null);
    for (int v = 0; v < 256; v++) assertEquals(v, r.pixel(0, v / 16, v % 16, 0));
  }

  @Test
  void npzRoundTripKeepsPixelsAndLabels() throws Exception {
    SampleSet s = small();
    Path f = tmp.resolve("s.npz");
    s.writeNpz(f);
    Map<String, Npy.Array> raw = Npz.read(f);
    assertEquals(java.util.List.of("arr_0", "arr_1"), java.util.List.copyOf(raw.keySet()));
    assertEquals("|u1", raw.get("arr_0").dtype());
    assertArrayEquals(new long[] {3, 2, 2, 1}, raw.get("arr_0").shape());
    assertEquals("<i8", raw.get("arr_1").dtype());
    SampleSet back = SampleSet.readNpz(f);
    assertEquals(3, back.n());
    assertArrayEquals(new int[] {0, 2, 1}, back.labels());
    assertArrayEquals(s.toSignedFloats(), back.toSignedFloats(), 0f);
    assertEquals("3 images 2x2x1", back.toString());
  }

  private Path npz(String name, Map<String, byte[]> arrays) throws Exception {
    Path f = tmp.resolve(name);
    Npz.write(f, arrays);
    return f;
  }

  @Test
  void badNpzFilesAreNamed() throws Exception {
    Map<String, byte[]> a = new LinkedHashMap<>();
    a.put("arr_0", Npy.int64(new long[] {2, 2, 2, 1}, new long[8]));
    Path wrongType = npz("t.npz", a);
    assertEquals(
        "arr_0 of " + wrongType + " must be uint8 (|u1), got <i8",
        assertThrows(IllegalArgumentException.class, () -> SampleSet.readNpz(wrongType))
            .getMessage());
    a.put("arr_0", Npy.uint8(new long[] {2, 4}, new byte[8]));
    Path rank = npz("r.npz", a);
    assertEquals(
        "arr_0 of " + rank + " must have rank 4 (N, H, W, C), got shape [2, 4]",
        assertThrows(IllegalArgumentException.class, () -> SampleSet.readNpz(rank)).getMessage());
    a.put("arr_0", Npy.uint8(new long[] {1, 2, 2, 2}, new byte[8]));
    Path chans = npz("c.npz", a);
    assertEquals(
        "arr_0 of " + chans + " must have 1 or 3 channels (N, H, W, C), got shape [1, 2, 2, 2]",
        assertThrows(IllegalArgumentException.class, () -> SampleSet.readNpz(chans)).getMessage());
    a.put("arr_0", Npy.uint8(new long[] {2, 2, 2, 1}, new byte[8]));
    a.put("arr_1", Npy.int64(new long[] {3}, new long[3]));
    Path labels = npz("l.npz", a);
    assertEquals(
        "arr_1 (labels) of " + labels + " must have shape (2), one per image, got [3]",
        assertThrows(IllegalArgumentException.class, () -> SampleSet.readNpz(labels)).getMessage());
    Map<String, byte[]> none = new LinkedHashMap<>();
    none.put("images", Npy.uint8(new long[] {1, 1, 1, 1}, new byte[1]));
    Path missing = npz("m.npz", none);
    assertEquals(
        "npz " + missing + " has no arr_0 (the images); it holds [images]",
        assertThrows(IllegalArgumentException.class, () -> SampleSet.readNpz(missing))
            .getMessage());
    Path notZip = tmp.resolve("x.npz");
    java.nio.file.Files.writeString(notZip, "hello");
    assertTrue(
        assertThrows(java.io.IOException.class, () -> SampleSet.readNpz(notZip))
            .getMessage()
            .contains(notZip.toString()));
    assertEquals(
        "pixels hold 3 values, (n, H, W, C) = (1, 2, 2, 1) needs 4",
        assertThrows(
                IllegalArgumentException.class, () -> new SampleSet(1, 2, 2, 1, new byte[3], null))
            .getMessage());
    assertEquals(
        "2 labels for 1 images",
        assertThrows(
                IllegalArgumentException.class,
                () -> new SampleSet(1, 1, 1, 1, new byte[1], new int[2]))
            .getMessage());
  }
}
