package io.github.var4j.train;

import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.classifier.ClassifierNet;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.StateDict;
import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;

/**
 * A perceptual loss for tokenizer training in our domain: LPIPS's recipe with the Fashion-MNIST
 * classifier ({@link ClassifierNet}) in place of VGG, whose ImageNet weights neither exist here nor
 * suit 28×28 grey images.
 *
 * <p>For each of the classifier's three stage maps φ_s (B, H_s, W_s, C_s), each position's channel
 * vector is scaled to unit length, and
 *
 * <pre>
 * d_s(x, x̂) = mean over (B, H_s, W_s) of Σ_c (φ̂_s(x) − φ̂_s(x̂))²      (φ̂: unit-normalised)
 * loss      = (d_0 + d_1 + d_2) / 3                                   (a scalar, in [0, 4])
 * </pre>
 *
 * LPIPS sums its layers with learned weights; with no human-judgement data to learn them from, the
 * stages weigh the same. The classifier is frozen: its weights live in their own {@link ParamStore}
 * (op prefix {@code perceptual.}) that no optimizer sees and no checkpoint holds; {@link #load}
 * fills them after every initialisation or restore. Gradients flow through it to x̂ only.
 */
public final class PerceptualLoss {
  /**
   * The frozen feature network: a trained classifier's configuration and weights.
   *
   * @param config the classifier's configuration
   * @param weights its weights (PyTorch layout; every key of the network)
   */
  public record FeatureNet(ClassifierConfig config, StateDict weights) {
    public FeatureNet {
      if (config == null || weights == null)
        throw new IllegalArgumentException("a feature network needs a configuration and weights");
    }

    /**
     * Reads a classifier model directory (e.g. {@code models/fmnist-classifier}).
     *
     * @throws IOException if it is missing, not a classifier, or unreadable
     */
    public static FeatureNet load(Path dir) throws IOException {
      return new FeatureNet(ModelDir.config(dir, ModelKind.CLASSIFIER), ModelDir.weights(dir));
    }
  }

  /** The op-name prefix of the frozen classifier's variables. */
  public static final String PREFIX = "perceptual.";

  private static final float EPS = 1e-10f;

  private final Ops tf;
  private final ParamStore ps;
  private final ClassifierNet net;
  private final StateDict weights;

  /** Builds the frozen feature network in {@code tf}'s graph. */
  public PerceptualLoss(Ops tf, FeatureNet featureNet) {
    this.tf = tf;
    this.ps = new ParamStore(tf, PREFIX);
    this.net = new ClassifierNet(ps, featureNet.config());
    this.weights = featureNet.weights();
  }

  /** The feature network's configuration (its image size and channels bound the inputs). */
  public ClassifierConfig config() {
    return net.config();
  }

  /** Loads the frozen weights; call after the graph's variables are initialised or restored. */
  public void load(Session s) {
    ps.load(s, weights);
  }

  /**
   * The loss between images x and reconstructions x̂, both (B, S, S, C) in [-1, 1] at the
   * classifier's size. x's features get no gradient.
   *
   * @return a scalar
   */
  public Operand<TFloat32> apply(Operand<TFloat32> x, Operand<TFloat32> xHat) {
    List<Operand<TFloat32>> fx = net.stages(tf.stopGradient(x));
    List<Operand<TFloat32>> fy = net.stages(xHat);
    Operand<TFloat32> sum = null;
    for (int i = 0; i < fx.size(); i++) {
      Operand<TFloat32> d = tf.math.sub(unit(fx.get(i)), unit(fy.get(i)));
      Operand<TFloat32> perPos = tf.reduceSum(tf.math.square(d), tf.constant(3)); // (B, H, W)
      Operand<TFloat32> di = tf.math.mean(perPos, tf.constant(new int[] {0, 1, 2}));
      sum = sum == null ? di : tf.math.add(sum, di);
    }
    return tf.math.div(sum, tf.constant((float) fx.size()));
  }

  /** Scales each position's channel vector to unit length: (B, H, W, C) → (B, H, W, C). */
  private Operand<TFloat32> unit(Operand<TFloat32> f) {
    Operand<TFloat32> sq =
        tf.reduceSum(tf.math.square(f), tf.constant(3), ReduceSum.keepDims(true));
    return tf.math.mul(f, tf.math.rsqrt(tf.math.add(sq, tf.constant(EPS))));
  }
}
