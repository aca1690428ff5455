package io.github.var4j.classifier;

import io.github.var4j.nn.GraphRuntime;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.StateDict;
import io.github.var4j.nn.TfCheckpoint;
import io.github.var4j.util.ImageArrays;
import java.io.IOException;
import java.nio.file.Path;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * A ready-to-use {@link ClassifierNet} for inference on Java arrays. It owns a {@link GraphRuntime}
 * (close it).
 *
 * <p>Arrays are row-major: images (n, S, S, inChannels) in [-1, 1] (NHWC); features (n, d) with d =
 * {@link ClassifierConfig#featureDim()}; probabilities (n, C), softmax of the logits. Large batches
 * are processed in chunks of {@link #chunkSize()} images.
 */
public final class Classifier implements AutoCloseable {
  /** Default number of images per Session.run. */
  public static final int DEFAULT_CHUNK = 256;

  /**
   * Output of {@link #run}: features (n, featureDim) and probabilities (n, numClasses), row-major.
   */
  public record Outputs(
      float[] features, float[] probabilities, int n, int featureDim, int classes) {
    /** The most probable class of each image. */
    public int[] predictions() {
      int[] out = new int[n];
      for (int i = 0; i < n; i++) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
          if (probabilities[i * classes + c] > probabilities[i * classes + best]) best = c;
        }
        out[i] = best;
      }
      return out;
    }

    /** Fraction of images whose most probable class is {@code labels[i]}. */
    public double accuracy(int[] labels) {
      if (labels.length != n) {
        throw new IllegalArgumentException("expected " + n + " labels, got " + labels.length);
      }
      int[] p = predictions();
      int ok = 0;
      for (int i = 0; i < n; i++) if (p[i] == labels[i]) ok++;
      return ok / (double) n;
    }
  }

  private final ClassifierConfig cfg;
  private final GraphRuntime rt = new GraphRuntime();
  private final ParamStore ps;
  private final int chunk;
  private final Placeholder<TFloat32> imgIn; // (n, S, S, Cin)
  private final Operand<TFloat32> featuresOut; // (n, d)
  private final Operand<TFloat32> probsOut; // (n, C)

  private Classifier(ClassifierConfig cfg, int chunk) {
    if (chunk <= 0) throw new IllegalArgumentException("chunk size must be positive, got " + chunk);
    this.cfg = cfg;
    this.chunk = chunk;
    try {
      Ops tf = rt.tf();
      ps = new ParamStore(tf);
      ClassifierNet net = new ClassifierNet(ps, cfg);
      imgIn = net.imagePlaceholder("classifier.img");
      ClassifierNet.Out out = net.apply(imgIn);
      featuresOut = out.features();
      probsOut = tf.nn.softmax(out.logits());
    } catch (RuntimeException e) {
      rt.close();
      throw e;
    }
  }

  /** Builds the classifier and loads a state dict (strict, see {@link ParamStore#load}). */
  public static Classifier load(ClassifierConfig cfg, StateDict sd) {
    return GraphRuntime.initOrClose(
        new Classifier(cfg, DEFAULT_CHUNK), c -> c.ps.load(c.rt.session(), sd));
  }

  /** Restores the weights from a checkpoint of a training run (other keys are ignored). */
  public static Classifier fromCheckpoint(ClassifierConfig cfg, Path prefix) throws IOException {
    return GraphRuntime.initOrClose(
        new Classifier(cfg, DEFAULT_CHUNK),
        c -> new TfCheckpoint(c.ps).restore(c.rt.session(), prefix));
  }

  /** A classifier with freshly initialised (untrained) weights, seeded per parameter name. */
  public static Classifier initialized(ClassifierConfig cfg, long seed) {
    return GraphRuntime.initOrClose(
        new Classifier(cfg, DEFAULT_CHUNK), c -> c.ps.initialize(c.rt.session(), seed));
  }

  public ClassifierConfig config() {
    return cfg;
  }

  public int chunkSize() {
    return chunk;
  }

  /** The parameter store, e.g. to export {@link ParamStore#stateDict}. */
  public ParamStore params() {
    return ps;
  }

  /** The weights as a state dict (PyTorch layout). */
  public StateDict stateDict() {
    return ps.stateDict(rt.session());
  }

  /**
   * Features and class probabilities of {@code n} images (n, S, S, inChannels) in [-1, 1].
   *
   * @throws IllegalArgumentException if {@code imgs} does not hold n images of the configured size
   */
  public Outputs run(float[] imgs, int n) {
    checkImages(imgs, n);
    int S = cfg.imageSize(), per = S * S * cfg.inChannels();
    int d = cfg.featureDim(), C = cfg.numClasses();
    float[] feats = new float[n * d];
    float[] probs = new float[n * C];
    GraphRuntime.chunks(
        n,
        chunk,
        (b0, m) -> {
          float[] part = new float[m * per];
          System.arraycopy(imgs, b0 * per, part, 0, m * per);
          try (GraphRuntime.Outputs res =
              rt.run()
                  .feed(imgIn, part, m, S, S, cfg.inChannels())
                  .fetch(featuresOut, probsOut)
                  .run()) {
            System.arraycopy(res.floats(0), 0, feats, b0 * d, m * d);
            System.arraycopy(res.floats(1), 0, probs, b0 * C, m * C);
          }
        });
    return new Outputs(feats, probs, n, d, C);
  }

  /** Penultimate features (n, featureDim) of n images. */
  public float[] features(float[] imgs, int n) {
    return run(imgs, n).features();
  }

  /** Softmax probabilities (n, numClasses) of n images. */
  public float[] probabilities(float[] imgs, int n) {
    return run(imgs, n).probabilities();
  }

  @Override
  public void close() {
    rt.close();
  }

  /**
   * Checks that {@code imgs} holds n images (n, S, S, inChannels).
   *
   * @throws IllegalArgumentException e.g. "expected 2048 floats for 2 images of 32x32x1 (NHWC), got
   *     1568 (2 images of 28x28x1?)"
   */
  public void checkImages(float[] imgs, int n) {
    ImageArrays.checkNhwc(imgs, n, cfg.imageSize(), cfg.inChannels());
  }
}
