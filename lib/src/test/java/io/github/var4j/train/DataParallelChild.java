package io.github.var4j.train;

import io.github.var4j.nn.Cluster;
import io.github.var4j.transformer.VarConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * One task of a data-parallel tiny VAR run ({@link DataParallelTest}), in a JVM of its own: {@code
 * DataParallelChild <runDir> <host:port,host:port> <task> <timeoutSeconds> <sleepMs>}. The model is
 * deterministic (no condition dropout, no drop path), so a cluster run must follow the
 * single-process run ({@link #run} with a null cluster) up to the order of float sums.
 */
final class DataParallelChild {
  static final long STEPS = 24, CKPT = 5;
  static final int BATCH = 16;

  /** Logged once the task's TF server has bound its port. */
  static final String SERVER_UP = "[child] server up";

  /** Logged when the task's TF server could not start (e.g. its port is taken). */
  static final String SERVER_FAILED = "cannot start the TF server of task";

  private DataParallelChild() {}

  static VarTrainConfig config() {
    return VarTrainConfig.builder()
        .depth(2)
        .width(32)
        .heads(2)
        .batchSize(BATCH)
        .steps(STEPS)
        .peakLr(1e-2)
        .warmupFrac(0.1)
        .wpe(0.01)
        .weightDecay(0.05)
        .clip(2.0)
        .labelSmoothing(0.0)
        .condDropRate(0.0)
        .evalEvery(8)
        .evalImages(24)
        .checkpointEvery(CKPT)
        .logEvery(4)
        .seed(7)
        .build();
  }

  static VarConfig model() {
    return VarTrainerTest.model(config()).withDropPathRate(0).withCondDropRate(0);
  }

  /** Trains (or resumes) the run in {@code runDir} as a task of {@code cluster} (null: alone). */
  static VarTrainer.Summary run(
      Path runDir, Cluster cluster, StepListener listener, PrintStream log) throws IOException {
    try (VarTrainer t = new VarTrainer(model(), config(), runDir, cluster)) {
      return VarTrainerTest.trainTiny(t, listener, log);
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println(
          "usage: DataParallelChild <runDir> <host:port,...> <task> <timeoutSeconds> <sleepMs>");
      System.exit(2);
    }
    Cluster cluster =
        Cluster.parse(args[1], Integer.parseInt(args[2]), Double.parseDouble(args[3]));
    long sleepMs = Long.parseLong(args[4]);
    cluster.startServer();
    System.out.println(SERVER_UP);
    System.out.flush();
    StepListener slow =
        step -> {
          System.out.println("[child] step " + step);
          if (sleepMs > 0) {
            try {
              Thread.sleep(sleepMs);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    try {
      run(Path.of(args[0]), cluster, slow, System.out);
      System.out.println("[child] done");
      System.out.flush();
      System.exit(0); // the TF server cannot be stopped cleanly: end the process
    } catch (Exception | Error e) {
      e.printStackTrace();
      System.exit(1);
    }
  }
}
