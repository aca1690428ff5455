package io.github.var4j.transformer;

import io.github.var4j.scale.ScaleSchedule;

/**
 * The order in which a transformer generates a token sequence, and so its attention mask and its
 * teacher-forcing input.
 *
 * <ul>
 *   <li>{@link #NEXT_SCALE}: VAR. The L tokens of the K token maps r_1..r_K are generated in K
 *       steps, one whole scale per step; a token sees its own scale and every coarser one
 *       (block-causal); the input of scale k+1 is the quantizer's f̂ after scales 1..k, resized to
 *       pn_{k+1} ({@code idxBl_to_var_input}).
 *   <li>{@link #RASTER}: the classic autoregressive image transformer (VQGAN-style GPT), the
 *       baseline of the paper's Table 3. One token map (the schedule has one scale, pn × pn) is
 *       generated in L = pn² steps, one token per step, left to right, top to bottom; a token sees
 *       the tokens before it (causal); the input of token i is the codebook vector E[r_{i-1}]
 *       (token 0 reads the class token, as VAR's first scale does).
 * </ul>
 *
 * The steps of sampling follow from the order: step s draws the {@link #stepTokens} tokens that
 * start at position {@link #stepBegin} of the L, with the cache of all earlier steps.
 */
public enum TokenOrder {
  NEXT_SCALE,
  RASTER;

  /** Sequential sampling steps of a schedule: K (one scale per step) or L (one token per step). */
  public int numSteps(ScaleSchedule patchNums) {
    return this == NEXT_SCALE ? patchNums.K() : patchNums.L();
  }

  /** The position in the L of the first token of step s: begin(s) or s. */
  public int stepBegin(ScaleSchedule patchNums, int step) {
    checkStep(patchNums, step);
    return this == NEXT_SCALE ? patchNums.begin(step) : step;
  }

  /** The tokens step s draws: pn_s² or 1. */
  public int stepTokens(ScaleSchedule patchNums, int step) {
    checkStep(patchNums, step);
    return this == NEXT_SCALE ? patchNums.tokens(step) : 1;
  }

  private void checkStep(ScaleSchedule patchNums, int step) {
    int n = numSteps(patchNums);
    if (step < 0 || step >= n)
      throw new IllegalArgumentException("step must be in [0, " + (n - 1) + "], got " + step);
  }

  /**
   * The step at which each of the L tokens is generated (VAR: its scale, {@code lvl_1L}; raster:
   * its position). Token q may attend to token k iff {@code step[q] >= step[k]}.
   */
  int[] steps(int[] levels) {
    if (this == NEXT_SCALE) return levels.clone();
    int[] s = new int[levels.length];
    for (int i = 0; i < s.length; i++) s[i] = i;
    return s;
  }
}
