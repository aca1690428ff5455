package io.github.var4j.transformer;

import io.github.var4j.util.Require;

/**
 * Floating-point operations of the transformer, counted from its shapes (a multiply-add is 2 FLOPs;
 * normalisations, activations, softmax and biases are left out, as in Kaplan et al. 2020).
 *
 * <pre>
 * per token (L of them):   word_embed Cvae·C, per block q/k/v 3C², proj C², FFN 2·C·hidden, head C·V
 * per image (once):        per block ada_lin 6C² (on the condition), head_nm's ada_lin 2C²
 * attention per block:     Q·Kᵀ and A·V over the full L×L grid (the mask is added, not skipped): 2·L²·C
 * forward = 2·(L·perToken + perImage) + depth·2·2·L²·C;   training step = 3 × forward × batch
 *
 * sampling, CFG (2 rows per image), step s draws l_s tokens that see keys_s = begin_s + l_s keys:
 *   with the KV cache     2 · [ Σ_s 2·l_s·perToken + depth·4·l_s·keys_s·C + 2·perImage ]
 *   without a cache       2 · Σ_s forward over the keys_s tokens so far (every step recomputes them)
 * </pre>
 *
 * <p>For an n×n map in raster order (n² steps of one token) the cached attention term grows as Σ_p
 * p ≈ n⁴/2 and the uncached one as Σ_p p² ≈ n⁶/3: the O(n⁶) of the VAR paper (§3.1) is the count
 * without a cache. Next-scale order has K ≈ log n steps; its cached attention term is Σ_s
 * l_s·keys_s ≤ L² = O(n⁴). Both orders' per-token matmuls grow as L·perToken = O(n²). Per token and
 * block, attention costs 4·keys·C FLOPs against 24·C² for the block's matmuls (mlp ratio 4): the
 * attention term dominates only beyond about 6C keys (768 at C = 128).
 *
 * <p>With a shared AdaLN the per-block ada_lin is replaced by one {@code shared_ada_lin} (6C²).
 */
public final class Flops {
  private Flops() {}

  /** Multiply-adds of the matmuls applied to every token, per token. */
  public static long perTokenMacs(VarConfig c) {
    long C = c.embedDim(), h = c.hiddenDim();
    return (long) c.cvae() * C + c.depth() * (4 * C * C + 2 * C * h) + C * c.vocabSize();
  }

  /** Multiply-adds applied once per image (the AdaLN projections of the condition). */
  public static long perImageMacs(VarConfig c) {
    long C = c.embedDim();
    if (!c.adaLN()) return 0; // no AdaLN: the class enters through the start token only
    long ada = c.sharedAdaLN() ? 6 * C * C : c.depth() * 6 * C * C;
    return ada + 2 * C * C;
  }

  /** FLOPs of one image's forward pass over its L tokens (teacher forcing). */
  public static long forward(VarConfig c) {
    long L = c.L(), C = c.embedDim();
    return 2 * (L * perTokenMacs(c) + perImageMacs(c)) + c.depth() * 4 * L * L * C;
  }

  /**
   * FLOPs of sampling one image with the KV cache and classifier-free guidance (the transformer
   * runs a conditional and an unconditional row per image), in the steps of the config's order.
   */
  public static long sampling(VarConfig c) {
    long C = c.embedDim(), sum = 2 * perImageMacs(c);
    for (int s = 0; s < c.numSteps(); s++) {
      long l = c.order().stepTokens(c.patchNums(), s);
      long keys = c.order().stepBegin(c.patchNums(), s) + l;
      sum += 2 * l * perTokenMacs(c) + c.depth() * 4 * l * keys * C;
    }
    return 2 * sum;
  }

  /**
   * FLOPs of sampling one image (CFG) when every step recomputes all tokens so far instead of
   * reading a KV cache: the count behind the VAR paper's O(n⁶) for raster order.
   */
  public static long samplingWithoutCache(VarConfig c) {
    long C = c.embedDim(), sum = 0;
    for (int s = 0; s < c.numSteps(); s++) {
      long keys = c.order().stepBegin(c.patchNums(), s) + c.order().stepTokens(c.patchNums(), s);
      sum += 2 * (keys * perTokenMacs(c) + perImageMacs(c)) + c.depth() * 4 * keys * keys * C;
    }
    return 2 * sum;
  }

  /** FLOPs of one training step (forward and backward, 3 × forward) on {@code batch} images. */
  public static long trainingStep(VarConfig c, int batch) {
    Require.positive("batch", batch);
    return 3 * forward(c) * batch;
  }
}
