package io.github.var4j.sample;

import io.github.var4j.nn.GraphRuntime;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.ReduceMax;
import org.tensorflow.op.core.ReduceMin;
import org.tensorflow.op.math.Cumsum;
import org.tensorflow.op.nn.TopK;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;

/**
 * Token selection of VAR inference (official {@code sample_with_top_k_top_p_} and {@code
 * gumbel_softmax_with_rng} in {@code models/helpers.py}) as graph builders on logits (N, V), plus
 * host-side wrappers that run them on Java arrays (for tests and notebooks; each builds a small
 * throw-away graph).
 *
 * <ul>
 *   <li>top-k: logits smaller than the k-th largest become -inf (ties with the k-th value are
 *       kept);
 *   <li>top-p (after top-k): sort ascending, cumulative softmax (of the top-k-masked logits,
 *       accumulated in float64 like PyTorch's CPU cumsum); positions with cumulative mass {@code <=
 *       1 - top_p} become -inf, never the largest;
 *   <li>sampling: a draw from softmax(masked logits) by inversion with one stateless uniform per
 *       row and a (2) int64 seed ({@link #multinomial});
 *   <li>more_smooth: {@code softmax((masked·(1+ratio) + G) / tau) @ E} with Gumbel noise G =
 *       -log(Exp(1)).
 * </ul>
 *
 * The masks equal the official in-place masks (parity fixtures {@code sampling/}); the random
 * streams are TF's, not torch's (equal in distribution, tested statistically).
 */
public final class Sampling {
  private Sampling() {}

  /** The processed ratio of scale si: si/(K-1) (official {@code ratio}); 0 when K = 1. */
  public static double ratio(int si, int numScales) {
    return numScales <= 1 ? 0 : (double) si / (numScales - 1);
  }

  /**
   * more_smooth temperature: max(0.27·(1 - 0.95·ratio), 0.005) (official {@code gum_t},
   * MaskGIT-style).
   */
  public static double smoothTau(double ratio) {
    return Math.max(0.27 * (1 - ratio * 0.95), 0.005);
  }

  /**
   * The k fed to the top-k op: topK itself, or V when topK is 0 (off) or at least V (nothing to
   * remove).
   */
  public static int effectiveTopK(int topK, int vocab) {
    return topK <= 0 || topK >= vocab ? vocab : topK;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // graph builders

  /**
   * Top-k masking: {@code logits < kth_largest(logits)} become -inf.
   *
   * @param logitsNV (N, V)
   * @param k int32 scalar in [1, V]
   */
  public static Operand<TFloat32> topKMask(Ops tf, Operand<TFloat32> logitsNV, Operand<TInt32> k) {
    Operand<TFloat32> values =
        tf.nn.topK(logitsNV, k, TInt32.class, TopK.sorted(false)).values(); // (N, k)
    Operand<TFloat32> kth =
        tf.reduceMin(values, tf.constant(-1), ReduceMin.keepDims(true)); // (N, 1)
    return tf.select(tf.math.less(logitsNV, kth), tf.constant(Float.NEGATIVE_INFINITY), logitsNV);
  }

  /**
   * Top-p (nucleus) masking, official semantics: in ascending order, positions whose cumulative
   * softmax is {@code <= 1 - top_p} are removed, the largest never.
   *
   * @param logitsNV (N, V), V static; may already hold -inf (top-k)
   * @param oneMinusTopP float32 scalar {@code (float) (1 - top_p)}, computed in double like PyTorch
   */
  public static Operand<TFloat32> topPMask(
      Ops tf, Operand<TFloat32> logitsNV, Operand<TFloat32> oneMinusTopP) {
    int v = vocab(logitsNV);
    TopK<TFloat32, TInt32> sorted =
        tf.nn.topK(logitsNV, tf.constant(v), TInt32.class, TopK.sorted(true)); // descending
    Operand<TFloat32> probs = tf.nn.softmax(sorted.values()); // (N, V) descending
    // ascending cumulative sum at descending position j = sum over positions j..V-1 (reverse
    // inclusive cumsum)
    Operand<TFloat32> asc =
        tf.dtypes.cast(
            tf.math.cumsum(
                tf.dtypes.cast(probs, TFloat64.class), tf.constant(1), Cumsum.reverse(true)),
            TFloat32.class);
    boolean[] notLargest = new boolean[v];
    for (int j = 1; j < v; j++) notLargest[j] = true;
    Operand<TBool> removeSorted =
        tf.math.logicalAnd(
            tf.math.lessEqual(asc, oneMinusTopP),
            tf.constant(new boolean[][] {notLargest})); // (N, V) in sorted order
    // scatter the sorted mask back to vocabulary order
    Operand<TInt32> n = tf.gather(tf.shape(logitsNV), tf.constant(0), tf.constant(0));
    Operand<TInt32> rowOffset =
        tf.math.mul(
            tf.expandDims(tf.range(tf.constant(0), n, tf.constant(1)), tf.constant(1)),
            tf.constant(v)); // (N, 1)
    Operand<TInt32> flatIdx =
        tf.reshape(tf.math.add(sorted.indices(), rowOffset), tf.constant(new int[] {-1, 1}));
    Operand<TFloat32> removeF =
        tf.reshape(tf.dtypes.cast(removeSorted, TFloat32.class), tf.constant(new int[] {-1}));
    Operand<TInt32> flatShape =
        tf.reshape(tf.math.mul(n, tf.constant(v)), tf.constant(new int[] {1}));
    Operand<TFloat32> remove =
        tf.reshape(tf.scatterNd(flatIdx, removeF, flatShape), tf.shape(logitsNV));
    return tf.select(
        tf.math.greater(remove, tf.constant(0.5f)), tf.constant(Float.NEGATIVE_INFINITY), logitsNV);
  }

  /**
   * Top-k then top-p masking (official order); either may be null (off).
   *
   * @param k int32 scalar (see {@link #effectiveTopK}) or null
   * @param oneMinusTopP float32 scalar or null
   */
  public static Operand<TFloat32> filter(
      Ops tf, Operand<TFloat32> logitsNV, Operand<TInt32> k, Operand<TFloat32> oneMinusTopP) {
    Operand<TFloat32> x = logitsNV;
    if (k != null) x = topKMask(tf, x, k);
    if (oneMinusTopP != null) x = topPMask(tf, x, oneMinusTopP);
    return x;
  }

  /**
   * One draw per row from softmax(logits) (N, V) by inversion: {@code idx = #{j : cdf_j <=
   * u·cdf_V}} with {@code cdf = cumsum(exp(logits - max))} in float64 and one stateless uniform
   * {@code u} in [0, 1) per row ({@link #uniform}): (N) int32. seed: (2) int64.
   *
   * <p>This is the algorithm of TF's {@code StatelessMultinomial} kernel (float64 CDF of the
   * unnormalised weights, {@code upper_bound} of {@code u·total}), with one difference that
   * matters: that kernel takes row b's uniform from a Philox position that depends on how its
   * thread pool shards the rows, so the same seed gives other tokens with another number of
   * intra-op threads (measured on the committed models: 2,042 of 3,100 tokens differ between 1 and
   * 2 threads). Here {@code u} comes from {@code StatelessRandomUniform}, whose values depend only
   * on the seed and the shape: the same seed gives the same draws on any machine, and a test can
   * recompute a draw from the logits and {@code u} ({@link #drawFromUniform}).
   */
  public static Operand<TInt32> multinomial(
      Ops tf, Operand<TFloat32> maskedNV, Operand<? extends TNumber> seed) {
    return inverseCdf(tf, maskedNV, uniform(tf, maskedNV, seed));
  }

  /**
   * The uniforms of {@link #multinomial}: one float64 in [0, 1) per row of {@code likeNV}, shape
   * (N, 1), a function of the seed and N only.
   */
  public static Operand<TFloat64> uniform(
      Ops tf, Operand<TFloat32> likeNV, Operand<? extends TNumber> seed) {
    Operand<TInt32> n = tf.gather(tf.shape(likeNV), tf.constant(0), tf.constant(0));
    Operand<TInt32> shape = tf.stack(List.of(n, tf.constant(1)));
    return tf.random.statelessRandomUniform(shape, seed, TFloat64.class);
  }

  /**
   * The draw of {@link #multinomial} for given uniforms: the first index whose cumulative weight
   * exceeds {@code u·total} (entries of -inf logits have weight 0 and are never drawn).
   *
   * @param maskedNV (N, V) logits, V static, at least one finite entry per row
   * @param uN1 (N, 1) uniforms in [0, 1)
   * @return (N) int32
   */
  public static Operand<TInt32> inverseCdf(
      Ops tf, Operand<TFloat32> maskedNV, Operand<TFloat64> uN1) {
    int v = vocab(maskedNV);
    Operand<TFloat64> x = tf.dtypes.cast(maskedNV, TFloat64.class);
    Operand<TFloat64> max = tf.reduceMax(x, tf.constant(-1), ReduceMax.keepDims(true)); // (N, 1)
    Operand<TFloat64> cdf = tf.math.cumsum(tf.math.exp(tf.math.sub(x, max)), tf.constant(1));
    Operand<TFloat64> total =
        tf.slice(cdf, tf.constant(new int[] {0, v - 1}), tf.constant(new int[] {-1, 1}));
    Operand<TInt32> below =
        tf.reduceSum(
            tf.dtypes.cast(tf.math.lessEqual(cdf, tf.math.mul(uN1, total)), TInt32.class),
            tf.constant(1)); // (N)
    // the last entry of positive weight (the first whose cdf is the total): where u·total rounds up
    // to the total, the draw is that entry, never a masked one after it
    Operand<TInt32> lastPositive =
        tf.reduceSum(tf.dtypes.cast(tf.math.less(cdf, total), TInt32.class), tf.constant(1));
    return tf.math.minimum(below, lastPositive);
  }

  /**
   * {@link #inverseCdf} on the host for one row, in the same float64 arithmetic: the index drawn by
   * uniform {@code u} from {@code masked} (length V).
   */
  public static int drawFromUniform(float[] masked, double u) {
    double[] cdf = cumulativeWeights(masked);
    double target = u * cdf[cdf.length - 1];
    double total = cdf[cdf.length - 1];
    int below = 0, lastPositive = 0;
    for (double c : cdf) {
      if (c <= target) below++;
      if (c < total) lastPositive++;
    }
    return Math.min(below, lastPositive);
  }

  /**
   * The cumulative unnormalised weights {@code cumsum(exp(masked - max))} of one row in float64
   * (the CDF of {@link #inverseCdf}, its last entry the total).
   */
  public static double[] cumulativeWeights(float[] masked) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : masked) max = Math.max(max, v);
    double[] cdf = new double[masked.length];
    double run = 0;
    for (int j = 0; j < masked.length; j++) {
      run += Math.exp(masked[j] - max);
      cdf[j] = run;
    }
    return cdf;
  }

  /** argmax over the last axis (N, V) to (N) int32 (the official top_k=1). */
  public static Operand<TInt32> greedy(Ops tf, Operand<TFloat32> logitsNV) {
    return tf.math.argMax(logitsNV, tf.constant(-1), TInt32.class);
  }

  /**
   * Gumbel noise G = -log(E), E ~ Exp(1) = -log(U), U uniform in (0, 1) (stateless; shape like
   * {@code like}).
   */
  public static Operand<TFloat32> gumbel(
      Ops tf, Operand<TFloat32> like, Operand<? extends TNumber> seed) {
    Operand<TFloat32> u =
        tf.random.statelessRandomUniform(tf.shape(like), seed, TFloat32.class); // [0, 1)
    u = tf.math.add(u, tf.constant(0x1p-24f)); // (0, 1): no log(0)
    Operand<TFloat32> e = tf.math.neg(tf.math.log(u));
    return tf.math.neg(tf.math.log(e));
  }

  /**
   * more_smooth embedding: {@code softmax((masked·(1+ratio) + G) / tau) @ E}, tau = {@link
   * #smoothTau}(ratio).
   *
   * @param maskedNV top-k/top-p masked logits (N, V)
   * @param gumbelNV Gumbel noise (N, V)
   * @param codebookVC E (V, Cvae)
   * @return (N, Cvae)
   */
  public static Operand<TFloat32> smoothEmbedding(
      Ops tf,
      Operand<TFloat32> maskedNV,
      Operand<TFloat32> gumbelNV,
      Operand<TFloat32> codebookVC,
      double ratio) {
    Operand<TFloat32> scaled = tf.math.mul(maskedNV, tf.constant((float) (1 + ratio)));
    Operand<TFloat32> y =
        tf.nn.softmax(
            tf.math.div(tf.math.add(scaled, gumbelNV), tf.constant((float) smoothTau(ratio))));
    return tf.linalg.matMul(y, codebookVC);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // host wrappers

  /**
   * Applies the top-k/top-p masking to logits (n, V) on the host: a copy with removed entries set
   * to -inf.
   *
   * @throws IllegalArgumentException for a bad top_k/top_p (messages of {@link SampleOptions}) or
   *     shape
   */
  public static float[] filter(float[] logitsNV, int n, int vocab, int topK, double topP) {
    SampleOptions.defaults().toBuilder().topK(topK).topP(topP).build(); // validates
    checkShape(logitsNV, n, vocab);
    if (topK <= 0 && topP <= 0) return logitsNV.clone();
    try (GraphRuntime rt = new GraphRuntime()) {
      Ops tf = rt.tf();
      Placeholder<TFloat32> x =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, vocab)));
      Operand<TFloat32> out =
          filter(
              tf,
              x,
              topK > 0 ? tf.constant(effectiveTopK(topK, vocab)) : null,
              topP > 0 ? tf.constant((float) (1 - topP)) : null);
      try (GraphRuntime.Outputs r = rt.run().feed(x, logitsNV, n, vocab).fetch(out).run()) {
        return r.floats(0);
      }
    }
  }

  /**
   * Draws one token per row of logits (n, V) with the sampler's ops: top-k/top-p masking, then
   * {@link #multinomial} with seed (seed, 0).
   */
  public static int[] sample(float[] logitsNV, int n, int vocab, int topK, double topP, long seed) {
    SampleOptions.defaults().toBuilder().topK(topK).topP(topP).seed(seed).build(); // validates
    checkShape(logitsNV, n, vocab);
    try (GraphRuntime rt = new GraphRuntime()) {
      Ops tf = rt.tf();
      Placeholder<TFloat32> x =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, vocab)));
      Placeholder<TInt64> seedIn = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(2)));
      Operand<TFloat32> masked =
          filter(
              tf,
              x,
              topK > 0 ? tf.constant(effectiveTopK(topK, vocab)) : null,
              topP > 0 ? tf.constant((float) (1 - topP)) : null);
      Operand<TInt32> idx = multinomial(tf, masked, seedIn);
      try (GraphRuntime.Outputs r =
          rt.run()
              .feed(x, logitsNV, n, vocab)
              .feed(seedIn, new long[] {seed, 0L}, 2)
              .fetch(idx)
              .run()) {
        return r.ints(0);
      }
    }
  }

  /**
   * more_smooth on the host with given Gumbel noise: {@code softmax((masked·(1+ratio) + G)/tau) @
   * E}, (n, Cvae).
   *
   * @param maskedNV masked logits (n, V)
   * @param gumbelNV noise (n, V)
   * @param codebookVC E (V, Cvae)
   */
  public static float[] smoothEmbedding(
      float[] maskedNV,
      float[] gumbelNV,
      float[] codebookVC,
      int n,
      int vocab,
      int cvae,
      double ratio) {
    checkShape(maskedNV, n, vocab);
    checkShape(gumbelNV, n, vocab);
    if (codebookVC.length != (long) vocab * cvae) {
      throw new IllegalArgumentException(
          "codebook must hold V*Cvae = %s*%s floats, got %s"
              .formatted(vocab, cvae, codebookVC.length));
    }
    try (GraphRuntime rt = new GraphRuntime()) {
      Ops tf = rt.tf();
      Placeholder<TFloat32> m =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, vocab)));
      Placeholder<TFloat32> gu =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, vocab)));
      Placeholder<TFloat32> e =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(vocab, cvae)));
      Operand<TFloat32> h = smoothEmbedding(tf, m, gu, e, ratio);
      try (GraphRuntime.Outputs r =
          rt.run()
              .feed(m, maskedNV, n, vocab)
              .feed(gu, gumbelNV, n, vocab)
              .feed(e, codebookVC, vocab, cvae)
              .fetch(h)
              .run()) {
        return r.floats(0);
      }
    }
  }

  private static int vocab(Operand<TFloat32> logitsNV) {
    Shape s = logitsNV.shape();
    if (s.numDimensions() != 2 || s.get(1) < 1) {
      throw new IllegalArgumentException("logits must be (N, V) with static V, got " + s);
    }
    return (int) s.get(1);
  }

  private static void checkShape(float[] a, int n, int vocab) {
    if (n <= 0 || vocab <= 0)
      throw new IllegalArgumentException("n and V must be positive, got n=" + n + ", V=" + vocab);
    if (a.length != (long) n * vocab) {
      throw new IllegalArgumentException(
          "expected n*V = %s*%s = %s floats, got %s"
              .formatted(n, vocab, (long) n * vocab, a.length));
    }
  }
}
