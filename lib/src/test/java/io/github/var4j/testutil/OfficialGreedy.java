package io.github.var4j.testutil;

import io.github.var4j.sample.SampleOptions;
import io.github.var4j.sample.VarSampler;
import io.github.var4j.scale.ScaleSchedule;
import java.util.ArrayList;
import java.util.List;

/**
 * The official greedy inference of the fixtures ({@code autoregressive_infer_cfg} with top_k = 1,
 * files {@code infer/s*_idx.npy} and {@code infer/img_B3HW_01.npy}) as stored samples for {@link
 * SampleReplay}: a sampler must give the official tokens, except at proven near-ties, where the
 * official token is forced and the replay continues from it.
 *
 * <p>Why near-ties must be allowed: the generator records the smallest top-1/top-2 gap of the
 * guided logits ({@code notes.greedy_min_margin_per_scale}) but does not redraw weights until it is
 * large, and the tests accept guided logits within the manifest tolerance of {@code
 * infer/s*_logits_cfg.npy}. Wherever the official gap is below twice that tolerance, a correct
 * implementation on some CPU may pick the other token.
 *
 * <p>{@link #delta()}, derived: our guided logits x and the official f satisfy {@code |x_j - f_j|
 * <= atol + rtol·|f_j|}; the official token g has {@code f_g >= f_j}, so {@code x_g >= max(x) - 2δ}
 * with {@code δ = atol + rtol·max|f|} (the largest over every scale's file): exactly what {@link
 * NearTies#reachableGreedy} accepts.
 */
public final class OfficialGreedy {
  private OfficialGreedy() {}

  /** The official tokens, (B, L) concatenated over the scales. */
  public static int[] tokensNL() {
    TinyFixture t = TinyFixture.get();
    ScaleSchedule pn = t.schedule();
    int b = t.B(), L = pn.L();
    int[] out = new int[b * L];
    for (int si = 0; si < pn.K(); si++) {
      int[] idx = Fixtures.ints("infer/s" + si + "_idx.npy");
      int l = pn.tokens(si);
      for (int n = 0; n < b; n++) System.arraycopy(idx, n * l, out, n * L + pn.begin(si), l);
    }
    return out;
  }

  /** The official tokens per scale, each (B, pn²). */
  public static List<int[]> tokensPerScale() {
    List<int[]> out = new ArrayList<>();
    for (int si = 0; si < TinyFixture.get().K(); si++)
      out.add(Fixtures.ints("infer/s" + si + "_idx.npy"));
    return out;
  }

  /** The official images, NHWC in [0, 1]. */
  public static float[] imagesNHWC() {
    return Fixtures.nchwToNhwc(Fixtures.npy("infer/img_B3HW_01.npy"));
  }

  /** The logit perturbation that explains a different greedy token (class comment). */
  public static double delta() {
    double worst = 0;
    for (int si = 0; si < TinyFixture.get().K(); si++) {
      String f = "infer/s" + si + "_logits_cfg.npy";
      Fixtures.Tol tol = Fixtures.tol(f);
      double max = 0;
      for (float v : Fixtures.floats(f)) max = Math.max(max, Math.abs(v));
      worst = Math.max(worst, tol.atol() + tol.rtol() * max);
    }
    return worst;
  }

  /**
   * The manifest's image tolerance as one absolute tolerance ({@link SampleReplay} takes atol
   * only): {@code atol + rtol·1}, since the images lie in [0, 1].
   */
  public static double imageAtol() {
    Fixtures.Tol tol = Fixtures.tol("infer/img_B3HW_01.npy");
    return tol.atol() + tol.rtol();
  }

  /**
   * {@link SampleReplay#check} of a sampler's greedy run (the fixture labels and cfg) against the
   * official inference.
   */
  public static SampleReplay.Report check(VarSampler sampler, String what) {
    TinyFixture t = TinyFixture.get();
    return SampleReplay.check(
        sampler,
        TinyFixture.labelFile(),
        SampleOptions.greedy(t.cfg()),
        tokensNL(),
        imagesNHWC(),
        delta(),
        imageAtol(),
        what);
  }
}
