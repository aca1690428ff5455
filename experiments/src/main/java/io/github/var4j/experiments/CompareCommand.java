package io.github.var4j.experiments;

import io.github.var4j.app.RunComparison;
import io.github.var4j.classifier.Classifier;
import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.data.ImageDataset;
import io.github.var4j.eval.SampleSet;
import io.github.var4j.io.AtomicFiles;
import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The table that ends the main job: a run's models and results (an {@code --out-dir} of the
 * training commands) against the committed ones ({@link RunComparison}).
 */
@Command(name = "compare")
public final class CompareCommand extends Var4jCommand {

  @Option(names = "--run", paramLabel = "DIR", required = true)
  Path run;

  @Option(names = "--per-class", paramLabel = "N")
  Integer perClass;

  @Mixin ClassifierArgs classifier = new ClassifierArgs();

  @Option(names = "--committed-results", paramLabel = "DIR")
  Path committedResults = Path.of("experiments/results");

  @Mixin ModelArgs committed = new ModelArgs();

  @Mixin SamplingArgs sampling = new SamplingArgs();

  @Override
  Integer run() throws Exception {
    int per =
        Check.positive("--per-class", perClass != null ? perClass : Quick.enabled() ? 10 : 1000);
    Check.folder("--run", run);
    committed.check();
    Path runVar = run.resolve("models/fmnist-var");
    Check.model("--run", runVar, ModelKind.VAR, true, "scripts/var4j train-var --out-dir " + run);
    Path runTok = run.resolve("models/fmnist-tokenizer");
    if (!ModelDir.exists(runTok)) runTok = committed.tokenizer;
    ClassifierConfig cc = classifier.config();
    ImageDataset test = new DataArgs().load().test();
    SampleSet ref = SampleSet.of(test, IntStream.range(0, test.size()).toArray(), cc.imageSize());
    RunComparison cmp = new RunComparison(committedResults, run.resolve("results"), "fmnist");
    List<RunComparison.Row> rows;
    try (Classifier c = Classifier.load(cc, ModelDir.weights(classifier.dir))) {
      rows =
          cmp.compare(
              new RunComparison.Models(committed.var, committed.tokenizer, runVar, runTok),
              c,
              ref,
              per,
              sampling.options(),
              System.out);
    }
    String md =
        String.format(
                Locale.ROOT,
                "# %s against the committed models%n%nSamples: %d per class, %s.%n%n",
                run,
                per,
                sampling.options().label())
            + RunComparison.markdown(rows);
    Path out = run.resolve("results/compare.md");
    Files.createDirectories(out.getParent());
    AtomicFiles.writeString(out, md);
    System.out.println();
    System.out.print(md);
    System.out.println();
    System.out.println("[compare] wrote " + out);
    return 0;
  }
}
