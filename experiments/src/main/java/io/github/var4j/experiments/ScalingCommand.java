package io.github.var4j.experiments;

import io.github.var4j.app.ScalingFigures;
import io.github.var4j.app.ScalingSweep;
import io.github.var4j.data.DataSplit;
import io.github.var4j.data.ImageDataset;
import io.github.var4j.model.ModelDir;
import io.github.var4j.model.ModelKind;
import io.github.var4j.sample.SampleOptions;
import io.github.var4j.train.TokenCache;
import io.github.var4j.train.VarTrainConfig;
import io.github.var4j.train.VarTrainer;
import io.github.var4j.vae.Tokenizer;
import io.github.var4j.vae.VqVaeConfig;
import io.github.var4j.viz.Charts;
import io.github.var4j.viz.Images;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Issue 8's scaling sweep: trains every depth of the model family on the same tokens (resumable:
 * finished sizes are skipped, an interrupted one continues from its checkpoint), then fits the
 * laws. Results in {@code experiments/results/scaling/}.
 */
@Command(
    name = "scaling",
    mixinStandardHelpOptions = true,
    description =
        "Scaling-law sweep: train each depth on the same tokens, evaluate at log-spaced steps, fit"
            + " L = (beta X)^alpha and L = E + (X0/X)^alpha against N and C; resumable.")
public final class ScalingCommand implements Callable<Integer> {
  @Mixin DataArgs dataArgs = new DataArgs();

  @Option(
      names = "--depths",
      split = ",",
      description = "sizes of the family (default 1,2,3,4,5,6,7; quick mode 1,2,3)")
  int[] depths;

  @Option(names = "--steps", description = "steps of every size (default 1000; quick mode 12)")
  Long steps;

  @Option(names = "--batch", description = "images per step (default 64; quick mode 8)")
  Integer batch;

  @Option(
      names = "--eval-points",
      defaultValue = "10",
      description = "log-spaced test evaluations per size (default: ${DEFAULT-VALUE})")
  int evalPoints;

  @Option(
      names = "--tokenizer",
      defaultValue = "models/fmnist-tokenizer",
      description = "the frozen tokenizer (default: ${DEFAULT-VALUE})")
  Path tokenizer;

  @Option(names = "--fit-only", description = "only fit the result files there are")
  boolean fitOnly;

  @Override
  public Integer call() throws Exception {
    boolean quick = Quick.enabled();
    Path results = Path.of("experiments", "results", quick ? "quick" : "", "scaling");
    Path runs = Path.of("runs", quick ? "quick-scaling" : "scaling");
    if (!fitOnly) {
      int[] ds =
          depths != null ? depths : quick ? new int[] {1, 2, 3} : new int[] {1, 2, 3, 4, 5, 6, 7};
      for (int d : ds) {
        if (d < 1 || d > 16)
          throw new IllegalArgumentException("unknown size d" + d + ": depths are 1..16");
      }
      VarTrainConfig base =
          VarTrainConfig.fashionMnistDefault()
              .withSteps(steps != null ? steps : quick ? 12 : 1000)
              .withBatchSize(batch != null ? batch : quick ? 8 : 64)
              .withEval(0, 0)
              .withCheckpointEvery(quick ? 4 : 100);
      DataSplit split = dataArgs.load();
      ImageDataset train = split.train(), test = split.test();
      if (quick) {
        train = train.subset(VarTrainer.evenlySpaced(train.size(), 512));
        test = test.subset(VarTrainer.evenlySpaced(test.size(), 128));
      }
      VqVaeConfig vae = ModelDir.config(tokenizer, ModelKind.TOKENIZER);
      long t0 = System.nanoTime();
      try (Tokenizer tok = Tokenizer.loadNpyDir(vae, tokenizer)) {
        TokenCache trainTok =
            TokenCache.loadOrEncode(
                runs.resolve("tokens-train.v4jt"), tok, train, "train", System.out);
        TokenCache testTok =
            TokenCache.loadOrEncode(
                runs.resolve("tokens-test.v4jt"), tok, test, "test", System.out);
        ScalingSweep sweep =
            new ScalingSweep(
                results,
                runs,
                base,
                evalPoints,
                tok,
                train.numClasses(),
                trainTok,
                testTok,
                dataArgs.tag() + "+" + tokenizer.getFileName() + (quick ? "+quick" : ""),
                System.out);
        for (int d : ds) sweep.run(d);
      }
      System.out.printf(
          Locale.ROOT, "[scaling] sweep session: %.1f min%n", (System.nanoTime() - t0) / 6e10);
    }
    Map<String, Map<String, String>> fits = ScalingSweep.writeFits(results);
    for (Map<String, String> f : fits.values()) {
      System.out.printf(
          Locale.ROOT,
          "[scaling] %-9s vs %s %-11s %s%n",
          f.get("metric"),
          f.get("x"),
          f.get("form"),
          f.get("formula"));
    }
    System.out.println("[scaling] wrote " + results.resolve("fits.csv"));

    Path figures = quick ? Path.of("figures", "quick") : Path.of("figures");
    List<Map<String, String>> rows = ScalingSweep.readAll(results);
    Images.writePng(ScalingFigures.lawPanels(rows), figures.resolve("scaling-laws.png"));
    Charts.savePng(
        ScalingFigures.againstC(rows, "loss_avg", 900, 600),
        figures.resolve("scaling-frontier.png"));
    TreeSet<Integer> done = new TreeSet<>();
    for (Map<String, String> r : rows)
      if (r.get("step").equals(r.get("steps"))) done.add(Integer.parseInt(r.get("depth")));
    VqVaeConfig vae = ModelDir.config(tokenizer, ModelKind.TOKENIZER);
    try (Tokenizer tok = Tokenizer.loadNpyDir(vae, tokenizer)) {
      Images.writePng(
          ScalingFigures.progressGrid(
              runs,
              done.stream().mapToInt(Integer::intValue).toArray(),
              tok,
              new int[] {0, 1, 7, 9},
              new SampleOptions(1.5, 0, 0.96, false, 0, false),
              2),
          figures.resolve("scaling-samples.png"));
    }
    System.out.println(
        "[scaling] wrote "
            + figures.resolve("scaling-laws.png")
            + ", scaling-frontier.png, scaling-samples.png");
    return 0;
  }
}
