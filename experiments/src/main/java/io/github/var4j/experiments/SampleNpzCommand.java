package io.github.var4j.experiments;

import io.github.var4j.app.TrainedModels;
import io.github.var4j.classifier.Classifier;
import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.eval.Generation;
import io.github.var4j.eval.SampleSet;
import io.github.var4j.model.ModelDir;
import io.github.var4j.model.ModelKind;
import io.github.var4j.sample.ImageSampler;
import io.github.var4j.sample.SampleOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Writes class-conditional samples as an {@code .npz} in the layout of OpenAI's guided-diffusion
 * evaluator: {@code arr_0} uint8 (N, H, W, C), {@code arr_1} int64 labels.
 */
@Command(
    name = "sample-npz",
    mixinStandardHelpOptions = true,
    description =
        "Write N class-conditional samples of a trained VAR or raster model as an .npz (arr_0"
            + " uint8 NxHxWxC, arr_1 labels).")
public final class SampleNpzCommand implements Callable<Integer> {
  @Option(
      names = "--model",
      defaultValue = "models/fmnist-var",
      description = "exported VAR or raster model (default: ${DEFAULT-VALUE})")
  Path model;

  @Option(
      names = "--tokenizer",
      defaultValue = "models/fmnist-tokenizer",
      description = "its tokenizer (default: ${DEFAULT-VALUE})")
  Path tokenizer;

  @Option(
      names = "--per-class",
      defaultValue = "1000",
      description = "images per class (default: ${DEFAULT-VALUE})")
  int perClass;

  @Option(names = "--cfg", defaultValue = "1.5")
  double cfg;

  @Option(names = "--top-k", defaultValue = "100", description = "0 = off")
  int topK;

  @Option(names = "--top-p", defaultValue = "0.96", description = "0 = off")
  double topP;

  @Option(names = "--seed", defaultValue = "0")
  long seed;

  @Option(
      names = "--rejection",
      defaultValue = "1",
      description = "candidates per image, keeping the classifier's most confident (1 = none)")
  int rejection;

  @Option(
      names = "--classifier",
      defaultValue = "models/fmnist-classifier",
      description = "for --rejection")
  Path classifier;

  @Option(names = "--batch", defaultValue = "64", description = "images per graph run")
  int batch;

  @Option(names = "--out", required = true, description = "the .npz to write")
  Path out;

  @Override
  public Integer call() throws Exception {
    SampleOptions opts = new SampleOptions(cfg, topK, topP, false, seed, false);
    try (ImageSampler s = TrainedModels.openImageSampler(model, tokenizer, batch)) {
      int[] labels = Generation.classMajorLabels(perClass, s.varConfig().numClasses());
      SampleSet set;
      if (rejection > 1) {
        ClassifierConfig cc = ModelDir.config(classifier, ModelKind.CLASSIFIER);
        try (Classifier c = Classifier.load(cc, ModelDir.weights(classifier))) {
          set =
              Generation.rejection(s, c, labels, rejection, opts, batch, "sample-npz", System.out);
        }
      } else {
        set = Generation.of(s, labels, opts, batch, "sample-npz", System.out);
      }
      set.writeNpz(out);
      System.out.println("[sample-npz] wrote " + set + " (" + opts.label() + ") to " + out);
    }
    return 0;
  }
}
