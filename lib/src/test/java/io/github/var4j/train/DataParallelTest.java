package io.github.var4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.var4j.store.RunDir;
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
import org.hipparchus.distribution.discrete.PoissonDistribution;
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
 * divides by the root of the second moment). Every logged loss, gradient norm and learning rate
 * must agree within {@link #TOL} absolute (the losses are about 3.4; 1e-3 is about 300 float32 ulps
 * of them, and far below the 0.03 the loss moves in one step, so a wrong batch split, a missing
 * all-reduce or a sum instead of a mean fails).
 *
 * <p>The accuracies count argmax hits, so one flipped near-tie moves a value by 100/N (N tokens
 * behind it: 0.30 for a step's 336). They may differ by {@link #allowedFlips} flips, derived: a hit
 * can flip only where the target is one of the two largest logits and their gap is below 2δ, δ the
 * largest logit difference between the runs. Measured on this run (final weights of a 2-thread
 * AVX-512 run against a 1-thread AVX2 run, and the shared initial weights, over all 2,520 train and
 * test tokens): δ = 1.2e-6 after 24 steps; tokens with the target in the top two and a gap below g:
 * 37 of 2,520 for g = 1e-3 at initialisation (logits of size 0.03), 5 at the end, so a density of
 * at most {@link #GAP_DENSITY} = 15 per unit of logit per token. With δ ≤ {@link #LOGIT_DIVERGENCE}
 * = 1e-5 (8 times the measurement, for other kernels and thread counts) the flips behind a value
 * are at most Poisson with mean λ = N·15·2e-5 (0.10 for a step, 0.15 for an evaluation of 504
 * tokens), and k is the smallest count with P(more than k) below 1e-6 over all accuracy values
 * compared (k = 5 for the 60 values of a run: 1.5 points on a step's accuracy, 1.0 on an
 * evaluation's): a correct implementation fails with probability below 1e-6, while an accuracy
 * taken over one worker's half batch (about 2.5 points of noise per step) or summed instead of
 * averaged still fails. A train_acc row is a mean over m steps: its flips are Poisson with mean mλ
 * and may total mk, a smaller tail.
 */
class DataParallelTest {
  @TempDir Path tmp;

  static final double TOL = 1e-3;

  /** Top-2 gaps with the target among them, per unit of logit per token (class comment). */
  static final double GAP_DENSITY = 15;

  /** Bound on the logit difference between the two runs (class comment). */
  static final double LOGIT_DIVERGENCE = 1e-5;

  /** Attempts to start a loopback cluster whose ports another process may take meanwhile. */
  static final int START_ATTEMPTS = 3;

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
    Started first = startBoth(dp, "first", timeout, 150);
    String hosts = first.hosts();
    Process chief = first.chief(), worker = first.worker();
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

  /**
   * {@code n} free loopback addresses "127.0.0.1:p0,127.0.0.1:p1,...". They are free when this
   * returns; another process may take one before a child binds it, which {@link #startBoth} handles
   * by starting again on new ports.
   */
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

  /** A started loopback cluster of two tasks. */
  record Started(String hosts, Process chief, Process worker) {
    List<Process> both() {
      return List.of(chief, worker);
    }
  }

  /**
   * Starts tasks 0 and 1 on fresh loopback ports and waits until both TF servers are up. A port
   * taken by another process between {@link #loopbackHosts} and the child's bind makes that child
   * fail before any training step (no step can run without both tasks): then both are killed and
   * started again on new ports, up to {@link #START_ATTEMPTS} times.
   */
  private Started startBoth(Path dir, String tag, double timeout, long sleepMs) throws Exception {
    for (int attempt = 1; ; attempt++) {
      String hosts = loopbackHosts(2);
      Started s =
          new Started(
              hosts,
              start(dir, hosts, 0, timeout, sleepMs, tag),
              start(dir, hosts, 1, timeout, sleepMs, tag));
      long deadline = System.currentTimeMillis() + CHILD_SECONDS * 1000;
      boolean bindFailed = false;
      while (!(log(tag, 0).contains(DataParallelChild.SERVER_UP)
          && log(tag, 1).contains(DataParallelChild.SERVER_UP))) {
        bindFailed =
            log(tag, 0).contains(DataParallelChild.SERVER_FAILED)
                || log(tag, 1).contains(DataParallelChild.SERVER_FAILED);
        if (bindFailed || !s.chief().isAlive() || !s.worker().isAlive()) break;
        if (System.currentTimeMillis() > deadline) break;
        Thread.sleep(20);
      }
      if (!bindFailed) return s; // up, or failed otherwise: the caller reports it
      System.out.printf(
          "%s, attempt %d: a TF server could not bind its port (%s):%n%s%n%s%n",
          tag, attempt, hosts, log(tag, 0), log(tag, 1));
      for (Process p : s.both()) {
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
      }
      if (attempt == START_ATTEMPTS) fail(tag + ": no free ports in " + attempt + " attempts");
    }
  }

  /**
   * Runs tasks 0 and 1 of a fresh loopback cluster (new ports) on {@code dir} to the end, each
   * required to exit with success; both processes are killed if either fails.
   */
  private void runBothTasks(Path dir, String tag) throws Exception {
    List<Process> ps = startBoth(dir, tag, 60, 0).both();
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

  /**
   * Every row of metrics.csv and eval.csv of {@code b} equals {@code a}'s: within {@link #TOL}, and
   * the accuracy columns within {@link #allowedFlips} flipped argmax decisions (class comment).
   */
  static void assertSameCurve(RunDir a, RunDir b, long steps) throws IOException {
    List<String> ma = Files.readAllLines(a.metricsCsv()), ea = Files.readAllLines(a.evalCsv());
    int cells = 0; // accuracy values compared
    for (List<String> rows : List.of(ma, ea)) {
      for (String h : rows.get(0).split(",")) {
        if (tokensBehind(h) > 0) cells += rows.size() - 1;
      }
    }
    assertSameRows(a.metricsCsv(), b.metricsCsv(), steps + 1, cells);
    assertSameRows(a.evalCsv(), b.evalCsv(), -1, cells);
  }

  /**
   * The tokens behind one value of an accuracy column (0 for other columns): a step's batch (acc,
   * and train_acc, a mean of steps), or the evaluation's test images (test_acc); the _tail columns
   * count the last scale only.
   */
  static int tokensBehind(String column) {
    int[] pns = VarTrainerTest.PNS;
    int l = 0, tail = pns[pns.length - 1] * pns[pns.length - 1];
    for (int pn : pns) l += pn * pn;
    int evalImages = DataParallelChild.config().evalImages();
    int test =
        evalImages > 0
            ? Math.min(evalImages, VarTrainerTest.TINY_TEST_IMAGES)
            : VarTrainerTest.TINY_TEST_IMAGES;
    return switch (column) {
      case "acc", "train_acc" -> DataParallelChild.BATCH * l;
      case "acc_tail" -> DataParallelChild.BATCH * tail;
      case "test_acc" -> test * l;
      case "test_acc_tail" -> test * tail;
      default -> 0;
    };
  }

  /**
   * The argmax flips a value over {@code tokens} decisions may differ by, so that all {@code cells}
   * compared values pass with probability at least 1 - 1e-6 (class comment).
   */
  static int allowedFlips(int tokens, int cells) {
    double lambda = tokens * GAP_DENSITY * 2 * LOGIT_DIVERGENCE;
    return new PoissonDistribution(lambda).inverseCumulativeProbability(1 - 1e-6 / cells);
  }

  private static void assertSameRows(Path a, Path b, long expectRows, int cells)
      throws IOException {
    List<String> ra = Files.readAllLines(a), rb = Files.readAllLines(b);
    if (expectRows >= 0) assertEquals(expectRows, ra.size(), "rows of " + a);
    assertEquals(ra.size(), rb.size(), "rows of " + b + " against " + a);
    assertEquals(ra.get(0), rb.get(0), "header of " + b);
    String[] header = ra.get(0).split(",");
    double[] tol = new double[header.length];
    for (int j = 0; j < header.length; j++) {
      int n = tokensBehind(header[j]);
      tol[j] = n > 0 ? TOL + allowedFlips(n, cells) * 100.0 / n : TOL;
    }
    double worst = 0, worstAcc = 0;
    for (int i = 1; i < ra.size(); i++) {
      String[] x = ra.get(i).split(","), y = rb.get(i).split(",");
      assertEquals(x.length, y.length, "row " + i + " of " + b);
      for (int j = 0; j < x.length; j++) {
        double u = parse(x[j]), v = parse(y[j]);
        double d = Math.abs(u - v);
        if (!Double.isNaN(d)) {
          if (tokensBehind(header[j]) > 0) worstAcc = Math.max(worstAcc, d);
          else worst = Math.max(worst, d);
        }
        assertTrue(
            d <= tol[j] || Double.isNaN(u) && Double.isNaN(v),
            b.getFileName()
                + " row "
                + i
                + " column "
                + header[j]
                + ": "
                + v
                + " against the "
                + "single process's "
                + u
                + " (tolerance "
                + tol[j]
                + ")");
      }
    }
    System.out.printf(
        "%s: %d rows, largest difference %.3g (accuracies %.3g)%n",
        b.getFileName(), ra.size() - 1, worst, worstAcc);
  }

  private static double parse(String cell) {
    return cell.isBlank() ? Double.NaN : Double.parseDouble(cell);
  }
}
