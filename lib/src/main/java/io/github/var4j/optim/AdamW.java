package io.github.var4j.optim;

import io.github.var4j.nn.GraphRuntime;
import io.github.var4j.nn.Init;
import io.github.var4j.nn.Param;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * PyTorch's AdamW (decoupled weight decay, bias correction, eps outside the square root) on TF's
 * {@code ResourceApplyAdam}, with torch-style global-norm gradient clipping. Learning rate and
 * weight decay are fed every step, so schedules live in Java.
 *
 * <p>Per parameter and step t: {@code p <- p * (1 - lr*wd)}; then ResourceApplyAdam with {@code
 * epsHat = eps * sqrt(1 - beta2^t)}, which makes TF's update equal torch's {@code p -=
 * lr/(1-beta1^t) * m / (sqrt(v)/sqrt(1-beta2^t) + eps)} (measured against a Java re-implementation
 * of torch AdamW: 1.6e-7 after 3 steps, see AdamWTest). Slots are variables of the store ({@code
 * optim.m.<name>}, {@code optim.v.<name>}, {@code optim.step}), so checkpoints hold the optimizer
 * state.
 */
public final class AdamW {
  /**
   * Hyper-parameters that do not change during training. {@code clipNorm <= 0} disables clipping.
   */
  public record Config(double beta1, double beta2, double eps, double clipNorm) {
    public Config {
      if (beta1 < 0 || beta1 >= 1)
        throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
      if (beta2 < 0 || beta2 >= 1)
        throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
      if (eps <= 0) throw new IllegalArgumentException("eps must be positive, got " + eps);
    }

    /** The official VAR setting: betas (0.9, 0.95), eps 1e-8, clip 2.0. */
    public static Config var() {
      return new Config(0.9, 0.95, 1e-8, 2.0);
    }
  }

  /**
   * Keywords of the official no-decay ('ND') group (official {@code train.py}: the {@code
   * nowd_keys} given to {@code utils/lr_control.filter_params}).
   */
  public static final Set<String> NO_DECAY_KEYWORDS =
      Set.of(
          "cls_token",
          "start_token",
          "task_token",
          "cfg_uncond",
          "pos_embed",
          "pos_1LC",
          "pos_start",
          "start_pos",
          "lvl_embed",
          "gamma",
          "beta",
          "ada_gss",
          "moe_bias",
          "scale_mul");

  /**
   * The official rule: no decay for 1-D tensors, biases and the keyword list; decay for everything
   * else.
   */
  public static boolean officialDecay(Param p) {
    if (p.torchShape().length == 1 || p.name().endsWith("bias")) return false;
    return NO_DECAY_KEYWORDS.stream().noneMatch(k -> p.name().contains(k));
  }

  private final Config cfg;
  private final List<Param> params;
  private final List<Operand<TFloat32>> grads = new ArrayList<>();
  private final Operand<TFloat32> gradNorm;
  private final Placeholder<TFloat32> lrIn, decayDIn, decayNDIn, b1PowIn, b2PowIn, epsHatIn, stepIn;
  private final Op trainOp;
  private final Param stepVar;
  private long step;

  /**
   * Builds gradients of {@code loss} w.r.t. every trainable parameter of {@code ps}, clipping and
   * the update.
   *
   * @param decay selects the parameters that get weight decay (the 'D' group); the rest get {@code
   *     wdND}
   */
  public AdamW(Graph g, ParamStore ps, Operand<TFloat32> loss, Predicate<Param> decay, Config cfg) {
    this(g, ps, loss, decay, cfg, "optim.", UnaryOperator.identity());
  }

  /**
   * As above, with {@code prefix} naming the optimizer's ops and state variables (default {@code
   * "optim."}; give a second optimizer in the same graph, e.g. a discriminator's, another prefix)
   * and {@code reduce} (default: identity) applied to the raw gradients (TF layout, in the order of
   * {@link #params()}) before the norm, clipping and update: e.g. their mean over the tasks of a
   * cluster ({@link io.github.var4j.nn.AllReduce#mean}), which makes data-parallel training take
   * the step of the global batch.
   */
  public AdamW(
      Graph g,
      ParamStore ps,
      Operand<TFloat32> loss,
      Predicate<Param> decay,
      Config cfg,
      String prefix,
      UnaryOperator<List<Operand<TFloat32>>> reduce) {
    this.cfg = cfg;
    this.params = ps.trainable();
    Ops tf = ps.tf();
    Output<?>[] handles = params.stream().map(p -> p.handle().asOutput()).toArray(Output[]::new);
    Output<?>[] dx = g.addGradients(loss.asOutput(), handles);
    List<Operand<TFloat32>> raw = new ArrayList<>();
    for (int i = 0; i < dx.length; i++) {
      if (dx[i] == null)
        throw new IllegalStateException(
            "parameter '" + params.get(i).name() + "' gets no gradient from the loss");
      @SuppressWarnings("unchecked")
      Operand<TFloat32> gi = (Operand<TFloat32>) dx[i];
      raw.add(gi);
    }
    grads.addAll(reduce.apply(raw));
    if (grads.size() != raw.size())
      throw new IllegalStateException(
          "the gradient reduction returned " + grads.size() + " gradients for " + raw.size());
    List<Operand<TFloat32>> squares = new ArrayList<>();
    for (Operand<TFloat32> gi : grads)
      squares.add(tf.reshape(tf.math.square(gi), tf.constant(new long[] {-1})));
    Operand<TFloat32> sumSq = tf.reduceSum(tf.concat(squares, tf.constant(0)), tf.constant(0));
    gradNorm = tf.withName(prefix + "grad_norm").math.sqrt(sumSq);
    Operand<TFloat32> coef =
        cfg.clipNorm() > 0
            ? tf.math.minimum(
                tf.constant(1f),
                tf.math.div(
                    tf.constant((float) cfg.clipNorm()), tf.math.add(gradNorm, tf.constant(1e-6f))))
            : tf.constant(1f);

    lrIn = scalar(tf, prefix + "lr");
    decayDIn = scalar(tf, prefix + "lr_wd_D");
    decayNDIn = scalar(tf, prefix + "lr_wd_ND");
    b1PowIn = scalar(tf, prefix + "beta1_power");
    b2PowIn = scalar(tf, prefix + "beta2_power");
    epsHatIn = scalar(tf, prefix + "eps_hat");
    stepIn = scalar(tf, prefix + "step_in");
    stepVar = ps.createState(prefix + "step", new long[] {1}, Init.zeros());
    List<Op> updates = new ArrayList<>();
    for (int i = 0; i < params.size(); i++) {
      Param p = params.get(i);
      Param m = ps.createState(prefix + "m." + p.name(), p.tfShape(), Init.zeros());
      Param v = ps.createState(prefix + "v." + p.name(), p.tfShape(), Init.zeros());
      Operand<TFloat32> clipped = tf.math.mul(grads.get(i), coef);
      Operand<TFloat32> keep = tf.math.sub(tf.constant(1f), decay.test(p) ? decayDIn : decayNDIn);
      // decay after every read of p this step: the clipped gradient depends on all of them
      Op decayed =
          tf.withControlDependencies(List.of(clipped))
              .assignVariableOp(p.handle(), tf.math.mul(p.value(), keep));
      updates.add(
          tf.withControlDependencies(List.of(decayed))
              .train
              .resourceApplyAdam(
                  p.handle(),
                  m.handle(),
                  v.handle(),
                  b1PowIn,
                  b2PowIn,
                  lrIn,
                  tf.constant((float) cfg.beta1()),
                  tf.constant((float) cfg.beta2()),
                  epsHatIn,
                  clipped));
    }
    updates.add(
        tf.assignVariableOp(stepVar.handle(), tf.reshape(stepIn, tf.constant(new long[] {1}))));
    trainOp = tf.withControlDependencies(updates).withName(prefix + "train").noOp();
  }

  private static Placeholder<TFloat32> scalar(Ops tf, String name) {
    return tf.withName(name).placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
  }

  /**
   * The gradients the update uses before clipping (raw, or reduced over a cluster), in the order of
   * {@link #params()}, TF layout.
   */
  public List<Operand<TFloat32>> grads() {
    return grads;
  }

  public List<Param> params() {
    return params;
  }

  /** Global L2 norm of the gradients before clipping. */
  public Operand<TFloat32> gradNorm() {
    return gradNorm;
  }

  /** Number of updates applied so far. */
  public long step() {
    return step;
  }

  /** Reads the step counter back from the variables (after a checkpoint restore). */
  public void syncStep(Session s) {
    try (Result r = s.runner().fetch(stepVar.value()).run()) {
      step = Math.round(Tensors.floats(r.get(0))[0]);
    }
  }

  /**
   * Adds one update to {@code run}: feeds the learning rate {@code lr}, the weight decay {@code
   * wdD} of the decay group and {@code wdND} of the rest, Adam's bias corrections of step t =
   * {@link #step()} + 1, and targets the train op. After the run succeeded, call {@link
   * #stepDone()}; a failed run leaves the counter as it was.
   */
  public GraphRuntime.Run feed(GraphRuntime.Run run, double lr, double wdD, double wdND) {
    long t = step + 1;
    double b1p = Math.pow(cfg.beta1(), t), b2p = Math.pow(cfg.beta2(), t);
    float[] values = {
      (float) lr,
      (float) (lr * wdD),
      (float) (lr * wdND),
      (float) b1p,
      (float) b2p,
      (float) (cfg.eps() * Math.sqrt(1 - b2p)),
      (float) t
    };
    List<Placeholder<TFloat32>> ins =
        List.of(lrIn, decayDIn, decayNDIn, b1PowIn, b2PowIn, epsHatIn, stepIn);
    for (int i = 0; i < ins.size(); i++) run.feed(ins.get(i), new float[] {values[i]});
    return run.target(trainOp);
  }

  /** Counts one applied update (after the run prepared by {@link #feed} succeeded). */
  public void stepDone() {
    step++;
  }
}
