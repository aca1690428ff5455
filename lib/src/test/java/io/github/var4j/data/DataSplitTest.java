package io.github.var4j.data;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSplitTest {

  @Test
  void perClassPrefixOnSynthetic() {
    ImageDataset all = SyntheticShapes.generate(53, 8, 1, 3L); // labels i%5: counts 11,11,11,10,10
    assertArrayEquals(new int[] {11, 11, 11, 10, 10}, all.classCounts());
    DataSplit s = DataSplit.firstPerClass(all, 10);
    assertEquals(50, s.train().size());
    assertEquals(3, s.test().size());
    assertArrayEquals(new int[] {10, 10, 10, 10, 10}, s.train().classCounts());
    assertArrayEquals(new int[] {1, 1, 1, 0, 0}, s.test().classCounts());
    // the held-out image of class k is its last one (file order): index 50 + k
    for (int k = 0; k < 3; k++) assertArrayEquals(all.image(50 + k), s.test().image(k));
    // train keeps dataset order: first train images are dataset images 0..4
    for (int i = 0; i < 5; i++) assertArrayEquals(all.image(i), s.train().image(i));

    DataSplit f = DataSplit.fraction(all, 6, 7); // floor(11*6/7)=9, floor(10*6/7)=8
    assertArrayEquals(new int[] {9, 9, 9, 8, 8}, f.train().classCounts());
    assertArrayEquals(new int[] {2, 2, 2, 2, 2}, f.test().classCounts());
    assertEquals(f.train().size(), Mnist.split(all).train().size());

    assertThrows(IllegalArgumentException.class, () -> DataSplit.perClassPrefix(all, n -> n + 1));
    assertThrows(IllegalArgumentException.class, () -> DataSplit.fraction(all, 8, 7));
  }

  @Test
  void missingCacheNamesPathAndScript(@TempDir Path empty) {
    IOException e = assertThrows(IOException.class, () -> Datasets.fashionMnist(empty));
    assertEquals(
        "Fashion-MNIST not found at "
            + empty.resolve("fashion-mnist.v4jd")
            + ": run scripts/fetch-data.sh",
        e.getMessage());
    IOException e2 = assertThrows(IOException.class, () -> Datasets.mnist(empty));
    assertTrue(e2.getMessage().endsWith(": run scripts/fetch-data.sh"), e2.getMessage());
  }

  @Test
  void corruptCacheFileSaysHowToRecover(@TempDir Path cache) throws IOException {
    java.nio.file.Files.write(
        cache.resolve(FashionMnist.FILE_NAME), new byte[] {'V', '4', 'J', 'D', 0, 0});
    IOException e = assertThrows(IOException.class, () -> Datasets.fashionMnist(cache));
    assertTrue(
        e.getMessage().contains(cache.resolve(FashionMnist.FILE_NAME).toString()), e.getMessage());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    assertTrue(
        e.getMessage().endsWith("(delete it and run scripts/fetch-data.sh)"), e.getMessage());
  }

  /** Requires the converted file: run scripts/fetch-data.sh first (CI does). */
  @Test
  void realFashionMnist() throws IOException {
    DataSplit s = Datasets.fashionMnist();
    ImageDataset tr = s.train(), te = s.test();
    assertEquals(60000, tr.size());
    assertEquals(10000, te.size());
    for (ImageDataset d : new ImageDataset[] {tr, te}) {
      assertEquals(28, d.height());
      assertEquals(28, d.width());
      assertEquals(1, d.channels());
      assertEquals(10, d.numClasses());
      assertEquals(FashionMnist.CLASS_NAMES, d.classNames());
    }
    assertEquals("Ankle boot", tr.className(9));
    assertArrayEquals(
        new int[] {6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000}, tr.classCounts());
    assertArrayEquals(
        new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, te.classCounts());
    // the official training image 0 (an ankle boot) is image 899 of class 9: row 3 as printed in
    // the TF tutorial
    int[] row3 = {
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 13, 73, 0, 0, 1, 4, 0, 0, 0, 0, 1, 1, 0
    };
    int i = 9 * 6000 + 899;
    assertEquals(9, tr.label(i));
    for (int x = 0; x < 28; x++) assertEquals(row3[x], tr.pixel(i, 3, x, 0), "x=" + x);
    // checksum of all 70000 images (computed independently from the JSON with numpy); mean/255 =
    // 0.28622,
    // matching the published Fashion-MNIST mean (0.2860 train, 0.2868 test)
    long sum = 0;
    for (ImageDataset d : new ImageDataset[] {tr, te})
      for (byte b : d.pixelsView()) sum += b & 0xFF;
    assertEquals(4005470023L, sum);
  }

  /** Requires the converted file: run scripts/fetch-data.sh first (CI does). */
  @Test
  void realMnist() throws IOException {
    DataSplit s = Datasets.mnist();
    assertEquals(8569, s.train().size());
    assertEquals(1431, s.test().size());
    assertArrayEquals(
        new int[] {858, 966, 849, 884, 840, 739, 869, 917, 809, 838}, s.train().classCounts());
    int[] all = {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978};
    for (int k = 0; k < 10; k++)
      assertEquals(all[k], s.train().classCounts()[k] + s.test().classCounts()[k]);
    assertEquals(28, s.train().height());
    assertEquals(1, s.train().channels());
    long sum = 0;
    for (ImageDataset d : new ImageDataset[] {s.train(), s.test()})
      for (byte b : d.pixelsView()) sum += b & 0xFF;
    assertEquals(262146600L, sum); // mean/255 = 0.1311 (published MNIST mean 0.1307)
  }
}
