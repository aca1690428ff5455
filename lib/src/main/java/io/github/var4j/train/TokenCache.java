package io.github.var4j.train;

import io.github.var4j.data.ImageDataset;
import io.github.var4j.io.AtomicFiles;
import io.github.var4j.nn.HostTensor;
import io.github.var4j.nn.StateDict;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.Tokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The token maps r_1..r_K of a whole image dataset, encoded once by a frozen {@link Tokenizer}
 * (VAR's {@code vae.img_to_idxBl} done ahead of training) and cached on disk, one file per split.
 *
 * <p>In memory: labels (N) and tokens (N, L) in scale order, i.e. image i holds r_1 (pn_0² ids),
 * then r_2, ..., r_K (row-major h·pn+w inside a scale): exactly the VAR target {@code gt_BL} of
 * that image.
 *
 * <p>File format (little-endian; version {@value #VERSION}):
 *
 * <pre>
 * magic "V4JTOKS\0" (8 bytes) | int32 version | int32 N | int32 K | int32 patchNums[K] | int32 V | int32 numClasses
 * | 32 bytes cache key (SHA-256, see {@link #cacheKey}) | uint16 labels[N] | uint16 tokens[N][L] | int32 CRC-32 of
 * everything before it
 * </pre>
 *
 * Ids are stored as uint16, so V must be at most 65,536. Files are written atomically (temp file,
 * then rename); the reader checks the magic, version, exact length, checksum and value ranges and
 * names what is wrong.
 *
 * <p>The cache key is a SHA-256 of the tokenizer (configuration and every weight) and the images
 * (size, labels, pixels, padded side): {@link #loadOrEncode} re-encodes when a cache was made with
 * another tokenizer or dataset.
 */
public final class TokenCache {
  /** File format version. */
  public static final int VERSION = 1;

  /** Largest vocabulary a cache can hold (ids are uint16). */
  public static final int MAX_VOCAB = 65536;

  private static final byte[] MAGIC = "V4JTOKS\0".getBytes(StandardCharsets.US_ASCII);
  private static final int KEY_BYTES = 32;
  private static final int MAX_K = 64;

  private final int n;
  private final ScaleSchedule patchNums;
  private final int vocabSize;
  private final int numClasses;
  private final int[] labels; // (N)
  private final short[] tokens; // (N, L) uint16
  private final byte[] key; // 32 bytes
  private final int l; // L = patchNums.L()

  private TokenCache(
      ScaleSchedule patchNums,
      int vocabSize,
      int numClasses,
      int[] labels,
      short[] tokens,
      byte[] key) {
    if (patchNums == null) throw new IllegalArgumentException("patchNums must not be null");
    if (vocabSize < 1 || vocabSize > MAX_VOCAB) {
      throw new IllegalArgumentException(
          "vocabSize must be in [1, " + MAX_VOCAB + "], got " + vocabSize);
    }
    if (numClasses < 1 || numClasses > MAX_VOCAB) {
      throw new IllegalArgumentException(
          "numClasses must be in [1, " + MAX_VOCAB + "], got " + numClasses);
    }
    if (key == null || key.length != KEY_BYTES) {
      throw new IllegalArgumentException("cache key must have " + KEY_BYTES + " bytes");
    }
    this.n = labels.length;
    this.patchNums = patchNums;
    this.vocabSize = vocabSize;
    this.numClasses = numClasses;
    this.labels = labels;
    this.tokens = tokens;
    this.key = key.clone();
    this.l = patchNums.L();
    if ((long) n * l != tokens.length) {
      throw new IllegalArgumentException(
          "tokens must hold N*L = "
              + n
              + "*"
              + l
              + " = "
              + (long) n * l
              + " ids, got "
              + tokens.length);
    }
    for (int i = 0; i < n; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) {
        throw new IllegalArgumentException(
            "label " + labels[i] + " of image " + i + " is outside [0, " + numClasses + ")");
      }
    }
    for (int j = 0; j < tokens.length; j++) {
      int v = tokens[j] & 0xFFFF;
      if (v >= vocabSize) {
        throw new IllegalArgumentException(
            "token "
                + v
                + " of image "
                + j / l
                + " at position "
                + j % l
                + " is outside [0, "
                + vocabSize
                + ")");
      }
    }
  }

  /**
   * A cache from host arrays (e.g. synthetic tokens for tests).
   *
   * @param patchNums the scale schedule of the token maps (K scales, L tokens per image)
   * @param labels (N) class labels in [0, numClasses)
   * @param tokensNL (N, L) token ids in [0, vocabSize), scale order
   * @param key 32-byte cache key
   */
  public static TokenCache of(
      ScaleSchedule patchNums,
      int vocabSize,
      int numClasses,
      int[] labels,
      int[] tokensNL,
      byte[] key) {
    short[] t = new short[tokensNL.length];
    for (int j = 0; j < t.length; j++) {
      int v = tokensNL[j];
      if (v < 0 || v >= Math.min(vocabSize, MAX_VOCAB)) {
        throw new IllegalArgumentException(
            "token " + v + " at index " + j + " is outside [0, " + vocabSize + ")");
      }
      t[j] = (short) v;
    }
    return new TokenCache(patchNums, vocabSize, numClasses, labels.clone(), t, key);
  }

  // ---- encoding
  // ------------------------------------------------------------------------------------------------

  /**
   * Encodes every image of {@code data} (padded to the tokenizer's image size) in chunks, printing
   * a progress line every ten chunks.
   *
   * @param chunk images per encoder call
   * @param tag name in the progress lines, e.g. "train"
   */
  public static TokenCache encode(
      Tokenizer tok, ImageDataset data, int chunk, String tag, PrintStream log) {
    var cfg = tok.config();
    if (cfg.vocabSize() > MAX_VOCAB) {
      throw new IllegalArgumentException(
          "vocabulary of "
              + cfg.vocabSize()
              + " codes does not fit uint16 ids (max "
              + MAX_VOCAB
              + ")");
    }
    if (chunk < 1) throw new IllegalArgumentException("chunk must be >= 1, got " + chunk);
    checkImages(tok, data);
    ScaleSchedule sched = cfg.patchNums();
    int L = sched.L(), n = data.size(), size = cfg.imageSize();
    short[] tokens = new short[Math.multiplyExact(n, L)];
    Progress progress = new Progress("tokens " + tag, 0, n, (long) chunk * 10, log);
    for (int b0 = 0; b0 < n; b0 += chunk) {
      int m = Math.min(chunk, n - b0);
      int[] idx = new int[m];
      for (int i = 0; i < m; i++) idx[i] = b0 + i;
      List<int[]> perScale = tok.encodeToIndices(data.toFloatBatch(idx, size), m);
      for (int k = 0; k < sched.K(); k++) {
        int t = sched.tokens(k);
        int[] ids = perScale.get(k);
        for (int i = 0; i < m; i++) {
          int dst = (b0 + i) * L + sched.begin(k);
          for (int j = 0; j < t; j++) tokens[dst + j] = (short) ids[i * t + j];
        }
      }
      progress.update(b0 + m, java.util.Map.of());
    }
    return new TokenCache(
        sched, cfg.vocabSize(), data.numClasses(), data.labels(), tokens, cacheKey(tok, data));
  }

  /**
   * Reads the cache at {@code file} if it exists, is readable and has the key of this tokenizer and
   * dataset; otherwise encodes {@code data} and writes the cache (atomically). Says on {@code log}
   * which happened.
   */
  public static TokenCache loadOrEncode(
      Path file, Tokenizer tok, ImageDataset data, String tag, PrintStream log) throws IOException {
    byte[] want = cacheKey(tok, data);
    if (Files.exists(file)) {
      try {
        TokenCache c = read(file);
        if (Arrays.equals(c.key, want)) {
          log.println("[tokens " + tag + "] " + c.size() + " images read from " + file);
          return c;
        }
        log.println(
            "[tokens "
                + tag
                + "] "
                + file
                + " was made with another tokenizer or dataset (key "
                + c.keyHex().substring(0, 12)
                + ", expected "
                + HexFormat.of().formatHex(want).substring(0, 12)
                + "): re-encoding");
      } catch (IOException e) {
        log.println("[tokens " + tag + "] " + e.getMessage() + ": re-encoding");
      }
    }
    long t0 = System.nanoTime();
    TokenCache c = encode(tok, data, 500, tag, log);
    c.write(file);
    log.printf(
        java.util.Locale.ROOT,
        "[tokens %s] encoded %d images in %.1f s -> %s%n",
        tag,
        c.size(),
        (System.nanoTime() - t0) / 1e9,
        file);
    return c;
  }

  /**
   * SHA-256 of the tokenizer (configuration, then every weight by name) and of the dataset (shape,
   * labels, pixels): two caches have the same key only if they were encoded from the same images by
   * the same tokenizer.
   */
  public static byte[] cacheKey(Tokenizer tok, ImageDataset data) {
    MessageDigest md = sha256();
    md.update(
        ("var4j-token-cache-v" + VERSION + "\n" + tok.config() + "\n")
            .getBytes(StandardCharsets.UTF_8));
    StateDict sd = tok.params().stateDict(tok.session());
    for (String name : new java.util.TreeSet<>(sd.names())) {
      HostTensor t = sd.get(name);
      md.update((name + Arrays.toString(t.shape()) + "\n").getBytes(StandardCharsets.UTF_8));
      ByteBuffer bb = ByteBuffer.allocate(t.data().length * 4).order(ByteOrder.LITTLE_ENDIAN);
      bb.asFloatBuffer().put(t.data());
      md.update(bb.array());
    }
    md.update(
        ("data "
                + data.size()
                + " "
                + data.height()
                + "x"
                + data.width()
                + "x"
                + data.channels()
                + " classes "
                + data.classNames()
                + "\n")
            .getBytes(StandardCharsets.UTF_8));
    int[] lab = data.labels();
    ByteBuffer lb = ByteBuffer.allocate(lab.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    lb.asIntBuffer().put(lab);
    md.update(lb.array());
    md.update(data.pixels());
    return md.digest();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private static void checkImages(Tokenizer tok, ImageDataset data) {
    var cfg = tok.config();
    if (data.channels() != cfg.inChannels()) {
      throw new IllegalArgumentException(
          "images have "
              + data.channels()
              + " channels, the tokenizer expects "
              + cfg.inChannels());
    }
    if (data.height() > cfg.imageSize() || data.width() > cfg.imageSize()) {
      throw new IllegalArgumentException(
          "images of "
              + data.height()
              + "x"
              + data.width()
              + " do not fit the tokenizer's "
              + cfg.imageSize()
              + "x"
              + cfg.imageSize());
    }
    if (data.size() == 0) throw new IllegalArgumentException("the dataset has no images");
  }

  // ---- file I/O
  // ------------------------------------------------------------------------------------------------

  /** Writes the cache atomically (temp file, then rename). */
  public void write(Path file) throws IOException {
    int headerLen = headerBytes(patchNums.K());
    long total = (long) headerLen + 2L * n + 2L * tokens.length + 4;
    if (total > Integer.MAX_VALUE - 16)
      throw new IOException("token cache of " + total + " bytes is too large");
    ByteBuffer b = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).putInt(VERSION).putInt(n).putInt(patchNums.K());
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
  public static TokenCache read(Path file) throws IOException {
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
    if (version != VERSION) {
      throw new IOException(
          what + " has format version " + version + ", this reader supports " + VERSION);
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
    byte[] key = new byte[KEY_BYTES];
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
    return MAGIC.length + 4 * 3 + 4 * k + 4 * 2 + KEY_BYTES;
  }

  // ---- checks and accessors
  // --------------------------------------------------------------------------------------

  /**
   * Checks that these token maps fit a VAR model: same patch numbers, same vocabulary, labels
   * within its classes.
   *
   * @throws IllegalArgumentException e.g. "token maps have patchNums [1, 2, 4] but the model
   *     expects [1, 2, 3, 4]"
   */
  public void checkCompatible(VarConfig cfg) {
    if (!patchNums.equals(cfg.patchNums())) {
      throw new IllegalArgumentException(
          "token maps have patchNums " + patchNums + " but the model expects " + cfg.patchNums());
    }
    if (vocabSize != cfg.vocabSize()) {
      throw new IllegalArgumentException(
          "token maps use a vocabulary of "
              + vocabSize
              + " codes but the model expects "
              + cfg.vocabSize());
    }
    if (numClasses > cfg.numClasses()) {
      for (int i = 0; i < n; i++) {
        if (labels[i] >= cfg.numClasses()) {
          throw new IllegalArgumentException(
              "label "
                  + labels[i]
                  + " of image "
                  + i
                  + " is outside the model's [0, "
                  + cfg.numClasses()
                  + ")");
        }
      }
    }
  }

  /** Number of images N. */
  public int size() {
    return n;
  }

  /** The scale schedule of the token maps: K scales, L = Σ pn_k² tokens per image. */
  public ScaleSchedule patchNums() {
    return patchNums;
  }

  public int vocabSize() {
    return vocabSize;
  }

  public int numClasses() {
    return numClasses;
  }

  /** The 32-byte cache key. */
  public byte[] key() {
    return key.clone();
  }

  public String keyHex() {
    return HexFormat.of().formatHex(key);
  }

  public int label(int i) {
    checkIndex(i);
    return labels[i];
  }

  /** Token {@code pos} (0..L-1, scale order) of image {@code i}. */
  public int token(int i, int pos) {
    checkIndex(i);
    if (pos < 0 || pos >= l)
      throw new IndexOutOfBoundsException("token position " + pos + " outside [0, " + l + ")");
    return tokens[i * l + pos] & 0xFFFF;
  }

  /** Labels of the images {@code idx}, (B). */
  public int[] labels(int[] idx) {
    int[] out = new int[idx.length];
    for (int b = 0; b < idx.length; b++) out[b] = label(idx[b]);
    return out;
  }

  /** VAR targets gt_BL of the images {@code idx}: (B, L) row-major. */
  public int[] targets(int[] idx) {
    int[] out = new int[idx.length * l];
    for (int b = 0; b < idx.length; b++) {
      checkIndex(idx[b]);
      int src = idx[b] * l;
      for (int j = 0; j < l; j++) out[b * l + j] = tokens[src + j] & 0xFFFF;
    }
    return out;
  }

  /**
   * Token maps per scale of the images {@code idx}: K arrays of B·pn_k² ids (the input of
   * Tokenizer.varInput).
   */
  public List<int[]> perScale(int[] idx) {
    List<int[]> out = new ArrayList<>(patchNums.K());
    for (int k = 0; k < patchNums.K(); k++) {
      int t = patchNums.tokens(k), off = patchNums.begin(k);
      int[] a = new int[idx.length * t];
      for (int b = 0; b < idx.length; b++) {
        checkIndex(idx[b]);
        int src = idx[b] * l + off;
        for (int j = 0; j < t; j++) a[b * t + j] = tokens[src + j] & 0xFFFF;
      }
      out.add(a);
    }
    return out;
  }

  /** A cache of the images {@code idx} (in that order), same key. */
  public TokenCache subset(int[] idx) {
    int[] lab = labels(idx);
    short[] t = new short[idx.length * l];
    for (int b = 0; b < idx.length; b++) System.arraycopy(tokens, idx[b] * l, t, b * l, l);
    return new TokenCache(patchNums, vocabSize, numClasses, lab, t, key);
  }

  /** The first {@code count} images (all if fewer). */
  public TokenCache first(int count) {
    int m = Math.min(count, n);
    int[] idx = new int[m];
    for (int i = 0; i < m; i++) idx[i] = i;
    return subset(idx);
  }

  private void checkIndex(int i) {
    if (i < 0 || i >= n)
      throw new IndexOutOfBoundsException("image index " + i + " outside [0, " + n + ")");
  }

  @Override
  public String toString() {
    return "TokenCache[n="
        + n
        + ", patchNums="
        + patchNums
        + ", L="
        + l
        + ", V="
        + vocabSize
        + ", classes="
        + numClasses
        + ", key="
        + keyHex().substring(0, 12)
        + "]";
  }
}
