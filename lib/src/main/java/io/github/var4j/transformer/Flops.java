package io.github.var4j.transformer;

/**
 * Floating-point operations of the transformer, counted from its shapes (a multiply-add is 2 FLOPs;
 * normalisations, activations, softmax and biases are left out, as in Kaplan et al. 2020).
 *
 * <pre>
 * per token (L of them):   word_embed Cvae·C, per block q/k/v 3C², proj C², FFN 2·C·hidden, head C·V
 * per image (once):        per block ada_lin 6C² (on the condition), head_nm's ada_lin 2C²
 * attention per block:     Q·Kᵀ and A·V over the full L×L grid (the mask is added, not skipped): 2·L²·C
 * forward = 2·(L·perToken + perImage) + depth·2·2·L²·C;   training step = 3 × forward × batch
 * </pre>
 *
 * With a shared AdaLN the per-block ada_lin is replaced by one {@code shared_ada_lin} (6C²).
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

  /** FLOPs of one training step (forward and backward, 3 × forward) on {@code batch} images. */
  public static long trainingStep(VarConfig c, int batch) {
    if (batch <= 0) throw new IllegalArgumentException("batch must be positive, got " + batch);
    return 3 * forward(c) * batch;
  }
}
