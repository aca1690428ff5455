package io.github.var4j.experiments;

import io.github.var4j.classifier.Classifier;
import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.data.ImageDataset;
import io.github.var4j.eval.SampleQuality;
import io.github.var4j.eval.SampleSet;
import io.github.var4j.store.ModelDir;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Scores an {@code .npz} of samples against the test split with the classifier's features. */
@Command(name = "eval")
public final class EvalCommand extends Var4jCommand {

  @Option(names = "--npz", paramLabel = "FILE", required = true)
  Path npz;

  @Mixin ClassifierArgs classifier = new ClassifierArgs();

  @Mixin DataArgs dataArgs = new DataArgs();

  @Override
  Integer run() throws Exception {
    Check.file("--npz", npz);
    ClassifierConfig cc = classifier.config();
    SampleSet gen = SampleSet.readNpz(npz);
    SampleQuality.checkFits(cc, gen);
    ImageDataset test = dataArgs.load().test();
    int[] idx = IntStream.range(0, test.size()).toArray();
    SampleSet ref = SampleSet.of(test, idx, cc.imageSize());
    try (Classifier c = Classifier.load(cc, ModelDir.weights(classifier.dir))) {
      long t0 = System.nanoTime();
      SampleQuality.Scores s = new SampleQuality(c, ref).score(gen);
      System.out.printf(
          Locale.ROOT,
          "[eval] %s (%s) vs %d test images: FID %.4f, IS %.3f ± %.3f, precision %.4f, recall"
              + " %.4f, class accuracy %s (%.1f s)%n",
          npz,
          gen,
          ref.n(),
          s.fid(),
          s.isMean(),
          s.isStd(),
          s.precision(),
          s.recall(),
          Double.isNaN(s.classAccuracy())
              ? "- (no labels)"
              : String.format(Locale.ROOT, "%.4f", s.classAccuracy()),
          (System.nanoTime() - t0) / 1e9);
    }
    return 0;
  }
}
