package io.github.var4j.sample;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The token choice of one sampling step, the same in every token order (official {@code
 * autoregressive_infer_cfg}):
 *
 * <pre>
 * t = cfg·ratio;  logits = (1+t)·logits_2B[:B] - t·logits_2B[B:]              (B, l, V)
 * masked = top_p(top_k(logits))                                               (B·l, V)
 * idx = inverseCdf(masked, u),  u = uniform(seed of the step)                 (B·l)   or argmax (greedy)
 * h = E[idx]    (more_smooth: softmax((masked·(1+ratio) + G)/tau) @ E)        (B, l, Cvae)
 * </pre>
 *
 * The draw is {@link Sampling#inverseCdf} with one stateless uniform per row ({@link
 * Sampling#uniform}), so it does not depend on the number of threads.
 */
final class StepDraw {
  /**
   * One step's tensors.
   *
   * @param logitsCfg guided logits (B, l, V)
   * @param logitsMasked the top-k/top-p masked logits the draw used (B·l, V)
   * @param uniform the draw's uniforms (B·l, 1) (a zero (1) for greedy runs)
   * @param idxBl the drawn tokens (B, l)
   * @param hBlCv their embeddings (B, l, Cvae)
   */
  record Out(
      Operand<TFloat32> logitsCfg,
      Operand<TFloat32> logitsMasked,
      Operand<TFloat64> uniform,
      Operand<TInt32> idxBl,
      Operand<TFloat32> hBlCv) {}

  private final Ops tf;
  private final SamplerGraph.Variant v;
  private final Operand<TFloat32> codebook, t, onePlusT, oneMinusTopP;
  private final Operand<TInt32> topK;
  private final int vocab, cvae;

  /**
   * @param codebook E (V, Cvae)
   * @param t cfg·ratio per step (steps), float32
   * @param onePlusT 1 + cfg·ratio per step (steps)
   * @param topK int32 scalar, or null (off)
   * @param oneMinusTopP float32 scalar, or null (off)
   */
  StepDraw(
      Ops tf,
      SamplerGraph.Variant v,
      Operand<TFloat32> codebook,
      Operand<TFloat32> t,
      Operand<TFloat32> onePlusT,
      Operand<TInt32> topK,
      Operand<TFloat32> oneMinusTopP) {
    this.tf = tf;
    this.v = v;
    this.codebook = codebook;
    this.t = t;
    this.onePlusT = onePlusT;
    this.topK = topK;
    this.oneMinusTopP = oneMinusTopP;
    this.vocab = (int) codebook.shape().get(0);
    this.cvae = (int) codebook.shape().get(1);
  }

  /**
   * Draws step s's l tokens from its logits (2B, l, V) (conditional half first).
   *
   * @param seedDraw (2) int64 seed of the uniforms
   * @param seedGumbel (2) int64 seed of the more_smooth noise
   * @param ratio the step's ratio (more_smooth temperature)
   */
  Out draw(
      int step,
      Operand<TFloat32> logits2BlV,
      Operand<TInt64> seedDraw,
      Operand<TInt64> seedGumbel,
      double ratio) {
    int l = (int) logits2BlV.shape().get(1);
    List<Output<TFloat32>> halves = tf.split(tf.constant(0), logits2BlV, 2L).output();
    Operand<TFloat32> tS = tf.gather(t, tf.constant(step), tf.constant(0));
    Operand<TFloat32> onePlusTS = tf.gather(onePlusT, tf.constant(step), tf.constant(0));
    Operand<TFloat32> guided =
        tf.math.sub(tf.math.mul(halves.get(0), onePlusTS), tf.math.mul(halves.get(1), tS));
    Operand<TFloat32> guidedNV = tf.reshape(guided, tf.constant(new int[] {-1, vocab}));
    Operand<TFloat32> masked = Sampling.filter(tf, guidedNV, topK, oneMinusTopP); // (B·l, V)
    Operand<TFloat64> u =
        v.greedy()
            ? tf.zeros(tf.constant(new int[] {1}), TFloat64.class)
            : Sampling.uniform(tf, masked, seedDraw); // (B·l, 1)
    Operand<TInt32> idx =
        v.greedy() ? Sampling.greedy(tf, guidedNV) : Sampling.inverseCdf(tf, masked, u);
    Operand<TFloat32> hN =
        v.smooth()
            ? Sampling.smoothEmbedding(
                tf, masked, Sampling.gumbel(tf, masked, seedGumbel), codebook, ratio)
            : tf.gather(codebook, idx, tf.constant(0)); // (B·l, Cvae)
    return new Out(
        guided,
        masked,
        u,
        tf.reshape(idx, tf.constant(new int[] {-1, l})),
        tf.reshape(hN, tf.constant(new int[] {-1, l, cvae})));
  }
}
