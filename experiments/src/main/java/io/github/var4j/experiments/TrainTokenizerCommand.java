package io.github.var4j.experiments;

import io.github.var4j.data.DataSplit;
import io.github.var4j.model.ModelDir;
import io.github.var4j.model.ModelKind;
import io.github.var4j.train.TokenizerTrainConfig;
import io.github.var4j.train.TokenizerTrainer;
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
      names = "--gan-weight",
      defaultValue = "0",
      description = "PatchGAN hinge loss weight; 0 = off")
  double ganWeight;

  @Option(
      names = "--gan-start",
      defaultValue = "1000",
      description = "step at which the discriminator starts")
  long ganStart;

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
    TokenizerTrainConfig cfg = TokenizerTrainConfig.fashionMnistDefault();
    if (Quick.enabled() && steps == null) cfg = TokenizerTrainConfig.quick(30);
    if (steps != null) cfg = cfg.withSteps(steps);
    if (batch != null) {
      cfg =
          new TokenizerTrainConfig(
              batch,
              cfg.steps(),
              cfg.lr(),
              cfg.warmupSteps(),
              cfg.weightDecay(),
              cfg.l1Weight(),
              cfg.l2Weight(),
              cfg.vqWeight(),
              cfg.ganWeight(),
              cfg.ganStartStep(),
              cfg.deadCodeEvery(),
              cfg.checkpointEvery(),
              cfg.logEvery(),
              cfg.seed());
    }
    if (ganWeight > 0) cfg = cfg.withGan(ganWeight, ganStart);
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
    try (TokenizerTrainer t = new TokenizerTrainer(vae, cfg, runDir)) {
      TokenizerTrainer.Summary s = t.train(split.train(), split.train().height(), System.out);
      System.out.printf(
          "[tokenizer] trained %d steps in %.1f s (%d cores)%n",
          s.steps(), s.seconds(), Runtime.getRuntime().availableProcessors());
      ModelDir.save(out, ModelKind.TOKENIZER, vae, t.stateDict());
      System.out.println("[tokenizer] exported to " + out);
      t.runDir().addTrainingTime(s.steps(), s.seconds());
    }
    if (!noEval) {
      return new EvalTokenizerCommand().run(out, dataArgs, runDir, results, figures);
    }
    return 0;
  }
}
