package io.github.var4j.experiments;

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
