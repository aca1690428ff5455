package io.github.var4j.sample;

import io.github.var4j.nn.GraphRuntime;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.StateDict;
import io.github.var4j.nn.Tensors;
import io.github.var4j.quant.MultiScaleQuantizer;
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
 * A raster-order baseline for sampling benchmarks: the same transformer (width, depth, weights of a
 * {@link VarModel}) generates the last scale's pn² tokens ONE AT A TIME, left to right and top to
 * bottom, with a KV cache, like a classic autoregressive image transformer (VQGAN-style). One
 * {@code Session.run} per token; then one run decodes the token map (E[idx] -> Phi -> decoder). CFG
 * doubles the batch as in {@link VarSampler}.
 *
 * <p>Not a trained model: it exists to time "pn² sequential steps" against VAR's K steps on equal
 * hardware. Per step the cache lives in resource variables (pn², 2B, H, hd) per block, written at
 * the current position with {@code ResourceScatterUpdate}; attention reads the whole cache with the
 * future positions masked (-inf), so each step costs attention over pn² keys (at most twice the
 * work of a growing cache; MLP and projections dominate at these lengths). Inputs: step 0 = class
 * embedding + pos_start (the sos token), step i > 0 = word_embed(E[token i-1]); plus the last
 * scale's lvl_embed + pos_1LC rows as positions.
 */
public final class RasterBaseline implements AutoCloseable {
  private final VarConfig varCfg;
  private final VqVaeConfig vaeCfg;
  private final SampleOptions opts;
  private final int batch, pn, steps;
  private final GraphRuntime rt;
  private final Placeholder<TInt32> label2B, prevTok, pos;
  private final Placeholder<TInt64> seed;
  private final Placeholder<TFloat32> t, onePlusT, oneMinusTopP;
  private final Placeholder<TInt32> topK;
  private final Operand<TInt32> idx;
  private final List<Op> updates = new ArrayList<>();
  private final Placeholder<TInt32> tokensIn;
  private final Operand<TFloat32> images;

  /**
   * @param batch B images per call (the cache has 2B rows for CFG)
   * @param opts the sampling options: their structure (top-k/top-p on or off, greedy) is built into
   *     the graph; cfg and the seed are used by {@link #sample}
   */
  public RasterBaseline(
      VarConfig varCfg,
      StateDict varSd,
      VqVaeConfig vaeCfg,
      StateDict vaeSd,
      int batch,
      SampleOptions opts) {
    VarSampler.checkAgree(varCfg, vaeCfg);
    if (batch <= 0) throw new IllegalArgumentException("batch must be positive, got " + batch);
    this.varCfg = varCfg;
    this.vaeCfg = vaeCfg;
    this.opts = opts;
    this.batch = batch;
    int K = varCfg.patchNums().K();
    this.pn = varCfg.patchNums().latentSide();
    this.steps = pn * pn;
    int C = varCfg.embedDim(),
        H = varCfg.numHeads(),
        hd = varCfg.headDim(),
        V = varCfg.vocabSize(),
        cv = varCfg.cvae();
    int rows = 2 * batch;
    this.rt = new GraphRuntime();
    try {
      Ops tf = rt.tf();
      ParamStore varPs = new ParamStore(tf, "var."), vaePs = new ParamStore(tf, "vae.");
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
      boolean useK = opts.topK() > 0 && opts.topK() < V && !opts.greedy(),
          useP = opts.topP() > 0 && !opts.greedy();
      topK = useK ? tf.placeholder(TInt32.class, Placeholder.shape(Shape.scalar())) : null;
      oneMinusTopP =
          useP ? tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar())) : null;

      Operand<TFloat32> e = quant.codebook();
      Operand<TFloat32> condBD = model.classEmbedding(label2B); // (2B, C)
      Operand<TFloat32> condBlocks = model.blockCondition(condBD);
      Operand<TFloat32> lvlPos = model.lvlPos1LC(); // (1, L, C)
      int lastBegin = varCfg.patchNums().begin(K - 1);
      Operand<TFloat32> posTable =
          tf.reshape(
              tf.slice(
                  lvlPos,
                  tf.constant(new int[] {0, lastBegin, 0}),
                  tf.constant(new int[] {1, steps, C})),
              tf.constant(new int[] {steps, C}));
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

      // mask: cached positions j < pos are visible, the rest of the cache is not; the new token
      // sees itself
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
      List<Op> inits = new ArrayList<>();
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
        newK.add(lastPosition(tf, r.kBHLc(), steps));
        newV.add(lastPosition(tf, r.vBHLc(), steps));
      }
      Operand<TFloat32> logits = model.logits(x, condBD); // (2B, 1, V)
      List<org.tensorflow.Output<TFloat32>> halves = tf.split(tf.constant(0), logits, 2L).output();
      Operand<TFloat32> guided =
          tf.reshape(
              tf.math.sub(tf.math.mul(halves.get(0), onePlusT), tf.math.mul(halves.get(1), t)),
              tf.constant(new int[] {batch, V}));
      Operand<TFloat32> masked = Sampling.filter(tf, guided, topK, oneMinusTopP);
      idx =
          opts.greedy()
              ? Sampling.greedy(tf, guided)
              : Sampling.multinomial(tf, masked, seed); // (B)
      Ops after = tf.withControlDependencies(List.of(idx));
      Operand<TInt32> at = tf.reshape(pos, tf.constant(new int[] {1}));
      for (int i = 0; i < varCfg.depth(); i++) {
        updates.add(after.resourceScatterUpdate(kVars.get(i), at, newK.get(i)));
        updates.add(after.resourceScatterUpdate(vVars.get(i), at, newV.get(i)));
      }

      tokensIn = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, steps)));
      Operand<TFloat32> h =
          tf.reshape(
              tf.gather(e, tokensIn, tf.constant(0)), tf.constant(new int[] {-1, pn, pn, cv}));
      Operand<TFloat32> fHat = quant.phi(K - 1, h);
      images =
          tf.math.mul(tf.math.add(vae.clamp(vae.decode(fHat)), tf.constant(1f)), tf.constant(0.5f));

      varPs.load(rt.session(), varSd);
      vaePs.load(rt.session(), vaeSd);
      GraphRuntime.Run init = rt.run();
      inits.forEach(init::target);
      init.run().close();
    } catch (RuntimeException ex) {
      rt.close();
      throw ex;
    }
  }

  /** (2B, H, Lp+1, hd) -> the new position's entry as (1, 2B, H, hd). */
  private static Operand<TFloat32> lastPosition(Ops tf, Operand<TFloat32> full, int steps) {
    Operand<TFloat32> last =
        tf.slice(
            full, tf.constant(new int[] {0, 0, steps, 0}), tf.constant(new int[] {-1, -1, 1, -1}));
    return tf.linalg.transpose(last, tf.constant(new int[] {2, 0, 1, 3}));
  }

  /** Number of sequential transformer steps per image batch (pn² of the last scale). */
  public int steps() {
    return steps;
  }

  public int batch() {
    return batch;
  }

  /**
   * Generates B images token by token, then decodes them (one more run).
   *
   * @param labels B labels in [0, numClasses]
   * @return images (B, S, S, channels) in [0, 1]
   */
  public float[] sample(int[] labels, long seedValue) {
    int[] tokens = sampleTokens(labels, seedValue);
    try (GraphRuntime.Outputs res =
        rt.run().feed(tokensIn, tokens, batch, steps).fetch(images).run()) {
      return res.floats(0);
    }
  }

  /**
   * The pn² sequential steps only: tokens (B, pn²) in raster order, step p drawn with the seed
   * (seed, p).
   */
  public int[] sampleTokens(int[] labels, long seedValue) {
    if (labels.length != batch)
      throw new IllegalArgumentException("expected " + batch + " labels, got " + labels.length);
    for (int lab : labels) {
      if (lab < 0 || lab > varCfg.numClasses()) {
        throw new IllegalArgumentException(
            "label " + lab + " is outside [0, " + varCfg.numClasses() + "]");
      }
    }
    int[] l2 = new int[2 * batch];
    System.arraycopy(labels, 0, l2, 0, batch);
    Arrays.fill(l2, batch, 2 * batch, varCfg.numClasses());
    double tt = opts.cfg(); // guidance of the last scale (ratio 1)
    int[] tokens = new int[batch * steps];
    int[] prev = new int[batch];
    // the per-run constants become tensors once, then are fed to every step
    try (TInt32 labT = Tensors.ofInts(l2, 2L * batch);
        TFloat32 tT = TFloat32.scalarOf((float) tt);
        TFloat32 opT = TFloat32.scalarOf((float) (1 + tt));
        TInt32 kT = TInt32.scalarOf(Sampling.effectiveTopK(opts.topK(), varCfg.vocabSize()));
        TFloat32 pT = TFloat32.scalarOf((float) (1 - opts.topP()))) {
      for (int p = 0; p < steps; p++) {
        GraphRuntime.Run r =
            rt.run()
                .feed(label2B, labT)
                .feed(prevTok, prev, batch)
                .feed(pos, new int[] {p})
                .feed(seed, new long[] {seedValue, p}, 2)
                .feed(t, tT)
                .feed(onePlusT, opT);
        if (topK != null) r.feed(topK, kT);
        if (oneMinusTopP != null) r.feed(oneMinusTopP, pT);
        updates.forEach(r::target);
        try (GraphRuntime.Outputs res = r.fetch(idx).run()) {
          prev = res.ints(0);
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
