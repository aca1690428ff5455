package io.github.var4j.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.var4j.io.AtomicFiles;
import io.github.var4j.io.Json;
import io.github.var4j.nn.StateDict;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The one model-directory format of var4j, for every kind of model (tokenizer, VAR, and what later
 * issues add):
 *
 * <pre>
 * dir/config.json          {"format": "var4j-model/1", "kind": "var", "config": {...every record component...},
 *                           "training": {...}  (optional, informational: the run's training configuration)}
 * dir/&lt;official name&gt;.npy one file per weight, PyTorch layout (OIHW convolutions, out x in linears), float32
 * </pre>
 *
 * <p>The weights are the same files as the parity fixtures: {@code numpy.load} reads them, and
 * {@link StateDict} loads them by their official names. A directory is replaced as a whole (written
 * beside it, then renamed), so a killed save leaves the old model intact. Run directories keep the
 * same {@code config.json} (see {@link #writeConfig}).
 */
public final class ModelDir {
  private ModelDir() {}

  /** The configuration file of a model or run directory. */
  public static final String CONFIG = "config.json";

  /** The value of {@code "format"}. */
  public static final String FORMAT = "var4j-model/1";

  /** True if {@code dir} has a {@code config.json}. */
  public static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve(CONFIG));
  }

  /**
   * Writes a model: {@code config.json} plus one {@code .npy} per weight; the directory is replaced
   * atomically.
   */
  public static <C> void save(Path dir, ModelKind<C> kind, C config, StateDict weights)
      throws IOException {
    Path abs = dir.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path staging = abs.resolveSibling("." + abs.getFileName() + ".tmp-" + System.nanoTime());
    try {
      weights.saveNpyDir(staging);
      writeConfig(staging, kind, config, null);
      Path old = null;
      if (Files.exists(abs)) {
        old = abs.resolveSibling("." + abs.getFileName() + ".old-" + System.nanoTime());
        Files.move(abs, old);
      }
      Files.move(staging, abs);
      if (old != null) AtomicFiles.deleteTree(old);
    } finally {
      if (Files.exists(staging)) AtomicFiles.deleteTree(staging);
    }
  }

  /**
   * Writes {@code dir/config.json} alone, atomically (run directories: the model's configuration,
   * compared on resume, and the training configuration for the record).
   *
   * @param training any record or map, or null for none
   */
  public static <C> void writeConfig(Path dir, ModelKind<C> kind, C config, Object training)
      throws IOException {
    if (config == null) throw new IllegalArgumentException("config must not be null");
    if (!kind.configType().isInstance(config)) {
      throw new IllegalArgumentException(
          "a '"
              + kind.name()
              + "' model needs a "
              + kind.configType().getSimpleName()
              + ", got "
              + config.getClass().getSimpleName());
    }
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("format", FORMAT);
    root.put("kind", kind.name());
    root.set("config", Json.tree(config));
    if (training != null) root.set("training", Json.tree(training));
    Json.write(dir.resolve(CONFIG), root);
  }

  /**
   * Reads the configuration of a model or run directory.
   *
   * @throws IOException naming the file and the problem: no {@code config.json}, another format or
   *     kind, a missing or unknown key, a value the configuration rejects
   */
  public static <C> C config(Path dir, ModelKind<C> kind) throws IOException {
    Path file = dir.resolve(CONFIG);
    if (!Files.isRegularFile(file)) throw new IOException("model configuration not found: " + file);
    JsonNode root = Json.read(file);
    String format = root.path("format").asText("");
    if (!FORMAT.equals(format)) {
      throw new IOException(file + ": format '" + format + "' is not " + FORMAT);
    }
    String k = root.path("kind").asText("");
    if (!kind.name().equals(k)) {
      throw new IOException(
          file + " describes a '" + k + "' model, expected '" + kind.name() + "'");
    }
    if (!root.has("config") || !root.get("config").isObject())
      throw new IOException(file + " has no \"config\" object");
    ObjectNode config = (ObjectNode) root.get("config");
    kind.addedKeys()
        .forEach(
            (key, v) -> {
              if (!config.has(key)) config.set(key, Json.tree(v));
            });
    return Json.convert(
        config, kind.configType(), "invalid " + kind.name() + " configuration in " + file);
  }

  /**
   * The kind named by a model directory's {@code config.json} ("tokenizer", "var", "classifier").
   *
   * @throws IOException if there is no configuration or it is of another format
   */
  public static String kind(Path dir) throws IOException {
    Path file = dir.resolve(CONFIG);
    if (!Files.isRegularFile(file)) throw new IOException("model configuration not found: " + file);
    JsonNode root = Json.read(file);
    if (!FORMAT.equals(root.path("format").asText("")))
      throw new IOException(
          file + ": format '" + root.path("format").asText("") + "' is not " + FORMAT);
    return root.path("kind").asText("");
  }

  /**
   * A SHA-256 of a model directory (hex): the names, sizes and bytes of its files, in name order.
   * Two directories have the same fingerprint only if they hold the same files; what a result
   * derived from a model (e.g. a set of samples) records to tell whether it is still current.
   *
   * @throws IOException if {@code dir} is not a model directory or cannot be read
   */
  public static String fingerprint(Path dir) throws IOException {
    if (!exists(dir)) throw new IOException(dir + " is not a model directory (no " + CONFIG + ")");
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
    List<Path> files;
    try (var s = Files.list(dir)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path f : files) {
      md.update((f.getFileName() + "\0" + Files.size(f) + "\0").getBytes(StandardCharsets.UTF_8));
      // streamed, so that a large model (the official d16 is 1.2 GB) needs no heap for its bytes
      try (InputStream in = new DigestInputStream(Files.newInputStream(f), md)) {
        in.transferTo(OutputStream.nullOutputStream());
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** The weights of a model directory, by official name (PyTorch layouts). */
  public static StateDict weights(Path dir) throws IOException {
    return StateDict.loadNpyDir(dir);
  }

  /**
   * The components in which two configurations differ, e.g. {@code "depth 4 vs 6, embedDim 256 vs
   * 384"} (empty if none): what a resumed run reports when its checkpoint belongs to another model.
   */
  public static String differences(Object a, Object b) {
    JsonNode ta = Json.tree(a), tb = Json.tree(b);
    List<String> diffs = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = ta.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode other = tb.get(e.getKey());
      if (!e.getValue().equals(other)) diffs.add(e.getKey() + " " + e.getValue() + " vs " + other);
    }
    return String.join(", ", diffs);
  }
}
