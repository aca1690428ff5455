package io.github.var4j.experiments;

import io.github.var4j.app.TrainedModels;
import io.github.var4j.classifier.Classifier;
import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.eval.Generation;
import io.github.var4j.eval.SampleSet;
import io.github.var4j.sample.ImageSampler;
import io.github.var4j.sample.SampleOptions;
import io.github.var4j.store.ModelDir;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Writes class-conditional samples as an {@code .npz} in the layout of OpenAI's guided-diffusion
 * evaluator: {@code arr_0} uint8 (N, H, W, C), {@code arr_1} int64 labels.
 */
@Command(name = "sample-npz")
public final class SampleNpzCommand extends Var4jCommand {

  @Mixin ModelArgs models = new ModelArgs();

  @Mixin SamplingArgs sampling = new SamplingArgs();

  @Option(names = "--per-class")
  int perClass = 1000;

  @Option(names = "--rejection")
  int rejection = 1;

  @Mixin ClassifierArgs classifier = new ClassifierArgs();

  @Option(names = "--batch")
  int batch = 64;

  @Mixin OutputArgs output = new OutputArgs();

  @Option(names = "--out", paramLabel = "FILE")
  Path out;

  @Override
  Integer run() throws Exception {
    SampleOptions opts = sampling.options();
    Check.positive("--per-class", perClass);
    Check.positive("--rejection", rejection);
    Check.positive("--batch", batch);
    models.check();
    ClassifierConfig cc = rejection > 1 ? classifier.config() : null;
    Path file =
        output.file(out, "samples", models.var.toAbsolutePath().normalize().getFileName() + ".npz");
    try (ImageSampler s = TrainedModels.openImageSampler(models.var, models.tokenizer, batch)) {
      int[] labels = Generation.classMajorLabels(perClass, s.varConfig().numClasses());
      SampleSet set;
      if (cc != null) {
        try (Classifier c = Classifier.load(cc, ModelDir.weights(classifier.dir))) {
          set =
              Generation.rejection(s, c, labels, rejection, opts, batch, "sample-npz", System.out);
        }
      } else {
        set = Generation.of(s, labels, opts, batch, "sample-npz", System.out);
      }
      set.writeNpz(file);
      System.out.println("[sample-npz] wrote " + set + " (" + opts.label() + ") to " + file);
    }
    return 0;
  }
}
