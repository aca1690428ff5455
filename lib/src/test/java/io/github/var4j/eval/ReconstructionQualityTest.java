package io.github.var4j.eval;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.classifier.Classifier;
import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.data.ImageDataset;
import io.github.var4j.data.SyntheticShapes;
import org.junit.jupiter.api.Test;

class ReconstructionQualityTest {
  @Test
  void perfectReconstructionsScoreZeroAndTheOriginalsAccuracy() {
    ImageDataset test = SyntheticShapes.generate(64, 16, 1, 3);
    try (Classifier c = Classifier.initialized(new ClassifierConfig(1, 16, 8, 10, 4), 2)) {
      ReconstructionQuality rq = new ReconstructionQuality(c, test, 100);
      assertEquals(64, rq.n(), "capped at the test split's size");
      ReconstructionQuality.Scores s = rq.scoreImages(rq.images().clone());
      assertEquals(0.0, s.rfid(), 1e-6);
      assertEquals(rq.referenceAccuracy(), s.classAccuracy());
      float[] blurred = rq.images().clone();
      for (int i = 0; i < blurred.length; i++) blurred[i] *= 0.5f;
      assertTrue(rq.scoreImages(blurred).rfid() > 1e-4, "a changed set scores above 0");
      var e =
          assertThrows(IllegalArgumentException.class, () -> new ReconstructionQuality(c, test, 0));
      assertEquals("need at least 1 image, got 0", e.getMessage());
    }
  }
}
