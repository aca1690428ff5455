package io.github.var4j.sample;

import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.StateDict;
import io.github.var4j.transformer.TokenOrder;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.util.Require;
import io.github.var4j.vae.Tokenizer;
import io.github.var4j.vae.VqVaeConfig;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Session;

/**
 * Class-conditional VAR image generation with a KV cache and classifier-free guidance (official
 * {@code models/var.py autoregressive_infer_cfg}), and its zero-shot editing variant (official
 * {@code demo_zero_shot_edit.ipynb}).
 *
 * <p>The patch numbers are static, so all K scales are unrolled into ONE graph ({@link
 * SamplerGraph}, built once per option structure, batch size dynamic); a batch is a single {@code
 * Session.run} ({@link SamplerRunner}):
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
 *
 * <p>Two hooks change the loop without copying it ({@link #of}): {@link ModelSchedule} (which VAR
 * runs which scale: collaborative decoding) and {@link TokenSelection} (which tokens a scale
 * computes: token pruning).
 */
public final class VarSampler extends CoreSampler {
  /** Default number of images per Session.run. */
  public static final int DEFAULT_CHUNK = 64;

  private int chunk = DEFAULT_CHUNK;

  private VarSampler(SamplerModels m, ModelSchedule models, TokenSelection selection) {
    super(m, models, selection);
  }

  private static void checkOrder(VarConfig varCfg) {
    if (varCfg.order() != TokenOrder.NEXT_SCALE) {
      throw new IllegalArgumentException(
          "VarSampler needs a next-scale model, got order "
              + varCfg.order()
              + ": use RasterSampler");
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
          "tokenizer and VAR disagree: vocabSize %s vs %s"
              .formatted(vaeCfg.vocabSize(), varCfg.vocabSize()));
    }
    if (vaeCfg.zChannels() != varCfg.cvae()) {
      throw new IllegalArgumentException(
          "tokenizer and VAR disagree: Cvae " + vaeCfg.zChannels() + " vs " + varCfg.cvae());
    }
    if (!vaeCfg.patchNums().equals(varCfg.patchNums())) {
      throw new IllegalArgumentException(
          "tokenizer and VAR disagree: patchNums %s vs %s"
              .formatted(vaeCfg.patchNums(), varCfg.patchNums()));
    }
  }

  /**
   * Builds the sampler and loads both official-layout state dicts (strict, {@link
   * ParamStore#load}).
   */
  public static VarSampler load(
      VarConfig varCfg, StateDict varSd, VqVaeConfig vaeCfg, StateDict vaeSd) {
    checkOrder(varCfg);
    return of(SamplerModels.load(varCfg, varSd, vaeCfg, vaeSd));
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
    return randomVar(varCfg, seed, vaeCfg, vaeSd, TokenSelection.ALL);
  }

  /**
   * As {@link #randomVar(VarConfig, long, VqVaeConfig, StateDict)}, computing {@code selection}.
   */
  public static VarSampler randomVar(
      VarConfig varCfg, long seed, VqVaeConfig vaeCfg, StateDict vaeSd, TokenSelection selection) {
    checkOrder(varCfg);
    SamplerModels m = SamplerModels.randomVar(varCfg, seed, vaeCfg, vaeSd);
    return of(m, ModelSchedule.single(m.var()), selection);
  }

  /**
   * A sampler of loaded models with the default hooks: {@link SamplerModels#var} for every scale.
   */
  public static VarSampler of(SamplerModels models) {
    return of(models, ModelSchedule.single(models.var()), TokenSelection.ALL);
  }

  /**
   * A sampler of loaded models (owned from here: closed with the sampler) whose loop runs the
   * scales with the models of {@code schedule} and computes the tokens of {@code selection}.
   */
  public static VarSampler of(
      SamplerModels models, ModelSchedule schedule, TokenSelection selection) {
    try {
      checkOrder(models.varCfg);
      return new VarSampler(models, schedule, selection);
    } catch (RuntimeException e) {
      models.close();
      throw e;
    }
  }

  /** The images of {@link #sample} (n, S, S, channels) in [0, 1]. */
  @Override
  public float[] images(int[] labels, SampleOptions opts) {
    return sample(labels, opts).images();
  }

  /** The null (unconditional) class label = numClasses. */
  public int nullClass() {
    return m.varCfg.numClasses();
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
    return m.varPs.stateDict(m.rt.session());
  }

  /** The VQ-VAE weights (official names, PyTorch layout). */
  public synchronized StateDict vaeStateDict() {
    return m.vaePs.stateDict(m.rt.session());
  }

  /** The codebook E (V, Cvae). */
  public synchronized float[] codebook() {
    return m.tokenizer.codebook();
  }

  /**
   * The tokenizer that shares this sampler's VQ-VAE weights and session (encoding, decoding); not
   * to be closed.
   */
  public Tokenizer tokenizer() {
    return m.tokenizer;
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
    return runner.runChunked(labels, opts, chunk, false, null, null);
  }

  /**
   * {@code perClass} images of every class, class-major (labels 0,0,..,1,1,..), batched internally.
   */
  public SampleResult sampleClasses(int perClass, SampleOptions opts) {
    Require.positive("perClass", perClass);
    int[] labels = new int[perClass * nullClass()];
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
    List<float[]> force = Masks.forceMaps(keepMask, m.varCfg.patchNums());
    return runner.runChunked(labels, opts, chunk, false, gtTokens, force);
  }

  /** One run (no chunking) that also returns the per-scale intermediate tensors. */
  public synchronized SampleTrace trace(int[] labels, SampleOptions opts) {
    checkLabels(labels);
    List<StepTrace> tr = new ArrayList<>();
    return new SampleTrace(runner.run(labels, opts, 0, null, null, tr), tr);
  }

  /**
   * {@link #trace} of {@link #sampleEdited} (keepMask of ones = teacher forcing through the cache).
   */
  public synchronized SampleTrace traceEdited(
      int[] labels, List<int[]> gtTokens, float[] keepMask, SampleOptions opts) {
    checkLabels(labels);
    checkTokens(gtTokens, labels.length);
    List<float[]> force = Masks.forceMaps(keepMask, m.varCfg.patchNums());
    List<StepTrace> tr = new ArrayList<>();
    return new SampleTrace(runner.run(labels, opts, 0, gtTokens, force, tr), tr);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // VAE helpers

  /**
   * Decodes latents fHat (n, s, s, Cvae) to images (n, S, S, channels) in [0, 1] (through {@link
   * #tokenizer()}).
   */
  public synchronized float[] decodeFHat(float[] fHat, int n) {
    float[] img = m.tokenizer.decodeFHat(fHat, n); // clamped to [-1, 1]
    for (int i = 0; i < img.length; i++)
      img[i] = (img[i] + 1f) * 0.5f; // the sampler graph's (x + 1) * 0.5
    return img;
  }

  /**
   * Tokens of every scale of images (n, S, S, channels) in [-1, 1] (through {@link #tokenizer()}).
   */
  public synchronized List<int[]> encodeToIndices(float[] imgs, int n) {
    return m.tokenizer.encodeToIndices(imgs, n);
  }

  private void checkTokens(List<int[]> idx, int n) {
    m.tokenizer.checkTokens(idx, n);
  }
}
