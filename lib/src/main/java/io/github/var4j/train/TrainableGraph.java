package io.github.var4j.train;

import io.github.var4j.nn.GraphRuntime;
import io.github.var4j.nn.Param;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.TfCheckpoint;
import io.github.var4j.optim.AdamW;
import io.github.var4j.store.RunDir;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;

/**
 * The part of a training graph that a {@link TrainingLoop} handles for every model: the variables
 * (one or more {@link ParamStore}s, e.g. a model and its discriminator), their {@link TfCheckpoint}
 * (weights and optimizer state), the optimizers whose step counters are restored with it (the first
 * one's step is the run's step), and a check that every trainable weight is finite before a
 * checkpoint is written.
 *
 * <p>Build it once the model and its optimizers exist (the checkpoint and the check add ops to the
 * graph): {@code TrainableGraph.of(rt, List.of(opt), ps)}.
 */
public final class TrainableGraph {
  private final GraphRuntime rt;
  private final List<ParamStore> stores;
  private final List<AdamW> optimizers;
  private final TfCheckpoint checkpoint;
  private final Operand<TBool> allFinite; // scalar: every trainable weight of every store

  private TrainableGraph(GraphRuntime rt, List<AdamW> optimizers, ParamStore... stores) {
    if (optimizers.isEmpty()) throw new IllegalArgumentException("a trainee needs an optimizer");
    this.rt = rt;
    this.stores = List.of(stores);
    this.optimizers = List.copyOf(optimizers);
    this.checkpoint = new TfCheckpoint(stores);
    Ops tf = rt.tf();
    List<Operand<TBool>> finite = new ArrayList<>();
    for (ParamStore ps : stores) {
      for (Param p : ps.trainable()) {
        finite.add(
            tf.reduceAll(
                tf.math.isFinite(tf.reshape(p.value(), tf.constant(new long[] {-1}))),
                tf.constant(0)));
      }
    }
    this.allFinite = tf.reduceAll(tf.stack(finite), tf.constant(0));
  }

  /**
   * The trainable graph of {@code stores} (checkpointed in this order) on {@code rt}, whose
   * optimizers are {@code optimizers} (the first one counts the run's steps).
   */
  public static TrainableGraph of(GraphRuntime rt, List<AdamW> optimizers, ParamStore... stores) {
    return new TrainableGraph(rt, optimizers, stores);
  }

  public GraphRuntime runtime() {
    return rt;
  }

  /** Updates applied so far: the first optimizer's step. */
  public long step() {
    return optimizers.get(0).step();
  }

  /** Fresh weights and optimizer state: store i is initialised from seed + i. */
  public void initialize(long seed) {
    for (int i = 0; i < stores.size(); i++) stores.get(i).initialize(rt.session(), seed + i);
  }

  /**
   * Restores weights and optimizer state from the checkpoint at {@code prefix} and the optimizers'
   * step counters from them.
   *
   * @return the restored step
   */
  public long restore(Path prefix) throws IOException {
    checkpoint.restore(rt.session(), prefix);
    for (AdamW opt : optimizers) opt.syncStep(rt.session());
    return step();
  }

  /** Writes a checkpoint with {@code state} into {@code run} ({@link RunDir#saveCheckpoint}). */
  public void save(RunDir run, RunDir.ResumeState state) throws IOException {
    run.saveCheckpoint(rt.session(), checkpoint, state);
  }

  /** Whether every trainable weight is finite (no NaN or infinity). */
  public boolean weightsFinite() {
    try (GraphRuntime.Outputs r = rt.run().fetch(allFinite).run()) {
      return ((TBool) r.tensor(0)).getBoolean();
    }
  }
}
