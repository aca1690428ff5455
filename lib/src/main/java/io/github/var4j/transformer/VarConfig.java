package io.github.var4j.transformer;

import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.util.Require;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * Hyper-parameters of the VAR next-scale transformer (official {@code models/var.py} constructor
 * plus {@code init_weights} arguments; {@code models/__init__.py build_vae_var}).
 *
 * <p>The one-knob rule of the paper is {@link #ofDepth}: C = 64·depth, heads = depth (head dim 64),
 * mlp ratio 4, drop-path rate 0.1·depth/24. Override single fields with the {@code with...}
 * methods, several at once with {@link #toBuilder}; every change is validated again.
 *
 * @param vocabSize V, codebook size of the VQVAE (token ids 0..V-1)
 * @param cvae Cvae, latent channels of the VQVAE (input width of {@code word_embed})
 * @param numClasses class labels 0..numClasses-1; row {@code numClasses} of {@code class_emb} is
 *     the null class
 * @param depth number of AdaLN self-attention blocks
 * @param embedDim C (= D, the condition width)
 * @param numHeads H; head dim = C / H
 * @param mlpRatio FFN hidden width = round(C · mlpRatio) (Python round, half to even)
 * @param dropPathRate stochastic depth; block i uses linspace(0, dropPathRate, depth)[i] (training
 *     only)
 * @param normEps LayerNorm epsilon (no affine)
 * @param condDropRate probability of replacing a label by the null class (training only, see {@link
 *     VarModel})
 * @param attnL2Norm cosine attention with learned per-head scale {@code scale_mul_1H11}
 * @param sharedAdaLN one {@code shared_ada_lin} for all blocks plus per-block {@code ada_gss}
 *     (d36-s)
 * @param patchNums the scale schedule: sides pn_k of the K token maps
 * @param initAdaLN init_adaln: scale of the shift/scale rows of every ada_lin
 * @param initAdaLNGamma init_adaln_gamma: scale of the gamma rows of the block ada_lin
 * @param initHead init_head: scale of {@code head.weight} (negative: not applied)
 * @param initStd init_std for Linear/Embedding weights; negative means sqrt(1/(3C))
 * @param adaLN condition every block and the head on the class by adaptive LayerNorm (VAR, the
 *     default; null means it); false: plain pre-LN blocks and head with learned LayerNorm affine
 *     parameters ({@code blocks.i.ln_1}, {@code blocks.i.ln_2}, {@code head_nm.ln}), the class
 *     entering only through the start token (the paper's Table 3 "AR/VAR" rows before "+ AdaLN")
 * @param order next-scale prediction (VAR, the default; null means it) or raster order (the
 *     baseline: {@code patchNums} must then have a single scale, whose pn² tokens are generated one
 *     at a time)
 * @param randomOrder RAR (Yu et al. 2024, {@code bytedance/1d-tokenizer modeling/rar.py}): a
 *     raster-order model trained on per-image random permutations of its tokens, annealed to the
 *     raster order ({@code train.RandomOrder}), with a second position embedding {@code
 *     input_pos_1LC} (1, L, C) that tells each input token where it came from, while {@code
 *     pos_1LC} tells the position the slot predicts (RAR's target-aware embedding); sampling stays
 *     raster (null means false; needs {@code order} RASTER)
 */
@RecordBuilder
public record VarConfig(
    int vocabSize,
    int cvae,
    int numClasses,
    int depth,
    int embedDim,
    int numHeads,
    double mlpRatio,
    double dropPathRate,
    double normEps,
    double condDropRate,
    boolean attnL2Norm,
    boolean sharedAdaLN,
    ScaleSchedule patchNums,
    double initAdaLN,
    double initAdaLNGamma,
    double initHead,
    double initStd,
    TokenOrder order,
    Boolean adaLN,
    Boolean randomOrder)
    implements VarConfigBuilder.With {

  public VarConfig {
    if (order == null) order = TokenOrder.NEXT_SCALE; // configurations saved before the field
    if (adaLN == null) adaLN = true; // configurations saved before the field
    if (randomOrder == null) randomOrder = false; // configurations saved before the field
    positive("vocabSize", vocabSize);
    positive("cvae", cvae);
    positive("numClasses", numClasses);
    positive("depth", depth);
    positive("embedDim", embedDim);
    positive("numHeads", numHeads);
    if (embedDim % numHeads != 0) {
      throw new IllegalArgumentException(
          "embedDim must be divisible by numHeads, got embedDim="
              + embedDim
              + ", numHeads="
              + numHeads);
    }
    if (!(mlpRatio > 0) || Double.isInfinite(mlpRatio)) {
      throw new IllegalArgumentException("mlpRatio must be positive, got " + mlpRatio);
    }
    if (Math.rint(embedDim * mlpRatio) < 1) {
      throw new IllegalArgumentException(
          "mlpRatio gives an empty FFN: round(" + embedDim + " * " + mlpRatio + ") = 0");
    }
    Require.fractionBelowOne("dropPathRate", dropPathRate);
    if (!(normEps > 0) || Double.isInfinite(normEps)) {
      throw new IllegalArgumentException("normEps must be positive, got " + normEps);
    }
    Require.fraction("condDropRate", condDropRate);
    if (patchNums == null) throw new IllegalArgumentException("patchNums must not be null");
    if (order == TokenOrder.RASTER && patchNums.K() != 1) {
      throw new IllegalArgumentException(
          "a raster-order model reads one token map: patchNums must have one scale, got "
              + patchNums);
    }
    finite("initAdaLN", initAdaLN);
    finite("initAdaLNGamma", initAdaLNGamma);
    finite("initHead", initHead);
    finite("initStd", initStd);
    if (initStd == 0)
      throw new IllegalArgumentException(
          "initStd must be positive (or negative for sqrt(1/(3C))), got 0.0");
    if (randomOrder && order != TokenOrder.RASTER)
      throw new IllegalArgumentException(
          "randomOrder (RAR) needs the raster order: it trains a raster model on permuted orders");
    if (sharedAdaLN && !adaLN)
      throw new IllegalArgumentException(
          "sharedAdaLN needs adaLN: a shared AdaLN is still an AdaLN");
  }

  /**
   * The official one-knob configuration (build_vae_var / train.py defaults): C = 64·depth, heads =
   * depth, mlp 4, drop path 0.1·depth/24, norm eps 1e-6, cond drop 0.1, l2-norm attention, no
   * shared AdaLN, init_adaln 0.5, init_adaln_gamma 1e-5, init_head 0.02, init_std -1.
   */
  public static VarConfig ofDepth(
      int depth, int vocabSize, int cvae, int numClasses, ScaleSchedule patchNums) {
    positive("depth", depth);
    return new VarConfig(
        vocabSize,
        cvae,
        numClasses,
        depth,
        64 * depth,
        depth,
        4.0,
        0.1 * depth / 24,
        1e-6,
        0.1,
        true,
        false,
        patchNums,
        0.5,
        1e-5,
        0.02,
        -1,
        TokenOrder.NEXT_SCALE,
        true,
        false);
  }

  private static void positive(String name, int v) {
    if (v <= 0) throw new IllegalArgumentException(name + " must be positive, got " + v);
  }

  private static void finite(String name, double v) {
    if (!Double.isFinite(v)) throw new IllegalArgumentException(name + " must be finite, got " + v);
  }

  // ---- derived quantities ----

  /** Head dimension C / H. */
  public int headDim() {
    return embedDim / numHeads;
  }

  /** FFN hidden width, Python {@code round(C * mlp_ratio)} (half to even). */
  public int hiddenDim() {
    return (int) Math.rint(embedDim * mlpRatio);
  }

  /** The init std actually used: {@code initStd}, or sqrt(1/(3C)) when negative. */
  public double resolvedInitStd() {
    return initStd < 0 ? Math.sqrt(1.0 / embedDim / 3) : initStd;
  }

  /**
   * Drop-path rate of every block: {@code torch.linspace(0, dropPathRate, depth)} in float32 (so
   * the values equal the official {@code dpr} list, e.g. 0.008333333767950535 for depth 2 of rate
   * 1/120).
   */
  public double[] dropPathRates() {
    double[] r = new double[depth];
    if (depth == 1) {
      r[0] = 0f;
      return r;
    }
    float end = (float) dropPathRate;
    float step = end / (depth - 1);
    int half = depth / 2;
    for (int i = 0; i < depth; i++) {
      // torch's linspace kernel: the first half counts up from start, the second half counts down
      // from end
      r[i] = i < half ? (float) (step * i) : (float) (end - step * (depth - 1 - i));
    }
    return r;
  }

  /** L, the number of tokens of one image (Σ pn_k²). */
  public int L() {
    return patchNums.L();
  }

  /**
   * The tokens predicted from the class token alone, without teacher-forcing input (official {@code
   * first_l}): pn_1² for next-scale prediction (1 with the official schedules), 1 in raster order.
   */
  public int firstL() {
    return order == TokenOrder.RASTER ? 1 : patchNums.firstL();
  }

  /**
   * The generation step of each of the L tokens (next-scale: its scale; raster: its position):
   * token q attends to token k iff step[q] >= step[k] ({@link AttentionMask}).
   */
  public int[] generationSteps() {
    return order.steps(patchNums.levels());
  }

  /**
   * The number of sequential transformer steps that generate one image: K, or L in raster order.
   */
  public int numSteps() {
    return order == TokenOrder.RASTER ? patchNums.L() : patchNums.K();
  }

  /** Number of trainable scalars (310,283,520 for the released d16 at 256 px). */
  public long numParams() {
    long c = embedDim, h = hiddenDim();
    long perBlock =
        3 * c * c + 2 * c + c * c + c + c * h + h + h * c + c; // attn (qkv, q/v bias, proj) + ffn
    if (attnL2Norm) perBlock += numHeads;
    perBlock += !adaLN ? 4 * c : sharedAdaLN ? 6 * c : 6 * c * c + 6 * c; // ln_1, ln_2 or AdaLN
    long total = depth * perBlock;
    if (sharedAdaLN) total += 6 * c * c + 6 * c;
    total += (long) cvae * c + c; // word_embed
    total += (numClasses + 1L) * c; // class_emb
    total += (long) firstL() * c + (long) patchNums.L() * c; // pos_start, pos_1LC
    if (randomOrder) total += (long) patchNums.L() * c; // input_pos_1LC
    total += (long) patchNums.K() * c; // lvl_embed
    total += adaLN ? 2 * c * c + 2 * c : 2 * c; // head_nm: ada_lin or ln
    total += c * vocabSize + vocabSize; // head
    return total;
  }

  /**
   * Kaplan et al.'s N, the non-embedding parameters: the blocks (attention, FFN, AdaLN), the shared
   * AdaLN and {@code head_nm}. Left out: {@code word_embed}, {@code class_emb}, {@code pos_start},
   * {@code pos_1LC}, {@code lvl_embed} and the output {@code head} (the unembedding, which GPT-2,
   * the model Kaplan et al. counted, ties to its input embedding).
   */
  public long nonEmbeddingParams() {
    long c = embedDim;
    long embeddings =
        (long) cvae * c
            + c // word_embed
            + (numClasses + 1L) * c // class_emb
            + (long) firstL() * c
            + (long) patchNums.L() * c // pos_start, pos_1LC
            + (randomOrder ? (long) patchNums.L() * c : 0) // input_pos_1LC
            + (long) patchNums.K() * c // lvl_embed
            + c * vocabSize
            + vocabSize; // head
    return numParams() - embeddings;
  }

  // ---- withers ----

  /**
   * Changes only the depth (embedDim, heads and drop path stay as they are; use {@link #ofDepth}
   * for the rule).
   */

  /** With or without AdaLN (see the component); false also needs {@code sharedAdaLN} off. */

  /**
   * The configuration in one line, as logs and notebooks print it: "depth 4, width 256, heads 4,
   * vocab 512, Cvae 16, 10 classes, patchNums [1, 2, 3]".
   */
  public String describe() {
    return "depth "
        + depth
        + ", width "
        + embedDim
        + ", heads "
        + numHeads
        + ", vocab "
        + vocabSize
        + ", Cvae "
        + cvae
        + ", "
        + numClasses
        + " classes, patchNums "
        + patchNums()
        + (adaLN ? "" : ", no AdaLN")
        + (attnL2Norm ? "" : ", plain attention")
        + (randomOrder ? ", random-order training (RAR)" : "");
  }

  @Override
  public String toString() {
    return "VarConfig[V="
        + vocabSize
        + ", Cvae="
        + cvae
        + ", classes="
        + numClasses
        + ", depth="
        + depth
        + ", C="
        + embedDim
        + ", heads="
        + numHeads
        + ", mlpRatio="
        + mlpRatio
        + ", dropPath="
        + dropPathRate
        + ", normEps="
        + normEps
        + ", condDrop="
        + condDropRate
        + ", attnL2Norm="
        + attnL2Norm
        + ", sharedAdaLN="
        + sharedAdaLN
        + ", patchNums="
        + patchNums
        + ", initAdaLN="
        + initAdaLN
        + ", initAdaLNGamma="
        + initAdaLNGamma
        + ", initHead="
        + initHead
        + ", initStd="
        + initStd
        + (adaLN ? "" : ", adaLN=false")
        + (randomOrder ? ", randomOrder=true" : "")
        + "]";
  }

  // ---- builder and withers: generated by record-builder ({@code VarConfigBuilder}, {@code
  // VarConfigBuilder.With}) ----

  /**
   * A builder with no component set yet (unset components are 0, false or null, which the canonical
   * constructor then judges); start from {@link #toBuilder} to change only a few.
   */
  public static VarConfigBuilder builder() {
    return VarConfigBuilder.builder();
  }

  /** A builder holding this configuration's components, e.g. {@code c.toBuilder().x(v).build()}. */
  public VarConfigBuilder toBuilder() {
    return VarConfigBuilder.builder(this);
  }
}
