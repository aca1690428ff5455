package io.github.var4j.experiments;

import io.github.var4j.data.DataSplit;
import io.github.var4j.model.ModelDir;
import io.github.var4j.model.ModelKind;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.train.PerceptualLoss;
import io.github.var4j.train.TokenizerRecipe;
import io.github.var4j.train.TokenizerTrainConfig;
import io.github.var4j.train.TokenizerTrainer;
import io.github.var4j.util.Records;
import io.github.var4j.vae.VqVaeConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains the multi-scale VQ-VAE tokenizer, exports it and (by default) evaluates it and writes its
 * figures.
 */
@Command(
    name = "train-tokenizer",
    mixinStandardHelpOptions = true,
    description =
        "Train the multi-scale VQ-VAE tokenizer (default: Fashion-MNIST 32x32 grey, 8x8 latent).")
public final class TrainTokenizerCommand implements Callable<Integer> {
  @Mixin DataArgs dataArgs = new DataArgs();

  @Option(
      names = "--run-dir",
      defaultValue = "runs/tokenizer-fmnist",
      description = "checkpoints and metrics.csv")
  Path runDir;

  @Option(
      names = "--out",
      defaultValue = "models/fmnist-tokenizer",
      description = "exported tokenizer directory")
  Path out;

  @Option(
      names = "--steps",
      description = "optimisation steps (default: the preset's 3000; quick mode 30)")
  Long steps;

  @Option(names = "--batch", description = "batch size (default 64)")
  Integer batch;

  @Option(
      names = "--recipe",
      description =
          "loss recipe: l1-l2, perceptual, gan or both (README, 'Tokenizer recipes'; default:"
              + " perceptual on fashion-mnist, whose classifier the perceptual loss uses, l1-l2 on"
              + " other data)")
  String recipe;

  @Option(
      names = "--perceptual-weight",
      description = "override the recipe's perceptual-loss weight (0 = off)")
  Double perceptualWeight;

  @Option(names = "--gan-weight", description = "override the recipe's PatchGAN weight (0 = off)")
  Double ganWeight;

  @Option(
      names = "--gan-start",
      description = "step at which the discriminator starts (default 1000: the warm-up)")
  Long ganStart;

  @Option(
      names = "--gan-fixed",
      description = "use the GAN weight as a fixed weight instead of VQGAN's adaptive one")
  boolean ganFixed;

  @Option(
      names = "--classifier",
      defaultValue = "models/fmnist-classifier",
      description = "the perceptual loss's frozen feature network (default: ${DEFAULT-VALUE})")
  Path classifier;

  @Option(
      names = "--patch-nums",
      split = ",",
      description =
          "the scale schedule, e.g. 1,2,3,4,5,6,8 (the default) or 8 (a single-scale VQ-VAE, the"
              + " raster baseline's tokenizer)")
  int[] patchNums;

  @Option(
      names = "--tag",
      description = "name of the result files and figures (default: the data set's, e.g. fmnist)")
  String tag;

  @Option(names = "--no-eval", description = "skip the evaluation and figures")
  boolean noEval;

  @Option(
      names = "--results",
      defaultValue = "experiments/results",
      description = "where results are written")
  Path results;

  @Option(names = "--figures", defaultValue = "figures", description = "where figures are written")
  Path figures;

  @Override
  public Integer call() throws Exception {
    DataSplit split = dataArgs.load();
    int channels = split.train().channels();
    VqVaeConfig vae = VqVaeConfig.fashionMnistDefault();
    if (channels != vae.inChannels() || !dataArgs.builtIn()) {
      vae =
          new VqVaeConfig(
              channels,
              vae.ch(),
              vae.chMult(),
              vae.numResBlocks(),
              vae.zChannels(),
              vae.vocabSize(),
              vae.patchNums(),
              vae.beta(),
              vae.quantResi(),
              vae.shareQuantResi(),
              Math.max(32, split.train().height()));
    }
    if (patchNums != null) {
      // with fewer scales than shared Phis some Phis would serve no scale (and get no gradient):
      // K = 1 gets the official PhiShared (one Phi), K = 2, 3 one Phi per scale
      ScaleSchedule s = ScaleSchedule.of(patchNums);
      vae = vae.withPatchNums(s);
      if (s.K() < vae.shareQuantResi()) vae = Records.with(vae, "shareQuantResi", s.K());
    }
    TokenizerTrainConfig cfg = TokenizerTrainConfig.fashionMnistDefault();
    if (Quick.enabled() && steps == null) cfg = TokenizerTrainConfig.quick(30);
    if (steps != null) cfg = cfg.withSteps(steps);
    if (batch != null) cfg = cfg.withBatchSize(batch);
    cfg =
        TokenizerRecipe.of(
                recipe != null ? recipe : dataArgs.isFashionMnist() ? "perceptual" : "l1-l2")
            .apply(cfg);
    if (perceptualWeight != null) cfg = cfg.withPerceptual(perceptualWeight);
    cfg =
        cfg.withGan(
            ganWeight != null ? ganWeight : cfg.ganWeight(),
            ganStart != null ? ganStart : cfg.ganStartStep(),
            !ganFixed);
    System.out.println("[tokenizer] " + vae);
    System.out.println("[tokenizer] " + cfg);
    System.out.println(
        "[tokenizer] data "
            + dataArgs.data
            + ": "
            + split.train().size()
            + " train / "
            + split.test().size()
            + " test");
    PerceptualLoss.FeatureNet net =
        cfg.perceptualEnabled() ? PerceptualLoss.FeatureNet.load(classifier) : null;
    try (TokenizerTrainer t = new TokenizerTrainer(vae, cfg, runDir, net)) {
      TokenizerTrainer.Summary s = t.train(split.train(), split.train().height(), System.out);
      System.out.printf(
          "[tokenizer] trained %d steps in %.1f s (%d cores)%n",
          s.steps(), s.seconds(), Runtime.getRuntime().availableProcessors());
      ModelDir.save(out, ModelKind.TOKENIZER, vae, t.stateDict());
      System.out.println("[tokenizer] exported to " + out);
    }
    if (!noEval) {
      return new EvalTokenizerCommand()
          .run(out, dataArgs, tag != null ? tag : dataArgs.tag(), runDir, results, figures);
    }
    return 0;
  }
}
