package io.github.var4j.train;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.nn.StateDict;
import io.github.var4j.nn.TfCheckpoint;
import io.github.var4j.optim.LrSchedule;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
import io.github.var4j.transformer.VarConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VarTrainerTest {
  @TempDir Path tmp;

  static final int[] PNS = {1, 2, 4}; // L = 21
  static final int V = 32, CVAE = 8, CLASSES = 10;

  /**
   * Synthetic token maps that a transformer can learn: token = f(label, position) for 3/4 of the
   * images' positions, random elsewhere, so loss and accuracy have room to move but never reach a
   * trivial 100%.
   */
  static TokenCache tokens(int n, long seed) {
    int l = 21;
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    int[] labels = new int[n], t = new int[n * l];
    for (int i = 0; i < n; i++) {
      labels[i] = r.nextInt(CLASSES);
      for (int j = 0; j < l; j++)
        t[i * l + j] = r.nextInt(4) == 0 ? r.nextInt(V) : (labels[i] * 5 + j * 3) % V;
    }
    return TokenCache.of(ScaleSchedule.of(PNS), V, CLASSES, labels, t, new byte[32]);
  }

  /**
   * A deterministic stand-in for Tokenizer::varInput (x has L - 1 = 20 rows of Cvae): row j is a
   * fixed code of the token at position j in scale order, so x carries the preceding tokens as real
   * teacher forcing does.
   */
  static final VarTrainer.XSource XS =
      (perScale, n) -> {
        float[] x = new float[n * 20 * CVAE];
        for (int b = 0; b < n; b++) {
          int pos = 0;
          for (int k = 0; k < PNS.length; k++) {
            int t = PNS[k] * PNS[k];
            for (int j = 0; j < t && pos < 20; j++, pos++) {
              int id = perScale.get(k)[b * t + j];
              for (int c = 0; c < CVAE; c++)
                x[(b * 20 + pos) * CVAE + c] = (float) Math.sin(0.7 * id + c);
            }
          }
        }
        return x;
      };

  /**
   * Trains (or resumes) {@code t} on 96 synthetic training images, evaluating on 24 others: the
   * tiny run of the kill/resume and data-parallel tests.
   */
  static VarTrainer.Summary trainTiny(VarTrainer t, StepListener listener, PrintStream log)
      throws IOException {
    return t.train(tokens(96, 1), tokens(TINY_TEST_IMAGES, 2), XS, log, listener);
  }

  /** Test images of {@link #trainTiny}. */
  static final int TINY_TEST_IMAGES = 24;

  static VarTrainConfig train(long steps) {
    return VarTrainConfig.builder()
        .depth(2)
        .width(32)
        .heads(2)
        .batchSize(16)
        .steps(steps)
        .peakLr(1e-2)
        .warmupFrac(0.1)
        .wpe(0.01)
        .weightDecay(0.05)
        .clip(2.0)
        .labelSmoothing(0.0)
        .condDropRate(0.1)
        .evalEvery(20)
        .evalImages(32)
        .checkpointEvery(20)
        .logEvery(10)
        .seed(7)
        .build();
  }

  static VarConfig model(VarTrainConfig c) {
    return c.modelConfig(V, CVAE, CLASSES, ScaleSchedule.of(PNS));
  }

  @Test
  void lossFallsCheckpointIsWrittenResumeContinuesAndExportLoads() throws Exception {
    TokenCache trainSet = tokens(96, 1), testSet = tokens(40, 2);
    Path run = tmp.resolve("run");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    VarTrainConfig c60 = train(60);
    VarTrainer.Summary s1;
    try (VarTrainer t = new VarTrainer(model(c60), c60, run)) {
      s1 = t.train(trainSet, testSet, XS, new PrintStream(log, true));
    }
    assertEquals(0, s1.startStep());
    assertEquals(60, s1.endStep());
    assertTrue(TfCheckpoint.exists(run.resolve("ckpt")));
    assertTrue(Files.isRegularFile(run.resolve("config.json")));
    List<String> rows = Files.readAllLines(run.resolve("metrics.csv"));
    assertEquals("step,lr,loss,acc,acc_tail,grad_norm", rows.get(0));
    assertEquals(61, rows.size());
    double first = col(rows.get(1), 2), lastMean = 0;
    for (int i = 56; i <= 60; i++) lastMean += col(rows.get(i), 2) / 5;
    assertEquals(Math.log(V), first, 0.15, "initial loss ~ ln V");
    assertTrue(lastMean < 0.7 * first, "training loss should fall: " + first + " -> " + lastMean);
    List<String> ev = Files.readAllLines(run.resolve("eval.csv"));
    assertEquals(String.join(",", VarTrainer.EVAL_HEADER), ev.get(0));
    assertEquals(List.of(0.0, 20.0, 40.0, 60.0), ev.stream().skip(1).map(l -> col(l, 0)).toList());
    assertEquals(Math.log(V), col(ev.get(1), 5), 0.15, "test loss before training ~ ln V");
    assertTrue(col(ev.get(4), 5) < 0.75 * col(ev.get(1), 5), "test loss should fall: " + ev);
    assertTrue(col(ev.get(4), 6) > 35, "test accuracy should rise above 35%: " + ev);
    assertEquals(s1.finalEval().loss(), col(ev.get(4), 5), 1e-4);
    assertEquals(32, s1.finalEval().images());
    String out = log.toString();
    assertTrue(out.contains("[var] step 60/60 (100.0%)") && out.contains("eta"), out);
    assertTrue(out.contains("[var] eval step 60 (32 test images)"), out);

    // resume to 80 steps: continues at 60, keeps the first rows
    ByteArrayOutputStream log2 = new ByteArrayOutputStream();
    VarTrainConfig c80 = train(80);
    try (VarTrainer t = new VarTrainer(model(c80), c80, run)) {
      VarTrainer.Summary s2 = t.train(trainSet, testSet, XS, new PrintStream(log2, true));
      assertEquals(60, s2.startStep());
      assertEquals(20, s2.steps());
      assertTrue(
          log2.toString().contains("[var] resumed from " + run.resolve("ckpt") + " at step 60"),
          log2.toString());
      assertEquals(81, Files.readAllLines(run.resolve("metrics.csv")).size());
      assertEquals(
          List.of(0.0, 20.0, 40.0, 60.0, 80.0),
          Files.readAllLines(run.resolve("eval.csv")).stream()
              .skip(1)
              .map(l -> col(l, 0))
              .toList());
      // export, reload, evaluate: same metrics as the trainer's own evaluation
      Path dir = tmp.resolve("model");
      t.export(dir);
      VarConfig loaded = ModelDir.config(dir, ModelKind.VAR);
      assertEquals(model(c80), loaded);
      StateDict sd = StateDict.loadNpyDir(dir);
      assertEquals(
          t.numParams(), sd.names().stream().mapToLong(n -> sd.get(n).data().length).sum());
      VarEvaluator.Result a = t.evaluate(testSet, XS, 0);
      VarEvaluator.Result b = VarEvaluator.evaluateModel(loaded, sd, testSet, XS, 0);
      assertEquals(40, a.images());
      assertEquals(a.loss(), b.loss(), 1e-5);
      // the accuracies count argmax hits of two graphs that may round differently: they may
      // differ by the near-tie flips DataParallelTest derives for this model and data (a
      // probability below 1e-6 of more, over these two values)
      int all = a.images() * 21, tail = a.images() * PNS[PNS.length - 1] * PNS[PNS.length - 1];
      assertEquals(a.acc(), b.acc(), 1e-4 + DataParallelTest.allowedFlips(all, 2) * 100.0 / all);
      assertEquals(
          a.accTail(), b.accTail(), 1e-4 + DataParallelTest.allowedFlips(tail, 2) * 100.0 / tail);
    }
  }

  @Test
  void checkpointOfAnotherConfigurationIsRejectedWithBothConfigurations() throws Exception {
    TokenCache trainSet = tokens(32, 3);
    Path run = tmp.resolve("run");
    VarTrainConfig c = train(4).withEval(0, 0);
    try (VarTrainer t = new VarTrainer(model(c), c, run)) {
      t.train(trainSet, null, XS, new PrintStream(new ByteArrayOutputStream()));
    }
    VarTrainConfig deeper = c.withDepth(3);
    try (VarTrainer t = new VarTrainer(model(deeper), deeper, run)) {
      IOException e =
          assertThrows(IOException.class, () -> t.train(trainSet, null, XS, System.out));
      assertEquals(
          "checkpoint "
              + run.resolve("ckpt")
              + " was saved for depth 2, width 32, heads 2, vocab 32, Cvae 8, "
              + "10 classes, patchNums [1, 2, 4]; this model has depth 3, width 32, heads 2, vocab 32, Cvae 8, 10 classes, "
              + "patchNums [1, 2, 4] (differs in: depth 2 vs 3, dropPathRate 0.008333333333333333 vs 0.012500000000000002). Resume with "
              + "the same configuration, or use another run directory.",
          e.getMessage());
    }
    // without config.json the checkpoint's shapes still give a clear error
    Files.delete(run.resolve("config.json"));
    VarTrainConfig wider = c.withWidth(64, 2);
    try (VarTrainer t = new VarTrainer(model(wider), wider, run)) {
      IOException e =
          assertThrows(IOException.class, () -> t.train(trainSet, null, XS, System.out));
      assertTrue(
          e.getMessage()
              .startsWith("checkpoint " + run.resolve("ckpt") + " does not match this model: '"),
          e.getMessage());
      assertTrue(e.getMessage().contains("but the model expects"), e.getMessage());
    }
  }

  @Test
  void nanLossStopsAndKeepsTheLastCheckpoint() throws Exception {
    TokenCache trainSet = tokens(32, 4);
    Path run = tmp.resolve("nan");
    // lr 1e30 without warm-up: step 1 leaves finite but absurd weights (checkpointed), step 2
    // overflows
    VarTrainConfig bad =
        VarTrainConfig.builder()
            .depth(2)
            .width(32)
            .heads(2)
            .batchSize(16)
            .steps(20)
            .peakLr(1e30)
            .warmupFrac(0.0)
            .wpe(0.01)
            .weightDecay(0.05)
            .clip(2.0)
            .labelSmoothing(0.0)
            .condDropRate(0.1)
            .evalEvery(0)
            .evalImages(0)
            .checkpointEvery(1)
            .logEvery(1)
            .seed(7)
            .build();
    try (VarTrainer t = new VarTrainer(model(bad), bad, run)) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> t.train(trainSet, null, XS, new PrintStream(new ByteArrayOutputStream())));
      assertTrue(
          e.getMessage()
              .matches(
                  "VAR (loss is NaN|loss is Infinity|gradient norm is NaN|gradient norm is "
                      + "Infinity|weights are not finite after step \\d+).*"),
          e.getMessage());
      assertTrue(
          e.getMessage().contains("The last good checkpoint is kept at " + run.resolve("ckpt")),
          e.getMessage());
    }
    assertTrue(TfCheckpoint.exists(run.resolve("ckpt")));
    long rows = Files.readAllLines(run.resolve("metrics.csv")).size() - 1;
    try (VarTrainer t = new VarTrainer(model(bad), bad, run)) {
      long step = t.initOrResume(new PrintStream(new ByteArrayOutputStream()));
      assertTrue(
          step >= 1 && step <= rows,
          "checkpoint at step " + step + ", " + rows + " finite steps logged");
      assertTrue(step < 20);
    }
  }

  @Test
  void labelsOutsideTheModelsClassesAreRejected() {
    int[] labels = {0, 1, 12, 3};
    TokenCache c =
        TokenCache.of(ScaleSchedule.of(PNS), V, 13, labels, new int[4 * 21], new byte[32]);
    VarTrainConfig cfg = train(4);
    try (VarTrainer t = new VarTrainer(model(cfg), cfg, tmp.resolve("labels"))) {
      var e = assertThrows(IllegalArgumentException.class, () -> t.train(c, null, XS, System.out));
      assertEquals("label 12 of image 2 is outside the model's [0, 10)", e.getMessage());
    }
  }

  @Test
  void trainConfigDefaultsAndModelConfig() {
    VarTrainConfig d = VarTrainConfig.fashionMnistDefault();
    VarConfig m = d.modelConfig(512, 16, 10, ScaleSchedule.of(1, 2, 3, 4, 5, 6, 8));
    assertEquals(4, m.depth());
    assertEquals(d.resolvedWidth(), m.embedDim());
    assertEquals(d.resolvedHeads(), m.numHeads());
    assertEquals(0.1, m.condDropRate());
    assertEquals(155, m.patchNums().L());
    VarConfig official =
        d.withWidth(0, 0).modelConfig(512, 16, 10, ScaleSchedule.of(1, 2, 3, 4, 5, 6, 8));
    assertEquals(
        VarConfig.ofDepth(4, 512, 16, 10, ScaleSchedule.of(1, 2, 3, 4, 5, 6, 8)), official);
    assertEquals(256, official.embedDim());
    assertEquals(4, official.numHeads());
    LrSchedule s = d.schedule();
    assertEquals(0.005 * d.peakLr(), s.at(0).lr(), 1e-12);
    assertEquals(d.peakLr(), s.at(Math.round(d.warmupFrac() * d.steps())).lr(), 1e-12);
    assertEquals(d.wpe() * d.peakLr(), s.at(d.steps() - 1).lr(), 1e-9);
    assertEquals(0.05, s.at(10).wdD());
    assertEquals(1874, VarTrainConfig.stepsForEpochs(2, 60000, 64));
    var e = assertThrows(IllegalArgumentException.class, () -> d.withWidth(100, 3));
    assertEquals("width 100 is not divisible by 3 heads", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> d.withSteps(1));
    assertEquals("steps must be >= 2, got 1", e.getMessage());
  }

  private static double col(String row, int i) {
    return Double.parseDouble(row.split(",", -1)[i]);
  }
}
