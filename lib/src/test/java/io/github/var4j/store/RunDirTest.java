package io.github.var4j.store;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.nn.Init;
import io.github.var4j.nn.Layout;
import io.github.var4j.nn.Param;
import io.github.var4j.nn.ParamStore;
import io.github.var4j.nn.Sessions;
import io.github.var4j.nn.TfCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

class RunDirTest {
  @TempDir Path tmp;

  /** A one-variable graph with its checkpoint ops; the variable holds {@code value}. */
  private static final class Tiny implements AutoCloseable {
    final Graph g = new Graph();
    final ParamStore ps = new ParamStore(Ops.create(g));
    final Param w = ps.create("w", new long[] {2}, Layout.AS_IS, Init.zeros());
    final TfCheckpoint ckpt = new TfCheckpoint(ps);
    final Session s = Sessions.create(g);

    Tiny set(float v) {
      ps.assignTf(s, Map.of(w, new float[] {v, -v}));
      return this;
    }

    float get() {
      return ps.fetchTf(s, List.of(w)).get(w)[0];
    }

    @Override
    public void close() {
      s.close();
      g.close();
    }
  }

  @Test
  void resumeStatesOfTheLastTwoCheckpointsAreKeptAndReadBackExactly() throws Exception {
    RunDir run = new RunDir(tmp.resolve("run")).create();
    double third = 1.0 / 3;
    try (Tiny t = new Tiny()) {
      for (long step : new long[] {10, 20, 30}) {
        t.set(step);
        run.saveCheckpoint(
            t.s,
            t.ckpt,
            new RunDir.ResumeState(step)
                .put("sum", third * step)
                .put("n", step)
                .put("nan", Double.NaN)
                .put("hex", "00ff"));
      }
    }
    assertTrue(run.hasCheckpoint());
    assertEquals(30, run.resumeState(30).orElseThrow().getLong("n"));
    assertTrue(run.resumeState(20).isPresent(), "the previous checkpoint's state stays");
    assertTrue(run.resumeState(10).isEmpty(), "older states are dropped");
    RunDir.ResumeState st = run.resumeState(30).orElseThrow();
    assertEquals(third * 30, st.getDouble("sum"), 0.0, "doubles read back to the same bits");
    assertTrue(Double.isNaN(st.getDouble("nan")));
    assertEquals("00ff", st.getString("hex"));
    IOException e = assertThrows(IOException.class, () -> st.getLong("missing"));
    assertEquals(run.resumeFile() + " of step 30 lacks 'missing'", e.getMessage());
    try (Tiny t = new Tiny()) {
      t.ckpt.restore(t.s, run.checkpointPrefix());
      assertEquals(30f, t.get());
    }
  }

  @Test
  void aBundleThatIsNeverWrittenLeavesThePreviousCheckpointWithItsState() throws Exception {
    RunDir run = new RunDir(tmp.resolve("run")).create();
    try (Tiny t = new Tiny();
        Tiny dead = new Tiny()) {
      run.saveCheckpoint(t.set(0).s, t.ckpt, new RunDir.ResumeState(10).put("x", 1L));
      // a process killed after writing the new state but before renaming the new bundle: here the
      // bundle write fails
      dead.s.close();
      assertThrows(
          Exception.class,
          () -> run.saveCheckpoint(dead.s, dead.ckpt, new RunDir.ResumeState(20).put("x", 2L)));
      t.set(5);
      t.ckpt.restore(t.s, run.checkpointPrefix());
      assertEquals(0f, t.get(), "the bundle of step 10 is still there");
    }
    assertEquals(1L, run.resumeState(10).orElseThrow().getLong("x"), "and so is its state");
    assertEquals(2L, run.resumeState(20).orElseThrow().getLong("x"));
  }

  @Test
  void aResumeStateFromAnotherSeedIsRejectedNamingBothValues() throws Exception {
    RunDir.ResumeState st = new RunDir.ResumeState(250).put("seed", 7L);
    st.expect("seed", 7);
    st.expect("batchSize", 64); // not recorded: passes
    IOException e = assertThrows(IOException.class, () -> st.expect("seed", 8));
    assertEquals(
        "the checkpoint at step 250 (resume state) was trained with seed 7, this run has seed 8: it would not "
            + "continue the same run. Resume with seed 7, or use another run directory.",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> st.put("bad name", 1L));
    assertThrows(IllegalArgumentException.class, () -> st.put("ok", "a=b"));
  }

  @Test
  void aDamagedResumeFileIsAnErrorNamingIt() throws Exception {
    RunDir run = new RunDir(tmp).create();
    Files.writeString(run.resumeFile(), "seed=3\n");
    IOException e = assertThrows(IOException.class, () -> run.resumeState(0));
    assertTrue(
        e.getMessage()
            .startsWith(run.resumeFile() + ": key 'seed' is not of the form <step>.<name>"),
        e.getMessage());
  }

  @Test
  void metricsCsvKeepsTheRowsUpToTheResumeStepAndDropsATornLine() throws Exception {
    RunDir run = new RunDir(tmp).create();
    List<String> header = List.of("step", "a", "b");
    try (MetricsCsv csv = run.openMetrics(header, 0)) {
      for (int s = 1; s <= 5; s++) csv.append(s, s * 0.5, Double.NaN);
    }
    assertEquals(
        List.of("step,a,b", "1,0.500000,", "2,1.00000,", "3,1.50000,", "4,2.00000,", "5,2.50000,"),
        Files.readAllLines(run.metricsCsv()));
    Files.writeString(
        run.metricsCsv(), "6,3.0", java.nio.file.StandardOpenOption.APPEND); // killed mid-row
    try (MetricsCsv csv = run.openMetrics(header, 3)) {
      csv.append(4, 9, 9);
    }
    assertEquals(
        List.of("step,a,b", "1,0.500000,", "2,1.00000,", "3,1.50000,", "4,9.00000,9.00000"),
        Files.readAllLines(run.metricsCsv()));
    // a torn row that still parses as an early step ("2" of "2,1.0,...") is not kept either
    Files.writeString(
        run.metricsCsv(), "step,a,b\n1,1,1\n2", java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
    try (MetricsCsv csv = run.openMetrics(header, 5)) {
      assertEquals(run.metricsCsv(), csv.file());
    }
    assertEquals(List.of("step,a,b", "1,1,1"), Files.readAllLines(run.metricsCsv()));
    IOException e =
        assertThrows(IOException.class, () -> run.openMetrics(List.of("step", "loss"), 5));
    assertEquals(
        run.metricsCsv()
            + " has the header 'step,a,b', this run writes 'step,loss': it belongs to another "
            + "kind of run; use another run directory",
        e.getMessage());
  }

  @Test
  void trainingTimeAddsUpSessionsAndReadsTheOlderFormat() throws Exception {
    RunDir run = new RunDir(tmp).create();
    assertTrue(run.trainingTime().isEmpty());
    // time.properties as written by java.util.Properties (earlier var4j versions)
    Files.writeString(
        run.timeFile(),
        "#wall time of training\n#Tue Nov 24 07:00:00 UTC 2026\ncores=2\nseconds=3400.0\n"
            + "steps=3000\n");
    assertEquals(new RunDir.TrainingTime(3400.0, 3000, 2), run.trainingTime().orElseThrow());
    RunDir.TrainingTime t = run.addTrainingTime(500, 100.04);
    assertEquals(3500.04, t.seconds(), 1e-9);
    assertEquals(3500, t.steps());
    assertEquals(Runtime.getRuntime().availableProcessors(), t.cores());
    RunDir.TrainingTime read = run.trainingTime().orElseThrow();
    assertEquals(3500.0, read.seconds(), 0.0, "one decimal on disk");
    assertEquals(3500, read.steps());
    assertEquals(3500.0 / 60, read.minutes(), 1e-12);
    Files.writeString(run.timeFile(), "seconds=abc\nsteps=1\n");
    IOException e = assertThrows(IOException.class, run::trainingTime);
    assertTrue(
        e.getMessage().startsWith(run.timeFile() + " holds a value that is not a number"),
        e.getMessage());
  }
}
