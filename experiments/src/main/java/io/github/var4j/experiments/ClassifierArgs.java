package io.github.var4j.experiments;

import io.github.var4j.classifier.Classifier;
import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code --classifier} option of the commands that score images or train against the classifier
 * (a picocli mixin): the Fashion-MNIST classifier whose features are the yardstick of FID, IS,
 * precision/recall and class accuracy, and the frozen network of the perceptual loss.
 */
final class ClassifierArgs {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(names = "--classifier", paramLabel = "DIR")
  Path dir = Path.of("models/fmnist-classifier");

  /** Whether the user named {@code --classifier}. */
  boolean given() {
    return Check.given(mixee, "--classifier");
  }

  /** Its configuration; a usage error if {@code --classifier} holds no classifier. */
  ClassifierConfig config() throws IOException {
    return Check.model(
        "--classifier", dir, ModelKind.CLASSIFIER, given(), "scripts/var4j train-classifier");
  }

  /** The classifier, loaded (the caller closes it). */
  Classifier load() throws IOException {
    return Classifier.load(config(), ModelDir.weights(dir));
  }
}
