package io.github.var4j.experiments;

import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.data.DataSplit;
import io.github.var4j.io.AtomicFiles;
import io.github.var4j.model.ModelDir;
import io.github.var4j.model.ModelKind;
import io.github.var4j.model.RunDir;
import io.github.var4j.train.ClassifierTrainer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains the CNN classifier (the feature network of the sample-quality metrics), exports it as a
 * model directory and writes {@code <results>/classifier-<tag>.csv} (test accuracy, training
 * minutes, parameters).
 */
@Command(
    name = "train-classifier",
    mixinStandardHelpOptions = true,
    description = "Train the CNN classifier of the FID features (default: Fashion-MNIST 32x32).")
public final class TrainClassifierCommand implements Callable<Integer> {
  @Mixin DataArgs dataArgs = new DataArgs();

  @Option(
      names = "--run-dir",
      defaultValue = "runs/classifier-fmnist",
      description = "checkpoints and metrics.csv (default: ${DEFAULT-VALUE})")
  Path runDir;

  @Option(
      names = "--out",
      defaultValue = "models/fmnist-classifier",
      description = "exported classifier directory (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--steps", description = "optimisation steps (overrides --epochs)")
  Long steps;

  @Option(
      names = "--epochs",
      defaultValue = "8",
      description = "epochs of the train split (default: ${DEFAULT-VALUE}; quick mode: 30 steps)")
  double epochs;

  @Option(names = "--batch", defaultValue = "128", description = "batch size (default 128)")
  int batch;

  @Option(
      names = "--results",
      defaultValue = "experiments/results",
      description = "where results are written")
  Path results;

  @Option(
      names = "--seed",
      description =
          "seed of initialisation and data order (default 0; another seed trains an independent"
              + " network, e.g. to audit an rFID measured with the default one)")
  Long seed;

  @Option(
      names = "--tag",
      description = "name of the results file classifier-<tag>.csv (default: the data set's)")
  String tag;

  @Option(
      names = "--width",
      description = "channels of the first stage (default 32: widths 32-64-128)")
  Integer width;

  @Override
  public Integer call() throws Exception {
    DataSplit split = dataArgs.load();
    int S = Math.max(32, ((split.train().height() + 7) / 8) * 8);
    ClassifierConfig net = ClassifierConfig.fashionMnistDefault();
    net =
        new ClassifierConfig(
            split.train().channels(),
            S,
            width != null ? width : net.width(),
            Math.max(2, split.train().numClasses()),
            net.groups());
    long perEpoch = split.train().size() / batch;
    long n = steps != null ? steps : Quick.enabled() ? 30 : Math.round(epochs * perEpoch);
    ClassifierTrainer.Config base = ClassifierTrainer.Config.fashionMnistDefault(n);
    ClassifierTrainer.Config cfg =
        new ClassifierTrainer.Config(
            batch,
            n,
            base.lr(),
            base.warmupSteps(),
            base.schedule(),
            base.weightDecay(),
            base.flip(),
            base.maxShift(),
            base.checkpointEvery(),
            Quick.enabled() ? 5 : base.logEvery(),
            seed != null ? seed : base.seed());
    System.out.println("[classifier] " + net);
    System.out.println("[classifier] " + cfg);
    System.out.println(
        "[classifier] data "
            + dataArgs.data
            + ": "
            + split.train().size()
            + " train / "
            + split.test().size()
            + " test");
    try (ClassifierTrainer t = new ClassifierTrainer(net, cfg, runDir)) {
      ClassifierTrainer.Summary s = t.train(split.train(), System.out);
      RunDir.TrainingTime time = t.runDir().trainingTime().orElseThrow();
      double acc = t.evaluate(split.test());
      System.out.printf(
          Locale.ROOT,
          "[classifier] %d params, test accuracy %.4f, trained %.1f min (%d cores)%n",
          t.numParams(),
          acc,
          time.minutes(),
          time.cores());
      ModelDir.save(out, ModelKind.CLASSIFIER, net, t.stateDict());
      System.out.println("[classifier] exported to " + out);
      String csv =
          String.format(
              Locale.ROOT,
              "metric,value%ntest_accuracy,%.4f%ntrain_minutes,%.2f%nparams,%d%nsteps,%d%nbatch,%d%ntest_images,%d%ncores,%d%n",
              acc,
              time.minutes(),
              t.numParams(),
              cfg.steps(),
              cfg.batchSize(),
              split.test().size(),
              time.cores());
      Path file = results.resolve("classifier-" + (tag != null ? tag : dataArgs.tag()) + ".csv");
      AtomicFiles.write(file, csv.getBytes(StandardCharsets.UTF_8));
      System.out.println("[classifier] wrote " + file);
    }
    return 0;
  }
}
