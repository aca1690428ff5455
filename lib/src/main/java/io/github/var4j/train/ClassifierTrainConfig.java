package io.github.var4j.train;

import io.github.var4j.optim.LrSchedule;
import io.github.var4j.util.RecordBuilders;

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
    return toBuilder().checkpointEvery(every).build();
  }

  /** The schedule: warm-up from 1 % of the peak, then {@link #schedule} down to 1 %. */
  public LrSchedule lrSchedule() {
    return LrSchedule.builder()
        .sche(schedule)
        .peakLr(lr)
        .wpIt(warmupSteps)
        .maxIt(steps)
        .wp0(0.01)
        .wpe(0.01)
        .twd(weightDecay)
        .twde(weightDecay)
        .build();
  }

  // ---- builder ----

  /**
   * A builder with no component set yet; {@link Builder#build} needs every one of them (start from
   * a factory's {@link #toBuilder} to change only a few).
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration's components, e.g. {@code c.toBuilder().x(v).build()}. */
  public Builder toBuilder() {
    return new Builder()
        .batchSize(batchSize)
        .steps(steps)
        .lr(lr)
        .warmupSteps(warmupSteps)
        .schedule(schedule)
        .weightDecay(weightDecay)
        .flip(flip)
        .maxShift(maxShift)
        .checkpointEvery(checkpointEvery)
        .logEvery(logEvery)
        .seed(seed);
  }

  /**
   * Builds a {@link ClassifierTrainConfig} one named component at a time (see the record's
   * components for their meaning). {@link #build} runs the canonical constructor, so a bad value
   * fails there, with the record's own message; a component that was never set fails with {@link
   * IllegalStateException}.
   */
  public static final class Builder {
    private int batchSize;
    private long steps;
    private double lr;
    private long warmupSteps;
    private String schedule;
    private double weightDecay;
    private boolean flip;
    private int maxShift;
    private long checkpointEvery;
    private long logEvery;
    private long seed;
    private int unset = (1 << 11) - 1; // bit i: component i not given yet

    private Builder() {}

    public Builder batchSize(int v) {
      batchSize = v;
      return given(0);
    }

    public Builder steps(long v) {
      steps = v;
      return given(1);
    }

    public Builder lr(double v) {
      lr = v;
      return given(2);
    }

    public Builder warmupSteps(long v) {
      warmupSteps = v;
      return given(3);
    }

    public Builder schedule(String v) {
      schedule = v;
      return given(4);
    }

    public Builder weightDecay(double v) {
      weightDecay = v;
      return given(5);
    }

    public Builder flip(boolean v) {
      flip = v;
      return given(6);
    }

    public Builder maxShift(int v) {
      maxShift = v;
      return given(7);
    }

    public Builder checkpointEvery(long v) {
      checkpointEvery = v;
      return given(8);
    }

    public Builder logEvery(long v) {
      logEvery = v;
      return given(9);
    }

    public Builder seed(long v) {
      seed = v;
      return given(10);
    }

    private Builder given(int component) {
      unset &= ~(1 << component);
      return this;
    }

    /**
     * The configuration, validated by the canonical constructor.
     *
     * @throws IllegalArgumentException the record's message for a bad value
     * @throws IllegalStateException naming the components that were never set
     */
    public ClassifierTrainConfig build() {
      RecordBuilders.requireAll(ClassifierTrainConfig.class, unset);
      return new ClassifierTrainConfig(
          batchSize,
          steps,
          lr,
          warmupSteps,
          schedule,
          weightDecay,
          flip,
          maxShift,
          checkpointEvery,
          logEvery,
          seed);
    }
  }
}
