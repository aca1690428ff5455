package io.github.var4j.app;

import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
import io.github.var4j.store.RunDir;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a notebook finds a trained model and the run that trained it, as resolved by {@link
 * TrainedModels#tokenizer} and {@link TrainedModels#var}: the model directory (from an environment
 * variable or the default), the run directory (its curves, training time and, for a VAR, its token
 * caches; it need not exist), and the prefix of the copies of the run's results that the
 * experiments commands commit to {@code experiments/results} (only for the default model; null
 * otherwise).
 *
 * @param kind tokenizer or VAR
 * @param modelDir the exported model ({@code config.json} + {@code .npy}); it may not exist yet
 * @param variable the environment variable {@code modelDir} came from, or null for the default
 * @param runDir the run directory of the model's training
 * @param committedResults e.g. {@code ../experiments/results/var-fmnist} for {@code
 *     var-fmnist.csv}, {@code var-fmnist-train-metrics.csv} and {@code var-fmnist-eval.csv}; null
 *     if there are none for this model
 * @param <C> the configuration type of the model kind
 */
public record ModelLocation<C>(
    ModelKind<C> kind, Path modelDir, String variable, RunDir runDir, Path committedResults) {

  /** True if the model directory holds a model ({@code config.json}). */
  public boolean exists() {
    return ModelDir.exists(modelDir);
  }

  /** True if the model directory was named by an environment variable. */
  public boolean fromEnvironment() {
    return variable != null;
  }

  /** The model's configuration, read from its {@code config.json}. */
  public C config() throws IOException {
    return ModelDir.config(modelDir, kind);
  }

  /**
   * The record of the run that trained this model: the run directory's files if it has a {@code
   * metrics.csv} or {@code eval.csv}, else the committed copies (default model only), else an empty
   * record.
   */
  public TrainingRecord training() throws IOException {
    TrainingRecord run = TrainingRecord.of(runDir);
    if (run.hasMetrics() || run.hasEval() || committedResults == null) return run;
    TrainingRecord committed = TrainingRecord.committed(committedResults);
    return committed.hasMetrics() || committed.hasEval() ? committed : run;
  }

  /** E.g. "tokenizer ../models/fmnist-tokenizer: found", "VAR ../models/fmnist-var: not found". */
  public String describe() {
    return (kind.equals(ModelKind.VAR) ? "VAR" : kind.name())
        + " "
        + modelDir
        + (variable != null ? " (" + variable + ")" : "")
        + ": "
        + (exists() ? "found" : "not found");
  }

  @Override
  public String toString() {
    return describe();
  }
}
