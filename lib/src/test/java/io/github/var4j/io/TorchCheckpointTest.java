package io.github.var4j.io;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.nn.StateDict;
import io.github.var4j.testutil.Fixtures;
import io.github.var4j.testutil.TinyFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .pth reader against the official-format fixture checkpoints (fixtures/checkpoints). */
class TorchCheckpointTest {
  @TempDir Path tmp;

  private static Path ckpt(String name) {
    return Fixtures.path("checkpoints/" + name);
  }

  /** Every params/ tensor is in the state dict, exactly (bf16: the reference rounded to bf16). */
  private static void assertEqualsReference(
      StateDict ref, Map<String, SafeTensors.Tensor> sd, boolean bf16, String what) {
    for (String n : ref.names()) {
      SafeTensors.Tensor t = sd.get(n);
      assertNotNull(t, what + ": " + n);
      assertArrayEquals(ref.get(n).shape(), t.shape(), what + ": " + n);
      float[] want = ref.get(n).data().clone();
      if (bf16 && t.floats() != null) { // float tensors were cast; integer buffers stay int64
        for (int i = 0; i < want.length; i++) want[i] = roundToBf16(want[i]);
        assertEquals("BF16", t.dtype(), n);
      }
      assertArrayEquals(want, t.asFloats(), 0f, what + ": " + n);
    }
    for (String n : sd.keySet())
      assertTrue(ref.contains(n) || StateDict.isBuffer(n), what + ": unexpected " + n);
  }

  /** float32 to bfloat16, round to nearest even (torch's .to(torch.bfloat16)). */
  private static float roundToBf16(float x) {
    int b = Float.floatToRawIntBits(x);
    b += 0x7fff + ((b >>> 16) & 1);
    return Float.intBitsToFloat(b & 0xffff0000);
  }

  @Test
  void zipStateDictsEqualTheReference() throws Exception {
    assertEqualsReference(
        TinyFixture.vaeParams(),
        TorchCheckpoint.stateDict(TorchCheckpoint.read(ckpt("vae_tiny.pth")), ""),
        false,
        "vae_tiny.pth");
    assertEqualsReference(
        TinyFixture.varParams(),
        TorchCheckpoint.stateDict(TorchCheckpoint.read(ckpt("var_tiny.pth")), ""),
        false,
        "var_tiny.pth");
    assertEqualsReference(
        TinyFixture.varParams(),
        TorchCheckpoint.stateDict(TorchCheckpoint.read(ckpt("var_tiny_bf16.pth")), ""),
        true,
        "var_tiny_bf16.pth");
  }

  @Test
  void legacyStreamEqualsTheReference() throws Exception {
    assertEqualsReference(
        TinyFixture.varParams(),
        TorchCheckpoint.stateDict(TorchCheckpoint.read(ckpt("var_tiny_legacy.pth")), ""),
        false,
        "var_tiny_legacy.pth");
  }

  @Test
  void trainerDictsByKeyPath() throws Exception {
    Object root = TorchCheckpoint.read(ckpt("var_tiny_trainer.pth"));
    assertEqualsReference(
        TinyFixture.varParams(),
        TorchCheckpoint.stateDict(root, "trainer.var_wo_ddp"),
        false,
        "trainer.var_wo_ddp");
    assertEqualsReference(
        TinyFixture.vaeParams(),
        TorchCheckpoint.stateDict(root, "trainer.vae_local"),
        false,
        "trainer.vae_local");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> TorchCheckpoint.stateDict(root, "trainer.var"));
    assertTrue(
        e.getMessage().startsWith("no key 'var' at 'trainer'; keys there: "), e.getMessage());
  }

  @Test
  void badFilesAreNamed() throws Exception {
    Path other = ckpt("var_tiny.safetensors"); // neither a zip nor a legacy stream
    assertEquals(
        "not a .pth file: neither a zip archive nor a legacy torch.save stream (wrong magic number): "
            + other,
        assertThrows(java.io.IOException.class, () -> TorchCheckpoint.read(other)).getMessage());
    Path legacyCut = tmp.resolve("l.pth");
    byte[] legacy = Files.readAllBytes(ckpt("var_tiny_legacy.pth"));
    Files.write(legacyCut, java.util.Arrays.copyOf(legacy, legacy.length - 100));
    String l =
        assertThrows(java.io.IOException.class, () -> TorchCheckpoint.read(legacyCut)).getMessage();
    assertTrue(l.startsWith("truncated legacy .pth file: " + legacyCut), l);
    Path trunc = tmp.resolve("t.pth");
    byte[] whole = Files.readAllBytes(ckpt("var_tiny.pth"));
    Files.write(trunc, java.util.Arrays.copyOf(whole, whole.length / 3));
    String t =
        assertThrows(java.io.IOException.class, () -> TorchCheckpoint.read(trunc)).getMessage();
    assertTrue(t.contains(trunc.toString()), t);
  }

  /** A pickle that names another global (here os.system) is refused before anything runs. */
  @Test
  void disallowedGlobalsAreRefusedByName() throws Exception {
    // protocol 2: GLOBAL 'os system', the argument tuple ('echo hi',), REDUCE, STOP
    byte[] pkl =
        "\u0080\u0002cos\nsystem\nX\u0007\u0000\u0000\u0000echo hi\u0085R."
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    Path f = tmp.resolve("evil.pth");
    try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(f))) {
      zip.putNextEntry(new java.util.zip.ZipEntry("evil/data.pkl"));
      zip.write(pkl);
      zip.closeEntry();
    }
    String m = assertThrows(java.io.IOException.class, () -> TorchCheckpoint.read(f)).getMessage();
    assertTrue(m.contains("refers to the global os.system") && m.contains("refused"), m);
  }
}
