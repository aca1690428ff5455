package io.github.var4j.classifier;

import io.github.var4j.nn.Act;
import io.github.var4j.nn.GroupNorm;
import io.github.var4j.nn.Init;
import io.github.var4j.nn.Layout;
import io.github.var4j.nn.Linear;
import io.github.var4j.nn.ParamStore;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The classifier's graph: for each stage i = 0, 1, 2 (width w_i = width·2^i)
 *
 * <pre>
 * stages.i.conv1: conv3x3 stride 1 (pad 1) → stages.i.norm1 GroupNorm → SiLU
 * stages.i.conv2: conv3x3 stride 2 (pad 1) → stages.i.norm2 GroupNorm → SiLU     (side halves)
 * </pre>
 *
 * then global average pooling to the features (B, 4·width) and {@code head}, a linear layer to the
 * logits (B, numClasses). Conv weights are He-initialised through tensorflow-framework ({@link
 * FrameworkInit}); biases and the head use PyTorch's default, GroupNorm 1 and 0.
 */
public final class ClassifierNet {
  /** Features and logits of one forward pass. */
  public record Out(Operand<TFloat32> features, Operand<TFloat32> logits) {}

  private final ClassifierConfig cfg;
  private final ParamStore ps;
  private final GroupNorm[][] norms = new GroupNorm[3][2];
  private final Linear head;

  public ClassifierNet(ParamStore ps, ClassifierConfig cfg) {
    this.ps = ps;
    this.cfg = cfg;
    int in = cfg.inChannels();
    for (int i = 0; i < 3; i++) {
      int w = cfg.stageWidth(i);
      conv("stages." + i + ".conv1", in, w);
      norms[i][0] = new GroupNorm(ps, "stages." + i + ".norm1", w, cfg.groups(), 1e-5f);
      conv("stages." + i + ".conv2", w, w);
      norms[i][1] = new GroupNorm(ps, "stages." + i + ".norm2", w, cfg.groups(), 1e-5f);
      in = w;
    }
    head = new Linear(ps, "head", cfg.featureDim(), cfg.numClasses(), true);
  }

  public ClassifierConfig config() {
    return cfg;
  }

  /** A placeholder named {@code name} for images (B, S, S, inChannels) in [-1, 1]. */
  public Placeholder<TFloat32> imagePlaceholder(String name) {
    int S = cfg.imageSize();
    return ps.tf()
        .withName(name)
        .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, S, S, cfg.inChannels())));
  }

  /**
   * Forward pass: images (B, S, S, inChannels) in [-1, 1] to features (B, 4·width) and logits (B,
   * numClasses).
   *
   * @throws IllegalArgumentException if the static image shape is not (·, S, S, inChannels)
   */
  public Out apply(Operand<TFloat32> images) {
    List<Operand<TFloat32>> maps = stages(images);
    Ops tf = ps.tf();
    Operand<TFloat32> features = tf.math.mean(maps.get(2), tf.constant(new int[] {1, 2}));
    return new Out(features, head.apply(features));
  }

  /**
   * The three stages' output maps, before pooling: stage i gives (B, S/2^(i+1), S/2^(i+1), w_i).
   * The perceptual loss of tokenizer training compares these between an image and its
   * reconstruction.
   *
   * @throws IllegalArgumentException if the static image shape is not (·, S, S, inChannels)
   */
  public List<Operand<TFloat32>> stages(Operand<TFloat32> images) {
    long[] s = images.shape().asArray();
    int S = cfg.imageSize();
    if (s.length != 4 || s[1] != S || s[2] != S || s[3] != cfg.inChannels()) {
      throw new IllegalArgumentException(
          "classifier expects images (B, "
              + S
              + ", "
              + S
              + ", "
              + cfg.inChannels()
              + "), got "
              + images.shape());
    }
    Ops tf = ps.tf();
    Operand<TFloat32> x = images;
    List<Operand<TFloat32>> maps = new ArrayList<>(3);
    for (int i = 0; i < 3; i++) {
      x = Act.silu(tf, norms[i][0].apply(applyConv("stages." + i + ".conv1", x, 1)));
      x = Act.silu(tf, norms[i][1].apply(applyConv("stages." + i + ".conv2", x, 2)));
      maps.add(x);
    }
    return maps;
  }

  /** A conv3x3 with He-initialised weight (framework) and PyTorch-default bias. */
  private void conv(String name, int in, int out) {
    long fanIn = 9L * in;
    ps.create(name + ".weight", new long[] {out, in, 3, 3}, Layout.CONV, FrameworkInit.heConv());
    ps.create(name + ".bias", new long[] {out}, Layout.AS_IS, Init.torchDefault(fanIn));
  }

  /** Zero padding 1, VALID conv with the given stride (TF's EXPLICIT padding has no gradient). */
  private Operand<TFloat32> applyConv(String name, Operand<TFloat32> x, int stride) {
    Ops tf = ps.tf();
    Operand<TInt32> pad = tf.constant(new int[][] {{0, 0}, {1, 1}, {1, 1}, {0, 0}});
    Operand<TFloat32> y =
        tf.nn.conv2d(
            tf.pad(x, pad, tf.constant(0f)),
            ps.get(name + ".weight"),
            List.of(1L, (long) stride, (long) stride, 1L),
            "VALID");
    return tf.nn.biasAdd(y, ps.get(name + ".bias"));
  }
}
