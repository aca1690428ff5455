package io.github.var4j.sample;

/**
 * Intermediate tensors of one sampling step (a scale for VAR, a token for the raster baseline): the
 * official capture points of the parity fixtures, plus what a draw depends on.
 *
 * @param tokenMapIn the blocks' input, token_map_in (2B, l, C)
 * @param logits2B logits of the conditional and unconditional halves (2B, l, V)
 * @param logitsCfg the guided logits (B, l, V)
 * @param logitsMasked the top-k/top-p masked logits the draw used (B·l, V)
 * @param uniform the draw's uniforms (B·l) ({@link Sampling#multinomial}; zeros for greedy runs)
 * @param nextArea the next step's input (B, l_{s+1}, Cvae): for VAR the area-downsampled f̂ (B,
 *     pn_{si+1}, pn_{si+1}, Cvae); null at the last step
 */
public record StepTrace(
    float[] tokenMapIn,
    float[] logits2B,
    float[] logitsCfg,
    float[] logitsMasked,
    double[] uniform,
    float[] nextArea) {}
