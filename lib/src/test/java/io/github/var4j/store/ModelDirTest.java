package io.github.var4j.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.var4j.nn.HostTensor;
import io.github.var4j.nn.StateDict;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.transformer.TokenOrder;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.VqVaeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDirTest {
  @TempDir Path tmp;

  static final VarConfig ODD =
      VarConfig.ofDepth(3, 100, 5, 7, ScaleSchedule.of(1, 3, 5))
          .withSharedAdaLN(true)
          .withInitStd(0.02)
          .withCondDropRate(0.25)
          .withMlpRatio(2.5);

  static StateDict weights(float v) {
    return new StateDict()
        .put("head.weight", new HostTensor(new long[] {2, 1}, new float[] {v, -v}));
  }

  /** A VAR written before {@code adaLN} existed (its config.json lacks the key) has AdaLN. */
  @Test
  void aVarConfigWithoutAdaLNReadsAsAdaLN() throws IOException {
    VarConfig plain = VarConfig.ofDepth(2, 16, 4, 3, ScaleSchedule.of(1, 2)).withAdaLN(false);
    assertReadWithout("adaLN", "false", plain, plain.withAdaLN(true));
  }

  /** A VAR written before {@code randomOrder} existed was not trained on random orders. */
  @Test
  void aVarConfigWithoutRandomOrderReadsAsNotRandom() throws IOException {
    VarConfig rar =
        VarConfig.ofDepth(2, 16, 4, 3, ScaleSchedule.of(2))
            .withOrder(TokenOrder.RASTER)
            .withRandomOrder(true);
    assertReadWithout("randomOrder", "true", rar, rar.withRandomOrder(false));
  }

  /**
   * {@code written} round-trips; with its {@code key} (of JSON value {@code value}) deleted from
   * the file, as a model directory of an older var4j has it, it reads as {@code expected}.
   */
  private void assertReadWithout(String key, String value, VarConfig written, VarConfig expected)
      throws IOException {
    Path dir = tmp.resolve("old-" + key);
    ModelDir.writeConfig(dir, ModelKind.VAR, written, null);
    assertEquals(written, ModelDir.config(dir, ModelKind.VAR));
    Path file = dir.resolve(ModelDir.CONFIG);
    String json = Files.readString(file);
    assertTrue(json.contains("\"" + key + "\" : " + value), json);
    Files.writeString(file, json.replaceAll(",\\s*\"" + key + "\" : " + value, ""));
    assertFalse(Files.readString(file).contains(key));
    assertEquals(expected, ModelDir.config(dir, ModelKind.VAR));
  }

  @Test
  void roundTripOfEveryKindKeepsConfigAndWeights() throws IOException {
    Path var = tmp.resolve("var");
    ModelDir.save(var, ModelKind.VAR, ODD, weights(1.5f));
    assertTrue(ModelDir.exists(var));
    assertEquals(ODD, ModelDir.config(var, ModelKind.VAR));
    assertArrayEquals(new float[] {1.5f, -1.5f}, ModelDir.weights(var).get("head.weight").data());
    Path tok = tmp.resolve("tok");
    ModelDir.save(tok, ModelKind.TOKENIZER, VqVaeConfig.fashionMnistDefault(), weights(2f));
    assertEquals(VqVaeConfig.fashionMnistDefault(), ModelDir.config(tok, ModelKind.TOKENIZER));
    String json = Files.readString(tok.resolve(ModelDir.CONFIG));
    assertTrue(json.contains("\"kind\" : \"tokenizer\""), json);
    assertTrue(json.contains("\"patchNums\" : [ 1, 2, 3, 4, 5, 6, 8 ]"), json);
  }

  @Test
  void saveReplacesTheWholeDirectory() throws IOException {
    Path dir = tmp.resolve("m");
    ModelDir.save(
        dir,
        ModelKind.VAR,
        ODD,
        new StateDict().put("old", new HostTensor(new long[] {1}, new float[1])));
    ModelDir.save(dir, ModelKind.VAR, ODD, weights(3f));
    assertFalse(
        Files.exists(dir.resolve("old.npy")), "a weight of the replaced model is left behind");
    assertEquals(1, ModelDir.weights(dir).names().size());
    try (var s = Files.list(tmp)) {
      assertEquals(1, s.count(), "no staging or old directories are left");
    }
  }

  @Test
  void theFingerprintChangesWithAnyFileAndOnlyThen() throws IOException {
    Path a = tmp.resolve("a"), b = tmp.resolve("b");
    ModelDir.save(a, ModelKind.VAR, ODD, weights(1f));
    ModelDir.save(b, ModelKind.VAR, ODD, weights(1f));
    String fa = ModelDir.fingerprint(a);
    assertEquals(64, fa.length(), "a SHA-256 in hex");
    assertEquals(fa, ModelDir.fingerprint(b), "the same files give the same fingerprint");
    ModelDir.save(b, ModelKind.VAR, ODD, weights(2f));
    assertNotEquals(fa, ModelDir.fingerprint(b), "another weight");
    Path none = tmp.resolve("none");
    assertEquals(
        none + " is not a model directory (no config.json)",
        assertThrows(IOException.class, () -> ModelDir.fingerprint(none)).getMessage());
  }

  @Test
  void theCommittedModelsLoad() throws IOException {
    Path root = Path.of(System.getProperty("var4j.root", ".."));
    assertEquals(
        VqVaeConfig.fashionMnistDefault(),
        ModelDir.config(root.resolve("models/fmnist-tokenizer"), ModelKind.TOKENIZER));
    VarConfig v = ModelDir.config(root.resolve("models/fmnist-var"), ModelKind.VAR);
    assertEquals(4, v.depth());
    assertEquals(128, v.embedDim());
    assertEquals(VqVaeConfig.fashionMnistDefault().patchNums(), v.patchNums());
  }

  @Test
  void badConfigurationsNameTheFileAndTheProblem() throws IOException {
    Path dir = tmp.resolve("m");
    ModelDir.save(dir, ModelKind.VAR, ODD, weights(1f));
    Path f = dir.resolve(ModelDir.CONFIG);
    String good = Files.readString(f);

    assertEquals(
        f + " describes a 'var' model, expected 'tokenizer'",
        assertThrows(IOException.class, () -> ModelDir.config(dir, ModelKind.TOKENIZER))
            .getMessage());

    Files.writeString(f, good.replace("\"numHeads\" : 3", "\"numHeads\" : 7"));
    assertEquals(
        "invalid var configuration in "
            + f
            + ": embedDim must be divisible by numHeads, got embedDim=192, "
            + "numHeads=7",
        assertThrows(IOException.class, () -> ModelDir.config(dir, ModelKind.VAR)).getMessage());

    Files.writeString(f, good.replace("\"attnL2Norm\" : true,", ""));
    String missing =
        assertThrows(IOException.class, () -> ModelDir.config(dir, ModelKind.VAR)).getMessage();
    assertTrue(
        missing.startsWith("invalid var configuration in " + f + ": ")
            && missing.contains("'attnL2Norm'"),
        missing);

    Files.writeString(f, good.replace("\"depth\" : 3", "\"depth\" : 3, \"dept\" : 4"));
    String unknown =
        assertThrows(IOException.class, () -> ModelDir.config(dir, ModelKind.VAR)).getMessage();
    assertTrue(unknown.contains("\"dept\""), unknown);

    Files.writeString(f, good.replace("var4j-model/1", "var4j-model/0"));
    assertEquals(
        f + ": format 'var4j-model/0' is not var4j-model/1",
        assertThrows(IOException.class, () -> ModelDir.config(dir, ModelKind.VAR)).getMessage());

    Files.writeString(f, "{");
    assertTrue(
        assertThrows(IOException.class, () -> ModelDir.config(dir, ModelKind.VAR))
            .getMessage()
            .startsWith(f + " is not valid JSON"));

    Files.delete(f);
    assertEquals(
        "model configuration not found: " + f,
        assertThrows(IOException.class, () -> ModelDir.config(dir, ModelKind.VAR)).getMessage());
  }

  @Test
  void runConfigHoldsTheTrainingSectionAndDifferencesNameTheFields() throws IOException {
    ModelDir.writeConfig(tmp, ModelKind.VAR, ODD, Map.of("steps", 10));
    assertEquals(ODD, ModelDir.config(tmp, ModelKind.VAR));
    assertTrue(Files.readString(tmp.resolve(ModelDir.CONFIG)).contains("\"training\" : {"));
    assertEquals(
        "depth 3 vs 4, numHeads 3 vs 2",
        ModelDir.differences(ODD, ODD.withDepth(4).withNumHeads(2)));
    assertEquals("", ModelDir.differences(ODD, ODD));
    assertEquals(
        "a 'var' model needs a VarConfig, got VqVaeConfig",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    ModelDir.writeConfig(
                        tmp, (ModelKind) ModelKind.VAR, VqVaeConfig.fashionMnistDefault(), null))
            .getMessage());
  }
}
