package io.github.var4j.app;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.transformer.Flops;
import io.github.var4j.transformer.VarConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
}
