package io.github.var4j.app;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.classifier.Classifier;
import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.eval.SampleSet;
import io.github.var4j.nn.StateDict;
import io.github.var4j.sample.SampleOptions;
import io.github.var4j.sample.VarSampler;
import io.github.var4j.store.ModelDir;
import io.github.var4j.store.ModelKind;
import io.github.var4j.testutil.TinyVae;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.Tokenizer;
import io.github.var4j.vae.VqVaeConfig;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resumable table's bookkeeping: finished rows are skipped, one N per table, and a re-timing
 * rewrites the speed columns of its row alone.
 */
class QualityTableTest {
  @TempDir Path tmp;

  private static final ClassifierConfig SMALL = new ClassifierConfig(1, 16, 4, 3, 4);
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  private QualityTable table(Path csv, Classifier c, int perClass) {
    return new QualityTable(csv, tmp.resolve("samples"), c, reference(), perClass, 8, 0, QUIET);
  }

  /** 40 reference images, 16x16 grey. */
  private static SampleSet reference() {
    float[] x = new float[40 * 256];
    for (int i = 0; i < x.length; i++) x[i] = (float) Math.abs(Math.sin(i * 0.37));
    return SampleSet.ofUnitFloats(x, 40, 16, 1, null);
  }

  private static String row(String name, int n) {
    return name + ",100,7,1.5,100,0.96,1," + n + ",0.5,2,0.1,0.9,0.8,0.95,50,64,20";
  }

  @Test
  void finishedRowsAreSkippedAndNMustMatch() throws Exception {
    Path csv = tmp.resolve("t.csv");
    Files.writeString(csv, String.join(",", QualityTable.HEADER) + "\n" + row("VAR", 30) + "\n");
    Path nowhere = tmp.resolve("no-model");
    try (Classifier c = Classifier.initialized(SMALL, 1)) {
      QualityRow spec = new QualityRow("VAR", nowhere, nowhere, SampleOptions.defaults(), 1);
      Map<String, String> r = table(csv, c, 10).run(spec); // 10 per class x 3 classes = 30
      assertEquals("0.5", r.get("fid"));
      QualityRow other = new QualityRow("VAR + CFG", nowhere, nowhere, SampleOptions.defaults(), 1);
      assertEquals(
          "rows of one table must have the same number of samples: 'VAR' has 30, 'VAR + CFG'"
              + " would have 60 (use another table file)",
          assertThrows(IllegalArgumentException.class, () -> table(csv, c, 20).run(other))
              .getMessage());
      assertEquals(
          "var-cfg-re4",
          new QualityRow("VAR + CFG -re4", nowhere, nowhere, SampleOptions.defaults(), 4).slug());
    }
    Files.writeString(csv, "a,b\n1,2\n");
    assertTrue(
        assertThrows(java.io.IOException.class, () -> QualityTable.read(csv))
            .getMessage()
            .endsWith("is not a quality table: its header is a,b"));
  }

  @Test
  void samplesOfAnotherModelOrSettingAreNotReused() throws Exception {
    Path model = tmp.resolve("var"), tok = tmp.resolve("tok");
    for (Path d : new Path[] {model, tok}) {
      Files.createDirectories(d);
      Files.writeString(d.resolve("config.json"), "{}");
      Files.write(d.resolve("w.npy"), new byte[] {1, 2, 3});
    }
    QualityRow spec = new QualityRow("VAR", model, tok, SampleOptions.defaults(), 1);
    String a = QualityTable.samplesSource(spec, 30);
    assertEquals(a, QualityTable.samplesSource(spec, 30), "the source is a function of its inputs");
    assertNotEquals(a, QualityTable.samplesSource(spec, 60), "another N");
    assertNotEquals(
        a,
        QualityTable.samplesSource(
            new QualityRow("VAR", model, tok, SampleOptions.defaults().withCfg(3), 1), 30),
        "another cfg");
    assertNotEquals(
        a,
        QualityTable.samplesSource(
            new QualityRow("VAR", model, tok, SampleOptions.defaults(), 4), 30),
        "another rejection count");
    Files.write(model.resolve("w.npy"), new byte[] {1, 2, 4}); // a retrained model
    assertNotEquals(a, QualityTable.samplesSource(spec, 30), "a changed weight file");
  }

  /**
   * {@link QualityTable#retime} on a tiny random VAR (2 classes, 16x16 grey, {@link TinyVae}): the
   * row's scores and the other rows stay as they were, its speed columns are measured again
   * (positive, the table's batch), the batch-1 column only where single images are timed; an
   * unknown row is refused.
   */
  @Test
  void retimeRewritesTheSpeedColumnsOfItsRowAlone() throws Exception {
    VqVaeConfig vae = TinyVae.grey16();
    Path tok = tmp.resolve("tok"), var = tmp.resolve("var");
    StateDict vaeSd;
    try (Tokenizer t = Tokenizer.initialized(vae, 1)) {
      vaeSd = t.params().stateDict(t.session());
    }
    ModelDir.save(tok, ModelKind.TOKENIZER, vae, vaeSd);
    VarConfig vc = VarConfig.ofDepth(1, vae.vocabSize(), vae.zChannels(), 2, vae.patchNums());
    try (VarSampler s = VarSampler.randomVar(vc, 2, vae, vaeSd)) {
      ModelDir.save(var, ModelKind.VAR, vc, s.varStateDict());
    }
    Path csv = tmp.resolve("t.csv");
    Files.writeString(
        csv,
        String.join(",", QualityTable.HEADER)
            + "\n"
            + row("VAR", 20)
            + "\n"
            + row("raster AR", 20)
            + "\n");
    Map<String, Map<String, String>> before = QualityTable.read(csv);
    SampleSet ref = reference();
    QualityRow spec = new QualityRow("VAR", var, tok, SampleOptions.defaults(), 1);
    List<String> speed = List.of("images_per_s_batch", "batch", "images_per_s_1");
    try (Classifier c = Classifier.initialized(new ClassifierConfig(1, 16, 4, 2, 4), 1)) {
      for (int singles : new int[] {0, 2}) {
        new QualityTable(csv, tmp.resolve("samples"), c, ref, 10, 8, singles, QUIET).retime(spec);
        Map<String, Map<String, String>> after = QualityTable.read(csv);
        assertEquals(before.get("raster AR"), after.get("raster AR"), "another row");
        for (String col : QualityTable.HEADER) {
          if (!speed.contains(col))
            assertEquals(before.get("VAR").get(col), after.get("VAR").get(col), col);
        }
        assertEquals("8", after.get("VAR").get("batch"));
        assertTrue(Double.parseDouble(after.get("VAR").get("images_per_s_batch")) > 0);
        String ips1 = after.get("VAR").get("images_per_s_1");
        if (singles == 0) assertEquals("", ips1);
        else assertTrue(Double.parseDouble(ips1) > 0, ips1);
      }
      QualityRow missing = new QualityRow("VAR + CFG", var, tok, SampleOptions.defaults(), 1);
      assertEquals(
          "the table " + csv + " has no row 'VAR + CFG'",
          assertThrows(
                  IllegalArgumentException.class,
                  () ->
                      new QualityTable(csv, tmp.resolve("samples"), c, ref, 10, 8, 0, QUIET)
                          .retime(missing))
              .getMessage());
    }
  }
}
