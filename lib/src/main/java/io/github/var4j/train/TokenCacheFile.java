package io.github.var4j.train;

import io.github.var4j.io.AtomicFiles;
import io.github.var4j.scale.ScaleSchedule;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The {@code .v4jt} file format of a {@link TokenCache} (little-endian; version {@value
 * TokenCache#VERSION}):
 *
 * <pre>
 * magic "V4JTOKS\0" (8 bytes) | int32 version | int32 N | int32 K | int32 patchNums[K] | int32 V | int32 numClasses
 * | 32 bytes cache key (SHA-256, see {@link TokenCache#cacheKey}) | uint16 labels[N] | uint16 tokens[N][L] | int32
 * CRC-32 of everything before it
 * </pre>
 *
 * Ids are stored as uint16, so V must be at most {@value TokenCache#MAX_VOCAB}. Files are written
 * atomically (temp file, then rename); the reader checks the magic, version, exact length, checksum
 * and value ranges and names what is wrong.
 */
final class TokenCacheFile {
  private TokenCacheFile() {}

  private static final byte[] MAGIC = "V4JTOKS\0".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_K = 64;

  /**
   * Writes a cache atomically (temp file, then rename).
   *
   * @param labels (N) class labels
   * @param tokens (N, L) uint16 token ids in scale order
   */
  static void write(
      Path file,
      ScaleSchedule patchNums,
      int vocabSize,
      int numClasses,
      int[] labels,
      short[] tokens,
      byte[] key)
      throws IOException {
    int n = labels.length;
    int headerLen = headerBytes(patchNums.K());
    long total = (long) headerLen + 2L * n + 2L * tokens.length + 4;
    if (total > Integer.MAX_VALUE - 16)
      throw new IOException("token cache of " + total + " bytes is too large");
    ByteBuffer b = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).putInt(TokenCache.VERSION).putInt(n).putInt(patchNums.K());
    for (int pn : patchNums.toArray()) b.putInt(pn);
    b.putInt(vocabSize).putInt(numClasses).put(key);
    for (int lab : labels) b.putShort((short) lab);
    b.asShortBuffer().put(tokens);
    b.position(b.position() + 2 * tokens.length);
    CRC32 crc = new CRC32();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    AtomicFiles.write(file, b.array());
  }

  /**
   * Reads and validates a cache file.
   *
   * @throws IOException naming the file and the problem: not a token cache, unsupported version,
   *     truncated, trailing bytes, checksum mismatch (corrupt), or values out of range
   */
  static TokenCache read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new IOException("token cache not found: " + file);
    byte[] bytes = Files.readAllBytes(file);
    String what = "token cache " + file;
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < MAGIC.length + 12) {
      throw new IOException(
          what + " is truncated: " + bytes.length + " bytes, shorter than its header");
    }
    byte[] magic = new byte[MAGIC.length];
    b.get(magic);
    if (!Arrays.equals(magic, MAGIC))
      throw new IOException(what + " is not a var4j token cache (bad magic)");
    int version = b.getInt();
    if (version != TokenCache.VERSION) {
      throw new IOException(
          what + " has format version " + version + ", this reader supports " + TokenCache.VERSION);
    }
    int n = b.getInt(), k = b.getInt();
    if (n < 0) throw new IOException(what + " is corrupt: negative image count " + n);
    if (k < 1 || k > MAX_K) throw new IOException(what + " is corrupt: " + k + " scales");
    int headerLen = headerBytes(k);
    if (bytes.length < headerLen) {
      throw new IOException(
          what
              + " is truncated: "
              + bytes.length
              + " bytes, shorter than its "
              + headerLen
              + "-byte header");
    }
    int[] pns = new int[k];
    long lTokens = 0;
    for (int i = 0; i < k; i++) {
      pns[i] = b.getInt();
      if (pns[i] < 1 || pns[i] > 4096)
        throw new IOException(what + " is corrupt: patch number " + pns[i]);
      lTokens += (long) pns[i] * pns[i];
    }
    int vocab = b.getInt(), classes = b.getInt();
    byte[] key = new byte[TokenCache.KEY_BYTES];
    b.get(key);
    long want = headerLen + 2L * n + 2L * n * lTokens + 4;
    if (bytes.length != want) {
      throw new IOException(
          what
              + (bytes.length < want ? " is truncated: " : " is corrupt: ")
              + bytes.length
              + " bytes, expected "
              + want
              + " for "
              + n
              + " images of "
              + lTokens
              + " tokens");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, (int) want - 4);
    int stored = ByteBuffer.wrap(bytes, (int) want - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (stored != (int) crc.getValue()) {
      throw new IOException(
          what
              + " is corrupt: checksum mismatch (stored "
              + Integer.toHexString(stored)
              + ", computed "
              + Integer.toHexString((int) crc.getValue())
              + ")");
    }
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) labels[i] = b.getShort() & 0xFFFF;
    short[] tokens = new short[(int) (n * lTokens)];
    b.asShortBuffer().get(tokens);
    try {
      return new TokenCache(ScaleSchedule.of(pns), vocab, classes, labels, tokens, key);
    } catch (IllegalArgumentException e) {
      throw new IOException(what + " is corrupt: " + e.getMessage(), e);
    }
  }

  private static int headerBytes(int k) {
    return MAGIC.length + 4 * 3 + 4 * k + 4 * 2 + TokenCache.KEY_BYTES;
  }
}
