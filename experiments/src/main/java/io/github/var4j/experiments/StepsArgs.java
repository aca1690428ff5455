package io.github.var4j.experiments;

import picocli.CommandLine.Option;

/**
 * The training budget of the commands that train (a picocli mixin): {@code --steps} and {@code
 * --batch}; unset, each command uses its recipe's values (its description says which, and quick
 * mode's).
 */
final class StepsArgs implements CheckedArgs {
  @Option(names = "--steps", paramLabel = "N")
  Long steps;

  @Option(names = "--batch", paramLabel = "N")
  Integer batch;

  /** Checks the values that were given. */
  @Override
  public void check() {
    if (steps != null) Check.positive("--steps", steps);
    if (batch != null) Check.positive("--batch", batch);
  }

  /** {@code --steps}, else {@code dflt}. */
  long steps(long dflt) {
    return steps != null ? steps : dflt;
  }

  /** {@code --batch}, else {@code dflt}. */
  int batch(int dflt) {
    return batch != null ? batch : dflt;
  }
}
