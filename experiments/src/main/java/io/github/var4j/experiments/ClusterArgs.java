package io.github.var4j.experiments;

import io.github.var4j.nn.Cluster;
import picocli.CommandLine.Option;

/**
 * The options of a data-parallel task ({@code --cluster}, {@code --task}, {@code
 * --collective-timeout}), shared by {@code train-var} and {@code bench-var}; {@code
 * scripts/cluster.sh N COMMAND …} starts N tasks on this machine.
 */
final class ClusterArgs implements CheckedArgs {
  @Option(names = "--cluster")
  String cluster;

  @Option(names = "--task")
  Integer task;

  @Option(names = "--collective-timeout")
  double collectiveTimeout = 600;

  /** Checks that --cluster and --task come together, well formed. */
  @Override
  public void check() {
    if (cluster == null && task == null) return;
    Check.that(cluster != null && task != null, "--cluster and --task go together");
    Check.positive("--collective-timeout", collectiveTimeout);
    Check.value("--cluster", () -> Cluster.parse(cluster, task, collectiveTimeout));
  }

  /**
   * The cluster of this task with its TF server started, or null without {@code --cluster} (the
   * options were checked before the command ran, as every {@link CheckedArgs}).
   */
  Cluster start(String command) {
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
