package io.github.var4j.experiments;

import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.data.DataSplit;
import io.github.var4j.io.AtomicFiles;
import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
import io.github.var4j.store.RunDir;
import io.github.var4j.train.ClassifierTrainConfig;
import io.github.var4j.train.ClassifierTrainer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains the CNN classifier (the feature network of the sample-quality metrics), exports it as a
 * model directory and writes {@code <results>/classifier-<tag>.csv} (test accuracy, training
 * minutes, parameters).
 */
@Command(name = "train-classifier")
public final class TrainClassifierCommand extends Var4jCommand {
  @Mixin DataArgs dataArgs = new DataArgs();

  @Option(names = "--epochs")
  double epochs = 8;

  @Option(names = "--seed")
  long seed = ClassifierTrainConfig.fashionMnistDefault(1000).seed();

  @Option(names = "--width")
  int width = ClassifierConfig.fashionMnistDefault().width();

  @Mixin OutputArgs output = new OutputArgs();

  @Mixin StepsArgs budget = new StepsArgs();

  @Mixin RunDirArgs runDir = new RunDirArgs();

  @Mixin ResultsArgs results = new ResultsArgs();

  @Mixin TrainedModelArgs trained = new TrainedModelArgs();

  @Override
  Integer run() throws Exception {
    int batch = budget.batch(128);
    Check.positive("--epochs", epochs);
    Check.positive("--width", width);
    String name = trained.name(dataArgs);
    Path model = trained.model(output, dataArgs, "classifier");
    Path run = output.run(runDir, "classifier-" + name);
    DataSplit split = dataArgs.load();
    int S = Math.max(32, ((split.train().height() + 7) / 8) * 8);
    ClassifierConfig net = ClassifierConfig.fashionMnistDefault();
    net =
        new ClassifierConfig(
            split.train().channels(),
            S,
            width,
            Math.max(2, split.train().numClasses()),
            net.groups());
    long perEpoch = split.train().size() / batch;
    long n = budget.steps(Quick.enabled() ? 30 : Math.round(epochs * perEpoch));
    ClassifierTrainConfig base = ClassifierTrainConfig.fashionMnistDefault(n);
    ClassifierTrainConfig cfg =
        base.toBuilder()
            .batchSize(batch)
            .logEvery(Quick.enabled() ? 5 : base.logEvery())
            .seed(seed)
            .build();
    System.out.println("[classifier] " + net);
    System.out.println("[classifier] " + cfg);
    System.out.println(
        "[classifier] " + dataArgs.summary(split.train().size(), split.test().size()));
    try (ClassifierTrainer t = new ClassifierTrainer(net, cfg, run)) {
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
      ModelDir.save(model, ModelKind.CLASSIFIER, net, t.stateDict());
      System.out.println("[classifier] exported to " + model);
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
      Path file = output.results(results).resolve("classifier-" + name + ".csv");
      AtomicFiles.write(file, csv.getBytes(StandardCharsets.UTF_8));
      System.out.println("[classifier] wrote " + file);
    }
    return 0;
  }
}
