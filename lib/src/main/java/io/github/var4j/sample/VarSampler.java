package io.github.var4j.sample;

import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.Sessions;
import io.github.var4j.nn.StateDict;
import io.github.var4j.nn.Tensors;
import io.github.var4j.quant.MultiScaleQuantizer;
import io.github.var4j.scale.ScaleSchedule;
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
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Class-conditional VAR image generation with a KV cache and classifier-free guidance (official
 * {@code autoregressive_infer_cfg}, VAR-SPEC §5), and the zero-shot editing variant of VAR-SPEC §7.
 *
 * <p>The patch numbers are static, so all K scales are unrolled into ONE graph (built once per option structure,
 * batch size dynamic); a batch is a single {@code Session.run}:
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
 * Randomness uses TF's stateless ops with the seed pair (seed, chunk index), so equal seeds, labels and batch
 * chunking give equal images. Methods are synchronized: one run at a time per sampler.
 */
public final class VarSampler implements AutoCloseable {
  /** Default number of images per Session.run. */
  public static final int DEFAULT_CHUNK = 64;

  /** Intermediate tensors of one scale (official capture points of the parity fixtures). */
  public record ScaleTrace(float[] tokenMapIn, float[] logits2B, float[] logitsCfg, float[] nextArea) {}

  /**
   * A traced run: the result and, per scale, token_map_in (2B, pn², C), logits_2B (2B, pn², V), the guided logits
   * (B, pn², V) and the area-downsampled next input (B, pn_{si+1}, pn_{si+1}, Cvae) (null at the last scale).
   */
  public record Trace(SampleResult result, List<ScaleTrace> scales) {}

  private record Variant(boolean topK, boolean topP, boolean smooth, boolean greedy, boolean zeroShot) {}

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
    final List<Operand<TFloat32>> tokenMapIn = new ArrayList<>(), logits2B = new ArrayList<>(),
        logitsCfg = new ArrayList<>(), nextArea = new ArrayList<>();
  }

  private final VarConfig varCfg;
  private final VqVaeConfig vaeCfg;
  private final Graph graph;
  private final Ops tf;
  private final ParamStore varPs, vaePs;
  private final VarModel model;
  private final VqVae vae;
  private final MultiScaleQuantizer quant;
  private final KvCachedVar kv;
  private final Session session;
  private final Map<Variant, Built> built = new HashMap<>();
  private int chunk = DEFAULT_CHUNK;
  private Placeholder<TFloat32> fHatIn, imgIn;
  private Operand<TFloat32> decoded;
  private List<Operand<TInt32>> encoded;

  private VarSampler(VarConfig varCfg, VqVaeConfig vaeCfg) {
    checkAgree(varCfg, vaeCfg);
    this.varCfg = varCfg;
    this.vaeCfg = vaeCfg;
    this.graph = new Graph();
    try {
      this.tf = Ops.create(graph);
      this.varPs = new ParamStore(tf, "var.");
      this.vaePs = new ParamStore(tf, "vae.");
      this.model = new VarModel(varPs, varCfg);
      this.vae = new VqVae(vaePs, vaeCfg);
      this.quant = vae.quantizer();
      this.kv = new KvCachedVar(model);
      this.session = Sessions.create(graph);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /**
   * Checks that a tokenizer and a VAR fit together (vocabulary, latent channels, patch numbers).
   *
   * @throws IllegalArgumentException e.g. "tokenizer and VAR disagree: vocabSize 512 vs 4096" (tokenizer first)
   */
  public static void checkAgree(VarConfig varCfg, VqVaeConfig vaeCfg) {
    if (vaeCfg.vocabSize() != varCfg.vocabSize()) {
      throw new IllegalArgumentException("tokenizer and VAR disagree: vocabSize " + vaeCfg.vocabSize() + " vs "
          + varCfg.vocabSize());
    }
    if (vaeCfg.zChannels() != varCfg.cvae()) {
      throw new IllegalArgumentException("tokenizer and VAR disagree: Cvae " + vaeCfg.zChannels() + " vs "
          + varCfg.cvae());
    }
    if (!vaeCfg.patchNums().equals(varCfg.patchNums())) {
      throw new IllegalArgumentException("tokenizer and VAR disagree: patchNums " + vaeCfg.patchNums()
          + " vs " + varCfg.patchNums());
    }
  }

  /** Builds the sampler and loads both official-layout state dicts (strict, {@link ParamStore#load}). */
  public static VarSampler load(VarConfig varCfg, StateDict varSd, VqVaeConfig vaeCfg, StateDict vaeSd) {
    VarSampler s = new VarSampler(varCfg, vaeCfg);
    try {
      s.varPs.load(s.session, varSd);
      s.vaePs.load(s.session, vaeSd);
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** A sampler for a VAR state dict and the weights of an open tokenizer (copied). */
  public static VarSampler fromTokenizer(VarConfig varCfg, StateDict varSd, Tokenizer tok) {
    checkAgree(varCfg, tok.config());
    return load(varCfg, varSd, tok.config(), tok.params().stateDict(tok.session()));
  }

  /** A sampler with the current weights of existing stores (for example a trainer's), copied through the host. */
  public static VarSampler fromStores(VarConfig varCfg, ParamStore varStore, Session varSession, VqVaeConfig vaeCfg,
      ParamStore vaeStore, Session vaeSession) {
    checkAgree(varCfg, vaeCfg);
    return load(varCfg, varStore.stateDict(varSession), vaeCfg, vaeStore.stateDict(vaeSession));
  }

  /** A randomly initialised VAR (official init, seeded) with the given tokenizer weights: for benchmarks. */
  public static VarSampler randomVar(VarConfig varCfg, long seed, VqVaeConfig vaeCfg, StateDict vaeSd) {
    VarSampler s = new VarSampler(varCfg, vaeCfg);
    try {
      s.varPs.initialize(s.session, seed);
      s.vaePs.load(s.session, vaeSd);
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  public VarConfig varConfig() {
    return varCfg;
  }

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

  /** Images per Session.run (larger batches are split; each chunk c uses the seed pair (seed, c)). */
  public synchronized void setChunkSize(int n) {
    if (n <= 0) throw new IllegalArgumentException("chunk size must be positive, got " + n);
    this.chunk = n;
  }

  /** The VAR weights (official names, PyTorch layout). */
  public synchronized StateDict varStateDict() {
    return varPs.stateDict(session);
  }

  /** The VQ-VAE weights (official names, PyTorch layout). */
  public synchronized StateDict vaeStateDict() {
    return vaePs.stateDict(session);
  }

  /** The codebook E (V, Cvae). */
  public synchronized float[] codebook() {
    try (Result r = session.runner().fetch(quant.codebook()).run()) {
      return Tensors.floats(r.get(0));
    }
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

  /** {@code perClass} images of every class, class-major (labels 0,0,..,1,1,..), batched internally. */
  public SampleResult sampleClasses(int perClass, SampleOptions opts) {
    if (perClass <= 0) throw new IllegalArgumentException("perClass must be positive, got " + perClass);
    int[] labels = new int[perClass * varCfg.numClasses()];
    for (int i = 0; i < labels.length; i++) labels[i] = i / perClass;
    return sample(labels, opts);
  }

  /**
   * Zero-shot editing (VAR-SPEC §7): at every scale the embeddings of the positions where
   * {@code bilinear(keepMask -> pn) > 0.5} (all positions when pn² <= 3) are replaced by those of the given image's
   * tokens before Phi/upsampling, so later scales are conditioned on them through the cache.
   *
   * @param labels   one label per image (null class for in/out-painting)
   * @param gtTokens per scale (n, pn²) tokens of the given images (e.g. {@code Tokenizer.encodeToIndices})
   * @param keepMask pnLast x pnLast floats, 1 = keep the given image's tokens (see {@link Masks})
   */
  public synchronized SampleResult sampleEdited(int[] labels, List<int[]> gtTokens, float[] keepMask,
      SampleOptions opts) {
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

  /** {@link #trace} of {@link #sampleEdited} (keepMask of ones = teacher forcing through the cache). */
  public synchronized Trace traceEdited(int[] labels, List<int[]> gtTokens, float[] keepMask, SampleOptions opts) {
    checkLabels(labels);
    checkTokens(gtTokens, labels.length);
    List<float[]> force = Masks.forceMaps(keepMask, varCfg.patchNums());
    List<ScaleTrace> tr = new ArrayList<>();
    SampleResult r = runOnce(labels, opts, 0, gtTokens, force, tr);
    return new Trace(r, tr);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // VAE helpers

  /** Decodes latents fHat (n, s, s, Cvae) to images (n, S, S, channels) in [0, 1]. */
  public synchronized float[] decodeFHat(float[] fHat, int n) {
    int s = vaeCfg.latentSide(), per = s * s * vaeCfg.zChannels();
    if (n <= 0) throw new IllegalArgumentException("n must be positive, got " + n);
    if (fHat.length != (long) n * per) {
      throw new IllegalArgumentException("expected " + (long) n * per + " floats for " + n + " latents of " + s + "x" + s
          + "x" + vaeCfg.zChannels() + ", got " + fHat.length);
    }
    if (decoded == null) {
      fHatIn = tf.withName("sampler.fhat").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, s, s, vaeCfg.zChannels())));
      decoded = toUnit(fHatIn);
    }
    try (TFloat32 x = Tensors.of(fHat, n, s, s, vaeCfg.zChannels());
         Result r = session.runner().feed(fHatIn, x).fetch(decoded).run()) {
      return Tensors.floats(r.get(0));
    }
  }

  /** Tokens of every scale of images (n, S, S, channels) in [-1, 1] (the tokenizer's encoder and quantizer). */
  public synchronized List<int[]> encodeToIndices(float[] imgs, int n) {
    int S = vaeCfg.imageSize(), c = vaeCfg.inChannels();
    if (n <= 0) throw new IllegalArgumentException("n must be positive, got " + n);
    if (imgs.length != (long) n * S * S * c) {
      throw new IllegalArgumentException("expected " + (long) n * S * S * c + " floats for " + n + " images of " + S
          + "x" + S + "x" + c + " (NHWC), got " + imgs.length);
    }
    if (encoded == null) {
      imgIn = tf.withName("sampler.img").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, S, S, c)));
      encoded = List.copyOf(quant.encode(vae.encodeF(imgIn)).idxBL());
    }
    try (TFloat32 x = Tensors.of(imgs, n, S, S, c)) {
      Session.Runner r = session.runner().feed(imgIn, x);
      encoded.forEach(r::fetch);
      try (Result res = r.run()) {
        List<int[]> out = new ArrayList<>();
        for (int k = 0; k < encoded.size(); k++) out.add(Tensors.ints(res.get(k)));
        return out;
      }
    }
  }

  @Override
  public synchronized void close() {
    if (session != null) session.close();
    graph.close();
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
    ScaleSchedule sched = varCfg.patchNums();
    int K = sched.K(), V = varCfg.vocabSize(), C = varCfg.embedDim(), cv = varCfg.cvae();
    b.label2B = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
    b.seed = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(2)));
    b.t = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(K)));
    b.onePlusT = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(K)));
    if (v.topK()) b.topK = tf.placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
    if (v.topP()) b.oneMinusTopP = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    if (v.zeroShot()) {
      for (int k = 0; k < K; k++) {
        b.gtIdx.add(tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, sched.tokens(k)))));
        b.force.add(tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(sched.tokens(k), 1))));
      }
    }
    Operand<TFloat32> e = quant.codebook(); // (V, Cvae)
    Operand<TFloat32> condBD = model.classEmbedding(b.label2B); // (2B, C)
    Operand<TFloat32> condBlocks = model.blockCondition(condBD);
    Operand<TFloat32> lvlPos = model.lvlPos1LC(); // (1, L, C)
    Operand<TFloat32> x = tf.math.add(tf.math.add(tf.expandDims(condBD, tf.constant(1)), varPs.get("pos_start")),
        lvlPosSlice(lvlPos, 0, sched.firstL(), C)); // (2B, firstL, C)
    List<KvCachedVar.Kv> cache = null;
    Operand<TFloat32> fHat = null;
    for (int si = 0; si < K; si++) {
      int pn = sched.pn(si), l = sched.tokens(si);
      b.tokenMapIn.add(x);
      KvCachedVar.Step step = kv.blocks(x, condBlocks, cache, null);
      cache = step.cache();
      Operand<TFloat32> logits = model.logits(step.xBlC(), condBD); // (2B, l, V)
      b.logits2B.add(logits);
      List<org.tensorflow.Output<TFloat32>> halves = tf.split(tf.constant(0), logits, 2L).output();
      Operand<TFloat32> t = tf.gather(b.t, tf.constant(si), tf.constant(0));
      Operand<TFloat32> onePlusT = tf.gather(b.onePlusT, tf.constant(si), tf.constant(0));
      Operand<TFloat32> guided = tf.math.sub(tf.math.mul(halves.get(0), onePlusT), tf.math.mul(halves.get(1), t));
      b.logitsCfg.add(guided); // (B, l, V)
      Operand<TFloat32> guidedNV = tf.reshape(guided, tf.constant(new int[] {-1, V}));
      Operand<TFloat32> masked = Sampling.filter(tf, guidedNV, b.topK, b.oneMinusTopP);
      Operand<TInt32> idx = v.greedy() ? Sampling.greedy(tf, guidedNV) : Sampling.multinomial(tf, masked, seedFor(b, si, 0));
      Operand<TFloat32> hN = v.smooth()
          ? Sampling.smoothEmbedding(tf, masked, Sampling.gumbel(tf, masked, seedFor(b, si, 1)), e,
              Sampling.ratio(si, K))
          : tf.gather(e, idx, tf.constant(0)); // (N, Cvae)
      Operand<TFloat32> h = tf.reshape(hN, tf.constant(new int[] {-1, l, cv})); // (B, l, Cvae)
      Operand<TInt32> idxBl = tf.reshape(idx, tf.constant(new int[] {-1, l}));
      if (v.zeroShot()) {
        Operand<TFloat32> force = b.force.get(si); // (l, 1)
        Operand<TFloat32> hGt = tf.gather(e, b.gtIdx.get(si), tf.constant(0)); // (B, l, Cvae)
        h = tf.math.add(tf.math.mul(hGt, force), tf.math.mul(h, tf.math.sub(tf.constant(1f), force)));
        idxBl = tf.select(tf.math.greater(tf.reshape(force, tf.constant(new int[] {l})), tf.constant(0.5f)),
            b.gtIdx.get(si), idxBl);
      }
      MultiScaleQuantizer.Next nx = quant.nextAutoregressiveInput(si, fHat,
          tf.reshape(h, tf.constant(new int[] {-1, pn, pn, cv})));
      fHat = nx.fHat();
      b.idx.add(idxBl);
      b.fHat.add(fHat);
      if (si < K - 1) {
        b.nextArea.add(nx.next());
        int l1 = sched.tokens(si + 1);
        Operand<TFloat32> tok = tf.math.add(
            model.wordEmbed(tf.reshape(nx.next(), tf.constant(new int[] {-1, l1, cv}))),
            lvlPosSlice(lvlPos, sched.begin(si + 1), l1, C)); // (B, pn1², C)
        x = tf.concat(List.of(tok, tok), tf.constant(0)); // repeat(2, 1, 1)
      }
    }
    b.images = toUnit(fHat);
    return b;
  }

  private Operand<TFloat32> lvlPosSlice(Operand<TFloat32> lvlPos, int begin, int len, int c) {
    return tf.slice(lvlPos, tf.constant(new int[] {0, begin, 0}), tf.constant(new int[] {1, len, c}));
  }

  /** Per scale and purpose an independent stateless stream: (seed, chunk + ((2·si + purpose + 1) << 32)). */
  private Operand<TInt64> seedFor(Built b, int si, int purpose) {
    return tf.math.add(b.seed, tf.constant(new long[] {0, (long) (2 * si + purpose + 1) << 32}));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // running

  private SampleResult runChunked(int[] labels, SampleOptions opts, List<int[]> gt, List<float[]> force) {
    List<SampleResult> parts = new ArrayList<>();
    ScaleSchedule sched = varCfg.patchNums();
    for (int b0 = 0, c = 0; b0 < labels.length; b0 += chunk, c++) {
      int m = Math.min(chunk, labels.length - b0);
      int[] lab = Arrays.copyOfRange(labels, b0, b0 + m);
      List<int[]> gtPart = null;
      if (gt != null) {
        gtPart = new ArrayList<>();
        for (int k = 0; k < sched.K(); k++) {
          int t = sched.tokens(k);
          gtPart.add(Arrays.copyOfRange(gt.get(k), b0 * t, (b0 + m) * t));
        }
      }
      parts.add(runOnce(lab, opts, c, gtPart, force, null));
    }
    return SampleResult.concat(parts);
  }

  private SampleResult runOnce(int[] labels, SampleOptions o, long chunkIdx, List<int[]> gt, List<float[]> force,
      List<ScaleTrace> traceOut) {
    if (o == null) throw new IllegalArgumentException("options must not be null");
    int K = varCfg.patchNums().K(), V = varCfg.vocabSize();
    // top-k with k >= V removes nothing: no op. Greedy ignores the masks unless more_smooth uses the masked logits.
    boolean masks = !o.greedy() || o.moreSmooth();
    Variant v = new Variant(masks && o.topK() > 0 && o.topK() < V, masks && o.topP() > 0, o.moreSmooth(), o.greedy(),
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
    List<Tensor> feeds = new ArrayList<>();
    try {
      Session.Runner r = session.runner();
      r.feed(b.label2B, add(feeds, Tensors.ofInts(label2B, 2L * n)));
      r.feed(b.seed, add(feeds, TInt64.vectorOf(o.seed(), chunkIdx)));
      r.feed(b.t, add(feeds, Tensors.of(t, K)));
      r.feed(b.onePlusT, add(feeds, Tensors.of(onePlusT, K)));
      if (b.topK != null) r.feed(b.topK, add(feeds, TInt32.scalarOf(Sampling.effectiveTopK(o.topK(), V))));
      if (b.oneMinusTopP != null) r.feed(b.oneMinusTopP, add(feeds, TFloat32.scalarOf((float) (1 - o.topP()))));
      if (gt != null) {
        for (int k = 0; k < K; k++) {
          long l = varCfg.patchNums().tokens(k);
          r.feed(b.gtIdx.get(k), add(feeds, Tensors.ofInts(gt.get(k), n, l)));
          r.feed(b.force.get(k), add(feeds, Tensors.of(force.get(k), l, 1)));
        }
      }
      // an output may appear twice (area(fHat -> pn) is fHat itself when pn = s): fetch each once
      Fetches f = new Fetches(r);
      int imgAt = f.add(b.images);
      int[] idxAt = b.idx.stream().mapToInt(f::add).toArray();
      int[] fHatAt = b.fHat.stream().mapToInt(f::add).toArray();
      boolean trace = traceOut != null;
      int[] tinAt = null, l2At = null, lcAt = null, naAt = null;
      if (trace) {
        tinAt = b.tokenMapIn.stream().mapToInt(f::add).toArray();
        l2At = b.logits2B.stream().mapToInt(f::add).toArray();
        lcAt = b.logitsCfg.stream().mapToInt(f::add).toArray();
        naAt = b.nextArea.stream().mapToInt(f::add).toArray();
      }
      try (Result res = r.run()) {
        float[] img = Tensors.floats(res.get(imgAt));
        List<int[]> idx = new ArrayList<>();
        List<float[]> fh = new ArrayList<>();
        for (int k = 0; k < K; k++) idx.add(Tensors.ints(res.get(idxAt[k])));
        for (int k = 0; k < K; k++) fh.add(Tensors.floats(res.get(fHatAt[k])));
        if (trace) {
          for (int k = 0; k < K; k++) {
            traceOut.add(new ScaleTrace(Tensors.floats(res.get(tinAt[k])), Tensors.floats(res.get(l2At[k])),
                Tensors.floats(res.get(lcAt[k])), k < K - 1 ? Tensors.floats(res.get(naAt[k])) : null));
          }
        }
        return new SampleResult(n, vaeCfg.imageSize(), vaeCfg.inChannels(), img, labels.clone(), varCfg.patchNums(),
            idx, vaeCfg.latentSide(), vaeCfg.zChannels(), fh);
      }
    } finally {
      feeds.forEach(Tensor::close);
    }
  }

  /** Fetch list without duplicates: {@link #add} returns the result index of an output. */
  private static final class Fetches {
    private final Session.Runner runner;
    private final Map<org.tensorflow.Output<?>, Integer> at = new HashMap<>();

    Fetches(Session.Runner runner) {
      this.runner = runner;
    }

    int add(Operand<?> op) {
      return at.computeIfAbsent(op.asOutput(), o -> {
        runner.fetch(o);
        return at.size();
      });
    }
  }

  private static <T extends Tensor> T add(List<Tensor> feeds, T t) {
    feeds.add(t);
    return t;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // checks

  private void checkLabels(int[] labels) {
    if (labels == null || labels.length == 0) throw new IllegalArgumentException("labels must not be empty");
    int nc = varCfg.numClasses();
    for (int lab : labels) {
      if (lab < 0 || lab > nc) throw new IllegalArgumentException("label " + lab + " is outside [0, " + nc + "]");
    }
  }

  private void checkTokens(List<int[]> idx, int n) {
    ScaleSchedule sched = varCfg.patchNums();
    if (idx == null || idx.size() != sched.K()) {
      throw new IllegalArgumentException("expected token maps for " + sched.K() + " scales, got "
          + (idx == null ? 0 : idx.size()));
    }
    int V = varCfg.vocabSize();
    for (int k = 0; k < sched.K(); k++) {
      int[] a = idx.get(k);
      long want = (long) n * sched.tokens(k);
      if (a == null || a.length != want) {
        throw new IllegalArgumentException("scale " + k + " (pn=" + sched.pn(k) + "): expected " + want
            + " token ids for " + n + " images, got " + (a == null ? 0 : a.length));
      }
      for (int t : a) {
        if (t < 0 || t >= V) {
          throw new IllegalArgumentException("scale " + k + ": token id " + t + " is outside [0, " + V + ")");
        }
      }
    }
  }
}
