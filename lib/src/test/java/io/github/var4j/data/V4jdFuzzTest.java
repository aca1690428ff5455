package io.github.var4j.data;

import static io.github.var4j.testutil.ReaderFuzz.OnSuccess.ANY;
import static io.github.var4j.testutil.ReaderFuzz.OnSuccess.FAIL;
import static io.github.var4j.testutil.ReaderFuzz.patched;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.var4j.testutil.ReaderFuzz;
import io.github.var4j.testutil.ReaderFuzz.Region;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzing of the {@code .v4jd} reader ({@link V4jdFile#read}) on a small synthetic data set written
 * here: every failure is an {@link IOException} whose one-line message names the file and the
 * problem, never another throwable or a hang (see {@link ReaderFuzz}); headers that announce huge
 * sizes are refused before anything of that size is allocated.
 */
class V4jdFuzzTest {
  @TempDir Path tmp;

  private static final ImageDataset DS = SyntheticShapes.generate(12, 8, 3, 5L);

  private static String digest(ImageDataset d) {
    return d.size()
        + "x"
        + d.height()
        + "x"
        + d.width()
        + "x"
        + d.channels()
        + d.classNames()
        + Arrays.hashCode(d.labels())
        + "/"
        + Arrays.hashCode(d.pixels());
  }

  /** Bytes of the header: magic, six int32, the class names. */
  private static int headerLength(ImageDataset d) {
    int n = 28;
    for (String s : d.classNames()) n += 2 + s.length(); // ASCII names
    return n;
  }

  /**
   * Every truncation is refused (the reader checks the exact file length); a flip is refused or
   * read (a flipped pixel, or a label flipped to another valid label, cannot be detected). Also
   * targeted header fields: counts of 2^31 - 1 and -1, sizes whose product wraps around, a class
   * name length past the end.
   */
  @Test
  void v4jdFailsCleanly() throws IOException {
    Path f = tmp.resolve("shapes.v4jd");
    V4jdFile.write(DS, f);
    byte[] whole = Files.readAllBytes(f);
    int header = headerLength(DS);
    ReaderFuzz fuzz =
        new ReaderFuzz("v4jd", f, () -> digest(V4jdFile.read(f)), 5_000).intact(whole);
    fuzz.truncations(whole, ReaderFuzz.lengths(whole.length, 1 << 16, 0, 1), FAIL);
    fuzz.flips(
        whole,
        2,
        600,
        ANY,
        List.of(new Region("header", 0, header), new Region("labels", header, header + DS.size())));
    for (int field = 0; field < 6; field++) {
      for (int v : new int[] {Integer.MAX_VALUE, -1, 1 << 30}) {
        byte[] b = patched(whole, 4 + 4 * field, ByteBuffer.allocate(4).putInt(v).array());
        fuzz.trial("header int " + field + " = " + v, b, FAIL);
      }
    }
    fuzz.trial("first class name length 0xffff", patched(whole, 28, new byte[] {-1, -1}), FAIL);
    fuzz.assertClean();
  }

  private static String refusal(Path f) {
    IOException e =
        assertThrows(
            IOException.class,
            () -> assertTimeoutPreemptively(Duration.ofSeconds(10), () -> V4jdFile.read(f)));
    String m = e.getMessage();
    assertTrue(m.contains(f.getFileName().toString()) && m.indexOf('\n') < 0, m);
    return m;
  }

  /**
   * Headers that announce huge sizes are refused before allocating: n = 2^31 - 1 images, and n=16
   * images of 2^30 x 2^30 pixels (whose byte count, 2^64, wraps around to 0 in a long).
   */
  @Test
  void hugeV4jdSizesAreRefused() throws IOException {
    Path f = tmp.resolve("huge.v4jd");
    V4jdFile.write(DS, f);
    byte[] whole = Files.readAllBytes(f);
    ByteBuffer b = ByteBuffer.wrap(whole.clone()).putInt(8, Integer.MAX_VALUE);
    Files.write(f, b.array());
    String m = refusal(f);
    assertTrue(m.contains("2147483647"), m);
    // 16 images of 2^30 x 2^30 x 1: 2^64 bytes, 0 in 64-bit arithmetic; the file has 16 labels
    byte[] h = Arrays.copyOf(whole, headerLength(DS) + 16);
    b = ByteBuffer.wrap(h).putInt(8, 16).putInt(12, 1 << 30).putInt(16, 1 << 30).putInt(20, 1);
    Files.write(f, b.array());
    m = refusal(f);
    assertTrue(m.contains("too large"), m);
  }
}
