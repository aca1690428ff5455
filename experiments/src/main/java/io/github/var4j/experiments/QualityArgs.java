package io.github.var4j.experiments;

import io.github.var4j.data.ImageDataset;
import io.github.var4j.data.Subsets;
import io.github.var4j.eval.SampleSet;
import java.io.IOException;
import picocli.CommandLine.Option;

/**
 * How the commands that score sample quality draw their samples (a picocli mixin): {@code
 * --per-class}, {@code --batch}, {@code --singles}; quick mode takes smaller defaults.
 */
final class QualityArgs {
  @Option(
      names = "--per-class",
      description = "images per class of every row (default 1000; quick mode 20)")
  Integer perClass;

  @Option(names = "--batch", description = "images per graph run")
  int batch = 64;

  @Option(
      names = "--singles",
      description = "images timed one at a time (default 16; quick mode 2)")
  Integer singles;

  /**
   * The real images every row is compared with: the test split of {@code data} (in quick mode 1,000
   * of it, evenly spaced) at the feature network's size.
   */
  static SampleSet reference(DataArgs data, int imageSize) throws IOException {
    ImageDataset test = data.load().test();
    int n = Quick.enabled() ? Math.min(1000, test.size()) : test.size();
    return SampleSet.of(test, Subsets.evenlySpaced(test.size(), n), imageSize);
  }

  /** {@code --per-class}, checked, or its default. */
  int perClass() {
    return Check.positive("--per-class", perClass != null ? perClass : Quick.enabled() ? 20 : 1000);
  }

  /** {@code --batch}, checked. */
  int batch() {
    return Check.positive("--batch", batch);
  }

  /** {@code --singles}, checked, or its default. */
  int singles() {
    return Check.nonNegative("--singles", singles != null ? singles : Quick.enabled() ? 2 : 16);
  }
}
