package io.github.var4j.testutil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.var4j.io.Npy;
import io.github.var4j.nn.StateDict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opentest4j.AssertionFailedError;

/**
 * Access to the parity fixtures (made by the official PyTorch code on tiny random models; their
 * manifest.json describes each file) for tests.
 *
 * <p>The fixture directory comes from the system property {@code var4j.fixtures} (set by surefire
 * from the root pom); fixtures are never copied into the repository. A missing property or file
 * fails the test (no silent skipping). Paths are relative to the fixture directory, e.g. {@code
 * "vae/f_BChw.npy"}.
 *
 * <p>Fixture arrays are in PyTorch layouts (NCHW images, OIHW weights); {@link #nchwToNhwc} and
 * {@link #nhwcToNchw} convert images/latents. Tolerances and shapes come from {@code manifest.json}
 * ({@link #tol}, {@link #shape}); never weaken them. The tiny model configuration of the fixtures
 * is {@link TinyFixture}.
 */
public final class Fixtures {
  private Fixtures() {}

  /**
   * Tolerance of one fixture file: {@code |actual - expected| <= atol + rtol * |expected|}; exact
   * for integer maps.
   */
  public record Tol(double atol, double rtol, boolean exact) {
    public static Tol of(double atol, double rtol) {
      return new Tol(atol, rtol, false);
    }

    public static final Tol EXACT = new Tol(0, 0, true);
  }

  private static String manifestText;
  private static Manifest manifest;

  /** The fixture directory (system property {@code var4j.fixtures}). */
  public static Path dir() {
    String p = System.getProperty("var4j.fixtures");
    if (p == null || p.isBlank()) {
      throw new IllegalStateException(
          "system property var4j.fixtures is not set (the Maven build sets it)");
    }
    Path d = Path.of(p);
    if (!Files.isDirectory(d)) throw new IllegalStateException("fixture directory not found: " + d);
    return d;
  }

  /** {@code dir().resolve(rel)}. */
  public static Path path(String rel) {
    return dir().resolve(rel);
  }

  /** Reads a fixture {@code .npy} file, e.g. {@code npy("vae/f_BChw.npy")}. */
  public static Npy.Array npy(String rel) {
    try {
      return Npy.read(path(rel));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The values of a fixture file as float (int64 files are converted). */
  public static float[] floats(String rel) {
    return npy(rel).asFloats();
  }

  /** The values of an integer fixture file as int. */
  public static int[] ints(String rel) {
    return npy(rel).asInts();
  }

  /**
   * A parameter directory as a state dict in PyTorch layout, e.g. {@code stateDict("params/vae")}.
   */
  public static StateDict stateDict(String relDir) {
    try {
      return StateDict.loadNpyDir(path(relDir));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The full text of {@code manifest.json}. */
  public static synchronized String manifest() {
    if (manifestText == null) {
      try {
        manifestText = Files.readString(path("manifest.json"), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return manifestText;
  }

  /** The parsed {@code manifest.json} of the fixture directory. */
  public static synchronized Manifest parsedManifest() {
    if (manifest == null) manifest = Manifest.parse(manifest());
    return manifest;
  }

  /**
   * The root of {@code manifest.json} as a Jackson tree (keys {@code tiny_config}, {@code notes},
   * ...).
   */
  public static JsonNode manifestJson() {
    return parsedManifest().root();
  }

  /**
   * Any JSON file as a Jackson tree (e.g. {@code var-real-state-dict.json} next to the fixture
   * directory).
   */
  public static JsonNode readJson(Path file) {
    try {
      return Manifest.JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The manifest tolerance of a fixture file ({@code "tol": {"atol": .., "rtol": ..}} or {@code
   * "tol": "exact"}). A missing atol or rtol is 0.
   *
   * @throws IllegalArgumentException if the file has no entry or no tolerance
   */
  public static Tol tol(String file) {
    return parsedManifest().tol(file);
  }

  /** The shape listed in the manifest for {@code file}. */
  public static long[] shape(String file) {
    return parsedManifest().shape(file);
  }

  /**
   * The manifest's fixture files whose path starts with {@code prefix}, in manifest order (e.g.
   * {@code "interp/"}).
   */
  public static List<String> files(String prefix) {
    return parsedManifest().files(prefix);
  }

  /**
   * A parsed manifest: the Jackson tree plus its {@code entries} by file. Entries are objects with
   * {@code file}, {@code dtype}, {@code shape} and optionally {@code kind}, {@code desc} and {@code
   * tol}; the first entry of a file counts.
   */
  public static final class Manifest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonNode root;
    private final Map<String, JsonNode> entries = new LinkedHashMap<>();

    private Manifest(JsonNode root) {
      this.root = root;
      JsonNode list = root.get("entries");
      if (list == null || !list.isArray())
        throw new IllegalArgumentException("manifest has no 'entries' array");
      for (JsonNode e : list) {
        JsonNode f = e.get("file");
        if (f == null || !f.isTextual())
          throw new IllegalArgumentException("manifest entry without 'file': " + e);
        entries.putIfAbsent(f.asText(), e);
      }
    }

    /** Parses manifest JSON text. */
    public static Manifest parse(String json) {
      try {
        return new Manifest(JSON.readTree(json));
      } catch (IOException e) {
        throw new UncheckedIOException("manifest.json is not valid JSON", e);
      }
    }

    /** The whole JSON tree. */
    public JsonNode root() {
      return root;
    }

    /** The entry object of {@code file}. */
    public JsonNode entry(String file) {
      JsonNode e = entries.get(file);
      if (e == null)
        throw new IllegalArgumentException("no manifest entry for fixture '" + file + "'");
      return e;
    }

    /**
     * See {@link Fixtures#tol}. A tolerance that is neither {@code "exact"} nor an object counts as
     * none.
     */
    public Tol tol(String file) {
      JsonNode t = entry(file).get("tol");
      if (t != null && t.isTextual() && t.asText().equals("exact")) return Tol.EXACT;
      if (t == null || !t.isObject()) {
        throw new IllegalArgumentException("manifest entry for '" + file + "' has no tolerance");
      }
      return Tol.of(number(t, "atol", file), number(t, "rtol", file));
    }

    private static double number(JsonNode tol, String key, String file) {
      JsonNode v = tol.get(key);
      if (v == null) return 0;
      if (!v.isNumber()) {
        throw new IllegalArgumentException(
            "manifest entry for '" + file + "': " + key + " is not a number");
      }
      return v.asDouble();
    }

    /** See {@link Fixtures#shape}. */
    public long[] shape(String file) {
      JsonNode s = entry(file).get("shape");
      if (s == null || !s.isArray()) {
        throw new IllegalArgumentException("manifest entry for '" + file + "' has no shape");
      }
      long[] out = new long[s.size()];
      for (int i = 0; i < out.length; i++) out[i] = s.get(i).asLong();
      return out;
    }

    /** See {@link Fixtures#files}. */
    public List<String> files(String prefix) {
      return entries.keySet().stream().filter(f -> f.startsWith(prefix)).toList();
    }
  }

  /** (B, C, H, W) to (B, H, W, C). */
  public static float[] nchwToNhwc(float[] x, int b, int c, int h, int w) {
    check(x.length, (long) b * c * h * w, "nchwToNhwc");
    float[] y = new float[x.length];
    for (int n = 0; n < b; n++)
      for (int ch = 0; ch < c; ch++)
        for (int i = 0; i < h; i++)
          for (int j = 0; j < w; j++)
            y[((n * h + i) * w + j) * c + ch] = x[((n * c + ch) * h + i) * w + j];
    return y;
  }

  /** An NCHW fixture array to NHWC (shape taken from the file). */
  public static float[] nchwToNhwc(Npy.Array a) {
    int[] s = a.intShape();
    if (s.length != 4)
      throw new IllegalArgumentException("expected a 4-D array, got " + Arrays.toString(s));
    return nchwToNhwc(a.asFloats(), s[0], s[1], s[2], s[3]);
  }

  /** (B, H, W, C) to (B, C, H, W). */
  public static float[] nhwcToNchw(float[] x, int b, int h, int w, int c) {
    check(x.length, (long) b * c * h * w, "nhwcToNchw");
    float[] y = new float[x.length];
    for (int n = 0; n < b; n++)
      for (int i = 0; i < h; i++)
        for (int j = 0; j < w; j++)
          for (int ch = 0; ch < c; ch++)
            y[((n * c + ch) * h + i) * w + j] = x[((n * h + i) * w + j) * c + ch];
    return y;
  }

  private static void check(int n, long expect, String what) {
    if (n != expect)
      throw new IllegalArgumentException(
          what + ": array has " + n + " values, shape needs " + expect);
  }

  /** Largest |expected - actual| (lengths must match). */
  public static double maxAbsDiff(float[] expected, float[] actual) {
    if (expected.length != actual.length) {
      throw new AssertionFailedError(
          "length mismatch: expected " + expected.length + ", got " + actual.length);
    }
    double m = 0;
    for (int i = 0; i < expected.length; i++)
      m = Math.max(m, Math.abs((double) expected[i] - actual[i]));
    return m;
  }

  /**
   * Asserts {@code |actual - expected| <= atol + rtol * |expected|} elementwise (numpy allclose;
   * NaN fails). The failure message names {@code what}, the first violating index, both values, the
   * max abs diff and where it occurs.
   *
   * @return the max abs diff (for reporting)
   */
  public static double assertClose(
      float[] expected, float[] actual, double atol, double rtol, String what) {
    if (expected.length != actual.length) {
      throw new AssertionFailedError(
          what + ": length mismatch: expected " + expected.length + ", got " + actual.length);
    }
    double max = 0;
    int maxAt = -1;
    int firstBad = -1;
    int bad = 0;
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i], a = actual[i];
      double d = Math.abs(e - a);
      boolean ok = d <= atol + rtol * Math.abs(e);
      if (Double.isNaN(d)) {
        ok = false;
        d = Double.POSITIVE_INFINITY;
      }
      if (d > max || maxAt < 0) {
        max = d;
        maxAt = i;
      }
      if (!ok) {
        bad++;
        if (firstBad < 0) firstBad = i;
      }
    }
    if (bad > 0) {
      throw new AssertionFailedError(
          String.format(
              "%s: %d of %d values outside atol=%g rtol=%g; first at [%d]: expected %s got %s; max |diff| %.3e at [%d]"
                  + " (expected %s got %s)",
              what,
              bad,
              expected.length,
              atol,
              rtol,
              firstBad,
              expected[firstBad],
              actual[firstBad],
              max,
              maxAt,
              expected[maxAt],
              actual[maxAt]));
    }
    return expected.length == 0 ? 0 : max;
  }

  /** {@link #assertClose(float[], float[], double, double, String)} with a manifest tolerance. */
  public static double assertClose(float[] expected, float[] actual, Tol tol, String what) {
    if (tol.exact()) {
      for (int i = 0; i < Math.min(expected.length, actual.length); i++) {
        if (Float.compare(expected[i], actual[i]) != 0) {
          throw new AssertionFailedError(
              what + ": not exact at [" + i + "]: expected " + expected[i] + " got " + actual[i]);
        }
      }
      if (expected.length != actual.length)
        throw new AssertionFailedError(what + ": length mismatch");
      return 0;
    }
    return assertClose(expected, actual, tol.atol(), tol.rtol(), what);
  }

  /**
   * Asserts that {@code actual} is within the manifest tolerance of fixture {@code file}; returns
   * the max abs diff.
   */
  public static double assertMatches(String file, float[] actual) {
    return assertClose(floats(file), actual, tol(file), file);
  }

  /** Exact equality of integer arrays, naming the first mismatch and the number of mismatches. */
  public static void assertExact(int[] expected, int[] actual, String what) {
    if (expected.length != actual.length) {
      throw new AssertionFailedError(
          what + ": length mismatch: expected " + expected.length + ", got " + actual.length);
    }
    int bad = 0, first = -1;
    for (int i = 0; i < expected.length; i++) {
      if (expected[i] != actual[i]) {
        bad++;
        if (first < 0) first = i;
      }
    }
    if (bad > 0) {
      throw new AssertionFailedError(
          what
              + ": "
              + bad
              + " of "
              + expected.length
              + " differ; first at ["
              + first
              + "]: expected "
              + expected[first]
              + " got "
              + actual[first]);
    }
  }
}
