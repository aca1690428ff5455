package io.github.var4j.train;

import io.github.var4j.optim.LrSchedule;

/**
 * Hyper-parameters of classifier training ({@link ClassifierTrainer}).
 *
 * @param batchSize images per step
 * @param steps total optimisation steps
 * @param lr peak learning rate
 * @param warmupSteps linear warm-up steps
 * @param schedule {@link LrSchedule} type after the warm-up: "cos" or "lin0" (to 1 % of peak)
 * @param weightDecay decoupled weight decay of conv and linear weights (not norms, biases)
 * @param flip random horizontal flips
 * @param maxShift random shifts of up to this many pixels in x and y (zero-filled with the
 *     background -1); 0 disables
 * @param checkpointEvery steps between checkpoints
 * @param logEvery steps between progress lines
 * @param seed seed of initialisation, data order and augmentation
 */
public record ClassifierTrainConfig(
    int batchSize,
    long steps,
    double lr,
    long warmupSteps,
    String schedule,
    double weightDecay,
    boolean flip,
    int maxShift,
    long checkpointEvery,
    long logEvery,
    long seed) {
  public ClassifierTrainConfig {
    if (batchSize < 1)
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    if (steps < 2) throw new IllegalArgumentException("steps must be >= 2, got " + steps);
    if (!(lr > 0)) throw new IllegalArgumentException("lr must be positive, got " + lr);
    if (warmupSteps < 0 || warmupSteps >= steps - 1) {
      throw new IllegalArgumentException(
          "warmupSteps must be in [0, steps - 1), got " + warmupSteps + " for " + steps);
    }
    if (!"cos".equals(schedule) && !"lin0".equals(schedule)) {
      throw new IllegalArgumentException("schedule must be cos or lin0, got " + schedule);
    }
    if (weightDecay < 0)
      throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
    if (maxShift < 0) throw new IllegalArgumentException("maxShift must be >= 0, got " + maxShift);
    if (checkpointEvery < 1 || logEvery < 1) {
      throw new IllegalArgumentException("checkpointEvery and logEvery must be >= 1");
    }
  }

  /**
   * The Fashion-MNIST default: batch 128, lr 2e-3 with 200 warm-up steps and cosine decay, weight
   * decay 0.05, flips, {@code steps} steps.
   */
  public static ClassifierTrainConfig fashionMnistDefault(long steps) {
    return new ClassifierTrainConfig(
        128, steps, 2e-3, Math.min(200, steps / 10), "cos", 0.05, true, 0, 500, 50, 0);
  }

  /** A few steps, for tests: batch 16, lr 3e-3, no augmentation, a checkpoint at the end. */
  public static ClassifierTrainConfig quick(long steps) {
    return new ClassifierTrainConfig(
        16, steps, 3e-3, 0, "cos", 0.0, false, 0, steps, Math.max(1, steps / 5), 0);
  }

  public ClassifierTrainConfig withCheckpointEvery(long every) {
    return new ClassifierTrainConfig(
        batchSize,
        steps,
        lr,
        warmupSteps,
        schedule,
        weightDecay,
        flip,
        maxShift,
        every,
        logEvery,
        seed);
  }

  /** The schedule: warm-up from 1 % of the peak, then {@link #schedule} down to 1 %. */
  public LrSchedule lrSchedule() {
    return new LrSchedule(schedule, lr, warmupSteps, steps, 0.01, 0.01, weightDecay, weightDecay);
  }
}
