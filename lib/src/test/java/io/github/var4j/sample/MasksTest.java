package io.github.var4j.sample;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.scale.ScaleSchedule;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Edit masks: official get_edit_mask rounding, PyTorch bilinear (align_corners=False) and the
 * per-scale force maps.
 */
class MasksTest {

  private static float[] grid(int pn, int r0, int r1, int c0, int c1) {
    float[] m = new float[pn * pn];
    for (int r = r0; r < r1; r++) for (int c = c0; c < c1; c++) m[r * pn + c] = 1;
    return m;
  }

  @Test
  void boxUsesPythonRoundHalfToEven() {
    assertArrayEquals(
        grid(8, 2, 6, 2, 6), Masks.box(8, 0.25, 0.75, 0.3, 0.7)); // round(2.4)=2, round(5.6)=6
    // 0.5 -> 0, 2.5 -> 2, 4.5 -> 4 (half to even)
    assertArrayEquals(grid(5, 0, 2, 0, 4), Masks.box(5, 0.1, 0.5, 0.1, 0.9));
    float[] inv = Masks.invert(Masks.box(4, 0.25, 0.75, 0.25, 0.75));
    assertArrayEquals(new float[] {1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1}, inv);
    assertEquals(
        "box coordinates must be fractions in [0, 1], got y0=0.0, y1=1.5, x0=0.0, x1=1.0",
        assertThrows(IllegalArgumentException.class, () -> Masks.box(4, 0, 1.5, 0, 1))
            .getMessage());
  }

  @Test
  void bilinearMatrixIsPyTorchsAlignCornersFalse() {
    assertArrayEquals(new float[] {0.5f, 0.5f, 0, 0, 0, 0, 0.5f, 0.5f}, Masks.bilinearMatrix(4, 2));
    // upsampling: src = 0.5(o+0.5)-0.5 clamped at 0; the last row clamps the second tap to in-1
    assertArrayEquals(
        new float[] {1, 0, 0.75f, 0.25f, 0.25f, 0.75f, 0, 1}, Masks.bilinearMatrix(2, 4));
    // 8 -> 3: scale 8/3, src = 8/3(o+0.5)-0.5 = 0.8333, 3.5, 6.1667
    float[] m = Masks.bilinearMatrix(8, 3);
    assertEquals(1 - 0.8333333f, m[0], 1e-6);
    assertEquals(0.8333333f, m[1], 1e-6);
    assertEquals(0.5f, m[8 + 3], 1e-6);
    assertEquals(0.5f, m[8 + 4], 1e-6);
    assertEquals(1 - 0.1666667f, m[16 + 6], 1e-5);
    assertEquals(0.1666667f, m[16 + 7], 1e-5);
    for (int o = 0; o < 3; o++) {
      float s = 0;
      for (int i = 0; i < 8; i++) s += m[o * 8 + i];
      assertEquals(1f, s, 1e-6f, "rows sum to 1");
    }
    // identity at the same size
    float[] x = Masks.box(4, 0.25, 0.75, 0, 0.5);
    assertArrayEquals(x, Masks.resizeBilinear(x, 4, 4));
  }

  @Test
  void forceMapsThresholdTheResizedMaskAndForceTinyScales() {
    // keep the left half of an 8x8 map
    float[] keep = Masks.box(8, 0, 1, 0, 0.5);
    List<float[]> f = Masks.forceMaps(keep, ScaleSchedule.of(1, 2, 3, 4, 8));
    assertArrayEquals(new float[] {1}, f.get(0), "pn^2 = 1 <= 3: forced");
    assertArrayEquals(new float[] {1, 0, 1, 0}, f.get(1));
    // 8 -> 3: the middle column interpolates 0.5 (taps 3 and 4) and 0.5 is not > 0.5
    assertArrayEquals(new float[] {1, 0, 0, 1, 0, 0, 1, 0, 0}, f.get(2));
    assertArrayEquals(grid(4, 0, 4, 0, 2), f.get(3));
    assertArrayEquals(keep, f.get(4));
  }

  @Test
  void wrongMaskSizeIsRejected() {
    assertEquals(
        "mask must be 8x8 (the last scale), got 6x6",
        assertThrows(IllegalArgumentException.class, () -> Masks.checkSize(new float[36], 8))
            .getMessage());
    assertEquals(
        "mask must be 8x8 (the last scale), got 37 values",
        assertThrows(IllegalArgumentException.class, () -> Masks.checkSize(new float[37], 8))
            .getMessage());
    assertEquals(
        "mask must be 8x8 (the last scale), got 6x6",
        assertThrows(
                IllegalArgumentException.class,
                () -> Masks.forceMaps(new float[36], ScaleSchedule.of(1, 2, 4, 8)))
            .getMessage());
  }
}
