package io.github.var4j.train;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.nn.TfCheckpoint;
import io.github.var4j.store.RunDir;
import io.github.var4j.testutil.ChildJvm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code kill -9} in the middle of training, for both trainers: a child JVM ({@link
 * KillResumeChild}) trains a tiny model, flushing a metrics row per step; when its {@code
 * metrics.csv} shows a step strictly between two checkpoints it is killed with SIGKILL ({@link
 * Process#destroyForcibly()}); the run is then resumed in this JVM to the end. Every row of {@code
 * metrics.csv} (and {@code eval.csv}) and the final checkpoint's bytes must equal those of an
 * uninterrupted run: batches, random draws, optimizer and dead-code state all continue exactly.
 */
class KillResumeTest {
  @TempDir Path tmp;

  /** Sleep of the child after each step: keeps the kill window wide on a loaded machine. */
  static final long CHILD_SLEEP_MS = 120;

  /** Bound on the child's start (JVM, TensorFlow) plus the steps before the kill. */
  static final long CHILD_DEADLINE_MS = 90_000;

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void varTrainerResumedAfterKill9WritesTheUninterruptedMetrics() throws Exception {
    Path ref = tmp.resolve("ref"), killed = tmp.resolve("killed");
    ByteArrayOutputStream refLog = new ByteArrayOutputStream();
    KillResumeChild.runVar(ref, StepListener.NONE, new PrintStream(refLog, true));
    long ck = KillResumeChild.VAR_CKPT;

    long killedAt = runChildAndKill("var", killed, ck + 1, ck);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    VarTrainer.Summary s =
        KillResumeChild.runVar(killed, StepListener.NONE, new PrintStream(log, true));
    long resumedAt = s.startStep();
    assertTrue(
        resumedAt > 0 && resumedAt % ck == 0 && resumedAt < killedAt,
        "resumed at step "
            + resumedAt
            + " (a checkpoint), the child was killed after step "
            + killedAt
            + "\n"
            + log);
    assertTrue(log.toString().contains("resumed from"), log.toString());
    assertFalse(log.toString().contains("note:"), "the resume state must be found:\n" + log);
    System.out.println("VAR run killed after step " + killedAt + ", resumed at " + resumedAt);

    RunDir a = new RunDir(ref), b = new RunDir(killed);
    assertSameRows(a.metricsCsv(), b.metricsCsv(), KillResumeChild.VAR_STEPS + 1);
    long evals =
        1
            + KillResumeChild.VAR_STEPS / 7
            + (KillResumeChild.VAR_STEPS % 7 == 0 ? 0 : 1); // 0, 7, .., 40
    assertSameRows(a.evalCsv(), b.evalCsv(), 1 + evals);
    assertSameCheckpoint(a, b);
  }

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void tokenizerTrainerResumedAfterKill9WritesTheUninterruptedMetrics() throws Exception {
    Path ref = tmp.resolve("ref"), killed = tmp.resolve("killed");
    ByteArrayOutputStream refLog = new ByteArrayOutputStream();
    KillResumeChild.runTokenizer(ref, StepListener.NONE, new PrintStream(refLog, true));
    assertTrue(
        refLog.toString().contains("unused codes"), "the run must restart dead codes:\n" + refLog);
    long ck = KillResumeChild.TOK_CKPT;

    long killedAt = runChildAndKill("tokenizer", killed, ck + 1, ck);
    // the checkpoint the run resumes from (e.g. step 6) comes after a dead-code restart (step 4)
    // and the start of the
    // discriminator (step 5); between two checks (4, 8) it must carry the codes hit since the last
    // one
    RunDir b = new RunDir(killed);
    long ckStep = killedAt / ck * ck;
    RunDir.ResumeState st = b.resumeState(ckStep).orElseThrow();
    assertTrue(st.getLong("deadCodeDraws") > 0, st.toString());
    if (ckStep % 4 != 0) assertFalse(st.getString("deadCodeHit").isEmpty(), st.toString());
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    TokenizerTrainer.Summary s =
        KillResumeChild.runTokenizer(killed, StepListener.NONE, new PrintStream(log, true));
    long resumedAt = KillResumeChild.TOK_STEPS - s.steps();
    assertTrue(
        resumedAt > 0 && resumedAt % ck == 0 && resumedAt < killedAt,
        "resumed at step "
            + resumedAt
            + " (a checkpoint), the child was killed after step "
            + killedAt
            + "\n"
            + log);
    assertFalse(log.toString().contains("note:"), "the resume state must be found:\n" + log);
    System.out.println(
        "tokenizer run killed after step "
            + killedAt
            + ", resumed at "
            + resumedAt
            + "\n"
            + refLog);

    RunDir a = new RunDir(ref);
    assertSameRows(a.metricsCsv(), b.metricsCsv(), KillResumeChild.TOK_STEPS + 1);
    assertSameCheckpoint(a, b);
  }

  /**
   * Starts {@code KillResumeChild <kind> <dir>} in a child JVM, waits until its metrics.csv shows a
   * step of at least {@code minStep} that is no multiple of {@code ckptEvery} (strictly between two
   * checkpoints) and kills it with SIGKILL.
   *
   * @return the last step in metrics.csv after the kill
   */
  private long runChildAndKill(String kind, Path dir, long minStep, long ckptEvery)
      throws Exception {
    Path childLog = tmp.resolve(kind + "-child.log");
    Process p =
        ChildJvm.start(
            KillResumeChild.class,
            childLog,
            List.of(kind, dir.toString(), Long.toString(CHILD_SLEEP_MS)));
    try {
      long deadline = System.currentTimeMillis() + CHILD_DEADLINE_MS;
      long step = -1;
      while (true) {
        step = ChildJvm.lastStep(new RunDir(dir).metricsCsv());
        if (step >= minStep && step % ckptEvery != 0) break;
        if (!p.isAlive()) {
          fail(
              "the child ended (exit "
                  + p.exitValue()
                  + ") before it was killed, at step "
                  + step
                  + ":\n"
                  + Files.readString(childLog));
        }
        if (System.currentTimeMillis() > deadline) {
          fail(
              "the child reached only step "
                  + step
                  + " in "
                  + CHILD_DEADLINE_MS
                  + " ms:\n"
                  + Files.readString(childLog));
        }
        Thread.sleep(10);
      }
      p.destroyForcibly();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the killed child did not end");
      assertEquals(137, p.exitValue(), "exit status of a SIGKILLed JVM (128 + 9)");
      long after = ChildJvm.lastStep(new RunDir(dir).metricsCsv());
      assertTrue(
          after % ckptEvery != 0 && after > ckptEvery,
          "killed after step "
              + after
              + ", which must lie strictly between two checkpoints (every "
              + ckptEvery
              + ")");
      assertTrue(
          TfCheckpoint.exists(new RunDir(dir).checkpointPrefix()), "the child wrote no checkpoint");
      return after;
    } finally {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static void assertSameRows(Path expected, Path actual, long rows) throws IOException {
    List<String> e = Files.readAllLines(expected), a = Files.readAllLines(actual);
    assertEquals(rows, e.size(), "rows of " + expected);
    List<String> diffs = new ArrayList<>();
    for (int i = 0; i < Math.max(e.size(), a.size()); i++) {
      String x = i < e.size() ? e.get(i) : "(none)", y = i < a.size() ? a.get(i) : "(none)";
      if (!x.equals(y)) diffs.add("line " + (i + 1) + ": uninterrupted " + x + " | resumed " + y);
    }
    assertEquals(
        List.of(),
        diffs.subList(0, Math.min(5, diffs.size())),
        actual.getFileName()
            + " of the resumed run "
            + "differs in "
            + diffs.size()
            + " rows (the first 5 shown)");
  }

  private static void assertSameCheckpoint(RunDir a, RunDir b) throws IOException {
    for (String suffix : List.of(TfCheckpoint.DATA_SUFFIX, TfCheckpoint.INDEX_SUFFIX)) {
      Path x = Path.of(TfCheckpoint.bundle(a.checkpointPrefix()) + suffix);
      Path y = Path.of(TfCheckpoint.bundle(b.checkpointPrefix()) + suffix);
      assertEquals(
          -1L,
          Files.mismatch(x, y),
          "final checkpoint "
              + y.getFileName()
              + " differs from the uninterrupted "
              + "run's: the weights or optimizer state diverged");
    }
  }
}
