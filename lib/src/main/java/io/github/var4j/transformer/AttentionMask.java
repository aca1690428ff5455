package io.github.var4j.transformer;

import io.github.var4j.scale.ScaleSchedule;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The block-causal training mask of VAR (official buffer {@code attn_bias_for_masking} in {@code
 * models/var.py}): query token q may attend to key token k iff {@code lvl[q] >= lvl[k]}, i.e. full
 * attention inside a scale and to every earlier scale. As an additive bias it is 0 where allowed
 * and -inf elsewhere, shape (1, 1, L, L).
 */
public final class AttentionMask {
  private AttentionMask() {}

  /**
   * The mask of a model as a graph constant (1, 1, L, L): block-causal for next-scale prediction,
   * causal in raster order ({@link VarConfig#generationSteps}).
   */
  public static Operand<TFloat32> bias(Ops tf, VarConfig cfg) {
    int[] step = cfg.generationSteps();
    int l = step.length;
    return tf.constant(Shape.of(1, 1, l, l), DataBuffers.of(biasValues(step), true, false));
  }

  /** allowed[q][k] = lvl[q] >= lvl[k] (L x L). */
  public static boolean[][] allowed(ScaleSchedule patchNums) {
    int[] lvl = patchNums.levels();
    int l = lvl.length;
    boolean[][] a = new boolean[l][l];
    for (int q = 0; q < l; q++) for (int k = 0; k < l; k++) a[q][k] = lvl[q] >= lvl[k];
    return a;
  }

  /** The additive bias as a row-major (L·L) array: 0 where allowed, -inf elsewhere. */
  public static float[] biasValues(ScaleSchedule patchNums) {
    return biasValues(patchNums.levels());
  }

  /** The additive bias of tokens generated at the given steps: 0 where step[q] >= step[k]. */
  static float[] biasValues(int[] lvl) {
    int l = lvl.length;
    float[] b = new float[l * l];
    for (int q = 0; q < l; q++) {
      for (int k = 0; k < l; k++) b[q * l + k] = lvl[q] >= lvl[k] ? 0f : Float.NEGATIVE_INFINITY;
    }
    return b;
  }

  /** The bias as a graph constant (1, 1, L, L). */
  public static Operand<TFloat32> bias(Ops tf, ScaleSchedule patchNums) {
    int l = patchNums.L();
    return tf.constant(Shape.of(1, 1, l, l), DataBuffers.of(biasValues(patchNums), true, false));
  }
}
