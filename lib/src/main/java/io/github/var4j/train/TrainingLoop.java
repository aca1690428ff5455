package io.github.var4j.train;

import io.github.var4j.data.Batcher;
import io.github.var4j.nn.Cluster;
import io.github.var4j.nn.TfCheckpoint;
import io.github.var4j.optim.LrSchedule;
import io.github.var4j.store.MetricsCsv;
import io.github.var4j.store.RunDir;
import io.github.var4j.util.Require;
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
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * The training loop of every var4j model: a {@link Trainee} supplies its graph, its step and the
 * names of its metrics, and optionally an evaluation; this loop does the rest, the same way for all
 * of them.
 *
 * <ol>
 *   <li><b>Initialise or resume</b> from the run directory ({@link RunDir}): fresh weights from the
 *       seed, or the checkpoint's weights and optimizer state ({@link TfCheckpoint}) plus the
 *       resume state saved with it (seed and batch size checked, the running sums of the next
 *       evaluation row, the trainee's own state); the training clock starts.
 *   <li>Per step {@code it}: the batch ({@link Batcher#batch(long)}: a pure function of (seed,
 *       it)), this task's slice of it, the learning rate ({@link Plan#schedule}), the trainee's
 *       step, the NaN guard, the row of {@code metrics.csv} ({@code step, lr, <metrics>}), the
 *       progress line with ETA ({@link Progress}), an evaluation when it is due (row of {@code
 *       eval.csv}: {@code step, epoch, lr, train_<mean>..., <eval metrics>}), a checkpoint when it
 *       is due (only when every weight is finite), then the {@link StepListener}.
 * </ol>
 *
 * <p><b>Exact resume.</b> Everything a step depends on is either in the checkpoint (weights,
 * optimizer moments and step) or in its resume state, or is a pure function of (seed, step): the
 * batch, the learning rate, and whatever the trainee draws (it must key its randomness by the step
 * too). The CSVs drop the rows written after the checkpoint ({@link MetricsCsv}). So a run killed
 * at any point and resumed writes the same metrics, bit for bit, as an uninterrupted one.
 *
 * <p><b>Data parallel.</b> With a {@link Cluster} every task draws the same global batches and
 * steps on its own slice (task i of W: rows [i·B/W, (i+1)·B/W)); the trainee's graph averages the
 * gradients. Only the chief (task 0) writes the run directory (files of a fresh run, metrics,
 * evaluations, checkpoints, time) and evaluates; every task resumes from the chief's checkpoint, so
 * the run directory must be shared.
 *
 * <p><b>A new trainer</b> (a model variant for an ablation, a random-order raster model) needs only
 * its graph, its step and, if it has one, its evaluation. A linear model on synthetic data:
 *
 * <pre>{@code
 * final class LinearTrainee implements Trainee, AutoCloseable {
 *   final GraphRuntime rt = new GraphRuntime();
 *   final Placeholder<TFloat32> x, y;      // (B, D) inputs, (B) targets
 *   final Operand<TFloat32> loss;          // scalar: mean (x·w - y)²
 *   final AdamW opt;
 *   final TrainableGraph graph;
 *
 *   LinearTrainee(int d) {
 *     ParamStore ps = new ParamStore(rt.tf());
 *     ... x, y, w = ps.create("w", ...), loss ...
 *     opt = new AdamW(rt.graph(), ps, loss, p -> false, new AdamW.Config(0.9, 0.99, 1e-8, 0));
 *     graph = TrainableGraph.of(rt, List.of(opt), ps);
 *   }
 *
 *   public List<String> metrics() { return List.of("loss"); }
 *
 *   public TrainableGraph graph() { return graph; }
 *
 *   Step step(long it, int[] idx, LrSchedule.Values v) {   // the Trainee.Steps of this data
 *     GraphRuntime.Run r = rt.run().feed(x, rows(idx), idx.length, d).feed(y, targets(idx), idx.length);
 *     opt.feed(r.fetch(loss), v.lr(), v.wdD(), v.wdND());
 *     try (GraphRuntime.Outputs out = r.run()) {
 *       opt.stepDone();
 *       double l = out.floats(0)[0];
 *       if (!Double.isFinite(l)) return Step.failed("loss is " + l);
 *       return Step.of(new double[] {l}, Map.of("loss", l));
 *     }
 *   }
 * }
 *
 * Plan plan = new Plan("linear", "linear model", 200, 16, 0, it -> new LrSchedule.Values(1e-2, 0, 0), 50, 20, 0);
 * try (LinearTrainee t = new LinearTrainee(8)) {
 *   new TrainingLoop(new RunDir(dir), plan, null).run(t, t::step, n, null, System.out, StepListener.NONE);
 * }
 * }</pre>
 *
 * An evaluation is a {@code Supplier} of a {@link Trainee.Evaluated} (the row for {@code eval.csv}
 * and a log line) with {@link Trainee#evalMetrics} naming its columns; {@link Trainee#trainMeans}
 * adds the means of step metrics since the previous evaluation. The test tree's {@code
 * TrainingLoopTest} trains exactly this model, evaluates it and resumes it exactly.
 */
public final class TrainingLoop {

  /**
   * What to run.
   *
   * @param tag name in brackets at the start of log lines, e.g. "var"
   * @param name the model in error messages, e.g. "VAR"
   * @param steps total optimisation steps
   * @param batchSize images per step (the global batch of a cluster)
   * @param seed seed of the initialisation and the data order
   * @param schedule learning rate and weight decays of step {@code it} (0-based)
   * @param checkpointEvery steps between checkpoints (the last step always checkpoints)
   * @param logEvery steps between progress lines
   * @param evalEvery steps between evaluations (0: only at the last step); step 0 is evaluated too
   */
  public record Plan(
      String tag,
      String name,
      long steps,
      int batchSize,
      long seed,
      LongFunction<LrSchedule.Values> schedule,
      long checkpointEvery,
      long logEvery,
      long evalEvery) {
    public Plan {
      Require.atLeast("steps", steps, 1);
      Require.atLeast("batchSize", batchSize, 1);
      if (checkpointEvery < 1 || logEvery < 1)
        throw new IllegalArgumentException("checkpointEvery and logEvery must be >= 1");
      if (evalEvery < 0)
        throw new IllegalArgumentException("evalEvery must be >= 0, got " + evalEvery);
    }
  }

  /**
   * What a {@link #run} did.
   *
   * @param startStep step the run started (resumed) at
   * @param endStep step reached
   * @param seconds wall time of this session
   * @param last metrics shown at the last step (empty if no step ran)
   * @param lastEval the last evaluation (null if none ran)
   */
  public record Result<R>(
      long startStep, long endStep, double seconds, Map<String, Double> last, R lastEval) {
    public long steps() {
      return endStep - startStep;
    }
  }

  private final RunDir run;
  private final Plan plan;
  private final Cluster cluster; // null: one process
  private final boolean chief;
  private long[] evalAlsoAt = new long[0];

  private TrainMeans means; // of the trainee at initOrResume

  /**
   * A loop for one task of a data-parallel {@code cluster} (null: a single process).
   *
   * @throws IllegalArgumentException if the batch size does not split evenly over the tasks
   */
  public TrainingLoop(RunDir run, Plan plan, Cluster cluster) {
    if (cluster != null && plan.batchSize() % cluster.size() != 0) {
      throw new IllegalArgumentException(
          "batch size "
              + plan.batchSize()
              + " does not split evenly over the "
              + cluster.size()
              + " tasks of the cluster");
    }
    this.run = run;
    this.plan = plan;
    this.cluster = cluster;
    this.chief = cluster == null || cluster.isChief();
  }

  public RunDir runDir() {
    return run;
  }

  public Plan plan() {
    return plan;
  }

  /**
   * Also evaluates at these steps (besides every {@code evalEvery} steps and the last step), e.g.
   * the log-spaced points of a scaling sweep; 0 evaluates before training. Set it before {@link
   * #run}, the same on every resume.
   *
   * @return this loop
   */
  public TrainingLoop evalAlsoAt(long... steps) {
    long[] s = steps.clone();
    Arrays.sort(s);
    this.evalAlsoAt = s;
    return this;
  }

  /** {@code step, lr} and the trainee's metrics: the header of {@code metrics.csv}. */
  public static List<String> metricsHeader(List<String> metrics) {
    List<String> h = new ArrayList<>(List.of("step", "lr"));
    h.addAll(metrics);
    return List.copyOf(h);
  }

  /**
   * {@code step, epoch, lr}, {@code train_<mean>} for each of {@code trainMeans}, then the
   * evaluation's metrics: the header of {@code eval.csv}.
   */
  public static List<String> evalHeader(List<String> trainMeans, List<String> evalMetrics) {
    List<String> h = new ArrayList<>(List.of("step", "epoch", "lr"));
    h.addAll(TrainMeans.columns(trainMeans));
    h.addAll(evalMetrics);
    return List.copyOf(h);
  }

  /**
   * Initialises the trainee ({@link Trainee#initialize}), or, when the run directory holds a
   * checkpoint, restores it ({@link Trainee#checkCheckpoint} first) and the resume state saved with
   * it; a fresh run's chief writes the trainee's run files.
   *
   * @return the step to continue at
   * @throws IOException if the checkpoint cannot be read, belongs to another model, or was trained
   *     with another seed or batch size
   */
  public long initOrResume(Trainee t, PrintStream log) throws IOException {
    t.initialize(plan.seed());
    means = new TrainMeans(t.trainMeans(), t.metrics());
    Path prefix = run.checkpointPrefix();
    if (!TfCheckpoint.exists(prefix)) {
      if (chief) t.writeRunFiles(run);
      return t.graph().step();
    }
    t.checkCheckpoint(run);
    long step = t.graph().restore(prefix);
    Optional<RunDir.ResumeState> state = run.resumeState(step);
    if (state.isPresent()) {
      RunDir.ResumeState st = state.get();
      st.expect("seed", plan.seed());
      st.expect("batchSize", plan.batchSize());
      t.restoreState(st);
      means.restore(st);
    } else if (step > 0 && lost(t) != null) {
      log.println(
          tag()
              + " note: "
              + run.resumeFile()
              + " has no state for step "
              + step
              + " (a run directory of an older var4j?): "
              + lost(t));
    }
    log.println(tag() + " resumed from " + prefix + " at step " + step);
    return step;
  }

  /**
   * Trains {@code t} until {@link Plan#steps}, resuming from the run directory's checkpoint if
   * there is one.
   *
   * @param steps the trainee's step on the training data
   * @param trainImages size of the training set the batches index
   * @param eval the evaluation (run by the chief only); null: none
   * @param listener called after every step, once its rows and checkpoint are written
   * @throws IllegalStateException if a step's loss (or gradient) or the weights become NaN or
   *     infinite; the last checkpoint is kept
   */
  public <R extends Trainee.Evaluated> Result<R> run(
      Trainee t,
      Trainee.Steps steps,
      int trainImages,
      Supplier<R> eval,
      PrintStream log,
      StepListener listener)
      throws IOException {
    if (trainImages < plan.batchSize()) {
      throw new IllegalArgumentException(
          "batch size "
              + plan.batchSize()
              + " is larger than the "
              + trainImages
              + " training images");
    }
    if (eval != null && t.evalMetrics().isEmpty())
      throw new IllegalArgumentException("an evaluation needs the trainee's evalMetrics");
    if (chief) run.create();
    long start = initOrResume(t, log);
    if (chief) run.startClock(start);
    long end = plan.steps();
    steps.logStart(start, log);
    Supplier<R> evaluation = chief ? eval : null; // the others wait at the next all-reduce
    if (start >= end) {
      log.println(tag() + " already at step " + start + " of " + end + ": nothing to train");
      return new Result<>(start, start, 0, Map.of(), evaluation == null ? null : evaluation.get());
    }
    Batcher batcher = new Batcher(trainImages, plan.batchSize(), true, plan.seed());
    Progress progress = new Progress(plan.tag(), start, end, plan.logEvery(), log);
    if (cluster != null) logTask(log);
    Map<String, Double> last = new LinkedHashMap<>();
    R lastEval = null;
    try (MetricsCsv csv = chief ? run.openMetrics(metricsHeader(t.metrics()), start) : null;
        MetricsCsv evalCsv =
            chief && !t.evalMetrics().isEmpty()
                ? run.openEval(evalHeader(t.trainMeans(), t.evalMetrics()), start)
                : null) {
      if (start == 0 && evaluation != null && (plan.evalEvery() > 0 || evalAlsoAt(0))) {
        lastEval = evaluate(evaluation, evalCsv, 0, 0, plan.schedule().apply(0).lr(), log);
      }
      for (long it = start; it < end; it++) {
        int[] idx = taskSlice(batcher.batch(it)); // (B/W,) image indices of this task
        LrSchedule.Values v = plan.schedule().apply(it);
        Trainee.Step s = steps.step(it, idx, v);
        long step = it + 1;
        if (s.failure() != null) throw diverged(s.failure() + " at step " + step, v.lr());
        means.add(s.row());
        if (chief) csv.append(step, prepend(v.lr(), s.row()));
        last = s.shown();
        progress.update(step, last);
        if (evaluation != null && evalDue(step)) {
          double epoch = step / (double) batcher.batchesPerEpoch();
          lastEval = evaluate(evaluation, evalCsv, step, epoch, v.lr(), log);
        }
        if (step % plan.checkpointEvery() == 0 || step == end) checkpoint(t, step);
        listener.afterStep(step);
      }
    }
    return new Result<>(start, end, progress.elapsedSeconds(), last, lastEval);
  }

  // ---------------------------------------------------------------------------------------------

  private String tag() {
    return "[" + plan.tag() + "]";
  }

  private boolean evalAlsoAt(long step) {
    return Arrays.binarySearch(evalAlsoAt, step) >= 0;
  }

  /** An evaluation after {@code step}: the last step, every evalEvery steps, or an extra step. */
  private boolean evalDue(long step) {
    return step == plan.steps()
        || plan.evalEvery() > 0 && step % plan.evalEvery() == 0
        || evalAlsoAt(step);
  }

  /**
   * Evaluates, writes the row (the train means NaN at step 0) and the log line, and restarts the
   * means.
   */
  private <R extends Trainee.Evaluated> R evaluate(
      Supplier<R> evaluation, MetricsCsv csv, long step, double epoch, double lr, PrintStream log)
      throws IOException {
    R r = evaluation.get();
    double[] train = means.takeMeans(step), row = r.row();
    double[] values = new double[2 + train.length + row.length]; // epoch, lr, train means, row
    values[0] = epoch;
    values[1] = lr;
    System.arraycopy(train, 0, values, 2, train.length);
    System.arraycopy(row, 0, values, 2 + train.length, row.length);
    csv.append(step, values);
    log.println(r.line(step));
    return r;
  }

  /**
   * Checks that every weight is finite, then (the chief) writes the checkpoint with the resume
   * state.
   */
  private void checkpoint(Trainee t, long step) throws IOException {
    if (!t.graph().weightsFinite()) {
      throw new IllegalStateException(
          plan.name()
              + " weights are not finite after step "
              + step
              + "; stopped without saving. The last good checkpoint is kept at "
              + lastCheckpoint()
              + "; lower the learning rate.");
    }
    if (!chief) return;
    RunDir.ResumeState st =
        new RunDir.ResumeState(step).put("seed", plan.seed()).put("batchSize", plan.batchSize());
    means.save(st);
    t.saveState(st);
    t.graph().save(run, st);
  }

  private IllegalStateException diverged(String what, double lr) {
    return new IllegalStateException(
        plan.name()
            + " "
            + what
            + " (lr "
            + String.format(Locale.ROOT, "%.3g", lr)
            + "); stopped. The last good checkpoint is kept at "
            + lastCheckpoint()
            + "; lower the learning rate and resume or restart.");
  }

  private Object lastCheckpoint() {
    return TfCheckpoint.exists(run.checkpointPrefix()) ? run.checkpointPrefix() : "(none yet)";
  }

  /** What a resume without state loses: the running means, the trainee's state; null: nothing. */
  private String lost(Trainee t) {
    List<String> parts = new ArrayList<>();
    if (means.lost() != null) parts.add(means.lost());
    if (t.lostState() != null) parts.add(t.lostState());
    return parts.isEmpty() ? null : String.join("; ", parts);
  }

  private static double[] prepend(double first, double[] rest) {
    double[] out = new double[rest.length + 1];
    out[0] = first;
    System.arraycopy(rest, 0, out, 1, rest.length);
    return out;
  }

  /** This task's slice of a global batch (the whole batch for a single process). */
  private int[] taskSlice(int[] globalIdx) {
    if (cluster == null) return globalIdx;
    int per = globalIdx.length / cluster.size();
    return Arrays.copyOfRange(globalIdx, cluster.task() * per, (cluster.task() + 1) * per);
  }

  private void logTask(PrintStream log) {
    log.printf(
        Locale.ROOT,
        "%s task %d of %d (%s): %d images of each global batch of %d%n",
        tag(),
        cluster.task(),
        cluster.size(),
        cluster.isChief() ? "chief: writes " + run.dir() : "reads the chief's checkpoints",
        plan.batchSize() / cluster.size(),
        plan.batchSize());
  }
}
