package io.github.var4j.sample;

import io.github.var4j.nn.GraphRuntime;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.StateDict;
import io.github.var4j.quant.MultiScaleQuantizer;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.transformer.TokenOrder;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.transformer.VarModel;
import io.github.var4j.vae.Tokenizer;
import io.github.var4j.vae.VqVae;
import io.github.var4j.vae.VqVaeConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Class-conditional VAR image generation with a KV cache and classifier-free guidance (official
 * {@code models/var.py autoregressive_infer_cfg}), and its zero-shot editing variant (official
 * {@code demo_zero_shot_edit.ipynb}).
 *
 * <p>The patch numbers are static, so all K scales are unrolled into ONE graph (built once per
 * option structure, batch size dynamic); a batch is a single {@code Session.run}:
 *
 * <pre>
 * cond_BD = class_emb([labels; null x B])                                        (2B, C)   cond half, uncond half
 * x = cond_BD + pos_start + lvl_pos[first scale]                                 (2B, 1, C)
 * for si, pn:
 *   x, cache = blocks(x, cond, cache)            KV cache: keys (l2-normalised) and values concatenated along L
 *   logits = head(head_nm(x, cond_BD))                                           (2B, pn², V)
 *   t = cfg·si/(K-1);  logits = (1+t)·logits[:B] - t·logits[B:]                   (B, pn², V)
 *   logits = top_p(top_k(logits));  idx = multinomial(softmax(logits), seed)  or argmax (greedy)
 *   h = E[idx]   (more_smooth: softmax((logits·(1+ratio) + G)/tau) @ E)         (B, pn, pn, Cvae)
 *   [zero-shot: h = E[gt]·force + h·(1-force)]
 *   fHat, next = quantizer.nextAutoregressiveInput(si, fHat, h)
 *   x = [word_embed(next) + lvl_pos[scale si+1]] x 2                             (2B, pn_{si+1}², C)
 * image = (clamp(decoder(post_quant_conv(fHat)), -1, 1) + 1) / 2                   (B, S, S, channels)
 * </pre>
 *
 * Randomness uses TF's stateless ops with the seed pair (seed, chunk index), so equal seeds, labels
 * and batch chunking give equal images. Methods are synchronized: one run at a time per sampler.
 */
public final class VarSampler implements ImageSampler {
  /** Default number of images per Session.run. */
  public static final int DEFAULT_CHUNK = 64;

  /**
   * Intermediate tensors of one scale (the official capture points of the parity fixtures, plus
   * what a draw depends on): token_map_in (2B, pn², C), logits_2B (2B, pn², V), the guided logits
   * (B, pn², V), the top-k/top-p masked logits the draw used (B·pn², V), the draw's uniforms
   * (B·pn²) ({@link Sampling#multinomial}; zeros for greedy runs) and the area-downsampled next
   * input (B, pn_{si+1}, pn_{si+1}, Cvae) (null at the last scale).
   */
  public record ScaleTrace(
      float[] tokenMapIn,
      float[] logits2B,
      float[] logitsCfg,
      float[] logitsMasked,
      double[] uniform,
      float[] nextArea) {}

  /** A traced run: the result and the intermediate tensors of every scale. */
  public record Trace(SampleResult result, List<ScaleTrace> scales) {}

  private record Variant(
      boolean topK, boolean topP, boolean smooth, boolean greedy, boolean zeroShot) {}

  /** The placeholders and outputs of one unrolled graph. */
  private static final class Built {
    Placeholder<TInt32> label2B;
    Placeholder<TInt64> seed;
    Placeholder<TFloat32> t, onePlusT;
    Placeholder<TInt32> topK;
    Placeholder<TFloat32> oneMinusTopP;
    final List<Placeholder<TInt32>> gtIdx = new ArrayList<>();
    final List<Placeholder<TFloat32>> force = new ArrayList<>();
    Operand<TFloat32> images;
    final List<Operand<TInt32>> idx = new ArrayList<>();
    final List<Operand<TFloat32>> fHat = new ArrayList<>();
    final List<Operand<TFloat32>> tokenMapIn = new ArrayList<>(),
        logits2B = new ArrayList<>(),
        logitsCfg = new ArrayList<>(),
        logitsMasked = new ArrayList<>(),
        nextArea = new ArrayList<>();
    final List<Operand<TFloat64>> uniform = new ArrayList<>();
  }

  private final VarConfig varCfg;
  private final VqVaeConfig vaeCfg;
  private final GraphRuntime rt;
  private final Ops tf;
  private final ParamStore varPs, vaePs;
  private final VarModel model;
  private final VqVae vae;
  private final MultiScaleQuantizer quant;
  private final KvCachedVar kv;
  private final Tokenizer tokenizer;
  private final Map<Variant, Built> built = new HashMap<>();
  private int chunk = DEFAULT_CHUNK;

  private VarSampler(VarConfig varCfg, VqVaeConfig vaeCfg) {
    if (varCfg.order() != TokenOrder.NEXT_SCALE) {
      throw new IllegalArgumentException(
          "VarSampler needs a next-scale model, got order "
              + varCfg.order()
              + ": use RasterSampler");
    }
    checkAgree(varCfg, vaeCfg);
    this.varCfg = varCfg;
    this.vaeCfg = vaeCfg;
    this.rt = new GraphRuntime();
    try {
      this.tf = rt.tf();
      this.varPs = new ParamStore(tf, "var.");
      this.vaePs = new ParamStore(tf, "vae.");
      this.model = new VarModel(varPs, varCfg);
      this.vae = new VqVae(vaePs, vaeCfg);
      this.quant = vae.quantizer();
      this.kv = new KvCachedVar(model);
      this.tokenizer = Tokenizer.within(rt, vaePs, vae, Tokenizer.DEFAULT_CHUNK);
    } catch (RuntimeException e) {
      rt.close();
      throw e;
    }
  }

  /**
   * Checks that a tokenizer and a VAR fit together (vocabulary, latent channels, patch numbers).
   *
   * @throws IllegalArgumentException e.g. "tokenizer and VAR disagree: vocabSize 512 vs 4096"
   *     (tokenizer first)
   */
  public static void checkAgree(VarConfig varCfg, VqVaeConfig vaeCfg) {
    if (vaeCfg.vocabSize() != varCfg.vocabSize()) {
      throw new IllegalArgumentException(
          "tokenizer and VAR disagree: vocabSize "
              + vaeCfg.vocabSize()
              + " vs "
              + varCfg.vocabSize());
    }
    if (vaeCfg.zChannels() != varCfg.cvae()) {
      throw new IllegalArgumentException(
          "tokenizer and VAR disagree: Cvae " + vaeCfg.zChannels() + " vs " + varCfg.cvae());
    }
    if (!vaeCfg.patchNums().equals(varCfg.patchNums())) {
      throw new IllegalArgumentException(
          "tokenizer and VAR disagree: patchNums "
              + vaeCfg.patchNums()
              + " vs "
              + varCfg.patchNums());
    }
  }

  /**
   * Builds the sampler and loads both official-layout state dicts (strict, {@link
   * ParamStore#load}).
   */
  public static VarSampler load(
      VarConfig varCfg, StateDict varSd, VqVaeConfig vaeCfg, StateDict vaeSd) {
    return GraphRuntime.initOrClose(
        new VarSampler(varCfg, vaeCfg),
        s -> {
          s.varPs.load(s.rt.session(), varSd);
          s.vaePs.load(s.rt.session(), vaeSd);
        });
  }

  /** A sampler for a VAR state dict and the weights of an open tokenizer (copied). */
  public static VarSampler fromTokenizer(VarConfig varCfg, StateDict varSd, Tokenizer tok) {
    checkAgree(varCfg, tok.config());
    return load(varCfg, varSd, tok.config(), tok.params().stateDict(tok.session()));
  }

  /**
   * A sampler with the current weights of existing stores (for example a trainer's), copied through
   * the host.
   */
  public static VarSampler fromStores(
      VarConfig varCfg,
      ParamStore varStore,
      Session varSession,
      VqVaeConfig vaeCfg,
      ParamStore vaeStore,
      Session vaeSession) {
    checkAgree(varCfg, vaeCfg);
    return load(varCfg, varStore.stateDict(varSession), vaeCfg, vaeStore.stateDict(vaeSession));
  }

  /**
   * A randomly initialised VAR (official init, seeded) with the given tokenizer weights: for
   * benchmarks.
   */
  public static VarSampler randomVar(
      VarConfig varCfg, long seed, VqVaeConfig vaeCfg, StateDict vaeSd) {
    return GraphRuntime.initOrClose(
        new VarSampler(varCfg, vaeCfg),
        s -> {
          s.varPs.initialize(s.rt.session(), seed);
          s.vaePs.load(s.rt.session(), vaeSd);
        });
  }

  /** The images of {@link #sample} (n, S, S, channels) in [0, 1]. */
  @Override
  public float[] images(int[] labels, SampleOptions opts) {
    return sample(labels, opts).images();
  }

  @Override
  public VarConfig varConfig() {
    return varCfg;
  }

  @Override
  public VqVaeConfig vaeConfig() {
    return vaeCfg;
  }

  /** The null (unconditional) class label = numClasses. */
  public int nullClass() {
    return varCfg.numClasses();
  }

  public int chunkSize() {
    return chunk;
  }

  /**
   * Images per Session.run (larger batches are split; each chunk c uses the seed pair (seed, c)).
   */
  public synchronized void setChunkSize(int n) {
    if (n <= 0) throw new IllegalArgumentException("chunk size must be positive, got " + n);
    this.chunk = n;
  }

  /** The VAR weights (official names, PyTorch layout). */
  public synchronized StateDict varStateDict() {
    return varPs.stateDict(rt.session());
  }

  /** The VQ-VAE weights (official names, PyTorch layout). */
  public synchronized StateDict vaeStateDict() {
    return vaePs.stateDict(rt.session());
  }

  /** The codebook E (V, Cvae). */
  public synchronized float[] codebook() {
    return tokenizer.codebook();
  }

  /**
   * The tokenizer that shares this sampler's VQ-VAE weights and session (encoding, decoding); not
   * to be closed.
   */
  public Tokenizer tokenizer() {
    return tokenizer;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // sampling

  /**
   * Generates one image per label.
   *
   * @param labels class labels in [0, numClasses]; numClasses is the null class (unconditional)
   * @throws IllegalArgumentException e.g. "label 12 is outside [0, 10]"
   */
  public synchronized SampleResult sample(int[] labels, SampleOptions opts) {
    checkLabels(labels);
    return runChunked(labels, opts, null, null);
  }

  /**
   * {@code perClass} images of every class, class-major (labels 0,0,..,1,1,..), batched internally.
   */
  public SampleResult sampleClasses(int perClass, SampleOptions opts) {
    if (perClass <= 0)
      throw new IllegalArgumentException("perClass must be positive, got " + perClass);
    int[] labels = new int[perClass * varCfg.numClasses()];
    for (int i = 0; i < labels.length; i++) labels[i] = i / perClass;
    return sample(labels, opts);
  }

  /**
   * Zero-shot editing: at every scale the embeddings of the positions where {@code
   * bilinear(keepMask -> pn) > 0.5} (all positions when pn² <= 3) are replaced by those of the
   * given image's tokens before Phi/upsampling, so later scales are conditioned on them through the
   * cache.
   *
   * @param labels one label per image (null class for in/out-painting)
   * @param gtTokens per scale (n, pn²) tokens of the given images (e.g. {@code
   *     Tokenizer.encodeToIndices})
   * @param keepMask pnLast x pnLast floats, 1 = keep the given image's tokens (see {@link Masks})
   */
  public synchronized SampleResult sampleEdited(
      int[] labels, List<int[]> gtTokens, float[] keepMask, SampleOptions opts) {
    checkLabels(labels);
    checkTokens(gtTokens, labels.length);
    List<float[]> force = Masks.forceMaps(keepMask, varCfg.patchNums());
    return runChunked(labels, opts, gtTokens, force);
  }

  /** One run (no chunking) that also returns the per-scale intermediate tensors. */
  public synchronized Trace trace(int[] labels, SampleOptions opts) {
    checkLabels(labels);
    List<ScaleTrace> tr = new ArrayList<>();
    SampleResult r = runOnce(labels, opts, 0, null, null, tr);
    return new Trace(r, tr);
  }

  /**
   * {@link #trace} of {@link #sampleEdited} (keepMask of ones = teacher forcing through the cache).
   */
  public synchronized Trace traceEdited(
      int[] labels, List<int[]> gtTokens, float[] keepMask, SampleOptions opts) {
    checkLabels(labels);
    checkTokens(gtTokens, labels.length);
    List<float[]> force = Masks.forceMaps(keepMask, varCfg.patchNums());
    List<ScaleTrace> tr = new ArrayList<>();
    SampleResult r = runOnce(labels, opts, 0, gtTokens, force, tr);
    return new Trace(r, tr);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // VAE helpers

  /**
   * Decodes latents fHat (n, s, s, Cvae) to images (n, S, S, channels) in [0, 1] (through {@link
   * #tokenizer()}).
   */
  public synchronized float[] decodeFHat(float[] fHat, int n) {
    float[] img = tokenizer.decodeFHat(fHat, n); // clamped to [-1, 1]
    for (int i = 0; i < img.length; i++)
      img[i] = (img[i] + 1f) * 0.5f; // the sampler graph's (x + 1) * 0.5
    return img;
  }

  /**
   * Tokens of every scale of images (n, S, S, channels) in [-1, 1] (through {@link #tokenizer()}).
   */
  public synchronized List<int[]> encodeToIndices(float[] imgs, int n) {
    return tokenizer.encodeToIndices(imgs, n);
  }

  @Override
  public synchronized void close() {
    rt.close();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // graph

  private Operand<TFloat32> toUnit(Operand<TFloat32> fHatBHWC) {
    Operand<TFloat32> img = vae.clamp(vae.decode(fHatBHWC));
    return tf.math.mul(tf.math.add(img, tf.constant(1f)), tf.constant(0.5f));
  }

  private Built graphFor(Variant v) {
    return built.computeIfAbsent(v, this::build);
  }

  private Built build(Variant v) {
    Built b = new Built();
    int K = varCfg.patchNums().K(),
        V = varCfg.vocabSize(),
        C = varCfg.embedDim(),
        cv = varCfg.cvae();
    int[] pns = varCfg.patchNums().toArray();
    ScaleSchedule sched = varCfg.patchNums();
    b.label2B = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
    b.seed = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(2)));
    b.t = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(K)));
    b.onePlusT = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(K)));
    if (v.topK()) b.topK = tf.placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
    if (v.topP())
      b.oneMinusTopP = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    if (v.zeroShot()) {
      for (int pn : pns) {
        b.gtIdx.add(tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, (long) pn * pn))));
        b.force.add(tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of((long) pn * pn, 1))));
      }
    }
    Operand<TFloat32> e = quant.codebook(); // (V, Cvae)
    Operand<TFloat32> condBD = model.classEmbedding(b.label2B); // (2B, C)
    Operand<TFloat32> condBlocks = model.blockCondition(condBD);
    Operand<TFloat32> lvlPos = model.lvlPos1LC(); // (1, L, C)
    Operand<TFloat32> x =
        tf.math.add(
            tf.math.add(tf.expandDims(condBD, tf.constant(1)), varPs.get("pos_start")),
            lvlPosSlice(lvlPos, 0, varCfg.patchNums().firstL(), C)); // (2B, firstL, C)
    List<KvCachedVar.Kv> cache = null;
    Operand<TFloat32> fHat = null;
    for (int si = 0; si < K; si++) {
      int pn = pns[si], l = pn * pn;
      b.tokenMapIn.add(x);
      KvCachedVar.Step step = kv.blocks(x, condBlocks, cache, null);
      cache = step.cache();
      Operand<TFloat32> logits = model.logits(step.xBlC(), condBD); // (2B, l, V)
      b.logits2B.add(logits);
      List<org.tensorflow.Output<TFloat32>> halves = tf.split(tf.constant(0), logits, 2L).output();
      Operand<TFloat32> t = tf.gather(b.t, tf.constant(si), tf.constant(0));
      Operand<TFloat32> onePlusT = tf.gather(b.onePlusT, tf.constant(si), tf.constant(0));
      Operand<TFloat32> guided =
          tf.math.sub(tf.math.mul(halves.get(0), onePlusT), tf.math.mul(halves.get(1), t));
      b.logitsCfg.add(guided); // (B, l, V)
      Operand<TFloat32> guidedNV = tf.reshape(guided, tf.constant(new int[] {-1, V}));
      Operand<TFloat32> masked = Sampling.filter(tf, guidedNV, b.topK, b.oneMinusTopP);
      Operand<TFloat64> u =
          v.greedy()
              ? tf.zeros(tf.constant(new int[] {1}), TFloat64.class)
              : Sampling.uniform(tf, masked, seedFor(b, si, 0)); // (B·l, 1)
      b.logitsMasked.add(masked);
      b.uniform.add(u);
      Operand<TInt32> idx =
          v.greedy() ? Sampling.greedy(tf, guidedNV) : Sampling.inverseCdf(tf, masked, u);
      Operand<TFloat32> hN =
          v.smooth()
              ? Sampling.smoothEmbedding(
                  tf,
                  masked,
                  Sampling.gumbel(tf, masked, seedFor(b, si, 1)),
                  e,
                  Sampling.ratio(si, K))
              : tf.gather(e, idx, tf.constant(0)); // (N, Cvae)
      Operand<TFloat32> h = tf.reshape(hN, tf.constant(new int[] {-1, l, cv})); // (B, l, Cvae)
      Operand<TInt32> idxBl = tf.reshape(idx, tf.constant(new int[] {-1, l}));
      if (v.zeroShot()) {
        Operand<TFloat32> force = b.force.get(si); // (l, 1)
        Operand<TFloat32> hGt = tf.gather(e, b.gtIdx.get(si), tf.constant(0)); // (B, l, Cvae)
        h =
            tf.math.add(
                tf.math.mul(hGt, force), tf.math.mul(h, tf.math.sub(tf.constant(1f), force)));
        idxBl =
            tf.select(
                tf.math.greater(tf.reshape(force, tf.constant(new int[] {l})), tf.constant(0.5f)),
                b.gtIdx.get(si),
                idxBl);
      }
      MultiScaleQuantizer.Next nx =
          quant.nextAutoregressiveInput(
              si, fHat, tf.reshape(h, tf.constant(new int[] {-1, pn, pn, cv})));
      fHat = nx.fHat();
      b.idx.add(idxBl);
      b.fHat.add(fHat);
      if (si < K - 1) {
        b.nextArea.add(nx.next());
        int pn1 = pns[si + 1];
        Operand<TFloat32> tok =
            tf.math.add(
                model.wordEmbed(tf.reshape(nx.next(), tf.constant(new int[] {-1, pn1 * pn1, cv}))),
                lvlPosSlice(lvlPos, sched.begin(si + 1), pn1 * pn1, C)); // (B, pn1², C)
        x = tf.concat(List.of(tok, tok), tf.constant(0)); // repeat(2, 1, 1)
      }
    }
    b.images = toUnit(fHat);
    return b;
  }

  private Operand<TFloat32> lvlPosSlice(Operand<TFloat32> lvlPos, int begin, int len, int c) {
    return tf.slice(
        lvlPos, tf.constant(new int[] {0, begin, 0}), tf.constant(new int[] {1, len, c}));
  }

  /**
   * Per scale and purpose an independent stateless stream: (seed, chunk + ((2·si + purpose + 1) <<
   * 32)).
   */
  private Operand<TInt64> seedFor(Built b, int si, int purpose) {
    return tf.math.add(b.seed, tf.constant(new long[] {0, (long) (2 * si + purpose + 1) << 32}));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // running

  private SampleResult runChunked(
      int[] labels, SampleOptions opts, List<int[]> gt, List<float[]> force) {
    List<SampleResult> parts = new ArrayList<>();
    ScaleSchedule pn = varCfg.patchNums();
    for (int b0 = 0, c = 0; b0 < labels.length; b0 += chunk, c++) {
      int m = Math.min(chunk, labels.length - b0);
      int[] lab = Arrays.copyOfRange(labels, b0, b0 + m);
      List<int[]> gtPart = null;
      if (gt != null) {
        gtPart = new ArrayList<>();
        for (int k = 0; k < pn.K(); k++) {
          int t = pn.tokens(k);
          gtPart.add(Arrays.copyOfRange(gt.get(k), b0 * t, (b0 + m) * t));
        }
      }
      parts.add(runOnce(lab, opts, c, gtPart, force, null));
    }
    return SampleResult.concat(parts);
  }

  private SampleResult runOnce(
      int[] labels,
      SampleOptions o,
      long chunkIdx,
      List<int[]> gt,
      List<float[]> force,
      List<ScaleTrace> traceOut) {
    if (o == null) throw new IllegalArgumentException("options must not be null");
    int K = varCfg.patchNums().K(), V = varCfg.vocabSize();
    // top-k with k >= V removes nothing: no op. Greedy ignores the masks unless more_smooth uses
    // the masked logits.
    boolean masks = !o.greedy() || o.moreSmooth();
    Variant v =
        new Variant(
            masks && o.topK() > 0 && o.topK() < V,
            masks && o.topP() > 0,
            o.moreSmooth(),
            o.greedy(),
            gt != null);
    Built b = graphFor(v);
    int n = labels.length;
    int[] label2B = new int[2 * n];
    System.arraycopy(labels, 0, label2B, 0, n);
    Arrays.fill(label2B, n, 2 * n, varCfg.numClasses());
    float[] t = new float[K], onePlusT = new float[K];
    for (int si = 0; si < K; si++) {
      double tt = o.cfg() * Sampling.ratio(si, K); // python double, cast to float32 by torch
      t[si] = (float) tt;
      onePlusT[si] = (float) (1 + tt);
    }
    GraphRuntime.Run run =
        rt.run()
            .feed(b.label2B, label2B, 2L * n)
            .feed(b.seed, new long[] {o.seed(), chunkIdx}, 2)
            .feed(b.t, t, K)
            .feed(b.onePlusT, onePlusT, K);
    if (b.topK != null) run.feed(b.topK, new int[] {Sampling.effectiveTopK(o.topK(), V)});
    if (b.oneMinusTopP != null) run.feed(b.oneMinusTopP, new float[] {(float) (1 - o.topP())});
    ScaleSchedule pn = varCfg.patchNums();
    if (gt != null) {
      for (int k = 0; k < K; k++) {
        run.feed(b.gtIdx.get(k), gt.get(k), n, pn.tokens(k));
        run.feed(b.force.get(k), force.get(k), pn.tokens(k), 1);
      }
    }
    // an output may appear twice (area(fHat -> pn) is fHat itself when pn = s): fetch each once
    Fetches f = new Fetches();
    int imgAt = f.add(b.images);
    int[] idxAt = b.idx.stream().mapToInt(f::add).toArray();
    int[] fHatAt = b.fHat.stream().mapToInt(f::add).toArray();
    boolean trace = traceOut != null;
    int[] tinAt = null, l2At = null, lcAt = null, lmAt = null, uAt = null, naAt = null;
    if (trace) {
      tinAt = b.tokenMapIn.stream().mapToInt(f::add).toArray();
      l2At = b.logits2B.stream().mapToInt(f::add).toArray();
      lcAt = b.logitsCfg.stream().mapToInt(f::add).toArray();
      lmAt = b.logitsMasked.stream().mapToInt(f::add).toArray();
      uAt = b.uniform.stream().mapToInt(f::add).toArray();
      naAt = b.nextArea.stream().mapToInt(f::add).toArray();
    }
    try (GraphRuntime.Outputs res = run.fetch(f.ops).run()) {
      float[] img = res.floats(imgAt);
      List<int[]> idx = new ArrayList<>();
      List<float[]> fh = new ArrayList<>();
      for (int k = 0; k < K; k++) idx.add(res.ints(idxAt[k]));
      for (int k = 0; k < K; k++) fh.add(res.floats(fHatAt[k]));
      if (trace) {
        for (int k = 0; k < K; k++) {
          traceOut.add(
              new ScaleTrace(
                  res.floats(tinAt[k]),
                  res.floats(l2At[k]),
                  res.floats(lcAt[k]),
                  res.floats(lmAt[k]),
                  res.doubles(uAt[k]),
                  k < K - 1 ? res.floats(naAt[k]) : null));
        }
      }
      return new SampleResult(
          n,
          vaeCfg.imageSize(),
          vaeCfg.inChannels(),
          img,
          labels.clone(),
          pn,
          idx,
          vaeCfg.latentSide(),
          vaeCfg.zChannels(),
          fh);
    }
  }

  /** Fetch list without duplicates: {@link #add} returns the result index of an output. */
  private static final class Fetches {
    final List<Operand<?>> ops = new ArrayList<>();
    private final Map<org.tensorflow.Output<?>, Integer> at = new HashMap<>();

    int add(Operand<?> op) {
      return at.computeIfAbsent(
          op.asOutput(),
          o -> {
            ops.add(o);
            return ops.size() - 1;
          });
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // checks

  private void checkLabels(int[] labels) {
    checkLabels(labels, varCfg.numClasses());
  }

  /**
   * Checks labels of class-conditional sampling: not empty, each in [0, numClasses] (numClasses =
   * the null class).
   *
   * @throws IllegalArgumentException "label 12 is outside [0, 10]"
   */
  static void checkLabels(int[] labels, int numClasses) {
    if (labels == null || labels.length == 0)
      throw new IllegalArgumentException("labels must not be empty");
    for (int lab : labels) {
      if (lab < 0 || lab > numClasses)
        throw new IllegalArgumentException("label " + lab + " is outside [0, " + numClasses + "]");
    }
  }

  private void checkTokens(List<int[]> idx, int n) {
    tokenizer.checkTokens(idx, n);
  }
}
