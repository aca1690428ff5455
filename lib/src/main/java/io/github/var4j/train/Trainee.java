package io.github.var4j.train;

import io.github.var4j.optim.LrSchedule;
import io.github.var4j.store.RunDir;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * What a {@link TrainingLoop} trains: a model's graph ({@link #graph()}) and the names of its
 * step's metrics ({@link #metrics()}); the step itself ({@link Steps}, bound to a run's training
 * data) and the evaluation are handed to {@link TrainingLoop#run} beside it. Everything else a
 * training run does - resuming, batches, the NaN guard, the CSVs, the evaluation cadence,
 * checkpoints, progress - is the loop's.
 *
 * <p>The other methods have defaults (the graph's seeded initialisation, or nothing); a trainee
 * overrides them only for what its run directory holds besides weights and metrics: the columns of
 * {@code eval.csv} ({@link #evalMetrics}, {@link #trainMeans}), a model configuration ({@link
 * #checkCheckpoint}, {@link #writeRunFiles}) and training state outside the checkpoint bundle
 * ({@link #initialize}, {@link #saveState}, {@link #restoreState}, {@link #lostState}).
 */
public interface Trainee {

  /**
   * Columns of {@code metrics.csv} after {@code step} and {@code lr}: the values of {@link
   * Step#row()}, e.g. {@code loss, acc}.
   */
  List<String> metrics();

  /** The variables, their checkpoint and optimizers. */
  TrainableGraph graph();

  /**
   * Fresh weights and optimizer state from {@code seed} (default: {@link
   * TrainableGraph#initialize}); a trainee with state of its own resets it here too. Called before
   * every resume, which then overwrites what the checkpoint holds.
   */
  default void initialize(long seed) {
    graph().initialize(seed);
  }

  /**
   * Columns of {@code eval.csv} after {@code step, epoch, lr} and the {@link #trainMeans}: the
   * values of {@link Evaluated#row()}. Empty (the default): the run has no {@code eval.csv}.
   */
  default List<String> evalMetrics() {
    return List.of();
  }

  /**
   * Metrics (of {@link #metrics()}) whose mean over the steps since the previous evaluation each
   * {@code eval.csv} row holds, as {@code train_<name>}; the running sums are resume state.
   */
  default List<String> trainMeans() {
    return List.of();
  }

  /**
   * Before a checkpoint is restored: checks that the run directory belongs to this model (e.g. its
   * {@code config.json}).
   *
   * @throws IOException naming both configurations, if it does not
   */
  default void checkCheckpoint(RunDir run) throws IOException {}

  /**
   * Writes what a fresh run directory holds besides checkpoints and metrics, e.g. {@code
   * config.json} (the chief of a cluster only).
   */
  default void writeRunFiles(RunDir run) throws IOException {}

  /**
   * Adds the trainee's own training state at a checkpoint step (the loop has put the seed, batch
   * size and running sums).
   */
  default void saveState(RunDir.ResumeState state) {}

  /**
   * Restores the trainee's own state saved by {@link #saveState} (after the seed and batch size
   * have been checked).
   *
   * @throws IOException if it was saved for another setting or is malformed
   */
  default void restoreState(RunDir.ResumeState state) throws IOException {}

  /**
   * What a resume without saved state (a run directory of an older var4j) loses, for the note the
   * loop prints; null (the default) when nothing is lost.
   */
  default String lostState() {
    return null;
  }

  /** A run's steps: the trainee's step on its training data. */
  @FunctionalInterface
  interface Steps {
    /**
     * One optimisation step on the images {@code idx} (this task's part of the batch of step {@code
     * it}) at the schedule's values {@code v}; {@link Step#failed} when the loss (or gradient) is
     * not finite.
     *
     * @param it updates applied before this one (0 for the first step)
     */
    Step step(long it, int[] idx, LrSchedule.Values v);

    /** Prints lines about the run once it is resumed at {@code start}, before the first step. */
    default void logStart(long start, PrintStream log) {}
  }

  /**
   * A step's result.
   *
   * @param row the values of {@link #metrics()} for {@code metrics.csv} (NaN: an empty field)
   * @param shown the metrics of the progress line and of the run's summary, in order
   * @param failure what was not finite, e.g. "loss is NaN"; null when the step is good
   */
  record Step(double[] row, Map<String, Double> shown, String failure) {
    public static Step of(double[] row, Map<String, Double> shown) {
      return new Step(row, shown, null);
    }

    /** A step whose {@code what} (e.g. "loss is NaN") stops the run. */
    public static Step failed(String what) {
      return new Step(null, Map.of(), what);
    }
  }

  /** An evaluation's result: the values of {@link #evalMetrics()} and a log line. */
  interface Evaluated {
    double[] row();

    /** The log line of an evaluation after {@code step} steps. */
    String line(long step);
  }
}
