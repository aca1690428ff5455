package io.github.var4j.testutil;

import io.github.var4j.io.Npy;
import io.github.var4j.nn.StateDict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opentest4j.AssertionFailedError;

/**
 * Access to the parity fixtures (made by the official PyTorch code, see VAR-SPEC §10) for tests.
 *
 * <p>The fixture directory comes from the system property {@code var4j.fixtures} (set by surefire and by
 * {@code /work/tools/jt}); fixtures are never copied into the repository. A missing property or file fails the test
 * (no silent skipping). Paths are relative to the fixture directory, e.g. {@code "vae/f_BChw.npy"}.
 *
 * <p>Fixture arrays are in PyTorch layouts (NCHW images, OIHW weights); {@link #nchwToNhwc} and {@link #nhwcToNchw}
 * convert images/latents. Tolerances come from {@code manifest.json} ({@link #tol}); never weaken them.
 */
public final class Fixtures {
  private Fixtures() {}

  /** Tolerance of one fixture file: {@code |actual - expected| <= atol + rtol * |expected|}; exact for integer maps. */
  public record Tol(double atol, double rtol, boolean exact) {
    public static Tol of(double atol, double rtol) {
      return new Tol(atol, rtol, false);
    }

    public static final Tol EXACT = new Tol(0, 0, true);
  }

  private static String manifestText;

  /** The fixture directory (system property {@code var4j.fixtures}). */
  public static Path dir() {
    String p = System.getProperty("var4j.fixtures");
    if (p == null || p.isBlank()) {
      throw new IllegalStateException("system property var4j.fixtures is not set (surefire and /work/tools/jt set it)");
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

  /** A parameter directory as a state dict in PyTorch layout, e.g. {@code stateDict("params/vae")}. */
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

  /** The manifest text of the entry for {@code file} (from its {@code "file"} key to the next entry). */
  private static String entry(String file) {
    String m = manifest();
    String key = "\"file\": \"" + file + "\"";
    int at = m.indexOf(key);
    if (at < 0) {
      Matcher mm = Pattern.compile("\"file\"\\s*:\\s*\"" + Pattern.quote(file) + "\"").matcher(m);
      if (!mm.find()) throw new IllegalArgumentException("no manifest entry for fixture '" + file + "'");
      at = mm.start();
    }
    int next = m.indexOf("\"file\"", at + key.length());
    return m.substring(at, next < 0 ? m.length() : next);
  }

  private static final Pattern TOL_EXACT = Pattern.compile("\"tol\"\\s*:\\s*\"exact\"");
  private static final Pattern TOL_OBJ = Pattern.compile("\"tol\"\\s*:\\s*\\{([^}]*)}");
  private static final Pattern ATOL = Pattern.compile("\"atol\"\\s*:\\s*([-+0-9.eE]+)");
  private static final Pattern RTOL = Pattern.compile("\"rtol\"\\s*:\\s*([-+0-9.eE]+)");
  private static final Pattern SHAPE = Pattern.compile("\"shape\"\\s*:\\s*\\[([^\\]]*)]");

  /**
   * The manifest tolerance of a fixture file ({@code "tol": {"atol": .., "rtol": ..}} or {@code "tol": "exact"}). A
   * missing rtol is 0.
   *
   * @throws IllegalArgumentException if the file has no entry or no tolerance
   */
  public static Tol tol(String file) {
    String e = entry(file);
    if (TOL_EXACT.matcher(e).find()) return Tol.EXACT;
    Matcher t = TOL_OBJ.matcher(e);
    if (!t.find()) throw new IllegalArgumentException("manifest entry for '" + file + "' has no tolerance");
    Matcher a = ATOL.matcher(t.group(1));
    Matcher r = RTOL.matcher(t.group(1));
    double atol = a.find() ? Double.parseDouble(a.group(1)) : 0;
    double rtol = r.find() ? Double.parseDouble(r.group(1)) : 0;
    return Tol.of(atol, rtol);
  }

  /** The shape listed in the manifest for {@code file}. */
  public static long[] shape(String file) {
    Matcher s = SHAPE.matcher(entry(file));
    if (!s.find()) throw new IllegalArgumentException("manifest entry for '" + file + "' has no shape");
    return Arrays.stream(s.group(1).split(",")).map(String::trim).filter(x -> !x.isEmpty())
        .mapToLong(Long::parseLong).toArray();
  }

  /** (B, C, H, W) to (B, H, W, C). */
  public static float[] nchwToNhwc(float[] x, int b, int c, int h, int w) {
    check(x.length, (long) b * c * h * w, "nchwToNhwc");
    float[] y = new float[x.length];
    for (int n = 0; n < b; n++)
      for (int ch = 0; ch < c; ch++)
        for (int i = 0; i < h; i++)
          for (int j = 0; j < w; j++) y[((n * h + i) * w + j) * c + ch] = x[((n * c + ch) * h + i) * w + j];
    return y;
  }

  /** An NCHW fixture array to NHWC (shape taken from the file). */
  public static float[] nchwToNhwc(Npy.Array a) {
    int[] s = a.intShape();
    if (s.length != 4) throw new IllegalArgumentException("expected a 4-D array, got " + Arrays.toString(s));
    return nchwToNhwc(a.asFloats(), s[0], s[1], s[2], s[3]);
  }

  /** (B, H, W, C) to (B, C, H, W). */
  public static float[] nhwcToNchw(float[] x, int b, int h, int w, int c) {
    check(x.length, (long) b * c * h * w, "nhwcToNchw");
    float[] y = new float[x.length];
    for (int n = 0; n < b; n++)
      for (int i = 0; i < h; i++)
        for (int j = 0; j < w; j++)
          for (int ch = 0; ch < c; ch++) y[((n * c + ch) * h + i) * w + j] = x[((n * h + i) * w + j) * c + ch];
    return y;
  }

  private static void check(int n, long expect, String what) {
    if (n != expect) throw new IllegalArgumentException(what + ": array has " + n + " values, shape needs " + expect);
  }

  /** Largest |expected - actual| (lengths must match). */
  public static double maxAbsDiff(float[] expected, float[] actual) {
    if (expected.length != actual.length) {
      throw new AssertionFailedError("length mismatch: expected " + expected.length + ", got " + actual.length);
    }
    double m = 0;
    for (int i = 0; i < expected.length; i++) m = Math.max(m, Math.abs((double) expected[i] - actual[i]));
    return m;
  }

  /**
   * Asserts {@code |actual - expected| <= atol + rtol * |expected|} elementwise (numpy allclose; NaN fails). The
   * failure message names {@code what}, the first violating index, both values, the max abs diff and where it occurs.
   *
   * @return the max abs diff (for reporting)
   */
  public static double assertClose(float[] expected, float[] actual, double atol, double rtol, String what) {
    if (expected.length != actual.length) {
      throw new AssertionFailedError(what + ": length mismatch: expected " + expected.length + ", got " + actual.length);
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
      throw new AssertionFailedError(String.format(
          "%s: %d of %d values outside atol=%g rtol=%g; first at [%d]: expected %s got %s; max |diff| %.3e at [%d]"
              + " (expected %s got %s)",
          what, bad, expected.length, atol, rtol, firstBad, expected[firstBad], actual[firstBad], max, maxAt,
          expected[maxAt], actual[maxAt]));
    }
    return expected.length == 0 ? 0 : max;
  }

  /** {@link #assertClose(float[], float[], double, double, String)} with a manifest tolerance. */
  public static double assertClose(float[] expected, float[] actual, Tol tol, String what) {
    if (tol.exact()) {
      for (int i = 0; i < Math.min(expected.length, actual.length); i++) {
        if (Float.compare(expected[i], actual[i]) != 0) {
          throw new AssertionFailedError(what + ": not exact at [" + i + "]: expected " + expected[i] + " got " + actual[i]);
        }
      }
      if (expected.length != actual.length) throw new AssertionFailedError(what + ": length mismatch");
      return 0;
    }
    return assertClose(expected, actual, tol.atol(), tol.rtol(), what);
  }

  /** Asserts that {@code actual} is within the manifest tolerance of fixture {@code file}; returns the max abs diff. */
  public static double assertMatches(String file, float[] actual) {
    return assertClose(floats(file), actual, tol(file), file);
  }

  /** Exact equality of integer arrays, naming the first mismatch and the number of mismatches. */
  public static void assertExact(int[] expected, int[] actual, String what) {
    if (expected.length != actual.length) {
      throw new AssertionFailedError(what + ": length mismatch: expected " + expected.length + ", got " + actual.length);
    }
    int bad = 0, first = -1;
    for (int i = 0; i < expected.length; i++) {
      if (expected[i] != actual[i]) {
        bad++;
        if (first < 0) first = i;
      }
    }
    if (bad > 0) {
      throw new AssertionFailedError(what + ": " + bad + " of " + expected.length + " differ; first at [" + first
          + "]: expected " + expected[first] + " got " + actual[first]);
    }
  }
}
