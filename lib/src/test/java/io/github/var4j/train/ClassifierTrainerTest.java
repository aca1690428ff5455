package io.github.var4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.data.ImageDataset;
import io.github.var4j.data.SyntheticShapes;
import io.github.var4j.nn.Tensors;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.framework.losses.CategoricalCrossentropy;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TFloat32;

class ClassifierTrainerTest {
  @TempDir Path tmp;

  static final ClassifierConfig NET = new ClassifierConfig(1, 16, 16, 5, 4);
  static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());

  @Test
  void overfitsATinySyntheticSet() throws Exception {
    ImageDataset data = SyntheticShapes.generate(32, 16, 1, 1);
    try (ClassifierTrainer t =
        new ClassifierTrainer(NET, ClassifierTrainConfig.quick(60), tmp.resolve("run"))) {
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
    ClassifierTrainConfig cfg =
        ClassifierTrainConfig.builder()
            .batchSize(8)
            .steps(12)
            .lr(3e-3)
            .warmupSteps(2)
            .schedule("cos")
            .weightDecay(0.05)
            .flip(true)
            .maxShift(2)
            .checkpointEvery(6)
            .logEvery(100)
            .seed(4)
            .build();
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

  /**
   * docs/DESIGN.md's framework verdict: tensorflow-framework's CategoricalCrossentropy (from
   * logits) works in graph mode on resource variables and gives the loss and gradient of our
   * LogSoftmax + OneHot form.
   */
  @Test
  void frameworkCrossEntropyMatchesLogSoftmaxOneHot() {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      VarHandleOp h = tf.varHandleOp(TFloat32.class, Shape.of(3, 4), VarHandleOp.sharedName("W"));
      Op init =
          tf.assignVariableOp(
              h,
              tf.constant(
                  new float[][] {
                    {0.1f, 0.2f, -0.3f, 0.4f}, {0.5f, -0.6f, 0.7f, 0.1f}, {-0.2f, 0.3f, 0.1f, 0.9f}
                  }));
      Operand<TFloat32> logits =
          tf.linalg.matMul(
              tf.constant(new float[][] {{1f, 2f, 3f}, {-1f, 0.5f, 2f}}),
              tf.readVariableOp(h, TFloat32.class));
      Operand<TFloat32> oneHot =
          tf.oneHot(
              tf.constant(new int[] {2, 0}), tf.constant(4), tf.constant(1f), tf.constant(0f));
      Operand<TFloat32> fw = new CategoricalCrossentropy(true).call(tf, oneHot, logits, null);
      Operand<TFloat32> ours =
          tf.math.mean(
              tf.math.neg(
                  tf.reduceSum(tf.math.mul(oneHot, tf.nn.logSoftmax(logits)), tf.constant(1))),
              tf.constant(0));
      Output<?> gFw = g.addGradients(fw.asOutput(), new Output<?>[] {h.asOutput()})[0];
      Output<?> gOurs = g.addGradients(ours.asOutput(), new Output<?>[] {h.asOutput()})[0];
      s.runner().addTarget(init).run();
      try (Result r = s.runner().fetch(fw).fetch(ours).fetch(gFw).fetch(gOurs).run()) {
        assertEquals(Tensors.floats(r.get(1))[0], Tensors.floats(r.get(0))[0], 1e-6);
        float[] a = Tensors.floats(r.get(2)), b = Tensors.floats(r.get(3));
        for (int i = 0; i < a.length; i++) assertEquals(b[i], a[i], 1e-6);
      }
    }
  }

  @Test
  void dataOfAnotherShapeIsRejected() throws Exception {
    ImageDataset rgb = SyntheticShapes.generate(8, 16, 3, 1);
    try (ClassifierTrainer t =
        new ClassifierTrainer(NET, ClassifierTrainConfig.quick(4), tmp.resolve("r"))) {
      var e = assertThrows(IllegalArgumentException.class, () -> t.train(rgb, QUIET));
      assertEquals("data images are 16x16x3, the classifier expects 16x16x1", e.getMessage());
    }
  }
}
