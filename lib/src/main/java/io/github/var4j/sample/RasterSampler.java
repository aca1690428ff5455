package io.github.var4j.sample;

import io.github.var4j.nn.GraphRuntime;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.StateDict;
import io.github.var4j.nn.Tensors;
import io.github.var4j.quant.MultiScaleQuantizer;
import io.github.var4j.transformer.TokenOrder;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.transformer.VarModel;
import io.github.var4j.vae.VqVae;
import io.github.var4j.vae.VqVaeConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/**
 * Sampling of the raster-order baseline ({@link TokenOrder#RASTER}, the paper's Table 3 AR row): a
 * {@link VarModel} trained with a causal mask on a single-scale tokenizer generates the pn² tokens
 * of its token map ONE AT A TIME, left to right and top to bottom, with a KV cache, like a classic
 * autoregressive image transformer (VQGAN-style); then one run decodes the map (E[idx] -> Phi ->
 * decoder). One {@code Session.run} per token. CFG doubles the batch as in {@link VarSampler}, with
 * a constant guidance t = cfg (one scale, so no ramp); then top-k, top-p and the seeded stateless
 * multinomial of {@link Sampling}.
 *
 * <p>Per step the cache lives in resource variables (pn², 2B, H, hd) per block, written at the
 * current position with {@code ResourceScatterUpdate}; attention reads the whole cache with the
 * future positions masked (-inf), so each step costs attention over pn² keys (at most twice the
 * work of a growing cache; MLP and projections dominate at these lengths). Inputs, exactly as in
 * training ({@link VarModel#forward}): step 0 = class embedding + pos_start, step i > 0 =
 * word_embed(E[token i-1]); plus row i of lvl_embed + pos_1LC. The graph holds B images; {@link
 * #images} runs any number in batches of B (the last one padded).
 */
public final class RasterSampler implements ImageSampler {
  private final VarConfig varCfg;
  private final VqVaeConfig vaeCfg;
  private final int batch, steps;
  private final GraphRuntime rt;
  private final ParamStore varPs, vaePs;
  private final Placeholder<TInt32> label2B, prevTok, pos, topK;
  private final Placeholder<TInt64> seed;
  private final Placeholder<TFloat32> t, onePlusT, oneMinusTopP;
  private final Operand<TInt32> idxSampled, idxGreedy;
  private final Operand<TFloat32> guidedBV;
  private final List<Op> updates = new ArrayList<>(), inits = new ArrayList<>();
  private final Placeholder<TInt32> tokensIn;
  private final Operand<TFloat32> images;

  /**
   * Builds the sampler and loads both state dicts (strict, {@link ParamStore#load}).
   *
   * @param batch B images per graph run (the cache has 2B rows for CFG)
   * @throws IllegalArgumentException for a next-scale model ("RasterSampler needs a raster-order
   *     model, got order NEXT_SCALE: use VarSampler"), a tokenizer that does not fit, or B <= 0
   */
  public static RasterSampler load(
      VarConfig varCfg, StateDict varSd, VqVaeConfig vaeCfg, StateDict vaeSd, int batch) {
    return build(varCfg, vaeCfg, vaeSd, batch, s -> s.varPs.load(s.rt.session(), varSd));
  }

  /** A randomly initialised raster model (official init, seeded) with given tokenizer weights. */
  public static RasterSampler randomVar(
      VarConfig varCfg, long seed, VqVaeConfig vaeCfg, StateDict vaeSd, int batch) {
    return build(varCfg, vaeCfg, vaeSd, batch, s -> s.varPs.initialize(s.rt.session(), seed));
  }

  private static RasterSampler build(
      VarConfig varCfg,
      VqVaeConfig vaeCfg,
      StateDict vaeSd,
      int batch,
      java.util.function.Consumer<RasterSampler> varWeights) {
    return GraphRuntime.initOrClose(
        new RasterSampler(varCfg, vaeCfg, batch),
        s -> {
          varWeights.accept(s);
          s.vaePs.load(s.rt.session(), vaeSd);
          s.resetCache();
        });
  }

  private RasterSampler(VarConfig varCfg, VqVaeConfig vaeCfg, int batch) {
    if (varCfg.order() != TokenOrder.RASTER) {
      throw new IllegalArgumentException(
          "RasterSampler needs a raster-order model, got order "
              + varCfg.order()
              + ": use VarSampler");
    }
    VarSampler.checkAgree(varCfg, vaeCfg);
    if (batch <= 0) throw new IllegalArgumentException("batch must be positive, got " + batch);
    this.varCfg = varCfg;
    this.vaeCfg = vaeCfg;
    this.batch = batch;
    this.steps = varCfg.L();
    int pn = varCfg.patchNums().latentSide();
    int C = varCfg.embedDim(), H = varCfg.numHeads(), hd = varCfg.headDim(), cv = varCfg.cvae();
    int rows = 2 * batch;
    this.rt = new GraphRuntime();
    try {
      Ops tf = rt.tf();
      varPs = new ParamStore(tf, "var.");
      vaePs = new ParamStore(tf, "vae.");
      VarModel model = new VarModel(varPs, varCfg);
      VqVae vae = new VqVae(vaePs, vaeCfg);
      MultiScaleQuantizer quant = vae.quantizer();
      KvCachedVar kv = new KvCachedVar(model);

      label2B = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(rows)));
      prevTok = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(batch)));
      pos = tf.placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
      seed = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(2)));
      t = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      onePlusT = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      topK = tf.placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
      oneMinusTopP = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));

      Operand<TFloat32> e = quant.codebook();
      Operand<TFloat32> condBD = model.classEmbedding(label2B); // (2B, C)
      Operand<TFloat32> condBlocks = model.blockCondition(condBD);
      Operand<TFloat32> posTable =
          tf.reshape(model.lvlPos1LC(), tf.constant(new int[] {steps, C})); // (L, C)
      Operand<TFloat32> posEmb =
          tf.reshape(tf.gather(posTable, pos, tf.constant(0)), tf.constant(new int[] {1, 1, C}));
      Operand<TFloat32> sos =
          tf.math.add(tf.expandDims(condBD, tf.constant(1)), varPs.get("pos_start")); // (2B,1,C)
      Operand<TFloat32> tok =
          model.wordEmbed(
              tf.reshape(
                  tf.gather(e, prevTok, tf.constant(0)),
                  tf.constant(new int[] {batch, 1, cv}))); // (B, 1, C)
      Operand<TFloat32> tok2 = tf.concat(List.of(tok, tok), tf.constant(0));
      Operand<TBool> first = tf.math.equal(pos, tf.constant(0));
      Operand<TFloat32> x = tf.math.add(tf.select(first, sos, tok2), posEmb); // (2B, 1, C)

      // cached positions j < pos are visible, the rest of the cache is not; the new token sees
      // itself
      Operand<TFloat32> visible =
          tf.select(
              tf.math.less(tf.range(tf.constant(0), tf.constant(steps), tf.constant(1)), pos),
              tf.constant(0f),
              tf.constant(Float.NEGATIVE_INFINITY));
      Operand<TFloat32> bias =
          tf.reshape(
              tf.concat(List.of(visible, tf.constant(new float[] {0f})), tf.constant(0)),
              tf.constant(new int[] {1, 1, 1, steps + 1}));

      List<Operand<? extends TType>> kVars = new ArrayList<>(), vVars = new ArrayList<>();
      List<Operand<TFloat32>> newK = new ArrayList<>(), newV = new ArrayList<>();
      Shape cacheShape = Shape.of(steps, rows, H, hd);
      Operand<TFloat32> zeros =
          tf.fill(tf.constant(new int[] {steps, rows, H, hd}), tf.constant(0f));
      for (int i = 0; i < varCfg.depth(); i++) {
        Operand<? extends TType> kh =
            tf.withName("raster.k" + i)
                .varHandleOp(TFloat32.class, cacheShape, VarHandleOp.sharedName("raster.k" + i));
        Operand<? extends TType> vh =
            tf.withName("raster.v" + i)
                .varHandleOp(TFloat32.class, cacheShape, VarHandleOp.sharedName("raster.v" + i));
        kVars.add(kh);
        vVars.add(vh);
        inits.add(tf.assignVariableOp(kh, zeros));
        inits.add(tf.assignVariableOp(vh, zeros));
        Operand<TInt32> toBHLc = tf.constant(new int[] {1, 2, 0, 3});
        Operand<TFloat32> pastK =
            tf.linalg.transpose(tf.readVariableOp(kh, TFloat32.class), toBHLc);
        Operand<TFloat32> pastV =
            tf.linalg.transpose(tf.readVariableOp(vh, TFloat32.class), toBHLc);
        var r = kv.block(i, x, condBlocks, new KvCachedVar.Kv(pastK, pastV), bias);
        x = r.out();
        newK.add(lastPosition(tf, r.kv().kBHLc(), steps));
        newV.add(lastPosition(tf, r.kv().vBHLc(), steps));
      }
      Operand<TFloat32> logits = model.logits(x, condBD); // (2B, 1, V)
      List<org.tensorflow.Output<TFloat32>> halves = tf.split(tf.constant(0), logits, 2L).output();
      Operand<TFloat32> guided =
          tf.reshape(
              tf.math.sub(tf.math.mul(halves.get(0), onePlusT), tf.math.mul(halves.get(1), t)),
              tf.constant(new int[] {batch, varCfg.vocabSize()}));
      guidedBV = guided;
      idxGreedy = Sampling.greedy(tf, guided); // (B)
      idxSampled = Sampling.multinomial(tf, Sampling.filter(tf, guided, topK, oneMinusTopP), seed);
      // the cache is written after this step's attention has read it
      Ops after = tf.withControlDependencies(List.of(guided));
      Operand<TInt32> at = tf.reshape(pos, tf.constant(new int[] {1}));
      for (int i = 0; i < varCfg.depth(); i++) {
        updates.add(after.resourceScatterUpdate(kVars.get(i), at, newK.get(i)));
        updates.add(after.resourceScatterUpdate(vVars.get(i), at, newV.get(i)));
      }

      tokensIn = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, steps)));
      Operand<TFloat32> h =
          tf.reshape(
              tf.gather(e, tokensIn, tf.constant(0)), tf.constant(new int[] {-1, pn, pn, cv}));
      Operand<TFloat32> fHat = quant.phi(0, h);
      images =
          tf.math.mul(tf.math.add(vae.clamp(vae.decode(fHat)), tf.constant(1f)), tf.constant(0.5f));
    } catch (RuntimeException ex) {
      rt.close();
      throw ex;
    }
  }

  private void resetCache() {
    GraphRuntime.Run init = rt.run();
    inits.forEach(init::target);
    init.run().close();
  }

  /** (2B, H, Lp+1, hd) -> the new position's entry as (1, 2B, H, hd). */
  private static Operand<TFloat32> lastPosition(Ops tf, Operand<TFloat32> full, int steps) {
    Operand<TFloat32> last =
        tf.slice(
            full, tf.constant(new int[] {0, 0, steps, 0}), tf.constant(new int[] {-1, -1, 1, -1}));
    return tf.linalg.transpose(last, tf.constant(new int[] {2, 0, 1, 3}));
  }

  /** Number of sequential transformer steps per image batch (pn², the tokens of the map). */
  public int steps() {
    return steps;
  }

  /** B, the images of one graph run. */
  public int batch() {
    return batch;
  }

  @Override
  public VarConfig varConfig() {
    return varCfg;
  }

  @Override
  public VqVaeConfig vaeConfig() {
    return vaeCfg;
  }

  /**
   * Generates and decodes one image per label, in runs of B images (the last run padded); run c
   * draws its step p with the stateless seed (opts.seed + c, p).
   */
  @Override
  public synchronized float[] images(int[] labels, SampleOptions opts) {
    checkLabels(labels);
    int per = vaeCfg.imageSize() * vaeCfg.imageSize() * vaeCfg.inChannels();
    float[] out = new float[labels.length * per];
    for (int b0 = 0, c = 0; b0 < labels.length; b0 += batch, c++) {
      int m = Math.min(batch, labels.length - b0);
      int[] lab = new int[batch];
      System.arraycopy(labels, b0, lab, 0, m);
      int[] tokens = tokensOf(lab, opts.withSeed(opts.seed() + c));
      try (GraphRuntime.Outputs res =
          rt.run().feed(tokensIn, tokens, batch, steps).fetch(images).run()) {
        System.arraycopy(res.floats(0), 0, out, b0 * per, m * per);
      }
    }
    return out;
  }

  /**
   * The pn² sequential steps of exactly B images: tokens (B, pn²) in raster order, step p drawn
   * with the stateless seed (opts.seed, p).
   *
   * @throws IllegalArgumentException "expected 8 labels, got 9", "label 12 is outside [0, 10]"
   */
  public synchronized int[] sampleTokens(int[] labels, SampleOptions opts) {
    if (labels.length != batch)
      throw new IllegalArgumentException("expected " + batch + " labels, got " + labels.length);
    checkLabels(labels);
    return tokensOf(labels, opts);
  }

  /**
   * A traced run of {@link #sampleTokens}: the tokens (B, pn²) and, for every step, the guided
   * logits the draw used, (B, pn², V) in raster order.
   */
  public record Trace(int[] tokens, float[] guidedLogits) {}

  /** {@link #sampleTokens} that also returns every step's guided logits. */
  public synchronized Trace trace(int[] labels, SampleOptions opts) {
    if (labels.length != batch)
      throw new IllegalArgumentException("expected " + batch + " labels, got " + labels.length);
    checkLabels(labels);
    float[] logits = new float[batch * steps * varCfg.vocabSize()];
    return new Trace(tokensOf(labels, opts, logits), logits);
  }

  private void checkLabels(int[] labels) {
    VarSampler.checkLabels(labels, varCfg.numClasses());
  }

  private int[] tokensOf(int[] labels, SampleOptions opts) {
    return tokensOf(labels, opts, null);
  }

  /** The tokens; every step's guided logits into {@code logitsOut} (B, steps, V) unless null. */
  private int[] tokensOf(int[] labels, SampleOptions opts, float[] logitsOut) {
    int[] l2 = new int[2 * batch];
    System.arraycopy(labels, 0, l2, 0, batch);
    Arrays.fill(l2, batch, 2 * batch, varCfg.numClasses());
    double tt = opts.cfg(); // one scale: the guidance of VAR's last scale (ratio 1)
    int[] tokens = new int[batch * steps];
    int[] prev = new int[batch];
    Operand<TInt32> idx = opts.greedy() ? idxGreedy : idxSampled;
    // the per-run constants become tensors once, then are fed to every step
    try (TInt32 labT = Tensors.ofInts(l2, 2L * batch);
        TFloat32 tT = TFloat32.scalarOf((float) tt);
        TFloat32 opT = TFloat32.scalarOf((float) (1 + tt));
        TInt32 kT = TInt32.scalarOf(Sampling.effectiveTopK(opts.topK(), varCfg.vocabSize()));
        TFloat32 pT = TFloat32.scalarOf(opts.topP() > 0 ? (float) (1 - opts.topP()) : 0f)) {
      for (int p = 0; p < steps; p++) {
        GraphRuntime.Run r =
            rt.run()
                .feed(label2B, labT)
                .feed(prevTok, prev, batch)
                .feed(pos, new int[] {p})
                .feed(seed, new long[] {opts.seed(), p}, 2)
                .feed(t, tT)
                .feed(onePlusT, opT)
                .feed(topK, kT)
                .feed(oneMinusTopP, pT);
        updates.forEach(r::target);
        r.fetch(idx);
        if (logitsOut != null) r.fetch(guidedBV);
        try (GraphRuntime.Outputs res = r.run()) {
          prev = res.ints(0);
          if (logitsOut != null) {
            int v = varCfg.vocabSize();
            float[] g = res.floats(1); // (B, V)
            for (int b = 0; b < batch; b++)
              System.arraycopy(g, b * v, logitsOut, (b * steps + p) * v, v);
          }
        }
        for (int b = 0; b < batch; b++) tokens[b * steps + p] = prev[b];
      }
    }
    return tokens;
  }

  @Override
  public void close() {
    rt.close();
  }
}
