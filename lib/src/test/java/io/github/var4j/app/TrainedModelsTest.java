package io.github.var4j.app;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.sample.VarSampler;
import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
import io.github.var4j.store.RunDir;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.Tokenizer;
import io.github.var4j.vae.VqVaeConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainedModelsTest {
  @TempDir Path tmp;

  @Test
  void quickFlagParsing() {
    assertFalse(TrainedModels.isQuick(null));
    assertFalse(TrainedModels.isQuick(""));
    assertFalse(TrainedModels.isQuick("0"));
    assertFalse(TrainedModels.isQuick("FALSE"));
    assertTrue(TrainedModels.isQuick("1"));
  }

  @Test
  void missingModelsAreAnErrorOutsideQuickModeAndRandomInQuickMode() throws IOException {
    Path tok = tmp.resolve("tok"), var = tmp.resolve("var");
    PrintStream log = new PrintStream(new ByteArrayOutputStream());
    IOException e =
        assertThrows(
            IOException.class, () -> TrainedModels.openSampler(Map.of(), false, tok, var, log));
    assertTrue(
        e.getMessage()
            .startsWith("no trained tokenizer in " + tok + ": run `scripts/var4j train-tokenizer`"),
        e.getMessage());
    IOException bad =
        assertThrows(
            IOException.class,
            () ->
                TrainedModels.openSampler(
                    Map.of("VAR4J_VAR_DIR", var.toString()), true, tok, var, log));
    assertEquals("VAR4J_VAR_DIR=" + var + " has no config.json", bad.getMessage());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (VarSampler s =
        TrainedModels.openSampler(Map.of(), true, tok, var, new PrintStream(out, true))) {
      assertEquals(2, s.varConfig().depth());
      assertEquals(512, s.varConfig().vocabSize());
    }
    assertTrue(out.toString().contains("QUICK MODE WITHOUT A TRAINED VAR"), out.toString());
  }

  /** A model directory: an exported random default tokenizer. */
  private Path tokenizerModel(String name) throws IOException {
    Path dir = tmp.resolve(name);
    try (Tokenizer t = Tokenizer.initialized(VqVaeConfig.fashionMnistDefault(), 3)) {
      ModelDir.save(dir, ModelKind.TOKENIZER, t.config(), t.params().stateDict(t.session()));
    }
    return dir;
  }

  @Test
  void locateResolvesModelAndRunDirectoriesFromTheEnvironmentOrTheDefaults() throws IOException {
    Path dflt = tmp.resolve("models/fmnist-var"), run = tmp.resolve("runs/var-fmnist");
    Path committed = tmp.resolve("results/var-fmnist");
    ModelLocation<VarConfig> d =
        TrainedModels.locate(Map.of(), ModelKind.VAR, "M", "R", dflt, run, committed);
    assertEquals(dflt, d.modelDir());
    assertEquals(run, d.runDir().dir());
    assertEquals(committed, d.committedResults());
    assertFalse(d.fromEnvironment());
    assertFalse(d.exists());
    assertEquals("VAR " + dflt + ": not found", d.describe());

    IOException e =
        assertThrows(
            IOException.class,
            () ->
                TrainedModels.locate(
                    Map.of("M", tmp.resolve("typo").toString()),
                    ModelKind.VAR,
                    "M",
                    "R",
                    dflt,
                    run,
                    committed));
    assertEquals("M=" + tmp.resolve("typo") + " has no config.json", e.getMessage());

    Path other = tokenizerModel("other-tok");
    ModelLocation<VqVaeConfig> env =
        TrainedModels.locate(
            Map.of("M", other.toString(), "R", tmp.resolve("my-run").toString()),
            ModelKind.TOKENIZER,
            "M",
            "R",
            dflt,
            run,
            committed);
    assertEquals(other, env.modelDir());
    assertEquals(tmp.resolve("my-run"), env.runDir().dir());
    assertNull(env.committedResults(), "the committed results belong to the default model only");
    assertTrue(env.fromEnvironment());
    assertTrue(env.exists());
    assertEquals(VqVaeConfig.fashionMnistDefault(), env.config());
    assertEquals("tokenizer " + other + " (M): found", env.describe());
    ModelLocation<VqVaeConfig> blank =
        TrainedModels.locate(
            Map.of("M", " ", "R", ""), ModelKind.TOKENIZER, "M", "R", dflt, run, committed);
    assertEquals(dflt, blank.modelDir());
    assertEquals(run, blank.runDir().dir());
  }

  @Test
  void trainingRecordPrefersTheRunDirectoryThenTheCommittedCopies() throws IOException {
    Path run = tmp.resolve("runs/var-fmnist"), results = tmp.resolve("results");
    Path committed = results.resolve("var-fmnist");
    ModelLocation<VarConfig> loc =
        TrainedModels.locate(
            Map.of(), ModelKind.VAR, "M", "R", tmp.resolve("model"), run, committed);

    TrainingRecord none = loc.training();
    assertFalse(none.hasMetrics() || none.hasEval());
    assertTrue(none.time().isEmpty());
    assertTrue(Double.isNaN(none.seconds()));
    assertEquals(0, none.metricsRows());

    Files.createDirectories(results);
    Files.writeString(
        results.resolve("var-fmnist.csv"),
        "metric,value\ndepth,4\nsteps,2000\ntrain_minutes,29.5\ncores,2\n");
    Files.writeString(results.resolve("var-fmnist-eval.csv"), "step,test_loss\n0,6.2\n2000,2.1\n");
    StringBuilder steps = new StringBuilder("step,loss\n");
    for (int i = 1; i <= 1000; i++) steps.append(i).append(",1.5\n");
    Files.writeString(results.resolve("var-fmnist-train-metrics.csv"), steps.toString());
    TrainingRecord c = loc.training();
    assertEquals(results.resolve("var-fmnist-eval.csv"), c.evalCsv());
    assertEquals(results.resolve("var-fmnist-train-metrics.csv"), c.metricsCsv());
    assertEquals(new RunDir.TrainingTime(29.5 * 60, 2000, 2), c.time().orElseThrow());
    assertEquals(1000, c.metricsRows());
    assertEquals(10, c.window(100));
    assertTrue(c.describe().contains("trained 2000 steps in 29.5 min on 2 cores"), c.describe());

    // a run directory with only token caches (notebook 02 in a fresh clone) still uses the copies
    Files.createDirectories(run);
    Files.writeString(run.resolve("tokens-test.v4jt"), "x");
    assertEquals(c, loc.training());

    // the run's own files win
    RunDir rd = new RunDir(run);
    Files.writeString(rd.metricsCsv(), "step,loss\n1,2\n2,1\n");
    rd.addTrainingTime(2, 12.5);
    TrainingRecord r = loc.training();
    assertEquals(rd.metricsCsv(), r.metricsCsv());
    assertNull(r.evalCsv());
    assertEquals(12.5, r.seconds(), 1e-9);
    assertEquals(2, r.time().orElseThrow().steps());
  }

  @Test
  void committedTokenizerResultsGiveTheTrainingTime() throws IOException {
    Path prefix = tmp.resolve("tokenizer-fmnist");
    Files.writeString(
        tmp.resolve("tokenizer-fmnist.csv"),
        "metric,value\npsnr_db,25.1576\ntrain_seconds,3400.3\ntrain_steps,3000\ntrain_cores,2\n");
    TrainingRecord c = TrainingRecord.committed(prefix);
    assertEquals(new RunDir.TrainingTime(3400.3, 3000, 2), c.time().orElseThrow());
    assertFalse(c.hasMetrics());
    assertEquals("no training curves in " + prefix + "*", c.describe());
  }

  @Test
  void openTokenizerLoadsOrIsRandomInQuickModeOrSaysWhatToRun() throws IOException {
    Path missing = tmp.resolve("models/none");
    ModelLocation<VqVaeConfig> loc =
        TrainedModels.locate(
            Map.of(), ModelKind.TOKENIZER, "M", "R", missing, tmp.resolve("run"), null);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    IOException e =
        assertThrows(IOException.class, () -> TrainedModels.openTokenizer(loc, false, quiet));
    assertTrue(
        e.getMessage()
            .startsWith(
                "no trained tokenizer in "
                    + missing
                    + ": run notebook 01 or `scripts/var4j train-tokenizer`"),
        e.getMessage());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Tokenizer t = TrainedModels.openTokenizer(loc, true, new PrintStream(out, true))) {
      assertEquals(VqVaeConfig.fashionMnistDefault(), t.config());
    }
    assertTrue(out.toString().contains("QUICK MODE WITHOUT A TRAINED TOKENIZER"), out.toString());

    Path saved = tokenizerModel("tok");
    ModelLocation<VqVaeConfig> ok =
        TrainedModels.locate(
            Map.of(), ModelKind.TOKENIZER, "M", "R", saved, tmp.resolve("run"), null);
    try (Tokenizer t = TrainedModels.openTokenizer(ok, false, quiet)) {
      assertEquals(VqVaeConfig.fashionMnistDefault(), t.config());
    }
  }
}
