package io.github.var4j.train;

import io.github.var4j.data.Batcher;
import io.github.var4j.data.Subsets;
import io.github.var4j.model.MetricsCsv;
import io.github.var4j.model.ModelDir;
import io.github.var4j.model.ModelKind;
import io.github.var4j.model.RunDir;
import io.github.var4j.nn.Cluster;
import io.github.var4j.nn.GraphRuntime;
import io.github.var4j.nn.Param;
import io.github.var4j.nn.StateDict;
import io.github.var4j.nn.TfCheckpoint;
import io.github.var4j.optim.AdamW;
import io.github.var4j.optim.LrSchedule;
import io.github.var4j.transformer.TokenOrder;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.Tokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;

/**
 * Trains the VAR transformer on cached token maps ({@link TokenCache}) with teacher forcing
 * (official {@code trainer.py}): per step a batch of images' labels and token maps, the
 * teacher-forcing input x = {@code idxBl_to_var_input} computed by the frozen tokenizer's quantizer
 * ({@link XSource}, e.g. {@code Tokenizer::varInput}), one {@link VarTrainGraph#trainStep} with
 * condition dropout and drop path on, and the official 'lin0' learning-rate schedule ({@link
 * VarTrainConfig#schedule}).
 *
 * <p>Run directory ({@link RunDir}):
 *
 * <pre>
 * config.json            ModelDir format, kind var: the VarConfig (compared on resume) + the VarTrainConfig
 * ckpt, ckpt-<n>.*       model + AdamW state (pointer + TF V2 bundle, written atomically)
 * resume.properties      per checkpoint: the seed and batch size (checked on resume) and the running sums of the
 *                        next eval row (evalSumLoss, evalSumAcc, evalSteps)
 * metrics.csv            one row per step: step, lr, loss, acc, acc_tail, grad_norm      (accuracies in percent)
 * eval.csv               one row per evaluation: step, epoch, lr, train_loss, train_acc, test_loss, test_acc,
 *                        test_loss_tail, test_acc_tail   (train_* = mean over the steps since the previous row)
 * </pre>
 *
 * <p><b>Exact resume.</b> Resuming restores the checkpoint (weights, AdamW moments and step) and
 * the resume state and continues at the checkpoint's step; both CSVs drop rows written after it.
 * Everything else a step depends on is a pure function of (seed, step): the batch ({@link
 * Batcher#batch(long)}), the learning rate and weight decay ({@link LrSchedule#at}) and the
 * condition-dropout / drop-path draws (stateless ops keyed by (noise seed, step), see {@link
 * VarTrainGraph#trainStep}). So a run killed at any point and resumed writes the same metrics, bit
 * for bit, as an uninterrupted one (on the same machine and thread settings).
 *
 * <p>A loss or gradient norm that is NaN/infinite stops training with an {@link
 * IllegalStateException}; the last checkpoint on disk is kept (a checkpoint is written only when
 * every weight is finite).
 *
 * <p>Evaluation runs with condition dropout off (unlike the official {@code eval_ep}, see {@link
 * io.github.var4j.transformer.VarModel}); "tail" metrics are over the last scale's tokens.
 */
public final class VarTrainer implements AutoCloseable {
  private long[] extraEvalSteps = new long[0];

  /**
   * Teacher-forcing input for a batch: token maps per scale (K arrays of B·pn²) to x (B, L - pn_0²,
   * Cvae).
   */
  @FunctionalInterface
  public interface XSource {
    float[] varInput(List<int[]> idxPerScale, int n);

    /**
     * The teacher-forcing input of a model from its frozen tokenizer: {@code idxBl_to_var_input}
     * for next-scale prediction, the codebook vectors of the previous tokens in raster order.
     */
    static XSource of(VarConfig cfg, Tokenizer tok) {
      return cfg.order() == TokenOrder.RASTER ? tok::rasterInput : tok::varInput;
    }
  }

  /**
   * Test metrics (teacher forcing, no condition dropout).
   *
   * @param loss mean cross-entropy over all tokens (label smoothing of the run applied; 0 = plain
   *     CE)
   * @param acc top-1 token accuracy over all tokens, percent
   * @param lossTail mean cross-entropy over the last scale's tokens
   * @param accTail top-1 accuracy over the last scale's tokens, percent
   * @param images images evaluated
   */
  public record EvalResult(double loss, double acc, double lossTail, double accTail, int images) {
    public Map<String, Double> asMap() {
      Map<String, Double> m = new LinkedHashMap<>();
      m.put("test_loss", loss);
      m.put("test_acc", acc);
      m.put("test_loss_tail", lossTail);
      m.put("test_acc_tail", accTail);
      m.put("test_images", (double) images);
      return m;
    }
  }

  /**
   * Result of {@link #train}.
   *
   * @param startStep step the run started (resumed) at
   * @param endStep step reached
   * @param seconds wall time of this session
   * @param last metrics of the last step (empty if no step ran)
   * @param finalEval test metrics at the end (null without test data)
   */
  public record Summary(
      long startStep,
      long endStep,
      double seconds,
      Map<String, Double> last,
      EvalResult finalEval) {
    public long steps() {
      return endStep - startStep;
    }
  }

  public static final List<String> METRICS_HEADER =
      List.of("step", "lr", "loss", "acc", "acc_tail", "grad_norm");
  public static final List<String> EVAL_HEADER =
      List.of(
          "step",
          "epoch",
          "lr",
          "train_loss",
          "train_acc",
          "test_loss",
          "test_acc",
          "test_loss_tail",
          "test_acc_tail");

  private static final int EVAL_BATCH = 200;
  private final VarConfig model;
  private final VarTrainConfig cfg;
  private final RunDir run;
  private final VarTrainGraph tg;
  private final Cluster cluster; // null: one process
  private final boolean chief;
  private final TfCheckpoint ckpt;
  private final Operand<TBool> allFinite;

  /**
   * Running sums of the next eval row at the step reached by {@link #initOrResume} (restored on
   * resume).
   */
  private double evalSumLoss, evalSumAcc;

  private int evalSteps;

  /**
   * Builds the training graph (model, loss, AdamW with clip {@code cfg.clip()}) and its session.
   *
   * @param model the transformer; its condition-dropout rate is used in training (see {@link
   *     VarTrainConfig#modelConfig})
   */
  public VarTrainer(VarConfig model, VarTrainConfig cfg, Path runDir) {
    this(model, cfg, runDir, null);
  }

  /**
   * A trainer for one task of a data-parallel {@code cluster} (null: a single process). Every task
   * draws the same global batches (same seed) and trains on its own equal slice of each (task i:
   * rows [i·B/W, (i+1)·B/W) of the global batch of B images, W tasks), so the tasks see distinct
   * data and the same order after a resume. Gradients and step metrics are averaged over the tasks
   * ({@link VarTrainGraph}). Only the chief (task 0) writes the run directory (config, metrics,
   * evaluations, checkpoints, time) and evaluates; every task resumes from the chief's checkpoint,
   * so the run directory must be shared (one host, or a shared file system). Condition dropout and
   * drop path draw per task (task 0 draws what a single process draws).
   *
   * @throws IllegalArgumentException if the batch size does not split evenly over the tasks
   */
  public VarTrainer(VarConfig model, VarTrainConfig cfg, Path runDir, Cluster cluster) {
    this.model = model;
    this.cfg = cfg;
    this.run = new RunDir(runDir);
    this.cluster = cluster;
    this.chief = cluster == null || cluster.isChief();
    if (cluster != null && cfg.batchSize() % cluster.size() != 0) {
      throw new IllegalArgumentException(
          "batch size "
              + cfg.batchSize()
              + " does not split evenly over the "
              + cluster.size()
              + " tasks of the cluster");
    }
    long noiseSeed =
        cfg.seed() * 0x9E3779B97F4A7C15L + io.github.var4j.transformer.VarModel.DEFAULT_NOISE_SEED;
    if (cluster != null) noiseSeed += cluster.task() * 0x632BE59BD9B4E019L;
    if (noiseSeed == 0) noiseSeed = 1;
    VarTrainGraph.Options opts =
        new VarTrainGraph.Options(
            cfg.labelSmoothing(), new AdamW.Config(0.9, 0.95, 1e-8, cfg.clip()), noiseSeed);
    this.tg = new VarTrainGraph(model, opts, cluster);
    try {
      Ops tf = tg.params().tf();
      List<Operand<TBool>> finite = new ArrayList<>();
      for (Param p : tg.params().trainable()) {
        finite.add(
            tf.reduceAll(
                tf.math.isFinite(tf.reshape(p.value(), tf.constant(new long[] {-1}))),
                tf.constant(0)));
      }
      allFinite = tf.withName("var.all_finite").reduceAll(tf.stack(finite), tf.constant(0));
      ckpt = new TfCheckpoint(tg.params());
    } catch (RuntimeException e) {
      tg.close();
      throw e;
    }
  }

  public VarConfig modelConfig() {
    return model;
  }

  public VarTrainConfig trainConfig() {
    return cfg;
  }

  public RunDir runDir() {
    return run;
  }

  public Path checkpointPrefix() {
    return run.checkpointPrefix();
  }

  /** Number of trainable parameters. */
  public long numParams() {
    return tg.params().numTrainable();
  }

  /** Updates applied so far (the global step). */
  public long step() {
    return tg.optimizer().step();
  }

  /**
   * Initialises the weights (official init, seeded), or, when the run directory holds a checkpoint,
   * checks that it was saved for this model configuration and restores weights, optimizer state and
   * the resume state.
   *
   * @return the step to continue at
   * @throws IOException if the checkpoint belongs to another configuration or was trained with
   *     another seed or batch size (naming both), or cannot be read
   */
  public long initOrResume(PrintStream log) throws IOException {
    tg.initialize(cfg.seed());
    evalSumLoss = 0;
    evalSumAcc = 0;
    evalSteps = 0;
    Path prefix = checkpointPrefix();
    if (TfCheckpoint.exists(prefix)) {
      if (ModelDir.exists(run.dir())) {
        VarConfig saved = ModelDir.config(run.dir(), ModelKind.VAR);
        if (!saved.equals(model)) {
          throw new IOException(
              "checkpoint "
                  + prefix
                  + " was saved for "
                  + saved.describe()
                  + "; this model has "
                  + model.describe()
                  + " (differs in: "
                  + ModelDir.differences(saved, model)
                  + "). Resume with the same "
                  + "configuration, or use another run directory.");
        }
      }
      ckpt.restore(tg.session(), prefix);
      tg.optimizer().syncStep(tg.session());
      Optional<RunDir.ResumeState> state = run.resumeState(step());
      if (state.isPresent()) {
        RunDir.ResumeState st = state.get();
        st.expect("seed", cfg.seed());
        st.expect("batchSize", cfg.batchSize());
        evalSumLoss = st.getDouble("evalSumLoss");
        evalSumAcc = st.getDouble("evalSumAcc");
        evalSteps = (int) st.getLong("evalSteps");
      } else if (step() > 0) {
        log.println(
            "[var] note: "
                + run.resumeFile()
                + " has no state for step "
                + step()
                + " (a run directory of an "
                + "older var4j?): the train_loss/train_acc of the next eval.csv row average only the steps from here");
      }
      log.println("[var] resumed from " + prefix + " at step " + step());
    } else if (chief) {
      writeRunConfig();
    }
    return step();
  }

  /**
   * Loads model weights (strict; official names) and resets the optimizer, e.g. to evaluate an
   * exported model.
   */
  public void loadWeights(StateDict sd) {
    tg.loadWeights(sd);
  }

  /**
   * Trains until {@code cfg.steps()}, resuming from the run directory's checkpoint if there is one.
   *
   * @param train training token maps
   * @param test test token maps for the evaluations (null: no evaluation)
   * @param xs teacher-forcing input, e.g. {@code tokenizer::varInput}
   * @throws IllegalStateException if the loss or gradient norm becomes NaN/infinite (the last
   *     checkpoint is kept)
   */
  public Summary train(TokenCache train, TokenCache test, XSource xs, PrintStream log)
      throws IOException {
    return train(train, test, xs, log, StepListener.NONE);
  }

  /**
   * Also evaluates at these steps (besides every {@code evalEvery} steps and the last step), e.g.
   * the log-spaced points of a scaling sweep; 0 evaluates before training. Set it before {@link
   * #train}, the same on every resume.
   *
   * @return this trainer
   */
  public VarTrainer evalAlsoAt(long... steps) {
    long[] s = steps.clone();
    Arrays.sort(s);
    this.extraEvalSteps = s;
    return this;
  }

  /**
   * As {@link #train(TokenCache, TokenCache, XSource, PrintStream)}, calling {@code listener} after
   * every step (after its metrics row, evaluation and checkpoint are written).
   */
  public Summary train(
      TokenCache train, TokenCache test, XSource xs, PrintStream log, StepListener listener)
      throws IOException {
    train.checkCompatible(model);
    if (test != null) test.checkCompatible(model);
    if (train.size() < cfg.batchSize()) {
      throw new IllegalArgumentException(
          "batch size "
              + cfg.batchSize()
              + " is larger than the "
              + train.size()
              + " training images");
    }
    if (chief) run.create();
    long start = initOrResume(log);
    if (chief) run.startClock(start);
    long steps = cfg.steps();
    log.printf(Locale.ROOT, "[var] %s; %,d parameters%n", model.describe(), numParams());
    log.printf(
        Locale.ROOT,
        "[var] %d train / %s test images, batch %d, steps %d -> %d, peak lr %.3g (lin0, warm-up %d, "
            + "wpe %.3g), wd %.3g, clip %.3g, cond drop %.2f%n",
        train.size(),
        test == null ? "no" : test.size(),
        cfg.batchSize(),
        start,
        steps,
        cfg.peakLr(),
        Math.round(cfg.warmupFrac() * steps),
        cfg.wpe(),
        cfg.weightDecay(),
        cfg.clip(),
        model.condDropRate());
    if (start >= steps) {
      log.println("[var] already at step " + start + " of " + steps + ": nothing to train");
      EvalResult ev = test == null || !chief ? null : evaluate(test, xs, cfg.evalImages());
      return new Summary(start, start, 0, Map.of(), ev);
    }
    LrSchedule sched = cfg.schedule();
    Batcher batcher = new Batcher(train.size(), cfg.batchSize(), true, cfg.seed());
    double batchesPerEpoch = batcher.batchesPerEpoch();
    // only the chief evaluates (the others wait for it at the next all-reduce)
    List<VarTrainGraph.Batch> evalBatches =
        test == null || !chief ? List.of() : evalBatches(test, xs, cfg.evalImages());
    Map<String, Double> last = new LinkedHashMap<>();
    EvalResult lastEval = null;
    Progress progress = new Progress("var", start, steps, cfg.logEvery(), log);
    if (cluster != null)
      log.printf(
          Locale.ROOT,
          "[var] task %d of %d (%s): %d images of each global batch of %d%n",
          cluster.task(),
          cluster.size(),
          cluster.isChief() ? "chief: writes " + run.dir() : "reads the chief's checkpoints",
          cfg.batchSize() / cluster.size(),
          cfg.batchSize());
    try (MetricsCsv csv = chief ? run.openMetrics(METRICS_HEADER, start) : null;
        MetricsCsv evalCsv = chief ? run.openEval(EVAL_HEADER, start) : null) {
      if (start == 0
          && !evalBatches.isEmpty()
          && (cfg.evalEvery() > 0 || Arrays.binarySearch(extraEvalSteps, 0) >= 0)) {
        lastEval = evaluateBatches(evalBatches);
        evalCsv.append(
            0,
            0,
            sched.at(0).lr(),
            Double.NaN,
            Double.NaN,
            lastEval.loss(),
            lastEval.acc(),
            lastEval.lossTail(),
            lastEval.accTail());
        log.println(evalLine(0, lastEval));
      }
      double sumLoss = evalSumLoss, sumAcc = evalSumAcc;
      int sinceEval = evalSteps;
      for (long it = start; it < steps; it++) {
        int[] idx = taskSlice(batcher.batch(it));
        VarTrainGraph.Batch b = batch(train, idx, xs);
        LrSchedule.Values v = sched.at(it);
        VarTrainGraph.StepStats st = tg.trainStep(b, v, true);
        long step = it + 1;
        if (!Float.isFinite(st.loss()) || !Float.isFinite(st.gradNorm())) {
          String what =
              !Float.isFinite(st.loss())
                  ? "loss is " + st.loss()
                  : "gradient norm is " + st.gradNorm();
          throw new IllegalStateException(
              "VAR "
                  + what
                  + " at step "
                  + step
                  + " (lr "
                  + String.format(Locale.ROOT, "%.3g", v.lr())
                  + "); stopped. The last good checkpoint is kept at "
                  + (TfCheckpoint.exists(checkpointPrefix()) ? checkpointPrefix() : "(none yet)")
                  + "; lower the learning rate and resume or restart.");
        }
        sumLoss += st.loss();
        sumAcc += st.accMean();
        sinceEval++;
        if (chief) csv.append(step, v.lr(), st.loss(), st.accMean(), st.accTail(), st.gradNorm());
        last = new LinkedHashMap<>();
        last.put("loss", (double) st.loss());
        last.put("acc", (double) st.accMean());
        last.put("acc_tail", (double) st.accTail());
        last.put("grad_norm", (double) st.gradNorm());
        last.put("lr", v.lr());
        progress.update(step, last);
        boolean evalNow =
            !evalBatches.isEmpty()
                && (step == steps
                    || cfg.evalEvery() > 0 && step % cfg.evalEvery() == 0
                    || Arrays.binarySearch(extraEvalSteps, step) >= 0);
        if (evalNow) {
          lastEval = evaluateBatches(evalBatches);
          evalCsv.append(
              step,
              step / batchesPerEpoch,
              v.lr(),
              sumLoss / sinceEval,
              sumAcc / sinceEval,
              lastEval.loss(),
              lastEval.acc(),
              lastEval.lossTail(),
              lastEval.accTail());
          log.println(evalLine(step, lastEval));
          sumLoss = 0;
          sumAcc = 0;
          sinceEval = 0;
        }
        if (step % cfg.checkpointEvery() == 0 || step == steps) {
          if (!weightsFinite()) {
            throw new IllegalStateException(
                "VAR weights are not finite after step "
                    + step
                    + "; stopped without "
                    + "saving. The last good checkpoint is kept at "
                    + (TfCheckpoint.exists(checkpointPrefix()) ? checkpointPrefix() : "(none yet)")
                    + "; lower the learning rate.");
          }
          if (chief)
            run.saveCheckpoint(
                tg.session(),
                ckpt,
                new RunDir.ResumeState(step)
                    .put("seed", cfg.seed())
                    .put("batchSize", cfg.batchSize())
                    .put("evalSumLoss", sumLoss)
                    .put("evalSumAcc", sumAcc)
                    .put("evalSteps", sinceEval));
        }
        listener.afterStep(step);
      }
    }
    return new Summary(start, steps, progress.elapsedSeconds(), last, lastEval);
  }

  private static String evalLine(long step, EvalResult e) {
    return String.format(
        Locale.ROOT,
        "[var] eval step %d (%d test images): loss %.4f, acc %.2f%%, last scale: loss "
            + "%.4f, acc %.2f%%",
        step,
        e.images(),
        e.loss(),
        e.acc(),
        e.lossTail(),
        e.accTail());
  }

  /** This task's slice of a global batch (the whole batch for a single process). */
  private int[] taskSlice(int[] globalIdx) {
    if (cluster == null) return globalIdx;
    int per = globalIdx.length / cluster.size();
    return Arrays.copyOfRange(globalIdx, cluster.task() * per, (cluster.task() + 1) * per);
  }

  /** A training/eval batch of the images {@code idx}: labels, x from {@code xs}, targets. */
  public static VarTrainGraph.Batch batch(TokenCache c, int[] idx, XSource xs) {
    return new VarTrainGraph.Batch(
        c.labels(idx), xs.varInput(c.perScale(idx), idx.length), c.targets(idx));
  }

  /**
   * Test metrics of the current weights on {@code maxImages} evenly spaced images of {@code data}
   * (0 = all).
   */
  public EvalResult evaluate(TokenCache data, XSource xs, int maxImages) {
    data.checkCompatible(model);
    return evaluateBatches(evalBatches(data, xs, maxImages));
  }

  private static List<VarTrainGraph.Batch> evalBatches(TokenCache data, XSource xs, int maxImages) {
    int[] all = Subsets.evenlySpaced(data.size(), maxImages);
    List<VarTrainGraph.Batch> out = new ArrayList<>();
    for (int b0 = 0; b0 < all.length; b0 += EVAL_BATCH) {
      out.add(batch(data, Arrays.copyOfRange(all, b0, Math.min(all.length, b0 + EVAL_BATCH)), xs));
    }
    return out;
  }

  private EvalResult evaluateBatches(List<VarTrainGraph.Batch> batches) {
    return evaluateBatches(tg, batches);
  }

  /** Image-weighted means of the batch metrics of {@code g} over {@code batches}. */
  private static EvalResult evaluateBatches(VarTrainGraph g, List<VarTrainGraph.Batch> batches) {
    double loss = 0, acc = 0, lossT = 0, accT = 0;
    int n = 0;
    for (VarTrainGraph.Batch b : batches) {
      VarTrainGraph.Eval e = g.evaluate(b);
      int m = b.size();
      loss += (double) e.loss() * m;
      acc += (double) e.accMean() * m;
      lossT += (double) e.ceTail() * m;
      accT += (double) e.accTail() * m;
      n += m;
    }
    return new EvalResult(loss / n, acc / n, lossT / n, accT / n, n);
  }

  /**
   * Test metrics of a trained model (e.g. an exported one): builds the graph, loads {@code sd},
   * evaluates {@code maxImages} evenly spaced images (0 = all) without condition dropout.
   */
  public static EvalResult evaluateModel(
      VarConfig cfg, StateDict sd, TokenCache data, XSource xs, int maxImages) {
    data.checkCompatible(cfg);
    try (VarTrainGraph g = new VarTrainGraph(cfg, VarTrainGraph.Options.official())) {
      g.loadWeights(sd);
      return evaluateBatches(g, evalBatches(data, xs, maxImages));
    }
  }

  private boolean weightsFinite() {
    try (GraphRuntime.Outputs r = tg.runtime().run().fetch(allFinite).run()) {
      return ((TBool) r.tensor(0)).getBoolean();
    }
  }

  /** The model's weights under the official names (PyTorch layout), without optimizer state. */
  public StateDict stateDict() {
    return tg.params().stateDict(tg.session());
  }

  /**
   * Exports the model as a model directory ({@link ModelDir}: {@code config.json} + one .npy per
   * weight).
   */
  public void export(Path dir) throws IOException {
    ModelDir.save(dir, ModelKind.VAR, model, stateDict());
  }

  /**
   * The run's {@code config.json}: the model's configuration (compared on resume) and the training
   * configuration.
   */
  private void writeRunConfig() throws IOException {
    ModelDir.writeConfig(run.dir(), ModelKind.VAR, model, cfg);
  }

  @Override
  public void close() {
    tg.close();
  }
}
