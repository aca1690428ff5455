package io.github.var4j.experiments;

import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/**
 * Checks of option values, made before anything is loaded; each throws a {@link UsageException}
 * whose message names the option as typed, e.g. {@code --batch must be >= 1, got -8}.
 */
final class Check {
  private Check() {}

  /** Throws {@code message} as a usage error unless {@code ok}. */
  static void that(boolean ok, String message) {
    if (!ok) throw new UsageException(message);
  }

  static int positive(String option, int v) {
    return (int) atLeast(option, v, 1);
  }

  static long positive(String option, long v) {
    return atLeast(option, v, 1);
  }

  /** A number > 0 (and finite). */
  static double positive(String option, double v) {
    that(v > 0 && Double.isFinite(v), option + " must be > 0, got " + num(v));
    return v;
  }

  static int nonNegative(String option, int v) {
    return (int) atLeast(option, v, 0);
  }

  static long nonNegative(String option, long v) {
    return atLeast(option, v, 0);
  }

  private static long atLeast(String option, long v, long min) {
    that(v >= min, option + " must be >= " + min + ", got " + v);
    return v;
  }

  /** A number >= 0 (and finite). */
  static double nonNegative(String option, double v) {
    that(v >= 0 && Double.isFinite(v), option + " must be >= 0, got " + num(v));
    return v;
  }

  /** A {@code --tag}: it names files, so letters, digits, '.', '_' and '-' only. */
  static String tag(String tag) {
    that(tag.matches("[A-Za-z0-9._-]+"), "--tag may hold letters, digits, '.', '_', '-'");
    return tag;
  }

  /** A fraction in (0, 1], e.g. of tokens kept. */
  static double positiveFraction(String option, double v) {
    that(v > 0 && v <= 1, option + " must be in (0, 1], got " + num(v));
    return v;
  }

  /** A number in [lo, hi]. */
  static double inRange(String option, double v, double lo, double hi) {
    that(
        v >= lo && v <= hi,
        option + " must be in [" + num(lo) + ", " + num(hi) + "], got " + num(v));
    return v;
  }

  /** An integer in [lo, hi). */
  static int index(String option, int v, int lo, int hiExclusive, String what) {
    that(
        v >= lo && v < hiExclusive,
        option + " must be " + what + " in [" + lo + ", " + hiExclusive + "), got " + v);
    return v;
  }

  static void nonEmpty(String option, int length) {
    that(length > 0, option + " must not be empty");
  }

  /** One of {@code allowed}. */
  static String oneOf(String option, String v, String... allowed) {
    List<String> a = Arrays.asList(allowed);
    String list =
        a.size() == 1
            ? a.get(0)
            : String.join(", ", a.subList(0, a.size() - 1)) + " or " + a.get(a.size() - 1);
    that(a.contains(v), option + " must be " + list + "; got " + v);
    return v;
  }

  /**
   * The value that {@code make} builds from an option, e.g. a scale schedule; the library's
   * rejection ({@link IllegalArgumentException}) becomes a usage error that names the option.
   */
  static <T> T value(String option, Supplier<T> make) {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": " + e.getMessage());
    }
  }

  /** Whether the user typed {@code option} on the command line of {@code spec}'s command. */
  static boolean given(CommandSpec spec, String option) {
    if (spec == null || spec.commandLine() == null) return false;
    ParseResult pr = spec.commandLine().getParseResult();
    return pr != null && pr.hasMatchedOption(option);
  }

  /** The options of {@code options} that the user typed, in that order. */
  static List<String> givenOf(CommandSpec spec, String... options) {
    return Arrays.stream(options).filter(o -> given(spec, o)).toList();
  }

  /** A regular file that exists. */
  static Path file(String option, Path p) {
    that(Files.isRegularFile(p), option + " " + p + ": no such file");
    return p;
  }

  /** A folder that exists. */
  static Path folder(String option, Path p) {
    that(Files.isDirectory(p), option + " " + p + ": no such folder");
    return p;
  }

  /** A picture Java can read (PNG, JPEG, GIF, BMP), read whole. */
  static BufferedImage image(String option, Path p) throws IOException {
    file(option, p);
    BufferedImage img = ImageIO.read(p.toFile());
    that(img != null, option + " " + p + ": not a picture (PNG, JPEG, GIF or BMP)");
    return img;
  }

  /**
   * A model directory of {@code kind}, whose configuration is returned.
   *
   * @param given whether the user named {@code dir} (else it is the option's default)
   * @param make the command that makes such a model, e.g. {@code scripts/var4j train-var}, and
   *     where it puts it by default
   * @throws UsageException when there is no model or a model of another kind: {@code --var DIR: no
   *     VAR model there (no config.json)}; for a missing default, what to run to make one
   * @throws IOException when the configuration cannot be read (a corrupt model: a failed run)
   */
  static <C> C model(String option, Path dir, ModelKind<C> kind, boolean given, String make)
      throws IOException {
    String what = noun(kind);
    if (!ModelDir.exists(dir)) {
      if (given)
        throw new UsageException(
            option + " " + dir + ": no " + what + " there (no " + ModelDir.CONFIG + ")");
      throw new UsageException(
          "no "
              + what
              + " in "
              + dir
              + " (the default of "
              + option
              + "; the committed models live in models/ of the repository, where scripts/var4j"
              + " runs): make one with `"
              + make
              + "`, or pass "
              + option
              + " DIR");
    }
    String k = ModelDir.kind(dir);
    that(
        k.equals(kind.name()),
        option + " " + dir + ": a " + (k.equals("var") ? "VAR" : k) + " model, not a " + what);
    return ModelDir.config(dir, kind);
  }

  /** A number as typed: 1.5, 2, NaN. */
  static String num(double v) {
    return Double.isFinite(v) ? CommandSupport.trim(v) : Double.toString(v);
  }

  /** "VAR model", "tokenizer", "classifier". */
  static String noun(ModelKind<?> kind) {
    return kind == ModelKind.VAR ? "VAR model" : kind.name();
  }
}
