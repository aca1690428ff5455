package io.github.var4j.train;

import io.github.var4j.nn.Cluster;
import io.github.var4j.store.RunDir;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * What every trainer is besides its graph, its step and its evaluation: a {@link Trainee} that one
 * {@link TrainingLoop} runs in one run directory. This class owns the loop and answers what is the
 * same for every trainer (the run directory, initialise or resume, the columns of a step's row); a
 * trainer supplies {@link #graph()}, its step (the {@link Trainee.Steps} it gives {@link
 * TrainingLoop#run}) and, if it evaluates, {@link #evalMetrics()} and its evaluation.
 */
public abstract class LoopTrainer implements Trainee, AutoCloseable {
  private final TrainingLoop loop;
  private final List<String> metrics;

  /**
   * @param runDir this trainer's run directory
   * @param plan the loop's plan: steps, batch, seed, schedule, cadences
   * @param cluster the data-parallel cluster this trainer is one task of (null: a single process)
   * @param metrics the columns of a step's row in {@code metrics.csv} (after the step column)
   * @throws IllegalArgumentException if the batch size does not split evenly over the tasks
   */
  protected LoopTrainer(
      Path runDir, TrainingLoop.Plan plan, Cluster cluster, List<String> metrics) {
    this.loop = new TrainingLoop(new RunDir(runDir), plan, cluster);
    this.metrics = List.copyOf(metrics);
  }

  /** The loop that runs this trainer's steps. */
  protected final TrainingLoop loop() {
    return loop;
  }

  /** The run directory: checkpoints, {@code metrics.csv}, the resume state. */
  public final RunDir runDir() {
    return loop.runDir();
  }

  /** The prefix of the run directory's checkpoint files. */
  public final Path checkpointPrefix() {
    return runDir().checkpointPrefix();
  }

  /**
   * Initialises the weights (seeded), or, when the run directory holds a checkpoint, checks that it
   * was saved for this run and restores the weights, the optimizer state and the resume state.
   *
   * @return the step to continue at
   * @throws IOException if the checkpoint cannot be read or belongs to another run (another seed,
   *     batch size, configuration or loss recipe: both named)
   */
  public final long initOrResume(PrintStream log) throws IOException {
    return loop.initOrResume(this, log);
  }

  @Override
  public final List<String> metrics() {
    return metrics;
  }

  /** Releases the trainer's session and graph. */
  @Override
  public abstract void close();
}
