package io.github.var4j.quant;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.io.Npy;
import io.github.var4j.testutil.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ResamplingTest {
  private static final Pattern NAME =
      Pattern.compile("(tiny|real)_(area|bicubic)_(\\d+)to(\\d+)\\.npy");

  /** Every interp/ fixture matrix equals ours at the manifest tolerance. */
  @Test
  void everyFixtureMatrixMatchesPyTorch() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(Fixtures.path("interp"))) {
      files = s.filter(p -> p.toString().endsWith(".npy")).sorted().toList();
    }
    assertEquals(
        Fixtures.files("interp/").stream().sorted().toList(),
        files.stream().map(f -> "interp/" + f.getFileName()).sorted().toList(),
        "interp/ holds exactly the manifest's matrices");
    double worst = 0;
    for (Path p : files) {
      String name = p.getFileName().toString();
      Matcher m = NAME.matcher(name);
      assertTrue(m.matches(), "unexpected interp file " + name);
      int in = Integer.parseInt(m.group(3)), out = Integer.parseInt(m.group(4));
      String rel = "interp/" + name;
      Npy.Array a = Fixtures.npy(rel);
      assertArrayEquals(new long[] {out, in}, a.shape(), rel);
      float[] mine =
          m.group(2).equals("area") ? Resampling.area(in, out) : Resampling.bicubic(in, out);
      worst = Math.max(worst, Fixtures.assertClose(a.asFloats(), mine, Fixtures.tol(rel), rel));
    }
    System.out.println("interp: max |diff| over " + files.size() + " matrices = " + worst);
  }

  @Test
  void rowsSumToOneAndSameSizeIsIdentity() {
    for (int in = 1; in <= 20; in++) {
      for (int out = 1; out <= 20; out++) {
        float[] a = Resampling.area(in, out);
        float[] b = Resampling.bicubic(in, out);
        for (int o = 0; o < out; o++) {
          double sa = 0, sb = 0;
          for (int i = 0; i < in; i++) {
            sa += a[o * in + i];
            sb += b[o * in + i];
          }
          assertEquals(1.0, sa, 1e-6, "area row sum " + in + "->" + out);
          assertEquals(1.0, sb, 1e-6, "bicubic row sum " + in + "->" + out);
        }
      }
      float[] id = new float[in * in];
      for (int i = 0; i < in; i++) id[i * in + i] = 1f;
      assertArrayEquals(id, Resampling.area(in, in));
      assertArrayEquals(id, Resampling.bicubic(in, in));
    }
  }

  @Test
  void knownValues() {
    // area 4 -> 3: windows [0,2), [1,3), [2,4) (overlapping)
    assertArrayEquals(
        new float[] {.5f, .5f, 0, 0, 0, .5f, .5f, 0, 0, 0, .5f, .5f}, Resampling.area(4, 3));
    // bicubic 1 -> n is a constant broadcast
    for (float v : Resampling.bicubic(1, 7)) assertEquals(1f, v, 1e-7f);
    // bicubic 2 -> 4: src = -0.25, 0.25, 0.75, 1.25; middle rows t=0.25: [c2(1.25)+c1(.25),
    // c1(.75)+c2(1.75)]
    float[] m = Resampling.bicubic(2, 4);
    assertEquals(Resampling.cubic2(1.25) + Resampling.cubic1(0.25), m[2], 1e-7);
    assertEquals(Resampling.cubic1(0.75) + Resampling.cubic2(1.75), m[3], 1e-7);
    assertThrows(IllegalArgumentException.class, () -> Resampling.area(0, 3));
  }
}
