package io.github.var4j.experiments;

import io.github.var4j.data.DataSplit;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
import io.github.var4j.train.PerceptualLoss;
import io.github.var4j.train.TokenizerRecipe;
import io.github.var4j.train.TokenizerTrainConfig;
import io.github.var4j.train.TokenizerTrainer;
import io.github.var4j.vae.VqVaeConfig;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains the multi-scale VQ-VAE tokenizer, exports it and (by default) evaluates it and writes its
 * figures.
 */
@Command(name = "train-tokenizer")
public final class TrainTokenizerCommand extends Var4jCommand {

  @Mixin DataArgs dataArgs = new DataArgs();

  @Option(names = "--recipe")
  String recipe;

  @Option(names = "--perceptual-weight")
  Double perceptualWeight;

  @Option(names = "--gan-weight")
  Double ganWeight;

  @Option(names = "--gan-start")
  Long ganStart;

  @Option(names = "--gan-fixed")
  boolean ganFixed;

  @Mixin ClassifierArgs classifier = new ClassifierArgs();

  @Option(names = "--patch-nums", split = ",")
  int[] patchNums;

  @Option(names = "--no-eval")
  boolean noEval;

  @Mixin RunOutputArgs output = new RunOutputArgs();

  @Mixin StepsArgs budget = new StepsArgs();

  @Mixin TrainedModelArgs trained = new TrainedModelArgs();

  @Override
  Integer run() throws Exception {
    if (perceptualWeight != null) Check.nonNegative("--perceptual-weight", perceptualWeight);
    if (ganWeight != null) Check.nonNegative("--gan-weight", ganWeight);
    if (ganStart != null) Check.nonNegative("--gan-start", ganStart);
    TokenizerRecipe rec =
        Check.value(
            "--recipe",
            () ->
                TokenizerRecipe.of(
                    recipe != null ? recipe : dataArgs.isFashionMnist() ? "perceptual" : "l1-l2"));
    ScaleSchedule schedule =
        patchNums != null ? Check.value("--patch-nums", () -> ScaleSchedule.of(patchNums)) : null;
    TokenizerTrainConfig cfg = TokenizerTrainConfig.fashionMnistDefault();
    if (Quick.enabled() && budget.steps == null) cfg = TokenizerTrainConfig.quick(30);
    cfg = cfg.withSteps(budget.steps(cfg.steps())).withBatchSize(budget.batch(cfg.batchSize()));
    cfg = rec.apply(cfg);
    if (perceptualWeight != null) cfg = cfg.withPerceptual(perceptualWeight);
    cfg =
        cfg.withGan(
            ganWeight != null ? ganWeight : cfg.ganWeight(),
            ganStart != null ? ganStart : cfg.ganStartStep(),
            !ganFixed);
    if (cfg.perceptualEnabled()) classifier.config();
    String t = trained.name(dataArgs);
    Path model = trained.model(output.output, dataArgs, "tokenizer");
    Path run = output.run("tokenizer-" + t);

    DataSplit split = dataArgs.load();
    int channels = split.train().channels();
    VqVaeConfig vae = VqVaeConfig.fashionMnistDefault();
    if (channels != vae.inChannels() || !dataArgs.builtIn()) {
      vae =
          vae.toBuilder()
              .inChannels(channels)
              .imageSize(Math.max(32, split.train().height()))
              .build();
    }
    if (schedule != null) {
      // with fewer scales than shared Phis some Phis would serve no scale (and get no gradient):
      // K = 1 gets the official PhiShared (one Phi), K = 2, 3 one Phi per scale
      vae = vae.withPatchNums(schedule);
      if (schedule.K() < vae.shareQuantResi()) vae = vae.withShareQuantResi(schedule.K());
    }
    System.out.println("[tokenizer] " + vae);
    System.out.println("[tokenizer] " + cfg);
    System.out.println(
        "[tokenizer] " + dataArgs.summary(split.train().size(), split.test().size()));
    PerceptualLoss.FeatureNet net =
        cfg.perceptualEnabled() ? PerceptualLoss.FeatureNet.load(classifier.dir) : null;
    try (TokenizerTrainer tr = new TokenizerTrainer(vae, cfg, run, net)) {
      TokenizerTrainer.Summary s = tr.train(split.train(), split.train().height(), System.out);
      System.out.printf(
          "[tokenizer] trained %d steps in %.1f s (%d cores)%n",
          s.steps(), s.seconds(), Runtime.getRuntime().availableProcessors());
      ModelDir.save(model, ModelKind.TOKENIZER, vae, tr.stateDict());
      System.out.println("[tokenizer] exported to " + model);
    }
    if (!noEval) TokenizerEvaluation.run(model, split, t, run, output.results(), output.figures());
    return 0;
  }
}
