package io.github.var4j.experiments;

import io.github.var4j.app.TokenizerRecipes;
import io.github.var4j.classifier.Classifier;
import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.data.DataSplit;
import io.github.var4j.eval.ReconstructionQuality;
import io.github.var4j.eval.TokenizerReport;
import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The sweep of tokenizer loss recipes: trains the default tokenizer with each recipe, scores it
 * (PSNR, codebook usage, rFID, class accuracy of the reconstructions) into {@code
 * <results>/tokenizer-recipes.csv} and draws the reconstructions side by side and the
 * discriminators' curves ({@code <figures>/tokenizer-recipes-*.png}). Resumable: recipes in the CSV
 * are skipped, an interrupted one continues from its last checkpoint in the run directory.
 */
@Command(name = "tokenizer-recipes")
public final class TokenizerRecipesCommand extends Var4jCommand {

  @Mixin DataArgs dataArgs = new DataArgs();

  @Option(names = "--recipes", split = ",", defaultValue = "l1-l2,perceptual,both,gan")
  List<String> recipes;

  @Option(names = "--baseline", paramLabel = "DIR")
  Path baseline;

  @Option(names = "--baseline-seconds")
  Double baselineSeconds;

  @Mixin ClassifierArgs classifier = new ClassifierArgs();

  @Option(names = "--images")
  int images = 10000;

  @Option(names = "--min-psnr")
  double minPsnr = 24;

  @Mixin RunOutputArgs output = new RunOutputArgs();

  @Mixin StepsArgs budget = new StepsArgs();

  @Override
  Integer run() throws Exception {
    boolean quick = Quick.enabled();
    Check.nonEmpty("--recipes", recipes.size());
    Check.positive("--images", images);
    if (baseline != null) {
      Check.that(baselineSeconds != null, "--baseline needs --baseline-seconds");
      Check.model("--baseline", baseline, ModelKind.TOKENIZER, true, "");
    }
    Check.that(baselineSeconds == null || baseline != null, "--baseline-seconds needs --baseline");
    classifier.config();
    Path results = output.results();
    Path figures = output.figures();
    Path runs = output.run("tokenizer-recipes");
    Path csv = results.resolve("tokenizer-recipes.csv");
    int n = quick ? Math.min(images, 500) : images;
    List<TokenizerRecipe> order =
        recipes.stream().map(r -> Check.value("--recipes", () -> TokenizerRecipe.of(r))).toList();

    DataSplit split = dataArgs.load();
    VqVaeConfig vae = VqVaeConfig.fashionMnistDefault();
    TokenizerTrainConfig base =
        quick
            ? TokenizerTrainConfig.quick(30).withGan(0, 10, false)
            : TokenizerTrainConfig.fashionMnistDefault();
    base = base.withSteps(budget.steps(base.steps())).withBatchSize(budget.batch(base.batchSize()));
    ClassifierConfig cc = classifier.config();
    PerceptualLoss.FeatureNet net = PerceptualLoss.FeatureNet.load(classifier.dir);
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
