package io.github.var4j.experiments;

import io.github.var4j.app.TokenizerRecipes;
import io.github.var4j.classifier.Classifier;
import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.data.DataSplit;
import io.github.var4j.eval.ReconstructionQuality;
import io.github.var4j.eval.TokenizerReport;
import io.github.var4j.model.ModelDir;
import io.github.var4j.model.ModelKind;
import io.github.var4j.train.PerceptualLoss;
import io.github.var4j.train.TokenizerRecipe;
import io.github.var4j.train.TokenizerTrainConfig;
import io.github.var4j.vae.VqVaeConfig;
import io.github.var4j.viz.Charts;
import io.github.var4j.viz.Images;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Issue 12's sweep: trains the default tokenizer with each loss recipe, scores it (PSNR, codebook
 * usage, rFID, class accuracy of the reconstructions) and draws the reconstructions side by side
 * and the discriminators' curves. Resumable: finished recipes are skipped, an interrupted one
 * continues from its last checkpoint.
 */
@Command(
    name = "tokenizer-recipes",
    mixinStandardHelpOptions = true,
    description =
        "Sweep of tokenizer loss recipes (L1+L2, +perceptual, +GAN, +both) judged by rFID;"
            + " resumable.")
public final class TokenizerRecipesCommand implements Callable<Integer> {
  @Mixin DataArgs dataArgs = new DataArgs();

  @Option(
      names = "--recipes",
      split = ",",
      defaultValue = "l1-l2,perceptual,both,gan",
      description = "recipes, run in this order (default: ${DEFAULT-VALUE})")
  List<String> recipes;

  @Option(
      names = "--steps",
      description = "steps of every recipe (default: the default tokenizer's 3000; quick mode 30)")
  Long steps;

  @Option(
      names = "--baseline",
      description =
          "an existing tokenizer trained with the l1-l2 recipe and the same steps, scored as the"
              + " l1-l2 row instead of training it again (needs --baseline-seconds)")
  Path baseline;

  @Option(names = "--baseline-seconds", description = "the recorded training time of --baseline")
  Double baselineSeconds;

  @Option(
      names = "--classifier",
      defaultValue = "models/fmnist-classifier",
      description =
          "feature network of the perceptual loss and of rFID (default: ${DEFAULT-VALUE})")
  Path classifier;

  @Option(
      names = "--images",
      defaultValue = "10000",
      description = "test images scored (default: ${DEFAULT-VALUE}; quick mode 500)")
  int images;

  @Option(
      names = "--min-psnr",
      defaultValue = "24",
      description = "the new default must keep at least this PSNR (dB; default: ${DEFAULT-VALUE})")
  double minPsnr;

  @Override
  public Integer call() throws Exception {
    boolean quick = Quick.enabled();
    Path results = Path.of("experiments", "results", quick ? "quick" : "");
    Path figures = quick ? Path.of("figures", "quick") : Path.of("figures");
    Path runs = Path.of("runs", quick ? "quick-tokenizer-recipes" : "tokenizer-recipes");
    Path csv = results.resolve("tokenizer-recipes.csv");
    int n = quick ? Math.min(images, 500) : images;
    if (baseline != null && baselineSeconds == null)
      throw new IllegalArgumentException("--baseline needs --baseline-seconds");
    List<TokenizerRecipe> order = recipes.stream().map(TokenizerRecipe::of).toList();

    DataSplit split = dataArgs.load();
    VqVaeConfig vae = VqVaeConfig.fashionMnistDefault();
    TokenizerTrainConfig base =
        quick
            ? TokenizerTrainConfig.quick(30).withGan(0, 10, false)
            : TokenizerTrainConfig.fashionMnistDefault();
    if (steps != null) base = base.withSteps(steps);
    ClassifierConfig cc = ModelDir.config(classifier, ModelKind.CLASSIFIER);
    PerceptualLoss.FeatureNet net = PerceptualLoss.FeatureNet.load(classifier);
    try (Classifier cls = Classifier.load(cc, net.weights())) {
      ReconstructionQuality rq = new ReconstructionQuality(cls, split.test(), n);
      TokenizerRecipes sweep =
          new TokenizerRecipes(
              csv, runs, vae, base, net, rq, split.train(), split.test(), n, System.out);
      for (TokenizerRecipe r : order) {
        if (r == TokenizerRecipe.L1_L2 && baseline != null) {
          if (TokenizerRecipes.read(csv, vae.patchNums().K()).containsKey(r.id())) {
            System.out.println("[recipes] l1-l2: in " + csv + ", skipped");
          } else {
            sweep.score(r, baseline, base.steps(), baselineSeconds, 2);
          }
          continue;
        }
        sweep.run(r);
      }

      Map<String, Path> models = new LinkedHashMap<>();
      for (Map<String, String> row : TokenizerRecipes.read(csv, vae.patchNums().K()).values()) {
        Path m = Path.of(row.get("model"));
        if (ModelDir.exists(m)) models.put(row.get("label"), m);
      }
      Files.createDirectories(figures);
      if (!models.isEmpty()) {
        int[] idx = new int[split.test().numClasses()];
        for (int c = 0; c < idx.length; c++) idx[c] = split.test().indicesOfClass(c)[0];
        Path fig = figures.resolve("tokenizer-recipes-recon.png");
        Images.writePng(TokenizerRecipes.reconstructionFigure(models, split.test(), idx, 3), fig);
        System.out.println("[recipes] wrote " + fig);
      }
      for (TokenizerRecipe r : order) {
        Path metrics = sweep.runDir(r).resolve("metrics.csv");
        if (!r.usesGan() || !Files.exists(metrics)) continue;
        Path fig = figures.resolve("tokenizer-recipes-gan-" + r.id() + ".png");
        Charts.savePng(
            TokenizerReport.ganCurves(
                metrics, "Discriminator during training: " + r.label(), quick ? 1 : 25),
            fig);
        System.out.println("[recipes] wrote " + fig);
      }
    }
    Optional<String> best = TokenizerRecipes.best(csv, vae.patchNums().K(), minPsnr);
    System.out.println(
        "[recipes] lowest rFID with PSNR >= "
            + minPsnr
            + " dB: "
            + best.orElse("none of the recipes in " + csv));
    return 0;
  }
}
