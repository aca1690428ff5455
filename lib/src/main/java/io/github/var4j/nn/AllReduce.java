package io.github.var4j.nn;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The mean of float tensors over every task of a {@link Cluster}, in one TF collective ({@code
 * CollectiveReduceV2}, merge {@code Add}, final {@code Div}): ring all-reduce over gRPC between
 * CPUs, NCCL between GPUs ({@code communication_hint "auto"}). The tensors are flattened into one
 * vector first, so a whole gradient list costs one collective, then split back into their shapes.
 *
 * <p>Each call site needs its own {@code instanceKey} (the same on every task: the graphs are built
 * by the same code, so the keys agree); the op waits at most {@link Cluster#timeoutSeconds()} for
 * the other tasks, then fails ({@link Cluster#failure} names the dead ones).
 */
public final class AllReduce {
  /** The collective group of the training tasks. */
  public static final int GROUP_KEY = 1;

  private AllReduce() {}

  /**
   * Element-wise means over the tasks of {@code xs}, each of its own shape; {@code xs} itself for a
   * cluster of one task.
   */
  public static List<Operand<TFloat32>> mean(
      Ops tf, Cluster cluster, List<Operand<TFloat32>> xs, int instanceKey) {
    if (xs.isEmpty()) throw new IllegalArgumentException("nothing to all-reduce");
    if (cluster.size() == 1) return xs;
    List<Operand<TFloat32>> flat = new ArrayList<>();
    List<Operand<TInt32>> sizes = new ArrayList<>();
    for (Operand<TFloat32> x : xs) {
      flat.add(tf.reshape(x, tf.constant(new int[] {-1})));
      sizes.add(tf.reshape(tf.size(x, TInt32.class), tf.constant(new int[] {1})));
    }
    Operand<TFloat32> all = flat.size() == 1 ? flat.get(0) : tf.concat(flat, tf.constant(0));
    Operand<TFloat32> reduced = collectiveMean(tf, cluster, all, instanceKey); // (sum of sizes)
    if (xs.size() == 1) return List.of(tf.reshape(reduced, tf.shape(xs.get(0))));
    List<Output<TFloat32>> parts =
        tf.splitV(reduced, tf.concat(sizes, tf.constant(0)), tf.constant(0), (long) xs.size())
            .output();
    List<Operand<TFloat32>> out = new ArrayList<>();
    for (int i = 0; i < xs.size(); i++) out.add(tf.reshape(parts.get(i), tf.shape(xs.get(i))));
    return out;
  }

  /** One {@code CollectiveReduceV2} (mean) of a vector over the cluster's tasks. */
  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> collectiveMean(
      Ops tf, Cluster cluster, Operand<TFloat32> x, int instanceKey) {
    Scope scope = tf.scope();
    Output<?> out =
        scope
            .opBuilder("CollectiveReduceV2", "AllReduceMean")
            .addInput(x.asOutput())
            .addInput(tf.constant(cluster.size()).asOutput())
            .addInput(tf.constant(GROUP_KEY).asOutput())
            .addInput(tf.constant(instanceKey).asOutput())
            .addInputList(new Output<?>[0])
            .setAttr("merge_op", "Add")
            .setAttr("final_op", "Div")
            .setAttr("communication_hint", "auto")
            .setAttr("timeout_seconds", (float) cluster.timeoutSeconds())
            .build()
            .output(0);
    return (Operand<TFloat32>) out;
  }
}
