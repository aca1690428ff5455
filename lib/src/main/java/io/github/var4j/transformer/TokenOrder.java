package io.github.var4j.transformer;

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
 */
public enum TokenOrder {
  NEXT_SCALE,
  RASTER;

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
