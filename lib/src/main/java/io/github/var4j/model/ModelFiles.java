package io.github.var4j.model;

import io.github.var4j.nn.StateDict;
import io.github.var4j.scale.ScaleSchedule;
import io.github.var4j.vae.VqVaeConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Exported models on disk: a directory with {@code config.properties} (the configuration, human-readable) and one
 * {@code <official name>.npy} per weight, in PyTorch layout - the same format as the parity fixtures, loadable with
 * {@code numpy.load} and by {@link StateDict#loadNpyDir}.
 */
public final class ModelFiles {
  public static final String CONFIG = "config.properties";

  private ModelFiles() {}

  /** Writes a tokenizer (config + weights); the weights directory is replaced atomically. */
  public static void saveTokenizer(Path dir, VqVaeConfig cfg, StateDict sd) throws IOException {
    Properties p = new Properties();
    p.setProperty("kind", "vqvae");
    p.setProperty("inChannels", Integer.toString(cfg.inChannels()));
    p.setProperty("ch", Integer.toString(cfg.ch()));
    p.setProperty("chMult", join(cfg.chMult()));
    p.setProperty("numResBlocks", Integer.toString(cfg.numResBlocks()));
    p.setProperty("zChannels", Integer.toString(cfg.zChannels()));
    p.setProperty("vocabSize", Integer.toString(cfg.vocabSize()));
    p.setProperty("patchNums", join(cfg.patchNums().toArray()));
    p.setProperty("beta", Double.toString(cfg.beta()));
    p.setProperty("quantResi", Double.toString(cfg.quantResi()));
    p.setProperty("shareQuantResi", Integer.toString(cfg.shareQuantResi()));
    p.setProperty("imageSize", Integer.toString(cfg.imageSize()));
    saveDir(dir, p, sd);
  }

  /** Reads a tokenizer's configuration. */
  public static VqVaeConfig loadTokenizerConfig(Path dir) throws IOException {
    Properties p = readConfig(dir, "vqvae");
    try {
      return new VqVaeConfig(intOf(p, "inChannels"), intOf(p, "ch"), ints(p, "chMult"), intOf(p, "numResBlocks"),
          intOf(p, "zChannels"), intOf(p, "vocabSize"), ScaleSchedule.of(ints(p, "patchNums")), dbl(p, "beta"), dbl(p, "quantResi"),
          intOf(p, "shareQuantResi"), intOf(p, "imageSize"));
    } catch (IllegalArgumentException e) {
      throw new IOException("invalid tokenizer configuration in " + dir.resolve(CONFIG) + ": " + e.getMessage(), e);
    }
  }

  /** Writes {@code config.properties} and the weights into {@code dir} (staged in a sibling, then renamed). */
  public static void saveDir(Path dir, Properties config, StateDict sd) throws IOException {
    Path abs = dir.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path staging = abs.resolveSibling("." + abs.getFileName() + ".tmp-" + System.nanoTime());
    sd.saveNpyDir(staging);
    StringWriter w = new StringWriter();
    config.store(w, "var4j model configuration");
    Files.writeString(staging.resolve(CONFIG), w.toString(), StandardCharsets.UTF_8);
    Path old = null;
    if (Files.exists(abs)) {
      old = abs.resolveSibling("." + abs.getFileName() + ".old-" + System.nanoTime());
      Files.move(abs, old);
    }
    Files.move(staging, abs);
    if (old != null) deleteTree(old);
  }

  /** Reads {@code config.properties} of {@code dir}, checking its kind. */
  public static Properties readConfig(Path dir, String kind) throws IOException {
    Path f = dir.resolve(CONFIG);
    if (!Files.isRegularFile(f)) throw new IOException("model configuration not found: " + f);
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    if (!kind.equals(p.getProperty("kind"))) {
      throw new IOException(f + " describes a '" + p.getProperty("kind") + "' model, expected '" + kind + "'");
    }
    return p;
  }

  public static String join(int[] v) {
    return Arrays.stream(v).mapToObj(Integer::toString).collect(Collectors.joining(","));
  }

  public static int[] ints(Properties p, String key) throws IOException {
    String v = need(p, key);
    try {
      return Arrays.stream(v.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    } catch (NumberFormatException e) {
      throw new IOException("config key '" + key + "' must be a comma-separated list of integers, got '" + v + "'");
    }
  }

  public static int intOf(Properties p, String key) throws IOException {
    String v = need(p, key);
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IOException("config key '" + key + "' must be an integer, got '" + v + "'");
    }
  }

  public static double dbl(Properties p, String key) throws IOException {
    String v = need(p, key);
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new IOException("config key '" + key + "' must be a number, got '" + v + "'");
    }
  }

  private static String need(Properties p, String key) throws IOException {
    String v = p.getProperty(key);
    if (v == null) throw new IOException("config key '" + key + "' is missing");
    return v;
  }

  private static void deleteTree(Path p) throws IOException {
    try (var s = Files.walk(p)) {
      for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
    }
  }
}
