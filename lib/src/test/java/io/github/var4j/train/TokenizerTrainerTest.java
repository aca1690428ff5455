package io.github.var4j.train;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.data.ImageDataset;
import io.github.var4j.data.SyntheticShapes;
import io.github.var4j.nn.TfCheckpoint;
import io.github.var4j.store.RunDir;
import io.github.var4j.testutil.TinyVae;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerTrainerTest {
  @TempDir Path tmp;

  static TokenizerTrainConfig cfg(long steps, long ckptEvery) {
    return TokenizerTrainConfig.builder()
        .batchSize(8)
        .steps(steps)
        .lr(3e-3)
        .warmupSteps(2)
        .weightDecay(0.0)
        .l1Weight(1.0)
        .l2Weight(1.0)
        .vqWeight(1.0)
        .perceptualWeight(0.0)
        .ganWeight(0.0)
        .ganStartStep(steps)
        .ganAdaptive(false)
        .deadCodeEvery(5)
        .checkpointEvery(ckptEvery)
        .logEvery(5)
        .seed(3)
        .build();
  }

  @Test
  void lossFallsCheckpointsAreWrittenAndResumeContinues() throws Exception {
    ImageDataset data = SyntheticShapes.generate(64, 16, 1, 1);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    TokenizerTrainer.Summary first;
    try (TokenizerTrainer t = new TokenizerTrainer(TinyVae.grey16(), cfg(20, 10), tmp)) {
      first = t.train(data, 16, new PrintStream(log, true));
    }
    assertTrue(TfCheckpoint.exists(tmp.resolve("ckpt")));
    // every checkpoint adds its steps to time.properties: a killed session keeps what it saved
    assertEquals(20, new RunDir(tmp).trainingTime().orElseThrow().steps());
    List<String> rows = Files.readAllLines(tmp.resolve("metrics.csv"));
    assertEquals(21, rows.size());
    double loss1 = Double.parseDouble(rows.get(1).split(",")[2]);
    double loss20 = Double.parseDouble(rows.get(20).split(",")[2]);
    assertTrue(loss20 < 0.7 * loss1, "loss should fall: " + loss1 + " -> " + loss20);
    assertTrue(log.toString().contains("[tokenizer] step 20/20 (100.0%)"), log.toString());
    assertTrue(log.toString().contains("eta"), log.toString());
    // resume to 30 steps: continues from step 20, keeps the first 20 rows
    ByteArrayOutputStream log2 = new ByteArrayOutputStream();
    try (TokenizerTrainer t = new TokenizerTrainer(TinyVae.grey16(), cfg(30, 10), tmp)) {
      TokenizerTrainer.Summary s = t.train(data, 16, new PrintStream(log2, true));
      assertEquals(10, s.steps());
    }
    assertTrue(log2.toString().contains("resumed from"), log2.toString());
    assertEquals(31, Files.readAllLines(tmp.resolve("metrics.csv")).size());
    assertEquals(30, new RunDir(tmp).trainingTime().orElseThrow().steps());
    assertEquals(first.last().keySet(), java.util.Set.of("loss", "recon", "vq", "psnr"));
  }

  @Test
  void ganVariantTrainsAndNanLossStopsKeepingTheCheckpoint() throws Exception {
    ImageDataset data = SyntheticShapes.generate(32, 16, 1, 2);
    TokenizerTrainConfig gan = cfg(6, 3).withGan(0.1, 3, true);
    try (TokenizerTrainer t = new TokenizerTrainer(TinyVae.grey16(), gan, tmp.resolve("gan"))) {
      TokenizerTrainer.Summary s = t.train(data, 16, new PrintStream(new ByteArrayOutputStream()));
      assertTrue(s.last().containsKey("disc"));
      assertTrue(Double.isFinite(s.last().get("disc")));
    }
    // a learning rate of 1e30 blows the loss up to NaN/Inf
    TokenizerTrainConfig bad =
        TokenizerTrainConfig.builder()
            .batchSize(8)
            .steps(50)
            .lr(1e30)
            .warmupSteps(0)
            .weightDecay(0.0)
            .l1Weight(1.0)
            .l2Weight(1.0)
            .vqWeight(1.0)
            .perceptualWeight(0.0)
            .ganWeight(0.0)
            .ganStartStep(50)
            .ganAdaptive(false)
            .deadCodeEvery(0)
            .checkpointEvery(1)
            .logEvery(50)
            .seed(3)
            .build();
    try (TokenizerTrainer t = new TokenizerTrainer(TinyVae.grey16(), bad, tmp.resolve("nan"))) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> t.train(data, 16, new PrintStream(new ByteArrayOutputStream())));
      assertTrue(e.getMessage().startsWith("tokenizer loss is "), e.getMessage());
      assertTrue(e.getMessage().contains("The last good checkpoint is kept at"), e.getMessage());
    }
  }

  @Test
  void perceptualAndAdaptiveGanTrainAndTheRecipeIsCheckedOnResume() throws Exception {
    ImageDataset data = SyntheticShapes.generate(32, 16, 1, 2);
    PerceptualLoss.FeatureNet net = PerceptualLossTest.randomNet(9);
    TokenizerTrainConfig both = TokenizerRecipe.BOTH.apply(cfg(6, 3)).withGan(0.8, 3, true);
    Path dir = tmp.resolve("both");
    try (TokenizerTrainer t = new TokenizerTrainer(TinyVae.grey16(), both, dir, net)) {
      TokenizerTrainer.Summary s = t.train(data, 16, new PrintStream(new ByteArrayOutputStream()));
      assertTrue(s.last().get("perc") > 0, s.last().toString());
      assertTrue(Double.isFinite(s.last().get("gan_lambda")), s.last().toString());
    }
    List<String> rows = Files.readAllLines(dir.resolve("metrics.csv"));
    assertEquals(String.join(",", TokenizerTrainer.METRICS_HEADER), rows.get(0));
    int iLambda = TokenizerTrainer.METRICS_HEADER.indexOf("gan_lambda");
    assertEquals("", rows.get(3).split(",", -1)[iLambda], "no λ before the GAN starts");
    assertTrue(Double.parseDouble(rows.get(4).split(",", -1)[iLambda]) > 0, rows.get(4));
    // continuing the directory with other losses is refused, naming the recipes
    TokenizerTrainConfig other = both.withSteps(8).withPerceptual(0);
    try (TokenizerTrainer t = new TokenizerTrainer(TinyVae.grey16(), other, dir)) {
      var e =
          assertThrows(
              java.io.IOException.class,
              () -> t.train(data, 16, new PrintStream(new ByteArrayOutputStream())));
      assertTrue(
          e.getMessage().contains("was trained with lossRecipe " + both.lossRecipe()),
          e.getMessage());
    }
  }

  @Test
  void fixedGanWeightIsLoggedAsIs() throws Exception {
    ImageDataset data = SyntheticShapes.generate(16, 16, 1, 2);
    TokenizerTrainConfig gan = cfg(3, 3).withGan(0.25, 1, false);
    try (TokenizerTrainer t = new TokenizerTrainer(TinyVae.grey16(), gan, tmp.resolve("fixed"))) {
      TokenizerTrainer.Summary s = t.train(data, 16, new PrintStream(new ByteArrayOutputStream()));
      assertEquals(0.25, s.last().get("gan_lambda"), 1e-7);
    }
  }

  @Test
  void perceptualNeedsAFittingFeatureNet() {
    TokenizerTrainConfig perc = TokenizerRecipe.PERCEPTUAL.apply(cfg(2, 1));
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new TokenizerTrainer(TinyVae.grey16(), perc, tmp, null));
    assertEquals(
        "perceptualWeight 1.0 needs the feature network (a trained classifier, e.g."
            + " models/fmnist-classifier)",
        e.getMessage());
    var cc = new io.github.var4j.classifier.ClassifierConfig(1, 32, 8, 10, 4);
    PerceptualLoss.FeatureNet big =
        new PerceptualLoss.FeatureNet(cc, PerceptualLossTest.randomNet(1).weights());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new TokenizerTrainer(TinyVae.grey16(), perc, tmp, big));
    assertEquals(
        "the perceptual loss's classifier sees 32x32x1 images, the VAE 16x16x1", e.getMessage());
  }

  @Test
  void wrongImageSizeIsRejected() {
    ImageDataset big = SyntheticShapes.generate(4, 20, 1, 1);
    try (TokenizerTrainer t = new TokenizerTrainer(TinyVae.grey16(), cfg(2, 1), tmp)) {
      var e = assertThrows(IllegalArgumentException.class, () -> t.train(big, 16, System.out));
      assertEquals("image size 20x20 does not fit the VAE's 16x16", e.getMessage());
    }
  }
}
