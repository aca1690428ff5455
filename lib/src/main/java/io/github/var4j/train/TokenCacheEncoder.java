package io.github.var4j.train;

import io.github.var4j.data.ImageDataset;
import io.github.var4j.nn.HostTensor;
import io.github.var4j.nn.StateDict;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.util.Require;
import io.github.var4j.vae.Tokenizer;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * Makes a {@link TokenCache} from a frozen {@link Tokenizer} and an image dataset: the token maps
 * r_1..r_K of every image, encoded in chunks (VAR's {@code vae.img_to_idxBl} done ahead of
 * training), and the cache key, a SHA-256 of the tokenizer (configuration and every weight) and the
 * images (size, labels, pixels) that tells whether a cache on disk still fits them.
 */
final class TokenCacheEncoder {
  private TokenCacheEncoder() {}

  /** See {@link TokenCache#encode}. */
  static TokenCache encode(
      Tokenizer tok, ImageDataset data, int chunk, String tag, PrintStream log) {
    var cfg = tok.config();
    if (cfg.vocabSize() > TokenCache.MAX_VOCAB) {
      throw new IllegalArgumentException(
          "vocabulary of "
              + cfg.vocabSize()
              + " codes does not fit uint16 ids (max "
              + TokenCache.MAX_VOCAB
              + ")");
    }
    Require.atLeast("chunk", chunk, 1);
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

  /** See {@link TokenCache#cacheKey}. */
  static byte[] cacheKey(Tokenizer tok, ImageDataset data) {
    MessageDigest md = sha256();
    md.update(
        ("var4j-token-cache-v" + TokenCache.VERSION + "\n" + tok.config() + "\n")
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
          "images have %s channels, the tokenizer expects %s"
              .formatted(data.channels(), cfg.inChannels()));
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
}
