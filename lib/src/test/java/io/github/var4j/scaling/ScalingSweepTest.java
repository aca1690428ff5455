package io.github.var4j.scaling;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.data.ImageDataset;
import io.github.var4j.data.SyntheticShapes;
import io.github.var4j.stats.PowerLaw;
import io.github.var4j.testutil.TinyVae;
import io.github.var4j.train.TokenCache;
import io.github.var4j.train.VarTrainConfig;
import io.github.var4j.transformer.Flops;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.Tokenizer;
import io.github.var4j.vae.VqVaeConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scaling sweep end to end on a tiny tokenizer and synthetic images: 3 sizes, few steps. */
class ScalingSweepTest {
  @TempDir Path tmp;

  static final VqVaeConfig VAE = TinyVae.grey16();

  /** 8 steps of 8 images, evaluated at 1 %..100 % log-spaced (steps 1, 2, 3, 4, 6, 8). */
  static VarTrainConfig base() {
    return VarTrainConfig.quick(8).withBatchSize(8).withEval(0, 0).withCheckpointEvery(2);
  }

  private ScalingSweep sweep(Path root, Tokenizer tok, TokenCache train, TokenCache test) {
    return new ScalingSweep(
        root.resolve("results"),
        root.resolve("runs"),
        base(),
        6,
        tok,
        SyntheticShapes.NUM_CLASSES,
        train,
        test,
        "synthetic",
        new PrintStream(new ByteArrayOutputStream()));
  }

  @Test
  void sizesTrainSkipResumeExactlyAndFit() throws Exception {
    ImageDataset trainImgs = SyntheticShapes.generate(32, 16, 1, 1);
    ImageDataset testImgs = SyntheticShapes.generate(16, 16, 1, 2);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    try (Tokenizer tok = Tokenizer.initialized(VAE, 3)) {
      TokenCache train = TokenCache.encode(tok, trainImgs, 16, "train", quiet);
      TokenCache test = TokenCache.encode(tok, testImgs, 16, "test", quiet);
      ScalingSweep a = sweep(tmp.resolve("a"), tok, train, test);
      for (int d = 1; d <= 3; d++) a.run(d);
      assertTrue(a.done(2));
      for (int pct : ScalingSweep.SNAPSHOT_PERCENT) // weights kept at 20, 60, 100 % for Fig. 7
      assertTrue(
            io.github.var4j.store.ModelDir.exists(a.snapshotDir(3, pct)), "d3 at " + pct + " %");
      List<Map<String, String>> rows = ScalingSweep.readAll(tmp.resolve("a/results"));
      long[] evals = ScalingFamily.logSpacedSteps(8, 6);
      assertEquals(3 * evals.length, rows.size());
      Map<String, String> last = rows.get(rows.size() - 1);
      VarConfig m3 = a.model(3);
      assertEquals(ScalingFamily.WIDTH_PER_DEPTH * 3, m3.embedDim());
      assertEquals(Long.toString(m3.nonEmbeddingParams()), last.get("n_nonembedding"));
      assertEquals(
          8 * (double) Flops.trainingStep(m3, 8), Double.parseDouble(last.get("flops")), 1);

      // a second sweep killed in the middle of d2 and resumed writes the same result file
      ScalingSweep b = sweep(tmp.resolve("b"), tok, train, test);
      b.run(1);
      RuntimeException kill =
          assertThrows(
              RuntimeException.class,
              () ->
                  b.run(
                      2,
                      step -> {
                        if (step == 5) throw new RuntimeException("killed at step 5");
                      }));
      assertEquals("killed at step 5", kill.getMessage());
      assertFalse(b.done(2));
      b.run(2);
      assertEquals(
          Files.readAllLines(a.resultFile(2)),
          Files.readAllLines(b.resultFile(2)),
          "d2 after resume");

      Map<String, Map<String, String>> fits = ScalingFits.writeFits(tmp.resolve("a/results"));
      assertTrue(Files.exists(tmp.resolve("a/results/fits.csv")));
      for (String m : ScalingSweep.METRICS) {
        assertTrue(fits.containsKey(m + "~N~power"), m);
        // the C frontier keeps the evaluations that improve on all cheaper ones: how many depends
        // on the training trajectory; with fewer than 3 the row says so instead of a fit
        Map<String, String> c = fits.get(m + "~C~power");
        assertNotNull(c, m);
        int points = Integer.parseInt(c.get("points"));
        assertEquals(
            points < PowerLaw.MIN_POINTS,
            ScalingFits.NOT_ENOUGH_POINTS.equals(c.get("formula")),
            m + " C fit: " + c);
        assertEquals("3", fits.get(m + "~N~power").get("points"));
      }
      var panels = ScalingFigures.lawPanels(rows);
      assertTrue(panels.getWidth() >= 2 * 640 && panels.getHeight() >= 4 * 420);
      var grid =
          ScalingFigures.progressGrid(
              tmp.resolve("a/runs"),
              new int[] {1, 3},
              tok,
              new int[] {0, 1},
              null,
              Map.of(),
              io.github.var4j.sample.SampleOptions.defaults(),
              1);
      assertTrue(grid.getWidth() >= 6 * 16 && grid.getHeight() >= 2 * 16);
      // only 2 finished sizes: the fit says which one it could not make
      var e =
          assertThrows(
              IllegalArgumentException.class,
              () -> ScalingFits.fit(ScalingSweep.readAll(tmp.resolve("b/results"))));
      assertEquals(
          "fit of loss_last against N: a fit needs at least 3 points, got 2", e.getMessage());
    }
  }

  /** One finished size's result row (the columns {@link ScalingSweep#fit} reads). */
  private static Map<String, String> row(int depth, int step, double flops, double metric) {
    Map<String, String> r = new java.util.HashMap<>();
    r.put("depth", Integer.toString(depth));
    r.put("batch", "8");
    r.put("steps", "8");
    r.put("step", Integer.toString(step));
    r.put("data", "x");
    r.put("n_nonembedding", Integer.toString(1000 * depth));
    r.put("flops", Double.toString(flops));
    for (String m : ScalingSweep.METRICS) r.put(m, Double.toString(metric));
    return r;
  }

  /**
   * A compute frontier of fewer than 3 points (the larger sizes never beat the smallest one's
   * cheaper evaluations) is recorded as "not enough points"; the N fits are made.
   */
  @Test
  void aFrontierOfTwoPointsIsRecordedNotThrown() {
    List<Map<String, String>> rows =
        List.of(
            row(1, 4, 1, 3.0),
            row(1, 8, 2, 2.0),
            row(2, 8, 4, 2.5),
            row(3, 8, 8, 2.2)); // frontier: (1, 3.0), (2, 2.0)
    Map<String, Map<String, String>> fits = ScalingFits.fit(rows);
    for (String m : ScalingSweep.METRICS) {
      Map<String, String> c = fits.get(m + "~C~power");
      assertEquals("2", c.get("points"), m);
      assertEquals(ScalingFits.NOT_ENOUGH_POINTS, c.get("formula"), m);
      assertEquals("", c.getOrDefault("alpha", ""), m);
      assertFalse(fits.containsKey(m + "~C~irreducible"), m);
      assertEquals("3", fits.get(m + "~N~power").get("points"), m);
    }
    // the figure draws the two frontier points without a fit line
    var chart = ScalingFigures.againstC(rows, "loss_last", 640, 420);
    assertTrue(chart.getTitle().endsWith("(too few points to fit)"), chart.getTitle());
    assertNotNull(io.github.var4j.viz.Charts.toImage(chart));
  }

  /**
   * The laws as the paper plots them: the post-warm-up frontier keeps only evaluations at steps >=
   * 2 x the warm-up (5 % of 1,000 steps: 50, so steps >= 100), and the reducible rows subtract the
   * E of the irreducible fit against N, with its bootstrap interval.
   */
  @Test
  void postWarmupFrontierAndReducibleLaws() {
    List<Map<String, String>> rows = new java.util.ArrayList<>();
    int[] steps = {10, 50, 100, 300, 1000};
    for (int d = 1; d <= 5; d++) {
      double n = 1000 * Math.pow(4, d);
      for (int st : steps) {
        double loss = 2 + Math.pow(1e5 / n, 0.3) + 3.0 / st; // the last term: training progress
        Map<String, String> r = row(d, st, n * st, loss);
        r.put("steps", "1000");
        r.put("batch", "8");
        r.put("n_nonembedding", Double.toString(n));
        rows.add(r);
      }
    }
    assertFalse(ScalingFits.afterWarmup(rows.get(1)), "step 50 < 2 x 50");
    assertTrue(ScalingFits.afterWarmup(rows.get(2)), "step 100 >= 2 x 50");
    Map<String, Map<String, String>> fits = ScalingFits.fit(rows);
    for (String m : ScalingSweep.METRICS) {
      Map<String, String> late = fits.get(m + "~C~power-" + ScalingFits.POST_WARMUP);
      List<Map<String, String>> kept = rows.stream().filter(ScalingFits::afterWarmup).toList();
      double[][] front = ScalingFits.frontier(kept, m);
      assertEquals(Integer.toString(front[0].length), late.get("points"), m);
      Map<String, String> irr = fits.get(m + "~N~irreducible");
      Map<String, String> red = fits.get(m + "~N~reducible");
      assertEquals(irr.get("e"), red.get("e"), m);
      double e = Double.parseDouble(red.get("e"));
      assertTrue(
          Double.parseDouble(red.get("e_lo")) <= e && e <= Double.parseDouble(red.get("e_hi")),
          red.toString());
      assertTrue(red.get("formula").startsWith("L - E ="), red.get("formula"));
      assertEquals(-0.3, Double.parseDouble(red.get("alpha")), 0.01, m);
      assertTrue(fits.containsKey(m + "~C~reducible"), m);
      assertTrue(fits.containsKey(m + "~C~reducible-" + ScalingFits.POST_WARMUP), m);
    }
  }

  @Test
  void mixedBudgetsOrDataAreRefused() {
    Map<String, String> a =
        Map.of(
            "depth",
            "1",
            "batch",
            "8",
            "steps",
            "8",
            "step",
            "8",
            "data",
            "x",
            "n_nonembedding",
            "10",
            "flops",
            "1",
            "loss_last",
            "1");
    Map<String, String> b =
        Map.of(
            "depth",
            "2",
            "batch",
            "8",
            "steps",
            "16",
            "step",
            "16",
            "data",
            "x",
            "n_nonembedding",
            "20",
            "flops",
            "2",
            "loss_last",
            "1");
    var e = assertThrows(IllegalArgumentException.class, () -> ScalingFits.fit(List.of(a, b)));
    assertEquals(
        "runs with different token budgets in one fit: d1 trains 64 images, d2 128",
        e.getMessage());
    Map<String, String> c =
        Map.of(
            "depth",
            "3",
            "batch",
            "8",
            "steps",
            "8",
            "step",
            "8",
            "data",
            "y",
            "n_nonembedding",
            "30",
            "flops",
            "3",
            "loss_last",
            "1");
    e = assertThrows(IllegalArgumentException.class, () -> ScalingFits.fit(List.of(a, c)));
    assertEquals("runs on different data in one fit: d1 on 'x', d3 on 'y'", e.getMessage());
  }

  @Test
  void logSpacedStepsCoverOnePercentToAll() {
    assertArrayEquals(
        new long[] {20, 33, 56, 93, 155, 258, 431, 719, 1199, 2000},
        ScalingFamily.logSpacedSteps(2000, 10));
    assertEquals(1e-3 * 128 / 64, ScalingFamily.peakLr(64), 1e-15);
  }
}
