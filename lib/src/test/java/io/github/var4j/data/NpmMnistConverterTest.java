package io.github.var4j.data;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpmMnistConverterTest {

  @TempDir Path dir;

  private Path json(String text) throws IOException {
    return Files.writeString(dir.resolve("t" + System.nanoTime() + ".json"), text);
  }

  private IOException fails(String text, int ppi, NpmJsonPixels.Scale scale) throws IOException {
    Path f = json(text);
    IOException e = assertThrows(IOException.class, () -> NpmJsonPixels.read(f, ppi, scale));
    assertTrue(
        e.getMessage().startsWith("malformed npm pixel JSON " + f + " at byte "), e.getMessage());
    return e;
  }

  @Test
  void nestedIntsSkipEmptyLists() throws IOException {
    NpmJsonPixels.Result r =
        NpmJsonPixels.read(
            json("{ \"data\" : [[1,2,3,4],\n [], [255, 0, 7, 8] ,[]] }\n"),
            4,
            NpmJsonPixels.Scale.UINT8);
    assertEquals(2, r.images());
    assertEquals(2, r.skippedEmpty());
    assertArrayEquals(new byte[] {1, 2, 3, 4, (byte) 255, 0, 7, 8}, r.pixels());
  }

  @Test
  void flatUnitFloatsRoundToUint8() throws IOException {
    NpmJsonPixels.Result r =
        NpmJsonPixels.read(
            json("{\"data\": [0,0.004,1,0.502, 0.2,0.624,0.992,0.196]}"),
            4,
            NpmJsonPixels.Scale.UNIT);
    assertEquals(2, r.images());
    int[] want = {0, 1, 255, 128, 51, 159, 253, 50};
    for (int i = 0; i < want.length; i++) assertEquals(want[i], r.pixels()[i] & 0xFF, "value " + i);
    // every k/255 rounded to 3 decimals maps back to k
    StringJoiner sj = new StringJoiner(",", "{\"data\":[", "]}");
    for (int k = 0; k < 256; k++) sj.add(String.format(java.util.Locale.ROOT, "%.3f", k / 255.0));
    byte[] px = NpmJsonPixels.read(json(sj.toString()), 256, NpmJsonPixels.Scale.UNIT).pixels();
    for (int k = 0; k < 256; k++) assertEquals(k, px[k] & 0xFF);
  }

  @Test
  void largeFileAcrossBufferRefills() throws IOException {
    Random rnd = new Random(1);
    byte[] want = new byte[300 * 784];
    StringBuilder sb = new StringBuilder("{\"data\":[");
    for (int i = 0; i < 300; i++) {
      sb.append(i == 0 ? "[" : ",[");
      for (int p = 0; p < 784; p++) {
        int v = rnd.nextInt(256);
        want[i * 784 + p] = (byte) v;
        sb.append(p == 0 ? "" : ",").append(v);
      }
      sb.append(']');
    }
    sb.append("]}");
    assertTrue(sb.length() > 3 * 65536);
    NpmJsonPixels.Result r =
        NpmJsonPixels.read(json(sb.toString()), 784, NpmJsonPixels.Scale.UINT8);
    assertEquals(300, r.images());
    assertArrayEquals(want, r.pixels());
  }

  @Test
  void malformedInputIsReportedWithFileAndOffset() throws IOException {
    NpmJsonPixels.Scale U8 = NpmJsonPixels.Scale.UINT8, UN = NpmJsonPixels.Scale.UNIT;
    assertTrue(
        fails("{\"data\":[[1,2,3]]}", 4, U8)
            .getMessage()
            .endsWith("image list 0 has 3 values, expected 4"));
    assertTrue(
        fails("{\"data\":[[1,2,3,4],[1,2,3,4,5]]}", 4, U8)
            .getMessage()
            .endsWith("image list 1 has 5 values, expected 4"));
    assertTrue(
        fails("{\"data\":[[1,2,256,4]]}", 4, U8)
            .getMessage()
            .endsWith("pixel value 256 outside 0..255"));
    assertTrue(
        fails("{\"data\":[[1,2,2.5,4]]}", 4, U8)
            .getMessage()
            .endsWith("expected an integer 0..255, got a decimal"));
    assertTrue(
        fails("{\"data\":[[1,-2,3,4]]}", 4, U8).getMessage().endsWith("negative pixel value"));
    assertTrue(
        fails("{\"data\":[1,2,3,4,5]}", 4, U8)
            .getMessage()
            .endsWith("flat data has 5 values, not a multiple of 4"));
    assertTrue(
        fails("{\"pix\":[1,2,3,4]}", 4, U8)
            .getMessage()
            .endsWith("expected key \"data\", got \"pix\""));
    assertTrue(
        fails("{\"data\":[1,2,3,4]", 4, U8).getMessage().endsWith("expected '}', got end of file"));
    assertTrue(
        fails("{\"data\":[1,2,3,4", 4, U8)
            .getMessage()
            .endsWith("expected ',' or ']' in the data array, got end of file"));
    assertTrue(
        fails("{\"data\":[1,2,3,4]} x", 4, U8)
            .getMessage()
            .endsWith("unexpected 'x' after the closing '}'"));
    assertTrue(
        fails("{\"data\":[[1,2,3,4],5]}", 4, U8)
            .getMessage()
            .contains("expected '[' (nested list of images)"));
    assertTrue(
        fails("{\"data\":[1e2,0,0,0]}", 4, U8)
            .getMessage()
            .endsWith("exponent notation is not supported"));
    assertTrue(
        fails("{\"data\":[1.5,0,0,0]}", 4, UN).getMessage().endsWith("value 1.5 outside [0, 1]"));
    assertTrue(
        fails("{\"data\":[0.5,0,0,0]}", 4, UN)
            .getMessage()
            .contains("not a rounded multiple of 1/255"));
    // 0-based offset of the offending number: '2.5' starts at byte 12
    assertTrue(fails("{\"data\":[[1,2.5,3,4]]}", 4, U8).getMessage().contains(" at byte 12: "));
  }

  /**
   * Writes package/src/{folder}/{0..9}.json; class k has k%3+1 images of value (k*10 + image)
   * everywhere.
   */
  private Path fakePackage(String folder, boolean nested) throws IOException {
    Path src =
        Files.createDirectories(
            dir.resolve("pkg").resolve("package").resolve("src").resolve(folder));
    for (int k = 0; k < 10; k++) {
      StringJoiner data = new StringJoiner(",", "{\"data\":[", "]}");
      if (nested && k == 0) data.add("[]");
      for (int i = 0; i < k % 3 + 1; i++) {
        int v = k * 10 + i;
        StringJoiner img = nested ? new StringJoiner(",", "[", "]") : data;
        String s =
            nested ? Integer.toString(v) : String.format(java.util.Locale.ROOT, "%.3f", v / 255.0);
        for (int p = 0; p < 784; p++) img.add(s);
        if (nested) data.add(img.toString());
      }
      Files.writeString(src.resolve(k + ".json"), data.toString());
    }
    return dir.resolve("pkg");
  }

  @Test
  void convertsFashionLayoutAndWritesV4jd() throws IOException {
    Path pkg = fakePackage("clothes", true);
    NpmMnistConverter.Report rep =
        NpmMnistConverter.convert(NpmMnistConverter.Source.FASHION_MNIST, pkg);
    ImageDataset d = rep.dataset();
    int[] counts = {1, 2, 3, 1, 2, 3, 1, 2, 3, 1};
    assertArrayEquals(counts, d.classCounts());
    assertArrayEquals(new int[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, rep.skippedEmptyPerClass());
    assertEquals(FashionMnist.CLASS_NAMES, d.classNames());
    assertEquals(28, d.height());
    assertEquals(1, d.channels());
    int i = 0;
    for (int k = 0; k < 10; k++)
      for (int j = 0; j < counts[k]; j++, i++) {
        assertEquals(k, d.label(i));
        assertEquals(k * 10 + j, d.pixel(i, 27, 27, 0));
        assertEquals(k * 10 + j, d.pixel(i, 0, 0, 0));
      }

    Path out = dir.resolve("cache").resolve("fashion-mnist.v4jd");
    NpmMnistConverter.main(
        new String[] {"fashion-mnist", pkg.resolve("package").toString(), out.toString()});
    ImageDataset back =
        V4jdFile.readCached(
            dir.resolve("cache").resolve(FashionMnist.FILE_NAME), FashionMnist.NAME);
    assertArrayEquals(d.pixels(), back.pixels());
    assertArrayEquals(d.labels(), back.labels());
  }

  @Test
  void convertsMnistFlatFloats() throws IOException {
    Path pkg = fakePackage("digits", false);
    ImageDataset d = NpmMnistConverter.convert(NpmMnistConverter.Source.MNIST, pkg).dataset();
    assertArrayEquals(new int[] {1, 2, 3, 1, 2, 3, 1, 2, 3, 1}, d.classCounts());
    assertEquals(Mnist.CLASS_NAMES, d.classNames());
    assertEquals(
        90, d.pixel(d.size() - 1, 14, 14, 0)); // class 9 image 0: "0.353" -> round(0.353*255) = 90
  }

  @Test
  void missingClassFileIsNamed() throws IOException {
    Path pkg = fakePackage("digits", false);
    Path gone = pkg.resolve("package/src/digits/7.json");
    Files.delete(gone);
    IOException e =
        assertThrows(
            IOException.class,
            () -> NpmMnistConverter.convert(NpmMnistConverter.Source.MNIST, pkg));
    assertEquals("mnist package is incomplete: missing " + gone, e.getMessage());
    IOException e2 =
        assertThrows(
            IOException.class,
            () -> NpmMnistConverter.convert(NpmMnistConverter.Source.FASHION_MNIST, pkg));
    assertTrue(
        e2.getMessage().startsWith("fashion-mnist package not found: no folder "), e2.getMessage());
  }
}
