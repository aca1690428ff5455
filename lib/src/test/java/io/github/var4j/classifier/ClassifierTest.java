package io.github.var4j.classifier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.var4j.data.ImageDataset;
import io.github.var4j.data.SyntheticShapes;
import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassifierTest {
  @TempDir Path tmp;

  static final ClassifierConfig SMALL = new ClassifierConfig(1, 16, 8, 5, 4);

  static float[] images(int n) {
    ImageDataset d = SyntheticShapes.generate(n, 16, 1, 3);
    return d.toFloatBatch(IntStream.range(0, n).toArray(), 16);
  }

  @Test
  void outputShapesAndSoftmaxRowsSumToOne() {
    try (Classifier c = Classifier.initialized(SMALL, 1)) {
      int n = 7;
      Classifier.Outputs o = c.run(images(n), n);
      assertEquals(n * SMALL.featureDim(), o.features().length);
      assertEquals(32, SMALL.featureDim());
      assertEquals(n * 5, o.probabilities().length);
      for (int i = 0; i < n; i++) {
        double sum = 0;
        for (int k = 0; k < 5; k++) {
          float p = o.probabilities()[i * 5 + k];
          assertTrue(p >= 0 && p <= 1, "probability " + p);
          sum += p;
        }
        assertEquals(1.0, sum, 1e-5);
      }
      assertEquals(n, o.predictions().length);
    }
  }

  @Test
  void chunksGiveTheSameOutputsAsOneBatch() {
    try (Classifier c = Classifier.initialized(SMALL, 1)) {
      int n = Classifier.DEFAULT_CHUNK + 3;
      float[] x = new float[n * 16 * 16];
      float[] few = images(5);
      for (int i = 0; i < n; i++) System.arraycopy(few, (i % 5) * 256, x, i * 256, 256);
      float[] all = c.features(x, n);
      float[] head = c.features(few, 5);
      // image i of the big batch is few[i % 5]: the last one lies in the second chunk
      for (int j = 0; j < 32; j++) {
        assertEquals(head[((n - 1) % 5) * 32 + j], all[(n - 1) * 32 + j], 1e-5);
      }
    }
  }

  @Test
  void modelDirectoryRoundTripGivesIdenticalOutputs() throws Exception {
    float[] x = images(6);
    Path dir = tmp.resolve("cls");
    Classifier.Outputs before;
    try (Classifier c = Classifier.initialized(SMALL, 5)) {
      before = c.run(x, 6);
      ModelDir.save(dir, ModelKind.CLASSIFIER, SMALL, c.stateDict());
    }
    ClassifierConfig cfg = ModelDir.config(dir, ModelKind.CLASSIFIER);
    assertEquals(SMALL, cfg);
    try (Classifier c = Classifier.load(cfg, ModelDir.weights(dir))) {
      Classifier.Outputs after = c.run(x, 6);
      assertArrayEquals(before.features(), after.features());
      assertArrayEquals(before.probabilities(), after.probabilities());
    }
  }

  @Test
  void initialisationIsDeterministicForASeed() {
    float[] x = images(3);
    try (Classifier a = Classifier.initialized(SMALL, 9);
        Classifier b = Classifier.initialized(SMALL, 9)) {
      assertArrayEquals(a.features(x, 3), b.features(x, 3));
    }
  }

  @Test
  void wrongImageSizeOrChannelsIsAnErrorNamingBoth() {
    try (Classifier c = Classifier.initialized(SMALL, 1)) {
      var e = assertThrows(IllegalArgumentException.class, () -> c.run(new float[2 * 28 * 28], 2));
      assertEquals(
          "expected 512 floats for 2 images of 16x16x1 (NHWC), got 1568 (2 images of 28x28x1?)",
          e.getMessage());
      var e3 =
          assertThrows(IllegalArgumentException.class, () -> c.run(new float[2 * 16 * 16 * 3], 2));
      assertTrue(
          e3.getMessage().contains("16x16x1") && e3.getMessage().contains("16x16x3"),
          e3.getMessage());
      assertThrows(IllegalArgumentException.class, () -> c.run(new float[0], 0));
    }
  }

  @Test
  void badConfigurationsAreRejected() {
    var e =
        assertThrows(IllegalArgumentException.class, () -> new ClassifierConfig(1, 28, 32, 10, 8));
    assertEquals("imageSize must be a positive multiple of 8, got 28", e.getMessage());
    var w =
        assertThrows(IllegalArgumentException.class, () -> new ClassifierConfig(1, 32, 12, 10, 8));
    assertEquals("width must be a positive multiple of groups=8, got 12", w.getMessage());
  }
}
