package io.github.var4j.train;

import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.classifier.ClassifierNet;
import io.github.var4j.data.Batcher;
import io.github.var4j.data.ImageDataset;
import io.github.var4j.nn.GraphRuntime;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.StateDict;
import io.github.var4j.optim.AdamW;
import io.github.var4j.optim.LrSchedule;
import io.github.var4j.util.ImageArrays;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Trains the {@link ClassifierNet}: cross-entropy written as LogSoftmax + OneHot on the rank-2
 * logits (TF Java 1.1.0 registers no gradient for SparseSoftmaxCrossEntropyWithLogits), our {@link
 * AdamW}, an {@link LrSchedule} (cosine by default), optional host-side augmentation (horizontal
 * flips, shifts) drawn from a generator that is a function of (seed, step), a progress line with
 * ETA, a metrics CSV, checkpoints and exact resume: it is a {@link Trainee}, and the {@link
 * TrainingLoop} runs its steps.
 *
 * <p>tensorflow-framework: its {@code CategoricalCrossentropy(fromLogits)} does work here (graph
 * mode, resource variables, same loss and gradient to 1e-7, see the test), but the two ops of
 * LogSoftmax + OneHot are kept as the project's one cross-entropy pattern (VarLoss); its metrics
 * (stateful, their own variables) were not tried, accuracy is counted on the host; its optimisers
 * only see reference (VariableV2) variables, take a fixed learning rate and have no weight decay.
 * The framework serves the He initialisation of the conv weights ({@code
 * classifier.FrameworkInit}).
 *
 * <p><b>Exact resume.</b> The batch ({@link Batcher#batch(long)}), its augmentation and the
 * learning rate are functions of (seed, step); weights and optimizer state are in the bundle. A run
 * stopped at a checkpoint and resumed writes the same {@code metrics.csv} as an uninterrupted one.
 */
public final class ClassifierTrainer extends LoopTrainer {

  /** Columns of {@code metrics.csv} after step and lr. */
  static final List<String> METRICS = List.of("loss", "acc");

  /** Columns of {@code metrics.csv}. */
  public static final List<String> METRICS_HEADER = TrainingLoop.metricsHeader(METRICS);

  /** Result of {@link #train}: steps run, wall time, last metrics. */
  public record Summary(long steps, double seconds, Map<String, Double> last) {}

  private final ClassifierConfig netCfg;
  private final ClassifierTrainConfig cfg;
  private final GraphRuntime rt = new GraphRuntime();
  private final ParamStore ps;
  private final Placeholder<TFloat32> imgIn; // (B, S, S, C)
  private final Placeholder<TInt32> labelIn; // (B)
  private final Operand<TFloat32> logits; // (B, classes)
  private final Operand<TFloat32> loss; // scalar
  private final AdamW opt;
  private final TrainableGraph graph;

  public ClassifierTrainer(ClassifierConfig netCfg, ClassifierTrainConfig cfg, Path runDir) {
    super(
        runDir,
        new TrainingLoop.Plan(
            "classifier",
            "classifier",
            cfg.steps(),
            cfg.batchSize(),
            cfg.seed(),
            cfg.lrSchedule()::at,
            cfg.checkpointEvery(),
            cfg.logEvery(),
            0),
        null,
        METRICS);
    this.netCfg = netCfg;
    this.cfg = cfg;
    try {
      Ops tf = rt.tf();
      ps = new ParamStore(tf);
      ClassifierNet net = new ClassifierNet(ps, netCfg);
      imgIn = net.imagePlaceholder("img");
      labelIn = tf.withName("label").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      logits = net.apply(imgIn).logits();
      Operand<TFloat32> logp = tf.nn.logSoftmax(logits); // rank 2: its gradient is right
      Operand<TFloat32> oneHot =
          tf.oneHot(labelIn, tf.constant(netCfg.numClasses()), tf.constant(1f), tf.constant(0f));
      Operand<TFloat32> nll =
          tf.math.neg(
              tf.reduceSum(tf.math.mul(oneHot, logp), tf.constant(1), ReduceSum.keepDims(false)));
      loss = tf.math.mean(nll, tf.constant(0));
      opt =
          new AdamW(
              rt.graph(), ps, loss, AdamW::officialDecay, new AdamW.Config(0.9, 0.999, 1e-8, 1.0));
      graph = TrainableGraph.of(rt, List.of(opt), ps);
    } catch (RuntimeException e) {
      rt.close();
      throw e;
    }
  }

  /** Number of trainable scalars of the classifier. */
  public long numParams() {
    return ps.numTrainable();
  }

  /**
   * Trains until {@code cfg.steps()}, resuming from the run directory's checkpoint if there is one.
   *
   * @throws IllegalArgumentException if the data's images do not match the classifier's
   * @throws IllegalStateException if the loss becomes NaN or infinite
   */
  public Summary train(ImageDataset data, PrintStream log) throws IOException {
    return train(data, log, StepListener.NONE);
  }

  /** As {@link #train(ImageDataset, PrintStream)}, calling {@code listener} after every step. */
  public Summary train(ImageDataset data, PrintStream log, StepListener listener)
      throws IOException {
    checkData(data);
    Trainee.Steps steps = (it, idx, v) -> step(data, it, idx, v);
    TrainingLoop.Result<?> r = loop().run(this, steps, data.size(), null, log, listener);
    return new Summary(r.steps(), r.seconds(), r.last());
  }

  /** Top-1 accuracy of the current weights on {@code data} (no augmentation), in chunks. */
  public double evaluate(ImageDataset data) {
    checkData(data);
    int S = netCfg.imageSize(), c = netCfg.inChannels(), C = netCfg.numClasses();
    int[] correct = {0};
    GraphRuntime.chunks(
        data.size(),
        256,
        (b0, m) -> {
          int[] idx = new int[m];
          for (int i = 0; i < m; i++) idx[i] = b0 + i;
          try (GraphRuntime.Outputs res =
              rt.run().feed(imgIn, data.toFloatBatch(idx, S), m, S, S, c).fetch(logits).run()) {
            correct[0] += (int) Math.round(accuracy(res.floats(0), data.labels(idx), C) * m);
          }
        });
    return correct[0] / (double) data.size();
  }

  /** The classifier's weights (official-style names, PyTorch layout), for a model directory. */
  public StateDict stateDict() {
    return ps.stateDict(rt.session());
  }

  @Override
  public void close() {
    rt.close();
  }

  // ---------------------------------------------------------------------------------------------

  private void checkData(ImageDataset data) {
    if (data.channels() != netCfg.inChannels()
        || data.height() > netCfg.imageSize()
        || data.width() != data.height()) {
      throw new IllegalArgumentException(
          "data images are %s, the classifier expects %s"
              .formatted(
                  ImageArrays.hwc(data.height(), data.width(), data.channels()),
                  ImageArrays.hwc(netCfg.imageSize(), netCfg.imageSize(), netCfg.inChannels())));
    }
    if (data.numClasses() > netCfg.numClasses()) {
      throw new IllegalArgumentException(
          "data has " + data.numClasses() + " classes, the classifier " + netCfg.numClasses());
    }
  }

  /**
   * Flips and shifts the batch in place (NHWC), with a generator seeded by (seed, step) so a
   * resumed run sees the same images.
   */
  private void augment(float[] x, int n, int S, int c, long step) {
    if (!cfg.flip() && cfg.maxShift() == 0) return;
    SplittableRandom rng = new SplittableRandom(cfg.seed() * 0x9E3779B97F4A7C15L + step);
    int per = S * S * c, m = cfg.maxShift();
    float[] tmp = new float[per];
    for (int i = 0; i < n; i++) {
      boolean flip = cfg.flip() && rng.nextBoolean();
      int dy = m > 0 ? rng.nextInt(2 * m + 1) - m : 0;
      int dx = m > 0 ? rng.nextInt(2 * m + 1) - m : 0;
      if (!flip && dy == 0 && dx == 0) continue;
      int o = i * per;
      for (int y = 0; y < S; y++) {
        for (int xx = 0; xx < S; xx++) {
          int sy = y - dy, sx0 = xx - dx;
          int sx = flip ? S - 1 - sx0 : sx0;
          for (int ch = 0; ch < c; ch++) {
            tmp[(y * S + xx) * c + ch] =
                sy < 0 || sy >= S || sx < 0 || sx >= S
                    ? ImageDataset.BACKGROUND
                    : x[o + (sy * S + sx) * c + ch];
          }
        }
      }
      System.arraycopy(tmp, 0, x, o, per);
    }
  }

  /** Fraction of rows of {@code logits} (n, C) whose argmax is the label. */
  static double accuracy(float[] logits, int[] labels, int C) {
    int ok = 0;
    for (int i = 0; i < labels.length; i++) {
      int best = 0;
      for (int k = 1; k < C; k++) if (logits[i * C + k] > logits[i * C + best]) best = k;
      if (best == labels[i]) ok++;
    }
    return ok / (double) labels.length;
  }

  // ---- the Trainee: what the TrainingLoop needs besides the step -------------------------------

  @Override
  public TrainableGraph graph() {
    return graph;
  }

  /** One step on the (augmented) images {@code idx} of {@code data}. */
  private Step step(ImageDataset data, long it, int[] idx, LrSchedule.Values v) {
    int S = netCfg.imageSize(), c = netCfg.inChannels(), C = netCfg.numClasses();
    float[] x = data.toFloatBatch(idx, S); // (B, S, S, c)
    augment(x, idx.length, S, c, it);
    int[] labels = data.labels(idx); // (B,)
    double lossV;
    float[] lg; // (B, C)
    GraphRuntime.Run r =
        rt.run()
            .feed(imgIn, x, idx.length, S, S, c)
            .feed(labelIn, labels, idx.length)
            .fetch(loss, logits);
    opt.feed(r, v.lr(), v.wdD(), v.wdND());
    try (GraphRuntime.Outputs res = r.run()) {
      opt.stepDone();
      lossV = res.floats(0)[0];
      lg = res.floats(1);
    }
    if (!Double.isFinite(lossV)) return Step.failed("loss is " + lossV);
    double acc = accuracy(lg, labels, C);
    Map<String, Double> shown = new LinkedHashMap<>();
    shown.put("loss", lossV);
    shown.put("acc", acc);
    return Step.of(new double[] {lossV, acc}, shown);
  }
}
