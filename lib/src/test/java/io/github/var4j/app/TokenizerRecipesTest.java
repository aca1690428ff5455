package io.github.var4j.app;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.classifier.Classifier;
import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.data.ImageDataset;
import io.github.var4j.data.SyntheticShapes;
import io.github.var4j.eval.ReconstructionQuality;
import io.github.var4j.eval.TokenizerReport;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.testutil.TinyVae;
import io.github.var4j.train.PerceptualLoss;
import io.github.var4j.train.TokenizerRecipe;
import io.github.var4j.train.TokenizerTrainConfig;
import io.github.var4j.vae.VqVaeConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep end to end on a tiny tokenizer, synthetic images and a random classifier. */
class TokenizerRecipesTest {
  @TempDir Path tmp;

  @Test
  void trainsScoresSkipsWhatIsDoneAndPicksTheBest() throws Exception {
    VqVaeConfig vae = TinyVae.grey16();
    TokenizerTrainConfig base =
        TokenizerTrainConfig.builder()
            .batchSize(8)
            .steps(4)
            .lr(3e-3)
            .warmupSteps(1)
            .weightDecay(0.0)
            .l1Weight(1.0)
            .l2Weight(1.0)
            .vqWeight(1.0)
            .perceptualWeight(0.0)
            .ganWeight(0.0)
            .ganStartStep(2)
            .ganAdaptive(false)
            .deadCodeEvery(0)
            .checkpointEvery(4)
            .logEvery(4)
            .seed(3)
            .build();
    ImageDataset train = SyntheticShapes.generate(32, 16, 1, 1);
    ImageDataset test = SyntheticShapes.generate(40, 16, 1, 2);
    ClassifierConfig cc = new ClassifierConfig(1, 16, 8, 10, 4);
    Path csv = tmp.resolve("recipes.csv");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (Classifier c = Classifier.initialized(cc, 5)) {
      PerceptualLoss.FeatureNet net = new PerceptualLoss.FeatureNet(cc, c.stateDict());
      TokenizerRecipes sweep =
          new TokenizerRecipes(
              csv,
              tmp.resolve("runs"),
              vae,
              base,
              net,
              new ReconstructionQuality(c, test, 40),
              train,
              test,
              40,
              new PrintStream(log, true));
      Map<String, String> gan = sweep.run(TokenizerRecipe.GAN);
      Map<String, String> l1 = sweep.run(TokenizerRecipe.L1_L2);
      assertEquals(TokenizerRecipes.header(4), List.copyOf(l1.keySet()));
      assertEquals("4", l1.get("steps"));
      assertEquals(List.of("l1-l2", "gan"), List.copyOf(TokenizerRecipes.read(csv, 4).keySet()));
      assertEquals(l1, sweep.run(TokenizerRecipe.L1_L2), "a finished recipe is read back");
      assertTrue(log.toString().contains("[recipes] l1-l2: in " + csv + ", skipped"));

      double f1 = Double.parseDouble(l1.get("rfid")), fg = Double.parseDouble(gan.get("rfid"));
      assertEquals(f1 <= fg ? "l1-l2" : "gan", TokenizerRecipes.best(csv, 4, -100).orElseThrow());
      assertTrue(TokenizerRecipes.best(csv, 4, 1000).isEmpty(), "no recipe reaches 1000 dB");

      Map<String, Path> models = new LinkedHashMap<>();
      models.put("L1 + L2", sweep.modelDir(TokenizerRecipe.L1_L2));
      models.put("+ GAN", sweep.modelDir(TokenizerRecipe.GAN));
      BufferedImage fig =
          TokenizerRecipes.reconstructionFigure(models, test, new int[] {0, 1, 2}, 1);
      assertTrue(fig.getWidth() >= 3 * 16 && fig.getHeight() >= 3 * 16);
      // the GAN run's metrics give the discriminator chart (from step 3, after the start at 2)
      assertNotNull(
          TokenizerReport.ganCurves(
              sweep.runDir(TokenizerRecipe.GAN).resolve("metrics.csv"), "gan", 1));
      double[][] c2 =
          TokenizerReport.metricColumns(
              sweep.runDir(TokenizerRecipe.GAN).resolve("metrics.csv"), 1, "gan_lambda");
      assertArrayEquals(new double[] {3, 4}, c2[0]);
    }
  }

  @Test
  void aModelOfAnotherTokenizerIsRefused() throws Exception {
    VqVaeConfig vae = VqVaeConfig.fashionMnistDefault();
    ImageDataset test = SyntheticShapes.generate(8, 16, 1, 2);
    ClassifierConfig cc = new ClassifierConfig(1, 16, 8, 10, 4);
    try (Classifier c = Classifier.initialized(cc, 5)) {
      TokenizerRecipes sweep =
          new TokenizerRecipes(
              tmp.resolve("r.csv"),
              tmp.resolve("runs"),
              vae,
              TokenizerTrainConfig.quick(2),
              new PerceptualLoss.FeatureNet(cc, c.stateDict()),
              new ReconstructionQuality(c, test, 8),
              test,
              test,
              8,
              System.out);
      io.github.var4j.store.ModelDir.save(
          tmp.resolve("m"),
          io.github.var4j.store.ModelKind.TOKENIZER,
          vae.withPatchNums(ScaleSchedule.of(1, 2, 4, 8)),
          new io.github.var4j.nn.StateDict());
      var e =
          assertThrows(
              IllegalArgumentException.class,
              () -> sweep.score(TokenizerRecipe.L1_L2, tmp.resolve("m"), 2, 1.0, 2));
      assertTrue(e.getMessage().startsWith(tmp.resolve("m") + " holds another tokenizer"));
    }
  }
}
