package io.github.var4j.experiments;

import io.github.var4j.app.TrainedModels;

/**
 * Quick mode ({@code VAR4J_QUICK=1}): tiny runs for CI and smoke tests (the same rule the notebooks
 * use).
 */
final class Quick {
  private Quick() {}

  static boolean enabled() {
    return TrainedModels.quickMode();
  }
}
