package io.github.var4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.data.ImageDataset;
import io.github.var4j.data.SyntheticShapes;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassifierTrainerTest {
  @TempDir Path tmp;

  static final ClassifierConfig NET = new ClassifierConfig(1, 16, 16, 5, 4);
  static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());

  @Test
  void overfitsATinySyntheticSet() throws Exception {
    ImageDataset data = SyntheticShapes.generate(32, 16, 1, 1);
    try (ClassifierTrainer t =
        new ClassifierTrainer(NET, ClassifierTrainer.Config.quick(60), tmp.resolve("run"))) {
      ClassifierTrainer.Summary s = t.train(data, QUIET);
      assertEquals(60, s.steps());
      double acc = t.evaluate(data);
      assertTrue(acc >= 0.9, "train accuracy " + acc);
    }
  }

  /** A listener that stops the run after the step it names (a checkpoint step). */
  static final class Stop extends IOException {}

  @Test
  void resumesExactly() throws Exception {
    ImageDataset data = SyntheticShapes.generate(40, 16, 1, 2);
    ClassifierTrainer.Config cfg =
        new ClassifierTrainer.Config(8, 12, 3e-3, 2, "cos", 0.05, true, 2, 6, 100, 4);
    Path whole = tmp.resolve("whole"), parts = tmp.resolve("parts");
    try (ClassifierTrainer t = new ClassifierTrainer(NET, cfg, whole)) {
      t.train(data, QUIET);
    }
    try (ClassifierTrainer t = new ClassifierTrainer(NET, cfg, parts)) {
      assertThrows(
          Stop.class,
          () ->
              t.train(
                  data,
                  QUIET,
                  step -> {
                    if (step == 6) throw new Stop();
                  }));
    }
    try (ClassifierTrainer t = new ClassifierTrainer(NET, cfg, parts)) {
      ClassifierTrainer.Summary s = t.train(data, QUIET);
      assertEquals(6, s.steps());
    }
    String a = Files.readString(whole.resolve("metrics.csv"));
    String b = Files.readString(parts.resolve("metrics.csv"));
    assertEquals(13, a.lines().count()); // header + 12 steps
    assertEquals(a, b);
  }

  @Test
  void dataOfAnotherShapeIsRejected() throws Exception {
    ImageDataset rgb = SyntheticShapes.generate(8, 16, 3, 1);
    try (ClassifierTrainer t =
        new ClassifierTrainer(NET, ClassifierTrainer.Config.quick(4), tmp.resolve("r"))) {
      var e = assertThrows(IllegalArgumentException.class, () -> t.train(rgb, QUIET));
      assertEquals("data images are 16x16x3, the classifier expects 16x16x1", e.getMessage());
    }
  }
}
