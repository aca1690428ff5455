package io.github.var4j.quant;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.testutil.Fixtures;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** Checks of the shared fixture helper {@link Fixtures} (manifest parsing, layout conversion, assertions). */
class FixturesHelperTest {
  @Test
  void manifestTolerancesAndShapes() {
    assertEquals(Fixtures.Tol.of(1e-4, 1e-4), Fixtures.tol("vae/fhat_s0.npy"));
    assertEquals(Fixtures.Tol.of(1e-5, 1e-4), Fixtures.tol("quant10/x_BLCv_wo_first_l.npy"));
    assertEquals(Fixtures.Tol.of(1e-7, 0), Fixtures.tol("interp/real_area_16to13.npy"));
    assertEquals(Fixtures.Tol.EXACT, Fixtures.tol("vae/idx_s3.npy"));
    assertEquals(Fixtures.Tol.of(1e-5, 1e-3), Fixtures.tol("vq_train/grad/quantize.embedding.weight.npy"));
    assertEquals("manifest entry for 'vq_train/R.npy' has no tolerance",
        assertThrows(IllegalArgumentException.class, () -> Fixtures.tol("vq_train/R.npy")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> Fixtures.tol("nope.npy"));
    assertArrayEquals(new long[] {2, 679, 8}, Fixtures.shape("quant10/x_BLCv_wo_first_l.npy"));
    assertArrayEquals(new long[] {8, 8, 3, 3}, Fixtures.shape("params/vae/quantize.quant_resi.qresi_ls.0.weight.npy"));
    assertArrayEquals(Fixtures.shape("vae/f_BChw.npy"), Fixtures.npy("vae/f_BChw.npy").shape());
    assertEquals(144, Fixtures.stateDict("params/vae").size());
  }

  @Test
  void layoutConversionAndAssertions() {
    float[] x = new float[2 * 3 * 4 * 5];
    for (int i = 0; i < x.length; i++) x[i] = i;
    float[] nhwc = Fixtures.nchwToNhwc(x, 2, 3, 4, 5);
    // x[b=1][c=2][h=3][w=4] == nhwc[b=1][h=3][w=4][c=2]
    assertEquals(x[((1 * 3 + 2) * 4 + 3) * 5 + 4], nhwc[((1 * 4 + 3) * 5 + 4) * 3 + 2]);
    assertArrayEquals(x, Fixtures.nhwcToNchw(nhwc, 2, 4, 5, 3));
    assertEquals(0.5, Fixtures.assertClose(new float[] {1, 10}, new float[] {1.5f, 10}, 0.5, 0, "ok"), 1e-12);
    Fixtures.assertClose(new float[] {100}, new float[] {100.05f}, 0, 1e-3, "rtol");
    AssertionFailedError e = assertThrows(AssertionFailedError.class,
        () -> Fixtures.assertClose(new float[] {1, 2, 3}, new float[] {1, 2.5f, 3.1f}, 0.2, 0, "thing"));
    assertTrue(e.getMessage().startsWith("thing: 1 of 3 values outside"), e.getMessage());
    assertTrue(e.getMessage().contains("max |diff| 5.000e-01 at [1]"), e.getMessage());
    assertThrows(AssertionFailedError.class, () -> Fixtures.assertClose(new float[] {1}, new float[] {Float.NaN}, 1, 1, "nan"));
    assertThrows(AssertionFailedError.class, () -> Fixtures.assertExact(new int[] {1, 2}, new int[] {1, 3}, "ints"));
  }
}
