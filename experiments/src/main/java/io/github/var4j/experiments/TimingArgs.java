package io.github.var4j.experiments;

import picocli.CommandLine.Option;

/**
 * How a benchmark times (a mixin): {@code --warmup} untimed runs first (graph set-up, caches), then
 * {@code --repeats} timed ones.
 */
final class TimingArgs implements CheckedArgs {
  @Option(names = "--warmup")
  int warmup = 1;

  @Option(names = "--repeats")
  int repeats = 3;

  private final boolean warmupRequired;

  /**
   * @param warmupRequired whether {@code --warmup} must be at least 1 (the benchmark's first run
   *     builds its graph and must stay out of the timing), else 0 is allowed
   */
  TimingArgs(boolean warmupRequired) {
    this.warmupRequired = warmupRequired;
  }

  @Override
  public void check() {
    if (warmupRequired) Check.positive("--warmup", warmup);
    else Check.nonNegative("--warmup", warmup);
    Check.positive("--repeats", repeats);
  }
}
