package io.github.var4j.app;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.classifier.Classifier;
import io.github.var4j.classifier.ClassifierConfig;
import io.github.var4j.eval.SampleSet;
import io.github.var4j.sample.SampleOptions;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resumable table's bookkeeping: finished rows are skipped, one N per table. */
class QualityTableTest {
  @TempDir Path tmp;

  private static final ClassifierConfig SMALL = new ClassifierConfig(1, 16, 4, 3, 4);
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  private QualityTable table(Path csv, Classifier c, int perClass) {
    float[] x = new float[40 * 256];
    for (int i = 0; i < x.length; i++) x[i] = (float) Math.abs(Math.sin(i * 0.37));
    SampleSet ref = SampleSet.ofUnitFloats(x, 40, 16, 1, null);
    return new QualityTable(csv, tmp.resolve("samples"), c, ref, perClass, 8, 0, QUIET);
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
}
