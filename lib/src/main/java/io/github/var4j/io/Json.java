package io.github.var4j.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * JSON through Jackson, configured once for var4j's files: records map to objects by component
 * name, a missing or unknown key is an error that names it, output is pretty-printed with keys in
 * declaration order. Writes are atomic ({@link AtomicFiles}).
 */
public final class Json {
  private Json() {}

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();

  /** The shared mapper (thread-safe once configured). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** {@code value} as a JSON tree. */
  public static JsonNode tree(Object value) {
    return MAPPER.valueToTree(value);
  }

  /**
   * A JSON tree as a value of {@code type}.
   *
   * @throws IOException naming {@code source} and the problem (missing or unknown key, wrong type,
   *     failed validation)
   */
  public static <T> T convert(JsonNode node, Class<T> type, String source) throws IOException {
    try {
      return MAPPER.treeToValue(node, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IOException(source + ": " + message(e), e);
    }
  }

  /**
   * Reads a JSON file as a tree; a missing or malformed file is an {@link IOException} naming it.
   */
  public static JsonNode read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new IOException("file not found: " + file);
    try {
      return MAPPER.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new IOException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Writes {@code value} as pretty-printed JSON (UTF-8, trailing newline), atomically. */
  public static void write(Path file, Object value) throws IOException {
    AtomicFiles.write(
        file,
        (MAPPER.writeValueAsString(value) + "\n")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * The useful part of a Jackson or validation error: the original message, plus the JSON path if
   * known.
   */
  private static String message(Exception e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    if (root instanceof IllegalArgumentException && root != e) return root.getMessage();
    if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m) {
      String path =
          m.getPath().stream()
              .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
              .reduce((a, b) -> a + "." + b)
              .orElse("");
      return m.getOriginalMessage()
              .replaceAll("\\s*\\(for .*\\)$", "")
              .replaceAll(" \\(class [^)]*\\)", "")
          + (path.isEmpty() ? "" : " (at '" + path + "')");
    }
    return e.getMessage();
  }
}
