package io.github.var4j.transformer;

import io.github.var4j.nn.Act;
import io.github.var4j.nn.Embedding;
import io.github.var4j.nn.Layout;
import io.github.var4j.nn.Linear;
import io.github.var4j.nn.ParamStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.PlaceholderWithDefault;
import org.tensorflow.op.random.RandomUniformInt;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The VAR next-scale transformer (official {@code models/var.py VAR}): registers every parameter
 * under its official state-dict name (in the official order) with the official initialisation, and
 * builds the teacher-forcing forward pass.
 *
 * <pre>
 * label  = where(condDrop and U(B) &lt; condDropRate, numClasses, label)      // null class = row numClasses
 * cond_BD = sos = class_emb(label)                                            (B, C)
 * x = cat(sos + pos_start, word_embed(x_BLCv_wo_first_l)) + (lvl_embed(lvl_1L) + pos_1LC)   (B, L, C)
 * x = blocks(x, cond or shared_ada_lin(cond), block-causal mask)
 * logits = head(head_nm(x, cond_BD))                                          (B, L, V)
 * </pre>
 *
 * <b>Official quirk:</b> the official forward applies condition dropout unconditionally, also in
 * {@code eval()} mode (so the official {@code eval_ep} sees dropped labels). Here it is an explicit
 * switch: pass {@code condDrop=true} for training and false for evaluation/parity (the fixtures use
 * rate 0). Drop path is likewise a switch, active only in training, as in the official code.
 *
 * <p><b>Randomness:</b> condition dropout and drop path draw with TF's <i>stateless</i> uniform op
 * from a per-site seed derived from one key, {@link #noiseKey()} (2,) int64. A trainer feeds the
 * key of each step (VarTrainGraph: (noiseSeed, step)), so the draws of step t are a pure function
 * of (seed, t) and a run resumed from a checkpoint draws exactly what the uninterrupted run drew (a
 * stateful op would restart its sequence with every new session).
 */
public final class VarModel {
  /**
   * Tensors of one forward pass.
   *
   * @param labelB the labels actually used (after condition dropout) (B)
   * @param condBD class embedding = sos (B, C)
   * @param x0BLC input of block 0 (B, L, C)
   * @param blocks per-block captures
   * @param headNmOut head_nm output (B, L, C)
   * @param logitsBLV logits (B, L, V)
   */
  public record Forward(
      Operand<TInt32> labelB,
      Operand<TFloat32> condBD,
      Operand<TFloat32> x0BLC,
      List<AdaLNSelfAttn.Out> blocks,
      Operand<TFloat32> headNmOut,
      Operand<TFloat32> logitsBLV) {}

  /**
   * Default seed of the random ops (condition dropout, drop path) when the noise key is not fed.
   */
  public static final long DEFAULT_NOISE_SEED = 20240402L;

  private final ParamStore ps;
  private final VarConfig cfg;
  private final long noiseSeed;
  private final Linear wordEmbed;
  private final Embedding classEmb, lvlEmbed;
  private final Linear sharedAdaLin; // null unless sharedAdaLN
  private final List<AdaLNSelfAttn> blocks = new ArrayList<>();
  private final AdaLNBeforeHead headNm;
  private final Linear head;
  private Operand<TFloat32> attnBias, lvlPos;
  private PlaceholderWithDefault<TInt64> noiseKey;
  private long forwardCalls;

  public VarModel(ParamStore ps, VarConfig cfg) {
    this(ps, cfg, DEFAULT_NOISE_SEED);
  }

  /**
   * @param noiseSeed seed of the generator behind the default {@link #noiseKey()} (used when the
   *     key is not fed; must not be 0)
   */
  public VarModel(ParamStore ps, VarConfig cfg, long noiseSeed) {
    if (noiseSeed == 0)
      throw new IllegalArgumentException("noiseSeed must not be 0 (TF would pick a random seed)");
    this.ps = ps;
    this.cfg = cfg;
    this.noiseSeed = noiseSeed;
    VarInit init = new VarInit(cfg);
    int c = cfg.embedDim();
    // official state-dict order: own parameters, then submodules in construction order
    ps.create("pos_start", new long[] {1, cfg.firstL(), c}, Layout.AS_IS, init.position());
    ps.create("pos_1LC", new long[] {1, cfg.patchNums().L(), c}, Layout.AS_IS, init.position());
    if (cfg.randomOrder())
      ps.create(
          "input_pos_1LC", new long[] {1, cfg.patchNums().L(), c}, Layout.AS_IS, init.position());
    wordEmbed = new Linear(ps, "word_embed", cfg.cvae(), c, true, init.weight(), init.zeros());
    classEmb = new Embedding(ps, "class_emb", cfg.numClasses() + 1, c, init.weight());
    lvlEmbed = new Embedding(ps, "lvl_embed", cfg.patchNums().K(), c, init.weight());
    sharedAdaLin =
        cfg.sharedAdaLN()
            ? new Linear(ps, "shared_ada_lin.1", c, 6 * c, true, init.weight(), init.zeros())
            : null;
    for (int i = 0; i < cfg.depth(); i++) blocks.add(new AdaLNSelfAttn(ps, cfg, init, i));
    headNm = new AdaLNBeforeHead(ps, "head_nm", cfg, init);
    head = new Linear(ps, "head", c, cfg.vocabSize(), true, init.headWeight(), init.zeros());
  }

  public VarConfig config() {
    return cfg;
  }

  public ParamStore params() {
    return ps;
  }

  public List<AdaLNSelfAttn> blocks() {
    return Collections.unmodifiableList(blocks);
  }

  /**
   * The key (2,) int64 of every random op of this model's forward passes (condition dropout, drop
   * path), built by the first {@link #forward} that has one; null before. Feed it for reproducible
   * draws: each call site uses the stateless seed {@link #siteSeed key ^ (mix(site), 0)}, so the
   * same key gives the same draws in any session. Unfed, it defaults to a fresh key per run from a
   * stateful generator seeded with the model's noise seed (random draws, reproducible only within
   * one session).
   */
  public PlaceholderWithDefault<TInt64> noiseKey() {
    return noiseKey;
  }

  private Operand<TInt64> noiseKeyOrCreate() {
    if (noiseKey == null) {
      Ops tf = ps.tf();
      Operand<TInt64> fresh =
          tf.random.randomUniformInt(
              tf.constant(new int[] {2}),
              tf.constant(0L),
              tf.constant(Long.MAX_VALUE),
              RandomUniformInt.seed(noiseSeed),
              RandomUniformInt.seed2(1L));
      noiseKey = tf.placeholderWithDefault(fresh, Shape.of(2));
    }
    return noiseKey;
  }

  /**
   * The (2,) int64 seed of one random-op call site: {@code key ^ (mix64(site), 0)} (splitmix64
   * finaliser), so call sites draw independent streams from one key.
   */
  public static Operand<TInt64> siteSeed(Ops tf, Operand<TInt64> key, long site) {
    long z = site * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return tf.bitwise.bitwiseXor(key, tf.constant(new long[] {z, 0L}));
  }

  /** The attention mask constant (1, 1, L, L), block-causal or causal, built once per model. */
  public Operand<TFloat32> attnBias() {
    if (attnBias == null) attnBias = AttentionMask.bias(ps.tf(), cfg);
    return attnBias;
  }

  /**
   * lvl_embed(lvl_1L) + pos_1LC (1, L, C), built once per model; with {@link VarConfig#randomOrder}
   * also the raster order's input positions, {@code input_pos_1LC[i - 1]} at slot i ≥ 1 (the slot's
   * input token is the one before it).
   */
  public Operand<TFloat32> lvlPos1LC() {
    if (lvlPos == null) {
      Ops tf = ps.tf();
      Operand<TFloat32> lvl =
          lvlEmbed.apply(tf.constant(new int[][] {cfg.patchNums().levels()})); // (1, L, C)
      lvlPos = tf.math.add(lvl, ps.get("pos_1LC"));
      if (cfg.randomOrder()) {
        int[] raster = new int[cfg.L()];
        for (int i = 0; i < raster.length; i++) raster[i] = i;
        lvlPos = tf.math.add(lvlPos, inputPositions(tf.constant(new int[][] {raster})));
      }
    }
    return lvlPos;
  }

  /**
   * The position embeddings of a random order (RAR, {@code modeling/rar.py forward_fn}): slot i
   * predicts token π(i) and reads token π(i-1), so it gets lvl_embed + pos_1LC[π(i)] (the target
   * position) + input_pos_1LC[π(i-1)] (the input's own position; none at slot 0, which reads the
   * class token). (B, L, C) from orderBL (B, L) int32, a permutation of 0..L-1 per row.
   */
  public Operand<TFloat32> orderedPositions(Operand<TInt32> orderBL) {
    Ops tf = ps.tf();
    Operand<TFloat32> lvl =
        lvlEmbed.apply(tf.constant(new int[][] {cfg.patchNums().levels()})); // (1, L, C)
    Operand<TFloat32> target = tf.gather(squeeze0(ps.get("pos_1LC")), orderBL, tf.constant(0));
    return tf.math.add(tf.math.add(lvl, target), inputPositions(orderBL)); // (B, L, C)
  }

  /** input_pos_1LC[π(i-1)] at slot i ≥ 1 and zeros at slot 0: (B, L, C) from orderBL (B, L). */
  private Operand<TFloat32> inputPositions(Operand<TInt32> orderBL) {
    Ops tf = ps.tf();
    int l = cfg.L();
    Operand<TInt32> previous = // π(0..L-2): (B, L-1)
        tf.slice(orderBL, tf.constant(new int[] {0, 0}), tf.constant(new int[] {-1, l - 1}));
    Operand<TFloat32> inputs =
        tf.gather(squeeze0(ps.get("input_pos_1LC")), previous, tf.constant(0)); // (B, L-1, C)
    return tf.pad(inputs, tf.constant(new int[][] {{0, 0}, {1, 0}, {0, 0}}), tf.constant(0f));
  }

  private Operand<TFloat32> squeeze0(Operand<TFloat32> x1LC) {
    Ops tf = ps.tf();
    return tf.reshape(x1LC, tf.constant(new long[] {cfg.L(), cfg.embedDim()}));
  }

  /** class_emb(label) (B, C); label numClasses is the null (unconditional) class. */
  public Operand<TFloat32> classEmbedding(Operand<TInt32> labelB) {
    return classEmb.apply(labelB);
  }

  /**
   * The per-block condition: cond_BD itself, or shared_ada_lin(cond_BD) (B, 1, 6, C) with shared
   * AdaLN.
   */
  public Operand<TFloat32> blockCondition(Operand<TFloat32> condBD) {
    if (sharedAdaLin == null) return condBD;
    Ops tf = ps.tf();
    return tf.reshape(
        sharedAdaLin.apply(Act.silu(tf, condBD)),
        tf.constant(new long[] {-1, 1, 6, cfg.embedDim()}));
  }

  /** get_logits: head(head_nm(x, cond_BD)), (B, l, C) to (B, l, V). */
  public Operand<TFloat32> logits(Operand<TFloat32> xBLC, Operand<TFloat32> condBD) {
    return head.apply(headNm.apply(xBLC, condBD));
  }

  /** Applies word_embed (Linear Cvae to C): (B, l, Cvae) to (B, l, C). */
  public Operand<TFloat32> wordEmbed(Operand<TFloat32> xBlCv) {
    return wordEmbed.apply(xBlCv);
  }

  /** Forward with static switches: false builds no random op at all. */
  public Forward forward(
      Operand<TInt32> labelB, Operand<TFloat32> xBLCvWoFirstL, boolean condDrop, boolean dropPath) {
    Ops tf = ps.tf();
    return forward(
        labelB,
        xBLCvWoFirstL,
        condDrop ? tf.constant(true) : null,
        dropPath ? tf.constant(true) : null,
        null);
  }

  /**
   * Teacher-forcing forward in the model's own order ({@link #forward(Operand, Operand, Operand,
   * Operand, Operand)} without an order).
   */
  public Forward forward(
      Operand<TInt32> labelB,
      Operand<TFloat32> xBLCvWoFirstL,
      Operand<TBool> condDrop,
      Operand<TBool> dropPath) {
    return forward(labelB, xBLCvWoFirstL, condDrop, dropPath, null);
  }

  /**
   * Teacher-forcing forward ({@code VAR.forward}).
   *
   * @param labelB class labels (B), in [0, numClasses] (numClasses = null class)
   * @param xBLCvWoFirstL teacher-forcing input (B, L - firstL, Cvae) ({@code idxBl_to_var_input})
   * @param condDrop condition-dropout switch (scalar bool; null = off)
   * @param dropPath drop-path switch (scalar bool; null = off)
   * @param orderBL RAR's order of each image's tokens (B, L) int32, slot i predicting token π(i)
   *     (the input and targets are given in that order: x holds E[r_π(0)], ..., E[r_π(L-2)]); null
   *     is the model's own order. Only for a {@link VarConfig#randomOrder} model.
   */
  public Forward forward(
      Operand<TInt32> labelB,
      Operand<TFloat32> xBLCvWoFirstL,
      Operand<TBool> condDrop,
      Operand<TBool> dropPath,
      Operand<TInt32> orderBL) {
    Ops tf = ps.tf();
    checkInputs(labelB, xBLCvWoFirstL);
    if (orderBL != null && !cfg.randomOrder())
      throw new IllegalArgumentException(
          "a token order is only fed to a randomOrder (RAR) model: " + cfg.describe());
    long call = ++forwardCalls;
    boolean anyDropPath = false;
    for (double r : cfg.dropPathRates()) anyDropPath |= r > 0;
    Operand<TInt64> key =
        condDrop != null && cfg.condDropRate() > 0 || dropPath != null && anyDropPath
            ? noiseKeyOrCreate()
            : null;

    Operand<TInt32> label = labelB;
    if (condDrop != null && cfg.condDropRate() > 0) {
      Operand<TFloat32> u =
          tf.random.statelessRandomUniform(
              tf.shape(labelB), siteSeed(tf, key, call << 1), TFloat32.class);
      Operand<TBool> drop =
          tf.math.logicalAnd(condDrop, tf.math.less(u, tf.constant((float) cfg.condDropRate())));
      label = tf.select(drop, tf.constant(cfg.numClasses()), labelB);
    }
    Operand<TFloat32> condBD = classEmbedding(label); // (B, C)
    Operand<TFloat32> sos =
        tf.math.add(tf.expandDims(condBD, tf.constant(1)), ps.get("pos_start")); // (B, first, C)
    Operand<TFloat32> xBLC =
        tf.concat(List.of(sos, wordEmbed.apply(xBLCvWoFirstL)), tf.constant(1));
    xBLC =
        tf.math.add(xBLC, orderBL == null ? lvlPos1LC() : orderedPositions(orderBL)); // (B, L, C)
    Operand<TFloat32> x0 = xBLC;

    Blocks b = applyBlocks(xBLC, blockCondition(condBD), attnBias(), null, dropPath, key);
    Operand<TFloat32> hn = headNm.apply(b.outBLC(), condBD);
    Operand<TFloat32> logits = head.apply(hn);
    return new Forward(label, condBD, x0, b.blocks(), hn, logits);
  }

  /**
   * Output of the block stack.
   *
   * @param blocks per-block captures (the last one's {@code out} is the stack's output)
   * @param cache the cache grown by the new tokens, or null when none was given
   */
  public record Blocks(List<AdaLNSelfAttn.Out> blocks, KvCache cache) {
    /** The output of the last block (B, L, C). */
    public Operand<TFloat32> outBLC() {
      return blocks.get(blocks.size() - 1).out();
    }
  }

  /**
   * All blocks, the one code path of training and inference: without a cache (training, with the
   * mask and drop path) or with one (inference: the tokens attend to the cached ones and
   * themselves, the cache grows by them, as the official {@code kv_caching(True)}).
   *
   * @param xBLC block input (B, L, C)
   * @param condBlocks {@link #blockCondition}(cond_BD)
   * @param attnBias mask (1, 1, L, L) or null
   * @param cache the cache of the earlier tokens ({@link KvCache#empty} for the first ones), or
   *     null: no caching
   * @param dropPath drop-path switch (null: off)
   * @param key the noise key of drop path (null when off)
   */
  public Blocks applyBlocks(
      Operand<TFloat32> xBLC,
      Operand<TFloat32> condBlocks,
      Operand<TFloat32> attnBias,
      KvCache cache,
      Operand<TBool> dropPath,
      Operand<TInt64> key) {
    if (cache != null && cache.depth() != blocks.size()) {
      throw new IllegalArgumentException(
          "the cache must have one entry per block (" + blocks.size() + "), got " + cache.depth());
    }
    List<AdaLNSelfAttn.Out> outs = new ArrayList<>(blocks.size());
    List<KvCache.Entry> grown = new ArrayList<>(blocks.size());
    Operand<TFloat32> x = xBLC;
    for (int i = 0; i < blocks.size(); i++) {
      KvCache.Entry past = cache == null ? null : cache.block(i);
      AdaLNSelfAttn.Out o = blocks.get(i).forward(x, condBlocks, attnBias, past, dropPath, key);
      outs.add(o);
      grown.add(o.kv());
      x = o.out();
    }
    return new Blocks(Collections.unmodifiableList(outs), cache == null ? null : KvCache.of(grown));
  }

  /**
   * The input of the first step: sos + pos_start + (lvl_embed + pos_1LC)[0, firstL), (B, firstL, C)
   * from cond_BD (B, C), as {@link #forward} builds it.
   */
  public Operand<TFloat32> sosInput(Operand<TFloat32> condBD) {
    Ops tf = ps.tf();
    Operand<TFloat32> sos =
        tf.math.add(tf.expandDims(condBD, tf.constant(1)), ps.get("pos_start")); // (B, first, C)
    return tf.math.add(sos, lvlPosSlice(0, cfg.firstL()));
  }

  /**
   * The input of later tokens: word_embed(x) + (lvl_embed + pos_1LC)[begin, begin + l), (B, l, C)
   * from x (B, l, Cvae) (l static), the tokens at positions begin.. of the L.
   */
  public Operand<TFloat32> tokenInput(Operand<TFloat32> xBlCv, int begin) {
    return ps.tf().math.add(wordEmbed(xBlCv), lvlPosSlice(begin, (int) xBlCv.shape().get(1)));
  }

  /** (lvl_embed + pos_1LC)[begin, begin + len): (1, len, C). */
  private Operand<TFloat32> lvlPosSlice(int begin, int len) {
    Ops tf = ps.tf();
    return tf.slice(
        lvlPos1LC(),
        tf.constant(new int[] {0, begin, 0}),
        tf.constant(new int[] {1, len, cfg.embedDim()}));
  }

  private void checkInputs(Operand<TInt32> labelB, Operand<TFloat32> x) {
    if (labelB.shape().isUnknown() || labelB.shape().numDimensions() != 1) {
      throw new IllegalArgumentException("label_B must have shape (B), got " + labelB.shape());
    }
    long[] s = x.shape().isUnknown() ? new long[0] : x.shape().asArray();
    long l = cfg.L() - cfg.firstL();
    if (s.length != 3 || s[1] != l || s[2] != cfg.cvae()) {
      throw new IllegalArgumentException(
          "x_BLCv_wo_first_l must have shape (B, " + l + ", " + cfg.cvae() + "), got " + x.shape());
    }
    long b = s[0], bl = labelB.shape().get(0);
    if (b >= 0 && bl >= 0 && b != bl) {
      throw new IllegalArgumentException(
          "label_B has batch size " + bl + " but x_BLCv_wo_first_l has " + b);
    }
  }
}
