package io.github.var4j.quant;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.var4j.testutil.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * Checks of the shared fixture helper {@link Fixtures} (manifest parsing, layout conversion,
 * assertions).
 */
class FixturesHelperTest {
  /**
   * Tolerance and shape parsing on a manifest written here: exact, atol/rtol objects, missing
   * parts, errors.
   */
  @Test
  void manifestTolerancesAndShapes() {
    Fixtures.Manifest m =
        Fixtures.Manifest.parse(
            """
        {"tiny_config": {}, "entries": [
          {"file": "a/x.npy", "dtype": "float32", "shape": [2, 3], "tol": {"atol": 1e-4, "rtol": 1e-3}},
          {"file": "a/idx.npy", "dtype": "int64", "shape": [2, 1], "tol": "exact"},
          {"file": "a/atol_only.npy", "dtype": "float32", "shape": [4], "tol": {"atol": 1e-7}},
          {"file": "a/input.npy", "dtype": "float32", "shape": []},
          {"file": "b/pattern.npy", "dtype": "float32", "shape": [1, 2, 3], "tol": "same -inf pattern"},
          {"file": "a/x.npy", "dtype": "float32", "shape": [9], "tol": "exact"}
        ]}""");
    assertEquals(Fixtures.Tol.of(1e-4, 1e-3), m.tol("a/x.npy"), "the first entry of a file counts");
    assertEquals(Fixtures.Tol.EXACT, m.tol("a/idx.npy"));
    assertEquals(Fixtures.Tol.of(1e-7, 0), m.tol("a/atol_only.npy"));
    assertEquals(
        "manifest entry for 'a/input.npy' has no tolerance",
        assertThrows(IllegalArgumentException.class, () -> m.tol("a/input.npy")).getMessage());
    assertEquals(
        "manifest entry for 'b/pattern.npy' has no tolerance",
        assertThrows(IllegalArgumentException.class, () -> m.tol("b/pattern.npy")).getMessage());
    assertEquals(
        "no manifest entry for fixture 'nope.npy'",
        assertThrows(IllegalArgumentException.class, () -> m.tol("nope.npy")).getMessage());
    assertArrayEquals(new long[] {2, 3}, m.shape("a/x.npy"));
    assertArrayEquals(new long[0], m.shape("a/input.npy"));
    assertEquals(List.of("a/x.npy", "a/idx.npy", "a/atol_only.npy", "a/input.npy"), m.files("a/"));
    assertTrue(m.root().get("tiny_config").isObject());
  }

  /**
   * Every entry of the fixtures' manifest: its shape is the file's, its tolerance (if any) parses.
   */
  @Test
  void realManifestShapesMatchTheFilesAndTolerancesParse() {
    List<String> all = Fixtures.files("");
    assertFalse(all.isEmpty(), "manifest lists no files");
    int withTol = 0;
    for (String f : all) {
      assertArrayEquals(Fixtures.shape(f), Fixtures.npy(f).shape(), f + ": manifest shape vs file");
      JsonNode t = Fixtures.parsedManifest().entry(f).get("tol");
      if (t != null && (t.isObject() || t.asText().equals("exact"))) {
        Fixtures.Tol tol = Fixtures.tol(f);
        assertTrue(tol.exact() || tol.atol() > 0 || tol.rtol() > 0, f + ": tolerance " + tol);
        withTol++;
      }
    }
    assertEquals(
        Fixtures.files("params/vae/").size(),
        Fixtures.stateDict("params/vae").size(),
        "params/vae: one state-dict entry per manifest file");
    System.out.printf(
        "manifest: %d files, %d with a numeric or exact tolerance%n", all.size(), withTol);
  }

  @Test
  void layoutConversionAndAssertions() {
    float[] x = new float[2 * 3 * 4 * 5];
    for (int i = 0; i < x.length; i++) x[i] = i;
    float[] nhwc = Fixtures.nchwToNhwc(x, 2, 3, 4, 5);
    // x[b=1][c=2][h=3][w=4] == nhwc[b=1][h=3][w=4][c=2]
    assertEquals(x[((1 * 3 + 2) * 4 + 3) * 5 + 4], nhwc[((1 * 4 + 3) * 5 + 4) * 3 + 2]);
    assertArrayEquals(x, Fixtures.nhwcToNchw(nhwc, 2, 4, 5, 3));
    assertEquals(
        0.5,
        Fixtures.assertClose(new float[] {1, 10}, new float[] {1.5f, 10}, 0.5, 0, "ok"),
        1e-12);
    Fixtures.assertClose(new float[] {100}, new float[] {100.05f}, 0, 1e-3, "rtol");
    AssertionFailedError e =
        assertThrows(
            AssertionFailedError.class,
            () ->
                Fixtures.assertClose(
                    new float[] {1, 2, 3}, new float[] {1, 2.5f, 3.1f}, 0.2, 0, "thing"));
    assertTrue(e.getMessage().startsWith("thing: 1 of 3 values outside"), e.getMessage());
    assertTrue(e.getMessage().contains("max |diff| 5.000e-01 at [1]"), e.getMessage());
    assertThrows(
        AssertionFailedError.class,
        () -> Fixtures.assertClose(new float[] {1}, new float[] {Float.NaN}, 1, 1, "nan"));
    assertThrows(
        AssertionFailedError.class,
        () -> Fixtures.assertExact(new int[] {1, 2}, new int[] {1, 3}, "ints"));
  }
}
