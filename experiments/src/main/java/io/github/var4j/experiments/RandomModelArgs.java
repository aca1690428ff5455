package io.github.var4j.experiments;

import picocli.CommandLine.Option;

/**
 * The vocabulary, latent channels and class count of the randomly initialised models that the
 * benchmarks time (a picocli mixin: {@code --vocab}, {@code --cvae}, {@code --classes}); their
 * defaults are the Fashion-MNIST tokenizer's.
 */
final class RandomModelArgs implements CheckedArgs {
  @Option(names = "--vocab")
  int vocab = 512;

  @Option(names = "--cvae")
  int cvae = 16;

  @Option(names = "--classes")
  int classes = 10;

  /** Checks the values. */
  @Override
  public void check() {
    Check.positive("--vocab", vocab);
    Check.positive("--cvae", cvae);
    Check.positive("--classes", classes);
  }
}
