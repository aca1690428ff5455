package io.github.var4j.sample;

import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.StateDict;
import io.github.var4j.transformer.TokenOrder;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.transformer.VarModel;
import io.github.var4j.vae.VqVaeConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Sampling of the raster-order baseline ({@link TokenOrder#RASTER}, the paper's Table 3 AR row): a
 * {@link VarModel} trained with a causal mask on a single-scale tokenizer generates the pn² tokens
 * of its token map ONE AT A TIME, left to right and top to bottom, with a KV cache, like a classic
 * autoregressive image transformer (VQGAN-style), then decodes the map (E[idx] -> Phi -> decoder).
 *
 * <p>The loop is {@link VarSampler}'s ({@link SamplerGraph}); only the order differs ({@link
 * SamplingOrder}): pn² steps of one token each, unrolled into one graph, one {@code Session.run}
 * per batch. Step p reads the cache of tokens 0..p-1 and grows it by one. CFG doubles the batch as
 * in {@link VarSampler}, with a constant guidance t = cfg (one scale, so no ramp); then top-k,
 * top-p and the seeded stateless draw of {@link Sampling}. Inputs, exactly as in training ({@link
 * VarModel#forward}): step 0 = class embedding + pos_start, step p > 0 = word_embed(E[token p-1]);
 * plus row p of lvl_embed + pos_1LC. {@link #images} runs any number of images in batches of B (the
 * last one padded), batch c drawing its step p with the stateless seed (opts.seed + c, p).
 */
public final class RasterSampler extends CoreSampler {
  private final int batch;

  private RasterSampler(SamplerModels m, int batch) {
    super(m, ModelSchedule.single(m.var), TokenSelection.ALL);
    this.batch = batch;
  }

  /**
   * Builds the sampler and loads both state dicts (strict, {@link ParamStore#load}).
   *
   * @param batch B images per graph run (the cache has 2B rows for CFG)
   * @throws IllegalArgumentException for a next-scale model ("RasterSampler needs a raster-order
   *     model, got order NEXT_SCALE: use VarSampler"), a tokenizer that does not fit, or B <= 0
   */
  public static RasterSampler load(
      VarConfig varCfg, StateDict varSd, VqVaeConfig vaeCfg, StateDict vaeSd, int batch) {
    check(varCfg, vaeCfg, batch);
    return new RasterSampler(SamplerModels.load(varCfg, varSd, vaeCfg, vaeSd), batch);
  }

  /** A randomly initialised raster model (official init, seeded) with given tokenizer weights. */
  public static RasterSampler randomVar(
      VarConfig varCfg, long seed, VqVaeConfig vaeCfg, StateDict vaeSd, int batch) {
    check(varCfg, vaeCfg, batch);
    return new RasterSampler(SamplerModels.randomVar(varCfg, seed, vaeCfg, vaeSd), batch);
  }

  private static void check(VarConfig varCfg, VqVaeConfig vaeCfg, int batch) {
    if (varCfg.order() != TokenOrder.RASTER) {
      throw new IllegalArgumentException(
          "RasterSampler needs a raster-order model, got order "
              + varCfg.order()
              + ": use VarSampler");
    }
    VarSampler.checkAgree(varCfg, vaeCfg);
    if (batch <= 0) throw new IllegalArgumentException("batch must be positive, got " + batch);
  }

  /** Number of sequential transformer steps per image batch (pn², the tokens of the map). */
  public int steps() {
    return m.varCfg.L();
  }

  /** B, the images of one graph run. */
  public int batch() {
    return batch;
  }

  /**
   * Generates and decodes one image per label, in runs of B images (the last run padded); run c
   * draws its step p with the stateless seed (opts.seed + c, p).
   */
  @Override
  public synchronized float[] images(int[] labels, SampleOptions opts) {
    checkLabels(labels);
    return runner.runChunked(labels, opts, batch, true, null, null).images();
  }

  /**
   * The pn² sequential steps of exactly B images: tokens (B, pn²) in raster order, step p drawn
   * with the stateless seed (opts.seed, p).
   *
   * @throws IllegalArgumentException "expected 8 labels, got 9", "label 12 is outside [0, 10]"
   */
  public synchronized int[] sampleTokens(int[] labels, SampleOptions opts) {
    checkBatch(labels);
    return runner.run(labels, opts, 0, null, null, null).tokens().get(0);
  }

  /**
   * A traced run of {@link #sampleTokens}: the tokens (B, pn²) and, for every step, the guided
   * logits the draw used, (B, pn², V) in raster order.
   */
  public record Trace(int[] tokens, float[] guidedLogits) {}

  /** {@link #sampleTokens} that also returns every step's guided logits. */
  public synchronized Trace trace(int[] labels, SampleOptions opts) {
    checkBatch(labels);
    List<StepTrace> tr = new ArrayList<>();
    int[] tokens = runner.run(labels, opts, 0, null, null, tr).tokens().get(0);
    int steps = steps(), v = m.varCfg.vocabSize();
    float[] logits = new float[batch * steps * v];
    for (int p = 0; p < steps; p++) {
      float[] g = tr.get(p).logitsCfg(); // (B, 1, V)
      for (int b = 0; b < batch; b++) System.arraycopy(g, b * v, logits, (b * steps + p) * v, v);
    }
    return new Trace(tokens, logits);
  }

  private void checkBatch(int[] labels) {
    if (labels.length != batch)
      throw new IllegalArgumentException("expected " + batch + " labels, got " + labels.length);
    checkLabels(labels);
  }
}
