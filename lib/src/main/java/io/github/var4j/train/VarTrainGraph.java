package io.github.var4j.train;

import io.github.var4j.nn.AllReduce;
import io.github.var4j.nn.Cluster;
import io.github.var4j.nn.GraphRuntime;
import io.github.var4j.nn.Param;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.StateDict;
import io.github.var4j.optim.AdamW;
import io.github.var4j.optim.LrSchedule;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.transformer.VarInputs;
import io.github.var4j.transformer.VarModel;
import io.github.var4j.util.Require;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.PlaceholderWithDefault;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The VAR training graph (one {@link Graph}, owned and closed by this object): placeholders for a
 * batch, the {@link VarModel} forward, the {@link VarLoss} and metrics, and {@link AdamW} with the
 * official decay groups ({@link AdamW#officialDecay}) and clipping.
 *
 * <p>Placeholders: {@code var.label} (B) int32, {@code var.x} (B, L - firstL, Cvae) float, {@code
 * var.target} (B, L) int32, and the scalar switches {@code var.cond_drop} / {@code var.drop_path}
 * (default false). A training step ({@link #trainStep}) turns both switches on; {@link #evaluate}
 * leaves them off (unlike the official eval, which keeps condition dropout active: see {@link
 * VarModel}).
 *
 * <p>Usage: {@code try (var tg = new VarTrainGraph(cfg, Options.official())) { tg.initialize(seed);
 * ... tg.trainStep(batch, schedule.at(it), true); }}. The graph owns its {@link GraphRuntime}
 * (graph and session). Build a {@link io.github.var4j.nn.TfCheckpoint} on {@link #params()} after
 * construction (all variables exist by then).
 */
public final class VarTrainGraph implements AutoCloseable {
  /**
   * @param labelSmoothing label smoothing of the training loss (official default 0)
   * @param optim AdamW hyper-parameters ({@link AdamW.Config#var()}: betas (0.9, 0.95), eps 1e-8,
   *     clip 2)
   * @param noiseSeed seed of the condition-dropout / drop-path draws: step t of {@link #trainStep}
   *     feeds the noise key (noiseSeed, t) ({@link VarModel#noiseKey()})
   */
  public record Options(double labelSmoothing, AdamW.Config optim, long noiseSeed) {
    public Options {
      Require.fraction("labelSmoothing", labelSmoothing);
      if (optim == null) throw new IllegalArgumentException("optim must not be null");
    }

    /** Official trainer defaults: no label smoothing, AdamW (0.9, 0.95), eps 1e-8, clip 2.0. */
    public static Options official() {
      return new Options(0.0, AdamW.Config.var(), VarModel.DEFAULT_NOISE_SEED);
    }

    public Options withLabelSmoothing(double ls) {
      return new Options(ls, optim, noiseSeed);
    }
  }

  /**
   * One batch on the host: labels (B), teacher-forcing input (B·(L-firstL)·Cvae floats), targets
   * (B·L ids), and for a {@link VarConfig#randomOrder} (RAR) model the order of each image's tokens
   * (B·L positions; x and the targets are given in that order, see {@link RandomOrder}), or null:
   * the model's own order.
   */
  public record Batch(int[] labelB, float[] xBLCv, int[] targetBL, int[] orderBL) {
    /** A batch in the model's own order. */
    public Batch(int[] labelB, float[] xBLCv, int[] targetBL) {
      this(labelB, xBLCv, targetBL, null);
    }

    public int size() {
      return labelB.length;
    }
  }

  /** Results of one training step: loss, pre-clip gradient norm, metrics (as in {@link Eval}). */
  public record StepStats(
      float loss, float gradNorm, float ceMean, float ceTail, float accMean, float accTail) {}

  /**
   * Results of an evaluation batch (no update): loss (with the configured smoothing) and metrics.
   */
  public record Eval(float loss, float ceMean, float ceTail, float accMean, float accTail) {}

  private final VarConfig cfg;
  private final Options opts;
  private final GraphRuntime rt;
  private final ParamStore ps;
  private final VarModel model;
  private final Placeholder<TInt32> label, target;
  private final Placeholder<TFloat32> x;
  private final PlaceholderWithDefault<TBool> condDrop, dropPath;
  private final PlaceholderWithDefault<TInt32> order; // (B, L), RAR models only (else null)
  private final VarModel.Forward fwd;
  private final VarLoss.Output metrics;
  private final AdamW opt;
  private final Cluster cluster;
  // loss, ceMean, ceTail, accMean, accTail of a training step (means over the cluster's tasks)
  private final List<Operand<TFloat32>> stepMetrics;
  private static final int GRAD_INSTANCE = 1, METRICS_INSTANCE = 2;

  public VarTrainGraph(VarConfig cfg, Options opts) {
    this(cfg, opts, null);
  }

  /**
   * The training graph of one task of a data-parallel {@code cluster} (null: a single process). Its
   * session runs through the task's TF server (start it first: {@link Cluster#startServer}); the
   * gradients are averaged over the tasks in one all-reduce before the norm, clipping and AdamW
   * update ({@link AllReduce}), and so are the step's metrics. Each task feeds its own part of the
   * global batch: with equal parts, every task takes the step of the global batch.
   */
  public VarTrainGraph(VarConfig cfg, Options opts, Cluster cluster) {
    this.cfg = cfg;
    this.opts = opts;
    this.cluster = cluster;
    this.rt = cluster == null ? new GraphRuntime() : new GraphRuntime(cluster::newSession);
    try {
      Ops tf = rt.tf();
      ps = new ParamStore(tf);
      model = new VarModel(ps, cfg, opts.noiseSeed());
      label = tf.withName("var.label").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      x =
          tf.withName("var.x")
              .placeholder(
                  TFloat32.class,
                  Placeholder.shape(Shape.of(-1, cfg.L() - cfg.firstL(), cfg.cvae())));
      target =
          tf.withName("var.target")
              .placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, cfg.patchNums().L())));
      condDrop =
          tf.withName("var.cond_drop").placeholderWithDefault(tf.constant(false), Shape.scalar());
      dropPath =
          tf.withName("var.drop_path").placeholderWithDefault(tf.constant(false), Shape.scalar());
      order = cfg.randomOrder() ? orderInput(tf, cfg, label) : null;
      fwd = model.forward(label, x, condDrop, dropPath, order);
      metrics = VarLoss.build(tf, cfg, fwd.logitsBLV(), target, opts.labelSmoothing());
      List<Operand<TFloat32>> local =
          List.of(
              metrics.loss(),
              metrics.ceMean(),
              metrics.ceTail(),
              metrics.accMean(),
              metrics.accTail());
      UnaryOperator<List<Operand<TFloat32>>> reduce =
          cluster == null
              ? UnaryOperator.identity()
              : g -> AllReduce.mean(tf, cluster, g, GRAD_INSTANCE);
      opt =
          new AdamW(
              rt.graph(), ps, metrics.loss(), AdamW::officialDecay, opts.optim(), "optim.", reduce);
      stepMetrics = cluster == null ? local : AllReduce.mean(tf, cluster, local, METRICS_INSTANCE);
    } catch (RuntimeException e) {
      rt.close();
      throw e;
    }
  }

  /** {@code var.order} (B, L) int32, by default the raster order of every image. */
  private static PlaceholderWithDefault<TInt32> orderInput(
      Ops tf, VarConfig cfg, Operand<TInt32> labelB) {
    int[] raster = new int[cfg.L()];
    for (int i = 0; i < raster.length; i++) raster[i] = i;
    Operand<TInt32> rasterBL =
        tf.tile(
            tf.constant(new int[][] {raster}),
            tf.concat(List.of(tf.shape(labelB), tf.constant(new int[] {1})), tf.constant(0)));
    return tf.withName("var.order").placeholderWithDefault(rasterBL, Shape.of(-1, cfg.L()));
  }

  public VarConfig config() {
    return cfg;
  }

  public Options options() {
    return opts;
  }

  /** The graph and session of this training graph. */
  public GraphRuntime runtime() {
    return rt;
  }

  public Session session() {
    return rt.session();
  }

  public ParamStore params() {
    return ps;
  }

  public VarModel model() {
    return model;
  }

  public AdamW optimizer() {
    return opt;
  }

  public VarModel.Forward forward() {
    return fwd;
  }

  public VarLoss.Output metrics() {
    return metrics;
  }

  public Placeholder<TInt32> labelInput() {
    return label;
  }

  public Placeholder<TFloat32> xInput() {
    return x;
  }

  public Placeholder<TInt32> targetInput() {
    return target;
  }

  public PlaceholderWithDefault<TBool> condDropSwitch() {
    return condDrop;
  }

  public PlaceholderWithDefault<TBool> dropPathSwitch() {
    return dropPath;
  }

  /**
   * Fresh start: official initialisation of the weights (seeded per name) and zeroed optimizer
   * state.
   */
  public void initialize(long seed) {
    ps.initialize(rt.session(), seed);
  }

  /**
   * Loads weights from a state dict (strict, PyTorch layout, official names; buffers ignored) and
   * resets the optimizer state (moments and step counter) to zero, e.g. to fine-tune an official
   * checkpoint.
   */
  public void loadWeights(StateDict sd) {
    Session s = rt.session();
    ps.load(s, sd);
    Map<Param, float[]> zeros = new LinkedHashMap<>();
    for (Param p : ps.all()) if (!p.trainable()) zeros.put(p, new float[p.numel()]);
    ps.assignTf(s, zeros);
    opt.syncStep(s);
  }

  /**
   * Feeds a batch into {@code run}, checked on the Java side first (labels in [0, numClasses),
   * targets in [0, V), lengths; {@link VarInputs}).
   */
  public GraphRuntime.Run feed(GraphRuntime.Run run, Batch b) {
    int n = b.size();
    VarInputs.checkLabels(cfg, b.labelB(), false);
    VarInputs.checkX(cfg, n, b.xBLCv());
    VarInputs.checkTargets(cfg, n, b.targetBL());
    int l = cfg.patchNums().L();
    run.feed(label, b.labelB(), n)
        .feed(x, b.xBLCv(), n, l - cfg.firstL(), cfg.cvae())
        .feed(target, b.targetBL(), n, l);
    if (b.orderBL() != null) {
      if (order == null)
        throw new IllegalArgumentException(
            "a batch with a token order needs a randomOrder (RAR) model: " + cfg.describe());
      if (b.orderBL().length != n * l)
        throw new IllegalArgumentException(
            "orderBL must hold B*L = %s*%s positions, got %s".formatted(n, l, b.orderBL().length));
      run.feed(order, b.orderBL(), n, l);
    }
    return run;
  }

  /**
   * One optimisation step at the given schedule values.
   *
   * <p>With {@code stochastic}, the condition-dropout and drop-path draws of the step are a pure
   * function of ({@link Options#noiseSeed()}, t) with t = {@code optimizer().step()}, the updates
   * applied before this one (the noise key (noiseSeed, t) is fed, see {@link VarModel#noiseKey()}):
   * a run restored from a checkpoint (which holds t) draws exactly what the uninterrupted run drew.
   *
   * @param stochastic true for real training (condition dropout and drop path on); false gives the
   *     deterministic step used by the parity tests
   */
  public StepStats trainStep(Batch b, LrSchedule.Values v, boolean stochastic) {
    GraphRuntime.Run r = feed(rt.run(), b);
    r.feed(condDrop, new boolean[] {stochastic}).feed(dropPath, new boolean[] {stochastic});
    if (model.noiseKey() != null)
      r.feed(model.noiseKey(), new long[] {opts.noiseSeed(), opt.step()}, 2);
    r.fetch(stepMetrics.get(0), opt.gradNorm()).fetch(stepMetrics.subList(1, stepMetrics.size()));
    opt.feed(r, v.lr(), v.wdD(), v.wdND());
    GraphRuntime.Outputs res;
    try {
      res = r.run();
    } catch (RuntimeException e) {
      if (cluster == null) throw e;
      throw cluster.failure("training step " + (opt.step() + 1), e);
    }
    try (res) {
      opt.stepDone();
      return new StepStats(
          scalar(res, 0),
          scalar(res, 1),
          scalar(res, 2),
          scalar(res, 3),
          scalar(res, 4),
          scalar(res, 5));
    }
  }

  /** Loss and metrics of a batch without updating (switches off). */
  public Eval evaluate(Batch b) {
    GraphRuntime.Run r = feed(rt.run(), b);
    r.fetch(
        metrics.loss(), metrics.ceMean(), metrics.ceTail(), metrics.accMean(), metrics.accTail());
    try (GraphRuntime.Outputs res = r.run()) {
      return new Eval(
          scalar(res, 0), scalar(res, 1), scalar(res, 2), scalar(res, 3), scalar(res, 4));
    }
  }

  private static float scalar(GraphRuntime.Outputs r, int i) {
    return r.floats(i)[0];
  }

  @Override
  public void close() {
    rt.close();
  }
}
