package io.github.var4j.experiments;

import io.github.var4j.nn.Cluster;
import picocli.CommandLine.Option;

/**
 * The options of a data-parallel task ({@code --cluster}, {@code --task}, {@code
 * --collective-timeout}), shared by {@code train-var} and {@code bench-var}; {@code
 * scripts/cluster.sh N COMMAND …} starts N tasks on this machine.
 */
final class ClusterArgs {
  @Option(
      names = "--cluster",
      description =
          "data-parallel on TF's distributed runtime: host:port of every task, chief first (e.g."
              + " host0:2222,host1:2222); every task runs the same command with its own --task"
              + " (scripts/cluster.sh N COMMAND … starts N tasks on this machine; default: none, one"
              + " process)")
  String cluster;

  @Option(
      names = "--task",
      description = "this task's index in --cluster, 0 = the chief (default: none, as --cluster)")
  Integer task;

  @Option(
      names = "--collective-timeout",
      description =
          "seconds a task waits for the others in a step before failing (longer than the chief's"
              + " evaluations)")
  double collectiveTimeout = 600;

  /** Checks that --cluster and --task come together, well formed. */
  void check() {
    if (cluster == null && task == null) return;
    Check.that(cluster != null && task != null, "--cluster and --task go together");
    Check.positive("--collective-timeout", collectiveTimeout);
    Check.value("--cluster", () -> Cluster.parse(cluster, task, collectiveTimeout));
  }

  /**
   * The cluster of this task with its TF server started, or null without {@code --cluster}.
   *
   * @throws UsageException if only one of --cluster and --task is given, or either is malformed
   */
  Cluster start(String command) {
    check();
    if (cluster == null) return null;
    Cluster c = Cluster.parse(cluster, task, collectiveTimeout);
    c.startServer();
    System.out.println(
        "["
            + command
            + "] task "
            + task
            + " of "
            + c.size()
            + ": TF server on "
            + c.hosts().get(task));
    return c;
  }
}
