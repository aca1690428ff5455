package io.github.var4j.experiments;

import io.github.var4j.data.DataSplit;
import io.github.var4j.data.ImageDataset;
import io.github.var4j.data.Subsets;
import io.github.var4j.eval.VarReport;
import io.github.var4j.io.AtomicFiles;
import io.github.var4j.nn.Cluster;
import io.github.var4j.store.ModelKind;
import io.github.var4j.store.RunDir;
import io.github.var4j.train.Progress;
import io.github.var4j.train.TokenCache;
import io.github.var4j.train.VarEvaluator;
import io.github.var4j.train.VarTrainConfig;
import io.github.var4j.train.VarTrainer;
import io.github.var4j.transformer.Flops;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.Tokenizer;
import io.github.var4j.vae.VqVaeConfig;
import io.github.var4j.viz.Charts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains the VAR transformer on the token maps of a trained tokenizer (default: Fashion-MNIST),
 * exports it, and writes the test curves, the final metrics and the loss/accuracy figures.
 */
@Command(name = "train-var")
public final class TrainVarCommand extends Var4jCommand {

  @Option(names = "--tokenizer", paramLabel = "DIR")
  Path tokenizer;

  @Mixin DataArgs dataArgs = new DataArgs();

  @Mixin VariantArgs variant = new VariantArgs();

  @Mixin SizeArgs size = new SizeArgs();

  @Option(names = "--seed")
  long seed = VarTrainConfig.fashionMnistDefault().seed();

  @Option(names = "--epochs")
  Double epochs;

  @Option(names = "--lr")
  Double lr;

  @Option(names = "--eval-every")
  Long evalEvery;

  @Option(names = "--eval-images")
  Integer evalImages;

  @Mixin RunOutputArgs output = new RunOutputArgs();

  @Mixin StepsArgs budget = new StepsArgs();

  @Option(names = "--out", paramLabel = "DIR")
  Path out;

  @Mixin ClusterArgs clusterArgs = new ClusterArgs();

  @Override
  Integer run() throws Exception {
    long t0 = System.nanoTime();
    boolean quick = Quick.enabled();
    if (epochs != null) Check.positive("--epochs", epochs);
    Check.that(
        budget.steps == null || epochs == null,
        "--steps and --epochs exclude each other: give one");
    if (lr != null) Check.positive("--lr", lr);
    if (evalEvery != null) Check.nonNegative("--eval-every", evalEvery);
    if (evalImages != null) Check.nonNegative("--eval-images", evalImages);
    Path tokenizer =
        this.tokenizer != null
            ? this.tokenizer
            : Path.of(
                variant.raster ? "models/fmnist-tokenizer-raster" : ModelArgs.DEFAULT_TOKENIZER);
    VqVaeConfig vae =
        Check.model(
            "--tokenizer",
            tokenizer,
            ModelKind.TOKENIZER,
            this.tokenizer != null,
            variant.raster
                ? "scripts/var4j train-tokenizer --patch-nums 8 --tag fmnist-raster"
                : "scripts/var4j train-tokenizer");
    String tag = dataArgs.tag() + (variant.raster ? "-raster" : "");
    Path run = output.run("var-" + tag);
    Path model = output.model(out, tag + "-var");
    Path results = output.results();
    Path figures = output.figures();

    Cluster cl = clusterArgs.start("train-var");
    boolean chief = cl == null || cl.isChief();
    // every task encodes its own token caches (a non-chief's go to <run>/task-i)
    Path cacheDir = chief ? run : run.resolve("task-" + cl.task());
    DataSplit split = dataArgs.load();
    ImageDataset train = split.train(), test = split.test();
    VarTrainConfig cfg = quick ? VarTrainConfig.quick(20) : VarTrainConfig.fashionMnistDefault();
    if (quick) {
      // evenly spaced subsets: the splits are ordered by class
      train = train.subset(Subsets.evenlySpaced(train.size(), 1024));
      test = test.subset(Subsets.evenlySpaced(test.size(), 256));
    }
    cfg = size.apply(cfg);
    cfg = cfg.withBatchSize(budget.batch(cfg.batchSize()));
    if (budget.steps != null) cfg = cfg.withSteps(budget.steps);
    else if (epochs != null) cfg = cfg.withEpochs(epochs, train.size());
    if (lr != null) cfg = cfg.withPeakLr(lr);
    cfg = variant.apply(cfg.withSeed(seed));
    if (evalEvery != null || evalImages != null) {
      cfg =
          cfg.withEval(
              evalEvery != null ? evalEvery : cfg.evalEvery(),
              evalImages != null ? evalImages : cfg.evalImages());
    }

    System.out.println("[train-var] tokenizer " + tokenizer + ": " + vae);
    System.out.println(
        "[train-var] "
            + dataArgs.summary(train.size(), test.size())
            + (quick ? " (quick mode subsets)" : ""));
    System.out.println("[train-var] " + cfg);
    try (Tokenizer tok = Tokenizer.loadNpyDir(vae, tokenizer)) {
      TokenCache trainTok =
          TokenCache.loadOrEncode(
              cacheDir.resolve("tokens-train.v4jt"), tok, train, "train", System.out);
      TokenCache testTok =
          TokenCache.loadOrEncode(
              cacheDir.resolve("tokens-test.v4jt"), tok, test, "test", System.out);
      VarConfig modelCfg =
          variant.apply(
              cfg.modelConfig(
                  vae.vocabSize(), vae.zChannels(), train.numClasses(), vae.patchNums()));
      VarTrainer.XSource xs = VarTrainer.XSource.of(modelCfg, tok);
      try (VarTrainer trainer = new VarTrainer(modelCfg, cfg, run, cl)) {
        VarTrainer.Summary s = trainer.train(trainTok, testTok, xs, System.out);
        if (!chief) {
          System.out.println(
              "[train-var] task "
                  + cl.task()
                  + ": trained steps "
                  + s.startStep()
                  + ".."
                  + s.endStep()
                  + " in "
                  + Progress.duration(s.seconds())
                  + "; the chief exports and evaluates");
          return 0;
        }
        double total =
            trainer.runDir().trainingTime().map(RunDir.TrainingTime::seconds).orElse(0.0);
        System.out.printf(
            Locale.ROOT,
            "[train-var] trained steps %d..%d in %s (%d cores; all sessions of this run: %s)%n",
            s.startStep(),
            s.endStep(),
            Progress.duration(s.seconds()),
            Runtime.getRuntime().availableProcessors(),
            Progress.duration(total));
        trainer.export(model);
        System.out.println("[train-var] exported to " + model);

        long te = System.nanoTime();
        VarEvaluator.Result full = trainer.evaluate(testTok, xs, 0);
        System.out.printf(
            Locale.ROOT,
            "[train-var] final test metrics on %d images (%.1f s): loss %.4f (perplexity %.1f), "
                + "acc %.2f%%; last scale: loss %.4f, acc %.2f%%%n",
            full.images(),
            (System.nanoTime() - te) / 1e9,
            full.loss(),
            Math.exp(full.loss()),
            full.acc(),
            full.lossTail(),
            full.accTail());
        Map<String, Double> metrics =
            VarReport.finalMetrics(modelCfg, trainer.numParams(), full, trainer.step(), total);
        metrics.put("train_images", (double) train.size());
        metrics.put("batch", (double) cfg.batchSize());
        metrics.put("sequential_steps_per_image", (double) modelCfg.numSteps());
        metrics.put(
            "train_flops", (double) Flops.trainingStep(modelCfg, cfg.batchSize()) * trainer.step());
        metrics.put("peak_lr", cfg.peakLr());
        metrics.put("cores", (double) Runtime.getRuntime().availableProcessors());
        Path metricsFile = results.resolve("var-" + tag + ".csv");
        AtomicFiles.write(
            metricsFile, VarReport.metricsCsv(metrics).getBytes(StandardCharsets.UTF_8));
        Path evalCsv = trainer.runDir().evalCsv(), metricsCsv = trainer.runDir().metricsCsv();
        Path evalOut = results.resolve("var-" + tag + "-eval.csv");
        Path stepsOut = results.resolve("var-" + tag + "-train-metrics.csv");
        if (Files.exists(evalCsv)) AtomicFiles.write(evalOut, Files.readAllBytes(evalCsv));
        if (Files.exists(metricsCsv)) AtomicFiles.write(stepsOut, Files.readAllBytes(metricsCsv));
        int rows = (int) Math.max(1, trainer.step());
        int window = VarReport.windowFor(rows, 100);
        Charts.savePng(
            VarReport.lossChart(metricsCsv, evalCsv, window),
            figures.resolve("var-" + tag + "-loss.png"));
        Charts.savePng(
            VarReport.accuracyChart(metricsCsv, evalCsv, window),
            figures.resolve("var-" + tag + "-acc.png"));
        System.out.println(
            "[train-var] wrote "
                + metricsFile
                + ", "
                + evalOut
                + ", "
                + stepsOut
                + ", "
                + figures.resolve("var-" + tag + "-{loss,acc}.png"));
      }
    }
    System.out.println(
        "[train-var] wall time " + Progress.duration((System.nanoTime() - t0) / 1e9));
    return 0;
  }
}
