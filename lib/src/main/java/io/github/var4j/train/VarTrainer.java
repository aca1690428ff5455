package io.github.var4j.train;

import io.github.var4j.nn.Cluster;
import io.github.var4j.nn.StateDict;
import io.github.var4j.optim.AdamW;
import io.github.var4j.optim.LrSchedule;
import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
import io.github.var4j.store.RunDir;
import io.github.var4j.transformer.TokenOrder;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.transformer.VarModel;
import io.github.var4j.vae.Tokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains the VAR transformer on cached token maps ({@link TokenCache}) with teacher forcing
 * (official {@code trainer.py}): per step a batch of images' labels and token maps, the
 * teacher-forcing input x = {@code idxBl_to_var_input} computed by the frozen tokenizer's quantizer
 * ({@link XSource}, e.g. {@code Tokenizer::varInput}), one {@link VarTrainGraph#trainStep} with
 * condition dropout and drop path on, and the official 'lin0' learning-rate schedule ({@link
 * VarTrainConfig#schedule}). It is a {@link Trainee}: the {@link TrainingLoop} runs the steps, this
 * class supplies the graph, the step and the evaluation ({@link VarEvaluator}).
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
 * <p><b>Exact resume.</b> Besides what the loop restores (see {@link TrainingLoop}), a step depends
 * on the condition-dropout / drop-path draws: stateless ops keyed by (noise seed, step), see {@link
 * VarTrainGraph#trainStep}, and for a {@link VarConfig#randomOrder} (RAR) model on the step's token
 * orders, a function of the same seed and the step ({@link RandomOrder}). So a run killed at any
 * point and resumed writes the same metrics, bit for bit, as an uninterrupted one (on the same
 * machine and thread settings).
 *
 * <p>A loss or gradient norm that is NaN/infinite stops training with an {@link
 * IllegalStateException}; the last checkpoint on disk is kept (a checkpoint is written only when
 * every weight is finite).
 */
public final class VarTrainer extends LoopTrainer {

  /**
   * Teacher-forcing input for a batch: token maps per scale (K arrays of B·pn²) to x (B, L - pn_0²,
   * Cvae).
   */
  @FunctionalInterface
  public interface XSource {
    float[] varInput(List<int[]> idxPerScale, int n);

    /** A training/evaluation batch of the images {@code idx} of {@code c}: labels, x, targets. */
    default VarTrainGraph.Batch batch(TokenCache c, int[] idx) {
      return new VarTrainGraph.Batch(
          c.labels(idx), varInput(c.perScale(idx), idx.length), c.targets(idx));
    }

    /**
     * The teacher-forcing input of a model from its frozen tokenizer: {@code idxBl_to_var_input}
     * for next-scale prediction, the codebook vectors of the previous tokens in raster order.
     */
    static XSource of(VarConfig cfg, Tokenizer tok) {
      return cfg.order() == TokenOrder.RASTER ? tok::rasterInput : tok::varInput;
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
      VarEvaluator.Result finalEval) {
    public long steps() {
      return endStep - startStep;
    }
  }

  /** Columns of {@code metrics.csv} after step and lr. */
  static final List<String> METRICS = List.of("loss", "acc", "acc_tail", "grad_norm");

  /** Step metrics averaged into each {@code eval.csv} row. */
  static final List<String> TRAIN_MEANS = List.of("loss", "acc");

  public static final List<String> METRICS_HEADER = TrainingLoop.metricsHeader(METRICS);
  public static final List<String> EVAL_HEADER =
      TrainingLoop.evalHeader(TRAIN_MEANS, VarEvaluator.Result.COLUMNS);

  private final VarConfig model;
  private final VarTrainConfig cfg;
  private final VarTrainGraph tg;
  private final TrainableGraph graph;
  private final RandomOrder rar; // the token orders of a randomOrder (RAR) model; else null

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
   * A trainer for one task of a data-parallel {@code cluster} (null: a single process); see {@link
   * TrainingLoop} for the batch slices, the chief and the shared run directory. Gradients and step
   * metrics are averaged over the tasks ({@link VarTrainGraph}). Condition dropout and drop path
   * draw per task (task 0 draws what a single process draws).
   *
   * @throws IllegalArgumentException if the batch size does not split evenly over the tasks
   */
  public VarTrainer(VarConfig model, VarTrainConfig cfg, Path runDir, Cluster cluster) {
    super(
        runDir,
        new TrainingLoop.Plan(
            "var",
            "VAR",
            cfg.steps(),
            cfg.batchSize(),
            cfg.seed(),
            cfg.schedule()::at,
            cfg.checkpointEvery(),
            cfg.logEvery(),
            cfg.evalEvery()),
        cluster,
        METRICS);
    this.model = model;
    this.cfg = cfg;
    long noiseSeed = cfg.seed() * 0x9E3779B97F4A7C15L + VarModel.DEFAULT_NOISE_SEED;
    if (cluster != null) noiseSeed += cluster.task() * 0x632BE59BD9B4E019L;
    if (noiseSeed == 0) noiseSeed = 1;
    VarTrainGraph.Options opts =
        new VarTrainGraph.Options(
            cfg.labelSmoothing(), new AdamW.Config(0.9, 0.95, 1e-8, cfg.clip()), noiseSeed);
    this.rar =
        model.randomOrder() ? new RandomOrder(cfg.steps(), noiseSeed, cfg.rarAnneal()) : null;
    this.tg = new VarTrainGraph(model, opts, cluster);
    try {
      graph = TrainableGraph.of(tg.runtime(), List.of(tg.optimizer()), tg.params());
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

  /** Number of trainable parameters. */
  public long numParams() {
    return tg.params().numTrainable();
  }

  /** Updates applied so far (the global step). */
  public long step() {
    return tg.optimizer().step();
  }

  /**
   * Loads model weights (strict; official names) and resets the optimizer, e.g. to evaluate an
   * exported model.
   */
  public void loadWeights(StateDict sd) {
    tg.loadWeights(sd);
  }

  /**
   * Also evaluates at these steps (besides every {@code evalEvery} steps and the last step), e.g.
   * the log-spaced points of a scaling sweep; 0 evaluates before training. Set it before {@link
   * #train}, the same on every resume.
   *
   * @return this trainer
   */
  public VarTrainer evalAlsoAt(long... steps) {
    loop().evalAlsoAt(steps);
    return this;
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
   * As {@link #train(TokenCache, TokenCache, XSource, PrintStream)}, calling {@code listener} after
   * every step (after its metrics row, evaluation and checkpoint are written).
   */
  public Summary train(
      TokenCache train, TokenCache test, XSource xs, PrintStream log, StepListener listener)
      throws IOException {
    train.checkCompatible(model);
    if (test != null) test.checkCompatible(model);
    VarEvaluator evaluator =
        test == null || test.size() == 0 ? null : new VarEvaluator(test, xs, cfg.evalImages());
    TrainingLoop.Result<VarEvaluator.Result> r =
        loop()
            .run(
                this,
                new Steps(train, test, xs),
                train.size(),
                evaluator == null ? null : () -> evaluator.evaluate(tg),
                log,
                listener);
    return new Summary(r.startStep(), r.endStep(), r.seconds(), r.last(), r.lastEval());
  }

  /**
   * Test metrics of the current weights on {@code maxImages} evenly spaced images of {@code data}
   * (0 = all).
   */
  public VarEvaluator.Result evaluate(TokenCache data, XSource xs, int maxImages) {
    data.checkCompatible(model);
    return new VarEvaluator(data, xs, maxImages).evaluate(tg);
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

  @Override
  public void close() {
    tg.close();
  }

  // ---- the Trainee: what the TrainingLoop needs besides the step -------------------------------

  @Override
  public TrainableGraph graph() {
    return graph;
  }

  @Override
  public List<String> evalMetrics() {
    return VarEvaluator.Result.COLUMNS;
  }

  @Override
  public List<String> trainMeans() {
    return TRAIN_MEANS;
  }

  /** The run's {@code config.json} must hold this model's configuration. */
  @Override
  public void checkCheckpoint(RunDir run) throws IOException {
    if (!ModelDir.exists(run.dir())) return; // the checkpoint's shapes are still checked
    VarConfig saved = ModelDir.config(run.dir(), ModelKind.VAR);
    if (!saved.equals(model)) {
      throw new IOException(
          "checkpoint "
              + run.checkpointPrefix()
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

  /**
   * The run's {@code config.json}: the model's configuration (compared on resume) and the training
   * configuration.
   */
  @Override
  public void writeRunFiles(RunDir run) throws IOException {
    ModelDir.writeConfig(run.dir(), ModelKind.VAR, model, cfg);
  }

  /** The VAR step on the images of {@code data}: one teacher-forced update. */
  private final class Steps implements Trainee.Steps {
    private final TokenCache data, test; // test: for the log only (null: none)
    private final XSource xs;

    Steps(TokenCache data, TokenCache test, XSource xs) {
      this.data = data;
      this.test = test;
      this.xs = xs;
    }

    @Override
    public Step step(long it, int[] idx, LrSchedule.Values v) {
      VarTrainGraph.Batch b = rar == null ? xs.batch(data, idx) : permuted(it, idx);
      VarTrainGraph.StepStats st = tg.trainStep(b, v, true); // x: (B, L-1, Cvae)
      if (!Float.isFinite(st.loss())) return Step.failed("loss is " + st.loss());
      if (!Float.isFinite(st.gradNorm())) return Step.failed("gradient norm is " + st.gradNorm());
      Map<String, Double> shown = new LinkedHashMap<>();
      shown.put("loss", (double) st.loss());
      shown.put("acc", (double) st.accMean());
      shown.put("acc_tail", (double) st.accTail());
      shown.put("grad_norm", (double) st.gradNorm());
      shown.put("lr", v.lr());
      return Step.of(new double[] {st.loss(), st.accMean(), st.accTail(), st.gradNorm()}, shown);
    }

    /** RAR: the images of step {@code it} with their tokens in the step's random orders. */
    private VarTrainGraph.Batch permuted(long it, int[] idx) {
      int n = idx.length, l = model.L();
      int[] order = rar.orders(it, n, l);
      int[] tokens = RandomOrder.permute(data.targets(idx), order, l);
      return new VarTrainGraph.Batch(
          data.labels(idx), xs.varInput(List.of(tokens), n), tokens, order);
    }

    @Override
    public void logStart(long start, PrintStream log) {
      long steps = cfg.steps();
      log.printf(Locale.ROOT, "[var] %s; %,d parameters%n", model.describe(), numParams());
      log.printf(
          Locale.ROOT,
          "[var] %d train / %s test images, batch %d, steps %d -> %d, peak lr %.3g (lin0, warm-up "
              + "%d, wpe %.3g), wd %.3g, clip %.3g, cond drop %.2f%n",
          data.size(),
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
      if (rar != null)
        log.printf(
            Locale.ROOT,
            "[var] RAR: random token orders, annealed to raster from step %d to %d%n",
            rar.annealStart(),
            rar.annealEnd());
    }
  }
}
