package io.github.var4j.scaling;

import io.github.var4j.train.VarTrainConfig;
import io.github.var4j.util.Require;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The model family of the scaling-law sweep (the paper's Figs. 5 and 6): one knob, {@code depth},
 * as in the official code, at a width our 2-core machine can train.
 *
 * <ul>
 *   <li>width C = {@value #WIDTH_PER_DEPTH}·depth, heads = depth (head dimension {@value
 *       #WIDTH_PER_DEPTH}); the official rule is 64·depth with head dimension 64;
 *   <li>everything else as {@code VarConfig.ofDepth} (MLP ratio 4, drop path 0.1·depth/24, official
 *       initialisation), through {@link VarTrainConfig#modelConfig};
 *   <li>peak learning rate {@value #BASE_LR}·{@value #BASE_WIDTH}/C: inversely proportional to the
 *       width, as μP prescribes for Adam on hidden layers, anchored at the default VAR (C = 128,
 *       1e-3);
 *   <li>every size trains on the same tokens: the same steps, batch, schedule and seed.
 * </ul>
 */
public final class ScalingFamily {
  private ScalingFamily() {}

  /** C / depth. */
  public static final int WIDTH_PER_DEPTH = 32;

  /** The width at which the learning rate is {@link #BASE_LR}. */
  public static final int BASE_WIDTH = 128;

  /** The default VAR's peak learning rate (at C = 128). */
  public static final double BASE_LR = 1e-3;

  /** The peak learning rate of a width: {@value #BASE_LR}·{@value #BASE_WIDTH}/C. */
  public static double peakLr(int width) {
    Require.atLeast("width", width, 1);
    return BASE_LR * BASE_WIDTH / width;
  }

  /**
   * The training configuration of one size: {@code base} (steps, batch, schedule, seed) with the
   * size's depth, width, heads and learning rate.
   */
  public static VarTrainConfig training(int depth, VarTrainConfig base) {
    int c = WIDTH_PER_DEPTH * depth;
    return base.withDepth(depth).withWidth(c, depth).withPeakLr(peakLr(c));
  }

  /**
   * {@code count} evaluation steps spaced evenly in log(step) from 1 % of {@code total} to {@code
   * total} (rounded, duplicates dropped, so fewer when total is small), increasing.
   *
   * @throws IllegalArgumentException if total or count is below 2
   */
  public static long[] logSpacedSteps(long total, int count) {
    if (total < 2 || count < 2)
      throw new IllegalArgumentException(
          "need total >= 2 and count >= 2, got total " + total + ", count " + count);
    double lo = Math.max(1, total / 100.0);
    Set<Long> s = new LinkedHashSet<>();
    for (int i = 0; i < count; i++) {
      double v = lo * Math.pow(total / lo, i / (double) (count - 1));
      s.add(Math.max(1, Math.min(total, Math.round(v))));
    }
    long[] out = s.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(out);
    return out;
  }
}
