package io.github.var4j.io;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.var4j.nn.StateDict;
import io.github.var4j.sample.VarSampler;
import io.github.var4j.testutil.Fixtures;
import io.github.var4j.testutil.OfficialGreedy;
import io.github.var4j.testutil.TinyFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safetensors reader and writer against the official-format fixture checkpoints
 * (fixtures/checkpoints, written by {@code safetensors.torch.save_file} from the official classes).
 */
class SafeTensorsTest {
  @TempDir Path tmp;

  private static Path ckpt(String name) {
    return Fixtures.path("checkpoints/" + name);
  }

  /** Every tensor equals its params/ reference exactly; the listing's names, dtypes and shapes. */
  @Test
  void fixtureFilesEqualTheReferenceStateDicts() throws Exception {
    JsonNode listing = Fixtures.readJson(ckpt("checkpoints.json")).path("state_dicts");
    for (String model : new String[] {"vae", "var"}) {
      Map<String, SafeTensors.Tensor> file = SafeTensors.read(ckpt(model + "_tiny.safetensors"));
      JsonNode tensors = listing.path(model + "_tiny").path("tensors");
      assertEquals(tensors.size(), file.size(), model + ": tensors in the file vs the listing");
      StateDict ref = model.equals("vae") ? TinyFixture.vaeParams() : TinyFixture.varParams();
      int compared = 0;
      for (var it = tensors.fields(); it.hasNext(); ) {
        var e = it.next();
        SafeTensors.Tensor t = file.get(e.getKey());
        assertNotNull(t, model + ": " + e.getKey());
        long[] shape = new long[e.getValue().path("shape").size()];
        for (int i = 0; i < shape.length; i++)
          shape[i] = e.getValue().path("shape").get(i).asLong();
        assertArrayEquals(shape, t.shape(), e.getKey());
        if (ref.contains(e.getKey())) {
          assertArrayEquals(ref.get(e.getKey()).data(), t.asFloats(), 0f, e.getKey());
          compared++;
        } else {
          assertTrue(
              StateDict.isBuffer(e.getKey()), "not in params/ and not a buffer: " + e.getKey());
        }
      }
      assertEquals(ref.size(), compared, model + ": every reference tensor is in the file");
    }
  }

  /**
   * The greedy cached inference replayed with weights read from the safetensors files: the official
   * tokens and images, except proven near-ties ({@link OfficialGreedy}: a differing token's logit
   * lies within twice the manifest's logits_cfg tolerance of the maximum, and the replay continues
   * with the official token forced).
   */
  @Test
  void greedyReplayFromSafeTensorsWeightsMatchesTheOfficialTokens() throws Exception {
    TinyFixture t = TinyFixture.get();
    StateDict var = StateDict.loadSafeTensors(ckpt("var_tiny.safetensors"));
    StateDict vae = StateDict.loadSafeTensors(ckpt("vae_tiny.safetensors"));
    try (VarSampler s = VarSampler.load(t.varConfig(), var, t.vqVaeConfig(), vae)) {
      System.out.println(
          "safetensors greedy replay: " + OfficialGreedy.check(s, "safetensors").describe());
    }
  }

  /** The same replay with weights from the .pth files (a plain state dict and a trainer dict). */
  @Test
  void greedyReplayFromPthWeightsMatchesTheOfficialTokens() throws Exception {
    TinyFixture t = TinyFixture.get();
    StateDict var = StateDict.loadPth(ckpt("var_tiny.pth"), "");
    StateDict vae = StateDict.loadPth(ckpt("var_tiny_trainer.pth"), "trainer.vae_local");
    try (VarSampler s = VarSampler.load(t.varConfig(), var, t.vqVaeConfig(), vae)) {
      System.out.println("pth greedy replay: " + OfficialGreedy.check(s, "pth").describe());
    }
  }

  @Test
  void writtenFilesReadBackEqual() throws Exception {
    StateDict sd = TinyFixture.varParams();
    Path f = tmp.resolve("var.safetensors");
    sd.saveSafeTensors(f);
    StateDict back = StateDict.loadSafeTensors(f);
    assertEquals(sd.names(), back.names());
    for (String n : sd.names()) {
      assertArrayEquals(sd.get(n).shape(), back.get(n).shape(), n);
      assertArrayEquals(sd.get(n).data(), back.get(n).data(), 0f, n);
    }
    // the header is 8-byte aligned JSON, as the reference implementation writes it
    byte[] bytes = Files.readAllBytes(f);
    long headerLen =
        java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, headerLen % 8);
    assertEquals('{', bytes[8]);
    Map<String, SafeTensors.Tensor> ints = new LinkedHashMap<>();
    ints.put(
        "lvl_1L", new SafeTensors.Tensor("I64", new long[] {1, 3}, null, new long[] {0, 1, 1}));
    SafeTensors.write(tmp.resolve("i.safetensors"), ints);
    SafeTensors.Tensor li = SafeTensors.read(tmp.resolve("i.safetensors")).get("lvl_1L");
    assertEquals("I64", li.dtype());
    assertArrayEquals(new long[] {0, 1, 1}, li.longs());
  }

  @Test
  void halfPrecisionWidensExactly() {
    assertEquals(1.0f, SafeTensors.halfToFloat((short) 0x3c00));
    assertEquals(-2.0f, SafeTensors.halfToFloat((short) 0xc000));
    assertEquals(65504f, SafeTensors.halfToFloat((short) 0x7bff));
    assertEquals(0x1p-24f, SafeTensors.halfToFloat((short) 0x0001)); // smallest subnormal
    assertEquals(Float.POSITIVE_INFINITY, SafeTensors.halfToFloat((short) 0x7c00));
    assertTrue(Float.isNaN(SafeTensors.halfToFloat((short) 0x7e00)));
  }

  /** A safetensors file with the given JSON header and {@code dataBytes} zero bytes of data. */
  private static void writeRaw(Path f, String header, int dataBytes) throws java.io.IOException {
    byte[] h = header.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(8 + h.length + dataBytes)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    Files.write(f, b.array());
  }

  @Test
  void badFilesAreNamed() throws Exception {
    Path shortFile = tmp.resolve("short.safetensors");
    Files.write(shortFile, new byte[] {1, 2, 3});
    assertEquals(
        "not a safetensors file (shorter than 8 bytes): " + shortFile,
        assertThrows(java.io.IOException.class, () -> SafeTensors.read(shortFile)).getMessage());
    byte[] whole = Files.readAllBytes(ckpt("var_tiny.safetensors"));
    Path truncated = tmp.resolve("t.safetensors");
    Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 2));
    String m =
        assertThrows(java.io.IOException.class, () -> SafeTensors.read(truncated)).getMessage();
    assertTrue(m.contains("data_offsets") && m.contains(truncated.toString()), m);
    Path overlap = tmp.resolve("o.safetensors");
    writeRaw(
        overlap,
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
        12);
    assertEquals(
        "tensors 'a' and 'b' of " + overlap + " overlap: data_offsets [0, 8] and [4, 12]",
        assertThrows(java.io.IOException.class, () -> SafeTensors.read(overlap)).getMessage());
    Path complex = tmp.resolve("c.safetensors");
    writeRaw(complex, "{\"z\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8);
    assertEquals(
        "tensor 'z' of " + complex + " has an unsupported dtype C64",
        assertThrows(java.io.IOException.class, () -> SafeTensors.read(complex)).getMessage());
    Path pth = ckpt("var_tiny.pth"); // a zip, not a safetensors file
    String z = assertThrows(java.io.IOException.class, () -> SafeTensors.read(pth)).getMessage();
    assertTrue(z.startsWith("not a safetensors file or a truncated one: header length"), z);
  }
}
