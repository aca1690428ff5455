package io.github.var4j.train;

import io.github.var4j.data.ImageDataset;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.transformer.VarConfig;
import io.github.var4j.vae.Tokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The token maps r_1..r_K of a whole image dataset, encoded once by a frozen {@link Tokenizer}
 * (VAR's {@code vae.img_to_idxBl} done ahead of training) and cached on disk, one file per split.
 *
 * <p>In memory: labels (N) and tokens (N, L) in scale order, i.e. image i holds r_1 (pn_0² ids),
 * then r_2, ..., r_K (row-major h·pn+w inside a scale): exactly the VAR target {@code gt_BL} of
 * that image.
 *
 * <p>On disk: the {@code .v4jt} format of {@link TokenCacheFile} (version {@value #VERSION}; ids as
 * uint16, so V must be at most 65,536), written atomically and checked on reading (magic, version,
 * exact length, CRC-32, value ranges).
 *
 * <p>The cache key is a SHA-256 of the tokenizer (configuration and every weight) and the images
 * (size, labels, pixels, padded side): {@link #loadOrEncode} re-encodes when a cache was made with
 * another tokenizer or dataset. {@link TokenCacheEncoder} encodes and computes the key.
 */
public final class TokenCache {
  /** File format version. */
  public static final int VERSION = 1;

  /** Largest vocabulary a cache can hold (ids are uint16). */
  public static final int MAX_VOCAB = 65536;

  /** Bytes of the cache key (SHA-256). */
  static final int KEY_BYTES = 32;

  private final int n;
  private final ScaleSchedule patchNums;
  private final int vocabSize;
  private final int numClasses;
  private final int[] labels; // (N)
  private final short[] tokens; // (N, L) uint16
  private final byte[] key; // 32 bytes
  private final int l; // L = patchNums.L()

  /**
   * Checks and holds the parts of a cache (the arrays are not copied).
   *
   * @throws IllegalArgumentException naming the part out of range
   */
  TokenCache(
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
          "tokens must hold N*L = %s*%s = %s ids, got %s"
              .formatted(n, l, (long) n * l, tokens.length));
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
    return TokenCacheEncoder.encode(tok, data, chunk, tag, log);
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
    return TokenCacheEncoder.cacheKey(tok, data);
  }

  // ---- file I/O
  // ------------------------------------------------------------------------------------------------

  /** Writes the cache atomically (temp file, then rename). */
  public void write(Path file) throws IOException {
    TokenCacheFile.write(file, patchNums, vocabSize, numClasses, labels, tokens, key);
  }

  /**
   * Reads and validates a cache file.
   *
   * @throws IOException naming the file and the problem: not a token cache, unsupported version,
   *     truncated, trailing bytes, checksum mismatch (corrupt), or values out of range
   */
  public static TokenCache read(Path file) throws IOException {
    return TokenCacheFile.read(file);
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
