package io.github.var4j.train;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.data.ImageDataset;
import io.github.var4j.data.SyntheticShapes;
import io.github.var4j.nn.GraphRuntime;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.optim.LrSchedule;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.transformer.TokenOrder;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.transformer.VarModel;
import io.github.var4j.vae.Tokenizer;
import io.github.var4j.vae.VqVaeConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Training the raster-order baseline: a single-scale tokenizer's teacher-forcing input, the causal
 * forward, and the training graph on it.
 */
class RasterTrainingTest {
  private static final int S = 16, B = 4;
  private static final VqVaeConfig VAE =
      VqVaeConfig.builder()
          .inChannels(1)
          .ch(32)
          .chMult(new int[] {1, 1, 2})
          .numResBlocks(1)
          .zChannels(4)
          .vocabSize(32)
          .patchNums(ScaleSchedule.of(4))
          .beta(0.25)
          .quantResi(0.5)
          .shareQuantResi(1)
          .imageSize(S)
          .build();
  private static final VarConfig CFG =
      VarConfig.ofDepth(1, 32, 4, 3, VAE.patchNums())
          .withEmbedDim(32)
          .withNumHeads(2)
          .withInitAdaLNGamma(0.5) // the official 1e-5 makes every block nearly the identity
          .withOrder(TokenOrder.RASTER);

  private static float[] images() {
    ImageDataset d = SyntheticShapes.generate(B, S, 1, 7);
    return d.toFloatBatch(IntStream.range(0, B).toArray(), S);
  }

  @Test
  void rasterInputIsTheCodebookVectorOfThePreviousTokens() {
    try (Tokenizer tok = Tokenizer.initialized(VAE, 3)) {
      List<int[]> idx = tok.encodeToIndices(images(), B);
      int l = 16, cv = 4;
      float[] x = tok.rasterInput(idx, B), e = tok.codebook();
      assertEquals(B * (l - 1) * cv, x.length);
      for (int b = 0; b < B; b++)
        for (int i = 0; i < l - 1; i++)
          for (int c = 0; c < cv; c++)
            assertEquals(e[idx.get(0)[b * l + i] * cv + c], x[(b * (l - 1) + i) * cv + c]);
      assertArrayEquals(x, VarTrainer.XSource.of(CFG, tok).varInput(idx, B));
    }
    try (Tokenizer multi = Tokenizer.initialized(VAE.withPatchNums(ScaleSchedule.of(1, 2, 4)), 3)) {
      assertEquals(
          "raster input needs a single-scale tokenizer, patchNums is [1, 2, 4]",
          assertThrows(
                  IllegalStateException.class,
                  () -> multi.rasterInput(multi.encodeToIndices(images(), B), B))
              .getMessage());
    }
  }

  /** Logits at position i depend on the inputs at positions <= i only. */
  @Test
  void theForwardIsCausal() {
    int l = CFG.L(), cv = CFG.cvae(), v = CFG.vocabSize();
    try (GraphRuntime rt = new GraphRuntime()) {
      Ops tf = rt.tf();
      ParamStore ps = new ParamStore(tf);
      VarModel m = new VarModel(ps, CFG);
      Placeholder<TFloat32> x =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, l - 1, cv)));
      Operand<TFloat32> logits = m.forward(tf.constant(new int[] {1}), x, false, false).logitsBLV();
      ps.initialize(rt.session(), 5);
      float[] a = new float[(l - 1) * cv];
      for (int i = 0; i < a.length; i++) a[i] = (float) Math.sin(i);
      float[] b = a.clone();
      int j = 6; // change input j, the embedding of token j-1: positions >= j+1 of the sequence
      for (int c = 0; c < cv; c++) b[j * cv + c] += 1f;
      float[] la, lb;
      try (GraphRuntime.Outputs r = rt.run().feed(x, a, 1, l - 1, cv).fetch(logits).run()) {
        la = r.floats(0);
      }
      try (GraphRuntime.Outputs r = rt.run().feed(x, b, 1, l - 1, cv).fetch(logits).run()) {
        lb = r.floats(0);
      }
      for (int pos = 0; pos < l; pos++) {
        double d = 0;
        for (int k = 0; k < v; k++) d = Math.max(d, Math.abs(la[pos * v + k] - lb[pos * v + k]));
        if (pos <= j) assertEquals(0.0, d, 0.0, "position " + pos + " sees the future");
        else assertTrue(d > 1e-6, "position " + pos + " must see input " + j);
      }
    }
  }

  @Test
  void theTrainingGraphLearnsABatch() {
    try (Tokenizer tok = Tokenizer.initialized(VAE, 3);
        VarTrainGraph g = new VarTrainGraph(CFG, VarTrainGraph.Options.official())) {
      g.initialize(1);
      List<int[]> idx = tok.encodeToIndices(images(), B);
      VarTrainGraph.Batch batch =
          new VarTrainGraph.Batch(new int[] {0, 1, 2, 0}, tok.rasterInput(idx, B), idx.get(0));
      float first = g.evaluate(batch).loss();
      for (int s = 0; s < 40; s++) g.trainStep(batch, new LrSchedule.Values(3e-3, 0, 0), false);
      float last = g.evaluate(batch).loss();
      assertTrue(last < 0.5 * first, "loss " + first + " -> " + last);
    }
  }

  /**
   * RAR training (random orders, annealed to raster within the run's 24 steps) stopped after step
   * 15 (checkpoint at 10) and resumed writes the uninterrupted run's metrics to the letter: the
   * orders of a step are a function of the seed and the step only. And the orders matter: the same
   * run without them (the plain raster model on the same images) has other losses.
   */
  @Test
  void randomOrderTrainingResumesExactly(@TempDir Path tmp) throws Exception {
    int l = CFG.L(), n = 64;
    SplittableRandom r = new SplittableRandom(3);
    int[] labels = new int[n], t = new int[n * l];
    for (int i = 0; i < n; i++) {
      labels[i] = r.nextInt(3);
      for (int j = 0; j < l; j++)
        t[i * l + j] = r.nextInt(4) == 0 ? r.nextInt(32) : (labels[i] * 7 + j) % 32;
    }
    TokenCache data = TokenCache.of(VAE.patchNums(), 32, 3, labels, t, new byte[32]);
    VarTrainer.XSource xs =
        (perScale, m) -> {
          float[] x = new float[m * (l - 1) * CFG.cvae()];
          for (int b = 0; b < m; b++)
            for (int j = 0; j < l - 1; j++)
              for (int c = 0; c < CFG.cvae(); c++)
                x[(b * (l - 1) + j) * CFG.cvae() + c] =
                    (float) Math.sin(0.7 * perScale.get(0)[b * l + j] + c);
          return x;
        };
    VarTrainConfig train =
        VarTrainConfig.fashionMnistDefault()
            .withSteps(24)
            .withBatchSize(8)
            .withSeed(5)
            .withEval(0, 0);
    VarConfig rar = CFG.withRandomOrder(true);
    Path whole = tmp.resolve("whole"), parts = tmp.resolve("parts"), plain = tmp.resolve("plain");
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    try (VarTrainer tr = new VarTrainer(rar, train.withCheckpointEvery(10), whole)) {
      tr.train(data, null, xs, quiet);
    }
    class Stop extends IOException {}
    try (VarTrainer tr = new VarTrainer(rar, train.withCheckpointEvery(10), parts)) {
      assertThrows(
          Stop.class,
          () ->
              tr.train(
                  data,
                  null,
                  xs,
                  quiet,
                  step -> {
                    if (step == 15) throw new Stop();
                  }));
    }
    try (VarTrainer tr = new VarTrainer(rar, train.withCheckpointEvery(10), parts)) {
      assertEquals(10, tr.train(data, null, xs, quiet).startStep());
    }
    assertEquals(
        Files.readString(whole.resolve("metrics.csv")),
        Files.readString(parts.resolve("metrics.csv")));
    try (VarTrainer tr = new VarTrainer(CFG, train.withCheckpointEvery(10), plain)) {
      tr.train(data, null, xs, quiet);
    }
    List<String> a = Files.readAllLines(whole.resolve("metrics.csv"));
    List<String> b = Files.readAllLines(plain.resolve("metrics.csv"));
    assertEquals(a.get(0), b.get(0));
    assertNotEquals(a.get(2), b.get(2), "step 2 of RAR sees other orders than raster");
    // the trainer follows the configuration's annealing: never shuffled from step 0 on, the RAR
    // model's step 2 is no longer RAR's default (which shuffles it)
    Path raster = tmp.resolve("rar-raster");
    try (VarTrainer tr =
        new VarTrainer(
            rar,
            train.withCheckpointEvery(10).withRarAnneal(new RandomOrder.Anneal(0, 0)),
            raster)) {
      tr.train(data, null, xs, quiet);
    }
    List<String> c = Files.readAllLines(raster.resolve("metrics.csv"));
    assertNotEquals(a.get(2), c.get(2), "step 2 in raster order, not shuffled");
  }
}
