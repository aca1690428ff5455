package io.github.var4j.train;

import java.io.IOException;

/**
 * Called by a trainer after each training step, once the step's metrics row (and, at a checkpoint
 * step, the checkpoint) is written: for soak tests, sampling during training, or slowing a run down
 * in a test.
 */
@FunctionalInterface
public interface StepListener {
  /**
   * @param step the number of updates applied so far (1 after the first step)
   */
  void afterStep(long step) throws IOException;

  /** A listener that does nothing. */
  StepListener NONE = step -> {};
}
