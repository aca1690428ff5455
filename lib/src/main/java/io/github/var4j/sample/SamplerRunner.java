package io.github.var4j.sample;

import io.github.var4j.nn.GraphRuntime;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.VqVaeConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Output;

/**
 * Runs the sampling graphs of one {@link SamplerModels}: builds a {@link SamplerGraph} per option
 * structure on first use, feeds labels, guidance, top-k/top-p, seeds (and the given tokens of
 * zero-shot editing), splits large batches into chunks, fetches the tokens, f̂ and images (and on
 * request every step's intermediates) and returns them as a {@link SampleResult}. One graph run per
 * chunk; not thread-safe (the samplers synchronise).
 */
final class SamplerRunner {
  private final SamplerModels m;
  private final SamplingOrder order;
  private final ModelSchedule models;
  private final TokenSelection selection;
  private final Map<SamplerGraph.Variant, SamplerGraph> built = new HashMap<>();

  SamplerRunner(SamplerModels m, ModelSchedule models, TokenSelection selection) {
    this.m = m;
    this.order =
        SamplingOrder.of(m.rt.tf(), m.varCfg.order(), m.varCfg.patchNums(), m.vae.quantizer());
    this.models = models;
    this.selection = selection;
  }

  /**
   * Images in chunks of {@code chunk}; chunk c uses the order's seed pair of (seed, c). With {@code
   * pad} every run holds exactly {@code chunk} images (the last one padded with label 0, the
   * padding dropped), so an image's draws do not depend on how many follow it.
   *
   * @param gt per step (n, l) given tokens of zero-shot editing, or null
   * @param force per step (l) force maps, or null
   */
  SampleResult runChunked(
      int[] labels, SampleOptions o, int chunk, boolean pad, List<int[]> gt, List<float[]> force) {
    List<SampleResult> parts = new ArrayList<>();
    for (int b0 = 0, c = 0; b0 < labels.length; b0 += chunk, c++) {
      int n = Math.min(chunk, labels.length - b0);
      int[] lab = Arrays.copyOfRange(labels, b0, b0 + (pad ? chunk : n)); // zeros past the end
      List<int[]> gtPart = null;
      if (gt != null) {
        gtPart = new ArrayList<>();
        for (int s = 0; s < order.numSteps(); s++) {
          int l = order.tokens(s);
          gtPart.add(Arrays.copyOfRange(gt.get(s), b0 * l, (b0 + lab.length) * l));
        }
      }
      SampleResult r = run(lab, o, c, gtPart, force, null);
      parts.add(lab.length == n ? r : r.first(n));
    }
    return SampleResult.concat(parts);
  }

  /**
   * The tokens of one graph run of all labels, per scale of the result (B, pn²), without decoding
   * them (TensorFlow runs only what the fetched tokens need): the transformer's part of sampling.
   */
  List<int[]> tokens(int[] labels, SampleOptions o) {
    SamplerGraph g = graph(o, false);
    Fetches f = new Fetches();
    int[] idxAt = g.tokens.stream().mapToInt(f::add).toArray();
    try (GraphRuntime.Outputs res = feeds(g, labels, o, 0, null, null).fetch(f.ops).run()) {
      List<int[]> idx = new ArrayList<>();
      for (int at : idxAt) idx.add(res.ints(at));
      return idx;
    }
  }

  private SamplerGraph graph(SampleOptions o, boolean zeroShot) {
    if (o == null) throw new IllegalArgumentException("options must not be null");
    SamplerGraph.Variant v =
        SamplerGraph.Variant.of(o, m.varCfg.vocabSize(), order.smooths(), zeroShot);
    return built.computeIfAbsent(
        v, k -> new SamplerGraph(m.rt.tf(), order, m.vae, models, selection, k));
  }

  /** A run of graph g with its inputs fed: labels and their null twins, seeds, CFG, top-k/top-p. */
  private GraphRuntime.Run feeds(
      SamplerGraph g,
      int[] labels,
      SampleOptions o,
      long chunkIdx,
      List<int[]> gt,
      List<float[]> force) {
    VarConfig cfg = m.varCfg;
    int steps = order.numSteps(), vocab = cfg.vocabSize(), n = labels.length;
    int[] label2B = new int[2 * n];
    System.arraycopy(labels, 0, label2B, 0, n);
    Arrays.fill(label2B, n, 2 * n, cfg.numClasses()); // the unconditional half
    float[] t = new float[steps], onePlusT = new float[steps];
    for (int s = 0; s < steps; s++) {
      double ts = o.cfg() * order.ratio(s); // python double, cast to float32 by torch
      t[s] = (float) ts;
      onePlusT[s] = (float) (1 + ts);
    }
    GraphRuntime.Run run =
        m.rt
            .run()
            .feed(g.label2B, label2B, 2L * n)
            .feed(g.seed, order.seedPair(o.seed(), chunkIdx), 2)
            .feed(g.t, t, steps)
            .feed(g.onePlusT, onePlusT, steps);
    if (g.topK != null) run.feed(g.topK, new int[] {Sampling.effectiveTopK(o.topK(), vocab)});
    if (g.oneMinusTopP != null) run.feed(g.oneMinusTopP, new float[] {(float) (1 - o.topP())});
    if (gt != null) {
      for (int s = 0; s < steps; s++) {
        int l = order.tokens(s);
        run.feed(g.gtIdx.get(s), gt.get(s), n, l);
        run.feed(g.force.get(s), force.get(s), l, 1);
      }
    }
    return run;
  }

  /** One graph run of all labels; every step's intermediates into {@code traceOut} unless null. */
  SampleResult run(
      int[] labels,
      SampleOptions o,
      long chunkIdx,
      List<int[]> gt,
      List<float[]> force,
      List<StepTrace> traceOut) {
    SamplerGraph g = graph(o, gt != null);
    VarConfig cfg = m.varCfg;
    int steps = order.numSteps(), n = labels.length;
    GraphRuntime.Run run = feeds(g, labels, o, chunkIdx, gt, force);
    // an output may appear twice (area(fHat -> pn) is fHat itself when pn = s): fetch each once
    Fetches f = new Fetches();
    int imgAt = f.add(g.images);
    int[] idxAt = g.tokens.stream().mapToInt(f::add).toArray();
    int[] fHatAt = g.fHat.stream().mapToInt(f::add).toArray();
    int[][] traceAt = traceOut == null ? null : new int[steps][];
    for (int s = 0; traceOut != null && s < steps; s++) {
      SamplerGraph.StepOps st = g.steps.get(s);
      StepDraw.Out d = st.draw();
      traceAt[s] =
          new int[] {
            f.add(st.tokenMapIn()),
            f.add(st.logits2B()),
            f.add(d.logitsCfg()),
            f.add(d.logitsMasked()),
            f.add(d.uniform()),
            st.nextBlCv() == null ? -1 : f.add(st.nextBlCv())
          };
    }
    try (GraphRuntime.Outputs res = run.fetch(f.ops).run()) {
      List<int[]> idx = new ArrayList<>();
      List<float[]> fHat = new ArrayList<>();
      for (int at : idxAt) idx.add(res.ints(at));
      for (int at : fHatAt) fHat.add(res.floats(at));
      for (int s = 0; traceOut != null && s < steps; s++) {
        int[] a = traceAt[s];
        traceOut.add(
            new StepTrace(
                res.floats(a[0]),
                res.floats(a[1]),
                res.floats(a[2]),
                res.floats(a[3]),
                res.doubles(a[4]),
                a[5] < 0 ? null : res.floats(a[5])));
      }
      VqVaeConfig vc = m.vaeCfg;
      ScaleSchedule pn = cfg.patchNums();
      return new SampleResult(
          n,
          vc.imageSize(),
          vc.inChannels(),
          res.floats(imgAt),
          labels.clone(),
          pn,
          idx,
          vc.latentSide(),
          vc.zChannels(),
          fHat);
    }
  }

  /** Fetch list without duplicates: {@link #add} returns the result index of an output. */
  private static final class Fetches {
    final List<Operand<?>> ops = new ArrayList<>();
    private final Map<Output<?>, Integer> at = new HashMap<>();

    int add(Operand<?> op) {
      return at.computeIfAbsent(
          op.asOutput(),
          o -> {
            ops.add(o);
            return ops.size() - 1;
          });
    }
  }
}
