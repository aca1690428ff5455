package io.github.var4j.testutil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.var4j.sample.Masks;
import io.github.var4j.sample.SampleOptions;
import io.github.var4j.sample.SampleResult;
import io.github.var4j.sample.SampleTrace;
import io.github.var4j.sample.Sampling;
import io.github.var4j.sample.StepTrace;
import io.github.var4j.sample.VarSampler;
import io.github.var4j.scale.ScaleSchedule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Compares a sampler's output with stored samples (tokens and images made on another machine, or by
 * an earlier version) so that the comparison holds on any CPU: a token may differ only where the
 * draw is a proven near-tie ({@link NearTies}), and whatever follows a near-tie is checked against
 * the stored tokens by teacher forcing instead of being compared.
 *
 * <p>How:
 *
 * <ol>
 *   <li><b>Replay</b>: the sampler runs once more with the stored tokens forced at every scale
 *       (zero-shot editing with a keep-mask of ones), so that every scale sees the stored prefix,
 *       as the stored run did. With {@code more_smooth} the next scale's input does not depend on
 *       the drawn tokens (it is the Gumbel-softmax embedding), so the free run itself is the
 *       replay. At every position this machine's draw is recomputed from the replay's masked logits
 *       and uniform ({@link Sampling#drawFromUniform}; argmax when greedy); where it differs from
 *       the stored token, the stored token must be reachable from logits within {@code delta}
 *       ({@link NearTies}), or the check fails.
 *   <li><b>Free run</b>: the sampler's ordinary output must equal the stored tokens exactly in
 *       every image without a near-tie; in an image with one, at every scale before its first
 *       near-tie, and at that scale everywhere but the near-tie positions (after it, the image
 *       legitimately differs: the replay covered it). With {@code more_smooth}, everywhere but the
 *       near-tie positions.
 *   <li><b>Images</b>: the replay's images (decoded from the stored tokens) and the free run's
 *       images without a near-tie equal the stored images within {@code imageAtol}. With {@code
 *       more_smooth} the tolerance is {@code imageAtol · 2 / tau_min}: the Gumbel-softmax takes
 *       {@code (logits · (1 + ratio) + G) / tau}, with tau down to {@code Sampling.smoothTau(1)} =
 *       0.0135 and 1 + ratio = 2 at the last scale, so it multiplies rounding differences of the
 *       logits by up to 148 before they reach the decoder (measured on the committed models: 2.4e-4
 *       between kernels where plain sampling differs by 2.6e-6).
 * </ol>
 */
public final class SampleReplay {
  private SampleReplay() {}

  /**
   * What a comparison found: near-ties (all proven), whether the free run was bit-identical (tokens
   * and images), the largest image difference, and where the near-ties are (per image the first
   * scale with one, K if none; per scale (n, pn²) flags), which {@link #assertRunFollows} needs.
   */
  public record Report(
      int nearTies,
      boolean bitIdentical,
      double imagesMaxAbsDiff,
      int[] firstTieScale,
      List<boolean[]> tieAt) {
    public String describe() {
      return String.format(
          Locale.ROOT,
          "%d proven near-tie(s); %s; images max|diff| %.3g",
          nearTies,
          bitIdentical ? "bit-identical to the stored run" : "not bit-identical",
          imagesMaxAbsDiff);
    }
  }

  /**
   * Runs the checks of the class comment for one batch (one sampler chunk: labels.length must not
   * exceed the sampler's chunk size).
   *
   * @param storedTokensNL (n, L) the K token maps of every stored image, concatenated
   * @param storedImages (n, S, S, channels) in [0, 1]
   * @param delta the logit perturbation a near-tie may need (see {@link NearTies})
   * @param imageAtol tolerance of the images
   */
  public static Report check(
      VarSampler sampler,
      int[] labels,
      SampleOptions opts,
      int[] storedTokensNL,
      float[] storedImages,
      double delta,
      double imageAtol,
      String what) {
    if (opts.moreSmooth()) imageAtol *= 2 / Sampling.smoothTau(1); // see the class comment
    if (labels.length > sampler.chunkSize()) {
      throw new IllegalArgumentException(
          "one chunk only: " + labels.length + " labels > chunk " + sampler.chunkSize());
    }
    ScaleSchedule pn = sampler.varConfig().patchNums();
    int n = labels.length, K = pn.K(), L = pn.L(), V = sampler.varConfig().vocabSize();
    assertEquals(n * L, storedTokensNL.length, what + ": stored tokens (n, L)");
    List<int[]> stored = perScale(storedTokensNL, n, pn);

    SampleTrace free = sampler.trace(labels, opts);
    SampleTrace replay =
        opts.moreSmooth()
            ? free
            : sampler.traceEdited(labels, stored, Masks.all(pn.latentSide()), opts);

    // 1. the replay: every stored token is this machine's draw or a proven near-tie
    int[] firstTieScale = new int[n];
    Arrays.fill(firstTieScale, K);
    List<boolean[]> tie = new ArrayList<>();
    int ties = 0;
    for (int si = 0; si < K; si++) {
      int l = pn.tokens(si);
      boolean[] t = new boolean[n * l];
      StepTrace st = replay.steps().get(si);
      for (int r = 0; r < n * l; r++) {
        int g = stored.get(si)[r];
        float[] guided = Arrays.copyOfRange(st.logitsCfg(), r * V, (r + 1) * V);
        int here =
            opts.greedy()
                ? argmax(guided)
                : Sampling.drawFromUniform(
                    Arrays.copyOfRange(st.logitsMasked(), r * V, (r + 1) * V), st.uniform()[r]);
        if (here == g) continue;
        boolean ok =
            opts.greedy()
                ? NearTies.reachableGreedy(guided, g, delta)
                : NearTies.reachable(guided, opts.topK(), opts.topP(), st.uniform()[r], g, delta);
        if (!ok) {
          fail(
              String.format(
                  Locale.ROOT,
                  "%s: image %d, scale %d, position %d: stored token %d, this machine draws %d,"
                      + " and no logits within %.1e give %d (u = %.17g; logits %.7g vs %.7g)",
                  what,
                  r / l,
                  si,
                  r % l,
                  g,
                  here,
                  delta,
                  g,
                  opts.greedy() ? 0.0 : st.uniform()[r],
                  guided[g],
                  guided[here]));
        }
        t[r] = true;
        ties++;
        firstTieScale[r / l] = Math.min(firstTieScale[r / l], si);
      }
      tie.add(t);
    }

    // 2. the free run, 3. images
    double replayDiff = 0;
    float[] replayImages = replay.result().images();
    int per = storedImages.length / n;
    for (int b = 0; b < n; b++) {
      replayDiff =
          Math.max(
              replayDiff,
              Fixtures.assertClose(
                  Arrays.copyOfRange(storedImages, b * per, (b + 1) * per),
                  Arrays.copyOfRange(replayImages, b * per, (b + 1) * per),
                  imageAtol,
                  0,
                  what + ": image " + b + " decoded from the stored tokens"));
    }
    Report found = new Report(ties, false, 0, firstTieScale, tie);
    Free f = free(free.result(), found, stored, storedImages, imageAtol, opts, pn, what);
    return new Report(ties, f.identical, Math.max(replayDiff, f.maxDiff), firstTieScale, tie);
  }

  /**
   * Checks another run of the same labels and options on this machine (for example {@link
   * VarSampler#sample} after {@link #check} traced it) against the stored samples by the free-run
   * and image rules of the class comment, with the near-ties {@code replay} found.
   *
   * @return whether the run is bit-identical to the stored one
   */
  public static boolean assertRunFollows(
      SampleResult run,
      Report replay,
      ScaleSchedule pn,
      SampleOptions opts,
      int[] storedTokensNL,
      float[] storedImages,
      double imageAtol,
      String what) {
    if (opts.moreSmooth()) imageAtol *= 2 / Sampling.smoothTau(1); // see the class comment
    int n = replay.firstTieScale().length;
    return free(
            run, replay, perScale(storedTokensNL, n, pn), storedImages, imageAtol, opts, pn, what)
        .identical;
  }

  private record Free(boolean identical, double maxDiff) {}

  private static Free free(
      SampleResult run,
      Report replay,
      List<int[]> stored,
      float[] storedImages,
      double imageAtol,
      SampleOptions opts,
      ScaleSchedule pn,
      String what) {
    int[] firstTieScale = replay.firstTieScale();
    List<boolean[]> tie = replay.tieAt();
    int n = firstTieScale.length, K = pn.K();
    boolean identical = true;
    for (int b = 0; b < n; b++) {
      for (int si = 0; si < K; si++) {
        int l = pn.tokens(si);
        boolean checked = opts.moreSmooth() || si <= firstTieScale[b];
        for (int p = 0; p < l; p++) {
          int r = b * l + p;
          int got = run.tokens().get(si)[r], want = stored.get(si)[r];
          if (got != want) identical = false;
          if (!checked || tie.get(si)[r] || got == want) continue;
          fail(
              String.format(
                  Locale.ROOT,
                  "%s: image %d, scale %d, position %d: stored token %d, sampled %d, not a"
                      + " near-tie%s",
                  what,
                  b,
                  si,
                  p,
                  want,
                  got,
                  firstTieScale[b] < K
                      ? " (the image's first near-tie is at scale " + firstTieScale[b] + ")"
                      : ""));
        }
      }
    }
    int per = storedImages.length / n;
    double maxDiff = 0;
    float[] images = run.images();
    for (int b = 0; b < n; b++) {
      boolean sameTokens = opts.moreSmooth() || firstTieScale[b] == K;
      if (sameTokens) {
        double d =
            Fixtures.assertClose(
                Arrays.copyOfRange(storedImages, b * per, (b + 1) * per),
                Arrays.copyOfRange(images, b * per, (b + 1) * per),
                imageAtol,
                0,
                what + ": image " + b + " of the free run");
        if (d != 0) identical = false;
        maxDiff = Math.max(maxDiff, d);
      } else {
        identical = false;
      }
    }
    return new Free(identical, maxDiff);
  }

  /** (n, L) concatenated token maps to one (n, pn²) array per scale. */
  public static List<int[]> perScale(int[] tokensNL, int n, ScaleSchedule pn) {
    List<int[]> out = new ArrayList<>();
    int L = pn.L();
    for (int si = 0; si < pn.K(); si++) {
      int t = pn.tokens(si);
      int[] s = new int[n * t];
      for (int b = 0; b < n; b++) System.arraycopy(tokensNL, b * L + pn.begin(si), s, b * t, t);
      out.add(s);
    }
    return out;
  }

  private static int argmax(float[] row) {
    int best = 0;
    for (int j = 1; j < row.length; j++) if (row[j] > row[best]) best = j;
    return best;
  }
}
