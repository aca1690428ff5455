package io.github.var4j.testutil;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.opentest4j.AssertionFailedError;

/**
 * Feeds damaged versions of one file to a reader and checks how it fails: every trial writes some
 * bytes to {@link #target()} (the rest of a multi-file format stays intact), runs the reader on a
 * worker thread with a time budget, and classifies the outcome.
 *
 * <ul>
 *   <li>An {@link IOException} or {@link IllegalArgumentException} whose message is one line, names
 *       the damaged file (its file name at least) and says something besides it: a clean refusal.
 *   <li>Any other throwable ({@code IndexOutOfBoundsException}, {@code NegativeArraySizeException},
 *       {@code ArithmeticException}, {@code OutOfMemoryError}, {@code ClassCastException}, a
 *       third-party exception...), a refusal without the file name, a multi-line message, or no
 *       answer within the budget (a hang): a failure that names the trial (the length or the
 *       position and value that caused it).
 *   <li>A read that succeeds is judged by the trial's {@link OnSuccess} policy.
 * </ul>
 *
 * Failures are collected, not thrown at the first: {@link #assertClean()} fails with all of them
 * (the first of every kind in full).
 */
public final class ReaderFuzz {

  /** What the reader under test does with the file set up by a trial. */
  @FunctionalInterface
  public interface Reader {
    /**
     * Reads; returns a digest of what was read ({@link OnSuccess#SAME} compares it with the intact
     * file's digest).
     */
    Object read() throws Exception;
  }

  /** What a read that succeeds on damaged bytes means. */
  public enum OnSuccess {
    /** A failure: the format detects this damage (e.g. a truncated binary file). */
    FAIL,
    /**
     * Allowed only if it read exactly what the intact file holds (checksummed formats: the damage
     * hit bytes that do not matter, e.g. a zip entry's time stamp).
     */
    SAME,
    /** Allowed: the format cannot detect this damage (e.g. a flipped byte of a float payload). */
    ANY
  }

  /** A region of a file, {@code [from, to)}, that is flipped more often than the rest. */
  public record Region(String name, int from, int to) {
    public Region {
      if (from < 0 || to < from)
        throw new IllegalArgumentException(name + ": [" + from + ", " + to);
    }
  }

  /** Longest message of a refusal, besides the file's path. */
  private static final int MAX_MESSAGE = 500;

  private final String format;
  private final Path target;
  private final Reader reader;
  private final long budgetMillis;
  private ExecutorService worker = newWorker();
  private Object intactDigest;
  private byte[] intactBytes;
  private int trials, refused, accepted, hangs;

  /** Hangs after which a fuzz stops. */
  private static final int MAX_HANGS = 3;

  private final Map<String, List<String>> failures = new LinkedHashMap<>();
  private final TreeMap<String, Integer> refusals = new TreeMap<>();
  private final long started = System.nanoTime();

  /**
   * @param format what is fuzzed, for messages (e.g. "zip .pth")
   * @param target the file every trial writes
   * @param reader reads the format (the file, or the directory holding it)
   * @param budgetMillis time allowed to one read
   */
  public ReaderFuzz(String format, Path target, Reader reader, long budgetMillis) {
    this.format = format;
    this.target = target;
    this.reader = reader;
    this.budgetMillis = budgetMillis;
  }

  private static ExecutorService newWorker() {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, "reader-fuzz");
          t.setDaemon(true); // a hung read must not keep the test JVM alive
          return t;
        });
  }

  public Path target() {
    return target;
  }

  /**
   * Reads the intact bytes (which must succeed) and keeps the digest for {@link OnSuccess#SAME}.
   */
  public ReaderFuzz intact(byte[] bytes) {
    intactBytes = bytes.clone();
    write(bytes);
    try {
      intactDigest = Objects.requireNonNull(reader.read(), "the reader returned no digest");
    } catch (Exception e) {
      throw new AssertionFailedError(format + ": the intact " + target + " does not read", e);
    }
    return this;
  }

  /**
   * One trial: writes {@code bytes} to the target and reads. After {@link #MAX_HANGS} hangs the
   * remaining trials are skipped (each would cost the whole budget).
   */
  public void trial(String what, byte[] bytes, OnSuccess onSuccess) {
    if (hangs >= MAX_HANGS) return;
    trials++;
    write(bytes);
    Future<Object> f = worker.submit(reader::read);
    Object digest;
    try {
      digest = f.get(budgetMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      worker.shutdownNow();
      worker = newWorker();
      hangs++;
      fail("hang", what, "no answer within " + budgetMillis + " ms (a hang?)", null);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionFailedError("interrupted", e);
    } catch (ExecutionException e) {
      judge(what, e.getCause());
      return;
    }
    accepted++;
    switch (onSuccess) {
      case FAIL -> fail("accepted", what, "was read without an error", null);
      case SAME -> {
        if (intactDigest == null)
          throw new IllegalStateException("OnSuccess.SAME needs intact() first");
        if (!intactDigest.equals(digest))
          fail("accepted", what, "was read without an error but gave other values", null);
      }
      case ANY -> {}
    }
  }

  /** Every length of {@code lengths} below the whole length: a truncated file. */
  public ReaderFuzz truncations(byte[] whole, int[] lengths, OnSuccess onSuccess) {
    for (int n : lengths) {
      if (n < whole.length)
        trial("cut to " + n + " of " + whole.length + " bytes", Arrays.copyOf(whole, n), onSuccess);
    }
    return this;
  }

  /**
   * {@code count} single-byte flips at seeded positions (XOR with a random non-zero value): half
   * spread over the whole file, half over the {@code regions} (headers, directories), if any.
   */
  public ReaderFuzz flips(
      byte[] whole, long seed, int count, OnSuccess onSuccess, List<Region> regions) {
    Random rnd = new Random(seed);
    List<Region> nonEmpty = regions.stream().filter(r -> r.to() > r.from()).toList();
    for (int i = 0; i < count; i++) {
      int pos;
      String where = "";
      if (nonEmpty.isEmpty() || i % 2 == 0) {
        pos = rnd.nextInt(whole.length);
      } else {
        Region r = nonEmpty.get(rnd.nextInt(nonEmpty.size()));
        pos = r.from() + rnd.nextInt(r.to() - r.from());
        where = " (" + r.name() + ")";
      }
      byte[] b = whole.clone();
      int x = 1 + rnd.nextInt(255);
      b[pos] ^= (byte) x;
      trial(
          String.format("byte %d%s 0x%02x -> 0x%02x", pos, where, whole[pos] & 0xff, b[pos] & 0xff),
          b,
          onSuccess);
    }
    return this;
  }

  /** The whole file with {@code patch} written at {@code at} (a targeted corruption). */
  public static byte[] patched(byte[] whole, int at, byte[] patch) {
    byte[] b = whole.clone();
    System.arraycopy(patch, 0, b, at, patch.length);
    return b;
  }

  /**
   * Truncation lengths: every length if the file has at most {@code everyUpTo} bytes; else every
   * length below 256, the last 32, 5 around each mark (header ends, directory starts, entry
   * boundaries), {@code spread} evenly spaced and {@code spread / 2} seeded random ones.
   */
  public static int[] lengths(int size, int everyUpTo, int spread, long seed, int... marks) {
    TreeSet<Integer> out = new TreeSet<>();
    if (size <= everyUpTo) {
      for (int n = 0; n < size; n++) out.add(n);
    } else {
      for (int n = 0; n < Math.min(256, size); n++) out.add(n);
      for (int n = Math.max(0, size - 32); n < size; n++) out.add(n);
      for (int m : marks) for (int d = -2; d <= 2; d++) out.add(m + d);
      for (int i = 1; i < spread; i++) out.add((int) ((long) size * i / spread));
      Random rnd = new Random(seed);
      for (int i = 0; i < spread / 2; i++) out.add(rnd.nextInt(size));
    }
    return out.stream().filter(n -> n >= 0 && n < size).mapToInt(Integer::intValue).toArray();
  }

  private void write(byte[] bytes) {
    try {
      Files.write(target, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A throwable of a trial: a clean refusal, or a failure. */
  private void judge(String what, Throwable t) {
    String name = target.getFileName().toString();
    if (!(t instanceof IOException) && !(t instanceof IllegalArgumentException)) {
      fail(t.getClass().getName(), what, "threw " + t, t);
      return;
    }
    String m = t.getMessage();
    String kind = t.getClass().getSimpleName();
    if (m == null || !m.contains(name)) {
      fail(kind + " without the file name", what, "message does not name " + name + ": " + m, t);
    } else if (m.indexOf('\n') >= 0 || m.indexOf('\r') >= 0) {
      fail(kind + " on several lines", what, "message is not one line: " + m, t);
    } else if (m.replace(target.toString(), "").length() > MAX_MESSAGE) {
      fail(kind + " too long", what, "message of " + m.length() + " characters: " + m, t);
    } else if (m.replace(target.toString(), "")
            .replace(name, "")
            .replaceAll("[^A-Za-z]", "")
            .length()
        < 8) {
      fail(kind + " that does not say what is wrong", what, "message: " + m, t);
    } else {
      refused++;
      refusals.merge(
          kind + ": " + m.replace(target.toString(), "<file>").replaceAll("\\d+", "#"),
          1,
          Integer::sum);
    }
  }

  private void fail(String kind, String what, String how, Throwable t) {
    StringBuilder sb = new StringBuilder(format + ", " + what + ": " + clip(how, 700));
    if (t != null) {
      StringWriter w = new StringWriter();
      t.printStackTrace(new PrintWriter(w));
      String[] lines = w.toString().split("\n");
      for (int i = 1; i < Math.min(lines.length, 9); i++)
        sb.append("\n      ").append(lines[i].trim());
    }
    List<String> list = failures.computeIfAbsent(kind, k -> new ArrayList<>());
    list.add(sb.toString());
  }

  private static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "... (" + s.length() + " characters)";
  }

  /** Trials run so far, refused, accepted. */
  public String summary() {
    return String.format(
        "%s: %d trials in %.1f s: %d refused, %d read (%d distinct refusal messages)",
        format, trials, (System.nanoTime() - started) / 1e9, refused, accepted, refusals.size());
  }

  /**
   * The distinct refusal messages (digits as #) with their counts, for a look at what users see.
   */
  public Map<String, Integer> refusals() {
    return refusals;
  }

  /**
   * Prints the {@link #summary()} and, with {@code -Dvar4j.fuzz.messages=true}, every distinct
   * refusal message (digits as #) with its count: a look at what users would see. Writes the intact
   * bytes back (if {@link #intact} gave them). Then fails, listing every kind of failure (its first
   * trial in full, a few more by their first line).
   */
  public void assertClean() {
    System.out.println(summary());
    if (Boolean.getBoolean("var4j.fuzz.messages"))
      refusals.forEach((m, n) -> System.out.println("  " + n + " x " + m));
    worker.shutdownNow();
    if (intactBytes != null) write(intactBytes); // the next fuzz of the directory finds it intact
    if (failures.isEmpty()) return;
    StringBuilder sb = new StringBuilder(summary() + "; failures:");
    failures.forEach(
        (kind, list) -> {
          sb.append("\n  [")
              .append(kind)
              .append("] ")
              .append(list.size())
              .append(" trial(s), first: ");
          sb.append(list.get(0));
          for (int i = 1; i < Math.min(list.size(), 4); i++)
            sb.append("\n    also: ").append(list.get(i).split("\n")[0]);
        });
    throw new AssertionFailedError(sb.toString());
  }
}
