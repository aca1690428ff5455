package io.github.var4j.data;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class V4jdFileTest {

  @TempDir Path dir;

  private static ImageDataset small() {
    // 3 images 2x3x3 (h=2, w=3, RGB), pixel value = index mod 256, labels 2,0,1; non-ASCII class
    // name
    byte[] px = new byte[3 * 2 * 3 * 3];
    for (int i = 0; i < px.length; i++) px[i] = (byte) (i * 7 + 250);
    return new ImageDataset(
        3, 2, 3, 3, List.of("T-shirt/top", "Ankle boot", "Käfer ✓"), new int[] {2, 0, 1}, px);
  }

  @Test
  void roundTripKeepsEveryField() throws IOException {
    ImageDataset ds = small();
    Path f = dir.resolve("x.v4jd");
    V4jdFile.write(ds, f);
    ImageDataset back = V4jdFile.read(f);
    assertEquals(3, back.size());
    assertEquals(2, back.height());
    assertEquals(3, back.width());
    assertEquals(3, back.channels());
    assertEquals(List.of("T-shirt/top", "Ankle boot", "Käfer ✓"), back.classNames());
    assertArrayEquals(new int[] {2, 0, 1}, back.labels());
    assertArrayEquals(ds.pixels(), back.pixels());
    // exact documented layout: 28 header bytes + names (2+len each) + n labels + n*h*w*c pixels
    long names =
        (2 + 11)
            + (2 + 10)
            + (2 + "Käfer ✓".getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    assertEquals(28 + names + 3 + 54, Files.size(f));
    byte[] raw = Files.readAllBytes(f);
    assertArrayEquals(new byte[] {'V', '4', 'J', 'D'}, Arrays.copyOf(raw, 4));
    ByteBuffer bb = ByteBuffer.wrap(raw, 4, 24);
    assertArrayEquals(
        new int[] {1, 3, 2, 3, 3, 3},
        new int[] {bb.getInt(), bb.getInt(), bb.getInt(), bb.getInt(), bb.getInt(), bb.getInt()});
    // no temp file is left behind
    try (var s = Files.list(dir)) {
      assertEquals(List.of(f), s.toList());
    }
  }

  @Test
  void roundTripSyntheticGrey() throws IOException {
    ImageDataset ds = SyntheticShapes.generate(20, 16, 1, 5L);
    Path f = dir.resolve("s.v4jd");
    V4jdFile.write(ds, f);
    V4jdFile.write(ds, f); // overwrite is fine
    ImageDataset back = V4jdFile.read(f);
    assertArrayEquals(ds.pixels(), back.pixels());
    assertArrayEquals(ds.labels(), back.labels());
    assertEquals(ds.classNames(), back.classNames());
  }

  private Path writeSmall() throws IOException {
    Path f = dir.resolve("c.v4jd");
    V4jdFile.write(small(), f);
    return f;
  }

  private IOException readFails(Path f) {
    return assertThrows(IOException.class, () -> V4jdFile.read(f));
  }

  @Test
  void truncatedPixelsNamesFileAndSizes() throws IOException {
    Path f = writeSmall();
    byte[] raw = Files.readAllBytes(f);
    Files.write(f, Arrays.copyOf(raw, raw.length - 5));
    String m = readFails(f).getMessage();
    assertTrue(m.contains(f.toString()), m);
    assertTrue(m.contains("truncated"), m);
    assertTrue(m.contains("must have " + raw.length + " bytes, but it has " + (raw.length - 5)), m);
  }

  @Test
  void truncatedHeader() throws IOException {
    Path f = writeSmall();
    Files.write(f, Arrays.copyOf(Files.readAllBytes(f), 10));
    String m = readFails(f).getMessage();
    assertTrue(m.contains(f.toString()) && m.contains("truncated") && m.contains("'n'"), m);
    Files.write(f, new byte[0]);
    m = readFails(f).getMessage();
    assertTrue(m.contains("truncated") && m.contains("magic"), m);
  }

  @Test
  void truncatedInsideClassNames() throws IOException {
    Path f = writeSmall();
    Files.write(f, Arrays.copyOf(Files.readAllBytes(f), 28 + 5));
    String m = readFails(f).getMessage();
    assertTrue(m.contains("truncated: file ends inside class name 0 of 3"), m);
  }

  @Test
  void badMagic() throws IOException {
    Path f = writeSmall();
    byte[] raw = Files.readAllBytes(f);
    raw[0] = 'P';
    raw[1] = 'K';
    Files.write(f, raw);
    String m = readFails(f).getMessage();
    assertTrue(m.contains(f.toString()) && m.contains("bad magic") && m.contains("504b4a44"), m);
  }

  @Test
  void unsupportedVersion() throws IOException {
    Path f = writeSmall();
    byte[] raw = Files.readAllBytes(f);
    raw[7] = 2;
    Files.write(f, raw);
    assertTrue(readFails(f).getMessage().contains("unsupported version 2"));
  }

  @Test
  void badHeaderSizes() throws IOException {
    Path f = writeSmall();
    byte[] raw = Files.readAllBytes(f);
    byte[] c = raw.clone();
    ByteBuffer.wrap(c).putInt(20, 2); // channels = 2
    Files.write(f, c);
    assertTrue(readFails(f).getMessage().contains("channels c=2 must be 1 or 3"));
    c = raw.clone();
    ByteBuffer.wrap(c).putInt(8, -1); // n = -1
    Files.write(f, c);
    assertTrue(readFails(f).getMessage().contains("n = -1 is negative"));
    c = raw.clone();
    ByteBuffer.wrap(c).putInt(8, 4); // n = 4: the file is now too short for 4 images
    Files.write(f, c);
    assertTrue(readFails(f).getMessage().contains("truncated: header says n=4"));
    c = raw.clone();
    ByteBuffer.wrap(c).putInt(8, 2); // n = 2: bytes left over
    Files.write(f, c);
    assertTrue(readFails(f).getMessage().contains("trailing bytes"));
    c = raw.clone();
    ByteBuffer.wrap(c).putInt(24, 0); // numClasses = 0
    Files.write(f, c);
    assertTrue(readFails(f).getMessage().contains("numClasses=0 must be in [1, 255]"));
  }

  @Test
  void labelOutOfRange() throws IOException {
    Path f = writeSmall();
    byte[] raw = Files.readAllBytes(f);
    int labelsAt = raw.length - 54 - 3;
    raw[labelsAt + 1] = 7;
    Files.write(f, raw);
    String m = readFails(f).getMessage();
    assertTrue(m.contains("label of image 1 is 7, outside [0, 3)"), m);
  }

  @Test
  void missingFile() {
    Path f = dir.resolve("nope.v4jd");
    IOException e = readFails(f);
    assertTrue(e.getMessage().contains("nope.v4jd"), e.getMessage());
  }
}
