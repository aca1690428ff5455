package io.github.var4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.var4j.model.RunDir;
import io.github.var4j.testutil.ChildJvm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel training on TF's distributed runtime, on loopback: two worker JVMs ({@link
 * DataParallelChild}), each a TF gRPC server on 127.0.0.1 and one task of the cluster, train a tiny
 * deterministic VAR on half of each global batch and average their gradients with one collective
 * all-reduce per step. Their curve must be the single-process curve at the same global batch; a
 * killed worker must stop the other with an error naming it, within the collective timeout; and a
 * restart must resume from the chief's checkpoint onto the same curve. Processes are killed by
 * their own handles, never by name.
 *
 * <p><b>Tolerance.</b> The two runs compute the same sums in another order: the global batch's mean
 * loss is the mean of two half-batch means, and the gradient is the mean of two half-batch
 * gradients, each a float32 sum over 8 images instead of 16. Float32 rounding (2^-24 ≈ 6e-8
 * relative per operation) differs, and AdamW amplifies it a little over the steps (its update
 * divides by the root of the second moment). Every logged value (loss, accuracy, gradient norm,
 * test loss) must agree within {@link #TOL} absolute (the losses are about 3.4; 1e-3 is about 300
 * float32 ulps of them, and far below the 0.03 the loss moves in one step, so a wrong batch split,
 * a missing all-reduce or a sum instead of a mean fails), and the accuracies, which count argmax
 * hits, exactly as long as no logit ties are flipped.
 */
class DataParallelTest {
  @TempDir Path tmp;

  static final double TOL = 1e-3;

  /** Bound on one child run (JVM and TF start, 24 tiny steps). */
  static final long CHILD_SECONDS = 150;

  @Test
  @Timeout(value = 400, unit = TimeUnit.SECONDS)
  void twoWorkersOnLoopbackTrainLikeOneProcessAtTheSameGlobalBatch() throws Exception {
    Path ref = tmp.resolve("ref"), dp = tmp.resolve("dp");
    DataParallelChild.run(
        ref, null, StepListener.NONE, new PrintStream(new ByteArrayOutputStream()));

    runBothTasks(dp, "run");
    String chief = log("run", 0);
    assertTrue(chief.contains("task 0 of 2 (chief"), chief);
    assertTrue(
        log("run", 1).contains("task 1 of 2 (reads the chief's checkpoints)"), log("run", 1));
    assertSameCurve(new RunDir(ref), new RunDir(dp), DataParallelChild.STEPS);
  }

  @Test
  @Timeout(value = 500, unit = TimeUnit.SECONDS)
  void aKilledWorkerStopsTheOtherWithItsNameAndTheRestartResumesOntoTheSameCurve()
      throws Exception {
    Path ref = tmp.resolve("ref"), dp = tmp.resolve("dp");
    DataParallelChild.run(
        ref, null, StepListener.NONE, new PrintStream(new ByteArrayOutputStream()));

    double timeout = 15;
    String hosts = loopbackHosts(2);
    Process chief = start(dp, hosts, 0, timeout, 150, "first");
    Process worker = start(dp, hosts, 1, timeout, 150, "first");
    try {
      // kill task 1 once the chief has logged a step strictly after the first checkpoint
      long deadline = System.currentTimeMillis() + CHILD_SECONDS * 1000;
      long step;
      while ((step = ChildJvm.lastStep(new RunDir(dp).metricsCsv())) < DataParallelChild.CKPT + 2) {
        if (!chief.isAlive() || !worker.isAlive())
          fail("a task ended before the kill:\n" + log("first", 0) + "\n" + log("first", 1));
        if (System.currentTimeMillis() > deadline)
          fail("the cluster reached only step " + step + ":\n" + log("first", 0));
        Thread.sleep(20);
      }
      worker.destroyForcibly();
      assertTrue(worker.waitFor(30, TimeUnit.SECONDS), "the killed worker did not end");
      long killedAt = System.currentTimeMillis();
      // the chief must fail, naming task 1, within the collective timeout (plus slack for a loaded
      // machine), not hang
      assertTrue(
          chief.waitFor((long) timeout + 60, TimeUnit.SECONDS),
          "the chief still runs " + (timeout + 60) + " s after task 1 died:\n" + log("first", 0));
      double waited = (System.currentTimeMillis() - killedAt) / 1000.0;
      String chiefLog = log("first", 0);
      assertEquals(1, chief.exitValue(), chiefLog);
      String port = hosts.split(",")[1];
      assertTrue(
          chiefLog.contains("task 1 (" + port + ") is dead"),
          "the chief's error must name task 1 and its address:\n" + chiefLog);
      System.out.printf("the chief stopped %.1f s after task 1 was killed%n", waited);
    } finally {
      chief.destroyForcibly();
      worker.destroyForcibly();
      chief.waitFor(30, TimeUnit.SECONDS);
    }

    // restart both (on new ports): they resume from the chief's last checkpoint
    runBothTasks(dp, "resumed");
    for (int task = 0; task < 2; task++)
      assertTrue(log("resumed", task).contains("resumed from"), log("resumed", task));
    assertSameCurve(new RunDir(ref), new RunDir(dp), DataParallelChild.STEPS);
  }

  /** {@code n} free loopback addresses "127.0.0.1:p0,127.0.0.1:p1,...". */
  static String loopbackHosts(int n) throws IOException {
    List<ServerSocket> socks = new ArrayList<>();
    StringBuilder s = new StringBuilder();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket ss = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        socks.add(ss);
        s.append(i > 0 ? "," : "").append("127.0.0.1:").append(ss.getLocalPort());
      }
    } finally {
      for (ServerSocket ss : socks) ss.close();
    }
    return s.toString();
  }

  /**
   * Runs tasks 0 and 1 of a fresh loopback cluster (new ports) on {@code dir} to the end, each
   * required to exit with success; both processes are killed if either fails.
   */
  private void runBothTasks(Path dir, String tag) throws Exception {
    String hosts = loopbackHosts(2);
    List<Process> ps = new ArrayList<>();
    for (int task = 0; task < 2; task++) ps.add(start(dir, hosts, task, 60, 0, tag));
    try {
      for (int task = 0; task < 2; task++) awaitSuccess(ps.get(task), tag, task);
    } finally {
      for (Process p : ps) p.destroyForcibly();
    }
  }

  private Process start(Path dir, String hosts, int task, double timeout, long sleepMs, String tag)
      throws IOException {
    return ChildJvm.start(
        DataParallelChild.class,
        logFile(tag, task),
        List.of(
            dir.toString(),
            hosts,
            Integer.toString(task),
            Double.toString(timeout),
            Long.toString(sleepMs)),
        "VAR4J_INTRA_THREADS",
        "1");
  }

  private void awaitSuccess(Process p, String tag, int task) throws Exception {
    if (!p.waitFor(CHILD_SECONDS, TimeUnit.SECONDS))
      fail("task " + task + " did not end in " + CHILD_SECONDS + " s:\n" + log(tag, task));
    assertEquals(0, p.exitValue(), "task " + task + " failed:\n" + log(tag, task));
  }

  private Path logFile(String tag, int task) {
    return tmp.resolve(tag + "-task" + task + ".log");
  }

  private String log(String tag, int task) throws IOException {
    Path f = logFile(tag, task);
    return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "(no log)";
  }

  /** Every row of metrics.csv and eval.csv of {@code b} equals {@code a}'s within {@link #TOL}. */
  static void assertSameCurve(RunDir a, RunDir b, long steps) throws IOException {
    assertSameRows(a.metricsCsv(), b.metricsCsv(), steps + 1);
    assertSameRows(a.evalCsv(), b.evalCsv(), -1);
  }

  private static void assertSameRows(Path a, Path b, long expectRows) throws IOException {
    List<String> ra = Files.readAllLines(a), rb = Files.readAllLines(b);
    if (expectRows >= 0) assertEquals(expectRows, ra.size(), "rows of " + a);
    assertEquals(ra.size(), rb.size(), "rows of " + b + " against " + a);
    assertEquals(ra.get(0), rb.get(0), "header of " + b);
    String[] header = ra.get(0).split(",");
    double worst = 0;
    for (int i = 1; i < ra.size(); i++) {
      String[] x = ra.get(i).split(","), y = rb.get(i).split(",");
      assertEquals(x.length, y.length, "row " + i + " of " + b);
      for (int j = 0; j < x.length; j++) {
        double u = parse(x[j]), v = parse(y[j]);
        double d = Math.abs(u - v);
        if (!Double.isNaN(d)) worst = Math.max(worst, d);
        assertTrue(
            d <= TOL || Double.isNaN(u) && Double.isNaN(v),
            b.getFileName()
                + " row "
                + i
                + " column "
                + header[j]
                + ": "
                + v
                + " against the "
                + "single process's "
                + u);
      }
    }
    System.out.printf(
        "%s: %d rows, largest difference %.3g%n", b.getFileName(), ra.size() - 1, worst);
  }

  private static double parse(String cell) {
    return cell.isBlank() ? Double.NaN : Double.parseDouble(cell);
  }
}
