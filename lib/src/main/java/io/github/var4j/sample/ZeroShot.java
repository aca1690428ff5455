package io.github.var4j.sample;

import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.util.Require;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Zero-shot in-painting, out-painting and class-conditional editing with a trained VAR (official
 * {@code demo_zero_shot_edit.ipynb} and {@code autoregressive_infer_cfg}): the given images' token
 * maps are teacher-forced where the keep mask says so, at every scale (in embedding space, before
 * Phi/upsampling), and the rest is generated conditioned on them.
 *
 * <p>Masks are pnLast x pnLast floats, 1 = keep the given image's tokens (build them with {@link
 * Masks#box} and {@link Masks#invert}):
 *
 * <ul>
 *   <li>in-painting: {@code keep = invert(box)}, the box is regenerated; unconditional (null
 *       class);
 *   <li>out-painting: {@code keep = box}, everything outside is regenerated; unconditional;
 *   <li>class-conditional editing: {@code keep = invert(box)}, the box is regenerated as the given
 *       class.
 * </ul>
 *
 * Token maps come from {@code Tokenizer.encodeToIndices} or {@link VarSampler#encodeToIndices} (K
 * arrays of n·pn² ids). The result's token maps hold the given tokens at forced positions.
 */
public final class ZeroShot {
  private ZeroShot() {}

  /** In-painting: regenerate where {@code keepMask} is 0, unconditionally (null class). */
  public static SampleResult inpaint(
      VarSampler sampler, List<int[]> gtTokens, int n, float[] keepMask, SampleOptions opts) {
    return withMask(sampler, gtTokens, nullLabels(sampler, n), keepMask, opts);
  }

  /**
   * Out-painting: keep the region where {@code keepMask} is 1 (e.g. a centre box), regenerate the
   * rest.
   */
  public static SampleResult outpaint(
      VarSampler sampler, List<int[]> gtTokens, int n, float[] keepMask, SampleOptions opts) {
    return withMask(sampler, gtTokens, nullLabels(sampler, n), keepMask, opts);
  }

  /** Class-conditional editing: regenerate where {@code keepMask} is 0 as class {@code label}. */
  public static SampleResult edit(
      VarSampler sampler,
      List<int[]> gtTokens,
      int n,
      float[] keepMask,
      int label,
      SampleOptions opts) {
    Require.positive("n", n);
    int[] labels = new int[n];
    Arrays.fill(labels, label);
    return withMask(sampler, gtTokens, labels, keepMask, opts);
  }

  /** The general form: one label per image (numClasses = null class). */
  public static SampleResult withMask(
      VarSampler sampler,
      List<int[]> gtTokens,
      int[] labels,
      float[] keepMask,
      SampleOptions opts) {
    Masks.checkSize(keepMask, sampler.varConfig().patchNums().latentSide());
    return sampler.sampleEdited(labels, gtTokens, keepMask, opts);
  }

  /**
   * Repeats every image's token maps {@code times} times (image-major: a,a,a,b,b,b), e.g. to draw
   * several edits per image in one call.
   *
   * @param tokens K arrays, scale k (n, pn_k²) token ids
   * @return K arrays, scale k (n·times, pn_k²)
   */
  public static List<int[]> repeat(List<int[]> tokens, int n, int times, ScaleSchedule patchNums) {
    Require.positive("times", times);
    if (tokens.size() != patchNums.K()) {
      throw new IllegalArgumentException(
          "expected token maps for " + patchNums.K() + " scales, got " + tokens.size());
    }
    List<int[]> out = new ArrayList<>();
    for (int k = 0; k < patchNums.K(); k++) {
      int t = patchNums.tokens(k);
      int[] src = tokens.get(k);
      if (src.length != n * t) {
        throw new IllegalArgumentException(
            "scale " + k + ": expected " + n * t + " token ids, got " + src.length);
      }
      int[] dst = new int[n * times * t];
      for (int b = 0; b < n; b++) {
        for (int r = 0; r < times; r++) System.arraycopy(src, b * t, dst, (b * times + r) * t, t);
      }
      out.add(dst);
    }
    return out;
  }

  private static int[] nullLabels(VarSampler sampler, int n) {
    Require.positive("n", n);
    int[] labels = new int[n];
    Arrays.fill(labels, sampler.nullClass());
    return labels;
  }
}
