package io.github.var4j.train;

import static org.junit.jupiter.api.Assertions.*;

import io.github.var4j.data.ImageDataset;
import io.github.var4j.data.Subsets;
import io.github.var4j.data.SyntheticShapes;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.testutil.TinyVae;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCacheTest {
  @TempDir Path tmp;

  @Test
  void encodeWriteReadRoundTripKeepsTokensInScaleOrder() throws Exception {
    ImageDataset data = SyntheticShapes.generate(23, 14, 1, 5); // 14x14, padded to 16
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (Tokenizer tok = Tokenizer.initialized(TinyVae.grey16(), 3)) {
      TokenCache c = TokenCache.encode(tok, data, 10, "test", new PrintStream(log, true));
      assertEquals(23, c.size());
      assertEquals(85, c.patchNums().L());
      assertEquals(4, c.patchNums().K());
      assertEquals(32, c.vocabSize());
      assertEquals(SyntheticShapes.NUM_CLASSES, c.numClasses());
      assertTrue(log.toString().contains("[tokens test] step 23/23 (100.0%)"), log.toString());

      // the cache holds exactly the tokenizer's token maps, concatenated in scale order per image.
      // The direct encoding uses the cache's batches (images [0, 10), [10, 20), [20, 23)): a
      // random tokenizer has no argmin margin, and another batch size may sum in another order
      int[] idx = {22, 0, 7};
      List<int[]> direct = encodeInBatchesOf(tok, data, 10, idx);
      List<int[]> cached = c.perScale(idx);
      for (int k = 0; k < 4; k++) assertArrayEquals(direct.get(k), cached.get(k), "scale " + k);
      int[] gt = c.targets(idx);
      int[] pns = {1, 2, 4, 8};
      for (int b = 0; b < idx.length; b++) {
        int pos = 0;
        for (int k = 0; k < 4; k++) {
          int t = pns[k] * pns[k];
          for (int j = 0; j < t; j++) assertEquals(direct.get(k)[b * t + j], gt[b * 85 + pos++]);
        }
      }
      assertArrayEquals(data.labels(idx), c.labels(idx));
      // teacher-forcing input straight from the cached per-scale lists
      assertEquals(idx.length * (85 - 1) * 8, tok.varInput(cached, idx.length).length);

      Path f = tmp.resolve("train.v4jt");
      c.write(f);
      TokenCache r = TokenCache.read(f);
      assertEquals(c.size(), r.size());
      assertEquals(ScaleSchedule.of(1, 2, 4, 8), r.patchNums());
      assertEquals(c.keyHex(), r.keyHex());
      int[] all = Subsets.evenlySpaced(c.size(), 0);
      assertArrayEquals(c.targets(all), r.targets(all));
      assertArrayEquals(c.labels(all), r.labels(all));
      assertEquals(8 + 12 + 16 + 8 + 32 + 2 * 23 + 2 * 23 * 85 + 4, Files.size(f));
    }
  }

  /**
   * The token maps of images {@code idx} (per scale, (idx.length, pn²)), each encoded within the
   * batch of {@code chunk} consecutive images that holds it, as {@link TokenCache#encode} does.
   */
  private static List<int[]> encodeInBatchesOf(
      Tokenizer tok, ImageDataset data, int chunk, int[] idx) {
    ScaleSchedule sched = tok.config().patchNums();
    List<int[]> out = new java.util.ArrayList<>();
    for (int k = 0; k < sched.K(); k++) out.add(new int[idx.length * sched.tokens(k)]);
    for (int b = 0; b < idx.length; b++) {
      int b0 = idx[b] / chunk * chunk, m = Math.min(chunk, data.size() - b0);
      int[] batch = new int[m];
      for (int i = 0; i < m; i++) batch[i] = b0 + i;
      List<int[]> enc = tok.encodeToIndices(data.toFloatBatch(batch, tok.config().imageSize()), m);
      for (int k = 0; k < sched.K(); k++) {
        int t = sched.tokens(k);
        System.arraycopy(enc.get(k), (idx[b] - b0) * t, out.get(k), b * t, t);
      }
    }
    return out;
  }

  @Test
  void loadOrEncodeReusesTheCacheAndRebuildsForAnotherTokenizer() throws Exception {
    ImageDataset data = SyntheticShapes.generate(12, 16, 1, 7);
    Path f = tmp.resolve("c.v4jt");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(log, true);
    String key1;
    try (Tokenizer tok = Tokenizer.initialized(TinyVae.grey16(), 1)) {
      key1 = TokenCache.loadOrEncode(f, tok, data, "a", out).keyHex();
      assertTrue(log.toString().contains("encoded 12 images"), log.toString());
      log.reset();
      assertEquals(key1, TokenCache.loadOrEncode(f, tok, data, "a", out).keyHex());
      assertTrue(log.toString().contains("12 images read from"), log.toString());
      // another dataset with the same tokenizer: other key, re-encoded
      log.reset();
      ImageDataset other = SyntheticShapes.generate(12, 16, 1, 8);
      assertNotEquals(key1, TokenCache.loadOrEncode(f, tok, other, "a", out).keyHex());
      assertTrue(log.toString().contains("another tokenizer or dataset"), log.toString());
    }
    try (Tokenizer tok2 =
        Tokenizer.initialized(TinyVae.grey16(), 2)) { // other weights, same config
      log.reset();
      TokenCache c = TokenCache.loadOrEncode(f, tok2, data, "a", out);
      assertTrue(
          log.toString().contains("was made with another tokenizer or dataset"), log.toString());
      assertNotEquals(key1, c.keyHex());
      assertArrayEquals(TokenCache.cacheKey(tok2, data), TokenCache.read(f).key());
    }
    // a corrupt cache is rebuilt by loadOrEncode
    byte[] b = Files.readAllBytes(f);
    b[b.length / 2] ^= 0x55;
    Files.write(f, b);
    try (Tokenizer tok = Tokenizer.initialized(TinyVae.grey16(), 1)) {
      log.reset();
      assertEquals(key1, TokenCache.loadOrEncode(f, tok, data, "a", out).keyHex());
      assertTrue(
          log.toString().contains("checksum mismatch") && log.toString().contains("re-encoding"),
          log.toString());
    }
  }

  static TokenCache synthetic(int n, ScaleSchedule pns, int vocab) {
    int l = pns.L();
    int[] labels = new int[n], tokens = new int[n * l];
    for (int i = 0; i < n; i++) labels[i] = i % 10;
    for (int j = 0; j < tokens.length; j++) tokens[j] = (j * 7 + 3) % vocab;
    return TokenCache.of(pns, vocab, 10, labels, tokens, new byte[32]);
  }

  @Test
  void corruptTruncatedAndForeignFilesAreRejectedWithClearErrors() throws Exception {
    TokenCache c = synthetic(5, ScaleSchedule.of(1, 2, 3), 300);
    Path f = tmp.resolve("x.v4jt");
    c.write(f);
    byte[] good = Files.readAllBytes(f);
    assertEquals(300, TokenCache.read(f).vocabSize());
    assertEquals(c.targets(new int[] {4, 1})[13], TokenCache.read(f).targets(new int[] {4, 1})[13]);

    Files.write(f, Arrays.copyOf(good, good.length - 10));
    IOException e = assertThrows(IOException.class, () -> TokenCache.read(f));
    assertTrue(
        e.getMessage()
            .matches(
                "token cache .* is truncated: \\d+ bytes, expected \\d+ for 5 images of 14 tokens"),
        e.getMessage());

    Files.write(f, Arrays.copyOf(good, 20));
    e = assertThrows(IOException.class, () -> TokenCache.read(f));
    assertTrue(e.getMessage().contains("is truncated"), e.getMessage());

    byte[] flipped = good.clone();
    flipped[good.length - 12] ^= 1; // a token
    Files.write(f, flipped);
    e = assertThrows(IOException.class, () -> TokenCache.read(f));
    assertTrue(e.getMessage().contains("is corrupt: checksum mismatch"), e.getMessage());

    byte[] magic = good.clone();
    magic[0] = 'X';
    Files.write(f, magic);
    e = assertThrows(IOException.class, () -> TokenCache.read(f));
    assertTrue(e.getMessage().endsWith("is not a var4j token cache (bad magic)"), e.getMessage());

    byte[] swapped =
        good.clone(); // patchNums [1, 2, 3] -> [1, 3, 2] (same L), checksum made to match
    ByteBuffer.wrap(swapped).order(ByteOrder.LITTLE_ENDIAN).putInt(24, 3).putInt(28, 2);
    CRC32 crc = new CRC32();
    crc.update(swapped, 0, swapped.length - 4);
    ByteBuffer.wrap(swapped)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(swapped.length - 4, (int) crc.getValue());
    Files.write(f, swapped);
    e = assertThrows(IOException.class, () -> TokenCache.read(f));
    assertTrue(
        e.getMessage().endsWith("is corrupt: patchNums must be strictly increasing, got [1, 3, 2]"),
        e.getMessage());

    byte[] longer = Arrays.copyOf(good, good.length + 3);
    Files.write(f, longer);
    e = assertThrows(IOException.class, () -> TokenCache.read(f));
    assertTrue(
        e.getMessage().contains("is corrupt: " + longer.length + " bytes, expected " + good.length),
        e.getMessage());

    e = assertThrows(IOException.class, () -> TokenCache.read(tmp.resolve("missing.v4jt")));
    assertTrue(e.getMessage().startsWith("token cache not found: "), e.getMessage());
  }

  @Test
  void tokenMapsThatDoNotFitTheModelAreRejected() {
    VarConfig model = VarConfig.ofDepth(1, 64, 8, 10, ScaleSchedule.of(1, 2, 3, 4));
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> synthetic(4, ScaleSchedule.of(1, 2, 4), 64).checkCompatible(model));
    assertEquals(
        "token maps have patchNums [1, 2, 4] but the model expects [1, 2, 3, 4]", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> synthetic(4, ScaleSchedule.of(1, 2, 3, 4), 512).checkCompatible(model));
    assertEquals(
        "token maps use a vocabulary of 512 codes but the model expects 64", e.getMessage());
    synthetic(4, ScaleSchedule.of(1, 2, 3, 4), 64).checkCompatible(model); // fits
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                synthetic(12, ScaleSchedule.of(1, 2, 3, 4), 64)
                    .checkCompatible(model.withNumClasses(5)));
    assertEquals("label 5 of image 5 is outside the model's [0, 5)", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                TokenCache.of(
                    ScaleSchedule.of(1, 2),
                    16,
                    10,
                    new int[] {0},
                    new int[] {1, 2, 3, 4, 16},
                    new byte[32]));
    assertEquals("token 16 at index 4 is outside [0, 16)", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                TokenCache.of(
                    ScaleSchedule.of(1, 2),
                    16,
                    10,
                    new int[] {0},
                    new int[] {1, 2, 3},
                    new byte[32]));
    assertEquals("tokens must hold N*L = 1*5 = 5 ids, got 3", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TokenCache.of(null, 16, 10, new int[] {0}, new int[] {1}, new byte[32]));
    assertEquals("patchNums must not be null", e.getMessage());
  }
}
