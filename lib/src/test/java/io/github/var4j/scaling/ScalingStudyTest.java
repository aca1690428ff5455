package io.github.var4j.scaling;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.data.DataSplit;
import io.github.var4j.data.SyntheticShapes;
import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
import io.github.var4j.train.VarTrainConfig;
import io.github.var4j.vae.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The study's layout, defaults and argument checks, and one tiny study end to end. */
class ScalingStudyTest {
  @TempDir Path tmp;

  private final PrintStream quiet = new PrintStream(new ByteArrayOutputStream());

  @Test
  void layoutAndDefaultsOfTheFullAndTheQuickStudy() {
    ScalingStudy full = new ScalingStudy(tmp, false);
    assertEquals(tmp.resolve("experiments/results/scaling"), full.results());
    assertEquals(tmp.resolve("runs/scaling"), full.runs());
    assertEquals(tmp.resolve("figures"), full.figures());
    assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7}, full.defaultDepths());
    VarTrainConfig b = full.base(null, null);
    assertEquals(1000, b.steps());
    assertEquals(64, b.batchSize());

    ScalingStudy quick = new ScalingStudy(tmp, true);
    assertEquals(tmp.resolve("out/quick/results/scaling"), quick.results());
    assertEquals(tmp.resolve("out/quick/runs/scaling"), quick.runs());
    assertEquals(tmp.resolve("out/quick/figures"), quick.figures());

    ScalingStudy named =
        new ScalingStudy(tmp.resolve("r"), tmp.resolve("u"), tmp.resolve("f"), true);
    assertEquals(tmp.resolve("r"), named.results());
    assertEquals(tmp.resolve("u"), named.runs());
    assertEquals(tmp.resolve("f"), named.figures());
    assertArrayEquals(new int[] {1, 2, 3}, named.defaultDepths());
    assertArrayEquals(new int[] {1, 2, 3}, quick.defaultDepths());
    assertEquals(12, quick.base(null, null).steps());
    assertEquals(8, quick.base(null, null).batchSize());
    assertEquals(30, quick.base(30L, 4).steps());
    assertEquals(4, quick.base(30L, 4).batchSize());
  }

  @Test
  void unknownSizesAndTooFewEvaluationsAreRefusedByName() {
    ScalingStudy s = new ScalingStudy(tmp, false);
    DataSplit split =
        new DataSplit(SyntheticShapes.generate(8, 16, 1, 1), SyntheticShapes.generate(4, 16, 1, 2));
    Path tok = tmp.resolve("no-tokenizer");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> s.train(split, "x", tok, new int[] {2, 17}, s.base(8L, 8), 6, quiet));
    assertEquals("unknown size d17: depths are 1..16", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> s.train(split, "x", tok, new int[] {0}, s.base(8L, 8), 6, quiet));
    assertEquals("unknown size d0: depths are 1..16", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> s.train(split, "x", tok, new int[] {1}, s.base(8L, 8), 1, quiet));
    assertEquals(
        "evalPoints must be at least 2 (a fit needs points along training), got 1", e.getMessage());
  }

  @Test
  void aTinyStudyTrainsFitsAndDrawsItsFigures() throws Exception {
    Path tokDir = tmp.resolve("tokenizer");
    try (Tokenizer t = Tokenizer.initialized(ScalingSweepTest.VAE, 3)) {
      ModelDir.save(tokDir, ModelKind.TOKENIZER, t.config(), t.params().stateDict(t.session()));
    }
    DataSplit split =
        new DataSplit(
            SyntheticShapes.generate(32, 16, 1, 1), SyntheticShapes.generate(16, 16, 1, 2));
    ScalingStudy s = new ScalingStudy(tmp.resolve("root"), false);
    VarTrainConfig base = ScalingSweepTest.base();
    s.train(split, "synthetic", tokDir, new int[] {1, 2, 3}, base, 6, quiet);
    Path clsDir = tmp.resolve("classifier");
    io.github.var4j.classifier.ClassifierConfig cc =
        new io.github.var4j.classifier.ClassifierConfig(1, 16, 8, SyntheticShapes.NUM_CLASSES, 4);
    try (io.github.var4j.classifier.Classifier c =
        io.github.var4j.classifier.Classifier.initialized(cc, 1)) {
      ModelDir.save(clsDir, ModelKind.CLASSIFIER, cc, c.stateDict());
    }
    Map<String, Map<String, String>> fits =
        s.fitAndDraw(tokDir, clsDir, SyntheticShapes.generate(64, 16, 1, 4), quiet);
    // the per-size FIDs of the grid: one row per size, kept for the next call
    var fid =
        io.github.var4j.io.KeyedCsv.read(
            s.results().resolve("samples-fid.csv"), ScalingStudy.FID_HEADER, "fid");
    assertEquals(List.of("d1", "d2", "d3"), List.copyOf(fid.keySet()));
    for (var r : fid.values()) assertTrue(Double.parseDouble(r.get("fid")) >= 0, r.toString());
    assertTrue(fits.containsKey("loss_avg~N~power"), fits.keySet().toString());
    assertEquals("3", fits.get("loss_avg~N~power").get("points"));
    assertTrue(Files.exists(s.results().resolve("fits.csv")));
    for (String f :
        new String[] {"scaling-laws.png", "scaling-frontier.png", "scaling-samples.png"})
      assertTrue(Files.size(s.figures().resolve(f)) > 1000, f);
    // without the run directories (a fresh clone): fits and law figures, the grid is left alone
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Path grid = s.figures().resolve("scaling-samples.png");
    long gridTime = Files.getLastModifiedTime(grid).toMillis();
    Path moved = tmp.resolve("runs-moved");
    Files.move(s.runs(), moved);
    s.fitAndDraw(tokDir, new PrintStream(out, true));
    assertTrue(
        out.toString()
            .contains(
                "no kept weights under "
                    + s.runs()
                    + " for d[1, 2, 3]: the sample grid is not redrawn"),
        out.toString());
    assertEquals(gridTime, Files.getLastModifiedTime(grid).toMillis());
    Files.move(moved, s.runs());

    String tag = "synthetic+tokenizer@" + ModelDir.fingerprint(tokDir).substring(0, 12);
    assertEquals(tag, s.dataTag("synthetic", tokDir));
    assertEquals(tag, ScalingSweep.readAll(s.results()).get(0).get("data"));

    // another tokenizer in a directory of the same name: its sweep refuses the old results by name
    Path otherDir = tmp.resolve("other/tokenizer");
    try (Tokenizer t = Tokenizer.initialized(ScalingSweepTest.VAE, 4)) {
      ModelDir.save(otherDir, ModelKind.TOKENIZER, t.config(), t.params().stateDict(t.session()));
    }
    String otherTag = s.dataTag("synthetic", otherDir);
    assertNotEquals(tag, otherTag);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> s.train(split, "synthetic", otherDir, new int[] {1}, base, 6, quiet));
    assertEquals(
        s.results().resolve("d1.csv")
            + " holds results on '"
            + tag
            + "', this sweep is on '"
            + otherTag
            + "': move the old results (and "
            + s.runs().resolve("d1")
            + ") away first",
        e.getMessage());
  }
}
