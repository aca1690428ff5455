package io.github.var4j.app;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.transformer.Flops;
import io.github.var4j.transformer.VarConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rows file of an ablation table: parsing, its errors, and the training FLOPs of a row. */
class AblationRowsTest {
  private static final String HEAD = String.join(",", AblationRows.HEADER) + "\n";

  @Test
  void readsRowsInOrderWithTheirSamplingAndTraining(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("rows.csv");
    Files.writeString(
        f, HEAD + "AR,m/ar,m/tok1,0,0,0,3656,64\n" + "+ CFG,m/adaln,m/tok,1.5,100,0.96,2000,64\n");
    List<AblationRows.Row> rows = AblationRows.read(f, 7);
    assertEquals(2, rows.size());
    AblationRows.Row cfg = rows.get(1);
    assertEquals("+ CFG", cfg.spec().name());
    assertEquals(Path.of("m/adaln"), cfg.spec().model());
    assertEquals(Path.of("m/tok"), cfg.spec().tokenizer());
    assertEquals(1.5, cfg.spec().opts().cfg());
    assertEquals(100, cfg.spec().opts().topK());
    assertEquals(0.96, cfg.spec().opts().topP());
    assertEquals(7, cfg.spec().opts().seed());
    assertEquals(1, cfg.spec().rejection());
    assertEquals(3656, rows.get(0).trainSteps());
    VarConfig c = VarConfig.ofDepth(2, 16, 4, 3, ScaleSchedule.of(1, 2));
    assertEquals(2000.0 * Flops.trainingStep(c, 64), cfg.trainingFlops(c));
  }

  @Test
  void badFilesAreRefusedNamingTheFileAndTheRow(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("rows.csv");
    assertTrue(
        assertThrows(IOException.class, () -> AblationRows.read(f, 0))
            .getMessage()
            .endsWith("rows.csv: no such rows file"));
    Files.writeString(f, HEAD);
    assertTrue(
        assertThrows(IOException.class, () -> AblationRows.read(f, 0))
            .getMessage()
            .endsWith("rows.csv has no rows"));
    Files.writeString(f, HEAD + "AR,m,t,x,0,0,1,64\n");
    String m = assertThrows(IOException.class, () -> AblationRows.read(f, 0)).getMessage();
    assertTrue(m.contains("rows.csv: row 'AR': "), m);
    Files.writeString(f, HEAD + "AR,m,t,0,0,0,0,64\n");
    m = assertThrows(IOException.class, () -> AblationRows.read(f, 0)).getMessage();
    assertTrue(m.endsWith("row 'AR': train_steps and train_batch must be >= 1, got 0 and 64"), m);
    Files.writeString(f, HEAD + "AR,m,t,0,0,0,1,64\nAR,m2,t,0,0,0,1,64\n");
    m = assertThrows(IOException.class, () -> AblationRows.read(f, 0)).getMessage();
    assertTrue(m.endsWith("rows.csv: two rows have the same name (names are the table's keys)"), m);
    Files.writeString(f, "name,model\nAR,m\n");
    m = assertThrows(IOException.class, () -> AblationRows.read(f, 0)).getMessage();
    assertTrue(m.contains("is not a rows file: its header is name,model"), m);
  }

  @Test
  void theTableJoinsQualityAndTrainingAndComparesWithTheBase() {
    Map<String, Map<String, String>> quality = new LinkedHashMap<>();
    quality.put("AR", row("name", "AR", "fid", "2.0", "class_accuracy", "0.5"));
    quality.put("B", row("name", "B", "fid", "0.5", "class_accuracy", "0.9"));
    quality.put("unlisted", row("name", "unlisted", "fid", "1.0"));
    Map<String, Map<String, String>> training = new LinkedHashMap<>();
    training.put("B", row("name", "B", "params", "20", "train_flops", "2.0e14"));
    training.put("AR", row("name", "AR", "params", "10", "train_flops", "1.0e14"));
    Map<String, Map<String, String>> t = AblationRows.table(quality, training, "AR");
    assertEquals(List.of("B", "AR"), List.copyOf(t.keySet())); // the rows file's order
    assertEquals(AblationRows.TABLE_HEADER, List.copyOf(t.get("B").keySet()));
    assertEquals("0.000000", t.get("AR").get("fid_change"));
    assertEquals("1.000000", t.get("AR").get("fid_ratio"));
    assertEquals("-1.500000", t.get("B").get("fid_change"));
    assertEquals("4.000000", t.get("B").get("fid_ratio"));
    assertEquals("20", t.get("B").get("params"));
    assertEquals("2.0e14", t.get("B").get("train_flops"));
    assertEquals("0.9", t.get("B").get("class_accuracy"));
    assertEquals("", t.get("B").get("recall"));
    assertEquals(
        "the base row 'C' has not been scored",
        assertThrows(
                IllegalArgumentException.class, () -> AblationRows.table(quality, training, "C"))
            .getMessage());
  }

  private static Map<String, String> row(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return m;
  }
}
