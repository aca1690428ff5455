package io.github.var4j.app;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.sample.VarSampler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
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
}
